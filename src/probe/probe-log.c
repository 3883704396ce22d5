/*
 * probe-log.c: the "log" probe. Does multipassd's log hold a line matching
 * a pattern within a time window? It reads the platform's daemon log (the
 * journal on Linux, /Library/Logs/Multipass/multipassd.log on macOS, the
 * Application event log on Windows) or a file in multipassd's text format,
 * always the whole of it through one fixed command or path, and filters by
 * time, instance and pattern itself, so a snapshot answers any question.
 *
 * Absence is only evidence when the log could have held the line: QMP
 * events such as NIC_RX_FILTER_CHANGED are logged at debug level only, so
 * a log with no debug lines in the window says "hidden", not "not_found".
 */
#include "config.h"

#include <regex.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "host/host.h"
#include "platform/paths.h"
#include "probe/logparse.h"
#include "probe/probe.h"

/* A log file read whole, or the newest part of a bigger one (kept well inside a snapshot). */
#define LOG_MAX_BYTES (8 * 1024 * 1024)
#define LOG_MAX_BYTES_TEXT "8388608"
/* journalctl's or PowerShell's output. */
#define LOG_MAX_OUTPUT (16 * 1024 * 1024)
/* The --lines= and -MaxEvents of paths.c's commands: that many entries means older ones exist. */
#define LOG_MAX_ENTRIES 20000
#define MAX_EVIDENCE_LINES 20
#define MAX_LINE_BYTES 200

static const struct param_def log_params[] = {
    {.name = "pattern",
     .type = PARAM_REGEX,
     .required = true,
     .help = N_("extended regular expression a logged message must match")},
    {.name = "since",
     .type = PARAM_STRING,
     .def = "24h",
     .help = N_("how far back to look from now (or from a snapshot's collection): 30m, 2h, 7d")},
    {.name = "file",
     .type = PARAM_PATH,
     .help = N_("read this file, in multipassd's text format, instead of the platform's log")},
    {.name = "unit",
     .type = PARAM_STRING,
     .help = N_("Linux: the journal units to read, a glob (default snap.multipass*)")},
    {.name = "instance", .type = PARAM_NAME, .help = N_("only the lines of this instance")},
    {.name = NULL},
};

static const struct outcome_def log_outcomes[] = {
    {"found", N_("a line in the window matches the pattern")},
    {"not_found", N_("lines were logged in the window, but none matches")},
    {"hidden",
     N_("nothing matches, but what the pattern looks for is logged only at debug level and "
        "the window holds no debug lines, so its absence proves nothing")},
    {"no_log", N_("the log holds nothing at all in the window")},
    {"unreadable", N_("the log cannot be read: permission denied (sudo, root, or the adm or "
                      "systemd-journal group is needed)")},
    {NULL, NULL},
};

static const char *const log_facts[] = {
    "log.match", "log.count", "log.first_time", "log.last_time", "log.levels", "log.source", NULL};

/* Where the lines came from, and how much of it. */
struct log_source {
	enum log_format format;
	char *kind;  /* log.source: "journal", "eventlog", or the file's path */
	char *label; /* for sentences: "the journal (units snap.multipass*)" */
	char *text;
	size_t len;
	bool newest_only; /* the start was cut off: older lines were not read */
	bool oldest_only; /* the end was cut off: newer lines were not read */
	char *cut_note;   /* evidence saying what was cut */
};

static void
log_source_free(struct log_source *src)
{
	free(src->kind);
	free(src->label);
	free(src->text);
	free(src->cut_note);
}

/* Takes the output (or contents) out of hr. */
static void
take_text(struct log_source *src, struct host_result *hr)
{
	free(src->text);
	src->text = hr->out;
	src->len = hr->out_len;
	hr->out = NULL;
	hr->out_len = 0;
}

static void
snapshot_lacks(struct probe_result *r, const struct host_result *hr)
{
	probe_result_set_outcome(r, OUTCOME_ERROR);
	probe_result_summary(r, _("the snapshot does not hold the daemon log: %s"), hr->message);
	probe_result_evidence(r, "%s", hr->message);
}

