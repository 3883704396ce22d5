/*
 * test-guestparse.c: the "guest" probe's parsers on recorded outputs and
 * files (tests/data/guest/, see its README): cloud-init status in three
 * generations, resolv.conf and resolvectl, getent and nslookup (BusyBox's
 * and bind's), fstab, netplan / ifupdown / ifcfg / NetworkManager against
 * `ip -o link`, udev's persistent-net rules, and initramfs listings from
 * lsinitramfs and lsinitrd.
 */
#include "config.h"

#include "cmocka-prelude.h"

#include <stdlib.h>
#include <string.h>

#include "probe/guestparse.h"
#include "testutil.h"

/* ---- cloud-init ---------------------------------------------------------- */

static void
parse_ci(const char *fixture, struct guest_ci *ci)
{
	size_t len;
	char *text = fixture_read(fixture, &len);

	assert_int_equal(guest_ci_parse(text, len, ci), 0);
	free(text);
}

static void
test_ci_done_running(void **state)
{
	struct guest_ci ci;

	(void)state;
	parse_ci("guest/ci-done.txt", &ci);
	assert_int_equal(ci.state, GUEST_CI_DONE);
	assert_string_equal(ci.status, "done");
	assert_string_equal(ci.extended, "done");
	assert_string_equal(ci.boot_code, "enabled-by-generator");
	assert_string_equal(ci.detail, "DataSourceNoCloud [seed=/dev/sr0][dsmode=net]");
	assert_int_equal(ci.errors.n, 0);
	assert_int_equal(ci.recoverable.n, 0);
	guest_ci_free(&ci);

	parse_ci("guest/ci-running.txt", &ci);
	assert_int_equal(ci.state, GUEST_CI_RUNNING);
	assert_string_equal(guest_ci_state_name(ci.state), "running");
	assert_int_equal(ci.errors.n, 0);
	guest_ci_free(&ci);

	parse_ci("guest/ci-not-started.txt", &ci);
	assert_int_equal(ci.state, GUEST_CI_NOT_STARTED);
	guest_ci_free(&ci);

	parse_ci("guest/ci-disabled.txt", &ci);
	assert_int_equal(ci.state, GUEST_CI_DISABLED);
	assert_string_equal(ci.boot_code, "disabled-by-marker-file");
	guest_ci_free(&ci);
}

static void
test_ci_errors(void **state)
{
	struct guest_ci ci;

	(void)state;
	parse_ci("guest/ci-error.txt", &ci);
	assert_int_equal(ci.state, GUEST_CI_ERROR);
	assert_string_equal(ci.extended, "error - done");
	assert_int_equal(ci.errors.n, 2);
	assert_true(str_has_prefix(ci.errors.v[0], "('scripts_user', RuntimeError('Runparts"));
	assert_true(str_has_prefix(ci.errors.v[1], "('package_update_upgrade_install'"));
	assert_int_equal(ci.recoverable.n, 2);
	assert_true(
	    str_has_prefix(ci.recoverable.v[0], "WARNING: Failed to run module scripts_user"));
	guest_ci_free(&ci);

	/* Warnings only: still "done" (cloud-init 23.4 exits 2, distributions 0). */
	parse_ci("guest/ci-degraded.txt", &ci);
	assert_int_equal(ci.state, GUEST_CI_DONE);
	assert_string_equal(ci.extended, "degraded done");
	assert_int_equal(ci.errors.n, 0);
	assert_int_equal(ci.recoverable.n, 2);
	assert_true(str_has_prefix(ci.recoverable.v[0], "DEPRECATED: Deprecated cloud-config"));
	assert_string_equal(ci.recoverable.v[1], "WARNING: Failed to set locale en_US.UTF-8");
	guest_ci_free(&ci);
}

static void
test_ci_old_versions(void **state)
{
	struct guest_ci ci;

	(void)state;
	parse_ci("guest/ci-done-22.2.txt", &ci);
	assert_int_equal(ci.state, GUEST_CI_DONE);
	assert_null(ci.extended);
	assert_string_equal(ci.detail, "DataSourceNoCloud [seed=/dev/sr0][dsmode=net]");
	guest_ci_free(&ci);

	/* The 2020 layout: the error is the detail, on the line below. */
	parse_ci("guest/ci-error-20.2.txt", &ci);
	assert_int_equal(ci.state, GUEST_CI_ERROR);
	assert_int_equal(ci.errors.n, 0);
	assert_true(str_has_prefix(ci.detail, "('timezone', OSError('Invalid timezone"));
	guest_ci_free(&ci);
}

