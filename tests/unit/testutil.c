/*
 * testutil.c: the helpers of testutil.h that the unit tests share: the
 * temporary directory and its files, line and word comparisons, running a
 * probe, and loading flows from YAML with their diagnostics checked.
 */
#include "config.h"

#include "cmocka-prelude.h"

#include <sys/stat.h>

#include <fcntl.h>
#include <stdarg.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fix/fix.h"
#include "host/host.h"
#include "testutil.h"

/* ---- the temporary directory ------------------------------------------- */

char tmpdir[] = "/tmp/vt-unit-XXXXXX";

/* Made writable first, so a test may leave files and directories it locked. */
static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	chmod(path, 0700);
	return remove(path);
}

int
tmpdir_setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

int
tmpdir_teardown(void **state)
{
	(void)state;
	return nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

char *
tmp_path(const char *name)
{
	return xasprintf("%s/%s", tmpdir, name);
}

char *
write_file(const char *name, const char *content, mode_t mode)
{
	char *path = tmp_path(name);
	size_t len = strlen(content);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, content, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
	chmod(path, mode); /* whatever the umask took away */
	return path;
}

char *
write_sparse_file(const char *name, const char *head, off_t size)
{
	char *path = tmp_path(name);
	size_t len = strlen(head);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, head, len), (ssize_t)len);
	assert_int_equal(ftruncate(fd, size), 0);
	assert_int_equal(close(fd), 0);
	return path;
}

/* ---- lines and words ---------------------------------------------------- */

bool
lines_have(const struct strlist *sl, const char *needle)
{
	for (size_t i = 0; i < sl->n; i++) {
		if (strstr(sl->v[i], needle) != NULL)
			return true;
	}
	return false;
}

bool
lines_have_exact(const struct strlist *sl, const char *line)
{
	for (size_t i = 0; i < sl->n; i++) {
		if (strcmp(sl->v[i], line) == 0)
			return true;
	}
	return false;
}

void
lines_are(const struct strlist *sl, const char *const *want)
{
	size_t i;

	for (i = 0; want[i] != NULL; i++) {
		if (i >= sl->n)
			fail_msg("line %zu missing, wanted '%s'", i, want[i]);
		assert_string_equal(sl->v[i], want[i]);
	}
	assert_int_equal(sl->n, i);
}

void
argv_is(char *const *argv, const char *const *want)
{
	size_t i;

	for (i = 0; want[i] != NULL; i++) {
		if (argv[i] == NULL)
			fail_msg("word %zu missing, wanted '%s'", i, want[i]);
		assert_string_equal(argv[i], want[i]);
	}
	assert_null(argv[i]);
}

/* ---- probes ------------------------------------------------------------- */

static void
run_probe_va(struct host *h, struct probe_result *r, const char *probe, va_list ap)
{
	struct params p = {NULL, 0};
	const char *name, *value;
	const struct probe_entry *pe = probe_find(probe);

	if (pe == NULL)
		fail_msg("no probe named %s", probe);
	while ((name = va_arg(ap, const char *)) != NULL) {
		value = va_arg(ap, const char *);
		if (value != NULL)
			params_set(&p, name, value);
	}
	probe_run(pe, &p, h, r);
	params_free(&p);
}

void
run_probe(struct probe_result *r, const char *probe, ...)
{
	va_list ap;

	va_start(ap, probe);
	run_probe_va(host_live(), r, probe, ap);
	va_end(ap);
}

void
run_probe_on(struct host *h, struct probe_result *r, const char *probe, ...)
{
	va_list ap;

	va_start(ap, probe);
	run_probe_va(h, r, probe, ap);
	va_end(ap);
}

char *
fixture_read(const char *rel, size_t *len)
{
	char *path = xasprintf("%s/tests/data/%s", SRCDIR, rel);
	struct strbuf sb = STRBUF_INIT;
	char buf[8192];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (f == NULL)
		fail_msg("cannot open fixture %s", path);
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		strbuf_add(&sb, buf, n);
	fclose(f);
	free(path);
	if (len != NULL)
		*len = sb.len;
	return strbuf_detach(&sb);
}

int
plan_fix_va(struct host *h, const char *fix, struct fix_plan *plan, char **cause, va_list ap)
{
	struct params p = {NULL, 0};
	const char *name = NULL;
	int rc;

	if (fix_find(fix) == NULL)
		fail_msg("no fix named %s", fix);
	while ((name = va_arg(ap, const char *)) != NULL)
		params_set(&p, name, va_arg(ap, const char *));
	rc = fix_make_plan(fix_find(fix), &p, h, plan, cause);
	params_free(&p);
	return rc;
}

const char *
result_fact(const struct probe_result *r, const char *key)
{
	for (size_t i = 0; i < r->nfacts; i++) {
		if (strcmp(r->facts[i].key, key) == 0)
			return r->facts[i].value;
	}
	return NULL;
}

/* ---- flows -------------------------------------------------------------- */

struct flow *
load_yaml_bytes(const char *buf, size_t len, struct diags *d)
{
	char *copy = xmalloc(len);
	struct flow *f;

	memcpy(copy, buf, len);
	f = flow_load_mem("t.yaml", copy, len, d);
	free(copy);
	return f;
}

struct flow *
load_yaml(const char *yaml, struct diags *d)
{
	return load_yaml_bytes(yaml, strlen(yaml), d);
}

struct flow *
load_yaml_ok(const char *yaml)
{
	struct diags d = DIAGS_INIT;
	struct flow *f = load_yaml(yaml, &d);

	expect_clean(&d);
	assert_non_null(f);
	diags_free(&d);
	return f;
}

void
dump_diags(const struct diags *d)
{
	for (size_t i = 0; i < d->n; i++)
		fprintf(stderr, "#   %s:%d:%d: %s\n", d->v[i].file, d->v[i].line, d->v[i].col,
		    d->v[i].msg);
}

void
expect_diag(const struct diags *d, int line, int col, const char *words)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct diag *x = &d->v[i];

		if ((line == 0 || x->line == line) && (col == 0 || x->col == col) &&
		    strstr(x->msg, words) != NULL) {
			assert_int_equal(x->level, DIAG_ERROR);
			return;
		}
	}
	fprintf(stderr, "# expected %d:%d: %s; got:\n", line, col, words);
	dump_diags(d);
	fail();
}

void
expect_clean(const struct diags *d)
{
	if (d->n != 0) {
		dump_diags(d);
		fail_msg("expected no problems");
	}
}
