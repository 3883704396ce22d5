/*
 * flow-validate.c: the whole-flow checks that need the complete file (and,
 * for goto, the catalogue): every edge names a node, probes, fixes and their
 * parameters and outcomes exist, guards and templates name facts something
 * sets, every node is reachable, and no node is caught in a loop with no way
 * to an end. Edges are resolved here (flow_alt.node, flow.start_node), so the
 * engine never looks a node up by name.
 *
 * The loader has already reported malformed pieces; the validator skips them
 * rather than repeat the same problem in other words.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/facts.h"
#include "fix/fix.h"
#include "flow/diag.h"
#include "flow/flow.h"
#include "flow/yamldoc.h"
#include "probe/probe.h"
#include "util/util.h"

/* "did you mean" costs an edit distance per candidate: cap how many a hostile file gets. */
#define MAX_HINTS 32

/* A set of strings by open addressing; it grows, so lookups stay short. */
struct nameset {
	const char **v;
	size_t size; /* a power of two, or 0 */
	size_t n;
};

static uint32_t
hash_n(const char *s, size_t len)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static bool
nameset_has_n(const struct nameset *set, const char *s, size_t len)
{
	size_t slot;

	if (set->size == 0)
		return false;
	slot = hash_n(s, len) & (set->size - 1);
	for (; set->v[slot] != NULL; slot = (slot + 1) & (set->size - 1))
		if (strncmp(set->v[slot], s, len) == 0 && set->v[slot][len] == '\0')
			return true;
	return false;
}

static void
nameset_add(struct nameset *set, const char *s)
{
	size_t slot;

	if (nameset_has_n(set, s, strlen(s)))
		return;
	if (2 * (set->n + 1) > set->size) {
		struct nameset bigger = { NULL, set->size == 0 ? 16 : set->size * 2, 0 };

		bigger.v = xcalloc(bigger.size, sizeof *bigger.v);
		for (size_t i = 0; i < set->size; i++)
			if (set->v[i] != NULL)
				nameset_add(&bigger, set->v[i]);
		free(set->v);
		*set = bigger;
	}
	slot = hash_n(s, strlen(s)) & (set->size - 1);
	while (set->v[slot] != NULL)
		slot = (slot + 1) & (set->size - 1);
	set->v[slot] = s;
	set->n++;
}

static void
nameset_free(struct nameset *set, bool owned)
{
	for (size_t i = 0; owned && i < set->size; i++)
		free((char *)set->v[i]);
	free(set->v);
	memset(set, 0, sizeof *set);
}

struct validator {
	const struct flow *flow;
	const struct catalog *cat;
	struct diags *diags;
	size_t errors;
	size_t hints;

	/* node id -> node, open addressing */
	const struct flow_node **table;
	size_t tsize;
	const char **ids; /* NULL-terminated, for hints; built on first need */

	/* probes used by check nodes of this flow: their facts may be named */
	const struct probe_entry **probes;
	size_t nprobes;

	/* facts the flow declares or its ask nodes set */
	struct nameset facts;
	/* every fact name the flow can know, for hints; built on first need */
	const char **fact_names;
	/* "def\0value" pairs param_check has passed: no need to compile a regex twice */
	struct nameset checked;
};

static void verr(struct validator *, struct flow_pos, const char *fmt, ...) VT_PRINTF(3, 4);

static void
verr(struct validator *v, struct flow_pos pos, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	diag_add(v->diags, DIAG_ERROR, v->flow->path, pos.line, pos.col, "%s", msg);
	free(msg);
	v->errors++;
}


static void
table_build(struct validator *v)
{
	const struct flow *f = v->flow;

	for (v->tsize = 16; v->tsize < f->nnodes * 2; v->tsize *= 2)
		;
	v->table = xcalloc(v->tsize, sizeof *v->table);
	for (size_t i = 0; i < f->nnodes; i++) {
		size_t slot;

		if (f->nodes[i].id == NULL)
			continue;
		slot = hash_n(f->nodes[i].id, strlen(f->nodes[i].id)) & (v->tsize - 1);
		while (v->table[slot] != NULL) {
			if (strcmp(v->table[slot]->id, f->nodes[i].id) == 0)
				break;
			slot = (slot + 1) & (v->tsize - 1);
		}
		if (v->table[slot] == NULL)
			v->table[slot] = &f->nodes[i];
	}
}

