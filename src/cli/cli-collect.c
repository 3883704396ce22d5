/*
 * cli-collect.c: `vmtriage collect`. Runs, through a recording host, the
 * probes a help desk will want on this machine's OS (Multipass, its log,
 * leases, firewall, processes, disk space, each instance's image), and saves
 * what they read as one snapshot file. Another machine walks any flow or
 * probe against it with `vmtriage --snapshot FILE ...`.
 *
 * The probes ask the host the same questions whatever their parameters
 * (whole files, fixed command lines), so one collection answers the
 * questions the flows will ask later.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "host/host.h"
#include "host/snapshot.h"
#include "platform/paths.h"
#include "probe/probe.h"
#include "util/util.h"

#define MAX_INSTANCES 32

/* One probe to run: name=value pairs, NULL-terminated; a value NULL leaves it out. */
struct collect_step {
	const char *probe;
	const char *os; /* NULL: every OS */
	const char *params[8];
};

/* {data}, {instance}, {leases}, {hosts_ics} are filled in from the platform and the instances. */
static const struct collect_step steps[] = {
    {"multipass", NULL, {NULL}},
    {"process", NULL, {"name", "multipassd", NULL}},
    {"process", "linux", {"name", "dnsmasq", NULL}},
    {"process", "darwin", {"name", "bootpd", NULL}},
    {"log", NULL, {"pattern", ".", "since", "7d", NULL}},
    {"firewall", NULL, {NULL}},
    {"disk_space", "linux", {"path", "{data}", NULL}},
    {"disk_space", "darwin", {"path", "{data}", NULL}},
    {"disk_space", "windows", {"path", "{data}", NULL}},
    {"port_owner", "darwin", {"port", "67", "proto", "udp", NULL}},
    {"port_owner", "darwin", {"port", "53", "proto", "udp", NULL}},
    {"route", "darwin", {"destination", "192.168.64.0/24", NULL}},
    {NULL, NULL, {NULL}},
};

/* Per instance. */
static const struct collect_step instance_steps[] = {
    {"multipass", NULL, {"name", "{instance}", NULL}},
    {"leases", "linux", {"name", "{instance}", NULL}},
    {"leases", "darwin", {"name", "{instance}", NULL}},
    {"hosts_ics", "windows", {"name", "{instance}", NULL}},
    {NULL, NULL, {NULL}},
};

/* A probe as collect ran it, kept to replay it on the saved snapshot. */
struct collect_run {
	char *probe;
	struct params params;
	struct probe_result result;
};

struct collect {
	struct strlist addresses; /* instance.NAME.ipv4, by instance (or "") */
	bool guests;
	struct host *rec;
	struct collect_run *runs;
	size_t nruns;
	const char *os;
	const struct platform_info *pi;
	struct strlist instances;
	bool quiet;
	unsigned ran, failed;
};

static const char *
fill(const struct collect *c, const char *v, const char *instance)
{
	if (strcmp(v, "{data}") == 0)
		return c->pi != NULL ? c->pi->data_dir : NULL;
	if (strcmp(v, "{instance}") == 0)
		return instance;
	return v;
}

static void
run_one(struct collect *c, const char *probe, struct params *p, struct probe_result *res)
{
	const struct probe_entry *pe = probe_find(probe);

	struct collect_run *cr;

	memset(res, 0, sizeof *res);
	if (pe == NULL) {
		probe_result_set_outcome(res, OUTCOME_ERROR);
		return;
	}
	probe_run(pe, p, c->rec, res);
	c->runs = xreallocarray(c->runs, c->nruns + 1, sizeof *c->runs);
	cr = &c->runs[c->nruns++];
	memset(cr, 0, sizeof *cr);
	cr->probe = xstrdup(probe);
	for (size_t i = 0; i < p->n; i++)
		params_set(&cr->params, p->v[i].name, p->v[i].value);
	probe_result_copy(&cr->result, res);
	c->ran++;
	if (strcmp(res->outcome, OUTCOME_ERROR) == 0)
		c->failed++;
	if (!c->quiet) {
		fprintf(stderr, "  %-11s %-14s %s\n", probe, res->outcome,
		        res->summary != NULL ? res->summary : "");
	}
}

