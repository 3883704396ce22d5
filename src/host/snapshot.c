/*
 * snapshot.c: the snapshot store, and its one file format. A snapshot file
 * is a YAML document written with libyaml's emitter, readable in any editor:
 *
 *   vmtriage-snapshot: 1
 *   os: darwin
 *   arch: arm64
 *   now: 1727000000                 # the host's clock when collected
 *   collected: 2024-09-22T10:13:20Z # the same, for people
 *   meta: {hostname: ..., vmtriage: ...}
 *   manifest: [ "file /var/db/dhcpd_leases (412 bytes)", ... ]
 *   left-out: [ {what: ..., why: ...} ]
 *   files:    [ {path, status, kind, content | base64, truncated} ]
 *   commands: [ {argv: [...], status, exit, stdout | stdout-base64, stderr | stderr-base64} ]
 *   dirs:     [ {path, status, names: [...]} ]
 *   remotes:  [ {key: ubuntu@10.97.0.5:22, files, commands, dirs} ]
 *
 * Text that YAML can carry exactly (UTF-8, no control characters but tab and
 * newline) is kept as text; anything else (a capture, CRLF, stray bytes) as
 * base64, so what is read back is byte for byte what was read.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "flow/diag.h"
#include "flow/yamldoc.h"
#include "host/snapshot-internal.h"
#include "host/snapshot.h"
#include "util/util.h"
#include "util/yamlout.h"

struct snap_remote {
	char *key;
	struct snapshot *s;
	char *error; /* why it could not be reached; NULL when it was */
};

struct snapshot {
	char *os, *arch;
	time_t now;
	bool has_utc_offset;
	long utc_offset;
	struct strlist meta_keys, meta_values;
	struct strlist left_what, left_why;
	struct snap_file *files;
	size_t nfiles;
	struct snap_cmd *cmds;
	size_t ncmds;
	struct snap_dir *dirs;
	size_t ndirs;
	struct snap_remote *remotes;
	size_t nremotes;
};

#define GROW(v, n) ((v) = xreallocarray((v), (n) + 1, sizeof *(v)), &(v)[(n)++])

struct snapshot *
snapshot_new(const char *os, const char *arch, time_t now)
{
	struct snapshot *s = xcalloc(1, sizeof *s);

	s->os = xstrdup(os != NULL ? os : "unknown");
	s->arch = xstrdup(arch != NULL ? arch : "");
	s->now = now;
	return s;
}

void
snapshot_free(struct snapshot *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->nfiles; i++) {
		free(s->files[i].path);
		free(s->files[i].content);
	}
	for (size_t i = 0; i < s->ncmds; i++) {
		for (char **a = s->cmds[i].argv; *a != NULL; a++)
			free(*a);
		free(s->cmds[i].argv);
		free(s->cmds[i].out);
		free(s->cmds[i].err);
	}
	for (size_t i = 0; i < s->ndirs; i++) {
		free(s->dirs[i].path);
		free(s->dirs[i].names);
	}
	for (size_t i = 0; i < s->nremotes; i++) {
		free(s->remotes[i].key);
		free(s->remotes[i].error);
		snapshot_free(s->remotes[i].s);
	}
	free(s->files);
	free(s->cmds);
	free(s->dirs);
	free(s->remotes);
	strlist_free(&s->meta_keys);
	strlist_free(&s->meta_values);
	strlist_free(&s->left_what);
	strlist_free(&s->left_why);
	free(s->os);
	free(s->arch);
	free(s);
}

const char *
snapshot_os(const struct snapshot *s)
{
	return s->os;
}

const char *
snapshot_arch(const struct snapshot *s)
{
	return s->arch;
}

time_t
snapshot_now(const struct snapshot *s)
{
	return s->now;
}

void
snapshot_set_utc_offset(struct snapshot *s, long seconds)
{
	s->has_utc_offset = true;
	s->utc_offset = seconds;
}

bool
snapshot_utc_offset(const struct snapshot *s, long *seconds)
{
	if (s->has_utc_offset)
		*seconds = s->utc_offset;
	return s->has_utc_offset;
}

void
snapshot_set_meta(struct snapshot *s, const char *key, const char *value)
{
	for (size_t i = 0; i < s->meta_keys.n; i++) {
		if (strcmp(s->meta_keys.v[i], key) == 0) {
			free(s->meta_values.v[i]);
			s->meta_values.v[i] = xstrdup(value);
			return;
		}
	}
	strlist_add(&s->meta_keys, key);
	strlist_add(&s->meta_values, value);
}