/* The node whose id is the first len bytes of id. */
static const struct flow_node *
lookup_n(const struct validator *v, const char *id, size_t len)
{
	size_t slot = hash_n(id, len) & (v->tsize - 1);

	while (v->table[slot] != NULL) {
		const char *x = v->table[slot]->id;

		if (strncmp(x, id, len) == 0 && x[len] == '\0')
			return v->table[slot];
		slot = (slot + 1) & (v->tsize - 1);
	}
	return NULL;
}

static const struct flow_node *
lookup(const struct validator *v, const char *id)
{
	return id == NULL ? NULL : lookup_n(v, id, strlen(id));
}

static const char *
closest(struct validator *v, const char *word, const char *const *cands)
{
	if (v->hints >= MAX_HINTS)
		return NULL;
	v->hints++;
	return name_closest(word, cands);
}

static const char *const *
node_ids(struct validator *v)
{
	const struct flow *f = v->flow;
	size_t n = 0;

	if (v->ids == NULL) {
		v->ids = xcalloc(f->nnodes + 1, sizeof *v->ids);
		for (size_t i = 0; i < f->nnodes; i++)
			if (f->nodes[i].id != NULL)
				v->ids[n++] = f->nodes[i].id;
	}
	return v->ids;
}

/* Every edge of a node, in a fixed order, whatever its kind. */
struct edge_iter {
	const struct flow_node *n;
	size_t i;
};

static const struct flow_edge *
edge_next(struct edge_iter *it)
{
	const struct flow_node *n = it->n;
	size_t i = it->i++;

	switch (i) {
	case 0:
		return &n->skip;
	case 1:
		return &n->next;
	case 2:
		return &n->then;
	case 3:
		return &n->otherwise;
	case 4:
		return &n->decline;
	}
	i -= 5;
	if (i < n->nchoices)
		return &n->choices[i].next;
	i -= n->nchoices;
	if (i < n->non)
		return &n->on[i].next;
	i -= n->non;
	if (i < n->nreturns)
		return &n->returns[i].next;
	return NULL;
}

static void
resolve_edges(struct validator *v, const struct flow_node *n)
{
	struct edge_iter it = { n, 0 };
	const struct flow_edge *e;

	while ((e = edge_next(&it)) != NULL) {
		for (size_t i = 0; i < e->nalts; i++) {
			/* The arena is ours: filling in the resolved node is the validator's job. */
			struct flow_alt *a = (struct flow_alt *)&e->alts[i];
			const char *hint;

			if ((a->node = lookup(v, a->target)) != NULL || a->target == NULL)
				continue;
			if ((hint = closest(v, a->target, node_ids(v))) != NULL)
				verr(v, a->pos,
				    _("node '%s' goes to '%.64s', which no node defines; did you mean "
				      "'%s'?"),
				    n->id, a->target, hint);
			else
				verr(v, a->pos, _("node '%s' goes to '%.64s', which no node defines"),
				    n->id, a->target);
		}
	}
}

static void
use_probe(struct validator *v, const struct probe_entry *p)
{
	for (size_t i = 0; i < v->nprobes; i++)
		if (v->probes[i] == p)
			return;
	v->probes = xreallocarray(v->probes, v->nprobes + 1, sizeof *v->probes);
	v->probes[v->nprobes++] = p;
}

static const struct flow_node *
check_node_named(struct validator *v, const char *fact)
{
	size_t len = strlen(fact);
	const struct flow_node *n;

	if (len <= 8 || !str_has_suffix(fact, ".outcome"))
		return NULL;
	n = lookup_n(v, fact, len - 8);
	return n != NULL && n->kind == NODE_CHECK ? n : NULL;
}

/* Can anything in this flow set the fact? (See "Guards" in doc/flows.md.) */
static bool
fact_known(struct validator *v, const char *name)
{
	if (facts_is_builtin(name) || nameset_has_n(&v->facts, name, strlen(name)))
		return true;
	for (size_t i = 0; i < v->nprobes; i++)
		if (probe_sets_fact(v->probes[i], name))
			return true;
	return check_node_named(v, name) != NULL;
}

