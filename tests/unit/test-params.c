/*
 * test-params.c: parameter checking for probes and fixes. Values come from
 * flow files and the command line, so besides every type this tries what
 * an attacker or a typo would: shell syntax, newlines, "..", options posing
 * as names, unclosed quotes.
 */
#include "config.h"

#include "cmocka-prelude.h"

#include <stdlib.h>
#include <string.h>

#include "probe/probe.h"
#include "testutil.h"

static const char *const colours[] = {"red", "green", "blue", NULL};

static const struct param_def defs[] = {
    {.name = "path", .type = PARAM_PATH, .required = true},
    {.name = "name", .type = PARAM_NAME},
    {.name = "count", .type = PARAM_INT, .def = "3", .min = 1, .max = 10},
    {.name = "seconds", .type = PARAM_SECONDS, .def = "10"},
    {.name = "verbose", .type = PARAM_BOOL, .def = "no"},
    {.name = "pattern", .type = PARAM_REGEX},
    {.name = "colour", .type = PARAM_ENUM, .choices = colours},
    {.name = "argv", .type = PARAM_ARGV},
    {.name = "text", .type = PARAM_STRING},
    {.name = NULL},
};

/* Checks value against the definition named name; true when it passes. */
static bool
ok(const char *name, const char *value)
{
	char *msg = param_check(param_def_find(defs, name), value);

	free(msg);
	return msg == NULL;
}

/* The message for a bad value, which must exist and contain want. */
static void
bad(const char *name, const char *value, const char *want)
{
	char *msg = param_check(param_def_find(defs, name), value);

	assert_non_null(msg);
	if (want != NULL && strstr(msg, want) == NULL)
		fail_msg("'%s' for %s: message '%s' lacks '%s'", value, name, msg, want);
	free(msg);
}

static void
test_path(void **state)
{
	(void)state;
	assert_true(
	    ok("path", "/var/snap/multipass/common/data/multipassd/network/dnsmasq.leases"));
	assert_true(ok("path", "/Library/Application Support/multipassd/x.log"));
	assert_true(ok("path", "/"));
	assert_true(ok("path", "/a/..b/c..")); /* only a whole ".." part climbs */
	bad("path", "relative/path", "absolute");
	bad("path", "", "absolute");
	bad("path", "~/x", "absolute");
	bad("path", "/etc/../etc/shadow", "..");
	bad("path", "/var/..", "..");
	bad("path", "/var/log//../x", "..");
	bad("path", "/tmp/x\n/etc/passwd", "control");
	bad("path", "/tmp/x\r", "control");
	bad("path", "/tmp/\x1b[31m", "control");
	bad("path", NULL, NULL);
}

/* Paths inside allowed directories; subnets and addresses. */
static void
test_under_cidr_address(void **state)
{
	static const char *const posix[] = {"/var/db", "/etc/", NULL};
	static const char *const win[] = {"C:\\WINDOWS\\System32\\drivers\\etc", NULL};
	const struct param_def p = {.name = "file", .type = PARAM_PATH, .under = posix};
	const struct param_def w = {.name = "file", .type = PARAM_PATH, .under = win};
	const struct param_def c = {.name = "subnet", .type = PARAM_CIDR};
	const struct param_def a = {.name = "server", .type = PARAM_ADDRESS};
	const char *good[][2] = {
	    {"p", "/var/db/dhcpd_leases"}, {"p", "/var/db"}, {"p", "/etc/pf.conf"},
	    {"w", "C:\\WINDOWS\\System32\\drivers\\etc\\hosts.ics"},
	    {"w", "c:/windows/system32/drivers/etc/hosts.ics"},
	    {"c", "192.168.64.0/24"}, {"c", "fd00::/64"}, {"a", "10.97.0.1"}, {"a", "::1"},
	};
	const char *badv[][2] = {
	    {"p", "/var/dbx/leases"}, {"p", "/tmp/x"}, {"p", "/var/db/../../etc/shadow"},
	    {"w", "C:\\WINDOWS\\System32\\drivers\\etcx\\hosts.ics"},
	    {"w", "D:\\WINDOWS\\System32\\drivers\\etc\\hosts.ics"},
	    {"c", "192.168.64.0"}, {"c", "192.168.64.0/33"}, {"c", "; rm -rf /"},
	    {"a", "10.97.0.1/24"}, {"a", "example.com"}, {"a", "-1"},
	};

	(void)state;
	for (size_t i = 0; i < nitems(good); i++) {
		const struct param_def *d = good[i][0][0] == 'p' ? &p : good[i][0][0] == 'w' ? &w
		                        : good[i][0][0] == 'c' ? &c : &a;
		char *why = param_check(d, good[i][1]);

		if (why != NULL)
			fail_msg("'%s' refused: %s", good[i][1], why);
	}
	for (size_t i = 0; i < nitems(badv); i++) {
		const struct param_def *d = badv[i][0][0] == 'p' ? &p : badv[i][0][0] == 'w' ? &w
		                        : badv[i][0][0] == 'c' ? &c : &a;
		char *why = param_check(d, badv[i][1]);

		if (why == NULL)
			fail_msg("'%s' accepted", badv[i][1]);
		free(why);
	}
}