/*
 * A file bigger than LOG_MAX_BYTES: its newest part is what a window
 * needs, which reading from the start cannot give; `tail -c` can, where
 * there is one. Otherwise the start is all there is.
 */
static void
read_file_tail(const struct probe_ctx *ctx, const char *path, struct log_source *src,
               struct host_result *start)
{
	const char *argv[] = {"tail", "-c", LOG_MAX_BYTES_TEXT, path, NULL};
	const char *env[] = {"LC_ALL=C", NULL};
	struct host_run_opts opts = {0};
	struct host_result hr;

	opts.timeout_ms = ctx->timeout_ms;
	opts.max_output = LOG_MAX_BYTES;
	opts.env = env;
	if (strcmp(host_os(ctx->host), "windows") != 0) {
		host_run(ctx->host, argv, &opts, &hr);
		if (hr.status == HOST_OK && hr.exit_code == 0) {
			take_text(src, &hr);
			src->newest_only = true;
			src->cut_note = xasprintf(
			    _("%s is larger than %d MiB: only its last %d MiB were read"), path,
			    LOG_MAX_BYTES / (1024 * 1024), LOG_MAX_BYTES / (1024 * 1024));
			host_result_free(&hr);
			return;
		}
		host_result_free(&hr);
	}
	take_text(src, start);
	src->oldest_only = true;
	src->cut_note =
	    xasprintf(_("%s is larger than %d MiB and its end could not be read: only "
	                "its first %d MiB were"),
	              path, LOG_MAX_BYTES / (1024 * 1024), LOG_MAX_BYTES / (1024 * 1024));
}

/* Returns 0 with src->text set, or 1 when the outcome is already decided. */
static int
read_file_source(const struct probe_ctx *ctx, const char *path, bool platform_log,
                 struct log_source *src, struct probe_result *r)
{
	struct host_result hr;
	int rc = 1;

	src->format = LOG_FORMAT_MULTIPASSD;
	src->kind = xstrdup(path);
	src->label = xstrdup(path);
	host_read_file(ctx->host, path, LOG_MAX_BYTES, &hr);
	switch (hr.status) {
	case HOST_OK:
		take_text(src, &hr);
		rc = 0;
		break;
	case HOST_TOO_BIG:
		read_file_tail(ctx, path, src, &hr);
		rc = 0;
		break;
	case HOST_NO_SUCH:
		probe_result_set_outcome(r, "no_log");
		probe_result_fact(r, "log.count", "0");
		probe_result_summary(r, _("%s does not exist: the daemon has logged nothing there"),
		                     path);
		probe_result_evidence(r, "%s", hr.message);
		break;
	case HOST_DENIED:
		probe_result_set_outcome(r, "unreadable");
		if (platform_log)
			probe_result_summary(r,
			                     _("%s cannot be read: only root may read the daemon "
			                       "log, so run vmtriage with sudo"),
			                     path);
		else
			probe_result_summary(r,
			                     _("%s cannot be read: permission denied; run "
			                       "vmtriage with sudo or as root"),
			                     path);
		probe_result_evidence(r, "%s", hr.message);
		break;
	case HOST_NOT_COLLECTED:
		snapshot_lacks(r, &hr);
		break;
	case HOST_NOT_REGULAR:
		probe_result_set_outcome(r, OUTCOME_ERROR);
		probe_result_summary(r, _("%s is not a regular file, so it is not a log"), path);
		probe_result_evidence(r, "%s", hr.message);
		break;
	default:
		probe_result_set_outcome(r, OUTCOME_ERROR);
		probe_result_summary(r, "%s", hr.message);
		probe_result_evidence(r, "%s", hr.message);
		break;
	}
	host_result_free(&hr);
	return rc;
}

