/*
 * test-fix-instance.c: the route and instance fixes (fix-instance.c).
 *
 * Plans argv by argv for every system they have a branch for, made on
 * snapshot hosts that hold what the plan reads (the route in place, the
 * image's stat), so every branch is reached on any machine. Then the runner,
 * for real where Linux can: qemu-img repairing a leaking and a corrupt image
 * in a directory image_repair allows (a tmpfs in a private mount namespace,
 * as root), and the copy put back byte for byte by the undo. Where the
 * program is absent or must not be touched (route(8) of macOS, multipass),
 * on stand-ins first on PATH (tests/data/fix-instance) that record their
 * calls; the multipass stand-in keeps instance states, so the verifying
 * multipass probe sees what the fix did. Injection attempts in every
 * parameter of every fix are refused. The route fix in network namespaces
 * and guest_dns over a real sshd are in tests/lab/route-fix.sh.
 */
#include "config.h"

#include "cmocka-prelude.h"

#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fix/fix.h"
#include "host/host.h"
#include "host/snapshot.h"
#include "platform/paths.h"
#include "testutil.h"

#define NOW 1727000000 /* 2024-09-22 10:13:20 UTC */
#define STAMP "20240922-101320"
#define SUBNET "10.97.0.0/16"
#define MAC_SUBNET "192.168.64.0/24"
#define IP_SHOW(subnet) W("ip", "-o", "-4", "route", "show", "exact", subnet)
#define ROUTE_GET(subnet) W("route", "-n", "get", "-net", subnet)
#define VAULT "/var/snap/multipass/common/data/multipassd/vault/instances/primary/"
#define IMAGE VAULT "ubuntu-24.04-server-cloudimg-amd64.img"
#define MAC_VAULT "/var/root/Library/Application Support/multipassd/qemu/vault/instances/primary/"
#define MAC_IMAGE MAC_VAULT "ubuntu-24.04-server-cloudimg-arm64.img"
#define MAC_QEMU_IMG "/Library/Application Support/com.canonical.multipass/bin/qemu-img"
#define WIN_IMAGE "C:\\ProgramData\\Multipass\\data\\vault\\instances\\primary\\ubuntu.vhdx"
#define WIN_QEMU_IMG "C:\\Program Files\\Multipass\\bin\\qemu-img.exe"
#define LIBVIRT_IMAGE "/var/lib/libvirt/images/migrated.qcow2"

/* fix's plan on h, with name, value pairs; it must be made. */
static void __attribute__((sentinel))
plan_on(struct host *h, const char *fix, struct fix_plan *plan, ...)
{
	char *cause = NULL;
	va_list ap;
	int rc;

	va_start(ap, plan);
	rc = plan_fix_va(h, fix, plan, &cause, ap);
	va_end(ap);
	if (rc != 0)
		fail_msg("%s: %s", fix, cause);
}

/* The plan must be refused, with want in its cause. */
static void __attribute__((sentinel))
refused_on(struct host *h, const char *fix, const char *want, ...)
{
	struct fix_plan plan;
	char *cause = NULL;
	va_list ap;
	int rc;

	va_start(ap, want);
	rc = plan_fix_va(h, fix, &plan, &cause, ap);
	va_end(ap);
	if (rc == 0)
		fail_msg("%s: a plan was made; wanted a refusal with '%s'", fix, want);
	assert_non_null(cause);
	if (strstr(cause, want) == NULL)
		fail_msg("%s: cause '%s' lacks '%s'", fix, cause, want);
	assert_int_equal(plan.nsteps, 0);
	assert_int_equal(plan.nundo, 0);
	free(cause);
	fix_plan_free(&plan);
}

/* A snapshot of an os machine and a host answering from it. */
struct snap {
	struct snapshot *s;
	struct host *h;
};

static void
snap_open(struct snap *sn, const char *os)
{
	sn->s = snapshot_new(os, "x86_64", NOW);
	sn->h = host_snapshot(sn->s);
}

static void
snap_close(struct snap *sn)
{
	host_close(sn->h);
	snapshot_free(sn->s);
}

static void
add_cmd(struct snap *sn, const char *const *argv, int code, const char *out, const char *err)
{
	snapshot_add_command(sn->s, argv, HOST_OK, code, out, strlen(out), err, strlen(err));
}

/* The same with outputs from fixtures under tests/data (NULL: empty). */
static void
add_cmd_fixture(struct snap *sn, const char *const *argv, int code, const char *out,
                const char *err)
{
	char *o = out != NULL ? fixture_read(out, NULL) : xstrdup("");
	char *e = err != NULL ? fixture_read(err, NULL) : xstrdup("");

	add_cmd(sn, argv, code, o, e);
	free(o);
	free(e);
}

/* The verification's parameters are valid for its probe, and give these. */
static void
verify_is(const struct fix_plan *plan, const char *probe, const char *outcome)
{
	struct params out = {NULL, 0};
	char *msg = NULL;

	assert_ptr_equal(plan->verify, probe_find(probe));
	assert_string_equal(plan->verify_outcome, outcome);
	msg = params_resolve(plan->verify->params, &plan->verify_params, &out);
	if (msg != NULL)
		fail_msg("verify parameters: %s", msg);
	params_free(&out);
}

static void
render(const struct fix_plan *plan, struct strlist *lines)
{
	strlist_free(lines);
	fix_plan_render(plan, lines);
}

/* A plan whose steps are plan's undo steps, as `vmtriage undo` makes one. */
static void
undo_plan_of(const struct fix_plan *plan, struct fix_plan *u)
{
	memset(u, 0, sizeof *u);
	u->fix = plan->fix;
	for (size_t i = 0; i < plan->nundo; i++)
		fix_plan_add_step(u, plan->undo[i].privileged, false, plan->undo[i].why,
		                  (const char *const *)plan->undo[i].argv);
	if (plan->remote.address != NULL)
		fix_plan_set_remote(u, &plan->remote);
}

/* ---- stand-ins on PATH ------------------------------------------------------------ */

static char *saved_path;

/*
 * A directory of stand-ins first on PATH, with $VT_STANDIN_DIR (their log,
 * state and failure switch) emptied. Each name is copied from
 * tests/data/fix-instance; sudo always comes along, so privileged steps run
 * as the test's user.
 */
static void
standin_copy(const char *tag, const char *name)
{
	char *rel = xasprintf("fix-instance/%s", name), *body = fixture_read(rel, NULL);
	char *file = xasprintf("%s/bin/%s", tag, name);

	free(write_file(file, body, 0755));
	free(rel);
	free(body);
	free(file);
}

static char *
standins(const char *tag, const char *const *names)
{
	char *dir = tmp_path(tag), *bin = NULL, *path = NULL;

	mkdir(dir, 0755);
	bin = xasprintf("%s/bin", dir);
	mkdir(bin, 0755);
	standin_copy(tag, "sudo");
	for (size_t i = 0; names[i] != NULL; i++)
		standin_copy(tag, names[i]);
	if (saved_path == NULL)
		saved_path = xstrdup(getenv("PATH") != NULL ? getenv("PATH") : "/usr/bin:/bin");
	path = xasprintf("%s:%s", bin, saved_path);
	setenv("PATH", path, 1);
	setenv("VT_STANDIN_DIR", dir, 1);
	for (size_t i = 0; i < 3; i++) {
		char *f = xasprintf("%s/%s", dir, (const char *[]){"log", "state", "fail"}[i]);

		unlink(f);
		free(f);
	}
	free(path);
	free(bin);
	return dir;
}

static void
standins_done(void)
{
	if (saved_path != NULL)
		setenv("PATH", saved_path, 1);
	unsetenv("VT_STANDIN_DIR");
}

/* A file of the stand-ins' directory, whole ("" when missing). */
static char *
standin_file(const char *dir, const char *name)
{
	char *path = xasprintf("%s/%s", dir, name);
	struct host_result hr;
	char *out = NULL;

	if (host_read_file(host_live(), path, 1 << 20, &hr) == 0) {
		out = hr.out;
		hr.out = NULL;
	} else
		out = xstrdup("");
	host_result_free(&hr);
	free(path);
	return out;
}

static void
standin_write(const char *dir, const char *name, const char *content)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(content, f);
	fclose(f);
	free(path);
}

/* The lines of the stand-ins' log that start with one of prefixes, in order, are exactly want. */
static void
log_is(const char *dir, const char *const *prefixes, const char *const *want)
{
	char *log = standin_file(dir, "log");
	struct strlist got = STRLIST_INIT;

	for (char *p = log; *p != '\0';) {
		size_t n = strcspn(p, "\n");

		for (size_t i = 0; prefixes[i] != NULL; i++) {
			if (strncmp(p, prefixes[i], strlen(prefixes[i])) == 0) {
				strlist_take(&got, xstrndup(p, n));
				break;
			}
		}
		p += n + (p[n] == '\n');
	}
	lines_are(&got, want);
	strlist_free(&got);
	free(log);
}

