/*
 * util.h: allocation that never returns NULL, fatal errors for broken
 * invariants, growable strings and string lists, and an arena that owns the
 * memory of one loaded flow.
 */
#ifndef VT_UTIL_H
#define VT_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#ifdef ENABLE_NLS
#include <libintl.h>
#define _(s) gettext(s)
#else
#define _(s) (s)
#endif
#define N_(s) (s)

#define VT_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define VT_NORETURN __attribute__((noreturn))
#define nitems(a) (sizeof(a) / sizeof((a)[0]))

/* Broken invariant: print and abort. Never for user errors. */
VT_NORETURN void fatalx(const char *fmt, ...) VT_PRINTF(1, 2);

void *xmalloc(size_t);
void *xcalloc(size_t, size_t);
void *xreallocarray(void *, size_t, size_t);
char *xstrdup(const char *);
char *xstrndup(const char *, size_t);
char *xasprintf(const char *fmt, ...) VT_PRINTF(1, 2);
char *xvasprintf(const char *fmt, va_list ap) VT_PRINTF(1, 0);

/* A growable, always NUL-terminated byte string. */
struct strbuf {
	char *buf;
	size_t len;
	size_t cap;
};
#define STRBUF_INIT { NULL, 0, 0 }
void strbuf_add(struct strbuf *, const void *, size_t);
void strbuf_adds(struct strbuf *, const char *);
void strbuf_addc(struct strbuf *, char);
void strbuf_addf(struct strbuf *, const char *fmt, ...) VT_PRINTF(2, 3);
void strbuf_reset(struct strbuf *);
char *strbuf_detach(struct strbuf *); /* caller frees; buf never NULL */
void strbuf_free(struct strbuf *);

/* A growable list of owned strings. */
struct strlist {
	char **v;
	size_t n;
	size_t cap;
};
#define STRLIST_INIT { NULL, 0, 0 }
void strlist_add(struct strlist *, const char *);
void strlist_addf(struct strlist *, const char *fmt, ...) VT_PRINTF(2, 3);
void strlist_take(struct strlist *, char *); /* takes ownership */
void strlist_free(struct strlist *);

/*
 * An arena: many small allocations freed at once. A loaded flow lives in one,
 * so the flow graph is immutable and freed with a single call.
 */
struct arena;
struct arena *arena_new(void);
void *arena_alloc(struct arena *, size_t);  /* zeroed, aligned */
char *arena_strdup(struct arena *, const char *);
char *arena_strndup(struct arena *, const char *, size_t);
void arena_free(struct arena *);

/* Small helpers. */
bool str_eq(const char *, const char *); /* NULL-safe */
bool str_has_prefix(const char *, const char *);
bool str_has_suffix(const char *, const char *);
/* Case-insensitive substring match, with runs of white space in both folded to one space. */
bool str_contains_folded(const char *haystack, const char *needle);
/* Edit distance, capped: for "did you mean" hints. */
size_t str_distance(const char *, const char *);
/* True when s is valid UTF-8 with no NUL and no C0 control other than \t \n \r. */
bool utf8_is_clean_text(const char *s, size_t len);

/* One character at s: returns its length in bytes, sets *width to its columns; a bad byte is one of each. */
size_t text_char(const char *s, size_t *width);
/* Columns a UTF-8 string takes on a terminal (wide CJK characters count 2). */
size_t text_width(const char *s);
/*
 * Breaks s into lines of at most width columns, at spaces where it can and
 * between characters where it must (CJK text has no spaces). Existing line
 * breaks are kept. Appends the lines to out.
 */
void text_wrap(const char *s, size_t width, struct strlist *out);

/*
 * fd moved above 2 and made close-on-exec (a child's dup2 onto 0, 1 and 2 can
 * then never clobber it, even when we were started with a standard fd closed).
 * Closes fd; returns the new one, or -1.
 */
int fd_above_stdio(int fd);
/* A pipe whose ends are close-on-exec (no other child inherits them) and above 2. */
int cloexec_pipe(int fds[2]);

#endif
