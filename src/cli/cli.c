/*
 * cli.c: what the subcommands share (the catalogue, the user's language, the
 * usage text) and the small subcommands: list, check, why, and the
 * interactive entry without arguments.
 */
#include "config.h"

#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "host/host.h"
#include "host/snapshot.h"
#include "engine/facts.h"
#include "fix/fix.h"
#include "ui/ui.h"
#include "util/util.h"

struct cli_global cli_global;

/* Paths of flows that had errors, so run/graph can refuse them and others can skip them. */
static struct strlist broken_paths = STRLIST_INIT;

void
cli_usage(FILE *fp)
{
	fputs(_("Usage: vmtriage [--lang LANG] [--set KEY=VALUE]... [COMMAND [ARGS...]]\n"
	        "Gets virtual machines working again: walks you from a symptom to its cause,\n"
	        "looking at the machine as it goes, and offers fixes that show what they run.\n"
	        "\n"
	        "Without a command, starts the interactive wizard.\n"
	        "\n"
	        "Commands:\n"
	        "  list                      the problems vmtriage knows, by group\n"
	        "  run FLOW [OPTIONS]        walk a flow (id or .yaml path) in plain text\n"
	        "      --answers FILE        take answers from FILE (node-id: answer)\n"
	        "      --auto                run probes only; never ask, never fix\n"
	        "      --from NODE           start at NODE instead of the flow's start\n"
	        "      --dry-run             show fix plans, run nothing\n"
	        "      --set KEY=VALUE       give a fact the probes would find (instance=web)\n"
	        "      --transcript          talk a caller through it: the commands to read out\n"
	        "                            for their system, their answers typed in\n"
	        "  resume [SESSION]          go on with a saved walk where it stopped\n"
	        "  report [SESSION]          the walk written up for a ticket (--format md|yaml,\n"
	        "                            --redact hides addresses, host and user names)\n"
	        "  why \"ERROR TEXT\"          find the step that explains an error message\n"
	        "  check [FLOW...]           validate flows (all when none given)\n"
	        "      --sources DIR         also check each node's source: against the\n"
	        "                            documents in DIR\n"
	        "  probe NAME [KEY=VALUE...] run one probe; --format yaml for scripts\n"
	        "  probe --list              every probe, its parameters and outcomes\n"
	        "  fix NAME [KEY=VALUE...]   show the plan a fix would run\n"
	        "  fix --list                every fix and its parameters\n"
	        "  undo [--list | ID]        the fixes that ran, or undo one (--dry-run)\n"
	        "  graph FLOW                the flow as a Graphviz DOT graph\n"
	        "  collect [-o FILE]         save what the probes read on this machine, for\n"
	        "                            a help desk to walk offline with --snapshot\n"
	        "      --instance NAME       also look at this instance (repeatable)\n"
	        "      --capture SECONDS     also capture DHCP on the bridge (needs root)\n"
	        "\n"
	        "Options:\n"
	        "  --lang LANG               language for messages and flows (zh_CN, de, es)\n"
	        "  --snapshot FILE           look at a collected snapshot, not this machine;\n"
	        "                            fixes are shown, never run\n"
	        "  --help, --version\n"
	        "\n"
	        "Exit status of run: 0 solved or healthy, 1 cause found or escalation,\n"
	        "2 usage error, 3 stopped before the end, 65 the flow has errors.\n"),
	      fp);
}

void
cli_set_lang(const char *lang)
{
	static char buf[32];

	snprintf(buf, sizeof buf, "%s", lang);
	cli_global.lang = buf;
	setenv("LANGUAGE", buf, 1);
#ifdef ENABLE_NLS
	/* gettext keeps what it found; a new textdomain call makes it look again. */
	textdomain(PACKAGE);
#endif
}

