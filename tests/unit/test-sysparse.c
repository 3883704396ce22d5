/*
 * test-sysparse.c: the parsers behind the multipass, process and
 * disk_space probes, on recordings of what the real tools print
 * (tests/data/sys, sources in its README) and on hostile variations.
 */
#include "config.h"

#include "cmocka-prelude.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe/sysparse.h"
#include "testutil.h"

/* ---- multipass version -------------------------------------------------- */

static void
test_version(void **state)
{
	struct mp_version v;
	size_t len;
	char *buf = fixture_read("sys/multipass-version.txt", &len);

	(void)state;
	assert_int_equal(mp_version_parse(buf, len, &v), 0);
	assert_string_equal(v.client, "1.14.1");
	assert_string_equal(v.daemon, "1.14.1");
	assert_string_equal(v.client_line, "multipass   1.14.1");
	assert_string_equal(v.daemon_line, "multipassd  1.14.1");
	mp_version_free(&v);
	free(buf);

	buf = fixture_read("sys/multipass-version-nodaemon.txt", &len);
	assert_int_equal(mp_version_parse(buf, len, &v), 0);
	assert_string_equal(v.client, "1.14.1");
	assert_null(v.daemon);
	assert_null(v.daemon_line);
	mp_version_free(&v);
	free(buf);

	/* The update notice after it ("Multipass 1.14.0 release") is not a version line. */
	buf = fixture_read("sys/multipass-version-update.txt", &len);
	assert_int_equal(mp_version_parse(buf, len, &v), 0);
	assert_string_equal(v.client, "1.13.1+mac");
	assert_string_equal(v.daemon, "1.13.1+mac");
	mp_version_free(&v);
	free(buf);

	buf = fixture_read("sys/multipass-version-windows.txt", &len);
	assert_int_equal(mp_version_parse(buf, len, &v), 0);
	assert_string_equal(v.client, "1.14.1+win");
	assert_string_equal(v.daemon, "1.14.1+win");
	assert_string_equal(v.daemon_line, "multipassd  1.14.1+win");
	mp_version_free(&v);
	free(buf);

	/* Not a version: no line, a word alone, a longer word, nothing. */
	assert_int_equal(mp_version_parse("", 0, &v), -1);
	assert_int_equal(mp_version_parse("multipass\n", 10, &v), -1);
	assert_int_equal(mp_version_parse("multipassx 1.0\n", 15, &v), -1);
	assert_int_equal(mp_version_parse("execv failed: No such file\n", 27, &v), -1);
	mp_version_free(&v);
}

/* ---- multipass list ----------------------------------------------------- */

static void
test_list(void **state)
{
	struct mp_list l;
	const struct mp_instance *in;
	char *err = NULL;
	size_t len;
	char *buf = fixture_read("sys/multipass-list.yaml", &len);

	(void)state;
	assert_int_equal(mp_list_parse(buf, len, &l, &err), 0);
	assert_null(err);
	assert_int_equal(l.n, 5);
	assert_string_equal(l.v[0].name, "builder");

	in = mp_list_find(&l, "primary");
	assert_non_null(in);
	assert_string_equal(in->state, "Running");
	assert_string_equal(in->ipv4, "10.97.0.23");
	assert_int_equal(in->nipv4, 2);
	assert_string_equal(in->release, "Ubuntu 24.04.1 LTS");
	assert_int_equal(mp_state_classify(in->state), MP_STATE_RUNNING);

	in = mp_list_find(&l, "builder");
	assert_string_equal(in->state, "Stopped");
	assert_null(in->ipv4);
	assert_int_equal(in->nipv4, 0);
	assert_int_equal(mp_state_classify(in->state), MP_STATE_STOPPED);

	in = mp_list_find(&l, "legacy");
	assert_string_equal(in->state, "Unknown");
	assert_string_equal(in->release, "Not Available");
	assert_int_equal(mp_state_classify(in->state), MP_STATE_UNKNOWN);

	in = mp_list_find(&l, "worker-1");
	assert_string_equal(in->state, "Delayed Shutdown");
	assert_string_equal(in->ipv4, "10.97.0.41");
	assert_int_equal(mp_state_classify(in->state), MP_STATE_OTHER);
	assert_int_equal(mp_state_classify(mp_list_find(&l, "sleepy")->state), MP_STATE_OTHER);

	assert_null(mp_list_find(&l, "prim"));
	assert_null(mp_list_find(&l, "Primary"));
	mp_list_free(&l);
	free(buf);

	/* Versions before 1.0 printed states in capitals. */
	assert_int_equal(mp_state_classify("RUNNING"), MP_STATE_RUNNING);
	assert_int_equal(mp_state_classify("UNKNOWN"), MP_STATE_UNKNOWN);
	assert_int_equal(mp_state_classify("DELETED"), MP_STATE_OTHER);
	assert_int_equal(mp_state_classify(""), MP_STATE_OTHER);
}

