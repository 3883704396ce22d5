/*
 * params.c: the parameters of probes and fixes. Values come from flow files
 * and the command line, so every one is checked against its type before any
 * probe sees it; nothing here ever goes near a shell.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <regex.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "probe/netparse.h"
#include "probe/probe.h"

#define MAX_TEXT 4096
#define MAX_NAME 64
#define MAX_SECONDS 3600

static struct param_value *
params_lookup(const struct params *p, const char *name)
{
	for (size_t i = 0; p != NULL && i < p->n; i++) {
		if (strcmp(p->v[i].name, name) == 0)
			return &p->v[i];
	}
	return NULL;
}

const char *
params_get(const struct params *p, const char *name)
{
	struct param_value *pv = params_lookup(p, name);

	return pv != NULL ? pv->value : NULL;
}

/* Strict decimal: optional sign, digits, nothing else. */
static bool
parse_long(const char *s, long *out)
{
	char *end = NULL;
	long v;

	if (s == NULL || *s == '\0' || isspace((unsigned char)*s))
		return false;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0')
		return false;
	*out = v;
	return true;
}

/* 1 true, 0 false, -1 neither. */
static int
parse_bool(const char *s)
{
	static const char *const yes[] = {"true", "yes", "1", "on"};
	static const char *const no[] = {"false", "no", "0", "off"};

	if (s == NULL)
		return -1;
	for (size_t i = 0; i < nitems(yes); i++) {
		if (strcasecmp(s, yes[i]) == 0)
			return 1;
		if (strcasecmp(s, no[i]) == 0)
			return 0;
	}
	return -1;
}

long
params_get_long(const struct params *p, const char *name, long def)
{
	long v;

	return parse_long(params_get(p, name), &v) ? v : def;
}

bool
params_get_bool(const struct params *p, const char *name, bool def)
{
	int b = parse_bool(params_get(p, name));

	return b == -1 ? def : b == 1;
}

void
params_set(struct params *p, const char *name, const char *value)
{
	struct param_value *pv = params_lookup(p, name);

	if (pv != NULL) {
		free((char *)pv->value);
		pv->value = xstrdup(value);
		return;
	}
	p->v = xreallocarray(p->v, p->n + 1, sizeof *p->v);
	p->v[p->n].name = xstrdup(name);
	p->v[p->n].value = xstrdup(value);
	p->n++;
}

void
params_free(struct params *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->n; i++) {
		free((char *)p->v[i].name);
		free((char *)p->v[i].value);
	}
	free(p->v);
	p->v = NULL;
	p->n = 0;
}

const struct param_def *
param_def_find(const struct param_def *defs, const char *name)
{
	for (; defs != NULL && defs->name != NULL; defs++) {
		if (strcmp(defs->name, name) == 0)
			return defs;
	}
	return NULL;
}

void
argv_free(char **argv)
{
	if (argv == NULL)
		return;
	for (size_t i = 0; argv[i] != NULL; i++)
		free(argv[i]);
	free(argv);
}

/*
 * Word splitting as a POSIX shell does it, and nothing more: quotes and
 * backslashes only decide where words start and end. $, `, *, ~ and ; are
 * ordinary characters, because the words go to execve, never to a shell.
 */