/* paths.c's log command; on Linux with its --unit= word replaced when unit is given. */
static const char **
log_argv(const struct platform_info *pi, const char *unit, const char **shown_unit)
{
	size_t n = 0;
	const char **argv = NULL;

	while (pi->log_command[n] != NULL)
		n++;
	argv = xcalloc(n + 1, sizeof *argv);
	for (size_t i = 0; i < n; i++) {
		argv[i] = pi->log_command[i];
		if (str_has_prefix(argv[i], "--unit=")) {
			*shown_unit = argv[i] + strlen("--unit=");
			if (unit != NULL) {
				argv[i] = xasprintf("--unit=%s", unit);
				*shown_unit = unit;
			}
		}
	}
	return argv;
}

static void
log_argv_free(const struct platform_info *pi, const char **argv)
{
	for (size_t i = 0; argv[i] != NULL; i++) {
		if (argv[i] != pi->log_command[i])
			free((char *)argv[i]);
	}
	free(argv);
}

static void
journal_unreadable(struct probe_result *r, const struct host_result *hr)
{
	probe_result_set_outcome(r, "unreadable");
	probe_result_summary(r, "%s",
	                     _("the journal cannot be read by this user: run vmtriage with sudo, "
	                       "as root, or as a member of the adm or systemd-journal group"));
	probe_tail_lines(&r->evidence, "journalctl: ", hr->err, hr->err_len, 6);
}

static void
eventlog_unreadable(struct probe_result *r, const struct host_result *hr)
{
	probe_result_set_outcome(r, "unreadable");
	probe_result_summary(r, "%s",
	                     _("the Application event log cannot be read by this user: run "
	                       "vmtriage from an administrator PowerShell"));
	probe_tail_lines(&r->evidence, "Get-WinEvent: ", hr->err, hr->err_len, 6);
}

/* Returns 0 with src->text set (maybe empty), or 1 when the outcome is already decided. */
static int
read_command_source(const struct probe_ctx *ctx, const struct platform_info *pi, const char *unit,
                    struct log_source *src, struct probe_result *r)
{
	bool journal = strcmp(pi->os, "linux") == 0;
	const char *shown_unit = NULL;
	const char **argv = log_argv(pi, unit, &shown_unit);
	struct host_run_opts opts = {0};
	struct host_result hr;
	char *cmd = NULL;
	int rc = 1;

	src->format = journal ? LOG_FORMAT_JOURNAL_JSON : LOG_FORMAT_WINEVENT;
	src->kind = xstrdup(journal ? "journal" : "eventlog");
	if (journal)
		src->label =
		    xasprintf(_("the journal (units %s)"), shown_unit != NULL ? shown_unit : "?");
	else
		src->label = xstrdup(_("the Application event log (source Multipass)"));
	opts.timeout_ms = ctx->timeout_ms;
	opts.max_output = LOG_MAX_OUTPUT;
	host_run(ctx->host, argv, &opts, &hr);
	switch (hr.status) {
	case HOST_OK:
		break;
	case HOST_NOT_COLLECTED:
		snapshot_lacks(r, &hr);
		goto out;
	case HOST_DENIED:
		if (journal)
			journal_unreadable(r, &hr);
		else
			eventlog_unreadable(r, &hr);
		probe_result_evidence(r, "%s", hr.message);
		goto out;
	case HOST_NO_SUCH:
		probe_result_set_outcome(r, OUTCOME_ERROR);
		probe_result_summary(r, _("%s is not installed, so %s cannot be read"), argv[0],
		                     src->label);
		probe_result_evidence(r, "%s", hr.message);
		goto out;
	default:
		probe_result_set_outcome(r, OUTCOME_ERROR);
		probe_result_summary(r, "%s", hr.message);
		probe_result_evidence(r, "%s", hr.message);
		goto out;
	}
	/* Without the rights journalctl may still exit 0, showing only the user's own journal. */
	if (journal ? log_journal_denied(hr.err, hr.err_len)
	            : log_winevent_denied(hr.err, hr.err_len)) {
		if (journal)
			journal_unreadable(r, &hr);
		else
			eventlog_unreadable(r, &hr);
		goto out;
	}
	if (journal ? log_journal_empty(hr.out, hr.out_len, hr.err, hr.err_len)
	            : log_winevent_none(hr.err, hr.err_len)) {
		src->text = xstrdup("");
		src->len = 0;
		rc = 0;
		goto out;
	}
	if (hr.exit_code != 0) {
		cmd = argv_quote(argv);
		probe_result_set_outcome(r, OUTCOME_ERROR);
		probe_result_summary(r, _("'%s' failed (exit status %d)"), argv[0], hr.exit_code);
		probe_result_evidence(r, "$ %s", cmd);
		probe_tail_lines(&r->evidence, "", hr.err, hr.err_len, 6);
		goto out;
	}
	take_text(src, &hr);
	if (hr.truncated) {
		src->newest_only = true;
		src->cut_note = xasprintf(_("the output of %s was cut at %d MiB: only its newest "
		                            "lines were read"),
		                          argv[0], LOG_MAX_OUTPUT / (1024 * 1024));
	}
	rc = 0;
out:
	free(cmd);
	host_result_free(&hr);
	log_argv_free(pi, argv);
	return rc;
}

