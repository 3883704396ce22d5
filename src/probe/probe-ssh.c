/*
 * probe-ssh.c: the "ssh" probe. Logs in to an instance the way Multipass
 * does (its key, user "ubuntu") and tells apart the ways that fails: nothing
 * listening, no answer, a host key that is unknown or has changed, a key the
 * server refuses. With a command, runs it and returns its output and status.
 *
 * It trusts only its own known_hosts file (never ~/.ssh/known_hosts, which
 * it never writes), never reads ~/.ssh/config, never asks an agent, and never
 * tries a password. A changed host key is never accepted.
 *
 * Everything runs non-blocking against one deadline (the "seconds"
 * parameter), polling at most 200 ms at a time so a cancel is seen at once.
 * The TCP connection is opened here and handed to libssh, so that refused,
 * no answer and no banner are told apart, and so a snapshot host can later
 * replace the socket.
 *
 * The connection (probe_ssh_connect) and commands on it (probe_ssh_exec)
 * are shared with the SSH host (host-ssh.c), which the guest probe looks
 * through; they tell their story as this probe reports it. Only the SSH
 * host, given no key, tries the agent and ~/.ssh's keys.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libssh/callbacks.h>
#include <libssh/libssh.h>

#include "host/host.h"
#include "platform/paths.h"
#include "probe/probe-async.h"
#include "probe/probe-ssh.h"
#include "probe/probe.h"

#define SLICE_MS 200              /* longest wait before vt_cancelled is looked at again */
#define MAX_HOST 255              /* a DNS name's limit */
#define MAX_KEY_BYTES (64 * 1024) /* a 16384-bit RSA key is about 12 KiB */
#define MAX_KNOWN_HOSTS (4 * 1024 * 1024)
#define MAX_OUTPUT (1024 * 1024) /* per stream, as the command probe keeps */
#define MAX_TAIL_LINES 20
#define MAX_LINE_BYTES 200

static const struct param_def ssh_params[] = {
    {.name = "host",
     .type = PARAM_STRING,
     .required = true,
     .help = N_("the instance's address or name")},
    PROBE_SSH_LOGIN_PARAMS,
    {.name = "command",
     .type = PARAM_STRING,
     .help = N_("a command to run after logging in (by the user's shell on the instance)")},
    {.name = "seconds",
     .type = PARAM_SECONDS,
     .def = "10",
     .help = N_("how long it all may take: connecting, logging in and the command")},
    {.name = "accept_new",
     .type = PARAM_BOOL,
     .def = "false",
     .help = N_("record an unknown host key in known_hosts and go on (a changed key is "
                "never accepted)")},
    {.name = NULL},
};

static const struct outcome_def ssh_outcomes[] = {
    {"ok", N_("logged in (and ran the command, whatever its exit status)")},
    {"refused", N_("nothing listens on the port: the connection was refused")},
    {"timeout", N_("no answer in time: no connection, no SSH banner, or no end to the "
                   "command")},
    {"hostkey_unknown", N_("the host key is not in known_hosts (and accept_new is false)")},
    {"hostkey_changed", N_("the host key differs from the one in known_hosts; never accepted")},
    {"auth_denied", N_("the server refused the key for this user")},
    {NULL, NULL},
};

static const char *const ssh_facts[] = {"ssh.hostkey", "ssh.banner", "ssh.exit_status",
                                        "ssh.output", NULL};

/* ---- what needs no network -------------------------------------------------- */

char *
probe_ssh_check_host(const char *host)
{
	size_t len = strlen(host);

	if (len == 0)
		return xstrdup(_("the host is empty"));
	if (len > MAX_HOST)
		return xasprintf(_("the host is longer than %d characters"), MAX_HOST);
	if (host[0] == '-')
		return xasprintf(_("'%s' starts with '-', so it would read as an option"), host);
	for (const char *p = host; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;

		if (c < 0x20 || c == 0x7f || c == ' ')
			return xstrdup(_("the host contains a space or a control character"));
		if (c == '@')
			return xasprintf(_("'%s' names a user: give the user as user= and only "
			                   "the address as host="),
			                 host);
		if (c >= 0x80 || !(isalnum(c) || strchr(".-_:%", c) != NULL))
			return xasprintf(_("'%s' is not an address or a host name (letters, "
			                   "digits, '.', '-', '_', ':' and '%%' only)"),
			                 host);
	}
	return NULL;
}

char *
probe_ssh_known_hosts_default(void)
{
	char *dir = platform_state_dir(), *path = NULL;

	if (dir != NULL)
		path = xasprintf("%s/known_hosts", dir);
	free(dir);
	return path;
}

char *
probe_ssh_host_port(const char *host, long port)
{
	char *s = port == 22 ? xstrdup(host) : xasprintf("[%s]:%ld", host, port);

	for (char *p = s; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	return s;
}

/* "SHA256:..." for key, as ssh-keygen -l prints it; NULL when libssh cannot hash it. */
static char *
key_fingerprint(const ssh_key key)
{
	unsigned char *hash = NULL;
	size_t hlen = 0;
	char *fp = NULL, *out = NULL;

	if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &hlen) != 0)
		return NULL;
	if ((fp = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, hlen)) != NULL)
		out = xstrdup(fp);
	ssh_string_free_char(fp);
	ssh_clean_pubkey_hash(&hash);
	return out;
}

static const char *
key_type_name(const ssh_key key)
{
	const char *t = ssh_key_type_to_char(ssh_key_type(key));

	return t != NULL ? t : "unknown";
}

size_t
probe_ssh_known_scan(const char *text, size_t len, const char *host_port,
                     struct probe_ssh_known **out)
{
	const char *p = text, *end = text + len;
	struct probe_ssh_known *v = NULL;
	unsigned long lineno = 0;
	size_t n = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t ll = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		struct ssh_knownhosts_entry *entry = NULL;
		char *line = xstrndup(p, ll), *s = line;

		lineno++;
		p = nl != NULL ? nl + 1 : end;
		if (ll > 0 && line[strlen(line) - 1] == '\r')
			line[strlen(line) - 1] = '\0';
		while (*s == ' ' || *s == '\t')
			s++;
		/* libssh's own reader skips these before it parses. */
		if (*s == '\0' || *s == '#') {
			free(line);
			continue;
		}
		/* SSH_AGAIN: the line names other hosts; SSH_ERROR: it is not a key line. */
		if (ssh_known_hosts_parse_line(host_port, s, &entry) == SSH_OK && entry != NULL &&
		    entry->publickey != NULL) {
			char *fp = key_fingerprint(entry->publickey);

			v = xreallocarray(v, n + 1, sizeof *v);
			v[n].lineno = lineno;
			v[n].type = xstrdup(key_type_name(entry->publickey));
			v[n].fingerprint = fp != NULL ? fp : xstrdup("?");
			n++;
		}
		ssh_knownhosts_entry_free(entry);
		free(line);
	}
	*out = v;
	return n;
}

