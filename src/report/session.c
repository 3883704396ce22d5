/*
 * session.c: recording a walk, saving and loading the record, replaying it.
 *
 * The file is YAML, written with libyaml's emitter (util/yamlout.c):
 *
 *   vmtriage-session: '1'
 *   id: 20261205-181128-launch-start
 *   version: 0.1.0
 *   flow: launch-start
 *   start: multipass
 *   started: '2026-12-05T18:11:28Z'
 *   updated: '2026-12-05T18:12:02Z'
 *   host: {os: linux, arch: x86_64, hostname: ..., user: ...}
 *   snapshot: primary.yaml            (only when a snapshot was walked)
 *   lang: de
 *   ended: 'true'
 *   given: {instance: primary}
 *   facts: {...}
 *   steps:
 *   - {kind: answer, time: ..., flow: ..., node: hash, answer: 'no', answer-text: ...}
 *   - {kind: probe, ..., probe: dhcp, params: {...}, outcome: no_reply, summary: ...,
 *      evidence: [...], facts: {...}, elapsed-ms: '3012'}
 *   - {kind: fix, ..., fix: route_add, result: ok, plan: [...], verify: [...], journal: ...}
 *   - {kind: continue | back, ...}
 *   - {kind: end, ..., verdict: cause}
 *
 * Replaying gives the walk the recorded inputs in order: answers by value
 * (or number), probe outcomes with the facts they found, fix results, reads
 * of say nodes, backs; the ends it reaches by itself.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#ifndef _WIN32
#include <pwd.h>
#endif

#include "engine/engine.h"
#include "engine/facts.h"
#include "flow/diag.h"
#include "flow/flow.h"
#include "flow/yamldoc.h"
#include "platform/paths.h"
#include "probe/probe.h"
#include "report/session.h"
#include "util/redact.h"
#include "util/util.h"
#include "util/yamlout.h"

#define SESSION_MAX_BYTES (64 * 1024 * 1024)

static const char *const kind_names[] = {
    [SESSION_ANSWER] = "answer",     [SESSION_PROBE] = "probe", [SESSION_FIX] = "fix",
    [SESSION_CONTINUE] = "continue", [SESSION_BACK] = "back",   [SESSION_END] = "end",
};

const char *
session_step_kind_name(enum session_step_kind k)
{
	return kind_names[k];
}

/* ---- small helpers ----------------------------------------------------------- */

