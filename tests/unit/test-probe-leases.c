/*
 * test-probe-leases.c: the leases and hosts_ics probes end to end on
 * snapshot hosts (Linux, macOS, Windows) whose files are the fixtures in
 * tests/data/leases, every outcome of each, the facts and evidence they
 * give, and the parameters they refuse. The snapshot clock is 1727000000
 * (2024-09-22T10:13:20Z).
 */
#include "config.h"

#include "cmocka-prelude.h"

#include <stdlib.h>
#include <string.h>

#include "host/host.h"
#include "host/snapshot.h"
#include "platform/paths.h"
#include "probe/probe.h"
#include "testutil.h"

#define NOW 1727000000
#define DARWIN_LEASES "/var/db/dhcpd_leases"
#define LINUX_LEASES "/var/snap/multipass/common/data/multipassd/network/dnsmasq.leases"
#define WINDOWS_ICS "C:\\WINDOWS\\System32\\drivers\\etc\\hosts.ics"

struct snap {
	struct snapshot *s;
	struct host *h;
};

/* A snapshot of os holding path with status and, for HOST_OK, the fixture rel. */
static void
snap_open(struct snap *sn, const char *os, const char *path, enum host_status status,
          const char *rel)
{
	size_t len = 0;
	char *text = rel != NULL ? fixture_read(rel, &len) : NULL;

	sn->s = snapshot_new(os, "x86_64", NOW);
	if (path != NULL)
		snapshot_add_file(sn->s, path, status, 'f', text, len, false);
	sn->h = host_snapshot(sn->s);
	free(text);
}

static void
snap_open_text(struct snap *sn, const char *os, const char *path, const char *text)
{
	sn->s = snapshot_new(os, "x86_64", NOW);
	snapshot_add_file(sn->s, path, HOST_OK, 'f', text, strlen(text), false);
	sn->h = host_snapshot(sn->s);
}

static void
snap_close(struct snap *sn)
{
	host_close(sn->h);
	snapshot_free(sn->s);
}

static void
expect(const struct probe_result *r, const char *outcome)
{
	if (strcmp(r->outcome, outcome) != 0) {
		print_message("# summary: %s\n", r->summary != NULL ? r->summary : "(none)");
		for (size_t i = 0; i < r->evidence.n; i++)
			print_message("#   %s\n", r->evidence.v[i]);
		fail_msg("outcome %s, wanted %s", r->outcome, outcome);
	}
	assert_non_null(r->summary);
}

static void
expect_fact(const struct probe_result *r, const char *key, const char *value)
{
	const char *got = result_fact(r, key);

	if (got == NULL || strcmp(got, value) != 0)
		fail_msg("fact %s is %s, wanted %s", key, got != NULL ? got : "(unset)", value);
}

static void
expect_evidence(const struct probe_result *r, const char *needle)
{
	if (!lines_have(&r->evidence, needle)) {
		for (size_t i = 0; i < r->evidence.n; i++)
			print_message("#   %s\n", r->evidence.v[i]);
		fail_msg("no evidence line holds '%s'", needle);
	}
}

/* ---- leases: Linux (dnsmasq) -------------------------------------------- */

