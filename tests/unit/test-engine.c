/*
 * test-engine.c: the walk engine, driven the way a front end drives it. Flows
 * are written in YAML and go through the real loader and validator, so these
 * tests also hold the engine to what validated flows look like; only the
 * broken flows no validator would pass are built by hand.
 */
#include "config.h"

#include "cmocka-prelude.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "engine/facts.h"
#include "flow/diag.h"
#include "flow/flow.h"
#include "probe/probe.h"
#include "testutil.h"
#include "util/util.h"

/* ---- fixtures ------------------------------------------------------------ */

/* Every node kind, a goto with a return, and a fix: the long walk that Back unwinds. */
static const char kinds_yaml[] =
    "id: kinds\n"
    "title: Every kind of node\n"
    "start: hello\n"
    "facts:\n"
    "  driver: Which driver the instance uses\n"
    "nodes:\n"
    "  hello:\n"
    "    kind: say\n"
    "    title: Hello\n"
    "    text: This walk shows every kind of node.\n"
    "    next: darwin-only\n"
    "  darwin-only:\n"
    "    kind: say\n"
    "    text: Only on macOS.\n"
    "    when: { os: darwin }\n"
    "    next: pick-driver\n"
    "  pick-driver:\n"
    "    kind: ask\n"
    "    title: Driver\n"
    "    text: Which driver does the instance use?\n"
    "    fact: driver\n"
    "    choices:\n"
    "      - { text: QEMU, value: qemu, next: config }\n"
    "      - { text: VirtualBox, value: virtualbox, next: config }\n"
    "      - { text: Hyper-V, value: hyperv, when: { os: windows }, next: config }\n"
    "  config:\n"
    "    kind: check\n"
    "    text: Looking for the driver's configuration.\n"
    "    probe: file\n"
    "    with: { path: \"/etc/{{ driver }}/{{os}}.conf\" }\n"
    "    on:\n"
    "      found: run-it\n"
    "      default: gone\n"
    "  run-it:\n"
    "    kind: check\n"
    "    text: Running the driver's tool.\n"
    "    probe: command\n"
    "    with: { argv: \"{{driver}}-tool --check\" }\n"
    "    on:\n"
    "      ok:\n"
    "        - { when: { command.status: \"0\" }, next: refresh }\n"
    "        - { next: gone }\n"
    "      default: gone\n"
    "  refresh:\n"
    "    kind: fix\n"
    "    text: Refreshing the image list.\n"
    "    fix: multipass_find_force_update\n"
    "    then: sub\n"
    "    else: gone\n"
    "    decline: said-no\n"
    "  sub:\n"
    "    kind: goto\n"
    "    flow: helper\n"
    "    return: { healthy: done }\n"
    "  said-no:\n"
    "    kind: end\n"
    "    verdict: cause\n"
    "    text: You said no.\n"
    "  gone:\n"
    "    kind: end\n"
    "    verdict: cause\n"
    "    text: Nothing to do.\n"
    "  done:\n"
    "    kind: end\n"
    "    verdict: solved\n"
    "    text: All good.\n";

static const char helper_yaml[] =
    "id: helper\n"
    "title: A flow other flows go to\n"
    "start: confirm\n"
    "nodes:\n"
    "  confirm:\n"
    "    kind: ask\n"
    "    text: Does it work now?\n"
    "    choices:\n"
    "      - { text: It works, value: works, next: fine }\n"
    "      - { text: It fails, value: fails, next: broken }\n"
    "  fine:\n"
    "    kind: end\n"
    "    verdict: healthy\n"
    "    text: It works.\n"
    "  broken:\n"
    "    kind: end\n"
    "    verdict: escalate\n"
    "    text: Ask for help.\n"
    "    attach: [ The log ]\n";

static const char guards_yaml[] =
    "id: guards\n"
    "title: Guards on choices\n"
    "start: q\n"
    "facts:\n"
    "  driver: The driver\n"
    "nodes:\n"
    "  q:\n"
    "    kind: ask\n"
    "    text: Pick one\n"
    "    choices:\n"
    "      - { text: Always, next: e }\n"
    "      - { text: Linux, when: { os: linux }, next: e }\n"
    "      - { text: Linux or macOS, when: { os: [linux, darwin] }, next: e }\n"
    "      - { text: Not Linux, when: { os: \"!linux\" }, next: e }\n"
    "      - { text: QEMU, when: { driver: qemu }, next: e }\n"
    "      - { text: Not QEMU, when: { driver: \"!qemu\" }, next: e }\n"
    "      - { text: Linux and QEMU, when: { os: linux, driver: qemu }, next: e }\n"
    "  e:\n"
    "    kind: end\n"
    "    verdict: healthy\n"
    "    text: Done\n";

/* An answer sets a fact, and the edge that follows chooses by it. */
static const char edges_yaml[] =
    "id: edges\n"
    "title: Guarded edges\n"
    "start: q\n"
    "nodes:\n"
    "  q:\n"
    "    kind: ask\n"
    "    text: Which size?\n"
    "    fact: size\n"
    "    choices:\n"
    "      - text: Small\n"
    "        value: small\n"
    "        next:\n"
    "          - { when: { os: darwin }, next: mac-small }\n"
    "          - { when: { size: \"!small\" }, next: impossible }\n"
    "          - { when: { size: small }, next: small }\n"
    "          - { next: impossible }\n"
    "      - { text: Large, value: large, next: large }\n"
    "  mac-small: { kind: end, verdict: healthy, text: Small on a Mac }\n"
    "  small: { kind: end, verdict: healthy, text: Small }\n"
    "  large: { kind: end, verdict: healthy, text: Large }\n"
    "  impossible: { kind: end, verdict: cause, text: Cannot happen }\n";

static const char routes_yaml[] =
    "id: routes\n"
    "title: Probe outcomes\n"
    "start: run\n"
    "nodes:\n"
    "  run:\n"
    "    kind: check\n"
    "    text: Run a command\n"
    "    probe: command\n"
    "    with: { argv: \"true\" }\n"
    "    on:\n"
    "      ok: look\n"
    "      fail: failed\n"
    "      error: errored\n"
    "      default: other\n"
    "  look:\n"
    "    kind: check\n"
    "    text: Look at a file\n"
    "    probe: file\n"
    "    with: { path: /etc/hostname }\n"
    "    on:\n"
    "      found: found\n"
    "      missing: other\n"
    "      no_match: other\n"
    "      unreadable: other\n"
    "      error: errored\n"
    "  found: { kind: end, verdict: healthy, text: Found }\n"
    "  failed: { kind: end, verdict: cause, text: Failed }\n"
    "  errored: { kind: end, verdict: escalate, text: Error, attach: [ The output ] }\n"
    "  other: { kind: end, verdict: cause, text: Other }\n";

static const char params_yaml[] =
    "id: params\n"
    "title: Templates\n"
    "start: look\n"
    "facts:\n"
    "  name: The instance name\n"
    "  dir: A directory\n"
    "nodes:\n"
    "  look:\n"
    "    kind: check\n"
    "    text: Look\n"
    "    probe: file\n"
    "    with: { path: \"/var/{{ dir }}/{{name}}.log\" }\n"
    "    on: { default: refresh }\n"
    "  refresh:\n"
    "    kind: fix\n"
    "    text: Refresh\n"
    "    fix: multipass_find_force_update\n"
    "    then: end\n"
    "    else: end\n"
    "  end: { kind: end, verdict: healthy, text: Done }\n";

static const char fixes_yaml[] =
    "id: fixes\n"
    "title: Fix outcomes\n"
    "start: with-decline\n"
    "nodes:\n"
    "  with-decline:\n"
    "    kind: fix\n"
    "    text: Refresh\n"
    "    fix: multipass_find_force_update\n"
    "    then: without-decline\n"
    "    else: failed\n"
    "    decline: declined\n"
    "  without-decline:\n"
    "    kind: fix\n"
    "    text: Refresh again\n"
    "    fix: multipass_find_force_update\n"
    "    then: ok\n"
    "    else: failed\n"
    "  ok: { kind: end, verdict: solved, text: Fixed }\n"
    "  failed: { kind: end, verdict: cause, text: Failed }\n"
    "  declined: { kind: end, verdict: cause, text: Declined }\n";

