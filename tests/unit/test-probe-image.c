/*
 * test-probe-image.c: the "image" probe. Live, with the real qemu-img, on
 * images the test makes in a temporary directory and then damages on
 * purpose: a refcount block zeroed (corruption), a cluster past the end
 * counted as used (a leak), a backing file removed, the image held open by
 * qemu-io as a running VM holds it. Then on snapshot hosts, from qemu-img's
 * recorded output, every outcome again, and which qemu-img it runs.
 *
 * Without qemu-img the live tests say so and return (a cmocka skip would
 * count as a failure in the TAP driver).
 */
#include "config.h"

#include "cmocka-prelude.h"

#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "host/host.h"
#include "host/snapshot.h"
#include "probe/probe.h"
#include "testutil.h"

#define VAULT "/var/snap/multipass/common/data/multipassd/vault/instances/primary/"
#define IMAGE VAULT "ubuntu-24.04-server-cloudimg-amd64.img"
#define OVERLAY VAULT "overlay.qcow2"
#define BASE VAULT "base.qcow2"
#define MAC_QEMU_IMG "/Library/Application Support/com.canonical.multipass/bin/qemu-img"
#define MAC_IMAGE                                                                                  \
	"/var/root/Library/Application Support/multipassd/qemu/vault/instances/primary/"           \
	"ubuntu-24.04-server-cloudimg-arm64.img"

static bool have_qemu_img;

static int
group_setup(void **state)
{
	struct host_result hr;

	if (tmpdir_setup(state) != 0)
		return -1;
	host_run(host_live(), W("qemu-img", "--version"), NULL, &hr);
	have_qemu_img = hr.status == HOST_OK && hr.exit_code == 0;
	host_result_free(&hr);
	return 0;
}

static bool
live(const char *what)
{
	if (!have_qemu_img)
		print_message("# qemu-img is not installed: live test of %s not run\n", what);
	return have_qemu_img;
}

/* Runs a command that must work (qemu-img create, convert). */
static void
must_run(const char *const *argv)
{
	struct host_result hr;

	host_run(host_live(), argv, NULL, &hr);
	if (hr.status != HOST_OK || hr.exit_code != 0)
		fail_msg("%s %s: %s%s", argv[0], argv[1], hr.message != NULL ? hr.message : "",
		         hr.err);
	host_result_free(&hr);
}

/* A qcow2 image under the temporary directory with 1 MiB of data in it. */
static char *
make_qcow2(const char *name)
{
	struct strbuf data = STRBUF_INIT;
	char *raw_name = xasprintf("%s.raw", name);
	char *raw = NULL, *img = tmp_path(name);

	for (int i = 0; i < 1024 * 1024; i++)
		strbuf_addc(&data, (char)('a' + i % 26));
	raw = write_file(raw_name, data.buf, 0644);
	must_run(W("qemu-img", "convert", "-f", "raw", "-O", "qcow2", raw, img));
	unlink(raw);
	free(raw);
	free(raw_name);
	strbuf_free(&data);
	return img;
}