char **
argv_split(const char *s, char **cause)
{
	struct strlist words = STRLIST_INIT;
	struct strbuf w = STRBUF_INIT;
	bool in_word = false;
	const char *p = s;

	if (s == NULL) {
		*cause = xstrdup(_("no command line"));
		return NULL;
	}
	while (*p != '\0') {
		bool was_in_word = in_word;
		char c = *p;

		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			if (in_word) {
				strlist_take(&words, strbuf_detach(&w));
				in_word = false;
			}
			p++;
			continue;
		}
		in_word = true;
		if (c == '\'') {
			const char *end = strchr(p + 1, '\'');

			if (end == NULL) {
				*cause = xstrdup(_("a single quote (') is not closed"));
				goto fail;
			}
			strbuf_add(&w, p + 1, (size_t)(end - p - 1));
			p = end + 1;
		} else if (c == '"') {
			for (p++; *p != '"'; p++) {
				if (*p == '\0') {
					*cause = xstrdup(_("a double quote (\") is not closed"));
					goto fail;
				}
				/* Inside double quotes a backslash only escapes these. */
				if (*p == '\\' && p[1] != '\0' &&
				    strchr("\"\\$`\n", p[1]) != NULL) {
					p++;
					if (*p == '\n')
						continue; /* a line continuation */
				}
				strbuf_addc(&w, *p);
			}
			p++;
		} else if (c == '\\') {
			if (p[1] == '\0') {
				*cause = xstrdup(_("the command line ends with a backslash"));
				goto fail;
			}
			if (p[1] != '\n')
				strbuf_addc(&w, p[1]);
			else
				in_word = was_in_word; /* a continuation alone starts no word */
			p += 2;
		} else {
			strbuf_addc(&w, c);
			p++;
		}
	}
	if (in_word)
		strlist_take(&words, strbuf_detach(&w));
	strbuf_free(&w);
	if (words.v == NULL)
		return xcalloc(1, sizeof(char *));
	return words.v; /* strlist keeps v NULL-terminated */

fail:
	strbuf_free(&w);
	strlist_free(&words);
	return NULL;
}

static char *
check_int(const struct param_def *def, const char *value)
{
	long v, min = def->min, max = def->max;

	/* Both bounds left at 0 means the definition set none. */
	if (min == 0 && max == 0) {
		min = LONG_MIN;
		max = LONG_MAX;
	}
	if (!parse_long(value, &v))
		return xasprintf(_("'%s' is not a whole number"), value);
	if (v < min || v > max)
		return xasprintf(_("%ld is out of range (%ld to %ld)"), v, min, max);
	return NULL;
}

/* "C:\\Windows\\..." or "C:/...": a Windows path, as a snapshot from Windows holds. */
static bool
is_windows_absolute(const char *value)
{
	return ((value[0] >= 'A' && value[0] <= 'Z') || (value[0] >= 'a' && value[0] <= 'z')) &&
	       value[1] == ':' && (value[2] == '\\' || value[2] == '/');
}

static char *
check_path(const char *value)
{
	const char *p = NULL, *seps = "/";

	if (is_windows_absolute(value))
		seps = "/\\";
	else if (value[0] != '/')
		return xasprintf(_("'%s' is not an absolute path (it must start with /)"), value);
	if (strlen(value) >= PATH_MAX)
		return xstrdup(_("the path is too long"));
	for (p = value; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return xstrdup(
			    _("the path contains a control character (such as a newline)"));
	}
	/* ".." would let a value climb out of the directory a flow meant. */
	for (p = value; *p != '\0';) {
		size_t len;

		while (*p != '\0' && strchr(seps, *p) != NULL)
			p++;
		len = strcspn(p, seps);
		if (len == 2 && p[0] == '.' && p[1] == '.')
			return xasprintf(_("'%s' contains a '..' component"), value);
		p += len;
	}
	return NULL;
}

/*
 * Whether the first n bytes of path are dir: exactly for POSIX paths; for
 * Windows paths ("C:\\..."), as Windows compares them, ignoring case and
 * taking '/' and '\\' as the same.
 */
static bool
path_prefix_equal(const char *path, const char *dir, size_t n, bool windows)
{
	if (!windows)
		return strncmp(path, dir, n) == 0;
	for (size_t i = 0; i < n; i++) {
		char a = path[i] == '/' ? '\\' : path[i], b = dir[i] == '/' ? '\\' : dir[i];

		if (a == '\0' || tolower((unsigned char)a) != tolower((unsigned char)b))
			return false;
	}
	return true;
}

/* The path is dir itself or lies below it. */
static bool
inside_dir(const char *value, const char *dir, bool windows)
{
	size_t n = strlen(dir);

	while (n > 1 && (dir[n - 1] == '/' || dir[n - 1] == '\\'))
		n--;
	return strlen(value) >= n && path_prefix_equal(value, dir, n, windows) &&
	       (value[n] == '\0' || value[n] == '/' || (windows && value[n] == '\\'));
}

