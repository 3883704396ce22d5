/*
 * probe-guest.c: the "guest" probe. Looks inside an instance or a migrated
 * VM for what keeps it from finishing its launch or from booting and
 * reaching the network under KVM: cloud-init that has not finished or has
 * failed, no DNS server, /etc/fstab naming disks by controller-made names
 * (/dev/sda), network configuration naming interfaces the VM does not have,
 * udev rules pinning names to old MACs, an initramfs without virtio; and,
 * over SSH only, whether a name resolves in the instance (getent, else
 * nslookup).
 *
 * Two ways in. With address, the guest over SSH: host_open_remote() gives a
 * host that runs commands and reads files there (live: the SSH host; a
 * snapshot: what was recorded of that guest), and every look goes through
 * it. With root, a guest file system mounted on this machine (a migrated
 * disk opened with qemu-nbd or guestmount): its files are read under root
 * through ctx->host, and tools such as lsinitramfs run here on its files.
 *
 * Each check asks the same things whatever its parameters (one listing of
 * /etc/netplan, `ip -o link` whole), so one collection answers every later
 * question; what it asks next depends only on what the guest answered.
 */
#include "config.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "host/host.h"
#include "platform/paths.h"
#include "probe/guestparse.h"
#include "probe/netparse.h"
#include "probe/probe-async.h"
#include "probe/probe-ssh.h"
#include "probe/probe.h"

#define MAX_FILE_BYTES (1024 * 1024)
#define MAX_LOG_BYTES (4 * 1024 * 1024)
#define MAX_LISTING_BYTES (8 * 1024 * 1024) /* lsinitrd of a large initramfs */
#define MAX_LINE_BYTES 200
#define MAX_EVIDENCE_LINES 20
#define LOG_TAIL_LINES 10
#define CONNECT_MS 10000
#define MAX_LOOKUP_LINES 3

static const char *const check_choices[] = {"cloud_init", "resolv",    "fstab",  "net",
                                            "udev",       "initramfs", "lookup", NULL};

static const struct param_def guest_params[] = {
    {.name = "check",
     .type = PARAM_ENUM,
     .required = true,
     .choices = check_choices,
     .help = N_("what to look at: cloud_init, resolv, fstab, net, udev, initramfs or lookup "
                "(over SSH: whether a name resolves in the guest)")},
    {.name = "address",
     .type = PARAM_STRING,
     .help = N_("the instance's address, to look over SSH (give this or root)")},
    {.name = "root",
     .type = PARAM_PATH,
     .help = N_("where a guest's file system is mounted on this machine, to look at a disk "
                "(give this or address)")},
    PROBE_SSH_LOGIN_PARAMS,
    {.name = "ifaces",
     .type = PARAM_STRING,
     .help = N_("net with root: the interface names the VM has, comma-separated (enp1s0), "
                "as its console's `ip link` shows them")},
    {.name = "name",
     .type = PARAM_STRING,
     .def = "ubuntu.com",
     .help = N_("lookup: the name to resolve in the guest (default: ubuntu.com)")},
    {.name = "seconds",
     .type = PARAM_SECONDS,
     .def = "30",
     .help = N_("how long it all may take: connecting, logging in and the commands")},
    {.name = NULL},
};

static const struct outcome_def guest_outcomes[] = {
    {"ok", N_("the check found nothing wrong")},
    {"not_finished", N_("cloud_init: cloud-init is still running (or has not started): "
                        "/var/lib/cloud/instance/boot-finished is not there yet")},
    {"failed", N_("cloud_init: cloud-init finished with errors (status: error)")},
    {"absent", N_("cloud_init: cloud-init is not installed, is disabled, or never ran, so "
                  "boot-finished will never come")},
    {"no_nameserver", N_("resolv: no DNS server: none in /etc/resolv.conf, or "
                         "systemd-resolved has no upstream server")},
    {"device_names", N_("fstab: /etc/fstab names disks by /dev/sd*, /dev/hd*, /dev/xvd* or "
                        "by-path names, which change under KVM's virtio (/dev/vda)")},
    {"iface_mismatch", N_("net: the network configuration names interfaces the VM does not "
                          "have (eth0 or ens33 where the VM has enp1s0)")},
    {"stale_udev", N_("udev: 70-persistent-net.rules pins interface names to MAC addresses "
                      "the VM no longer has")},
    {"no_virtio", N_("initramfs: the initramfs of the kernel that boots has no virtio disk "
                     "driver (virtio_pci with virtio_blk or virtio_scsi), nor the kernel")},
    {"no_answer", N_("lookup: the name does not resolve in the guest: its DNS servers give no "
                     "answer (or say it does not exist)")},
    {"unreachable", N_("the guest cannot be reached: connection refused, timed out, or no "
                       "route")},
    {"auth_failed", N_("the login failed: the key was refused, or is missing or unreadable "
                       "(Multipass's key is readable by root only: use sudo)")},
    {"host_key_changed", N_("the guest's host key differs from the one in known_hosts; never "
                            "accepted")},
    {"host_key_unknown", N_("the guest's host key is not in known_hosts: check it, then record "
                            "it with the ssh probe's accept_new=true")},
    {NULL, NULL},
};

static const char *const guest_facts[] = {
    "guest.mode",          "guest.cloud_init",      "guest.boot_finished",  "guest.nameservers",
    "guest.resolver",      "guest.bad_fstab_lines", "guest.fstab_entries",  "guest.ifaces",
    "guest.config_ifaces", "guest.missing_ifaces",  "guest.stale_macs",     "guest.kernel",
    "guest.initramfs",     "guest.virtio",          "guest.lookup.address", NULL};

/* One look: where the guest is, and where the answer goes. */
struct guest {
	const struct probe_ctx *ctx;
	struct probe_result *r;
	struct host *h;   /* the guest over SSH, or ctx->host with root */
	const char *root; /* root mode: the guest's / on this machine; NULL over SSH */
	char *where;      /* "ubuntu@10.97.0.5:22", or the root: for messages */
	int64_t deadline;
};

/* ---- looking through the host --------------------------------------------------- */

/* A guest path as this host reads it: under root, or as it is. Owned. */
static char *
gpath(const struct guest *g, const char *path)
{
	size_t n;

	if (g->root == NULL)
		return xstrdup(path);
	n = strlen(g->root);
	while (n > 1 && g->root[n - 1] == '/')
		n--;
	if (n == 1 && g->root[0] == '/')
		return xstrdup(path);
	return xasprintf("%.*s%s", (int)n, g->root, path);
}

static int
time_left_ms(const struct guest *g)
{
	int64_t left = g->deadline - probe_ssh_now_ms();

	return left > 1000 ? (int)left : 1000;
}

static int
gread(const struct guest *g, const char *path, size_t max, struct host_result *hr)
{
	char *p = gpath(g, path);
	int rc = host_read_file(g->h, p, max, hr);

	free(p);
	return rc;
}

static int
glist(const struct guest *g, const char *dir, struct host_result *hr)
{
	char *p = gpath(g, dir);
	int rc = host_list_dir(g->h, p, hr);

	free(p);
	return rc;
}

/* 1 exists, 0 not, -1 unknown. */
static int
gstat(const struct guest *g, const char *path, char *kind)
{
	char *p = gpath(g, path);
	int rc = host_stat(g->h, p, kind);

	free(p);
	return rc;
}

static int
grun(const struct guest *g, const char *const *argv, size_t max, struct host_result *hr)
{
	struct host_run_opts opts;

	memset(&opts, 0, sizeof opts);
	opts.timeout_ms = time_left_ms(g);
	opts.max_output = max;
	return host_run(g->h, argv, &opts, hr);
}

/*
 * grun, and when the program is not in PATH, the same from /usr/sbin and
 * /sbin: over SSH a user's PATH often lacks them (ip, lsinitramfs live there).
 */
