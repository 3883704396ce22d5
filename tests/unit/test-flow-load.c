/*
 * test-flow-load.c: the flow loader, from bytes to the graph of flow.h:
 * a good flow in full, each schema mistake with its exact position and words,
 * and hostile input (alias bombs, deep nesting, huge strings, binary, broken
 * UTF-8, byte order marks, extra documents, tags, FIFOs, huge files), which
 * must give an error and never a crash or a hang.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "cmocka-prelude.h"

#include "flow/diag.h"
#include "flow/flow.h"
#include "flow/yamldoc.h"
#include "testutil.h"
#include "util/util.h"

static const char good_flow[] =
    "version: 1\n"                                             /* 1 */
    "id: vm-wont-start\n"                                      /* 2 */
    "title: The VM does not start\n"                           /* 3 */
    "summary: {en: Usual causes, de: Die üblichen Ursachen, zh_CN: 常见原因}\n" /* 4 */
    "group: launch\n"                                          /* 5 */
    "source: \"launch.md#start\"\n"                            /* 6 */
    "platforms: [linux, darwin]\n"                             /* 7 */
    "start: ask-os\n"                                          /* 8 */
    "facts:\n"                                                 /* 9 */
    "  vm.name: The name of the VM\n"                          /* 10 */
    "  driver: {text: Which driver, default: qemu}\n"          /* 11 */
    "errors:\n"                                                /* 12 */
    "  - match: \"launch failed: timed out\"\n"                /* 13 */
    "    node: check-log\n"                                    /* 14 */
    "nodes:\n"                                                 /* 15 */
    "  ask-os:\n"                                              /* 16 */
    "    kind: ask\n"                                          /* 17 */
    "    text: Which system do you use?\n"                     /* 18 */
    "    fact: host_os\n"                                      /* 19 */
    "    choices:\n"                                           /* 20 */
    "      - text: Linux\n"                                    /* 21 */
    "        value: linux\n"                                   /* 22 */
    "        next: check-log\n"                                /* 23 */
    "      - text: {en: macOS, de: macOS}\n"                   /* 24 */
    "        value: darwin\n"                                  /* 25 */
    "        when: {os: [darwin, linux]}\n"                    /* 26 */
    "        next:\n"                                          /* 27 */
    "          - when: {os: darwin, host_os: \"!windows\"}\n"  /* 28 */
    "            next: say-mac\n"                              /* 29 */
    "          - next: check-log\n"                            /* 30 */
    "  say-mac:\n"                                             /* 31 */
    "    kind: say\n"                                          /* 32 */
    "    title: On a Mac\n"                                    /* 33 */
    "    text: \"On macOS, look at the log.\"\n"               /* 34 */
    "    source: \"mac.md#log\"\n"                             /* 35 */
    "    next: check-log\n"                                    /* 36 */
    "  check-log:\n"                                           /* 37 */
    "    kind: check\n"                                        /* 38 */
    "    text: Looking at the log\n"                           /* 39 */
    "    probe: file\n"                                        /* 40 */
    "    with:\n"                                              /* 41 */
    "      path: /var/log/multipass.log\n"                     /* 42 */
    "      pattern: timed out\n"                               /* 43 */
    "    on:\n"                                                /* 44 */
    "      found: fix-it\n"                                    /* 45 */
    "      default: done-esc\n"                                /* 46 */
    "  fix-it:\n"                                              /* 47 */
    "    kind: fix\n"                                          /* 48 */
    "    text: Purge the cache\n"                              /* 49 */
    "    fix: purge_network_cache\n"                           /* 50 */
    "    with: {os: \"{{ os }}\"}\n"                           /* 51 */
    "    when: {check-log.outcome: found}\n"                   /* 52 */
    "    skip: done-esc\n"                                     /* 53 */
    "    then: done-solved\n"                                  /* 54 */
    "    else: done-esc\n"                                     /* 55 */
    "    decline: done-cause\n"                                /* 56 */
    "  done-solved:\n"                                         /* 57 */
    "    kind: end\n"                                          /* 58 */
    "    verdict: solved\n"                                    /* 59 */
    "    text: Fixed.\n"                                       /* 60 */
    "  done-cause:\n"                                          /* 61 */
    "    kind: end\n"                                          /* 62 */
    "    verdict: cause\n"                                     /* 63 */
    "    text: Not fixed.\n"                                   /* 64 */
    "    cause: The network cache is stale.\n"                 /* 65 */
    "    next_steps: [Purge it by hand, {en: Reboot, de: Neu starten}]\n" /* 66 */
    "  done-esc:\n"                                            /* 67 */
    "    kind: end\n"                                          /* 68 */
    "    verdict: escalate\n"                                  /* 69 */
    "    text: Ask for help\n"                                 /* 70 */
    "    attach: [the log, multipass version]\n"               /* 71 */
    "  go-net:\n"                                              /* 72 */
    "    kind: goto\n"                                         /* 73 */
    "    flow: net-dhcp\n"                                     /* 74 */
    "    node: ask-ip\n"                                       /* 75 */
    "    return: {solved: done-solved, cause: done-cause}\n";  /* 76 */

