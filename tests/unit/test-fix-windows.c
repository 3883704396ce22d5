/*
 * test-fix-windows.c: the Windows fixes. hyperv_default_switch_reset's plan
 * argv by argv (the exact PowerShell scripts), and the runner driving it on
 * a stand-in powershell.exe placed first on PATH, which records every argv
 * and its input (the check stopping the plan when Get-HnsNetwork is
 * missing included). hosts_ics_dedupe planned on snapshot hosts from
 * Windows holding hosts.ics at its Windows path (UTF-8 CR LF, UTF-16LE and
 * BE, byte order marks, damaged lines): the new contents byte for byte,
 * the diff, the undo, the verification (the hosts_ics probe run on the
 * result); then the edit applied to real files in a temporary directory
 * (atomic replace, undo byte for byte, a file changed since the plan
 * refused; as root, the whole run with journal and `vmtriage undo`);
 * refusals, and injection attempts in every parameter.
 */
#include "config.h"

#include "cmocka-prelude.h"

#include <sys/stat.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fix/fix.h"
#include "host/host.h"
#include "host/snapshot.h"
#include "platform/paths.h"
#include "testutil.h"

#define ICS "C:\\WINDOWS\\System32\\drivers\\etc\\hosts.ics"
#define PS "powershell.exe", "-NoProfile", "-NonInteractive", "-Command"

static const char *const script_check =
    "if (-not (Get-Command -Name Get-HnsNetwork -ErrorAction SilentlyContinue)) "
    "{ throw 'Get-HnsNetwork is missing: it comes with the HostNetworkingService module of "
    "Windows 10 and 11, which this system lacks (as Windows Server 2016 does). "
    "Nothing was changed.' }";
static const char *const script_remove =
    "Get-HNSNetwork | ? Name -Like \"Default Switch\" | Remove-HNSNetwork";

/* ---- helpers ------------------------------------------------------------- */

/* A host answering as a Windows machine (or os) that holds path with content. */
static struct host *
snap_host(const char *os, const char *path, enum host_status st, const char *content, size_t len,
          struct snapshot **sp)
{
	*sp = snapshot_new(os, "x86_64", 1727000000);
	if (path != NULL)
		snapshot_add_file(*sp, path, st, 'f', content, len, false);
	return host_snapshot(*sp);
}

static void
snap_close(struct host *h, struct snapshot *s)
{
	host_close(h);
	snapshot_free(s);
}

/* Makes a plan from NULL-terminated name, value pairs; returns fix_make_plan's result. */
static int __attribute__((sentinel))
plan_with(const char *fix, struct host *h, struct fix_plan *plan, char **cause, ...)
{
	struct params p = {NULL, 0};
	const char *k = NULL;
	va_list ap;
	int rc;

	va_start(ap, cause);
	while ((k = va_arg(ap, const char *)) != NULL)
		params_set(&p, k, va_arg(ap, const char *));
	va_end(ap);
	*cause = NULL;
	rc = fix_make_plan(fix_find(fix), &p, h, plan, cause);
	params_free(&p);
	return rc;
}

/* buf without the first occurrence of line (the exact bytes); the test fails without one. */
static char *
cut(const char *buf, size_t len, const char *line, size_t line_len, size_t *out_len)
{
	const char *at = memmem(buf, len, line, line_len);
	char *out = NULL;

	if (at == NULL)
		fail_msg("the text does not hold the line '%s'", line);
	out = xmalloc(len - line_len + 1);
	memcpy(out, buf, (size_t)(at - buf));
	memcpy(out + (at - buf), at + line_len, len - (size_t)(at - buf) - line_len);
	*out_len = len - line_len;
	return out;
}

/* The same, for a string line, and freeing buf. */
static char *
cut_s(char *buf, size_t *len, const char *line)
{
	char *out = cut(buf, *len, line, strlen(line), len);

	free(buf);
	return out;
}

/* ASCII text as UTF-16 (little-endian unless be), after a byte order mark when bom. */
static char *
widen(const char *s, size_t len, bool be, bool bom, size_t *out_len)
{
	char *out = xmalloc(2 * len + 2);
	size_t k = 0;

	if (bom) {
		out[k++] = be ? '\xfe' : '\xff';
		out[k++] = be ? '\xff' : '\xfe';
	}
	for (size_t i = 0; i < len; i++) {
		out[k++] = be ? '\0' : s[i];
		out[k++] = be ? s[i] : '\0';
	}
	*out_len = k;
	return out;
}

/* The hosts_ics probe's outcome for content held at path on a Windows snapshot. */
static void
probe_ics(const char *content, size_t len, const char *name, const char *want, const char *encoding)
{
	struct snapshot *s = NULL;
	struct host *h = snap_host("windows", ICS, HOST_OK, content, len, &s);
	struct probe_result r = {0};

	run_probe_on(h, &r, "hosts_ics", "name", name, "file", ICS, NULL);
	assert_string_equal(r.outcome, want);
	if (encoding != NULL)
		assert_string_equal(result_fact(&r, "ics.encoding"), encoding);
	probe_result_free(&r);
	snap_close(h, s);
}

static void
expect_bytes(const char *got, size_t got_len, const char *want, size_t want_len)
{
	assert_int_equal(got_len, want_len);
	assert_memory_equal(got, want, want_len);
}