static void
test_list_empty_and_odd(void **state)
{
	const char *lit;
	struct mp_list l;
	char *err = NULL;
	size_t len;
	char *buf = fixture_read("sys/multipass-list-empty.yaml", &len);

	(void)state;
	/* No instances: yaml-cpp emits a lone newline. */
	assert_int_equal(mp_list_parse(buf, len, &l, &err), 0);
	assert_int_equal(l.n, 0);
	mp_list_free(&l);
	free(buf);
	assert_int_equal(mp_list_parse("", 0, &l, &err), 0);
	assert_int_equal(l.n, 0);
	assert_int_equal(mp_list_parse("~\n", 2, &l, &err), 0);
	assert_int_equal(l.n, 0);

	/* An instance as a bare mapping, a scalar ipv4, no state, a quoted name. */
	lit = "\"odd\": {state: Running, ipv4: 10.0.0.9}\nbare: {ipv4: [~, 10.0.0.8]}\n";
	assert_int_equal(mp_list_parse(lit, strlen(lit), &l, &err), 0);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0].name, "odd");
	assert_string_equal(l.v[0].ipv4, "10.0.0.9");
	assert_string_equal(l.v[1].state, "");
	assert_string_equal(l.v[1].ipv4, "10.0.0.8");
	assert_int_equal(l.v[1].nipv4, 1);
	assert_null(l.v[1].release);
	mp_list_free(&l);

	/* Not the list: each says so, and leaves nothing to free. */
	lit = "- a\n- b\n";
	assert_int_equal(mp_list_parse(lit, strlen(lit), &l, &err), -1);
	assert_non_null(strstr(err, "mapping of instance names"));
	assert_int_equal(l.n, 0);
	free(err);
	lit = "primary: Running\n";
	assert_int_equal(mp_list_parse(lit, strlen(lit), &l, &err), -1);
	assert_non_null(strstr(err, "primary"));
	free(err);
	lit = "primary:\n  - state: [Running\n";
	assert_int_equal(mp_list_parse(lit, strlen(lit), &l, &err), -1);
	assert_non_null(strstr(err, "not YAML"));
	free(err);
	lit = "list failed: cannot connect to the multipass socket\n";
	assert_int_equal(mp_list_parse(lit, strlen(lit), &l, &err), -1);
	free(err);
	/* Invalid UTF-8 is refused by libyaml, not passed on. */
	assert_int_equal(mp_list_parse("a: \xff\n", 6, &l, &err), -1);
	free(err);
	/* An alias loop is not followed past the fixed depth. */
	lit = "a: &x [*x]\n";
	if (mp_list_parse(lit, strlen(lit), &l, &err) == 0)
		mp_list_free(&l);
	free(err);
}

static void
test_failure_kind(void **state)
{
	char *buf;

	(void)state;
	buf = fixture_read("sys/multipass-list-nodaemon.err", NULL);
	assert_int_equal(mp_failure_kind(buf), MP_FAIL_NO_DAEMON);
	free(buf);
	buf = fixture_read("sys/multipass-list-denied.err", NULL);
	assert_int_equal(mp_failure_kind(buf), MP_FAIL_DENIED);
	free(buf);
	buf = fixture_read("sys/multipass-list-unauthenticated.err", NULL);
	assert_int_equal(mp_failure_kind(buf), MP_FAIL_DENIED);
	free(buf);
	assert_int_equal(mp_failure_kind("list failed: something else\n"), MP_FAIL_OTHER);
	assert_int_equal(mp_failure_kind(""), MP_FAIL_OTHER);
}

