/*
 * yamldoc.h: a small YAML document tree for flow files. libyaml's events are
 * turned into scalars, sequences and mappings that keep their line and column,
 * with the hostile-input limits of flow.h enforced on the way in: no anchors,
 * aliases or tags, one document, bounded size, depth and scalar length, and
 * only UTF-8 text. The tree lives in the caller's arena.
 */
#ifndef VT_YAMLDOC_H
#define VT_YAMLDOC_H

#include <stdbool.h>
#include <stddef.h>

struct arena;
struct diags;

enum ynode_type {
	YNODE_SCALAR,
	YNODE_SEQ,
	YNODE_MAP,
};

struct ynode;
struct ypair {
	const struct ynode *key; /* always a scalar */
	const struct ynode *value;
};

struct ynode {
	enum ynode_type type;
	int line; /* 1-based */
	int col;  /* 1-based, in characters like libyaml */
	bool plain; /* scalar written without quotes or block style */

	/* scalar: NUL-terminated; holds no NUL (rejected on load) */
	const char *str;
	size_t len;

	/* sequence */
	const struct ynode *const *items;
	/* mapping, in file order; duplicate keys already reported and dropped */
	const struct ypair *pairs;
	size_t n; /* items or pairs */
};

/*
 * Parses one YAML document. Problems go to diags, positioned in the file
 * called name. Returns the root node, or NULL when the bytes are not a usable
 * document (syntax error, a limit hit, binary, empty...). The root may be of
 * any type: the caller decides what it must be.
 */
const struct ynode *ydoc_parse(struct arena *, const char *name, const char *buf, size_t len,
    struct diags *);

/* The same with other limits on the file's and each string's size (snapshots). */
const struct ynode *ydoc_parse_limits(struct arena *, const char *name, const char *buf,
    size_t len, struct diags *, size_t max_file, size_t max_scalar);

/* The value of key in a mapping, or NULL. */
const struct ynode *ynode_get(const struct ynode *map, const char *key);
/* A plain scalar that YAML reads as null: empty, "~" or "null". */
bool ynode_is_null(const struct ynode *);
/* "string", "sequence", "mapping" (translated), for messages. */
const char *ynode_type_name(const struct ynode *);

/*
 * The candidate a misspelt word most likely meant ("did you mean"), or NULL:
 * one edit away, or two when the word is long or the two are a swap of
 * neighbouring letters ("fiel" for "file"). cands is NULL-terminated.
 */
const char *name_closest(const char *word, const char *const *cands);

#endif
