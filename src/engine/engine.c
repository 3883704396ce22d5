/*
 * engine.c: walks a flow graph. The walk moves from stop to stop: a stop is a
 * node where the front end must act (a question, a probe to run, a fix to
 * offer, a text to show, a verdict). Everything between two stops happens
 * here without the front end: nodes whose when: does not hold are skipped,
 * questions a known fact answers are answered, goto enters another flow and an
 * end with a matching return comes back.
 *
 * Back works by snapshot, not by undo: leaving a stop saves where the walk was
 * (flow, node, goto frames, facts, path length), and Back puts that back. A
 * walk has few stops and few facts, so the copies cost little, and nothing
 * learned after a stop can leak into the walk once the user went back past it.
 *
 * The engine does no I/O at all; the front end runs probes and fixes and hands
 * their outcomes in.
 */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine/engine.h"
#include "fix/fix.h"
#include "util/util.h"

/*
 * Validated flows cannot loop without a stop, but a site flow that was never
 * checked can; this bounds one advance, so the user sees a message, not a hang.
 */
#define ENGINE_MAX_STEPS 10000
/* Flows that go to each other in a circle would otherwise stack frames forever. */
#define ENGINE_MAX_DEPTH 64

/* A goto the walk is inside of: where to come back to when the called flow ends. */
struct engine_frame {
	const struct flow *flow;      /* the calling flow */
	const struct flow_node *node; /* its goto node, which holds the return: edges */
};

/* A stop the walk has left, as it was when the walk stood there. */
struct engine_mark {
	const struct flow *flow;
	const struct flow_node *node;
	struct engine_frame *frames;
	size_t nframes;
	struct facts facts;
	size_t npath;
};

struct engine {
	const struct catalog *cat;
	const struct flow *flow;      /* the flow the current node belongs to */
	const struct flow_node *node; /* the current stop (or where the walk broke) */
	enum engine_state state;
	char *error;

	struct facts facts;

	struct engine_frame *frames;
	size_t nframes;
	size_t frames_cap;

	struct engine_mark *marks; /* history for Back, oldest first */
	size_t nmarks;
	size_t marks_cap;

	const struct flow_node **path; /* the stops of the current path */
	size_t npath;
	size_t path_cap;

	struct engine_event *events;
	size_t nevents;
	size_t events_cap;

	/* What the current stop shows; worked out once when the walk arrives there. */
	struct engine_choice *choices;
	size_t nchoices;
	struct params params;
	char *missing;

	/*
	 * The facts the walk was started with, but for the host's own (os,
	 * arch): given on the command line or by a snapshot. Probes never
	 * overwrite them, and they reach the steps' parameters (see give_params).
	 */
	struct facts given;

	engine_watch_fn watch;
	void *watch_ctx;
};

/* What handling one node during an advance ended with. */
enum engine_step {
	STEP_STOP,   /* the front end must act here */
	STEP_NEXT,   /* passed through; go on to *next */
	STEP_BROKEN, /* the walk cannot go on (the error is set) */
};

static void engine_event(struct engine *, enum engine_event_kind, const struct flow_node *,
                         const char *, ...) VT_PRINTF(4, 5);
static void engine_broken(struct engine *, const char *, ...) VT_PRINTF(2, 3);

static void
engine_event(struct engine *e, enum engine_event_kind kind, const struct flow_node *node,
             const char *fmt, ...)
{
	struct engine_event *ev = NULL;
	va_list ap;

	if (e->nevents == e->events_cap) {
		e->events_cap = e->events_cap == 0 ? 16 : e->events_cap * 2;
		e->events = xreallocarray(e->events, e->events_cap, sizeof *e->events);
	}
	ev = &e->events[e->nevents++];
	ev->kind = kind;
	ev->node = node;
	/* Always a string, so front ends and the session can print it as it is. */
	va_start(ap, fmt);
	ev->detail = xvasprintf(fmt, ap);
	va_end(ap);
}

/* Forgets what the current stop showed: its visible choices and expanded parameters. */
static void
engine_clear_stop(struct engine *e)
{
	free(e->choices);
	e->choices = NULL;
	e->nchoices = 0;
	params_free(&e->params);
	memset(&e->params, 0, sizeof e->params);
	free(e->missing);
	e->missing = NULL;
}

