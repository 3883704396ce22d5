/*
 * ui-keys.c: the key table of ui-keys.h made into data: which action a key
 * does, the names the status bar shows, and the help overlay (?), which is
 * drawn from the same table so it always tells the truth.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "ui/ui-internal.h"

#define UI_KEY_KEYS(name, group, word, help, ...) static const int keys_##name[] = {__VA_ARGS__, 0};
UI_KEY_TABLE(UI_KEY_KEYS)
#undef UI_KEY_KEYS

struct key_def {
	enum ui_action action;
	enum ui_key_group group;
	const char *word;
	const char *help;
	const int *keys; /* 0-terminated */
};

#define UI_KEY_DEF(name, group, word, help, ...) {UI_ACT_##name, group, word, help, keys_##name},
static const struct key_def key_defs[] = {UI_KEY_TABLE(UI_KEY_DEF)};
#undef UI_KEY_DEF

static const char *const group_names[] = {
    [UI_KG_MOVE] = N_("Moving"),
    [UI_KG_WALK] = N_("Choosing and going on"),
    [UI_KG_START] = N_("Finding the problem"),
    [UI_KG_SCREEN] = N_("Anywhere"),
};

static const struct key_def *
key_def_of(enum ui_action act)
{
	for (size_t i = 0; i < nitems(key_defs); i++)
		if (key_defs[i].action == act)
			return &key_defs[i];
	return NULL;
}

enum ui_action
ui_keys_action(int key)
{
	for (size_t i = 0; i < nitems(key_defs); i++)
		for (const int *k = key_defs[i].keys; *k != 0; k++)
			if (*k == key)
				return key_defs[i].action;
	return UI_ACT_NONE;
}

const char *
ui_key_name(int key)
{
	static char buf[32];
	bool utf8 = strcmp(ui_glyph->up, "↑") == 0;

	if (key & UI_FN) {
		switch (key & ~UI_FN) {
		case KEY_UP:
			return utf8 ? "↑" : "Up";
		case KEY_DOWN:
			return utf8 ? "↓" : "Down";
		case KEY_LEFT:
			return utf8 ? "←" : "Left";
		case KEY_RIGHT:
			return utf8 ? "→" : "Right";
		case KEY_PPAGE:
			return "PgUp";
		case KEY_NPAGE:
			return "PgDn";
		case KEY_HOME:
			return "Home";
		case KEY_END:
			return "End";
		case KEY_BACKSPACE:
			return "Backspace";
		case KEY_ENTER:
			return "Enter";
		case KEY_MOUSE:
			return _("mouse");
		default:
			snprintf(buf, sizeof buf, "%s", keyname(key & ~UI_FN));
			return buf;
		}
	}
	switch (key) {
	case '\n':
	case '\r':
		return "Enter";
	case UI_ESC:
		return "Esc";
	case 127:
	case 8:
		return "Backspace";
	case ' ':
		return "Space";
	default:
		break;
	}
	if (key < 0x20) {
		snprintf(buf, sizeof buf, "Ctrl-%c", key + '@');
		return buf;
	}
	/* A character: its UTF-8 bytes. */
	{
		mbstate_t st;
		size_t n;

		memset(&st, 0, sizeof st);
		n = wcrtomb(buf, (wchar_t)key, &st);
		buf[n == (size_t)-1 ? 0 : n] = '\0';
	}
	return buf;
}

const char *
ui_keys_label(enum ui_action act)
{
	static char buf[128];
	const struct key_def *d = key_def_of(act);
	size_t len = 0;

	buf[0] = '\0';
	if (d == NULL)
		return buf;
	for (const int *k = d->keys; *k != 0; k++) {
		char name[32];

		/* A run of digits reads better as a range: 1-9. */
		if (*k >= '0' && *k <= '9' && k[1] == *k + 1) {
			const int *end = k;

			while (end[1] == end[0] + 1 && end[1] >= '0' && end[1] <= '9')
				end++;
			snprintf(name, sizeof name, "%c-%c", *k, *end);
			k = end;
		} else
			snprintf(name, sizeof name, "%s", ui_key_name(*k));
		/* Enter, Return and KEY_ENTER all read "Enter": say it once. */
		if (strstr(buf, name) != NULL)
			continue;
		len +=
		    (size_t)snprintf(buf + len, sizeof buf - len, "%s%s", len > 0 ? " " : "", name);
		if (len >= sizeof buf)
			break;
	}
	return buf;
}

