/*
 * test-report.c: reports of sessions, built here by filling struct session
 * (session.c is not needed), against golden files in tests/data/report/:
 * a finished walk (an answer taken back, a check with evidence, a fix with
 * its plan and journal, a cause), the same with REPORT_REDACT and in German,
 * a walk that stopped, and one full of secrets in a flow the catalogue does
 * not know. UPDATE=1 rewrites the golden files; review the diff by eye.
 * No secret of the corpus may appear in any report; with REPORT_REDACT no
 * address, MAC, host or user name either, and the placeholders must agree.
 * report_redact_ids has its own cases, and the YAML must parse.
 */
#include "config.h"

#include "cmocka-prelude.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "flow/flow.h"
#include "report/report.h"
#include "report/session.h"
#include "testutil.h"
#include "util/util.h"

/* ---- the flow ------------------------------------------------------------ */

static const char flow_yaml[] =
    "id: launch-start\n"
    "title:\n"
    "  en: 'multipass launch fails: the instance gets no address'\n"
    "  de: 'multipass launch scheitert: die Instanz bekommt keine Adresse'\n"
    "summary:\n"
    "  en: A new instance starts but never gets an address, so the launch times out.\n"
    "  de: Eine neue Instanz startet, bekommt aber nie eine Adresse.\n"
    "start: driver\n"
    "nodes:\n"
    "  driver:\n"
    "    kind: ask\n"
    "    title: {en: Which driver?, de: Welcher Treiber?}\n"
    "    text: Which driver does {{instance}} use?\n"
    "    fact: driver\n"
    "    choices:\n"
    "      - { text: QEMU, value: qemu, next: version }\n"
    "      - { text: VirtualBox, value: virtualbox, next: version }\n"
    "  version:\n"
    "    kind: check\n"
    "    title: {en: Is Multipass installed?, de: Ist Multipass installiert?}\n"
    "    text: Asking multipass for its version.\n"
    "    probe: command\n"
    "    with: { argv: multipass version, seconds: '20' }\n"
    "    on:\n"
    "      ok: refresh\n"
    "      default: no-daemon\n"
    "  refresh:\n"
    "    kind: fix\n"
    "    title: {en: Refresh the image information, de: Image-Informationen auffrischen}\n"
    "    text: Runs multipass find --force-update.\n"
    "    fix: multipass_find_force_update\n"
    "    then: retry\n"
    "    else: no-daemon\n"
    "  retry:\n"
    "    kind: ask\n"
    "    title: {en: Launch again, de: Erneut starten}\n"
    "    text: Does {{instance}} launch now?\n"
    "    choices:\n"
    "      - { text: {en: 'Yes, it launched', de: 'Ja, sie startet'}, value: works, next: solved "
    "}\n"
    "      - { text: {en: 'No, the same error', de: 'Nein, derselbe Fehler'}, value: same, next: "
    "leases }\n"
    "  leases:\n"
    "    kind: check\n"
    "    title:\n"
    "      en: Who holds the address of {{instance}}?\n"
    "      de: Wer hält die Adresse von {{instance}}?\n"
    "    text: Reading the DHCP leases.\n"
    "    probe: leases\n"
    "    on:\n"
    "      stale: stale-lease\n"
    "      default: no-daemon\n"
    "  solved:\n"
    "    kind: end\n"
    "    verdict: solved\n"
    "    title: The image information was stale\n"
    "    text: Refreshing the image information fixed the launch.\n"
    "  stale-lease:\n"
    "    kind: end\n"
    "    verdict: cause\n"
    "    title:\n"
    "      en: The lease of {{instance}} is stale\n"
    "      de: Die Lease von {{instance}} ist veraltet\n"
    "    cause:\n"
    "      en: The address {{lease.ip}} is still leased to {{lease.mac}}\n"
    "      de: Die Adresse {{lease.ip}} ist noch an {{lease.mac}} vergeben\n"
    "    source: launch.txt#stale-leases\n"
    "    text:\n"
    "      en: |\n"
    "        Another instance's lease still holds the address, so the DHCP server\n"
    "        cannot give it to {{instance}}. The *old* entry must go (see <leases>):\n"
    "          sudo grep -n '{{lease.mac}}' /var/db/dhcpd_leases\n"
    "            # the *old* one: `name=old-primary`\n"
    "        Then start it again.\n"
    "      de: |\n"
    "        Die Lease einer anderen Instanz hält die Adresse noch, darum kann der\n"
    "        DHCP-Server sie {{instance}} nicht geben. Der *alte* Eintrag muss weg.\n"
    "    next_steps:\n"
    "      - en: Delete the lease of {{lease.mac}} from /var/db/dhcpd_leases.\n"
    "        de: Die Lease von {{lease.mac}} aus /var/db/dhcpd_leases löschen.\n"
    "      - |\n"
    "        Start {{instance}} again and watch it get an address:\n"
    "          multipass start {{instance}} && multipass info {{instance}}\n"
    "        If it still gets none, run vmtriage again.\n"
    "    attach:\n"
    "      - The file /var/db/dhcpd_leases.\n"
    "      - The output of \"multipass info {{instance}}\" and {{unknown.fact}}.\n"
    "  no-daemon:\n"
    "    kind: end\n"
    "    verdict: escalate\n"
    "    title: Multipass does not answer\n"
    "    text: The daemon did not answer.\n"
    "    attach: [The output of \"multipass version\".]\n";

