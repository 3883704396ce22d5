/*
 * probe-firewall.c: the "firewall" probe. Is the host's firewall in the way
 * of the instances?
 *
 * macOS: the application firewall, which is known to keep Apple's own bootpd
 * from answering the instances' DHCP requests (Multipass's "dreaded firewall
 * issue", canonical/multipass#2387). socketfilterfw is asked four fixed
 * questions (global state, block-all, stealth mode, the list of
 * applications), and the app is looked for in the list, so one snapshot
 * answers for any app.
 *
 * Linux: the rules multipassd makes for its bridge (firewall_config.cpp:
 * FORWARD accepts and NAT MASQUERADE, each commented "generated for
 * Multipass network <bridge>"). Multipass writes them with iptables-legacy
 * or iptables-nft, whichever is in use, so both listings are read; plain
 * iptables-save stands in on systems that have only it, and `nft list
 * ruleset` when no listing shows a Multipass rule. A FORWARD policy of DROP
 * in the other backend (Docker sets one) drops what Multipass's rules
 * accept, and is reported as such.
 *
 * Before all that, the input path: a rule that drops or rejects the
 * instances' DHCP requests (UDP port 67) on their way to dnsmasq, in any
 * listing (both iptables backends' filter INPUT, nft's input base chains,
 * each of which the requests must pass), or an INPUT policy of DROP that
 * nothing accepts them ahead of. The instances then get no address at all
 * (Multipass: "No IP assigned"), whatever the forward rules say, so that is
 * reported first. nft's listing is read for it even when an iptables listing
 * already showed Multipass's rules (nft's own tables are in no iptables
 * listing); a snapshot without it just goes without.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "host/host.h"
#include "platform/paths.h"
#include "probe/fwparse.h"
#include "probe/probe.h"

/* Where macOS keeps the application firewall's command-line tool. */
#define SOCKETFILTERFW "/usr/libexec/ApplicationFirewall/socketfilterfw"
/* Legacy iptables lists its tables here; root only. */
#define IP_TABLES_NAMES "/proc/net/ip_tables_names"
/* The kernel's list of network interfaces. */
#define SYS_CLASS_NET "/sys/class/net"
#define MAX_LISTING (16 * 1024 * 1024)
#define MAX_LINE_BYTES 200

static const struct param_def firewall_params[] = {
    {.name = "app",
     .type = PARAM_PATH,
     .def = "/usr/libexec/bootpd",
     .help = N_("macOS: the program whose incoming connections matter (bootpd gives the "
                "instances their addresses)")},
    {.name = "bridge",
     .type = PARAM_NAME,
     .help = N_("Linux: the Multipass bridge (default: the bridges Multipass's rules name, "
                "else mpqemubr0)")},
    {.name = NULL},
};

static const struct outcome_def firewall_outcomes[] = {
    {"off", N_("macOS: the application firewall is off, so it cannot be the cause")},
    {"blocked",
     N_("macOS: the firewall blocks the app's incoming connections, or blocks all incoming "
        "connections")},
    {"allowed", N_("macOS: the app is in the firewall's list, and allowed")},
    {"not_listed", N_("macOS: the firewall is on and the app is not in its list; the documented "
                      "workaround adds it and unblocks it")},
    {"ok", N_("Linux: Multipass's forward and NAT rules for the bridge are in place")},
    {"rules_missing",
     N_("Linux: some or all of Multipass's forward and NAT rules for the bridge are missing")},
    {"forward_blocked",
     N_("Linux: Multipass's rules are in place, but another table's forward chain drops the "
        "bridge's traffic by policy (Docker's FORWARD DROP in the other iptables backend)")},
    {"dhcp_blocked",
     N_("Linux: a firewall rule on this host drops or rejects the instances' DHCP requests (UDP "
        "port 67)")},
    {"unreadable", N_("the firewall cannot be read without administrator rights (sudo)")},
    {NULL, NULL},
};

static const char *const firewall_facts[] = {
    "firewall.state",     "firewall.blockall",
    "firewall.stealth",   "firewall.app",
    "firewall.managed",   "firewall.bridge",
    "firewall.backend",   "firewall.subnet",
    "firewall.dhcp_rule", NULL,
};

static int
step_timeout(const struct probe_ctx *ctx)
{
	int t = ctx->timeout_ms / 4;

	return t < 1000 ? 1000 : t;
}

/* Ends the probe with "error" for a host answer that is not a usable one. */
static void
fail_with(struct probe_result *r, const struct host_result *hr)
{
	probe_result_set_outcome(r, OUTCOME_ERROR);
	if (hr->status == HOST_NOT_COLLECTED)
		probe_result_summary(
		    r, _("the snapshot does not hold what the firewall probe reads: %s"),
		    hr->message);
	else
		probe_result_summary(r, "%s", hr->message != NULL ? hr->message : _("failed"));
	probe_result_evidence(r, "%s", hr->message != NULL ? hr->message : _("failed"));
}

static void
unreadable(struct probe_result *r, const char *summary, const char *evidence)
{
	probe_result_set_outcome(r, "unreadable");
	probe_result_summary(r, "%s", summary);
	if (evidence != NULL)
		probe_result_evidence(r, "%s", evidence);
}

/* ---- macOS ---------------------------------------------------------------- */

