/*
 * fwparse.c: parsers for the firewall probe, pure functions over the text
 * the tools print. socketfilterfw's wording changed over the macOS releases
 * ("Block all DISABLED!" became "Firewall has block all state set to
 * disabled.", "ALF: total number of apps" became "Total number of apps"), so
 * the macOS parsers read the deciding words rather than whole sentences.
 * The Linux parsers turn iptables-save's "-A CHAIN ..." lines and nft's
 * nested "table { chain { rule } }" listing into the same rule records, so
 * the probe looks for Multipass's rules in one way whichever backend holds
 * them (Multipass picks iptables-legacy or iptables-nft at start-up).
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "probe/fwparse.h"
#include "probe/probe.h"

#define MULTIPASS_COMMENT "generated for Multipass network "
#define MAX_LINE_BYTES 400

/* One line of buf at a time: *line and *ll, without the '\n' or a '\r' before it. */
static bool
next_line(const char **p, const char *end, const char **line, size_t *ll)
{
	const char *nl;

	if (*p >= end)
		return false;
	nl = memchr(*p, '\n', (size_t)(end - *p));
	*line = *p;
	*ll = nl != NULL ? (size_t)(nl - *p) : (size_t)(end - *p);
	*p = nl != NULL ? nl + 1 : end;
	if (*ll > 0 && (*line)[*ll - 1] == '\r')
		(*ll)--;
	return true;
}