static void
test_ci_odd_input(void **state)
{
	struct guest_ci ci;
	static const char waited[] = "....\nstatus: done\r\n";
	static const char dots[] = "...status: running\n";

	(void)state;
	assert_int_equal(guest_ci_parse("", 0, &ci), -1);
	assert_null(ci.status);
	guest_ci_free(&ci);
	assert_int_equal(guest_ci_parse("usage: cloud-init [-h]\n", 23, &ci), -1);
	guest_ci_free(&ci);
	/* `status --wait` prints dots first. */
	assert_int_equal(guest_ci_parse(waited, strlen(waited), &ci), 0);
	assert_int_equal(ci.state, GUEST_CI_DONE);
	guest_ci_free(&ci);
	assert_int_equal(guest_ci_parse(dots, strlen(dots), &ci), 0);
	assert_int_equal(ci.state, GUEST_CI_RUNNING);
	guest_ci_free(&ci);
	assert_int_equal(guest_ci_parse("status: rebooting\n", 18, &ci), 0);
	assert_int_equal(ci.state, GUEST_CI_UNKNOWN);
	assert_string_equal(ci.status, "rebooting");
	guest_ci_free(&ci);
}

/* ---- DNS ---------------------------------------------------------------- */

static void
test_resolv(void **state)
{
	struct strlist ns = STRLIST_INIT;
	size_t len;
	char *text;

	(void)state;
	text = fixture_read("guest/resolv.conf.stub", &len);
	assert_int_equal(guest_resolv_parse(text, len, &ns), 1);
	lines_are(&ns, W("127.0.0.53"));
	assert_true(guest_is_resolved_stub(ns.v[0]));
	strlist_free(&ns);
	free(text);

	text = fixture_read("guest/resolv.conf.upstream", &len);
	assert_int_equal(guest_resolv_parse(text, len, &ns), 1);
	lines_are(&ns, W("10.97.0.1"));
	assert_false(guest_is_resolved_stub(ns.v[0]));
	strlist_free(&ns);
	free(text);

	text = fixture_read("guest/resolv.conf.static", &len);
	assert_int_equal(guest_resolv_parse(text, len, &ns), 3);
	lines_are(&ns, W("192.168.122.1", "10.0.0.2", "fe80::1%eth0"));
	strlist_free(&ns);
	free(text);

	text = fixture_read("guest/resolv.conf.empty", &len);
	assert_int_equal(guest_resolv_parse(text, len, &ns), 0);
	strlist_free(&ns);
	free(text);

	assert_true(guest_is_resolved_stub("127.0.0.54"));
	assert_false(guest_is_resolved_stub("127.0.0.1"));
}

static void
test_resolvectl(void **state)
{
	struct strlist servers = STRLIST_INIT, fallback = STRLIST_INIT;
	size_t len;
	char *text;

	(void)state;
	text = fixture_read("guest/resolvectl-status.txt", &len);
	assert_int_equal(guest_resolvectl_parse(text, len, &servers, &fallback), 2);
	lines_are(&servers, W("10.97.0.1", "fd42:97::1"));
	assert_int_equal(fallback.n, 0);
	strlist_free(&servers);
	free(text);

	text = fixture_read("guest/resolvectl-status-245.txt", &len);
	assert_int_equal(guest_resolvectl_parse(text, len, &servers, &fallback), 2);
	lines_are(&servers, W("192.168.122.1", "192.168.122.2"));
	/* The NTA list's continuation lines are not servers. */
	lines_are(&fallback, W("1.1.1.1", "8.8.8.8"));
	strlist_free(&servers);
	strlist_free(&fallback);
	free(text);

	text = fixture_read("guest/resolvectl-status-none.txt", &len);
	assert_int_equal(guest_resolvectl_parse(text, len, &servers, NULL), 0);
	assert_int_equal(servers.n, 0);
	free(text);
}

/* ---- name lookups ---------------------------------------------------------- */

