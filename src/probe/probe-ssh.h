/*
 * probe-ssh.h: the "ssh" probe's pieces that others use. First the parts
 * that need no network, so unit tests can check them on their own: which
 * hosts it will talk to, where its known_hosts file lives by default, how
 * known_hosts names a host and port, and what a known_hosts text holds for
 * one of them. Then the connection itself (TCP, banner, host key against
 * known_hosts, login with a key or the agent, all against one deadline, and
 * commands on exec channels), which the probe and the SSH host
 * (src/host/host-ssh.c, the guest probe's way into an instance) share.
 */
#ifndef VT_PROBE_SSH_H
#define VT_PROBE_SSH_H

#include <stdbool.h>
#include <stddef.h>

#include "probe/probe.h"

/*
 * The parameters every SSH login takes (the ssh and guest probes, the
 * guest_dns fix), in a param_def table: port, user, key, known_hosts.
 */
#define PROBE_SSH_LOGIN_PARAMS                                                                     \
	{.name = "port",                                                                           \
	 .type = PARAM_INT,                                                                        \
	 .def = "22",                                                                              \
	 .min = 1,                                                                                 \
	 .max = 65535,                                                                             \
	 .help = N_("the SSH port")},                                                              \
	    {.name = "user",                                                                       \
	     .type = PARAM_NAME,                                                                   \
	     .def = "ubuntu",                                                                      \
	     .help = N_("the user to log in as")},                                                 \
	    {.name = "key",                                                                        \
	     .type = PARAM_PATH,                                                                   \
	     .help = N_("the private key to log in with (default: Multipass's instance key "       \
	                "on this platform, readable by root only)")},                              \
	{                                                                                          \
		.name = "known_hosts", .type = PARAM_PATH,                                         \
		.help = N_("the known_hosts file to check the host key against (default: "         \
		           "$XDG_STATE_HOME/vmtriage/known_hosts; never ~/.ssh/known_hosts)")      \
	}
#include <stdint.h>

#include "util/util.h"

struct host;
struct probe_ctx;
struct probe_result;

/*
 * NULL when host may be given to the probe, else why not (allocated). Only
 * names and addresses pass: letters, digits, '.', '-', '_', ':' and '%'
 * (an IPv6 zone), not starting with '-'. Anything else could read as an
 * option, a user ("user@host"), or a known_hosts pattern ("*", "a,b").
 */
char *probe_ssh_check_host(const char *host);

/* $XDG_STATE_HOME/vmtriage/known_hosts (see platform_state_dir); NULL when there is no home. */
char *probe_ssh_known_hosts_default(void);

/* How known_hosts names host at port: "host" for 22, else "[host]:port"; lower case. */
char *probe_ssh_host_port(const char *host, long port);

/* One known_hosts line that names a host. */
struct probe_ssh_known {
	unsigned long lineno; /* 1-based, as an editor counts */
	char *type;           /* "ssh-ed25519" */
	char *fingerprint;    /* "SHA256:..." */
};

/*
 * The lines of a known_hosts text (len bytes) whose host patterns match
 * host_port (as probe_ssh_host_port gives it), hashed entries included, in
 * file order. Returns how many; *out is allocated (NULL when none).
 */
size_t probe_ssh_known_scan(const char *text, size_t len, const char *host_port,
                            struct probe_ssh_known **out);
void probe_ssh_known_free(struct probe_ssh_known *, size_t n);

/* ---- a connection --------------------------------------------------------- */

