/*
 * ui-draw.c: drawing helpers that measure text by the columns it takes, not
 * its bytes, so Chinese (two columns a character) lines up as well as
 * English: fitting and cutting at character boundaries, bars, scrolling
 * bodies of wrapped lines, colours with a monochrome fallback.
 */
#include "config.h"

#include <langinfo.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "ui/ui-internal.h"

static const char *const spinner_utf8[] = {"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"};
static const char *const spinner_ascii[] = {"|", "/", "-", "\\"};

static const struct ui_glyphs glyphs_utf8 = {
    .ellipsis = "…",
    .crumb = " › ",
    .bullet = "•",
    .arrow = "→",
    .bar = "│",
    .up = "↑",
    .down = "↓",
    .spinner = spinner_utf8,
    .nspinner = nitems(spinner_utf8),
};
static const struct ui_glyphs glyphs_ascii = {
    .ellipsis = "...",
    .crumb = " > ",
    .bullet = "*",
    .arrow = "->",
    .bar = "|",
    .up = "^",
    .down = "v",
    .spinner = spinner_ascii,
    .nspinner = nitems(spinner_ascii),
};
const struct ui_glyphs *ui_glyph = &glyphs_ascii;

static attr_t looks[UI_NLOOKS];
static bool use_color;

/* Which choice each screen row shows, for mouse clicks; -1 for none. */
static int *row_choices;
static int nrow_choices;

/* Colour pairs; 0 is the terminal's own. */
enum {
	PAIR_TITLE = 1,
	PAIR_HEADING,
	PAIR_KEY,
	PAIR_GOOD,
	PAIR_BAD,
	PAIR_WARN,
	PAIR_VERDICT_GOOD,
	PAIR_VERDICT_CAUSE,
	PAIR_VERDICT_HELP,
	PAIR_STATUS_KEY,
};

/*
 * NO_COLOR (https://no-color.org): set and not empty means no colour. The
 * looks then fall back to bold, reverse and underline, which every
 * terminal has, so nothing is told by colour alone.
 */
void
ui_draw_init(void)
{
	const char *no_color = getenv("NO_COLOR");

	ui_glyph = strcmp(nl_langinfo(CODESET), "UTF-8") == 0 ? &glyphs_utf8 : &glyphs_ascii;
	use_color = has_colors() && (no_color == NULL || no_color[0] == '\0');

	looks[UI_NORMAL] = A_NORMAL;
	looks[UI_TITLEBAR] = A_REVERSE | A_BOLD;
	looks[UI_STATUS] = A_REVERSE;
	looks[UI_STATUS_KEY] = A_REVERSE | A_BOLD;
	looks[UI_HEADING] = A_BOLD;
	looks[UI_DIM] = A_DIM;
	looks[UI_SELECTED] = A_REVERSE;
	looks[UI_KEY] = A_BOLD;
	looks[UI_GOOD] = A_BOLD;
	looks[UI_BAD] = A_BOLD | A_UNDERLINE;
	looks[UI_WARN] = A_BOLD;
	looks[UI_INPUT] = A_UNDERLINE;
	looks[UI_VERDICT_GOOD] = A_REVERSE | A_BOLD;
	looks[UI_VERDICT_CAUSE] = A_REVERSE | A_BOLD;
	looks[UI_VERDICT_HELP] = A_REVERSE | A_BOLD;
	if (!use_color)
		return;
	start_color();
	use_default_colors();
	init_pair(PAIR_TITLE, COLOR_WHITE, COLOR_BLUE);
	init_pair(PAIR_HEADING, COLOR_CYAN, -1);
	init_pair(PAIR_KEY, COLOR_YELLOW, -1);
	init_pair(PAIR_GOOD, COLOR_GREEN, -1);
	init_pair(PAIR_BAD, COLOR_RED, -1);
	init_pair(PAIR_WARN, COLOR_YELLOW, -1);
	init_pair(PAIR_VERDICT_GOOD, COLOR_BLACK, COLOR_GREEN);
	init_pair(PAIR_VERDICT_CAUSE, COLOR_BLACK, COLOR_YELLOW);
	init_pair(PAIR_VERDICT_HELP, COLOR_WHITE, COLOR_RED);
	init_pair(PAIR_STATUS_KEY, COLOR_BLUE, COLOR_WHITE);
	looks[UI_TITLEBAR] = COLOR_PAIR(PAIR_TITLE) | A_BOLD;
	looks[UI_HEADING] = COLOR_PAIR(PAIR_HEADING) | A_BOLD;
	looks[UI_KEY] = COLOR_PAIR(PAIR_KEY) | A_BOLD;
	looks[UI_GOOD] = COLOR_PAIR(PAIR_GOOD) | A_BOLD;
	looks[UI_BAD] = COLOR_PAIR(PAIR_BAD) | A_BOLD;
	looks[UI_WARN] = COLOR_PAIR(PAIR_WARN) | A_BOLD;
	looks[UI_VERDICT_GOOD] = COLOR_PAIR(PAIR_VERDICT_GOOD) | A_BOLD;
	looks[UI_VERDICT_CAUSE] = COLOR_PAIR(PAIR_VERDICT_CAUSE) | A_BOLD;
	looks[UI_VERDICT_HELP] = COLOR_PAIR(PAIR_VERDICT_HELP) | A_BOLD;
	looks[UI_STATUS_KEY] = A_REVERSE | A_BOLD;
}