void
probe_ssh_known_free(struct probe_ssh_known *v, size_t n)
{
	for (size_t i = 0; v != NULL && i < n; i++) {
		free(v[i].type);
		free(v[i].fingerprint);
	}
	free(v);
}

/* ---- a connection ------------------------------------------------------------ */

const char *
probe_ssh_end_name(enum probe_ssh_end end)
{
	switch (end) {
	case PROBE_SSH_OK:
		return "ok";
	case PROBE_SSH_REFUSED:
		return "refused";
	case PROBE_SSH_TIMEOUT:
		return "timeout";
	case PROBE_SSH_UNREACHABLE:
		return "unreachable";
	case PROBE_SSH_HOSTKEY_UNKNOWN:
		return "hostkey_unknown";
	case PROBE_SSH_HOSTKEY_CHANGED:
		return "hostkey_changed";
	case PROBE_SSH_AUTH_DENIED:
		return "auth_denied";
	case PROBE_SSH_NO_KEY:
		return "no_key";
	case PROBE_SSH_CANCELLED:
		return "cancelled";
	case PROBE_SSH_ERROR:
		break;
	}
	return "error";
}

struct probe_ssh_conn {
	const struct probe_ctx *ctx;
	struct host *files;
	struct probe_result *r; /* while connecting: where the story goes; then NULL */
	enum probe_ssh_end end;
	int64_t deadline;
	long seconds;

	char *host;
	long port;
	char *user;
	char *key_path;
	char *known_hosts;
	bool accept_new;
	bool default_key;
	bool use_agent;
	char *host_port; /* as known_hosts names it */

	ssh_key key; /* NULL when it could not be read: key_problem says why */
	char *key_fp;
	char *key_problem;

	int fd;     /* the TCP socket while it is ours; -1 once libssh has it */
	char *addr; /* the numeric address connected to, for evidence */
	ssh_session session;
};

enum wait_result {
	WAIT_READY,
	WAIT_TIMEOUT,
	WAIT_CANCELLED,
};

int64_t
probe_ssh_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Waits for events on fd for at most one slice. WAIT_READY means "look
 * again", not that the fd is ready: callers retry their non-blocking call.
 */
static enum wait_result
wait_fd(const struct probe_ssh_conn *conn, int fd, short events, short *revents)
{
	struct pollfd pfd;
	int64_t left;

	if (revents != NULL)
		*revents = 0;
	if (vt_cancelled)
		return WAIT_CANCELLED;
	if ((left = conn->deadline - probe_ssh_now_ms()) <= 0)
		return WAIT_TIMEOUT;
	pfd.fd = fd;
	pfd.events = events;
	pfd.revents = 0;
	/* EINTR: a signal, such as the cancel; vt_cancelled says which. */
	if (poll(&pfd, 1, left < SLICE_MS ? (int)left : SLICE_MS) > 0 && revents != NULL)
		*revents = pfd.revents;
	return vt_cancelled ? WAIT_CANCELLED : WAIT_READY;
}

/* Waits until libssh's socket can move: readable, or writable when it has bytes to send. */
static enum wait_result
wait_session(const struct probe_ssh_conn *conn)
{
	short events = POLLIN;

	if ((ssh_get_poll_flags(conn->session) & SSH_WRITE_PENDING) != 0)
		events |= POLLOUT;
	return wait_fd(conn, ssh_get_fd(conn->session), events, NULL);
}

/* Ends connecting with end, told as the ssh probe's outcome. */
static void
set_end(struct probe_ssh_conn *conn, enum probe_ssh_end end, const char *outcome)
{
	conn->end = end;
	probe_result_set_outcome(conn->r, outcome);
}

static void
set_cancelled(struct probe_ssh_conn *conn)
{
	set_end(conn, PROBE_SSH_CANCELLED, OUTCOME_ERROR);
	probe_result_summary(conn->r, "%s", _("cancelled"));
	probe_result_evidence(conn->r, "%s", _("cancelled before the probe could finish"));
}

/* libssh's last error, cleaned for evidence; owned. */
static char *
session_error(const struct probe_ssh_conn *conn)
{
	const char *e = conn->session != NULL ? ssh_get_error(conn->session) : NULL;

	if (e == NULL || *e == '\0')
		e = _("no detail from libssh");
	return probe_clean_line(e, strlen(e), MAX_LINE_BYTES);
}

static void
set_protocol_error(struct probe_ssh_conn *conn, const char *what)
{
	char *e = session_error(conn);

	set_end(conn, PROBE_SSH_ERROR, OUTCOME_ERROR);
	probe_result_summary(conn->r, _("%s with %s:%ld: %s"), what, conn->host, conn->port, e);
	probe_result_evidence(conn->r, "%s: %s", what, e);
	free(e);
}

/* Overwrites a secret before its memory goes back to the allocator. */
static void
wipe(void *p, size_t n)
{
	volatile unsigned char *v = p;

	while (n-- > 0)
		*v++ = 0;
}

/*
 * Reads the private key through the host. A key that cannot be read is not
 * yet an error: refused, timeout and the host key need no key, so the probe
 * still looks, and reports the key when it comes to logging in.
 */
static void
load_key(struct probe_ssh_conn *conn)
{
	struct host_result hr = {0};

	if (conn->key_path == NULL) {
		if (!conn->use_agent)
			conn->key_problem = xstrdup(_("no key given, and Multipass keeps no key "
			                              "on this platform: give key="));
		return;
	}
	host_read_file(conn->files, conn->key_path, MAX_KEY_BYTES, &hr);
	switch (hr.status) {
	case HOST_OK:
		if (ssh_pki_import_privkey_base64(hr.out, NULL, NULL, NULL, &conn->key) != SSH_OK) {
			conn->key = NULL;
			conn->key_problem =
			    xasprintf(_("%s is not a private key this probe can use "
			                "(or it is protected by a passphrase)"),
			              conn->key_path);
		} else
			conn->key_fp = key_fingerprint(conn->key);
		break;
	case HOST_NO_SUCH:
		conn->key_problem = xasprintf(_("the key %s does not exist"), conn->key_path);
		break;
	case HOST_DENIED:
		if (conn->default_key)
			conn->key_problem =
			    xasprintf(_("cannot read Multipass's key %s: permission "
			                "denied; it is readable by root only, so run "
			                "this probe with sudo"),
			              conn->key_path);
		else
			conn->key_problem =
			    xasprintf(_("cannot read the key %s: permission denied "
			                "(run with sudo, or give a key you can read)"),
			              conn->key_path);
		break;
	default:
		conn->key_problem = xasprintf(_("cannot read the key %s: %s"), conn->key_path,
		                              hr.message != NULL ? hr.message : "?");
		break;
	}
	if (hr.out != NULL)
		wipe(hr.out, hr.out_len);
	host_result_free(&hr);
}

