/*
 * ui-fix.c: the fix screen. The plan (every command, backups, the check that
 * verifies it, how to undo it) is shown before anything runs; r runs it, n
 * goes on without it. While it runs, curses steps aside: sudo may need to
 * ask for a password on the real terminal, and the user sees the commands'
 * output as it is logged, then presses Enter to come back.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "host/host.h"
#include "report/session.h"
#include "ui/ui-internal.h"

void
ui_fix_begin(struct ui *ui)
{
	const struct flow_node *n = engine_node(ui->engine);
	const struct params *params = NULL;
	const char *missing = NULL;

	ui_fix_free(ui);
	if ((ui->fix.entry = fix_find(n->fix)) == NULL) {
		ui->fix.cause = xasprintf(_("no fix is called '%s'"), n->fix);
		return;
	}
	params = engine_params(ui->engine, &missing);
	if (fix_make_plan(ui->fix.entry, params, ui->host, &ui->fix.plan, &ui->fix.cause) != 0)
		return;
	ui->fix.planned = true;
	fix_plan_render(&ui->fix.plan, &ui->fix.lines);
}

void
ui_fix_free(struct ui *ui)
{
	if (ui->fix.planned)
		fix_plan_free(&ui->fix.plan);
	free(ui->fix.cause);
	strlist_free(&ui->fix.lines);
	fix_report_free(&ui->fix.report);
	free(ui->fix.refused);
	memset(&ui->fix, 0, sizeof ui->fix);
}

bool
ui_fix_pending(const struct ui *ui)
{
	return ui->engine != NULL && engine_state(ui->engine) == ENGINE_FIX && ui->fix.planned &&
	       !ui->fix.ran;
}

static const char *
status_text(enum fix_status s)
{
	switch (s) {
	case FIX_APPLIED:
		return _("applied");
	case FIX_NOT_VERIFIED:
		return _("ran, not verified");
	case FIX_FAILED:
		return _("failed");
	case FIX_DRY_RUN:
		return _("not run");
	case FIX_REVERTED:
		return _("put back: not confirmed");
	case FIX_REVERT_FAILED:
		return _("not confirmed, and putting it back failed");
	}
	return "";
}

/* A plan line keeps its indentation when it wraps: "  1. cmd" and "     why". */
static void
plan_line(struct ui_lines *l, enum ui_look look, int indent, const char *text)
{
	int lead = 0;

	while (text[lead] == ' ')
		lead++;
	ui_lines_wrap(l, look, indent + lead, 0, NULL, UI_NORMAL, -1, text + lead);
}