static struct catalog cat;

static int
setup(void **state)
{
	(void)state;
	catalog_add(&cat, load_yaml_ok(flow_yaml));
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	catalog_free(&cat);
	return 0;
}

/* ---- building sessions ----------------------------------------------------- */

static void
kv_add(struct session_kvs *kv, const char *key, const char *value)
{
	kv->v = xreallocarray(kv->v, kv->n + 1, sizeof *kv->v);
	kv->v[kv->n].key = xstrdup(key);
	kv->v[kv->n].value = xstrdup(value);
	kv->n++;
}


static void
lines_add(struct strlist *sl, const char *const *lines)
{
	for (size_t i = 0; lines[i] != NULL; i++)
		strlist_add(sl, lines[i]);
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

static void
set_str(char **field, const char *value)
{
	free(*field);
	*field = xstrdup(value);
}

static struct session_step *
step_add(struct session *s, enum session_step_kind kind, const char *flow, const char *node,
         const char *time)
{
	struct session_step *st = NULL;

	s->steps = xreallocarray(s->steps, s->nsteps + 1, sizeof *s->steps);
	st = &s->steps[s->nsteps++];
	memset(st, 0, sizeof *st);
	st->kind = kind;
	st->flow = xstrdup(flow);
	st->node = xstrdup(node);
	st->time = xstrdup(time);
	return st;
}

static struct session_step *
answer_add(struct session *s, const char *node, const char *time, const char *answer,
           const char *text)
{
	struct session_step *st = step_add(s, SESSION_ANSWER, s->flow, node, time);

	st->answer = xstrdup(answer);
	st->answer_text = dup_or_null(text);
	return st;
}

static struct session *
session_make(const char *id, const char *flow, const char *host, const char *user)
{
	struct session *s = xcalloc(1, sizeof *s);

	s->id = xstrdup(id);
	s->version = xstrdup("0.9.0");
	s->flow = xstrdup(flow);
	s->start = xstrdup("driver");
	s->started = xstrdup("2026-12-05T18:11:28Z");
	s->updated = xstrdup("2026-12-05T18:14:02Z");
	s->os = xstrdup("linux");
	s->arch = xstrdup("x86_64");
	s->hostname = dup_or_null(host);
	s->user = dup_or_null(user);
	s->lang = xstrdup("en");
	return s;
}


/* The leases the stale-lease check saw: every kind of identity, and what must stay. */
static const char *const lease_evidence[] = {
    "/var/db/dhcpd_leases: 2 entries",
    "{",
    "\tname=primary",
    "\tip_address=192.168.64.5",
    "\thw_address=1,52:54:0:12:34:56",
    "}",
    "{",
    "\tname=old-primary",
    "\tip_address=192.168.64.5",
    "\thw_address=1,52:54:0:ab:cd:ef",
    "}",
    "",
    "arp: ? (192.168.64.5) at 52:54:00:ab:cd:ef on bridge100",
    "ssh alice@WS-042.local via fe80::5054:ff:fe12:3456%bridge100: no answer",
    "seen by: alice (uid 501) on ws-042, files /Users/alice/.ssh and /Users/bob/notes",
    "kept: 127.0.0.1, ::1, netmask 255.255.255.0, at 18:11:28, "
    "16:27:ac:a5:76:28:2d:36:63:1b:56:4d:eb:df:a6:48",
    NULL,
};

/* A walk to a cause: an answer taken back, a check, a fix, the decisive check. */
static struct session *
session_finished(void)
{
	struct session *s =
	    session_make("20261205-181128-launch-start", "launch-start", "ws-042", "alice");
	struct session_step *st = NULL;

	kv_add(&s->given, "instance", "primary");
	kv_add(&s->given, "os", "linux");
	kv_add(&s->facts, "instance", "primary");
	kv_add(&s->facts, "os", "linux");
	kv_add(&s->facts, "driver", "qemu");
	kv_add(&s->facts, "multipass.version", "1.14.0");
	kv_add(&s->facts, "multipassd.version", "1.14.0");
	kv_add(&s->facts, "lease.ip", "192.168.64.5");
	kv_add(&s->facts, "lease.mac", "52:54:00:12:34:56");
	kv_add(&s->facts, "lease.file", "/var/db/dhcpd_leases");

	answer_add(s, "driver", "2026-12-05T18:11:30Z", "qemu", "QEMU");

	st = step_add(s, SESSION_PROBE, "launch-start", "version", "2026-12-05T18:11:31Z");
	st->probe = xstrdup("command");
	kv_add(&st->params, "argv", "multipass version");
	kv_add(&st->params, "seconds", "20");
	st->outcome = xstrdup("ok");
	st->summary = xstrdup("'multipass version' answered: client 1.14.0, daemon 1.14.0");
	lines_add(&st->evidence,
	          W("$ multipass version", "multipass   1.14.0+mac", "multipassd  1.14.0+mac"));
	kv_add(&st->facts, "multipass.version", "1.14.0");
	kv_add(&st->facts, "multipassd.version", "1.14.0");
	st->elapsed_ms = 412;

	st = step_add(s, SESSION_FIX, "launch-start", "refresh", "2026-12-05T18:11:40Z");
	st->fix = xstrdup("multipass_find_force_update");
	st->result = xstrdup("ok");
	lines_add(&st->plan, W("multipass find --force-update"));
	lines_add(&st->verify, W("multipass find: 14 images listed (exit status 0)"));
	st->journal = xstrdup("20261205-181140-multipass_find_force_update");

	answer_add(s, "retry", "2026-12-05T18:12:10Z", "same", "No, the same error");
	step_add(s, SESSION_BACK, "launch-start", "leases", "2026-12-05T18:12:20Z");
	answer_add(s, "retry", "2026-12-05T18:12:25Z", "same", "No, the same error");

	st = step_add(s, SESSION_PROBE, "launch-start", "leases", "2026-12-05T18:12:26Z");
	st->probe = xstrdup("leases");
	st->outcome = xstrdup("stale");
	st->summary = xstrdup("192.168.64.5 is leased to 52:54:0:ab:cd:ef, not to primary "
	                      "(52:54:0:12:34:56) <see leases>");
	lines_add(&st->evidence, lease_evidence);
	kv_add(&st->facts, "lease.ip", "192.168.64.5");
	kv_add(&st->facts, "lease.mac", "52:54:00:12:34:56");
	kv_add(&st->facts, "lease.file", "/var/db/dhcpd_leases");
	st->elapsed_ms = 31;

	st = step_add(s, SESSION_END, "launch-start", "stale-lease", "2026-12-05T18:12:26Z");
	st->verdict = xstrdup("cause");
	s->ended = true;
	return s;
}

/* A walk that stopped at the fix, on a snapshot, with an outcome given by hand. */
static struct session *
session_stopped(void)
{
	struct session *s =
	    session_make("20261206-090000-launch-start", "launch-start", "ws-042", "alice");
	struct session_step *st = NULL;

	s->snapshot = xstrdup("/Users/alice/snapshots/primary.yaml");
	set_str(&s->os, "darwin");
	set_str(&s->arch, "arm64");
	set_str(&s->lang, "de");
	kv_add(&s->facts, "instance", "primary");
	kv_add(&s->facts, "driver", "virtualbox");
	/* A choice given by its number. */
	answer_add(s, "driver", "2026-12-06T09:00:05Z", "2", NULL);
	st = step_add(s, SESSION_PROBE, "launch-start", "version", "2026-12-06T09:00:09Z");
	st->outcome = xstrdup("ok");
	return s;
}

/* Secrets everywhere a machine's words go, in a flow the catalogue does not know. */
static const char *const key_evidence[] = {
    "found /home/carol/.ssh/id_ed25519:",
    "-----BEGIN OPENSSH PRIVATE KEY-----",
    "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW",
    "QyNTUxOQAAACDZrXq9JQq1Wm5c0FO3B7t2l4tBJvLKY3mM0nEXAMPLEKEYAAAAJgAAAA",
    "-----END OPENSSH PRIVATE KEY-----",
    "cloud-init: password: hunter2",
    "fetched https://x/?token=abc123 from 10.1.2.3",
    "Authorization: Bearer abc123",
    NULL,
};

static const char *const secrets[] = {
    "hunter2",
    "abc123",
    "b3BlbnNzaC1rZXktdjEAAAAABG5vbmU",
    "QyNTUxOQAAACDZrXq9JQq1Wm5c0FO3B7t2l4tBJvLKY3mM0nEXAMPLEKEYAAAAJgAAAA",
    "BEGIN OPENSSH PRIVATE KEY",
};

static struct session *
session_secrets(void)
{
	struct session *s =
	    session_make("20261207-120000-cloud-init", "cloud-init", "build-box", "carol");
	struct session_step *st = NULL;

	set_str(&s->start, "user-data");
	kv_add(&s->given, "url", "https://x/?token=abc123");
	kv_add(&s->facts, "guest.cloud_init",
	       "#cloud-config\nchpasswd:\n  list: |\n    ubuntu:hunter2\npassword: hunter2\n");
	kv_add(&s->facts, "cloud-init.password", "hunter2");
	kv_add(&s->facts, "url", "https://x/?token=abc123");

	st = step_add(s, SESSION_PROBE, "cloud-init", "user-data", "2026-12-07T12:00:01Z");
	st->probe = xstrdup("guest");
	kv_add(&st->params, "url", "https://x/?token=abc123");
	kv_add(&st->params, "password", "hunter2");
	st->outcome = xstrdup("found");
	st->summary = xstrdup("user-data from https://x/?token=abc123 sets password: hunter2");
	lines_add(&st->evidence, key_evidence);
	kv_add(&st->facts, "cloud-init.password", "hunter2");
	st->elapsed_ms = 1200;

	st = step_add(s, SESSION_FIX, "cloud-init", "rotate", "2026-12-07T12:00:30Z");
	st->fix = xstrdup("rotate_password");
	st->result = xstrdup("failed");
	lines_add(&st->plan, W("curl -H 'Authorization: Bearer abc123' https://x/?token=abc123",
	                       "usermod --password=hunter2 ubuntu"));
	lines_add(&st->verify, W("password: hunter2 still accepted"));

	st = step_add(s, SESSION_END, "cloud-init", "ask-admin", "2026-12-07T12:00:31Z");
	st->verdict = xstrdup("escalate");
	s->ended = true;
	return s;
}

/* ---- rendering and comparing ---------------------------------------------- */

static char *
render(const struct session *s, const struct catalog *c, enum report_format fmt, unsigned flags,
       const char *lang)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(report_write_lang(f, s, c, fmt, flags, lang), 0);
	fclose(f);
	return buf;
}