static void
test_name(void **state)
{
	char long_name[80];

	(void)state;
	assert_true(ok("name", "primary"));
	assert_true(ok("name", "my-vm.2_b"));
	assert_true(ok("name", "0day"));
	bad("name", "-rf", "start");
	bad("name", "--help", "start");
	bad("name", ".hidden", "start");
	bad("name", "", "empty");
	bad("name", "vm; rm -rf /", "only contain");
	bad("name", "$(reboot)", "start");
	bad("name", "a$(reboot)", "only contain");
	bad("name", "vm name", "only contain");
	bad("name", "vm\nx", "only contain");
	bad("name", "vm/../x", "only contain");
	bad("name", "caf\xc3\xa9", "only contain");
	memset(long_name, 'a', 64);
	long_name[64] = '\0';
	assert_true(ok("name", long_name));
	long_name[64] = 'a';
	long_name[65] = '\0';
	bad("name", long_name, "64");
}

static void
test_int_seconds_bool(void **state)
{
	static const struct param_def open_int = {.name = "n", .type = PARAM_INT};
	char *msg;

	(void)state;
	assert_true(ok("count", "1"));
	assert_true(ok("count", "10"));
	bad("count", "0", "range");
	bad("count", "11", "range");
	bad("count", "-1", "range");
	bad("count", "3x", "whole number");
	bad("count", " 3", "whole number");
	bad("count", "", "whole number");
	bad("count", "0x3", "whole number");
	bad("count", "99999999999999999999999", "whole number");
	/* No bounds given: any long. */
	assert_null(msg = param_check(&open_int, "-123456"));
	free(msg);

	assert_true(ok("seconds", "1"));
	assert_true(ok("seconds", "3600"));
	bad("seconds", "0", "range");
	bad("seconds", "3601", "range");
	bad("seconds", "1.5", "whole number");
	bad("seconds", "10s", "whole number");

	for (const char *const *v =
	         (const char *const[]){"true", "false", "yes", "no", "1", "0", "TRUE", "No", NULL};
	     *v != NULL; v++)
		assert_true(ok("verbose", *v));
	bad("verbose", "maybe", "true or false");
	bad("verbose", "", NULL);
}

static void
test_regex_enum_string(void **state)
{
	char *big;

	(void)state;
	assert_true(ok("pattern", "hash does not match"));
	assert_true(ok("pattern", "^(lease|offer) [0-9]+$"));
	bad("pattern", "([unclosed", "regular expression");
	bad("pattern", "a{2,1}", "regular expression");
	/* Patterns whose compilation would take hundreds of megabytes are refused first. */
	bad("pattern", "a++++++++++++++++++++", "repetition of a repetition");
	bad("pattern", "a{2}{3}", "repetition of a repetition");
	bad("pattern", "(a*)*\\1", "a back-reference");
	bad("pattern", "^(x+)\\9$", "a back-reference");
	assert_true(ok("pattern", "a\\.b\\[0\\]"));
	bad("pattern", "a{300}", "above 255");
	bad("pattern", "(((a{9}){9}){9}){9}", "more than 1000");
	assert_true(ok("pattern", "((a{9}){9}){9}"));
	assert_true(ok("pattern", "[+*]+ and \\++ literal"));
	assert_true(ok("pattern", "x{3,}y{,}"));

	assert_true(ok("colour", "green"));
	bad("colour", "gren", "did you mean 'green'");
	bad("colour", "purple", "red, green, blue");
	bad("colour", "Green; reboot", NULL);

	assert_true(ok("text", "any text, with \"quotes\" and $(things) and\nnewlines"));
	assert_true(ok("text", ""));
	bad("text", "bell\a", "UTF-8");
	bad("text", "\xff\xfe", "UTF-8");
	big = xmalloc(5000);
	memset(big, 'x', 4999);
	big[4999] = '\0';
	bad("text", big, "4096");
	big[4096] = '\0';
	assert_true(ok("text", big));
	free(big);
}

