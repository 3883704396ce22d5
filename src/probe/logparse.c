/*
 * logparse.c: multipassd's log in its three shapes, read into entries. The
 * journal gives each message's level only in PRIORITY and its category in
 * CATEGORY (multipassd's JournaldLogger sends MESSAGE, PRIORITY and CATEGORY
 * as separate fields), so it is read as journalctl's JSON, one object a
 * line, through libyaml (JSON is YAML for what journalctl prints). macOS
 * gets multipassd's StandardLogger text, "[time] [level] [category] message"
 * with the time in local time and no zone; Windows gets the event log as the
 * PowerShell command in paths.c prints it, "time level [category] message".
 */
#include "config.h"

#include <ctype.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <yaml.h>

#include "probe/logparse.h"
#include "util/util.h"

/* The first line passed over is shown shortened to this many bytes. */
#define SKIPPED_SHOW 120
#define MAX_DURATION (366L * 86400)

/* ---- levels ------------------------------------------------------------- */

const char *
log_level_name(enum log_level l)
{
	switch (l) {
	case LOG_LEVEL_ERROR:
		return "error";
	case LOG_LEVEL_WARNING:
		return "warning";
	case LOG_LEVEL_INFO:
		return "info";
	case LOG_LEVEL_DEBUG:
		return "debug";
	case LOG_LEVEL_TRACE:
		return "trace";
	case LOG_LEVEL_UNKNOWN:
		break;
	}
	return "unknown";
}

enum log_level
log_level_parse(const char *s, size_t len)
{
	static const struct {
		const char *word;
		enum log_level level;
	} words[] = {
	    {"error", LOG_LEVEL_ERROR},     {"err", LOG_LEVEL_ERROR},
	    {"critical", LOG_LEVEL_ERROR},  {"fatal", LOG_LEVEL_ERROR},
	    {"warning", LOG_LEVEL_WARNING}, {"warn", LOG_LEVEL_WARNING},
	    {"info", LOG_LEVEL_INFO},       {"information", LOG_LEVEL_INFO},
	    {"notice", LOG_LEVEL_INFO},     {"debug", LOG_LEVEL_DEBUG},
	    {"verbose", LOG_LEVEL_DEBUG},   {"trace", LOG_LEVEL_TRACE},
	};

	for (size_t i = 0; i < nitems(words); i++) {
		if (strlen(words[i].word) == len && strncasecmp(words[i].word, s, len) == 0)
			return words[i].level;
	}
	return LOG_LEVEL_UNKNOWN;
}

enum log_level
log_level_from_syslog(long priority)
{
	if (priority >= 0 && priority <= 3)
		return LOG_LEVEL_ERROR;
	if (priority == 4)
		return LOG_LEVEL_WARNING;
	if (priority == 5 || priority == 6)
		return LOG_LEVEL_INFO;
	if (priority == 7)
		return LOG_LEVEL_DEBUG;
	return LOG_LEVEL_UNKNOWN;
}

enum log_level
log_level_from_winevent(long level)
{
	switch (level) {
	case 1: /* critical */
	case 2:
		return LOG_LEVEL_ERROR;
	case 3:
		return LOG_LEVEL_WARNING;
	case 0: /* LogAlways, what classic ReportEvent sources often get */
	case 4:
		return LOG_LEVEL_INFO;
	case 5:
		return LOG_LEVEL_DEBUG;
	default:
		return LOG_LEVEL_UNKNOWN;
	}
}

/* ---- times -------------------------------------------------------------- */

static bool
is_leap(long y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
month_days(long y, int m)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* Days from 1970-01-01 to y-m-d (y >= 1970), proleptic Gregorian. */
static int64_t
days_since_epoch(long y, int m, int d)
{
	int64_t days = 0;

	/* Whole 400-year cycles first: 146097 days each. */
	while (y - 1970 >= 400) {
		days += 146097;
		y -= 400;
	}
	for (long yy = 1970; yy < y; yy++)
		days += is_leap(yy) ? 366 : 365;
	for (int mm = 1; mm < m; mm++)
		days += month_days(y, mm);
	return days + d - 1;
}

/* n decimal digits at s[*at], advancing *at. */
static bool
take_digits(const char *s, size_t len, size_t *at, size_t n, long *out)
{
	long v = 0;

	if (*at + n > len)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[*at + i];

		if (c < '0' || c > '9')
			return false;
		v = v * 10 + (c - '0');
	}
	*at += n;
	*out = v;
	return true;
}

