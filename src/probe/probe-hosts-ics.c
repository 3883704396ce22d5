/*
 * probe-hosts-ics.c: the "hosts_ics" probe. Windows Internet Connection
 * Sharing keeps the names of the Hyper-V Default Switch's guests in
 * C:\WINDOWS\System32\drivers\etc\hosts.ics, and Multipass reaches an
 * instance as NAME.mshome.net. The troubleshooting document says the file
 * gets jumbled or incomplete text, and more than one entry for an instance
 * (keep the first, remove the rest); this probe finds both.
 *
 * The file is read whole (UTF-8 or UTF-16) and every line judged, so a
 * snapshot answers for any instance.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/host.h"
#include "platform/paths.h"
#include "probe/leaseparse.h"
#include "probe/probe.h"

#define ICS_MAX_BYTES (4 * 1024 * 1024)
#define MAX_EVIDENCE_LINES 20
#define MAX_LINE_BYTES 200
#define ICS_DOMAIN "mshome.net"

static const struct param_def ics_params[] = {
    {.name = "file",
     .type = PARAM_PATH,
     .help = N_("the hosts.ics file (default: C:\\WINDOWS\\System32\\drivers\\etc\\hosts.ics)")},
    {.name = "name",
     .type = PARAM_NAME,
     .required = true,
     .help = N_("the instance's name (NAME and NAME.mshome.net match)")},
    {.name = NULL},
};

static const struct outcome_def ics_outcomes[] = {
    {"ok", N_("exactly one entry for the instance")},
    {"missing", N_("no entry for the instance")},
    {"duplicate", N_("more than one entry for the instance: keep the first, remove the rest")},
    {"corrupt", N_("lines that are not ADDRESS NAME [# time stamp]: control bytes, half lines, bad "
                   "addresses")},
    {"no_file", N_("the file does not exist")},
    {"unreadable", N_("the file may not be read: Administrator rights are needed")},
    {NULL, NULL},
};

static const char *const ics_facts[] = {"ics.ip",       "ics.count", "ics.corrupt_lines",
                                        "ics.encoding", "ics.file",  NULL};

static void
line_evidence(struct probe_result *r, const char *file, const struct ics_line *l,
              const char *verdict)
{
	char *text = probe_clean_line(l->text, l->text_len, MAX_LINE_BYTES);

	probe_result_evidence(r, "%s:%zu: %s (%s)", file, l->line, text, verdict);
	free(text);
}

/* The entries for name, and the damaged lines, each with what it means. */
static void
ics_evidence(struct probe_result *r, const char *file, const struct ics_file *f, const char *name,
             const struct ics_line *first, size_t count)
{
	size_t shown = 0;
	char verdict[200];

	for (size_t i = 0; i < f->n; i++) {
		const struct ics_line *l = &f->v[i];
		const char *what = NULL;

		if (l->corrupt) {
			snprintf(verdict, sizeof verdict, _("damaged: %s"), _(l->problem));
			what = verdict;
		} else if (lease_name_matches(l->name, name, ICS_DOMAIN)) {
			if (l == first)
				what = count > 1 ? _("the first entry: keep it") : _("the entry");
			else
				what = _("a later entry: remove it");
			if (l->has_time) {
				snprintf(verdict, sizeof verdict,
				         _("%s; ICS time stamp %04d-%02d-%02d %02d:%02d:%02d"),
				         what, l->year, l->month, l->day, l->hour, l->minute,
				         l->second);
				what = verdict;
			}
		} else if (first != NULL && strcmp(l->address, first->address) == 0) {
			/* A stale address left to another name. */
			snprintf(verdict, sizeof verdict, _("another name with the address %s"),
			         l->address);
			what = verdict;
		}
		if (what == NULL)
			continue;
		if (shown++ == MAX_EVIDENCE_LINES) {
			probe_result_evidence(r, "%s", _("... more lines not shown"));
			break;
		}
		line_evidence(r, file, l, what);
	}
}

