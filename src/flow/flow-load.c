/*
 * flow-load.c: turns one flow file into the immutable graph of flow.h. The
 * YAML tree comes from yamldoc.c; here every key is checked against the
 * language (doc/flows.md): types, required and unknown keys, identifiers,
 * texts, edges, guards, and the rules of each node kind. Every problem of a
 * file is reported, so a flow author fixes them all in one pass: after a
 * mistake the loader keeps what it can and goes on.
 *
 * References between nodes, probes, fixes, facts and flows are resolved by
 * flow-validate.c, once the whole file is known.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "flow/diag.h"
#include "flow/flow.h"
#include "flow/yamldoc.h"
#include "util/util.h"

#define FLOW_MAX_ID 64
#define FLOW_MAX_CHOICES 20
#define FLOW_MIN_MATCH 4
#define MAX_HINTS 64

struct loader {
	struct arena *arena;
	const char *name;
	struct diags *diags;
	struct flow *flow;
	size_t hints;
};

/* Where a problem is, for messages that name their place ("choice 2 of node 'x'"). */
enum ctx_kind { CTX_FLOW, CTX_NODE, CTX_CHOICE, CTX_ALT, CTX_ERROR, CTX_FACT };
struct ctx {
	enum ctx_kind kind;
	const char *id;  /* node or fact */
	const char *key; /* CTX_ALT: the edge's key */
	size_t index;    /* 1-based */
};

static const char *const top_keys[] = {
    "version",   "id",    "title", "summary", "group", "source",
    "platforms", "start", "facts", "errors",  "nodes", NULL,
};

enum nkey {
	NK_KIND,
	NK_TITLE,
	NK_TEXT,
	NK_SOURCE,
	NK_WHEN,
	NK_SKIP,
	NK_CHOICES,
	NK_FACT,
	NK_PROBE,
	NK_ON,
	NK_WITH,
	NK_FIX,
	NK_THEN,
	NK_ELSE,
	NK_DECLINE,
	NK_NEXT,
	NK_VERDICT,
	NK_CAUSE,
	NK_NEXT_STEPS,
	NK_ATTACH,
	NK_FLOW,
	NK_NODE,
	NK_RETURN,
	NK_COUNT
};
static const char *const node_keys[] = {
    "kind",    "title", "text",       "source", "when", "skip", "choices", "fact",
    "probe",   "on",    "with",       "fix",    "then", "else", "decline", "next",
    "verdict", "cause", "next_steps", "attach", "flow", "node", "return",  NULL,
};
#define B(k) (1u << (k))
#define NK_COMMON (B(NK_KIND) | B(NK_TITLE) | B(NK_TEXT) | B(NK_SOURCE) | B(NK_WHEN) | B(NK_SKIP))

struct kind_def {
	const char *name;
	enum flow_node_kind kind;
	unsigned required;
	unsigned optional; /* besides NK_COMMON */
};
static const struct kind_def kind_defs[] = {
    {"ask", NODE_ASK, B(NK_TEXT) | B(NK_CHOICES), B(NK_FACT)},
    {"check", NODE_CHECK, B(NK_TEXT) | B(NK_PROBE) | B(NK_ON), B(NK_WITH)},
    {"fix", NODE_FIX, B(NK_TEXT) | B(NK_FIX) | B(NK_THEN) | B(NK_ELSE), B(NK_WITH) | B(NK_DECLINE)},
    {"say", NODE_SAY, B(NK_TEXT) | B(NK_NEXT), 0},
    {"end", NODE_END, B(NK_VERDICT) | B(NK_TEXT), B(NK_CAUSE) | B(NK_NEXT_STEPS) | B(NK_ATTACH)},
    {"goto", NODE_GOTO, B(NK_FLOW), B(NK_NODE) | B(NK_RETURN)},
};
static const char *const kind_names[] = {"ask", "check", "fix", "say", "end", "goto", NULL};
static const char *const verdict_names[] = {"solved", "healthy", "cause", "escalate", NULL};
static const char *const platform_names[] = {"linux", "darwin", "windows", NULL};

static void lerr(struct loader *, const struct ynode *, const char *fmt, ...) VT_PRINTF(3, 4);

static void
lerr(struct loader *l, const struct ynode *at, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	diag_add(l->diags, DIAG_ERROR, l->name, at != NULL ? at->line : 0, at != NULL ? at->col : 0,
	         "%s", msg);
	free(msg);
}

static char *
ctx_name(const struct ctx *c)
{
	switch (c->kind) {
	case CTX_FLOW:
		return xstrdup(_("the flow"));
	case CTX_NODE:
		return xasprintf(_("node '%s'"), c->id);
	case CTX_CHOICE:
		return xasprintf(_("choice %zu of node '%s'"), c->index, c->id);
	case CTX_ALT:
		return xasprintf(_("alternative %zu of '%s' in node '%s'"), c->index, c->key,
		                 c->id);
	case CTX_ERROR:
		return xasprintf(_("'errors:' entry %zu"), c->index);
	case CTX_FACT:
		return xasprintf(_("fact '%s'"), c->id);
	}
	return xstrdup("?");
}

/* "did you mean": each costs edit distances, so a hostile file gets only so many. */
static const char *
closest(struct loader *l, const char *word, const char *const *cands)
{
	if (l->hints >= MAX_HINTS)
		return NULL;
	l->hints++;
	return name_closest(word, cands);
}

