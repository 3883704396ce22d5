/*
 * host-snapshot.c: a host that answers from a snapshot: the files, command
 * outputs and listings another machine's probes read, with that machine's
 * OS and clock. Whatever the snapshot does not hold is HOST_NOT_COLLECTED,
 * with a message naming it, so a probe can say what the snapshot lacks
 * instead of guessing.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "host/snapshot-internal.h"
#include "host/snapshot.h"
#include "probe/probe.h"
#include "util/util.h"

#define DEFAULT_MAX_BYTES (1024 * 1024)

struct snap_host {
	struct host host;
	struct snapshot *s;
	bool owns; /* host_close frees the snapshot too */
};

static struct snapshot *
snap_of(struct host *h)
{
	return ((struct snap_host *)h->priv)->s;
}

static void
copy_capped(const char *p, size_t len, size_t max, char **out, size_t *out_len, bool *cut)
{
	if (len > max) {
		len = max;
		*cut = true;
	}
	*out = xmalloc(len + 1);
	if (len > 0)
		memcpy(*out, p, len);
	(*out)[len] = '\0';
	*out_len = len;
}

static void
status_message(struct host_result *r, enum host_status st, const char *path)
{
	r->status = st;
	switch (st) {
	case HOST_NO_SUCH:
		r->message = xasprintf(_("%s does not exist"), path);
		break;
	case HOST_DENIED:
		r->message = xasprintf(_("%s cannot be read: permission denied"), path);
		break;
	case HOST_NOT_REGULAR:
		r->message = xasprintf(_("%s is not a regular file"), path);
		break;
	default:
		r->message = xasprintf(_("%s could not be read when the snapshot was taken (%s)"),
		                       path, host_status_name(st));
		break;
	}
}

static int
snap_read_file(struct host *h, const char *path, size_t max, struct host_result *r)
{
	struct snap_file *f = snapshot_find_file(snap_of(h), path);
	bool cut = false;

	if (max == 0)
		max = DEFAULT_MAX_BYTES;
	if (f == NULL || (f->status == HOST_OK && f->content == NULL)) {
		r->status = HOST_NOT_COLLECTED;
		r->message = f == NULL
		                 ? xasprintf(_("the snapshot does not hold %s"), path)
		                 : xasprintf(_("the snapshot shows that %s exists, but does not "
		                               "hold its contents"),
		                             path);
		return -1;
	}
	if (f->status != HOST_OK && f->status != HOST_TOO_BIG) {
		status_message(r, f->status, path);
		return -1;
	}
	copy_capped(f->content, f->len, max, &r->out, &r->out_len, &cut);
	r->status = HOST_OK;
	if (cut || f->truncated || f->status == HOST_TOO_BIG) {
		r->status = HOST_TOO_BIG;
		r->truncated = true;
		r->message = xasprintf(_("%s is larger than %zu bytes; only the start was read"),
		                       path, cut ? max : f->len);
		return -1;
	}
	return 0;
}

static int
snap_run(struct host *h, const char *const *argv, const struct host_run_opts *opts,
         struct host_result *r)
{
	struct snap_cmd *c = snapshot_find_command(snap_of(h), argv);
	size_t max = opts != NULL && opts->max_output > 0 ? opts->max_output : DEFAULT_MAX_BYTES;
	bool cut = false;

	if (c == NULL) {
		char *cmd = argv_quote(argv);

		r->status = HOST_NOT_COLLECTED;
		r->message = xasprintf(_("the snapshot holds no output of '%s'"), cmd);
		free(cmd);
		return -1;
	}
	r->status = c->status;
	r->exit_code = c->exit_code;
	copy_capped(c->out, c->out_len, max, &r->out, &r->out_len, &cut);
	copy_capped(c->err, c->err_len, max, &r->err, &r->err_len, &cut);
	r->truncated = cut;
	if (c->status == HOST_OK)
		return 0;
	switch (c->status) {
	case HOST_NO_SUCH:
		r->message = xasprintf(_("program '%s' was not found"), argv[0]);
		break;
	case HOST_DENIED:
		r->message = xasprintf(_("program '%s' cannot be run: permission denied"), argv[0]);
		break;
	case HOST_TIMEOUT:
		r->message = xasprintf(_("'%s' did not finish in time when the snapshot was taken"),
		                       argv[0]);
		break;
	default:
		r->message = xasprintf(_("'%s' could not run when the snapshot was taken (%s)"),
		                       argv[0], host_status_name(c->status));
		break;
	}
	return -1;
}