static void
test_getent(void **state)
{
	struct strlist addrs = STRLIST_INIT, lines = STRLIST_INIT;
	size_t len;
	char *text;
	const char *several = "2001:db8::10    ubuntu.com\n"
	                      "2001:db8::11    ubuntu.com www.ubuntu.com\r\n"
	                      "203.0.113.10    ubuntu.com\n"
	                      "fe80::1%eth0    ubuntu.com\n"
	                      "\n"
	                      "ubuntu.com      not an address first\n"
	                      "cafe.be         a name made of hex digits\n"
	                      "10.0.0.1";

	(void)state;
	/* glibc's getent, through a DNS server: the IPv6 answer only, padded to 15. */
	text = fixture_read("guest/getent-hosts.txt", &len);
	assert_int_equal(guest_getent_parse(text, len, &addrs, &lines), 1);
	lines_are(&addrs, W("2001:db8::10"));
	lines_are(&lines, W("2001:db8::10    ubuntu.com"));
	strlist_free(&addrs);
	strlist_free(&lines);
	free(text);

	/* Several, aliases, CRLF, a zone, no last newline; what is not an address left out. */
	assert_int_equal(guest_getent_parse(several, strlen(several), &addrs, NULL), 5);
	lines_are(&addrs,
	          W("2001:db8::10", "2001:db8::11", "203.0.113.10", "fe80::1%eth0", "10.0.0.1"));
	strlist_free(&addrs);

	assert_int_equal(guest_getent_parse("", 0, &addrs, &lines), 0);
	assert_int_equal(addrs.n + lines.n, 0);
}

static void
test_nslookup(void **state)
{
	struct strlist addrs = STRLIST_INIT;
	size_t len;
	char *text;
	/* BusyBox before 1.28: "Address N: ADDRESS NAME", the server's own lines first. */
	const char *old_busybox = "Server:    10.0.0.53\n"
	                          "Address 1: 10.0.0.53 dns.lan\n"
	                          "\n"
	                          "Name:      ubuntu.com\n"
	                          "Address 1: 203.0.113.10 ubuntu.com\n"
	                          "Address 2: 2001:db8::10 ubuntu.com\n";
	/* Windows: "Addresses:" then more on indented lines. */
	const char *windows = "Server:  router.lan\r\n"
	                      "Address:  192.168.1.1\r\n"
	                      "\r\n"
	                      "Non-authoritative answer:\r\n"
	                      "Name:    ubuntu.com\r\n"
	                      "Addresses:  2001:db8::10\r\n"
	                      "          203.0.113.10\r\n"
	                      "\r\n";
	/* bind's "No answer" (exit 0): a name, no address. */
	const char *no_answer = "Server:\t\t127.0.0.53\nAddress:\t127.0.0.53#53\n\n"
	                        "Non-authoritative answer:\n*** Can't find ubuntu.com: No answer\n";

	(void)state;
	text = fixture_read("guest/nslookup-busybox-ok.txt", &len);
	assert_int_equal(guest_nslookup_parse(text, len, &addrs), 2);
	lines_are(&addrs, W("203.0.113.10", "2001:db8::10"));
	strlist_free(&addrs);
	free(text);

	text = fixture_read("guest/nslookup-bind-ok.txt", &len);
	assert_int_equal(guest_nslookup_parse(text, len, &addrs), 2);
	lines_are(&addrs, W("203.0.113.10", "2001:db8::10"));
	strlist_free(&addrs);
	free(text);

	/* Not found, or no server: only the server's own address, which is not an answer. */
	for (const char *const *f =
	         W("guest/nslookup-busybox-nxdomain.txt", "guest/nslookup-busybox-noserver.txt",
	           "guest/nslookup-bind-nxdomain.txt");
	     *f != NULL; f++) {
		text = fixture_read(*f, &len);
		assert_int_equal(guest_nslookup_parse(text, len, &addrs), 0);
		assert_int_equal(addrs.n, 0);
		free(text);
	}

	assert_int_equal(guest_nslookup_parse(old_busybox, strlen(old_busybox), &addrs), 2);
	lines_are(&addrs, W("203.0.113.10", "2001:db8::10"));
	strlist_free(&addrs);

	assert_int_equal(guest_nslookup_parse(windows, strlen(windows), &addrs), 2);
	lines_are(&addrs, W("2001:db8::10", "203.0.113.10"));
	strlist_free(&addrs);

	assert_int_equal(guest_nslookup_parse(no_answer, strlen(no_answer), &addrs), 0);
}

