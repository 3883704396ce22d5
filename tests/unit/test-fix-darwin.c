/*
 * test-fix-darwin.c: the macOS fixes (bootpd, the application firewall,
 * pf's NAT for a VPN, bootpd's leases). Their plans, argv by argv, made
 * from what the files and socketfilterfw say (real fixtures, through a
 * snapshot host or a stand-in Mac); the refusals, injection attempts in
 * every parameter among them; and the plans run.
 *
 * There is no macOS here, so the plans run on a stand-in Mac: a host that
 * says "darwin" and runs everything on this machine, with absolute paths
 * (/etc/pf.conf, /usr/libexec/ApplicationFirewall/socketfilterfw) under a
 * root of its own in the temporary directory and stand-ins for launchctl,
 * pfctl and ps first on PATH. The stand-ins record their argv, and keep
 * the state they would change (loaded jobs, the firewall's list, the rules
 * pf loaded) in files the tests read, so the real probes verify the fixes
 * and the timed confirm's revert. File edits are made for real on copies
 * under that root, unprivileged.
 */
#include "config.h"

#include "cmocka-prelude.h"

#include <sys/stat.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fix/fix.h"
#include "host/host.h"
#include "host/snapshot.h"
#include "testutil.h"

#define SFW "/usr/libexec/ApplicationFirewall/socketfilterfw"
#define BOOTPD "/usr/libexec/bootpd"
#define NAT_LINE "nat on utun3 from 192.168.64.0/24 to any -> (utun3)"

static char *root;  /* the stand-in Mac's "/" */
static char *state; /* what the stand-ins record and keep */
static char *bindir;

/* ---- files -------------------------------------------------------------- */

static char *
rooted(const char *path)
{
	return xasprintf("%s%s", root, path);
}

static void
mkdirs(const char *path)
{
	char *p = xstrdup(path);

	for (char *s = p + 1; *s != '\0'; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		mkdir(p, 0755);
		*s = '/';
	}
	mkdir(p, 0755);
	free(p);
}

static void
put(const char *path, const char *content, size_t len, mode_t mode)
{
	FILE *f = NULL;
	char *dir = xstrdup(path);

	*strrchr(dir, '/') = '\0';
	mkdirs(dir);
	free(dir);
	unlink(path);
	if ((f = fopen(path, "wb")) == NULL)
		fail_msg("cannot write %s", path);
	if (len > 0 && fwrite(content, 1, len, f) != len)
		fail_msg("cannot write %s", path);
	fclose(f);
	chmod(path, mode);
}

/* Writes a file of the stand-in Mac. */
static void
put_mac(const char *path, const char *content, size_t len)
{
	char *p = rooted(path);

	put(p, content, len, 0644);
	free(p);
}

/* A whole file, or NULL when it does not exist. */
static char *
slurp(const char *path, size_t *len)
{
	struct strbuf sb = STRBUF_INIT;
	char buf[4096];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (f == NULL)
		return NULL;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		strbuf_add(&sb, buf, n);
	fclose(f);
	if (len != NULL)
		*len = sb.len;
	return strbuf_detach(&sb);
}

static char *
state_file(const char *name)
{
	char *p = xasprintf("%s/%s", state, name), *s = slurp(p, NULL);

	free(p);
	return s;
}

static void
state_set(const char *name, const char *content)
{
	char *p = xasprintf("%s/%s", state, name);

	if (content == NULL)
		unlink(p);
	else
		put(p, content, strlen(content), 0644);
	free(p);
}

/* The file at path is exactly len bytes of want. */
static void
file_is(const char *path, const char *want, size_t len)
{
	size_t got_len = 0;
	char *got = slurp(path, &got_len);

	if (got == NULL)
		fail_msg("%s is missing", path);
	if (got_len != len || memcmp(got, want, len) != 0)
		fail_msg("%s is not as expected:\n---- got\n%s---- want\n%s", path, got, want);
	free(got);
}

/* ---- the stand-ins ------------------------------------------------------ */

/* Each appends "name|arg|arg..." to argv.log, one line a call. */
#define RECORD                                                                                     \
	"{ printf '%%s' \"${0##*/}\"; printf '|%%s' \"$@\"; printf '\\n'; } >>\"$S/argv.log\"\n"

/*
 * launchctl: load -w and unload -w load and unload bootpd's job; start
 * fails for a job that is not loaded, and otherwise puts bootpd in the
 * process list (unless bootpd-crashes says it dies at once).
 */
static const char launchctl_sh[] =
    "#!/bin/sh\nS='%s'\n" RECORD "case \"$1\" in\n"
    "load) [ \"$2 $3\" = '-w /System/Library/LaunchDaemons/bootps.plist' ] || exit 5\n"
    "      touch \"$S/bootpd-loaded\" ;;\n"
    "unload) [ \"$2 $3\" = '-w /System/Library/LaunchDaemons/bootps.plist' ] || exit 5\n"
    "      rm -f \"$S/bootpd-loaded\" \"$S/ps-bootpd\" ;;\n"
    "start) [ \"$2\" = com.apple.bootpd ] || exit 5\n"
    "      if [ ! -e \"$S/bootpd-loaded\" ]; then echo 'Could not find service' >&2; exit 3; fi\n"
    "      [ -e \"$S/bootpd-crashes\" ] ||\n"
    "        echo '  412 root             /usr/libexec/bootpd -d' >\"$S/ps-bootpd\" ;;\n"
    "*) exit 5 ;;\n"
    "esac\n";

/* ps: the process list of a Mac, in the format the process probe asks for. */
static const char ps_sh[] =
    "#!/bin/sh\nS='%s'\n" RECORD "[ \"$*\" = '-A -ww -o pid=,user=,args=' ] || exit 1\n"
    "echo '    1 root             /sbin/launchd'\n"
    "echo '  301 root             /usr/libexec/configd'\n"
    "echo '  388 _mdnsresponder   /usr/sbin/mDNSResponder'\n"
    "cat \"$S/ps-bootpd\" 2>/dev/null\n"
    "exit 0\n";

/*
 * socketfilterfw: the firewall is on, without block-all; the list of
 * applications is alf-apps ("PATH<TAB>allow|block" lines), printed as
 * --listapps prints it. --add lists an app blocked, so only --unblock
 * makes the check pass.
 */
static const char sfw_sh[] =
    "#!/bin/sh\nS='%s'\n" RECORD "A=\"$S/alf-apps\"; touch \"$A\"\n"
    "set_state() { awk -F'\\t' -v p=\"$1\" -v s=\"$2\" 'BEGIN { OFS = \"\\t\" }\n"
    "    $1 == p { $2 = s } { print }' \"$A\" >\"$A.new\" && mv \"$A.new\" \"$A\"; }\n"
    "listed() { awk -F'\\t' -v p=\"$1\" '$1 == p { f = 1 } END { exit !f }' \"$A\"; }\n"
    "case \"$1\" in\n"
    "--getglobalstate) echo 'Firewall is enabled. (State = 1)' ;;\n"
    "--getblockall) echo 'Firewall has block all state set to disabled.' ;;\n"
    "--getstealthmode) echo 'Firewall stealth mode is off' ;;\n"
    "--listapps)\n"
    "    printf 'ALF: total number of apps = %%s \\n\\n' \"$(grep -c . \"$A\")\"\n"
    "    i=0\n"
    "    while IFS='\t' read -r p s; do\n"
    "        i=$((i + 1)); printf '%%s :  %%s \\n' \"$i\" \"$p\"\n"
    "        if [ \"$s\" = allow ]; then w=Allow; else w=Block; fi\n"
    "        printf ' \\t ( %%s incoming connections ) \\n\\n' \"$w\"\n"
    "    done <\"$A\" ;;\n"
    "--add) listed \"$2\" || printf '%%s\\tblock\\n' \"$2\" >>\"$A\"\n"
    "    echo \"Application at path ( $2 ) added to firewall\" ;;\n"
    "--unblock) listed \"$2\" || exit 1; set_state \"$2\" allow\n"
    "    echo 'Incoming connection to the application is permitted' ;;\n"
    "--block) listed \"$2\" || exit 1; set_state \"$2\" block\n"
    "    echo 'Incoming connection to the application is blocked' ;;\n"
    "--remove) listed \"$2\" || exit 1\n"
    "    awk -F'\\t' -v p=\"$2\" '$1 != p' \"$A\" >\"$A.new\" && mv \"$A.new\" \"$A\"\n"
    "    echo \"Application at path ( $2 ) removed from firewall\" ;;\n"
    "*) exit 1 ;;\n"
    "esac\n";

/*
 * pfctl: -n -f - keeps what it was given in pf-checked (and refuses it when
 * pf-refuses exists); -f FILE loads the stand-in Mac's FILE: pf-loaded is
 * a copy of the rules pf holds.
 */