/* The line without white space at either end, as an owned string. */
static char *
trimmed(const char *s, size_t len)
{
	while (len > 0 && isspace((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	return xstrndup(s, len);
}

static bool
is_blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (!isspace((unsigned char)s[i]))
			return false;
	}
	return true;
}

/* ---- macOS ---------------------------------------------------------------- */

bool
alf_says_managed(const char *text, size_t len)
{
	char *s = xstrndup(text, len);
	bool yes = str_contains_folded(s, "managed mac") ||
	           str_contains_folded(s, "cannot be modified from command line");

	free(s);
	return yes;
}

bool
alf_says_needs_root(const char *text, size_t len)
{
	char *s = xstrndup(text, len);
	bool yes = str_contains_folded(s, "must be root") ||
	           str_contains_folded(s, "must be run as root") ||
	           str_contains_folded(s, "permission denied");

	free(s);
	return yes;
}

int
alf_parse_globalstate(const char *out, size_t len)
{
	char *s = NULL;
	const char *st;
	int state = -1;

	if (alf_says_managed(out, len) || alf_says_needs_root(out, len))
		return -1;
	s = xstrndup(out, len);
	/* "Firewall is enabled. (State = 1)": the number is the setting itself. */
	if ((st = strstr(s, "State = ")) != NULL) {
		char *end = NULL;
		long v = strtol(st + 8, &end, 10);

		if (end != st + 8 && v >= 0 && v <= 2)
			state = (int)v;
		goto out;
	}
	if (str_contains_folded(s, "disabled"))
		state = 0;
	else if (str_contains_folded(s, "essential") || str_contains_folded(s, "block all"))
		state = 2;
	else if (str_contains_folded(s, "enabled"))
		state = 1;
out:
	free(s);
	return state;
}

int
alf_parse_onoff(const char *out, size_t len)
{
	const char *p = out, *end = out + len, *line = NULL;
	size_t ll = 0;
	bool found = false;
	int value = -1;

	if (alf_says_managed(out, len) || alf_says_needs_root(out, len))
		return -1;
	while (!found && next_line(&p, end, &line, &ll))
		found = !is_blank(line, ll);
	if (!found)
		return -1;
	/* The last deciding word of the first line: "... set to disabled.", "... is on". */
	for (size_t i = 0; i < ll;) {
		char word[16];
		size_t w = 0;

		if (!isalpha((unsigned char)line[i])) {
			i++;
			continue;
		}
		while (i < ll && isalpha((unsigned char)line[i])) {
			if (w + 1 < sizeof word)
				word[w++] = (char)tolower((unsigned char)line[i]);
			i++;
		}
		word[w] = '\0';
		if (strcmp(word, "disabled") == 0 || strcmp(word, "off") == 0)
			value = 0;
		else if (strcmp(word, "enabled") == 0 || strcmp(word, "on") == 0)
			value = 1;
	}
	return value;
}

/* "1 :  /usr/libexec/bootpd ": the number, then the path. */
static bool
app_line(const char *line, size_t ll, const char **path, size_t *plen)
{
	size_t i = 0;

	while (i < ll && isspace((unsigned char)line[i]))
		i++;
	if (i == ll || !isdigit((unsigned char)line[i]))
		return false;
	while (i < ll && isdigit((unsigned char)line[i]))
		i++;
	while (i < ll && line[i] == ' ')
		i++;
	if (i == ll || line[i] != ':')
		return false;
	i++;
	while (i < ll && isspace((unsigned char)line[i]))
		i++;
	*path = line + i;
	*plen = ll - i;
	while (*plen > 0 && isspace((unsigned char)(*path)[*plen - 1]))
		(*plen)--;
	return *plen > 0;
}

/* 1 for "Allow incoming connections", 0 for "Block ...", -1 for neither. */
static int
app_state(const char *s, size_t len)
{
	char *t = xstrndup(s, len);
	int v = -1;

	if (str_contains_folded(t, "allow incoming connections"))
		v = 1;
	else if (str_contains_folded(t, "block incoming connections"))
		v = 0;
	free(t);
	return v;
}

static void
app_set_text(struct alf_app *a, const char *state_line, size_t sl)
{
	char *st = trimmed(state_line, sl);
	char *joined = xasprintf("%s %s", a->text, st);

	free(a->text);
	a->text = probe_clean_line(joined, strlen(joined), MAX_LINE_BYTES);
	free(joined);
	free(st);
}

int
alf_parse_listapps(const char *out, size_t len, struct alf_apps *apps)
{
	const char *p = out, *end = out + len, *line;
	size_t ll, lineno = 0, cap = 0;
	bool header = false;
	struct alf_app *cur = NULL;

	memset(apps, 0, sizeof *apps);
	apps->total = -1;
	while (next_line(&p, end, &line, &ll)) {
		const char *path;
		size_t plen;
		int st;

		lineno++;
		if (!header && !is_blank(line, ll)) {
			char *s = xstrndup(line, ll);
			char *eq = strchr(s, '=');

			/* "ALF: total number of apps = 3 " or "Total number of apps = 9" */
			if (str_contains_folded(s, "number of apps") && eq != NULL)
				apps->total = strtol(eq + 1, NULL, 10);
			free(s);
			if (apps->total < 0)
				return -1;
			header = true;
			continue;
		}
		if (app_line(line, ll, &path, &plen)) {
			const char *paren = NULL;

			/* A state on the path's own line: cut it off the path. */
			if ((st = app_state(path, plen)) != -1) {
				for (size_t i = plen; i > 0; i--) {
					if (path[i - 1] == '(') {
						paren = path + i - 1;
						break;
					}
				}
			}
			if (apps->n == cap) {
				cap = cap == 0 ? 16 : cap * 2;
				apps->v = xreallocarray(apps->v, cap, sizeof *apps->v);
			}
			cur = &apps->v[apps->n++];
			memset(cur, 0, sizeof *cur);
			if (paren != NULL)
				plen = (size_t)(paren - path);
			cur->path = trimmed(path, plen);
			cur->allowed = st;
			cur->line = lineno;
			cur->text = trimmed(line, ll);
			continue;
		}
		if (cur != NULL && cur->allowed == -1 && (st = app_state(line, ll)) != -1) {
			cur->allowed = st;
			app_set_text(cur, line, ll);
		}
	}
	if (!header) {
		alf_apps_free(apps);
		return -1;
	}
	return 0;
}

const struct alf_app *
alf_apps_find(const struct alf_apps *apps, const char *path)
{
	size_t pl = strlen(path);

	while (pl > 1 && path[pl - 1] == '/')
		pl--;
	for (size_t i = 0; i < apps->n; i++) {
		const char *a = apps->v[i].path;
		size_t al = strlen(a);

		while (al > 1 && a[al - 1] == '/')
			al--;
		if (al == pl && strncmp(a, path, pl) == 0)
			return &apps->v[i];
	}
	return NULL;
}

void
alf_apps_free(struct alf_apps *apps)
{
	for (size_t i = 0; i < apps->n; i++) {
		free(apps->v[i].path);
		free(apps->v[i].text);
	}
	free(apps->v);
	memset(apps, 0, sizeof *apps);
	apps->total = -1;
}

/* ---- Linux: rules ----------------------------------------------------------- */

struct tok {
	char *s;
	bool quoted;
};
struct toks {
	struct tok *v;
	size_t n, cap;
};

/* Words split at white space; "double quoted" ones (\" inside) are one word, unquoted. */
static void
tokenize(const char *s, size_t len, struct toks *t)
{
	size_t i = 0;

	memset(t, 0, sizeof *t);
	while (i < len) {
		struct strbuf sb = STRBUF_INIT;
		bool quoted = false;

		while (i < len && isspace((unsigned char)s[i]))
			i++;
		if (i == len)
			break;
		if (s[i] == '"') {
			quoted = true;
			for (i++; i < len && s[i] != '"'; i++) {
				if (s[i] == '\\' && i + 1 < len)
					i++;
				strbuf_addc(&sb, s[i]);
			}
			i += i < len; /* the closing quote */
		} else {
			while (i < len && !isspace((unsigned char)s[i]))
				strbuf_addc(&sb, s[i++]);
		}
		if (t->n == t->cap) {
			t->cap = t->cap == 0 ? 16 : t->cap * 2;
			t->v = xreallocarray(t->v, t->cap, sizeof *t->v);
		}
		t->v[t->n].s = strbuf_detach(&sb);
		t->v[t->n].quoted = quoted;
		t->n++;
	}
}

static void
toks_free(struct toks *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->v[i].s);
	free(t->v);
	memset(t, 0, sizeof *t);
}

static bool
tok_is(const struct toks *t, size_t i, const char *word)
{
	return i < t->n && !t->v[i].quoted && strcmp(t->v[i].s, word) == 0;
}

/* The hook that calls one of iptables' built-in chains; "" for a chain of its own. */
static const char *
builtin_hook(const char *chain)
{
	static const char *const names[][2] = {
	    {"PREROUTING", "prerouting"},   {"INPUT", "input"},
	    {"FORWARD", "forward"},         {"OUTPUT", "output"},
	    {"POSTROUTING", "postrouting"},
	};

	for (size_t i = 0; i < nitems(names); i++) {
		if (strcmp(chain, names[i][0]) == 0)
			return names[i][1];
	}
	return "";
}

static char *
upper(const char *s)
{
	char *u = xstrdup(s);

	for (char *p = u; *p != '\0'; p++)
		*p = (char)toupper((unsigned char)*p);
	return u;
}

