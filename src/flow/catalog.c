/*
 * catalog.c: every flow a run can see. Flows come from a search path of
 * directories; the first directory that has a flow id wins, so a site's flow
 * in ~/.config/vmtriage/flows replaces the shipped one with the same id.
 * The catalogue also answers `vmtriage why`: which node explains this error
 * message, through every flow's error index.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "flow/diag.h"
#include "flow/flow.h"
#include "util/util.h"

#ifndef FLOWDIR
#define FLOWDIR "/usr/local/share/vmtriage/flows"
#endif

void
catalog_default_dirs(struct strlist *dirs)
{
	const char *path = getenv("VMTRIAGE_FLOW_PATH");
	const char *xdg, *home;

	if (path != NULL && path[0] != '\0') {
		while (*path != '\0') {
			size_t n = strcspn(path, ":");

			/* An empty part (a::b) means nothing, not the current directory. */
			if (n > 0) {
				char *dir = xstrndup(path, n);

				strlist_take(dirs, dir);
			}
			path += n;
			if (*path == ':')
				path++;
		}
		return;
	}
	xdg = getenv("XDG_CONFIG_HOME");
	home = getenv("HOME");
	/* The XDG spec says a relative XDG_CONFIG_HOME is invalid and must be ignored. */
	if (xdg != NULL && xdg[0] == '/')
		strlist_addf(dirs, "%s/vmtriage/flows", xdg);
	else if (home != NULL && home[0] != '\0')
		strlist_addf(dirs, "%s/.config/vmtriage/flows", home);
	strlist_add(dirs, FLOWDIR);
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.yaml names in dir, sorted, so the load order (and any message) is stable. */
static bool
list_dir(const char *dir, struct strlist *names, struct diags *diags)
{
	DIR *d;
	struct dirent *de;

	if ((d = opendir(dir)) == NULL) {
		/* A missing directory on the search path is normal: most sites have none. */
		if (errno != ENOENT && errno != ENOTDIR)
			diag_add(diags, DIAG_ERROR, dir, 0, 0, _("cannot read the directory: %s"),
			    strerror(errno));
		return false;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || !str_has_suffix(de->d_name, ".yaml"))
			continue;
		strlist_add(names, de->d_name);
	}
	closedir(d);
	if (names->n > 1)
		qsort(names->v, names->n, sizeof *names->v, name_cmp);
	return true;
}

void
catalog_load_dirs(struct catalog *cat, const struct strlist *dirs, struct diags *diags)
{
	for (size_t i = 0; i < dirs->n; i++) {
		struct strlist names = STRLIST_INIT;
		size_t first_of_dir = cat->nflows;

		if (!list_dir(dirs->v[i], &names, diags))
			continue;
		for (size_t j = 0; j < names.n; j++) {
			char *path = xasprintf("%s/%s", dirs->v[i], names.v[j]);
			struct flow *flow = flow_load_file(path, diags);
			size_t k;

			free(path);
			if (flow == NULL)
				continue;
			/* Without an id nothing can find it; the loader has said why. */
			if (flow->id == NULL) {
				flow_free(flow);
				continue;
			}
			for (k = 0; k < cat->nflows; k++)
				if (str_eq(cat->flows[k]->id, flow->id))
					break;
			if (k < cat->nflows && k >= first_of_dir)
				diag_add(diags, DIAG_ERROR, flow->path, 0, 0,
				    _("flow id '%s' is already used by %s"), flow->id,
				    cat->flows[k]->path);
			if (k < cat->nflows) {
				/* An earlier directory has it: that one overrides this one. */
				flow_free(flow);
				continue;
			}
			catalog_add(cat, flow);
		}
		strlist_free(&names);
	}
}

void
catalog_add(struct catalog *cat, struct flow *flow)
{
	cat->flows = xreallocarray(cat->flows, cat->nflows + 1, sizeof *cat->flows);
	cat->flows[cat->nflows++] = flow;
}

const struct flow *
catalog_find(const struct catalog *cat, const char *id)
{
	if (cat == NULL || id == NULL)
		return NULL;
	for (size_t i = 0; i < cat->nflows; i++)
		if (str_eq(cat->flows[i]->id, id))
			return cat->flows[i];
	return NULL;
}

size_t
catalog_validate(const struct catalog *cat, struct diags *diags)
{
	size_t n = 0;

	for (size_t i = 0; i < cat->nflows; i++)
		n += flow_validate(cat->flows[i], cat, diags);
	return n;
}

void
catalog_free(struct catalog *cat)
{
	for (size_t i = 0; i < cat->nflows; i++)
		flow_free(cat->flows[i]);
	free(cat->flows);
	cat->flows = NULL;
	cat->nflows = 0;
}

struct why_entry {
	struct flow_why_hit hit;
	size_t len;   /* of the match */
	size_t order; /* in the catalogue */
};

/* Longer matches are more specific: they come first, so the best hits survive max. */
static int
why_cmp(const void *a, const void *b)
{
	const struct why_entry *x = a, *y = b;

	if (x->len != y->len)
		return x->len > y->len ? -1 : 1;
	/* qsort is not stable: equal lengths keep catalogue order through order. */
	return x->order < y->order ? -1 : x->order > y->order;
}

size_t
catalog_why(const struct catalog *cat, const char *message, struct flow_why_hit *hits, size_t max)
{
	struct why_entry *all = NULL;
	size_t n = 0, cap = 0;

	if (cat == NULL || message == NULL)
		return 0;
	for (size_t i = 0; i < cat->nflows; i++) {
		const struct flow *f = cat->flows[i];

		for (size_t j = 0; j < f->nerrors; j++) {
			if (!str_contains_folded(message, f->errors[j].match))
				continue;
			if (n == cap) {
				cap = cap == 0 ? 8 : cap * 2;
				all = xreallocarray(all, cap, sizeof *all);
			}
			all[n].hit.flow = f;
			all[n].hit.error = &f->errors[j];
			all[n].hit.node = flow_node_find(f, f->errors[j].node);
			all[n].len = strlen(f->errors[j].match);
			all[n].order = n;
			n++;
		}
	}
	if (n > 1)
		qsort(all, n, sizeof *all, why_cmp);
	for (size_t i = 0; i < n && i < max; i++)
		hits[i] = all[i].hit;
	free(all);
	return n;
}
