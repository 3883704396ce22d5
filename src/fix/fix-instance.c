/*
 * fix-instance.c: fixes for one instance and for the way to it, each from a
 * section of the documents: re-add the route to the instances' subnet
 * through the bridge; force-stop and start an instance; launch again with a
 * longer --timeout; delete, purge and launch again; qemu-img check -r on an
 * image after copying it aside; and point an instance's DNS at a working
 * server, inside the instance over SSH.
 *
 * What a fix changes it reads first, through the host, when the plan is made
 * (the route in place now), so that its undo puts back exactly that.
 */
#include "config.h"

#include <sys/socket.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fix/fix.h"
#include "probe/probe-ssh.h"
#include "host/host.h"
#include "platform/paths.h"
#include "probe/netparse.h"

#define ROUTE_CONFIRM_SECONDS 30
#define ROUTE_READ_TIMEOUT_MS 10000
#define ROUTE_OUTPUT_MAX (256 * 1024)

/* ---- shared ------------------------------------------------------------------ */

static bool
in_list(const char *const *list, const char *word)
{
	for (; *list != NULL; list++) {
		if (strcmp(*list, word) == 0)
			return true;
	}
	return false;
}

/* The first line of a command's complaint, for a cause. */
static char *
first_line(const struct host_result *hr)
{
	const char *text = hr->status != HOST_OK ? hr->message : hr->err;
	const char *p = text != NULL ? text : "";

	while (*p == '\n' || *p == ' ')
		p++;
	if (*p == '\0')
		return xasprintf(_("exit status %d"), hr->exit_code);
	return probe_clean_line(p, strcspn(p, "\n"), 200);
}

/* ---- route_add ----------------------------------------------------------------- */

/*
 * The "Network routing problems" section of the networking document (001):
 * a VPN routes the instances' subnet through its own interface, and the fix
 * is `sudo route -nv add -net 192.168.64.0/24 -interface bridge100` (with a
 * delete first when the route exists: "File exists"). Linux has the same
 * trouble with mpqemubr0; there `ip route replace` adds or replaces in one
 * step. The route is read when the plan is made, and the undo puts back
 * exactly the route that was there, or removes the one added when there was
 * none. A route change can cut the user off (an SSH session through the
 * VPN, the VPN itself), so it reverts unless confirmed in time.
 */
static const struct param_def route_params[] = {
    {.name = "subnet",
     .type = PARAM_CIDR,
     .required = true,
     .help = N_("the instances' subnet, as ADDRESS/PREFIX (10.97.0.0/16 on Linux, "
                "192.168.64.0/24 on macOS)")},
    {.name = "interface",
     .type = PARAM_NAME,
     .required = true,
     .help = N_("the bridge the instances sit on (mpqemubr0 on Linux, bridge100 on macOS)")},
    {.name = NULL},
};

/*
 * The subnet written as its network address (10.97.3.4/16 -> 10.97.0.0/16):
 * ip refuses a prefix with host bits set, and route would take another net.
 */
static char *
subnet_network(const char *cidr, struct net_addr *net, unsigned *prefix)
{
	char buf[64];

	if (!net_cidr_parse(cidr, net, prefix))
		return NULL;
	net_cidr_mask(net, *prefix);
	net_addr_str(net, buf, sizeof buf);
	return xasprintf("%s/%u", buf, *prefix);
}

/*
 * A word of a route that can be given back to ip or route as it is: letters,
 * digits and ._:/@%+,- only, and not an option.
 */
static bool
route_word_safe(const char *w)
{
	if (*w == '\0' || *w == '-')
		return false;
	for (; *w != '\0'; w++) {
		if (!isalnum((unsigned char)*w) && strchr("._:/@%+,-", *w) == NULL)
			return false;
	}
	return true;
}

/* What `ip route show` prints about a route's state, which `ip route replace` does not take. */
static const char *const ip_state_words[] = {
    "linkdown",
    "dead",
    "offload",
    "trap",
    "offload_failed",
    "rt_offload",
    "rt_trap",
    "rt_offload_failed",
    "pervasive",
    "notify",
    "unresolved",
    "\\",
    NULL,
};
/* The same, printed with a value. */
static const char *const ip_state_pairs[] = {"expires", "error", "used", "age", NULL};

/*
 * One line of `ip -o route show` as the words `ip route replace` takes back.
 * *is_default: the route has the default metric (0), which is the one `ip
 * route replace SUBNET dev IFACE` replaces; a route with a TOS is another
 * key and is left alone. Returns 0, or -1 with *cause for a word that
 * cannot be given back safely.
 */