static const char pfctl_sh[] =
    "#!/bin/sh\nS='%s'\nR='%s'\n" RECORD "if [ \"$*\" = '-n -f -' ]; then\n"
    "    cat >\"$S/pf-checked\"\n"
    "    if [ -e \"$S/pf-refuses\" ]; then\n"
    "        echo 'pfctl: Syntax error in config file: pf rules not loaded' >&2; exit 1\n"
    "    fi\n"
    "    exit 0\n"
    "fi\n"
    "[ \"$1\" = -f ] && [ $# -eq 2 ] || exit 1\n"
    "echo 'pfctl: Use of -f option, could result in flushing of rules' >&2\n"
    "cp \"$R$2\" \"$S/pf-loaded\"\n";

static void
stand_in(const char *path, const char *text)
{
	put(path, text, strlen(text), 0755);
}

/* ---- the stand-in Mac --------------------------------------------------- */

static int
mac_read_file(struct host *h, const char *path, size_t max, struct host_result *r)
{
	char *p = rooted(path);
	int rc = host_read_file(host_live(), p, max, r);

	(void)h;
	free(p);
	return rc;
}

static int
mac_run(struct host *h, const char *const *argv, const struct host_run_opts *opts,
        struct host_result *r)
{
	size_t n = 0;
	const char **v = NULL;
	char *first = NULL;
	int rc;

	(void)h;
	while (argv[n] != NULL)
		n++;
	v = xcalloc(n + 1, sizeof *v);
	memcpy(v, argv, n * sizeof *v);
	if (argv[0][0] == '/')
		v[0] = first = rooted(argv[0]);
	rc = host_run(host_live(), v, opts, r);
	free(first);
	free(v);
	return rc;
}

static int
mac_stat(struct host *h, const char *path, char *kind)
{
	char *p = rooted(path);
	int rc = host_stat(host_live(), p, kind);

	(void)h;
	free(p);
	return rc;
}

static int
mac_list_dir(struct host *h, const char *path, struct host_result *r)
{
	char *p = rooted(path);
	int rc = host_list_dir(host_live(), p, r);

	(void)h;
	free(p);
	return rc;
}

static const char *
mac_os(struct host *h)
{
	(void)h;
	return "darwin";
}

static const char *
mac_arch(struct host *h)
{
	(void)h;
	return "arm64";
}

static time_t
mac_now(struct host *h)
{
	(void)h;
	return time(NULL);
}

static const struct host_ops mac_ops = {
    .name = "stand-in mac",
    .read_file = mac_read_file,
    .run = mac_run,
    .stat = mac_stat,
    .list_dir = mac_list_dir,
    .os = mac_os,
    .arch = mac_arch,
    .now = mac_now,
};
static struct host mac_host = {&mac_ops, NULL};
#define MAC (&mac_host)

static int
group_setup(void **st)
{
	char *path = NULL, *text = NULL;

	if (tmpdir_setup(st) != 0)
		return -1;
	root = tmp_path("mac");
	state = tmp_path("state");
	bindir = tmp_path("bin");
	mkdirs(state);
	text = xasprintf(launchctl_sh, state);
	path = xasprintf("%s/launchctl", bindir);
	stand_in(path, text);
	free(path);
	free(text);
	text = xasprintf(ps_sh, state);
	path = xasprintf("%s/ps", bindir);
	stand_in(path, text);
	free(path);
	free(text);
	text = xasprintf(pfctl_sh, state, root);
	path = xasprintf("%s/pfctl", bindir);
	stand_in(path, text);
	free(path);
	free(text);
	text = xasprintf(sfw_sh, state);
	path = rooted(SFW);
	stand_in(path, text);
	free(path);
	free(text);
	put_mac(BOOTPD, "", 0);
	path =
	    xasprintf("%s:%s", bindir, getenv("PATH") != NULL ? getenv("PATH") : "/usr/bin:/bin");
	setenv("PATH", path, 1);
	free(path);
	return 0;
}

static int
group_teardown(void **st)
{
	free(root);
	free(state);
	free(bindir);
	return tmpdir_teardown(st);
}

/* Each test starts with no record and nothing loaded, listed or changed. */
static int
test_setup(void **st)
{
	static const char *const names[] = {"argv.log",   "bootpd-loaded", "bootpd-crashes",
	                                    "ps-bootpd",  "alf-apps",      "pf-checked",
	                                    "pf-refuses", "pf-loaded"};

	(void)st;
	for (size_t i = 0; i < nitems(names); i++)
		state_set(names[i], NULL);
	return 0;
}

/* The calls recorded since the test began, each "name|arg|arg". */
static void
recorded(struct strlist *out)
{
	char *log = state_file("argv.log"), *p = log;

	while (p != NULL && *p != '\0') {
		size_t n = strcspn(p, "\n");

		strlist_take(out, xstrndup(p, n));
		p += n + (p[n] == '\n');
	}
	free(log);
}

/*
 * The recorded calls that begin with prefix and may change something:
 * socketfilterfw's questions (--get..., --listapps), which plans and probes
 * ask, are left out.
 */
static void
recorded_changes(const char *prefix, struct strlist *out)
{
	struct strlist all = STRLIST_INIT;

	recorded(&all);
	for (size_t i = 0; i < all.n; i++) {
		if (str_has_prefix(all.v[i], prefix) && strstr(all.v[i], "|--get") == NULL &&
		    strstr(all.v[i], "|--listapps") == NULL)
			strlist_add(out, all.v[i]);
	}
	strlist_free(&all);
}

/* A plan that must be made; name, value pairs end with NULL. */
static void __attribute__((sentinel))
plan_ok(const char *fix, struct host *h, struct fix_plan *plan, ...)
{
	char *cause = NULL;
	va_list ap;
	int rc;

	va_start(ap, plan);
	rc = plan_fix_va(h, fix, plan, &cause, ap);
	va_end(ap);
	if (rc != 0)
		fail_msg("%s: %s", fix, cause);
	assert_null(cause);
}

/* A plan that must be refused, with words in the cause. */
static void __attribute__((sentinel))
plan_refused(const char *fix, struct host *h, const char *words, ...)
{
	struct fix_plan plan;
	char *cause = NULL;
	va_list ap;
	int rc;

	va_start(ap, words);
	rc = plan_fix_va(h, fix, &plan, &cause, ap);
	va_end(ap);
	if (rc == 0)
		fail_msg("%s: a plan was made; expected a refusal saying '%s'", fix, words);
	assert_non_null(cause);
	if (strstr(cause, words) == NULL)
		fail_msg("%s: refused with '%s'; expected '%s'", fix, cause, words);
	assert_int_equal(plan.nsteps, 0);
	free(cause);
	fix_plan_free(&plan);
}

static void
verify_is(const struct fix_plan *plan, const char *probe, const char *outcome)
{
	struct params out = {NULL, 0};
	char *msg = NULL;

	assert_ptr_equal(plan->verify, probe_find(probe));
	assert_string_equal(plan->verify_outcome, outcome);
	/* The check's parameters are good ones for its probe. */
	msg = params_resolve(plan->verify->params, &plan->verify_params, &out);
	if (msg != NULL)
		fail_msg("verify %s: %s", probe, msg);
	params_free(&out);
}

/* A plan as the stand-in Mac runs it: edits on its files, nothing through sudo. */
static void
for_the_stand_in(struct fix_plan *plan)
{
	struct fix_step *lists[] = {plan->steps, plan->undo};
	size_t counts[] = {plan->nsteps, plan->nundo};

	for (size_t l = 0; l < 2; l++) {
		for (size_t i = 0; i < counts[l]; i++) {
			struct fix_step *s = &lists[l][i];

			s->privileged = false;
			if (s->kind == FIX_STEP_EDIT) {
				char *p = rooted(s->path);

				free(s->path);
				s->path = p;
			}
		}
	}
}

struct answer {
	bool keep;
	int asked, seconds;
};

static bool
confirm_cb(void *arg, const struct fix_plan *plan, int seconds)
{
	struct answer *a = arg;

	(void)plan;
	a->asked++;
	a->seconds = seconds;
	return a->keep;
}

static void
run_on_mac(const struct fix_plan *plan, struct answer *a, struct fix_report *rep)
{
	char *journal = tmp_path("journal");
	struct fix_run_opts opts = {
	    .confirm = a != NULL ? confirm_cb : NULL, .confirm_arg = a, .journal_dir = journal};

	fix_run(plan, MAC, &opts, rep);
	free(journal);
}

