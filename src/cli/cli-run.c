/*
 * cli-run.c: the plain front end. Walks a flow in text: questions are read
 * from stdin as numbers (so it works in a pipe), from an answers file, or not
 * at all (--auto: probes only). Exit status says how the walk ended.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <time.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yaml.h>

#include "cli/cli.h"
#include "engine/engine.h"
#include "fix/fix.h"
#include "host/host.h"
#include "host/snapshot.h"
#include "probe/probe-async.h"
#include "probe/probe-manual.h"
#include "probe/probe.h"
#include "report/report.h"
#include "report/session.h"
#include "util/util.h"

/* Stops allowed in one walk: an answers file that loops must not run for ever. */
#define RUN_MAX_STOPS 1000

struct answers {
	struct strlist keys;
	struct strlist values;
};

struct run {
	struct engine *engine;
	struct host *host;
	struct answers answers;
	const char *answers_path;
	bool have_answers;
	bool auto_mode;
	bool dry_run;
	bool interactive; /* stdin is a terminal */
	const char *last_source;
	FILE *out;
	struct session *session; /* the record of the walk; NULL: none kept */
	/*
	 * --transcript: a help desk talks a caller through the flow. Every step
	 * is said in words to read out; a check is not run here but done by the
	 * caller, with the commands to type on their system, and the agent types
	 * what the caller saw; a fix is run by the caller.
	 */
	bool transcript;
};

/* Reads an answers file: one YAML mapping of node id (or flow:node) to a scalar answer. */
static int
answers_load(struct answers *a, const char *path)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	FILE *fp = NULL;
	int depth = 0, rc = -1, done = 0;
	char *key = NULL;

	if ((fp = fopen(path, "rb")) == NULL) {
		fprintf(stderr, _("vmtriage: cannot open answers file %s: %s\n"), path,
		        strerror(errno));
		return -1;
	}
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_file(&parser, fp);
	while (!done) {
		if (!yaml_parser_parse(&parser, &ev)) {
			fprintf(stderr, "%s:%zu:%zu: %s\n", path, parser.problem_mark.line + 1,
			        parser.problem_mark.column + 1,
			        parser.problem != NULL ? parser.problem : _("YAML error"));
			goto out;
		}
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_MAPPING_START_EVENT:
			if (++depth > 1)
				goto bad;
			break;
		case YAML_MAPPING_END_EVENT:
			depth--;
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_ALIAS_EVENT:
			goto bad;
		case YAML_SCALAR_EVENT:
			if (depth != 1)
				goto bad;
			if (key == NULL)
				key = xstrdup((const char *)ev.data.scalar.value);
			else {
				strlist_take(&a->keys, key);
				strlist_add(&a->values, (const char *)ev.data.scalar.value);
				key = NULL;
			}
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
		continue;
	bad:
		fprintf(stderr,
		        _("%s:%zu:%zu: an answers file is one mapping of node id to answer\n"),
		        path, ev.start_mark.line + 1, ev.start_mark.column + 1);
		yaml_event_delete(&ev);
		goto out;
	}
	rc = 0;
out:
	free(key);
	yaml_parser_delete(&parser);
	fclose(fp);
	return rc;
}

/* The answer for NODE (or FLOW:NODE), with suffix after it: NODE.confirm. */
static const char *
answers_get_sub(const struct answers *a, const struct flow *f, const struct flow_node *n,
                const char *suffix)
{
	char *qualified = xasprintf("%s:%s%s", f->id, n->id, suffix);
	char *plain = xasprintf("%s%s", n->id, suffix);
	const char *found = NULL;

	for (size_t i = 0; i < a->keys.n && found == NULL; i++)
		if (strcmp(a->keys.v[i], qualified) == 0)
			found = a->values.v[i];
	for (size_t i = 0; i < a->keys.n && found == NULL; i++)
		if (strcmp(a->keys.v[i], plain) == 0)
			found = a->values.v[i];
	free(qualified);
	free(plain);
	return found;
}

static const char *
answers_get(const struct answers *a, const struct flow *f, const struct flow_node *n)
{
	return answers_get_sub(a, f, n, "");
}

/* Prints text indented and wrapped to 78 columns, keeping the flow's own line breaks. */
static void
print_indented(FILE *out, const char *indent, const char *text)
{
	const char *p = text;

	if (text[0] == '\0')
		return;
	/*
	 * Prose is wrapped; a line indented by two spaces or more is a command
	 * to copy, and stays whole so it can be pasted as it is.
	 */
	while (*p != '\0') {
		struct strbuf para = STRBUF_INIT;
		struct strlist lines = STRLIST_INIT;
		size_t n = strcspn(p, "\n");

		if (n >= 2 && p[0] == ' ' && p[1] == ' ') {
			fprintf(out, "%s%.*s\n", indent, (int)n, p);
			p += n + (p[n] == '\n');
			continue;
		}
		while (*p != '\0' && !(p[0] == ' ' && p[1] == ' ')) {
			n = strcspn(p, "\n");
			strbuf_add(&para, p, n + (p[n] == '\n'));
			p += n + (p[n] == '\n');
		}
		text_wrap(para.buf != NULL ? para.buf : "", 78 - strlen(indent), &lines);
		for (size_t i = 0; i < lines.n; i++)
			fprintf(out, "%s%s\n", lines.v[i][0] != '\0' ? indent : "", lines.v[i]);
		strlist_free(&lines);
		strbuf_free(&para);
	}
}

static void
print_events(struct run *r)
{
	struct engine_event *ev = NULL;
	size_t n = engine_take_events(r->engine, &ev);

	for (size_t i = 0; i < n; i++) {
		switch (ev[i].kind) {
		case EV_AUTO_ANSWER:
			fprintf(r->out, _("  (answered from what is already known: %s)\n"),
			        ev[i].detail != NULL ? ev[i].detail : "");
			break;
		case EV_GOTO:
			fprintf(r->out, _("  (continuing in flow '%s')\n"),
			        ev[i].detail != NULL ? ev[i].detail : "");
			break;
		case EV_RETURN:
			fprintf(r->out, _("  (back in flow '%s')\n"), engine_flow(r->engine)->id);
			break;
		default:
			break;
		}
	}
	engine_events_free(ev, n);
}