void
engine_watch(struct engine *e, engine_watch_fn fn, void *ctx)
{
	e->watch = fn;
	e->watch_ctx = ctx;
}

/* Tells the watcher of an input; kind INPUT_TAKEN after it. */
static void
engine_tell(struct engine *e, const struct engine_input *in)
{
	if (e->watch != NULL)
		e->watch(e->watch_ctx, e, in);
}

static void
engine_told(struct engine *e)
{
	struct engine_input in = {.kind = INPUT_TAKEN};

	engine_tell(e, &in);
}

static void
engine_broken(struct engine *e, const char *fmt, ...)
{
	va_list ap;

	engine_clear_stop(e);
	free(e->error);
	va_start(ap, fmt);
	e->error = xvasprintf(fmt, ap);
	va_end(ap);
	e->state = ENGINE_BROKEN;
}

bool
engine_guard_holds(const struct flow_guard *g, const struct facts *f)
{
	const struct flow_guard_term *t = NULL;
	const char *value = NULL;
	bool match;
	size_t i, j;

	if (g == NULL)
		return true;
	for (i = 0; i < g->nterms; i++) {
		t = &g->terms[i];
		/*
		 * Unknown never holds, negated or not: "!darwin" must not
		 * match a walk that does not know the os yet.
		 */
		if ((value = facts_get(f, t->fact)) == NULL)
			return false;
		match = false;
		for (j = 0; j < t->nvalues && !match; j++)
			match = str_eq(value, t->values[j]);
		if (match == t->negate)
			return false;
	}
	return true;
}

/*
 * Follows an edge of from (in the current flow): the first alternative whose
 * guard holds. Returns NULL, with the walk broken, when there is none or its
 * target does not exist; the validator makes both impossible.
 */
static const struct flow_node *
engine_follow(struct engine *e, const struct flow_node *from, const struct flow_edge *edge)
{
	const struct flow_alt *alt = NULL;
	const struct flow_node *to = NULL;
	size_t i;

	if (edge->nalts == 0) {
		engine_broken(e, _("node '%s' of flow '%s' has nowhere to go next"), from->id,
		              e->flow->id);
		return NULL;
	}
	for (i = 0; i < edge->nalts; i++) {
		alt = &edge->alts[i];
		if (!engine_guard_holds(&alt->when, &e->facts))
			continue;
		/* Validated flows have the node resolved; a hand-made or unchecked one may not. */
		if ((to = alt->node) == NULL && alt->target != NULL)
			to = flow_node_find(e->flow, alt->target);
		if (to == NULL) {
			engine_broken(
			    e, _("node '%s' goes to '%s', which no node of flow '%s' defines"),
			    from->id, alt->target != NULL ? alt->target : "", e->flow->id);
			return NULL;
		}
		return to;
	}
	engine_broken(e,
	              _("no way on from node '%s' of flow '%s': "
	                "none of the alternatives of its edge holds"),
	              from->id, e->flow->id);
	return NULL;
}

/* Works out what a stop shows: the visible choices of an ask, the parameters of a check or fix. */
/*
 * Given facts reach a check's or a fix's parameters, so the same flow runs
 * on a machine laid out as no default expects (a lab, a moved log, an own
 * key): a fact named PROBE.PARAM (log.file, dhcp.seconds) sets that
 * parameter of every step running that probe or fix, over what the flow
 * wrote; a fact named like a parameter (key, known_hosts) fills it where
 * the step leaves it open.
 */
static void
give_params(struct engine *e, const struct flow_node *n)
{
	const char *who = n->kind == NODE_CHECK ? n->probe : n->fix;
	const struct param_def *defs = NULL;
	size_t wl = who != NULL ? strlen(who) : 0;

	if (who == NULL || e->given.n == 0)
		return;
	if (n->kind == NODE_CHECK) {
		const struct probe_entry *pe = probe_find(who);

		defs = pe != NULL ? pe->params : NULL;
	} else {
		const struct fix_entry *fe = fix_find(who);

		defs = fe != NULL ? fe->params : NULL;
	}
	for (size_t i = 0; defs != NULL && defs[i].name != NULL; i++) {
		const char *name = defs[i].name, *value = facts_get(&e->given, name);
		char *scoped = xasprintf("%.*s.%s", (int)wl, who, name);
		const char *over = facts_get(&e->given, scoped);

		free(scoped);
		if (over != NULL)
			params_set(&e->params, name, over);
		else if (value != NULL && params_get(&e->params, name) == NULL)
			params_set(&e->params, name, value);
	}
}

