/*
 * engine.h: walks one flow (and the flows it goes to). It holds the current
 * node, the history that Back unwinds, and the facts learned so far. It never
 * draws and never touches the host: at each stop it says what the front end
 * must do (ask, run a probe, offer a fix, show a text, show a verdict), and the
 * front end answers with engine_answer(), engine_probe_done(), ...
 */
#ifndef VT_ENGINE_H
#define VT_ENGINE_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/facts.h"
#include "flow/flow.h"
#include "probe/probe.h"

enum engine_state {
	ENGINE_ASK,    /* a question: pick one of the visible choices */
	ENGINE_CHECK,  /* run the probe with the expanded parameters, then engine_probe_done() */
	ENGINE_FIX,    /* offer the fix; then engine_fix_done() */
	ENGINE_SAY,    /* show the text; then engine_continue() */
	ENGINE_END,    /* a verdict; the walk is over */
	ENGINE_BROKEN, /* the walk cannot go on (see engine_error()); validator-proof flows never
	                  get here */
};

/* One thing that happened, for the front end to show and the session to record. */
enum engine_event_kind {
	EV_ENTER,       /* reached a node */
	EV_SKIPPED,     /* a node's when: did not hold; followed skip */
	EV_AUTO_ANSWER, /* a known fact answered a question */
	EV_ANSWER,      /* the user chose */
	EV_PROBE,       /* a probe gave an outcome */
	EV_FIX,         /* a fix ran (or was declined) */
	EV_GOTO,        /* entered another flow */
	EV_RETURN,      /* came back from another flow */
	EV_BACK,        /* the user went back */
};
struct engine_event {
	enum engine_event_kind kind;
	const struct flow_node *node;
	char *detail; /* e.g. "os=linux", the choice's value, the outcome */
};

/* The choices of the current ask node that the user may see (when: holds). */
struct engine_choice {
	const struct flow_choice *choice;
	size_t index; /* in node->choices */
};

struct engine;

/*
 * Starts a walk at the flow's start node (or at node when not NULL, as `why`
 * does). initial facts are copied. cat resolves goto; may be NULL.
 */
struct engine *engine_new(const struct catalog *cat, const struct flow *flow,
                          const struct flow_node *node, const struct facts *initial);
void engine_free(struct engine *);

enum engine_state engine_state(const struct engine *);
const struct flow_node *engine_node(const struct engine *);
const struct flow *engine_flow(const struct engine *);
const struct facts *engine_facts(const struct engine *);
const char *engine_error(const struct engine *);

/* ENGINE_ASK: the visible choices. */
size_t engine_choices(const struct engine *, const struct engine_choice **);
/* ENGINE_CHECK / ENGINE_FIX: the parameters with facts expanded. A fact that
 * is not known makes *missing name it (the probe gets the value "" then). */
const struct params *engine_params(const struct engine *, const char **missing);

/* Answers the question with the i-th visible choice. Returns -1 if out of range. */
int engine_answer(struct engine *, size_t visible_index);
/* Answers by choice value, label or 1-based number, as typed. -1 if none matches. */
int engine_answer_text(struct engine *, const char *typed);
/* Gives the probe's outcome (and its facts, which are merged in). */
int engine_probe_done(struct engine *, const struct probe_result *);
/* Gives the outcome of a check without running its probe (answers files, tests). */
int engine_probe_outcome(struct engine *, const char *outcome);
enum engine_fix_outcome { ENGINE_FIX_OK, ENGINE_FIX_FAILED, ENGINE_FIX_DECLINED };
int engine_fix_done(struct engine *, enum engine_fix_outcome);
int engine_continue(struct engine *); /* ENGINE_SAY */

/* Back to the previous stop (ask, check, fix or say), undoing what was learned since. */
bool engine_can_back(const struct engine *);
int engine_back(struct engine *);

/* The path so far, for breadcrumbs: the nodes where the walk stopped, oldest first. */
size_t engine_path(const struct engine *, const struct flow_node *const **);

/* Events since the last call; the caller frees them with engine_events_free(). */
size_t engine_take_events(struct engine *, struct engine_event **);
void engine_events_free(struct engine_event *, size_t);

/*
 * What the front end gives the walk, as a session records it to replay it:
 * told to the watcher set with engine_watch() just before the walk takes it
 * (the walk still stands at the node: engine_node(), engine_params() work),
 * and once more with INPUT_TAKEN right after, where the walk now stands.
 */
enum engine_input_kind {
	INPUT_ANSWER,   /* answer: the choice */
	INPUT_PROBE,    /* probe: the result (or only outcome, from an answers file) */
	INPUT_FIX,      /* fix: how it went */
	INPUT_CONTINUE, /* a say node read */
	INPUT_BACK,     /* back a step */
	INPUT_TAKEN,    /* after any of these */
	/*
	 * Not an input: a question the facts answered on the way (node, choice).
	 * Told as it happens, so a record shows it; a replay leaves it to the walk.
	 */
	INPUT_AUTO_ANSWER,
};
struct engine_input {
	enum engine_input_kind kind;
	const struct flow_choice *choice; /* INPUT_ANSWER */
	size_t choice_number;             /* INPUT_ANSWER: 1-based, in node->choices */
	const struct probe_result *probe; /* INPUT_PROBE: NULL when only outcome is known */
	const char *outcome;              /* INPUT_PROBE */
	enum engine_fix_outcome fix;      /* INPUT_FIX */
	const struct flow_node *node;     /* INPUT_AUTO_ANSWER: the question */
};
typedef void (*engine_watch_fn)(void *ctx, const struct engine *, const struct engine_input *);
/* Calls fn for every input (NULL: none). One watcher at a time. */
void engine_watch(struct engine *, engine_watch_fn fn, void *ctx);

/* True when the guard holds for these facts. Unknown facts never hold. */
bool engine_guard_holds(const struct flow_guard *, const struct facts *);

#endif
