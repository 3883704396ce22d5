/*
 * probe-dhcp.c: the "dhcp" probe. Watches DHCP on the instance bridge (or
 * reads a capture file) and says how far the exchange got: the VM never
 * asked, nobody answered, an offer was never acknowledged, or an address was
 * given. It does by itself what the documents ask a person to do with
 * `tcpdump -i mpqemubr0 udp port 67 or udp port 68`.
 *
 * The pcap calls stay in three small functions (find_bridge, capture_open,
 * capture_run); everything that judges packets works on bytes (dhcp_parse)
 * and on the tally below, so a snapshot host can feed it later.
 */
#include "config.h"

#include <net/if.h>
#include <sys/time.h>

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <pcap/pcap.h>

#include "host/host.h"
#include "host/snapshot.h"
#include "probe/dhcp-parse.h"
#include "probe/probe-async.h"
#include "probe/probe.h"

#define DHCP_FILTER "udp port 67 or udp port 68"
/* Bigger than any DHCP frame on a 1500-byte link, with VLAN or cooked headers. */
#define SNAPLEN 4096
/* How often the capture wakes to see a cancel or the deadline: libpcap 1.10 never times out. */
#define TICK_MS 200
#define FILE_MAX_BYTES (64 * 1024 * 1024)
#define MAX_PACKET_LINES 200

#ifdef __APPLE__
/* macOS's vmnet (Multipass's QEMU driver) always makes this one. */
#define BRIDGE_NAME "bridge100"
#define BRIDGE_EXACT 1
#else
/* mpqemubr0 in older Multipass, mpqemubr plus a zone name in newer ones. */
#define BRIDGE_NAME "mpqemubr"
#define BRIDGE_EXACT 0
#endif

static const struct param_def dhcp_params[] = {
    {.name = "interface",
     .type = PARAM_NAME,
     .help = N_("interface to capture on; default: the Multipass bridge (mpqemubr* on Linux, "
                "bridge100 on macOS)")},
    {.name = "seconds",
     .type = PARAM_SECONDS,
     .def = "30",
     .help = N_("how long to watch; the capture stops early at the first ACK")},
    {.name = "file",
     .type = PARAM_PATH,
     .help = N_("read this capture file (pcap or pcapng) instead of capturing")},
    {.name = "save",
     .type = PARAM_PATH,
     .help = N_("also write the DHCP frames captured to this pcap file")},
    {.name = NULL},
};

static const struct outcome_def dhcp_outcomes[] = {
    {"no_request",
     N_("no DISCOVER or REQUEST was seen: the VM never asked (a boot or network card problem)")},
    {"no_reply", N_("the VM asked, but no OFFER or ACK came back")},
    {"offer_no_ack", N_("an address was offered (or refused with NAK) but never acknowledged")},
    {"ok", N_("the server acknowledged an address (ACK)")},
    {NULL, NULL},
};

static const char *const dhcp_facts[] = {
    "dhcp.interface",  "dhcp.requests", "dhcp.offers", "dhcp.acks",     "dhcp.naks",
    "dhcp.client_mac", "dhcp.address",  "dhcp.server", "dhcp.hostname", NULL,
};

/* One decisive message remembered: who, which address, from which server. */
struct dhcp_seen {
	bool set;
	char mac[DHCP_CHADDR_TEXT];
	uint8_t addr[4];
	uint8_t server[4];
	bool has_server;
};

