/*
 * test-snapshot.c: the snapshot store, its file format and the two hosts
 * built on it. Saving then loading gives back every byte (text, CRLF,
 * binary, empty, no final newline); the snapshot host answers what was
 * recorded, and says "not collected" for anything else; the recording host
 * records real reads and runs of the live host, leaves secrets out, and its
 * snapshot answers the same questions the same way; bad files are refused
 * with FILE:LINE:COL.
 */
#include "config.h"

#include "cmocka-prelude.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host/host.h"
#include "host/snapshot.h"
#include "testutil.h"
#include "util/util.h"

static const char binary[] = {'\x00', '\x01', '\xff', '\r', '\n', 'a', '\x1b', '[', '2', 'J'};

static struct snapshot *
sample(void)
{
	struct snapshot *s = snapshot_new("darwin", "arm64", 1727000000);
	struct snapshot *g;

	snapshot_set_meta(s, "hostname", "mac-mini");
	snapshot_set_utc_offset(s, 7200);
	snapshot_add_file(s, "/var/db/dhcpd_leases", HOST_OK, 'f',
	                  "{\n\tname=primary\n\tip_address=192.168.64.2\n}\n", 41, false);
	snapshot_add_file(s, "/crlf.txt", HOST_OK, 'f', "a\r\nb\r\n", 6, false);
	snapshot_add_file(s, "/bin.pcap", HOST_OK, 'f', binary, sizeof binary, false);
	snapshot_add_file(s, "/empty", HOST_OK, 'f', "", 0, false);
	snapshot_add_file(s, "/nonl", HOST_OK, 'f', "  indented\nlast", 15, false);
	snapshot_add_file(s, "/utf8", HOST_OK, 'f', "名前: 实例 ✓\n", strlen("名前: 实例 ✓\n"),
	                  false);
	snapshot_add_file(s, "/Library/Logs/Multipass/multipassd.log", HOST_DENIED, 'o', NULL, 0,
	                  false);
	snapshot_add_file(s, "/gone", HOST_NO_SUCH, 'o', NULL, 0, false);
	snapshot_add_file(s, "/etc", HOST_OK, 'd', NULL, 0, false);
	snapshot_add_file(s, "/big", HOST_OK, 'f', "0123456789", 10, true);
	snapshot_add_command(s, W("socketfilterfw", "--getglobalstate"), HOST_OK, 0,
	                     "Firewall is enabled. (State = 1)\n", 33, "", 0);
	snapshot_add_command(s, W("multipass", "version"), HOST_NO_SUCH, -1, "", 0, "", 0);
	snapshot_add_command(s, W("false"), HOST_OK, 1, "", 0, "no\n", 3);
	snapshot_add_dir(s, "/var/root/vault", HOST_OK, "alpha\nbeta gamma\n");
	snapshot_add_dir(s, "/private", HOST_DENIED, "");
	snapshot_left_out(s, "id_rsa", "a private key");
	g = snapshot_remote(s, "ubuntu@192.168.64.2:22", true);
	snapshot_add_file(g, "/var/lib/cloud/instance/boot-finished", HOST_OK, 'f', "x\n", 2,
	                  false);
	snapshot_add_command(g, W("cloud-init", "status", "--long"), HOST_OK, 0, "status: done\n",
	                     13, "", 0);
	snapshot_remote_failed(s, "ubuntu@192.168.64.9:22",
	                       "unreachable: 192.168.64.9 port 22 cannot be reached\nno route");
	return s;
}

static void
expect_read(struct host *h, const char *path, size_t max, enum host_status st, const char *bytes,
            size_t len)
{
	struct host_result r;

	host_read_file(h, path, max, &r);
	if (r.status != st)
		fail_msg("%s: status %s, wanted %s (%s)", path, host_status_name(r.status),
		         host_status_name(st), r.message != NULL ? r.message : "");
	if (bytes != NULL) {
		assert_int_equal(r.out_len, len);
		assert_memory_equal(r.out, bytes, len);
	}
	if (st != HOST_OK)
		assert_non_null(r.message);
	host_result_free(&r);
}