static void
check_guard(struct validator *v, const struct flow_guard *g)
{
	for (size_t i = 0; i < g->nterms; i++) {
		const struct flow_guard_term *t = &g->terms[i];
		const struct flow_node *cn;
		const struct probe_entry *p;

		if (!fact_known(v, t->fact)) {
			verr(v, t->pos, _("guard names fact '%s', which nothing in this flow sets"),
			    t->fact);
			continue;
		}
		/* NODE.outcome can only ever be one of that probe's outcomes. */
		if ((cn = check_node_named(v, t->fact)) == NULL || cn->probe == NULL ||
		    (p = probe_find(cn->probe)) == NULL)
			continue;
		for (size_t j = 0; j < t->nvalues; j++)
			if (strcmp(t->values[j], OUTCOME_ERROR) != 0 &&
			    !probe_has_outcome(p, t->values[j]))
				verr(v, t->pos, _("'%s' is never '%.64s': probe '%s' has no such outcome"),
				    t->fact, t->values[j], p->name);
	}
}

static void
check_guards(struct validator *v, const struct flow_node *n)
{
	struct edge_iter it = { n, 0 };
	const struct flow_edge *e;

	check_guard(v, &n->when);
	for (size_t i = 0; i < n->nchoices; i++)
		check_guard(v, &n->choices[i].when);
	while ((e = edge_next(&it)) != NULL)
		for (size_t i = 0; i < e->nalts; i++)
			check_guard(v, &e->alts[i].when);
}

/*
 * The names a template may use, for "did you mean": the built-in facts, the
 * flow's own and those of its probes (patterns with '*' name no one fact).
 */
static const char *const *
fact_names(struct validator *v)
{
	size_t n = 0, cap = 0;

	if (v->fact_names != NULL)
		return v->fact_names;
	cap = v->facts.n + 1;
	for (size_t i = 0; facts_builtin[i] != NULL; i++)
		cap++;
	for (size_t i = 0; i < v->nprobes; i++)
		for (const char *const *f = v->probes[i]->facts; f != NULL && *f != NULL; f++)
			cap++;
	v->fact_names = xcalloc(cap, sizeof *v->fact_names);
	for (size_t i = 0; facts_builtin[i] != NULL; i++)
		v->fact_names[n++] = facts_builtin[i];
	for (size_t i = 0; i < v->facts.size; i++)
		if (v->facts.v[i] != NULL)
			v->fact_names[n++] = v->facts.v[i];
	for (size_t i = 0; i < v->nprobes; i++)
		for (const char *const *f = v->probes[i]->facts; f != NULL && *f != NULL; f++)
			if (strchr(*f, '*') == NULL)
				v->fact_names[n++] = *f;
	return v->fact_names;
}

/*
 * {{ name }} in s: every name must be a fact this flow can know. s is a
 * parameter's value (param names it) or a text under key (a text's
 * translations are checked too, so done keeps what was said already: one
 * problem is reported once at the text's position, not once per language).
 */
static void
check_templates_in(struct validator *v, const char *s, struct flow_pos pos, const char *param,
    const char *key, struct nameset *done)
{
	const char *open, *close, *a, *b, *hint;

	while ((open = strstr(s, "{{")) != NULL) {
		char *name;

		if ((close = strstr(open + 2, "}}")) == NULL) {
			if (nameset_has_n(done, "{{", 2))
				return;
			nameset_add(done, xstrdup("{{"));
			if (param != NULL)
				verr(v, pos, _("unclosed '{{' in parameter '%s'"), param);
			else
				verr(v, pos, _("unclosed '{{' in '%s'"), key);
			return;
		}
		for (a = open + 2; a < close && (*a == ' ' || *a == '\t'); a++)
			;
		for (b = close; b > a && (b[-1] == ' ' || b[-1] == '\t'); b--)
			;
		s = close + 2;
		if (a == b) {
			if (nameset_has_n(done, "{{}}", 4))
				continue;
			nameset_add(done, xstrdup("{{}}"));
			if (param != NULL)
				verr(v, pos, _("empty '{{}}' in parameter '%s': name a fact inside"),
				    param);
			else
				verr(v, pos, _("empty '{{}}' in '%s': name a fact inside"), key);
			continue;
		}
		if (nameset_has_n(done, a, (size_t)(b - a)))
			continue;
		name = xstrndup(a, (size_t)(b - a));
		if (fact_known(v, name)) {
			free(name);
			continue;
		}
		if ((hint = closest(v, name, fact_names(v))) != NULL)
			verr(v, pos, _("template names fact '%.64s', which nothing in this flow sets; "
				       "did you mean '%s'?"),
			    name, hint);
		else
			verr(v, pos, _("template names fact '%.64s', which nothing in this flow sets"),
			    name);
		nameset_add(done, name);
	}
}