/* The path lies in one of def->under, or in def->under_more's directory. */
static char *
check_under(const struct param_def *def, const char *value)
{
	struct strbuf sb = STRBUF_INIT;
	bool windows = is_windows_absolute(value);
	const char *more = def->under_more != NULL ? def->under_more() : NULL;
	char *msg = NULL;

	if (def->under == NULL)
		return NULL;
	for (const char *const *d = def->under; *d != NULL; d++) {
		if (inside_dir(value, *d, windows))
			goto inside;
		strbuf_addf(&sb, "%s%s", sb.len > 0 ? ", " : "", *d);
	}
	if (more != NULL) {
		if (inside_dir(value, more, windows))
			goto inside;
		strbuf_addf(&sb, ", %s", more);
	}
	msg = xasprintf(_("'%s' is not inside %s"), value, sb.buf);
inside:
	strbuf_free(&sb);
	return msg;
}

static char *
check_name(const char *value)
{
	size_t len = strlen(value);

	if (len == 0)
		return xstrdup(_("the name is empty"));
	if (len > MAX_NAME)
		return xasprintf(_("the name is longer than %d characters"), MAX_NAME);
	/* A leading '-' would read as an option to the command it is passed to. */
	if (!isalnum((unsigned char)value[0]) || (unsigned char)value[0] >= 0x80)
		return xasprintf(_("'%s' must start with a letter or a digit"), value);
	for (const char *p = value; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;

		if (c >= 0x80 || !(isalnum(c) || c == '.' || c == '_' || c == '-'))
			return xasprintf(
			    _("'%s' may only contain letters, digits, '.', '_' and '-'"), value);
	}
	return NULL;
}

/*
 * glibc's regcomp copies a sub-expression once per count of a bounded
 * repetition, and stacked quantifiers multiply that: "a++++++++++++++++++++"
 * or "((a{9}){9}){9}" take hundreds of megabytes (found by the flow fuzzer).
 * Refuse such patterns before compiling: at most 512 bytes, 32 nested groups,
 * no quantifier right after another, bounds up to 255, and no more than 1000
 * copies of anything through nesting. Back-references ("(a*)*\1") make
 * glibc's matcher backtrack exponentially on a long line, and a probe may
 * run a pattern over 20000 log lines: they are refused too (ERE has none by
 * the standard; glibc accepts them). Returns NULL or what is wrong.
 */
static const char *
regex_cost_problem(const char *p)
{
	unsigned long factor[34], last = 1;
	size_t depth = 0;
	bool quantified = false;

	if (strlen(p) > 512)
		return _("longer than 512 bytes");
	factor[0] = 1;
	for (; *p != '\0'; p++) {
		switch (*p) {
		case '\\':
			if (p[1] >= '1' && p[1] <= '9')
				return _("a back-reference (\\1 to \\9)");
			if (p[1] != '\0')
				p++;
			last = 1;
			quantified = false;
			break;
		case '[':
			/* A bracket expression is one atom; ']' first in it is literal. */
			p++;
			if (*p == '^')
				p++;
			if (*p == ']')
				p++;
			while (*p != '\0' && *p != ']')
				p++;
			if (*p == '\0')
				return NULL; /* regcomp reports the missing ']' */
			last = 1;
			quantified = false;
			break;
		case '(':
			if (++depth > 32)
				return _("more than 32 nested groups");
			factor[depth] = 1;
			quantified = false;
			break;
		case ')':
			if (depth == 0)
				return NULL; /* regcomp reports it */
			last = factor[depth--];
			if (last > factor[depth])
				factor[depth] = last;
			quantified = false;
			break;
		case '*':
		case '+':
		case '?':
			if (quantified)
				return _("a repetition of a repetition");
			quantified = true;
			break;
		case '{': {
			char *end = NULL;
			unsigned long lo, hi;

			if (p[1] < '0' || p[1] > '9')
				break; /* a literal brace */
			if (quantified)
				return _("a repetition of a repetition");
			lo = strtoul(p + 1, &end, 10);
			hi = lo;
			if (*end == ',')
				hi = end[1] >= '0' && end[1] <= '9' ? strtoul(end + 1, &end, 10)
				                                    : (end++, lo);
			if (lo > 255 || hi > 255)
				return _("a repetition count above 255");
			if (hi < 1)
				hi = 1;
			if (last * hi > 1000)
				return _("repetitions nested too deep (more than 1000 copies)");
			if (last * hi > factor[depth])
				factor[depth] = last * hi;
			quantified = true;
			if (*end == '}')
				p = end;
			break;
		}
		case '|':
			quantified = false;
			break;
		default:
			last = 1;
			quantified = false;
			break;
		}
	}
	return NULL;
}