static int
ip_route_words(const char *line, struct strlist *words, bool *is_default, char **cause)
{
	char *copy = xstrdup(line), *save = NULL, *tok = NULL;
	bool skip_value = false, other_key = false;
	int rc = 0;

	*is_default = true;
	for (tok = strtok_r(copy, " \t", &save); tok != NULL; tok = strtok_r(NULL, " \t", &save)) {
		if (skip_value) {
			skip_value = false;
			continue;
		}
		if (in_list(ip_state_words, tok))
			continue;
		if (in_list(ip_state_pairs, tok)) {
			skip_value = true;
			continue;
		}
		if (strcmp(tok, "tos") == 0 || strcmp(tok, "dsfield") == 0)
			other_key = true;
		if (!route_word_safe(tok)) {
			*cause = xasprintf(_("the route in place (%s) has a word, '%s', that "
			                     "vmtriage cannot give back to ip as it is"),
			                   line, tok);
			rc = -1;
			break;
		}
		if (words->n > 0 && strcmp(words->v[words->n - 1], "metric") == 0 &&
		    strcmp(tok, "0") != 0)
			*is_default = false;
		strlist_add(words, tok);
	}
	if (other_key)
		*is_default = false;
	free(copy);
	return rc;
}

/*
 * The route ip route replace SUBNET would replace: the main table's route
 * with exactly this prefix at the default metric. *old gets its words (none:
 * there is no such route). Routes with other metrics or a TOS stay as they
 * are. Returns 0, or -1 with *cause and *hr_status (what reading it gave).
 */
static int
linux_route_in_place(struct host *host, const char *subnet, struct strlist *old,
                     enum host_status *hr_status, char **cause)
{
	const char *const argv[] = {"ip", "-o", "-4", "route", "show", "exact", subnet, NULL};
	struct host_run_opts opts = {.timeout_ms = ROUTE_READ_TIMEOUT_MS,
	                             .max_output = ROUTE_OUTPUT_MAX};
	struct host_result hr;
	const char *p = NULL;
	int rc = -1;

	host_run(host, argv, &opts, &hr);
	*hr_status = hr.status;
	if (hr.status != HOST_OK || hr.exit_code != 0 || hr.truncated) {
		char *why = first_line(&hr), *shown = argv_quote(argv);

		*cause = xasprintf(_("the route in place could not be read (%s: %s)"), shown, why);
		free(why);
		free(shown);
		goto out;
	}
	for (p = hr.out; *p != '\0';) {
		size_t n = strcspn(p, "\n");
		char *line = xstrndup(p, n);
		struct strlist words = STRLIST_INIT;
		bool is_default = false;

		p += n + (p[n] == '\n');
		if (ip_route_words(line, &words, &is_default, cause) != 0) {
			free(line);
			strlist_free(&words);
			goto out;
		}
		if (words.n > 0 && is_default && old->n > 0) {
			*cause =
			    xasprintf(_("more than one route for %s is in place at the default "
			                "metric; vmtriage cannot tell which to put back"),
			              subnet);
			free(line);
			strlist_free(&words);
			goto out;
		}
		if (words.n > 0 && is_default) {
			strlist_free(old);
			*old = words;
		} else
			strlist_free(&words);
		free(line);
	}
	rc = 0;
out:
	host_result_free(&hr);
	return rc;
}

static const char *const why_route_replace =
    N_("Route the instances' subnet through the bridge, in place of the route there now.");
static const char *const why_route_back = N_("Put back the route that was there before.");
static const char *const why_route_del = N_("Remove the route the fix added.");

static int
plan_route_linux(struct host *host, const char *subnet, const char *iface, struct fix_plan *plan,
                 char **cause)
{
	const char *const replace[] = {"ip", "route", "replace", subnet, "dev", iface, NULL};
	struct strlist old = STRLIST_INIT;
	enum host_status st = HOST_OK;

	if (linux_route_in_place(host, subnet, &old, &st, cause) != 0) {
		strlist_free(&old);
		/*
		 * A snapshot does not hold the route (the probes ask the kernel
		 * directly): show what would run, and say the undo is read there.
		 */
		if (host_is_live(host) || st != HOST_NOT_COLLECTED)
			return -1;
		free(*cause);
		*cause = NULL;
		fix_plan_add_step(plan, true, false, why_route_replace, replace);
		plan->undo_note = xstrdup(
		    N_("On the machine itself, the route in place is read before anything runs, "
		       "and the undo puts back exactly that; this snapshot does not hold it."));
		return 0;
	}
	fix_plan_add_step(plan, true, false, why_route_replace, replace);
	if (old.n > 0) {
		const char **argv = xcalloc(old.n + 4, sizeof *argv);

		argv[0] = "ip";
		argv[1] = "route";
		argv[2] = "replace";
		for (size_t i = 0; i < old.n; i++)
			argv[3 + i] = old.v[i];
		fix_plan_add_undo(plan, true, why_route_back, argv);
		free(argv);
	} else {
		/* A route with another metric may go through iface too: ours, at 0, goes first. */
		const char *const del[] = {"ip", "route", "del", subnet, "dev", iface, NULL};

		fix_plan_add_undo(plan, true, why_route_del, del);
	}
	strlist_free(&old);
	return 0;
}