static void
test_good_flow(void **state)
{
	struct flow *f = load_yaml_ok(good_flow);
	const struct flow_node *n;

	assert_string_equal(f->path, "t.yaml");
	assert_string_equal(f->id, "vm-wont-start");
	assert_string_equal(f->title.en, "The VM does not start");
	assert_int_equal(f->title.pos.line, 3);
	assert_int_equal(f->title.pos.col, 8);
	assert_string_equal(f->summary.en, "Usual causes");
	assert_int_equal(f->summary.ntr, 2);
	assert_string_equal(f->group, "launch");
	assert_string_equal(f->source, "launch.md#start");
	assert_int_equal(f->nplatforms, 2);
	assert_string_equal(f->platforms[1], "darwin");
	assert_string_equal(f->start, "ask-os");
	assert_int_equal(f->start_pos.line, 8);
	assert_int_equal(f->start_pos.col, 8);
	assert_null(f->start_node); /* the validator resolves it */

	assert_int_equal(f->nfacts, 2);
	assert_string_equal(f->facts[0].name, "vm.name");
	assert_string_equal(f->facts[0].text.en, "The name of the VM");
	assert_null(f->facts[0].def);
	assert_string_equal(f->facts[1].name, "driver");
	assert_string_equal(f->facts[1].text.en, "Which driver");
	assert_string_equal(f->facts[1].def, "qemu");

	assert_int_equal(f->nerrors, 1);
	assert_string_equal(f->errors[0].match, "launch failed: timed out");
	assert_string_equal(f->errors[0].node, "check-log");
	assert_int_equal(f->errors[0].pos.line, 14);

	assert_int_equal(f->nnodes, 8);
	n = &f->nodes[0];
	assert_string_equal(n->id, "ask-os");
	assert_int_equal(n->kind, NODE_ASK);
	assert_int_equal(n->pos.line, 16);
	assert_int_equal(n->pos.col, 3);
	assert_ptr_equal(n->flow, f);
	assert_string_equal(n->fact, "host_os");
	assert_string_equal(n->source, "launch.md#start"); /* inherited */
	assert_int_equal(n->nchoices, 2);
	assert_string_equal(n->choices[0].text.en, "Linux");
	assert_string_equal(n->choices[0].value, "linux");
	assert_int_equal(n->choices[0].next.nalts, 1);
	assert_string_equal(n->choices[0].next.alts[0].target, "check-log");
	assert_int_equal(n->choices[0].next.alts[0].pos.line, 23);
	assert_int_equal(n->choices[0].next.alts[0].pos.col, 15);
	assert_int_equal(n->choices[1].when.nterms, 1);
	assert_int_equal(n->choices[1].when.terms[0].nvalues, 2);
	assert_string_equal(n->choices[1].when.terms[0].values[1], "linux");
	assert_int_equal(n->choices[1].next.nalts, 2);
	assert_int_equal(n->choices[1].next.alts[0].when.nterms, 2);
	assert_string_equal(n->choices[1].next.alts[0].when.terms[1].fact, "host_os");
	assert_true(n->choices[1].next.alts[0].when.terms[1].negate);
	assert_string_equal(n->choices[1].next.alts[0].when.terms[1].values[0], "windows");
	assert_int_equal(n->choices[1].next.alts[1].when.nterms, 0);
	assert_string_equal(n->choices[1].next.alts[1].target, "check-log");

	n = flow_node_find(f, "say-mac");
	assert_non_null(n);
	assert_int_equal(n->kind, NODE_SAY);
	assert_string_equal(n->title.en, "On a Mac");
	assert_string_equal(n->source, "mac.md#log");
	assert_string_equal(n->next.alts[0].target, "check-log");

	n = flow_node_find(f, "check-log");
	assert_int_equal(n->kind, NODE_CHECK);
	assert_string_equal(n->probe, "file");
	assert_int_equal(n->with.n, 2);
	assert_string_equal(n->with.v[0].name, "path");
	assert_string_equal(n->with.v[0].value, "/var/log/multipass.log");
	assert_int_equal(n->with.v[1].pos.line, 43);
	assert_int_equal(n->non, 2);
	assert_string_equal(n->on[1].outcome, "default");
	assert_string_equal(n->on[1].next.alts[0].target, "done-esc");

	n = flow_node_find(f, "fix-it");
	assert_int_equal(n->kind, NODE_FIX);
	assert_string_equal(n->fix, "purge_network_cache");
	assert_string_equal(n->with.v[0].value, "{{ os }}");
	assert_string_equal(n->when.terms[0].fact, "check-log.outcome");
	assert_string_equal(n->skip.alts[0].target, "done-esc");
	assert_string_equal(n->then.alts[0].target, "done-solved");
	assert_string_equal(n->otherwise.alts[0].target, "done-esc");
	assert_string_equal(n->decline.alts[0].target, "done-cause");

	n = flow_node_find(f, "done-cause");
	assert_int_equal(n->verdict, VERDICT_CAUSE);
	assert_string_equal(n->cause.en, "The network cache is stale.");
	assert_int_equal(n->nsteps, 2);
	assert_string_equal(n->steps[1].en, "Reboot");
	assert_string_equal(flow_text_get(&n->steps[1], "de_DE.UTF-8"), "Neu starten");

	n = flow_node_find(f, "done-esc");
	assert_int_equal(n->verdict, VERDICT_ESCALATE);
	assert_int_equal(n->nattach, 2);

	n = flow_node_find(f, "go-net");
	assert_int_equal(n->kind, NODE_GOTO);
	assert_string_equal(n->goto_flow, "net-dhcp");
	assert_string_equal(n->goto_node, "ask-ip");
	assert_int_equal(n->goto_pos.line, 74);
	assert_int_equal(n->nreturns, 2);
	assert_int_equal(n->returns[1].verdict, VERDICT_CAUSE);
	assert_string_equal(n->returns[1].next.alts[0].target, "done-cause");

	assert_null(flow_node_find(f, "nope"));
	assert_null(flow_node_find(f, NULL));
	flow_free(f);
}

static void
test_text_get(void **state)
{
	struct diags d = DIAGS_INIT;
	struct flow *f = load_yaml(good_flow, &d);
	const struct flow_text *t = &f->summary;
	struct flow_text none = { NULL, NULL, 0, { 0, 0 }, NULL };

	assert_string_equal(flow_text_get(t, "de"), "Die üblichen Ursachen");
	assert_string_equal(flow_text_get(t, "de_AT"), "Die üblichen Ursachen");
	assert_string_equal(flow_text_get(t, "zh_CN.UTF-8"), "常见原因");
	assert_string_equal(flow_text_get(t, "en_GB"), "Usual causes");
	assert_string_equal(flow_text_get(t, "fr"), "Usual causes");
	assert_string_equal(flow_text_get(t, NULL), "Usual causes");
	assert_null(flow_text_get(&none, "de"));
	flow_free(f);
	diags_free(&d);
}

/*
 * Every text is named for the message catalogue by flow, node and field
 * (po/flows.pot's msgctxt), so equal English in two places can be
 * translated apart; a text that is absent has no name.
 */
static void
test_text_contexts(void **state)
{
	struct flow *f = load_yaml_ok(good_flow);
	const struct flow_node *n;

	(void)state;
	assert_string_equal(f->title.ctx, "vm-wont-start:title");
	assert_string_equal(f->summary.ctx, "vm-wont-start:summary");
	assert_string_equal(f->facts[0].text.ctx, "vm-wont-start:fact:vm.name");
	n = flow_node_find(f, "ask-os");
	assert_string_equal(n->text.ctx, "vm-wont-start:ask-os:text");
	assert_null(n->title.ctx);
	assert_null(n->cause.ctx);
	assert_string_equal(n->choices[0].text.ctx, "vm-wont-start:ask-os:choice.linux");
	n = flow_node_find(f, "say-mac");
	assert_string_equal(n->title.ctx, "vm-wont-start:say-mac:title");
	n = flow_node_find(f, "done-cause");
	assert_string_equal(n->cause.ctx, "vm-wont-start:done-cause:cause");
	assert_string_equal(n->steps[1].ctx, "vm-wont-start:done-cause:next_steps.2");
	n = flow_node_find(f, "done-esc");
	assert_string_equal(n->attach[0].ctx, "vm-wont-start:done-esc:attach.1");
	/* No catalogue knows these texts: the English comes back. */
	assert_string_equal(flow_text_catalog(&n->attach[0]), n->attach[0].en);
	flow_free(f);
}

static void
test_names(void **state)
{
	assert_string_equal(flow_node_kind_name(NODE_ASK), "ask");
	assert_string_equal(flow_node_kind_name(NODE_CHECK), "check");
	assert_string_equal(flow_node_kind_name(NODE_FIX), "fix");
	assert_string_equal(flow_node_kind_name(NODE_SAY), "say");
	assert_string_equal(flow_node_kind_name(NODE_END), "end");
	assert_string_equal(flow_node_kind_name(NODE_GOTO), "goto");
	assert_string_equal(flow_verdict_name(VERDICT_SOLVED), "solved");
	assert_string_equal(flow_verdict_name(VERDICT_HEALTHY), "healthy");
	assert_string_equal(flow_verdict_name(VERDICT_CAUSE), "cause");
	assert_string_equal(flow_verdict_name(VERDICT_ESCALATE), "escalate");
	assert_string_equal(flow_verdict_name(VERDICT_NONE), "none");
}

