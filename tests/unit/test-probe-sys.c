/*
 * test-probe-sys.c: the multipass, process and disk_space probes end to
 * end. Each outcome is reached on snapshot hosts (Linux, macOS, Windows)
 * built here from the recordings in tests/data/sys, and the probes also run
 * for real on this machine: Multipass is not installed here, a sleeping
 * child is found and then missed after it is killed, and a temporary
 * directory has room for a kibibyte but not for 999 pebibytes.
 */
#include "config.h"

#include "cmocka-prelude.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/host.h"
#include "host/snapshot.h"
#include "probe/probe.h"
#include "testutil.h"

#define NOW 1727000000

#define MP_VERSION W("multipass", "version")
#define MP_LIST W("multipass", "list", "--format", "yaml")
#define MP_DRIVER W("multipass", "get", "local.driver")
#define IP_LINK W("ip", "-o", "link", "show")
#define IFCONFIG W("ifconfig", "-l")
#define PS W("ps", "-A", "-ww", "-o", "pid=,user=,args=")
#define TASKLIST W("tasklist", "/fo", "csv", "/nh")
#define DF W("df", "-Pk")

/* A command that ran, its outputs read from fixtures under tests/data (NULL: empty). */
static void
add_run(struct snapshot *s, const char *const *argv, int code, const char *out_fixture,
        const char *err_fixture)
{
	size_t ol = 0, el = 0;
	char *out = out_fixture != NULL ? fixture_read(out_fixture, &ol) : xstrdup("");
	char *err = err_fixture != NULL ? fixture_read(err_fixture, &el) : xstrdup("");

	snapshot_add_command(s, argv, HOST_OK, code, out, ol, err, el);
	free(out);
	free(err);
}

/* A command as given text, or one that could not run (status not HOST_OK). */
static void
add_text(struct snapshot *s, const char *const *argv, enum host_status st, int code,
         const char *out, const char *err)
{
	snapshot_add_command(s, argv, st, code, out, strlen(out), err, strlen(err));
}

/* Runs probe on s with name, value pairs (NULL-terminated). */
#define RUN_ON(s, r, ...)                                                                          \
	do {                                                                                       \
		struct host *h_ = host_snapshot(s);                                                \
		run_probe_on(h_, (r), __VA_ARGS__, NULL);                                          \
		host_close(h_);                                                                    \
	} while (0)

static void
expect_fact(const struct probe_result *r, const char *key, const char *want)
{
	const char *got = result_fact(r, key);

	if (want == NULL && got != NULL)
		fail_msg("fact %s is '%s', expected none", key, got);
	if (want != NULL && (got == NULL || strcmp(got, want) != 0))
		fail_msg("fact %s is '%s', expected '%s'", key, got != NULL ? got : "(none)", want);
}

static void
expect_outcome(const struct probe_result *r, const char *want)
{
	if (strcmp(r->outcome, want) != 0) {
		for (size_t i = 0; i < r->evidence.n; i++)
			print_message("# evidence: %s\n", r->evidence.v[i]);
		fail_msg("outcome %s (%s), expected %s", r->outcome,
		         r->summary != NULL ? r->summary : "", want);
	}
	assert_non_null(r->summary);
}

/* ---- multipass ---------------------------------------------------------- */

/* Linux with the daemon up, the list from list_fixture, and the bridge from ip_fixture. */
static struct snapshot *
linux_up(const char *list_fixture, const char *ip_fixture)
{
	struct snapshot *s = snapshot_new("linux", "x86_64", NOW);

	add_run(s, MP_VERSION, 0, "sys/multipass-version.txt", NULL);
	add_run(s, MP_LIST, 0, list_fixture, NULL);
	add_run(s, MP_DRIVER, 0, "sys/multipass-get-driver.txt", NULL);
	add_run(s, IP_LINK, 0, ip_fixture, NULL);
	return s;
}

