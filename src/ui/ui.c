/*
 * ui.c: the curses wizard's life: setting the terminal up and giving it back
 * (on quit, Ctrl-C, SIGTERM, SIGHUP and crashes), the one poll() loop that
 * waits on the keyboard and a running probe's pipe, the dispatch of keys to
 * the screen in front, and the walk's bookkeeping between stops.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "host/host.h"
#include "report/session.h"
#include "ui/ui-internal.h"
#include "ui/ui.h"

/* Set by SIGINT, SIGTERM or SIGHUP: the loop ends and the terminal is given back. */
static volatile sig_atomic_t ui_signal;
/* Curses is up: the crash handler has a terminal to restore. */
static volatile sig_atomic_t ui_curses_up;
/* Signal handlers are inherited by a probe's child; they act only in the wizard itself. */
static pid_t ui_pid;

static const int crash_signals[] = {SIGSEGV, SIGBUS, SIGABRT, SIGFPE};
static struct sigaction crash_saved[nitems(crash_signals)];

/*
 * Taken when the program is loaded, before main(): the first-draw figure of
 * VMTRIAGE_UI_TIMING then covers locale set-up, option parsing, the flow
 * catalogue and curses set-up, not only the drawing.
 */
static struct timespec ui_loaded_at;

__attribute__((constructor)) static void
ui_note_load_time(void)
{
	clock_gettime(CLOCK_MONOTONIC, &ui_loaded_at);
}

/*
 * Milliseconds since the kernel started this process (exec included), from
 * /proc/self/stat; coarse (clock ticks, 10 ms here). -1 where there is no /proc.
 */
static double
ms_since_exec(void)
{
	char buf[1024], *p = NULL;
	unsigned long long start = 0;
	struct timespec now;
	FILE *fp = fopen("/proc/self/stat", "r");
	size_t n;
	long hz = sysconf(_SC_CLK_TCK);

	if (fp == NULL)
		return -1;
	n = fread(buf, 1, sizeof buf - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	/* Field 22, counted after the command name, which may hold spaces. */
	if ((p = strrchr(buf, ')')) == NULL || hz <= 0)
		return -1;
	p++;
	for (int field = 3; field < 22 && p != NULL; field++)
		p = strchr(p + 1, ' ');
	if (p == NULL || sscanf(p, " %llu", &start) != 1)
		return -1;
	clock_gettime(CLOCK_BOOTTIME, &now);
	return (double)now.tv_sec * 1000.0 + (double)now.tv_nsec / 1e6 -
	       (double)start * 1000.0 / (double)hz;
}

static double
ms_since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t->tv_sec) * 1000.0 + (double)(now.tv_nsec - t->tv_nsec) / 1e6;
}

/* ---- signals ------------------------------------------------------------- */

static void
on_quit_signal(int sig)
{
	vt_cancelled = 1;
	if (getpid() == ui_pid)
		ui_signal = sig;
}

/* The terminal first, then die as the signal meant (a core dump, the shell's message). */
static void
on_crash(int sig)
{
	if (getpid() == ui_pid && ui_curses_up) {
		static const char paste_off[] = "\033[?2004l";

		endwin();
		(void)!write(STDOUT_FILENO, paste_off, sizeof paste_off - 1);
	}
	/*
	 * The default action, not the handler that was there before (a
	 * sanitizer's, say): the process must end as the signal says, whatever
	 * the build.
	 */
	signal(sig, SIG_DFL);
	raise(sig);
}

/*
 * Installed before curses starts: ncurses then leaves SIGINT and SIGTERM
 * alone, and keeps its own SIGTSTP (Ctrl-Z suspends and resumes) and
 * SIGWINCH (a resize comes as KEY_RESIZE) handlers. No SA_RESTART: poll()
 * and a read waiting for Enter return, and the loop sees the flag.
 */
static void
catch_signals(void)
{
	struct sigaction sa;

	ui_pid = getpid();
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_quit_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = on_crash;
	sa.sa_flags = SA_RESETHAND;
	for (size_t i = 0; i < nitems(crash_signals); i++)
		sigaction(crash_signals[i], &sa, &crash_saved[i]);
}

static void
restore_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = SIG_DFL;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	for (size_t i = 0; i < nitems(crash_signals); i++)
		sigaction(crash_signals[i], &crash_saved[i], NULL);
}

