/*
 * test-fix.c: fix plans, argv by argv for every system; what the user is
 * shown; and running plans made of harmless real commands in a temporary
 * directory: failures that stop the plan, steps allowed to fail,
 * verification, and a dry run that provably runs nothing.
 */
#include "config.h"

#include "cmocka-prelude.h"

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fix/fix.h"
#include "host/host.h"
#include "testutil.h"

static bool
exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

static void
plan_for(const char *fix, const char *os, struct fix_plan *plan)
{
	struct params p = {NULL, 0};
	char *cause = NULL;

	if (os != NULL)
		params_set(&p, "os", os);
	if (fix_make_plan(fix_find(fix), &p, host_live(), plan, &cause) != 0)
		fail_msg("%s: %s", fix, cause);
	params_free(&p);
}

static void
test_table(void **state)
{
	(void)state;
	assert_non_null(fix_find("multipass_find_force_update"));
	assert_non_null(fix_find("purge_network_cache"));
	assert_null(fix_find("nope"));
	for (size_t i = 0; fix_table[i] != NULL; i++) {
		const struct fix_entry *fe = fix_table[i];

		assert_ptr_equal(fix_find(fe->name), fe);
		assert_non_null(fe->summary);
		for (const struct param_def *d = fe->params; d->name != NULL; d++) {
			char *msg = d->def != NULL ? param_check(d, d->def) : NULL;

			if (msg != NULL)
				fail_msg("fix %s, %s: default: %s", fe->name, d->name, msg);
		}
	}
	assert_string_equal(fix_status_name(FIX_APPLIED), "applied");
	assert_string_equal(fix_status_name(FIX_NOT_VERIFIED), "not_verified");
	assert_string_equal(fix_status_name(FIX_FAILED), "failed");
	assert_string_equal(fix_status_name(FIX_DRY_RUN), "dry_run");
}

/* Both fixes prove themselves by fetching the image list. */
static void
verify_is_find(const struct fix_plan *plan)
{
	struct params out = {NULL, 0};
	char *msg;

	assert_ptr_equal(plan->verify, probe_find("command"));
	assert_string_equal(plan->verify_outcome, "ok");
	assert_string_equal(params_get(&plan->verify_params, "argv"), "multipass find");
	/* The verification's parameters are valid for its probe. */
	msg = params_resolve(plan->verify->params, &plan->verify_params, &out);
	assert_null(msg);
	params_free(&out);
}

static void
test_find_force_update(void **state)
{
	struct fix_plan plan;
	struct strlist lines = STRLIST_INIT;

	(void)state;
	plan_for("multipass_find_force_update", NULL, &plan);
	assert_int_equal(plan.nsteps, 1);
	argv_is(plan.steps[0].argv, W("multipass", "find", "--force-update"));
	assert_false(plan.steps[0].privileged);
	assert_false(plan.steps[0].may_fail);
	assert_non_null(plan.steps[0].why);
	assert_int_equal(plan.nundo, 0);
	assert_non_null(strstr(plan.undo_note, "Nothing to undo"));
	assert_int_equal(plan.backups.n, 0);
	assert_int_equal(plan.destructive, 0);
	assert_int_equal(plan.confirm_seconds, 0);
	verify_is_find(&plan);

	fix_plan_render(&plan, &lines);
	assert_true(lines_have(&lines, "1. multipass find --force-update"));
	assert_false(lines_have(&lines, "sudo"));
	assert_true(
	    lines_have(&lines, "probe command argv='multipass find' seconds=60 should give 'ok'"));
	assert_true(lines_have(&lines, "Nothing to undo: "));
	strlist_free(&lines);
	fix_plan_free(&plan);
	fix_plan_free(&plan); /* twice is harmless */
}

/*
 * What purge_network_cache plans on every system: stop the service (allowed
 * to fail, as it may be stopped already), remove the cache, start it again,
 * each step as root, and the image list as the proof. Renders it into lines.
 */
static void
purge_plan(const char *os, const char *const *stop, const char *const *purge,
    const char *const *start, struct fix_plan *plan, struct strlist *lines)
{
	plan_for("purge_network_cache", os, plan);
	assert_int_equal(plan->nsteps, 3);
	argv_is(plan->steps[0].argv, stop);
	argv_is(plan->steps[1].argv, purge);
	argv_is(plan->steps[2].argv, start);
	for (size_t i = 0; i < 3; i++)
		assert_true(plan->steps[i].privileged);
	assert_true(plan->steps[0].may_fail);
	verify_is_find(plan);
	fix_plan_render(plan, lines);
}