static struct fw_rule *
add_rule(struct fw_ruleset *rs, size_t *cap, const char *family, const char *table,
         const char *chain, const char *hook, const char *line, size_t ll, size_t lineno)
{
	struct fw_rule *r;
	char *t = trimmed(line, ll);

	if (rs->nrules == *cap) {
		*cap = *cap == 0 ? 32 : *cap * 2;
		rs->rules = xreallocarray(rs->rules, *cap, sizeof *rs->rules);
	}
	r = &rs->rules[rs->nrules++];
	memset(r, 0, sizeof *r);
	r->family = xstrdup(family);
	r->table = xstrdup(table);
	r->chain = xstrdup(chain);
	r->hook = xstrdup(hook);
	r->text = probe_clean_line(t, strlen(t), MAX_LINE_BYTES);
	r->line = lineno;
	free(t);
	return r;
}

static void
add_policy(struct fw_ruleset *rs, size_t *cap, const char *family, const char *table,
           const char *chain, const char *hook, const char *policy, const char *line, size_t ll,
           size_t lineno)
{
	struct fw_policy *p;
	char *t = trimmed(line, ll);

	if (rs->npolicies == *cap) {
		*cap = *cap == 0 ? 8 : *cap * 2;
		rs->policies = xreallocarray(rs->policies, *cap, sizeof *rs->policies);
	}
	p = &rs->policies[rs->npolicies++];
	p->family = xstrdup(family);
	p->table = xstrdup(table);
	p->chain = xstrdup(chain);
	p->hook = xstrdup(hook);
	p->policy = upper(policy);
	p->text = probe_clean_line(t, strlen(t), MAX_LINE_BYTES);
	p->line = lineno;
	free(t);
}

static void
set_once(char **field, const char *value)
{
	if (*field == NULL)
		*field = xstrdup(value);
}

/* "-A FORWARD -s 10.97.0.0/16 -i mpqemubr0 -m comment --comment "..." -j ACCEPT" */
static void
iptables_rule_fields(struct fw_rule *r, const struct toks *t)
{
	bool neg = false;

	for (size_t i = 2; i < t->n; i++) {
		const char *w = t->v[i].s;
		const char *next = i + 1 < t->n ? t->v[i + 1].s : NULL;

		if (tok_is(t, i, "!")) {
			neg = true;
			continue;
		}
		if (next != NULL && !neg) {
			if (strcmp(w, "-i") == 0 || strcmp(w, "--in-interface") == 0)
				set_once(&r->in, next);
			else if (strcmp(w, "-o") == 0 || strcmp(w, "--out-interface") == 0)
				set_once(&r->out, next);
			else if (strcmp(w, "-s") == 0 || strcmp(w, "--source") == 0)
				set_once(&r->source, next);
		}
		if (next != NULL) {
			if (strcmp(w, "-j") == 0 || strcmp(w, "--jump") == 0 ||
			    strcmp(w, "-g") == 0 || strcmp(w, "--goto") == 0)
				set_once(&r->target, next);
			else if (strcmp(w, "--comment") == 0)
				set_once(&r->comment, next);
		}
		neg = false;
	}
	if (r->target == NULL)
		r->target = xstrdup("");
}

int
fw_parse_iptables_save(const char *buf, size_t len, struct fw_ruleset *rs)
{
	const char *p = buf, *end = buf + len, *line;
	size_t ll, lineno = 0, rcap = 0, pcap = 0, known = 0, other = 0;
	char *table = xstrdup("filter");

	memset(rs, 0, sizeof *rs);
	while (next_line(&p, end, &line, &ll)) {
		struct toks t;

		lineno++;
		while (ll > 0 && isspace((unsigned char)*line)) {
			line++;
			ll--;
		}
		if (ll == 0)
			continue;
		if (line[0] == '#') {
			char *s = xstrndup(line, ll);

			if (str_contains_folded(s, "iptables-legacy tables present"))
				rs->legacy_present = true;
			free(s);
			known++;
			continue;
		}
		if (line[0] == '*') {
			free(table);
			table = trimmed(line + 1, ll - 1);
			known++;
			continue;
		}
		if (ll == 6 && memcmp(line, "COMMIT", 6) == 0) {
			known++;
			continue;
		}
		tokenize(line, ll, &t);
		if (line[0] == ':' && t.n >= 2) {
			/* ":FORWARD DROP [0:0]"; a chain of its own says "-". */
			const char *chain = t.v[0].s + 1;

			if (strcmp(t.v[1].s, "-") != 0)
				add_policy(rs, &pcap, "ip", table, chain, builtin_hook(chain),
				           t.v[1].s, line, ll, lineno);
			known++;
		} else if (tok_is(&t, 0, "-A") && t.n >= 2) {
			struct fw_rule *r = add_rule(rs, &rcap, "ip", table, t.v[1].s,
			                             builtin_hook(t.v[1].s), line, ll, lineno);

			iptables_rule_fields(r, &t);
			known++;
		} else {
			other++;
		}
		toks_free(&t);
	}
	free(table);
	if (known == 0 && other > 0) {
		fw_ruleset_free(rs);
		return -1;
	}
	return 0;
}

/* Braces opened minus closed on a line, outside quotes. */
static int
brace_balance(const char *s, size_t len)
{
	bool q = false;
	int b = 0;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '"')
			q = !q;
		else if (!q && s[i] == '{')
			b++;
		else if (!q && s[i] == '}')
			b--;
	}
	return b;
}

