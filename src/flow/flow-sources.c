/*
 * flow-sources.c: whether a flow's source: citations point at real sections
 * of the documents it was written from.
 *
 * A citation is FILE#SECTION. FILE must be a document of the directory
 * given; SECTION must name one of its sections. A section is a Markdown
 * heading outside code fences, named by its slug; a document without any
 * Markdown heading (002 is plain text in Chinese) is cut at its own title
 * lines, so there any whole line of it names a section.
 * Slugs are written two ways in the wild, and both are accepted: GitHub's
 * (lower case, punctuation dropped, each blank a '-': "launch/start" ->
 * "launchstart") and the collapsed one (every run of other characters one
 * '-': "Disk full / out of space" -> "disk-full-out-of-space"). Bytes
 * outside ASCII are kept as they are, so Chinese titles are their own slugs.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow/diag.h"
#include "flow/flow.h"
#include "util/util.h"

/* GitHub's slug: lower case; letters, digits, '-', '_' and non-ASCII kept; blanks to '-'. */
static char *
slug_github(const char *s, size_t len)
{
	char *out = xmalloc(len + 1), *o = out;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x80 || isalnum(c) || c == '-' || c == '_')
			*o++ = (char)tolower(c);
		else if (c == ' ')
			*o++ = '-';
	}
	*o = '\0';
	return out;
}

/* The collapsed slug: every run of ASCII that is not a letter or digit is one '-', none at the
 * ends. */
static char *
slug_collapsed(const char *s, size_t len)
{
	char *out = xmalloc(len + 1), *o = out;
	bool gap = false;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x80 || isalnum(c)) {
			if (gap && o > out)
				*o++ = '-';
			gap = false;
			*o++ = (char)tolower(c);
		} else {
			gap = true;
		}
	}
	*o = '\0';
	return out;
}

/*
 * A line that opens or closes a code block: ``` after any indent (blocks sit
 * in list items). A block opened and closed on one line (```{note}...```)
 * is neither.
 */
static bool
is_fence(const char *p, size_t ll)
{
	size_t i = 0;

	while (i < ll && p[i] == ' ')
		i++;
	if (ll - i < 3 || strncmp(p + i, "```", 3) != 0)
		return false;
	return !(ll - i >= 7 && strncmp(p + ll - 3, "```", 3) == 0);
}

void
flow_source_sections(const char *text, size_t len, struct strlist *out)
{
	const char *p = text, *end = text + len;
	bool fence = false, any_heading = false;
	struct strlist lines = STRLIST_INIT;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t ll = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		size_t h = 0;

		while (ll > 0 && (p[ll - 1] == '\r' || p[ll - 1] == ' ' || p[ll - 1] == '\t'))
			ll--;
		if (is_fence(p, ll)) {
			fence = !fence;
		} else if (!fence) {
			while (h < ll && p[h] == '#')
				h++;
			if (h > 0 && h < ll && p[h] == ' ') {
				const char *t = p + h + 1;
				size_t tl = ll - h - 1;

				any_heading = true;
				char *a = slug_github(t, tl), *b = slug_collapsed(t, tl);

				strlist_add(out, a);
				strlist_add(out, b);
				free(a);
				free(b);
			} else if (ll > 0) {
				char *line = xstrndup(p, ll);

				strlist_add(&lines, line);
				free(line);
			}
		}
		p = nl != NULL ? nl + 1 : end;
	}
	if (!any_heading)
		for (size_t i = 0; i < lines.n; i++)
			strlist_add(out, lines.v[i]);
	strlist_free(&lines);
}

bool
flow_source_names_section(const struct strlist *sections, const char *anchor)
{
	char *collapsed = slug_collapsed(anchor, strlen(anchor));
	bool found = false;

	for (size_t i = 0; i < sections->n && !found; i++)
		found =
		    strcmp(sections->v[i], anchor) == 0 || strcmp(sections->v[i], collapsed) == 0;
	free(collapsed);
	return found;
}