static int
name_index(const char *s, const char *const *names)
{
	for (int i = 0; names[i] != NULL; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

static void
unknown_key(struct loader *l, const struct ynode *key, const struct ctx *c,
            const char *const *known)
{
	const char *hint = closest(l, key->str, known);
	char *where = ctx_name(c);

	if (hint != NULL)
		lerr(l, key, _("unknown key '%.64s' in %s; did you mean '%s'?"), key->str, where,
		     hint);
	else
		lerr(l, key, _("unknown key '%.64s' in %s"), key->str, where);
	free(where);
}

static void
missing_key(struct loader *l, const struct ynode *at, const struct ctx *c, const char *key)
{
	char *where = ctx_name(c);

	lerr(l, at, _("%s has no '%s:'"), where, key);
	free(where);
}

static bool
is_blank(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return false;
	return true;
}

/* [a-z0-9][a-z0-9-]* (flow ids, groups), with '_' too for node ids; at most 64. */
static bool
valid_id(const char *s, bool underscore)
{
	size_t n = 0;

	if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')))
		return false;
	for (; *s != '\0'; s++, n++) {
		if ((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' ||
		    (underscore && *s == '_'))
			continue;
		return false;
	}
	return n <= FLOW_MAX_ID;
}

/* [a-z][a-z0-9_]*(\.[a-z0-9_*-]+)* */
static bool
valid_fact_name(const char *s)
{
	const char *p = s;

	if (!(*p >= 'a' && *p <= 'z'))
		return false;
	for (p++; *p != '\0' && *p != '.'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
			return false;
	while (*p == '.') {
		const char *part = ++p;

		for (; *p != '\0' && *p != '.'; p++)
			if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' ||
			      *p == '*' || *p == '-'))
				return false;
		if (p == part)
			return false;
	}
	return p - s <= 128;
}

/* A guard may also name NODEID.outcome, and node ids may hold '-' or start with a digit. */
static bool
valid_guard_fact(const char *s)
{
	size_t len = strlen(s);
	char *id;
	bool ok;

	if (valid_fact_name(s))
		return true;
	if (len <= 8 || !str_has_suffix(s, ".outcome"))
		return false;
	id = xstrndup(s, len - 8);
	ok = valid_id(id, true);
	free(id);
	return ok;
}

/* [a-z]{2,3}(_[A-Z]{2})? */
static bool
valid_lang(const char *s)
{
	size_t n = 0;

	while (s[n] >= 'a' && s[n] <= 'z')
		n++;
	if (n < 2 || n > 3)
		return false;
	if (s[n] == '\0')
		return true;
	return s[n] == '_' && s[n + 1] >= 'A' && s[n + 1] <= 'Z' && s[n + 2] >= 'A' &&
	       s[n + 2] <= 'Z' && s[n + 3] == '\0';
}

static bool
expect_type(struct loader *l, const struct ynode *v, enum ynode_type type, const char *key)
{
	static const char *const names[] = {N_("a string"), N_("a sequence"), N_("a mapping")};

	if (ynode_is_null(v))
		lerr(l, v, _("'%s' is empty"), key);
	else if (v->type == type)
		return true;
	else
		lerr(l, v, _("'%s' must be %s, not a %s"), key, _(names[type]), ynode_type_name(v));
	return false;
}

/* A non-empty scalar, or NULL after a message. */
static const char *
get_string(struct loader *l, const struct ynode *v, const char *key)
{
	if (!expect_type(l, v, YNODE_SCALAR, key))
		return NULL;
	return v->str;
}

static void
get_text(struct loader *l, const struct ynode *v, const char *key, bool required,
         struct flow_text *out)
{
	struct flow_tr *tr = NULL;
	size_t ntr = 0;
	bool has_en = false;

	out->pos.line = v->line;
	out->pos.col = v->col;
	if (v->type == YNODE_SCALAR) {
		if (ynode_is_null(v) || is_blank(v->str)) {
			if (required)
				lerr(l, v, _("'%s' is empty"), key);
			return;
		}
		out->en = v->str;
		return;
	}
	if (v->type != YNODE_MAP) {
		lerr(l, v,
		     _("'%s' must be a text (a string, or a mapping of language codes "
		       "with 'en'), not a %s"),
		     key, ynode_type_name(v));
		return;
	}
	tr = arena_alloc(l->arena, (v->n + 1) * sizeof *tr);
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *k = v->pairs[i].key, *t = v->pairs[i].value;

		if (strcmp(k->str, "en") == 0)
			has_en = true;
		if (!valid_lang(k->str)) {
			lerr(l, k, _("'%.64s' is not a language code (like 'en', 'de' or 'zh_CN')"),
			     k->str);
			continue;
		}
		if (t->type != YNODE_SCALAR) {
			lerr(l, t, _("the '%s' text must be a string, not a %s"), k->str,
			     ynode_type_name(t));
			continue;
		}
		if (ynode_is_null(t) || is_blank(t->str)) {
			lerr(l, t, _("the '%s' text is empty"), k->str);
			continue;
		}
		if (strcmp(k->str, "en") == 0)
			out->en = t->str;
		else {
			tr[ntr].lang = k->str;
			tr[ntr].text = t->str;
			ntr++;
		}
	}
	out->tr = tr;
	out->ntr = ntr;
	if (!has_en && (required || v->n > 0))
		lerr(l, v,
		     _("'%s' has no 'en': a translated text must include the English original"),
		     key);
}

/* A sequence of texts (next_steps, attach). */
static const struct flow_text *
get_texts(struct loader *l, const struct ynode *v, const char *key, size_t *n)
{
	struct flow_text *t;

	*n = 0;
	if (!expect_type(l, v, YNODE_SEQ, key))
		return NULL;
	t = arena_alloc(l->arena, (v->n + 1) * sizeof *t);
	for (size_t i = 0; i < v->n; i++) {
		get_text(l, v->items[i], key, true, &t[*n]);
		if (t[*n].en != NULL)
			(*n)++;
	}
	return t;
}

static void
get_guard(struct loader *l, const struct ynode *v, struct flow_guard *out)
{
	struct flow_guard_term *terms;
	size_t nterms = 0;

	if (v->type != YNODE_MAP) {
		lerr(l, v, _("'when' must be a mapping of fact: value, not a %s"),
		     ynode_type_name(v));
		return;
	}
	terms = arena_alloc(l->arena, (v->n + 1) * sizeof *terms);
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *k = v->pairs[i].key, *val = v->pairs[i].value;
		struct flow_guard_term *t = &terms[nterms];
		const char **values;
		bool ok = true;

		if (!valid_guard_fact(k->str)) {
			lerr(l, k,
			     _("'%.64s' is not a valid fact name: use lower-case words separated "
			       "by dots, like 'instance.state'"),
			     k->str);
			continue;
		}
		t->fact = k->str;
		t->pos.line = k->line;
		t->pos.col = k->col;
		if (val->type == YNODE_SCALAR && !ynode_is_null(val)) {
			values = arena_alloc(l->arena, 2 * sizeof *values);
			values[0] = val->str;
			t->nvalues = 1;
			if (val->str[0] == '!') {
				t->negate = true;
				values[0] = val->str + 1;
				if (values[0][0] == '\0') {
					lerr(l, val,
					     _("'!' must be followed by the value it excludes"));
					ok = false;
				}
			}
		} else if (val->type == YNODE_SEQ && val->n > 0) {
			values = arena_alloc(l->arena, (val->n + 1) * sizeof *values);
			for (size_t j = 0; j < val->n; j++) {
				const struct ynode *x = val->items[j];

				if (x->type != YNODE_SCALAR || ynode_is_null(x)) {
					lerr(l, x, _("a guard value must be a string, not a %s"),
					     ynode_type_name(x));
					ok = false;
					continue;
				}
				if (x->str[0] == '!') {
					lerr(l, x,
					     _("'!' is not allowed inside a list of values: a list "
					       "means 'one of these'"));
					ok = false;
					continue;
				}
				values[t->nvalues++] = x->str;
			}
		} else if (val->type == YNODE_SEQ) {
			lerr(l, val, _("the list of values for '%s' is empty"), k->str);
			continue;
		} else {
			lerr(l, val,
			     _("the value of '%s' in a guard must be a string or a list of "
			       "strings, not a %s"),
			     k->str, ynode_type_name(val));
			continue;
		}
		t->values = values;
		if (strcmp(t->fact, "os") == 0) {
			for (size_t j = 0; j < t->nvalues; j++) {
				const struct ynode *at = val;

				if (name_index(t->values[j], platform_names) >= 0)
					continue;
				/* Point at the very item of a list. */
				for (size_t m = 0; val->type == YNODE_SEQ && m < val->n; m++)
					if (val->items[m]->str == t->values[j])
						at = val->items[m];
				lerr(l, at, _("'os' is linux, darwin or windows, not '%.64s'"),
				     t->values[j]);
				ok = false;
			}
		}
		if (ok)
			nterms++;
	}
	out->terms = terms;
	out->nterms = nterms;
}

