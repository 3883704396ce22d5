/*
 * report.c: a session as a report to paste into a ticket (Markdown) or to
 * hand to a tool (YAML, the same content).
 *
 * Two kinds of text meet in a report. The explanation (headings, labels,
 * the flows' titles, causes and advice) is in the reader's language: the
 * report's own words through _(), the flows' through flow_text_get() with
 * {{fact}} templates expanded. What the machine said (evidence, summaries,
 * plans, verification, fact values, answers typed) is shown exactly as
 * recorded, never translated, so it can be searched for and compared.
 *
 * Everything the machine said goes through one gate first (clean_session):
 * redact_secrets() again, though sessions are recorded redacted (a session
 * file may come from an older vmtriage, or be edited by hand), then control
 * characters and bytes that are not UTF-8 become '?', so a report cannot
 * reach a terminal as a command or break the YAML emitter; with
 * REPORT_REDACT, report_redact_ids() last. The renderers only ever see that
 * clean copy, so no path through them can show a value that skipped it.
 * Identifiers that come from the flow or vmtriage (flow and node ids, probe
 * and fix names, outcomes, times, journal ids) are cut for secrets but keep
 * their identity, since `vmtriage undo ID` and the flows need them intact.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cli/cli.h"
#include "engine/engine.h"
#include "engine/facts.h"
#include "flow/flow.h"
#include "report/report.h"
#include "report/session.h"
#include "util/redact.h"
#include "util/util.h"
#include "util/yamlout.h"

/* ---- characters, without the locale ------------------------------------ */

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool
is_alnum(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool
is_hex(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static unsigned
hex_value(char c)
{
	if (is_digit(c))
		return (unsigned)(c - '0');
	return (unsigned)((c | 0x20) - 'a' + 10);
}

static char
lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* A character that can be part of a host or user name (any non-ASCII byte counts). */
static bool
is_name_char(char c)
{
	return is_alnum(c) || c == '_' || c == '-' || (unsigned char)c >= 0x80;
}

static bool
prefix_nocase(const char *s, const char *prefix, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == '\0' || lower(s[i]) != lower(prefix[i]))
			return false;
	return true;
}

/* ---- identities ------------------------------------------------------- */

/* Names that identify no one: they stay in the text even when they are the session's. */
static bool
name_is_generic(const char *s, size_t n)
{
	static const char *const generic[] = {
	    "root",   "admin",     "administrator", "user",      "ubuntu", "localhost",
	    "guest",  "default",   "public",        "shared",    "all",    "linuxbrew",
	    "system", "multipass", "default user",  "all users",
	};

	for (size_t i = 0; i < nitems(generic); i++)
		if (strlen(generic[i]) == n && prefix_nocase(s, generic[i], n))
			return true;
	return false;
}

void
report_ids_init(struct report_ids *ids, const char *host, const char *user)
{
	memset(ids, 0, sizeof *ids);
	if (host != NULL && host[0] != '\0')
		ids->host = xstrdup(host);
	if (user != NULL && user[0] != '\0')
		ids->user = xstrdup(user);
}

void
report_ids_free(struct report_ids *ids)
{
	free(ids->host);
	free(ids->user);
	strlist_free(&ids->addrs);
	strlist_free(&ids->macs);
	strlist_free(&ids->others);
	memset(ids, 0, sizeof *ids);
}

/* The 1-based number of value in sl, added when it is new. */
static size_t
ids_number(struct strlist *sl, const char *value)
{
	for (size_t i = 0; i < sl->n; i++)
		if (strcmp(sl->v[i], value) == 0)
			return i + 1;
	strlist_add(sl, value);
	return sl->n;
}

/*
 * Whether an address may start at p. Not inside a word or a number
 * ("v1.2.3.4", "x10.0.0.1"), nor after a colon that follows a hex digit or
 * another colon, which would be the middle of a longer colon-separated run
 * (a fingerprint, a time, "std::"); "addr:10.0.0.1" is a start.
 */
static bool
addr_start(const char *text, const char *p)
{
	char prev;

	if (p == text)
		return true;
	prev = p[-1];
	if (is_alnum(prev) || prev == '_' || prev == '.')
		return false;
	if (prev == ':')
		return p - 1 == text || (!is_hex(p[-2]) && p[-2] != ':');
	return true;
}

/* Length of a MAC address at p (six groups of hex digits, ':' or '-' between), or 0. */
static size_t
scan_mac(const char *p, char *canon, size_t canonlen, bool *kept)
{
	const char *q = p;
	unsigned b[6];
	char sep = '\0';

	for (size_t i = 0; i < 6; i++) {
		size_t d = 0;

		b[i] = 0;
		while (d < 3 && is_hex(*q)) {
			b[i] = b[i] * 16 + hex_value(*q++);
			d++;
		}
		if (d == 0 || d > 2)
			return 0;
		if (i == 0 && (*q == ':' || *q == '-'))
			sep = *q;
		/* macOS writes 52:54:0:a:b:c; with dashes (Windows) two digits each. */
		if (sep == '\0' || (sep == '-' && d != 2))
			return 0;
		if (i == 5)
			break;
		if (*q++ != sep)
			return 0;
	}
	/* A longer run (a fingerprint, an IPv6 address) is not a MAC. */
	if (is_alnum(*q) || *q == '_' || ((*q == ':' || *q == '-' || *q == '.') && is_hex(q[1])))
		return 0;
	snprintf(canon, canonlen, "%02x:%02x:%02x:%02x:%02x:%02x", b[0], b[1], b[2], b[3], b[4],
	         b[5]);
	/* Broadcast and all zeros name no machine. */
	*kept = strcmp(canon, "ff:ff:ff:ff:ff:ff") == 0 || strcmp(canon, "00:00:00:00:00:00") == 0;
	return (size_t)(q - p);
}

/* Length of an IPv4 address at p, or 0; its octets in oct. */
static size_t
scan_ipv4(const char *p, unsigned oct[4])
{
	const char *q = p;

	for (size_t i = 0; i < 4; i++) {
		size_t d = 0;

		oct[i] = 0;
		while (d < 4 && is_digit(*q)) {
			oct[i] = oct[i] * 10 + (unsigned)(*q++ - '0');
			d++;
		}
		if (d == 0 || d > 3 || oct[i] > 255)
			return 0;
		if (i < 3 && *q++ != '.')
			return 0;
	}
	if (is_alnum(*q) || *q == '_' || (*q == '.' && is_digit(q[1])))
		return 0;
	return (size_t)(q - p);
}

/* Addresses that say nothing about a machine: loopback, any, broadcast, a netmask. */
static bool
ipv4_is_kept(const unsigned oct[4])
{
	unsigned long v = ((unsigned long)oct[0] << 24) | (oct[1] << 16) | (oct[2] << 8) | oct[3];
	unsigned long inv = ~v & 0xffffffffUL;

	if (oct[0] == 127 || v == 0)
		return true;
	/* 255.x.x.x with contiguous ones: 255.255.255.0, 255.255.255.255. */
	return oct[0] == 255 && (inv & (inv + 1)) == 0;
}

/* Length of an IPv6 address at p (checked by inet_pton), or 0; its canonical form in canon. */
static size_t
scan_ipv6(const char *p, char *canon, size_t canonlen, bool *kept)
{
	char buf[INET6_ADDRSTRLEN + 1];
	struct in6_addr a;
	size_t n = 0, colons = 0;

	while (is_hex(p[n]) || p[n] == ':' || p[n] == '.') {
		if (++n > INET6_ADDRSTRLEN)
			return 0; /* longer than any address: a fingerprint, a hash */
	}
	/* The end of a sentence, or "addr: fe80::1: ..." */
	while (n > 0 && p[n - 1] == '.')
		n--;
	if (n > 1 && p[n - 1] == ':' && p[n - 2] != ':')
		n--;
	for (size_t i = 0; i < n; i++)
		colons += p[i] == ':';
	if (colons < 2 || is_alnum(p[n]) || p[n] == '_')
		return 0;
	memcpy(buf, p, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET6, buf, &a) != 1)
		return 0;
	*kept = IN6_IS_ADDR_LOOPBACK(&a) || IN6_IS_ADDR_UNSPECIFIED(&a);
	if (inet_ntop(AF_INET6, &a, canon, (socklen_t)canonlen) == NULL)
		return 0;
	return n;
}