static uint64_t
be(const unsigned char *p, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

/* From the qcow2 header: the cluster size, and where the first refcount block is. */
static void
qcow2_layout(int fd, uint64_t *cluster, uint64_t *refblock)
{
	unsigned char h[104], e[8];

	assert_int_equal(pread(fd, h, sizeof h, 0), sizeof h);
	assert_int_equal(be(h, 4), 0x514649fb); /* "QFI\xfb" */
	*cluster = (uint64_t)1 << be(h + 20, 4);
	/* refcount_table_offset at 48; its first entry points at the first refcount block. */
	assert_int_equal(pread(fd, e, 8, (off_t)be(h + 48, 8)), 8);
	*refblock = be(e, 8);
	assert_true(*refblock > 0 && *refblock % *cluster == 0);
}

/* Every cluster in use counted 0: qemu-img check reports corruptions. */
static void
corrupt_refcounts(const char *path)
{
	static const unsigned char zero[64];
	uint64_t cluster, refblock;
	int fd = open(path, O_RDWR);

	assert_true(fd >= 0);
	qcow2_layout(fd, &cluster, &refblock);
	assert_int_equal(pwrite(fd, zero, sizeof zero, (off_t)refblock), sizeof zero);
	close(fd);
}

/* The cluster past the end counted as used (16-bit refcounts), the file grown to hold it: a leak.
 */
static void
leak_a_cluster(const char *path)
{
	static const unsigned char one[2] = {0, 1};
	uint64_t cluster, refblock, k;
	struct stat st;
	int fd = open(path, O_RDWR);

	assert_true(fd >= 0);
	qcow2_layout(fd, &cluster, &refblock);
	assert_int_equal(fstat(fd, &st), 0);
	k = ((uint64_t)st.st_size + cluster - 1) / cluster;
	assert_int_equal(pwrite(fd, one, 2, (off_t)(refblock + 2 * k)), 2);
	assert_int_equal(ftruncate(fd, (off_t)((k + 1) * cluster)), 0);
	close(fd);
}

static void
run_image(const char *path, struct probe_result *r)
{
	run_probe(r, "image", "path", path, NULL);
}

static void
test_live_ok(void **state)
{
	struct probe_result r;
	char *img, *raw;

	(void)state;
	if (!live("a clean image"))
		return;
	img = make_qcow2("clean.qcow2");
	run_image(img, &r);
	assert_string_equal(r.outcome, "ok");
	assert_string_equal(result_fact(&r, "image.format"), "qcow2");
	assert_string_equal(result_fact(&r, "image.virtual_size"), "1048576");
	assert_non_null(result_fact(&r, "image.actual_size"));
	assert_string_equal(result_fact(&r, "image.corruptions"), "0");
	assert_string_equal(result_fact(&r, "image.leaks"), "0");
	assert_string_equal(result_fact(&r, "image.chain"), "1");
	assert_null(result_fact(&r, "image.backing"));
	assert_true(lines_have(&r.evidence, "qcow2, virtual size 1 MiB"));
	assert_true(lines_have(&r.evidence, "exited 0"));
	assert_non_null(strstr(r.summary, "no error"));
	probe_result_free(&r);

	/* raw: qemu-img cannot check it. */
	raw = tmp_path("plain.raw");
	must_run(W("qemu-img", "create", "-q", "-f", "raw", raw, "4M"));
	run_image(raw, &r);
	assert_string_equal(r.outcome, "unsupported");
	assert_string_equal(result_fact(&r, "image.format"), "raw");
	assert_true(lines_have(&r.evidence, "does not support checks"));
	probe_result_free(&r);

	/* An image that is not there. */
	unlink(img);
	run_image(img, &r);
	assert_string_equal(r.outcome, "not_found");
	probe_result_free(&r);
	free(img);
	free(raw);
}

static void
test_live_backing(void **state)
{
	struct probe_result r;
	char *base, *overlay;

	(void)state;
	if (!live("a backing chain"))
		return;
	base = make_qcow2("base.qcow2");
	overlay = tmp_path("overlay.qcow2");
	must_run(W("qemu-img", "create", "-q", "-f", "qcow2", "-b", base, "-F", "qcow2", overlay));
	run_image(overlay, &r);
	assert_string_equal(r.outcome, "ok");
	assert_string_equal(result_fact(&r, "image.chain"), "2");
	assert_string_equal(result_fact(&r, "image.backing"), base);
	assert_true(lines_have(&r.evidence, "backing file 1: "));
	probe_result_free(&r);

	unlink(base);
	run_image(overlay, &r);
	assert_string_equal(r.outcome, "missing_backing");
	/* The image's own facts still come, from info without --backing-chain. */
	assert_string_equal(result_fact(&r, "image.backing"), base);
	assert_string_equal(result_fact(&r, "image.format"), "qcow2");
	assert_true(lines_have(&r.evidence, "No such file or directory"));
	assert_non_null(strstr(r.summary, base));
	assert_non_null(strstr(r.summary, "rebase"));
	probe_result_free(&r);
	free(base);
	free(overlay);
}

static void
test_live_corrupt_and_leaks(void **state)
{
	struct probe_result r;
	char *bad, *leaky;

	(void)state;
	if (!live("corrupt and leaking images"))
		return;
	bad = make_qcow2("corrupt.qcow2");
	corrupt_refcounts(bad);
	run_image(bad, &r);
	assert_string_equal(r.outcome, "corrupt");
	assert_true(atoi(result_fact(&r, "image.corruptions")) > 0);
	assert_true(lines_have(&r.evidence, "\"corruptions\": "));
	assert_true(lines_have(&r.evidence, "qemu-img check: ERROR cluster 0 refcount=0"));
	assert_true(lines_have(&r.evidence, "exited 2"));
	assert_non_null(strstr(r.summary, "check -r all"));
	probe_result_free(&r);

	leaky = make_qcow2("leaky.qcow2");
	leak_a_cluster(leaky);
	run_image(leaky, &r);
	assert_string_equal(r.outcome, "leaks");
	assert_string_equal(result_fact(&r, "image.leaks"), "1");
	assert_string_equal(result_fact(&r, "image.corruptions"), "0");
	assert_true(lines_have(&r.evidence, "\"leaks\": 1,"));
	assert_true(lines_have(&r.evidence, "qemu-img check: Leaked cluster"));
	assert_non_null(strstr(r.summary, "check -r leaks"));
	probe_result_free(&r);
	free(bad);
	free(leaky);
}

static void
sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

static void
test_live_in_use(void **state)
{
	struct probe_result r;
	char *img;
	int fds[2], status;
	pid_t pid;
	bool locked = false;

	(void)state;
	if (!live("a locked image"))
		return;
	img = make_qcow2("locked.qcow2");
	/* qemu-io opens the image for writing, as a running VM does, until its stdin closes. */
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(fds[0], 0);
		dup2(null, 1);
		dup2(null, 2);
		close(fds[1]);
		execlp("qemu-io", "qemu-io", "-f", "qcow2", img, (char *)NULL);
		_exit(127);
	}
	close(fds[0]);
	memset(&r, 0, sizeof r);
	for (int i = 0; i < 50 && !locked; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid) {
			print_message(
			    "# qemu-io is not installed: live test of a locked image not run\n");
			close(fds[1]);
			free(img);
			return;
		}
		run_image(img, &r);
		locked = strcmp(r.outcome, "in_use") == 0;
		if (!locked) {
			probe_result_free(&r);
			sleep_ms(100);
		}
	}
	close(fds[1]);
	waitpid(pid, &status, 0);
	assert_true(locked);
	assert_true(lines_have(&r.evidence, "Failed to get shared \"write\" lock"));
	assert_non_null(strstr(r.summary, "stop it first"));
	assert_non_null(strstr(r.summary, "info -U"));
	/* Read once more with -U, for the facts. */
	assert_string_equal(result_fact(&r, "image.format"), "qcow2");
	probe_result_free(&r);

	/* Let go, and it is sound again. */
	run_image(img, &r);
	assert_string_equal(r.outcome, "ok");
	probe_result_free(&r);
	free(img);
}