const char *
ui_keys_first(enum ui_action act)
{
	const struct key_def *d = key_def_of(act);

	if (d == NULL || d->keys[0] == 0)
		return "";
	if (act == UI_ACT_PICK)
		return "1-9";
	return ui_key_name(d->keys[0]);
}

const char *
ui_keys_word(enum ui_action act)
{
	const struct key_def *d = key_def_of(act);

	return d != NULL ? _(d->word) : "";
}

/* The label of entry i of the overlay: its keys, and those of the entries that join it. */
static void
help_label(size_t i, char *buf, size_t size)
{
	size_t len = (size_t)snprintf(buf, size, "%s", ui_keys_label(key_defs[i].action));

	for (size_t j = i + 1; j < nitems(key_defs) && key_defs[j].help == NULL && len < size; j++)
		len += (size_t)snprintf(buf + len, size - len, " %s",
		                        ui_keys_label(key_defs[j].action));
}

/* The overlay's lines: each group, then each of its keys with what it does. */
static void
help_lines(struct ui_lines *l)
{
	char label[128];
	int labelw = 0;

	for (size_t i = 0; i < nitems(key_defs); i++) {
		if (key_defs[i].help == NULL)
			continue;
		help_label(i, label, sizeof label);
		if ((int)text_width(label) > labelw)
			labelw = (int)text_width(label);
	}
	for (size_t g = 0; g < nitems(group_names); g++) {
		ui_lines_add(l, UI_HEADING, 0, _(group_names[g]));
		for (size_t i = 0; i < nitems(key_defs); i++) {
			if (key_defs[i].group != (enum ui_key_group)g || key_defs[i].help == NULL)
				continue;
			help_label(i, label, sizeof label);
			ui_lines_wrap(l, UI_NORMAL, 2, labelw + 2, label, UI_KEY, -1,
			              _(key_defs[i].help));
		}
	}
	ui_lines_wrap(l, UI_DIM, 0, 0, NULL, UI_NORMAL, -1,
	              _("In a text field: Enter accepts, Esc leaves, Ctrl-U clears."));
}

void
ui_keys_help_draw(int *scroll)
{
	struct ui_lines l;
	struct ui_view view = {.scroll = *scroll};
	int w = COLS - 4 < 78 ? COLS - 4 : 78, h, x0, y0;
	const char *title = _(" Keys ");
	const char *foot = _(" ? or Esc closes ");
	unsigned more;

	ui_lines_init(&l, w - 4);
	help_lines(&l);
	h = (int)l.n + 2 < LINES ? (int)l.n + 2 : LINES;
	x0 = (COLS - w) / 2;
	y0 = (LINES - h) / 2;
	for (int y = y0; y < y0 + h; y++)
		ui_fill(y, x0, w, UI_NORMAL);
	attrset(ui_attr(UI_HEADING));
	mvhline(y0, x0 + 1, ACS_HLINE, w - 2);
	mvhline(y0 + h - 1, x0 + 1, ACS_HLINE, w - 2);
	mvvline(y0 + 1, x0, ACS_VLINE, h - 2);
	mvvline(y0 + 1, x0 + w - 1, ACS_VLINE, h - 2);
	mvaddch(y0, x0, ACS_ULCORNER);
	mvaddch(y0, x0 + w - 1, ACS_URCORNER);
	mvaddch(y0 + h - 1, x0, ACS_LLCORNER);
	mvaddch(y0 + h - 1, x0 + w - 1, ACS_LRCORNER);
	attrset(A_NORMAL);
	ui_put(y0, x0 + 2, w - 4, UI_HEADING, title);
	more = ui_draw_lines(&l, y0 + 1, h - 2, x0 + 2, -1, &view);
	*scroll = view.scroll;
	ui_put(y0 + h - 1, x0 + w - 2 - (int)text_width(foot), (int)text_width(foot), UI_HEADING,
	       foot);
	if (more != 0) {
		char *text = xasprintf(" %s%s ", (more & 1) ? ui_glyph->up : "",
		                       (more & 2) ? ui_glyph->down : "");

		ui_put(y0 + h - 1, x0 + 2, w - 4, UI_WARN, text);
		free(text);
	}
	ui_lines_free(&l);
}
