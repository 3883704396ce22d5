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

#include "fix/fix.h"
#include "host/host.h"

#define STEP_TIMEOUT_MS 120000
#define LOG_TAIL_LINES 10

extern const struct fix_entry fix_multipass_find_force_update;
extern const struct fix_entry fix_purge_network_cache;

const struct fix_entry *const fix_table[] = {
    &fix_multipass_find_force_update,
    &fix_purge_network_cache,
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
fix_make_plan(const struct fix_entry *fe, const struct params *given, struct fix_plan *plan,
              char **cause)
{
	struct params params = {NULL, 0};
	char *msg = NULL;
	int rc = -1;

	memset(plan, 0, sizeof *plan);
	plan->fix = fe;
	*cause = NULL;
	if ((msg = params_resolve(fe->params, given, &params)) != NULL) {
		*cause = xasprintf(_("fix '%s': %s"), fe->name, msg);
		goto out;
	}
	if (fe->plan(&params, plan, cause) != 0) {
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

static void
step_add(struct fix_step **steps, size_t *n, bool privileged, bool may_fail, const char *why,
         const char *const *argv)
{
	struct fix_step *s = NULL;

	*steps = xreallocarray(*steps, *n + 1, sizeof **steps);
	s = &(*steps)[(*n)++];
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
fix_plan_add_undo(struct fix_plan *plan, bool privileged, const char *why, const char *const *argv)
{
	step_add(&plan->undo, &plan->nundo, privileged, false, why, argv);
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
		argv_free(steps[i].argv);
		free(steps[i].why);
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
	memset(plan, 0, sizeof *plan);
}

/*
 * A PowerShell step (powershell ... -Command SCRIPT): its script, which is
 * what a Windows user pastes into an elevated PowerShell. NULL otherwise.
 */
static const char *
powershell_script(const struct fix_step *s)
{
	const char *prog = s->argv[0];
	size_t i;

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

/* Runs one step and logs it; true when it worked. */
static bool
run_step(const struct fix_step *s, struct host *host, struct strlist *log)
{
	struct host_run_opts opts = {.timeout_ms = STEP_TIMEOUT_MS};
	struct host_result hr;
	const char **argv = run_argv(s);
	char *shown = argv_quote(argv);
	bool ok;

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

void
fix_run(const struct fix_plan *plan, struct host *host, bool dry_run, struct fix_report *rep)
{
	memset(rep, 0, sizeof *rep);
	if (dry_run) {
		strlist_add(&rep->log, _("Dry run: nothing was run. The plan:"));
		fix_plan_render(plan, &rep->log);
		rep->status = FIX_DRY_RUN;
		return;
	}
	for (size_t i = 0; i < plan->nsteps; i++) {
		const struct fix_step *s = &plan->steps[i];

		if (vt_cancelled) {
			strlist_addf(&rep->log,
			             _("cancelled before step %zu; the rest did not run"), i + 1);
			rep->status = FIX_FAILED;
			return;
		}
		if (run_step(s, host, &rep->log))
			continue;
		if (s->may_fail) {
			strlist_add(&rep->log, _("(this step may fail; going on)"));
			continue;
		}
		strlist_addf(&rep->log, _("step %zu failed; the remaining steps did not run"),
		             i + 1);
		rep->status = FIX_FAILED;
		return;
	}
	rep->status = FIX_APPLIED;
	if (plan->verify == NULL)
		return;
	probe_run(plan->verify, &plan->verify_params, host, &rep->verify);
	strlist_addf(&rep->log, _("check: probe %s gave '%s' (wanted '%s')"), plan->verify->name,
	             rep->verify.outcome, plan->verify_outcome);
	if (rep->verify.summary != NULL)
		strlist_addf(&rep->log, "    %s", rep->verify.summary);
	if (!str_eq(rep->verify.outcome, plan->verify_outcome))
		rep->status = FIX_NOT_VERIFIED;
}

void
fix_report_free(struct fix_report *rep)
{
	if (rep == NULL)
		return;
	strlist_free(&rep->log);
	probe_result_free(&rep->verify);
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
	}
	return "unknown";
}
