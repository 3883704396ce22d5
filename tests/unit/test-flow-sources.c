/*
 * test-flow-sources.c: source: citations against the documents. A document's
 * sections are its Markdown headings outside code fences, by either slug
 * (GitHub's or the collapsed one), or, with no heading at all, its lines; a
 * flow whose node cites nothing, a missing document or a missing section
 * gets an error at the node; a sound flow gets none.
 */
#include "config.h"

#include "cmocka-prelude.h"

#include <stdlib.h>
#include <string.h>

#include "flow/flow.h"
#include "testutil.h"
#include "util/util.h"

static const char doc[] = "# Troubleshoot launch/start issues\n"
                          "Some text.\n"
                          "## [macOS, QEMU driver] Firewall blocks `bootp`\n"
                          "```\n"
                          "# not a heading: a comment in a code block\n"
                          "```\n"
                          "    ```{note}A block of one line.```\n"
                          "## After a one-line block\n"
                          "  ```sh\n"
                          "# in an indented block\n"
                          "  ```\n"
                          "### Failure: Disk full / out of space during conversion\r\n"
                          "### \"guestfs_launch failed\"\n"
                          "#no-blank is not a heading\n";

static void
test_sections(void **state)
{
	struct strlist s = STRLIST_INIT;

	(void)state;
	flow_source_sections(doc, sizeof doc - 1, &s);
	assert_true(flow_source_names_section(&s, "troubleshoot-launchstart-issues"));
	assert_true(flow_source_names_section(&s, "troubleshoot-launch-start-issues"));
	assert_true(flow_source_names_section(&s, "macos-qemu-driver-firewall-blocks-bootp"));
	assert_true(
	    flow_source_names_section(&s, "failure-disk-full-out-of-space-during-conversion"));
	assert_true(
	    flow_source_names_section(&s, "failure-disk-full--out-of-space-during-conversion"));
	assert_true(flow_source_names_section(&s, "guestfs-launch-failed"));
	assert_true(flow_source_names_section(&s, "guestfs_launch-failed"));
	assert_false(flow_source_names_section(&s, "not-a-heading-a-comment-in-a-code-block"));
	assert_false(flow_source_names_section(&s, "no-blank-is-not-a-heading"));
	assert_true(flow_source_names_section(&s, "after-a-one-line-block"));
	assert_false(flow_source_names_section(&s, "in-an-indented-block"));
	assert_false(flow_source_names_section(&s, "some-text"));
	assert_false(flow_source_names_section(&s, "troubleshoot"));
	strlist_free(&s);
}

/* A document without Markdown (002, in Chinese): its lines are its sections. */
static void
test_plain_document(void **state)
{
	static const char plain[] = "问题现象\n当用户...\n临时解决方案\n";
	struct strlist s = STRLIST_INIT;

	(void)state;
	flow_source_sections(plain, sizeof plain - 1, &s);
	assert_true(flow_source_names_section(&s, "问题现象"));
	assert_true(flow_source_names_section(&s, "临时解决方案"));
	assert_false(flow_source_names_section(&s, "问题"));
	strlist_free(&s);
}

static const char flow_yaml[] = "version: 1\n"
                                "id: t\n"
                                "title: T\n"
                                "summary: S\n"
                                "source: doc.md#troubleshoot-launchstart-issues\n"
                                "start: a\n"
                                "nodes:\n"
                                "  a:\n"
                                "    kind: say\n"
                                "    text: A\n"
                                "    source: doc.md#guestfs-launch-failed\n"
                                "    next: b\n"
                                "  b:\n"
                                "    kind: say\n"
                                "    text: B\n"
                                "    source: %s\n"
                                "    next: c\n"
                                "  c:\n"
                                "    kind: end\n"
                                "    verdict: solved\n"
                                "    text: C\n"
                                "%s";

static size_t
check(const char *b_source, const char *c_extra, struct diags *d)
{
	char *yaml = xasprintf(flow_yaml, b_source, c_extra);
	struct flow *f = load_yaml_ok(yaml);
	struct flow_source_docs *docs = flow_source_docs_new(tmpdir);
	size_t n = flow_check_sources(f, docs, d);

	flow_source_docs_free(docs);
	flow_free(f);
	free(yaml);
	return n;
}

static void
test_flow(void **state)
{
	struct diags d = DIAGS_INIT;

	(void)state;
	free(write_file("doc.md", doc, 0644));
	/* Sound, but c cites nothing of its own. */
	assert_int_equal(check("doc.md#failure-disk-full-out-of-space-during-conversion", "", &d),
	                 1);
	assert_int_equal(d.v[0].line, 18);
	assert_non_null(strstr(d.v[0].msg, "node 'c' cites no source"));
	diags_free(&d);
	/* All sound. */
	assert_int_equal(check("doc.md#troubleshoot-launch-start-issues",
	                       "    source: doc.md#macos-qemu-driver-firewall-blocks-bootp\n", &d),
	                 0);
	diags_free(&d);
	/* A section the document does not have; a document that is not there; no '#'. */
	assert_int_equal(check("doc.md#no-such", "    source: other.md#x\n", &d), 2);
	assert_non_null(strstr(d.v[0].msg, "doc.md has no section 'no-such'"));
	assert_non_null(strstr(d.v[1].msg, "names other.md, which is not a document in"));
	diags_free(&d);
	assert_int_equal(check("doc.md", "    source: ../doc.md#x\n", &d), 2);
	assert_non_null(strstr(d.v[0].msg, "is not FILE#SECTION"));
	assert_non_null(strstr(d.v[1].msg, "which is not a document"));
	diags_free(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sections),
	    cmocka_unit_test(test_plain_document),
	    cmocka_unit_test(test_flow),
	};

	return cmocka_run_group_tests(tests, tmpdir_setup, tmpdir_teardown);
}
