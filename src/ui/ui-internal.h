/*
 * ui-internal.h: what the files of the curses wizard share: its state, the
 * width-aware drawing helpers, and the draw/key entry points of each screen.
 * Only src/ui/ includes it, and with it curses; the engine, probes and fixes
 * never see a terminal.
 */
#ifndef VT_UI_INTERNAL_H
#define VT_UI_INTERNAL_H

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

#include "engine/engine.h"
#include "engine/facts.h"
#include "fix/fix.h"
#include "flow/flow.h"
#include "probe/probe.h"
#include "ui/ui-keys.h"
#include "util/util.h"

struct host;
struct probe_job;

/* Below this size the layout does not fit; a notice asks for more room. */
#define UI_MIN_COLS 60
#define UI_MIN_ROWS 16
/* Running text is easier to read in lines no longer than this, even on a wide screen. */
#define UI_TEXT_MAX_COLS 100
/* While a probe runs, the screen wakes this often for the spinner and the seconds left. */
#define UI_TICK_MS 100
/* Bracketed paste (\e[200~ ... \e[201~), taught to curses with define_key(). */
#define UI_PASTE_BEGIN_CODE (KEY_MAX + 1)
#define UI_PASTE_END_CODE (KEY_MAX + 2)
#define UI_KEY_PASTE_BEGIN (UI_FN | UI_PASTE_BEGIN_CODE)
#define UI_KEY_PASTE_END (UI_FN | UI_PASTE_END_CODE)

/* ---- drawing (ui-draw.c) ------------------------------------------------- */

/* Looks, mapped to colours or, without colour, to bold and reverse. */
enum ui_look {
	UI_NORMAL,
	UI_TITLEBAR,
	UI_STATUS,
	UI_STATUS_KEY,
	UI_HEADING,
	UI_DIM,
	UI_SELECTED,
	UI_KEY,
	UI_GOOD,
	UI_BAD,
	UI_WARN,
	UI_INPUT,
	UI_VERDICT_GOOD, /* title bar of a solved or healthy verdict */
	UI_VERDICT_CAUSE,
	UI_VERDICT_HELP,
	UI_NLOOKS,
};

/* Glyphs that need UTF-8, with ASCII stand-ins for other locales. */
struct ui_glyphs {
	const char *ellipsis;
	const char *crumb; /* between breadcrumbs */
	const char *bullet;
	const char *arrow; /* "led to" in the verdict's reasons */
	const char *bar;   /* before evidence lines */
	const char *up;
	const char *down;
	const char *const *spinner;
	size_t nspinner;
};
extern const struct ui_glyphs *ui_glyph;

void ui_draw_init(void);
attr_t ui_attr(enum ui_look);
bool ui_has_color(void);

/* Bytes of s that fit in maxcols columns (whole characters only); *cols gets their width. */
size_t ui_fit(const char *s, size_t maxcols, size_t *cols);
/* Draws s at (y, x) in at most maxcols columns. Returns the columns used. */
int ui_put(int y, int x, int maxcols, enum ui_look, const char *s);
/* Like ui_put, but a string that does not fit ends with an ellipsis. */
int ui_put_cut(int y, int x, int maxcols, enum ui_look, const char *s);
/* Fills cols columns from (y, x) with blanks in a look (bars, highlights). */
void ui_fill(int y, int x, int cols, enum ui_look);
/*
 * A copy of s fit to show: tabs become spaces, other control characters '?';
 * line breaks stay when keep_newlines (for wrapping), else become '?' too.
 */
char *ui_clean(const char *s, bool keep_newlines);
/*
 * Wraps s to width columns, keeping its line breaks. Unlike text_wrap it also
 * breaks between Chinese characters (no spaces there) and keeps CJK
 * punctuation on the right line, so mixed text fills its lines.
 */
void ui_wrap(const char *s, size_t width, struct strlist *out);
/* The last columns of s that fit in maxcols, after an ellipsis when cut. Owned. */
char *ui_cut_left(const char *s, size_t maxcols);

/* The title bar (row 0) and the status bar (last row). */
void ui_draw_titlebar(enum ui_look, const char *left, const char *right);
/*
 * Key hints in the status bar, in order of importance: those that do not fit
 * are left out. word NULL takes the key table's word. Help and quit are
 * always shown, on the right.
 */
struct ui_hint {
	enum ui_action action;
	const char *word;
};
void ui_draw_status(const struct ui_hint *hints, size_t n);
/* The "Make the terminal at least 60x16" notice; true when the screen is too small. */
bool ui_too_small(void);

/*
 * Lines of a scrolling body. Each line has a look, an indent, a short mark
 * drawn in its own look in a hanging column (a choice number, an evidence
 * bar) and, when it belongs to a choice, the choice's index, so the
 * selection and mouse clicks find it.
 */