static bool
take_char(const char *s, size_t len, size_t *at, char c)
{
	if (*at >= len || s[*at] != c)
		return false;
	(*at)++;
	return true;
}

/* The zone after a time: Z, +hh, +hhmm, +hh:mm. *offset in seconds east of UTC. */
static bool
take_zone(const char *s, size_t len, size_t *at, bool *has_zone, long *offset)
{
	long hh = 0, mm = 0;
	int sign;

	*has_zone = false;
	*offset = 0;
	if (*at < len && s[*at] == 'Z') {
		(*at)++;
		*has_zone = true;
		return true;
	}
	if (*at >= len || (s[*at] != '+' && s[*at] != '-'))
		return true;
	sign = s[*at] == '-' ? -1 : 1;
	(*at)++;
	if (!take_digits(s, len, at, 2, &hh))
		return false;
	if (*at < len && s[*at] == ':')
		(*at)++;
	if (*at < len && isdigit((unsigned char)s[*at]) && !take_digits(s, len, at, 2, &mm))
		return false;
	if (hh > 23 || mm > 59)
		return false;
	*has_zone = true;
	*offset = sign * (hh * 3600 + mm * 60);
	return true;
}

static bool assumed_known;
static long assumed_offset;

void
log_time_assume_offset(bool known, long offset)
{
	assumed_known = known;
	assumed_offset = offset;
}

bool
log_time_parse(const char *s, size_t len, int64_t *usec, size_t *used)
{
	long y, mo, d, h, mi, sec, offset, frac = 0;
	size_t at = 0, fdigits = 0;
	bool has_zone;
	int64_t secs;

	if (!take_digits(s, len, &at, 4, &y) || !take_char(s, len, &at, '-') ||
	    !take_digits(s, len, &at, 2, &mo) || !take_char(s, len, &at, '-') ||
	    !take_digits(s, len, &at, 2, &d))
		return false;
	if (at >= len || (s[at] != 'T' && s[at] != ' '))
		return false;
	at++;
	if (!take_digits(s, len, &at, 2, &h) || !take_char(s, len, &at, ':') ||
	    !take_digits(s, len, &at, 2, &mi) || !take_char(s, len, &at, ':') ||
	    !take_digits(s, len, &at, 2, &sec))
		return false;
	if (at < len && (s[at] == '.' || s[at] == ',')) {
		at++;
		while (at < len && isdigit((unsigned char)s[at])) {
			if (fdigits < 6) {
				frac = frac * 10 + (s[at] - '0');
				fdigits++;
			}
			at++;
		}
		if (fdigits == 0)
			return false;
		for (; fdigits < 6; fdigits++)
			frac *= 10;
	}
	if (!take_zone(s, len, &at, &has_zone, &offset))
		return false;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > month_days(y, (int)mo) || h > 23 ||
	    mi > 59 || sec > 60)
		return false;
	if (!has_zone && assumed_known) {
		has_zone = true;
		offset = assumed_offset;
	}
	if (has_zone) {
		secs = days_since_epoch(y, (int)mo, (int)d) * 86400 + h * 3600 + mi * 60 + sec -
		       offset;
	} else {
		struct tm tm;
		time_t t;

		memset(&tm, 0, sizeof tm);
		tm.tm_year = (int)(y - 1900);
		tm.tm_mon = (int)(mo - 1);
		tm.tm_mday = (int)d;
		tm.tm_hour = (int)h;
		tm.tm_min = (int)mi;
		tm.tm_sec = (int)sec;
		tm.tm_isdst = -1; /* the zone's rules decide, as they did when it was written */
		if ((t = mktime(&tm)) == (time_t)-1)
			return false;
		secs = (int64_t)t;
	}
	*usec = secs * 1000000 + frac;
	if (used != NULL)
		*used = at;
	return true;
}

