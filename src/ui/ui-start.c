/*
 * ui-start.c: the start screen, where a person finds their problem: the
 * list of problems by group, narrowed by typing after '/', and a field
 * where an error message is pasted (p) to jump straight to the step that
 * explains it, through the flows' error index (catalog_why).
 */
#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "cli/cli.h"
#include "ui/ui-internal.h"

/* A pasted message longer than this is cut: error lines are short, and the index matches parts. */
#define PASTE_MAX_BYTES 4096
#define FILTER_MAX_BYTES 256

void
ui_start_init(struct ui *ui)
{
	ui->screen = UI_SCREEN_START;
	ui->start.view.follow = true;
}

void
ui_start_free(struct ui *ui)
{
	strbuf_free(&ui->start.filter);
	strbuf_free(&ui->start.paste);
}

static const char *
group_label(const char *group)
{
	if (str_eq(group, "launch"))
		return _("Launch and start");
	if (str_eq(group, "networking"))
		return _("Networking");
	if (str_eq(group, "migration"))
		return _("Migration to KVM");
	if (group == NULL || str_eq(group, "other"))
		return _("Other problems");
	return group;
}

static bool
flow_matches(const struct flow *f, const char *filter)
{
	if (filter == NULL || filter[0] == '\0')
		return true;
	return str_contains_folded(cli_text(&f->title), filter) ||
	       str_contains_folded(f->id, filter) ||
	       (f->title.en != NULL && str_contains_folded(f->title.en, filter));
}

/* The problems the filter lets through, in list order. */
static size_t
visible_flows(struct ui *ui, const struct flow **out)
{
	size_t n = 0;

	for (size_t i = 0; i < ui->nflows; i++)
		if (flow_matches(ui->flows[i], ui->start.filter.buf))
			out[n++] = ui->flows[i];
	return n;
}

/*
 * Where things go on the start screen. On a wide screen the summary of the
 * highlighted problem stands beside the list; otherwise under it, with a rule
 * between them.
 */
struct start_layout {
	bool wide;
	int list_top;
	int list_rows;
	int list_width;
	int pane_x; /* the summary: a column of its own (wide) or rows under the rule */
	int pane_top;
	int pane_rows;
	int pane_width;
	int rule;  /* the rule's row (narrow) or column (wide) */
	int input; /* the field or hint row */
};

#define START_WIDE_COLS 110

static void
start_layout(struct start_layout *lay)
{
	lay->input = LINES - 2;
	lay->list_top = 4;
	lay->wide = COLS >= START_WIDE_COLS;
	if (lay->wide) {
		lay->list_width = COLS * 2 / 5;
		lay->list_rows = lay->input - 1 - lay->list_top;
		lay->rule = lay->list_width + 1;
		lay->pane_x = lay->rule + 2;
		lay->pane_top = lay->list_top;
		lay->pane_rows = lay->list_rows;
		lay->pane_width = COLS - lay->pane_x - 1;
		return;
	}
	lay->pane_rows = LINES >= 30 ? 5 : LINES >= 20 ? 3 : 2;
	lay->pane_top = lay->input - lay->pane_rows;
	lay->rule = lay->pane_top - 1;
	lay->list_rows = lay->rule - lay->list_top;
	lay->list_width = COLS - 2;
	lay->pane_x = 1;
	lay->pane_width = COLS - 2;
}

static void
list_lines(struct ui *ui, struct ui_lines *l, const struct flow **vis, size_t nvis)
{
	const char *group = NULL;

	for (size_t i = 0; i < nvis; i++) {
		char mark[8] = "";

		if (i == 0 || !str_eq(group, vis[i]->group)) {
			if (i > 0)
				ui_lines_blank(l);
			group = vis[i]->group;
			ui_lines_add(l, UI_HEADING, 0, group_label(group));
		}
		if (i < 9)
			snprintf(mark, sizeof mark, "%zu", i + 1);
		ui_lines_wrap(l, UI_NORMAL, 1, 4, mark, UI_KEY, (int)i, cli_text(&vis[i]->title));
	}
}

