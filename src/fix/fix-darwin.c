/*
 * fix-darwin.c: the macOS fixes of the documents. Start Apple's bootpd, the
 * DHCP server that hands the instances their addresses (launchctl start,
 * then load -w); let it through the application firewall (socketfilterfw
 * --add, --unblock); add the pf NAT line that sends the instances' traffic
 * out through a VPN's interface, and reload pf; remove an instance's leases
 * from /var/db/dhcpd_leases. From ../shared/seeds: 000 "[macOS, QEMU driver]
 * Firewall blocks bootp" and "`bootp` not coming up"; 001 "Generic
 * networking problems" (bootpd alive?), "Potential workaround for VPN
 * conflicts" and "Configure Multipass to use a different subnet" (the
 * dhcpd_leases note); 002 (the lease file after the Sequoia update).
 *
 * What a plan changes is read through the host when the plan is made (the
 * firewall's list of applications, pf.conf, the leases file), so the undo
 * puts back exactly what was there, and an edit is refused at run time if
 * the file changed since.
 */
#include "config.h"

#include <sys/socket.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fix/fix.h"
#include "host/host.h"
#include "probe/fwparse.h"
#include "probe/leaseparse.h"
#include "probe/netparse.h"

#define SOCKETFILTERFW "/usr/libexec/ApplicationFirewall/socketfilterfw"
#define BOOTPS_PLIST "/System/Library/LaunchDaemons/bootps.plist"
#define BOOTPD_LABEL "com.apple.bootpd"
#define PF_CONF "/etc/pf.conf"
#define DHCPD_LEASES "/var/db/dhcpd_leases"
#define ASK_TIMEOUT_MS 10000
#define PF_CONF_MAX (1024 * 1024)
#define LEASES_MAX (8 * 1024 * 1024)
/* Long enough to check the instances still answer, short enough to wait out. */
#define CONFIRM_SECONDS 60

/* These commands and files exist on macOS only. */
static int
require_darwin(struct host *host, char **cause)
{
	if (str_eq(host_os(host), "darwin"))
		return 0;
	*cause = xasprintf(_("this fix is for macOS; this machine runs %s"), host_os(host));
	return -1;
}

/*
 * PARAM_PATH refuses relative paths, "..", and control characters; an
 * argument never meets a shell, but a path holding shell syntax (";", "$(",
 * quotes, "*") is not one a person means, so it is refused too. Spaces stay:
 * "/Library/Application Support" has one.
 */
static int
check_path_text(const char *what, const char *path, char **cause)
{
	for (const char *p = path; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;

		if (isalnum(c) || strchr("/ ._+-", c) != NULL)
			continue;
		*cause = xasprintf(_("%s '%s' holds '%c': only letters, digits, spaces and "
		                     "/ . _ + - may appear in it"),
		                   what, path, c);
		return -1;
	}
	return 0;
}

/* ---- bootpd ------------------------------------------------------------- */

static const struct param_def no_params[] = {
    {.name = NULL},
};

/*
 * bootpd is socket-activated: its job (bootps.plist, Sockets "bootps",
 * inetdCompatibility) makes launchd hold UDP 67, and bootpd runs only once
 * a request comes or the job is started, and exits again when idle. So
 * "port_owner 67 allow=bootpd,launchd" says "expected" whether or not
 * bootpd started (launchd alone holds the port of a loaded job), and, as
 * the user, lsof cannot see root's sockets at all ("hidden"); the process
 * list can be read by anyone, and right after `launchctl start` shows
 * bootpd exactly when the start worked.
 */
static void
verify_bootpd(struct fix_plan *plan)
{
	fix_plan_set_verify(plan, "process", "running", "name", "bootpd", NULL);
}

/* 000 "`bootp` not coming up", 001 "Generic networking problems" 5. */
static int
plan_bootpd_start(const struct params *p, struct host *host, struct fix_plan *plan, char **cause)
{
	static const char *const start[] = {"launchctl", "start", BOOTPD_LABEL, NULL};

	(void)p;
	if (require_darwin(host, cause) != 0)
		return -1;
	fix_plan_add_step(plan, true, false,
	                  N_("Ask launchd to start bootpd, the DHCP server the instances ask "
	                     "for an address."),
	                  start);
	plan->undo_note = xstrdup(N_("Nothing to undo: bootpd is the server macOS starts on "
	                             "demand anyway, and it stops by itself when idle."));
	verify_bootpd(plan);
	return 0;
}

