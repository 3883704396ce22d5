/*
 * yamldoc.c: builds the small YAML tree of yamldoc.h from libyaml events.
 *
 * Flows come from users and sites, so the bytes are treated as hostile: they
 * are checked for size, byte order marks, binary and invalid UTF-8 before
 * libyaml sees them (its own messages give a byte offset, ours a line and
 * column), and the event loop refuses anchors, aliases (alias bombs), tags,
 * deep nesting, huge scalars and extra documents. Nothing here recurses, so
 * the depth limit is the only thing standing between input and stack.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "flow/diag.h"
#include "flow/flow.h"
#include "flow/yamldoc.h"
#include "util/util.h"

/* One open collection: its node, and its children until it closes. */
struct ylevel {
	struct ynode *node;
	const struct ynode **kids;
	size_t n;
	size_t cap;
};

struct ybuild {
	struct arena *arena;
	const char *name;
	struct diags *diags;
	const char *buf;
	size_t len;
	struct ylevel levels[FLOW_MAX_DEPTH];
	size_t depth;
	const struct ynode *root;
	bool failed; /* stop: the document is unusable */
	size_t max_file, max_scalar;
};

static void yerr(struct ybuild *, int line, int col, const char *fmt, ...) VT_PRINTF(4, 5);

static void
yerr(struct ybuild *b, int line, int col, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	diag_add(b->diags, DIAG_ERROR, b->name, line, col, "%s", msg);
	free(msg);
}

/* libyaml marks are 0-based. */
static int
mark_line(const yaml_mark_t *m)
{
	return m->line >= (size_t)INT32_MAX ? INT32_MAX : (int)m->line + 1;
}

static int
mark_col(const yaml_mark_t *m)
{
	return m->column >= (size_t)INT32_MAX ? INT32_MAX : (int)m->column + 1;
}

/*
 * Decodes one UTF-8 sequence at p (p[0] >= 0x80). Returns its length, or 0
 * when it is not valid UTF-8 (bad lead, short, overlong, surrogate, > U+10FFFF).
 */
