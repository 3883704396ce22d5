/*
 * host-ssh.c: a machine reached over SSH, as a host: the guest probe's way
 * into an instance. Connecting is the ssh probe's own code (probe-ssh.h):
 * one TCP connection, the host key checked against known_hosts (an unknown
 * or changed key is refused, never recorded), a login with the given key,
 * or the agent and ~/.ssh's keys when none is given, never a password.
 *
 * Every call is one exec channel on that session. Commands reach the user's
 * shell on the server, so argv is quoted for a POSIX shell (argv_quote);
 * files are read with `cat`, looked at with `ls -ldL` and listed with
 * `ls -A1`, all under LC_ALL=C so their complaints ("No such file or
 * directory", "Permission denied") can be told apart.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libssh/libssh.h>

#include "host/host.h"
#include "platform/paths.h"
#include "probe/probe-ssh.h"
#include "probe/probe.h"
#include "util/util.h"

#define DEFAULT_CONNECT_MS 10000
#define DEFAULT_RUN_MS 30000
#define DEFAULT_MAX_BYTES (1024 * 1024)
#define MAX_MESSAGE_BYTES 200

struct ssh_host {
	struct probe_ssh_conn *conn;
	char *name; /* "user@address:port", for messages */
	int op_ms;  /* the time a file operation may take */
};

static struct ssh_host *
priv(struct host *h)
{
	return h->priv;
}

/* "env LC_ALL=C" and any extra NAME=VALUE, then argv, quoted for the remote shell; owned. */
static char *
remote_command(const char *const *argv, const char *const *env, bool c_locale)
{
	size_t n = 0, ne = 0, k = 0;
	const char **words = NULL;
	char *line = NULL;

	while (argv[n] != NULL)
		n++;
	while (env != NULL && env[ne] != NULL)
		ne++;
	words = xcalloc(n + ne + 3, sizeof *words);
	if (c_locale || ne > 0)
		words[k++] = "env";
	if (c_locale)
		words[k++] = "LC_ALL=C";
	for (size_t i = 0; i < ne; i++)
		words[k++] = env[i];
	for (size_t i = 0; i < n; i++)
		words[k++] = argv[i];
	words[k] = NULL;
	line = argv_quote(words);
	free(words);
	return line;
}

/* The first line of a command's stderr, cleaned, for a message; owned. */
static char *
first_line(const struct strbuf *sb)
{
	const char *s = sb->buf != NULL ? sb->buf : "";
	const char *nl = memchr(s, '\n', sb->len);

	return probe_clean_line(s, nl != NULL ? (size_t)(nl - s) : sb->len, MAX_MESSAGE_BYTES);
}

static int
signal_number(const char *name)
{
	static const struct {
		const char *name;
		int number;
	} sigs[] = {
	    {"HUP", 1},   {"INT", 2},   {"QUIT", 3},  {"ILL", 4},   {"ABRT", 6},
	    {"FPE", 8},   {"KILL", 9},  {"USR1", 10}, {"SEGV", 11}, {"USR2", 12},
	    {"PIPE", 13}, {"ALRM", 14}, {"TERM", 15},
	};

	for (size_t i = 0; i < nitems(sigs); i++) {
		if (strcmp(name, sigs[i].name) == 0)
			return sigs[i].number;
	}
	return 127; /* 128+127: "a signal", which one unknown */
}

/*
 * Runs one command line. Fills status, exit_code, truncated and, when the
 * command did not end on its own, message. out and err are left in ex.
 */
static void
exec_line(struct host *h, const char *line, const char *what, int timeout_ms, size_t max,
          bool stop_when_full, const char *stdin_data, struct probe_ssh_exec *ex,
          struct host_result *r)
{
	struct ssh_host *sh = priv(h);
	int64_t start = probe_ssh_now_ms();