/* ---- fstab ---------------------------------------------------------------- */

static size_t
count_unstable(const struct guest_fstab_entry *e, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		k += e[i].unstable;
	return k;
}

static void
test_fstab(void **state)
{
	struct guest_fstab_entry *e = NULL;
	size_t len, n;
	char *text;

	(void)state;
	text = fixture_read("guest/fstab.vmware-rhel7", &len);
	n = guest_fstab_parse(text, len, &e);
	assert_int_equal(n, 4);
	assert_int_equal(count_unstable(e, n), 2);
	assert_false(e[0].unstable); /* /dev/mapper/rhel-root */
	assert_true(e[1].unstable);
	assert_int_equal(e[1].lineno, 10);
	assert_string_equal(e[1].spec, "/dev/sda1");
	assert_string_equal(e[1].file, "/boot");
	assert_string_equal(e[1].type, "xfs");
	assert_string_equal(e[3].line, "/dev/sdb1\t\t/data\t\t\text4\tdefaults,nofail\t0 2");
	guest_fstab_free(e, n);
	free(text);

	text = fixture_read("guest/fstab.ubuntu-cloud", &len);
	n = guest_fstab_parse(text, len, &e);
	assert_int_equal(n, 2);
	assert_int_equal(count_unstable(e, n), 0);
	guest_fstab_free(e, n);
	free(text);

	/* UUID=, PARTUUID=, tmpfs and /dev/sr0 are all fine; comments naming /dev/sda are not
	 * entries. */
	text = fixture_read("guest/fstab.uuid", &len);
	n = guest_fstab_parse(text, len, &e);
	assert_int_equal(n, 5);
	assert_int_equal(count_unstable(e, n), 0);
	guest_fstab_free(e, n);
	free(text);

	text = fixture_read("guest/fstab.by-path", &len);
	n = guest_fstab_parse(text, len, &e);
	assert_int_equal(n, 3);
	assert_int_equal(count_unstable(e, n), 2);
	assert_false(e[2].unstable); /* by-uuid */
	guest_fstab_free(e, n);
	free(text);

	text = fixture_read("guest/fstab.xen", &len);
	n = guest_fstab_parse(text, len, &e);
	assert_int_equal(count_unstable(e, n), 3);
	guest_fstab_free(e, n);
	free(text);

	assert_int_equal(guest_fstab_parse("", 0, &e), 0);
	assert_null(e);
	assert_false(guest_fstab_spec_unstable("/dev/sd"));
	assert_false(guest_fstab_spec_unstable("/dev/vda1"));
	assert_false(guest_fstab_spec_unstable("/dev/disk/by-label/root"));
	assert_true(guest_fstab_spec_unstable("/dev/hdb"));
}

/* ---- interface names -------------------------------------------------------- */

static void
parse_netplan(const char *fixture, struct guest_iface_refs *refs)
{
	size_t len;
	char *text = fixture_read(fixture, &len), *err = NULL;

	if (guest_netplan_parse(text, len, fixture, refs, &err) != 0)
		fail_msg("%s: %s", fixture, err);
	free(text);
}