static bool
update_wanted(void)
{
	const char *u = getenv("UPDATE");

	return u != NULL && strcmp(u, "1") == 0;
}

/* got must be tests/data/report/name, byte for byte; UPDATE=1 writes it instead. */
static void
golden(const char *name, const char *got)
{
	char *path = xasprintf("%s/tests/data/report/%s", SRCDIR, name);
	char *want = NULL, *rel = NULL;
	size_t wlen = 0, line = 1;
	const char *g = got, *w = NULL;

	if (update_wanted()) {
		FILE *f = fopen(path, "w");

		assert_non_null(f);
		assert_int_equal(fputs(got, f) >= 0, 1);
		assert_int_equal(fclose(f), 0);
		free(path);
		return;
	}
	rel = xasprintf("report/%s", name);
	want = fixture_read(rel, &wlen);
	free(rel);
	for (w = want; *g != '\0' && *w != '\0' && *g == *w; g++, w++)
		if (*g == '\n')
			line++;
	if (*g != '\0' || *w != '\0') {
		const char *ge = strchr(g, '\n'), *we = strchr(w, '\n');

		fail_msg("%s differs at line %zu (UPDATE=1 rewrites it):\n  want: %.*s\n  got:  "
		         "%.*s",
		         path, line, we != NULL ? (int)(we - w) : (int)strlen(w), w,
		         ge != NULL ? (int)(ge - g) : (int)strlen(g), g);
	}
	free(want);
	free(path);
}