/* A node's text in the user's language, with the facts known now in its {{templates}}. Owned. */
static char *
node_text(struct run *r, const struct flow_text *t)
{
	return facts_expand_text(engine_facts(r->engine), cli_text(t));
}

static void
print_header(struct run *r, const struct flow_node *n)
{
	char *title = node_text(r, &n->title), *text = node_text(r, &n->text);

	fputc('\n', r->out);
	if (title[0] != '\0')
		fprintf(r->out, "== %s ==\n", title);
	if (r->transcript && text[0] != '\0')
		fprintf(r->out, "%s\n",
		        n->kind == NODE_ASK     ? _("Read to the caller:")
		        : n->kind == NODE_CHECK ? _("What this step looks at:")
		        : n->kind == NODE_FIX   ? _("What this step changes:")
		                                : _("Tell the caller:"));
	print_indented(r->out, "", text);
	/* The source once per section, not on every step. */
	if (n->source != NULL && !str_eq(n->source, r->last_source)) {
		fprintf(r->out, _("  [source: %s]\n"), n->source);
		r->last_source = n->source;
	}
	free(title);
	free(text);
}

/* Reads one line from stdin; NULL at end of input. */
static char *
read_line(struct run *r, const char *prompt)
{
	static char buf[1024];

	fputs(prompt, r->out);
	fflush(r->out);
	if (fgets(buf, sizeof buf, stdin) == NULL || vt_cancelled)
		return NULL;
	buf[strcspn(buf, "\r\n")] = '\0';
	if (!r->interactive)
		fprintf(r->out, "%s\n", buf); /* echo, so a transcript reads well */
	return buf;
}

enum step_result { STEP_NEXT, STEP_STOP, STEP_QUIT };

static void print_item(FILE *out, const char *text);

static enum step_result
step_ask(struct run *r, const struct flow_node *n)
{
	const struct engine_choice *choices = NULL;
	size_t nchoices = engine_choices(r->engine, &choices);
	const char *answer = NULL;

	print_header(r, n);
	for (size_t i = 0; i < nchoices; i++) {
		char *text = node_text(r, &choices[i].choice->text);

		fprintf(r->out, "  %zu. %s\n", i + 1, text);
		free(text);
	}
	if (r->have_answers && (answer = answers_get(&r->answers, engine_flow(r->engine), n))) {
		fprintf(r->out, _("> %s (from %s)\n"), answer, r->answers_path);
		if (engine_answer_text(r->engine, answer) != 0) {
			fprintf(stderr, _("vmtriage: %s: '%s' is not a choice of step '%s'\n"),
			        r->answers_path, answer, n->id);
			return STEP_STOP;
		}
		return STEP_NEXT;
	}
	if (r->auto_mode || r->have_answers) {
		fprintf(r->out, _("Stopped: step '%s' is a question only you can answer.\n"),
		        n->id);
		if (r->have_answers)
			fprintf(r->out, _("Add an answer for '%s' to %s.\n"), n->id,
			        r->answers_path);
		return STEP_STOP;
	}
	for (;;) {
		char *line = read_line(
		    r, r->transcript ? _("The caller's answer (number, b back, q quit): ")
		       : engine_can_back(r->engine) ? _("Choice (number, b back, q quit): ")
		                                    : _("Choice (number, q quit): "));

		if (line == NULL && vt_cancelled)
			return STEP_NEXT; /* walk() reports the interruption */
		if (line == NULL) {
			fprintf(r->out, _("\nStopped: input ended at step '%s'.\n"), n->id);
			return STEP_STOP;
		}
		if (strcmp(line, "q") == 0)
			return STEP_QUIT;
		if (strcmp(line, "b") == 0 && engine_can_back(r->engine)) {
			engine_back(r->engine);
			return STEP_NEXT;
		}
		if (line[0] != '\0' && engine_answer_text(r->engine, line) == 0)
			return STEP_NEXT;
		fprintf(r->out, _("Please type a number from 1 to %zu.\n"), nchoices);
		if (!r->interactive)
			return STEP_STOP;
	}
}

static void
print_probe_result(struct run *r, const struct probe_result *res)
{
	fprintf(r->out, _("  result: %s"), res->outcome != NULL ? res->outcome : "?");
	if (res->summary != NULL)
		fprintf(r->out, " - %s", res->summary);
	fprintf(r->out, _(" (%ld ms)\n"), res->elapsed_ms);
	for (size_t i = 0; i < res->evidence.n; i++)
		fprintf(r->out, "    | %s\n", res->evidence.v[i]);
}

/* "  3 packets seen (7 s left)" over the previous one, on a terminal only; returns its width. */
static size_t
show_wait(struct run *r, struct probe_job *job, size_t shown)
{
	long left = (probe_job_budget_ms(job) - probe_job_elapsed_ms(job) + 999) / 1000;
	const char *progress = probe_job_progress(job);
	char *cut = NULL, *line = NULL;
	size_t width;

	if (left < 0)
		left = 0;
	if (progress != NULL) {
		cut = probe_clean_line(progress, strlen(progress), 50);
		line = xasprintf(_("  %s (%ld s left)"), cut, left);
	} else
		line = xasprintf(_("  %ld s left"), left);
	width = text_width(line);
	fprintf(r->out, "\r%s%*s", line, width < shown ? (int)(shown - width) : 0, "");
	fflush(r->out);
	free(cut);
	free(line);
	return width > shown ? width : shown;
}

/*
 * Runs the probe in a child and waits for it, so a probe that hangs or
 * crashes cannot take the walk with it. Ctrl-C or SIGTERM (vt_cancelled)
 * cancels it; the result then says so.
 */
static void
run_probe_job(struct run *r, const struct probe_entry *pe, const struct params *params,
              struct probe_result *res)
{
	struct probe_job *job = probe_job_start(pe, params, r->host);
	bool tty = isatty(fileno(r->out)), cancelled = false;
	size_t shown = 0;