/* A whole regular file of at most max bytes; NULL when it cannot be read. */
static char *
slurp(const char *path, size_t max, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf;

	if (fp == NULL)
		return NULL;
	buf = xmalloc(max + 1);
	*len = fread(buf, 1, max + 1, fp);
	if (ferror(fp) || *len > max) {
		fclose(fp);
		free(buf);
		return NULL;
	}
	fclose(fp);
	buf[*len] = '\0';
	return buf;
}

/* The documents read so far, so each is read once for all the flows. */
struct source_doc {
	char *file;
	bool readable;
	struct strlist sections;
};
struct flow_source_docs {
	char *dir;
	struct source_doc *v;
	size_t n;
};

struct flow_source_docs *
flow_source_docs_new(const char *dir)
{
	struct flow_source_docs *docs = xcalloc(1, sizeof *docs);

	docs->dir = xstrdup(dir);
	return docs;
}

void
flow_source_docs_free(struct flow_source_docs *docs)
{
	if (docs == NULL)
		return;
	for (size_t i = 0; i < docs->n; i++) {
		free(docs->v[i].file);
		strlist_free(&docs->v[i].sections);
	}
	free(docs->v);
	free(docs->dir);
	free(docs);
}

static const struct source_doc *
doc_get(struct flow_source_docs *docs, const char *file, size_t flen)
{
	struct source_doc *d;
	char *name = xstrndup(file, flen), *path, *text;
	size_t len;

	for (size_t i = 0; i < docs->n; i++) {
		if (strcmp(docs->v[i].file, name) == 0) {
			free(name);
			return &docs->v[i];
		}
	}
	docs->v = xreallocarray(docs->v, docs->n + 1, sizeof *docs->v);
	d = &docs->v[docs->n++];
	memset(d, 0, sizeof *d);
	d->file = name;
	/* Only a plain name: a citation may not climb out of the directory. */
	if (strchr(name, '/') == NULL && name[0] != '.') {
		path = xasprintf("%s/%s", docs->dir, name);
		if ((text = slurp(path, 4 * 1024 * 1024, &len)) != NULL) {
			d->readable = true;
			flow_source_sections(text, len, &d->sections);
			free(text);
		}
		free(path);
	}
	return d;
}

static void
check_one(const struct flow *f, const char *source, struct flow_pos pos, const char *what,
          struct flow_source_docs *docs, struct diags *d)
{
	const char *hash = strchr(source, '#');
	const struct source_doc *doc;

	if (hash == NULL || hash == source || hash[1] == '\0') {
		diag_add(d, DIAG_ERROR, f->path, pos.line, pos.col,
		         _("%s: source '%.128s' is not FILE#SECTION"), what, source);
		return;
	}
	doc = doc_get(docs, source, (size_t)(hash - source));
	if (!doc->readable)
		diag_add(d, DIAG_ERROR, f->path, pos.line, pos.col,
		         _("%s: source '%.128s' names %s, which is not a document in %s"), what,
		         source, doc->file, docs->dir);
	else if (!flow_source_names_section(&doc->sections, hash + 1))
		diag_add(d, DIAG_ERROR, f->path, pos.line, pos.col,
		         _("%s: source '%.128s': %s has no section '%.128s'"), what, source,
		         doc->file, hash + 1);
}

size_t
flow_check_sources(const struct flow *f, struct flow_source_docs *docs, struct diags *d)
{
	size_t before = d->n;
	struct flow_pos top = {1, 1};

	if (f->source == NULL)
		diag_add(d, DIAG_ERROR, f->path, 1, 1,
		         _("the flow cites no source (source: FILE#SECTION)"));
	else
		check_one(f, f->source, top, _("the flow"), docs, d);
	for (size_t i = 0; i < f->nnodes; i++) {
		const struct flow_node *n = &f->nodes[i];
		char *what = xasprintf(_("node '%s'"), n->id);

		if (n->source == NULL || n->source_inherited)
			diag_add(d, DIAG_ERROR, f->path, n->pos.line, n->pos.col,
			         _("node '%s' cites no source (source: FILE#SECTION)"), n->id);
		else
			check_one(f, n->source, n->pos, what, docs, d);
		free(what);
	}
	return d->n - before;
}
