/*
 * test-fwparse.c: the firewall probe's parsers on real-format fixtures
 * (tests/data/firewall: socketfilterfw answers, iptables-save and nft
 * listings of Multipass's own rules, and rules that drop the instances' DHCP
 * requests), and the probe end to end on macOS and Linux snapshot hosts,
 * every outcome of it.
 */
#include "config.h"

#include "cmocka-prelude.h"

#include <stdlib.h>
#include <string.h>

#include "host/host.h"
#include "host/snapshot.h"
#include "probe/fwparse.h"
#include "probe/probe.h"
#include "testutil.h"

#define SFW "/usr/libexec/ApplicationFirewall/socketfilterfw"
#define COMMENT "generated for Multipass network mpqemubr0"

/* ---- socketfilterfw ---------------------------------------------------------- */

static int
fixture_globalstate(const char *name)
{
	size_t len;
	char *s = fixture_read(name, &len);
	int v = alf_parse_globalstate(s, len);

	free(s);
	return v;
}

static int
fixture_onoff(const char *name)
{
	size_t len;
	char *s = fixture_read(name, &len);
	int v = alf_parse_onoff(s, len);

	free(s);
	return v;
}

static int
str_onoff(const char *s)
{
	return alf_parse_onoff(s, strlen(s));
}

static void
test_alf_states(void **state)
{
	const char *s;

	(void)state;
	assert_int_equal(fixture_globalstate("firewall/alf-globalstate.on"), 1);
	assert_int_equal(fixture_globalstate("firewall/alf-globalstate.off"), 0);
	s = "Firewall is enabled. (State = 2)\n";
	assert_int_equal(alf_parse_globalstate(s, strlen(s)), 2);
	s = "Firewall is enabled.\n";
	assert_int_equal(alf_parse_globalstate(s, strlen(s)), 1);
	s = "Firewall is enabled. (State = 9)\n";
	assert_int_equal(alf_parse_globalstate(s, strlen(s)), -1);
	assert_int_equal(fixture_globalstate("firewall/alf-managed"), -1);
	assert_int_equal(alf_parse_globalstate("", 0), -1);
	s = "Must be root to change settings.\n";
	assert_int_equal(alf_parse_globalstate(s, strlen(s)), -1);

	assert_int_equal(fixture_onoff("firewall/alf-blockall.on"), 1);
	assert_int_equal(fixture_onoff("firewall/alf-blockall.off"), 0);
	assert_int_equal(fixture_onoff("firewall/alf-blockall.on-old"), 1);
	assert_int_equal(fixture_onoff("firewall/alf-blockall.off-old"), 0);
	assert_int_equal(fixture_onoff("firewall/alf-stealth.on"), 1);
	assert_int_equal(fixture_onoff("firewall/alf-stealth.off"), 0);
	assert_int_equal(fixture_onoff("firewall/alf-stealth.on-old"), 1);
	assert_int_equal(fixture_onoff("firewall/alf-stealth.off-old"), 0);
	/* "... command line on managed Mac computers" holds "on": it must not count. */
	assert_int_equal(fixture_onoff("firewall/alf-managed"), -1);
	assert_int_equal(str_onoff("\n\nStealth mode disabled\n"), 0);
	assert_int_equal(str_onoff("nothing to say\n"), -1);
	assert_int_equal(str_onoff(""), -1);
	assert_int_equal(str_onoff("\n \n"), -1);

	s = "Firewall settings cannot be modified from command line on managed Mac computers\n";
	assert_true(alf_says_managed(s, strlen(s)));
	assert_false(alf_says_needs_root(s, strlen(s)));
	s = "Must be root to change settings.\n";
	assert_true(alf_says_needs_root(s, strlen(s)));
	assert_false(alf_says_managed(s, strlen(s)));
}

static void
listapps(const char *fixture, struct alf_apps *apps)
{
	size_t len;
	char *s = fixture_read(fixture, &len);

	assert_int_equal(alf_parse_listapps(s, len, apps), 0);
	free(s);
}

static void
test_alf_listapps(void **state)
{
	struct alf_apps apps;
	const struct alf_app *a;
	const char *s;

	(void)state;
	listapps("firewall/alf-listapps.bootpd-blocked", &apps);
	assert_int_equal(apps.total, 3);
	assert_int_equal(apps.n, 3);
	a = alf_apps_find(&apps, "/usr/libexec/bootpd");
	assert_non_null(a);
	assert_int_equal(a->allowed, 0);
	assert_int_equal(a->line, 3);
	assert_string_equal(a->text, "1 :  /usr/libexec/bootpd ( Block incoming connections )");
	/* A path with spaces, and a trailing '/' on either side. */
	a = alf_apps_find(&apps,
	                  "/Library/Application Support/com.canonical.multipass/bin/multipassd");
	assert_non_null(a);
	assert_int_equal(a->allowed, 1);
	assert_non_null(alf_apps_find(&apps, "/Applications/Multipass.app/"));
	assert_null(alf_apps_find(&apps, "/usr/libexec/boot"));
	alf_apps_free(&apps);

	listapps("firewall/alf-listapps.bootpd-allowed", &apps);
	assert_int_equal(alf_apps_find(&apps, "/usr/libexec/bootpd")->allowed, 1);
	alf_apps_free(&apps);

	listapps("firewall/alf-listapps.no-bootpd", &apps);
	assert_int_equal(apps.n, 2);
	assert_null(alf_apps_find(&apps, "/usr/libexec/bootpd"));
	alf_apps_free(&apps);

	listapps("firewall/alf-listapps.empty", &apps);
	assert_int_equal(apps.total, 0);
	assert_int_equal(apps.n, 0);
	alf_apps_free(&apps);

	listapps("firewall/alf-listapps.new-layout", &apps);
	assert_int_equal(apps.total, 9);
	assert_int_equal(apps.n, 9);
	assert_int_equal(alf_apps_find(&apps, "/usr/libexec/sshd-session")->allowed, 0);
	assert_int_equal(alf_apps_find(&apps, "/usr/sbin/smbd")->allowed, 1);
	assert_string_equal(alf_apps_find(&apps, "/usr/sbin/smbd")->text,
	                    "9 : /usr/sbin/smbd (Allow incoming connections)");
	alf_apps_free(&apps);

	/* A state on the path's own line. */
	s = "ALF: total number of apps = 1\n1 : /A.app ( Block incoming connections )\n";
	assert_int_equal(alf_parse_listapps(s, strlen(s), &apps), 0);
	assert_int_equal(alf_apps_find(&apps, "/A.app")->allowed, 0);
	alf_apps_free(&apps);

	/* Not listings. */
	s = "Firewall settings cannot be modified from command line on managed Mac computers\n";
	assert_int_equal(alf_parse_listapps(s, strlen(s), &apps), -1);
	assert_int_equal(apps.n, 0);
	assert_int_equal(alf_parse_listapps("", 0, &apps), -1);
	s = "1 :  /usr/libexec/bootpd\n";
	assert_int_equal(alf_parse_listapps(s, strlen(s), &apps), -1);
}

/* ---- iptables-save and nft --------------------------------------------------- */

static void
ruleset(const char *fixture, bool nft, struct fw_ruleset *rs)
{
	size_t len;
	char *s = fixture_read(fixture, &len);

	assert_int_equal(
	    nft ? fw_parse_nft_ruleset(s, len, rs) : fw_parse_iptables_save(s, len, rs), 0);
	free(s);
}