/* Length of name at p as a whole word, ignoring case, or 0. */
static size_t
match_word(const char *text, const char *p, const char *name, size_t n)
{
	if (n < 2 || (p > text && is_name_char(p[-1])) || !prefix_nocase(p, name, n) ||
	    is_name_char(p[n]) || name_is_generic(name, n))
		return 0;
	return n;
}

/*
 * A home directory at p: "/home/", "/Users/", "\Users\" or "\\Users\\"
 * (JSON), "c:/users/". Returns the length of that prefix, or 0.
 */
static size_t
home_prefix(const char *text, const char *p)
{
	if (strncmp(p, "/home/", 6) == 0 || strncmp(p, "/Users/", 7) == 0)
		return p[1] == 'h' ? 6 : 7;
	if (prefix_nocase(p, "\\users\\", 7))
		return 7;
	if (prefix_nocase(p, "\\\\users\\\\", 9))
		return 9;
	if (p - text >= 2 && p[-1] == ':' && prefix_nocase(p, "/users/", 7))
		return 7;
	return 0;
}

/* A home directory's name at p: its length (0: none) and what stands for it. */
static size_t
home_name(const char *p, struct report_ids *ids, char **placeholder)
{
	char *name = NULL;
	size_t n = 0;

	/*
	 * The session's user first: a Windows name may hold a space
	 * ("C:\Users\Jo Doe"), and be given with its domain ("CORP\Jo Doe").
	 */
	for (size_t i = 0; i < 2 && ids->user != NULL; i++) {
		const char *user = ids->user, *base = strrchr(user, '\\');

		if (i == 1 && base == NULL)
			break;
		if (i == 1)
			user = base + 1;
		n = strlen(user);
		if (n > 0 && prefix_nocase(p, user, n) && !is_name_char(p[n]) &&
		    !name_is_generic(user, n)) {
			*placeholder = xstrdup("<user>");
			return n;
		}
	}
	for (n = 0; is_name_char(p[n]) || p[n] == '.'; n++)
		;
	while (n > 0 && p[n - 1] == '.')
		n--; /* the end of a sentence */
	if (n == 0 || name_is_generic(p, n))
		return 0;
	name = xstrndup(p, n);
	for (char *c = name; *c != '\0'; c++)
		*c = lower(*c);
	*placeholder = xasprintf("<other-user-%zu>", ids_number(&ids->others, name));
	free(name);
	return n;
}

/* An identity at p: its length (0: none), with its placeholder added to sb. */
static size_t
redact_at(const char *text, const char *p, struct report_ids *ids, struct strbuf *sb)
{
	char canon[INET6_ADDRSTRLEN + 1];
	unsigned oct[4];
	bool kept = false;
	size_t n, home;
	char *placeholder = NULL;

	if ((home = home_prefix(text, p)) > 0 && (n = home_name(p + home, ids, &placeholder)) > 0) {
		strbuf_add(sb, p, home);
		strbuf_adds(sb, placeholder);
		free(placeholder);
		return home + n;
	}
	if (addr_start(text, p)) {
		if (p == text || (p[-1] != '-' && p[-1] != ':')) {
			if ((n = scan_mac(p, canon, sizeof canon, &kept)) > 0) {
				if (kept)
					strbuf_add(sb, p, n);
				else
					strbuf_addf(sb, "<mac-%zu>", ids_number(&ids->macs, canon));
				return n;
			}
		}
		if ((n = scan_ipv6(p, canon, sizeof canon, &kept)) > 0) {
			if (kept)
				strbuf_add(sb, p, n);
			else
				strbuf_addf(sb, "<address-%zu>", ids_number(&ids->addrs, canon));
			return n;
		}
		if ((n = scan_ipv4(p, oct)) > 0) {
			snprintf(canon, sizeof canon, "%u.%u.%u.%u", oct[0], oct[1], oct[2],
			         oct[3]);
			if (ipv4_is_kept(oct))
				strbuf_add(sb, p, n);
			else
				strbuf_addf(sb, "<address-%zu>", ids_number(&ids->addrs, canon));
			return n;
		}
	}
	if (ids->host != NULL) {
		size_t full = strlen(ids->host), label = strcspn(ids->host, ".");

		if ((n = match_word(text, p, ids->host, full)) > 0 ||
		    (label < full && (n = match_word(text, p, ids->host, label)) > 0)) {
			strbuf_adds(sb, "<host>");
			return n;
		}
	}
	if (ids->user != NULL) {
		/* A Windows account may be written DOMAIN\name: the name alone counts too. */
		const char *base = strrchr(ids->user, '\\');

		if ((n = match_word(text, p, ids->user, strlen(ids->user))) > 0 ||
		    (base != NULL && (n = match_word(text, p, base + 1, strlen(base + 1))) > 0)) {
			strbuf_adds(sb, "<user>");
			return n;
		}
	}
	return 0;
}

char *
report_redact_ids(const char *text, struct report_ids *ids)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p = text;
	size_t n;

	if (text == NULL)
		return xstrdup("");
	while (*p != '\0') {
		if ((n = redact_at(text, p, ids, &sb)) > 0) {
			p += n;
			continue;
		}
		strbuf_addc(&sb, *p++);
	}
	return strbuf_detach(&sb);
}

/* ---- the clean copy ---------------------------------------------------- */

struct cleaner {
	bool ids_too; /* REPORT_REDACT */
	struct report_ids ids;
};

