/*
 * probe-multipass.c: the "multipass" probe. Is Multipass installed, which
 * versions of the client and the daemon, which driver, which instances in
 * which states, does the daemon answer, and which bridge do the instances
 * sit on? With a name, the state of that one instance decides the outcome.
 *
 * It runs the same few commands whatever it is asked (`multipass version`,
 * `multipass list --format yaml`, `multipass get local.driver`, and `ip -o
 * link show` or `ifconfig -l`), so one collected snapshot answers for every
 * instance. The client is looked for in PATH first, then where the
 * installer puts it (platform_info's bin_dir): sudo and launchd often run
 * with a PATH that lacks /snap/bin or /usr/local/bin.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "host/host.h"
#include "platform/paths.h"
#include "probe/probe.h"
#include "probe/sysparse.h"

#define MP_OUTPUT_MAX (4 * 1024 * 1024)
#define MAX_INSTANCE_EVIDENCE 20
#define MAX_BRIDGE_EVIDENCE 4
#define MAX_LINE_BYTES 200

static const struct param_def multipass_params[] = {
    {.name = "name",
     .type = PARAM_NAME,
     .help = N_("an instance whose state decides the outcome (primary)")},
    {.name = NULL},
};

static const struct outcome_def multipass_outcomes[] = {
    {"ok", N_("Multipass is installed and its daemon answers (no instance was named)")},
    {"not_installed", N_("there is no multipass command, in PATH or where the installer puts it")},
    {"daemon_down", N_("the multipass command runs, but the daemon (multipassd) does not answer")},
    {"denied",
     N_("this user may not talk to the daemon (socket permissions, or the client is not "
        "authenticated): run it with sudo or as administrator, or 'multipass authenticate'")},
    {"running", N_("the named instance is Running")},
    {"stopped", N_("the named instance is Stopped")},
    {"unknown",
     N_("the named instance is in state Unknown: Multipass cannot tell what the VM is doing "
        "(common after a macOS update)")},
    {"other_state",
     N_("the named instance is Starting, Restarting, Suspending, Suspended, Delayed Shutdown "
        "or Deleted")},
    {"instance_missing", N_("Multipass has no instance of that name")},
    {NULL, NULL},
};

static const char *const multipass_facts[] = {
    "os",
    "driver",
    "multipass.version",
    "multipassd.version",
    "multipass.instances",
    "instance.*.state",
    "instance.*.ipv4",
    "instance.state",
    "instance.ipv4",
    "bridge",
    "subnet",
    NULL,
};

struct mp_probe {
	const struct probe_ctx *ctx;
	struct probe_result *r;
	const char *os;
	const struct platform_info *pi;
	const char *name;
	char *prog; /* how the client was found: "multipass", or its full path */
};

/* Runs prog with up to three arguments, within ms. */
static int
mp_run(struct mp_probe *m, const char *a1, const char *a2, const char *a3, int ms,
       struct host_result *hr)
{
	const char *argv[] = {m->prog, a1, a2, a3, NULL};
	struct host_run_opts opts = {0};

	opts.timeout_ms = ms > 0 ? ms : 1;
	opts.max_output = MP_OUTPUT_MAX;
	return host_run(m->ctx->host, argv, &opts, hr);
}

/* The share of the probe's budget a step may take: parts of 6. */
static int
budget(const struct mp_probe *m, int sixths)
{
	return m->ctx->timeout_ms / 6 * sixths;
}

/* Where the installer puts the client on this OS, allocated; NULL when unknown. */
static char *
installed_client(const struct mp_probe *m)
{
	if (m->pi == NULL || m->pi->bin_dir == NULL)
		return NULL;
	if (strcmp(m->os, "windows") == 0)
		return xasprintf("%s\\multipass.exe", m->pi->bin_dir);
	return xasprintf("%s/multipass", m->pi->bin_dir);
}

static void
end_error(struct probe_result *r, const char *msg)
{
	probe_result_set_outcome(r, OUTCOME_ERROR);
	probe_result_summary(r, "%s", msg);
	probe_result_evidence(r, "%s", msg);
}