bool
ui_interrupted(void)
{
	return ui_signal != 0;
}

/* ---- the terminal -------------------------------------------------------- */

static SCREEN *ui_screen;

static void
paste_mode(bool on)
{
	fputs(on ? "\033[?2004h" : "\033[?2004l", stdout);
	fflush(stdout);
}

static bool
terminal_start(void)
{
	const char *cup = NULL;

	if ((ui_screen = newterm(NULL, stdout, stdin)) == NULL)
		return false;
	set_term(ui_screen);
	/* A terminal that cannot move its cursor (TERM=dumb) would show a mess: refuse it. */
	cup = tigetstr("cup");
	if (cup == NULL || cup == (const char *)-1) {
		endwin();
		delscreen(ui_screen);
		ui_screen = NULL;
		return false;
	}
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	/* Esc alone must answer at once, yet arrow keys still arrive whole. */
	set_escdelay(25);
	curs_set(0);
	mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON4_PRESSED
#ifdef BUTTON5_PRESSED
	              | BUTTON5_PRESSED
#endif
	          ,
	          NULL);
	mouseinterval(0);
	define_key("\033[200~", UI_PASTE_BEGIN_CODE);
	define_key("\033[201~", UI_PASTE_END_CODE);
	ui_draw_init();
	ui_curses_up = 1;
	paste_mode(true);
	return true;
}

static void
terminal_stop(void)
{
	if (!ui_curses_up)
		return;
	ui_curses_up = 0;
	endwin();
	paste_mode(false);
	delscreen(ui_screen);
	ui_screen = NULL;
}

void
ui_suspend(void)
{
	def_prog_mode();
	endwin();
	paste_mode(false);
}

void
ui_resume(void)
{
	reset_prog_mode();
	paste_mode(true);
	clearok(curscr, TRUE);
	refresh();
}

/* A key from curses: a character, or UI_FN | a function key; -1 when none is waiting. */
static int
read_key(void)
{
	wint_t wc;
	int r = get_wch(&wc);

	if (r == ERR)
		return -1;
	if (r == KEY_CODE_YES)
		return UI_FN | (int)wc;
	return (int)wc;
}

/* ---- messages and the walk's bookkeeping --------------------------------- */

void
ui_set_message(struct ui *ui, enum ui_look look, const char *fmt, ...)
{
	va_list ap;

	free(ui->message);
	va_start(ap, fmt);
	ui->message = xvasprintf(fmt, ap);
	va_end(ap);
	ui->message_look = look;
}

static void
clear_message(struct ui *ui)
{
	free(ui->message);
	ui->message = NULL;
}

void
ui_walk_begin(struct ui *ui, const struct flow *flow, const struct flow_node *node)
{
	ui->engine = engine_new(&ui->cat, flow, node, &ui->host_facts);
	ui->session = session_new(flow, node != NULL ? node->id : NULL, &ui->host_facts, NULL);
	cli_session_describe(ui->session);
	session_attach(ui->session, ui->engine);
	ui->screen = UI_SCREEN_WALK;
	ui->evidence = false;
	ui_walk_arrive(ui, false);
}

/* The notes of a stop: what the walk did on its own on the way there. */
static void
take_notes(struct ui *ui, struct strlist *notes)
{
	struct engine_event *ev = NULL;
	size_t n = engine_take_events(ui->engine, &ev);

	for (size_t i = 0; i < n; i++) {
		const struct flow *f = NULL;

		switch (ev[i].kind) {
		case EV_AUTO_ANSWER:
			strlist_addf(notes, _("answered from what is known: %s"),
			             ev[i].detail != NULL ? ev[i].detail : "");
			break;
		case EV_GOTO:
			f = catalog_find(&ui->cat, ev[i].detail != NULL ? ev[i].detail : "");
			strlist_addf(notes, _("continuing in: %s"),
			             f != NULL ? cli_text(&f->title) : ev[i].detail);
			break;
		case EV_RETURN:
			strlist_addf(notes, _("back in: %s"),
			             cli_text(&engine_flow(ui->engine)->title));
			break;
		default:
			break;
		}
	}
	engine_events_free(ev, n);
}