/* Length of a well-formed UTF-8 character at p (not NUL), or 0. */
static size_t
utf8_char_len(const unsigned char *p)
{
	unsigned c = p[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return (p[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		if ((p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80)
			return 0;
		if ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] >= 0xa0))
			return 0; /* overlong; a surrogate */
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		if ((p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80 || (p[3] & 0xc0) != 0x80)
			return 0;
		if ((c == 0xf0 && p[1] < 0x90) || (c == 0xf4 && p[1] >= 0x90))
			return 0;
		return 4;
	}
	return 0;
}

/*
 * Control characters (C0 but tab and newline, DEL, C1) and bytes that are
 * not UTF-8 as '?'; a carriage return before a newline or at the end dropped.
 */
static char *
scrub(const char *s)
{
	struct strbuf sb = STRBUF_INIT;
	const unsigned char *p = (const unsigned char *)s;

	while (*p != '\0') {
		size_t n = utf8_char_len(p);

		if (*p == '\r' && (p[1] == '\n' || p[1] == '\0')) {
			p++;
			continue;
		}
		if (n == 0 || (*p < 0x20 && *p != '\t' && *p != '\n') || *p == 0x7f ||
		    (*p == 0xc2 && p[1] < 0xa0)) {
			strbuf_addc(&sb, '?');
			p += n > 0 ? n : 1;
			continue;
		}
		strbuf_add(&sb, p, n);
		p += n;
	}
	return strbuf_detach(&sb);
}

/* A string vmtriage or the flow named (an id, a time): secrets out, but kept otherwise. */
static char *
clean_name(const char *s)
{
	char *cut = NULL, *out = NULL;

	if (s == NULL)
		return NULL;
	cut = s[0] != '\0' ? redact_secrets(s, strlen(s), NULL, NULL) : xstrdup("");
	out = scrub(cut);
	free(cut);
	return out;
}

/* A string the machine said: secrets out, and identities with REPORT_REDACT. */
static char *
clean_text(struct cleaner *c, const char *s)
{
	char *out = clean_name(s), *ids = NULL;

	if (out == NULL || !c->ids_too)
		return out;
	ids = report_redact_ids(out, &c->ids);
	free(out);
	return ids;
}

/*
 * Lines (evidence, a plan) are redacted as one text, then split again: a
 * key block or a YAML block spans lines, and line by line its body would
 * pass as harmless text.
 */
static void
clean_list(struct cleaner *c, struct strlist *dst, const struct strlist *src)
{
	struct strbuf sb = STRBUF_INIT;
	char *text = NULL;
	const char *p = NULL;

	if (src->n == 0)
		return;
	for (size_t i = 0; i < src->n; i++) {
		if (i > 0)
			strbuf_addc(&sb, '\n');
		strbuf_adds(&sb, src->v[i]);
	}
	text = clean_text(c, sb.buf != NULL ? sb.buf : "");
	for (p = text;; p++) {
		size_t n = strcspn(p, "\n");

		strlist_take(dst, xstrndup(p, n));
		p += n;
		if (*p == '\0')
			break;
	}
	free(text);
	strbuf_free(&sb);
}

/*
 * A fact or parameter: redacted as the line "key: value", so a value whose
 * name says it is secret ("cloud-init.password") goes even when the value
 * alone looks harmless.
 */
static void
clean_kvs(struct cleaner *c, struct session_kvs *dst, const struct session_kvs *src)
{
	dst->v = src->n > 0 ? xcalloc(src->n, sizeof *dst->v) : NULL;
	dst->n = src->n;
	for (size_t i = 0; i < src->n; i++) {
		const char *key = src->v[i].key != NULL ? src->v[i].key : "";
		char *line =
		    xasprintf("%s: %s", key, src->v[i].value != NULL ? src->v[i].value : "");
		char *cut = redact_secrets(line, strlen(line), NULL, NULL);
		size_t klen = strlen(key);

		dst->v[i].key = clean_name(key);
		if (strncmp(cut, key, klen) == 0 && strncmp(cut + klen, ": ", 2) == 0)
			dst->v[i].value = clean_text(c, cut + klen + 2);
		else
			dst->v[i].value = clean_text(c, src->v[i].value);
		free(cut);
		free(line);
	}
}

static void
clean_step(struct cleaner *c, struct session_step *d, const struct session_step *st)
{
	d->kind = st->kind;
	d->time = clean_name(st->time);
	d->flow = clean_name(st->flow);
	d->node = clean_name(st->node);
	d->answer = clean_text(c, st->answer);
	d->answer_text = clean_text(c, st->answer_text);
	d->automatic = st->automatic;
	d->probe = clean_name(st->probe);
	clean_kvs(c, &d->params, &st->params);
	d->outcome = clean_name(st->outcome);
	d->summary = clean_text(c, st->summary);
	clean_list(c, &d->evidence, &st->evidence);
	clean_kvs(c, &d->facts, &st->facts);
	d->elapsed_ms = st->elapsed_ms;
	d->fix = clean_name(st->fix);
	d->result = clean_name(st->result);
	clean_list(c, &d->plan, &st->plan);
	clean_list(c, &d->verify, &st->verify);
	d->journal = clean_name(st->journal);
	d->verdict = clean_name(st->verdict);
}

/* The parts of s a report shows, every string through the gate (see the top). */
static struct session *
clean_session(const struct session *s, unsigned flags)
{
	struct session *d = xcalloc(1, sizeof *d);
	struct cleaner c;

	c.ids_too = (flags & REPORT_REDACT) != 0;
	report_ids_init(&c.ids, s->hostname, s->user);
	d->id = clean_name(s->id);
	d->version = clean_name(s->version);
	d->flow = clean_name(s->flow);
	d->start = clean_name(s->start);
	d->started = clean_name(s->started);
	d->updated = clean_name(s->updated);
	d->os = clean_name(s->os);
	d->arch = clean_name(s->arch);
	d->lang = clean_name(s->lang);
	if (c.ids_too) {
		d->hostname = s->hostname != NULL ? xstrdup("<host>") : NULL;
		d->user = s->user != NULL ? xstrdup("<user>") : NULL;
	} else {
		d->hostname = clean_name(s->hostname);
		d->user = clean_name(s->user);
	}
	d->snapshot = clean_text(&c, s->snapshot);
	clean_kvs(&c, &d->given, &s->given);
	clean_kvs(&c, &d->facts, &s->facts);
	d->ended = s->ended;
	d->nsteps = s->nsteps;
	d->steps = s->nsteps > 0 ? xcalloc(s->nsteps, sizeof *d->steps) : NULL;
	for (size_t i = 0; i < s->nsteps; i++)
		clean_step(&c, &d->steps[i], &s->steps[i]);
	report_ids_free(&c.ids);
	return d;
}

/* ---- what the report says, whatever its format ------------------------- */

struct report {
	const struct session *s; /* the clean copy */
	const struct catalog *cat;
	const char *lang;
	struct facts facts;             /* for {{templates}} in the flows' texts */
	bool *undone;                   /* per step: a later back took it back */
	const struct session_step *end; /* the verdict; NULL: the walk did not reach one */
	const struct flow_node *end_node;
	enum flow_verdict verdict;
	size_t last; /* 1-based number of the last step given; 0: none */
};

static const char *const verdict_labels[] = {
    [VERDICT_NONE] = N_("Verdict"),
    [VERDICT_SOLVED] = N_("Solved"),
    [VERDICT_HEALTHY] = N_("Nothing wrong found"),
    [VERDICT_CAUSE] = N_("Cause found"),
    [VERDICT_ESCALATE] = N_("Needs help beyond this tool"),
};

static enum flow_verdict
verdict_from_name(const char *name)
{
	static const enum flow_verdict all[] = {VERDICT_SOLVED, VERDICT_HEALTHY, VERDICT_CAUSE,
	                                        VERDICT_ESCALATE};

	for (size_t i = 0; i < nitems(all); i++)
		if (str_eq(flow_verdict_name(all[i]), name))
			return all[i];
	return VERDICT_NONE;
}

static const char *
nonnull(const char *s)
{
	return s != NULL ? s : "";
}

static const struct flow *
find_flow(const struct report *r, const char *id)
{
	return r->cat != NULL && id != NULL ? catalog_find(r->cat, id) : NULL;
}

static const struct flow_node *
step_node(const struct report *r, const struct session_step *st)
{
	const struct flow *f = find_flow(r, st->flow);

	return f != NULL && st->node != NULL ? flow_node_find(f, st->node) : NULL;
}

/* A flow text in the report's language with its templates expanded; NULL when absent. */
static char *
flow_str(const struct report *r, const struct flow_text *t)
{
	const char *s = t != NULL ? flow_text_get(t, r->lang) : NULL;
	char *out = NULL;
	size_t n;

	if (s == NULL)
		return NULL;
	/* A block ("text: |") ends in a new line; a report places its own. */
	out = facts_expand_text(&r->facts, s);
	n = strlen(out);
	while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == ' '))
		out[--n] = '\0';
	if (n == 0) {
		free(out);
		return NULL;
	}
	return out;
}

/* A node's title, or its id. */
static char *
node_title(const struct report *r, const struct flow_node *n, const char *id)
{
	char *t = n != NULL ? flow_str(r, &n->title) : NULL;

	return t != NULL ? t : xstrdup(id != NULL ? id : "?");
}

static char *
step_title(const struct report *r, const struct session_step *st)
{
	return node_title(r, step_node(r, st), st->node);
}

/* The choice an answer stands for: its value, else its 1-based number. */
static const struct flow_choice *
answer_choice(const struct flow_node *n, const char *answer)
{
	size_t k = 0;

	if (n == NULL || answer == NULL || answer[0] == '\0')
		return NULL;
	for (size_t i = 0; i < n->nchoices; i++)
		if (str_eq(n->choices[i].value, answer))
			return &n->choices[i];
	for (const char *p = answer; *p != '\0'; p++) {
		if (!is_digit(*p) || k > n->nchoices)
			return NULL;
		k = k * 10 + (size_t)(*p - '0');
	}
	return k >= 1 && k <= n->nchoices ? &n->choices[k - 1] : NULL;
}

/* The answer as the reader would have seen the choice, else as recorded. */
static char *
answer_text(const struct report *r, const struct session_step *st)
{
	const struct flow_choice *ch = answer_choice(step_node(r, st), st->answer);
	char *t = ch != NULL ? flow_str(r, &ch->text) : NULL;

	if (t != NULL)
		return t;
	return xstrdup(st->answer_text != NULL ? st->answer_text : nonnull(st->answer));
}

/* A fact the session knows at its end, or NULL. */
static const char *
session_fact(const struct session *s, const char *key)
{
	for (size_t i = 0; i < s->facts.n; i++)
		if (str_eq(s->facts.v[i].key, key))
			return s->facts.v[i].value;
	return NULL;
}