/* The whole report as TAP comments (cmocka cuts long messages short). */
static void
dump(const char *out)
{
	for (const char *p = out; *p != '\0';) {
		size_t n = strcspn(p, "\n");

		fprintf(stderr, "#   %.*s\n", (int)n, p);
		p += n + (p[n] == '\n');
	}
}

static void
assert_lacks(const char *out, const char *needle)
{
	if (strstr(out, needle) != NULL) {
		dump(out);
		fail_msg("the report shows '%s'", needle);
	}
}

static void
assert_has(const char *out, const char *needle)
{
	if (strstr(out, needle) == NULL) {
		dump(out);
		fail_msg("the report lacks '%s'", needle);
	}
}

/* Case-insensitive: a host name is the same in capitals. */
static void
assert_lacks_nocase(const char *out, const char *needle)
{
	char *o = xstrdup(out);

	for (char *p = o; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	assert_lacks(o, needle);
	free(o);
}

/* The YAML parses from start to end. */
static void
assert_yaml_parses(const char *text)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	bool done = false;

	assert_true(yaml_parser_initialize(&parser));
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, strlen(text));
	while (!done) {
		if (!yaml_parser_parse(&parser, &ev))
			fail_msg("the YAML does not parse: %s\n%s", parser.problem, text);
		done = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
}

