/*
 * fix.h: the fix registry. A fix never runs blind: it first makes a plan (the
 * exact argv of every command, whether it needs privilege, files it backs up,
 * how to undo it, the probe that verifies it), the front end shows the plan,
 * and only then does it run. Each fix is one file exporting one const
 * struct fix_entry; fix.c lists them in one table.
 */
#ifndef VT_FIX_H
#define VT_FIX_H

#include <stdbool.h>
#include <stddef.h>

#include "host/host.h"
#include "probe/probe.h"

enum fix_step_kind {
	FIX_STEP_RUN,  /* run argv */
	FIX_STEP_EDIT, /* replace a file's contents, atomically, after a backup */
};

struct fix_step {
	enum fix_step_kind kind;
	char **argv;      /* RUN: exact argv; never passed to a shell */
	char *input;      /* RUN: given on its standard input; NULL: none */
	bool privileged;  /* run through sudo (Linux, macOS) or elevated PowerShell */
	char *why;        /* one line: what this step does */
	bool may_fail;    /* a failure here does not stop the plan (e.g. stop a stopped service) */
	int timeout_ms;   /* RUN: how long it may take; 0: two minutes */
	/*
	 * EDIT: path's whole contents become new_content, but only if they are
	 * still old_content (as read when the plan was made): a file that
	 * changed since is left alone and the step fails. The new file is
	 * written beside the old one and renamed over it (mode and owner
	 * kept), so a crash leaves the old file or the new one, never a half.
	 */
	char *path;
	char *old_content, *new_content;
	size_t old_len, new_len;
	struct strlist diff; /* EDIT: "- line" / "+ line", for people */
};

struct fix_plan {
	const struct fix_entry *fix;
	struct fix_step *steps;
	size_t nsteps;
	struct strlist backups;   /* files copied aside before anything runs (edits add theirs) */
	struct fix_step *undo;    /* how to reverse it; may be empty when it cannot be */
	size_t nundo;
	char *undo_note;          /* when there is no undo: why */
	const struct probe_entry *verify; /* probe that shows it worked; NULL: none */
	struct params verify_params;
	char *verify_outcome;     /* the verify probe's outcome that means success */
	int confirm_seconds;      /* > 0: revert unless confirmed in time (routes, firewall) */
	int destructive;          /* > 0: ask this many times, naming what is lost */
	char *lost;               /* destructive: what is lost, in words */
	char *notes;              /* told to the user before running (e.g. "a reboot follows") */
	/*
	 * Steps run on another machine (a guest, over SSH) when remote.address
	 * is set; the verification still runs where vmtriage is.
	 */
	struct host_remote remote;
	char *remote_strings[4];  /* owned copies behind remote's pointers */
	/* The parameters the plan was made with, for the journal. */
	struct params params;
};

struct fix_entry {
	const char *name;
	const char *summary;            /* translatable (N_) */
	const char *platforms;          /* "linux,darwin,windows" or NULL for all */
	const struct param_def *params; /* terminated by { NULL } */
	/*
	 * Builds the plan from checked parameters. host is where it will run:
	 * host_os(host) picks the platform's commands; files an edit changes
	 * are read through it now. Returns 0, or -1 with *cause (owned) set.
	 */
	int (*plan)(const struct params *, struct host *, struct fix_plan *, char **cause);
};

extern const struct fix_entry *const fix_table[];
const struct fix_entry *fix_find(const char *name);

/* Resolves parameters and makes the plan for host. Returns 0, or -1 with *cause (owned) set. */
int fix_make_plan(const struct fix_entry *, const struct params *given, struct host *,
    struct fix_plan *, char **cause);
void fix_plan_add_step(struct fix_plan *, bool privileged, bool may_fail, const char *why,
    const char *const *argv);
/* The same, with input for the command's standard input (a file to write with tee). */
void fix_plan_add_step_input(struct fix_plan *, bool privileged, bool may_fail, const char *why,
    const char *const *argv, const char *input);
void fix_plan_add_undo(struct fix_plan *, bool privileged, const char *why,
    const char *const *argv);
