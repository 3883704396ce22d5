/*
 * session.h: the record of one walk, for a help desk. Every step the walk
 * took, every answer (given by the user or found by a probe), every probe's
 * outcome with its evidence, every fix's plan and result, with times. It is
 * saved as YAML under $XDG_STATE_HOME/vmtriage/sessions/ after every step,
 * so a walk cut short (Ctrl-C, a lost connection) leaves its record; it can
 * be resumed (replayed to where it stopped) and rendered as a report.
 *
 * Texts are recorded in English, with the flow and node that gave them, so
 * a report can be rendered in any language later; evidence is recorded as
 * the probe gave it, with secrets (keys, passwords, tokens) cut out.
 */
#ifndef VT_SESSION_H
#define VT_SESSION_H

#include <stdbool.h>
#include <stddef.h>

#include "util/util.h"

struct engine;
struct catalog;
struct facts;
struct flow;

/* A name and a value: a parameter, a fact. */
struct session_kv {
	char *key;
	char *value;
};
struct session_kvs {
	struct session_kv *v;
	size_t n;
};

enum session_step_kind {
	SESSION_ANSWER,   /* the user picked a choice */
	SESSION_PROBE,    /* a check: its probe's result (or an outcome given by hand) */
	SESSION_FIX,      /* a fix: its plan and how it went */
	SESSION_CONTINUE, /* a say node, read */
	SESSION_BACK,     /* the user went back a step */
	SESSION_END,      /* the walk reached a verdict (not an input: never replayed) */
};

struct session_step {
	enum session_step_kind kind;
	char *time;        /* UTC, 2026-12-05T18:11:28Z */
	char *flow, *node; /* where the walk stood */
	/* SESSION_ANSWER */
	char *answer;      /* the choice's value, else its 1-based number */
	char *answer_text; /* the choice's English text */
	bool automatic;    /* answered by what was known (a probe's fact), not the user */
	/* SESSION_PROBE */
	char *probe; /* the probe's name; NULL when the outcome was given by hand */
	struct session_kvs params;
	char *outcome;
	char *summary; /* the probe's sentence; may be NULL */
	struct strlist evidence;
	struct session_kvs facts; /* the facts it found */
	long elapsed_ms;
	/* SESSION_FIX */
	char *fix;             /* the fix's name */
	char *result;          /* ok, failed, declined */
	struct strlist plan;   /* what it would run / ran, one line per step (argv as typed) */
	struct strlist verify; /* how the result was checked, and what was seen */
	char *journal;         /* the fix journal's entry, to undo it; may be NULL */
	/* SESSION_END */
	char *verdict; /* solved, healthy, cause, escalate */
};

struct session {
	char *path;    /* where it is saved; NULL: not saved */
	char *id;      /* the file's name without .yaml: 20261205-181128-launch-start */
	char *version; /* vmtriage's */
	char *flow;    /* the flow the walk started in */
	char *start;   /* the node it started at */
	char *started, *updated;
	char *os, *arch, *hostname, *user;
	char *snapshot;           /* the snapshot walked instead of this machine; NULL: live */
	char *lang;               /* the language the walk was shown in */
	struct session_kvs given; /* facts given at the start (defaults of the host, --set) */
	struct session_kvs facts; /* all facts when last saved */
	struct session_step *steps;
	size_t nsteps;
	bool ended; /* a verdict was reached */
	/* Fix details the front end gives before telling the walk how the fix went. */
	struct strlist pending_plan, pending_verify;
	char *pending_journal;
};

/* The directory sessions are saved in: $XDG_STATE_HOME/vmtriage/sessions (created). Owned. */
char *session_dir(void);

/*
 * A new session for a walk of flow from node (NULL: its start) with the given
 * facts; saved in dir (NULL: session_dir()) from the first step on.
 */
struct session *session_new(const struct flow *, const char *node, const struct facts *given,
                            const char *dir);
void session_free(struct session *);

/* Records every input of the walk into s (engine_watch), saving after each. */
void session_attach(struct session *, struct engine *);
/* The plan, checks and journal entry of the fix about to be reported to the walk. */
void session_fix_details(struct session *, const struct strlist *plan, const struct strlist *verify,
                         const char *journal);

/* Writes s to its path, atomically (a temporary file renamed). 0, or -1 with *err. */
int session_save(struct session *, char **err);
/* Reads a session file. NULL with *err (FILE:LINE:COL: what is wrong) when it cannot. */
struct session *session_load(const char *path, char **err);
/*
 * The session a name stands for: a path, an id in session_dir(), or NULL or
 * "last" for the newest. Owned path, or NULL with *err.
 */
char *session_find(const char *name, char **err);

/*
 * Walks e (new, at the session's start, with its given facts) through the
 * recorded inputs, without running a probe or a fix, so it stands where the
 * session stopped with the same facts. 0, or -1 with *err naming the step
 * that no longer fits the flow (a flow changed since).
 */
int session_replay(const struct session *, struct engine *, char **err);

const char *session_step_kind_name(enum session_step_kind);

#endif