static void
engine_prepare(struct engine *e, const struct flow_node *n)
{
	const struct flow_param *p = NULL;
	char *value = NULL, *missing = NULL;
	size_t i;

	engine_clear_stop(e);
	switch (n->kind) {
	case NODE_ASK:
		if (n->nchoices > 0)
			e->choices = xreallocarray(NULL, n->nchoices, sizeof *e->choices);
		for (i = 0; i < n->nchoices; i++) {
			if (!engine_guard_holds(&n->choices[i].when, &e->facts))
				continue;
			e->choices[e->nchoices].choice = &n->choices[i];
			e->choices[e->nchoices].index = i;
			e->nchoices++;
		}
		break;
	case NODE_CHECK:
	case NODE_FIX:
		/* Facts do not change while the walk stands at a stop: expanding once is enough. */
		for (i = 0; i < n->with.n; i++) {
			p = &n->with.v[i];
			value = facts_expand(&e->facts, p->value, &missing);
			params_set(&e->params, p->name, value);
			free(value);
			if (missing != NULL && e->missing == NULL)
				e->missing = missing;
			else
				free(missing);
			missing = NULL;
		}
		give_params(e, n);
		break;
	default:
		break;
	}
}

static enum engine_state
engine_stop_state(enum flow_node_kind kind)
{
	switch (kind) {
	case NODE_ASK:
		return ENGINE_ASK;
	case NODE_CHECK:
		return ENGINE_CHECK;
	case NODE_FIX:
		return ENGINE_FIX;
	case NODE_SAY:
		return ENGINE_SAY;
	case NODE_END:
		return ENGINE_END;
	case NODE_GOTO:
		break;
	}
	fatalx("engine: a %s node is never a stop", flow_node_kind_name(kind));
}

/* The defaults of the facts a flow declares, for those not known yet. */
static void
apply_fact_defaults(struct engine *e, const struct flow *flow)
{
	for (size_t i = 0; i < flow->nfacts; i++) {
		const struct flow_fact_decl *d = &flow->facts[i];

		if (d->def != NULL && facts_get(&e->facts, d->name) == NULL)
			facts_set(&e->facts, d->name, d->def);
	}
}

/* The walk arrives at a stop: it joins the path, and the front end hears of it. */
static void
engine_stop(struct engine *e, const struct flow_node *n)
{
	e->node = n;
	e->state = engine_stop_state(n->kind);
	if (e->npath == e->path_cap) {
		e->path_cap = e->path_cap == 0 ? 16 : e->path_cap * 2;
		e->path = xreallocarray(e->path, e->path_cap, sizeof *e->path);
	}
	e->path[e->npath++] = n;
	engine_event(e, EV_ENTER, n, "%s", "");
}

static enum engine_step
engine_step_ask(struct engine *e, const struct flow_node *n, const struct flow_node **next)
{
	const struct flow_choice *c = NULL;
	const char *known = NULL;
	size_t i;

	engine_prepare(e, n);
	if (n->fact != NULL && (known = facts_get(&e->facts, n->fact)) != NULL) {
		for (i = 0; i < e->nchoices; i++) {
			c = e->choices[i].choice;
			if (c->value == NULL || strcmp(c->value, known) != 0)
				continue;
			engine_event(e, EV_AUTO_ANSWER, n, "%s=%s", n->fact, known);
			{
				struct engine_input in = {.kind = INPUT_AUTO_ANSWER,
				                          .choice = c,
				                          .choice_number = e->choices[i].index + 1,
				                          .node = n};

				engine_tell(e, &in);
			}
			if ((*next = engine_follow(e, n, &c->next)) == NULL)
				return STEP_BROKEN;
			return STEP_NEXT;
		}
	}
	if (e->nchoices == 0) {
		engine_broken(e, _("question '%s' of flow '%s' has no choice that applies here"),
		              n->id, e->flow->id);
		return STEP_BROKEN;
	}
	return STEP_STOP;
}