/* nft's verdicts and statements that end a rule, as iptables names its targets. */
static const char *
nft_verdict(const struct toks *t, size_t i)
{
	static const char *const words[][2] = {
	    {"accept", "ACCEPT"},
	    {"drop", "DROP"},
	    {"reject", "REJECT"},
	    {"return", "RETURN"},
	    {"masquerade", "MASQUERADE"},
	    {"snat", "SNAT"},
	    {"dnat", "DNAT"},
	    {"redirect", "REDIRECT"},
	};

	if (t->v[i].quoted)
		return NULL;
	for (size_t k = 0; k < nitems(words); k++) {
		if (strcmp(t->v[i].s, words[k][0]) == 0)
			return words[k][1];
	}
	return NULL;
}

/* iifname "mpqemubr0" ip saddr 10.97.0.0/16 counter packets 0 bytes 0 accept comment "..." */
static void
nft_rule_fields(struct fw_rule *r, const struct toks *t)
{
	for (size_t i = 0; i < t->n; i++) {
		bool has_next = i + 1 < t->n;
		const char *v;

		if (t->v[i].quoted)
			continue;
		if (has_next && tok_is(t, i + 1, "!="))
			continue; /* a negated match selects other packets */
		if (has_next && (tok_is(t, i, "iifname") || tok_is(t, i, "iif")))
			set_once(&r->in, t->v[i + 1].s);
		else if (has_next && (tok_is(t, i, "oifname") || tok_is(t, i, "oif")))
			set_once(&r->out, t->v[i + 1].s);
		else if (has_next && tok_is(t, i, "saddr"))
			set_once(&r->source, t->v[i + 1].s);
		else if (has_next && tok_is(t, i, "comment"))
			set_once(&r->comment, t->v[i + 1].s);
		else if (has_next && (tok_is(t, i, "jump") || tok_is(t, i, "goto")))
			set_once(&r->target, t->v[i + 1].s);
		else if (i + 2 < t->n && tok_is(t, i, "xt") && tok_is(t, i + 1, "target"))
			set_once(&r->target, t->v[i + 2].s);
		else if ((v = nft_verdict(t, i)) != NULL)
			set_once(&r->target, v);
	}
	if (r->target == NULL)
		r->target = xstrdup("");
}

/* "type filter hook forward priority filter; policy drop;" */
static void
nft_chain_header(const struct toks *t, char **hook, char **policy)
{
	for (size_t i = 0; i + 1 < t->n; i++) {
		char *v = t->v[i + 1].s;
		size_t vl = strlen(v);

		if (vl > 0 && v[vl - 1] == ';')
			vl--;
		if (tok_is(t, i, "hook")) {
			free(*hook);
			*hook = xstrndup(v, vl);
		} else if (tok_is(t, i, "policy")) {
			free(*policy);
			*policy = xstrndup(v, vl);
		}
	}
}

int
fw_parse_nft_ruleset(const char *buf, size_t len, struct fw_ruleset *rs)
{
	const char *p = buf, *end = buf + len, *line;
	size_t ll, lineno = 0, rcap = 0, pcap = 0, tables = 0, other = 0;
	char *family = NULL, *table = NULL, *chain = NULL, *hook = NULL, *policy = NULL;
	int depth = 0;
	bool in_chain = false;

	memset(rs, 0, sizeof *rs);
	while (next_line(&p, end, &line, &ll)) {
		int bal;
		struct toks t;

		lineno++;
		while (ll > 0 && isspace((unsigned char)*line)) {
			line++;
			ll--;
		}
		if (ll == 0 || line[0] == '#')
			continue;
		bal = brace_balance(line, ll);
		tokenize(line, ll, &t);
		if (depth == 0 && tok_is(&t, 0, "table") && t.n >= 3 && bal > 0) {
			/* "table ip nat {"; nft leaves the family out for ip ("table filter {"). */
			bool fam = t.n >= 4;

			free(family);
			free(table);
			family = xstrdup(fam ? t.v[1].s : "ip");
			table = xstrdup(t.v[fam ? 2 : 1].s);
			tables++;
		} else if (depth == 1 && tok_is(&t, 0, "chain") && t.n >= 2 && bal > 0) {
			free(chain);
			chain = xstrdup(t.v[1].s);
			free(hook);
			hook = xstrdup("");
			in_chain = true;
		} else if (depth == 2 && in_chain && tok_is(&t, 0, "type")) {
			free(policy);
			policy = NULL;
			nft_chain_header(&t, &hook, &policy);
			if (policy != NULL && hook[0] != '\0')
				add_policy(rs, &pcap, family, table, chain, hook, policy, line, ll,
				           lineno);
		} else if (depth == 2 && in_chain && bal == 0 && !tok_is(&t, 0, "policy") &&
		           !tok_is(&t, 0, "comment") && !tok_is(&t, 0, "devices") &&
		           !tok_is(&t, 0, "}")) {
			struct fw_rule *r =
			    add_rule(rs, &rcap, family, table, chain, hook, line, ll, lineno);

			nft_rule_fields(r, &t);
		} else if (depth == 0 && bal == 0) {
			other++;
		}
		toks_free(&t);
		depth += bal;
		if (depth < 0)
			depth = 0;
		if (depth < 2)
			in_chain = false;
	}
	free(family);
	free(table);
	free(chain);
	free(hook);
	free(policy);
	if (tables == 0 && other > 0) {
		fw_ruleset_free(rs);
		return -1;
	}
	return 0;
}

void
fw_ruleset_free(struct fw_ruleset *rs)
{
	for (size_t i = 0; i < rs->nrules; i++) {
		struct fw_rule *r = &rs->rules[i];

		free(r->family);
		free(r->table);
		free(r->chain);
		free(r->hook);
		free(r->text);
		free(r->comment);
		free(r->in);
		free(r->out);
		free(r->source);
		free(r->target);
	}
	free(rs->rules);
	for (size_t i = 0; i < rs->npolicies; i++) {
		struct fw_policy *p = &rs->policies[i];

		free(p->family);
		free(p->table);
		free(p->chain);
		free(p->hook);
		free(p->policy);
		free(p->text);
	}
	free(rs->policies);
	memset(rs, 0, sizeof *rs);
}