	while (!probe_job_poll(job, res)) {
		struct pollfd pfd = {probe_job_fd(job), POLLIN, 0};
		int wait = probe_job_wait_ms(job);

		if (vt_cancelled && !cancelled) {
			probe_job_cancel(job);
			cancelled = true;
			continue;
		}
		if (tty) {
			/* A quick probe shows nothing: no line flashes by. */
			if (probe_job_elapsed_ms(job) >= 300)
				shown = show_wait(r, job, shown);
			if (wait > 250)
				wait = 250;
		}
		poll(&pfd, 1, wait); /* EINTR: a signal; the loop looks at vt_cancelled */
	}
	if (shown > 0) {
		fprintf(r->out, "\r%*s\r", (int)shown, "");
		fflush(r->out);
	}
	probe_job_free(job);
}

/*
 * One answer in a transcript: the line typed, or NULL with what the walk
 * does instead: go on (Ctrl-C, or b went back), stop (input ended), quit (q).
 */
static char *
read_turn(struct run *r, const struct flow_node *n, const char *prompt, enum step_result *res)
{
	char *line = read_line(r, prompt);

	*res = STEP_NEXT;
	if (line == NULL && vt_cancelled)
		return NULL;
	if (line == NULL) {
		fprintf(r->out, _("\nStopped: input ended at step '%s'.\n"), n->id);
		*res = STEP_STOP;
		return NULL;
	}
	if (strcmp(line, "q") == 0) {
		*res = STEP_QUIT;
		return NULL;
	}
	if (strcmp(line, "b") == 0 && engine_can_back(r->engine)) {
		engine_back(r->engine);
		return NULL;
	}
	return line;
}

/*
 * A check in a transcript: the caller does it by hand. The commands to read
 * out for the caller's system, how their output reads, then the probe's
 * outcomes to pick from as the caller describes what they saw.
 */
static enum step_result
transcript_check(struct run *r, const struct flow_node *n, const struct probe_entry *pe)
{
	const struct facts *f = engine_facts(r->engine);
	const char *os = facts_get(f, "os") != NULL ? facts_get(f, "os") : "linux";
	struct probe_manual m;
	size_t nout = 0;

	if (probe_manual_build(pe->name, engine_params(r->engine, NULL), os, &m) &&
	    m.commands.n > 0) {
		fprintf(r->out, _("Ask the caller to type, on their %s system:\n"),
		        strcmp(os, "darwin") == 0    ? "macOS"
		        : strcmp(os, "windows") == 0 ? "Windows"
		                                     : "Linux");
		for (size_t i = 0; i < m.commands.n; i++)
			fprintf(r->out, "    %s\n", m.commands.v[i]);
		fprintf(r->out, "%s\n", _("and to read out what it prints."));
	} else {
		fprintf(r->out, "%s\n",
		        _("There is no command the caller can type for this check: ask them what "
		          "they see."));
	}
	for (size_t i = 0; i < m.notes.n; i++)
		print_item(r->out, m.notes.v[i]);
	probe_manual_free(&m);
	fprintf(r->out, "%s\n", _("What did it show?"));
	for (const struct outcome_def *o = pe->outcomes; o->name != NULL; o++, nout++)
		fprintf(r->out, "  %zu. %s: %s\n", nout + 1, o->name, _(o->help));
	fprintf(r->out, _("  %zu. error: the caller could not run it, or cannot tell\n"), nout + 1);
	for (;;) {
		enum step_result res;
		char *line =
		    read_turn(r, n, _("What the caller saw (number, b back, q quit): "), &res);
		char *end = NULL;
		long k;

		if (line == NULL)
			return res;
		k = strtol(line, &end, 10);
		if (end != line && *end == '\0' && k >= 1 && (size_t)k <= nout + 1) {
			const char *outcome =
			    (size_t)k <= nout ? pe->outcomes[k - 1].name : "error";

			engine_probe_outcome(r->engine, outcome);
			return STEP_NEXT;
		}
		/* An outcome's name will do as well. */
		if (probe_has_outcome(pe, line) && engine_probe_outcome(r->engine, line) == 0)
			return STEP_NEXT;
		fprintf(r->out, _("Please type a number from 1 to %zu.\n"), nout + 1);
		if (!r->interactive)
			return STEP_STOP;
	}
}

static enum step_result
step_check(struct run *r, const struct flow_node *n)
{
	const char *answer = NULL, *missing = NULL;
	const struct params *params;
	const struct probe_entry *pe;
	struct probe_result res = {0};

	print_header(r, n);
	if (r->have_answers && (answer = answers_get(&r->answers, engine_flow(r->engine), n))) {
		fprintf(r->out, _("  result: %s (from %s; probe '%s' not run)\n"), answer,
		        r->answers_path, n->probe);
		if (engine_probe_outcome(r->engine, answer) != 0) {
			fprintf(stderr,
			        _("vmtriage: %s: '%s' is not an outcome step '%s' handles\n"),
			        r->answers_path, answer, n->id);
			return STEP_STOP;
		}
		return STEP_NEXT;
	}
	if ((pe = probe_find(n->probe)) == NULL) {
		fprintf(stderr, _("vmtriage: no probe is called '%s'\n"), n->probe);
		return STEP_STOP;
	}
	if (r->transcript)
		return transcript_check(r, n, pe);
	params = engine_params(r->engine, &missing);
	if (missing != NULL)
		fprintf(r->out, _("  (fact '%s' is not known; the probe gets an empty value)\n"),
		        missing);
	fprintf(r->out, _("  looking: probe %s ...\n"), pe->name);
	fflush(r->out);
	run_probe_job(r, pe, params, &res);
	print_probe_result(r, &res);
	if (vt_cancelled) {
		probe_result_free(&res);
		return STEP_NEXT; /* walk() reports the interruption */
	}
	engine_probe_done(r->engine, &res);
	probe_result_free(&res);
	return STEP_NEXT;
}

struct confirm_ctx {
	struct run *r;
	const struct flow_node *n;
};

/*
 * A timed confirm, as netplan try asks it: the change is in place and
 * verified; it stays only when the person says so within the time. From an
 * answers file: NODE.confirm: keep (anything else, or nothing, reverts).
 */