/* Whether a comma-separated flag list ("UP,GATEWAY,DONE") holds flag. */
static bool
flag_has(const char *flags, const char *flag)
{
	size_t n = strlen(flag);

	for (const char *p = flags; *p != '\0';) {
		size_t len = strcspn(p, ",");

		if (len == n && strncmp(p, flag, n) == 0)
			return true;
		p += len + (p[len] == ',');
	}
	return false;
}

/* The prefix length a contiguous netmask stands for; -1 when it is not one. */
static int
mask_prefix(const char *mask)
{
	struct net_addr m;
	size_t nbytes;
	int bits = 0;
	bool ended = false;

	if (!net_addr_parse(mask, &m))
		return -1;
	nbytes = m.family == AF_INET ? 4 : 16;
	for (size_t i = 0; i < nbytes; i++) {
		for (int b = 7; b >= 0; b--) {
			bool set = (m.bytes[i] >> b) & 1;

			if (set && ended)
				return -1;
			if (set)
				bits++;
			else
				ended = true;
		}
	}
	return bits;
}

/*
 * `route -n get -net SUBNET` asks for the route with exactly that
 * destination and mask (RTM_GET with a netmask is an exact lookup); the
 * destination and mask it prints are compared as well, so a longest-match
 * answer is not taken for it. *exists: such a route is there, and *back
 * holds the words that add it again after the route the fix changed is
 * deleted. Returns 0, or -1 with *cause and *hr_status.
 */
static int
darwin_route_in_place(struct host *host, const char *subnet, const struct net_addr *net,
                      unsigned prefix, bool *exists, struct strlist *back,
                      enum host_status *hr_status, char **cause)
{
	const char *const argv[] = {"route", "-n", "get", "-net", subnet, NULL};
	struct host_run_opts opts = {.timeout_ms = ROUTE_READ_TIMEOUT_MS,
	                             .max_output = ROUTE_OUTPUT_MAX};
	struct host_result hr;
	struct route_info ri;
	struct net_addr dst;
	int rc = -1;

	*exists = false;
	host_run(host, argv, &opts, &hr);
	*hr_status = hr.status;
	if (hr.status != HOST_OK ||
	    route_parse_darwin(hr.out, hr.out_len, hr.err, hr.err_len, &ri) != 0) {
		char *why = first_line(&hr), *shown = argv_quote(argv);

		*cause = xasprintf(_("the route in place could not be read (%s: %s)"), shown, why);
		free(why);
		free(shown);
		goto out;
	}
	rc = 0;
	if (ri.interface[0] == '\0' || !net_addr_parse(ri.destination, &dst) ||
	    memcmp(dst.bytes, net->bytes, 4) != 0 || dst.family != AF_INET ||
	    mask_prefix(ri.mask) != (int)prefix)
		goto out;
	*exists = true;
	if (flag_has(ri.flags, "GATEWAY") && ri.gateway[0] != '\0')
		strlist_add(back, ri.gateway);
	else {
		strlist_add(back, "-interface");
		strlist_add(back, ri.interface);
	}
	if (flag_has(ri.flags, "STATIC"))
		strlist_add(back, "-static");
	if (flag_has(ri.flags, "REJECT"))
		strlist_add(back, "-reject");
	if (flag_has(ri.flags, "BLACKHOLE"))
		strlist_add(back, "-blackhole");
	for (size_t i = 0; i < back->n; i++) {
		if (back->v[i][0] != '-' && !route_word_safe(back->v[i])) {
			*cause = xasprintf(_("the route in place has a word, '%s', that vmtriage "
			                     "cannot give back to route as it is"),
			                   back->v[i]);
			rc = -1;
			break;
		}
	}
out:
	host_result_free(&hr);
	return rc;
}

static int
plan_route_darwin(struct host *host, const char *subnet, const struct net_addr *net,
                  unsigned prefix, const char *iface, struct fix_plan *plan, char **cause)
{
	const char *const add[] = {"route", "-n", "add", "-net", subnet, "-interface", iface, NULL};
	const char *const change[] = {"route", "-n",         "change", "-net",
	                              subnet,  "-interface", iface,    NULL};
	const char *const del[] = {"route", "-n", "delete", "-net", subnet, NULL};
	struct strlist back = STRLIST_INIT;
	enum host_status st = HOST_OK;
	bool exists = false;

	if (darwin_route_in_place(host, subnet, net, prefix, &exists, &back, &st, cause) != 0) {
		strlist_free(&back);
		if (host_is_live(host) || st != HOST_NOT_COLLECTED)
			return -1;
		free(*cause);
		*cause = NULL;
		fix_plan_add_step(plan, true, false, why_route_replace, add);
		plan->undo_note = xstrdup(
		    N_("On the machine itself, the route in place is read before anything runs: "
		       "when there is one, it is changed instead of added, and the undo puts "
		       "back exactly that; this snapshot does not hold it."));
		return 0;
	}
	if (!exists) {
		fix_plan_add_step(plan, true, false, why_route_replace, add);
		fix_plan_add_undo(plan, true, why_route_del, del);
	} else {
		const char **readd = xcalloc(back.n + 6, sizeof *readd);
		size_t k = 0;

		readd[k++] = "route";
		readd[k++] = "-n";
		readd[k++] = "add";
		readd[k++] = "-net";
		readd[k++] = subnet;
		for (size_t i = 0; i < back.n; i++)
			readd[k++] = back.v[i];
		fix_plan_add_step(plan, true, false, why_route_replace, change);
		fix_plan_add_undo(plan, true, N_("Remove the route as the fix left it."), del);
		fix_plan_add_undo(plan, true, why_route_back, readd);
		free(readd);
	}
	strlist_free(&back);
	return 0;
}

