/*
 * probe.c: the table of every probe, and what all probes share: building a
 * result, and running one with checked parameters and a time budget, so a
 * probe's own code only looks and reports.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "host/host.h"
#include "probe/probe.h"

#define DEFAULT_PROBE_TIMEOUT_MS 30000

extern const struct probe_entry probe_file_entry;
extern const struct probe_entry probe_command_entry;
extern const struct probe_entry probe_dhcp_entry;
extern const struct probe_entry probe_ssh_entry;
extern const struct probe_entry probe_dns_entry;
extern const struct probe_entry probe_reach_entry;
extern const struct probe_entry probe_route_entry;
extern const struct probe_entry probe_port_owner_entry;
extern const struct probe_entry probe_multipass_entry;
extern const struct probe_entry probe_process_entry;
extern const struct probe_entry probe_disk_space_entry;
extern const struct probe_entry probe_log_entry;
extern const struct probe_entry probe_leases_entry;
extern const struct probe_entry probe_hosts_ics_entry;
extern const struct probe_entry probe_firewall_entry;
extern const struct probe_entry probe_image_entry;
extern const struct probe_entry probe_guest_entry;

const struct probe_entry *const probe_table[] = {
    &probe_file_entry,    &probe_command_entry,    &probe_dhcp_entry,
    &probe_ssh_entry,     &probe_dns_entry,        &probe_reach_entry,
    &probe_route_entry,   &probe_port_owner_entry, &probe_multipass_entry,
    &probe_process_entry, &probe_disk_space_entry, &probe_log_entry,
    &probe_leases_entry,  &probe_hosts_ics_entry,  &probe_firewall_entry,
    &probe_image_entry,   &probe_guest_entry,      NULL,
};

const struct probe_entry *
probe_find(const char *name)
{
	for (size_t i = 0; probe_table[i] != NULL; i++) {
		if (strcmp(probe_table[i]->name, name) == 0)
			return probe_table[i];
	}
	return NULL;
}

bool
probe_has_outcome(const struct probe_entry *pe, const char *outcome)
{
	if (outcome == NULL)
		return false;
	if (strcmp(outcome, OUTCOME_ERROR) == 0)
		return true;
	for (const struct outcome_def *o = pe->outcomes; o != NULL && o->name != NULL; o++) {
		if (strcmp(o->name, outcome) == 0)
			return true;
	}
	return false;
}

/* "iface.*.addr" matches "iface.eth0.addr": a "*" part stands for one non-empty part. */
static bool
fact_matches(const char *pattern, const char *fact)
{
	for (;;) {
		size_t pl = strcspn(pattern, "."), fl = strcspn(fact, ".");

		if (pl == 1 && pattern[0] == '*') {
			if (fl == 0)
				return false;
		} else if (pl != fl || strncmp(pattern, fact, pl) != 0)
			return false;
		pattern += pl;
		fact += fl;
		if (*pattern == '\0' || *fact == '\0')
			return *pattern == *fact;
		pattern++;
		fact++;
	}
}

bool
probe_sets_fact(const struct probe_entry *pe, const char *fact)
{
	for (const char *const *f = pe->facts; f != NULL && *f != NULL; f++) {
		if (fact_matches(*f, fact))
			return true;
	}
	return false;
}

void
probe_result_set_outcome(struct probe_result *r, const char *outcome)
{
	free(r->outcome);
	r->outcome = xstrdup(outcome);
}

void
probe_result_fact(struct probe_result *r, const char *key, const char *fmt, ...)
{
	va_list ap;
	char *value = NULL;

	va_start(ap, fmt);
	value = xvasprintf(fmt, ap);
	va_end(ap);
	for (size_t i = 0; i < r->nfacts; i++) {
		if (strcmp(r->facts[i].key, key) == 0) {
			free(r->facts[i].value);
			r->facts[i].value = value;
			return;
		}
	}
	r->facts = xreallocarray(r->facts, r->nfacts + 1, sizeof *r->facts);
	r->facts[r->nfacts].key = xstrdup(key);
	r->facts[r->nfacts].value = value;
	r->nfacts++;
}