/* ---- on snapshots --------------------------------------------------------------- */

/* A host where path's stat gave status (HOST_NOT_COLLECTED: nothing recorded). */
static struct snapshot *
img_host(const char *os, const char *path, enum host_status st)
{
	struct snapshot *s = snapshot_new(os, "x86_64", 1727000000);

	if (st != HOST_NOT_COLLECTED)
		snapshot_add_file(s, path, st, 'f', NULL, 0, false);
	return s;
}

/* A qemu-img run: its exit status, and fixtures for its two outputs (NULL: empty). */
static void
add_run(struct snapshot *s, const char *const *argv, int exit_code, const char *out,
        const char *err)
{
	size_t ol = 0, el = 0;
	char *o = out != NULL ? fixture_read(out, &ol) : xstrdup("");
	char *e = err != NULL ? fixture_read(err, &el) : xstrdup("");

	snapshot_add_command(s, argv, HOST_OK, exit_code, o, ol, e, el);
	free(o);
	free(e);
}

static void
add_info(struct snapshot *s, const char *path, int exit_code, const char *out, const char *err)
{
	add_run(s, W("qemu-img", "info", "--output=json", "--backing-chain", path), exit_code, out,
	        err);
}

static void
add_check(struct snapshot *s, const char *path, int exit_code, const char *out, const char *err)
{
	add_run(s, W("qemu-img", "check", "--output=json", path), exit_code, out, err);
}

