/*
 * test-flow-validate.c: the whole-flow checks (references, probes, fixes,
 * parameters, outcomes, facts in guards and templates, reachability, loops,
 * goto across the catalogue) and the catalogue itself: search path, loading
 * directories in order, and the error index behind `vmtriage why`.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmocka-prelude.h"

#include "flow/diag.h"
#include "flow/flow.h"
#include "testutil.h"
#include "util/util.h"

/* Loads and validates without a catalogue; returns what flow_validate returned. */
static size_t
validate(const char *yaml, struct diags *d)
{
	struct flow *f = load_yaml_ok(yaml);
	size_t n = flow_validate(f, NULL, d);

	assert_int_equal(n, d->nerrors);
	flow_free(f);
	return n;
}

static const char head[] = "id: v\n"
			   "title: T\n"
			   "start: a\n"
			   "nodes:\n";

/* head plus nodes: node text starts on line 5. */
static size_t
validate_nodes(const char *nodes, struct diags *d)
{
	char *s = xasprintf("%s%s", head, nodes);
	size_t n = validate(s, d);

	free(s);
	return n;
}

static const char good_flow[] =
    "id: vm-wont-start\n"                                      /* 1 */
    "title: The VM does not start\n"                           /* 2 */
    "start: ask-os\n"                                          /* 3 */
    "facts:\n"                                                 /* 4 */
    "  vm.name: The name of the VM\n"                          /* 5 */
    "errors:\n"                                                /* 6 */
    "  - {match: \"launch failed\", node: check-log}\n"        /* 7 */
    "  - {match: \"cannot connect\", node: from-error}\n"      /* 8 */
    "nodes:\n"                                                 /* 9 */
    "  ask-os:\n"                                              /* 10 */
    "    kind: ask\n"                                          /* 11 */
    "    text: Which system?\n"                                /* 12 */
    "    fact: host_os\n"                                      /* 13 */
    "    choices:\n"                                           /* 14 */
    "      - {text: Linux, value: linux, next: check-log}\n"   /* 15 */
    "      - text: Mac\n"                                      /* 16 */
    "        value: darwin\n"                                  /* 17 */
    "        when: {os: darwin}\n"                             /* 18 */
    "        next:\n"                                          /* 19 */
    "          - {when: {host_os: \"!linux\"}, next: run}\n"   /* 20 */
    "          - next: check-log\n"                            /* 21 */
    "  check-log:\n"                                           /* 22 */
    "    kind: check\n"                                        /* 23 */
    "    text: Looking at the log\n"                           /* 24 */
    "    probe: file\n"                                        /* 25 */
    "    with: {path: \"/home/{{vm.name}}/x.log\", pattern: \"timed out\"}\n" /* 26 */
    "    on:\n"                                                /* 27 */
    "      found: fix-it\n"                                    /* 28 */
    "      missing: done\n"                                    /* 29 */
    "      no_match: done\n"                                   /* 30 */
    "      unreadable: done\n"                                 /* 31 */
    "      error: done\n"                                      /* 32 */
    "  run:\n"                                                 /* 33 */
    "    kind: check\n"                                        /* 34 */
    "    text: Run it\n"                                       /* 35 */
    "    probe: command\n"                                     /* 36 */
    "    with: {argv: \"multipass info {{ vm.name }}\", seconds: \"5\"}\n" /* 37 */
    "    when: {file.match: \"!x\", check-log.outcome: [found, error]}\n" /* 38 */
    "    skip: done\n"                                         /* 39 */
    "    on: {ok: done, default: retry}\n"                     /* 40 */
    "  retry:\n"                                               /* 41 */
    "    kind: say\n"                                          /* 42 */
    "    text: Try again.\n"                                   /* 43 */
    "    when: {command.status: \"1\"}\n"                      /* 44 */
    "    next: run\n"                                          /* 45 */
    "  fix-it:\n"                                              /* 46 */
    "    kind: fix\n"                                          /* 47 */
    "    text: Purge\n"                                        /* 48 */
    "    fix: purge_network_cache\n"                           /* 49 */
    "    with: {os: \"{{os}}\"}\n"                             /* 50 */
    "    then: done\n"                                         /* 51 */
    "    else: done\n"                                         /* 52 */
    "  from-error:\n"                                          /* 53 */
    "    kind: fix\n"                                          /* 54 */
    "    text: Update\n"                                       /* 55 */
    "    fix: multipass_find_force_update\n"                   /* 56 */
    "    then: done\n"                                         /* 57 */
    "    else: done\n"                                         /* 58 */
    "  done:\n"                                                /* 59 */
    "    kind: end\n"                                          /* 60 */
    "    verdict: healthy\n"                                   /* 61 */
    "    text: Done.\n";                                       /* 62 */