static void
ics_judge(struct probe_result *r, const char *file, const struct ics_file *f, const char *name)
{
	const struct ics_line *first = NULL;
	size_t count = 0;

	for (size_t i = 0; i < f->n; i++) {
		if (!f->v[i].corrupt && lease_name_matches(f->v[i].name, name, ICS_DOMAIN)) {
			if (first == NULL)
				first = &f->v[i];
			count++;
		}
	}
	probe_result_fact(r, "ics.count", "%zu", count);
	probe_result_fact(r, "ics.corrupt_lines", "%zu", f->ncorrupt);
	probe_result_fact(r, "ics.encoding", "%s", f->encoding);
	if (first != NULL)
		probe_result_fact(r, "ics.ip", "%s", first->address);
	probe_result_evidence(r, _("%s: %s, %zu lines, %zu entries, %zu of them damaged"), file,
	                      f->encoding, f->nlines, f->n, f->ncorrupt);
	ics_evidence(r, file, f, name, first, count);

	if (f->ncorrupt > 0) {
		probe_result_set_outcome(r, "corrupt");
		if (count > 1)
			probe_result_summary(
			    r,
			    _("%s has %zu damaged lines (jumbled or incomplete text), "
			      "and %zu entries for %s"),
			    file, f->ncorrupt, count, name);
		else
			probe_result_summary(
			    r, _("%s has %zu damaged lines (jumbled or incomplete text)"), file,
			    f->ncorrupt);
	} else if (count > 1) {
		probe_result_set_outcome(r, "duplicate");
		probe_result_summary(
		    r,
		    _("%s has %zu entries for %s: keep the first (line %zu, %s) and "
		      "remove the others"),
		    file, count, name, first->line, first->address);
	} else if (count == 1) {
		probe_result_set_outcome(r, "ok");
		probe_result_summary(r, _("%s has one entry for %s: %s (line %zu)"), file, name,
		                     first->address, first->line);
	} else {
		probe_result_set_outcome(r, "missing");
		probe_result_summary(r, _("%s has no entry for %s"), file, name);
	}
}

static int
probe_hosts_ics_run(const struct params *p, const struct probe_ctx *ctx, struct probe_result *r)
{
	const char *file = params_get(p, "file"), *name = params_get(p, "name");
	const char *os = host_os(ctx->host);
	const struct platform_info *pi = platform_info(os);
	struct host_result hr;
	struct ics_file f;

	if (file == NULL) {
		if (pi == NULL || pi->hosts_ics == NULL) {
			probe_result_set_outcome(r, OUTCOME_ERROR);
			probe_result_summary(
			    r,
			    _("hosts.ics belongs to Windows, and this host is %s; give "
			      "file=PATH to read a copy"),
			    os);
			return 0;
		}
		file = pi->hosts_ics;
	}
	probe_result_fact(r, "ics.file", "%s", file);
	host_read_file(ctx->host, file, ICS_MAX_BYTES, &hr);
	switch (hr.status) {
	case HOST_OK:
	case HOST_TOO_BIG:
		ics_parse(hr.out, hr.out_len, &f);
		if (hr.status == HOST_TOO_BIG)
			probe_result_evidence(r, _("only the first %d MiB of %s were read"),
			                      ICS_MAX_BYTES / (1024 * 1024), file);
		ics_judge(r, file, &f, name);
		ics_file_free(&f);
		break;
	case HOST_NO_SUCH:
		probe_result_set_outcome(r, "no_file");
		probe_result_summary(r,
		                     _("%s does not exist: Internet Connection Sharing has written "
		                       "no names here"),
		                     file);
		probe_result_evidence(r, "%s", hr.message);
		break;
	case HOST_DENIED:
		probe_result_set_outcome(r, "unreadable");
		probe_result_summary(r,
		                     _("%s may not be read: permission denied; run vmtriage as "
		                       "Administrator"),
		                     file);
		probe_result_evidence(r, "%s", hr.message);
		break;
	case HOST_NOT_COLLECTED:
		probe_result_set_outcome(r, OUTCOME_ERROR);
		probe_result_summary(r, _("the snapshot does not hold %s: %s"), file, hr.message);
		probe_result_evidence(r, "%s", hr.message);
		break;
	default:
		probe_result_set_outcome(r, OUTCOME_ERROR);
		probe_result_summary(r, "%s", hr.message);
		probe_result_evidence(r, "%s", hr.message);
		break;
	}
	host_result_free(&hr);
	return 0;
}

const struct probe_entry probe_hosts_ics_entry = {
    .name = "hosts_ics",
    .summary = N_("Windows Internet Connection Sharing's hosts.ics: an instance's entries, "
                  "duplicates and damaged lines"),
    .params = ics_params,
    .outcomes = ics_outcomes,
    .facts = ics_facts,
    .default_timeout_ms = 10000,
    .run = probe_hosts_ics_run,
};