	memset(ex, 0, sizeof *ex);
	ex->command = line;
	ex->stdin_data = stdin_data;
	ex->send_eof = true;
	ex->max_output = max;
	ex->stop_when_full = stop_when_full;
	ex->deadline = start + timeout_ms;
	if (vt_cancelled) {
		r->status = HOST_CANCELLED;
		r->message = xstrdup(_("cancelled before it started"));
		return;
	}
	probe_ssh_exec(sh->conn, ex);
	r->elapsed_ms = (long)(probe_ssh_now_ms() - start);
	r->truncated = ex->truncated;
	switch (ex->end) {
	case PROBE_SSH_OK:
		if (ex->exit_status != -1)
			r->exit_code = ex->exit_status;
		else if (ex->exit_signal != NULL)
			r->exit_code = 128 + signal_number(ex->exit_signal);
		else if (!stop_when_full || !ex->truncated) {
			r->status = HOST_ERROR;
			r->message = xasprintf(_("'%s' on %s: the server sent no exit status"),
			                       what, sh->name);
			return;
		}
		r->status = HOST_OK;
		break;
	case PROBE_SSH_TIMEOUT:
		r->status = HOST_TIMEOUT;
		r->message = xasprintf(_("'%s' on %s did not finish within %d s and was stopped"),
		                       what, sh->name, (timeout_ms + 999) / 1000);
		break;
	case PROBE_SSH_CANCELLED:
		r->status = HOST_CANCELLED;
		r->message = xasprintf(_("'%s' on %s was stopped: cancelled"), what, sh->name);
		break;
	default:
		r->status = HOST_ERROR;
		r->message = xasprintf(_("'%s' on %s: %s: %s"), what, sh->name,
		                       ex->failed != NULL ? ex->failed : "?",
		                       ex->error != NULL ? ex->error : "?");
		break;
	}
}

/* Moves ex's output into r. */
static void
take_output(struct probe_ssh_exec *ex, struct host_result *r)
{
	r->out_len = ex->out.len;
	r->out = strbuf_detach(&ex->out);
	r->err_len = ex->err.len;
	r->err = strbuf_detach(&ex->err);
}

static int
ssh_run(struct host *h, const char *const *argv, const struct host_run_opts *opts,
        struct host_result *r)
{
	struct ssh_host *sh = priv(h);
	struct probe_ssh_exec ex;
	int timeout = opts != NULL && opts->timeout_ms > 0 ? opts->timeout_ms : DEFAULT_RUN_MS;
	size_t max = opts != NULL && opts->max_output > 0 ? opts->max_output : DEFAULT_MAX_BYTES;
	char *line = remote_command(argv, opts != NULL ? opts->env : NULL, false);
	char *why = NULL;

	exec_line(h, line, argv[0], timeout, max, false, opts != NULL ? opts->stdin_data : NULL,
	          &ex, r);
	/* The shell says 127 and "not found" for a program it cannot find, 126 when it may not run
	 * it. */
	if (r->status == HOST_OK && (r->exit_code == 127 || r->exit_code == 126) &&
	    ex.err.buf != NULL && strstr(ex.err.buf, argv[0]) != NULL) {
		why = first_line(&ex.err);
		if (r->exit_code == 127 && (strstr(ex.err.buf, "not found") != NULL ||
		                            strstr(ex.err.buf, "No such file") != NULL)) {
			r->status = HOST_NO_SUCH;
			r->message = xasprintf(_("program '%s' was not found on %s (%s)"), argv[0],
			                       sh->name, why);
		} else if (r->exit_code == 126 && strstr(ex.err.buf, "ermission denied") != NULL) {
			r->status = HOST_DENIED;
			r->message = xasprintf(_("program '%s' cannot be run on %s (%s)"), argv[0],
			                       sh->name, why);
		}
	}
	take_output(&ex, r);
	probe_ssh_exec_free(&ex);
	free(why);
	free(line);
	return r->status == HOST_OK ? 0 : -1;
}