static void
test_multipass_ok(void **state)
{
	struct snapshot *s = linux_up("sys/multipass-list.yaml", "sys/ip-link-mpqemubr0.txt");
	struct probe_result r;

	(void)state;
	RUN_ON(s, &r, "multipass");
	expect_outcome(&r, "ok");
	expect_fact(&r, "os", "linux");
	expect_fact(&r, "driver", "qemu");
	expect_fact(&r, "multipass.version", "1.14.1");
	expect_fact(&r, "multipassd.version", "1.14.1");
	expect_fact(&r, "multipass.instances", "5");
	expect_fact(&r, "instance.primary.state", "Running");
	expect_fact(&r, "instance.primary.ipv4", "10.97.0.23");
	expect_fact(&r, "instance.builder.state", "Stopped");
	expect_fact(&r, "instance.builder.ipv4", NULL);
	expect_fact(&r, "instance.legacy.state", "Unknown");
	expect_fact(&r, "instance.worker-1.state", "Delayed Shutdown");
	expect_fact(&r, "instance.state", NULL);
	expect_fact(&r, "bridge", "mpqemubr0");
	assert_true(lines_have_exact(&r.evidence, "multipass version: multipassd  1.14.1"));
	assert_true(lines_have_exact(
	    &r.evidence, "multipass list: primary: Running, 10.97.0.23, Ubuntu 24.04.1 LTS"));
	assert_true(lines_have(&r.evidence, "bridge: 5: mpqemubr0: <BROADCAST"));
	assert_true(lines_have(&r.evidence, "multipass get local.driver: qemu"));
	assert_non_null(strstr(r.summary, "5 instance"));
	probe_result_free(&r);
	snapshot_free(s);

	/* Newer versions: a bridge per zone, found by its prefix. */
	s = linux_up("sys/multipass-list-empty.yaml", "sys/ip-link-zones.txt");
	RUN_ON(s, &r, "multipass");
	expect_outcome(&r, "ok");
	expect_fact(&r, "multipass.instances", "0");
	expect_fact(&r, "bridge", "mpqemubrzone1");
	assert_true(lines_have(&r.evidence, "bridge: 4: mpqemubrzone2"));
	probe_result_free(&r);
	RUN_ON(s, &r, "multipass", "name", "primary");
	expect_outcome(&r, "instance_missing");
	assert_true(lines_have(&r.evidence, "no instances at all"));
	probe_result_free(&r);
	snapshot_free(s);

	/* No bridge at all is said, not guessed. */
	s = linux_up("sys/multipass-list.yaml", "sys/ip-link-none.txt");
	RUN_ON(s, &r, "multipass");
	expect_outcome(&r, "ok");
	expect_fact(&r, "bridge", NULL);
	assert_true(lines_have(&r.evidence, "no interface named mpqemubr..."));
	probe_result_free(&r);
	snapshot_free(s);
}

static void
test_multipass_instance_states(void **state)
{
	static const struct {
		const char *name, *outcome, *st, *ipv4;
	} cases[] = {
	    {"primary", "running", "Running", "10.97.0.23"},
	    {"builder", "stopped", "Stopped", NULL},
	    {"legacy", "unknown", "Unknown", NULL},
	    {"sleepy", "other_state", "Suspended", NULL},
	    {"worker-1", "other_state", "Delayed Shutdown", "10.97.0.41"},
	};
	struct snapshot *s = linux_up("sys/multipass-list.yaml", "sys/ip-link-mpqemubr0.txt");
	struct probe_result r;

	(void)state;
	for (size_t i = 0; i < nitems(cases); i++) {
		RUN_ON(s, &r, "multipass", "name", cases[i].name);
		expect_outcome(&r, cases[i].outcome);
		expect_fact(&r, "instance.state", cases[i].st);
		expect_fact(&r, "instance.ipv4", cases[i].ipv4);
		/* The whole list is still there for a flow to use. */
		expect_fact(&r, "instance.primary.state", "Running");
		assert_non_null(strstr(r.summary, cases[i].name));
		probe_result_free(&r);
	}

	RUN_ON(s, &r, "multipass", "name", "primry");
	expect_outcome(&r, "instance_missing");
	assert_non_null(strstr(r.summary, "'primry'"));
	assert_true(
	    lines_have(&r.evidence, "5 instance(s): builder, legacy, primary, sleepy, worker-1"));
	probe_result_free(&r);

	RUN_ON(s, &r, "multipass", "name", "-rf");
	expect_outcome(&r, OUTCOME_ERROR);
	probe_result_free(&r);
	snapshot_free(s);
}