const char *
snapshot_meta(const struct snapshot *s, const char *key)
{
	for (size_t i = 0; i < s->meta_keys.n; i++) {
		if (strcmp(s->meta_keys.v[i], key) == 0)
			return s->meta_values.v[i];
	}
	return NULL;
}

const char *
snapshot_meta_key(const struct snapshot *s, size_t i)
{
	return i < s->meta_keys.n ? s->meta_keys.v[i] : NULL;
}

static char *
dup_bytes(const char *p, size_t len)
{
	char *d = xmalloc(len + 1);

	if (len > 0)
		memcpy(d, p, len);
	d[len] = '\0';
	return d;
}

struct snap_file *
snapshot_find_file(struct snapshot *s, const char *path)
{
	for (size_t i = 0; i < s->nfiles; i++) {
		if (strcmp(s->files[i].path, path) == 0)
			return &s->files[i];
	}
	return NULL;
}

void
snapshot_add_file(struct snapshot *s, const char *path, enum host_status status, char kind,
                  const char *content, size_t len, bool truncated)
{
	struct snap_file *f = snapshot_find_file(s, path);

	if (f == NULL) {
		f = GROW(s->files, s->nfiles);
		memset(f, 0, sizeof *f);
		f->path = xstrdup(path);
	} else if (content == NULL && f->content != NULL)
		return; /* a stat after a read adds nothing */
	f->status = status;
	f->kind = kind;
	free(f->content);
	f->content = content != NULL ? dup_bytes(content, len) : NULL;
	f->len = content != NULL ? len : 0;
	f->truncated = truncated;
}

static bool
argv_equal(char *const *a, const char *const *b)
{
	for (; *a != NULL && *b != NULL; a++, b++) {
		if (strcmp(*a, *b) != 0)
			return false;
	}
	return *a == NULL && *b == NULL;
}

struct snap_cmd *
snapshot_find_command(struct snapshot *s, const char *const *argv)
{
	for (size_t i = 0; i < s->ncmds; i++) {
		if (argv_equal(s->cmds[i].argv, argv))
			return &s->cmds[i];
	}
	return NULL;
}

void
snapshot_add_command(struct snapshot *s, const char *const *argv, enum host_status status,
                     int exit_code, const char *out, size_t out_len, const char *err,
                     size_t err_len)
{
	struct snap_cmd *c = snapshot_find_command(s, argv);
	size_t n = 0;

	if (c == NULL) {
		c = GROW(s->cmds, s->ncmds);
		memset(c, 0, sizeof *c);
		while (argv[n] != NULL)
			n++;
		c->argv = xcalloc(n + 1, sizeof *c->argv);
		for (size_t i = 0; i < n; i++)
			c->argv[i] = xstrdup(argv[i]);
	} else {
		free(c->out);
		free(c->err);
	}
	c->status = status;
	c->exit_code = exit_code;
	c->out = dup_bytes(out != NULL ? out : "", out != NULL ? out_len : 0);
	c->out_len = out != NULL ? out_len : 0;
	c->err = dup_bytes(err != NULL ? err : "", err != NULL ? err_len : 0);
	c->err_len = err != NULL ? err_len : 0;
}

struct snap_dir *
snapshot_find_dir(struct snapshot *s, const char *path)
{
	for (size_t i = 0; i < s->ndirs; i++) {
		if (strcmp(s->dirs[i].path, path) == 0)
			return &s->dirs[i];
	}
	return NULL;
}

void
snapshot_add_dir(struct snapshot *s, const char *path, enum host_status status, const char *names)
{
	struct snap_dir *d = snapshot_find_dir(s, path);

	if (d == NULL) {
		d = GROW(s->dirs, s->ndirs);
		memset(d, 0, sizeof *d);
		d->path = xstrdup(path);
	} else
		free(d->names);
	d->status = status;
	d->names = xstrdup(names != NULL ? names : "");
}

void
snapshot_left_out(struct snapshot *s, const char *what, const char *why)
{
	for (size_t i = 0; i < s->left_what.n; i++) {
		if (strcmp(s->left_what.v[i], what) == 0)
			return;
	}
	strlist_add(&s->left_what, what);
	strlist_add(&s->left_why, why);
}

struct snapshot *
snapshot_remote(struct snapshot *s, const char *key, bool create)
{
	struct snap_remote *r;

	for (size_t i = 0; i < s->nremotes; i++) {
		if (strcmp(s->remotes[i].key, key) == 0)
			return s->remotes[i].s;
	}
	if (!create)
		return NULL;
	r = GROW(s->remotes, s->nremotes);
	r->key = xstrdup(key);
	r->s = snapshot_new("linux", "", s->now);
	r->error = NULL;
	return r->s;
}

