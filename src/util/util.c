/*
 * util.c: allocation that aborts instead of returning NULL, growable strings,
 * string lists and small string helpers shared by every module.
 */
#include "config.h"

#include <ctype.h>
#include <fcntl.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <unistd.h>

#include "util/util.h"

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	fputs("vmtriage: fatal: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

void *
xmalloc(size_t n)
{
	void *p;

	if (n == 0)
		n = 1;
	if ((p = malloc(n)) == NULL)
		fatalx("out of memory allocating %zu bytes", n);
	return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
	void *p;

	if (nmemb == 0 || size == 0)
		nmemb = size = 1;
	if ((p = calloc(nmemb, size)) == NULL)
		fatalx("out of memory allocating %zu x %zu bytes", nmemb, size);
	return p;
}

void *
xreallocarray(void *p, size_t nmemb, size_t size)
{
	if (size != 0 && nmemb > SIZE_MAX / size)
		fatalx("size overflow: %zu x %zu", nmemb, size);
	if (nmemb * size == 0)
		nmemb = size = 1;
	if ((p = realloc(p, nmemb * size)) == NULL)
		fatalx("out of memory reallocating %zu x %zu bytes", nmemb, size);
	return p;
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	char *p;
	size_t len = strnlen(s, n);

	p = xmalloc(len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *
xvasprintf(const char *fmt, va_list ap)
{
	char *s;

	if (vasprintf(&s, fmt, ap) < 0)
		fatalx("out of memory formatting a string");
	return s;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}

static void
strbuf_grow(struct strbuf *sb, size_t more)
{
	size_t need = sb->len + more + 1;

	if (need < sb->len)
		fatalx("string too long");
	if (need <= sb->cap)
		return;
	if (sb->cap == 0)
		sb->cap = 64;
	while (sb->cap < need)
		sb->cap *= 2;
	sb->buf = xreallocarray(sb->buf, sb->cap, 1);
}

void
strbuf_add(struct strbuf *sb, const void *p, size_t n)
{
	strbuf_grow(sb, n);
	if (n > 0)
		memcpy(sb->buf + sb->len, p, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void
strbuf_adds(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

void
strbuf_addc(struct strbuf *sb, char c)
{
	strbuf_add(sb, &c, 1);
}

void
strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	strbuf_adds(sb, s);
	free(s);
}

void
strbuf_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->buf != NULL)
		sb->buf[0] = '\0';
}

char *
strbuf_detach(struct strbuf *sb)
{
	char *s = sb->buf;

	if (s == NULL)
		s = xstrdup("");
	sb->buf = NULL;
	sb->len = sb->cap = 0;
	return s;
}

void
strbuf_free(struct strbuf *sb)
{
	free(sb->buf);
	sb->buf = NULL;
	sb->len = sb->cap = 0;
}

void
strlist_take(struct strlist *sl, char *s)
{
	if (sl->n + 1 >= sl->cap) {
		sl->cap = sl->cap == 0 ? 8 : sl->cap * 2;
		sl->v = xreallocarray(sl->v, sl->cap, sizeof *sl->v);
	}
	sl->v[sl->n++] = s;
	sl->v[sl->n] = NULL;
}

void
strlist_add(struct strlist *sl, const char *s)
{
	strlist_take(sl, xstrdup(s));
}

void
strlist_addf(struct strlist *sl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strlist_take(sl, xvasprintf(fmt, ap));
	va_end(ap);
}

void
strlist_free(struct strlist *sl)
{
	for (size_t i = 0; i < sl->n; i++)
		free(sl->v[i]);
	free(sl->v);
	sl->v = NULL;
	sl->n = sl->cap = 0;
}

/* Arena: a chain of blocks; big requests get a block of their own. */
struct arena_block {
	struct arena_block *next;
	size_t used;
	size_t size;
	_Alignas(max_align_t) unsigned char data[];
};
struct arena {
	struct arena_block *head;
};
#define ARENA_BLOCK 16384

struct arena *
arena_new(void)
{
	return xcalloc(1, sizeof(struct arena));
}

void *
arena_alloc(struct arena *a, size_t n)
{
	struct arena_block *b = a->head;
	size_t align = _Alignof(max_align_t);
	void *p;

	n = (n + align - 1) & ~(align - 1);
	if (n == 0)
		n = align;
	if (b == NULL || b->size - b->used < n) {
		size_t size = n > ARENA_BLOCK / 4 ? n : ARENA_BLOCK;

		b = xmalloc(sizeof *b + size);
		b->size = size;
		b->used = 0;
		if (size == n && a->head != NULL) {
			/* Keep the current block as head: it still has room. */
			b->next = a->head->next;
			a->head->next = b;
		} else {
			b->next = a->head;
			a->head = b;
		}
	}
	p = b->data + b->used;
	b->used += n;
	memset(p, 0, n);
	return p;
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	return s == NULL ? NULL : arena_strndup(a, s, strlen(s));
}

void
arena_free(struct arena *a)
{
	struct arena_block *b, *next;

	if (a == NULL)
		return;
	for (b = a->head; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	free(a);
}

bool
str_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

bool
str_has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool
str_has_suffix(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

/* Lower-cases ASCII and folds every run of white space to one space, trimmed. */
static char *
fold(const char *s)
{
	struct strbuf sb = STRBUF_INIT;
	bool space = false;

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (isspace(c)) {
			space = sb.len > 0;
			continue;
		}
		if (space)
			strbuf_addc(&sb, ' ');
		space = false;
		strbuf_addc(&sb, (char)tolower(c));
	}
	return strbuf_detach(&sb);
}

bool
str_contains_folded(const char *haystack, const char *needle)
{
	char *h = fold(haystack), *n = fold(needle);
	bool found = n[0] != '\0' && strstr(h, n) != NULL;

	free(h);
	free(n);
	return found;
}

size_t
str_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t *prev, *cur, *tmp, d;

	if (la > 64 || lb > 64)
		return 64;
	prev = xcalloc(lb + 1, sizeof *prev);
	cur = xcalloc(lb + 1, sizeof *cur);
	for (j = 0; j <= lb; j++)
		prev[j] = j;
	for (i = 1; i <= la; i++) {
		cur[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
			size_t del = prev[j] + 1, ins = cur[j - 1] + 1;

			cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
		}
		tmp = prev;
		prev = cur;
		cur = tmp;
	}
	d = prev[lb];
	free(prev);
	free(cur);
	return d;
}

bool
utf8_is_clean_text(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;

	while (p < end) {
		unsigned char c = *p;
		size_t n;
		uint32_t cp;

		if (c < 0x80) {
			if (c == 0 || (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
				return false;
			p++;
			continue;
		}
		if ((c & 0xe0) == 0xc0) {
			n = 1;
			cp = c & 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			n = 2;
			cp = c & 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			n = 3;
			cp = c & 0x07;
		} else
			return false;
		if ((size_t)(end - p) <= n)
			return false;
		for (size_t i = 1; i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		p += n + 1;
	}
	return true;
}

size_t
text_char(const char *s, size_t *width)
{
	mbstate_t st;
	wchar_t wc;
	size_t len;
	int w;

	memset(&st, 0, sizeof st);
	len = mbrtowc(&wc, s, MB_CUR_MAX, &st);
	if (len == (size_t)-1 || len == (size_t)-2 || len == 0) {
		*width = 1;
		return 1;
	}
	w = wcwidth(wc);
	*width = w < 0 ? 1 : (size_t)w;
	return len;
}

size_t
text_width(const char *s)
{
	size_t w = 0, cw;

	while (*s != '\0') {
		s += text_char(s, &cw);
		w += cw;
	}
	return w;
}

/* Closing punctuation that must not begin a line, and opening that must not end one (CJK rules). */
static bool
no_line_start(wchar_t wc)
{
	return wcschr(L"，。、；：？！）」』】》〉”’…—,.;:?!)]}%", wc) != NULL && wc != 0;
}

static bool
no_line_end(wchar_t wc)
{
	return wcschr(L"（「『【《〈“‘([{", wc) != NULL && wc != 0;
}

static wchar_t
wchar_at(const char *s)
{
	mbstate_t st;
	wchar_t wc = 0;
	size_t n;

	memset(&st, 0, sizeof st);
	n = mbrtowc(&wc, s, MB_CUR_MAX, &st);
	return n == (size_t)-1 || n == (size_t)-2 ? 0 : wc;
}

/*
 * One paragraph, greedily: a line may break at a space (which goes) or
 * between two characters when either is wide, since Chinese and Japanese
 * text breaks between any two characters; but never before closing or
 * after opening punctuation. A word longer than the line is cut.
 */
static void
wrap_paragraph(const char *s, size_t len, size_t width, struct strlist *out)
{
	const char *end = s + len;

	while (s < end) {
		const char *p = s, *brk = NULL, *line_end = NULL;
		size_t w = 0, prev_w = 0;
		wchar_t prev = 0;
		bool text = false;

		while (p < end) {
			size_t cw, n = text_char(p, &cw);
			wchar_t wc = wchar_at(p);

			/* Break opportunities before p; leading indentation is not one. */
			if (text && *p == ' ')
				brk = p;
			else if (text && (cw == 2 || prev_w == 2) && prev != ' ' &&
			         !no_line_start(wc) && !no_line_end(prev))
				brk = p;
			if (w + cw > width && p > s)
				break;
			if (*p != ' ')
				text = true;
			w += cw;
			prev = wc;
			prev_w = cw;
			p += n;
		}
		line_end = p < end && brk != NULL ? brk : p;
		p = line_end;
		while (line_end > s && line_end[-1] == ' ')
			line_end--;
		strlist_take(out, xstrndup(s, (size_t)(line_end - s)));
		while (p < end && *p == ' ')
			p++;
		s = p;
	}
}

void
text_wrap(const char *s, size_t width, struct strlist *out)
{
	if (width < 4)
		width = 4;
	for (;;) {
		const char *nl = strchr(s, '\n');
		size_t len = nl != NULL ? (size_t)(nl - s) : strlen(s);

		size_t ind = strspn(s, " ");

		if (len == 0)
			strlist_add(out, "");
		else if (ind >= 2 && ind < len && ind + 8 <= width) {
			/* An indented line (a command) keeps its indent on every piece. */
			struct strlist part = STRLIST_INIT;

			wrap_paragraph(s + ind, len - ind, width - ind, &part);
			for (size_t i = 0; i < part.n; i++)
				strlist_addf(out, "%*s%s", (int)ind, "", part.v[i]);
			strlist_free(&part);
		} else
			wrap_paragraph(s, len, width, out);
		if (nl == NULL || nl[1] == '\0')
			break;
		s = nl + 1;
	}
}

int
fd_above_stdio(int fd)
{
	int nfd;

	if (fd == -1 || fd > 2)
		return fd;
	nfd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	close(fd);
	return nfd;
}

int
cloexec_pipe(int fds[2])
{
#ifdef __APPLE__
	if (pipe(fds) == -1)
		return -1;
	for (int i = 0; i < 2; i++)
		fcntl(fds[i], F_SETFD, FD_CLOEXEC);
#else
	if (pipe2(fds, O_CLOEXEC) == -1)
		return -1;
#endif
	fds[0] = fd_above_stdio(fds[0]);
	fds[1] = fd_above_stdio(fds[1]);
	if (fds[0] == -1 || fds[1] == -1) {
		if (fds[0] != -1)
			close(fds[0]);
		if (fds[1] != -1)
			close(fds[1]);
		return -1;
	}
	return 0;
}