/* What the window held, and what in it matched. */
struct log_scan {
	int64_t start_us, end_us;
	size_t in_window, of_instance, older, undated;
	bool seen[LOG_LEVEL_COUNT];
	int64_t first_us, last_us; /* of the lines in the window */
	const struct log_entry *newest_older, *oldest_read;
	size_t *match; /* indexes into the parse, oldest first */
	size_t nmatch;
};

static int
scan_entries(const struct log_parse *lp, const regex_t *re, const char *instance,
             struct log_scan *sc)
{
	sc->match = xcalloc(lp->n + 1, sizeof *sc->match);
	for (size_t i = 0; i < lp->n; i++) {
		const struct log_entry *e = &lp->v[i];

		if (vt_cancelled)
			return -1;
		if (!e->dated) {
			sc->undated++;
			continue;
		}
		if (sc->oldest_read == NULL)
			sc->oldest_read = e;
		if (e->usec < sc->start_us) {
			sc->older++;
			sc->newest_older = e;
			continue;
		}
		if (sc->in_window++ == 0)
			sc->first_us = e->usec;
		sc->last_us = e->usec;
		sc->seen[e->level] = true;
		if (instance != NULL && !log_entry_of_instance(e, instance))
			continue;
		sc->of_instance++;
		if (regexec(re, e->message, 0, NULL, 0) == 0)
			sc->match[sc->nmatch++] = i;
	}
	return 0;
}

/* "error warning info debug": the levels seen, most severe first. */
static char *
levels_text(const struct log_scan *sc)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_add(&sb, "", 0);
	for (int l = LOG_LEVEL_ERROR; l < LOG_LEVEL_COUNT; l++) {
		if (sc->seen[l])
			strbuf_addf(&sb, "%s%s", sb.len > 0 ? " " : "", log_level_name(l));
	}
	if (sc->seen[LOG_LEVEL_UNKNOWN])
		strbuf_addf(&sb, "%s%s", sb.len > 0 ? " " : "", log_level_name(LOG_LEVEL_UNKNOWN));
	return strbuf_detach(&sb);
}

/* A message on one line, cleaned and shortened for a report. */
static char *
one_line(const char *msg)
{
	char *flat = xstrdup(msg), *clean;

	for (char *c = flat; *c != '\0'; c++) {
		if (*c == '\n' || *c == '\t')
			*c = ' ';
	}
	clean = probe_clean_line(flat, strlen(flat), MAX_LINE_BYTES);
	free(flat);
	return clean;
}

