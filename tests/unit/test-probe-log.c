/*
 * test-probe-log.c: the "log" probe end to end. On snapshot hosts of each
 * platform (Linux's journal, macOS's multipassd.log, Windows' event log)
 * holding recorded output from tests/data/log, every outcome; on this
 * machine, a log file the test writes (file=) and, where journalctl exists,
 * the live journal asked for a unit that has no entries.
 */
#include "config.h"

#include "cmocka-prelude.h"

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "host/host.h"
#include "host/snapshot.h"
#include "platform/paths.h"
#include "probe/probe.h"
#include "testutil.h"

/* 2024-09-22T10:13:20Z, the collection time of every snapshot here. */
#define NOW 1727000000
#define MAC_LOG "/Library/Logs/Multipass/multipassd.log"

static void
set_tz(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
}

static struct snapshot *
snap(const char *os)
{
	return snapshot_new(os, "x86_64", NOW);
}

/* The platform's log command, recorded with this output. */
static void
add_log_command(struct snapshot *s, const char *os, int exit_code, const char *out, const char *err)
{
	snapshot_add_command(s, platform_info(os)->log_command, HOST_OK, exit_code, out,
	                     strlen(out), err, strlen(err));
}

/* A Linux snapshot whose journal command printed fixture log/NAME. */
static struct snapshot *
linux_snap(const char *name)
{
	struct snapshot *s = snap("linux");
	char *out = fixture_read(name, NULL);

	add_log_command(s, "linux", 0, out, "");
	free(out);
	return s;
}

static struct snapshot *
darwin_snap(const char *name)
{
	struct snapshot *s = snap("darwin");
	size_t len;
	char *text = fixture_read(name, &len);

	snapshot_add_file(s, MAC_LOG, HOST_OK, 'f', text, len, false);
	free(text);
	return s;
}

static struct snapshot *
windows_snap(void)
{
	struct snapshot *s = snap("windows");
	char *out = fixture_read("log/winevent.txt", NULL);

	add_log_command(s, "windows", 0, out, "");
	free(out);
	return s;
}

/* Runs "log" on a host made from s, with NULL-terminated name/value pairs; frees s. */
#define RUN_ON(s, r, ...)                                                                          \
	do {                                                                                       \
		struct host *h_ = host_snapshot(s);                                                \
		run_probe_on(h_, (r), "log", __VA_ARGS__, NULL);                                   \
		host_close(h_);                                                                    \
	} while (0)

static void
expect_fact(const struct probe_result *r, const char *key, const char *value)
{
	const char *v = result_fact(r, key);

	if (v == NULL)
		fail_msg("fact %s is not set (outcome %s: %s)", key, r->outcome,
		         r->summary != NULL ? r->summary : "");
	assert_string_equal(v, value);
}

static void
expect_outcome(const struct probe_result *r, const char *outcome)
{
	if (strcmp(r->outcome, outcome) != 0) {
		for (size_t i = 0; i < r->evidence.n; i++)
			print_message("# evidence: %s\n", r->evidence.v[i]);
		fail_msg("outcome %s, wanted %s (%s)", r->outcome, outcome,
		         r->summary != NULL ? r->summary : "");
	}
}

/* ---- Linux: the journal ------------------------------------------------- */

