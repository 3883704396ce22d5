/*
 * test-probe-file.c: the "file" probe on real files in a temporary
 * directory, every outcome of it, and the probe registry and runner that
 * every probe goes through.
 */
#include "config.h"

#include "cmocka-prelude.h"

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/host.h"
#include "probe/probe.h"
#include "testutil.h"

/* Runs "file" with path and, when not NULL, pattern. */
static void
run_file(const char *path, const char *pattern, struct probe_result *r)
{
	run_probe(r, "file", "path", path, "pattern", pattern, NULL);
}

static void
test_exists(void **state)
{
	char *path = write_file("exists", "hello\n", 0644);
	char *missing = tmp_path("missing");
	struct probe_result r;

	(void)state;
	run_file(path, NULL, &r);
	assert_string_equal(r.outcome, "found");
	assert_string_equal(result_fact(&r, "file.path"), path);
	assert_null(result_fact(&r, "file.match"));
	assert_non_null(r.summary);
	assert_true(r.elapsed_ms >= 0);
	probe_result_free(&r);

	run_file(missing, NULL, &r);
	assert_string_equal(r.outcome, "missing");
	assert_string_equal(result_fact(&r, "file.path"), missing);
	probe_result_free(&r);

	run_file(missing, "anything", &r);
	assert_string_equal(r.outcome, "missing");
	assert_true(r.evidence.n > 0);
	probe_result_free(&r);
	free(path);
	free(missing);
}

static void
test_match(void **state)
{
	char *path =
	    write_file("leases",
	               "# comment\n1700000000 52:54:00:aa:bb:cc 10.97.0.5 primary *\r\n"
	               "1700000001 52:54:00:dd:ee:ff 10.97.0.6 other *\nlast line without newline",
	               0644);
	struct probe_result r;

	(void)state;
	run_file(path, "10\\.97\\.[0-9]+\\.[0-9]+ (primary|other)", &r);
	assert_string_equal(r.outcome, "found");
	/* The first match, without its CR. */
	assert_string_equal(result_fact(&r, "file.match"),
	                    "1700000000 52:54:00:aa:bb:cc 10.97.0.5 primary *");
	assert_true(lines_have(&r.evidence, ":2: 1700000000"));
	assert_true(lines_have(&r.evidence, ":3: 1700000001"));
	assert_non_null(strstr(r.summary, "2 line"));
	probe_result_free(&r);

	run_file(path, "without newline$", &r);
	assert_string_equal(r.outcome, "found");
	assert_true(lines_have(&r.evidence, ":4: last line"));
	probe_result_free(&r);

	run_file(path, "^nothing like this$", &r);
	assert_string_equal(r.outcome, "no_match");
	assert_null(result_fact(&r, "file.match"));
	assert_true(lines_have(&r.evidence, "4 lines"));
	probe_result_free(&r);
	free(path);
}

static void
test_many_and_long_matches(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct probe_result r;
	char *path;

	(void)state;
	for (int i = 0; i < 25; i++)
		strbuf_addf(&sb, "hit %d\n", i);
	for (int i = 0; i < 300; i++)
		strbuf_addc(&sb, 'L');
	strbuf_adds(&sb, " hit long\nbinary \x01\xff hit\n");
	path = write_file("many", sb.buf, 0644);
	run_file(path, "hit", &r);
	assert_string_equal(r.outcome, "found");
	assert_string_equal(result_fact(&r, "file.match"), "hit 0");
	/* 20 lines shown, then a count of the rest. */
	assert_int_equal(r.evidence.n, 21);
	assert_non_null(strstr(r.evidence.v[20], "7 more"));
	probe_result_free(&r);

	run_file(path, "hit long", &r);
	assert_int_equal(strlen(result_fact(&r, "file.match")), 200 + 3);
	assert_true(str_has_suffix(result_fact(&r, "file.match"), "LLL..."));
	probe_result_free(&r);

	/* Control bytes and bad UTF-8 never reach a report. */
	run_file(path, "^binary", &r);
	assert_string_equal(result_fact(&r, "file.match"), "binary ?? hit");
	probe_result_free(&r);
	strbuf_free(&sb);
	free(path);
}