/* ---- the table ------------------------------------------------------------------- */

/* image_repair may only touch the instance directories paths.c knows, and libvirt's. */
static void
test_image_dirs_are_the_platforms(void **state)
{
	const struct param_def *path = param_def_find(fix_find("image_repair")->params, "path");
	static const char *const oses[] = {"linux", "darwin", "windows"};
	size_t want = 1, n = 0;

	(void)state;
	assert_non_null(path);
	assert_non_null(path->under);
	for (size_t i = 0; i < nitems(oses); i++) {
		const struct platform_info *pi = platform_info(oses[i]);

		for (const char *const *d = pi->instances_dirs; *d != NULL; d++) {
			bool found = false;

			for (const char *const *u = path->under; *u != NULL; u++)
				found = found || strcmp(*u, *d) == 0;
			if (!found)
				fail_msg("%s's %s is not among image_repair's directories", oses[i],
				         *d);
			want++;
		}
	}
	for (const char *const *u = path->under; *u != NULL; u++)
		n++;
	assert_int_equal(n, want);
	{
		char *msg = param_check(path, "/etc/shadow");

		assert_non_null(msg);
		free(msg);
	}
	assert_null(param_check(path, "/var/lib/libvirt/images/vm.qcow2"));

	assert_string_equal(fix_find("route_add")->platforms, "linux,darwin");
	assert_null(fix_find("guest_dns")->platforms);
}

/* ---- route_add on Linux --------------------------------------------------------- */

/* A Linux snapshot where `ip -o -4 route show exact SUBNET` printed out. */
static void
linux_route(struct snap *sn, const char *out)
{
	snap_open(sn, "linux");
	add_cmd(sn, IP_SHOW(SUBNET), 0, out, "");
}

static void
test_route_linux_no_route(void **state)
{
	struct snap sn;
	struct fix_plan plan;
	struct strlist lines = STRLIST_INIT;

	(void)state;
	linux_route(&sn, "");
	/* Host bits are dropped: ip refuses them. */
	plan_on(sn.h, "route_add", &plan, "subnet", "10.97.3.4/16", "interface", "mpqemubr0", NULL);
	assert_int_equal(plan.nsteps, 1);
	argv_is(plan.steps[0].argv, W("ip", "route", "replace", SUBNET, "dev", "mpqemubr0"));
	assert_true(plan.steps[0].privileged);
	assert_false(plan.steps[0].may_fail);
	assert_int_equal(plan.nundo, 1);
	argv_is(plan.undo[0].argv, W("ip", "route", "del", SUBNET, "dev", "mpqemubr0"));
	assert_true(plan.undo[0].privileged);
	assert_null(plan.undo_note);
	assert_int_equal(plan.confirm_seconds, 30);
	assert_int_equal(plan.destructive, 0);
	assert_null(plan.remote.address);
	assert_non_null(strstr(plan.notes, "VPN"));
	verify_is(&plan, "route", "via_expected");
	assert_string_equal(params_get(&plan.verify_params, "destination"), SUBNET);
	assert_string_equal(params_get(&plan.verify_params, "expect"), "mpqemubr0");
	assert_string_equal(params_get(&plan.params, "subnet"), "10.97.3.4/16");

	render(&plan, &lines);
	assert_true(
	    lines_have_exact(&lines, "  1. sudo ip route replace 10.97.0.0/16 dev mpqemubr0"));
	assert_true(lines_have(&lines, "waits 30 seconds"));
	assert_true(lines_have(&lines, "probe route destination=10.97.0.0/16 expect=mpqemubr0 "
	                               "should give 'via_expected'"));
	assert_true(lines_have(&lines, "To undo it:"));
	assert_true(lines_have_exact(&lines, "  1. sudo ip route del 10.97.0.0/16 dev mpqemubr0"));
	strlist_free(&lines);
	fix_plan_free(&plan);
	snap_close(&sn);
}

/* The undo gives back to ip exactly the route at the default metric, without its state. */
static void
route_undo_is(const char *shown, const char *const *want)
{
	struct snap sn;
	struct fix_plan plan;

	linux_route(&sn, shown);
	plan_on(sn.h, "route_add", &plan, "subnet", SUBNET, "interface", "mpqemubr0", NULL);
	assert_int_equal(plan.nsteps, 1);
	argv_is(plan.steps[0].argv, W("ip", "route", "replace", SUBNET, "dev", "mpqemubr0"));
	assert_int_equal(plan.nundo, 1);
	argv_is(plan.undo[0].argv, want);
	fix_plan_free(&plan);
	snap_close(&sn);
}

static void
test_route_linux_puts_back(void **state)
{
	(void)state;
	/* A VPN's route replaced the kernel's; one with another metric and one with a TOS stay. */
	route_undo_is("10.97.0.0/16 dev utun3 proto static scope link linkdown \n"
	              "10.97.0.0/16 dev mpqemubr0 proto kernel scope link src 10.97.0.1 "
	              "metric 100 \n"
	              "10.97.0.0/16 tos 0x10 dev eth0 scope link \n",
	              W("ip", "route", "replace", SUBNET, "dev", "utun3", "proto", "static",
	                "scope", "link"));
	/* The kernel's own route, with its source address. */
	route_undo_is("10.97.0.0/16 dev mpqemubr0 proto kernel scope link src 10.97.0.1 \n",
	              W("ip", "route", "replace", SUBNET, "dev", "mpqemubr0", "proto", "kernel",
	                "scope", "link", "src", "10.97.0.1"));
	/* Multipath, as -o prints it: the backslashes are line joins, not words. */
	route_undo_is("10.97.0.0/16 proto static \\\tnexthop via 10.8.0.1 dev tun0 weight 1 "
	              "\\\tnexthop dev utun3 weight 1 \n",
	              W("ip", "route", "replace", SUBNET, "proto", "static", "nexthop", "via",
	                "10.8.0.1", "dev", "tun0", "weight", "1", "nexthop", "dev", "utun3",
	                "weight", "1"));
	/* A route of another type, at an explicit metric 0; state with a value goes. */
	route_undo_is(
	    "unreachable 10.97.0.0/16 proto static metric 0 expires 30sec\n",
	    W("ip", "route", "replace", "unreachable", SUBNET, "proto", "static", "metric", "0"));
	/* Only routes at other metrics: ip route replace adds one at 0, which the undo removes. */
	route_undo_is("10.97.0.0/16 dev utun3 scope link metric 50 \n",
	              W("ip", "route", "del", SUBNET, "dev", "mpqemubr0"));
}

static void
test_route_refused(void **state)
{
	struct snap sn;

	(void)state;
	linux_route(&sn, "10.97.0.0/16 dev utun3 scope link \n10.97.0.0/16 dev wg0 scope link \n");
	refused_on(sn.h, "route_add", "more than one route for 10.97.0.0/16", "subnet", SUBNET,
	           "interface", "mpqemubr0", NULL);
	snap_close(&sn);

	/* What the host printed goes back into an argv only when it is plain words. */
	linux_route(&sn, "10.97.0.0/16 dev utun3 proto $(reboot) scope link \n");
	refused_on(sn.h, "route_add", "'$(reboot)', that vmtriage cannot give back", "subnet",
	           SUBNET, "interface", "mpqemubr0", NULL);
	snap_close(&sn);
	linux_route(&sn, "10.97.0.0/16 dev -rf scope link \n");
	refused_on(sn.h, "route_add", "'-rf'", "subnet", SUBNET, "interface", "mpqemubr0", NULL);
	snap_close(&sn);

	snap_open(&sn, "linux");
	add_cmd(&sn, IP_SHOW(SUBNET), 2, "", "RTNETLINK answers: Operation not permitted\n");
	refused_on(sn.h, "route_add",
	           "could not be read (ip -o -4 route show exact 10.97.0.0/16: RTNETLINK answers: "
	           "Operation not permitted)",
	           "subnet", SUBNET, "interface", "mpqemubr0", NULL);
	refused_on(sn.h, "route_add", "IPv6 subnet", "subnet", "fd00:97::/64", "interface",
	           "mpqemubr0", NULL);
	refused_on(sn.h, "route_add", "0.0.0.0/0 is the default route", "subnet", "10.1.2.3/0",
	           "interface", "mpqemubr0", NULL);
	refused_on(sn.h, "route_add", "missing parameter 'interface'", "subnet", SUBNET, NULL);
	snap_close(&sn);

	snap_open(&sn, "windows");
	refused_on(sn.h, "route_add", "no route to add on windows", "subnet", SUBNET, "interface",
	           "vEthernet", NULL);
	snap_close(&sn);
}