static bool
confirm_change(void *arg, const struct fix_plan *plan, int seconds)
{
	struct confirm_ctx *cc = arg;
	struct run *r = cc->r;
	const char *answer = NULL;

	(void)plan;
	if (r->have_answers) {
		answer = answers_get_sub(&r->answers, engine_flow(r->engine), cc->n, ".confirm");
		fprintf(r->out, _("  Keep the change? %s (from %s)\n"),
		        answer != NULL ? answer : _("(no answer: it is put back)"),
		        r->answers_path);
		return answer != NULL && strcmp(answer, "keep") == 0;
	}
	if (!r->interactive)
		return false;
	return cli_confirm_prompt(r->out, seconds);
}

/*
 * A fix that deletes data asks plan->destructive times, naming what is lost.
 * From an answers file: NODE.confirm-loss: yes.
 */
static bool
confirm_loss(struct run *r, const struct flow_node *n, const struct fix_plan *plan)
{
	const char *answer = NULL;

	if (r->have_answers) {
		if (plan->lost != NULL)
			fprintf(r->out, _("  This deletes: %s\n"), _(plan->lost));
		answer = answers_get_sub(&r->answers, engine_flow(r->engine), n, ".confirm-loss");
		fprintf(r->out, _("  Delete it? %s (from %s)\n"), answer != NULL ? answer : "-",
		        r->answers_path);
		return answer != NULL && strcmp(answer, "yes") == 0;
	}
	return cli_confirm_loss_prompt(r->out, plan);
}

/*
 * A fix in a transcript: the caller runs it. Its plan where it can be made
 * here (the commands, in order), else the step's text, which names them;
 * then how it went, as the caller tells it.
 */
static enum step_result
transcript_fix(struct run *r, const struct flow_node *n, const struct fix_entry *fe,
               const struct params *params)
{
	struct fix_plan plan = {0};
	struct strlist lines = STRLIST_INIT;
	char *cause = NULL;

	if (fix_make_plan(fe, params, r->host, &plan, &cause) == 0) {
		fix_plan_render(&plan, &lines);
		session_fix_details(r->session, &lines, NULL, NULL);
		fprintf(r->out, "%s\n",
		        _("Ask the caller to run, in this order (an administrator "
		          "is needed where it says sudo):"));
		for (size_t i = 0; i < lines.n; i++)
			fprintf(r->out, "    %s\n", lines.v[i]);
	} else {
		fprintf(r->out, "%s\n", _("Ask the caller to do what the text above says."));
		free(cause);
	}
	strlist_free(&lines);
	fix_plan_free(&plan);
	fprintf(r->out, "%s\n  1. %s\n  2. %s\n  3. %s\n", _("How did it go?"), _("It worked"),
	        _("It did not work"), _("The caller does not want to"));
	for (;;) {
		enum step_result res;
		char *line =
		    read_turn(r, n, _("The caller's answer (number, b back, q quit): "), &res);

		if (line == NULL)
			return res;
		if (strcmp(line, "1") == 0 || strcmp(line, "2") == 0 || strcmp(line, "3") == 0) {
			engine_fix_done(r->engine, line[0] == '1'   ? ENGINE_FIX_OK
			                           : line[0] == '2' ? ENGINE_FIX_FAILED
			                                            : ENGINE_FIX_DECLINED);
			return STEP_NEXT;
		}
		fprintf(r->out, _("Please type a number from 1 to %zu.\n"), (size_t)3);
		if (!r->interactive)
			return STEP_STOP;
	}
}