const struct fix_entry fix_bootpd_start = {
    .name = "bootpd_start",
    .summary = N_("Start macOS's DHCP server, bootpd (launchctl start com.apple.bootpd)"),
    .platforms = "darwin",
    .params = no_params,
    .plan = plan_bootpd_start,
};

/*
 * The documents' second try, when starting did not help: the job is not
 * loaded (or is disabled), so there is nothing to start. load -w loads it
 * and clears its Disabled flag for good. A loaded job still runs bootpd
 * only on demand, so it is started too: that is what the check can see.
 */
static int
plan_bootpd_load(const struct params *p, struct host *host, struct fix_plan *plan, char **cause)
{
	static const char *const load[] = {"launchctl", "load", "-w", BOOTPS_PLIST, NULL};
	static const char *const start[] = {"launchctl", "start", BOOTPD_LABEL, NULL};
	static const char *const unload[] = {"launchctl", "unload", "-w", BOOTPS_PLIST, NULL};

	(void)p;
	if (require_darwin(host, cause) != 0)
		return -1;
	fix_plan_add_step(plan, true, false,
	                  N_("Load bootpd's launchd job and enable it for good (-w), so launchd "
	                     "answers DHCP requests by starting bootpd."),
	                  load);
	fix_plan_add_step(plan, true, false,
	                  N_("Start bootpd now rather than at the next request."), start);
	fix_plan_add_undo(plan, true,
	                  N_("Unload bootpd's job and mark it disabled again, as it was."), unload);
	verify_bootpd(plan);
	return 0;
}

const struct fix_entry fix_bootpd_load = {
    .name = "bootpd_load",
    .summary = N_("Load and enable bootpd's launchd job, then start it "
                  "(launchctl load -w bootps.plist)"),
    .platforms = "darwin",
    .params = no_params,
    .plan = plan_bootpd_load,
};

/* ---- the application firewall ------------------------------------------- */

static const char *const app_dirs[] = {
    "/usr/libexec",
    "/usr/sbin",
    "/Applications",
    "/Library/Application Support/com.canonical.multipass",
    NULL,
};

static const struct param_def firewall_params[] = {
    {.name = "app",
     .type = PARAM_PATH,
     .def = "/usr/libexec/bootpd",
     .under = app_dirs,
     .help = N_("the program to let through (bootpd gives the instances their addresses; "
                "Multipass's qemu and multipassd are the others that matter)")},
    {.name = NULL},
};

/*
 * One question to socketfilterfw, read through the host. Returns 0, or -1
 * with *cause when the answer cannot be used: a managed Mac, a tool that
 * wants root, or none at all.
 */
static int
alf_ask(struct host *host, const char *option, struct host_result *hr, char **cause)
{
	const char *argv[] = {SOCKETFILTERFW, option, NULL};
	struct host_run_opts opts = {.timeout_ms = ASK_TIMEOUT_MS};
	char *text = NULL;
	int rc = -1;

	host_run(host, argv, &opts, hr);
	if (hr->status != HOST_OK) {
		*cause = xasprintf(_("cannot ask the firewall (%s %s): %s"), SOCKETFILTERFW, option,
		                   hr->message);
		return -1;
	}
	text = xasprintf("%s\n%s", hr->out, hr->err);
	if (alf_says_managed(text, strlen(text)))
		*cause = xstrdup(_("this Mac is managed: its firewall is set by its organisation, "
		                   "and socketfilterfw refuses changes; ask its administrators to "
		                   "allow the program"));
	else if (alf_says_needs_root(text, strlen(text)))
		*cause = xasprintf(_("socketfilterfw answers '%s' only to an administrator: run "
		                     "vmtriage with sudo"),
		                   option);
	else
		rc = 0;
	free(text);
	return rc;
}

/*
 * What the firewall says of app now: -1 not listed, 0 blocked, 1 allowed.
 * Refuses (-2, *cause) when there is nothing this fix can do: the firewall
 * is off, or blocks every incoming connection whatever the list says.
 */