/* ---- the TCP connection ----------------------------------------------------- */

enum tcp_result {
	TCP_CONNECTED,
	TCP_REFUSED,
	TCP_TIMEOUT,
	TCP_CANCELLED,
	TCP_FAILED, /* cause says why: no such host, no route, ... */
};

static char *
numeric_addr(const struct addrinfo *ai)
{
	char buf[NI_MAXHOST];

	if (getnameinfo(ai->ai_addr, ai->ai_addrlen, buf, sizeof buf, NULL, 0, NI_NUMERICHOST) != 0)
		return xstrdup("?");
	return xstrdup(buf);
}

/* One address: 0 connected, else an errno (ETIMEDOUT for the deadline, ECANCELED for a cancel). */
static int
tcp_try(const struct probe_ssh_conn *conn, const struct addrinfo *ai, int *fdp)
{
	int fd, err = 0, flags;
	socklen_t elen = sizeof err;
	enum wait_result w;
	short revents = 0;

	*fdp = -1;
	if ((fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol)) == -1)
		return errno;
	/* Non-blocking, so the wait below can watch the deadline and the cancel. */
	flags = fcntl(fd, F_GETFL);
	if (flags == -1 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1 ||
	    fcntl(fd, F_SETFD, FD_CLOEXEC) == -1) {
		err = errno;
		goto fail;
	}
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
		goto done;
	if (errno != EINPROGRESS && errno != EINTR) {
		err = errno;
		goto fail;
	}
	for (;;) {
		w = wait_fd(conn, fd, POLLOUT, &revents);
		if (w == WAIT_CANCELLED) {
			err = ECANCELED;
			goto fail;
		}
		if (w == WAIT_TIMEOUT) {
			err = ETIMEDOUT;
			goto fail;
		}
		if (revents != 0)
			break;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) == -1)
		err = errno;
	if (err != 0)
		goto fail;
done:
	*fdp = fd;
	return 0;
fail:
	close(fd);
	return err != 0 ? err : EIO;
}

/*
 * Resolves the host and connects to each address in turn. Refused only when
 * every address refused ("localhost" is ::1 and 127.0.0.1; sshd may listen on one).
 */
static enum tcp_result
tcp_connect(struct probe_ssh_conn *conn, char **cause)
{
	struct addrinfo hints, *res = NULL;
	char port[16];
	int gai, err = 0, last_err = 0;
	bool all_refused = true;
	enum tcp_result tr = TCP_FAILED;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	snprintf(port, sizeof port, "%ld", conn->port);
	/*
	 * getaddrinfo blocks; a name (not an address) may take the resolver's
	 * own timeout. Multipass gives addresses, and a cancel still ends the
	 * probe's child process.
	 */
	if ((gai = getaddrinfo(conn->host, port, &hints, &res)) != 0) {
		*cause = xasprintf(_("cannot resolve %s: %s"), conn->host, gai_strerror(gai));
		return TCP_FAILED;
	}
	for (struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next) {
		free(conn->addr);
		conn->addr = numeric_addr(ai);
		err = tcp_try(conn, ai, &conn->fd);
		if (err == 0) {
			tr = TCP_CONNECTED;
			goto out;
		}
		if (err == ECANCELED) {
			tr = TCP_CANCELLED;
			goto out;
		}
		/* The deadline is shared: an address that never answers uses it all up. */
		if (err == ETIMEDOUT) {
			tr = TCP_TIMEOUT;
			goto out;
		}
		if (err != ECONNREFUSED) {
			all_refused = false;
			last_err = err;
		}
	}
	if (all_refused)
		tr = TCP_REFUSED;
	else {
		*cause = xasprintf(_("cannot connect to %s:%ld: %s"), conn->host, conn->port,
		                   strerror(last_err));
		tr = TCP_FAILED;
	}
out:
	freeaddrinfo(res);
	return tr;
}

/* ---- the SSH session -------------------------------------------------------- */

static int
session_new(struct probe_ssh_conn *conn)
{
	int nolog = SSH_LOG_NOLOG, no = 0, yes = 1;
	unsigned int port = (unsigned int)conn->port;
	long timeout = conn->seconds;
	bool process_config = false;
	socket_t fd = conn->fd;

	if ((conn->session = ssh_new()) == NULL)
		return -1;
	/*
	 * known_hosts goes in twice: libssh also trusts a "global" file
	 * (/etc/ssh/ssh_known_hosts), and this probe trusts only its own.
	 */
	if (ssh_options_set(conn->session, SSH_OPTIONS_LOG_VERBOSITY, &nolog) != 0 ||
	    ssh_options_set(conn->session, SSH_OPTIONS_PROCESS_CONFIG, &process_config) != 0 ||
	    ssh_options_set(conn->session, SSH_OPTIONS_HOST, conn->host) != 0 ||
	    ssh_options_set(conn->session, SSH_OPTIONS_PORT, &port) != 0 ||
	    ssh_options_set(conn->session, SSH_OPTIONS_USER, conn->user) != 0 ||
	    ssh_options_set(conn->session, SSH_OPTIONS_KNOWNHOSTS, conn->known_hosts) != 0 ||
	    ssh_options_set(conn->session, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, conn->known_hosts) != 0 ||
	    ssh_options_set(conn->session, SSH_OPTIONS_TIMEOUT, &timeout) != 0 ||
	    ssh_options_set(conn->session, SSH_OPTIONS_PASSWORD_AUTH, &no) != 0 ||
	    ssh_options_set(conn->session, SSH_OPTIONS_KBDINT_AUTH, &no) != 0 ||
	    ssh_options_set(conn->session, SSH_OPTIONS_GSSAPI_AUTH, &no) != 0 ||
	    ssh_options_set(conn->session, SSH_OPTIONS_PUBKEY_AUTH, &yes) != 0 ||
	    ssh_options_set(conn->session, SSH_OPTIONS_FD, &fd) != 0)
		return -1;
	ssh_set_blocking(conn->session, 0);
	return 0;
}