static void
test_multipass_not_installed(void **state)
{
	struct snapshot *s = snapshot_new("linux", "x86_64", NOW);
	struct probe_result r;

	(void)state;
	add_text(s, MP_VERSION, HOST_NO_SUCH, -1, "", "");
	add_text(s, W("/snap/bin/multipass", "version"), HOST_NO_SUCH, -1, "", "");
	RUN_ON(s, &r, "multipass");
	expect_outcome(&r, "not_installed");
	expect_fact(&r, "os", "linux");
	expect_fact(&r, "multipass.version", NULL);
	assert_true(lines_have(&r.evidence, "'multipass' was not found"));
	assert_true(lines_have(&r.evidence, "'/snap/bin/multipass' was not found"));
	probe_result_free(&r);
	RUN_ON(s, &r, "multipass", "name", "primary");
	expect_outcome(&r, "not_installed");
	probe_result_free(&r);
	snapshot_free(s);

	/* Not in PATH (sudo's, launchd's), but where the installer puts it. */
	s = snapshot_new("darwin", "arm64", NOW);
	add_text(s, MP_VERSION, HOST_NO_SUCH, -1, "", "");
	add_run(s,
	        W("/Library/Application Support/com.canonical.multipass/bin/multipass", "version"),
	        0, "sys/multipass-version-update.txt", NULL);
	add_run(s,
	        W("/Library/Application Support/com.canonical.multipass/bin/multipass", "list",
	          "--format", "yaml"),
	        0, "sys/multipass-list-darwin.yaml", NULL);
	add_run(s, IFCONFIG, 0, "sys/ifconfig-l.txt", NULL);
	RUN_ON(s, &r, "multipass", "name", "web");
	expect_outcome(&r, "running");
	expect_fact(&r, "multipass.version", "1.13.1+mac");
	expect_fact(&r, "instance.ipv4", "192.168.64.7");
	/* get local.driver was not collected: said, and no driver guessed. */
	expect_fact(&r, "driver", NULL);
	assert_true(lines_have(&r.evidence, "multipass get local.driver: the snapshot holds no"));
	probe_result_free(&r);
	snapshot_free(s);
}

static void
test_multipass_daemon_down(void **state)
{
	struct snapshot *s = snapshot_new("linux", "x86_64", NOW);
	struct probe_result r;

	(void)state;
	add_run(s, MP_VERSION, 0, "sys/multipass-version-nodaemon.txt", NULL);
	add_run(s, MP_LIST, 2, NULL, "sys/multipass-list-nodaemon.err");
	add_run(s, IP_LINK, 0, "sys/ip-link-none.txt", NULL);
	RUN_ON(s, &r, "multipass");
	expect_outcome(&r, "daemon_down");
	expect_fact(&r, "multipass.version", "1.14.1");
	expect_fact(&r, "multipassd.version", NULL);
	expect_fact(&r, "multipass.instances", NULL);
	assert_true(lines_have(&r.evidence, "no multipassd line"));
	assert_true(lines_have_exact(
	    &r.evidence, "multipass list: list failed: cannot connect to the multipass socket"));
	probe_result_free(&r);
	RUN_ON(s, &r, "multipass", "name", "primary");
	expect_outcome(&r, "daemon_down");
	probe_result_free(&r);
	snapshot_free(s);

	/* A daemon that hangs: the client does not answer in time. */
	s = snapshot_new("linux", "x86_64", NOW);
	add_text(s, MP_VERSION, HOST_TIMEOUT, -1, "", "");
	RUN_ON(s, &r, "multipass");
	expect_outcome(&r, "daemon_down");
	assert_non_null(strstr(r.summary, "did not answer"));
	probe_result_free(&r);
	snapshot_free(s);

	/* Up again by the time the list was asked for. */
	s = snapshot_new("linux", "x86_64", NOW);
	add_run(s, MP_VERSION, 0, "sys/multipass-version-nodaemon.txt", NULL);
	add_run(s, MP_LIST, 0, "sys/multipass-list.yaml", NULL);
	add_run(s, MP_DRIVER, 0, "sys/multipass-get-driver.txt", NULL);
	add_run(s, IP_LINK, 0, "sys/ip-link-mpqemubr0.txt", NULL);
	RUN_ON(s, &r, "multipass", "name", "legacy");
	expect_outcome(&r, "unknown");
	assert_true(lines_have(&r.evidence, "the daemon is up now"));
	probe_result_free(&r);
	snapshot_free(s);
}

static void
test_multipass_denied(void **state)
{
	static const char *const errs[] = {"sys/multipass-list-denied.err",
	                                   "sys/multipass-list-unauthenticated.err"};
	struct probe_result r;

	(void)state;
	for (size_t i = 0; i < nitems(errs); i++) {
		struct snapshot *s = snapshot_new("linux", "x86_64", NOW);

		add_run(s, MP_VERSION, 0, "sys/multipass-version-nodaemon.txt", NULL);
		add_run(s, MP_LIST, 2, NULL, errs[i]);
		add_run(s, IP_LINK, 0, "sys/ip-link-mpqemubr0.txt", NULL);
		RUN_ON(s, &r, "multipass", "name", "primary");
		expect_outcome(&r, "denied");
		assert_non_null(strstr(r.summary, "sudo"));
		probe_result_free(&r);
		snapshot_free(s);
	}

	/* The client itself may not be run. */
	{
		struct snapshot *s = snapshot_new("linux", "x86_64", NOW);

		add_text(s, MP_VERSION, HOST_DENIED, -1, "", "");
		RUN_ON(s, &r, "multipass");
		expect_outcome(&r, "denied");
		probe_result_free(&r);
		snapshot_free(s);
	}
}

