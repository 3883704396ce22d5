/*
 * test-util.c: the helpers every module leans on: strings that grow, lists,
 * the arena, folded matching, edit distance and the UTF-8 check.
 */
#include "config.h"

#include <locale.h>

#include "cmocka-prelude.h"

#include <stdlib.h>
#include <string.h>

#include "util/util.h"

static void
test_strbuf(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	char *s;

	(void)state;
	strbuf_adds(&sb, "abc");
	strbuf_addc(&sb, '-');
	strbuf_addf(&sb, "%d:%s", 42, "x");
	assert_string_equal(sb.buf, "abc-42:x");
	assert_int_equal(sb.len, 8);
	strbuf_add(&sb, "\0z", 2); /* binary bytes are kept, and a NUL still ends it */
	assert_int_equal(sb.len, 10);
	assert_int_equal(sb.buf[10], '\0');
	strbuf_reset(&sb);
	assert_int_equal(sb.len, 0);
	assert_string_equal(sb.buf, "");
	for (int i = 0; i < 1000; i++)
		strbuf_addc(&sb, 'a');
	assert_int_equal(strlen(sb.buf), 1000);
	s = strbuf_detach(&sb);
	assert_null(sb.buf);
	assert_int_equal(strlen(s), 1000);
	free(s);

	/* Detaching an empty buffer still gives a string. */
	s = strbuf_detach(&sb);
	assert_string_equal(s, "");
	free(s);
	strbuf_free(&sb);
}

static void
test_strlist(void **state)
{
	struct strlist sl = STRLIST_INIT;

	(void)state;
	strlist_add(&sl, "one");
	strlist_addf(&sl, "%s-%d", "two", 2);
	strlist_take(&sl, xstrdup("three"));
	assert_int_equal(sl.n, 3);
	assert_string_equal(sl.v[0], "one");
	assert_string_equal(sl.v[1], "two-2");
	assert_string_equal(sl.v[2], "three");
	assert_null(sl.v[3]); /* always NULL-terminated, usable as an argv */
	for (int i = 0; i < 100; i++)
		strlist_addf(&sl, "%d", i);
	assert_int_equal(sl.n, 103);
	assert_string_equal(sl.v[102], "99");
	assert_null(sl.v[103]);
	strlist_free(&sl);
	assert_null(sl.v);
	assert_int_equal(sl.n, 0);
}

static void
test_xalloc(void **state)
{
	char *s;
	int *v;

	(void)state;
	s = xstrndup("abcdef", 3);
	assert_string_equal(s, "abc");
	free(s);
	s = xstrndup("ab", 10);
	assert_string_equal(s, "ab");
	free(s);
	s = xasprintf("%s=%d", "n", 7);
	assert_string_equal(s, "n=7");
	free(s);
	v = xcalloc(4, sizeof *v);
	assert_int_equal(v[3], 0);
	v = xreallocarray(v, 8, sizeof *v);
	v[7] = 1;
	free(v);
	free(xmalloc(0)); /* zero bytes still gives a pointer */
}

static void
test_arena(void **state)
{
	struct arena *a = arena_new();
	char *s, *big;
	long *l;

	(void)state;
	s = arena_strdup(a, "hello");
	assert_string_equal(s, "hello");
	assert_null(arena_strdup(a, NULL));
	s = arena_strndup(a, "hello", 2);
	assert_string_equal(s, "he");
	l = arena_alloc(a, sizeof *l);
	assert_int_equal(*l, 0);
	assert_int_equal((uintptr_t)l % _Alignof(max_align_t), 0);
	/* A block of its own, and many small ones: all freed with the arena. */
	big = arena_alloc(a, 100000);
	memset(big, 'x', 100000);
	for (int i = 0; i < 5000; i++) {
		char *p = arena_alloc(a, 17);

		assert_int_equal(p[16], 0);
		assert_int_equal((uintptr_t)p % _Alignof(max_align_t), 0);
	}
	assert_string_equal(s, "he"); /* earlier data survives later blocks */
	arena_free(a);
	arena_free(NULL);
}

static void
test_str_small(void **state)
{
	(void)state;
	assert_true(str_eq("a", "a"));
	assert_false(str_eq("a", "b"));
	assert_true(str_eq(NULL, NULL));
	assert_false(str_eq(NULL, "a"));
	assert_false(str_eq("a", NULL));
	assert_true(str_has_prefix("multipass", "multi"));
	assert_true(str_has_prefix("multipass", ""));
	assert_false(str_has_prefix("multi", "multipass"));
	assert_true(str_has_suffix("leases.db", ".db"));
	assert_false(str_has_suffix("db", "leases.db"));
}

