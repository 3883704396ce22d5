/*
 * test-probe-guest.c: the "guest" probe end to end on snapshot hosts built
 * here: a guest's disk mounted at /mnt/vm (root=, its files read under that
 * prefix and its tools run on this host), and a guest reached over SSH (a
 * remote the snapshot holds under "ubuntu@10.97.0.5:22"). Every outcome of
 * every check, what a snapshot that lacks something says, and the
 * parameters. The real SSH host is in tests/lab/guest.sh.
 */
#include "config.h"

#include "cmocka-prelude.h"

#include <stdlib.h>
#include <string.h>

#include "host/host.h"
#include "host/snapshot.h"
#include "probe/probe-ssh.h"
#include "probe/probe.h"
#include "testutil.h"

#define ROOT "/mnt/vm"
#define ADDR "10.97.0.5"
#define REMOTE "ubuntu@10.97.0.5:22"
#define NOW 1727000000
#define KVER "5.15.0-105-generic"
#define RVER "5.14.0-362.8.1.el9_3.x86_64"

/* Runs the guest probe on a snapshot host over s, with NULL-terminated name, value pairs. */
#define run_guest(s, r, ...)                                                                       \
	do {                                                                                       \
		struct host *h_ = host_snapshot(s);                                                \
		run_probe_on(h_, r, "guest", __VA_ARGS__);                                         \
		host_close(h_);                                                                    \
	} while (0)
/* One check on the disk at ROOT (root=), or over SSH (address=). */
#define run_disk(s, r, check) run_guest(s, r, "root", ROOT, "check", check, NULL)
#define run_ssh(s, r, check) run_guest(s, r, "address", ADDR, "check", check, NULL)

static struct snapshot *
new_snap(void)
{
	return snapshot_new("linux", "x86_64", NOW);
}

/* The guest over SSH, as the snapshot holds it. */
static struct snapshot *
new_remote(struct snapshot *s)
{
	return snapshot_remote(s, REMOTE, true);
}

static void
put_text(struct snapshot *s, const char *path, const char *text)
{
	snapshot_add_file(s, path, HOST_OK, 'f', text, strlen(text), false);
}

static void
put_fixture(struct snapshot *s, const char *path, const char *fixture)
{
	size_t len;
	char *text = fixture_read(fixture, &len);

	snapshot_add_file(s, path, HOST_OK, 'f', text, len, false);
	free(text);
}

static void
put_missing(struct snapshot *s, const char *path)
{
	snapshot_add_file(s, path, HOST_NO_SUCH, 'o', NULL, 0, false);
}

static void
put_dir(struct snapshot *s, const char *path, const char *names)
{
	snapshot_add_dir(s, path, HOST_OK, names);
}

static void
put_cmd(struct snapshot *s, const char *const *argv, int exit_code, const char *out)
{
	snapshot_add_command(s, argv, HOST_OK, exit_code, out, strlen(out), "", 0);
}

static void
put_cmd_fixture(struct snapshot *s, const char *const *argv, int exit_code, const char *fixture)
{
	size_t len;
	char *text = fixture_read(fixture, &len);

	snapshot_add_command(s, argv, HOST_OK, exit_code, text, len, "", 0);
	free(text);
}

static void
put_no_program(struct snapshot *s, const char *const *argv)
{
	snapshot_add_command(s, argv, HOST_NO_SUCH, -1, "", 0, "", 0);
}

/* The outcome is want, and every line of texts (NULL-terminated) is in the summary or evidence. */
static void
expect(const struct probe_result *r, const char *want, const char *const *texts)
{
	if (strcmp(r->outcome, want) != 0) {
		for (size_t i = 0; i < r->evidence.n; i++)
			print_message("# | %s\n", r->evidence.v[i]);
		fail_msg("outcome %s (%s), wanted %s", r->outcome, r->summary ? r->summary : "",
		         want);
	}
	for (size_t i = 0; texts != NULL && texts[i] != NULL; i++) {
		if ((r->summary == NULL || strstr(r->summary, texts[i]) == NULL) &&
		    !lines_have(&r->evidence, texts[i]))
			fail_msg("'%s' is in neither summary (%s) nor evidence", texts[i],
			         r->summary ? r->summary : "");
	}
}

static void
expect_fact(const struct probe_result *r, const char *key, const char *want)
{
	const char *got = result_fact(r, key);

	if (got == NULL || strcmp(got, want) != 0)
		fail_msg("fact %s is '%s', wanted '%s'", key, got ? got : "(none)", want);
}

/* ---- parameters ---------------------------------------------------------------- */

static void
test_params(void **state)
{
	const struct probe_entry *pe = probe_find("guest");
	struct snapshot *s = new_snap();
	struct probe_result r;

	(void)state;
	assert_non_null(pe);
	for (const char *const *o =
	         W("ok", "not_finished", "failed", "absent", "no_nameserver", "device_names",
	           "iface_mismatch", "stale_udev", "no_virtio", "no_answer", "unreachable",
	           "auth_failed", "host_key_changed", "host_key_unknown", "error");
	     *o != NULL; o++)
		assert_true(probe_has_outcome(pe, *o));
	assert_true(probe_sets_fact(pe, "guest.nameservers"));
	assert_true(probe_sets_fact(pe, "guest.bad_fstab_lines"));
	assert_true(probe_sets_fact(pe, "guest.lookup.address"));

	run_guest(s, &r, "root", ROOT, NULL);
	expect(&r, "error", W("check"));
	probe_result_free(&r);
	run_guest(s, &r, "root", ROOT, "check", "everything", NULL);
	expect(&r, "error", W("check"));
	probe_result_free(&r);
	run_guest(s, &r, "check", "fstab", NULL);
	expect(&r, "error", W("address=", "root="));
	probe_result_free(&r);
	run_guest(s, &r, "check", "fstab", "root", ROOT, "address", ADDR, NULL);
	expect(&r, "error", W("not both"));
	probe_result_free(&r);
	run_guest(s, &r, "check", "fstab", "root", "mnt/vm", NULL);
	expect(&r, "error", W("root"));
	probe_result_free(&r);
	/* An address that would read as an option never reaches a host. */
	run_guest(s, &r, "check", "fstab", "address", "-oProxyCommand=x", NULL);
	expect(&r, "error", W("option"));
	probe_result_free(&r);
	snapshot_free(s);
}