static char *
check_regex(const char *value)
{
	regex_t re;
	char msg[256];
	const char *cost;
	int rc;

	if ((cost = regex_cost_problem(value)) != NULL)
		return xasprintf(_("'%s' is too costly a regular expression: %s"), value, cost);
	if ((rc = regcomp(&re, value, REG_EXTENDED | REG_NOSUB)) != 0) {
		regerror(rc, &re, msg, sizeof msg);
		return xasprintf(_("'%s' is not a valid regular expression: %s"), value, msg);
	}
	regfree(&re);
	return NULL;
}

static char *
check_enum(const struct param_def *def, const char *value)
{
	struct strbuf sb = STRBUF_INIT;
	const char *best = NULL;
	size_t bestd = SIZE_MAX;
	char *msg = NULL;

	if (def->choices == NULL)
		fatalx("enum parameter '%s' has no choices", def->name);
	for (const char *const *c = def->choices; *c != NULL; c++) {
		if (strcmp(*c, value) == 0)
			return NULL;
	}
	for (const char *const *c = def->choices; *c != NULL; c++) {
		size_t d;

		if ((d = str_distance(*c, value)) < bestd) {
			bestd = d;
			best = *c;
		}
		strbuf_addf(&sb, "%s%s", sb.len > 0 ? ", " : "", *c);
	}
	if (best != NULL && bestd <= 2)
		msg =
		    xasprintf(_("'%s' is not one of %s; did you mean '%s'?"), value, sb.buf, best);
	else
		msg = xasprintf(_("'%s' is not one of %s"), value, sb.buf != NULL ? sb.buf : "");
	strbuf_free(&sb);
	return msg;
}

char *
param_check(const struct param_def *def, const char *value)
{
	char **argv = NULL, *cause = NULL;
	long v;

	if (value == NULL)
		return xstrdup(_("no value given"));
	/* Every type is short text; control characters are refused per type below. */
	if (strlen(value) > MAX_TEXT)
		return xasprintf(_("the value is longer than %d bytes"), MAX_TEXT);
	switch (def->type) {
	case PARAM_STRING:
		if (!utf8_is_clean_text(value, strlen(value)))
			return xstrdup(_("the value is not clean UTF-8 text"));
		return NULL;
	case PARAM_INT:
		return check_int(def, value);
	case PARAM_BOOL:
		if (parse_bool(value) == -1)
			return xasprintf(_("'%s' is not true or false"), value);
		return NULL;
	case PARAM_SECONDS:
		if (!parse_long(value, &v))
			return xasprintf(_("'%s' is not a whole number of seconds"), value);
		if (v < 1 || v > MAX_SECONDS)
			return xasprintf(_("%ld seconds is out of range (1 to %d)"), v,
			                 MAX_SECONDS);
		return NULL;
	case PARAM_PATH:
		if ((cause = check_path(value)) != NULL)
			return cause;
		return check_under(def, value);
	case PARAM_CIDR: {
		struct net_addr a;
		unsigned prefix;

		if (strchr(value, '/') == NULL || !net_cidr_parse(value, &a, &prefix))
			return xasprintf(_("'%s' is not a subnet written ADDRESS/PREFIX"), value);
		return NULL;
	}
	case PARAM_ADDRESS: {
		struct net_addr a;

		if (!net_addr_parse(value, &a))
			return xasprintf(_("'%s' is not an IPv4 or IPv6 address"), value);
		return NULL;
	}
	case PARAM_ARGV:
		if (!utf8_is_clean_text(value, strlen(value)))
			return xstrdup(_("the command line is not clean UTF-8 text"));
		if ((argv = argv_split(value, &cause)) == NULL)
			return cause;
		if (argv[0] == NULL) {
			argv_free(argv);
			return xstrdup(_("the command line is empty"));
		}
		argv_free(argv);
		return NULL;
	case PARAM_REGEX:
		if (!utf8_is_clean_text(value, strlen(value)))
			return xstrdup(_("the pattern is not clean UTF-8 text"));
		return check_regex(value);
	case PARAM_ENUM:
		return check_enum(def, value);
	case PARAM_NAME:
		return check_name(value);
	}
	fatalx("parameter '%s' has unknown type %d", def->name, (int)def->type);
}