char *
log_time_format(int64_t usec, bool with_ms)
{
	time_t secs = (time_t)(usec / 1000000);
	struct tm tm;
	char buf[64];

	if (usec < 0 || gmtime_r(&secs, &tm) == NULL)
		return xstrdup("?");
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
	if (with_ms)
		return xasprintf("%s.%03ldZ", buf, (long)(usec % 1000000 / 1000));
	return xasprintf("%sZ", buf);
}

/* ---- durations and units ------------------------------------------------ */

bool
log_duration_parse(const char *s, long *seconds, const char **problem)
{
	long total = 0;
	const char *p = s;

	if (s == NULL || *s == '\0') {
		*problem = N_("the duration is empty");
		return false;
	}
	while (*p != '\0') {
		long n = 0, unit;

		if (!isdigit((unsigned char)*p)) {
			*problem = N_("a duration is numbers each followed by s, m, h, d or w "
			              "(30m, 2h, 7d, 1h30m)");
			return false;
		}
		while (isdigit((unsigned char)*p)) {
			n = n * 10 + (*p - '0');
			if (n > MAX_DURATION) {
				*problem = N_("the duration is longer than 366 days");
				return false;
			}
			p++;
		}
		switch (*p) {
		case 's':
			unit = 1;
			break;
		case 'm':
			unit = 60;
			break;
		case 'h':
			unit = 3600;
			break;
		case 'd':
			unit = 86400;
			break;
		case 'w':
			unit = 7 * 86400;
			break;
		case '\0':
			*problem = N_("the number needs a unit: s, m, h, d or w (30m, 2h, 7d)");
			return false;
		default:
			*problem = N_("a duration is numbers each followed by s, m, h, d or w "
			              "(30m, 2h, 7d, 1h30m)");
			return false;
		}
		p++;
		if (n > (MAX_DURATION - total) / unit) {
			*problem = N_("the duration is longer than 366 days");
			return false;
		}
		total += n * unit;
	}
	if (total < 1) {
		*problem = N_("the duration must be at least 1 second");
		return false;
	}
	*seconds = total;
	return true;
}

char *
log_duration_format(long seconds)
{
	if (seconds >= 2 * 86400 && seconds % 86400 == 0)
		return xasprintf("%ldd", seconds / 86400);
	if (seconds >= 3600 && seconds % 3600 == 0)
		return xasprintf("%ldh", seconds / 3600);
	if (seconds >= 60 && seconds % 60 == 0)
		return xasprintf("%ldm", seconds / 60);
	return xasprintf("%lds", seconds);
}

bool
log_unit_valid(const char *s)
{
	size_t len;

	if (s == NULL || (len = strlen(s)) == 0 || len > 256 || s[0] == '-')
		return false;
	for (const char *p = s; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;

		if (c >= 0x80 || !(isalnum(c) || strchr("@._:*-", c) != NULL))
			return false;
	}
	return true;
}

/* ---- clean text --------------------------------------------------------- */