/* A snapshot that never reached the guest says so. */
static void
test_remote_not_collected(void **state)
{
	struct snapshot *s = new_snap();
	struct probe_result r;

	(void)state;
	run_ssh(s, &r, "fstab");
	expect(&r, "error", W("the snapshot holds nothing of " REMOTE));
	expect_fact(&r, "guest.mode", "ssh");
	probe_result_free(&r);
	snapshot_free(s);
}

/* ---- cloud_init ----------------------------------------------------------------- */

static void
test_cloud_init_disk(void **state)
{
	struct snapshot *s = new_snap();
	struct probe_result r;

	(void)state;
	snapshot_add_file(s, ROOT "/var/lib/cloud", HOST_OK, 'd', NULL, 0, false);
	put_missing(s, ROOT "/etc/cloud/cloud-init.disabled");
	/* cloud-init's instance link is absolute: it is followed under the root, not here. */
	put_cmd(s, W("readlink", "--", ROOT "/var/lib/cloud/instance"), 0,
	        "/var/lib/cloud/instances/iid-datasource-none\n");
	put_missing(s, ROOT "/var/lib/cloud/instances/iid-datasource-none/boot-finished");
	put_text(s, ROOT "/var/log/cloud-init-output.log",
	         "Cloud-init v. 24.1.3 running 'modules:config'\n"
	         "Reading package lists...\nE: Unable to locate package nosuchpackage\n");
	run_disk(s, &r, "cloud_init");
	expect(&r, "not_finished",
	       W("--timeout", "boot-finished does not exist",
	         ROOT "/var/log/cloud-init-output.log: E: Unable to locate package nosuchpackage",
	         "/var/lib/cloud/instances/iid-datasource-none in the guest"));
	expect_fact(&r, "guest.boot_finished", "no");
	expect_fact(&r, "guest.mode", "root");
	probe_result_free(&r);

	snapshot_add_file(s, ROOT "/var/lib/cloud/instances/iid-datasource-none/boot-finished",
	                  HOST_OK, 'f', "1727000000.0\n", 13, false);
	run_disk(s, &r, "cloud_init");
	expect(&r, "ok", NULL);
	expect_fact(&r, "guest.boot_finished", "yes");
	probe_result_free(&r);

	put_text(s, ROOT "/etc/cloud/cloud-init.disabled", "");
	run_disk(s, &r, "cloud_init");
	expect(&r, "absent", W("cloud-init.disabled"));
	expect_fact(&r, "guest.cloud_init", "absent");
	probe_result_free(&r);

	put_missing(s, ROOT "/var/lib/cloud");
	run_disk(s, &r, "cloud_init");
	expect(&r, "absent", W("never ran"));
	probe_result_free(&r);
	snapshot_free(s);
}

/* The guest over SSH answering `cloud-init status --long` with fixture, exit code rc. */
static struct snapshot *
ci_guest(const char *fixture, int rc, bool finished)
{
	struct snapshot *s = new_snap(), *g = new_remote(s);

	put_cmd_fixture(g, W("cloud-init", "status", "--long"), rc, fixture);
	if (finished)
		put_text(g, "/var/lib/cloud/instance/boot-finished", "");
	else
		put_missing(g, "/var/lib/cloud/instance/boot-finished");
	put_text(g, "/var/log/cloud-init-output.log",
	         "Cloud-init v. 24.1.3 running 'modules:final'\nSetting up nginx ...\n");
	return s;
}

static void
test_cloud_init_ssh(void **state)
{
	struct snapshot *s = NULL;
	struct probe_result r;

	(void)state;
	s = ci_guest("guest/ci-running.txt", 0, false);
	run_ssh(s, &r, "cloud_init");
	expect(&r, "not_finished",
	       W("status: running", "--timeout", "cloud-init-output.log: Setting up nginx ...",
	         "logged in to " REMOTE));
	expect_fact(&r, "guest.cloud_init", "running");
	probe_result_free(&r);
	snapshot_free(s);

	s = ci_guest("guest/ci-not-started.txt", 0, false);
	run_ssh(s, &r, "cloud_init");
	expect(&r, "not_finished", W("not started"));
	probe_result_free(&r);
	snapshot_free(s);

	s = ci_guest("guest/ci-done.txt", 0, true);
	run_ssh(s, &r, "cloud_init");
	expect(&r, "ok", W("detail: DataSourceNoCloud", "boot-finished exists"));
	expect_fact(&r, "guest.cloud_init", "done");
	expect_fact(&r, "guest.boot_finished", "yes");
	probe_result_free(&r);
	snapshot_free(s);

	/* Warnings are not a failure (cloud-init 23.4 exits 2 for them). */
	s = ci_guest("guest/ci-degraded.txt", 2, true);
	run_ssh(s, &r, "cloud_init");
	expect(&r, "ok", W("2 warning(s)", "WARNING: Failed to set locale en_US.UTF-8"));
	probe_result_free(&r);
	snapshot_free(s);

	/* Done, yet no boot-finished: Multipass still waits. */
	s = ci_guest("guest/ci-done.txt", 0, false);
	run_ssh(s, &r, "cloud_init");
	expect(&r, "not_finished", W("boot-finished is missing"));
	probe_result_free(&r);
	snapshot_free(s);

	s = ci_guest("guest/ci-error.txt", 1, true);
	run_ssh(s, &r, "cloud_init");
	expect(&r, "failed",
	       W("2 error(s)", "error: ('scripts_user', RuntimeError('Runparts: 1 failures",
	         "error: ('package_update_upgrade_install'"));
	expect_fact(&r, "guest.cloud_init", "error");
	probe_result_free(&r);
	snapshot_free(s);

	/* The 2020 layout: the error is in the detail. */
	s = ci_guest("guest/ci-error-20.2.txt", 1, true);
	run_ssh(s, &r, "cloud_init");
	expect(&r, "failed", W("detail: ('timezone', OSError('Invalid timezone"));
	probe_result_free(&r);
	snapshot_free(s);

	s = ci_guest("guest/ci-disabled.txt", 0, false);
	run_ssh(s, &r, "cloud_init");
	expect(&r, "absent", W("disabled-by-marker-file"));
	probe_result_free(&r);
	snapshot_free(s);
}

