/*
 * test-fix-edit.c: what makes a fix safe to press, on real files and real
 * children: the line diff a plan shows; the atomic replace (contents, mode
 * kept, a file changed since the plan refused, links and devices refused, a
 * writer killed at any moment leaves the old file or the new one whole);
 * apply-edit as root would run it; the journal and `vmtriage undo`
 * restoring byte for byte; the timed confirm (kept when confirmed; put back
 * and the revert checked when not; a revert that fails said so); and every
 * parameter of every fix refusing injection attempts.
 */
#include "config.h"

#include "cmocka-prelude.h"

#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fix/fix.h"
#include "host/host.h"
#include "testutil.h"
#include "util/util.h"

static char *
slurp(const char *path, size_t *len)
{
	struct host_result hr;
	char *out = NULL;

	if (host_read_file(host_live(), path, 256 * 1024 * 1024, &hr) == 0) {
		out = hr.out;
		*len = hr.out_len;
		hr.out = NULL;
	}
	host_result_free(&hr);
	return out;
}

static void
expect_file(const char *path, const char *want, size_t want_len)
{
	size_t len = 0;
	char *got = slurp(path, &len);

	assert_non_null(got);
	assert_int_equal(len, want_len);
	assert_memory_equal(got, want, want_len);
	free(got);
}

/* No ".NAME.vmtriage-XXXXXX" is left in the directory. */
static void
expect_no_temp(void)
{
	DIR *d = opendir(tmpdir);
	struct dirent *de;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		if (strstr(de->d_name, ".vmtriage-") != NULL)
			fail_msg("temporary file left: %s", de->d_name);
	}
	closedir(d);
}

/* ---- the diff ----------------------------------------------------------------- */

static void
test_diff(void **state)
{
	struct strlist d = STRLIST_INIT;
	const char *old = "a\nb\nc\nd\ne\n", *new = "a\nc\nd\nX\ne\nf\n";

	(void)state;
	fix_text_diff(old, strlen(old), new, strlen(new), &d);
	lines_are(&d, W("- b", "+ X", "+ f"));
	strlist_free(&d);
	/* The same text: nothing. */
	fix_text_diff(old, strlen(old), old, strlen(old), &d);
	assert_int_equal(d.n, 0);
	/* Only the final newline: said, not silent. */
	fix_text_diff("a\n", 2, "a", 1, &d);
	assert_int_equal(d.n, 1);
	assert_non_null(strstr(d.v[0], "final newline"));
	strlist_free(&d);
	/* From nothing, and to nothing. */
	fix_text_diff("", 0, "x\ny\n", 4, &d);
	lines_are(&d, W("+ x", "+ y"));
	strlist_free(&d);
	fix_text_diff("x\n", 2, "", 0, &d);
	lines_are(&d, W("- x"));
	strlist_free(&d);
	/* Control characters are shown cleaned. */
	fix_text_diff("", 0, "bad\x1b[2Jline\n", 12, &d);
	lines_are(&d, W("+ bad?[2Jline"));
	strlist_free(&d);
}

/* ---- the atomic replace --------------------------------------------------------- */

static void
test_replace(void **state)
{
	char *path = write_file("hosts.ics", "one\r\ntwo\r\n", 0640), *err = NULL;
	struct stat st;

	(void)state;
	assert_int_equal(fix_file_replace(path, "one\r\ntwo\r\n", 10, "one\r\n", 5, &err), 0);
	assert_null(err);
	expect_file(path, "one\r\n", 5);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	expect_no_temp();

	/* Changed since the plan: refused, and left as it is. */
	assert_int_equal(fix_file_replace(path, "one\r\ntwo\r\n", 10, "x", 1, &err), -1);
	assert_non_null(strstr(err, "changed since the plan was made"));
	free(err);
	expect_file(path, "one\r\n", 5);
	expect_no_temp();

	/* Binary contents, and an empty file, both ways. */
	assert_int_equal(fix_file_replace(path, "one\r\n", 5, "\0\xff\0", 3, &err), 0);
	expect_file(path, "\0\xff\0", 3);
	assert_int_equal(fix_file_replace(path, "\0\xff\0", 3, "", 0, &err), 0);
	expect_file(path, "", 0);
	free(path);
}