static void
evidence_entry(struct probe_result *r, const struct log_entry *e)
{
	char *when = log_time_format(e->usec, true), *msg = one_line(e->message), *who = NULL;

	if (e->category != NULL)
		who = xasprintf("[%s] ", e->category);
	else if (e->source != NULL)
		who = xasprintf("%s: ", e->source);
	probe_result_evidence(r, "%s %s %s%s", when, log_level_name(e->level),
	                      who != NULL ? who : "", msg);
	free(when);
	free(msg);
	free(who);
}

/* "N lines between T1 and T2 in SOURCE, levels seen: ..." */
static void
evidence_searched(struct probe_result *r, const struct log_source *src, const struct log_scan *sc,
                  const char *instance)
{
	char *t1 = log_time_format(sc->first_us, true), *t2 = log_time_format(sc->last_us, true);
	char *levels = levels_text(sc);

	probe_result_evidence(r, _("searched %zu line(s) of %s, from %s to %s; levels seen: %s"),
	                      sc->in_window, src->label, t1, t2, levels);
	if (instance != NULL)
		probe_result_evidence(r, _("%zu of them are from instance %s"), sc->of_instance,
		                      instance);
	free(t1);
	free(t2);
	free(levels);
}

static void
evidence_notes(struct probe_result *r, const struct log_source *src, const struct log_parse *lp,
               const struct log_scan *sc)
{
	if (src->cut_note != NULL)
		probe_result_evidence(r, "%s", src->cut_note);
	if (src->newest_only && sc->oldest_read != NULL && sc->oldest_read->usec > sc->start_us) {
		char *t = log_time_format(sc->oldest_read->usec, true);

		probe_result_evidence(r,
		                      _("the oldest line read is from %s: the window begins "
		                        "earlier, and what came before it was not read"),
		                      t);
		free(t);
	}
	if (sc->undated > 0)
		probe_result_evidence(r, _("%zu entries carry no time and were left out"),
		                      sc->undated);
	if (lp->skipped > 0)
		probe_result_evidence(r,
		                      _("%zu line(s) were not log entries and were passed over "
		                        "(the first: %s)"),
		                      lp->skipped, lp->first_skipped);
}

static void
report_found(struct probe_result *r, const struct log_source *src, const struct log_parse *lp,
             const struct log_scan *sc, const char *pattern, const char *window)
{
	const struct log_entry *first = &lp->v[sc->match[0]];
	const struct log_entry *last = &lp->v[sc->match[sc->nmatch - 1]];
	size_t shown = sc->nmatch < MAX_EVIDENCE_LINES ? sc->nmatch : MAX_EVIDENCE_LINES;
	char *t1 = log_time_format(first->usec, false), *t2 = log_time_format(last->usec, false);
	char *msg = one_line(first->message);

	probe_result_set_outcome(r, "found");
	probe_result_fact(r, "log.match", "%s", msg);
	probe_result_fact(r, "log.count", "%zu", sc->nmatch);
	probe_result_fact(r, "log.first_time", "%s", t1);
	probe_result_fact(r, "log.last_time", "%s", t2);
	probe_result_summary(r, _("%zu line(s) of %s in %s match '%s', the last at %s"), sc->nmatch,
	                     src->label, window, pattern, t2);
	/* The newest matter most when something keeps failing. */
	if (sc->nmatch > shown)
		probe_result_evidence(r, _("... %zu earlier matching line(s), the first at %s"),
		                      sc->nmatch - shown, t1);
	for (size_t i = sc->nmatch - shown; i < sc->nmatch; i++)
		evidence_entry(r, &lp->v[sc->match[i]]);
	free(t1);
	free(t2);
	free(msg);
}

static void
report_no_log(struct probe_result *r, const struct log_source *src, const struct log_scan *sc,
              const char *window)
{
	probe_result_set_outcome(r, "no_log");
	probe_result_summary(r, _("%s holds no line at all in %s: the daemon logged nothing then"),
	                     src->label, window);
	if (sc->newest_older != NULL) {
		char *t = log_time_format(sc->newest_older->usec, true);

		probe_result_evidence(r, _("%s holds %zu older line(s); the newest is from %s:"),
		                      src->label, sc->older, t);
		evidence_entry(r, sc->newest_older);
		free(t);
	} else {
		probe_result_evidence(r, _("%s holds no dated line at all"), src->label);
	}
}

