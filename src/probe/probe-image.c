/*
 * probe-image.c: the "image" probe. Is an instance's disk image sound?
 * `qemu-img info --output=json --backing-chain` says what the image is and
 * whether its backing files open; when it does, `qemu-img check
 * --output=json` looks for corruption and leaked clusters. The qemu-img that
 * Multipass ships is used where the platform has one, else the one in PATH.
 *
 * A running instance holds a lock on its image, so qemu-img refuses it
 * ("Failed to get shared "write" lock"): the probe then says so, and reads
 * the image's facts once more with -U (shared, read-only), but does not
 * check it: a check of an image that is being written reports damage that
 * is not there.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "host/host.h"
#include "platform/paths.h"
#include "probe/imgparse.h"
#include "probe/probe.h"

#define MAX_OUTPUT (4 * 1024 * 1024)
#define MAX_ERROR_LINES 5

static const struct param_def image_params[] = {
    {.name = "path",
     .type = PARAM_PATH,
     .required = true,
     .help = N_("the disk image (an instance's .img or .qcow2 file)")},
    {.name = "qemu_img",
     .type = PARAM_PATH,
     .help = N_("the qemu-img to run (default: the one Multipass ships, else qemu-img from "
                "PATH)")},
    {.name = "seconds",
     .type = PARAM_SECONDS,
     .def = "120",
     .help = N_("how long qemu-img may take in all (a check reads the whole image)")},
    {.name = NULL},
};

static const struct outcome_def image_outcomes[] = {
    {"ok", N_("qemu-img check found no error")},
    {"missing_backing",
     N_("a backing file of the image cannot be opened (\"Could not open backing file\")")},
    {"corrupt", N_("qemu-img check found corruptions, or the image is marked corrupt")},
    {"leaks", N_("qemu-img check found leaked clusters (wasted space, no harm to data)")},
    {"not_found", N_("the image does not exist")},
    {"in_use", N_("the image is locked by another process, most likely its running instance")},
    {"unreadable", N_("permission denied: qemu-img must run as root (sudo)")},
    {"unsupported",
     N_("the image's format cannot be checked (raw, for one): nothing wrong is known")},
    {NULL, NULL},
};

static const char *const image_facts[] = {
    "image.path",        "image.format",  "image.virtual_size",
    "image.actual_size", "image.backing", "image.corruptions",
    "image.leaks",       "image.chain",   NULL,
};

struct image_run {
	const char *path;
	const char *qemu;
	char *instance; /* the instance the image belongs to, when its path says; or NULL */
	int step_ms;    /* for info */
	int check_ms;   /* for check */
	struct img_chain chain;
};

/* ".../vault/instances/<instance>/<image>": the instance's name. */
static char *
instance_of(const char *path)
{
	const char *end = path + strlen(path), *name_end = NULL, *name = NULL, *above, *p;

	for (p = end; p > path; p--) {
		if (p[-1] == '/' || p[-1] == '\\') {
			if (name_end == NULL) {
				name_end = p - 1;
			} else {
				name = p;
				break;
			}
		}
	}
	if (name == NULL || name_end <= name)
		return NULL;
	/* The directory above must be "instances" (".../vault/instances/<instance>/"). */
	if ((size_t)(name - path) < strlen("/instances/"))
		return NULL;
	above = name - strlen("/instances/");
	if ((above[0] != '/' && above[0] != '\\') ||
	    strncmp(above + 1, "instances", strlen("instances")) != 0)
		return NULL;
	return xstrndup(name, (size_t)(name_end - name));
}

/* The qemu-img Multipass ships, when it is there; else the one in PATH. */
static const char *
pick_qemu_img(const struct params *p, const struct probe_ctx *ctx)
{
	const struct platform_info *pi = platform_info(host_os(ctx->host));
	char kind = 'o';

	if (params_get(p, "qemu_img") != NULL)
		return params_get(p, "qemu_img");
	if (pi != NULL && pi->qemu_img != NULL && host_stat(ctx->host, pi->qemu_img, &kind) == 1 &&
	    kind == 'f')
		return pi->qemu_img;
	return "qemu-img";
}

