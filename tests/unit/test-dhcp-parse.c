/*
 * test-dhcp-parse.c: the DHCP parser on frames built byte by byte: every
 * message type, every link type it reads, each layer's lengths broken in
 * turn, options that lie about their size, and every truncation of a whole
 * frame, each copied to an exact-size heap buffer so valgrind and ASan see
 * a read one byte too far.
 */
#include "config.h"

#include "cmocka-prelude.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp-frames.h"
#include "probe/dhcp-parse.h"
#include "testutil.h"

/* Parses an exact-size copy of len bytes of frame. */
static enum dhcp_status
parse_copy(const uint8_t *frame, size_t len, int linktype, struct dhcp_msg *m)
{
	uint8_t *copy = xmalloc(len > 0 ? len : 1);
	enum dhcp_status st;

	memcpy(copy, frame, len);
	st = dhcp_parse(len > 0 ? copy : NULL, len, linktype, m);
	free(copy);
	return st;
}

static size_t
build_typical(int type, uint8_t *buf, struct dhcp_frame_spec *s)
{
	dhcp_frame_typical(s, type);
	return dhcp_frame_build(s, buf);
}

static void
test_every_type(void **state)
{
	static const char *const names[] = {NULL,  "DISCOVER", "OFFER",   "REQUEST", "DECLINE",
	                                    "ACK", "NAK",      "RELEASE", "INFORM"};
	uint8_t buf[DHCP_FRAME_MAX];
	struct dhcp_frame_spec s;
	struct dhcp_msg m;
	char mac[DHCP_CHADDR_TEXT];

	(void)state;
	for (int type = 1; type <= 8; type++) {
		size_t len = build_typical(type, buf, &s);

		assert_int_equal(parse_copy(buf, len, DHCP_LINK_EN10MB, &m), DHCP_OK);
		assert_null(m.reason);
		assert_int_equal(m.type, type);
		assert_string_equal(dhcp_type_name(m.type), names[type]);
		assert_int_equal(m.xid, 0x3903f326);
		dhcp_chaddr_text(&m, mac);
		assert_string_equal(mac, "52:54:00:12:34:56");
		assert_int_equal(
		    m.op, type == DHCP_OFFER || type == DHCP_ACK || type == DHCP_NAK ? 2 : 1);
		assert_int_equal(m.sport, m.op == 1 ? 68 : 67);
	}
	assert_null(dhcp_type_name(0));
	assert_null(dhcp_type_name(9));
	assert_null(dhcp_type_name(-1));
	assert_null(dhcp_type_name(255));
}

static void
test_fields(void **state)
{
	static const uint8_t addr[4] = {10, 97, 5, 23}, server[4] = {10, 97, 5, 1};
	uint8_t buf[DHCP_FRAME_MAX];
	struct dhcp_frame_spec s;
	struct dhcp_msg m;
	size_t len;

	(void)state;
	len = build_typical(DHCP_OFFER, buf, &s);
	assert_int_equal(parse_copy(buf, len, DHCP_LINK_EN10MB, &m), DHCP_OK);
	assert_memory_equal(m.yiaddr, addr, 4);
	assert_true(m.has_server_id);
	assert_memory_equal(m.server_id, server, 4);
	assert_memory_equal(m.ip_src, server, 4);
	assert_false(m.has_requested_ip);
	assert_int_equal(m.hostname_len, 0);

	len = build_typical(DHCP_REQUEST, buf, &s);
	assert_int_equal(parse_copy(buf, len, DHCP_LINK_EN10MB, &m), DHCP_OK);
	assert_true(m.has_requested_ip);
	assert_memory_equal(m.requested_ip, addr, 4);
	assert_string_equal(m.hostname, "primary");
	assert_int_equal(m.hostname_len, 7);

	/* A hostname of the largest size an option can hold. */
	{
		char big[256];

		memset(big, 'h', 255);
		big[255] = '\0';
		dhcp_frame_typical(&s, DHCP_DISCOVER);
		s.hostname = big;
		len = dhcp_frame_build(&s, buf);
		assert_int_equal(parse_copy(buf, len, DHCP_LINK_EN10MB, &m), DHCP_OK);
		assert_int_equal(m.hostname_len, 255);
		assert_string_equal(m.hostname, big);
	}
}