static void
run_step(struct collect *c, const struct collect_step *st, const char *instance)
{
	struct params p = {NULL, 0};
	struct probe_result res;

	if (st->os != NULL && strcmp(st->os, c->os) != 0)
		return;
	for (size_t i = 0; st->params[i] != NULL; i += 2) {
		const char *v = fill(c, st->params[i + 1], instance);

		if (v != NULL)
			params_set(&p, st->params[i], v);
	}
	run_one(c, st->probe, &p, &res);
	/* An instance's address, for looking inside it. */
	if (strcmp(st->probe, "multipass") == 0 && instance != NULL) {
		char *key = xasprintf("instance.%s.ipv4", instance);

		for (size_t i = 0; i < res.nfacts; i++) {
			if (strcmp(res.facts[i].key, key) == 0 && res.facts[i].value[0] != '\0')
				strlist_addf(&c->addresses, "%s %s", instance, res.facts[i].value);
		}
		free(key);
	}
	/* The instances Multipass knows, from the first look at it. */
	if (strcmp(st->probe, "multipass") == 0 && instance == NULL) {
		for (size_t i = 0; i < res.nfacts; i++) {
			const char *k = res.facts[i].key;
			size_t kl = strlen(k);

			if (strncmp(k, "instance.", 9) == 0 && kl > 15 &&
			    strcmp(k + kl - 6, ".state") == 0 && c->instances.n < MAX_INSTANCES) {
				char *name = xstrndup(k + 9, kl - 15);

				if (strcmp(name, "*") != 0)
					strlist_take(&c->instances, name);
				else
					free(name);
			}
		}
	}
	probe_result_free(&res);
	params_free(&p);
}

/*
 * Inside each instance that has an address: the guest probe's checks over
 * SSH, with Multipass's own key (root only). An instance that cannot be
 * reached is kept as such, so the replay says why.
 */
static void
collect_guests(struct collect *c)
{
	static const char *const checks[] = {"cloud_init", "resolv",  "fstab",
	                                     "net",        "udev",    "initramfs"};

	for (size_t i = 0; i < c->addresses.n; i++) {
		const char *addr = strchr(c->addresses.v[i], ' ') + 1;

		for (size_t k = 0; k < nitems(checks); k++) {
			struct params p = {NULL, 0};
			struct probe_result res;

			params_set(&p, "address", addr);
			params_set(&p, "check", checks[k]);
			run_one(c, "guest", &p, &res);
			probe_result_free(&res);
			params_free(&p);
		}
	}
}

static bool
is_image_name(const char *n)
{
	size_t l = strlen(n);

	return (l > 4 && strcmp(n + l - 4, ".img") == 0) ||
	       (l > 6 && strcmp(n + l - 6, ".qcow2") == 0);
}

/* Each image under <instances dir>/<instance>/, by the image probe. */
static void
collect_images(struct collect *c, const char *instance)
{
	const char *sep = strcmp(c->os, "windows") == 0 ? "\\" : "/";

	for (size_t d = 0; c->pi != NULL && c->pi->instances_dirs[d] != NULL; d++) {
		char *dir = xasprintf("%s%s%s", c->pi->instances_dirs[d], sep, instance);
		struct host_result hr;

		if (host_list_dir(c->rec, dir, &hr) == 0) {
			const char *p = hr.out;

			while (*p != '\0') {
				size_t n = strcspn(p, "\n");
				char *name = xstrndup(p, n);

				if (is_image_name(name)) {
					struct params pp = {NULL, 0};
					struct probe_result res;
					char *path = xasprintf("%s%s%s", dir, sep, name);

					params_set(&pp, "path", path);
					run_one(c, "image", &pp, &res);
					probe_result_free(&res);
					params_free(&pp);
					free(path);
				}
				free(name);
				p += n + (p[n] == '\n');
			}
		}
		host_result_free(&hr);
		free(dir);
	}
}