/* Everything sample() holds, asked through a host. */
static void
check_sample_host(struct host *h)
{
	struct host_result r;
	char kind = 0;
	char *err = NULL;
	struct host *g;
	struct host_remote rem = {.address = "192.168.64.2", .user = "ubuntu"};

	assert_string_equal(host_os(h), "darwin");
	assert_string_equal(host_arch(h), "arm64");
	assert_int_equal(host_now(h), 1727000000);
	{
		long off = 0;

		assert_true(host_utc_offset(h, &off));
		assert_int_equal(off, 7200);
		assert_false(host_utc_offset(host_live(), &off));
	}
	assert_false(host_is_live(h));

	expect_read(h, "/var/db/dhcpd_leases", 0, HOST_OK,
	            "{\n\tname=primary\n\tip_address=192.168.64.2\n}\n", 41);
	expect_read(h, "/crlf.txt", 0, HOST_OK, "a\r\nb\r\n", 6);
	expect_read(h, "/bin.pcap", 0, HOST_OK, binary, sizeof binary);
	expect_read(h, "/empty", 0, HOST_OK, "", 0);
	expect_read(h, "/nonl", 0, HOST_OK, "  indented\nlast", 15);
	expect_read(h, "/utf8", 0, HOST_OK, "名前: 实例 ✓\n", strlen("名前: 实例 ✓\n"));
	expect_read(h, "/Library/Logs/Multipass/multipassd.log", 0, HOST_DENIED, NULL, 0);
	expect_read(h, "/gone", 0, HOST_NO_SUCH, NULL, 0);
	/* Asked for less than it holds, or it was cut when collected: too big. */
	expect_read(h, "/var/db/dhcpd_leases", 5, HOST_TOO_BIG, "{\n\tna", 5);
	expect_read(h, "/big", 0, HOST_TOO_BIG, "0123456789", 10);
	/* Known to exist, contents not kept; and never seen at all. */
	host_read_file(h, "/etc", 0, &r);
	assert_int_equal(r.status, HOST_NOT_COLLECTED);
	assert_non_null(strstr(r.message, "does not hold its contents"));
	host_result_free(&r);
	host_read_file(h, "/etc/passwd", 0, &r);
	assert_int_equal(r.status, HOST_NOT_COLLECTED);
	assert_string_equal(r.message, "the snapshot does not hold /etc/passwd");
	host_result_free(&r);

	host_run(h, W("socketfilterfw", "--getglobalstate"), NULL, &r);
	assert_int_equal(r.status, HOST_OK);
	assert_int_equal(r.exit_code, 0);
	assert_string_equal(r.out, "Firewall is enabled. (State = 1)\n");
	host_result_free(&r);
	host_run(h, W("false"), NULL, &r);
	assert_int_equal(r.status, HOST_OK);
	assert_int_equal(r.exit_code, 1);
	assert_string_equal(r.err, "no\n");
	host_result_free(&r);
	host_run(h, W("multipass", "version"), NULL, &r);
	assert_int_equal(r.status, HOST_NO_SUCH);
	assert_string_equal(r.message, "program 'multipass' was not found");
	host_result_free(&r);
	/* Another argv is another question: not answered by a near one. */
	host_run(h, W("socketfilterfw", "--getblockall"), NULL, &r);
	assert_int_equal(r.status, HOST_NOT_COLLECTED);
	assert_string_equal(r.message,
	                    "the snapshot holds no output of 'socketfilterfw --getblockall'");
	host_result_free(&r);

	assert_int_equal(host_stat(h, "/var/db/dhcpd_leases", &kind), 1);
	assert_int_equal(kind, 'f');
	assert_int_equal(host_stat(h, "/etc", &kind), 1);
	assert_int_equal(kind, 'd');
	assert_int_equal(host_stat(h, "/gone", &kind), 0);
	assert_int_equal(host_stat(h, "/Library/Logs/Multipass/multipassd.log", &kind), -1);
	/* A listing of the parent answers for names it holds, and lacks. */
	assert_int_equal(host_stat(h, "/var/root/vault/beta gamma", &kind), 1);
	assert_int_equal(host_stat(h, "/var/root/vault/delta", &kind), 0);
	assert_int_equal(host_stat(h, "/nowhere/x", &kind), -1);

	host_list_dir(h, "/var/root/vault", &r);
	assert_int_equal(r.status, HOST_OK);
	assert_string_equal(r.out, "alpha\nbeta gamma\n");
	host_result_free(&r);
	host_list_dir(h, "/private", &r);
	assert_int_equal(r.status, HOST_DENIED);
	host_result_free(&r);
	host_list_dir(h, "/other", &r);
	assert_int_equal(r.status, HOST_NOT_COLLECTED);
	host_result_free(&r);

	g = host_open_remote(h, &rem, &err);
	assert_null(err);
	assert_non_null(g);
	expect_read(g, "/var/lib/cloud/instance/boot-finished", 0, HOST_OK, "x\n", 2);
	host_run(g, W("cloud-init", "status", "--long"), NULL, &r);
	assert_string_equal(r.out, "status: done\n");
	host_result_free(&r);
	host_close(g);
	rem.port = 2222;
	assert_null(host_open_remote(h, &rem, &err));
	assert_non_null(strstr(err, "ubuntu@192.168.64.2:2222"));
	free(err);
	/* Not reached when collected: the same error, word for word. */
	rem.port = 0;
	rem.address = "192.168.64.9";
	assert_null(host_open_remote(h, &rem, &err));
	assert_string_equal(err, "unreachable: 192.168.64.9 port 22 cannot be reached\nno route");
	free(err);
}