attr_t
ui_attr(enum ui_look look)
{
	return look < UI_NLOOKS ? looks[look] : A_NORMAL;
}

bool
ui_has_color(void)
{
	return use_color;
}

size_t
ui_fit(const char *s, size_t maxcols, size_t *cols)
{
	size_t used = 0, bytes = 0;

	while (s[bytes] != '\0') {
		size_t w, n = text_char(s + bytes, &w);

		if (used + w > maxcols)
			break;
		used += w;
		bytes += n;
	}
	if (cols != NULL)
		*cols = used;
	return bytes;
}

char *
ui_clean(const char *s, bool keep_newlines)
{
	struct strbuf sb = STRBUF_INIT;
	size_t col = 0;

	strbuf_adds(&sb, "");
	while (*s != '\0') {
		unsigned char c = (unsigned char)*s;
		size_t w, n;
		wchar_t wc;
		mbstate_t st;

		if (c == '\t') {
			do
				strbuf_addc(&sb, ' ');
			while (++col % 8 != 0);
			s++;
			continue;
		}
		if (c == '\n' && keep_newlines) {
			strbuf_addc(&sb, '\n');
			col = 0;
			s++;
			continue;
		}
		if (c < 0x20 || c == 0x7f) {
			strbuf_addc(&sb, '?');
			col++;
			s++;
			continue;
		}
		memset(&st, 0, sizeof st);
		n = mbrtowc(&wc, s, MB_CUR_MAX, &st);
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0 || (wc >= 0x80 && wc < 0xa0) ||
		    wcwidth(wc) < 0) {
			strbuf_addc(&sb, '?');
			col++;
			s += n == (size_t)-1 || n == (size_t)-2 || n == 0 ? 1 : n;
			continue;
		}
		n = text_char(s, &w);
		strbuf_add(&sb, s, n);
		col += w;
		s += n;
	}
	return strbuf_detach(&sb);
}