/* The length of the valid UTF-8 character at s, or 0 when it is not one. */
static size_t
utf8_valid_len(const unsigned char *s, size_t len)
{
	uint32_t cp;
	size_t n;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	if (n > len)
		return 0;
	cp = s[0] & (n == 2 ? 0x1f : n == 3 ? 0x0f : 0x07);
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* Overlong forms, UTF-16 surrogates, beyond U+10FFFF. */
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

char *
log_text_clean(const char *s, size_t len, size_t *out_len)
{
	const unsigned char *p = (const unsigned char *)s;
	struct strbuf sb = STRBUF_INIT;
	size_t i = 0;

	strbuf_add(&sb, "", 0);
	while (i < len) {
		size_t n = utf8_valid_len(p + i, len - i);

		if (n == 1 && p[i] == '\r') {
			i++;
			continue;
		}
		/* C0 controls but tab and newline, DEL, and the C1 controls (U+0080-U+009F). */
		if (n == 0 ||
		    (n == 1 && ((p[i] < 0x20 && p[i] != '\t' && p[i] != '\n') || p[i] == 0x7f)) ||
		    (n == 2 && p[i] == 0xc2 && p[i + 1] < 0xa0)) {
			strbuf_addc(&sb, '?');
			i += n == 0 ? 1 : n;
			continue;
		}
		strbuf_add(&sb, s + i, n);
		i += n;
	}
	while (sb.len > 0 && strchr(" \t\n", sb.buf[sb.len - 1]) != NULL)
		sb.buf[--sb.len] = '\0';
	if (out_len != NULL)
		*out_len = sb.len;
	return strbuf_detach(&sb);
}

/* ---- entries ------------------------------------------------------------ */

static struct log_entry *
add_entry(struct log_parse *lp, size_t *cap)
{
	struct log_entry *e;

	if (lp->n == *cap) {
		*cap = *cap == 0 ? 64 : *cap * 2;
		lp->v = xreallocarray(lp->v, *cap, sizeof *lp->v);
	}
	e = &lp->v[lp->n++];
	memset(e, 0, sizeof *e);
	return e;
}

static void
note_skipped(struct log_parse *lp, const char *line, size_t len)
{
	lp->skipped++;
	if (lp->first_skipped == NULL) {
		char *clean = log_text_clean(line, len < SKIPPED_SHOW ? len : SKIPPED_SHOW, NULL);

		for (char *c = clean; *c != '\0'; c++) {
			if (*c == '\n' || *c == '\t')
				*c = ' ';
		}
		lp->first_skipped = clean;
	}
}

/* "[" text "]" at line[*at]: its bounds; the "]" is the first one before a space or the end. */
static bool
take_bracket(const char *line, size_t len, size_t *at, size_t *start, size_t *end)
{
	size_t i;

	if (*at >= len || line[*at] != '[')
		return false;
	for (i = *at + 1; i < len; i++) {
		if (line[i] == ']' && (i + 1 == len || line[i + 1] == ' '))
			break;
	}
	if (i >= len)
		return false;
	*start = *at + 1;
	*end = i;
	*at = i + 1;
	return true;
}

/*
 * The head of a multipassd text line: "[time] [level] [category] ", or the
 * "[level] [category] " multipassd prints before its logger is set up.
 * *msg is where the message starts.
 */
static bool
parse_mpd_head(const char *line, size_t len, struct log_entry *e, size_t *msg)
{
	size_t at = 0, s0, s1, used;
	int64_t usec;

	if (len < 2 || line[0] != '[')
		return false;
	if (log_time_parse(line + 1, len - 1, &usec, &used) && 1 + used < len &&
	    line[1 + used] == ']') {
		e->dated = true;
		e->usec = usec;
		at = 2 + used;
		if (at < len && line[at] == ' ')
			at++;
		if (!take_bracket(line, len, &at, &s0, &s1)) {
			*msg = at;
			return true;
		}
		e->level = log_level_parse(line + s0, s1 - s0);
	} else {
		if (!take_bracket(line, len, &at, &s0, &s1) ||
		    (e->level = log_level_parse(line + s0, s1 - s0)) == LOG_LEVEL_UNKNOWN)
			return false;
	}
	if (at < len && line[at] == ' ')
		at++;
	if (take_bracket(line, len, &at, &s0, &s1))
		e->category = xstrndup(line + s0, s1 - s0);
	if (at < len && line[at] == ' ')
		at++;
	*msg = at;
	return true;
}

/* "[category] message" at the start of a message, as the event and syslog loggers write it. */
static void
split_category(struct log_entry *e)
{
	size_t at = 0, s0, s1, len = strlen(e->message);
	char *rest;

	if (e->category != NULL || !take_bracket(e->message, len, &at, &s0, &s1) || s1 == s0)
		return;
	e->category = xstrndup(e->message + s0, s1 - s0);
	if (at < len && e->message[at] == ' ')
		at++;
	rest = xstrdup(e->message + at);
	free(e->message);
	e->message = rest;
}

static void
parse_multipassd(const char *buf, size_t len, struct log_parse *lp, size_t *cap)
{
	struct strbuf msg = STRBUF_INIT;
	struct log_entry *cur = NULL;
	const char *p = buf, *end = buf + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t ll = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p), at = 0;
		struct log_entry head;

		lp->lines++;
		if (ll > 0 && p[ll - 1] == '\r')
			ll--;
		memset(&head, 0, sizeof head);
		if (parse_mpd_head(p, ll, &head, &at)) {
			if (cur != NULL)
				cur->message = log_text_clean(msg.buf, msg.len, NULL);
			cur = add_entry(lp, cap);
			*cur = head;
			cur->line = lp->lines;
			strbuf_reset(&msg);
			strbuf_add(&msg, p + at, ll - at);
		} else if (cur != NULL) {
			strbuf_addc(&msg, '\n');
			strbuf_add(&msg, p, ll);
		} else if (ll > 0) {
			note_skipped(lp, p, ll);
		}
		p = nl != NULL ? nl + 1 : end;
	}
	if (cur != NULL)
		cur->message = log_text_clean(msg.buf, msg.len, NULL);
	strbuf_free(&msg);
}

