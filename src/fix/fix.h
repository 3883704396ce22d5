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

#include "probe/probe.h"

struct host;

struct fix_step {
	char **argv;      /* exact argv; never passed to a shell */
	bool privileged;  /* run through sudo (Linux, macOS) or elevated PowerShell */
	char *why;        /* one line: what this step does */
	bool may_fail;    /* a failure here does not stop the plan (e.g. stop a stopped service) */
};

struct fix_plan {
	const struct fix_entry *fix;
	struct fix_step *steps;
	size_t nsteps;
	struct strlist backups;   /* files copied aside before anything runs */
	struct fix_step *undo;    /* how to reverse it; may be empty when it cannot be */
	size_t nundo;
	char *undo_note;          /* when there is no undo: why */
	const struct probe_entry *verify; /* probe that shows it worked; NULL: none */
	struct params verify_params;
	char *verify_outcome;     /* the verify probe's outcome that means success */
	int confirm_seconds;      /* > 0: revert unless confirmed in time (routes, firewall) */
	int destructive;          /* > 0: ask this many times, naming what is lost */
	char *notes;              /* told to the user before running (e.g. "a reboot follows") */
};

struct fix_entry {
	const char *name;
	const char *summary;            /* translatable (N_) */
	const char *platforms;          /* "linux,darwin,windows" or NULL for all */
	const struct param_def *params; /* terminated by { NULL } */
	/* Builds the plan from checked parameters. Returns 0, or -1 with *cause set. */
	int (*plan)(const struct params *, struct fix_plan *, char **cause);
};

extern const struct fix_entry *const fix_table[];
const struct fix_entry *fix_find(const char *name);

/* Resolves parameters and makes the plan. Returns 0, or -1 with *cause (owned) set. */
int fix_make_plan(const struct fix_entry *, const struct params *given, struct fix_plan *,
    char **cause);
void fix_plan_add_step(struct fix_plan *, bool privileged, bool may_fail, const char *why,
    const char *const *argv);
void fix_plan_add_undo(struct fix_plan *, bool privileged, const char *why,
    const char *const *argv);
void fix_plan_set_verify(struct fix_plan *, const char *probe, const char *outcome, ...);
/* The plan as lines a person reads before pressing the key. */
void fix_plan_render(const struct fix_plan *, struct strlist *lines);
void fix_plan_free(struct fix_plan *);

enum fix_status {
	FIX_APPLIED,       /* ran, and the verification passed (or there was none) */
	FIX_NOT_VERIFIED,  /* ran, but the verify probe did not give the expected outcome */
	FIX_FAILED,        /* a step failed; the rest did not run */
	FIX_DRY_RUN,       /* nothing ran */
};
struct fix_report {
	enum fix_status status;
	struct strlist log;          /* each step: argv, exit status, output tail */
	struct probe_result verify;  /* when a verification ran */
};

/*
 * Runs the plan: each step through the host (privileged steps prefixed with
 * sudo when not root), stops at the first failing step, then verifies.
 */
void fix_run(const struct fix_plan *, struct host *, bool dry_run, struct fix_report *);
void fix_report_free(struct fix_report *);
const char *fix_status_name(enum fix_status);

#endif