static bool
needs_clean(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

int
ui_put(int y, int x, int maxcols, enum ui_look look, const char *s)
{
	char *copy = NULL;
	size_t cols = 0, bytes;

	if (maxcols <= 0 || s == NULL || y < 0 || y >= LINES || x >= COLS)
		return 0;
	if (x + maxcols > COLS)
		maxcols = COLS - x;
	if (needs_clean(s))
		s = copy = ui_clean(s, false);
	bytes = ui_fit(s, (size_t)maxcols, &cols);
	attrset(ui_attr(look));
	mvaddnstr(y, x, s, (int)bytes);
	attrset(A_NORMAL);
	free(copy);
	return (int)cols;
}

int
ui_put_cut(int y, int x, int maxcols, enum ui_look look, const char *s)
{
	size_t ew = text_width(ui_glyph->ellipsis), cols = 0;
	char *copy = NULL, *cut = NULL;
	int used;

	if (maxcols <= 0 || s == NULL)
		return 0;
	if (needs_clean(s))
		s = copy = ui_clean(s, false);
	if (text_width(s) <= (size_t)maxcols || (size_t)maxcols <= ew) {
		used = ui_put(y, x, maxcols, look, s);
		free(copy);
		return used;
	}
	cut = xstrndup(s, ui_fit(s, (size_t)maxcols - ew, &cols));
	used = ui_put(y, x, maxcols, look, cut);
	used += ui_put(y, x + used, maxcols - used, look, ui_glyph->ellipsis);
	free(cut);
	free(copy);
	return used;
}

char *
ui_cut_left(const char *s, size_t maxcols)
{
	size_t w = text_width(s), ew = text_width(ui_glyph->ellipsis);

	if (w <= maxcols)
		return xstrdup(s);
	if (maxcols <= ew)
		return xstrdup("");
	/* Drop whole characters from the left until the rest and the ellipsis fit. */
	while (*s != '\0' && w + ew > maxcols) {
		size_t cw, n = text_char(s, &cw);

		s += n;
		w -= cw;
	}
	return xasprintf("%s%s", ui_glyph->ellipsis, s);
}

void
ui_fill(int y, int x, int cols, enum ui_look look)
{
	if (y < 0 || y >= LINES || cols <= 0)
		return;
	if (x + cols > COLS)
		cols = COLS - x;
	attrset(ui_attr(look));
	mvhline(y, x, ' ', cols);
	attrset(A_NORMAL);
}

void
ui_draw_titlebar(enum ui_look look, const char *left, const char *right)
{
	int rw = right != NULL ? (int)text_width(right) : 0;
	int room = COLS - 2 - (rw > 0 ? rw + 2 : 0);

	ui_fill(0, 0, COLS, look);
	if (room < COLS / 2) {
		rw = 0; /* the left side matters more */
		room = COLS - 2;
	}
	ui_put_cut(0, 1, room, look, left);
	if (rw > 0)
		ui_put(0, COLS - 1 - rw, rw, look, right);
}

/* " KEY word": the key in its own look. Returns its width; draws only when draw is set. */
static int
status_hint(int y, int x, const struct ui_hint *h, bool draw)
{
	char label[64];
	const char *word = h->word != NULL ? h->word : ui_keys_word(h->action);
	int w;

	/* Up and Down share one hint: "↑↓", or "Up/Down" where arrows cannot be drawn. */
	if (h->action == UI_ACT_UP) {
		char up[16];

		snprintf(up, sizeof up, "%s", ui_keys_first(UI_ACT_UP));
		snprintf(label, sizeof label, "%s%s%s", up, text_width(up) > 1 ? "/" : "",
		         ui_keys_first(UI_ACT_DOWN));
	}
	else
		snprintf(label, sizeof label, "%s", ui_keys_first(h->action));
	w = 1 + (int)text_width(label) + 1 + (int)text_width(word) + 1;
	if (draw) {
		int kx = x + 1;

		kx += ui_put(y, kx, COLS - kx, UI_STATUS_KEY, label);
		ui_put(y, kx + 1, COLS - kx - 1, UI_STATUS, word);
	}
	return w;
}

void
ui_draw_status(const struct ui_hint *hints, size_t n)
{
	const struct ui_hint right[] = {{UI_ACT_HELP, NULL}, {UI_ACT_QUIT, NULL}};
	int y = LINES - 1, rw = 0, x = 0;

	ui_fill(y, 0, COLS, UI_STATUS);
	for (size_t i = 0; i < nitems(right); i++)
		rw += status_hint(y, 0, &right[i], false);
	for (size_t i = 0; i < n; i++) {
		int w = status_hint(y, x, &hints[i], false);

		if (x + w > COLS - rw)
			continue; /* a shorter hint further on may still fit */
		status_hint(y, x, &hints[i], true);
		x += w;
	}
	x = COLS - rw;
	for (size_t i = 0; i < nitems(right); i++)
		x += status_hint(y, x, &right[i], true);
}

bool
ui_too_small(void)
{
	char *line1 = NULL, *line2 = NULL;
	int y;

	if (COLS >= UI_MIN_COLS && LINES >= UI_MIN_ROWS)
		return false;
	line1 = xasprintf(_("Make the terminal at least %dx%d"), UI_MIN_COLS, UI_MIN_ROWS);
	line2 = xasprintf(_("(it is %dx%d now; q quits)"), COLS, LINES);
	y = LINES / 2 - 1;
	if (y < 0)
		y = 0;
	ui_put(y,
	       ((int)COLS - (int)text_width(line1)) / 2 > 0 ? (COLS - (int)text_width(line1)) / 2
	                                                    : 0,
	       COLS, UI_HEADING, line1);
	ui_put(y + 1,
	       ((int)COLS - (int)text_width(line2)) / 2 > 0 ? (COLS - (int)text_width(line2)) / 2
	                                                    : 0,
	       COLS, UI_NORMAL, line2);
	free(line1);
	free(line2);
	return true;
}

/* ---- wrapping ------------------------------------------------------------ */

/* The rules (CJK breaks, punctuation) live in util's text_wrap, shared with the plain front end. */
void
ui_wrap(const char *s, size_t width, struct strlist *out)
{
	text_wrap(s, width, out);
}

/* ---- lines --------------------------------------------------------------- */

void
ui_lines_init(struct ui_lines *l, int width)
{
	memset(l, 0, sizeof *l);
	l->width = width > 8 ? width : 8;
}

void
ui_lines_free(struct ui_lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].text);
	free(l->v);
	memset(l, 0, sizeof *l);
}

