/*
 * fix.c: the table of every fix, and the life of a plan: made from checked
 * parameters, shown to the user as commands they could type themselves,
 * run step by step through the host, then verified by a probe.
 */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fix/fix-journal.h"
#include "fix/fix.h"
#include "host/host.h"

#define STEP_TIMEOUT_MS 120000
#define LOG_TAIL_LINES 10
#define MAX_DIFF_LINES 20

extern const struct fix_entry fix_multipass_find_force_update;
extern const struct fix_entry fix_purge_network_cache;
/* macOS (fix-darwin.c) */
extern const struct fix_entry fix_bootpd_start;
extern const struct fix_entry fix_bootpd_load;
extern const struct fix_entry fix_firewall_allow_app;
extern const struct fix_entry fix_pf_nat_vpn;
extern const struct fix_entry fix_dhcpd_lease_clear;
/* Windows (fix-windows.c) */
extern const struct fix_entry fix_hyperv_default_switch_reset;
extern const struct fix_entry fix_hosts_ics_dedupe;
/* routes and instances (fix-instance.c) */
extern const struct fix_entry fix_route_add;
extern const struct fix_entry fix_instance_force_restart;
extern const struct fix_entry fix_instance_relaunch_timeout;
extern const struct fix_entry fix_instance_rebuild;
extern const struct fix_entry fix_image_repair;
extern const struct fix_entry fix_guest_dns;

const struct fix_entry *const fix_table[] = {
    &fix_multipass_find_force_update,
    &fix_purge_network_cache,
    &fix_bootpd_start,
    &fix_bootpd_load,
    &fix_firewall_allow_app,
    &fix_pf_nat_vpn,
    &fix_dhcpd_lease_clear,
    &fix_hyperv_default_switch_reset,
    &fix_hosts_ics_dedupe,
    &fix_route_add,
    &fix_instance_force_restart,
    &fix_instance_relaunch_timeout,
    &fix_instance_rebuild,
    &fix_image_repair,
    &fix_guest_dns,
    NULL,
};

const struct fix_entry *
fix_find(const char *name)
{
	for (size_t i = 0; fix_table[i] != NULL; i++) {
		if (strcmp(fix_table[i]->name, name) == 0)
			return fix_table[i];
	}
	return NULL;
}

int
fix_make_plan(const struct fix_entry *fe, const struct params *given, struct host *host,
              struct fix_plan *plan, char **cause)
{
	struct params params = {NULL, 0};
	char *msg = NULL;
	int rc = -1;

	memset(plan, 0, sizeof *plan);
	plan->fix = fe;
	*cause = NULL;
	if ((msg = params_resolve(fe->params, given, &params)) != NULL) {
		*cause = xstrdup(msg);
		goto out;
	}
	for (size_t i = 0; i < params.n; i++)
		params_set(&plan->params, params.v[i].name, params.v[i].value);
	if (fe->plan(&params, host, plan, cause) != 0) {
		if (*cause == NULL)
			*cause = xasprintf(_("fix '%s' could not make a plan"), fe->name);
		fix_plan_free(plan);
		plan->fix = fe;
		goto out;
	}
	rc = 0;

out:
	free(msg);
	params_free(&params);
	return rc;
}

static char **
argv_copy(const char *const *argv)
{
	size_t n = 0;
	char **copy = NULL;

	while (argv[n] != NULL)
		n++;
	if (n == 0)
		fatalx("a fix step with an empty argv");
	copy = xcalloc(n + 1, sizeof *copy);
	for (size_t i = 0; i < n; i++)
		copy[i] = xstrdup(argv[i]);
	return copy;
}

static struct fix_step *
step_new(struct fix_step **steps, size_t *n)
{
	struct fix_step *s = NULL;

	*steps = xreallocarray(*steps, *n + 1, sizeof **steps);
	s = &(*steps)[(*n)++];
	memset(s, 0, sizeof *s);
	return s;
}