/* ---- interfaces --------------------------------------------------------- */

/* The names in l that start with prefix, space separated. Owned. */
static char *
bridges(const struct if_list *l, const char *prefix)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < l->n; i++) {
		if (if_has_prefix(l->v[i].name, prefix))
			strbuf_addf(&sb, "%s%s", sb.len > 0 ? " " : "", l->v[i].name);
	}
	return strbuf_detach(&sb);
}

static void
test_iplink(void **state)
{
	const char *lit;
	struct if_list l;
	size_t len;
	char *buf = fixture_read("sys/ip-link-mpqemubr0.txt", &len), *b;

	(void)state;
	iplink_parse(buf, len, &l);
	assert_int_equal(l.n, 7);
	assert_string_equal(l.v[0].name, "lo");
	assert_string_equal(l.v[4].name, "mpqemubr0");
	assert_true(str_has_prefix(l.v[4].line, "5: mpqemubr0: <BROADCAST"));
	/* The peer after '@' is not part of the name. */
	assert_string_equal(l.v[6].name, "veth7d2c9a1");
	b = bridges(&l, "mpqemubr");
	assert_string_equal(b, "mpqemubr0");
	free(b);
	if_list_free(&l);
	free(buf);

	/* Newer versions: one bridge per availability zone. */
	buf = fixture_read("sys/ip-link-zones.txt", &len);
	iplink_parse(buf, len, &l);
	b = bridges(&l, "mpqemubr");
	assert_string_equal(b, "mpqemubrzone1 mpqemubrzone2 mpqemubrzone3");
	free(b);
	if_list_free(&l);
	free(buf);

	buf = fixture_read("sys/ip-link-none.txt", &len);
	iplink_parse(buf, len, &l);
	assert_int_equal(l.n, 3);
	b = bridges(&l, "mpqemubr");
	assert_string_equal(b, "");
	free(b);
	if_list_free(&l);
	free(buf);

	/* Plain `ip link` (two lines an interface) and junk: continuation lines are not names. */
	lit = "2: eth0: <UP> mtu 1500\n    link/ether 00:11:22:33:44:55\nmpqemubr0: x\n7:\n8: :\n";
	iplink_parse(lit, strlen(lit), &l);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0].name, "eth0");
	if_list_free(&l);

	assert_true(if_has_prefix("mpqemubr0", "mpqemubr"));
	assert_false(if_has_prefix("mpqemubr", "mpqemubr"));
	assert_false(if_has_prefix("mpqemubr0.1", "mpqemubr"));
	assert_false(if_has_prefix("mpqemubr0", NULL));
	assert_false(if_has_prefix("bridge0", "bridge1"));
	assert_true(if_has_prefix("bridge100", "bridge1"));
}

/* The instances' subnet from the bridge's address: `ip -o -4 addr show dev BR`. */
static void
test_ipaddr_subnet(void **state)
{
	size_t len;
	char *buf = fixture_read("sys/ip-addr-mpqemubr0.txt", &len), *s;

	(void)state;
	s = ipaddr_subnet_parse(buf, len);
	assert_string_equal(s, "10.97.0.0/24");
	free(s);
	free(buf);
	/* Odd prefixes keep only the network's bits; the first inet counts; inet6 does not. */
	s = ipaddr_subnet_parse("7: br0 inet6 fd00::1/64 scope global\n7: br0    inet "
	                        "172.16.77.129/25 brd x\n7: br0 inet 10.1.1.1/24\n",
	                        strlen("7: br0 inet6 fd00::1/64 scope global\n7: br0    inet "
	                               "172.16.77.129/25 brd x\n7: br0 inet 10.1.1.1/24\n"));
	assert_string_equal(s, "172.16.77.128/25");
	free(s);
	assert_null(ipaddr_subnet_parse("", 0));
	assert_null(ipaddr_subnet_parse("5: br0 inet 10.1.1.1 brd\n", 25));
	assert_null(ipaddr_subnet_parse("5: br0 inet 300.1.1.1/24\n", 25));
}