const char *
cli_next_lang(void)
{
	static const struct {
		const char *code, *name;
	} langs[] = {{"en", "English"}, {"zh_CN", "中文"}, {"es", "Español"}, {"de", "Deutsch"}};
	const char *cur = cli_lang();
	size_t i, next = 1;

	for (i = 0; i < nitems(langs); i++) {
		size_t n = strlen(langs[i].code);

		/* zh_CN, de_DE, es_MX...: the language part decides. */
		if (strncmp(cur, langs[i].code, n) == 0 ||
		    (strlen(cur) >= 2 && strncmp(cur, langs[i].code, 2) == 0)) {
			next = (i + 1) % nitems(langs);
			break;
		}
	}
	cli_set_lang(langs[next].code);
	return langs[next].name;
}

const char *
cli_lang(void)
{
	static char buf[32];
	const char *vars[] = {"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"};
	const char *v = cli_global.lang;

	for (size_t i = 0; v == NULL && i < nitems(vars); i++) {
		const char *e = getenv(vars[i]);

		if (e != NULL && e[0] != '\0')
			v = e;
	}
	if (v == NULL)
		return "en";
	/* "zh_CN.UTF-8:en" -> "zh_CN"; "C" and "POSIX" mean English. */
	snprintf(buf, sizeof buf, "%s", v);
	buf[strcspn(buf, ":.@")] = '\0';
	if (strcmp(buf, "C") == 0 || strcmp(buf, "POSIX") == 0 || buf[0] == '\0')
		return "en";
	return buf;
}

const char *
cli_text(const struct flow_text *t)
{
	const char *s = flow_text_get(t, cli_lang());

	return s != NULL ? s : "";
}

static bool
path_listed(const struct strlist *sl, const char *path)
{
	for (size_t i = 0; i < sl->n; i++)
		if (strcmp(sl->v[i], path) == 0)
			return true;
	return false;
}

bool
flow_for_platform(const struct flow *f, const char *os)
{
	if (f->nplatforms == 0 || os == NULL)
		return true;
	for (size_t i = 0; i < f->nplatforms; i++)
		if (strcmp(f->platforms[i], os) == 0)
			return true;
	return false;
}

bool
cli_flow_is_broken(const struct flow *f)
{
	return path_listed(&broken_paths, f->path);
}

struct host *
cli_host(void)
{
	return cli_global.host != NULL ? cli_global.host : host_live();
}

bool
cli_confirm_prompt(FILE *out, int seconds)
{
	struct pollfd pfd = {STDIN_FILENO, POLLIN, 0};
	time_t deadline = time(NULL) + seconds;
	char buf[64];

	fprintf(out,
	        _("  The change is in place. Keep it? Type 'keep' within %d seconds, or it "
	          "is put back by itself: "),
	        seconds);
	fflush(out);
	while (!vt_cancelled) {
		int left = (int)(deadline - time(NULL));

		if (left <= 0 || poll(&pfd, 1, left * 1000) <= 0)
			break;
		if (fgets(buf, sizeof buf, stdin) == NULL)
			break;
		buf[strcspn(buf, "\r\n")] = '\0';
		if (strcmp(buf, "keep") == 0 || strcmp(buf, "y") == 0 || strcmp(buf, "yes") == 0)
			return true;
		if (strcmp(buf, "n") == 0 || strcmp(buf, "no") == 0 || strcmp(buf, "revert") == 0)
			break;
		fprintf(out, _("  Type 'keep' to keep it, 'revert' to put it back: "));
		fflush(out);
	}
	fprintf(out, "\n");
	return false;
}

bool
cli_confirm_loss_prompt(FILE *out, const struct fix_plan *plan)
{
	char buf[64];

	if (plan->lost != NULL)
		fprintf(out, _("  This deletes: %s\n"), _(plan->lost));
	for (int i = 1; i <= plan->destructive; i++) {
		fprintf(out, _("  It cannot be undone. Type 'delete' to go on (%d of %d): "), i,
		        plan->destructive);
		fflush(out);
		if (fgets(buf, sizeof buf, stdin) == NULL)
			return false;
		buf[strcspn(buf, "\r\n")] = '\0';
		if (strcmp(buf, "delete") != 0)
			return false;
	}
	return true;
}

