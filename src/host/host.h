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
#include <time.h>

/* Set by a signal handler or a front end; long operations poll it and stop. */
extern volatile sig_atomic_t vt_cancelled;

enum host_status {
	HOST_OK = 0,
	HOST_NO_SUCH,       /* file or program does not exist */
	HOST_DENIED,        /* permission denied: needs privilege */
	HOST_TIMEOUT,       /* the deadline passed; the child was killed */
	HOST_CANCELLED,     /* vt_cancelled was set; the child was killed */
	HOST_TOO_BIG,       /* output or file beyond the limit; truncated */
	HOST_NOT_REGULAR,   /* not a regular file (a FIFO, a device, a directory) */
	HOST_NOT_COLLECTED, /* a snapshot: this file or command is not in it */
	HOST_ERROR,         /* anything else; see the message */
};

struct host_result {
	enum host_status status;
	int exit_code; /* run: exit status, or 128+signal; -1 when it did not run */
	char *out;     /* stdout (run) or contents (read); NUL-terminated; owned */
	size_t out_len;
	char *err; /* stderr (run); owned */
	size_t err_len;
	char *message; /* what went wrong, for the user; owned; NULL when OK */
	long elapsed_ms;
	/*
	 * Some bytes beyond the limit were dropped. A command that overflows
	 * still ran to its end, so its status stays OK (exit_code is real); a
	 * file read beyond max is HOST_TOO_BIG.
	 */
	bool truncated;
};

struct host_run_opts {
	int timeout_ms;         /* 0: 30 s */
	size_t max_output;      /* per stream; 0: 1 MiB */
	const char *stdin_data; /* NULL: /dev/null */
	const char *const *env; /* extra NAME=VALUE entries; NULL for none */
};

struct host;
struct host_remote;
struct host_ops {
	const char *name; /* "live", "snapshot", "record", "ssh" */
	int (*read_file)(struct host *, const char *path, size_t max, struct host_result *);
	/* Runs argv (argv[0] searched in PATH) without a shell. */
	int (*run)(struct host *, const char *const *argv, const struct host_run_opts *,
	           struct host_result *);
	/* exists: 1 yes, 0 no, -1 unknown (permission); kind: 'f' file, 'd' dir, 'o' other */
	int (*stat)(struct host *, const char *path, char *kind);
	/* The names in a directory, sorted, one per line in out ("." and ".." left out). */
	int (*list_dir)(struct host *, const char *path, struct host_result *);
	/* What this host is: "linux", "darwin", "windows"; its machine ("x86_64"). */
	const char *(*os)(struct host *);
	const char *(*arch)(struct host *);
	/* The host's clock: now on a live host, the moment of collection in a snapshot. */
	time_t (*now)(struct host *);
	/* A snapshot's local time zone, as seconds east of UTC; false: the live machine's own. */
	bool (*utc_offset)(struct host *, long *seconds);
	/*
	 * Whether what this host answers was seen with administrator rights: on
	 * a live host, running as root; in a snapshot, collected as root. NULL: no.
	 */
	bool (*privileged)(struct host *);
	/* Another machine reached from this one (a guest over SSH); NULL: cannot. */
	struct host *(*open_remote)(struct host *, const struct host_remote *, char **err);
	void (*close)(struct host *); /* frees a host that open_remote or a constructor made */
};
struct host {
	const struct host_ops *ops;
	void *priv;
};

/*
 * A machine reached over SSH from a host: the guest probe's way into an
 * instance. key is a private key file on the host (NULL: the agent and the
 * user's default keys); known_hosts NULL: vmtriage's own.
 */
struct host_remote {
	const char *address; /* a name or address, as probe_ssh_check_host allows */
	long port;           /* 0: 22 */
	const char *user;    /* "ubuntu" */
	const char *key;     /* path, or NULL */
	const char *known_hosts;
	int timeout_ms; /* connecting; 0: 10 s */
};

/* The one live host; never freed. */
struct host *host_live(void);
/*
 * This machine's connection to another over SSH (libssh): run is an exec
 * channel (argv quoted for the remote shell), read_file and list_dir run
 * cat and ls there. The host key must be known (known_hosts) and match.
 */
struct host *host_ssh_open(const struct host_remote *, char **err);
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
/* Fills out with the sorted names, one per line; HOST_NO_SUCH, HOST_DENIED as for files. */
int host_list_dir(struct host *, const char *path, struct host_result *);
const char *host_os(struct host *);   /* never NULL: "linux", "darwin", "windows" or "unknown" */
const char *host_arch(struct host *); /* never NULL; "" when unknown */
time_t host_now(struct host *);
/*
 * Where local times written on the host (a log without zones) are: true with
 * *seconds east of UTC for a snapshot that recorded it; false for this
 * machine (use its own zone rules) or when unknown.
 */
bool host_utc_offset(struct host *, long *seconds);
/* True when the host's answers were seen as root (see host_ops.privileged). */
bool host_privileged(struct host *);
/* True for the machine vmtriage runs on (live), false for a snapshot. */
bool host_is_live(const struct host *);
/*
 * Opens the remote machine r names, as seen from h. NULL with *err (owned)
 * when it cannot be reached, or when h cannot reach machines (a snapshot that
 * holds nothing of it). Close with host_close.
 */
struct host *host_open_remote(struct host *h, const struct host_remote *r, char **err);
/* A remote's name as snapshots record it: "user@address:port". Owned. */
char *host_remote_key(const struct host_remote *);
/* Frees a host made by open_remote or a constructor; the live host is left alone. */
void host_close(struct host *);
void host_result_free(struct host_result *);
const char *host_status_name(enum host_status);

#endif