/* A snapshot does not hold the route: the plan is shown, and says the undo is read live. */
static void
test_route_snapshot_without_route(void **state)
{
	struct snap sn;
	struct fix_plan plan;

	(void)state;
	snap_open(&sn, "linux");
	plan_on(sn.h, "route_add", &plan, "subnet", SUBNET, "interface", "mpqemubr0", NULL);
	assert_int_equal(plan.nsteps, 1);
	argv_is(plan.steps[0].argv, W("ip", "route", "replace", SUBNET, "dev", "mpqemubr0"));
	assert_int_equal(plan.nundo, 0);
	assert_non_null(strstr(plan.undo_note, "this snapshot does not hold it"));
	assert_int_equal(plan.confirm_seconds, 30);
	fix_plan_free(&plan);
	snap_close(&sn);

	snap_open(&sn, "darwin");
	plan_on(sn.h, "route_add", &plan, "subnet", MAC_SUBNET, "interface", "bridge100", NULL);
	argv_is(plan.steps[0].argv,
	        W("route", "-n", "add", "-net", MAC_SUBNET, "-interface", "bridge100"));
	assert_int_equal(plan.nundo, 0);
	assert_non_null(strstr(plan.undo_note, "changed instead of added"));
	fix_plan_free(&plan);
	snap_close(&sn);
}

/* On this machine: the real ip reads the route, and a failing ip refuses the plan. */
static void
test_route_live(void **state)
{
	struct fix_plan plan;
	struct host_result hr;
	char *dir;

	(void)state;
	host_run(host_live(), W("ip", "-V"), NULL, &hr);
	if (hr.status == HOST_OK) {
		/* TEST-NET-2: no machine routes it by itself. */
		plan_on(host_live(), "route_add", &plan, "subnet", "198.51.100.0/24", "interface",
		        "lo", NULL);
		argv_is(plan.undo[0].argv, W("ip", "route", "del", "198.51.100.0/24", "dev", "lo"));
		fix_plan_free(&plan);
	} else
		print_message("# ip is not installed: the live read of a route not tested\n");
	host_result_free(&hr);

	dir = standins("ip-fails", W("sudo"));
	free(write_file("ip-fails/bin/ip",
	                "#!/bin/sh\necho \"RTNETLINK answers: Permission denied\" >&2\nexit 2\n",
	                0755));
	refused_on(host_live(), "route_add", "RTNETLINK answers: Permission denied", "subnet",
	           SUBNET, "interface", "mpqemubr0", NULL);
	standins_done();
	free(dir);
}

/* ---- route_add on macOS --------------------------------------------------------- */

/* A macOS snapshot where `route -n get -net 192.168.64.0/24` printed a fixture. */
static void
darwin_route(struct snap *sn, int code, const char *out, const char *err)
{
	snap_open(sn, "darwin");
	add_cmd_fixture(sn, ROUTE_GET(MAC_SUBNET), code, out, err);
}

static void
darwin_plan(const char *out, const char *err, struct fix_plan *plan)
{
	struct snap sn;

	darwin_route(&sn, out != NULL ? 0 : 1, out, err);
	plan_on(sn.h, "route_add", plan, "subnet", MAC_SUBNET, "interface", "bridge100", NULL);
	snap_close(&sn);
	assert_int_equal(plan->nsteps, 1);
	assert_true(plan->steps[0].privileged);
	assert_int_equal(plan->confirm_seconds, 30);
	verify_is(plan, "route", "via_expected");
}

static void
test_route_darwin(void **state)
{
	struct fix_plan plan;
	struct strlist lines = STRLIST_INIT;
	struct snap sn;

	(void)state;
	/* No route of exactly that subnet: the document's add, undone by delete. */
	darwin_plan(NULL, "net/route-darwin-not-in-table.err", &plan);
	argv_is(plan.steps[0].argv,
	        W("route", "-n", "add", "-net", MAC_SUBNET, "-interface", "bridge100"));
	assert_int_equal(plan.nundo, 1);
	argv_is(plan.undo[0].argv, W("route", "-n", "delete", "-net", MAC_SUBNET));
	render(&plan, &lines);
	assert_true(lines_have_exact(
	    &lines, "  1. sudo route -n add -net 192.168.64.0/24 -interface bridge100"));
	fix_plan_free(&plan);

	/* Routes that match only as the longest prefix are not that route. */
	darwin_plan("net/route-darwin-utun3.txt", NULL, &plan); /* a VPN's /18 */
	argv_is(plan.steps[0].argv,
	        W("route", "-n", "add", "-net", MAC_SUBNET, "-interface", "bridge100"));
	fix_plan_free(&plan);
	darwin_plan("net/route-darwin-default-en0.txt", NULL, &plan);
	argv_is(plan.steps[0].argv,
	        W("route", "-n", "add", "-net", MAC_SUBNET, "-interface", "bridge100"));
	fix_plan_free(&plan);

	/* The VPN's route of exactly that subnet: changed; the undo adds it back as it was. */
	darwin_plan("fix-instance/route-darwin-utun3-exact.txt", NULL, &plan);
	argv_is(plan.steps[0].argv,
	        W("route", "-n", "change", "-net", MAC_SUBNET, "-interface", "bridge100"));
	assert_int_equal(plan.nundo, 2);
	argv_is(plan.undo[0].argv, W("route", "-n", "delete", "-net", MAC_SUBNET));
	argv_is(plan.undo[1].argv,
	        W("route", "-n", "add", "-net", MAC_SUBNET, "10.8.0.1", "-static"));
	fix_plan_free(&plan);

	/* The bridge's own route (already right, or a more specific route is in the way). */
	darwin_plan("net/route-darwin-bridge100.txt", NULL, &plan);
	argv_is(plan.steps[0].argv,
	        W("route", "-n", "change", "-net", MAC_SUBNET, "-interface", "bridge100"));
	argv_is(plan.undo[1].argv,
	        W("route", "-n", "add", "-net", MAC_SUBNET, "-interface", "bridge100"));
	fix_plan_free(&plan);

	/* A reject route on lo0 comes back as one. */
	darwin_plan("net/route-darwin-reject.txt", NULL, &plan);
	argv_is(plan.undo[1].argv, W("route", "-n", "add", "-net", MAC_SUBNET, "-interface", "lo0",
	                             "-static", "-reject"));
	fix_plan_free(&plan);

	/* A gateway that could not be given back to route as one plain word. */
	snap_open(&sn, "darwin");
	add_cmd(
	    &sn, ROUTE_GET(MAC_SUBNET), 0,
	    "   route to: 192.168.64.0\ndestination: 192.168.64.0\n       mask: 255.255.255.0\n"
	    "    gateway: 10.8.0.1;reboot\n  interface: utun3\n      flags: <UP,GATEWAY,DONE>\n",
	    "");
	refused_on(sn.h, "route_add", "'10.8.0.1;reboot', that vmtriage cannot give back to route",
	           "subnet", MAC_SUBNET, "interface", "bridge100", NULL);
	snap_close(&sn);

	/* Output route(8) never prints. */
	snap_open(&sn, "darwin");
	add_cmd(&sn, ROUTE_GET(MAC_SUBNET), 0, "hello\n", "");
	refused_on(sn.h, "route_add", "the route in place could not be read", "subnet", MAC_SUBNET,
	           "interface", "bridge100", NULL);
	snap_close(&sn);
	strlist_free(&lines);
}

struct confirm_seen {
	int calls, seconds;
	bool answer;
};

static bool
confirm_cb(void *arg, const struct fix_plan *plan, int seconds)
{
	struct confirm_seen *c = arg;

	(void)plan;
	c->calls++;
	c->seconds = seconds;
	return c->answer;
}

/*
 * A macOS plan run on a stand-in route(8): the timed confirm keeps it or
 * puts it back through the undo, a check that fails puts it back, and a
 * failing step stops it.
 */