static void
get_edge(struct loader *l, const struct ynode *v, const struct ctx *c, const char *key,
         struct flow_edge *out)
{
	struct flow_alt *alts;
	size_t nalts = 0;

	out->pos.line = v->line;
	out->pos.col = v->col;
	if (v->type == YNODE_SCALAR) {
		if (ynode_is_null(v)) {
			lerr(l, v, _("'%s' is empty: it must name a node"), key);
			return;
		}
		alts = arena_alloc(l->arena, sizeof *alts);
		alts->target = v->str;
		alts->pos = out->pos;
		out->alts = alts;
		out->nalts = 1;
		return;
	}
	if (v->type != YNODE_SEQ) {
		lerr(l, v,
		     _("'%s' must name a node, or list alternatives with 'when:' and 'next:', "
		       "not a %s"),
		     key, ynode_type_name(v));
		return;
	}
	if (v->n == 0) {
		lerr(l, v, _("'%s' is an empty list: it must name a node or list alternatives"),
		     key);
		return;
	}
	alts = arena_alloc(l->arena, v->n * sizeof *alts);
	for (size_t i = 0; i < v->n; i++) {
		static const char *const alt_keys[] = {"when", "next", NULL};
		const struct ynode *item = v->items[i], *next = NULL, *when = NULL;
		struct ctx ac = {CTX_ALT, c->id, key, i + 1};
		struct flow_alt *a = &alts[nalts];

		if (item->type != YNODE_MAP) {
			lerr(l, item,
			     _("an alternative of '%s' must be a mapping with 'when:' and "
			       "'next:', not a %s"),
			     key, ynode_type_name(item));
			continue;
		}
		for (size_t j = 0; j < item->n; j++) {
			const struct ynode *k = item->pairs[j].key;

			if (strcmp(k->str, "next") == 0)
				next = item->pairs[j].value;
			else if (strcmp(k->str, "when") == 0)
				when = item->pairs[j].value;
			else
				unknown_key(l, k, &ac, alt_keys);
		}
		if (when != NULL)
			get_guard(l, when, &a->when);
		if (next == NULL) {
			missing_key(l, item, &ac, "next");
			continue;
		}
		if ((a->target = get_string(l, next, "next")) == NULL)
			continue;
		a->pos.line = next->line;
		a->pos.col = next->col;
		if (when == NULL && i + 1 < v->n)
			lerr(l, item,
			     _("an alternative without 'when:' must come last: the ones "
			       "after it are never taken"));
		if (when != NULL && i + 1 == v->n)
			lerr(l, item,
			     _("the last alternative of an edge must have no 'when:', so "
			       "the walk can always go on"));
		nalts++;
	}
	out->alts = alts;
	out->nalts = nalts;
}

static void
get_params(struct loader *l, const struct ynode *v, struct flow_params *out)
{
	struct flow_param *p;

	if (!expect_type(l, v, YNODE_MAP, "with"))
		return;
	p = arena_alloc(l->arena, (v->n + 1) * sizeof *p);
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *k = v->pairs[i].key, *val = v->pairs[i].value;

		if (val->type != YNODE_SCALAR) {
			lerr(l, val, _("parameter '%.64s' must be a string, not a %s"), k->str,
			     ynode_type_name(val));
			continue;
		}
		if (ynode_is_null(val)) {
			lerr(l, val, _("parameter '%.64s' has no value"), k->str);
			continue;
		}
		p[out->n].name = k->str;
		p[out->n].value = val->str;
		p[out->n].pos.line = k->line;
		p[out->n].pos.col = k->col;
		out->n++;
	}
	out->v = p;
}