enum alf_q { Q_GLOBAL, Q_BLOCKALL, Q_STEALTH, Q_LISTAPPS, Q_COUNT };
static const char *const alf_options[Q_COUNT] = {"--getglobalstate", "--getblockall",
                                                 "--getstealthmode", "--listapps"};

/* Output and error of one answer, as one string. */
static char *
alf_text(const struct host_result *hr)
{
	return xasprintf("%s%s%s", hr->out, hr->err_len > 0 ? "\n" : "", hr->err);
}

/* The first non-blank line of an answer, as evidence. */
static void
alf_evidence(struct probe_result *r, enum alf_q q, const struct host_result *hr)
{
	const char *s = hr->out_len > 0 ? hr->out : hr->err;

	while (*s == '\n' || *s == '\r' || *s == ' ')
		s++;
	if (*s != '\0') {
		char *clean = probe_clean_line(s, strcspn(s, "\r\n"), MAX_LINE_BYTES);

		probe_result_evidence(r, "socketfilterfw %s: %s", alf_options[q], clean);
		free(clean);
	}
}

/*
 * An answer that cannot be used: ends the probe and returns true. Managed
 * Macs refuse some questions; the caller decides what that means.
 */
static bool
alf_unusable(struct probe_result *r, enum alf_q q, const struct host_result *hr)
{
	char *text = NULL;
	bool root;

	if (hr->status == HOST_DENIED) {
		unreadable(r,
		           _("socketfilterfw may not be run: ask with administrator rights "
		             "(sudo vmtriage ...)"),
		           hr->message);
		return true;
	}
	if (hr->status != HOST_OK) {
		fail_with(r, hr);
		if (hr->status == HOST_NO_SUCH)
			probe_result_summary(
			    r,
			    _("%s was not found: the application firewall cannot be "
			      "read on this Mac"),
			    SOCKETFILTERFW);
		return true;
	}
	text = alf_text(hr);
	root = alf_says_needs_root(text, strlen(text));
	free(text);
	if (root) {
		alf_evidence(r, q, hr);
		unreadable(r,
		           _("socketfilterfw answers only to an administrator: run vmtriage with "
		             "sudo"),
		           NULL);
		return true;
	}
	return false;
}

static bool
alf_managed(const struct host_result *hr)
{
	char *text = NULL;
	bool m;

	if (hr->status != HOST_OK)
		return false;
	text = alf_text(hr);
	m = alf_says_managed(text, strlen(text));
	free(text);
	return m;
}

/* The summary, one sentence still, with who can change the firewall of a managed Mac. */
static void
add_managed_note(struct probe_result *r)
{
	char *base = xstrdup(r->summary != NULL ? r->summary : "");
	size_t n = strlen(base);
	char *s;

	if (n > 0 && base[n - 1] == '.')
		base[n - 1] = '\0';
	s = xasprintf(_("%s; but this Mac is managed, so only its organisation's administrators "
	                "can change the firewall (socketfilterfw refuses)."),
	              base);
	probe_result_summary(r, "%s", s);
	free(s);
	free(base);
}

static void
app_decision(struct probe_result *r, const char *app, const struct alf_apps *apps)
{
	const struct alf_app *a = alf_apps_find(apps, app);

	if (a == NULL) {
		probe_result_fact(r, "firewall.app", "not_listed");
		probe_result_set_outcome(r, "not_listed");
		probe_result_evidence(r,
		                      _("socketfilterfw --listapps: %zu application(s), %s not "
		                        "among them"),
		                      apps->n, app);
		probe_result_summary(
		    r,
		    _("The firewall is on and %s is not in its list of applications, so its "
		      "incoming connections may be refused (for bootpd: the instances' DHCP "
		      "requests go unanswered): the documented workaround is "
		      "'sudo %s --add %s' then 'sudo %s --unblock %s' (without sudo, --add says it "
		      "worked but does nothing; some Macs need it again after each reboot)."),
		    app, SOCKETFILTERFW, app, SOCKETFILTERFW, app);
		return;
	}
	probe_result_evidence(r, "socketfilterfw --listapps: %s", a->text);
	if (a->allowed == 0) {
		probe_result_fact(r, "firewall.app", "blocked");
		probe_result_set_outcome(r, "blocked");
		probe_result_summary(
		    r,
		    _("The firewall blocks incoming connections to %s (for bootpd: the "
		      "instances' DHCP requests go unanswered): run 'sudo %s --unblock %s', or "
		      "allow it in System "
		      "Settings > Network > Firewall > Options."),
		    app, SOCKETFILTERFW, app);
	} else {
		/* A state not said counts as allowed: the firewall blocks only what it is told to.
		 */
		probe_result_fact(r, "firewall.app", "allowed");
		probe_result_set_outcome(r, "allowed");
		probe_result_summary(
		    r, _("The firewall is on and allows incoming connections to %s."), app);
	}
}

/* When block-all decided, the app's own entry is still worth a fact. */
static void
app_fact(struct probe_result *r, const char *app, const struct host_result *hr,
         struct alf_apps *apps)
{
	const struct alf_app *a = NULL;

	if (hr->status != HOST_OK || alf_parse_listapps(hr->out, hr->out_len, apps) != 0)
		return;
	a = alf_apps_find(apps, app);
	if (a == NULL)
		probe_result_fact(r, "firewall.app", "not_listed");
	else
		probe_result_fact(r, "firewall.app", "%s", a->allowed == 0 ? "blocked" : "allowed");
}

