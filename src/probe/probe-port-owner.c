/*
 * probe-port-owner.c: the "port_owner" probe. Which process holds a UDP or
 * TCP port, as `lsof -iUDP:67` tells, and is it one the flow expects? On
 * macOS, bootpd (started by launchd) must own UDP 67 for instances to get
 * an address; on Linux, Multipass's dnsmasq needs UDP 67 and 53 on its
 * bridge, and a dnscrypt-proxy or another dnsmasq there breaks it.
 *
 * Linux: the sockets bound to the port come from /proc/net/{udp,udp6} (or
 * tcp, tcp6, in LISTEN), read through the host; each socket's inode is then
 * looked for among the /proc/PID/fd links ("socket:[INODE]"), and the
 * process named by /proc/PID/comm. Every user can read /proc/net, so "free"
 * is certain; but only root can read other users' /proc/PID/fd, so without
 * root an owner may stay unseen. macOS: `lsof -nP -iUDP:PORT -FpcLn` (TCP:
 * `-iTCP:PORT -sTCP:LISTEN`) through the host; without root lsof lists
 * only the user's own processes, so neither "free" nor "expected" is certain.
 *
 * Outcomes: an owner that is not allowed is a conflict, whatever else is
 * unseen. Otherwise, when an owner could not be seen (or, on macOS without
 * root, might not have been), the outcome is "hidden" and the evidence
 * says to run it with sudo. A socket that no process holds, seen as root,
 * is the kernel's own (WireGuard, VXLAN, NFS): its owner is "kernel".
 */
#include "config.h"

#include <sys/types.h>
#include <dirent.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/host.h"
#include "probe/netparse.h"
#include "probe/probe-async.h"
#include "probe/probe.h"

#define PROCNET_MAX (16 * 1024 * 1024)
#define MAX_EVIDENCE_SOCKETS 20
#define MAX_NAME_BYTES 64

static const char *const proto_choices[] = {"udp", "tcp", NULL};

static const struct param_def port_owner_params[] = {
    {.name = "port",
     .type = PARAM_INT,
     .required = true,
     .min = 1,
     .max = 65535,
     .help = N_("the port to look at")},
    {.name = "proto",
     .type = PARAM_ENUM,
     .def = "udp",
     .choices = proto_choices,
     .help = N_("udp, or tcp (listening sockets only)")},
    {.name = "allow",
     .type = PARAM_STRING,
     .help = N_("the process names expected to hold it, comma-separated (bootpd,launchd)")},
    {.name = NULL},
};

static const struct outcome_def port_owner_outcomes[] = {
    {"free", N_("no socket holds the port")},
    {"expected", N_("the port is held, only by processes in the allow list")},
    {"conflict", N_("a process not in the allow list holds the port")},
    {"hidden",
     N_("the port is or may be held by a process this user cannot see: run it with sudo")},
    {NULL, NULL},
};

static const char *const port_owner_facts[] = {"port_owner.process", "port_owner.pid",
                                               "port_owner.owners", NULL};

#ifdef __linux__
/* Each process's fd directory: how many could be read and how many could not. */
struct fd_scan {
	size_t processes, denied;
};

/* The inode of a "socket:[INODE]" link, or 0. */
static unsigned long
socket_inode(const char *link)
{
	unsigned long v = 0;
	const char *p = NULL;

	if (strncmp(link, "socket:[", 8) != 0)
		return 0;
	for (p = link + 8; isdigit((unsigned char)*p); p++)
		v = v * 10 + (unsigned long)(*p - '0');
	return *p == ']' && p[1] == '\0' ? v : 0;
}

/* /proc/PID/comm through the host, without its newline; NULL when it is gone. */
static char *
process_name(struct host *host, long pid)
{
	struct host_result hr;
	char path[64], *name = NULL;

	snprintf(path, sizeof path, "/proc/%ld/comm", pid);
	if (host_read_file(host, path, 256, &hr) == 0) {
		size_t n = strcspn(hr.out, "\n");

		name = probe_clean_line(hr.out, n, MAX_NAME_BYTES);
	}
	host_result_free(&hr);
	return name;
}

/*
 * Records pid as an owner of every socket in s whose inode it holds. A
 * socket shared by several processes (a parent and its children) gets one
 * entry per process.
 */
