/*
 * test-session.c: the record of a walk. A walk driven through the engine is
 * recorded step by step (answers, probe results with evidence and facts,
 * fixes with their plan, says, backs, the end), saved after each step, and
 * loaded back the same; replaying it into a new walk stands at the same
 * step with the same facts, also when it was cut short; secrets are never
 * recorded; a damaged file is refused with FILE:LINE:COL; a flow that
 * changed since says which step no longer fits.
 */
#include "config.h"

#include "cmocka-prelude.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/engine.h"
#include "engine/facts.h"
#include "flow/flow.h"
#include "probe/probe.h"
#include "report/session.h"
#include "testutil.h"
#include "util/util.h"

static const char flow_yaml[] = "id: rec\n"
                                "title: A walk to record\n"
                                "start: hello\n"
                                "nodes:\n"
                                "  hello:\n"
                                "    kind: say\n"
                                "    text: Hello.\n"
                                "    next: pick\n"
                                "  pick:\n"
                                "    kind: ask\n"
                                "    text: Which driver?\n"
                                "    fact: driver\n"
                                "    choices:\n"
                                "      - { text: QEMU, value: qemu, next: look }\n"
                                "      - { text: Something else, value: other, next: other }\n"
                                "  look:\n"
                                "    kind: check\n"
                                "    text: Looking.\n"
                                "    probe: file\n"
                                "    with: { path: \"/etc/{{driver}}.conf\" }\n"
                                "    on: { found: repair, default: other }\n"
                                "  repair:\n"
                                "    kind: fix\n"
                                "    text: Repair it.\n"
                                "    fix: purge_network_cache\n"
                                "    with: { os: linux }\n"
                                "    then: done\n"
                                "    else: other\n"
                                "  other:\n"
                                "    kind: end\n"
                                "    verdict: escalate\n"
                                "    text: Ask for help.\n"
                                "    attach: [The log]\n"
                                "  done:\n"
                                "    kind: end\n"
                                "    verdict: solved\n"
                                "    text: Solved.\n";

static const char key_text[] = "-----BEGIN OPENSSH PRIVATE KEY-----\n"
                               "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAAB\n"
                               "-----END OPENSSH PRIVATE KEY-----";

struct walk {
	struct flow *flow;
	struct engine *e;
	struct facts given;
	struct session *s;
	char *dir;
};

static void
walk_start(struct walk *w)
{
	memset(w, 0, sizeof *w);
	w->flow = load_yaml_ok(flow_yaml);
	facts_set(&w->given, "os", "linux");
	facts_set(&w->given, "arch", "x86_64");
	w->dir = tmp_path("sessions");
	w->e = engine_new(NULL, w->flow, NULL, &w->given);
	w->s = session_new(w->flow, NULL, &w->given, w->dir);
	session_attach(w->s, w->e);
}

static void
walk_end(struct walk *w)
{
	engine_free(w->e);
	session_free(w->s);
	facts_free(&w->given);
	flow_free(w->flow);
	free(w->dir);
}

/* The probe of "look": found, with a fact, evidence and a secret in it. */
static void
give_probe(struct engine *e)
{
	struct probe_result r;

	memset(&r, 0, sizeof r);
	probe_result_set_outcome(&r, "found");
	probe_result_fact(&r, "file.path", "%s", "/etc/qemu.conf");
	probe_result_evidence(&r, "%s", "/etc/qemu.conf: exists");
	probe_result_evidence(&r, "%s", key_text);
	probe_result_evidence(&r, "%s", "url: https://example.test/get?token=abc123secret");
	probe_result_summary(&r, "%s", "the file exists");
	r.elapsed_ms = 12;
	assert_int_equal(engine_probe_done(e, &r), 0);
	probe_result_free(&r);
}

static void
assert_no_secret(const char *path)
{
	size_t len;
	FILE *fp = fopen(path, "rb");
	char buf[65536];

	assert_non_null(fp);
	len = fread(buf, 1, sizeof buf - 1, fp);
	fclose(fp);
	buf[len] = '\0';
	assert_null(strstr(buf, "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAAB"));
	assert_null(strstr(buf, "abc123secret"));
}