static enum engine_step
engine_step_end(struct engine *e, const struct flow_node *n, const struct flow_node **next)
{
	const struct engine_frame *top = NULL;
	const struct flow_return *r = NULL;
	size_t i;

	if (e->nframes == 0)
		return STEP_STOP;
	top = &e->frames[e->nframes - 1];
	for (i = 0; i < top->node->nreturns; i++) {
		if (top->node->returns[i].verdict == n->verdict) {
			r = &top->node->returns[i];
			break;
		}
	}
	/* A verdict the caller does not take back ends the whole walk, here in the called flow. */
	if (r == NULL)
		return STEP_STOP;
	engine_event(e, EV_RETURN, n, "%s", flow_verdict_name(n->verdict));
	e->flow = top->flow;
	e->nframes--;
	if ((*next = engine_follow(e, top->node, &r->next)) == NULL)
		return STEP_BROKEN;
	return STEP_NEXT;
}

static enum engine_step
engine_step_goto(struct engine *e, const struct flow_node *n, const struct flow_node **next)
{
	const struct flow *to = NULL;
	const struct flow_node *entry = NULL;
	const char *missing = NULL;

	if (e->nframes >= ENGINE_MAX_DEPTH) {
		engine_broken(e,
		              _("node '%s' of flow '%s' goes to another flow more than %d deep: "
		                "the flows go to each other in a circle"),
		              n->id, e->flow->id, ENGINE_MAX_DEPTH);
		return STEP_BROKEN;
	}
	if (e->cat == NULL || n->goto_flow == NULL ||
	    (to = catalog_find(e->cat, n->goto_flow)) == NULL) {
		engine_broken(
		    e, _("node '%s' of flow '%s' goes to flow '%s', which is not in the catalogue"),
		    n->id, e->flow->id, n->goto_flow != NULL ? n->goto_flow : "");
		return STEP_BROKEN;
	}
	if (n->goto_node != NULL)
		entry = flow_node_find(to, n->goto_node);
	else if ((entry = to->start_node) == NULL && to->start != NULL)
		entry = flow_node_find(to, to->start);
	if (entry == NULL) {
		missing = n->goto_node != NULL ? n->goto_node : to->start;
		engine_broken(e,
		              _("node '%s' of flow '%s' goes to node '%s' of flow '%s', "
		                "which does not exist"),
		              n->id, e->flow->id, missing != NULL ? missing : "", to->id);
		return STEP_BROKEN;
	}
	if (e->nframes == e->frames_cap) {
		e->frames_cap = e->frames_cap == 0 ? 4 : e->frames_cap * 2;
		e->frames = xreallocarray(e->frames, e->frames_cap, sizeof *e->frames);
	}
	e->frames[e->nframes].flow = e->flow;
	e->frames[e->nframes].node = n;
	e->nframes++;
	engine_event(e, EV_GOTO, n, "%s", to->id);
	e->flow = to;
	apply_fact_defaults(e, to);
	*next = entry;
	return STEP_NEXT;
}

/*
 * Walks from node n (in the current flow) to the next stop, passing through
 * everything the front end need not see. Ends at a stop or broken.
 */
static void
engine_advance(struct engine *e, const struct flow_node *n)
{
	const struct flow_node *next = NULL;
	const struct flow_edge *skip = NULL;
	enum engine_step step;
	size_t steps;

	engine_clear_stop(e);
	for (steps = 0;; steps++) {
		e->node = n;
		if (steps >= ENGINE_MAX_STEPS) {
			engine_broken(
			    e,
			    _("the walk went through %d nodes without stopping, last at node '%s' "
			      "of flow '%s': the flow loops"),
			    ENGINE_MAX_STEPS, n->id, e->flow->id);
			return;
		}
		next = NULL;
		if (!engine_guard_holds(&n->when, &e->facts)) {
			skip = &n->skip;
			/* A say with when: and no skip: just goes on, as if it had been shown. */
			if (skip->nalts == 0 && n->kind == NODE_SAY)
				skip = &n->next;
			if ((next = engine_follow(e, n, skip)) == NULL)
				return;
			engine_event(e, EV_SKIPPED, n, "%s", next->id);
			n = next;
			continue;
		}
		switch (n->kind) {
		case NODE_ASK:
			step = engine_step_ask(e, n, &next);
			break;
		case NODE_END:
			step = engine_step_end(e, n, &next);
			break;
		case NODE_GOTO:
			step = engine_step_goto(e, n, &next);
			break;
		default:
			engine_prepare(e, n);
			step = STEP_STOP;
			break;
		}
		switch (step) {
		case STEP_STOP:
			engine_stop(e, n);
			return;
		case STEP_BROKEN:
			return;
		case STEP_NEXT:
			engine_clear_stop(e);
			n = next;
			break;
		}
	}
}

