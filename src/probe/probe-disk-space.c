/*
 * probe-disk-space.c: the "disk_space" probe. Is there room where an
 * instance image, a converted disk or a download goes? A full disk makes
 * qemu-img conversions and image downloads fail halfway, and an instance
 * whose image cannot grow pauses or corrupts its filesystem.
 *
 * One fixed command lists every filesystem, and the path is looked up here
 * (so a snapshot answers for any path, and the path need not exist yet):
 * POSIX `df -Pk` on Linux and macOS, the longest mount point that holds the
 * path winning; on Windows PowerShell's Get-PSDrive, by drive letter.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "host/host.h"
#include "probe/probe.h"
#include "probe/sysparse.h"

#define DF_OUTPUT_MAX (1024 * 1024)
#define MAX_LINE_BYTES 200

static const struct param_def disk_params[] = {
    {.name = "path",
     .type = PARAM_PATH,
     .required = true,
     .help = N_("where the image or the output goes; it need not exist yet")},
    {.name = "need",
     .type = PARAM_STRING,
     .def = "1G",
     .help = N_("the space needed: a size such as 512M, 20G or 1.5T (powers of 1024)")},
    {.name = NULL},
};

static const struct outcome_def disk_outcomes[] = {
    {"ok", N_("the filesystem that holds the path has at least the space needed free")},
    {"low", N_("the filesystem that holds the path has less free space than needed")},
    {"not_found", N_("no filesystem (or drive) of this machine holds the path")},
    {NULL, NULL},
};

static const char *const disk_facts[] = {"disk.mount",      "disk.free",       "disk.free_bytes",
                                         "disk.size_bytes", "disk.need_bytes", NULL};

static const char *const df_argv[] = {"df", "-Pk", NULL};
static const char *const psdrive_argv[] = {"powershell.exe", "-NoProfile",    "-NonInteractive",
                                           "-Command",       PSDRIVE_COMMAND, NULL};

/* The path itself, or the nearest directory above it that exists; NULL when none. */
static char *
nearest_existing(struct host *host, const char *path)
{
	char *p = xstrdup(path);

	for (;;) {
		char kind;
		char *slash;

		if (host_stat(host, p, &kind) == 1)
			return p;
		if ((slash = strrchr(p, '/')) == NULL || slash == p) {
			free(p);
			return xstrdup("/");
		}
		*slash = '\0';
	}
}

static void
judge(const char *path, uint64_t need, const struct df_entry *e, const char *os,
      struct probe_result *r)
{
	bool windows = strcmp(os, "windows") == 0;
	char *free_h = size_human(e->avail), *need_h = size_human(need),
	     *size_h = size_human(e->size);
	char *clean = probe_clean_line(e->line, strlen(e->line), MAX_LINE_BYTES);

	probe_result_fact(r, "disk.mount", "%s", e->mount);
	probe_result_fact(r, "disk.free", "%s", free_h);
	probe_result_fact(r, "disk.free_bytes", "%llu", (unsigned long long)e->avail);
	probe_result_fact(r, "disk.size_bytes", "%llu", (unsigned long long)e->size);
	if (windows)
		probe_result_evidence(r, "Get-PSDrive: %s", clean);
	else
		probe_result_evidence(r, "df -Pk: %s", clean);
	if (strcmp(os, "darwin") == 0 && !str_has_prefix(path, e->mount))
		probe_result_evidence(r, _("on macOS, %s is stored under %s"), path, e->mount);
	probe_result_evidence(r, _("%s free of %s on %s; %s needed"), free_h, size_h, e->mount,
	                      need_h);
	if (e->avail >= need) {
		probe_result_set_outcome(r, "ok");
		probe_result_summary(r, _("%s free on %s, which holds %s (%s needed)"), free_h,
		                     e->mount, path, need_h);
	} else {
		probe_result_set_outcome(r, "low");
		probe_result_summary(r, _("only %s free on %s, which holds %s: %s needed"), free_h,
		                     e->mount, path, need_h);
	}
	free(clean);
	free(free_h);
	free(need_h);
	free(size_h);
}