static void
test_replace_refuses(void **state)
{
	char *target = write_file("target", "t\n", 0644), *link = tmp_path("link");
	char *dir = tmp_path("adir"), *err = NULL;

	(void)state;
	assert_int_equal(symlink(target, link), 0);
	assert_int_equal(fix_file_replace(link, "t\n", 2, "x", 1, &err), -1);
	assert_non_null(strstr(err, "symbolic link"));
	free(err);
	expect_file(target, "t\n", 2);
	assert_int_equal(mkdir(dir, 0755), 0);
	assert_int_equal(fix_file_replace(dir, "", 0, "x", 1, &err), -1);
	assert_non_null(strstr(err, "not a regular file"));
	free(err);
	assert_int_equal(fix_file_replace("/nonexistent/x", "", 0, "x", 1, &err), -1);
	assert_non_null(strstr(err, "cannot be opened"));
	free(err);
	expect_no_temp();
	free(target);
	free(link);
	free(dir);
}

/*
 * A writer killed at any moment: the file is the old one or the new one,
 * whole. 8 MiB of new contents, killed after 0 to 40 ms, many times.
 */
static void
test_replace_killed(void **state)
{
	const size_t big = 8 * 1024 * 1024;
	char *old = xmalloc(big), *new = xmalloc(big);
	char *path = tmp_path("big.img");
	unsigned old_seen = 0, new_seen = 0;

	(void)state;
	memset(old, 'o', big);
	memset(new, 'n', big);
	srand((unsigned)time(NULL));
	for (int round = 0; round < 16; round++) {
		FILE *f = fopen(path, "wb");
		pid_t pid;
		size_t len = 0;
		char *got;
		struct timespec ts = {0, (long)(rand() % 40) * 1000000L};

		assert_non_null(f);
		assert_int_equal(fwrite(old, 1, big, f), big);
		fclose(f);
		if ((pid = fork()) == 0) {
			char *err = NULL;

			_exit(fix_file_replace(path, old, big, new, big, &err) == 0 ? 0 : 1);
		}
		nanosleep(&ts, NULL);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		got = slurp(path, &len);
		assert_non_null(got);
		assert_int_equal(len, big);
		if (memcmp(got, old, big) == 0)
			old_seen++;
		else if (memcmp(got, new, big) == 0)
			new_seen++;
		else
			fail_msg("round %d: the file is neither the old nor the new one", round);
		free(got);
		/* What a killed writer leaves is its temporary file, never the target. */
		{
			DIR *d = opendir(tmpdir);
			struct dirent *de;

			while ((de = readdir(d)) != NULL) {
				if (strstr(de->d_name, ".big.img.vmtriage-") != NULL) {
					char *t = tmp_path(de->d_name);

					unlink(t);
					free(t);
				}
			}
			closedir(d);
		}
	}
	print_message("# killed writers left the old file %u times, the new one %u times\n",
	              old_seen, new_seen);
	assert_int_equal(old_seen + new_seen, 16);
	free(old);
	free(new);
	free(path);
}

static void
test_apply_edit_main(void **state)
{
	char *path = write_file("pf.conf", "nat on en0\n", 0644);
	char *expect = write_file("pf.before", "nat on en0\n", 0600);
	char *after = write_file("pf.after", "nat on en0\nnat on utun3\n", 0600);
	char cmd[] = "apply-edit", rel[] = "relative";
	char *argv[] = {cmd, path, expect, after, NULL};
	char *bad[] = {cmd, rel, expect, after, NULL};

	(void)state;
	assert_int_equal(fix_apply_edit_main(4, argv), 0);
	expect_file(path, "nat on en0\nnat on utun3\n", 24);
	/* Run again: the file is no longer what it expects. */
	assert_int_equal(fix_apply_edit_main(4, argv), 1);
	assert_int_equal(fix_apply_edit_main(4, bad), 2);
	assert_int_equal(fix_apply_edit_main(2, argv), 2);
	free(path);
	free(expect);
	free(after);
}

/* ---- the journal and undo ---------------------------------------------------------- */

