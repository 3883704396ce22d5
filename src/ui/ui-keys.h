/*
 * ui-keys.h: every key the wizard understands, as ONE list. The list makes
 * the action enum, the key lookup, the status bar's hints and the help
 * overlay, so the help can never drift from what the keys do (tig's
 * request table works the same way).
 */
#ifndef VT_UI_KEYS_H
#define VT_UI_KEYS_H

#include <stdbool.h>
#include <stddef.h>

/*
 * A key as read: a character (Unicode code point), or a curses function key
 * (KEY_UP...) marked with UI_FN so that the two ranges never collide.
 */
/* clang-format off */
#define UI_FN 0x1000000
#define UI_CTRL(c) ((c) & 0x1f)
#define UI_ESC 27
/* clang-format on */

/* Groups of the help overlay, in the order it shows them. */
enum ui_key_group {
	UI_KG_MOVE,
	UI_KG_WALK,
	UI_KG_START,
	UI_KG_SCREEN,
};

/*
 * X(NAME, group, word, help, keys...): NAME makes UI_ACT_NAME; word is the
 * status bar's short label; help is the overlay's line (NULL: the keys join
 * the line of the entry before, as Down joins Up); the first key is the one
 * the status bar shows. Words and help are translated where shown.
 */
/* clang-format off */
/* TRANSLATORS: the short words follow a key name in the status bar ("q quit"); keep them short. */
#define UI_KEY_TABLE(X) \
	X(UP, UI_KG_MOVE, N_("move"), N_("Move up and down"), UI_FN | KEY_UP, 'k') \
	X(DOWN, UI_KG_MOVE, N_("move"), NULL, UI_FN | KEY_DOWN, 'j') \
	X(PAGE_UP, UI_KG_MOVE, N_("page up"), N_("Scroll a page up or down"), UI_FN | KEY_PPAGE) \
	X(PAGE_DOWN, UI_KG_MOVE, N_("page down"), NULL, UI_FN | KEY_NPAGE) \
	X(HOME, UI_KG_MOVE, N_("top"), N_("Go to the top or the bottom"), UI_FN | KEY_HOME, 'g') \
	X(END, UI_KG_MOVE, N_("bottom"), NULL, UI_FN | KEY_END, 'G') \
	X(SELECT, UI_KG_WALK, N_("choose"), N_("Choose the highlighted line, or go on"), '\n', \
	    '\r', UI_FN | KEY_ENTER) \
	X(PICK, UI_KG_WALK, N_("pick"), N_("Pick the choice with that number"), '1', '2', '3', '4', \
	    '5', '6', '7', '8', '9') \
	X(CLICK, UI_KG_WALK, N_("click"), N_("Click a choice to pick it"), UI_FN | KEY_MOUSE) \
	X(BACK, UI_KG_WALK, N_("back"), N_("Go back a step (undoes answers, not fixes)"), 'b', \
	    UI_FN | KEY_BACKSPACE, 127, 8) \
	X(EVIDENCE, UI_KG_WALK, N_("evidence"), N_("Show all that the checks found"), 'e') \
	X(RUN, UI_KG_WALK, N_("run"), N_("Run the fix shown, or a check again"), 'r') \
	X(DECLINE, UI_KG_WALK, N_("skip"), N_("Go on without running the fix shown"), 'n') \
	X(REPORT, UI_KG_WALK, N_("report"), N_("At a verdict: write the walk's report for a ticket"), \
	    'w') \
	X(CANCEL, UI_KG_WALK, N_("cancel"), N_("Stop a check; close a pane; clear a field"), UI_ESC) \
	X(FILTER, UI_KG_START, N_("filter"), N_("Filter the problems by typing"), '/') \
	X(PASTE, UI_KG_START, N_("paste error"), N_("Paste an error message to find its step"), \
	    'p') \
	X(HELP, UI_KG_SCREEN, N_("help"), N_("Show or hide this help"), '?') \
	X(REDRAW, UI_KG_SCREEN, N_("redraw"), N_("Redraw the screen"), UI_CTRL('l')) \
	X(LANGUAGE, UI_KG_SCREEN, N_("language"), \
	    N_("Next language (English, 中文, Español, Deutsch); stay on this step"), 'l') \
	X(QUIT, UI_KG_SCREEN, N_("quit"), N_("Close a pane, else quit; y confirms when asked"), \
	    'q') \
	X(YES, UI_KG_SCREEN, N_("yes"), NULL, 'y')

#define UI_KEY_ENUM(name, ...) UI_ACT_##name,
enum ui_action {
	UI_ACT_NONE,
	UI_KEY_TABLE(UI_KEY_ENUM)
	UI_ACT_COUNT,
};
#undef UI_KEY_ENUM
/* clang-format on */

/* The action bound to key, or UI_ACT_NONE. */
enum ui_action ui_keys_action(int key);
/* The keys of an action as the user reads them: "↑ k", "1-9", "b Backspace". Static buffer. */
const char *ui_keys_label(enum ui_action);
/* The label of the action's first key only: what the status bar shows. */
const char *ui_keys_first(enum ui_action);
/* The action's short word, translated. */
const char *ui_keys_word(enum ui_action);
/* The name of one key: "Enter", "Esc", "PgDn", "Ctrl-L", "x". Static buffer. */
const char *ui_key_name(int key);

/* Help overlay: lines it needs, and drawing it over the screen with a scroll offset. */
void ui_keys_help_draw(int *scroll);

#endif