static bool
is_input(enum session_step_kind k)
{
	return k == SESSION_ANSWER || k == SESSION_PROBE || k == SESSION_FIX ||
	       k == SESSION_CONTINUE;
}

/*
 * Back takes the walk to the stop before, undoing the last input not yet
 * undone: the steps a back took back are marked, so the reasons for the
 * verdict are only those of the path that stands.
 */
static void
report_init(struct report *r, const struct session *s, const struct catalog *cat, const char *lang)
{
	size_t *stack = xcalloc(s->nsteps + 1, sizeof *stack), depth = 0;

	memset(r, 0, sizeof *r);
	r->s = s;
	r->cat = cat;
	r->lang = lang != NULL && lang[0] != '\0' ? lang : "en";
	for (size_t i = 0; i < s->given.n; i++)
		facts_set(&r->facts, s->given.v[i].key, s->given.v[i].value);
	for (size_t i = 0; i < s->facts.n; i++)
		facts_set(&r->facts, s->facts.v[i].key, s->facts.v[i].value);
	r->undone = xcalloc(s->nsteps + 1, sizeof *r->undone);
	for (size_t i = 0; i < s->nsteps; i++) {
		const struct session_step *st = &s->steps[i];

		if (is_input(st->kind))
			stack[depth++] = i;
		else if (st->kind == SESSION_BACK && depth > 0)
			r->undone[stack[--depth]] = true;
		if (st->kind == SESSION_END)
			r->end = st;
		else
			r->last = i + 1;
	}
	free(stack);
	if (r->end != NULL) {
		r->end_node = step_node(r, r->end);
		r->verdict = r->end_node != NULL && r->end_node->kind == NODE_END
		                 ? r->end_node->verdict
		                 : verdict_from_name(r->end->verdict);
	}
}

static void
report_done(struct report *r)
{
	facts_free(&r->facts);
	free(r->undone);
}

static bool
fix_changed_something(const struct session_step *st)
{
	return st->kind == SESSION_FIX && !str_eq(st->result, "declined");
}

/* The edge a step left its node by, or NULL when the flow does not say. */
static const struct flow_edge *
step_edge(const struct flow_node *n, const struct session_step *st)
{
	const struct flow_choice *ch = NULL;

	switch (st->kind) {
	case SESSION_ANSWER:
		ch = answer_choice(n, st->answer);
		return ch != NULL ? &ch->next : NULL;
	case SESSION_PROBE:
		for (size_t i = 0; i < n->non; i++)
			if (str_eq(n->on[i].outcome, st->outcome))
				return &n->on[i].next;
		for (size_t i = 0; i < n->non; i++)
			if (str_eq(n->on[i].outcome, "default"))
				return &n->on[i].next;
		return NULL;
	case SESSION_FIX:
		if (str_eq(st->result, "ok"))
			return &n->then;
		if (str_eq(st->result, "declined") && n->decline.nalts > 0)
			return &n->decline;
		return &n->otherwise;
	case SESSION_CONTINUE:
		return &n->next;
	default:
		return NULL;
	}
}

/*
 * Where an unfinished walk stands, when the flow says it without doubt: the
 * last step's edge leads (by the facts as last saved) to a node that is a
 * stop of its own (no when: that fails, not a question a known fact answers,
 * not another flow). NULL otherwise: the report then names the last step.
 * A back, a goto or a skip would need the walk replayed.
 */
static const struct flow_node *
stop_node(const struct report *r)
{
	const struct session_step *st = r->last > 0 ? &r->s->steps[r->last - 1] : NULL;
	const struct flow_node *n = st != NULL ? step_node(r, st) : NULL;
	const struct flow_edge *edge = n != NULL ? step_edge(n, st) : NULL;
	const struct flow_node *to = NULL;

	for (size_t i = 0; edge != NULL && i < edge->nalts; i++) {
		if (engine_guard_holds(&edge->alts[i].when, &r->facts)) {
			to = flow_node_find(n->flow, edge->alts[i].target);
			break;
		}
	}
	if (to == NULL || !engine_guard_holds(&to->when, &r->facts))
		return NULL;
	if (to->kind == NODE_ASK && to->fact != NULL && facts_get(&r->facts, to->fact) != NULL)
		return NULL;
	return to->kind == NODE_ASK || to->kind == NODE_CHECK || to->kind == NODE_FIX ||
	               to->kind == NODE_SAY
	           ? to
	           : NULL;
}

/* ---- Markdown ---------------------------------------------------------- */

/* Prose: characters Markdown would take for markup are escaped; lines after the first indented. */
static void
md_prose(struct strbuf *sb, const char *s, const char *indent)
{
	bool line_start = true;
	const char *end = NULL;

	/* Trailing new lines would end a list item or a paragraph early; the caller ends lines. */
	s = nonnull(s);
	for (end = s + strlen(s); end > s && (end[-1] == '\n' || end[-1] == ' '); end--)
		;
	for (const char *p = s; p < end; p++) {
		if (*p == '\n') {
			strbuf_addc(sb, '\n');
			/* No trailing blanks on an empty line. */
			if (p[1] != '\n')
				strbuf_adds(sb, indent);
			line_start = true;
			continue;
		}
		if (strchr("\\`*_[]<>|", *p) != NULL || (line_start && *p == '#'))
			strbuf_addc(sb, '\\');
		strbuf_addc(sb, *p);
		line_start = false;
	}
}

static size_t
longest_backtick_run(const char *s)
{
	size_t best = 0, run = 0;

	for (const char *p = nonnull(s); *p != '\0'; p++) {
		run = *p == '`' ? run + 1 : 0;
		if (run > best)
			best = run;
	}
	return best;
}

/* Inline code, verbatim: a value, a name, a command. New lines show as spaces. */
static void
md_code(struct strbuf *sb, const char *s)
{
	size_t ticks = longest_backtick_run(s) + 1;
	bool pad;

	s = nonnull(s);
	pad = s[0] == '`' || (s[0] != '\0' && s[strlen(s) - 1] == '`');
	for (size_t i = 0; i < ticks; i++)
		strbuf_addc(sb, '`');
	if (pad)
		strbuf_addc(sb, ' ');
	for (const char *p = s; *p != '\0'; p++)
		strbuf_addc(sb, *p == '\n' ? ' ' : *p);
	if (pad)
		strbuf_addc(sb, ' ');
	for (size_t i = 0; i < ticks; i++)
		strbuf_addc(sb, '`');
}

/* A fenced block of lines, verbatim, each prefixed with indent (to sit in a list item). */
static void
md_fence(struct strbuf *sb, const struct strlist *lines, const char *indent)
{
	size_t ticks = 3;

	for (size_t i = 0; i < lines->n; i++)
		if (longest_backtick_run(lines->v[i]) + 1 > ticks)
			ticks = longest_backtick_run(lines->v[i]) + 1;
	strbuf_adds(sb, "\n");
	strbuf_adds(sb, indent);
	for (size_t i = 0; i < ticks; i++)
		strbuf_addc(sb, '`');
	strbuf_addc(sb, '\n');
	/* An empty line gets no indent: no trailing blanks (it stays in the block). */
	for (size_t i = 0; i < lines->n; i++) {
		const char *p = lines->v[i];

		if (*p != '\0' && *p != '\n')
			strbuf_adds(sb, indent);
		for (; *p != '\0'; p++) {
			strbuf_addc(sb, *p);
			if (*p == '\n' && p[1] != '\n' && p[1] != '\0')
				strbuf_adds(sb, indent);
		}
		strbuf_addc(sb, '\n');
	}
	strbuf_adds(sb, indent);
	for (size_t i = 0; i < ticks; i++)
		strbuf_addc(sb, '`');
	strbuf_adds(sb, "\n\n");
}

static bool
line_is_code(const char *p, size_t n)
{
	return n >= 2 && p[0] == ' ' && p[1] == ' ';
}

/*
 * A flow's text: prose in paragraphs, escaped; a run of lines indented by
 * two spaces or more is a command, a path or program output, shown as it is
 * in a fenced block (the run's common indent taken off), as the terminal
 * shows it whole. Continuation lines get indent (to stay in a list item).
 * Ends without a new line.
 */