/* Everything learnt so far from the packets; fed one frame at a time. */
struct dhcp_tally {
	bool have_t0;
	int64_t t0_us;         /* offsets in the evidence count from here */
	bool stop_at_ack;      /* capturing: the first ACK settles it */
	bool done;             /* an ACK was seen and stop_at_ack is set */
	unsigned long packets; /* frames on UDP port 67 or 68 */
	unsigned long ignored; /* frames of other traffic (files hold anything) */
	unsigned long requests, offers, acks, naks, malformed, not_dhcp;
	struct dhcp_seen first_request, first_offer, first_ack, first_nak;
	char *hostname;
};

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
ip_text(const uint8_t a[4], char *buf, size_t len)
{
	snprintf(buf, len, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
}

static bool
ip_zero(const uint8_t a[4])
{
	return a[0] == 0 && a[1] == 0 && a[2] == 0 && a[3] == 0;
}

/* Which server sent a reply: option 54, else the IP source, else siaddr. */
static bool
reply_server(const struct dhcp_msg *m, uint8_t out[4])
{
	if (m->has_server_id)
		memcpy(out, m->server_id, 4);
	else if (!ip_zero(m->ip_src))
		memcpy(out, m->ip_src, 4);
	else if (!ip_zero(m->siaddr))
		memcpy(out, m->siaddr, 4);
	else
		return false;
	return true;
}

static void
remember(struct dhcp_seen *s, const struct dhcp_msg *m, const uint8_t addr[4])
{
	if (s->set)
		return;
	s->set = true;
	dhcp_chaddr_text(m, s->mac);
	memcpy(s->addr, addr, 4);
	s->has_server = reply_server(m, s->server);
}

static bool
port_is_dhcp(uint16_t port)
{
	return port == 67 || port == 68;
}

/* The evidence line for one DHCP message. */
static void
packet_line(struct probe_result *r, const char *when, const struct dhcp_msg *m)
{
	const char *name = dhcp_type_name(m->type);
	char mac[DHCP_CHADDR_TEXT], addr[16], server[16], typebuf[32];
	const uint8_t *want = NULL;
	uint8_t srv[4];
	char *host = NULL;

	dhcp_chaddr_text(m, mac);
	if (name == NULL) {
		snprintf(typebuf, sizeof typebuf, _("type %d"), m->type);
		name = typebuf;
	}
	if (reply_server(m, srv))
		ip_text(srv, server, sizeof server);
	else
		strcpy(server, "?");
	if (m->hostname_len > 0)
		host = probe_clean_line(m->hostname, m->hostname_len, 64);

	switch (m->type) {
	case DHCP_OFFER:
	case DHCP_ACK:
		ip_text(m->yiaddr, addr, sizeof addr);
		probe_result_evidence(r, _("%s %s %s to %s from %s"), when, name, addr, mac,
		                      server);
		break;
	case DHCP_NAK:
		probe_result_evidence(r, _("%s %s to %s from %s"), when, name, mac, server);
		break;
	default: {
		/* Client messages: the address asked for (option 50) or held (ciaddr). */
		struct strbuf sb = STRBUF_INIT;

		strbuf_addf(&sb, _("%s %s xid 0x%08x from %s"), when, name, (unsigned)m->xid, mac);
		if (m->has_requested_ip)
			want = m->requested_ip;
		else if (!ip_zero(m->ciaddr))
			want = m->ciaddr;
		if (want != NULL) {
			ip_text(want, addr, sizeof addr);
			strbuf_addf(&sb, _(" for %s"), addr);
		}
		if (host != NULL)
			strbuf_addf(&sb, _(" hostname \"%s\""), host);
		strlist_take(&r->evidence, strbuf_detach(&sb));
		break;
	}
	}
	free(host);
}

/*
 * Adds one frame: counts it, remembers what decides the outcome, and writes
 * its evidence line. caplen is what was kept of a frame wirelen long.
 */
static void
tally_add(struct dhcp_tally *t, const uint8_t *frame, size_t caplen, size_t wirelen, int linktype,
          int64_t ts_us, struct probe_result *r)
{
	struct dhcp_msg m;
	char when[32];
	int64_t off;
	enum dhcp_status st = dhcp_parse(frame, caplen, linktype, &m);

	/* Files hold anything; only what reached UDP port 67 or 68 is DHCP's business. */
	if (!port_is_dhcp(m.sport) && !port_is_dhcp(m.dport)) {
		t->ignored++;
		return;
	}
	t->packets++;
	if (!t->have_t0) {
		t->have_t0 = true;
		t->t0_us = ts_us;
	}
	off = ts_us - t->t0_us;
	if (off < 0)
		off = 0;
	snprintf(when, sizeof when, "+%" PRId64 ".%03" PRId64 "s", off / 1000000,
	         (off / 1000) % 1000);

	if (st != DHCP_OK) {
		if (st == DHCP_MALFORMED)
			t->malformed++;
		else
			t->not_dhcp++;
		if (t->packets > MAX_PACKET_LINES)
			return;
		if (caplen < wirelen)
			probe_result_evidence(
			    r, _("%s %s: %s (only %zu of its %zu bytes captured)"), when,
			    st == DHCP_MALFORMED ? _("malformed") : _("not DHCP"), _(m.reason),
			    caplen, wirelen);
		else
			probe_result_evidence(r, "%s %s: %s", when,
			                      st == DHCP_MALFORMED ? _("malformed") : _("not DHCP"),
			                      _(m.reason));
		return;
	}

	switch (m.type) {
	case DHCP_DISCOVER:
	case DHCP_REQUEST:
		t->requests++;
		remember(&t->first_request, &m, m.has_requested_ip ? m.requested_ip : m.ciaddr);
		break;
	case DHCP_OFFER:
		t->offers++;
		remember(&t->first_offer, &m, m.yiaddr);
		break;
	case DHCP_ACK:
		t->acks++;
		remember(&t->first_ack, &m, m.yiaddr);
		if (t->stop_at_ack)
			t->done = true;
		break;
	case DHCP_NAK:
		t->naks++;
		remember(&t->first_nak, &m, m.yiaddr);
		break;
	default:
		break;
	}
	if (t->hostname == NULL && m.hostname_len > 0 && m.op == 1)
		t->hostname = probe_clean_line(m.hostname, m.hostname_len, 64);
	if (t->packets <= MAX_PACKET_LINES)
		packet_line(r, when, &m);
}

static void
fact_seen(struct probe_result *r, const struct dhcp_seen *s, bool addr)
{
	char buf[16];

	probe_result_fact(r, "dhcp.client_mac", "%s", s->mac);
	if (addr && !ip_zero(s->addr)) {
		ip_text(s->addr, buf, sizeof buf);
		probe_result_fact(r, "dhcp.address", "%s", buf);
	}
	if (s->has_server) {
		ip_text(s->server, buf, sizeof buf);
		probe_result_fact(r, "dhcp.server", "%s", buf);
	}
}

/* The outcome, facts and summary from the tally; where is "on IFACE" or "in FILE". */
static void
tally_judge(const struct dhcp_tally *t, const char *where, struct probe_result *r)
{
	char addr[16], server[16];

	if (t->packets > MAX_PACKET_LINES)
		probe_result_evidence(r, _("... %lu more DHCP packets not shown"),
		                      t->packets - MAX_PACKET_LINES);
	if (t->ignored > 0)
		probe_result_evidence(r, _("%lu other packets ignored (not UDP port 67 or 68)"),
		                      t->ignored);
	probe_result_fact(r, "dhcp.requests", "%lu", t->requests);
	probe_result_fact(r, "dhcp.offers", "%lu", t->offers);
	probe_result_fact(r, "dhcp.acks", "%lu", t->acks);
	probe_result_fact(r, "dhcp.naks", "%lu", t->naks);
	if (t->hostname != NULL)
		probe_result_fact(r, "dhcp.hostname", "%s", t->hostname);

	if (t->acks > 0) {
		fact_seen(r, &t->first_ack, true);
		/* An ACK to INFORM carries no new address: fall back on the offer's. */
		if (ip_zero(t->first_ack.addr) && t->first_offer.set &&
		    !ip_zero(t->first_offer.addr)) {
			ip_text(t->first_offer.addr, addr, sizeof addr);
			probe_result_fact(r, "dhcp.address", "%s", addr);
		}
		ip_text(t->first_ack.addr, addr, sizeof addr);
		ip_text(t->first_ack.server, server, sizeof server);
		probe_result_set_outcome(r, "ok");
		probe_result_summary(r, _("%s got the address %s from the DHCP server %s %s"),
		                     t->first_ack.mac, addr, t->first_ack.has_server ? server : "?",
		                     where);
	} else if (t->offers > 0 || t->naks > 0) {
		probe_result_set_outcome(r, "offer_no_ack");
		if (t->offers > 0) {
			fact_seen(r, &t->first_offer, true);
			ip_text(t->first_offer.addr, addr, sizeof addr);
		}
		if (t->naks > 0 && !t->first_offer.set)
			fact_seen(r, &t->first_nak, false);
		if (t->naks > 0)
			probe_result_summary(
			    r,
			    _("the DHCP server refused the request of %s (NAK) %s: no address was "
			      "acknowledged"),
			    t->first_nak.mac, where);
		else
			probe_result_summary(
			    r,
			    _("%s was offered %s %s, but no ACK followed (%lu REQUEST or DISCOVER "
			      "seen)"),
			    t->first_offer.mac, addr, where, t->requests);
	} else if (t->requests > 0) {
		fact_seen(r, &t->first_request, false);
		probe_result_set_outcome(r, "no_reply");
		probe_result_summary(r,
		                     _("%s asked for an address %lu time(s) %s, and no DHCP "
		                       "server answered"),
		                     t->first_request.mac, t->requests, where);
	} else {
		probe_result_set_outcome(r, "no_request");
		probe_result_summary(r,
		                     _("no DHCP request was seen %s: the VM never asked for an "
		                       "address (it did not boot, or its network card is not up)"),
		                     where);
	}
}

/* ---- live capture -------------------------------------------------------- */

/* The Multipass bridge: the first interface named like one. NULL and *cause when none. */
static char *
find_bridge(char **cause)
{
	struct if_nameindex *ifs = if_nameindex(), *i = NULL;
	char *found = NULL;

	if (ifs == NULL) {
		*cause = xasprintf(_("cannot list the network interfaces: %s"), strerror(errno));
		return NULL;
	}
	for (i = ifs; i->if_index != 0 && i->if_name != NULL; i++) {
		if (BRIDGE_EXACT ? strcmp(i->if_name, BRIDGE_NAME) == 0
		                 : str_has_prefix(i->if_name, BRIDGE_NAME)) {
			found = xstrdup(i->if_name);
			break;
		}
	}
	if_freenameindex(ifs);
	if (found == NULL)
		*cause = xasprintf(BRIDGE_EXACT
		                       ? _("no Multipass bridge found: there is no interface "
		                           "named %s (name one with interface=)")
		                       : _("no Multipass bridge found: no interface's name starts "
		                           "with %s (name one with interface=)"),
		                   BRIDGE_NAME);
	return found;
}

/* Opens and filters a capture on iface; NULL and *cause (for the user) on failure. */
static pcap_t *
capture_open(const char *iface, char **cause)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	struct bpf_program prog;
	pcap_t *p = NULL;
	int rc;

	if ((p = pcap_create(iface, errbuf)) == NULL) {
		*cause = xasprintf(_("cannot capture on %s: %s"), iface, errbuf);
		return NULL;
	}
	pcap_set_snaplen(p, SNAPLEN);
	pcap_set_promisc(p, 0); /* broadcasts and our own bridge's traffic are enough */
	pcap_set_immediate_mode(p, 1);
	rc = pcap_activate(p);
	if (rc < 0) {
		switch (rc) {
		case PCAP_ERROR_PERM_DENIED:
			*cause = xasprintf(_("capturing on %s needs root: run it again with sudo "
			                     "(%s)"),
			                   iface, pcap_geterr(p));
			break;
		case PCAP_ERROR_NO_SUCH_DEVICE:
			*cause = xasprintf(_("there is no interface called %s"), iface);
			break;
		case PCAP_ERROR_IFACE_NOT_UP:
			*cause = xasprintf(_("the interface %s is down"), iface);
			break;
		default:
			*cause = xasprintf(_("cannot capture on %s: %s"), iface, pcap_geterr(p));
			break;
		}
		pcap_close(p);
		return NULL;
	}
	if (pcap_compile(p, &prog, DHCP_FILTER, 1, PCAP_NETMASK_UNKNOWN) == -1) {
		*cause =
		    xasprintf(_("cannot compile the filter '%s': %s"), DHCP_FILTER, pcap_geterr(p));
		pcap_close(p);
		return NULL;
	}
	rc = pcap_setfilter(p, &prog);
	pcap_freecode(&prog);
	if (rc == -1 || pcap_setnonblock(p, 1, errbuf) == -1) {
		*cause = xasprintf(_("cannot set up the capture on %s: %s"), iface,
		                   rc == -1 ? pcap_geterr(p) : errbuf);
		pcap_close(p);
		return NULL;
	}
	return p;
}