static enum flow_verdict
get_verdict(struct loader *l, const struct ynode *v, const char *s)
{
	const char *hint;
	int i = name_index(s, verdict_names);

	if (i >= 0)
		return (enum flow_verdict)(VERDICT_SOLVED + i);
	if ((hint = closest(l, s, verdict_names)) != NULL)
		lerr(l, v, _("unknown verdict '%.64s'; did you mean '%s'?"), s, hint);
	else
		lerr(l, v, _("unknown verdict '%.64s': use solved, healthy, cause or escalate"), s);
	return VERDICT_NONE;
}

static void
get_choices(struct loader *l, const struct ynode *v, struct flow_node *node)
{
	static const char *const choice_keys[] = {"text", "next", "value", "when", NULL};
	struct flow_choice *ch;
	const struct ynode **valnodes;

	if (!expect_type(l, v, YNODE_SEQ, "choices"))
		return;
	if (v->n == 0) {
		lerr(l, v, _("'choices' of node '%s' is empty"), node->id);
		return;
	}
	if (v->n > FLOW_MAX_CHOICES)
		lerr(l, v, _("node '%s' has %zu choices; at most %d"), node->id, v->n,
		     FLOW_MAX_CHOICES);
	ch = arena_alloc(l->arena, v->n * sizeof *ch);
	valnodes = xcalloc(v->n, sizeof *valnodes);
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *item = v->items[i];
		struct ctx c = {CTX_CHOICE, node->id, NULL, i + 1};
		struct flow_choice *x = &ch[node->nchoices];
		bool has_text = false, has_next = false;

		if (item->type != YNODE_MAP) {
			lerr(l, item,
			     _("a choice must be a mapping with 'text:' and 'next:', not a %s"),
			     ynode_type_name(item));
			continue;
		}
		x->pos.line = item->line;
		x->pos.col = item->col;
		for (size_t j = 0; j < item->n; j++) {
			const struct ynode *k = item->pairs[j].key, *val = item->pairs[j].value;

			if (strcmp(k->str, "text") == 0) {
				has_text = true;
				get_text(l, val, "text", true, &x->text);
			} else if (strcmp(k->str, "next") == 0) {
				has_next = true;
				get_edge(l, val, &c, "next", &x->next);
			} else if (strcmp(k->str, "value") == 0) {
				if ((x->value = get_string(l, val, "value")) != NULL)
					valnodes[node->nchoices] = val;
			} else if (strcmp(k->str, "when") == 0)
				get_guard(l, val, &x->when);
			else
				unknown_key(l, k, &c, choice_keys);
		}
		if (!has_text)
			missing_key(l, item, &c, "text");
		if (!has_next)
			missing_key(l, item, &c, "next");
		if (node->fact != NULL && x->value == NULL)
			lerr(l, item,
			     _("choice %zu of node '%s' has no 'value:', which 'fact:' needs"),
			     i + 1, node->id);
		for (size_t j = 0; x->value != NULL && j < node->nchoices; j++)
			if (str_eq(ch[j].value, x->value)) {
				lerr(l, valnodes[node->nchoices],
				     _("two choices of node '%s' have the value '%.64s' (first at "
				       "%d:%d)"),
				     node->id, x->value, valnodes[j]->line, valnodes[j]->col);
				break;
			}
		node->nchoices++;
	}
	free(valnodes);
	node->choices = ch;
}

static void
get_outcomes(struct loader *l, const struct ynode *v, struct flow_node *node)
{
	struct flow_outcome *on;
	struct ctx c = {CTX_NODE, node->id, NULL, 0};

	if (!expect_type(l, v, YNODE_MAP, "on"))
		return;
	if (v->n == 0) {
		lerr(l, v, _("'on' of node '%s' is empty: it maps outcomes to nodes"), node->id);
		return;
	}
	on = arena_alloc(l->arena, v->n * sizeof *on);
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *k = v->pairs[i].key;
		struct flow_outcome *o = &on[node->non++];

		o->outcome = k->str;
		o->pos.line = k->line;
		o->pos.col = k->col;
		get_edge(l, v->pairs[i].value, &c, k->str, &o->next);
	}
	node->on = on;
}

static void
get_returns(struct loader *l, const struct ynode *v, struct flow_node *node)
{
	struct flow_return *r;
	struct ctx c = {CTX_NODE, node->id, NULL, 0};

	if (!expect_type(l, v, YNODE_MAP, "return"))
		return;
	r = arena_alloc(l->arena, (v->n + 1) * sizeof *r);
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *k = v->pairs[i].key;
		struct flow_return *x = &r[node->nreturns];

		if ((x->verdict = get_verdict(l, k, k->str)) == VERDICT_NONE)
			continue;
		x->pos.line = k->line;
		x->pos.col = k->col;
		get_edge(l, v->pairs[i].value, &c, k->str, &x->next);
		node->nreturns++;
	}
	node->returns = r;
}

static const struct kind_def *
get_kind(struct loader *l, const struct ynode *v)
{
	const char *s, *hint;

	if ((s = get_string(l, v, "kind")) == NULL)
		return NULL;
	for (size_t i = 0; i < nitems(kind_defs); i++)
		if (strcmp(s, kind_defs[i].name) == 0)
			return &kind_defs[i];
	if ((hint = closest(l, s, kind_names)) != NULL)
		lerr(l, v, _("unknown kind '%.64s'; did you mean '%s'?"), s, hint);
	else
		lerr(l, v, _("unknown kind '%.64s': a node is ask, check, fix, say, end or goto"),
		     s);
	return NULL;
}