static const char minimal_head[] = "id: m\n"
				   "title: T\n"
				   "start: a\n"
				   "nodes:\n";

/* minimal_head plus nodes: the nodes start on line 5. */
static struct flow *
load_nodes(const char *nodes, struct diags *d)
{
	char *s = xasprintf("%s%s", minimal_head, nodes);
	struct flow *f = load_yaml(s, d);

	free(s);
	return f;
}

static void
test_defaults(void **state)
{
	struct diags d = DIAGS_INIT;
	struct flow *f = load_nodes("  a: {kind: end, verdict: healthy, text: ok}\n", &d);

	expect_clean(&d);
	assert_string_equal(f->group, "other");
	assert_null(f->source);
	assert_int_equal(f->nplatforms, 0);
	assert_null(f->nodes[0].source);
	flow_free(f);
	diags_free(&d);
}

static void
test_unknown_keys(void **state)
{
	struct diags d = DIAGS_INIT;
	struct flow *f = load_yaml("id: m\n"
				   "titel: T\n"
				   "title: T\n"
				   "colour: red\n"
				   "start: a\n"
				   "nodes:\n"
				   "  a:\n"
				   "    kind: ask\n"
				   "    text: Q\n"
				   "    chioces:\n"
				   "      - {text: A, next: b, vaule: x}\n"
				   "    choices:\n"
				   "      - {text: A, next: b, vaule: x}\n"
				   "  b:\n"
				   "    kind: say\n"
				   "    text: t\n"
				   "    next:\n"
				   "      - {when: {os: linux}, nxet: b}\n"
				   "      - nxt: b\n",
	    &d);

	assert_non_null(f);
	expect_diag(&d, 2, 1, "unknown key 'titel' in the flow; did you mean 'title'?");
	expect_diag(&d, 4, 1, "unknown key 'colour' in the flow");
	expect_diag(&d, 10, 5, "unknown key 'chioces' in node 'a'; did you mean 'choices'?");
	expect_diag(&d, 13, 28, "unknown key 'vaule' in choice 1 of node 'a'; did you mean 'value'?");
	expect_diag(&d, 18, 29, "unknown key 'nxet' in alternative 1 of 'next' in node 'b'; "
				"did you mean 'next'?");
	expect_diag(&d, 18, 9, "alternative 1 of 'next' in node 'b' has no 'next:'");
	/* The one alternative left is guarded: that problem is reported too. */
	expect_diag(&d, 19, 9, "unknown key 'nxt' in alternative 2 of 'next' in node 'b'");
	/* The key is used by other kinds: said so, not "unknown". */
	for (size_t i = 0; i < d.n; i++)
		assert_null(strstr(d.v[i].msg, "'colour' in the flow; did you mean"));
	flow_free(f);
	diags_free(&d);
}

static void
test_keys_of_kinds(void **state)
{
	struct diags d = DIAGS_INIT;
	struct flow *f = load_nodes("  a:\n"                          /* 5 */
				    "    kind: say\n"                     /* 6 */
				    "    text: t\n"                       /* 7 */
				    "    next: b\n"                       /* 8 */
				    "    choices: []\n"                   /* 9 */
				    "  b:\n"                              /* 10 */
				    "    kind: end\n"                     /* 11 */
				    "    verdict: healthy\n"              /* 12 */
				    "    text: t\n"                       /* 13 */
				    "    probe: file\n"                   /* 14 */
				    "  c:\n"                              /* 15 */
				    "    kind: check\n"                   /* 16 */
				    "  d:\n"                              /* 17 */
				    "    text: no kind\n"                 /* 18 */
				    "  e:\n"                              /* 19 */
				    "    kind: sya\n"                     /* 20 */
				    "    text: t\n"                       /* 21 */
				    "    probe: file\n"                   /* 22 */
				    "  f:\n"                              /* 23 */
				    "    kind: teleport\n"                /* 24 */
				    "  g:\n"                              /* 25 */
				    "    kind: fix\n"                     /* 26 */
				    "    text: t\n"                       /* 27 */
				    "    fix: purge_network_cache\n"      /* 28 */
				    "    then: a\n"                       /* 29 */
				    "  h:\n"                              /* 30 */
				    "    kind: goto\n",                   /* 31 */
	    &d);

	assert_non_null(f);
	expect_diag(&d, 9, 5, "key 'choices' is not used by a 'say' node");
	expect_diag(&d, 14, 5, "key 'probe' is not used by an 'end' node");
	expect_diag(&d, 15, 3, "node 'c' has no 'text:', which a 'check' node needs");
	expect_diag(&d, 15, 3, "node 'c' has no 'probe:', which a 'check' node needs");
	expect_diag(&d, 15, 3, "node 'c' has no 'on:', which a 'check' node needs");
	expect_diag(&d, 17, 3, "node 'd' has no 'kind:' (ask, check, fix, say, end or goto)");
	expect_diag(&d, 20, 11, "unknown kind 'sya'; did you mean 'say'?");
	expect_diag(&d, 24, 11, "unknown kind 'teleport': a node is ask, check, fix, say, end or goto");
	expect_diag(&d, 25, 3, "node 'g' has no 'else:', which a 'fix' node needs");
	expect_diag(&d, 30, 3, "node 'h' has no 'flow:', which a 'goto' node needs");
	/* Unknown kind: its other keys are not judged, so no cascade. */
	for (size_t i = 0; i < d.n; i++)
		assert_false(d.v[i].line == 22);
	flow_free(f);
	diags_free(&d);
}

static void
test_missing_top_keys(void **state)
{
	struct diags d = DIAGS_INIT;
	struct flow *f = load_yaml("# a comment first\n"
				   "summary: s\n",
	    &d);

	assert_non_null(f);
	expect_diag(&d, 2, 1, "the flow has no 'id:'");
	expect_diag(&d, 2, 1, "the flow has no 'title:'");
	expect_diag(&d, 2, 1, "the flow has no 'start:'");
	expect_diag(&d, 2, 1, "the flow has no 'nodes:'");
	assert_int_equal(d.nerrors, 4);
	flow_free(f);
	diags_free(&d);
}