static void
test_purge_linux(void **state)
{
	struct fix_plan plan;
	struct strlist lines = STRLIST_INIT;

	(void)state;
	purge_plan("linux", W("snap", "stop", "multipass"),
	    W("rm", "-rf", "--", "/var/snap/multipass/common/cache/multipassd/network-cache"),
	    W("snap", "start", "multipass"), &plan, &lines);
	assert_false(plan.steps[1].may_fail);
	assert_false(plan.steps[2].may_fail);
	assert_int_equal(plan.backups.n, 0);
	assert_non_null(plan.undo_note);
	assert_non_null(plan.notes);
	assert_true(lines_have(&lines, "1. sudo snap stop multipass"));
	assert_true(lines_have(
	    &lines, "2. sudo rm -rf -- /var/snap/multipass/common/cache/multipassd/network-cache"));
	assert_true(lines_have(&lines, "3. sudo snap start multipass"));
	assert_true(lines_have(&lines, "if this fails, the next steps still run"));
	assert_true(lines_have(&lines, "Note: "));
	assert_true(lines_have(&lines, "Nothing to undo: "));
	strlist_free(&lines);
	fix_plan_free(&plan);
}

static void
test_purge_darwin(void **state)
{
	struct fix_plan plan;
	struct strlist lines = STRLIST_INIT;

	(void)state;
	purge_plan("darwin",
	    W("launchctl", "unload", "/Library/LaunchDaemons/com.canonical.multipassd.plist"),
	    W("rm", "-rf", "--",
	        "/System/Volumes/Data/private/var/root/Library/Caches/multipassd/network-cache"),
	    W("launchctl", "load", "/Library/LaunchDaemons/com.canonical.multipassd.plist"), &plan,
	    &lines);
	assert_false(plan.steps[2].may_fail);
	assert_true(lines_have(
	    &lines,
	    "1. sudo launchctl unload /Library/LaunchDaemons/com.canonical.multipassd.plist"));
	strlist_free(&lines);
	fix_plan_free(&plan);
}

static void
test_purge_windows(void **state)
{
	struct fix_plan plan;
	struct strlist lines = STRLIST_INIT;

	(void)state;
	purge_plan("windows",
	    W("powershell", "-NoProfile", "-NonInteractive", "-Command",
	        "Stop-Service -Name Multipass"),
	    W("powershell", "-NoProfile", "-NonInteractive", "-Command",
	        "if (Test-Path -LiteralPath 'C:\\ProgramData\\Multipass\\cache\\network-cache') "
	        "{ Remove-Item -LiteralPath 'C:\\ProgramData\\Multipass\\cache\\network-cache' "
	        "-Recurse -Force }"),
	    W("powershell", "-NoProfile", "-NonInteractive", "-Command",
	        "Start-Service -Name Multipass"),
	    &plan, &lines);
	assert_true(
	    lines_have(&lines, "1. (in an elevated PowerShell) Stop-Service -Name Multipass"));
	assert_true(lines_have(&lines, "Remove-Item -LiteralPath"));
	assert_false(lines_have(&lines, "sudo"));
	strlist_free(&lines);
	fix_plan_free(&plan);
}

static void
test_purge_bad_params(void **state)
{
	struct params p = {NULL, 0};
	struct fix_plan plan;
	char *cause = NULL;

	(void)state;
	assert_int_equal(fix_make_plan(fix_find("purge_network_cache"), &p, host_live(), &plan, &cause), -1);
	assert_non_null(strstr(cause, "missing parameter 'os'"));
	assert_int_equal(plan.nsteps, 0);
	free(cause);
	fix_plan_free(&plan);

	params_set(&p, "os", "macos");
	assert_int_equal(fix_make_plan(fix_find("purge_network_cache"), &p, host_live(), &plan, &cause), -1);
	assert_non_null(strstr(cause, "not one of linux, darwin, windows"));
	free(cause);
	fix_plan_free(&plan);

	params_set(&p, "os", "linux; reboot");
	assert_int_equal(fix_make_plan(fix_find("purge_network_cache"), &p, host_live(), &plan, &cause), -1);
	free(cause);
	fix_plan_free(&plan);
	params_free(&p);

	params_set(&p, "force", "yes");
	assert_int_equal(fix_make_plan(fix_find("multipass_find_force_update"), &p, host_live(), &plan, &cause),
	                 -1);
	assert_non_null(strstr(cause, "unknown parameter 'force'"));
	free(cause);
	fix_plan_free(&plan);
	params_free(&p);
}

/* ---- running plans ------------------------------------------------------ */