char *
fw_multipass_comment_bridge(const char *comment)
{
	size_t n = strlen(MULTIPASS_COMMENT);
	char *b;

	if (comment == NULL || strncmp(comment, MULTIPASS_COMMENT, n) != 0)
		return NULL;
	b = trimmed(comment + n, strlen(comment + n));
	if (b[0] == '\0') {
		free(b);
		return NULL;
	}
	return b;
}

static void
add_unique(struct strlist *sl, const char *s)
{
	for (size_t i = 0; i < sl->n; i++) {
		if (strcmp(sl->v[i], s) == 0)
			return;
	}
	strlist_add(sl, s);
}

void
fw_ruleset_bridges(const struct fw_ruleset *rs, const char *prefix, struct strlist *out)
{
	for (size_t i = 0; i < rs->nrules; i++) {
		char *b = fw_multipass_comment_bridge(rs->rules[i].comment);

		if (b != NULL)
			add_unique(out, b);
		free(b);
	}
	if (prefix == NULL || prefix[0] == '\0')
		return;
	for (size_t i = 0; i < rs->nrules; i++) {
		const struct fw_rule *r = &rs->rules[i];

		if (r->in != NULL && str_has_prefix(r->in, prefix))
			add_unique(out, r->in);
		if (r->out != NULL && str_has_prefix(r->out, prefix))
			add_unique(out, r->out);
	}
}

/* The rule's comment names this bridge (1), another one (-1), or no Multipass network (0). */
static int
comment_match(const struct fw_rule *r, const char *bridge)
{
	char *b = fw_multipass_comment_bridge(r->comment);
	int m = b == NULL ? 0 : strcmp(b, bridge) == 0 ? 1 : -1;

	free(b);
	return m;
}

static bool
is_if(const char *iface, const char *bridge)
{
	return iface != NULL && strcmp(iface, bridge) == 0;
}

/* "--dport 67" or nft's "dport 67", not 670. */
static bool
matches_dhcp(const char *text)
{
	const char *p = text;

	while ((p = strstr(p, "dport 67")) != NULL) {
		p += strlen("dport 67");
		if (!isdigit((unsigned char)*p))
			return true;
	}
	return false;
}

const struct fw_policy *
fw_blocking_policy(const struct fw_ruleset *rs, const char *bridge)
{
	for (size_t i = 0; i < rs->npolicies; i++) {
		const struct fw_policy *p = &rs->policies[i];
		bool accepted = false;

		if (strcmp(p->hook, "forward") != 0 || strcmp(p->policy, "DROP") != 0)
			continue;
		/* An accept in the same table: in a forward chain, or one it jumps to
		 * (DOCKER-USER). */
		for (size_t k = 0; k < rs->nrules && !accepted; k++) {
			const struct fw_rule *r = &rs->rules[k];

			if (strcmp(r->family, p->family) != 0 || strcmp(r->table, p->table) != 0 ||
			    strcmp(r->target, "ACCEPT") != 0)
				continue;
			if (strcmp(r->hook, "forward") != 0 && r->hook[0] != '\0')
				continue;
			accepted = comment_match(r, bridge) == 1 || is_if(r->in, bridge) ||
			           is_if(r->out, bridge);
		}
		if (!accepted)
			return p;
	}
	return NULL;
}

void
fw_bridge_rules(const struct fw_ruleset *rs, const char *bridge, struct fw_bridge_rules *br)
{
	memset(br, 0, sizeof *br);
	/* The subnet: "-s 10.97.0.0/16 -i mpqemubr0" in FORWARD, or a NAT rule's source. */
	for (size_t i = 0; i < rs->nrules && br->subnet[0] == '\0'; i++) {
		const struct fw_rule *r = &rs->rules[i];
		int cm = comment_match(r, bridge);

		if (r->source == NULL || cm == -1)
			continue;
		if ((strcmp(r->hook, "forward") == 0 && is_if(r->in, bridge)) ||
		    (strcmp(r->hook, "postrouting") == 0 && cm == 1))
			snprintf(br->subnet, sizeof br->subnet, "%s", r->source);
	}
	for (size_t i = 0; i < rs->nrules; i++) {
		const struct fw_rule *r = &rs->rules[i];
		int cm = comment_match(r, bridge);
		bool mine = cm == 1;
		bool accept = strcmp(r->target, "ACCEPT") == 0;

		if (cm == 0)
			mine = is_if(r->in, bridge) || is_if(r->out, bridge) ||
			       (br->subnet[0] != '\0' && r->source != NULL &&
			        strcmp(r->source, br->subnet) == 0 &&
			        strcmp(r->hook, "postrouting") == 0);
		if (!mine)
			continue;
		br->nrules++;
		if (strcmp(r->hook, "forward") == 0 && accept && is_if(r->in, bridge) &&
		    !is_if(r->out, bridge)) {
			if (br->fwd_out == NULL)
				br->fwd_out = r;
		} else if (strcmp(r->hook, "forward") == 0 && accept && is_if(r->out, bridge) &&
		           !is_if(r->in, bridge)) {
			if (br->fwd_in == NULL)
				br->fwd_in = r;
		} else if (strcmp(r->hook, "postrouting") == 0 &&
		           strcmp(r->target, "MASQUERADE") == 0) {
			if (br->masquerade == NULL)
				br->masquerade = r;
		} else if (strcmp(r->hook, "input") == 0 && accept && is_if(r->in, bridge) &&
		           matches_dhcp(r->text)) {
			if (br->dhcp == NULL)
				br->dhcp = r;
		}
	}
	br->blocking = fw_blocking_policy(rs, bridge);
}