static void
step_add(struct fix_step **steps, size_t *n, bool privileged, bool may_fail, const char *why,
         const char *const *argv)
{
	struct fix_step *s = step_new(steps, n);

	s->kind = FIX_STEP_RUN;
	s->argv = argv_copy(argv);
	s->privileged = privileged;
	s->may_fail = may_fail;
	s->why = why != NULL ? xstrdup(why) : NULL;
}

/* why stays untranslated here (fixes pass N_() strings); render translates it. */
void
fix_plan_add_step(struct fix_plan *plan, bool privileged, bool may_fail, const char *why,
                  const char *const *argv)
{
	step_add(&plan->steps, &plan->nsteps, privileged, may_fail, why, argv);
}

void
fix_plan_add_step_input(struct fix_plan *plan, bool privileged, bool may_fail, const char *why,
                        const char *const *argv, const char *input)
{
	step_add(&plan->steps, &plan->nsteps, privileged, may_fail, why, argv);
	plan->steps[plan->nsteps - 1].input = input != NULL ? xstrdup(input) : NULL;
}

void
fix_plan_step_timeout(struct fix_plan *plan, int seconds)
{
	if (plan->nsteps == 0)
		fatalx("fix_plan_step_timeout before any step");
	plan->steps[plan->nsteps - 1].timeout_ms = seconds * 1000;
}

void
fix_plan_add_undo(struct fix_plan *plan, bool privileged, const char *why, const char *const *argv)
{
	step_add(&plan->undo, &plan->nundo, privileged, false, why, argv);
}

static char *
bytes_dup(const char *p, size_t len)
{
	char *d = xmalloc(len + 1);

	if (len > 0)
		memcpy(d, p, len);
	d[len] = '\0';
	return d;
}

static void
edit_add(struct fix_step **steps, size_t *n, bool privileged, const char *why, const char *path,
         const char *old, size_t old_len, const char *new, size_t new_len)
{
	struct fix_step *s = step_new(steps, n);

	s->kind = FIX_STEP_EDIT;
	s->privileged = privileged;
	s->why = why != NULL ? xstrdup(why) : NULL;
	s->path = xstrdup(path);
	s->old_content = bytes_dup(old, old_len);
	s->old_len = old_len;
	s->new_content = bytes_dup(new, new_len);
	s->new_len = new_len;
	fix_text_diff(old, old_len, new, new_len, &s->diff);
}

void
fix_plan_add_edit(struct fix_plan *plan, bool privileged, const char *why, const char *path,
                  const char *old_content, size_t old_len, const char *new_content, size_t new_len)
{
	edit_add(&plan->steps, &plan->nsteps, privileged, why, path, old_content, old_len,
	         new_content, new_len);
	edit_add(&plan->undo, &plan->nundo, privileged, N_("Put the file back as it was."), path,
	         new_content, new_len, old_content, old_len);
	strlist_add(&plan->backups, path);
}

void
fix_plan_set_remote(struct fix_plan *plan, const struct host_remote *r)
{
	const char *src[4] = {r->address, r->user, r->key, r->known_hosts};

	for (size_t i = 0; i < nitems(plan->remote_strings); i++) {
		free(plan->remote_strings[i]);
		plan->remote_strings[i] = src[i] != NULL ? xstrdup(src[i]) : NULL;
	}
	plan->remote = *r;
	plan->remote.address = plan->remote_strings[0];
	plan->remote.user = plan->remote_strings[1];
	plan->remote.key = plan->remote_strings[2];
	plan->remote.known_hosts = plan->remote_strings[3];
}

/* A fix naming a probe or outcome that does not exist is a bug, not a user error. */
void
fix_plan_set_verify(struct fix_plan *plan, const char *probe, const char *outcome, ...)
{
	const struct probe_entry *pe = NULL;
	const char *key = NULL, *value = NULL;
	va_list ap;

	if ((pe = probe_find(probe)) == NULL)
		fatalx("fix verifies with unknown probe '%s'", probe);
	if (!probe_has_outcome(pe, outcome))
		fatalx("fix verifies with outcome '%s', which probe '%s' does not have", outcome,
		       probe);
	plan->verify = pe;
	free(plan->verify_outcome);
	plan->verify_outcome = xstrdup(outcome);
	params_free(&plan->verify_params);
	va_start(ap, outcome);
	while ((key = va_arg(ap, const char *)) != NULL) {
		if ((value = va_arg(ap, const char *)) == NULL)
			fatalx("verify parameter '%s' has no value", key);
		params_set(&plan->verify_params, key, value);
	}
	va_end(ap);
}

