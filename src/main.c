/*
 * main.c: vmtriage's entry point. Sets up the locale and message catalogue,
 * takes the options every subcommand shares, and hands over to a subcommand.
 */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "util/util.h"

static const struct {
	const char *name;
	int (*fn)(int, char **);
} commands[] = {
	{ "list", cli_list },
	{ "check", cli_check },
	{ "run", cli_run },
	{ "why", cli_why },
	{ "probe", cli_probe },
	{ "fix", cli_fix },
	{ "graph", cli_graph },
};

/*
 * Takes --lang LANG (or --lang=LANG) out of argv wherever it stands, so it
 * works before and after the subcommand. Returns the new argc, or -1.
 */
static int
take_lang(int argc, char **argv)
{
	int out = 1;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--lang") == 0) {
			if (i + 1 == argc)
				return -1;
			cli_global.lang = argv[++i];
		} else if (strncmp(argv[i], "--lang=", 7) == 0)
			cli_global.lang = argv[i] + 7;
		else
			argv[out++] = argv[i];
	}
	argv[out] = NULL;
	return out;
}

int
main(int argc, char **argv)
{
	int i;

	setlocale(LC_ALL, "");
#ifdef ENABLE_NLS
	bindtextdomain(PACKAGE, cli_running_from_build_tree() ? BUILDDIR "/locale" : LOCALEDIR);
	bind_textdomain_codeset(PACKAGE, "UTF-8");
	textdomain(PACKAGE);
#endif

	if ((argc = take_lang(argc, argv)) < 0) {
		fprintf(stderr, _("vmtriage: --lang needs a language, such as zh_CN or de\n"));
		return EXIT_USAGE;
	}
	/* Options before the subcommand: --help, --version. */
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			cli_usage(stdout);
			return EXIT_DONE;
		}
		if (strcmp(argv[i], "--version") == 0) {
			printf("vmtriage %s\n", PACKAGE_VERSION);
			return EXIT_DONE;
		}
		fprintf(stderr, _("vmtriage: unknown option '%s'\n"), argv[i]);
		cli_usage(stderr);
		return EXIT_USAGE;
	}
	if (cli_global.lang != NULL)
		setenv("LANGUAGE", cli_global.lang, 1);
	if (i == argc)
		return cli_wizard();
	for (size_t c = 0; c < nitems(commands); c++)
		if (strcmp(argv[i], commands[c].name) == 0)
			return commands[c].fn(argc - i, argv + i);
	fprintf(stderr, _("vmtriage: unknown command '%s'\n"), argv[i]);
	cli_usage(stderr);
	return EXIT_USAGE;
}