static const char skips_yaml[] =
    "id: skips\n"
    "title: Skipped nodes\n"
    "start: a\n"
    "facts:\n"
    "  mode: The mode\n"
    "nodes:\n"
    "  a:\n"
    "    kind: check\n"
    "    when: { mode: deep }\n"
    "    skip: b\n"
    "    text: A deep check\n"
    "    probe: command\n"
    "    with: { argv: \"true\" }\n"
    "    on: { default: b }\n"
    "  b:\n"
    "    kind: end\n"
    "    when: { os: \"!linux\" }\n"
    "    skip: c\n"
    "    verdict: healthy\n"
    "    text: Not on Linux\n"
    "  c:\n"
    "    kind: say\n"
    "    when: { os: darwin }\n"
    "    text: On a Mac\n"
    "    next: d\n"
    "  d:\n"
    "    kind: ask\n"
    "    when: { mode: [fast, deep] }\n"
    "    skip: e\n"
    "    text: Go on?\n"
    "    choices: [ { text: Yes, next: e } ]\n"
    "  e: { kind: end, verdict: healthy, text: Done }\n";

static const char caller_yaml[] =
    "id: caller\n"
    "title: Goes to another flow\n"
    "start: first\n"
    "nodes:\n"
    "  first:\n"
    "    kind: say\n"
    "    text: Going to the callee\n"
    "    next: call\n"
    "  call:\n"
    "    kind: goto\n"
    "    flow: callee\n"
    "    return:\n"
    "      solved: after\n"
    "      cause:\n"
    "        - { when: { os: darwin }, next: mac-cause }\n"
    "        - { next: after-cause }\n"
    "  after:\n"
    "    kind: say\n"
    "    text: Back in the caller\n"
    "    next: done\n"
    "  after-cause: { kind: end, verdict: cause, text: A cause }\n"
    "  mac-cause: { kind: end, verdict: cause, text: A cause on a Mac }\n"
    "  done: { kind: end, verdict: solved, text: Solved }\n";

static const char callee_yaml[] =
    "id: callee\n"
    "title: Called by another flow\n"
    "start: q\n"
    "errors:\n"
    "  - { match: inner trouble, node: inner }\n"
    "nodes:\n"
    "  q:\n"
    "    kind: ask\n"
    "    text: How did it go?\n"
    "    choices:\n"
    "      - { text: Solved, value: solved, next: solved }\n"
    "      - { text: Cause, value: cause, next: cause }\n"
    "      - { text: Escalate, value: escalate, next: escalate }\n"
    "      - { text: Deeper, value: deeper, next: deeper }\n"
    "  deeper:\n"
    "    kind: goto\n"
    "    flow: callee\n"
    "    node: inner\n"
    "  inner:\n"
    "    kind: say\n"
    "    text: One flow deeper\n"
    "    next: solved\n"
    "  solved: { kind: end, verdict: solved, text: Solved }\n"
    "  cause: { kind: end, verdict: cause, text: A cause }\n"
    "  escalate: { kind: end, verdict: escalate, text: Help, attach: [ The log ] }\n";

static const char nochoice_yaml[] =
    "id: nochoice\n"
    "title: A question with nothing to pick\n"
    "start: q\n"
    "nodes:\n"
    "  q:\n"
    "    kind: ask\n"
    "    text: Which Windows edition?\n"
    "    choices:\n"
    "      - { text: Pro, when: { os: windows }, next: e }\n"
    "  e: { kind: end, verdict: healthy, text: Done }\n";

struct walk {
	struct catalog cat;
	struct facts facts;
	struct engine *e;
};

/* Loads and validates every flow given; each may go to the others. */
static void
walk_load(struct walk *w, const char *first, ...)
{
	struct diags d = DIAGS_INIT;
	struct flow *f = NULL;
	const char *yaml = NULL;
	va_list ap;
	size_t i;

	memset(w, 0, sizeof *w);
	va_start(ap, first);
	for (yaml = first; yaml != NULL; yaml = va_arg(ap, const char *)) {
		f = load_yaml(yaml, &d);
		if (f == NULL || d.nerrors > 0)
			diags_print(&d, stderr);
		assert_non_null(f);
		catalog_add(&w->cat, f);
	}
	va_end(ap);
	for (i = 0; i < w->cat.nflows; i++)
		flow_validate(w->cat.flows[i], &w->cat, &d);
	if (d.nerrors > 0)
		diags_print(&d, stderr);
	assert_int_equal(d.nerrors, 0);
	diags_free(&d);
}

static void
walk_start(struct walk *w, const char *flow_id, const char *node_id)
{
	const struct flow *f = catalog_find(&w->cat, flow_id);
	const struct flow_node *n = NULL;

	assert_non_null(f);
	if (node_id != NULL)
		assert_non_null(n = flow_node_find(f, node_id));
	engine_free(w->e);
	w->e = engine_new(&w->cat, f, n, &w->facts);
	assert_non_null(w->e);
}

static void
walk_free(struct walk *w)
{
	engine_free(w->e);
	catalog_free(&w->cat);
	facts_free(&w->facts);
	memset(w, 0, sizeof *w);
}

static const char *const event_names[] = {
	[EV_ENTER] = "enter",
	[EV_SKIPPED] = "skipped",
	[EV_AUTO_ANSWER] = "auto",
	[EV_ANSWER] = "answer",
	[EV_PROBE] = "probe",
	[EV_FIX] = "fix",
	[EV_GOTO] = "goto",
	[EV_RETURN] = "return",
	[EV_BACK] = "back",
};

/* The events since the last call, as "kind node=detail, ...", so a test reads like the walk. */
static char *
events_string(struct engine *e)
{
	struct strbuf sb = STRBUF_INIT;
	struct engine_event *ev = NULL;
	size_t n, i;

	n = engine_take_events(e, &ev);
	for (i = 0; i < n; i++) {
		assert_non_null(ev[i].node);
		assert_non_null(ev[i].detail);
		strbuf_addf(&sb, "%s%s %s", i > 0 ? ", " : "", event_names[ev[i].kind],
		    ev[i].node->id);
		if (ev[i].detail[0] != '\0')
			strbuf_addf(&sb, "=%s", ev[i].detail);
	}
	engine_events_free(ev, n);
	return strbuf_detach(&sb);
}

static char *
path_string(struct engine *e)
{
	struct strbuf sb = STRBUF_INIT;
	const struct flow_node *const *path = NULL;
	size_t n, i;

	n = engine_path(e, &path);
	for (i = 0; i < n; i++)
		strbuf_addf(&sb, "%s%s", i > 0 ? " > " : "", path[i]->id);
	return strbuf_detach(&sb);
}

#define assert_events(e, expected) do {				\
	char *got_ = events_string(e);				\
	assert_string_equal(got_, (expected));			\
	free(got_);						\
} while (0)

#define assert_path(e, expected) do {				\
	char *got_ = path_string(e);				\
	assert_string_equal(got_, (expected));			\
	free(got_);						\
} while (0)

#define assert_at(e, st, want) do {				\
	if (engine_state(e) == ENGINE_BROKEN && (st) != ENGINE_BROKEN) \
		fprintf(stderr, "broken: %s\n", engine_error(e));	\
	assert_int_equal(engine_state(e), (st));		\
	assert_non_null(engine_node(e));			\
	assert_string_equal(engine_node(e)->id, (want));	\
} while (0)

#define assert_fact(e, name, value) do {			\
	assert_non_null(facts_get(engine_facts(e), (name)));	\
	assert_string_equal(facts_get(engine_facts(e), (name)), (value)); \
} while (0)