static void
md_flow_text(struct strbuf *sb, const char *text, const char *indent)
{
	const char *p = nonnull(text);
	bool first = true;

	while (*p != '\0') {
		struct strbuf para = STRBUF_INIT;
		struct strlist code = STRLIST_INIT;
		size_t n = strcspn(p, "\n"), strip = (size_t)-1;

		if (!line_is_code(p, n)) {
			while (*p != '\0' && !line_is_code(p, (n = strcspn(p, "\n")))) {
				strbuf_add(&para, p, n + (p[n] == '\n'));
				p += n + (p[n] == '\n');
			}
			if (!first)
				strbuf_adds(sb, indent);
			md_prose(sb, para.buf != NULL ? para.buf : "", indent);
			strbuf_addc(sb, '\n');
			strbuf_free(&para);
			first = false;
			continue;
		}
		for (const char *q = p; *q != '\0' && line_is_code(q, (n = strcspn(q, "\n")));
		     q += n + (q[n] == '\n')) {
			size_t lead = strspn(q, " ");

			if (lead < strip)
				strip = lead;
		}
		while (*p != '\0' && line_is_code(p, (n = strcspn(p, "\n")))) {
			strlist_take(&code, xstrndup(p + strip, n - strip));
			p += n + (p[n] == '\n');
		}
		md_fence(sb, &code, indent);
		strlist_free(&code);
		first = false;
	}
	while (sb->len > 0 && sb->buf[sb->len - 1] == '\n')
		sb->buf[--sb->len] = '\0';
}

/* Facts as "key: value" lines; a value over several lines as a YAML-like block. */
static void
md_facts(struct strbuf *sb, const struct session_kvs *kv, const char *indent)
{
	struct strlist lines = STRLIST_INIT;

	for (size_t i = 0; i < kv->n; i++) {
		const char *v = nonnull(kv->v[i].value);

		if (strchr(v, '\n') == NULL) {
			strlist_addf(&lines, "%s: %s", kv->v[i].key, v);
			continue;
		}
		strlist_addf(&lines, "%s: |", kv->v[i].key);
		for (const char *p = v; *p != '\0';) {
			size_t n = strcspn(p, "\n");

			strlist_addf(&lines, "  %.*s", (int)n, p);
			p += n + (p[n] == '\n');
		}
	}
	md_fence(sb, &lines, indent);
	strlist_free(&lines);
}

/* Ends what came before with one blank line, never two. */
static void
md_blank(struct strbuf *sb)
{
	while (sb->len < 2 || strcmp(sb->buf + sb->len - 2, "\n\n") != 0)
		strbuf_addc(sb, '\n');
}

/* "- **label:** " */
static void
md_label(struct strbuf *sb, const char *label)
{
	strbuf_adds(sb, "- **");
	md_prose(sb, label, "");
	strbuf_adds(sb, ":** ");
}

/* "- **label:**" before a block. */
static void
md_label_block(struct strbuf *sb, const char *label)
{
	strbuf_adds(sb, "- **");
	md_prose(sb, label, "");
	strbuf_adds(sb, ":**\n");
}

static void
md_field_code(struct strbuf *sb, const char *label, const char *value)
{
	if (value == NULL)
		return;
	md_label(sb, label);
	md_code(sb, value);
	strbuf_addc(sb, '\n');
}

/* "Step 3, **Title**" */
static void
md_step_ref(struct strbuf *sb, const struct report *r, size_t i)
{
	char *title = step_title(r, &r->s->steps[i]);
	char *num = xasprintf(_("Step %zu"), i + 1);

	strbuf_adds(sb, num);
	strbuf_adds(sb, ", **");
	md_prose(sb, title, "  ");
	strbuf_adds(sb, "**");
	free(num);
	free(title);
}

static void
md_params(struct strbuf *sb, const struct session_kvs *params)
{
	for (size_t i = 0; i < params->n; i++) {
		char *kv = xasprintf("%s=%s", params->v[i].key, params->v[i].value);

		strbuf_adds(sb, i == 0 ? " " : ", ");
		md_code(sb, kv);
		free(kv);
	}
}

static void
md_header(struct strbuf *sb, const struct report *r)
{
	const struct session *s = r->s;
	const struct flow *f = find_flow(r, s->flow);
	char *title = f != NULL ? flow_str(r, &f->title) : NULL;
	char *summary = f != NULL ? flow_str(r, &f->summary) : NULL;

	strbuf_adds(sb, "# ");
	if (title != NULL) {
		md_prose(sb, title, "");
	} else {
		md_prose(sb, _("vmtriage report"), "");
		strbuf_adds(sb, ": ");
		md_code(sb, nonnull(s->flow));
	}
	strbuf_adds(sb, "\n\n");
	if (summary != NULL) {
		md_flow_text(sb, summary, "");
		strbuf_adds(sb, "\n\n");
	}
	md_label(sb, _("Result"));
	if (r->end != NULL) {
		char *end = node_title(r, r->end_node, r->end->node);

		md_prose(sb, _(verdict_labels[r->verdict]), "");
		strbuf_adds(sb, ": ");
		md_prose(sb, end, "  ");
		free(end);
	} else {
		char *line =
		    xasprintf(_("not finished: the walk stopped after %zu steps"), r->last);

		md_prose(sb, line, "");
		free(line);
	}
	strbuf_addc(sb, '\n');
	md_field_code(sb, _("Session"), s->id);
	md_field_code(sb, _("Flow"), s->flow);
	strbuf_addc(sb, '\n');
	free(title);
	free(summary);
}

static void
md_where(struct strbuf *sb, const struct report *r)
{
	const struct session *s = r->s;
	static const struct {
		const char *label, *fact;
	} versions[] = {
	    {N_("Multipass client"), "multipass.version"},
	    {N_("Multipass daemon"), "multipassd.version"},
	    {N_("Driver"), "driver"},
	};

	strbuf_adds(sb, "## ");
	md_prose(sb, _("When and where"), "");
	strbuf_adds(sb, "\n\n");
	md_field_code(sb, _("Started"), s->started);
	md_field_code(sb, _("Last saved"), s->updated);
	md_field_code(sb, _("Host"), s->hostname);
	md_field_code(sb, _("User"), s->user);
	md_field_code(sb, _("Operating system"), s->os);
	md_field_code(sb, _("Architecture"), s->arch);
	md_label(sb, _("Examined"));
	if (s->snapshot != NULL) {
		md_prose(sb, _("a snapshot, not a live machine:"), "");
		strbuf_addc(sb, ' ');
		md_code(sb, s->snapshot);
	} else {
		md_prose(sb, _("this machine, live"), "");
	}
	strbuf_addc(sb, '\n');
	md_field_code(sb, "vmtriage", s->version);
	for (size_t i = 0; i < nitems(versions); i++)
		md_field_code(sb, _(versions[i].label), session_fact(s, versions[i].fact));
	md_field_code(sb, _("Language of the walk"), s->lang);
	strbuf_addc(sb, '\n');
}

/* The checks and answers of the path that stands, in the order they happened. */
static void
md_findings(struct strbuf *sb, const struct report *r)
{
	bool any = false;

	for (size_t i = 0; i < r->s->nsteps; i++) {
		const struct session_step *st = &r->s->steps[i];

		if (r->undone[i] || (st->kind != SESSION_PROBE && st->kind != SESSION_ANSWER))
			continue;
		any = true;
		strbuf_adds(sb, "- ");
		md_step_ref(sb, r, i);
		strbuf_adds(sb, ": ");
		if (st->kind == SESSION_ANSWER) {
			char *text = answer_text(r, st);

			if (st->automatic) {
				char *line = xasprintf(_("answered from what is known: %s"), text);

				md_prose(sb, line, "  ");
				free(line);
			} else {
				md_prose(sb, _("answered"), "");
				strbuf_addc(sb, ' ');
				md_prose(sb, text, "  ");
			}
			strbuf_adds(sb, " (");
			md_code(sb, st->answer);
			strbuf_addc(sb, ')');
			free(text);
		} else {
			md_prose(sb, _("outcome"), "");
			strbuf_addc(sb, ' ');
			md_code(sb, st->outcome);
			if (st->summary != NULL && st->summary[0] != '\0') {
				strbuf_adds(sb, ": ");
				md_prose(sb, st->summary, "  ");
			}
		}
		strbuf_addc(sb, '\n');
	}
	if (!any) {
		md_prose(sb, _("No check ran and no question was asked on the way here."), "");
		strbuf_addc(sb, '\n');
	} else {
		strbuf_addc(sb, '\n');
		/* TRANSLATORS: "Path taken" is the heading of the report's last part. */
		md_prose(sb, _("The evidence of each step is under “Path taken” below."), "");
		strbuf_addc(sb, '\n');
	}
	strbuf_addc(sb, '\n');
}

