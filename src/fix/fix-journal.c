/*
 * fix-journal.c: the journal of fixes, and `vmtriage undo`. Every fix that
 * runs leaves a directory under $XDG_STATE_HOME/vmtriage/journal:
 *
 *   20261122-063012.481-route_add/
 *     entry.yaml        what ran, the outcome, and how to undo it
 *     edit-0.before     an edited file's contents before ...
 *     edit-0.after      ... and after (for the undo and for root's apply-edit)
 *
 * entry.yaml is written with libyaml's emitter through a temporary file and
 * a rename, first when the fix starts (status "running", so a crash leaves a
 * trace) and again when it ends. `vmtriage undo` lists the entries and runs
 * an entry's undo steps; what it did is written back into the entry.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "fix/fix-journal.h"
#include "fix/fix.h"
#include "flow/diag.h"
#include "flow/yamldoc.h"
#include "host/host.h"
#include "platform/paths.h"
#include "util/util.h"
#include "util/yamlout.h"

#define ENTRY_MAX_BYTES (4 * 1024 * 1024)

struct fix_journal {
	char *dir; /* the entry's directory */
	char *id;
	char *started;
};

char *
fix_journal_default_dir(void)
{
	char *state = platform_state_dir(), *dir;

	if (state == NULL)
		return NULL;
	dir = xasprintf("%s/journal", state);
	free(state);
	return dir;
}

/* mkdir -p, private to its user. */
static int
make_dirs(const char *path)
{
	char *p = xstrdup(path);

	for (char *s = p + 1; *s != '\0'; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0700) != 0 && errno != EEXIST) {
			free(p);
			return -1;
		}
		*s = '/';
	}
	free(p);
	return mkdir(path, 0700) != 0 && errno != EEXIST ? -1 : 0;
}

/*
 * Now, as an entry's id starts ("20261122-063012.481", milliseconds in, so
 * ids sort in the order fixes ran, "last" included) or as ISO 8601 with the zone.
 */
static char *
now_text(bool iso)
{
	char buf[64];
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	if (iso)
		strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S%z", &tm);
	else {
		size_t n = strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", &tm);

		snprintf(buf + n, sizeof buf - n, ".%03ld", ts.tv_nsec / 1000000);
	}
	return xstrdup(buf);
}

static int
write_file_atomic(const char *path, const char *content, size_t len, mode_t mode)
{
	char *tmp = xasprintf("%s.tmp.XXXXXX", path);
	int fd = mkstemp(tmp), rc = -1;

	if (fd == -1)
		goto out;
	fchmod(fd, mode);
	while (len > 0) {
		ssize_t n = write(fd, content, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto out;
		content += n;
		len -= (size_t)n;
	}
	if (fsync(fd) != 0)
		goto out;
	if (close(fd) != 0) {
		fd = -1;
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) != 0)
		goto out;
	rc = 0;
out:
	if (fd != -1)
		close(fd);
	if (rc != 0)
		unlink(tmp);
	free(tmp);
	return rc;
}

const char *
fix_journal_id(const struct fix_journal *j)
{
	return j != NULL ? j->id : NULL;
}

const char *
fix_journal_dir(const struct fix_journal *j)
{
	return j != NULL ? j->dir : NULL;
}

int
fix_journal_blobs(const char *dir, size_t index, const struct fix_step *s, char **before,
                  char **after, char **err)
{
	char *tmpdir = NULL;

	*before = *after = NULL;
	if (dir == NULL) {
		char tmpl[] = "/tmp/vmtriage-edit-XXXXXX";

		if (mkdtemp(tmpl) == NULL) {
			*err = xasprintf(_("no temporary directory for the edit: %s"),
			                 strerror(errno));
			return -1;
		}
		dir = tmpdir = xstrdup(tmpl);
	}
	*before = xasprintf("%s/edit-%zu.before", dir, index);
	*after = xasprintf("%s/edit-%zu.after", dir, index);
	if (write_file_atomic(*before, s->old_content, s->old_len, 0600) != 0 ||
	    write_file_atomic(*after, s->new_content, s->new_len, 0600) != 0) {
		*err = xasprintf(_("cannot keep the contents of %s in %s: %s"), s->path, dir,
		                 strerror(errno));
		free(*before);
		free(*after);
		*before = *after = NULL;
		free(tmpdir);
		return -1;
	}
	free(tmpdir);
	return 0;
}