/* Runs a plan's undo steps, as `vmtriage undo` does. */
static void
undo_on_mac(const struct fix_plan *plan, struct fix_report *rep)
{
	struct fix_plan u;

	memset(&u, 0, sizeof u);
	u.steps = plan->undo;
	u.nsteps = plan->nundo;
	run_on_mac(&u, NULL, rep);
}

static void
dump_log(const struct fix_report *rep)
{
	for (size_t i = 0; i < rep->log.n; i++)
		print_message("# %s\n", rep->log.v[i]);
}

static void
status_is(const struct fix_report *rep, enum fix_status want)
{
	if (rep->status != want) {
		dump_log(rep);
		fail_msg("status %s, wanted %s", fix_status_name(rep->status),
		         fix_status_name(want));
	}
}

/* ---- all of them -------------------------------------------------------- */

static const char *const fixes[] = {"bootpd_start", "bootpd_load", "firewall_allow_app",
                                    "pf_nat_vpn", "dhcpd_lease_clear"};

static void
test_entries(void **st)
{
	(void)st;
	for (size_t i = 0; i < nitems(fixes); i++) {
		const struct fix_entry *fe = fix_find(fixes[i]);

		assert_non_null(fe);
		assert_string_equal(fe->platforms, "darwin");
		assert_null(strstr(fe->summary, "being written"));
	}
}

/* Elsewhere the commands and files do not exist: refused, whatever the host. */
static void
test_not_on_linux(void **st)
{
	struct snapshot *s = snapshot_new("linux", "x86_64", 1727000000);
	struct host *h = host_snapshot(s);

	(void)st;
	plan_refused("bootpd_start", h, "this fix is for macOS; this machine runs linux", NULL);
	plan_refused("bootpd_load", h, "this fix is for macOS", NULL);
	plan_refused("firewall_allow_app", h, "this fix is for macOS", NULL);
	plan_refused("pf_nat_vpn", h, "this fix is for macOS", "interface", "utun3", NULL);
	plan_refused("dhcpd_lease_clear", h, "this fix is for macOS", "name", "primary", NULL);
	host_close(h);
	snapshot_free(s);
}

/*
 * Injection attempts in every parameter are refused before anything runs:
 * not one stand-in is called.
 */
static void
test_injection_refused(void **st)
{
	static const char *const names[] = {"; rm -rf /", "$(reboot)", "`reboot`", "utun3\n",
	                                    "../utun3",   "-rf",       "--help",   "utun3;id",
	                                    "utun3 x",    "",          "utun.3",   "utun"};
	static const char *const subnets[] = {"192.168.64.0/24; rm -rf /",
	                                      "$(reboot)",
	                                      "192.168.64.0/24\n",
	                                      "../",
	                                      "-rf",
	                                      "--help",
	                                      "192.168.64.0",
	                                      "192.168.64.7/24",
	                                      "fd00::/64",
	                                      "0.0.0.0/0"};
	static const char *const apps[] = {"; rm -rf /",
	                                   BOOTPD "; rm -rf /",
	                                   "/usr/libexec/$(reboot)",
	                                   "$(reboot)",
	                                   "/usr/libexec/`reboot`",
	                                   BOOTPD "\n",
	                                   "/usr/libexec/../../bin/sh",
	                                   "-rf",
	                                   "--help",
	                                   "/etc/passwd",
	                                   "/usr/libexec/bootpd|id",
	                                   "/usr/libexec/boot*",
	                                   "/usr/libexec/'x'",
	                                   "/usr/libexec/nothing-here"};
	static const char *const files[] = {"; rm -rf /",
	                                    "/var/db/dhcpd_leases; rm -rf /",
	                                    "$(reboot)",
	                                    "/var/db/$(reboot)",
	                                    "/var/db/dhcpd_leases\n",
	                                    "/var/db/../../etc/passwd",
	                                    "-rf",
	                                    "--help",
	                                    "/etc/passwd",
	                                    "/var/dbx/dhcpd_leases",
	                                    "/var/db/dhcpd_leases&"};
	struct strlist calls = STRLIST_INIT;
	size_t len = 0;
	char *conf = fixture_read("fix-darwin/pf.conf.macos", &len);
	char *leases = fixture_read("leases/dhcpd_leases.duplicate", NULL);

	(void)st;
	/* Files a plan could be made from: a refusal is the parameter's doing. */
	put_mac("/etc/pf.conf", conf, len);
	put_mac("/var/db/dhcpd_leases", leases, strlen(leases));
	for (size_t i = 0; i < nitems(names); i++) {
		/* PARAM_NAME refuses most; the interface must also look like one. */
		plan_refused("pf_nat_vpn", MAC, "", "interface", names[i], NULL);
		if (i < 10)
			plan_refused("dhcpd_lease_clear", MAC, "", "name", names[i], NULL);
	}
	for (size_t i = 0; i < nitems(subnets); i++)
		plan_refused("pf_nat_vpn", MAC, "", "interface", "utun3", "subnet", subnets[i],
		             NULL);
	for (size_t i = 0; i < nitems(apps); i++)
		plan_refused("firewall_allow_app", MAC, "", "app", apps[i], NULL);
	for (size_t i = 0; i < nitems(files); i++)
		plan_refused("dhcpd_lease_clear", MAC, "", "name", "primary", "file", files[i],
		             NULL);
	/* Parameters these fixes do not take. */
	plan_refused("bootpd_start", MAC, "unknown parameter 'name'", "name", "primary", NULL);
	plan_refused("bootpd_load", MAC, "unknown parameter", "label", "com.apple.bootpd", NULL);
	recorded(&calls);
	assert_int_equal(calls.n, 0);
	strlist_free(&calls);

	/* The causes say what is wrong. */
	plan_refused("pf_nat_vpn", MAC, "did you mean 192.168.64.0/24?", "interface", "utun3",
	             "subnet", "192.168.64.7/24", NULL);
	plan_refused("pf_nat_vpn", MAC, "is not IPv4", "interface", "utun3", "subnet", "fd00::/64",
	             NULL);
	plan_refused("pf_nat_vpn", MAC, "not an interface name such as utun3", "interface", "utun",
	             NULL);
	plan_refused("pf_nat_vpn", MAC, "missing parameter 'interface'", NULL);
	plan_refused("firewall_allow_app", MAC, "holds ';'", "app", BOOTPD "; rm -rf /", NULL);
	plan_refused("firewall_allow_app", MAC, "is not inside /usr/libexec, /usr/sbin", "app",
	             "/etc/passwd", NULL);
	plan_refused("firewall_allow_app", MAC, "does not exist", "app",
	             "/usr/libexec/nothing-here", NULL);
	plan_refused("dhcpd_lease_clear", MAC, "is not inside /var/db", "name", "primary", "file",
	             "/etc/passwd", NULL);
	plan_refused("dhcpd_lease_clear", MAC, "missing parameter 'name'", NULL);
	plan_refused("pf_nat_vpn", MAC, "is every address", "interface", "utun3", "subnet",
	             "0.0.0.0/0", NULL);
	/* And the same files with good parameters: plans. */
	{
		struct fix_plan plan;

		plan_ok("pf_nat_vpn", MAC, &plan, "interface", "utun3", NULL);
		fix_plan_free(&plan);
		plan_ok("dhcpd_lease_clear", MAC, &plan, "name", "primary", NULL);
		fix_plan_free(&plan);
		plan_ok("firewall_allow_app", MAC, &plan, NULL);
		fix_plan_free(&plan);
	}
	free(leases);
	free(conf);
}

/* ---- bootpd ------------------------------------------------------------- */

static void
test_bootpd_start_plan(void **st)
{
	struct fix_plan plan;
	struct strlist lines = STRLIST_INIT;

	(void)st;
	plan_ok("bootpd_start", MAC, &plan, NULL);
	assert_int_equal(plan.nsteps, 1);
	argv_is(plan.steps[0].argv, W("launchctl", "start", "com.apple.bootpd"));
	assert_true(plan.steps[0].privileged);
	assert_false(plan.steps[0].may_fail);
	assert_int_equal(plan.nundo, 0);
	assert_non_null(strstr(plan.undo_note, "Nothing to undo"));
	assert_int_equal(plan.confirm_seconds, 0);
	assert_int_equal(plan.destructive, 0);
	assert_int_equal(plan.backups.n, 0);
	verify_is(&plan, "process", "running");
	assert_string_equal(params_get(&plan.verify_params, "name"), "bootpd");
	fix_plan_render(&plan, &lines);
	assert_true(lines_have_exact(&lines, "  1. sudo launchctl start com.apple.bootpd"));
	assert_true(lines_have(&lines, "probe process name=bootpd should give 'running'"));
	assert_true(lines_have(&lines, "Nothing to undo: "));
	strlist_free(&lines);
	fix_plan_free(&plan);
}