static int
alf_app_state(struct host *host, const char *app, char **cause)
{
	struct host_result hr = {0};
	struct alf_apps apps = {NULL, 0, -1};
	const struct alf_app *a = NULL;
	int state, blockall, rc = -2;

	if (alf_ask(host, "--getglobalstate", &hr, cause) != 0)
		goto out;
	if ((state = alf_parse_globalstate(hr.out, hr.out_len)) < 0) {
		*cause = xstrdup(_("the answer of 'socketfilterfw --getglobalstate' was not "
		                   "understood"));
		goto out;
	}
	if (state == 0) {
		*cause = xasprintf(_("the application firewall is off, so it does not keep %s "
		                     "from answering: nothing to change"),
		                   app);
		goto out;
	}
	host_result_free(&hr);
	if (alf_ask(host, "--getblockall", &hr, cause) != 0)
		goto out;
	blockall = alf_parse_onoff(hr.out, hr.out_len);
	if (state == 2 || blockall == 1) {
		*cause = xasprintf(_("the firewall blocks all incoming connections, whatever its "
		                     "list says: turn off \"Block all incoming connections\" in "
		                     "System Settings > Network > Firewall > Options (or 'sudo %s "
		                     "--setblockall off') instead"),
		                   SOCKETFILTERFW);
		goto out;
	}
	host_result_free(&hr);
	if (alf_ask(host, "--listapps", &hr, cause) != 0)
		goto out;
	if (alf_parse_listapps(hr.out, hr.out_len, &apps) != 0) {
		*cause = xstrdup(_("the answer of 'socketfilterfw --listapps' was not understood"));
		goto out;
	}
	a = alf_apps_find(&apps, app);
	rc = a == NULL ? -1 : a->allowed == 0 ? 0 : 1;
out:
	alf_apps_free(&apps);
	host_result_free(&hr);
	return rc;
}

/*
 * 000 "Firewall blocks `bootp`": the two socketfilterfw commands. The undo
 * restores what --listapps said before: --remove for an app that was not
 * listed (--block would leave it listed, which is not how it was), --block
 * for one that was listed and blocked.
 */
static int
plan_firewall_allow_app(const struct params *p, struct host *host, struct fix_plan *plan,
                        char **cause)
{
	const char *app = params_get(p, "app");
	const char *add[] = {SOCKETFILTERFW, "--add", app, NULL};
	const char *unblock[] = {SOCKETFILTERFW, "--unblock", app, NULL};
	const char *remove[] = {SOCKETFILTERFW, "--remove", app, NULL};
	const char *block[] = {SOCKETFILTERFW, "--block", app, NULL};
	char kind = 'o';
	int exists, state;

	if (require_darwin(host, cause) != 0 || check_path_text(_("the program"), app, cause) != 0)
		return -1;
	exists = host_stat(host, app, &kind);
	if (exists == 0) {
		*cause = xasprintf(_("%s does not exist"), app);
		return -1;
	}
	if (exists == 1 && kind == 'd' && !str_has_suffix(app, ".app")) {
		*cause = xasprintf(_("%s is a directory, not a program or an .app bundle"), app);
		return -1;
	}
	if ((state = alf_app_state(host, app, cause)) == -2)
		return -1;
	/* A listed app: --add changes nothing, and the tool may say so with a failure. */
	fix_plan_add_step(plan, true, state != -1,
	                  N_("Add the program to the application firewall's list."), add);
	fix_plan_add_step(plan, true, false,
	                  N_("Allow incoming connections to it (for bootpd: the instances' "
	                     "DHCP requests)."),
	                  unblock);
	if (state == -1) {
		fix_plan_add_undo(plan, true,
		                  N_("Take the program off the firewall's list again, where it "
		                     "was not before."),
		                  remove);
		plan->confirm_seconds = CONFIRM_SECONDS;
	} else if (state == 0) {
		fix_plan_add_undo(plan, true,
		                  N_("Block incoming connections to the program again, as before."),
		                  block);
		plan->confirm_seconds = CONFIRM_SECONDS;
	} else {
		plan->undo_note = xstrdup(N_("Nothing to undo: the firewall already allowed the "
		                             "program; this only says so again, which some Macs "
		                             "need after each reboot (Multipass issue 2387)."));
	}
	plan->notes = xstrdup(N_("It needs administrator rights, which managed Macs do not give; "
	                         "some Macs need it again after each reboot (Multipass issue "
	                         "2387)."));
	fix_plan_set_verify(plan, "firewall", "allowed", "app", app, NULL);
	return 0;
}