static void
test_multipass_windows_and_errors(void **state)
{
	struct snapshot *s = snapshot_new("windows", "x86_64", NOW);
	struct probe_result r;

	(void)state;
	add_run(s, MP_VERSION, 0, "sys/multipass-version-windows.txt", NULL);
	add_run(s, MP_LIST, 0, "sys/multipass-list-darwin.yaml", NULL);
	add_run(s, MP_DRIVER, 0, "sys/multipass-get-driver-windows.txt", NULL);
	RUN_ON(s, &r, "multipass", "name", "primary");
	expect_outcome(&r, "unknown");
	expect_fact(&r, "os", "windows");
	expect_fact(&r, "driver", "hyperv");
	expect_fact(&r, "multipassd.version", "1.14.1+win");
	/* Hyper-V's switch is not looked for: no bridge, and no command asked. */
	expect_fact(&r, "bridge", NULL);
	probe_result_free(&r);
	snapshot_free(s);

	/* A snapshot that holds nothing of Multipass says so. */
	s = snapshot_new("linux", "x86_64", NOW);
	RUN_ON(s, &r, "multipass");
	expect_outcome(&r, OUTCOME_ERROR);
	assert_non_null(strstr(r.summary, "the snapshot holds no output of 'multipass version'"));
	probe_result_free(&r);
	snapshot_free(s);

	/* A list that is not YAML: no instance can be judged; the daemon still answers. */
	s = snapshot_new("linux", "x86_64", NOW);
	add_run(s, MP_VERSION, 0, "sys/multipass-version.txt", NULL);
	add_text(s, MP_LIST, HOST_OK, 0, "primary: [Running\n", "");
	add_run(s, MP_DRIVER, 0, "sys/multipass-get-driver.txt", NULL);
	add_run(s, IP_LINK, 0, "sys/ip-link-mpqemubr0.txt", NULL);
	RUN_ON(s, &r, "multipass");
	expect_outcome(&r, "ok");
	assert_non_null(strstr(r.summary, "could not be listed"));
	expect_fact(&r, "multipass.instances", NULL);
	probe_result_free(&r);
	RUN_ON(s, &r, "multipass", "name", "primary");
	expect_outcome(&r, OUTCOME_ERROR);
	assert_non_null(strstr(r.summary, "not understood"));
	probe_result_free(&r);
	snapshot_free(s);

	/* A client that prints no version at all (a broken snap). */
	s = snapshot_new("linux", "x86_64", NOW);
	add_text(s, MP_VERSION, HOST_OK, 1, "", "execv failed: No such file or directory\n");
	RUN_ON(s, &r, "multipass");
	expect_outcome(&r, OUTCOME_ERROR);
	assert_true(lines_have(&r.evidence, "execv failed"));
	probe_result_free(&r);
	snapshot_free(s);
}

/* Multipass is not installed on the machines these tests run on. */
static void
test_multipass_live(void **state)
{
	struct probe_result r;

	(void)state;
	if (access("/snap/bin/multipass", X_OK) == 0 || access("/usr/bin/multipass", X_OK) == 0 ||
	    access("/usr/local/bin/multipass", X_OK) == 0)
		skip();
	run_probe(&r, "multipass", NULL);
	expect_outcome(&r, "not_installed");
	expect_fact(&r, "os", "linux");
	probe_result_free(&r);
}

/* ---- process ------------------------------------------------------------ */

