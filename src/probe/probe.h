/*
 * probe.h: the probe registry. A probe looks at the machine through a host and
 * answers with a named outcome, facts and evidence. Each probe is one file that
 * exports one const struct probe_entry; probe.c lists them in one table.
 */
#ifndef VT_PROBE_H
#define VT_PROBE_H

#include <stdbool.h>
#include <stddef.h>

#include "util/util.h"

struct host;
struct facts;

enum param_type {
	PARAM_STRING,  /* any text */
	PARAM_INT,     /* a decimal integer within [min, max] */
	PARAM_BOOL,    /* true/false/yes/no/1/0 */
	PARAM_SECONDS, /* a duration in seconds, 1..3600 */
	PARAM_PATH,    /* an absolute path (/..., or C:\... from Windows), no ".." component */
	PARAM_ARGV,    /* a command line split on white space; quotes allowed, no shell */
	PARAM_REGEX,   /* a POSIX extended regular expression */
	PARAM_ENUM,    /* one of choices */
	PARAM_NAME,    /* an instance or interface name: [A-Za-z0-9][A-Za-z0-9._-]* */
	PARAM_CIDR,    /* an IPv4 or IPv6 subnet, ADDRESS/PREFIX */
	PARAM_ADDRESS, /* an IPv4 or IPv6 address */
};

struct param_def {
	const char *name;
	enum param_type type;
	bool required;
	const char *def;            /* default value, NULL for none */
	const char *help;           /* translatable (N_) */
	const char *const *choices; /* PARAM_ENUM: NULL-terminated */
	long min, max;              /* PARAM_INT; both 0: no bounds */
	/* PARAM_PATH: the value must lie inside one of these directories (NULL-terminated). */
	const char *const *under;
	/* PARAM_PATH with under: one more directory, known only at run time (or NULL). */
	const char *(*under_more)(void);
};

struct outcome_def {
	const char *name;
	const char *help; /* translatable (N_) */
};

/* Given parameters, already checked against the probe's param_defs. */
struct param_value {
	const char *name;
	const char *value;
};
struct params {
	struct param_value *v;
	size_t n;
};
const char *params_get(const struct params *, const char *name);
long params_get_long(const struct params *, const char *name, long def);
bool params_get_bool(const struct params *, const char *name, bool def);
void params_set(struct params *, const char *name, const char *value);
void params_free(struct params *);

/* Every probe can end with this outcome: it could not look (timeout, cancel, bad input). */
#define OUTCOME_ERROR "error"

struct fact_kv {
	char *key;
	char *value;
};
struct probe_result {
	char *outcome; /* one of the probe's outcome names, or "error" */
	struct fact_kv *facts;
	size_t nfacts;
	struct strlist evidence; /* lines that justify the outcome */
	char *summary;           /* one sentence for the user; may be NULL */
	long elapsed_ms;
};
void probe_result_set_outcome(struct probe_result *, const char *outcome);
void probe_result_fact(struct probe_result *, const char *key, const char *fmt, ...)
    VT_PRINTF(3, 4);
void probe_result_evidence(struct probe_result *, const char *fmt, ...) VT_PRINTF(2, 3);
void probe_result_summary(struct probe_result *, const char *fmt, ...) VT_PRINTF(2, 3);
/*
 * Ends r with "error" for a command (cmd, as a person would type it) that
 * gave no usable listing of what (translated: "the process list"): not in
 * the snapshot, not allowed, unreadable output (its tail becomes evidence),
 * or it could not run.
 */
struct host_result;
void probe_result_listing_failed(struct probe_result *r, const char *cmd, const char *what,
                                 const struct host_result *hr);
/* dst becomes a deep copy of src (dst is overwritten, not freed). */
void probe_result_copy(struct probe_result *dst, const struct probe_result *src);
void probe_result_free(struct probe_result *);

struct probe_ctx {
	struct host *host;
	int timeout_ms;  /* whole-probe budget */
	int progress_fd; /* where probe_progress() sends its records; -1: nowhere */
};

struct probe_entry {
	const char *name;
	const char *summary;                /* translatable (N_) */
	const struct param_def *params;     /* terminated by { NULL } */
	const struct outcome_def *outcomes; /* terminated by { NULL }; "error" is implied */
	const char *const *facts;           /* fact names it may set; NULL-terminated */
	int default_timeout_ms;
	/*
	 * Talks to the network from the machine vmtriage runs on (DNS, ping,
	 * SSH): a snapshot cannot answer it, and running it would look at the
	 * wrong machine's network, so on a snapshot it ends in error.
	 */
	bool live_only;
	/* Fills result; the outcome must be set. Returns 0, or -1 on internal failure. */
	int (*run)(const struct params *, const struct probe_ctx *, struct probe_result *);
};

extern const struct probe_entry *const probe_table[];
const struct probe_entry *probe_find(const char *name);
bool probe_has_outcome(const struct probe_entry *, const char *outcome);
bool probe_sets_fact(const struct probe_entry *, const char *fact);
const struct param_def *param_def_find(const struct param_def *, const char *name);

/*
 * Checks one value against its definition. Returns NULL when good, else a
 * message (owned by the caller) saying what is wrong.
 */
char *param_check(const struct param_def *, const char *value);
/*
 * Checks a complete set of given parameters against defs: unknown names,
 * missing required ones, bad values; fills defaults. Returns NULL or a message.
 */
char *params_resolve(const struct param_def *defs, const struct params *given, struct params *out);

/*
 * Runs a probe: resolves parameters, applies the timeout, catches internal
 * failures as "error". Overwrites *result; free it with probe_result_free.
 */
void probe_run(const struct probe_entry *, const struct params *given, struct host *,
               struct probe_result *);
/* probe_run, with probe_progress() records going to progress_fd (-1: nowhere). */
void probe_run_progress(const struct probe_entry *, const struct params *given, struct host *,
                        int progress_fd, struct probe_result *);
/*
 * The probe's time budget in ms: its "seconds" parameter when it takes one
 * (given, else that parameter's default), else its default timeout.
 */
long probe_budget_ms(const struct probe_entry *, const struct params *);

/* Splits a PARAM_ARGV string into words (quotes and backslashes, no expansion). NULL on error. */
char **argv_split(const char *s, char **cause);
void argv_free(char **argv);
/* The words quoted for a POSIX shell, so a person can copy and paste them. Owned. */
char *argv_quote(const char *const *argv);

/*
 * One line of a file or of a command's output made fit for evidence and
 * reports: invalid UTF-8 and control characters (but tab) become '?', and
 * it is cut at a character boundary after at most max bytes, marked "...".
 */
char *probe_clean_line(const char *s, size_t len, size_t max);
/* Adds the last max_lines lines of buf to out, cleaned, each after prefix. */
void probe_tail_lines(struct strlist *out, const char *prefix, const char *buf, size_t len,
                      size_t max_lines);

#endif