/* The complete set Multipass makes, as in firewall_config.cpp. */
static void
expect_complete(const struct fw_ruleset *rs, bool with_comments)
{
	struct fw_bridge_rules br;

	fw_bridge_rules(rs, "mpqemubr0", &br);
	assert_string_equal(br.subnet, "10.97.0.0/16");
	assert_non_null(br.fwd_out);
	assert_non_null(strstr(br.fwd_out->text, "10.97.0.0/16"));
	assert_string_equal(br.fwd_out->in, "mpqemubr0");
	assert_null(br.fwd_out->out);
	assert_non_null(br.fwd_in);
	assert_true(strstr(br.fwd_in->text, "related,established") != NULL ||
	            strstr(br.fwd_in->text, "RELATED,ESTABLISHED") != NULL);
	assert_non_null(br.masquerade);
	assert_string_equal(br.masquerade->source, "10.97.0.0/16");
	assert_string_equal(br.masquerade->target, "MASQUERADE");
	assert_string_equal(br.masquerade->hook, "postrouting");
	assert_non_null(br.dhcp);
	assert_null(br.blocking);
	if (with_comments)
		assert_string_equal(br.fwd_out->comment, COMMENT);
	/* Another bridge has none of it. */
	fw_bridge_rules(rs, "mpqemubr1", &br);
	assert_int_equal(br.nrules, 0);
	assert_null(br.fwd_out);
	assert_null(br.masquerade);
}

static void
test_iptables_save(void **state)
{
	struct fw_ruleset rs;
	struct strlist b = STRLIST_INIT;
	struct fw_bridge_rules br;

	(void)state;
	ruleset("firewall/iptables-nft-save.multipass", false, &rs);
	/* 3 INPUT, 5 FORWARD, 3 OUTPUT, 1 mangle, 5 nat; 12 built-in chains. */
	assert_int_equal(rs.nrules, 17);
	assert_int_equal(rs.npolicies, 12);
	assert_false(rs.legacy_present);
	expect_complete(&rs, true);
	fw_bridge_rules(&rs, "mpqemubr0", &br);
	assert_int_equal(br.nrules, 17);
	assert_string_equal(br.fwd_out->table, "filter");
	assert_string_equal(br.fwd_out->chain, "FORWARD");
	assert_string_equal(br.fwd_out->target, "ACCEPT");
	assert_int_equal(br.fwd_out->line, 20);
	assert_string_equal(br.masquerade->table, "nat");
	fw_ruleset_bridges(&rs, NULL, &b);
	lines_are(&b, W("mpqemubr0"));
	strlist_free(&b);
	fw_ruleset_free(&rs);

	ruleset("firewall/iptables-legacy-save.multipass", false, &rs);
	assert_int_equal(rs.nrules, 17);
	expect_complete(&rs, true);
	fw_ruleset_free(&rs);

	ruleset("firewall/iptables-nft-save.legacy-warning", false, &rs);
	assert_true(rs.legacy_present);
	assert_int_equal(rs.nrules, 0);
	fw_ruleset_free(&rs);

	/* Someone flushed nat POSTROUTING: forward rules stay, MASQUERADE is gone. */
	ruleset("firewall/iptables-nft-save.nat-missing", false, &rs);
	fw_bridge_rules(&rs, "mpqemubr0", &br);
	assert_non_null(br.fwd_out);
	assert_non_null(br.fwd_in);
	assert_null(br.masquerade);
	assert_string_equal(br.subnet, "10.97.0.0/16");
	fw_ruleset_free(&rs);

	/* Docker alone: nothing of Multipass, and FORWARD drops by policy. */
	ruleset("firewall/iptables-nft-save.docker", false, &rs);
	fw_ruleset_bridges(&rs, "mpqemubr", &b);
	assert_int_equal(b.n, 0);
	fw_bridge_rules(&rs, "mpqemubr0", &br);
	assert_int_equal(br.nrules, 0);
	assert_non_null(br.blocking);
	assert_string_equal(br.blocking->text, ":FORWARD DROP [0:0]");
	assert_string_equal(br.blocking->policy, "DROP");
	fw_ruleset_free(&rs);

	/* Docker and Multipass in one backend: Multipass's accepts come first. */
	ruleset("firewall/iptables-nft-save.docker-and-multipass", false, &rs);
	expect_complete(&rs, true);
	fw_ruleset_free(&rs);

	/* Docker on nft, Multipass on legacy: nft's FORWARD drops the bridge's traffic. */
	ruleset("firewall/iptables-nft-save.docker-and-legacy", false, &rs);
	assert_true(rs.legacy_present);
	assert_non_null(fw_blocking_policy(&rs, "mpqemubr0"));
	assert_null(fw_blocking_policy(&rs, "docker0"));
	fw_ruleset_free(&rs);
	ruleset("firewall/iptables-legacy-save.multipass-with-docker", false, &rs);
	expect_complete(&rs, true);
	fw_ruleset_free(&rs);
}

static void
test_nft_ruleset(void **state)
{
	struct fw_ruleset rs;
	struct strlist b = STRLIST_INIT;
	struct fw_bridge_rules br;

	(void)state;
	/* nft 1.0.6 drops iptables-nft's comments: the bridge is known by its name only. */
	ruleset("firewall/nft-ruleset.iptables-nft", true, &rs);
	assert_int_equal(rs.nrules, 17);
	fw_ruleset_bridges(&rs, NULL, &b);
	assert_int_equal(b.n, 0);
	fw_ruleset_bridges(&rs, "mpqemubr", &b);
	lines_are(&b, W("mpqemubr0"));
	strlist_free(&b);
	expect_complete(&rs, false);
	fw_bridge_rules(&rs, "mpqemubr0", &br);
	assert_string_equal(br.fwd_out->family, "ip");
	assert_string_equal(br.fwd_out->table, "filter");
	assert_string_equal(br.fwd_out->hook, "forward");
	assert_string_equal(
	    br.fwd_out->text,
	    "iifname \"mpqemubr0\" ip saddr 10.97.0.0/16  counter packets 0 bytes 0 "
	    "accept");
	assert_string_equal(br.masquerade->text,
	                    "ip saddr 10.97.0.0/16 ip daddr != 10.97.0.0/16  counter packets 0 "
	                    "bytes 0 masquerade");
	assert_string_equal(br.dhcp->target, "ACCEPT");
	fw_ruleset_free(&rs);

	/* Comments, and a table of its own whose forward chain drops by policy. */
	ruleset("firewall/nft-ruleset.comments", true, &rs);
	fw_ruleset_bridges(&rs, NULL, &b);
	lines_are(&b, W("mpqemubr0"));
	strlist_free(&b);
	fw_bridge_rules(&rs, "mpqemubr0", &br);
	assert_non_null(br.fwd_out);
	assert_non_null(br.fwd_in);
	assert_non_null(br.masquerade);
	assert_string_equal(br.masquerade->comment, COMMENT);
	assert_null(br.dhcp);
	assert_non_null(br.blocking);
	assert_string_equal(br.blocking->family, "inet");
	assert_string_equal(br.blocking->table, "filter");
	assert_string_equal(br.blocking->chain, "forward");
	assert_string_equal(br.blocking->text,
	                    "type filter hook forward priority filter; policy drop;");
	fw_ruleset_free(&rs);
}

