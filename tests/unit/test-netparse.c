/*
 * test-netparse.c: the network probes' pure parsers on recorded data
 * (tests/data/net): DNS responses, rtnetlink replies, /proc/net tables,
 * macOS route and lsof outputs; and the small helpers around them
 * (addresses and subnets, DNS names, ICMP messages, port verdicts).
 */
#include "config.h"

#include "cmocka-prelude.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/nameser.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe/netparse.h"
#include "testutil.h"

/* A recording under tests/data/net, whole, in an exact-size buffer (valgrind sees overreads). */
static char *
data(const char *name, size_t *len)
{
	char *path = xasprintf("%s/tests/data/net/%s", SRCDIR, name);
	FILE *f = fopen(path, "rb");
	char buf[65536];
	char *out = NULL;
	size_t n;

	if (f == NULL)
		fail_msg("cannot open %s", path);
	n = fread(buf, 1, sizeof buf, f);
	fclose(f);
	free(path);
	out = xmalloc(n + 1);
	memcpy(out, buf, n);
	out[n] = '\0';
	*len = n;
	return out;
}

/* ---- addresses --------------------------------------------------------- */

static void
test_cidr(void **state)
{
	struct net_addr a, b;
	unsigned prefix;
	char s[64];

	(void)state;
	assert_true(net_cidr_parse("10.97.0.0/16", &a, &prefix));
	assert_int_equal(prefix, 16);
	net_cidr_probe_addr(&a, prefix, &b);
	assert_string_equal(net_addr_str(&b, s, sizeof s), "10.97.0.1");
	/* Host bits are cleared first. */
	assert_true(net_cidr_parse("10.97.3.77/24", &a, &prefix));
	net_cidr_probe_addr(&a, prefix, &b);
	assert_string_equal(net_addr_str(&b, s, sizeof s), "10.97.3.1");
	assert_true(net_cidr_parse("192.168.64.5", &a, &prefix));
	assert_int_equal(prefix, 32);
	net_cidr_probe_addr(&a, prefix, &b);
	assert_string_equal(net_addr_str(&b, s, sizeof s), "192.168.64.5");
	assert_true(net_cidr_parse("fd00:97::/64", &a, &prefix));
	net_cidr_probe_addr(&a, prefix, &b);
	assert_string_equal(net_addr_str(&b, s, sizeof s), "fd00:97::1");
	assert_true(net_cidr_parse("0.0.0.0/0", &a, &prefix));
	net_cidr_probe_addr(&a, prefix, &b);
	assert_string_equal(net_addr_str(&b, s, sizeof s), "0.0.0.1");

	/* The next address, within the subnet and short of its broadcast. */
	assert_true(net_cidr_parse("10.97.0.0/30", &a, &prefix));
	net_cidr_probe_addr(&a, prefix, &b);
	assert_true(net_cidr_next(&a, prefix, &b));
	assert_string_equal(net_addr_str(&b, s, sizeof s), "10.97.0.2");
	assert_false(net_cidr_next(&a, prefix, &b)); /* .3 is the broadcast */
	assert_true(net_cidr_parse("10.97.0.0/31", &a, &prefix));
	b = a;
	assert_true(net_cidr_next(&a, prefix, &b));
	assert_false(net_cidr_next(&a, prefix, &b));
	assert_true(net_cidr_parse("10.97.0.254/23", &a, &prefix));
	assert_true(net_cidr_next(&a, prefix, &a));
	assert_string_equal(net_addr_str(&a, s, sizeof s), "10.97.0.255");
	assert_true(net_cidr_next(&a, prefix, &a));
	assert_string_equal(net_addr_str(&a, s, sizeof s), "10.97.1.0");
	assert_true(net_cidr_parse("fd00::fffe/127", &a, &prefix));
	assert_true(net_cidr_next(&a, prefix, &a));
	assert_false(net_cidr_next(&a, prefix, &a));
	assert_string_equal(net_addr_str(&a, s, sizeof s), "fd00::ffff");

	assert_false(net_cidr_parse("10.97.0.0/33", &a, &prefix));
	assert_false(net_cidr_parse("10.97.0.0/", &a, &prefix));
	assert_false(net_cidr_parse("10.97.0.0/-1", &a, &prefix));
	assert_false(net_cidr_parse("10.97.0.0/16x", &a, &prefix));
	assert_false(net_cidr_parse("fd00::/129", &a, &prefix));
	assert_false(net_cidr_parse("mpqemubr0", &a, &prefix));
	assert_false(net_cidr_parse("", &a, &prefix));
	assert_false(net_addr_parse("1.2.3", &a));
	assert_false(net_addr_parse(NULL, &a));
}

