/*
 * fwparse.h: what the firewall probe reads, parsed without touching the
 * machine. macOS: the answers of the application firewall's socketfilterfw
 * (global state, block-all, stealth mode, the list of applications).
 * Linux: iptables-save and `nft list ruleset` listings, turned into one list
 * of rules, and the rules Multipass makes for its bridge found in them.
 */
#ifndef VT_PROBE_FWPARSE_H
#define VT_PROBE_FWPARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "util/util.h"

/* ---- macOS: socketfilterfw ---------------------------------------------- */

/*
 * --getglobalstate: 0 off, 1 on, 2 on for essential services only (which
 * blocks every other incoming connection); -1 when the text is not understood.
 */
int alf_parse_globalstate(const char *out, size_t len);
/* --getblockall and --getstealthmode: 1 on, 0 off, -1 not understood. */
int alf_parse_onoff(const char *out, size_t len);
/* The tool said its settings are set by the organisation (a managed Mac). */
bool alf_says_managed(const char *text, size_t len);
/* The tool said it must be run as root. */
bool alf_says_needs_root(const char *text, size_t len);

struct alf_app {
	char *path;
	int allowed; /* 1 "Allow incoming connections", 0 "Block ...", -1 not said */
	size_t line; /* 1-based line of the path in the listing */
	char *text;  /* the path's line and its state, as one line for evidence */
};
struct alf_apps {
	struct alf_app *v;
	size_t n;
	long total; /* the count the listing's first line gives; -1 when absent */
};
/*
 * --listapps, both the older "ALF: total number of apps = N" layout and the
 * newer "Total number of apps = N" one. Returns 0, or -1 when the text is
 * not such a listing.
 */
int alf_parse_listapps(const char *out, size_t len, struct alf_apps *apps);
/* The entry for path (exact, a trailing '/' ignored), or NULL. */
const struct alf_app *alf_apps_find(const struct alf_apps *apps, const char *path);
void alf_apps_free(struct alf_apps *apps);

/* ---- Linux: iptables-save and nft --------------------------------------- */

struct fw_rule {
	char *family;  /* nft: "ip", "inet"...; iptables-save: "ip" */
	char *table;   /* "filter", "nat", "mangle"... */
	char *chain;   /* "FORWARD", "POSTROUTING", or a chain of its own */
	char *hook;    /* "forward", "postrouting"...; "" for a chain no hook calls */
	char *text;    /* the rule as listed, trimmed */
	size_t line;   /* 1-based line in the listing */
	char *comment; /* its comment, or NULL */
	char *in;      /* the interface it matches packets coming in on, or NULL */
	char *out;     /* ... going out on, or NULL */
	char *source;  /* the source it matches (not negated), or NULL */
	char *target;  /* "ACCEPT", "MASQUERADE", "REJECT", "DROP", "RETURN", a chain... */
};

/* A base chain's default policy: what happens to a packet no rule decides. */
struct fw_policy {
	char *family, *table, *chain, *hook;
	char *policy; /* "ACCEPT", "DROP" */
	char *text;
	size_t line;
};

struct fw_ruleset {
	struct fw_rule *rules;
	size_t nrules;
	struct fw_policy *policies;
	size_t npolicies;
	/* iptables-nft-save said that legacy tables hold rules it does not show. */
	bool legacy_present;
};

/* Parsers return 0, or -1 when the text is not such a listing (rs is then empty). */
int fw_parse_iptables_save(const char *buf, size_t len, struct fw_ruleset *rs);
int fw_parse_nft_ruleset(const char *buf, size_t len, struct fw_ruleset *rs);
void fw_ruleset_free(struct fw_ruleset *rs);

/* The bridge a Multipass comment names ("generated for Multipass network X"), owned; or NULL. */
char *fw_multipass_comment_bridge(const char *comment);
/*
 * The bridges Multipass rules are for, each once, in order: those their
 * comments name, then interfaces whose name starts with prefix (NULL: none),
 * for listings that drop comments (nft before 1.0.7 on iptables-nft rules).
 */
void fw_ruleset_bridges(const struct fw_ruleset *rs, const char *prefix, struct strlist *out);

/* Multipass's rules for one bridge, as far as a ruleset holds them. */
struct fw_bridge_rules {
	char subnet[64];                  /* the instances' subnet, learned from the rules */
	size_t nrules;                    /* rules for the bridge in all */
	const struct fw_rule *fwd_out;    /* FORWARD accept of traffic from the instances */
	const struct fw_rule *fwd_in;     /* FORWARD accept of traffic (replies) to them */
	const struct fw_rule *masquerade; /* NAT MASQUERADE of the subnet */
	const struct fw_rule *dhcp;       /* INPUT accept of DHCP (udp 67) on the bridge */
	/*
	 * A forward chain whose policy drops what its table does not accept,
	 * while nothing in that table accepts the bridge's traffic (Docker's
	 * FORWARD DROP in one backend, Multipass's rules in the other).
	 */
	const struct fw_policy *blocking;
};
void fw_bridge_rules(const struct fw_ruleset *rs, const char *bridge, struct fw_bridge_rules *br);
/* The forward-hook policy of rs that drops bridge's traffic, or NULL (see blocking above). */
const struct fw_policy *fw_blocking_policy(const struct fw_ruleset *rs, const char *bridge);

/*
 * How the instances' DHCP requests fare on this host's input path: UDP from
 * 0.0.0.0 port 68 to 255.255.255.255 port 67, coming in on the bridge.
 * iptables-save listings: the filter table's INPUT chain; nft listings: every
 * base chain with hook input of an ip or inet table (a drop in any of them is
 * final, whatever the others accept). Rules are followed in order, into the
 * chains they jump to; the first that decides the requests' fate wins. A rule
 * with a match this parser does not know counts only when that errs towards
 * "not blocked" (an accept stops the walk, a drop is passed over).
 */
struct fw_dhcp_drop {
	const struct fw_rule *rule;     /* the DROP or REJECT that decides, or NULL */
	const struct fw_policy *policy; /* else the input chain's DROP policy, or NULL */
};
/* True when rs drops or rejects them; d says by what. */
bool fw_dhcp_blocked(const struct fw_ruleset *rs, const char *bridge, struct fw_dhcp_drop *d);
/* Whether a rule (either syntax) matches them: 1 yes, 0 no, -1 cannot tell. */
int fw_rule_matches_dhcp(const struct fw_rule *r, const char *bridge);

#endif