static bool
facts_equal(const struct facts *a, const struct facts *b)
{
	size_t i;

	if (a->n != b->n)
		return false;
	for (i = 0; i < a->n; i++) {
		if (strcmp(a->keys[i], b->keys[i]) != 0 || strcmp(a->values[i], b->values[i]) != 0)
			return false;
	}
	return true;
}

/* The visible choices as "index,index,...", by their place in the node. */
static char *
choices_string(struct engine *e)
{
	struct strbuf sb = STRBUF_INIT;
	const struct engine_choice *c = NULL;
	size_t n, i;

	n = engine_choices(e, &c);
	for (i = 0; i < n; i++)
		strbuf_addf(&sb, "%s%zu", i > 0 ? "," : "", c[i].index);
	return strbuf_detach(&sb);
}

#define assert_choices(e, expected) do {			\
	char *got_ = choices_string(e);				\
	assert_string_equal(got_, (expected));			\
	free(got_);						\
} while (0)

/* ---- guards -------------------------------------------------------------- */

static void
test_guard_holds(void **state)
{
	const char *const linux_only[] = { "linux" };
	const char *const unix_like[] = { "linux", "darwin" };
	struct flow_guard_term terms[2];
	struct flow_guard g = { terms, 1 };
	struct flow_guard empty = { NULL, 0 };
	struct facts f = FACTS_INIT;

	(void)state;
	memset(terms, 0, sizeof terms);
	terms[0].fact = "os";
	terms[0].values = linux_only;
	terms[0].nvalues = 1;

	/* An empty guard always holds, even with no facts at all. */
	assert_true(engine_guard_holds(&empty, &f));
	assert_true(engine_guard_holds(NULL, &f));

	/* Unknown facts never hold, with or without "!". */
	assert_false(engine_guard_holds(&g, &f));
	terms[0].negate = true;
	assert_false(engine_guard_holds(&g, &f));
	terms[0].negate = false;

	facts_set(&f, "os", "linux");
	assert_true(engine_guard_holds(&g, &f));
	facts_set(&f, "os", "darwin");
	assert_false(engine_guard_holds(&g, &f));

	/* "!linux": known and not equal. */
	terms[0].negate = true;
	assert_true(engine_guard_holds(&g, &f));
	facts_set(&f, "os", "linux");
	assert_false(engine_guard_holds(&g, &f));
	terms[0].negate = false;

	/* A list: equals one of them. Values are compared exactly. */
	terms[0].values = unix_like;
	terms[0].nvalues = 2;
	assert_true(engine_guard_holds(&g, &f));
	facts_set(&f, "os", "darwin");
	assert_true(engine_guard_holds(&g, &f));
	facts_set(&f, "os", "windows");
	assert_false(engine_guard_holds(&g, &f));
	facts_set(&f, "os", "Linux");
	assert_false(engine_guard_holds(&g, &f));

	/* Every term must hold. */
	facts_set(&f, "os", "linux");
	terms[1].fact = "driver";
	terms[1].values = linux_only; /* driver=linux: any value will do */
	terms[1].nvalues = 1;
	g.nterms = 2;
	assert_false(engine_guard_holds(&g, &f));
	facts_set(&f, "driver", "linux");
	assert_true(engine_guard_holds(&g, &f));
	facts_set(&f, "os", "windows");
	assert_false(engine_guard_holds(&g, &f));

	facts_free(&f);
}

static void
test_choice_guards(void **state)
{
	struct walk w;

	(void)state;
	walk_load(&w, guards_yaml, NULL);

	/* No facts: only the unguarded choice. */
	walk_start(&w, "guards", NULL);
	assert_at(w.e, ENGINE_ASK, "q");
	assert_choices(w.e, "0");

	facts_set(&w.facts, "os", "linux");
	walk_start(&w, "guards", NULL);
	assert_choices(w.e, "0,1,2");

	facts_set(&w.facts, "os", "darwin");
	facts_set(&w.facts, "driver", "kvm");
	walk_start(&w, "guards", NULL);
	assert_choices(w.e, "0,2,3,5");

	facts_set(&w.facts, "os", "linux");
	facts_set(&w.facts, "driver", "qemu");
	walk_start(&w, "guards", NULL);
	assert_choices(w.e, "0,1,2,4,6");

	/* Numbers count visible choices: "4" is the fourth shown, "QEMU". */
	assert_int_equal(engine_answer_text(w.e, "4"), 0);
	assert_events(w.e, "enter q, answer q=QEMU, enter e");
	assert_at(w.e, ENGINE_END, "e");
	assert_choices(w.e, "");
	walk_free(&w);
}

static void
test_edge_guards_after_answer(void **state)
{
	struct walk w;

	(void)state;
	walk_load(&w, edges_yaml, NULL);
	facts_set(&w.facts, "os", "linux");
	walk_start(&w, "edges", NULL);
	assert_int_equal(engine_answer_text(w.e, "small"), 0);
	/* The answer is known before the edge is followed, so its guards can use it. */
	assert_at(w.e, ENGINE_END, "small");
	assert_fact(w.e, "size", "small");

	facts_set(&w.facts, "os", "darwin");
	walk_start(&w, "edges", NULL);
	assert_int_equal(engine_answer_text(w.e, "1"), 0);
	assert_at(w.e, ENGINE_END, "mac-small");
	walk_free(&w);
}

/* ---- ask ----------------------------------------------------------------- */

static void
test_answer_by_number_value_text(void **state)
{
	struct walk w;

	(void)state;
	walk_load(&w, kinds_yaml, helper_yaml, NULL);
	facts_set(&w.facts, "os", "linux");
	walk_start(&w, "kinds", "pick-driver");
	assert_at(w.e, ENGINE_ASK, "pick-driver");
	/* Hyper-V is for Windows only. */
	assert_choices(w.e, "0,1");

	/* Nothing that names a visible choice is taken, and the walk stays. */
	assert_int_equal(engine_answer_text(w.e, ""), -1);
	assert_int_equal(engine_answer_text(w.e, "   "), -1);
	assert_int_equal(engine_answer_text(w.e, "0"), -1);
	assert_int_equal(engine_answer_text(w.e, "3"), -1);
	assert_int_equal(engine_answer_text(w.e, "-1"), -1);
	assert_int_equal(engine_answer_text(w.e, "1.5"), -1);
	assert_int_equal(engine_answer_text(w.e, "1x"), -1);
	assert_int_equal(engine_answer_text(w.e, "99999999999999999999999999"), -1);
	assert_int_equal(engine_answer_text(w.e, "hyperv"), -1);
	assert_int_equal(engine_answer_text(w.e, "Hyper-V"), -1);
	assert_int_equal(engine_answer_text(w.e, "kvm"), -1);
	assert_int_equal(engine_answer_text(w.e, NULL), -1);
	assert_int_equal(engine_answer(w.e, 2), -1);
	assert_at(w.e, ENGINE_ASK, "pick-driver");
	assert_null(facts_get(engine_facts(w.e), "driver"));

	/* By 1-based number, with white space around it. */
	assert_int_equal(engine_answer_text(w.e, " 2\n"), 0);
	assert_at(w.e, ENGINE_CHECK, "config");
	assert_fact(w.e, "driver", "virtualbox");
	assert_int_equal(engine_back(w.e), 0);

	/* By value. */
	assert_int_equal(engine_answer_text(w.e, "qemu"), 0);
	assert_fact(w.e, "driver", "qemu");
	assert_int_equal(engine_back(w.e), 0);

	/* By the English text, ignoring case. */
	assert_int_equal(engine_answer_text(w.e, "virtualBOX"), 0);
	assert_fact(w.e, "driver", "virtualbox");
	assert_int_equal(engine_back(w.e), 0);
	assert_int_equal(engine_answer_text(w.e, "QEMU"), 0);
	assert_fact(w.e, "driver", "qemu");
	assert_int_equal(engine_back(w.e), 0);

	/* By index among the visible choices. */
	assert_int_equal(engine_answer(w.e, 1), 0);
	assert_fact(w.e, "driver", "virtualbox");
	assert_events(w.e, "enter pick-driver, answer pick-driver=virtualbox, enter config, "
	    "back pick-driver=config, answer pick-driver=qemu, enter config, "
	    "back pick-driver=config, answer pick-driver=virtualbox, enter config, "
	    "back pick-driver=config, answer pick-driver=qemu, enter config, "
	    "back pick-driver=config, answer pick-driver=virtualbox, enter config");

	/* On Windows the third choice shows. */
	facts_set(&w.facts, "os", "windows");
	walk_start(&w, "kinds", "pick-driver");
	assert_choices(w.e, "0,1,2");
	assert_int_equal(engine_answer_text(w.e, "hyper-v"), 0);
	assert_fact(w.e, "driver", "hyperv");
	walk_free(&w);
}