static void
test_linux_found(void **state)
{
	struct snapshot *s = linux_snap("log/journal-debug.json");
	struct host *h = host_snapshot(s);
	struct probe_result r;

	(void)state;
	run_probe_on(h, &r, "log", "pattern", "NIC_RX_FILTER_CHANGED", NULL);
	expect_outcome(&r, "found");
	expect_fact(&r, "log.count", "2");
	expect_fact(&r, "log.first_time", "2024-09-22T09:50:14Z");
	expect_fact(&r, "log.last_time", "2024-09-22T10:05:02Z");
	expect_fact(&r, "log.levels", "error warning info debug");
	expect_fact(&r, "log.source", "journal");
	assert_true(str_has_prefix(result_fact(&r, "log.match"),
	                           "QMP: {\"timestamp\": {\"seconds\": 1726998614"));
	assert_true(lines_have(&r.evidence, "2024-09-22T09:50:14.500Z debug [primary] QMP: "
	                                    "{\"timestamp\""));
	assert_true(lines_have(&r.evidence, "2024-09-22T10:05:02.400Z debug [other] QMP:"));
	assert_true(lines_have(&r.evidence, "searched 17 line(s) of the journal (units "
	                                    "snap.multipass*), from 2024-09-22T09:50:00.010Z to "
	                                    "2024-09-22T10:05:02.400Z"));
	assert_non_null(strstr(r.summary, "2 line(s)"));
	assert_non_null(strstr(r.summary, "the 24h before 2024-09-22T10:13:20Z"));
	probe_result_free(&r);

	/* A week back reaches the launch of the 20th. */
	run_probe_on(h, &r, "log", "pattern", "NIC_RX_FILTER_CHANGED", "since", "7d", NULL);
	expect_outcome(&r, "found");
	expect_fact(&r, "log.count", "3");
	expect_fact(&r, "log.first_time", "2024-09-20T08:03:10Z");
	probe_result_free(&r);

	/* One instance's lines only. */
	run_probe_on(h, &r, "log", "pattern", "NIC_RX_FILTER_CHANGED", "instance", "other", NULL);
	expect_outcome(&r, "found");
	expect_fact(&r, "log.count", "1");
	assert_true(lines_have(&r.evidence, "1 of them are from instance other"));
	probe_result_free(&r);

	/* Not UTF-8 in the journal (a byte array): cleaned, and still matched around. */
	run_probe_on(h, &r, "log", "pattern", "doesn't support requested feature: .* CPUID", NULL);
	expect_outcome(&r, "found");
	expect_fact(&r, "log.match",
	            "qemu-system-x86_64: warning: host doesn't support requested "
	            "feature: ?? CPUID.80000001H:ECX.svm [bit 2]");
	assert_true(lines_have(&r.evidence, "warning [qemu-system-x86_64] qemu-system-x86_64:"));
	probe_result_free(&r);

	/* dnsmasq's lines name no category: the program shows instead. */
	run_probe_on(h, &r, "log", "pattern", "^DHCPACK", NULL);
	expect_outcome(&r, "found");
	assert_true(lines_have(&r.evidence, "info dnsmasq-dhcp: DHCPACK(mpqemubr0) 10.97.0.5"));
	probe_result_free(&r);

	/* Long messages are shortened in facts and evidence. */
	run_probe_on(h, &r, "log", "pattern", "^process arguments", NULL);
	expect_outcome(&r, "found");
	assert_int_equal(strlen(result_fact(&r, "log.match")), 200 + 3);
	probe_result_free(&r);
	host_close(h);
	snapshot_free(s);
}

static void
test_linux_not_found(void **state)
{
	struct snapshot *s = linux_snap("log/journal-debug.json");
	struct host *h = host_snapshot(s);
	struct probe_result r;

	(void)state;
	run_probe_on(h, &r, "log", "pattern", "nothing like this", NULL);
	expect_outcome(&r, "not_found");
	expect_fact(&r, "log.count", "0");
	expect_fact(&r, "log.levels", "error warning info debug");
	assert_null(result_fact(&r, "log.match"));
	assert_true(lines_have(&r.evidence, "searched 17 line(s)"));
	assert_non_null(strstr(r.summary, "17 line(s) searched"));
	probe_result_free(&r);

	/* The log has debug lines, so a QMP event's absence for this instance counts. */
	run_probe_on(h, &r, "log", "pattern", "NIC_RX_FILTER_CHANGED", "instance", "third", NULL);
	expect_outcome(&r, "not_found");
	assert_true(lines_have(&r.evidence, "0 of them are from instance third"));
	probe_result_free(&r);

	/* The error names its instance in the message, not only in the category. */
	run_probe_on(h, &r, "log", "pattern", "timed out waiting for response", "instance", "other",
	             NULL);
	expect_outcome(&r, "not_found");
	probe_result_free(&r);
	run_probe_on(h, &r, "log", "pattern", "timed out waiting for response", "instance",
	             "primary", NULL);
	expect_outcome(&r, "found");
	probe_result_free(&r);
	host_close(h);
	snapshot_free(s);
}