static void
test_types(void **state)
{
	struct diags d = DIAGS_INIT;
	struct flow *f = load_yaml("id: [m]\n"
				   "title:\n"
				   "version: 2\n"
				   "platforms: linux\n"
				   "facts: [a]\n"
				   "errors: {a: b}\n"
				   "start: {a: b}\n"
				   "nodes:\n"
				   "  a:\n"
				   "    kind: ask\n"
				   "    text: [x]\n"
				   "    choices: {a: b}\n"
				   "  b: just a string\n"
				   "  c:\n"
				   "    kind: check\n"
				   "    text: t\n"
				   "    probe: file\n"
				   "    with: {path: [a], pattern: }\n"
				   "    on: []\n",
	    &d);

	assert_non_null(f);
	expect_diag(&d, 1, 5, "'id' must be a string, not a sequence");
	expect_diag(&d, 2, 7, "'title' is empty");
	expect_diag(&d, 3, 10, "unsupported 'version': this vmtriage reads version 1");
	expect_diag(&d, 4, 12, "'platforms' must be a sequence, not a string");
	expect_diag(&d, 5, 8, "'facts' must be a mapping, not a sequence");
	expect_diag(&d, 6, 9, "'errors' must be a sequence, not a mapping");
	expect_diag(&d, 7, 8, "'start' must be a string, not a mapping");
	expect_diag(&d, 11, 11, "'text' must be a text (a string, or a mapping of language codes "
				"with 'en'), not a sequence");
	expect_diag(&d, 12, 14, "'choices' must be a sequence, not a mapping");
	expect_diag(&d, 13, 6, "node 'b' must be a mapping with 'kind:', not a string");
	expect_diag(&d, 18, 18, "parameter 'path' must be a string, not a sequence");
	expect_diag(&d, 18, 0, "parameter 'pattern' has no value");
	expect_diag(&d, 19, 9, "'on' must be a mapping, not a sequence");
	flow_free(f);
	diags_free(&d);
}

static void
test_ids(void **state)
{
	struct diags d = DIAGS_INIT;
	struct flow *f = load_yaml("id: Bad_Id\n"
				   "title: T\n"
				   "group: Net Working\n"
				   "start: a\n"
				   "facts:\n"
				   "  Vm-Name: x\n"
				   "  vm..name: x\n"
				   "  ok.part-2.*: x\n"
				   "nodes:\n"
				   "  a:\n"
				   "    kind: goto\n"
				   "    flow: Other_Flow\n"
				   "    node: Not A Node\n"
				   "  Node-B:\n"
				   "    kind: ask\n"
				   "    text: t\n"
				   "    fact: 9lives\n"
				   "    choices: [{text: a, next: a}]\n"
				   "  xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx:\n"
				   "    {kind: end, verdict: healthy, text: t}\n"
				   "  0-node_ok:\n"
				   "    {kind: end, verdict: healthy, text: t}\n",
	    &d);

	assert_non_null(f);
	expect_diag(&d, 1, 5, "flow id 'Bad_Id' is not valid: use lower-case letters, digits and '-'");
	expect_diag(&d, 3, 8, "group 'Net Working' is not valid");
	expect_diag(&d, 6, 3, "'Vm-Name' is not a valid fact name");
	expect_diag(&d, 7, 3, "'vm..name' is not a valid fact name");
	expect_diag(&d, 12, 11, "flow id 'Other_Flow' is not valid");
	expect_diag(&d, 13, 11, "node id 'Not A Node' is not valid");
	expect_diag(&d, 14, 3, "node id 'Node-B' is not valid: use lower-case letters, digits, '_' "
			       "and '-' (at most 64)");
	expect_diag(&d, 17, 11, "'9lives' is not a valid fact name");
	expect_diag(&d, 19, 3, "node id 'xxxxxxxx");
	assert_null(f->id);
	assert_int_equal(d.nerrors, 9);
	flow_free(f);
	diags_free(&d);
}

static void
test_texts(void **state)
{
	struct diags d = DIAGS_INIT;
	struct flow *f = load_nodes("  a:\n"                                              /* 5 */
				    "    kind: say\n"                                         /* 6 */
				    "    text: {de: Hallo, fr: Salut}\n"                      /* 7 */
				    "    title: {en: A, German: B, zh_cn: C, pt_BR: D}\n"      /* 8 */
				    "    next: b\n"                                           /* 9 */
				    "  b:\n"                                                  /* 10 */
				    "    kind: end\n"                                         /* 11 */
				    "    verdict: cause\n"                                    /* 12 */
				    "    text: \"  \"\n"                                      /* 13 */
				    "    cause: {en: \"\", de: [x]}\n"                        /* 14 */
				    "    next_steps: [one, \"\", {de: zwei}]\n",              /* 15 */
	    &d);

	assert_non_null(f);
	expect_diag(&d, 7, 11, "'text' has no 'en': a translated text must include the English "
			       "original");
	expect_diag(&d, 8, 20, "'German' is not a language code (like 'en', 'de' or 'zh_CN')");
	expect_diag(&d, 8, 31, "'zh_cn' is not a language code");
	expect_diag(&d, 13, 11, "'text' is empty");
	expect_diag(&d, 14, 17, "the 'en' text is empty");
	expect_diag(&d, 14, 25, "the 'de' text must be a string, not a sequence");
	expect_diag(&d, 15, 23, "'next_steps' is empty");
	expect_diag(&d, 15, 27, "'next_steps' has no 'en'");
	assert_int_equal(f->nodes[0].title.ntr, 1);
	assert_string_equal(flow_text_get(&f->nodes[0].title, "pt_BR"), "D");
	assert_int_equal(f->nodes[1].nsteps, 1);
	flow_free(f);
	diags_free(&d);
}

static void
test_edges(void **state)
{
	struct diags d = DIAGS_INIT;
	struct flow *f = load_nodes("  a:\n"                                  /* 5 */
				    "    kind: fix\n"                             /* 6 */
				    "    text: t\n"                               /* 7 */
				    "    fix: purge_network_cache\n"              /* 8 */
				    "    then: []\n"                              /* 9 */
				    "    else: {when: {os: linux}, next: b}\n"    /* 10 */
				    "    decline:\n"                              /* 11 */
				    "  b:\n"                                      /* 12 */
				    "    kind: say\n"                             /* 13 */
				    "    text: t\n"                               /* 14 */
				    "    next:\n"                                 /* 15 */
				    "      - {when: {os: linux}, next: a}\n"      /* 16 */
				    "      - {when: {os: darwin}, next: a}\n"     /* 17 */
				    "  c:\n"                                      /* 18 */
				    "    kind: say\n"                             /* 19 */
				    "    text: t\n"                               /* 20 */
				    "    next:\n"                                 /* 21 */
				    "      - {next: a}\n"                         /* 22 */
				    "      - x\n"                                 /* 23 */
				    "      - {next: b}\n",                        /* 24 */
	    &d);

	assert_non_null(f);
	expect_diag(&d, 9, 11, "'then' is an empty list: it must name a node or list alternatives");
	expect_diag(&d, 10, 11, "'else' must name a node, or list alternatives with 'when:' and "
				"'next:', not a mapping");
	expect_diag(&d, 11, 13, "'decline' is empty: it must name a node");
	expect_diag(&d, 17, 9, "the last alternative of an edge must have no 'when:', so the walk "
			       "can always go on");
	expect_diag(&d, 22, 9, "an alternative without 'when:' must come last");
	expect_diag(&d, 23, 9, "an alternative of 'next' must be a mapping with 'when:' and 'next:', "
			       "not a string");
	assert_int_equal(f->nodes[1].next.nalts, 2);
	assert_int_equal(f->nodes[1].next.pos.line, 16);
	assert_int_equal(f->nodes[2].next.nalts, 2);
	assert_string_equal(f->nodes[2].next.alts[1].target, "b");
	assert_int_equal(d.nerrors, 6);
	flow_free(f);
	diags_free(&d);
}