static char *
now_iso(void)
{
	char buf[32];
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return xstrdup(buf);
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

/* What the machine said, with secrets cut out (keys, passwords, tokens). */
static char *
clean(const char *s)
{
	size_t len = 0, removed = 0;

	char *out;

	if (s == NULL)
		return NULL;
	out = redact_secrets(s, strlen(s), &len, &removed);
	return out != NULL ? out : xstrdup("");
}

/*
 * Lines the machine printed, cleaned as one text: a key's body lines look
 * like nothing alone, only its BEGIN and END lines tell what they are.
 */
static void
clean_lines(struct strlist *out, const char *const *lines, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	char *text, *p, *nl;

	for (size_t i = 0; i < n; i++)
		strbuf_addf(&sb, "%s\n", lines[i]);
	text = clean(sb.buf != NULL ? sb.buf : "");
	strbuf_free(&sb);
	for (p = text; *p != '\0'; p = nl + 1) {
		if ((nl = strchr(p, '\n')) == NULL) {
			strlist_add(out, p);
			break;
		}
		*nl = '\0';
		strlist_add(out, p);
	}
	free(text);
}

static void
kvs_set(struct session_kvs *kv, const char *key, const char *value)
{
	for (size_t i = 0; i < kv->n; i++) {
		if (strcmp(kv->v[i].key, key) == 0) {
			free(kv->v[i].value);
			kv->v[i].value = xstrdup(value != NULL ? value : "");
			return;
		}
	}
	kv->v = xreallocarray(kv->v, kv->n + 1, sizeof *kv->v);
	kv->v[kv->n].key = xstrdup(key);
	kv->v[kv->n].value = xstrdup(value != NULL ? value : "");
	kv->n++;
}

static void
kvs_free(struct session_kvs *kv)
{
	for (size_t i = 0; i < kv->n; i++) {
		free(kv->v[i].key);
		free(kv->v[i].value);
	}
	free(kv->v);
	kv->v = NULL;
	kv->n = 0;
}

static void
kvs_from_facts(struct session_kvs *kv, const struct facts *f)
{
	kvs_free(kv);
	for (size_t i = 0; f != NULL && i < f->n; i++) {
		char *v = clean(f->values[i]);

		kvs_set(kv, f->keys[i], v);
		free(v);
	}
}

static void
step_free(struct session_step *st)
{
	free(st->time);
	free(st->flow);
	free(st->node);
	free(st->answer);
	free(st->answer_text);
	free(st->probe);
	kvs_free(&st->params);
	free(st->outcome);
	free(st->summary);
	strlist_free(&st->evidence);
	kvs_free(&st->facts);
	free(st->fix);
	free(st->result);
	strlist_free(&st->plan);
	strlist_free(&st->verify);
	free(st->journal);
	free(st->verdict);
}

void
session_free(struct session *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->nsteps; i++)
		step_free(&s->steps[i]);
	free(s->steps);
	free(s->path);
	free(s->id);
	free(s->version);
	free(s->flow);
	free(s->start);
	free(s->started);
	free(s->updated);
	free(s->os);
	free(s->arch);
	free(s->hostname);
	free(s->user);
	free(s->snapshot);
	free(s->lang);
	kvs_free(&s->given);
	kvs_free(&s->facts);
	strlist_free(&s->pending_plan);
	strlist_free(&s->pending_verify);
	free(s->pending_journal);
	free(s);
}

static struct session_step *
add_step(struct session *s, enum session_step_kind kind, const struct flow *f,
         const struct flow_node *n)
{
	struct session_step *st;

	s->steps = xreallocarray(s->steps, s->nsteps + 1, sizeof *s->steps);
	st = &s->steps[s->nsteps++];
	memset(st, 0, sizeof *st);
	st->kind = kind;
	st->time = now_iso();
	st->flow = xstrdup(f != NULL && f->id != NULL ? f->id : "");
	st->node = xstrdup(n != NULL ? n->id : "");
	return st;
}

/* mkdir -p, private to its user. */
static int
make_dirs(const char *path)
{
	char *p = xstrdup(path);
	int rc = 0;

	for (char *q = p + 1; *q != '\0' && rc == 0; q++) {
		if (*q != '/')
			continue;
		*q = '\0';
		if (mkdir(p, 0700) != 0 && errno != EEXIST)
			rc = -1;
		*q = '/';
	}
	if (rc == 0 && mkdir(p, 0700) != 0 && errno != EEXIST)
		rc = -1;
	free(p);
	return rc;
}

char *
session_dir(void)
{
	char *state = platform_state_dir(), *dir;

	if (state == NULL)
		return NULL;
	dir = xasprintf("%s/sessions", state);
	free(state);
	return dir;
}

/* ---- recording ------------------------------------------------------------------ */