static void
test_linux_hidden(void **state)
{
	struct snapshot *s = linux_snap("log/journal-info.json");
	struct host *h = host_snapshot(s);
	struct probe_result r;

	(void)state;
	run_probe_on(h, &r, "log", "pattern", "NIC_RX_FILTER_CHANGED", NULL);
	expect_outcome(&r, "hidden");
	expect_fact(&r, "log.count", "0");
	expect_fact(&r, "log.levels", "error warning info");
	assert_non_null(strstr(r.summary, "debug level"));
	assert_non_null(strstr(r.summary, "proves nothing"));
	assert_non_null(strstr(r.summary, "override.conf"));
	assert_true(lines_have(&r.evidence, "NIC_RX_FILTER_CHANGED among them"));
	assert_true(
	    lines_have(&r.evidence, "to log at debug level: run 'sudo snap stop multipass'"));
	assert_false(lines_have(&r.evidence, "Information"));
	probe_result_free(&r);

	/* A debug-only message that is no QMP event. */
	run_probe_on(h, &r, "log", "pattern", "Caching initial SSH session", NULL);
	expect_outcome(&r, "hidden");
	probe_result_free(&r);

	/* What is logged at info level is found, or truly not found. */
	run_probe_on(h, &r, "log", "pattern", "timed out waiting for response", NULL);
	expect_outcome(&r, "found");
	expect_fact(&r, "log.match", "primary: timed out waiting for response");
	expect_fact(&r, "log.first_time", "2024-09-22T09:55:00Z");
	assert_true(lines_have_exact(&r.evidence, "2024-09-22T09:55:00.250Z error [primary] "
	                                          "primary: timed out waiting for response"));
	probe_result_free(&r);
	run_probe_on(h, &r, "log", "pattern", "nothing like this", NULL);
	expect_outcome(&r, "not_found");
	probe_result_free(&r);
	host_close(h);
	snapshot_free(s);
}

static void
test_linux_no_log(void **state)
{
	struct snapshot *s = linux_snap("log/journal-info.json");
	struct host *h = host_snapshot(s);
	struct probe_result r;
	char *err = fixture_read("log/journal-nodata.err", NULL);

	(void)state;
	/* The last line is from 09:55: nothing in the 10 minutes before 10:13:20. */
	run_probe_on(h, &r, "log", "pattern", "NIC_RX_FILTER_CHANGED", "since", "10m", NULL);
	expect_outcome(&r, "no_log");
	expect_fact(&r, "log.count", "0");
	assert_null(result_fact(&r, "log.levels"));
	assert_non_null(strstr(r.summary, "the 10m before 2024-09-22T10:13:20Z"));
	assert_true(lines_have(&r.evidence, "holds 12 older line(s); the newest is from "
	                                    "2024-09-22T09:55:00.250Z"));
	assert_true(lines_have(&r.evidence, "2024-09-22T09:55:00.250Z error [primary] primary:"));
	probe_result_free(&r);
	host_close(h);
	snapshot_free(s);

	/* A glob that matches no unit in the journal: journalctl exits 1. */
	s = snap("linux");
	add_log_command(s, "linux", 1, "", err);
	RUN_ON(s, &r, "pattern", "x");
	expect_outcome(&r, "no_log");
	assert_true(lines_have(&r.evidence, "holds no dated line at all"));
	probe_result_free(&r);
	snapshot_free(s);

	/* No entries at all: JSON mode prints nothing. */
	s = snap("linux");
	add_log_command(s, "linux", 0, "", "");
	RUN_ON(s, &r, "pattern", "x");
	expect_outcome(&r, "no_log");
	probe_result_free(&r);
	snapshot_free(s);
	free(err);
}

static void
test_linux_unreadable(void **state)
{
	char *denied = fixture_read("log/journal-denied.err", NULL);
	char *hint = fixture_read("log/journal-hint.err", NULL);
	struct snapshot *s = snap("linux");
	struct probe_result r;

	(void)state;
	add_log_command(s, "linux", 1, "", denied);
	RUN_ON(s, &r, "pattern", "NIC_RX_FILTER_CHANGED");
	expect_outcome(&r, "unreadable");
	assert_non_null(strstr(r.summary, "sudo"));
	assert_non_null(strstr(r.summary, "systemd-journal group"));
	assert_true(lines_have(&r.evidence, "journalctl: No journal files were opened due to "
	                                    "insufficient permissions."));
	expect_fact(&r, "log.source", "journal");
	probe_result_free(&r);
	snapshot_free(s);

	/* Only the user's own journal was shown: exit 0, a hint, and no unit lines. */
	s = snap("linux");
	add_log_command(s, "linux", 0, "", hint);
	RUN_ON(s, &r, "pattern", "NIC_RX_FILTER_CHANGED");
	expect_outcome(&r, "unreadable");
	assert_true(lines_have(&r.evidence, "not seeing messages from other users"));
	probe_result_free(&r);
	snapshot_free(s);

	s = snap("linux");
	snapshot_add_command(s, platform_info("linux")->log_command, HOST_DENIED, -1, "", 0, "", 0);
	RUN_ON(s, &r, "pattern", "x");
	expect_outcome(&r, "unreadable");
	probe_result_free(&r);
	snapshot_free(s);
	free(denied);
	free(hint);
}