static void
test_auto_answer(void **state)
{
	struct walk w;

	(void)state;
	walk_load(&w, kinds_yaml, helper_yaml, NULL);
	facts_set(&w.facts, "os", "linux");
	facts_set(&w.facts, "driver", "qemu");
	walk_start(&w, "kinds", NULL);
	assert_at(w.e, ENGINE_SAY, "hello");
	assert_false(engine_can_back(w.e));
	assert_int_equal(engine_continue(w.e), 0);

	/* driver is known: the question answers itself, and the walk stops at the check. */
	assert_at(w.e, ENGINE_CHECK, "config");
	assert_events(w.e, "enter hello, skipped darwin-only=pick-driver, "
	    "auto pick-driver=driver=qemu, enter config");
	assert_path(w.e, "hello > config");

	/* Back goes past the auto-answered question to the last real stop. */
	assert_true(engine_can_back(w.e));
	assert_int_equal(engine_back(w.e), 0);
	assert_at(w.e, ENGINE_SAY, "hello");
	assert_path(w.e, "hello");
	assert_events(w.e, "back hello=config");
	assert_false(engine_can_back(w.e));
	assert_int_equal(engine_back(w.e), -1);
	assert_at(w.e, ENGINE_SAY, "hello");
	assert_events(w.e, "");

	/* A known value no visible choice has: the user is asked after all. */
	facts_set(&w.facts, "driver", "hyperv");
	walk_start(&w, "kinds", "pick-driver");
	assert_at(w.e, ENGINE_ASK, "pick-driver");
	assert_events(w.e, "enter pick-driver");
	assert_int_equal(engine_answer_text(w.e, "qemu"), 0);
	assert_fact(w.e, "driver", "qemu");
	/* Back restores the fact as it was before the answer. */
	assert_int_equal(engine_back(w.e), 0);
	assert_fact(w.e, "driver", "hyperv");
	walk_free(&w);
}

/* Declared facts start with their defaults; a value given from outside wins. */
static const char *defaults_yaml =
    "id: defaults\n"
    "title: Defaults\n"
    "start: pick\n"
    "facts:\n"
    "  instance: { text: The instance, default: primary }\n"
    "  zone: { text: A zone without a default }\n"
    "  second: { text: Set by the other flow's default, default: from-here }\n"
    "nodes:\n"
    "  pick:\n"
    "    kind: ask\n"
    "    text: Which one?\n"
    "    fact: instance\n"
    "    choices:\n"
    "      - { text: primary, value: primary, next: other }\n"
    "      - { text: web, value: web, next: done }\n"
    "  other: { kind: goto, flow: defaults2 }\n"
    "  done: { kind: end, verdict: healthy, text: Done }\n";
static const char *defaults2_yaml =
    "id: defaults2\n"
    "title: Defaults 2\n"
    "start: e\n"
    "facts:\n"
    "  second: { text: Already known by now, default: from-there }\n"
    "  third: { text: New in this flow, default: three }\n"
    "nodes:\n"
    "  e: { kind: end, verdict: healthy, text: Done }\n";

static void
test_fact_defaults(void **state)
{
	struct walk w;

	(void)state;
	walk_load(&w, defaults_yaml, defaults2_yaml, NULL);
	walk_start(&w, "defaults", NULL);
	/* The default answers the question, as any known fact would. */
	assert_fact(w.e, "instance", "primary");
	assert_null(facts_get(engine_facts(w.e), "zone"));
	assert_fact(w.e, "second", "from-here");
	/* Entering another flow adds its defaults, and keeps what is known. */
	assert_fact(w.e, "third", "three");
	assert_fact(w.e, "second", "from-here");
	/* Given from outside (a snapshot's fact, --set): the default does not replace it. */
	facts_set(&w.facts, "instance", "web");
	walk_start(&w, "defaults", NULL);
	assert_fact(w.e, "instance", "web");
	assert_at(w.e, ENGINE_END, "done");
	walk_free(&w);
}

static void
test_ask_without_visible_choices(void **state)
{
	struct walk w;

	(void)state;
	walk_load(&w, nochoice_yaml, NULL);
	facts_set(&w.facts, "os", "linux");
	walk_start(&w, "nochoice", NULL);
	assert_int_equal(engine_state(w.e), ENGINE_BROKEN);
	assert_non_null(engine_error(w.e));
	assert_non_null(strstr(engine_error(w.e), "'q'"));
	assert_false(engine_can_back(w.e));
	assert_path(w.e, "");
	walk_free(&w);
}

/* ---- skip ---------------------------------------------------------------- */

static void
test_skip(void **state)
{
	struct walk w;

	(void)state;
	walk_load(&w, skips_yaml, NULL);

	/* Every node skipped: a, b (not "!linux"), c (say, to its next), d (mode unknown). */
	facts_set(&w.facts, "os", "linux");
	walk_start(&w, "skips", NULL);
	assert_at(w.e, ENGINE_END, "e");
	assert_events(w.e, "skipped a=b, skipped b=c, skipped c=d, skipped d=e, enter e");
	assert_path(w.e, "e");
	assert_false(engine_can_back(w.e));

	facts_set(&w.facts, "mode", "fast");
	walk_start(&w, "skips", NULL);
	assert_at(w.e, ENGINE_ASK, "d");
	assert_events(w.e, "skipped a=b, skipped b=c, skipped c=d, enter d");

	facts_set(&w.facts, "mode", "deep");
	facts_set(&w.facts, "os", "darwin");
	walk_start(&w, "skips", NULL);
	assert_at(w.e, ENGINE_CHECK, "a");
	assert_int_equal(engine_probe_outcome(w.e, "ok"), 0);
	assert_at(w.e, ENGINE_END, "b");
	walk_free(&w);
}

/* ---- check --------------------------------------------------------------- */