/* "2024-09-22T11:55:00.2501234+02:00 2 [primary] message": time, level number or word, message. */
static bool
parse_winevent_line(const char *line, size_t len, struct log_entry *e)
{
	size_t at = 0, used, ls;
	int64_t usec;

	if (!log_time_parse(line, len, &usec, &used) || used >= len || line[used] != ' ')
		return false;
	at = used + 1;
	ls = at;
	while (at < len && line[at] != ' ')
		at++;
	if (at == ls)
		return false;
	if (isdigit((unsigned char)line[ls])) {
		char num[8];

		if (at - ls >= sizeof num)
			return false;
		memcpy(num, line + ls, at - ls);
		num[at - ls] = '\0';
		e->level = log_level_from_winevent(strtol(num, NULL, 10));
	} else {
		e->level = log_level_parse(line + ls, at - ls);
	}
	if (at < len)
		at++;
	e->dated = true;
	e->usec = usec;
	e->message = log_text_clean(line + at, len - at, NULL);
	split_category(e);
	return true;
}

static void
parse_winevent(const char *buf, size_t len, struct log_parse *lp, size_t *cap)
{
	const char *p = buf, *end = buf + len;

	/* PowerShell may put a byte order mark before UTF-8 output. */
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t ll = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		struct log_entry e;

		lp->lines++;
		if (ll > 0 && p[ll - 1] == '\r')
			ll--;
		memset(&e, 0, sizeof e);
		if (parse_winevent_line(p, ll, &e)) {
			e.line = lp->lines;
			*add_entry(lp, cap) = e;
		} else if (ll > 0) {
			note_skipped(lp, p, ll);
		}
		p = nl != NULL ? nl + 1 : end;
	}
}

/* ---- the journal's JSON ------------------------------------------------- */

enum jfield { JF_OTHER, JF_TIME, JF_PRIORITY, JF_CATEGORY, JF_MESSAGE, JF_IDENT };

static enum jfield
journal_field(const char *key)
{
	if (strcmp(key, "__REALTIME_TIMESTAMP") == 0)
		return JF_TIME;
	if (strcmp(key, "PRIORITY") == 0)
		return JF_PRIORITY;
	if (strcmp(key, "CATEGORY") == 0)
		return JF_CATEGORY;
	if (strcmp(key, "MESSAGE") == 0)
		return JF_MESSAGE;
	if (strcmp(key, "SYSLOG_IDENTIFIER") == 0)
		return JF_IDENT;
	return JF_OTHER;
}

/*
 * A field's value after its key: a string, null, or an array. journalctl
 * writes a value that is not printable UTF-8 as an array of byte values, and
 * a field given more than once as an array of its values; the first value
 * is kept. *have is false for null.
 */