static void
test_unreadable(void **state)
{
	char *fifo = tmp_path("fifo");
	char *secret = write_file("secret", "x\n", 0000);
	struct probe_result r;

	(void)state;
	run_file(tmpdir, NULL, &r);
	assert_string_equal(r.outcome, "unreadable");
	assert_non_null(strstr(r.summary, "not a regular file"));
	probe_result_free(&r);

	run_file(tmpdir, "x", &r);
	assert_string_equal(r.outcome, "unreadable");
	assert_non_null(strstr(r.summary, "not a regular file"));
	assert_true(lines_have(&r.evidence, "directory"));
	probe_result_free(&r);

	/* A FIFO with no writer must not hang the probe. */
	assert_int_equal(mkfifo(fifo, 0600), 0);
	run_file(fifo, "x", &r);
	assert_string_equal(r.outcome, "unreadable");
	assert_true(lines_have(&r.evidence, "FIFO"));
	assert_true(r.elapsed_ms < 1000);
	probe_result_free(&r);

	if (geteuid() != 0) {
		run_file(secret, "x", &r);
		assert_string_equal(r.outcome, "unreadable");
		assert_non_null(strstr(r.summary, "permission denied"));
		probe_result_free(&r);
		/* Existence alone needs no read permission. */
		run_file(secret, NULL, &r);
		assert_string_equal(r.outcome, "found");
		probe_result_free(&r);
	}
	free(fifo);
	free(secret);
}

static void
test_too_big(void **state)
{
	char *path = write_sparse_file("big", "needle\n", 9 * 1024 * 1024);
	struct probe_result r;

	(void)state;
	run_file(path, "needle", &r);
	assert_string_equal(r.outcome, "found");
	assert_true(lines_have(&r.evidence, "only the first 8 MiB"));
	probe_result_free(&r);
	free(path);
}

static void
test_bad_params(void **state)
{
	struct probe_result r;

	(void)state;
	run_file("relative/path", NULL, &r);
	assert_string_equal(r.outcome, OUTCOME_ERROR);
	assert_non_null(strstr(r.summary, "absolute"));
	assert_true(lines_have(&r.evidence, "absolute"));
	probe_result_free(&r);

	run_file("/etc/../etc/passwd", NULL, &r);
	assert_string_equal(r.outcome, OUTCOME_ERROR);
	probe_result_free(&r);

	run_file("/etc/hostname", "([", &r);
	assert_string_equal(r.outcome, OUTCOME_ERROR);
	assert_non_null(strstr(r.summary, "pattern"));
	probe_result_free(&r);

	run_file(NULL, NULL, &r);
	assert_string_equal(r.outcome, OUTCOME_ERROR);
	assert_non_null(strstr(r.summary, "missing parameter 'path'"));
	probe_result_free(&r);
}

/* ---- the registry and the runner ---------------------------------------- */

static int
fake_fail(const struct params *p, const struct probe_ctx *ctx, struct probe_result *r)
{
	(void)p;
	(void)ctx;
	probe_result_set_outcome(r, "good");
	return -1;
}

static int
fake_silent(const struct params *p, const struct probe_ctx *ctx, struct probe_result *r)
{
	(void)p;
	(void)ctx;
	(void)r;
	return 0;
}

static int
fake_undeclared(const struct params *p, const struct probe_ctx *ctx, struct probe_result *r)
{
	(void)p;
	(void)ctx;
	probe_result_set_outcome(r, "surprise");
	return 0;
}

static int fake_seen_timeout;

static int
fake_good(const struct params *p, const struct probe_ctx *ctx, struct probe_result *r)
{
	(void)p;
	fake_seen_timeout = ctx->timeout_ms;
	probe_result_set_outcome(r, "good");
	probe_result_fact(r, "iface.eth0.addr", "%s", "10.0.0.1");
	probe_result_fact(r, "iface.eth0.addr", "%s", "10.0.0.2"); /* replaces */
	probe_result_summary(r, "first");
	probe_result_summary(r, "second %d", 2);
	probe_result_evidence(r, "line %d", 1);
	return 0;
}

static const struct param_def fake_params[] = {
    {.name = "seconds", .type = PARAM_SECONDS, .def = "7"},
    {.name = NULL},
};
static const struct outcome_def fake_outcomes[] = {{"good", "good"}, {NULL, NULL}};
static const char *const fake_facts[] = {"iface.*.addr", "plain", NULL};

static struct probe_entry
fake(int (*run)(const struct params *, const struct probe_ctx *, struct probe_result *))
{
	struct probe_entry pe = {.name = "fake",
	                         .summary = "fake",
	                         .params = fake_params,
	                         .outcomes = fake_outcomes,
	                         .facts = fake_facts,
	                         .default_timeout_ms = 5000,
	                         .run = run};

	return pe;
}