static void
no_secrets(const char *out)
{
	for (size_t i = 0; i < nitems(secrets); i++)
		assert_lacks(out, secrets[i]);
}

/* Every identity of the finished walk is gone; placeholders stand for them, the same each time. */
static void
no_identities(const char *out)
{
	assert_lacks(out, "192.168.64.5");
	assert_lacks_nocase(out, "52:54:0");
	assert_lacks_nocase(out, "ab:cd:ef");
	assert_lacks_nocase(out, "fe80::");
	assert_lacks_nocase(out, "ws-042");
	assert_lacks_nocase(out, "alice");
	assert_lacks(out, "bob");
	assert_has(out, "127.0.0.1");
	assert_has(out, "::1");
	assert_has(out, "255.255.255.0");
	assert_has(out, "18:11:28");
	assert_has(out, "16:27:ac:a5:76:28:2d:36:63:1b:56:4d:eb:df:a6:48");
	/* The lease's address and MAC: first met in the facts, the same in the evidence and the
	 * cause. */
	assert_has(out, "ip_address=<address-1>");
	assert_has(out, "hw_address=1,<mac-1>");
	assert_has(out, "hw_address=1,<mac-2>");
	assert_has(out, "(<address-1>) at <mac-2>");
	assert_has(out, "<user>@<host>.local via <address-2>%bridge100");
	assert_has(out, "/Users/<user>/.ssh");
	assert_has(out, "/Users/<other-user-1>/notes");
	assert_lacks(out, "<address-3>");
	assert_lacks(out, "<mac-3>");
}

/* ---- the reports ------------------------------------------------------------ */

static void
test_finished(void **state)
{
	struct session *s = session_finished();
	char *md = render(s, &cat, REPORT_MD, 0, "en");
	char *yaml = render(s, &cat, REPORT_YAML, 0, "en");

	(void)state;
	golden("finished.md", md);
	golden("finished.yaml", yaml);
	assert_yaml_parses(yaml);
	/* The explanation is the flow's, expanded; the evidence as recorded. */
	assert_has(md, "The address 192.168.64.5 is still leased to 52:54:00:12:34:56");
	assert_has(md, "\tip_address=192.168.64.5\n");
	assert_has(md, "vmtriage undo 20261205-181140-multipass_find_force_update");
	assert_has(md, "{{unknown.fact}}");
	free(md);
	free(yaml);
	session_free(s);
}

static void
test_finished_redacted(void **state)
{
	struct session *s = session_finished();
	char *md = render(s, &cat, REPORT_MD, REPORT_REDACT, "en");
	char *yaml = render(s, &cat, REPORT_YAML, REPORT_REDACT, "en");

	(void)state;
	golden("finished-redacted.md", md);
	golden("finished-redacted.yaml", yaml);
	assert_yaml_parses(yaml);
	no_identities(md);
	no_identities(yaml);
	/* Escaped in Markdown prose, or a renderer would take them for HTML tags. */
	assert_has(md, "The address \\<address-1\\> is still leased to \\<mac-1\\>");
	assert_has(yaml, "lease.ip: <address-1>");
	/* Ids that commands need are not touched. */
	assert_has(md, "vmtriage undo 20261205-181140-multipass_find_force_update");
	free(md);
	free(yaml);
	session_free(s);
}

static void
test_finished_german(void **state)
{
	struct session *s = session_finished();
	char *md = render(s, &cat, REPORT_MD, 0, "de_DE.UTF-8");

	(void)state;
	golden("finished-de.md", md);
	assert_has(md, "Die Adresse 192.168.64.5 ist noch an 52:54:00:12:34:56 vergeben");
	/* Texts the flow does not translate stay English; evidence is never translated. */
	assert_has(md, "The file /var/db/dhcpd\\_leases.");
	assert_has(md, "multipassd  1.14.0+mac");
	free(md);
	session_free(s);
}

