/*
 * test-imgparse.c: the image probe's parsers on real qemu-img output
 * (tests/data/image, made by qemu-img 7.2): info's JSON for one image and
 * for a chain, check's JSON and exit statuses, and the error lines that tell
 * a missing image from a missing backing file, a lock and a refusal.
 */
#include "config.h"

#include "cmocka-prelude.h"

#include <stdlib.h>
#include <string.h>

#include "probe/imgparse.h"
#include "testutil.h"

#define VAULT "/var/snap/multipass/common/data/multipassd/vault/instances/primary/"
#define IMAGE VAULT "ubuntu-24.04-server-cloudimg-amd64.img"

static void
info(const char *fixture, struct img_chain *chain)
{
	size_t len;
	char *s = fixture_read(fixture, &len);
	char *err = NULL;

	if (img_parse_info(s, len, chain, &err) != 0)
		fail_msg("%s: %s", fixture, err);
	free(s);
}

static void
check(const char *fixture, struct img_check *ck)
{
	size_t len;
	char *s = fixture_read(fixture, &len);
	char *err = NULL;

	if (img_parse_check(s, len, ck, &err) != 0)
		fail_msg("%s: %s", fixture, err);
	free(s);
}

static void
test_info(void **state)
{
	struct img_chain c;

	(void)state;
	info("image/info-clean.json", &c);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.v[0].filename, IMAGE);
	assert_string_equal(c.v[0].format, "qcow2");
	assert_int_equal(c.v[0].virtual_size, 67108864);
	assert_int_equal(c.v[0].actual_size, 1314816);
	assert_null(c.v[0].backing);
	assert_false(c.v[0].corrupt);
	assert_false(c.v[0].dirty);
	img_chain_free(&c);
	assert_int_equal(c.n, 0);

	info("image/info-chain.json", &c);
	assert_int_equal(c.n, 2);
	assert_string_equal(c.v[0].filename, VAULT "overlay.qcow2");
	assert_string_equal(c.v[0].backing, VAULT "base.qcow2");
	assert_string_equal(c.v[0].full_backing, VAULT "base.qcow2");
	assert_string_equal(c.v[0].backing_format, "qcow2");
	assert_string_equal(c.v[1].filename, VAULT "base.qcow2");
	assert_null(c.v[1].backing);
	img_chain_free(&c);

	/* Without --backing-chain info prints one object, not a list. */
	info("image/info-missing-backing-top.json", &c);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.v[0].backing, VAULT "base.qcow2");
	img_chain_free(&c);

	info("image/info-marked-corrupt.json", &c);
	assert_true(c.v[0].corrupt);
	img_chain_free(&c);

	info("image/info-raw.json", &c);
	assert_string_equal(c.v[0].format, "raw");
	assert_int_equal(c.v[0].virtual_size, 16777216);
	img_chain_free(&c);
}

static void
expect_bad_info(const char *text, const char *words)
{
	struct img_chain c;
	char *err = NULL;

	assert_int_equal(img_parse_info(text, strlen(text), &c, &err), -1);
	assert_non_null(err);
	if (strstr(err, words) == NULL)
		fail_msg("'%s' does not say '%s'", err, words);
	assert_int_equal(c.n, 0);
	free(err);
}

static void
test_info_bad(void **state)
{
	(void)state;
	expect_bad_info("", "printed nothing");
	expect_bad_info("[]", "a list of images");
	expect_bad_info("\"text\"", "a list of images");
	expect_bad_info("[1]", "expected an object");
	expect_bad_info("{\"format\": \"qcow2\"}", "without \"filename\"");
	expect_bad_info("[{\"filename\": \"a\", \"format\": \"raw\"}, {\"format\": \"raw\"}]",
	                "without");
	expect_bad_info("{\"filename\": ", "qemu-img info:");
}

static void
test_check(void **state)
{
	struct img_check ck;
	char *err = NULL;
	const char *s;

	(void)state;
	check("image/check-clean.json", &ck);
	assert_int_equal(ck.corruptions, 0);
	assert_int_equal(ck.leaks, 0);
	assert_int_equal(ck.check_errors, 0);
	assert_int_equal(ck.allocated_clusters, 16);
	assert_int_equal(ck.total_clusters, 1024);
	assert_int_equal(ck.image_end_offset, 1376256);
	assert_string_equal(ck.format, "qcow2");
	assert_string_equal(ck.filename, IMAGE);
	img_check_free(&ck);

	check("image/check-corrupt.json", &ck);
	assert_int_equal(ck.corruptions, 38);
	assert_int_equal(ck.leaks, 0);
	img_check_free(&ck);

	check("image/check-leaks.json", &ck);
	assert_int_equal(ck.corruptions, 0);
	assert_int_equal(ck.leaks, 1);
	img_check_free(&ck);

	s = "[]";
	assert_int_equal(img_parse_check(s, strlen(s), &ck, &err), -1);
	assert_non_null(strstr(err, "expected an object"));
	free(err);
	s = "{\"answer\": 42}";
	assert_int_equal(img_parse_check(s, strlen(s), &ck, &err), -1);
	assert_non_null(strstr(err, "not a check report"));
	free(err);

	assert_non_null(img_check_status_meaning(IMG_CHECK_CLEAN));
	assert_non_null(strstr(img_check_status_meaning(IMG_CHECK_INCOMPLETE), "not complete"));
	assert_non_null(strstr(img_check_status_meaning(IMG_CHECK_CORRUPT), "corrupted"));
	assert_non_null(strstr(img_check_status_meaning(IMG_CHECK_LEAKS), "leaked"));
	assert_non_null(strstr(img_check_status_meaning(IMG_CHECK_UNSUPPORTED), "support"));
	assert_null(img_check_status_meaning(5));
}