/* Splits s and compares with the expected words. */
static void
split_is(const char *s, const char *const *want)
{
	char *cause = NULL, **argv = argv_split(s, &cause);

	if (argv == NULL)
		fail_msg("'%s' did not split: %s", s, cause);
	argv_is(argv, want);
	argv_free(argv);
}

static void
split_fails(const char *s, const char *want)
{
	char *cause = NULL, **argv = argv_split(s, &cause);

	assert_null(argv);
	assert_non_null(cause);
	assert_non_null(strstr(cause, want));
	free(cause);
}

static void
test_argv_split(void **state)
{
	(void)state;
	split_is("multipass find", W("multipass", "find"));
	split_is("  a \t b\n c  ", W("a", "b", "c"));
	split_is("", (const char *const[]){NULL});
	split_is("   ", (const char *const[]){NULL});
	split_is("sh -c 'echo hi; exit 3'", W("sh", "-c", "echo hi; exit 3"));
	split_is("a\"b c\"d", W("ab cd"));
	split_is("'it'\\''s'", W("it's"));
	split_is("\"say \\\"hi\\\" \\\\ \\n\"", W("say \"hi\" \\ \\n"));
	split_is("a\\ b c", W("a b", "c"));
	split_is("'' \"\"", W("", ""));
	split_is("a\\\nb", W("ab"));
	split_is("\\\n a", W("a"));
	split_is("'multi\nline'", W("multi\nline"));
	/* Nothing is expanded: no shell ever sees these. */
	split_is("echo $HOME `id` $(reboot) * ~ ; rm -rf / | cat > x &",
	         W("echo", "$HOME", "`id`", "$(reboot)", "*", "~", ";", "rm", "-rf", "/", "|",
	           "cat", ">", "x", "&"));
	split_is("\"$HOME\" '$HOME'", W("$HOME", "$HOME"));

	split_fails("echo 'unterminated", "single quote");
	split_fails("echo \"unterminated", "double quote");
	split_fails("echo \"esc\\\"", "double quote");
	split_fails("trailing\\", "backslash");
}

static void
test_argv_check_and_quote(void **state)
{
	static const char *const words[] = {"sudo", "rm", "-rf", "--", "/a b",
	                                    "it's", "",   "$x",  NULL};
	char *q, *cause = NULL, **back;

	(void)state;
	assert_true(ok("argv", "multipass find --force-update"));
	bad("argv", "", "empty");
	bad("argv", "   ", "empty");
	bad("argv", "echo 'open", "quote");
	bad("argv", "echo \x01", "UTF-8");

	q = argv_quote(words);
	assert_string_equal(q, "sudo rm -rf -- '/a b' 'it'\\''s' '' '$x'");
	/* Quoting then splitting gives the words back. */
	back = argv_split(q, &cause);
	assert_non_null(back);
	for (size_t i = 0; words[i] != NULL; i++)
		assert_string_equal(back[i], words[i]);
	argv_free(back);
	free(q);
	q = argv_quote((const char *const[]){"A=b", "c=d", NULL});
	assert_string_equal(q, "'A=b' c=d");
	free(q);
}

