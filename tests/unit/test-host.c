/*
 * test-host.c: the live host against real children and real files: exit
 * codes, signals, deadlines that kill the whole process group, missing
 * programs, stdin, output limits, FIFOs that must not hang, and no leaked
 * descriptors or zombies afterwards. Everything stays in a temporary directory.
 */
#include "config.h"

#include "cmocka-prelude.h"

#include <sys/stat.h>
#include <sys/time.h>
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
#include "testutil.h"
#include "util/util.h"

static int
run(struct host_result *r, int timeout_ms, const char *const *argv)
{
	struct host_run_opts opts = {.timeout_ms = timeout_ms};

	return host_run(host_live(), argv, &opts, r);
}

/* Gone, or a zombie waiting for init: either way it no longer runs. */
static bool
process_gone(pid_t pid)
{
	char path[64], buf[512], *p;
	FILE *f;
	bool gone = true;

	if (kill(pid, 0) == -1 && errno == ESRCH)
		return true;
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return kill(pid, 0) == -1;
	if (fgets(buf, sizeof buf, f) != NULL && (p = strrchr(buf, ')')) != NULL)
		gone = p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X');
	fclose(f);
	return gone;
}

static bool
wait_gone(pid_t pid)
{
	for (int i = 0; i < 100; i++) {
		if (process_gone(pid))
			return true;
		poll(NULL, 0, 10);
	}
	return false;
}

static int
count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

static void
test_echo(void **state)
{
	static const char *const argv[] = {"/bin/echo", "hello", "world", NULL};
	struct host_result r;

	(void)state;
	assert_int_equal(run(&r, 5000, argv), 0);
	assert_int_equal(r.status, HOST_OK);
	assert_int_equal(r.exit_code, 0);
	assert_string_equal(r.out, "hello world\n");
	assert_int_equal(r.out_len, 12);
	assert_string_equal(r.err, "");
	assert_null(r.message);
	assert_false(r.truncated);
	assert_true(r.elapsed_ms >= 0 && r.elapsed_ms < 5000);
	host_result_free(&r);
}

static void
test_path_search_and_exit_code(void **state)
{
	static const char *const argv[] = {"sh", "-c", "exit 3", NULL};
	struct host_result r;

	(void)state;
	/* A non-zero exit is a result, not a host failure. */
	assert_int_equal(run(&r, 5000, argv), 0);
	assert_int_equal(r.status, HOST_OK);
	assert_int_equal(r.exit_code, 3);
	host_result_free(&r);
}

static void
test_stderr_and_signal(void **state)
{
	static const char *const both[] = {"sh", "-c", "echo out; echo err >&2; echo more", NULL};
	static const char *const killed[] = {"sh", "-c", "kill -9 $$", NULL};
	struct host_result r;

	(void)state;
	run(&r, 5000, both);
	assert_string_equal(r.out, "out\nmore\n");
	assert_string_equal(r.err, "err\n");
	assert_int_equal(r.err_len, 4);
	host_result_free(&r);

	run(&r, 5000, killed);
	assert_int_equal(r.status, HOST_OK);
	assert_int_equal(r.exit_code, 128 + SIGKILL);
	host_result_free(&r);
}

static void
test_no_shell(void **state)
{
	/* Words go to the program as they are: no expansion, no second command. */
	static const char *const argv[] = {"/bin/echo", "$(id)", "; rm -rf /", "*", "~", NULL};
	struct host_result r;

	(void)state;
	run(&r, 5000, argv);
	assert_string_equal(r.out, "$(id) ; rm -rf / * ~\n");
	host_result_free(&r);
}

static void
test_timeout_kills_group(void **state)
{
	static const char *const argv[] = {"sh", "-c", "echo $$; sleep 30 & echo $!; wait", NULL};
	struct host_result r;
	long leader = 0, child = 0;

	(void)state;
	assert_int_equal(run(&r, 500, argv), -1);
	assert_int_equal(r.status, HOST_TIMEOUT);
	assert_non_null(r.message);
	assert_non_null(strstr(r.message, "did not finish"));
	/* Close to the deadline: SIGTERM works at once here. */
	assert_true(r.elapsed_ms >= 500);
	assert_true(r.elapsed_ms < 1400);
	assert_int_equal(r.exit_code, 128 + SIGTERM);
	/* What it printed before the deadline is kept. */
	assert_int_equal(sscanf(r.out, "%ld\n%ld", &leader, &child), 2);
	assert_true(wait_gone((pid_t)leader));
	assert_true(wait_gone((pid_t)child));
	host_result_free(&r);
}

