/*
 * host.h: the only door to the machine. Probes and fixes read files and run
 * commands through a host, never directly, so the same probe can answer from
 * this machine (live) or, later, from a snapshot collected on another one.
 */
#ifndef VT_HOST_H
#define VT_HOST_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

/* Set by a signal handler or a front end; long operations poll it and stop. */
extern volatile sig_atomic_t vt_cancelled;

enum host_status {
	HOST_OK = 0,
	HOST_NO_SUCH,   /* file or program does not exist */
	HOST_DENIED,      /* permission denied: needs privilege */
	HOST_TIMEOUT,     /* the deadline passed; the child was killed */
	HOST_CANCELLED,   /* vt_cancelled was set; the child was killed */
	HOST_TOO_BIG,     /* output or file beyond the limit; truncated */
	HOST_NOT_REGULAR, /* not a regular file (a FIFO, a device, a directory) */
	HOST_ERROR,       /* anything else; see the message */
};

struct host_result {
	enum host_status status;
	int exit_code;   /* run: exit status, or 128+signal; -1 when it did not run */
	char *out;       /* stdout (run) or contents (read); NUL-terminated; owned */
	size_t out_len;
	char *err;       /* stderr (run); owned */
	size_t err_len;
	char *message;   /* what went wrong, for the user; owned; NULL when OK */
	long elapsed_ms;
	/*
	 * Some bytes beyond the limit were dropped. A command that overflows
	 * still ran to its end, so its status stays OK (exit_code is real); a
	 * file read beyond max is HOST_TOO_BIG.
	 */
	bool truncated;
};

struct host_run_opts {
	int timeout_ms;      /* 0: 30 s */
	size_t max_output;   /* per stream; 0: 1 MiB */
	const char *stdin_data; /* NULL: /dev/null */
	const char *const *env; /* extra NAME=VALUE entries; NULL for none */
};

struct host;
struct host_ops {
	const char *name; /* "live", "snapshot" */
	int (*read_file)(struct host *, const char *path, size_t max, struct host_result *);
	/* Runs argv (argv[0] searched in PATH) without a shell. */
	int (*run)(struct host *, const char *const *argv, const struct host_run_opts *,
	    struct host_result *);
	/* exists: 1 yes, 0 no, -1 unknown (permission); kind: 'f' file, 'd' dir, 'o' other */
	int (*stat)(struct host *, const char *path, char *kind);
};
struct host {
	const struct host_ops *ops;
	void *priv;
};

/* The one live host; never freed. */
struct host *host_live(void);
/*
 * Each call overwrites *result (free it with host_result_free), always leaves
 * out and err as strings (maybe empty), sets message whenever status is not
 * OK, and returns 0 when status is HOST_OK, else -1. A command that ran and
 * exited non-zero is HOST_OK: look at exit_code.
 */
int host_read_file(struct host *, const char *path, size_t max, struct host_result *);
int host_run(struct host *, const char *const *argv, const struct host_run_opts *,
    struct host_result *);
int host_stat(struct host *, const char *path, char *kind); /* kind may be NULL */
void host_result_free(struct host_result *);
const char *host_status_name(enum host_status);

#endif