/* ---- Linux: the instances' DHCP requests on the input path ------------------- */

#define DHCP_SERVER_PORT 67
#define DHCP_CLIENT_PORT 68
#define MAX_CHAIN_DEPTH 16

/* An interface name or pattern ("mpqemubr+" in iptables, "mpqemubr*" in nft) and the bridge. */
static bool
if_matches(const char *pattern, const char *bridge)
{
	size_t n = strlen(pattern);

	if (n > 0 && (pattern[n - 1] == '+' || pattern[n - 1] == '*'))
		return strncmp(pattern, bridge, n - 1) == 0;
	return strcmp(pattern, bridge) == 0;
}

/* "67", "60:70" or "60-70": whether port is in it; -1 for something else (a name). */
static int
port_item(const char *s, size_t len, long port)
{
	char *item = trimmed(s, len), *end = NULL;
	long lo, hi;
	int m = -1;

	lo = strtol(item, &end, 10);
	if (end != item && *end == '\0') {
		m = lo == port;
	} else if (end != item && (*end == ':' || *end == '-')) {
		char *e2 = NULL;

		hi = strtol(end + 1, &e2, 10);
		if (e2 != end + 1 && *e2 == '\0')
			m = lo <= port && port <= hi;
	}
	free(item);
	return m;
}

/* A comma-separated list of ports and ranges: 1 port is in it, 0 not, -1 unknown. */
static int
port_list(const char *list, long port)
{
	int m = 0;

	for (const char *p = list; *p != '\0';) {
		size_t n = strcspn(p, ",");
		int v = n > 0 ? port_item(p, n, port) : 0;

		if (v == 1)
			return 1;
		if (v == -1)
			m = -1;
		p += n + (p[n] == ',');
	}
	return m;
}

/* A comma-separated list holds word (case folded). */
static bool
list_has(const char *list, const char *word)
{
	size_t wl = strlen(word);

	for (const char *p = list; *p != '\0';) {
		size_t n = strcspn(p, ",");

		while (n > 0 && isspace((unsigned char)*p)) {
			p++;
			n--;
		}
		if (n >= wl && strncasecmp(p, word, wl) == 0 &&
		    (n == wl || isspace((unsigned char)p[wl])))
			return true;
		p += n + (p[n] == ',');
	}
	return false;
}

/* A source address or network holds 0.0.0.0, where DHCP discovers come from. */
static bool
holds_unspecified(const char *a)
{
	return strncmp(a, "0.0.0.0", 7) == 0 && (a[7] == '\0' || a[7] == '/');
}

/* A destination holds 255.255.255.255, where they go. */
static bool
holds_broadcast(const char *a)
{
	const char *slash = strchr(a, '/');

	if (slash != NULL && strcmp(slash, "/0") == 0)
		return true;
	return strncmp(a, "255.255.255.255", 15) == 0 &&
	       (a[15] == '\0' || strcmp(a + 15, "/32") == 0);
}

/* Folds one match's result into the rule's: any "no" wins, then any "cannot tell". */
static void
fold(int *m, int v)
{
	if (v == 0 || *m == 0)
		*m = 0;
	else if (v == -1)
		*m = -1;
}

static int
negate(int v, bool neg)
{
	return v == -1 || !neg ? v : !v;
}

/* "-A INPUT -i mpqemubr0 -p udp -m udp --dport 67 -j DROP" */
static int
iptables_matches_dhcp(const struct toks *t, const char *bridge)
{
	int m = 1;
	bool neg = false;

	for (size_t i = 2; i < t->n && m != 0; i++) {
		const char *w = t->v[i].s;
		const char *v = i + 1 < t->n ? t->v[i + 1].s : NULL;
		int r;

		if (tok_is(t, i, "!")) {
			neg = true;
			continue;
		}
		if (strcmp(w, "-j") == 0 || strcmp(w, "--jump") == 0 || strcmp(w, "-g") == 0 ||
		    strcmp(w, "--goto") == 0)
			break; /* the target and its own options */
		if (v == NULL) {
			fold(&m, -1);
			break;
		}
		i++;
		if (strcmp(w, "-m") == 0 || strcmp(w, "--match") == 0) {
			neg = false;
			continue;
		}
		if (strcmp(w, "-p") == 0 || strcmp(w, "--protocol") == 0)
			r = strcasecmp(v, "udp") == 0 || strcmp(v, "17") == 0 ||
			    strcasecmp(v, "all") == 0 || strcmp(v, "0") == 0;
		else if (strcmp(w, "-i") == 0 || strcmp(w, "--in-interface") == 0)
			r = if_matches(v, bridge);
		else if (strcmp(w, "-s") == 0 || strcmp(w, "--source") == 0)
			r = holds_unspecified(v);
		else if (strcmp(w, "-d") == 0 || strcmp(w, "--destination") == 0)
			r = holds_broadcast(v);
		else if (strcmp(w, "--dport") == 0 || strcmp(w, "--destination-port") == 0 ||
		         strcmp(w, "--dports") == 0 || strcmp(w, "--destination-ports") == 0)
			r = port_list(v, DHCP_SERVER_PORT);
		else if (strcmp(w, "--sport") == 0 || strcmp(w, "--source-port") == 0 ||
		         strcmp(w, "--sports") == 0 || strcmp(w, "--source-ports") == 0)
			r = port_list(v, DHCP_CLIENT_PORT);
		else if (strcmp(w, "--ports") == 0)
			r = port_list(v, DHCP_SERVER_PORT) == 1 ||
			            port_list(v, DHCP_CLIENT_PORT) == 1
			        ? 1
			        : port_list(v, DHCP_SERVER_PORT);
		else if (strcmp(w, "--ctstate") == 0 || strcmp(w, "--state") == 0)
			r = list_has(v, "NEW");
		else if (strcmp(w, "--dst-type") == 0)
			r = list_has(v, "BROADCAST");
		else if (strcmp(w, "--pkt-type") == 0)
			r = strcasecmp(v, "broadcast") == 0;
		else if (strcmp(w, "--comment") == 0)
			r = neg ? -1 : 1;
		else if (v[0] == '-' || strcmp(v, "!") == 0) {
			i--; /* an option of its own, without a value */
			r = -1;
		} else
			r = -1;
		fold(&m, negate(r, neg));
		neg = false;
	}
	return m;
}