static void
test_linux_errors(void **state)
{
	const char *const *base = platform_info("linux")->log_command;
	const char *argv[16];
	struct snapshot *s = linux_snap("log/journal-debug.json");
	struct probe_result r;
	char *out = fixture_read("log/journal-info.json", NULL);
	size_t n = 0;

	(void)state;
	/* Another unit is another command: this snapshot does not hold it. */
	RUN_ON(s, &r, "pattern", "x", "unit", "snap.multipass.multipassd.service");
	expect_outcome(&r, OUTCOME_ERROR);
	assert_non_null(strstr(r.summary, "snapshot does not hold"));
	assert_true(lines_have(&r.evidence, "--unit=snap.multipass.multipassd.service"));
	probe_result_free(&r);

	/* ... and one that does: the same words but --unit=. */
	for (n = 0; base[n] != NULL; n++)
		argv[n] = str_has_prefix(base[n], "--unit=")
		              ? "--unit=snap.multipass.multipassd.service"
		              : base[n];
	argv[n] = NULL;
	snapshot_add_command(s, argv, HOST_OK, 0, out, strlen(out), "", 0);
	RUN_ON(s, &r, "pattern", "NIC_RX_FILTER_CHANGED", "unit",
	       "snap.multipass.multipassd.service");
	expect_outcome(&r, "hidden");
	assert_non_null(strstr(r.summary, "units snap.multipass.multipassd.service"));
	probe_result_free(&r);
	snapshot_free(s);

	s = snap("linux");
	RUN_ON(s, &r, "pattern", "x");
	expect_outcome(&r, OUTCOME_ERROR);
	assert_non_null(strstr(r.summary, "the snapshot does not hold the daemon log"));
	probe_result_free(&r);
	snapshot_free(s);

	s = snap("linux");
	snapshot_add_command(s, base, HOST_NO_SUCH, -1, "", 0, "", 0);
	RUN_ON(s, &r, "pattern", "x");
	expect_outcome(&r, OUTCOME_ERROR);
	assert_non_null(strstr(r.summary, "journalctl is not installed"));
	probe_result_free(&r);
	snapshot_free(s);

	/* journalctl older than 236 knows no --output-fields. */
	s = snap("linux");
	add_log_command(s, "linux", 1, "",
	                "journalctl: unrecognized option '--output-fields=PRIORITY'\n");
	RUN_ON(s, &r, "pattern", "x");
	expect_outcome(&r, OUTCOME_ERROR);
	assert_non_null(strstr(r.summary, "exit status 1"));
	assert_true(lines_have(&r.evidence, "unrecognized option"));
	probe_result_free(&r);
	snapshot_free(s);
	free(out);
}