static void
run_qemu(const struct probe_ctx *ctx, const char *const *argv, int timeout_ms,
         struct host_result *hr)
{
	struct host_run_opts opts = {0};

	opts.timeout_ms = timeout_ms;
	opts.max_output = MAX_OUTPUT;
	host_run(ctx->host, argv, &opts, hr);
}

/* A run that did not happen (or was cut short): ends the probe. Returns true then. */
static bool
run_failed(struct image_run *ir, const struct host_result *hr, struct probe_result *r)
{
	switch (hr->status) {
	case HOST_OK:
		return false;
	case HOST_NO_SUCH:
		probe_result_set_outcome(r, OUTCOME_ERROR);
		probe_result_summary(r,
		                     _("%s was not found: install qemu-img (Debian and Ubuntu: "
		                       "qemu-utils), or give its path as qemu_img="),
		                     ir->qemu);
		break;
	case HOST_DENIED:
		probe_result_set_outcome(r, "unreadable");
		probe_result_summary(r, _("%s may not be run: permission denied"), ir->qemu);
		break;
	case HOST_NOT_COLLECTED:
		probe_result_set_outcome(r, OUTCOME_ERROR);
		probe_result_summary(
		    r, _("the snapshot does not hold what the image probe reads: %s"), hr->message);
		break;
	case HOST_TIMEOUT:
		probe_result_set_outcome(r, OUTCOME_ERROR);
		probe_result_summary(r, "%s",
		                     _("qemu-img did not finish in time; give it more with "
		                       "seconds="));
		break;
	default:
		probe_result_set_outcome(r, OUTCOME_ERROR);
		probe_result_summary(r, "%s", hr->message);
		break;
	}
	probe_result_evidence(r, "%s", hr->message);
	return true;
}

/*
 * The facts and evidence of what info said. whole: the chain was read to its
 * end (--backing-chain), so its length is known.
 */
static void
chain_facts(struct image_run *ir, bool whole, struct probe_result *r)
{
	const struct img_info *top = &ir->chain.v[0];
	char *vs = img_human_size(top->virtual_size), *as = img_human_size(top->actual_size);

	probe_result_fact(r, "image.format", "%s", top->format);
	if (top->virtual_size >= 0)
		probe_result_fact(r, "image.virtual_size", "%lld", top->virtual_size);
	if (top->actual_size >= 0)
		probe_result_fact(r, "image.actual_size", "%lld", top->actual_size);
	if (top->backing != NULL)
		probe_result_fact(r, "image.backing", "%s",
		                  top->full_backing != NULL ? top->full_backing : top->backing);
	if (whole)
		probe_result_fact(r, "image.chain", "%zu", ir->chain.n);
	probe_result_evidence(r, _("qemu-img info: %s: %s, virtual size %s, %s on disk"),
	                      top->filename, top->format, vs, as);
	for (size_t i = 1; i < ir->chain.n; i++)
		probe_result_evidence(r, _("qemu-img info: backing file %zu: %s (%s)"), i,
		                      ir->chain.v[i].filename, ir->chain.v[i].format);
	free(vs);
	free(as);
}

/* info once more with other options, for the facts only; quiet when it fails. */
static void
facts_from_info(struct image_run *ir, const struct probe_ctx *ctx, const char *const *argv,
                bool whole, struct probe_result *r)
{
	struct host_result hr;
	char *err = NULL;

	run_qemu(ctx, argv, ir->step_ms, &hr);
	if (hr.status == HOST_OK && hr.exit_code == 0 &&
	    img_parse_info(hr.out, hr.out_len, &ir->chain, &err) == 0)
		chain_facts(ir, whole, r);
	free(err);
	host_result_free(&hr);
}