void
ui_walk_arrive(struct ui *ui, bool back)
{
	const struct flow_node *const *path = NULL;
	size_t npath = engine_path(ui->engine, &path), at = npath > 0 ? npath - 1 : 0;
	struct probe_result reuse;
	struct strlist fresh = STRLIST_INIT;

	memset(&reuse, 0, sizeof reuse);
	take_notes(ui, &fresh);
	if (ui->nnotes < npath + 1) {
		ui->notes = xreallocarray(ui->notes, npath + 1, sizeof *ui->notes);
		for (size_t i = ui->nnotes; i < npath + 1; i++)
			memset(&ui->notes[i], 0, sizeof ui->notes[i]);
		ui->nnotes = npath + 1;
	}
	/* Going back keeps what the stop said when the walk first came there. */
	if (!back) {
		strlist_free(&ui->notes[at]);
		ui->notes[at] = fresh;
	} else
		strlist_free(&fresh);
	for (size_t i = at + 1; i < ui->nnotes; i++)
		strlist_free(&ui->notes[i]);

	/* A stop opens at its top, where its title and text are; moving the highlight scrolls. */
	ui->selected = 0;
	ui->view.scroll = 0;
	ui->view.follow = false;
	ui->confirm_quit = false;
	if (ui_records_prune(ui, npath, back, &reuse)) {
		ui_probe_begin(ui, engine_state(ui->engine) == ENGINE_CHECK ? &reuse : NULL);
		probe_result_free(&reuse);
		return;
	}
	switch (engine_state(ui->engine)) {
	case ENGINE_CHECK:
		ui_probe_begin(ui, NULL);
		break;
	case ENGINE_FIX:
		ui_fix_begin(ui);
		break;
	default:
		break;
	}
}

void
ui_walk_leave_stop(struct ui *ui)
{
	ui_probe_free(ui);
	ui_fix_free(ui);
	ui->confirm_quit = false;
}

void
ui_walk_back(struct ui *ui)
{
	if (!engine_can_back(ui->engine)) {
		ui_walk_end(ui);
		return;
	}
	ui_walk_leave_stop(ui);
	engine_back(ui->engine);
	ui_walk_arrive(ui, true);
}

void
ui_walk_end(struct ui *ui)
{
	ui_walk_leave_stop(ui);
	engine_free(ui->engine);
	ui->engine = NULL;
	session_free(ui->session);
	ui->session = NULL;
	ui_records_free(ui);
	for (size_t i = 0; i < ui->nnotes; i++)
		strlist_free(&ui->notes[i]);
	free(ui->notes);
	ui->notes = NULL;
	ui->nnotes = 0;
	ui->evidence = false;
	ui->screen = UI_SCREEN_START;
	ui->start.view.follow = true;
}

/* ---- drawing and keys ---------------------------------------------------- */

static void
draw_confirm_quit(void)
{
	const char *text = _("A fix is waiting for your answer. Quit anyway?");
	int x;

	ui_fill(LINES - 1, 0, COLS, UI_STATUS);
	x = 1 + ui_put(LINES - 1, 1, COLS - 2, UI_STATUS, text);
	x += 1 + ui_put(LINES - 1, x + 1, COLS - x - 1, UI_STATUS_KEY, ui_keys_first(UI_ACT_YES));
	ui_put(LINES - 1, x + 1, COLS - x - 1, UI_STATUS, _("quit, any other key stays"));
}

static void
draw(struct ui *ui)
{
	int cy = 0, cx = 0;
	bool cursor = false;
	static int cursor_shown = -1;

	ui_rows_reset();
	erase();
	if (!ui_too_small()) {
		/* The help stands alone: a box over a half-hidden screen reads badly at 80x24. */
		if (ui->help)
			ui_keys_help_draw(&ui->help_scroll);
		else if (ui->evidence)
			ui_evidence_draw(ui);
		else if (ui->screen == UI_SCREEN_START) {
			ui_start_draw(ui);
			cursor = ui_start_cursor(ui, &cy, &cx);
		} else if (engine_state(ui->engine) == ENGINE_CHECK && !ui->check.done)
			ui_probe_draw(ui);
		else if (engine_state(ui->engine) == ENGINE_FIX)
			ui_fix_draw(ui);
		else if (engine_state(ui->engine) == ENGINE_END)
			ui_verdict_draw(ui);
		else
			ui_step_draw(ui);
		if (ui->confirm_quit)
			draw_confirm_quit();
	}
	if (cursor_shown != (int)cursor) {
		curs_set(cursor ? 1 : 0);
		cursor_shown = cursor;
	}
	if (cursor)
		move(cy, cx);
	wnoutrefresh(stdscr);
	doupdate();
}