static void
test_process_snapshots(void **state)
{
	struct snapshot *s = snapshot_new("linux", "x86_64", NOW);
	struct probe_result r;

	(void)state;
	add_run(s, PS, 0, "sys/ps-procps.txt", NULL);
	RUN_ON(s, &r, "process", "name", "dnsmasq");
	expect_outcome(&r, "running");
	expect_fact(&r, "process.pids", "1391 1422");
	expect_fact(&r, "process.user", "nobody");
	expect_fact(&r, "process.count", "2");
	assert_int_equal(r.evidence.n, 2);
	assert_true(str_has_prefix(r.evidence.v[0], "   1391 nobody   /snap/multipass/"));
	probe_result_free(&r);
	RUN_ON(s, &r, "process", "name", "multipassd");
	expect_outcome(&r, "running");
	expect_fact(&r, "process.pids", "1263");
	probe_result_free(&r);
	RUN_ON(s, &r, "process", "name", "bootpd");
	expect_outcome(&r, "not_running");
	expect_fact(&r, "process.count", "0");
	expect_fact(&r, "process.pids", NULL);
	expect_fact(&r, "process.user", NULL);
	assert_true(lines_have(&r.evidence, "listed 15 processes; none is named bootpd"));
	probe_result_free(&r);
	snapshot_free(s);

	/* macOS: bootpd under /usr/libexec, multipassd under a path with a space. */
	s = snapshot_new("darwin", "arm64", NOW);
	add_run(s, PS, 0, "sys/ps-macos.txt", NULL);
	RUN_ON(s, &r, "process", "name", "bootpd");
	expect_outcome(&r, "running");
	expect_fact(&r, "process.pids", "342");
	expect_fact(&r, "process.user", "root");
	assert_true(lines_have(&r.evidence, "/usr/libexec/bootpd -d"));
	probe_result_free(&r);
	RUN_ON(s, &r, "process", "name", "multipassd");
	expect_outcome(&r, "running");
	expect_fact(&r, "process.pids", "512");
	probe_result_free(&r);
	snapshot_free(s);
	s = snapshot_new("darwin", "arm64", NOW);
	add_run(s, PS, 0, "sys/ps-macos-nobootpd.txt", NULL);
	RUN_ON(s, &r, "process", "name", "bootpd");
	expect_outcome(&r, "not_running");
	probe_result_free(&r);
	snapshot_free(s);

	/* Windows: tasklist, with or without .exe, any case; no user. */
	s = snapshot_new("windows", "x86_64", NOW);
	add_run(s, TASKLIST, 0, "sys/tasklist.csv", NULL);
	RUN_ON(s, &r, "process", "name", "multipassd");
	expect_outcome(&r, "running");
	expect_fact(&r, "process.pids", "4312");
	expect_fact(&r, "process.user", NULL);
	probe_result_free(&r);
	RUN_ON(s, &r, "process", "name", "MultipassD.exe");
	expect_outcome(&r, "running");
	probe_result_free(&r);
	RUN_ON(s, &r, "process", "name", "dnsmasq");
	expect_outcome(&r, "not_running");
	probe_result_free(&r);
	snapshot_free(s);
}

static void
test_process_errors(void **state)
{
	struct snapshot *s = snapshot_new("linux", "x86_64", NOW);
	struct probe_result r;

	(void)state;
	RUN_ON(s, &r, "process", "name", "dnsmasq");
	expect_outcome(&r, OUTCOME_ERROR);
	assert_non_null(strstr(r.summary, "the snapshot does not hold the process list"));
	probe_result_free(&r);
	snapshot_free(s);

	s = snapshot_new("linux", "x86_64", NOW);
	add_text(s, PS, HOST_NO_SUCH, -1, "", "");
	RUN_ON(s, &r, "process", "name", "dnsmasq");
	expect_outcome(&r, OUTCOME_ERROR);
	assert_true(lines_have(&r.evidence, "'ps' was not found"));
	probe_result_free(&r);
	snapshot_free(s);

	s = snapshot_new("linux", "x86_64", NOW);
	add_text(s, PS, HOST_DENIED, -1, "", "");
	RUN_ON(s, &r, "process", "name", "dnsmasq");
	expect_outcome(&r, OUTCOME_ERROR);
	assert_non_null(strstr(r.summary, "sudo"));
	probe_result_free(&r);
	snapshot_free(s);

	s = snapshot_new("linux", "x86_64", NOW);
	add_text(s, PS, HOST_OK, 1, "", "ps: error: unsupported option (BSD syntax)\n");
	RUN_ON(s, &r, "process", "name", "dnsmasq");
	expect_outcome(&r, OUTCOME_ERROR);
	assert_true(lines_have(&r.evidence, "unsupported option"));
	probe_result_free(&r);
	snapshot_free(s);

	run_probe(&r, "process", NULL);
	expect_outcome(&r, OUTCOME_ERROR);
	assert_non_null(strstr(r.summary, "missing parameter 'name'"));
	probe_result_free(&r);
	run_probe(&r, "process", "name", "../bin/sh", NULL);
	expect_outcome(&r, OUTCOME_ERROR);
	probe_result_free(&r);
}

static bool
pid_listed(const char *pids, pid_t pid)
{
	char want[32];
	size_t wl;

	wl = (size_t)snprintf(want, sizeof want, "%ld", (long)pid);
	for (const char *p = pids; p != NULL && *p != '\0';) {
		size_t n = strcspn(p, " ");

		if (n == wl && strncmp(p, want, n) == 0)
			return true;
		p += n + (p[n] == ' ');
	}
	return false;
}