static void
check_templates(struct validator *v, const struct flow_param *p)
{
	struct nameset done = { NULL, 0, 0 };

	check_templates_in(v, p->value, p->pos, p->name, NULL, &done);
	nameset_free(&done, true);
}

/* Texts people read are templated too (the front ends fill them in with the walk's facts). */
static void
check_text_templates(struct validator *v, const struct flow_text *t, const char *key)
{
	struct nameset done = { NULL, 0, 0 };

	if (t->en == NULL)
		return;
	check_templates_in(v, t->en, t->pos, NULL, key, &done);
	for (size_t i = 0; i < t->ntr; i++)
		check_templates_in(v, t->tr[i].text, t->pos, NULL, key, &done);
	nameset_free(&done, true);
}

static void
check_node_texts(struct validator *v, const struct flow_node *n)
{
	check_text_templates(v, &n->title, "title");
	check_text_templates(v, &n->text, "text");
	for (size_t i = 0; i < n->nchoices; i++)
		check_text_templates(v, &n->choices[i].text, "text");
	check_text_templates(v, &n->cause, "cause");
	for (size_t i = 0; i < n->nsteps; i++)
		check_text_templates(v, &n->steps[i], "next_steps");
	for (size_t i = 0; i < n->nattach; i++)
		check_text_templates(v, &n->attach[i], "attach");
}

enum user { USER_PROBE, USER_FIX };

static void
check_params(struct validator *v, const struct flow_node *n, const struct param_def *defs,
    enum user user, const char *uname)
{
	const char *names[64];
	size_t nnames = 0;

	for (size_t i = 0; defs != NULL && defs[i].name != NULL && nnames + 1 < nitems(names); i++)
		names[nnames++] = defs[i].name;
	names[nnames] = NULL;

	for (size_t i = 0; i < n->with.n; i++) {
		const struct flow_param *p = &n->with.v[i];
		const struct param_def *d = defs != NULL ? param_def_find(defs, p->name) : NULL;
		const char *hint;
		char *msg, *key;

		check_templates(v, p);
		if (d == NULL) {
			hint = closest(v, p->name, names);
			if (user == USER_PROBE && hint != NULL)
				verr(v, p->pos, _("probe '%s' has no parameter '%.64s'; did you mean '%s'?"),
				    uname, p->name, hint);
			else if (user == USER_PROBE)
				verr(v, p->pos, _("probe '%s' has no parameter '%.64s'"), uname, p->name);
			else if (hint != NULL)
				verr(v, p->pos, _("fix '%s' has no parameter '%.64s'; did you mean '%s'?"),
				    uname, p->name, hint);
			else
				verr(v, p->pos, _("fix '%s' has no parameter '%.64s'"), uname, p->name);
			continue;
		}
		/* A template is only known at run time; the probe checks the expansion then. */
		if (strstr(p->value, "{{") != NULL)
			continue;
		/* The same literal passes the same check: a flow repeats its patterns. */
		key = xasprintf("%p %s", (const void *)d, p->value);
		if (nameset_has_n(&v->checked, key, strlen(key))) {
			free(key);
			continue;
		}
		if ((msg = param_check(d, p->value)) != NULL) {
			verr(v, p->pos, _("bad value for parameter '%s': %s"), p->name, msg);
			free(msg);
			free(key);
		} else
			nameset_add(&v->checked, key);
	}
	for (size_t i = 0; defs != NULL && defs[i].name != NULL; i++) {
		bool given = false;

		if (!defs[i].required)
			continue;
		for (size_t j = 0; j < n->with.n && !given; j++)
			given = strcmp(n->with.v[j].name, defs[i].name) == 0;
		if (given)
			continue;
		if (user == USER_PROBE)
			verr(v, n->pos, _("node '%s' does not give parameter '%s', which probe '%s' "
					  "requires"),
			    n->id, defs[i].name, uname);
		else
			verr(v, n->pos, _("node '%s' does not give parameter '%s', which fix '%s' "
					  "requires"),
			    n->id, defs[i].name, uname);
	}
}

