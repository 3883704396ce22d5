/*
 * ui-verdict.c: the end of a walk. It names the verdict and the cause, says
 * why we believe it (each check on the path with its outcome, each answer
 * given), what was done to the machine, what to do next, and what to
 * attach when asking for help.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "platform/paths.h"
#include "report/report.h"
#include "report/session.h"
#include "ui/ui-internal.h"

static enum ui_look
verdict_bar_look(enum flow_verdict v)
{
	switch (v) {
	case VERDICT_SOLVED:
	case VERDICT_HEALTHY:
		return UI_VERDICT_GOOD;
	case VERDICT_CAUSE:
		return UI_VERDICT_CAUSE;
	default:
		return UI_VERDICT_HELP;
	}
}

static enum ui_look
verdict_text_look(enum flow_verdict v)
{
	switch (v) {
	case VERDICT_SOLVED:
	case VERDICT_HEALTHY:
		return UI_GOOD;
	case VERDICT_CAUSE:
		return UI_WARN;
	default:
		return UI_BAD;
	}
}

static void
section(struct ui_lines *l, const char *title)
{
	ui_lines_blank(l);
	ui_lines_wrap(l, UI_HEADING, 0, 0, NULL, UI_NORMAL, -1, title);
}

static void
item(struct ui_lines *l, enum ui_look look, const char *text)
{
	ui_lines_wrap(l, look, 1, 2, ui_glyph->bullet, UI_DIM, -1, text);
}

/* Why we believe it: the checks and answers of the path, in the order they happened. */
static void
belief_lines(struct ui *ui, struct ui_lines *l)
{
	bool any = false;

	section(l, _("Why we believe it"));
	for (size_t i = 0; i < ui->nrecords; i++) {
		const struct ui_record *r = &ui->records[i];
		char *text = NULL, *label = NULL;

		if (r->kind == UI_REC_FIX && r->result.outcome == NULL)
			continue;
		label = ui_node_label(ui_walk_facts(ui), r->node);
		if (r->kind == UI_REC_PROBE) {
			/* TRANSLATORS: a check on the path: its title, an arrow, the
			   probe's outcome, then ": " and its summary when it has one. */
			text = xasprintf(_("%s %s %s%s%s"), label, ui_glyph->arrow,
			                 r->result.outcome != NULL ? r->result.outcome : "?",
			                 r->result.summary != NULL ? ": " : "",
			                 r->result.summary != NULL ? r->result.summary : "");
		} else if (r->kind == UI_REC_ANSWER)
			/* TRANSLATORS: a question's title, an arrow, the choice the user picked. */
			text =
			    xasprintf(_("%s %s you answered: %s"), label, ui_glyph->arrow, r->name);
		else
			/* A fix's own check is evidence too. TRANSLATORS: a fix's title,
			   an arrow, the outcome of the check after it, ": " and its summary. */
			text = xasprintf(_("%s %s after the fix: %s%s%s"), label, ui_glyph->arrow,
			                 r->result.outcome, r->result.summary != NULL ? ": " : "",
			                 r->result.summary != NULL ? r->result.summary : "");
		item(l, UI_NORMAL, text);
		free(text);
		free(label);
		any = true;
	}
	if (!any)
		ui_lines_wrap(l, UI_DIM, 1, 0, NULL, UI_NORMAL, -1,
		              _("No check ran and no question was asked on the way here."));
}

static void
done_lines(struct ui *ui, struct ui_lines *l)
{
	bool any = false;

	section(l, _("What was done"));
	for (size_t i = 0; i < ui->nrecords; i++) {
		const struct ui_record *r = &ui->records[i];
		char *text = NULL, *label = NULL;

		if (r->kind != UI_REC_FIX)
			continue;
		label = ui_node_label(ui_walk_facts(ui), r->node);
		/* TRANSLATORS: a step's title, an arrow, the fix's name and what became of it. */
		text = xasprintf(_("%s %s fix %s: %s"), label, ui_glyph->arrow, r->name, r->status);
		item(l, UI_NORMAL, text);
		free(text);
		free(label);
		any = true;
	}
	if (!any)
		ui_lines_wrap(l, UI_DIM, 1, 0, NULL, UI_NORMAL, -1,
		              _("Nothing was changed on this machine."));
}