static void
claim_socket(struct port_sockets *s, unsigned long inode, long pid, struct host *host)
{
	size_t n = s->n, free_slot = (size_t)-1, any = (size_t)-1;
	struct port_socket copy;

	for (size_t i = 0; i < n; i++) {
		if (s->v[i].inode != inode)
			continue;
		if (s->v[i].pid == pid)
			return; /* another fd of the same process */
		if (any == (size_t)-1)
			any = i;
		if (s->v[i].pid == -1 && free_slot == (size_t)-1)
			free_slot = i;
	}
	if (any == (size_t)-1)
		return;
	if (free_slot == (size_t)-1) {
		copy = s->v[any];
		copy.process = NULL;
		copy.user = NULL;
		s->v = xreallocarray(s->v, s->n + 1, sizeof *s->v);
		s->v[s->n] = copy;
		free_slot = s->n++;
	}
	s->v[free_slot].pid = pid;
	s->v[free_slot].process = process_name(host, pid);
}

/* Reads the links in /proc/PID/fd: readlink has no door in the host layer yet. */
static void
scan_process(long pid, struct port_sockets *s, struct fd_scan *scan, struct host *host)
{
	char dir[64], path[64 + 256], link[64];
	struct dirent *de;
	DIR *d;

	snprintf(dir, sizeof dir, "/proc/%ld/fd", pid);
	if ((d = opendir(dir)) == NULL) {
		if (errno == EACCES || errno == EPERM)
			scan->denied++;
		return; /* or it ended meanwhile */
	}
	scan->processes++;
	while ((de = readdir(d)) != NULL) {
		ssize_t n;
		unsigned long inode;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		if ((n = readlink(path, link, sizeof link - 1)) <= 0)
			continue;
		link[n] = '\0';
		if ((inode = socket_inode(link)) != 0)
			claim_socket(s, inode, pid, host);
	}
	closedir(d);
}

/* Looks for the owners of every socket in s among all processes. Returns -1 when cancelled. */
static int
find_owners(struct port_sockets *s, const struct probe_ctx *ctx, struct fd_scan *scan)
{
	struct dirent *de;
	DIR *d;

	memset(scan, 0, sizeof *scan);
	if ((d = opendir("/proc")) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL && !vt_cancelled) {
		char *end = NULL;
		long pid = strtol(de->d_name, &end, 10);

		if (!isdigit((unsigned char)de->d_name[0]) || *end != '\0')
			continue;
		scan_process(pid, s, scan, ctx->host);
		if (scan->processes % 200 == 0)
			probe_progress(ctx, _("%zu processes looked at"), scan->processes);
	}
	closedir(d);
	return vt_cancelled ? -1 : 0;
}

/* The sockets on the port from /proc/net/PROTO and PROTO6. */
static int
list_sockets(const char *proto, unsigned port, struct port_sockets *s, const struct probe_ctx *ctx,
             struct probe_result *r)
{
	bool tcp = strcmp(proto, "tcp") == 0;

	for (int v6 = 0; v6 <= 1; v6++) {
		struct host_result hr;
		char path[32];

		snprintf(path, sizeof path, "/proc/net/%s%s", proto, v6 ? "6" : "");
		host_read_file(ctx->host, path, PROCNET_MAX, &hr);
		if (hr.status == HOST_NO_SUCH && v6) {
			host_result_free(&hr); /* a kernel without IPv6 */
			continue;
		}
		if (hr.status != HOST_OK) {
			probe_result_summary(r, "%s", hr.message);
			host_result_free(&hr);
			return -1;
		}
		if (procnet_parse(hr.out, hr.out_len, v6 == 1, tcp, port, s) < 0) {
			probe_result_summary(r, _("%s was not understood"), path);
			host_result_free(&hr);
			return -1;
		}
		host_result_free(&hr);
	}
	probe_result_evidence(r, _("/proc/net/%s and %s6: %zu socket(s) on port %u"), proto, proto,
	                      s->n, port);
	return 0;
}