const struct fix_entry fix_firewall_allow_app = {
    .name = "firewall_allow_app",
    .summary = N_("Let a program (bootpd, Multipass's qemu or multipassd) through the macOS "
                  "application firewall"),
    .platforms = "darwin",
    .params = firewall_params,
    .plan = plan_firewall_allow_app,
};

/* ---- pf NAT for a VPN --------------------------------------------------- */

static const struct param_def pf_params[] = {
    {.name = "interface",
     .type = PARAM_NAME,
     .required = true,
     .help = N_("the VPN's network interface, as ifconfig names it (utun3); it can change "
                "each time the VPN connects")},
    {.name = "subnet",
     .type = PARAM_CIDR,
     .def = "192.168.64.0/24",
     .help = N_("the instances' subnet, as ADDRESS/PREFIX")},
    {.name = NULL},
};

/* macOS names interfaces by a driver and a unit number: utun3, ipsec0, ppp0. */
static int
check_interface(const char *ifname, char **cause)
{
	size_t n = strlen(ifname);
	bool ok =
	    n > 1 && isalpha((unsigned char)ifname[0]) && isdigit((unsigned char)ifname[n - 1]);

	for (size_t i = 0; ok && i < n; i++)
		ok = isalnum((unsigned char)ifname[i]) && (unsigned char)ifname[i] < 0x80;
	if (ok)
		return 0;
	*cause = xasprintf(_("'%s' is not an interface name such as utun3 (letters, then the "
	                     "unit number)"),
	                   ifname);
	return -1;
}

/* An IPv4 subnet written as its network address: what the pf line will say. */
static int
check_subnet(const char *subnet, char **cause)
{
	struct net_addr a, net;
	unsigned prefix = 0;
	char addr[64], text[80];

	if (!net_cidr_parse(subnet, &a, &prefix) || a.family == 0) {
		*cause = xasprintf(_("'%s' is not a subnet written ADDRESS/PREFIX"), subnet);
		return -1;
	}
	if (a.family != AF_INET) {
		*cause = xasprintf(_("'%s' is not IPv4: the instances' shared network on macOS is"),
		                   subnet);
		return -1;
	}
	if (prefix == 0) {
		*cause = xasprintf(_("'%s' is every address, not the instances' subnet"), subnet);
		return -1;
	}
	net = a;
	for (unsigned bit = prefix; bit < 32; bit++)
		net.bytes[bit / 8] &= (unsigned char)~(0x80u >> (bit % 8));
	snprintf(text, sizeof text, "%s/%u", net_addr_str(&net, addr, sizeof addr), prefix);
	if (!str_eq(text, subnet)) {
		*cause = xasprintf(_("'%s' is an address inside a subnet, not the subnet; did you "
		                     "mean %s?"),
		                   subnet, text);
		return -1;
	}
	return 0;
}

/* One rule of pf.conf: a line with its continuations ("\" at the end). */
struct pf_rule {
	size_t start, end; /* its bytes in the file, line breaks included */
	char *word;        /* the first word: "nat", "anchor"... ("" for none) */
	char *text;        /* without its comment, white space squeezed to one space */
};

static void
pf_rule_finish(struct pf_rule *r, const struct strbuf *raw)
{
	struct strbuf sb = STRBUF_INIT;
	bool quoted = false, space = false;
	size_t w;

	for (size_t i = 0; i < raw->len; i++) {
		char c = raw->buf[i];

		if (c == '"')
			quoted = !quoted;
		if (c == '#' && !quoted)
			break;
		if (c == ' ' || c == '\t' || c == '\r') {
			space = sb.len > 0;
			continue;
		}
		if (space)
			strbuf_addc(&sb, ' ');
		space = false;
		strbuf_addc(&sb, c);
	}
	r->text = strbuf_detach(&sb);
	w = strcspn(r->text, " ");
	r->word = xstrndup(r->text, w);
}