static void
check_outcomes(struct validator *v, const struct flow_node *n, const struct probe_entry *p)
{
	const char *names[64];
	size_t nnames = 0;
	bool has_default = false;

	for (size_t i = 0; p->outcomes != NULL && p->outcomes[i].name != NULL &&
	    nnames + 2 < nitems(names); i++)
		names[nnames++] = p->outcomes[i].name;
	names[nnames++] = OUTCOME_ERROR;
	names[nnames] = NULL;

	for (size_t i = 0; i < n->non; i++) {
		const char *o = n->on[i].outcome, *hint;

		if (strcmp(o, "default") == 0) {
			has_default = true;
			continue;
		}
		if (strcmp(o, OUTCOME_ERROR) == 0 || probe_has_outcome(p, o))
			continue;
		if ((hint = closest(v, o, names)) != NULL)
			verr(v, n->on[i].pos, _("probe '%s' has no outcome '%.64s'; did you mean '%s'?"),
			    p->name, o, hint);
		else
			verr(v, n->on[i].pos, _("probe '%s' has no outcome '%.64s'"), p->name, o);
	}
	if (has_default || n->non == 0)
		return;
	for (size_t i = 0; names[i] != NULL; i++) {
		bool covered = false;

		for (size_t j = 0; j < n->non && !covered; j++)
			covered = strcmp(n->on[j].outcome, names[i]) == 0;
		if (!covered)
			verr(v, n->pos, _("probe '%s' can end with '%s', which 'on:' does not handle "
					  "(add it or 'default')"),
			    p->name, names[i]);
	}
}

static const char *const *
probe_names(void)
{
	static const char *names[128];

	if (names[0] == NULL) {
		size_t n = 0;

		for (size_t i = 0; probe_table[i] != NULL && n + 1 < nitems(names); i++)
			names[n++] = probe_table[i]->name;
	}
	return names;
}

static const char *const *
fix_names(void)
{
	static const char *names[128];

	if (names[0] == NULL) {
		size_t n = 0;

		for (size_t i = 0; fix_table[i] != NULL && n + 1 < nitems(names); i++)
			names[n++] = fix_table[i]->name;
	}
	return names;
}

/* Probes first: their facts are what guards and templates may name. */
static void
check_probe_node(struct validator *v, const struct flow_node *n)
{
	const struct probe_entry *p;
	const char *hint;

	if (n->probe == NULL)
		return;
	if ((p = probe_find(n->probe)) == NULL) {
		if ((hint = closest(v, n->probe, probe_names())) != NULL)
			verr(v, n->pos, _("node '%s' uses probe '%.64s', which does not exist; did you "
					  "mean '%s'?"),
			    n->id, n->probe, hint);
		else
			verr(v, n->pos, _("node '%s' uses probe '%.64s', which does not exist"), n->id,
			    n->probe);
		return;
	}
	use_probe(v, p);
}

