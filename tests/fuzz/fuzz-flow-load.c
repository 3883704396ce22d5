/*
 * fuzz-flow-load.c: libFuzzer target for the whole path a flow file takes,
 * bytes -> YAML tree -> flow graph -> validation, so hostile flows are shown
 * to cost bounded time and memory and never crash. Build with
 * ./configure CC=clang --enable-fuzz; run with tests/fuzz/run-fuzz.sh.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "flow/diag.h"
#include "flow/flow.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *sink;
	struct diags diags = DIAGS_INIT;
	struct flow *flow = NULL;

	if (sink == NULL && (sink = fopen("/dev/null", "w")) == NULL)
		return 0;

	flow = flow_load_mem("fuzz.yaml", (const char *)data, size, &diags);
	if (flow != NULL) {
		flow_validate(flow, NULL, &diags);
		/* Twice: validation must be repeatable on the same graph. */
		flow_validate(flow, NULL, &diags);
	}
	/* Sorting and printing are part of what a hostile file reaches. */
	diags_sort(&diags);
	diags_print(&diags, sink);
	flow_free(flow);
	diags_free(&diags);
	return 0;
}