static void
test_bootpd_load_plan(void **st)
{
	struct fix_plan plan;
	struct strlist lines = STRLIST_INIT;

	(void)st;
	plan_ok("bootpd_load", MAC, &plan, NULL);
	assert_int_equal(plan.nsteps, 2);
	argv_is(plan.steps[0].argv,
	        W("launchctl", "load", "-w", "/System/Library/LaunchDaemons/bootps.plist"));
	argv_is(plan.steps[1].argv, W("launchctl", "start", "com.apple.bootpd"));
	assert_true(plan.steps[0].privileged && plan.steps[1].privileged);
	assert_false(plan.steps[0].may_fail || plan.steps[1].may_fail);
	assert_int_equal(plan.nundo, 1);
	argv_is(plan.undo[0].argv,
	        W("launchctl", "unload", "-w", "/System/Library/LaunchDaemons/bootps.plist"));
	assert_true(plan.undo[0].privileged);
	assert_int_equal(plan.confirm_seconds, 0);
	verify_is(&plan, "process", "running");
	assert_string_equal(params_get(&plan.verify_params, "name"), "bootpd");
	fix_plan_render(&plan, &lines);
	assert_true(lines_have_exact(
	    &lines, "  1. sudo launchctl load -w /System/Library/LaunchDaemons/bootps.plist"));
	assert_true(lines_have_exact(&lines, "  2. sudo launchctl start com.apple.bootpd"));
	assert_true(lines_have(&lines, "To undo it:"));
	assert_true(lines_have_exact(
	    &lines, "  1. sudo launchctl unload -w /System/Library/LaunchDaemons/bootps.plist"));
	strlist_free(&lines);
	fix_plan_free(&plan);
}

/*
 * On the stand-in: start fails while the job is not loaded; load (which
 * starts it too) works and the process list proves it; the undo unloads
 * it, after which start fails again; a bootpd that dies at once is caught
 * by the check.
 */
static void
test_bootpd_run(void **st)
{
	struct fix_plan start, load;
	struct fix_report rep;
	struct strlist calls = STRLIST_INIT;

	(void)st;
	plan_ok("bootpd_start", MAC, &start, NULL);
	plan_ok("bootpd_load", MAC, &load, NULL);
	for_the_stand_in(&start);
	for_the_stand_in(&load);

	run_on_mac(&start, NULL, &rep);
	status_is(&rep, FIX_FAILED);
	assert_true(lines_have(&rep.log, "launchctl start com.apple.bootpd -> exit 3"));
	assert_true(lines_have(&rep.log, "Could not find service"));
	fix_report_free(&rep);

	run_on_mac(&load, NULL, &rep);
	status_is(&rep, FIX_APPLIED);
	assert_string_equal(rep.verify.outcome, "running");
	assert_true(lines_have(&rep.verify.evidence, "/usr/libexec/bootpd -d"));
	fix_report_free(&rep);
	recorded_changes("launchctl|", &calls);
	lines_are(&calls, W("launchctl|start|com.apple.bootpd",
	                    "launchctl|load|-w|/System/Library/LaunchDaemons/bootps.plist",
	                    "launchctl|start|com.apple.bootpd"));
	strlist_free(&calls);

	/* Loaded now: starting it is enough. */
	state_set("ps-bootpd", NULL);
	run_on_mac(&start, NULL, &rep);
	status_is(&rep, FIX_APPLIED);
	fix_report_free(&rep);

	undo_on_mac(&load, &rep);
	status_is(&rep, FIX_APPLIED);
	fix_report_free(&rep);
	assert_null(state_file("bootpd-loaded"));
	run_on_mac(&start, NULL, &rep);
	status_is(&rep, FIX_FAILED);
	fix_report_free(&rep);

	/* launchctl says it started, but no bootpd runs: not verified. */
	state_set("bootpd-crashes", "");
	run_on_mac(&load, NULL, &rep);
	status_is(&rep, FIX_NOT_VERIFIED);
	assert_string_equal(rep.verify.outcome, "not_running");
	fix_report_free(&rep);

	fix_plan_free(&start);
	fix_plan_free(&load);
}

/* ---- the application firewall ------------------------------------------- */

/* A Mac whose socketfilterfw answers with the fixtures named (NULL: the usual ones). */
static struct snapshot *
alf_snapshot(const char *global, const char *blockall, const char *listapps)
{
	struct snapshot *s = snapshot_new("darwin", "arm64", 1727000000);
	const char *opts[] = {"--getglobalstate", "--getblockall", "--listapps"};
	const char *names[] = {global != NULL ? global : "alf-globalstate.on",
	                       blockall != NULL ? blockall : "alf-blockall.off",
	                       listapps != NULL ? listapps : "alf-listapps.no-bootpd"};

	for (size_t i = 0; i < nitems(opts); i++) {
		char *rel = xasprintf("firewall/%s", names[i]);
		size_t len = 0;
		char *text = fixture_read(rel, &len);

		snapshot_add_command(s, W(SFW, opts[i]), HOST_OK, 0, text, len, "", 0);
		free(text);
		free(rel);
	}
	snapshot_add_file(s, BOOTPD, HOST_OK, 'f', NULL, 0, false);
	snapshot_add_file(s, "/Applications/Multipass.app", HOST_OK, 'd', NULL, 0, false);
	snapshot_add_file(s, "/usr/libexec", HOST_OK, 'd', NULL, 0, false);
	return s;
}

/* The plan for app on a Mac answering as the fixtures say. */
static void
alf_plan(const char *listapps, const char *app, struct fix_plan *plan)
{
	struct snapshot *s = alf_snapshot(NULL, NULL, listapps);
	struct host *h = host_snapshot(s);

	if (app != NULL)
		plan_ok("firewall_allow_app", h, plan, "app", app, NULL);
	else
		plan_ok("firewall_allow_app", h, plan, NULL);
	host_close(h);
	snapshot_free(s);
}

static void
alf_steps_are(const struct fix_plan *plan, const char *app)
{
	assert_int_equal(plan->nsteps, 2);
	argv_is(plan->steps[0].argv, W(SFW, "--add", app));
	argv_is(plan->steps[1].argv, W(SFW, "--unblock", app));
	assert_true(plan->steps[0].privileged && plan->steps[1].privileged);
	assert_false(plan->steps[1].may_fail);
	verify_is(plan, "firewall", "allowed");
	assert_string_equal(params_get(&plan->verify_params, "app"), app);
	assert_non_null(strstr(plan->notes, "managed Macs"));
	assert_non_null(strstr(plan->notes, "after each reboot (Multipass issue 2387)"));
}

/* bootpd not in the list: added and unblocked; the undo takes it off the list. */
static void
test_firewall_plan_not_listed(void **st)
{
	struct fix_plan plan;
	struct strlist lines = STRLIST_INIT;

	(void)st;
	alf_plan("alf-listapps.no-bootpd", NULL, &plan);
	alf_steps_are(&plan, BOOTPD);
	assert_false(plan.steps[0].may_fail);
	assert_int_equal(plan.nundo, 1);
	argv_is(plan.undo[0].argv, W(SFW, "--remove", BOOTPD));
	assert_true(plan.undo[0].privileged);
	assert_true(plan.confirm_seconds > 0);
	assert_int_equal(plan.backups.n, 0);
	fix_plan_render(&plan, &lines);
	assert_true(lines_have_exact(&lines, "  1. sudo " SFW " --add " BOOTPD));
	assert_true(lines_have_exact(&lines, "  2. sudo " SFW " --unblock " BOOTPD));
	assert_true(lines_have(&lines, "waits 60 seconds for you to confirm"));
	assert_true(lines_have(&lines, "probe firewall app=/usr/libexec/bootpd should give "
	                               "'allowed'"));
	assert_true(lines_have_exact(&lines, "  1. sudo " SFW " --remove " BOOTPD));
	strlist_free(&lines);
	fix_plan_free(&plan);
}

/* Listed and blocked: the undo blocks it again (--remove would unlist it). */
static void
test_firewall_plan_blocked(void **st)
{
	struct fix_plan plan;

	(void)st;
	alf_plan("alf-listapps.bootpd-blocked", NULL, &plan);
	alf_steps_are(&plan, BOOTPD);
	assert_true(plan.steps[0].may_fail); /* already listed */
	assert_int_equal(plan.nundo, 1);
	argv_is(plan.undo[0].argv, W(SFW, "--block", BOOTPD));
	assert_true(plan.confirm_seconds > 0);
	fix_plan_free(&plan);

	/* The newer --listapps layout, and another app with a space in its path. */
	alf_plan("alf-listapps.new-layout", NULL, &plan);
	assert_int_equal(plan.nundo, 1);
	argv_is(plan.undo[0].argv, W(SFW, "--remove", BOOTPD));
	fix_plan_free(&plan);
}