static void
md_verdict(struct strbuf *sb, const struct report *r)
{
	const struct flow_node *n = r->end_node;
	char *title = n != NULL ? flow_str(r, &n->title) : NULL;
	char *cause = n != NULL ? flow_str(r, &n->cause) : NULL;
	char *text = n != NULL ? flow_str(r, &n->text) : NULL;
	char *where = xasprintf("%s:%s", nonnull(r->end->flow), nonnull(r->end->node));

	strbuf_adds(sb, "## ");
	md_prose(sb, _(verdict_labels[r->verdict]), "");
	strbuf_adds(sb, "\n\n");
	if (title != NULL) {
		strbuf_adds(sb, "**");
		md_prose(sb, title, "");
		strbuf_adds(sb, "**\n\n");
	}
	if (cause != NULL) {
		strbuf_adds(sb, "**");
		md_prose(sb, _("Cause"), "");
		strbuf_adds(sb, ":** ");
		md_flow_text(sb, cause, "");
		strbuf_adds(sb, "\n\n");
	}
	if (text != NULL) {
		md_flow_text(sb, text, "");
		strbuf_adds(sb, "\n\n");
	}
	md_field_code(sb, _("Ended at"), where);
	if (n != NULL)
		md_field_code(sb, _("Source"), n->source);
	strbuf_addc(sb, '\n');
	strbuf_adds(sb, "### ");
	md_prose(sb, _("Why we believe it"), "");
	strbuf_adds(sb, "\n\n");
	md_findings(sb, r);
	free(title);
	free(cause);
	free(text);
	free(where);
}

static void
md_stopped(struct strbuf *sb, const struct report *r)
{
	const struct session *s = r->s;
	const struct flow_node *at = stop_node(r);
	char *line = NULL, *title = NULL;

	strbuf_adds(sb, "## ");
	md_prose(sb, _("Where it stopped"), "");
	strbuf_adds(sb, "\n\n");
	md_prose(sb, _("The walk did not reach a verdict."), "");
	strbuf_addc(sb, ' ');
	if (at != NULL) {
		title = node_title(r, at, at->id);
		line = xasprintf(_("It stopped at %s, the step after step %zu."), title, r->last);
	} else if (r->last > 0) {
		const struct session_step *st = &s->steps[r->last - 1];

		title = step_title(r, st);
		line = xasprintf(_("The last step recorded is step %zu, %s, at %s."), r->last,
		                 title, nonnull(st->time));
	} else {
		const struct flow *f = find_flow(r, s->flow);

		title = node_title(
		    r, f != NULL && s->start != NULL ? flow_node_find(f, s->start) : NULL,
		    s->start);
		line = xasprintf(_("It stopped before its first step was recorded, at %s."), title);
	}
	md_prose(sb, line, "");
	strbuf_adds(sb, "\n\n");
	if (at != NULL) {
		char *where = xasprintf("%s:%s", at->flow->id, at->id);

		md_field_code(sb, _("Stopped at"), where);
		strbuf_addc(sb, '\n');
		free(where);
	}
	if (s->id != NULL) {
		struct strlist cmd = STRLIST_INIT;

		md_prose(sb, _("To go on from where it stopped:"), "");
		strbuf_addc(sb, '\n');
		strlist_addf(&cmd, "vmtriage resume %s", s->id);
		md_fence(sb, &cmd, "");
		strlist_free(&cmd);
	}
	strbuf_adds(sb, "### ");
	md_prose(sb, _("What was found so far"), "");
	strbuf_adds(sb, "\n\n");
	md_findings(sb, r);
	free(line);
	free(title);
}

static void
md_fixes(struct strbuf *sb, const struct report *r)
{
	bool any = false;

	strbuf_adds(sb, "## ");
	md_prose(sb, _("What was done"), "");
	strbuf_adds(sb, "\n\n");
	for (size_t i = 0; i < r->s->nsteps; i++) {
		const struct session_step *st = &r->s->steps[i];

		if (!fix_changed_something(st))
			continue;
		any = true;
		strbuf_adds(sb, "- ");
		md_step_ref(sb, r, i);
		strbuf_adds(sb, ": ");
		md_prose(sb, _("fix"), "");
		strbuf_addc(sb, ' ');
		md_code(sb, st->fix);
		strbuf_adds(sb, ", ");
		md_prose(sb, _("result"), "");
		strbuf_addc(sb, ' ');
		md_code(sb, st->result);
		strbuf_addc(sb, '\n');
		if (st->verify.n > 0) {
			strbuf_adds(sb, "\n  ");
			md_prose(sb, _("Verification:"), "");
			strbuf_addc(sb, '\n');
			md_fence(sb, &st->verify, "  ");
		}
		if (st->journal != NULL) {
			char *undo = xasprintf("vmtriage undo %s", st->journal);

			if (st->verify.n == 0)
				strbuf_addc(sb, '\n');
			strbuf_adds(sb, "  ");
			md_prose(sb, _("To undo it:"), "");
			strbuf_addc(sb, ' ');
			md_code(sb, undo);
			strbuf_adds(sb, "\n\n");
			free(undo);
		}
	}
	if (!any)
		md_prose(sb, _("Nothing was changed on this machine."), "");
	md_blank(sb);
}

/* A list of the end node's texts (next_steps, attach) under a heading. */
static void
md_texts(struct strbuf *sb, const struct report *r, const char *heading,
         const struct flow_text *texts, size_t n)
{
	if (n == 0)
		return;
	strbuf_adds(sb, "## ");
	md_prose(sb, heading, "");
	strbuf_adds(sb, "\n\n");
	for (size_t i = 0; i < n; i++) {
		char *t = flow_str(r, &texts[i]);

		if (t == NULL)
			continue;
		strbuf_adds(sb, "- ");
		md_flow_text(sb, t, "  ");
		strbuf_addc(sb, '\n');
		free(t);
	}
	strbuf_addc(sb, '\n');
}