static int
plan_route_add(const struct params *p, struct host *host, struct fix_plan *plan, char **cause)
{
	const char *iface = params_get(p, "interface"), *os = host_os(host);
	struct net_addr net;
	unsigned prefix = 0;
	char *subnet = subnet_network(params_get(p, "subnet"), &net, &prefix);
	int rc = -1;

	if (subnet == NULL) {
		*cause = xasprintf(_("'%s' is not a subnet"), params_get(p, "subnet"));
		return -1;
	}
	if (net.family != AF_INET) {
		*cause = xasprintf(_("%s is an IPv6 subnet; Multipass's instance subnets are IPv4 "
		                     "(10.97.0.0/16 on Linux, 192.168.64.0/24 on macOS)"),
		                   subnet);
		goto out;
	}
	if (prefix == 0) {
		*cause = xasprintf(_("%s is the default route, not an instance subnet"), subnet);
		goto out;
	}
	if (str_eq(os, "linux"))
		rc = plan_route_linux(host, subnet, iface, plan, cause);
	else if (str_eq(os, "darwin"))
		rc = plan_route_darwin(host, subnet, &net, prefix, iface, plan, cause);
	else
		*cause = xasprintf(_("there is no route to add on %s: the instances' network is "
		                     "the hypervisor's (Hyper-V's Default Switch on Windows)"),
		                   os);
	if (rc != 0)
		goto out;
	plan->confirm_seconds = ROUTE_CONFIRM_SECONDS;
	plan->notes = xstrdup(N_("A VPN that took this route may take it back, or drop its "
	                         "connection, when the route changes. The change is put back by "
	                         "itself unless you confirm it in time."));
	fix_plan_set_verify(plan, "route", "via_expected", "destination", subnet, "expect", iface,
	                    NULL);
out:
	free(subnet);
	return rc;
}

const struct fix_entry fix_route_add = {
    .name = "route_add",
    .summary = N_("Route the instances' subnet through the bridge again"),
    .platforms = "linux,darwin",
    .params = route_params,
    .plan = plan_route_add,
};

/* ---- instance_force_restart ----------------------------------------------------- */

static const struct param_def name_params[] = {
    {.name = "name", .type = PARAM_NAME, .required = true, .help = N_("the instance's name")},
    {.name = NULL},
};

static void
verify_running(struct fix_plan *plan, const char *name)
{
	fix_plan_set_verify(plan, "multipass", "running", "name", name, NULL);
}

/*
 * The short-term fix of the Sequoia article (002): `multipass stop NAME
 * --force`, then `multipass start NAME`, for an instance whose start timed
 * out or that Multipass shows as Unknown. multipass talks to its daemon
 * itself, so no step needs sudo.
 */
static int
plan_force_restart(const struct params *p, struct host *host, struct fix_plan *plan, char **cause)
{
	const char *name = params_get(p, "name");
	const char *const stop[] = {"multipass", "stop", name, "--force", NULL};
	const char *const start[] = {"multipass", "start", name, NULL};

	(void)host;
	(void)cause;
	fix_plan_add_step(
	    plan, false, false,
	    N_("Stop the instance at once, whatever state Multipass thinks it is in."), stop);
	fix_plan_add_step(plan, false, false, N_("Start it again."), start);
	/* multipass start waits up to 300 s for the instance to answer. */
	fix_plan_step_timeout(plan, 360);
	plan->notes = xstrdup(N_("A forced stop is like pulling the plug: whatever runs in the "
	                         "instance stops at once, and what it had not yet written to its "
	                         "disk is lost."));
	plan->undo_note = xstrdup(N_("Nothing to undo: the instance ends up running, as it should; "
	                             "what the forced stop lost, no undo brings back."));
	verify_running(plan, name);
	return 0;
}

const struct fix_entry fix_instance_force_restart = {
    .name = "instance_force_restart",
    .summary = N_("Force the instance to stop, then start it again"),
    .platforms = NULL,
    .params = name_params,
    .plan = plan_force_restart,
};