static void
test_netplan(void **state)
{
	struct guest_iface_refs refs = {NULL, 0};
	size_t len;
	char *text, *err = NULL;

	(void)state;
	/* Multipass: the ID "default" is no name; only the MAC matches. */
	parse_netplan("guest/netplan-multipass.yaml", &refs);
	assert_int_equal(refs.n, 1);
	assert_null(refs.v[0].name);
	assert_string_equal(refs.v[0].mac, "52:54:00:2e:15:84");
	assert_int_equal(refs.v[0].lineno, 8);
	guest_iface_refs_free(&refs);

	parse_netplan("guest/netplan-vmware.yaml", &refs);
	assert_int_equal(refs.n, 2);
	assert_string_equal(refs.v[0].name, "ens33");
	assert_string_equal(refs.v[1].name, "ens34");
	assert_false(refs.v[0].glob);
	guest_iface_refs_free(&refs);

	/* A glob, a MAC with set-name, and a match by driver alone (nothing to compare). */
	parse_netplan("guest/netplan-match.yaml", &refs);
	assert_int_equal(refs.n, 2);
	assert_string_equal(refs.v[0].name, "en*");
	assert_true(refs.v[0].glob);
	assert_string_equal(refs.v[1].name, "wan0");
	assert_string_equal(refs.v[1].mac, "00:50:56:8a:12:34");
	guest_iface_refs_free(&refs);

	text = fixture_read("guest/netplan-broken.yaml", &len);
	assert_int_equal(guest_netplan_parse(text, len, "/etc/netplan/x.yaml", &refs, &err), -1);
	assert_non_null(strstr(err, "/etc/netplan/x.yaml:"));
	free(err);
	free(text);

	assert_int_equal(guest_netplan_parse("", 0, "e.yaml", &refs, &err), 0);
	assert_int_equal(refs.n, 0);
	assert_int_equal(guest_netplan_parse("- a\n", 4, "e.yaml", &refs, &err), -1);
	free(err);
}

static void
test_ifupdown_ifcfg_nm(void **state)
{
	struct guest_iface_refs refs = {NULL, 0};
	size_t len;
	char *text;

	(void)state;
	text = fixture_read("guest/interfaces.debian", &len);
	guest_ifupdown_parse(text, len, "/etc/network/interfaces", &refs);
	/* lo left out; eth0 once; eth1:0 is eth1; the bridge and its ports. */
	assert_int_equal(refs.n, 5);
	assert_string_equal(refs.v[0].name, "eth0");
	assert_int_equal(refs.v[0].lineno, 11);
	assert_string_equal(refs.v[1].name, "eth1");
	assert_string_equal(refs.v[2].name, "br0");
	assert_string_equal(refs.v[3].name, "eth2");
	assert_string_equal(refs.v[4].name, "eth3");
	guest_iface_refs_free(&refs);
	free(text);

	text = fixture_read("guest/ifcfg-eth0", &len);
	guest_ifcfg_parse(text, len, "/etc/sysconfig/network-scripts/ifcfg-eth0", &refs);
	free(text);
	text = fixture_read("guest/ifcfg-ens192", &len);
	guest_ifcfg_parse(text, len, "/etc/sysconfig/network-scripts/ifcfg-ens192", &refs);
	free(text);
	text = fixture_read("guest/ifcfg-lo", &len);
	guest_ifcfg_parse(text, len, "/etc/sysconfig/network-scripts/ifcfg-lo", &refs);
	free(text);
	assert_int_equal(refs.n, 2);
	assert_string_equal(refs.v[0].name, "eth0");
	assert_string_equal(refs.v[0].mac, "00:50:56:8a:12:34");
	assert_int_equal(refs.v[0].lineno, 10);
	assert_string_equal(refs.v[1].name, "ens192"); /* from the file name */
	assert_null(refs.v[1].mac);
	guest_iface_refs_free(&refs);

	text = fixture_read("guest/ens192.nmconnection", &len);
	guest_nmconn_parse(text, len, "/etc/NetworkManager/system-connections/ens192.nmconnection",
	                   &refs);
	assert_int_equal(refs.n, 1);
	assert_string_equal(refs.v[0].name, "ens192");
	assert_string_equal(refs.v[0].mac, "00:50:56:a1:b2:c3");
	assert_int_equal(refs.v[0].lineno, 6);
	guest_iface_refs_free(&refs);
	free(text);
}