void
snapshot_remote_failed(struct snapshot *s, const char *key, const char *error)
{
	snapshot_remote(s, key, true);
	for (size_t i = 0; i < s->nremotes; i++) {
		if (strcmp(s->remotes[i].key, key) == 0) {
			free(s->remotes[i].error);
			s->remotes[i].error = xstrdup(error);
		}
	}
}

const char *
snapshot_remote_error(const struct snapshot *s, const char *key)
{
	for (size_t i = 0; i < s->nremotes; i++) {
		if (strcmp(s->remotes[i].key, key) == 0)
			return s->remotes[i].error;
	}
	return NULL;
}

size_t
snapshot_count(const struct snapshot *s, const char *what)
{
	if (strcmp(what, "files") == 0)
		return s->nfiles;
	if (strcmp(what, "commands") == 0)
		return s->ncmds;
	if (strcmp(what, "dirs") == 0)
		return s->ndirs;
	if (strcmp(what, "remotes") == 0)
		return s->nremotes;
	return 0;
}

/* ---- status names ------------------------------------------------------ */

static const enum host_status all_status[] = {
    HOST_OK,      HOST_NO_SUCH,     HOST_DENIED,        HOST_TIMEOUT, HOST_CANCELLED,
    HOST_TOO_BIG, HOST_NOT_REGULAR, HOST_NOT_COLLECTED, HOST_ERROR,
};

static bool
status_parse(const char *name, enum host_status *out)
{
	for (size_t i = 0; i < nitems(all_status); i++) {
		if (strcmp(host_status_name(all_status[i]), name) == 0) {
			*out = all_status[i];
			return true;
		}
	}
	return false;
}

static const char *
kind_name(char kind)
{
	return kind == 'f' ? "file" : kind == 'd' ? "directory" : "other";
}

/* ---- base64 (RFC 4648, with padding) ---------------------------------- */

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static char *
b64_encode(const unsigned char *p, size_t len)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16;
		size_t n = len - i < 3 ? len - i : 3;

		if (n > 1)
			v |= (uint32_t)p[i + 1] << 8;
		if (n > 2)
			v |= p[i + 2];
		strbuf_addc(&sb, b64_alphabet[(v >> 18) & 63]);
		strbuf_addc(&sb, b64_alphabet[(v >> 12) & 63]);
		strbuf_addc(&sb, n > 1 ? b64_alphabet[(v >> 6) & 63] : '=');
		strbuf_addc(&sb, n > 2 ? b64_alphabet[v & 63] : '=');
		if ((i / 3 + 1) % 19 == 0 && i + 3 < len)
			strbuf_addc(&sb, '\n'); /* 76 columns, as MIME wraps it */
	}
	return strbuf_detach(&sb);
}

/* White space is skipped; anything else outside the alphabet is an error. */
static int
b64_decode(const char *s, char **out, size_t *out_len)
{
	struct strbuf sb = STRBUF_INIT;
	uint32_t v = 0;
	int bits = 0, pad = 0;

	for (; *s != '\0'; s++) {
		const char *at;

		if (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r')
			continue;
		if (*s == '=') {
			pad++;
			continue;
		}
		if (pad > 0 || (at = strchr(b64_alphabet, *s)) == NULL) {
			strbuf_free(&sb);
			return -1;
		}
		v = (v << 6) | (uint32_t)(at - b64_alphabet);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			strbuf_addc(&sb, (char)((v >> bits) & 0xff));
		}
	}
	*out_len = sb.len;
	*out = strbuf_detach(&sb);
	return 0;
}

/*
 * Whether YAML carries these bytes back exactly as text: UTF-8, and no
 * character a YAML reader changes or refuses (CR, which it folds into a line
 * break, other controls, NEL and the Unicode line separators, BOMs).
 */
