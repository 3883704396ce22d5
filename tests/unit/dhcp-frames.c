/*
 * dhcp-frames.c: the frame builder the DHCP tests and the fuzzer share.
 * Writes every header field by hand, big-endian, so a test reads as the wire
 * does and owes nothing to the system's structs.
 */
#include "config.h"

#include <string.h>

#include "dhcp-frames.h"
#include "probe/dhcp-parse.h"

static void
put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static bool
is_reply(int type)
{
	return type == DHCP_OFFER || type == DHCP_ACK || type == DHCP_NAK;
}

size_t
dhcp_frame_link_len(int linktype)
{
	switch (linktype) {
	case 0:
	case DHCP_LINK_EN10MB:
		return 14;
	case DHCP_LINK_LINUX_SLL:
		return 16;
	case DHCP_LINK_LINUX_SLL2:
		return 20;
	default:
		return 0;
	}
}

static void
put_link(const struct dhcp_frame_spec *s, uint8_t *p)
{
	static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	static const uint8_t server_mac[6] = {0x52, 0x54, 0x00, 0xaa, 0xbb, 0xcc};
	bool reply = is_reply(s->type);

	switch (s->linktype) {
	case 0:
	case DHCP_LINK_EN10MB:
		memcpy(p, bcast, 6);
		memcpy(p + 6, reply ? server_mac : s->mac, 6);
		put16(p + 12, 0x0800);
		break;
	case DHCP_LINK_LINUX_SLL:
		put16(p, reply ? 4 : 1); /* sent by us / broadcast */
		put16(p + 2, 1);         /* ARPHRD_ETHER */
		put16(p + 4, 6);
		memcpy(p + 6, reply ? server_mac : s->mac, 6);
		put16(p + 14, 0x0800);
		break;
	case DHCP_LINK_LINUX_SLL2:
		put16(p, 0x0800);
		put32(p + 4, 3); /* interface index */
		put16(p + 8, 1); /* ARPHRD_ETHER */
		p[10] = reply ? 4 : 1;
		p[11] = 6;
		memcpy(p + 12, reply ? server_mac : s->mac, 6);
		break;
	default:
		break;
	}
}

static size_t
put_option(uint8_t *p, uint8_t code, const void *v, size_t len)
{
	p[0] = code;
	p[1] = (uint8_t)len;
	memcpy(p + 2, v, len);
	return 2 + len;
}

size_t
dhcp_frame_build(const struct dhcp_frame_spec *s, uint8_t *buf)
{
	static const uint8_t zero[4];
	size_t link = dhcp_frame_link_len(s->linktype), n, udp_len, ip_len;
	uint8_t *ip = buf + link, *udp = ip + 20, *b = udp + 8, *o = NULL;
	bool reply = is_reply(s->type);
	uint8_t src[4], dst[4];

	memset(buf, 0, DHCP_FRAME_MAX);
	put_link(s, buf);

	/* BOOTP fixed part. */
	b[0] = reply ? 2 : 1;
	b[1] = 1;
	b[2] = 6;
	put32(b + 4, s->xid);
	memcpy(b + 12, s->ciaddr, 4);
	memcpy(b + 16, s->yiaddr, 4);
	memcpy(b + 20, s->siaddr, 4);
	memcpy(b + 28, s->mac, 6);
	if (s->bad_cookie) {
		b[236] = 1;
		b[237] = 2;
		b[238] = 3;
		b[239] = 4;
	} else {
		b[236] = 99;
		b[237] = 130;
		b[238] = 83;
		b[239] = 99;
	}
	o = b + 240;
	n = 0;
	if (s->type != 0) {
		uint8_t t = (uint8_t)s->type;

		n += put_option(o + n, 53, &t, 1);
	}
	if (s->has_server_id)
		n += put_option(o + n, 54, s->server_id, 4);
	if (s->has_requested_ip)
		n += put_option(o + n, 50, s->requested_ip, 4);
	if (s->hostname != NULL)
		n += put_option(o + n, 12, s->hostname, strlen(s->hostname));
	if (s->extra != NULL) {
		memcpy(o + n, s->extra, s->extra_len);
		n += s->extra_len;
	}
	if (!s->no_end)
		o[n++] = 255;
	udp_len = 8 + 240 + n;
	ip_len = 20 + udp_len;

	/* UDP, checksum 0 (none): the parser never looks at it. */
	put16(udp, s->sport != 0 ? s->sport : reply ? 67 : 68);
	put16(udp + 2, s->dport != 0 ? s->dport : reply ? 68 : 67);
	put16(udp + 4, (unsigned)udp_len);

	/* IPv4 without options. */
	if (memcmp(s->ip_src, zero, 4) != 0 || memcmp(s->ip_dst, zero, 4) != 0) {
		memcpy(src, s->ip_src, 4);
		memcpy(dst, s->ip_dst, 4);
	} else if (reply) {
		memcpy(src, s->has_server_id ? s->server_id : s->siaddr, 4);
		memset(dst, 0xff, 4);
	} else {
		memset(src, 0, 4);
		memset(dst, 0xff, 4);
	}
	ip[0] = 0x45;
	put16(ip + 2, (unsigned)ip_len);
	ip[8] = 64;
	ip[9] = 17;
	memcpy(ip + 12, src, 4);
	memcpy(ip + 16, dst, 4);
	return link + ip_len + s->pad;
}

void
dhcp_frame_typical(struct dhcp_frame_spec *s, int type)
{
	static const uint8_t mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
	static const uint8_t server[4] = {10, 97, 5, 1}, addr[4] = {10, 97, 5, 23};

	memset(s, 0, sizeof *s);
	s->linktype = DHCP_LINK_EN10MB;
	s->type = type;
	s->xid = 0x3903f326;
	memcpy(s->mac, mac, 6);
	switch (type) {
	case DHCP_OFFER:
	case DHCP_ACK:
		memcpy(s->yiaddr, addr, 4);
		/* fall through */
	case DHCP_NAK:
		s->has_server_id = true;
		memcpy(s->server_id, server, 4);
		break;
	case DHCP_REQUEST:
		s->has_server_id = true;
		memcpy(s->server_id, server, 4);
		s->has_requested_ip = true;
		memcpy(s->requested_ip, addr, 4);
		s->hostname = "primary";
		break;
	case DHCP_DECLINE:
		s->has_requested_ip = true;
		memcpy(s->requested_ip, addr, 4);
		break;
	case DHCP_RELEASE:
	case DHCP_INFORM:
		memcpy(s->ciaddr, addr, 4);
		break;
	default:
		s->hostname = "primary";
		break;
	}
}
