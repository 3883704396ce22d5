/*
 * flow.h: the flow graph, as loaded from one YAML file, and the catalogue of
 * all flows a run can see. A loaded flow is immutable: it lives in one arena
 * and every node, edge and string keeps the file position it came from, so
 * every problem can be reported as FILE:LINE:COL: message.
 *
 * The language itself is documented in doc/flows.md and vmtriage-flows(5).
 */
#ifndef VT_FLOW_H
#define VT_FLOW_H

#include <stdbool.h>
#include <stddef.h>

#include "flow/diag.h"

struct arena;
struct strlist;

/* A position in a flow file; line and col start at 1. */
struct flow_pos {
	int line;
	int col;
};

/*
 * A translatable text: the English original and, for site flows, translations
 * given inline (text: {en: ..., zh_CN: ...}). Shipped flows translate through
 * po/ instead; both are looked up by flow_text_get().
 */
struct flow_tr {
	const char *lang; /* "zh_CN", "de", ... */
	const char *text;
};
struct flow_text {
	const char *en; /* NULL when the field was absent */
	const struct flow_tr *tr;
	size_t ntr;
	struct flow_pos pos;
	/*
	 * Its context in the message catalogue: flow, node and field, so equal
	 * English in two places can be translated apart ("launch-start:hash:text",
	 * "launch-start:hash:choice.yes", "launch-start:title", "launch-start:fact:instance").
	 */
	const char *ctx;
};

/*
 * A guard: every term must hold. A term holds when the fact is known and its
 * value is one of values[] (or, when negate, is known and none of them).
 */
struct flow_guard_term {
	const char *fact;
	const char *const *values;
	size_t nvalues;
	bool negate;
	struct flow_pos pos;
};
struct flow_guard {
	const struct flow_guard_term *terms;
	size_t nterms; /* 0: always holds */
};

/*
 * An edge is a list of alternatives; the first whose guard holds is taken. A
 * plain "next: id" is one alternative with an empty guard. The validator makes
 * sure the last alternative is unguarded, so an edge can always be followed.
 */
struct flow_alt {
	struct flow_guard when;
	const char *target;           /* node id in the same flow */
	struct flow_pos pos;          /* of the target scalar */
	const struct flow_node *node; /* resolved by the validator */
};
struct flow_edge {
	const struct flow_alt *alts;
	size_t nalts; /* 0: no edge */
	struct flow_pos pos;
};

/* A parameter given to a probe or fix: "name: value", where value may hold {{fact}} templates. */
struct flow_param {
	const char *name;
	const char *value;
	struct flow_pos pos;
};
struct flow_params {
	const struct flow_param *v;
	size_t n;
};

enum flow_node_kind {
	NODE_ASK,
	NODE_CHECK,
	NODE_FIX,
	NODE_SAY,
	NODE_END,
	NODE_GOTO,
};

enum flow_verdict {
	VERDICT_NONE,
	VERDICT_SOLVED,   /* the problem is gone (a fix worked) */
	VERDICT_HEALTHY,  /* nothing wrong found on this path */
	VERDICT_CAUSE,    /* cause named; not fixed here (the user has steps to take) */
	VERDICT_ESCALATE, /* beyond this tool: ask for help, attach what is listed */
};

struct flow_choice {
	struct flow_text text;
	const char *value;      /* the fact value this choice stands for; may be NULL */
	struct flow_guard when; /* the choice is shown only when it holds */
	struct flow_edge next;
	struct flow_pos pos;
};

/* check: one probe outcome and where it leads. */
struct flow_outcome {
	const char *outcome; /* a name the probe declares, "error", or "default" */
	struct flow_edge next;
	struct flow_pos pos;
};

/* goto: where to continue in the calling flow when the called flow ends with a verdict. */
struct flow_return {
	enum flow_verdict verdict;
	struct flow_edge next;
	struct flow_pos pos;
};

struct flow_node {
	const char *id;
	enum flow_node_kind kind;
	struct flow_pos pos;     /* of the node's key */
	const struct flow *flow; /* the flow it belongs to */

	struct flow_text title; /* short label (breadcrumbs); optional */
	struct flow_text text;  /* what the user reads */
	const char *source;     /* "FILE#section"; inherits the flow's when absent */
	bool source_inherited;  /* the node has no source: of its own */
	struct flow_guard when; /* node runs only when it holds... */
	struct flow_edge skip;  /* ...otherwise the walk follows skip */

	/* ask */
	const char *fact; /* fact this question answers (optional) */
	const struct flow_choice *choices;
	size_t nchoices;

	/* check and fix */
	const char *probe; /* check: probe name */
	const char *fix;   /* fix: fix name */
	struct flow_params with;
	const struct flow_outcome *on; /* check */
	size_t non;

	/* fix */
	struct flow_edge then;      /* the fix ran and its verification passed */
	struct flow_edge otherwise; /* "else:": it failed, or did not verify */
	struct flow_edge decline;   /* the user said no (defaults to else) */

	/* say */
	struct flow_edge next;

