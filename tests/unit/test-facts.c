/*
 * test-facts.c: the fact set the engine keeps (and copies for Back), the
 * built-in host facts, and {{name}} templates.
 */
#include "config.h"

#include "cmocka-prelude.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "engine/facts.h"
#include "host/host.h"
#include "util/util.h"

static void
test_set_get_replace(void **state)
{
	struct facts f = FACTS_INIT;

	(void)state;
	assert_null(facts_get(&f, "os"));
	facts_set(&f, "os", "linux");
	facts_set(&f, "driver", "qemu");
	assert_string_equal(facts_get(&f, "os"), "linux");
	assert_string_equal(facts_get(&f, "driver"), "qemu");
	assert_int_equal(f.n, 2);

	/* Replacing keeps one entry and its place. */
	facts_set(&f, "os", "darwin");
	assert_int_equal(f.n, 2);
	assert_string_equal(f.keys[0], "os");
	assert_string_equal(facts_get(&f, "os"), "darwin");

	/* Names are exact: no prefix or case folding. */
	assert_null(facts_get(&f, "OS"));
	assert_null(facts_get(&f, "o"));
	assert_null(facts_get(&f, NULL));

	/* An empty value is a known fact, not an unknown one. */
	facts_set(&f, "empty", "");
	assert_non_null(facts_get(&f, "empty"));
	assert_string_equal(facts_get(&f, "empty"), "");
	facts_free(&f);
	assert_int_equal(f.n, 0);
	assert_null(f.keys);
}

static void
test_set_from_own_value(void **state)
{
	struct facts f = FACTS_INIT;

	(void)state;
	facts_set(&f, "a", "one");
	/* The value points into the set itself; replacing must not read freed memory. */
	facts_set(&f, "a", facts_get(&f, "a"));
	assert_string_equal(facts_get(&f, "a"), "one");
	/* Setting NULL forgets the fact. */
	facts_set(&f, "a", NULL);
	assert_null(facts_get(&f, "a"));
	assert_int_equal(f.n, 0);
	facts_free(&f);
}

static void
test_many_facts_grow(void **state)
{
	struct facts f = FACTS_INIT;
	char key[32], value[32];
	int i;

	(void)state;
	for (i = 0; i < 100; i++) {
		snprintf(key, sizeof key, "k%d", i);
		snprintf(value, sizeof value, "v%d", i);
		facts_set(&f, key, value);
	}
	assert_int_equal(f.n, 100);
	assert_string_equal(facts_get(&f, "k0"), "v0");
	assert_string_equal(facts_get(&f, "k99"), "v99");
	assert_string_equal(f.keys[57], "k57");
	facts_free(&f);
}

static void
test_unset_keeps_order(void **state)
{
	struct facts f = FACTS_INIT;

	(void)state;
	facts_set(&f, "a", "1");
	facts_set(&f, "b", "2");
	facts_set(&f, "c", "3");
	facts_unset(&f, "b");
	assert_int_equal(f.n, 2);
	assert_string_equal(f.keys[0], "a");
	assert_string_equal(f.keys[1], "c");
	assert_null(facts_get(&f, "b"));
	facts_unset(&f, "nope"); /* unknown: nothing happens */
	assert_int_equal(f.n, 2);
	facts_unset(&f, "c");
	facts_unset(&f, "a");
	assert_int_equal(f.n, 0);
	facts_set(&f, "d", "4");
	assert_string_equal(facts_get(&f, "d"), "4");
	facts_free(&f);
}

static void
test_copy_is_deep_and_overwrites(void **state)
{
	struct facts a = FACTS_INIT, b = FACTS_INIT, empty = FACTS_INIT;

	(void)state;
	facts_set(&a, "os", "linux");
	facts_set(&a, "command.status", "0");
	facts_set(&b, "stale", "yes");

	facts_copy(&b, &a);
	assert_int_equal(b.n, 2);
	assert_null(facts_get(&b, "stale"));
	assert_string_equal(facts_get(&b, "command.status"), "0");
	assert_string_equal(b.keys[0], "os");

	/* The copy is independent of the original, both ways. */
	facts_set(&a, "os", "darwin");
	facts_set(&b, "extra", "1");
	assert_string_equal(facts_get(&b, "os"), "linux");
	assert_null(facts_get(&a, "extra"));

	/* Copying onto itself changes nothing. */
	facts_copy(&a, &a);
	assert_string_equal(facts_get(&a, "os"), "darwin");
	assert_int_equal(a.n, 2);

	/* Copying an empty set empties. */
	facts_copy(&b, &empty);
	assert_int_equal(b.n, 0);
	facts_set(&b, "again", "1");
	assert_int_equal(b.n, 1);

	facts_free(&a);
	facts_free(&b);
	facts_free(&b); /* twice is harmless */
}