static void
md_step(struct strbuf *sb, const struct report *r, size_t i)
{
	const struct session_step *st = &r->s->steps[i];
	char *title = step_title(r, st), *where = NULL, *t = NULL;

	strbuf_addf(sb, "### %zu. ", i + 1);
	md_prose(sb, title, "");
	strbuf_adds(sb, "\n\n");
	where = xasprintf("%s:%s", nonnull(st->flow), nonnull(st->node));
	md_label(sb, _("Where"));
	md_code(sb, where);
	if (st->time != NULL) {
		strbuf_adds(sb, ", ");
		md_prose(sb, st->time, "");
	}
	strbuf_addc(sb, '\n');
	if (r->undone[i]) {
		strbuf_adds(sb, "- *");
		md_prose(sb, _("Taken back: the walk went back past this step."), "");
		strbuf_adds(sb, "*\n");
	}
	switch (st->kind) {
	case SESSION_ANSWER:
		t = answer_text(r, st);
		md_label(sb, _("Answer"));
		if (st->automatic) {
			char *line = xasprintf(_("answered from what is known: %s"), t);

			free(t);
			t = line;
		}
		md_prose(sb, t, "  ");
		strbuf_adds(sb, " (");
		md_code(sb, st->answer);
		strbuf_adds(sb, ")\n");
		break;
	case SESSION_PROBE:
		md_label(sb, _("Check"));
		if (st->probe != NULL) {
			md_code(sb, st->probe);
			md_params(sb, &st->params);
		} else {
			md_prose(sb, _("the outcome was given by hand"), "");
		}
		strbuf_addc(sb, '\n');
		md_label(sb, _("Outcome"));
		md_code(sb, st->outcome);
		if (st->probe != NULL) {
			t = xasprintf(_("%ld ms"), st->elapsed_ms);
			strbuf_adds(sb, " (");
			md_prose(sb, t, "");
			strbuf_addc(sb, ')');
		}
		strbuf_addc(sb, '\n');
		if (st->summary != NULL && st->summary[0] != '\0') {
			md_label(sb, _("Summary"));
			md_prose(sb, st->summary, "  ");
			strbuf_addc(sb, '\n');
		}
		if (st->evidence.n > 0) {
			md_label_block(sb, _("Evidence"));
			md_fence(sb, &st->evidence, "  ");
		}
		if (st->facts.n > 0) {
			md_label_block(sb, _("Facts found"));
			md_facts(sb, &st->facts, "  ");
		}
		break;
	case SESSION_FIX:
		md_label(sb, _("Fix"));
		md_code(sb, st->fix);
		md_params(sb, &st->params);
		strbuf_addc(sb, '\n');
		md_field_code(sb, _("Result"), st->result);
		if (st->plan.n > 0) {
			md_label_block(sb, _("Plan"));
			md_fence(sb, &st->plan, "  ");
		}
		if (st->verify.n > 0) {
			md_label_block(sb, _("Verification"));
			md_fence(sb, &st->verify, "  ");
		}
		if (st->journal != NULL) {
			t = xasprintf("vmtriage undo %s", st->journal);
			md_label(sb, _("Journal"));
			md_code(sb, st->journal);
			strbuf_adds(sb, " (");
			md_prose(sb, _("to undo it:"), "");
			strbuf_addc(sb, ' ');
			md_code(sb, t);
			strbuf_adds(sb, ")\n");
		}
		break;
	case SESSION_CONTINUE:
		strbuf_adds(sb, "- ");
		md_prose(sb, _("Read, and went on."), "");
		strbuf_addc(sb, '\n');
		break;
	case SESSION_BACK:
		strbuf_adds(sb, "- ");
		md_prose(sb, _("Went back a step."), "");
		strbuf_addc(sb, '\n');
		break;
	case SESSION_END:
		md_label(sb, _("Verdict"));
		md_prose(sb, _(verdict_labels[verdict_from_name(st->verdict)]), "");
		strbuf_adds(sb, " (");
		md_code(sb, st->verdict);
		strbuf_adds(sb, ")\n");
		break;
	}
	md_blank(sb);
	free(t);
	free(where);
	free(title);
}

static void
write_md(struct strbuf *sb, const struct report *r)
{
	const struct session *s = r->s;

	md_header(sb, r);
	md_where(sb, r);
	if (r->end != NULL)
		md_verdict(sb, r);
	else
		md_stopped(sb, r);
	md_fixes(sb, r);
	if (r->end_node != NULL) {
		md_texts(sb, r, _("What to do next"), r->end_node->steps, r->end_node->nsteps);
		md_texts(sb, r, _("When you ask for help, attach"), r->end_node->attach,
		         r->end_node->nattach);
	}
	strbuf_adds(sb, "## ");
	md_prose(sb, _("Path taken"), "");
	strbuf_adds(sb, "\n\n");
	if (s->nsteps == 0) {
		md_prose(sb, _("No step was recorded."), "");
		strbuf_adds(sb, "\n\n");
	}
	for (size_t i = 0; i < s->nsteps; i++)
		md_step(sb, r, i);
	if (s->given.n > 0 || s->facts.n > 0) {
		strbuf_adds(sb, "## ");
		md_prose(sb, _("Facts"), "");
		strbuf_adds(sb, "\n\n");
	}
	if (s->given.n > 0) {
		md_prose(sb, _("Given at the start:"), "");
		strbuf_addc(sb, '\n');
		md_facts(sb, &s->given, "");
	}
	if (s->facts.n > 0) {
		md_prose(sb, _("Known when the session was last saved:"), "");
		strbuf_addc(sb, '\n');
		md_facts(sb, &s->facts, "");
	}
	/* One new line at the end, not two. */
	while (sb->len > 1 && sb->buf[sb->len - 1] == '\n' && sb->buf[sb->len - 2] == '\n')
		sb->buf[--sb->len] = '\0';
}

/* ---- YAML -------------------------------------------------------------- */

/* A scalar; a literal block when it spans lines. */
static void
y_text(struct yamlout *y, const char *s)
{
	s = nonnull(s);
	if (strchr(s, '\n') != NULL)
		yamlout_text(y, s, strlen(s));
	else
		yamlout_scalar(y, s);
}

/* key: value, left out when value is NULL. */
static void
y_pair(struct yamlout *y, const char *key, const char *value)
{
	if (value == NULL)
		return;
	yamlout_scalar(y, key);
	y_text(y, value);
}

/* key: value, taking value (owned; NULL: left out). */
static void
y_take(struct yamlout *y, const char *key, char *value)
{
	y_pair(y, key, value);
	free(value);
}

static void
y_num(struct yamlout *y, const char *key, long n)
{
	char buf[32];

	snprintf(buf, sizeof buf, "%ld", n);
	yamlout_pair(y, key, buf);
}

static void
y_list(struct yamlout *y, const char *key, const struct strlist *l)
{
	if (l->n == 0)
		return;
	yamlout_scalar(y, key);
	yamlout_seq_begin(y);
	for (size_t i = 0; i < l->n; i++)
		y_text(y, l->v[i]);
	yamlout_seq_end(y);
}

static void
y_kvs(struct yamlout *y, const char *key, const struct session_kvs *kv)
{
	if (kv->n == 0)
		return;
	yamlout_scalar(y, key);
	yamlout_map_begin(y);
	for (size_t i = 0; i < kv->n; i++) {
		yamlout_scalar(y, kv->v[i].key);
		y_text(y, kv->v[i].value);
	}
	yamlout_map_end(y);
}

static void
y_texts(struct yamlout *y, const struct report *r, const char *key, const struct flow_text *t,
        size_t n)
{
	if (n == 0)
		return;
	yamlout_scalar(y, key);
	yamlout_seq_begin(y);
	for (size_t i = 0; i < n; i++) {
		char *s = flow_str(r, &t[i]);

		y_text(y, s);
		free(s);
	}
	yamlout_seq_end(y);
}

static const char *
step_kind_name(enum session_step_kind k)
{
	static const char *const names[] = {
	    [SESSION_ANSWER] = "answer",     [SESSION_PROBE] = "probe", [SESSION_FIX] = "fix",
	    [SESSION_CONTINUE] = "continue", [SESSION_BACK] = "back",   [SESSION_END] = "end",
	};

	return (size_t)k < nitems(names) ? names[k] : "?";
}

/* The checks and answers of the path that stands. */
static void
y_findings(struct yamlout *y, const struct report *r, const char *key)
{
	bool any = false;

	for (size_t i = 0; i < r->s->nsteps; i++) {
		const struct session_step *st = &r->s->steps[i];

		if (r->undone[i] || (st->kind != SESSION_PROBE && st->kind != SESSION_ANSWER))
			continue;
		if (!any) {
			yamlout_scalar(y, key);
			yamlout_seq_begin(y);
			any = true;
		}
		yamlout_map_begin(y);
		y_num(y, "step", (long)(i + 1));
		yamlout_pair(y, "kind", step_kind_name(st->kind));
		y_take(y, "title", step_title(r, st));
		if (st->kind == SESSION_ANSWER) {
			y_pair(y, "answer", st->answer);
			y_take(y, "answer-text", answer_text(r, st));
			if (st->automatic)
				y_pair(y, "by", "facts");
		} else {
			y_pair(y, "outcome", st->outcome);
			y_pair(y, "summary", st->summary);
		}
		yamlout_map_end(y);
	}
	if (any)
		yamlout_seq_end(y);
}

