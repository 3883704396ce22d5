/*
 * test-leaseparse.c: the leases and hosts.ics parsers on the fixtures in
 * tests/data/leases (dnsmasq's and bootpd's lease files, hosts.ics in
 * UTF-8 and UTF-16), entry by entry, and on the damage those files are
 * known to suffer: cut lines, NUL runs, jumbled or unclosed blocks.
 */
#include "config.h"

#include "cmocka-prelude.h"

#include <stdlib.h>
#include <string.h>

#include "probe/leaseparse.h"
#include "testutil.h"

static void
parse_fixture(const char *rel, struct lease_file *lf)
{
	size_t len;
	char *buf = fixture_read(rel, &len);

	lease_parse(buf, len, lf);
	free(buf);
}

static void
parse_text(const char *text, struct lease_file *lf)
{
	lease_parse(text, strlen(text), lf);
}

static void
test_mac_normalise(void **state)
{
	char m[LEASE_MAC_LEN];

	(void)state;
	assert_true(lease_mac_normalise("52:54:0:e2:30:dd", m));
	assert_string_equal(m, "52:54:00:e2:30:dd");
	assert_true(lease_mac_normalise("52-54-00-E2-30-DD", m));
	assert_string_equal(m, "52:54:00:e2:30:dd");
	assert_true(lease_mac_normalise("52:54:0:1:e7:ff", m));
	assert_string_equal(m, "52:54:00:01:e7:ff");
	assert_false(lease_mac_normalise("52:54:00:e2:30", m));
	assert_false(lease_mac_normalise("52:54:00:e2:30:dd:01", m));
	assert_false(lease_mac_normalise("52:54:00:e2:30:ddd", m));
	assert_false(lease_mac_normalise("52:54:00:e2:30:", m));
	assert_false(lease_mac_normalise("52:54-00:e2:30:dd", m));
	assert_false(lease_mac_normalise("52:54:00:g2:30:dd", m));
	assert_false(lease_mac_normalise("", m));
	assert_string_equal(m, "");
}

static void
test_name_matches(void **state)
{
	(void)state;
	assert_true(lease_name_matches("primary", "primary", NULL));
	assert_true(lease_name_matches("Primary", "primary", NULL));
	assert_true(lease_name_matches("primary.multipass", "primary", NULL));
	assert_false(lease_name_matches("primary2", "primary", NULL));
	assert_false(lease_name_matches("primary.", "primary", NULL));
	assert_false(lease_name_matches("prim", "primary", NULL));
	assert_false(lease_name_matches(NULL, "primary", NULL));
	assert_true(lease_name_matches("PRIMARY.MSHOME.NET", "primary", "mshome.net"));
	assert_true(lease_name_matches("primary", "primary", "mshome.net"));
	assert_false(lease_name_matches("primary.example.com", "primary", "mshome.net"));
}

static void
test_detect(void **state)
{
	(void)state;
	assert_int_equal(lease_detect_format("", 0), LEASE_FORMAT_EMPTY);
	assert_int_equal(lease_detect_format("\n  \n", 4), LEASE_FORMAT_EMPTY);
	assert_int_equal(lease_detect_format("\n{\n", 3), LEASE_FORMAT_BOOTPD);
	assert_int_equal(lease_detect_format("0 52:54", 7), LEASE_FORMAT_DNSMASQ);
	assert_int_equal(lease_detect_format("duid 00:01", 10), LEASE_FORMAT_DNSMASQ);
	assert_int_equal(lease_detect_format("<?xml", 5), LEASE_FORMAT_UNKNOWN);
	assert_int_equal(lease_detect_format("soon 52:54", 10), LEASE_FORMAT_UNKNOWN);
	assert_int_equal(lease_detect_format("\tip_address=1", 13), LEASE_FORMAT_BOOTPD);
	assert_string_equal(lease_format_name(LEASE_FORMAT_BOOTPD), "bootpd");
	assert_string_equal(lease_format_name(LEASE_FORMAT_DNSMASQ), "dnsmasq");
}

