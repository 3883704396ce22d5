/*
 * host.c: the calls every probe and fix makes, dispatched to whichever host
 * (live or snapshot) is in use. The wrappers give every implementation the
 * same guarantees, so callers never test for NULL output or a missing message.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "host/host.h"
#include "util/util.h"

volatile sig_atomic_t vt_cancelled;

static void
result_init(struct host_result *r)
{
	memset(r, 0, sizeof *r);
	r->exit_code = -1;
}

/*
 * After any implementation: out and err are always strings, and a status
 * other than OK always comes with a message the user can read.
 */
static int
result_finish(struct host_result *r, const char *what)
{
	if (r->out == NULL) {
		r->out = xstrdup("");
		r->out_len = 0;
	}
	if (r->err == NULL) {
		r->err = xstrdup("");
		r->err_len = 0;
	}
	if (r->status != HOST_OK && r->message == NULL)
		r->message = xasprintf("%s: %s", what, host_status_name(r->status));
	return r->status == HOST_OK ? 0 : -1;
}

static void
check_host(const struct host *h)
{
	if (h == NULL || h->ops == NULL)
		fatalx("host call without a host");
}

int
host_read_file(struct host *h, const char *path, size_t max, struct host_result *r)
{
	check_host(h);
	result_init(r);
	h->ops->read_file(h, path, max, r);
	return result_finish(r, path);
}

int
host_run(struct host *h, const char *const *argv, const struct host_run_opts *opts,
         struct host_result *r)
{
	check_host(h);
	result_init(r);
	if (argv == NULL || argv[0] == NULL || argv[0][0] == '\0') {
		r->status = HOST_ERROR;
		r->message = xstrdup(_("no command to run"));
		return result_finish(r, "");
	}
	h->ops->run(h, argv, opts, r);
	return result_finish(r, argv[0]);
}

int
host_stat(struct host *h, const char *path, char *kind)
{
	char dummy;

	check_host(h);
	if (kind == NULL)
		kind = &dummy;
	*kind = 'o';
	return h->ops->stat(h, path, kind);
}

int
host_list_dir(struct host *h, const char *path, struct host_result *r)
{
	check_host(h);
	result_init(r);
	if (h->ops->list_dir == NULL) {
		r->status = HOST_ERROR;
		r->message = xasprintf(_("%s: this host cannot list directories"), path);
	} else
		h->ops->list_dir(h, path, r);
	return result_finish(r, path);
}

const char *
host_os(struct host *h)
{
	const char *os;

	check_host(h);
	os = h->ops->os != NULL ? h->ops->os(h) : NULL;
	return os != NULL && os[0] != '\0' ? os : "unknown";
}

const char *
host_arch(struct host *h)
{
	const char *arch;

	check_host(h);
	arch = h->ops->arch != NULL ? h->ops->arch(h) : NULL;
	return arch != NULL ? arch : "";
}

time_t
host_now(struct host *h)
{
	check_host(h);
	return h->ops->now != NULL ? h->ops->now(h) : time(NULL);
}

bool
host_utc_offset(struct host *h, long *seconds)
{
	check_host(h);
	return h->ops->utc_offset != NULL && h->ops->utc_offset(h, seconds);
}

bool
host_privileged(struct host *h)
{
	check_host(h);
	return h->ops->privileged != NULL && h->ops->privileged(h);
}

bool
host_is_live(const struct host *h)
{
	return h != NULL && h == host_live();
}

char *
host_remote_key(const struct host_remote *r)
{
	return xasprintf("%s@%s:%ld", r->user != NULL ? r->user : "", r->address,
	                 r->port > 0 ? r->port : 22L);
}

struct host *
host_open_remote(struct host *h, const struct host_remote *r, char **err)
{
	check_host(h);
	*err = NULL;
	if (h->ops->open_remote == NULL) {
		*err = xasprintf(_("%s cannot reach other machines"), h->ops->name);
		return NULL;
	}
	return h->ops->open_remote(h, r, err);
}

void
host_close(struct host *h)
{
	if (h == NULL || h == host_live() || h->ops->close == NULL)
		return;
	h->ops->close(h);
}

void
host_result_free(struct host_result *r)
{
	if (r == NULL)
		return;
	free(r->out);
	free(r->err);
	free(r->message);
	result_init(r);
}

const char *
host_status_name(enum host_status s)
{
	switch (s) {
	case HOST_OK:
		return "ok";
	case HOST_NO_SUCH:
		return "not_found";
	case HOST_DENIED:
		return "denied";
	case HOST_TIMEOUT:
		return "timeout";
	case HOST_CANCELLED:
		return "cancelled";
	case HOST_TOO_BIG:
		return "too_big";
	case HOST_NOT_REGULAR:
		return "not_regular";
	case HOST_NOT_COLLECTED:
		return "not_collected";
	case HOST_ERROR:
		return "error";
	}
	return "unknown";
}