static void
test_ip_link(void **state)
{
	struct guest_link *l = NULL;
	struct guest_iface_ref ref;
	char enp0s3[] = "enp0s3", eth0[] = "eth0", en_glob[] = "en*", eth_glob[] = "eth*";
	char mac_ok[] = "52:54:00:2e:15:84", mac_old[] = "00:50:56:8a:12:34";
	size_t len, n;
	char *text;

	(void)state;
	text = fixture_read("guest/ip-link-multipass.txt", &len);
	n = guest_ip_link_parse(text, len, &l);
	assert_int_equal(n, 4);
	assert_string_equal(l[0].name, "lo");
	assert_null(l[0].mac);
	assert_string_equal(l[1].name, "ens3");
	assert_int_equal(l[1].index, 2);
	assert_string_equal(l[1].mac, "52:54:00:2e:15:84");
	lines_are(&l[1].altnames, W("enp0s3"));
	assert_string_equal(l[3].name, "veth1a2b3c4");

	memset(&ref, 0, sizeof ref);
	ref.name = enp0s3; /* an altname counts */
	assert_true(guest_iface_ref_found(&ref, l, n));
	ref.name = eth0;
	assert_false(guest_iface_ref_found(&ref, l, n));
	ref.name = en_glob;
	ref.glob = true;
	assert_true(guest_iface_ref_found(&ref, l, n));
	ref.name = eth_glob;
	assert_false(guest_iface_ref_found(&ref, l, n));
	ref.name = NULL;
	ref.glob = false;
	ref.mac = mac_ok;
	assert_true(guest_iface_ref_found(&ref, l, n));
	ref.mac = mac_old;
	assert_false(guest_iface_ref_found(&ref, l, n));
	guest_links_free(l, n);
	free(text);

	assert_int_equal(guest_ip_link_parse("garbage\n: x\n", 12, &l), 0);
	guest_links_free(l, 0);
}

/* ---- udev -------------------------------------------------------------------- */

static void
test_udev(void **state)
{
	struct guest_udev_rule *u = NULL;
	size_t len, n;
	char *text;

	(void)state;
	text = fixture_read("guest/70-persistent-net.rules", &len);
	n = guest_udev_parse(text, len, &u);
	assert_int_equal(n, 2);
	assert_int_equal(u[0].lineno, 8);
	assert_string_equal(u[0].mac, "00:50:56:8a:12:34");
	assert_string_equal(u[0].name, "eth0");
	assert_string_equal(u[1].mac, "00:50:56:8a:56:78");
	assert_string_equal(u[1].name, "eth1");
	assert_true(str_has_prefix(u[1].line, "SUBSYSTEM==\"net\""));
	guest_udev_free(u, n);
	free(text);

	text = fixture_read("guest/70-persistent-net.rules.empty", &len);
	assert_int_equal(guest_udev_parse(text, len, &u), 0);
	guest_udev_free(u, 0);
	free(text);
}

/* ---- initramfs --------------------------------------------------------------- */

static unsigned
scan_fixture(const char *fixture)
{
	size_t len;
	char *text = fixture_read(fixture, &len);
	unsigned mask = guest_virtio_scan(text, len);

	free(text);
	return mask;
}

static void
test_virtio_scan(void **state)
{
	unsigned ubuntu, builtin;
	char *names;

	(void)state;
	/* Ubuntu: the initramfs holds virtio_scsi only; the rest is built into the kernel. */
	ubuntu = scan_fixture("guest/lsinitramfs-ubuntu.txt");
	assert_int_equal(ubuntu, GUEST_VIRTIO_SCSI);
	assert_false(guest_virtio_enough(ubuntu));
	builtin = scan_fixture("guest/modules.builtin-ubuntu");
	assert_int_equal(builtin, GUEST_VIRTIO_BLK | GUEST_VIRTIO_PCI | GUEST_VIRTIO_NET);
	assert_true(guest_virtio_enough(ubuntu | builtin));

	/* RHEL made on VMware with --hostonly: nothing, and nothing built in. */
	assert_int_equal(scan_fixture("guest/lsinitrd-vmware.txt"), 0);
	assert_int_equal(scan_fixture("guest/modules.builtin-rhel9"), 0);
	/* "--add-drivers 'virtio_blk ...'" in the header is no file: only the .ko.xz lines count.
	 */
	assert_int_equal(scan_fixture("guest/lsinitrd-virtio.txt"),
	                 GUEST_VIRTIO_BLK | GUEST_VIRTIO_SCSI | GUEST_VIRTIO_PCI |
	                     GUEST_VIRTIO_NET);

	assert_int_equal(
	    guest_virtio_scan("virtio_blk\nvirtio_blkx.ko\nvirtio_pci_modern_dev.ko\n", 51), 0);
	assert_int_equal(guest_virtio_scan("a/virtio_pci.ko.zst", 19), GUEST_VIRTIO_PCI);
	assert_int_equal(guest_virtio_scan("virtio_blk.ko.gz", 16), GUEST_VIRTIO_BLK);

	names = guest_virtio_names(GUEST_VIRTIO_BLK | GUEST_VIRTIO_PCI);
	assert_string_equal(names, "virtio_blk, virtio_pci");
	free(names);
	names = guest_virtio_names(0);
	assert_string_equal(names, "none");
	free(names);
	assert_true(guest_virtio_enough(GUEST_VIRTIO_SCSI | GUEST_VIRTIO_PCI));
	assert_false(guest_virtio_enough(GUEST_VIRTIO_BLK | GUEST_VIRTIO_SCSI));
}

