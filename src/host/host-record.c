/*
 * host-record.c: a host that passes every call to another and keeps what
 * came back in a snapshot. `vmtriage collect` runs probes through it, so a
 * snapshot holds exactly what the probes read, and nothing they did not.
 * Secrets never reach the snapshot: contents and outputs pass through
 * redact_secrets first, and every cut is listed as left out.
 *
 * A collection is one moment: a question asked twice (two process probes
 * both run ps) is answered the second time from the record, so every probe
 * sees, and the snapshot keeps, the same answer.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "host/snapshot-internal.h"
#include "host/snapshot.h"
#include "probe/probe.h"
#include "util/redact.h"
#include "util/util.h"

struct rec_host {
	struct host host;
	struct host *inner;
	struct snapshot *s;
	struct host *replay; /* answers what was already recorded */
	bool owns_inner;     /* a remote this recorder opened */
};

static struct rec_host *
rec_of(struct host *h)
{
	return h->priv;
}

/* The bytes as they may be kept; *cleaned (owned) is NULL when nothing was cut. */
static const char *
scrub(struct rec_host *rh, const char *what, const char *p, size_t len, size_t *out_len,
      char **cleaned)
{
	size_t removed = 0;
	char *c = redact_secrets(p, len, out_len, &removed);

	if (removed == 0) {
		free(c);
		*cleaned = NULL;
		*out_len = len;
		return p;
	}
	snapshot_left_out(rh->s, what, _("secrets cut out (private keys, passwords, tokens)"));
	*cleaned = c;
	return c;
}

static int
rec_read_file(struct host *h, const char *path, size_t max, struct host_result *r)
{
	struct rec_host *rh = rec_of(h);
	struct snap_file *f = snapshot_find_file(rh->s, path);
	int rc;

	/* Already read whole: the same bytes again (as kept, secrets cut). */
	if (f != NULL && f->content != NULL && !f->truncated)
		return rh->replay->ops->read_file(rh->replay, path, max, r);
	rc = rh->inner->ops->read_file(rh->inner, path, max, r);

	if (r->status == HOST_OK || r->status == HOST_TOO_BIG) {
		char *cleaned = NULL;
		size_t n = 0;
		const char *keep =
		    scrub(rh, path, r->out != NULL ? r->out : "", r->out_len, &n, &cleaned);

		snapshot_add_file(rh->s, path, HOST_OK, 'f', keep, n, r->status == HOST_TOO_BIG);
		free(cleaned);
	} else if (r->status == HOST_NO_SUCH || r->status == HOST_DENIED ||
	           r->status == HOST_NOT_REGULAR)
		snapshot_add_file(rh->s, path, r->status, 'o', NULL, 0, false);
	/* A timeout or a cancel says nothing about the machine: not kept. */
	return rc;
}

static int
rec_run(struct host *h, const char *const *argv, const struct host_run_opts *opts,
        struct host_result *r)
{
	struct rec_host *rh = rec_of(h);
	char *cmd = NULL, *c_out = NULL, *c_err = NULL;
	int rc;

	if (snapshot_find_command(rh->s, argv) != NULL &&
	    (opts == NULL || opts->stdin_data == NULL))
		return rh->replay->ops->run(rh->replay, argv, opts, r);
	rc = rh->inner->ops->run(rh->inner, argv, opts, r);
	const char *out, *err;
	size_t out_len = 0, err_len = 0;

	if (r->status == HOST_CANCELLED)
		return rc;
	/* Input given to a command is not kept; a command fed a secret is not recorded. */
	if (opts != NULL && opts->stdin_data != NULL)
		return rc;
	cmd = argv_quote(argv);
	out = scrub(rh, cmd, r->out != NULL ? r->out : "", r->out_len, &out_len, &c_out);
	err = scrub(rh, cmd, r->err != NULL ? r->err : "", r->err_len, &err_len, &c_err);
	snapshot_add_command(rh->s, argv, r->status, r->exit_code, out, out_len, err, err_len);
	free(c_out);
	free(c_err);
	free(cmd);
	return rc;
}

static int
rec_stat(struct host *h, const char *path, char *kind)
{
	struct rec_host *rh = rec_of(h);
	int rc = rh->inner->ops->stat(rh->inner, path, kind);

	snapshot_add_file(rh->s, path,
	                  rc == 1   ? HOST_OK
	                  : rc == 0 ? HOST_NO_SUCH
	                            : HOST_DENIED,
	                  rc == 1 ? *kind : 'o', NULL, 0, false);
	return rc;
}

static int
rec_list_dir(struct host *h, const char *path, struct host_result *r)
{
	struct rec_host *rh = rec_of(h);
	int rc;

	if (snapshot_find_dir(rh->s, path) != NULL)
		return rh->replay->ops->list_dir(rh->replay, path, r);
	rc = host_list_dir(rh->inner, path, r);

	if (r->status != HOST_CANCELLED && r->status != HOST_TIMEOUT)
		snapshot_add_dir(rh->s, path, r->status, r->status == HOST_OK ? r->out : "");
	return rc;
}

static const char *
rec_os(struct host *h)
{
	return host_os(rec_of(h)->inner);
}

static const char *
rec_arch(struct host *h)
{
	return host_arch(rec_of(h)->inner);
}

static time_t
rec_now(struct host *h)
{
	return host_now(rec_of(h)->inner);
}

static bool
rec_privileged(struct host *h)
{
	return host_privileged(rec_of(h)->inner);
}

static struct host *rec_new(struct host *inner, struct snapshot *s, bool owns_inner);

static struct host *
rec_open_remote(struct host *h, const struct host_remote *rem, char **err)
{
	struct rec_host *rh = rec_of(h);
	struct host *inner = host_open_remote(rh->inner, rem, err);
	char *key = host_remote_key(rem);
	struct host *out;

	if (inner == NULL) {
		if (*err != NULL)
			snapshot_remote_failed(rh->s, key, *err);
		free(key);
		return NULL;
	}
	out = rec_new(inner, snapshot_remote(rh->s, key, true), true);
	free(key);
	return out;
}

static void
rec_close(struct host *h)
{
	struct rec_host *rh = rec_of(h);

	if (rh->owns_inner)
		host_close(rh->inner);
	host_close(rh->replay);
	free(rh);
}

static const struct host_ops rec_ops = {
    .name = "record",
    .read_file = rec_read_file,
    .run = rec_run,
    .stat = rec_stat,
    .list_dir = rec_list_dir,
    .os = rec_os,
    .arch = rec_arch,
    .now = rec_now,
    .privileged = rec_privileged,
    .open_remote = rec_open_remote,
    .close = rec_close,
};

static struct host *
rec_new(struct host *inner, struct snapshot *s, bool owns_inner)
{
	struct rec_host *rh = xcalloc(1, sizeof *rh);

	rh->host.ops = &rec_ops;
	rh->host.priv = rh;
	rh->inner = inner;
	rh->s = s;
	rh->owns_inner = owns_inner;
	rh->replay = host_snapshot(s);
	return &rh->host;
}

struct host *
host_record(struct host *inner, struct snapshot *s)
{
	return rec_new(inner, s, false);
}