static void
test_cloud_init_ssh_other(void **state)
{
	struct snapshot *s = new_snap(), *g = new_remote(s);
	struct probe_result r;

	(void)state;
	/* No cloud-init at all. */
	put_no_program(g, W("cloud-init", "status", "--long"));
	put_missing(g, "/var/lib/cloud");
	run_ssh(s, &r, "cloud_init");
	expect(&r, "absent", W("not installed"));
	probe_result_free(&r);

	/* A program that is gone but left its state: boot-finished decides. */
	snapshot_add_file(g, "/var/lib/cloud", HOST_OK, 'd', NULL, 0, false);
	put_text(g, "/var/lib/cloud/instance/boot-finished", "");
	run_ssh(s, &r, "cloud_init");
	expect(&r, "ok", W("boot-finished"));
	expect_fact(&r, "guest.cloud_init", "unknown");
	probe_result_free(&r);
	snapshot_free(s);

	/* The snapshot reached the guest but did not run the command. */
	s = new_snap();
	g = new_remote(s);
	put_text(g, "/var/lib/cloud/instance/boot-finished", "");
	run_ssh(s, &r, "cloud_init");
	expect(&r, "error", W("the snapshot lacks", "no output of 'cloud-init status --long'"));
	probe_result_free(&r);
	snapshot_free(s);
}

/* ---- resolv ---------------------------------------------------------------------- */

static void
test_resolv_disk(void **state)
{
	struct snapshot *s = new_snap();
	struct probe_result r;

	(void)state;
	put_cmd(s, W("readlink", "--", ROOT "/etc/resolv.conf"), 1, "");
	put_fixture(s, ROOT "/etc/resolv.conf", "guest/resolv.conf.static");
	run_disk(s, &r, "resolv");
	expect(&r, "ok", W(ROOT "/etc/resolv.conf: nameserver 192.168.122.1"));
	expect_fact(&r, "guest.nameservers", "192.168.122.1,10.0.0.2,fe80::1%eth0");
	expect_fact(&r, "guest.resolver", "static");
	probe_result_free(&r);

	put_fixture(s, ROOT "/etc/resolv.conf", "guest/resolv.conf.empty");
	run_disk(s, &r, "resolv");
	expect(&r, "no_nameserver", W("no nameserver line"));
	expect_fact(&r, "guest.nameservers", "");
	probe_result_free(&r);

	/* Ubuntu: a relative link into /run, which a disk does not keep. */
	put_cmd(s, W("readlink", "--", ROOT "/etc/resolv.conf"), 0,
	        "../run/systemd/resolve/stub-resolv.conf\n");
	put_missing(s, ROOT "/run/systemd/resolve/stub-resolv.conf");
	run_disk(s, &r, "resolv");
	expect(&r, "ok",
	       W("written at boot", "/run/systemd/resolve/stub-resolv.conf in the guest"));
	expect_fact(&r, "guest.resolver", "systemd-resolved");
	probe_result_free(&r);

	/* An absolute link is read under the root, never on this machine. */
	put_cmd(s, W("readlink", "--", ROOT "/etc/resolv.conf"), 0, "/etc/resolv.conf.vmware\n");
	put_text(s, ROOT "/etc/resolv.conf.vmware", "nameserver 192.168.10.1\n");
	run_disk(s, &r, "resolv");
	expect(&r, "ok", NULL);
	expect_fact(&r, "guest.nameservers", "192.168.10.1");
	probe_result_free(&r);
	snapshot_free(s);
}

static void
test_resolv_ssh(void **state)
{
	struct snapshot *s = new_snap(), *g = new_remote(s);
	struct probe_result r;

	(void)state;
	put_fixture(g, "/etc/resolv.conf", "guest/resolv.conf.stub");
	put_fixture(g, "/run/systemd/resolve/resolv.conf", "guest/resolv.conf.upstream");
	run_ssh(s, &r, "resolv");
	expect(&r, "ok", W("/etc/resolv.conf: nameserver 127.0.0.53", "upstream: 10.97.0.1"));
	expect_fact(&r, "guest.nameservers", "10.97.0.1");
	expect_fact(&r, "guest.resolver", "systemd-resolved");
	probe_result_free(&r);

	put_fixture(g, "/run/systemd/resolve/resolv.conf", "guest/resolv.conf.upstream-empty");
	run_ssh(s, &r, "resolv");
	expect(&r, "no_nameserver", W("no upstream server"));
	probe_result_free(&r);

	snapshot_free(s);

	/* Without resolved's own file, resolvectl tells. */
	s = new_snap();
	g = new_remote(s);
	put_fixture(g, "/etc/resolv.conf", "guest/resolv.conf.stub");
	put_missing(g, "/run/systemd/resolve/resolv.conf");
	put_cmd_fixture(g, W("resolvectl", "status"), 0, "guest/resolvectl-status-245.txt");
	run_ssh(s, &r, "resolv");
	expect(&r, "ok", W("resolvectl status: 2 upstream server(s)"));
	expect_fact(&r, "guest.nameservers", "192.168.122.1,192.168.122.2");
	probe_result_free(&r);

	put_cmd_fixture(g, W("resolvectl", "status"), 0, "guest/resolvectl-status-none.txt");
	run_ssh(s, &r, "resolv");
	expect(&r, "no_nameserver", NULL);
	probe_result_free(&r);

	snapshot_free(s);

	s = new_snap();
	put_missing(new_remote(s), "/etc/resolv.conf");
	run_ssh(s, &r, "resolv");
	expect(&r, "no_nameserver", W("does not exist"));
	probe_result_free(&r);
	snapshot_free(s);
}

/* ---- lookup ---------------------------------------------------------------------- */