/*
 * What a walk from a hit knows when it starts: the host's facts and the
 * flow's declared defaults. A hit's step then reads here as it will there.
 */
static void
hit_facts(const struct ui *ui, const struct flow *f, struct facts *out)
{
	facts_copy(out, &ui->host_facts);
	for (size_t i = 0; i < f->nfacts; i++)
		if (f->facts[i].def != NULL && facts_get(out, f->facts[i].name) == NULL)
			facts_set(out, f->facts[i].name, f->facts[i].def);
}

static void
hit_lines(struct ui *ui, struct ui_lines *l)
{
	for (size_t i = 0; i < ui->start.nhits; i++) {
		const struct flow_why_hit *h = &ui->start.hits[i];
		struct facts facts = FACTS_INIT;
		char mark[8] = "", *label = NULL;

		if (i < 9)
			snprintf(mark, sizeof mark, "%zu", i + 1);
		hit_facts(ui, h->flow, &facts);
		label = ui_node_label(&facts, h->node);
		ui_lines_wrap(l, UI_NORMAL, 1, 4, mark, UI_KEY, (int)i, cli_text(&h->flow->title));
		ui_lines_wrap(l, UI_DIM, 1, 4, NULL, UI_NORMAL, (int)i, label);
		free(label);
		facts_free(&facts);
	}
}

/* Up to rows lines of text from (y, x), the last one ending in an ellipsis when there is more.
 * Returns the rows used. */
static int
draw_paragraph(int y, int x, int rows, int width, enum ui_look look, const char *text)
{
	struct strlist wrapped = STRLIST_INIT;
	char *clean = ui_clean(text, true);
	int r;

	ui_wrap(clean, (size_t)width, &wrapped);
	for (r = 0; r < rows && (size_t)r < wrapped.n; r++) {
		if (r == rows - 1 && (size_t)rows < wrapped.n) {
			char *joined = xasprintf("%s %s", wrapped.v[r], wrapped.v[r + 1]);

			ui_put_cut(y + r, x, width, look, joined);
			free(joined);
		} else
			ui_put(y + r, x, width, look, wrapped.v[r]);
	}
	strlist_free(&wrapped);
	free(clean);
	return r;
}

/* The pane beside or under the list: what the highlighted entry is about, or a message. */
static void
draw_pane(struct ui *ui, const struct start_layout *lay, const struct flow *f,
          const struct flow_why_hit *hit)
{
	int y = lay->pane_top, end = lay->pane_top + lay->pane_rows;

	if (ui->message != NULL) {
		y += draw_paragraph(y, lay->pane_x, end - y, lay->pane_width, ui->message_look,
		                    ui->message);
		if (!lay->wide)
			return;
		y++;
	}
	if (f == NULL)
		return;
	if (lay->wide && y < end) {
		y += draw_paragraph(y, lay->pane_x, end - y, lay->pane_width, UI_HEADING,
		                    cli_text(&f->title));
		y++;
	}
	if (hit != NULL && y < end) {
		char *text = xasprintf(_("It matched: \"%s\""), hit->error->match);

		y += draw_paragraph(y, lay->pane_x, end - y, lay->pane_width, UI_DIM, text);
		free(text);
		if (lay->wide && y + 1 < end) {
			struct facts facts = FACTS_INIT;
			char *step = NULL;

			hit_facts(ui, hit->flow, &facts);
			step = ui_text(&facts, &hit->node->text);
			y++;
			y += draw_paragraph(y, lay->pane_x, end - y, lay->pane_width, UI_NORMAL,
			                    step);
			free(step);
			facts_free(&facts);
		}
		return;
	}
	if (f->summary.en != NULL && y < end)
		y += draw_paragraph(y, lay->pane_x, end - y, lay->pane_width, UI_NORMAL,
		                    cli_text(&f->summary));
	if (lay->wide && f->source != NULL && y + 1 < end) {
		char *text = xasprintf(_("source: %s"), f->source);

		draw_paragraph(y + 1, lay->pane_x, end - y - 1, lay->pane_width, UI_DIM, text);
		free(text);
	}
}