static void
test_dnsmasq_normal(void **state)
{
	struct lease_file lf;

	(void)state;
	parse_fixture("leases/dnsmasq.leases.normal", &lf);
	assert_int_equal(lf.format, LEASE_FORMAT_DNSMASQ);
	assert_int_equal(lf.n, 3);
	assert_int_equal(lf.ncorrupt, 0);
	assert_string_equal(lf.v[0].name, "primary");
	assert_string_equal(lf.v[0].ip, "10.97.0.12");
	assert_string_equal(lf.v[0].mac, "52:54:00:e2:30:dd");
	assert_int_equal(lf.v[0].expires, 0);
	assert_int_equal(lf.v[0].first_line, 1);
	assert_string_equal(lf.v[0].text, "0 52:54:00:e2:30:dd 10.97.0.12 primary *");
	assert_string_equal(lf.v[1].name, "dbarn");
	assert_int_equal(lf.v[1].first_line, 2);
	assert_null(lf.v[2].name); /* "*" */
	assert_string_equal(lf.v[2].ip, "10.97.0.23");
	lease_file_free(&lf);

	parse_fixture("leases/dnsmasq.leases.expired", &lf);
	assert_int_equal(lf.n, 3);
	assert_int_equal(lf.ncorrupt, 0);
	assert_int_equal(lf.v[1].expires, 1726990291);
	assert_string_equal(lf.v[1].name, "primary");
	lease_file_free(&lf);

	parse_fixture("leases/dnsmasq.leases.same-mac", &lf);
	assert_int_equal(lf.n, 3);
	assert_int_equal(lf.ncorrupt, 0);
	assert_string_equal(lf.v[0].mac, lf.v[2].mac);
	assert_string_not_equal(lf.v[0].ip, lf.v[2].ip);
	lease_file_free(&lf);
}

static void
test_dnsmasq_corrupt(void **state)
{
	struct lease_file lf;

	(void)state;
	parse_fixture("leases/dnsmasq.leases.corrupt", &lf);
	assert_int_equal(lf.format, LEASE_FORMAT_DNSMASQ);
	assert_int_equal(lf.n, 4);
	assert_int_equal(lf.ncorrupt, 2);
	assert_false(lf.v[0].corrupt);
	/* The NUL run: one corrupt entry, its bytes kept. */
	assert_true(lf.v[1].corrupt);
	assert_int_equal(lf.v[1].first_line, 2);
	assert_int_equal(lf.v[1].text_len, 16);
	assert_non_null(strstr(lf.v[1].problem, "control bytes"));
	assert_false(lease_text_mentions(&lf.v[1], "primary", "52:54:00:e2:30:dd"));
	assert_false(lf.v[2].corrupt);
	/* The cut line still tells whose it was. */
	assert_true(lf.v[3].corrupt);
	assert_int_equal(lf.v[3].first_line, 4);
	assert_non_null(strstr(lf.v[3].problem, "incomplete"));
	assert_string_equal(lf.v[3].mac, "52:54:00:e2:30:dd");
	assert_string_equal(lf.v[3].ip, "10.9");
	assert_null(lf.v[3].name);
	assert_true(lease_text_mentions(&lf.v[3], NULL, "52:54:00:e2:30:dd"));
	assert_false(lease_text_mentions(&lf.v[3], "primary", NULL));
	lease_file_free(&lf);
}