/* The banner and key exchange. 0: done; -1: the outcome is set. */
static int
handshake(struct probe_ssh_conn *conn)
{
	const char *banner = NULL;
	enum wait_result w;
	int rc;

	for (;;) {
		rc = ssh_connect(conn->session);
		/* From here on the socket is libssh's: ssh_free closes it. */
		if (conn->fd != -1 && ssh_get_fd(conn->session) == conn->fd)
			conn->fd = -1;
		if (rc == SSH_OK)
			break;
		if (rc == SSH_ERROR) {
			set_protocol_error(conn, _("the SSH handshake failed"));
			return -1;
		}
		if ((w = wait_session(conn)) == WAIT_READY)
			continue;
		if (w == WAIT_CANCELLED) {
			set_cancelled(conn);
			return -1;
		}
		set_end(conn, PROBE_SSH_TIMEOUT, "timeout");
		if (ssh_get_serverbanner(conn->session) == NULL) {
			probe_result_summary(
			    conn->r,
			    _("%s:%ld accepted the connection but sent no SSH banner "
			      "within %ld s"),
			    conn->host, conn->port, conn->seconds);
			probe_result_evidence(conn->r,
			                      _("connected to %s:%ld (%s), but no SSH banner came "
			                        "within %ld s"),
			                      conn->host, conn->port, conn->addr, conn->seconds);
		} else {
			probe_result_summary(
			    conn->r,
			    _("the SSH handshake with %s:%ld did not finish within "
			      "%ld s"),
			    conn->host, conn->port, conn->seconds);
			probe_result_evidence(conn->r,
			                      _("connected to %s:%ld (banner %s), but the key "
			                        "exchange did not finish within %ld s"),
			                      conn->host, conn->port,
			                      ssh_get_serverbanner(conn->session), conn->seconds);
		}
		return -1;
	}
	if ((banner = ssh_get_serverbanner(conn->session)) != NULL) {
		char *clean = probe_clean_line(banner, strlen(banner), MAX_LINE_BYTES);

		probe_result_fact(conn->r, "ssh.banner", "%s", clean);
		probe_result_evidence(conn->r, _("connected to %s:%ld (banner %s)"), conn->host,
		                      conn->port, clean);
		free(clean);
	}
	return 0;
}

/* mkdir -p for the directory that holds file; libssh makes only the last level. */
static int
make_parent_dirs(const char *file)
{
	char *dir = xstrdup(file), *slash = strrchr(dir, '/');
	int rc = 0;

	if (slash == NULL || slash == dir)
		goto out;
	*slash = '\0';
	for (char *p = dir + 1;; p++) {
		if (*p == '/' || *p == '\0') {
			char c = *p;

			*p = '\0';
			if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
				rc = -1;
				goto out;
			}
			*p = c;
			if (c == '\0')
				break;
		}
	}
out:
	free(dir);
	return rc;
}

/* Evidence for a changed key: each line of known_hosts that names the host, and how to drop it. */
static void
explain_changed(struct probe_ssh_conn *conn, const char *fp, const char *type)
{
	struct host_result hr = {0};
	struct probe_ssh_known *known = NULL;
	size_t n = 0;

	if (host_read_file(conn->files, conn->known_hosts, MAX_KNOWN_HOSTS, &hr) == 0)
		n = probe_ssh_known_scan(hr.out, hr.out_len, conn->host_port, &known);
	for (size_t i = 0; i < n; i++)
		probe_result_evidence(conn->r, _("known key %s (%s) for %s at %s:%lu"),
		                      known[i].fingerprint, known[i].type, conn->host_port,
		                      conn->known_hosts, known[i].lineno);
	if (n > 0) {
		probe_result_summary(conn->r,
		                     _("the host key of %s:%ld changed: it is now %s (%s), but "
		                       "%s line %lu holds %s (%s)"),
		                     conn->host, conn->port, fp, type, conn->known_hosts,
		                     known[0].lineno, known[0].fingerprint, known[0].type);
		probe_result_evidence(
		    conn->r,
		    _("if the change is expected (the instance was made again), "
		      "remove line %lu of %s, or run: ssh-keygen -R '%s' -f '%s'"),
		    known[0].lineno, conn->known_hosts, conn->host_port, conn->known_hosts);
	} else
		probe_result_summary(conn->r,
		                     _("the host key of %s:%ld changed: it is now %s (%s), and "
		                       "%s holds another"),
		                     conn->host, conn->port, fp, type, conn->known_hosts);
	probe_ssh_known_free(known, n);
	host_result_free(&hr);
}

/*
 * libssh says UNKNOWN or NOT_FOUND for a known_hosts file it cannot open; one
 * that exists but may not be read must not pass for "the host is unknown".
 * Returns whether that is so (and then the outcome is set).
 */
static bool
known_hosts_unreadable(struct probe_ssh_conn *conn)
{
	struct host_result hr = {0};
	bool bad = false;

	host_read_file(conn->files, conn->known_hosts, MAX_KNOWN_HOSTS, &hr);
	if (hr.status != HOST_OK && hr.status != HOST_NO_SUCH) {
		set_end(conn, PROBE_SSH_ERROR, OUTCOME_ERROR);
		probe_result_summary(conn->r, _("cannot read %s: %s"), conn->known_hosts,
		                     hr.message != NULL ? hr.message : "?");
		bad = true;
	}
	host_result_free(&hr);
	return bad;
}