struct dispatch_arg {
	pcap_t *p;
	int linktype;
	struct dhcp_tally *t;
	struct probe_result *r;
	const struct probe_ctx *ctx;
	pcap_dumper_t *dump; /* "save": every frame the filter let through */
};

static void
on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct dispatch_arg *a = (struct dispatch_arg *)user;
	unsigned long before = a->t->packets;

	if (a->dump != NULL)
		pcap_dump((u_char *)a->dump, h, bytes);
	tally_add(a->t, bytes, h->caplen, h->len, a->linktype,
	          (int64_t)h->ts.tv_sec * 1000000 + h->ts.tv_usec, a->r);
	if (a->t->packets != before)
		probe_progress(a->ctx, _("%lu packets seen"), a->t->packets);
	if (a->t->done && a->p != NULL)
		pcap_breakloop(a->p);
}

/*
 * Reads packets until the window closes, the first ACK, or a cancel. libpcap
 * 1.10's read timeout never fires on a quiet link, so the capture is
 * non-blocking and we poll its fd in short ticks against our own deadline.
 * Returns 0, or -1 with *cause.
 */
static int
capture_run(pcap_t *p, long window_ms, const struct probe_ctx *ctx, struct dhcp_tally *t,
            struct probe_result *r, pcap_dumper_t *dump, char **cause)
{
	struct dispatch_arg a = {p, pcap_datalink(p), t, r, ctx, dump};
	int fd = pcap_get_selectable_fd(p);
	int64_t deadline = mono_ms() + window_ms;

