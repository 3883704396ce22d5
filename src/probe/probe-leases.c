/*
 * probe-leases.c: the "leases" probe. Which DHCP leases does the server
 * that hands instances their addresses hold for an instance (by name, by
 * MAC, or both), and can they be trusted? dnsmasq's lease file on Linux,
 * /var/db/dhcpd_leases (bootpd) on macOS; the format is read from the
 * content, so either can be looked at from anywhere.
 *
 * Multipass on Linux takes the first line of dnsmasq's file whose MAC is
 * the instance's (dnsmasq_server.cpp, get_ip_for); dnsmasq itself takes a
 * host name off an older lease when another client claims it, so one name
 * twice, or one MAC with two addresses, means the file was restored or
 * edited, or the client changed its client id. bootpd keeps every lease it
 * ever gave (an instance deleted and launched again has two), and after a
 * macOS update moved the shared network the old lease points into the old
 * subnet: "subnet" counts those as stale.
 *
 * The whole file is read once and filtered here, so a snapshot taken for
 * one instance answers for any other.
 */
#include "config.h"

#include <sys/socket.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "host/host.h"
#include "platform/paths.h"
#include "probe/leaseparse.h"
#include "probe/netparse.h"
#include "probe/probe.h"

#define LEASES_MAX_BYTES (8 * 1024 * 1024)
#define MAX_EVIDENCE_ENTRIES 20
#define MAX_LINE_BYTES 200
#define MAX_LISTED_LINES 5

static const struct param_def leases_params[] = {
    {.name = "file",
     .type = PARAM_PATH,
     .help = N_("the leases file (default: the host's, /var/db/dhcpd_leases on macOS, "
                "Multipass's dnsmasq.leases on Linux)")},
    {.name = "name", .type = PARAM_NAME, .help = N_("the instance's name")},
    {.name = "mac",
     .type = PARAM_STRING,
     .help = N_("the instance's MAC address (52:54:00:e2:30:dd; macOS's 52:54:0:e2:30:dd "
                "will do)")},
    {.name = "subnet",
     .type = PARAM_STRING,
     .help = N_("the subnet instances are on now, as ADDRESS/PREFIX: leases outside it are "
                "stale")},
    {.name = NULL},
};

static const struct outcome_def leases_outcomes[] = {
    {"found", N_("exactly one current lease for the instance")},
    {"duplicate",
     N_("more than one current lease: the name twice, the MAC with different addresses, or "
        "the address leased to another MAC as well")},
    {"stale", N_("the instance's only leases have expired, or point outside the given subnet")},
    {"missing", N_("no lease for the instance")},
    {"corrupt", N_("the file, or entries that mention the instance, cannot be read: jumbled or "
                   "incomplete text")},
    {"no_file", N_("the leases file does not exist: the DHCP server never handed out a lease")},
    {"unreadable", N_("the leases file may not be read: run vmtriage with sudo")},
    {NULL, NULL},
};

static const char *const leases_facts[] = {
    "lease.ip",      "lease.mac",    "lease.expires", "lease.count",
    "lease.current", "lease.format", "lease.file",    NULL};

enum entry_state {
	ENTRY_OTHER,    /* not about the instance */
	ENTRY_CURRENT,  /* the instance's, in force */
	ENTRY_EXPIRED,  /* the instance's, ended */
	ENTRY_OUTSIDE,  /* the instance's, outside the subnet */
	ENTRY_DAMAGED,  /* corrupt, and it mentions the instance */
	ENTRY_UNKNOWN,  /* corrupt, and what would say whose it is cannot be read */
	ENTRY_CONFLICT, /* another MAC's current lease of an address the instance holds */
};

struct leases_query {
	const char *file;
	const char *name;        /* NULL: by MAC only */
	char mac[LEASE_MAC_LEN]; /* "": by name only */
	bool has_subnet;
	const char *subnet;
	struct net_addr net;
	unsigned prefix;
	time_t now;
};