static void
test_linux_found_and_missing(void **state)
{
	struct snap sn;
	struct probe_result r;

	(void)state;
	/* The default file is Multipass's, from the platform table. */
	assert_string_equal(platform_info("linux")->leases_file, LINUX_LEASES);
	snap_open(&sn, "linux", LINUX_LEASES, HOST_OK, "leases/dnsmasq.leases.normal");
	run_probe_on(sn.h, &r, "leases", "name", "primary", NULL);
	expect(&r, "found");
	expect_fact(&r, "lease.ip", "10.97.0.12");
	expect_fact(&r, "lease.mac", "52:54:00:e2:30:dd");
	expect_fact(&r, "lease.expires", "never");
	expect_fact(&r, "lease.count", "1");
	expect_fact(&r, "lease.format", "dnsmasq");
	expect_fact(&r, "lease.file", LINUX_LEASES);
	expect_evidence(&r, LINUX_LEASES ":1: 0 52:54:00:e2:30:dd 10.97.0.12 primary *");
	expect_evidence(&r, "never expires");
	probe_result_free(&r);

	/* By MAC, in any spelling; and both at once. */
	run_probe_on(sn.h, &r, "leases", "mac", "52-54-00-3B-85-37", NULL);
	expect(&r, "found");
	expect_fact(&r, "lease.ip", "10.97.0.15");
	probe_result_free(&r);
	run_probe_on(sn.h, &r, "leases", "name", "primary", "mac", "52:54:0:e2:30:dd", NULL);
	expect(&r, "found");
	assert_non_null(strstr(r.summary, "primary (52:54:00:e2:30:dd)"));
	probe_result_free(&r);

	run_probe_on(sn.h, &r, "leases", "name", "ghost", NULL);
	expect(&r, "missing");
	expect_fact(&r, "lease.count", "0");
	assert_null(result_fact(&r, "lease.ip"));
	probe_result_free(&r);
	/* A name is a whole name: "prim" is not "primary". */
	run_probe_on(sn.h, &r, "leases", "name", "prim", NULL);
	expect(&r, "missing");
	probe_result_free(&r);
	snap_close(&sn);
}

static void
test_linux_duplicate(void **state)
{
	struct snap sn;
	struct probe_result r;

	(void)state;
	snap_open(&sn, "linux", LINUX_LEASES, HOST_OK, "leases/dnsmasq.leases.duplicate");
	run_probe_on(sn.h, &r, "leases", "name", "primary", NULL);
	expect(&r, "duplicate");
	/* The first line, as Multipass reads the file. */
	expect_fact(&r, "lease.ip", "10.97.0.31");
	expect_fact(&r, "lease.count", "2");
	expect_fact(&r, "lease.current", "2");
	expect_evidence(&r, ":1: 0 52:54:00:5f:52:7a 10.97.0.31 primary");
	expect_evidence(&r, ":3: 0 52:54:00:e2:30:dd 10.97.0.12 primary");
	assert_non_null(strstr(r.summary, "2 current leases carry the name primary"));
	probe_result_free(&r);
	/* One of the two MACs alone has one lease. */
	run_probe_on(sn.h, &r, "leases", "mac", "52:54:00:e2:30:dd", NULL);
	expect(&r, "found");
	probe_result_free(&r);
	snap_close(&sn);

	/* Recorded from dnsmasq: one MAC, two client ids, two addresses. */
	snap_open(&sn, "linux", LINUX_LEASES, HOST_OK, "leases/dnsmasq.leases.same-mac");
	run_probe_on(sn.h, &r, "leases", "name", "primary", NULL);
	expect(&r, "duplicate");
	expect_fact(&r, "lease.ip", "10.97.9.169");
	expect_evidence(&r, ":3: 1795328831 52:54:00:00:01:0a 10.97.9.168 *");
	assert_non_null(strstr(r.summary, "different addresses"));
	probe_result_free(&r);
	run_probe_on(sn.h, &r, "leases", "mac", "52:54:00:00:01:0a", NULL);
	expect(&r, "duplicate");
	probe_result_free(&r);
	run_probe_on(sn.h, &r, "leases", "mac", "52:54:00:00:02:0a", NULL);
	expect(&r, "found");
	probe_result_free(&r);
	snap_close(&sn);

	/* Another MAC holds the instance's address. */
	snap_open_text(&sn, "linux", LINUX_LEASES,
	               "0 52:54:00:e2:30:dd 10.97.0.12 primary *\n"
	               "0 52:54:00:77:00:01 10.97.0.12 * *\n");
	run_probe_on(sn.h, &r, "leases", "name", "primary", NULL);
	expect(&r, "duplicate");
	expect_evidence(&r, "another MAC, 52:54:00:77:00:01, holds the same address 10.97.0.12");
	probe_result_free(&r);
	snap_close(&sn);
}