/* 0: the key is trusted (perhaps just now); -1: the outcome is set. */
static int
check_host_key(struct probe_ssh_conn *conn)
{
	ssh_key server_key = NULL;
	char *fp = NULL;
	const char *type = NULL;
	enum ssh_known_hosts_e state;
	int rc = -1;

	if (ssh_get_server_publickey(conn->session, &server_key) != SSH_OK) {
		set_protocol_error(conn, _("the server sent no host key"));
		return -1;
	}
	fp = key_fingerprint(server_key);
	type = key_type_name(server_key);
	if (fp == NULL)
		fp = xstrdup("?");
	probe_result_fact(conn->r, "ssh.hostkey", "%s", fp);
	state = ssh_session_is_known_server(conn->session);
	switch (state) {
	case SSH_KNOWN_HOSTS_OK:
		probe_result_evidence(conn->r, _("host key %s (ok)"), fp);
		rc = 0;
		break;
	case SSH_KNOWN_HOSTS_UNKNOWN:
	case SSH_KNOWN_HOSTS_NOT_FOUND: /* no file yet: nothing is known */
		if (known_hosts_unreadable(conn)) {
			probe_result_evidence(conn->r, _("host key %s (not checked)"), fp);
			break;
		}
		if (!conn->accept_new) {
			probe_result_evidence(conn->r, _("host key %s (unknown)"), fp);
			probe_result_evidence(conn->r, _("%s holds no key for %s"),
			                      conn->known_hosts, conn->host_port);
			set_end(conn, PROBE_SSH_HOSTKEY_UNKNOWN, "hostkey_unknown");
			probe_result_summary(conn->r,
			                     _("the host key of %s:%ld (%s %s) is not known yet; "
			                       "check it on the instance (ssh-keygen -lf "
			                       "/etc/ssh/ssh_host_*_key.pub) and run again with "
			                       "accept_new=true"),
			                     conn->host, conn->port, type, fp);
			break;
		}
		if (make_parent_dirs(conn->known_hosts) != 0) {
			set_end(conn, PROBE_SSH_ERROR, OUTCOME_ERROR);
			probe_result_summary(conn->r, _("cannot make the directory for %s: %s"),
			                     conn->known_hosts, strerror(errno));
			probe_result_evidence(conn->r, _("host key %s (unknown)"), fp);
			break;
		}
		if (ssh_session_update_known_hosts(conn->session) != SSH_OK) {
			char *e = session_error(conn);

			set_end(conn, PROBE_SSH_ERROR, OUTCOME_ERROR);
			probe_result_summary(conn->r, _("cannot record the host key in %s: %s"),
			                     conn->known_hosts, e);
			probe_result_evidence(conn->r, _("host key %s (unknown)"), fp);
			free(e);
			break;
		}
		probe_result_evidence(conn->r, _("host key %s (unknown, now recorded in %s)"), fp,
		                      conn->known_hosts);
		rc = 0;
		break;
	case SSH_KNOWN_HOSTS_CHANGED:
	case SSH_KNOWN_HOSTS_OTHER: /* only keys of another type known: as suspect as a change */
		set_end(conn, PROBE_SSH_HOSTKEY_CHANGED, "hostkey_changed");
		probe_result_evidence(conn->r, _("host key %s (changed)"), fp);
		explain_changed(conn, fp, type);
		break;
	case SSH_KNOWN_HOSTS_ERROR:
	default:
		set_protocol_error(conn, _("checking the host key against known_hosts failed"));
		break;
	}
	free(fp);
	ssh_key_free(server_key);
	return rc;
}

/* "publickey, password" for the methods the server offers. */
static char *
auth_methods(int methods)
{
	static const struct {
		int bit;
		const char *name;
	} names[] = {
	    {SSH_AUTH_METHOD_PUBLICKEY, "publickey"},
	    {SSH_AUTH_METHOD_PASSWORD, "password"},
	    {SSH_AUTH_METHOD_INTERACTIVE, "keyboard-interactive"},
	    {SSH_AUTH_METHOD_HOSTBASED, "hostbased"},
	    {SSH_AUTH_METHOD_GSSAPI_MIC, "gssapi-with-mic"},
	};
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < nitems(names); i++) {
		if ((methods & names[i].bit) != 0)
			strbuf_addf(&sb, "%s%s", sb.len > 0 ? ", " : "", names[i].name);
	}
	if (sb.len == 0)
		strbuf_adds(&sb, _("none"));
	return strbuf_detach(&sb);
}

enum auth_method {
	AUTH_NONE, /* asks which methods the server offers */
	AUTH_KEY,  /* conn->key */
	AUTH_AUTO, /* the agent, then ~/.ssh's default keys */
};

/* The key a login offers, for messages. */
static const char *
key_name(const struct probe_ssh_conn *conn)
{
	return conn->key_path != NULL ? conn->key_path : _("the agent's and ~/.ssh's keys");
}

/* Repeats a non-blocking auth call until it ends. SSH_AUTH_AGAIN back means: stopped, outcome set.
 */
static int
auth_wait(struct probe_ssh_conn *conn, enum auth_method how)
{
	enum wait_result w;
	int rc;

	for (;;) {
		if (how == AUTH_KEY)
			rc = ssh_userauth_publickey(conn->session, NULL, conn->key);
		else if (how == AUTH_AUTO)
			rc = ssh_userauth_publickey_auto(conn->session, NULL, NULL);
		else
			rc = ssh_userauth_none(conn->session, NULL);
		if (rc != SSH_AUTH_AGAIN)
			return rc;
		if ((w = wait_session(conn)) == WAIT_READY)
			continue;
		if (w == WAIT_CANCELLED)
			set_cancelled(conn);
		else {
			set_end(conn, PROBE_SSH_TIMEOUT, "timeout");
			probe_result_summary(conn->r,
			                     _("%s:%ld did not finish the login within %ld s"),
			                     conn->host, conn->port, conn->seconds);
			probe_result_evidence(conn->r,
			                      _("logging in as %s: no answer within %ld s"),
			                      conn->user, conn->seconds);
		}
		return SSH_AUTH_AGAIN;
	}
}

static void
set_denied(struct probe_ssh_conn *conn, const char *why)
{
	char *methods = auth_methods(ssh_userauth_list(conn->session, NULL));

	set_end(conn, PROBE_SSH_AUTH_DENIED, "auth_denied");
	probe_result_summary(conn->r, _("%s:%ld refused the key %s for user %s"), conn->host,
	                     conn->port, key_name(conn), conn->user);
	probe_result_evidence(conn->r, "%s", why);
	probe_result_evidence(conn->r, _("the server offers: %s"), methods);
	free(methods);
}

/* 0: logged in; -1: the outcome is set. */
static int
authenticate(struct probe_ssh_conn *conn)
{
	char *why = NULL;
	int rc;

	probe_progress(conn->ctx, _("logging in as %s"), conn->user);
	/* "none" first: it is how a client learns which methods the server offers. */
	if ((rc = auth_wait(conn, AUTH_NONE)) == SSH_AUTH_AGAIN)
		return -1;
	if (rc == SSH_AUTH_SUCCESS) {
		probe_result_evidence(
		    conn->r, _("authenticated as %s (the server asked for no key)"), conn->user);
		return 0;
	}
	if (rc == SSH_AUTH_ERROR) {
		set_protocol_error(conn, _("logging in failed"));
		return -1;
	}
	if (conn->key == NULL && conn->key_problem != NULL) {
		set_end(conn, PROBE_SSH_NO_KEY, OUTCOME_ERROR);
		probe_result_summary(conn->r, "%s", conn->key_problem);
		probe_result_evidence(conn->r, "%s", conn->key_problem);
		return -1;
	}
	if ((ssh_userauth_list(conn->session, NULL) & SSH_AUTH_METHOD_PUBLICKEY) == 0) {
		why = xasprintf(_("the server takes no keys for user %s"), conn->user);
		set_denied(conn, why);
		free(why);
		return -1;
	}
	rc = auth_wait(conn, conn->key != NULL ? AUTH_KEY : AUTH_AUTO);
	switch (rc) {
	case SSH_AUTH_AGAIN:
		return -1;
	case SSH_AUTH_SUCCESS:
		probe_result_evidence(conn->r, _("authenticated as %s with %s (%s)"), conn->user,
		                      key_name(conn), conn->key_fp != NULL ? conn->key_fp : "?");
		return 0;
	case SSH_AUTH_PARTIAL:
		why = xasprintf(_("the server took key %s (%s) for user %s but wants more than a "
		                  "key, and this probe never uses a password"),
		                key_name(conn), conn->key_fp != NULL ? conn->key_fp : "?",
		                conn->user);
		set_denied(conn, why);
		break;
	case SSH_AUTH_DENIED:
		why = xasprintf(_("the server refused key %s (%s) for user %s"), key_name(conn),
		                conn->key_fp != NULL ? conn->key_fp : "?", conn->user);
		set_denied(conn, why);
		break;
	default:
		set_protocol_error(conn, _("logging in failed"));
		break;
	}
	free(why);
	return -1;
}