static int
firewall_darwin(const struct params *p, const struct probe_ctx *ctx, struct probe_result *r)
{
	const char *app = params_get(p, "app");
	struct host_result hr[Q_COUNT];
	struct host_run_opts opts = {0};
	struct alf_apps apps = {NULL, 0, -1};
	bool managed = false;
	int state, blockall = -1, stealth = -1;

	memset(hr, 0, sizeof hr);
	opts.timeout_ms = step_timeout(ctx);
	/* All four, always: what is asked does not depend on the app. */
	for (int q = 0; q < Q_COUNT; q++) {
		const char *argv[] = {SOCKETFILTERFW, alf_options[q], NULL};

		host_run(ctx->host, argv, &opts, &hr[q]);
		managed = managed || alf_managed(&hr[q]);
	}
	if (managed)
		probe_result_fact(r, "firewall.managed", "yes");

	if (alf_unusable(r, Q_GLOBAL, &hr[Q_GLOBAL]))
		goto out;
	alf_evidence(r, Q_GLOBAL, &hr[Q_GLOBAL]);
	state = alf_parse_globalstate(hr[Q_GLOBAL].out, hr[Q_GLOBAL].out_len);
	if (state < 0 && alf_managed(&hr[Q_GLOBAL])) {
		unreadable(r,
		           _("This Mac is managed and socketfilterfw does not say whether its "
		             "firewall is on: that is for the organisation's administrators to "
		             "check."),
		           NULL);
		managed = false; /* already said */
		goto out;
	}
	if (state < 0) {
		probe_result_set_outcome(r, OUTCOME_ERROR);
		probe_result_summary(r, "%s",
		                     _("the answer of 'socketfilterfw --getglobalstate' was not "
		                       "understood"));
		probe_tail_lines(&r->evidence, "socketfilterfw: ", hr[Q_GLOBAL].err,
		                 hr[Q_GLOBAL].err_len, 4);
		goto out;
	}
	probe_result_fact(r, "firewall.state", "%s", state == 0 ? "off" : "on");
	if (hr[Q_BLOCKALL].status == HOST_OK)
		blockall = alf_parse_onoff(hr[Q_BLOCKALL].out, hr[Q_BLOCKALL].out_len);
	if (state == 2)
		blockall = 1; /* on for essential services only */
	if (hr[Q_STEALTH].status == HOST_OK)
		stealth = alf_parse_onoff(hr[Q_STEALTH].out, hr[Q_STEALTH].out_len);
	if (blockall >= 0)
		probe_result_fact(r, "firewall.blockall", "%s", blockall ? "on" : "off");
	if (stealth >= 0)
		probe_result_fact(r, "firewall.stealth", "%s", stealth ? "on" : "off");

	if (state == 0) {
		probe_result_set_outcome(r, "off");
		probe_result_summary(r,
		                     _("The macOS application firewall is off, so it does not "
		                       "keep %s from answering."),
		                     app);
		goto out;
	}
	if (stealth == 1)
		probe_result_evidence(r, "%s",
		                      _("stealth mode is on: this Mac does not answer ping, so a "
		                        "ping from an instance to the host proves nothing"));
	if (blockall == 1) {
		if (state != 2)
			alf_evidence(r, Q_BLOCKALL, &hr[Q_BLOCKALL]);
		probe_result_set_outcome(r, "blocked");
		probe_result_summary(
		    r,
		    _("The firewall blocks all incoming connections, so %s cannot answer the "
		      "instances: turn off \"Block all incoming connections\" in System Settings > "
		      "Network > Firewall > Options, or run 'sudo %s --setblockall off'."),
		    app, SOCKETFILTERFW);
		app_fact(r, app, &hr[Q_LISTAPPS], &apps);
		goto out;
	}
	if (alf_unusable(r, Q_BLOCKALL, &hr[Q_BLOCKALL]))
		goto out;
	if (blockall < 0)
		probe_result_evidence(r, "%s", _("the block-all setting could not be read"));
	else
		alf_evidence(r, Q_BLOCKALL, &hr[Q_BLOCKALL]);

	if (alf_unusable(r, Q_LISTAPPS, &hr[Q_LISTAPPS]))
		goto out;
	if (alf_parse_listapps(hr[Q_LISTAPPS].out, hr[Q_LISTAPPS].out_len, &apps) != 0) {
		alf_evidence(r, Q_LISTAPPS, &hr[Q_LISTAPPS]);
		if (alf_managed(&hr[Q_LISTAPPS])) {
			unreadable(
			    r,
			    _("The firewall is on, but this Mac is managed and socketfilterfw "
			      "does not list its applications: whether bootpd is allowed is "
			      "for the organisation's administrators to check."),
			    NULL);
			managed = false; /* already said */
		} else {
			probe_result_set_outcome(r, OUTCOME_ERROR);
			probe_result_summary(r, "%s",
			                     _("the answer of 'socketfilterfw --listapps' was not "
			                       "understood"));
		}
		goto out;
	}
	app_decision(r, app, &apps);
out:
	if (managed && r->outcome != NULL && strcmp(r->outcome, OUTCOME_ERROR) != 0 &&
	    strcmp(r->outcome, "off") != 0 && strcmp(r->outcome, "allowed") != 0)
		add_managed_note(r);
	alf_apps_free(&apps);
	for (int q = 0; q < Q_COUNT; q++)
		host_result_free(&hr[q]);
	return 0;
}