/*
 * Finds the client and runs `multipass version`. Returns 0 with *hr holding
 * an output that ran (HOST_OK or HOST_TIMEOUT), or 1 when the outcome is
 * decided already.
 */
static int
run_version(struct mp_probe *m, struct host_result *hr)
{
	char *fallback = NULL;

	m->prog = xstrdup("multipass");
	mp_run(m, "version", NULL, NULL, budget(m, 2), hr);
	if (hr->status == HOST_NO_SUCH && (fallback = installed_client(m)) != NULL) {
		probe_result_evidence(m->r, "%s", hr->message);
		host_result_free(hr);
		free(m->prog);
		m->prog = fallback;
		mp_run(m, "version", NULL, NULL, budget(m, 2), hr);
	}
	switch (hr->status) {
	case HOST_OK:
	case HOST_TIMEOUT:
		return 0;
	case HOST_NO_SUCH:
		probe_result_set_outcome(m->r, "not_installed");
		probe_result_summary(
		    m->r, "%s", _("Multipass is not installed: there is no multipass command"));
		probe_result_evidence(m->r, "%s", hr->message);
		break;
	case HOST_DENIED:
		probe_result_set_outcome(m->r, "denied");
		probe_result_summary(m->r,
		                     _("%s may not be run by this user: run it with sudo or as "
		                       "administrator"),
		                     m->prog);
		probe_result_evidence(m->r, "%s", hr->message);
		break;
	default:
		end_error(m->r, hr->message);
		break;
	}
	return 1;
}

/* A name fit to be part of a fact's key: Multipass's own rule for names. */
static bool
key_safe(const char *name)
{
	if (name[0] == '\0')
		return false;
	for (const char *c = name; *c != '\0'; c++) {
		if (!isalnum((unsigned char)*c) && *c != '-')
			return false;
	}
	return true;
}

static void
instance_evidence(struct mp_probe *m, const struct mp_instance *in)
{
	char *line =
	    xasprintf("%s: %s, %s, %s", in->name, in->state[0] != '\0' ? in->state : "?",
	              in->ipv4 != NULL ? in->ipv4 : "--", in->release != NULL ? in->release : "--");
	char *clean = probe_clean_line(line, strlen(line), MAX_LINE_BYTES);

	probe_result_evidence(m->r, "multipass list: %s", clean);
	free(clean);
	free(line);
}

/*
 * `multipass list --format yaml`. Returns 0 with *list filled, or -1 with
 * *why (owned) saying what went wrong; *failure tells a daemon that is down
 * or refuses this user from any other failure.
 */
static int
run_list(struct mp_probe *m, struct mp_list *list, enum mp_failure *failure, char **why)
{
	struct host_result hr;
	char *err = NULL;
	int rc = -1;

	*failure = MP_FAIL_OTHER;
	*why = NULL;
	memset(list, 0, sizeof *list);
	mp_run(m, "list", "--format", "yaml", budget(m, 2), &hr);
	if (hr.status != HOST_OK) {
		*why = xstrdup(hr.message);
		if (hr.status == HOST_TIMEOUT)
			*failure = MP_FAIL_NO_DAEMON;
		else if (hr.status == HOST_DENIED)
			*failure = MP_FAIL_DENIED;
		goto out;
	}
	probe_tail_lines(&m->r->evidence, "multipass list: ", hr.err, hr.err_len, 4);
	if (hr.exit_code != 0) {
		*failure = mp_failure_kind(hr.err);
		*why = xasprintf(_("'multipass list' failed (exit status %d)"), hr.exit_code);
		goto out;
	}
	if (mp_list_parse(hr.out, hr.out_len, list, &err) != 0) {
		*why =
		    xasprintf(_("the output of 'multipass list --format yaml' was not understood: "
		                "%s"),
		              err);
		goto out;
	}
	rc = 0;
out:
	free(err);
	host_result_free(&hr);
	return rc;
}