struct ui_line {
	char *text;
	enum ui_look look;
	int indent;
	int hang; /* columns kept for the mark */
	char mark[48];
	enum ui_look mark_look;
	int choice; /* -1: not a choice */
};
struct ui_lines {
	struct ui_line *v;
	size_t n;
	size_t cap;
	int width; /* columns the lines were wrapped for */
};
void ui_lines_init(struct ui_lines *, int width);
void ui_lines_free(struct ui_lines *);
void ui_lines_blank(struct ui_lines *);
/* Adds text wrapped to the lines' width after indent and hang columns; the mark goes on the first
 * line. */
void ui_lines_wrap(struct ui_lines *, enum ui_look, int indent, int hang, const char *mark,
                   enum ui_look mark_look, int choice, const char *text);
/* One line, cut (not wrapped) to the width. */
void ui_lines_add(struct ui_lines *, enum ui_look, int indent, const char *text);
/* The index of the first line of choice c, or -1. */
int ui_lines_find_choice(const struct ui_lines *, int c);

/*
 * A scrolling view of lines: rows [top, top + height). When follow is set,
 * the scroll moves so the selected choice is in view. Returns a bit mask:
 * 1 more above, 2 more below.
 */
struct ui_view {
	int scroll;
	bool follow;
};
unsigned ui_draw_lines(const struct ui_lines *, int top, int height, int x, int selected,
                       struct ui_view *);
/* "↑ more" / "↓ more" / "↕ more", right-aligned on row y, for a mask from ui_draw_lines. */
void ui_draw_more(int y, unsigned more);
/* The choice drawn on screen row y, or -1 (for mouse clicks). */
int ui_row_choice(int y);
/* Forgets the rows of the last frame; called before each frame is drawn. */
void ui_rows_reset(void);
/*
 * Reads a mouse event: UI_ACT_PICK with *choice set when a choice was
 * clicked, UI_ACT_UP or UI_ACT_DOWN for the wheel, else UI_ACT_NONE.
 */
enum ui_action ui_mouse(int *choice);
/* Scrolls a view by page or to an end, for a body of nlines in height rows. */
void ui_view_scroll(struct ui_view *, enum ui_action, int nlines, int height);

/* ---- the wizard's state (ui.c) ------------------------------------------- */

enum ui_screen {
	UI_SCREEN_START,
	UI_SCREEN_WALK,
};

enum ui_input {
	UI_INPUT_NONE,
	UI_INPUT_FILTER,
	UI_INPUT_PASTE,
};

#define UI_MAX_HITS 16

/* One entry of the evidence pane: a probe's result or a fix's run. */
enum ui_record_kind { UI_REC_PROBE, UI_REC_FIX, UI_REC_ANSWER };
struct ui_record {
	enum ui_record_kind kind;
	size_t path_index; /* the stop's place on the path when it was recorded */
	const struct flow_node *node;
	char *name;                 /* the probe or the fix; an answer's choice text */
	struct probe_result result; /* the probe's result; a fix's verification */
	char *status;       /* fixes: applied, not verified, failed, declined, not planned */
	bool ran;           /* fixes: it ran on this machine (kept when the user goes back) */
	struct strlist log; /* fixes: what ran and what it said */
};

struct ui_start {
	struct strbuf filter;
	struct strbuf paste;
	enum ui_input input;
	bool in_paste;   /* inside a bracketed paste: newlines are spaces */
	size_t selected; /* among the visible problems */
	struct ui_view view;
	struct flow_why_hit hits[UI_MAX_HITS];
	size_t nhits; /* > 0: the pick list of several hits is shown */
	size_t hit_selected;
	struct ui_view hit_view;
};

/* The current check stop. */
struct ui_check {
	struct probe_job *job;
	bool cancelling;
	bool done;
	bool rerun; /* the result shown is from before the user went back */
	struct probe_result result;
	const char *missing; /* a fact its parameters needed but the walk does not know */
	const char *probe;
	char *what; /* the parameters, shown as "argv=multipass version" */
};

/* The current fix stop. */
struct ui_fix {
	const struct fix_entry *entry;
	bool planned;
	struct fix_plan plan;
	char *cause;          /* why it could not be planned */
	struct strlist lines; /* fix_plan_render */
	bool ran;
	struct fix_report report;
	char *refused;     /* the user was not given privilege; the fix did not run */
	int confirmations; /* destructive fixes: how many times the user said run */
};

struct ui {
	struct catalog cat;
	struct facts host_facts;
	struct host *host;
	const struct flow **flows; /* this platform's flows, by group */
	size_t nflows;
	enum ui_screen screen;
	struct ui_start start;

	/* The walk. */
	struct engine *engine;
	struct session *session; /* the record of the walk */
	struct strlist *notes; /* per place on the path: auto-answers, flows entered */
	size_t nnotes;
	struct ui_record *records;
	size_t nrecords;
	struct ui_check check;
	struct ui_fix fix;
	size_t selected; /* the highlighted choice of an ask stop */
	struct ui_view view;