/* The closest known name, for "did you mean". */
static const char *
closest_name(const struct param_def *defs, const char *name)
{
	const char *best = NULL;
	size_t bestd = SIZE_MAX, limit;

	limit = strlen(name) / 3;
	if (limit < 2)
		limit = 2;
	for (; defs != NULL && defs->name != NULL; defs++) {
		size_t d = str_distance(defs->name, name);

		if (d < bestd) {
			bestd = d;
			best = defs->name;
		}
	}
	return bestd <= limit ? best : NULL;
}

static void
add_problem(struct strbuf *sb, char *msg)
{
	if (sb->len > 0)
		strbuf_adds(sb, "; ");
	strbuf_adds(sb, msg);
	free(msg);
}

char *
params_resolve(const struct param_def *defs, const struct params *given, struct params *out)
{
	struct strbuf problems = STRBUF_INIT;
	const struct param_def *def = NULL;
	char *msg = NULL;

	memset(out, 0, sizeof *out);
	for (size_t i = 0; given != NULL && i < given->n; i++) {
		const char *name = given->v[i].name, *hint = NULL;

		if ((def = param_def_find(defs, name)) != NULL)
			continue;
		if ((hint = closest_name(defs, name)) != NULL)
			msg =
			    xasprintf(_("unknown parameter '%s'; did you mean '%s'?"), name, hint);
		else
			msg = xasprintf(_("unknown parameter '%s'"), name);
		add_problem(&problems, msg);
	}
	for (def = defs; def != NULL && def->name != NULL; def++) {
		const char *value = params_get(given, def->name);

		if (value == NULL)
			value = def->def;
		if (value == NULL) {
			if (def->required)
				add_problem(&problems,
				            xasprintf(_("missing parameter '%s'"), def->name));
			continue;
		}
		if ((msg = param_check(def, value)) != NULL) {
			add_problem(&problems, xasprintf(_("parameter '%s': %s"), def->name, msg));
			free(msg);
			continue;
		}
		params_set(out, def->name, value);
	}
	if (problems.len == 0)
		return NULL;
	params_free(out);
	return strbuf_detach(&problems);
}

/* Characters a POSIX shell never treats specially, so a word of them needs no quotes. */
static bool
shell_safe(const char *w)
{
	if (*w == '\0')
		return false;
	for (; *w != '\0'; w++) {
		if (!isalnum((unsigned char)*w) && strchr("_./:=@%+,-", *w) == NULL)
			return false;
	}
	return true;
}

char *
argv_quote(const char *const *argv)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; argv != NULL && argv[i] != NULL; i++) {
		if (i > 0)
			strbuf_addc(&sb, ' ');
		/* A first word with '=' would read as an assignment. */
		if (shell_safe(argv[i]) && (i > 0 || strchr(argv[i], '=') == NULL)) {
			strbuf_adds(&sb, argv[i]);
			continue;
		}
		/* Single quotes keep everything literal; a quote itself is '\'' . */
		strbuf_addc(&sb, '\'');
		for (const char *p = argv[i]; *p != '\0'; p++) {
			if (*p == '\'')
				strbuf_adds(&sb, "'\\''");
			else
				strbuf_addc(&sb, *p);
		}
		strbuf_addc(&sb, '\'');
	}
	return strbuf_detach(&sb);
}