static void
test_dns_names(void **state)
{
	char *p = NULL;

	(void)state;
	assert_true(dns_name_valid("example.com"));
	assert_true(dns_name_valid("example.com."));
	assert_true(dns_name_valid("."));
	assert_true(dns_name_valid("_dmarc.lab.test"));
	assert_true(dns_name_valid("primary.multipass"));
	assert_false(dns_name_valid(""));
	assert_false(dns_name_valid("a..b"));
	assert_false(dns_name_valid(".a"));
	assert_false(dns_name_valid("-a.test"));
	assert_false(dns_name_valid("a-.test"));
	assert_false(dns_name_valid("a b.test"));
	assert_false(dns_name_valid("caf\xc3\xa9.test"));
	assert_false(dns_name_valid("a;rm -rf.test"));
	{
		char label[70], name[300];

		memset(label, 'a', 64);
		label[64] = '\0';
		assert_false(dns_name_valid(label)); /* a 64-byte label */
		label[63] = '\0';
		assert_true(dns_name_valid(label));
		/* 4 x 63 + 3 dots = 255 bytes: too long */
		snprintf(name, sizeof name, "%s.%s.%s.%s", label, label, label, label);
		assert_false(dns_name_valid(name));
	}

	assert_string_equal(p = dns_ptr_name("10.1.2.4"), "4.2.1.10.in-addr.arpa");
	free(p);
	assert_string_equal(
	    p = dns_ptr_name("fd00::4"),
	    "4.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa");
	free(p);
	assert_null(dns_ptr_name("b.lab.test"));

	assert_int_equal(dns_type_from_name("AAAA"), ns_t_aaaa);
	assert_int_equal(dns_type_from_name("CNAME"), ns_t_cname);
	assert_int_equal(dns_type_from_name("nope"), 0);
	assert_string_equal(dns_type_name(ns_t_mx), "MX");
	assert_string_equal(dns_type_name(99), "TYPE99");
	assert_string_equal(dns_rcode_name(3), "NXDOMAIN");
	assert_string_equal(dns_rcode_name(42), "RCODE?");
}

/* ---- DNS responses ----------------------------------------------------- */

/* Parses a recording; len is cut or padded to check the length logic too. */
static void
parse_dns(const char *name, struct dns_reply *rep)
{
	size_t len;
	char *buf = data(name, &len);

	assert_int_equal(dns_message_length((unsigned char *)buf, len), len);
	assert_int_equal(dns_reply_parse((unsigned char *)buf, len, rep), 0);
	free(buf);
}