static int
grun_sbin(const struct guest *g, const char *const *argv, size_t max, struct host_result *hr)
{
	static const char *const dirs[] = {"/usr/sbin/", "/sbin/"};
	size_t n = 0;
	const char **v = NULL;
	int rc = grun(g, argv, max, hr);

	if (hr->status != HOST_NO_SUCH || strchr(argv[0], '/') != NULL)
		return rc;
	while (argv[n] != NULL)
		n++;
	v = xcalloc(n + 1, sizeof *v);
	memcpy(v, argv, n * sizeof *v);
	for (size_t i = 0; i < nitems(dirs) && hr->status == HOST_NO_SUCH; i++) {
		char *path = xasprintf("%s%s", dirs[i], argv[0]);
		struct host_result again;

		v[0] = path;
		rc = grun(g, v, max, &again);
		/* Keep the first answer's message unless this one found the program. */
		if (again.status != HOST_NO_SUCH) {
			host_result_free(hr);
			*hr = again;
		} else
			host_result_free(&again);
		free(path);
	}
	free(v);
	return rc;
}

/*
 * Root mode: a guest path whose last part may be a symbolic link, made safe
 * to read. The link is resolved as the guest would (an absolute target
 * means the guest's /), so it is read under root, never on this machine.
 * Owned; a guest path.
 */
static char *
root_follow(const struct guest *g, const char *path)
{
	struct host_result hr;
	char *p = NULL, *target = NULL, *resolved = NULL;

	if (g->root == NULL)
		return xstrdup(path);
	p = gpath(g, path);
	if (grun(g, (const char *const[]){"readlink", "--", p, NULL}, 4096, &hr) == 0 &&
	    hr.exit_code == 0 && hr.out_len > 0) {
		target = xstrndup(hr.out, strcspn(hr.out, "\n"));
		resolved = guest_link_target(path, target);
		probe_result_evidence(g->r, _("%s is a link to %s (%s in the guest)"), p, target,
		                      resolved);
	}
	host_result_free(&hr);
	free(target);
	free(p);
	return resolved != NULL ? resolved : xstrdup(path);
}

/* Ends the probe as "error" for a host call that failed. Returns 0 (the outcome is set). */
static int
host_failed(struct guest *g, const struct host_result *hr, const char *path)
{
	const char *msg = hr->message != NULL ? hr->message : host_status_name(hr->status);
	char *p = gpath(g, path);

	probe_result_set_outcome(g->r, OUTCOME_ERROR);
	switch (hr->status) {
	case HOST_OK: /* it ran, and failed */
		probe_tail_lines(&g->r->evidence, "stderr: ", hr->err, hr->err_len, 5);
		probe_result_summary(g->r, _("'%s' failed on %s (exit status %d)"), path, g->where,
		                     hr->exit_code);
		free(p);
		return 0;
	case HOST_NOT_COLLECTED:
		probe_result_summary(
		    g->r, _("the snapshot lacks what this check needs from %s: %s"), g->where, msg);
		break;
	case HOST_DENIED:
		if (g->root != NULL)
			probe_result_summary(g->r,
			                     _("%s cannot be read: permission denied; the guest's "
			                       "files need root: run vmtriage with sudo"),
			                     p);
		else
			probe_result_summary(
			    g->r,
			    _("%s cannot be read on %s: permission denied; it needs "
			      "root there (log in as root, or run the check's "
			      "command with sudo on the guest)"),
			    p, g->where);
		break;
	default:
		probe_result_summary(g->r, "%s", msg);
		break;
	}
	probe_result_evidence(g->r, "%s", msg);
	free(p);
	return 0;
}

/* Adds a file's lines as "PATH:N: line" evidence. */
static void
evidence_line(struct guest *g, const char *path, unsigned long lineno, const char *line)
{
	char *clean = probe_clean_line(line, strlen(line), MAX_LINE_BYTES);
	char *p = gpath(g, path);

	probe_result_evidence(g->r, "%s:%lu: %s", p, lineno, clean);
	free(p);
	free(clean);
}

static void
set_fact_list(struct probe_result *r, const char *key, const struct strlist *sl)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < sl->n; i++)
		strbuf_addf(&sb, "%s%s", i > 0 ? "," : "", sl->v[i]);
	probe_result_fact(r, key, "%s", sb.len > 0 ? sb.buf : "");
	strbuf_free(&sb);
}

/* "a, b and c" for messages; owned. */
static char *
join_list(const struct strlist *sl)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < sl->n; i++)
		strbuf_addf(&sb, "%s%s",
		            i == 0           ? ""
		            : i + 1 == sl->n ? _(" and ")
		                             : ", ",
		            sl->v[i]);
	if (sb.len == 0)
		strbuf_adds(&sb, _("none"));
	return strbuf_detach(&sb);
}

/* ---- cloud_init ------------------------------------------------------------------ */

#define BOOT_FINISHED "/var/lib/cloud/instance/boot-finished"
#define CI_OUTPUT_LOG "/var/log/cloud-init-output.log"

/* The last lines of cloud-init's output log, as evidence (nothing when it cannot be read). */
static void
ci_log_tail(struct guest *g)
{
	struct host_result hr;
	char *p = gpath(g, CI_OUTPUT_LOG), *prefix = xasprintf("%s: ", p);

	if (gread(g, CI_OUTPUT_LOG, MAX_LOG_BYTES, &hr) == 0 || hr.status == HOST_TOO_BIG) {
		probe_tail_lines(&g->r->evidence, prefix, hr.out, hr.out_len, LOG_TAIL_LINES);
		if (hr.status == HOST_TOO_BIG)
			probe_result_evidence(g->r, _("%s: only its first %d MiB were read"), p,
			                      MAX_LOG_BYTES / (1024 * 1024));
	} else
		probe_result_evidence(g->r, _("%s: not read (%s)"), p,
		                      hr.message != NULL ? hr.message : "?");
	host_result_free(&hr);
	free(prefix);
	free(p);
}

/* boot-finished: 1 there, 0 not, -1 unknown. Root mode follows the instance link under root. */
static int
ci_boot_finished(struct guest *g)
{
	char *inst = root_follow(g, "/var/lib/cloud/instance");
	char *path = xasprintf("%s/boot-finished", inst);
	char kind = 'o';
	int rc = gstat(g, path, &kind);
	char *p = gpath(g, path);

	probe_result_fact(g->r, "guest.boot_finished", "%s",
	                  rc == 1   ? "yes"
	                  : rc == 0 ? "no"
	                            : "unknown");
	probe_result_evidence(g->r,
	                      rc == 1   ? _("%s exists")
	                      : rc == 0 ? _("%s does not exist")
	                                : _("%s cannot be looked at"),
	                      p);
	free(p);
	free(path);
	free(inst);
	return rc;
}

static void
ci_not_finished(struct guest *g, const char *why)
{
	probe_result_set_outcome(g->r, "not_finished");
	probe_result_summary(g->r,
	                     _("cloud-init has not finished on %s (%s): Multipass waits for "
	                       "%s; wait a little longer (it goes on in the background), or "
	                       "launch again with a longer --timeout (multipass launch "
	                       "--timeout 1000)"),
	                     g->where, why, BOOT_FINISHED);
	ci_log_tail(g);
}

static void
ci_absent(struct guest *g, const char *why)
{
	probe_result_fact(g->r, "guest.cloud_init", "absent");
	probe_result_set_outcome(g->r, "absent");
	probe_result_summary(g->r,
	                     _("cloud-init will not finish on %s: %s; Multipass waits for %s, "
	                       "which only cloud-init writes"),
	                     g->where, why, BOOT_FINISHED);
}

/* Root mode: only the files tell (status.json lives in /run, which a disk does not keep). */
static int
ci_root(struct guest *g)
{
	char kind = 'o';
	int fin;

	if (gstat(g, "/var/lib/cloud", &kind) == 0) {
		ci_absent(g, _("/var/lib/cloud does not exist: cloud-init never ran here"));
		return 0;
	}
	if (gstat(g, "/etc/cloud/cloud-init.disabled", &kind) == 1) {
		probe_result_evidence(g->r, _("/etc/cloud/cloud-init.disabled exists"));
		ci_absent(g, _("it is disabled by /etc/cloud/cloud-init.disabled"));
		return 0;
	}
	fin = ci_boot_finished(g);
	if (fin == 1) {
		probe_result_set_outcome(g->r, "ok");
		probe_result_summary(g->r, _("cloud-init finished on the last boot of %s"),
		                     g->where);
	} else if (fin == 0)
		ci_not_finished(g, _("boot-finished is not there"));
	else {
		probe_result_set_outcome(g->r, OUTCOME_ERROR);
		probe_result_summary(g->r, _("%s cannot be looked at: run vmtriage with sudo"),
		                     BOOT_FINISHED);
	}
	return 0;
}