static void
test_params(void **state)
{
	struct snapshot *s = linux_snap("log/journal-debug.json");
	struct host *h = host_snapshot(s);
	struct probe_result r;
	static const char *const bad_since[] = {"abc", "0m", "10", "1.5h", "400d", "-1h", ""};
	static const char *const bad_units[] = {"-x", "a b", "a;b", "$(id)", "a/b", ""};

	(void)state;
	for (size_t i = 0; i < nitems(bad_since); i++) {
		run_probe_on(h, &r, "log", "pattern", "x", "since", bad_since[i], NULL);
		expect_outcome(&r, OUTCOME_ERROR);
		assert_non_null(strstr(r.summary, "since"));
		assert_true(r.evidence.n > 0);
		probe_result_free(&r);
	}
	for (size_t i = 0; i < nitems(bad_units); i++) {
		run_probe_on(h, &r, "log", "pattern", "x", "unit", bad_units[i], NULL);
		expect_outcome(&r, OUTCOME_ERROR);
		assert_non_null(strstr(r.summary, "unit"));
		probe_result_free(&r);
	}
	run_probe_on(h, &r, "log", "since", "1h", NULL);
	expect_outcome(&r, OUTCOME_ERROR);
	assert_non_null(strstr(r.summary, "missing parameter 'pattern'"));
	probe_result_free(&r);

	/* params.c's guard against patterns that cost regcomp too much applies here too. */
	run_probe_on(h, &r, "log", "pattern", "((a{20}){20}){20}", NULL);
	expect_outcome(&r, OUTCOME_ERROR);
	assert_non_null(strstr(r.summary, "too costly"));
	probe_result_free(&r);
	run_probe_on(h, &r, "log", "pattern", "a++++++++", NULL);
	expect_outcome(&r, OUTCOME_ERROR);
	probe_result_free(&r);
	run_probe_on(h, &r, "log", "pattern", "([", NULL);
	expect_outcome(&r, OUTCOME_ERROR);
	probe_result_free(&r);

	run_probe_on(h, &r, "log", "pattern", "x", "instance", "-bad", NULL);
	expect_outcome(&r, OUTCOME_ERROR);
	probe_result_free(&r);
	run_probe_on(h, &r, "log", "pattern", "x", "file", "relative.log", NULL);
	expect_outcome(&r, OUTCOME_ERROR);
	probe_result_free(&r);
	/* unit is for the journal: not with file=. */
	run_probe_on(h, &r, "log", "pattern", "x", "file", "/var/log/x.log", "unit", "x", NULL);
	expect_outcome(&r, OUTCOME_ERROR);
	assert_non_null(strstr(r.summary, "journal"));
	probe_result_free(&r);
	host_close(h);
	snapshot_free(s);
}

/* ---- macOS: multipassd.log ---------------------------------------------- */

static void
test_darwin(void **state)
{
	struct snapshot *s = darwin_snap("log/multipassd-debug.log");
	struct host *h = host_snapshot(s);
	struct probe_result r;

	(void)state;
	run_probe_on(h, &r, "log", "pattern", "NIC_RX_FILTER_CHANGED", NULL);
	expect_outcome(&r, "found");
	expect_fact(&r, "log.count", "2");
	expect_fact(&r, "log.source", MAC_LOG);
	expect_fact(&r, "log.first_time", "2024-09-22T09:50:13Z");
	expect_fact(&r, "log.levels", "error warning info debug");
	assert_true(lines_have(&r.evidence, "2024-09-22T09:50:13.663Z debug [primary] QMP:"));
	probe_result_free(&r);

	run_probe_on(h, &r, "log", "pattern", "^\\[1526\\] started", NULL);
	expect_outcome(&r, "found");
	expect_fact(&r, "log.match", "[1526] started: qemu-system-aarch64 --version");
	probe_result_free(&r);

	/* multipassd wrote local time: the same file, read where the zone is UTC+2. */
	set_tz("XYZ-2");
	run_probe_on(h, &r, "log", "pattern", "NIC_RX_FILTER_CHANGED", "since", "2h", NULL);
	expect_outcome(&r, "no_log");
	assert_true(lines_have(&r.evidence, "the newest is from 2024-09-22T08:05:02.400Z"));
	probe_result_free(&r);
	set_tz("UTC0");
	run_probe_on(h, &r, "log", "pattern", "NIC_RX_FILTER_CHANGED", "since", "2h", NULL);
	expect_outcome(&r, "found");
	probe_result_free(&r);
	/*
	 * A snapshot that recorded its collector's zone reads the file in that
	 * zone, wherever it is replayed: UTC here, and UTC+2 elsewhere.
	 */
	snapshot_set_utc_offset(s, 0);
	set_tz("XYZ-2");
	run_probe_on(h, &r, "log", "pattern", "NIC_RX_FILTER_CHANGED", "since", "2h", NULL);
	expect_outcome(&r, "found");
	probe_result_free(&r);
	snapshot_set_utc_offset(s, 7200);
	set_tz("UTC0");
	run_probe_on(h, &r, "log", "pattern", "NIC_RX_FILTER_CHANGED", "since", "2h", NULL);
	expect_outcome(&r, "no_log");
	probe_result_free(&r);
	host_close(h);
	snapshot_free(s);

	s = darwin_snap("log/multipassd-info.log");
	h = host_snapshot(s);
	run_probe_on(h, &r, "log", "pattern", "NIC_RX_FILTER_CHANGED", NULL);
	expect_outcome(&r, "hidden");
	assert_non_null(strstr(r.summary, "launchctl"));
	assert_true(lines_have(&r.evidence, "to log at debug level: as root, run 'launchctl "
	                                    "unload"));
	probe_result_free(&r);
	run_probe_on(h, &r, "log", "pattern", "timed out waiting for response", "instance",
	             "primary", NULL);
	expect_outcome(&r, "found");
	probe_result_free(&r);
	run_probe_on(h, &r, "log", "pattern", "Goodbye", NULL);
	expect_outcome(&r, "not_found");
	probe_result_free(&r);
	/* unit= means the journal. */
	run_probe_on(h, &r, "log", "pattern", "x", "unit", "snap.multipass*", NULL);
	expect_outcome(&r, OUTCOME_ERROR);
	probe_result_free(&r);
	host_close(h);
	snapshot_free(s);
}