static bool
journal_value(yaml_parser_t *yp, yaml_event_t *first, struct strbuf *val, bool *have)
{
	yaml_event_t ev;
	int depth = 1;
	bool took = false, ok = true;

	*have = false;
	strbuf_reset(val);
	strbuf_add(val, "", 0);
	if (first->type == YAML_SCALAR_EVENT) {
		if (first->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
		    strcmp((const char *)first->data.scalar.value, "null") == 0)
			return true;
		strbuf_add(val, first->data.scalar.value, first->data.scalar.length);
		*have = true;
		return true;
	}
	if (first->type != YAML_SEQUENCE_START_EVENT)
		return false;
	while (depth > 0) {
		if (!yaml_parser_parse(yp, &ev))
			return false;
		switch (ev.type) {
		case YAML_SEQUENCE_START_EVENT:
			depth++;
			break;
		case YAML_SEQUENCE_END_EVENT:
			/* The first inner array (one value's bytes) is the value. */
			if (--depth == 1 && *have)
				took = true;
			break;
		case YAML_SCALAR_EVENT:
			if (took)
				break;
			if (ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
				char *endp = NULL;
				long b = strtol((const char *)ev.data.scalar.value, &endp, 10);

				if (*endp != '\0' || b < 0 || b > 255) {
					ok = false;
					break;
				}
				strbuf_addc(val, (char)b);
				*have = true;
			} else if (!*have) {
				strbuf_add(val, ev.data.scalar.value, ev.data.scalar.length);
				*have = true;
				took = true;
			}
			break;
		default:
			ok = false;
			break;
		}
		yaml_event_delete(&ev);
		if (!ok)
			return false;
	}
	return true;
}

static bool
parse_journal_line(const char *line, size_t len, struct log_entry *e)
{
	yaml_parser_t yp;
	yaml_event_t ev;
	struct strbuf key = STRBUF_INIT, val = STRBUF_INIT, msg = STRBUF_INIT;
	bool ok = false, have_msg = false, in_map = false;

	if (!yaml_parser_initialize(&yp))
		return false;
	yaml_parser_set_input_string(&yp, (const unsigned char *)line, len);
	for (;;) {
		bool have;

		if (!yaml_parser_parse(&yp, &ev))
			goto out;
		if (!in_map) {
			yaml_event_type_t t = ev.type;

			yaml_event_delete(&ev);
			if (t == YAML_MAPPING_START_EVENT)
				in_map = true;
			else if (t != YAML_STREAM_START_EVENT && t != YAML_DOCUMENT_START_EVENT)
				goto out;
			continue;
		}
		if (ev.type == YAML_MAPPING_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		if (ev.type != YAML_SCALAR_EVENT) {
			yaml_event_delete(&ev);
			goto out;
		}
		strbuf_reset(&key);
		strbuf_add(&key, ev.data.scalar.value, ev.data.scalar.length);
		yaml_event_delete(&ev);
		if (!yaml_parser_parse(&yp, &ev))
			goto out;
		have = false;
		if (!journal_value(&yp, &ev, &val, &have)) {
			yaml_event_delete(&ev);
			goto out;
		}
		yaml_event_delete(&ev);
		if (!have)
			continue;
		switch (journal_field(key.buf)) {
		case JF_TIME: {
			char *endp = NULL;
			long long us = strtoll(val.buf, &endp, 10);

			if (*endp == '\0' && us > 0) {
				e->usec = us;
				e->dated = true;
			}
			break;
		}
		case JF_PRIORITY:
			e->level = log_level_from_syslog(strtol(val.buf, NULL, 10));
			break;
		case JF_CATEGORY:
			free(e->category);
			e->category = log_text_clean(val.buf, val.len, NULL);
			break;
		case JF_MESSAGE:
			strbuf_reset(&msg);
			strbuf_add(&msg, val.buf, val.len);
			have_msg = true;
			break;
		case JF_IDENT:
			free(e->source);
			e->source = log_text_clean(val.buf, val.len, NULL);
			break;
		case JF_OTHER:
			break;
		}
	}
	e->message = have_msg ? log_text_clean(msg.buf, msg.len, NULL) : xstrdup("");
	/* multipassd's syslog logger writes "[category] message" instead of CATEGORY. */
	if (e->category == NULL && str_eq(e->source, "multipassd"))
		split_category(e);
	ok = true;
out:
	yaml_parser_delete(&yp);
	strbuf_free(&key);
	strbuf_free(&val);
	strbuf_free(&msg);
	if (!ok) {
		free(e->category);
		free(e->source);
		memset(e, 0, sizeof *e);
	}
	return ok;
}

static void
parse_journal(const char *buf, size_t len, struct log_parse *lp, size_t *cap)
{
	const char *p = buf, *end = buf + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t ll = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		struct log_entry e;

		lp->lines++;
		if (ll > 0 && p[ll - 1] == '\r')
			ll--;
		memset(&e, 0, sizeof e);
		/* Anything else ("-- No entries --", a cut last line) is not an entry. */
		if (ll > 0 && p[0] == '{' && parse_journal_line(p, ll, &e)) {
			e.line = lp->lines;
			*add_entry(lp, cap) = e;
		} else if (ll > 0) {
			note_skipped(lp, p, ll);
		}
		p = nl != NULL ? nl + 1 : end;
	}
}