static void
test_str_contains_folded(void **state)
{
	(void)state;
	assert_true(str_contains_folded("Downloaded image hash does NOT match",
	                                "image hash does not match"));
	assert_true(
	    str_contains_folded("launch failed:\n  timed   out\twaiting", "timed out waiting"));
	assert_true(str_contains_folded("x", "  X  "));
	assert_false(str_contains_folded("timed out", "timed out waiting"));
	assert_false(str_contains_folded("anything", ""));
	assert_false(str_contains_folded("anything", "   "));
}

static void
test_str_distance(void **state)
{
	char long1[80], long2[80];

	(void)state;
	assert_int_equal(str_distance("", ""), 0);
	assert_int_equal(str_distance("path", "path"), 0);
	assert_int_equal(str_distance("path", "pth"), 1);
	assert_int_equal(str_distance("pattern", "patern"), 1);
	assert_int_equal(str_distance("kitten", "sitting"), 3);
	assert_int_equal(str_distance("", "abc"), 3);
	memset(long1, 'a', 79);
	long1[79] = '\0';
	memset(long2, 'b', 79);
	long2[79] = '\0';
	assert_int_equal(str_distance(long1, long2), 64); /* capped */
}

static void
test_utf8(void **state)
{
	(void)state;
	assert_true(utf8_is_clean_text("plain\ttext\r\n", 12));
	assert_true(utf8_is_clean_text("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 14));
	assert_true(utf8_is_clean_text("", 0));
	assert_false(utf8_is_clean_text("a\0b", 3));
	assert_false(utf8_is_clean_text("bell\a", 5));
	assert_false(utf8_is_clean_text("esc\x1b[0m", 7));
	assert_false(utf8_is_clean_text("del\x7f", 4));
	assert_false(utf8_is_clean_text("\xc3", 1));             /* cut short */
	assert_false(utf8_is_clean_text("\xc0\xaf", 2));         /* overlong / */
	assert_false(utf8_is_clean_text("\xed\xa0\x80", 3));     /* surrogate */
	assert_false(utf8_is_clean_text("\xf4\x90\x80\x80", 4)); /* beyond U+10FFFF */
	assert_false(utf8_is_clean_text("\x80", 1));             /* lone continuation */
	assert_false(utf8_is_clean_text("\xff", 1));
}

static void
test_text_wrap(void **state)
{
	struct strlist l = STRLIST_INIT;

	(void)state;
	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		return; /* no UTF-8 locale: widths cannot be measured */
	assert_int_equal(text_width("abc"), 3);
	/* Each CJK ideograph takes two columns. */
	assert_int_equal(text_width("\u865a\u62df\u673a"), 6);

	text_wrap("the quick brown fox jumps", 10, &l);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.v[0], "the quick");
	assert_string_equal(l.v[1], "brown fox");
	assert_string_equal(l.v[2], "jumps");
	strlist_free(&l);

	/* Line breaks of the text are kept, empty lines too. */
	text_wrap("a\n\nb", 10, &l);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.v[1], "");
	strlist_free(&l);

	/* CJK text has no spaces: it breaks between characters, by width (5 x 2 > 8). */
	text_wrap("\u865a\u62df\u673a\u865a\u62df", 8, &l);
	assert_int_equal(l.n, 2);
	assert_int_equal(text_width(l.v[0]), 8);
	assert_int_equal(text_width(l.v[1]), 2);
	strlist_free(&l);

	/* A word longer than the width is cut rather than overflowing. */
	text_wrap("abcdefghijkl", 8, &l);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[0], "abcdefgh");
	strlist_free(&l);

	/* An indented line (a command) keeps its indent on every piece. */
	text_wrap("Run:\n  sudo launchctl load -w /System/bootps.plist", 24, &l);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.v[0], "Run:");
	assert_string_equal(l.v[1], "  sudo launchctl load -w");
	assert_string_equal(l.v[2], "  /System/bootps.plist");
	strlist_free(&l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_strbuf),       cmocka_unit_test(test_strlist),
	    cmocka_unit_test(test_xalloc),       cmocka_unit_test(test_arena),
	    cmocka_unit_test(test_str_small),    cmocka_unit_test(test_str_contains_folded),
	    cmocka_unit_test(test_str_distance), cmocka_unit_test(test_utf8), cmocka_unit_test(test_text_wrap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
