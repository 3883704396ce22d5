/*
 * ui-evidence.c: what the walk has found, and the pane (e) that shows all of
 * it. Records follow the path: going back drops what was found beyond the
 * stop the user returns to, except fixes that ran, which changed the
 * machine whatever the path does now.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "ui/ui-internal.h"

static struct ui_record *
record_new(struct ui *ui, enum ui_record_kind kind, const struct flow_node *node, const char *name)
{
	const struct flow_node *const *path = NULL;
	size_t npath = engine_path(ui->engine, &path);
	struct ui_record *r = NULL;

	ui->records = xreallocarray(ui->records, ui->nrecords + 1, sizeof *ui->records);
	r = &ui->records[ui->nrecords++];
	memset(r, 0, sizeof *r);
	r->kind = kind;
	r->node = node;
	r->name = xstrdup(name != NULL ? name : "");
	r->path_index = npath > 0 ? npath - 1 : 0;
	return r;
}

static void
record_free(struct ui_record *r)
{
	free(r->name);
	free(r->status);
	probe_result_free(&r->result);
	strlist_free(&r->log);
}

void
ui_records_add_probe(struct ui *ui, const struct flow_node *node, const char *probe,
                     const struct probe_result *res)
{
	struct ui_record *r = record_new(ui, UI_REC_PROBE, node, probe);

	ui_result_copy(&r->result, res);
}

void
ui_records_add_fix(struct ui *ui, const struct flow_node *node, const char *fix, const char *status,
                   bool ran, const struct fix_report *rep)
{
	struct ui_record *r = record_new(ui, UI_REC_FIX, node, fix);

	r->status = xstrdup(status);
	r->ran = ran;
	if (rep == NULL)
		return;
	for (size_t i = 0; i < rep->log.n; i++)
		strlist_add(&r->log, rep->log.v[i]);
	if (rep->verify.outcome != NULL)
		ui_result_copy(&r->result, &rep->verify);
}

void
ui_records_add_answer(struct ui *ui, const struct flow_node *node, const char *choice)
{
	record_new(ui, UI_REC_ANSWER, node, choice);
}

bool
ui_records_prune(struct ui *ui, size_t npath, bool back, struct probe_result *reuse)
{
	const struct flow_node *here = engine_node(ui->engine);
	size_t at = npath > 0 ? npath - 1 : 0, kept = 0;
	bool found = false;

	for (size_t i = 0; i < ui->nrecords; i++) {
		struct ui_record *r = &ui->records[i];

		if (r->path_index < at || (r->kind == UI_REC_FIX && r->ran)) {
			ui->records[kept++] = *r;
			continue;
		}
		/* Back at a check that ran: its result is shown again rather than lost. */
		if (back && !found && r->kind == UI_REC_PROBE && r->path_index == at &&
		    r->node == here && engine_state(ui->engine) == ENGINE_CHECK) {
			*reuse = r->result;
			memset(&r->result, 0, sizeof r->result);
			found = true;
		}
		record_free(r);
	}
	ui->nrecords = kept;
	return found;
}

void
ui_records_free(struct ui *ui)
{
	for (size_t i = 0; i < ui->nrecords; i++)
		record_free(&ui->records[i]);
	free(ui->records);
	ui->records = NULL;
	ui->nrecords = 0;
}

static void
result_lines(struct ui_lines *l, const struct probe_result *res)
{
	if (res->summary != NULL)
		ui_lines_wrap(l, UI_NORMAL, 2, 0, NULL, UI_NORMAL, -1, res->summary);
	for (size_t i = 0; i < res->evidence.n; i++)
		ui_lines_wrap(l, UI_NORMAL, 2, 2, ui_glyph->bar, UI_DIM, -1, res->evidence.v[i]);
}