/* Runs the probe on s for path (qemu_img when not NULL), and frees s. */
static void
run_snap(struct snapshot *s, const char *path, const char *qemu_img, struct probe_result *r)
{
	struct host *h = host_snapshot(s);

	run_probe_on(h, r, "image", "path", path, "qemu_img", qemu_img, NULL);
	host_close(h);
	snapshot_free(s);
}

static void
test_snap_ok_and_check_results(void **state)
{
	static const char incomplete[] =
	    "{\n    \"check-errors\": 2,\n    \"filename\": \"x\",\n    \"format\": \"qcow2\"\n}\n";
	struct snapshot *s;
	struct probe_result r;

	(void)state;
	s = img_host("linux", IMAGE, HOST_OK);
	add_info(s, IMAGE, 0, "image/info-clean.json", NULL);
	add_check(s, IMAGE, 0, "image/check-clean.json", NULL);
	run_snap(s, IMAGE, NULL, &r);
	assert_string_equal(r.outcome, "ok");
	assert_string_equal(result_fact(&r, "image.path"), IMAGE);
	assert_string_equal(result_fact(&r, "image.format"), "qcow2");
	assert_string_equal(result_fact(&r, "image.virtual_size"), "67108864");
	assert_string_equal(result_fact(&r, "image.actual_size"), "1314816");
	assert_string_equal(result_fact(&r, "image.chain"), "1");
	assert_string_equal(result_fact(&r, "image.corruptions"), "0");
	assert_string_equal(result_fact(&r, "image.leaks"), "0");
	assert_true(lines_have_exact(&r.evidence, "qemu-img info: " IMAGE ": qcow2, virtual size "
	                                          "64 MiB, 1.3 MiB on disk"));
	assert_string_equal(r.summary, IMAGE " is a sound qcow2 image of 64 MiB: qemu-img check "
	                                     "found no error.");
	probe_result_free(&r);

	s = img_host("linux", IMAGE, HOST_OK);
	add_info(s, IMAGE, 0, "image/info-clean.json", NULL);
	add_check(s, IMAGE, 2, "image/check-corrupt.json", "image/check-corrupt.err");
	run_snap(s, IMAGE, NULL, &r);
	assert_string_equal(r.outcome, "corrupt");
	assert_string_equal(result_fact(&r, "image.corruptions"), "38");
	assert_true(lines_have_exact(&r.evidence, "qemu-img check: \"corruptions\": 38,"));
	assert_true(lines_have_exact(&r.evidence,
	                             "qemu-img check: ERROR cluster 0 refcount=0 reference=1"));
	assert_true(lines_have_exact(&r.evidence, "qemu-img check: ... 33 more such lines"));
	assert_true(lines_have(&r.evidence, "exited 2: the check completed and found the image "
	                                    "corrupted"));
	assert_non_null(strstr(r.summary, "38 corruption(s)"));
	assert_non_null(strstr(r.summary, "qemu-img check -r all " IMAGE));
	probe_result_free(&r);

	s = img_host("linux", IMAGE, HOST_OK);
	add_info(s, IMAGE, 0, "image/info-clean.json", NULL);
	add_check(s, IMAGE, 3, "image/check-leaks.json", "image/check-leaks.err");
	run_snap(s, IMAGE, NULL, &r);
	assert_string_equal(r.outcome, "leaks");
	assert_string_equal(result_fact(&r, "image.leaks"), "1");
	assert_true(lines_have_exact(&r.evidence,
	                             "qemu-img check: Leaked cluster 21 refcount=1 reference=0"));
	probe_result_free(&r);

	/* Marked corrupt in its header: corrupt, even if the check were clean. */
	s = img_host("linux", IMAGE, HOST_OK);
	add_info(s, IMAGE, 0, "image/info-marked-corrupt.json", NULL);
	add_check(s, IMAGE, 0, "image/check-clean.json", NULL);
	run_snap(s, IMAGE, NULL, &r);
	assert_string_equal(r.outcome, "corrupt");
	assert_true(lines_have(&r.evidence, "marked corrupt"));
	probe_result_free(&r);

	/* raw */
	s = img_host("linux", VAULT "raw.img", HOST_OK);
	add_info(s, VAULT "raw.img", 0, "image/info-raw.json", NULL);
	add_check(s, VAULT "raw.img", 63, NULL, "image/check-raw.err");
	run_snap(s, VAULT "raw.img", NULL, &r);
	assert_string_equal(r.outcome, "unsupported");
	assert_string_equal(result_fact(&r, "image.format"), "raw");
	assert_non_null(strstr(r.summary, "raw image"));
	probe_result_free(&r);

	/* A check that could not finish. */
	s = img_host("linux", IMAGE, HOST_OK);
	add_info(s, IMAGE, 0, "image/info-clean.json", NULL);
	snapshot_add_command(s, W("qemu-img", "check", "--output=json", IMAGE), HOST_OK, 1,
	                     incomplete, strlen(incomplete), "", 0);
	run_snap(s, IMAGE, NULL, &r);
	assert_string_equal(r.outcome, "error");
	assert_true(lines_have(&r.evidence, "did not complete"));
	assert_true(lines_have_exact(&r.evidence, "qemu-img check: \"check-errors\": 2,"));
	probe_result_free(&r);
}