static void
test_rule_syntax(void **state)
{
	struct fw_ruleset rs;
	const char *s;
	char *b;

	(void)state;
	/* A quoted comment with an escaped quote, a negated source, -g as a target. */
	s = "*filter\n:FORWARD ACCEPT [0:0]\n"
	    "-A FORWARD ! -s 10.0.0.0/8 -i br0 -m comment --comment \"a \\\"quoted\\\" word\" -g "
	    "X\n"
	    "COMMIT\n";
	assert_int_equal(fw_parse_iptables_save(s, strlen(s), &rs), 0);
	assert_int_equal(rs.nrules, 1);
	assert_null(rs.rules[0].source);
	assert_string_equal(rs.rules[0].in, "br0");
	assert_string_equal(rs.rules[0].comment, "a \"quoted\" word");
	assert_string_equal(rs.rules[0].target, "X");
	assert_int_equal(rs.npolicies, 1);
	fw_ruleset_free(&rs);

	/* nft: a negated interface is not the interface; a set over lines is skipped. */
	s = "table inet t {\n\tset s {\n\t\ttype ipv4_addr\n\t\telements = { 1.2.3.4,\n"
	    "\t\t\t     5.6.7.8 }\n\t}\n\tchain c {\n\t\ttype filter hook forward priority 0; "
	    "policy accept;\n\t\tiifname != \"mpqemubr0\" drop\n\t\tjump other\n\t}\n}\n";
	assert_int_equal(fw_parse_nft_ruleset(s, strlen(s), &rs), 0);
	assert_int_equal(rs.nrules, 2);
	assert_null(rs.rules[0].in);
	assert_string_equal(rs.rules[0].target, "DROP");
	assert_string_equal(rs.rules[1].target, "other");
	assert_int_equal(rs.npolicies, 1);
	assert_string_equal(rs.policies[0].policy, "ACCEPT");
	fw_ruleset_free(&rs);

	/* Not listings; an empty one is a listing of nothing. */
	s = "hello world\n";
	assert_int_equal(fw_parse_iptables_save(s, strlen(s), &rs), -1);
	assert_int_equal(fw_parse_nft_ruleset(s, strlen(s), &rs), -1);
	assert_int_equal(rs.nrules, 0);
	assert_int_equal(fw_parse_iptables_save("", 0, &rs), 0);
	assert_int_equal(fw_parse_nft_ruleset("", 0, &rs), 0);

	b = fw_multipass_comment_bridge(COMMENT);
	assert_string_equal(b, "mpqemubr0");
	free(b);
	assert_null(fw_multipass_comment_bridge("generated for Multipass network "));
	assert_null(fw_multipass_comment_bridge("generated for LXD network lxdbr0"));
	assert_null(fw_multipass_comment_bridge(NULL));
}

/* ---- the probe on macOS snapshots -------------------------------------------- */

static void
add_sfw(struct snapshot *s, const char *option, const char *fixture)
{
	size_t len = 0;
	char *text = NULL;

	if (fixture == NULL)
		return;
	text = fixture_read(fixture, &len);
	snapshot_add_command(s, W(SFW, option), HOST_OK, 0, text, len, "", 0);
	free(text);
}

/* A Mac whose socketfilterfw gave these four answers (fixture names; NULL: not collected). */
static struct snapshot *
mac(const char *global, const char *blockall, const char *stealth, const char *apps)
{
	struct snapshot *s = snapshot_new("darwin", "arm64", 1727000000);

	add_sfw(s, "--getglobalstate", global);
	add_sfw(s, "--getblockall", blockall);
	add_sfw(s, "--getstealthmode", stealth);
	add_sfw(s, "--listapps", apps);
	return s;
}

/* Runs the probe on s with app (NULL: the default), and frees s. */
static void
run_mac(struct snapshot *s, const char *app, struct probe_result *r)
{
	struct host *h = host_snapshot(s);

	run_probe_on(h, r, "firewall", "app", app, NULL);
	host_close(h);
	snapshot_free(s);
}

static void
test_mac_off_and_allowed(void **state)
{
	struct probe_result r;

	(void)state;
	run_mac(mac("firewall/alf-globalstate.off", "firewall/alf-blockall.off",
	            "firewall/alf-stealth.off", "firewall/alf-listapps.bootpd-blocked"),
	        NULL, &r);
	assert_string_equal(r.outcome, "off");
	assert_string_equal(result_fact(&r, "firewall.state"), "off");
	assert_string_equal(result_fact(&r, "firewall.blockall"), "off");
	assert_string_equal(result_fact(&r, "firewall.stealth"), "off");
	assert_null(result_fact(&r, "firewall.managed"));
	assert_true(lines_have_exact(&r.evidence,
	                             "socketfilterfw --getglobalstate: Firewall is disabled. "
	                             "(State = 0)"));
	assert_non_null(strstr(r.summary, "is off"));
	probe_result_free(&r);

	run_mac(mac("firewall/alf-globalstate.on", "firewall/alf-blockall.off",
	            "firewall/alf-stealth.on", "firewall/alf-listapps.bootpd-allowed"),
	        NULL, &r);
	assert_string_equal(r.outcome, "allowed");
	assert_string_equal(result_fact(&r, "firewall.state"), "on");
	assert_string_equal(result_fact(&r, "firewall.app"), "allowed");
	assert_string_equal(result_fact(&r, "firewall.stealth"), "on");
	assert_true(lines_have(&r.evidence, "/usr/libexec/bootpd ( Allow incoming connections )"));
	assert_true(lines_have(&r.evidence, "stealth mode is on"));
	probe_result_free(&r);

	/* Older wording of the same answers. */
	run_mac(mac("firewall/alf-globalstate.on", "firewall/alf-blockall.off-old",
	            "firewall/alf-stealth.off-old", "firewall/alf-listapps.bootpd-allowed"),
	        NULL, &r);
	assert_string_equal(r.outcome, "allowed");
	assert_string_equal(result_fact(&r, "firewall.blockall"), "off");
	assert_string_equal(result_fact(&r, "firewall.stealth"), "off");
	probe_result_free(&r);
}

static void
test_mac_blocked(void **state)
{
	struct probe_result r;
	struct snapshot *s;

	(void)state;
	run_mac(mac("firewall/alf-globalstate.on", "firewall/alf-blockall.off",
	            "firewall/alf-stealth.off", "firewall/alf-listapps.bootpd-blocked"),
	        NULL, &r);
	assert_string_equal(r.outcome, "blocked");
	assert_string_equal(result_fact(&r, "firewall.app"), "blocked");
	assert_string_equal(result_fact(&r, "firewall.blockall"), "off");
	assert_true(lines_have_exact(&r.evidence, "socketfilterfw --listapps: 1 :  "
	                                          "/usr/libexec/bootpd ( Block incoming "
	                                          "connections )"));
	assert_non_null(strstr(r.summary, SFW " --unblock /usr/libexec/bootpd"));
	probe_result_free(&r);

	/* The same snapshot answers for another app: what is asked does not depend on it. */
	run_mac(mac("firewall/alf-globalstate.on", "firewall/alf-blockall.off",
	            "firewall/alf-stealth.off", "firewall/alf-listapps.bootpd-blocked"),
	        "/Applications/Multipass.app", &r);
	assert_string_equal(r.outcome, "allowed");
	probe_result_free(&r);

	/* Block-all decides whatever the list says; the app's entry is still a fact. */
	run_mac(mac("firewall/alf-globalstate.on", "firewall/alf-blockall.on",
	            "firewall/alf-stealth.off", "firewall/alf-listapps.bootpd-allowed"),
	        NULL, &r);
	assert_string_equal(r.outcome, "blocked");
	assert_string_equal(result_fact(&r, "firewall.blockall"), "on");
	assert_string_equal(result_fact(&r, "firewall.app"), "allowed");
	assert_true(lines_have(&r.evidence, "block all state set to enabled"));
	assert_non_null(strstr(r.summary, "--setblockall off"));
	assert_non_null(strstr(r.summary, "/usr/libexec/bootpd cannot answer"));
	probe_result_free(&r);

	/* State 2, on for essential services only, blocks all too. */
	s = mac(NULL, "firewall/alf-blockall.off", "firewall/alf-stealth.off",
	        "firewall/alf-listapps.bootpd-allowed");
	snapshot_add_command(s, W(SFW, "--getglobalstate"), HOST_OK, 0,
	                     "Firewall is enabled. (State = 2)\n", 33, "", 0);
	run_mac(s, NULL, &r);
	assert_string_equal(r.outcome, "blocked");
	assert_string_equal(result_fact(&r, "firewall.blockall"), "on");
	probe_result_free(&r);

	/* The newer --listapps layout. */
	run_mac(mac("firewall/alf-globalstate.on", "firewall/alf-blockall.off",
	            "firewall/alf-stealth.off", "firewall/alf-listapps.new-layout"),
	        "/usr/libexec/sshd-session", &r);
	assert_string_equal(r.outcome, "blocked");
	probe_result_free(&r);
}