/* ---- ordering ----------------------------------------------------------- */

static int
cmp_line_up(const void *a, const void *b)
{
	const struct log_entry *x = a, *y = b;

	if (x->dated != y->dated)
		return x->dated ? -1 : 1;
	if (x->dated && x->usec != y->usec)
		return x->usec < y->usec ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* Newest-first text (journalctl --reverse, Get-WinEvent): equal times keep their logged order. */
static int
cmp_line_down(const void *a, const void *b)
{
	const struct log_entry *x = a, *y = b;

	if (x->dated != y->dated)
		return x->dated ? -1 : 1;
	if (x->dated && x->usec != y->usec)
		return x->usec < y->usec ? -1 : 1;
	return x->line > y->line ? -1 : x->line < y->line;
}

static void
sort_entries(struct log_parse *lp)
{
	const struct log_entry *first = NULL, *last = NULL;

	for (size_t i = 0; i < lp->n; i++) {
		if (!lp->v[i].dated)
			continue;
		if (first == NULL)
			first = &lp->v[i];
		last = &lp->v[i];
	}
	if (lp->n > 1)
		qsort(lp->v, lp->n, sizeof *lp->v,
		      first != NULL && first->usec > last->usec ? cmp_line_down : cmp_line_up);
}

void
log_parse_text(enum log_format f, const char *buf, size_t len, struct log_parse *out)
{
	size_t cap = 0;

	memset(out, 0, sizeof *out);
	switch (f) {
	case LOG_FORMAT_JOURNAL_JSON:
		parse_journal(buf, len, out, &cap);
		break;
	case LOG_FORMAT_MULTIPASSD:
		parse_multipassd(buf, len, out, &cap);
		break;
	case LOG_FORMAT_WINEVENT:
		parse_winevent(buf, len, out, &cap);
		break;
	}
	sort_entries(out);
}

void
log_parse_free(struct log_parse *lp)
{
	if (lp == NULL)
		return;
	for (size_t i = 0; i < lp->n; i++) {
		free(lp->v[i].category);
		free(lp->v[i].source);
		free(lp->v[i].message);
	}
	free(lp->v);
	free(lp->first_skipped);
	memset(lp, 0, sizeof *lp);
}

/* ---- questions ---------------------------------------------------------- */

bool
log_entry_of_instance(const struct log_entry *e, const char *name)
{
	size_t n = strlen(name);

	if (e->category != NULL && strcmp(e->category, name) == 0)
		return true;
	return e->message != NULL && strncmp(e->message, name, n) == 0 && e->message[n] == ':' &&
	       e->message[n + 1] == ' ';
}

/*
 * Messages multipassd logs at debug or trace level (QMP traffic, process
 * and SSH chatter; the wording is Multipass's), and ones it logs at info,
 * warning or error level. A pattern that matches only the first kind looks
 * for something only a debug log holds.
 */
static const char *const debug_samples[] = {
    "QMP: {\"timestamp\": {\"seconds\": 1726998614, \"microseconds\": 500122}, \"event\": "
    "\"NIC_RX_FILTER_CHANGED\", \"data\": {\"path\": \"/machine/unattached/device[22]/"
    "virtio-backend\"}}",
    "QMP: {\"return\": {}}",
    "QMP: {\"QMP\": {\"version\": {\"qemu\": {\"micro\": 2, \"minor\": 2, \"major\": 8}, "
    "\"package\": \"\"}, \"capabilities\": [\"oob\"]}}",
    "process working dir ''",
    "Waiting for SSH to be up",
    "Caching initial SSH session",
    "ssh connection failed: 'Connection refused'",
    "[1526] started: qemu-img info /var/root/Library/Application Support/multipassd/qemu/"
    "vault/instances/primary/ubuntu-24.04-server-cloudimg-arm64.img",
};
static const char *const other_samples[] = {
    "",
    "Starting Multipass 1.14.0",
    "Daemon arguments: /snap/multipass/13398/bin/multipassd --verbosity info",
    "process program 'qemu-system-x86_64'",
    "process arguments '-machine, virt, -nic, vmnet-shared,model=virtio-net-pci,"
    "mac=52:54:00:11:ff:d3, -qmp, stdio'",
    "process started",
    "process state changed to Running",
    "primary: timed out waiting for response",
    "SSH session disconnected: Socket error: disconnected",
    "Received signal 15 (Terminated)",
    "Goodbye!",
    "VM suspended",
    "DHCPACK(mpqemubr0) 10.97.0.5 52:54:00:b6:b2:3a primary",
};

static bool
contains_folded(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay != '\0'; hay++) {
		if (strncasecmp(hay, needle, n) == 0)
			return true;
	}
	return false;
}

