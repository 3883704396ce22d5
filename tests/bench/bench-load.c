/*
 * bench-load.c: how long loading and validating flows takes, beside a bare
 * libyaml parse of the same bytes. Prints figures; never passes or fails.
 * Usage: bench-load FLOW.yaml...
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <yaml.h>

#include "flow/flow.h"
#include "util/util.h"

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	struct strbuf sb = STRBUF_INIT;
	char buf[8192];
	size_t n;

	if (fp == NULL) {
		perror(path);
		exit(1);
	}
	while ((n = fread(buf, 1, sizeof buf, fp)) > 0)
		strbuf_add(&sb, buf, n);
	fclose(fp);
	*len = sb.len;
	return strbuf_detach(&sb);
}

/* The floor: every event of the document, nothing kept. */
static void
bare_parse(const char *buf, size_t len)
{
	yaml_parser_t p;
	yaml_event_t ev;
	int done = 0;

	yaml_parser_initialize(&p);
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	while (!done) {
		if (!yaml_parser_parse(&p, &ev))
			break;
		done = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
}

int
main(int argc, char **argv)
{
	int iters = 300;
	double total_bare = 0, total_load = 0;
	size_t total_bytes = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: bench-load FLOW.yaml...\n");
		return 2;
	}
	if (getenv("BENCH_ITERS") != NULL)
		iters = atoi(getenv("BENCH_ITERS"));
	printf("%-40s %8s %12s %12s %7s\n", "flow", "bytes", "libyaml ms", "load+val ms",
	    "ratio");
	for (int a = 1; a < argc; a++) {
		size_t len;
		char *buf = slurp(argv[a], &len);
		double t0, bare, load;

		for (int w = 0; w < 10; w++)
			bare_parse(buf, len);
		t0 = now_ms();
		for (int i = 0; i < iters; i++)
			bare_parse(buf, len);
		bare = (now_ms() - t0) / iters;

		t0 = now_ms();
		for (int i = 0; i < iters; i++) {
			struct diags d = DIAGS_INIT;
			struct flow *f = flow_load_mem(argv[a], buf, len, &d);

			if (f != NULL) {
				flow_validate(f, NULL, &d);
				flow_free(f);
			}
			if (i == 0 && d.nerrors > 0)
				fprintf(stderr, "%s: %zu error(s); figures include error paths\n",
				    argv[a], d.nerrors);
			diags_free(&d);
		}
		load = (now_ms() - t0) / iters;
		printf("%-40s %8zu %12.4f %12.4f %7.2f\n", argv[a], len, bare, load, load / bare);
		total_bare += bare;
		total_load += load;
		total_bytes += len;
		free(buf);
	}
	printf("%-40s %8zu %12.4f %12.4f %7.2f\n", "all flows (sum)", total_bytes, total_bare,
	    total_load, total_load / total_bare);

	/* The whole catalogue as a run sees it: read every file, load, validate across flows. */
	{
		struct strlist dirs = STRLIST_INIT;
		double t0, per;
		char *dir = xstrdup(argv[1]);
		char *slash = strrchr(dir, '/');
		size_t nflows = 0;

		if (slash != NULL)
			*slash = '\0';
		else
			strcpy(dir, ".");
		strlist_add(&dirs, dir);
		t0 = now_ms();
		for (int i = 0; i < iters; i++) {
			struct catalog cat = { 0 };
			struct diags d = DIAGS_INIT;

			catalog_load_dirs(&cat, &dirs, &d);
			for (size_t k = 0; k < cat.nflows; k++)
				flow_validate(cat.flows[k], &cat, &d);
			nflows = cat.nflows;
			catalog_free(&cat);
			diags_free(&d);
		}
		per = (now_ms() - t0) / iters;
		printf("catalogue load of %s (%zu flows, files read, validated): %.3f ms (aim: < 5 ms)\n",
		    dir, nflows, per);
		printf("load+validate / bare libyaml parse: %.2f (aim: < 2)\n",
		    total_load / total_bare);
		strlist_free(&dirs);
		free(dir);
	}
	return 0;
}
