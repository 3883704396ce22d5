/*
 * ui.h: the curses wizard, the face most people see. `vmtriage` with no
 * arguments calls ui_main() when stdin and stdout are terminals. This header
 * stays free of curses, so the rest of the program never sees it.
 */
#ifndef VT_UI_H
#define VT_UI_H

/*
 * Runs the wizard until the user quits. Returns the process exit status:
 * 0 after a normal quit, 128+N after signal N (SIGINT, SIGTERM, SIGHUP),
 * or non-zero with a message on stderr when the wizard cannot start.
 */
int ui_main(void);

#endif