static void
say_in_use(struct image_run *ir, const char *file, struct probe_result *r)
{
	const char *who = file != NULL && strcmp(file, ir->path) != 0 ? file : ir->path;

	probe_result_set_outcome(r, "in_use");
	if (ir->instance != NULL)
		probe_result_summary(
		    r,
		    _("%s is locked by another process, most likely the running instance: stop it "
		      "first ('multipass stop %s'), or look read-only with '%s info -U %s' "
		      "(a running image may look inconsistent)."),
		    who, ir->instance, ir->qemu, ir->path);
	else
		probe_result_summary(
		    r,
		    _("%s is locked by another process, most likely a running VM: stop it first, "
		      "or look read-only with '%s info -U %s' (a running image may look "
		      "inconsistent)."),
		    who, ir->qemu, ir->path);
}

static void
say_missing_backing(struct image_run *ir, const char *file, struct probe_result *r)
{
	const struct img_info *top = ir->chain.n > 0 ? &ir->chain.v[0] : NULL;
	const char *b = file;

	if (b == NULL && top != NULL)
		b = top->backing;
	probe_result_set_outcome(r, "missing_backing");
	if (ir->chain.n == 0 && b != NULL)
		probe_result_fact(r, "image.backing", "%s", b);
	probe_result_summary(
	    r,
	    _("A backing file of %s cannot be opened (%s), so the image is unusable: put the file "
	      "back where the image expects it, or, if it moved, point the image at it with "
	      "'qemu-img rebase -u -b NEWPATH -F FORMAT %s'."),
	    ir->path, b != NULL ? b : _("see the evidence"), ir->path);
}

/*
 * A failed info or check, told by its error lines. Returns 0 when an
 * outcome was set, -1 when the error was not one of those told apart.
 */
static int
judge_error(struct image_run *ir, const struct probe_ctx *ctx, const struct host_result *hr,
            struct probe_result *r)
{
	char *file = NULL, *line = NULL;
	enum img_error e = img_classify_error(hr->err, hr->err_len, ir->path, &file, &line);
	int rc = 0;

	if (line != NULL)
		probe_result_evidence(r, "%s", line);
	switch (e) {
	case IMG_ERR_NOT_FOUND:
		probe_result_set_outcome(r, "not_found");
		probe_result_summary(r, _("%s does not exist"), ir->path);
		break;
	case IMG_ERR_DENIED:
		probe_result_set_outcome(r, "unreadable");
		probe_result_summary(
		    r,
		    _("%s cannot be read: permission denied; run vmtriage with sudo "
		      "(Multipass's images belong to root)"),
		    file != NULL ? file : ir->path);
		break;
	case IMG_ERR_LOCKED: {
		const char *argv[] = {ir->qemu,          "info",   "-U", "--output=json",
		                      "--backing-chain", ir->path, NULL};

		say_in_use(ir, file, r);
		if (ir->chain.n == 0)
			facts_from_info(ir, ctx, argv, true, r);
		break;
	}
	case IMG_ERR_BACKING: {
		const char *argv[] = {ir->qemu, "info", "--output=json", ir->path, NULL};

		/* Without --backing-chain, info opens the image alone: its own facts. */
		if (ir->chain.n == 0)
			facts_from_info(ir, ctx, argv, false, r);
		say_missing_backing(ir, file, r);
		break;
	}
	case IMG_ERR_UNSUPPORTED:
		probe_result_set_outcome(r, "unsupported");
		probe_result_summary(r,
		                     _("%s is in a format qemu-img cannot check; nothing wrong is "
		                       "known about it (check the file system inside instead)"),
		                     ir->path);
		break;
	case IMG_ERR_NOT_REGULAR:
		probe_result_set_outcome(r, OUTCOME_ERROR);
		probe_result_summary(r, _("%s is not a regular file"), ir->path);
		break;
	default:
		rc = -1;
		break;
	}
	free(file);
	free(line);
	return rc;
}