void
cli_host_facts(struct facts *f)
{
	struct host *h = cli_host();
	struct snapshot *s = host_snapshot_get(h);
	const char *k;

	facts_set_host(f, host_os(h), host_arch(h));
	for (size_t i = 0; s != NULL && (k = snapshot_meta_key(s, i)) != NULL; i++) {
		size_t pl = strlen(SNAPSHOT_FACT_PREFIX);

		if (strncmp(k, SNAPSHOT_FACT_PREFIX, pl) == 0 && k[pl] != '\0')
			facts_set(f, k + pl, snapshot_meta(s, k));
	}
	/* Facts given before the command win over what the machine says. */
	for (size_t i = 0; i < cli_global.set.n; i++)
		facts_set(f, cli_global.set.keys[i], cli_global.set.values[i]);
}

int
cli_global_set(const char *kv)
{
	const char *eq = strchr(kv, '=');
	char *key = NULL;

	if (eq == NULL || eq == kv) {
		fprintf(stderr, _("vmtriage: --set takes KEY=VALUE, not '%s'\n"), kv);
		return -1;
	}
	key = xstrndup(kv, (size_t)(eq - kv));
	facts_set(&cli_global.set, key, eq + 1);
	free(key);
	return 0;
}

int
cli_open_snapshot(void)
{
	char *err = NULL;

	if (cli_global.snapshot == NULL || cli_global.host != NULL)
		return 0;
	if ((cli_global.host = host_snapshot_open(cli_global.snapshot, &err)) == NULL) {
		fprintf(stderr, _("vmtriage: cannot use the snapshot: %s\n"), err);
		free(err);
		return EXIT_DATAERR;
	}
	return 0;
}

bool
cli_running_from_build_tree(void)
{
	char exe[4096];
	ssize_t n;

	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		return false;
	exe[n] = '\0';
	if (strrchr(exe, '/') != NULL)
		*strrchr(exe, '/') = '\0';
	return strcmp(exe, BUILDDIR) == 0;
}

/*
 * Run from the build tree (./vmtriage right after make), the program uses the
 * flows of its source tree, so a newcomer need not install it first.
 */
static void
use_source_flows(void)
{
	if (getenv("VMTRIAGE_FLOW_PATH") == NULL && cli_running_from_build_tree())
		setenv("VMTRIAGE_FLOW_PATH", SRCFLOWDIR, 1);
}

size_t
cli_load_catalog(struct catalog *cat, char **extra, int nextra, bool report_all, FILE *diag_out)
{
	struct diags d = DIAGS_INIT, shown = DIAGS_INIT;
	struct strlist dirs = STRLIST_INIT, extra_paths = STRLIST_INIT;
	size_t nerrors = 0;

	/* Files named on the command line first: the first flow with an id wins. */
	for (int i = 0; i < nextra; i++) {
		struct flow *f = flow_load_file(extra[i], &d);

		strlist_add(&extra_paths, extra[i]);
		if (f == NULL)
			continue;
		/* Only command-line flows are in the catalogue yet. */
		if (catalog_find(cat, f->id) != NULL) {
			diag_add(&d, DIAG_ERROR, extra[i], 0, 0,
			         _("flow id '%s' is also used by %s"), f->id,
			         catalog_find(cat, f->id)->path);
			flow_free(f);
			continue;
		}
		catalog_add(cat, f);
	}
	use_source_flows();
	catalog_default_dirs(&dirs);
	catalog_load_dirs(cat, &dirs, &d);
	for (size_t i = 0; i < cat->nflows; i++)
		flow_validate(cat->flows[i], cat, &d);

	for (size_t i = 0; i < d.n; i++) {
		const struct diag *x = &d.v[i];

		if (x->level == DIAG_ERROR && !path_listed(&broken_paths, x->file))
			strlist_add(&broken_paths, x->file);
		if (report_all || path_listed(&extra_paths, x->file)) {
			diag_add(&shown, x->level, x->file, x->line, x->col, "%s", x->msg);
			if (x->level == DIAG_ERROR)
				nerrors++;
		}
	}
	diags_sort(&shown);
	diags_print(&shown, diag_out);
	diags_free(&shown);
	diags_free(&d);
	strlist_free(&dirs);
	strlist_free(&extra_paths);
	return nerrors;
}