static void
test_good_flow_resolved(void **state)
{
	struct diags d = DIAGS_INIT;
	struct flow *f = load_yaml_ok(good_flow);
	const struct flow_node *ask, *check, *run, *done;

	assert_int_equal(flow_validate(f, NULL, &d), 0);
	expect_clean(&d);
	ask = flow_node_find(f, "ask-os");
	check = flow_node_find(f, "check-log");
	run = flow_node_find(f, "run");
	done = flow_node_find(f, "done");
	assert_ptr_equal(f->start_node, ask);
	assert_ptr_equal(ask->choices[0].next.alts[0].node, check);
	assert_ptr_equal(ask->choices[1].next.alts[0].node, run);
	assert_ptr_equal(ask->choices[1].next.alts[1].node, check);
	assert_ptr_equal(check->on[1].next.alts[0].node, done);
	assert_ptr_equal(run->skip.alts[0].node, done);
	assert_ptr_equal(flow_node_find(f, "retry")->next.alts[0].node, run);
	/* Validating again changes nothing. */
	assert_int_equal(flow_validate(f, NULL, &d), 0);
	assert_ptr_equal(f->start_node, ask);
	flow_free(f);
	diags_free(&d);
	assert_int_equal(flow_validate(NULL, NULL, &d), 0);
}

static void
test_missing_targets(void **state)
{
	struct diags d = DIAGS_INIT;
	size_t n = validate("id: v\n"                                          /* 1 */
			    "title: T\n"                                       /* 2 */
			    "start: ask-runing\n"                              /* 3 */
			    "errors:\n"                                        /* 4 */
			    "  - {match: \"long enough\", node: nope}\n"      /* 5 */
			    "nodes:\n"                                         /* 6 */
			    "  ask-running:\n"                                 /* 7 */
			    "    kind: say\n"                                  /* 8 */
			    "    text: t\n"                                    /* 9 */
			    "    next:\n"                                      /* 10 */
			    "      - {when: {os: linux}, next: dhcp}\n"        /* 11 */
			    "      - next: done-healty\n"                      /* 12 */
			    "  dhcp:\n"                                        /* 13 */
			    "    kind: say\n"                                  /* 14 */
			    "    text: t\n"                                    /* 15 */
			    "    next: nope\n"                                 /* 16 */
			    "  done-healthy: {kind: end, verdict: healthy, text: t}\n",
	    &d);

	expect_diag(&d, 3, 8, "'start' names 'ask-runing', which no node defines; did you mean "
			      "'ask-running'?");
	expect_diag(&d, 5, 34, "'errors:' entry goes to 'nope', which no node defines");
	expect_diag(&d, 12, 15, "node 'ask-running' goes to 'done-healty', which no node defines; "
				"did you mean 'done-healthy'?");
	expect_diag(&d, 16, 11, "node 'dhcp' goes to 'nope', which no node defines");
	/* No start: reachability is not judged, and broken edges are not loops. */
	assert_int_equal(n, 4);
	diags_free(&d);
}

static void
test_probes_and_fixes(void **state)
{
	struct diags d = DIAGS_INIT;

	validate_nodes("  a:\n"                                                  /* 5 */
		       "    kind: check\n"                                       /* 6 */
		       "    text: t\n"                                           /* 7 */
		       "    probe: fiel\n"                                       /* 8 */
		       "    with: {whatever: 1}\n"                               /* 9 */
		       "    on: {found: b, default: c}\n"                        /* 10 */
		       "  b:\n"                                                  /* 11 */
		       "    kind: fix\n"                                         /* 12 */
		       "    text: t\n"                                           /* 13 */
		       "    fix: purge-network-cache\n"                          /* 14 */
		       "    then: c\n"                                           /* 15 */
		       "    else: c\n"                                           /* 16 */
		       "  c:\n"                                                  /* 17 */
		       "    kind: fix\n"                                         /* 18 */
		       "    text: t\n"                                           /* 19 */
		       "    fix: reboot_the_world\n"                             /* 20 */
		       "    then: d\n"                                           /* 21 */
		       "    else: d\n"                                           /* 22 */
		       "  d:\n"                                                  /* 23 */
		       "    kind: check\n"                                       /* 24 */
		       "    text: t\n"                                           /* 25 */
		       "    probe: telepathy\n"                                  /* 26 */
		       "    on: {default: e}\n"                                  /* 27 */
		       "  e: {kind: end, verdict: healthy, text: t}\n",
	    &d);
	expect_diag(&d, 5, 3, "node 'a' uses probe 'fiel', which does not exist; did you mean 'file'?");
	expect_diag(&d, 11, 3, "node 'b' uses fix 'purge-network-cache', which does not exist; did "
			       "you mean 'purge_network_cache'?");
	expect_diag(&d, 17, 3, "node 'c' uses fix 'reboot_the_world', which does not exist");
	expect_diag(&d, 23, 3, "node 'd' uses probe 'telepathy', which does not exist");
	/* With the probe unknown, its parameters and outcomes are not judged. */
	assert_int_equal(d.nerrors, 4);
	diags_free(&d);
}