static struct ui_line *
line_new(struct ui_lines *l)
{
	struct ui_line *line = NULL;

	if (l->n == l->cap) {
		l->cap = l->cap == 0 ? 32 : l->cap * 2;
		l->v = xreallocarray(l->v, l->cap, sizeof *l->v);
	}
	line = &l->v[l->n++];
	memset(line, 0, sizeof *line);
	line->choice = -1;
	return line;
}

void
ui_lines_blank(struct ui_lines *l)
{
	line_new(l)->text = xstrdup("");
}

void
ui_lines_add(struct ui_lines *l, enum ui_look look, int indent, const char *text)
{
	struct ui_line *line = line_new(l);

	line->text = ui_clean(text, false);
	line->look = look;
	line->indent = indent;
}

void
ui_lines_wrap(struct ui_lines *l, enum ui_look look, int indent, int hang, const char *mark,
              enum ui_look mark_look, int choice, const char *text)
{
	struct strlist wrapped = STRLIST_INIT;
	char *clean = ui_clean(text != NULL ? text : "", true);
	int room = l->width - indent - hang;

	ui_wrap(clean, room > 8 ? (size_t)room : 8, &wrapped);
	for (size_t i = 0; i < wrapped.n; i++) {
		struct ui_line *line = line_new(l);

		line->text = wrapped.v[i];
		wrapped.v[i] = NULL;
		line->look = look;
		line->indent = indent;
		line->hang = hang;
		line->choice = choice;
		line->mark_look = mark_look;
		if (i == 0 && mark != NULL)
			snprintf(line->mark, sizeof line->mark, "%s", mark);
	}
	strlist_free(&wrapped);
	free(clean);
}

int
ui_lines_find_choice(const struct ui_lines *l, int c)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].choice == c)
			return (int)i;
	return -1;
}

void
ui_rows_reset(void)
{
	if (nrow_choices != LINES) {
		free(row_choices);
		nrow_choices = LINES > 0 ? LINES : 1;
		row_choices = xcalloc((size_t)nrow_choices, sizeof *row_choices);
	}
	for (int i = 0; i < nrow_choices; i++)
		row_choices[i] = -1;
}