/* ---- Linux ------------------------------------------------------------------ */

enum src_state { SRC_UNTRIED, SRC_MISSING, SRC_DENIED, SRC_FAILED, SRC_READ };

struct fw_source {
	const char *name; /* the command, as evidence names it */
	const char *const *argv;
	bool nft;
	enum src_state state;
	struct fw_ruleset rs;
	bool extra; /* read for the DHCP check only (nft, when iptables showed Multipass) */
};

static const char *const argv_legacy[] = {"iptables-legacy-save", NULL};
static const char *const argv_nftsave[] = {"iptables-nft-save", NULL};
static const char *const argv_save[] = {"iptables-save", NULL};
static const char *const argv_nft[] = {"nft", "list", "ruleset", NULL};

enum { S_LEGACY, S_NFTSAVE, S_SAVE, S_NFT, S_COUNT };

/* The iptables command that changes what a source lists, for the fix's wording. */
static const char *
source_tool(int i)
{
	switch (i) {
	case S_LEGACY:
		return "iptables-legacy";
	case S_NFTSAVE:
		return "iptables-nft";
	case S_SAVE:
		return "iptables";
	default:
		return "nft";
	}
}

static bool
says_denied(const struct host_result *hr)
{
	char *s = xasprintf("%s\n%s", hr->out, hr->err);
	bool d = str_contains_folded(s, "permission denied") ||
	         str_contains_folded(s, "must be root") ||
	         str_contains_folded(s, "operation not permitted");

	free(s);
	return d;
}

/* Runs one listing. Returns -1 when the probe must end (the snapshot lacks it). */
static int
read_source(const struct probe_ctx *ctx, struct fw_source *src, struct probe_result *r)
{
	struct host_run_opts opts = {0};
	struct host_result hr;
	int rc = 0;

	opts.timeout_ms = step_timeout(ctx);
	opts.max_output = MAX_LISTING;
	host_run(ctx->host, src->argv, &opts, &hr);
	switch (hr.status) {
	case HOST_OK:
		break;
	case HOST_NO_SUCH:
		src->state = SRC_MISSING;
		goto out;
	case HOST_DENIED:
		src->state = SRC_DENIED;
		probe_result_evidence(r, "%s: %s", src->name, hr.message);
		goto out;
	case HOST_NOT_COLLECTED:
		if (src->extra) /* a snapshot taken before it was asked for */
			goto out;
		fail_with(r, &hr);
		rc = -1;
		goto out;
	default:
		src->state = SRC_FAILED;
		probe_result_evidence(r, "%s: %s", src->name, hr.message);
		goto out;
	}
	if (hr.exit_code != 0) {
		char *prefix = xasprintf("%s: ", src->name);

		src->state = says_denied(&hr) ? SRC_DENIED : SRC_FAILED;
		probe_tail_lines(&r->evidence, prefix, hr.err, hr.err_len, 2);
		free(prefix);
		goto out;
	}
	if ((src->nft ? fw_parse_nft_ruleset(hr.out, hr.out_len, &src->rs)
	              : fw_parse_iptables_save(hr.out, hr.out_len, &src->rs)) != 0) {
		src->state = SRC_FAILED;
		probe_result_evidence(r, _("%s: its output was not understood"), src->name);
		goto out;
	}
	src->state = SRC_READ;
	if (hr.truncated)
		probe_result_evidence(r, _("%s: only the first %d MiB of its output were read"),
		                      src->name, MAX_LISTING / (1024 * 1024));
out:
	host_result_free(&hr);
	return rc;
}

static bool
shows_multipass(const struct fw_source *src, const char *prefix)
{
	struct strlist b = STRLIST_INIT;
	bool yes;

	if (src->state != SRC_READ)
		return false;
	fw_ruleset_bridges(&src->rs, prefix, &b);
	yes = b.n > 0;
	strlist_free(&b);
	return yes;
}

static void
rule_evidence(struct probe_result *r, const struct fw_source *src, const struct fw_rule *rule)
{
	probe_result_evidence(r, "%s:%zu: %s", src->name, rule->line, rule->text);
}

struct bridge_verdict {
	const char *outcome; /* "ok", "rules_missing", "forward_blocked", or NULL: nothing read */
	int best;            /* the source holding the most of its rules; -1 none */
	struct fw_bridge_rules br;
	int blocking_src; /* the source whose policy drops its traffic; -1 none */
	const struct fw_policy *blocking;
	struct strbuf missing; /* what is missing, for the summary */
};