static void
test_guards(void **state)
{
	struct diags d = DIAGS_INIT;
	struct flow *f = load_nodes("  a:\n"                                            /* 5 */
				    "    kind: say\n"                                       /* 6 */
				    "    text: t\n"                                         /* 7 */
				    "    next: a\n"                                         /* 8 */
				    "    when:\n"                                           /* 9 */
				    "      os: [linux, \"!darwin\"]\n"                      /* 10 */
				    "      arch: \"!\"\n"                                   /* 11 */
				    "      Bad.Name: x\n"                                   /* 12 */
				    "      vm.state: []\n"                                  /* 13 */
				    "      vm.disk: {a: b}\n"                               /* 14 */
				    "      check-1.outcome: found\n"                        /* 15 */
				    "      vm.cpu: [1, [2]]\n"                              /* 16 */
				    "  b:\n"                                                /* 17 */
				    "    kind: say\n"                                       /* 18 */
				    "    text: t\n"                                         /* 19 */
				    "    next: a\n"                                         /* 20 */
				    "    when: {os: macos, vm.state: \"!running\"}\n"       /* 21 */
				    "  c:\n"                                                /* 22 */
				    "    kind: check\n"                                     /* 23 */
				    "    text: t\n"                                         /* 24 */
				    "    probe: file\n"                                     /* 25 */
				    "    with: {path: /x}\n"                                /* 26 */
				    "    on: {default: a}\n"                                /* 27 */
				    "    when: [os]\n",                                     /* 28 */
	    &d);

	assert_non_null(f);
	expect_diag(&d, 10, 19, "'!' is not allowed inside a list of values");
	expect_diag(&d, 11, 13, "'!' must be followed by the value it excludes");
	expect_diag(&d, 12, 7, "'Bad.Name' is not a valid fact name");
	expect_diag(&d, 13, 17, "the list of values for 'vm.state' is empty");
	expect_diag(&d, 14, 16, "the value of 'vm.disk' in a guard must be a string or a list of "
				"strings, not a mapping");
	expect_diag(&d, 16, 19, "a guard value must be a string, not a sequence");
	expect_diag(&d, 21, 16, "'os' is linux, darwin or windows, not 'macos'");
	expect_diag(&d, 28, 11, "'when' must be a mapping of fact: value, not a sequence");
	expect_diag(&d, 28, 11, "node 'c' has 'when:' but no 'skip:'");
	/* say: skip defaults to next, so no complaint for a or b. */
	for (size_t i = 0; i < d.n; i++)
		assert_null(strstr(d.v[i].msg, "node 'b' has 'when:'"));
	/* Only check-1.outcome survives in a's guard; b keeps vm.state, negated. */
	assert_int_equal(f->nodes[0].when.nterms, 1);
	assert_string_equal(f->nodes[0].when.terms[0].fact, "check-1.outcome");
	assert_int_equal(f->nodes[1].when.nterms, 1);
	assert_true(f->nodes[1].when.terms[0].negate);
	assert_string_equal(f->nodes[1].when.terms[0].values[0], "running");
	flow_free(f);
	diags_free(&d);

	/* In a list, the bad item itself is pointed at. */
	f = load_nodes("  a: {kind: say, text: t, next: a, when: {os: [linux, osx]}}\n", &d);
	expect_diag(&d, 5, 55, "'os' is linux, darwin or windows, not 'osx'");
	assert_int_equal(d.nerrors, 1);
	flow_free(f);
	diags_free(&d);
}

static void
test_errors_facts_platforms(void **state)
{
	struct diags d = DIAGS_INIT;
	struct flow *f = load_yaml("id: m\n"                                       /* 1 */
				   "title: T\n"                                    /* 2 */
				   "start: a\n"                                    /* 3 */
				   "platforms: [linux, macos, linux, beos, [x]]\n" /* 4 */
				   "errors:\n"                                     /* 5 */
				   "  - {match: vm, node: a}\n"                    /* 6 */
				   "  - {match: \"   a   b  \", node: a}\n"        /* 7 */
				   "  - {match: 虚拟机坏, node: a}\n"               /* 8 */
				   "  - {match: long enough}\n"                    /* 9 */
				   "  - {node: a, extra: 1}\n"                     /* 10 */
				   "  - just a string\n"                           /* 11 */
				   "facts:\n"                                      /* 12 */
				   "  a: {text: x, default: y, help: z}\n"         /* 13 */
				   "  b: {default: y}\n"                           /* 14 */
				   "  c: {en: English, de: Deutsch}\n"             /* 15 */
				   "  d: {default: [y], text: x}\n"                /* 16 */
				   "nodes:\n"                                      /* 17 */
				   "  a: {kind: end, verdict: healthy, text: t}\n",
	    &d);

	assert_non_null(f);
	expect_diag(&d, 4, 20, "unknown platform 'macos'; did you mean 'darwin'?");
	expect_diag(&d, 4, 27, "platform 'linux' is listed twice");
	expect_diag(&d, 4, 34, "unknown platform 'beos': use linux, darwin or windows");
	expect_diag(&d, 4, 40, "'platforms' must be a string, not a sequence");
	expect_diag(&d, 6, 13, "error match 'vm' is too short: use at least 4 characters");
	expect_diag(&d, 7, 13, "error match '   a   b  ' is too short");
	expect_diag(&d, 9, 5, "'errors:' entry 4 has no 'node:'");
	expect_diag(&d, 10, 5, "'errors:' entry 5 has no 'match:'");
	expect_diag(&d, 10, 15, "unknown key 'extra' in 'errors:' entry 5");
	expect_diag(&d, 11, 5, "an 'errors:' entry must be a mapping with 'match:' and 'node:', not "
			       "a string");
	expect_diag(&d, 13, 28, "unknown key 'help' in fact 'a'");
	expect_diag(&d, 14, 6, "fact 'b' has no 'text:'");
	expect_diag(&d, 16, 16, "'default' must be a string, not a sequence");
	assert_int_equal(f->nplatforms, 1);
	/* Four CJK characters are as specific as four letters. */
	assert_int_equal(f->nerrors, 1);
	assert_string_equal(f->errors[0].match, "虚拟机坏");
	assert_int_equal(f->nfacts, 4);
	assert_string_equal(f->facts[2].text.en, "English");
	assert_string_equal(f->facts[0].def, "y");
	assert_int_equal(d.nerrors, 13);
	flow_free(f);
	diags_free(&d);
}