void
ui_fix_draw(struct ui *ui)
{
	struct ui_lines l;
	int top = ui_walk_draw_frame(ui, UI_TITLEBAR, NULL);
	char *line = NULL;
	unsigned more;

	ui_lines_init(&l, ui_body_width());
	ui_step_node_lines(ui, &l);
	ui_lines_blank(&l);
	if (!ui->fix.planned) {
		line = xasprintf(_("This fix cannot be planned here: %s"),
		                 ui->fix.cause != NULL ? ui->fix.cause : "?");
		ui_lines_wrap(&l, UI_WARN, 0, 0, NULL, UI_NORMAL, -1, line);
		ui_lines_wrap(&l, UI_DIM, 0, 0, NULL, UI_NORMAL, -1,
		              _("Nothing was run. Enter goes on as if the fix had not worked."));
		free(line);
	} else if (ui->fix.ran) {
		enum fix_status s = ui->fix.report.status;

		ui_lines_wrap(&l,
		              s == FIX_APPLIED  ? UI_GOOD
		              : s == FIX_FAILED ? UI_BAD
		                                : UI_WARN,
		              0, 0, NULL, UI_NORMAL, -1,
		              s == FIX_APPLIED ? _("The fix ran, and its check passed.")
		              : s == FIX_FAILED
		                  ? _("A step of the fix failed; the steps after it did not run.")
		                  : _("The fix ran, but its check did not pass."));
		ui_lines_blank(&l);
		ui_lines_wrap(&l, UI_HEADING, 0, 0, NULL, UI_NORMAL, -1, _("What ran:"));
		for (size_t i = 0; i < ui->fix.report.log.n; i++)
			ui_lines_wrap(&l, UI_NORMAL, 2, 2, ui_glyph->bar, UI_DIM, -1,
			              ui->fix.report.log.v[i]);
	} else {
		line = xasprintf(_("The fix '%s' would do this:"), ui->fix.entry->name);
		ui_lines_wrap(&l, UI_HEADING, 0, 0, NULL, UI_NORMAL, -1, line);
		free(line);
		for (size_t i = 0; i < ui->fix.lines.n; i++)
			plan_line(&l, UI_NORMAL, 2, ui->fix.lines.v[i]);
		if (ui->fix.refused != NULL) {
			ui_lines_blank(&l);
			ui_lines_wrap(&l, UI_WARN, 0, 0, NULL, UI_NORMAL, -1, ui->fix.refused);
		}
		ui_lines_blank(&l);
		ui_lines_wrap(&l, UI_DIM, 0, 0, NULL, UI_NORMAL, -1,
		              _("Nothing has run yet. r runs exactly this; n goes on without it."));
	}
	more = ui_draw_lines(&l, top, ui_body_rows(top), 1, -1, &ui->view);
	ui_walk_draw_footer(ui, more);
	if (ui->fix.planned && !ui->fix.ran) {
		const struct ui_hint hints[] = {
		    {UI_ACT_RUN, _("run it")},
		    {UI_ACT_DECLINE, _("don't run it")},
		    {UI_ACT_BACK, NULL},
		    {UI_ACT_EVIDENCE, NULL},
		};

		ui_draw_status(hints, nitems(hints));
	} else {
		const struct ui_hint hints[] = {
		    {UI_ACT_SELECT, _("continue")},
		    {UI_ACT_EVIDENCE, NULL},
		    {UI_ACT_BACK, NULL},
		};

		ui_draw_status(hints, nitems(hints));
	}
	ui_lines_free(&l);
}