	if (fd < 0) {
		*cause = xstrdup(_("this capture cannot be waited on (no selectable fd)"));
		return -1;
	}
	if (!dhcp_link_supported(a.linktype)) {
		*cause = xasprintf(_("the interface's link type %s is not one this probe reads"),
		                   pcap_datalink_val_to_name(a.linktype) != NULL
		                       ? pcap_datalink_val_to_name(a.linktype)
		                       : "?");
		return -1;
	}
	while (!t->done && !vt_cancelled) {
		struct pollfd pfd = {fd, POLLIN, 0};
		int64_t left = deadline - mono_ms();

		if (left <= 0)
			break;
		if (poll(&pfd, 1, left < TICK_MS ? (int)left : TICK_MS) == -1 && errno != EINTR) {
			*cause = xasprintf(_("waiting for packets failed: %s"), strerror(errno));
			return -1;
		}
		/* Also on a quiet tick: a ring buffer may hold frames poll did not flag. */
		if (pcap_dispatch(p, -1, on_packet, (u_char *)&a) == PCAP_ERROR) {
			*cause = xasprintf(_("the capture stopped: %s"), pcap_geterr(p));
			return -1;
		}
	}
	return 0;
}

static int
dhcp_capture(const char *given_iface, long seconds, const char *save,
             const struct probe_ctx *ctx, struct dhcp_tally *t, struct probe_result *r)
{
	char *iface = NULL, *cause = NULL, *where = NULL;
	struct timeval start;
	pcap_t *p = NULL;
	pcap_dumper_t *dump = NULL;
	int64_t t_open;
	int rc = 0;

	iface = given_iface != NULL ? xstrdup(given_iface) : find_bridge(&cause);
	if (iface == NULL)
		goto fail;
	probe_result_fact(r, "dhcp.interface", "%s", iface);
	if ((p = capture_open(iface, &cause)) == NULL)
		goto fail;
	if (save != NULL && (dump = pcap_dump_open(p, save)) == NULL) {
		cause = xasprintf(_("cannot save the capture to %s: %s"), save, pcap_geterr(p));
		goto fail;
	}
	/* Packet times are wall-clock: the evidence counts from the start of the window. */
	gettimeofday(&start, NULL);
	t->have_t0 = true;
	t->t0_us = (int64_t)start.tv_sec * 1000000 + start.tv_usec;
	t->stop_at_ack = true;
	t_open = mono_ms();
	probe_result_evidence(r, _("capturing '%s' on %s for up to %ld s"), DHCP_FILTER, iface,
	                      seconds);
	probe_progress(ctx, _("listening on %s"), iface);
	if (capture_run(p, seconds * 1000, ctx, t, r, dump, &cause) == -1)
		goto fail;
	if (vt_cancelled) {
		probe_result_set_outcome(r, OUTCOME_ERROR);
		probe_result_summary(r, _("cancelled after %.1f s, with %lu DHCP packets seen"),
		                     (double)(mono_ms() - t_open) / 1000, t->packets);
		goto out;
	}
	if (t->done)
		probe_result_evidence(r, _("stopped at the first ACK, %.1f s into the window"),
		                      (double)(mono_ms() - t_open) / 1000);
	else
		probe_result_evidence(r, _("window of %ld s closed"), seconds);
	where = xasprintf(_("on %s"), iface);
	tally_judge(t, where, r);
	goto out;

fail:
	probe_result_set_outcome(r, OUTCOME_ERROR);
	probe_result_summary(r, "%s", cause);
	probe_result_evidence(r, "%s", cause);
out:
	if (dump != NULL)
		pcap_dump_close(dump);
	if (p != NULL)
		pcap_close(p);
	free(iface);
	free(where);
	free(cause);
	return rc;
}