/* nft's value after a selector: "67", "!= 67", "{ 67, 68 }"; *neg for "!=". Owned. */
static char *
nft_value(const struct toks *t, size_t *i, bool *neg)
{
	struct strbuf sb = STRBUF_INIT;

	*neg = false;
	if (*i < t->n && tok_is(t, *i, "!=")) {
		*neg = true;
		(*i)++;
	} else if (*i < t->n && tok_is(t, *i, "==")) {
		(*i)++;
	}
	if (*i >= t->n)
		return strbuf_detach(&sb);
	if (tok_is(t, *i, "{")) {
		for ((*i)++; *i < t->n && !tok_is(t, *i, "}"); (*i)++) {
			const char *s = t->v[*i].s;
			size_t n = strlen(s);

			if (n > 0 && s[n - 1] == ',')
				n--;
			strbuf_addf(&sb, "%s%.*s", sb.len > 0 ? "," : "", (int)n, s);
		}
	} else {
		strbuf_addf(&sb, "%s", t->v[*i].s);
	}
	return strbuf_detach(&sb);
}

/* 'iifname "mpqemubr0" udp dport 67 counter packets 0 bytes 0 drop' */
static int
nft_matches_dhcp(const struct toks *t, const char *bridge)
{
	int m = 1;

	for (size_t i = 0; i < t->n && m != 0; i++) {
		const char *w = t->v[i].s;
		char *v = NULL;
		bool neg = false;
		int r = -1;

		if (t->v[i].quoted) {
			fold(&m, -1);
			continue;
		}
		if (nft_verdict(t, i) != NULL || strcmp(w, "jump") == 0 || strcmp(w, "goto") == 0 ||
		    strcmp(w, "queue") == 0)
			break;
		if (strcmp(w, "counter") == 0) {
			if (tok_is(t, i + 1, "packets"))
				i += 4; /* packets N bytes N */
			continue;
		}
		if (strcmp(w, "comment") == 0) {
			i++;
			continue;
		}
		if (strcmp(w, "log") == 0) {
			while (i + 2 < t->n &&
			       (tok_is(t, i + 1, "prefix") || tok_is(t, i + 1, "level") ||
			        tok_is(t, i + 1, "group") || tok_is(t, i + 1, "flags")))
				i += 2;
			continue;
		}
		if (strcmp(w, "meta") == 0 && i + 1 < t->n) {
			i++;
			w = t->v[i].s;
		}
		if (strcmp(w, "iifname") == 0 || strcmp(w, "iif") == 0) {
			i++;
			v = nft_value(t, &i, &neg);
			r = if_matches(v, bridge);
			for (const char *p = strchr(v, ',') != NULL ? v : ""; *p != '\0';) {
				size_t n = strcspn(p, ",");
				char *name = trimmed(p, n);

				r = p == v ? 0 : r; /* a set: any of its names */
				r = r || if_matches(name, bridge);
				free(name);
				p += n + (p[n] == ',');
			}
		} else if (strcmp(w, "udp") == 0 || strcmp(w, "th") == 0) {
			bool d = tok_is(t, i + 1, "dport"), s = tok_is(t, i + 1, "sport");

			if (d || s) {
				i += 2;
				v = nft_value(t, &i, &neg);
				r = port_list(v, d ? DHCP_SERVER_PORT : DHCP_CLIENT_PORT);
			} else if (strcmp(w, "udp") == 0) {
				r = -1;
			}
		} else if (strcmp(w, "l4proto") == 0 ||
		           (strcmp(w, "ip") == 0 && tok_is(t, i + 1, "protocol"))) {
			i += strcmp(w, "ip") == 0 ? 2 : 1;
			v = nft_value(t, &i, &neg);
			r = list_has(v, "udp") || list_has(v, "17");
		} else if (strcmp(w, "nfproto") == 0) {
			i++;
			v = nft_value(t, &i, &neg);
			r = list_has(v, "ipv4");
		} else if (strcmp(w, "pkttype") == 0) {
			i++;
			v = nft_value(t, &i, &neg);
			r = list_has(v, "broadcast");
		} else if (strcmp(w, "ip") == 0 &&
		           (tok_is(t, i + 1, "saddr") || tok_is(t, i + 1, "daddr"))) {
			bool src = tok_is(t, i + 1, "saddr");

			i += 2;
			v = nft_value(t, &i, &neg);
			r = src ? holds_unspecified(v) : holds_broadcast(v);
			if (strchr(v, ',') != NULL)
				r = -1;
		} else if (strcmp(w, "ct") == 0 && tok_is(t, i + 1, "state")) {
			i += 2;
			v = nft_value(t, &i, &neg);
			r = list_has(v, "new") || list_has(v, "untracked");
		} else if (strcmp(w, "ct") == 0 && tok_is(t, i + 1, "status")) {
			i += 2;
			v = nft_value(t, &i, &neg);
			r = list_has(v, "dnat") || list_has(v, "snat") ? 0 : -1;
		} else if (strcmp(w, "tcp") == 0 || strcmp(w, "icmp") == 0 ||
		           strcmp(w, "icmpv6") == 0 || strcmp(w, "sctp") == 0 ||
		           strcmp(w, "dccp") == 0 || strcmp(w, "ip6") == 0 ||
		           strcmp(w, "oifname") == 0 || strcmp(w, "oif") == 0) {
			/* Another protocol, IPv6, or an output interface the input path has not. */
			i++;
			v = nft_value(t, &i, &neg);
			r = 0;
			neg = false;
		}
		fold(&m, negate(r, neg));
		free(v);
	}
	return m;
}