/* ---- entry.yaml ------------------------------------------------------------ */

static void
emit_steps(struct yamlout *yo, const char *key, const struct fix_step *steps, size_t n,
           const struct fix_journal *j, size_t base)
{
	yamlout_scalar(yo, key);
	yamlout_seq_begin(yo);
	for (size_t i = 0; i < n; i++) {
		const struct fix_step *s = &steps[i];

		yamlout_map_begin(yo);
		if (s->kind == FIX_STEP_EDIT) {
			char *before = NULL, *after = NULL, *err = NULL;

			yamlout_pair(yo, "edit", s->path);
			if (fix_journal_blobs(j->dir, base + i, s, &before, &after, &err) == 0) {
				yamlout_pair(yo, "expect", before);
				yamlout_pair(yo, "content", after);
			} else
				yamlout_pair(yo, "error", err);
			free(before);
			free(after);
			free(err);
		} else {
			yamlout_scalar(yo, "run");
			yamlout_seq_begin(yo);
			for (char **a = s->argv; *a != NULL; a++)
				yamlout_scalar(yo, *a);
			yamlout_seq_end(yo);
			if (s->input != NULL) {
				yamlout_scalar(yo, "input");
				yamlout_text(yo, s->input, strlen(s->input));
			}
		}
		yamlout_pair(yo, "privileged", s->privileged ? "true" : "false");
		if (s->may_fail)
			yamlout_pair(yo, "may_fail", "true");
		if (s->timeout_ms > 0) {
			char t[24];

			snprintf(t, sizeof t, "%d", s->timeout_ms / 1000);
			yamlout_pair(yo, "seconds", t);
		}
		if (s->why != NULL)
			yamlout_pair(yo, "why", s->why);
		yamlout_map_end(yo);
	}
	yamlout_seq_end(yo);
}

static void
write_entry(const struct fix_journal *j, const struct fix_plan *plan, const char *status,
            const struct strlist *log, const char *undone)
{
	char *path = xasprintf("%s/entry.yaml", j->dir), *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	struct yamlout *yo = NULL;

	if (fp == NULL)
		fatalx("open_memstream failed");
	yo = yamlout_new(fp);
	yamlout_map_begin(yo);
	yamlout_pair(yo, "vmtriage-journal", "1");
	yamlout_pair(yo, "id", j->id);
	yamlout_pair(yo, "fix", plan->fix != NULL ? plan->fix->name : "?");
	if (plan->fix != NULL)
		yamlout_pair(yo, "summary", plan->fix->summary);
	yamlout_pair(yo, "started", j->started);
	yamlout_pair(yo, "status", status);
	if (undone != NULL)
		yamlout_pair(yo, "undone", undone);
	if (plan->remote.address != NULL) {
		char port[32];

		snprintf(port, sizeof port, "%ld", plan->remote.port > 0 ? plan->remote.port : 22L);
		yamlout_scalar(yo, "remote");
		yamlout_map_begin(yo);
		yamlout_pair(yo, "address", plan->remote.address);
		yamlout_pair(yo, "port", port);
		if (plan->remote.user != NULL)
			yamlout_pair(yo, "user", plan->remote.user);
		if (plan->remote.key != NULL)
			yamlout_pair(yo, "key", plan->remote.key);
		if (plan->remote.known_hosts != NULL)
			yamlout_pair(yo, "known_hosts", plan->remote.known_hosts);
		yamlout_map_end(yo);
	}
	yamlout_scalar(yo, "params");
	yamlout_map_begin(yo);
	for (size_t i = 0; i < plan->params.n; i++)
		yamlout_pair(yo, plan->params.v[i].name, plan->params.v[i].value);
	yamlout_map_end(yo);
	emit_steps(yo, "steps", plan->steps, plan->nsteps, j, 0);
	emit_steps(yo, "undo", plan->undo, plan->nundo, j, 1000);
	if (plan->undo_note != NULL)
		yamlout_pair(yo, "undo_note", plan->undo_note);
	yamlout_scalar(yo, "log");
	yamlout_seq_begin(yo);
	for (size_t i = 0; log != NULL && i < log->n; i++)
		yamlout_scalar(yo, log->v[i]);
	yamlout_seq_end(yo);
	yamlout_map_end(yo);
	yamlout_finish(yo);
	fclose(fp);
	write_file_atomic(path, buf, len, 0600);
	free(buf);
	free(path);
}