static int
port_lookup_kernel(const char *proto, unsigned port, struct port_sockets *s, bool *list_complete,
                   bool *owners_complete, const struct probe_ctx *ctx, struct probe_result *r)
{
	struct fd_scan scan;

	if (list_sockets(proto, port, s, ctx, r) != 0)
		return -1;
	*list_complete = true; /* /proc/net lists every socket to every user */
	*owners_complete = true;
	if (s->n == 0)
		return 0;
	if (find_owners(s, ctx, &scan) != 0) {
		probe_result_summary(r, "%s", _("cancelled"));
		return -1;
	}
	probe_result_evidence(r, _("looked at the open files of %zu processes"), scan.processes);
	if (scan.denied > 0) {
		*owners_complete = false;
		probe_result_evidence(r,
		                      _("%zu processes of other users could not be looked at: the "
		                        "owners of their sockets stay hidden (sudo shows them)"),
		                      scan.denied);
	}
	return 0;
}
#endif

/* macOS: lsof, through the host. */
static int
port_lookup_command(const char *proto, unsigned port, struct port_sockets *s, bool *list_complete,
                    bool *owners_complete, const struct probe_ctx *ctx, struct probe_result *r)
{
	char sel[32];
	const char *argv_udp[] = {"lsof", "+c", "0", "-nP", sel, "-FpcLn", NULL};
	const char *argv_tcp[] = {"lsof", "+c", "0", "-nP", sel, "-sTCP:LISTEN", "-FpcLn", NULL};
	bool tcp = strcmp(proto, "tcp") == 0;
	struct host_run_opts opts = {0};
	struct host_result hr;
	int rc = -1;

	snprintf(sel, sizeof sel, "-i%s:%u", tcp ? "TCP" : "UDP", port);
	opts.timeout_ms = ctx->timeout_ms;
	host_run(ctx->host, tcp ? argv_tcp : argv_udp, &opts, &hr);
	if (hr.status != HOST_OK) {
		probe_result_summary(r, "%s", hr.message);
		goto out;
	}
	/* lsof exits 1 when nothing matched. */
	if (lsof_parse(hr.out, hr.out_len, s) < 0 ||
	    (hr.exit_code != 0 && s->n == 0 && hr.out_len > 0)) {
		probe_result_summary(r, "%s", _("the output of lsof was not understood"));
		probe_tail_lines(&r->evidence, "lsof: ", hr.err, hr.err_len, 5);
		goto out;
	}
	port_sockets_keep_port(s, port);
	*list_complete = *owners_complete = host_privileged(ctx->host);
	if (!*list_complete)
		probe_result_evidence(
		    r, "%s",
		    _("not run as root: lsof lists only this user's own processes, so sockets of "
		      "others (bootpd, mDNSResponder) stay hidden (sudo shows them)"));
	rc = 0;
out:
	host_result_free(&hr);
	return rc;
}

/*
 * The method follows the host, not the build: this machine's kernel when the
 * host is live Linux; the lsof command, through the host, for macOS (live,
 * or a snapshot collected there). A Linux snapshot cannot answer: what this
 * probe asks the Linux kernel directly is not recorded.
 */
static int
port_lookup(const char *proto, unsigned port, struct port_sockets *s, bool *list_complete,
            bool *owners_complete, const struct probe_ctx *ctx, struct probe_result *r)
{
#ifdef __linux__
	if (host_is_live(ctx->host))
		return port_lookup_kernel(proto, port, s, list_complete, owners_complete, ctx, r);
#endif
	if (strcmp(host_os(ctx->host), "darwin") == 0)
		return port_lookup_command(proto, port, s, list_complete, owners_complete, ctx, r);
	probe_result_summary(r,
	                     _("this probe asks the %s kernel directly, which a snapshot "
	                       "cannot replay"),
	                     host_os(ctx->host));
	return -1;
}

/* One evidence line per socket and owner. */
static void
report_sockets(const char *proto, const struct port_sockets *s, bool owners_complete,
               struct probe_result *r)
{
	for (size_t i = 0; i < s->n && i < MAX_EVIDENCE_SOCKETS; i++) {
		const struct port_socket *ps = &s->v[i];
		struct strbuf sb = STRBUF_INIT;

		strbuf_addf(&sb, "%s %s", proto, ps->local);
		if (ps->inode != 0)
			strbuf_addf(&sb, _(" (inode %lu, uid %ld)"), ps->inode, ps->uid);
		if (ps->process != NULL) {
			strbuf_addf(&sb, _(": %s (pid %ld"), ps->process, ps->pid);
			if (ps->user != NULL)
				strbuf_addf(&sb, _(", user %s"), ps->user);
			strbuf_addc(&sb, ')');
		} else if (owners_complete) {
			strbuf_adds(&sb,
			            _(": no process has it open: a socket of the kernel itself"));
		} else {
			strbuf_adds(&sb,
			            _(": its process cannot be seen by this user (sudo shows it)"));
		}
		strlist_take(&r->evidence, strbuf_detach(&sb));
	}
	if (s->n > MAX_EVIDENCE_SOCKETS)
		probe_result_evidence(r, _("... %zu more sockets"), s->n - MAX_EVIDENCE_SOCKETS);
}