/* ---- capture files ------------------------------------------------------- */

/* The file comes through the host, so a snapshot's capture reads the same way. */
static int
dhcp_file(const char *path, const struct probe_ctx *ctx, struct dhcp_tally *t,
          struct probe_result *r)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	struct host_result hr = {0};
	struct pcap_pkthdr *h = NULL;
	const u_char *bytes = NULL;
	char *cause = NULL, *where = NULL;
	pcap_t *p = NULL;
	FILE *fp = NULL;
	int linktype, rc = 0;

	host_read_file(ctx->host, path, FILE_MAX_BYTES, &hr);
	if (hr.status != HOST_OK && hr.status != HOST_TOO_BIG) {
		cause = xstrdup(hr.message);
		goto fail;
	}
	if (hr.out_len == 0) {
		cause = xasprintf(_("%s is empty: not a capture file"), path);
		goto fail;
	}
	if ((fp = fmemopen(hr.out, hr.out_len, "rb")) == NULL) {
		cause = xasprintf(_("cannot read %s: %s"), path, strerror(errno));
		goto fail;
	}
	if ((p = pcap_fopen_offline(fp, errbuf)) == NULL) {
		fclose(fp);
		cause = xasprintf(_("%s is not a capture file libpcap can read: %s"), path, errbuf);
		goto fail;
	}
	linktype = pcap_datalink(p);
	if (!dhcp_link_supported(linktype)) {
		cause = xasprintf(_("%s holds frames of link type %s, which this probe does not "
		                    "read (Ethernet and Linux cooked captures are)"),
		                  path,
		                  pcap_datalink_val_to_name(linktype) != NULL
		                      ? pcap_datalink_val_to_name(linktype)
		                      : "?");
		goto fail;
	}
	probe_result_evidence(r, _("reading %s"), path);
	if (hr.status == HOST_TOO_BIG)
		probe_result_evidence(r, _("only the first %d MiB of %s are read"),
		                      FILE_MAX_BYTES / (1024 * 1024), path);
	/* A file is read to its end: its later packets are evidence too. */
	while (!vt_cancelled && (rc = pcap_next_ex(p, &h, &bytes)) >= 0) {
		unsigned long before = t->packets;

		if (rc == 0)
			continue;
		tally_add(t, bytes, h->caplen, h->len, linktype,
		          (int64_t)h->ts.tv_sec * 1000000 + h->ts.tv_usec, r);
		if (t->packets != before)
			probe_progress(ctx, _("%lu packets seen"), t->packets);
	}
	if (vt_cancelled) {
		probe_result_set_outcome(r, OUTCOME_ERROR);
		probe_result_summary(r, _("cancelled while reading %s"), path);
		goto out;
	}
	/* A cut-off last record: say so, and judge what came before it. */
	if (rc == PCAP_ERROR)
		probe_result_evidence(r, _("%s ends in a damaged record: %s"), path,
		                      pcap_geterr(p));
	where = xasprintf(_("in %s"), path);
	tally_judge(t, where, r);
	goto out;