/* A sleeping child under a name no other process has, then gone. */
static void
test_process_live(void **state)
{
	char name[64];
	char *link;
	struct probe_result r;
	pid_t child;
	int status;

	(void)state;
	snprintf(name, sizeof name, "vmtriage-sleeper-%ld", (long)getpid());
	link = tmp_path(name);
	if (symlink("/bin/sleep", link) != 0)
		fail_msg("cannot link %s to /bin/sleep", link);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		execl(link, link, "300", (char *)NULL);
		_exit(127);
	}
	/* ps must find it exec'd: wait until its command line is the link's. */
	for (int tries = 0; tries < 100; tries++) {
		run_probe(&r, "process", "name", name, NULL);
		if (strcmp(r.outcome, "running") == 0)
			break;
		probe_result_free(&r);
		usleep(20000);
	}
	expect_outcome(&r, "running");
	expect_fact(&r, "process.count", "1");
	assert_true(pid_listed(result_fact(&r, "process.pids"), child));
	assert_true(lines_have(&r.evidence, name));
	probe_result_free(&r);

	assert_int_equal(kill(child, SIGKILL), 0);
	assert_int_equal(waitpid(child, &status, 0), child);
	run_probe(&r, "process", "name", name, NULL);
	expect_outcome(&r, "not_running");
	expect_fact(&r, "process.count", "0");
	probe_result_free(&r);

	/* This test itself. */
	run_probe(&r, "process", "name", "test-probe-sys", NULL);
	expect_outcome(&r, "running");
	assert_true(pid_listed(result_fact(&r, "process.pids"), getpid()));
	probe_result_free(&r);
	unlink(link);
	free(link);
}

/* ---- disk_space --------------------------------------------------------- */

static void
test_disk_linux(void **state)
{
	struct snapshot *s = snapshot_new("linux", "x86_64", NOW);
	struct probe_result r;
	const char *data = "/var/snap/multipass/common/data/multipassd";

	(void)state;
	add_run(s, DF, 0, "sys/df-linux.txt", NULL);
	RUN_ON(s, &r, "disk_space", "path", data);
	expect_outcome(&r, "ok");
	expect_fact(&r, "disk.mount", "/var/snap");
	expect_fact(&r, "disk.free", "83.9 GiB");
	expect_fact(&r, "disk.free_bytes", "90065502208");
	expect_fact(&r, "disk.size_bytes", "105089261568");
	expect_fact(&r, "disk.need_bytes", "1073741824");
	assert_true(
	    lines_have(&r.evidence, "df -Pk: /dev/mapper/data-var 102626232 9412380 87954592"));
	assert_true(
	    lines_have(&r.evidence, "83.9 GiB free of 97.9 GiB on /var/snap; 1.0 GiB needed"));
	probe_result_free(&r);

	RUN_ON(s, &r, "disk_space", "path", data, "need", "100G");
	expect_outcome(&r, "low");
	expect_fact(&r, "disk.need_bytes", "107374182400");
	assert_non_null(strstr(r.summary, "only 83.9 GiB free on /var/snap"));
	probe_result_free(&r);

	/* Need not exist; the root filesystem is nearly full. */
	RUN_ON(s, &r, "disk_space", "path", "/home/alice/vms/new.qcow2", "need", "20G");
	expect_outcome(&r, "low");
	expect_fact(&r, "disk.mount", "/");
	expect_fact(&r, "disk.free", "13.7 GiB");
	probe_result_free(&r);
	RUN_ON(s, &r, "disk_space", "path", "/media/alice/Backup Drive/out", "need", "1.5T");
	expect_outcome(&r, "low");
	expect_fact(&r, "disk.mount", "/media/alice/Backup Drive");
	probe_result_free(&r);
	RUN_ON(s, &r, "disk_space", "path", "/media/alice/Backup Drive/out", "need", "512M");
	expect_outcome(&r, "ok");
	probe_result_free(&r);

	/* A Windows path on a Linux machine is on no filesystem of it. */
	RUN_ON(s, &r, "disk_space", "path", "C:\\vms");
	expect_outcome(&r, "not_found");
	assert_true(lines_have(&r.evidence, "lists 9 filesystems"));
	probe_result_free(&r);
	snapshot_free(s);

	/* df complains about one filesystem (exit 1) and still lists the rest. */
	s = snapshot_new("linux", "x86_64", NOW);
	add_run(s, DF, 1, "sys/df-linux.txt", NULL);
	RUN_ON(s, &r, "disk_space", "path", "/srv");
	expect_outcome(&r, "ok");
	probe_result_free(&r);
	snapshot_free(s);

	/* No "/" in the list (a chroot's df): nothing holds /srv. */
	s = snapshot_new("linux", "x86_64", NOW);
	add_text(s, DF, HOST_OK, 0,
	         "Filesystem 1024-blocks Used Available Capacity Mounted on\n"
	         "tmpfs 1024 0 1024 0% /run\n",
	         "");
	RUN_ON(s, &r, "disk_space", "path", "/srv");
	expect_outcome(&r, "not_found");
	probe_result_free(&r);
	snapshot_free(s);
}