/* "dnsmasq(812),bootpd(423)", each owner once. */
static void
fact_owners(const struct port_sockets *s, bool owners_complete, struct probe_result *r)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < s->n; i++) {
		const struct port_socket *ps = &s->v[i];
		bool seen = false;
		char one[MAX_NAME_BYTES + 32];

		if (ps->process != NULL)
			snprintf(one, sizeof one, "%s(%ld)", ps->process, ps->pid);
		else
			snprintf(one, sizeof one, "%s", owners_complete ? "kernel" : "unknown");
		for (size_t j = 0; j < i && !seen; j++) {
			const struct port_socket *o = &s->v[j];

			seen = o->pid == ps->pid && str_eq(o->process, ps->process);
		}
		if (seen)
			continue;
		if (sb.len > 0)
			strbuf_addc(&sb, ',');
		strbuf_adds(&sb, one);
	}
	probe_result_fact(r, "port_owner.owners", "%s", sb.buf != NULL ? sb.buf : "");
	strbuf_free(&sb);
}

static int
probe_port_owner_run(const struct params *p, const struct probe_ctx *ctx, struct probe_result *r)
{
	const char *proto = params_get(p, "proto"), *allow = params_get(p, "allow");
	unsigned port = (unsigned)params_get_long(p, "port", 0);
	struct port_sockets s = {NULL, 0};
	bool list_complete = false, owners_complete = false;
	const struct port_socket *d = NULL;
	size_t decider;

	if (port_lookup(proto, port, &s, &list_complete, &owners_complete, ctx, r) != 0) {
		probe_result_set_outcome(r, OUTCOME_ERROR);
		goto out;
	}
	report_sockets(proto, &s, owners_complete, r);
	if (s.n > 0)
		fact_owners(&s, owners_complete, r);

	switch (port_owner_judge(&s, allow, list_complete, owners_complete, &decider)) {
	case PORT_FREE:
		probe_result_set_outcome(r, "free");
		probe_result_summary(r, _("nothing holds %s/%u"), proto, port);
		probe_result_evidence(r, _("no %s socket is bound to port %u"), proto, port);
		break;
	case PORT_EXPECTED:
		d = &s.v[decider];
		probe_result_set_outcome(r, "expected");
		probe_result_summary(r, _("%s (pid %ld) holds %s/%u, as expected"), d->process,
		                     d->pid, proto, port);
		break;
	case PORT_CONFLICT:
		d = &s.v[decider];
		probe_result_set_outcome(r, "conflict");
		if (d->process != NULL)
			probe_result_summary(r, _("%s (pid %ld) holds %s/%u"), d->process, d->pid,
			                     proto, port);
		else
			probe_result_summary(
			    r, _("the kernel itself holds %s/%u (no process has it open)"), proto,
			    port);
		break;
	case PORT_HIDDEN:
		probe_result_set_outcome(r, "hidden");
		if (s.n > 0)
			probe_result_summary(
			    r,
			    _("%s/%u is held by a process this user cannot see: run it with sudo"),
			    proto, port);
		else
			probe_result_summary(r,
			                     _("no process of this user holds %s/%u, but others' "
			                       "cannot be seen: run it with sudo"),
			                     proto, port);
		break;
	}
	if (d != NULL) {
		probe_result_fact(r, "port_owner.process", "%s",
		                  d->process != NULL ? d->process : "kernel");
		probe_result_fact(r, "port_owner.pid", "%ld", d->process != NULL ? d->pid : 0L);
	}
out:
	port_sockets_free(&s);
	return 0;
}

const struct probe_entry probe_port_owner_entry = {
    .name = "port_owner",
    .summary = N_("Which process holds a UDP or TCP port, as lsof -iUDP:PORT shows"),
    .params = port_owner_params,
    .outcomes = port_owner_outcomes,
    .facts = port_owner_facts,
    .default_timeout_ms = 10000,
    .run = probe_port_owner_run,
};