/* The ERROR and "Leaked cluster" lines check writes, a few of them, and how many. */
static void
check_lines(const struct host_result *hr, struct probe_result *r)
{
	const char *p = hr->err, *end = hr->err + hr->err_len;
	size_t n = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t ll = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);

		if ((ll >= 5 && memcmp(p, "ERROR", 5) == 0) ||
		    (ll >= 14 && memcmp(p, "Leaked cluster", 14) == 0)) {
			if (n < MAX_ERROR_LINES) {
				char *c = probe_clean_line(p, ll, 200);

				probe_result_evidence(r, "qemu-img check: %s", c);
				free(c);
			}
			n++;
		}
		p = nl != NULL ? nl + 1 : end;
	}
	if (n > MAX_ERROR_LINES)
		probe_result_evidence(r, _("qemu-img check: ... %zu more such lines"),
		                      n - MAX_ERROR_LINES);
}

static void
json_evidence(const struct host_result *hr, const char *key, struct probe_result *r)
{
	char *line = img_find_line(hr->out, hr->out_len, key);

	if (line != NULL)
		probe_result_evidence(r, "qemu-img check: %s", line);
	free(line);
}

static int
do_check(struct image_run *ir, const struct probe_ctx *ctx, struct probe_result *r)
{
	const char *argv[] = {ir->qemu, "check", "--output=json", ir->path, NULL};
	const struct img_info *top = &ir->chain.v[0];
	struct img_check ck;
	struct host_result hr;
	char *err = NULL;
	bool parsed = false;
	int status;

	memset(&ck, 0, sizeof ck);
	run_qemu(ctx, argv, ir->check_ms, &hr);
	if (run_failed(ir, &hr, r))
		goto out;
	status = hr.exit_code;
	if (status == IMG_CHECK_UNSUPPORTED) {
		probe_tail_lines(&r->evidence, "", hr.err, hr.err_len, 1);
		probe_result_evidence(r, _("qemu-img check exited %d: %s"), status,
		                      img_check_status_meaning(status));
		probe_result_set_outcome(r, "unsupported");
		probe_result_summary(r,
		                     _("%s is a %s image, a format qemu-img cannot check; nothing "
		                       "wrong is known about it (check the file system inside "
		                       "instead)"),
		                     ir->path, top->format);
		goto out;
	}
	parsed = img_parse_check(hr.out, hr.out_len, &ck, &err) == 0;
	if (!parsed && judge_error(ir, ctx, &hr, r) == 0)
		goto out;
	if (parsed) {
		probe_result_fact(r, "image.corruptions", "%lld", ck.corruptions);
		probe_result_fact(r, "image.leaks", "%lld", ck.leaks);
	}
	if (img_check_status_meaning(status) != NULL)
		probe_result_evidence(r, _("qemu-img check exited %d: %s"), status,
		                      img_check_status_meaning(status));
	if ((parsed && ck.corruptions > 0) || status == IMG_CHECK_CORRUPT || top->corrupt) {
		json_evidence(&hr, "\"corruptions\"", r);
		check_lines(&hr, r);
		if (top->corrupt)
			probe_result_evidence(r, "%s",
			                      _("qemu-img info: the image is marked corrupt"));
		probe_result_set_outcome(r, "corrupt");
		if (parsed && ck.corruptions > 0)
			probe_result_summary(
			    r,
			    _("qemu-img check found %lld corruption(s) in %s: with the instance "
			      "stopped, copy the image, then repair it with '%s check -r all %s'."),
			    ck.corruptions, ir->path, ir->qemu, ir->path);
		else
			probe_result_summary(r,
			                     _("%s is corrupt: with the instance stopped, copy the "
			                       "image, then repair "
			                       "it with '%s check -r all %s'."),
			                     ir->path, ir->qemu, ir->path);
	} else if ((parsed && ck.leaks > 0) || status == IMG_CHECK_LEAKS) {
		json_evidence(&hr, "\"leaks\"", r);
		check_lines(&hr, r);
		probe_result_set_outcome(r, "leaks");
		probe_result_summary(
		    r,
		    _("%s has %lld leaked cluster(s): disk space is wasted, but no data is harmed; "
		      "'%s check -r leaks %s' (instance stopped) gives the space back."),
		    ir->path, ck.leaks, ir->qemu, ir->path);
	} else if (status == IMG_CHECK_CLEAN && parsed && ck.check_errors == 0) {
		char *vs = img_human_size(top->virtual_size);

		probe_result_set_outcome(r, "ok");
		probe_result_summary(r,
		                     _("%s is a sound %s image of %s: qemu-img check found no "
		                       "error."),
		                     ir->path, top->format, vs);
		free(vs);
	} else {
		probe_result_set_outcome(r, OUTCOME_ERROR);
		json_evidence(&hr, "\"check-errors\"", r);
		probe_tail_lines(&r->evidence, "", hr.err, hr.err_len, 4);
		if (!parsed && err != NULL)
			probe_result_evidence(r, "%s", err);
		probe_result_summary(r,
		                     _("qemu-img check could not complete on %s (exit status "
		                       "%d)"),
		                     ir->path, status);
	}
out:
	free(err);
	img_check_free(&ck);
	host_result_free(&hr);
	return 0;
}