#define GETENT(name) W("getent", "hosts", name)
#define NSLOOKUP(name) W("nslookup", name)
#define run_lookup(s, r, name)                                                                     \
	run_guest(s, r, "address", ADDR, "check", "lookup", "name", name, NULL)

/* How many evidence lines hold needle. */
static size_t
evidence_count(const struct probe_result *r, const char *needle)
{
	size_t n = 0;

	for (size_t i = 0; i < r->evidence.n; i++)
		n += strstr(r->evidence.v[i], needle) != NULL;
	return n;
}

static void
test_lookup_ok(void **state)
{
	struct snapshot *s = new_snap(), *g = new_remote(s);
	struct probe_result r;

	(void)state;
	/* Ubuntu: resolved's stub, and the server behind it. */
	put_fixture(g, "/etc/resolv.conf", "guest/resolv.conf.stub");
	put_fixture(g, "/run/systemd/resolve/resolv.conf", "guest/resolv.conf.upstream");
	put_cmd_fixture(g, GETENT("ubuntu.com"), 0, "guest/getent-hosts.txt");
	/* name= defaults to ubuntu.com. */
	run_ssh(s, &r, "lookup");
	expect(&r, "ok",
	       W("ubuntu.com resolves in the guest: 2001:db8::10", "$ getent hosts ubuntu.com",
	         "2001:db8::10    ubuntu.com", "upstream: 10.97.0.1"));
	expect_fact(&r, "guest.lookup.address", "2001:db8::10");
	expect_fact(&r, "guest.nameservers", "10.97.0.1");
	expect_fact(&r, "guest.mode", "ssh");
	probe_result_free(&r);

	/* Another name; of many lines, the first three are shown, the first is the fact. */
	put_cmd(g, GETENT("archive.ubuntu.com"), 0,
	        "2001:db8::21    archive.ubuntu.com\n2001:db8::22    archive.ubuntu.com\n"
	        "2001:db8::23    archive.ubuntu.com\n2001:db8::24    archive.ubuntu.com\n");
	run_lookup(s, &r, "archive.ubuntu.com");
	expect(&r, "ok",
	       W("archive.ubuntu.com resolves in the guest: 2001:db8::21",
	         "2001:db8::23    archive.ubuntu.com"));
	assert_false(lines_have(&r.evidence, "2001:db8::24"));
	expect_fact(&r, "guest.lookup.address", "2001:db8::21");
	probe_result_free(&r);

	/* getent found it but printed no address: not taken for an answer. */
	put_cmd(g, GETENT("ubuntu.com"), 0, "\n");
	run_ssh(s, &r, "lookup");
	expect(&r, "error", W("printed no address"));
	assert_null(result_fact(&r, "guest.lookup.address"));
	probe_result_free(&r);

	/* Any other exit status is getent failing, not an answer. */
	snapshot_add_command(g, GETENT("ubuntu.com"), HOST_OK, 1, "", 0,
	                     "Unknown database: hosts\n", 24);
	run_ssh(s, &r, "lookup");
	expect(&r, "error",
	       W("'getent hosts ubuntu.com' failed", "exit status 1",
	         "stderr: Unknown database: hosts"));
	probe_result_free(&r);
	snapshot_free(s);

	/* A snapshot that reached the guest but never ran getent says so. */
	s = new_snap();
	put_fixture(new_remote(s), "/etc/resolv.conf", "guest/resolv.conf.static");
	run_ssh(s, &r, "lookup");
	expect(&r, "error", W("the snapshot lacks"));
	probe_result_free(&r);
	snapshot_free(s);
}

static void
test_lookup_no_answer(void **state)
{
	struct snapshot *s = new_snap(), *g = new_remote(s);
	struct probe_result r;

	(void)state;
	put_text(g, "/etc/resolv.conf", "# written by hand\nnameserver 10.0.0.53\n");
	/* getent's 2: NXDOMAIN, or no server answered. */
	put_cmd(g, GETENT("ubuntu.com"), 2, "");
	run_ssh(s, &r, "lookup");
	expect(&r, "no_answer",
	       W("ubuntu.com does not resolve in " REMOTE ": its DNS server(s) (10.0.0.53) give "
	         "no answer",
	         "/etc/resolv.conf: nameserver 10.0.0.53", "getent: not found (exit status 2)"));
	expect_fact(&r, "guest.nameservers", "10.0.0.53");
	assert_null(result_fact(&r, "guest.lookup.address"));
	probe_result_free(&r);

	/* Two servers, named as a list. */
	put_fixture(g, "/etc/resolv.conf", "guest/resolv.conf.static");
	run_ssh(s, &r, "lookup");
	expect(&r, "no_answer", W("(192.168.122.1, 10.0.0.2 and fe80::1%eth0)"));
	expect_fact(&r, "guest.nameservers", "192.168.122.1,10.0.0.2,fe80::1%eth0");
	probe_result_free(&r);

	/* No server at all. */
	put_fixture(g, "/etc/resolv.conf", "guest/resolv.conf.empty");
	run_ssh(s, &r, "lookup");
	expect(&r, "no_answer", W("has no DNS server to ask", "has no nameserver line"));
	expect_fact(&r, "guest.nameservers", "");
	probe_result_free(&r);

	/* resolved's stub with no upstream: the servers asked are none. */
	put_fixture(g, "/etc/resolv.conf", "guest/resolv.conf.stub");
	put_fixture(g, "/run/systemd/resolve/resolv.conf", "guest/resolv.conf.upstream-empty");
	run_ssh(s, &r, "lookup");
	expect(&r, "no_answer", W("has no DNS server to ask"));
	probe_result_free(&r);

	snapshot_free(s);

	/* resolved's upstreams unreadable: the stub is named, and the answer stands. */
	s = new_snap();
	g = new_remote(s);
	put_fixture(g, "/etc/resolv.conf", "guest/resolv.conf.stub");
	snapshot_add_file(g, "/run/systemd/resolve/resolv.conf", HOST_DENIED, 'f', NULL, 0, false);
	put_cmd(g, GETENT("ubuntu.com"), 2, "");
	run_ssh(s, &r, "lookup");
	expect(&r, "no_answer",
	       W("DNS server(s) (127.0.0.53)", "/run/systemd/resolve/resolv.conf: not read"));
	expect_fact(&r, "guest.nameservers", "127.0.0.53");
	probe_result_free(&r);
	snapshot_free(s);

	/* Without resolv.conf in the snapshot the verdict is getent's, and the gap is said. */
	s = new_snap();
	g = new_remote(s);
	put_cmd(g, GETENT("ubuntu.com"), 2, "");
	run_ssh(s, &r, "lookup");
	expect(&r, "no_answer", W("its DNS servers give no answer", "/etc/resolv.conf: not read"));
	assert_null(result_fact(&r, "guest.nameservers"));
	probe_result_free(&r);
	/* A guest without the file at all names no server. */
	put_missing(g, "/etc/resolv.conf");
	run_ssh(s, &r, "lookup");
	expect(&r, "no_answer", W("has no DNS server to ask"));
	expect_fact(&r, "guest.nameservers", "");
	probe_result_free(&r);
	snapshot_free(s);
}