static void
test_timeout_term_ignored(void **state)
{
	/* SIGTERM ignored by the whole tree: SIGKILL follows after a second. */
	static const char *const argv[] = {
	    "sh", "-c", "trap '' TERM; sleep 30 & echo $!; while :; do sleep 1; done", NULL};
	struct host_result r;
	long child = 0;

	(void)state;
	run(&r, 300, argv);
	assert_int_equal(r.status, HOST_TIMEOUT);
	assert_true(r.elapsed_ms >= 1300);
	assert_true(r.elapsed_ms < 2500);
	assert_int_equal(r.exit_code, 128 + SIGKILL);
	assert_int_equal(sscanf(r.out, "%ld", &child), 1);
	assert_true(wait_gone((pid_t)child));
	host_result_free(&r);
}

static void
on_alarm(int sig)
{
	(void)sig;
	vt_cancelled = 1;
}

static void
test_cancel(void **state)
{
	static const char *const argv[] = {"sleep", "30", NULL};
	struct itimerval it = {{0, 0}, {0, 200000}};
	struct sigaction sa, old;
	struct host_result r;

	(void)state;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, &old);
	setitimer(ITIMER_REAL, &it, NULL);
	run(&r, 10000, argv);
	sigaction(SIGALRM, &old, NULL);
	assert_int_equal(r.status, HOST_CANCELLED);
	assert_true(r.elapsed_ms >= 150 && r.elapsed_ms < 1500);
	host_result_free(&r);

	/* Already cancelled: nothing starts. */
	run(&r, 10000, argv);
	assert_int_equal(r.status, HOST_CANCELLED);
	assert_int_equal(r.exit_code, -1);
	host_result_free(&r);
	vt_cancelled = 0;
}

static void
test_not_found(void **state)
{
	static const char *const missing[] = {"vmtriage-no-such-program-4711", NULL};
	static const char *const missing_path[] = {"/nonexistent/dir/prog", "x", NULL};
	static const char *const empty[] = {NULL};
	struct host_result r;

	(void)state;
	assert_int_equal(run(&r, 5000, missing), -1);
	assert_int_equal(r.status, HOST_NO_SUCH);
	assert_int_equal(r.exit_code, -1);
	assert_non_null(strstr(r.message, "vmtriage-no-such-program-4711"));
	assert_string_equal(r.out, "");
	host_result_free(&r);

	run(&r, 5000, missing_path);
	assert_int_equal(r.status, HOST_NO_SUCH);
	host_result_free(&r);

	run(&r, 5000, empty);
	assert_int_equal(r.status, HOST_ERROR);
	host_result_free(&r);
}

static void
test_denied(void **state)
{
	char *path = write_file("not-executable", "#!/bin/sh\necho ran\n", 0644);
	const char *argv[] = {path, NULL};
	struct host_result r;

	(void)state;
	/* Without any execute bit even root cannot run it. */
	run(&r, 5000, argv);
	assert_int_equal(r.status, HOST_DENIED);
	assert_string_equal(r.out, "");
	host_result_free(&r);
	free(path);
}

static void
test_stdin(void **state)
{
	static const char *const cat[] = {"cat", NULL};
	static const char *const ignore[] = {"true", NULL};
	struct host_run_opts opts = {.timeout_ms = 10000, .stdin_data = "line 1\nline 2\n"};
	struct host_result r;
	char *big;
	size_t n = 3 * 1024 * 1024;

	(void)state;
	host_run(host_live(), cat, &opts, &r);
	assert_int_equal(r.status, HOST_OK);
	assert_string_equal(r.out, "line 1\nline 2\n");
	host_result_free(&r);

	/* More than a pipe holds, both ways at once. */
	big = xmalloc(n + 1);
	memset(big, 'x', n);
	big[n] = '\0';
	opts.stdin_data = big;
	opts.max_output = n;
	host_run(host_live(), cat, &opts, &r);
	assert_int_equal(r.status, HOST_OK);
	assert_int_equal(r.out_len, n);
	assert_false(r.truncated);
	assert_memory_equal(r.out, big, n);
	host_result_free(&r);

	/* A child that never reads: no SIGPIPE for us. */
	host_run(host_live(), ignore, &opts, &r);
	assert_int_equal(r.status, HOST_OK);
	assert_int_equal(r.exit_code, 0);
	host_result_free(&r);
	free(big);

	/* Without stdin_data the child reads /dev/null, never our terminal. */
	run(&r, 5000, cat);
	assert_int_equal(r.status, HOST_OK);
	assert_string_equal(r.out, "");
	host_result_free(&r);
}