int
ui_row_choice(int y)
{
	if (row_choices == NULL || y < 0 || y >= nrow_choices)
		return -1;
	return row_choices[y];
}

unsigned
ui_draw_lines(const struct ui_lines *l, int top, int height, int x, int selected,
              struct ui_view *view)
{
	int n = (int)l->n, maxscroll = n - height > 0 ? n - height : 0;
	unsigned more = 0;

	if (height <= 0)
		return 0;
	if (view->follow && selected >= 0) {
		int first = ui_lines_find_choice(l, selected), last = first;

		while (first >= 0 && last + 1 < n && l->v[last + 1].choice == selected)
			last++;
		if (first >= 0) {
			if (last >= view->scroll + height)
				view->scroll = last - height + 1;
			if (first < view->scroll)
				view->scroll = first;
		}
	}
	view->follow = false;
	if (view->scroll > maxscroll)
		view->scroll = maxscroll;
	if (view->scroll < 0)
		view->scroll = 0;
	for (int r = 0; r < height && view->scroll + r < n; r++) {
		const struct ui_line *line = &l->v[view->scroll + r];
		bool sel = line->choice >= 0 && line->choice == selected;
		int y = top + r, lx = x + line->indent;
		enum ui_look look = sel ? UI_SELECTED : line->look;

		if (y < nrow_choices)
			row_choices[y] = line->choice;
		if (sel)
			ui_fill(y, x - 1 > 0 ? x - 1 : 0, l->width + 2, UI_SELECTED);
		if (line->mark[0] != '\0')
			ui_put(y, lx, line->hang, sel ? UI_SELECTED : line->mark_look, line->mark);
		ui_put(y, lx + line->hang, l->width - line->indent - line->hang, look, line->text);
	}
	if (view->scroll > 0)
		more |= 1;
	if (view->scroll + height < n)
		more |= 2;
	return more;
}

void
ui_draw_more(int y, unsigned more)
{
	char *text = NULL;

	if (more == 0)
		return;
	if (more == 3)
		text = xasprintf(_("%s%s more"), ui_glyph->up, ui_glyph->down);
	else
		text = xasprintf(_("%s more"), more == 1 ? ui_glyph->up : ui_glyph->down);
	ui_put(y, COLS - 1 - (int)text_width(text), (int)text_width(text), UI_WARN, text);
	free(text);
}

void
ui_view_scroll(struct ui_view *view, enum ui_action act, int nlines, int height)
{
	int page = height > 2 ? height - 1 : 1;

	switch (act) {
	case UI_ACT_UP:
		view->scroll--;
		break;
	case UI_ACT_DOWN:
		view->scroll++;
		break;
	case UI_ACT_PAGE_UP:
		view->scroll -= page;
		break;
	case UI_ACT_PAGE_DOWN:
		view->scroll += page;
		break;
	case UI_ACT_HOME:
		view->scroll = 0;
		break;
	case UI_ACT_END:
		view->scroll = nlines;
		break;
	default:
		return;
	}
	/* ui_draw_lines clamps to the lines there are. */
	if (view->scroll < 0)
		view->scroll = 0;
	if (view->scroll > nlines - height && act != UI_ACT_END)
		view->scroll = nlines - height > 0 ? nlines - height : 0;
	view->follow = false;
}

enum ui_action
ui_mouse(int *choice)
{
	MEVENT ev;

	*choice = -1;
	if (getmouse(&ev) != OK)
		return UI_ACT_NONE;
	if (ev.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED)) {
		*choice = ui_row_choice(ev.y);
		return *choice >= 0 ? UI_ACT_PICK : UI_ACT_NONE;
	}
	if (ev.bstate & BUTTON4_PRESSED)
		return UI_ACT_UP;
#ifdef BUTTON5_PRESSED
	if (ev.bstate & BUTTON5_PRESSED)
		return UI_ACT_DOWN;
#endif
	return UI_ACT_NONE;
}