fail:
	probe_result_set_outcome(r, OUTCOME_ERROR);
	probe_result_summary(r, "%s", cause);
	probe_result_evidence(r, "%s", cause);
out:
	if (p != NULL)
		pcap_close(p); /* closes fp too */
	host_result_free(&hr);
	free(where);
	free(cause);
	return 0;
}

static int
probe_dhcp_run(const struct params *p, const struct probe_ctx *ctx, struct probe_result *r)
{
	struct dhcp_tally t;
	const char *file = params_get(p, "file");
	int rc;

	memset(&t, 0, sizeof t);
	/* A snapshot answers a capture with the one `vmtriage collect --capture` made. */
	if (file == NULL && !host_is_live(ctx->host)) {
		file = SNAPSHOT_DHCP_CAPTURE;
		probe_result_evidence(r, _("the capture vmtriage collect made, from the snapshot"));
	}
	if (file != NULL)
		rc = dhcp_file(file, ctx, &t, r);
	else
		rc = dhcp_capture(params_get(p, "interface"), params_get_long(p, "seconds", 30),
		                  params_get(p, "save"), ctx, &t, r);
	free(t.hostname);
	return rc;
}

const struct probe_entry probe_dhcp_entry = {
    .name = "dhcp",
    .summary = N_("Watches DHCP on the instance bridge (or reads a capture) and says how far "
                  "the exchange got"),
    .params = dhcp_params,
    .outcomes = dhcp_outcomes,
    .facts = dhcp_facts,
    .default_timeout_ms = 30000,
    .run = probe_dhcp_run,
};