/* What a failed TCP connection means, told as the ssh probe's outcome. */
static void
connect_failed(struct probe_ssh_conn *conn, enum tcp_result tr, const char *cause)
{
	switch (tr) {
	case TCP_REFUSED:
		set_end(conn, PROBE_SSH_REFUSED, "refused");
		probe_result_summary(conn->r,
		                     _("nothing listens on %s:%ld: the connection was refused (is "
		                       "sshd running on the instance?)"),
		                     conn->host, conn->port);
		probe_result_evidence(conn->r, _("connecting to %s:%ld (%s): connection refused"),
		                      conn->host, conn->port, conn->addr);
		break;
	case TCP_TIMEOUT:
		set_end(conn, PROBE_SSH_TIMEOUT, "timeout");
		probe_result_summary(
		    conn->r,
		    _("%s:%ld did not answer within %ld s (the instance is not up, "
		      "or a firewall drops the packets)"),
		    conn->host, conn->port, conn->seconds);
		probe_result_evidence(conn->r,
		                      _("connecting to %s:%ld (%s): no answer within %ld s"),
		                      conn->host, conn->port, conn->addr, conn->seconds);
		break;
	case TCP_CANCELLED:
		set_cancelled(conn);
		break;
	default:
		set_end(conn, PROBE_SSH_UNREACHABLE, OUTCOME_ERROR);
		probe_result_summary(conn->r, "%s", cause != NULL ? cause : "?");
		probe_result_evidence(conn->r, "%s", cause != NULL ? cause : "?");
		break;
	}
}

void
probe_ssh_close(struct probe_ssh_conn *conn)
{
	if (conn == NULL)
		return;
	if (conn->session != NULL) {
		ssh_disconnect(conn->session);
		ssh_free(conn->session);
	}
	if (conn->fd != -1)
		close(conn->fd);
	ssh_key_free(conn->key);
	free(conn->key_fp);
	free(conn->key_problem);
	free(conn->host);
	free(conn->user);
	free(conn->key_path);
	free(conn->known_hosts);
	free(conn->host_port);
	free(conn->addr);
	free(conn);
}

struct probe_ssh_conn *
probe_ssh_connect(const struct probe_ssh_target *t, int64_t deadline, struct probe_result *r,
                  enum probe_ssh_end *end)
{
	struct probe_ssh_conn *conn = xcalloc(1, sizeof *conn);
	enum tcp_result tr;
	char *cause = NULL;

	conn->ctx = t->ctx;
	conn->files = t->files;
	conn->r = r;
	conn->end = PROBE_SSH_ERROR;
	conn->deadline = deadline;
	conn->seconds = t->seconds;
	conn->host = xstrdup(t->host);
	conn->port = t->port;
	conn->user = xstrdup(t->user);
	conn->key_path = t->key_path != NULL ? xstrdup(t->key_path) : NULL;
	conn->known_hosts = xstrdup(t->known_hosts);
	conn->accept_new = t->accept_new;
	conn->default_key = t->default_key;
	conn->use_agent = t->use_agent;
	conn->host_port = probe_ssh_host_port(conn->host, conn->port);
	conn->fd = -1;
	load_key(conn);

	probe_progress(conn->ctx, _("connecting to %s:%ld"), conn->host, conn->port);
	if ((tr = tcp_connect(conn, &cause)) != TCP_CONNECTED) {
		connect_failed(conn, tr, cause);
		goto fail;
	}
	probe_progress(conn->ctx, _("connected to %s:%ld, waiting for the SSH banner"), conn->host,
	               conn->port);
	if (session_new(conn) != 0) {
		set_protocol_error(conn, _("setting up libssh failed"));
		goto fail;
	}
	if (handshake(conn) != 0 || check_host_key(conn) != 0 || authenticate(conn) != 0)
		goto fail;
	free(cause);
	conn->r = NULL;
	*end = conn->end = PROBE_SSH_OK;
	return conn;
fail:
	free(cause);
	*end = conn->end;
	probe_ssh_close(conn);
	return NULL;
}

/* ---- a command ---------------------------------------------------------------- */

static void
on_exit_status(ssh_session session, ssh_channel channel, int status, void *userdata)
{
	struct probe_ssh_exec *ex = userdata;

	(void)session;
	(void)channel;
	ex->exit_status = status;
}

static void
on_exit_signal(ssh_session session, ssh_channel channel, const char *signal, int core,
               const char *errmsg, const char *lang, void *userdata)
{
	struct probe_ssh_exec *ex = userdata;

	(void)session;
	(void)channel;
	(void)core;
	(void)errmsg;
	(void)lang;
	free(ex->exit_signal);
	ex->exit_signal = xstrdup(signal != NULL ? signal : "?");
}

/* Appends up to max; returns whether bytes were dropped. */
static bool
keep_output(struct strbuf *sb, const char *buf, size_t n, size_t max)
{
	if (sb->len >= max)
		return n > 0;
	if (n > max - sb->len) {
		strbuf_add(sb, buf, max - sb->len);
		return true;
	}
	strbuf_add(sb, buf, n);
	return false;
}

/* Reads what both streams hold. 1: something came; 0: nothing; -1: the session failed. */
static int
drain(ssh_channel ch, struct probe_ssh_exec *ex, size_t max)
{
	char buf[16384];
	int got = 0;

	for (int stream = 0; stream < 2; stream++) {
		int n;

		while ((n = ssh_channel_read_nonblocking(ch, buf, sizeof buf, stream)) > 0) {
			if (keep_output(stream == 0 ? &ex->out : &ex->err, buf, (size_t)n, max))
				ex->truncated = true;
			got = 1;
		}
		if (n == SSH_ERROR)
			return -1;
	}
	return got;
}

