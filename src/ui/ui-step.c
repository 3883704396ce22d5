/*
 * ui-step.c: the step screen (a question, a text to read, a finished check's
 * result, a walk that cannot go on) and the frame every stop of the walk
 * shares: the title bar, breadcrumbs of the path so far, the footer with the
 * source section the step comes from.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "ui/ui-internal.h"

/* A scroll target beyond any body: ui_draw_lines clamps it to the last page. */
#define SCROLL_FAR (1 << 20)

const char *
ui_verdict_name(enum flow_verdict v)
{
	switch (v) {
	case VERDICT_SOLVED:
		return _("Solved");
	case VERDICT_HEALTHY:
		return _("Nothing wrong found");
	case VERDICT_CAUSE:
		return _("Cause found");
	case VERDICT_ESCALATE:
		return _("Needs help beyond this tool");
	case VERDICT_NONE:
		break;
	}
	return "";
}

const struct facts *
ui_walk_facts(const struct ui *ui)
{
	return ui->engine != NULL ? engine_facts(ui->engine) : NULL;
}

char *
ui_text(const struct facts *facts, const struct flow_text *t)
{
	return facts_expand_text(facts, cli_text(t));
}

char *
ui_node_label(const struct facts *facts, const struct flow_node *n)
{
	char *title = NULL;

	if (n == NULL)
		return xstrdup("");
	title = ui_text(facts, &n->title);
	if (title[0] == '\0') {
		free(title);
		title = xstrdup(n->id);
	}
	return title;
}

int
ui_body_rows(int top)
{
	int rows = LINES - 2 - top;

	return rows > 0 ? rows : 0;
}

int
ui_body_width(void)
{
	int w = COLS - 2;

	return w > UI_TEXT_MAX_COLS ? UI_TEXT_MAX_COLS : w;
}

int
ui_walk_draw_frame(struct ui *ui, enum ui_look titlebar_look, const char *left)
{
	const struct flow_node *const *path = NULL;
	size_t npath = engine_path(ui->engine, &path);
	struct strbuf crumbs = STRBUF_INIT;
	char *title = NULL, *right = NULL, *cut = NULL, **labels = NULL;
	const char *last = "";
	size_t cw, lw;

	title = left != NULL ? xstrdup(left)
	                     : xasprintf("vmtriage: %s", cli_text(&engine_flow(ui->engine)->title));
	right = xasprintf(_("step %zu"), npath);
	ui_draw_titlebar(titlebar_look, title, right);

	/*
	 * Breadcrumbs: the path's stops. When they do not fit, the oldest go
	 * first, whole, behind an ellipsis; only a last one too long alone is cut.
	 * At the first stop there is no path yet, and the title below says it all.
	 */
	if (npath <= 1)
		npath = 0;
	/* Labels once per frame: the fitting below may try them many times. */
	labels = xcalloc(npath + 1, sizeof *labels);
	for (size_t i = 0; i < npath; i++)
		labels[i] = ui_node_label(ui_walk_facts(ui), path[i]);
	if (npath > 0)
		last = labels[npath - 1];
	for (size_t from = 0; from < npath; from++) {
		strbuf_reset(&crumbs);
		strbuf_adds(&crumbs, from > 0 ? ui_glyph->ellipsis : "");
		for (size_t i = from; i < npath; i++)
			strbuf_addf(&crumbs, "%s%s", i > from || from > 0 ? ui_glyph->crumb : "",
			            labels[i]);
		if (text_width(crumbs.buf) <= (size_t)(COLS - 2))
			break;
	}
	cut = ui_cut_left(crumbs.buf != NULL ? crumbs.buf : "", (size_t)(COLS - 2));
	ui_put(1, 1, COLS - 2, UI_DIM, cut);
	cw = text_width(cut);
	lw = text_width(last);
	/* The current stop stands out at the end. */
	if (cw >= lw && lw > 0)
		ui_put(1, 1 + (int)(cw - lw), (int)lw, UI_NORMAL, last);
	strbuf_free(&crumbs);
	for (size_t i = 0; i < npath; i++)
		free(labels[i]);
	free(labels);
	free(cut);
	free(title);
	free(right);
	return 3;
}