static void
test_dnsmasq_bad_fields(void **state)
{
	static const struct {
		const char *line;
		const char *problem;
	} cases[] = {
	    {"0 52:54:00:e2:30:dd 10.97.0.12 primary * extra", "more fields"},
	    {"1727x00000 52:54:00:e2:30:dd 10.97.0.12 primary *", "expiry"},
	    {"0 52:54:00:e2:30:zz 10.97.0.12 primary *", "hardware address"},
	    {"0 52:54:00:e2:30:dd 10.97.0.300 primary *", "IPv4"},
	    {"0 52:54:00:e2:30:dd fd00::5 primary *", "IPv4"},
	    {"0 52:54:00:e2:30:dd 10.97.0.12 -primary *", "host name"},
	    {"0 52:54:00:e2:30:dd 10.97.0.12 primary 01:xx", "client id"},
	};
	struct lease_file lf;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		parse_text(cases[i].line, &lf);
		assert_int_equal(lf.n, 1);
		if (!lf.v[0].corrupt)
			fail_msg("'%s' read as a good lease", cases[i].line);
		if (strstr(lf.v[0].problem, cases[i].problem) == NULL)
			fail_msg("'%s': problem '%s', wanted '%s'", cases[i].line, lf.v[0].problem,
			         cases[i].problem);
		lease_file_free(&lf);
	}

	/* Another hardware type, and the DHCPv6 part after its duid line. */
	parse_text("1727000500 06-00:11:22:33:44:55 10.97.0.40 ib-node *\n"
	           "duid 00:01:00:01:2c:5a:11:22:52:54:00:aa:bb:cc\n"
	           "1727000900 1223344 fd42::15 primary 00:01:00:01:2c:5a:11:22\n"
	           "1727000900 T99 fd42::16 * *\n"
	           "1727000900 99 10.97.0.41 other *\n",
	           &lf);
	assert_int_equal(lf.n, 5);
	assert_false(lf.v[0].corrupt);
	assert_string_equal(lf.v[0].mac, "");
	assert_false(lf.v[1].corrupt);
	assert_true(lf.v[1].ipv6);
	assert_false(lf.v[2].corrupt);
	assert_true(lf.v[2].ipv6);
	assert_string_equal(lf.v[2].name, "primary");
	assert_false(lf.v[3].corrupt);
	assert_true(lf.v[4].corrupt); /* an IPv4 address among the IPv6 leases */
	lease_file_free(&lf);
}

static void
test_bootpd_normal(void **state)
{
	struct lease_file lf;

	(void)state;
	parse_fixture("leases/dhcpd_leases.normal", &lf);
	assert_int_equal(lf.format, LEASE_FORMAT_BOOTPD);
	assert_int_equal(lf.n, 3);
	assert_int_equal(lf.ncorrupt, 0);
	assert_string_equal(lf.v[0].name, "primary");
	assert_string_equal(lf.v[0].ip, "192.168.64.2");
	assert_string_equal(lf.v[0].hw, "1,52:54:0:e2:30:dd");
	assert_string_equal(lf.v[0].mac, "52:54:00:e2:30:dd");
	assert_int_equal(lf.v[0].expires, 0x66f10a4d);
	assert_int_equal(lf.v[0].first_line, 1);
	assert_int_equal(lf.v[0].last_line, 7);
	assert_string_equal(lf.v[0].text,
	                    "name=primary ip_address=192.168.64.2 hw_address=1,52:54:0:e2:30:dd "
	                    "identifier=1,52:54:0:e2:30:dd lease=0x66f10a4d");
	assert_string_equal(lf.v[2].name, "tractorgeeks");
	assert_string_equal(lf.v[2].mac, "52:54:00:01:e7:ff");
	assert_int_equal(lf.v[2].first_line, 15);
	assert_int_equal(lf.v[2].last_line, 21);
	lease_file_free(&lf);

	parse_fixture("leases/dhcpd_leases.duplicate", &lf);
	assert_int_equal(lf.n, 3);
	assert_int_equal(lf.ncorrupt, 0);
	assert_string_equal(lf.v[0].name, "primary");
	assert_string_equal(lf.v[2].name, "primary");
	assert_string_not_equal(lf.v[0].ip, lf.v[2].ip);
	lease_file_free(&lf);

	parse_fixture("leases/dhcpd_leases.sequoia", &lf);
	assert_int_equal(lf.n, 2);
	assert_int_equal(lf.ncorrupt, 0);
	assert_string_equal(lf.v[1].ip, "192.168.64.3");
	assert_string_equal(lf.v[0].mac, "52:54:00:c4:07:1a");
	lease_file_free(&lf);
}

static void
test_bootpd_jumbled(void **state)
{
	struct lease_file lf;

	(void)state;
	parse_fixture("leases/dhcpd_leases.jumbled", &lf);
	assert_int_equal(lf.n, 4);
	assert_int_equal(lf.ncorrupt, 2);
	assert_false(lf.v[0].corrupt);
	assert_true(lf.v[1].corrupt);
	assert_string_equal(lf.v[1].name, "primary");
	assert_string_equal(lf.v[1].ip, "192.168.64.2");
	assert_non_null(strstr(lf.v[1].problem, "no hw_address"));
	assert_int_equal(lf.v[1].first_line, 8);
	assert_int_equal(lf.v[1].last_line, 12);
	assert_true(lf.v[2].corrupt);
	assert_string_equal(lf.v[2].name, "kubeworker01");
	assert_string_equal(lf.v[2].mac, "52:54:00:93:3d:91");
	assert_non_null(strstr(lf.v[2].problem, "closing brace"));
	assert_int_equal(lf.v[2].first_line, 13);
	assert_int_equal(lf.v[2].last_line, 17);
	assert_false(lf.v[3].corrupt);
	assert_string_equal(lf.v[3].name, "tractorgeeks");
	assert_int_equal(lf.v[3].first_line, 18);
	lease_file_free(&lf);
}