static void
test_mac_not_listed(void **state)
{
	struct probe_result r;

	(void)state;
	run_mac(mac("firewall/alf-globalstate.on", "firewall/alf-blockall.off",
	            "firewall/alf-stealth.off", "firewall/alf-listapps.no-bootpd"),
	        NULL, &r);
	assert_string_equal(r.outcome, "not_listed");
	assert_string_equal(result_fact(&r, "firewall.app"), "not_listed");
	assert_non_null(strstr(r.summary, SFW " --add /usr/libexec/bootpd"));
	assert_non_null(strstr(r.summary, SFW " --unblock /usr/libexec/bootpd"));
	assert_true(
	    lines_have(&r.evidence, "2 application(s), /usr/libexec/bootpd not among them"));
	assert_null(strstr(r.summary, ". "));
	probe_result_free(&r);

	run_mac(mac("firewall/alf-globalstate.on", "firewall/alf-blockall.off",
	            "firewall/alf-stealth.off", "firewall/alf-listapps.empty"),
	        NULL, &r);
	assert_string_equal(r.outcome, "not_listed");
	probe_result_free(&r);
}

static void
test_mac_managed_and_unreadable(void **state)
{
	struct probe_result r;
	struct snapshot *s;

	(void)state;
	/* The list refused on a managed Mac: it cannot be known, and the summary says why. */
	run_mac(mac("firewall/alf-globalstate.on", "firewall/alf-blockall.off",
	            "firewall/alf-stealth.off", "firewall/alf-managed"),
	        NULL, &r);
	assert_string_equal(r.outcome, "unreadable");
	assert_string_equal(result_fact(&r, "firewall.managed"), "yes");
	assert_non_null(strstr(r.summary, "managed"));
	assert_true(lines_have(&r.evidence, "managed Mac computers"));
	probe_result_free(&r);

	/* Managed, and bootpd blocked: the outcome stands, with a word about who can change it. */
	run_mac(mac("firewall/alf-globalstate.on", "firewall/alf-blockall.off",
	            "firewall/alf-managed", "firewall/alf-listapps.bootpd-blocked"),
	        NULL, &r);
	assert_string_equal(r.outcome, "blocked");
	assert_string_equal(result_fact(&r, "firewall.managed"), "yes");
	assert_null(result_fact(&r, "firewall.stealth"));
	assert_non_null(strstr(r.summary, "; but this Mac is managed, so only its organisation's"));
	assert_null(strstr(r.summary, ". ")); /* still one sentence */
	probe_result_free(&r);

	/* Even the global state refused. */
	run_mac(mac("firewall/alf-managed", "firewall/alf-managed", "firewall/alf-managed",
	            "firewall/alf-managed"),
	        NULL, &r);
	assert_string_equal(r.outcome, "unreadable");
	assert_string_equal(result_fact(&r, "firewall.managed"), "yes");
	assert_null(result_fact(&r, "firewall.state"));
	assert_non_null(strstr(r.summary, "administrators"));
	assert_null(strstr(r.summary, ". "));
	probe_result_free(&r);

	/* socketfilterfw says it needs root. */
	s = mac(NULL, "firewall/alf-blockall.off", "firewall/alf-stealth.off",
	        "firewall/alf-listapps.bootpd-blocked");
	snapshot_add_command(s, W(SFW, "--getglobalstate"), HOST_OK, 1, "", 0,
	                     "Must be root to change settings.\n", 33);
	run_mac(s, NULL, &r);
	assert_string_equal(r.outcome, "unreadable");
	assert_non_null(strstr(r.summary, "sudo"));
	probe_result_free(&r);

	s = mac(NULL, "firewall/alf-blockall.off", "firewall/alf-stealth.off",
	        "firewall/alf-listapps.bootpd-blocked");
	snapshot_add_command(s, W(SFW, "--getglobalstate"), HOST_DENIED, -1, "", 0, "", 0);
	run_mac(s, NULL, &r);
	assert_string_equal(r.outcome, "unreadable");
	probe_result_free(&r);
}

static void
test_mac_errors(void **state)
{
	struct probe_result r;
	struct snapshot *s;

	(void)state;
	/* Nothing collected: say that the snapshot lacks it. */
	run_mac(mac(NULL, NULL, NULL, NULL), NULL, &r);
	assert_string_equal(r.outcome, "error");
	assert_non_null(strstr(r.summary, "snapshot"));
	probe_result_free(&r);

	/* The list missing from the snapshot while the firewall is on. */
	run_mac(mac("firewall/alf-globalstate.on", "firewall/alf-blockall.off",
	            "firewall/alf-stealth.off", NULL),
	        NULL, &r);
	assert_string_equal(r.outcome, "error");
	assert_non_null(strstr(r.summary, "snapshot"));
	probe_result_free(&r);

	/* ... but an "off" needs nothing more. */
	run_mac(mac("firewall/alf-globalstate.off", NULL, NULL, NULL), NULL, &r);
	assert_string_equal(r.outcome, "off");
	probe_result_free(&r);

	s = mac(NULL, NULL, NULL, NULL);
	snapshot_add_command(s, W(SFW, "--getglobalstate"), HOST_NO_SUCH, -1, "", 0, "", 0);
	run_mac(s, NULL, &r);
	assert_string_equal(r.outcome, "error");
	assert_non_null(strstr(r.summary, "not found"));
	probe_result_free(&r);

	s = mac(NULL, "firewall/alf-blockall.off", "firewall/alf-stealth.off",
	        "firewall/alf-listapps.bootpd-blocked");
	snapshot_add_command(s, W(SFW, "--getglobalstate"), HOST_OK, 0, "what?\n", 6, "", 0);
	run_mac(s, NULL, &r);
	assert_string_equal(r.outcome, "error");
	assert_non_null(strstr(r.summary, "not understood"));
	probe_result_free(&r);

	/* A list that is no list. */
	s = mac("firewall/alf-globalstate.on", "firewall/alf-blockall.off",
	        "firewall/alf-stealth.off", NULL);
	snapshot_add_command(s, W(SFW, "--listapps"), HOST_OK, 0, "what?\n", 6, "", 0);
	run_mac(s, NULL, &r);
	assert_string_equal(r.outcome, "error");
	probe_result_free(&r);
}

/* ---- the probe on Linux snapshots -------------------------------------------- */

/* One listing command's answer: a fixture's output, or a status. */
struct answer {
	enum host_status status;
	int exit_code;
	const char *out; /* fixture, or NULL for none */
	const char *err; /* fixture, or NULL for none */
};
#define NOT_ASKED                                                                                  \
	{                                                                                          \
		HOST_NOT_COLLECTED, 0, NULL, NULL                                                  \
	}
#define MISSING                                                                                    \
	{                                                                                          \
		HOST_NO_SUCH, -1, NULL, NULL                                                       \
	}
#define EMPTY                                                                                      \
	{                                                                                          \
		HOST_OK, 0, NULL, NULL                                                             \
	}
#define OUT(f)                                                                                     \
	{                                                                                          \
		HOST_OK, 0, (f), NULL                                                              \
	}

static void
add_answer(struct snapshot *s, const char *const *argv, const struct answer *a)
{
	size_t ol = 0, el = 0;
	char *o = NULL, *e = NULL;

	if (a->status == HOST_NOT_COLLECTED)
		return;
	o = a->out != NULL ? fixture_read(a->out, &ol) : xstrdup("");
	e = a->err != NULL ? fixture_read(a->err, &el) : xstrdup("");
	snapshot_add_command(s, argv, a->status, a->exit_code, o, ol, e, el);
	free(o);
	free(e);
}

/* A Linux host whose listings answered so; anything not given is not in the snapshot. */
static struct snapshot *
linux_host(struct answer legacy, struct answer nftsave, struct answer save, struct answer nft)
{
	struct snapshot *s = snapshot_new("linux", "x86_64", 1727000000);

	add_answer(s, W("iptables-legacy-save"), &legacy);
	add_answer(s, W("iptables-nft-save"), &nftsave);
	add_answer(s, W("iptables-save"), &save);
	add_answer(s, W("nft", "list", "ruleset"), &nft);
	return s;
}