/* ---- instance_relaunch_timeout --------------------------------------------------- */

static const struct param_def relaunch_params[] = {
    {.name = "name",
     .type = PARAM_NAME,
     .required = true,
     .help = N_("the name of the instance to launch")},
    {.name = "timeout",
     .type = PARAM_INT,
     .def = "1000",
     .min = 300,
     .max = 3600,
     .help = N_("how many seconds multipass launch may wait for the instance (its default "
                "is 300)")},
    {.name = "image",
     .type = PARAM_NAME,
     .help = N_("the image to launch, as multipass find names it (24.04, noble); default: "
                "Multipass's, the current LTS")},
    {.name = NULL},
};

/* Appends the optional image to a launch command (argv has room for it). */
static void
add_image(const char **argv, const char *image)
{
	size_t n = 0;

	while (argv[n] != NULL)
		n++;
	argv[n] = image;
	argv[n + 1] = NULL;
}

/*
 * "Cloud-init tarries during an instance launch" (000): initialisation goes
 * on after launch gives up, so a longer timeout lets it finish:
 * `multipass launch --timeout 1000`. The undo deletes the instance it
 * launched, without purging it: `multipass recover` still brings it back,
 * and no other deleted instance is touched, as `multipass purge` would.
 */
static int
plan_relaunch_timeout(const struct params *p, struct host *host, struct fix_plan *plan,
                      char **cause)
{
	const char *name = params_get(p, "name"), *timeout = params_get(p, "timeout");
	const char *launch[] = {"multipass", "launch", "--timeout", timeout,
	                        "--name",    name,     NULL,        NULL};
	const char *const del[] = {"multipass", "delete", name, NULL};

	(void)host;
	(void)cause;
	if (params_get(p, "image") != NULL)
		add_image(launch, params_get(p, "image"));
	fix_plan_add_step(plan, false, false,
	                  N_("Launch the instance again, letting it take longer to finish "
	                     "setting up."),
	                  launch);
	/* The launch may take its whole --timeout, and the download before it. */
	fix_plan_step_timeout(plan, atoi(timeout) + 600);
	fix_plan_add_undo(plan, false,
	                  N_("Delete the instance the fix launched, without purging it: "
	                     "'multipass recover' brings it back until you purge."),
	                  del);
	plan->notes = xstrdup(N_("The name must be free. If the launch that timed out left an "
	                         "instance of this name, its setup may still be going on: wait "
	                         "for it (it is done when /var/lib/cloud/instance/boot-finished "
	                         "exists in it), or remove it first. The launch can take as long "
	                         "as the timeout."));
	verify_running(plan, name);
	return 0;
}

const struct fix_entry fix_instance_relaunch_timeout = {
    .name = "instance_relaunch_timeout",
    .summary = N_("Launch the instance again with a longer timeout"),
    .platforms = NULL,
    .params = relaunch_params,
    .plan = plan_relaunch_timeout,
};

/* ---- instance_rebuild ----------------------------------------------------------- */

static const struct param_def rebuild_params[] = {
    {.name = "name",
     .type = PARAM_NAME,
     .required = true,
     .help = N_("the instance to delete and launch again")},
    {.name = "image",
     .type = PARAM_NAME,
     .help = N_("the image to launch, as multipass find names it (24.04, noble); default: "
                "Multipass's, the current LTS")},
    {.name = NULL},
};

/*
 * The long-term fix of the Sequoia article (002), "if the data in the
 * instance does not matter": `multipass delete NAME`, `multipass purge`,
 * `multipass launch`. Nothing of the old instance survives a purge, so it
 * asks twice and names what is lost, including the other deleted instances
 * that purge removes with it.
 */
static int
plan_rebuild(const struct params *p, struct host *host, struct fix_plan *plan, char **cause)
{
	const char *name = params_get(p, "name");
	const char *const del[] = {"multipass", "delete", name, NULL};
	const char *const purge[] = {"multipass", "purge", NULL};
	const char *launch[] = {"multipass", "launch", "--name", name, NULL, NULL};

	(void)host;
	(void)cause;
	if (params_get(p, "image") != NULL)
		add_image(launch, params_get(p, "image"));
	fix_plan_add_step(plan, false, false, N_("Delete the instance."), del);
	fix_plan_add_step(plan, false, false,
	                  N_("Purge deleted instances, for good: this one, and every other "
	                     "deleted one."),
	                  purge);
	fix_plan_add_step(plan, false, false, N_("Launch a new instance of the same name."),
	                  launch);
	fix_plan_step_timeout(plan, 900);
	plan->destructive = 2;
	plan->lost = xstrdup(N_("everything inside the instance: its files, the software "
	                        "installed in it, its settings and its snapshots; and 'multipass "
	                        "purge' also removes for good every other instance that was "
	                        "deleted and not yet purged (which 'multipass recover' could "
	                        "still bring back)"));
	plan->notes = xstrdup(N_("The new instance is launched with Multipass's defaults (the "
	                         "current LTS unless image= is given, default CPUs, memory and "
	                         "disk, no cloud-init file): the old one's settings are not "
	                         "carried over."));
	plan->undo_note = xstrdup(N_("There is no undo: a purged instance is gone for good."));
	verify_running(plan, name);
	return 0;
}

