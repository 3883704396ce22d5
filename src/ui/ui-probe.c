/*
 * ui-probe.c: a check while its probe runs in a child process (probe-async):
 * a spinner, the seconds left of its budget and its latest progress line,
 * cancellable with Esc. When it is done its result (outcome, summary,
 * evidence) stays on the step screen until the user goes on, so every
 * probe's evidence can be read before the walk moves.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "probe/probe-async.h"
#include "ui/ui-internal.h"

void
ui_result_copy(struct probe_result *dst, const struct probe_result *src)
{
	memset(dst, 0, sizeof *dst);
	dst->outcome = src->outcome != NULL ? xstrdup(src->outcome) : NULL;
	dst->summary = src->summary != NULL ? xstrdup(src->summary) : NULL;
	dst->elapsed_ms = src->elapsed_ms;
	for (size_t i = 0; i < src->evidence.n; i++)
		strlist_add(&dst->evidence, src->evidence.v[i]);
	for (size_t i = 0; i < src->nfacts; i++)
		probe_result_fact(dst, src->facts[i].key, "%s", src->facts[i].value);
}

/* "argv=multipass version seconds=20": what the probe was asked, as the flow wrote it. */
static char *
params_text(const struct params *p)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_adds(&sb, "");
	for (size_t i = 0; p != NULL && i < p->n; i++)
		strbuf_addf(&sb, "%s%s=%s", i > 0 ? " " : "", p->v[i].name, p->v[i].value);
	return strbuf_detach(&sb);
}

void
ui_probe_begin(struct ui *ui, struct probe_result *reuse)
{
	const struct flow_node *n = engine_node(ui->engine);
	const struct probe_entry *pe = probe_find(n->probe);
	const struct params *params = engine_params(ui->engine, &ui->check.missing);

	ui->check.probe = n->probe;
	free(ui->check.what);
	ui->check.what = params_text(params);
	ui->check.done = false;
	ui->check.cancelling = false;
	ui->check.rerun = false;
	if (reuse != NULL && reuse->outcome != NULL) {
		/* Back at a check that ran: show what it found; r runs it again. */
		ui->check.result = *reuse;
		memset(reuse, 0, sizeof *reuse);
		ui->check.done = true;
		ui->check.rerun = true;
		return;
	}
	if (pe == NULL) {
		/* The validator refuses such flows; a site flow never checked may still have one.
		 */
		probe_result_set_outcome(&ui->check.result, OUTCOME_ERROR);
		probe_result_summary(&ui->check.result, _("no probe is called '%s'"), n->probe);
		ui->check.done = true;
		return;
	}
	ui->check.job = probe_job_start(pe, params, ui->host);
	ui_probe_poll(ui);
}

void
ui_probe_free(struct ui *ui)
{
	if (ui->check.job != NULL)
		probe_job_free(ui->check.job);
	probe_result_free(&ui->check.result);
	free(ui->check.what);
	memset(&ui->check, 0, sizeof ui->check);
}

bool
ui_probe_running(const struct ui *ui)
{
	return ui->engine != NULL && ui->check.job != NULL && !ui->check.done;
}

int
ui_probe_fd(const struct ui *ui)
{
	return ui->check.job != NULL ? probe_job_fd(ui->check.job) : -1;
}

bool
ui_probe_poll(struct ui *ui)
{
	if (ui->check.job == NULL || ui->check.done)
		return false;
	if (!probe_job_poll(ui->check.job, &ui->check.result))
		return true; /* progress may have come */
	probe_job_free(ui->check.job);
	ui->check.job = NULL;
	ui->check.done = true;
	ui->check.cancelling = false;
	ui->view.scroll = 0;
	return true;
}

static unsigned
spinner_frame(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (unsigned)((now.tv_sec * 1000 + now.tv_nsec / 1000000) / UI_TICK_MS);
}