static void
run_linux(struct snapshot *s, const char *bridge, struct probe_result *r)
{
	struct host *h = host_snapshot(s);

	run_probe_on(h, r, "firewall", "bridge", bridge, NULL);
	host_close(h);
	snapshot_free(s);
}

static void
test_linux_ok(void **state)
{
	struct probe_result r;

	(void)state;
	/* iptables-nft holds them; nft is not asked (the snapshot lacks it). */
	run_linux(linux_host((struct answer)EMPTY,
	                     (struct answer)OUT("firewall/iptables-nft-save.multipass"),
	                     (struct answer)NOT_ASKED, (struct answer)NOT_ASKED),
	          NULL, &r);
	assert_string_equal(r.outcome, "ok");
	assert_string_equal(result_fact(&r, "firewall.bridge"), "mpqemubr0");
	assert_string_equal(result_fact(&r, "firewall.backend"), "iptables-nft");
	assert_string_equal(result_fact(&r, "firewall.subnet"), "10.97.0.0/16");
	assert_true(lines_have_exact(
	    &r.evidence, "iptables-nft-save:20: -A FORWARD -s 10.97.0.0/16 -i mpqemubr0 "
	                 "-m comment --comment \"" COMMENT "\" -j ACCEPT"));
	assert_true(lines_have(&r.evidence, "-j MASQUERADE"));
	assert_true(lines_have(&r.evidence, "--ctstate RELATED,ESTABLISHED"));
	assert_true(lines_have(&r.evidence, "--dport 67"));
	assert_non_null(strstr(r.summary, "in place"));
	probe_result_free(&r);

	/* iptables-legacy holds them, and iptables-nft-save says legacy tables exist. */
	run_linux(linux_host((struct answer)OUT("firewall/iptables-legacy-save.multipass"),
	                     (struct answer)OUT("firewall/iptables-nft-save.legacy-warning"),
	                     (struct answer)NOT_ASKED, (struct answer)NOT_ASKED),
	          NULL, &r);
	assert_string_equal(r.outcome, "ok");
	assert_string_equal(result_fact(&r, "firewall.backend"), "iptables-legacy");
	probe_result_free(&r);

	/* Docker in the same backend is no trouble. */
	run_linux(linux_host((struct answer)EMPTY,
	                     (struct answer)OUT("firewall/iptables-nft-save.docker-and-multipass"),
	                     (struct answer)NOT_ASKED, (struct answer)NOT_ASKED),
	          NULL, &r);
	assert_string_equal(r.outcome, "ok");
	probe_result_free(&r);

	/* No iptables at all: nft's view, where only the interface names the bridge. */
	run_linux(linux_host((struct answer)MISSING, (struct answer)MISSING, (struct answer)MISSING,
	                     (struct answer)OUT("firewall/nft-ruleset.iptables-nft")),
	          NULL, &r);
	assert_string_equal(r.outcome, "ok");
	assert_string_equal(result_fact(&r, "firewall.backend"), "nft");
	assert_string_equal(result_fact(&r, "firewall.bridge"), "mpqemubr0");
	assert_true(lines_have(&r.evidence, "nft list ruleset:"));
	probe_result_free(&r);

	/* Only plain iptables-save (iptables before 1.8). */
	run_linux(linux_host((struct answer)MISSING, (struct answer)MISSING,
	                     (struct answer)OUT("firewall/iptables-legacy-save.multipass"),
	                     (struct answer)NOT_ASKED),
	          NULL, &r);
	assert_string_equal(r.outcome, "ok");
	assert_string_equal(result_fact(&r, "firewall.backend"), "iptables");
	probe_result_free(&r);
}

static void
test_linux_rules_missing(void **state)
{
	struct probe_result r;
	struct snapshot *s;

	(void)state;
	run_linux(linux_host((struct answer)EMPTY,
	                     (struct answer)OUT("firewall/iptables-nft-save.nat-missing"),
	                     (struct answer)NOT_ASKED, (struct answer)NOT_ASKED),
	          NULL, &r);
	assert_string_equal(r.outcome, "rules_missing");
	assert_string_equal(result_fact(&r, "firewall.bridge"), "mpqemubr0");
	assert_non_null(strstr(r.summary, "missing: NAT MASQUERADE of 10.97.0.0/16"));
	assert_non_null(strstr(r.summary, "snap restart multipass"));
	assert_true(lines_have(&r.evidence, "iptables-nft-save: missing NAT MASQUERADE"));
	assert_true(lines_have(&r.evidence, "-A FORWARD -s 10.97.0.0/16 -i mpqemubr0"));
	probe_result_free(&r);

	/* Docker's rules and nothing of Multipass: nft is asked too, then the platform's bridge. */
	run_linux(linux_host((struct answer)EMPTY,
	                     (struct answer)OUT("firewall/iptables-nft-save.docker"),
	                     (struct answer)NOT_ASKED, (struct answer)EMPTY),
	          NULL, &r);
	assert_string_equal(r.outcome, "rules_missing");
	assert_string_equal(result_fact(&r, "firewall.bridge"), "mpqemubr0");
	assert_non_null(strstr(r.summary, "None of"));
	assert_non_null(strstr(r.summary, "flushes rules"));
	assert_null(result_fact(&r, "firewall.backend"));
	assert_true(lines_have_exact(&r.evidence,
	                             "no rule for mpqemubr0 in: iptables-legacy-save (0 rules), "
	                             "iptables-nft-save (15 rules), nft list ruleset (0 rules)"));
	probe_result_free(&r);

	/* ... and no bridge either: Multipass is not running its QEMU network. */
	s = linux_host((struct answer)EMPTY,
	               (struct answer)OUT("firewall/iptables-nft-save.docker"),
	               (struct answer)NOT_ASKED, (struct answer)EMPTY);
	snapshot_add_dir(s, "/sys/class/net", HOST_OK, "docker0\neth0\nlo\n");
	run_linux(s, NULL, &r);
	assert_string_equal(r.outcome, "rules_missing");
	assert_non_null(strstr(r.summary, "neither is the bridge itself"));
	assert_true(lines_have(&r.evidence, "there is no interface mpqemubr0"));
	probe_result_free(&r);

	/* A bridge asked for by name that has no rules, while another has them all. */
	run_linux(linux_host((struct answer)EMPTY,
	                     (struct answer)OUT("firewall/iptables-nft-save.multipass"),
	                     (struct answer)NOT_ASKED, (struct answer)NOT_ASKED),
	          "mpqemubr1", &r);
	assert_string_equal(r.outcome, "rules_missing");
	assert_string_equal(result_fact(&r, "firewall.bridge"), "mpqemubr1");
	probe_result_free(&r);
}

static void
test_linux_forward_blocked(void **state)
{
	struct probe_result r;

	(void)state;
	/* canonical/multipass#2477: Multipass on legacy, Docker's FORWARD DROP on nft. */
	run_linux(
	    linux_host((struct answer)OUT("firewall/iptables-legacy-save.multipass-with-docker"),
	               (struct answer)OUT("firewall/iptables-nft-save.docker-and-legacy"),
	               (struct answer)NOT_ASKED, (struct answer)NOT_ASKED),
	    NULL, &r);
	assert_string_equal(r.outcome, "forward_blocked");
	assert_string_equal(result_fact(&r, "firewall.backend"), "iptables-legacy");
	assert_true(lines_have(&r.evidence, "iptables-nft-save:"));
	assert_true(lines_have(&r.evidence, ": :FORWARD DROP [0:0]"));
	assert_non_null(strstr(r.summary, "sudo iptables-nft -I FORWARD -i mpqemubr0 -j ACCEPT"));
	probe_result_free(&r);

	/* A table of nft's own drops forwarded traffic by policy. */
	run_linux(linux_host((struct answer)MISSING, (struct answer)MISSING, (struct answer)MISSING,
	                     (struct answer)OUT("firewall/nft-ruleset.comments")),
	          NULL, &r);
	assert_string_equal(r.outcome, "forward_blocked");
	assert_non_null(strstr(r.summary, "nft insert rule inet filter forward iifname mpqemubr0"));
	assert_true(lines_have(&r.evidence, "policy drop;"));
	probe_result_free(&r);
}