void
ui_walk_draw_footer(struct ui *ui, unsigned more)
{
	const struct flow_node *n = engine_node(ui->engine);
	const char *source =
	    n != NULL && n->source != NULL ? n->source : engine_flow(ui->engine)->source;
	int y = LINES - 2, room = COLS - 2 - (more != 0 ? 10 : 0);

	if (ui->message != NULL)
		ui_put_cut(y, 1, room, ui->message_look, ui->message);
	else if (source != NULL) {
		char *text = xasprintf(_("source: %s"), source);

		ui_put_cut(y, 1, room, UI_DIM, text);
		free(text);
	}
	ui_draw_more(y, more);
}

void
ui_step_node_lines(struct ui *ui, struct ui_lines *l)
{
	const struct flow_node *const *path = NULL;
	size_t npath = engine_path(ui->engine, &path), at = npath > 0 ? npath - 1 : 0;
	const struct flow_node *n = engine_node(ui->engine);
	char *title = ui_text(ui_walk_facts(ui), &n->title);
	char *text = ui_text(ui_walk_facts(ui), &n->text);

	if (at < ui->nnotes && ui->notes[at].n > 0) {
		for (size_t i = 0; i < ui->notes[at].n; i++) {
			char *note = xasprintf("(%s)", ui->notes[at].v[i]);

			ui_lines_wrap(l, UI_DIM, 0, 0, NULL, UI_NORMAL, -1, note);
			free(note);
		}
		ui_lines_blank(l);
	}
	if (title[0] != '\0') {
		ui_lines_wrap(l, UI_HEADING, 0, 0, NULL, UI_NORMAL, -1, title);
		ui_lines_blank(l);
	}
	if (text[0] != '\0')
		ui_lines_wrap(l, UI_NORMAL, 0, 0, NULL, UI_NORMAL, -1, text);
	free(title);
	free(text);
}

static void
choice_lines(struct ui *ui, struct ui_lines *l)
{
	const struct engine_choice *choices = NULL;
	size_t n = engine_choices(ui->engine, &choices);

	for (size_t i = 0; i < n; i++) {
		char mark[8] = "", *text = ui_text(ui_walk_facts(ui), &choices[i].choice->text);

		if (i < 9)
			snprintf(mark, sizeof mark, "%zu", i + 1);
		ui_lines_wrap(l, UI_NORMAL, 1, 4, mark, UI_KEY, (int)i, text);
		free(text);
	}
}

void
ui_step_draw(struct ui *ui)
{
	enum engine_state state = engine_state(ui->engine);
	struct ui_lines l;
	int top = ui_walk_draw_frame(ui, UI_TITLEBAR, NULL);
	unsigned more;

	ui_lines_init(&l, ui_body_width());
	if (state == ENGINE_BROKEN) {
		ui_lines_wrap(&l, UI_BAD, 0, 0, NULL, UI_NORMAL, -1, _("The walk cannot go on"));
		ui_lines_blank(&l);
		ui_lines_wrap(&l, UI_NORMAL, 0, 0, NULL, UI_NORMAL, -1, engine_error(ui->engine));
		ui_lines_blank(&l);
		ui_lines_wrap(&l, UI_DIM, 0, 0, NULL, UI_NORMAL, -1,
		              _("This is a mistake in the flow, not a problem of your machine. "
		                "Go back, or start over with another problem."));
	} else {
		ui_step_node_lines(ui, &l);
		ui_lines_blank(&l);
		if (state == ENGINE_ASK)
			choice_lines(ui, &l);
		else if (state == ENGINE_SAY)
			ui_lines_wrap(&l, UI_DIM, 0, 0, NULL, UI_NORMAL, -1,
			              _("Press Enter to go on."));
		else if (state == ENGINE_CHECK)
			ui_probe_result_lines(ui, &l);
	}
	more = ui_draw_lines(&l, top, ui_body_rows(top), 1,
	                     state == ENGINE_ASK ? (int)ui->selected : -1, &ui->view);
	ui_walk_draw_footer(ui, more);

	if (state == ENGINE_ASK) {
		const struct ui_hint hints[] = {
		    {UI_ACT_UP, NULL},   {UI_ACT_SELECT, NULL},   {UI_ACT_PICK, NULL},
		    {UI_ACT_BACK, NULL}, {UI_ACT_EVIDENCE, NULL},
		};

		ui_draw_status(hints, nitems(hints));
	} else if (state == ENGINE_CHECK) {
		const struct ui_hint hints[] = {
		    {UI_ACT_SELECT, _("continue")},
		    {UI_ACT_EVIDENCE, NULL},
		    {UI_ACT_RUN, _("run again")},
		    {UI_ACT_BACK, NULL},
		};

		ui_draw_status(hints, nitems(hints));
	} else if (state == ENGINE_BROKEN) {
		const struct ui_hint hints[] = {
		    {UI_ACT_BACK, NULL},
		    {UI_ACT_SELECT, _("start over")},
		};

		ui_draw_status(hints, nitems(hints));
	} else {
		const struct ui_hint hints[] = {
		    {UI_ACT_SELECT, _("continue")},
		    {UI_ACT_BACK, NULL},
		    {UI_ACT_EVIDENCE, NULL},
		};

		ui_draw_status(hints, nitems(hints));
	}
	ui_lines_free(&l);
}