static void
test_darwin_unreadable(void **state)
{
	struct snapshot *s = snap("darwin");
	struct probe_result r;

	(void)state;
	snapshot_add_file(s, MAC_LOG, HOST_DENIED, 'f', NULL, 0, false);
	RUN_ON(s, &r, "pattern", "NIC_RX_FILTER_CHANGED");
	expect_outcome(&r, "unreadable");
	assert_non_null(strstr(r.summary, "sudo"));
	assert_non_null(strstr(r.summary, "root"));
	expect_fact(&r, "log.source", MAC_LOG);
	probe_result_free(&r);
	snapshot_free(s);

	s = snap("darwin");
	snapshot_add_file(s, MAC_LOG, HOST_NO_SUCH, 'o', NULL, 0, false);
	RUN_ON(s, &r, "pattern", "x");
	expect_outcome(&r, "no_log");
	assert_non_null(strstr(r.summary, "does not exist"));
	probe_result_free(&r);
	snapshot_free(s);

	s = snap("darwin");
	RUN_ON(s, &r, "pattern", "x");
	expect_outcome(&r, OUTCOME_ERROR);
	assert_non_null(strstr(r.summary, "snapshot does not hold"));
	probe_result_free(&r);
	snapshot_free(s);

	/* file= on any platform reads that file instead. */
	s = darwin_snap("log/multipassd-info.log");
	{
		char *text = fixture_read("log/multipassd-debug.log", NULL);

		snapshot_add_file(s, "/tmp/lab.log", HOST_OK, 'f', text, strlen(text), false);
		free(text);
	}
	RUN_ON(s, &r, "pattern", "NIC_RX_FILTER_CHANGED", "file", "/tmp/lab.log");
	expect_outcome(&r, "found");
	expect_fact(&r, "log.source", "/tmp/lab.log");
	probe_result_free(&r);
	snapshot_free(s);
}

/* A log over 8 MiB: its newest part through tail, or, failing that, only its start. */
static void
test_darwin_big(void **state)
{
	struct snapshot *s = snap("darwin");
	struct probe_result r;
	size_t len;
	char *text = fixture_read("log/multipassd-debug.log", &len);
	char *info = fixture_read("log/multipassd-info.log", NULL);

	(void)state;
	/* Recorded as cut: reading it gives its start and HOST_TOO_BIG. */
	snapshot_add_file(s, MAC_LOG, HOST_OK, 'f', info, strlen(info), true);
	RUN_ON(s, &r, "pattern", "timed out");
	expect_outcome(&r, "found");
	assert_true(lines_have(&r.evidence, "its end could not be read"));
	probe_result_free(&r);
	/* Absence in the start of a log says nothing about its end. */
	RUN_ON(s, &r, "pattern", "NIC_RX_FILTER_CHANGED");
	expect_outcome(&r, OUTCOME_ERROR);
	assert_non_null(strstr(r.summary, "could not be read"));
	probe_result_free(&r);

	snapshot_add_command(s, W("tail", "-c", "8388608", MAC_LOG), HOST_OK, 0, text, len, "", 0);
	RUN_ON(s, &r, "pattern", "NIC_RX_FILTER_CHANGED");
	expect_outcome(&r, "found");
	expect_fact(&r, "log.count", "2");
	assert_true(lines_have(&r.evidence, "only its last 8 MiB were read"));
	probe_result_free(&r);
	snapshot_free(s);
	free(text);
	free(info);
}