/* What the OS says it is: a help desk's first question. */
static void
collect_versions(struct collect *c)
{
	struct host_result hr;

	if (strcmp(c->os, "linux") == 0) {
		host_read_file(c->rec, "/etc/os-release", 65536, &hr);
		host_result_free(&hr);
		host_run(c->rec, (const char *const[]){"uname", "-srm", NULL}, NULL, &hr);
	} else if (strcmp(c->os, "darwin") == 0)
		host_run(c->rec, (const char *const[]){"sw_vers", NULL}, NULL, &hr);
	else
		host_run(c->rec, (const char *const[]){"cmd.exe", "/c", "ver", NULL}, NULL, &hr);
	host_result_free(&hr);
}

/* The first way two results of one probe differ, or NULL when they do not. */
static char *
result_difference(const struct probe_result *a, const struct probe_result *b)
{
	if (strcmp(a->outcome, b->outcome) != 0)
		return xasprintf(_("outcome %s here, %s from the snapshot"), a->outcome,
		                 b->outcome);
	if (a->nfacts != b->nfacts)
		return xasprintf(_("%zu facts here, %zu from the snapshot"), a->nfacts, b->nfacts);
	for (size_t i = 0; i < a->nfacts; i++) {
		if (strcmp(a->facts[i].key, b->facts[i].key) != 0 ||
		    strcmp(a->facts[i].value, b->facts[i].value) != 0)
			return xasprintf(_("fact %s=%s here, %s=%s from the snapshot"),
			                 a->facts[i].key, a->facts[i].value, b->facts[i].key,
			                 b->facts[i].value);
	}
	if (a->evidence.n != b->evidence.n)
		return xasprintf(_("%zu evidence lines here, %zu from the snapshot"), a->evidence.n,
		                 b->evidence.n);
	for (size_t i = 0; i < a->evidence.n; i++) {
		if (strcmp(a->evidence.v[i], b->evidence.v[i]) != 0)
			return xasprintf(_("evidence '%s' here, '%s' from the snapshot"),
			                 a->evidence.v[i], b->evidence.v[i]);
	}
	return NULL;
}

/*
 * Loads the saved file and runs every probe again on it: each must answer
 * as this machine did (outcome, facts, evidence). Returns the number that
 * did not. Secrets cut out on the way in are the one expected difference.
 */
static unsigned
verify_snapshot(const struct collect *c, const char *path)
{
	char *err = NULL;
	struct host *h = host_snapshot_open(path, &err);
	unsigned bad = 0;

	if (h == NULL) {
		fprintf(stderr, _("vmtriage: collect: the snapshot cannot be read back: %s\n"),
		        err);
		free(err);
		return 1;
	}
	for (size_t i = 0; i < c->nruns; i++) {
		const struct collect_run *cr = &c->runs[i];
		struct probe_result res;
		char *diff;

		probe_run(probe_find(cr->probe), &cr->params, h, &res);
		if ((diff = result_difference(&cr->result, &res)) != NULL) {
			fprintf(stderr, _("vmtriage: collect: %s answers differently: %s\n"),
			        cr->probe, diff);
			free(diff);
			bad++;
		}
		probe_result_free(&res);
	}
	host_close(h);
	return bad;
}

/*
 * A short DHCP capture on the bridge while the user starts an instance: the
 * dhcp probe runs live (libpcap, root) and saves its frames, which go into
 * the snapshot whole. Not replayed by --verify: the live run watched the
 * wire, the replay reads the file.
 */