static void
test_link_types(void **state)
{
	static const int types[] = {DHCP_LINK_EN10MB, DHCP_LINK_LINUX_SLL, DHCP_LINK_LINUX_SLL2};
	uint8_t buf[DHCP_FRAME_MAX];
	struct dhcp_frame_spec s;
	struct dhcp_msg m;
	size_t len;

	(void)state;
	for (size_t i = 0; i < nitems(types); i++) {
		dhcp_frame_typical(&s, DHCP_ACK);
		s.linktype = types[i];
		len = dhcp_frame_build(&s, buf);
		assert_int_equal(parse_copy(buf, len, types[i], &m), DHCP_OK);
		assert_int_equal(m.type, DHCP_ACK);
		assert_true(dhcp_link_supported(types[i]));
		/* Read as another link type, the same bytes do not make sense. */
		assert_int_not_equal(parse_copy(buf, len, types[(i + 1) % nitems(types)], &m),
		                     DHCP_OK);
	}
	/* A bare IPv4 packet: the Ethernet frame without its header. */
	dhcp_frame_typical(&s, DHCP_DISCOVER);
	len = dhcp_frame_build(&s, buf);
	assert_int_equal(parse_copy(buf + 14, len - 14, DHCP_LINK_RAW, &m), DHCP_OK);
	assert_int_equal(parse_copy(buf + 14, len - 14, DHCP_LINK_RAW_FILE, &m), DHCP_OK);
	assert_int_equal(parse_copy(buf + 14, len - 14, DHCP_LINK_IPV4, &m), DHCP_OK);
	/* Link types it does not read. */
	assert_false(dhcp_link_supported(0));
	assert_false(dhcp_link_supported(105)); /* 802.11 */
	assert_int_equal(parse_copy(buf, len, 105, &m), DHCP_NOT_DHCP);
	assert_non_null(m.reason);
}

static void
test_vlan(void **state)
{
	uint8_t buf[DHCP_FRAME_MAX], tagged[DHCP_FRAME_MAX + 8];
	struct dhcp_frame_spec s;
	struct dhcp_msg m;
	size_t len;

	(void)state;
	len = build_typical(DHCP_DISCOVER, buf, &s);
	/* One 802.1Q tag between the addresses and the type. */
	memcpy(tagged, buf, 12);
	tagged[12] = 0x81;
	tagged[13] = 0x00;
	tagged[14] = 0x00;
	tagged[15] = 0x05;
	memcpy(tagged + 16, buf + 12, len - 12);
	assert_int_equal(parse_copy(tagged, len + 4, DHCP_LINK_EN10MB, &m), DHCP_OK);
	assert_int_equal(m.type, DHCP_DISCOVER);
	/* Cut inside the tag. */
	assert_int_equal(parse_copy(tagged, 16, DHCP_LINK_EN10MB, &m), DHCP_MALFORMED);
	/* Three tags: refused, not looped over. */
	memcpy(tagged, buf, 12);
	for (int i = 0; i < 3; i++) {
		tagged[12 + 4 * i] = 0x81;
		tagged[13 + 4 * i] = 0x00;
		tagged[14 + 4 * i] = 0x00;
		tagged[15 + 4 * i] = 0x05;
	}
	memcpy(tagged + 24, buf + 12, len - 12);
	assert_int_equal(parse_copy(tagged, len + 12, DHCP_LINK_EN10MB, &m), DHCP_NOT_DHCP);
}

/* Every prefix of a good frame is malformed, never a crash, never DHCP. */
static void
test_truncated_everywhere(void **state)
{
	static const int links[] = {DHCP_LINK_EN10MB, DHCP_LINK_LINUX_SLL, DHCP_LINK_LINUX_SLL2};
	uint8_t buf[DHCP_FRAME_MAX];
	struct dhcp_frame_spec s;
	struct dhcp_msg m;

	(void)state;
	for (size_t l = 0; l < nitems(links); l++) {
		for (int type = 1; type <= 8; type++) {
			size_t len;

			dhcp_frame_typical(&s, type);
			s.linktype = links[l];
			len = dhcp_frame_build(&s, buf);
			for (size_t cut = 0; cut < len; cut++) {
				enum dhcp_status st = parse_copy(buf, cut, links[l], &m);

				if (st != DHCP_MALFORMED)
					fail_msg(
					    "link %d type %d cut at %zu of %zu: status %d (%s)",
					    links[l], type, cut, len, (int)st,
					    m.reason != NULL ? m.reason : "-");
				assert_non_null(m.reason);
			}
			assert_int_equal(parse_copy(buf, len, links[l], &m), DHCP_OK);
		}
	}
}