static void
help_key(struct ui *ui, enum ui_action act)
{
	switch (act) {
	case UI_ACT_HELP:
	case UI_ACT_CANCEL:
	case UI_ACT_QUIT:
	case UI_ACT_BACK:
		ui->help = false;
		break;
	case UI_ACT_UP:
		ui->help_scroll--;
		break;
	case UI_ACT_DOWN:
		ui->help_scroll++;
		break;
	case UI_ACT_PAGE_UP:
		ui->help_scroll -= LINES / 2;
		break;
	case UI_ACT_PAGE_DOWN:
		ui->help_scroll += LINES / 2;
		break;
	case UI_ACT_HOME:
		ui->help_scroll = 0;
		break;
	case UI_ACT_END:
		ui->help_scroll = 1000;
		break;
	default:
		break;
	}
	if (ui->help_scroll < 0)
		ui->help_scroll = 0;
}

static void
handle_key(struct ui *ui, int key)
{
	enum ui_action act = ui_keys_action(key);

	if (key == (UI_FN | KEY_RESIZE))
		return; /* the next frame is drawn for the new size */
	if (act == UI_ACT_REDRAW) {
		clearok(curscr, TRUE);
		return;
	}
	if (COLS < UI_MIN_COLS || LINES < UI_MIN_ROWS) {
		if (act == UI_ACT_QUIT)
			ui->quit = true;
		return;
	}
	clear_message(ui);
	if (ui->confirm_quit) {
		ui->confirm_quit = false;
		if (act == UI_ACT_YES)
			ui->quit = true;
		return;
	}
	if (ui->help) {
		help_key(ui, act);
		return;
	}
	/* A text field takes every key, '?' and 'q' included. */
	if (ui->screen == UI_SCREEN_START && ui->start.input != UI_INPUT_NONE) {
		ui_start_key(ui, key, act);
		return;
	}
	if (act == UI_ACT_HELP) {
		ui->help = true;
		ui->help_scroll = 0;
		return;
	}
	if (act == UI_ACT_LANGUAGE) {
		/* Every screen is drawn from the flow and the catalogue each frame: the place
		 * stays. */
		const char *name = cli_next_lang();

		ui_set_message(ui, UI_DIM, _("Language: %s"), name);
		return;
	}
	if (ui->evidence) {
		ui_evidence_key(ui, key, act);
		return;
	}
	if (ui->screen == UI_SCREEN_START) {
		ui_start_key(ui, key, act);
		return;
	}
	if (act == UI_ACT_QUIT) {
		if (ui_fix_pending(ui))
			ui->confirm_quit = true;
		else
			ui->quit = true;
		return;
	}
	if (act == UI_ACT_EVIDENCE) {
		ui->evidence = true;
		ui->evidence_view.scroll = 0;
		ui->evidence_view.follow = false;
		return;
	}
	switch (engine_state(ui->engine)) {
	case ENGINE_CHECK:
		if (ui->check.done)
			ui_step_key(ui, key, act);
		else
			ui_probe_key(ui, key, act);
		break;
	case ENGINE_FIX:
		ui_fix_key(ui, key, act);
		break;
	case ENGINE_END:
		ui_verdict_key(ui, key, act);
		break;
	default:
		ui_step_key(ui, key, act);
		break;
	}
}

/* ---- set-up and the loop ------------------------------------------------- */

static int
flow_rank(const char *group)
{
	static const char *const order[] = {"launch", "networking", "migration", "other"};

	for (size_t i = 0; i < nitems(order); i++)
		if (str_eq(group, order[i]))
			return (int)i;
	return (int)nitems(order);
}

static int
flow_order(const void *a, const void *b)
{
	const struct flow *x = *(const struct flow *const *)a, *y = *(const struct flow *const *)b;
	int rx = flow_rank(x->group), ry = flow_rank(y->group), c;

	if (rx != ry)
		return rx < ry ? -1 : 1;
	if ((c = strcmp(x->group != NULL ? x->group : "", y->group != NULL ? y->group : "")) != 0)
		return c;
	return strcmp(x->id, y->id);
}