/* Runs argv in the foreground, on the real terminal (sudo -v asks for a password there). */
static int
run_foreground(const char *const *argv)
{
	pid_t pid = fork();
	int status = 0;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return -1;
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

static bool
plan_needs_privilege(const struct fix_plan *plan)
{
	for (size_t i = 0; i < plan->nsteps; i++)
		if (plan->steps[i].privileged)
			return true;
	return false;
}

static void finish(struct ui *, enum engine_fix_outcome);

/* A timed confirm, asked on the terminal while the wizard steps aside. */
static bool
ui_fix_confirm(void *arg, const struct fix_plan *plan, int seconds)
{
	(void)arg;
	(void)plan;
	return cli_confirm_prompt(stdout, seconds);
}

/* Waits for Enter on the plain terminal; a signal (Ctrl-C, SIGTERM) also ends the wait. */
static void
wait_enter(void)
{
	char c;

	for (;;) {
		ssize_t n;

		if (ui_interrupted())
			return;
		n = read(STDIN_FILENO, &c, 1);

		if (n <= 0 || c == '\n' || c == '\r')
			return;
	}
}

static void
run_fix(struct ui *ui)
{
	const struct flow_node *n = engine_node(ui->engine);
	bool sudo = plan_needs_privilege(&ui->fix.plan) && geteuid() != 0;

	free(ui->fix.refused);
	ui->fix.refused = NULL;
	ui_suspend();
	printf("\n");
	printf(_("vmtriage is running the fix '%s':\n"), ui->fix.entry->name);
	if (sudo) {
		static const char *const sudo_v[] = {"sudo", "-v", NULL};
		int rc;

		printf(_("Some of its steps need administrator rights: sudo may ask for your "
		         "password.\n"));
		fflush(stdout);
		rc = run_foreground(sudo_v);
		if (rc != 0) {
			ui->fix.refused = rc == 127
			                      ? xstrdup(_("sudo is not installed, so the steps "
			                                  "that need administrator rights "
			                                  "cannot run; the fix did not run. Run it "
			                                  "as root, or go on without it."))
			                      : xstrdup(_("sudo did not give administrator rights; "
			                                  "the fix did not run."));
			printf("%s\n", ui->fix.refused);
			printf(_("Press Enter to go back to vmtriage."));
			fflush(stdout);
			wait_enter();
			ui_resume();
			return;
		}
	}
	for (size_t i = 0; i < ui->fix.plan.nsteps; i++) {
		const struct fix_step *s = &ui->fix.plan.steps[i];
		char *cmd = s->kind == FIX_STEP_EDIT ? xasprintf(_("edit %s"), s->path)
		                                     : argv_quote((const char *const *)s->argv);

		printf("  %zu. %s%s\n", i + 1, s->privileged && geteuid() != 0 ? "sudo " : "", cmd);
		free(cmd);
	}
	fflush(stdout);
	if (ui->fix.plan.destructive > 0 && !cli_confirm_loss_prompt(stdout, &ui->fix.plan)) {
		printf(
		    _("Not confirmed: nothing was deleted. Press Enter to go back to vmtriage."));
		fflush(stdout);
		wait_enter();
		ui_resume();
		finish(ui, ENGINE_FIX_DECLINED);
		return;
	}
	{
		struct fix_run_opts fo = {.confirm = ui_fix_confirm};

		fix_run(&ui->fix.plan, ui->host, &fo, &ui->fix.report);
	}
	ui->fix.ran = true;
	printf("\n%s\n", _("What happened:"));
	for (size_t i = 0; i < ui->fix.report.log.n; i++)
		printf("  | %s\n", ui->fix.report.log.v[i]);
	printf(_("fix: %s\n"), status_text(ui->fix.report.status));
	if (ui->fix.report.journal_id != NULL)
		printf(
		    ui->fix.plan.nundo > 0
		        ? _("Recorded in the journal; 'vmtriage undo --list' shows it, and can put "
		            "it back.\n")
		        : _("Recorded in the journal ('vmtriage undo --list').\n"));
	printf(_("Press Enter to go back to vmtriage."));
	fflush(stdout);
	wait_enter();
	ui_resume();
	ui_records_add_fix(ui, n, ui->fix.entry->name, status_text(ui->fix.report.status), true,
	                   &ui->fix.report);
	ui->view.scroll = 0;
}

static void
finish(struct ui *ui, enum engine_fix_outcome outcome)
{
	ui_walk_leave_stop(ui);
	if (ui->fix.ran) {
		struct strlist verify = STRLIST_INIT;

		cli_fix_verify_lines(&ui->fix.report, &verify);
		session_fix_details(ui->session, &ui->fix.lines, &verify,
		                    ui->fix.report.journal_id);
		strlist_free(&verify);
	} else {
		session_fix_details(ui->session, &ui->fix.lines, NULL, NULL);
	}
	engine_fix_done(ui->engine, outcome);
	ui_walk_arrive(ui, false);
}

void
ui_fix_key(struct ui *ui, int key, enum ui_action act)
{
	const struct flow_node *n = engine_node(ui->engine);
	int choice = -1;

	(void)key;
	if (act == UI_ACT_CLICK)
		act = ui_mouse(&choice);
	switch (act) {
	case UI_ACT_RUN:
		if (!ui->fix.planned || ui->fix.ran)
			break;
		/* A fix that deletes what cannot be recovered asks as many times as it says. */
		if (++ui->fix.confirmations < ui->fix.plan.destructive) {
			ui_set_message(ui, UI_WARN,
			               _("This deletes data that cannot be recovered. Press r "
			                 "again to run it."));
			break;
		}
		run_fix(ui);
		break;
	case UI_ACT_DECLINE:
		if (!ui->fix.planned || ui->fix.ran)
			break;
		ui_records_add_fix(ui, n, ui->fix.entry->name, _("declined"), false, NULL);
		finish(ui, ENGINE_FIX_DECLINED);
		break;
	case UI_ACT_SELECT:
		if (!ui->fix.planned) {
			ui_records_add_fix(ui, n, n->fix, _("could not be planned"), false, NULL);
			finish(ui, ENGINE_FIX_FAILED);
		} else if (ui->fix.ran)
			finish(ui, ui->fix.report.status == FIX_APPLIED ? ENGINE_FIX_OK
			                                                : ENGINE_FIX_FAILED);
		else
			ui_set_message(ui, UI_WARN, "%s",
			               _("Press r to run the fix, or n to go on without it."));
		break;
	case UI_ACT_BACK:
		ui_walk_back(ui);
		break;
	default:
		/* Arrows, pages, Home and End scroll; ui_view_scroll ignores the rest. */
		ui_view_scroll(&ui->view, act, 1 << 20, ui_body_rows(3));
		break;
	}
}