static void
ci_evidence(struct guest *g, const struct guest_ci *ci)
{
	bool extended = ci->extended != NULL && strcmp(ci->extended, ci->status) != 0;
	size_t n = 0;

	probe_result_evidence(g->r, "status: %s%s%s%s", ci->status, extended ? " (" : "",
	                      extended ? ci->extended : "", extended ? ")" : "");
	if (ci->boot_code != NULL)
		probe_result_evidence(g->r, "boot_status_code: %s", ci->boot_code);
	if (ci->detail != NULL) {
		char *clean = probe_clean_line(ci->detail, strlen(ci->detail), MAX_LINE_BYTES);

		probe_result_evidence(g->r, "detail: %s", clean);
		free(clean);
	}
	for (size_t i = 0; i < ci->errors.n && n < MAX_EVIDENCE_LINES; i++, n++) {
		char *clean =
		    probe_clean_line(ci->errors.v[i], strlen(ci->errors.v[i]), MAX_LINE_BYTES);

		probe_result_evidence(g->r, "error: %s", clean);
		free(clean);
	}
	for (size_t i = 0; i < ci->recoverable.n && n < MAX_EVIDENCE_LINES; i++, n++) {
		char *clean = probe_clean_line(ci->recoverable.v[i], strlen(ci->recoverable.v[i]),
		                               MAX_LINE_BYTES);

		probe_result_evidence(g->r, "%s", clean);
		free(clean);
	}
}

static int
check_cloud_init(struct guest *g)
{
	struct host_result hr;
	struct guest_ci ci;
	char kind = 'o';
	int fin, parsed = -1;

	if (g->root != NULL)
		return ci_root(g);
	memset(&ci, 0, sizeof ci);
	probe_result_evidence(g->r, "$ cloud-init status --long");
	grun(g, (const char *const[]){"cloud-init", "status", "--long", NULL}, MAX_FILE_BYTES, &hr);
	switch (hr.status) {
	case HOST_OK:
		parsed = guest_ci_parse(hr.out, hr.out_len, &ci);
		break;
	case HOST_NO_SUCH:
		probe_result_evidence(g->r, "%s", hr.message);
		probe_result_fact(g->r, "guest.cloud_init", "unknown");
		if (gstat(g, "/var/lib/cloud", &kind) == 0) {
			host_result_free(&hr);
			ci_absent(g, _("cloud-init is not installed"));
			return 0;
		}
		break;
	default:
		host_failed(g, &hr, "cloud-init status --long");
		host_result_free(&hr);
		return 0;
	}
	if (parsed == 0) {
		probe_result_fact(g->r, "guest.cloud_init", "%s", guest_ci_state_name(ci.state));
		ci_evidence(g, &ci);
	} else if (hr.status == HOST_OK) {
		/* Too old for `status`, or something else answered: boot-finished decides. */
		probe_tail_lines(&g->r->evidence, "", hr.out, hr.out_len, 5);
		probe_tail_lines(&g->r->evidence, "stderr: ", hr.err, hr.err_len, 5);
		probe_result_fact(g->r, "guest.cloud_init", "unknown");
	}
	host_result_free(&hr);
	fin = ci_boot_finished(g);

	switch (parsed == 0 ? ci.state : GUEST_CI_UNKNOWN) {
	case GUEST_CI_ERROR:
		probe_result_set_outcome(g->r, "failed");
		probe_result_summary(
		    g->r,
		    _("cloud-init failed on %s (%zu error(s)): see the errors, and "
		      "%s and /var/log/cloud-init.log on the instance"),
		    g->where, ci.errors.n > 0 ? ci.errors.n : (size_t)1, CI_OUTPUT_LOG);
		break;
	case GUEST_CI_DISABLED:
		ci_absent(g, ci.boot_code != NULL ? ci.boot_code : _("cloud-init is disabled"));
		break;
	case GUEST_CI_RUNNING:
		ci_not_finished(g, _("cloud-init status: running"));
		break;
	case GUEST_CI_NOT_STARTED:
		ci_not_finished(g, _("cloud-init status: not started"));
		break;
	case GUEST_CI_DONE:
		if (fin == 0) {
			ci_not_finished(g, _("cloud-init says done, but boot-finished is missing"));
			break;
		}
		probe_result_set_outcome(g->r, "ok");
		if (ci.recoverable.n > 0)
			probe_result_summary(g->r,
			                     _("cloud-init finished on %s, with %zu warning(s)"),
			                     g->where, ci.recoverable.n);
		else
			probe_result_summary(g->r, _("cloud-init finished on %s"), g->where);
		break;
	default:
		if (fin == 1) {
			probe_result_set_outcome(g->r, "ok");
			probe_result_summary(g->r,
			                     _("cloud-init finished on %s (boot-finished is "
			                       "there)"),
			                     g->where);
		} else if (fin == 0)
			ci_not_finished(g, _("boot-finished is not there"));
		else {
			probe_result_set_outcome(g->r, OUTCOME_ERROR);
			probe_result_summary(
			    g->r, _("cannot tell whether cloud-init finished on %s"), g->where);
		}
		break;
	}
	guest_ci_free(&ci);
	return 0;
}

/* ---- resolv ---------------------------------------------------------------------- */

static void
resolv_verdict(struct guest *g, const struct strlist *servers, const char *resolver,
               const char *empty_why)
{
	char *list = join_list(servers);

	set_fact_list(g->r, "guest.nameservers", servers);
	probe_result_fact(g->r, "guest.resolver", "%s", resolver);
	if (servers->n == 0) {
		probe_result_set_outcome(g->r, "no_nameserver");
		probe_result_summary(g->r, _("%s has no DNS server: %s"), g->where, empty_why);
	} else {
		probe_result_set_outcome(g->r, "ok");
		probe_result_summary(g->r, _("%s asks %s for names (%s)"), g->where, list,
		                     resolver);
	}
	free(list);
}

/*
 * A look that failed on the way to the answer: with quiet, only said in the
 * evidence (the check goes on without it); else the probe ends as "error".
 */
static void
look_failed(struct guest *g, const struct host_result *hr, const char *what, bool quiet)
{
	if (quiet)
		probe_result_evidence(g->r, _("%s: not read (%s)"), what,
		                      hr->message != NULL ? hr->message
		                                          : host_status_name(hr->status));
	else
		host_failed(g, hr, what);
}

/*
 * systemd-resolved's upstreams: its own resolv.conf, else `resolvectl status`.
 * -1 when neither tells: the outcome is set unless quiet.
 */
static int
resolved_upstreams(struct guest *g, struct strlist *servers, bool quiet)
{
	static const char upstream[] = "/run/systemd/resolve/resolv.conf";
	struct host_result hr;
	char *p = gpath(g, upstream);

	if (gread(g, upstream, MAX_FILE_BYTES, &hr) == 0) {
		guest_resolv_parse(hr.out, hr.out_len, servers);
		probe_result_evidence(g->r, _("%s: %zu upstream server(s)"), p, servers->n);
		goto out;
	}
	if (hr.status != HOST_NO_SUCH) {
		look_failed(g, &hr, upstream, quiet);
		host_result_free(&hr);
		free(p);
		return -1;
	}
	host_result_free(&hr);
	grun(g, (const char *const[]){"resolvectl", "status", NULL}, MAX_FILE_BYTES, &hr);
	if (hr.status != HOST_OK) {
		look_failed(g, &hr, "resolvectl status", quiet);
		host_result_free(&hr);
		free(p);
		return -1;
	}
	guest_resolvectl_parse(hr.out, hr.out_len, servers, NULL);
	probe_result_evidence(g->r, _("resolvectl status: %zu upstream server(s)"), servers->n);
out:
	host_result_free(&hr);
	free(p);
	return 0;
}