static void
test_padding(void **state)
{
	uint8_t buf[DHCP_FRAME_MAX];
	struct dhcp_frame_spec s;
	struct dhcp_msg m;
	size_t len;

	(void)state;
	/* Bytes after the IPv4 packet (Ethernet padding, a trailer) are not options. */
	dhcp_frame_typical(&s, DHCP_DISCOVER);
	s.pad = 30;
	len = dhcp_frame_build(&s, buf);
	memset(buf + len - 30, 0x35, 30);
	assert_int_equal(parse_copy(buf, len, DHCP_LINK_EN10MB, &m), DHCP_OK);
	assert_int_equal(m.type, DHCP_DISCOVER);
}

/* Sets the 16-bit field at off to v. */
static void
set16(uint8_t *p, size_t off, unsigned v)
{
	p[off] = (uint8_t)(v >> 8);
	p[off + 1] = (uint8_t)v;
}

static void
test_bad_ip_udp(void **state)
{
	uint8_t buf[DHCP_FRAME_MAX];
	struct dhcp_frame_spec s;
	struct dhcp_msg m;
	size_t len, ip = 14, udp = 14 + 20;

	(void)state;
	/* IHL below 5 words. */
	len = build_typical(DHCP_DISCOVER, buf, &s);
	buf[ip] = 0x44;
	assert_int_equal(parse_copy(buf, len, DHCP_LINK_EN10MB, &m), DHCP_MALFORMED);
	/* IHL beyond the frame. */
	len = build_typical(DHCP_DISCOVER, buf, &s);
	buf[ip] = 0x4f;
	assert_int_equal(parse_copy(buf, 14 + 40, DHCP_LINK_EN10MB, &m), DHCP_MALFORMED);
	/* Total length below the header, and beyond the frame. */
	len = build_typical(DHCP_DISCOVER, buf, &s);
	set16(buf, ip + 2, 19);
	assert_int_equal(parse_copy(buf, len, DHCP_LINK_EN10MB, &m), DHCP_MALFORMED);
	set16(buf, ip + 2, 0xffff);
	assert_int_equal(parse_copy(buf, len, DHCP_LINK_EN10MB, &m), DHCP_MALFORMED);
	/* Not IPv4, not UDP, a fragment. */
	len = build_typical(DHCP_DISCOVER, buf, &s);
	buf[ip] = 0x65;
	assert_int_equal(parse_copy(buf, len, DHCP_LINK_EN10MB, &m), DHCP_NOT_DHCP);
	len = build_typical(DHCP_DISCOVER, buf, &s);
	set16(buf, 12, 0x86dd);
	assert_int_equal(parse_copy(buf, len, DHCP_LINK_EN10MB, &m), DHCP_NOT_DHCP);
	len = build_typical(DHCP_DISCOVER, buf, &s);
	buf[ip + 9] = 6;
	assert_int_equal(parse_copy(buf, len, DHCP_LINK_EN10MB, &m), DHCP_NOT_DHCP);
	assert_string_equal(m.reason, "not UDP");
	len = build_typical(DHCP_DISCOVER, buf, &s);
	set16(buf, ip + 6, 0x2000); /* more fragments */
	assert_int_equal(parse_copy(buf, len, DHCP_LINK_EN10MB, &m), DHCP_NOT_DHCP);
	/* UDP length below its header, beyond the IPv4 packet. */
	len = build_typical(DHCP_DISCOVER, buf, &s);
	set16(buf, udp + 4, 7);
	assert_int_equal(parse_copy(buf, len, DHCP_LINK_EN10MB, &m), DHCP_MALFORMED);
	set16(buf, udp + 4, (unsigned)(len - udp + 1));
	assert_int_equal(parse_copy(buf, len, DHCP_LINK_EN10MB, &m), DHCP_MALFORMED);
	/* UDP length cuts into the BOOTP fixed part. */
	set16(buf, udp + 4, 8 + 100);
	assert_int_equal(parse_copy(buf, len, DHCP_LINK_EN10MB, &m), DHCP_MALFORMED);
	assert_string_equal(m.reason, "shorter than a BOOTP message");
}