static void
test_route_darwin_runs(void **state)
{
	static const char *const change =
	    "route -n change -net 192.168.64.0/24 -interface bridge100";
	static const char *const del = "route -n delete -net 192.168.64.0/24";
	static const char *const readd = "route -n add -net 192.168.64.0/24 10.8.0.1 -static";
	struct confirm_seen c = {0, 0, true};
	struct fix_run_opts fo = {.confirm = confirm_cb, .confirm_arg = &c, .journal_dir = NULL};
	struct fix_plan plan;
	struct fix_report rep;
	char *dir = NULL, *journal = tmp_path("journal-darwin"), *entry = NULL, *text = NULL;

	(void)state;
	darwin_plan("fix-instance/route-darwin-utun3-exact.txt", NULL, &plan);
	dir = standins("route-run", W("route"));
	fo.journal_dir = journal;

	/*
	 * The route probe asks this (Linux) machine's kernel, which has no
	 * bridge100: the check fails, and the change is put back at once.
	 */
	fix_run(&plan, host_live(), &fo, &rep);
	assert_int_equal(rep.status, FIX_REVERTED);
	assert_int_equal(c.calls, 0);
	assert_true(lines_have(&rep.log, "it did not work: putting it back"));
	assert_true(lines_have(&rep.log, "gives '"));
	log_is(dir, W("route "), W(change, del, readd));
	/* The journal holds what ran and the undo. */
	assert_non_null(rep.journal_id);
	entry = xasprintf("%s/%s/entry.yaml", journal, rep.journal_id);
	{
		struct host_result hr;

		assert_int_equal(host_read_file(host_live(), entry, 1 << 20, &hr), 0);
		text = xstrdup(hr.out);
		host_result_free(&hr);
	}
	assert_non_null(strstr(text, "status: reverted"));
	if (strstr(text, "  - '10.8.0.1'\n  - '-static'\n") == NULL)
		fail_msg("the undo is not in the journal:\n%s", text);
	free(text);
	free(entry);
	fix_report_free(&rep);

	/* Without a check: kept when confirmed, within the plan's seconds. */
	plan.verify = NULL;
	standin_write(dir, "log", "");
	fix_run(&plan, host_live(), &fo, &rep);
	assert_int_equal(rep.status, FIX_APPLIED);
	assert_int_equal(c.calls, 1);
	assert_int_equal(c.seconds, 30);
	assert_true(lines_have(&rep.log, "confirmed: the change stays"));
	log_is(dir, W("route "), W(change));
	fix_report_free(&rep);

	/* Not confirmed: put back. */
	c.answer = false;
	standin_write(dir, "log", "");
	fix_run(&plan, host_live(), &fo, &rep);
	assert_int_equal(rep.status, FIX_REVERTED);
	assert_true(lines_have(&rep.log, "not confirmed in time: putting it back"));
	log_is(dir, W("route "), W(change, del, readd));
	fix_report_free(&rep);

	/* The change fails: nothing else runs, nothing to put back. */
	standin_write(dir, "log", "");
	standin_write(dir, "fail", "-n change -net 192.168.64.0/24 -interface bridge100");
	c.calls = 0;
	fix_run(&plan, host_live(), &fo, &rep);
	assert_int_equal(rep.status, FIX_FAILED);
	assert_int_equal(c.calls, 0);
	assert_true(lines_have(&rep.log, "File exists"));
	log_is(dir, W("route "), W(change));
	fix_report_free(&rep);

	standins_done();
	fix_plan_free(&plan);
	free(dir);
	free(journal);
}

/* ---- the instance fixes ----------------------------------------------------------- */

static void
test_instance_plans(void **state)
{
	struct fix_plan plan;
	struct strlist lines = STRLIST_INIT;
	static const char *const oses[] = {"linux", "darwin", "windows"};

	(void)state;
	/* multipass talks to its daemon itself: the same commands everywhere, without sudo. */
	for (size_t i = 0; i < nitems(oses); i++) {
		struct snap sn;

		snap_open(&sn, oses[i]);
		plan_on(sn.h, "instance_force_restart", &plan, "name", "primary", NULL);
		assert_int_equal(plan.nsteps, 2);
		argv_is(plan.steps[0].argv, W("multipass", "stop", "primary", "--force"));
		argv_is(plan.steps[1].argv, W("multipass", "start", "primary"));
		assert_false(plan.steps[0].privileged || plan.steps[1].privileged);
		assert_int_equal(plan.nundo, 0);
		assert_non_null(strstr(plan.undo_note, "Nothing to undo"));
		assert_non_null(strstr(plan.notes, "pulling the plug"));
		assert_int_equal(plan.destructive, 0);
		assert_int_equal(plan.confirm_seconds, 0);
		verify_is(&plan, "multipass", "running");
		assert_string_equal(params_get(&plan.verify_params, "name"), "primary");
		render(&plan, &lines);
		assert_false(lines_have(&lines, "sudo"));
		assert_false(lines_have(&lines, "PowerShell"));
		fix_plan_free(&plan);
		snap_close(&sn);
	}

	plan_on(host_live(), "instance_relaunch_timeout", &plan, "name", "builder", NULL);
	assert_int_equal(plan.nsteps, 1);
	argv_is(plan.steps[0].argv,
	        W("multipass", "launch", "--timeout", "1000", "--name", "builder"));
	assert_false(plan.steps[0].privileged);
	assert_int_equal(plan.nundo, 1);
	argv_is(plan.undo[0].argv, W("multipass", "delete", "builder"));
	assert_non_null(strstr(plan.undo[0].why, "without purging"));
	assert_non_null(strstr(plan.notes, "The name must be free"));
	assert_int_equal(plan.destructive, 0);
	verify_is(&plan, "multipass", "running");
	fix_plan_free(&plan);
	plan_on(host_live(), "instance_relaunch_timeout", &plan, "name", "builder", "timeout",
	        "3600", "image", "22.04", NULL);
	argv_is(plan.steps[0].argv,
	        W("multipass", "launch", "--timeout", "3600", "--name", "builder", "22.04"));
	fix_plan_free(&plan);
	refused_on(host_live(), "instance_relaunch_timeout", "299 is out of range (300 to 3600)",
	           "name", "builder", "timeout", "299", NULL);
	refused_on(host_live(), "instance_relaunch_timeout", "3601 is out of range", "name",
	           "builder", "timeout", "3601", NULL);

	plan_on(host_live(), "instance_rebuild", &plan, "name", "primary", NULL);
	assert_int_equal(plan.nsteps, 3);
	argv_is(plan.steps[0].argv, W("multipass", "delete", "primary"));
	argv_is(plan.steps[1].argv, W("multipass", "purge"));
	argv_is(plan.steps[2].argv, W("multipass", "launch", "--name", "primary"));
	assert_int_equal(plan.destructive, 2);
	assert_non_null(strstr(plan.lost, "everything inside the instance"));
	assert_non_null(strstr(plan.lost, "every other instance that was deleted"));
	assert_int_equal(plan.nundo, 0);
	assert_non_null(strstr(plan.undo_note, "gone for good"));
	verify_is(&plan, "multipass", "running");
	render(&plan, &lines);
	assert_true(lines_have(&lines, "you will be asked 2 times"));
	assert_true(lines_have(&lines, "What is lost: everything inside the instance"));
	assert_true(lines_have(&lines, "There is no undo"));
	fix_plan_free(&plan);
	plan_on(host_live(), "instance_rebuild", &plan, "name", "primary", "image", "noble", NULL);
	argv_is(plan.steps[2].argv, W("multipass", "launch", "--name", "primary", "noble"));
	fix_plan_free(&plan);
	strlist_free(&lines);
}

/* The multipass stand-in with these instances ("NAME STATE" lines). */
static char *
multipass_standin(const char *tag, const char *instances)
{
	char *dir = standins(tag, W("multipass"));

	standin_write(dir, "state", instances);
	standin_write(dir, "log", "");
	return dir;
}

static void
run_plan(const struct fix_plan *plan, struct fix_report *rep)
{
	struct fix_run_opts fo = {.journal_dir = ""};

	fix_run(plan, host_live(), &fo, rep);
}