static bool
yaml_safe_text(const char *p, size_t len)
{
	size_t i = 0;

	if (!utf8_is_clean_text(p, len))
		return false;
	while (i < len) {
		unsigned char c = (unsigned char)p[i];

		if (c < 0x80) {
			if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f)
				return false;
			i++;
			continue;
		}
		/* U+0080..U+009F (C1), U+2028, U+2029, U+FEFF, U+FFFE, U+FFFF */
		if (c == 0xc2 && i + 1 < len && (unsigned char)p[i + 1] <= 0x9f)
			return false;
		if (c == 0xe2 && i + 2 < len && (unsigned char)p[i + 1] == 0x80 &&
		    ((unsigned char)p[i + 2] == 0xa8 || (unsigned char)p[i + 2] == 0xa9))
			return false;
		if (c == 0xef && i + 2 < len &&
		    (((unsigned char)p[i + 1] == 0xbb && (unsigned char)p[i + 2] == 0xbf) ||
		     ((unsigned char)p[i + 1] == 0xbf && (unsigned char)p[i + 2] >= 0xbe)))
			return false;
		i++;
		while (i < len && ((unsigned char)p[i] & 0xc0) == 0x80)
			i++;
	}
	return true;
}

/* ---- saving --------------------------------------------------------------- */

static void
emit_bytes(struct yamlout *yo, const char *key, const char *p, size_t len)
{
	if (yaml_safe_text(p, len)) {
		yamlout_scalar(yo, key);
		yamlout_text(yo, p, len);
	} else {
		char *b = b64_encode((const unsigned char *)p, len);
		char *k = xasprintf("%s-base64", key);

		yamlout_scalar(yo, k);
		yamlout_text(yo, b, strlen(b));
		free(k);
		free(b);
	}
}

static char *
argv_line(char *const *argv)
{
	struct strbuf sb = STRBUF_INIT;

	for (char *const *a = argv; *a != NULL; a++)
		strbuf_addf(&sb, "%s%s", a == argv ? "" : " ", *a);
	return strbuf_detach(&sb);
}

static void
emit_manifest(struct yamlout *yo, const struct snapshot *s, const char *prefix)
{
	for (size_t i = 0; i < s->nfiles; i++) {
		const struct snap_file *f = &s->files[i];
		char *line;

		if (f->status != HOST_OK)
			line = xasprintf("%sfile %s: %s", prefix, f->path,
			                 host_status_name(f->status));
		else if (f->content == NULL)
			line = xasprintf("%s%s %s: exists", prefix, kind_name(f->kind), f->path);
		else
			line = xasprintf("%sfile %s: %zu bytes%s", prefix, f->path, f->len,
			                 f->truncated ? ", truncated" : "");
		yamlout_scalar(yo, line);
		free(line);
	}
	for (size_t i = 0; i < s->ncmds; i++) {
		const struct snap_cmd *c = &s->cmds[i];
		char *cmd = argv_line(c->argv), *line;

		if (c->status == HOST_OK)
			line = xasprintf("%scommand %s: exit %d, %zu bytes out, %zu bytes err",
			                 prefix, cmd, c->exit_code, c->out_len, c->err_len);
		else
			line =
			    xasprintf("%scommand %s: %s", prefix, cmd, host_status_name(c->status));
		yamlout_scalar(yo, line);
		free(line);
		free(cmd);
	}
	for (size_t i = 0; i < s->ndirs; i++) {
		char *line = xasprintf("%sdirectory listing %s: %s", prefix, s->dirs[i].path,
		                       host_status_name(s->dirs[i].status));

		yamlout_scalar(yo, line);
		free(line);
	}
	for (size_t i = 0; i < s->nremotes; i++) {
		char *p = xasprintf("%s%s: ", prefix, s->remotes[i].key);

		if (s->remotes[i].error != NULL) {
			char *line = xasprintf("%snot reached", p);

			yamlout_scalar(yo, line);
			free(line);
		}
		emit_manifest(yo, s->remotes[i].s, p);
		free(p);
	}
}

