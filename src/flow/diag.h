/*
 * diag.h: problems found in a flow, each with its file position, collected so
 * that all problems of a file are reported at once as FILE:LINE:COL: message.
 */
#ifndef VT_DIAG_H
#define VT_DIAG_H

#include <stdio.h>
#include <stddef.h>

#include "util/util.h"

enum diag_level { DIAG_ERROR, DIAG_WARNING };

struct diag {
	enum diag_level level;
	char *file;
	int line; /* 1-based; 0 when unknown */
	int col;  /* 1-based; 0 when unknown */
	char *msg;
};

struct diags {
	struct diag *v;
	size_t n;
	size_t cap;
	size_t nerrors;
};
#define DIAGS_INIT { NULL, 0, 0, 0 }

void diag_add(struct diags *, enum diag_level, const char *file, int line, int col,
    const char *fmt, ...) VT_PRINTF(6, 7);
/* Sort by file, line, column (stable), so output reads top to bottom. */
void diags_sort(struct diags *);
/* "FILE:LINE:COL: error: message", one per line. */
void diags_print(const struct diags *, FILE *);
void diags_free(struct diags *);

#endif