/* Leaving the current stop: remember it as it is, so Back can return to it. */
static void
engine_leave(struct engine *e)
{
	struct engine_mark *m = NULL;

	if (e->nmarks == e->marks_cap) {
		e->marks_cap = e->marks_cap == 0 ? 16 : e->marks_cap * 2;
		e->marks = xreallocarray(e->marks, e->marks_cap, sizeof *e->marks);
	}
	m = &e->marks[e->nmarks++];
	memset(m, 0, sizeof *m);
	m->flow = e->flow;
	m->node = e->node;
	if (e->nframes > 0) {
		m->frames = xreallocarray(NULL, e->nframes, sizeof *m->frames);
		memcpy(m->frames, e->frames, e->nframes * sizeof *m->frames);
	}
	m->nframes = e->nframes;
	facts_copy(&m->facts, &e->facts);
	m->npath = e->npath;
}

static void
engine_mark_free(struct engine_mark *m)
{
	free(m->frames);
	facts_free(&m->facts);
}

struct engine *
engine_new(const struct catalog *cat, const struct flow *flow, const struct flow_node *node,
           const struct facts *initial)
{
	struct engine *e = NULL;
	const struct flow_node *start = node;

	if (flow == NULL)
		fatalx("engine_new: no flow");
	e = xcalloc(1, sizeof *e);
	e->cat = cat;
	e->flow = flow;
	if (initial != NULL) {
		facts_copy(&e->facts, initial);
		for (size_t i = 0; i < initial->n; i++) {
			if (!facts_is_builtin(initial->keys[i]))
				facts_set(&e->given, initial->keys[i], initial->values[i]);
		}
	}
	apply_fact_defaults(e, flow);
	if (start == NULL && (start = flow->start_node) == NULL && flow->start != NULL)
		start = flow_node_find(flow, flow->start);
	if (start == NULL) {
		engine_broken(e, _("flow '%s' has no start node '%s'"), flow->id,
		              flow->start != NULL ? flow->start : "");
		return e;
	}
	engine_advance(e, start);
	return e;
}

void
engine_free(struct engine *e)
{
	size_t i;

	if (e == NULL)
		return;
	engine_clear_stop(e);
	for (i = 0; i < e->nmarks; i++)
		engine_mark_free(&e->marks[i]);
	free(e->marks);
	free(e->frames);
	free(e->path);
	engine_events_free(e->events, e->nevents);
	facts_free(&e->facts);
	facts_free(&e->given);
	free(e->error);
	free(e);
}

enum engine_state
engine_state(const struct engine *e)
{
	return e->state;
}

const struct flow_node *
engine_node(const struct engine *e)
{
	return e->node;
}

const struct flow *
engine_flow(const struct engine *e)
{
	return e->flow;
}

const struct facts *
engine_facts(const struct engine *e)
{
	return &e->facts;
}

const char *
engine_error(const struct engine *e)
{
	return e->state == ENGINE_BROKEN ? e->error : NULL;
}

size_t
engine_choices(const struct engine *e, const struct engine_choice **choices)
{
	if (e->state != ENGINE_ASK) {
		*choices = NULL;
		return 0;
	}
	*choices = e->choices;
	return e->nchoices;
}

const struct params *
engine_params(const struct engine *e, const char **missing)
{
	/* Outside a check or fix the parameters are simply empty. */
	if (missing != NULL)
		*missing = e->missing;
	return &e->params;
}

