/*
 * dhcp-parse.c: link header -> IPv4 -> UDP -> BOOTP -> DHCP options, each
 * layer bounded by the one around it. A capture is hostile input (anything
 * on the bridge, or a file a user sent), so every offset is checked against
 * the bytes that are really there before it is read.
 */
#include "config.h"

#include <string.h>

#include "probe/dhcp-parse.h"
#include "util/util.h"

#define ETH_HLEN 14
#define SLL_HLEN 16
#define SLL2_HLEN 20
#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_VLAN 0x8100
#define ETHERTYPE_QINQ 0x88a8
#define ETHERTYPE_QINQ_OLD 0x9100
#define MAX_VLAN_TAGS 2

#define IPPROTO_UDP_NUM 17
#define UDP_HLEN 8
#define PORT_SERVER 67
#define PORT_CLIENT 68

/* The fixed BOOTP part (RFC 951) up to and including file[128]. */
#define BOOTP_FIXED 236
#define BOOTP_SNAME_OFF 44
#define BOOTP_SNAME_LEN 64
#define BOOTP_FILE_OFF 108
#define BOOTP_FILE_LEN 128
#define DHCP_COOKIE_LEN 4

#define OPT_PAD 0
#define OPT_HOSTNAME 12
#define OPT_REQUESTED_IP 50
#define OPT_OVERLOAD 52
#define OPT_MSG_TYPE 53
#define OPT_SERVER_ID 54
#define OPT_END 255

static const uint8_t dhcp_cookie[DHCP_COOKIE_LEN] = {99, 130, 83, 99};

/* A bounded view of the bytes still to read. */
struct span {
	const uint8_t *p;
	size_t len;
};

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static uint32_t
get32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static enum dhcp_status
verdict(struct dhcp_msg *m, enum dhcp_status status, const char *reason)
{
	m->status = status;
	m->reason = reason;
	return status;
}

bool
dhcp_link_supported(int linktype)
{
	switch (linktype) {
	case DHCP_LINK_EN10MB:
	case DHCP_LINK_RAW:
	case DHCP_LINK_RAW_FILE:
	case DHCP_LINK_IPV4:
	case DHCP_LINK_LINUX_SLL:
	case DHCP_LINK_LINUX_SLL2:
		return true;
	}
	return false;
}

/* Strips the link header; on success s holds the network-layer packet and *ethertype its type. */
static enum dhcp_status
strip_link(struct span *s, int linktype, uint16_t *ethertype, struct dhcp_msg *m)
{
	switch (linktype) {
	case DHCP_LINK_EN10MB:
		if (s->len < ETH_HLEN)
			return verdict(m, DHCP_MALFORMED, N_("shorter than an Ethernet header"));
		*ethertype = get16(s->p + 12);
		s->p += ETH_HLEN;
		s->len -= ETH_HLEN;
		/* A tagged frame (a VLAN on the bridge): the real type follows each tag. */
		for (int tags = 0; *ethertype == ETHERTYPE_VLAN || *ethertype == ETHERTYPE_QINQ ||
		                   *ethertype == ETHERTYPE_QINQ_OLD;
		     tags++) {
			if (tags == MAX_VLAN_TAGS)
				return verdict(m, DHCP_NOT_DHCP, N_("more than two VLAN tags"));
			if (s->len < 4)
				return verdict(m, DHCP_MALFORMED, N_("a VLAN tag is cut short"));
			*ethertype = get16(s->p + 2);
			s->p += 4;
			s->len -= 4;
		}
		return DHCP_OK;
	case DHCP_LINK_LINUX_SLL:
		if (s->len < SLL_HLEN)
			return verdict(m, DHCP_MALFORMED,
			               N_("shorter than a Linux cooked-capture header"));
		*ethertype = get16(s->p + 14);
		s->p += SLL_HLEN;
		s->len -= SLL_HLEN;
		return DHCP_OK;
	case DHCP_LINK_LINUX_SLL2:
		if (s->len < SLL2_HLEN)
			return verdict(m, DHCP_MALFORMED,
			               N_("shorter than a Linux cooked-capture v2 header"));
		*ethertype = get16(s->p);
		s->p += SLL2_HLEN;
		s->len -= SLL2_HLEN;
		return DHCP_OK;
	case DHCP_LINK_RAW:
	case DHCP_LINK_RAW_FILE:
	case DHCP_LINK_IPV4:
		*ethertype = ETHERTYPE_IPV4;
		return DHCP_OK;
	}
	return verdict(m, DHCP_NOT_DHCP, N_("a link type this probe does not read"));
}