static void
test_record_and_load(void **state)
{
	struct walk w;
	struct session *back;
	struct strlist plan = STRLIST_INIT;
	char *err = NULL;
	const struct session_step *st;

	(void)state;
	walk_start(&w);
	assert_non_null(w.s->path);
	/* Saved before the first step: a walk killed at once leaves its record. */
	assert_int_equal(access(w.s->path, F_OK), 0);
	assert_int_equal(engine_continue(w.e), 0);
	assert_int_equal(engine_answer_text(w.e, "qemu"), 0);
	give_probe(w.e);
	strlist_add(&plan, "rm -rf /var/snap/multipass/common/cache/multipassd/network-cache");
	session_fix_details(w.s, &plan, NULL, "20261205-181128.123-purge_network_cache");
	assert_int_equal(engine_fix_done(w.e, ENGINE_FIX_OK), 0);
	assert_int_equal(engine_state(w.e), ENGINE_END);
	assert_true(w.s->ended);
	assert_no_secret(w.s->path);

	back = session_load(w.s->path, &err);
	if (back == NULL)
		fail_msg("%s", err);
	assert_string_equal(back->id, w.s->id);
	assert_string_equal(back->flow, "rec");
	assert_string_equal(back->start, "hello");
	assert_string_equal(back->os, "linux");
	assert_true(back->ended);
	assert_int_equal(back->nsteps, 5);
	assert_int_equal(back->steps[0].kind, SESSION_CONTINUE);
	st = &back->steps[1];
	assert_int_equal(st->kind, SESSION_ANSWER);
	assert_string_equal(st->node, "pick");
	assert_string_equal(st->answer, "qemu");
	assert_string_equal(st->answer_text, "QEMU");
	st = &back->steps[2];
	assert_int_equal(st->kind, SESSION_PROBE);
	assert_string_equal(st->probe, "file");
	assert_string_equal(st->outcome, "found");
	assert_string_equal(st->params.v[0].key, "path");
	assert_string_equal(st->params.v[0].value, "/etc/qemu.conf");
	assert_string_equal(st->summary, "the file exists");
	assert_int_equal(st->evidence.n, 3);
	assert_string_equal(st->evidence.v[0], "/etc/qemu.conf: exists");
	assert_string_equal(st->facts.v[0].key, "file.path");
	assert_int_equal(st->elapsed_ms, 12);
	st = &back->steps[3];
	assert_int_equal(st->kind, SESSION_FIX);
	assert_string_equal(st->fix, "purge_network_cache");
	assert_string_equal(st->result, "ok");
	assert_int_equal(st->plan.n, 1);
	assert_string_equal(st->journal, "20261205-181128.123-purge_network_cache");
	st = &back->steps[4];
	assert_int_equal(st->kind, SESSION_END);
	assert_string_equal(st->node, "done");
	assert_string_equal(st->verdict, "solved");
	strlist_free(&plan);
	session_free(back);
	walk_end(&w);
}

/* Cut short at any step, the record replays to that step with the same facts. */
static void
test_replay_every_step(void **state)
{
	(void)state;
	for (int stop = 0; stop <= 4; stop++) {
		struct walk w;
		struct session *back;
		struct engine *e2;
		char *err = NULL;
		const struct facts *f1, *f2;

		walk_start(&w);
		if (stop >= 1)
			assert_int_equal(engine_continue(w.e), 0);
		if (stop >= 2)
			assert_int_equal(engine_answer_text(w.e, "qemu"), 0);
		if (stop >= 3) {
			/* Back and forth: the replay does the same. */
			assert_int_equal(engine_back(w.e), 0);
			assert_int_equal(engine_answer_text(w.e, "qemu"), 0);
		}
		if (stop >= 4)
			give_probe(w.e);
		back = session_load(w.s->path, &err);
		if (back == NULL)
			fail_msg("%s", err);
		e2 = engine_new(NULL, w.flow, flow_node_find(w.flow, back->start), &w.given);
		if (session_replay(back, e2, &err) != 0)
			fail_msg("stop %d: %s", stop, err);
		assert_string_equal(engine_node(e2)->id, engine_node(w.e)->id);
		assert_int_equal(engine_state(e2), engine_state(w.e));
		f1 = engine_facts(w.e);
		f2 = engine_facts(e2);
		for (size_t i = 0; i < f1->n; i++)
			assert_string_equal(facts_get(f2, f1->keys[i]), f1->values[i]);
		assert_int_equal(f1->n, f2->n);
		/* Going on records into the same file. */
		session_attach(back, e2);
		if (engine_state(e2) == ENGINE_FIX)
			assert_int_equal(engine_fix_done(e2, ENGINE_FIX_DECLINED), 0);
		engine_free(e2);
		session_free(back);
		walk_end(&w);
	}
}

static void
test_replay_flow_changed(void **state)
{
	struct walk w;
	struct session *back;
	struct engine *e2;
	struct flow *changed;
	char *err = NULL, *yaml;

	(void)state;
	walk_start(&w);
	assert_int_equal(engine_continue(w.e), 0);
	assert_int_equal(engine_answer_text(w.e, "qemu"), 0);
	back = session_load(w.s->path, &err);
	assert_non_null(back);
	/* The flow lost its "qemu" choice since. */
	yaml = xstrdup(flow_yaml);
	memcpy(strstr(yaml, "text: QEMU, value: qemu"), "text: KVMx, value: kvmx",
	       strlen("text: KVMx, value: kvmx"));
	changed = load_yaml_ok(yaml);
	e2 = engine_new(NULL, changed, NULL, &w.given);
	assert_int_equal(session_replay(back, e2, &err), -1);
	assert_non_null(strstr(err, "step 2 (answer at rec:pick) no longer fits the flow"));
	free(err);
	engine_free(e2);
	flow_free(changed);
	free(yaml);
	session_free(back);
	walk_end(&w);
}