static void
get_node(struct loader *l, const struct ynode *key, const struct ynode *v, struct flow_node *node)
{
	const struct kind_def *kd = NULL;
	const struct ynode *kind = NULL, *at[NK_COUNT];
	struct ctx c = {CTX_NODE, key->str, NULL, 0};
	const char *allowed[NK_COUNT + 1];
	unsigned seen = 0, ok;
	size_t nallowed = 0;
	const char *s;

	node->id = key->str;
	node->pos.line = key->line;
	node->pos.col = key->col;
	node->flow = l->flow;
	/* A node whose kind is unknown becomes a silent end, so nothing cascades from it. */
	node->kind = NODE_END;
	if (!valid_id(key->str, true))
		lerr(l, key,
		     _("node id '%.64s' is not valid: use lower-case letters, digits, '_' and "
		       "'-' (at most 64)"),
		     key->str);
	if (v->type != YNODE_MAP) {
		lerr(l, v, _("node '%s' must be a mapping with 'kind:', not a %s"), node->id,
		     ynode_type_name(v));
		return;
	}
	if ((kind = ynode_get(v, "kind")) != NULL && (kd = get_kind(l, kind)) != NULL)
		node->kind = kd->kind;
	ok = kd != NULL ? NK_COMMON | kd->required | kd->optional : ~0u;
	for (int i = 0; i < NK_COUNT; i++)
		if (ok & B(i))
			allowed[nallowed++] = node_keys[i];
	allowed[nallowed] = NULL;

	memset(at, 0, sizeof at);
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *k = v->pairs[i].key, *val = v->pairs[i].value;
		int nk = name_index(k->str, node_keys);

		if (nk < 0) {
			unknown_key(l, k, &c, allowed);
			continue;
		}
		if (!(ok & B(nk))) {
			/* "an 'ask' node", "a 'say' node": two messages, so each translates whole.
			 */
			if (kd->name[0] == 'a' || kd->name[0] == 'e')
				lerr(l, k, _("key '%s' is not used by an '%s' node"), k->str,
				     kd->name);
			else
				lerr(l, k, _("key '%s' is not used by a '%s' node"), k->str,
				     kd->name);
			continue;
		}
		seen |= B(nk);
		at[nk] = val;
		switch ((enum nkey)nk) {
		case NK_KIND:
			break;
		case NK_TITLE:
			get_text(l, val, "title", false, &node->title);
			break;
		case NK_TEXT:
			get_text(l, val, "text", kd == NULL || (kd->required & B(NK_TEXT)),
			         &node->text);
			break;
		case NK_SOURCE:
			node->source = get_string(l, val, "source");
			break;
		case NK_WHEN:
			get_guard(l, val, &node->when);
			break;
		case NK_SKIP:
			get_edge(l, val, &c, "skip", &node->skip);
			break;
		case NK_CHOICES:
			break; /* after fact:, which its values depend on */
		case NK_FACT:
			if ((s = get_string(l, val, "fact")) != NULL && !valid_fact_name(s))
				lerr(l, val,
				     _("'%.64s' is not a valid fact name: use lower-case words "
				       "separated by dots, like 'instance.state'"),
				     s);
			else
				node->fact = s;
			break;
		case NK_PROBE:
			node->probe = get_string(l, val, "probe");
			break;
		case NK_ON:
			get_outcomes(l, val, node);
			break;
		case NK_WITH:
			get_params(l, val, &node->with);
			break;
		case NK_FIX:
			node->fix = get_string(l, val, "fix");
			break;
		case NK_THEN:
			get_edge(l, val, &c, "then", &node->then);
			break;
		case NK_ELSE:
			get_edge(l, val, &c, "else", &node->otherwise);
			break;
		case NK_DECLINE:
			get_edge(l, val, &c, "decline", &node->decline);
			break;
		case NK_NEXT:
			get_edge(l, val, &c, "next", &node->next);
			break;
		case NK_VERDICT:
			if ((s = get_string(l, val, "verdict")) != NULL)
				node->verdict = get_verdict(l, val, s);
			break;
		case NK_CAUSE:
			get_text(l, val, "cause", false, &node->cause);
			break;
		case NK_NEXT_STEPS:
			node->steps = get_texts(l, val, "next_steps", &node->nsteps);
			break;
		case NK_ATTACH:
			node->attach = get_texts(l, val, "attach", &node->nattach);
			break;
		case NK_FLOW:
			if ((s = get_string(l, val, "flow")) != NULL && !valid_id(s, false))
				lerr(l, val,
				     _("flow id '%.64s' is not valid: use lower-case letters, "
				       "digits and '-' (at most 64)"),
				     s);
			node->goto_flow = s;
			node->goto_pos.line = val->line;
			node->goto_pos.col = val->col;
			break;
		case NK_NODE:
			node->goto_node = get_string(l, val, "node");
			break;
		case NK_RETURN:
			get_returns(l, val, node);
			break;
		case NK_COUNT:
			break;
		}
	}
	if (at[NK_CHOICES] != NULL)
		get_choices(l, at[NK_CHOICES], node);
	if (!(seen & B(NK_KIND)))
		lerr(l, key, _("node '%s' has no 'kind:' (ask, check, fix, say, end or goto)"),
		     node->id);
	if (kd == NULL)
		return;
	for (int i = 0; i < NK_COUNT; i++)
		if (!((kd->required & B(i)) && !(seen & B(i))))
			continue;
		else if (kd->name[0] == 'a' || kd->name[0] == 'e')
			lerr(l, key, _("node '%s' has no '%s:', which an '%s' node needs"),
			     node->id, node_keys[i], kd->name);
		else
			lerr(l, key, _("node '%s' has no '%s:', which a '%s' node needs"), node->id,
			     node_keys[i], kd->name);
	if ((seen & B(NK_WHEN)) && !(seen & B(NK_SKIP)) && kd->kind != NODE_SAY)
		lerr(l, at[NK_WHEN],
		     _("node '%s' has 'when:' but no 'skip:' (where to go when the "
		       "guard does not hold)"),
		     node->id);
	if (kd->kind == NODE_END && node->verdict == VERDICT_ESCALATE && node->nattach == 0)
		lerr(l, at[NK_VERDICT],
		     _("an 'escalate' end needs a non-empty 'attach:' (what to "
		       "attach when asking for help)"));
	if (kd->kind == NODE_GOTO && node->goto_node != NULL && !valid_id(node->goto_node, true))
		lerr(l, at[NK_NODE],
		     _("node id '%.64s' is not valid: use lower-case letters, digits, "
		       "'_' and '-' (at most 64)"),
		     node->goto_node);
}