static void
steps_free(struct fix_step *steps, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (steps[i].argv != NULL)
			argv_free(steps[i].argv);
		free(steps[i].input);
		free(steps[i].why);
		free(steps[i].path);
		free(steps[i].old_content);
		free(steps[i].new_content);
		strlist_free(&steps[i].diff);
	}
	free(steps);
}

void
fix_plan_free(struct fix_plan *plan)
{
	if (plan == NULL)
		return;
	steps_free(plan->steps, plan->nsteps);
	strlist_free(&plan->backups);
	steps_free(plan->undo, plan->nundo);
	free(plan->undo_note);
	params_free(&plan->verify_params);
	free(plan->verify_outcome);
	free(plan->notes);
	free(plan->lost);
	for (size_t i = 0; i < nitems(plan->remote_strings); i++)
		free(plan->remote_strings[i]);
	params_free(&plan->params);
	memset(plan, 0, sizeof *plan);
}

/*
 * A PowerShell step (powershell ... -Command SCRIPT): its script, which is
 * what a Windows user pastes into an elevated PowerShell. NULL otherwise.
 */
static const char *
powershell_script(const struct fix_step *s)
{
	const char *prog = NULL;
	size_t i;

	if (s->kind != FIX_STEP_RUN)
		return NULL;
	prog = s->argv[0];
	if (!str_eq(prog, "powershell") && !str_eq(prog, "powershell.exe") && !str_eq(prog, "pwsh"))
		return NULL;
	for (i = 1; s->argv[i] != NULL; i++) {
		if (str_eq(s->argv[i], "-Command"))
			break;
	}
	if (s->argv[i] == NULL || s->argv[i + 1] == NULL || s->argv[i + 2] != NULL)
		return NULL;
	return s->argv[i + 1];
}

/* One step as a person would type it: "sudo cmd args", or the PowerShell script. */
static char *
step_text(const struct fix_step *s)
{
	const char *script = powershell_script(s);
	char *quoted = NULL, *text = NULL;

	if (s->kind == FIX_STEP_EDIT)
		return xasprintf(s->privileged
		                     ? _("(as root or administrator) edit %s, after a backup:")
		                     : _("edit %s, after a backup:"),
		                 s->path);
	if (script != NULL) {
		if (s->privileged)
			return xasprintf(_("(in an elevated PowerShell) %s"), script);
		return xasprintf(_("(in PowerShell) %s"), script);
	}
	quoted = argv_quote((const char *const *)s->argv);
	if (!s->privileged)
		return quoted;
	text = xasprintf("sudo %s", quoted);
	free(quoted);
	return text;
}

static void
render_steps(const struct fix_step *steps, size_t n, struct strlist *lines)
{
	for (size_t i = 0; i < n; i++) {
		char *text = step_text(&steps[i]);

		strlist_addf(lines, "  %zu. %s", i + 1, text);
		free(text);
		if (steps[i].why != NULL)
			strlist_addf(lines, "     %s", _(steps[i].why));
		for (size_t d = 0; d < steps[i].diff.n && d < MAX_DIFF_LINES; d++)
			strlist_addf(lines, "       %s", steps[i].diff.v[d]);
		if (steps[i].diff.n > MAX_DIFF_LINES)
			strlist_addf(lines, _("       ... %zu more changed lines"),
			             steps[i].diff.n - MAX_DIFF_LINES);
		if (steps[i].input != NULL) {
			strlist_add(lines, _("     with this as its input:"));
			probe_tail_lines(lines, "       | ", steps[i].input, strlen(steps[i].input),
			                 MAX_DIFF_LINES);
		}
		if (steps[i].may_fail)
			strlist_addf(lines, "     %s",
			             _("(if this fails, the next steps still run)"));
	}
}

