/*
 * facts.c: the name=value pairs a walk has learned, the built-in facts every
 * flow may use (os, arch), and the {{name}} templates that probe and fix
 * parameters, and the texts people read, are written with.
 *
 * A walk holds a few dozen facts at most, and Back keeps one copy per stop, so
 * a plain array with a linear search is both the simplest and the cheapest
 * thing to copy; insertion order is kept so reports list facts as learned.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "engine/facts.h"
#include "util/util.h"

const char *const facts_builtin[] = {
	"os",
	"arch",
	NULL,
};

static bool
facts_find(const struct facts *f, const char *key, size_t *at)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		if (strcmp(f->keys[i], key) == 0) {
			*at = i;
			return true;
		}
	}
	return false;
}

const char *
facts_get(const struct facts *f, const char *key)
{
	size_t i;

	if (f == NULL || key == NULL || !facts_find(f, key, &i))
		return NULL;
	return f->values[i];
}

void
facts_set(struct facts *f, const char *key, const char *value)
{
	size_t i;
	char *copy = NULL;

	if (value == NULL) {
		facts_unset(f, key);
		return;
	}
	/* Copy first: value may point into this very set (facts_set(f, a, facts_get(f, a))). */
	copy = xstrdup(value);
	if (facts_find(f, key, &i)) {
		free(f->values[i]);
		f->values[i] = copy;
		return;
	}
	if (f->n == f->cap) {
		f->cap = f->cap == 0 ? 8 : f->cap * 2;
		f->keys = xreallocarray(f->keys, f->cap, sizeof *f->keys);
		f->values = xreallocarray(f->values, f->cap, sizeof *f->values);
	}
	f->keys[f->n] = xstrdup(key);
	f->values[f->n] = copy;
	f->n++;
}

void
facts_unset(struct facts *f, const char *key)
{
	size_t i, rest;

	if (f == NULL || key == NULL || !facts_find(f, key, &i))
		return;
	free(f->keys[i]);
	free(f->values[i]);
	/* Shift rather than swap, so the remaining facts keep the order they were learned in. */
	rest = f->n - i - 1;
	memmove(&f->keys[i], &f->keys[i + 1], rest * sizeof *f->keys);
	memmove(&f->values[i], &f->values[i + 1], rest * sizeof *f->values);
	f->n--;
}

void
facts_copy(struct facts *dst, const struct facts *src)
{
	size_t i;

	if (dst == src)
		return;
	facts_free(dst);
	if (src == NULL || src->n == 0)
		return;
	dst->cap = src->n;
	dst->keys = xreallocarray(NULL, dst->cap, sizeof *dst->keys);
	dst->values = xreallocarray(NULL, dst->cap, sizeof *dst->values);
	for (i = 0; i < src->n; i++) {
		dst->keys[i] = xstrdup(src->keys[i]);
		dst->values[i] = xstrdup(src->values[i]);
	}
	dst->n = src->n;
}

void
facts_free(struct facts *f)
{
	size_t i;

	if (f == NULL)
		return;
	for (i = 0; i < f->n; i++) {
		free(f->keys[i]);
		free(f->values[i]);
	}
	free(f->keys);
	free(f->values);
	f->keys = NULL;
	f->values = NULL;
	f->n = 0;
	f->cap = 0;
}

bool
facts_is_builtin(const char *key)
{
	size_t i;

	if (key == NULL)
		return false;
	for (i = 0; facts_builtin[i] != NULL; i++) {
		if (strcmp(facts_builtin[i], key) == 0)
			return true;
	}
	return false;
}

/*
 * The host layer names the machine (host_os: this one's, or a snapshot's);
 * an unknown OS gets the platform the build was made for.
 */
void
facts_set_host(struct facts *f, const char *os, const char *arch)
{
	facts_set(f, "os", os != NULL && os[0] != '\0' ? os : VT_PLATFORM);
	if (arch != NULL && arch[0] != '\0')
		facts_set(f, "arch", arch);
}

const char *
facts_template_next(const char *s, const char **name, size_t *len)
{
	const char *open = NULL, *close = NULL, *start = NULL, *end = NULL;

	*name = NULL;
	*len = 0;
	if (s == NULL || (open = strstr(s, "{{")) == NULL)
		return NULL;
	if ((close = strstr(open + 2, "}}")) == NULL) {
		*name = open;
		return NULL;
	}
	start = open + 2;
	end = close;
	while (start < end && (*start == ' ' || *start == '\t'))
		start++;
	while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	*name = start;
	*len = (size_t)(end - start);
	return close + 2;
}

char *
facts_expand(const struct facts *f, const char *tmpl, char **missing)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p = tmpl, *next = NULL, *name = NULL, *value = NULL;
	char *key = NULL;
	size_t len;

	if (missing != NULL)
		*missing = NULL;
	if (tmpl == NULL)
		return xstrdup("");
	while ((next = facts_template_next(p, &name, &len)) != NULL) {
		/* Literal text before the "{{". */
		strbuf_add(&sb, p, (size_t)(strstr(p, "{{") - p));
		key = xstrndup(name, len);
		if ((value = facts_get(f, key)) != NULL)
			strbuf_adds(&sb, value);
		else if (missing != NULL && *missing == NULL) {
			*missing = key;
			key = NULL;
		}
		free(key);
		key = NULL;
		p = next;
	}
	/*
	 * The rest, including an unclosed "{{" kept literally: the validator
	 * refuses those, and a literal is easier to spot in a report than a hole.
	 */
	strbuf_adds(&sb, p);
	return strbuf_detach(&sb);
}

/*
 * A value as it may appear in a text: C0 controls, DEL and the C1 controls
 * (U+0080..U+009F, two bytes in UTF-8) become '?', tabs spaces. Everything
 * else, wide characters included, is copied as it is.
 */
static void
text_add_value(struct strbuf *sb, const char *value)
{
	const unsigned char *p = (const unsigned char *)value;

	for (; *p != '\0'; p++) {
		if (*p == '\t')
			strbuf_addc(sb, ' ');
		else if (*p < 0x20 || *p == 0x7f)
			strbuf_addc(sb, '?');
		else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			strbuf_addc(sb, '?');
			p++;
		} else
			strbuf_addc(sb, (char)*p);
	}
}

char *
facts_expand_text(const struct facts *f, const char *text)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p = text, *next = NULL, *name = NULL, *open = NULL, *value = NULL;
	char *key = NULL;
	size_t len;

	if (text == NULL)
		return xstrdup("");
	while ((next = facts_template_next(p, &name, &len)) != NULL) {
		open = strstr(p, "{{");
		strbuf_add(&sb, p, (size_t)(open - p));
		key = xstrndup(name, len);
		value = len > 0 ? facts_get(f, key) : NULL;
		/* Not known (yet): the template as the flow wrote it, from "{{" to "}}". */
		if (value == NULL)
			strbuf_add(&sb, open, (size_t)(next - open));
		else
			text_add_value(&sb, value);
		free(key);
		key = NULL;
		p = next;
	}
	strbuf_adds(&sb, p);
	return strbuf_detach(&sb);
}
