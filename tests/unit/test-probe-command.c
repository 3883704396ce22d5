/*
 * test-probe-command.c: the "command" probe with real, harmless programs:
 * every outcome, its facts, its evidence, and that the command line never
 * reaches a shell.
 */
#include "config.h"

#include "cmocka-prelude.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe/probe.h"
#include "testutil.h"

/* Runs "command" with NULL-terminated name, value pairs. */
#define run_cmd(r, ...) run_probe(r, "command", __VA_ARGS__)

static void
test_ok(void **state)
{
	struct probe_result r;

	(void)state;
	run_cmd(&r, "argv", "printf 'line1\\nline2\\n'", NULL);
	assert_string_equal(r.outcome, "ok");
	assert_string_equal(result_fact(&r, "command.status"), "0");
	assert_string_equal(result_fact(&r, "command.output"), "line1");
	assert_string_equal(r.evidence.v[0], "$ printf 'line1\\nline2\\n'");
	assert_true(lines_have_exact(&r.evidence, "line2"));
	assert_non_null(r.summary);
	probe_result_free(&r);

	run_cmd(&r, "argv", "true", NULL);
	assert_string_equal(r.outcome, "ok");
	assert_string_equal(result_fact(&r, "command.output"), "");
	probe_result_free(&r);
}

static void
test_pattern(void **state)
{
	struct probe_result r;

	(void)state;
	run_cmd(&r, "argv", "sh -c 'echo hello; echo world'", "pattern", "^wor", NULL);
	assert_string_equal(r.outcome, "ok");
	assert_true(lines_have_exact(&r.evidence, "matching line: world"));
	probe_result_free(&r);

	/* stderr counts too, after stdout. */
	run_cmd(&r, "argv", "sh -c 'echo nothing; echo found-it >&2'", "pattern", "found-it", NULL);
	assert_string_equal(r.outcome, "ok");
	assert_true(lines_have_exact(&r.evidence, "stderr: found-it"));
	probe_result_free(&r);

	run_cmd(&r, "argv", "echo hi", "pattern", "bye", NULL);
	assert_string_equal(r.outcome, "no_match");
	assert_string_equal(result_fact(&r, "command.status"), "0");
	probe_result_free(&r);

	/* The status decides first: a match in a failed run is still a failure. */
	run_cmd(&r, "argv", "sh -c 'echo bye; exit 1'", "pattern", "bye", NULL);
	assert_string_equal(r.outcome, "fail");
	probe_result_free(&r);
}

static void
test_fail_and_expect(void **state)
{
	struct probe_result r;

	(void)state;
	run_cmd(&r, "argv", "sh -c 'echo oops >&2; exit 3'", NULL);
	assert_string_equal(r.outcome, "fail");
	assert_string_equal(result_fact(&r, "command.status"), "3");
	assert_non_null(strstr(r.summary, "status 3"));
	assert_true(lines_have_exact(&r.evidence, "stderr: oops"));
	probe_result_free(&r);

	run_cmd(&r, "argv", "sh -c 'exit 3'", "expect_status", "3", NULL);
	assert_string_equal(r.outcome, "ok");
	probe_result_free(&r);

	run_cmd(&r, "argv", "true", "expect_status", "1", NULL);
	assert_string_equal(r.outcome, "fail");
	probe_result_free(&r);
}

static void
test_not_found_and_denied(void **state)
{
	char *path = write_file("not-executable", "#!/bin/sh\necho ran\n", 0644);
	char *argv;
	struct probe_result r;

	(void)state;
	run_cmd(&r, "argv", "vmtriage-no-such-program-4711 --version", NULL);
	assert_string_equal(r.outcome, "not_found");
	assert_null(result_fact(&r, "command.status"));
	assert_non_null(strstr(r.summary, "vmtriage-no-such-program-4711"));
	probe_result_free(&r);

	argv = xasprintf("'%s'", path);
	run_cmd(&r, "argv", argv, NULL);
	assert_string_equal(r.outcome, "denied");
	probe_result_free(&r);
	free(argv);
	free(path);
}