static void
test_snap_chain_and_backing(void **state)
{
	struct snapshot *s;
	struct probe_result r;

	(void)state;
	s = img_host("linux", OVERLAY, HOST_OK);
	add_info(s, OVERLAY, 0, "image/info-chain.json", NULL);
	add_check(s, OVERLAY, 0, "image/check-clean.json", NULL);
	run_snap(s, OVERLAY, NULL, &r);
	assert_string_equal(r.outcome, "ok");
	assert_string_equal(result_fact(&r, "image.chain"), "2");
	assert_string_equal(result_fact(&r, "image.backing"), BASE);
	assert_true(
	    lines_have_exact(&r.evidence, "qemu-img info: backing file 1: " BASE " (qcow2)"));
	probe_result_free(&r);

	s = img_host("linux", OVERLAY, HOST_OK);
	add_info(s, OVERLAY, 1, NULL, "image/info-missing-backing.err");
	add_run(s, W("qemu-img", "info", "--output=json", OVERLAY), 0,
	        "image/info-missing-backing-top.json", NULL);
	run_snap(s, OVERLAY, NULL, &r);
	assert_string_equal(r.outcome, "missing_backing");
	assert_string_equal(result_fact(&r, "image.backing"), BASE);
	assert_string_equal(result_fact(&r, "image.format"), "qcow2");
	/* How deep the chain goes is not known when a link is missing. */
	assert_null(result_fact(&r, "image.chain"));
	assert_true(lines_have(&r.evidence, "Could not open '" BASE "'"));
	assert_non_null(strstr(r.summary, "(" BASE ")"));
	probe_result_free(&r);

	/* Without the second info, the error line alone names the backing file. */
	s = img_host("linux", OVERLAY, HOST_OK);
	add_info(s, OVERLAY, 1, NULL, "image/info-missing-backing.err");
	run_snap(s, OVERLAY, NULL, &r);
	assert_string_equal(r.outcome, "missing_backing");
	assert_string_equal(result_fact(&r, "image.backing"), BASE);
	assert_null(result_fact(&r, "image.format"));
	probe_result_free(&r);

	/* info worked, but check could not open the backing file (it went in between). */
	s = img_host("linux", OVERLAY, HOST_OK);
	add_info(s, OVERLAY, 0, "image/info-chain.json", NULL);
	add_check(s, OVERLAY, 1, NULL, "image/check-missing-backing.err");
	run_snap(s, OVERLAY, NULL, &r);
	assert_string_equal(r.outcome, "missing_backing");
	assert_true(lines_have(&r.evidence, "Could not open backing file"));
	probe_result_free(&r);
}

