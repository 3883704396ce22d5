/*
 * dhcp-frames.h: builds DHCP frames byte by byte (link header, IPv4, UDP,
 * BOOTP, options) for the parser's tests, the probe's pcap-file tests and
 * the fuzzer's seeds. Plain C: no cmocka, no pcap.
 */
#ifndef VT_DHCP_FRAMES_H
#define VT_DHCP_FRAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DHCP_FRAME_MAX 2048

struct dhcp_frame_spec {
	int linktype; /* a DHCP_LINK_ value; 0: Ethernet */
	int type;     /* option 53; 0: leave option 53 out */
	uint32_t xid;
	uint8_t mac[6];
	uint8_t ciaddr[4], yiaddr[4], siaddr[4];
	uint8_t ip_src[4], ip_dst[4]; /* all zero: chosen from the direction */
	uint16_t sport, dport;        /* 0: 68->67 for client messages, 67->68 for replies */
	bool has_server_id;
	uint8_t server_id[4];
	bool has_requested_ip;
	uint8_t requested_ip[4];
	const char *hostname; /* option 12 when not NULL */
	const uint8_t *extra; /* raw option bytes added after the others */
	size_t extra_len;
	bool no_end; /* leave out option 255 */
	bool bad_cookie;
	size_t pad; /* zero bytes after the IPv4 packet (Ethernet minimum-frame padding) */
};

/* Writes the frame into buf (DHCP_FRAME_MAX bytes); returns its length. */
size_t dhcp_frame_build(const struct dhcp_frame_spec *, uint8_t *buf);

/* The length of the link header dhcp_frame_build writes for linktype. */
size_t dhcp_frame_link_len(int linktype);

/* Offsets inside a built frame, from its link header's end. */
#define DHCP_FRAME_IP_OFF 0
#define DHCP_FRAME_UDP_OFF 20
#define DHCP_FRAME_BOOTP_OFF 28
#define DHCP_FRAME_OPTIONS_OFF (28 + 236 + 4)

/* A typical client's or server's message, filled as in the lab (52:54:00:12:34:56, 10.97.5.x). */
void dhcp_frame_typical(struct dhcp_frame_spec *, int type);

#endif