static void
test_probe_outcome_routing(void **state)
{
	struct walk w;

	(void)state;
	walk_load(&w, routes_yaml, NULL);
	walk_start(&w, "routes", NULL);
	assert_at(w.e, ENGINE_CHECK, "run");

	/* Not an outcome at all. */
	assert_int_equal(engine_probe_outcome(w.e, NULL), -1);
	assert_int_equal(engine_probe_outcome(w.e, ""), -1);
	assert_at(w.e, ENGINE_CHECK, "run");
	assert_false(engine_can_back(w.e));

	/* A named outcome. */
	assert_int_equal(engine_probe_outcome(w.e, "fail"), 0);
	assert_at(w.e, ENGINE_END, "failed");
	assert_fact(w.e, "run.outcome", "fail");
	assert_int_equal(engine_back(w.e), 0);
	assert_null(facts_get(engine_facts(w.e), "run.outcome"));

	/* Declared but not named in on: default. */
	assert_int_equal(engine_probe_outcome(w.e, "timeout"), 0);
	assert_at(w.e, ENGINE_END, "other");
	assert_int_equal(engine_back(w.e), 0);

	/* Not declared, with a default: still default. */
	assert_int_equal(engine_probe_outcome(w.e, "bogus"), 0);
	assert_at(w.e, ENGINE_END, "other");
	assert_int_equal(engine_back(w.e), 0);

	/* error, named. */
	assert_int_equal(engine_probe_outcome(w.e, "error"), 0);
	assert_at(w.e, ENGINE_END, "errored");
	assert_int_equal(engine_back(w.e), 0);

	assert_int_equal(engine_probe_outcome(w.e, "ok"), 0);
	assert_at(w.e, ENGINE_CHECK, "look");
	assert_events(w.e, "enter run, probe run=fail, enter failed, back run=failed, "
	    "probe run=timeout, enter other, back run=other, "
	    "probe run=bogus, enter other, back run=other, "
	    "probe run=error, enter errored, back run=errored, "
	    "probe run=ok, enter look");

	/* Without a default, an outcome the probe does not declare goes to error. */
	assert_int_equal(engine_probe_outcome(w.e, "bogus"), 0);
	assert_at(w.e, ENGINE_END, "errored");
	assert_fact(w.e, "look.outcome", "bogus");
	assert_fact(w.e, "run.outcome", "ok");
	assert_int_equal(engine_back(w.e), 0);
	assert_int_equal(engine_probe_outcome(w.e, "missing"), 0);
	assert_at(w.e, ENGINE_END, "other");
	assert_int_equal(engine_back(w.e), 0);
	assert_int_equal(engine_probe_outcome(w.e, "found"), 0);
	assert_at(w.e, ENGINE_END, "found");
	assert_path(w.e, "run > look > found");

	/* At an end nothing more can be given. */
	assert_int_equal(engine_probe_outcome(w.e, "found"), -1);
	assert_int_equal(engine_continue(w.e), -1);
	assert_int_equal(engine_answer(w.e, 0), -1);
	assert_int_equal(engine_fix_done(w.e, ENGINE_FIX_OK), -1);
	walk_free(&w);
}

static void
test_probe_done_merges_facts(void **state)
{
	struct fact_kv kv[] = {
		{ (char *)"command.status", (char *)"0" },
		{ (char *)"command.output", (char *)"qemu-tool 1.2" },
		{ (char *)"driver", (char *)"overwritten" },
	};
	struct probe_result r;
	struct walk w;

	(void)state;
	walk_load(&w, kinds_yaml, helper_yaml, NULL);
	facts_set(&w.facts, "os", "linux");
	facts_set(&w.facts, "driver", "qemu");
	walk_start(&w, "kinds", "run-it");
	assert_at(w.e, ENGINE_CHECK, "run-it");

	/* Only a check takes a probe result. */
	memset(&r, 0, sizeof r);
	r.outcome = (char *)"ok";
	r.facts = kv;
	r.nfacts = 2;
	assert_int_equal(engine_probe_done(w.e, NULL), -1);
	assert_int_equal(engine_probe_done(w.e, &r), 0);
	/* The probe's facts are known before the edge is followed, guards included. */
	assert_at(w.e, ENGINE_FIX, "refresh");
	assert_fact(w.e, "command.status", "0");
	assert_fact(w.e, "command.output", "qemu-tool 1.2");
	assert_fact(w.e, "run-it.outcome", "ok");
	assert_events(w.e, "enter run-it, probe run-it=ok, enter refresh");
	assert_int_equal(engine_probe_done(w.e, &r), -1);

	assert_int_equal(engine_back(w.e), 0);
	assert_null(facts_get(engine_facts(w.e), "command.status"));
	assert_null(facts_get(engine_facts(w.e), "run-it.outcome"));

	/* A probe fact never replaces one given at the start: the user's word wins. */
	kv[0].value = (char *)"1";
	r.nfacts = 3;
	assert_int_equal(engine_probe_done(w.e, &r), 0);
	assert_at(w.e, ENGINE_END, "gone");
	assert_fact(w.e, "command.status", "1");
	assert_fact(w.e, "driver", "qemu");
	assert_int_equal(engine_back(w.e), 0);
	assert_fact(w.e, "driver", "qemu");

	/* A result with no outcome is the error outcome, which default takes here. */
	r.outcome = NULL;
	r.nfacts = 0;
	assert_int_equal(engine_probe_done(w.e, &r), 0);
	assert_at(w.e, ENGINE_END, "gone");
	assert_fact(w.e, "run-it.outcome", "error");
	walk_free(&w);
}

/* Given facts reach parameters: PROBE.PARAM over the flow, PARAM where the step leaves it open. */
static const char given_yaml[] =
    "id: given\n"
    "title: Given facts\n"
    "start: look\n"
    "facts:\n"
    "  instance: The instance\n"
    "  instance.ipv4: Its address\n"
    "nodes:\n"
    "  look:\n"
    "    kind: check\n"
    "    text: Looking.\n"
    "    probe: log\n"
    "    with: { pattern: NIC, instance: \"{{instance}}\", since: 24h }\n"
    "    on: { default: login }\n"
    "  login:\n"
    "    kind: check\n"
    "    text: Logging in.\n"
    "    probe: ssh\n"
    "    with: { host: \"{{instance.ipv4}}\", seconds: 20 }\n"
    "    on: { default: fix-it }\n"
    "  fix-it:\n"
    "    kind: fix\n"
    "    text: Fixing.\n"
    "    fix: guest_dns\n"
    "    with: { address: \"{{instance.ipv4}}\" }\n"
    "    then: e\n"
    "    else: e\n"
    "  e: { kind: end, verdict: healthy, text: Done }\n";

static void
test_given_params(void **state)
{
	struct fact_kv kv[] = {
		{ (char *)"instance.ipv4", (char *)"10.9.9.9" },
		{ (char *)"ssh.banner", (char *)"SSH-2.0-dropbear" },
	};
	struct probe_result r;
	struct walk w;

	(void)state;
	walk_load(&w, given_yaml, NULL);
	facts_set(&w.facts, "os", "linux");
	facts_set(&w.facts, "instance", "lab");
	facts_set(&w.facts, "instance.ipv4", "10.1.2.3");
	facts_set(&w.facts, "log.file", "/run/lab/multipassd.log");
	facts_set(&w.facts, "log.since", "1h");
	facts_set(&w.facts, "key", "/run/lab/id_lab");
	facts_set(&w.facts, "seconds", "5");
	facts_set(&w.facts, "pattern", "not used");
	walk_start(&w, "given", NULL);
	assert_at(w.e, ENGINE_CHECK, "look");
	/* log.file fills the open file, log.since wins over the flow's 24h, pattern stays the flow's. */
	assert_string_equal(params_get(engine_params(w.e, NULL), "file"), "/run/lab/multipassd.log");
	assert_string_equal(params_get(engine_params(w.e, NULL), "since"), "1h");
	assert_string_equal(params_get(engine_params(w.e, NULL), "pattern"), "NIC");
	assert_string_equal(params_get(engine_params(w.e, NULL), "instance"), "lab");
	/* A fact that is no parameter of the probe goes nowhere. */
	assert_null(params_get(engine_params(w.e, NULL), "key"));

	memset(&r, 0, sizeof r);
	r.outcome = (char *)"found";
	assert_int_equal(engine_probe_done(w.e, &r), 0);
	assert_at(w.e, ENGINE_CHECK, "login");
	assert_string_equal(params_get(engine_params(w.e, NULL), "key"), "/run/lab/id_lab");
	assert_string_equal(params_get(engine_params(w.e, NULL), "host"), "10.1.2.3");
	/* A bare name only fills what the step leaves open. */
	assert_string_equal(params_get(engine_params(w.e, NULL), "seconds"), "20");

	/* The probe's own finding does not replace the address the user gave. */
	r.outcome = (char *)"ok";
	r.facts = kv;
	r.nfacts = 2;
	assert_int_equal(engine_probe_done(w.e, &r), 0);
	assert_fact(w.e, "instance.ipv4", "10.1.2.3");
	assert_fact(w.e, "ssh.banner", "SSH-2.0-dropbear");
	assert_at(w.e, ENGINE_FIX, "fix-it");
	/* Fixes take them too. */
	assert_string_equal(params_get(engine_params(w.e, NULL), "key"), "/run/lab/id_lab");
	assert_string_equal(params_get(engine_params(w.e, NULL), "address"), "10.1.2.3");
	walk_free(&w);
}

