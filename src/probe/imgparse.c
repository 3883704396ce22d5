/*
 * imgparse.c: parsers for the image probe. qemu-img's JSON is read with the
 * YAML document tree (libyaml reads JSON, which is YAML's flow style), and
 * only the keys that decide are picked out; its error lines are sorted into
 * the few failures the probe tells apart (a missing image or backing file,
 * a lock held by a running VM, permission, a format that cannot be checked).
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "flow/diag.h"
#include "flow/yamldoc.h"
#include "probe/imgparse.h"
#include "probe/probe.h"
#include "util/util.h"

/* qemu-img's JSON for a long chain stays far below these. */
#define IMG_MAX_JSON (4 * 1024 * 1024)
#define IMG_MAX_SCALAR (64 * 1024)
#define MAX_LINE_BYTES 300

/* The document's root, or NULL with *err saying why. */
static const struct ynode *
parse_json(struct arena *a, const char *what, const char *json, size_t len, char **err)
{
	struct diags d = DIAGS_INIT;
	const struct ynode *root = NULL;

	if (len == 0) {
		*err = xasprintf(_("%s printed nothing"), what);
		return NULL;
	}
	root = ydoc_parse_limits(a, what, json, len, &d, IMG_MAX_JSON, IMG_MAX_SCALAR);
	if (root == NULL)
		*err = d.n > 0
		           ? xasprintf("%s:%d:%d: %s", what, d.v[0].line, d.v[0].col, d.v[0].msg)
		           : xasprintf(_("%s printed no JSON"), what);
	diags_free(&d);
	return root;
}

static char *
get_str(const struct ynode *map, const char *key)
{
	const struct ynode *n = ynode_get(map, key);

	if (n == NULL || n->type != YNODE_SCALAR || ynode_is_null(n))
		return NULL;
	return xstrdup(n->str);
}

static long long
get_num(const struct ynode *map, const char *key, long long def)
{
	const struct ynode *n = ynode_get(map, key);
	char *end = NULL;
	long long v;

	if (n == NULL || n->type != YNODE_SCALAR || n->str[0] == '\0')
		return def;
	errno = 0;
	v = strtoll(n->str, &end, 10);
	if (errno != 0 || *end != '\0')
		return def;
	return v;
}

static bool
get_bool(const struct ynode *map, const char *key)
{
	const struct ynode *n = ynode_get(map, key);

	return n != NULL && n->type == YNODE_SCALAR && strcmp(n->str, "true") == 0;
}

static void
info_free(struct img_info *ii)
{
	free(ii->filename);
	free(ii->format);
	free(ii->backing);
	free(ii->full_backing);
	free(ii->backing_format);
	memset(ii, 0, sizeof *ii);
}

static int
one_info(const struct ynode *m, struct img_info *ii, char **err)
{
	const struct ynode *fs;

	memset(ii, 0, sizeof *ii);
	if (m->type != YNODE_MAP) {
		*err = xasprintf(_("qemu-img info: expected an object, found a %s"),
		                 ynode_type_name(m));
		return -1;
	}
	ii->filename = get_str(m, "filename");
	ii->format = get_str(m, "format");
	if (ii->filename == NULL || ii->format == NULL) {
		*err = xstrdup(_("qemu-img info: an image without \"filename\" or \"format\""));
		info_free(ii);
		return -1;
	}
	ii->virtual_size = get_num(m, "virtual-size", -1);
	ii->actual_size = get_num(m, "actual-size", -1);
	ii->backing = get_str(m, "backing-filename");
	ii->full_backing = get_str(m, "full-backing-filename");
	ii->backing_format = get_str(m, "backing-filename-format");
	ii->dirty = get_bool(m, "dirty-flag");
	/* "format-specific": {"type": "qcow2", "data": {"corrupt": false, ...}} */
	if ((fs = ynode_get(m, "format-specific")) != NULL && fs->type == YNODE_MAP) {
		const struct ynode *data = ynode_get(fs, "data");

		if (data != NULL && data->type == YNODE_MAP)
			ii->corrupt = get_bool(data, "corrupt");
	}
	return 0;
}

