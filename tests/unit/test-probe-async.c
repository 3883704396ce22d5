/*
 * test-probe-async.c: probes run in a child process. The real "command" and
 * "file" probes give what they give in-process; test-only probes crash,
 * hang with SIGTERM blocked, flood progress, send 5 MiB of evidence or
 * garbage, and the parent still ends each one cleanly: no hang, no zombie,
 * no fd left open. Time limits here are hang guards, never measurements.
 */
#include "config.h"

#include "cmocka-prelude.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "host/host.h"
#include "probe/probe-async.h"
#include "probe/probe.h"
#include "testutil.h"

/* No job in these tests should need more than this; a longer one has hung. */
#define HANG_GUARD_MS 20000

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Polls the job as a front end does until it is done; the ms it took, or -1 past max_ms. */
static long
wait_job(struct probe_job *job, struct probe_result *r, long max_ms)
{
	long start = now_ms();

	while (!probe_job_poll(job, r)) {
		struct pollfd pfd = {probe_job_fd(job), POLLIN, 0};

		if (now_ms() - start > max_ms)
			return -1;
		poll(&pfd, 1, probe_job_wait_ms(job));
	}
	return now_ms() - start;
}

/* name, value pairs, NULL-terminated; a NULL value leaves the name out. */
static void
set_params(struct params *p, ...)
{
	const char *name, *value;
	va_list ap;

	va_start(ap, p);
	while ((name = va_arg(ap, const char *)) != NULL) {
		value = va_arg(ap, const char *);
		if (value != NULL)
			params_set(p, name, value);
	}
	va_end(ap);
}

/* Runs pe in a child and waits for it; fails the test when it hangs. */
static void
run_job(const struct probe_entry *pe, const struct params *p, struct probe_result *r)
{
	struct probe_job *job = probe_job_start(pe, p, host_live());

	assert_true(wait_job(job, r, HANG_GUARD_MS) >= 0);
	probe_job_free(job);
}

static void
results_equal(const struct probe_result *a, const struct probe_result *b)
{
	assert_string_equal(a->outcome, b->outcome);
	if (a->summary == NULL || b->summary == NULL)
		assert_ptr_equal(a->summary, b->summary);
	else
		assert_string_equal(a->summary, b->summary);
	assert_int_equal(a->nfacts, b->nfacts);
	for (size_t i = 0; i < a->nfacts; i++) {
		assert_string_equal(a->facts[i].key, b->facts[i].key);
		assert_string_equal(a->facts[i].value, b->facts[i].value);
	}
	assert_int_equal(a->evidence.n, b->evidence.n);
	for (size_t i = 0; i < a->evidence.n; i++)
		assert_string_equal(a->evidence.v[i], b->evidence.v[i]);
}

/* Open fds of this process; -1 where /proc/self/fd cannot tell. */
static int
count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1; /* the directory's own fd */
}

