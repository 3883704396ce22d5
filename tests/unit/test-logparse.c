/*
 * test-logparse.c: the log probe's parsers on recorded journal output, a
 * macOS multipassd.log and Windows event lines (tests/data/log), and on
 * the awkward cases written inline: times with zones and without, levels,
 * categories, continuation lines, CRLF, long lines, bytes that are not
 * UTF-8, durations, unit names, and which patterns only debug logs hold.
 */
#include "config.h"

#include "cmocka-prelude.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "probe/logparse.h"
#include "testutil.h"

/* 2024-09-22T10:13:20Z */
#define NOW_US (INT64_C(1727000000) * 1000000)

static void
set_tz(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
}

static int64_t
parse_time(const char *s)
{
	int64_t us = -1;
	size_t used = 0;

	assert_true(log_time_parse(s, strlen(s), &us, &used));
	assert_int_equal(used, strlen(s));
	return us;
}

static void
parse(enum log_format f, const char *text, struct log_parse *lp)
{
	log_parse_text(f, text, strlen(text), lp);
}

static void
parse_fixture(enum log_format f, const char *name, struct log_parse *lp)
{
	size_t len;
	char *text = fixture_read(name, &len);

	log_parse_text(f, text, len, lp);
	free(text);
}

/* ---- levels, times, durations, units ------------------------------------ */

static void
test_levels(void **state)
{
	(void)state;
	assert_int_equal(log_level_parse("debug", 5), LOG_LEVEL_DEBUG);
	assert_int_equal(log_level_parse("DEBUG", 5), LOG_LEVEL_DEBUG);
	assert_int_equal(log_level_parse("warning", 7), LOG_LEVEL_WARNING);
	assert_int_equal(log_level_parse("warn", 4), LOG_LEVEL_WARNING);
	assert_int_equal(log_level_parse("trace", 5), LOG_LEVEL_TRACE);
	assert_int_equal(log_level_parse("Information", 11), LOG_LEVEL_INFO);
	assert_int_equal(log_level_parse("error", 5), LOG_LEVEL_ERROR);
	assert_int_equal(log_level_parse("debugging", 9), LOG_LEVEL_UNKNOWN);
	assert_int_equal(log_level_parse("debug", 4), LOG_LEVEL_UNKNOWN); /* "debu" */
	assert_int_equal(log_level_parse("", 0), LOG_LEVEL_UNKNOWN);

	assert_int_equal(log_level_from_syslog(0), LOG_LEVEL_ERROR);
	assert_int_equal(log_level_from_syslog(3), LOG_LEVEL_ERROR);
	assert_int_equal(log_level_from_syslog(4), LOG_LEVEL_WARNING);
	assert_int_equal(log_level_from_syslog(5), LOG_LEVEL_INFO);
	assert_int_equal(log_level_from_syslog(6), LOG_LEVEL_INFO);
	assert_int_equal(log_level_from_syslog(7), LOG_LEVEL_DEBUG);
	assert_int_equal(log_level_from_syslog(8), LOG_LEVEL_UNKNOWN);
	assert_int_equal(log_level_from_syslog(-1), LOG_LEVEL_UNKNOWN);

	assert_int_equal(log_level_from_winevent(2), LOG_LEVEL_ERROR);
	assert_int_equal(log_level_from_winevent(1), LOG_LEVEL_ERROR);
	assert_int_equal(log_level_from_winevent(3), LOG_LEVEL_WARNING);
	assert_int_equal(log_level_from_winevent(4), LOG_LEVEL_INFO);
	assert_int_equal(log_level_from_winevent(0), LOG_LEVEL_INFO);
	assert_int_equal(log_level_from_winevent(5), LOG_LEVEL_DEBUG);
	assert_int_equal(log_level_from_winevent(9), LOG_LEVEL_UNKNOWN);

	assert_string_equal(log_level_name(LOG_LEVEL_WARNING), "warning");
	assert_string_equal(log_level_name(LOG_LEVEL_UNKNOWN), "unknown");
}