static void
test_instance_runs(void **state)
{
	struct fix_plan plan, u;
	struct fix_report rep;
	char *dir = NULL, *st = NULL;

	(void)state;
	/* An instance in state Unknown: stopped by force, started, and the check sees it run. */
	dir = multipass_standin("mp-restart", "primary Unknown\nother Stopped\n");
	plan_on(host_live(), "instance_force_restart", &plan, "name", "primary", NULL);
	run_plan(&plan, &rep);
	assert_int_equal(rep.status, FIX_APPLIED);
	assert_string_equal(rep.verify.outcome, "running");
	log_is(dir, W("multipass st"),
	       W("multipass stop primary --force", "multipass start primary"));
	assert_true(lines_have(&rep.log, "multipass stop primary --force -> exit 0"));
	fix_report_free(&rep);

	/* The start times out: the plan stops there, and nothing is verified. */
	standin_write(dir, "state", "primary Unknown\n");
	standin_write(dir, "log", "");
	standin_write(dir, "fail", "start");
	run_plan(&plan, &rep);
	assert_int_equal(rep.status, FIX_FAILED);
	assert_null(rep.verify.outcome);
	assert_true(lines_have(&rep.log, "primary: timed out waiting for response"));
	assert_true(lines_have(&rep.log, "step 2 failed"));
	fix_report_free(&rep);
	fix_plan_free(&plan);
	standins_done();
	free(dir);

	/* Launched again with the longer timeout; the undo deletes it, recoverably. */
	dir = multipass_standin("mp-relaunch", "other Deleted\n");
	plan_on(host_live(), "instance_relaunch_timeout", &plan, "name", "builder", "timeout",
	        "1200", "image", "noble", NULL);
	run_plan(&plan, &rep);
	assert_int_equal(rep.status, FIX_APPLIED);
	assert_string_equal(rep.verify.outcome, "running");
	log_is(dir, W("multipass launch"),
	       W("multipass launch --timeout 1200 --name builder noble"));
	fix_report_free(&rep);
	undo_plan_of(&plan, &u);
	run_plan(&u, &rep);
	assert_int_equal(rep.status, FIX_APPLIED);
	st = standin_file(dir, "state");
	assert_non_null(strstr(st, "builder Deleted\n"));
	assert_non_null(strstr(st, "other Deleted\n")); /* no purge */
	free(st);
	fix_report_free(&rep);
	fix_plan_free(&u);

	/* The name is taken: the launch fails, and says so. */
	standin_write(dir, "state", "builder Running\n");
	run_plan(&plan, &rep);
	assert_int_equal(rep.status, FIX_FAILED);
	assert_true(lines_have(&rep.log, "instance \"builder\" already exists"));
	fix_report_free(&rep);
	fix_plan_free(&plan);
	standins_done();
	free(dir);

	/* Rebuilt: and the purge takes the other deleted instance with it, as lost says. */
	dir = multipass_standin("mp-rebuild", "primary Unknown\nother Deleted\nkeep Running\n");
	plan_on(host_live(), "instance_rebuild", &plan, "name", "primary", NULL);
	run_plan(&plan, &rep);
	assert_int_equal(rep.status, FIX_APPLIED);
	assert_string_equal(rep.verify.outcome, "running");
	log_is(dir, W("multipass delete", "multipass purge", "multipass launch"),
	       W("multipass delete primary", "multipass purge", "multipass launch --name primary"));
	st = standin_file(dir, "state");
	assert_null(strstr(st, "other"));
	assert_non_null(strstr(st, "keep Running\n"));
	assert_non_null(strstr(st, "primary Running\n"));
	free(st);
	fix_report_free(&rep);
	fix_plan_free(&plan);
	standins_done();
	free(dir);
}

/* ---- image_repair: plans -------------------------------------------------------- */

/* A snapshot of os where path's stat gave st ('f' a file, 'd' a directory). */
static void
image_snap(struct snap *sn, const char *os, const char *path, enum host_status st, char kind)
{
	snap_open(sn, os);
	if (path != NULL)
		snapshot_add_file(sn->s, path, st, kind, NULL, 0, false);
}

static void
test_image_plan_linux(void **state)
{
	struct snap sn;
	struct fix_plan plan;
	struct strlist lines = STRLIST_INIT;
	const char *backup = IMAGE ".vmtriage-backup-" STAMP;

	(void)state;
	image_snap(&sn, "linux", IMAGE, HOST_OK, 'f');
	plan_on(sn.h, "image_repair", &plan, "path", IMAGE, NULL);
	assert_int_equal(plan.nsteps, 2);
	argv_is(plan.steps[0].argv,
	        W("cp", "--sparse=always", "--reflink=auto", "--", IMAGE, backup));
	argv_is(plan.steps[1].argv, W("qemu-img", "check", "-r", "all", IMAGE));
	assert_true(plan.steps[0].privileged && plan.steps[1].privileged);
	assert_int_equal(plan.backups.n, 1);
	assert_string_equal(plan.backups.v[0], backup);
	assert_int_equal(plan.nundo, 1);
	argv_is(plan.undo[0].argv,
	        W("cp", "--sparse=always", "--reflink=auto", "--", backup, IMAGE));
	assert_true(plan.undo[0].privileged);
	assert_non_null(strstr(plan.notes, "Stop the instance first"));
	verify_is(&plan, "image", "ok");
	assert_string_equal(params_get(&plan.verify_params, "path"), IMAGE);
	assert_null(params_get(&plan.verify_params, "qemu_img")); /* the probe's own search */
	render(&plan, &lines);
	assert_true(lines_have(&lines, "Backed up first:"));
	assert_true(lines_have(&lines, "2. sudo qemu-img check -r all " IMAGE));
	fix_plan_free(&plan);

	/* A qemu-img of one's choosing, checked and verified with. */
	plan_on(sn.h, "image_repair", &plan, "path", IMAGE, "qemu_img", "/opt/qemu/bin/qemu-img",
	        NULL);
	argv_is(plan.steps[1].argv, W("/opt/qemu/bin/qemu-img", "check", "-r", "all", IMAGE));
	assert_string_equal(params_get(&plan.verify_params, "qemu_img"), "/opt/qemu/bin/qemu-img");
	fix_plan_free(&plan);
	snap_close(&sn);

	/* A migrated VM in libvirt's pool; its stat unknown, as a user cannot look. */
	snap_open(&sn, "linux");
	plan_on(sn.h, "image_repair", &plan, "path", LIBVIRT_IMAGE, NULL);
	argv_is(plan.steps[1].argv, W("qemu-img", "check", "-r", "all", LIBVIRT_IMAGE));
	fix_plan_free(&plan);
	snap_close(&sn);
	strlist_free(&lines);
}

static void
test_image_plan_darwin_windows(void **state)
{
	struct snap sn;
	struct fix_plan plan;
	struct strlist lines = STRLIST_INIT;
	const char *backup = MAC_IMAGE ".vmtriage-backup-" STAMP;
	const char *wbackup = WIN_IMAGE ".vmtriage-backup-" STAMP;

	(void)state;
	/* macOS: Multipass's own qemu-img (the document's), and APFS clones. */
	snap_open(&sn, "darwin");
	plan_on(sn.h, "image_repair", &plan, "path", MAC_IMAGE, NULL);
	argv_is(plan.steps[0].argv, W("cp", "-c", "--", MAC_IMAGE, backup));
	argv_is(plan.steps[1].argv, W(MAC_QEMU_IMG, "check", "-r", "all", MAC_IMAGE));
	argv_is(plan.undo[0].argv, W("cp", "-c", "--", backup, MAC_IMAGE));
	assert_string_equal(params_get(&plan.verify_params, "qemu_img"), MAC_QEMU_IMG);
	render(&plan, &lines);
	/* Spaces in the path are quoted for a person to paste. */
	assert_true(lines_have(&lines, "2. sudo '/Library/Application Support/com.canonical."
	                               "multipass/bin/qemu-img' check -r all '/var/root/Library/"));
	fix_plan_free(&plan);
	snap_close(&sn);

	/* Multipass's qemu-img is gone: the one in PATH. */
	image_snap(&sn, "darwin", MAC_QEMU_IMG, HOST_NO_SUCH, 'f');
	plan_on(sn.h, "image_repair", &plan, "path", MAC_IMAGE, NULL);
	argv_is(plan.steps[1].argv, W("qemu-img", "check", "-r", "all", MAC_IMAGE));
	fix_plan_free(&plan);
	snap_close(&sn);

	/* Windows: each step one script for an elevated PowerShell. */
	snap_open(&sn, "windows");
	plan_on(sn.h, "image_repair", &plan, "path", WIN_IMAGE, NULL);
	assert_int_equal(plan.nsteps, 2);
	argv_is(plan.steps[0].argv, W("powershell", "-NoProfile", "-NonInteractive", "-Command",
	                              "Copy-Item -LiteralPath '" WIN_IMAGE
	                              "' -Destination '" WIN_IMAGE ".vmtriage-backup-" STAMP "'"));
	argv_is(plan.steps[1].argv,
	        W("powershell", "-NoProfile", "-NonInteractive", "-Command",
	          "& '" WIN_QEMU_IMG "' check -r all '" WIN_IMAGE "'; exit $LASTEXITCODE"));
	argv_is(plan.undo[0].argv, W("powershell", "-NoProfile", "-NonInteractive", "-Command",
	                             "Copy-Item -LiteralPath '" WIN_IMAGE ".vmtriage-backup-" STAMP
	                             "' -Destination '" WIN_IMAGE "' -Force"));
	assert_string_equal(plan.backups.v[0], wbackup);
	assert_non_null(strstr(plan.notes, "elevated PowerShell"));
	assert_string_equal(params_get(&plan.verify_params, "qemu_img"), WIN_QEMU_IMG);
	render(&plan, &lines);
	assert_true(lines_have(&lines, "1. (in an elevated PowerShell) Copy-Item -LiteralPath"));
	assert_false(lines_have(&lines, "sudo"));
	fix_plan_free(&plan);
	snap_close(&sn);
	strlist_free(&lines);
}