static void
test_linux_stale_and_corrupt(void **state)
{
	struct snap sn;
	struct probe_result r;

	(void)state;
	snap_open(&sn, "linux", LINUX_LEASES, HOST_OK, "leases/dnsmasq.leases.expired");
	run_probe_on(sn.h, &r, "leases", "name", "primary", NULL);
	expect(&r, "stale");
	expect_fact(&r, "lease.ip", "10.97.0.12");
	expect_fact(&r, "lease.expires", "2024-09-22T07:31:31Z");
	expect_fact(&r, "lease.current", "0");
	expect_evidence(&r, ":2: 1726990291 52:54:00:e2:30:dd");
	expect_evidence(&r, "expired at 2024-09-22T07:31:31Z");
	probe_result_free(&r);
	/* dbarn's lease runs until the next day. */
	run_probe_on(sn.h, &r, "leases", "name", "dbarn", NULL);
	expect(&r, "found");
	expect_fact(&r, "lease.expires", "2024-09-23T03:18:37Z");
	probe_result_free(&r);
	snap_close(&sn);

	snap_open(&sn, "linux", LINUX_LEASES, HOST_OK, "leases/dnsmasq.leases.corrupt");
	/* The cut line is the MAC's... */
	run_probe_on(sn.h, &r, "leases", "mac", "52:54:00:e2:30:dd", NULL);
	expect(&r, "corrupt");
	expect_evidence(&r, ":4: 0 52:54:00:e2:30:dd 10.9 (damaged: an incomplete line");
	probe_result_free(&r);
	/* ...and by name nobody can tell whose it was, so it may hide primary's lease. */
	run_probe_on(sn.h, &r, "leases", "name", "primary", NULL);
	expect(&r, "corrupt");
	expect_evidence(&r, ":2: ????????????????");
	expect_evidence(&r, "whose it was cannot be read");
	probe_result_free(&r);
	/* A readable current lease still stands; the damage is shown with it. */
	run_probe_on(sn.h, &r, "leases", "name", "dbarn", NULL);
	expect(&r, "found");
	expect_evidence(&r, ":4: 0 52:54:00:e2:30:dd 10.9 (damaged, and whose it was cannot");
	probe_result_free(&r);
	/* By MAC, the damaged line that names another MAC is not the instance's. */
	run_probe_on(sn.h, &r, "leases", "mac", "52:54:00:3b:85:37", NULL);
	expect(&r, "found");
	expect_evidence(&r, ":2: ???????????????? (damaged, and whose it was cannot");
	expect_evidence(&r, "damaged entries that do not mention the instance: 1 (at line 4)");
	probe_result_free(&r);
	snap_close(&sn);
}

static void
test_linux_file_states(void **state)
{
	struct snap sn;
	struct probe_result r;

	(void)state;
	snap_open(&sn, "linux", LINUX_LEASES, HOST_NO_SUCH, NULL);
	run_probe_on(sn.h, &r, "leases", "name", "primary", NULL);
	expect(&r, "no_file");
	assert_non_null(strstr(r.summary, "dnsmasq has never handed out a lease"));
	probe_result_free(&r);
	snap_close(&sn);

	snap_open(&sn, "linux", LINUX_LEASES, HOST_DENIED, NULL);
	run_probe_on(sn.h, &r, "leases", "name", "primary", NULL);
	expect(&r, "unreadable");
	assert_non_null(strstr(r.summary, "sudo"));
	probe_result_free(&r);
	snap_close(&sn);

	/* A snapshot without the file says so, rather than "no file". */
	snap_open(&sn, "linux", NULL, HOST_OK, NULL);
	run_probe_on(sn.h, &r, "leases", "name", "primary", NULL);
	expect(&r, OUTCOME_ERROR);
	assert_non_null(strstr(r.summary, "snapshot does not hold"));
	probe_result_free(&r);
	snap_close(&sn);

	/* dnsmasq starts with an empty file. */
	snap_open_text(&sn, "linux", LINUX_LEASES, "\n");
	run_probe_on(sn.h, &r, "leases", "name", "primary", NULL);
	expect(&r, "missing");
	expect_fact(&r, "lease.format", "empty");
	probe_result_free(&r);
	snap_close(&sn);

	snap_open_text(&sn, "linux", LINUX_LEASES, "<plist version=\"1.0\">\n");
	run_probe_on(sn.h, &r, "leases", "name", "primary", NULL);
	expect(&r, "corrupt");
	expect_fact(&r, "lease.format", "unknown");
	expect_evidence(&r, ":1: <plist");
	probe_result_free(&r);
	snap_close(&sn);

	/* Nothing readable at all. */
	snap_open_text(&sn, "linux", LINUX_LEASES, "0 52:54\n");
	run_probe_on(sn.h, &r, "leases", "name", "primary", "mac", "52:54:00:00:00:01", NULL);
	expect(&r, "corrupt");
	assert_non_null(strstr(r.summary, "no readable lease"));
	probe_result_free(&r);
	snap_close(&sn);
}