static int
check_resolv(struct guest *g)
{
	struct strlist ns = STRLIST_INIT, up = STRLIST_INIT;
	struct host_result hr;
	char *file = root_follow(g, "/etc/resolv.conf"), *p = gpath(g, file);
	bool stub = false;

	if (gread(g, file, MAX_FILE_BYTES, &hr) != 0) {
		if (hr.status == HOST_NO_SUCH && g->root != NULL && strstr(file, "/run/") != NULL) {
			/* A link into /run: made at boot, so a disk cannot show it. */
			probe_result_fact(g->r, "guest.resolver", "%s",
			                  strstr(file, "systemd") != NULL ? "systemd-resolved"
			                                                  : "runtime");
			probe_result_set_outcome(g->r, "ok");
			probe_result_summary(
			    g->r,
			    _("/etc/resolv.conf of %s links to %s, which is written "
			      "at boot (from DHCP or the network configuration); a "
			      "disk does not hold it"),
			    g->where, file);
		} else if (hr.status == HOST_NO_SUCH) {
			resolv_verdict(g, &ns, "none",
			               _("/etc/resolv.conf does not exist (or links to a file that "
			                 "does not)"));
			probe_result_evidence(g->r, "%s", hr.message);
		} else
			host_failed(g, &hr, file);
		goto out;
	}
	guest_resolv_parse(hr.out, hr.out_len, &ns);
	for (size_t i = 0; i < ns.n; i++)
		probe_result_evidence(g->r, "%s: nameserver %s", p, ns.v[i]);
	if (ns.n == 0)
		probe_result_evidence(g->r, _("%s has no nameserver line"), p);
	stub = ns.n > 0;
	for (size_t i = 0; i < ns.n; i++)
		stub = stub && guest_is_resolved_stub(ns.v[i]);
	if (!stub) {
		resolv_verdict(g, &ns, "static", _("/etc/resolv.conf has no nameserver line"));
		goto out;
	}
	/* 127.0.0.53 is systemd-resolved's stub: what matters is what it asks. */
	if (g->root != NULL) {
		probe_result_fact(g->r, "guest.resolver", "systemd-resolved");
		probe_result_set_outcome(g->r, "ok");
		probe_result_summary(
		    g->r,
		    _("%s uses systemd-resolved (nameserver %s); its upstream "
		      "servers come at boot from DHCP or the network configuration"),
		    g->where, ns.v[0]);
		goto out;
	}
	if (resolved_upstreams(g, &up, false) != 0)
		goto out;
	for (size_t i = 0; i < up.n; i++)
		probe_result_evidence(g->r, _("upstream: %s"), up.v[i]);
	resolv_verdict(g, &up, "systemd-resolved",
	               _("/etc/resolv.conf points at systemd-resolved (127.0.0.53), which has "
	                 "no upstream server: the network configuration or DHCP gave none"));
out:
	host_result_free(&hr);
	strlist_free(&ns);
	strlist_free(&up);
	free(file);
	free(p);
	return 0;
}

/* ---- lookup ---------------------------------------------------------------------- */

/* A program that is not in the guest: not found by the host, or the shell's 127. */
static bool
no_program(const struct host_result *hr)
{
	return hr->status == HOST_NO_SUCH || (hr->status == HOST_OK && hr->exit_code == 127);
}

/* The non-blank lines of a tool's output as evidence, each once, at most max. */
static void
evidence_output(struct guest *g, const char *prefix, const char *text, size_t len, size_t max)
{
	struct strlist seen = STRLIST_INIT;
	const char *p = text, *end = text + len;

	while (p < end && seen.n < max) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t ll = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		char *clean = probe_clean_line(p, ll, MAX_LINE_BYTES);
		bool dup = false;

		for (size_t i = 0; i < seen.n && !dup; i++)
			dup = strcmp(seen.v[i], clean) == 0;
		if (clean[strspn(clean, " \t")] != '\0' && !dup) {
			strlist_add(&seen, clean);
			probe_result_evidence(g->r, "%s%s", prefix, clean);
		}
		free(clean);
		p = nl != NULL ? nl + 1 : end;
	}
	strlist_free(&seen);
}

/*
 * The DNS servers the guest asks, for the evidence: /etc/resolv.conf's, or
 * systemd-resolved's upstreams behind its stub (127.0.0.53). Best effort:
 * what cannot be read is said, and the lookup's own answer stands. False
 * when /etc/resolv.conf could not be read (a missing one names no server).
 */
static bool
lookup_servers(struct guest *g, struct strlist *servers)
{
	struct strlist ns = STRLIST_INIT, up = STRLIST_INIT;
	struct host_result hr;
	const struct strlist *asked = &ns;
	bool stub = false, known = true;

	if (gread(g, "/etc/resolv.conf", MAX_FILE_BYTES, &hr) != 0) {
		look_failed(g, &hr, "/etc/resolv.conf", true);
		known = hr.status == HOST_NO_SUCH;
		goto out;
	}
	guest_resolv_parse(hr.out, hr.out_len, &ns);
	for (size_t i = 0; i < ns.n; i++)
		probe_result_evidence(g->r, "/etc/resolv.conf: nameserver %s", ns.v[i]);
	if (ns.n == 0)
		probe_result_evidence(g->r, _("%s has no nameserver line"), "/etc/resolv.conf");
	stub = ns.n > 0;
	for (size_t i = 0; i < ns.n; i++)
		stub = stub && guest_is_resolved_stub(ns.v[i]);
	if (stub && resolved_upstreams(g, &up, true) == 0) {
		for (size_t i = 0; i < up.n; i++)
			probe_result_evidence(g->r, _("upstream: %s"), up.v[i]);
		asked = &up;
	}
	for (size_t i = 0; i < asked->n; i++)
		strlist_add(servers, asked->v[i]);
out:
	host_result_free(&hr);
	strlist_free(&ns);
	strlist_free(&up);
	return known;
}

static void
lookup_answered(struct guest *g, const char *name, const struct strlist *addrs)
{
	struct strlist servers = STRLIST_INIT;

	if (lookup_servers(g, &servers))
		set_fact_list(g->r, "guest.nameservers", &servers);
	probe_result_fact(g->r, "guest.lookup.address", "%s", addrs->v[0]);
	probe_result_set_outcome(g->r, "ok");
	probe_result_summary(g->r, _("%s resolves in the guest: %s"), name, addrs->v[0]);
	strlist_free(&servers);
}

static void
lookup_no_answer(struct guest *g, const char *name)
{
	struct strlist servers = STRLIST_INIT;
	char *list = NULL;
	bool known = lookup_servers(g, &servers);

	if (known)
		set_fact_list(g->r, "guest.nameservers", &servers);
	probe_result_set_outcome(g->r, "no_answer");
	if (!known)
		probe_result_summary(g->r,
		                     _("%s does not resolve in %s: its DNS servers give no answer, "
		                       "or say the name does not exist"),
		                     name, g->where);
	else if (servers.n == 0)
		probe_result_summary(g->r,
		                     _("%s does not resolve in %s: it has no DNS server to ask (no "
		                       "nameserver in /etc/resolv.conf, or systemd-resolved has no "
		                       "upstream server)"),
		                     name, g->where);
	else {
		list = join_list(&servers);
		probe_result_summary(g->r,
		                     _("%s does not resolve in %s: its DNS server(s) (%s) give no "
		                       "answer, or say the name does not exist"),
		                     name, g->where, list);
	}
	free(list);
	strlist_free(&servers);
}

/* No getent: BusyBox's or bind's nslookup, whose exit status says found or not. */
static void
lookup_nslookup(struct guest *g, const char *name)
{
	struct strlist addrs = STRLIST_INIT;
	struct host_result hr;

	probe_result_evidence(g->r, "$ nslookup %s", name);
	grun(g, (const char *const[]){"nslookup", name, NULL}, MAX_FILE_BYTES, &hr);
	if (no_program(&hr)) {
		probe_result_evidence(
		    g->r, "%s", hr.message != NULL ? hr.message : "nslookup: exit status 127");
		probe_result_set_outcome(g->r, OUTCOME_ERROR);
		probe_result_summary(
		    g->r,
		    _("neither getent nor nslookup in the guest (%s): nothing there "
		      "can look %s up"),
		    g->where, name);
		goto out;
	}
	if (hr.status != HOST_OK) {
		host_failed(g, &hr, "nslookup");
		goto out;
	}
	guest_nslookup_parse(hr.out, hr.out_len, &addrs);
	/* bind's nslookup exits 0 for "*** Can't find NAME: No answer": no address, no answer. */
	if (hr.exit_code == 0 && addrs.n > 0) {
		for (size_t i = 0; i < addrs.n && i < MAX_LOOKUP_LINES; i++)
			probe_result_evidence(g->r, "Address: %s", addrs.v[i]);
		lookup_answered(g, name, &addrs);
		goto out;
	}
	evidence_output(g, "", hr.out, hr.out_len, 5);
	evidence_output(g, "stderr: ", hr.err, hr.err_len, 3);
	probe_result_evidence(g->r, _("nslookup: exit status %d"), hr.exit_code);
	lookup_no_answer(g, name);
out:
	host_result_free(&hr);
	strlist_free(&addrs);
}