void
fix_plan_render(const struct fix_plan *plan, struct strlist *lines)
{
	if (plan->fix != NULL)
		strlist_addf(lines, _("Fix: %s"), _(plan->fix->summary));
	if (plan->notes != NULL)
		strlist_addf(lines, _("Note: %s"), _(plan->notes));
	if (plan->destructive > 0)
		strlist_addf(lines,
		             _("Warning: this deletes data that cannot be recovered; "
		               "you will be asked %d times."),
		             plan->destructive);
	if (plan->lost != NULL)
		strlist_addf(lines, _("What is lost: %s"), _(plan->lost));
	if (plan->remote.address != NULL)
		strlist_addf(lines, _("It runs on %s@%s, over SSH."),
		             plan->remote.user != NULL ? plan->remote.user : "",
		             plan->remote.address);
	if (plan->backups.n > 0) {
		strlist_add(lines, _("Backed up first:"));
		for (size_t i = 0; i < plan->backups.n; i++)
			strlist_addf(lines, "  - %s", plan->backups.v[i]);
	}
	strlist_add(lines, _("It runs, in this order:"));
	render_steps(plan->steps, plan->nsteps, lines);
	if (plan->confirm_seconds > 0)
		strlist_addf(lines,
		             _("Then it waits %d seconds for you to confirm; without an "
		               "answer it reverts by itself."),
		             plan->confirm_seconds);
	if (plan->verify != NULL) {
		struct strbuf sb = STRBUF_INIT;

		for (size_t i = 0; i < plan->verify_params.n; i++) {
			const char *word[] = {plan->verify_params.v[i].value, NULL};
			char *q = argv_quote(word);

			strbuf_addf(&sb, " %s=%s", plan->verify_params.v[i].name, q);
			free(q);
		}
		strlist_addf(lines, _("Then it checks: probe %s%s should give '%s'."),
		             plan->verify->name, sb.buf != NULL ? sb.buf : "",
		             plan->verify_outcome);
		strbuf_free(&sb);
	}
	if (plan->nundo > 0) {
		strlist_add(lines, _("To undo it:"));
		render_steps(plan->undo, plan->nundo, lines);
	} else if (plan->undo_note != NULL)
		strlist_add(lines, _(plan->undo_note));
	else
		strlist_add(lines, _("It cannot be undone."));
}

/*
 * The argv that runs: privileged steps go through sudo unless we are root.
 * -n makes sudo fail at once instead of waiting for a password: the child
 * runs in its own process group, where it could not read the terminal and
 * would hang until the timeout. The front end asks for the password first
 * (sudo -v in the foreground) when a plan has privileged steps.
 */
static const char **
run_argv(const struct fix_step *s)
{
	size_t n = 0, k = 0;
	const char **argv = NULL;
	bool sudo = s->privileged && geteuid() != 0 && powershell_script(s) == NULL;

	while (s->argv[n] != NULL)
		n++;
	argv = xcalloc(n + 4, sizeof *argv);
	if (sudo) {
		argv[k++] = "sudo";
		argv[k++] = "-n";
		argv[k++] = "--";
	}
	for (size_t i = 0; i < n; i++)
		argv[k++] = s->argv[i];
	argv[k] = NULL;
	return argv;
}

/* This program, for running its own apply-edit under sudo. */
static char *
self_path(void)
{
	char buf[4096];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);

	if (n > 0) {
		buf[n] = '\0';
		return xstrdup(buf);
	}
	return xstrdup("vmtriage");
}

/*
 * An edit. Unprivileged (or already root): in this process. Privileged:
 * `sudo -n -- vmtriage apply-edit PATH BEFORE AFTER`, with the two contents
 * in files of the journal entry (dir), so root checks and replaces the file
 * with the same code.
 */
static bool
run_edit(const struct fix_step *s, struct host *host, const char *dir, size_t index,
         struct strlist *log)
{
	char *err = NULL;
	bool ok = false;