static enum step_result
step_fix(struct run *r, const struct flow_node *n)
{
	const char *answer = NULL, *missing = NULL;
	const struct params *params;
	const struct fix_entry *fe;
	struct fix_plan plan = {0};
	struct fix_report report = {0};
	struct strlist lines = STRLIST_INIT;
	char *cause = NULL;
	enum step_result result = STEP_NEXT;
	bool run_it = false;

	print_header(r, n);
	if ((fe = fix_find(n->fix)) == NULL) {
		fprintf(stderr, _("vmtriage: no fix is called '%s'\n"), n->fix);
		return STEP_STOP;
	}
	params = engine_params(r->engine, &missing);
	if (r->transcript &&
	    !(r->have_answers && answers_get(&r->answers, engine_flow(r->engine), n)))
		return transcript_fix(r, n, fe, params);
	if (fix_make_plan(fe, params, r->host, &plan, &cause) != 0) {
		fprintf(r->out, _("  This fix cannot be planned here: %s\n"), cause);
		free(cause);
		engine_fix_done(r->engine, ENGINE_FIX_FAILED);
		return STEP_NEXT;
	}
	fix_plan_render(&plan, &lines);
	session_fix_details(r->session, &lines, NULL, NULL);
	fprintf(r->out, _("  The fix '%s' would do this:\n"), fe->name);
	for (size_t i = 0; i < lines.n; i++)
		fprintf(r->out, "    %s\n", lines.v[i]);

	if (r->have_answers && (answer = answers_get(&r->answers, engine_flow(r->engine), n))) {
		fprintf(r->out, _("> %s (from %s)\n"), answer, r->answers_path);
		if (strcmp(answer, "ok") == 0)
			engine_fix_done(r->engine, ENGINE_FIX_OK);
		else if (strcmp(answer, "failed") == 0)
			engine_fix_done(r->engine, ENGINE_FIX_FAILED);
		else if (strcmp(answer, "decline") == 0)
			engine_fix_done(r->engine, ENGINE_FIX_DECLINED);
		else if (strcmp(answer, "run") == 0)
			run_it = true;
		else {
			fprintf(stderr,
			        _("vmtriage: %s: a fix step takes ok, failed, decline or run, not "
			          "'%s'\n"),
			        r->answers_path, answer);
			result = STEP_STOP;
		}
	} else if (r->auto_mode && !host_is_live(r->host)) {
		/* Another machine's past: its fix is shown, and the walk goes on as declined. */
		fprintf(r->out, _("  (A snapshot: the fix is not run; the walk goes on as if it "
		                  "was declined.)\n"));
		engine_fix_done(r->engine, ENGINE_FIX_DECLINED);
	} else if (r->auto_mode || r->have_answers) {
		fprintf(
		    r->out,
		    _("Stopped: --auto never runs a fix. To apply it: vmtriage run %s --from %s\n"),
		    engine_flow(r->engine)->id, n->id);
		result = STEP_STOP;
	} else {
		for (;;) {
			char *line = read_line(r, _("Run it? (y yes, n no, b back, q quit): "));

			if (line == NULL && vt_cancelled)
				break; /* walk() reports the interruption */
			if (line == NULL) {
				fprintf(r->out, _("\nStopped: input ended at step '%s'.\n"), n->id);
				result = STEP_STOP;
				break;
			}
			if (strcmp(line, "y") == 0 || strcmp(line, "yes") == 0) {
				run_it = true;
				break;
			}
			if (strcmp(line, "n") == 0 || strcmp(line, "no") == 0) {
				engine_fix_done(r->engine, ENGINE_FIX_DECLINED);
				break;
			}
			if (strcmp(line, "b") == 0 && engine_can_back(r->engine)) {
				engine_back(r->engine);
				break;
			}
			if (strcmp(line, "q") == 0) {
				result = STEP_QUIT;
				break;
			}
			if (!r->interactive) {
				result = STEP_STOP;
				break;
			}
		}
	}
	if (run_it && plan.destructive > 0 && !r->dry_run && !confirm_loss(r, n, &plan)) {
		fprintf(r->out, _("  Not confirmed: nothing was deleted.\n"));
		engine_fix_done(r->engine, ENGINE_FIX_DECLINED);
		run_it = false;
	}
	if (run_it) {
		{
			struct fix_run_opts fo = {.dry_run = r->dry_run};
			struct confirm_ctx cc = {r, n};

			fo.confirm = confirm_change;
			fo.confirm_arg = &cc;
			fix_run(&plan, r->host, &fo, &report);
		}
		for (size_t i = 0; i < report.log.n; i++)
			fprintf(r->out, "    | %s\n", report.log.v[i]);
		fprintf(r->out, _("  fix: %s\n"), fix_status_name(report.status));
		if (report.journal_id != NULL && plan.nundo > 0)
			fprintf(r->out, _("  journal: %s (vmtriage undo %s puts it back)\n"),
			        report.journal_id, report.journal_id);
		else if (report.journal_id != NULL)
			fprintf(r->out, _("  journal: %s\n"), report.journal_id);
		if (report.verify.outcome != NULL) {
			fprintf(r->out, _("  verification:\n"));
			print_probe_result(r, &report.verify);
		}
		{
			/* What ran and how it was checked, for the session's record. */
			struct strlist verify = STRLIST_INIT;

			cli_fix_verify_lines(&report, &verify);
			session_fix_details(r->session, &lines, &verify, report.journal_id);
			strlist_free(&verify);
		}
		if (report.status == FIX_DRY_RUN) {
			fprintf(r->out, _("Stopped: --dry-run shows the plan and runs nothing.\n"));
			result = STEP_STOP;
		} else
			engine_fix_done(r->engine, report.status == FIX_APPLIED
			                               ? ENGINE_FIX_OK
			                               : ENGINE_FIX_FAILED);
		fix_report_free(&report);
	}
	strlist_free(&lines);
	fix_plan_free(&plan);
	return result;
}

/* "  - item", wrapped with its continuation lines under the text. */
static void
print_item(FILE *out, const char *text)
{
	struct strlist lines = STRLIST_INIT;

	text_wrap(text, 74, &lines);
	for (size_t i = 0; i < lines.n; i++)
		fprintf(out, "%s%s\n", i == 0 ? "  - " : "    ", lines.v[i]);
	strlist_free(&lines);
}

static int
show_end(struct run *r, const struct flow_node *n)
{
	const char *verdicts[] = {
	    [VERDICT_NONE] = "",
	    [VERDICT_SOLVED] = N_("Solved"),
	    [VERDICT_HEALTHY] = N_("Nothing wrong found"),
	    [VERDICT_CAUSE] = N_("Cause found"),
	    [VERDICT_ESCALATE] = N_("Needs help beyond this tool"),
	};
	char *cause = node_text(r, &n->cause), *title = node_text(r, &n->title);
	char *text = node_text(r, &n->text), *item = NULL;

	fprintf(r->out, "\n== %s ==\n", _(verdicts[n->verdict]));
	if (r->transcript)
		fprintf(r->out, "%s\n", _("Tell the caller:"));
	if (title[0] != '\0')
		fprintf(r->out, "%s\n", title);
	if (cause[0] != '\0') {
		/* Wrapped like the text: a long cause (or a Chinese one) fits the line too. */
		char *line = xasprintf(_("Cause: %s\n"), cause);

		print_indented(r->out, "", line);
		free(line);
	}
	print_indented(r->out, "", text);
	if (n->nsteps > 0) {
		fprintf(r->out, _("What to do next:\n"));
		for (size_t i = 0; i < n->nsteps; i++) {
			item = node_text(r, &n->steps[i]);
			print_item(r->out, item);
			free(item);
		}
	}
	if (n->nattach > 0) {
		fprintf(r->out, _("When you ask for help, attach:\n"));
		for (size_t i = 0; i < n->nattach; i++) {
			item = node_text(r, &n->attach[i]);
			print_item(r->out, item);
			free(item);
		}
	}
	if (n->source != NULL)
		fprintf(r->out, _("  [source: %s]\n"), n->source);
	/* Where the walk ended, for a ticket and for tests: FLOW:NODE. */
	fprintf(r->out, "  [end: %s:%s]\n", engine_flow(r->engine)->id, n->id);
	free(cause);
	free(title);
	free(text);
	return n->verdict == VERDICT_SOLVED || n->verdict == VERDICT_HEALTHY ? EXIT_DONE
	                                                                     : EXIT_CAUSE;
}