static void
test_ifconfig(void **state)
{
	struct if_list l;
	size_t len;
	char *buf = fixture_read("sys/ifconfig-l.txt", &len), *b;

	(void)state;
	ifconfig_list_parse(buf, len, &l);
	assert_int_equal(l.n, 20);
	assert_string_equal(l.v[0].name, "lo0");
	assert_string_equal(l.v[19].name, "vmenet0");
	/* bridge0 is the Thunderbolt bridge, not Multipass's. */
	b = bridges(&l, "bridge1");
	assert_string_equal(b, "bridge100");
	free(b);
	if_list_free(&l);
	free(buf);

	buf = fixture_read("sys/ifconfig-l-nobridge.txt", &len);
	ifconfig_list_parse(buf, len, &l);
	b = bridges(&l, "bridge1");
	assert_string_equal(b, "");
	free(b);
	if_list_free(&l);
	free(buf);
}

/* ---- processes ---------------------------------------------------------- */

/* The pids of the processes named name, space separated. Owned. */
static char *
pids_of(const struct proc_list *l, const char *name, bool windows)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < l->n; i++) {
		if (proc_matches(&l->v[i], name, windows))
			strbuf_addf(&sb, "%s%ld", sb.len > 0 ? " " : "", l->v[i].pid);
	}
	return strbuf_detach(&sb);
}

static void
expect_pids(const struct proc_list *l, const char *name, bool windows, const char *want)
{
	char *got = pids_of(l, name, windows);

	if (strcmp(got, want) != 0)
		fail_msg("%s: pids '%s', expected '%s'", name, got, want);
	free(got);
}

static void
test_ps_procps(void **state)
{
	struct proc_list l;
	size_t len;
	char *buf = fixture_read("sys/ps-procps.txt", &len);

	(void)state;
	ps_parse(buf, len, &l);
	assert_int_equal(l.n, 15);
	assert_int_equal(l.skipped, 0);
	assert_int_equal(l.v[0].pid, 1);
	assert_string_equal(l.v[0].user, "root");
	assert_string_equal(l.v[0].exe, "init");
	/* Two dnsmasq: Multipass's (as nobody) and libvirt's. */
	expect_pids(&l, "dnsmasq", false, "1391 1422");
	assert_string_equal(l.v[8].user, "nobody");
	assert_true(
	    str_has_prefix(l.v[8].line, "   1391 nobody   /snap/multipass/13269/usr/sbin/"));
	/* "snap run multipass.multipassd" is snap, not multipassd. */
	expect_pids(&l, "multipassd", false, "1263");
	expect_pids(&l, "snap", false, "1204");
	expect_pids(&l, "qemu-system-x86_64", false, "2210");
	/* Kernel threads without brackets, titles without the colon. */
	expect_pids(&l, "kthreadd", false, "2");
	expect_pids(&l, "sshd", false, "3011 3044");
	/* Names match whole, and with case. */
	expect_pids(&l, "dnsmas", false, "");
	expect_pids(&l, "Dnsmasq", false, "");
	expect_pids(&l, "bootpd", false, "");
	/* An argument that is a path is not the program. */
	expect_pids(&l, "libvirt_leaseshelper", false, "");
	expect_pids(&l, "dnsmasq.leases", false, "");
	proc_list_free(&l);
	free(buf);
}