static void
collect_capture(struct collect *c, struct snapshot *snap, long seconds)
{
	char tmp[] = "/tmp/vmtriage-capture-XXXXXX";
	char secs[32];
	struct params p = {NULL, 0};
	struct probe_result res;
	struct host_result hr;
	int fd = mkstemp(tmp);

	if (fd == -1) {
		fprintf(stderr, _("vmtriage: collect: no temporary file for the capture\n"));
		return;
	}
	close(fd);
	snprintf(secs, sizeof secs, "%ld", seconds);
	params_set(&p, "seconds", secs);
	params_set(&p, "save", tmp);
	if (!c->quiet)
		fprintf(stderr,
		        _("Capturing DHCP for up to %ld s: start or launch the instance "
		          "now.\n"),
		        seconds);
	probe_run(probe_find("dhcp"), &p, host_live(), &res);
	if (!c->quiet)
		fprintf(stderr, "  %-11s %-14s %s\n", "dhcp", res.outcome,
		        res.summary != NULL ? res.summary : "");
	if (strcmp(res.outcome, OUTCOME_ERROR) != 0 &&
	    host_read_file(host_live(), tmp, 16 * 1024 * 1024, &hr) == 0)
		snapshot_add_file(snap, SNAPSHOT_DHCP_CAPTURE, HOST_OK, 'f', hr.out, hr.out_len,
		                  false);
	else
		snapshot_left_out(snap, _("a DHCP capture"),
		                  res.summary != NULL ? res.summary : "");
	host_result_free(&hr);
	unlink(tmp);
	probe_result_free(&res);
	params_free(&p);
}

static char *
default_output(time_t now)
{
	char stamp[32];
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
	return xasprintf("vmtriage-snapshot-%s.yaml", stamp);
}

static void
collect_usage(FILE *fp)
{
	fputs(_("usage: vmtriage collect [-o FILE] [--instance NAME]... [--image PATH]...\n"
	        "                        [--guests] [--capture SECONDS] [--verify] [--quiet]\n"),
	      fp);
}