int
engine_answer(struct engine *e, size_t visible_index)
{
	const struct flow_node *n = e->node, *next = NULL;
	const struct flow_choice *c = NULL;

	if (e->state != ENGINE_ASK || visible_index >= e->nchoices)
		return -1;
	c = e->choices[visible_index].choice;
	{
		struct engine_input in = {.kind = INPUT_ANSWER,
		                          .choice = c,
		                          .choice_number = e->choices[visible_index].index + 1};

		engine_tell(e, &in);
	}
	engine_leave(e);
	engine_event(e, EV_ANSWER, n, "%s",
	             c->value != NULL ? c->value : (c->text.en != NULL ? c->text.en : ""));
	if (n->fact != NULL && c->value != NULL)
		facts_set(&e->facts, n->fact, c->value);
	if ((next = engine_follow(e, n, &c->next)) != NULL)
		engine_advance(e, next);
	engine_told(e);
	return 0;
}

/* typed (len bytes, already trimmed) equals s, ignoring case. */
static bool
engine_typed_eq(const char *typed, size_t len, const char *s)
{
	return s != NULL && strlen(s) == len && strncasecmp(typed, s, len) == 0;
}

int
engine_answer_text(struct engine *e, const char *typed)
{
	const struct flow_choice *c = NULL;
	const char *start = typed, *end = NULL, *p = NULL;
	size_t len, i, number = 0;

	if (e->state != ENGINE_ASK || typed == NULL)
		return -1;
	while (isspace((unsigned char)*start))
		start++;
	end = start + strlen(start);
	while (end > start && isspace((unsigned char)end[-1]))
		end--;
	if ((len = (size_t)(end - start)) == 0)
		return -1;

	/*
	 * A value first, as typed: answers files record values, which stay the
	 * same when a flow reorders or rewords its choices.
	 */
	for (i = 0; i < e->nchoices; i++) {
		c = e->choices[i].choice;
		if (c->value != NULL && strlen(c->value) == len &&
		    strncmp(c->value, start, len) == 0)
			return engine_answer(e, i);
	}
	for (i = 0; i < e->nchoices; i++) {
		c = e->choices[i].choice;
		if (engine_typed_eq(start, len, c->value) ||
		    engine_typed_eq(start, len, c->text.en))
			return engine_answer(e, i);
	}
	/* The number shown next to the choice, counting visible choices from 1. */
	for (p = start; p < end; p++) {
		if (!isdigit((unsigned char)*p))
			return -1;
		if (number > e->nchoices)
			return -1; /* already too big; stop before it can overflow */
		number = number * 10 + (size_t)(*p - '0');
	}
	if (number < 1 || number > e->nchoices)
		return -1;
	return engine_answer(e, number - 1);
}

/* The walk leaves a check with this outcome: record it, then take the matching on: entry. */
static void
engine_route_outcome(struct engine *e, const char *outcome)
{
	const struct flow_node *n = e->node, *next = NULL;
	const struct flow_edge *edge = NULL, *def = NULL, *error = NULL;
	const struct probe_entry *probe = NULL;
	char *key = NULL;
	size_t i;

	key = xasprintf("%s.outcome", n->id);
	facts_set(&e->facts, key, outcome);
	free(key);
	engine_event(e, EV_PROBE, n, "%s", outcome);

	for (i = 0; i < n->non; i++) {
		if (strcmp(n->on[i].outcome, outcome) == 0)
			edge = &n->on[i].next;
		else if (strcmp(n->on[i].outcome, "default") == 0)
			def = &n->on[i].next;
		else if (strcmp(n->on[i].outcome, OUTCOME_ERROR) == 0)
			error = &n->on[i].next;
	}
	if (edge == NULL)
		edge = def;
	/*
	 * An outcome the probe does not declare (a newer probe, a typo in an
	 * answers file) means the check could not really tell: that is what
	 * error: is for. A declared outcome that on: misses is a flow the
	 * validator never saw, and is reported as such.
	 */
	if (edge == NULL &&
	    ((probe = probe_find(n->probe)) == NULL || !probe_has_outcome(probe, outcome)))
		edge = error;
	if (edge == NULL) {
		engine_broken(
		    e,
		    _("check '%s' of flow '%s' ended with '%s', which its 'on:' does not handle"),
		    n->id, e->flow->id, outcome);
		return;
	}
	if ((next = engine_follow(e, n, edge)) != NULL)
		engine_advance(e, next);
}