static void
test_store_host(void **state)
{
	struct snapshot *s = sample();
	struct host *h = host_snapshot(s);

	(void)state;
	assert_int_equal(snapshot_count(s, "files"), 10);
	assert_int_equal(snapshot_count(s, "commands"), 3);
	assert_int_equal(snapshot_count(s, "dirs"), 2);
	assert_int_equal(snapshot_count(s, "remotes"), 2);
	assert_ptr_equal(host_snapshot_get(h), s);
	assert_null(host_snapshot_get(host_live()));
	check_sample_host(h);
	host_close(h);
	snapshot_free(s);
}

/* A stat recorded after a read keeps the contents; a second record replaces the first. */
static void
test_store_replace(void **state)
{
	struct snapshot *s = snapshot_new("linux", "x86_64", 1);
	struct host *h = host_snapshot(s);

	(void)state;
	snapshot_add_file(s, "/f", HOST_OK, 'f', "one", 3, false);
	snapshot_add_file(s, "/f", HOST_OK, 'f', NULL, 0, false);
	expect_read(h, "/f", 0, HOST_OK, "one", 3);
	snapshot_add_file(s, "/f", HOST_OK, 'f', "two", 3, false);
	expect_read(h, "/f", 0, HOST_OK, "two", 3);
	snapshot_add_command(s, W("a"), HOST_OK, 0, "1", 1, "", 0);
	snapshot_add_command(s, W("a"), HOST_OK, 3, "2", 1, "", 0);
	assert_int_equal(snapshot_count(s, "files"), 1);
	assert_int_equal(snapshot_count(s, "commands"), 1);
	snapshot_set_meta(s, "k", "v1");
	snapshot_set_meta(s, "k", "v2");
	assert_string_equal(snapshot_meta(s, "k"), "v2");
	assert_null(snapshot_meta(s, "nope"));
	host_close(h);
	snapshot_free(s);
}