/* No child of ours is left, not even a zombie. */
static void
no_children(void)
{
	int st;

	errno = 0;
	assert_int_equal(waitpid(-1, &st, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

/* The pid a command wrote to path, waiting while the job polls; 0 when none came. */
static pid_t
wait_pid_file(struct probe_job *job, const char *path)
{
	long start = now_ms();

	while (now_ms() - start < HANG_GUARD_MS) {
		struct probe_result r;
		FILE *fp = NULL;
		long pid = 0;

		if ((fp = fopen(path, "r")) != NULL) {
			int got = fscanf(fp, "%ld", &pid);

			fclose(fp);
			if (got == 1 && pid > 0)
				return (pid_t)pid;
		}
		if (probe_job_poll(job, &r)) {
			print_message("# the job ended early: %s\n", r.summary);
			probe_result_free(&r);
			return 0;
		}
		poll(NULL, 0, 20);
	}
	return 0;
}

/* A command line that writes its shell's pid to path, then becomes a long sleep. */
static char *
sleeper_argv(const char *path)
{
	return xasprintf("sh -c 'echo $$ > %s; exec sleep 300'", path);
}

static bool
process_gone(pid_t pid)
{
	return kill(pid, 0) == -1 && errno == ESRCH;
}

/* ---- test-only probes ---------------------------------------------------- */

static const struct outcome_def t_outcomes[] = {{"ok", "ok"}, {NULL, NULL}};
static const char *const t_facts[] = {"t.*", NULL};
static const struct param_def t_params[] = {{.name = NULL}};

static int
crash_run(const struct params *p, const struct probe_ctx *ctx, struct probe_result *r)
{
	(void)p;
	(void)ctx;
	(void)r;
	fputs("about to crash\n", stderr);
	raise(SIGSEGV);
	return 0;
}

static int
hang_run(const struct params *p, const struct probe_ctx *ctx, struct probe_result *r)
{
	sigset_t term;

	(void)p;
	(void)r;
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigprocmask(SIG_BLOCK, &term, NULL);
	probe_progress(ctx, "hanging");
	for (;;)
		poll(NULL, 0, 1000);
	return 0;
}

static int
progress_run(const struct params *p, const struct probe_ctx *ctx, struct probe_result *r)
{
	(void)p;
	for (int i = 1; i <= 500; i++) {
		probe_progress(ctx, "line %d", i);
		poll(NULL, 0, 1);
	}
	probe_result_set_outcome(r, "ok");
	return 0;
}

static int
huge_run(const struct params *p, const struct probe_ctx *ctx, struct probe_result *r)
{
	char *big = xmalloc(2 * 1024 * 1024 + 1);

	(void)p;
	(void)ctx;
	memset(big, 'x', 2 * 1024 * 1024);
	big[2 * 1024 * 1024] = '\0';
	probe_result_set_outcome(r, "ok");
	probe_result_fact(r, "t.big", "%s", big);
	probe_result_evidence(r, "%s", big);
	/* And 3 MiB more in lines of 64 KiB: 5 MiB of evidence in all. */
	big[64 * 1024] = '\0';
	for (int i = 0; i < 48; i++)
		probe_result_evidence(r, "%s", big);
	free(big);
	return 0;
}

static int
garbage_run(const struct params *p, const struct probe_ctx *ctx, struct probe_result *r)
{
	(void)p;
	if (write(ctx->progress_fd, "garbage!", 8) != 8)
		return -1;
	probe_result_set_outcome(r, "ok");
	return 0;
}

static int
too_big_run(const struct params *p, const struct probe_ctx *ctx, struct probe_result *r)
{
	/* An evidence record that says it holds 2 MiB. */
	static const unsigned char header[] = {'E', 0x00, 0x20, 0x00, 0x00};

	(void)p;
	if (write(ctx->progress_fd, header, sizeof header) != (ssize_t)sizeof header)
		return -1;
	probe_result_set_outcome(r, "ok");
	return 0;
}

static int
exit_run(const struct params *p, const struct probe_ctx *ctx, struct probe_result *r)
{
	(void)p;
	(void)ctx;
	(void)r;
	_exit(3);
}

static int
facts_run(const struct params *p, const struct probe_ctx *ctx, struct probe_result *r)
{
	(void)p;
	probe_progress(ctx, "looking");
	probe_result_set_outcome(r, "ok");
	probe_result_summary(r, "all good: %s", "yes");
	probe_result_fact(r, "t.a", "%s", "1");
	probe_result_fact(r, "t.empty", "%s", "");
	probe_result_fact(r, "t.utf8", "%s", "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac");
	probe_result_evidence(r, "%s", "");
	probe_result_evidence(r, "%s", "tab\there");
	return 0;
}

#define T_PROBE(var, nm, fn, ms)                                                                   \
	static const struct probe_entry var = {                                                    \
	    .name = nm,                                                                            \
	    .summary = nm,                                                                         \
	    .params = t_params,                                                                    \
	    .outcomes = t_outcomes,                                                                \
	    .facts = t_facts,                                                                      \
	    .default_timeout_ms = ms,                                                              \
	    .run = fn,                                                                             \
	}

T_PROBE(crash_probe, "crash", crash_run, 5000);
T_PROBE(hang_probe, "hang", hang_run, 1000);
T_PROBE(progress_probe, "progress", progress_run, 5000);
T_PROBE(huge_probe, "huge", huge_run, 5000);
T_PROBE(garbage_probe, "garbage", garbage_run, 5000);
T_PROBE(too_big_probe, "too-big", too_big_run, 5000);
T_PROBE(exit_probe, "exit", exit_run, 5000);
T_PROBE(facts_probe, "facts", facts_run, 5000);

/* ---- tests --------------------------------------------------------------- */

/* The same probe, in a child and in-process, gives the same result. */
static void
test_same_as_in_process(void **state)
{
	static const char *const argvs[] = {
	    "printf 'a\\nb\\n'",
	    "sh -c 'echo out; echo err >&2; exit 3'",
	    "sh -c 'echo hello; echo world'",
	    "no-such-program-vt",
	};
	const struct probe_entry *cmd = probe_find("command"), *file = probe_find("file");
	struct probe_result a, b;
	struct params p = {NULL, 0};
	char *path = write_file("async.txt", "one\ntwo\nthree\n", 0644);

	(void)state;
	for (size_t i = 0; i < nitems(argvs); i++) {
		set_params(&p, "argv", argvs[i], "pattern", i == 2 ? "^wor" : NULL, NULL);
		run_job(cmd, &p, &a);
		probe_run(cmd, &p, host_live(), &b);
		results_equal(&a, &b);
		assert_true(a.elapsed_ms >= 0);
		probe_result_free(&a);
		probe_result_free(&b);
		params_free(&p);
	}

	run_job(cmd, NULL, &a); /* argv is missing */
	probe_run(cmd, NULL, host_live(), &b);
	assert_string_equal(a.outcome, OUTCOME_ERROR);
	results_equal(&a, &b);
	probe_result_free(&a);
	probe_result_free(&b);

	set_params(&p, "path", path, "pattern", "^tw", NULL);
	run_job(file, &p, &a);
	probe_run(file, &p, host_live(), &b);
	assert_string_equal(a.outcome, "found");
	assert_true(a.nfacts > 0);
	results_equal(&a, &b);
	probe_result_free(&a);
	probe_result_free(&b);
	params_free(&p);

	/* Facts and evidence that are empty, hold tabs or UTF-8 cross unchanged. */
	run_job(&facts_probe, NULL, &a);
	probe_run(&facts_probe, NULL, host_live(), &b);
	assert_string_equal(a.outcome, "ok");
	results_equal(&a, &b);
	probe_result_free(&a);
	probe_result_free(&b);
	free(path);
}

static void
test_quick_command(void **state)
{
	struct probe_job *job = NULL;
	struct probe_result r, again;
	struct params p = {NULL, 0};

	(void)state;
	set_params(&p, "argv", "printf 'a\\nb\\n'", "seconds", "7", NULL);
	job = probe_job_start(probe_find("command"), &p, host_live());
	assert_int_equal(probe_job_budget_ms(job), 7000);
	assert_true(probe_job_fd(job) >= 0);
	assert_true(wait_job(job, &r, HANG_GUARD_MS) >= 0);
	assert_string_equal(r.outcome, "ok");
	assert_string_equal(result_fact(&r, "command.status"), "0");
	assert_string_equal(result_fact(&r, "command.output"), "a");
	assert_string_equal(r.evidence.v[0], "$ printf 'a\\nb\\n'");
	assert_true(lines_have_exact(&r.evidence, "b"));
	/* Done: no fd to wait on, and each poll gives the result again. */
	assert_int_equal(probe_job_fd(job), -1);
	assert_true(probe_job_poll(job, &again));
	results_equal(&r, &again);
	assert_true(probe_job_elapsed_ms(job) >= 0);
	probe_result_free(&again);
	probe_result_free(&r);
	probe_job_free(job);
	params_free(&p);

	/* Without "seconds": the parameter's default, as probe_run would use. */
	set_params(&p, "argv", "true", NULL);
	job = probe_job_start(probe_find("command"), &p, host_live());
	assert_int_equal(probe_job_budget_ms(job), 10000);
	assert_true(wait_job(job, &r, HANG_GUARD_MS) >= 0);
	probe_result_free(&r);
	probe_job_free(job);
	params_free(&p);
	no_children();
}

static void
test_timeout(void **state)
{
	struct params p = {NULL, 0};
	struct probe_result r;

	(void)state;
	set_params(&p, "argv", "sleep 30", "seconds", "1", NULL);
	run_job(probe_find("command"), &p, &r);
	assert_string_equal(r.outcome, "timeout");
	assert_non_null(strstr(r.summary, "did not finish within 1 s"));
	probe_result_free(&r);
	params_free(&p);
	no_children();
}

static void
test_cancel(void **state)
{
	struct probe_job *job = NULL;
	struct probe_result r;
	struct params p = {NULL, 0};
	char *pidfile = tmp_path("cancel.pid"), *argv = sleeper_argv(pidfile);
	pid_t sleeper;

	(void)state;
	set_params(&p, "argv", argv, "seconds", "600", NULL);
	job = probe_job_start(probe_find("command"), &p, host_live());
	sleeper = wait_pid_file(job, pidfile);
	assert_true(sleeper > 0);
	assert_int_equal(kill(sleeper, 0), 0);
	assert_false(probe_job_poll(job, &r));
	probe_job_cancel(job);
	probe_job_cancel(job); /* twice is once */
	assert_true(wait_job(job, &r, HANG_GUARD_MS) >= 0);
	assert_string_equal(r.outcome, OUTCOME_ERROR);
	assert_non_null(strstr(r.summary, "cancel"));
	/* The host in the child ended the sleep, which ran in a group of its own. */
	assert_true(process_gone(sleeper));
	/* What the probe said before it stopped is kept. */
	assert_true(lines_have(&r.evidence, "sleep 300"));
	probe_result_free(&r);
	probe_job_free(job);
	params_free(&p);
	free(argv);
	free(pidfile);
	no_children();
}

static void
test_crash(void **state)
{
	struct probe_result r;

	(void)state;
	run_job(&crash_probe, NULL, &r);
	assert_string_equal(r.outcome, OUTCOME_ERROR);
	assert_string_equal(r.summary, "the probe crashed (signal 11)");
	assert_true(lines_have(&r.evidence, "signal 11"));
	assert_true(lines_have_exact(&r.evidence, "stderr: about to crash"));
	probe_result_free(&r);

	run_job(&exit_probe, NULL, &r);
	assert_string_equal(r.outcome, OUTCOME_ERROR);
	assert_string_equal(r.summary, "the probe ended without a result (exit status 3)");
	probe_result_free(&r);
	no_children();
}

/* SIGTERM blocked and never returning: SIGKILL once budget and grace are over. */
static void
test_hang(void **state)
{
	struct probe_job *job = probe_job_start(&hang_probe, NULL, host_live());
	struct probe_result r;

	(void)state;
	assert_int_equal(probe_job_budget_ms(job), 1000);
	assert_true(wait_job(job, &r, HANG_GUARD_MS) >= 0);
	assert_string_equal(r.outcome, OUTCOME_ERROR);
	assert_string_equal(r.summary, "the probe did not finish within 6 s");
	assert_true(lines_have_exact(&r.evidence, "last progress: hanging"));
	/* Not a timing measurement: the deadline cannot pass before budget + grace. */
	assert_true(r.elapsed_ms >= 6000);
	probe_result_free(&r);
	probe_job_free(job);
	no_children();
}

static void
test_progress(void **state)
{
	struct probe_job *job = probe_job_start(&progress_probe, NULL, host_live());
	struct probe_result r;
	unsigned long n;
	long took;

	(void)state;
	assert_null(probe_job_progress(job));
	took = wait_job(job, &r, HANG_GUARD_MS);
	assert_true(took >= 0);
	assert_string_equal(r.outcome, "ok");
	/* The latest line always arrives, the held-back ones need not. */
	assert_string_equal(probe_job_progress(job), "line 500");
	n = probe_job_progress_count(job);
	print_message("# %lu progress records in %ld ms\n", n, took);
	assert_true(n >= 2);
	assert_true(n <= (unsigned long)took / 100 + 3); /* one a tenth of a second, the last */
	probe_result_free(&r);
	probe_job_free(job);

	/* In-process, progress goes nowhere. */
	probe_run(&progress_probe, NULL, host_live(), &r);
	assert_string_equal(r.outcome, "ok");
	probe_result_free(&r);
}

static void
test_huge_evidence(void **state)
{
	struct probe_result r;
	size_t total = 0;

	(void)state;
	run_job(&huge_probe, NULL, &r);
	assert_string_equal(r.outcome, "ok");
	assert_true(strlen(result_fact(&r, "t.big")) <= 64 * 1024);
	assert_true(str_has_suffix(result_fact(&r, "t.big"), "..."));
	assert_true(strlen(r.evidence.v[0]) <= 64 * 1024);
	for (size_t i = 0; i < r.evidence.n; i++)
		total += strlen(r.evidence.v[i]);
	assert_true(total <= 1024 * 1024 + 200);
	assert_non_null(strstr(r.evidence.v[r.evidence.n - 1], "left out"));
	probe_result_free(&r);
	no_children();
}

static void
test_garbage(void **state)
{
	struct probe_result r;

	(void)state;
	run_job(&garbage_probe, NULL, &r);
	assert_string_equal(r.outcome, OUTCOME_ERROR);
	assert_string_equal(r.summary, "the probe's result could not be read");
	assert_true(lines_have(&r.evidence, "not a record"));
	probe_result_free(&r);

	run_job(&too_big_probe, NULL, &r);
	assert_string_equal(r.outcome, OUTCOME_ERROR);
	assert_true(lines_have(&r.evidence, "record of 2097152 bytes"));
	probe_result_free(&r);
	no_children();
}

static void
test_free_running(void **state)
{
	struct probe_job *job = NULL;
	struct params p = {NULL, 0};
	char *pidfile = tmp_path("free.pid"), *argv = sleeper_argv(pidfile);
	pid_t sleeper;

	(void)state;
	set_params(&p, "argv", argv, "seconds", "600", NULL);
	job = probe_job_start(probe_find("command"), &p, host_live());
	sleeper = wait_pid_file(job, pidfile);
	assert_true(sleeper > 0);
	probe_job_free(job);
	no_children();
	assert_true(process_gone(sleeper));

	/* One that ignores SIGTERM is killed; free waits for that, no longer. */
	job = probe_job_start(&hang_probe, NULL, host_live());
	poll(NULL, 0, 200);
	probe_job_free(job);
	no_children();

	/* Freed before it was ever polled. */
	probe_job_free(probe_job_start(&crash_probe, NULL, host_live()));
	probe_job_free(NULL);
	no_children();
	params_free(&p);
	free(argv);
	free(pidfile);
}

/* Several at once, polled in one loop as a front end does. */
static void
test_concurrent(void **state)
{
	struct probe_job *jobs[3];
	struct probe_result r[3];
	bool done[3] = {false, false, false};
	struct params p = {NULL, 0};
	long start = now_ms();
	int left = 3;

	(void)state;
	set_params(&p, "argv", "sh -c 'sleep 0.3; echo slow'", NULL);
	jobs[0] = probe_job_start(probe_find("command"), &p, host_live());
	jobs[1] = probe_job_start(&progress_probe, NULL, host_live());
	jobs[2] = probe_job_start(&crash_probe, NULL, host_live());
	while (left > 0 && now_ms() - start < HANG_GUARD_MS) {
		struct pollfd pfd[3];
		int wait = 1000;

		for (int i = 0; i < 3; i++) {
			if (!done[i] && probe_job_poll(jobs[i], &r[i])) {
				done[i] = true;
				left--;
			}
			pfd[i] = (struct pollfd){done[i] ? -1 : probe_job_fd(jobs[i]), POLLIN, 0};
			if (!done[i] && probe_job_wait_ms(jobs[i]) < wait)
				wait = probe_job_wait_ms(jobs[i]);
		}
		if (left > 0)
			poll(pfd, 3, wait);
	}
	assert_int_equal(left, 0);
	assert_string_equal(r[0].outcome, "ok");
	assert_string_equal(result_fact(&r[0], "command.output"), "slow");
	assert_string_equal(r[1].outcome, "ok");
	assert_string_equal(r[2].outcome, OUTCOME_ERROR);
	for (int i = 0; i < 3; i++) {
		probe_result_free(&r[i]);
		probe_job_free(jobs[i]);
	}
	params_free(&p);
	no_children();
}

/* Every job, however it ends, gives back all its fds. */
static void
test_no_fd_leak(void **state)
{
	struct probe_result r;
	struct params p = {NULL, 0};
	int before = count_fds();

	(void)state;
	if (before == -1)
		skip();
	set_params(&p, "argv", "true", NULL);
	run_job(probe_find("command"), &p, &r);
	probe_result_free(&r);
	run_job(&crash_probe, NULL, &r);
	probe_result_free(&r);
	run_job(&garbage_probe, NULL, &r);
	probe_result_free(&r);
	probe_job_free(probe_job_start(&progress_probe, NULL, host_live()));
	assert_int_equal(count_fds(), before);
	params_free(&p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_same_as_in_process),
	    cmocka_unit_test(test_quick_command),
	    cmocka_unit_test(test_timeout),
	    cmocka_unit_test(test_cancel),
	    cmocka_unit_test(test_crash),
	    cmocka_unit_test(test_hang),
	    cmocka_unit_test(test_progress),
	    cmocka_unit_test(test_huge_evidence),
	    cmocka_unit_test(test_garbage),
	    cmocka_unit_test(test_free_running),
	    cmocka_unit_test(test_concurrent),
	    cmocka_unit_test(test_no_fd_leak),
	};

	return cmocka_run_group_tests(tests, tmpdir_setup, tmpdir_teardown);
}