static void
test_bootpd_damage(void **state)
{
	static const struct {
		const char *text;
		const char *problem;
	} cases[] = {
	    {"{\n\tname=a\n\tip_address=192.168.64.9\n\thw_address=1,52:54:0:1:2:3\n",
	     "ends inside"},
	    {"\tname=a\n\tip_address=192.168.64.9\n\thw_address=1,52:54:0:1:2:3\n\tlease=0x1\n}\n",
	     "opening brace"},
	    {"{\n\tname=a\n\tname=b\n\tip_address=192.168.64.9\n\thw_address=1,52:54:0:1:2:3\n"
	     "\tlease=0x1\n}\n",
	     "twice"},
	    {"{\n\tname=a\n\tip_address=192.168.64\n\thw_address=1,52:54:0:1:2:3\n\tlease=0x1\n}\n",
	     "IPv4"},
	    {"{\n\tname=a\n\tip_address=192.168.64.9\n\thw_address=52:54:0:1:2:3\n\tlease=0x1\n}\n",
	     "TYPE,ADDRESS"},
	    {"{\n\tname=a\n\tip_address=192.168.64.9\n\thw_address=1,52:54:0:1:2:3\n\tlease=123\n}"
	     "\n",
	     "hexadecimal"},
	    {"{\n\tname=a\n\tip_address=192.168.64.9\n\thw_address=1,52:54:0:1:2:3\n}\n",
	     "no lease"},
	    {"{\n\tname=a\n\tjunk\n\tip_address=192.168.64.9\n\thw_address=1,52:54:0:1:2:3\n"
	     "\tlease=0x1\n}\n",
	     "KEY=VALUE"},
	    {"{\n\tname=\n\tip_address=192.168.64.9\n\thw_address=1,52:54:0:1:2:3\n\tlease=0x1\n}"
	     "\n",
	     "empty"},
	    {"{\n\tname=a\x01\n\tip_address=192.168.64.9\n\thw_address=1,52:54:0:1:2:3\n"
	     "\tlease=0x1\n}\n",
	     "control bytes"},
	};
	struct lease_file lf;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		parse_text(cases[i].text, &lf);
		assert_int_equal(lf.n, 1);
		if (!lf.v[0].corrupt)
			fail_msg("case %zu read as a good lease", i);
		if (strstr(lf.v[0].problem, cases[i].problem) == NULL)
			fail_msg("case %zu: problem '%s', wanted '%s'", i, lf.v[0].problem,
			         cases[i].problem);
		if (strstr(cases[i].text, "name=a") != NULL)
			assert_true(lease_text_mentions(&lf.v[0], "a", NULL));
		assert_true(lease_text_mentions(&lf.v[0], NULL, "52:54:00:01:02:03"));
		lease_file_free(&lf);
	}

	/* Keys bootpd may add later are let be; a block without a name is a lease. */
	parse_text("{\n\tip_address=192.168.64.9\n\thw_address=1,52:54:0:1:2:3\n"
	           "\tidentifier=ff,0:1:2\n\tnew_key=1\n\tlease=0x66f10a4d\n}\n",
	           &lf);
	assert_int_equal(lf.n, 1);
	assert_false(lf.v[0].corrupt);
	assert_null(lf.v[0].name);
	lease_file_free(&lf);
}

static void
test_mentions(void **state)
{
	struct lease_file lf;

	(void)state;
	parse_text("0 52:54:00:e2:30:dd 10.97.0.12 primary.multipass", &lf);
	assert_true(lf.v[0].corrupt);
	assert_true(lease_text_mentions(&lf.v[0], "primary", NULL));
	assert_true(lease_text_mentions(&lf.v[0], "PRIMARY", NULL));
	assert_false(lease_text_mentions(&lf.v[0], "prim", NULL));
	assert_false(lease_text_mentions(&lf.v[0], "multipass2", NULL));
	assert_false(lease_text_mentions(&lf.v[0], NULL, "52:54:00:e2:30:de"));
	lease_file_free(&lf);
}