static void
exec_failed(struct probe_ssh_conn *conn, struct probe_ssh_exec *ex, const char *what)
{
	ex->end = PROBE_SSH_ERROR;
	ex->failed = what;
	free(ex->error);
	ex->error = session_error(conn);
}

/* Sends what stdin_data holds while the channel takes it, then EOF. -1: the session failed. */
static int
feed_stdin(ssh_channel ch, struct probe_ssh_exec *ex, size_t *sent, bool *eof_sent)
{
	size_t len = ex->stdin_data != NULL ? strlen(ex->stdin_data) : 0;

	while (*sent < len) {
		int n = ssh_channel_write(ch, ex->stdin_data + *sent, (uint32_t)(len - *sent));

		if (n == SSH_ERROR)
			return -1;
		if (n == 0)
			return 0; /* the window is full: later */
		*sent += (size_t)n;
	}
	if (ssh_channel_send_eof(ch) == SSH_ERROR)
		return -1;
	*eof_sent = true;
	return 0;
}

int
probe_ssh_exec(struct probe_ssh_conn *conn, struct probe_ssh_exec *ex)
{
	struct ssh_channel_callbacks_struct cb;
	size_t max = ex->max_output > 0 ? ex->max_output : MAX_OUTPUT, sent = 0;
	ssh_channel ch = NULL;
	ssh_event events = NULL;
	enum wait_result w = WAIT_READY;
	bool eof_sent = ex->stdin_data == NULL && !ex->send_eof;
	int step;

	strbuf_reset(&ex->out);
	strbuf_reset(&ex->err);
	ex->end = PROBE_SSH_OK;
	ex->exit_status = -1;
	ex->truncated = false;
	conn->deadline = ex->deadline;
	if ((ch = ssh_channel_new(conn->session)) == NULL) {
		exec_failed(conn, ex, _("opening a channel failed"));
		goto out;
	}
	memset(&cb, 0, sizeof cb);
	cb.userdata = ex;
	cb.channel_exit_status_function = on_exit_status;
	cb.channel_exit_signal_function = on_exit_signal;
	ssh_callbacks_init(&cb);
	ssh_set_channel_callbacks(ch, &cb);

	/* Open, then exec, then read until the server closes the channel. */
	for (step = 0; step < 2;) {
		int r = step == 0 ? ssh_channel_open_session(ch)
		                  : ssh_channel_request_exec(ch, ex->command);

		if (r == SSH_OK) {
			step++;
			continue;
		}
		if (r == SSH_ERROR) {
			exec_failed(conn, ex,
			            step == 0 ? _("opening a session channel failed")
			                      : _("the server would not run the command"));
			goto out;
		}
		if ((w = wait_session(conn)) != WAIT_READY)
			break;
	}
	events = ssh_event_new();
	if (events == NULL || ssh_event_add_session(events, conn->session) != SSH_OK) {
		exec_failed(conn, ex, _("libssh could not watch the session"));
		goto out;
	}
	while (w == WAIT_READY) {
		int got;

		if (!eof_sent && feed_stdin(ch, ex, &sent, &eof_sent) == -1) {
			exec_failed(conn, ex, _("sending the command's input failed"));
			goto out;
		}
		if ((got = drain(ch, ex, max)) == -1) {
			exec_failed(conn, ex, _("reading the command's output failed"));
			goto out;
		}
		/* A file read past its limit: the rest is not wanted. */
		if (ex->stop_when_full && ex->out.len >= max && ex->truncated)
			goto out;
		if (got == 1)
			continue;
		/* The exit status comes after EOF and before the close. */
		if (ssh_channel_is_closed(ch) ||
		    (ssh_channel_is_eof(ch) && (ex->exit_status != -1 || ex->exit_signal != NULL)))
			break;
		w = wait_session(conn);
		/*
		 * After EOF, reading the channel no longer makes libssh handle
		 * packets, so the exit-status message would wait unread until the
		 * deadline: let libssh process what has arrived.
		 */
		if (w == WAIT_READY && ssh_channel_is_eof(ch))
			ssh_event_dopoll(events, 0);
	}
	if (w == WAIT_CANCELLED)
		ex->end = PROBE_SSH_CANCELLED;
	else if (w == WAIT_TIMEOUT)
		ex->end = PROBE_SSH_TIMEOUT;
out:
	if (events != NULL) {
		ssh_event_remove_session(events, conn->session);
		ssh_event_free(events);
	}
	if (ch != NULL) {
		ssh_channel_close(ch);
		ssh_channel_free(ch);
	}
	if (ex->out.buf == NULL)
		strbuf_add(&ex->out, "", 0);
	if (ex->err.buf == NULL)
		strbuf_add(&ex->err, "", 0);
	return ex->end == PROBE_SSH_OK ? 0 : -1;
}

void
probe_ssh_exec_free(struct probe_ssh_exec *ex)
{
	strbuf_free(&ex->out);
	strbuf_free(&ex->err);
	free(ex->exit_signal);
	free(ex->error);
	ex->exit_signal = NULL;
	ex->error = NULL;
}

/* ---- a failure as one text ----------------------------------------------------- */

char *
probe_ssh_err_format(enum probe_ssh_end end, const struct probe_result *r)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "%s: %s", probe_ssh_end_name(end),
	            r->summary != NULL ? r->summary : _("cannot connect"));
	for (size_t i = 0; i < r->evidence.n; i++)
		strbuf_addf(&sb, "\n%s", r->evidence.v[i]);
	return strbuf_detach(&sb);
}

enum probe_ssh_end
probe_ssh_err_parse(const char *err, char **summary, struct strlist *evidence)
{
	const char *nl = strchr(err, '\n'), *colon = strstr(err, ": ");
	size_t first = nl != NULL ? (size_t)(nl - err) : strlen(err);
	enum probe_ssh_end end = PROBE_SSH_ERROR;

	*summary = NULL;
	if (colon != NULL && (size_t)(colon - err) < first) {
		for (int e = PROBE_SSH_OK; e <= PROBE_SSH_ERROR; e++) {
			const char *name = probe_ssh_end_name((enum probe_ssh_end)e);

			if ((size_t)(colon - err) == strlen(name) &&
			    strncmp(err, name, strlen(name)) == 0) {
				end = (enum probe_ssh_end)e;
				*summary = xstrndup(colon + 2, first - (size_t)(colon + 2 - err));
				break;
			}
		}
	}
	if (*summary == NULL)
		*summary = xstrndup(err, first);
	while (nl != NULL) {
		const char *start = nl + 1;

		nl = strchr(start, '\n');
		strlist_take(evidence,
		             xstrndup(start, nl != NULL ? (size_t)(nl - start) : strlen(start)));
	}
	return end;
}

/* ---- the probe ----------------------------------------------------------------- */