/* "2024-09-22T10:13:20Z"; "never" for dnsmasq's infinite lease. */
static void
iso_time(time_t t, char *buf, size_t len)
{
	struct tm tm;

	if (t == 0 || gmtime_r(&t, &tm) == NULL) {
		snprintf(buf, len, "%s", t == 0 ? "never" : "?");
		return;
	}
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static bool
in_subnet(const struct leases_query *q, const char *ip)
{
	struct net_addr a;
	unsigned bits = q->prefix;

	if (!net_addr_parse(ip, &a) || a.family != q->net.family)
		return false;
	for (unsigned i = 0; i < bits; i++) {
		unsigned char m = (unsigned char)(0x80u >> (i % 8));

		if ((a.bytes[i / 8] & m) != (q->net.bytes[i / 8] & m))
			return false;
	}
	return true;
}

static bool
expired(const struct leases_query *q, const struct lease_entry *e)
{
	return e->expires != 0 && e->expires <= q->now;
}

static bool
name_hit(const struct leases_query *q, const struct lease_entry *e)
{
	return q->name != NULL && lease_name_matches(e->name, q->name, NULL);
}

static bool
mac_hit(const struct leases_query *q, const struct lease_entry *e)
{
	return q->mac[0] != '\0' && strcmp(e->mac, q->mac) == 0;
}

/* "FILE:7" or "FILE:8-12" for a block. */
static char *
where(const struct leases_query *q, const struct lease_entry *e)
{
	if (e->last_line > e->first_line)
		return xasprintf("%s:%zu-%zu", q->file, e->first_line, e->last_line);
	return xasprintf("%s:%zu", q->file, e->first_line);
}

static void
entry_evidence(struct probe_result *r, const struct leases_query *q, const struct lease_entry *e,
               const char *verdict)
{
	char *at = where(q, e);
	char *text = probe_clean_line(e->text != NULL ? e->text : "", e->text_len, MAX_LINE_BYTES);

	probe_result_evidence(r, "%s: %s (%s)", at, text, verdict);
	free(at);
	free(text);
}

/*
 * Sorts every entry: the instance's (by name, by MAC, or sharing a MAC with
 * one of its named leases: Multipass looks addresses up by MAC), damaged
 * ones that mention it, and other MACs' current leases of its addresses.
 */
static void
classify(const struct leases_query *q, const struct lease_file *lf, enum entry_state *st)
{
	struct strlist macs = {0};

	for (size_t i = 0; i < lf->n; i++) {
		const struct lease_entry *e = &lf->v[i];

		if (!e->corrupt && !e->ipv6 && name_hit(q, e) && e->mac[0] != '\0')
			strlist_add(&macs, e->mac);
	}
	for (size_t i = 0; i < lf->n; i++) {
		const struct lease_entry *e = &lf->v[i];
		bool mine = name_hit(q, e) || mac_hit(q, e);

		for (size_t k = 0; !mine && e->mac[0] != '\0' && k < macs.n; k++)
			mine = strcmp(macs.v[k], e->mac) == 0;
		st[i] = ENTRY_OTHER;
		if (e->corrupt) {
			if (mine ||
			    lease_text_mentions(e, q->name, q->mac[0] != '\0' ? q->mac : NULL))
				st[i] = ENTRY_DAMAGED;
			else if ((q->name == NULL || e->name == NULL) &&
			         (q->mac[0] == '\0' || e->mac[0] == '\0'))
				st[i] = ENTRY_UNKNOWN;
		} else if (mine && !e->ipv6) {
			if (expired(q, e))
				st[i] = ENTRY_EXPIRED;
			else if (q->has_subnet && !in_subnet(q, e->ip))
				st[i] = ENTRY_OUTSIDE;
			else
				st[i] = ENTRY_CURRENT;
		}
	}
	/* Another MAC holding one of the instance's current addresses. */
	for (size_t i = 0; i < lf->n; i++) {
		const struct lease_entry *e = &lf->v[i];

		if (st[i] != ENTRY_OTHER || e->corrupt || e->ipv6 || expired(q, e))
			continue;
		for (size_t k = 0; k < lf->n; k++) {
			if (st[k] == ENTRY_CURRENT && strcmp(lf->v[k].ip, e->ip) == 0 &&
			    strcmp(lf->v[k].mac, e->mac) != 0) {
				st[i] = ENTRY_CONFLICT;
				break;
			}
		}
	}
	strlist_free(&macs);
}

/*
 * The lease a client of the file would take: dnsmasq's first line (as
 * Multipass reads it), bootpd's latest lease.
 */
static const struct lease_entry *
chosen(const struct lease_file *lf, const enum entry_state *st, bool current)
{
	const struct lease_entry *best = NULL;

	for (size_t i = 0; i < lf->n; i++) {
		const struct lease_entry *e = &lf->v[i];
		bool want = current ? st[i] == ENTRY_CURRENT
		                    : st[i] == ENTRY_EXPIRED || st[i] == ENTRY_OUTSIDE;

		if (!want)
			continue;
		if (best == NULL)
			best = e;
		else if (lf->format == LEASE_FORMAT_BOOTPD && e->expires > best->expires)
			best = e;
	}
	return best;
}

static void
lease_facts(struct probe_result *r, const struct lease_entry *e)
{
	char when[40];

	iso_time(e->expires, when, sizeof when);
	probe_result_fact(r, "lease.ip", "%s", e->ip);
	if (e->mac[0] != '\0')
		probe_result_fact(r, "lease.mac", "%s", e->mac);
	probe_result_fact(r, "lease.expires", "%s", when);
}

/* The hardware address of an entry for people: normalised, else as written. */
static const char *
entry_hw(const struct lease_entry *e)
{
	if (e->mac[0] != '\0')
		return e->mac;
	return e->hw != NULL ? e->hw : "?";
}

static const char *
state_verdict(const struct leases_query *q, const struct lease_entry *e, enum entry_state s,
              char *buf, size_t len)
{
	char when[40];

	iso_time(e->expires, when, sizeof when);
	switch (s) {
	case ENTRY_CURRENT:
		if (e->expires == 0)
			snprintf(buf, len, "%s", _("current, never expires"));
		else
			snprintf(buf, len, _("current, until %s"), when);
		break;
	case ENTRY_EXPIRED:
		snprintf(buf, len, _("stale: expired at %s"), when);
		break;
	case ENTRY_OUTSIDE:
		snprintf(buf, len, _("stale: %s is outside %s"), e->ip, q->subnet);
		break;
	case ENTRY_DAMAGED:
		snprintf(buf, len, _("damaged: %s"), _(e->problem));
		break;
	case ENTRY_UNKNOWN:
		snprintf(buf, len, _("damaged, and whose it was cannot be read: %s"),
		         _(e->problem));
		break;
	case ENTRY_CONFLICT:
		snprintf(buf, len, _("another MAC, %s, holds the same address %s"), entry_hw(e),
		         e->ip);
		break;
	default:
		buf[0] = '\0';
		break;
	}
	return buf;
}

/* Why the current leases are more than one; NULL when they are not. Owned. */
static char *
duplicate_reason(const struct leases_query *q, const struct lease_file *lf,
                 const enum entry_state *st)
{
	size_t named = 0, addresses = 0;

	for (size_t i = 0; i < lf->n; i++) {
		if (st[i] == ENTRY_CONFLICT)
			return xasprintf(_("the address %s is also leased to %s"), lf->v[i].ip,
			                 entry_hw(&lf->v[i]));
	}
	for (size_t i = 0; i < lf->n; i++) {
		bool seen = false;

		if (st[i] != ENTRY_CURRENT)
			continue;
		named += name_hit(q, &lf->v[i]);
		for (size_t k = 0; k < i && !seen; k++)
			seen = st[k] == ENTRY_CURRENT && strcmp(lf->v[k].ip, lf->v[i].ip) == 0;
		addresses += !seen;
	}
	if (named > 1)
		return xasprintf(_("%zu current leases carry the name %s"), named, q->name);
	if (addresses > 1)
		return xasprintf(_("%zu different addresses"), addresses);
	return NULL;
}

static void
list_other_damage(struct probe_result *r, const struct leases_query *q, const struct lease_file *lf,
                  const enum entry_state *st)
{
	struct strbuf lines = STRBUF_INIT;
	size_t n = 0;

	for (size_t i = 0; i < lf->n; i++) {
		if (!lf->v[i].corrupt || st[i] != ENTRY_OTHER)
			continue;
		if (n < MAX_LISTED_LINES)
			strbuf_addf(&lines, "%s%zu", n > 0 ? ", " : "", lf->v[i].first_line);
		n++;
	}
	if (n == 0)
		goto out;
	if (n > MAX_LISTED_LINES)
		strbuf_adds(&lines, ", ...");
	probe_result_evidence(r,
	                      _("%s: damaged entries that do not mention the instance: %zu "
	                        "(at line %s)"),
	                      q->file, n, lines.buf);
out:
	strbuf_free(&lines);
}

static void
judge(struct probe_result *r, const struct leases_query *q, const struct lease_file *lf,
      const char *who)
{
	enum entry_state *st = xcalloc(lf->n > 0 ? lf->n : 1, sizeof *st);
	size_t counts[ENTRY_CONFLICT + 1] = {0}, shown = 0, valid = 0;
	const struct lease_entry *pick = NULL;
	char verdict[320];
	char *dup = NULL;

	classify(q, lf, st);
	for (size_t i = 0; i < lf->n; i++) {
		counts[st[i]]++;
		valid += !lf->v[i].corrupt;
	}
	probe_result_fact(r, "lease.count", "%zu",
	                  counts[ENTRY_CURRENT] + counts[ENTRY_EXPIRED] + counts[ENTRY_OUTSIDE]);
	probe_result_fact(r, "lease.current", "%zu", counts[ENTRY_CURRENT]);
	probe_result_evidence(r, _("%s: %s leases, %zu entries, %zu of them damaged"), q->file,
	                      lease_format_name(lf->format), lf->n, lf->ncorrupt);
	for (size_t i = 0; i < lf->n; i++) {
		if (st[i] == ENTRY_OTHER)
			continue;
		if (shown++ == MAX_EVIDENCE_ENTRIES) {
			probe_result_evidence(r, "%s", _("... more entries not shown"));
			break;
		}
		entry_evidence(r, q, &lf->v[i],
		               state_verdict(q, &lf->v[i], st[i], verdict, sizeof verdict));
	}
	list_other_damage(r, q, lf, st);

	/*
	 * Damage that may hide the instance's lease decides, unless a current
	 * lease was read all the same.
	 */
	if (counts[ENTRY_DAMAGED] > 0 || (valid == 0 && lf->ncorrupt > 0) ||
	    (counts[ENTRY_CURRENT] == 0 && counts[ENTRY_UNKNOWN] > 0)) {
		probe_result_set_outcome(r, "corrupt");
		if (counts[ENTRY_DAMAGED] > 0)
			probe_result_summary(
			    r,
			    _("%s holds jumbled or incomplete text that mentions %s "
			      "(entries: %zu)"),
			    q->file, who, counts[ENTRY_DAMAGED]);
		else if (valid == 0)
			probe_result_summary(r, _("%s holds no readable lease, only damaged text"),
			                     q->file);
		else
			probe_result_summary(r,
			                     _("%s holds no readable lease for %s, and damaged "
			                       "entries that could be its own (%zu)"),
			                     q->file, who, counts[ENTRY_UNKNOWN]);
	} else if (counts[ENTRY_CURRENT] > 0 && (dup = duplicate_reason(q, lf, st)) != NULL) {
		pick = chosen(lf, st, true);
		probe_result_set_outcome(r, "duplicate");
		lease_facts(r, pick);
		probe_result_summary(
		    r,
		    lf->format == LEASE_FORMAT_DNSMASQ
		        ? _("%s has more than one current lease (%s); the first in the "
		            "file is %s, line %zu")
		        : _("%s has more than one current lease (%s); the latest is "
		            "%s, line %zu"),
		    who, dup, pick->ip, pick->first_line);
	} else if (counts[ENTRY_CURRENT] > 0) {
		pick = chosen(lf, st, true);
		probe_result_set_outcome(r, "found");
		lease_facts(r, pick);
		if (pick->mac[0] != '\0' && q->mac[0] == '\0')
			probe_result_summary(r, _("%s has one current lease: %s, MAC %s"), who,
			                     pick->ip, pick->mac);
		else
			probe_result_summary(r, _("%s has one current lease: %s"), who, pick->ip);
	} else if (counts[ENTRY_EXPIRED] + counts[ENTRY_OUTSIDE] > 0) {
		pick = chosen(lf, st, false);
		probe_result_set_outcome(r, "stale");
		lease_facts(r, pick);
		if (expired(q, pick))
			probe_result_summary(
			    r, _("%s has no current lease: the latest, %s, has expired"), who,
			    pick->ip);
		else
			probe_result_summary(
			    r,
			    _("%s has no current lease: the latest, %s, lies outside "
			      "%s (an old subnet)"),
			    who, pick->ip, q->subnet);
	} else {
		probe_result_set_outcome(r, "missing");
		probe_result_summary(r, _("%s holds no lease for %s"), q->file, who);
	}
	free(dup);
	free(st);
}

static void
read_failed(struct probe_result *r, const struct leases_query *q, const struct host_result *hr,
            const char *os)
{
	const struct platform_info *pi = platform_info(os);
	const char *server =
	    pi != NULL && pi->dhcp_process != NULL ? pi->dhcp_process : _("the DHCP server");

	probe_result_evidence(r, "%s", hr->message);
	switch (hr->status) {
	case HOST_NO_SUCH:
		probe_result_set_outcome(r, "no_file");
		probe_result_summary(r,
		                     _("%s does not exist: %s has never handed out a lease here"),
		                     q->file, server);
		break;
	case HOST_DENIED:
		probe_result_set_outcome(r, "unreadable");
		probe_result_summary(r,
		                     _("%s may not be read: permission denied; run vmtriage with "
		                       "sudo"),
		                     q->file);
		break;
	case HOST_NOT_COLLECTED:
		probe_result_set_outcome(r, OUTCOME_ERROR);
		probe_result_summary(r, _("the snapshot does not hold %s: %s"), q->file,
		                     hr->message);
		break;
	default:
		probe_result_set_outcome(r, OUTCOME_ERROR);
		probe_result_summary(r, "%s", hr->message);
		break;
	}
}

/* Checks the parameters the table cannot; false with the outcome set. */
static bool
leases_query_init(const struct params *p, const struct probe_ctx *ctx, struct leases_query *q,
                  struct probe_result *r)
{
	const char *mac = params_get(p, "mac");
	const char *os = host_os(ctx->host);
	const struct platform_info *pi = platform_info(os);

	memset(q, 0, sizeof *q);
	q->name = params_get(p, "name");
	q->subnet = params_get(p, "subnet");
	q->file = params_get(p, "file");
	q->now = host_now(ctx->host);
	probe_result_set_outcome(r, OUTCOME_ERROR);
	if (q->name == NULL && mac == NULL) {
		probe_result_summary(
		    r, "%s", _("say whose lease to look for: name=INSTANCE, mac=MAC, or both"));
		return false;
	}
	if (mac != NULL && !lease_mac_normalise(mac, q->mac)) {
		probe_result_summary(r,
		                     _("'%s' is not a MAC address (six hex octets separated by ':' "
		                       "or '-')"),
		                     mac);
		return false;
	}
	if (q->subnet != NULL) {
		if (strchr(q->subnet, '/') == NULL ||
		    !net_cidr_parse(q->subnet, &q->net, &q->prefix)) {
			probe_result_summary(r, _("'%s' is not a subnet written ADDRESS/PREFIX"),
			                     q->subnet);
			return false;
		}
		q->has_subnet = true;
	}
	if (q->file == NULL) {
		if (pi == NULL || pi->leases_file == NULL) {
			probe_result_summary(
			    r,
			    _("there is no DHCP leases file Multipass reads on %s; "
			      "give file=PATH (on Windows, see the hosts_ics probe)"),
			    os);
			return false;
		}
		q->file = pi->leases_file;
	}
	return true;
}

static int
probe_leases_run(const struct params *p, const struct probe_ctx *ctx, struct probe_result *r)
{
	struct leases_query q;
	struct host_result hr;
	struct lease_file lf;
	size_t len;
	char *who = NULL;

	if (!leases_query_init(p, ctx, &q, r))
		return 0;
	probe_result_fact(r, "lease.file", "%s", q.file);
	host_read_file(ctx->host, q.file, LEASES_MAX_BYTES, &hr);
	if (hr.status != HOST_OK && hr.status != HOST_TOO_BIG) {
		read_failed(r, &q, &hr, host_os(ctx->host));
		goto out;
	}
	len = hr.out_len;
	if (hr.status == HOST_TOO_BIG) {
		/* The last line is cut: leave it out rather than call it damaged. */
		while (len > 0 && hr.out[len - 1] != '\n')
			len--;
		probe_result_evidence(r, _("only the first %d MiB of %s were read"),
		                      LEASES_MAX_BYTES / (1024 * 1024), q.file);
	}
	lease_parse(hr.out, len, &lf);
	probe_result_fact(r, "lease.format", "%s", lease_format_name(lf.format));
	if (q.name != NULL && q.mac[0] != '\0')
		who = xasprintf("%s (%s)", q.name, q.mac);
	else
		who = xstrdup(q.name != NULL ? q.name : q.mac);

	if (lf.format == LEASE_FORMAT_EMPTY) {
		probe_result_set_outcome(r, "missing");
		probe_result_summary(r, _("%s is empty: no lease has been handed out yet"), q.file);
		probe_result_evidence(r, _("%s: %zu bytes, all blank"), q.file, len);
	} else if (lf.format == LEASE_FORMAT_UNKNOWN) {
		const char *nl = memchr(hr.out, '\n', len);
		char *first = probe_clean_line(hr.out, nl != NULL ? (size_t)(nl - hr.out) : len,
		                               MAX_LINE_BYTES);

		probe_result_set_outcome(r, "corrupt");
		probe_result_summary(r, _("%s is neither a dnsmasq nor a bootpd leases file"),
		                     q.file);
		probe_result_evidence(r, "%s:1: %s", q.file, first);
		free(first);
	} else {
		judge(r, &q, &lf, who);
	}
	lease_file_free(&lf);
out:
	free(who);
	host_result_free(&hr);
	return 0;
}

const struct probe_entry probe_leases_entry = {
    .name = "leases",
    .summary = N_("The DHCP leases an instance holds (dnsmasq on Linux, bootpd on macOS): "
                  "one, none, duplicates, stale or damaged ones"),
    .params = leases_params,
    .outcomes = leases_outcomes,
    .facts = leases_facts,
    .default_timeout_ms = 10000,
    .run = probe_leases_run,
};