/*
 * An edit of path from old to new contents (see FIX_STEP_EDIT). Adds the
 * path to the backups and, as undo, the edit back from new to old.
 */
void fix_plan_add_edit(struct fix_plan *, bool privileged, const char *why, const char *path,
    const char *old_content, size_t old_len, const char *new_content, size_t new_len);
/* The last step added may run for this long (a launch, a copy of a big image). */
void fix_plan_step_timeout(struct fix_plan *, int seconds);
/* Steps run on this remote machine (copies the strings). */
void fix_plan_set_remote(struct fix_plan *, const struct host_remote *);
void fix_plan_set_verify(struct fix_plan *, const char *probe, const char *outcome, ...);
/* The plan as lines a person reads before pressing the key. */
void fix_plan_render(const struct fix_plan *, struct strlist *lines);
void fix_plan_free(struct fix_plan *);

enum fix_status {
	FIX_APPLIED,       /* ran, and the verification passed (or there was none) */
	FIX_NOT_VERIFIED,  /* ran, but the verify probe did not give the expected outcome */
	FIX_FAILED,        /* a step failed; the rest did not run */
	FIX_DRY_RUN,       /* nothing ran */
	FIX_REVERTED,      /* not confirmed in time: undone, and the undo checked */
	FIX_REVERT_FAILED, /* not confirmed, and undoing it failed: look at the log */
};
struct fix_report {
	enum fix_status status;
	struct strlist log;          /* each step: argv, exit status, output tail */
	struct probe_result verify;  /* when a verification ran */
	char *journal_id;            /* the journal entry written; NULL: none */
};

struct fix_run_opts {
	bool dry_run;
	/*
	 * A plan with confirm_seconds: after it ran and verified, asks the person
	 * to keep it; true keeps it. Must return by itself once the seconds have
	 * passed (false). NULL: nobody can confirm, so it is reverted.
	 */
	bool (*confirm)(void *arg, const struct fix_plan *, int seconds);
	void *confirm_arg;
	/* Where journal entries go; NULL: $XDG_STATE_HOME/vmtriage/journal. "" : none. */
	const char *journal_dir;
};

/*
 * Runs the plan: each step through the host (privileged steps prefixed with
 * sudo when not root), stops at the first failing step, then verifies; a
 * timed confirm reverts what is not confirmed. What was done goes to the
 * journal, with how to undo it.
 */
void fix_run(const struct fix_plan *, struct host *, const struct fix_run_opts *,
    struct fix_report *);
void fix_report_free(struct fix_report *);

/* ---- file edits (fix-edit.c) ---------------------------------------------- */

/*
 * The lines that differ between two texts, in order, as "- old line" and
 * "+ new line" (a longest-common-subsequence diff; for very long texts, the
 * changed middle after the common start and end).
 */
void fix_text_diff(const char *old, size_t old_len, const char *new, size_t new_len,
    struct strlist *out);
/*
 * Replaces path's contents with content, only if they are exactly expect now:
 * writes a temporary file beside it (same directory, so rename is atomic),
 * with the old file's mode and owner, fsyncs it, renames it over path, and
 * fsyncs the directory. Refuses symbolic links and anything but a regular
 * file. Returns 0, or -1 with *err (owned) saying why; path is then as it was.
 */
int fix_file_replace(const char *path, const char *expect, size_t expect_len,
    const char *content, size_t len, char **err);
/*
 * `vmtriage apply-edit PATH EXPECT-FILE NEW-FILE`: fix_file_replace with the
 * contents of two files, as the privileged half of an edit step runs it
 * under sudo. Exit 0, or 1 with the reason on stderr.
 */
int fix_apply_edit_main(int argc, char **argv);

/* ---- the journal (fix-journal.c) ------------------------------------------ */

/* $XDG_STATE_HOME/vmtriage/journal, allocated; NULL when there is no home. */
char *fix_journal_default_dir(void);
/* `vmtriage undo [--list | ID]`: the entries, or undo one. */
int fix_undo_main(int argc, char **argv);
const char *fix_status_name(enum fix_status);

#endif