static void
test_params_templates(void **state)
{
	const struct params *p = NULL;
	const char *missing = NULL;
	struct walk w;

	(void)state;
	walk_load(&w, params_yaml, kinds_yaml, helper_yaml, NULL);

	facts_set(&w.facts, "dir", "log");
	facts_set(&w.facts, "name", "primary");
	walk_start(&w, "params", NULL);
	assert_at(w.e, ENGINE_CHECK, "look");
	p = engine_params(w.e, &missing);
	assert_non_null(p);
	assert_null(missing);
	assert_int_equal(p->n, 1);
	assert_string_equal(params_get(p, "path"), "/var/log/primary.log");
	/* The caller need not ask what is missing. */
	assert_non_null(engine_params(w.e, NULL));

	/* The fix has no parameters. */
	assert_int_equal(engine_probe_outcome(w.e, "found"), 0);
	assert_at(w.e, ENGINE_FIX, "refresh");
	p = engine_params(w.e, &missing);
	assert_int_equal(p->n, 0);
	assert_null(missing);

	/* Back at the check, the parameters are there again. */
	assert_int_equal(engine_back(w.e), 0);
	p = engine_params(w.e, &missing);
	assert_string_equal(params_get(p, "path"), "/var/log/primary.log");

	/* Unknown facts expand to "", and the first one is named. */
	facts_free(&w.facts);
	facts_set(&w.facts, "name", "primary");
	walk_start(&w, "params", NULL);
	p = engine_params(w.e, &missing);
	assert_string_equal(params_get(p, "path"), "/var//primary.log");
	assert_non_null(missing);
	assert_string_equal(missing, "dir");

	facts_free(&w.facts);
	walk_start(&w, "params", NULL);
	p = engine_params(w.e, &missing);
	assert_string_equal(params_get(p, "path"), "/var//.log");
	assert_string_equal(missing, "dir");

	/* Two parameters from two facts, one built in. */
	facts_set(&w.facts, "os", "linux");
	facts_set(&w.facts, "driver", "qemu");
	walk_start(&w, "kinds", "config");
	p = engine_params(w.e, &missing);
	assert_null(missing);
	assert_string_equal(params_get(p, "path"), "/etc/qemu/linux.conf");

	/* Away from a check or fix there are no parameters. */
	walk_start(&w, "kinds", "hello");
	p = engine_params(w.e, &missing);
	assert_int_equal(p->n, 0);
	assert_null(missing);
	walk_free(&w);
}

/* ---- fix ----------------------------------------------------------------- */

static void
test_fix_outcomes(void **state)
{
	struct walk w;

	(void)state;
	walk_load(&w, fixes_yaml, NULL);
	walk_start(&w, "fixes", NULL);
	assert_at(w.e, ENGINE_FIX, "with-decline");
	assert_int_equal(engine_fix_done(w.e, (enum engine_fix_outcome)42), -1);
	assert_int_equal(engine_continue(w.e), -1);
	assert_int_equal(engine_probe_outcome(w.e, "ok"), -1);

	assert_int_equal(engine_fix_done(w.e, ENGINE_FIX_DECLINED), 0);
	assert_at(w.e, ENGINE_END, "declined");
	assert_int_equal(engine_back(w.e), 0);
	assert_int_equal(engine_fix_done(w.e, ENGINE_FIX_FAILED), 0);
	assert_at(w.e, ENGINE_END, "failed");
	assert_int_equal(engine_back(w.e), 0);
	assert_int_equal(engine_fix_done(w.e, ENGINE_FIX_OK), 0);
	assert_at(w.e, ENGINE_FIX, "without-decline");

	/* No decline: edge, so declining goes where failing goes. */
	assert_int_equal(engine_fix_done(w.e, ENGINE_FIX_DECLINED), 0);
	assert_at(w.e, ENGINE_END, "failed");
	assert_int_equal(engine_back(w.e), 0);
	assert_int_equal(engine_fix_done(w.e, ENGINE_FIX_FAILED), 0);
	assert_at(w.e, ENGINE_END, "failed");
	assert_int_equal(engine_back(w.e), 0);
	assert_int_equal(engine_fix_done(w.e, ENGINE_FIX_OK), 0);
	assert_at(w.e, ENGINE_END, "ok");
	assert_events(w.e, "enter with-decline, "
	    "fix with-decline=declined, enter declined, back with-decline=declined, "
	    "fix with-decline=failed, enter failed, back with-decline=failed, "
	    "fix with-decline=ok, enter without-decline, "
	    "fix without-decline=declined, enter failed, back without-decline=failed, "
	    "fix without-decline=failed, enter failed, back without-decline=failed, "
	    "fix without-decline=ok, enter ok");
	assert_path(w.e, "with-decline > without-decline > ok");
	walk_free(&w);
}

/* ---- goto ---------------------------------------------------------------- */

static void
test_goto_and_return(void **state)
{
	struct walk w;

	(void)state;
	walk_load(&w, caller_yaml, callee_yaml, NULL);
	facts_set(&w.facts, "os", "linux");
	walk_start(&w, "caller", NULL);
	assert_at(w.e, ENGINE_SAY, "first");
	assert_string_equal(engine_flow(w.e)->id, "caller");

	assert_int_equal(engine_continue(w.e), 0);
	assert_at(w.e, ENGINE_ASK, "q");
	assert_string_equal(engine_flow(w.e)->id, "callee");
	assert_events(w.e, "enter first, goto call=callee, enter q");

	/* A verdict the goto takes back: the walk returns and follows the edge. */
	assert_int_equal(engine_answer_text(w.e, "solved"), 0);
	assert_at(w.e, ENGINE_SAY, "after");
	assert_string_equal(engine_flow(w.e)->id, "caller");
	assert_events(w.e, "answer q=solved, return solved=solved, enter after");
	assert_int_equal(engine_continue(w.e), 0);
	assert_at(w.e, ENGINE_END, "done");
	assert_path(w.e, "first > q > after > done");

	/* Back into the called flow: the frame is back too, so returning works again. */
	assert_int_equal(engine_back(w.e), 0);
	assert_int_equal(engine_back(w.e), 0);
	assert_at(w.e, ENGINE_ASK, "q");
	assert_string_equal(engine_flow(w.e)->id, "callee");
	assert_path(w.e, "first > q");
	assert_int_equal(engine_answer_text(w.e, "cause"), 0);
	/* The return edge is guarded too: os is linux. */
	assert_at(w.e, ENGINE_END, "after-cause");
	assert_string_equal(engine_flow(w.e)->id, "caller");

	/* A verdict the goto does not list ends the walk inside the called flow. */
	assert_int_equal(engine_back(w.e), 0);
	assert_int_equal(engine_answer_text(w.e, "escalate"), 0);
	assert_at(w.e, ENGINE_END, "escalate");
	assert_string_equal(engine_flow(w.e)->id, "callee");
	assert_path(w.e, "first > q > escalate");

	/* Two gotos deep: the inner goto (no return:) decides, so the end is final. */
	assert_int_equal(engine_back(w.e), 0);
	free(events_string(w.e)); /* forget the events so far */
	assert_int_equal(engine_answer_text(w.e, "deeper"), 0);
	assert_at(w.e, ENGINE_SAY, "inner");
	assert_events(w.e, "answer q=deeper, goto deeper=callee, enter inner");
	assert_int_equal(engine_continue(w.e), 0);
	assert_at(w.e, ENGINE_END, "solved");
	assert_string_equal(engine_flow(w.e)->id, "callee");
	assert_events(w.e, "enter solved");

	/* Back out of both gotos to the very first stop. */
	assert_int_equal(engine_back(w.e), 0);
	assert_int_equal(engine_back(w.e), 0);
	assert_int_equal(engine_back(w.e), 0);
	assert_at(w.e, ENGINE_SAY, "first");
	assert_string_equal(engine_flow(w.e)->id, "caller");
	assert_false(engine_can_back(w.e));
	assert_int_equal(engine_continue(w.e), 0);
	assert_int_equal(engine_answer_text(w.e, "solved"), 0);
	assert_at(w.e, ENGINE_SAY, "after");
	walk_free(&w);
}