/* Splits pf.conf into rules; comments and blank lines are rules with no word. */
static struct pf_rule *
pf_split(const char *buf, size_t len, size_t *n)
{
	struct pf_rule *v = NULL;
	size_t pos = 0;

	*n = 0;
	while (pos < len) {
		struct strbuf raw = STRBUF_INIT;
		struct pf_rule *r = NULL;
		size_t start = pos;
		bool more = true;

		while (more && pos < len) {
			const char *nl = memchr(buf + pos, '\n', len - pos);
			size_t lend = nl != NULL ? (size_t)(nl - buf) : len, seg = lend - pos;

			if (seg > 0 && buf[pos + seg - 1] == '\r')
				seg--;
			more = seg > 0 && buf[pos + seg - 1] == '\\';
			strbuf_add(&raw, buf + pos, more ? seg - 1 : seg);
			strbuf_addc(&raw, ' ');
			pos = nl != NULL ? lend + 1 : len;
		}
		v = xreallocarray(v, *n + 1, sizeof *v);
		r = &v[(*n)++];
		r->start = start;
		r->end = pos;
		pf_rule_finish(r, &raw);
		strbuf_free(&raw);
	}
	return v;
}

static void
pf_rules_free(struct pf_rule *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].word);
		free(v[i].text);
	}
	free(v);
}

/*
 * Filter rules: pf takes its rules in the order options, normalization,
 * queueing, translation, filtering, and refuses a file with a nat rule after
 * one of these ("Rules must be in order"). Apple's pf.conf has dummynet
 * rules between the two; a nat line goes before those too.
 */
static bool
pf_is_filter(const char *word)
{
	static const char *const filter[] = {"pass",      "block",           "anchor",
	                                     "antispoof", "dummynet-anchor", "dummynet"};

	for (size_t i = 0; i < nitems(filter); i++) {
		if (str_eq(word, filter[i]))
			return true;
	}
	return false;
}

/*
 * Where the new line goes: after the last nat line (Apple's file has
 * `nat-anchor "com.apple/..."`) that comes before the filter rules, as the
 * document says; with none, before the first filter rule; in a file with
 * neither, at the end. Returns the byte offset, or (size_t)-1 with *cause
 * when an identical rule is there already.
 */
static size_t
pf_insert_at(const char *buf, size_t len, const char *line, char **cause)
{
	struct pf_rule *v = NULL;
	size_t n = 0, first_filter = (size_t)-1, last_nat = (size_t)-1, at = len;

	v = pf_split(buf, len, &n);
	for (size_t i = 0; i < n; i++) {
		if (str_eq(v[i].text, line)) {
			*cause = xasprintf(_("%s already holds this line: %s"), PF_CONF, line);
			at = (size_t)-1;
			goto out;
		}
		if (first_filter == (size_t)-1 && pf_is_filter(v[i].word))
			first_filter = i;
		if (first_filter == (size_t)-1 &&
		    (str_eq(v[i].word, "nat") || str_eq(v[i].word, "nat-anchor")))
			last_nat = i;
	}
	if (last_nat != (size_t)-1)
		at = v[last_nat].end;
	else if (first_filter != (size_t)-1)
		at = v[first_filter].start;
out:
	pf_rules_free(v, n);
	return at;
}

/* s with the characters an extended regular expression gives a meaning escaped. */
static void
regex_quote(struct strbuf *sb, const char *s)
{
	for (; *s != '\0'; s++) {
		if (strchr(".[]()*+?{}|^$\\", *s) != NULL)
			strbuf_addc(sb, '\\');
		strbuf_addc(sb, *s);
	}
}

/*
 * 001 "Potential workaround for VPN conflicts" (canonical/multipass#495).
 * The document's line says `from bridge100:network`; pfctl resolves that
 * when it loads the file, and bridge100 exists only while an instance runs,
 * so with none running the whole file fails to load ("no IP address found
 * for bridge100:network", canonical/multipass#1966). The subnet itself says
 * the same and always loads.
 *
 * The new file is first given to `pfctl -n` (parse only, no root needed), so
 * a file pf would refuse never replaces a working one.
 */