static void
draw_input_row(struct ui *ui, int y)
{
	const char *prompt = NULL;
	const struct strbuf *text = NULL;
	int x;

	if (ui->start.input == UI_INPUT_FILTER ||
	    (ui->start.input == UI_INPUT_NONE && ui->start.filter.len > 0 &&
	     ui->start.nhits == 0)) {
		prompt = _("Filter:");
		text = &ui->start.filter;
	} else if (ui->start.input == UI_INPUT_PASTE) {
		prompt = _("Error message:");
		text = &ui->start.paste;
	}
	if (prompt == NULL) {
		ui_put_cut(y, 1, COLS - 2, UI_DIM,
		           _("Have an error message? Press p and paste it to jump to its step."));
		return;
	}
	x = 1 + ui_put(y, 1, COLS - 2, UI_KEY, prompt) + 1;
	if (ui->start.input != UI_INPUT_NONE) {
		/* The end of what is typed stays in view, where the cursor is. */
		char *tail =
		    ui_cut_left(text->buf != NULL ? text->buf : "", (size_t)(COLS - x - 2));

		ui_put(y, x, COLS - x - 1, UI_NORMAL, tail);
		free(tail);
	} else {
		x += ui_put(y, x, COLS - x - 1, UI_NORMAL, text->buf);
		ui_put_cut(y, x + 1, COLS - x - 2, UI_DIM, _("(Esc clears)"));
	}
}

bool
ui_start_cursor(struct ui *ui, int *y, int *x)
{
	const struct strbuf *text = NULL;
	const char *prompt = NULL;
	char *tail = NULL;
	int px;

	if (ui->start.input == UI_INPUT_FILTER) {
		prompt = _("Filter:");
		text = &ui->start.filter;
	} else if (ui->start.input == UI_INPUT_PASTE) {
		prompt = _("Error message:");
		text = &ui->start.paste;
	} else
		return false;
	px = 1 + (int)text_width(prompt) + 1;
	tail = ui_cut_left(text->buf != NULL ? text->buf : "", (size_t)(COLS - px - 2));
	*y = LINES - 2;
	*x = px + (int)text_width(tail);
	free(tail);
	return *x < COLS;
}