static void
test_verdicts(void **state)
{
	struct diags d = DIAGS_INIT;
	struct flow *f = load_nodes("  a:\n"                                     /* 5 */
				    "    kind: end\n"                                /* 6 */
				    "    verdict: fixed\n"                           /* 7 */
				    "    text: t\n"                                  /* 8 */
				    "  b:\n"                                         /* 9 */
				    "    kind: end\n"                                /* 10 */
				    "    verdict: helthy\n"                          /* 11 */
				    "    text: t\n"                                  /* 12 */
				    "  c:\n"                                         /* 13 */
				    "    kind: end\n"                                /* 14 */
				    "    verdict: escalate\n"                        /* 15 */
				    "    text: t\n"                                  /* 16 */
				    "  d:\n"                                         /* 17 */
				    "    kind: end\n"                                /* 18 */
				    "    verdict: escalate\n"                        /* 19 */
				    "    text: t\n"                                  /* 20 */
				    "    attach: []\n"                               /* 21 */
				    "  e:\n"                                         /* 22 */
				    "    kind: goto\n"                               /* 23 */
				    "    flow: other\n"                              /* 24 */
				    "    return: {solved: a, fine: b, cause: [c]}\n", /* 25 */
	    &d);

	assert_non_null(f);
	expect_diag(&d, 7, 14, "unknown verdict 'fixed': use solved, healthy, cause or escalate");
	expect_diag(&d, 11, 14, "unknown verdict 'helthy'; did you mean 'healthy'?");
	expect_diag(&d, 15, 14, "an 'escalate' end needs a non-empty 'attach:' (what to attach when "
				"asking for help)");
	expect_diag(&d, 19, 14, "an 'escalate' end needs a non-empty 'attach:'");
	expect_diag(&d, 25, 25, "unknown verdict 'fine'");
	expect_diag(&d, 25, 42, "an alternative of 'cause' must be a mapping");
	assert_int_equal(f->nodes[0].verdict, VERDICT_NONE);
	assert_int_equal(f->nodes[4].nreturns, 2);
	flow_free(f);
	diags_free(&d);
}

static void
test_ask_rules(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct diags d = DIAGS_INIT;
	struct flow *f;

	strbuf_adds(&sb, minimal_head);
	strbuf_adds(&sb, "  a:\n"                                        /* 5 */
			 "    kind: ask\n"                               /* 6 */
			 "    text: t\n"                                 /* 7 */
			 "    fact: vm_state\n"                          /* 8 */
			 "    choices:\n"                                /* 9 */
			 "      - {text: A, value: up, next: a}\n"       /* 10 */
			 "      - {text: B, next: a}\n"                  /* 11 */
			 "      - {text: C, value: up, next: a}\n"       /* 12 */
			 "      - {value: down}\n"                       /* 13 */
			 "      - [x]\n"                                 /* 14 */
			 "  b:\n"                                        /* 15 */
			 "    kind: ask\n"                               /* 16 */
			 "    text: t\n"                                 /* 17 */
			 "    choices: []\n"                             /* 18 */
			 "  c:\n"                                        /* 19 */
			 "    kind: ask\n"                               /* 20 */
			 "    text: t\n"                                 /* 21 */
			 "    choices:\n");                              /* 22 */
	for (int i = 0; i < 21; i++)
		strbuf_addf(&sb, "      - {text: c%d, next: a}\n", i);
	f = load_yaml(sb.buf, &d);
	assert_non_null(f);
	expect_diag(&d, 11, 9, "choice 2 of node 'a' has no 'value:', which 'fact:' needs");
	expect_diag(&d, 12, 26, "two choices of node 'a' have the value 'up' (first at 10:26)");
	expect_diag(&d, 13, 9, "choice 4 of node 'a' has no 'text:'");
	expect_diag(&d, 13, 9, "choice 4 of node 'a' has no 'next:'");
	expect_diag(&d, 14, 9, "a choice must be a mapping with 'text:' and 'next:', not a sequence");
	expect_diag(&d, 18, 14, "'choices' of node 'b' is empty");
	expect_diag(&d, 23, 7, "node 'c' has 21 choices; at most 20");
	assert_int_equal(f->nodes[0].nchoices, 4);
	assert_int_equal(f->nodes[2].nchoices, 21);
	flow_free(f);
	diags_free(&d);
	strbuf_free(&sb);
}

static void
test_max_nodes(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct diags d = DIAGS_INIT;
	struct flow *f;

	strbuf_adds(&sb, minimal_head);
	for (int i = 0; i <= FLOW_MAX_NODES; i++)
		strbuf_addf(&sb, "  n%d: {kind: end, verdict: healthy, text: t}\n", i);
	f = load_yaml(sb.buf, &d);
	assert_non_null(f);
	expect_diag(&d, 5, 3, "too many nodes (2001; a flow may have at most 2000)");
	assert_int_equal(d.nerrors, 1);
	flow_free(f);
	diags_free(&d);
	strbuf_free(&sb);
}

/* Every problem of a file, not just the first, and a flow still comes back. */
static void
test_all_problems_reported(void **state)
{
	struct diags d = DIAGS_INIT;
	struct flow *f = load_yaml("id: Bad\n"
				   "title: T\n"
				   "start: a\n"
				   "oops: 1\n"
				   "nodes:\n"
				   "  a:\n"
				   "    kind: say\n"
				   "    text: t\n"
				   "    text: again\n"
				   "  b:\n"
				   "    kind: end\n"
				   "    verdict: nope\n"
				   "  c:\n"
				   "    kind: ask\n"
				   "    text: t\n"
				   "    choices: [{text: x}]\n",
	    &d);

	assert_non_null(f);
	expect_diag(&d, 1, 5, "flow id 'Bad' is not valid");
	expect_diag(&d, 4, 1, "unknown key 'oops' in the flow");
	expect_diag(&d, 9, 5, "duplicate key 'text' (first at 8:5)");
	expect_diag(&d, 6, 3, "node 'a' has no 'next:', which a 'say' node needs");
	expect_diag(&d, 12, 14, "unknown verdict 'nope'");
	expect_diag(&d, 10, 3, "node 'b' has no 'text:', which an 'end' node needs");
	expect_diag(&d, 16, 15, "choice 1 of node 'c' has no 'next:'");
	assert_int_equal(d.nerrors, 7);
	flow_free(f);
	diags_free(&d);
}

/* ---- hostile input -------------------------------------------------- */

static void
expect_rejected(const char *buf, size_t len, int line, int col, const char *words)
{
	struct diags d = DIAGS_INIT;
	struct flow *f = load_yaml_bytes(buf, len, &d);

	if (f != NULL) {
		dump_diags(&d);
		fail_msg("expected the file to be rejected");
	}
	expect_diag(&d, line, col, words);
	diags_free(&d);
}

#define REJECT(lit, line, col, words) expect_rejected(lit, sizeof(lit) - 1, line, col, words)