static int
probe_image_run(const struct params *p, const struct probe_ctx *ctx, struct probe_result *r)
{
	struct image_run ir;
	struct host_result hr;
	const char *argv[6];
	char *err = NULL;
	char kind = 'o';

	memset(&ir, 0, sizeof ir);
	memset(&hr, 0, sizeof hr);
	ir.path = params_get(p, "path");
	ir.qemu = pick_qemu_img(p, ctx);
	ir.instance = instance_of(ir.path);
	ir.step_ms = ctx->timeout_ms / 4 > 1000 ? ctx->timeout_ms / 4 : 1000;
	ir.check_ms = ctx->timeout_ms - ir.step_ms > 1000 ? ctx->timeout_ms - ir.step_ms : 1000;
	probe_result_fact(r, "image.path", "%s", ir.path);

	switch (host_stat(ctx->host, ir.path, &kind)) {
	case 0:
		probe_result_set_outcome(r, "not_found");
		probe_result_summary(r, _("%s does not exist"), ir.path);
		probe_result_evidence(r, _("%s does not exist"), ir.path);
		goto out;
	case 1:
		if (kind == 'd') {
			probe_result_set_outcome(r, OUTCOME_ERROR);
			probe_result_summary(r, _("%s is a directory, not an image"), ir.path);
			probe_result_evidence(r, _("%s is a directory"), ir.path);
			goto out;
		}
		break;
	default:
		break; /* unknown (a directory above is closed to us): qemu-img will say */
	}

	argv[0] = ir.qemu;
	argv[1] = "info";
	argv[2] = "--output=json";
	argv[3] = "--backing-chain";
	argv[4] = ir.path;
	argv[5] = NULL;
	run_qemu(ctx, argv, ir.step_ms, &hr);
	if (run_failed(&ir, &hr, r))
		goto out;
	if (hr.exit_code != 0) {
		if (judge_error(&ir, ctx, &hr, r) != 0) {
			probe_result_set_outcome(r, OUTCOME_ERROR);
			probe_result_summary(r, _("qemu-img info failed on %s (exit status %d)"),
			                     ir.path, hr.exit_code);
			probe_tail_lines(&r->evidence, "", hr.err, hr.err_len, 4);
		}
		goto out;
	}
	if (img_parse_info(hr.out, hr.out_len, &ir.chain, &err) != 0) {
		probe_result_set_outcome(r, OUTCOME_ERROR);
		probe_result_summary(r, _("the output of qemu-img info on %s was not understood"),
		                     ir.path);
		probe_result_evidence(r, "%s", err);
		goto out;
	}
	chain_facts(&ir, true, r);
	do_check(&ir, ctx, r);
out:
	free(err);
	free(ir.instance);
	img_chain_free(&ir.chain);
	host_result_free(&hr);
	return 0;
}

const struct probe_entry probe_image_entry = {
    .name = "image",
    .summary = N_("Whether a disk image is sound: its format, backing chain, corruption and "
                  "leaks, as qemu-img sees them"),
    .params = image_params,
    .outcomes = image_outcomes,
    .facts = image_facts,
    .default_timeout_ms = 120000,
    .run = probe_image_run,
};