/*
 * Whether name resolves in the guest, as its programs see it: `getent hosts`
 * asks the C library, so /etc/hosts, systemd-resolved and every server of
 * /etc/resolv.conf count. Exit 2 is "not found": NXDOMAIN, or no server
 * answered.
 */
static int
check_lookup(struct guest *g, const char *name)
{
	struct strlist addrs = STRLIST_INIT, lines = STRLIST_INIT;
	struct host_result hr;
	char *shown = xasprintf("getent hosts %s", name);

	probe_result_evidence(g->r, "$ %s", shown);
	grun(g, (const char *const[]){"getent", "hosts", name, NULL}, MAX_FILE_BYTES, &hr);
	if (no_program(&hr)) {
		probe_result_evidence(g->r, "%s",
		                      hr.message != NULL ? hr.message : "getent: exit status 127");
		lookup_nslookup(g, name);
		goto out;
	}
	if (hr.status != HOST_OK) {
		host_failed(g, &hr, shown);
		goto out;
	}
	if (hr.exit_code == 2) {
		probe_result_evidence(g->r, "%s", _("getent: not found (exit status 2)"));
		lookup_no_answer(g, name);
		goto out;
	}
	if (hr.exit_code != 0) {
		host_failed(g, &hr, shown);
		goto out;
	}
	if (guest_getent_parse(hr.out, hr.out_len, &addrs, &lines) == 0) {
		evidence_output(g, "", hr.out, hr.out_len, 5);
		probe_result_set_outcome(g->r, OUTCOME_ERROR);
		probe_result_summary(g->r, _("'%s' on %s found it, but printed no address"), shown,
		                     g->where);
		goto out;
	}
	for (size_t i = 0; i < lines.n && i < MAX_LOOKUP_LINES; i++) {
		char *clean = probe_clean_line(lines.v[i], strlen(lines.v[i]), MAX_LINE_BYTES);

		probe_result_evidence(g->r, "%s", clean);
		free(clean);
	}
	lookup_answered(g, name, &addrs);
out:
	host_result_free(&hr);
	strlist_free(&addrs);
	strlist_free(&lines);
	free(shown);
	return 0;
}

/* ---- fstab ----------------------------------------------------------------------- */

static int
check_fstab(struct guest *g)
{
	struct guest_fstab_entry *e = NULL;
	struct host_result hr;
	size_t n = 0, bad = 0;
	char *p = gpath(g, "/etc/fstab");

	if (gread(g, "/etc/fstab", MAX_FILE_BYTES, &hr) != 0) {
		if (hr.status == HOST_NO_SUCH) {
			probe_result_fact(g->r, "guest.bad_fstab_lines", "0");
			probe_result_fact(g->r, "guest.fstab_entries", "0");
			probe_result_set_outcome(g->r, "ok");
			probe_result_summary(g->r,
			                     _("%s has no /etc/fstab: nothing is mounted by "
			                       "device name"),
			                     g->where);
			probe_result_evidence(g->r, "%s", hr.message);
		} else
			host_failed(g, &hr, "/etc/fstab");
		goto out;
	}
	n = guest_fstab_parse(hr.out, hr.out_len, &e);
	for (size_t i = 0; i < n; i++) {
		if (!e[i].unstable)
			continue;
		if (bad++ < MAX_EVIDENCE_LINES)
			evidence_line(g, "/etc/fstab", e[i].lineno, e[i].line);
	}
	probe_result_fact(g->r, "guest.bad_fstab_lines", "%zu", bad);
	probe_result_fact(g->r, "guest.fstab_entries", "%zu", n);
	if (bad > 0) {
		probe_result_set_outcome(g->r, "device_names");
		probe_result_summary(
		    g->r,
		    _("%zu line(s) of %s name a disk by its kernel name (/dev/sd*, /dev/hd*, "
		      "/dev/xvd*, by-path), which changes under KVM's virtio (/dev/vda): use "
		      "UUID= or LABEL= instead (blkid shows them)"),
		    bad, p);
		probe_result_evidence(
		    g->r, "%s", _("UUID= and LABEL= stay the same whatever the disk controller"));
	} else {
		probe_result_set_outcome(g->r, "ok");
		probe_result_summary(g->r, _("%s: %zu entries, none by a kernel device name"), p,
		                     n);
	}
out:
	guest_fstab_free(e, n);
	host_result_free(&hr);
	free(p);
	return 0;
}

/* ---- net ------------------------------------------------------------------------- */

/* Whether a file in a configuration directory is one the tool reads. */
static bool
config_name(const char *name, const char *prefix, const char *suffix)
{
	static const char *const skipped[] = {"~",        ".bak",     ".orig",     ".rpmnew",
	                                      ".rpmorig", ".rpmsave", ".dpkg-old", ".dpkg-dist"};

	if (prefix != NULL && !str_has_prefix(name, prefix))
		return false;
	if (suffix != NULL && !str_has_suffix(name, suffix))
		return false;
	for (size_t i = 0; i < nitems(skipped); i++) {
		if (str_has_suffix(name, skipped[i]))
			return false;
	}
	return name[0] != '.';
}

enum config_kind { CONF_NETPLAN, CONF_IFUPDOWN, CONF_IFCFG, CONF_NM };

static void
parse_config(struct guest *g, enum config_kind kind, const char *path, const char *text, size_t len,
             struct guest_iface_refs *refs)
{
	char *p = gpath(g, path), *err = NULL;

	switch (kind) {
	case CONF_NETPLAN:
		if (guest_netplan_parse(text, len, p, refs, &err) != 0) {
			char *clean = probe_clean_line(err, strlen(err), MAX_LINE_BYTES);

			probe_result_evidence(g->r, _("%s (netplan cannot read it either)"), clean);
			free(clean);
		}
		break;
	case CONF_IFUPDOWN:
		guest_ifupdown_parse(text, len, p, refs);
		break;
	case CONF_IFCFG:
		guest_ifcfg_parse(text, len, p, refs);
		break;
	case CONF_NM:
		guest_nmconn_parse(text, len, p, refs);
		break;
	}
	free(err);
	free(p);
}

/* Reads one configuration file; one that is not there is no error. -1: the outcome is set. */
static int
read_config(struct guest *g, enum config_kind kind, const char *path, struct guest_iface_refs *refs)
{
	struct host_result hr;
	char *p = NULL;

	if (gread(g, path, MAX_FILE_BYTES, &hr) == 0)
		parse_config(g, kind, path, hr.out, hr.out_len, refs);
	else if (hr.status == HOST_DENIED && kind == CONF_NM) {
		/* NetworkManager keeps its keyfiles root-only: say so, and go on. */
		p = gpath(g, path);
		probe_result_evidence(g->r, _("%s cannot be read (root only): not compared"), p);
	} else if (hr.status != HOST_NO_SUCH) {
		host_failed(g, &hr, path);
		host_result_free(&hr);
		return -1;
	}
	host_result_free(&hr);
	free(p);
	return 0;
}

/* Reads the files of dir that prefix/suffix select. -1: the outcome is set. */
static int
read_config_dir(struct guest *g, enum config_kind kind, const char *dir, const char *prefix,
                const char *suffix, struct guest_iface_refs *refs)
{
	struct host_result hr;
	const char *s = NULL;
	int rc = 0;

	if (glist(g, dir, &hr) != 0) {
		if (hr.status == HOST_DENIED && kind == CONF_NM) {
			/* NetworkManager keeps its keyfiles root-only: say so, and go on. */
			char *p = gpath(g, dir);

			probe_result_evidence(g->r,
			                      _("%s cannot be read (root only): not compared"), p);
			free(p);
		} else if (hr.status != HOST_NO_SUCH) {
			host_failed(g, &hr, dir);
			rc = -1;
		}
		host_result_free(&hr);
		return rc;
	}
	for (s = hr.out; *s != '\0' && rc == 0;) {
		size_t n = strcspn(s, "\n");
		char *name = xstrndup(s, n), *path = NULL;

		s += n + (s[n] == '\n');
		if (!config_name(name, prefix, suffix) ||
		    (kind == CONF_IFCFG && strcmp(name, "ifcfg-lo") == 0)) {
			free(name);
			continue;
		}
		path = xasprintf("%s/%s", dir, name);
		rc = read_config(g, kind, path, refs);
		free(path);
		free(name);
	}
	host_result_free(&hr);
	return rc;
}