static void
test_params(void **state)
{
	struct diags d = DIAGS_INIT;

	validate_nodes("  a:\n"                                                  /* 5 */
		       "    kind: check\n"                                       /* 6 */
		       "    text: t\n"                                           /* 7 */
		       "    probe: file\n"                                       /* 8 */
		       "    with:\n"                                             /* 9 */
		       "      path: var/log/x.log\n"                             /* 10 */
		       "      patern: x\n"                                       /* 11 */
		       "      colour: red\n"                                     /* 12 */
		       "    on: {default: b}\n"                                  /* 13 */
		       "  b:\n"                                                  /* 14 */
		       "    kind: check\n"                                       /* 15 */
		       "    text: t\n"                                           /* 16 */
		       "    probe: command\n"                                    /* 17 */
		       "    with: {seconds: forever, expect_status: \"{{os}}\"}\n" /* 18 */
		       "    on: {default: c}\n"                                  /* 19 */
		       "  c:\n"                                                  /* 20 */
		       "    kind: fix\n"                                         /* 21 */
		       "    text: t\n"                                           /* 22 */
		       "    fix: purge_network_cache\n"                          /* 23 */
		       "    with: {os: beos, force: yes}\n"                      /* 24 */
		       "    then: d\n"                                           /* 25 */
		       "    else: d\n"                                           /* 26 */
		       "  d:\n"                                                  /* 27 */
		       "    kind: fix\n"                                         /* 28 */
		       "    text: t\n"                                           /* 29 */
		       "    fix: purge_network_cache\n"                          /* 30 */
		       "    then: e\n"                                           /* 31 */
		       "    else: e\n"                                           /* 32 */
		       "  e: {kind: end, verdict: healthy, text: t}\n",
	    &d);
	expect_diag(&d, 10, 7, "bad value for parameter 'path': ");
	expect_diag(&d, 11, 7, "probe 'file' has no parameter 'patern'; did you mean 'pattern'?");
	expect_diag(&d, 12, 7, "probe 'file' has no parameter 'colour'");
	expect_diag(&d, 18, 12, "bad value for parameter 'seconds': 'forever' is not");
	expect_diag(&d, 14, 3, "node 'b' does not give parameter 'argv', which probe 'command' "
			       "requires");
	expect_diag(&d, 24, 12, "bad value for parameter 'os': 'beos'");
	expect_diag(&d, 24, 22, "fix 'purge_network_cache' has no parameter 'force'");
	expect_diag(&d, 27, 3, "node 'd' does not give parameter 'os', which fix "
			       "'purge_network_cache' requires");
	/* A template is checked when it is expanded, not at load. */
	assert_int_equal(d.nerrors, 8);
	diags_free(&d);
}