static void
report_hidden(struct probe_result *r, const struct log_source *src, const struct log_scan *sc,
              const char *pattern, const char *window, const char *os, const char *instance)
{
	const struct platform_info *pi = platform_info(os);
	const char *howto = pi != NULL && pi->log_level_howto != NULL
	                        ? _(pi->log_level_howto)
	                        : _("start multipassd with '--verbosity debug'");

	probe_result_set_outcome(r, "hidden");
	probe_result_summary(r,
	                     _("no line of %s in %s matches '%s', but multipassd logs that only "
	                       "at debug level and no line there is at debug level, so its "
	                       "absence proves nothing: to log at debug level, %s"),
	                     src->label, window, pattern, howto);
	evidence_searched(r, src, sc, instance);
	probe_result_evidence(r, "%s",
	                      _("multipassd logs QEMU's QMP events (NIC_RX_FILTER_CHANGED among "
	                        "them) and its SSH and process chatter only at debug level, and "
	                        "no line in the window is at that level"));
	if (strcmp(os, "windows") == 0)
		probe_result_evidence(r, "%s",
		                      _("the event log records multipassd's debug messages as "
		                        "Information, so whether the daemon logs at debug level "
		                        "cannot be told from it"));
	probe_result_evidence(r, _("to log at debug level: %s"), howto);
}