static void
test_stopped(void **state)
{
	struct session *s = session_stopped();
	char *md = render(s, &cat, REPORT_MD, 0, "en");
	char *yaml = render(s, &cat, REPORT_YAML, 0, "en");
	char *red = render(s, &cat, REPORT_MD, REPORT_REDACT, "en");

	(void)state;
	golden("stopped.md", md);
	golden("stopped.yaml", yaml);
	assert_yaml_parses(yaml);
	assert_has(md, "vmtriage resume 20261206-090000-launch-start");
	assert_has(yaml, "resume: vmtriage resume 20261206-090000-launch-start");
	assert_has(md, "VirtualBox");
	assert_lacks(md, "## What to do next");
	assert_has(red, "`/Users/<user>/snapshots/primary.yaml`");
	assert_lacks(red, "alice");
	/* The check's outcome leads to the fix: the walk stands there. */
	assert_has(md, "It stopped at Refresh the image information, the step after step 2.");
	assert_has(md, "- **Stopped at:** `launch-start:refresh`");
	assert_has(yaml, "  stands-at:\n    flow: launch-start\n    node: refresh\n");
	free(md);
	free(yaml);
	free(red);
	/* After a back, only a replay would know: the report names the last step. */
	step_add(s, SESSION_BACK, "launch-start", "refresh", "2026-12-06T09:01:00Z");
	md = render(s, &cat, REPORT_MD, 0, "en");
	yaml = render(s, &cat, REPORT_YAML, 0, "en");
	assert_has(md, "The last step recorded is step 3, Refresh the image information, at "
	               "2026-12-06T09:01:00Z.");
	assert_lacks(md, "Stopped at");
	assert_lacks(yaml, "stands-at");
	/* The back took the outcome back: it is no longer a finding. */
	assert_lacks(md, "- Step 2, **Is Multipass installed?**");
	assert_has(md, "- Step 1, **Which driver?**");
	free(md);
	free(yaml);
	session_free(s);
}

/* Nothing recorded yet: the report still says where to go on. */
static void
test_no_steps(void **state)
{
	struct session *s =
	    session_make("20261208-100000-launch-start", "launch-start", NULL, NULL);
	char *md = render(s, &cat, REPORT_MD, REPORT_REDACT, "en");
	char *yaml = render(s, &cat, REPORT_YAML, 0, "en");

	(void)state;
	assert_has(md, "stopped before its first step was recorded, at Which driver?");
	assert_has(md, "No step was recorded.");
	assert_has(md, "vmtriage resume 20261208-100000-launch-start");
	assert_lacks(md, "**Host:**");
	assert_yaml_parses(yaml);
	assert_has(yaml, "after-step: '0'");
	free(md);
	free(yaml);
	session_free(s);
}

static void
test_secrets(void **state)
{
	struct session *s = session_secrets();
	struct catalog empty = {NULL, 0};
	char *md = render(s, &empty, REPORT_MD, 0, "en");
	char *yaml = render(s, NULL, REPORT_YAML, 0, "en");
	char *md_red = render(s, &empty, REPORT_MD, REPORT_REDACT, "en");
	char *yaml_red = render(s, NULL, REPORT_YAML, REPORT_REDACT, "en");

	(void)state;
	golden("secrets.md", md);
	golden("secrets.yaml", yaml);
	golden("secrets-redacted.md", md_red);
	assert_yaml_parses(yaml);
	assert_yaml_parses(yaml_red);
	no_secrets(md);
	no_secrets(yaml);
	no_secrets(md_red);
	no_secrets(yaml_red);
	/* The cuts say what was there. */
	assert_has(md, "[private key removed]");
	assert_has(md, "password: [removed]");
	/* Not in the catalogue: named by its ids. */
	assert_has(md, "# vmtriage report: `cloud-init`");
	assert_has(md, "`cloud-init:ask-admin`");
	assert_has(md, "### 1. user-data");
	assert_has(md, "/home/carol/.ssh");
	assert_lacks(md_red, "carol");
	assert_lacks(md_red, "build-box");
	assert_lacks(md_red, "10.1.2.3");
	assert_has(md_red, "/home/<user>/.ssh");
	free(md);
	free(yaml);
	free(md_red);
	free(yaml_red);
	session_free(s);
}

/* Every session, every format, with and without REPORT_REDACT, in English and German. */
static void
test_no_secret_anywhere(void **state)
{
	struct session *(*makers[])(void) = {session_finished, session_stopped, session_secrets};
	const char *langs[] = {"en", "de"};

	(void)state;
	for (size_t m = 0; m < nitems(makers); m++) {
		struct session *s = makers[m]();

		for (int fmt = REPORT_MD; fmt <= REPORT_YAML; fmt++)
			for (unsigned flags = 0; flags <= REPORT_REDACT; flags++)
				for (size_t l = 0; l < nitems(langs); l++) {
					char *out = render(s, &cat, (enum report_format)fmt, flags,
					                   langs[l]);

					no_secrets(out);
					if (fmt == REPORT_YAML)
						assert_yaml_parses(out);
					free(out);
				}
		session_free(s);
	}
}