static void
test_truncated_read(void **state)
{
	struct snapshot *s = snapshot_new("linux", "x86_64", NOW);
	const char *text = "0 52:54:00:e2:30:dd 10.97.0.12 primary *\n0 52:54:00:3b:8";
	struct host *h = NULL;
	struct probe_result r;

	(void)state;
	/* A file cut by the collector: its torn last line is left out, not called damaged. */
	snapshot_add_file(s, LINUX_LEASES, HOST_OK, 'f', text, strlen(text), true);
	h = host_snapshot(s);
	run_probe_on(h, &r, "leases", "name", "primary", NULL);
	expect(&r, "found");
	expect_evidence(&r, "only the first 8 MiB");
	expect_evidence(&r, "1 entries, 0 of them damaged");
	probe_result_free(&r);
	host_close(h);
	snapshot_free(s);
}

/* ---- leases: macOS (bootpd) --------------------------------------------- */

static void
test_darwin(void **state)
{
	struct snap sn;
	struct probe_result r;

	(void)state;
	assert_string_equal(platform_info("darwin")->leases_file, DARWIN_LEASES);
	snap_open(&sn, "darwin", DARWIN_LEASES, HOST_OK, "leases/dhcpd_leases.normal");
	run_probe_on(sn.h, &r, "leases", "name", "primary", NULL);
	expect(&r, "found");
	expect_fact(&r, "lease.ip", "192.168.64.2");
	expect_fact(&r, "lease.mac", "52:54:00:e2:30:dd");
	expect_fact(&r, "lease.expires", "2024-09-23T06:27:25Z");
	expect_fact(&r, "lease.format", "bootpd");
	expect_evidence(&r, DARWIN_LEASES ":1-7: name=primary ip_address=192.168.64.2");
	probe_result_free(&r);
	/* bootpd drops leading zeros; the MAC is found in either spelling. */
	run_probe_on(sn.h, &r, "leases", "mac", "52:54:00:01:e7:ff", NULL);
	expect(&r, "stale"); /* tractorgeeks' lease ended the day before */
	expect_fact(&r, "lease.ip", "192.168.64.4");
	probe_result_free(&r);
	run_probe_on(sn.h, &r, "leases", "name", "primary", "subnet", "192.168.64.0/24", NULL);
	expect(&r, "found");
	probe_result_free(&r);
	snap_close(&sn);

	snap_open(&sn, "darwin", DARWIN_LEASES, HOST_OK, "leases/dhcpd_leases.duplicate");
	run_probe_on(sn.h, &r, "leases", "name", "primary", NULL);
	expect(&r, "duplicate");
	/* The latest lease, not the first block. */
	expect_fact(&r, "lease.ip", "192.168.64.6");
	expect_fact(&r, "lease.count", "2");
	expect_evidence(&r, ":1-7: name=primary ip_address=192.168.64.6");
	expect_evidence(&r, ":15-21: name=primary ip_address=192.168.64.3");
	probe_result_free(&r);
	snap_close(&sn);

	/* After the update: current in time, but in the old subnet. */
	snap_open(&sn, "darwin", DARWIN_LEASES, HOST_OK, "leases/dhcpd_leases.sequoia");
	run_probe_on(sn.h, &r, "leases", "name", "primary", NULL);
	expect(&r, "found");
	probe_result_free(&r);
	run_probe_on(sn.h, &r, "leases", "name", "primary", "subnet", "192.168.2.0/24", NULL);
	expect(&r, "stale");
	expect_fact(&r, "lease.ip", "192.168.64.3");
	expect_evidence(&r, "stale: 192.168.64.3 is outside 192.168.2.0/24");
	assert_non_null(strstr(r.summary, "old subnet"));
	probe_result_free(&r);
	run_probe_on(sn.h, &r, "leases", "name", "faasd-vm", "subnet", "192.168.2.0/24", NULL);
	expect(&r, "found");
	probe_result_free(&r);
	snap_close(&sn);

	snap_open(&sn, "darwin", DARWIN_LEASES, HOST_OK, "leases/dhcpd_leases.jumbled");
	run_probe_on(sn.h, &r, "leases", "name", "primary", NULL);
	expect(&r, "corrupt");
	expect_evidence(&r, ":8-12: name=primary ip_address=192.168.64.2 hw_addrlease=0x66f10a4d "
	                    "(damaged: the block has no hw_address)");
	expect_evidence(&r, "do not mention the instance: 1 (at line 13)");
	probe_result_free(&r);
	/* The unclosed block is found by its MAC, written bootpd's way. */
	run_probe_on(sn.h, &r, "leases", "mac", "52:54:00:93:3d:91", NULL);
	expect(&r, "corrupt");
	expect_evidence(&r, ":13-17: name=kubeworker01");
	expect_evidence(&r, "no closing brace");
	probe_result_free(&r);
	run_probe_on(sn.h, &r, "leases", "name", "dbarn", NULL);
	expect(&r, "found");
	probe_result_free(&r);
	snap_close(&sn);

	snap_open(&sn, "darwin", DARWIN_LEASES, HOST_NO_SUCH, NULL);
	run_probe_on(sn.h, &r, "leases", "name", "primary", NULL);
	expect(&r, "no_file");
	assert_non_null(strstr(r.summary, "bootpd"));
	probe_result_free(&r);
	snap_close(&sn);
}