static void
test_ps_macos(void **state)
{
	const char *lit;
	struct proc_list l;
	size_t len;
	char *buf = fixture_read("sys/ps-macos.txt", &len);

	(void)state;
	ps_parse(buf, len, &l);
	assert_int_equal(l.n, 12);
	expect_pids(&l, "bootpd", false, "342");
	assert_string_equal(l.v[3].user, "root");
	assert_string_equal(l.v[2].user, "_mdnsresponder");
	expect_pids(&l, "mDNSResponder", false, "118");
	/* A path with a space in it: "/Library/Application Support/.../multipassd". */
	expect_pids(&l, "multipassd", false, "512");
	expect_pids(&l, "qemu-system-aarch64", false, "689");
	expect_pids(&l, "multipass.gui", false, "801");
	expect_pids(&l, "Finder", false, "744");
	/* ... but its arguments, with spaces too, are not. */
	expect_pids(&l, "edk2-aarch64-code.fd,if=pflash,format=raw,readonly=on", false, "");
	expect_pids(&l, "cloud-init-config.iso", false, "");
	proc_list_free(&l);
	free(buf);

	/* Junk lines are counted, not taken. */
	lit = "  PID USER ARGS\n  12 root\nabc def ghi\n\n   7 root /bin/x\n";
	ps_parse(lit, strlen(lit), &l);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.skipped, 3);
	expect_pids(&l, "x", false, "7");
	proc_list_free(&l);
}

static void
test_tasklist(void **state)
{
	const char *lit;
	struct proc_list l;
	size_t len;
	char *buf = fixture_read("sys/tasklist.csv", &len);

	(void)state;
	tasklist_parse(buf, len, &l);
	assert_int_equal(l.n, 11);
	assert_int_equal(l.skipped, 0);
	assert_string_equal(l.v[0].exe, "System Idle Process");
	assert_null(l.v[0].user);
	expect_pids(&l, "multipassd", true, "4312");
	expect_pids(&l, "multipassd.exe", true, "4312");
	expect_pids(&l, "MULTIPASSD", true, "4312");
	expect_pids(&l, "multipass", true, "");
	expect_pids(&l, "vmms", true, "3488");
	assert_true(str_has_prefix(l.v[6].line, "\"multipassd.exe\",\"4312\""));
	proc_list_free(&l);
	free(buf);

	/* What tasklist prints when a filter matches nothing; quotes inside a name. */
	lit = "INFO: No tasks are running which match the specified criteria.\r\n"
	      "\"a \"\"b\"\".exe\",\"12\",\"Console\",\"1\",\"1,024 K\"\r\n\"bad\",\"x\"\r\n";
	tasklist_parse(lit, strlen(lit), &l);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.skipped, 2);
	assert_string_equal(l.v[0].exe, "a \"b\".exe");
	expect_pids(&l, "a \"b\"", true, "12");
	proc_list_free(&l);
}

/* ---- disk space --------------------------------------------------------- */

static const char *
mount_for(const struct df_list *l, const char *path, const char *os)
{
	const struct df_entry *e = df_pick(l, path, os);

	return e != NULL ? e->mount : "(none)";
}

static void
test_df_linux(void **state)
{
	const char *lit;
	struct df_list l;
	const struct df_entry *e;
	size_t len;
	char *buf = fixture_read("sys/df-linux.txt", &len);

	(void)state;
	df_parse(buf, len, &l);
	assert_int_equal(l.n, 9);
	assert_int_equal(l.skipped, 0);
	e = &l.v[1];
	assert_string_equal(e->fs, "/dev/nvme0n1p2");
	assert_string_equal(e->mount, "/");
	assert_true(e->known);
	assert_true(e->size == 490617784ULL * 1024);
	assert_true(e->used == 451238112ULL * 1024);
	assert_true(e->avail == 14383984ULL * 1024);
	/* A mount point with a space in it. */
	assert_string_equal(l.v[6].mount, "/media/alice/Backup Drive");

	assert_string_equal(mount_for(&l, "/var/snap/multipass/common/data/multipassd", "linux"),
	                    "/var/snap");
	/* Need not exist; no trailing slash or doubled slash matters. */
	assert_string_equal(mount_for(&l, "/var/snap/not/yet/there.img", "linux"), "/var/snap");
	assert_string_equal(mount_for(&l, "/var/snap/", "linux"), "/var/snap");
	assert_string_equal(mount_for(&l, "/var//snap/./x", "linux"), "/var/snap");
	/* Whole components only: /var/snapshots is not under /var/snap. */
	assert_string_equal(mount_for(&l, "/var/snapshots/x", "linux"), "/");
	assert_string_equal(mount_for(&l, "/home/alice/images", "linux"), "/");
	assert_string_equal(mount_for(&l, "/media/alice/Backup Drive/vm.qcow2", "linux"),
	                    "/media/alice/Backup Drive");
	assert_string_equal(mount_for(&l, "/media/alice/Backup", "linux"), "/");
	assert_string_equal(mount_for(&l, "/", "linux"), "/");
	/* A Windows path on Linux: nothing holds it. */
	assert_string_equal(mount_for(&l, "C:\\images", "linux"), "(none)");
	df_list_free(&l);
	free(buf);

	/* Two mounts on one point: the later one is what the path sees. */
	lit = "Filesystem 1024-blocks Used Available Capacity Mounted on\n"
	      "/dev/a 100 50 50 50% /mnt\n/dev/b 200 10 190 5% /mnt\n"
	      "proc - - - - /proc\nbroken line\n";
	df_parse(lit, strlen(lit), &l);
	assert_int_equal(l.n, 3);
	assert_int_equal(l.skipped, 1);
	assert_string_equal(df_pick(&l, "/mnt/x", "linux")->fs, "/dev/b");
	assert_false(l.v[2].known);
	/* With no "/" listed, a path elsewhere is on nothing known. */
	assert_string_equal(mount_for(&l, "/srv", "linux"), "(none)");
	df_list_free(&l);
}