struct fix_journal *
fix_journal_begin(const char *dir, const struct fix_plan *plan, struct strlist *log)
{
	struct fix_journal *j = NULL;
	char *base = NULL, *stamp = NULL;

	if (dir != NULL && dir[0] == '\0')
		return NULL;
	base = dir != NULL ? xstrdup(dir) : fix_journal_default_dir();
	if (base == NULL) {
		strlist_add(log, _("(no journal: neither XDG_STATE_HOME nor HOME is set)"));
		return NULL;
	}
	j = xcalloc(1, sizeof *j);
	stamp = now_text(false);
	j->started = now_text(true);
	/* Two fixes in one second get -2, -3... */
	for (int n = 1; n < 100; n++) {
		free(j->id);
		j->id = n == 1
		            ? xasprintf("%s-%s", stamp, plan->fix != NULL ? plan->fix->name : "fix")
		            : xasprintf("%s-%s-%d", stamp,
		                        plan->fix != NULL ? plan->fix->name : "fix", n);
		free(j->dir);
		j->dir = xasprintf("%s/%s", base, j->id);
		if (make_dirs(base) != 0)
			break;
		if (mkdir(j->dir, 0700) == 0) {
			write_entry(j, plan, "running", NULL, NULL);
			free(base);
			free(stamp);
			return j;
		}
		if (errno != EEXIST)
			break;
	}
	strlist_addf(log, _("(no journal: %s cannot be made: %s)"), j->dir, strerror(errno));
	free(j->dir);
	free(j->id);
	free(j->started);
	free(j);
	free(base);
	free(stamp);
	return NULL;
}

void
fix_journal_finish(struct fix_journal *j, const struct fix_plan *plan, const struct fix_report *rep)
{
	if (j == NULL)
		return;
	write_entry(j, plan, fix_status_name(rep->status), &rep->log, NULL);
	free(j->dir);
	free(j->id);
	free(j->started);
	free(j);
}

/* ---- reading entries back -------------------------------------------------- */

struct entry {
	struct arena *arena;
	const struct ynode *root;
	char *dir;
};

static int
entry_load(const char *dir, struct entry *e, char **err)
{
	char *path = xasprintf("%s/entry.yaml", dir);
	struct host_result hr;
	struct diags d = DIAGS_INIT;

	memset(e, 0, sizeof *e);
	if (host_read_file(host_live(), path, ENTRY_MAX_BYTES, &hr) != 0) {
		*err = xstrdup(hr.message);
		host_result_free(&hr);
		free(path);
		return -1;
	}
	e->arena = arena_new();
	e->root = ydoc_parse_limits(e->arena, path, hr.out, hr.out_len, &d, ENTRY_MAX_BYTES,
	                            ENTRY_MAX_BYTES);
	host_result_free(&hr);
	if (e->root == NULL || e->root->type != YNODE_MAP ||
	    ynode_get(e->root, "vmtriage-journal") == NULL) {
		*err = d.n > 0 ? xasprintf("%s:%d:%d: %s", d.v[0].file, d.v[0].line, d.v[0].col,
		                           d.v[0].msg)
		               : xasprintf(_("%s is not a journal entry"), path);
		diags_free(&d);
		arena_free(e->arena);
		free(path);
		return -1;
	}
	diags_free(&d);
	e->dir = xstrdup(dir);
	free(path);
	return 0;
}

static void
entry_free(struct entry *e)
{
	arena_free(e->arena);
	free(e->dir);
}