static void
test_builtins(void **state)
{
	size_t n;

	(void)state;
	assert_true(facts_is_builtin("os"));
	assert_true(facts_is_builtin("arch"));
	assert_false(facts_is_builtin("driver"));
	assert_false(facts_is_builtin("os.name"));
	assert_false(facts_is_builtin(""));
	assert_false(facts_is_builtin(NULL));
	for (n = 0; facts_builtin[n] != NULL; n++)
		;
	assert_int_equal(n, 2);
}

static void
test_detect_host(void **state)
{
	struct facts f = FACTS_INIT;
	struct utsname u;
	const char *os = NULL;

	(void)state;
	facts_set_host(&f, host_os(host_live()), host_arch(host_live()));
	assert_int_equal(uname(&u), 0);
	assert_non_null(os = facts_get(&f, "os"));
	if (strcmp(u.sysname, "Linux") == 0)
		assert_string_equal(os, "linux");
	else if (strcmp(u.sysname, "Darwin") == 0)
		assert_string_equal(os, "darwin");
	else
		assert_string_equal(os, VT_PLATFORM);
	assert_non_null(facts_get(&f, "arch"));
	assert_string_equal(facts_get(&f, "arch"), u.machine);

	/* Setting again replaces, it does not add; a snapshot's machine wins. */
	facts_set_host(&f, "darwin", "arm64");
	assert_int_equal(f.n, 2);
	assert_string_equal(facts_get(&f, "os"), "darwin");
	assert_string_equal(facts_get(&f, "arch"), "arm64");
	/* No arch known: the old one stays; no os: the build's platform. */
	facts_set_host(&f, NULL, "");
	assert_string_equal(facts_get(&f, "os"), VT_PLATFORM);
	assert_string_equal(facts_get(&f, "arch"), "arm64");
	facts_free(&f);
}

static void
test_template_next(void **state)
{
	const char *name = NULL, *rest = NULL;
	const char *s = "a {{ one }} b {{two}} c";
	const char *unclosed = "x {{ y";
	size_t len;

	(void)state;
	rest = facts_template_next(s, &name, &len);
	assert_non_null(rest);
	assert_int_equal(len, 3);
	assert_memory_equal(name, "one", 3);
	assert_string_equal(rest, " b {{two}} c");

	rest = facts_template_next(rest, &name, &len);
	assert_non_null(rest);
	assert_int_equal(len, 3);
	assert_memory_equal(name, "two", 3);
	assert_string_equal(rest, " c");

	/* No more: NULL, and no name. */
	assert_null(facts_template_next(rest, &name, &len));
	assert_null(name);
	assert_int_equal(len, 0);

	/* Unclosed: NULL with the name at the "{{". */
	assert_null(facts_template_next(unclosed, &name, &len));
	assert_ptr_equal(name, unclosed + 2);
	assert_int_equal(len, 0);

	/* Empty braces: found, with an empty name. */
	rest = facts_template_next("{{  }}!", &name, &len);
	assert_non_null(rest);
	assert_int_equal(len, 0);
	assert_string_equal(rest, "!");

	/* Tabs are white space too; dotted names stay whole. */
	rest = facts_template_next("{{\tfile.path\t}}", &name, &len);
	assert_non_null(rest);
	assert_int_equal(len, 9);
	assert_memory_equal(name, "file.path", 9);
	assert_string_equal(rest, "");

	/* A single brace is no template. */
	assert_null(facts_template_next("{a} }}", &name, &len));
	assert_null(name);
}

static void
test_expand(void **state)
{
	static const struct {
		const char *tmpl, *want;
	} cases[] = {
	    {"/sys/class/net/{{ bridge }}/operstate", "/sys/class/net/mpqemubr0/operstate"},
	    {"{{instance.primary.name}}-{{bridge}}", "primary-mpqemubr0"},
	    {"plain text", "plain text"}, /* no template at all: a plain copy */
	    {"", ""},
	};
	struct facts f = FACTS_INIT;
	char *out = NULL, *missing = NULL;

	(void)state;
	facts_set(&f, "bridge", "mpqemubr0");
	facts_set(&f, "instance.primary.name", "primary");
	for (size_t i = 0; i < nitems(cases); i++) {
		out = facts_expand(&f, cases[i].tmpl, &missing);
		assert_string_equal(out, cases[i].want);
		assert_null(missing);
		free(out);
	}
	facts_free(&f);
}