static void
test_run_ok(void **state)
{
	struct fix_plan plan;
	struct fix_report rep;

	(void)state;
	memset(&plan, 0, sizeof plan);
	fix_plan_add_step(&plan, false, false, "nothing", W("true"));
	fix_plan_add_step(&plan, false, false, "talk", W("sh", "-c", "echo hi; echo warn >&2"));
	fix_run(&plan, host_live(), NULL, &rep);
	assert_int_equal(rep.status, FIX_APPLIED);
	assert_true(lines_have(&rep.log, "true -> exit 0"));
	assert_true(lines_have(&rep.log, "sh -c 'echo hi; echo warn >&2' -> exit 0"));
	assert_true(lines_have(&rep.log, "    hi"));
	assert_true(lines_have(&rep.log, "    stderr: warn"));
	assert_null(rep.verify.outcome); /* no verification asked for */
	fix_report_free(&rep);
	fix_report_free(&rep);
	fix_plan_free(&plan);
}

static void
test_run_stops_at_failure(void **state)
{
	char *after = tmp_path("after-failure");
	struct fix_plan plan;
	struct fix_report rep;

	(void)state;
	memset(&plan, 0, sizeof plan);
	fix_plan_add_step(&plan, false, false, "ok", W("true"));
	fix_plan_add_step(&plan, false, false, "fails", W("sh", "-c", "echo broke >&2; exit 4"));
	fix_plan_add_step(&plan, false, false, "never", W("touch", after));
	fix_plan_set_verify(&plan, "command", "ok", "argv", "true", NULL);
	fix_run(&plan, host_live(), NULL, &rep);
	assert_int_equal(rep.status, FIX_FAILED);
	assert_false(exists(after));
	assert_true(lines_have(&rep.log, "-> exit 4"));
	assert_true(lines_have(&rep.log, "stderr: broke"));
	assert_true(lines_have(&rep.log, "step 2 failed"));
	assert_null(rep.verify.outcome); /* no verification after a failure */
	fix_report_free(&rep);
	fix_plan_free(&plan);
	free(after);
}

static void
test_run_may_fail(void **state)
{
	char *after = tmp_path("after-may-fail");
	struct fix_plan plan;
	struct fix_report rep;

	(void)state;
	memset(&plan, 0, sizeof plan);
	fix_plan_add_step(&plan, false, true, "stop what is stopped", W("sh", "-c", "exit 1"));
	fix_plan_add_step(&plan, false, true, "missing program",
	                  W("vmtriage-no-such-program-4711"));
	fix_plan_add_step(&plan, false, false, "goes on", W("touch", after));
	fix_run(&plan, host_live(), NULL, &rep);
	assert_int_equal(rep.status, FIX_APPLIED);
	assert_true(exists(after));
	assert_true(lines_have(&rep.log, "may fail; going on"));
	assert_true(lines_have(&rep.log, "was not found"));
	fix_report_free(&rep);
	fix_plan_free(&plan);
	free(after);
}

static void
test_run_not_found_fails(void **state)
{
	struct fix_plan plan;
	struct fix_report rep;

	(void)state;
	memset(&plan, 0, sizeof plan);
	fix_plan_add_step(&plan, false, false, "missing", W("vmtriage-no-such-program-4711"));
	fix_run(&plan, host_live(), NULL, &rep);
	assert_int_equal(rep.status, FIX_FAILED);
	assert_true(lines_have(&rep.log, "was not found"));
	fix_report_free(&rep);
	fix_plan_free(&plan);
}

static void
test_run_verify(void **state)
{
	char *marker = tmp_path("marker");
	struct fix_plan plan;
	struct fix_report rep;
	struct strlist lines = STRLIST_INIT;

	(void)state;
	memset(&plan, 0, sizeof plan);
	fix_plan_add_step(&plan, false, false, "make the marker", W("touch", marker));
	fix_plan_add_undo(&plan, false, "remove the marker", W("rm", "-f", "--", marker));
	fix_plan_set_verify(&plan, "file", "found", "path", marker, NULL);
	fix_plan_render(&plan, &lines);
	assert_true(lines_have(&lines, "To undo it:"));
	assert_true(lines_have(&lines, "1. rm -f --"));
	strlist_free(&lines);

	fix_run(&plan, host_live(), NULL, &rep);
	assert_int_equal(rep.status, FIX_APPLIED);
	assert_string_equal(rep.verify.outcome, "found");
	assert_true(lines_have(&rep.log, "check: probe file gave 'found' (wanted 'found')"));
	fix_report_free(&rep);

	/* Ran fine, but the check says otherwise. */
	fix_plan_set_verify(&plan, "file", "missing", "path", marker, NULL);
	fix_run(&plan, host_live(), NULL, &rep);
	assert_int_equal(rep.status, FIX_NOT_VERIFIED);
	assert_string_equal(rep.verify.outcome, "found");
	fix_report_free(&rep);
	fix_plan_free(&plan);
	free(marker);
}