static void
test_leases_params(void **state)
{
	struct snap sn;
	struct probe_result r;

	(void)state;
	snap_open(&sn, "linux", LINUX_LEASES, HOST_OK, "leases/dnsmasq.leases.normal");
	run_probe_on(sn.h, &r, "leases", NULL);
	expect(&r, OUTCOME_ERROR);
	assert_non_null(strstr(r.summary, "name=INSTANCE, mac=MAC"));
	probe_result_free(&r);
	run_probe_on(sn.h, &r, "leases", "mac", "52:54:00:e2:30", NULL);
	expect(&r, OUTCOME_ERROR);
	assert_non_null(strstr(r.summary, "not a MAC address"));
	probe_result_free(&r);
	run_probe_on(sn.h, &r, "leases", "name", "primary", "subnet", "10.97.0.0", NULL);
	expect(&r, OUTCOME_ERROR);
	assert_non_null(strstr(r.summary, "ADDRESS/PREFIX"));
	probe_result_free(&r);
	run_probe_on(sn.h, &r, "leases", "name", "primary", "subnet", "10.97.0.0/33", NULL);
	expect(&r, OUTCOME_ERROR);
	probe_result_free(&r);
	/* The table refuses a bad name before the probe runs. */
	run_probe_on(sn.h, &r, "leases", "name", "-x", NULL);
	expect(&r, OUTCOME_ERROR);
	probe_result_free(&r);
	/* An explicit file, the snapshot's own path. */
	run_probe_on(sn.h, &r, "leases", "name", "primary", "file", LINUX_LEASES, NULL);
	expect(&r, "found");
	probe_result_free(&r);
	snap_close(&sn);

	/* Windows has no leases file of Multipass's. */
	snap_open(&sn, "windows", NULL, HOST_OK, NULL);
	run_probe_on(sn.h, &r, "leases", "name", "primary", NULL);
	expect(&r, OUTCOME_ERROR);
	assert_non_null(strstr(r.summary, "hosts_ics"));
	probe_result_free(&r);
	snap_close(&sn);
}

/* ---- hosts_ics ---------------------------------------------------------- */

