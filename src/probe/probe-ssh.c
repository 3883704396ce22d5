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
    {.name = "port",
     .type = PARAM_INT,
     .def = "22",
     .min = 1,
     .max = 65535,
     .help = N_("the SSH port")},
    {.name = "user", .type = PARAM_NAME, .def = "ubuntu", .help = N_("the user to log in as")},
    {.name = "key",
     .type = PARAM_PATH,
     .help = N_("the private key to log in with (default: Multipass's instance key "
                "on this platform, readable by root only)")},
    {.name = "known_hosts",
     .type = PARAM_PATH,
     .help = N_("the known_hosts file to check the host key against (default: "
                "$XDG_STATE_HOME/vmtriage/known_hosts; never ~/.ssh/known_hosts)")},
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

/* ---- one run ---------------------------------------------------------------- */

struct ssh_run {
	const struct probe_ctx *ctx;
	struct probe_result *r;
	int64_t deadline;
	long seconds;

	const char *host;
	long port;
	const char *user;
	const char *key_path;
	char *known_hosts;
	const char *command;
	bool accept_new;
	bool default_key;
	char *host_port; /* as known_hosts names it */

	ssh_key key; /* NULL when it could not be read: key_problem says why */
	char *key_fp;
	char *key_problem;

	int fd;     /* the TCP socket while it is ours; -1 once libssh has it */
	char *addr; /* the numeric address connected to, for evidence */
	ssh_session session;

	/* The command's end, as the channel callbacks report it. */
	int exit_status; /* -1 until it comes */
	char *exit_signal;
};

enum wait_result {
	WAIT_READY,
	WAIT_TIMEOUT,
	WAIT_CANCELLED,
};