static void
test_dry_run(void **state)
{
	char *would = tmp_path("dry-run-would-create");
	struct fix_plan plan;
	struct fix_report rep;

	(void)state;
	memset(&plan, 0, sizeof plan);
	fix_plan_add_step(&plan, false, false, "would create a file", W("touch", would));
	fix_plan_set_verify(&plan, "file", "found", "path", would, NULL);
	fix_run(&plan, host_live(), &(struct fix_run_opts){.dry_run = true}, &rep);
	assert_int_equal(rep.status, FIX_DRY_RUN);
	assert_false(exists(would));
	assert_true(lines_have(&rep.log, "nothing was run"));
	assert_true(lines_have(&rep.log, "1. touch "));
	assert_null(rep.verify.outcome); /* not even the check ran */
	fix_report_free(&rep);
	fix_plan_free(&plan);
	free(would);
}

static void
test_run_privileged_as_root(void **state)
{
	struct fix_plan plan;
	struct fix_report rep;

	(void)state;
	/*
	 * As anyone else this would call sudo, which a test must not do. It
	 * passes rather than skips: cmocka 1.1.5 prints a skip as "not ok" in TAP.
	 */
	if (geteuid() != 0)
		return;
	memset(&plan, 0, sizeof plan);
	fix_plan_add_step(&plan, true, false, "root already", W("sh", "-c", "id -u"));
	fix_run(&plan, host_live(), NULL, &rep);
	assert_int_equal(rep.status, FIX_APPLIED);
	assert_true(lines_have(&rep.log, "sh -c 'id -u' -> exit 0"));
	assert_false(lines_have(&rep.log, "sudo"));
	assert_true(lines_have(&rep.log, "    0"));
	fix_report_free(&rep);
	fix_plan_free(&plan);
}

static void
test_run_cancelled(void **state)
{
	char *never = tmp_path("cancelled");
	struct fix_plan plan;
	struct fix_report rep;

	(void)state;
	memset(&plan, 0, sizeof plan);
	fix_plan_add_step(&plan, false, false, "never", W("touch", never));
	vt_cancelled = 1;
	fix_run(&plan, host_live(), NULL, &rep);
	vt_cancelled = 0;
	assert_int_equal(rep.status, FIX_FAILED);
	assert_false(exists(never));
	assert_true(lines_have(&rep.log, "cancelled"));
	fix_report_free(&rep);
	fix_plan_free(&plan);
	free(never);
}

static void
test_render_extras(void **state)
{
	struct fix_plan plan;
	struct strlist lines = STRLIST_INIT;

	(void)state;
	memset(&plan, 0, sizeof plan);
	fix_plan_add_step(&plan, true, false, "route",
	                  W("ip", "route", "add", "10.0.0.0/8", "dev", "it's odd"));
	strlist_add(&plan.backups, "/etc/hosts");
	plan.confirm_seconds = 30;
	plan.destructive = 2;
	fix_plan_render(&plan, &lines);
	assert_true(lines_have(&lines, "1. sudo ip route add 10.0.0.0/8 dev 'it'\\''s odd'"));
	assert_true(lines_have(&lines, "  - /etc/hosts"));
	assert_true(lines_have(&lines, "30 seconds"));
	assert_true(lines_have(&lines, "asked 2 times"));
	assert_true(lines_have(&lines, "It cannot be undone."));
	strlist_free(&lines);
	fix_plan_free(&plan);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_table),
	    cmocka_unit_test(test_find_force_update),
	    cmocka_unit_test(test_purge_linux),
	    cmocka_unit_test(test_purge_darwin),
	    cmocka_unit_test(test_purge_windows),
	    cmocka_unit_test(test_purge_bad_params),
	    cmocka_unit_test(test_run_ok),
	    cmocka_unit_test(test_run_stops_at_failure),
	    cmocka_unit_test(test_run_may_fail),
	    cmocka_unit_test(test_run_not_found_fails),
	    cmocka_unit_test(test_run_verify),
	    cmocka_unit_test(test_dry_run),
	    cmocka_unit_test(test_run_privileged_as_root),
	    cmocka_unit_test(test_run_cancelled),
	    cmocka_unit_test(test_render_extras),
	};

	return cmocka_run_group_tests(tests, tmpdir_setup, tmpdir_teardown);
}