void
ui_start_draw(struct ui *ui)
{
	const struct flow **vis = xcalloc(ui->nflows + 1, sizeof *vis);
	size_t nvis = visible_flows(ui, vis);
	struct start_layout lay;
	struct ui_lines l;
	const char *os = facts_get(&ui->host_facts, "os");
	char *right = xasprintf(_("this machine: %s"), os != NULL ? os : "?");
	const struct flow *shown = NULL;
	const struct flow_why_hit *hit = NULL;
	unsigned more;

	start_layout(&lay);
	ui_lines_init(&l, lay.list_width);
	ui_draw_titlebar(UI_TITLEBAR, _("vmtriage: what is wrong?"), right);
	if (ui->start.nhits > 0) {
		ui_put_cut(2, 1, COLS - 2, UI_HEADING,
		           _("Several steps explain this message. Pick the one that fits:"));
		hit_lines(ui, &l);
		more = ui_draw_lines(&l, lay.list_top, lay.list_rows, 1,
		                     (int)ui->start.hit_selected, &ui->start.hit_view);
		hit = &ui->start.hits[ui->start.hit_selected];
		shown = hit->flow;
	} else {
		ui_put_cut(2, 1, COLS - 2, UI_HEADING, _("Pick the problem closest to yours."));
		if (ui->start.selected >= nvis)
			ui->start.selected = nvis > 0 ? nvis - 1 : 0;
		list_lines(ui, &l, vis, nvis);
		more = ui_draw_lines(&l, lay.list_top, lay.list_rows, 1, (int)ui->start.selected,
		                     &ui->start.view);
		if (nvis == 0)
			draw_paragraph(lay.list_top, 1, lay.list_rows, lay.list_width, UI_WARN,
			               _("No problem matches the filter. Esc clears it; p finds a "
			                 "problem by its error message."));
		else
			shown = vis[ui->start.selected];
	}
	attrset(ui_attr(UI_DIM));
	if (lay.wide)
		mvvline(lay.list_top, lay.rule, ACS_VLINE, lay.list_rows);
	else
		mvhline(lay.rule, 0, ACS_HLINE, COLS);
	attrset(A_NORMAL);
	ui_draw_more(lay.wide ? lay.list_top + lay.list_rows : lay.rule, more);
	draw_pane(ui, &lay, shown, hit);
	draw_input_row(ui, lay.input);

	if (ui->start.input != UI_INPUT_NONE) {
		const struct ui_hint hints[] = {
		    {UI_ACT_SELECT, ui->start.input == UI_INPUT_PASTE ? _("find it") : _("done")},
		    {UI_ACT_CANCEL, _("clear")},
		    {UI_ACT_UP, NULL},
		};

		ui_draw_status(hints, ui->start.input == UI_INPUT_PASTE ? 2 : nitems(hints));
	} else if (ui->start.nhits > 0) {
		const struct ui_hint hints[] = {
		    {UI_ACT_UP, NULL},
		    {UI_ACT_SELECT, _("open")},
		    {UI_ACT_PICK, NULL},
		    {UI_ACT_CANCEL, _("back to the list")},
		};

		ui_draw_status(hints, nitems(hints));
	} else {
		const struct ui_hint hints[] = {
		    {UI_ACT_UP, NULL},    {UI_ACT_SELECT, _("open")}, {UI_ACT_FILTER, NULL},
		    {UI_ACT_PASTE, NULL}, {UI_ACT_PICK, NULL},
		};

		ui_draw_status(hints, nitems(hints));
	}
	ui_lines_free(&l);
	free(right);
	free(vis);
}

/* ---- keys ---------------------------------------------------------------- */

static void
open_flow(struct ui *ui, size_t index)
{
	const struct flow **vis = xcalloc(ui->nflows + 1, sizeof *vis);
	size_t nvis = visible_flows(ui, vis);

	if (index < nvis) {
		ui->start.selected = index;
		ui_walk_begin(ui, vis[index], NULL);
	}
	free(vis);
}

static void
open_hit(struct ui *ui, size_t index)
{
	const struct flow_why_hit *h = NULL;

	if (index >= ui->start.nhits)
		return;
	h = &ui->start.hits[index];
	ui->start.nhits = 0;
	ui_walk_begin(ui, h->flow, h->node);
	/* Say why the walk starts in the middle: the message matched this step. */
	if (ui->nnotes > 0)
		strlist_addf(&ui->notes[0], _("your error message led here: it matched \"%s\""),
		             h->error->match);
}

/* Runs the error index on the pasted message. */
static void
find_pasted(struct ui *ui)
{
	struct flow_why_hit hits[UI_MAX_HITS];
	const char *msg = ui->start.paste.buf != NULL ? ui->start.paste.buf : "";
	size_t n, kept = 0;

	while (*msg == ' ')
		msg++;
	if (*msg == '\0') {
		ui_set_message(ui, UI_WARN, "%s",
		               _("Paste or type the error message first, then press Enter."));
		return;
	}
	n = catalog_why(&ui->cat, msg, hits, nitems(hits));
	if (n > nitems(hits))
		n = nitems(hits);
	for (size_t i = 0; i < n; i++)
		if (hits[i].node != NULL && !cli_flow_is_broken(hits[i].flow))
			ui->start.hits[kept++] = hits[i];
	ui->start.input = UI_INPUT_NONE;
	if (kept == 0) {
		ui->start.nhits = 0;
		ui->start.input = UI_INPUT_PASTE;
		ui_set_message(
		    ui, UI_WARN, "%s",
		    _("No step knows this message yet. Paste the error line itself (such as "
		      "\"launch failed: ...\"), or pick the closest problem from the list (Esc)."));
		return;
	}
	if (kept == 1) {
		ui->start.nhits = 1;
		open_hit(ui, 0);
		return;
	}
	ui->start.nhits = kept;
	ui->start.hit_selected = 0;
	ui->start.hit_view.scroll = 0;
	ui->start.hit_view.follow = true;
}