const struct fix_entry fix_instance_rebuild = {
    .name = "instance_rebuild",
    .summary = N_("Delete and purge the instance, and launch a new one of the same name"),
    .platforms = NULL,
    .params = rebuild_params,
    .plan = plan_rebuild,
};

/* ---- image_repair --------------------------------------------------------------- */

/*
 * Where instance images may be repaired: the instance directories of every
 * system in platform/paths.c (test-fix-instance checks they are the same),
 * and libvirt's default pool, where hyper2kvm's migrated VMs go.
 */
static const char *const image_dirs[] = {
    "/var/snap/multipass/common/data/multipassd/vault/instances",
    "/root/.local/share/multipassd/vault/instances",
    "/var/root/Library/Application Support/multipassd/qemu/vault/instances",
    "C:\\ProgramData\\Multipass\\data\\vault\\instances",
    "C:\\Windows\\system32\\config\\systemprofile\\AppData\\Local\\multipassd\\vault\\instances",
    "/var/lib/libvirt/images",
    NULL,
};
#define LIBVIRT_IMAGES "/var/lib/libvirt/images"

static const struct param_def image_params[] = {
    {.name = "path",
     .type = PARAM_PATH,
     .required = true,
     .under = image_dirs,
     .under_more = platform_storage_instances,
     .help = N_("the instance's disk image, in Multipass's instance directory (or, for a "
                "migrated VM, /var/lib/libvirt/images)")},
    {.name = "qemu_img",
     .type = PARAM_PATH,
     .help = N_("the qemu-img to run (default: the one Multipass ships, else qemu-img from "
                "PATH)")},
    {.name = NULL},
};

static bool
path_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == '\\');
}

/*
 * Image paths are instance directories and image names: letters, digits,
 * spaces (macOS's "Application Support") and ._-+@,:/\ are all they need.
 * Anything else is refused, so nothing in a path can mean more than its
 * characters, in an argv or in a PowerShell script's single quotes.
 */
static bool
image_path_plain(const char *path)
{
	for (const char *p = path; *p != '\0'; p++) {
		if (!isalnum((unsigned char)*p) && strchr(" ._-+@,:/\\", *p) == NULL)
			return false;
		if ((unsigned char)*p >= 0x80)
			return false;
	}
	return true;
}

static const char *
path_base(const char *path)
{
	const char *slash = strrchr(path, '/'), *back = strrchr(path, '\\');

	if (back != NULL && (slash == NULL || back > slash))
		slash = back;
	return slash != NULL ? slash + 1 : path;
}

/* A PowerShell step: one script, which is what the user would paste. */
static void
add_powershell(struct fix_plan *plan, bool undo, const char *why, const char *script)
{
	const char *const argv[] = {"powershell", "-NoProfile", "-NonInteractive",
	                            "-Command",   script,       NULL};

	if (undo)
		fix_plan_add_undo(plan, true, why, argv);
	else {
		/* The image steps: a copy or a check of a big disk takes its time. */
		fix_plan_add_step(plan, true, false, why, argv);
		fix_plan_step_timeout(plan, 3600);
	}
}

static const char *const why_copy_aside =
    N_("Copy the image aside first, so the repair can be undone.");
static const char *const why_check_repair =
    N_("Check the image and repair what qemu-img can: leaked clusters and corruptions.");
static const char *const why_copy_back = N_("Put the copy made before the repair back.");

/*
 * "VM image corruption" (000): `qemu-img check -r` on the image, with the
 * qemu-img Multipass ships ("Locating Multipass binaries"); 003 checks
 * migrated images the same way. A repair rewrites metadata in place, so the
 * image is copied aside first (sparse, and a reflink or APFS clone where
 * the file system can: instant, and no space until blocks differ); the copy
 * is what the undo puts back. The copy's name carries the plan's time, so
 * an earlier repair's copy is never overwritten.
 */