static void
test_linux_unreadable_and_errors(void **state)
{
	struct probe_result r;
	struct snapshot *s;

	(void)state;
	/* Not root: every tool refuses. */
	run_linux(linux_host(
	              (struct answer){HOST_OK, 1, NULL, "firewall/iptables-legacy-save.denied.err"},
	              (struct answer){HOST_OK, 4, NULL, "firewall/iptables-nft-save.denied.err"},
	              (struct answer)NOT_ASKED,
	              (struct answer){HOST_OK, 1, NULL, "firewall/nft-ruleset.denied.err"}),
	          NULL, &r);
	assert_string_equal(r.outcome, "unreadable");
	assert_non_null(strstr(r.summary, "sudo"));
	assert_true(lines_have(&r.evidence, "Permission denied (you must be root)"));
	probe_result_free(&r);

	/* Only plain iptables-save, refused. */
	run_linux(linux_host((struct answer)MISSING, (struct answer)MISSING,
	                     (struct answer){HOST_OK, 4, NULL, "firewall/iptables-save.denied.err"},
	                     (struct answer)MISSING),
	          NULL, &r);
	assert_string_equal(r.outcome, "unreadable");
	probe_result_free(&r);

	/* Rules in legacy tables that no installed tool lists. */
	run_linux(linux_host((struct answer)MISSING,
	                     (struct answer)OUT("firewall/iptables-nft-save.legacy-warning"),
	                     (struct answer)NOT_ASKED, (struct answer)EMPTY),
	          NULL, &r);
	assert_string_equal(r.outcome, "error");
	assert_non_null(strstr(r.summary, "install iptables"));
	probe_result_free(&r);

	/* ... or that /proc shows, with no iptables at all. */
	s = linux_host((struct answer)MISSING, (struct answer)MISSING, (struct answer)MISSING,
	               (struct answer)EMPTY);
	snapshot_add_file(s, "/proc/net/ip_tables_names", HOST_OK, 'f', "nat\nfilter\n", 11, false);
	run_linux(s, NULL, &r);
	assert_string_equal(r.outcome, "error");
	assert_non_null(strstr(r.summary, "install iptables"));
	probe_result_free(&r);

	/* Nothing installed at all. */
	s = linux_host((struct answer)MISSING, (struct answer)MISSING, (struct answer)MISSING,
	               (struct answer)MISSING);
	snapshot_add_file(s, "/proc/net/ip_tables_names", HOST_NO_SUCH, 'f', NULL, 0, false);
	run_linux(s, NULL, &r);
	assert_string_equal(r.outcome, "error");
	assert_non_null(strstr(r.summary, "neither iptables-save nor nft"));
	probe_result_free(&r);

	/* A snapshot without the listings. */
	run_linux(linux_host((struct answer)NOT_ASKED, (struct answer)NOT_ASKED,
	                     (struct answer)NOT_ASKED, (struct answer)NOT_ASKED),
	          NULL, &r);
	assert_string_equal(r.outcome, "error");
	assert_non_null(strstr(r.summary, "snapshot"));
	assert_true(lines_have(&r.evidence, "iptables-legacy-save"));
	probe_result_free(&r);
}

/* ---- DHCP requests on the input path ------------------------------------------ */

/* The rule of fixture that drops DHCP on bridge, as listed; NULL when it is not dropped. */
static char *
dhcp_drop_text(const char *fixture, bool nft, const char *bridge)
{
	struct fw_ruleset rs;
	struct fw_dhcp_drop d;
	char *text = NULL;

	ruleset(fixture, nft, &rs);
	if (fw_dhcp_blocked(&rs, bridge, &d)) {
		assert_true((d.rule != NULL) != (d.policy != NULL));
		text = xstrdup(d.rule != NULL ? d.rule->text : d.policy->text);
	} else {
		assert_null(d.rule);
		assert_null(d.policy);
	}
	fw_ruleset_free(&rs);
	return text;
}

static void
expect_dhcp_drop(const char *fixture, bool nft, const char *bridge, const char *rule)
{
	char *text = dhcp_drop_text(fixture, nft, bridge);

	if (rule == NULL) {
		assert_null(text);
		return;
	}
	assert_non_null(text);
	assert_string_equal(text, rule);
	free(text);
}

/* The same on a listing given as text. */
static void
expect_dhcp_text(const char *listing, const char *bridge, const char *rule)
{
	struct fw_ruleset rs;
	struct fw_dhcp_drop d;
	bool nft = listing[0] == 't';

	assert_int_equal(nft ? fw_parse_nft_ruleset(listing, strlen(listing), &rs)
	                     : fw_parse_iptables_save(listing, strlen(listing), &rs),
	                 0);
	if (rule == NULL) {
		assert_false(fw_dhcp_blocked(&rs, bridge, &d));
	} else {
		assert_true(fw_dhcp_blocked(&rs, bridge, &d));
		assert_non_null(d.rule);
		assert_string_equal(d.rule->text, rule);
	}
	fw_ruleset_free(&rs);
}

#define NFT_INPUT(rules)                                                                           \
	"table inet t {\n\tchain input {\n\t\ttype filter hook input priority filter; policy "     \
	"accept;\n" rules "\t}\n}\n"

static void
test_dhcp_listings(void **state)
{
	(void)state;
	/* Drops and rejects ahead of Multipass's accept, in both backends. */
	expect_dhcp_drop("firewall/iptables-nft-save.dhcp-drop", false, "mpqemubr0",
	                 "-A INPUT -i mpqemubr0 -p udp -m udp --dport 67 -j DROP");
	expect_dhcp_drop("firewall/iptables-legacy-save.dhcp-reject", false, "mpqemubr0",
	                 "-A INPUT -p udp -m udp --dport 67 -j REJECT --reject-with "
	                 "icmp-port-unreachable");
	expect_dhcp_drop("firewall/iptables-nft-save.dhcp-multiport", false, "mpqemubr0",
	                 "-A INPUT -i mpqemubr+ -p udp -m multiport --dports 53,67 -j DROP");
	/* mpqemubr+ is not docker0. */
	expect_dhcp_drop("firewall/iptables-nft-save.dhcp-multiport", false, "docker0", NULL);
	/* Into a chain INPUT jumps to, past a tcp accept; a range holding 67. */
	expect_dhcp_drop("firewall/iptables-nft-save.dhcp-chain", false, "mpqemubr0",
	                 "-A vt-user-input -p udp -m multiport --dports 60:70 -j DROP");
	/* Not blocked: Multipass's accept comes first, port 68 only, another interface. */
	expect_dhcp_drop("firewall/iptables-nft-save.dhcp-accept-first", false, "mpqemubr0", NULL);
	expect_dhcp_drop("firewall/iptables-nft-save.dhcp-port68", false, "mpqemubr0", NULL);
	expect_dhcp_drop("firewall/iptables-nft-save.dhcp-other-if", false, "mpqemubr0", NULL);
	expect_dhcp_drop("firewall/iptables-nft-save.multipass", false, "mpqemubr0", NULL);
	expect_dhcp_drop("firewall/iptables-nft-save.docker", false, "mpqemubr0", NULL);
	/* ... but eth0's drop is the rule for a bridge called eth0. */
	expect_dhcp_drop("firewall/iptables-nft-save.dhcp-other-if", false, "eth0",
	                 "-A INPUT -i eth0 -p udp -m udp --dport 67 -j DROP");
	/* INPUT drops by policy and accepts only lo, replies and ssh. */
	expect_dhcp_drop("firewall/iptables-nft-save.input-policy-drop", false, "mpqemubr0",
	                 ":INPUT DROP [0:0]");

	/* nft: a table of its own drops it, whatever iptables-nft's INPUT accepts. */
	expect_dhcp_drop("firewall/nft-ruleset.dhcp-drop", true, "mpqemubr0", "udp dport 67 drop");
	expect_dhcp_drop("firewall/nft-ruleset.iptables-nft", true, "mpqemubr0", NULL);
	expect_dhcp_drop("firewall/nft-ruleset.comments", true, "mpqemubr0", NULL);
	/* An accept ahead in the same chain wins over the drop, and over the policy. */
	expect_dhcp_drop("firewall/nft-ruleset.dhcp-accept-first", true, "mpqemubr0", NULL);
	/* ... but its "mpqemubr*" is not virbr0: the drop decides there. */
	expect_dhcp_drop("firewall/nft-ruleset.dhcp-accept-first", true, "virbr0",
	                 "udp dport 67 drop");
	/* An accept in another table does not save it from a reject. */
	expect_dhcp_drop("firewall/nft-ruleset.dhcp-reject-other-table", true, "mpqemubr0",
	                 "iifname \"mpqemubr0\" udp dport 60-70 counter packets 0 bytes 0 reject");
}