static void
probe_lines(struct ui_lines *l, const struct facts *facts, const struct flow_node *node,
            const char *probe, const struct probe_result *res, bool current)
{
	char *line = NULL, *label = ui_node_label(facts, node);

	if (l->n > 0)
		ui_lines_blank(l);
	line = current ? xasprintf(_("%s (this step)"), label) : xstrdup(label);
	ui_lines_wrap(l, UI_HEADING, 0, 0, NULL, UI_NORMAL, -1, line);
	free(line);
	free(label);
	line = xasprintf(_("probe %s: %s (%ld ms)"), probe,
	                 res->outcome != NULL ? res->outcome : "?", res->elapsed_ms);
	ui_lines_wrap(l, str_eq(res->outcome, OUTCOME_ERROR) ? UI_BAD : UI_KEY, 1, 0, NULL,
	              UI_NORMAL, -1, line);
	free(line);
	result_lines(l, res);
}

static void
evidence_lines(struct ui *ui, struct ui_lines *l)
{
	for (size_t i = 0; i < ui->nrecords; i++) {
		const struct ui_record *r = &ui->records[i];
		char *line = NULL;

		if (r->kind == UI_REC_PROBE) {
			probe_lines(l, ui_walk_facts(ui), r->node, r->name, &r->result, false);
			continue;
		}
		if (r->kind != UI_REC_FIX)
			continue;
		if (l->n > 0)
			ui_lines_blank(l);
		line = ui_node_label(ui_walk_facts(ui), r->node);
		ui_lines_wrap(l, UI_HEADING, 0, 0, NULL, UI_NORMAL, -1, line);
		free(line);
		line = xasprintf(_("fix %s: %s"), r->name, r->status);
		ui_lines_wrap(l, str_eq(r->status, _("applied")) ? UI_GOOD : UI_KEY, 1, 0, NULL,
		              UI_NORMAL, -1, line);
		free(line);
		for (size_t k = 0; k < r->log.n; k++)
			ui_lines_wrap(l, UI_NORMAL, 2, 2, ui_glyph->bar, UI_DIM, -1, r->log.v[k]);
	}
	/* The check in front of the user, before they go on. */
	if (engine_state(ui->engine) == ENGINE_CHECK && ui->check.done)
		probe_lines(l, ui_walk_facts(ui), engine_node(ui->engine), ui->check.probe,
		            &ui->check.result, true);
	if (l->n == 0)
		ui_lines_wrap(l, UI_DIM, 0, 0, NULL, UI_NORMAL, -1,
		              _("Nothing found yet: no check has finished on this path."));
}

void
ui_evidence_draw(struct ui *ui)
{
	struct ui_lines l;
	int top = 2, rows = LINES - 1 - top;
	unsigned more;
	size_t nprobes = 0, nfixes = 0;
	char *right = NULL;
	const struct ui_hint hints[] = {
	    {UI_ACT_UP, _("scroll")}, {UI_ACT_PAGE_DOWN, NULL}, {UI_ACT_CANCEL, _("close")},
	    {UI_ACT_HOME, NULL},      {UI_ACT_END, NULL},
	};

	for (size_t i = 0; i < ui->nrecords; i++) {
		nprobes += ui->records[i].kind == UI_REC_PROBE;
		nfixes += ui->records[i].kind == UI_REC_FIX;
	}
	if (engine_state(ui->engine) == ENGINE_CHECK && ui->check.done)
		nprobes++;
	right = xasprintf(_("checks: %zu, fixes: %zu"), nprobes, nfixes);
	ui_draw_titlebar(UI_TITLEBAR, _("Evidence on this path"), right);
	ui_lines_init(&l, COLS - 2);
	evidence_lines(ui, &l);
	more = ui_draw_lines(&l, top, rows, 1, -1, &ui->evidence_view);
	ui_draw_more(1, more);
	ui_draw_status(hints, nitems(hints));
	ui_lines_free(&l);
	free(right);
}

void
ui_evidence_key(struct ui *ui, int key, enum ui_action act)
{
	int choice = -1;

	(void)key;
	if (act == UI_ACT_CLICK)
		act = ui_mouse(&choice);
	switch (act) {
	case UI_ACT_CANCEL:
	case UI_ACT_EVIDENCE:
	case UI_ACT_QUIT:
	case UI_ACT_BACK:
		ui->evidence = false;
		break;
	default:
		/* Arrows, pages, Home and End scroll; ui_view_scroll ignores the rest. */
		ui_view_scroll(&ui->evidence_view, act, 1 << 20, LINES - 3);
		break;
	}
}