static void
check_node(struct validator *v, const struct flow_node *n)
{
	const struct probe_entry *p;
	const struct fix_entry *fx;
	const char *hint;

	check_guards(v, n);
	check_node_texts(v, n);
	switch (n->kind) {
	case NODE_CHECK:
		if (n->probe == NULL || (p = probe_find(n->probe)) == NULL)
			break;
		check_params(v, n, p->params, USER_PROBE, p->name);
		check_outcomes(v, n, p);
		break;
	case NODE_FIX:
		if (n->fix == NULL)
			break;
		if ((fx = fix_find(n->fix)) == NULL) {
			if ((hint = closest(v, n->fix, fix_names())) != NULL)
				verr(v, n->pos, _("node '%s' uses fix '%.64s', which does not exist; did "
						  "you mean '%s'?"),
				    n->id, n->fix, hint);
			else
				verr(v, n->pos, _("node '%s' uses fix '%.64s', which does not exist"),
				    n->id, n->fix);
			break;
		}
		check_params(v, n, fx->params, USER_FIX, fx->name);
		break;
	case NODE_GOTO: {
		const struct flow *target;

		if (v->cat == NULL || n->goto_flow == NULL)
			break;
		/* The flow being checked may not be in the catalogue yet: a goto to itself is fine. */
		target = str_eq(n->goto_flow, v->flow->id) ? v->flow :
		    catalog_find(v->cat, n->goto_flow);
		if (target == NULL) {
			verr(v, n->goto_pos, _("node '%s' goes to flow '%.64s', which the catalogue "
					       "does not have"),
			    n->id, n->goto_flow);
			break;
		}
		if (n->goto_node != NULL && flow_node_find(target, n->goto_node) == NULL)
			verr(v, n->goto_pos, _("node '%s' goes to node '%.64s' of flow '%s', which "
					       "that flow does not define"),
			    n->id, n->goto_node, n->goto_flow);
		break;
	}
	default:
		break;
	}
}

/*
 * A node the loader found broken (a required edge missing, a target that does
 * not exist, an unknown kind) counts as a way out, so its mistake is reported
 * once and not again as a loop.
 */
static bool
node_is_exit(const struct flow_node *n)
{
	struct edge_iter it = { n, 0 };
	const struct flow_edge *e;

	switch (n->kind) {
	case NODE_END:
	case NODE_GOTO:
		return true;
	case NODE_ASK:
		if (n->nchoices == 0)
			return true;
		for (size_t i = 0; i < n->nchoices; i++)
			if (n->choices[i].next.nalts == 0)
				return true;
		break;
	case NODE_CHECK:
		if (n->non == 0)
			return true;
		for (size_t i = 0; i < n->non; i++)
			if (n->on[i].next.nalts == 0)
				return true;
		break;
	case NODE_FIX:
		if (n->then.nalts == 0 || n->otherwise.nalts == 0)
			return true;
		break;
	case NODE_SAY:
		if (n->next.nalts == 0)
			return true;
		break;
	}
	while ((e = edge_next(&it)) != NULL)
		for (size_t i = 0; i < e->nalts; i++)
			if (e->alts[i].node == NULL)
				return true;
	return false;
}