static void
emit_records(struct yamlout *yo, const struct snapshot *s)
{
	yamlout_scalar(yo, "files");
	yamlout_seq_begin(yo);
	for (size_t i = 0; i < s->nfiles; i++) {
		const struct snap_file *f = &s->files[i];

		yamlout_map_begin(yo);
		yamlout_pair(yo, "path", f->path);
		yamlout_pair(yo, "status", host_status_name(f->status));
		yamlout_pair(yo, "kind", kind_name(f->kind));
		if (f->content != NULL)
			emit_bytes(yo, "content", f->content, f->len);
		if (f->truncated)
			yamlout_pair(yo, "truncated", "true");
		yamlout_map_end(yo);
	}
	yamlout_seq_end(yo);

	yamlout_scalar(yo, "commands");
	yamlout_seq_begin(yo);
	for (size_t i = 0; i < s->ncmds; i++) {
		const struct snap_cmd *c = &s->cmds[i];
		char num[32];

		yamlout_map_begin(yo);
		yamlout_scalar(yo, "argv");
		yamlout_seq_begin(yo);
		for (char **a = c->argv; *a != NULL; a++)
			yamlout_scalar(yo, *a);
		yamlout_seq_end(yo);
		yamlout_pair(yo, "status", host_status_name(c->status));
		snprintf(num, sizeof num, "%d", c->exit_code);
		yamlout_pair(yo, "exit", num);
		emit_bytes(yo, "stdout", c->out, c->out_len);
		emit_bytes(yo, "stderr", c->err, c->err_len);
		yamlout_map_end(yo);
	}
	yamlout_seq_end(yo);

	yamlout_scalar(yo, "dirs");
	yamlout_seq_begin(yo);
	for (size_t i = 0; i < s->ndirs; i++) {
		const struct snap_dir *d = &s->dirs[i];
		const char *p = d->names;

		yamlout_map_begin(yo);
		yamlout_pair(yo, "path", d->path);
		yamlout_pair(yo, "status", host_status_name(d->status));
		yamlout_scalar(yo, "names");
		yamlout_seq_begin(yo);
		while (*p != '\0') {
			size_t n = strcspn(p, "\n");
			char *name = xstrndup(p, n);

			yamlout_scalar(yo, name);
			free(name);
			p += n;
			if (*p == '\n')
				p++;
		}
		yamlout_seq_end(yo);
		yamlout_map_end(yo);
	}
	yamlout_seq_end(yo);
}

static void
emit_snapshot(struct yamlout *yo, const struct snapshot *s)
{
	char num[32], when[64];
	struct tm tm;

	yamlout_map_begin(yo);
	snprintf(num, sizeof num, "%d", SNAPSHOT_FORMAT);
	yamlout_pair(yo, "vmtriage-snapshot", num);
	yamlout_pair(yo, "os", s->os);
	yamlout_pair(yo, "arch", s->arch);
	snprintf(num, sizeof num, "%lld", (long long)s->now);
	yamlout_pair(yo, "now", num);
	if (gmtime_r(&s->now, &tm) != NULL &&
	    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm) > 0)
		yamlout_pair(yo, "collected", when);
	if (s->has_utc_offset) {
		snprintf(num, sizeof num, "%ld", s->utc_offset);
		yamlout_pair(yo, "utc-offset", num);
	}
	yamlout_scalar(yo, "meta");
	yamlout_map_begin(yo);
	for (size_t i = 0; i < s->meta_keys.n; i++)
		yamlout_pair(yo, s->meta_keys.v[i], s->meta_values.v[i]);
	yamlout_map_end(yo);
	yamlout_scalar(yo, "manifest");
	yamlout_seq_begin(yo);
	emit_manifest(yo, s, "");
	yamlout_seq_end(yo);
	yamlout_scalar(yo, "left-out");
	yamlout_seq_begin(yo);
	for (size_t i = 0; i < s->left_what.n; i++) {
		yamlout_map_begin(yo);
		yamlout_pair(yo, "what", s->left_what.v[i]);
		yamlout_pair(yo, "why", s->left_why.v[i]);
		yamlout_map_end(yo);
	}
	yamlout_seq_end(yo);
	emit_records(yo, s);
	yamlout_scalar(yo, "remotes");
	yamlout_seq_begin(yo);
	for (size_t i = 0; i < s->nremotes; i++) {
		yamlout_map_begin(yo);
		yamlout_pair(yo, "key", s->remotes[i].key);
		if (s->remotes[i].error != NULL) {
			yamlout_scalar(yo, "error");
			yamlout_text(yo, s->remotes[i].error, strlen(s->remotes[i].error));
		}
		emit_records(yo, s->remotes[i].s);
		yamlout_map_end(yo);
	}
	yamlout_seq_end(yo);
	yamlout_map_end(yo);
}