	/* Windows has no sudo: vmtriage itself runs elevated there, as the plan says. */
	if (!s->privileged || geteuid() == 0 || str_eq(host_os(host), "windows")) {
		ok = fix_file_replace(s->path, s->old_content, s->old_len, s->new_content,
		                      s->new_len, &err) == 0;
		if (ok)
			strlist_addf(log, _("edited %s (%zu bytes -> %zu bytes)"), s->path,
			             s->old_len, s->new_len);
		else
			strlist_addf(log, "%s", err);
		free(err);
		return ok;
	}
	{
		char *before = NULL, *after = NULL, *self = self_path();
		struct host_run_opts opts = {.timeout_ms = STEP_TIMEOUT_MS};
		struct host_result hr;

		if (fix_journal_blobs(dir, index, s, &before, &after, &err) != 0) {
			strlist_addf(log, "%s", err);
			free(err);
			free(self);
			return false;
		}
		{
			const char *argv[] = {"sudo",  "-n",   "--",  self, "apply-edit",
			                      s->path, before, after, NULL};

			host_run(host, argv, &opts, &hr);
		}
		ok = hr.status == HOST_OK && hr.exit_code == 0;
		if (ok)
			strlist_addf(log, _("edited %s as root (%zu bytes -> %zu bytes)"), s->path,
			             s->old_len, s->new_len);
		else {
			strlist_addf(log, _("editing %s as root failed: %s"), s->path,
			             hr.status == HOST_OK ? "" : hr.message);
			probe_tail_lines(log, "    ", hr.err, hr.err_len, LOG_TAIL_LINES);
		}
		host_result_free(&hr);
		free(before);
		free(after);
		free(self);
	}
	return ok;
}

/* Runs one step and logs it; true when it worked. */
static bool
run_step(const struct fix_step *s, struct host *host, const char *dir, size_t index,
         struct strlist *log)
{
	struct host_run_opts opts = {.timeout_ms = STEP_TIMEOUT_MS};
	struct host_result hr;
	const char **argv = NULL;
	char *shown = NULL;
	bool ok;

	if (s->kind == FIX_STEP_EDIT)
		return run_edit(s, host, dir, index, log);
	argv = run_argv(s);
	shown = argv_quote(argv);
	opts.stdin_data = s->input;
	if (s->timeout_ms > 0)
		opts.timeout_ms = s->timeout_ms;
	host_run(host, argv, &opts, &hr);
	ok = hr.status == HOST_OK && hr.exit_code == 0;
	if (hr.status == HOST_OK)
		strlist_addf(log, _("%s -> exit %d"), shown, hr.exit_code);
	else
		strlist_addf(log, _("%s -> %s"), shown, hr.message);
	probe_tail_lines(log, "    ", hr.out, hr.out_len, LOG_TAIL_LINES);
	probe_tail_lines(log, "    stderr: ", hr.err, hr.err_len, LOG_TAIL_LINES);
	host_result_free(&hr);
	free(shown);
	free(argv);
	return ok;
}

/* Runs steps in order; false at the first that fails (and may not). */
static bool
run_steps(const struct fix_step *steps, size_t n, struct host *host, const char *dir, bool undoing,
          struct strlist *log)
{
	for (size_t i = 0; i < n; i++) {
		const struct fix_step *s = &steps[i];

		if (vt_cancelled && !undoing) {
			strlist_addf(log, _("cancelled before step %zu; the rest did not run"),
			             i + 1);
			return false;
		}
		if (run_step(s, host, dir, undoing ? 1000 + i : i, log))
			continue;
		if (s->may_fail) {
			strlist_add(log, _("(this step may fail; going on)"));
			continue;
		}
		strlist_addf(log, _("step %zu failed; the remaining steps did not run"), i + 1);
		return false;
	}
	return true;
}

/*
 * Puts things back: the undo steps, then a check that they are back: the
 * verification probe must give what it gave before the fix (netplan try's
 * users found reverts that did not revert). true when both hold.
 */