static void
test_registry(void **state)
{
	const struct probe_entry *file = probe_find("file");
	struct probe_entry pe = fake(fake_good);

	(void)state;
	assert_non_null(file);
	assert_non_null(probe_find("command"));
	assert_null(probe_find("nope"));
	for (size_t i = 0; probe_table[i] != NULL; i++)
		assert_ptr_equal(probe_find(probe_table[i]->name), probe_table[i]);
	assert_true(probe_has_outcome(file, "found"));
	assert_true(probe_has_outcome(file, "unreadable"));
	assert_true(probe_has_outcome(file, OUTCOME_ERROR)); /* implied for every probe */
	assert_false(probe_has_outcome(file, "bogus"));
	assert_false(probe_has_outcome(file, NULL));
	assert_true(probe_sets_fact(file, "file.match"));
	assert_false(probe_sets_fact(file, "file"));
	assert_false(probe_sets_fact(file, "file.match.x"));

	/* "*" stands for exactly one part. */
	assert_true(probe_sets_fact(&pe, "iface.eth0.addr"));
	assert_true(probe_sets_fact(&pe, "iface.mpqemubr0.addr"));
	assert_false(probe_sets_fact(&pe, "iface.addr"));
	assert_false(probe_sets_fact(&pe, "iface..addr"));
	assert_false(probe_sets_fact(&pe, "iface.a.b.addr"));
	assert_false(probe_sets_fact(&pe, "iface.eth0.addr.x"));
	assert_true(probe_sets_fact(&pe, "plain"));
	assert_false(probe_sets_fact(&pe, "plai"));
	assert_false(probe_sets_fact(&pe, "plain.x"));
}

static void
test_runner(void **state)
{
	struct probe_entry pe = fake(fake_good);
	struct params p = {NULL, 0};
	struct probe_result r;

	(void)state;
	probe_run(&pe, NULL, host_live(), &r);
	assert_string_equal(r.outcome, "good");
	assert_int_equal(fake_seen_timeout, 7000); /* from the seconds default */
	assert_int_equal(r.nfacts, 1);
	assert_string_equal(r.facts[0].value, "10.0.0.2");
	assert_string_equal(r.summary, "second 2");
	assert_string_equal(r.evidence.v[0], "line 1");
	probe_result_free(&r);

	params_set(&p, "seconds", "30");
	probe_run(&pe, &p, host_live(), &r);
	assert_int_equal(fake_seen_timeout, 30000);
	probe_result_free(&r);
	params_free(&p);

	pe = fake(fake_fail);
	probe_run(&pe, NULL, host_live(), &r);
	assert_string_equal(r.outcome, OUTCOME_ERROR);
	assert_non_null(r.summary);
	probe_result_free(&r);

	pe = fake(fake_silent);
	probe_run(&pe, NULL, host_live(), &r);
	assert_string_equal(r.outcome, OUTCOME_ERROR);
	probe_result_free(&r);

	pe = fake(fake_undeclared);
	probe_run(&pe, NULL, host_live(), &r);
	assert_string_equal(r.outcome, OUTCOME_ERROR);
	assert_true(lines_have(&r.evidence, "surprise"));
	probe_result_free(&r);
	probe_result_free(&r); /* freeing twice is harmless */

	vt_cancelled = 1;
	pe = fake(fake_good);
	probe_run(&pe, NULL, host_live(), &r);
	vt_cancelled = 0;
	assert_string_equal(r.outcome, OUTCOME_ERROR);
	probe_result_free(&r);
}

static void
test_clean_line_and_tail(void **state)
{
	static const struct {
		const char *in;
		size_t len, max;
		const char *want;
	} lines[] = {
	    {"caf\xc3\xa9\tok", 8, 200, "caf\xc3\xa9\tok"},
	    {"a\nb\rc\x1b", 6, 200, "a?b?c?"},
	    {"ab\xc3\xa9", 4, 3, "ab..."}, /* never cut inside a character */
	    {"", 0, 10, ""},
	};
	struct strlist sl = STRLIST_INIT;
	char *s;

	(void)state;
	for (size_t i = 0; i < nitems(lines); i++) {
		s = probe_clean_line(lines[i].in, lines[i].len, lines[i].max);
		assert_string_equal(s, lines[i].want);
		free(s);
	}

	probe_tail_lines(&sl, "> ", "1\n2\n3\n4\r\n", 9, 2);
	lines_are(&sl, W("> 3", "> 4"));
	strlist_free(&sl);
	probe_tail_lines(&sl, "", "only", 4, 20);
	lines_are(&sl, W("only"));
	strlist_free(&sl);
	probe_tail_lines(&sl, "", "\n\nx\n", 4, 20);
	lines_are(&sl, W("", "", "x"));
	strlist_free(&sl);
	probe_tail_lines(&sl, "", "", 0, 20);
	assert_int_equal(sl.n, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_exists),
	    cmocka_unit_test(test_match),
	    cmocka_unit_test(test_many_and_long_matches),
	    cmocka_unit_test(test_unreadable),
	    cmocka_unit_test(test_too_big),
	    cmocka_unit_test(test_bad_params),
	    cmocka_unit_test(test_registry),
	    cmocka_unit_test(test_runner),
	    cmocka_unit_test(test_clean_line_and_tail),
	};

	return cmocka_run_group_tests(tests, tmpdir_setup, tmpdir_teardown);
}