static void
test_snap_in_use_unreadable_not_found(void **state)
{
	struct snapshot *s;
	struct probe_result r;

	(void)state;
	s = img_host("linux", IMAGE, HOST_OK);
	add_info(s, IMAGE, 1, NULL, "image/info-locked.err");
	add_run(s, W("qemu-img", "info", "-U", "--output=json", "--backing-chain", IMAGE), 0,
	        "image/info-clean.json", NULL);
	run_snap(s, IMAGE, NULL, &r);
	assert_string_equal(r.outcome, "in_use");
	assert_string_equal(result_fact(&r, "image.format"), "qcow2");
	assert_null(result_fact(&r, "image.corruptions"));
	assert_true(lines_have(&r.evidence, "Failed to get shared \"write\" lock"));
	/* The instance is named from the vault's layout. */
	assert_non_null(strstr(r.summary, "'multipass stop primary'"));
	assert_non_null(strstr(r.summary, "qemu-img info -U " IMAGE));
	probe_result_free(&r);

	s = img_host("linux", IMAGE, HOST_OK);
	add_info(s, IMAGE, 1, NULL, "image/info-denied.err");
	run_snap(s, IMAGE, NULL, &r);
	assert_string_equal(r.outcome, "unreadable");
	assert_non_null(strstr(r.summary, "sudo"));
	assert_true(lines_have(&r.evidence, "Permission denied"));
	probe_result_free(&r);

	/* The stat says it is gone: qemu-img is not even asked. */
	s = img_host("linux", VAULT "gone.img", HOST_NO_SUCH);
	run_snap(s, VAULT "gone.img", NULL, &r);
	assert_string_equal(r.outcome, "not_found");
	probe_result_free(&r);

	/* No stat recorded (a closed directory above): qemu-img's word decides. */
	s = img_host("linux", VAULT "gone.img", HOST_NOT_COLLECTED);
	add_info(s, VAULT "gone.img", 1, NULL, "image/info-notfound.err");
	run_snap(s, VAULT "gone.img", NULL, &r);
	assert_string_equal(r.outcome, "not_found");
	probe_result_free(&r);
}