static void
judge_bridge(struct fw_source *src, const char *bridge, struct bridge_verdict *v)
{
	int best_score = -1;

	memset(v, 0, sizeof *v);
	v->best = -1;
	v->blocking_src = -1;
	for (int i = 0; i < S_COUNT; i++) {
		struct fw_bridge_rules br;
		int score;

		if (src[i].state != SRC_READ || src[i].extra)
			continue;
		fw_bridge_rules(&src[i].rs, bridge, &br);
		score = (br.fwd_out != NULL) + (br.fwd_in != NULL) + (br.masquerade != NULL);
		score = score * 1000 + (int)(br.nrules < 999 ? br.nrules : 999);
		if (score > best_score) {
			best_score = score;
			v->best = i;
			v->br = br;
		}
	}
	if (v->best < 0)
		return;
	if (v->br.fwd_out == NULL)
		strbuf_addf(&v->missing, _("FORWARD accept of traffic from %s"), bridge);
	if (v->br.fwd_in == NULL)
		strbuf_addf(&v->missing, _("%sFORWARD accept of replies to %s"),
		            v->missing.len > 0 ? ", " : "", bridge);
	if (v->br.masquerade == NULL) {
		if (v->br.subnet[0] != '\0')
			strbuf_addf(&v->missing, _("%sNAT MASQUERADE of %s"),
			            v->missing.len > 0 ? ", " : "", v->br.subnet);
		else
			strbuf_addf(&v->missing, _("%sNAT MASQUERADE of the instances' subnet"),
			            v->missing.len > 0 ? ", " : "");
	}
	if (v->missing.len > 0) {
		v->outcome = "rules_missing";
		return;
	}
	/* Complete: does a forward chain somewhere drop it all the same? */
	if (v->br.blocking != NULL) {
		v->blocking = v->br.blocking;
		v->blocking_src = v->best;
	}
	for (int i = 0; i < S_COUNT && v->blocking == NULL; i++) {
		if (i == v->best || src[i].state != SRC_READ || src[i].extra)
			continue;
		/* nft's listing shows iptables-nft's tables again: not another backend. */
		if ((i == S_NFT && v->best == S_NFTSAVE) || (i == S_NFTSAVE && v->best == S_NFT))
			continue;
		if ((v->blocking = fw_blocking_policy(&src[i].rs, bridge)) != NULL)
			v->blocking_src = i;
	}
	v->outcome = v->blocking != NULL ? "forward_blocked" : "ok";
}

static int
outcome_rank(const char *o)
{
	if (o == NULL)
		return 0;
	if (strcmp(o, "rules_missing") == 0)
		return 3;
	if (strcmp(o, "forward_blocked") == 0)
		return 2;
	return 1;
}

/*
 * Whether the host has an interface of that name: 1 yes, 0 no, -1 unknown
 * (the listing of all of them, so a snapshot holds it whatever the bridge).
 */
static int
interface_exists(const struct probe_ctx *ctx, const char *name)
{
	struct host_result hr;
	int found = -1;

	if (host_list_dir(ctx->host, SYS_CLASS_NET, &hr) == 0) {
		const char *p = hr.out;
		size_t nl = strlen(name);

		found = 0;
		while (*p != '\0') {
			size_t n = strcspn(p, "\n");

			if (n == nl && strncmp(p, name, n) == 0)
				found = 1;
			p += n + (p[n] == '\n');
		}
	}
	host_result_free(&hr);
	return found;
}

/* No rule for the bridge anywhere: which listings were read, and is the bridge there at all? */
static void
report_none(const struct probe_ctx *ctx, struct probe_result *r, const struct fw_source *src,
            const char *bridge)
{
	struct strbuf read = STRBUF_INIT;

	for (int i = 0; i < S_COUNT; i++) {
		if (src[i].state == SRC_READ && !src[i].extra)
			strbuf_addf(&read, "%s%s (%zu rules)", read.len > 0 ? ", " : "",
			            src[i].name, src[i].rs.nrules);
	}
	probe_result_evidence(r, _("no rule for %s in: %s"), bridge, read.buf);
	strbuf_free(&read);
	if (interface_exists(ctx, bridge) == 0) {
		probe_result_evidence(r, _("there is no interface %s on this host"), bridge);
		probe_result_summary(
		    r,
		    _("None of Multipass's firewall rules for %s are there, and neither is the "
		      "bridge itself: multipassd is not running, or does not use the QEMU driver "
		      "('multipass get local.driver'), or names its bridge otherwise (give "
		      "bridge=)."),
		    bridge);
		return;
	}
	probe_result_summary(
	    r,
	    _("None of Multipass's firewall rules for %s are there, so the instances cannot reach "
	      "past the host (and may get no address): restart the daemon ('sudo snap restart "
	      "multipass') to make them again, and look for what removed them (a firewall "
	      "service, Docker, a script that flushes rules)."),
	    bridge);
}