static char *
slurp(const char *path, size_t *len)
{
	struct host_result hr;
	char *out = NULL;

	if (host_read_file(host_live(), path, 64 * 1024 * 1024, &hr) == 0) {
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
	expect_bytes(got, len, want, want_len);
	free(got);
}

static char *
write_bytes(const char *name, const char *content, size_t len)
{
	char *path = tmp_path(name);
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(content, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	return path;
}

/* ---- hyperv_default_switch_reset: the plan --------------------------------- */

static void
test_switch_plan(void **state)
{
	struct snapshot *s = NULL;
	struct host *h = snap_host("windows", NULL, HOST_OK, NULL, 0, &s);
	struct fix_plan plan;
	struct strlist lines = STRLIST_INIT;
	char *cause = NULL;

	(void)state;
	if (plan_with("hyperv_default_switch_reset", h, &plan, &cause, NULL) != 0)
		fail_msg("%s", cause);
	assert_string_equal(fix_find("hyperv_default_switch_reset")->platforms, "windows");
	assert_int_equal(plan.nsteps, 3);
	argv_is(plan.steps[0].argv, W(PS, script_check));
	argv_is(plan.steps[1].argv, W(PS, script_remove));
	/* The reboot the document ends with: the last step, nothing after it. */
	argv_is(plan.steps[2].argv, W(PS, "Restart-Computer"));
	assert_false(plan.steps[0].privileged);
	assert_true(plan.steps[1].privileged);
	assert_true(plan.steps[2].privileged);
	for (size_t i = 0; i < plan.nsteps; i++) {
		assert_int_equal(plan.steps[i].kind, FIX_STEP_RUN);
		assert_false(plan.steps[i].may_fail);
		assert_null(plan.steps[i].input);
		assert_non_null(plan.steps[i].why);
	}
	/* No undo, and why; no check (the switch is back only after the reboot). */
	assert_int_equal(plan.nundo, 0);
	assert_non_null(strstr(plan.undo_note, "Hyper-V recreates the Default Switch"));
	assert_null(plan.verify);
	assert_int_equal(plan.backups.n, 0);
	assert_int_equal(plan.destructive, 0);
	assert_int_equal(plan.confirm_seconds, 0);
	assert_non_null(strstr(plan.notes, "elevated PowerShell"));
	assert_non_null(strstr(plan.notes, "A reboot follows"));
	assert_non_null(strstr(plan.notes, "Restart-Computer"));
	assert_non_null(strstr(plan.notes, "Windows Server 2016"));

	fix_plan_render(&plan, &lines);
	assert_true(
	    lines_have(&lines, "1. (in PowerShell) if (-not (Get-Command -Name Get-HnsNetwork"));
	assert_true(lines_have_exact(
	    &lines, "  2. (in an elevated PowerShell) Get-HNSNetwork | ? Name -Like \"Default "
	            "Switch\" | Remove-HNSNetwork"));
	assert_true(lines_have_exact(&lines, "  3. (in an elevated PowerShell) Restart-Computer"));
	assert_true(lines_have(&lines, "Note: It needs an elevated PowerShell"));
	assert_true(lines_have(&lines, "There is no undo"));
	assert_false(lines_have(&lines, "sudo"));
	assert_false(lines_have(&lines, "Then it checks"));
	strlist_free(&lines);
	fix_plan_free(&plan);
	snap_close(h, s);
}

static void
test_switch_refusals(void **state)
{
	struct snapshot *s = NULL;
	struct host *h = snap_host("linux", NULL, HOST_OK, NULL, 0, &s);
	struct fix_plan plan;
	char *cause = NULL;

	(void)state;
	/* Only for Windows. */
	assert_int_equal(plan_with("hyperv_default_switch_reset", h, &plan, &cause, NULL), -1);
	assert_non_null(strstr(cause, "for Windows, and this host is linux"));
	assert_int_equal(plan.nsteps, 0);
	free(cause);
	fix_plan_free(&plan);
	snap_close(h, s);

	/* It takes no parameters: anything given is refused, hostile or not. */
	h = snap_host("windows", NULL, HOST_OK, NULL, 0, &s);
	assert_int_equal(plan_with("hyperv_default_switch_reset", h, &plan, &cause, "switch",
	                           "Default Switch", NULL),
	                 -1);
	assert_non_null(strstr(cause, "unknown parameter 'switch'"));
	free(cause);
	fix_plan_free(&plan);
	assert_int_equal(plan_with("hyperv_default_switch_reset", h, &plan, &cause, "name",
	                           "; Restart-Computer -Force", NULL),
	                 -1);
	assert_int_equal(plan.nsteps, 0);
	free(cause);
	fix_plan_free(&plan);
	snap_close(h, s);
}

/* ---- hyperv_default_switch_reset: the runner on a stand-in ---------------- */

static char *standin_log, *standin_fail, *saved_path;

/*
 * powershell.exe first on PATH: appends its name, argc, each argument in
 * [brackets] and its input to the log. With the fail flag present it
 * answers the Get-Command check as a Windows without the module would.
 */
static void
standin_install(void)
{
	char *bin = tmp_path("bin"), *prog = NULL, *script = NULL, *path = NULL;

	mkdir(bin, 0755);
	standin_log = tmp_path("powershell.log");
	standin_fail = tmp_path("powershell.fail");
	unlink(standin_log);
	unlink(standin_fail);
	script = xasprintf("#!/bin/sh\n"
	                   "{ printf '%%s argc=%%d\\n' \"${0##*/}\" \"$#\"\n"
	                   "  for a in \"$@\"; do printf '[%%s]\\n' \"$a\"; done\n"
	                   "  printf 'input=<'; cat; printf '>\\n'; } >> '%s'\n"
	                   "case \"$4\" in *Get-Command*)\n"
	                   "  if [ -e '%s' ]; then\n"
	                   "    echo 'Get-HnsNetwork is missing: it comes with the "
	                   "HostNetworkingService module' >&2; exit 1\n"
	                   "  fi;;\n"
	                   "esac\n"
	                   "exit 0\n",
	                   standin_log, standin_fail);
	prog = xasprintf("%s/powershell.exe", bin);
	free(write_file("bin/powershell.exe", script, 0755));
	saved_path = xstrdup(getenv("PATH") != NULL ? getenv("PATH") : "/usr/bin:/bin");
	path = xasprintf("%s:%s", bin, saved_path);
	setenv("PATH", path, 1);
	free(path);
	free(prog);
	free(script);
	free(bin);
}

static void
standin_remove(void)
{
	setenv("PATH", saved_path, 1);
	free(saved_path);
	free(standin_log);
	free(standin_fail);
	saved_path = standin_log = standin_fail = NULL;
}

static char *
standin_record(void)
{
	size_t len = 0;
	char *text = slurp(standin_log, &len);

	return text != NULL ? text : xstrdup("");
}

static void
test_switch_run(void **state)
{
	struct snapshot *s = NULL;
	struct host *h = snap_host("windows", NULL, HOST_OK, NULL, 0, &s);
	struct fix_run_opts opts = {.journal_dir = ""};
	struct fix_plan plan;
	struct fix_report rep;
	char *cause = NULL, *rec = NULL, *want = NULL;

	(void)state;
	if (plan_with("hyperv_default_switch_reset", h, &plan, &cause, NULL) != 0)
		fail_msg("%s", cause);
	standin_install();

	/* Every step, in order, with exactly the plan's argv and no sudo. */
	fix_run(&plan, host_live(), &opts, &rep);
	assert_int_equal(rep.status, FIX_APPLIED);
	assert_null(rep.verify.outcome);
	rec = standin_record();
	want = xasprintf("powershell.exe argc=4\n[-NoProfile]\n[-NonInteractive]\n[-Command]\n"
	                 "[%s]\ninput=<>\n"
	                 "powershell.exe argc=4\n[-NoProfile]\n[-NonInteractive]\n[-Command]\n"
	                 "[%s]\ninput=<>\n"
	                 "powershell.exe argc=4\n[-NoProfile]\n[-NonInteractive]\n[-Command]\n"
	                 "[Restart-Computer]\ninput=<>\n",
	                 script_check, script_remove);
	assert_string_equal(rec, want);
	assert_false(lines_have(&rep.log, "sudo"));
	assert_true(lines_have(&rep.log, "Restart-Computer -> exit 0"));
	free(rec);
	free(want);
	fix_report_free(&rep);

	/* Without the module: the check fails, says why, and nothing else runs. */
	unlink(standin_log);
	free(write_file("powershell.fail", "", 0644));
	fix_run(&plan, host_live(), &opts, &rep);
	assert_int_equal(rep.status, FIX_FAILED);
	assert_true(lines_have(&rep.log, "-> exit 1"));
	assert_true(lines_have(&rep.log, "stderr: Get-HnsNetwork is missing"));
	assert_true(lines_have(&rep.log, "step 1 failed; the remaining steps did not run"));
	rec = standin_record();
	assert_non_null(strstr(rec, "Get-Command"));
	assert_null(strstr(rec, "Remove-HNSNetwork"));
	assert_null(strstr(rec, "Restart-Computer]"));
	free(rec);
	fix_report_free(&rep);

	/* A dry run starts nothing. */
	unlink(standin_log);
	unlink(standin_fail);
	opts.dry_run = true;
	fix_run(&plan, host_live(), &opts, &rep);
	assert_int_equal(rep.status, FIX_DRY_RUN);
	rec = standin_record();
	assert_string_equal(rec, "");
	free(rec);
	fix_report_free(&rep);

	standin_remove();
	fix_plan_free(&plan);
	snap_close(h, s);
}

/* ---- hosts_ics_dedupe: plans ------------------------------------------------ */

static const char *const later_1 = "172.17.122.45 primary.mshome.net # 2024 9 0 22 10 5 47 236";
static const char *const later_2 = "172.17.127.90 PRIMARY.mshome.net # 2024 9 1 16 7 12 9 640";

/* Plans hosts_ics_dedupe on a Windows snapshot holding content as hosts.ics. */
static int
plan_ics(const char *content, size_t len, struct fix_plan *plan, char **cause, const char *name,
         const char *corrupt)
{
	struct snapshot *s = NULL;
	struct host *h = snap_host("windows", ICS, HOST_OK, content, len, &s);
	int rc = corrupt != NULL
	             ? plan_with("hosts_ics_dedupe", h, plan, cause, "name", name, "corrupt",
	                         corrupt, NULL)
	             : plan_with("hosts_ics_dedupe", h, plan, cause, "name", name, NULL);

	snap_close(h, s);
	return rc;
}

/* The one edit of hosts.ics, its undo, the backup and the check, from old to want. */
static void
expect_ics_plan(const struct fix_plan *plan, const char *old, size_t old_len, const char *want,
                size_t want_len, const char *name, const char *outcome)
{
	struct params out = {NULL, 0};

	assert_int_equal(plan->nsteps, 1);
	assert_int_equal(plan->steps[0].kind, FIX_STEP_EDIT);
	assert_true(plan->steps[0].privileged);
	assert_string_equal(plan->steps[0].path, ICS);
	expect_bytes(plan->steps[0].old_content, plan->steps[0].old_len, old, old_len);
	expect_bytes(plan->steps[0].new_content, plan->steps[0].new_len, want, want_len);
	assert_int_equal(plan->nundo, 1);
	assert_int_equal(plan->undo[0].kind, FIX_STEP_EDIT);
	assert_true(plan->undo[0].privileged);
	assert_string_equal(plan->undo[0].path, ICS);
	expect_bytes(plan->undo[0].old_content, plan->undo[0].old_len, want, want_len);
	expect_bytes(plan->undo[0].new_content, plan->undo[0].new_len, old, old_len);
	assert_int_equal(plan->backups.n, 1);
	assert_string_equal(plan->backups.v[0], ICS);
	assert_ptr_equal(plan->verify, probe_find("hosts_ics"));
	assert_string_equal(plan->verify_outcome, outcome);
	assert_string_equal(params_get(&plan->verify_params, "name"), name);
	assert_string_equal(params_get(&plan->verify_params, "file"), ICS);
	assert_null(params_resolve(plan->verify->params, &plan->verify_params, &out));
	params_free(&out);
	assert_int_equal(plan->destructive, 0);
	assert_int_equal(plan->confirm_seconds, 0);
	assert_non_null(strstr(plan->notes, "Administrator"));
	assert_non_null(strstr(plan->notes, "multipass stop --all"));
	assert_non_null(strstr(plan->notes, "delete the file and reboot"));
}

static void
test_ics_plan_utf8(void **state)
{
	size_t len = 0, want_len = 0;
	char *old = fixture_read("leases/hosts.ics.duplicate", &len), *want = NULL;
	char *l2 = xasprintf("%s\r\n", later_1), *l3 = xasprintf("%s\r\n", later_2), *cause = NULL;
	struct fix_plan plan;
	struct strlist lines = STRLIST_INIT;

	(void)state;
	assert_string_equal(platform_info("windows")->hosts_ics, ICS);
	want = cut(old, len, l2, strlen(l2), &want_len);
	want = cut_s(want, &want_len, l3);
	if (plan_ics(old, len, &plan, &cause, "primary", NULL) != 0)
		fail_msg("%s", cause);
	expect_ics_plan(&plan, old, len, want, want_len, "primary", "ok");
	assert_string_equal(params_get(&plan.params, "file"), ICS);
	assert_string_equal(params_get(&plan.params, "corrupt"), "false");
	/* The removed lines as text: no CR shown as '?'. */
	{
		char *d2 = xasprintf("- %s", later_1), *d3 = xasprintf("- %s", later_2);

		lines_are(&plan.steps[0].diff, W(d2, d3));
		free(d2);
		free(d3);
	}
	fix_plan_render(&plan, &lines);
	assert_true(lines_have(&lines, "edit " ICS ", after a backup:"));
	assert_true(lines_have_exact(&lines, "       - 172.17.122.45 primary.mshome.net # 2024 9 0 "
	                                     "22 10 5 47 236"));
	assert_true(lines_have(&lines, "later entries (the first one stays)"));
	assert_true(lines_have(&lines, "Then it checks: probe hosts_ics name=primary"));
	assert_true(lines_have(&lines, "should give 'ok'"));
	assert_true(lines_have(&lines, "To undo it:"));
	assert_true(lines_have_exact(&lines, "       + 172.17.127.90 PRIMARY.mshome.net # 2024 9 "
	                                     "1 16 7 12 9 640"));
	/* The check passes on the result, and fails on the file as it was. */
	probe_ics(want, want_len, "primary", "ok", "UTF-8");
	probe_ics(old, len, "primary", "duplicate", NULL);
	/* Another instance in the same file: nothing of its own to remove. */
	strlist_free(&lines);
	fix_plan_free(&plan);
	assert_int_equal(plan_ics(old, len, &plan, &cause, "dbarn", NULL), -1);
	assert_non_null(strstr(cause, "nothing to remove"));
	assert_non_null(strstr(cause, "one entry for dbarn (line 12)"));
	free(cause);
	fix_plan_free(&plan);
	free(old);
	free(want);
	free(l2);
	free(l3);
}

static void
test_ics_plan_utf16(void **state)
{
	size_t len = 0, want_len = 0;
	char *old = fixture_read("leases/hosts.ics.utf16le", &len), *cause = NULL;
	char *want = NULL, *wide_line = NULL;
	size_t wide_len = 0;
	const char *line = "172.17.118.207 primary.mshome.net # 2024 9 4 19 16 2 31 77\r\n";
	struct fix_plan plan;

	(void)state;
	/* The expected file: the fixture without its second primary line, still UTF-16LE. */
	wide_line = widen(line, strlen(line), false, false, &wide_len);
	want = cut(old, len, wide_line, wide_len, &want_len);
	assert_true(want_len % 2 == 0);
	if (plan_ics(old, len, &plan, &cause, "PRIMARY", NULL) != 0)
		fail_msg("%s", cause);
	expect_ics_plan(&plan, old, len, want, want_len, "PRIMARY", "ok");
	assert_memory_equal(plan.steps[0].new_content, "\xff\xfe", 2);
	/* Shown as text, not as UTF-16 bytes. */
	lines_are(&plan.steps[0].diff,
	          W("- 172.17.118.207 primary.mshome.net # 2024 9 4 19 16 2 31 77"));
	probe_ics(want, want_len, "primary", "ok", "UTF-16LE");
	probe_ics(old, len, "primary", "duplicate", "UTF-16LE");
	fix_plan_free(&plan);
	free(old);
	free(want);
	free(wide_line);
}

static void
test_ics_corrupt(void **state)
{
	size_t len = 0, want_len = 0;
	char *old = fixture_read("leases/hosts.ics.corrupt", &len), *want = NULL, *cause = NULL;
	struct fix_plan plan;

	(void)state;
	/* Damaged lines, corrupt not given: the check would still fail, so no plan. */
	assert_int_equal(plan_ics(old, len, &plan, &cause, "primary", NULL), -1);
	assert_non_null(strstr(cause, "4 damaged lines"));
	assert_non_null(strstr(cause, "give corrupt=true"));
	assert_int_equal(plan.nsteps, 0);
	free(cause);
	fix_plan_free(&plan);
	assert_int_equal(plan_ics(old, len, &plan, &cause, "primary", "no"), -1);
	free(cause);
	fix_plan_free(&plan);

	/* corrupt=true: the four damaged lines go, primary's one entry stays. */
	want = cut(old, len, "28\r\n", 4, &want_len);
	want = cut_s(want, &want_len, "881\r\n");
	want = cut_s(want, &want_len, "172.17.119.4 jenkins-server.mshome.net # 2024 9 0 2\r\n");
	{
		char *w = cut(want, want_len, "172.17.1\0\0\0\0\0\0\r\n", 16, &want_len);

		free(want);
		want = w;
	}
	if (plan_ics(old, len, &plan, &cause, "primary", "true") != 0)
		fail_msg("%s", cause);
	expect_ics_plan(&plan, old, len, want, want_len, "primary", "ok");
	lines_are(&plan.steps[0].diff,
	          W("- 28", "- 881", "- 172.17.119.4 jenkins-server.mshome.net # 2024 9 0 2",
	            "- 172.17.1??????"));
	assert_non_null(strstr(plan.steps[0].why, "damaged lines"));
	probe_ics(want, want_len, "primary", "ok", NULL);
	probe_ics(old, len, "primary", "corrupt", NULL);
	fix_plan_free(&plan);

	/*
	 * An instance with no entry left in a damaged file: the damaged lines go,
	 * and the check expects no entry (ICS writes one at the next start).
	 */
	if (plan_ics(old, len, &plan, &cause, "ghost", "yes") != 0)
		fail_msg("%s", cause);
	expect_ics_plan(&plan, old, len, want, want_len, "ghost", "missing");
	probe_ics(want, want_len, "ghost", "missing", NULL);
	fix_plan_free(&plan);

	/* corrupt=true in a file without damage: only the duplicates go. */
	free(old);
	old = fixture_read("leases/hosts.ics.duplicate", &len);
	if (plan_ics(old, len, &plan, &cause, "primary", "true") != 0)
		fail_msg("%s", cause);
	assert_int_equal(plan.steps[0].diff.n, 2);
	assert_null(strstr(plan.steps[0].why, "damaged"));
	fix_plan_free(&plan);
	free(old);
	free(want);
}

static void
test_ics_nothing_to_do(void **state)
{
	size_t len = 0;
	char *old = fixture_read("leases/hosts.ics.normal", &len), *cause = NULL;
	const char *other = "10.0.0.2 primary\r\n10.0.0.3 primary.example.com\r\n";
	struct fix_plan plan;

	(void)state;
	assert_int_equal(plan_ics(old, len, &plan, &cause, "primary", NULL), -1);
	assert_non_null(strstr(cause, "nothing to remove: " ICS " has one entry for primary "
	                              "(line 11) and no damaged lines"));
	free(cause);
	fix_plan_free(&plan);
	assert_int_equal(plan_ics(old, len, &plan, &cause, "ghost", "true"), -1);
	assert_non_null(strstr(cause, "has no entry for ghost and no damaged lines"));
	free(cause);
	fix_plan_free(&plan);
	/* Another domain is another machine's name, as the probe counts it. */
	assert_int_equal(plan_ics(other, strlen(other), &plan, &cause, "primary", NULL), -1);
	assert_non_null(strstr(cause, "one entry for primary (line 1)"));
	free(cause);
	fix_plan_free(&plan);
	/* Empty. */
	assert_int_equal(plan_ics("", 0, &plan, &cause, "primary", NULL), -1);
	assert_non_null(strstr(cause, "nothing to remove"));
	free(cause);
	fix_plan_free(&plan);
	free(old);
}

/* Plans on content and expects want, byte for byte. */
static void
expect_edit(const char *content, size_t len, const char *name, const char *corrupt,
            const char *want, size_t want_len)
{
	struct fix_plan plan;
	char *cause = NULL;

	if (plan_ics(content, len, &plan, &cause, name, corrupt) != 0)
		fail_msg("%s", cause);
	assert_int_equal(plan.nsteps, 1);
	expect_bytes(plan.steps[0].new_content, plan.steps[0].new_len, want, want_len);
	expect_bytes(plan.steps[0].old_content, plan.steps[0].old_len, content, len);
	fix_plan_free(&plan);
}

static void
test_ics_encodings(void **state)
{
	const char *text = "# hosts.ics\r\n10.0.0.2 primary\r\n10.0.0.3 primary.mshome.net\r\n"
	                   "10.0.0.4 web\r\n";
	const char *kept = "# hosts.ics\r\n10.0.0.2 primary\r\n10.0.0.4 web\r\n";
	char *a = NULL, *b = NULL;
	size_t alen, blen;

	(void)state;
	/* UTF-8 with a byte order mark, LF only, a damaged first line, no final line feed. */
	{
		const char in[] = "\xef\xbb\xbf"
		                  "28\n10.0.0.2 primary\n10.0.0.9 web\n"
		                  "10.0.0.3 primary.mshome.net";
		const char out[] = "\xef\xbb\xbf"
		                   "10.0.0.2 primary\n10.0.0.9 web\n";

		expect_edit(in, sizeof in - 1, "primary", "true", out, sizeof out - 1);
		probe_ics(out, sizeof out - 1, "primary", "ok", "UTF-8");
	}
	/* UTF-16LE without a byte order mark. */
	a = widen(text, strlen(text), false, false, &alen);
	b = widen(kept, strlen(kept), false, false, &blen);
	expect_edit(a, alen, "primary", NULL, b, blen);
	probe_ics(b, blen, "primary", "ok", "UTF-16LE");
	free(a);
	free(b);
	/* UTF-16BE with one. */
	a = widen(text, strlen(text), true, true, &alen);
	b = widen(kept, strlen(kept), true, true, &blen);
	expect_edit(a, alen, "primary", NULL, b, blen);
	probe_ics(b, blen, "primary", "ok", "UTF-16BE");
	free(a);
	free(b);
	/* UTF-16LE whose removed line is the last, without a line feed: the rest stays. */
	{
		const char *t = "10.0.0.2 primary\r\n10.0.0.3 primary";

		a = widen(t, strlen(t), false, true, &alen);
		b = widen(t, 18, false, true, &blen);
		expect_edit(a, alen, "primary", NULL, b, blen);
		free(a);
		free(b);
	}
	/* A non-ASCII line elsewhere (UTF-16 "é" in a comment) comes through untouched. */
	{
		const char in[] = "\xff\xfe"
		                  "#\0 \0\xe9\0\r\0\n\0"
		                  "1\0.\0"
		                  "1\0.\0"
		                  "1\0.\0"
		                  "1\0 \0p\0\r\0\n\0"
		                  "1\0.\0"
		                  "1\0.\0"
		                  "1\0.\0"
		                  "2\0 \0p\0\r\0\n\0";
		const char out[] = "\xff\xfe"
		                   "#\0 \0\xe9\0\r\0\n\0"
		                   "1\0.\0"
		                   "1\0.\0"
		                   "1\0.\0"
		                   "1\0 \0p\0\r\0\n\0";

		expect_edit(in, sizeof in - 1, "p", NULL, out, sizeof out - 1);
	}
}

/* ---- hosts_ics_dedupe: the edit on real files ---------------------------------- */

static void
apply_and_undo(const char *fixture, const char *name, const char *file)
{
	size_t len = 0;
	char *old = fixture_read(fixture, &len), *path = write_bytes(file, old, len);
	char *cause = NULL, *err = NULL;
	struct fix_plan plan;
	struct probe_result r = {0};

	if (plan_ics(old, len, &plan, &cause, name, NULL) != 0)
		fail_msg("%s", cause);
	/* The plan's edit, on a copy: atomic replace, then the check on the real file. */
	assert_int_equal(fix_file_replace(path, plan.steps[0].old_content, plan.steps[0].old_len,
	                                  plan.steps[0].new_content, plan.steps[0].new_len, &err),
	                 0);
	assert_null(err);
	expect_file(path, plan.steps[0].new_content, plan.steps[0].new_len);
	run_probe(&r, "hosts_ics", "name", name, "file", path, NULL);
	assert_string_equal(r.outcome, "ok");
	probe_result_free(&r);
	/* Twice: the file is no longer what the plan was made from. */
	assert_int_equal(fix_file_replace(path, plan.steps[0].old_content, plan.steps[0].old_len,
	                                  plan.steps[0].new_content, plan.steps[0].new_len, &err),
	                 -1);
	assert_non_null(err);
	free(err);
	err = NULL;
	/* The undo: back byte for byte. */
	assert_int_equal(fix_file_replace(path, plan.undo[0].old_content, plan.undo[0].old_len,
	                                  plan.undo[0].new_content, plan.undo[0].new_len, &err),
	                 0);
	expect_file(path, old, len);
	fix_plan_free(&plan);
	unlink(path);
	free(path);
	free(old);
}

static void
test_ics_apply(void **state)
{
	(void)state;
	apply_and_undo("leases/hosts.ics.duplicate", "primary", "hosts.ics.utf8");
	apply_and_undo("leases/hosts.ics.utf16le", "primary", "hosts.ics.utf16");
}

static void
test_ics_changed_since(void **state)
{
	size_t len = 0, now_len = 0;
	char *old = fixture_read("leases/hosts.ics.duplicate", &len), *now = NULL;
	char *path = NULL, *cause = NULL, *err = NULL;
	const char *added = "172.17.125.9 web.mshome.net # 2024 9 0 22 11 0 0 0\r\n";
	struct fix_plan plan;

	(void)state;
	if (plan_ics(old, len, &plan, &cause, "primary", NULL) != 0)
		fail_msg("%s", cause);
	/* ICS wrote another entry after the plan was made. */
	now_len = len + strlen(added);
	now = xmalloc(now_len);
	memcpy(now, old, len);
	memcpy(now + len, added, strlen(added));
	path = write_bytes("hosts.ics.changed", now, now_len);
	assert_int_equal(fix_file_replace(path, plan.steps[0].old_content, plan.steps[0].old_len,
	                                  plan.steps[0].new_content, plan.steps[0].new_len, &err),
	                 -1);
	assert_non_null(err);
	expect_file(path, now, now_len);
	free(err);
	fix_plan_free(&plan);
	unlink(path);
	free(path);
	free(now);
	free(old);
}

/*
 * The whole run: fix_run, the check, the journal, `vmtriage undo`. The plan
 * edits the Windows path, which on Linux is a relative file name (the
 * backslashes are part of it): made in the temporary directory, it is the
 * file. The edit is privileged, so only root runs it here; anyone else
 * would go through sudo, which a test must not do.
 */
static void
test_ics_run_as_root(void **state)
{
	size_t len = 0;
	char *old = fixture_read("leases/hosts.ics.duplicate", &len), *cause = NULL;
	char *jdir = tmp_path("journal"), cwd[4096];
	struct fix_run_opts opts = {.journal_dir = jdir};
	struct fix_plan plan;
	struct fix_report rep;

	(void)state;
	if (geteuid() != 0) {
		free(old);
		free(jdir);
		return;
	}
	mkdir(jdir, 0700);
	assert_non_null(getcwd(cwd, sizeof cwd));
	assert_int_equal(chdir(tmpdir), 0);
	free(write_bytes(ICS, old, len));
	if (plan_ics(old, len, &plan, &cause, "primary", NULL) != 0)
		fail_msg("%s", cause);
	fix_run(&plan, host_live(), &opts, &rep);
	assert_int_equal(rep.status, FIX_APPLIED);
	assert_string_equal(rep.verify.outcome, "ok");
	assert_true(lines_have(&rep.log, "check: probe hosts_ics gave 'ok' (wanted 'ok')"));
	expect_file(ICS, plan.steps[0].new_content, plan.steps[0].new_len);
	assert_non_null(rep.journal_id);
	setenv("VMTRIAGE_JOURNAL", jdir, 1);
	{
		char cmd[] = "undo";
		char *undo[] = {cmd, rep.journal_id, NULL};

		assert_int_equal(fix_undo_main(2, undo), 0);
	}
	unsetenv("VMTRIAGE_JOURNAL");
	expect_file(ICS, old, len);
	unlink(ICS);
	assert_int_equal(chdir(cwd), 0);
	fix_report_free(&rep);
	fix_plan_free(&plan);
	free(jdir);
	free(old);
}

/* ---- hosts_ics_dedupe: refusals ------------------------------------------------ */

static void
test_ics_refusals(void **state)
{
	size_t len = 0;
	char *old = fixture_read("leases/hosts.ics.duplicate", &len), *cause = NULL;
	struct snapshot *s = NULL;
	struct host *h = NULL;
	struct fix_plan plan;

	(void)state;
	/* Not Windows. */
	h = snap_host("linux", ICS, HOST_OK, old, len, &s);
	assert_int_equal(plan_with("hosts_ics_dedupe", h, &plan, &cause, "name", "primary", NULL),
	                 -1);
	assert_non_null(strstr(cause, "for Windows, and this host is linux"));
	free(cause);
	fix_plan_free(&plan);
	snap_close(h, s);

	/* The file cannot be read: missing, denied, not collected. */
	h = snap_host("windows", ICS, HOST_NO_SUCH, NULL, 0, &s);
	assert_int_equal(plan_with("hosts_ics_dedupe", h, &plan, &cause, "name", "primary", NULL),
	                 -1);
	assert_non_null(strstr(cause, "does not exist"));
	free(cause);
	fix_plan_free(&plan);
	snap_close(h, s);
	h = snap_host("windows", ICS, HOST_DENIED, NULL, 0, &s);
	assert_int_equal(plan_with("hosts_ics_dedupe", h, &plan, &cause, "name", "primary", NULL),
	                 -1);
	assert_non_null(strstr(cause, "run vmtriage as Administrator"));
	free(cause);
	fix_plan_free(&plan);
	snap_close(h, s);
	h = snap_host("windows", NULL, HOST_OK, NULL, 0, &s);
	assert_int_equal(plan_with("hosts_ics_dedupe", h, &plan, &cause, "name", "primary", NULL),
	                 -1);
	assert_non_null(strstr(cause, "cannot be read"));
	free(cause);
	fix_plan_free(&plan);
	snap_close(h, s);

	/* The name in capitals: the same file to Windows. */
	h = snap_host("windows", "C:\\WINDOWS\\System32\\drivers\\etc\\HOSTS.ICS", HOST_OK, old,
	              len, &s);
	if (plan_with("hosts_ics_dedupe", h, &plan, &cause, "name", "primary", "file",
	              "C:\\WINDOWS\\System32\\drivers\\etc\\HOSTS.ICS", NULL) != 0)
		fail_msg("%s", cause);
	assert_string_equal(plan.steps[0].path, "C:\\WINDOWS\\System32\\drivers\\etc\\HOSTS.ICS");
	fix_plan_free(&plan);
	snap_close(h, s);

	/* Other files of the directory, streams, subdirectories, other directories. */
	{
		static const char *const files[] = {
		    "C:\\WINDOWS\\System32\\drivers\\etc\\hosts",
		    "C:\\WINDOWS\\System32\\drivers\\etc\\hosts.ics:evil",
		    "C:\\WINDOWS\\System32\\drivers\\etc\\hosts.ics.bak",
		    "C:\\WINDOWS\\System32\\drivers\\etc\\$(reboot)\\hosts.ics",
		    "C:\\WINDOWS\\System32\\drivers\\etc\\",
		    "C:\\WINDOWS\\System32\\drivers\\etc",
		    "C:\\WINDOWS\\System32\\drivers\\etcetera\\hosts.ics",
		    "C:\\Users\\me\\hosts.ics",
		    "C:/WINDOWS/System32/drivers/etc/hosts.ics",
		    "D:\\WINDOWS\\System32\\drivers\\etc\\hosts.ics",
		    "/tmp/hosts.ics",
		    "/etc/hosts",
		};

		for (size_t i = 0; i < nitems(files); i++) {
			h = snap_host("windows", files[i], HOST_OK, old, len, &s);
			if (plan_with("hosts_ics_dedupe", h, &plan, &cause, "name", "primary",
			              "file", files[i], NULL) == 0)
				fail_msg("file=%s was accepted", files[i]);
			assert_int_equal(plan.nsteps, 0);
			free(cause);
			fix_plan_free(&plan);
			snap_close(h, s);
		}
	}
	free(old);
}

static void
test_ics_injection(void **state)
{
	static const char *const hostile[] = {
	    "; rm -rf /",
	    "$(reboot)",
	    "`reboot`",
	    "a\nb",
	    "../../etc/passwd",
	    "-rf",
	    "--help",
	    "",
	    "a b",
	    "x|y",
	    "\x1b[2J",
	    "primary\r",
	    "primary; Restart-Computer",
	    "C:\\WINDOWS\\System32\\drivers\\etc\\..\\..\\config\\SAM",
	    "C:\\WINDOWS\\System32\\drivers\\etc\\hosts.ics\n",
	    "C:\\WINDOWS\\System32\\drivers\\etc\\hosts.ics; rm -rf /",
	    "C:\\WINDOWS\\System32\\drivers\\etc\\hosts.ics' ; Restart-Computer '",
	};
	static const char *const names[] = {"name", "file", "corrupt"};
	size_t len = 0;
	char *old = fixture_read("leases/hosts.ics.duplicate", &len), *cause = NULL;
	struct snapshot *s = NULL;
	struct host *h = snap_host("windows", ICS, HOST_OK, old, len, &s);
	struct fix_plan plan;

	(void)state;
	/* Good values make a plan, so each refusal below is the hostile value's. */
	if (plan_with("hosts_ics_dedupe", h, &plan, &cause, "name", "primary", "file", ICS,
	              "corrupt", "true", NULL) != 0)
		fail_msg("%s", cause);
	fix_plan_free(&plan);
	for (size_t n = 0; n < nitems(names); n++) {
		for (size_t i = 0; i < nitems(hostile); i++) {
			struct params p = {NULL, 0};

			params_set(&p, "name", "primary");
			params_set(&p, "file", ICS);
			params_set(&p, "corrupt", "true");
			params_set(&p, names[n], hostile[i]);
			if (fix_make_plan(fix_find("hosts_ics_dedupe"), &p, h, &plan, &cause) == 0)
				fail_msg("%s='%s' was accepted", names[n], hostile[i]);
			assert_non_null(cause);
			assert_int_equal(plan.nsteps, 0);
			free(cause);
			fix_plan_free(&plan);
			params_free(&p);
		}
	}
	snap_close(h, s);
	free(old);
}

static void
test_table(void **state)
{
	const struct fix_entry *fe = fix_find("hosts_ics_dedupe");
	const struct param_def *d = NULL;

	(void)state;
	assert_non_null(fe);
	assert_string_equal(fe->platforms, "windows");
	d = param_def_find(fe->params, "file");
	assert_non_null(d);
	assert_string_equal(d->def, platform_info("windows")->hosts_ics);
	assert_true(param_def_find(fe->params, "name")->required);
	assert_int_equal(param_def_find(fe->params, "name")->type, PARAM_NAME);
	assert_int_equal(param_def_find(fe->params, "corrupt")->type, PARAM_BOOL);
	assert_non_null(fix_find("hyperv_default_switch_reset"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_table),
	    cmocka_unit_test(test_switch_plan),
	    cmocka_unit_test(test_switch_refusals),
	    cmocka_unit_test(test_switch_run),
	    cmocka_unit_test(test_ics_plan_utf8),
	    cmocka_unit_test(test_ics_plan_utf16),
	    cmocka_unit_test(test_ics_corrupt),
	    cmocka_unit_test(test_ics_nothing_to_do),
	    cmocka_unit_test(test_ics_encodings),
	    cmocka_unit_test(test_ics_apply),
	    cmocka_unit_test(test_ics_changed_since),
	    cmocka_unit_test(test_ics_run_as_root),
	    cmocka_unit_test(test_ics_refusals),
	    cmocka_unit_test(test_ics_injection),
	};

	return cmocka_run_group_tests(tests, tmpdir_setup, tmpdir_teardown);
}