/* getent missing: nslookup, BusyBox's (recorded, see tests/data/guest/README) or bind's. */
static void
test_lookup_nslookup(void **state)
{
	struct snapshot *s = new_snap(), *g = new_remote(s);
	struct probe_result r;
	const char *refused = "nslookup: write to '127.0.0.1': Connection refused\n";

	(void)state;
	put_text(g, "/etc/resolv.conf", "nameserver 127.0.0.1\n");
	put_no_program(g, GETENT("ubuntu.com"));
	put_cmd_fixture(g, NSLOOKUP("ubuntu.com"), 0, "guest/nslookup-busybox-ok.txt");
	run_ssh(s, &r, "lookup");
	expect(&r, "ok",
	       W("ubuntu.com resolves in the guest: 203.0.113.10", "$ nslookup ubuntu.com",
	         "Address: 2001:db8::10"));
	expect_fact(&r, "guest.lookup.address", "203.0.113.10");
	/* The server's own address is not an answer. */
	assert_false(lines_have(&r.evidence, "127.0.0.1:53"));
	probe_result_free(&r);

	/* The shell's 127 is a missing program too. */
	put_cmd(g, GETENT("ubuntu.com"), 127, "");
	put_cmd_fixture(g, NSLOOKUP("ubuntu.com"), 0, "guest/nslookup-bind-ok.txt");
	run_ssh(s, &r, "lookup");
	expect(&r, "ok", W("resolves in the guest: 203.0.113.10"));
	probe_result_free(&r);

	/* NXDOMAIN: exit 1, said once though BusyBox prints it for A and AAAA. */
	put_no_program(g, GETENT("nosuch.example"));
	put_cmd_fixture(g, NSLOOKUP("nosuch.example"), 1, "guest/nslookup-busybox-nxdomain.txt");
	run_lookup(s, &r, "nosuch.example");
	expect(&r, "no_answer",
	       W("nosuch.example does not resolve in " REMOTE ": its DNS server(s) (127.0.0.1)",
	         "nslookup: exit status 1"));
	assert_int_equal(evidence_count(&r, "** server can't find nosuch.example: NXDOMAIN"), 1);
	expect_fact(&r, "guest.nameservers", "127.0.0.1");
	assert_null(result_fact(&r, "guest.lookup.address"));
	probe_result_free(&r);

	/* No server answers: what BusyBox says on both outputs. */
	{
		size_t len;
		char *text = fixture_read("guest/nslookup-busybox-noserver.txt", &len);

		snapshot_add_command(g, NSLOOKUP("ubuntu.com"), HOST_OK, 1, text, len, refused,
		                     strlen(refused));
		free(text);
	}
	put_no_program(g, GETENT("ubuntu.com"));
	run_ssh(s, &r, "lookup");
	expect(&r, "no_answer",
	       W(";; connection timed out; no servers could be reached",
	         "stderr: nslookup: write to '127.0.0.1': Connection refused"));
	probe_result_free(&r);

	/* bind's nslookup exits 0 for "No answer": no address, so no answer. */
	put_cmd(g, NSLOOKUP("ubuntu.com"), 0,
	        "Server:\t\t127.0.0.53\nAddress:\t127.0.0.53#53\n\nNon-authoritative answer:\n"
	        "*** Can't find ubuntu.com: No answer\n\n");
	run_ssh(s, &r, "lookup");
	expect(&r, "no_answer", W("*** Can't find ubuntu.com: No answer"));
	probe_result_free(&r);

	/* bind's NXDOMAIN. */
	put_cmd_fixture(g, NSLOOKUP("nosuch.example"), 1, "guest/nslookup-bind-nxdomain.txt");
	run_lookup(s, &r, "nosuch.example");
	expect(&r, "no_answer", W("** server can't find nosuch.example: NXDOMAIN"));
	probe_result_free(&r);

	/* Neither tool. */
	put_no_program(g, NSLOOKUP("ubuntu.com"));
	run_ssh(s, &r, "lookup");
	expect(&r, "error", W("neither getent nor nslookup in the guest"));
	assert_null(result_fact(&r, "guest.lookup.address"));
	probe_result_free(&r);
	put_cmd(g, NSLOOKUP("ubuntu.com"), 127, "");
	run_ssh(s, &r, "lookup");
	expect(&r, "error", W("neither getent nor nslookup in the guest"));
	probe_result_free(&r);
	snapshot_free(s);
}

/* A disk cannot look a name up, and a name that is not one never reaches the guest. */
static void
test_lookup_refused(void **state)
{
	struct snapshot *s = new_snap(), *g = new_remote(s);
	struct probe_result r;

	(void)state;
	put_text(g, "/etc/resolv.conf", "nameserver 10.0.0.53\n");
	run_disk(s, &r, "lookup");
	expect(&r, "error", W("a disk cannot resolve names"));
	assert_null(result_fact(&r, "guest.mode"));
	probe_result_free(&r);

	/* Each would be an option or garbage to getent: refused before logging in. */
	for (const char *const *bad = W("-s", "--help", "a b", "ubuntu.com;reboot", "$(reboot)",
	                                "-oProxyCommand=x", "a..b", "", "ubuntu.com\nx");
	     *bad != NULL; bad++) {
		put_cmd(g, GETENT(*bad), 0, "203.0.113.10    x\n");
		run_lookup(s, &r, *bad);
		if (strcmp(r.outcome, "error") != 0 || r.summary == NULL ||
		    (strstr(r.summary, "not a valid DNS name") == NULL &&
		     strstr(r.summary, "parameter 'name'") == NULL))
			fail_msg("name '%s': %s (%s)", *bad, r.outcome, r.summary ? r.summary : "");
		assert_false(lines_have(&r.evidence, "logged in to"));
		probe_result_free(&r);
	}
	snapshot_free(s);
}