void
probe_result_evidence(struct probe_result *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strlist_take(&r->evidence, xvasprintf(fmt, ap));
	va_end(ap);
}

void
probe_result_summary(struct probe_result *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	free(r->summary);
	r->summary = xvasprintf(fmt, ap);
	va_end(ap);
}

void
probe_result_listing_failed(struct probe_result *r, const char *cmd, const char *what,
                            const struct host_result *hr)
{
	probe_result_set_outcome(r, OUTCOME_ERROR);
	switch (hr->status) {
	case HOST_NOT_COLLECTED:
		probe_result_summary(r, _("the snapshot does not hold %s: %s"), what, hr->message);
		break;
	case HOST_DENIED:
		probe_result_summary(r,
		                     _("'%s' may not be run by this user: run it with sudo or "
		                       "as administrator"),
		                     cmd);
		break;
	case HOST_OK:
		probe_result_summary(r, _("'%s' printed nothing that reads as %s (exit status %d)"),
		                     cmd, what, hr->exit_code);
		probe_tail_lines(&r->evidence, "", hr->out, hr->out_len, 4);
		probe_tail_lines(&r->evidence, "", hr->err, hr->err_len, 4);
		return;
	default:
		probe_result_summary(r, _("%s could not be had: %s"), what, hr->message);
		break;
	}
	probe_result_evidence(r, "%s", hr->message);
}

void
probe_result_copy(struct probe_result *dst, const struct probe_result *src)
{
	memset(dst, 0, sizeof *dst);
	if (src->outcome != NULL)
		dst->outcome = xstrdup(src->outcome);
	if (src->nfacts > 0) {
		dst->facts = xcalloc(src->nfacts, sizeof *dst->facts);
		for (size_t i = 0; i < src->nfacts; i++) {
			dst->facts[i].key = xstrdup(src->facts[i].key);
			dst->facts[i].value = xstrdup(src->facts[i].value);
		}
		dst->nfacts = src->nfacts;
	}
	for (size_t i = 0; i < src->evidence.n; i++)
		strlist_add(&dst->evidence, src->evidence.v[i]);
	if (src->summary != NULL)
		dst->summary = xstrdup(src->summary);
	dst->elapsed_ms = src->elapsed_ms;
}

void
probe_result_free(struct probe_result *r)
{
	if (r == NULL)
		return;
	free(r->outcome);
	for (size_t i = 0; i < r->nfacts; i++) {
		free(r->facts[i].key);
		free(r->facts[i].value);
	}
	free(r->facts);
	strlist_free(&r->evidence);
	free(r->summary);
	memset(r, 0, sizeof *r);
}

/* Length of the UTF-8 character at s (at most len bytes), or 0 when it is not clean text. */
static size_t
utf8_char_len(const char *s, size_t len)
{
	unsigned char c = (unsigned char)*s;
	size_t n = 1;

	if (c >= 0xf0)
		n = 4;
	else if (c >= 0xe0)
		n = 3;
	else if (c >= 0xc0)
		n = 2;
	if (n > len || !utf8_is_clean_text(s, n))
		return 0;
	return n;
}

char *
probe_clean_line(const char *s, size_t len, size_t max)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i = 0;

	while (i < len) {
		size_t n = s[i] == '\t' ? 1 : utf8_char_len(s + i, len - i);

		/* \n and \r are clean text, but not inside one line. */
		if (n == 1 && (s[i] == '\n' || s[i] == '\r'))
			n = 0;
		if (sb.len + (n == 0 ? 1 : n) > max) {
			strbuf_adds(&sb, "...");
			break;
		}
		if (n == 0) {
			strbuf_addc(&sb, '?');
			i++;
		} else {
			strbuf_add(&sb, s + i, n);
			i += n;
		}
	}
	return strbuf_detach(&sb);
}