static void
get_nodes(struct loader *l, const struct ynode *v)
{
	struct flow_node *nodes;
	struct flow *f = l->flow;

	if (!expect_type(l, v, YNODE_MAP, "nodes"))
		return;
	if (v->n == 0) {
		lerr(l, v, _("'nodes' is empty: a flow needs at least one node"));
		return;
	}
	if (v->n > FLOW_MAX_NODES)
		lerr(l, v, _("too many nodes (%zu; a flow may have at most %d)"), v->n,
		     FLOW_MAX_NODES);
	nodes = arena_alloc(l->arena, v->n * sizeof *nodes);
	for (size_t i = 0; i < v->n; i++) {
		get_node(l, v->pairs[i].key, v->pairs[i].value, &nodes[i]);
		if (nodes[i].source == NULL) {
			nodes[i].source = f->source;
			nodes[i].source_inherited = true;
		}
	}
	f->nodes = nodes;
	f->nnodes = v->n;
}

static void
get_facts(struct loader *l, const struct ynode *v)
{
	static const char *const decl_keys[] = {"text", "default", NULL};
	struct flow_fact_decl *facts;
	struct flow *f = l->flow;

	if (!expect_type(l, v, YNODE_MAP, "facts"))
		return;
	facts = arena_alloc(l->arena, (v->n + 1) * sizeof *facts);
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *k = v->pairs[i].key, *val = v->pairs[i].value;
		struct flow_fact_decl *d = &facts[f->nfacts];
		struct ctx c = {CTX_FACT, k->str, NULL, 0};

		if (!valid_fact_name(k->str)) {
			lerr(l, k,
			     _("'%.64s' is not a valid fact name: use lower-case words separated "
			       "by dots, like 'instance.state'"),
			     k->str);
			continue;
		}
		d->name = k->str;
		d->pos.line = k->line;
		d->pos.col = k->col;
		if (val->type == YNODE_MAP &&
		    (ynode_get(val, "text") != NULL || ynode_get(val, "default") != NULL)) {
			const struct ynode *t = NULL;

			for (size_t j = 0; j < val->n; j++) {
				const struct ynode *dk = val->pairs[j].key,
				                   *dv = val->pairs[j].value;

				if (strcmp(dk->str, "text") == 0) {
					t = dv;
					get_text(l, dv, "text", true, &d->text);
				} else if (strcmp(dk->str, "default") == 0) {
					if (dv->type != YNODE_SCALAR)
						lerr(l, dv,
						     _("'default' must be a string, not a %s"),
						     ynode_type_name(dv));
					else
						d->def = dv->str;
				} else
					unknown_key(l, dk, &c, decl_keys);
			}
			if (t == NULL)
				missing_key(l, val, &c, "text");
		} else
			get_text(l, val, k->str, true, &d->text);
		f->nfacts++;
	}
	f->facts = facts;
}

/* Characters, not bytes: a 4-character match in Chinese is as specific as one in English. */
static size_t
folded_chars(const char *s)
{
	size_t n = 0;
	bool space = false;

	for (; *s != '\0'; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
			space = n > 0;
			continue;
		}
		if ((ch & 0xc0) == 0x80)
			continue;
		n += space ? 2 : 1;
		space = false;
	}
	return n;
}

static void
get_errors(struct loader *l, const struct ynode *v)
{
	static const char *const error_keys[] = {"match", "node", NULL};
	struct flow_error *errs;
	struct flow *f = l->flow;

	if (!expect_type(l, v, YNODE_SEQ, "errors"))
		return;
	errs = arena_alloc(l->arena, (v->n + 1) * sizeof *errs);
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *item = v->items[i], *match = NULL, *node = NULL;
		struct ctx c = {CTX_ERROR, NULL, NULL, i + 1};
		struct flow_error *e = &errs[f->nerrors];

		if (item->type != YNODE_MAP) {
			lerr(l, item,
			     _("an 'errors:' entry must be a mapping with 'match:' and "
			       "'node:', not a %s"),
			     ynode_type_name(item));
			continue;
		}
		for (size_t j = 0; j < item->n; j++) {
			const struct ynode *k = item->pairs[j].key;

			if (strcmp(k->str, "match") == 0)
				match = item->pairs[j].value;
			else if (strcmp(k->str, "node") == 0)
				node = item->pairs[j].value;
			else
				unknown_key(l, k, &c, error_keys);
		}
		if (match == NULL)
			missing_key(l, item, &c, "match");
		if (node == NULL)
			missing_key(l, item, &c, "node");
		if (match == NULL || node == NULL)
			continue;
		if ((e->match = get_string(l, match, "match")) == NULL ||
		    (e->node = get_string(l, node, "node")) == NULL)
			continue;
		if (folded_chars(e->match) < FLOW_MIN_MATCH) {
			lerr(l, match,
			     _("error match '%.64s' is too short: use at least %d characters"),
			     e->match, FLOW_MIN_MATCH);
			continue;
		}
		e->pos.line = node->line;
		e->pos.col = node->col;
		f->nerrors++;
	}
	f->errors = errs;
}