static bool
looks_like_path(const char *arg)
{
	return strchr(arg, '/') != NULL || str_has_suffix(arg, ".yaml") ||
	       str_has_suffix(arg, ".yml");
}

const struct flow *
cli_resolve_flow(struct catalog *cat, const char *arg, int *status)
{
	const struct flow *f = NULL;

	if (looks_like_path(arg)) {
		for (size_t i = 0; i < cat->nflows; i++)
			if (strcmp(cat->flows[i]->path, arg) == 0)
				f = cat->flows[i];
		if (f == NULL) {
			/* It did not load; its problems were printed. */
			*status = EXIT_DATAERR;
			return NULL;
		}
	} else if ((f = catalog_find(cat, arg)) == NULL) {
		fprintf(stderr, _("vmtriage: no flow is called '%s' (see: vmtriage list)\n"), arg);
		*status = EXIT_USAGE;
		return NULL;
	}
	if (cli_flow_is_broken(f)) {
		fprintf(stderr, _("vmtriage: flow '%s' has errors; see: vmtriage check %s\n"),
		        f->id, f->path);
		*status = EXIT_DATAERR;
		return NULL;
	}
	return f;
}

static int
flow_cmp(const void *a, const void *b)
{
	const struct flow *x = *(const struct flow *const *)a, *y = *(const struct flow *const *)b;
	int c = strcmp(x->group, y->group);

	return c != 0 ? c : strcmp(x->id, y->id);
}

int
cli_list(int argc, char **argv)
{
	struct catalog cat = {0};
	const struct flow **sorted = NULL;
	const char *group = NULL;

	if (argc > 1) {
		fprintf(stderr, _("usage: vmtriage list\n"));
		return EXIT_USAGE;
	}
	(void)argv;
	cli_load_catalog(&cat, NULL, 0, false, stderr);
	sorted = xcalloc(cat.nflows + 1, sizeof *sorted);
	memcpy(sorted, cat.flows, cat.nflows * sizeof *sorted);
	qsort(sorted, cat.nflows, sizeof *sorted, flow_cmp);
	for (size_t i = 0; i < cat.nflows; i++) {
		const struct flow *f = sorted[i];
		struct strbuf plat = STRBUF_INIT;

		if (group == NULL || strcmp(group, f->group) != 0) {
			group = f->group;
			printf("%s%s:\n", i > 0 ? "\n" : "", group);
		}
		for (size_t p = 0; p < f->nplatforms; p++)
			strbuf_addf(&plat, "%s%s", p > 0 ? "," : "", f->platforms[p]);
		printf("  %-24s %s%s%s%s%s\n", f->id, cli_text(&f->title), plat.len > 0 ? " [" : "",
		       plat.len > 0 ? plat.buf : "", plat.len > 0 ? "]" : "",
		       cli_flow_is_broken(f) ? _(" (has errors)") : "");
		strbuf_free(&plat);
	}
	if (cat.nflows == 0)
		fprintf(stderr, _("vmtriage: no flows found (set VMTRIAGE_FLOW_PATH?)\n"));
	free(sorted);
	catalog_free(&cat);
	return EXIT_DONE;
}

/*
 * check --sources DIR: every flow checked, and each of its nodes, cites a
 * section that DIR's documents have. Prints the problems; returns how many.
 */