static void
report_bridge(const struct probe_ctx *ctx, struct probe_result *r, struct fw_source *src,
              const char *bridge, const struct bridge_verdict *v)
{
	const struct fw_source *b = &src[v->best];

	probe_result_fact(r, "firewall.bridge", "%s", bridge);
	if (v->br.nrules > 0)
		probe_result_fact(r, "firewall.backend", "%s", source_tool(v->best));
	if (v->br.subnet[0] != '\0')
		probe_result_fact(r, "firewall.subnet", "%s", v->br.subnet);
	probe_result_set_outcome(r, v->outcome);
	if (strcmp(v->outcome, "rules_missing") == 0) {
		if (v->br.nrules == 0) {
			report_none(ctx, r, src, bridge);
			return;
		}
		probe_result_summary(
		    r,
		    _("Multipass's firewall rules for %s are incomplete (missing: %s), so the "
		      "instances cannot reach past the host: restart the daemon ('sudo snap "
		      "restart multipass') to make them again, and look for what removed them."),
		    bridge, v->missing.buf);
		probe_result_evidence(r, _("%s: missing %s"), b->name, v->missing.buf);
	} else if (strcmp(v->outcome, "forward_blocked") == 0) {
		const struct fw_source *bs = &src[v->blocking_src];
		const struct fw_policy *pol = v->blocking;

		if (v->blocking_src == S_NFT)
			probe_result_summary(
			    r,
			    _("Multipass's rules for %s are in place, but chain %s of table %s %s "
			      "drops forwarded traffic by policy and accepts none of %s's: add "
			      "accepts "
			      "there ('sudo nft insert rule %s %s %s iifname %s accept', and the "
			      "same "
			      "with oifname)."),
			    bridge, pol->chain, pol->family, pol->table, bridge, pol->family,
			    pol->table, pol->chain, bridge);
		else
			probe_result_summary(
			    r,
			    _("Multipass's rules for %s are in %s, but %s's FORWARD chain drops "
			      "forwarded traffic by policy (Docker sets it so) and accepts none of "
			      "%s's: "
			      "allow it there ('sudo %s -I FORWARD -i %s -j ACCEPT' and 'sudo %s "
			      "-I "
			      "FORWARD -o %s -j ACCEPT', or the same in DOCKER-USER)."),
			    bridge, source_tool(v->best), source_tool(v->blocking_src), bridge,
			    source_tool(v->blocking_src), bridge, source_tool(v->blocking_src),
			    bridge);
		probe_result_evidence(r, "%s:%zu: %s", bs->name, pol->line, pol->text);
	} else {
		probe_result_summary(
		    r, _("Multipass's forward and NAT rules for %s are in place (%s)."), bridge,
		    source_tool(v->best));
	}
	if (v->br.fwd_out != NULL)
		rule_evidence(r, b, v->br.fwd_out);
	if (v->br.fwd_in != NULL)
		rule_evidence(r, b, v->br.fwd_in);
	if (v->br.masquerade != NULL)
		rule_evidence(r, b, v->br.masquerade);
	if (v->br.dhcp != NULL)
		rule_evidence(r, b, v->br.dhcp);
	else if (v->br.nrules > 0)
		probe_result_evidence(r, _("%s: no INPUT rule accepts DHCP (udp 67) on %s"),
		                      b->name, bridge);
}

/* The first listing whose input path drops bridge's DHCP requests, and how; -1 none. */
static int
judge_dhcp(const struct fw_source *src, const char *bridge, struct fw_dhcp_drop *d)
{
	for (int i = 0; i < S_COUNT; i++) {
		if (src[i].state == SRC_READ && fw_dhcp_blocked(&src[i].rs, bridge, d))
			return i;
	}
	memset(d, 0, sizeof *d);
	return -1;
}

/* What the forward rules would have said, as evidence beside the DHCP drop. */
static void
dhcp_other_finding(struct probe_result *r, struct fw_source *src, const char *bridge,
                   const struct bridge_verdict *v)
{
	const struct fw_source *b;

	if (v->outcome == NULL)
		return;
	b = &src[v->best];
	if (v->br.nrules > 0)
		probe_result_fact(r, "firewall.backend", "%s", source_tool(v->best));
	if (v->br.subnet[0] != '\0')
		probe_result_fact(r, "firewall.subnet", "%s", v->br.subnet);
	if (strcmp(v->outcome, "rules_missing") == 0 && v->br.nrules == 0)
		probe_result_evidence(r, _("besides: no Multipass rule for %s in any listing"),
		                      bridge);
	else if (strcmp(v->outcome, "rules_missing") == 0)
		probe_result_evidence(
		    r, _("besides: Multipass's rules for %s are incomplete (%s: missing %s)"),
		    bridge, b->name, v->missing.buf);
	else if (strcmp(v->outcome, "forward_blocked") == 0)
		probe_result_evidence(
		    r, _("besides: a forward chain drops %s's traffic by policy (%s:%zu: %s)"),
		    bridge, src[v->blocking_src].name, v->blocking->line, v->blocking->text);
	else
		probe_result_evidence(r,
		                      _("besides: Multipass's forward and NAT rules for %s are in "
		                        "place (%s)"),
		                      bridge, source_tool(v->best));
	if (v->br.dhcp != NULL)
		rule_evidence(r, b, v->br.dhcp);
}