static void
answer(struct ui *ui, size_t index)
{
	const struct engine_choice *choices = NULL;
	size_t n = engine_choices(ui->engine, &choices);
	char *text = NULL;

	if (index >= n)
		return;
	/* The answer as the user read it, with the facts known when they chose. */
	text = ui_text(ui_walk_facts(ui), &choices[index].choice->text);
	ui_records_add_answer(ui, engine_node(ui->engine), text);
	free(text);
	ui_walk_leave_stop(ui);
	engine_answer(ui->engine, index);
	ui_walk_arrive(ui, false);
}

/* Keys that scroll the body of any step; true when key was one. */
static bool
scroll_key(struct ui *ui, enum ui_action act)
{
	switch (act) {
	case UI_ACT_UP:
	case UI_ACT_DOWN:
	case UI_ACT_PAGE_UP:
	case UI_ACT_PAGE_DOWN:
	case UI_ACT_HOME:
	case UI_ACT_END:
		ui_view_scroll(&ui->view, act, SCROLL_FAR, ui_body_rows(3));
		return true;
	default:
		return false;
	}
}

static void
ask_key(struct ui *ui, int key, enum ui_action act)
{
	const struct engine_choice *choices = NULL;
	size_t n = engine_choices(ui->engine, &choices);
	int choice = -1;

	switch (act) {
	case UI_ACT_UP:
		if (ui->selected > 0)
			ui->selected--;
		ui->view.follow = true;
		break;
	case UI_ACT_DOWN:
		if (ui->selected + 1 < n)
			ui->selected++;
		ui->view.follow = true;
		break;
	case UI_ACT_SELECT:
		answer(ui, ui->selected);
		break;
	case UI_ACT_PICK:
		if ((size_t)(key - '1') < n)
			answer(ui, (size_t)(key - '1'));
		else
			ui_set_message(ui, UI_WARN, _("There are %zu choices here."), n);
		break;
	case UI_ACT_CLICK:
		act = ui_mouse(&choice);
		if (act == UI_ACT_PICK)
			answer(ui, (size_t)choice);
		else
			scroll_key(ui, act);
		break;
	case UI_ACT_BACK:
		ui_walk_back(ui);
		break;
	default:
		scroll_key(ui, act);
		break;
	}
}

void
ui_step_key(struct ui *ui, int key, enum ui_action act)
{
	int choice = -1;

	switch (engine_state(ui->engine)) {
	case ENGINE_ASK:
		ask_key(ui, key, act);
		return;
	case ENGINE_BROKEN:
		if (act == UI_ACT_BACK)
			ui_walk_back(ui);
		else if (act == UI_ACT_SELECT)
			ui_walk_end(ui);
		return;
	default:
		break;
	}
	if (act == UI_ACT_CLICK)
		act = ui_mouse(&choice);
	if (scroll_key(ui, act))
		return;
	if (act == UI_ACT_BACK) {
		ui_walk_back(ui);
		return;
	}
	if (engine_state(ui->engine) == ENGINE_SAY && act == UI_ACT_SELECT) {
		ui_walk_leave_stop(ui);
		engine_continue(ui->engine);
		ui_walk_arrive(ui, false);
		return;
	}
	if (engine_state(ui->engine) == ENGINE_CHECK) {
		if (act == UI_ACT_SELECT)
			ui_probe_continue(ui);
		else if (act == UI_ACT_RUN) {
			ui_probe_free(ui);
			ui_probe_begin(ui, NULL);
		}
	}
}