static void
strbuf_drop_char(struct strbuf *sb)
{
	if (sb->len == 0)
		return;
	/* Back over UTF-8 continuation bytes to the start of the last character. */
	do
		sb->len--;
	while (sb->len > 0 && ((unsigned char)sb->buf[sb->len] & 0xc0) == 0x80);
	sb->buf[sb->len] = '\0';
}

static void
strbuf_add_key(struct strbuf *sb, int key, size_t max)
{
	char bytes[MB_LEN_MAX];
	mbstate_t st;
	size_t n;

	memset(&st, 0, sizeof st);
	n = wcrtomb(bytes, (wchar_t)key, &st);
	if (n == (size_t)-1 || sb->len + n > max)
		return;
	strbuf_add(sb, bytes, n);
}

/* Moves a selection among n entries; true when it is a moving key. */
static bool
move_selection(size_t *sel, size_t n, enum ui_action act, int page)
{
	switch (act) {
	case UI_ACT_UP:
		if (*sel > 0)
			(*sel)--;
		return true;
	case UI_ACT_DOWN:
		if (*sel + 1 < n)
			(*sel)++;
		return true;
	case UI_ACT_PAGE_UP:
		*sel = *sel > (size_t)page ? *sel - (size_t)page : 0;
		return true;
	case UI_ACT_PAGE_DOWN:
		*sel = *sel + (size_t)page < n ? *sel + (size_t)page : (n > 0 ? n - 1 : 0);
		return true;
	case UI_ACT_HOME:
		*sel = 0;
		return true;
	case UI_ACT_END:
		*sel = n > 0 ? n - 1 : 0;
		return true;
	default:
		return false;
	}
}

static void
input_key(struct ui *ui, int key, enum ui_action act)
{
	struct strbuf *sb =
	    ui->start.input == UI_INPUT_PASTE ? &ui->start.paste : &ui->start.filter;
	size_t max = ui->start.input == UI_INPUT_PASTE ? PASTE_MAX_BYTES : FILTER_MAX_BYTES;

	if (key == UI_KEY_PASTE_BEGIN || key == UI_KEY_PASTE_END) {
		ui->start.in_paste = key == UI_KEY_PASTE_BEGIN;
		return;
	}
	/* Inside a paste, a line break is part of the message, not Enter. */
	if (ui->start.in_paste && (key == '\n' || key == '\r' || key == '\t')) {
		if (sb->len > 0 && sb->buf[sb->len - 1] != ' ')
			strbuf_addc(sb, ' ');
		return;
	}
	if (key == UI_ESC) {
		strbuf_reset(sb);
		ui->start.input = UI_INPUT_NONE;
		ui->start.view.follow = true;
		return;
	}
	if (act == UI_ACT_SELECT) {
		if (ui->start.input == UI_INPUT_PASTE)
			find_pasted(ui);
		else
			ui->start.input = UI_INPUT_NONE;
		return;
	}
	if (key == 127 || key == 8 || key == (UI_FN | KEY_BACKSPACE)) {
		strbuf_drop_char(sb);
		ui->start.selected = 0;
		ui->start.view.follow = true;
		return;
	}
	if (key == UI_CTRL('u')) {
		strbuf_reset(sb);
		ui->start.selected = 0;
		return;
	}
	/* While filtering, the arrow keys (not j and k, which are text) still move. */
	if ((key & UI_FN) && ui->start.input == UI_INPUT_FILTER) {
		const struct flow **vis = xcalloc(ui->nflows + 1, sizeof *vis);
		size_t nvis = visible_flows(ui, vis);
		int choice = -1;

		if (act == UI_ACT_CLICK && ui_mouse(&choice) == UI_ACT_PICK) {
			ui->start.input = UI_INPUT_NONE;
			open_flow(ui, (size_t)choice);
		} else if (move_selection(&ui->start.selected, nvis, act, 5))
			ui->start.view.follow = true;
		free(vis);
		return;
	}
	if ((key & UI_FN) || key < 0x20 || key == 0x7f)
		return;
	strbuf_add_key(sb, key, max);
	if (ui->start.input == UI_INPUT_FILTER) {
		ui->start.selected = 0;
		ui->start.view.scroll = 0;
		ui->start.view.follow = true;
	}
}