static size_t
check_sources(const struct catalog *cat, const struct strlist *files, const char *dir)
{
	struct flow_source_docs *docs = flow_source_docs_new(dir);
	struct diags d = DIAGS_INIT;
	size_t n;

	for (size_t i = 0; i < cat->nflows; i++) {
		const struct flow *f = cat->flows[i];
		bool listed = files->n == 0;

		for (size_t j = 0; j < files->n && !listed; j++)
			listed = strcmp(files->v[j], f->path) == 0;
		if (listed)
			flow_check_sources(f, docs, &d);
	}
	diags_sort(&d);
	diags_print(&d, stderr);
	n = d.n;
	diags_free(&d);
	flow_source_docs_free(docs);
	return n;
}

int
cli_check(int argc, char **argv)
{
	struct catalog cat = {0};
	struct strlist files = STRLIST_INIT;
	const char *sources = NULL;
	size_t nerrors;
	int quiet = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-q") == 0 || strcmp(argv[i], "--quiet") == 0) {
			quiet = 1;
		} else if (strcmp(argv[i], "--sources") == 0) {
			if (++i >= argc) {
				fprintf(stderr, _("vmtriage: --sources needs the directory of the "
				                  "source documents\n"));
				strlist_free(&files);
				return EXIT_USAGE;
			}
			sources = argv[i];
		} else {
			strlist_add(&files, argv[i]);
		}
	}
	nerrors = cli_load_catalog(&cat, files.v, (int)files.n, files.n == 0, stderr);
	if (sources != NULL)
		nerrors += check_sources(&cat, &files, sources);
	if (!quiet) {
		size_t n = files.n > 0 ? files.n : cat.nflows;

		fprintf(stderr, _("%zu flow file(s) checked, %zu error(s)\n"), n, nerrors);
	}
	strlist_free(&files);
	catalog_free(&cat);
	return nerrors > 0 ? EXIT_DATAERR : EXIT_DONE;
}

int
cli_why(int argc, char **argv)
{
	struct catalog cat = {0};
	struct flow_why_hit hits[32];
	size_t n, shown;
	struct strbuf msg = STRBUF_INIT;

	if (argc < 2) {
		fprintf(stderr, _("usage: vmtriage why \"ERROR TEXT\"\n"));
		return EXIT_USAGE;
	}
	for (int i = 1; i < argc; i++)
		strbuf_addf(&msg, "%s%s", i > 1 ? " " : "", argv[i]);
	cli_load_catalog(&cat, NULL, 0, false, stderr);
	n = catalog_why(&cat, msg.buf, hits, nitems(hits));
	shown = n < nitems(hits) ? n : nitems(hits);
	if (n == 0)
		printf(_("No flow knows this message. Try: vmtriage list\n"));
	for (size_t i = 0; i < shown; i++) {
		const struct flow_why_hit *h = &hits[i];
		const char *what = h->node != NULL ? cli_text(&h->node->title) : "";

		if (h->node != NULL && what[0] == '\0')
			what = cli_text(&h->flow->title);
		printf(_("%s: step '%s' (%s:%d)\n  %s\n  matched: \"%s\"\n  walk it: vmtriage run "
		         "%s --from %s\n"),
		       h->flow->id, h->error->node, h->flow->path, h->error->pos.line, what,
		       h->error->match, h->flow->id, h->error->node);
	}
	strbuf_free(&msg);
	catalog_free(&cat);
	return n > 0 ? EXIT_DONE : EXIT_CAUSE;
}

int
cli_wizard(void)
{
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, _("vmtriage: the wizard needs a terminal. Without one, use:\n"
		                  "  vmtriage list            to see the problems it knows\n"
		                  "  vmtriage run FLOW        to walk one in plain text\n"));
		return EXIT_USAGE;
	}
	return ui_main();
}