/* Already allowed: said again (some Macs need it after a reboot), nothing to undo. */
static void
test_firewall_plan_allowed(void **st)
{
	struct fix_plan plan;
	struct strlist lines = STRLIST_INIT;

	(void)st;
	alf_plan("alf-listapps.bootpd-allowed", NULL, &plan);
	alf_steps_are(&plan, BOOTPD);
	assert_int_equal(plan.nundo, 0);
	assert_non_null(strstr(plan.undo_note, "already allowed"));
	assert_int_equal(plan.confirm_seconds, 0);
	fix_plan_free(&plan);

	alf_plan("alf-listapps.bootpd-allowed", "/Applications/Multipass.app", &plan);
	alf_steps_are(&plan, "/Applications/Multipass.app");
	assert_int_equal(plan.nundo, 0);
	fix_plan_render(&plan, &lines);
	assert_true(
	    lines_have_exact(&lines, "  1. sudo " SFW " --add /Applications/Multipass.app"));
	strlist_free(&lines);
	fix_plan_free(&plan);
}

/* Nothing the fix can do: refused, saying what to do instead. */
static void
test_firewall_refusals(void **st)
{
	struct {
		const char *global, *blockall, *words;
	} cases[] = {
	    {"alf-globalstate.off", NULL, "the application firewall is off"},
	    {NULL, "alf-blockall.on", "blocks all incoming connections"},
	    {NULL, "alf-blockall.on-old", "--setblockall off"},
	    {"alf-managed", NULL, "this Mac is managed"},
	    {NULL, "alf-managed", "this Mac is managed"},
	};

	(void)st;
	for (size_t i = 0; i < nitems(cases); i++) {
		struct snapshot *s = alf_snapshot(cases[i].global, cases[i].blockall, NULL);
		struct host *h = host_snapshot(s);

		plan_refused("firewall_allow_app", h, cases[i].words, NULL);
		host_close(h);
		snapshot_free(s);
	}
	{
		struct snapshot *s = snapshot_new("darwin", "arm64", 1727000000);
		struct host *h = host_snapshot(s);
		const char *denied = "socketfilterfw: must be root to run this\n";

		snapshot_add_file(s, BOOTPD, HOST_OK, 'f', NULL, 0, false);
		snapshot_add_command(s, W(SFW, "--getglobalstate"), HOST_OK, 1, "", 0, denied,
		                     strlen(denied));
		plan_refused("firewall_allow_app", h, "run vmtriage with sudo", NULL);
		snapshot_add_command(s, W(SFW, "--getglobalstate"), HOST_NO_SUCH, -1, "", 0, "", 0);
		plan_refused("firewall_allow_app", h, "cannot ask the firewall", NULL);
		/* A directory that is not an app bundle. */
		snapshot_add_file(s, "/usr/libexec/dir", HOST_OK, 'd', NULL, 0, false);
		plan_refused("firewall_allow_app", h, "is a directory", "app", "/usr/libexec/dir",
		             NULL);
		host_close(h);
		snapshot_free(s);
	}
}

static void
alf_apps_are(const char *want)
{
	char *apps = state_file("alf-apps");

	assert_non_null(apps);
	assert_string_equal(apps, want);
	free(apps);
}

/*
 * On the stand-in, with the real firewall probe checking: not confirmed,
 * the app goes off the list again; confirmed, it stays allowed. A blocked
 * app is blocked again.
 */
static void
test_firewall_run_confirm(void **st)
{
	struct fix_plan plan;
	struct fix_report rep;
	struct answer no = {false, 0, 0}, yes = {true, 0, 0};
	struct strlist calls = STRLIST_INIT;

	(void)st;
	state_set("alf-apps", "/Applications/Multipass.app\tallow\n");
	plan_ok("firewall_allow_app", MAC, &plan, NULL);
	for_the_stand_in(&plan);
	run_on_mac(&plan, &no, &rep);
	status_is(&rep, FIX_REVERTED);
	assert_int_equal(no.asked, 1);
	assert_int_equal(no.seconds, plan.confirm_seconds);
	assert_string_equal(rep.verify.outcome, "allowed");
	assert_true(lines_have(&rep.log, "not confirmed in time: putting it back"));
	assert_true(lines_have(&rep.log, "gives 'not_listed' again, as before the fix"));
	alf_apps_are("/Applications/Multipass.app\tallow\n");
	fix_report_free(&rep);
	recorded_changes("socketfilterfw|", &calls);
	lines_are(&calls, W("socketfilterfw|--add|" BOOTPD, "socketfilterfw|--unblock|" BOOTPD,
	                    "socketfilterfw|--remove|" BOOTPD));
	strlist_free(&calls);

	run_on_mac(&plan, &yes, &rep);
	status_is(&rep, FIX_APPLIED);
	assert_int_equal(yes.asked, 1);
	assert_true(lines_have(&rep.log, "confirmed: the change stays"));
	alf_apps_are("/Applications/Multipass.app\tallow\n" BOOTPD "\tallow\n");
	fix_report_free(&rep);
	fix_plan_free(&plan);

	/* Blocked before: blocked again when not confirmed. */
	state_set("alf-apps", BOOTPD "\tblock\n");
	plan_ok("firewall_allow_app", MAC, &plan, NULL);
	argv_is(plan.undo[0].argv, W(SFW, "--block", BOOTPD));
	for_the_stand_in(&plan);
	no.asked = 0;
	run_on_mac(&plan, &no, &rep);
	status_is(&rep, FIX_REVERTED);
	assert_int_equal(no.asked, 1);
	alf_apps_are(BOOTPD "\tblock\n");
	fix_report_free(&rep);

	/* Nobody to confirm: reverted too. */
	run_on_mac(&plan, NULL, &rep);
	status_is(&rep, FIX_REVERTED);
	alf_apps_are(BOOTPD "\tblock\n");
	fix_report_free(&rep);
	fix_plan_free(&plan);
}

/* ---- pf ----------------------------------------------------------------- */

/* text with line inserted right after the first occurrence of after (a whole line). */
static char *
inserted_after(const char *text, const char *after, const char *line)
{
	const char *at = strstr(text, after);

	assert_non_null(at);
	at += strlen(after);
	return xasprintf("%.*s%s\n%s", (int)(at - text), text, line, at);
}

static void
pf_plan_on(const char *conf, size_t len, struct fix_plan *plan, const char *ifname,
           const char *subnet)
{
	put_mac("/etc/pf.conf", conf, len);
	if (subnet != NULL)
		plan_ok("pf_nat_vpn", MAC, plan, "interface", ifname, "subnet", subnet, NULL);
	else
		plan_ok("pf_nat_vpn", MAC, plan, "interface", ifname, NULL);
}

/* The new pf.conf the plan makes from conf: exactly want. */
static void
pf_new_is(const struct fix_plan *plan, const char *want)
{
	const struct fix_step *e = &plan->steps[1];

	assert_int_equal(e->kind, FIX_STEP_EDIT);
	if (e->new_len != strlen(want) || memcmp(e->new_content, want, e->new_len) != 0)
		fail_msg("new pf.conf:\n%s---- wanted:\n%s", e->new_content, want);
}