/* ---- hosts.ics ---------------------------------------------------------- */

static void
parse_ics_fixture(const char *rel, struct ics_file *f)
{
	size_t len;
	char *buf = fixture_read(rel, &len);

	ics_parse(buf, len, f);
	free(buf);
}

static void
test_ics_normal(void **state)
{
	struct ics_file f;

	(void)state;
	parse_ics_fixture("leases/hosts.ics.normal", &f);
	assert_string_equal(f.encoding, "UTF-8");
	assert_int_equal(f.nlines, 12);
	assert_int_equal(f.n, 3);
	assert_int_equal(f.ncorrupt, 0);
	assert_string_equal(f.v[1].address, "172.17.122.45");
	assert_string_equal(f.v[1].name, "primary.mshome.net");
	assert_int_equal(f.v[1].line, 11);
	assert_true(f.v[1].has_time);
	assert_int_equal(f.v[1].year, 2024);
	assert_int_equal(f.v[1].month, 9);
	assert_int_equal(f.v[1].day, 22);
	assert_int_equal(f.v[1].hour, 10);
	assert_int_equal(f.v[1].minute, 5);
	assert_int_equal(f.v[1].second, 47);
	assert_string_equal(f.v[1].text,
	                    "172.17.122.45 primary.mshome.net # 2024 9 0 22 10 5 47 236");
	ics_file_free(&f);
}

static void
test_ics_duplicate_and_utf16(void **state)
{
	struct ics_file f;
	size_t hits = 0;

	(void)state;
	parse_ics_fixture("leases/hosts.ics.duplicate", &f);
	assert_int_equal(f.ncorrupt, 0);
	for (size_t i = 0; i < f.n; i++)
		hits += lease_name_matches(f.v[i].name, "primary", "mshome.net");
	assert_int_equal(hits, 3);
	ics_file_free(&f);

	parse_ics_fixture("leases/hosts.ics.utf16le", &f);
	assert_string_equal(f.encoding, "UTF-16LE");
	assert_int_equal(f.ncorrupt, 0);
	assert_int_equal(f.n, 3);
	assert_string_equal(f.v[1].address, "172.17.122.45");
	assert_string_equal(f.v[2].address, "172.17.118.207");
	assert_int_equal(f.v[2].line, 12);
	ics_file_free(&f);
}

static void
test_ics_corrupt(void **state)
{
	struct ics_file f;

	(void)state;
	parse_ics_fixture("leases/hosts.ics.corrupt", &f);
	assert_int_equal(f.n, 7);
	assert_int_equal(f.ncorrupt, 4);
	assert_false(f.v[1].corrupt);
	assert_true(f.v[2].corrupt);
	assert_string_equal(f.v[2].text, "28");
	assert_int_equal(f.v[2].line, 12);
	assert_non_null(strstr(f.v[2].problem, "half"));
	assert_null(f.v[2].address);
	assert_false(f.v[3].corrupt);
	assert_string_equal(f.v[3].name, "primary.mshome.net");
	assert_true(f.v[4].corrupt);
	assert_true(f.v[5].corrupt);
	assert_non_null(strstr(f.v[5].problem, "time stamp"));
	assert_true(f.v[6].corrupt);
	assert_non_null(strstr(f.v[6].problem, "control bytes"));
	assert_int_equal(f.v[6].text_len, 14);
	ics_file_free(&f);
}