static void
test_params_store(void **state)
{
	struct params p = {NULL, 0};

	(void)state;
	params_set(&p, "a", "1");
	params_set(&p, "b", "yes");
	params_set(&p, "a", "42"); /* replaces */
	assert_int_equal(p.n, 2);
	assert_string_equal(params_get(&p, "a"), "42");
	assert_null(params_get(&p, "zzz"));
	assert_int_equal(params_get_long(&p, "a", 7), 42);
	assert_int_equal(params_get_long(&p, "b", 7), 7);
	assert_int_equal(params_get_long(&p, "zzz", 7), 7);
	assert_true(params_get_bool(&p, "b", false));
	assert_true(params_get_bool(&p, "a", true)); /* not a boolean: the default */
	assert_false(params_get_bool(&p, "zzz", false));
	params_free(&p);
	assert_int_equal(p.n, 0);
	params_free(&p);
	assert_null(param_def_find(defs, "nope"));
	assert_ptr_equal(param_def_find(defs, "argv"), &defs[7]);
	assert_null(param_def_find(NULL, "x"));
}

static void
test_resolve(void **state)
{
	struct params given = {NULL, 0}, out = {NULL, 0};
	char *msg;

	(void)state;
	params_set(&given, "path", "/etc/hosts");
	params_set(&given, "count", "5");
	assert_null(msg = params_resolve(defs, &given, &out));
	assert_string_equal(params_get(&out, "path"), "/etc/hosts");
	assert_string_equal(params_get(&out, "count"), "5");
	assert_string_equal(params_get(&out, "seconds"), "10"); /* default filled */
	assert_string_equal(params_get(&out, "verbose"), "no");
	assert_null(params_get(&out, "name")); /* optional, no default */
	params_free(&out);

	/* A typo gets a hint, and every problem is told at once. */
	params_set(&given, "pth", "/x");
	params_set(&given, "count", "50");
	params_set(&given, "zzzzzzzz", "1");
	msg = params_resolve(defs, &given, &out);
	assert_non_null(msg);
	assert_non_null(strstr(msg, "unknown parameter 'pth'; did you mean 'path'?"));
	assert_non_null(strstr(msg, "unknown parameter 'zzzzzzzz'"));
	assert_null(strstr(msg, "'zzzzzzzz'; did you mean"));
	assert_non_null(strstr(msg, "parameter 'count'"));
	assert_int_equal(out.n, 0);
	assert_null(out.v);
	free(msg);
	params_free(&given);

	/* Missing required one. */
	msg = params_resolve(defs, &given, &out);
	assert_non_null(msg);
	assert_non_null(strstr(msg, "missing parameter 'path'"));
	free(msg);

	/* Injection through a value is refused before any probe sees it. */
	params_set(&given, "path", "/tmp/x; rm -rf /");
	params_set(&given, "name", "$(reboot)");
	msg = params_resolve(defs, &given, &out);
	assert_non_null(msg);
	assert_non_null(strstr(msg, "parameter 'name'"));
	assert_null(strstr(msg, "parameter 'path'")); /* a strange but absolute path is a path */
	free(msg);
	params_free(&given);

	/* No definitions and nothing given: fine; no definitions and something given: not. */
	assert_null(params_resolve((const struct param_def[]){{.name = NULL}}, NULL, &out));
	params_set(&given, "x", "1");
	msg = params_resolve((const struct param_def[]){{.name = NULL}}, &given, &out);
	assert_non_null(msg);
	free(msg);
	params_free(&given);
}

/* Every shipped probe and fix: its defaults pass its own checks. */
static void
test_shipped_defaults(void **state)
{
	(void)state;
	for (size_t i = 0; probe_table[i] != NULL; i++) {
		const struct probe_entry *pe = probe_table[i];

		for (const struct param_def *d = pe->params; d->name != NULL; d++) {
			char *msg = d->def != NULL ? param_check(d, d->def) : NULL;

			if (msg != NULL)
				fail_msg("probe %s, %s: default: %s", pe->name, d->name, msg);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_path),
	    cmocka_unit_test(test_name),
	    cmocka_unit_test(test_under_cidr_address),
	    cmocka_unit_test(test_int_seconds_bool),
	    cmocka_unit_test(test_regex_enum_string),
	    cmocka_unit_test(test_argv_split),
	    cmocka_unit_test(test_argv_check_and_quote),
	    cmocka_unit_test(test_params_store),
	    cmocka_unit_test(test_resolve),
	    cmocka_unit_test(test_shipped_defaults),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