/* Classifies a fixture's (or a string's) error lines for path. */
static enum img_error
classify(const char *fixture, const char *text, const char *path, char **file, char **line)
{
	size_t len = 0;
	char *s = fixture != NULL ? fixture_read(fixture, &len) : xstrdup(text);
	enum img_error e;

	if (fixture == NULL)
		len = strlen(s);
	e = img_classify_error(s, len, path, file, line);
	free(s);
	return e;
}

static void
test_errors(void **state)
{
	char *file = NULL, *line = NULL;

	(void)state;
	assert_int_equal(classify("image/info-locked.err", NULL, IMAGE, &file, &line),
	                 IMG_ERR_LOCKED);
	assert_string_equal(file, IMAGE);
	assert_string_equal(line, "qemu-img: Could not open '" IMAGE
	                          "': Failed to get shared \"write\" lock");
	free(file);
	free(line);

	/* info --backing-chain names only the backing file that failed. */
	assert_int_equal(
	    classify("image/info-missing-backing.err", NULL, VAULT "overlay.qcow2", &file, &line),
	    IMG_ERR_BACKING);
	assert_string_equal(file, VAULT "base.qcow2");
	free(file);
	free(line);
	/* check says "Could not open backing file". */
	assert_int_equal(
	    classify("image/check-missing-backing.err", NULL, VAULT "overlay.qcow2", &file, &line),
	    IMG_ERR_BACKING);
	assert_string_equal(file, VAULT "base.qcow2");
	assert_non_null(strstr(line, "Could not open backing file"));
	free(file);
	free(line);

	assert_int_equal(classify("image/info-notfound.err", NULL, VAULT "gone.img", &file, &line),
	                 IMG_ERR_NOT_FOUND);
	assert_string_equal(file, VAULT "gone.img");
	free(file);
	free(line);

	assert_int_equal(classify("image/info-denied.err", NULL, IMAGE, &file, &line),
	                 IMG_ERR_DENIED);
	assert_string_equal(file, IMAGE);
	free(file);
	free(line);

	assert_int_equal(classify("image/check-raw.err", NULL, VAULT "raw.img", &file, &line),
	                 IMG_ERR_UNSUPPORTED);
	assert_null(file);
	assert_string_equal(line, "qemu-img: This image format does not support checks");
	free(line);

	assert_int_equal(classify(NULL,
	                          "qemu-img: Could not open 'd.qcow2': 'file' driver requires "
	                          "'d.qcow2' to be a regular file\n",
	                          "d.qcow2", &file, &line),
	                 IMG_ERR_NOT_REGULAR);
	free(file);
	free(line);

	assert_int_equal(
	    classify(NULL, "qemu-img: Image is not in qcow2 format\n", "x", &file, &line),
	    IMG_ERR_OTHER);
	free(file);
	free(line);

	/* A lock told only by its second line still names the file. */
	assert_int_equal(classify(NULL,
	                          "Failed to get \"write\" lock\nIs another process using "
	                          "the image [/x/a.img]?\n",
	                          "/x/a.img", &file, &line),
	                 IMG_ERR_LOCKED);
	assert_string_equal(file, "/x/a.img");
	free(file);
	free(line);

	assert_int_equal(classify(NULL, "", "x", &file, &line), IMG_ERR_NONE);
	assert_null(file);
	assert_null(line);
	assert_int_equal(
	    classify(NULL, "ERROR cluster 0 refcount=0 reference=1\n", "x", &file, &line),
	    IMG_ERR_NONE);
}

static void
test_helpers(void **state)
{
	size_t len;
	char *s = fixture_read("image/check-corrupt.json", &len);
	char *line = img_find_line(s, len, "\"corruptions\"");

	(void)state;
	assert_string_equal(line, "\"corruptions\": 38,");
	free(line);
	assert_null(img_find_line(s, len, "\"leaks\""));
	free(s);

	s = img_human_size(67108864);
	assert_string_equal(s, "64 MiB");
	free(s);
	s = img_human_size(1314816);
	assert_string_equal(s, "1.3 MiB");
	free(s);
	s = img_human_size(512);
	assert_string_equal(s, "512 bytes");
	free(s);
	s = img_human_size(10LL * 1024 * 1024 * 1024 * 1024);
	assert_string_equal(s, "10 TiB");
	free(s);
	s = img_human_size(-1);
	assert_string_equal(s, "?");
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_info),    cmocka_unit_test(test_info_bad),
	    cmocka_unit_test(test_check),   cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_helpers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