/* Fills t from the parameters. -1: a parameter cannot be used; the outcome is set. */
static int
probe_setup(const struct params *p, const struct probe_ctx *ctx, struct probe_ssh_target *t,
            char **known_hosts, struct probe_result *r)
{
	char *why = NULL;

	memset(t, 0, sizeof *t);
	t->ctx = ctx;
	t->files = ctx->host;
	t->host = params_get(p, "host");
	t->port = params_get_long(p, "port", 22);
	t->user = params_get(p, "user");
	t->accept_new = params_get_bool(p, "accept_new", false);
	t->seconds = params_get_long(p, "seconds", 10);
	t->key_path = params_get(p, "key");
	if (t->key_path == NULL) {
		t->key_path = platform_multipass_ssh_key(VT_PLATFORM);
		t->default_key = true;
	}
	if ((why = probe_ssh_check_host(t->host)) != NULL)
		goto bad;
	if (params_get(p, "known_hosts") != NULL)
		*known_hosts = xstrdup(params_get(p, "known_hosts"));
	else if ((*known_hosts = probe_ssh_known_hosts_default()) == NULL) {
		why = xstrdup(_("neither XDG_STATE_HOME nor HOME is set, so there is no "
		                "known_hosts file: give known_hosts="));
		goto bad;
	}
	t->known_hosts = *known_hosts;
	return 0;
bad:
	probe_result_set_outcome(r, OUTCOME_ERROR);
	probe_result_summary(r, "%s", why);
	probe_result_evidence(r, "%s", why);
	free(why);
	return -1;
}

static void
command_result(const struct probe_ssh_exec *ex, struct probe_result *r)
{
	const char *o = ex->out.buf != NULL ? ex->out.buf : "";
	const char *nl = memchr(o, '\n', ex->out.len);
	char *first =
	    probe_clean_line(o, nl != NULL ? (size_t)(nl - o) : ex->out.len, MAX_LINE_BYTES);

	probe_result_fact(r, "ssh.output", "%s", first);
	free(first);
	probe_tail_lines(&r->evidence, "", o, ex->out.len, MAX_TAIL_LINES);
	probe_tail_lines(&r->evidence, "stderr: ", ex->err.buf != NULL ? ex->err.buf : "",
	                 ex->err.len, MAX_TAIL_LINES);
	if (ex->truncated)
		probe_result_evidence(r, "%s", _("(output beyond 1 MiB was dropped)"));
}

/* Runs the command and tells how it ended. */
static void
run_command(struct probe_ssh_conn *conn, const struct probe_ssh_target *t, const char *command,
            int64_t deadline, struct probe_result *r)
{
	struct probe_ssh_exec ex;
	char *shown = probe_clean_line(command, strlen(command), MAX_LINE_BYTES);

	memset(&ex, 0, sizeof ex);
	ex.command = command;
	ex.max_output = MAX_OUTPUT;
	ex.deadline = deadline;
	probe_progress(t->ctx, _("running: %s"), shown);
	probe_result_evidence(r, "$ %s", shown);
	probe_ssh_exec(conn, &ex);
	switch (ex.end) {
	case PROBE_SSH_ERROR:
		probe_result_set_outcome(r, OUTCOME_ERROR);
		probe_result_summary(r, _("%s with %s:%ld: %s"), ex.failed, t->host, t->port,
		                     ex.error);
		probe_result_evidence(r, "%s: %s", ex.failed, ex.error);
		goto out;
	case PROBE_SSH_CANCELLED:
		command_result(&ex, r);
		probe_result_set_outcome(r, OUTCOME_ERROR);
		probe_result_summary(r, "%s", _("cancelled"));
		probe_result_evidence(r, "%s", _("cancelled before the probe could finish"));
		goto out;
	case PROBE_SSH_TIMEOUT:
		command_result(&ex, r);
		probe_result_set_outcome(r, "timeout");
		probe_result_summary(r,
		                     _("logged in to %s:%ld as %s, but '%s' did not finish within "
		                       "%ld s"),
		                     t->host, t->port, t->user, shown, t->seconds);
		probe_result_evidence(r, _("still running after %ld s"), t->seconds);
		goto out;
	default:
		break;
	}
	command_result(&ex, r);
	if (ex.exit_status != -1) {
		probe_result_fact(r, "ssh.exit_status", "%d", ex.exit_status);
		probe_result_evidence(r, _("exit status %d"), ex.exit_status);
		probe_result_summary(r, _("logged in to %s:%ld as %s; '%s' exited with status %d"),
		                     t->host, t->port, t->user, shown, ex.exit_status);
	} else if (ex.exit_signal != NULL) {
		probe_result_evidence(r, _("ended by signal %s"), ex.exit_signal);
		probe_result_summary(r, _("logged in to %s:%ld as %s; '%s' was ended by signal %s"),
		                     t->host, t->port, t->user, shown, ex.exit_signal);
	} else {
		probe_result_evidence(r, "%s", _("the server sent no exit status"));
		probe_result_summary(r,
		                     _("logged in to %s:%ld as %s and ran '%s' (no exit status)"),
		                     t->host, t->port, t->user, shown);
	}
	probe_result_set_outcome(r, "ok");
out:
	probe_ssh_exec_free(&ex);
	free(shown);
}

static int
probe_ssh_run(const struct params *p, const struct probe_ctx *ctx, struct probe_result *r)
{
	struct probe_ssh_target t;
	struct probe_ssh_conn *conn = NULL;
	enum probe_ssh_end end;
	int64_t deadline = probe_ssh_now_ms() + ctx->timeout_ms;
	const char *command = params_get(p, "command");
	char *known_hosts = NULL;

	ssh_init();
	ssh_set_log_level(SSH_LOG_NOLOG);
	if (probe_setup(p, ctx, &t, &known_hosts, r) != 0)
		goto out;
	if ((conn = probe_ssh_connect(&t, deadline, r, &end)) == NULL)
		goto out;
	if (command == NULL) {
		probe_result_set_outcome(r, "ok");
		probe_result_summary(r, _("logged in to %s:%ld as %s"), t.host, t.port, t.user);
		goto out;
	}
	run_command(conn, &t, command, deadline, r);
out:
	probe_ssh_close(conn);
	free(known_hosts);
	ssh_finalize();
	return 0;
}

const struct probe_entry probe_ssh_entry = {
    .name = "ssh",
    .summary = N_("Logs in to an instance by SSH with a key, checks its host key, and runs a "
                  "command"),
    .params = ssh_params,
    .outcomes = ssh_outcomes,
    .facts = ssh_facts,
    .default_timeout_ms = 10000,
    .live_only = true,
    .run = probe_ssh_run,
};