static void
test_image_refused(void **state)
{
	struct snap sn;

	(void)state;
	snap_open(&sn, "linux");
	refused_on(sn.h, "image_repair",
	           "is not in a directory where instance images are kept on linux", "path",
	           MAC_IMAGE, NULL);
	refused_on(sn.h, "image_repair", "kept on linux", "path", WIN_IMAGE, NULL);
	refused_on(sn.h, "image_repair", "is not inside", "path", "/etc/shadow", NULL);
	refused_on(sn.h, "image_repair", "kept on linux", "path", "/var/lib/libvirt/images", NULL);
	/* Storage moved with MULTIPASS_STORAGE: its vault takes part, on this machine only. */
	setenv("MULTIPASS_STORAGE", "/srv/mp/", 1);
	refused_on(sn.h, "image_repair", "kept on linux", "path",
	           "/srv/mp/data/vault/instances/primary/primary.img", NULL);
	refused_on(host_live(), "image_repair", "there is no image at", "path",
	           "/srv/mp/data/vault/instances/primary/primary.img", NULL);
	refused_on(host_live(), "image_repair", "/srv/mp/data/vault/instances", "path",
	           "/srv/mp/data/other/primary.img", NULL);
	setenv("MULTIPASS_STORAGE", "srv/mp", 1);
	refused_on(host_live(), "image_repair", "is not inside", "path",
	           "/srv/mp/data/vault/instances/p/p.img", NULL);
	unsetenv("MULTIPASS_STORAGE");
	refused_on(host_live(), "image_repair", "is not inside", "path",
	           "/srv/mp/data/vault/instances/primary/primary.img", NULL);
	refused_on(sn.h, "image_repair", "only letters, digits, spaces", "path", VAULT "it's.img",
	           NULL);
	refused_on(sn.h, "image_repair", "only letters, digits, spaces", "path",
	           "/var/lib/libvirt/images/vm\xc3\xa9.qcow2", NULL);
	refused_on(sn.h, "image_repair", "'/bin/rm' is not a qemu-img program", "path", IMAGE,
	           "qemu_img", "/bin/rm", NULL);
	refused_on(sn.h, "image_repair", "qemu-img program", "path", IMAGE, "qemu_img",
	           "/tmp/qemu-img-evil", NULL);
	snap_close(&sn);

	image_snap(&sn, "linux", IMAGE, HOST_NO_SUCH, 'f');
	refused_on(sn.h, "image_repair", "there is no image at " IMAGE, "path", IMAGE, NULL);
	snap_close(&sn);
	image_snap(&sn, "linux", VAULT "dir.img", HOST_OK, 'd');
	refused_on(sn.h, "image_repair", "is a directory", "path", VAULT "dir.img", NULL);
	snap_close(&sn);
	/* An earlier copy is never overwritten. */
	image_snap(&sn, "linux", IMAGE ".vmtriage-backup-" STAMP, HOST_OK, 'f');
	refused_on(sn.h, "image_repair", "exists already; move it away first", "path", IMAGE, NULL);
	snap_close(&sn);

	snap_open(&sn, "darwin");
	refused_on(sn.h, "image_repair", "kept on darwin", "path", LIBVIRT_IMAGE, NULL);
	snap_close(&sn);
	snap_open(&sn, "windows");
	refused_on(sn.h, "image_repair", "kept on windows", "path", IMAGE, NULL);
	refused_on(
	    sn.h, "image_repair", "only letters", "path",
	    "C:\\ProgramData\\Multipass\\data\\vault\\instances\\a'; Remove-Item C:\\ -Recurse; '",
	    NULL);
	snap_close(&sn);
	snap_open(&sn, "plan9");
	refused_on(sn.h, "image_repair", "does not know where plan9 keeps", "path", IMAGE, NULL);
	snap_close(&sn);
}

/* ---- image_repair: qemu-img for real -------------------------------------------- */