static void
report_dhcp(struct probe_result *r, struct fw_source *src, const char *bridge, int ds,
            const struct fw_dhcp_drop *d)
{
	const struct fw_source *s = &src[ds];
	struct bridge_verdict v;

	probe_result_set_outcome(r, "dhcp_blocked");
	probe_result_fact(r, "firewall.bridge", "%s", bridge);
	if (d->rule != NULL) {
		const struct fw_rule *x = d->rule;

		probe_result_fact(r, "firewall.dhcp_rule", "%s", x->text);
		rule_evidence(r, s, x);
		if (!s->nft)
			probe_result_summary(
			    r,
			    _("A firewall rule on this host (%s, chain %s) drops or rejects the "
			      "instances' DHCP requests (UDP port 67) on %s before dnsmasq gets "
			      "them, "
			      "so they get no address: delete it ('sudo %s -D %s'), or accept them "
			      "ahead of it ('sudo %s -I INPUT -i %s -p udp --dport 67 -j ACCEPT'). "
			      "If "
			      "a firewall service (ufw, firewalld) made the rule, change it there, "
			      "or "
			      "it comes back."),
			    source_tool(ds), x->chain, bridge, source_tool(ds),
			    x->text + (strncmp(x->text, "-A ", 3) == 0 ? 3 : 0), source_tool(ds),
			    bridge);
		else
			probe_result_summary(
			    r,
			    _("A firewall rule on this host (nft, chain %s of table %s %s) drops "
			      "or "
			      "rejects the instances' DHCP requests (UDP port 67) on %s before "
			      "dnsmasq gets them, so they get no address: delete it (its handle is "
			      "in 'sudo nft -a list chain %s %s %s'; then 'sudo nft delete rule %s "
			      "%s "
			      "%s handle N'), or accept them ahead of it in the same chain ('sudo "
			      "nft "
			      "insert rule %s %s %s iifname %s udp dport 67 accept'). If a "
			      "firewall "
			      "service (ufw, firewalld) made the rule, change it there, or it "
			      "comes "
			      "back."),
			    x->chain, x->family, x->table, bridge, x->family, x->table, x->chain,
			    x->family, x->table, x->chain, x->family, x->table, x->chain, bridge);
	} else {
		const struct fw_policy *p = d->policy;

		probe_result_fact(r, "firewall.dhcp_rule", "%s", p->text);
		probe_result_evidence(r, "%s:%zu: %s", s->name, p->line, p->text);
		if (!s->nft)
			probe_result_summary(
			    r,
			    _("The INPUT chain of %s drops by policy what it does not accept, and "
			      "nothing in it accepts the instances' DHCP requests (UDP port 67) on "
			      "%s, so they get no address: accept them ('sudo %s -I INPUT -i %s -p "
			      "udp --dport 67 -j ACCEPT'; with ufw: 'sudo ufw allow in on %s to "
			      "any "
			      "port 67 proto udp')."),
			    source_tool(ds), bridge, source_tool(ds), bridge, bridge);
		else
			probe_result_summary(
			    r,
			    _("Chain %s of table %s %s drops by policy what it does not accept, "
			      "and "
			      "nothing in it accepts the instances' DHCP requests (UDP port 67) on "
			      "%s, so they get no address: accept them there ('sudo nft insert "
			      "rule "
			      "%s %s %s iifname %s udp dport 67 accept')."),
			    p->chain, p->family, p->table, bridge, p->family, p->table, p->chain,
			    bridge);
	}
	judge_bridge(src, bridge, &v);
	dhcp_other_finding(r, src, bridge, &v);
	strbuf_free(&v.missing);
}

/* Legacy tables exist that no installed tool can list: the nft view's warning, or /proc. */
static int
legacy_hidden(const struct probe_ctx *ctx, struct fw_source *src, struct probe_result *r,
              bool *hidden)
{
	struct host_result hr;
	int rc = 0;

	*hidden = src[S_NFTSAVE].state == SRC_READ && src[S_NFTSAVE].rs.legacy_present;
	if (*hidden || src[S_LEGACY].state != SRC_MISSING ||
	    (src[S_SAVE].state != SRC_MISSING && src[S_SAVE].state != SRC_UNTRIED))
		return 0;
	host_read_file(ctx->host, IP_TABLES_NAMES, 4096, &hr);
	if (hr.status == HOST_NOT_COLLECTED) {
		fail_with(r, &hr);
		rc = -1;
	} else if (hr.status == HOST_OK && hr.out_len > 0) {
		*hidden = true;
	}
	host_result_free(&hr);
	return rc;
}