static void
test_dns_answers(void **state)
{
	struct dns_reply rep;

	(void)state;
	parse_dns("dns-a.bin", &rep);
	assert_true(rep.response);
	assert_true(rep.authoritative);
	assert_int_equal(rep.rcode, ns_r_noerror);
	assert_string_equal(rep.qname, "a.lab.test");
	assert_int_equal(rep.qtype, ns_t_a);
	assert_int_equal(rep.nanswers, 1);
	assert_string_equal(rep.answers[0].name, "a.lab.test");
	assert_int_equal(rep.answers[0].type, ns_t_a);
	assert_string_equal(rep.answers[0].data, "10.1.2.3");
	dns_reply_free(&rep);

	parse_dns("dns-aaaa.bin", &rep);
	assert_int_equal(rep.nanswers, 1);
	assert_string_equal(rep.answers[0].data, "fd00::4");
	dns_reply_free(&rep);

	parse_dns("dns-cname.bin", &rep);
	assert_int_equal(rep.nanswers, 2);
	assert_int_equal(rep.answers[0].type, ns_t_cname);
	assert_string_equal(rep.answers[0].data, "b.lab.test");
	assert_string_equal(rep.answers[1].name, "b.lab.test");
	assert_string_equal(rep.answers[1].data, "10.1.2.4");
	dns_reply_free(&rep);

	parse_dns("dns-mx.bin", &rep);
	assert_string_equal(rep.answers[0].data, "10 mail.lab.test");
	dns_reply_free(&rep);

	parse_dns("dns-txt.bin", &rep);
	assert_string_equal(rep.answers[0].data, "\"v=spf1 -all\" \"two\"");
	dns_reply_free(&rep);

	parse_dns("dns-ptr.bin", &rep);
	assert_string_equal(rep.qname, "4.2.1.10.in-addr.arpa");
	assert_string_equal(rep.answers[0].data, "b.lab.test");
	dns_reply_free(&rep);
}

static void
test_dns_failures(void **state)
{
	static const struct {
		const char *file;
		int rcode;
	} cases[] = {
	    {"dns-nxdomain.bin", ns_r_nxdomain},
	    {"dns-nodata.bin", ns_r_noerror},
	    {"dns-servfail.bin", ns_r_servfail},
	    {"dns-refused.bin", ns_r_refused},
	};
	struct dns_reply rep;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		parse_dns(cases[i].file, &rep);
		assert_true(rep.response);
		assert_int_equal(rep.rcode, cases[i].rcode);
		assert_int_equal(rep.nanswers, 0);
		assert_non_null(rep.qname);
		dns_reply_free(&rep);
	}
}

static void
test_dns_malformed(void **state)
{
	struct dns_reply rep;
	size_t len;
	char *buf = data("dns-cname.bin", &len);
	unsigned char *big = NULL;

	(void)state;
	/* Every cut of a good response is refused, never read past. */
	for (size_t n = 0; n < len; n++) {
		unsigned char *cut = xmalloc(n > 0 ? n : 1);

		memcpy(cut, buf, n);
		assert_int_equal(dns_message_length(cut, n), 0);
		assert_int_equal(dns_reply_parse(cut, n, &rep), -1);
		dns_reply_free(&rep);
		free(cut);
	}
	/* Left in a zeroed buffer, as libresolv leaves a failed answer: the length is found. */
	big = xcalloc(1, 4096);
	memcpy(big, buf, len);
	assert_int_equal(dns_message_length(big, 4096), len);
	/* A zeroed buffer is no response. */
	memset(big, 0, 4096);
	assert_int_equal(dns_message_length(big, 4096), 12);
	assert_int_equal(dns_reply_parse(big, 12, &rep), 0);
	assert_false(rep.response);
	dns_reply_free(&rep);
	/* An A record whose data is 3 bytes long. */
	memcpy(big, buf, len);
	big[len - 5] = 3;
	assert_int_equal(dns_reply_parse(big, len - 1, &rep), -1);
	dns_reply_free(&rep);
	free(big);
	free(buf);
}

/* ---- ICMP -------------------------------------------------------------- */