static const char *
entry_str(const struct entry *e, const char *key)
{
	const struct ynode *v = ynode_get(e->root, key);

	return v != NULL && v->type == YNODE_SCALAR ? v->str : "";
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The entry directories, oldest first. */
static void
list_entries(const char *base, struct strlist *ids)
{
	DIR *d = opendir(base);
	struct dirent *de;

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] != '.')
			strlist_add(ids, de->d_name);
	}
	closedir(d);
	if (ids->n > 1)
		qsort(ids->v, ids->n, sizeof *ids->v, cmp_str);
}

/* Reads a file whole; NULL with *err. */
static char *
read_blob(const char *path, size_t *len, char **err)
{
	struct host_result hr;
	char *out = NULL;

	if (host_read_file(host_live(), path, 64 * 1024 * 1024, &hr) == 0) {
		out = hr.out;
		*len = hr.out_len;
		hr.out = NULL;
	} else
		*err = xstrdup(hr.message);
	host_result_free(&hr);
	return out;
}

/* The entry's undo list as a plan of steps, with the fix's name. */
static int
undo_plan(const struct entry *e, struct fix_plan *plan, char **err)
{
	const struct ynode *undo = ynode_get(e->root, "undo");

	memset(plan, 0, sizeof *plan);
	plan->fix = fix_find(entry_str(e, "fix"));
	if (undo == NULL || undo->type != YNODE_SEQ || undo->n == 0) {
		*err = xasprintf(_("entry %s has no undo steps%s%s"), entry_str(e, "id"),
		                 *entry_str(e, "undo_note") != '\0' ? ": " : "",
		                 entry_str(e, "undo_note"));
		return -1;
	}
	for (size_t i = 0; i < undo->n; i++) {
		const struct ynode *s = undo->items[i], *run, *edit, *priv, *why;
		bool privileged;

		if (s->type != YNODE_MAP) {
			*err = xasprintf(_("entry %s: undo step %zu is not a mapping"),
			                 entry_str(e, "id"), i + 1);
			return -1;
		}
		run = ynode_get(s, "run");
		edit = ynode_get(s, "edit");
		priv = ynode_get(s, "privileged");
		why = ynode_get(s, "why");
		privileged =
		    priv != NULL && priv->type == YNODE_SCALAR && str_eq(priv->str, "true");
		if (run != NULL && run->type == YNODE_SEQ && run->n > 0) {
			const char **argv = xcalloc(run->n + 1, sizeof *argv);
			const struct ynode *in = ynode_get(s, "input"),
			                   *secs = ynode_get(s, "seconds");

			for (size_t k = 0; k < run->n; k++)
				argv[k] =
				    run->items[k]->type == YNODE_SCALAR ? run->items[k]->str : "";
			fix_plan_add_step_input(
			    plan, privileged, false,
			    why != NULL && why->type == YNODE_SCALAR ? why->str : NULL, argv,
			    in != NULL && in->type == YNODE_SCALAR ? in->str : NULL);
			if (secs != NULL && secs->type == YNODE_SCALAR && atoi(secs->str) > 0)
				fix_plan_step_timeout(plan, atoi(secs->str));
			free(argv);
		} else if (edit != NULL && edit->type == YNODE_SCALAR) {
			const struct ynode *ex = ynode_get(s, "expect"),
			                   *co = ynode_get(s, "content");
			char *expect = NULL, *content = NULL;
			size_t elen = 0, clen = 0;

			if (ex == NULL || co == NULL || ex->type != YNODE_SCALAR ||
			    co->type != YNODE_SCALAR ||
			    (expect = read_blob(ex->str, &elen, err)) == NULL ||
			    (content = read_blob(co->str, &clen, err)) == NULL) {
				if (*err == NULL)
					*err = xasprintf(
					    _("entry %s: undo step %zu lacks its contents"),
					    entry_str(e, "id"), i + 1);
				free(expect);
				return -1;
			}
			/* Taken in as a step of its own: the undo's undo is not kept. */
			fix_plan_add_edit(plan, privileged, N_("Put the file back as it was."),
			                  edit->str, expect, elen, content, clen);
			free(expect);
			free(content);
		} else {
			*err = xasprintf(_("entry %s: undo step %zu is neither run nor edit"),
			                 entry_str(e, "id"), i + 1);
			return -1;
		}
	}
	/* Steps that ran in a guest are undone there. */
	{
		const struct ynode *rem = ynode_get(e->root, "remote");

		if (rem != NULL && rem->type == YNODE_MAP) {
			const struct ynode *addr = ynode_get(rem, "address"),
			                   *port = ynode_get(rem, "port");
			const struct ynode *user = ynode_get(rem, "user"),
			                   *key = ynode_get(rem, "key");
			const struct ynode *kh = ynode_get(rem, "known_hosts");
			struct host_remote r = {0};

			if (addr == NULL || addr->type != YNODE_SCALAR) {
				*err = xasprintf(_("entry %s: its remote has no address"),
				                 entry_str(e, "id"));
				return -1;
			}
			r.address = addr->str;
			r.port = port != NULL && port->type == YNODE_SCALAR ? atol(port->str) : 22;
			r.user = user != NULL && user->type == YNODE_SCALAR ? user->str : NULL;
			r.key = key != NULL && key->type == YNODE_SCALAR ? key->str : NULL;
			r.known_hosts = kh != NULL && kh->type == YNODE_SCALAR ? kh->str : NULL;
			fix_plan_set_remote(plan, &r);
		} else if (rem != NULL) {
			*err =
			    xasprintf(_("entry %s: 'remote' is not a mapping"), entry_str(e, "id"));
			return -1;
		}
	}
	/* The plan's own undo list (the undo of the undo) is not wanted. */
	for (size_t i = 0; i < plan->nundo; i++) {
		free(plan->undo[i].why);
		free(plan->undo[i].path);
		free(plan->undo[i].old_content);
		free(plan->undo[i].new_content);
		strlist_free(&plan->undo[i].diff);
	}
	free(plan->undo);
	plan->undo = NULL;
	plan->nundo = 0;
	return 0;
}

