/*
 * diag.c: collects flow problems with their positions and prints them as
 * FILE:LINE:COL: message, sorted, so all problems of a file show at once.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "flow/diag.h"

void
diag_add(struct diags *d, enum diag_level level, const char *file, int line, int col,
    const char *fmt, ...)
{
	struct diag *x;
	va_list ap;

	if (d->n == d->cap) {
		d->cap = d->cap == 0 ? 16 : d->cap * 2;
		d->v = xreallocarray(d->v, d->cap, sizeof *d->v);
	}
	x = &d->v[d->n++];
	x->level = level;
	x->file = xstrdup(file != NULL ? file : "-");
	x->line = line;
	x->col = col;
	va_start(ap, fmt);
	x->msg = xvasprintf(fmt, ap);
	va_end(ap);
	if (level == DIAG_ERROR)
		d->nerrors++;
}

static int
diag_cmp(const void *a, const void *b)
{
	const struct diag *x = a, *y = b;
	int c = strcmp(x->file, y->file);

	if (c != 0)
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	return 0;
}

void
diags_sort(struct diags *d)
{
	/* qsort is not stable: break ties by insertion order through a merge sort. */
	struct diag *tmp;
	size_t width, i;

	if (d->n < 2)
		return;
	tmp = xreallocarray(NULL, d->n, sizeof *tmp);
	for (width = 1; width < d->n; width *= 2) {
		for (i = 0; i < d->n; i += 2 * width) {
			size_t lo = i, mid = i + width, hi = i + 2 * width, a, b, k;

			if (mid > d->n)
				mid = d->n;
			if (hi > d->n)
				hi = d->n;
			for (a = lo, b = mid, k = lo; k < hi; k++) {
				if (a < mid && (b >= hi || diag_cmp(&d->v[a], &d->v[b]) <= 0))
					tmp[k] = d->v[a++];
				else
					tmp[k] = d->v[b++];
			}
		}
		memcpy(d->v, tmp, d->n * sizeof *tmp);
	}
	free(tmp);
}

void
diags_print(const struct diags *d, FILE *fp)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct diag *x = &d->v[i];
		const char *lvl = x->level == DIAG_WARNING ? _("warning: ") : "";

		if (x->line > 0)
			fprintf(fp, "%s:%d:%d: %s%s\n", x->file, x->line, x->col, lvl, x->msg);
		else
			fprintf(fp, "%s: %s%s\n", x->file, lvl, x->msg);
	}
}

void
diags_free(struct diags *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].msg);
	}
	free(d->v);
	memset(d, 0, sizeof *d);
}
