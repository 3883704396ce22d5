/*
 * probe-process.c: the "process" probe. Is a program running: multipassd,
 * dnsmasq (which hands out the instances' addresses on Linux), bootpd
 * (which does it on macOS)?
 *
 * Every process is listed once with one fixed command, and the name is
 * looked for here, so a snapshot holds the answer for any name: `ps -A -ww
 * -o pid=,user=,args=` on Linux (procps) and macOS (BSD ps, whose -A and
 * -o keywords are the same; -ww keeps long command lines whole), `tasklist
 * /fo csv /nh` on Windows. A process matches when the base name of its
 * executable is the name: "/usr/libexec/bootpd -d" is bootpd; on Windows
 * case does not matter and ".exe" may be left out.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "host/host.h"
#include "probe/probe.h"
#include "probe/sysparse.h"

#define PS_OUTPUT_MAX (8 * 1024 * 1024)
#define MAX_EVIDENCE_LINES 20
#define MAX_LINE_BYTES 200

static const struct param_def process_params[] = {
    {.name = "name",
     .type = PARAM_NAME,
     .required = true,
     .help = N_("the program's name, as its executable is called (bootpd, dnsmasq, multipassd)")},
    {.name = NULL},
};

static const struct outcome_def process_outcomes[] = {
    {"running", N_("at least one process of that name is running")},
    {"not_running", N_("no process of that name is running")},
    {NULL, NULL},
};

static const char *const process_facts[] = {"process.pids", "process.user", "process.count", NULL};

static const char *const ps_argv[] = {"ps", "-A", "-ww", "-o", "pid=,user=,args=", NULL};
static const char *const tasklist_argv[] = {"tasklist", "/fo", "csv", "/nh", NULL};

static int
probe_process_run(const struct params *p, const struct probe_ctx *ctx, struct probe_result *r)
{
	const char *name = params_get(p, "name");
	bool windows = strcmp(host_os(ctx->host), "windows") == 0;
	const char *const *argv = windows ? tasklist_argv : ps_argv;
	char *cmd = argv_quote(argv);
	struct host_run_opts opts = {0};
	struct host_result hr;
	struct proc_list procs = {NULL, 0, 0};
	struct strbuf pids = STRBUF_INIT;
	size_t matches = 0;

	opts.timeout_ms = ctx->timeout_ms;
	opts.max_output = PS_OUTPUT_MAX;
	host_run(ctx->host, argv, &opts, &hr);
	if (hr.status == HOST_OK) {
		if (windows)
			tasklist_parse(hr.out, hr.out_len, &procs);
		else
			ps_parse(hr.out, hr.out_len, &procs);
	}
	if (procs.n == 0) {
		probe_result_listing_failed(r, cmd, _("the process list"), &hr);
		goto out;
	}
	for (size_t i = 0; i < procs.n; i++) {
		const struct proc_entry *pe = &procs.v[i];

		if (!proc_matches(pe, name, windows))
			continue;
		strbuf_addf(&pids, "%s%ld", matches > 0 ? " " : "", pe->pid);
		if (matches == 0 && pe->user != NULL)
			probe_result_fact(r, "process.user", "%s", pe->user);
		if (matches < MAX_EVIDENCE_LINES) {
			char *clean = probe_clean_line(pe->line, strlen(pe->line), MAX_LINE_BYTES);

			probe_result_evidence(r, "%s", clean);
			free(clean);
		}
		matches++;
	}
	probe_result_fact(r, "process.count", "%zu", matches);
	if (matches > MAX_EVIDENCE_LINES)
		probe_result_evidence(r, _("... %zu more"), matches - MAX_EVIDENCE_LINES);
	if (hr.truncated)
		probe_result_evidence(r,
		                      _("the output of '%s' was cut short; a process past the "
		                        "cut may be missed"),
		                      cmd);
	if (matches > 0) {
		probe_result_fact(r, "process.pids", "%s", pids.buf);
		probe_result_set_outcome(r, "running");
		probe_result_summary(r, _("%s is running (%zu process(es): %s)"), name, matches,
		                     pids.buf);
	} else {
		probe_result_set_outcome(r, "not_running");
		probe_result_summary(r, _("no process named %s is running"), name);
		probe_result_evidence(r, _("'%s' listed %zu processes; none is named %s"), cmd,
		                      procs.n, name);
	}
out:
	strbuf_free(&pids);
	proc_list_free(&procs);
	host_result_free(&hr);
	free(cmd);
	return 0;
}

const struct probe_entry probe_process_entry = {
    .name = "process",
    .summary = N_("Whether a program (bootpd, dnsmasq, multipassd) is running"),
    .params = process_params,
    .outcomes = process_outcomes,
    .facts = process_facts,
    .default_timeout_ms = 10000,
    .run = probe_process_run,
};