static void
test_save_load(void **state)
{
	struct snapshot *s = sample(), *back;
	char *path = tmp_path("round.yaml"), *err = NULL;
	struct host *h;
	struct stat st;

	(void)state;
	assert_int_equal(snapshot_save(s, path, &err), 0);
	assert_null(err);
	/* It may hold a machine's private details: only its owner reads it. */
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	back = snapshot_load(path, &err);
	if (back == NULL)
		fail_msg("load: %s", err);
	assert_string_equal(snapshot_meta(back, "hostname"), "mac-mini");
	h = host_snapshot(back);
	check_sample_host(h);
	host_close(h);
	snapshot_free(back);

	/* The owning host frees its own snapshot. */
	h = host_snapshot_open(path, &err);
	assert_non_null(h);
	check_sample_host(h);
	host_close(h);
	snapshot_free(s);
	free(path);
}

/* The manifest names what is inside, for a person to read before sending it. */
static void
test_manifest(void **state)
{
	struct snapshot *s = sample();
	char *path = tmp_path("manifest.yaml"), *err = NULL, *text;
	FILE *f;
	long n;

	(void)state;
	assert_int_equal(snapshot_save(s, path, &err), 0);
	f = fopen(path, "r");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	text = xmalloc((size_t)n + 1);
	assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
	text[n] = '\0';
	fclose(f);
	assert_non_null(strstr(text, "vmtriage-snapshot: '1'"));
	assert_non_null(strstr(text, "file /var/db/dhcpd_leases: 41 bytes"));
	assert_non_null(strstr(text, "file /Library/Logs/Multipass/multipassd.log: denied"));
	assert_non_null(strstr(text, "command socketfilterfw --getglobalstate: exit 0"));
	assert_non_null(strstr(text, "ubuntu@192.168.64.2:22: command cloud-init status --long"));
	assert_non_null(strstr(text, "what: id_rsa"));
	assert_non_null(strstr(text, "collected: '2024-09-22T10:13:20Z'"));
	/* Text stays readable; bytes YAML cannot carry go as base64. */
	assert_non_null(strstr(text, "ip_address=192.168.64.2"));
	assert_non_null(strstr(text, "content-base64:"));
	free(text);
	snapshot_free(s);
	free(path);
}

static void
expect_load_error(const char *name, const char *yaml, const char *want)
{
	char *path = write_file(name, yaml, 0644), *err = NULL;
	struct snapshot *s = snapshot_load(path, &err);

	assert_null(s);
	assert_non_null(err);
	if (strstr(err, want) == NULL)
		fail_msg("%s: got '%s', wanted '%s'", name, err, want);
	free(err);
	free(path);
}