/* `multipass get local.driver`: qemu, hyperv, virtualbox, lxd, libvirt. */
static void
read_driver(struct mp_probe *m)
{
	struct host_result hr;
	size_t n;

	mp_run(m, "get", "local.driver", NULL, budget(m, 1), &hr);
	if (hr.status != HOST_OK) {
		probe_result_evidence(m->r, "multipass get local.driver: %s", hr.message);
	} else if (hr.exit_code != 0) {
		probe_tail_lines(&m->r->evidence, "multipass get local.driver: ", hr.err,
		                 hr.err_len, 2);
	} else {
		n = strcspn(hr.out, "\r\n");
		while (n > 0 && isspace((unsigned char)hr.out[n - 1]))
			n--;
		if (n > 0) {
			char *clean = probe_clean_line(hr.out, n, 40);

			probe_result_fact(m->r, "driver", "%s", clean);
			probe_result_evidence(m->r, "multipass get local.driver: %s", clean);
			free(clean);
		}
	}
	host_result_free(&hr);
}

/* The instances' subnet: the bridge's own address and prefix, network part (Linux). */
static void
find_subnet(struct mp_probe *m, const char *bridge)
{
	const char *const argv[] = {"ip", "-o", "-4", "addr", "show", "dev", bridge, NULL};
	struct host_run_opts opts = {0};
	struct host_result hr;
	char *subnet = NULL;

	opts.timeout_ms = budget(m, 1);
	host_run(m->ctx->host, argv, &opts, &hr);
	if (hr.status == HOST_OK && hr.exit_code == 0 &&
	    (subnet = ipaddr_subnet_parse(hr.out, hr.out_len)) != NULL) {
		probe_result_fact(m->r, "subnet", "%s", subnet);
		probe_result_evidence(m->r, _("the instances' subnet (the bridge's): %s"), subnet);
	}
	free(subnet);
	host_result_free(&hr);
}

/*
 * The bridge the instances sit on: mpqemubr0 in older Linux versions,
 * mpqemubr plus a zone name in newer ones, bridge1xx on macOS; found by the
 * platform's prefix, never assumed. Windows (Hyper-V) has none of these.
 */
static void
find_bridge(struct mp_probe *m)
{
	static const char *const ip_argv[] = {"ip", "-o", "link", "show", NULL};
	static const char *const ifconfig_argv[] = {"ifconfig", "-l", NULL};
	const char *prefix = m->pi != NULL ? m->pi->bridge_prefix : NULL;
	bool linux_host = strcmp(m->os, "linux") == 0;
	struct host_run_opts opts = {0};
	struct host_result hr;
	struct if_list ifs = {NULL, 0};
	size_t found = 0;

	if (prefix == NULL || (!linux_host && strcmp(m->os, "darwin") != 0))
		return;
	opts.timeout_ms = budget(m, 1);
	host_run(m->ctx->host, linux_host ? ip_argv : ifconfig_argv, &opts, &hr);
	if (hr.status != HOST_OK || hr.exit_code != 0) {
		probe_result_evidence(m->r, _("the bridge could not be looked for: %s"),
		                      hr.status != HOST_OK ? hr.message : hr.err);
		goto out;
	}
	if (linux_host)
		iplink_parse(hr.out, hr.out_len, &ifs);
	else
		ifconfig_list_parse(hr.out, hr.out_len, &ifs);
	for (size_t i = 0; i < ifs.n; i++) {
		char *clean;

		if (!if_has_prefix(ifs.v[i].name, prefix))
			continue;
		if (found == 0) {
			probe_result_fact(m->r, "bridge", "%s", ifs.v[i].name);
			if (linux_host)
				find_subnet(m, ifs.v[i].name);
		}
		if (found++ < MAX_BRIDGE_EVIDENCE) {
			clean =
			    probe_clean_line(ifs.v[i].line, strlen(ifs.v[i].line), MAX_LINE_BYTES);
			probe_result_evidence(m->r, _("bridge: %s"), clean);
			free(clean);
		}
	}
	if (found == 0)
		probe_result_evidence(m->r,
		                      _("no interface named %s... among the %zu this machine has"),
		                      prefix, ifs.n);
out:
	if_list_free(&ifs);
	host_result_free(&hr);
}