static void
test_pf_plan(void **st)
{
	size_t len = 0;
	char *conf = fixture_read("fix-darwin/pf.conf.macos", &len);
	char *want = inserted_after(conf, "nat-anchor \"com.apple/*\"\n", NAT_LINE);
	struct fix_plan plan;
	struct strlist lines = STRLIST_INIT;
	const struct fix_step *s = NULL;

	(void)st;
	pf_plan_on(conf, len, &plan, "utun3", NULL);
	assert_int_equal(plan.nsteps, 3);
	/* 1: pf parses the new file first, as the user, from its standard input. */
	s = &plan.steps[0];
	assert_int_equal(s->kind, FIX_STEP_RUN);
	argv_is(s->argv, W("pfctl", "-n", "-f", "-"));
	assert_false(s->privileged);
	assert_string_equal(s->input, want);
	/* 2: the edit, as root, from exactly what was read. */
	s = &plan.steps[1];
	assert_int_equal(s->kind, FIX_STEP_EDIT);
	assert_true(s->privileged);
	assert_string_equal(s->path, "/etc/pf.conf");
	assert_int_equal(s->old_len, len);
	assert_memory_equal(s->old_content, conf, len);
	pf_new_is(&plan, want);
	lines_are(&s->diff, W("+ " NAT_LINE));
	/* 3: the reload. */
	s = &plan.steps[2];
	argv_is(s->argv, W("pfctl", "-f", "/etc/pf.conf"));
	assert_true(s->privileged);
	assert_false(s->may_fail);
	/* The undo: the file back, then the reload. */
	assert_int_equal(plan.nundo, 2);
	assert_int_equal(plan.undo[0].kind, FIX_STEP_EDIT);
	assert_true(plan.undo[0].privileged);
	assert_int_equal(plan.undo[0].new_len, len);
	assert_memory_equal(plan.undo[0].new_content, conf, len);
	argv_is(plan.undo[1].argv, W("pfctl", "-f", "/etc/pf.conf"));
	assert_true(plan.undo[1].privileged);
	assert_int_equal(plan.backups.n, 1);
	assert_string_equal(plan.backups.v[0], "/etc/pf.conf");
	assert_true(plan.confirm_seconds > 0);
	assert_int_equal(plan.destructive, 0);
	verify_is(&plan, "file", "found");
	assert_string_equal(params_get(&plan.verify_params, "path"), "/etc/pf.conf");
	assert_string_equal(params_get(&plan.verify_params, "pattern"),
	                    "^nat on utun3 from 192\\.168\\.64\\.0/24 to any -> \\(utun3\\)$");

	fix_plan_render(&plan, &lines);
	assert_true(lines_have_exact(&lines, "  1. pfctl -n -f -"));
	assert_true(lines_have(&lines, "with this as its input:"));
	assert_true(lines_have(&lines, "  2. (as root"));
	assert_true(lines_have(&lines, "edit /etc/pf.conf, after a backup:"));
	assert_true(lines_have_exact(&lines, "       + " NAT_LINE));
	assert_true(lines_have_exact(&lines, "  3. sudo pfctl -f /etc/pf.conf"));
	assert_true(lines_have_exact(&lines, "  - /etc/pf.conf"));
	assert_true(lines_have(&lines, "waits 60 seconds"));
	assert_true(lines_have(&lines, "another utun number"));
	strlist_free(&lines);
	fix_plan_free(&plan);
	free(want);

	/* Another subnet and interface. */
	want = inserted_after(conf, "nat-anchor \"com.apple/*\"\n",
	                      "nat on ipsec0 from 192.168.2.0/24 to any -> (ipsec0)");
	pf_plan_on(conf, len, &plan, "ipsec0", "192.168.2.0/24");
	pf_new_is(&plan, want);
	assert_string_equal(params_get(&plan.verify_params, "pattern"),
	                    "^nat on ipsec0 from 192\\.168\\.2\\.0/24 to any -> \\(ipsec0\\)$");
	fix_plan_free(&plan);
	free(want);
	free(conf);
}

/* Where the line goes in other files: pf wants translation before filtering. */
static void
test_pf_placement(void **st)
{
	struct {
		const char *conf, *want;
	} cases[] = {
	    /* After the last nat line (before filter rules), not Apple's. */
	    {"nat-anchor \"com.apple/*\"\nnat on en0 from 10.0.0.0/8 to any -> (en0)\n"
	     "rdr-anchor \"com.apple/*\"\nanchor \"com.apple/*\"\n",
	     "nat-anchor \"com.apple/*\"\nnat on en0 from 10.0.0.0/8 to any -> (en0)\n" NAT_LINE
	     "\nrdr-anchor \"com.apple/*\"\nanchor \"com.apple/*\"\n"},
	    /* No nat line: before the first filter rule, not at the end. */
	    {"set skip on lo0\nscrub in all\n# filtering\npass out all\nblock in all\n",
	     "set skip on lo0\nscrub in all\n# filtering\n" NAT_LINE
	     "\npass out all\nblock in all\n"},
	    /* No nat line, and an anchor is the first filter rule. */
	    {"scrub-anchor \"com.apple/*\"\nrdr-anchor \"com.apple/*\"\nanchor \"com.apple/*\"\n",
	     "scrub-anchor \"com.apple/*\"\nrdr-anchor \"com.apple/*\"\n" NAT_LINE
	     "\nanchor \"com.apple/*\"\n"},
	    /* Before dummynet rules too. */
	    {"scrub-anchor \"com.apple/*\"\ndummynet-anchor \"com.apple/*\"\n",
	     "scrub-anchor \"com.apple/*\"\n" NAT_LINE "\ndummynet-anchor \"com.apple/*\"\n"},
	    /* Neither: at the end, after a line break the file lacked. */
	    {"# nothing yet\nset skip on lo0", "# nothing yet\nset skip on lo0\n" NAT_LINE "\n"},
	    {"", NAT_LINE "\n"},
	    /* A nat rule continued on the next line: after its last line. */
	    {"nat on en0 from 10.0.0.0/8 \\\n  to any -> (en0)\npass all\n",
	     "nat on en0 from 10.0.0.0/8 \\\n  to any -> (en0)\n" NAT_LINE "\npass all\n"},
	    /* A nat line after the filter rules (a file pf refuses) is not the place. */
	    {"pass all\nnat on en0 from 10.0.0.0/8 to any -> (en0)\n",
	     NAT_LINE "\npass all\nnat on en0 from 10.0.0.0/8 to any -> (en0)\n"},
	    /* CR LF kept as it is. */
	    {"nat-anchor \"a\"\r\nanchor \"a\"\r\n",
	     "nat-anchor \"a\"\r\n" NAT_LINE "\nanchor \"a\"\r\n"},
	};
	size_t len = 0;
	char *conf = fixture_read("fix-darwin/pf.conf.anyconnect", &len);
	char *want =
	    inserted_after(conf, "nat-anchor \"com.apple.internet-sharing/*\"\n", NAT_LINE);
	struct fix_plan plan;

	(void)st;
	pf_plan_on(conf, len, &plan, "utun3", NULL);
	pf_new_is(&plan, want);
	fix_plan_free(&plan);
	free(want);
	free(conf);
	for (size_t i = 0; i < nitems(cases); i++) {
		pf_plan_on(cases[i].conf, strlen(cases[i].conf), &plan, "utun3", NULL);
		pf_new_is(&plan, cases[i].want);
		fix_plan_free(&plan);
	}
}

static void
test_pf_refusals(void **st)
{
	size_t len = 0;
	char *conf = fixture_read("fix-darwin/pf.conf.macos", &len);
	char *with = inserted_after(conf, "nat-anchor \"com.apple/*\"\n", NAT_LINE);
	char *spaced =
	    inserted_after(conf, "rdr-anchor \"com.apple/*\"\n",
	                   "  nat  on utun3\tfrom 192.168.64.0/24 to any -> (utun3) # vpn");

	(void)st;
	/* The line is there already, however it is spaced or commented. */
	put_mac("/etc/pf.conf", with, strlen(with));
	plan_refused("pf_nat_vpn", MAC, "/etc/pf.conf already holds this line: " NAT_LINE,
	             "interface", "utun3", NULL);
	put_mac("/etc/pf.conf", spaced, strlen(spaced));
	plan_refused("pf_nat_vpn", MAC, "already holds this line", "interface", "utun3", NULL);
	/* Only commented out: the line goes in. */
	{
		char *commented =
		    inserted_after(conf, "nat-anchor \"com.apple/*\"\n", "# " NAT_LINE);
		struct fix_plan plan;

		put_mac("/etc/pf.conf", commented, strlen(commented));
		plan_ok("pf_nat_vpn", MAC, &plan, "interface", "utun3", NULL);
		fix_plan_free(&plan);
		free(commented);
	}
	/* For another interface it is not the same line. */
	{
		struct fix_plan plan;

		put_mac("/etc/pf.conf", with, strlen(with));
		plan_ok("pf_nat_vpn", MAC, &plan, "interface", "utun4", NULL);
		fix_plan_free(&plan);
	}
	put_mac("/etc/pf.conf", "pass all\0junk\n", 14);
	plan_refused("pf_nat_vpn", MAC, "holds NUL bytes", "interface", "utun3", NULL);
	{
		char *p = rooted("/etc/pf.conf");

		unlink(p);
		free(p);
	}
	plan_refused("pf_nat_vpn", MAC, "cannot read /etc/pf.conf", "interface", "utun3", NULL);
	free(spaced);
	free(with);
	free(conf);
}

/* The pf.conf of the stand-in Mac, as pf_plan_on put it there. */
static void
pf_conf_is(const char *want, size_t len)
{
	char *p = rooted("/etc/pf.conf");

	file_is(p, want, len);
	free(p);
}

static void
pf_loaded_is(const char *want, size_t len)
{
	char *p = xasprintf("%s/pf-loaded", state);

	file_is(p, want, len);
	free(p);
}

/*
 * Run for real on a copy of Apple's pf.conf: checked, edited, reloaded;
 * not confirmed, put back byte for byte and reloaded; confirmed, kept.
 */