static void
test_ics_outcomes(void **state)
{
	struct snap sn;
	struct probe_result r;

	(void)state;
	assert_string_equal(platform_info("windows")->hosts_ics, WINDOWS_ICS);
	snap_open(&sn, "windows", WINDOWS_ICS, HOST_OK, "leases/hosts.ics.normal");
	run_probe_on(sn.h, &r, "hosts_ics", "name", "primary", NULL);
	expect(&r, "ok");
	expect_fact(&r, "ics.ip", "172.17.122.45");
	expect_fact(&r, "ics.count", "1");
	expect_fact(&r, "ics.corrupt_lines", "0");
	expect_fact(&r, "ics.encoding", "UTF-8");
	expect_fact(&r, "ics.file", WINDOWS_ICS);
	expect_evidence(&r, WINDOWS_ICS ":11: 172.17.122.45 primary.mshome.net # 2024 9 0 22 10 5 "
	                                "47 236 (the entry; ICS time stamp 2024-09-22 10:05:47)");
	probe_result_free(&r);
	/* The same path given by hand: a Windows path is a path. */
	run_probe_on(sn.h, &r, "hosts_ics", "name", "primary", "file", WINDOWS_ICS, NULL);
	expect(&r, "ok");
	probe_result_free(&r);
	run_probe_on(sn.h, &r, "hosts_ics", "name", "ghost", NULL);
	expect(&r, "missing");
	expect_fact(&r, "ics.count", "0");
	assert_null(result_fact(&r, "ics.ip"));
	probe_result_free(&r);
	snap_close(&sn);

	snap_open(&sn, "windows", WINDOWS_ICS, HOST_OK, "leases/hosts.ics.duplicate");
	run_probe_on(sn.h, &r, "hosts_ics", "name", "primary", NULL);
	expect(&r, "duplicate");
	expect_fact(&r, "ics.ip", "172.17.118.207");
	expect_fact(&r, "ics.count", "3");
	expect_evidence(&r, ":11: 172.17.118.207 primary.mshome.net");
	expect_evidence(&r, "the first entry: keep it");
	expect_evidence(&r, ":13: 172.17.122.45 primary.mshome.net");
	expect_evidence(&r, ":14: 172.17.127.90 PRIMARY.mshome.net");
	assert_non_null(strstr(r.summary, "keep the first (line 11, 172.17.118.207)"));
	probe_result_free(&r);
	run_probe_on(sn.h, &r, "hosts_ics", "name", "dbarn", NULL);
	expect(&r, "ok");
	probe_result_free(&r);
	snap_close(&sn);

	snap_open(&sn, "windows", WINDOWS_ICS, HOST_OK, "leases/hosts.ics.corrupt");
	run_probe_on(sn.h, &r, "hosts_ics", "name", "primary", NULL);
	expect(&r, "corrupt");
	expect_fact(&r, "ics.corrupt_lines", "4");
	expect_fact(&r, "ics.count", "1");
	expect_fact(&r, "ics.ip", "172.17.122.45");
	expect_evidence(&r, ":12: 28 (damaged: half an entry");
	expect_evidence(&r, ":14: 881 (damaged");
	expect_evidence(&r, ":15: 172.17.119.4 jenkins-server.mshome.net # 2024 9 0 2 (damaged");
	expect_evidence(&r, ":16: 172.17.1?????? (damaged: the line holds control bytes");
	probe_result_free(&r);
	snap_close(&sn);

	snap_open(&sn, "windows", WINDOWS_ICS, HOST_OK, "leases/hosts.ics.utf16le");
	run_probe_on(sn.h, &r, "hosts_ics", "name", "PRIMARY", NULL);
	expect(&r, "duplicate");
	expect_fact(&r, "ics.encoding", "UTF-16LE");
	expect_fact(&r, "ics.ip", "172.17.122.45");
	expect_evidence(&r, ":12: 172.17.118.207 primary.mshome.net");
	probe_result_free(&r);
	snap_close(&sn);

	/* Damaged lines and duplicates at once: the damage comes first, both are told. */
	snap_open_text(&sn, "windows", WINDOWS_ICS,
	               "172.17.122.45 primary.mshome.net # 2024 9 0 22 10 5 47 236\r\n"
	               "172.17.118.207 primary.mshome.net # 2024 9 4 19 16 2 31 77\r\n"
	               "172.17.122.45 other.mshome.net # 2024 9 0 22 10 5 47 236\r\n"
	               "mshome.net # 2024\r\n");
	run_probe_on(sn.h, &r, "hosts_ics", "name", "primary", NULL);
	expect(&r, "corrupt");
	assert_non_null(strstr(r.summary, "and 2 entries for primary"));
	expect_evidence(&r, ":3: 172.17.122.45 other.mshome.net # 2024 9 0 22 10 5 47 236 "
	                    "(another name with the address 172.17.122.45)");
	probe_result_free(&r);
	snap_close(&sn);
}