static void
test_icmp(void **state)
{
	/* An IPv4 header (20 bytes, protocol 1), then an echo reply id 0x1234 seq 7. */
	unsigned char reply[28] = {0x45, 0, 0,   28, 0, 0, 0, 0, 64, 1, 0,    0,    127, 0,
	                           0,    1, 127, 0,  0, 1, 0, 0, 0,  0, 0x12, 0x34, 0,   7};
	/* Host unreachable quoting our echo request (id 0x1234 seq 9). */
	unsigned char unreach[56] = {0x45, 0, 0,  56, 0, 0, 0, 0, 64, 1, 0,    0,    10, 0,
	                             0,    1, 10, 0,  0, 2, 3, 1, 0,  0, 0,    0,    0,  0,
	                             0x45, 0, 0,  28, 0, 0, 0, 0, 64, 1, 0,    0,    10, 0,
	                             0,    2, 10, 0,  0, 9, 8, 0, 0,  0, 0x12, 0x34, 0,  9};
	unsigned char v6reply[8] = {129, 0, 0, 0, 0xab, 0xcd, 0, 2};
	unsigned char v6unreach[8 + 40 + 8] = {1, 3, 0, 0, 0, 0, 0, 0, 0x60, 0, 0, 0, 0, 8, 58, 64};
	struct icmp_seen seen;

	(void)state;
	assert_int_equal(icmp_parse(AF_INET, true, reply, sizeof reply, &seen), 0);
	assert_int_equal(seen.kind, ICMP_SEEN_REPLY);
	assert_int_equal(seen.id, 0x1234);
	assert_int_equal(seen.seq, 7);
	/* Without its IP header, as a datagram ICMP socket gives it. */
	assert_int_equal(icmp_parse(AF_INET, false, reply + 20, 8, &seen), 0);
	assert_int_equal(seen.kind, ICMP_SEEN_REPLY);

	assert_int_equal(icmp_parse(AF_INET, true, unreach, sizeof unreach, &seen), 0);
	assert_int_equal(seen.kind, ICMP_SEEN_UNREACHABLE);
	assert_int_equal(seen.code, 1);
	assert_int_equal(seen.seq, 9);
	assert_string_equal(icmp_unreach_text(AF_INET, seen.code), "host unreachable");
	assert_string_equal(icmp_unreach_text(AF_INET, 13),
	                    "administratively prohibited (a firewall)");
	/* An unreachable about someone else's UDP packet is not ours. */
	unreach[28 + 9] = 17;
	assert_int_equal(icmp_parse(AF_INET, true, unreach, sizeof unreach, &seen), 0);
	assert_int_equal(seen.kind, ICMP_SEEN_OTHER);
	/* Our own echo request, seen by a raw socket on loopback. */
	reply[20] = 8;
	assert_int_equal(icmp_parse(AF_INET, true, reply, sizeof reply, &seen), 0);
	assert_int_equal(seen.kind, ICMP_SEEN_OTHER);
	/* Short or not ICMP at all. */
	assert_int_equal(icmp_parse(AF_INET, true, reply, 27, &seen), -1);
	reply[9] = 17;
	assert_int_equal(icmp_parse(AF_INET, true, reply, sizeof reply, &seen), -1);
	reply[0] = 0x4f; /* a header longer than the packet */
	assert_int_equal(icmp_parse(AF_INET, true, reply, sizeof reply, &seen), -1);

	assert_int_equal(icmp_parse(AF_INET6, false, v6reply, sizeof v6reply, &seen), 0);
	assert_int_equal(seen.kind, ICMP_SEEN_REPLY);
	assert_int_equal(seen.id, 0xabcd);
	assert_int_equal(seen.seq, 2);
	v6unreach[48] = 128; /* the quoted echo request, seq 5 */
	v6unreach[55] = 5;
	assert_int_equal(icmp_parse(AF_INET6, false, v6unreach, sizeof v6unreach, &seen), 0);
	assert_int_equal(seen.kind, ICMP_SEEN_UNREACHABLE);
	assert_int_equal(seen.code, 3);
	assert_int_equal(seen.seq, 5);
	assert_string_equal(icmp_unreach_text(AF_INET6, 3), "address unreachable");

	/* RFC 1071's example. */
	{
		unsigned char b[8] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};

		assert_int_equal(inet_checksum(b, sizeof b), (uint16_t)~0xddf2);
	}
}

/* ---- routes ------------------------------------------------------------ */