int
img_parse_info(const char *json, size_t len, struct img_chain *chain, char **err)
{
	struct arena *a = arena_new();
	const struct ynode *root = parse_json(a, "qemu-img info", json, len, err);
	int rc = -1;

	memset(chain, 0, sizeof *chain);
	if (root == NULL)
		goto out;
	if (root->type == YNODE_MAP) {
		chain->v = xcalloc(1, sizeof *chain->v);
		if (one_info(root, &chain->v[0], err) != 0)
			goto out;
		chain->n = 1;
	} else if (root->type == YNODE_SEQ && root->n > 0) {
		chain->v = xcalloc(root->n, sizeof *chain->v);
		for (size_t i = 0; i < root->n; i++) {
			if (one_info(root->items[i], &chain->v[i], err) != 0)
				goto out;
			chain->n++;
		}
	} else {
		*err = xstrdup(_("qemu-img info: expected an image or a list of images"));
		goto out;
	}
	rc = 0;
out:
	if (rc != 0)
		img_chain_free(chain);
	arena_free(a);
	return rc;
}

void
img_chain_free(struct img_chain *chain)
{
	for (size_t i = 0; i < chain->n; i++)
		info_free(&chain->v[i]);
	free(chain->v);
	memset(chain, 0, sizeof *chain);
}

int
img_parse_check(const char *json, size_t len, struct img_check *check, char **err)
{
	struct arena *a = arena_new();
	const struct ynode *root = parse_json(a, "qemu-img check", json, len, err);
	int rc = -1;

	memset(check, 0, sizeof *check);
	if (root == NULL)
		goto out;
	if (root->type != YNODE_MAP) {
		*err = xasprintf(_("qemu-img check: expected an object, found a %s"),
		                 ynode_type_name(root));
		goto out;
	}
	check->filename = get_str(root, "filename");
	check->format = get_str(root, "format");
	check->corruptions = get_num(root, "corruptions", 0);
	check->leaks = get_num(root, "leaks", 0);
	check->check_errors = get_num(root, "check-errors", 0);
	check->allocated_clusters = get_num(root, "allocated-clusters", -1);
	check->total_clusters = get_num(root, "total-clusters", -1);
	check->image_end_offset = get_num(root, "image-end-offset", -1);
	if (check->filename == NULL && ynode_get(root, "check-errors") == NULL) {
		*err = xstrdup(_("qemu-img check: not a check report"));
		img_check_free(check);
		goto out;
	}
	rc = 0;
out:
	arena_free(a);
	return rc;
}

void
img_check_free(struct img_check *check)
{
	free(check->filename);
	free(check->format);
	memset(check, 0, sizeof *check);
}

const char *
img_check_status_meaning(int status)
{
	switch (status) {
	case IMG_CHECK_CLEAN:
		return _("the check completed and found the image consistent");
	case IMG_CHECK_INCOMPLETE:
		return _("the check did not complete because of internal errors");
	case IMG_CHECK_CORRUPT:
		return _("the check completed and found the image corrupted");
	case IMG_CHECK_LEAKS:
		return _("the check completed and found leaked clusters, but no corruption");
	case IMG_CHECK_UNSUPPORTED:
		return _("the image's format does not support checks");
	default:
		return NULL;
	}
}

/* The text between the first pair of single quotes after from, owned; or NULL. */
static char *
quoted_after(const char *s, const char *from)
{
	const char *p = strstr(s, from), *q;

	if (p == NULL)
		return NULL;
	p = strchr(p + strlen(from), '\'');
	if (p == NULL || (q = strchr(p + 1, '\'')) == NULL)
		return NULL;
	return xstrndup(p + 1, (size_t)(q - p - 1));
}

/* "Could not open 'X'" the last time it occurs: the innermost file named. */
static char *
innermost_file(const char *s)
{
	const char *p = s, *last = NULL;

	while ((p = strstr(p, "Could not open '")) != NULL)
		last = p++;
	return last != NULL ? quoted_after(last, "Could not open") : NULL;
}