static int
plan_image_repair(const struct params *p, struct host *host, struct fix_plan *plan, char **cause)
{
	const char *path = params_get(p, "path"), *qemu = params_get(p, "qemu_img");
	const char *os = host_os(host);
	const struct platform_info *pi = platform_info(os);
	bool mine = false;
	char stamp[32], kind = 'o', *backup = NULL;
	time_t now = host_now(host);
	struct tm tm;

	if (pi == NULL) {
		*cause = xasprintf(_("vmtriage does not know where %s keeps instance images"), os);
		return -1;
	}
	for (const char *const *d = pi->instances_dirs; d != NULL && *d != NULL; d++)
		mine = mine || path_under(path, *d);
	if (str_eq(os, "linux"))
		mine = mine || path_under(path, LIBVIRT_IMAGES);
	if (host_is_live(host) && platform_storage_instances() != NULL)
		mine = mine || path_under(path, platform_storage_instances());
	if (!mine) {
		*cause = xasprintf(
		    _("%s is not in a directory where instance images are kept on %s"), path, os);
		return -1;
	}
	if (!image_path_plain(path) || (qemu != NULL && !image_path_plain(qemu))) {
		*cause =
		    xasprintf(_("'%s' has characters an image path does not need; only letters, "
		                "digits, spaces and ._-+@,:/\\ are taken"),
		              image_path_plain(path) ? qemu : path);
		return -1;
	}
	if (qemu != NULL && !str_eq(path_base(qemu), "qemu-img") &&
	    !str_eq(path_base(qemu), "qemu-img.exe")) {
		*cause = xasprintf(_("'%s' is not a qemu-img program"), qemu);
		return -1;
	}
	if (qemu == NULL)
		qemu = pi->qemu_img != NULL && host_stat(host, pi->qemu_img, NULL) != 0
		           ? pi->qemu_img
		           : "qemu-img";
	switch (host_stat(host, path, &kind)) {
	case 0:
		*cause = xasprintf(_("there is no image at %s"), path);
		return -1;
	case 1:
		if (kind == 'd') {
			*cause = xasprintf(_("%s is a directory, not an image"), path);
			return -1;
		}
		break;
	default: /* root's directories: a user cannot look; the steps run as root */
		break;
	}
	if (gmtime_r(&now, &tm) == NULL || strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm) == 0)
		snprintf(stamp, sizeof stamp, "%lld", (long long)now);
	backup = xasprintf("%s.vmtriage-backup-%s", path, stamp);
	if (host_stat(host, backup, NULL) == 1) {
		*cause = xasprintf(_("%s exists already; move it away first"), backup);
		free(backup);
		return -1;
	}
	if (str_eq(os, "windows")) {
		char *copy =
		    xasprintf("Copy-Item -LiteralPath '%s' -Destination '%s'", path, backup);
		char *check = xasprintf("& '%s' check -r all '%s'; exit $LASTEXITCODE", qemu, path);
		char *back =
		    xasprintf("Copy-Item -LiteralPath '%s' -Destination '%s' -Force", backup, path);

		add_powershell(plan, false, why_copy_aside, copy);
		add_powershell(plan, false, why_check_repair, check);
		add_powershell(plan, true, why_copy_back, back);
		free(copy);
		free(check);
		free(back);
		plan->notes =
		    xstrdup(N_("Stop the instance first (multipass stop NAME): qemu-img "
		               "refuses an image in use, and a running instance's disk is "
		               "no sound copy. The copy needs free space for the image. "
		               "Run it from an elevated PowerShell (as Administrator)."));
	} else {
		const bool mac = str_eq(os, "darwin");
		const char *const copy_linux[] = {
		    "cp", "--sparse=always", "--reflink=auto", "--", path, backup, NULL};
		const char *const back_linux[] = {
		    "cp", "--sparse=always", "--reflink=auto", "--", backup, path, NULL};
		/* macOS cp -c clones on APFS, and copies where it cannot. */
		const char *const copy_mac[] = {"cp", "-c", "--", path, backup, NULL};
		const char *const back_mac[] = {"cp", "-c", "--", backup, path, NULL};
		const char *const check[] = {qemu, "check", "-r", "all", path, NULL};

		/* A disk image may be tens of gigabytes: an hour for each. */
		fix_plan_add_step(plan, true, false, why_copy_aside, mac ? copy_mac : copy_linux);
		fix_plan_step_timeout(plan, 3600);
		fix_plan_add_step(plan, true, false, why_check_repair, check);
		fix_plan_step_timeout(plan, 3600);
		fix_plan_add_undo(plan, true, why_copy_back, mac ? back_mac : back_linux);
		plan->notes =
		    xstrdup(N_("Stop the instance first (multipass stop NAME): qemu-img "
		               "refuses an image in use, and a running instance's disk is "
		               "no sound copy. The copy needs free space for the image "
		               "(a clone, where the file system makes them, needs none)."));
	}
	strlist_add(&plan->backups, backup);
	/* The check runs the same qemu-img; one from PATH the probe finds by itself. */
	fix_plan_set_verify(plan, "image", "ok", "path", path, NULL);
	if (!str_eq(qemu, "qemu-img"))
		params_set(&plan->verify_params, "qemu_img", qemu);
	free(backup);
	return 0;
}

const struct fix_entry fix_image_repair = {
    .name = "image_repair",
    .summary = N_("Repair an instance's disk image with qemu-img, after copying it aside"),
    .platforms = NULL,
    .params = image_params,
    .plan = plan_image_repair,
};

/* ---- guest_dns ------------------------------------------------------------------ */