static void
get_platforms(struct loader *l, const struct ynode *v)
{
	const char **p;
	struct flow *f = l->flow;

	if (!expect_type(l, v, YNODE_SEQ, "platforms"))
		return;
	if (v->n == 0) {
		lerr(l, v, _("'platforms' is empty: leave it out to mean every platform"));
		return;
	}
	p = arena_alloc(l->arena, (v->n + 1) * sizeof *p);
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *x = v->items[i];
		const char *s = get_string(l, x, "platforms"), *hint;
		bool dup = false;

		if (s == NULL)
			continue;
		if (name_index(s, platform_names) < 0) {
			if (strcmp(s, "macos") == 0 || strcmp(s, "osx") == 0)
				hint = "darwin";
			else
				hint = closest(l, s, platform_names);
			if (hint != NULL)
				lerr(l, x, _("unknown platform '%.64s'; did you mean '%s'?"), s,
				     hint);
			else
				lerr(l, x,
				     _("unknown platform '%.64s': use linux, darwin or windows"),
				     s);
			continue;
		}
		for (size_t j = 0; j < f->nplatforms; j++)
			dup = dup || strcmp(p[j], s) == 0;
		if (dup) {
			lerr(l, x, _("platform '%s' is listed twice"), s);
			continue;
		}
		p[f->nplatforms++] = s;
	}
	f->platforms = p;
}

static void
get_flow(struct loader *l, const struct ynode *root)
{
	struct flow *f = l->flow;
	const struct ynode *nodes = NULL;
	struct ctx c = {CTX_FLOW, NULL, NULL, 0};
	bool has_title = false;
	const char *s;

	for (size_t i = 0; i < root->n; i++) {
		const struct ynode *k = root->pairs[i].key, *v = root->pairs[i].value;

		switch (name_index(k->str, top_keys)) {
		case 0: /* version */
			if (v->type != YNODE_SCALAR || !v->plain || strcmp(v->str, "1") != 0)
				lerr(l, v,
				     _("unsupported 'version': this vmtriage reads version 1"));
			break;
		case 1: /* id */
			if ((s = get_string(l, v, "id")) == NULL)
				break;
			if (!valid_id(s, false))
				lerr(l, v,
				     _("flow id '%.64s' is not valid: use lower-case letters, "
				       "digits and '-' (at most 64)"),
				     s);
			else
				f->id = s;
			break;
		case 2: /* title */
			has_title = true;
			get_text(l, v, "title", true, &f->title);
			break;
		case 3:
			get_text(l, v, "summary", false, &f->summary);
			break;
		case 4: /* group */
			if ((s = get_string(l, v, "group")) == NULL)
				break;
			if (!valid_id(s, false))
				lerr(l, v,
				     _("group '%.64s' is not valid: use lower-case letters, digits "
				       "and '-' (at most 64)"),
				     s);
			else
				f->group = s;
			break;
		case 5:
			f->source = get_string(l, v, "source");
			break;
		case 6:
			get_platforms(l, v);
			break;
		case 7: /* start */
			if ((f->start = get_string(l, v, "start")) != NULL) {
				f->start_pos.line = v->line;
				f->start_pos.col = v->col;
			}
			break;
		case 8:
			get_facts(l, v);
			break;
		case 9:
			get_errors(l, v);
			break;
		case 10:
			nodes = v;
			break;
		default:
			unknown_key(l, k, &c, top_keys);
			break;
		}
	}
	/* Nodes last: they inherit the flow's source. */
	if (nodes != NULL)
		get_nodes(l, nodes);
	if (ynode_get(root, "id") == NULL)
		missing_key(l, root, &c, "id");
	if (!has_title)
		missing_key(l, root, &c, "title");
	if (ynode_get(root, "start") == NULL)
		missing_key(l, root, &c, "start");
	if (nodes == NULL)
		missing_key(l, root, &c, "nodes");
	if (f->group == NULL)
		f->group = "other";
}

/* t's context: "FLOW:WHERE:FIELD", or "FLOW:FIELD" for the flow's own texts. */
static void
set_ctx(struct arena *a, const struct flow_text *t, const char *flow, const char *where,
        const char *field)
{
	char *s;

	if (t->en == NULL)
		return;
	s = where != NULL ? xasprintf("%s:%s:%s", flow, where, field) : xasprintf("%s:%s", flow, field);
	((struct flow_text *)t)->ctx = arena_strdup(a, s);
	free(s);
}

/* Names every text of the flow for the message catalogue (see flow_text.ctx). */
static void
set_contexts(struct arena *a, struct flow *f)
{
	const char *id = f->id;
	char field[96];

	set_ctx(a, &f->title, id, NULL, "title");
	set_ctx(a, &f->summary, id, NULL, "summary");
	for (size_t i = 0; i < f->nfacts; i++)
		set_ctx(a, &f->facts[i].text, id, "fact", f->facts[i].name);
	for (size_t i = 0; i < f->nnodes; i++) {
		const struct flow_node *n = &f->nodes[i];

		set_ctx(a, &n->title, id, n->id, "title");
		set_ctx(a, &n->text, id, n->id, "text");
		set_ctx(a, &n->cause, id, n->id, "cause");
		for (size_t j = 0; j < n->nchoices; j++) {
			const struct flow_choice *c = &n->choices[j];

			if (c->value != NULL)
				snprintf(field, sizeof field, "choice.%.80s", c->value);
			else
				snprintf(field, sizeof field, "choice.%zu", j + 1);
			set_ctx(a, &c->text, id, n->id, field);
		}
		for (size_t j = 0; j < n->nsteps; j++) {
			snprintf(field, sizeof field, "next_steps.%zu", j + 1);
			set_ctx(a, &n->steps[j], id, n->id, field);
		}
		for (size_t j = 0; j < n->nattach; j++) {
			snprintf(field, sizeof field, "attach.%zu", j + 1);
			set_ctx(a, &n->attach[j], id, n->id, field);
		}
	}
}