struct session *
session_new(const struct flow *f, const char *node, const struct facts *given, const char *dir)
{
	struct session *s = xcalloc(1, sizeof *s);
	char stamp[32], host[256] = "";
	time_t t = time(NULL);
	struct tm tm;
	char *d = dir != NULL ? xstrdup(dir) : session_dir();

	localtime_r(&t, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
	s->id = xasprintf("%s-%s", stamp, f->id);
	if (d != NULL) {
		/* Two walks of a flow in one second: the second gets -2. */
		s->path = xasprintf("%s/%s.yaml", d, s->id);
		for (int k = 2; access(s->path, F_OK) == 0 && k < 100; k++) {
			free(s->path);
			free(s->id);
			s->id = xasprintf("%s-%s-%d", stamp, f->id, k);
			s->path = xasprintf("%s/%s.yaml", d, s->id);
		}
	}
	free(d);
	s->version = xstrdup(PACKAGE_VERSION);
	s->flow = xstrdup(f->id);
	s->start = xstrdup(node != NULL ? node : f->start != NULL ? f->start : "");
	s->started = now_iso();
	s->updated = xstrdup(s->started);
	s->os = dup_or_null(facts_get(given, "os"));
	s->arch = dup_or_null(facts_get(given, "arch"));
	if (gethostname(host, sizeof host - 1) == 0 && host[0] != '\0')
		s->hostname = xstrdup(host);
#ifndef _WIN32
	{
		const struct passwd *pw = getpwuid(getuid());

		if (pw != NULL && pw->pw_name != NULL)
			s->user = xstrdup(pw->pw_name);
	}
#endif
	kvs_from_facts(&s->given, given);
	kvs_from_facts(&s->facts, given);
	return s;
}

void
session_fix_details(struct session *s, const struct strlist *plan, const struct strlist *verify,
                    const char *journal)
{
	if (s == NULL)
		return;
	strlist_free(&s->pending_plan);
	strlist_free(&s->pending_verify);
	free(s->pending_journal);
	s->pending_journal = dup_or_null(journal);
	if (plan != NULL)
		clean_lines(&s->pending_plan, (const char *const *)plan->v, plan->n);
	if (verify != NULL)
		clean_lines(&s->pending_verify, (const char *const *)verify->v, verify->n);
}

static void
record_params(struct session_kvs *kv, const struct params *p)
{
	for (size_t i = 0; p != NULL && i < p->n; i++) {
		char *v = clean(p->v[i].value);

		kvs_set(kv, p->v[i].name, v);
		free(v);
	}
}

static void
watch(void *ctx, const struct engine *e, const struct engine_input *in)
{
	struct session *s = ctx;
	const struct flow *f = engine_flow(e);
	const struct flow_node *n = engine_node(e);
	struct session_step *st;
	char *err = NULL;

	switch (in->kind) {
	case INPUT_ANSWER:
		st = add_step(s, SESSION_ANSWER, f, n);
		st->answer = in->choice->value != NULL ? xstrdup(in->choice->value)
		                                       : xasprintf("%zu", in->choice_number);
		st->answer_text = dup_or_null(in->choice->text.en);
		return;
	case INPUT_PROBE:
		st = add_step(s, SESSION_PROBE, f, n);
		st->outcome = xstrdup(in->outcome);
		record_params(&st->params, engine_params(e, NULL));
		if (in->probe != NULL) {
			st->probe = dup_or_null(n->probe);
			st->summary = clean(in->probe->summary);
			st->elapsed_ms = in->probe->elapsed_ms;
			clean_lines(&st->evidence, (const char *const *)in->probe->evidence.v,
			            in->probe->evidence.n);
			for (size_t i = 0; i < in->probe->nfacts; i++) {
				char *c;

				if (in->probe->facts[i].key == NULL)
					continue;
				c = clean(in->probe->facts[i].value);
				kvs_set(&st->facts, in->probe->facts[i].key, c);
				free(c);
			}
		}
		return;
	case INPUT_FIX:
		st = add_step(s, SESSION_FIX, f, n);
		st->fix = dup_or_null(n->fix);
		st->result = xstrdup(in->fix == ENGINE_FIX_OK       ? "ok"
		                     : in->fix == ENGINE_FIX_FAILED ? "failed"
		                                                    : "declined");
		record_params(&st->params, engine_params(e, NULL));
		st->plan = s->pending_plan;
		st->verify = s->pending_verify;
		st->journal = s->pending_journal;
		memset(&s->pending_plan, 0, sizeof s->pending_plan);
		memset(&s->pending_verify, 0, sizeof s->pending_verify);
		s->pending_journal = NULL;
		return;
	case INPUT_AUTO_ANSWER:
		st = add_step(s, SESSION_ANSWER, f, in->node);
		st->answer = in->choice->value != NULL ? xstrdup(in->choice->value)
		                                       : xasprintf("%zu", in->choice_number);
		st->answer_text = dup_or_null(in->choice->text.en);
		st->automatic = true;
		return;
	case INPUT_CONTINUE:
		add_step(s, SESSION_CONTINUE, f, n);
		return;
	case INPUT_BACK:
		add_step(s, SESSION_BACK, f, n);
		s->ended = false;
		return;
	case INPUT_TAKEN:
		break;
	}
	/* After the input: where the walk stands now, and the record on disk. */
	if (engine_state(e) == ENGINE_END && n != NULL) {
		st = add_step(s, SESSION_END, f, n);
		st->verdict = xstrdup(n->verdict == VERDICT_SOLVED     ? "solved"
		                      : n->verdict == VERDICT_HEALTHY  ? "healthy"
		                      : n->verdict == VERDICT_CAUSE    ? "cause"
		                      : n->verdict == VERDICT_ESCALATE ? "escalate"
		                                                       : "");
		s->ended = true;
	}
	kvs_from_facts(&s->facts, engine_facts(e));
	free(s->updated);
	s->updated = now_iso();
	if (s->path != NULL && session_save(s, &err) != 0) {
		/* Recording must never stop the walk: say it once, and stop saving. */
		fprintf(stderr, _("vmtriage: the session cannot be saved: %s\n"), err);
		free(err);
		free(s->path);
		s->path = NULL;
	}
}

void
session_attach(struct session *s, struct engine *e)
{
	engine_watch(e, s != NULL ? watch : NULL, s);
	if (s == NULL)
		return;
	/* A walk that starts at an end (a flow of one verdict) is recorded as such. */
	if (engine_state(e) == ENGINE_END) {
		struct engine_input taken = {.kind = INPUT_TAKEN};

		watch(s, e, &taken);
	} else if (s->path != NULL) {
		char *err = NULL;

		if (session_save(s, &err) != 0) {
			fprintf(stderr, _("vmtriage: the session cannot be saved: %s\n"), err);
			free(err);
			free(s->path);
			s->path = NULL;
		}
	}
}

/* ---- saving ------------------------------------------------------------------------ */

static void
emit_kvs(struct yamlout *y, const char *key, const struct session_kvs *kv)
{
	yamlout_scalar(y, key);
	yamlout_map_begin(y);
	for (size_t i = 0; i < kv->n; i++)
		yamlout_pair(y, kv->v[i].key, kv->v[i].value);
	yamlout_map_end(y);
}

static void
emit_list(struct yamlout *y, const char *key, const struct strlist *l)
{
	yamlout_scalar(y, key);
	yamlout_seq_begin(y);
	for (size_t i = 0; i < l->n; i++)
		yamlout_text(y, l->v[i], strlen(l->v[i]));
	yamlout_seq_end(y);
}

static void
emit_opt(struct yamlout *y, const char *key, const char *value)
{
	if (value != NULL)
		yamlout_pair(y, key, value);
}

static void
emit_step(struct yamlout *y, const struct session_step *st)
{
	char num[32];

	yamlout_map_begin(y);
	yamlout_pair(y, "kind", kind_names[st->kind]);
	yamlout_pair(y, "time", st->time);
	yamlout_pair(y, "flow", st->flow);
	yamlout_pair(y, "node", st->node);
	switch (st->kind) {
	case SESSION_ANSWER:
		yamlout_pair(y, "answer", st->answer);
		emit_opt(y, "answer-text", st->answer_text);
		if (st->automatic)
			yamlout_pair(y, "by", "facts");
		break;
	case SESSION_PROBE:
		emit_opt(y, "probe", st->probe);
		if (st->params.n > 0)
			emit_kvs(y, "params", &st->params);
		yamlout_pair(y, "outcome", st->outcome);
		emit_opt(y, "summary", st->summary);
		if (st->evidence.n > 0)
			emit_list(y, "evidence", &st->evidence);
		if (st->facts.n > 0)
			emit_kvs(y, "facts", &st->facts);
		if (st->probe != NULL) {
			snprintf(num, sizeof num, "%ld", st->elapsed_ms);
			yamlout_pair(y, "elapsed-ms", num);
		}
		break;
	case SESSION_FIX:
		emit_opt(y, "fix", st->fix);
		if (st->params.n > 0)
			emit_kvs(y, "params", &st->params);
		yamlout_pair(y, "result", st->result);
		if (st->plan.n > 0)
			emit_list(y, "plan", &st->plan);
		if (st->verify.n > 0)
			emit_list(y, "verify", &st->verify);
		emit_opt(y, "journal", st->journal);
		break;
	case SESSION_END:
		yamlout_pair(y, "verdict", st->verdict);
		break;
	case SESSION_CONTINUE:
	case SESSION_BACK:
		break;
	}
	yamlout_map_end(y);
}

static int
emit(const struct session *s, FILE *fp)
{
	struct yamlout *y = yamlout_new(fp);

	yamlout_map_begin(y);
	yamlout_pair(y, "vmtriage-session", "1");
	yamlout_pair(y, "id", s->id);
	yamlout_pair(y, "version", s->version);
	yamlout_pair(y, "flow", s->flow);
	yamlout_pair(y, "start", s->start);
	yamlout_pair(y, "started", s->started);
	yamlout_pair(y, "updated", s->updated);
	yamlout_scalar(y, "host");
	yamlout_map_begin(y);
	emit_opt(y, "os", s->os);
	emit_opt(y, "arch", s->arch);
	emit_opt(y, "hostname", s->hostname);
	emit_opt(y, "user", s->user);
	yamlout_map_end(y);
	emit_opt(y, "snapshot", s->snapshot);
	emit_opt(y, "lang", s->lang);
	yamlout_pair(y, "ended", s->ended ? "true" : "false");
	emit_kvs(y, "given", &s->given);
	emit_kvs(y, "facts", &s->facts);
	yamlout_scalar(y, "steps");
	yamlout_seq_begin(y);
	for (size_t i = 0; i < s->nsteps; i++)
		emit_step(y, &s->steps[i]);
	yamlout_seq_end(y);
	yamlout_map_end(y);
	return yamlout_finish(y);
}

int
session_save(struct session *s, char **err)
{
	char *dir = NULL, *tmp = NULL, *slash;
	FILE *fp = NULL;
	int fd = -1, rc = -1;

	if (s->path == NULL) {
		*err = xstrdup(_("the session has no file"));
		return -1;
	}
	dir = xstrdup(s->path);
	if ((slash = strrchr(dir, '/')) != NULL) {
		*slash = '\0';
		if (dir[0] != '\0' && make_dirs(dir) != 0) {
			*err = xasprintf("%s: %s", dir, strerror(errno));
			goto out;
		}
	}
	tmp = xasprintf("%s.XXXXXX", s->path);
	if ((fd = mkstemp(tmp)) == -1 || (fp = fdopen(fd, "w")) == NULL) {
		*err = xasprintf("%s: %s", tmp, strerror(errno));
		goto out;
	}
	fd = -1;
	if (emit(s, fp) != 0 || fflush(fp) != 0 || fsync(fileno(fp)) != 0) {
		*err = xasprintf(_("%s: could not write the session"), tmp);
		goto out;
	}
	if (fclose(fp) != 0) {
		fp = NULL;
		*err = xasprintf("%s: %s", tmp, strerror(errno));
		goto out;
	}
	fp = NULL;
	if (rename(tmp, s->path) != 0) {
		*err = xasprintf("%s: %s", s->path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (fp != NULL)
		fclose(fp);
	if (fd != -1)
		close(fd);
	if (rc != 0 && tmp != NULL)
		unlink(tmp);
	free(tmp);
	free(dir);
	return rc;
}

/* ---- loading ------------------------------------------------------------------------ */

struct loader {
	const char *path;
	char *err;
};

static bool
fail(struct loader *l, const struct ynode *at, const char *what)
{
	if (l->err == NULL)
		l->err = at != NULL ? xasprintf("%s:%d:%d: %s", l->path, at->line, at->col, what)
		                    : xasprintf("%s: %s", l->path, what);
	return false;
}

static char *
get_str(struct loader *l, const struct ynode *map, const char *key, bool required)
{
	const struct ynode *v = ynode_get(map, key);
	char *msg;

	if (v == NULL) {
		if (required) {
			msg = xasprintf(_("'%s' is missing"), key);
			fail(l, map, msg);
			free(msg);
		}
		return NULL;
	}
	if (v->type != YNODE_SCALAR) {
		msg = xasprintf(_("'%s' must be a string"), key);
		fail(l, v, msg);
		free(msg);
		return NULL;
	}
	return xstrdup(v->str);
}

static void
get_kvs(struct loader *l, const struct ynode *map, const char *key, struct session_kvs *out)
{
	const struct ynode *v = ynode_get(map, key);

	if (v == NULL || ynode_is_null(v))
		return;
	if (v->type != YNODE_MAP) {
		fail(l, v, _("must be a mapping of names to values"));
		return;
	}
	for (size_t i = 0; i < v->n; i++) {
		if (v->pairs[i].value->type != YNODE_SCALAR) {
			fail(l, v->pairs[i].value, _("a value must be a string"));
			return;
		}
		kvs_set(out, v->pairs[i].key->str, v->pairs[i].value->str);
	}
}

static void
get_list(struct loader *l, const struct ynode *map, const char *key, struct strlist *out)
{
	const struct ynode *v = ynode_get(map, key);

	if (v == NULL || ynode_is_null(v))
		return;
	if (v->type != YNODE_SEQ) {
		fail(l, v, _("must be a list of lines"));
		return;
	}
	for (size_t i = 0; i < v->n; i++) {
		if (v->items[i]->type != YNODE_SCALAR) {
			fail(l, v->items[i], _("a line must be a string"));
			return;
		}
		strlist_add(out, v->items[i]->str);
	}
}

static bool
load_step(struct loader *l, const struct ynode *m, struct session_step *st)
{
	char *kind = NULL, *ms = NULL;
	size_t k;

	if (m->type != YNODE_MAP)
		return fail(l, m, _("a step must be a mapping"));
	if ((kind = get_str(l, m, "kind", true)) == NULL)
		return false;
	for (k = 0; k < nitems(kind_names); k++)
		if (strcmp(kind, kind_names[k]) == 0)
			break;
	if (k == nitems(kind_names)) {
		free(kind);
		return fail(l, ynode_get(m, "kind"),
		            _("unknown kind: a step is answer, probe, fix, continue, back or end"));
	}
	free(kind);
	st->kind = (enum session_step_kind)k;
	st->time = get_str(l, m, "time", false);
	st->flow = get_str(l, m, "flow", true);
	st->node = get_str(l, m, "node", true);
	switch (st->kind) {
	case SESSION_ANSWER:
		st->answer = get_str(l, m, "answer", true);
		st->answer_text = get_str(l, m, "answer-text", false);
		{
			char *by = get_str(l, m, "by", false);

			st->automatic = by != NULL && strcmp(by, "facts") == 0;
			free(by);
		}
		break;
	case SESSION_PROBE:
		st->probe = get_str(l, m, "probe", false);
		get_kvs(l, m, "params", &st->params);
		st->outcome = get_str(l, m, "outcome", true);
		st->summary = get_str(l, m, "summary", false);
		get_list(l, m, "evidence", &st->evidence);
		get_kvs(l, m, "facts", &st->facts);
		if ((ms = get_str(l, m, "elapsed-ms", false)) != NULL)
			st->elapsed_ms = strtol(ms, NULL, 10);
		free(ms);
		break;
	case SESSION_FIX:
		st->fix = get_str(l, m, "fix", false);
		get_kvs(l, m, "params", &st->params);
		st->result = get_str(l, m, "result", true);
		get_list(l, m, "plan", &st->plan);
		get_list(l, m, "verify", &st->verify);
		st->journal = get_str(l, m, "journal", false);
		if (st->result != NULL && strcmp(st->result, "ok") != 0 &&
		    strcmp(st->result, "failed") != 0 && strcmp(st->result, "declined") != 0)
			return fail(l, ynode_get(m, "result"),
			            _("a fix's result is ok, failed or declined"));
		break;
	case SESSION_END:
		st->verdict = get_str(l, m, "verdict", false);
		break;
	case SESSION_CONTINUE:
	case SESSION_BACK:
		break;
	}
	return l->err == NULL;
}

struct session *
session_load(const char *path, char **err)
{
	struct loader l = {path, NULL};
	struct diags d = DIAGS_INIT;
	struct arena *arena = arena_new();
	struct session *s = NULL;
	const struct ynode *root, *host, *steps;
	char *buf = NULL, *v = NULL;
	size_t len = 0;
	FILE *fp = fopen(path, "rb");

	if (fp == NULL) {
		*err = xasprintf("%s: %s", path, strerror(errno));
		arena_free(arena);
		return NULL;
	}
	buf = xmalloc(SESSION_MAX_BYTES + 1);
	len = fread(buf, 1, SESSION_MAX_BYTES + 1, fp);
	fclose(fp);
	if (len > SESSION_MAX_BYTES) {
		*err = xasprintf(_("%s: too big for a session"), path);
		goto out;
	}
	if ((root = ydoc_parse_limits(arena, path, buf, len, &d, SESSION_MAX_BYTES,
	                              SESSION_MAX_BYTES)) == NULL) {
		*err = d.n > 0 ? xasprintf("%s:%d:%d: %s", d.v[0].file, d.v[0].line, d.v[0].col,
		                           d.v[0].msg)
		               : xasprintf(_("%s: not a YAML document"), path);
		goto out;
	}
	if (root->type != YNODE_MAP || (v = get_str(&l, root, "vmtriage-session", false)) == NULL) {
		*err = xasprintf(_("%s: not a vmtriage session (no 'vmtriage-session:')"), path);
		goto out;
	}
	if (strcmp(v, "1") != 0) {
		*err = xasprintf(_("%s: session format %s; this vmtriage reads 1"), path, v);
		goto out;
	}
	s = xcalloc(1, sizeof *s);
	s->path = xstrdup(path);
	s->id = get_str(&l, root, "id", true);
	s->version = get_str(&l, root, "version", false);
	s->flow = get_str(&l, root, "flow", true);
	s->start = get_str(&l, root, "start", true);
	s->started = get_str(&l, root, "started", false);
	s->updated = get_str(&l, root, "updated", false);
	if ((host = ynode_get(root, "host")) != NULL && host->type == YNODE_MAP) {
		s->os = get_str(&l, host, "os", false);
		s->arch = get_str(&l, host, "arch", false);
		s->hostname = get_str(&l, host, "hostname", false);
		s->user = get_str(&l, host, "user", false);
	}
	s->snapshot = get_str(&l, root, "snapshot", false);
	s->lang = get_str(&l, root, "lang", false);
	free(v);
	v = get_str(&l, root, "ended", false);
	s->ended = v != NULL && strcmp(v, "true") == 0;
	get_kvs(&l, root, "given", &s->given);
	get_kvs(&l, root, "facts", &s->facts);
	if ((steps = ynode_get(root, "steps")) != NULL && !ynode_is_null(steps)) {
		if (steps->type != YNODE_SEQ) {
			fail(&l, steps, _("'steps' must be a list"));
		} else {
			s->steps = xcalloc(steps->n + 1, sizeof *s->steps);
			for (size_t i = 0; i < steps->n && l.err == NULL; i++) {
				s->nsteps++;
				load_step(&l, steps->items[i], &s->steps[i]);
			}
		}
	}
	if (l.err != NULL) {
		*err = l.err;
		l.err = NULL;
		session_free(s);
		s = NULL;
	}
out:
	free(v);
	free(l.err);
	free(buf);
	diags_free(&d);
	arena_free(arena);
	return s;
}

/* ---- finding ------------------------------------------------------------------------ */

/* The names in dir; -1 when it cannot be read. */
static int
list_dir_names(const char *dir, struct strlist *out)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			strlist_add(out, de->d_name);
	closedir(d);
	return 0;
}

char *
session_find(const char *name, char **err)
{
	char *dir = NULL, *path = NULL, *best = NULL;
	struct strlist names = STRLIST_INIT;

	if (name != NULL && strcmp(name, "last") != 0) {
		if (strchr(name, '/') != NULL || access(name, F_OK) == 0)
			return xstrdup(name);
		if ((dir = session_dir()) == NULL) {
			*err = xstrdup(
			    _("no session directory: neither XDG_STATE_HOME nor HOME is set"));
			return NULL;
		}
		path = str_has_suffix(name, ".yaml") ? xasprintf("%s/%s", dir, name)
		                                     : xasprintf("%s/%s.yaml", dir, name);
		if (access(path, F_OK) != 0) {
			*err = xasprintf(
			    _("no session '%s' in %s (vmtriage report --list shows them)"), name,
			    dir);
			free(path);
			path = NULL;
		}
		free(dir);
		return path;
	}
	if ((dir = session_dir()) == NULL) {
		*err = xstrdup(_("no session directory: neither XDG_STATE_HOME nor HOME is set"));
		return NULL;
	}
	if (list_dir_names(dir, &names) != 0 || names.n == 0) {
		*err = xasprintf(_("no sessions yet in %s"), dir);
		free(dir);
		strlist_free(&names);
		return NULL;
	}
	/* Names begin with the time: the greatest is the newest. */
	for (size_t i = 0; i < names.n; i++)
		if (str_has_suffix(names.v[i], ".yaml") &&
		    (best == NULL || strcmp(names.v[i], best) > 0))
			best = names.v[i];
	if (best == NULL)
		*err = xasprintf(_("no sessions yet in %s"), dir);
	else
		path = xasprintf("%s/%s", dir, best);
	free(dir);
	strlist_free(&names);
	return path;
}

/* ---- replaying ------------------------------------------------------------------------ */

static int
replay_fail(const struct session_step *st, size_t i, const struct engine *e, char **err,
            const char *why)
{
	const struct flow_node *n = engine_node(e);

	*err = xasprintf(_("step %zu (%s at %s:%s) no longer fits the flow: %s (the walk stands at "
	                   "%s)"),
	                 i + 1, kind_names[st->kind], st->flow, st->node, why,
	                 n != NULL ? n->id : "?");
	return -1;
}

int
session_replay(const struct session *s, struct engine *e, char **err)
{
	for (size_t i = 0; i < s->nsteps; i++) {
		const struct session_step *st = &s->steps[i];
		const struct flow_node *n = engine_node(e);
		const struct flow *f = engine_flow(e);
		int rc = 0;

		/* The walk reaches ends and answers from facts by itself. */
		if (st->kind == SESSION_END || (st->kind == SESSION_ANSWER && st->automatic))
			continue;
		if (st->kind == SESSION_BACK) {
			if (engine_back(e) != 0)
				return replay_fail(st, i, e, err,
				                   _("there is no step to go back to"));
			continue;
		}
		if (n == NULL || f == NULL || strcmp(n->id, st->node) != 0 ||
		    strcmp(f->id, st->flow) != 0)
			return replay_fail(st, i, e, err, _("the walk is elsewhere"));
		switch (st->kind) {
		case SESSION_ANSWER:
			rc = engine_answer_text(e, st->answer);
			break;
		case SESSION_PROBE: {
			struct probe_result r;

			memset(&r, 0, sizeof r);
			probe_result_set_outcome(&r, st->outcome);
			for (size_t j = 0; j < st->facts.n; j++)
				probe_result_fact(&r, st->facts.v[j].key, "%s",
				                  st->facts.v[j].value);
			rc = engine_state(e) == ENGINE_CHECK ? engine_probe_done(e, &r) : -1;
			probe_result_free(&r);
			break;
		}
		case SESSION_FIX:
			rc = engine_fix_done(e, strcmp(st->result, "ok") == 0 ? ENGINE_FIX_OK
			                        : strcmp(st->result, "failed") == 0
			                            ? ENGINE_FIX_FAILED
			                            : ENGINE_FIX_DECLINED);
			break;
		case SESSION_CONTINUE:
			rc = engine_continue(e);
			break;
		default:
			break;
		}
		if (rc != 0)
			return replay_fail(st, i, e, err, _("the step does not take this input"));
	}
	return 0;
}