/* A question the facts answer is recorded as such, and the replay leaves it to the walk. */
static void
test_auto_answer(void **state)
{
	struct walk w;
	struct session *back;
	struct engine *e2;
	char *err = NULL;

	(void)state;
	memset(&w, 0, sizeof w);
	w.flow = load_yaml_ok(flow_yaml);
	facts_set(&w.given, "os", "linux");
	facts_set(&w.given, "driver", "qemu");
	w.dir = tmp_path("sessions-auto");
	w.e = engine_new(NULL, w.flow, NULL, &w.given);
	w.s = session_new(w.flow, NULL, &w.given, w.dir);
	session_attach(w.s, w.e);
	assert_int_equal(engine_continue(w.e), 0);
	assert_string_equal(engine_node(w.e)->id, "look");
	back = session_load(w.s->path, &err);
	assert_non_null(back);
	assert_int_equal(back->nsteps, 2);
	assert_int_equal(back->steps[1].kind, SESSION_ANSWER);
	assert_true(back->steps[1].automatic);
	assert_string_equal(back->steps[1].node, "pick");
	assert_string_equal(back->steps[1].answer, "qemu");
	e2 = engine_new(NULL, w.flow, NULL, &w.given);
	if (session_replay(back, e2, &err) != 0)
		fail_msg("%s", err);
	assert_string_equal(engine_node(e2)->id, "look");
	engine_free(e2);
	session_free(back);
	walk_end(&w);
}

static void
test_load_errors(void **state)
{
	char *err = NULL, *p;

	(void)state;
	p = write_file("bad1.yaml",
	               "vmtriage-session: '1'\nid: x\nflow: f\nstart: s\n"
	               "steps:\n- kind: teleport\n  flow: f\n  node: s\n",
	               0644);
	assert_null(session_load(p, &err));
	assert_non_null(strstr(err, "bad1.yaml:6:9: unknown kind"));
	free(err);
	free(p);
	p = write_file("bad2.yaml", "id: x\n", 0644);
	assert_null(session_load(p, &err));
	assert_non_null(strstr(err, "not a vmtriage session"));
	free(err);
	free(p);
	p = write_file("bad3.yaml",
	               "vmtriage-session: '1'\nid: x\nflow: f\nstart: s\nsteps:\n"
	               "- kind: fix\n  flow: f\n  node: s\n  result: maybe\n",
	               0644);
	assert_null(session_load(p, &err));
	assert_non_null(strstr(err, "bad3.yaml:9:11: a fix's result is ok, failed or declined"));
	free(err);
	free(p);
	p = write_file("bad4.yaml", "vmtriage-session: '1'\nid: [x\n", 0644);
	assert_null(session_load(p, &err));
	assert_non_null(strstr(err, "bad4.yaml:"));
	free(err);
	free(p);
	assert_null(session_load("/nonexistent/s.yaml", &err));
	free(err);
}

/* "last" is the newest; an id is found in the directory; no temporary files stay behind. */
static void
test_find(void **state)
{
	char *state_dir = tmp_path("state"), *err = NULL, *p, *dir;
	struct walk w;

	(void)state;
	setenv("XDG_STATE_HOME", state_dir, 1);
	memset(&w, 0, sizeof w);
	w.flow = load_yaml_ok(flow_yaml);
	w.e = engine_new(NULL, w.flow, NULL, NULL);
	w.s = session_new(w.flow, NULL, NULL, NULL);
	session_attach(w.s, w.e);
	p = session_find(NULL, &err);
	assert_non_null(p);
	assert_string_equal(p, w.s->path);
	free(p);
	p = session_find(w.s->id, &err);
	assert_string_equal(p, w.s->path);
	free(p);
	assert_null(session_find("19990101-000000-none", &err));
	assert_non_null(strstr(err, "no session '19990101-000000-none'"));
	free(err);
	dir = session_dir();
	{
		struct stat st;

		assert_int_equal(stat(dir, &st), 0);
		assert_int_equal(st.st_mode & 0777, 0700);
	}
	free(dir);
	engine_free(w.e);
	session_free(w.s);
	flow_free(w.flow);
	free(state_dir);
	unsetenv("XDG_STATE_HOME");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_record_and_load),     cmocka_unit_test(test_replay_every_step),
	    cmocka_unit_test(test_replay_flow_changed), cmocka_unit_test(test_auto_answer),
	    cmocka_unit_test(test_load_errors),         cmocka_unit_test(test_find),
	};

	return cmocka_run_group_tests(tests, tmpdir_setup, tmpdir_teardown);
}
