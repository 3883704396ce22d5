/*
 * cli-probe.c: `vmtriage probe` runs one probe by hand and prints its outcome,
 * facts and evidence (as text, or YAML for scripts); `vmtriage fix` shows the
 * plan a fix would run. Both list their registry with --list.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "util/yamlout.h"
#include "fix/fix.h"
#include "host/host.h"
#include "probe/probe.h"
#include "util/util.h"

static const char *
param_type_name(enum param_type t)
{
	switch (t) {
	case PARAM_STRING: return "string";
	case PARAM_INT: return "integer";
	case PARAM_BOOL: return "boolean";
	case PARAM_SECONDS: return "seconds";
	case PARAM_PATH: return "path";
	case PARAM_ARGV: return "command";
	case PARAM_REGEX: return "regex";
	case PARAM_ENUM: return "choice";
	case PARAM_NAME: return "name";
	case PARAM_CIDR: return "subnet";
	case PARAM_ADDRESS: return "address";
	}
	return "?";
}

static void
print_params(const struct param_def *defs)
{
	for (const struct param_def *p = defs; p != NULL && p->name != NULL; p++) {
		printf("    %s=<%s>", p->name, param_type_name(p->type));
		if (p->type == PARAM_ENUM && p->choices != NULL) {
			fputs(" (", stdout);
			for (size_t i = 0; p->choices[i] != NULL; i++)
				printf("%s%s", i > 0 ? "|" : "", p->choices[i]);
			fputs(")", stdout);
		}
		if (p->required)
			printf(_(" required"));
		else if (p->def != NULL)
			printf(_(" default %s"), p->def);
		if (p->help != NULL)
			printf(": %s", _(p->help));
		putchar('\n');
	}
}

/* KEY=VALUE arguments into params; a bad one prints why and returns -1. */
static int
parse_assignments(char **args, int n, struct params *given)
{
	for (int i = 0; i < n; i++) {
		char *eq = strchr(args[i], '=');
		char *key;

		if (eq == NULL || eq == args[i]) {
			fprintf(stderr, _("vmtriage: '%s' is not KEY=VALUE\n"), args[i]);
			return -1;
		}
		key = xstrndup(args[i], (size_t)(eq - args[i]));
		params_set(given, key, eq + 1);
		free(key);
	}
	return 0;
}

static int
probe_list(void)
{
	for (size_t i = 0; probe_table[i] != NULL; i++) {
		const struct probe_entry *pe = probe_table[i];

		printf("%s: %s\n", pe->name, _(pe->summary));
		printf(_("  parameters:\n"));
		print_params(pe->params);
		printf(_("  outcomes:\n"));
		for (const struct outcome_def *o = pe->outcomes; o->name != NULL; o++)
			printf("    %s: %s\n", o->name, _(o->help));
		printf(_("    error: the probe could not look (bad parameter, timeout, cancelled)\n"));
		if (pe->facts != NULL && pe->facts[0] != NULL) {
			printf(_("  facts:"));
			for (size_t f = 0; pe->facts[f] != NULL; f++)
				printf(" %s", pe->facts[f]);
			putchar('\n');
		}
		putchar('\n');
	}
	return EXIT_DONE;
}

static void
probe_print_yaml(const struct probe_entry *pe, const struct probe_result *res)
{
	struct yamlout *yo = yamlout_new(stdout);
	char ms[32];

	yamlout_map_begin(yo);
	yamlout_pair(yo, "probe", pe->name);
	yamlout_pair(yo, "outcome", res->outcome);
	if (res->summary != NULL)
		yamlout_pair(yo, "summary", res->summary);
	snprintf(ms, sizeof ms, "%ld", res->elapsed_ms);
	yamlout_pair(yo, "elapsed_ms", ms);
	yamlout_scalar(yo, "facts");
	yamlout_map_begin(yo);
	for (size_t i = 0; i < res->nfacts; i++)
		yamlout_pair(yo, res->facts[i].key, res->facts[i].value);
	yamlout_map_end(yo);
	yamlout_scalar(yo, "evidence");
	yamlout_seq_begin(yo);
	for (size_t i = 0; i < res->evidence.n; i++)
		yamlout_scalar(yo, res->evidence.v[i]);
	yamlout_seq_end(yo);
	yamlout_map_end(yo);
	if (yamlout_finish(yo) != 0)
		fprintf(stderr, _("vmtriage: could not write YAML\n"));
}