/*
 * The entry remembers it was undone, and how: two keys appended to its
 * mapping (the rest stays byte for byte), written back all or nothing.
 */
static void
mark_undone(const char *dir, const struct strlist *log)
{
	char *path = xasprintf("%s/entry.yaml", dir), *tail = NULL, *when = NULL;
	size_t tail_len = 0;
	struct host_result hr;
	struct strbuf sb = STRBUF_INIT;
	FILE *fp = open_memstream(&tail, &tail_len);
	struct yamlout *yo = NULL;

	if (fp == NULL || host_read_file(host_live(), path, ENTRY_MAX_BYTES, &hr) != 0)
		fatalx("journal entry %s vanished", path);
	when = now_text(true);
	yo = yamlout_new(fp);
	yamlout_map_begin(yo);
	yamlout_pair(yo, "undone", when);
	yamlout_scalar(yo, "undo_log");
	yamlout_seq_begin(yo);
	for (size_t i = 0; i < log->n; i++)
		yamlout_scalar(yo, log->v[i]);
	yamlout_seq_end(yo);
	yamlout_map_end(yo);
	yamlout_finish(yo);
	fclose(fp);
	strbuf_add(&sb, hr.out, hr.out_len);
	if (sb.len > 0 && sb.buf[sb.len - 1] != '\n')
		strbuf_addc(&sb, '\n');
	strbuf_add(&sb, tail, tail_len);
	write_file_atomic(path, sb.buf, sb.len, 0600);
	strbuf_free(&sb);
	host_result_free(&hr);
	free(tail);
	free(when);
	free(path);
}

static void
print_list(const char *base, const struct strlist *ids)
{
	if (ids->n == 0) {
		printf(_("The journal (%s) is empty: no fix has run.\n"), base);
		return;
	}
	printf(_("Fixes in the journal (%s), oldest first:\n"), base);
	for (size_t i = 0; i < ids->n; i++) {
		char *dir = xasprintf("%s/%s", base, ids->v[i]), *err = NULL;
		struct entry e;

		if (entry_load(dir, &e, &err) != 0) {
			printf("  %s  (%s)\n", ids->v[i], err);
			free(err);
		} else {
			const struct ynode *undo = ynode_get(e.root, "undo");
			bool can = undo != NULL && undo->type == YNODE_SEQ && undo->n > 0;

			printf("  %s  %-14s %s%s\n", ids->v[i], entry_str(&e, "status"),
			       *entry_str(&e, "undone") != '\0' ? _("undone ") : "",
			       can ? "" : _("(cannot be undone)"));
			entry_free(&e);
		}
		free(dir);
	}
	printf(_("Undo one with: vmtriage undo ID (--dry-run shows what it would run)\n"));
}