static void
test_disk_darwin_windows(void **state)
{
	struct snapshot *s = snapshot_new("darwin", "arm64", NOW);
	struct probe_result r;
	const char *data = "/var/root/Library/Application Support/multipassd";

	(void)state;
	add_run(s, DF, 0, "sys/df-macos.txt", NULL);
	RUN_ON(s, &r, "disk_space", "path", data, "need", "20G");
	expect_outcome(&r, "ok");
	expect_fact(&r, "disk.mount", "/System/Volumes/Data");
	expect_fact(&r, "disk.free", "196.8 GiB");
	assert_true(lines_have(&r.evidence, "is stored under /System/Volumes/Data"));
	probe_result_free(&r);
	RUN_ON(s, &r, "disk_space", "path", data, "need", "1T");
	expect_outcome(&r, "low");
	probe_result_free(&r);
	RUN_ON(s, &r, "disk_space", "path", "/Volumes/Untitled 2/vm.img", "need", "5M");
	expect_outcome(&r, "low");
	expect_fact(&r, "disk.free", "4.0 MiB");
	probe_result_free(&r);
	snapshot_free(s);

	s = snapshot_new("windows", "x86_64", NOW);
	snapshot_add_command(s,
	                     W("powershell.exe", "-NoProfile", "-NonInteractive", "-Command",
	                       "Get-PSDrive -PSProvider FileSystem | ForEach-Object { "
	                       "'{0}|{1}|{2}|{3}' -f $_.Name, $_.Used, $_.Free, $_.Root }"),
	                     HOST_OK, 0, "", 0, "", 0);
	RUN_ON(s, &r, "disk_space", "path", "C:\\ProgramData\\Multipass\\data");
	/* The command is fixed: this one is it, with no output, so nothing is listed. */
	expect_outcome(&r, OUTCOME_ERROR);
	assert_non_null(strstr(r.summary, "printed nothing that reads as the list of filesystems"));
	probe_result_free(&r);
	snapshot_free(s);

	s = snapshot_new("windows", "x86_64", NOW);
	add_run(s,
	        W("powershell.exe", "-NoProfile", "-NonInteractive", "-Command",
	          "Get-PSDrive -PSProvider FileSystem | ForEach-Object { "
	          "'{0}|{1}|{2}|{3}' -f $_.Name, $_.Used, $_.Free, $_.Root }"),
	        0, "sys/psdrive.txt", NULL);
	RUN_ON(s, &r, "disk_space", "path", "C:\\ProgramData\\Multipass\\data");
	expect_outcome(&r, "ok");
	expect_fact(&r, "disk.mount", "C:\\");
	expect_fact(&r, "disk.free", "66.5 GiB");
	expect_fact(&r, "disk.size_bytes", "255879775329");
	assert_true(lines_have(&r.evidence, "Get-PSDrive: C|184467440737|71412334592|C:\\"));
	probe_result_free(&r);
	RUN_ON(s, &r, "disk_space", "path", "C:\\ProgramData\\Multipass\\data", "need", "100G");
	expect_outcome(&r, "low");
	probe_result_free(&r);
	RUN_ON(s, &r, "disk_space", "path", "D:\\setup");
	expect_outcome(&r, "not_found");
	assert_non_null(strstr(r.summary, "no size"));
	probe_result_free(&r);
	RUN_ON(s, &r, "disk_space", "path", "F:\\vms");
	expect_outcome(&r, "not_found");
	probe_result_free(&r);
	snapshot_free(s);
}