/* What the machine said cannot reach a terminal as a command, nor break the YAML. */
static void
test_control_characters(void **state)
{
	struct session *s = session_stopped();
	struct session_step *st = &s->steps[1];
	char *md = NULL, *yaml = NULL;

	(void)state;
	st->summary = xstrdup("red \x1b[31mtext\x1b[0m, bell \a, bad \xff\xfe UTF-8, CRLF\r\n");
	lines_add(&st->evidence, W("line with ```` fence", "tab\there", "über\r"));
	md = render(s, &cat, REPORT_MD, 0, "en");
	yaml = render(s, &cat, REPORT_YAML, 0, "en");
	assert_lacks(md, "\x1b");
	assert_lacks(md, "\a");
	assert_lacks(md, "\r");
	assert_lacks(md, "\xff");
	assert_has(md, "red ?\\[31mtext?\\[0m, bell ?, bad ?? UTF-8, CRLF\n");
	/* A fence longer than any run of backticks inside it. */
	assert_has(md, "  `````\n  line with ```` fence\n  tab\there\n  über\n  `````\n");
	assert_yaml_parses(yaml);
	free(md);
	free(yaml);
	session_free(s);
}

/* A full disk is an error, not a silent half report. */
static void
test_write_error(void **state)
{
	struct session *s = session_finished();
	FILE *f = fopen("/dev/full", "w");

	(void)state;
	if (f == NULL) {
		session_free(s);
		skip();
	}
	assert_int_equal(report_write_lang(f, s, &cat, REPORT_MD, 0, "en"), -1);
	fclose(f);
	f = fopen("/dev/full", "w");
	assert_non_null(f);
	assert_int_equal(report_write_lang(f, s, &cat, REPORT_YAML, 0, "en"), -1);
	fclose(f);
	session_free(s);
}

/* report_write speaks the user's language, as the command line finds it. */
static void
test_user_language(void **state)
{
	struct session *s = session_finished();
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	assert_non_null(f);
	setenv("LANGUAGE", "de_DE.UTF-8:en", 1);
	assert_int_equal(report_write(f, s, &cat, REPORT_MD, 0), 0);
	unsetenv("LANGUAGE");
	fclose(f);
	assert_has(buf, "# multipass launch scheitert: die Instanz bekommt keine Adresse\n");
	free(buf);
	session_free(s);
}

/* ---- report_redact_ids ------------------------------------------------------ */

static void
redacts_to(struct report_ids *ids, const char *in, const char *want)
{
	char *got = report_redact_ids(in, ids);

	if (strcmp(got, want) != 0)
		fail_msg("redacting '%s':\n  want '%s'\n  got  '%s'", in, want, got);
	free(got);
}

static void
test_ids_addresses(void **state)
{
	struct report_ids ids;

	(void)state;
	report_ids_init(&ids, NULL, NULL);
	redacts_to(&ids, "inet 192.168.64.1/24 brd 192.168.64.255",
	           "inet <address-1>/24 brd <address-2>");
	redacts_to(&ids, "gw 192.168.64.1:22, 192.168.064.001", "gw <address-1>:22, <address-1>");
	redacts_to(&ids, "inet addr:10.0.0.7  Mask:255.255.255.0",
	           "inet addr:<address-3>  Mask:255.255.255.0");
	redacts_to(&ids, "range 10.0.0.7-10.0.0.9.", "range <address-3>-<address-4>.");
	redacts_to(&ids, "lo 127.0.0.1 127.0.1.1 any 0.0.0.0 all 255.255.255.255",
	           "lo 127.0.0.1 127.0.1.1 any 0.0.0.0 all 255.255.255.255");
	/* Not addresses: versions, longer dotted runs, numbers out of range. */
	redacts_to(&ids, "v1.2.3.4 1.2.3.4.5 300.1.1.1 10.0.19045.1 snap 1.14.0",
	           "v1.2.3.4 1.2.3.4.5 300.1.1.1 10.0.19045.1 snap 1.14.0");
	/* IPv6: one placeholder per address however it is written. */
	redacts_to(&ids, "inet6 fe80::5054:ff:fe12:3456/64 scope link",
	           "inet6 <address-5>/64 scope link");
	redacts_to(&ids, "[FE80:0:0:0:5054:FF:FE12:3456]:22 and fe80::5054:ff:fe12:3456%en0.",
	           "[<address-5>]:22 and <address-5>%en0.");
	redacts_to(&ids, "addr: 2001:db8::1: up; ::ffff:10.0.0.7",
	           "addr: <address-6>: up; <address-7>");
	redacts_to(&ids, "lo ::1 any :: and 0:0:0:0:0:0:0:1", "lo ::1 any :: and 0:0:0:0:0:0:0:1");
	/* Times, fingerprints, C++ names and hex words are not addresses. */
	redacts_to(&ids, "at 18:11:28.123 Foo::bar cafe babe",
	           "at 18:11:28.123 Foo::bar cafe babe");
	redacts_to(&ids, "MD5:16:27:ac:a5:76:28:2d:36:63:1b:56:4d:eb:df:a6:48",
	           "MD5:16:27:ac:a5:76:28:2d:36:63:1b:56:4d:eb:df:a6:48");
	report_ids_free(&ids);
}