static void
y_step(struct yamlout *y, const struct report *r, size_t i)
{
	const struct session_step *st = &r->s->steps[i];

	yamlout_map_begin(y);
	y_num(y, "step", (long)(i + 1));
	yamlout_pair(y, "kind", step_kind_name(st->kind));
	y_pair(y, "time", st->time);
	y_pair(y, "flow", st->flow);
	y_pair(y, "node", st->node);
	y_take(y, "title", step_title(r, st));
	if (r->undone[i])
		yamlout_pair(y, "undone", "true");
	switch (st->kind) {
	case SESSION_ANSWER:
		y_pair(y, "answer", st->answer);
		y_take(y, "answer-text", answer_text(r, st));
		if (st->automatic)
			y_pair(y, "by", "facts");
		break;
	case SESSION_PROBE:
		y_pair(y, "probe", st->probe);
		y_kvs(y, "params", &st->params);
		y_pair(y, "outcome", st->outcome);
		y_pair(y, "summary", st->summary);
		y_list(y, "evidence", &st->evidence);
		y_kvs(y, "facts", &st->facts);
		if (st->probe != NULL)
			y_num(y, "elapsed-ms", st->elapsed_ms);
		break;
	case SESSION_FIX:
		y_pair(y, "fix", st->fix);
		y_kvs(y, "params", &st->params);
		y_pair(y, "result", st->result);
		y_list(y, "plan", &st->plan);
		y_list(y, "verify", &st->verify);
		y_pair(y, "journal", st->journal);
		if (st->journal != NULL)
			y_take(y, "undo", xasprintf("vmtriage undo %s", st->journal));
		break;
	case SESSION_END:
		y_pair(y, "verdict", st->verdict);
		break;
	case SESSION_CONTINUE:
	case SESSION_BACK:
		break;
	}
	yamlout_map_end(y);
}

static void
y_verdict(struct yamlout *y, const struct report *r)
{
	const struct flow_node *n = r->end_node;

	yamlout_scalar(y, "verdict");
	yamlout_map_begin(y);
	yamlout_pair(y, "verdict",
	             r->verdict != VERDICT_NONE ? flow_verdict_name(r->verdict)
	                                        : nonnull(r->end->verdict));
	yamlout_pair(y, "verdict-text", _(verdict_labels[r->verdict]));
	y_pair(y, "flow", r->end->flow);
	y_pair(y, "node", r->end->node);
	y_take(y, "title", node_title(r, n, r->end->node));
	if (n != NULL) {
		y_take(y, "cause", flow_str(r, &n->cause));
		y_take(y, "text", flow_str(r, &n->text));
		y_pair(y, "source", n->source);
	}
	y_findings(y, r, "because");
	if (n != NULL) {
		y_texts(y, r, "next-steps", n->steps, n->nsteps);
		y_texts(y, r, "attach", n->attach, n->nattach);
	}
	yamlout_map_end(y);
}

static void
y_stopped(struct yamlout *y, const struct report *r)
{
	const struct session *s = r->s;
	const struct flow_node *at = NULL;

	yamlout_scalar(y, "stopped");
	yamlout_map_begin(y);
	if (r->last > 0) {
		const struct session_step *st = &s->steps[r->last - 1];

		y_num(y, "after-step", (long)r->last);
		y_pair(y, "flow", st->flow);
		y_pair(y, "node", st->node);
		y_take(y, "title", step_title(r, st));
		y_pair(y, "time", st->time);
	} else {
		const struct flow *f = find_flow(r, s->flow);

		y_num(y, "after-step", 0);
		y_pair(y, "flow", s->flow);
		y_pair(y, "node", s->start);
		y_take(y, "title",
		       node_title(
		           r, f != NULL && s->start != NULL ? flow_node_find(f, s->start) : NULL,
		           s->start));
	}
	if ((at = stop_node(r)) != NULL) {
		yamlout_scalar(y, "stands-at");
		yamlout_map_begin(y);
		y_pair(y, "flow", at->flow->id);
		y_pair(y, "node", at->id);
		y_take(y, "title", node_title(r, at, at->id));
		yamlout_pair(y, "kind", flow_node_kind_name(at->kind));
		yamlout_map_end(y);
	}
	if (s->id != NULL)
		y_take(y, "resume", xasprintf("vmtriage resume %s", s->id));
	y_findings(y, r, "found-so-far");
	yamlout_map_end(y);
}

static void
y_fixes(struct yamlout *y, const struct report *r)
{
	bool any = false;

	for (size_t i = 0; i < r->s->nsteps; i++) {
		const struct session_step *st = &r->s->steps[i];

		if (!fix_changed_something(st))
			continue;
		if (!any) {
			yamlout_scalar(y, "fixes");
			yamlout_seq_begin(y);
			any = true;
		}
		yamlout_map_begin(y);
		y_num(y, "step", (long)(i + 1));
		y_pair(y, "fix", st->fix);
		y_take(y, "title", step_title(r, st));
		y_pair(y, "result", st->result);
		y_list(y, "verify", &st->verify);
		y_pair(y, "journal", st->journal);
		if (st->journal != NULL)
			y_take(y, "undo", xasprintf("vmtriage undo %s", st->journal));
		yamlout_map_end(y);
	}
	if (any)
		yamlout_seq_end(y);
}

static int
write_yaml(FILE *out, const struct report *r)
{
	const struct session *s = r->s;
	const struct flow *f = find_flow(r, s->flow);
	struct yamlout *y = yamlout_new(out);

	yamlout_map_begin(y);
	yamlout_pair(y, "vmtriage-report", "1");
	y_pair(y, "session", s->id);
	yamlout_pair(y, "language", r->lang);
	yamlout_scalar(y, "flow");
	yamlout_map_begin(y);
	y_pair(y, "id", s->flow);
	if (f != NULL) {
		y_take(y, "title", flow_str(r, &f->title));
		y_take(y, "summary", flow_str(r, &f->summary));
	}
	yamlout_map_end(y);
	yamlout_pair(y, "status", r->end != NULL ? "finished" : "stopped");
	y_pair(y, "started", s->started);
	y_pair(y, "updated", s->updated);
	yamlout_scalar(y, "host");
	yamlout_map_begin(y);
	y_pair(y, "hostname", s->hostname);
	y_pair(y, "user", s->user);
	y_pair(y, "os", s->os);
	y_pair(y, "arch", s->arch);
	yamlout_pair(y, "examined", s->snapshot != NULL ? "snapshot" : "live");
	y_pair(y, "snapshot", s->snapshot);
	yamlout_map_end(y);
	yamlout_scalar(y, "versions");
	yamlout_map_begin(y);
	y_pair(y, "vmtriage", s->version);
	y_pair(y, "multipass", session_fact(s, "multipass.version"));
	y_pair(y, "multipassd", session_fact(s, "multipassd.version"));
	y_pair(y, "driver", session_fact(s, "driver"));
	yamlout_map_end(y);
	y_pair(y, "walk-language", s->lang);
	if (r->end != NULL)
		y_verdict(y, r);
	else
		y_stopped(y, r);
	y_fixes(y, r);
	if (s->nsteps > 0) {
		yamlout_scalar(y, "steps");
		yamlout_seq_begin(y);
		for (size_t i = 0; i < s->nsteps; i++)
			y_step(y, r, i);
		yamlout_seq_end(y);
	}
	y_kvs(y, "given", &s->given);
	y_kvs(y, "facts", &s->facts);
	yamlout_map_end(y);
	return yamlout_finish(y);
}

/* ---- entry points ------------------------------------------------------ */

int
report_write_lang(FILE *out, const struct session *s, const struct catalog *cat,
                  enum report_format format, unsigned flags, const char *lang)
{
	struct session *clean = clean_session(s, flags);
	struct report r;
	int rc = 0;

	report_init(&r, clean, cat, lang);
	if (format == REPORT_YAML) {
		rc = write_yaml(out, &r);
	} else {
		struct strbuf sb = STRBUF_INIT;

		write_md(&sb, &r);
		if (sb.len > 0 && fwrite(sb.buf, 1, sb.len, out) != sb.len)
			rc = -1;
		strbuf_free(&sb);
	}
	if (fflush(out) != 0 || ferror(out))
		rc = -1;
	report_done(&r);
	session_free(clean);
	return rc;
}

int
report_write(FILE *out, const struct session *s, const struct catalog *cat,
             enum report_format format, unsigned flags)
{
	return report_write_lang(out, s, cat, format, flags, cli_lang());
}
