/*
 * main.c: vmtriage's entry point. Sets up the locale and message catalogue,
 * takes the options every subcommand shares, and hands over to a subcommand.
 */
#include "config.h"

#include <locale.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "fix/fix.h"
#include "util/util.h"

static const struct {
	const char *name;
	int (*fn)(int, char **);
} commands[] = {
    {"list", cli_list},
    {"check", cli_check},
    {"run", cli_run},
    {"resume", cli_resume},
    {"report", cli_report},
    {"why", cli_why},
    {"probe", cli_probe},
    {"fix", cli_fix},
    {"graph", cli_graph},
    {"collect", cli_collect},
    {"undo", fix_undo_main},
    /* For translators and the build: the flows' texts as a PO template. */
    {"pot", cli_pot},
    /* Not for people: the privileged half of a file edit, run under sudo. */
    {"apply-edit", fix_apply_edit_main},
};

/*
 * Options every command understands, wherever they stand: --lang LANG and
 * --snapshot FILE are taken out of argv, and so is --set KEY=VALUE before
 * the command. Returns the new argc, -1 with *missing naming the option that
 * lacks its value, or -2 when a --set was not KEY=VALUE (already said).
 */
static int
take_global_options(int argc, char **argv, const char **missing)
{
	static const struct {
		const char *name;
		const char **value;
	} opts[] = {
	    {"--lang", &cli_global.lang},
	    {"--snapshot", &cli_global.snapshot},
	};
	int out = 1;
	bool command = false;

	for (int i = 1; i < argc; i++) {
		bool taken = false;

		/* --set KEY=VALUE before the command: facts for the wizard (or any walk). */
		if (!command && strcmp(argv[i], "--set") == 0) {
			if (i + 1 == argc) {
				*missing = "--set";
				return -1;
			}
			if (cli_global_set(argv[++i]) != 0)
				return -2;
			continue;
		}

		for (size_t o = 0; o < nitems(opts) && !taken; o++) {
			size_t len = strlen(opts[o].name);

			if (strcmp(argv[i], opts[o].name) == 0) {
				if (i + 1 == argc) {
					*missing = opts[o].name;
					return -1;
				}
				*opts[o].value = argv[++i];
				taken = true;
			} else if (strncmp(argv[i], opts[o].name, len) == 0 &&
			           argv[i][len] == '=') {
				*opts[o].value = argv[i] + len + 1;
				taken = true;
			}
		}
		if (!taken) {
			command = command || argv[i][0] != '-';
			argv[out++] = argv[i];
		}
	}
	argv[out] = NULL;
	return out;
}

/*
 * The locale from the environment, such that messages follow the language it
 * names even where that locale is not installed (a fresh Debian has only C
 * and C.UTF-8): gettext then still reads LANGUAGE, which it ignores in the
 * plain C locale. So a missing de_DE.UTF-8 becomes C.UTF-8 with LANGUAGE=de_DE.
 */
static void
set_locale(void)
{
	const char *vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
	const char *want = NULL, *got, *language = getenv("LANGUAGE");
	char buf[64];

	for (size_t i = 0; i < nitems(vars) && want == NULL; i++)
		if (getenv(vars[i]) != NULL && getenv(vars[i])[0] != '\0')
			want = getenv(vars[i]);
	if (setlocale(LC_ALL, "") != NULL) {
		got = setlocale(LC_MESSAGES, NULL);
		/* The C locale ignores LANGUAGE: with one set, take C.UTF-8 instead. */
		if (got != NULL && (strcmp(got, "C") == 0 || strcmp(got, "POSIX") == 0) &&
		    language != NULL && language[0] != '\0')
			setlocale(LC_ALL, "C.UTF-8");
		return;
	}
	setlocale(LC_ALL, "C.UTF-8");
	if ((language == NULL || language[0] == '\0') && want != NULL) {
		snprintf(buf, sizeof buf, "%s", want);
		buf[strcspn(buf, ".@")] = '\0';
		if (buf[0] != '\0' && strcmp(buf, "C") != 0 && strcmp(buf, "POSIX") != 0)
			setenv("LANGUAGE", buf, 1);
	}
}

int
main(int argc, char **argv)
{
	const char *missing = NULL;
	int i, rc;

	set_locale();
#ifdef ENABLE_NLS
	bindtextdomain(PACKAGE, cli_running_from_build_tree() ? BUILDDIR "/locale" : LOCALEDIR);
	bind_textdomain_codeset(PACKAGE, "UTF-8");
	textdomain(PACKAGE);
#endif

	if ((argc = take_global_options(argc, argv, &missing)) < 0) {
		if (argc == -2)
			return EXIT_USAGE;
		if (strcmp(missing, "--lang") == 0)
			fprintf(stderr,
			        _("vmtriage: --lang needs a language, such as zh_CN or de\n"));
		else
			fprintf(stderr, _("vmtriage: %s needs a value\n"), missing);
		return EXIT_USAGE;
	}
	if (cli_global.lang != NULL) {
		cli_set_lang(cli_global.lang);
		/* --lang under LANG=C: the C locale would ignore the language. */
		if (strcmp(setlocale(LC_MESSAGES, NULL), "C") == 0)
			setlocale(LC_ALL, "C.UTF-8");
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
	if ((rc = cli_open_snapshot()) != 0)
		return rc;
	if (i == argc)
		return cli_wizard();
	for (size_t c = 0; c < nitems(commands); c++)
		if (strcmp(argv[i], commands[c].name) == 0)
			return commands[c].fn(argc - i, argv + i);
	fprintf(stderr, _("vmtriage: unknown command '%s'\n"), argv[i]);
	cli_usage(stderr);
	return EXIT_USAGE;
}