void
ui_verdict_draw(struct ui *ui)
{
	const struct flow_node *n = engine_node(ui->engine);
	const struct facts *facts = ui_walk_facts(ui);
	char *title = ui_text(facts, &n->title), *cause = ui_text(facts, &n->cause);
	char *text = ui_text(facts, &n->text), *entry = NULL;
	struct ui_lines l;
	char *left = xasprintf("%s: %s", ui_verdict_name(n->verdict),
	                       cli_text(&engine_flow(ui->engine)->title));
	int top = ui_walk_draw_frame(ui, verdict_bar_look(n->verdict), left);
	unsigned more;
	const struct ui_hint hints[] = {
	    {UI_ACT_SELECT, _("new problem")}, {UI_ACT_REPORT, NULL},    {UI_ACT_BACK, NULL},
	    {UI_ACT_EVIDENCE, NULL},           {UI_ACT_UP, _("scroll")},
	};

	ui_lines_init(&l, ui_body_width());
	{
		char *head = title[0] != '\0'
		                 ? xasprintf("%s: %s", ui_verdict_name(n->verdict), title)
		                 : xstrdup(ui_verdict_name(n->verdict));

		ui_lines_wrap(&l, verdict_text_look(n->verdict), 0, 0, NULL, UI_NORMAL, -1, head);
		free(head);
	}
	if (cause[0] != '\0') {
		char *line = xasprintf(_("Cause: %s"), cause);

		ui_lines_wrap(&l, UI_HEADING, 0, 0, NULL, UI_NORMAL, -1, line);
		free(line);
	}
	if (text[0] != '\0') {
		ui_lines_blank(&l);
		ui_lines_wrap(&l, UI_NORMAL, 0, 0, NULL, UI_NORMAL, -1, text);
	}
	belief_lines(ui, &l);
	done_lines(ui, &l);
	if (n->nsteps > 0) {
		section(&l, _("What to do next"));
		for (size_t i = 0; i < n->nsteps; i++) {
			entry = ui_text(facts, &n->steps[i]);
			item(&l, UI_NORMAL, entry);
			free(entry);
		}
	}
	if (n->nattach > 0) {
		section(&l, _("When you ask for help, attach"));
		for (size_t i = 0; i < n->nattach; i++) {
			entry = ui_text(facts, &n->attach[i]);
			item(&l, UI_NORMAL, entry);
			free(entry);
		}
	}
	more = ui_draw_lines(&l, top, ui_body_rows(top), 1, -1, &ui->view);
	ui_walk_draw_footer(ui, more);
	ui_draw_status(hints, nitems(hints));
	ui_lines_free(&l);
	free(left);
	free(title);
	free(cause);
	free(text);
}

/*
 * The report of the walk, in Markdown, beside the sessions:
 * $XDG_STATE_HOME/vmtriage/reports/ID.md, written aside and renamed.
 */
static void
write_report(struct ui *ui)
{
	char *state = platform_state_dir(), *dir = NULL, *path = NULL, *tmp = NULL;
	FILE *fp = NULL;

	if (ui->session == NULL || state == NULL) {
		ui_set_message(ui, UI_WARN, "%s",
		               _("No report: there is no place to keep it (HOME?)."));
		free(state);
		return;
	}
	dir = xasprintf("%s/reports", state);
	path = xasprintf("%s/%s.md", dir, ui->session->id);
	tmp = xasprintf("%s.tmp", path);
	(void)mkdir(state, 0700);
	(void)mkdir(dir, 0700);
	if ((fp = fopen(tmp, "w")) != NULL) {
		int bad = report_write(fp, ui->session, &ui->cat, REPORT_MD, 0);

		bad |= fclose(fp);
		fp = bad == 0 ? fp : NULL;
	}
	if (fp == NULL || rename(tmp, path) != 0) {
		ui_set_message(ui, UI_WARN, _("The report could not be written: %s"), path);
		unlink(tmp);
	} else {
		ui_set_message(ui, UI_DIM, _("Report written: %s"), path);
	}
	free(tmp);
	free(path);
	free(dir);
	free(state);
}

void
ui_verdict_key(struct ui *ui, int key, enum ui_action act)
{
	int choice = -1;

	(void)key;
	if (act == UI_ACT_CLICK)
		act = ui_mouse(&choice);
	switch (act) {
	case UI_ACT_SELECT:
		ui_walk_end(ui);
		break;
	case UI_ACT_BACK:
		ui_walk_back(ui);
		break;
	case UI_ACT_REPORT:
		write_report(ui);
		break;
	default:
		/* Arrows, pages, Home and End scroll; ui_view_scroll ignores the rest. */
		ui_view_scroll(&ui->view, act, 1 << 20, ui_body_rows(3));
		break;
	}
}