/* Every interface the guest's network configuration names. -1: the outcome is set. */
static int
config_refs(struct guest *g, struct guest_iface_refs *refs)
{
	if (read_config_dir(g, CONF_NETPLAN, "/etc/netplan", NULL, ".yaml", refs) != 0 ||
	    read_config(g, CONF_IFUPDOWN, "/etc/network/interfaces", refs) != 0 ||
	    read_config_dir(g, CONF_IFUPDOWN, "/etc/network/interfaces.d", NULL, NULL, refs) != 0 ||
	    read_config_dir(g, CONF_IFCFG, "/etc/sysconfig/network-scripts", "ifcfg-", NULL,
	                    refs) != 0 ||
	    read_config_dir(g, CONF_NM, "/etc/NetworkManager/system-connections", NULL,
	                    ".nmconnection", refs) != 0)
		return -1;
	return 0;
}

/* "eth0" or "MAC 00:50:56:..." for a reference; owned. */
static char *
ref_text(const struct guest_iface_ref *ref)
{
	if (ref->name != NULL)
		return xstrdup(ref->name);
	return xasprintf(_("the interface with MAC %s"), ref->mac);
}

/*
 * The links the VM has: `ip -o link` over SSH; the names given in ifaces with
 * root (no MACs). NULL with *n 0 and the outcome set when they cannot be had.
 */
static struct guest_link *
vm_links(struct guest *g, const char *ifaces, size_t *n, bool *have)
{
	struct guest_link *links = NULL;
	struct host_result hr;

	*n = 0;
	*have = false;
	if (g->root != NULL) {
		const char *s = ifaces;

		if (ifaces == NULL)
			return NULL;
		while (s != NULL && *s != '\0') {
			size_t k = strcspn(s, ", ");

			if (k > 0) {
				links = xreallocarray(links, *n + 1, sizeof *links);
				memset(&links[*n], 0, sizeof links[*n]);
				links[*n].name = xstrndup(s, k);
				(*n)++;
			}
			s += k + (s[k] != '\0');
		}
		probe_result_evidence(g->r, _("the VM's interfaces, as given: %s"), ifaces);
		*have = true;
		return links;
	}
	if (grun_sbin(g, (const char *const[]){"ip", "-o", "link", NULL}, MAX_FILE_BYTES, &hr) !=
	        0 ||
	    hr.exit_code != 0) {
		host_failed(g, &hr, "ip -o link");
		host_result_free(&hr);
		return NULL;
	}
	*n = guest_ip_link_parse(hr.out, hr.out_len, &links);
	host_result_free(&hr);
	*have = true;
	return links;
}

/* The VM's links but lo, as "enp1s0 (52:54:00:...)" items. */
static void
links_list(const struct guest_link *links, size_t n, struct strlist *out, struct strlist *names)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(links[i].name, "lo") == 0)
			continue;
		if (names != NULL)
			strlist_add(names, links[i].name);
		if (links[i].mac != NULL)
			strlist_addf(out, "%s (%s)", links[i].name, links[i].mac);
		else
			strlist_add(out, links[i].name);
	}
}

static int
check_net(struct guest *g, const char *ifaces)
{
	struct guest_iface_refs refs = {NULL, 0};
	struct strlist has = STRLIST_INIT, names = STRLIST_INIT, conf = STRLIST_INIT,
	               missing = STRLIST_INIT;
	struct guest_link *links = NULL;
	size_t nlinks = 0;
	bool have = false;
	char *has_text = NULL, *missing_text = NULL;

	if (config_refs(g, &refs) != 0)
		goto out;
	for (size_t i = 0; i < refs.n; i++) {
		char *t = ref_text(&refs.v[i]);

		strlist_add(&conf, refs.v[i].name != NULL ? refs.v[i].name : refs.v[i].mac);
		probe_result_evidence(g->r, _("%s:%lu: configures %s"), refs.v[i].source,
		                      refs.v[i].lineno, t);
		free(t);
	}
	set_fact_list(g->r, "guest.config_ifaces", &conf);
	if ((links = vm_links(g, ifaces, &nlinks, &have)) == NULL && !have) {
		if (g->r->outcome == NULL) {
			probe_result_set_outcome(g->r, OUTCOME_ERROR);
			probe_result_summary(
			    g->r, _("a disk does not say which interfaces the VM will have: "
			            "give ifaces= (the names `ip link` shows on the VM's "
			            "console, such as enp1s0)"));
		}
		goto out;
	}
	links_list(links, nlinks, &has, &names);
	set_fact_list(g->r, "guest.ifaces", &names);
	has_text = join_list(&has);
	probe_result_evidence(g->r, _("the VM has: %s"), has_text);
	if (refs.n == 0) {
		probe_result_fact(g->r, "guest.missing_ifaces", "%s", "");
		probe_result_set_outcome(g->r, "ok");
		probe_result_summary(
		    g->r,
		    _("no network configuration on %s names an interface "
		      "(netplan, ifupdown, ifcfg and NetworkManager files looked at)"),
		    g->where);
		goto out;
	}
	for (size_t i = 0; i < refs.n; i++) {
		const struct guest_iface_ref *ref = &refs.v[i];
		char *t = NULL;

		if (ref->name == NULL && g->root != NULL) {
			probe_result_evidence(g->r,
			                      _("%s:%lu: matched by MAC %s: not compared (the "
			                        "VM's MACs are not known from a disk)"),
			                      ref->source, ref->lineno, ref->mac);
			continue;
		}
		if (guest_iface_ref_found(ref, links, nlinks))
			continue;
		t = ref_text(ref);
		strlist_add(&missing, t);
		probe_result_evidence(g->r, _("%s:%lu: %s: the VM has no such interface"),
		                      ref->source, ref->lineno, t);
		free(t);
	}
	set_fact_list(g->r, "guest.missing_ifaces", &missing);
	missing_text = join_list(&missing);
	if (missing.n > 0) {
		probe_result_set_outcome(g->r, "iface_mismatch");
		probe_result_summary(
		    g->r,
		    _("the network configuration of %s names %s, but the VM has %s: "
		      "rename them in the configuration (or match by MAC address), "
		      "then apply it or reboot"),
		    g->where, missing_text, has_text);
	} else {
		probe_result_set_outcome(g->r, "ok");
		probe_result_summary(g->r,
		                     _("every interface the network configuration of %s names is "
		                       "there; the VM has %s"),
		                     g->where, has_text);
	}
out:
	guest_iface_refs_free(&refs);
	guest_links_free(links, nlinks);
	strlist_free(&has);
	strlist_free(&names);
	strlist_free(&conf);
	strlist_free(&missing);
	free(has_text);
	free(missing_text);
	return 0;
}

/* ---- udev ------------------------------------------------------------------------ */

#define PERSISTENT_NET "/etc/udev/rules.d/70-persistent-net.rules"

