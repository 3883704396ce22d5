/*
 * test-platform.c: where things live, per platform. The table must give the
 * paths the launch/start document and Multipass's own documentation name,
 * for every OS Multipass runs on, and nothing for others; vmtriage's state
 * directory follows XDG_STATE_HOME.
 */
#include "config.h"

#include "cmocka-prelude.h"

#include <stdlib.h>
#include <string.h>

#include "platform/paths.h"
#include "util/util.h"

static bool
list_has(const char *const *v, const char *want)
{
	for (; v != NULL && *v != NULL; v++) {
		if (strcmp(*v, want) == 0)
			return true;
	}
	return false;
}

static void
test_linux(void **state)
{
	const struct platform_info *pi = platform_info("linux");

	(void)state;
	assert_non_null(pi);
	assert_string_equal(pi->os, "linux");
	assert_string_equal(pi->network_cache,
	                    "/var/snap/multipass/common/cache/multipassd/network-cache");
	assert_string_equal(pi->leases_file,
	                    "/var/snap/multipass/common/data/multipassd/network/dnsmasq.leases");
	/* The document's image location, and the snap's. */
	assert_true(list_has(pi->instances_dirs, "/root/.local/share/multipassd/vault/instances"));
	assert_true(list_has(pi->instances_dirs,
	                     "/var/snap/multipass/common/data/multipassd/vault/instances"));
	assert_string_equal(pi->bin_dir, "/snap/bin");
	assert_string_equal(pi->bridge, "mpqemubr0");
	assert_string_equal(pi->bridge_prefix, "mpqemubr");
	assert_null(pi->log_file);
	assert_non_null(pi->log_command);
	assert_string_equal(pi->log_command[0], "journalctl");
	assert_string_equal(pi->dhcp_process, "dnsmasq");
	assert_null(pi->hosts_ics);
	assert_non_null(strstr(pi->log_level_howto, "--verbosity debug"));
}

static void
test_darwin(void **state)
{
	const struct platform_info *pi = platform_info("darwin");

	(void)state;
	assert_non_null(pi);
	assert_string_equal(pi->log_file, "/Library/Logs/Multipass/multipassd.log");
	assert_null(pi->log_command);
	assert_string_equal(pi->leases_file, "/var/db/dhcpd_leases");
	assert_string_equal(pi->bridge, "bridge100");
	assert_string_equal(pi->dhcp_process, "bootpd");
	assert_string_equal(pi->bin_dir,
	                    "/Library/Application Support/com.canonical.multipass/bin");
	assert_string_equal(pi->qemu_img,
	                    "/Library/Application Support/com.canonical.multipass/bin/qemu-img");
	assert_true(
	    list_has(pi->instances_dirs,
	             "/var/root/Library/Application Support/multipassd/qemu/vault/instances"));
	assert_string_equal(
	    pi->network_cache,
	    "/System/Volumes/Data/private/var/root/Library/Caches/multipassd/network-cache");
}

static void
test_windows(void **state)
{
	const struct platform_info *pi = platform_info("windows");

	(void)state;
	assert_non_null(pi);
	assert_string_equal(pi->hosts_ics, "C:\\WINDOWS\\System32\\drivers\\etc\\hosts.ics");
	assert_true(
	    list_has(pi->instances_dirs, "C:\\ProgramData\\Multipass\\data\\vault\\instances"));
	assert_string_equal(pi->bin_dir, "C:\\Program Files\\Multipass\\bin");
	assert_string_equal(pi->network_cache, "C:\\ProgramData\\Multipass\\cache\\network-cache");
	assert_null(pi->leases_file);
	assert_null(pi->bridge);
	assert_non_null(pi->log_command);
	assert_non_null(strstr(pi->log_command[4], "ProviderName='Multipass'"));
}

static void
test_unknown(void **state)
{
	(void)state;
	assert_null(platform_info("freebsd"));
	assert_null(platform_info(NULL));
	assert_null(platform_multipass_ssh_key("plan9"));
	assert_string_equal(platform_multipass_ssh_key("linux"), platform_info("linux")->ssh_key);
}

static void
test_state_dir(void **state)
{
	char *d;

	(void)state;
	setenv("XDG_STATE_HOME", "/x/state", 1);
	d = platform_state_dir();
	assert_string_equal(d, "/x/state/vmtriage");
	free(d);
	/* A relative XDG_STATE_HOME is ignored, as the spec says. */
	setenv("XDG_STATE_HOME", "rel", 1);
	setenv("HOME", "/home/u", 1);
	d = platform_state_dir();
	assert_string_equal(d, "/home/u/.local/state/vmtriage");
	free(d);
	unsetenv("XDG_STATE_HOME");
	setenv("HOME", "", 1);
	assert_null(platform_state_dir());
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_linux),     cmocka_unit_test(test_darwin),
	    cmocka_unit_test(test_windows),   cmocka_unit_test(test_unknown),
	    cmocka_unit_test(test_state_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
