/*
 * fix-edit.c: file edits a fix makes (hosts.ics, dhcpd_leases, resolv.conf,
 * pf.conf): what changes, shown as a line diff before anything runs, and the
 * change itself, made so that a crash at any moment leaves the old file or
 * the new one, never a half: the new contents go to a temporary file in the
 * same directory, which is synced and renamed over the old one. An edit is
 * refused when the file is no longer what the plan was made from.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fix/fix.h"
#include "util/util.h"

/* Above this many line pairs, the diff is the changed middle only. */
#define LCS_MAX_CELLS (4u * 1024 * 1024)
#define EDIT_MAX_BYTES (16 * 1024 * 1024)

struct text_lines {
	char **v;
	size_t n;
};

static void
split_lines(const char *p, size_t len, struct text_lines *out)
{
	const char *end = p + len;

	out->v = NULL;
	out->n = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t ll = (size_t)((nl != NULL ? nl : end) - p);

		out->v = xreallocarray(out->v, out->n + 1, sizeof *out->v);
		out->v[out->n++] = xstrndup(p, ll);
		p = nl != NULL ? nl + 1 : end;
	}
}

static void
free_lines(struct text_lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

static void
add_line(struct strlist *out, char sign, const char *line)
{
	char *clean = probe_clean_line(line, strlen(line), 200);

	strlist_addf(out, "%c %s", sign, clean);
	free(clean);
}

void
fix_text_diff(const char *old, size_t old_len, const char *new, size_t new_len, struct strlist *out)
{
	struct text_lines a, b;
	size_t pre = 0, suf = 0, n, m;

	split_lines(old, old_len, &a);
	split_lines(new, new_len, &b);
	/* The common start and end are left out first. */
	while (pre < a.n && pre < b.n && strcmp(a.v[pre], b.v[pre]) == 0)
		pre++;
	while (suf < a.n - pre && suf < b.n - pre &&
	       strcmp(a.v[a.n - 1 - suf], b.v[b.n - 1 - suf]) == 0)
		suf++;
	n = a.n - pre - suf;
	m = b.n - pre - suf;
	if (n > 0 && m > 0 && (n + 1) * (m + 1) <= LCS_MAX_CELLS) {
		/* lcs[i][j]: the longest common run of a[i..] and b[j..] (the middle only). */
		uint32_t *lcs = xcalloc((n + 1) * (m + 1), sizeof *lcs);
		size_t i = 0, j = 0;

#define L(i, j) lcs[(i) * (m + 1) + (j)]
		for (size_t x = n; x-- > 0;) {
			for (size_t y = m; y-- > 0;) {
				if (strcmp(a.v[pre + x], b.v[pre + y]) == 0)
					L(x, y) = L(x + 1, y + 1) + 1;
				else
					L(x, y) =
					    L(x + 1, y) > L(x, y + 1) ? L(x + 1, y) : L(x, y + 1);
			}
		}
		while (i < n || j < m) {
			if (i < n && j < m && strcmp(a.v[pre + i], b.v[pre + j]) == 0) {
				i++;
				j++;
			} else if (j < m && (i == n || L(i, j + 1) >= L(i + 1, j)))
				add_line(out, '+', b.v[pre + j++]);
			else
				add_line(out, '-', a.v[pre + i++]);
		}
#undef L
		free(lcs);
	} else {
		for (size_t i = 0; i < n; i++)
			add_line(out, '-', a.v[pre + i]);
		for (size_t j = 0; j < m; j++)
			add_line(out, '+', b.v[pre + j]);
	}
	/* Only a final newline differs: say so, or the diff would look empty. */
	if (out->n == 0 && (old_len != new_len || memcmp(old, new, old_len) != 0))
		strlist_add(out, _("(only line endings or the final newline change)"));
	free_lines(&a);
	free_lines(&b);
}

static int
read_all(int fd, char **out, size_t *len)
{
	struct strbuf sb = STRBUF_INIT;
	char buf[65536];
	ssize_t n;

	while ((n = read(fd, buf, sizeof buf)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			strbuf_free(&sb);
			return -1;
		}
		strbuf_add(&sb, buf, (size_t)n);
		if (sb.len > EDIT_MAX_BYTES) {
			strbuf_free(&sb);
			errno = EFBIG;
			return -1;
		}
	}
	*len = sb.len;
	*out = strbuf_detach(&sb);
	return 0;
}

static int
write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
fix_file_replace(const char *path, const char *expect, size_t expect_len, const char *content,
                 size_t len, char **err)
{
	char *dir_copy = xstrdup(path), *base_copy = xstrdup(path), *tmp = NULL, *now = NULL;
	const char *dir = dirname(dir_copy), *base = basename(base_copy);
	struct stat st;
	size_t now_len = 0;
	int fd = -1, tfd = -1, dfd = -1, rc = -1;

	*err = NULL;
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)) == -1) {
		*err = xasprintf(errno == ELOOP ? _("%s is a symbolic link: not edited")
		                                : _("%s cannot be opened: %s"),
		                 path, strerror(errno));
		goto out;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		*err = xasprintf(_("%s is not a regular file: not edited"), path);
		goto out;
	}
	if (read_all(fd, &now, &now_len) != 0) {
		*err = xasprintf(_("%s cannot be read: %s"), path, strerror(errno));
		goto out;
	}
	if (now_len != expect_len || memcmp(now, expect, expect_len) != 0) {
		*err = xasprintf(_("%s changed since the plan was made: not edited; make the "
		                   "plan again"),
		                 path);
		goto out;
	}
	tmp = xasprintf("%s/.%s.vmtriage-XXXXXX", dir, base);
	if ((tfd = mkstemp(tmp)) == -1) {
		*err = xasprintf(_("cannot write next to %s: %s"), path, strerror(errno));
		free(tmp);
		tmp = NULL;
		goto out;
	}
	/* The new file is the old one's in all but contents. */
	if (fchmod(tfd, st.st_mode & 07777) != 0 ||
	    (fchown(tfd, st.st_uid, st.st_gid) != 0 && geteuid() == 0)) {
		*err = xasprintf(_("cannot give the new %s the old one's mode and owner: %s"), path,
		                 strerror(errno));
		goto out;
	}
	if (write_all(tfd, content, len) != 0 || fsync(tfd) != 0) {
		*err = xasprintf(_("cannot write the new %s: %s"), path, strerror(errno));
		goto out;
	}
	if (close(tfd) != 0) {
		tfd = -1;
		*err = xasprintf(_("cannot write the new %s: %s"), path, strerror(errno));
		goto out;
	}
	tfd = -1;
	if (rename(tmp, path) != 0) {
		*err = xasprintf(_("cannot put the new %s in place: %s"), path, strerror(errno));
		goto out;
	}
	free(tmp);
	tmp = NULL;
	/* The rename itself must reach the disk. */
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		fsync(dfd);
		close(dfd);
	}
	rc = 0;