static void
test_df_macos(void **state)
{
	struct df_list l;
	size_t len;
	char *buf = fixture_read("sys/df-macos.txt", &len);
	const char *data_dir = "/var/root/Library/Application Support/multipassd";

	(void)state;
	df_parse(buf, len, &l);
	assert_int_equal(l.n, 12);
	/* A filesystem name with a space, and mount points with spaces. */
	assert_string_equal(l.v[9].fs, "map auto_home");
	assert_string_equal(l.v[9].mount, "/System/Volumes/Data/home");
	assert_true(l.v[9].known);
	assert_true(l.v[9].size == 0);
	assert_string_equal(l.v[10].mount, "/Volumes/Time Machine Backups");
	assert_string_equal(l.v[11].mount, "/Volumes/Untitled 2");
	assert_true(l.v[11].avail == 4096ULL * 1024);

	/* /var is /private/var, which lives on the data volume. */
	assert_string_equal(mount_for(&l, data_dir, "darwin"), "/System/Volumes/Data");
	assert_string_equal(mount_for(&l, "/Users/alice/vm", "darwin"), "/System/Volumes/Data");
	assert_string_equal(mount_for(&l, "/tmp/x", "darwin"), "/System/Volumes/Data");
	assert_string_equal(mount_for(&l, "/Volumes/Untitled 2/x.img", "darwin"),
	                    "/Volumes/Untitled 2");
	assert_string_equal(mount_for(&l, "/Volumes/Untitled/x.img", "darwin"),
	                    "/System/Volumes/Data");
	/* The sealed system volume itself. */
	assert_string_equal(mount_for(&l, "/usr/bin", "darwin"), "/");
	/* The same paths read as Linux ones take no macOS detour. */
	assert_string_equal(mount_for(&l, data_dir, "linux"), "/");
	df_list_free(&l);
	free(buf);
}

static void
test_psdrive(void **state)
{
	const char *lit;
	struct df_list l;
	const struct df_entry *e;
	size_t len;
	char *buf = fixture_read("sys/psdrive.txt", &len);

	(void)state;
	psdrive_parse(buf, len, &l);
	assert_int_equal(l.n, 4);
	assert_int_equal(l.skipped, 0);
	e = df_pick(&l, "C:\\ProgramData\\Multipass\\data", "windows");
	assert_non_null(e);
	assert_string_equal(e->fs, "C");
	assert_string_equal(e->mount, "C:\\");
	assert_true(e->used == 184467440737ULL);
	assert_true(e->avail == 71412334592ULL);
	assert_true(e->size == 184467440737ULL + 71412334592ULL);
	/* PowerShell 7's Temp drive is a folder of C:, not a volume. */
	e = df_pick(&l, "c:/Users/alice/AppData/Local/Temp/x", "windows");
	assert_string_equal(e->fs, "C");
	/* A drive without media has no sizes. */
	e = df_pick(&l, "D:\\setup", "windows");
	assert_string_equal(e->fs, "D");
	assert_false(e->known);
	assert_string_equal(df_pick(&l, "e:\\vm", "windows")->fs, "E");
	assert_null(df_pick(&l, "F:\\vm", "windows"));
	assert_null(df_pick(&l, "/srv", "windows"));
	df_list_free(&l);
	free(buf);

	lit = "C|1|2\nX|a|b|X:\\\n\n";
	psdrive_parse(lit, strlen(lit), &l);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.skipped, 1);
	assert_false(l.v[0].known);
	df_list_free(&l);
}