static void
test_times_with_zones(void **state)
{
	int64_t us;
	size_t used;

	(void)state;
	assert_true(parse_time("2024-09-22T10:13:20Z") == NOW_US);
	assert_true(parse_time("2024-09-22T10:13:20.5Z") == NOW_US + 500000);
	assert_true(parse_time("2024-09-22T12:13:20+02:00") == NOW_US);
	assert_true(parse_time("2024-09-22T12:13:20+0200") == NOW_US);
	assert_true(parse_time("2024-09-22T05:13:20-05") == NOW_US);
	assert_true(parse_time("2024-09-22 10:13:20Z") == NOW_US);
	/* Windows' round-trip format: seven fraction digits; microseconds are kept. */
	assert_true(parse_time("2024-09-22T11:55:00.2501234+02:00") ==
	            INT64_C(1726998900) * 1000000 + 250123);
	assert_true(parse_time("2024-09-22T10:13:20,123456789Z") == NOW_US + 123456);
	assert_true(parse_time("1970-01-01T00:00:00Z") == 0);
	assert_true(parse_time("2024-02-29T00:00:00Z") == INT64_C(1709164800) * 1000000);
	assert_true(parse_time("2000-03-01T00:00:00Z") == INT64_C(951868800) * 1000000);
	assert_true(parse_time("2400-03-01T00:00:00Z") == INT64_C(13574649600) * 1000000);

	/* What follows the time is left alone. */
	assert_true(log_time_parse("2024-09-22T10:13:20.123] [debug]", 32, &us, &used));
	assert_int_equal(used, 23);

	assert_false(log_time_parse("2024-13-01T00:00:00Z", 20, &us, &used));
	assert_false(log_time_parse("2023-02-29T00:00:00Z", 20, &us, &used));
	assert_false(log_time_parse("2024-09-31T00:00:00Z", 20, &us, &used));
	assert_false(log_time_parse("2024-09-22T24:00:00Z", 20, &us, &used));
	assert_false(log_time_parse("2024-09-22T10:13Z", 17, &us, &used));
	assert_false(log_time_parse("2024-09-22T10:13:20.Z", 21, &us, &used));
	assert_false(log_time_parse("2024-09-22T10:13:20+2", 21, &us, &used));
	assert_false(log_time_parse("2024-09-22X10:13:20", 19, &us, &used));
	assert_false(log_time_parse("1969-12-31T23:59:59Z", 20, &us, &used));
	assert_false(log_time_parse("24-09-22T10:13:20", 17, &us, &used));
	/* Never past len, even when the text goes on. */
	assert_false(log_time_parse("2024-09-22T10:13:20Z", 10, &us, &used));
}

static void
test_times_without_zone(void **state)
{
	(void)state;
	/* multipassd's macOS log: local time, as TZ says. */
	set_tz("UTC0");
	assert_true(parse_time("2024-09-22T10:13:20.000") == NOW_US);
	set_tz("XYZ-2");
	assert_true(parse_time("2024-09-22T12:13:20.000") == NOW_US);
	set_tz("ABC+5");
	assert_true(parse_time("2024-09-22T05:13:20") == NOW_US);
	set_tz("UTC0");
}

static void
test_time_format(void **state)
{
	char *s;

	(void)state;
	s = log_time_format(NOW_US + 500871, true);
	assert_string_equal(s, "2024-09-22T10:13:20.500Z");
	free(s);
	s = log_time_format(NOW_US + 999999, false);
	assert_string_equal(s, "2024-09-22T10:13:20Z");
	free(s);
	s = log_time_format(0, true);
	assert_string_equal(s, "1970-01-01T00:00:00.000Z");
	free(s);
}