int
cli_probe(int argc, char **argv)
{
	const struct probe_entry *pe;
	struct params given = { 0 };
	struct probe_result res = { 0 };
	int yaml = 0, status, rc, nassigns = 0;
	char **assigns = NULL;
	const char *name = NULL;

	if (argc == 2 && strcmp(argv[1], "--list") == 0)
		return probe_list();
	/* --format may stand anywhere; the first other word is the probe, the rest KEY=VALUE. */
	assigns = xcalloc((size_t)argc, sizeof *assigns);
	for (int i = 1; i < argc; i++) {
		const char *fmt = NULL;

		if (strcmp(argv[i], "--format") == 0 && i + 1 < argc)
			fmt = argv[++i];
		else if (strncmp(argv[i], "--format=", 9) == 0)
			fmt = argv[i] + 9;
		else if (argv[i][0] == '-') {
			fprintf(stderr, _("vmtriage: unknown option '%s'\n"), argv[i]);
			free(assigns);
			return EXIT_USAGE;
		} else {
			if (name == NULL)
				name = argv[i];
			else
				assigns[nassigns++] = argv[i];
			continue;
		}
		if (strcmp(fmt, "yaml") != 0 && strcmp(fmt, "text") != 0) {
			fprintf(stderr, _("vmtriage: --format takes text or yaml\n"));
			free(assigns);
			return EXIT_USAGE;
		}
		yaml = strcmp(fmt, "yaml") == 0;
	}
	if (name == NULL) {
		fprintf(stderr, _("usage: vmtriage probe NAME [KEY=VALUE...] [--format text|yaml]\n"
				  "       vmtriage probe --list\n"));
		free(assigns);
		return EXIT_USAGE;
	}
	if ((pe = probe_find(name)) == NULL) {
		fprintf(stderr, _("vmtriage: no probe is called '%s' (see: vmtriage probe --list)\n"),
		    name);
		free(assigns);
		return EXIT_USAGE;
	}
	rc = parse_assignments(assigns, nassigns, &given);
	free(assigns);
	if (rc != 0) {
		params_free(&given);
		return EXIT_USAGE;
	}
	{
		struct params resolved = { 0 };
		char *why = params_resolve(pe->params, &given, &resolved);

		params_free(&resolved);
		if (why != NULL) {
			fprintf(stderr, _("vmtriage: probe %s: %s\n"), pe->name, why);
			free(why);
			params_free(&given);
			return EXIT_USAGE;
		}
	}
	probe_run(pe, &given, cli_host(), &res);
	if (yaml)
		probe_print_yaml(pe, &res);
	else {
		printf(_("outcome: %s\n"), res.outcome);
		if (res.summary != NULL)
			printf(_("summary: %s\n"), res.summary);
		if (res.nfacts > 0) {
			printf(_("facts:\n"));
			for (size_t i = 0; i < res.nfacts; i++)
				printf("  %s = %s\n", res.facts[i].key, res.facts[i].value);
		}
		if (res.evidence.n > 0) {
			printf(_("evidence:\n"));
			for (size_t i = 0; i < res.evidence.n; i++)
				printf("  | %s\n", res.evidence.v[i]);
		}
	}
	status = strcmp(res.outcome, OUTCOME_ERROR) == 0 ? EXIT_STOPPED : EXIT_DONE;
	probe_result_free(&res);
	params_free(&given);
	return status;
}

static int
fix_list(void)
{
	for (size_t i = 0; fix_table[i] != NULL; i++) {
		const struct fix_entry *fe = fix_table[i];

		printf("%s: %s\n", fe->name, _(fe->summary));
		if (fe->platforms != NULL)
			printf(_("  platforms: %s\n"), fe->platforms);
		if (fe->params != NULL && fe->params[0].name != NULL) {
			printf(_("  parameters:\n"));
			print_params(fe->params);
		}
		putchar('\n');
	}
	return EXIT_DONE;
}

int
cli_fix(int argc, char **argv)
{
	const struct fix_entry *fe;
	struct params given = { 0 };
	struct fix_plan plan = { 0 };
	struct strlist lines = STRLIST_INIT;
	char *cause = NULL;
	int status = EXIT_DONE;

	if (argc == 2 && strcmp(argv[1], "--list") == 0)
		return fix_list();
	if (argc < 2 || argv[1][0] == '-') {
		fprintf(stderr, _("usage: vmtriage fix NAME [KEY=VALUE...]\n"
				  "       vmtriage fix --list\n"));
		return EXIT_USAGE;
	}
	if ((fe = fix_find(argv[1])) == NULL) {
		fprintf(stderr, _("vmtriage: no fix is called '%s' (see: vmtriage fix --list)\n"),
		    argv[1]);
		return EXIT_USAGE;
	}
	if (parse_assignments(argv + 2, argc - 2, &given) != 0) {
		status = EXIT_USAGE;
		goto out;
	}
	if (fix_make_plan(fe, &given, cli_host(), &plan, &cause) != 0) {
		fprintf(stderr, _("vmtriage: fix %s: %s\n"), fe->name, cause);
		status = EXIT_USAGE;
		goto out;
	}
	fix_plan_render(&plan, &lines);
	printf(_("The fix '%s' would do this (nothing has run):\n"), fe->name);
	for (size_t i = 0; i < lines.n; i++)
		printf("  %s\n", lines.v[i]);
out:
	free(cause);
	strlist_free(&lines);
	fix_plan_free(&plan);
	params_free(&given);
	return status;
}