static int
check_udev(struct guest *g)
{
	struct guest_udev_rule *u = NULL;
	struct guest_link *links = NULL;
	struct host_result hr;
	struct strlist stale = STRLIST_INIT, has = STRLIST_INIT;
	size_t n = 0, nlinks = 0;
	bool have = false;
	char *p = gpath(g, PERSISTENT_NET), *text = NULL;

	if (gread(g, PERSISTENT_NET, MAX_FILE_BYTES, &hr) != 0) {
		if (hr.status == HOST_NO_SUCH) {
			probe_result_fact(g->r, "guest.stale_macs", "%s", "");
			probe_result_set_outcome(g->r, "ok");
			probe_result_summary(
			    g->r,
			    _("%s has no 70-persistent-net.rules: interface names are "
			      "not pinned to MAC addresses"),
			    g->where);
			probe_result_evidence(g->r, "%s", hr.message);
		} else
			host_failed(g, &hr, PERSISTENT_NET);
		goto out;
	}
	n = guest_udev_parse(hr.out, hr.out_len, &u);
	if (n > 0 && g->root == NULL) {
		if ((links = vm_links(g, NULL, &nlinks, &have)) == NULL && !have)
			goto out;
		links_list(links, nlinks, &has, NULL);
	}
	for (size_t i = 0; i < n; i++) {
		bool found = false;

		for (size_t j = 0; j < nlinks && !found; j++)
			found = links[j].mac != NULL && strcmp(links[j].mac, u[i].mac) == 0;
		if (found)
			continue;
		strlist_add(&stale, u[i].mac);
		if (stale.n <= MAX_EVIDENCE_LINES)
			evidence_line(g, PERSISTENT_NET, u[i].lineno, u[i].line);
	}
	set_fact_list(g->r, "guest.stale_macs", &stale);
	if (n == 0) {
		probe_result_set_outcome(g->r, "ok");
		probe_result_summary(g->r, _("%s pins no interface to a MAC address"), p);
		probe_result_evidence(g->r, _("%s: no rule with ATTR{address}"), p);
	} else if (stale.n == 0) {
		text = join_list(&has);
		probe_result_set_outcome(g->r, "ok");
		probe_result_summary(g->r, _("every MAC address %s pins is one the VM has: %s"), p,
		                     text);
	} else if (g->root == NULL) {
		text = join_list(&has);
		probe_result_evidence(g->r, _("the VM has: %s"), text);
		probe_result_set_outcome(g->r, "stale_udev");
		probe_result_summary(
		    g->r,
		    _("%s pins interface names to %zu MAC address(es) the VM does "
		      "not have, so its NICs get other names than the configuration "
		      "expects: delete the file (or those lines) and reboot"),
		    p, stale.n);
	} else {
		probe_result_set_outcome(g->r, "stale_udev");
		probe_result_summary(
		    g->r,
		    _("%s pins interface names to %zu MAC address(es) from the old "
		      "hypervisor; a migrated VM's NICs have new ones (unless they "
		      "were kept), so they get other names: delete the file before "
		      "booting"),
		    p, stale.n);
	}
out:
	guest_udev_free(u, n);
	guest_links_free(links, nlinks);
	host_result_free(&hr);
	strlist_free(&stale);
	strlist_free(&has);
	free(text);
	free(p);
	return 0;
}

/* ---- initramfs ------------------------------------------------------------------- */

/* Which kernel boots: `uname -r` over SSH, the newest initramfs in /boot on a disk. */
static int
boot_kernel(struct guest *g, char **version, char **image)
{
	struct host_result hr;

	*version = *image = NULL;
	if (g->root == NULL) {
		if (grun(g, (const char *const[]){"uname", "-r", NULL}, 4096, &hr) != 0 ||
		    hr.exit_code != 0 || hr.out_len == 0) {
			host_failed(g, &hr, "uname -r");
			host_result_free(&hr);
			return -1;
		}
		*version = xstrndup(hr.out, strcspn(hr.out, "\r\n"));
		host_result_free(&hr);
		probe_result_evidence(g->r, "uname -r: %s", *version);
	}
	if (glist(g, "/boot", &hr) != 0) {
		host_failed(g, &hr, "/boot");
		host_result_free(&hr);
		free(*version);
		*version = NULL;
		return -1;
	}
	*image =
	    guest_boot_initramfs(hr.out, hr.out_len, *version, *version == NULL ? version : NULL);
	host_result_free(&hr);
	if (*version == NULL) {
		char *p = gpath(g, "/boot");

		probe_result_set_outcome(g->r, OUTCOME_ERROR);
		probe_result_summary(g->r,
		                     _("%s holds no initramfs (initrd.img-* or "
		                       "initramfs-*.img): is it the guest's root?"),
		                     p);
		free(p);
		return -1;
	}
	return 0;
}

/* The virtio modules built into the kernel (modules.builtin). */
static unsigned
builtin_virtio(struct guest *g, const char *version)
{
	struct host_result hr;
	char *path = xasprintf("/lib/modules/%s/modules.builtin", version);
	char *p = gpath(g, path), *names = NULL;
	unsigned mask = 0;

	if (gread(g, path, MAX_FILE_BYTES * 2, &hr) == 0) {
		mask = guest_virtio_scan(hr.out, hr.out_len);
		names = guest_virtio_names(mask);
		probe_result_evidence(g->r, _("%s: built in: %s"), p, names);
	} else
		probe_result_evidence(g->r, _("%s: not read (%s)"), p,
		                      hr.message != NULL ? hr.message : "?");
	host_result_free(&hr);
	free(names);
	free(path);
	free(p);
	return mask;
}

/*
 * Lists the initramfs with the tool its name suggests, then the other one.
 * Returns the virtio modules in it; -1 when it cannot be listed (outcome set).
 */
static int
initramfs_virtio(struct guest *g, const char *image)
{
	static const char *const tools[][2] = {{"lsinitramfs", "lsinitrd"},
	                                       {"lsinitrd", "lsinitramfs"}};
	const char *const *order = str_has_prefix(image, "initrd.img-") ? tools[0] : tools[1];
	struct host_result hr;
	char *path = xasprintf("/boot/%s", image), *p = gpath(g, path), *names = NULL;
	int mask = -1;

	memset(&hr, 0, sizeof hr);
	for (int i = 0; i < 2; i++) {
		host_result_free(&hr);
		if (grun_sbin(g, (const char *const[]){order[i], p, NULL}, MAX_LISTING_BYTES,
		              &hr) == 0 ||
		    hr.status != HOST_NO_SUCH)
			break;
		probe_result_evidence(g->r, "%s", hr.message);
	}
	if (hr.status == HOST_NO_SUCH) {
		probe_result_set_outcome(g->r, OUTCOME_ERROR);
		if (g->root != NULL)
			probe_result_summary(
			    g->r,
			    _("neither lsinitramfs nor lsinitrd is installed here: "
			      "install initramfs-tools-core or dracut to look into %s"),
			    p);
		else
			probe_result_summary(g->r,
			                     _("neither lsinitramfs nor lsinitrd is installed "
			                       "on %s"),
			                     g->where);
		goto out;
	}
	if (hr.status != HOST_OK) {
		host_failed(g, &hr, path);
		goto out;
	}
	if (hr.out_len == 0 && hr.exit_code != 0) {
		probe_tail_lines(&g->r->evidence, "", hr.err, hr.err_len, 5);
		probe_result_set_outcome(g->r, OUTCOME_ERROR);
		if (strstr(hr.err, "ermission denied") != NULL)
			probe_result_summary(
			    g->r,
			    _("%s cannot be read: permission denied; it needs root "
			      "(%s)"),
			    p,
			    g->root != NULL ? _("run vmtriage with sudo")
			                    : _("log in as root, or run the "
			                        "lister with sudo on the guest"));
		else
			probe_result_summary(g->r, _("%s could not list %s (exit status %d)"),
			                     order[0], p, hr.exit_code);
		goto out;
	}
	mask = (int)guest_virtio_scan(hr.out, hr.out_len);
	names = guest_virtio_names((unsigned)mask);
	probe_result_evidence(g->r, _("%s: virtio modules in it: %s"), p, names);
out:
	host_result_free(&hr);
	free(names);
	free(path);
	free(p);
	return mask;
}