static void
test_durations(void **state)
{
	const char *problem = NULL;
	long s = 0;
	char *f;

	(void)state;
	assert_true(log_duration_parse("30m", &s, &problem));
	assert_int_equal(s, 1800);
	assert_true(log_duration_parse("2h", &s, &problem));
	assert_int_equal(s, 7200);
	assert_true(log_duration_parse("7d", &s, &problem));
	assert_int_equal(s, 604800);
	assert_true(log_duration_parse("1w", &s, &problem));
	assert_int_equal(s, 604800);
	assert_true(log_duration_parse("1h30m", &s, &problem));
	assert_int_equal(s, 5400);
	assert_true(log_duration_parse("90s", &s, &problem));
	assert_int_equal(s, 90);
	assert_true(log_duration_parse("366d", &s, &problem));
	assert_int_equal(s, 366L * 86400);

	assert_false(log_duration_parse("", &s, &problem));
	assert_non_null(strstr(problem, "empty"));
	assert_false(log_duration_parse("10", &s, &problem));
	assert_non_null(strstr(problem, "unit"));
	assert_false(log_duration_parse("5x", &s, &problem));
	assert_false(log_duration_parse("m", &s, &problem));
	assert_false(log_duration_parse("-5m", &s, &problem));
	assert_false(log_duration_parse("1h 30m", &s, &problem));
	assert_false(log_duration_parse("1.5h", &s, &problem));
	assert_false(log_duration_parse("0m", &s, &problem));
	assert_non_null(strstr(problem, "at least"));
	assert_false(log_duration_parse("367d", &s, &problem));
	assert_non_null(strstr(problem, "366"));
	assert_false(log_duration_parse("99999999999999999999999d", &s, &problem));
	assert_false(log_duration_parse("365d24h1s", &s, &problem));
	assert_false(log_duration_parse(NULL, &s, &problem));

	f = log_duration_format(86400);
	assert_string_equal(f, "24h");
	free(f);
	f = log_duration_format(7 * 86400);
	assert_string_equal(f, "7d");
	free(f);
	f = log_duration_format(1800);
	assert_string_equal(f, "30m");
	free(f);
	f = log_duration_format(5400);
	assert_string_equal(f, "90m");
	free(f);
	f = log_duration_format(61);
	assert_string_equal(f, "61s");
	free(f);
}