	/* Overlays and prompts. */
	bool help;
	int help_scroll;
	bool evidence;
	struct ui_view evidence_view;
	bool confirm_quit;
	char *message; /* one line for the user; cleared by the next key */
	enum ui_look message_look;

	bool quit;
	unsigned spin; /* spinner frame */
};

void ui_set_message(struct ui *, enum ui_look, const char *fmt, ...) VT_PRINTF(3, 4);
/* The walk: begins at a flow (at node, or its start), arrives at stops, ends. */
void ui_walk_begin(struct ui *, const struct flow *, const struct flow_node *);
void ui_walk_arrive(struct ui *, bool back);
void ui_walk_leave_stop(struct ui *);
void ui_walk_back(struct ui *);
void ui_walk_end(struct ui *);
/* True once Ctrl-C, SIGTERM or SIGHUP asked the wizard to end. */
bool ui_interrupted(void);
/* Leaves curses so a child can use the terminal; ui_resume restores the screen. */
void ui_suspend(void);
void ui_resume(void);

/* ---- screens ------------------------------------------------------------- */

/* Start (ui-start.c): the problem list, the filter and the paste field. */
void ui_start_init(struct ui *);
void ui_start_free(struct ui *);
void ui_start_draw(struct ui *);
void ui_start_key(struct ui *, int key, enum ui_action);
/* The cursor position of a text field, or false when none is shown. */
bool ui_start_cursor(struct ui *, int *y, int *x);

/* Step (ui-step.c): ask, say, a check's result, a broken walk; and the walk's frame. */
void ui_step_draw(struct ui *);
void ui_step_key(struct ui *, int key, enum ui_action);
/* Draws the title bar (left NULL: the flow's title) and breadcrumbs; returns the first free row. */
int ui_walk_draw_frame(struct ui *, enum ui_look titlebar_look, const char *left);
/* Notes, the node's title and its text. */
void ui_step_node_lines(struct ui *, struct ui_lines *);
/* The footer line: source and the more indicator. */
void ui_walk_draw_footer(struct ui *, unsigned more);
/* Rows for the body between the frame and the footer. */
int ui_body_rows(int top);
int ui_body_width(void);
/* Translated verdict name. */
const char *ui_verdict_name(enum flow_verdict);
/* The facts a walk's texts are filled in with: what the walk knows now. */
const struct facts *ui_walk_facts(const struct ui *);
/* A flow text in the user's language, its {{templates}} filled in from facts
 * (a fact not known stays as written). Owned by the caller. */
char *ui_text(const struct facts *, const struct flow_text *);
/* A node's title, or its id when it has none, filled in like ui_text. Owned by the caller. */
char *ui_node_label(const struct facts *, const struct flow_node *);

/* Probe (ui-probe.c): a running check. reuse: show this result instead of running (taken over). */
void ui_probe_begin(struct ui *, struct probe_result *reuse);
void ui_probe_free(struct ui *);
bool ui_probe_running(const struct ui *);
int ui_probe_fd(const struct ui *);
/* Reads from the probe's child; true when something changed. */
bool ui_probe_poll(struct ui *);
void ui_probe_draw(struct ui *);
void ui_probe_key(struct ui *, int key, enum ui_action);
/* Adds the result lines (outcome, summary, evidence) of the finished check. */
void ui_probe_result_lines(struct ui *, struct ui_lines *);
/* Continues the walk with the finished check's outcome. */
void ui_probe_continue(struct ui *);

/* Fix (ui-fix.c): the plan, the run, its result. */
void ui_fix_begin(struct ui *);
void ui_fix_free(struct ui *);
/* True when a plan is shown and the user has not decided yet. */
bool ui_fix_pending(const struct ui *);
void ui_fix_draw(struct ui *);
void ui_fix_key(struct ui *, int key, enum ui_action);

/* Verdict (ui-verdict.c). */
void ui_verdict_draw(struct ui *);
void ui_verdict_key(struct ui *, int key, enum ui_action);

/* Evidence (ui-evidence.c): the records of the path and the pane that shows them. */
void ui_records_add_probe(struct ui *, const struct flow_node *, const char *probe,
                          const struct probe_result *);
void ui_records_add_fix(struct ui *, const struct flow_node *, const char *fix, const char *status,
                        bool ran, const struct fix_report *);
void ui_records_add_answer(struct ui *, const struct flow_node *, const char *choice);
/* Drops what is no longer on the path of npath stops; returns a result of the current check to show
 * again. */
bool ui_records_prune(struct ui *, size_t npath, bool back, struct probe_result *reuse);
void ui_records_free(struct ui *);
void ui_evidence_draw(struct ui *);
void ui_evidence_key(struct ui *, int key, enum ui_action);
/* Copies a probe result (the records own their copies). */
void ui_result_copy(struct probe_result *dst, const struct probe_result *src);

#endif
