/*
 * cli-pot.c: vmtriage pot FLOW.yaml...: every translatable text of the
 * flows, as a PO template. Each entry's msgctxt names flow, node and field
 * (flow_text.ctx), so equal English in two places can be translated apart;
 * its reference is the file and line; its comment says what the text is,
 * so a translator knows a button from a paragraph. The build keeps the
 * result in po/flows.pot, which po/POTFILES.in lists: xgettext reads it
 * beside the C sources, and make update-po brings it into every catalogue.
 * Inline translations (text: {en: ..., de: ...}) are not extracted: a
 * site flow that carries them needs no catalogue.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "flow/flow.h"
#include "util/util.h"

/* A PO string: "" then one line per source line, escaped, when it has several. */
static void
po_string(FILE *out, const char *key, const char *s)
{
	const char *p = s;

	fprintf(out, "%s ", key);
	if (strchr(s, '\n') != NULL && strchr(s, '\n')[1] != '\0')
		fputs("\"\"\n", out);
	while (*p != '\0') {
		const char *nl = strchr(p, '\n');
		const char *end = nl != NULL ? nl + 1 : p + strlen(p);

		fputc('"', out);
		for (const char *c = p; c < end; c++) {
			switch (*c) {
			case '"':
				fputs("\\\"", out);
				break;
			case '\\':
				fputs("\\\\", out);
				break;
			case '\n':
				fputs("\\n", out);
				break;
			case '\t':
				fputs("\\t", out);
				break;
			default:
				fputc(*c, out);
			}
		}
		fputs("\"\n", out);
		p = end;
	}
	if (s[0] == '\0')
		fputs("\"\"\n", out);
}

static void
entry(FILE *out, const struct flow *f, const struct flow_text *t, const char *what)
{
	if (t->en == NULL || t->ctx == NULL)
		return;
	fprintf(out, "\n#. %s\n#: %s:%d\n", what, f->path, t->pos.line);
	/* Texts with {{fact}} and printf-like percent signs are not C formats. */
	if (strchr(t->en, '%') != NULL)
		fputs("#, no-c-format\n", out);
	po_string(out, "msgctxt", t->ctx);
	po_string(out, "msgid", t->en);
	fputs("msgstr \"\"\n", out);
}

static const char *const kind_words[] = {
    [NODE_ASK] = "question", [NODE_CHECK] = "check", [NODE_FIX] = "fix",
    [NODE_SAY] = "explanation", [NODE_END] = "verdict", [NODE_GOTO] = "hand-over",
};

static void
flow_entries(FILE *out, const struct flow *f)
{
	char what[256];

	entry(out, f, &f->title, "The problem's title, as the list of problems shows it.");
	entry(out, f, &f->summary, "The problem, in a few sentences.");
	for (size_t i = 0; i < f->nfacts; i++)
		entry(out, f, &f->facts[i].text, "What a fact the flow asks for is.");
	for (size_t i = 0; i < f->nnodes; i++) {
		const struct flow_node *n = &f->nodes[i];
		const char *kind = kind_words[n->kind];

		snprintf(what, sizeof what, "Step title (a %s); short.", kind);
		entry(out, f, &n->title, what);
		snprintf(what, sizeof what,
		         "What the %s step says. Indented lines are commands: leave them as they are.",
		         kind);
		entry(out, f, &n->text, what);
		entry(out, f, &n->cause, "The cause found, in one line.");
		for (size_t j = 0; j < n->nchoices; j++)
			entry(out, f, &n->choices[j].text, "An answer the user can pick.");
		for (size_t j = 0; j < n->nsteps; j++)
			entry(out, f, &n->steps[j], "A next step for the user.");
		for (size_t j = 0; j < n->nattach; j++)
			entry(out, f, &n->attach[j], "What to attach when asking for help.");
	}
}

int
cli_pot(int argc, char **argv)
{
	struct diags d = DIAGS_INIT;
	int status = EXIT_DONE;

	if (argc < 2) {
		fprintf(stderr, _("usage: vmtriage pot FLOW.yaml...\n"));
		return EXIT_USAGE;
	}
	fputs("# The translatable texts of vmtriage's flows. Made by: vmtriage pot flows/*.yaml\n"
	      "# Do not edit: make flows-pot writes it again.\n"
	      "msgid \"\"\n"
	      "msgstr \"\"\n"
	      "\"Content-Type: text/plain; charset=UTF-8\\n\"\n",
	      stdout);
	for (int i = 1; i < argc; i++) {
		struct flow *f = flow_load_file(argv[i], &d);

		if (f == NULL || f->id == NULL) {
			status = EXIT_DATAERR;
			flow_free(f);
			continue;
		}
		flow_entries(stdout, f);
		flow_free(f);
	}
	diags_print(&d, stderr);
	if (d.nerrors > 0)
		status = EXIT_DATAERR;
	diags_free(&d);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, _("vmtriage: could not write the template\n"));
		return EXIT_FAILURE;
	}
	return status;
}
