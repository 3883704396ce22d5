/*
 * test-probe-command.c: the "command" probe with real, harmless programs:
 * every outcome, its facts, its evidence, and that the command line never
 * reaches a shell.
 */
#include "config.h"

#include "cmocka-prelude.h"

#include <sys/stat.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/host.h"
#include "probe/probe.h"

static char tmpdir[] = "/tmp/vt-test-probe-command-XXXXXX";

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int
setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	return nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Runs "command" with NULL-terminated name, value pairs. */
static void
run_cmd(struct probe_result *r, ...)
{
	struct params p = {NULL, 0};
	const char *k, *v;
	va_list ap;

	va_start(ap, r);
	while ((k = va_arg(ap, const char *)) != NULL) {
		v = va_arg(ap, const char *);
		params_set(&p, k, v);
	}
	va_end(ap);
	probe_run(probe_find("command"), &p, host_live(), r);
	params_free(&p);
}

static const char *
fact(const struct probe_result *r, const char *key)
{
	for (size_t i = 0; i < r->nfacts; i++) {
		if (strcmp(r->facts[i].key, key) == 0)
			return r->facts[i].value;
	}
	return NULL;
}

static bool
evidence_has(const struct probe_result *r, const char *line)
{
	for (size_t i = 0; i < r->evidence.n; i++) {
		if (strcmp(r->evidence.v[i], line) == 0)
			return true;
	}
	return false;
}

static void
test_ok(void **state)
{
	struct probe_result r;

	(void)state;
	run_cmd(&r, "argv", "printf 'line1\\nline2\\n'", NULL);
	assert_string_equal(r.outcome, "ok");
	assert_string_equal(fact(&r, "command.status"), "0");
	assert_string_equal(fact(&r, "command.output"), "line1");
	assert_string_equal(r.evidence.v[0], "$ printf 'line1\\nline2\\n'");
	assert_true(evidence_has(&r, "line2"));
	assert_non_null(r.summary);
	probe_result_free(&r);

	run_cmd(&r, "argv", "true", NULL);
	assert_string_equal(r.outcome, "ok");
	assert_string_equal(fact(&r, "command.output"), "");
	probe_result_free(&r);
}

static void
test_pattern(void **state)
{
	struct probe_result r;

	(void)state;
	run_cmd(&r, "argv", "sh -c 'echo hello; echo world'", "pattern", "^wor", NULL);
	assert_string_equal(r.outcome, "ok");
	assert_true(evidence_has(&r, "matching line: world"));
	probe_result_free(&r);

	/* stderr counts too, after stdout. */
	run_cmd(&r, "argv", "sh -c 'echo nothing; echo found-it >&2'", "pattern", "found-it", NULL);
	assert_string_equal(r.outcome, "ok");
	assert_true(evidence_has(&r, "stderr: found-it"));
	probe_result_free(&r);

	run_cmd(&r, "argv", "echo hi", "pattern", "bye", NULL);
	assert_string_equal(r.outcome, "no_match");
	assert_string_equal(fact(&r, "command.status"), "0");
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
	assert_string_equal(fact(&r, "command.status"), "3");
	assert_non_null(strstr(r.summary, "status 3"));
	assert_true(evidence_has(&r, "stderr: oops"));
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
	char *path = xasprintf("%s/not-executable", tmpdir);
	char *argv;
	FILE *f;
	struct probe_result r;

	(void)state;
	run_cmd(&r, "argv", "vmtriage-no-such-program-4711 --version", NULL);
	assert_string_equal(r.outcome, "not_found");
	assert_null(fact(&r, "command.status"));
	assert_non_null(strstr(r.summary, "vmtriage-no-such-program-4711"));
	probe_result_free(&r);

	f = fopen(path, "w");
	assert_non_null(f);
	fputs("#!/bin/sh\necho ran\n", f);
	fclose(f);
	chmod(path, 0644);
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
	assert_true(evidence_has(&r, "before"));
	probe_result_free(&r);
}

static void
test_evidence_tail(void **state)
{
	struct probe_result r;

	(void)state;
	run_cmd(&r, "argv", "sh -c 'seq 1 30; echo e1 >&2; echo e2 >&2'", NULL);
	assert_string_equal(r.outcome, "ok");
	assert_string_equal(fact(&r, "command.output"), "1");
	/* The command, the last 20 lines of stdout, then stderr. */
	assert_int_equal(r.evidence.n, 1 + 20 + 2);
	assert_string_equal(r.evidence.v[1], "11");
	assert_string_equal(r.evidence.v[20], "30");
	assert_string_equal(r.evidence.v[21], "stderr: e1");
	assert_string_equal(r.evidence.v[22], "stderr: e2");
	assert_false(evidence_has(&r, "10"));
	probe_result_free(&r);
}

static void
test_no_shell(void **state)
{
	struct probe_result r;

	(void)state;
	run_cmd(&r, "argv", "echo $(id) `id` ; rm -rf / > x &", NULL);
	assert_string_equal(r.outcome, "ok");
	assert_string_equal(fact(&r, "command.output"), "$(id) `id` ; rm -rf / > x &");
	probe_result_free(&r);
}

static void
test_bad_params(void **state)
{
	struct probe_result r;

	(void)state;
	run_cmd(&r, "argv", "echo 'unterminated", NULL);
	assert_string_equal(r.outcome, OUTCOME_ERROR);
	assert_non_null(strstr(r.summary, "quote"));
	probe_result_free(&r);

	run_cmd(&r, "argv", "   ", NULL);
	assert_string_equal(r.outcome, OUTCOME_ERROR);
	probe_result_free(&r);

	run_cmd(&r, "argv", "true", "seconds", "0", NULL);
	assert_string_equal(r.outcome, OUTCOME_ERROR);
	probe_result_free(&r);

	run_cmd(&r, "argv", "true", "expect_status", "256", NULL);
	assert_string_equal(r.outcome, OUTCOME_ERROR);
	probe_result_free(&r);

	run_cmd(&r, "argv", "true", "patern", "x", NULL);
	assert_string_equal(r.outcome, OUTCOME_ERROR);
	assert_non_null(strstr(r.summary, "did you mean 'pattern'"));
	probe_result_free(&r);

	run_cmd(&r, NULL);
	assert_string_equal(r.outcome, OUTCOME_ERROR);
	assert_non_null(strstr(r.summary, "missing parameter 'argv'"));
	probe_result_free(&r);
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

	return cmocka_run_group_tests(tests, setup, teardown);
}