out:
	if (tfd != -1)
		close(tfd);
	if (tmp != NULL)
		unlink(tmp);
	if (fd != -1)
		close(fd);
	free(tmp);
	free(now);
	free(dir_copy);
	free(base_copy);
	return rc;
}

static int
slurp(const char *path, char **out, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc;

	if (fd == -1)
		return -1;
	rc = read_all(fd, out, len);
	close(fd);
	return rc;
}

int
fix_apply_edit_main(int argc, char **argv)
{
	char *expect = NULL, *content = NULL, *err = NULL;
	size_t elen = 0, clen = 0;
	int rc = 1;

	if (argc != 4) {
		fprintf(stderr, _("usage: vmtriage apply-edit PATH EXPECT-FILE NEW-FILE\n"));
		return 2;
	}
	if (argv[1][0] != '/') {
		fprintf(stderr, _("vmtriage: apply-edit: %s is not an absolute path\n"), argv[1]);
		return 2;
	}
	if (slurp(argv[2], &expect, &elen) != 0 || slurp(argv[3], &content, &clen) != 0) {
		fprintf(stderr, _("vmtriage: apply-edit: cannot read the contents: %s\n"),
		        strerror(errno));
		goto out;
	}
	if (fix_file_replace(argv[1], expect, elen, content, clen, &err) != 0) {
		fprintf(stderr, "vmtriage: apply-edit: %s\n", err);
		goto out;
	}
	rc = 0;
out:
	free(expect);
	free(content);
	free(err);
	return rc;
}