static void
test_snap_which_qemu_img(void **state)
{
	struct snapshot *s;
	struct probe_result r;

	(void)state;
	/* macOS: the qemu-img Multipass ships, when it is there. */
	s = img_host("darwin", MAC_IMAGE, HOST_OK);
	snapshot_add_file(s, MAC_QEMU_IMG, HOST_OK, 'f', NULL, 0, false);
	add_run(s, W(MAC_QEMU_IMG, "info", "--output=json", "--backing-chain", MAC_IMAGE), 0,
	        "image/info-clean.json", NULL);
	add_run(s, W(MAC_QEMU_IMG, "check", "--output=json", MAC_IMAGE), 0,
	        "image/check-clean.json", NULL);
	run_snap(s, MAC_IMAGE, NULL, &r);
	assert_string_equal(r.outcome, "ok");
	probe_result_free(&r);

	/* ... else the one in PATH. */
	s = img_host("darwin", MAC_IMAGE, HOST_OK);
	snapshot_add_file(s, MAC_QEMU_IMG, HOST_NO_SUCH, 'f', NULL, 0, false);
	add_info(s, MAC_IMAGE, 0, "image/info-clean.json", NULL);
	add_check(s, MAC_IMAGE, 0, "image/check-clean.json", NULL);
	run_snap(s, MAC_IMAGE, NULL, &r);
	assert_string_equal(r.outcome, "ok");
	probe_result_free(&r);

	/* Given by hand. */
	s = img_host("linux", IMAGE, HOST_OK);
	add_run(s, W("/opt/qemu/bin/qemu-img", "info", "--output=json", "--backing-chain", IMAGE),
	        0, "image/info-clean.json", NULL);
	add_run(s, W("/opt/qemu/bin/qemu-img", "check", "--output=json", IMAGE), 3,
	        "image/check-leaks.json", "image/check-leaks.err");
	run_snap(s, IMAGE, "/opt/qemu/bin/qemu-img", &r);
	assert_string_equal(r.outcome, "leaks");
	assert_non_null(strstr(r.summary, "'/opt/qemu/bin/qemu-img check -r leaks"));
	probe_result_free(&r);

	/* Not installed. */
	s = img_host("linux", IMAGE, HOST_OK);
	snapshot_add_command(s, W("qemu-img", "info", "--output=json", "--backing-chain", IMAGE),
	                     HOST_NO_SUCH, -1, "", 0, "", 0);
	run_snap(s, IMAGE, NULL, &r);
	assert_string_equal(r.outcome, "error");
	assert_non_null(strstr(r.summary, "qemu-utils"));
	probe_result_free(&r);

	/* The snapshot lacks the runs. */
	s = img_host("linux", IMAGE, HOST_OK);
	run_snap(s, IMAGE, NULL, &r);
	assert_string_equal(r.outcome, "error");
	assert_non_null(strstr(r.summary, "snapshot"));
	probe_result_free(&r);

	/* info ran, check is missing from the snapshot. */
	s = img_host("linux", IMAGE, HOST_OK);
	add_info(s, IMAGE, 0, "image/info-clean.json", NULL);
	run_snap(s, IMAGE, NULL, &r);
	assert_string_equal(r.outcome, "error");
	assert_non_null(strstr(r.summary, "snapshot"));
	assert_string_equal(result_fact(&r, "image.format"), "qcow2");
	probe_result_free(&r);

	/* Output that is not qemu-img's. */
	s = img_host("linux", IMAGE, HOST_OK);
	snapshot_add_command(s, W("qemu-img", "info", "--output=json", "--backing-chain", IMAGE),
	                     HOST_OK, 0, "hello\n", 6, "", 0);
	run_snap(s, IMAGE, NULL, &r);
	assert_string_equal(r.outcome, "error");
	assert_non_null(strstr(r.summary, "not understood"));
	probe_result_free(&r);
}

static void
test_entry(void **state)
{
	const struct probe_entry *pe = probe_find("image");
	static const char *const outcomes[] = {"ok",         "missing_backing", "corrupt",
	                                       "leaks",      "not_found",       "in_use",
	                                       "unreadable", "unsupported"};
	struct probe_result r;

	(void)state;
	assert_non_null(pe);
	for (size_t i = 0; i < sizeof outcomes / sizeof outcomes[0]; i++)
		assert_true(probe_has_outcome(pe, outcomes[i]));
	assert_true(probe_sets_fact(pe, "image.chain"));
	assert_true(probe_sets_fact(pe, "image.backing"));
	assert_true(param_def_find(pe->params, "path")->required);
	/* path is required and must be absolute. */
	run_probe(&r, "image", NULL);
	assert_string_equal(r.outcome, "error");
	probe_result_free(&r);
	run_probe(&r, "image", "path", "relative.img", NULL);
	assert_string_equal(r.outcome, "error");
	probe_result_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_live_ok),
	    cmocka_unit_test(test_live_backing),
	    cmocka_unit_test(test_live_corrupt_and_leaks),
	    cmocka_unit_test(test_live_in_use),
	    cmocka_unit_test(test_snap_ok_and_check_results),
	    cmocka_unit_test(test_snap_chain_and_backing),
	    cmocka_unit_test(test_snap_in_use_unreadable_not_found),
	    cmocka_unit_test(test_snap_which_qemu_img),
	    cmocka_unit_test(test_entry),
	};

	return cmocka_run_group_tests(tests, group_setup, tmpdir_teardown);
}