/* A non-DHCP UDP packet: DNS from the bridge to a guest. */
static void
test_not_dhcp_udp(void **state)
{
	uint8_t buf[DHCP_FRAME_MAX];
	struct dhcp_frame_spec s;
	struct dhcp_msg m;
	size_t len;

	(void)state;
	dhcp_frame_typical(&s, DHCP_DISCOVER);
	s.sport = 53;
	s.dport = 40000;
	len = dhcp_frame_build(&s, buf);
	assert_int_equal(parse_copy(buf, len, DHCP_LINK_EN10MB, &m), DHCP_NOT_DHCP);
	assert_string_equal(m.reason, "not UDP port 67 or 68");
	assert_int_equal(m.sport, 53);

	/* Plain BOOTP: no option 53. */
	dhcp_frame_typical(&s, 0);
	len = dhcp_frame_build(&s, buf);
	assert_int_equal(parse_copy(buf, len, DHCP_LINK_EN10MB, &m), DHCP_NOT_DHCP);
	assert_non_null(strstr(m.reason, "option 53"));

	/* BOOTP without any vendor area: 236 bytes, no cookie. */
	dhcp_frame_typical(&s, DHCP_DISCOVER);
	len = dhcp_frame_build(&s, buf);
	set16(buf, 14 + 2, 20 + 8 + 236);
	set16(buf, 14 + 20 + 4, 8 + 236);
	assert_int_equal(parse_copy(buf, 14 + 20 + 8 + 236, DHCP_LINK_EN10MB, &m), DHCP_NOT_DHCP);
	assert_non_null(strstr(m.reason, "cookie"));

	/* op neither 1 nor 2. */
	len = build_typical(DHCP_DISCOVER, buf, &s);
	buf[14 + 28] = 3;
	assert_int_equal(parse_copy(buf, len, DHCP_LINK_EN10MB, &m), DHCP_MALFORMED);
}

static void
test_bad_cookie(void **state)
{
	uint8_t buf[DHCP_FRAME_MAX];
	struct dhcp_frame_spec s;
	struct dhcp_msg m;
	size_t len;

	(void)state;
	dhcp_frame_typical(&s, DHCP_OFFER);
	s.bad_cookie = true;
	len = dhcp_frame_build(&s, buf);
	assert_int_equal(parse_copy(buf, len, DHCP_LINK_EN10MB, &m), DHCP_NOT_DHCP);
	assert_non_null(strstr(m.reason, "99.130.83.99"));
	assert_int_equal(m.type, 0);
}

/* Builds a DISCOVER whose options are exactly opts (no option 53 of its own). */
static size_t
build_with_options(const uint8_t *opts, size_t n, uint8_t *buf)
{
	struct dhcp_frame_spec s;

	dhcp_frame_typical(&s, 0);
	s.hostname = NULL;
	s.extra = opts;
	s.extra_len = n;
	s.no_end = true;
	return dhcp_frame_build(&s, buf);
}