/* On success s holds the UDP payload, cut to the lengths IPv4 and UDP declare. */
static enum dhcp_status
strip_ip_udp(struct span *s, struct dhcp_msg *m)
{
	size_t ihl, total, ulen;
	uint16_t frag;

	if (s->len < 1)
		return verdict(m, DHCP_MALFORMED, N_("no IPv4 header"));
	if ((s->p[0] >> 4) != 4)
		return verdict(m, DHCP_NOT_DHCP, N_("not IPv4"));
	ihl = (size_t)(s->p[0] & 0x0f) * 4;
	if (ihl < 20)
		return verdict(m, DHCP_MALFORMED, N_("an IPv4 header length below 20 bytes"));
	if (s->len < ihl)
		return verdict(m, DHCP_MALFORMED, N_("the IPv4 header is cut short"));
	total = get16(s->p + 2);
	if (total < ihl)
		return verdict(m, DHCP_MALFORMED,
		               N_("an IPv4 total length shorter than its header"));
	if (total > s->len)
		return verdict(m, DHCP_MALFORMED, N_("the IPv4 packet is cut short"));
	memcpy(m->ip_src, s->p + 12, 4);
	memcpy(m->ip_dst, s->p + 16, 4);
	if (s->p[9] != IPPROTO_UDP_NUM)
		return verdict(m, DHCP_NOT_DHCP, N_("not UDP"));
	/* Only a whole datagram can be parsed; DHCP is never fragmented in practice. */
	frag = get16(s->p + 6);
	if ((frag & 0x3fff) != 0)
		return verdict(m, DHCP_NOT_DHCP, N_("an IPv4 fragment"));
	/* Ethernet pads short frames: the IPv4 length, not the frame, ends the packet. */
	s->p += ihl;
	s->len = total - ihl;

	if (s->len < UDP_HLEN)
		return verdict(m, DHCP_MALFORMED, N_("the UDP header is cut short"));
	m->sport = get16(s->p);
	m->dport = get16(s->p + 2);
	ulen = get16(s->p + 4);
	if (m->sport != PORT_SERVER && m->sport != PORT_CLIENT && m->dport != PORT_SERVER &&
	    m->dport != PORT_CLIENT)
		return verdict(m, DHCP_NOT_DHCP, N_("not UDP port 67 or 68"));
	if (ulen < UDP_HLEN)
		return verdict(m, DHCP_MALFORMED, N_("a UDP length below 8 bytes"));
	if (ulen > s->len)
		return verdict(m, DHCP_MALFORMED, N_("a UDP length beyond the IPv4 packet"));
	s->p += UDP_HLEN;
	s->len = ulen - UDP_HLEN;
	return DHCP_OK;
}

/* What the options walk found; one per message, shared by the three option areas. */
struct opt_state {
	bool seen_type, seen_server, seen_requested, seen_hostname, seen_overload;
	bool ended; /* option 255 reached in this area */
};

/* Records one option; the first occurrence of each counts. */
static enum dhcp_status
take_option(uint8_t code, const uint8_t *v, size_t len, struct opt_state *st, struct dhcp_msg *m)
{
	switch (code) {
	case OPT_MSG_TYPE:
		if (st->seen_type)
			break;
		if (len != 1)
			return verdict(m, DHCP_MALFORMED,
			               N_("option 53 (message type) is not 1 byte long"));
		/* 0 is no type at all, and callers take type 0 to mean "no option 53". */
		if (v[0] == 0)
			return verdict(m, DHCP_MALFORMED, N_("option 53 (message type) is 0"));
		st->seen_type = true;
		m->type = v[0];
		break;
	case OPT_SERVER_ID:
		/* A wrong length is ignored rather than fatal: the message type still helps. */
		if (!st->seen_server && len == 4) {
			st->seen_server = true;
			m->has_server_id = true;
			memcpy(m->server_id, v, 4);
		}
		break;
	case OPT_REQUESTED_IP:
		if (!st->seen_requested && len == 4) {
			st->seen_requested = true;
			m->has_requested_ip = true;
			memcpy(m->requested_ip, v, 4);
		}
		break;
	case OPT_HOSTNAME:
		if (!st->seen_hostname) {
			st->seen_hostname = true;
			/* len came from one byte: at most 255, which fits. */
			memcpy(m->hostname, v, len);
			m->hostname[len] = '\0';
			m->hostname_len = (uint8_t)len;
		}
		break;
	case OPT_OVERLOAD:
		/* Only honoured in the options field itself (RFC 2131, 4.1). */
		if (!st->seen_overload && len == 1 && v[0] >= 1 && v[0] <= 3) {
			st->seen_overload = true;
			m->overload = v[0];
		}
		break;
	default:
		break;
	}
	return DHCP_OK;
}

