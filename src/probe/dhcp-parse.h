/*
 * dhcp-parse.h: one captured frame in, what a help desk wants to know about
 * the DHCP message in it out. Pure: no pcap handle, no allocation, no
 * global state, so it can be fuzzed and tested on bytes built by hand. Every
 * length inside the frame is distrusted and checked before it is used.
 */
#ifndef VT_DHCP_PARSE_H
#define VT_DHCP_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Link types, by their pcap DLT_ numbers (pcap/dlt.h), so this header needs
 * no pcap. Files written with LINKTYPE_RAW (101) are given as DLT_RAW (12)
 * by libpcap on Linux; both are accepted.
 */
#define DHCP_LINK_EN10MB 1       /* Ethernet, 802.1Q/802.1ad tags allowed */
#define DHCP_LINK_RAW 12         /* a bare IPv4 packet (DLT_RAW) */
#define DHCP_LINK_RAW_FILE 101   /* the same, as LINKTYPE_RAW */
#define DHCP_LINK_LINUX_SLL 113  /* Linux cooked capture v1 (tcpdump -i any) */
#define DHCP_LINK_IPV4 228       /* a bare IPv4 packet (DLT_IPV4) */
#define DHCP_LINK_LINUX_SLL2 276 /* Linux cooked capture v2 (tcpdump 4.99 -i any) */

enum dhcp_status {
	DHCP_OK,        /* a DHCP message (BOOTP with option 53) */
	DHCP_NOT_DHCP,  /* well formed, but not DHCP (another protocol or port, plain BOOTP) */
	DHCP_MALFORMED, /* a header, length or option does not fit; see reason */
};

/* Option 53 values (RFC 2132, 9.6). Values above 8 exist (RFC 4388, 6926): kept as numbers. */
enum dhcp_msg_type {
	DHCP_TYPE_NONE = 0,
	DHCP_DISCOVER = 1,
	DHCP_OFFER = 2,
	DHCP_REQUEST = 3,
	DHCP_DECLINE = 4,
	DHCP_ACK = 5,
	DHCP_NAK = 6,
	DHCP_RELEASE = 7,
	DHCP_INFORM = 8,
};

#define DHCP_CHADDR_MAX 16
#define DHCP_HOSTNAME_MAX 255

struct dhcp_msg {
	enum dhcp_status status;
	/*
	 * Why the frame is not DHCP or is malformed: an untranslated English
	 * phrase marked N_() (static storage; pass it through _() to show it).
	 * NULL when status is DHCP_OK.
	 */
	const char *reason;

	/* Filled as far as parsing got; addresses are in network byte order. */
	uint8_t ip_src[4], ip_dst[4];
	uint16_t sport, dport;

	uint8_t op;    /* 1 BOOTREQUEST, 2 BOOTREPLY */
	uint8_t htype; /* 1: Ethernet */
	uint8_t hlen;  /* as sent; chaddr_len is what was kept */
	uint32_t xid;  /* host byte order */
	uint8_t ciaddr[4], yiaddr[4], siaddr[4], giaddr[4];
	uint8_t chaddr[DHCP_CHADDR_MAX];
	uint8_t chaddr_len; /* min(hlen, 16) */

	int type;           /* option 53, enum dhcp_msg_type or another value; 0 when absent */
	bool has_server_id; /* option 54 */
	uint8_t server_id[4];
	bool has_requested_ip; /* option 50 */
	uint8_t requested_ip[4];
	uint8_t overload; /* option 52: 1 file, 2 sname, 3 both; 0 none */
	/* Option 12, raw bytes (may hold anything, even NUL); NUL-terminated. */
	uint8_t hostname_len;
	char hostname[DHCP_HOSTNAME_MAX + 1];
};

/*
 * Parses one frame of link type linktype (a DHCP_LINK_ value). Always
 * fills *out, and returns out->status.
 */
enum dhcp_status dhcp_parse(const uint8_t *frame, size_t len, int linktype, struct dhcp_msg *out);

/* "DISCOVER", "OFFER", ... for types 1-8; NULL for any other value. */
const char *dhcp_type_name(int type);

/* Whether a link type is one dhcp_parse reads. */
bool dhcp_link_supported(int linktype);

/*
 * chaddr as text: "52:54:00:12:34:56" for Ethernet, else every kept byte in
 * hex joined by ':' ("-" when none). buf needs DHCP_CHADDR_TEXT bytes.
 */
#define DHCP_CHADDR_TEXT (DHCP_CHADDR_MAX * 3 + 1)
void dhcp_chaddr_text(const struct dhcp_msg *, char *buf);

#endif
