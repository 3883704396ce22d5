/*
 * probe-file.c: the "file" probe. Does a file exist, and does a line of it
 * match a pattern? Used for configuration and lease files, hosts.ics and
 * logs that flows inspect.
 */
#include "config.h"

#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "host/host.h"
#include "probe/probe.h"

#define FILE_MAX_BYTES (8 * 1024 * 1024)
#define MAX_EVIDENCE_LINES 20
#define MAX_LINE_BYTES 200

static const struct param_def file_params[] = {
    {.name = "path", .type = PARAM_PATH, .required = true, .help = N_("absolute path of the file")},
    {.name = "pattern",
     .type = PARAM_REGEX,
     .help = N_("extended regular expression a line must match")},
    {.name = NULL},
};

static const struct outcome_def file_outcomes[] = {
    {"found", N_("the file exists (and, with a pattern, a line matches)")},
    {"missing", N_("the file does not exist")},
    {"no_match", N_("the file exists but no line matches the pattern")},
    {"unreadable", N_("permission denied, or not a regular file")},
    {NULL, NULL},
};

static const char *const file_facts[] = {"file.path", "file.match", NULL};

/* Without a pattern only existence matters, so a root-only file is still found. */
static int
file_exists(const char *path, const struct probe_ctx *ctx, struct probe_result *r)
{
	char kind = 'o';

	switch (host_stat(ctx->host, path, &kind)) {
	case 0:
		probe_result_set_outcome(r, "missing");
		probe_result_summary(r, _("%s does not exist"), path);
		probe_result_evidence(r, _("%s does not exist"), path);
		return 0;
	case 1:
		break;
	default:
		probe_result_set_outcome(r, "unreadable");
		probe_result_summary(r, _("%s cannot be looked at: permission denied"), path);
		probe_result_evidence(r, _("a directory above %s cannot be searched"), path);
		return 0;
	}
	if (kind != 'f') {
		probe_result_set_outcome(r, "unreadable");
		probe_result_summary(r, _("%s exists but is not a regular file"), path);
		probe_result_evidence(
		    r, kind == 'd' ? _("%s is a directory") : _("%s is a FIFO, device or socket"),
		    path);
		return 0;
	}
	probe_result_set_outcome(r, "found");
	probe_result_summary(r, _("%s exists"), path);
	probe_result_evidence(r, _("%s exists"), path);
	return 0;
}

static int
file_search(const char *path, const char *pattern, const char *buf, size_t len,
            struct probe_result *r)
{
	regex_t re;
	size_t lineno = 0, matches = 0;
	const char *p = buf, *end = buf + len;

	if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB) != 0)
		return -1; /* params_resolve checked it: cannot happen */
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t ll = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		char *line = NULL;

		lineno++;
		if (ll > 0 && p[ll - 1] == '\r')
			ll--;
		line = xstrndup(p, ll);
		if (regexec(&re, line, 0, NULL, 0) == 0) {
			char *clean = probe_clean_line(line, strlen(line), MAX_LINE_BYTES);

			if (matches == 0)
				probe_result_fact(r, "file.match", "%s", clean);
			if (matches < MAX_EVIDENCE_LINES)
				probe_result_evidence(r, "%s:%zu: %s", path, lineno, clean);
			matches++;
			free(clean);
		}
		free(line);
		p = nl != NULL ? nl + 1 : end;
	}
	regfree(&re);
	if (matches > MAX_EVIDENCE_LINES)
		probe_result_evidence(r, _("... %zu more matching lines"),
		                      matches - MAX_EVIDENCE_LINES);
	if (matches > 0) {
		probe_result_set_outcome(r, "found");
		probe_result_summary(r, _("%s has %zu line(s) matching '%s'"), path, matches,
		                     pattern);
	} else {
		probe_result_set_outcome(r, "no_match");
		probe_result_summary(r, _("%s has no line matching '%s'"), path, pattern);
		probe_result_evidence(r, _("%s: %zu lines read, none matches '%s'"), path, lineno,
		                      pattern);
	}
	return 0;
}

static int
probe_file_run(const struct params *p, const struct probe_ctx *ctx, struct probe_result *r)
{
	const char *path = params_get(p, "path"), *pattern = params_get(p, "pattern");
	struct host_result hr;
	int rc = 0;

	probe_result_fact(r, "file.path", "%s", path);
	if (pattern == NULL)
		return file_exists(path, ctx, r);

	host_read_file(ctx->host, path, FILE_MAX_BYTES, &hr);
	switch (hr.status) {
	case HOST_OK:
	case HOST_TOO_BIG:
		rc = file_search(path, pattern, hr.out, hr.out_len, r);
		if (hr.status == HOST_TOO_BIG)
			probe_result_evidence(r, _("only the first %d MiB of %s were searched"),
			                      FILE_MAX_BYTES / (1024 * 1024), path);
		break;
	case HOST_NO_SUCH:
		probe_result_set_outcome(r, "missing");
		probe_result_summary(r, _("%s does not exist"), path);
		probe_result_evidence(r, "%s", hr.message);
		break;
	case HOST_DENIED:
		probe_result_set_outcome(r, "unreadable");
		probe_result_summary(r, _("%s cannot be read: permission denied"), path);
		probe_result_evidence(r, "%s", hr.message);
		break;
	case HOST_NOT_REGULAR:
		probe_result_set_outcome(r, "unreadable");
		probe_result_summary(r, _("%s exists but is not a regular file"), path);
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

const struct probe_entry probe_file_entry = {
    .name = "file",
    .summary = N_("Whether a file exists, and whether a line of it matches a pattern"),
    .params = file_params,
    .outcomes = file_outcomes,
    .facts = file_facts,
    .default_timeout_ms = 10000,
    .run = probe_file_run,
};