void
probe_tail_lines(struct strlist *out, const char *prefix, const char *buf, size_t len,
                 size_t max_lines)
{
	const char *start = NULL, *end = NULL;
	size_t lines = 0;

	if (len > 0 && buf[len - 1] == '\n')
		len--;
	if (len == 0 || max_lines == 0)
		return;
	end = buf + len;
	/* Walk back to the start of the last max_lines lines. */
	for (start = end; start > buf; start--) {
		if (start[-1] == '\n' && ++lines == max_lines)
			break;
	}
	while (start < end) {
		const char *nl = memchr(start, '\n', (size_t)(end - start));
		size_t ll = nl != NULL ? (size_t)(nl - start) : (size_t)(end - start);
		char *clean = NULL;

		if (ll > 0 && start[ll - 1] == '\r')
			ll--;
		clean = probe_clean_line(start, ll, 200);

		strlist_addf(out, "%s%s", prefix, clean);
		free(clean);
		start = nl != NULL ? nl + 1 : end;
	}
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

long
probe_budget_ms(const struct probe_entry *pe, const struct params *params)
{
	const struct param_def *pd = param_def_find(pe->params, "seconds");
	long ms = pe->default_timeout_ms > 0 ? pe->default_timeout_ms : DEFAULT_PROBE_TIMEOUT_MS;
	long def;

	/* A probe that takes "seconds" is told its budget by the flow. */
	if (pd != NULL) {
		def = ms / 1000;
		if (pd->def != NULL)
			def = strtol(pd->def, NULL, 10);
		ms = params_get_long(params, "seconds", def) * 1000;
	}
	return ms;
}

void
probe_run(const struct probe_entry *pe, const struct params *given, struct host *host,
          struct probe_result *r)
{
	probe_run_progress(pe, given, host, -1, r);
}

void
probe_run_progress(const struct probe_entry *pe, const struct params *given, struct host *host,
                   int progress_fd, struct probe_result *r)
{
	struct params params = {NULL, 0};
	struct probe_ctx ctx;
	int64_t start = now_ms();
	char *msg = NULL;
	int rc;

	memset(r, 0, sizeof *r);
	if ((msg = params_resolve(pe->params, given, &params)) != NULL) {
		probe_result_set_outcome(r, OUTCOME_ERROR);
		probe_result_summary(r, "%s", msg);
		probe_result_evidence(r, "%s", msg);
		goto out;
	}
	ctx.host = host;
	ctx.timeout_ms = (int)probe_budget_ms(pe, &params);
	ctx.progress_fd = progress_fd;
	if (vt_cancelled) {
		probe_result_set_outcome(r, OUTCOME_ERROR);
		probe_result_summary(r, "%s", _("cancelled before it started"));
		goto out;
	}

	if (pe->live_only && !host_is_live(host)) {
		probe_result_set_outcome(r, OUTCOME_ERROR);
		probe_result_summary(r,
		                     _("a snapshot cannot answer the %s probe: it talks to the "
		                       "network from the machine it runs on, not the one the "
		                       "snapshot was collected on"),
		                     pe->name);
		goto out;
	}
	rc = pe->run(&params, &ctx, r);
	if (rc == -1 || r->outcome == NULL) {
		probe_result_set_outcome(r, OUTCOME_ERROR);
		if (r->summary == NULL)
			probe_result_summary(r, _("probe '%s' could not run"), pe->name);
	} else if (!probe_has_outcome(pe, r->outcome)) {
		/* A bug in the probe; the flow cannot route an outcome it never declared. */
		probe_result_evidence(r,
		                      _("probe '%s' gave outcome '%s', which it does not declare"),
		                      pe->name, r->outcome);
		probe_result_set_outcome(r, OUTCOME_ERROR);
	}

out:
	free(msg);
	params_free(&params);
	r->elapsed_ms = (long)(now_ms() - start);
}