struct flow *
flow_load_mem(const char *name, const char *buf, size_t len, struct diags *diags)
{
	struct loader l;
	const struct ynode *root;
	struct arena *arena = arena_new();

	memset(&l, 0, sizeof l);
	l.arena = arena;
	l.name = name;
	l.diags = diags;
	if ((root = ydoc_parse(arena, name, buf, len, diags)) == NULL)
		goto fail;
	if (root->type != YNODE_MAP) {
		lerr(&l, root,
		     _("the top level of a flow must be a mapping (id, title, start, "
		       "nodes...), not a %s"),
		     ynode_type_name(root));
		goto fail;
	}
	l.flow = arena_alloc(arena, sizeof *l.flow);
	l.flow->arena = arena;
	l.flow->path = arena_strdup(arena, name);
	get_flow(&l, root);
	if (l.flow->id != NULL)
		set_contexts(arena, l.flow);
	return l.flow;
fail:
	arena_free(arena);
	return NULL;
}

struct flow *
flow_load_file(const char *path, struct diags *diags)
{
	struct flow *flow = NULL;
	struct stat st;
	char *buf = NULL;
	size_t len = 0, cap;
	int fd = -1;

	/* O_NONBLOCK: opening a FIFO must not wait for a writer. */
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)) == -1) {
		diag_add(diags, DIAG_ERROR, path, 0, 0, _("cannot open: %s"), strerror(errno));
		goto out;
	}
	if (fstat(fd, &st) == -1) {
		diag_add(diags, DIAG_ERROR, path, 0, 0, _("cannot stat: %s"), strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		diag_add(diags, DIAG_ERROR, path, 0, 0,
		         _("not a regular file: a flow is a .yaml file"));
		goto out;
	}
	if (st.st_size > FLOW_MAX_FILE_BYTES) {
		diag_add(diags, DIAG_ERROR, path, 1, 1,
		         _("file is too big (%ju bytes; a flow may have at most %d)"),
		         (uintmax_t)st.st_size, FLOW_MAX_FILE_BYTES);
		goto out;
	}
	/* One byte more than the limit: a file that grew since fstat is still caught. */
	cap = (size_t)st.st_size + 1;
	buf = xmalloc(cap);
	for (;;) {
		ssize_t r;

		if (len == cap) {
			if (cap > FLOW_MAX_FILE_BYTES)
				break;
			cap = cap * 2 > FLOW_MAX_FILE_BYTES + 1 ? FLOW_MAX_FILE_BYTES + 1 : cap * 2;
			buf = xreallocarray(buf, cap, 1);
		}
		r = read(fd, buf + len, cap - len);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			diag_add(diags, DIAG_ERROR, path, 0, 0, _("cannot read: %s"),
			         strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	flow = flow_load_mem(path, buf, len, diags);
out:
	free(buf);
	if (fd != -1)
		close(fd);
	return flow;
}

void
flow_free(struct flow *flow)
{
	if (flow != NULL)
		arena_free(flow->arena);
}

const struct flow_node *
flow_node_find(const struct flow *flow, const char *id)
{
	if (flow == NULL || id == NULL)
		return NULL;
	for (size_t i = 0; i < flow->nnodes; i++)
		if (str_eq(flow->nodes[i].id, id))
			return &flow->nodes[i];
	return NULL;
}

const char *
flow_node_kind_name(enum flow_node_kind kind)
{
	switch (kind) {
	case NODE_ASK:
		return "ask";
	case NODE_CHECK:
		return "check";
	case NODE_FIX:
		return "fix";
	case NODE_SAY:
		return "say";
	case NODE_END:
		return "end";
	case NODE_GOTO:
		return "goto";
	}
	return "?";
}

const char *
flow_verdict_name(enum flow_verdict v)
{
	switch (v) {
	case VERDICT_NONE:
		return "none";
	case VERDICT_SOLVED:
		return "solved";
	case VERDICT_HEALTHY:
		return "healthy";
	case VERDICT_CAUSE:
		return "cause";
	case VERDICT_ESCALATE:
		return "escalate";
	}
	return "?";
}

/*
 * An inline translation for lang ("zh_CN", "de_DE.UTF-8"), then one for its
 * language alone ("zh"), then the catalogue of po/ for shipped flows, then
 * English.
 */
const char *
flow_text_get(const struct flow_text *t, const char *lang)
{
	size_t full, base;

	if (t == NULL || t->en == NULL)
		return NULL;
	if (lang == NULL || lang[0] == '\0')
		return t->en;
	full = strcspn(lang, ".@");
	base = strcspn(lang, "_.@");
	if (base == 2 && strncmp(lang, "en", 2) == 0)
		return t->en;
	for (size_t i = 0; i < t->ntr; i++)
		if (strlen(t->tr[i].lang) == full && strncmp(t->tr[i].lang, lang, full) == 0)
			return t->tr[i].text;
	for (size_t i = 0; i < t->ntr; i++)
		if (strlen(t->tr[i].lang) == base && strncmp(t->tr[i].lang, lang, base) == 0)
			return t->tr[i].text;
	return flow_text_catalog(t);
}

/*
 * The catalogue's translation of t in its context (msgctxt "FLOW:NODE:FIELD",
 * as po/flows.pot gives it), else of its English alone, else the English.
 * The catalogue answers in the language gettext was told (LANGUAGE, --lang).
 */
const char *
flow_text_catalog(const struct flow_text *t)
{
#ifdef ENABLE_NLS
	if (t->ctx != NULL) {
		char *key = xasprintf("%s\004%s", t->ctx, t->en);
		const char *tr = dgettext(PACKAGE, key);
		bool found = tr != key;

		free(key);
		if (found)
			return tr;
	}
	return dgettext(PACKAGE, t->en);
#else
	return t->en;
#endif
}