	/* end */
	enum flow_verdict verdict;
	struct flow_text cause;        /* one line naming the cause (optional) */
	const struct flow_text *steps; /* "next_steps": what to do now */
	size_t nsteps;
	const struct flow_text *attach; /* what to attach when asking for help */
	size_t nattach;

	/* goto */
	const char *goto_flow;
	const char *goto_node; /* optional entry node; default the flow's start */
	struct flow_pos goto_pos;
	const struct flow_return *returns;
	size_t nreturns;
};

/* An entry of the error index: a message (or part of one) and the node that explains it. */
struct flow_error {
	const char *match; /* case-insensitive substring, white space folded */
	const char *node;
	struct flow_pos pos;
};

/* A fact a flow expects to be given from outside (--set, answers) or by a guard. */
struct flow_fact_decl {
	const char *name;
	struct flow_text text;
	const char *def; /* default value; NULL for none */
	struct flow_pos pos;
};

struct flow {
	struct arena *arena;
	const char *path; /* as given to the loader */
	const char *id;
	struct flow_text title;
	struct flow_text summary;
	const char *group; /* "launch", "networking", "migration", ...; "other" when absent */
	const char *source;
	const char *const *platforms; /* linux, darwin, windows; none = all */
	size_t nplatforms;
	const char *start;
	struct flow_pos start_pos;
	const struct flow_node *start_node;

	const struct flow_node *nodes; /* in file order */
	size_t nnodes;
	const struct flow_error *errors;
	size_t nerrors;
	const struct flow_fact_decl *facts;
	size_t nfacts;
};

/* Limits on input, so hostile files cost bounded time and memory. */
#define FLOW_MAX_FILE_BYTES (1024 * 1024)
#define FLOW_MAX_SCALAR_BYTES (64 * 1024)
#define FLOW_MAX_DEPTH 32
#define FLOW_MAX_NODES 2000

/*
 * Load one flow from bytes in memory: YAML parsing and the per-file schema
 * checks. Problems go to diags (all of them, not only the first); returns NULL
 * when the file is unusable, else a flow that may still have reference errors
 * (see flow_validate). name is used in messages.
 */
struct flow *flow_load_mem(const char *name, const char *buf, size_t len, struct diags *);
struct flow *flow_load_file(const char *path, struct diags *);
void flow_free(struct flow *);

const struct flow_node *flow_node_find(const struct flow *, const char *id);
const char *flow_node_kind_name(enum flow_node_kind);
const char *flow_verdict_name(enum flow_verdict);
/* Text in the given language ("zh_CN", "de"), falling back to English. */
const char *flow_text_get(const struct flow_text *, const char *lang);
/* The message catalogue's translation of a text, by its context; the English when none. */
const char *flow_text_catalog(const struct flow_text *);

/*
 * The catalogue: every flow a run can see, loaded from the search path, so
 * goto and `vmtriage why` can cross flows.
 */
struct catalog {
	struct flow **flows;
	size_t nflows;
};
/*
 * The flow search path: $VMTRIAGE_FLOW_PATH (colon-separated) when set, else
 * $XDG_CONFIG_HOME/vmtriage/flows then the installed flows directory. A site
 * flow with the same id as a shipped one replaces it.
 */
void catalog_default_dirs(struct strlist *dirs);
/* Loads every *.yaml in dirs; problems go to diags. */
void catalog_load_dirs(struct catalog *, const struct strlist *dirs, struct diags *);
void catalog_add(struct catalog *, struct flow *);
const struct flow *catalog_find(const struct catalog *, const char *id);
void catalog_free(struct catalog *);
/*
 * catalog_load_dirs only loads; this runs flow_validate on every flow with
 * the catalogue, so goto targets are checked. Returns the number of errors.
 */
size_t catalog_validate(const struct catalog *, struct diags *);

/*
 * Validation: references (nodes, probes, fixes, facts, flows), reachability,
 * loops with no way out, guards naming unknown facts. cat may be NULL, then
 * goto targets are not checked. Returns the number of errors added.
 */
size_t flow_validate(const struct flow *, const struct catalog *, struct diags *);

/*
 * One hit of the error index. catalog_why fills hits with the longest (most
 * specific) matches first and returns how many there are in all.
 */
struct flow_why_hit {
	const struct flow *flow;
	const struct flow_error *error;
	const struct flow_node *node;
};
size_t catalog_why(const struct catalog *, const char *message, struct flow_why_hit *hits,
                   size_t max);

/*
 * Checking source: citations against the documents in a directory (see
 * flow-sources.c). The documents are read once and kept in docs.
 */
struct flow_source_docs;
struct flow_source_docs *flow_source_docs_new(const char *dir);
void flow_source_docs_free(struct flow_source_docs *);
/* Adds an error for the flow or a node that cites nothing, or cites what is not there. */
size_t flow_check_sources(const struct flow *, struct flow_source_docs *, struct diags *);
/* The names of a document's sections (both slugs of each heading, or its lines). */
void flow_source_sections(const char *text, size_t len, struct strlist *out);
bool flow_source_names_section(const struct strlist *sections, const char *anchor);

#endif