static void
test_outcomes(void **state)
{
	struct diags d = DIAGS_INIT;

	validate_nodes("  a:\n"                                                  /* 5 */
		       "    kind: check\n"                                       /* 6 */
		       "    text: t\n"                                           /* 7 */
		       "    probe: file\n"                                       /* 8 */
		       "    with: {path: /x}\n"                                  /* 9 */
		       "    on: {fonud: b, missing: b, no_match: b, unreadable: b, error: b}\n" /* 10 */
		       "  b:\n"                                                  /* 11 */
		       "    kind: check\n"                                       /* 12 */
		       "    text: t\n"                                           /* 13 */
		       "    probe: command\n"                                    /* 14 */
		       "    with: {argv: \"true\"}\n"                            /* 15 */
		       "    on: {ok: c, fail: c}\n"                              /* 16 */
		       "  c:\n"                                                  /* 17 */
		       "    kind: check\n"                                       /* 18 */
		       "    text: t\n"                                           /* 19 */
		       "    probe: command\n"                                    /* 20 */
		       "    with: {argv: \"true\"}\n"                            /* 21 */
		       "    on: {ok: d, bogus: d, default: d}\n"                 /* 22 */
		       "  d: {kind: end, verdict: healthy, text: t}\n",
	    &d);
	expect_diag(&d, 10, 10, "probe 'file' has no outcome 'fonud'; did you mean 'found'?");
	expect_diag(&d, 5, 3, "probe 'file' can end with 'found', which 'on:' does not handle (add it "
			      "or 'default')");
	expect_diag(&d, 11, 3, "probe 'command' can end with 'no_match', which 'on:' does not handle");
	expect_diag(&d, 11, 3, "probe 'command' can end with 'not_found'");
	expect_diag(&d, 11, 3, "probe 'command' can end with 'timeout'");
	expect_diag(&d, 11, 3, "probe 'command' can end with 'denied'");
	expect_diag(&d, 11, 3, "probe 'command' can end with 'error'");
	expect_diag(&d, 22, 17, "probe 'command' has no outcome 'bogus'");
	/* 'default' covers the rest of c. */
	assert_int_equal(d.nerrors, 8);
	diags_free(&d);
}

static void
test_facts(void **state)
{
	struct diags d = DIAGS_INIT;

	validate("id: v\n"                                                       /* 1 */
		 "title: T\n"                                                    /* 2 */
		 "start: a\n"                                                    /* 3 */
		 "facts: {vm.name: Name}\n"                                      /* 4 */
		 "nodes:\n"                                                      /* 5 */
		 "  a:\n"                                                        /* 6 */
		 "    kind: ask\n"                                               /* 7 */
		 "    text: t\n"                                                 /* 8 */
		 "    fact: answer\n"                                            /* 9 */
		 "    choices:\n"                                                /* 10 */
		 "      - {text: x, value: x, next: b, when: {vm.state: up}}\n"  /* 11 */
		 "  b:\n"                                                        /* 12 */
		 "    kind: check\n"                                             /* 13 */
		 "    text: t\n"                                                 /* 14 */
		 "    probe: file\n"                                             /* 15 */
		 "    with:\n"                                                   /* 16 */
		 "      path: \"/x/{{ vm.name }}/{{arch}}/{{ user }}\"\n"        /* 17 */
		 "      pattern: \"{{ }}\"\n"                                    /* 18 */
		 "    on: {default: c}\n"                                        /* 19 */
		 "  c:\n"                                                        /* 20 */
		 "    kind: say\n"                                               /* 21 */
		 "    text: t\n"                                                 /* 22 */
		 "    when:\n"                                                   /* 23 */
		 "      answer: x\n"                                             /* 24 */
		 "      os: linux\n"                                             /* 25 */
		 "      vm.name: \"!x\"\n"                                       /* 26 */
		 "      file.path: x\n"                                          /* 27 */
		 "      command.status: \"0\"\n"                                 /* 28 */
		 "      b.outcome: [found, error, nope]\n"                       /* 29 */
		 "      a.outcome: x\n"                                          /* 30 */
		 "      zz.outcome: x\n"                                         /* 31 */
		 "    next:\n"                                                   /* 32 */
		 "      - {when: {file.match: y, mood: sad}, next: d}\n"         /* 33 */
		 "      - next: d\n"                                             /* 34 */
		 "  d:\n"                                                        /* 35 */
		 "    kind: check\n"                                             /* 36 */
		 "    text: t\n"                                                 /* 37 */
		 "    probe: command\n"                                          /* 38 */
		 "    with: {argv: \"ls {{ vm.name\"}\n"                         /* 39 */
		 "    on: {default: e}\n"                                        /* 40 */
		 "  e: {kind: end, verdict: healthy, text: t}\n",
	    &d);
	expect_diag(&d, 11, 45, "guard names fact 'vm.state', which nothing in this flow sets");
	expect_diag(&d, 17, 7, "template names fact 'user', which nothing in this flow sets");
	expect_diag(&d, 18, 7, "empty '{{}}' in parameter 'pattern': name a fact inside");
	expect_diag(&d, 29, 7, "'b.outcome' is never 'nope': probe 'file' has no such outcome");
	/* a is an ask node, not a check: it has no outcome. */
	expect_diag(&d, 30, 7, "guard names fact 'a.outcome', which nothing in this flow sets");
	expect_diag(&d, 31, 7, "guard names fact 'zz.outcome'");
	expect_diag(&d, 33, 32, "guard names fact 'mood'");
	expect_diag(&d, 39, 12, "unclosed '{{' in parameter 'argv'");
	/* command.status is known: d uses the command probe. */
	assert_int_equal(d.nerrors, 8);
	diags_free(&d);
}