static void
test_expand_missing(void **state)
{
	struct facts f = FACTS_INIT;
	char *out = NULL, *missing = NULL;

	(void)state;
	facts_set(&f, "known", "K");

	/* Unknown facts expand to ""; the first unknown one is named. */
	out = facts_expand(&f, "a={{ first }} b={{known}} c={{second}}", &missing);
	assert_string_equal(out, "a= b=K c=");
	assert_non_null(missing);
	assert_string_equal(missing, "first");
	free(out);
	free(missing);
	missing = NULL;

	/* A NULL missing pointer is allowed: the caller does not care. */
	out = facts_expand(&f, "{{nope}}x", NULL);
	assert_string_equal(out, "x");
	free(out);

	/* *missing is reset when everything is known. */
	missing = (char *)"not touched";
	out = facts_expand(&f, "{{known}}", &missing);
	assert_null(missing);
	assert_string_equal(out, "K");
	free(out);

	/* An unclosed "{{" stays as it is. */
	out = facts_expand(&f, "{{known}} and {{ oops", &missing);
	assert_string_equal(out, "K and {{ oops");
	assert_null(missing);
	free(out);

	/* A value that looks like a template is not expanded again. */
	facts_set(&f, "tricky", "{{known}}");
	out = facts_expand(&f, "<{{tricky}}>", &missing);
	assert_string_equal(out, "<{{known}}>");
	free(out);

	facts_free(&f);
}

static void
test_expand_text(void **state)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
	    /* Known facts are replaced, with or without white space in the braces. */
	    {"hosts.ics names {{instance}} more than once",
	     "hosts.ics names primary more than once"},
	    {"{{ instance }} on {{os}}", "primary on linux"},
	    {"multipass stop {{\tinstance\t}} --force", "multipass stop primary --force"},
	    /* Unknown facts stay exactly as written, so no word goes missing. */
	    {"the {{ subnet }} of {{instance}}", "the {{ subnet }} of primary"},
	    {"{{stage}}", "{{stage}}"},
	    {"{{  }} and {{}}", "{{  }} and {{}}"},
	    /* A known empty value is known: it expands to nothing. */
	    {"[{{empty}}]", "[]"},
	    /* An unclosed "{{" stays, and so does everything after it. */
	    {"{{instance}} and {{ oops", "primary and {{ oops"},
	    {"{ single } braces }}", "{ single } braces }}"},
	    /* Wide characters around a value are copied whole. */
	    {"虚拟机 {{instance}} 无法启动。", "虚拟机 primary 无法启动。"},
	    {"", ""},
	};
	struct facts f = FACTS_INIT;
	char *out = NULL;

	(void)state;
	facts_set(&f, "instance", "primary");
	facts_set(&f, "os", "linux");
	facts_set(&f, "empty", "");
	for (size_t i = 0; i < nitems(cases); i++) {
		out = facts_expand_text(&f, cases[i].text);
		assert_string_equal(out, cases[i].want);
		free(out);
	}

	/* NULL text: an empty one. NULL facts: nothing is known. */
	out = facts_expand_text(&f, NULL);
	assert_string_equal(out, "");
	free(out);
	out = facts_expand_text(NULL, "a {{instance}} b");
	assert_string_equal(out, "a {{instance}} b");
	free(out);

	/* A value that looks like a template is not expanded again. */
	facts_set(&f, "tricky", "{{instance}}");
	out = facts_expand_text(&f, "<{{tricky}}>");
	assert_string_equal(out, "<{{instance}}>");
	free(out);
	facts_free(&f);
}

static void
test_expand_text_cleans_values(void **state)
{
	struct facts f = FACTS_INIT;
	char *out = NULL;

	(void)state;
	/* Values come from probes and snapshots: no escape sequence or line break gets through. */
	facts_set(&f, "evil",
	          "a\033[2Jb\nc\td\177e\xc2\x9b"
	          "1m");
	facts_set(&f, "wide", "é中");
	out = facts_expand_text(&f, "<{{evil}}> <{{wide}}>\n");
	assert_string_equal(out, "<a?[2Jb?c d?e?1m> <é中>\n");
	free(out);

	/* The text itself is the flow's: its own line breaks and tabs stay. */
	out = facts_expand_text(&f, "line one\n\tline two");
	assert_string_equal(out, "line one\n\tline two");
	free(out);
	facts_free(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_get_replace),
		cmocka_unit_test(test_set_from_own_value),
		cmocka_unit_test(test_many_facts_grow),
		cmocka_unit_test(test_unset_keeps_order),
		cmocka_unit_test(test_copy_is_deep_and_overwrites),
		cmocka_unit_test(test_builtins),
		cmocka_unit_test(test_detect_host),
		cmocka_unit_test(test_template_next),
		cmocka_unit_test(test_expand),
		cmocka_unit_test(test_expand_missing),
		cmocka_unit_test(test_expand_text),
		cmocka_unit_test(test_expand_text_cleans_values),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