/* ---- fstab ----------------------------------------------------------------------- */

static void
test_fstab(void **state)
{
	struct snapshot *s = new_snap(), *g = new_remote(s);
	struct probe_result r;

	(void)state;
	put_fixture(s, ROOT "/etc/fstab", "guest/fstab.vmware-rhel7");
	run_disk(s, &r, "fstab");
	expect(&r, "device_names",
	       W(ROOT "/etc/fstab:10: /dev/sda1               /boot",
	         ROOT "/etc/fstab:12: /dev/sdb1", "UUID= or LABEL="));
	expect_fact(&r, "guest.bad_fstab_lines", "2");
	expect_fact(&r, "guest.fstab_entries", "4");
	assert_false(lines_have(&r.evidence, "rhel-root"));
	probe_result_free(&r);

	put_fixture(s, ROOT "/etc/fstab", "guest/fstab.by-path");
	run_disk(s, &r, "fstab");
	expect(&r, "device_names", W("/dev/disk/by-path/pci-0000:03:00.0-scsi-0:0:0:0-part2"));
	probe_result_free(&r);

	put_fixture(s, ROOT "/etc/fstab", "guest/fstab.uuid");
	run_disk(s, &r, "fstab");
	expect(&r, "ok", W("5 entries"));
	expect_fact(&r, "guest.bad_fstab_lines", "0");
	probe_result_free(&r);

	/* Over SSH: the same file, named as the guest names it. */
	put_fixture(g, "/etc/fstab", "guest/fstab.xen");
	run_ssh(s, &r, "fstab");
	expect(&r, "device_names", W("/etc/fstab:1: /dev/xvda1"));
	expect_fact(&r, "guest.bad_fstab_lines", "3");
	probe_result_free(&r);

	put_fixture(g, "/etc/fstab", "guest/fstab.ubuntu-cloud");
	run_ssh(s, &r, "fstab");
	expect(&r, "ok", NULL);
	probe_result_free(&r);
	snapshot_free(s);
}

static void
test_fstab_cannot_read(void **state)
{
	struct snapshot *s = new_snap();
	struct probe_result r;

	(void)state;
	/* Not collected: error, saying the snapshot lacks it. */
	run_disk(s, &r, "fstab");
	expect(&r, "error", W("the snapshot does not hold " ROOT "/etc/fstab"));
	probe_result_free(&r);

	/* Denied: root is needed, never "not there". */
	snapshot_add_file(s, ROOT "/etc/fstab", HOST_DENIED, 'f', NULL, 0, false);
	run_disk(s, &r, "fstab");
	expect(&r, "error", W("permission denied", "sudo"));
	probe_result_free(&r);

	put_missing(s, ROOT "/etc/fstab");
	run_disk(s, &r, "fstab");
	expect(&r, "ok", W("no /etc/fstab"));
	probe_result_free(&r);
	snapshot_free(s);
}

/* ---- net ---------------------------------------------------------------------------- */

/* A guest with no network configuration files but those the caller adds. */
static void
empty_net_config(struct snapshot *g, const char *root)
{
	char *p;

	p = xasprintf("%s/etc/netplan", root);
	put_dir(g, p, "");
	free(p);
	p = xasprintf("%s/etc/network/interfaces", root);
	put_missing(g, p);
	free(p);
	p = xasprintf("%s/etc/network/interfaces.d", root);
	snapshot_add_dir(g, p, HOST_NO_SUCH, "");
	free(p);
	p = xasprintf("%s/etc/sysconfig/network-scripts", root);
	snapshot_add_dir(g, p, HOST_NO_SUCH, "");
	free(p);
	p = xasprintf("%s/etc/NetworkManager/system-connections", root);
	snapshot_add_dir(g, p, HOST_NO_SUCH, "");
	free(p);
}