static void
parse_netlink(const char *name, struct route_info *ri)
{
	size_t len;
	char *buf = data(name, &len);

	assert_int_equal(route_parse_netlink(buf, len, ri), 0);
	free(buf);
}

static void
test_netlink(void **state)
{
	struct route_info ri;

	(void)state;
	parse_netlink("netlink-bridge.bin", &ri);
	assert_true(ri.found);
	assert_int_equal(ri.ifindex, 4);
	assert_string_equal(ri.gateway, "");
	assert_string_equal(ri.source, "10.97.0.1");
	assert_string_equal(ri.destination, "10.97.0.5");
	assert_string_equal(route_type_name(ri.type), "unicast");
	assert_int_equal(ri.table, 254);

	parse_netlink("netlink-utun3.bin", &ri);
	assert_true(ri.found);
	assert_int_equal(ri.ifindex, 3);
	assert_string_equal(ri.source, "10.97.5.2");

	parse_netlink("netlink-gateway.bin", &ri);
	assert_true(ri.found);
	assert_int_equal(ri.ifindex, 6);
	assert_string_equal(ri.gateway, "192.168.50.1");
	assert_string_equal(ri.source, "192.168.50.2");

	parse_netlink("netlink-local.bin", &ri);
	assert_true(ri.found);
	assert_int_equal(ri.ifindex, 1);
	assert_string_equal(route_type_name(ri.type), "local");

	parse_netlink("netlink-own-address.bin", &ri);
	assert_true(ri.found);
	assert_int_equal(ri.ifindex, 1);

	parse_netlink("netlink-v6.bin", &ri);
	assert_true(ri.found);
	assert_int_equal(ri.ifindex, 6);
	assert_string_equal(ri.source, "fd00:98::1");
	assert_string_equal(ri.destination, "fd00:98::5");

	parse_netlink("netlink-v6-local.bin", &ri);
	assert_true(ri.found);
	assert_int_equal(ri.ifindex, 1);

	parse_netlink("netlink-none.bin", &ri);
	assert_false(ri.found);
	assert_int_equal(ri.error, ENETUNREACH);
	parse_netlink("netlink-unreachable.bin", &ri);
	assert_false(ri.found);
	assert_int_equal(ri.error, EHOSTUNREACH);
	parse_netlink("netlink-prohibit.bin", &ri);
	assert_int_equal(ri.error, EACCES);
	parse_netlink("netlink-blackhole.bin", &ri);
	assert_int_equal(ri.error, EINVAL);
}

static void
test_netlink_malformed(void **state)
{
	struct route_info ri;
	size_t len;
	char *buf = data("netlink-gateway.bin", &len);

	(void)state;
	for (size_t n = 0; n < len; n++) {
		char *cut = xmalloc(n > 0 ? n : 1);

		memcpy(cut, buf, n);
		assert_int_equal(route_parse_netlink(cut, n, &ri), -1);
		free(cut);
	}
	/* A gateway attribute 3 bytes long. */
	buf[0x3c] = 7;
	assert_int_equal(route_parse_netlink(buf, len, &ri), -1);
	free(buf);
}

static void
parse_darwin(const char *out_file, const char *err_file, struct route_info *ri, int want)
{
	size_t ol = 0, el = 0;
	char *out = out_file != NULL ? data(out_file, &ol) : xstrdup("");
	char *err = err_file != NULL ? data(err_file, &el) : xstrdup("");

	assert_int_equal(route_parse_darwin(out, ol, err, el, ri), want);
	free(out);
	free(err);
}