/* Texts people read may name facts too: checked like templates in with:, with hints. */
static void
test_text_templates(void **state)
{
	struct diags d = DIAGS_INIT;

	validate("id: v\n"                                                        /* 1 */
		 "title: \"{{flow}}: the flow's own texts are not templated\"\n"  /* 2 */
		 "start: a\n"                                                     /* 3 */
		 "facts: {instance: {text: The instance, default: primary}}\n"    /* 4 */
		 "nodes:\n"                                                       /* 5 */
		 "  a:\n"                                                         /* 6 */
		 "    kind: ask\n"                                                /* 7 */
		 "    title: \"Instance {{instance}}\"\n"                         /* 8 */
		 "    text: \"{{ instanse }} on {{os}}/{{arch}} answers {{stage}}\"\n" /* 9 */
		 "    fact: stage\n"                                              /* 10 */
		 "    choices:\n"                                                 /* 11 */
		 "      - {text: \"{{instance}} {{ }}\", value: x, next: b}\n"    /* 12 */
		 "      - {text: {en: \"{{ mood }}\", de: \"{{mood}}, {{ mood\"}, value: y, next: b}\n" /* 13 */
		 "  b:\n"                                                         /* 14 */
		 "    kind: check\n"                                              /* 15 */
		 "    text: \"{{command.status}}: a probe's fact, known once it ran\"\n" /* 16 */
		 "    probe: command\n"                                           /* 17 */
		 "    with: {argv: \"true {{instanse}}\"}\n"                      /* 18 */
		 "    on: {default: c}\n"                                         /* 19 */
		 "  c:\n"                                                         /* 20 */
		 "    kind: end\n"                                                /* 21 */
		 "    verdict: escalate\n"                                        /* 22 */
		 "    title: Ends with {{b.outcome}}\n"                            /* 23 */
		 "    cause: \"{{ instance\"\n"                                   /* 24 */
		 "    text: |\n"                                                  /* 25 */
		 "      {{instance}} is at\n"                                     /* 26 */
		 "      {{ stagee }}.\n"                                          /* 27 */
		 "    next_steps:\n"                                              /* 28 */
		 "      - multipass stop {{instance}} --force\n"                  /* 29 */
		 "      - multipass start {{instanc}}\n"                          /* 30 */
		 "    attach:\n"                                                  /* 31 */
		 "      - \"{{ host }}\"\n",                                      /* 32 */
	    &d);
	expect_diag(&d, 9, 11,
	    "template names fact 'instanse', which nothing in this flow sets; did you mean "
	    "'instance'?");
	expect_diag(&d, 12, 16, "empty '{{}}' in 'text': name a fact inside");
	/* Each problem once per text, whatever its translations repeat. */
	expect_diag(&d, 13, 16, "template names fact 'mood', which nothing in this flow sets");
	expect_diag(&d, 13, 16, "unclosed '{{' in 'text'");
	/* The same hint in with: as in texts. */
	expect_diag(&d, 18, 12,
	    "template names fact 'instanse', which nothing in this flow sets; did you mean "
	    "'instance'?");
	expect_diag(&d, 24, 12, "unclosed '{{' in 'cause'");
	expect_diag(&d, 25, 11,
	    "template names fact 'stagee', which nothing in this flow sets; did you mean 'stage'?");
	expect_diag(&d, 30, 9,
	    "template names fact 'instanc', which nothing in this flow sets; did you mean "
	    "'instance'?");
	expect_diag(&d, 32, 9, "template names fact 'host', which nothing in this flow sets");
	/* Known: a declared fact, os and arch, an ask's fact, a probe's fact, NODE.outcome. */
	assert_int_equal(d.nerrors, 9);
	diags_free(&d);
}