void
ui_probe_draw(struct ui *ui)
{
	struct ui_lines l;
	int top = ui_walk_draw_frame(ui, UI_TITLEBAR, NULL);
	const char *progress = ui->check.job != NULL ? probe_job_progress(ui->check.job) : NULL;
	long left_ms = 0;
	char *line = NULL;
	unsigned more;
	const struct ui_hint hints[] = {
	    {UI_ACT_CANCEL, _("stop the check")},
	    {UI_ACT_EVIDENCE, NULL},
	    {UI_ACT_BACK, NULL},
	};

	ui_lines_init(&l, ui_body_width());
	ui_step_node_lines(ui, &l);
	ui_lines_blank(&l);
	line = xasprintf(_("Looking: probe %s"), ui->check.probe);
	ui_lines_wrap(&l, UI_HEADING, 0, 2, ui_glyph->spinner[spinner_frame() % ui_glyph->nspinner],
	              UI_KEY, -1, line);
	free(line);
	if (ui->check.what != NULL && ui->check.what[0] != '\0')
		ui_lines_wrap(&l, UI_DIM, 2, 0, NULL, UI_NORMAL, -1, ui->check.what);
	if (ui->check.missing != NULL) {
		line = xasprintf(_("(the fact '%s' is not known; the probe gets an empty value)"),
		                 ui->check.missing);
		ui_lines_wrap(&l, UI_WARN, 2, 0, NULL, UI_NORMAL, -1, line);
		free(line);
	}
	if (ui->check.job != NULL) {
		left_ms = probe_job_budget_ms(ui->check.job) - probe_job_elapsed_ms(ui->check.job);
		if (left_ms < 0)
			left_ms = 0;
	}
	ui_lines_blank(&l);
	if (ui->check.cancelling)
		line = xstrdup(_("Stopping the check..."));
	else
		line = xasprintf(_("%ld seconds left"), (left_ms + 999) / 1000);
	ui_lines_wrap(&l, UI_NORMAL, 2, 0, NULL, UI_NORMAL, -1, line);
	free(line);
	if (progress != NULL && progress[0] != '\0')
		ui_lines_wrap(&l, UI_NORMAL, 2, 0, NULL, UI_NORMAL, -1, progress);
	more = ui_draw_lines(&l, top, ui_body_rows(top), 1, -1, &ui->view);
	ui_walk_draw_footer(ui, more);
	ui_draw_status(hints, nitems(hints));
	ui_lines_free(&l);
}

void
ui_probe_key(struct ui *ui, int key, enum ui_action act)
{
	(void)key;
	switch (act) {
	case UI_ACT_CANCEL:
		if (ui->check.job != NULL && !ui->check.cancelling) {
			probe_job_cancel(ui->check.job);
			ui->check.cancelling = true;
		}
		break;
	case UI_ACT_BACK:
		/* Freeing the job ends its child. */
		ui_walk_back(ui);
		break;
	case UI_ACT_SELECT:
		ui_set_message(ui, UI_DIM, "%s", _("The check is still looking; Esc stops it."));
		break;
	default:
		/* Arrows, pages, Home and End scroll; ui_view_scroll ignores the rest. */
		ui_view_scroll(&ui->view, act, 1 << 20, ui_body_rows(3));
		break;
	}
}

/* How an outcome looks: "error" is bad; names that mean it went well are good; the rest warn. */
static enum ui_look
outcome_look(const char *outcome)
{
	static const char *const good[] = {"ok", "pass", "found", "running", "reachable", "yes"};

	if (outcome == NULL || str_eq(outcome, OUTCOME_ERROR))
		return UI_BAD;
	for (size_t i = 0; i < nitems(good); i++)
		if (str_eq(outcome, good[i]))
			return UI_GOOD;
	return UI_WARN;
}

void
ui_probe_result_lines(struct ui *ui, struct ui_lines *l)
{
	const struct probe_result *r = &ui->check.result;
	char *line = NULL;

	line = xasprintf(_("Result: %s (%ld ms)"), r->outcome != NULL ? r->outcome : "?",
	                 r->elapsed_ms);
	ui_lines_wrap(l, outcome_look(r->outcome), 0, 0, NULL, UI_NORMAL, -1, line);
	free(line);
	if (r->summary != NULL)
		ui_lines_wrap(l, UI_NORMAL, 2, 0, NULL, UI_NORMAL, -1, r->summary);
	if (ui->check.rerun)
		ui_lines_wrap(l, UI_DIM, 2, 0, NULL, UI_NORMAL, -1,
		              _("(found before you went back; r runs the check again)"));
	if (r->evidence.n > 0) {
		ui_lines_blank(l);
		for (size_t i = 0; i < r->evidence.n; i++)
			ui_lines_wrap(l, UI_NORMAL, 2, 2, ui_glyph->bar, UI_DIM, -1,
			              r->evidence.v[i]);
	}
}

void
ui_probe_continue(struct ui *ui)
{
	const struct flow_node *n = engine_node(ui->engine);

	if (!ui->check.done)
		return;
	ui_records_add_probe(ui, n, ui->check.probe, &ui->check.result);
	engine_probe_done(ui->engine, &ui->check.result);
	ui_walk_leave_stop(ui);
	ui_walk_arrive(ui, false);
}