static void
test_ics_file_states(void **state)
{
	struct snap sn;
	struct probe_result r;

	(void)state;
	snap_open(&sn, "windows", WINDOWS_ICS, HOST_NO_SUCH, NULL);
	run_probe_on(sn.h, &r, "hosts_ics", "name", "primary", NULL);
	expect(&r, "no_file");
	probe_result_free(&r);
	snap_close(&sn);

	snap_open(&sn, "windows", WINDOWS_ICS, HOST_DENIED, NULL);
	run_probe_on(sn.h, &r, "hosts_ics", "name", "primary", NULL);
	expect(&r, "unreadable");
	assert_non_null(strstr(r.summary, "Administrator"));
	probe_result_free(&r);
	snap_close(&sn);

	snap_open(&sn, "windows", NULL, HOST_OK, NULL);
	run_probe_on(sn.h, &r, "hosts_ics", "name", "primary", NULL);
	expect(&r, OUTCOME_ERROR);
	assert_non_null(strstr(r.summary, "snapshot does not hold"));
	probe_result_free(&r);
	/* The name is required. */
	run_probe_on(sn.h, &r, "hosts_ics", NULL);
	expect(&r, OUTCOME_ERROR);
	probe_result_free(&r);
	snap_close(&sn);

	/* Elsewhere there is no default, but a copy can be read. */
	snap_open(&sn, "linux", "/tmp/hosts.ics", HOST_OK, "leases/hosts.ics.normal");
	run_probe_on(sn.h, &r, "hosts_ics", "name", "primary", NULL);
	expect(&r, OUTCOME_ERROR);
	assert_non_null(strstr(r.summary, "belongs to Windows"));
	probe_result_free(&r);
	run_probe_on(sn.h, &r, "hosts_ics", "name", "primary", "file", "/tmp/hosts.ics", NULL);
	expect(&r, "ok");
	probe_result_free(&r);
	snap_close(&sn);
}

/* Every outcome and fact a probe gives is one its table declares. */
static void
test_tables(void **state)
{
	static const char *const leases_outcomes[] = {
	    "found", "duplicate", "stale", "missing", "corrupt", "no_file", "unreadable"};
	static const char *const ics_outcomes[] = {"ok",      "missing", "duplicate",
	                                           "corrupt", "no_file", "unreadable"};
	const struct probe_entry *l = probe_find("leases"), *h = probe_find("hosts_ics");

	(void)state;
	assert_non_null(l);
	assert_non_null(h);
	for (size_t i = 0; i < sizeof leases_outcomes / sizeof leases_outcomes[0]; i++)
		assert_true(probe_has_outcome(l, leases_outcomes[i]));
	for (size_t i = 0; i < sizeof ics_outcomes / sizeof ics_outcomes[0]; i++)
		assert_true(probe_has_outcome(h, ics_outcomes[i]));
	assert_true(probe_sets_fact(l, "lease.ip"));
	assert_true(probe_sets_fact(l, "lease.expires"));
	assert_true(probe_sets_fact(h, "ics.corrupt_lines"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_linux_found_and_missing),
	    cmocka_unit_test(test_linux_duplicate),
	    cmocka_unit_test(test_linux_stale_and_corrupt),
	    cmocka_unit_test(test_linux_file_states),
	    cmocka_unit_test(test_truncated_read),
	    cmocka_unit_test(test_darwin),
	    cmocka_unit_test(test_leases_params),
	    cmocka_unit_test(test_ics_outcomes),
	    cmocka_unit_test(test_ics_file_states),
	    cmocka_unit_test(test_tables),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