static void
test_reachability(void **state)
{
	struct diags d = DIAGS_INIT;

	validate("id: v\n"                                                       /* 1 */
		 "title: T\n"                                                    /* 2 */
		 "start: a\n"                                                    /* 3 */
		 "errors: [{match: \"some error\", node: c}]\n"                  /* 4 */
		 "nodes:\n"                                                      /* 5 */
		 "  a: {kind: say, text: t, next: b}\n"                          /* 6 */
		 "  b: {kind: end, verdict: healthy, text: t}\n"                 /* 7 */
		 "  c: {kind: say, text: t, next: b}\n"                          /* 8 */
		 "  orphan: {kind: say, text: t, next: b}\n"                     /* 9 */
		 "  orphan2: {kind: end, verdict: healthy, text: t}\n",          /* 10 */
	    &d);
	expect_diag(&d, 9, 3, "node 'orphan' is never reached from 'start' or an 'errors:' entry");
	expect_diag(&d, 10, 3, "node 'orphan2' is never reached");
	assert_int_equal(d.nerrors, 2);
	diags_free(&d);
}

static void
test_loops(void **state)
{
	struct diags d = DIAGS_INIT;

	validate_nodes("  a:\n"                                                  /* 5 */
		       "    kind: ask\n"                                         /* 6 */
		       "    text: t\n"                                           /* 7 */
		       "    choices:\n"                                          /* 8 */
		       "      - {text: loop, next: l1}\n"                        /* 9 */
		       "      - {text: retry, next: r1}\n"                       /* 10 */
		       "      - {text: guarded, next: g1}\n"                     /* 11 */
		       "      - {text: self, next: s}\n"                         /* 12 */
		       "  l1: {kind: say, text: t, next: l2}\n"                  /* 13 */
		       "  l2: {kind: say, text: t, next: l1}\n"                  /* 14 */
		       "  r1:\n"                                                 /* 15 */
		       "    kind: ask\n"                                         /* 16 */
		       "    text: again?\n"                                      /* 17 */
		       "    choices: [{text: y, next: r1}, {text: n, next: out}]\n" /* 18 */
		       "  g1:\n"                                                 /* 19 */
		       "    kind: say\n"                                         /* 20 */
		       "    text: t\n"                                           /* 21 */
		       "    next: [{when: {os: linux}, next: out}, {next: g1}]\n" /* 22 */
		       "  s: {kind: say, text: t, next: s}\n"                    /* 23 */
		       "  out: {kind: goto, flow: elsewhere}\n",                 /* 24 */
	    &d);
	expect_diag(&d, 13, 3, "node 'l1' can never reach an end: every path from it loops");
	expect_diag(&d, 14, 3, "node 'l2' can never reach an end: every path from it loops");
	expect_diag(&d, 23, 3, "node 's' can never reach an end");
	/* r1 and g1 loop, but each has a way out; a goto counts as one. */
	assert_int_equal(d.nerrors, 3);
	diags_free(&d);
}

/* Nodes the loader already found broken do not cascade into more messages. */
static void
test_no_cascade(void **state)
{
	struct diags d = DIAGS_INIT;
	const char *yaml = "id: v\n"
			   "title: T\n"
			   "start: a\n"
			   "nodes:\n"
			   "  a: {kind: say, text: t, next: b}\n"
			   "  b: {kind: sya, text: t, next: c}\n"
			   "  c: {kind: say, text: t}\n"
			   "  d: {kind: check, text: t, probe: file, with: {path: /x}}\n";
	struct flow *f = flow_load_mem("v.yaml", yaml, strlen(yaml), &d);

	assert_non_null(f);
	assert_int_equal(d.nerrors, 3); /* kind, next, on */
	assert_int_equal(flow_validate(f, NULL, &d), 1); /* d is never reached: true */
	expect_diag(&d, 8, 3, "node 'd' is never reached");
	flow_free(f);
	diags_free(&d);

	/* No nodes at all: nothing to resolve, nothing said twice. */
	f = flow_load_mem("v.yaml", "id: v\ntitle: T\nstart: a\n", 23, &d);
	assert_non_null(f);
	assert_int_equal(d.nerrors, 1);
	assert_int_equal(flow_validate(f, NULL, &d), 0);
	flow_free(f);
	diags_free(&d);
}

/* ---- goto and the catalogue ----------------------------------------- */

static const char net_flow[] = "id: net-dhcp\n"
			       "title: No address\n"
			       "start: ask-ip\n"
			       "errors: [{match: \"no IP address\", node: ask-ip},\n"
			       "         {match: \"address\", node: done}]\n"
			       "nodes:\n"
			       "  ask-ip:\n"
			       "    kind: ask\n"
			       "    text: Does it have an address?\n"
			       "    choices: [{text: y, next: done}]\n"
			       "  done: {kind: end, verdict: healthy, text: t}\n";