static int
firewall_linux(const struct params *p, const struct probe_ctx *ctx, struct probe_result *r)
{
	const struct platform_info *pi = platform_info(host_os(ctx->host));
	const char *prefix = pi != NULL ? pi->bridge_prefix : NULL;
	struct fw_source src[S_COUNT] = {
	    {"iptables-legacy-save", argv_legacy, false, SRC_UNTRIED, {0}, false},
	    {"iptables-nft-save", argv_nftsave, false, SRC_UNTRIED, {0}, false},
	    {"iptables-save", argv_save, false, SRC_UNTRIED, {0}, false},
	    {"nft list ruleset", argv_nft, true, SRC_UNTRIED, {0}, false},
	};
	struct strlist bridges = STRLIST_INIT;
	struct bridge_verdict worst;
	int worst_i = -1;
	bool found = false, any_read = false, any_denied = false, hidden = false;

	memset(&worst, 0, sizeof worst);
	/* Fixed command lines, in a fixed order, whatever the bridge asked about. */
	if (read_source(ctx, &src[S_LEGACY], r) != 0 || read_source(ctx, &src[S_NFTSAVE], r) != 0)
		goto out;
	if (src[S_LEGACY].state == SRC_MISSING && src[S_NFTSAVE].state == SRC_MISSING &&
	    read_source(ctx, &src[S_SAVE], r) != 0)
		goto out;
	for (int i = 0; i < S_NFT; i++)
		found = found || shows_multipass(&src[i], prefix);
	if (!found && read_source(ctx, &src[S_NFT], r) != 0)
		goto out;
	found = found || shows_multipass(&src[S_NFT], prefix);
	if (found && src[S_NFT].state == SRC_UNTRIED) {
		/* For the DHCP check alone: nft's own tables hold no Multipass rule. */
		src[S_NFT].extra = true;
		read_source(ctx, &src[S_NFT], r);
	}
	if (!found && legacy_hidden(ctx, src, r, &hidden) != 0)
		goto out;
	for (int i = 0; i < S_COUNT; i++) {
		if (src[i].extra)
			continue;
		any_read = any_read || src[i].state == SRC_READ;
		any_denied = any_denied || src[i].state == SRC_DENIED;
	}

	if (params_get(p, "bridge") != NULL) {
		strlist_add(&bridges, params_get(p, "bridge"));
	} else {
		for (int i = 0; i < S_COUNT; i++) {
			if (src[i].state == SRC_READ && !src[i].extra)
				fw_ruleset_bridges(&src[i].rs, prefix, &bridges);
		}
		if (bridges.n == 0 && pi != NULL && pi->bridge != NULL)
			strlist_add(&bridges, pi->bridge);
	}
	if (!any_read) {
		if (any_denied) {
			unreadable(r,
			           _("The firewall rules cannot be read without root: run vmtriage "
			             "with sudo."),
			           NULL);
		} else {
			probe_result_set_outcome(r, OUTCOME_ERROR);
			probe_result_summary(
			    r, "%s",
			    _("No firewall listing could be read: neither "
			      "iptables-save nor nft is installed, or both failed."));
			probe_result_evidence(r, "%s",
			                      _("iptables-legacy-save, iptables-nft-save, "
			                        "iptables-save and nft: none gave a listing"));
		}
		goto out;
	}

	for (size_t k = 0; k < bridges.n; k++) {
		struct bridge_verdict v;

		judge_bridge(src, bridges.v[k], &v);
		if (worst_i < 0 || outcome_rank(v.outcome) > outcome_rank(worst.outcome)) {
			strbuf_free(&worst.missing);
			worst = v;
			worst_i = (int)k;
		} else {
			strbuf_free(&v.missing);
		}
	}
	/* DHCP dies first: a drop of it outranks whatever the forward rules say. */
	for (size_t k = 0; k < bridges.n; k++) {
		struct fw_dhcp_drop drop;
		int ds = judge_dhcp(src, bridges.v[k], &drop);

		if (ds < 0)
			continue;
		for (size_t o = 0; o < bridges.n; o++) {
			if (o != k)
				probe_result_evidence(r, _("bridge %s was looked at too"),
				                      bridges.v[o]);
		}
		report_dhcp(r, src, bridges.v[k], ds, &drop);
		goto out;
	}
	if (worst.outcome == NULL || (worst.br.nrules == 0 && (any_denied || hidden))) {
		const char *bridge = bridges.v[worst_i];

		probe_result_fact(r, "firewall.bridge", "%s", bridge);
		if (hidden) {
			probe_result_set_outcome(r, OUTCOME_ERROR);
			probe_result_summary(r,
			                     _("Legacy iptables tables hold rules that no "
			                       "installed tool can list, and "
			                       "Multipass may have put its rules for %s there: "
			                       "install iptables (for "
			                       "iptables-legacy-save) and look again."),
			                     bridge);
			probe_result_evidence(r, "%s",
			                      _("legacy iptables tables exist, and "
			                        "iptables-legacy-save is not installed"));
		} else {
			unreadable(r,
			           _("Some firewall listings cannot be read without root, and the "
			             "others hold no Multipass rule: run vmtriage with sudo."),
			           NULL);
		}
		goto out;
	}
	for (size_t k = 0; k < bridges.n; k++) {
		if ((int)k != worst_i)
			probe_result_evidence(r, _("bridge %s was looked at too"), bridges.v[k]);
	}
	report_bridge(ctx, r, src, bridges.v[worst_i], &worst);
out:
	strbuf_free(&worst.missing);
	strlist_free(&bridges);
	for (int i = 0; i < S_COUNT; i++)
		fw_ruleset_free(&src[i].rs);
	return 0;
}

/* ---- the probe ---------------------------------------------------------------- */

static int
probe_firewall_run(const struct params *p, const struct probe_ctx *ctx, struct probe_result *r)
{
	const char *os = host_os(ctx->host);

	if (strcmp(os, "darwin") == 0)
		return firewall_darwin(p, ctx, r);
	if (strcmp(os, "linux") == 0)
		return firewall_linux(p, ctx, r);
	probe_result_set_outcome(r, OUTCOME_ERROR);
	if (strcmp(os, "windows") == 0) {
		probe_result_summary(r, "%s",
		                     _("The firewall is not looked at on Windows yet: check "
		                       "Windows Defender Firewall by hand (wf.msc) for rules "
		                       "that block Multipass or the Hyper-V switch."));
		probe_result_evidence(r, "%s",
		                      _("the firewall probe reads macOS and Linux firewalls only"));
	} else {
		probe_result_summary(r, _("The firewall probe does not know this OS (%s)."), os);
		probe_result_evidence(r, _("host OS: %s"), os);
	}
	return 0;
}

const struct probe_entry probe_firewall_entry = {
    .name = "firewall",
    .summary = N_("Whether the host firewall is in the instances' way: macOS's application "
                  "firewall and bootpd, or Multipass's iptables rules on Linux"),
    .params = firewall_params,
    .outcomes = firewall_outcomes,
    .facts = firewall_facts,
    .default_timeout_ms = 20000,
    .run = probe_firewall_run,
};