/*
 * Ctrl-C and SIGTERM only raise a flag: the host then ends a running probe's
 * child (it runs in its own process group, out of reach of the terminal's
 * signals), and the walk stops at the next step instead of leaving it behind.
 */
static void
on_signal(int sig)
{
	(void)sig;
	vt_cancelled = 1;
}

static void
catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0; /* no SA_RESTART: a read waiting for an answer returns */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

static int
walk(struct run *r)
{
	for (int stops = 0; stops < RUN_MAX_STOPS; stops++) {
		const struct flow_node *n;
		enum step_result sr = STEP_NEXT;

		if (vt_cancelled) {
			fprintf(r->out, _("\nInterrupted at step '%s'.\n"),
			        engine_node(r->engine)->id);
			return 128 + SIGINT;
		}
		print_events(r);
		n = engine_node(r->engine);
		switch (engine_state(r->engine)) {
		case ENGINE_ASK:
			sr = step_ask(r, n);
			break;
		case ENGINE_CHECK:
			sr = step_check(r, n);
			break;
		case ENGINE_FIX:
			sr = step_fix(r, n);
			break;
		case ENGINE_SAY:
			print_header(r, n);
			engine_continue(r->engine);
			break;
		case ENGINE_END:
			return show_end(r, n);
		case ENGINE_BROKEN:
			fprintf(stderr, _("vmtriage: the walk cannot go on: %s\n"),
			        engine_error(r->engine));
			return EXIT_SOFTWARE;
		}
		if (sr == STEP_STOP)
			return EXIT_STOPPED;
		if (sr == STEP_QUIT) {
			fprintf(r->out, _("Quit at step '%s'.\n"), n->id);
			return EXIT_STOPPED;
		}
	}
	fprintf(stderr, _("vmtriage: stopped after %d steps: the answers go round in a loop\n"),
	        RUN_MAX_STOPS);
	return EXIT_STOPPED;
}

/* The language, and on a snapshot the machine it was collected on, not this one. */
void
cli_session_describe(struct session *s)
{
	const struct snapshot *snap = host_snapshot_get(cli_host());

	free(s->lang);
	s->lang = xstrdup(cli_lang());
	if (cli_global.snapshot == NULL || snap == NULL)
		return;
	free(s->snapshot);
	s->snapshot = xstrdup(cli_global.snapshot);
	free(s->hostname);
	free(s->user);
	s->hostname = snapshot_meta(snap, "hostname") != NULL
	                  ? xstrdup(snapshot_meta(snap, "hostname"))
	                  : NULL;
	s->user = snapshot_meta(snap, "user") != NULL ? xstrdup(snapshot_meta(snap, "user")) : NULL;
}

void
cli_fix_verify_lines(const struct fix_report *report, struct strlist *out)
{
	for (size_t i = 0; i < report->log.n; i++)
		strlist_add(out, report->log.v[i]);
	strlist_addf(out, _("fix: %s"), fix_status_name(report->status));
	if (report->verify.outcome != NULL)
		strlist_addf(out, _("verification: %s - %s"), report->verify.outcome,
		             report->verify.summary != NULL ? report->verify.summary : "");
}

/*
 * A transcript's commands are for the caller's system: known from --set
 * os=..., a flow for one system, or a snapshot; else the agent is asked
 * (an answers file answers it as "os: darwin").
 */
static bool
transcript_os(struct run *r, const struct flow *flow, struct facts *facts)
{
	static const char *const oses[] = {"linux", "darwin", "windows"};
	const char *answer = NULL;

	if (!host_is_live(r->host) || facts_get(facts, "os") == NULL)
		return true;
	if (flow->nplatforms == 1)
		return true;
	for (size_t i = 0; r->have_answers && i < r->answers.keys.n; i++)
		if (strcmp(r->answers.keys.v[i], "os") == 0)
			answer = r->answers.values.v[i];
	fprintf(r->out, "%s\n  1. Linux\n  2. macOS\n  3. Windows\n",
	        _("Which system does the caller use?"));
	for (;;) {
		char *line =
		    answer != NULL ? (char *)answer : read_line(r, _("The caller's OS (number): "));

		if (line == NULL)
			return false;
		for (size_t i = 0; i < nitems(oses); i++) {
			if (strcmp(line, oses[i]) == 0 ||
			    (line[0] == (char)('1' + i) && line[1] == '\0')) {
				facts_set(facts, "os", oses[i]);
				return true;
			}
		}
		if (answer != NULL || !r->interactive)
			return false;
	}
}

/* Where the record of the walk is, and how to use it. */
static void
session_footer(struct run *r)
{
	if (r->session == NULL || r->session->path == NULL)
		return;
	if (r->session->ended)
		fprintf(r->out, _("Session: %s (vmtriage report %s writes it up for a ticket)\n"),
		        r->session->id, r->session->id);
	else
		fprintf(r->out, _("Session: %s (vmtriage resume %s goes on from here)\n"),
		        r->session->id, r->session->id);
}

/* The options run and resume share: --auto, --dry-run, --answers FILE. True when argv[*i] was one.
 */
static bool
walk_option(struct run *r, int argc, char **argv, int *i)
{
	if (strcmp(argv[*i], "--auto") == 0)
		r->auto_mode = true;
	else if (strcmp(argv[*i], "--dry-run") == 0)
		r->dry_run = true;
	else if (strcmp(argv[*i], "--answers") == 0 && *i + 1 < argc)
		r->answers_path = argv[++*i];
	else
		return false;
	return true;
}