bool
log_pattern_is_debug(const char *pattern)
{
	regex_t re;
	bool debug = false;

	if (contains_folded(pattern, "qmp") || contains_folded(pattern, "nic_rx_filter_changed"))
		return true;
	if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB | REG_NEWLINE) != 0)
		return false;
	for (size_t i = 0; i < nitems(debug_samples) && !debug; i++)
		debug = regexec(&re, debug_samples[i], 0, NULL, 0) == 0;
	for (size_t i = 0; i < nitems(other_samples) && debug; i++)
		debug = regexec(&re, other_samples[i], 0, NULL, 0) != 0;
	regfree(&re);
	return debug;
}

/* Whether len bytes at s contain needle (s need not end in NUL). */
static bool
mem_has(const char *s, size_t len, const char *needle)
{
	size_t n = strlen(needle);

	for (size_t i = 0; n <= len && i <= len - n; i++) {
		if (memcmp(s + i, needle, n) == 0)
			return true;
	}
	return false;
}

bool
log_journal_denied(const char *err, size_t len)
{
	return mem_has(err, len, "insufficient permissions") ||
	       mem_has(err, len, "not seeing messages from other users") ||
	       mem_has(err, len, "Permission denied");
}

bool
log_journal_empty(const char *out, size_t out_len, const char *err, size_t err_len)
{
	size_t i = 0;

	if (mem_has(err, err_len, "No journal files were found") ||
	    mem_has(err, err_len, "No data available"))
		return true;
	/* "-- No entries --" and nothing else (older journalctl prints it in every mode). */
	while (i < out_len && isspace((unsigned char)out[i]))
		i++;
	if (out_len - i < 16 || memcmp(out + i, "-- No entries --", 16) != 0)
		return false;
	for (i += 16; i < out_len && isspace((unsigned char)out[i]); i++)
		;
	return i == out_len;
}

bool
log_winevent_none(const char *err, size_t len)
{
	return mem_has(err, len, "NoMatchingEventsFound") ||
	       mem_has(err, len, "No events were found") ||
	       mem_has(err, len, "NoMatchingProvidersFound") ||
	       mem_has(err, len, "There is not an event provider");
}

bool
log_winevent_denied(const char *err, size_t len)
{
	return mem_has(err, len, "UnauthorizedAccess") ||
	       mem_has(err, len, "unauthorized operation") || mem_has(err, len, "Access is denied");
}