/* ---- sizes -------------------------------------------------------------- */

static void
expect_size(const char *s, uint64_t want)
{
	uint64_t got = 0;
	char *err = NULL;

	if (size_parse(s, &got, &err) != 0)
		fail_msg("'%s': %s", s, err);
	if (got != want)
		fail_msg("'%s': %llu, expected %llu", s, (unsigned long long)got,
		         (unsigned long long)want);
}

static void
expect_bad_size(const char *s, const char *words)
{
	uint64_t got = 0;
	char *err = NULL;

	if (size_parse(s, &got, &err) == 0)
		fail_msg("'%s' was taken as %llu", s, (unsigned long long)got);
	if (strstr(err, words) == NULL)
		fail_msg("'%s': '%s' does not say '%s'", s, err, words);
	free(err);
}

static void
test_sizes(void **state)
{
	char *h;

	(void)state;
	expect_size("512M", 512ULL << 20);
	expect_size("20G", 20ULL << 30);
	expect_size("1.5T", 3ULL << 39);
	expect_size("1K", 1024);
	expect_size("1k", 1024);
	expect_size("4096", 4096);
	expect_size("0", 0);
	expect_size("2GiB", 2ULL << 30);
	expect_size("2GB", 2ULL << 30);
	expect_size("10B", 10);
	expect_size("0.5K", 512);
	expect_size(".5M", 512ULL << 10);
	expect_size("999P", 999ULL << 50);
	expect_size("15E", 15ULL << 60);
	expect_size("1.000000000001G", 1ULL << 30);
	expect_bad_size("abc", "not a size");
	expect_bad_size("-1G", "negative");
	expect_bad_size("", "empty");
	expect_bad_size("G", "not a size");
	expect_bad_size("20X", "unknown unit 'X'");
	expect_bad_size("20 G", "unknown unit");
	expect_bad_size("1.5.5G", "unknown unit");
	expect_bad_size("16E", "too large");
	expect_bad_size("99999999999999999999", "too large");

	h = size_human(0);
	assert_string_equal(h, "0 B");
	free(h);
	h = size_human(1023);
	assert_string_equal(h, "1023 B");
	free(h);
	h = size_human(1024);
	assert_string_equal(h, "1.0 KiB");
	free(h);
	h = size_human(3435973837ULL); /* 3.2 GiB */
	assert_string_equal(h, "3.2 GiB");
	free(h);
	h = size_human(14383984ULL * 1024);
	assert_string_equal(h, "13.7 GiB");
	free(h);
	h = size_human((1ULL << 30) - 1); /* rounds up to the next unit */
	assert_string_equal(h, "1.0 GiB");
	free(h);
	h = size_human(UINT64_MAX);
	assert_string_equal(h, "16.0 EiB");
	free(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_version),
	    cmocka_unit_test(test_list),
	    cmocka_unit_test(test_list_empty_and_odd),
	    cmocka_unit_test(test_failure_kind),
	    cmocka_unit_test(test_iplink),
	    cmocka_unit_test(test_ipaddr_subnet),
	    cmocka_unit_test(test_ifconfig),
	    cmocka_unit_test(test_ps_procps),
	    cmocka_unit_test(test_ps_macos),
	    cmocka_unit_test(test_tasklist),
	    cmocka_unit_test(test_df_linux),
	    cmocka_unit_test(test_df_macos),
	    cmocka_unit_test(test_psdrive),
	    cmocka_unit_test(test_sizes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