/* instance.NAME.state and .ipv4 for every instance, and the list as evidence. */
static void
set_instance_facts(struct mp_probe *m, const struct mp_list *list)
{
	probe_result_fact(m->r, "multipass.instances", "%zu", list->n);
	for (size_t i = 0; i < list->n; i++) {
		const struct mp_instance *in = &list->v[i];
		char *key = NULL;

		if (m->name == NULL && i < MAX_INSTANCE_EVIDENCE)
			instance_evidence(m, in);
		if (!key_safe(in->name))
			continue;
		key = xasprintf("instance.%s.state", in->name);
		probe_result_fact(m->r, key, "%s", in->state);
		free(key);
		if (in->ipv4 != NULL) {
			key = xasprintf("instance.%s.ipv4", in->name);
			probe_result_fact(m->r, key, "%s", in->ipv4);
			free(key);
		}
	}
	if (m->name == NULL && list->n > MAX_INSTANCE_EVIDENCE)
		probe_result_evidence(m->r, _("... %zu more instances"),
		                      list->n - MAX_INSTANCE_EVIDENCE);
}

/* The named instance's state decides. */
static void
judge_instance(struct mp_probe *m, const struct mp_list *list)
{
	const struct mp_instance *in = mp_list_find(list, m->name);
	struct strbuf names = STRBUF_INIT;

	if (in == NULL) {
		for (size_t i = 0; i < list->n && i < MAX_INSTANCE_EVIDENCE; i++)
			strbuf_addf(&names, "%s%s", i > 0 ? ", " : "", list->v[i].name);
		probe_result_set_outcome(m->r, "instance_missing");
		probe_result_summary(m->r, _("Multipass has no instance named '%s'"), m->name);
		if (list->n == 0)
			probe_result_evidence(m->r, "%s", _("multipass list: no instances at all"));
		else
			probe_result_evidence(m->r, _("multipass list: %zu instance(s): %s"),
			                      list->n, names.buf);
		strbuf_free(&names);
		return;
	}
	instance_evidence(m, in);
	probe_result_fact(m->r, "instance.state", "%s", in->state);
	if (in->ipv4 != NULL)
		probe_result_fact(m->r, "instance.ipv4", "%s", in->ipv4);
	switch (mp_state_classify(in->state)) {
	case MP_STATE_RUNNING:
		probe_result_set_outcome(m->r, "running");
		if (in->ipv4 != NULL)
			probe_result_summary(m->r, _("instance '%s' is Running, at %s"), m->name,
			                     in->ipv4);
		else
			probe_result_summary(m->r,
			                     _("instance '%s' is Running, but without an IPv4 "
			                       "address"),
			                     m->name);
		break;
	case MP_STATE_STOPPED:
		probe_result_set_outcome(m->r, "stopped");
		probe_result_summary(m->r, _("instance '%s' is Stopped"), m->name);
		break;
	case MP_STATE_UNKNOWN:
		probe_result_set_outcome(m->r, "unknown");
		probe_result_summary(m->r,
		                     _("instance '%s' is in state Unknown: Multipass cannot tell "
		                       "what the VM is doing"),
		                     m->name);
		break;
	case MP_STATE_OTHER:
		probe_result_set_outcome(m->r, "other_state");
		probe_result_summary(m->r, _("instance '%s' is %s"), m->name,
		                     in->state[0] != '\0' ? in->state : _("in no state"));
		break;
	}
}

/*
 * `multipass version` answered without the daemon's line: the list says why
 * (down, or refusing this user). It may even answer, when the daemon has
 * just come up: then it is up.
 */
static bool
daemon_absent(struct mp_probe *m, struct mp_list *list)
{
	enum mp_failure failure;
	char *why = NULL;

	if (run_list(m, list, &failure, &why) == 0)
		return false;
	if (failure == MP_FAIL_DENIED) {
		probe_result_set_outcome(m->r, "denied");
		probe_result_summary(
		    m->r, "%s",
		    _("the Multipass daemon does not let this user in: run as "
		      "root (sudo) or administrator, or 'multipass authenticate'"));
	} else {
		probe_result_set_outcome(m->r, "daemon_down");
		probe_result_summary(m->r, "%s",
		                     _("the multipass command runs, but the Multipass daemon does "
		                       "not answer"));
	}
	if (why != NULL)
		probe_result_evidence(m->r, "%s", why);
	free(why);
	return true;
}