static int
check_initramfs(struct guest *g)
{
	char *version = NULL, *image = NULL, *names = NULL;
	unsigned mask;
	int inside = 0;

	if (boot_kernel(g, &version, &image) != 0)
		goto out;
	probe_result_fact(g->r, "guest.kernel", "%s", version);
	mask = builtin_virtio(g, version);
	if (image != NULL) {
		probe_result_fact(g->r, "guest.initramfs", "/boot/%s", image);
		if ((inside = initramfs_virtio(g, image)) < 0)
			goto out;
		mask |= (unsigned)inside;
	} else
		probe_result_evidence(g->r,
		                      _("/boot has no initramfs for kernel %s: it boots "
		                        "with only what is built in"),
		                      version);
	names = guest_virtio_names(mask);
	probe_result_fact(g->r, "guest.virtio", "%s", names);
	if (guest_virtio_enough(mask)) {
		probe_result_set_outcome(g->r, "ok");
		probe_result_summary(g->r,
		                     _("kernel %s of %s can reach a virtio disk at boot (%s)"),
		                     version, g->where, names);
		goto out;
	}
	probe_result_evidence(g->r, "%s", _("needed: virtio_pci, and virtio_blk or virtio_scsi"));
	probe_result_set_outcome(g->r, "no_virtio");
	if (image != NULL && str_has_prefix(image, "initrd.img-"))
		probe_result_summary(
		    g->r,
		    _("the initramfs of kernel %s on %s lacks the virtio disk drivers (it has: "
		      "%s), so under KVM it cannot find its root disk: add virtio_pci, virtio_blk "
		      "and virtio_scsi to /etc/initramfs-tools/modules and run update-initramfs "
		      "-u -k %s"),
		    version, g->where, names, version);
	else
		probe_result_summary(
		    g->r,
		    _("the initramfs of kernel %s on %s lacks the virtio disk drivers (it has: "
		      "%s), so under KVM it cannot find its root disk: rebuild it with dracut -f "
		      "--add-drivers 'virtio_pci virtio_blk virtio_scsi' /boot/initramfs-%s.img "
		      "%s"),
		    version, g->where, names, version, version);
out:
	free(version);
	free(image);
	free(names);
	return 0;
}

/* ---- getting in ------------------------------------------------------------------ */

/* host_open_remote failed: what the SSH host said, as this probe's outcome. */
static void
open_failed(struct guest *g, const struct host_remote *rem, bool default_key, const char *err)
{
	struct strlist ev = STRLIST_INIT;
	char *summary = NULL;
	enum probe_ssh_end end = probe_ssh_err_parse(err, &summary, &ev);

	for (size_t i = 0; i < ev.n; i++) {
		char *clean = probe_clean_line(ev.v[i], strlen(ev.v[i]), MAX_LINE_BYTES);

		probe_result_evidence(g->r, "%s", clean);
		free(clean);
	}
	switch (end) {
	case PROBE_SSH_REFUSED:
	case PROBE_SSH_TIMEOUT:
	case PROBE_SSH_UNREACHABLE:
		probe_result_set_outcome(g->r, "unreachable");
		probe_result_summary(g->r, _("cannot reach %s: %s"), g->where, summary);
		break;
	case PROBE_SSH_HOSTKEY_CHANGED:
		probe_result_set_outcome(g->r, "host_key_changed");
		probe_result_summary(g->r, "%s", summary);
		break;
	case PROBE_SSH_HOSTKEY_UNKNOWN:
		probe_result_set_outcome(g->r, "host_key_unknown");
		probe_result_summary(
		    g->r,
		    _("the host key of %s is not known yet: check it on the "
		      "instance (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub), then "
		      "record it with: vmtriage probe ssh host=%s port=%ld "
		      "accept_new=true"),
		    g->where, rem->address, rem->port);
		break;
	case PROBE_SSH_AUTH_DENIED:
		probe_result_set_outcome(g->r, "auth_failed");
		probe_result_summary(g->r, "%s", summary);
		break;
	case PROBE_SSH_NO_KEY:
		probe_result_set_outcome(g->r, "auth_failed");
		if (default_key && str_contains_folded(summary, "permission denied"))
			probe_result_summary(
			    g->r,
			    _("cannot read Multipass's key %s: it is readable by root "
			      "only, so run vmtriage with sudo"),
			    rem->key);
		else
			probe_result_summary(g->r, "%s", summary);
		break;
	default:
		probe_result_set_outcome(g->r, OUTCOME_ERROR);
		probe_result_summary(g->r, "%s", summary);
		if (ev.n == 0)
			probe_result_evidence(g->r, "%s", summary);
		break;
	}
	strlist_free(&ev);
	free(summary);
}

/* Over SSH: g->h becomes the guest. -1: the outcome is set. */
static int
open_guest(struct guest *g, const struct params *p)
{
	struct host_remote rem;
	const char *key = params_get(p, "key");
	bool default_key = false;
	char *err = NULL, *why = NULL;

	memset(&rem, 0, sizeof rem);
	rem.address = params_get(p, "address");
	rem.port = params_get_long(p, "port", 22);
	rem.user = params_get(p, "user");
	rem.known_hosts = params_get(p, "known_hosts");
	if ((why = probe_ssh_check_host(rem.address)) != NULL) {
		probe_result_set_outcome(g->r, OUTCOME_ERROR);
		probe_result_summary(g->r, "%s", why);
		probe_result_evidence(g->r, "%s", why);
		free(why);
		return -1;
	}
	if (key == NULL) {
		key = platform_multipass_ssh_key(host_os(g->ctx->host));
		default_key = true;
	}
	rem.key = key;
	rem.timeout_ms = time_left_ms(g) < CONNECT_MS ? time_left_ms(g) : CONNECT_MS;
	g->where = host_remote_key(&rem);
	probe_progress(g->ctx, _("connecting to %s"), g->where);
	if ((g->h = host_open_remote(g->ctx->host, &rem, &err)) == NULL) {
		open_failed(g, &rem, default_key, err != NULL ? err : "?");
		free(err);
		return -1;
	}
	probe_result_evidence(g->r, _("logged in to %s"), g->where);
	return 0;
}

static int
probe_guest_run(const struct params *p, const struct probe_ctx *ctx, struct probe_result *r)
{
	struct guest g;
	const char *check = params_get(p, "check"), *address = params_get(p, "address");
	const char *root = params_get(p, "root"), *name = params_get(p, "name");

	memset(&g, 0, sizeof g);
	g.ctx = ctx;
	g.r = r;
	g.deadline = probe_ssh_now_ms() + ctx->timeout_ms;
	if ((address == NULL) == (root == NULL)) {
		probe_result_set_outcome(r, OUTCOME_ERROR);
		probe_result_summary(r, "%s",
		                     address == NULL
		                         ? _("give address= (the instance, over SSH) or root= (a "
		                             "guest's disk mounted here)")
		                         : _("give address= or root=, not both"));
		return 0;
	}
	if (strcmp(check, "lookup") == 0 && root != NULL) {
		probe_result_set_outcome(r, OUTCOME_ERROR);
		probe_result_summary(r, "%s",
		                     _("check=lookup needs a running instance (address=): a disk "
		                       "cannot resolve names; check=resolv shows which DNS servers "
		                       "it names"));
		return 0;
	}
	if (strcmp(check, "lookup") == 0 && !dns_name_valid(name)) {
		probe_result_set_outcome(r, OUTCOME_ERROR);
		probe_result_summary(r,
		                     _("name: '%s' is not a valid DNS name (letters, digits, '-' "
		                       "and '_' in dot-separated labels)"),
		                     name != NULL ? name : "");
		return 0;
	}
	if (root != NULL) {
		g.h = ctx->host;
		g.root = root;
		g.where = xstrdup(root);
		probe_result_fact(r, "guest.mode", "root");
	} else {
		probe_result_fact(r, "guest.mode", "ssh");
		if (open_guest(&g, p) != 0)
			goto out;
	}
	probe_progress(ctx, _("checking %s on %s"), check, g.where);
	if (strcmp(check, "cloud_init") == 0)
		check_cloud_init(&g);
	else if (strcmp(check, "resolv") == 0)
		check_resolv(&g);
	else if (strcmp(check, "fstab") == 0)
		check_fstab(&g);
	else if (strcmp(check, "net") == 0)
		check_net(&g, params_get(p, "ifaces"));
	else if (strcmp(check, "udev") == 0)
		check_udev(&g);
	else if (strcmp(check, "lookup") == 0)
		check_lookup(&g, name);
	else
		check_initramfs(&g);
out:
	if (g.root == NULL && g.h != NULL)
		host_close(g.h);
	free(g.where);
	return 0;
}

const struct probe_entry probe_guest_entry = {
    .name = "guest",
    .summary = N_("Looks inside an instance (over SSH) or a migrated VM's disk: cloud-init, "
                  "DNS servers and whether names resolve, fstab device names, interface "
                  "names, udev rules, virtio in the initramfs"),
    .params = guest_params,
    .outcomes = guest_outcomes,
    .facts = guest_facts,
    .default_timeout_ms = 30000,
    .run = probe_guest_run,
};