int
cli_collect(int argc, char **argv)
{
	struct collect c;
	struct snapshot *snap = NULL;
	const char *out = NULL;
	char *out_alloc = NULL, *err = NULL, host_name[256];
	struct strlist extra = STRLIST_INIT, images = STRLIST_INIT;
	int status = EXIT_DONE;
	bool verify = false;
	long capture = 0;

	memset(&c, 0, sizeof c);
	for (int i = 1; i < argc && status == EXIT_DONE; i++) {
		const char *opt = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
		char *why = NULL;

		if ((strcmp(opt, "-o") == 0 || strcmp(opt, "--output") == 0) && val != NULL)
			out = argv[++i];
		else if (strcmp(opt, "--instance") == 0 && val != NULL) {
			const struct param_def def = {.name = "instance", .type = PARAM_NAME};

			if ((why = param_check(&def, val)) == NULL)
				strlist_add(&extra, val);
			i++;
		} else if (strcmp(opt, "--image") == 0 && val != NULL) {
			const struct param_def def = {.name = "image", .type = PARAM_PATH};

			if ((why = param_check(&def, val)) == NULL)
				strlist_add(&images, val);
			i++;
		} else if (strcmp(opt, "--capture") == 0 && val != NULL) {
			char *end = NULL;

			capture = strtol(val, &end, 10);
			if (end == val || *end != '\0' || capture < 1 || capture > 300)
				why = xstrdup(_("takes 1 to 300 seconds"));
			i++;
		} else if (strcmp(opt, "--quiet") == 0 || strcmp(opt, "-q") == 0)
			c.quiet = true;
		else if (strcmp(opt, "--verify") == 0)
			verify = true;
		else if (strcmp(opt, "--guests") == 0)
			c.guests = true;
		else if (strcmp(opt, "--help") == 0) {
			collect_usage(stdout);
			goto out;
		} else {
			fprintf(stderr, _("vmtriage: collect: unexpected '%s'\n"), opt);
			collect_usage(stderr);
			status = EXIT_USAGE;
		}
		if (why != NULL) {
			fprintf(stderr, _("vmtriage: collect: %s %s: %s\n"), opt, val, why);
			free(why);
			status = EXIT_USAGE;
		}
	}
	if (status != EXIT_DONE)
		goto out;
	if (!host_is_live(cli_host())) {
		fprintf(stderr, _("vmtriage: collect looks at this machine; it cannot collect "
		                  "from a snapshot\n"));
		status = EXIT_USAGE;
		goto out;
	}

	snap = snapshot_new(host_os(host_live()), host_arch(host_live()), host_now(host_live()));
	snapshot_set_meta(snap, "vmtriage", PACKAGE_VERSION);
	{
		time_t now = snapshot_now(snap);
		struct tm tm;

		if (localtime_r(&now, &tm) != NULL)
			snapshot_set_utc_offset(snap, tm.tm_gmtoff);
	}
	if (gethostname(host_name, sizeof host_name) == 0) {
		host_name[sizeof host_name - 1] = '\0';
		snapshot_set_meta(snap, "hostname", host_name);
	}
	snapshot_set_meta(snap, "user", getuid() == 0 ? "root" : "not root");
	snapshot_left_out(snap, _("Multipass's SSH private key"),
	                  _("never read by collect: it opens every instance"));
	c.rec = host_record(host_live(), snap);
	c.os = host_os(host_live());
	c.pi = platform_info(c.os);
	if (out == NULL)
		out = out_alloc = default_output(snapshot_now(snap));
	if (!c.quiet)
		fprintf(stderr, _("Looking at this machine (%s); this takes a few seconds.\n"),
		        c.os);

	collect_versions(&c);
	for (const struct collect_step *st = steps; st->probe != NULL; st++)
		run_step(&c, st, NULL);
	/* The instance named first is the one the walk will be about. */
	if (extra.n > 0)
		snapshot_set_meta(snap, SNAPSHOT_FACT_PREFIX "instance", extra.v[0]);
	for (size_t i = 0; i < extra.n; i++) {
		bool known = false;

		for (size_t j = 0; j < c.instances.n; j++)
			known = known || strcmp(c.instances.v[j], extra.v[i]) == 0;
		if (!known)
			strlist_add(&c.instances, extra.v[i]);
	}
	for (size_t i = 0; i < c.instances.n; i++) {
		for (const struct collect_step *st = instance_steps; st->probe != NULL; st++)
			run_step(&c, st, c.instances.v[i]);
		collect_images(&c, c.instances.v[i]);
	}
	if (c.guests)
		collect_guests(&c);
	/* Images anywhere (a VM migrated to KVM), with the space left beside them. */
	for (size_t i = 0; i < images.n; i++) {
		struct params pp = {NULL, 0};
		struct probe_result res;

		params_set(&pp, "path", images.v[i]);
		run_one(&c, "image", &pp, &res);
		probe_result_free(&res);
		run_one(&c, "disk_space", &pp, &res);
		probe_result_free(&res);
		params_free(&pp);
	}
	if (capture > 0)
		collect_capture(&c, snap, capture);

	if (snapshot_save(snap, out, &err) != 0) {
		fprintf(stderr, _("vmtriage: collect: %s\n"), err);
		status = EXIT_SOFTWARE;
		goto out;
	}
	printf(_("Wrote %s: %zu files, %zu command outputs, %zu directory listings, from %u "
	         "probes (%u could not look).\n"),
	       out, snapshot_count(snap, "files"), snapshot_count(snap, "commands"),
	       snapshot_count(snap, "dirs"), c.ran, c.failed);
	printf(_("Its manifest (at the top of the file) lists everything in it. Walk it "
	         "elsewhere with: vmtriage --snapshot %s run FLOW --auto\n"),
	       out);
	if (verify) {
		unsigned bad = verify_snapshot(&c, out);

		if (bad > 0) {
			fprintf(stderr,
			        _("vmtriage: collect: %u of %zu probes answer differently "
			          "from the snapshot\n"),
			        bad, c.nruns);
			status = EXIT_SOFTWARE;
		} else
			printf(_("Verified: all %zu probes answer the same from the snapshot.\n"),
			       c.nruns);
	}
out:
	for (size_t i = 0; i < c.nruns; i++) {
		free(c.runs[i].probe);
		params_free(&c.runs[i].params);
		probe_result_free(&c.runs[i].result);
	}
	free(c.runs);
	host_close(c.rec);
	snapshot_free(snap);
	strlist_free(&c.instances);
	strlist_free(&c.addresses);
	strlist_free(&extra);
	strlist_free(&images);
	free(out_alloc);
	free(err);
	return status;
}