static int
probe_multipass_run(const struct params *p, const struct probe_ctx *ctx, struct probe_result *r)
{
	struct mp_probe m;
	struct host_result hr;
	struct mp_version ver;
	struct mp_list list = {NULL, 0};
	enum mp_failure failure;
	char *why = NULL;
	bool listed = false;

	memset(&m, 0, sizeof m);
	memset(&ver, 0, sizeof ver);
	m.ctx = ctx;
	m.r = r;
	m.os = host_os(ctx->host);
	m.pi = platform_info(m.os);
	m.name = params_get(p, "name");
	probe_result_fact(r, "os", "%s", m.os);

	if (run_version(&m, &hr) != 0)
		goto out;
	if (hr.status == HOST_TIMEOUT) {
		probe_result_set_outcome(r, "daemon_down");
		probe_result_summary(r,
		                     _("'multipass version' did not answer within %d s: the "
		                       "Multipass daemon is not responding"),
		                     budget(&m, 2) / 1000);
		probe_result_evidence(r, "%s", hr.message);
		goto out;
	}
	if (mp_version_parse(hr.out, hr.out_len, &ver) != 0) {
		probe_tail_lines(&r->evidence, "multipass version: ", hr.out, hr.out_len, 4);
		probe_tail_lines(&r->evidence, "multipass version: ", hr.err, hr.err_len, 4);
		probe_result_set_outcome(r, OUTCOME_ERROR);
		probe_result_summary(r, _("'%s version' printed no version (exit status %d)"),
		                     m.prog, hr.exit_code);
		goto out;
	}
	probe_result_fact(r, "multipass.version", "%s", ver.client);
	probe_result_evidence(r, "multipass version: %s", ver.client_line);
	if (ver.daemon != NULL) {
		probe_result_fact(r, "multipassd.version", "%s", ver.daemon);
		probe_result_evidence(r, "multipass version: %s", ver.daemon_line);
	} else {
		probe_result_evidence(r, "%s",
		                      _("multipass version: no multipassd line: the daemon did not "
		                        "answer"));
		probe_tail_lines(&r->evidence, "multipass version: ", hr.err, hr.err_len, 4);
	}
	host_result_free(&hr);

	if (ver.daemon == NULL) {
		if (daemon_absent(&m, &list)) {
			find_bridge(&m);
			goto out;
		}
		listed = true;
		probe_result_evidence(r, "%s", _("multipass list answered: the daemon is up now"));
	}
	read_driver(&m);
	if (!listed && run_list(&m, &list, &failure, &why) == 0)
		listed = true;
	find_bridge(&m);
	if (listed)
		set_instance_facts(&m, &list);
	else if (m.name == NULL)
		probe_result_evidence(r, "%s", why);

	if (m.name != NULL) {
		if (listed)
			judge_instance(&m, &list);
		else
			end_error(r, why);
	} else {
		probe_result_set_outcome(r, "ok");
		if (listed)
			probe_result_summary(r,
			                     _("Multipass %s is installed, its daemon answers, and "
			                       "it has %zu instance(s)"),
			                     ver.client, list.n);
		else
			probe_result_summary(r,
			                     _("Multipass %s is installed and its daemon answers, "
			                       "but its instances could not be listed"),
			                     ver.client);
	}
out:
	free(why);
	host_result_free(&hr);
	mp_version_free(&ver);
	mp_list_free(&list);
	free(m.prog);
	return 0;
}

const struct probe_entry probe_multipass_entry = {
    .name = "multipass",
    .summary = N_("Whether Multipass is installed and its daemon answers; its versions, driver, "
                  "instances and their states"),
    .params = multipass_params,
    .outcomes = multipass_outcomes,
    .facts = multipass_facts,
    .default_timeout_ms = 45000,
    .run = probe_multipass_run,
};