static uint64_t
be(const unsigned char *p, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

/* As test-probe-image.c: the cluster size and the first refcount block, from the header. */
static void
qcow2_layout(int fd, uint64_t *cluster, uint64_t *refblock)
{
	unsigned char h[104], e[8];

	assert_int_equal(pread(fd, h, sizeof h, 0), sizeof h);
	assert_int_equal(be(h, 4), 0x514649fb);
	*cluster = (uint64_t)1 << be(h + 20, 4);
	assert_int_equal(pread(fd, e, 8, (off_t)be(h + 48, 8)), 8);
	*refblock = be(e, 8);
	assert_true(*refblock > 0 && *refblock % *cluster == 0);
}

/* The cluster past the end counted as used, the file grown to hold it: a leak. */
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

/* Every cluster in use counted 0: corruptions. */
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

/* A qcow2 image at path, with 1 MiB of data in it. */
static void
make_qcow2(const char *path)
{
	struct strbuf data = STRBUF_INIT;
	char *raw = NULL;

	for (int i = 0; i < 1024 * 1024; i++)
		strbuf_addc(&data, (char)('a' + i % 26));
	raw = write_file("image.raw", data.buf, 0644);
	must_run(W("qemu-img", "convert", "-f", "raw", "-O", "qcow2", raw, path));
	unlink(raw);
	free(raw);
	strbuf_free(&data);
}

static char *
slurp(const char *path, size_t *len)
{
	struct host_result hr;
	char *out = NULL;

	if (host_read_file(host_live(), path, 64 << 20, &hr) != 0)
		fail_msg("%s: %s", path, hr.message);
	out = hr.out;
	*len = hr.out_len;
	hr.out = NULL;
	host_result_free(&hr);
	return out;
}

static bool
same_bytes(const char *a, size_t alen, const char *b, size_t blen)
{
	return alen == blen && memcmp(a, b, alen) == 0;
}

#define LAB_DIR "/var/lib/libvirt/images/vmtriage-test"

/*
 * The directory image_repair allows, made where it does no harm: as root,
 * a private mount namespace for this process, and in it a tmpfs over
 * /var/lib/libvirt (or /var/lib when there is none), so the machine's own
 * /var/lib never sees the test. False when that cannot be had.
 */
static bool
private_libvirt_images(void)
{
	struct stat st;
	const char *over = stat("/var/lib/libvirt", &st) == 0 ? "/var/lib/libvirt" : "/var/lib";

	if (geteuid() != 0) {
		print_message("# not root: qemu-img repair under %s not run\n", LAB_DIR);
		return false;
	}
	if (unshare(CLONE_NEWNS) != 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
	    mount("vmtriage-test", over, "tmpfs", 0, "mode=0755,size=64m") != 0) {
		print_message("# no private mount namespace here (%s): qemu-img repair not run\n",
		              strerror(errno));
		return false;
	}
	mkdir("/var/lib/libvirt", 0755);
	mkdir("/var/lib/libvirt/images", 0711);
	assert_int_equal(mkdir(LAB_DIR, 0700), 0);
	return true;
}

/*
 * A damaged image repaired for real: the copy made first is the damaged
 * image byte for byte, the check passes after, and the undo puts the
 * damaged image back byte for byte (the probe sees the damage again).
 */
static void
repair_and_undo(const char *img, const char *damage)
{
	struct fix_plan plan, u;
	struct fix_report rep;
	struct fix_run_opts fo = {.journal_dir = ""};
	struct probe_result r;
	size_t olen = 0, blen = 0, rlen = 0;
	char *orig = NULL, *copy = NULL, *now = NULL;

	run_probe(&r, "image", "path", img, NULL);
	assert_string_equal(r.outcome, damage);
	probe_result_free(&r);
	orig = slurp(img, &olen);

	plan_on(host_live(), "image_repair", &plan, "path", img, NULL);
	fix_run(&plan, host_live(), &fo, &rep);
	if (rep.status != FIX_APPLIED) {
		for (size_t i = 0; i < rep.log.n; i++)
			print_message("# %s\n", rep.log.v[i]);
	}
	assert_int_equal(rep.status, FIX_APPLIED);
	assert_string_equal(rep.verify.outcome, "ok");
	assert_true(lines_have(&rep.log, "check -r all " LAB_DIR));
	fix_report_free(&rep);
	copy = slurp(plan.backups.v[0], &blen);
	assert_true(same_bytes(orig, olen, copy, blen));
	now = slurp(img, &rlen);
	assert_false(same_bytes(orig, olen, now, rlen));
	free(now);

	undo_plan_of(&plan, &u);
	fix_run(&u, host_live(), &fo, &rep);
	assert_int_equal(rep.status, FIX_APPLIED);
	fix_report_free(&rep);
	now = slurp(img, &rlen);
	assert_true(same_bytes(orig, olen, now, rlen));
	run_probe(&r, "image", "path", img, NULL);
	assert_string_equal(r.outcome, damage);
	probe_result_free(&r);

	/* A second repair of the same image in the same second would overwrite that copy: refused.
	 */
	{
		char *cause = NULL;
		struct fix_plan again;
		struct params p = {NULL, 0};

		params_set(&p, "path", img);
		if (fix_make_plan(fix_find("image_repair"), &p, host_live(), &again, &cause) != 0)
			assert_non_null(strstr(cause, "exists already"));
		free(cause);
		fix_plan_free(&again);
		params_free(&p);
	}
	fix_plan_free(&u);
	fix_plan_free(&plan);
	free(orig);
	free(copy);
	free(now);
}

static void
test_image_repair_live(void **state)
{
	struct host_result hr;

	(void)state;
	host_run(host_live(), W("qemu-img", "--version"), NULL, &hr);
	if (hr.status != HOST_OK || hr.exit_code != 0) {
		print_message("# qemu-img is not installed: the live repair not run\n");
		host_result_free(&hr);
		return;
	}
	host_result_free(&hr);
	if (!private_libvirt_images())
		return;
	make_qcow2(LAB_DIR "/leaky.qcow2");
	leak_a_cluster(LAB_DIR "/leaky.qcow2");
	repair_and_undo(LAB_DIR "/leaky.qcow2", "leaks");

	make_qcow2(LAB_DIR "/corrupt.qcow2");
	corrupt_refcounts(LAB_DIR "/corrupt.qcow2");
	repair_and_undo(LAB_DIR "/corrupt.qcow2", "corrupt");
}

/* ---- guest_dns -------------------------------------------------------------------- */

#define DROPIN "/etc/systemd/resolved.conf.d/vmtriage-dns.conf"

static void
test_guest_dns_plan(void **state)
{
	struct snap sn;
	struct fix_plan plan;
	struct strlist lines = STRLIST_INIT;

	(void)state;
	snap_open(&sn, "linux");
	plan_on(sn.h, "guest_dns", &plan, "address", "10.97.0.23", NULL);
	assert_string_equal(plan.remote.address, "10.97.0.23");
	assert_int_equal(plan.remote.port, 22);
	assert_string_equal(plan.remote.user, "ubuntu");
	assert_string_equal(plan.remote.key, platform_multipass_ssh_key("linux"));
	assert_null(plan.remote.known_hosts);
	assert_int_equal(plan.nsteps, 3);
	argv_is(plan.steps[0].argv, W("sudo", "mkdir", "-p", "/etc/systemd/resolved.conf.d"));
	argv_is(plan.steps[1].argv, W("sudo", "tee", DROPIN));
	assert_string_equal(plan.steps[1].input,
	                    "# Written by vmtriage (fix guest_dns); remove it to undo.\n"
	                    "[Resolve]\nDNS=1.1.1.1\n");
	argv_is(plan.steps[2].argv, W("sudo", "systemctl", "restart", "systemd-resolved"));
	assert_null(plan.steps[0].input);
	for (size_t i = 0; i < plan.nsteps; i++)
		assert_false(plan.steps[i].privileged); /* sudo runs in the guest, not here */
	assert_int_equal(plan.nundo, 2);
	argv_is(plan.undo[0].argv, W("sudo", "rm", "-f", DROPIN));
	argv_is(plan.undo[1].argv, W("sudo", "systemctl", "restart", "systemd-resolved"));
	assert_int_equal(plan.confirm_seconds, 0);
	verify_is(&plan, "guest", "ok");
	assert_string_equal(params_get(&plan.verify_params, "check"), "resolv");
	assert_string_equal(params_get(&plan.verify_params, "address"), "10.97.0.23");
	assert_string_equal(params_get(&plan.verify_params, "port"), "22");
	assert_string_equal(params_get(&plan.verify_params, "user"), "ubuntu");
	assert_null(params_get(&plan.verify_params, "key"));
	assert_null(params_get(&plan.verify_params, "name"));
	render(&plan, &lines);
	assert_true(lines_have(&lines, "It runs on ubuntu@10.97.0.23, over SSH."));
	assert_true(lines_have_exact(&lines, "  2. sudo tee " DROPIN));
	assert_true(lines_have(&lines, "| DNS=1.1.1.1"));
	assert_true(lines_have(&lines, "probe guest check=resolv address=10.97.0.23 port=22 "
	                               "user=ubuntu should give 'ok'"));
	fix_plan_free(&plan);
	snap_close(&sn);

	/* Everything given; the check logs in the same way. */
	snap_open(&sn, "darwin");
	plan_on(sn.h, "guest_dns", &plan, "address", "192.168.64.5", "server",
	        "2606:4700:4700::1111", "user", "admin", "port", "2222", "key", "/home/me/.ssh/id",
	        "known_hosts", "/home/me/kh", NULL);
	assert_int_equal(plan.remote.port, 2222);
	assert_string_equal(plan.remote.user, "admin");
	assert_string_equal(plan.remote.key, "/home/me/.ssh/id");
	assert_string_equal(plan.remote.known_hosts, "/home/me/kh");
	assert_non_null(strstr(plan.steps[1].input, "\nDNS=2606:4700:4700::1111\n"));
	verify_is(&plan, "guest", "ok");
	assert_string_equal(params_get(&plan.verify_params, "key"), "/home/me/.ssh/id");
	assert_string_equal(params_get(&plan.verify_params, "known_hosts"), "/home/me/kh");
	assert_string_equal(params_get(&plan.verify_params, "port"), "2222");
	assert_string_equal(params_get(&plan.verify_params, "user"), "admin");
	fix_plan_free(&plan);
	/* macOS's Multipass key by default. */
	plan_on(sn.h, "guest_dns", &plan, "address", "192.168.64.5", NULL);
	assert_string_equal(plan.remote.key, platform_multipass_ssh_key("darwin"));
	fix_plan_free(&plan);

	/* With a name it verifies that the name resolves in the instance; the same steps. */
	plan_on(sn.h, "guest_dns", &plan, "address", "192.168.64.5", "name", "archive.ubuntu.com",
	        "port", "2222", NULL);
	assert_int_equal(plan.nsteps, 3);
	argv_is(plan.steps[1].argv, W("sudo", "tee", DROPIN));
	verify_is(&plan, "guest", "ok");
	assert_string_equal(params_get(&plan.verify_params, "check"), "lookup");
	assert_string_equal(params_get(&plan.verify_params, "name"), "archive.ubuntu.com");
	assert_string_equal(params_get(&plan.verify_params, "address"), "192.168.64.5");
	assert_string_equal(params_get(&plan.verify_params, "port"), "2222");
	assert_string_equal(params_get(&plan.verify_params, "user"), "ubuntu");
	strlist_free(&lines);
	render(&plan, &lines);
	assert_true(lines_have(&lines, "probe guest check=lookup name=archive.ubuntu.com "
	                               "address=192.168.64.5 port=2222 user=ubuntu should give "
	                               "'ok'"));
	fix_plan_free(&plan);
	/* A name getent would take for an option, or that is no name, makes no plan. */
	refused_on(sn.h, "guest_dns", "must start with a letter or a digit", "address",
	           "192.168.64.5", "name", "-s", NULL);
	refused_on(sn.h, "guest_dns", "'name'", "address", "192.168.64.5", "name", "ubuntu com",
	           NULL);
	refused_on(sn.h, "guest_dns", "not a valid DNS name", "address", "192.168.64.5", "name",
	           "a..b", NULL);
	snap_close(&sn);
	strlist_free(&lines);
}

/* A guest that cannot be reached: nothing runs, here or there. */
static void
test_guest_dns_unreachable(void **state)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	socklen_t len = sizeof sa;
	struct fix_plan plan;
	struct fix_report rep;
	char *dir = NULL, *log = NULL, port[16];
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	(void)state;
	/* A port nothing listens on: bound, then let go. */
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	snprintf(port, sizeof port, "%u", ntohs(sa.sin_port));
	close(fd);

	dir = standins("dns-unreachable", W("sudo"));
	/* The stand-in sudo logs, so a step run here instead of there would show. */
	free(write_file("dns-unreachable/bin/sudo",
	                "#!/bin/sh\necho \"sudo $*\" >>\"$VT_STANDIN_DIR/log\"\nexit 0\n", 0755));
	plan_on(host_live(), "guest_dns", &plan, "address", "127.0.0.1", "port", port, "key",
	        "/nonexistent/key", "known_hosts", "/nonexistent/known_hosts", NULL);
	fix_run(&plan, host_live(), &(struct fix_run_opts){.journal_dir = ""}, &rep);
	assert_int_equal(rep.status, FIX_FAILED);
	assert_true(lines_have(&rep.log, "127.0.0.1 cannot be reached"));
	assert_null(rep.verify.outcome);
	log = standin_file(dir, "log");
	assert_string_equal(log, "");
	free(log);
	fix_report_free(&rep);

	/* A snapshot never reaches a guest: fixes do not run on snapshots. */
	{
		struct snap sn;

		snap_open(&sn, "linux");
		fix_run(&plan, sn.h, &(struct fix_run_opts){.journal_dir = ""}, &rep);
		assert_int_equal(rep.status, FIX_FAILED);
		assert_true(lines_have(&rep.log, "cannot be reached"));
		fix_report_free(&rep);
		snap_close(&sn);
	}
	fix_plan_free(&plan);
	standins_done();
	free(dir);
}