static const char caller_flow[] = "id: caller\n"                                  /* 1 */
				  "title: T\n"                                    /* 2 */
				  "start: a\n"                                    /* 3 */
				  "errors: [{match: \"NO  ip\", node: a}]\n"      /* 4 */
				  "nodes:\n"                                      /* 5 */
				  "  a:\n"                                        /* 6 */
				  "    kind: ask\n"                               /* 7 */
				  "    text: t\n"                                 /* 8 */
				  "    choices:\n"                                /* 9 */
				  "      - {text: 1, next: g1}\n"                 /* 10 */
				  "      - {text: 2, next: g2}\n"                 /* 11 */
				  "      - {text: 3, next: g3}\n"                 /* 12 */
				  "      - {text: 4, next: g4}\n"                 /* 13 */
				  "  g1: {kind: goto, flow: net-dhcp, node: ask-ip, return: {healthy: a}}\n"
				  "  g2: {kind: goto, flow: net-dhcpp}\n"         /* 15 */
				  "  g3: {kind: goto, flow: net-dhcp, node: nope}\n" /* 16 */
				  "  g4: {kind: goto, flow: caller, node: a}\n";  /* 17 */

static void
test_goto(void **state)
{
	struct catalog cat = { NULL, 0 };
	struct diags d = DIAGS_INIT;
	struct flow *caller = load_yaml_ok(caller_flow);
	struct flow_why_hit hits[4];

	catalog_add(&cat, load_yaml_ok(net_flow));
	/* Without a catalogue, goto targets are not judged. */
	assert_int_equal(flow_validate(caller, NULL, &d), 0);
	assert_int_equal(flow_validate(caller, &cat, &d), 2);
	expect_diag(&d, 15, 26, "node 'g2' goes to flow 'net-dhcpp', which the catalogue does not "
				"have");
	expect_diag(&d, 16, 26, "node 'g3' goes to node 'nope' of flow 'net-dhcp', which that flow "
				"does not define");
	diags_free(&d);

	catalog_add(&cat, caller);
	assert_ptr_equal(catalog_find(&cat, "caller"), caller);
	assert_null(catalog_find(&cat, "nope"));
	assert_null(catalog_find(NULL, "caller"));
	assert_int_equal(catalog_validate(&cat, &d), 2);
	diags_free(&d);

	/* why: folded white space and case; longest match first; max caps the copy. */
	assert_int_equal(catalog_why(&cat, "launch failed: No IP   address for vm", hits, 4), 3);
	assert_string_equal(hits[0].error->match, "no IP address");
	assert_string_equal(hits[0].node->id, "ask-ip");
	assert_string_equal(hits[0].flow->id, "net-dhcp");
	assert_string_equal(hits[1].error->match, "address");
	assert_string_equal(hits[2].error->match, "NO  ip");
	assert_ptr_equal(hits[2].flow, caller);
	assert_int_equal(catalog_why(&cat, "no ip address", hits, 1), 3);
	assert_string_equal(hits[0].error->match, "no IP address");
	assert_int_equal(catalog_why(&cat, "all good", hits, 4), 0);
	assert_int_equal(catalog_why(&cat, "", hits, 4), 0);
	catalog_free(&cat);
	assert_int_equal(cat.nflows, 0);
}

/* A flow of one end node, id and title as given, at name under tmpdir. */
static void
write_flow(const char *name, const char *id, const char *title)
{
	char *text = xasprintf(
	    "id: %s\ntitle: %s\nstart: a\nnodes:\n  a: {kind: end, verdict: healthy, text: t}\n",
	    id, title);

	free(write_file(name, text, 0644));
	free(text);
}