int
fw_rule_matches_dhcp(const struct fw_rule *r, const char *bridge)
{
	struct toks t;
	int m;

	tokenize(r->text, strlen(r->text), &t);
	m = tok_is(&t, 0, "-A") ? iptables_matches_dhcp(&t, bridge) : nft_matches_dhcp(&t, bridge);
	toks_free(&t);
	return m;
}

enum walk { WALK_ON, WALK_ACCEPTED, WALK_DROPPED };

static bool
same_table(const struct fw_rule *r, const char *family, const char *table)
{
	return strcmp(r->family, family) == 0 && strcmp(r->table, table) == 0;
}

static bool
chain_exists(const struct fw_ruleset *rs, const char *family, const char *table, const char *chain)
{
	for (size_t i = 0; i < rs->nrules; i++) {
		if (same_table(&rs->rules[i], family, table) &&
		    strcmp(rs->rules[i].chain, chain) == 0)
			return true;
	}
	return false;
}

static bool
is_goto(const struct fw_rule *r)
{
	return strstr(r->text, " -g ") != NULL || strstr(r->text, " --goto ") != NULL ||
	       strstr(r->text, "goto ") != NULL;
}

/*
 * The requests through one chain. sure: they certainly get here (else a drop
 * proves nothing, while an accept still may let them through).
 */
static enum walk
walk_chain(const struct fw_ruleset *rs, const char *family, const char *table, const char *chain,
           const char *bridge, bool sure, int depth, struct fw_dhcp_drop *d)
{
	for (size_t i = 0; i < rs->nrules; i++) {
		const struct fw_rule *r = &rs->rules[i];
		const char *tg = r->target;
		enum walk w;
		int m;

		if (!same_table(r, family, table) || strcmp(r->chain, chain) != 0)
			continue;
		if ((m = fw_rule_matches_dhcp(r, bridge)) == 0)
			continue;
		if (strcmp(tg, "ACCEPT") == 0)
			return WALK_ACCEPTED;
		if (strcmp(tg, "DROP") == 0 || strcmp(tg, "REJECT") == 0) {
			if (sure && m == 1) {
				d->rule = r;
				return WALK_DROPPED;
			}
			continue;
		}
		if (strcmp(tg, "RETURN") == 0) {
			if (m == 1)
				return WALK_ON;
			sure = false;
			continue;
		}
		if (tg[0] == '\0' || strcmp(tg, chain) == 0 || depth >= MAX_CHAIN_DEPTH ||
		    !chain_exists(rs, family, table, tg))
			continue; /* LOG, MARK...; or a loop */
		w = walk_chain(rs, family, table, tg, bridge, sure && m == 1, depth + 1, d);
		if (w != WALK_ON)
			return w;
		if (m == 1 && is_goto(r))
			return WALK_ON;
	}
	return WALK_ON;
}

static bool
input_base_chain(const char *family, const char *table, const char *hook, const char *text)
{
	if (strcmp(hook, "input") != 0)
		return false;
	if (text[0] == '-' || text[0] == ':') /* iptables-save: the filter table's INPUT */
		return strcmp(table, "filter") == 0;
	return strcmp(family, "ip") == 0 || strcmp(family, "inet") == 0;
}

bool
fw_dhcp_blocked(const struct fw_ruleset *rs, const char *bridge, struct fw_dhcp_drop *d)
{
	memset(d, 0, sizeof *d);
	/* Base chains with rules: their first rule stands for them. */
	for (size_t i = 0; i < rs->nrules; i++) {
		const struct fw_rule *r = &rs->rules[i];
		bool first = true;

		if (!input_base_chain(r->family, r->table, r->hook, r->text))
			continue;
		for (size_t k = 0; k < i && first; k++)
			first = !same_table(&rs->rules[k], r->family, r->table) ||
			        strcmp(rs->rules[k].chain, r->chain) != 0;
		if (!first)
			continue;
		if (walk_chain(rs, r->family, r->table, r->chain, bridge, true, 0, d) ==
		    WALK_DROPPED)
			return true;
	}
	/* Input chains whose policy drops what no rule of theirs accepted. */
	for (size_t i = 0; i < rs->npolicies; i++) {
		const struct fw_policy *p = &rs->policies[i];
		struct fw_dhcp_drop none;

		if (!input_base_chain(p->family, p->table, p->hook, p->text) ||
		    strcmp(p->policy, "DROP") != 0)
			continue;
		if (walk_chain(rs, p->family, p->table, p->chain, bridge, true, 0, &none) ==
		    WALK_ON) {
			d->policy = p;
			return true;
		}
	}
	return false;
}