int
cli_run(int argc, char **argv)
{
	struct catalog cat = {0};
	struct run r = {0};
	struct facts facts = FACTS_INIT, set = FACTS_INIT;
	const struct flow *flow = NULL;
	const struct flow_node *from = NULL;
	const char *flow_arg = NULL, *from_arg = NULL;
	char *extra[1];
	int status = EXIT_USAGE;

	r.out = stdout;
	for (int i = 1; i < argc; i++) {
		if (walk_option(&r, argc, argv, &i))
			continue;
		else if (strcmp(argv[i], "--from") == 0 && i + 1 < argc)
			from_arg = argv[++i];
		else if (strcmp(argv[i], "--transcript") == 0)
			r.transcript = true;
		else if (strcmp(argv[i], "--set") == 0 && i + 1 < argc) {
			const char *kv = argv[++i], *eq = strchr(kv, '=');

			if (eq == NULL || eq == kv) {
				fprintf(stderr, _("vmtriage: --set takes KEY=VALUE, not '%s'\n"),
				        kv);
				facts_free(&set);
				return EXIT_USAGE;
			}
			{
				char *key = xstrndup(kv, (size_t)(eq - kv));

				facts_set(&set, key, eq + 1);
				free(key);
			}
		} else if (argv[i][0] == '-' || flow_arg != NULL) {
			fprintf(stderr, _("usage: vmtriage run FLOW [--answers FILE | --auto | "
			                  "--transcript] [--from NODE] [--set KEY=VALUE]... "
			                  "[--dry-run]\n"));
			facts_free(&set);
			return EXIT_USAGE;
		} else
			flow_arg = argv[i];
	}
	if (flow_arg == NULL || (r.auto_mode && r.answers_path != NULL) ||
	    (r.auto_mode && r.transcript)) {
		fprintf(stderr,
		        _("usage: vmtriage run FLOW [--answers FILE | --auto | "
		          "--transcript] [--from NODE] [--set KEY=VALUE]... [--dry-run]\n"));
		facts_free(&set);
		return EXIT_USAGE;
	}
	if (r.answers_path != NULL) {
		if (answers_load(&r.answers, r.answers_path) != 0)
			return EXIT_USAGE;
		r.have_answers = true;
	}
	extra[0] = (char *)flow_arg;
	if (cli_load_catalog(&cat, extra,
	                     strchr(flow_arg, '/') != NULL || str_has_suffix(flow_arg, ".yaml") ? 1
	                                                                                        : 0,
	                     false, stderr) > 0) {
		status = EXIT_DATAERR;
		goto out;
	}
	if ((flow = cli_resolve_flow(&cat, flow_arg, &status)) == NULL)
		goto out;
	if (from_arg != NULL && (from = flow_node_find(flow, from_arg)) == NULL) {
		fprintf(stderr, _("vmtriage: flow '%s' has no step '%s'\n"), flow->id, from_arg);
		status = EXIT_USAGE;
		goto out;
	}
	r.interactive = isatty(STDIN_FILENO);
	catch_signals();
	r.host = cli_host();
	/* A snapshot is another machine's past: its fixes can only be shown. */
	if (!host_is_live(r.host))
		r.dry_run = true;
	cli_host_facts(&facts);
	/* Facts given on the command line win over what this machine says. */
	for (size_t i = 0; i < set.n; i++)
		facts_set(&facts, set.keys[i], set.values[i]);
	if (r.transcript && facts_get(&set, "os") == NULL && flow->nplatforms == 1)
		facts_set(&facts, "os", flow->platforms[0]);
	if (r.transcript && facts_get(&set, "os") == NULL && !transcript_os(&r, flow, &facts)) {
		status = EXIT_STOPPED;
		goto out;
	}
	r.engine = engine_new(&cat, flow, from, &facts);
	r.session = session_new(flow, from != NULL ? from->id : NULL, &facts, NULL);
	cli_session_describe(r.session);
	fprintf(r.out, "# %s\n", cli_text(&flow->title));
	if (!flow_for_platform(flow, facts_get(&facts, "os")))
		fprintf(r.out,
		        _("(This flow is written for other systems than this one (%s); its probes "
		          "look at this machine.)\n"),
		        facts_get(&facts, "os"));
	if (flow->summary.en != NULL)
		print_indented(r.out, "", cli_text(&flow->summary));
	session_attach(r.session, r.engine);
	status = walk(&r);
	session_footer(&r);
	engine_free(r.engine);
	session_free(r.session);
out:
	facts_free(&facts);
	facts_free(&set);
	strlist_free(&r.answers.keys);
	strlist_free(&r.answers.values);
	catalog_free(&cat);
	return status;
}

/* The saved session NAME (the newest when NULL), or NULL after saying why. */
static struct session *
open_session(const char *name)
{
	struct session *s = NULL;
	char *path = NULL, *err = NULL;

	if ((path = session_find(name, &err)) == NULL || (s = session_load(path, &err)) == NULL) {
		fprintf(stderr, "vmtriage: %s\n", err);
		free(err);
	}
	free(path);
	return s;
}

/*
 * vmtriage resume [SESSION] [--answers FILE | --auto] [--dry-run]: the walk
 * of a saved session (the newest when none is named) replayed to where it
 * stopped, without running a probe or a fix again, then continued there,
 * recording into the same session. With --snapshot, on another machine's
 * snapshot.
 */