/* ---- injection ----------------------------------------------------------------------- */

/* What every parameter of every fix must refuse. */
static const char *const attacks[] = {
    "; rm -rf /", "$(reboot)", "`reboot`", "a\nb", "../../etc/passwd", "-rf", "--help", "", NULL,
};

struct injection {
	const char *fix;
	const char *const *base; /* name, value pairs that make a good plan */
	/* Attacks of this parameter's own shape, that a type check alone might let by. */
	const char *param;
	const char *const extra[8];
};

static const char *const route_base[] = {"subnet", SUBNET, "interface", "mpqemubr0", NULL};
static const char *const name_base[] = {"name", "primary", NULL};
static const char *const relaunch_base[] = {"name",  "primary", "timeout", "1000",
                                            "image", "noble",   NULL};
static const char *const rebuild_base[] = {"name", "primary", "image", "noble", NULL};
static const char *const image_base[] = {"path", IMAGE, "qemu_img", "/usr/bin/qemu-img", NULL};
static const char *const dns_base[] = {
    "address", "10.97.0.23", "server",      "1.1.1.1",  "user", "ubuntu",     "key", "/root/id",
    "port",    "22",         "known_hosts", "/root/kh", "name", "ubuntu.com", NULL};

static const struct injection injections[] = {
    {"route_add",
     route_base,
     "subnet",
     {"10.97.0.0/16; reboot", "10.97.0.0/16 dev eth0", "10.97.0.0/16\n", "-10.97.0.0/16"}},
    {"route_add",
     route_base,
     "interface",
     {"mpqemubr0; reboot", "mpqemubr0 metric 1", "-mpqemubr0", "mpqemubr0\nreboot", "eth0/x"}},
    {"instance_force_restart",
     name_base,
     "name",
     {"primary --force", "primary;reboot", "-primary", "pri mary", "primary\n"}},
    {"instance_relaunch_timeout", relaunch_base, "name", {"primary --cloud-init=/x", "-x"}},
    {"instance_relaunch_timeout",
     relaunch_base,
     "timeout",
     {"1000; reboot", "1000 --name x", "0x3e8", "1e3", "-1", " 1000"}},
    {"instance_relaunch_timeout",
     relaunch_base,
     "image",
     {"noble --cloud-init /x", "-noble", "file:///etc/shadow", "noble;reboot"}},
    {"instance_rebuild", rebuild_base, "name", {"primary purge", "-all", "primary\npurge"}},
    {"instance_rebuild", rebuild_base, "image", {"noble --disk 1T", "--all"}},
    {"image_repair",
     image_base,
     "path",
     {VAULT "../../../../../../../etc/shadow", VAULT "x;reboot.img", VAULT "$(reboot).img",
      VAULT "x\nreboot", VAULT "`reboot`", "/var/lib/libvirt/images/a' -Force; 'b",
      "/var/lib/libvirt/imagesx/vm.img"}},
    {"image_repair",
     image_base,
     "qemu_img",
     {"/bin/sh", "/usr/bin/qemu-img; reboot", "/usr/bin/$(reboot)/qemu-img", "qemu-img",
      "/tmp/../bin/qemu-img"}},
    {"guest_dns",
     dns_base,
     "address",
     {"10.97.0.23; reboot", "-oProxyCommand=reboot", "10.97.0.23 -p 2222", "primary.local"}},
    {"guest_dns",
     dns_base,
     "server",
     {"1.1.1.1\nDNS=6.6.6.6", "1.1.1.1 6.6.6.6", "1.1.1.1#53", "dns.example"}},
    {"guest_dns", dns_base, "user", {"ubuntu; reboot", "-oProxyCommand=x", "root\n"}},
    {"guest_dns", dns_base, "key", {"~/.ssh/id", "/root/../etc/shadow"}},
    {"guest_dns", dns_base, "port", {"22; reboot", "0", "65536", "22 -o x"}},
    {"guest_dns", dns_base, "known_hosts", {"/dev/null\n", "/a/../../etc"}},
    {"guest_dns",
     dns_base,
     "name",
     {"ubuntu.com; reboot", "-s", "ubuntu.com --service=x", "ubuntu.com\nx", "a..b", "$(x)"}},
};

static void
base_params(const char *const *base, const char *skip, struct params *p)
{
	for (size_t i = 0; base[i] != NULL; i += 2) {
		if (skip == NULL || strcmp(base[i], skip) != 0)
			params_set(p, base[i], base[i + 1]);
	}
}

static void
test_injection_refused(void **state)
{
	struct snap sn;
	size_t refused = 0;

	(void)state;
	/* What the plans read: no route in place, and the image there. */
	snap_open(&sn, "linux");
	add_cmd(&sn, IP_SHOW(SUBNET), 0, "", "");
	snapshot_add_file(sn.s, IMAGE, HOST_OK, 'f', NULL, 0, false);
	for (size_t i = 0; i < nitems(injections); i++) {
		const struct injection *inj = &injections[i];
		const struct fix_entry *fe = fix_find(inj->fix);
		struct params p = {NULL, 0};
		struct fix_plan plan;
		char *cause = NULL;

		/* The good parameters make a plan: a refusal is the attack's doing. */
		base_params(inj->base, NULL, &p);
		if (fix_make_plan(fe, &p, sn.h, &plan, &cause) != 0)
			fail_msg("%s: the good parameters were refused: %s", inj->fix, cause);
		fix_plan_free(&plan);
		params_free(&p);
		assert_non_null(param_def_find(fe->params, inj->param));

		for (int pass = 0; pass < 2; pass++) {
			const char *const *list = pass == 0 ? attacks : inj->extra;

			for (size_t k = 0; list[k] != NULL; k++) {
				base_params(inj->base, inj->param, &p);
				params_set(&p, inj->param, list[k]);
				if (fix_make_plan(fe, &p, sn.h, &plan, &cause) == 0)
					fail_msg("%s: %s='%s' was taken", inj->fix, inj->param,
					         list[k]);
				assert_non_null(cause);
				assert_int_equal(plan.nsteps, 0);
				free(cause);
				cause = NULL;
				fix_plan_free(&plan);
				params_free(&p);
				refused++;
			}
		}
	}
	/* Every parameter of every fix of this file was attacked. */
	for (size_t f = 0; f < nitems(injections); f++) {
		for (const struct param_def *d = fix_find(injections[f].fix)->params;
		     d->name != NULL; d++) {
			bool seen = false;

			for (size_t i = 0; i < nitems(injections); i++)
				seen = seen || (strcmp(injections[i].fix, injections[f].fix) == 0 &&
				                strcmp(injections[i].param, d->name) == 0);
			if (!seen)
				fail_msg("%s: parameter %s is not attacked", injections[f].fix,
				         d->name);
		}
	}
	print_message("# %zu injection attempts refused\n", refused);
	snap_close(&sn);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_image_dirs_are_the_platforms),
	    cmocka_unit_test(test_route_linux_no_route),
	    cmocka_unit_test(test_route_linux_puts_back),
	    cmocka_unit_test(test_route_refused),
	    cmocka_unit_test(test_route_snapshot_without_route),
	    cmocka_unit_test(test_route_live),
	    cmocka_unit_test(test_route_darwin),
	    cmocka_unit_test(test_route_darwin_runs),
	    cmocka_unit_test(test_instance_plans),
	    cmocka_unit_test(test_instance_runs),
	    cmocka_unit_test(test_image_plan_linux),
	    cmocka_unit_test(test_image_plan_darwin_windows),
	    cmocka_unit_test(test_image_refused),
	    cmocka_unit_test(test_guest_dns_plan),
	    cmocka_unit_test(test_guest_dns_unreachable),
	    cmocka_unit_test(test_injection_refused),
	    /* Last: it moves this process into a mount namespace of its own. */
	    cmocka_unit_test(test_image_repair_live),
	};

	return cmocka_run_group_tests(tests, tmpdir_setup, tmpdir_teardown);
}