/* ---- Windows: the event log --------------------------------------------- */

static void
test_windows(void **state)
{
	struct snapshot *s = windows_snap();
	struct host *h = host_snapshot(s);
	struct probe_result r;
	char *none = fixture_read("log/winevent-none.err", NULL);

	(void)state;
	run_probe_on(h, &r, "log", "pattern", "timed out waiting for response", NULL);
	expect_outcome(&r, "found");
	/* 11:55 at UTC+2. */
	expect_fact(&r, "log.first_time", "2024-09-22T09:55:00Z");
	expect_fact(&r, "log.source", "eventlog");
	expect_fact(&r, "log.levels", "error warning info");
	assert_true(lines_have(&r.evidence, "2024-09-22T09:55:00.250Z error [primary] primary: "
	                                    "timed out"));
	probe_result_free(&r);

	run_probe_on(h, &r, "log", "pattern", "NIC_RX_FILTER_CHANGED", NULL);
	expect_outcome(&r, "hidden");
	assert_true(lines_have(&r.evidence, "debug messages as Information"));
	assert_non_null(strstr(r.summary, "Stop-Service Multipass"));
	probe_result_free(&r);

	run_probe_on(h, &r, "log", "pattern", "nothing like this", "instance", "primary", NULL);
	expect_outcome(&r, "not_found");
	assert_true(lines_have(&r.evidence, "3 of them are from instance primary"));
	probe_result_free(&r);

	run_probe_on(h, &r, "log", "pattern", "x", "unit", "snap.multipass*", NULL);
	expect_outcome(&r, OUTCOME_ERROR);
	probe_result_free(&r);
	host_close(h);
	snapshot_free(s);

	s = snap("windows");
	add_log_command(s, "windows", 1, "", none);
	RUN_ON(s, &r, "pattern", "x");
	expect_outcome(&r, "no_log");
	probe_result_free(&r);
	snapshot_free(s);

	s = snap("windows");
	add_log_command(s, "windows", 1, "",
	                "Get-WinEvent : Attempted to perform an unauthorized operation.\r\n"
	                "    + FullyQualifiedErrorId : System.UnauthorizedAccessException\r\n");
	RUN_ON(s, &r, "pattern", "x");
	expect_outcome(&r, "unreadable");
	assert_non_null(strstr(r.summary, "administrator"));
	probe_result_free(&r);
	snapshot_free(s);
	free(none);
}

/* ---- this machine ------------------------------------------------------- */