static size_t
utf8_decode(const unsigned char *p, size_t avail, uint32_t *cp)
{
	unsigned char c = p[0];
	size_t n;
	uint32_t v;

	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		v = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		v = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		v = c & 0x07;
	} else
		return 0;
	if (avail < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (p[i] & 0x3f);
	}
	if ((n == 3 && v < 0x800) || (n == 4 && v < 0x10000) || v > 0x10ffff ||
	    (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return n;
}

/* Code points a flow may not hold even when well-formed: they garble terminals or YAML. */
static bool
codepoint_is_banned(uint32_t cp)
{
	return (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || (cp >= 0x7f && cp <= 0x9f) ||
	    cp == 0xfeff || cp == 0xfffe || cp == 0xffff;
}

/*
 * Checks the raw bytes: UTF-8, no NUL, no control characters. Positions count
 * characters, the way libyaml counts columns, so both kinds of message agree.
 */
static bool
check_bytes(struct ybuild *b, const unsigned char *p, size_t len)
{
	size_t i = 0;
	int line = 1, col = 1;

	while (i < len) {
		unsigned char c = p[i];
		uint32_t cp;
		size_t n;

		if (c >= 0x20 && c < 0x7f) {
			i++;
			col++;
			continue;
		}
		if (c == '\n') {
			i++;
			line++;
			col = 1;
			continue;
		}
		if (c == '\r') {
			i++;
			if (i < len && p[i] == '\n')
				i++;
			line++;
			col = 1;
			continue;
		}
		if (c == '\t') {
			i++;
			col++;
			continue;
		}
		if (c == 0) {
			yerr(b, line, col, _("NUL byte: a flow must be UTF-8 text, not binary"));
			return false;
		}
		if (c < 0x80) {
			yerr(b, line, col, _("control character U+%04X: a flow must be printable text"),
			    (unsigned)c);
			return false;
		}
		if ((n = utf8_decode(p + i, len - i, &cp)) == 0) {
			yerr(b, line, col, _("invalid UTF-8 (byte 0x%02X): flows must be UTF-8"),
			    (unsigned)c);
			return false;
		}
		if (codepoint_is_banned(cp)) {
			yerr(b, line, col, _("control character U+%04X: a flow must be printable text"),
			    (unsigned)cp);
			return false;
		}
		i += n;
		if (cp == 0x2028 || cp == 0x2029) {
			/* YAML counts these as line breaks, so libyaml's lines do too. */
			line++;
			col = 1;
		} else
			col++;
	}
	return true;
}

/*
 * Escapes in double-quoted scalars ("\0", "\e[2J", "\u0085") make characters
 * the byte check never saw; the text ends up on a terminal, so refuse them too.
 */
static bool
scalar_is_clean(const unsigned char *p, size_t len, uint32_t *bad)
{
	size_t i = 0;

	while (i < len) {
		uint32_t cp;
		size_t n;

		if (p[i] < 0x80) {
			cp = p[i];
			n = 1;
		} else if ((n = utf8_decode(p + i, len - i, &cp)) == 0) {
			*bad = p[i];
			return false;
		}
		if (cp == 0 || codepoint_is_banned(cp)) {
			*bad = cp;
			return false;
		}
		i += n;
	}
	return true;
}

/* Replaces what scalar_is_clean refuses with '?', byte for byte. */
static void
blank_banned(char *s, size_t len)
{
	unsigned char *p = (unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		uint32_t cp;
		size_t n;

		if (p[i] < 0x80) {
			if (p[i] == 0 || codepoint_is_banned(p[i]))
				p[i] = '?';
			i++;
			continue;
		}
		if ((n = utf8_decode(p + i, len - i, &cp)) == 0) {
			p[i++] = '?';
			continue;
		}
		if (codepoint_is_banned(cp))
			memset(p + i, '?', n);
		i += n;
	}
}

/* Finds the character at a libyaml mark (0-based line and column), or -1. */
static int
char_at(const char *buf, size_t len, size_t line, size_t column)
{
	size_t i = 0, l = 0, c = 0;

	while (i < len && l < line) {
		if (buf[i] == '\n' || (buf[i] == '\r' && (i + 1 >= len || buf[i + 1] != '\n')))
			l++;
		i++;
	}
	while (i < len && c < column && buf[i] != '\n' && buf[i] != '\r') {
		i++;
		while (i < len && ((unsigned char)buf[i] & 0xc0) == 0x80)
			i++;
		c++;
	}
	return i < len ? (unsigned char)buf[i] : -1;
}

/* A libyaml error as FILE:LINE:COL: syntax error: problem (context at L:C). */
static void
syntax_error(struct ybuild *b, const yaml_parser_t *parser)
{
	const char *problem = parser->problem != NULL ? parser->problem : "unknown problem";
	const yaml_mark_t *pm = &parser->problem_mark;
	const yaml_mark_t *cm = &parser->context_mark;

	if (parser->error == YAML_MEMORY_ERROR)
		fatalx("libyaml ran out of memory");
	if (parser->error == YAML_READER_ERROR) {
		/* check_bytes should have caught it; libyaml only has a byte offset. */
		yerr(b, 0, 0, _("cannot read: %s at byte %zu"), problem, parser->problem_offset);
		return;
	}
	if (char_at(b->buf, b->len, pm->line, pm->column) == '\t') {
		yerr(b, mark_line(pm), mark_col(pm),
		    _("syntax error: tab character: YAML is indented with spaces, not tabs"));
		return;
	}
	if (parser->context != NULL && (cm->line != pm->line || cm->column != pm->column))
		yerr(b, mark_line(pm), mark_col(pm), _("syntax error: %s (%s at %d:%d)"), problem,
		    parser->context, mark_line(cm), mark_col(cm));
	else if (parser->context != NULL)
		yerr(b, mark_line(pm), mark_col(pm), _("syntax error: %s (%s)"), problem,
		    parser->context);
	else
		yerr(b, mark_line(pm), mark_col(pm), _("syntax error: %s"), problem);
}

/* Anchors are how alias bombs start, and tags ask for types we never want. */
static bool
check_props(struct ybuild *b, const yaml_event_t *ev, const unsigned char *anchor,
    const unsigned char *tag)
{
	if (anchor != NULL) {
		yerr(b, mark_line(&ev->start_mark), mark_col(&ev->start_mark),
		    _("anchors and aliases are not allowed in flows"));
		b->failed = true;
		return false;
	}
	if (tag != NULL) {
		const char *t = (const char *)tag;
		const char *core = "tag:yaml.org,2002:";
		char *shown = NULL;

		/* Show the tag the way it was written. */
		if (str_has_prefix(t, core))
			shown = xasprintf("!!%.40s", t + strlen(core));
		else
			shown = xasprintf("%.40s", t);
		if (t[0] == '!' && t[1] != '!' && t[1] != '\0')
			yerr(b, mark_line(&ev->start_mark), mark_col(&ev->start_mark),
			    _("tags are not allowed (found '%s'); quote a value that starts "
			      "with '!'"),
			    shown);
		else
			yerr(b, mark_line(&ev->start_mark), mark_col(&ev->start_mark),
			    _("tags are not allowed (found '%s')"), shown);
		free(shown);
		b->failed = true;
		return false;
	}
	return true;
}

static void
add_child(struct ybuild *b, const struct ynode *node)
{
	struct ylevel *lv;

	if (b->depth == 0) {
		b->root = node;
		return;
	}
	lv = &b->levels[b->depth - 1];
	if (lv->n == lv->cap) {
		lv->cap = lv->cap == 0 ? 16 : lv->cap * 2;
		lv->kids = xreallocarray(lv->kids, lv->cap, sizeof *lv->kids);
	}
	lv->kids[lv->n++] = node;
}

static bool
key_eq(const struct ynode *a, const struct ynode *b)
{
	return a->len == b->len && memcmp(a->str, b->str, a->len) == 0;
}

static uint32_t
key_hash(const struct ynode *k)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < k->len; i++)
		h = (h ^ (unsigned char)k->str[i]) * 16777619u;
	return h;
}