static void
test_net_ssh(void **state)
{
	struct snapshot *s = new_snap(), *g = new_remote(s);
	struct probe_result r;

	(void)state;
	empty_net_config(g, "");
	put_cmd_fixture(g, W("ip", "-o", "link"), 0, "guest/ip-link-kvm.txt");
	run_ssh(s, &r, "net");
	expect(&r, "ok", W("names an interface"));
	expect_fact(&r, "guest.ifaces", "enp1s0");
	probe_result_free(&r);

	/* VMware's names on a KVM VM: the classic. */
	put_dir(g, "/etc/netplan", "00-installer-config.yaml\n00-installer-config.yaml.bak\n");
	put_fixture(g, "/etc/netplan/00-installer-config.yaml", "guest/netplan-vmware.yaml");
	run_ssh(s, &r, "net");
	expect(&r, "iface_mismatch",
	       W("names ens33 and ens34, but the VM has enp1s0 (52:54:00:6b:1f:0a)",
	         "/etc/netplan/00-installer-config.yaml:4: ens33: the VM has no such interface"));
	expect_fact(&r, "guest.missing_ifaces", "ens33,ens34");
	expect_fact(&r, "guest.config_ifaces", "ens33,ens34");
	probe_result_free(&r);

	/* RHEL's ifcfg naming eth0, matched by MAC too. */
	put_dir(g, "/etc/netplan", "");
	put_dir(g, "/etc/sysconfig/network-scripts", "ifcfg-eth0\nifcfg-lo\nifdown-ppp\n");
	put_fixture(g, "/etc/sysconfig/network-scripts/ifcfg-eth0", "guest/ifcfg-eth0");
	run_ssh(s, &r, "net");
	expect(&r, "iface_mismatch", W("ifcfg-eth0:10: eth0: the VM has no such interface"));
	probe_result_free(&r);

	/* Multipass: matched by MAC, and the MAC is there (ens3, altname enp0s3). */
	snapshot_add_dir(g, "/etc/sysconfig/network-scripts", HOST_NO_SUCH, "");
	put_dir(g, "/etc/netplan", "50-cloud-init.yaml\n");
	put_fixture(g, "/etc/netplan/50-cloud-init.yaml", "guest/netplan-multipass.yaml");
	put_cmd_fixture(g, W("ip", "-o", "link"), 0, "guest/ip-link-multipass.txt");
	run_ssh(s, &r, "net");
	expect(&r, "ok", W("the VM has: ens3 (52:54:00:2e:15:84)"));
	expect_fact(&r, "guest.ifaces", "ens3,docker0,veth1a2b3c4");
	probe_result_free(&r);

	/* A netplan glob matches. ifupdown names eth0: no such link. */
	put_fixture(g, "/etc/netplan/50-cloud-init.yaml", "guest/netplan-match.yaml");
	put_fixture(g, "/etc/network/interfaces", "guest/interfaces.debian");
	run_ssh(s, &r, "net");
	expect(&r, "iface_mismatch", W("interfaces:11: eth0: the VM has no such interface"));
	assert_false(lines_have(&r.evidence, "en*: the VM has no such interface"));
	probe_result_free(&r);

	/* ip outside the login's PATH: /usr/sbin is tried. */
	put_no_program(g, W("ip", "-o", "link"));
	put_cmd_fixture(g, W("/usr/sbin/ip", "-o", "link"), 0, "guest/ip-link-multipass.txt");
	run_ssh(s, &r, "net");
	expect(&r, "iface_mismatch", W("the VM has: ens3 (52:54:00:2e:15:84)"));
	probe_result_free(&r);
	put_cmd_fixture(g, W("ip", "-o", "link"), 0, "guest/ip-link-multipass.txt");

	/* NetworkManager's keyfiles are root-only: said, and skipped. */
	put_text(g, "/etc/network/interfaces", "source /etc/network/interfaces.d/*\n");
	put_fixture(g, "/etc/netplan/50-cloud-init.yaml", "guest/netplan-multipass.yaml");
	put_dir(g, "/etc/NetworkManager/system-connections", "ens192.nmconnection\n");
	snapshot_add_file(g, "/etc/NetworkManager/system-connections/ens192.nmconnection",
	                  HOST_DENIED, 'f', NULL, 0, false);
	run_ssh(s, &r, "net");
	expect(&r, "ok", W("cannot be read (root only)"));
	probe_result_free(&r);

	/* A directory of them that only root may list: the same. */
	snapshot_add_dir(g, "/etc/NetworkManager/system-connections", HOST_DENIED, "");
	run_ssh(s, &r, "net");
	expect(&r, "ok", W("/etc/NetworkManager/system-connections cannot be read (root only)"));
	probe_result_free(&r);

	/* No ip on the guest, wherever it looks. */
	put_no_program(g, W("ip", "-o", "link"));
	put_no_program(g, W("/usr/sbin/ip", "-o", "link"));
	put_no_program(g, W("/sbin/ip", "-o", "link"));
	run_ssh(s, &r, "net");
	expect(&r, "error", W("'ip' was not found"));
	probe_result_free(&r);
	snapshot_free(s);
}

static void
test_net_disk(void **state)
{
	struct snapshot *s = new_snap();
	struct probe_result r;

	(void)state;
	empty_net_config(s, ROOT);
	put_dir(s, ROOT "/etc/sysconfig/network-scripts", "ifcfg-ens192\n");
	put_fixture(s, ROOT "/etc/sysconfig/network-scripts/ifcfg-ens192", "guest/ifcfg-ens192");
	run_guest(s, &r, "root", ROOT, "check", "net", "ifaces", "enp1s0,enp2s0", NULL);
	expect(&r, "iface_mismatch", W("names ens192, but the VM has enp1s0 and enp2s0"));
	expect_fact(&r, "guest.ifaces", "enp1s0,enp2s0");
	probe_result_free(&r);

	run_guest(s, &r, "root", ROOT, "check", "net", "ifaces", "ens192", NULL);
	expect(&r, "ok", NULL);
	probe_result_free(&r);

	run_disk(s, &r, "net");
	expect(&r, "error", W("give ifaces="));
	expect_fact(&r, "guest.config_ifaces", "ens192");
	probe_result_free(&r);
	snapshot_free(s);
}

/* ---- udev ------------------------------------------------------------------------------ */

static void
test_udev(void **state)
{
	struct snapshot *s = new_snap(), *g = new_remote(s);
	struct probe_result r;

	(void)state;
	put_fixture(g, "/etc/udev/rules.d/70-persistent-net.rules",
	            "guest/70-persistent-net.rules");
	put_cmd_fixture(g, W("ip", "-o", "link"), 0, "guest/ip-link-kvm.txt");
	run_ssh(s, &r, "udev");
	expect(&r, "stale_udev",
	       W("70-persistent-net.rules:8: SUBSYSTEM==\"net\"", "the VM has: enp1s0",
	         "2 MAC address(es)"));
	expect_fact(&r, "guest.stale_macs", "00:50:56:8a:12:34,00:50:56:8a:56:78");
	probe_result_free(&r);

	put_fixture(g, "/etc/udev/rules.d/70-persistent-net.rules",
	            "guest/70-persistent-net.rules.kvm");
	run_ssh(s, &r, "udev");
	expect(&r, "ok", W("enp1s0 (52:54:00:6b:1f:0a)"));
	expect_fact(&r, "guest.stale_macs", "");
	probe_result_free(&r);

	put_fixture(g, "/etc/udev/rules.d/70-persistent-net.rules",
	            "guest/70-persistent-net.rules.empty");
	run_ssh(s, &r, "udev");
	expect(&r, "ok", W("no rule with ATTR{address}"));
	probe_result_free(&r);

	snapshot_free(s);

	s = new_snap();
	put_missing(new_remote(s), "/etc/udev/rules.d/70-persistent-net.rules");
	run_ssh(s, &r, "udev");
	expect(&r, "ok", W("not pinned"));
	probe_result_free(&r);

	/* A disk: every pinned MAC is the old hypervisor's. */
	put_fixture(s, ROOT "/etc/udev/rules.d/70-persistent-net.rules",
	            "guest/70-persistent-net.rules");
	run_disk(s, &r, "udev");
	expect(&r, "stale_udev", W("old hypervisor", "delete the file"));
	probe_result_free(&r);
	snapshot_free(s);
}