static char *
journal_dir(const char *name)
{
	char *d = tmp_path(name);

	mkdir(d, 0700);
	return d;
}

static void
test_journal_undo(void **state)
{
	char *path = write_file("leases", "{\n\tname=primary\n}\n{\n\tname=web\n}\n", 0644);
	char *jdir = journal_dir("journal1"), *entry = NULL;
	const char *old = "{\n\tname=primary\n}\n{\n\tname=web\n}\n", *new = "{\n\tname=web\n}\n";
	struct fix_plan plan;
	struct fix_report rep;
	struct fix_run_opts fo = {.journal_dir = jdir};
	size_t len = 0;
	char *text;

	(void)state;
	memset(&plan, 0, sizeof plan);
	fix_plan_add_edit(&plan, false, "Remove primary's lease.", path, old, strlen(old), new,
	                  strlen(new));
	fix_plan_add_step(&plan, false, false, "Say so.", W("true"));
	/* The plan shows the diff and the backup. */
	{
		struct strlist lines = STRLIST_INIT;

		fix_plan_render(&plan, &lines);
		assert_true(lines_have(&lines, "Backed up first:"));
		assert_true(lines_have(&lines, "- \tname=primary"));
		assert_true(lines_have(&lines, "edit "));
		assert_true(lines_have(&lines, "To undo it:"));
		strlist_free(&lines);
	}
	fix_run(&plan, host_live(), &fo, &rep);
	assert_int_equal(rep.status, FIX_APPLIED);
	expect_file(path, new, strlen(new));
	assert_non_null(rep.journal_id);
	entry = xasprintf("%s/%s/entry.yaml", jdir, rep.journal_id);
	text = slurp(entry, &len);
	assert_non_null(text);
	assert_non_null(strstr(text, "status: applied"));
	assert_non_null(strstr(text, "undo:"));
	assert_non_null(strstr(text, "edit: "));
	free(text);

	/* vmtriage undo: the file comes back byte for byte. */
	setenv("VMTRIAGE_JOURNAL", jdir, 1);
	{
		char cmd[] = "undo", opt_list[] = "--list", opt_dry[] = "--dry-run",
		     old_id[] = "19990101";
		char *list[] = {cmd, opt_list, NULL};
		char *dry[] = {cmd, rep.journal_id, opt_dry, NULL};
		char *undo[] = {cmd, rep.journal_id, NULL};
		char *nope[] = {cmd, old_id, NULL};

		assert_int_equal(fix_undo_main(2, list), 0);
		assert_int_equal(fix_undo_main(3, dry), 0);
		expect_file(path, new, strlen(new));
		assert_int_equal(fix_undo_main(2, undo), 0);
		expect_file(path, old, strlen(old));
		text = slurp(entry, &len);
		assert_non_null(strstr(text, "undone: "));
		assert_non_null(strstr(text, "status: applied"));
		free(text);
		/* Twice: refused; an unknown id: refused. */
		assert_int_equal(fix_undo_main(2, undo), 2);
		assert_int_equal(fix_undo_main(2, nope), 2);
	}
	unsetenv("VMTRIAGE_JOURNAL");
	fix_report_free(&rep);
	fix_plan_free(&plan);
	free(entry);
	free(jdir);
	free(path);
}

/* ---- the timed confirm ------------------------------------------------------------- */

static int confirm_calls;

static bool
say_yes(void *arg, const struct fix_plan *plan, int seconds)
{
	(void)arg;
	(void)plan;
	assert_int_equal(seconds, 5);
	confirm_calls++;
	return true;
}

static bool
say_nothing(void *arg, const struct fix_plan *plan, int seconds)
{
	(void)arg;
	(void)plan;
	(void)seconds;
	confirm_calls++;
	return false;
}

/* A change that is on when the marker exists; verified by the file probe. */
static void
marker_plan(struct fix_plan *plan, const char *marker, const char *undo_cmd)
{
	memset(plan, 0, sizeof *plan);
	fix_plan_add_step(plan, false, false, "Turn it on.", W("touch", marker));
	fix_plan_add_undo(plan, false, "Turn it off.", W("sh", "-c", undo_cmd));
	fix_plan_set_verify(plan, "file", "found", "path", marker, NULL);
	plan->confirm_seconds = 5;
}