static void
test_route_darwin(void **state)
{
	struct route_info ri;

	(void)state;
	parse_darwin("route-darwin-bridge100.txt", NULL, &ri, 0);
	assert_true(ri.found);
	assert_string_equal(ri.interface, "bridge100");
	assert_string_equal(ri.gateway, "");
	assert_string_equal(ri.destination, "192.168.64.0");
	assert_string_equal(ri.mask, "255.255.255.0");
	assert_string_equal(ri.flags, "UP,DONE,CLONING");

	parse_darwin("route-darwin-bridge100-host.txt", NULL, &ri, 0);
	assert_true(ri.found);
	assert_string_equal(ri.interface, "bridge100");
	assert_string_equal(ri.mask, "");

	parse_darwin("route-darwin-utun3.txt", NULL, &ri, 0);
	assert_true(ri.found);
	assert_string_equal(ri.interface, "utun3");
	assert_string_equal(ri.gateway, "10.8.0.1");
	assert_string_equal(ri.mask, "255.255.192.0");

	parse_darwin("route-darwin-default-en0.txt", NULL, &ri, 0);
	assert_string_equal(ri.interface, "en0");
	assert_string_equal(ri.destination, "default");
	assert_string_equal(ri.gateway, "192.168.1.1");

	parse_darwin("route-darwin-v6.txt", NULL, &ri, 0);
	assert_string_equal(ri.gateway, "fe80::1%en0");

	parse_darwin("route-darwin-reject.txt", NULL, &ri, 0);
	assert_false(ri.found);
	assert_int_equal(ri.error, EHOSTUNREACH);

	parse_darwin(NULL, "route-darwin-not-in-table.err", &ri, 0);
	assert_false(ri.found);
	assert_int_equal(ri.error, ESRCH);

	parse_darwin(NULL, NULL, &ri, -1);
	parse_darwin("procnet-udp.txt", NULL, &ri, -1);
}

/* ---- sockets on a port ------------------------------------------------- */

static void
procnet(const char *file, bool v6, bool tcp, unsigned port, struct port_sockets *s, int want)
{
	size_t len;
	char *text = data(file, &len);

	assert_int_equal(procnet_parse(text, len, v6, tcp, port, s), want);
	free(text);
}

static void
test_procnet(void **state)
{
	struct port_sockets s = {NULL, 0};

	(void)state;
	procnet("procnet-udp.txt", false, false, 53, &s, 2);
	assert_string_equal(s.v[0].local, "127.0.0.53:53");
	assert_int_equal(s.v[0].inode, 18734);
	assert_int_equal(s.v[0].uid, 101);
	assert_int_equal(s.v[0].pid, -1);
	assert_null(s.v[0].process);
	assert_string_equal(s.v[1].local, "10.97.0.1:53");
	assert_int_equal(s.v[1].inode, 52211);
	procnet("procnet-udp6.txt", true, false, 53, &s, 2);
	assert_int_equal(s.n, 4);
	assert_string_equal(s.v[2].local, "[::1]:53");
	assert_string_equal(s.v[3].local, "[fd00::1]:53");
	port_sockets_free(&s);

	procnet("procnet-udp.txt", false, false, 67, &s, 1);
	assert_string_equal(s.v[0].local, "0.0.0.0:67");
	assert_int_equal(s.v[0].state, 7);
	port_sockets_free(&s);
	/* A connected client socket holds its local port too. */
	procnet("procnet-udp.txt", false, false, 41234, &s, 1);
	assert_string_equal(s.v[0].local, "192.168.1.23:41234");
	port_sockets_free(&s);
	procnet("procnet-udp.txt", false, false, 999, &s, 0);
	procnet("procnet-udp6.txt", true, false, 999, &s, 0);

	/* TCP: only LISTEN; the established connection on 53 is left out. */
	procnet("procnet-tcp.txt", false, true, 53, &s, 2);
	assert_string_equal(s.v[0].local, "127.0.0.53:53");
	assert_string_equal(s.v[1].local, "10.97.0.1:53");
	assert_int_equal(s.v[1].state, 0x0A);
	procnet("procnet-tcp.txt", false, true, 22, &s, 1);
	procnet("procnet-tcp6.txt", true, true, 22, &s, 1);
	assert_string_equal(s.v[s.n - 1].local, "[::]:22");
	port_sockets_free(&s);

	/* Not a /proc/net table; the wrong family's table. */
	procnet("lsof-udp67-bootpd.txt", false, false, 67, &s, -1);
	procnet("procnet-udp6.txt", false, false, 53, &s, -1);
	procnet("procnet-udp.txt", true, false, 53, &s, -1);
	assert_int_equal(s.n, 0);
	assert_int_equal(procnet_parse("", 0, false, false, 53, &s), -1);
	port_sockets_free(&s);
}