/* What `cat` or `ls` said on stderr about path, as a status and a message like the live host's. */
static void
file_failed(struct host *h, const char *path, const struct strbuf *err, struct host_result *r)
{
	const char *e = err->buf != NULL ? err->buf : "";
	char *why = NULL;

	if (strstr(e, "No such file or directory") != NULL ||
	    strstr(e, "Not a directory") != NULL) {
		r->status = HOST_NO_SUCH;
		r->message = xasprintf(_("%s does not exist on %s"), path, priv(h)->name);
	} else if (strstr(e, "Permission denied") != NULL) {
		r->status = HOST_DENIED;
		r->message =
		    xasprintf(_("%s cannot be read on %s: permission denied"), path, priv(h)->name);
	} else if (strstr(e, "Is a directory") != NULL) {
		r->status = HOST_NOT_REGULAR;
		r->message = xasprintf(_("%s is a directory, not a file"), path);
	} else {
		why = first_line(err);
		r->status = HOST_ERROR;
		r->message = xasprintf(_("%s cannot be read on %s: %s"), path, priv(h)->name,
		                       *why != '\0' ? why : _("no reason given"));
	}
	free(why);
}

static int
ssh_read_file(struct host *h, const char *path, size_t max, struct host_result *r)
{
	struct probe_ssh_exec ex;
	char *line = NULL;

	if (max == 0)
		max = DEFAULT_MAX_BYTES;
	line = remote_command((const char *const[]){"cat", "--", path, NULL}, NULL, true);
	/* One byte more than max tells "too big"; the rest is not fetched. */
	exec_line(h, line, "cat", priv(h)->op_ms, max + 1, true, NULL, &ex, r);
	if (r->status == HOST_OK && ex.out.len > max) {
		ex.out.len = max;
		ex.out.buf[max] = '\0';
		r->status = HOST_TOO_BIG;
		r->truncated = true;
		r->message =
		    xasprintf(_("%s is larger than %zu bytes; only the start was read"), path, max);
	} else if (r->status == HOST_OK && r->exit_code != 0) {
		file_failed(h, path, &ex.err, r);
		strbuf_reset(&ex.out);
	}
	take_output(&ex, r);
	/* A file's contents are not a command's: no exit code, no stderr. */
	r->exit_code = -1;
	free(r->err);
	r->err = NULL;
	r->err_len = 0;
	probe_ssh_exec_free(&ex);
	free(line);
	return r->status == HOST_OK ? 0 : -1;
}

static int
ssh_stat(struct host *h, const char *path, char *kind)
{
	struct host_result r;
	struct probe_ssh_exec ex;
	char *line =
	    remote_command((const char *const[]){"ls", "-ldL", "--", path, NULL}, NULL, true);
	int rc = -1;

	memset(&r, 0, sizeof r);
	exec_line(h, line, "ls", priv(h)->op_ms, 4096, false, NULL, &ex, &r);
	if (r.status == HOST_OK && r.exit_code == 0 && ex.out.len > 0) {
		/* The mode's first letter: '-' a file, 'd' a directory, others the rest. */
		*kind = ex.out.buf[0] == '-' ? 'f' : ex.out.buf[0] == 'd' ? 'd' : 'o';
		rc = 1;
	} else if (r.status == HOST_OK) {
		file_failed(h, path, &ex.err, &r);
		rc = r.status == HOST_NO_SUCH ? 0 : -1;
	}
	probe_ssh_exec_free(&ex);
	free(r.message);
	free(line);
	return rc;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
ssh_list_dir(struct host *h, const char *path, struct host_result *r)
{
	struct probe_ssh_exec ex;
	struct strlist names = STRLIST_INIT;
	struct strbuf sb = STRBUF_INIT;
	size_t n = strlen(path);
	/* "DIR/." lists DIR, and fails ("Not a directory") for a file that ls would just name. */
	char *dot = xasprintf("%s%s", path, n > 0 && path[n - 1] == '/' ? "." : "/.");
	char *line =
	    remote_command((const char *const[]){"ls", "-A1", "--", dot, NULL}, NULL, true);

	exec_line(h, line, "ls", priv(h)->op_ms, DEFAULT_MAX_BYTES, false, NULL, &ex, r);
	if (r->status == HOST_OK && r->exit_code != 0)
		file_failed(h, path, &ex.err, r);
	if (r->status == HOST_OK) {
		const char *p = ex.out.buf, *end = ex.out.buf + ex.out.len;

		while (p < end) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t ll = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);

			if (ll > 0)
				strlist_take(&names, xstrndup(p, ll));
			p = nl != NULL ? nl + 1 : end;
		}
		if (names.n > 0)
			qsort(names.v, names.n, sizeof *names.v, cmp_names);
		for (size_t i = 0; i < names.n; i++)
			strbuf_addf(&sb, "%s\n", names.v[i]);
	}
	r->exit_code = -1;
	r->out_len = sb.len;
	r->out = strbuf_detach(&sb);
	probe_ssh_exec_free(&ex);
	strlist_free(&names);
	free(line);
	free(dot);
	return r->status == HOST_OK ? 0 : -1;
}