static void
test_ics_lines(void **state)
{
	static const struct {
		const char *line;
		const char *problem; /* NULL: a good entry */
	} cases[] = {
	    {"172.17.122.45 primary.mshome.net", NULL},
	    {"  172.17.122.45\tprimary.mshome.net   # 2024 9 0 22 10 5 47 236  ", NULL},
	    {"fe80::1 primary.mshome.net # 2024 9 0 22 10 5 47 236", NULL},
	    {"172.17.122 primary.mshome.net # 2024 9 0 22 10 5 47 236", "not an IP address"},
	    {"172.17.122.45 primary..mshome.net", "not a valid host name"},
	    {"172.17.122.45 primary.mshome.net other", "more than ADDRESS NAME"},
	    {"172.17.122.45 primary.mshome.net # 2024 13 0 22 10 5 47 236", "time stamp"},
	    {"172.17.122.45 primary.mshome.net # 2024 9 0 22 10 5 47 236 1", "time stamp"},
	    {"172.17.122.45 primary.mshome.net # hello", "time stamp"},
	    {"primary.mshome.net", "half"},
	    {"172.17.122.45 prim\xc3", "control bytes"},
	    {"# a comment\x07", "control bytes"},
	};
	struct ics_file f;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		ics_parse(cases[i].line, strlen(cases[i].line), &f);
		assert_int_equal(f.n, 1);
		if (cases[i].problem == NULL) {
			if (f.v[0].corrupt)
				fail_msg("'%s' read as corrupt: %s", cases[i].line, f.v[0].problem);
		} else if (!f.v[0].corrupt || strstr(f.v[0].problem, cases[i].problem) == NULL) {
			fail_msg("'%s': problem '%s', wanted '%s'", cases[i].line,
			         f.v[0].corrupt ? f.v[0].problem : "(none)", cases[i].problem);
		}
		ics_file_free(&f);
	}

	/* Comments and blank lines are not entries. */
	ics_parse("# x\r\n\r\n   \r\n  # y\r\n", 19, &f);
	assert_int_equal(f.n, 0);
	assert_int_equal(f.nlines, 4);
	ics_file_free(&f);
}

static void
test_utf16(void **state)
{
	/* "a" U+00E9 U+1F600 (a surrogate pair), then a lone low surrogate and an odd byte. */
	static const unsigned char le[] = {'a',  0,    0xe9, 0,    0x3d, 0xd8,
	                                   0x00, 0xde, 0x00, 0xdc, 'z'};
	static const unsigned char be[] = {0, 'a', 0, 0xe9};
	size_t len;
	char *s = utf16_to_utf8(le, sizeof le, false, &len);
	struct ics_file f;

	(void)state;
	assert_int_equal(len, 1 + 2 + 4 + 1 + 1);
	assert_memory_equal(s, "a\xc3\xa9\xf0\x9f\x98\x80\xff\xff", len);
	free(s);
	s = utf16_to_utf8(be, sizeof be, true, &len);
	assert_string_equal(s, "a\xc3\xa9");
	free(s);

	/* UTF-16LE without a byte order mark, and big-endian with one. */
	ics_parse("1\0.\0002\0.\0003\0.\0004\0 \0p\0\r\0\n\0", 22, &f);
	assert_string_equal(f.encoding, "UTF-16LE");
	assert_int_equal(f.n, 1);
	assert_string_equal(f.v[0].address, "1.2.3.4");
	ics_file_free(&f);
	ics_parse("\xfe\xff\0001\0.\0002\0.\0003\0.\0004\0 \0p", 20, &f);
	assert_string_equal(f.encoding, "UTF-16BE");
	assert_string_equal(f.v[0].name, "p");
	ics_file_free(&f);
	/* A UTF-8 byte order mark is dropped. */
	ics_parse("\xef\xbb\xbf"
	          "1.2.3.4 p",
	          12, &f);
	assert_string_equal(f.encoding, "UTF-8");
	assert_false(f.v[0].corrupt);
	ics_file_free(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_mac_normalise),   cmocka_unit_test(test_name_matches),
	    cmocka_unit_test(test_detect),          cmocka_unit_test(test_dnsmasq_normal),
	    cmocka_unit_test(test_dnsmasq_corrupt), cmocka_unit_test(test_dnsmasq_bad_fields),
	    cmocka_unit_test(test_bootpd_normal),   cmocka_unit_test(test_bootpd_jumbled),
	    cmocka_unit_test(test_bootpd_damage),   cmocka_unit_test(test_mentions),
	    cmocka_unit_test(test_ics_normal),      cmocka_unit_test(test_ics_duplicate_and_utf16),
	    cmocka_unit_test(test_ics_corrupt),     cmocka_unit_test(test_ics_lines),
	    cmocka_unit_test(test_utf16),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