int
engine_probe_done(struct engine *e, const struct probe_result *r)
{
	size_t i;

	if (e->state != ENGINE_CHECK || r == NULL)
		return -1;
	{
		struct engine_input in = {.kind = INPUT_PROBE,
		                          .probe = r,
		                          .outcome =
		                              r->outcome != NULL ? r->outcome : OUTCOME_ERROR};

		engine_tell(e, &in);
	}
	engine_leave(e);
	for (i = 0; i < r->nfacts; i++) {
		/* What the user gave wins over what the probe found. */
		if (r->facts[i].key != NULL && facts_get(&e->given, r->facts[i].key) == NULL)
			facts_set(&e->facts, r->facts[i].key, r->facts[i].value);
	}
	/* A probe that forgot its outcome could not look: that is the error outcome. */
	engine_route_outcome(e, r->outcome != NULL ? r->outcome : OUTCOME_ERROR);
	engine_told(e);
	return 0;
}

int
engine_probe_outcome(struct engine *e, const char *outcome)
{
	if (e->state != ENGINE_CHECK || outcome == NULL || *outcome == '\0')
		return -1;
	{
		struct engine_input in = {.kind = INPUT_PROBE, .outcome = outcome};

		engine_tell(e, &in);
	}
	engine_leave(e);
	engine_route_outcome(e, outcome);
	engine_told(e);
	return 0;
}

int
engine_fix_done(struct engine *e, enum engine_fix_outcome outcome)
{
	const struct flow_node *n = e->node, *next = NULL;
	const struct flow_edge *edge = NULL;
	const char *detail = NULL;

	if (e->state != ENGINE_FIX)
		return -1;
	switch (outcome) {
	case ENGINE_FIX_OK:
		edge = &n->then;
		detail = "ok";
		break;
	case ENGINE_FIX_FAILED:
		edge = &n->otherwise;
		detail = "failed";
		break;
	case ENGINE_FIX_DECLINED:
		edge = n->decline.nalts > 0 ? &n->decline : &n->otherwise;
		detail = "declined";
		break;
	default:
		return -1;
	}
	{
		struct engine_input in = {.kind = INPUT_FIX, .fix = outcome};

		engine_tell(e, &in);
	}
	engine_leave(e);
	engine_event(e, EV_FIX, n, "%s", detail);
	if ((next = engine_follow(e, n, edge)) != NULL)
		engine_advance(e, next);
	engine_told(e);
	return 0;
}

int
engine_continue(struct engine *e)
{
	const struct flow_node *n = e->node, *next = NULL;

	if (e->state != ENGINE_SAY)
		return -1;
	{
		struct engine_input in = {.kind = INPUT_CONTINUE};

		engine_tell(e, &in);
	}
	engine_leave(e);
	if ((next = engine_follow(e, n, &n->next)) != NULL)
		engine_advance(e, next);
	engine_told(e);
	return 0;
}

bool
engine_can_back(const struct engine *e)
{
	return e->nmarks > 0;
}

int
engine_back(struct engine *e)
{
	struct engine_mark *m = NULL;
	const struct flow_node *left = e->node;

	if (e->nmarks == 0)
		return -1;
	{
		struct engine_input in = {.kind = INPUT_BACK};

		engine_tell(e, &in);
	}
	m = &e->marks[--e->nmarks];

	/* The mark's copies become the walk's own: no second copy needed. */
	facts_free(&e->facts);
	e->facts = m->facts;
	free(e->frames);
	e->frames = m->frames;
	e->nframes = e->frames_cap = m->nframes;
	e->flow = m->flow;
	e->npath = m->npath;
	free(e->error);
	e->error = NULL;

	engine_prepare(e, m->node);
	e->node = m->node;
	e->state = engine_stop_state(m->node->kind);
	engine_event(e, EV_BACK, m->node, "%s", left != NULL ? left->id : "");
	memset(m, 0, sizeof *m);
	engine_told(e);
	return 0;
}

size_t
engine_path(const struct engine *e, const struct flow_node *const **path)
{
	*path = e->path;
	return e->npath;
}

size_t
engine_take_events(struct engine *e, struct engine_event **events)
{
	size_t n = e->nevents;

	*events = e->events;
	e->events = NULL;
	e->nevents = 0;
	e->events_cap = 0;
	return n;
}

void
engine_events_free(struct engine_event *events, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(events[i].detail);
	free(events);
}