/* How connecting, or a command, ended. */
enum probe_ssh_end {
	PROBE_SSH_OK,
	PROBE_SSH_REFUSED,         /* nothing listens */
	PROBE_SSH_TIMEOUT,         /* no answer, no banner, no end to the login or command */
	PROBE_SSH_UNREACHABLE,     /* the name does not resolve, no route, network down */
	PROBE_SSH_HOSTKEY_UNKNOWN, /* not in known_hosts (and not accept_new) */
	PROBE_SSH_HOSTKEY_CHANGED, /* known_hosts holds another key: never accepted */
	PROBE_SSH_AUTH_DENIED,     /* the server refused the key */
	PROBE_SSH_NO_KEY,          /* the key is missing, unreadable or unusable */
	PROBE_SSH_CANCELLED,
	PROBE_SSH_ERROR, /* the protocol failed, or a file could not be written */
};
/* "ok", "refused", "timeout", "unreachable", "hostkey_unknown", ... */
const char *probe_ssh_end_name(enum probe_ssh_end);

/* What to connect to and how. The strings are copied. */
struct probe_ssh_target {
	const char *host; /* as probe_ssh_check_host allows */
	long port;
	const char *user;
	const char *key_path;    /* private key file; NULL: see use_agent */
	bool default_key;        /* key_path is Multipass's own (root only): messages say sudo */
	bool use_agent;          /* no key_path: try the agent and ~/.ssh's keys */
	const char *known_hosts; /* the only file trusted; never NULL */
	bool accept_new;         /* record an unknown host key (a changed one: never) */
	long seconds;            /* the budget the deadline stands for, for messages */
	struct host *files;      /* the key and known_hosts are read through it */
	const struct probe_ctx *ctx; /* for progress; may be NULL */
};

struct probe_ssh_conn;

/*
 * Connects, checks the host key and logs in, all before deadline (ms of
 * CLOCK_MONOTONIC, see probe_ssh_now_ms). It tells the story into r as the
 * ssh probe reports it: evidence lines, the facts ssh.banner and
 * ssh.hostkey, and on failure an outcome (one of the ssh probe's, or
 * "error") and a summary. Returns the logged-in connection, or NULL; *end
 * says how it ended. The caller has called ssh_init().
 */
struct probe_ssh_conn *probe_ssh_connect(const struct probe_ssh_target *, int64_t deadline,
                                         struct probe_result *r, enum probe_ssh_end *end);
/* Disconnects and frees. */
void probe_ssh_close(struct probe_ssh_conn *);
int64_t probe_ssh_now_ms(void);

/* One command on an exec channel: what to run, and how it ended. */
struct probe_ssh_exec {
	const char *command;    /* a line for the user's shell on the server */
	const char *stdin_data; /* sent, then EOF; NULL: nothing */
	bool send_eof;          /* without stdin_data: EOF at once (as /dev/null) */
	size_t max_output;      /* per stream; 0: 1 MiB */
	bool stop_when_full;    /* stop once stdout passes max_output (a file read) */
	int64_t deadline;       /* ms of CLOCK_MONOTONIC */

	enum probe_ssh_end end; /* OK (it ended, or stopped full), TIMEOUT, CANCELLED, ERROR */
	int exit_status;        /* -1: none came */
	char *exit_signal;      /* "KILL"..., or NULL */
	struct strbuf out, err;
	bool truncated;     /* bytes beyond max_output were dropped */
	const char *failed; /* ERROR: the step that failed, translated */
	char *error;        /* ERROR: what libssh said, cleaned */
};
/* Runs ex->command; fills the rest of ex. Returns 0 when end is OK. */
int probe_ssh_exec(struct probe_ssh_conn *, struct probe_ssh_exec *ex);
void probe_ssh_exec_free(struct probe_ssh_exec *);

/*
 * A failed connection as one text, for host_open_remote's *err: "KIND:
 * summary" (KIND from probe_ssh_end_name), then r's evidence, one a line.
 * probe_ssh_err_parse reads it back: the kind (PROBE_SSH_ERROR when the text
 * has none), *summary (owned) and the evidence lines; so a snapshot that kept
 * the text tells the same story.
 */
char *probe_ssh_err_format(enum probe_ssh_end, const struct probe_result *r);
enum probe_ssh_end probe_ssh_err_parse(const char *err, char **summary, struct strlist *evidence);

#endif