static void
hits_key(struct ui *ui, int key, enum ui_action act)
{
	int choice = -1;

	if (move_selection(&ui->start.hit_selected, ui->start.nhits, act, 5)) {
		ui->start.hit_view.follow = true;
		return;
	}
	switch (act) {
	case UI_ACT_SELECT:
		open_hit(ui, ui->start.hit_selected);
		break;
	case UI_ACT_PICK:
		open_hit(ui, (size_t)(key - '1'));
		break;
	case UI_ACT_CLICK:
		if (ui_mouse(&choice) == UI_ACT_PICK)
			open_hit(ui, (size_t)choice);
		break;
	case UI_ACT_CANCEL:
	case UI_ACT_BACK:
		ui->start.nhits = 0;
		break;
	case UI_ACT_PASTE:
		ui->start.nhits = 0;
		ui->start.input = UI_INPUT_PASTE;
		break;
	case UI_ACT_QUIT:
		ui->quit = true;
		break;
	default:
		break;
	}
}

void
ui_start_key(struct ui *ui, int key, enum ui_action act)
{
	const struct flow **vis = NULL;
	size_t nvis;
	int choice = -1;
	struct start_layout lay;

	if (ui->start.input != UI_INPUT_NONE) {
		input_key(ui, key, act);
		return;
	}
	if (ui->start.nhits > 0) {
		hits_key(ui, key, act);
		return;
	}
	start_layout(&lay);
	vis = xcalloc(ui->nflows + 1, sizeof *vis);
	nvis = visible_flows(ui, vis);
	if (move_selection(&ui->start.selected, nvis, act, lay.list_rows / 2)) {
		ui->start.view.follow = true;
		goto out;
	}
	switch (act) {
	case UI_ACT_SELECT:
		open_flow(ui, ui->start.selected);
		break;
	case UI_ACT_PICK:
		open_flow(ui, (size_t)(key - '1'));
		break;
	case UI_ACT_CLICK:
		if (ui_mouse(&choice) == UI_ACT_PICK)
			open_flow(ui, (size_t)choice);
		break;
	case UI_ACT_FILTER:
		ui->start.input = UI_INPUT_FILTER;
		break;
	case UI_ACT_PASTE:
		ui->start.input = UI_INPUT_PASTE;
		strbuf_reset(&ui->start.paste);
		break;
	case UI_ACT_CANCEL:
		strbuf_reset(&ui->start.filter);
		ui->start.view.follow = true;
		break;
	case UI_ACT_QUIT:
		ui->quit = true;
		break;
	case UI_ACT_EVIDENCE:
	case UI_ACT_BACK:
		ui_set_message(ui, UI_DIM, "%s",
		               _("Nothing to go back to or show yet: pick a problem first."));
		break;
	default:
		break;
	}
out:
	free(vis);
}