static void
report_duplicate(struct ybuild *b, const struct ynode *dup, const struct ynode *first)
{
	yerr(b, dup->line, dup->col, _("duplicate key '%.64s' (first at %d:%d)"), dup->str, first->line,
	    first->col);
}

/*
 * Closes a mapping: pairs up the children, refuses keys that are not scalars,
 * reports duplicate keys (keeping the first). The node list of a flow can have
 * 2000 keys, so big mappings find duplicates through a hash table.
 */
static void
close_mapping(struct ybuild *b, struct ylevel *lv)
{
	struct ynode *map = lv->node;
	struct ypair *pairs = arena_alloc(b->arena, (lv->n / 2 + 1) * sizeof *pairs);
	size_t np = 0;
	uint32_t *table = NULL;
	size_t tsize = 0;

	if (lv->n / 2 > 16) {
		for (tsize = 64; tsize < lv->n * 2; tsize *= 2)
			;
		table = xcalloc(tsize, sizeof *table); /* index + 1; 0 = empty */
	}
	for (size_t i = 0; i + 1 < lv->n; i += 2) {
		const struct ynode *k = lv->kids[i], *v = lv->kids[i + 1];
		const struct ynode *first = NULL;

		if (k->type != YNODE_SCALAR) {
			yerr(b, k->line, k->col, _("a mapping key must be a plain string, not a %s"),
			    ynode_type_name(k));
			continue;
		}
		if (table != NULL) {
			size_t slot = key_hash(k) & (tsize - 1);

			while (table[slot] != 0) {
				if (key_eq(pairs[table[slot] - 1].key, k)) {
					first = pairs[table[slot] - 1].key;
					break;
				}
				slot = (slot + 1) & (tsize - 1);
			}
			if (first == NULL)
				table[slot] = (uint32_t)np + 1;
		} else {
			for (size_t j = 0; j < np && first == NULL; j++)
				if (key_eq(pairs[j].key, k))
					first = pairs[j].key;
		}
		if (first != NULL) {
			report_duplicate(b, k, first);
			continue;
		}
		pairs[np].key = k;
		pairs[np].value = v;
		np++;
	}
	free(table);
	map->pairs = pairs;
	map->n = np;
}

static void
close_sequence(struct ybuild *b, struct ylevel *lv)
{
	const struct ynode **items = arena_alloc(b->arena, (lv->n + 1) * sizeof *items);

	if (lv->n > 0)
		memcpy(items, lv->kids, lv->n * sizeof *items);
	lv->node->items = items;
	lv->node->n = lv->n;
}

static struct ynode *
new_node(struct ybuild *b, enum ynode_type type, const yaml_mark_t *m)
{
	struct ynode *n = arena_alloc(b->arena, sizeof *n);

	n->type = type;
	n->line = mark_line(m);
	n->col = mark_col(m);
	return n;
}

