/*
 * cli.h: the plain front end and the subcommands. Each cli_* function takes
 * the subcommand's own argc/argv (argv[0] is the subcommand name) and returns
 * the process exit status.
 */
#ifndef VT_CLI_H
#define VT_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "engine/facts.h"
#include "flow/flow.h"

/* Exit statuses, documented in vmtriage(1). */
enum {
	EXIT_DONE = 0,      /* solved or healthy; or the command did its job */
	EXIT_CAUSE = 1,     /* ended at a cause not fixed, or an escalation */
	EXIT_USAGE = 2,     /* bad command line */
	EXIT_STOPPED = 3,   /* the walk stopped: a question --auto cannot answer, a fix it will not
	                       run, input ended */
	EXIT_DATAERR = 65,  /* a flow has errors (EX_DATAERR) */
	EXIT_SOFTWARE = 70, /* the walk broke: a bug (EX_SOFTWARE) */
};

/* Options every subcommand understands. */
struct cli_global {
	const char *lang;     /* --lang, else from the environment */
	const char *snapshot; /* --snapshot FILE */
	struct host *host;    /* the snapshot's host, once loaded */
	struct facts set;     /* --set KEY=VALUE given before the command */
};
/* Takes one --set argument; prints why and returns -1 when it is not KEY=VALUE. */
int cli_global_set(const char *kv);
extern struct cli_global cli_global;
/*
 * Switches messages and flow texts to the next language vmtriage speaks
 * (English, zh_CN, es, de, then English again), as --lang would have.
 * Returns the language's own name ("Deutsch"), for the user.
 */
const char *cli_next_lang(void);
/* Switches to lang (a code such as de or zh_CN) from here on. */
void cli_set_lang(const char *lang);

/* True when this binary is the one in the build tree (not installed): it then
 * uses the source tree's flows and the build tree's message catalogues. */
bool cli_running_from_build_tree(void);

/* Where probes look: the snapshot of --snapshot, else this machine. */
struct host *cli_host(void);
/*
 * Loads the --snapshot file, if one was given. Returns 0, or prints why it
 * cannot be read and returns EXIT_DATAERR.
 */
int cli_open_snapshot(void);
/*
 * On the terminal (outside curses): keep a change that is in place, typed
 * within seconds (false when the time runs out); and the destructive
 * question, asked plan->destructive times, naming what is lost.
 */
struct fix_plan;
bool cli_confirm_prompt(FILE *out, int seconds);
bool cli_confirm_loss_prompt(FILE *out, const struct fix_plan *plan);

/* The facts a walk starts with: the host's os and arch, and a snapshot's own facts. */
struct facts;
void cli_host_facts(struct facts *);
int cli_collect(int, char **);

/* The user's language for flow texts: --lang, LANGUAGE, LC_ALL, LC_MESSAGES, LANG. */
const char *cli_lang(void);
/* A flow text in the user's language. */
const char *cli_text(const struct flow_text *);

/*
 * Loads the catalogue. extra are paths of flow files named on the command
 * line; they win over flows with the same id. Problems are printed for the
 * flows in only (or every flow when only_extra is false); returns the number
 * of errors among them.
 */
size_t cli_load_catalog(struct catalog *, char **extra, int nextra, bool report_all,
                        FILE *diag_out);
/* Finds FLOW by id or path; prints a message and returns NULL when absent. */
const struct flow *cli_resolve_flow(struct catalog *, const char *arg, int *status);
/* True when the flow lists no platforms, or lists os. */
bool flow_for_platform(const struct flow *, const char *os);
/* True when the flow (by path) got errors at load or validation. */
bool cli_flow_is_broken(const struct flow *);

int cli_list(int argc, char **argv);
int cli_check(int argc, char **argv);
int cli_run(int argc, char **argv);
int cli_why(int argc, char **argv);
int cli_probe(int argc, char **argv);
int cli_fix(int argc, char **argv);
int cli_graph(int argc, char **argv);
int cli_pot(int argc, char **argv);
int cli_resume(int argc, char **argv);
int cli_report(int argc, char **argv);
struct session;
/* Notes in a new session the language and, on a snapshot, whose machine it is. */
void cli_session_describe(struct session *);
/* A fix's log, status and verification as the lines a session records. */
struct fix_report;
void cli_fix_verify_lines(const struct fix_report *, struct strlist *out);
/* No arguments: the curses wizard on a terminal; a pointer to `run` without one. */
int cli_wizard(void);

void cli_usage(FILE *);

#endif