static void
test_load_errors(void **state)
{
	(void)state;
	expect_load_error("e1.yaml", "- a\n- b\n", "e1.yaml:1:1: a snapshot is a mapping");
	expect_load_error("e2.yaml", "os: linux\nnow: 1\n", "not a vmtriage snapshot");
	expect_load_error("e3.yaml", "vmtriage-snapshot: 7\nos: linux\nnow: 1\n",
	                  "e3.yaml:1:20: snapshot format 7 is not one this vmtriage reads");
	expect_load_error("e4.yaml", "vmtriage-snapshot: 1\nnow: 1\n", "'os' is missing");
	expect_load_error("e5.yaml", "vmtriage-snapshot: 1\nos: linux\nnow: -5\n",
	                  "e5.yaml:3:6: 'now' must be seconds since 1970");
	expect_load_error("e6.yaml",
	                  "vmtriage-snapshot: 1\nos: linux\nnow: 1\nfiles:\n"
	                  "  - path: /x\n    status: maybe\n",
	                  "e6.yaml:6:13: 'maybe' is not a status");
	expect_load_error("e7.yaml",
	                  "vmtriage-snapshot: 1\nos: linux\nnow: 1\nfiles:\n"
	                  "  - path: /x\n    status: ok\n    content-base64: '@@@'\n",
	                  "e7.yaml:7:21: 'content-base64' is not base64");
	expect_load_error("e8.yaml",
	                  "vmtriage-snapshot: 1\nos: linux\nnow: 1\ncommands:\n"
	                  "  - argv: []\n    status: ok\n",
	                  "'argv' is empty");
	expect_load_error("e9.yaml",
	                  "vmtriage-snapshot: 1\nos: linux\nnow: 1\ncommands:\n"
	                  "  - argv: [x]\n    status: ok\n    exit: lots\n",
	                  "e9.yaml:7:11: 'lots' is not an exit status");
	expect_load_error("e10.yaml", "vmtriage-snapshot: 1\nos: [linux\n", "e10.yaml:");
	expect_load_error("e11.yaml", "", "e11.yaml:");
	expect_load_error("e12.yaml", "\xff\xfe\x00\x00", "e12.yaml:1:1:");
	{
		char *err = NULL;
		char *dir = tmp_path("");

		assert_null(snapshot_load(dir, &err));
		assert_non_null(strstr(err, "not a regular file"));
		free(err);
		free(dir);
		assert_null(snapshot_load("/nonexistent/snap.yaml", &err));
		assert_non_null(strstr(err, "No such file"));
		free(err);
	}
}

/* Saving where it cannot be written leaves nothing behind and says why. */
static void
test_save_fails_cleanly(void **state)
{
	struct snapshot *s = sample();
	char *err = NULL;

	(void)state;
	assert_int_equal(snapshot_save(s, "/nonexistent-dir/x.yaml", &err), -1);
	assert_non_null(err);
	assert_non_null(strstr(err, "/nonexistent-dir/x.yaml"));
	free(err);
	snapshot_free(s);
}

/* The recording host: real calls go through, their answers are kept, secrets are not. */
static void
test_record(void **state)
{
	struct snapshot *s = snapshot_new(host_os(host_live()), host_arch(host_live()), 0);
	struct host *rec = host_record(host_live(), s), *rep;
	char *plain = write_file("rec-plain.txt", "hello\nworld\n", 0644);
	char *secret = write_file("rec-key.txt",
	                          "before\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk\n"
	                          "-----END OPENSSH PRIVATE KEY-----\nafter\n",
	                          0644);
	char *dir = tmp_path("");
	char *gone = tmp_path("rec-none");
	struct host_result r;
	char kind;

	(void)state;
	host_read_file(rec, plain, 0, &r);
	assert_string_equal(r.out, "hello\nworld\n");
	host_result_free(&r);
	host_read_file(rec, secret, 0, &r);
	/* The probe itself still sees what is there; only the record is cut. */
	assert_non_null(strstr(r.out, "b3BlbnNzaC1rZXk"));
	host_result_free(&r);
	host_read_file(rec, gone, 0, &r);
	assert_int_equal(r.status, HOST_NO_SUCH);
	host_result_free(&r);
	host_run(rec, W("sh", "-c", "echo out; echo err >&2; exit 3"), NULL, &r);
	assert_int_equal(r.exit_code, 3);
	host_result_free(&r);
	host_run(rec, W("vt-no-such-program-here"), NULL, &r);
	assert_int_equal(r.status, HOST_NO_SUCH);
	host_result_free(&r);
	assert_int_equal(host_stat(rec, dir, &kind), 1);
	host_list_dir(rec, dir, &r);
	assert_non_null(strstr(r.out, "rec-plain.txt\n"));
	host_result_free(&r);
	host_close(rec);

	rep = host_snapshot(s);
	expect_read(rep, plain, 0, HOST_OK, "hello\nworld\n", 12);
	host_read_file(rep, secret, 0, &r);
	assert_null(strstr(r.out, "b3BlbnNzaC1rZXk"));
	assert_non_null(strstr(r.out, "before\n"));
	assert_non_null(strstr(r.out, "after\n"));
	host_result_free(&r);
	expect_read(rep, gone, 0, HOST_NO_SUCH, NULL, 0);
	host_run(rep, W("sh", "-c", "echo out; echo err >&2; exit 3"), NULL, &r);
	assert_int_equal(r.status, HOST_OK);
	assert_int_equal(r.exit_code, 3);
	assert_string_equal(r.out, "out\n");
	assert_string_equal(r.err, "err\n");
	host_result_free(&r);
	host_run(rep, W("vt-no-such-program-here"), NULL, &r);
	assert_int_equal(r.status, HOST_NO_SUCH);
	host_result_free(&r);
	assert_int_equal(host_stat(rep, dir, &kind), 1);
	assert_int_equal(kind, 'd');
	host_list_dir(rep, dir, &r);
	assert_non_null(strstr(r.out, "rec-key.txt\n"));
	host_result_free(&r);
	host_close(rep);
	snapshot_free(s);
	free(plain);
	free(secret);
	free(dir);
	free(gone);
}