static void
on_scalar(struct ybuild *b, const yaml_event_t *ev)
{
	const unsigned char *value = ev->data.scalar.value;
	size_t len = ev->data.scalar.length;
	struct ynode *n;
	uint32_t bad = UINT32_MAX;

	if (!check_props(b, ev, ev->data.scalar.anchor, ev->data.scalar.tag))
		return;
	if (len > b->max_scalar) {
		yerr(b, mark_line(&ev->start_mark), mark_col(&ev->start_mark),
		    _("string is too long (%zu bytes; at most %zu)"), len, b->max_scalar);
		b->failed = true;
		return;
	}
	if (ev->data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE &&
	    !scalar_is_clean(value, len, &bad)) {
		if (bad == 0)
			yerr(b, mark_line(&ev->start_mark), mark_col(&ev->start_mark),
			    _("NUL character in a quoted string: a flow must be text"));
		else
			yerr(b, mark_line(&ev->start_mark), mark_col(&ev->start_mark),
			    _("control character U+%04X in a quoted string: a flow must be "
			      "printable text"),
			    (unsigned)bad);
	}
	/* Node and bytes in one allocation: scalars are most of a flow. */
	n = arena_alloc(b->arena, sizeof *n + len + 1);
	n->type = YNODE_SCALAR;
	n->line = mark_line(&ev->start_mark);
	n->col = mark_col(&ev->start_mark);
	n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	memcpy((char *)(n + 1), value, len);
	n->str = (const char *)(n + 1);
	n->len = len;
	if (bad != UINT32_MAX)
		/* Keep going with the bad characters blanked, so nothing else trips on them. */
		blank_banned((char *)n->str, len);
	add_child(b, n);
}

static void
on_start(struct ybuild *b, const yaml_event_t *ev, enum ynode_type type)
{
	const unsigned char *anchor, *tag;
	struct ylevel *lv;

	if (type == YNODE_MAP) {
		anchor = ev->data.mapping_start.anchor;
		tag = ev->data.mapping_start.tag;
	} else {
		anchor = ev->data.sequence_start.anchor;
		tag = ev->data.sequence_start.tag;
	}
	if (!check_props(b, ev, anchor, tag))
		return;
	if (b->depth == FLOW_MAX_DEPTH) {
		yerr(b, mark_line(&ev->start_mark), mark_col(&ev->start_mark),
		    _("nesting is too deep (more than %d levels)"), FLOW_MAX_DEPTH);
		b->failed = true;
		return;
	}
	lv = &b->levels[b->depth++];
	lv->node = new_node(b, type, &ev->start_mark);
	lv->n = 0;
}

static void
on_end(struct ybuild *b)
{
	struct ylevel *lv;

	if (b->depth == 0)
		fatalx("yamldoc: collection end without start");
	lv = &b->levels[b->depth - 1];
	if (lv->node->type == YNODE_MAP)
		close_mapping(b, lv);
	else
		close_sequence(b, lv);
	b->depth--;
	add_child(b, lv->node);
}

const struct ynode *
ydoc_parse(struct arena *arena, const char *name, const char *buf, size_t len, struct diags *diags)
{
	return ydoc_parse_limits(arena, name, buf, len, diags, FLOW_MAX_FILE_BYTES,
	                         FLOW_MAX_SCALAR_BYTES);
}

const struct ynode *
ydoc_parse_limits(struct arena *arena, const char *name, const char *buf, size_t len,
                  struct diags *diags, size_t max_file, size_t max_scalar)
{
	const unsigned char *u = (const unsigned char *)buf;
	struct ybuild b;
	yaml_parser_t parser;
	yaml_event_t ev;
	int ndocs = 0;
	bool done = false;
	const struct ynode *root = NULL;

	memset(&b, 0, sizeof b);
	b.arena = arena;
	b.name = name;
	b.diags = diags;
	b.max_file = max_file;
	b.max_scalar = max_scalar;

	if (len > max_file) {
		yerr(&b, 1, 1, _("file is too big (%zu bytes; at most %zu)"), len, max_file);
		return NULL;
	}
	if ((len >= 4 && memcmp(u, "\xff\xfe\0\0", 4) == 0) ||
	    (len >= 4 && memcmp(u, "\0\0\xfe\xff", 4) == 0)) {
		yerr(&b, 1, 1, _("flows must be UTF-8: this file starts with a UTF-32 byte order mark"));
		return NULL;
	}
	if (len >= 2 && (memcmp(u, "\xff\xfe", 2) == 0 || memcmp(u, "\xfe\xff", 2) == 0)) {
		yerr(&b, 1, 1, _("flows must be UTF-8: this file starts with a UTF-16 byte order mark"));
		return NULL;
	}
	if (len >= 3 && memcmp(u, "\xef\xbb\xbf", 3) == 0) {
		/* A UTF-8 byte order mark is harmless; positions are counted after it. */
		buf += 3;
		u += 3;
		len -= 3;
	}
	if (!check_bytes(&b, u, len))
		return NULL;
	b.buf = buf;
	b.len = len;