static void
test_output_limit(void **state)
{
	static const char *const argv[] = {
	    "sh", "-c",
	    "head -c 300000 /dev/zero | tr '\\0' a; head -c 5000 /dev/zero | tr '\\0' b >&2", NULL};
	struct host_run_opts opts = {.timeout_ms = 10000, .max_output = 1000};
	struct host_result r;

	(void)state;
	host_run(host_live(), argv, &opts, &r);
	/* It ran to its end, so the status and exit code are real. */
	assert_int_equal(r.status, HOST_OK);
	assert_int_equal(r.exit_code, 0);
	assert_true(r.truncated);
	assert_int_equal(r.out_len, 1000);
	assert_int_equal(strlen(r.out), 1000);
	assert_int_equal(r.out[999], 'a');
	assert_int_equal(r.err_len, 1000);
	assert_int_equal(r.err[0], 'b');
	host_result_free(&r);
}

static void
test_env(void **state)
{
	static const char *const argv[] = {"sh", "-c", "echo \"$VT_TEST_A/$HOME\"", NULL};
	static const char *const env[] = {"VT_TEST_A=one", "HOME=/nowhere", NULL};
	struct host_run_opts opts = {.timeout_ms = 5000, .env = env};
	struct host_result r;

	(void)state;
	host_run(host_live(), argv, &opts, &r);
	assert_string_equal(r.out, "one//nowhere\n");
	host_result_free(&r);
}

static void
test_grandchild_holds_pipe(void **state)
{
	/* The background sleep keeps stdout open; we still return soon after sh exits. */
	static const char *const argv[] = {"sh", "-c", "sleep 20 & echo $!", NULL};
	struct host_result r;
	long bg = 0;

	(void)state;
	run(&r, 10000, argv);
	assert_int_equal(r.status, HOST_OK);
	assert_int_equal(r.exit_code, 0);
	assert_true(r.elapsed_ms < 2000);
	assert_int_equal(sscanf(r.out, "%ld", &bg), 1);
	kill((pid_t)bg, SIGKILL);
	host_result_free(&r);
}

static void
test_path_search(void **state)
{
	char *script = write_file("vt-found", "#!/bin/sh\necho found \"$@\"\n", 0755);
	char *plain = write_file("vt-plain", "echo no\n", 0644);
	char *path_env = xasprintf("PATH=/nonexistent:relative:%s", tmpdir);
	const char *env[] = {path_env, NULL};
	struct host_run_opts opts = {.timeout_ms = 5000, .env = env};
	struct host_result r;

	(void)state;
	/* The child's PATH (from env) is the one searched. */
	host_run(host_live(), W("vt-found", "a b"), &opts, &r);
	assert_int_equal(r.status, HOST_OK);
	assert_string_equal(r.out, "found a b\n");
	host_result_free(&r);

	/* There, but not executable: denied, not "not found". */
	host_run(host_live(), W("vt-plain"), &opts, &r);
	assert_int_equal(r.status, HOST_DENIED);
	host_result_free(&r);

	host_run(host_live(), W("vt-absent"), &opts, &r);
	assert_int_equal(r.status, HOST_NO_SUCH);
	host_result_free(&r);
	free(script);
	free(plain);
	free(path_env);
}