/* A collection is one moment: the same question twice gets the first answer. */
static void
test_record_once(void **state)
{
	struct snapshot *s = snapshot_new(host_os(host_live()), host_arch(host_live()), 0);
	struct host *rec = host_record(host_live(), s);
	char *path = write_file("once.txt", "first\n", 0644);
	struct host_result a, b;

	(void)state;
	/* $$ differs in every shell: only a replay gives the same line. */
	host_run(rec, W("sh", "-c", "echo $$"), NULL, &a);
	host_run(rec, W("sh", "-c", "echo $$"), NULL, &b);
	assert_string_equal(a.out, b.out);
	host_result_free(&a);
	host_result_free(&b);
	host_read_file(rec, path, 0, &a);
	free(write_file("once.txt", "second\n", 0644));
	host_read_file(rec, path, 0, &b);
	assert_string_equal(a.out, "first\n");
	assert_string_equal(b.out, "first\n");
	host_result_free(&a);
	host_result_free(&b);
	assert_int_equal(snapshot_count(s, "commands"), 1);
	host_close(rec);
	snapshot_free(s);
	free(path);
}

/* A probe run live through the recorder, then on its snapshot: the same answer. */
static void
test_probe_round_trip(void **state)
{
	struct snapshot *s = snapshot_new(host_os(host_live()), host_arch(host_live()), 0);
	struct host *rec = host_record(host_live(), s), *rep;
	char *path = write_file("rt.txt", "alpha\nbeta\nalphabet\n", 0644);
	struct probe_result a, b;

	(void)state;
	run_probe_on(rec, &a, "file", "path", path, "pattern", "^alpha", NULL);
	run_probe_on(rec, &b, "command", "argv", "printf 'x\\ny\\n'", "pattern", "y", NULL);
	assert_string_equal(a.outcome, "found");
	assert_string_equal(b.outcome, "ok");
	probe_result_free(&b);
	host_close(rec);
	rep = host_snapshot(s);
	run_probe_on(rep, &b, "file", "path", path, "pattern", "^alpha", NULL);
	assert_string_equal(b.outcome, a.outcome);
	assert_string_equal(b.summary, a.summary);
	assert_int_equal(b.evidence.n, a.evidence.n);
	for (size_t i = 0; i < a.evidence.n; i++)
		assert_string_equal(b.evidence.v[i], a.evidence.v[i]);
	probe_result_free(&a);
	probe_result_free(&b);
	run_probe_on(rep, &b, "command", "argv", "printf 'x\\ny\\n'", "pattern", "y", NULL);
	assert_string_equal(b.outcome, "ok");
	probe_result_free(&b);
	/* A question nobody asked when it was collected: the probe says what is missing. */
	run_probe_on(rep, &b, "command", "argv", "uname -a", NULL);
	assert_string_equal(b.outcome, "error");
	assert_non_null(strstr(b.summary, "the snapshot holds no output of 'uname -a'"));
	probe_result_free(&b);
	host_close(rep);
	snapshot_free(s);
	free(path);
}