	if (!yaml_parser_initialize(&parser))
		fatalx("libyaml: cannot initialise a parser");
	yaml_parser_set_input_string(&parser, u, len);
	yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
	while (!done && !b.failed) {
		if (!yaml_parser_parse(&parser, &ev)) {
			syntax_error(&b, &parser);
			b.failed = true;
			break;
		}
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (++ndocs > 1) {
				yerr(&b, mark_line(&ev.start_mark), mark_col(&ev.start_mark),
				    _("a second YAML document: a flow file holds exactly one"));
				b.failed = true;
			} else if (ev.data.document_start.tag_directives.start !=
			    ev.data.document_start.tag_directives.end) {
				yerr(&b, mark_line(&ev.start_mark), mark_col(&ev.start_mark),
				    _("tags are not allowed (found a %%TAG directive)"));
				b.failed = true;
			}
			break;
		case YAML_ALIAS_EVENT:
			yerr(&b, mark_line(&ev.start_mark), mark_col(&ev.start_mark),
			    _("anchors and aliases are not allowed in flows"));
			b.failed = true;
			break;
		case YAML_SCALAR_EVENT:
			on_scalar(&b, &ev);
			break;
		case YAML_SEQUENCE_START_EVENT:
			on_start(&b, &ev, YNODE_SEQ);
			break;
		case YAML_MAPPING_START_EVENT:
			on_start(&b, &ev, YNODE_MAP);
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			on_end(&b);
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	for (size_t i = 0; i < nitems(b.levels); i++)
		free(b.levels[i].kids);
	if (b.failed)
		goto out;
	if (b.root == NULL || ynode_is_null(b.root)) {
		yerr(&b, 1, 1, _("empty file: a flow needs id, title, start and nodes"));
		goto out;
	}
	root = b.root;
out:
	return root;
}

const struct ynode *
ynode_get(const struct ynode *map, const char *key)
{
	size_t len;

	if (map == NULL || map->type != YNODE_MAP)
		return NULL;
	len = strlen(key);
	for (size_t i = 0; i < map->n; i++) {
		const struct ynode *k = map->pairs[i].key;

		if (k->len == len && memcmp(k->str, key, len) == 0)
			return map->pairs[i].value;
	}
	return NULL;
}

bool
ynode_is_null(const struct ynode *n)
{
	if (n == NULL || n->type != YNODE_SCALAR || !n->plain)
		return false;
	return n->len == 0 || strcmp(n->str, "~") == 0 || strcmp(n->str, "null") == 0 ||
	    strcmp(n->str, "Null") == 0 || strcmp(n->str, "NULL") == 0;
}

const char *
ynode_type_name(const struct ynode *n)
{
	if (n == NULL)
		return _("nothing");
	switch (n->type) {
	case YNODE_SCALAR:
		return ynode_is_null(n) ? _("null") : _("string");
	case YNODE_SEQ:
		return _("sequence");
	case YNODE_MAP:
		return _("mapping");
	}
	return "?";
}

/* Two strings of the same length that differ by one swap of neighbours. */
static bool
is_swap(const char *a, const char *b)
{
	size_t i = 0;

	while (a[i] != '\0' && a[i] == b[i])
		i++;
	return a[i] != '\0' && a[i + 1] != '\0' && a[i] == b[i + 1] && a[i + 1] == b[i] &&
	    strcmp(a + i + 2, b + i + 2) == 0;
}

const char *
name_closest(const char *word, const char *const *cands)
{
	const char *best = NULL;
	size_t bestd = 3, wl = strlen(word);

	if (wl > 64 || cands == NULL)
		return NULL;
	for (size_t i = 0; cands[i] != NULL; i++) {
		size_t cl = strlen(cands[i]), d;

		/* The length difference bounds the distance: skip the hopeless ones cheaply. */
		if ((cl > wl ? cl - wl : wl - cl) >= bestd)
			continue;
		d = str_distance(word, cands[i]);
		if (d == 0 || d >= bestd)
			continue;
		if (d == 2 && wl < 5 && !(wl == cl && is_swap(word, cands[i])))
			continue;
		best = cands[i];
		bestd = d;
	}
	return best;
}