static void
test_units(void **state)
{
	char longname[300];

	(void)state;
	assert_true(log_unit_valid("snap.multipass*"));
	assert_true(log_unit_valid("snap.multipass.multipassd.service"));
	assert_true(log_unit_valid("user@1000.service"));
	assert_true(log_unit_valid("a:b_c-d"));
	assert_false(log_unit_valid(""));
	assert_false(log_unit_valid(NULL));
	assert_false(log_unit_valid("-x"));
	assert_false(log_unit_valid("--unit=x"));
	assert_false(log_unit_valid("a b"));
	assert_false(log_unit_valid("a;b"));
	assert_false(log_unit_valid("a/b"));
	assert_false(log_unit_valid("snap.multipass?"));
	assert_false(log_unit_valid("\xc3\xa9t\xc3\xa9"));
	memset(longname, 'a', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	assert_false(log_unit_valid(longname));
}

static void
test_clean_text(void **state)
{
	static const char in[] = "ok \xff bad \xc0\xaf overlong \xed\xa0\x80 surrogate "
	                         "\xc2\x85 c1 \x01 ctl\r\n\tline 2 \xe5\x90\x8d\xe5\x89\x8d "
	                         "\xf4\x90\x80\x80 big \xe5\x90 cut  \n\n ";
	size_t len = 0;
	char *s = log_text_clean(in, sizeof in - 1, &len);

	(void)state;
	assert_string_equal(s, "ok ? bad ?? overlong ??? surrogate ? c1 ? ctl\n\tline 2 名前 "
	                       "???? big ?? cut");
	assert_int_equal(len, strlen(s));
	free(s);
	s = log_text_clean("", 0, NULL);
	assert_string_equal(s, "");
	free(s);
	s = log_text_clean("a\0b", 3, NULL);
	assert_string_equal(s, "a?b");
	free(s);
}

/* ---- the macOS text log ------------------------------------------------- */

static void
test_multipassd_fixture(void **state)
{
	struct log_parse lp;
	const struct log_entry *e;

	(void)state;
	set_tz("UTC0");
	parse_fixture(LOG_FORMAT_MULTIPASSD, "log/multipassd-debug.log", &lp);
	assert_int_equal(lp.n, 15);
	assert_int_equal(lp.skipped, 0);
	for (size_t i = 0; i < lp.n; i++)
		assert_true(lp.v[i].dated);

	e = &lp.v[0];
	assert_int_equal(e->line, 1);
	assert_int_equal(e->level, LOG_LEVEL_INFO);
	assert_string_equal(e->category, "daemon");
	assert_string_equal(e->message, "Starting Multipass 1.14.0");
	assert_true(e->usec == parse_time("2024-09-20T08:00:01.215Z"));

	/* The QMP line's blank follower belongs to it, and is cut off again. */
	e = &lp.v[2];
	assert_int_equal(e->level, LOG_LEVEL_DEBUG);
	assert_string_equal(e->category, "primary");
	assert_true(str_has_prefix(e->message, "QMP: {\"timestamp\""));
	assert_true(str_has_suffix(e->message, "virtio-backend\"}}"));

	/* The message itself starts with a bracket: the category is the one before it. */
	e = &lp.v[3];
	assert_string_equal(e->category, "qemu-system-aarch64");
	assert_string_equal(e->message, "[1526] started: qemu-system-aarch64 --version");
	assert_int_equal(e->line, 5);

	/* A very long line stays whole. */
	e = &lp.v[6];
	assert_true(strlen(e->message) > 700);
	assert_true(str_has_suffix(e->message, "cloud-init-config.iso'"));

	/* "[warning] [qemu-system-aarch64] ": an empty message. */
	e = &lp.v[9];
	assert_int_equal(e->level, LOG_LEVEL_WARNING);
	assert_string_equal(e->category, "qemu-system-aarch64");
	assert_string_equal(e->message, "");

	e = &lp.v[13];
	assert_int_equal(e->level, LOG_LEVEL_ERROR);
	assert_string_equal(e->message, "primary: timed out waiting for response");
	assert_true(e->usec == parse_time("2024-09-22T09:55:00.250Z"));
	assert_string_equal(lp.v[14].category, "other");
	log_parse_free(&lp);
	assert_null(lp.v);
}

static void
test_multipassd_awkward(void **state)
{
	struct log_parse lp;
	struct strbuf big = STRBUF_INIT;

	(void)state;
	set_tz("UTC0");
	/* Text before the first entry (a log cut by tail), CRLF, continuations. */
	parse(LOG_FORMAT_MULTIPASSD,
	      "ed\": {}}\r\n"
	      "\r\n"
	      "[2024-09-22T09:50:00.010] [info] [primary] first\r\n"
	      "  second line\r\n"
	      "third \xff\xfe line\r\n"
	      "[2024-09-22T09:50:00.009] [DEBUG] [Qt] earlier in the file, later in order? no: "
	      "earlier\n"
	      "[warning] [daemon] before the logger was set up\n"
	      "[2024-09-22T09:50:01] [bogus] [sshfs mount] level unknown, category with a space\n"
	      "[2024-09-22T09:50:02.000] [info] no category\n"
	      "[1526] not an entry, a continuation\n"
	      "[2024-09-22T09:50:03.000] [error] [cat]",
	      &lp);
	assert_int_equal(lp.lines, 11);
	assert_int_equal(lp.skipped, 1);
	assert_string_equal(lp.first_skipped, "ed\": {}}");
	assert_int_equal(lp.n, 6);
	/* Sorted by time: the second entry of the file is the oldest. */
	assert_string_equal(lp.v[0].category, "Qt");
	assert_int_equal(lp.v[0].level, LOG_LEVEL_DEBUG);
	assert_int_equal(lp.v[0].line, 6);
	assert_string_equal(lp.v[1].message, "first\n  second line\nthird ?? line");
	assert_int_equal(lp.v[1].line, 3);
	assert_int_equal(lp.v[2].level, LOG_LEVEL_UNKNOWN);
	assert_string_equal(lp.v[2].category, "sshfs mount");
	assert_null(lp.v[3].category);
	assert_string_equal(lp.v[3].message, "no category\n[1526] not an entry, a continuation");
	assert_string_equal(lp.v[4].category, "cat");
	assert_string_equal(lp.v[4].message, "");
	/* No time: kept, last. */
	assert_false(lp.v[5].dated);
	assert_int_equal(lp.v[5].level, LOG_LEVEL_WARNING);
	assert_string_equal(lp.v[5].category, "daemon");
	assert_string_equal(lp.v[5].message, "before the logger was set up");
	log_parse_free(&lp);

	/* A 1 MiB line. */
	strbuf_adds(&big, "[2024-09-22T09:50:00.000] [debug] [primary] ");
	for (int i = 0; i < 1024 * 1024; i++)
		strbuf_addc(&big, (char)('a' + i % 26));
	log_parse_text(LOG_FORMAT_MULTIPASSD, big.buf, big.len, &lp);
	assert_int_equal(lp.n, 1);
	assert_int_equal(strlen(lp.v[0].message), 1024 * 1024);
	log_parse_free(&lp);
	strbuf_free(&big);

	parse(LOG_FORMAT_MULTIPASSD, "", &lp);
	assert_int_equal(lp.n, 0);
	assert_int_equal(lp.lines, 0);
	log_parse_free(&lp);
}

/* ---- the journal -------------------------------------------------------- */

static void
test_journal_fixture(void **state)
{
	struct log_parse lp;
	const struct log_entry *e;
	size_t debug = 0, qmp = 0;

	(void)state;
	parse_fixture(LOG_FORMAT_JOURNAL_JSON, "log/journal-debug.json", &lp);
	assert_int_equal(lp.lines, 21);
	assert_int_equal(lp.n, 21);
	assert_int_equal(lp.skipped, 0);
	/* journalctl --reverse printed the newest first; entries come oldest first. */
	for (size_t i = 1; i < lp.n; i++)
		assert_true(lp.v[i - 1].usec <= lp.v[i].usec);

	e = &lp.v[0];
	assert_true(e->usec == parse_time("2024-09-20T08:00:00.104211Z"));
	assert_string_equal(e->source, "systemd");
	assert_null(e->category);
	assert_int_equal(e->level, LOG_LEVEL_INFO);
	assert_string_equal(e->message,
	                    "Started Service for snap application multipass.multipassd.");
	assert_int_equal(e->line, 21);

	for (size_t i = 0; i < lp.n; i++) {
		e = &lp.v[i];
		assert_true(e->dated);
		if (e->level == LOG_LEVEL_DEBUG)
			debug++;
		if (str_has_prefix(e->message, "QMP: "))
			qmp++;
		/* The newline multipassd ends QMP messages with is gone. */
		assert_false(str_has_suffix(e->message, "\n"));
	}
	assert_int_equal(debug, 9);
	assert_int_equal(qmp, 5);

	/* MESSAGE as an array of bytes: not UTF-8, cleaned. */
	e = &lp.v[11];
	assert_string_equal(e->category, "qemu-system-x86_64");
	assert_int_equal(e->level, LOG_LEVEL_WARNING);
	assert_string_equal(e->message,
	                    "qemu-system-x86_64: warning: host doesn't support requested "
	                    "feature: ?? CPUID.80000001H:ECX.svm [bit 2]");

	e = &lp.v[13];
	assert_string_equal(e->source, "dnsmasq-dhcp");
	assert_null(e->category);
	assert_string_equal(e->message, "DHCPDISCOVER(mpqemubr0) 52:54:00:b6:b2:3a");

	e = &lp.v[19];
	assert_int_equal(e->level, LOG_LEVEL_ERROR);
	assert_string_equal(e->category, "primary");
	assert_string_equal(e->message, "primary: timed out waiting for response");
	assert_true(e->usec == parse_time("2024-09-22T09:55:00.250123Z"));
	log_parse_free(&lp);

	parse_fixture(LOG_FORMAT_JOURNAL_JSON, "log/journal-info.json", &lp);
	assert_int_equal(lp.n, 12);
	for (size_t i = 0; i < lp.n; i++)
		assert_int_not_equal(lp.v[i].level, LOG_LEVEL_DEBUG);
	log_parse_free(&lp);
}

static void
test_journal_awkward(void **state)
{
	struct log_parse lp;

	(void)state;
	parse(
	    LOG_FORMAT_JOURNAL_JSON,
	    "-- No entries --\n"
	    "{\"__REALTIME_TIMESTAMP\":\"1727000000000001\",\"PRIORITY\":\"6\","
	    "\"MESSAGE\":\"two\\nlines\\ttab \\\"q\\\" \\\\ \\u00e9\"}\n"
	    "{\"__REALTIME_TIMESTAMP\":\"1727000000000002\",\"MESSAGE\":null,\"PRIORITY\":\"4\"}\n"
	    "{\"__REALTIME_TIMESTAMP\":\"1727000000000003\",\"MESSAGE\":[\"first\",\"second\"]}\n"
	    "{\"__REALTIME_TIMESTAMP\":\"1727000000000004\",\"SYSLOG_IDENTIFIER\":\"multipassd\","
	    "\"PRIORITY\":\"7\",\"MESSAGE\":\"[primary] QMP: {\\\"return\\\": {}}\"}\n"
	    "{\"__REALTIME_TIMESTAMP\":\"1727000000000005\",\"MESSAGE\":[[104,105],[255]]}\n"
	    "{\"__REALTIME_TIMESTAMP\":\"1727000000000006\",\"MESSAGE\":[104,300]}\n"
	    "{\"__REALTIME_TIMESTAMP\":\"1727000000000007\",\"MESSAGE\":\"cut in the midd\n"
	    "{\"MESSAGE\":\"no time\",\"CATEGORY\":\"primary\"}\r\n"
	    "{\"__REALTIME_TIMESTAMP\":\"1727000000000008\",\"MESSAGE\":{\"a\":\"b\"}}\n"
	    "not json at all\n",
	    &lp);
	assert_int_equal(lp.lines, 11);
	assert_int_equal(lp.skipped, 5);
	assert_string_equal(lp.first_skipped, "-- No entries --");
	assert_int_equal(lp.n, 6);
	assert_string_equal(lp.v[0].message, "two\nlines\ttab \"q\" \\ é");
	assert_int_equal(lp.v[0].level, LOG_LEVEL_INFO);
	assert_string_equal(lp.v[1].message, "");
	assert_int_equal(lp.v[1].level, LOG_LEVEL_WARNING);
	assert_string_equal(lp.v[2].message, "first");
	assert_int_equal(lp.v[2].level, LOG_LEVEL_UNKNOWN);
	/* multipassd's syslog logger: the category is in the message. */
	assert_string_equal(lp.v[3].category, "primary");
	assert_string_equal(lp.v[3].message, "QMP: {\"return\": {}}");
	assert_string_equal(lp.v[4].message, "hi");
	assert_false(lp.v[5].dated);
	assert_string_equal(lp.v[5].category, "primary");
	log_parse_free(&lp);
}

/* ---- the Windows event log ---------------------------------------------- */

static void
test_winevent(void **state)
{
	struct log_parse lp;

	(void)state;
	parse_fixture(LOG_FORMAT_WINEVENT, "log/winevent.txt", &lp);
	assert_int_equal(lp.n, 6);
	assert_int_equal(lp.skipped, 0);
	assert_string_equal(lp.v[0].category, "daemon");
	assert_string_equal(lp.v[0].message, "Starting Multipass 1.14.0");
	assert_true(lp.v[0].usec == parse_time("2024-09-20T08:00:01.215003Z"));
	assert_int_equal(lp.v[0].level, LOG_LEVEL_INFO);
	assert_string_equal(lp.v[4].category, "primary");
	assert_int_equal(lp.v[4].level, LOG_LEVEL_WARNING);
	assert_int_equal(lp.v[5].level, LOG_LEVEL_ERROR);
	assert_string_equal(lp.v[5].message, "primary: timed out waiting for response");
	assert_true(lp.v[5].usec == parse_time("2024-09-22T09:55:00.250123Z"));
	log_parse_free(&lp);

	parse(LOG_FORMAT_WINEVENT,
	      "\xef\xbb\xbf"
	      "2024-09-22T11:55:00.2501234+02:00 2 [primary] a\r\n"
	      "2024-09-22T11:55:01.0000000+02:00 Warning [daemon] level as a word\r\n"
	      "2024-09-22T11:55:02.0000000+02:00 4 no category \xff\r\n"
	      "2024-09-22T11:55:03.0000000+02:00 4\r\n"
	      "2024-09-22T11:55:04.0000000+02:00\r\n"
	      "garbage\r\n",
	      &lp);
	assert_int_equal(lp.n, 4);
	assert_int_equal(lp.skipped, 2);
	assert_string_equal(lp.v[0].category, "primary");
	assert_string_equal(lp.v[0].message, "a");
	assert_int_equal(lp.v[1].level, LOG_LEVEL_WARNING);
	assert_null(lp.v[2].category);
	assert_string_equal(lp.v[2].message, "no category ?");
	assert_string_equal(lp.v[3].message, "");
	log_parse_free(&lp);
}

/* ---- questions ---------------------------------------------------------- */

/* An entry of category cat (NULL: none) with message msg. */
static bool
of_instance(const char *cat, const char *msg, const char *name)
{
	struct log_entry e;
	bool yes;

	memset(&e, 0, sizeof e);
	e.category = cat != NULL ? xstrdup(cat) : NULL;
	e.message = xstrdup(msg);
	yes = log_entry_of_instance(&e, name);
	free(e.category);
	free(e.message);
	return yes;
}

static void
test_instance(void **state)
{
	(void)state;
	assert_true(of_instance("primary", "QMP: {}", "primary"));
	assert_false(of_instance("primary", "QMP: {}", "prim"));
	assert_true(of_instance("daemon", "primary: timed out waiting for response", "primary"));
	assert_false(of_instance("daemon", "primary2: timed out waiting for response", "primary"));
	assert_false(of_instance("daemon", "primary:no space", "primary"));
	assert_false(of_instance(NULL, "primary", "primary"));
}

static void
test_debug_patterns(void **state)
{
	(void)state;
	assert_true(log_pattern_is_debug("NIC_RX_FILTER_CHANGED"));
	assert_true(log_pattern_is_debug("nic_rx_filter_changed"));
	assert_true(log_pattern_is_debug("QMP"));
	assert_true(log_pattern_is_debug("qmp.*event"));
	assert_true(log_pattern_is_debug("RX_FILTER"));
	assert_true(log_pattern_is_debug("\"event\""));
	assert_true(log_pattern_is_debug("Waiting for SSH"));
	assert_true(log_pattern_is_debug("Caching initial SSH session"));
	assert_true(log_pattern_is_debug("Connection refused"));
	assert_true(log_pattern_is_debug("started: qemu-img"));

	assert_false(log_pattern_is_debug("."));
	assert_false(log_pattern_is_debug("x*"));
	assert_false(log_pattern_is_debug("timed out waiting for response"));
	assert_false(log_pattern_is_debug("SSH"));
	assert_false(log_pattern_is_debug("DHCPACK"));
	assert_false(log_pattern_is_debug("process"));
	assert_false(log_pattern_is_debug("nothing like this"));
	assert_false(log_pattern_is_debug("nic_rx"));
	assert_false(log_pattern_is_debug("(unclosed"));
}

static void
test_command_answers(void **state)
{
	size_t len;
	char *denied = fixture_read("log/journal-denied.err", &len);
	char *hint = fixture_read("log/journal-hint.err", NULL);
	char *nodata = fixture_read("log/journal-nodata.err", NULL);
	char *none = fixture_read("log/winevent-none.err", NULL);

	(void)state;
	assert_true(log_journal_denied(denied, len));
	assert_true(log_journal_denied(hint, strlen(hint)));
	assert_false(log_journal_denied(nodata, strlen(nodata)));
	assert_false(log_journal_denied("", 0));
	/* Only len bytes count. */
	assert_false(log_journal_denied(denied, 20));

	assert_true(log_journal_empty("", 0, nodata, strlen(nodata)));
	assert_true(log_journal_empty("", 0, "No journal files were found.\n", 29));
	assert_true(log_journal_empty("-- No entries --\n", 17, "", 0));
	assert_true(log_journal_empty("\n-- No entries --", 17, "", 0));
	assert_false(log_journal_empty("", 0, "", 0));
	assert_false(log_journal_empty("-- No entries --x", 17, "", 0));
	assert_false(
	    log_journal_empty("", 0, "journalctl: unrecognized option '--output-fields'", 49));
	assert_false(log_journal_empty("{\"MESSAGE\":\"x\"}\n", 16, "", 0));

	assert_true(log_winevent_none(none, strlen(none)));
	assert_false(log_winevent_none(denied, len));
	assert_true(log_winevent_denied("Get-WinEvent : Attempted to perform an unauthorized "
	                                "operation.",
	                                63));
	assert_false(log_winevent_denied(none, strlen(none)));
	free(denied);
	free(hint);
	free(nodata);
	free(none);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_levels),
	    cmocka_unit_test(test_times_with_zones),
	    cmocka_unit_test(test_times_without_zone),
	    cmocka_unit_test(test_time_format),
	    cmocka_unit_test(test_durations),
	    cmocka_unit_test(test_units),
	    cmocka_unit_test(test_clean_text),
	    cmocka_unit_test(test_multipassd_fixture),
	    cmocka_unit_test(test_multipassd_awkward),
	    cmocka_unit_test(test_journal_fixture),
	    cmocka_unit_test(test_journal_awkward),
	    cmocka_unit_test(test_winevent),
	    cmocka_unit_test(test_instance),
	    cmocka_unit_test(test_debug_patterns),
	    cmocka_unit_test(test_command_answers),
	};

	set_tz("UTC0");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