static void
test_alias_bomb(void **state)
{
	/* The billion laughs: 9^9 strings if aliases were expanded. */
	struct strbuf sb = STRBUF_INIT;

	/* Refused at the first anchor, so nothing is ever expanded (no timing needed to show it). */
	strbuf_adds(&sb, "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
	for (char c = 'b'; c <= 'i'; c++)
		strbuf_addf(&sb, "%c: &%c [*%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c]\n", c, c,
		    c - 1, c - 1, c - 1, c - 1, c - 1, c - 1, c - 1, c - 1, c - 1);
	expect_rejected(sb.buf, sb.len, 1, 4, "anchors and aliases are not allowed in flows");
	strbuf_free(&sb);
	/* An alias alone (its anchor undefined) and an anchor alone are refused too. */
	REJECT("id: x\ntitle: *t\n", 2, 8, "anchors and aliases are not allowed");
	REJECT("id: &i x\n", 1, 5, "anchors and aliases are not allowed");
	REJECT("id: x\nnodes: &n {}\n", 2, 8, "anchors and aliases are not allowed");
}

static void
test_deep_nesting(void **state)
{
	struct strbuf sb = STRBUF_INIT;

	/* 40 block mappings: the 33rd is refused, at its position. */
	strbuf_adds(&sb, "k0:\n");
	for (int i = 1; i < 40; i++) {
		for (int j = 0; j < i; j++)
			strbuf_adds(&sb, " ");
		strbuf_addf(&sb, "k%d:\n", i);
	}
	expect_rejected(sb.buf, sb.len, 33, 33, "nesting is too deep (more than 32 levels)");
	strbuf_reset(&sb);
	/* 40 flow sequences. */
	strbuf_adds(&sb, "a: ");
	for (int i = 0; i < 40; i++)
		strbuf_adds(&sb, "[");
	for (int i = 0; i < 40; i++)
		strbuf_adds(&sb, "]");
	expect_rejected(sb.buf, sb.len, 1, 35, "nesting is too deep");
	strbuf_reset(&sb);
	/* A million '[': refused after 33, without memory to match. */
	for (int i = 0; i < 1000000; i++)
		strbuf_adds(&sb, "[");
	expect_rejected(sb.buf, sb.len, 1, 33, "nesting is too deep");
	strbuf_free(&sb);
}

static void
test_huge_scalar(void **state)
{
	size_t n = 100 * 1024;
	char *buf = xmalloc(n + 32);
	int len;

	len = snprintf(buf, 32, "id: x\ntitle: \"");
	memset(buf + len, 'x', n);
	memcpy(buf + len + n, "\"\n", 2);
	expect_rejected(buf, (size_t)len + n + 2, 2, 8, "string is too long (102400 bytes; at most "
							  "65536)");
	/* Just at the limit is fine as far as YAML goes. */
	len = snprintf(buf, 32, "id: x\ntitle: ");
	memset(buf + len, 'y', FLOW_MAX_SCALAR_BYTES);
	{
		struct diags d = DIAGS_INIT;
		struct flow *f = load_yaml_bytes(buf, (size_t)len + FLOW_MAX_SCALAR_BYTES, &d);

		assert_non_null(f);
		assert_int_equal(strlen(f->title.en), FLOW_MAX_SCALAR_BYTES);
		flow_free(f);
		diags_free(&d);
	}
	free(buf);
}

static void
test_binary(void **state)
{
	REJECT("id: x\ntit\0le: y\n", 2, 4, "NUL byte: a flow must be UTF-8 text, not binary");
	REJECT("\0\0\0\0", 1, 1, "NUL byte");
	REJECT("id: x\ntitle: a\x1b[2Jb\n", 2, 9, "control character U+001B: a flow must be "
						  "printable text");
	REJECT("id: x\x7f\n", 1, 6, "control character U+007F");
	/* C1 controls in UTF-8 (U+009B is a terminal's CSI). */
	REJECT("id: x\ntitle: é\xc2\x9b\n", 2, 9, "control character U+009B");
	REJECT("id: x\r\ntitle: \x01\n", 2, 8, "control character U+0001");
	/* Escapes make the same characters inside double quotes. */
	{
		struct diags d = DIAGS_INIT;
		struct flow *f = load_yaml("id: x\ntitle: \"a\\e[2Jb\\0c\"\nstart: a\n", &d);

		expect_diag(&d, 2, 8, "control character U+001B in a quoted string");
		/* The string survives, blanked, so no other message cascades from it. */
		assert_non_null(f);
		assert_string_equal(f->title.en, "a?[2Jb?c");
		flow_free(f);
		diags_free(&d);
	}
}

static void
test_invalid_utf8(void **state)
{
	REJECT("id: x\ntitle: caf\xe9\n", 2, 11, "invalid UTF-8 (byte 0xE9): flows must be UTF-8");
	/* Columns count characters: 'é' and '中' are one column each. */
	REJECT("id: x\ntitle: é中\xff\n", 2, 10, "invalid UTF-8 (byte 0xFF)");
	REJECT("a: \xc0\xaf\n", 1, 4, "invalid UTF-8 (byte 0xC0)");         /* overlong */
	REJECT("a: \xed\xa0\x80\n", 1, 4, "invalid UTF-8 (byte 0xED)");     /* surrogate */
	REJECT("a: \xf4\x90\x80\x80\n", 1, 4, "invalid UTF-8 (byte 0xF4)"); /* > U+10FFFF */
	REJECT("a: b\n\xe4\xb8", 2, 1, "invalid UTF-8 (byte 0xE4)");        /* cut short */
	REJECT("a: \x80\n", 1, 4, "invalid UTF-8 (byte 0x80)");
}

static void
test_boms(void **state)
{
	REJECT("\xff\xfei\0d\0:\0 \0x\0", 1, 1, "flows must be UTF-8: this file starts with a UTF-16 "
						"byte order mark");
	REJECT("\xfe\xff\0i\0d", 1, 1, "UTF-16 byte order mark");
	REJECT("\xff\xfe\0\0i\0\0\0", 1, 1, "UTF-32 byte order mark");
	REJECT("\0\0\xfe\xff\0\0\0i", 1, 1, "UTF-32 byte order mark");
	/* UTF-16 without a mark is caught as binary. */
	REJECT("i\0d\0", 1, 2, "NUL byte");
	/* A UTF-8 mark is harmless, and does not shift columns. */
	{
		struct diags d = DIAGS_INIT;
		struct flow *f = load_yaml("\xef\xbb\xbfid: X\ntitle: t\nstart: a\nnodes:\n"
					   "  a: {kind: end, verdict: healthy, text: t}\n",
		    &d);

		assert_non_null(f);
		expect_diag(&d, 1, 5, "flow id 'X' is not valid");
		assert_int_equal(d.nerrors, 1);
		flow_free(f);
		diags_free(&d);
	}
	/* A mark in the middle is not. */
	REJECT("id: x\ntitle: a\xef\xbb\xbf\n", 2, 9, "U+FEFF");
}

static void
test_empty(void **state)
{
	REJECT("", 1, 1, "empty file: a flow needs id, title, start and nodes");
	REJECT("# nothing yet\n\n   # really nothing\n", 1, 1, "empty file");
	REJECT("---\n", 1, 1, "empty file");
	REJECT("---\n...\n", 1, 1, "empty file");
	REJECT("~\n", 1, 1, "empty file");
	REJECT("\n\n\n", 1, 1, "empty file");
}

static void
test_documents_and_tags(void **state)
{
	REJECT("id: x\n---\nid: y\n", 2, 1, "a second YAML document: a flow file holds exactly one");
	REJECT("id: x\n...\n---\n", 3, 1, "a second YAML document");
	REJECT("id: x\ntitle: !!python/object:os.system [ls]\n", 2, 8,
	    "tags are not allowed (found '!!python/object:os.system')");
	REJECT("id: !foo x\n", 1, 5, "tags are not allowed (found '!foo'); quote a value that starts "
				     "with '!'");
	REJECT("id: !!str x\n", 1, 5, "tags are not allowed (found '!!str')");
	REJECT("nodes: !!map {}\n", 1, 8, "tags are not allowed (found '!!map')");
	REJECT("a: !<tag:x> [1]\n", 1, 4, "tags are not allowed (found 'tag:x')");
	REJECT("%TAG !e! tag:example.com,2000:\n---\nid: x\n", 1, 1,
	    "tags are not allowed (found a %TAG directive)");
}

static void
test_syntax(void **state)
{
	/* libyaml marks are 0-based: the messages are 1-based. */
	REJECT("id: x\n  title: y\n", 2, 8, "syntax error: mapping values are not allowed in this "
					    "context");
	REJECT("id: x\ntitle: [a, b\nstart: a\n", 3, 6, "syntax error: did not find expected ',' or "
							"']' (while parsing a flow sequence at 2:8)");
	REJECT("id: x\nnodes:\n\ta: 1\n", 3, 1, "syntax error: tab character: YAML is indented with "
						"spaces, not tabs");
	REJECT("id: \"x\n", 2, 1, "syntax error: found unexpected end of stream (while scanning a "
				  "quoted scalar at 1:5)");
	REJECT("- a\n- b\n", 1, 1, "the top level of a flow must be a mapping (id, title, start, "
				   "nodes...), not a sequence");
	REJECT("just words\n", 1, 1, "the top level of a flow must be a mapping");
}

static void
test_keys(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct diags d = DIAGS_INIT;
	struct flow *f;

	f = load_yaml("id: x\nid: y\n? [a]\n: b\n? {c: d}\n: e\n", &d);
	assert_non_null(f);
	expect_diag(&d, 2, 1, "duplicate key 'id' (first at 1:1)");
	expect_diag(&d, 3, 3, "a mapping key must be a plain string, not a sequence");
	expect_diag(&d, 5, 3, "a mapping key must be a plain string, not a mapping");
	assert_string_equal(f->id, "x"); /* the first one counts */
	flow_free(f);
	diags_free(&d);

	/* A big mapping finds duplicates through its hash table. */
	strbuf_adds(&sb, minimal_head);
	for (int i = 0; i < 100; i++)
		strbuf_addf(&sb, "  n%d: {kind: end, verdict: healthy, text: t}\n", i % 60);
	f = load_yaml(sb.buf, &d);
	assert_non_null(f);
	assert_int_equal(f->nnodes, 60);
	assert_int_equal(d.nerrors, 40);
	expect_diag(&d, 65, 3, "duplicate key 'n0' (first at 5:3)");
	expect_diag(&d, 104, 3, "duplicate key 'n39' (first at 44:3)");
	flow_free(f);
	diags_free(&d);
	strbuf_free(&sb);
}

/* Random bytes and truncations of a good flow: errors, never a crash. */
static void
test_garbage(void **state)
{
	size_t len = strlen(good_flow);
	unsigned seed = 1;

	for (size_t cut = 0; cut < len; cut += 7) {
		struct diags d = DIAGS_INIT;

		flow_free(load_yaml_bytes(good_flow, cut, &d));
		diags_free(&d);
	}
	for (int round = 0; round < 200; round++) {
		char buf[256];
		struct diags d = DIAGS_INIT;

		for (size_t i = 0; i < sizeof buf; i++) {
			seed = seed * 1103515245u + 12345u;
			buf[i] = "ab: -[]{}\n\"'#&*!|>?,%@`~\t"[(seed >> 16) % 26];
		}
		flow_free(load_yaml_bytes(buf, sizeof buf, &d));
		diags_free(&d);
	}
}

/* ---- files ---------------------------------------------------------- */

static void
test_load_file(void **state)
{
	struct diags d = DIAGS_INIT;
	char *path = write_file("good.yaml", good_flow, 0644);
	struct flow *f = flow_load_file(path, &d);

	expect_clean(&d);
	assert_non_null(f);
	assert_string_equal(f->path, path);
	assert_string_equal(f->id, "vm-wont-start");
	flow_free(f);
	free(path);

	path = write_file("bad.yaml", "id: x\n  title: y\n", 0644);
	assert_null(flow_load_file(path, &d));
	assert_string_equal(d.v[0].file, path);
	assert_int_equal(d.v[0].line, 2);
	free(path);
	diags_free(&d);

	assert_null(flow_load_file("/nonexistent/flow.yaml", &d));
	expect_diag(&d, 0, 0, "cannot open: ");
	diags_free(&d);
}

static void
test_load_special_files(void **state)
{
	struct diags d = DIAGS_INIT;
	char *fifo = tmp_path("fifo.yaml");

	/* A FIFO with no writer would block a plain open() for ever. */
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_null(flow_load_file(fifo, &d));
	expect_diag(&d, 0, 0, "not a regular file");
	diags_free(&d);
	free(fifo);

	assert_null(flow_load_file(tmpdir, &d));
	expect_diag(&d, 0, 0, "not a regular file");
	diags_free(&d);

	assert_null(flow_load_file("/dev/zero", &d));
	expect_diag(&d, 0, 0, "not a regular file");
	diags_free(&d);
}

static void
test_load_big_file(void **state)
{
	/*
	 * 8 GiB, sparse: reading it would take long and a lot of memory. The exact
	 * size in the message shows it was judged by fstat, before any read.
	 */
	char *path = write_sparse_file("big.yaml", "", (off_t)8 << 30);
	struct diags d = DIAGS_INIT;

	assert_null(flow_load_file(path, &d));
	expect_diag(&d, 1, 1, "file is too big (8589934592 bytes; a flow may have at most 1048576)");
	diags_free(&d);

	/* One byte over the limit, in memory. */
	{
		char *buf = xmalloc(FLOW_MAX_FILE_BYTES + 1);

		memset(buf, '#', FLOW_MAX_FILE_BYTES + 1);
		expect_rejected(buf, FLOW_MAX_FILE_BYTES + 1, 1, 1, "file is too big (1048577 bytes");
		free(buf);
	}
	unlink(path);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_flow),
		cmocka_unit_test(test_text_get),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_unknown_keys),
		cmocka_unit_test(test_keys_of_kinds),
		cmocka_unit_test(test_missing_top_keys),
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_texts),
		cmocka_unit_test(test_edges),
		cmocka_unit_test(test_guards),
		cmocka_unit_test(test_errors_facts_platforms),
		cmocka_unit_test(test_verdicts),
		cmocka_unit_test(test_ask_rules),
		cmocka_unit_test(test_max_nodes),
		cmocka_unit_test(test_all_problems_reported),
		cmocka_unit_test(test_alias_bomb),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_huge_scalar),
		cmocka_unit_test(test_binary),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_boms),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_documents_and_tags),
		cmocka_unit_test(test_syntax),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_text_contexts),
		cmocka_unit_test(test_load_file),
		cmocka_unit_test(test_load_special_files),
		cmocka_unit_test(test_load_big_file),
	};

	return cmocka_run_group_tests(tests, tmpdir_setup, tmpdir_teardown);
}
