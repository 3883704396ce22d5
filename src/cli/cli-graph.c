/*
 * cli-graph.c: `vmtriage graph FLOW` prints the flow as a Graphviz DOT graph,
 * one shape per node kind and one labelled arrow per edge alternative, so a
 * flow's author can see its shape (`vmtriage graph x | dot -Tsvg > x.svg`).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "util/util.h"

/* A DOT string literal: quotes, backslashes and new lines escaped; long texts cut. */
static void
dot_quote(struct strbuf *sb, const char *s, size_t max)
{
	size_t n = 0;

	strbuf_addc(sb, '"');
	for (; *s != '\0'; s++, n++) {
		if (n == max) {
			strbuf_adds(sb, "...");
			break;
		}
		if (*s == '"' || *s == '\\')
			strbuf_addc(sb, '\\');
		if (*s == '\n')
			strbuf_adds(sb, "\\n");
		else
			strbuf_addc(sb, *s);
	}
	strbuf_addc(sb, '"');
}

static void
guard_text(struct strbuf *sb, const struct flow_guard *g)
{
	for (size_t i = 0; i < g->nterms; i++) {
		const struct flow_guard_term *t = &g->terms[i];

		strbuf_addf(sb, "%s%s%s", i > 0 ? ", " : "", t->fact, t->negate ? "!=" : "=");
		for (size_t v = 0; v < t->nvalues; v++)
			strbuf_addf(sb, "%s%s", v > 0 ? "|" : "", t->values[v]);
	}
}

static void
emit_edge(const struct flow_node *from, const struct flow_edge *e, const char *label,
    const char *style)
{
	for (size_t i = 0; i < e->nalts; i++) {
		struct strbuf l = STRBUF_INIT, q = STRBUF_INIT;

		strbuf_adds(&l, label);
		if (e->alts[i].when.nterms > 0) {
			strbuf_adds(&l, l.len > 0 ? " [" : "[");
			guard_text(&l, &e->alts[i].when);
			strbuf_adds(&l, "]");
		}
		dot_quote(&q, l.len > 0 ? l.buf : "", 60);
		printf("  \"%s\" -> \"%s\" [label=%s%s%s];\n", from->id, e->alts[i].target, q.buf,
		    style != NULL ? ", " : "", style != NULL ? style : "");
		strbuf_free(&l);
		strbuf_free(&q);
	}
}

static const char *
node_shape(const struct flow_node *n)
{
	switch (n->kind) {
	case NODE_ASK: return "shape=diamond";
	case NODE_CHECK: return "shape=box, style=rounded";
	case NODE_FIX: return "shape=box, style=\"rounded,filled\", fillcolor=lightyellow";
	case NODE_SAY: return "shape=note";
	case NODE_GOTO: return "shape=cds";
	case NODE_END:
		switch (n->verdict) {
		case VERDICT_SOLVED:
		case VERDICT_HEALTHY: return "shape=doubleoctagon, style=filled, fillcolor=palegreen";
		case VERDICT_CAUSE: return "shape=doubleoctagon, style=filled, fillcolor=lightsalmon";
		default: return "shape=doubleoctagon, style=filled, fillcolor=lightpink";
		}
	}
	return "shape=box";
}

int
cli_graph(int argc, char **argv)
{
	struct catalog cat = { 0 };
	const struct flow *f;
	char *extra[1];
	int status = EXIT_DONE, nextra;

	if (argc != 2) {
		fprintf(stderr, _("usage: vmtriage graph FLOW\n"));
		return EXIT_USAGE;
	}
	extra[0] = argv[1];
	nextra = strchr(argv[1], '/') != NULL || str_has_suffix(argv[1], ".yaml") ? 1 : 0;
	if (cli_load_catalog(&cat, extra, nextra, false, stderr) > 0) {
		status = EXIT_DATAERR;
		goto out;
	}
	if ((f = cli_resolve_flow(&cat, argv[1], &status)) == NULL)
		goto out;

	printf("digraph \"%s\" {\n  rankdir=TB;\n  node [fontname=\"sans-serif\", fontsize=10];\n"
	       "  edge [fontname=\"sans-serif\", fontsize=9];\n", f->id);
	printf("  \"__start\" [shape=point];\n  \"__start\" -> \"%s\";\n", f->start);
	for (size_t i = 0; i < f->nnodes; i++) {
		const struct flow_node *n = &f->nodes[i];
		struct strbuf label = STRBUF_INIT, q = STRBUF_INIT;
		const char *title = n->title.en != NULL ? n->title.en : n->text.en;

		strbuf_addf(&label, "%s\n", n->id);
		if (n->kind == NODE_CHECK)
			strbuf_addf(&label, "probe %s\n", n->probe);
		else if (n->kind == NODE_FIX)
			strbuf_addf(&label, "fix %s\n", n->fix);
		else if (n->kind == NODE_END)
			strbuf_addf(&label, "%s\n", flow_verdict_name(n->verdict));
		else if (n->kind == NODE_GOTO)
			strbuf_addf(&label, "-> %s%s%s\n", n->goto_flow, n->goto_node ? ":" : "",
			    n->goto_node ? n->goto_node : "");
		if (title != NULL)
			strbuf_adds(&label, title);
		dot_quote(&q, label.buf, 80);
		printf("  \"%s\" [label=%s, %s];\n", n->id, q.buf, node_shape(n));
		strbuf_free(&label);
		strbuf_free(&q);

		if (n->when.nterms > 0)
			emit_edge(n, &n->skip, "skip", "style=dotted");
		for (size_t c = 0; c < n->nchoices; c++) {
			const char *t = n->choices[c].text.en;

			emit_edge(n, &n->choices[c].next, t != NULL ? t : "", NULL);
		}
		for (size_t o = 0; o < n->non; o++)
			emit_edge(n, &n->on[o].next, n->on[o].outcome, NULL);
		emit_edge(n, &n->then, "worked", "color=darkgreen");
		emit_edge(n, &n->otherwise, "failed", "color=red");
		emit_edge(n, &n->decline, "declined", "style=dashed");
		emit_edge(n, &n->next, "", NULL);
		for (size_t r = 0; r < n->nreturns; r++)
			emit_edge(n, &n->returns[r].next, flow_verdict_name(n->returns[r].verdict),
			    "style=dashed");
	}
	printf("}\n");
out:
	catalog_free(&cat);
	return status;
}