static void
test_disk_errors(void **state)
{
	struct snapshot *s = snapshot_new("linux", "x86_64", NOW);
	struct probe_result r;

	(void)state;
	add_run(s, DF, 0, "sys/df-linux.txt", NULL);
	RUN_ON(s, &r, "disk_space", "path", "/srv", "need", "abc");
	expect_outcome(&r, OUTCOME_ERROR);
	assert_non_null(strstr(r.summary, "need: 'abc' is not a size"));
	assert_true(lines_have(&r.evidence, "such as 512M, 20G or 1.5T"));
	probe_result_free(&r);
	RUN_ON(s, &r, "disk_space", "path", "/srv", "need", "-1G");
	expect_outcome(&r, OUTCOME_ERROR);
	assert_non_null(strstr(r.summary, "negative"));
	probe_result_free(&r);
	RUN_ON(s, &r, "disk_space", "path", "/srv", "need", "20Q");
	expect_outcome(&r, OUTCOME_ERROR);
	assert_non_null(strstr(r.summary, "unknown unit 'Q'"));
	probe_result_free(&r);
	RUN_ON(s, &r, "disk_space", "path", "relative/dir");
	expect_outcome(&r, OUTCOME_ERROR);
	assert_non_null(strstr(r.summary, "absolute"));
	probe_result_free(&r);
	RUN_ON(s, &r, "disk_space", "need", "1G");
	expect_outcome(&r, OUTCOME_ERROR);
	assert_non_null(strstr(r.summary, "missing parameter 'path'"));
	probe_result_free(&r);
	snapshot_free(s);

	s = snapshot_new("darwin", "arm64", NOW);
	RUN_ON(s, &r, "disk_space", "path", "/Users/alice");
	expect_outcome(&r, OUTCOME_ERROR);
	assert_non_null(strstr(r.summary, "the snapshot does not hold the list of filesystems"));
	probe_result_free(&r);
	snapshot_free(s);
}

/* A chroot or container: the full listing names the host's mounts, not "/". */
static void
test_disk_chroot(void **state)
{
	const char *all = "Filesystem 1024-blocks Used Available Capacity Mounted on\n"
	                  "proc 0 0 0 - /proc\n"
	                  "devpts 0 0 0 - /dev/pts\n";
	const char *one = "Filesystem 1024-blocks Used Available Capacity Mounted on\n"
	                  "overlay 1048576 524288 524288 50% /\n";
	struct snapshot *s = snapshot_new("linux", "x86_64", 1727000000);
	struct host *h;
	struct probe_result r;

	(void)state;
	snapshot_add_command(s, DF, HOST_OK, 0, all, strlen(all), "", 0);
	snapshot_add_file(s, "/work", HOST_OK, 'd', NULL, 0, false);
	snapshot_add_file(s, "/work/out", HOST_NO_SUCH, 'o', NULL, 0, false);
	snapshot_add_command(s, W("df", "-Pk", "--", "/work"), HOST_OK, 0, one, strlen(one), "",
	                     0);
	h = host_snapshot(s);
	run_probe_on(h, &r, "disk_space", "path", "/work/out/disk.qcow2", "need", "100M", NULL);
	expect_outcome(&r, "ok");
	expect_fact(&r, "disk.mount", "/");
	assert_true(lines_have(&r.evidence, "'df -Pk /work' names its own"));
	probe_result_free(&r);
	host_close(h);
	snapshot_free(s);
}

static void
test_disk_live(void **state)
{
	char *missing = tmp_path("not/yet/there.img");
	struct probe_result r;

	(void)state;
	run_probe(&r, "disk_space", "path", tmpdir, "need", "1K", NULL);
	expect_outcome(&r, "ok");
	assert_non_null(result_fact(&r, "disk.mount"));
	assert_true(strtoull(result_fact(&r, "disk.free_bytes"), NULL, 10) >= 1024);
	expect_fact(&r, "disk.need_bytes", "1024");
	assert_true(lines_have(&r.evidence, "df -Pk: "));
	probe_result_free(&r);

	run_probe(&r, "disk_space", "path", missing, "need", "999P", NULL);
	expect_outcome(&r, "low");
	expect_fact(&r, "disk.need_bytes", "1124774006935781376");
	probe_result_free(&r);

	run_probe(&r, "disk_space", "path", tmpdir, "need", "abc", NULL);
	expect_outcome(&r, OUTCOME_ERROR);
	probe_result_free(&r);
	free(missing);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_multipass_ok),
	    cmocka_unit_test(test_multipass_instance_states),
	    cmocka_unit_test(test_multipass_not_installed),
	    cmocka_unit_test(test_multipass_daemon_down),
	    cmocka_unit_test(test_multipass_denied),
	    cmocka_unit_test(test_multipass_windows_and_errors),
	    cmocka_unit_test(test_multipass_live),
	    cmocka_unit_test(test_process_snapshots),
	    cmocka_unit_test(test_process_errors),
	    cmocka_unit_test(test_process_live),
	    cmocka_unit_test(test_disk_linux),
	    cmocka_unit_test(test_disk_darwin_windows),
	    cmocka_unit_test(test_disk_errors),
	    cmocka_unit_test(test_disk_chroot),
	    cmocka_unit_test(test_disk_live),
	};

	return cmocka_run_group_tests(tests, tmpdir_setup, tmpdir_teardown);
}