#define RESOLVED_DROPIN_DIR "/etc/systemd/resolved.conf.d"
#define RESOLVED_DROPIN RESOLVED_DROPIN_DIR "/vmtriage-dns.conf"

static const struct param_def guest_dns_params[] = {
    {.name = "address",
     .type = PARAM_ADDRESS,
     .required = true,
     .help = N_("the instance's address")},
    {.name = "server",
     .type = PARAM_ADDRESS,
     .def = "1.1.1.1",
     .help = N_("the DNS server the instance should ask (the document's example: 1.1.1.1)")},
    {.name = "name",
     .type = PARAM_NAME,
     .help = N_("the name to look up afterwards, to verify; default: only check a nameserver "
                "is set")},
    PROBE_SSH_LOGIN_PARAMS,
    {.name = NULL},
};

/*
 * The DNS section of the networking document (001): when the instance can
 * reach addresses but not resolve names, "configure DNS inside the instance
 * to use an external working DNS server" by adding `nameserver 1.1.1.1` to
 * /etc/resolv.conf. On Ubuntu instances that file belongs to
 * systemd-resolved and is rewritten at boot, so the lasting way is a
 * resolved drop-in naming the server; resolved asks it alongside the
 * link's own server and takes the first good answer.
 *
 * The steps run in the instance over SSH, as the user, so sudo is in their
 * argv (a privileged step would get sudo only when this machine's user is
 * not root, which says nothing about the instance). The file's contents go
 * to tee on its standard input: no shell on either side.
 *
 * It verifies with the guest probe: with name, that the name resolves in
 * the instance (check=lookup); without, only that a server is set
 * (check=resolv).
 */
static int
plan_guest_dns(const struct params *p, struct host *host, struct fix_plan *plan, char **cause)
{
	const char *address = params_get(p, "address"), *server = params_get(p, "server");
	const char *user = params_get(p, "user"), *key = params_get(p, "key");
	const char *known_hosts = params_get(p, "known_hosts"), *port = params_get(p, "port");
	const char *name = params_get(p, "name");
	const char *const mkdir_argv[] = {"sudo", "mkdir", "-p", RESOLVED_DROPIN_DIR, NULL};
	const char *const tee[] = {"sudo", "tee", RESOLVED_DROPIN, NULL};
	const char *const restart[] = {"sudo", "systemctl", "restart", "systemd-resolved", NULL};
	const char *const rm[] = {"sudo", "rm", "-f", RESOLVED_DROPIN, NULL};
	struct host_remote rem;
	char *content = NULL;

	if (name != NULL && !dns_name_valid(name)) {
		*cause = xasprintf(_("'%s' is not a valid DNS name to look up"), name);
		return -1;
	}
	memset(&rem, 0, sizeof rem);
	rem.address = address;
	rem.port = params_get_long(p, "port", 22);
	rem.user = user;
	rem.key = key != NULL ? key : platform_multipass_ssh_key(host_os(host));
	rem.known_hosts = known_hosts;
	fix_plan_set_remote(plan, &rem);

	content = xasprintf("# Written by vmtriage (fix guest_dns); remove it to undo.\n"
	                    "[Resolve]\nDNS=%s\n",
	                    server);
	fix_plan_add_step(plan, false, false,
	                  N_("Make systemd-resolved's drop-in directory, if it is not there."),
	                  mkdir_argv);
	fix_plan_add_step_input(plan, false, false,
	                        N_("Write a systemd-resolved drop-in naming the DNS server."), tee,
	                        content);
	fix_plan_add_step(plan, false, false,
	                  N_("Restart systemd-resolved, so it reads the drop-in."), restart);
	fix_plan_add_undo(plan, false, N_("Remove the drop-in."), rm);
	fix_plan_add_undo(plan, false, N_("Restart systemd-resolved without it."), restart);
	plan->notes = xstrdup(N_("It runs inside the instance, over SSH, with sudo (Multipass's "
	                         "ubuntu user needs no password for it). /etc/resolv.conf is left "
	                         "alone: it belongs to systemd-resolved, which writes it again at "
	                         "every boot, so a line added there would not last."));
	if (name != NULL)
		fix_plan_set_verify(plan, "guest", "ok", "check", "lookup", "name", name, "address",
		                    address, "port", port, "user", user, NULL);
	else
		fix_plan_set_verify(plan, "guest", "ok", "check", "resolv", "address", address,
		                    "port", port, "user", user, NULL);
	if (key != NULL)
		params_set(&plan->verify_params, "key", key);
	if (known_hosts != NULL)
		params_set(&plan->verify_params, "known_hosts", known_hosts);
	free(content);
	return 0;
}

const struct fix_entry fix_guest_dns = {
    .name = "guest_dns",
    .summary = N_("Point the instance's DNS at a working server, over SSH"),
    .platforms = NULL,
    .params = guest_dns_params,
    .plan = plan_guest_dns,
};