int
cli_resume(int argc, char **argv)
{
	struct catalog cat = {0};
	struct run r = {0};
	struct facts facts = FACTS_INIT;
	struct session *s = NULL;
	struct engine_event *ev = NULL;
	const struct flow *flow = NULL;
	const struct flow_node *from = NULL;
	const char *name = NULL;
	char *err = NULL;
	int status = EXIT_USAGE;
	size_t nev, replayed = 0;

	r.out = stdout;
	for (int i = 1; i < argc; i++) {
		if (walk_option(&r, argc, argv, &i))
			continue;
		else if (argv[i][0] == '-' || name != NULL) {
			fprintf(stderr,
			        _("usage: vmtriage resume [SESSION] [--answers FILE | --auto] "
			          "[--dry-run]\n"));
			return EXIT_USAGE;
		} else
			name = argv[i];
	}
	if (r.auto_mode && r.answers_path != NULL) {
		fprintf(stderr, _("usage: vmtriage resume [SESSION] [--answers FILE | --auto] "
		                  "[--dry-run]\n"));
		return EXIT_USAGE;
	}
	if ((s = open_session(name)) == NULL)
		return EXIT_USAGE;
	if (r.answers_path != NULL) {
		if (answers_load(&r.answers, r.answers_path) != 0)
			goto out;
		r.have_answers = true;
	}
	cli_load_catalog(&cat, NULL, 0, false, stderr);
	if ((flow = cli_resolve_flow(&cat, s->flow, &status)) == NULL)
		goto out;
	if ((from = flow_node_find(flow, s->start)) == NULL) {
		fprintf(stderr, _("vmtriage: flow '%s' has no step '%s' any more\n"), flow->id,
		        s->start);
		status = EXIT_DATAERR;
		goto out;
	}
	for (size_t i = 0; i < s->given.n; i++)
		facts_set(&facts, s->given.v[i].key, s->given.v[i].value);
	r.interactive = isatty(STDIN_FILENO);
	catch_signals();
	r.host = cli_host();
	if (!host_is_live(r.host))
		r.dry_run = true;
	r.engine = engine_new(&cat, flow, from, &facts);
	if (session_replay(s, r.engine, &err) != 0) {
		fprintf(stderr, _("vmtriage: session %s cannot be resumed: %s\n"), s->id, err);
		free(err);
		status = EXIT_DATAERR;
		engine_free(r.engine);
		goto out;
	}
	for (size_t i = 0; i < s->nsteps; i++)
		replayed += s->steps[i].kind != SESSION_END;
	/* What the replay went through was shown when it happened. */
	nev = engine_take_events(r.engine, &ev);
	engine_events_free(ev, nev);
	fprintf(r.out, "# %s\n", cli_text(&flow->title));
	fprintf(r.out, _("Resumed session %s at step '%s' (%zu steps replayed).\n"), s->id,
	        engine_node(r.engine) != NULL ? engine_node(r.engine)->id : "?", replayed);
	r.session = s;
	cli_session_describe(s);
	session_attach(s, r.engine);
	status = walk(&r);
	session_footer(&r);
	engine_free(r.engine);
out:
	facts_free(&facts);
	strlist_free(&r.answers.keys);
	strlist_free(&r.answers.values);
	catalog_free(&cat);
	session_free(s);
	return status;
}

static int
cmp_desc(const void *a, const void *b)
{
	return -strcmp(*(char *const *)a, *(char *const *)b);
}

/* The saved sessions, newest first: id, flow, and where each ended or stopped. */
static int
report_list(void)
{
	char *dir = session_dir(), *err = NULL;
	struct strlist names = STRLIST_INIT;
	DIR *d;
	struct dirent *de;

	if (dir == NULL || (d = opendir(dir)) == NULL) {
		printf(_("No sessions yet.\n"));
		free(dir);
		return EXIT_DONE;
	}
	while ((de = readdir(d)) != NULL)
		if (str_has_suffix(de->d_name, ".yaml"))
			strlist_add(&names, de->d_name);
	closedir(d);
	qsort(names.v, names.n, sizeof *names.v, cmp_desc);
	for (size_t i = 0; i < names.n; i++) {
		char *path = xasprintf("%s/%s", dir, names.v[i]);
		struct session *s = session_load(path, &err);

		if (s == NULL) {
			printf("%-40s %s\n", names.v[i], err);
			free(err);
			err = NULL;
		} else {
			const struct session_step *last =
			    s->nsteps > 0 ? &s->steps[s->nsteps - 1] : NULL;

			printf("%-40s %s\n", s->id,
			       s->ended && last != NULL ? last->node
			       : last != NULL           ? _("(stopped)")
			                                : _("(not started)"));
		}
		session_free(s);
		free(path);
	}
	strlist_free(&names);
	free(dir);
	return EXIT_DONE;
}

/*
 * vmtriage report [SESSION] [--format md|yaml] [--redact] [-o FILE]
 * vmtriage report --list
 * A saved walk (the newest when none is named) written up for a ticket.
 */
int
cli_report(int argc, char **argv)
{
	struct catalog cat = {0};
	struct session *s = NULL;
	enum report_format format = REPORT_MD;
	unsigned flags = 0;
	const char *name = NULL, *out_path = NULL;
	bool list = false;
	int status = EXIT_USAGE;
	FILE *out = stdout;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--redact") == 0)
			flags |= REPORT_REDACT;
		else if (strcmp(argv[i], "--list") == 0)
			list = true;
		else if (strcmp(argv[i], "--format") == 0 && i + 1 < argc) {
			i++;
			if (strcmp(argv[i], "md") == 0 || strcmp(argv[i], "markdown") == 0)
				format = REPORT_MD;
			else if (strcmp(argv[i], "yaml") == 0)
				format = REPORT_YAML;
			else {
				fprintf(stderr, _("vmtriage: --format is md or yaml, not '%s'\n"),
				        argv[i]);
				return EXIT_USAGE;
			}
		} else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
			out_path = argv[++i];
		else if (argv[i][0] == '-' || name != NULL) {
			fprintf(stderr, _("usage: vmtriage report [SESSION] [--format md|yaml] "
			                  "[--redact] [-o FILE]\n       vmtriage report --list\n"));
			return EXIT_USAGE;
		} else
			name = argv[i];
	}
	if (list)
		return report_list();
	if ((s = open_session(name)) == NULL)
		return EXIT_USAGE;
	cli_load_catalog(&cat, NULL, 0, false, stderr);
	if (out_path != NULL) {
		/* Written aside, then renamed: never a half-written report. */
		char *tmp = xasprintf("%s.tmp", out_path);

		if ((out = fopen(tmp, "w")) == NULL) {
			fprintf(stderr, "vmtriage: %s: %s\n", tmp, strerror(errno));
			free(tmp);
			goto done;
		}
		if (report_write(out, s, &cat, format, flags) != 0 || fclose(out) != 0 ||
		    rename(tmp, out_path) != 0) {
			fprintf(stderr, _("vmtriage: could not write %s\n"), out_path);
			unlink(tmp);
			free(tmp);
			status = EXIT_FAILURE;
			goto done;
		}
		free(tmp);
		fprintf(stderr, _("Report written to %s\n"), out_path);
	} else if (report_write(stdout, s, &cat, format, flags) != 0) {
		status = EXIT_FAILURE;
		goto done;
	}
	status = EXIT_DONE;
done:
	session_free(s);
	catalog_free(&cat);
	return status;
}