/* Reachability from start and the error index, then loops with no way to an end. */
static void
check_graph(struct validator *v)
{
	const struct flow *f = v->flow;
	size_t n = f->nnodes, head = 0, tail = 0, nedges = 0;
	size_t *queue = NULL, *rstart = NULL, *radj = NULL, *fill = NULL;
	bool *seen = NULL;

	if (n == 0)
		return;
	queue = xcalloc(n, sizeof *queue);
	seen = xcalloc(n, sizeof *seen);

	if (f->start_node != NULL) {
		seen[f->start_node - f->nodes] = true;
		queue[tail++] = (size_t)(f->start_node - f->nodes);
	}
	for (size_t i = 0; i < f->nerrors; i++) {
		const struct flow_node *x = lookup(v, f->errors[i].node);

		if (x != NULL && !seen[x - f->nodes]) {
			seen[x - f->nodes] = true;
			queue[tail++] = (size_t)(x - f->nodes);
		}
	}
	while (head < tail) {
		struct edge_iter it = { &f->nodes[queue[head++]], 0 };
		const struct flow_edge *e;

		while ((e = edge_next(&it)) != NULL)
			for (size_t i = 0; i < e->nalts; i++) {
				const struct flow_node *x = e->alts[i].node;

				if (x != NULL && !seen[x - f->nodes]) {
					seen[x - f->nodes] = true;
					queue[tail++] = (size_t)(x - f->nodes);
				}
			}
	}
	/* Without a start there is nothing to measure reachability from: the loader said so. */
	if (f->start_node != NULL)
		for (size_t i = 0; i < n; i++)
			if (!seen[i])
				verr(v, f->nodes[i].pos,
				    _("node '%s' is never reached from 'start' or an 'errors:' entry"),
				    f->nodes[i].id);

	/* Reverse edges, compressed: rstart[i]..rstart[i+1] index radj. */
	rstart = xcalloc(n + 1, sizeof *rstart);
	for (size_t i = 0; i < n; i++) {
		struct edge_iter it = { &f->nodes[i], 0 };
		const struct flow_edge *e;

		while ((e = edge_next(&it)) != NULL)
			for (size_t j = 0; j < e->nalts; j++)
				if (e->alts[j].node != NULL) {
					rstart[e->alts[j].node - f->nodes + 1]++;
					nedges++;
				}
	}
	for (size_t i = 0; i < n; i++)
		rstart[i + 1] += rstart[i];
	radj = xcalloc(nedges + 1, sizeof *radj);
	fill = xcalloc(n, sizeof *fill);
	for (size_t i = 0; i < n; i++) {
		struct edge_iter it = { &f->nodes[i], 0 };
		const struct flow_edge *e;

		while ((e = edge_next(&it)) != NULL)
			for (size_t j = 0; j < e->nalts; j++)
				if (e->alts[j].node != NULL) {
					size_t to = (size_t)(e->alts[j].node - f->nodes);

					radj[rstart[to] + fill[to]++] = i;
				}
	}
	/* Walk backwards from every way out; what is never met loops for ever. */
	memset(seen, 0, n * sizeof *seen);
	head = tail = 0;
	for (size_t i = 0; i < n; i++)
		if (node_is_exit(&f->nodes[i])) {
			seen[i] = true;
			queue[tail++] = i;
		}
	while (head < tail) {
		size_t x = queue[head++];

		for (size_t k = rstart[x]; k < rstart[x + 1]; k++)
			if (!seen[radj[k]]) {
				seen[radj[k]] = true;
				queue[tail++] = radj[k];
			}
	}
	for (size_t i = 0; i < n; i++)
		if (!seen[i])
			verr(v, f->nodes[i].pos,
			    _("node '%s' can never reach an end: every path from it loops"),
			    f->nodes[i].id);

	free(fill);
	free(radj);
	free(rstart);
	free(seen);
	free(queue);
}

size_t
flow_validate(const struct flow *flow, const struct catalog *cat, struct diags *diags)
{
	struct validator v;
	struct flow *mf = (struct flow *)flow; /* ours to resolve: see resolve_edges */

	if (flow == NULL)
		return 0;
	memset(&v, 0, sizeof v);
	v.flow = flow;
	v.cat = cat;
	v.diags = diags;
	table_build(&v);
	for (size_t i = 0; i < flow->nfacts; i++)
		nameset_add(&v.facts, flow->facts[i].name);
	for (size_t i = 0; i < flow->nnodes; i++)
		if (flow->nodes[i].kind == NODE_ASK && flow->nodes[i].fact != NULL)
			nameset_add(&v.facts, flow->nodes[i].fact);

	mf->start_node = NULL;
	if (flow->start != NULL && flow->nnodes > 0 &&
	    (mf->start_node = lookup(&v, flow->start)) == NULL) {
		const char *hint = closest(&v, flow->start, node_ids(&v));

		if (hint != NULL)
			verr(&v, flow->start_pos,
			    _("'start' names '%.64s', which no node defines; did you mean '%s'?"),
			    flow->start, hint);
		else
			verr(&v, flow->start_pos, _("'start' names '%.64s', which no node defines"),
			    flow->start);
	}
	for (size_t i = 0; i < flow->nerrors; i++)
		if (lookup(&v, flow->errors[i].node) == NULL)
			verr(&v, flow->errors[i].pos,
			    _("'errors:' entry goes to '%.64s', which no node defines"),
			    flow->errors[i].node);
	for (size_t i = 0; i < flow->nnodes; i++) {
		resolve_edges(&v, &flow->nodes[i]);
		if (flow->nodes[i].kind == NODE_CHECK)
			check_probe_node(&v, &flow->nodes[i]);
	}
	for (size_t i = 0; i < flow->nnodes; i++)
		check_node(&v, &flow->nodes[i]);
	check_graph(&v);

	nameset_free(&v.checked, true);
	nameset_free(&v.facts, false);
	free(v.fact_names);
	free(v.probes);
	free(v.ids);
	free(v.table);
	return v.errors;
}