static int
plan_pf_nat_vpn(const struct params *p, struct host *host, struct fix_plan *plan, char **cause)
{
	const char *ifname = params_get(p, "interface"), *subnet = params_get(p, "subnet");
	static const char *const check[] = {"pfctl", "-n", "-f", "-", NULL};
	static const char *const reload[] = {"pfctl", "-f", PF_CONF, NULL};
	struct host_result hr = {0};
	struct strbuf next = STRBUF_INIT, pattern = STRBUF_INIT;
	char *line = NULL;
	size_t at;
	int rc = -1;

	if (require_darwin(host, cause) != 0 || check_interface(ifname, cause) != 0 ||
	    check_subnet(subnet, cause) != 0)
		return -1;
	line = xasprintf("nat on %s from %s to any -> (%s)", ifname, subnet, ifname);
	if (host_read_file(host, PF_CONF, PF_CONF_MAX, &hr) != 0) {
		*cause = xasprintf(_("cannot read %s: %s"), PF_CONF, hr.message);
		goto out;
	}
	if (memchr(hr.out, '\0', hr.out_len) != NULL) {
		*cause = xasprintf(_("%s holds NUL bytes: it is not a pf configuration to edit"),
		                   PF_CONF);
		goto out;
	}
	if ((at = pf_insert_at(hr.out, hr.out_len, line, cause)) == (size_t)-1)
		goto out;
	strbuf_add(&next, hr.out, at);
	if (at > 0 && hr.out[at - 1] != '\n')
		strbuf_addc(&next, '\n');
	strbuf_addf(&next, "%s\n", line);
	strbuf_add(&next, hr.out + at, hr.out_len - at);

	fix_plan_add_step_input(plan, false, false,
	                        N_("Check that pf accepts the new pf.conf (parse only, nothing "
	                           "is loaded)."),
	                        check, next.buf);
	fix_plan_add_edit(plan, true,
	                  N_("Add the NAT line: the instances' traffic leaves through the VPN "
	                     "with the VPN's address."),
	                  PF_CONF, hr.out, hr.out_len, next.buf, next.len);
	fix_plan_add_step(plan, true, false, N_("Reload pf's rules from pf.conf."), reload);
	fix_plan_add_undo(plan, true, N_("Reload pf's rules from the old pf.conf."), reload);
	plan->confirm_seconds = CONFIRM_SECONDS;
	plan->notes = xstrdup(N_("pfctl warns that -f may flush rules the system added to the "
	                         "main ruleset; pf.conf keeps Apple's anchor points, so their "
	                         "rules stay. The line acts only while pf is enabled, and only "
	                         "for this interface: a VPN often gets another utun number "
	                         "when it reconnects."));
	strbuf_adds(&pattern, "^");
	regex_quote(&pattern, line);
	strbuf_adds(&pattern, "$");
	fix_plan_set_verify(plan, "file", "found", "path", PF_CONF, "pattern", pattern.buf, NULL);
	rc = 0;
out:
	host_result_free(&hr);
	strbuf_free(&next);
	strbuf_free(&pattern);
	free(line);
	return rc;
}

const struct fix_entry fix_pf_nat_vpn = {
    .name = "pf_nat_vpn",
    .summary = N_("Add a pf NAT line so the instances reach the network through a VPN"),
    .platforms = "darwin",
    .params = pf_params,
    .plan = plan_pf_nat_vpn,
};

/* ---- bootpd's leases ---------------------------------------------------- */

static const char *const leases_dirs[] = {"/var/db", NULL};

static const struct param_def lease_params[] = {
    {.name = "name", .type = PARAM_NAME, .required = true, .help = N_("the instance's name")},
    {.name = "file",
     .type = PARAM_PATH,
     .def = DHCPD_LEASES,
     .under = leases_dirs,
     .help = N_("bootpd's leases file")},
    {.name = NULL},
};

/*
 * Whether a lease is the instance's: its name names it; a block too damaged
 * to give a name counts when its text mentions the name as a word.
 */
static bool
lease_is_instance(const struct lease_entry *e, const char *name)
{
	if (e->name != NULL)
		return lease_name_matches(e->name, name, NULL);
	return e->corrupt && lease_text_mentions(e, name, NULL);
}

