/*
 * probe-async.h: a probe run in a child process, so a front end stays alive
 * while it looks (a spinner, seconds left, live detail such as packets seen),
 * can cancel it with a key, and survives a probe that crashes or hangs.
 *
 * The child (fork, no exec) runs probe_run() and sends its progress lines and
 * then its result back through a pipe; the parent polls the pipe's fd together
 * with the keyboard in one loop. A hard deadline (the probe's timeout plus a
 * grace) and probe_job_cancel() end the child's whole process group.
 */
#ifndef VT_PROBE_ASYNC_H
#define VT_PROBE_ASYNC_H

#include <stdbool.h>

#include "probe/probe.h"

struct host;
struct probe_job;

/* Starts the probe in a child. Never returns NULL: a failed fork gives a job that is already done with outcome "error". */
struct probe_job *probe_job_start(const struct probe_entry *, const struct params *, struct host *);
/* The fd to poll for reading (POLLIN); -1 once the job is done. */
int probe_job_fd(const struct probe_job *);
/*
 * Reads whatever the child sent, without blocking. Returns true once the job
 * is done: then *out holds the result (the caller frees it with
 * probe_result_free). A child that dies without a result, overruns its hard
 * deadline, or is cancelled gives outcome "error" with a summary that says so.
 * Once done, every call gives a fresh copy of the same result.
 */
bool probe_job_poll(struct probe_job *, struct probe_result *out);
/* Asks the child to stop (SIGTERM to its group, SIGKILL 2 s later); poll until done. */
void probe_job_cancel(struct probe_job *);
long probe_job_elapsed_ms(const struct probe_job *);
/* The probe's time budget in ms (its "seconds" parameter or its default), for "seconds left". */
long probe_job_budget_ms(const struct probe_job *);
/* The latest progress line the probe reported ("3 packets seen"), or NULL. */
const char *probe_job_progress(const struct probe_job *);
/* How many progress lines have arrived (the child sends at most ten a second). */
unsigned long probe_job_progress_count(const struct probe_job *);
/*
 * How long, in ms, a caller may wait on probe_job_fd before it must call
 * probe_job_poll anyway (a deadline, a kill to escalate, an exit to see).
 * Waiting on the fd alone is not enough: a hung child sends nothing.
 */
int probe_job_wait_ms(const struct probe_job *);
/* Frees the job; a child still running is killed and reaped first. */
void probe_job_free(struct probe_job *);

/*
 * Called by a probe's run() to report progress; in a child it goes to the
 * parent, in-process (vmtriage probe, unit tests) it goes nowhere.
 */
void probe_progress(const struct probe_ctx *, const char *fmt, ...) VT_PRINTF(2, 3);

#endif