static void
test_boot_initramfs(void **state)
{
	size_t len;
	char *text, *version = NULL, *file;

	(void)state;
	text = fixture_read("guest/boot-ubuntu.txt", &len);
	/* 105 is newer than 91, though it sorts first as text. */
	file = guest_boot_initramfs(text, len, NULL, &version);
	assert_string_equal(file, "initrd.img-5.15.0-105-generic");
	assert_string_equal(version, "5.15.0-105-generic");
	free(file);
	free(version);
	file = guest_boot_initramfs(text, len, "5.15.0-91-generic", NULL);
	assert_string_equal(file, "initrd.img-5.15.0-91-generic");
	free(file);
	assert_null(guest_boot_initramfs(text, len, "6.8.0-31-generic", NULL));
	free(text);

	/* Rescue and kdump images are never the newest. */
	text = fixture_read("guest/boot-rhel9.txt", &len);
	file = guest_boot_initramfs(text, len, NULL, &version);
	assert_string_equal(file, "initramfs-5.14.0-362.8.1.el9_3.x86_64.img");
	assert_string_equal(version, "5.14.0-362.8.1.el9_3.x86_64");
	free(file);
	free(version);
	free(text);

	assert_null(guest_boot_initramfs("grub\nefi\n", 9, NULL, &version));
	assert_null(version);
}

static void
expect_link(const char *link, const char *target, const char *want)
{
	char *got = guest_link_target(link, target);

	if (strcmp(got, want) != 0)
		fail_msg("%s -> %s: %s, wanted %s", link, target, got, want);
	free(got);
}

static void
test_link_target(void **state)
{
	(void)state;
	/* Ubuntu's resolv.conf and cloud-init's instance link, as a mounted disk has them. */
	expect_link("/etc/resolv.conf", "../run/systemd/resolve/stub-resolv.conf",
	            "/run/systemd/resolve/stub-resolv.conf");
	expect_link("/var/lib/cloud/instance", "/var/lib/cloud/instances/i-0a1b2c",
	            "/var/lib/cloud/instances/i-0a1b2c");
	/* Never above the guest's /. */
	expect_link("/etc/x", "../../../../etc/passwd", "/etc/passwd");
	expect_link("/etc/x", "./y//z/.", "/etc/y/z");
	expect_link("/x", "..", "/");
}

static void
test_version_cmp(void **state)
{
	(void)state;
	assert_true(guest_version_cmp("5.15.0-105-generic", "5.15.0-91-generic") > 0);
	assert_true(guest_version_cmp("5.4.0", "5.15.0") < 0);
	assert_true(guest_version_cmp("6.1.0", "6.1.0") == 0);
	assert_true(guest_version_cmp("5.14.0-070", "5.14.0-70") == 0);
	assert_true(guest_version_cmp("4.18.0-553.el8", "5.14.0-70.el9") < 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ci_done_running),
	    cmocka_unit_test(test_ci_errors),
	    cmocka_unit_test(test_ci_old_versions),
	    cmocka_unit_test(test_ci_odd_input),
	    cmocka_unit_test(test_resolv),
	    cmocka_unit_test(test_resolvectl),
	    cmocka_unit_test(test_getent),
	    cmocka_unit_test(test_nslookup),
	    cmocka_unit_test(test_fstab),
	    cmocka_unit_test(test_netplan),
	    cmocka_unit_test(test_ifupdown_ifcfg_nm),
	    cmocka_unit_test(test_ip_link),
	    cmocka_unit_test(test_udev),
	    cmocka_unit_test(test_virtio_scan),
	    cmocka_unit_test(test_boot_initramfs),
	    cmocka_unit_test(test_link_target),
	    cmocka_unit_test(test_version_cmp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