static void
test_confirm(void **state)
{
	char *marker = tmp_path("route-on"), *jdir = journal_dir("journal2");
	char *rm = xasprintf("rm -f '%s'", marker);
	struct fix_plan plan;
	struct fix_report rep;
	struct fix_run_opts fo = {.journal_dir = jdir};

	(void)state;
	/* Confirmed: it stays. */
	marker_plan(&plan, marker, rm);
	fo.confirm = say_yes;
	confirm_calls = 0;
	fix_run(&plan, host_live(), &fo, &rep);
	assert_int_equal(confirm_calls, 1);
	assert_int_equal(rep.status, FIX_APPLIED);
	assert_int_equal(access(marker, F_OK), 0);
	assert_true(lines_have(&rep.log, "confirmed: the change stays"));
	fix_report_free(&rep);
	unlink(marker);

	/* Not confirmed: put back, and the revert is checked against before. */
	fo.confirm = say_nothing;
	fix_run(&plan, host_live(), &fo, &rep);
	assert_int_equal(rep.status, FIX_REVERTED);
	assert_int_not_equal(access(marker, F_OK), 0);
	assert_true(lines_have(&rep.log, "not confirmed in time: putting it back"));
	assert_true(lines_have(&rep.log, "gives 'missing' again, as before the fix"));
	fix_report_free(&rep);

	/* Nobody to confirm (no callback): the same. */
	fo.confirm = NULL;
	fix_run(&plan, host_live(), &fo, &rep);
	assert_int_equal(rep.status, FIX_REVERTED);
	fix_report_free(&rep);
	fix_plan_free(&plan);

	/* An undo that "works" but leaves the change: the revert is not believed. */
	marker_plan(&plan, marker, "true");
	fix_run(&plan, host_live(), &fo, &rep);
	assert_int_equal(rep.status, FIX_REVERT_FAILED);
	assert_true(lines_have(&rep.log, "the revert did not take"));
	fix_report_free(&rep);
	fix_plan_free(&plan);
	unlink(marker);

	/* An undo that fails outright. */
	marker_plan(&plan, marker, "exit 3");
	fix_run(&plan, host_live(), &fo, &rep);
	assert_int_equal(rep.status, FIX_REVERT_FAILED);
	fix_report_free(&rep);
	fix_plan_free(&plan);
	unlink(marker);
	free(rm);
	free(marker);
	free(jdir);
}

/* ---- injection in every parameter of every fix ------------------------------------- */

static void
test_injection(void **state)
{
	static const char *const hostile[] = {
	    "; rm -rf /", "$(reboot)", "`reboot`", "a\nb", "../../etc/passwd", "-rf",
	    "--help",     "a b",       "x|y",      "",     "\x1b[2J",
	};

	(void)state;
	for (size_t f = 0; fix_table[f] != NULL; f++) {
		const struct fix_entry *fe = fix_table[f];

		for (const struct param_def *d = fe->params; d != NULL && d->name != NULL; d++) {
			/* Free text and command lines have no place in a fix. */
			if (d->type == PARAM_STRING || d->type == PARAM_ARGV ||
			    d->type == PARAM_REGEX)
				fail_msg("fix %s: parameter %s takes free text", fe->name, d->name);
			for (size_t h = 0; h < nitems(hostile); h++) {
				char *why = param_check(d, hostile[h]);

				if (why == NULL)
					fail_msg("fix %s: parameter %s accepts '%s'", fe->name,
					         d->name, hostile[h]);
				free(why);
			}
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_diff),
	    cmocka_unit_test(test_replace),
	    cmocka_unit_test(test_replace_refuses),
	    cmocka_unit_test(test_replace_killed),
	    cmocka_unit_test(test_apply_edit_main),
	    cmocka_unit_test(test_journal_undo),
	    cmocka_unit_test(test_confirm),
	    cmocka_unit_test(test_injection),
	};

	return cmocka_run_group_tests(tests, tmpdir_setup, tmpdir_teardown);
}