/* The flows the wizard offers: those that loaded cleanly and can happen on this machine. */
static void
load_flows(struct ui *ui)
{
	cli_load_catalog(&ui->cat, NULL, 0, false, stderr);
	cli_host_facts(&ui->host_facts);
	ui->flows = xcalloc(ui->cat.nflows + 1, sizeof *ui->flows);
	for (size_t i = 0; i < ui->cat.nflows; i++)
		if (!cli_flow_is_broken(ui->cat.flows[i]) &&
		    flow_for_platform(ui->cat.flows[i], facts_get(&ui->host_facts, "os")))
			ui->flows[ui->nflows++] = ui->cat.flows[i];
	qsort(ui->flows, ui->nflows, sizeof *ui->flows, flow_order);
}

static FILE *
timing_open(void)
{
	const char *path = getenv("VMTRIAGE_UI_TIMING");
	FILE *fp = NULL;

	if (path == NULL || path[0] == '\0')
		return NULL;
	if ((fp = fopen(path, "a")) != NULL)
		setvbuf(fp, NULL, _IOLBF, 0);
	return fp;
}

static void
run_loop(struct ui *ui, FILE *timing)
{
	struct timespec key_at;
	int key;

	draw(ui);
	if (timing != NULL) {
		fprintf(timing, "first_draw_ms %.2f\n", ms_since(&ui_loaded_at));
		fprintf(timing, "first_draw_since_exec_ms %.0f\n", ms_since_exec());
	}
	while (!ui->quit && ui_signal == 0) {
		struct pollfd fds[2];
		nfds_t nfds = 1;
		bool running = ui_probe_running(ui), dirty = false;
		int r;

		fds[0].fd = STDIN_FILENO;
		fds[0].events = POLLIN;
		fds[0].revents = 0;
		if (running && ui_probe_fd(ui) >= 0) {
			fds[1].fd = ui_probe_fd(ui);
			fds[1].events = POLLIN;
			fds[1].revents = 0;
			nfds = 2;
		}
		r = poll(fds, nfds, running ? UI_TICK_MS : -1);
		if (r < 0 && errno != EINTR)
			break;
		if (ui_signal != 0)
			break;
		/* The spinner and seconds left move with time, so a running probe redraws every
		 * tick. */
		if (running) {
			ui_probe_poll(ui);
			dirty = true;
		}
		/* Also after EINTR: a resize waits in curses as KEY_RESIZE. */
		while (!ui->quit && ui_signal == 0 && (key = read_key()) != -1) {
			clock_gettime(CLOCK_MONOTONIC, &key_at);
			handle_key(ui, key);
			if (ui->quit)
				break;
			if (ui_probe_running(ui))
				ui_probe_poll(ui);
			draw(ui);
			dirty = false;
			if (timing != NULL)
				fprintf(timing, "key_ms %.2f\n", ms_since(&key_at));
		}
		if (dirty && !ui->quit)
			draw(ui);
	}
}

int
ui_main(void)
{
	struct ui ui;
	FILE *timing = NULL;
	int status = EXIT_DONE;

	memset(&ui, 0, sizeof ui);
	ui.host = cli_host();
	load_flows(&ui);
	if (ui.nflows == 0) {
		fprintf(stderr, _("vmtriage: no flows found (set VMTRIAGE_FLOW_PATH?)\n"));
		status = EXIT_DATAERR;
		goto out;
	}
	catch_signals();
	if (!terminal_start()) {
		const char *term = getenv("TERM");

		restore_signals();
		fprintf(stderr,
		        _("vmtriage: cannot use this terminal (TERM=%s) for the wizard. Without "
		          "it, use:\n"
		          "  vmtriage list            to see the problems it knows\n"
		          "  vmtriage run FLOW        to walk one in plain text\n"),
		        term != NULL ? term : "");
		status = EXIT_USAGE;
		goto out;
	}
	timing = timing_open();
	ui_start_init(&ui);
	run_loop(&ui, timing);
	if (ui.engine != NULL)
		ui_walk_end(&ui);
	terminal_stop();
	restore_signals();
	if (ui_signal != 0)
		status = 128 + ui_signal;
	ui_start_free(&ui);
	free(ui.message);
	if (timing != NULL)
		fclose(timing);
out:
	free(ui.flows);
	facts_free(&ui.host_facts);
	catalog_free(&ui.cat);
	return status;
}