static void
lsof(const char *file, struct port_sockets *s, int want)
{
	size_t len;
	char *text = data(file, &len);

	assert_int_equal(lsof_parse(text, len, s), want);
	free(text);
}

static void
test_lsof(void **state)
{
	struct port_sockets s = {NULL, 0};
	const char *const both[] = {"lsof-udp67-bootpd.txt", "lsof-udp67-bootpd.F"};

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		lsof(both[i], &s, 2);
		assert_string_equal(s.v[0].process, "launchd");
		assert_int_equal(s.v[0].pid, 1);
		assert_string_equal(s.v[0].user, "root");
		assert_string_equal(s.v[0].local, "*:67");
		assert_int_equal(s.v[0].port, 67);
		assert_string_equal(s.v[1].process, "bootpd");
		assert_int_equal(s.v[1].pid, 812);
		port_sockets_free(&s);
	}
	/* The table cuts names to 9 characters; the field output the probe asks for does not. */
	lsof("lsof-udp53-mdnsresponder.txt", &s, 2);
	assert_string_equal(s.v[0].process, "mDNSRespo");
	assert_string_equal(s.v[0].user, "_mdnsresponder");
	port_sockets_free(&s);
	lsof("lsof-udp53-mdnsresponder.F", &s, 2);
	assert_string_equal(s.v[1].process, "mDNSResponder");
	port_sockets_free(&s);

	lsof("lsof-udp53-dnscrypt.F", &s, 2);
	assert_string_equal(s.v[0].process, "dnscrypt-proxy");
	assert_int_equal(s.v[0].pid, 612);
	assert_string_equal(s.v[0].local, "127.0.0.1:53");
	assert_string_equal(s.v[1].local, "[::1]:53");
	assert_int_equal(s.v[1].port, 53);
	port_sockets_free(&s);

	lsof("lsof-udp53-dnsmasq.txt", &s, 2);
	assert_string_equal(s.v[1].process, "dnsmasq");
	assert_string_equal(s.v[1].user, "nobody");
	port_sockets_free(&s);

	lsof("lsof-tcp53-dnsmasq.txt", &s, 2);
	assert_string_equal(s.v[0].local, "*:53");
	assert_string_equal(s.v[1].local, "[::1]:53");
	port_sockets_free(&s);

	/* Blanks in a command name (+c 0); a connected socket's local half. */
	lsof("lsof-udp53-spaces.txt", &s, 2);
	assert_string_equal(s.v[0].process, "Docker Desktop Helper");
	assert_int_equal(s.v[0].pid, 2211);
	assert_string_equal(s.v[0].user, "alice");
	assert_string_equal(s.v[1].local, "192.168.65.1:53");
	port_sockets_free(&s);

	/* lsof -iUDP:53 also lists clients talking to someone's port 53: they hold nothing. */
	{
		static const char text[] = "p191\ncmDNSResponder\nL_mdnsresponder\nn*:53\n"
		                           "p777\ncFirefox\nLalice\nn10.0.0.2:50123->10.0.0.1:53\n";

		assert_int_equal(lsof_parse(text, sizeof text - 1, &s), 2);
		assert_int_equal(s.v[1].port, 50123);
		assert_int_equal(port_sockets_keep_port(&s, 53), 1);
		assert_int_equal(s.n, 1);
		assert_string_equal(s.v[0].process, "mDNSResponder");
		assert_int_equal(port_sockets_keep_port(&s, 67), 1);
		assert_int_equal(s.n, 0);
		port_sockets_free(&s);
	}

	/* Nothing matched: lsof prints nothing. Not lsof's output: refused. */
	assert_int_equal(lsof_parse("", 0, &s), 0);
	assert_int_equal(lsof_parse("\n", 1, &s), 0);
	lsof("procnet-udp.txt", &s, -1);
	assert_int_equal(lsof_parse("p12\nn*:x\n", 9, &s), -1);
	assert_int_equal(lsof_parse("n*:53\n", 6, &s), -1);
	port_sockets_free(&s);
}