static void
test_dhcp_rule_syntax(void **state)
{
	(void)state;
	/* nft: th dport with meta l4proto, sets, negations, other protocols and families. */
	expect_dhcp_text(NFT_INPUT("\t\tmeta l4proto udp th dport 67 drop\n"), "mpqemubr0",
	                 "meta l4proto udp th dport 67 drop");
	expect_dhcp_text(NFT_INPUT("\t\tmeta l4proto tcp th dport 67 drop\n"), "mpqemubr0", NULL);
	expect_dhcp_text(NFT_INPUT("\t\tudp dport { 67, 68 } reject with icmp port-unreachable\n"),
	                 "mpqemubr0", "udp dport { 67, 68 } reject with icmp port-unreachable");
	expect_dhcp_text(NFT_INPUT("\t\tudp dport != 67 drop\n"), "mpqemubr0", NULL);
	expect_dhcp_text(NFT_INPUT("\t\tiifname != \"mpqemubr0\" udp dport 67 drop\n"), "mpqemubr0",
	                 NULL);
	expect_dhcp_text(NFT_INPUT("\t\tiif \"mpqemubr0\" udp dport 67 drop\n"), "mpqemubr0",
	                 "iif \"mpqemubr0\" udp dport 67 drop");
	expect_dhcp_text(NFT_INPUT("\t\ttcp dport 67 drop\n"), "mpqemubr0", NULL);
	expect_dhcp_text(NFT_INPUT("\t\tip6 saddr fe80::/10 udp dport 67 drop\n"), "mpqemubr0",
	                 NULL);
	expect_dhcp_text(NFT_INPUT("\t\tct state established,related accept\n\t\tct state invalid "
	                           "drop\n\t\tudp dport 67 drop\n"),
	                 "mpqemubr0", "udp dport 67 drop");
	/* A match the parser does not know: an accept stops the walk, a drop proves nothing. */
	expect_dhcp_text(NFT_INPUT("\t\tmeta mark 0x1 accept\n\t\tudp dport 67 drop\n"),
	                 "mpqemubr0", NULL);
	expect_dhcp_text(NFT_INPUT("\t\tmeta mark 0x1 drop\n"), "mpqemubr0", NULL);
	/* A jump, and a goto whose chain ends: back to where the jump was, past the goto. */
	expect_dhcp_text("table inet t {\n\tchain input {\n\t\ttype filter hook input priority 0; "
	                 "policy accept;\n\t\tjump zones\n\t\treject with icmpx "
	                 "admin-prohibited\n\t}\n\tchain zones {\n\t\tiifname \"mpqemubr0\" goto "
	                 "trusted\n\t\tudp dport 67 drop\n\t}\n\tchain trusted {\n\t\ttcp dport 22 "
	                 "accept\n\t}\n}\n",
	                 "mpqemubr0", "reject with icmpx admin-prohibited");
	/* An output chain and a netdev table are not on the input path. */
	expect_dhcp_text(
	    "table inet t {\n\tchain output {\n\t\ttype filter hook output priority 0; "
	    "policy accept;\n\t\tudp dport 67 drop\n\t}\n}\n",
	    "mpqemubr0", NULL);

	/* iptables: negations, a source other than 0.0.0.0, ranges, other tables. */
	expect_dhcp_text(
	    "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT ! -i mpqemubr0 -p udp --dport 67 -j "
	    "DROP\nCOMMIT\n",
	    "mpqemubr0", NULL);
	expect_dhcp_text("*filter\n:INPUT ACCEPT [0:0]\n-A INPUT ! -i eth0 -p udp --dport 67 -j "
	                 "DROP\nCOMMIT\n",
	                 "mpqemubr0", "-A INPUT ! -i eth0 -p udp --dport 67 -j DROP");
	expect_dhcp_text(
	    "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -s 10.0.0.0/8 -p udp --dport 67 -j "
	    "DROP\nCOMMIT\n",
	    "mpqemubr0", NULL);
	expect_dhcp_text("*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p udp --dport 670 -j DROP\n-A "
	                 "INPUT -p udp --dport 66:67 -j DROP\nCOMMIT\n",
	                 "mpqemubr0", "-A INPUT -p udp --dport 66:67 -j DROP");
	expect_dhcp_text("*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p tcp --dport 67 -j DROP\n-A "
	                 "INPUT -p udp ! --dport 67 -j DROP\n-A INPUT -p udp --dport 67 -j "
	                 "LOG\nCOMMIT\n",
	                 "mpqemubr0", NULL);
	expect_dhcp_text(
	    "*mangle\n:INPUT ACCEPT [0:0]\n-A INPUT -p udp --dport 67 -j DROP\nCOMMIT\n",
	    "mpqemubr0", NULL);
	/* A RETURN from the chain jumped to comes back ahead of its drop. */
	expect_dhcp_text("*filter\n:INPUT ACCEPT [0:0]\n:x - [0:0]\n-A INPUT -j x\n-A x -i "
	                 "mpqemubr0 -j RETURN\n-A x -p udp --dport 67 -j DROP\nCOMMIT\n",
	                 "mpqemubr0", NULL);
	/* A catch-all reject with nothing ahead of it. */
	expect_dhcp_text("*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -m conntrack --ctstate "
	                 "RELATED,ESTABLISHED -j ACCEPT\n-A INPUT -j REJECT --reject-with "
	                 "icmp-host-prohibited\nCOMMIT\n",
	                 "mpqemubr0", "-A INPUT -j REJECT --reject-with icmp-host-prohibited");
}