static const char *
ssh_os(struct host *h)
{
	(void)h;
	return "linux";
}

static time_t
ssh_now(struct host *h)
{
	(void)h;
	return time(NULL);
}

static void
ssh_close(struct host *h)
{
	struct ssh_host *sh = priv(h);

	probe_ssh_close(sh->conn);
	free(sh->name);
	free(sh);
	free(h);
	ssh_finalize();
}

static const struct host_ops ssh_ops = {
    .name = "ssh",
    .read_file = ssh_read_file,
    .run = ssh_run,
    .stat = ssh_stat,
    .list_dir = ssh_list_dir,
    .os = ssh_os,
    .now = ssh_now,
    .close = ssh_close,
};

struct host *
host_ssh_open(const struct host_remote *rem, char **err)
{
	struct probe_ssh_target t;
	struct probe_result story;
	struct probe_ssh_conn *conn = NULL;
	struct ssh_host *sh = NULL;
	struct host *h = NULL;
	enum probe_ssh_end end = PROBE_SSH_ERROR;
	int timeout = rem->timeout_ms > 0 ? rem->timeout_ms : DEFAULT_CONNECT_MS;
	char *known_hosts = NULL, *why = NULL;

	*err = NULL;
	memset(&story, 0, sizeof story);
	if ((why = probe_ssh_check_host(rem->address)) != NULL) {
		*err = xasprintf("%s: %s", probe_ssh_end_name(PROBE_SSH_ERROR), why);
		free(why);
		return NULL;
	}
	if (rem->known_hosts != NULL)
		known_hosts = xstrdup(rem->known_hosts);
	else if ((known_hosts = probe_ssh_known_hosts_default()) == NULL) {
		*err = xasprintf("%s: %s", probe_ssh_end_name(PROBE_SSH_ERROR),
		                 _("neither XDG_STATE_HOME nor HOME is set, so there is no "
		                   "known_hosts file"));
		return NULL;
	}
	memset(&t, 0, sizeof t);
	t.host = rem->address;
	t.port = rem->port > 0 ? rem->port : 22;
	t.user = rem->user != NULL ? rem->user : "ubuntu";
	t.key_path = rem->key;
	t.use_agent = rem->key == NULL;
	/* Multipass's own key is root's: say so when it cannot be read. */
	t.default_key =
	    rem->key != NULL && str_eq(rem->key, platform_multipass_ssh_key(host_os(host_live())));
	t.known_hosts = known_hosts;
	t.seconds = (timeout + 999) / 1000;
	t.files = host_live();

	ssh_init();
	ssh_set_log_level(SSH_LOG_NOLOG);
	conn = probe_ssh_connect(&t, probe_ssh_now_ms() + timeout, &story, &end);
	if (conn == NULL) {
		*err = probe_ssh_err_format(end, &story);
		ssh_finalize();
		goto out;
	}
	sh = xcalloc(1, sizeof *sh);
	sh->conn = conn;
	sh->name = xasprintf("%s@%s:%ld", t.user, t.host, t.port);
	sh->op_ms = timeout;
	h = xcalloc(1, sizeof *h);
	h->ops = &ssh_ops;
	h->priv = sh;
out:
	probe_result_free(&story);
	free(known_hosts);
	return h;
}