/*
 * A snapshot answers port_owner as completely as its collector could see:
 * lsof as root lists every process's sockets, as anyone else only their own.
 * Who replays it does not matter.
 */
static void
test_privileged_from_collector(void **state)
{
	static const char lsof_out[] = "p191\ncmDNSResponder\nL_mdnsresponder\nn*:53\n";
	struct snapshot *s = snapshot_new("darwin", "arm64", 1727000000);
	struct host *h = host_snapshot(s);
	struct probe_result r;

	(void)state;
	snapshot_add_command(s, W("lsof", "+c", "0", "-nP", "-iUDP:53", "-FpcLn"), HOST_OK, 0,
	                     lsof_out, sizeof lsof_out - 1, "", 0);
	assert_false(host_privileged(h));
	run_probe_on(h, &r, "port_owner", "port", "53", "allow", "mDNSResponder", NULL);
	assert_string_equal(r.outcome, "hidden");
	probe_result_free(&r);

	snapshot_set_meta(s, "user", "root");
	assert_true(host_privileged(h));
	run_probe_on(h, &r, "port_owner", "port", "53", "allow", "mDNSResponder", NULL);
	assert_string_equal(r.outcome, "expected");
	probe_result_free(&r);

	snapshot_set_meta(s, "user", "not root");
	assert_false(host_privileged(h));
	host_close(h);
	snapshot_free(s);
}

/*
 * Probes that talk to the network from this machine (dns, reach, ssh) never
 * run on a snapshot: they would look at the help desk's network, not the one
 * the snapshot came from. They end in error, saying why, and send nothing.
 */
static void
test_network_probes_refuse(void **state)
{
	struct snapshot *s = snapshot_new("darwin", "arm64", 1727000000);
	struct host *h = host_snapshot(s);
	struct probe_result r;

	(void)state;
	run_probe_on(h, &r, "dns", "server", "127.0.0.1", "name", "example.test", "port", "9",
	             "seconds", "1", NULL);
	assert_string_equal(r.outcome, "error");
	assert_non_null(strstr(r.summary, "a snapshot cannot answer the dns probe"));
	assert_true(r.elapsed_ms < 500);
	probe_result_free(&r);
	run_probe_on(h, &r, "reach", "host", "127.0.0.1", "port", "9", NULL);
	assert_string_equal(r.outcome, "error");
	assert_non_null(strstr(r.summary, "a snapshot cannot answer the reach probe"));
	probe_result_free(&r);
	run_probe_on(h, &r, "ssh", "host", "127.0.0.1", "port", "9", NULL);
	assert_string_equal(r.outcome, "error");
	assert_non_null(strstr(r.summary, "a snapshot cannot answer the ssh probe"));
	probe_result_free(&r);
	/* The live host still runs them. */
	run_probe_on(host_live(), &r, "reach", "host", "127.0.0.1", "port", "9", "seconds", "1",
	             NULL);
	assert_string_not_equal(r.outcome, "error");
	probe_result_free(&r);
	host_close(h);
	snapshot_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_store_host),
	    cmocka_unit_test(test_store_replace),
	    cmocka_unit_test(test_save_load),
	    cmocka_unit_test(test_manifest),
	    cmocka_unit_test(test_load_errors),
	    cmocka_unit_test(test_save_fails_cleanly),
	    cmocka_unit_test(test_record),
	    cmocka_unit_test(test_record_once),
	    cmocka_unit_test(test_probe_round_trip),
	    cmocka_unit_test(test_privileged_from_collector),
	    cmocka_unit_test(test_network_probes_refuse),
	};

	return cmocka_run_group_tests(tests, tmpdir_setup, tmpdir_teardown);
}