/* ---- initramfs --------------------------------------------------------------------------- */

static void
test_initramfs_disk(void **state)
{
	struct snapshot *s = new_snap();
	struct probe_result r;
	size_t len;
	char *boot = fixture_read("guest/boot-rhel9.txt", &len);

	(void)state;
	put_dir(s, ROOT "/boot", boot);
	free(boot);
	put_fixture(s, ROOT "/lib/modules/" RVER "/modules.builtin", "guest/modules.builtin-rhel9");
	/* dracut's image: lsinitrd first; it runs here, on the disk's file. */
	put_cmd_fixture(s, W("lsinitrd", ROOT "/boot/initramfs-" RVER ".img"), 0,
	                "guest/lsinitrd-vmware.txt");
	run_disk(s, &r, "initramfs");
	expect(&r, "no_virtio",
	       W("virtio modules in it: none", "dracut -f --add-drivers", "built in: none"));
	expect_fact(&r, "guest.kernel", RVER);
	expect_fact(&r, "guest.initramfs", "/boot/initramfs-" RVER ".img");
	expect_fact(&r, "guest.virtio", "none");
	probe_result_free(&r);

	put_cmd_fixture(s, W("lsinitrd", ROOT "/boot/initramfs-" RVER ".img"), 0,
	                "guest/lsinitrd-virtio.txt");
	run_disk(s, &r, "initramfs");
	expect(&r, "ok", NULL);
	expect_fact(&r, "guest.virtio", "virtio_blk, virtio_scsi, virtio_pci, virtio_net");
	probe_result_free(&r);

	/* No lister on this machine: lsinitramfs is tried too, then it says what to install. */
	for (const char *const *d = W("", "/usr/sbin/", "/sbin/"); *d != NULL; d++) {
		char *lsinitrd = xasprintf("%slsinitrd", *d),
		     *lsinitramfs = xasprintf("%slsinitramfs", *d);

		put_no_program(s, W(lsinitrd, ROOT "/boot/initramfs-" RVER ".img"));
		put_no_program(s, W(lsinitramfs, ROOT "/boot/initramfs-" RVER ".img"));
		free(lsinitrd);
		free(lsinitramfs);
	}
	run_disk(s, &r, "initramfs");
	expect(&r, "error", W("install initramfs-tools-core or dracut"));
	probe_result_free(&r);

	put_dir(s, ROOT "/boot", "grub\nefi\n");
	run_disk(s, &r, "initramfs");
	expect(&r, "error", W("holds no initramfs"));
	probe_result_free(&r);
	snapshot_free(s);
}

static void
test_initramfs_ssh(void **state)
{
	struct snapshot *s = new_snap(), *g = new_remote(s);
	struct probe_result r;
	size_t len;
	char *boot = fixture_read("guest/boot-ubuntu.txt", &len);

	(void)state;
	/* The kernel that runs, not the newest one in /boot. */
	put_cmd(g, W("uname", "-r"), 0, "5.15.0-91-generic\n");
	put_dir(g, "/boot", boot);
	free(boot);
	put_fixture(g, "/lib/modules/5.15.0-91-generic/modules.builtin",
	            "guest/modules.builtin-ubuntu");
	put_cmd_fixture(g, W("lsinitramfs", "/boot/initrd.img-5.15.0-91-generic"), 0,
	                "guest/lsinitramfs-ubuntu.txt");
	run_ssh(s, &r, "initramfs");
	/* Ubuntu builds virtio_blk and virtio_pci in: the initramfs need not hold them. */
	expect(
	    &r, "ok",
	    W("built in: virtio_blk, virtio_pci, virtio_net", "virtio modules in it: virtio_scsi"));
	expect_fact(&r, "guest.kernel", "5.15.0-91-generic");
	probe_result_free(&r);

	/* Without modules.builtin nothing counts as built in. */
	put_fixture(g, "/lib/modules/5.15.0-91-generic/modules.builtin",
	            "guest/modules.builtin-rhel9");
	run_ssh(s, &r, "initramfs");
	expect(&r, "no_virtio", W("update-initramfs -u -k 5.15.0-91-generic", "built in: none"));
	probe_result_free(&r);

	/* Not readable by the login user (RHEL keeps initramfs root-only). */
	snapshot_add_command(g, W("lsinitramfs", "/boot/initrd.img-5.15.0-91-generic"), HOST_OK, 1,
	                     "", 0, "cpio: /boot/initrd.img-5.15.0-91-generic: Permission denied\n",
	                     61);
	run_ssh(s, &r, "initramfs");
	expect(&r, "error", W("permission denied", "root"));
	probe_result_free(&r);
	snapshot_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_params),
	    cmocka_unit_test(test_remote_not_collected),
	    cmocka_unit_test(test_cloud_init_disk),
	    cmocka_unit_test(test_cloud_init_ssh),
	    cmocka_unit_test(test_cloud_init_ssh_other),
	    cmocka_unit_test(test_resolv_disk),
	    cmocka_unit_test(test_resolv_ssh),
	    cmocka_unit_test(test_lookup_ok),
	    cmocka_unit_test(test_lookup_no_answer),
	    cmocka_unit_test(test_lookup_nslookup),
	    cmocka_unit_test(test_lookup_refused),
	    cmocka_unit_test(test_fstab),
	    cmocka_unit_test(test_fstab_cannot_read),
	    cmocka_unit_test(test_net_ssh),
	    cmocka_unit_test(test_net_disk),
	    cmocka_unit_test(test_udev),
	    cmocka_unit_test(test_initramfs_disk),
	    cmocka_unit_test(test_initramfs_ssh),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
