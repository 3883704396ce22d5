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
	case HOST_ERROR:
		return "error";
	}
	return "unknown";
}