static void
test_no_leaks(void **state)
{
	static const char *const ok[] = {"true", NULL};
	static const char *const missing[] = {"vmtriage-no-such-program-4711", NULL};
	static const char *const slow[] = {"sleep", "5", NULL};
	struct host_run_opts opts = {.timeout_ms = 100, .stdin_data = "x"};
	struct host_result r;
	char *file = write_file("leak", "abc", 0644);
	int before = count_fds(), status;

	(void)state;
	for (int i = 0; i < 5; i++) {
		run(&r, 5000, ok);
		host_result_free(&r);
		run(&r, 5000, missing);
		host_result_free(&r);
		host_run(host_live(), slow, &opts, &r);
		host_result_free(&r);
		host_read_file(host_live(), file, 0, &r);
		host_result_free(&r);
		host_read_file(host_live(), tmpdir, 0, &r);
		host_result_free(&r);
	}
	if (before >= 0) /* without /proc, only the zombie check */
		assert_int_equal(count_fds(), before);
	/* Every child was reaped: no zombie is left for us. */
	assert_int_equal(waitpid(-1, &status, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
	free(file);
}

static void
test_read_file(void **state)
{
	char *path = write_file("plain", "one\ntwo\n", 0644);
	char *missing = tmp_path("missing");
	char *under_file = tmp_path("plain/child");
	struct host_result r;

	(void)state;
	assert_int_equal(host_read_file(host_live(), path, 100, &r), 0);
	assert_int_equal(r.status, HOST_OK);
	assert_string_equal(r.out, "one\ntwo\n");
	assert_int_equal(r.out_len, 8);
	host_result_free(&r);

	/* Exactly at the limit is fine; one byte beyond is too big. */
	host_read_file(host_live(), path, 8, &r);
	assert_int_equal(r.status, HOST_OK);
	host_result_free(&r);
	assert_int_equal(host_read_file(host_live(), path, 5, &r), -1);
	assert_int_equal(r.status, HOST_TOO_BIG);
	assert_true(r.truncated);
	assert_int_equal(r.out_len, 5);
	assert_string_equal(r.out, "one\nt");
	host_result_free(&r);

	host_read_file(host_live(), missing, 100, &r);
	assert_int_equal(r.status, HOST_NO_SUCH);
	assert_non_null(r.message);
	host_result_free(&r);
	host_read_file(host_live(), under_file, 100, &r);
	assert_int_equal(r.status, HOST_NO_SUCH);
	host_result_free(&r);

	host_read_file(host_live(), tmpdir, 100, &r);
	assert_int_equal(r.status, HOST_NOT_REGULAR);
	assert_non_null(strstr(r.message, "directory"));
	host_result_free(&r);

	host_read_file(host_live(), "/dev/null", 100, &r);
	assert_int_equal(r.status, HOST_NOT_REGULAR);
	host_result_free(&r);
	free(path);
	free(missing);
	free(under_file);
}

static void
test_read_fifo(void **state)
{
	char *path = tmp_path("fifo");
	struct host_result r;

	(void)state;
	assert_int_equal(mkfifo(path, 0600), 0);
	/* No writer will ever come: this must return at once, not hang. */
	host_read_file(host_live(), path, 100, &r);
	assert_int_equal(r.status, HOST_NOT_REGULAR);
	assert_non_null(strstr(r.message, "FIFO"));
	assert_true(r.elapsed_ms < 1000);
	host_result_free(&r);
	free(path);
}

static void
test_read_unreadable(void **state)
{
	char *path = write_file("secret", "s3cret\n", 0000);
	struct host_result r;

	(void)state;
	/*
	 * Root reads everything. This passes rather than skips: cmocka 1.1.5
	 * prints a skip as "not ok" in TAP.
	 */
	if (geteuid() == 0) {
		free(path);
		return;
	}
	host_read_file(host_live(), path, 100, &r);
	assert_int_equal(r.status, HOST_DENIED);
	assert_string_equal(r.out, "");
	host_result_free(&r);
	free(path);
}

static void
test_stat(void **state)
{
	char *file = write_file("statme", "x", 0644);
	char *fifo = tmp_path("statfifo");
	char *missing = tmp_path("nothing");
	char kind = 0;

	(void)state;
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_int_equal(host_stat(host_live(), file, &kind), 1);
	assert_int_equal(kind, 'f');
	assert_int_equal(host_stat(host_live(), tmpdir, &kind), 1);
	assert_int_equal(kind, 'd');
	assert_int_equal(host_stat(host_live(), fifo, &kind), 1);
	assert_int_equal(kind, 'o');
	assert_int_equal(host_stat(host_live(), missing, &kind), 0);
	assert_int_equal(host_stat(host_live(), file, NULL), 1);
	free(file);
	free(fifo);
	free(missing);
}

static void
test_status_names(void **state)
{
	(void)state;
	assert_string_equal(host_status_name(HOST_OK), "ok");
	assert_string_equal(host_status_name(HOST_NO_SUCH), "not_found");
	assert_string_equal(host_status_name(HOST_DENIED), "denied");
	assert_string_equal(host_status_name(HOST_TIMEOUT), "timeout");
	assert_string_equal(host_status_name(HOST_CANCELLED), "cancelled");
	assert_string_equal(host_status_name(HOST_TOO_BIG), "too_big");
	assert_string_equal(host_status_name(HOST_NOT_REGULAR), "not_regular");
	assert_string_equal(host_status_name(HOST_ERROR), "error");
	assert_string_equal(host_live()->ops->name, "live");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_echo),
	    cmocka_unit_test(test_path_search_and_exit_code),
	    cmocka_unit_test(test_stderr_and_signal),
	    cmocka_unit_test(test_no_shell),
	    cmocka_unit_test(test_timeout_kills_group),
	    cmocka_unit_test(test_timeout_term_ignored),
	    cmocka_unit_test(test_cancel),
	    cmocka_unit_test(test_not_found),
	    cmocka_unit_test(test_denied),
	    cmocka_unit_test(test_stdin),
	    cmocka_unit_test(test_output_limit),
	    cmocka_unit_test(test_env),
	    cmocka_unit_test(test_grandchild_holds_pipe),
	    cmocka_unit_test(test_path_search),
	    cmocka_unit_test(test_no_leaks),
	    cmocka_unit_test(test_read_file),
	    cmocka_unit_test(test_read_fifo),
	    cmocka_unit_test(test_read_unreadable),
	    cmocka_unit_test(test_stat),
	    cmocka_unit_test(test_status_names),
	};

	return cmocka_run_group_tests(tests, tmpdir_setup, tmpdir_teardown);
}