/* Walks one option area (the options field, or file/sname when overloaded). */
static enum dhcp_status
walk_options(const uint8_t *p, size_t len, bool main_area, struct opt_state *st, struct dhcp_msg *m)
{
	size_t i = 0;

	st->ended = false;
	while (i < len) {
		uint8_t code = p[i], olen;

		if (code == OPT_PAD) {
			i++;
			continue;
		}
		if (code == OPT_END) {
			st->ended = true;
			return DHCP_OK;
		}
		if (i + 1 >= len)
			return verdict(m, DHCP_MALFORMED, N_("an option has no length byte"));
		olen = p[i + 1];
		if ((size_t)olen > len - i - 2)
			return verdict(m, DHCP_MALFORMED, N_("an option runs past the end"));
		/* Option 52 inside file or sname would be a loop: not honoured there. */
		if (main_area || code != OPT_OVERLOAD) {
			if (take_option(code, p + i + 2, olen, st, m) != DHCP_OK)
				return m->status;
		}
		i += 2 + (size_t)olen;
	}
	/* No end option: tolerated, as most clients and servers do. */
	return DHCP_OK;
}

static enum dhcp_status
parse_bootp(const uint8_t *p, size_t len, struct dhcp_msg *m)
{
	struct opt_state st = {0};

	if (len < BOOTP_FIXED)
		return verdict(m, DHCP_MALFORMED, N_("shorter than a BOOTP message"));
	m->op = p[0];
	m->htype = p[1];
	m->hlen = p[2];
	m->xid = get32(p + 4);
	memcpy(m->ciaddr, p + 12, 4);
	memcpy(m->yiaddr, p + 16, 4);
	memcpy(m->siaddr, p + 20, 4);
	memcpy(m->giaddr, p + 24, 4);
	m->chaddr_len = m->hlen < DHCP_CHADDR_MAX ? m->hlen : DHCP_CHADDR_MAX;
	memcpy(m->chaddr, p + 28, m->chaddr_len);
	if (m->op != 1 && m->op != 2)
		return verdict(m, DHCP_MALFORMED,
		               N_("a BOOTP op that is neither request nor reply"));
	if (len < BOOTP_FIXED + DHCP_COOKIE_LEN)
		return verdict(m, DHCP_NOT_DHCP, N_("BOOTP without the DHCP magic cookie"));
	if (memcmp(p + BOOTP_FIXED, dhcp_cookie, DHCP_COOKIE_LEN) != 0)
		return verdict(m, DHCP_NOT_DHCP,
		               N_("BOOTP with a wrong magic cookie (not 99.130.83.99)"));

	if (walk_options(p + BOOTP_FIXED + DHCP_COOKIE_LEN, len - BOOTP_FIXED - DHCP_COOKIE_LEN,
	                 true, &st, m) != DHCP_OK)
		return m->status;
	/* RFC 2131, 4.1: with option 52, file then sname carry more options. */
	if ((m->overload & 1) != 0 &&
	    walk_options(p + BOOTP_FILE_OFF, BOOTP_FILE_LEN, false, &st, m) != DHCP_OK)
		return m->status;
	if ((m->overload & 2) != 0 &&
	    walk_options(p + BOOTP_SNAME_OFF, BOOTP_SNAME_LEN, false, &st, m) != DHCP_OK)
		return m->status;
	if (!st.seen_type)
		return verdict(m, DHCP_NOT_DHCP,
		               N_("BOOTP without a DHCP message type (option 53)"));
	return verdict(m, DHCP_OK, NULL);
}

enum dhcp_status
dhcp_parse(const uint8_t *frame, size_t len, int linktype, struct dhcp_msg *out)
{
	struct span s = {frame, len};
	uint16_t ethertype = 0;

	memset(out, 0, sizeof *out);
	if (frame == NULL)
		s.len = 0;
	if (strip_link(&s, linktype, &ethertype, out) != DHCP_OK)
		return out->status;
	if (ethertype != ETHERTYPE_IPV4)
		return verdict(out, DHCP_NOT_DHCP, N_("not IPv4"));
	if (strip_ip_udp(&s, out) != DHCP_OK)
		return out->status;
	return parse_bootp(s.p, s.len, out);
}

const char *
dhcp_type_name(int type)
{
	static const char *const names[] = {
	    NULL, "DISCOVER", "OFFER", "REQUEST", "DECLINE", "ACK", "NAK", "RELEASE", "INFORM",
	};

	if (type < 1 || (size_t)type >= nitems(names))
		return NULL;
	return names[type];
}

void
dhcp_chaddr_text(const struct dhcp_msg *m, char *buf)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = 0;

	if (m->chaddr_len == 0) {
		strcpy(buf, "-");
		return;
	}
	for (size_t i = 0; i < m->chaddr_len; i++) {
		if (i > 0)
			buf[n++] = ':';
		buf[n++] = hex[m->chaddr[i] >> 4];
		buf[n++] = hex[m->chaddr[i] & 0x0f];
	}
	buf[n] = '\0';
}