static void
test_ids_macs(void **state)
{
	struct report_ids ids;

	(void)state;
	report_ids_init(&ids, NULL, NULL);
	/* Broadcast and all-zero MACs name no machine. */
	redacts_to(&ids, "link/ether 52:54:00:12:34:56 brd ff:ff:ff:ff:ff:ff 00:00:00:00:00:00",
	           "link/ether <mac-1> brd ff:ff:ff:ff:ff:ff 00:00:00:00:00:00");
	/* macOS leases drop leading zeros; Windows uses dashes and capitals. */
	redacts_to(&ids, "hw_address=1,52:54:0:12:34:56 Physical 52-54-00-12-34-56",
	           "hw_address=1,<mac-1> Physical <mac-1>");
	redacts_to(&ids, "seven 00:11:22:33:44:55:66 dashes 1-2-3-4-5-6",
	           "seven 00:11:22:33:44:55:66 dashes 1-2-3-4-5-6");
	report_ids_free(&ids);
}

static void
test_ids_names(void **state)
{
	struct report_ids ids;

	(void)state;
	report_ids_init(&ids, "ws-042.corp.example", "alice");
	redacts_to(&ids, "alice@WS-042:~$ ssh ws-042.corp.example", "<user>@<host>:~$ ssh <host>");
	redacts_to(&ids, "Alice's files; malice; alice_b; ws-0421; ws-042-old",
	           "<user>'s files; malice; alice_b; ws-0421; ws-042-old");
	redacts_to(&ids, "/home/alice/x /home/bob /Users/Bob/y C:\\Users\\carol\\AppData",
	           "/home/<user>/x /home/<other-user-1> /Users/<other-user-1>/y "
	           "C:\\Users\\<other-user-2>\\AppData");
	redacts_to(&ids, "{\"p\": \"C:\\\\Users\\\\dave\\\\x\"} c:/users/alice/y",
	           "{\"p\": \"C:\\\\Users\\\\<other-user-3>\\\\x\"} c:/users/<user>/y");
	/* Generic names say nothing about anyone. */
	redacts_to(&ids, "/home/ubuntu /Users/Shared C:\\Users\\Public /root",
	           "/home/ubuntu /Users/Shared C:\\Users\\Public /root");
	report_ids_free(&ids);

	report_ids_init(&ids, "ubuntu", "root");
	redacts_to(&ids, "root@ubuntu:/home/ubuntu# id root", "root@ubuntu:/home/ubuntu# id root");
	report_ids_free(&ids);

	/* A Windows account with a domain and a space. */
	report_ids_init(&ids, "DESKTOP-7Q", "CORP\\Jo Doe");
	redacts_to(&ids, "C:\\Users\\Jo Doe\\x by CORP\\Jo Doe on desktop-7q",
	           "C:\\Users\\<user>\\x by <user> on <host>");
	report_ids_free(&ids);

	report_ids_init(&ids, "", NULL);
	redacts_to(&ids, "nothing to hide", "nothing to hide");
	redacts_to(&ids, "", "");
	report_ids_free(&ids);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_finished),           cmocka_unit_test(test_finished_redacted),
	    cmocka_unit_test(test_finished_german),    cmocka_unit_test(test_stopped),
	    cmocka_unit_test(test_no_steps),           cmocka_unit_test(test_secrets),
	    cmocka_unit_test(test_no_secret_anywhere), cmocka_unit_test(test_control_characters),
	    cmocka_unit_test(test_write_error),        cmocka_unit_test(test_user_language),
	    cmocka_unit_test(test_ids_addresses),      cmocka_unit_test(test_ids_macs),
	    cmocka_unit_test(test_ids_names),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