static void
test_goto_cause_on_darwin(void **state)
{
	struct walk w;

	(void)state;
	walk_load(&w, caller_yaml, callee_yaml, NULL);
	facts_set(&w.facts, "os", "darwin");
	walk_start(&w, "caller", NULL);
	assert_int_equal(engine_continue(w.e), 0);
	assert_int_equal(engine_answer_text(w.e, "cause"), 0);
	assert_at(w.e, ENGINE_END, "mac-cause");
	walk_free(&w);
}

static void
test_goto_without_catalog(void **state)
{
	struct walk w;
	struct engine *e = NULL;

	(void)state;
	walk_load(&w, caller_yaml, callee_yaml, NULL);
	e = engine_new(NULL, catalog_find(&w.cat, "caller"), NULL, NULL);
	assert_at(e, ENGINE_SAY, "first");
	assert_null(engine_error(e));
	assert_int_equal(engine_continue(e), 0);
	assert_int_equal(engine_state(e), ENGINE_BROKEN);
	assert_non_null(engine_error(e));
	assert_non_null(strstr(engine_error(e), "'callee'"));
	/* Nothing can be given to a broken walk, but Back still works. */
	assert_int_equal(engine_continue(e), -1);
	assert_true(engine_can_back(e));
	assert_int_equal(engine_back(e), 0);
	assert_at(e, ENGINE_SAY, "first");
	assert_null(engine_error(e));
	engine_free(e);
	walk_free(&w);
}

/* ---- Back ---------------------------------------------------------------- */

/* The long walk through every kind, forward to the end, then Back to the start. */
static void
test_back_restores_everything(void **state)
{
	struct facts seen[8];
	struct fact_kv kv_file[] = { { (char *)"file.path", (char *)"/etc/qemu/linux.conf" } };
	struct fact_kv kv_cmd[] = {
		{ (char *)"command.status", (char *)"0" },
		{ (char *)"command.output", (char *)"all fine" },
	};
	struct probe_result r;
	struct walk w;
	size_t i;

	(void)state;
	memset(seen, 0, sizeof seen);
	walk_load(&w, kinds_yaml, helper_yaml, NULL);
	facts_set(&w.facts, "os", "linux");
	facts_set(&w.facts, "arch", "x86_64");
	walk_start(&w, "kinds", NULL);

	assert_at(w.e, ENGINE_SAY, "hello");
	facts_copy(&seen[0], engine_facts(w.e));
	assert_int_equal(engine_continue(w.e), 0);

	assert_at(w.e, ENGINE_ASK, "pick-driver");
	facts_copy(&seen[1], engine_facts(w.e));
	assert_int_equal(engine_answer_text(w.e, "qemu"), 0);

	assert_at(w.e, ENGINE_CHECK, "config");
	facts_copy(&seen[2], engine_facts(w.e));
	memset(&r, 0, sizeof r);
	r.outcome = (char *)"found";
	r.facts = kv_file;
	r.nfacts = 1;
	assert_int_equal(engine_probe_done(w.e, &r), 0);

	assert_at(w.e, ENGINE_CHECK, "run-it");
	facts_copy(&seen[3], engine_facts(w.e));
	assert_fact(w.e, "file.path", "/etc/qemu/linux.conf");
	assert_fact(w.e, "config.outcome", "found");
	r.outcome = (char *)"ok";
	r.facts = kv_cmd;
	r.nfacts = 2;
	assert_int_equal(engine_probe_done(w.e, &r), 0);

	assert_at(w.e, ENGINE_FIX, "refresh");
	facts_copy(&seen[4], engine_facts(w.e));
	assert_int_equal(engine_fix_done(w.e, ENGINE_FIX_OK), 0);

	assert_at(w.e, ENGINE_ASK, "confirm");
	assert_string_equal(engine_flow(w.e)->id, "helper");
	facts_copy(&seen[5], engine_facts(w.e));
	assert_int_equal(engine_answer_text(w.e, "works"), 0);

	assert_at(w.e, ENGINE_END, "done");
	assert_string_equal(engine_flow(w.e)->id, "kinds");
	assert_events(w.e, "enter hello, skipped darwin-only=pick-driver, enter pick-driver, "
	    "answer pick-driver=qemu, enter config, probe config=found, enter run-it, "
	    "probe run-it=ok, enter refresh, fix refresh=ok, goto sub=helper, enter confirm, "
	    "answer confirm=works, return fine=healthy, enter done");
	assert_path(w.e, "hello > pick-driver > config > run-it > refresh > confirm > done");

	/* Back into the called flow, then a verdict the goto does not take back. */
	assert_int_equal(engine_back(w.e), 0);
	assert_at(w.e, ENGINE_ASK, "confirm");
	assert_string_equal(engine_flow(w.e)->id, "helper");
	assert_true(facts_equal(engine_facts(w.e), &seen[5]));
	assert_int_equal(engine_answer_text(w.e, "fails"), 0);
	assert_at(w.e, ENGINE_END, "broken");
	assert_string_equal(engine_flow(w.e)->id, "helper");
	assert_int_equal(engine_back(w.e), 0);
	assert_at(w.e, ENGINE_ASK, "confirm");

	/* Back to the fix: other answers there. */
	assert_int_equal(engine_back(w.e), 0);
	assert_at(w.e, ENGINE_FIX, "refresh");
	assert_string_equal(engine_flow(w.e)->id, "kinds");
	assert_true(facts_equal(engine_facts(w.e), &seen[4]));
	assert_int_equal(engine_fix_done(w.e, ENGINE_FIX_DECLINED), 0);
	assert_at(w.e, ENGINE_END, "said-no");
	assert_int_equal(engine_back(w.e), 0);
	assert_true(facts_equal(engine_facts(w.e), &seen[4]));
	assert_int_equal(engine_fix_done(w.e, ENGINE_FIX_FAILED), 0);
	assert_at(w.e, ENGINE_END, "gone");
	assert_int_equal(engine_back(w.e), 0);
	assert_at(w.e, ENGINE_FIX, "refresh");

	/* And on back through both checks and the answer, facts exactly as they were. */
	assert_int_equal(engine_back(w.e), 0);
	assert_at(w.e, ENGINE_CHECK, "run-it");
	assert_true(facts_equal(engine_facts(w.e), &seen[3]));
	assert_null(facts_get(engine_facts(w.e), "command.status"));
	assert_int_equal(engine_back(w.e), 0);
	assert_at(w.e, ENGINE_CHECK, "config");
	assert_true(facts_equal(engine_facts(w.e), &seen[2]));
	assert_null(facts_get(engine_facts(w.e), "file.path"));
	assert_null(facts_get(engine_facts(w.e), "config.outcome"));
	assert_fact(w.e, "driver", "qemu");
	assert_int_equal(engine_back(w.e), 0);
	assert_at(w.e, ENGINE_ASK, "pick-driver");
	assert_true(facts_equal(engine_facts(w.e), &seen[1]));
	assert_null(facts_get(engine_facts(w.e), "driver"));
	assert_choices(w.e, "0,1");
	assert_int_equal(engine_back(w.e), 0);
	assert_at(w.e, ENGINE_SAY, "hello");
	assert_true(facts_equal(engine_facts(w.e), &seen[0]));
	assert_path(w.e, "hello");
	assert_false(engine_can_back(w.e));
	assert_int_equal(engine_back(w.e), -1);
	assert_events(w.e, "back confirm=done, answer confirm=fails, enter broken, "
	    "back confirm=broken, back refresh=confirm, "
	    "fix refresh=declined, enter said-no, back refresh=said-no, "
	    "fix refresh=failed, enter gone, back refresh=gone, "
	    "back run-it=refresh, back config=run-it, back pick-driver=config, "
	    "back hello=pick-driver");

	/* A new path from the start: the breadcrumbs follow it, not the old one. */
	assert_int_equal(engine_continue(w.e), 0);
	assert_int_equal(engine_answer_text(w.e, "virtualbox"), 0);
	assert_int_equal(engine_probe_outcome(w.e, "missing"), 0);
	assert_at(w.e, ENGINE_END, "gone");
	assert_path(w.e, "hello > pick-driver > config > gone");
	assert_fact(w.e, "driver", "virtualbox");

	for (i = 0; i < nitems(seen); i++)
		facts_free(&seen[i]);
	walk_free(&w);
}