static void
test_pf_run_confirm(void **st)
{
	size_t len = 0;
	char *conf = fixture_read("fix-darwin/pf.conf.macos", &len);
	char *want = inserted_after(conf, "nat-anchor \"com.apple/*\"\n", NAT_LINE);
	struct fix_plan plan;
	struct fix_report rep;
	struct answer no = {false, 0, 0}, yes = {true, 0, 0};
	struct strlist calls = STRLIST_INIT;
	char *checked = NULL;

	(void)st;
	pf_plan_on(conf, len, &plan, "utun3", NULL);
	for_the_stand_in(&plan);
	run_on_mac(&plan, &no, &rep);
	status_is(&rep, FIX_REVERTED);
	assert_int_equal(no.asked, 1);
	assert_string_equal(rep.verify.outcome, "found"); /* before it was put back */
	assert_true(lines_have(&rep.log, "gives 'no_match' again, as before the fix"));
	pf_conf_is(conf, len);
	pf_loaded_is(conf, len);
	checked = state_file("pf-checked");
	assert_string_equal(checked, want);
	free(checked);
	recorded(&calls);
	lines_are(&calls, W("pfctl|-n|-f|-", "pfctl|-f|/etc/pf.conf", "pfctl|-f|/etc/pf.conf"));
	strlist_free(&calls);
	fix_report_free(&rep);

	test_setup(NULL);
	run_on_mac(&plan, &yes, &rep);
	status_is(&rep, FIX_APPLIED);
	assert_int_equal(yes.asked, 1);
	pf_conf_is(want, strlen(want));
	pf_loaded_is(want, strlen(want));
	fix_report_free(&rep);

	/* `vmtriage undo` puts it back as the plan recorded it. */
	undo_on_mac(&plan, &rep);
	status_is(&rep, FIX_APPLIED);
	pf_conf_is(conf, len);
	pf_loaded_is(conf, len);
	fix_report_free(&rep);
	fix_plan_free(&plan);
	free(want);
	free(conf);
}

/* pf refuses the new file: nothing changes, nothing is loaded. */
static void
test_pf_run_refused_by_pf(void **st)
{
	size_t len = 0;
	char *conf = fixture_read("fix-darwin/pf.conf.macos", &len);
	struct fix_plan plan;
	struct fix_report rep;
	struct answer yes = {true, 0, 0};
	struct strlist calls = STRLIST_INIT;

	(void)st;
	pf_plan_on(conf, len, &plan, "utun3", NULL);
	for_the_stand_in(&plan);
	state_set("pf-refuses", "");
	run_on_mac(&plan, &yes, &rep);
	status_is(&rep, FIX_FAILED);
	assert_int_equal(yes.asked, 0);
	assert_true(lines_have(&rep.log, "pf rules not loaded"));
	assert_true(lines_have(&rep.log, "step 1 failed"));
	pf_conf_is(conf, len);
	assert_null(state_file("pf-loaded"));
	recorded(&calls);
	lines_are(&calls, W("pfctl|-n|-f|-"));
	strlist_free(&calls);
	fix_report_free(&rep);
	fix_plan_free(&plan);
	free(conf);
}

/* pf.conf changed between the plan and the run: refused, left as it is. */
static void
test_pf_run_file_changed(void **st)
{
	size_t len = 0;
	char *conf = fixture_read("fix-darwin/pf.conf.macos", &len);
	const char *other = "# edited meanwhile\npass all\n";
	struct fix_plan plan;
	struct fix_report rep;
	struct answer yes = {true, 0, 0};
	struct strlist calls = STRLIST_INIT;

	(void)st;
	pf_plan_on(conf, len, &plan, "utun3", NULL);
	for_the_stand_in(&plan);
	put_mac("/etc/pf.conf", other, strlen(other));
	run_on_mac(&plan, &yes, &rep);
	status_is(&rep, FIX_FAILED);
	assert_true(lines_have(&rep.log, "changed since the plan was made: not edited"));
	assert_true(lines_have(&rep.log, "step 2 failed"));
	pf_conf_is(other, strlen(other));
	recorded(&calls);
	lines_are(&calls, W("pfctl|-n|-f|-")); /* no reload */
	strlist_free(&calls);
	fix_report_free(&rep);
	fix_plan_free(&plan);
	free(conf);
}

/* ---- bootpd's leases ---------------------------------------------------- */

static void
lease_plan_on(const char *text, size_t len, const char *name, struct fix_plan *plan)
{
	put_mac("/var/db/dhcpd_leases", text, len);
	plan_ok("dhcpd_lease_clear", MAC, plan, "name", name, NULL);
}

static void
lease_new_is(const struct fix_plan *plan, const char *want)
{
	const struct fix_step *e = &plan->steps[0];

	assert_int_equal(plan->nsteps, 1);
	assert_int_equal(e->kind, FIX_STEP_EDIT);
	if (e->new_len != strlen(want) || memcmp(e->new_content, want, e->new_len) != 0)
		fail_msg("new leases:\n%s---- wanted:\n%s", e->new_content, want);
}

static const char block_primary_a[] = "{\n"
                                      "\tname=primary\n"
                                      "\tip_address=192.168.64.6\n"
                                      "\thw_address=1,52:54:0:9c:22:d7\n"
                                      "\tidentifier=1,52:54:0:9c:22:d7\n"
                                      "\tlease=0x66f1218e\n"
                                      "}\n";
static const char block_primary_b[] = "{\n"
                                      "\tname=primary\n"
                                      "\tip_address=192.168.64.3\n"
                                      "\thw_address=1,52:54:0:5f:52:7a\n"
                                      "\tidentifier=1,52:54:0:5f:52:7a\n"
                                      "\tlease=0x66f0c7b3\n"
                                      "}\n";
static const char block_dbarn[] = "{\n"
                                  "\tname=dbarn\n"
                                  "\tip_address=192.168.64.5\n"
                                  "\thw_address=1,52:54:0:3b:85:37\n"
                                  "\tidentifier=1,52:54:0:3b:85:37\n"
                                  "\tlease=0x66f0fb22\n"
                                  "}\n";

/* Both of primary's leases go (issue 2387's relaunched instance); dbarn's stays. */
static void
test_lease_plan(void **st)
{
	size_t len = 0;
	char *text = fixture_read("leases/dhcpd_leases.duplicate", &len);
	char *both = xasprintf("%s%s%s", block_primary_a, block_dbarn, block_primary_b);
	struct fix_plan plan;
	struct strlist lines = STRLIST_INIT;

	(void)st;
	/* The fixture is what the expectations below are made from. */
	assert_string_equal(text, both);
	lease_plan_on(text, len, "primary", &plan);
	lease_new_is(&plan, block_dbarn);
	assert_true(plan.steps[0].privileged);
	assert_string_equal(plan.steps[0].path, "/var/db/dhcpd_leases");
	assert_int_equal(plan.steps[0].old_len, len);
	assert_memory_equal(plan.steps[0].old_content, text, len);
	assert_int_equal(plan.nundo, 1);
	assert_int_equal(plan.undo[0].kind, FIX_STEP_EDIT);
	assert_memory_equal(plan.undo[0].new_content, text, len);
	assert_int_equal(plan.backups.n, 1);
	assert_string_equal(plan.backups.v[0], "/var/db/dhcpd_leases");
	assert_int_equal(plan.confirm_seconds, 0);
	assert_int_equal(plan.destructive, 0);
	assert_non_null(strstr(plan.notes, "Restart the instance"));
	verify_is(&plan, "leases", "missing");
	assert_string_equal(params_get(&plan.verify_params, "name"), "primary");
	assert_string_equal(params_get(&plan.verify_params, "file"), "/var/db/dhcpd_leases");
	fix_plan_render(&plan, &lines);
	assert_true(lines_have(&lines, "  1. (as root"));
	assert_true(lines_have(&lines, "edit /var/db/dhcpd_leases, after a backup:"));
	assert_true(lines_have_exact(&lines, "       - \tip_address=192.168.64.3"));
	assert_true(lines_have(&lines, "probe leases name=primary file=/var/db/dhcpd_leases "
	                               "should give 'missing'"));
	strlist_free(&lines);
	fix_plan_free(&plan);

	/* dbarn's: the blocks around it stay byte for byte. */
	lease_plan_on(text, len, "dbarn", &plan);
	{
		char *want = xasprintf("%s%s", block_primary_a, block_primary_b);

		lease_new_is(&plan, want);
		free(want);
	}
	fix_plan_free(&plan);

	/* Case does not matter; the instance's only lease leaves an empty file. */
	lease_plan_on(block_dbarn, strlen(block_dbarn), "DBARN", &plan);
	lease_new_is(&plan, "");
	fix_plan_free(&plan);
	free(both);
	free(text);
}