static int
probe_log_run(const struct params *p, const struct probe_ctx *ctx, struct probe_result *r)
{
	const char *pattern = params_get(p, "pattern"), *since = params_get(p, "since");
	const char *file = params_get(p, "file"), *unit = params_get(p, "unit");
	const char *instance = params_get(p, "instance"), *os = host_os(ctx->host);
	const char *problem = NULL;
	const struct platform_info *pi = platform_info(os);
	struct log_source src;
	struct log_parse lp;
	struct log_scan sc;
	regex_t re;
	bool have_re = false, debug = false;
	char *window = NULL, *dur = NULL, *end = NULL;
	long seconds = 0;
	int rc = 0;

	memset(&src, 0, sizeof src);
	memset(&lp, 0, sizeof lp);
	memset(&sc, 0, sizeof sc);
	if (!log_duration_parse(since, &seconds, &problem)) {
		probe_result_set_outcome(r, OUTCOME_ERROR);
		probe_result_summary(r, _("parameter 'since': '%s': %s"), since, _(problem));
		probe_result_evidence(r, _("parameter 'since': '%s': %s"), since, _(problem));
		goto out;
	}
	if (unit != NULL && !log_unit_valid(unit)) {
		probe_result_set_outcome(r, OUTCOME_ERROR);
		probe_result_summary(r,
		                     _("parameter 'unit': '%s' is not a unit name or glob: only "
		                       "letters, digits and @ . _ : * - are allowed, and it may "
		                       "not start with '-'"),
		                     unit);
		probe_result_evidence(r, "%s", r->summary);
		goto out;
	}
	if (unit != NULL && (file != NULL || strcmp(os, "linux") != 0)) {
		probe_result_set_outcome(r, OUTCOME_ERROR);
		probe_result_summary(r, "%s",
		                     _("parameter 'unit' names journal units: it applies only to "
		                       "Linux's journal, not to a file or another platform's log"));
		probe_result_evidence(r, "%s", r->summary);
		goto out;
	}
	if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB | REG_NEWLINE) != 0) {
		rc = -1; /* params_resolve checked it: cannot happen */
		goto out;
	}
	have_re = true;

	if (file != NULL) {
		if (read_file_source(ctx, file, false, &src, r) != 0)
			goto facts;
	} else if (pi != NULL && pi->log_file != NULL) {
		if (read_file_source(ctx, pi->log_file, true, &src, r) != 0)
			goto facts;
	} else if (pi != NULL && pi->log_command != NULL) {
		if (read_command_source(ctx, pi, unit, &src, r) != 0)
			goto facts;
	} else {
		probe_result_set_outcome(r, OUTCOME_ERROR);
		probe_result_summary(r, _("no Multipass daemon log is known on '%s': give file="),
		                     os);
		probe_result_evidence(r, "%s", r->summary);
		goto out;
	}

	{
		/* A snapshot's log without zones was written in the collector's zone. */
		long off = 0;
		bool known = host_utc_offset(ctx->host, &off);

		log_time_assume_offset(known, off);
		log_parse_text(src.format, src.text, src.len, &lp);
		log_time_assume_offset(false, 0);
	}
	if (lp.n >= LOG_MAX_ENTRIES && src.format != LOG_FORMAT_MULTIPASSD && !src.newest_only) {
		src.newest_only = true;
		src.cut_note =
		    xasprintf(_("%s gave its newest %d entries: older ones were not read"),
		              src.label, LOG_MAX_ENTRIES);
	}
	sc.end_us = (int64_t)host_now(ctx->host) * 1000000;
	sc.start_us = sc.end_us - (int64_t)seconds * 1000000;
	if (scan_entries(&lp, &re, instance, &sc) != 0) {
		probe_result_set_outcome(r, OUTCOME_ERROR);
		probe_result_summary(r, "%s", _("cancelled"));
		goto facts;
	}
	dur = log_duration_format(seconds);
	end = log_time_format(sc.end_us, false);
	window = xasprintf(_("the %s before %s"), dur, end);
	debug = log_pattern_is_debug(pattern);

	if (sc.nmatch > 0) {
		report_found(r, &src, &lp, &sc, pattern, window);
		evidence_searched(r, &src, &sc, instance);
	} else if (src.oldest_only) {
		/* Only the start of the file was read: the window may lie beyond it. */
		probe_result_set_outcome(r, OUTCOME_ERROR);
		probe_result_summary(r,
		                     _("no line matches '%s' in the first %d MiB of %s, and the "
		                       "rest could not be read"),
		                     pattern, LOG_MAX_BYTES / (1024 * 1024), src.label);
	} else if (sc.in_window == 0) {
		probe_result_fact(r, "log.count", "0");
		report_no_log(r, &src, &sc, window);
	} else if (debug && !sc.seen[LOG_LEVEL_DEBUG] && !sc.seen[LOG_LEVEL_TRACE]) {
		probe_result_fact(r, "log.count", "0");
		report_hidden(r, &src, &sc, pattern, window, os, instance);
	} else {
		probe_result_fact(r, "log.count", "0");
		probe_result_set_outcome(r, "not_found");
		probe_result_summary(
		    r, _("no line of %s in %s matches '%s' (%zu line(s) searched)"), src.label,
		    window, pattern, instance != NULL ? sc.of_instance : sc.in_window);
		evidence_searched(r, &src, &sc, instance);
	}
	if (sc.in_window > 0) {
		char *levels = levels_text(&sc);

		probe_result_fact(r, "log.levels", "%s", levels);
		free(levels);
	}
	evidence_notes(r, &src, &lp, &sc);
facts:
	if (src.kind != NULL)
		probe_result_fact(r, "log.source", "%s", src.kind);
out:
	if (have_re)
		regfree(&re);
	log_parse_free(&lp);
	log_source_free(&src);
	free(sc.match);
	free(window);
	free(dur);
	free(end);
	return rc;
}

const struct probe_entry probe_log_entry = {
    .name = "log",
    .summary = N_("Whether multipassd's log holds a line matching a pattern within a time "
                  "window"),
    .params = log_params,
    .outcomes = log_outcomes,
    .facts = log_facts,
    .default_timeout_ms = 30000,
    .run = probe_log_run,
};