int
fix_undo_main(int argc, char **argv)
{
	char *base = getenv("VMTRIAGE_JOURNAL") != NULL ? xstrdup(getenv("VMTRIAGE_JOURNAL"))
	                                                : fix_journal_default_dir();
	struct strlist ids = STRLIST_INIT;
	const char *id = NULL;
	bool dry_run = false, list = false;
	int status = EXIT_DONE;

	for (int i = 1; i < argc; i++) {
		if (str_eq(argv[i], "--dry-run"))
			dry_run = true;
		else if (str_eq(argv[i], "--list"))
			list = true;
		else if (argv[i][0] != '-' && id == NULL)
			id = argv[i];
		else {
			fprintf(stderr, _("usage: vmtriage undo [--list | ID [--dry-run]]\n"));
			free(base);
			return EXIT_USAGE;
		}
	}
	if (base == NULL) {
		fprintf(stderr, _("vmtriage: undo: no journal: neither XDG_STATE_HOME nor HOME "
		                  "is set\n"));
		return EXIT_USAGE;
	}
	list_entries(base, &ids);
	if (id == NULL || list) {
		print_list(base, &ids);
		goto out;
	}
	/* A unique start of an id will do, or "last". */
	{
		const char *found = NULL;
		size_t matches = 0;

		for (size_t i = 0; i < ids.n; i++) {
			if (str_eq(id, "last") ? i + 1 == ids.n
			                       : strncmp(ids.v[i], id, strlen(id)) == 0) {
				found = ids.v[i];
				matches++;
			}
		}
		if (matches != 1) {
			fprintf(stderr,
			        matches == 0
			            ? _("vmtriage: undo: no journal entry '%s' (vmtriage undo "
			                "--list shows them)\n")
			            : _("vmtriage: undo: '%s' names more than one entry\n"),
			        id);
			status = EXIT_USAGE;
			goto out;
		}
		{
			char *dir = xasprintf("%s/%s", base, found), *err = NULL;
			struct entry e;
			struct fix_plan plan;
			struct fix_report rep;
			struct strlist lines = STRLIST_INIT;
			struct fix_run_opts fo = {.dry_run = dry_run, .journal_dir = ""};

			if (entry_load(dir, &e, &err) != 0) {
				fprintf(stderr, "vmtriage: undo: %s\n", err);
				free(err);
				free(dir);
				status = EXIT_DATAERR;
				goto out;
			}
			if (*entry_str(&e, "undone") != '\0') {
				fprintf(stderr, _("vmtriage: undo: %s was undone already (%s)\n"),
				        found, entry_str(&e, "undone"));
				entry_free(&e);
				free(dir);
				status = EXIT_USAGE;
				goto out;
			}
			if (undo_plan(&e, &plan, &err) != 0) {
				fprintf(stderr, "vmtriage: undo: %s\n", err);
				free(err);
				fix_plan_free(&plan);
				entry_free(&e);
				free(dir);
				status = EXIT_CAUSE;
				goto out;
			}
			printf(_("Undoing %s (%s):\n"), found, entry_str(&e, "fix"));
			fix_run(&plan, host_live(), &fo, &rep);
			for (size_t i = 0; i < rep.log.n; i++)
				printf("  %s\n", rep.log.v[i]);
			if (rep.status == FIX_APPLIED) {
				mark_undone(dir, &rep.log);
				printf(_("Undone.\n"));
			} else if (rep.status != FIX_DRY_RUN) {
				printf(_("The undo did not complete: %s\n"),
				       fix_status_name(rep.status));
				status = EXIT_CAUSE;
			}
			strlist_free(&lines);
			fix_report_free(&rep);
			fix_plan_free(&plan);
			entry_free(&e);
			free(dir);
		}
	}
out:
	strlist_free(&ids);
	free(base);
	return status;
}
