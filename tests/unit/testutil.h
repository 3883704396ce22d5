/*
 * testutil.h: helpers the unit tests share, so each test file holds only its
 * tests: a temporary directory for the whole group and files written into
 * it, lists of lines and argv words compared, probes run with name=value
 * parameters, and flows loaded from YAML text with their diagnostics checked.
 * Include it after cmocka-prelude.h; it fails the running test through cmocka.
 */
#ifndef VT_TESTUTIL_H
#define VT_TESTUTIL_H

#include <sys/types.h>

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "flow/diag.h"
#include "flow/flow.h"
#include "probe/probe.h"
#include "util/util.h"

/* A NULL-terminated list of words, written in place: W("ls", "-l"). */
#define W(...) ((const char *const[]){__VA_ARGS__, NULL})

/* ---- the temporary directory ------------------------------------------- */

/* The directory's path, once tmpdir_setup has made it. */
extern char tmpdir[];

/* Group fixtures: make the directory, and remove it with all it holds. */
int tmpdir_setup(void **state);
int tmpdir_teardown(void **state);

/* name under tmpdir, allocated. */
char *tmp_path(const char *name);
/* Writes content to name under tmpdir with exactly mode; returns the path, allocated. */
char *write_file(const char *name, const char *content, mode_t mode);
/* Writes head to name under tmpdir, then makes the file size bytes long with a hole. */
char *write_sparse_file(const char *name, const char *head, off_t size);

/* ---- lines and words ---------------------------------------------------- */

/* Whether a line of sl contains needle. */
bool lines_have(const struct strlist *sl, const char *needle);
/* Whether a line of sl is exactly line. */
bool lines_have_exact(const struct strlist *sl, const char *line);
/* The lines of sl are exactly want, a NULL-terminated list. */
void lines_are(const struct strlist *sl, const char *const *want);
/* argv, NULL-terminated, holds exactly the words of want. */
void argv_is(char *const *argv, const char *const *want);

/* ---- probes ------------------------------------------------------------- */

/*
 * Runs the probe named probe on the live host with NULL-terminated name,
 * value pairs as its parameters; a pair whose value is NULL is left out.
 */
void run_probe(struct probe_result *r, const char *probe, ...) __attribute__((sentinel));
/* The same on host h (a snapshot host made with snapshot_new and host_snapshot). */
struct host;
void run_probe_on(struct host *h, struct probe_result *r, const char *probe, ...)
    __attribute__((sentinel));
/* A file under tests/data (e.g. "leases/dhcpd_leases.sequoia"), whole; *len may be NULL. */
char *fixture_read(const char *rel, size_t *len);
/* The value of the fact key in r, or NULL. */
const char *result_fact(const struct probe_result *r, const char *key);

/* ---- fixes -------------------------------------------------------------- */

/*
 * fix's plan on host h, with the name, value pairs in ap (NULL-terminated):
 * what fix_make_plan returns, with its cause.
 */
struct fix_plan;
int plan_fix_va(struct host *h, const char *fix, struct fix_plan *plan, char **cause,
                va_list ap);

/* ---- flows -------------------------------------------------------------- */

/*
 * Loads len bytes as the flow file "t.yaml" from an exact-size heap copy, so
 * valgrind sees any read past the end.
 */
struct flow *load_yaml_bytes(const char *buf, size_t len, struct diags *d);
struct flow *load_yaml(const char *yaml, struct diags *d);
/* Loads text that must load without a single problem. */
struct flow *load_yaml_ok(const char *yaml);

/* Prints every diagnostic as a TAP comment. */
void dump_diags(const struct diags *d);
/*
 * The first diagnostic at line:col (0: any) whose message holds words must
 * exist, and be an error.
 */
void expect_diag(const struct diags *d, int line, int col, const char *words);
/* No diagnostic at all. */
void expect_clean(const struct diags *d);

#endif