static bool
fix_revert(const struct fix_plan *plan, struct host *host, struct host *where, const char *dir,
           const struct probe_result *before, struct strlist *log)
{
	struct probe_result after = {0};
	bool ok;

	if (plan->nundo == 0) {
		strlist_add(log, _("there is no way to undo it: it stays"));
		return false;
	}
	if (!run_steps(plan->undo, plan->nundo, where, dir, true, log))
		return false;
	if (plan->verify == NULL || before->outcome == NULL)
		return true;
	probe_run(plan->verify, &plan->verify_params, host, &after);
	ok = str_eq(after.outcome, before->outcome);
	strlist_addf(log,
	             ok ? _("checked: probe %s gives '%s' again, as before the fix")
	                : _("the revert did not take: probe %s gives '%s', not '%s' as "
	                    "before the fix"),
	             plan->verify->name, after.outcome, before->outcome);
	probe_result_free(&after);
	return ok;
}

void
fix_run(const struct fix_plan *plan, struct host *host, const struct fix_run_opts *opts,
        struct fix_report *rep)
{
	struct fix_run_opts none = {0};
	struct probe_result before = {0};
	struct host *where = host;
	struct fix_journal *j = NULL;
	char *err = NULL;

	if (opts == NULL)
		opts = &none;
	memset(rep, 0, sizeof *rep);
	if (opts->dry_run) {
		strlist_add(&rep->log, _("Dry run: nothing was run. The plan:"));
		fix_plan_render(plan, &rep->log);
		rep->status = FIX_DRY_RUN;
		return;
	}
	if (plan->remote.address != NULL &&
	    (where = host_open_remote(host, &plan->remote, &err)) == NULL) {
		strlist_addf(&rep->log, _("%s cannot be reached: %s"), plan->remote.address, err);
		free(err);
		rep->status = FIX_FAILED;
		return;
	}
	/* A timed confirm checks its revert against how things were before. */
	if (plan->confirm_seconds > 0 && plan->verify != NULL)
		probe_run(plan->verify, &plan->verify_params, host, &before);
	j = fix_journal_begin(opts->journal_dir, plan, &rep->log);
	rep->journal_id = j != NULL ? xstrdup(fix_journal_id(j)) : NULL;
	if (!run_steps(plan->steps, plan->nsteps, where, fix_journal_dir(j), false, &rep->log)) {
		rep->status = FIX_FAILED;
		goto out;
	}
	rep->status = FIX_APPLIED;
	if (plan->verify != NULL) {
		probe_run(plan->verify, &plan->verify_params, host, &rep->verify);
		strlist_addf(&rep->log, _("check: probe %s gave '%s' (wanted '%s')"),
		             plan->verify->name, rep->verify.outcome, plan->verify_outcome);
		if (rep->verify.summary != NULL)
			strlist_addf(&rep->log, "    %s", rep->verify.summary);
		if (!str_eq(rep->verify.outcome, plan->verify_outcome))
			rep->status = FIX_NOT_VERIFIED;
	}
	if (plan->confirm_seconds > 0) {
		bool keep = rep->status == FIX_APPLIED && opts->confirm != NULL &&
		            opts->confirm(opts->confirm_arg, plan, plan->confirm_seconds);

		if (keep)
			strlist_add(&rep->log, _("confirmed: the change stays"));
		else {
			strlist_add(&rep->log, rep->status == FIX_APPLIED
			                           ? _("not confirmed in time: putting it back")
			                           : _("it did not work: putting it back"));
			rep->status =
			    fix_revert(plan, host, where, fix_journal_dir(j), &before, &rep->log)
			        ? FIX_REVERTED
			        : FIX_REVERT_FAILED;
		}
	}
out:
	fix_journal_finish(j, plan, rep);
	probe_result_free(&before);
	if (where != host)
		host_close(where);
}

void
fix_report_free(struct fix_report *rep)
{
	if (rep == NULL)
		return;
	strlist_free(&rep->log);
	probe_result_free(&rep->verify);
	free(rep->journal_id);
	memset(rep, 0, sizeof *rep);
}

const char *
fix_status_name(enum fix_status s)
{
	switch (s) {
	case FIX_APPLIED:
		return "applied";
	case FIX_NOT_VERIFIED:
		return "not_verified";
	case FIX_FAILED:
		return "failed";
	case FIX_DRY_RUN:
		return "dry_run";
	case FIX_REVERTED:
		return "reverted";
	case FIX_REVERT_FAILED:
		return "revert_failed";
	}
	return "unknown";
}
