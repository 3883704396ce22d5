/*
 * probe-command.c: the "command" probe. Runs a program (never a shell line)
 * and judges it by its exit status and, optionally, a pattern in its
 * output: "is multipassd answering", "does snap know multipass".
 */
#include "config.h"

#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "host/host.h"
#include "probe/probe.h"

#define MAX_TAIL_LINES 20
#define MAX_LINE_BYTES 200

static const struct param_def command_params[] = {
    {.name = "argv",
     .type = PARAM_ARGV,
     .required = true,
     .help = N_("the command and its arguments; quotes allowed, no shell")},
    {.name = "seconds",
     .type = PARAM_SECONDS,
     .def = "10",
     .help = N_("how long it may run before it is stopped")},
    {.name = "expect_status",
     .type = PARAM_INT,
     .def = "0",
     .min = 0,
     .max = 255,
     .help = N_("the exit status that means it worked")},
    {.name = "pattern",
     .type = PARAM_REGEX,
     .help = N_("extended regular expression a line of its output must match")},
    {.name = NULL},
};

static const struct outcome_def command_outcomes[] = {
    {"ok", N_("exited with the expected status (and the pattern matched)")},
    {"fail", N_("ran, but exited with another status")},
    {"no_match", N_("exited as expected, but no output line matched the pattern")},
    {"not_found", N_("the program is not installed or not in PATH")},
    {"timeout", N_("did not finish in time and was stopped")},
    {"denied", N_("the program may not be run (permission denied)")},
    {NULL, NULL},
};

static const char *const command_facts[] = {"command.status", "command.output", NULL};

/* The first line of buf matching re, cleaned; NULL when none does. */
static char *
first_match(const regex_t *re, const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;
	char *found = NULL;

	while (p < end && found == NULL) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t ll = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		char *line = NULL;

		if (ll > 0 && p[ll - 1] == '\r')
			ll--;
		line = xstrndup(p, ll);
		if (regexec(re, line, 0, NULL, 0) == 0)
			found = probe_clean_line(line, strlen(line), MAX_LINE_BYTES);
		free(line);
		p = nl != NULL ? nl + 1 : end;
	}
	return found;
}

static void
set_output_fact(struct probe_result *r, const char *out, size_t len)
{
	const char *nl = memchr(out, '\n', len);
	char *clean = probe_clean_line(out, nl != NULL ? (size_t)(nl - out) : len, MAX_LINE_BYTES);

	probe_result_fact(r, "command.output", "%s", clean);
	free(clean);
}

/* Exited as expected: now the pattern decides, stdout first, then stderr. */
static int
judge_pattern(const char *pattern, const char *shown, const struct host_result *hr,
              struct probe_result *r)
{
	regex_t re;
	char *line = NULL;

	if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB) != 0)
		return -1; /* params_resolve checked it: cannot happen */
	line = first_match(&re, hr->out, hr->out_len);
	if (line == NULL)
		line = first_match(&re, hr->err, hr->err_len);
	regfree(&re);
	if (line != NULL) {
		probe_result_set_outcome(r, "ok");
		probe_result_summary(r, _("'%s' worked and printed a line matching '%s'"), shown,
		                     pattern);
		probe_result_evidence(r, _("matching line: %s"), line);
		free(line);
	} else {
		probe_result_set_outcome(r, "no_match");
		probe_result_summary(r, _("'%s' worked, but no line of its output matches '%s'"),
		                     shown, pattern);
	}
	return 0;
}

static int
probe_command_run(const struct params *p, const struct probe_ctx *ctx, struct probe_result *r)
{
	const char *pattern = params_get(p, "pattern");
	long expect = params_get_long(p, "expect_status", 0);
	struct host_run_opts opts = {0};
	struct host_result hr = {0};
	char **argv = NULL, *cause = NULL, *shown = NULL;
	bool ran = false;
	int rc = 0;

	if ((argv = argv_split(params_get(p, "argv"), &cause)) == NULL || argv[0] == NULL) {
		probe_result_summary(r, "%s",
		                     cause != NULL ? cause : _("the command line is empty"));
		rc = -1;
		goto out;
	}
	shown = argv_quote((const char *const *)argv);
	probe_result_evidence(r, "$ %s", shown);
	opts.timeout_ms = ctx->timeout_ms;
	host_run(ctx->host, (const char *const *)argv, &opts, &hr);

	switch (hr.status) {
	case HOST_OK:
		ran = true;
		probe_result_fact(r, "command.status", "%d", hr.exit_code);
		set_output_fact(r, hr.out, hr.out_len);
		if (hr.exit_code != expect) {
			probe_result_set_outcome(r, "fail");
			probe_result_summary(r, _("'%s' exited with status %d (expected %ld)"),
			                     shown, hr.exit_code, expect);
		} else if (pattern != NULL)
			rc = judge_pattern(pattern, shown, &hr, r);
		else {
			probe_result_set_outcome(r, "ok");
			probe_result_summary(r, _("'%s' exited with status %d as expected"), shown,
			                     hr.exit_code);
		}
		break;
	case HOST_NO_SUCH:
		probe_result_set_outcome(r, "not_found");
		probe_result_summary(r, _("'%s' is not installed, or not in PATH"), argv[0]);
		break;
	case HOST_DENIED:
		probe_result_set_outcome(r, "denied");
		probe_result_summary(r, "%s", hr.message);
		break;
	case HOST_TIMEOUT:
		ran = true; /* what it printed before it was stopped often says why */
		probe_result_set_outcome(r, "timeout");
		probe_result_summary(r, "%s", hr.message);
		break;
	default:
		probe_result_set_outcome(r, OUTCOME_ERROR);
		probe_result_summary(r, "%s", hr.message);
		break;
	}
	if (hr.message != NULL)
		probe_result_evidence(r, "%s", hr.message);
	if (ran) {
		probe_tail_lines(&r->evidence, "", hr.out, hr.out_len, MAX_TAIL_LINES);
		probe_tail_lines(&r->evidence, "stderr: ", hr.err, hr.err_len, MAX_TAIL_LINES);
		if (hr.truncated)
			probe_result_evidence(r, "%s", _("(output beyond 1 MiB was dropped)"));
	}

out:
	host_result_free(&hr);
	argv_free(argv);
	free(cause);
	free(shown);
	return rc;
}

const struct probe_entry probe_command_entry = {
    .name = "command",
    .summary = N_("Runs a command and checks its exit status and output"),
    .params = command_params,
    .outcomes = command_outcomes,
    .facts = command_facts,
    .default_timeout_ms = 10000,
    .run = probe_command_run,
};