static void
test_load_dirs(void **state)
{
	char *site = tmp_path("site"), *shipped = tmp_path("shipped");
	struct strlist dirs = STRLIST_INIT;
	struct catalog cat = { NULL, 0 };
	struct diags d = DIAGS_INIT;
	char *bad;

	assert_int_equal(mkdir(site, 0700), 0);
	assert_int_equal(mkdir(shipped, 0700), 0);
	write_flow("shipped/b.yaml", "net", "Shipped net");
	write_flow("shipped/a.yaml", "launch", "Shipped launch");
	write_flow("shipped/c.yaml", "launch", "Duplicate in the same dir");
	write_flow("shipped/notes.txt", "ignored", "Not yaml");
	write_flow("shipped/.hidden.yaml", "hidden", "Hidden");
	write_flow("site/net.yaml", "net", "Site net");
	bad = write_file("site/zz-broken.yaml", "id: [\n", 0644);

	strlist_add(&dirs, site);
	strlist_add(&dirs, "/nonexistent/vmtriage/flows"); /* silently skipped */
	strlist_add(&dirs, shipped);
	catalog_load_dirs(&cat, &dirs, &d);

	/* site/net.yaml, then shipped a.yaml (launch); shipped b.yaml (net) is overridden. */
	assert_int_equal(cat.nflows, 2);
	assert_string_equal(cat.flows[0]->id, "net");
	assert_string_equal(cat.flows[0]->title.en, "Site net");
	assert_string_equal(cat.flows[1]->id, "launch");
	assert_string_equal(cat.flows[1]->title.en, "Shipped launch");
	assert_null(catalog_find(&cat, "ignored"));
	assert_null(catalog_find(&cat, "hidden"));
	/* The broken file and the duplicate in one directory are errors; overriding is not. */
	assert_int_equal(d.nerrors, 2);
	expect_diag(&d, 2, 1, "syntax error");
	assert_string_equal(d.v[0].file, bad);
	expect_diag(&d, 0, 0, "flow id 'launch' is already used by ");
	assert_non_null(strstr(d.v[1].file, "shipped/c.yaml"));
	assert_non_null(strstr(d.v[1].msg, "shipped/a.yaml"));
	catalog_free(&cat);
	diags_free(&d);
	strlist_free(&dirs);
	free(bad);
	free(site);
	free(shipped);
}

static void
test_default_dirs(void **state)
{
	struct strlist dirs = STRLIST_INIT;

	setenv("VMTRIAGE_FLOW_PATH", "/a::/b/c:", 1);
	catalog_default_dirs(&dirs);
	assert_int_equal(dirs.n, 2);
	assert_string_equal(dirs.v[0], "/a");
	assert_string_equal(dirs.v[1], "/b/c");
	strlist_free(&dirs);

	unsetenv("VMTRIAGE_FLOW_PATH");
	setenv("XDG_CONFIG_HOME", "/xdg", 1);
	setenv("HOME", "/home/u", 1);
	catalog_default_dirs(&dirs);
	assert_int_equal(dirs.n, 2);
	assert_string_equal(dirs.v[0], "/xdg/vmtriage/flows");
	assert_string_equal(dirs.v[1], FLOWDIR);
	strlist_free(&dirs);

	/* A relative XDG_CONFIG_HOME is invalid: the default under HOME is used. */
	setenv("XDG_CONFIG_HOME", "relative", 1);
	catalog_default_dirs(&dirs);
	assert_string_equal(dirs.v[0], "/home/u/.config/vmtriage/flows");
	strlist_free(&dirs);

	unsetenv("XDG_CONFIG_HOME");
	setenv("VMTRIAGE_FLOW_PATH", "", 1);
	catalog_default_dirs(&dirs);
	assert_int_equal(dirs.n, 2);
	assert_string_equal(dirs.v[0], "/home/u/.config/vmtriage/flows");
	assert_string_equal(dirs.v[1], FLOWDIR);
	strlist_free(&dirs);
}

/* Every shipped flow validates against the whole shipped catalogue. */
static void
test_shipped_flows(void **state)
{
	struct strlist dirs = STRLIST_INIT;
	struct catalog cat = { NULL, 0 };
	struct diags d = DIAGS_INIT;

	strlist_add(&dirs, SRCDIR "/flows");
	catalog_load_dirs(&cat, &dirs, &d);
	catalog_validate(&cat, &d);
	if (d.nerrors != 0) {
		dump_diags(&d);
		fail_msg("shipped flows have problems");
	}
	catalog_free(&cat);
	diags_free(&d);
	strlist_free(&dirs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_flow_resolved),
		cmocka_unit_test(test_missing_targets),
		cmocka_unit_test(test_probes_and_fixes),
		cmocka_unit_test(test_params),
		cmocka_unit_test(test_outcomes),
		cmocka_unit_test(test_facts),
		cmocka_unit_test(test_text_templates),
		cmocka_unit_test(test_reachability),
		cmocka_unit_test(test_loops),
		cmocka_unit_test(test_no_cascade),
		cmocka_unit_test(test_goto),
		cmocka_unit_test(test_load_dirs),
		cmocka_unit_test(test_default_dirs),
		cmocka_unit_test(test_shipped_flows),
	};

	return cmocka_run_group_tests(tests, tmpdir_setup, tmpdir_teardown);
}