/* Higher wins when several lines say something. */
static int
error_rank(enum img_error e)
{
	switch (e) {
	case IMG_ERR_LOCKED:
		return 7;
	case IMG_ERR_DENIED:
		return 6;
	case IMG_ERR_BACKING:
		return 5;
	case IMG_ERR_NOT_FOUND:
		return 4;
	case IMG_ERR_NOT_REGULAR:
		return 3;
	case IMG_ERR_UNSUPPORTED:
		return 2;
	case IMG_ERR_OTHER:
		return 1;
	default:
		return 0;
	}
}

static enum img_error
classify_line(const char *s, const char *path, char **file)
{
	char *f = NULL;

	*file = NULL;
	if (strstr(s, "Failed to get") != NULL && strstr(s, "lock") != NULL) {
		*file = quoted_after(s, "Could not open");
		return IMG_ERR_LOCKED;
	}
	if (strstr(s, "Permission denied") != NULL) {
		*file = innermost_file(s);
		return IMG_ERR_DENIED;
	}
	if (strstr(s, "Could not open backing file") != NULL) {
		*file = innermost_file(strstr(s, "Could not open backing file"));
		return IMG_ERR_BACKING;
	}
	if (strstr(s, "No such file or directory") != NULL &&
	    (f = quoted_after(s, "Could not open")) != NULL) {
		/* qemu-img names the file as it was given: another name is a backing file. */
		*file = f;
		return strcmp(f, path) == 0 ? IMG_ERR_NOT_FOUND : IMG_ERR_BACKING;
	}
	if (strstr(s, "to be a regular file") != NULL || strstr(s, "Is a directory") != NULL) {
		*file = quoted_after(s, "Could not open");
		return IMG_ERR_NOT_REGULAR;
	}
	if (strstr(s, "does not support checks") != NULL)
		return IMG_ERR_UNSUPPORTED;
	if (str_has_prefix(s, "qemu-img:"))
		return IMG_ERR_OTHER;
	return IMG_ERR_NONE;
}

enum img_error
img_classify_error(const char *err, size_t len, const char *path, char **file, char **line)
{
	const char *p = err, *end = err + len;
	enum img_error best = IMG_ERR_NONE;

	*file = NULL;
	*line = NULL;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t ll = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		char *s = xstrndup(p, ll), *f = NULL;
		enum img_error e = classify_line(s, path, &f);

		if (error_rank(e) > error_rank(best)) {
			best = e;
			free(*file);
			free(*line);
			*file = f;
			f = NULL;
			*line = probe_clean_line(s, strlen(s), MAX_LINE_BYTES);
		}
		free(f);
		free(s);
		p = nl != NULL ? nl + 1 : end;
	}
	/* "Is another process using the image [base.qcow2]?" names a lock's file too. */
	if (best == IMG_ERR_LOCKED && *file == NULL) {
		const char *b = strstr(err, "using the image ["), *e;

		if (b != NULL && (e = strchr(b, ']')) != NULL) {
			b += strlen("using the image [");
			*file = xstrndup(b, (size_t)(e - b));
		}
	}
	return best;
}

char *
img_find_line(const char *text, size_t len, const char *needle)
{
	const char *p = text, *end = text + len;
	size_t nl_len = strlen(needle);

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t ll = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);

		for (size_t i = 0; i + nl_len <= ll; i++) {
			if (memcmp(p + i, needle, nl_len) == 0) {
				while (ll > 0 && isspace((unsigned char)*p)) {
					p++;
					ll--;
				}
				while (ll > 0 && isspace((unsigned char)p[ll - 1]))
					ll--;
				return probe_clean_line(p, ll, MAX_LINE_BYTES);
			}
		}
		p = nl != NULL ? nl + 1 : end;
	}
	return NULL;
}

char *
img_human_size(long long bytes)
{
	static const char *const units[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB"};
	double v = (double)bytes;
	size_t u = 0;

	if (bytes < 0)
		return xstrdup("?");
	while (v >= 1024.0 && u + 1 < nitems(units)) {
		v /= 1024.0;
		u++;
	}
	if (u == 0)
		return xasprintf("%lld %s", bytes, units[0]);
	if (v == (double)(long long)v)
		return xasprintf("%lld %s", (long long)v, units[u]);
	return xasprintf("%.1f %s", v, units[u]);
}