static int
probe_disk_space_run(const struct params *p, const struct probe_ctx *ctx, struct probe_result *r)
{
	const char *path = params_get(p, "path"), *need_s = params_get(p, "need");
	const char *os = host_os(ctx->host);
	bool windows = strcmp(os, "windows") == 0;
	const char *const *argv = windows ? psdrive_argv : df_argv;
	const char *what = windows ? "Get-PSDrive" : "df -Pk";
	struct host_run_opts opts = {0};
	struct host_result hr;
	struct df_list fss = {NULL, 0, 0};
	const struct df_entry *e = NULL;
	uint64_t need = 0;
	char *err = NULL;

	memset(&hr, 0, sizeof hr);
	if (size_parse(need_s, &need, &err) != 0) {
		probe_result_set_outcome(r, OUTCOME_ERROR);
		probe_result_summary(r, _("need: %s"), err);
		probe_result_evidence(r, _("need: %s"), err);
		goto out;
	}
	probe_result_fact(r, "disk.need_bytes", "%llu", (unsigned long long)need);

	opts.timeout_ms = ctx->timeout_ms;
	opts.max_output = DF_OUTPUT_MAX;
	host_run(ctx->host, argv, &opts, &hr);
	/* df exits 1 when one filesystem cannot be read, and still lists the others. */
	if (hr.status == HOST_OK) {
		if (windows)
			psdrive_parse(hr.out, hr.out_len, &fss);
		else
			df_parse(hr.out, hr.out_len, &fss);
	}
	if (fss.n == 0) {
		probe_result_listing_failed(r, what, _("the list of filesystems"), &hr);
		goto out;
	}
	/*
	 * In a container or a chroot, the full listing can miss the filesystem
	 * the path is on (it names the host's mounts): ask df about the nearest
	 * directory of the path that exists. Only then does the question depend
	 * on the path.
	 */
	if ((e = df_pick(&fss, path, os)) == NULL && !windows) {
		char *dir = nearest_existing(ctx->host, path);

		if (dir != NULL) {
			const char *one[] = {"df", "-Pk", "--", dir, NULL};
			struct host_result hr2;
			struct df_list more = {NULL, 0, 0};

			host_run(ctx->host, one, &opts, &hr2);
			if (hr2.status == HOST_OK)
				df_parse(hr2.out, hr2.out_len, &more);
			if (more.n == 1) {
				probe_result_evidence(r, _("'%s' lists no filesystem for %s; 'df -Pk %s' "
				                           "names its own"),
				                      what, path, dir);
				df_list_free(&fss);
				fss = more;
				e = &fss.v[0];
			} else
				df_list_free(&more);
			host_result_free(&hr2);
			free(dir);
		}
	}
	if (e == NULL) {
		probe_result_set_outcome(r, "not_found");
		probe_result_summary(r, _("no filesystem of this machine holds %s"), path);
		probe_result_evidence(r,
		                      _("'%s' lists %zu filesystems; none is mounted where %s is"),
		                      what, fss.n, path);
		goto out;
	}
	if (!e->known) {
		char *clean = probe_clean_line(e->line, strlen(e->line), MAX_LINE_BYTES);

		probe_result_set_outcome(r, "not_found");
		probe_result_fact(r, "disk.mount", "%s", e->mount);
		probe_result_summary(r,
		                     _("%s is on %s, which has no size (a drive without media?)"),
		                     path, e->mount);
		probe_result_evidence(r, "%s: %s", what, clean);
		free(clean);
		goto out;
	}
	judge(path, need, e, os, r);
out:
	free(err);
	df_list_free(&fss);
	host_result_free(&hr);
	return 0;
}

const struct probe_entry probe_disk_space_entry = {
    .name = "disk_space",
    .summary =
        N_("Whether the filesystem where an image or a conversion goes has the space needed"),
    .params = disk_params,
    .outcomes = disk_outcomes,
    .facts = disk_facts,
    .default_timeout_ms = 10000,
    .run = probe_disk_space_run,
};