static void
test_start_at_node(void **state)
{
	struct walk w;

	(void)state;
	walk_load(&w, routes_yaml, NULL);
	/* As `vmtriage why` does: start where the error index points. */
	walk_start(&w, "routes", "look");
	assert_at(w.e, ENGINE_CHECK, "look");
	assert_path(w.e, "look");
	assert_false(engine_can_back(w.e));
	assert_null(engine_error(w.e));
	walk_free(&w);
}

static void
test_events_taken_once(void **state)
{
	struct engine_event *ev = NULL;
	struct walk w;
	size_t n;

	(void)state;
	walk_load(&w, fixes_yaml, NULL);
	walk_start(&w, "fixes", NULL);
	n = engine_take_events(w.e, &ev);
	assert_int_equal(n, 1);
	assert_int_equal(ev[0].kind, EV_ENTER);
	assert_string_equal(ev[0].node->id, "with-decline");
	engine_events_free(ev, n);

	n = engine_take_events(w.e, &ev);
	assert_int_equal(n, 0);
	engine_events_free(ev, n);

	/* Events not taken are freed with the engine. */
	assert_int_equal(engine_fix_done(w.e, ENGINE_FIX_OK), 0);
	walk_free(&w);
}

/* ---- flows no validator would pass, built by hand ------------------------ */

static const char *const yes_value[] = { "yes" };
static const struct flow_guard_term never_term = { "never", yes_value, 1, false, { 0, 0 } };

/* Two say nodes whose guards never hold, each skipping to the other. */
static void
test_passthrough_guard(void **state)
{
	struct flow_node nodes[2];
	struct flow_alt alts[2];
	struct flow f;
	struct engine *e = NULL;
	struct engine_event *ev = NULL;
	size_t n;

	(void)state;
	memset(nodes, 0, sizeof nodes);
	memset(alts, 0, sizeof alts);
	memset(&f, 0, sizeof f);
	f.id = "cycle";
	f.start = "a";
	f.start_node = &nodes[0];
	f.nodes = nodes;
	f.nnodes = 2;
	alts[0].target = "b";
	alts[0].node = &nodes[1];
	alts[1].target = "a";
	alts[1].node = &nodes[0];
	nodes[0].id = "a";
	nodes[1].id = "b";
	for (n = 0; n < 2; n++) {
		nodes[n].kind = NODE_SAY;
		nodes[n].flow = &f;
		nodes[n].when.terms = &never_term;
		nodes[n].when.nterms = 1;
		nodes[n].skip.alts = &alts[n];
		nodes[n].skip.nalts = 1;
		nodes[n].next = nodes[n].skip;
	}

	e = engine_new(NULL, &f, NULL, NULL);
	assert_int_equal(engine_state(e), ENGINE_BROKEN);
	assert_non_null(engine_error(e));
	assert_non_null(strstr(engine_error(e), "10000"));
	assert_false(engine_can_back(e));
	assert_int_equal(engine_back(e), -1);
	n = engine_take_events(e, &ev);
	assert_int_equal(n, 10000);
	assert_int_equal(ev[0].kind, EV_SKIPPED);
	engine_events_free(ev, n);
	engine_free(e);
}

/* A goto to its own flow, forever: the depth limit stops it. */
static void
test_goto_circle(void **state)
{
	struct flow_node node;
	struct flow f;
	struct flow *flows[1] = { &f };
	struct catalog cat = { flows, 1 };
	struct engine *e = NULL;

	(void)state;
	memset(&node, 0, sizeof node);
	memset(&f, 0, sizeof f);
	f.id = "circle";
	f.start = "again";
	f.start_node = &node;
	f.nodes = &node;
	f.nnodes = 1;
	node.id = "again";
	node.kind = NODE_GOTO;
	node.flow = &f;
	node.goto_flow = "circle";

	e = engine_new(&cat, &f, NULL, NULL);
	assert_int_equal(engine_state(e), ENGINE_BROKEN);
	assert_non_null(strstr(engine_error(e), "circle"));
	engine_free(e);
}

/* Outcomes a validated flow would handle, on a check that does not. */
static void
test_unhandled_outcome(void **state)
{
	struct flow_node nodes[2];
	struct flow_outcome on[1];
	struct flow_alt alt;
	struct flow f;
	struct engine *e = NULL;

	(void)state;
	memset(nodes, 0, sizeof nodes);
	memset(on, 0, sizeof on);
	memset(&alt, 0, sizeof alt);
	memset(&f, 0, sizeof f);
	f.id = "holes";
	f.start = "look";
	f.start_node = &nodes[0];
	f.nodes = nodes;
	f.nnodes = 2;
	alt.target = "end";
	alt.node = &nodes[1];
	on[0].outcome = "found";
	on[0].next.alts = &alt;
	on[0].next.nalts = 1;
	nodes[0].id = "look";
	nodes[0].kind = NODE_CHECK;
	nodes[0].flow = &f;
	nodes[0].probe = "file";
	nodes[0].on = on;
	nodes[0].non = 1;
	nodes[1].id = "end";
	nodes[1].kind = NODE_END;
	nodes[1].flow = &f;
	nodes[1].verdict = VERDICT_HEALTHY;

	e = engine_new(NULL, &f, NULL, NULL);
	assert_at(e, ENGINE_CHECK, "look");
	/* Declared by the probe, missing from on:, no default. */
	assert_int_equal(engine_probe_outcome(e, "missing"), 0);
	assert_int_equal(engine_state(e), ENGINE_BROKEN);
	assert_non_null(strstr(engine_error(e), "'missing'"));
	assert_int_equal(engine_back(e), 0);
	/* Not declared, and no error: to go to. */
	assert_int_equal(engine_probe_outcome(e, "bogus"), 0);
	assert_int_equal(engine_state(e), ENGINE_BROKEN);
	assert_int_equal(engine_back(e), 0);
	assert_null(facts_get(engine_facts(e), "look.outcome"));
	assert_int_equal(engine_probe_outcome(e, "found"), 0);
	assert_at(e, ENGINE_END, "end");
	engine_free(e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_guard_holds),
		cmocka_unit_test(test_choice_guards),
		cmocka_unit_test(test_edge_guards_after_answer),
		cmocka_unit_test(test_answer_by_number_value_text),
		cmocka_unit_test(test_auto_answer),
	    cmocka_unit_test(test_fact_defaults),
		cmocka_unit_test(test_ask_without_visible_choices),
		cmocka_unit_test(test_skip),
		cmocka_unit_test(test_probe_outcome_routing),
		cmocka_unit_test(test_probe_done_merges_facts),
		cmocka_unit_test(test_params_templates),
		cmocka_unit_test(test_fix_outcomes),
		cmocka_unit_test(test_goto_and_return),
		cmocka_unit_test(test_goto_cause_on_darwin),
		cmocka_unit_test(test_goto_without_catalog),
		cmocka_unit_test(test_back_restores_everything),
		cmocka_unit_test(test_start_at_node),
		cmocka_unit_test(test_events_taken_once),
		cmocka_unit_test(test_passthrough_guard),
		cmocka_unit_test(test_goto_circle),
		cmocka_unit_test(test_unhandled_outcome),
		cmocka_unit_test(test_given_params),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