static void
test_options(void **state)
{
	uint8_t buf[DHCP_FRAME_MAX];
	struct dhcp_msg m;
	size_t len;

	(void)state;
	/* Pads, zero-length options, a type, and the end. */
	{
		static const uint8_t o[] = {0, 0, 80, 0, 53, 1, 1, 0, 81, 0, 255, 53, 1, 5};

		len = build_with_options(o, sizeof o, buf);
		assert_int_equal(parse_copy(buf, len, DHCP_LINK_EN10MB, &m), DHCP_OK);
		assert_int_equal(m.type, DHCP_DISCOVER); /* nothing after 255 counts */
	}
	/* No end option: tolerated. */
	{
		static const uint8_t o[] = {53, 1, 3, 12, 2, 'v', 'm'};

		len = build_with_options(o, sizeof o, buf);
		assert_int_equal(parse_copy(buf, len, DHCP_LINK_EN10MB, &m), DHCP_OK);
		assert_int_equal(m.type, DHCP_REQUEST);
		assert_string_equal(m.hostname, "vm");
	}
	/* An option running past the end, and one with no length byte. */
	{
		static const uint8_t o1[] = {53, 1, 1, 12, 9, 'a', 'b'};
		static const uint8_t o2[] = {53, 1, 1, 12};

		len = build_with_options(o1, sizeof o1, buf);
		assert_int_equal(parse_copy(buf, len, DHCP_LINK_EN10MB, &m), DHCP_MALFORMED);
		assert_string_equal(m.reason, "an option runs past the end");
		len = build_with_options(o2, sizeof o2, buf);
		assert_int_equal(parse_copy(buf, len, DHCP_LINK_EN10MB, &m), DHCP_MALFORMED);
		assert_string_equal(m.reason, "an option has no length byte");
	}
	/* Option 53 of the wrong size, empty; a zero-length hostname. */
	{
		static const uint8_t o1[] = {53, 2, 1, 1, 255};
		static const uint8_t o2[] = {53, 0, 255};
		static const uint8_t o4[] = {53, 1, 0, 255}; /* found by the fuzzer */
		static const uint8_t o3[] = {12, 0, 53, 1, 2, 255};

		len = build_with_options(o1, sizeof o1, buf);
		assert_int_equal(parse_copy(buf, len, DHCP_LINK_EN10MB, &m), DHCP_MALFORMED);
		len = build_with_options(o2, sizeof o2, buf);
		assert_int_equal(parse_copy(buf, len, DHCP_LINK_EN10MB, &m), DHCP_MALFORMED);
		len = build_with_options(o4, sizeof o4, buf);
		assert_int_equal(parse_copy(buf, len, DHCP_LINK_EN10MB, &m), DHCP_MALFORMED);
		assert_int_equal(m.type, 0);
		len = build_with_options(o3, sizeof o3, buf);
		assert_int_equal(parse_copy(buf, len, DHCP_LINK_EN10MB, &m), DHCP_OK);
		assert_int_equal(m.hostname_len, 0);
		assert_string_equal(m.hostname, "");
	}
	/* Server id and requested IP of the wrong size are ignored; the first of each counts. */
	{
		static const uint8_t o[] = {54, 3, 1, 2, 3, 50, 5, 1, 2, 3, 4, 5,  53, 1, 8,  54,
		                            4,  9, 9, 9, 9, 54, 4, 8, 8, 8, 8, 53, 1,  2, 255};
		static const uint8_t nine[4] = {9, 9, 9, 9};

		len = build_with_options(o, sizeof o, buf);
		assert_int_equal(parse_copy(buf, len, DHCP_LINK_EN10MB, &m), DHCP_OK);
		assert_int_equal(m.type, DHCP_INFORM);
		assert_true(m.has_server_id);
		assert_memory_equal(m.server_id, nine, 4);
		assert_false(m.has_requested_ip);
	}
	/* A hostname with a NUL and control bytes is kept raw; showing it is the probe's job. */
	{
		static const uint8_t o[] = {12, 4, 'a', 0, '\n', 'b', 53, 1, 1, 255};

		len = build_with_options(o, sizeof o, buf);
		assert_int_equal(parse_copy(buf, len, DHCP_LINK_EN10MB, &m), DHCP_OK);
		assert_int_equal(m.hostname_len, 4);
		assert_memory_equal(m.hostname, "a\0\nb", 4);
	}
}

