/*
 * logparse.h: the pure parsers behind the log probe. They read the three
 * shapes multipassd's log takes (the systemd journal as `journalctl
 * --output=json` prints it, the text file multipassd writes on macOS, and
 * the Windows Application event log as paths.c's PowerShell command prints
 * it) into entries with a time, a level, a category and a message, and
 * answer the small questions the probe asks about them. None of them
 * touches the machine: the probe reads the log through a host.
 */
#ifndef VT_PROBE_LOGPARSE_H
#define VT_PROBE_LOGPARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* multipassd's levels, most severe first; UNKNOWN when a line names none. */
enum log_level {
	LOG_LEVEL_UNKNOWN = 0,
	LOG_LEVEL_ERROR,
	LOG_LEVEL_WARNING,
	LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG,
	LOG_LEVEL_TRACE,
};
#define LOG_LEVEL_COUNT 6

/* "error", "warning", "info", "debug", "trace"; "unknown". */
const char *log_level_name(enum log_level);
/* A level word as multipassd writes it ("debug"), case ignored; a few synonyms ("warn"). */
enum log_level log_level_parse(const char *s, size_t len);
/* A syslog priority (the journal's PRIORITY): 0-3 error, 4 warning, 5-6 info, 7 debug. */
enum log_level log_level_from_syslog(long priority);
/*
 * A Windows event level: 1-2 error, 3 warning, 0 and 4 info, 5 debug.
 * multipassd reports debug and trace messages as Information (4) too.
 */
enum log_level log_level_from_winevent(long level);

/*
 * Reads an ISO 8601 time at s: YYYY-MM-DD, 'T' or ' ', hh:mm:ss, an optional
 * fraction (any number of digits; microseconds kept), and an optional zone
 * (Z, +hh:mm, +hhmm, +hh). A time without a zone is local time, as
 * multipassd's text log writes it (mktime decides, so TZ applies). Sets
 * *usec to microseconds since the epoch and *used to the bytes read.
 */
bool log_time_parse(const char *s, size_t len, int64_t *usec, size_t *used);
/*
 * From now on, read a time without a zone as UTC plus offset seconds (a
 * snapshot's log, written in the zone of the machine it came from), or, with
 * known false, in this machine's local time again.
 */
void log_time_assume_offset(bool known, long offset);
/* usec as UTC, "2024-09-22T09:50:14.500Z" (with_ms) or "2024-09-22T09:50:14Z". Owned. */
char *log_time_format(int64_t usec, bool with_ms);

/*
 * A duration such as "30m", "2h", "7d", "1w" or "1h30m": whole numbers each
 * followed by s, m, h, d or w, from 1 second to 366 days. False with
 * *problem (untranslated, N_) when it is not one.
 */
bool log_duration_parse(const char *s, long *seconds, const char **problem);
/* A duration as the fewest words: 86400 -> "24h", 604800 -> "7d", 90 -> "90s". Owned. */
char *log_duration_format(long seconds);

/* A journal unit glob journalctl may be given: [A-Za-z0-9@._:*-]+, no leading '-'. */
bool log_unit_valid(const char *s);

/*
 * len bytes as clean UTF-8: invalid sequences and control characters other
 * than tab and newline become '?', CR is dropped, and trailing white space
 * is cut. Owned; *out_len (may be NULL) gets its length.
 */
char *log_text_clean(const char *s, size_t len, size_t *out_len);

enum log_format {
	LOG_FORMAT_JOURNAL_JSON, /* journalctl --output=json: one JSON object a line */
	LOG_FORMAT_MULTIPASSD,   /* [time] [level] [category] message */
	LOG_FORMAT_WINEVENT,     /* time level [category] message, paths.c's PowerShell */
};

struct log_entry {
	int64_t usec; /* when, microseconds since the epoch (UTC); valid when dated */
	bool dated;
	enum log_level level;
	char *category; /* multipassd's category (an instance name, "daemon"); NULL: none */
	char *source;   /* the program that logged it (the journal's SYSLOG_IDENTIFIER); NULL */
	char *message;  /* clean UTF-8 (log_text_clean); a message's lines joined by '\n' */
	size_t line;    /* 1-based line of the text where it starts */
};

struct log_parse {
	struct log_entry *v; /* oldest first (stable for equal times); undated ones last */
	size_t n;
	size_t lines;   /* lines in the text */
	size_t skipped; /* lines that belong to no entry (notices, garbage, a cut first line) */
	char *first_skipped; /* the first of them, cleaned and shortened; NULL when none */
};

/*
 * Parses a whole log. In the multipassd format a line that does not start
 * an entry continues the one before it (a QMP message ends in a newline,
 * qemu's output has many); CRLF line ends are accepted. The journal's
 * MESSAGE may be a string or, for bytes that are not UTF-8, an array of
 * byte values; both become clean text. Never fails; free with
 * log_parse_free.
 */
void log_parse_text(enum log_format, const char *buf, size_t len, struct log_parse *out);
void log_parse_free(struct log_parse *);

/*
 * Whether an entry belongs to instance name: its category is the name, or
 * its message starts with "NAME: " (the daemon's wording of per-instance
 * errors, "primary: timed out waiting for response").
 */
bool log_entry_of_instance(const struct log_entry *, const char *name);

/*
 * Whether a pattern looks for something multipassd logs only at debug (or
 * trace) level, so that its absence from a log without debug lines proves
 * nothing. True when the pattern names QMP or NIC_RX_FILTER_CHANGED (case
 * ignored), or matches one of a few known debug-only messages (QMP events,
 * "Waiting for SSH to be up", "[1526] started: ...") and none of the known
 * info, warning and error ones. False for a pattern that does not compile.
 */
bool log_pattern_is_debug(const char *pattern);

/* journalctl's stderr says the caller may not read the system journal. */
bool log_journal_denied(const char *err, size_t len);
/*
 * journalctl says there is nothing to show: no journal files, no unit
 * matching the glob ("Failed to add filter for units: No data available",
 * its exit code 1), or only "-- No entries --". Empty output alone is not it.
 */
bool log_journal_empty(const char *out, size_t out_len, const char *err, size_t err_len);
/* Get-WinEvent's stderr says no event of the source exists. */
bool log_winevent_none(const char *err, size_t len);
/* Get-WinEvent's stderr says access is denied. */
bool log_winevent_denied(const char *err, size_t len);

#endif