static void
test_judge(void **state)
{
	struct port_socket v[3];
	struct port_sockets s = {v, 0};
	size_t d;

	(void)state;
	memset(v, 0, sizeof v);
	assert_int_equal(port_owner_judge(&s, NULL, true, false, &d), PORT_FREE);
	assert_int_equal(d, (size_t)-1);
	/* lsof as a user sees only the user's own processes. */
	assert_int_equal(port_owner_judge(&s, "bootpd", false, false, &d), PORT_HIDDEN);

	v[0].process = (char *)"launchd";
	v[0].pid = 1;
	v[1].process = (char *)"bootpd";
	v[1].pid = 812;
	s.n = 2;
	assert_int_equal(port_owner_judge(&s, "bootpd, launchd", true, true, &d), PORT_EXPECTED);
	assert_int_equal(d, 0);
	assert_int_equal(port_owner_judge(&s, "bootpd", true, true, &d), PORT_CONFLICT);
	assert_int_equal(d, 0);
	assert_int_equal(port_owner_judge(&s, NULL, true, true, &d), PORT_CONFLICT);
	assert_int_equal(port_owner_judge(&s, "BOOTPD,LaunchD", false, false, &d), PORT_HIDDEN);

	/* An owner not seen: hidden, unless another is known to be wrong. */
	v[2].pid = -1;
	s.n = 3;
	assert_int_equal(port_owner_judge(&s, "bootpd,launchd", true, false, &d), PORT_HIDDEN);
	assert_int_equal(d, 2);
	assert_int_equal(port_owner_judge(&s, "bootpd", true, false, &d), PORT_CONFLICT);
	assert_int_equal(d, 0);
	/* Seen as root, a socket no process holds is the kernel's. */
	assert_int_equal(port_owner_judge(&s, "bootpd,launchd", true, true, &d), PORT_CONFLICT);
	assert_int_equal(d, 2);
	assert_int_equal(port_owner_judge(&s, "bootpd,launchd,kernel", true, true, &d),
	                 PORT_EXPECTED);

	assert_true(port_owner_allowed("dnsmasq", "dnsmasq"));
	assert_true(port_owner_allowed(" a , dnsmasq ,b", "dnsmasq"));
	assert_false(port_owner_allowed("dnsmasq", "dnsmasq2"));
	assert_false(port_owner_allowed("dnsmasq2", "dnsmasq"));
	assert_false(port_owner_allowed("", "dnsmasq"));
	assert_false(port_owner_allowed(",,", "dnsmasq"));
	assert_false(port_owner_allowed(NULL, "dnsmasq"));
	/* Linux cuts names to 15 characters. */
	assert_true(port_owner_allowed("systemd-resolved", "systemd-resolve"));
	assert_false(port_owner_allowed("systemd-resolved", "systemd-resolv"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cidr),          cmocka_unit_test(test_dns_names),
	    cmocka_unit_test(test_dns_answers),   cmocka_unit_test(test_dns_failures),
	    cmocka_unit_test(test_dns_malformed), cmocka_unit_test(test_icmp),
	    cmocka_unit_test(test_netlink),       cmocka_unit_test(test_netlink_malformed),
	    cmocka_unit_test(test_route_darwin),  cmocka_unit_test(test_procnet),
	    cmocka_unit_test(test_lsof),          cmocka_unit_test(test_judge),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