static void
test_timeout(void **state)
{
	struct probe_result r;

	(void)state;
	run_cmd(&r, "argv", "sh -c 'echo before; exec sleep 30'", "seconds", "1", NULL);
	assert_string_equal(r.outcome, "timeout");
	assert_true(r.elapsed_ms >= 1000 && r.elapsed_ms < 2500);
	/* What it said before the deadline is evidence. */
	assert_true(lines_have_exact(&r.evidence, "before"));
	probe_result_free(&r);
}

static void
test_evidence_tail(void **state)
{
	struct probe_result r;

	(void)state;
	run_cmd(&r, "argv", "sh -c 'seq 1 30; echo e1 >&2; echo e2 >&2'", NULL);
	assert_string_equal(r.outcome, "ok");
	assert_string_equal(result_fact(&r, "command.output"), "1");
	/* The command, the last 20 lines of stdout, then stderr. */
	assert_int_equal(r.evidence.n, 1 + 20 + 2);
	assert_string_equal(r.evidence.v[1], "11");
	assert_string_equal(r.evidence.v[20], "30");
	assert_string_equal(r.evidence.v[21], "stderr: e1");
	assert_string_equal(r.evidence.v[22], "stderr: e2");
	assert_false(lines_have_exact(&r.evidence, "10"));
	probe_result_free(&r);
}

static void
test_no_shell(void **state)
{
	struct probe_result r;

	(void)state;
	run_cmd(&r, "argv", "echo $(id) `id` ; rm -rf / > x &", NULL);
	assert_string_equal(r.outcome, "ok");
	assert_string_equal(result_fact(&r, "command.output"), "$(id) `id` ; rm -rf / > x &");
	probe_result_free(&r);
}

static void
test_bad_params(void **state)
{
	static const struct {
		const char *argv;
		const char *name, *value; /* one more parameter, when name is not NULL */
		const char *why;          /* in the summary, when not NULL */
	} cases[] = {
	    {"echo 'unterminated", NULL, NULL, "quote"},
	    {"   ", NULL, NULL, NULL},
	    {"true", "seconds", "0", NULL},
	    {"true", "expect_status", "256", NULL},
	    {"true", "patern", "x", "did you mean 'pattern'"},
	    {NULL, NULL, NULL, "missing parameter 'argv'"},
	};
	struct probe_result r;

	(void)state;
	for (size_t i = 0; i < nitems(cases); i++) {
		run_cmd(&r, "argv", cases[i].argv, cases[i].name, cases[i].value, NULL);
		assert_string_equal(r.outcome, OUTCOME_ERROR);
		if (cases[i].why != NULL)
			assert_non_null(strstr(r.summary, cases[i].why));
		probe_result_free(&r);
	}
}

static void
test_declared(void **state)
{
	const struct probe_entry *pe = probe_find("command");
	static const char *const outcomes[] = {"ok",      "fail",   "no_match", "not_found",
	                                       "timeout", "denied", "error",    NULL};

	(void)state;
	assert_non_null(pe);
	for (size_t i = 0; outcomes[i] != NULL; i++)
		assert_true(probe_has_outcome(pe, outcomes[i]));
	assert_true(probe_sets_fact(pe, "command.status"));
	assert_true(probe_sets_fact(pe, "command.output"));
	assert_false(probe_sets_fact(pe, "command.other"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ok),
	    cmocka_unit_test(test_pattern),
	    cmocka_unit_test(test_fail_and_expect),
	    cmocka_unit_test(test_not_found_and_denied),
	    cmocka_unit_test(test_timeout),
	    cmocka_unit_test(test_evidence_tail),
	    cmocka_unit_test(test_no_shell),
	    cmocka_unit_test(test_bad_params),
	    cmocka_unit_test(test_declared),
	};

	return cmocka_run_group_tests(tests, tmpdir_setup, tmpdir_teardown);
}