/*
 * buf without the lines of the instance's entries, every other byte kept;
 * returns how many entries went. Lines are counted as lease_parse counts
 * them: each '\n' ends one.
 */
static size_t
leases_without(const char *buf, size_t len, const struct lease_file *lf, const char *name,
               struct strbuf *out)
{
	size_t nlines = 0, removed = 0, line = 0, pos = 0;
	bool *drop = NULL;

	for (pos = 0; pos < len; nlines++) {
		const char *nl = memchr(buf + pos, '\n', len - pos);

		pos = nl != NULL ? (size_t)(nl - buf) + 1 : len;
	}
	drop = xcalloc(nlines + 1, sizeof *drop);
	for (size_t i = 0; i < lf->n; i++) {
		const struct lease_entry *e = &lf->v[i];

		if (!lease_is_instance(e, name))
			continue;
		removed++;
		for (size_t l = e->first_line; l <= e->last_line && l <= nlines; l++)
			drop[l] = true;
	}
	for (pos = 0; pos < len;) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t next = nl != NULL ? (size_t)(nl - buf) + 1 : len;

		if (!drop[++line])
			strbuf_add(out, buf + pos, next - pos);
		pos = next;
	}
	free(drop);
	return removed;
}

/*
 * 002 (检查DHCP租约文件) and 001's note on dhcpd_leases: bootpd keeps every
 * lease it gave, and an instance's stale one (a deleted and relaunched
 * instance, a subnet that moved in a macOS update) can keep it from
 * getting a good address. Only the file changes; the flow tells the
 * person to restart the instance.
 */
static int
plan_dhcpd_lease_clear(const struct params *p, struct host *host, struct fix_plan *plan,
                       char **cause)
{
	const char *name = params_get(p, "name"), *file = params_get(p, "file");
	struct host_result hr = {0};
	struct lease_file lf;
	struct strbuf next = STRBUF_INIT;
	size_t removed;
	int rc = -1;

	memset(&lf, 0, sizeof lf);
	if (require_darwin(host, cause) != 0 || check_path_text(_("the file"), file, cause) != 0)
		return -1;
	if (host_read_file(host, file, LEASES_MAX, &hr) != 0) {
		if (hr.status == HOST_NO_SUCH)
			*cause =
			    xasprintf(_("%s does not exist: bootpd has handed out no lease, so "
			                "there is nothing to remove"),
			              file);
		else if (hr.status == HOST_DENIED)
			*cause = xasprintf(_("%s may not be read: run vmtriage with sudo"), file);
		else
			*cause = xasprintf(_("cannot read %s: %s"), file, hr.message);
		goto out;
	}
	lease_parse(hr.out, hr.out_len, &lf);
	if (lf.format == LEASE_FORMAT_EMPTY) {
		*cause = xasprintf(_("%s is empty: there is no lease to remove"), file);
		goto out;
	}
	if (lf.format != LEASE_FORMAT_BOOTPD) {
		*cause = xasprintf(_("%s is not bootpd's leases file ({ name=... } blocks): not "
		                     "edited"),
		                   file);
		goto out;
	}
	if ((removed = leases_without(hr.out, hr.out_len, &lf, name, &next)) == 0) {
		*cause = xasprintf(_("%s holds no lease for %s: nothing to remove"), file, name);
		goto out;
	}
	fix_plan_add_edit(plan, true,
	                  N_("Remove the instance's leases from bootpd's file; every other "
	                     "lease stays as it is."),
	                  file, hr.out, hr.out_len, next.buf != NULL ? next.buf : "", next.len);
	plan->notes = xstrdup(N_("Restart the instance afterwards (multipass restart): it then "
	                         "asks bootpd for an address anew."));
	fix_plan_set_verify(plan, "leases", "missing", "name", name, "file", file, NULL);
	rc = 0;
out:
	lease_file_free(&lf);
	host_result_free(&hr);
	strbuf_free(&next);
	return rc;
}

const struct fix_entry fix_dhcpd_lease_clear = {
    .name = "dhcpd_lease_clear",
    .summary = N_("Remove an instance's stale leases from macOS's /var/db/dhcpd_leases"),
    .platforms = "darwin",
    .params = lease_params,
    .plan = plan_dhcpd_lease_clear,
};