/* Damaged files: the instance's blocks, even broken ones, go; nothing else moves. */
static void
test_lease_plan_damaged(void **st)
{
	size_t len = 0;
	char *text = fixture_read("leases/dhcpd_leases.jumbled", &len);
	const char *tractor = "{\n"
	                      "\tname=tractorgeeks\n"
	                      "\tip_address=192.168.64.4\n"
	                      "\thw_address=1,52:54:0:1:e7:ff\n"
	                      "\tidentifier=1,52:54:0:1:e7:ff\n"
	                      "\tlease=0x66ee31d0\n"
	                      "}\n";
	const char *primary = "{\n"
	                      "\tname=primary\n"
	                      "\tip_address=192.168.64.2\n"
	                      "\thw_addrlease=0x66f10a4d\n"
	                      "}\n";
	const char *kube = "{\n"
	                   "\tname=kubeworker01\n"
	                   "\tip_address=192.168.64.23\n"
	                   "\thw_address=1,52:54:0:93:3d:91\n"
	                   "\tidentifier=1,52:54:0:93:3d:91\n";
	char *want = NULL;
	struct fix_plan plan;

	(void)st;
	want = xasprintf("%s%s%s%s", block_dbarn, primary, kube, tractor);
	assert_string_equal(text, want);
	free(want);
	/* primary's jumbled block. */
	lease_plan_on(text, len, "primary", &plan);
	want = xasprintf("%s%s%s", block_dbarn, kube, tractor);
	lease_new_is(&plan, want);
	free(want);
	fix_plan_free(&plan);
	/* kubeworker01's block without its closing brace: up to the next block. */
	lease_plan_on(text, len, "kubeworker01", &plan);
	want = xasprintf("%s%s%s", block_dbarn, primary, tractor);
	lease_new_is(&plan, want);
	free(want);
	fix_plan_free(&plan);
	free(text);

	/* A head-less block naming the instance, without a final newline, after a blank line. */
	text = xasprintf("%s\n\tname=primary\n\tip_address=192.168.64.9\n}", block_dbarn);
	lease_plan_on(text, strlen(text), "primary", &plan);
	want = xasprintf("%s\n", block_dbarn);
	lease_new_is(&plan, want);
	free(want);
	fix_plan_free(&plan);
	free(text);

	/* A block whose name line holds control bytes: it mentions the instance, so it goes. */
	text =
	    xasprintf("{\n\tname=primary\x01\x02\n\tip_address=192.168.64.9\n}\n%s", block_dbarn);
	lease_plan_on(text, strlen(text), "primary", &plan);
	lease_new_is(&plan, block_dbarn);
	fix_plan_free(&plan);
	free(text);

	/* A name that only starts like the instance's is another instance. */
	text = xasprintf("{\n\tname=primary-2\n\tip_address=192.168.64.8\n"
	                 "\thw_address=1,52:54:0:1:2:3\n\tlease=0x66f1218e\n}\n%s",
	                 block_primary_b);
	lease_plan_on(text, strlen(text), "primary", &plan);
	want = xasprintf("{\n\tname=primary-2\n\tip_address=192.168.64.8\n"
	                 "\thw_address=1,52:54:0:1:2:3\n\tlease=0x66f1218e\n}\n");
	lease_new_is(&plan, want);
	free(want);
	fix_plan_free(&plan);
	free(text);
}

static void
test_lease_refusals(void **st)
{
	size_t len = 0;
	char *normal = fixture_read("leases/dhcpd_leases.normal", &len);
	char *dnsmasq = fixture_read("leases/dnsmasq.leases.normal", NULL);
	char *p = rooted("/var/db/dhcpd_leases");

	(void)st;
	put_mac("/var/db/dhcpd_leases", normal, len);
	plan_refused("dhcpd_lease_clear", MAC,
	             "/var/db/dhcpd_leases holds no lease for nobody: nothing to remove", "name",
	             "nobody", NULL);
	put_mac("/var/db/dhcpd_leases", "\n  \n", 4);
	plan_refused("dhcpd_lease_clear", MAC, "is empty", "name", "primary", NULL);
	put_mac("/var/db/dhcpd_leases", dnsmasq, strlen(dnsmasq));
	plan_refused("dhcpd_lease_clear", MAC, "is not bootpd's leases file", "name", "primary",
	             NULL);
	unlink(p);
	plan_refused("dhcpd_lease_clear", MAC, "does not exist: bootpd has handed out no lease",
	             "name", "primary", NULL);
	/* Another file under /var/db will do, when it is bootpd's. */
	put_mac("/var/db/dhcpd_leases.old", normal, len);
	{
		struct fix_plan plan;

		plan_ok("dhcpd_lease_clear", MAC, &plan, "name", "dbarn", "file",
		        "/var/db/dhcpd_leases.old", NULL);
		assert_string_equal(plan.steps[0].path, "/var/db/dhcpd_leases.old");
		assert_string_equal(params_get(&plan.verify_params, "file"),
		                    "/var/db/dhcpd_leases.old");
		fix_plan_free(&plan);
	}
	free(p);
	free(dnsmasq);
	free(normal);
}

/*
 * Run for real on a copy of the leases file: primary's leases gone, the
 * leases probe says so, the undo puts the file back byte for byte; a file
 * that changed since the plan is left alone.
 */
static void
test_lease_run(void **st)
{
	size_t len = 0;
	char *text = fixture_read("leases/dhcpd_leases.duplicate", &len);
	char *path = rooted("/var/db/dhcpd_leases");
	struct fix_plan plan;
	struct fix_report rep;
	struct stat sb;

	(void)st;
	lease_plan_on(text, len, "primary", &plan);
	for_the_stand_in(&plan);
	run_on_mac(&plan, NULL, &rep);
	status_is(&rep, FIX_APPLIED);
	assert_string_equal(rep.verify.outcome, "missing");
	assert_non_null(rep.journal_id);
	file_is(path, block_dbarn, strlen(block_dbarn));
	/* Mode kept by the atomic replace. */
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0644);
	fix_report_free(&rep);

	undo_on_mac(&plan, &rep);
	status_is(&rep, FIX_APPLIED);
	file_is(path, text, len);
	fix_report_free(&rep);

	/* bootpd wrote a new lease meanwhile: not edited, and kept. */
	{
		char *newer = xasprintf("%s%s", text, block_primary_a);

		put_mac("/var/db/dhcpd_leases", newer, strlen(newer));
		run_on_mac(&plan, NULL, &rep);
		status_is(&rep, FIX_FAILED);
		assert_true(lines_have(&rep.log, "changed since the plan was made"));
		file_is(path, newer, strlen(newer));
		fix_report_free(&rep);
		free(newer);
	}
	fix_plan_free(&plan);

	/* Removing the only lease: an empty file, which the probe reads as no lease. */
	lease_plan_on(block_dbarn, strlen(block_dbarn), "dbarn", &plan);
	for_the_stand_in(&plan);
	run_on_mac(&plan, NULL, &rep);
	status_is(&rep, FIX_APPLIED);
	file_is(path, "", 0);
	fix_report_free(&rep);
	fix_plan_free(&plan);
	free(path);
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_entries, test_setup),
	    cmocka_unit_test_setup(test_not_on_linux, test_setup),
	    cmocka_unit_test_setup(test_injection_refused, test_setup),
	    cmocka_unit_test_setup(test_bootpd_start_plan, test_setup),
	    cmocka_unit_test_setup(test_bootpd_load_plan, test_setup),
	    cmocka_unit_test_setup(test_bootpd_run, test_setup),
	    cmocka_unit_test_setup(test_firewall_plan_not_listed, test_setup),
	    cmocka_unit_test_setup(test_firewall_plan_blocked, test_setup),
	    cmocka_unit_test_setup(test_firewall_plan_allowed, test_setup),
	    cmocka_unit_test_setup(test_firewall_refusals, test_setup),
	    cmocka_unit_test_setup(test_firewall_run_confirm, test_setup),
	    cmocka_unit_test_setup(test_pf_plan, test_setup),
	    cmocka_unit_test_setup(test_pf_placement, test_setup),
	    cmocka_unit_test_setup(test_pf_refusals, test_setup),
	    cmocka_unit_test_setup(test_pf_run_confirm, test_setup),
	    cmocka_unit_test_setup(test_pf_run_refused_by_pf, test_setup),
	    cmocka_unit_test_setup(test_pf_run_file_changed, test_setup),
	    cmocka_unit_test_setup(test_lease_plan, test_setup),
	    cmocka_unit_test_setup(test_lease_plan_damaged, test_setup),
	    cmocka_unit_test_setup(test_lease_refusals, test_setup),
	    cmocka_unit_test_setup(test_lease_run, test_setup),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