static int64_t
now_ms(void)
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
wait_fd(const struct ssh_run *run, int fd, short events, short *revents)
{
	struct pollfd pfd;
	int64_t left;

	if (revents != NULL)
		*revents = 0;
	if (vt_cancelled)
		return WAIT_CANCELLED;
	if ((left = run->deadline - now_ms()) <= 0)
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
wait_session(const struct ssh_run *run)
{
	short events = POLLIN;

	if ((ssh_get_poll_flags(run->session) & SSH_WRITE_PENDING) != 0)
		events |= POLLOUT;
	return wait_fd(run, ssh_get_fd(run->session), events, NULL);
}

static void
set_cancelled(struct ssh_run *run)
{
	probe_result_set_outcome(run->r, OUTCOME_ERROR);
	probe_result_summary(run->r, "%s", _("cancelled"));
	probe_result_evidence(run->r, "%s", _("cancelled before the probe could finish"));
}

/* libssh's last error, cleaned for evidence; owned. */
static char *
session_error(const struct ssh_run *run)
{
	const char *e = run->session != NULL ? ssh_get_error(run->session) : NULL;

	if (e == NULL || *e == '\0')
		e = _("no detail from libssh");
	return probe_clean_line(e, strlen(e), MAX_LINE_BYTES);
}

static void
set_protocol_error(struct ssh_run *run, const char *what)
{
	char *e = session_error(run);

	probe_result_set_outcome(run->r, OUTCOME_ERROR);
	probe_result_summary(run->r, _("%s with %s:%ld: %s"), what, run->host, run->port, e);
	probe_result_evidence(run->r, "%s: %s", what, e);
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
load_key(struct ssh_run *run)
{
	struct host_result hr = {0};

	if (run->key_path == NULL) {
		run->key_problem = xstrdup(_("no key given, and Multipass keeps no key on this "
		                             "platform: give key="));
		return;
	}
	host_read_file(run->ctx->host, run->key_path, MAX_KEY_BYTES, &hr);
	switch (hr.status) {
	case HOST_OK:
		if (ssh_pki_import_privkey_base64(hr.out, NULL, NULL, NULL, &run->key) != SSH_OK) {
			run->key = NULL;
			run->key_problem = xasprintf(_("%s is not a private key this probe can use "
			                               "(or it is protected by a passphrase)"),
			                             run->key_path);
		} else
			run->key_fp = key_fingerprint(run->key);
		break;
	case HOST_NO_SUCH:
		run->key_problem = xasprintf(_("the key %s does not exist"), run->key_path);
		break;
	case HOST_DENIED:
		if (run->default_key)
			run->key_problem =
			    xasprintf(_("cannot read Multipass's key %s: permission "
			                "denied; it is readable by root only, so run "
			                "this probe with sudo"),
			              run->key_path);
		else
			run->key_problem =
			    xasprintf(_("cannot read the key %s: permission denied "
			                "(run with sudo, or give a key you can read)"),
			              run->key_path);
		break;
	default:
		run->key_problem = xasprintf(_("cannot read the key %s: %s"), run->key_path,
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
tcp_try(const struct ssh_run *run, const struct addrinfo *ai, int *fdp)
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
		w = wait_fd(run, fd, POLLOUT, &revents);
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
tcp_connect(struct ssh_run *run, char **cause)
{
	struct addrinfo hints, *res = NULL;
	char port[16];
	int gai, err = 0, last_err = 0;
	bool all_refused = true;
	enum tcp_result tr = TCP_FAILED;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	snprintf(port, sizeof port, "%ld", run->port);
	/*
	 * getaddrinfo blocks; a name (not an address) may take the resolver's
	 * own timeout. Multipass gives addresses, and a cancel still ends the
	 * probe's child process.
	 */
	if ((gai = getaddrinfo(run->host, port, &hints, &res)) != 0) {
		*cause = xasprintf(_("cannot resolve %s: %s"), run->host, gai_strerror(gai));
		return TCP_FAILED;
	}
	for (struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next) {
		free(run->addr);
		run->addr = numeric_addr(ai);
		err = tcp_try(run, ai, &run->fd);
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
		*cause = xasprintf(_("cannot connect to %s:%ld: %s"), run->host, run->port,
		                   strerror(last_err));
		tr = TCP_FAILED;
	}
out:
	freeaddrinfo(res);
	return tr;
}

/* ---- the SSH session -------------------------------------------------------- */

static int
session_new(struct ssh_run *run)
{
	int nolog = SSH_LOG_NOLOG, no = 0, yes = 1;
	unsigned int port = (unsigned int)run->port;
	long timeout = run->seconds;
	bool process_config = false;
	socket_t fd = run->fd;

	if ((run->session = ssh_new()) == NULL)
		return -1;
	/*
	 * known_hosts goes in twice: libssh also trusts a "global" file
	 * (/etc/ssh/ssh_known_hosts), and this probe trusts only its own.
	 */
	if (ssh_options_set(run->session, SSH_OPTIONS_LOG_VERBOSITY, &nolog) != 0 ||
	    ssh_options_set(run->session, SSH_OPTIONS_PROCESS_CONFIG, &process_config) != 0 ||
	    ssh_options_set(run->session, SSH_OPTIONS_HOST, run->host) != 0 ||
	    ssh_options_set(run->session, SSH_OPTIONS_PORT, &port) != 0 ||
	    ssh_options_set(run->session, SSH_OPTIONS_USER, run->user) != 0 ||
	    ssh_options_set(run->session, SSH_OPTIONS_KNOWNHOSTS, run->known_hosts) != 0 ||
	    ssh_options_set(run->session, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, run->known_hosts) != 0 ||
	    ssh_options_set(run->session, SSH_OPTIONS_TIMEOUT, &timeout) != 0 ||
	    ssh_options_set(run->session, SSH_OPTIONS_PASSWORD_AUTH, &no) != 0 ||
	    ssh_options_set(run->session, SSH_OPTIONS_KBDINT_AUTH, &no) != 0 ||
	    ssh_options_set(run->session, SSH_OPTIONS_GSSAPI_AUTH, &no) != 0 ||
	    ssh_options_set(run->session, SSH_OPTIONS_PUBKEY_AUTH, &yes) != 0 ||
	    ssh_options_set(run->session, SSH_OPTIONS_FD, &fd) != 0)
		return -1;
	ssh_set_blocking(run->session, 0);
	return 0;
}

/* The banner and key exchange. 0: done; -1: the outcome is set. */
static int
handshake(struct ssh_run *run)
{
	const char *banner = NULL;
	enum wait_result w;
	int rc;

	for (;;) {
		rc = ssh_connect(run->session);
		/* From here on the socket is libssh's: ssh_free closes it. */
		if (run->fd != -1 && ssh_get_fd(run->session) == run->fd)
			run->fd = -1;
		if (rc == SSH_OK)
			break;
		if (rc == SSH_ERROR) {
			set_protocol_error(run, _("the SSH handshake failed"));
			return -1;
		}
		if ((w = wait_session(run)) == WAIT_READY)
			continue;
		if (w == WAIT_CANCELLED) {
			set_cancelled(run);
			return -1;
		}
		probe_result_set_outcome(run->r, "timeout");
		if (ssh_get_serverbanner(run->session) == NULL) {
			probe_result_summary(
			    run->r,
			    _("%s:%ld accepted the connection but sent no SSH banner "
			      "within %ld s"),
			    run->host, run->port, run->seconds);
			probe_result_evidence(run->r,
			                      _("connected to %s:%ld (%s), but no SSH banner came "
			                        "within %ld s"),
			                      run->host, run->port, run->addr, run->seconds);
		} else {
			probe_result_summary(
			    run->r,
			    _("the SSH handshake with %s:%ld did not finish within "
			      "%ld s"),
			    run->host, run->port, run->seconds);
			probe_result_evidence(run->r,
			                      _("connected to %s:%ld (banner %s), but the key "
			                        "exchange did not finish within %ld s"),
			                      run->host, run->port,
			                      ssh_get_serverbanner(run->session), run->seconds);
		}
		return -1;
	}
	if ((banner = ssh_get_serverbanner(run->session)) != NULL) {
		char *clean = probe_clean_line(banner, strlen(banner), MAX_LINE_BYTES);

		probe_result_fact(run->r, "ssh.banner", "%s", clean);
		probe_result_evidence(run->r, _("connected to %s:%ld (banner %s)"), run->host,
		                      run->port, clean);
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
explain_changed(struct ssh_run *run, const char *fp, const char *type)
{
	struct host_result hr = {0};
	struct probe_ssh_known *known = NULL;
	size_t n = 0;

	if (host_read_file(run->ctx->host, run->known_hosts, MAX_KNOWN_HOSTS, &hr) == 0)
		n = probe_ssh_known_scan(hr.out, hr.out_len, run->host_port, &known);
	for (size_t i = 0; i < n; i++)
		probe_result_evidence(run->r, _("known key %s (%s) for %s at %s:%lu"),
		                      known[i].fingerprint, known[i].type, run->host_port,
		                      run->known_hosts, known[i].lineno);
	if (n > 0) {
		probe_result_summary(run->r,
		                     _("the host key of %s:%ld changed: it is now %s (%s), but "
		                       "%s line %lu holds %s (%s)"),
		                     run->host, run->port, fp, type, run->known_hosts,
		                     known[0].lineno, known[0].fingerprint, known[0].type);
		probe_result_evidence(
		    run->r,
		    _("if the change is expected (the instance was made again), "
		      "remove line %lu of %s, or run: ssh-keygen -R '%s' -f '%s'"),
		    known[0].lineno, run->known_hosts, run->host_port, run->known_hosts);
	} else
		probe_result_summary(run->r,
		                     _("the host key of %s:%ld changed: it is now %s (%s), and "
		                       "%s holds another"),
		                     run->host, run->port, fp, type, run->known_hosts);
	probe_ssh_known_free(known, n);
	host_result_free(&hr);
}

/*
 * libssh says UNKNOWN or NOT_FOUND for a known_hosts file it cannot open; one
 * that exists but may not be read must not pass for "the host is unknown".
 * Returns whether that is so (and then the outcome is set).
 */
static bool
known_hosts_unreadable(struct ssh_run *run)
{
	struct host_result hr = {0};
	bool bad = false;

	host_read_file(run->ctx->host, run->known_hosts, MAX_KNOWN_HOSTS, &hr);
	if (hr.status != HOST_OK && hr.status != HOST_NO_SUCH) {
		probe_result_set_outcome(run->r, OUTCOME_ERROR);
		probe_result_summary(run->r, _("cannot read %s: %s"), run->known_hosts,
		                     hr.message != NULL ? hr.message : "?");
		bad = true;
	}
	host_result_free(&hr);
	return bad;
}

/* 0: the key is trusted (perhaps just now); -1: the outcome is set. */
static int
check_host_key(struct ssh_run *run)
{
	ssh_key server_key = NULL;
	char *fp = NULL;
	const char *type = NULL;
	enum ssh_known_hosts_e state;
	int rc = -1;

	if (ssh_get_server_publickey(run->session, &server_key) != SSH_OK) {
		set_protocol_error(run, _("the server sent no host key"));
		return -1;
	}
	fp = key_fingerprint(server_key);
	type = key_type_name(server_key);
	if (fp == NULL)
		fp = xstrdup("?");
	probe_result_fact(run->r, "ssh.hostkey", "%s", fp);
	state = ssh_session_is_known_server(run->session);
	switch (state) {
	case SSH_KNOWN_HOSTS_OK:
		probe_result_evidence(run->r, _("host key %s (ok)"), fp);
		rc = 0;
		break;
	case SSH_KNOWN_HOSTS_UNKNOWN:
	case SSH_KNOWN_HOSTS_NOT_FOUND: /* no file yet: nothing is known */
		if (known_hosts_unreadable(run)) {
			probe_result_evidence(run->r, _("host key %s (not checked)"), fp);
			break;
		}
		if (!run->accept_new) {
			probe_result_evidence(run->r, _("host key %s (unknown)"), fp);
			probe_result_evidence(run->r, _("%s holds no key for %s"), run->known_hosts,
			                      run->host_port);
			probe_result_set_outcome(run->r, "hostkey_unknown");
			probe_result_summary(run->r,
			                     _("the host key of %s:%ld (%s %s) is not known yet; "
			                       "check it on the instance (ssh-keygen -lf "
			                       "/etc/ssh/ssh_host_*_key.pub) and run again with "
			                       "accept_new=true"),
			                     run->host, run->port, type, fp);
			break;
		}
		if (make_parent_dirs(run->known_hosts) != 0) {
			probe_result_set_outcome(run->r, OUTCOME_ERROR);
			probe_result_summary(run->r, _("cannot make the directory for %s: %s"),
			                     run->known_hosts, strerror(errno));
			probe_result_evidence(run->r, _("host key %s (unknown)"), fp);
			break;
		}
		if (ssh_session_update_known_hosts(run->session) != SSH_OK) {
			char *e = session_error(run);

			probe_result_set_outcome(run->r, OUTCOME_ERROR);
			probe_result_summary(run->r, _("cannot record the host key in %s: %s"),
			                     run->known_hosts, e);
			probe_result_evidence(run->r, _("host key %s (unknown)"), fp);
			free(e);
			break;
		}
		probe_result_evidence(run->r, _("host key %s (unknown, now recorded in %s)"), fp,
		                      run->known_hosts);
		rc = 0;
		break;
	case SSH_KNOWN_HOSTS_CHANGED:
	case SSH_KNOWN_HOSTS_OTHER: /* only keys of another type known: as suspect as a change */
		probe_result_set_outcome(run->r, "hostkey_changed");
		probe_result_evidence(run->r, _("host key %s (changed)"), fp);
		explain_changed(run, fp, type);
		break;
	case SSH_KNOWN_HOSTS_ERROR:
	default:
		set_protocol_error(run, _("checking the host key against known_hosts failed"));
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

/* Repeats a non-blocking auth call until it ends. SSH_AUTH_AGAIN back means: stopped, outcome set.
 */
static int
auth_wait(struct ssh_run *run, bool with_key)
{
	enum wait_result w;
	int rc;

	for (;;) {
		rc = with_key ? ssh_userauth_publickey(run->session, NULL, run->key)
		              : ssh_userauth_none(run->session, NULL);
		if (rc != SSH_AUTH_AGAIN)
			return rc;
		if ((w = wait_session(run)) == WAIT_READY)
			continue;
		if (w == WAIT_CANCELLED)
			set_cancelled(run);
		else {
			probe_result_set_outcome(run->r, "timeout");
			probe_result_summary(run->r,
			                     _("%s:%ld did not finish the login within %ld s"),
			                     run->host, run->port, run->seconds);
			probe_result_evidence(run->r, _("logging in as %s: no answer within %ld s"),
			                      run->user, run->seconds);
		}
		return SSH_AUTH_AGAIN;
	}
}

static void
set_denied(struct ssh_run *run, const char *why)
{
	char *methods = auth_methods(ssh_userauth_list(run->session, NULL));

	probe_result_set_outcome(run->r, "auth_denied");
	probe_result_summary(run->r, _("%s:%ld refused the key %s for user %s"), run->host,
	                     run->port, run->key_path, run->user);
	probe_result_evidence(run->r, "%s", why);
	probe_result_evidence(run->r, _("the server offers: %s"), methods);
	free(methods);
}

/* 0: logged in; -1: the outcome is set. */
static int
authenticate(struct ssh_run *run)
{
	char *why = NULL;
	int rc;

	probe_progress(run->ctx, _("logging in as %s"), run->user);
	/* "none" first: it is how a client learns which methods the server offers. */
	if ((rc = auth_wait(run, false)) == SSH_AUTH_AGAIN)
		return -1;
	if (rc == SSH_AUTH_SUCCESS) {
		probe_result_evidence(
		    run->r, _("authenticated as %s (the server asked for no key)"), run->user);
		return 0;
	}
	if (rc == SSH_AUTH_ERROR) {
		set_protocol_error(run, _("logging in failed"));
		return -1;
	}
	if (run->key == NULL) {
		probe_result_set_outcome(run->r, OUTCOME_ERROR);
		probe_result_summary(run->r, "%s", run->key_problem);
		probe_result_evidence(run->r, "%s", run->key_problem);
		return -1;
	}
	if ((ssh_userauth_list(run->session, NULL) & SSH_AUTH_METHOD_PUBLICKEY) == 0) {
		why = xasprintf(_("the server takes no keys for user %s"), run->user);
		set_denied(run, why);
		free(why);
		return -1;
	}
	rc = auth_wait(run, true);
	switch (rc) {
	case SSH_AUTH_AGAIN:
		return -1;
	case SSH_AUTH_SUCCESS:
		probe_result_evidence(run->r, _("authenticated as %s with %s (%s)"), run->user,
		                      run->key_path, run->key_fp != NULL ? run->key_fp : "?");
		return 0;
	case SSH_AUTH_PARTIAL:
		why = xasprintf(_("the server took key %s (%s) for user %s but wants more than a "
		                  "key, and this probe never uses a password"),
		                run->key_path, run->key_fp != NULL ? run->key_fp : "?", run->user);
		set_denied(run, why);
		break;
	case SSH_AUTH_DENIED:
		why = xasprintf(_("the server refused key %s (%s) for user %s"), run->key_path,
		                run->key_fp != NULL ? run->key_fp : "?", run->user);
		set_denied(run, why);
		break;
	default:
		set_protocol_error(run, _("logging in failed"));
		break;
	}
	free(why);
	return -1;
}

/* ---- the command ------------------------------------------------------------ */

static void
on_exit_status(ssh_session session, ssh_channel channel, int status, void *userdata)
{
	struct ssh_run *run = userdata;

	(void)session;
	(void)channel;
	run->exit_status = status;
}

static void
on_exit_signal(ssh_session session, ssh_channel channel, const char *signal, int core,
               const char *errmsg, const char *lang, void *userdata)
{
	struct ssh_run *run = userdata;

	(void)session;
	(void)channel;
	(void)core;
	(void)errmsg;
	(void)lang;
	free(run->exit_signal);
	run->exit_signal = xstrdup(signal != NULL ? signal : "?");
}

/* Appends up to the limit; returns whether bytes were dropped. */
static bool
keep_output(struct strbuf *sb, const char *buf, size_t n)
{
	if (sb->len >= MAX_OUTPUT)
		return n > 0;
	if (n > MAX_OUTPUT - sb->len) {
		strbuf_add(sb, buf, MAX_OUTPUT - sb->len);
		return true;
	}
	strbuf_add(sb, buf, n);
	return false;
}

/* Reads what both streams hold. 1: something came; 0: nothing; -1: the session failed. */
static int
drain(ssh_channel ch, struct strbuf *out, struct strbuf *err, bool *truncated)
{
	char buf[16384];
	int got = 0;

	for (int stream = 0; stream < 2; stream++) {
		int n;

		while ((n = ssh_channel_read_nonblocking(ch, buf, sizeof buf, stream)) > 0) {
			if (keep_output(stream == 0 ? out : err, buf, (size_t)n))
				*truncated = true;
			got = 1;
		}
		if (n == SSH_ERROR)
			return -1;
	}
	return got;
}

static void
command_result(struct ssh_run *run, const struct strbuf *out, const struct strbuf *err,
               bool truncated)
{
	const char *o = out->buf != NULL ? out->buf : "";
	const char *nl = memchr(o, '\n', out->len);
	char *first = probe_clean_line(o, nl != NULL ? (size_t)(nl - o) : out->len, MAX_LINE_BYTES);

	probe_result_fact(run->r, "ssh.output", "%s", first);
	free(first);
	probe_tail_lines(&run->r->evidence, "", o, out->len, MAX_TAIL_LINES);
	probe_tail_lines(&run->r->evidence, "stderr: ", err->buf != NULL ? err->buf : "", err->len,
	                 MAX_TAIL_LINES);
	if (truncated)
		probe_result_evidence(run->r, "%s", _("(output beyond 1 MiB was dropped)"));
}

/* Runs the command on a session channel. 0: it ended; -1: the outcome is set. */
static int
run_command(struct ssh_run *run)
{
	struct ssh_channel_callbacks_struct cb;
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	ssh_channel ch = NULL;
	ssh_event events = NULL;
	enum wait_result w = WAIT_READY;
	bool truncated = false;
	char *shown = probe_clean_line(run->command, strlen(run->command), MAX_LINE_BYTES);
	int rc = -1, step;

	probe_progress(run->ctx, _("running: %s"), shown);
	probe_result_evidence(run->r, "$ %s", shown);
	if ((ch = ssh_channel_new(run->session)) == NULL) {
		set_protocol_error(run, _("opening a channel failed"));
		goto out;
	}
	memset(&cb, 0, sizeof cb);
	cb.userdata = run;
	cb.channel_exit_status_function = on_exit_status;
	cb.channel_exit_signal_function = on_exit_signal;
	ssh_callbacks_init(&cb);
	ssh_set_channel_callbacks(ch, &cb);

	/* Open, then exec, then read until the server closes the channel. */
	for (step = 0; step < 2;) {
		int r = step == 0 ? ssh_channel_open_session(ch)
		                  : ssh_channel_request_exec(ch, run->command);

		if (r == SSH_OK) {
			step++;
			continue;
		}
		if (r == SSH_ERROR) {
			set_protocol_error(run, step == 0
			                            ? _("opening a session channel failed")
			                            : _("the server would not run the command"));
			goto out;
		}
		if ((w = wait_session(run)) != WAIT_READY)
			break;
	}
	events = ssh_event_new();
	if (events == NULL || ssh_event_add_session(events, run->session) != SSH_OK) {
		set_protocol_error(run, _("libssh could not watch the session"));
		goto out;
	}
	while (w == WAIT_READY) {
		int got = drain(ch, &out, &err, &truncated);

		if (got == -1) {
			set_protocol_error(run, _("reading the command's output failed"));
			goto out;
		}
		if (got == 1)
			continue;
		/* The exit status comes after EOF and before the close. */
		if (ssh_channel_is_closed(ch) ||
		    (ssh_channel_is_eof(ch) &&
		     (run->exit_status != -1 || run->exit_signal != NULL)))
			break;
		w = wait_session(run);
		/*
		 * After EOF, reading the channel no longer makes libssh handle
		 * packets, so the exit-status message would wait unread until the
		 * deadline: let libssh process what has arrived.
		 */
		if (w == WAIT_READY && ssh_channel_is_eof(ch))
			ssh_event_dopoll(events, 0);
	}
	if (w == WAIT_CANCELLED) {
		command_result(run, &out, &err, truncated);
		set_cancelled(run);
		goto out;
	}
	command_result(run, &out, &err, truncated);
	if (w == WAIT_TIMEOUT) {
		probe_result_set_outcome(run->r, "timeout");
		probe_result_summary(run->r,
		                     _("logged in to %s:%ld as %s, but '%s' did not finish within "
		                       "%ld s"),
		                     run->host, run->port, run->user, shown, run->seconds);
		probe_result_evidence(run->r, _("still running after %ld s"), run->seconds);
		goto out;
	}
	if (run->exit_status != -1) {
		probe_result_fact(run->r, "ssh.exit_status", "%d", run->exit_status);
		probe_result_evidence(run->r, _("exit status %d"), run->exit_status);
		probe_result_summary(run->r,
		                     _("logged in to %s:%ld as %s; '%s' exited with status %d"),
		                     run->host, run->port, run->user, shown, run->exit_status);
	} else if (run->exit_signal != NULL) {
		probe_result_evidence(run->r, _("ended by signal %s"), run->exit_signal);
		probe_result_summary(run->r,
		                     _("logged in to %s:%ld as %s; '%s' was ended by signal %s"),
		                     run->host, run->port, run->user, shown, run->exit_signal);
	} else {
		probe_result_evidence(run->r, "%s", _("the server sent no exit status"));
		probe_result_summary(run->r,
		                     _("logged in to %s:%ld as %s and ran '%s' (no exit status)"),
		                     run->host, run->port, run->user, shown);
	}
	probe_result_set_outcome(run->r, "ok");
	rc = 0;
out:
	if (events != NULL) {
		ssh_event_remove_session(events, run->session);
		ssh_event_free(events);
	}
	if (ch != NULL) {
		ssh_channel_close(ch);
		ssh_channel_free(ch);
	}
	strbuf_free(&out);
	strbuf_free(&err);
	free(shown);
	return rc;
}

/* ---- the probe -------------------------------------------------------------- */

/* Fills run from the parameters. -1: a parameter cannot be used; the outcome is set. */
static int
run_setup(struct ssh_run *run, const struct params *p)
{
	char *why = NULL;

	run->host = params_get(p, "host");
	run->port = params_get_long(p, "port", 22);
	run->user = params_get(p, "user");
	run->command = params_get(p, "command");
	run->accept_new = params_get_bool(p, "accept_new", false);
	run->seconds = params_get_long(p, "seconds", 10);
	run->key_path = params_get(p, "key");
	if (run->key_path == NULL) {
		run->key_path = platform_multipass_ssh_key(VT_PLATFORM);
		run->default_key = true;
	}
	if ((why = probe_ssh_check_host(run->host)) != NULL)
		goto bad;
	if (params_get(p, "known_hosts") != NULL)
		run->known_hosts = xstrdup(params_get(p, "known_hosts"));
	else if ((run->known_hosts = probe_ssh_known_hosts_default()) == NULL) {
		why = xstrdup(_("neither XDG_STATE_HOME nor HOME is set, so there is no "
		                "known_hosts file: give known_hosts="));
		goto bad;
	}
	run->host_port = probe_ssh_host_port(run->host, run->port);
	return 0;
bad:
	probe_result_set_outcome(run->r, OUTCOME_ERROR);
	probe_result_summary(run->r, "%s", why);
	probe_result_evidence(run->r, "%s", why);
	free(why);
	return -1;
}

static void
run_connect_failed(struct ssh_run *run, enum tcp_result tr, const char *cause)
{
	switch (tr) {
	case TCP_REFUSED:
		probe_result_set_outcome(run->r, "refused");
		probe_result_summary(run->r,
		                     _("nothing listens on %s:%ld: the connection was refused (is "
		                       "sshd running on the instance?)"),
		                     run->host, run->port);
		probe_result_evidence(run->r, _("connecting to %s:%ld (%s): connection refused"),
		                      run->host, run->port, run->addr);
		break;
	case TCP_TIMEOUT:
		probe_result_set_outcome(run->r, "timeout");
		probe_result_summary(
		    run->r,
		    _("%s:%ld did not answer within %ld s (the instance is not up, "
		      "or a firewall drops the packets)"),
		    run->host, run->port, run->seconds);
		probe_result_evidence(run->r,
		                      _("connecting to %s:%ld (%s): no answer within %ld s"),
		                      run->host, run->port, run->addr, run->seconds);
		break;
	case TCP_CANCELLED:
		set_cancelled(run);
		break;
	default:
		probe_result_set_outcome(run->r, OUTCOME_ERROR);
		probe_result_summary(run->r, "%s", cause != NULL ? cause : "?");
		probe_result_evidence(run->r, "%s", cause != NULL ? cause : "?");
		break;
	}
}

static int
probe_ssh_run(const struct params *p, const struct probe_ctx *ctx, struct probe_result *r)
{
	struct ssh_run run;
	enum tcp_result tr;
	char *cause = NULL;

	memset(&run, 0, sizeof run);
	run.ctx = ctx;
	run.r = r;
	run.deadline = now_ms() + ctx->timeout_ms;
	run.fd = -1;
	run.exit_status = -1;
	ssh_init();
	ssh_set_log_level(SSH_LOG_NOLOG);
	if (run_setup(&run, p) != 0)
		goto out;
	load_key(&run);

	probe_progress(ctx, _("connecting to %s:%ld"), run.host, run.port);
	if ((tr = tcp_connect(&run, &cause)) != TCP_CONNECTED) {
		run_connect_failed(&run, tr, cause);
		goto out;
	}
	probe_progress(ctx, _("connected to %s:%ld, waiting for the SSH banner"), run.host,
	               run.port);
	if (session_new(&run) != 0) {
		set_protocol_error(&run, _("setting up libssh failed"));
		goto out;
	}
	if (handshake(&run) != 0 || check_host_key(&run) != 0 || authenticate(&run) != 0)
		goto out;
	if (run.command == NULL) {
		probe_result_set_outcome(r, "ok");
		probe_result_summary(r, _("logged in to %s:%ld as %s"), run.host, run.port,
		                     run.user);
		goto out;
	}
	run_command(&run);

out:
	if (run.session != NULL) {
		ssh_disconnect(run.session);
		ssh_free(run.session);
	}
	if (run.fd != -1)
		close(run.fd);
	ssh_key_free(run.key);
	free(run.key_fp);
	free(run.key_problem);
	free(run.known_hosts);
	free(run.host_port);
	free(run.addr);
	free(run.exit_signal);
	free(cause);
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
    .run = probe_ssh_run,
};