/* The name's own line in a listing of its directory, if the listing was collected. */
static int
listed_in_parent(struct snapshot *s, const char *path)
{
	const char *slash = strrchr(path, '/');
	char *parent;
	struct snap_dir *d;
	int found = -1;

	if (slash == NULL)
		return -1;
	parent = slash == path ? xstrdup("/") : xstrndup(path, (size_t)(slash - path));
	d = snapshot_find_dir(s, parent);
	if (d != NULL && d->status == HOST_OK) {
		size_t nl = strlen(slash + 1);
		const char *p = d->names;

		found = 0;
		while (*p != '\0') {
			size_t n = strcspn(p, "\n");

			if (n == nl && strncmp(p, slash + 1, n) == 0)
				found = 1;
			p += n + (p[n] == '\n');
		}
	}
	free(parent);
	return found;
}

static int
snap_stat(struct host *h, const char *path, char *kind)
{
	struct snapshot *s = snap_of(h);
	struct snap_file *f = snapshot_find_file(s, path);

	if (f != NULL) {
		switch (f->status) {
		case HOST_OK:
		case HOST_TOO_BIG:
		case HOST_NOT_REGULAR:
			*kind = f->kind;
			return 1;
		case HOST_NO_SUCH:
			return 0;
		default:
			return -1;
		}
	}
	if (snapshot_find_dir(s, path) != NULL && snapshot_find_dir(s, path)->status == HOST_OK) {
		*kind = 'd';
		return 1;
	}
	/* A listing of the parent shows the name existed, or did not; not what it was. */
	switch (listed_in_parent(s, path)) {
	case 0:
		return 0;
	case 1:
		*kind = 'o';
		return 1;
	default:
		return -1;
	}
}

static int
snap_list_dir(struct host *h, const char *path, struct host_result *r)
{
	struct snap_dir *d = snapshot_find_dir(snap_of(h), path);

	if (d == NULL) {
		r->status = HOST_NOT_COLLECTED;
		r->message = xasprintf(_("the snapshot holds no listing of %s"), path);
		return -1;
	}
	if (d->status != HOST_OK) {
		status_message(r, d->status, path);
		return -1;
	}
	r->status = HOST_OK;
	r->out = xstrdup(d->names);
	r->out_len = strlen(r->out);
	return 0;
}

static const char *
snap_os(struct host *h)
{
	return snapshot_os(snap_of(h));
}

static const char *
snap_arch(struct host *h)
{
	return snapshot_arch(snap_of(h));
}

static time_t
snap_now(struct host *h)
{
	return snapshot_now(snap_of(h));
}

static bool
snap_utc_offset(struct host *h, long *seconds)
{
	return snapshot_utc_offset(snap_of(h), seconds);
}

/* collect records whether it ran as root; a snapshot that does not say was not. */
static bool
snap_privileged(struct host *h)
{
	const char *user = snapshot_meta(snap_of(h), "user");

	return user != NULL && strcmp(user, "root") == 0;
}

static struct host *snap_host_new(struct snapshot *, bool owns);

static struct host *
snap_open_remote(struct host *h, const struct host_remote *rem, char **err)
{
	char *key = host_remote_key(rem);
	struct snapshot *sub = snapshot_remote(snap_of(h), key, false);
	const char *failed = snapshot_remote_error(snap_of(h), key);

	if (failed != NULL) {
		/* It could not be reached then: the same answer now. */
		*err = xstrdup(failed);
		free(key);
		return NULL;
	}
	if (sub == NULL) {
		*err = xasprintf(_("the snapshot holds nothing of %s: it was not reached when the "
		                   "snapshot was taken"),
		                 key);
		free(key);
		return NULL;
	}
	free(key);
	return snap_host_new(sub, false);
}

static void
snap_close(struct host *h)
{
	struct snap_host *sh = h->priv;

	if (sh->owns)
		snapshot_free(sh->s);
	free(sh);
}

static const struct host_ops snap_ops = {
    .name = "snapshot",
    .read_file = snap_read_file,
    .run = snap_run,
    .stat = snap_stat,
    .list_dir = snap_list_dir,
    .os = snap_os,
    .arch = snap_arch,
    .now = snap_now,
    .utc_offset = snap_utc_offset,
    .privileged = snap_privileged,
    .open_remote = snap_open_remote,
    .close = snap_close,
};

static struct host *
snap_host_new(struct snapshot *s, bool owns)
{
	struct snap_host *sh = xcalloc(1, sizeof *sh);

	sh->host.ops = &snap_ops;
	sh->host.priv = sh;
	sh->s = s;
	sh->owns = owns;
	return &sh->host;
}

struct host *
host_snapshot(struct snapshot *s)
{
	return snap_host_new(s, false);
}

struct host *
host_snapshot_open(const char *path, char **err)
{
	struct snapshot *s = snapshot_load(path, err);

	return s != NULL ? snap_host_new(s, true) : NULL;
}

struct snapshot *
host_snapshot_get(struct host *h)
{
	return h != NULL && h->ops == &snap_ops ? snap_of(h) : NULL;
}
