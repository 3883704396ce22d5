/*
 * facts.h: what the walk knows so far (os=linux, driver=qemu,
 * command.status=0): an ordered set of name=value pairs, cheap to copy so that
 * Back can restore the facts as they were.
 */
#ifndef VT_FACTS_H
#define VT_FACTS_H

#include <stdbool.h>
#include <stddef.h>

struct facts {
	char **keys;
	char **values;
	size_t n;
	size_t cap;
};
#define FACTS_INIT { NULL, NULL, 0, 0 }

const char *facts_get(const struct facts *, const char *key);
void facts_set(struct facts *, const char *key, const char *value);
void facts_unset(struct facts *, const char *key);
void facts_copy(struct facts *dst, const struct facts *src); /* dst is overwritten */
void facts_free(struct facts *);

/* Built-in facts every flow may use without declaring them. */
extern const char *const facts_builtin[];
bool facts_is_builtin(const char *key);

/* Facts the front end knows before the walk: os, arch. */
/* Sets "os" and "arch" to a host's (host_os, host_arch: this machine's, or a snapshot's). */
void facts_set_host(struct facts *, const char *os, const char *arch);

/*
 * Expands {{name}} in tmpl with fact values. Unknown facts leave *missing set
 * to the first unknown name (owned by the caller) and expand to "".
 * Returns the expanded string (owned by the caller).
 */
char *facts_expand(const struct facts *, const char *tmpl, char **missing);

/*
 * Expands {{name}} in a text people read (a node's title, text, choices,
 * cause, next steps, attachments) with fact values. Unlike facts_expand, a
 * template whose fact is not known stays exactly as written, braces and white
 * space included, so a text never loses words ("names {{instance}} more than
 * once", not "names  more than once"); an unclosed "{{" stays too. Control
 * characters in a value (it may come from a probe or a snapshot) show as '?',
 * a tab as a space, so a value cannot break a line or reach the terminal as a
 * command. Returns the expanded text (owned by the caller); "" for NULL.
 */
char *facts_expand_text(const struct facts *, const char *text);

/*
 * Finds the next {{name}} in s. Returns a pointer just past it, or NULL when
 * there is none; *name and *len give the name (white space trimmed). A "{{"
 * with no closing "}}" sets *len to 0 and returns NULL with *name pointing at it.
 */
const char *facts_template_next(const char *s, const char **name, size_t *len);

#endif