static void
test_linux_dhcp_blocked(void **state)
{
	struct probe_result r;

	(void)state;
	/* A drop ahead of Multipass's accept, in the backend that holds its rules. */
	run_linux(linux_host((struct answer)EMPTY,
	                     (struct answer)OUT("firewall/iptables-nft-save.dhcp-drop"),
	                     (struct answer)NOT_ASKED, (struct answer)EMPTY),
	          NULL, &r);
	assert_string_equal(r.outcome, "dhcp_blocked");
	assert_string_equal(result_fact(&r, "firewall.bridge"), "mpqemubr0");
	assert_string_equal(result_fact(&r, "firewall.dhcp_rule"),
	                    "-A INPUT -i mpqemubr0 -p udp -m udp --dport 67 -j DROP");
	assert_string_equal(result_fact(&r, "firewall.backend"), "iptables-nft");
	assert_true(lines_have_exact(
	    &r.evidence,
	    "iptables-nft-save:16: -A INPUT -i mpqemubr0 -p udp -m udp --dport 67 -j DROP"));
	assert_true(lines_have(&r.evidence, "besides: Multipass's forward and NAT rules for "
	                                    "mpqemubr0 are in place (iptables-nft)"));
	assert_non_null(strstr(r.summary, "sudo iptables-nft -D INPUT -i mpqemubr0 -p udp -m udp "
	                                  "--dport 67 -j DROP"));
	probe_result_free(&r);

	/* Multipass on iptables-nft, the drop in nft's own table: nft is read for it. */
	run_linux(linux_host((struct answer)EMPTY,
	                     (struct answer)OUT("firewall/iptables-nft-save.multipass"),
	                     (struct answer)NOT_ASKED,
	                     (struct answer)OUT("firewall/nft-ruleset.dhcp-drop")),
	          NULL, &r);
	assert_string_equal(r.outcome, "dhcp_blocked");
	assert_string_equal(result_fact(&r, "firewall.dhcp_rule"), "udp dport 67 drop");
	assert_true(lines_have_exact(&r.evidence, "nft list ruleset:44: udp dport 67 drop"));
	assert_non_null(strstr(r.summary,
	                       "nft insert rule inet vtblock input iifname mpqemubr0 udp "
	                       "dport 67 accept"));
	/* nft's view of iptables-nft's rules does not make it the backend. */
	assert_string_equal(result_fact(&r, "firewall.backend"), "iptables-nft");
	probe_result_free(&r);

	/* ... and the same host without that table is fine. */
	run_linux(linux_host((struct answer)EMPTY,
	                     (struct answer)OUT("firewall/iptables-nft-save.multipass"),
	                     (struct answer)NOT_ASKED,
	                     (struct answer)OUT("firewall/nft-ruleset.iptables-nft")),
	          NULL, &r);
	assert_string_equal(r.outcome, "ok");
	assert_null(result_fact(&r, "firewall.dhcp_rule"));
	probe_result_free(&r);

	/* Multipass on legacy (its accept there), INPUT policy DROP on nft (ufw's default). */
	run_linux(linux_host((struct answer)OUT("firewall/iptables-legacy-save.multipass"),
	                     (struct answer)OUT("firewall/iptables-nft-save.input-policy-drop"),
	                     (struct answer)NOT_ASKED, (struct answer)NOT_ASKED),
	          NULL, &r);
	assert_string_equal(r.outcome, "dhcp_blocked");
	assert_string_equal(result_fact(&r, "firewall.dhcp_rule"), ":INPUT DROP [0:0]");
	assert_true(lines_have_exact(&r.evidence, "iptables-nft-save:3: :INPUT DROP [0:0]"));
	assert_true(lines_have(&r.evidence, "iptables-legacy-save:"));
	assert_non_null(strstr(r.summary, "sudo iptables-nft -I INPUT -i mpqemubr0 -p udp --dport "
	                                  "67 -j ACCEPT"));
	probe_result_free(&r);

	/* It wins over rules_missing, which evidence still tells. */
	run_linux(linux_host((struct answer)OUT("firewall/iptables-legacy-save.dhcp-reject"),
	                     (struct answer)OUT("firewall/iptables-nft-save.nat-missing"),
	                     (struct answer)NOT_ASKED, (struct answer)NOT_ASKED),
	          NULL, &r);
	assert_string_equal(r.outcome, "dhcp_blocked");
	assert_true(lines_have(&r.evidence, "iptables-legacy-save:"));
	assert_true(lines_have(&r.evidence, "-j REJECT --reject-with icmp-port-unreachable"));
	probe_result_free(&r);

	/* Over forward_blocked too. */
	run_linux(linux_host((struct answer)MISSING, (struct answer)MISSING, (struct answer)MISSING,
	                     (struct answer)OUT("firewall/nft-ruleset.comments")),
	          NULL, &r);
	assert_string_equal(r.outcome, "forward_blocked");
	probe_result_free(&r);
	run_linux(
	    linux_host((struct answer)OUT("firewall/iptables-legacy-save.multipass-with-docker"),
	               (struct answer)OUT("firewall/iptables-nft-save.docker-and-legacy"),
	               (struct answer)NOT_ASKED,
	               (struct answer)OUT("firewall/nft-ruleset.dhcp-reject-other-table")),
	    NULL, &r);
	assert_string_equal(r.outcome, "dhcp_blocked");
	assert_true(lines_have(&r.evidence, "besides: a forward chain drops mpqemubr0's traffic by "
	                                    "policy (iptables-nft-save:"));
	probe_result_free(&r);

	/* Look-alikes that do not block: the outcome stays what the forward rules say. */
	run_linux(linux_host((struct answer)EMPTY,
	                     (struct answer)OUT("firewall/iptables-nft-save.dhcp-accept-first"),
	                     (struct answer)NOT_ASKED, (struct answer)EMPTY),
	          NULL, &r);
	assert_string_equal(r.outcome, "ok");
	probe_result_free(&r);
	run_linux(linux_host((struct answer)EMPTY,
	                     (struct answer)OUT("firewall/iptables-nft-save.dhcp-other-if"),
	                     (struct answer)NOT_ASKED, (struct answer)EMPTY),
	          NULL, &r);
	assert_string_equal(r.outcome, "ok");
	probe_result_free(&r);
	run_linux(linux_host((struct answer)EMPTY,
	                     (struct answer)OUT("firewall/iptables-nft-save.dhcp-port68"),
	                     (struct answer)NOT_ASKED, (struct answer)EMPTY),
	          NULL, &r);
	assert_string_equal(r.outcome, "ok");
	probe_result_free(&r);

	/* No Multipass rule at all, and a drop: still dhcp_blocked, for the platform's bridge. */
	run_linux(linux_host((struct answer)MISSING, (struct answer)MISSING, (struct answer)MISSING,
	                     (struct answer)OUT("firewall/nft-ruleset.dhcp-accept-first")),
	          "virbr0", &r);
	assert_string_equal(r.outcome, "dhcp_blocked");
	assert_true(
	    lines_have(&r.evidence, "besides: no Multipass rule for virbr0 in any listing"));
	probe_result_free(&r);
}

static void
test_other_os(void **state)
{
	struct snapshot *s = snapshot_new("windows", "x86_64", 1727000000);
	struct host *h = host_snapshot(s);
	struct probe_result r;

	(void)state;
	run_probe_on(h, &r, "firewall", NULL);
	assert_string_equal(r.outcome, "error");
	assert_non_null(strstr(r.summary, "Windows"));
	assert_true(r.evidence.n > 0);
	probe_result_free(&r);
	host_close(h);
	snapshot_free(s);
}

static void
test_entry(void **state)
{
	const struct probe_entry *pe = probe_find("firewall");
	static const char *const outcomes[] = {
	    "off",           "blocked",         "allowed",    "not_listed",  "ok",
	    "rules_missing", "forward_blocked", "unreadable", "dhcp_blocked"};

	(void)state;
	assert_non_null(pe);
	for (size_t i = 0; i < sizeof outcomes / sizeof outcomes[0]; i++)
		assert_true(probe_has_outcome(pe, outcomes[i]));
	assert_true(probe_sets_fact(pe, "firewall.state"));
	assert_true(probe_sets_fact(pe, "firewall.app"));
	assert_true(probe_sets_fact(pe, "firewall.bridge"));
	assert_true(probe_sets_fact(pe, "firewall.dhcp_rule"));
	assert_string_equal(param_def_find(pe->params, "app")->def, "/usr/libexec/bootpd");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_alf_states),
	    cmocka_unit_test(test_alf_listapps),
	    cmocka_unit_test(test_iptables_save),
	    cmocka_unit_test(test_nft_ruleset),
	    cmocka_unit_test(test_rule_syntax),
	    cmocka_unit_test(test_mac_off_and_allowed),
	    cmocka_unit_test(test_mac_blocked),
	    cmocka_unit_test(test_mac_not_listed),
	    cmocka_unit_test(test_mac_managed_and_unreadable),
	    cmocka_unit_test(test_mac_errors),
	    cmocka_unit_test(test_linux_ok),
	    cmocka_unit_test(test_linux_rules_missing),
	    cmocka_unit_test(test_linux_forward_blocked),
	    cmocka_unit_test(test_linux_unreadable_and_errors),
	    cmocka_unit_test(test_dhcp_listings),
	    cmocka_unit_test(test_dhcp_rule_syntax),
	    cmocka_unit_test(test_linux_dhcp_blocked),
	    cmocka_unit_test(test_other_os),
	    cmocka_unit_test(test_entry),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