/* "[time] [level] [category] message" at t, in local time as multipassd writes it. */
static void
add_line(struct strbuf *sb, time_t t, const char *level, const char *cat, const char *msg)
{
	struct tm tm;
	char when[32];

	localtime_r(&t, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
	strbuf_addf(sb, "[%s.123] [%s] [%s] %s\n", when, level, cat, msg);
}

static void
test_live_file(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct probe_result r;
	time_t now = time(NULL);
	char *path, *missing = tmp_path("missing.log");

	(void)state;
	add_line(&sb, now - 3 * 86400, "debug", "primary",
	         "QMP: {\"event\": \"NIC_RX_FILTER_CHANGED\"}\n");
	add_line(&sb, now - 600, "info", "primary", "process started");
	add_line(&sb, now - 300, "error", "primary", "primary: timed out waiting for response");
	path = write_file("multipassd.log", sb.buf, 0644);

	run_probe(&r, "log", "file", path, "pattern", "timed out waiting for response", NULL);
	expect_outcome(&r, "found");
	expect_fact(&r, "log.source", path);
	expect_fact(&r, "log.count", "1");
	probe_result_free(&r);

	/* An info-level log: the QMP event three days ago is outside the window. */
	run_probe(&r, "log", "file", path, "pattern", "NIC_RX_FILTER_CHANGED", NULL);
	expect_outcome(&r, "hidden");
	probe_result_free(&r);
	run_probe(&r, "log", "file", path, "pattern", "NIC_RX_FILTER_CHANGED", "since", "4d", NULL);
	expect_outcome(&r, "found");
	probe_result_free(&r);
	run_probe(&r, "log", "file", path, "pattern", "Goodbye", NULL);
	expect_outcome(&r, "not_found");
	probe_result_free(&r);
	run_probe(&r, "log", "file", path, "pattern", "x", "since", "1m", NULL);
	expect_outcome(&r, "no_log");
	probe_result_free(&r);

	run_probe(&r, "log", "file", missing, "pattern", "x", NULL);
	expect_outcome(&r, "no_log");
	probe_result_free(&r);
	run_probe(&r, "log", "file", tmpdir, "pattern", "x", NULL);
	expect_outcome(&r, OUTCOME_ERROR);
	probe_result_free(&r);

	if (geteuid() != 0) {
		chmod(path, 0);
		run_probe(&r, "log", "file", path, "pattern", "x", NULL);
		expect_outcome(&r, "unreadable");
		assert_non_null(strstr(r.summary, "sudo"));
		probe_result_free(&r);
	}
	strbuf_free(&sb);
	free(path);
	free(missing);
}

/* A log bigger than the probe reads whole: its newest part is read with tail. */
static void
test_live_big_file(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	struct probe_result r;
	time_t now = time(NULL);
	char *path;

	(void)state;
	while (sb.len < 9 * 1024 * 1024)
		add_line(&sb, now - 2 * 86400, "info", "daemon", "an old line to fill the log up");
	add_line(&sb, now - 60, "error", "primary", "primary: timed out waiting for response");
	path = write_file("big.log", sb.buf, 0644);
	run_probe(&r, "log", "file", path, "pattern", "timed out", NULL);
	expect_outcome(&r, "found");
	assert_true(lines_have(&r.evidence, "only its last 8 MiB were read"));
	expect_fact(&r, "log.count", "1");
	probe_result_free(&r);
	strbuf_free(&sb);
	free(path);
}

/* The real journalctl, asked for a unit nothing ever logged under. */
static void
test_live_journal(void **state)
{
	struct probe_result r;
	char unit[64];

	(void)state;
	if (strcmp(host_os(host_live()), "linux") != 0 ||
	    (access("/usr/bin/journalctl", X_OK) != 0 && access("/bin/journalctl", X_OK) != 0)) {
		print_message("# skipped: no journalctl here\n");
		return;
	}
	snprintf(unit, sizeof unit, "vmtriage-test-none-%ld.service", (long)getpid());
	run_probe(&r, "log", "pattern", "NIC_RX_FILTER_CHANGED", "unit", unit, NULL);
	if (strcmp(r.outcome, "unreadable") != 0)
		expect_outcome(&r, "no_log");
	expect_fact(&r, "log.source", "journal");
	assert_true(r.elapsed_ms < 20000);
	probe_result_free(&r);

	/* A glob that matches no unit: journalctl says "No data available" and exits 1. */
	snprintf(unit, sizeof unit, "vmtriage-test-none-%ld-*", (long)getpid());
	run_probe(&r, "log", "pattern", "x", "unit", unit, "since", "1h", NULL);
	if (strcmp(r.outcome, "unreadable") != 0)
		expect_outcome(&r, "no_log");
	assert_true(r.elapsed_ms < 20000);
	probe_result_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_linux_found),
	    cmocka_unit_test(test_linux_not_found),
	    cmocka_unit_test(test_linux_hidden),
	    cmocka_unit_test(test_linux_no_log),
	    cmocka_unit_test(test_linux_unreadable),
	    cmocka_unit_test(test_linux_errors),
	    cmocka_unit_test(test_params),
	    cmocka_unit_test(test_darwin),
	    cmocka_unit_test(test_darwin_unreadable),
	    cmocka_unit_test(test_darwin_big),
	    cmocka_unit_test(test_windows),
	    cmocka_unit_test(test_live_file),
	    cmocka_unit_test(test_live_big_file),
	    cmocka_unit_test(test_live_journal),
	};

	/* multipassd's macOS log carries local time; the fixtures were written in UTC. */
	set_tz("UTC0");
	return cmocka_run_group_tests(tests, tmpdir_setup, tmpdir_teardown);
}