int
snapshot_save(const struct snapshot *s, const char *path, char **err)
{
	char *tmp = xasprintf("%s.tmp.XXXXXX", path);
	int fd = -1, rc = -1;
	FILE *fp = NULL;

	*err = NULL;
	if ((fd = mkstemp(tmp)) == -1) {
		*err = xasprintf(_("cannot write next to %s: %s"), path, strerror(errno));
		goto out;
	}
	if ((fp = fdopen(fd, "w")) == NULL) {
		*err = xasprintf(_("cannot write %s: %s"), tmp, strerror(errno));
		close(fd);
		goto out;
	}
	fd = -1;
	fchmod(fileno(fp), 0600); /* it may hold private details of a machine */
	{
		struct yamlout *yo = yamlout_new(fp);

		emit_snapshot(yo, s);
		if (yamlout_finish(yo) != 0) {
			*err = xasprintf(_("cannot write %s: the YAML emitter failed"), path);
			goto out;
		}
	}
	if (fflush(fp) != 0 || fsync(fileno(fp)) != 0) {
		*err = xasprintf(_("cannot write %s: %s"), path, strerror(errno));
		goto out;
	}
	if (fclose(fp) != 0) {
		fp = NULL;
		*err = xasprintf(_("cannot write %s: %s"), path, strerror(errno));
		goto out;
	}
	fp = NULL;
	if (rename(tmp, path) != 0) {
		*err = xasprintf(_("cannot write %s: %s"), path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (fp != NULL)
		fclose(fp);
	if (rc != 0)
		unlink(tmp);
	free(tmp);
	return rc;
}

/* ---- loading -------------------------------------------------------------- */

struct loader {
	const char *name;
	struct diags *d;
};

static void lerr(struct loader *l, const struct ynode *n, const char *fmt, ...) VT_PRINTF(3, 4);

static void
lerr(struct loader *l, const struct ynode *n, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		fatalx("vasprintf");
	va_end(ap);
	diag_add(l->d, DIAG_ERROR, l->name, n != NULL ? n->line : 0, n != NULL ? n->col : 0, "%s",
	         msg);
	free(msg);
}

static const struct ynode *
want(struct loader *l, const struct ynode *map, const char *key, enum ynode_type type,
     bool required)
{
	const struct ynode *v = ynode_get(map, key);

	if (v == NULL) {
		if (required)
			lerr(l, map, _("'%s' is missing"), key);
		return NULL;
	}
	if (v->type != type) {
		lerr(l, v, _("'%s' must be a %s, not a %s"), key,
		     type == YNODE_SCALAR ? _("string")
		     : type == YNODE_SEQ  ? _("list")
		                          : _("mapping"),
		     ynode_type_name(v));
		return NULL;
	}
	return v;
}

static bool
load_status(struct loader *l, const struct ynode *map, enum host_status *st)
{
	const struct ynode *v = want(l, map, "status", YNODE_SCALAR, true);

	if (v == NULL)
		return false;
	if (!status_parse(v->str, st)) {
		lerr(l, v, _("'%s' is not a status (ok, not_found, denied, timeout, ...)"), v->str);
		return false;
	}
	return true;
}

/* key, or key-base64; *p NULL when neither is there. */
static bool
load_bytes(struct loader *l, const struct ynode *map, const char *key, char **p, size_t *len)
{
	char *k64 = xasprintf("%s-base64", key);
	const struct ynode *t = ynode_get(map, key), *b = ynode_get(map, k64);
	bool ok = true;

	*p = NULL;
	*len = 0;
	if (t != NULL && b != NULL) {
		lerr(l, b, _("'%s' and '%s' both given: keep one"), key, k64);
		ok = false;
	} else if (t != NULL) {
		if (t->type != YNODE_SCALAR) {
			lerr(l, t, _("'%s' must be a string"), key);
			ok = false;
		} else {
			*p = dup_bytes(t->str, t->len);
			*len = t->len;
		}
	} else if (b != NULL) {
		if (b->type != YNODE_SCALAR || b64_decode(b->str, p, len) != 0) {
			lerr(l, b, _("'%s' is not base64"), k64);
			ok = false;
		}
	}
	free(k64);
	return ok;
}

static bool
load_records(struct loader *l, const struct ynode *root, struct snapshot *s)
{
	const struct ynode *seq;
	bool ok = true;

	if ((seq = want(l, root, "files", YNODE_SEQ, false)) != NULL) {
		for (size_t i = 0; i < seq->n; i++) {
			const struct ynode *m = seq->items[i], *path, *kind, *tr;
			enum host_status st;
			char *content = NULL;
			size_t len = 0;
			char k = 'f';

			if (m->type != YNODE_MAP) {
				lerr(l, m, _("a file must be a mapping"));
				ok = false;
				continue;
			}
			if ((path = want(l, m, "path", YNODE_SCALAR, true)) == NULL ||
			    !load_status(l, m, &st) ||
			    !load_bytes(l, m, "content", &content, &len)) {
				ok = false;
				continue;
			}
			if ((kind = want(l, m, "kind", YNODE_SCALAR, false)) != NULL)
				k = strcmp(kind->str, "directory") == 0 ? 'd'
				    : strcmp(kind->str, "file") == 0    ? 'f'
				                                        : 'o';
			tr = want(l, m, "truncated", YNODE_SCALAR, false);
			snapshot_add_file(s, path->str, st, k, content, len,
			                  tr != NULL && strcmp(tr->str, "true") == 0);
			free(content);
		}
	}
	if ((seq = want(l, root, "commands", YNODE_SEQ, false)) != NULL) {
		for (size_t i = 0; i < seq->n; i++) {
			const struct ynode *m = seq->items[i], *argv, *ex;
			enum host_status st;
			char *out = NULL, *err = NULL;
			size_t out_len = 0, err_len = 0;
			const char **words = NULL;
			long code = -1;

			if (m->type != YNODE_MAP) {
				lerr(l, m, _("a command must be a mapping"));
				ok = false;
				continue;
			}
			if ((argv = want(l, m, "argv", YNODE_SEQ, true)) == NULL || argv->n == 0 ||
			    !load_status(l, m, &st) ||
			    !load_bytes(l, m, "stdout", &out, &out_len) ||
			    !load_bytes(l, m, "stderr", &err, &err_len)) {
				if (argv != NULL && argv->n == 0)
					lerr(l, argv, _("'argv' is empty"));
				free(out);
				free(err);
				ok = false;
				continue;
			}
			if ((ex = want(l, m, "exit", YNODE_SCALAR, false)) != NULL) {
				char *end = NULL;

				code = strtol(ex->str, &end, 10);
				if (end == ex->str || *end != '\0' || code < -1 ||
				    code > 255 + 128) {
					lerr(l, ex, _("'%s' is not an exit status"), ex->str);
					ok = false;
				}
			}
			words = xcalloc(argv->n + 1, sizeof *words);
			for (size_t j = 0; j < argv->n; j++) {
				if (argv->items[j]->type != YNODE_SCALAR) {
					lerr(l, argv->items[j], _("an argv word must be a string"));
					ok = false;
					words[j] = "";
				} else
					words[j] = argv->items[j]->str;
			}
			snapshot_add_command(s, words, st, (int)code, out, out_len, err, err_len);
			free(words);
			free(out);
			free(err);
		}
	}
	if ((seq = want(l, root, "dirs", YNODE_SEQ, false)) != NULL) {
		for (size_t i = 0; i < seq->n; i++) {
			const struct ynode *m = seq->items[i], *path, *names;
			enum host_status st;
			struct strbuf sb = STRBUF_INIT;

			if (m->type != YNODE_MAP) {
				lerr(l, m, _("a directory must be a mapping"));
				ok = false;
				continue;
			}
			if ((path = want(l, m, "path", YNODE_SCALAR, true)) == NULL ||
			    !load_status(l, m, &st)) {
				ok = false;
				continue;
			}
			if ((names = want(l, m, "names", YNODE_SEQ, false)) != NULL) {
				for (size_t j = 0; j < names->n; j++) {
					const struct ynode *nm = names->items[j];

					if (nm->type != YNODE_SCALAR ||
					    strchr(nm->str, '\n') != NULL) {
						lerr(l, nm, _("a name must be a one-line string"));
						ok = false;
						continue;
					}
					strbuf_addf(&sb, "%s\n", nm->str);
				}
			}
			snapshot_add_dir(s, path->str, st, sb.buf != NULL ? sb.buf : "");
			strbuf_free(&sb);
		}
	}
	return ok;
}

static struct snapshot *
load_root(struct loader *l, const struct ynode *root)
{
	const struct ynode *v, *os, *arch, *now, *seq;
	struct snapshot *s = NULL;
	long long t;
	char *end = NULL;

	if (root->type != YNODE_MAP) {
		lerr(l, root, _("a snapshot is a mapping that starts with 'vmtriage-snapshot: 1'"));
		return NULL;
	}
	if ((v = want(l, root, "vmtriage-snapshot", YNODE_SCALAR, false)) == NULL) {
		lerr(l, root, _("this is not a vmtriage snapshot (no 'vmtriage-snapshot' key)"));
		return NULL;
	}
	if (strcmp(v->str, "1") != 0) {
		lerr(l, v, _("snapshot format %s is not one this vmtriage reads (it reads %d)"),
		     v->str, SNAPSHOT_FORMAT);
		return NULL;
	}
	os = want(l, root, "os", YNODE_SCALAR, true);
	arch = want(l, root, "arch", YNODE_SCALAR, false);
	now = want(l, root, "now", YNODE_SCALAR, true);
	if (os == NULL || now == NULL)
		return NULL;
	errno = 0;
	t = strtoll(now->str, &end, 10);
	if (errno != 0 || end == now->str || *end != '\0' || t < 0) {
		lerr(l, now, _("'now' must be seconds since 1970, not '%s'"), now->str);
		return NULL;
	}
	s = snapshot_new(os->str, arch != NULL ? arch->str : "", (time_t)t);
	if ((v = want(l, root, "utc-offset", YNODE_SCALAR, false)) != NULL) {
		long off = strtol(v->str, &end, 10);

		if (end == v->str || *end != '\0' || off < -14 * 3600 || off > 14 * 3600) {
			lerr(l, v, _("'utc-offset' must be seconds east of UTC, not '%s'"), v->str);
			goto fail;
		}
		snapshot_set_utc_offset(s, off);
	}
	if ((v = want(l, root, "meta", YNODE_MAP, false)) != NULL) {
		for (size_t i = 0; i < v->n; i++) {
			if (v->pairs[i].value->type == YNODE_SCALAR)
				snapshot_set_meta(s, v->pairs[i].key->str, v->pairs[i].value->str);
		}
	}
	if ((seq = want(l, root, "left-out", YNODE_SEQ, false)) != NULL) {
		for (size_t i = 0; i < seq->n; i++) {
			const struct ynode *w = NULL, *y = NULL;

			if (seq->items[i]->type == YNODE_MAP) {
				w = want(l, seq->items[i], "what", YNODE_SCALAR, true);
				y = want(l, seq->items[i], "why", YNODE_SCALAR, false);
			}
			if (w != NULL)
				snapshot_left_out(s, w->str, y != NULL ? y->str : "");
		}
	}
	if (!load_records(l, root, s))
		goto fail;
	if ((seq = want(l, root, "remotes", YNODE_SEQ, false)) != NULL) {
		for (size_t i = 0; i < seq->n; i++) {
			const struct ynode *m = seq->items[i], *key;

			if (m->type != YNODE_MAP) {
				lerr(l, m, _("a remote must be a mapping"));
				goto fail;
			}
			if ((key = want(l, m, "key", YNODE_SCALAR, true)) == NULL ||
			    !load_records(l, m, snapshot_remote(s, key->str, true)))
				goto fail;
			if ((v = want(l, m, "error", YNODE_SCALAR, false)) != NULL)
				snapshot_remote_failed(s, key->str, v->str);
		}
	}
	return s;
fail:
	snapshot_free(s);
	return NULL;
}

struct snapshot *
snapshot_load(const char *path, char **err)
{
	struct diags d = DIAGS_INIT;
	struct loader l = {path, &d};
	struct arena *arena = NULL;
	struct snapshot *s = NULL;
	struct strbuf sb = STRBUF_INIT;
	struct stat st;
	char buf[65536];
	ssize_t n;
	int fd;

	*err = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1) {
		*err = xasprintf("%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		*err = xasprintf(_("%s: not a regular file"), path);
		close(fd);
		return NULL;
	}
	if (st.st_size > SNAPSHOT_MAX_BYTES) {
		*err = xasprintf(_("%s: too big for a snapshot (%lld bytes; at most %d)"), path,
		                 (long long)st.st_size, SNAPSHOT_MAX_BYTES);
		close(fd);
		return NULL;
	}
	while ((n = read(fd, buf, sizeof buf)) > 0) {
		strbuf_add(&sb, buf, (size_t)n);
		if (sb.len > SNAPSHOT_MAX_BYTES)
			break;
	}
	close(fd);
	if (n < 0) {
		*err = xasprintf("%s: %s", path, strerror(errno));
		strbuf_free(&sb);
		return NULL;
	}
	arena = arena_new();
	{
		const struct ynode *root =
		    ydoc_parse_limits(arena, path, sb.buf != NULL ? sb.buf : "", sb.len, &d,
		                      SNAPSHOT_MAX_BYTES, SNAPSHOT_MAX_BYTES);

		if (root != NULL && d.nerrors == 0)
			s = load_root(&l, root);
	}
	if (s == NULL) {
		diags_sort(&d);
		for (size_t i = 0; i < d.n; i++) {
			if (d.v[i].level == DIAG_ERROR) {
				*err = xasprintf("%s:%d:%d: %s", d.v[i].file, d.v[i].line,
				                 d.v[i].col, d.v[i].msg);
				break;
			}
		}
		if (*err == NULL)
			*err = xasprintf(_("%s: not a vmtriage snapshot"), path);
	}
	diags_free(&d);
	arena_free(arena);
	strbuf_free(&sb);
	return s;
}