static void
test_overload(void **state)
{
	uint8_t buf[DHCP_FRAME_MAX];
	struct dhcp_msg m;
	size_t len, bootp = 14 + 20 + 8;

	(void)state;
	/* The message type lives in the file field (overload 1). */
	{
		static const uint8_t o[] = {52, 1, 1, 255};

		len = build_with_options(o, sizeof o, buf);
		buf[bootp + 108] = 53;
		buf[bootp + 109] = 1;
		buf[bootp + 110] = 5;
		buf[bootp + 111] = 255;
		assert_int_equal(parse_copy(buf, len, DHCP_LINK_EN10MB, &m), DHCP_OK);
		assert_int_equal(m.type, DHCP_ACK);
		assert_int_equal(m.overload, 1);
	}
	/* ... and in sname (overload 3: file is empty). */
	{
		static const uint8_t o[] = {52, 1, 3, 255};

		len = build_with_options(o, sizeof o, buf);
		buf[bootp + 44] = 53;
		buf[bootp + 45] = 1;
		buf[bootp + 46] = 6;
		assert_int_equal(parse_copy(buf, len, DHCP_LINK_EN10MB, &m), DHCP_OK);
		assert_int_equal(m.type, DHCP_NAK);
	}
	/* An option in sname claiming more than sname holds: malformed, no read beyond it. */
	{
		static const uint8_t o[] = {53, 1, 1, 52, 1, 2, 255};

		len = build_with_options(o, sizeof o, buf);
		buf[bootp + 44 + 62] = 12;
		buf[bootp + 44 + 63] = 200;
		assert_int_equal(parse_copy(buf, len, DHCP_LINK_EN10MB, &m), DHCP_MALFORMED);
	}
	/* Overload inside an overloaded area is not followed; a bad value is ignored. */
	{
		static const uint8_t o[] = {53, 1, 1, 52, 1, 1, 255};
		static const uint8_t o2[] = {53, 1, 1, 52, 1, 7, 255};

		len = build_with_options(o, sizeof o, buf);
		buf[bootp + 108] = 52;
		buf[bootp + 109] = 1;
		buf[bootp + 110] = 2;
		buf[bootp + 44] = 12;
		buf[bootp + 45] = 250; /* would be malformed if sname were walked */
		assert_int_equal(parse_copy(buf, len, DHCP_LINK_EN10MB, &m), DHCP_OK);
		assert_int_equal(m.overload, 1);
		len = build_with_options(o2, sizeof o2, buf);
		assert_int_equal(parse_copy(buf, len, DHCP_LINK_EN10MB, &m), DHCP_OK);
		assert_int_equal(m.overload, 0);
	}
}

static void
test_chaddr(void **state)
{
	uint8_t buf[DHCP_FRAME_MAX];
	struct dhcp_frame_spec s;
	struct dhcp_msg m;
	char text[DHCP_CHADDR_TEXT];
	size_t len;

	(void)state;
	len = build_typical(DHCP_DISCOVER, buf, &s);
	buf[14 + 28 + 2] = 0; /* hlen 0 */
	assert_int_equal(parse_copy(buf, len, DHCP_LINK_EN10MB, &m), DHCP_OK);
	dhcp_chaddr_text(&m, text);
	assert_string_equal(text, "-");
	buf[14 + 28 + 2] = 200; /* hlen beyond chaddr: only its 16 bytes are kept */
	assert_int_equal(parse_copy(buf, len, DHCP_LINK_EN10MB, &m), DHCP_OK);
	assert_int_equal(m.chaddr_len, 16);
	dhcp_chaddr_text(&m, text);
	assert_int_equal(strlen(text), 16 * 3 - 1);
	assert_true(str_has_prefix(text, "52:54:00:12:34:56:00"));
}

static void
test_null_and_empty(void **state)
{
	struct dhcp_msg m;

	(void)state;
	assert_int_equal(dhcp_parse(NULL, 0, DHCP_LINK_EN10MB, &m), DHCP_MALFORMED);
	assert_int_equal(dhcp_parse(NULL, 100, DHCP_LINK_EN10MB, &m), DHCP_MALFORMED);
	assert_int_equal(dhcp_parse(NULL, 0, DHCP_LINK_RAW, &m), DHCP_MALFORMED);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_type),
	    cmocka_unit_test(test_fields),
	    cmocka_unit_test(test_link_types),
	    cmocka_unit_test(test_vlan),
	    cmocka_unit_test(test_truncated_everywhere),
	    cmocka_unit_test(test_padding),
	    cmocka_unit_test(test_bad_ip_udp),
	    cmocka_unit_test(test_not_dhcp_udp),
	    cmocka_unit_test(test_bad_cookie),
	    cmocka_unit_test(test_options),
	    cmocka_unit_test(test_overload),
	    cmocka_unit_test(test_chaddr),
	    cmocka_unit_test(test_null_and_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
