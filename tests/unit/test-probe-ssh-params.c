/*
 * test-probe-ssh-params.c: the "ssh" probe without an SSH server. Which
 * hosts and parameters it refuses before touching the network, where its
 * defaults point (Multipass's key per platform, known_hosts under
 * XDG_STATE_HOME), what it reads from a recorded known_hosts file, and, on
 * sockets this test opens on 127.0.0.1 only, refused, no banner (timeout)
 * and a cancel. The live cases against a real sshd are in tests/lab/ssh.sh.
 */
#include "config.h"

#include "cmocka-prelude.h"

#include <sys/socket.h>
#include <sys/time.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/host.h"
#include "platform/paths.h"
#include "probe/probe-ssh.h"
#include "probe/probe.h"
#include "testutil.h"

#define run_ssh(r, ...) run_probe(r, "ssh", __VA_ARGS__)

/* ---- the host check ------------------------------------------------------ */

static void
test_host_check(void **state)
{
	static const char *const good[] = {
	    "10.97.0.5", "127.0.0.1",         "::1",           "fe80::5054:ff:fe12:3456%mpqemubr0",
	    "localhost", "primary.multipass", "my_vm-2.local",
	};
	static const char *const bad[] = {
	    "",
	    "-oProxyCommand=touch /tmp/x",
	    "-p22",
	    "a b",
	    "a\tb",
	    "a\nb",
	    "a\rb",
	    "ubuntu@10.97.0.5",
	    "*",
	    "a,b",
	    "[::1]:22",
	    "host/x",
	    "caf\xc3\xa9.local",
	    "!bad",
	};
	char *why = NULL;

	(void)state;
	for (size_t i = 0; i < nitems(good); i++) {
		why = probe_ssh_check_host(good[i]);
		if (why != NULL)
			fail_msg("'%s' refused: %s", good[i], why);
	}
	for (size_t i = 0; i < nitems(bad); i++) {
		if ((why = probe_ssh_check_host(bad[i])) == NULL)
			fail_msg("'%s' accepted", bad[i]);
		free(why);
	}
	why = probe_ssh_check_host("-oProxyCommand=x");
	assert_non_null(strstr(why, "option"));
	free(why);
	why = probe_ssh_check_host("ubuntu@10.97.0.5");
	assert_non_null(strstr(why, "user="));
	free(why);
}

/* A bad host ends the probe before any socket: outcome error, and why. */
static void
test_bad_host_is_error(void **state)
{
	struct probe_result r;

	(void)state;
	run_ssh(&r, "host", "-oProxyCommand=touch /tmp/vt-pwned", "known_hosts", "/nonexistent/kh",
	        NULL);
	assert_string_equal(r.outcome, "error");
	assert_non_null(strstr(r.summary, "option"));
	assert_int_equal(r.nfacts, 0);
	assert_int_equal(access("/tmp/vt-pwned", F_OK), -1);
	probe_result_free(&r);

	run_ssh(&r, "host", "10.0.0.1 -p 2", NULL);
	assert_string_equal(r.outcome, "error");
	assert_non_null(strstr(r.summary, "space"));
	probe_result_free(&r);
}

/* ---- typed parameters ---------------------------------------------------- */

/* Each given value must be refused by the parameter checks, naming the parameter. */
static void
expect_refused(const char *name, const char *value)
{
	struct probe_result r;

	run_ssh(&r, "host", "127.0.0.1", name, value, NULL);
	if (strcmp(r.outcome, "error") != 0 || r.summary == NULL || strstr(r.summary, name) == NULL)
		fail_msg("%s=%s: outcome %s, summary %s", name, value, r.outcome,
		         r.summary != NULL ? r.summary : "(none)");
	probe_result_free(&r);
}

static void
test_param_types(void **state)
{
	(void)state;
	expect_refused("port", "0");
	expect_refused("port", "65536");
	expect_refused("port", "22x");
	expect_refused("user", "-root");
	expect_refused("user", "ubuntu me");
	expect_refused("user", "u;rm");
	expect_refused("key", "id_rsa");
	expect_refused("key", "/home/u/../root/id_rsa");
	expect_refused("known_hosts", "known_hosts");
	expect_refused("seconds", "0");
	expect_refused("seconds", "3601");
	expect_refused("accept_new", "maybe");
	expect_refused("nosuch", "1");
}

static void
test_param_defaults(void **state)
{
	const struct probe_entry *pe = probe_find("ssh");
	struct params given = {NULL, 0}, out = {NULL, 0};
	char *why = NULL;

	(void)state;
	assert_non_null(pe);
	/* host is the only required one. */
	why = params_resolve(pe->params, &given, &out);
	assert_non_null(why);
	assert_non_null(strstr(why, "host"));
	free(why);
	params_free(&out);

	params_set(&given, "host", "10.97.0.5");
	assert_null(params_resolve(pe->params, &given, &out));
	assert_string_equal(params_get(&out, "port"), "22");
	assert_string_equal(params_get(&out, "user"), "ubuntu");
	assert_string_equal(params_get(&out, "seconds"), "10");
	assert_false(params_get_bool(&out, "accept_new", true));
	/* The defaults of these depend on the platform and the environment: computed at run time.
	 */
	assert_null(params_get(&out, "key"));
	assert_null(params_get(&out, "known_hosts"));
	assert_null(params_get(&out, "command"));
	assert_int_equal(probe_budget_ms(pe, &out), 10000);
	params_free(&out);
	params_free(&given);

	for (const char *const *o = W("ok", "refused", "timeout", "hostkey_unknown",
	                              "hostkey_changed", "auth_denied", "error");
	     *o != NULL; o++)
		assert_true(probe_has_outcome(pe, *o));
	for (const char *const *f = W("ssh.hostkey", "ssh.exit_status", "ssh.output", "ssh.banner");
	     *f != NULL; f++)
		assert_true(probe_sets_fact(pe, *f));
}

/* ---- where things live --------------------------------------------------- */

static void
test_default_key_per_platform(void **state)
{
	(void)state;
	assert_string_equal(platform_multipass_ssh_key("linux"),
	                    "/var/snap/multipass/common/data/multipassd/ssh-keys/id_rsa");
	assert_string_equal(platform_multipass_ssh_key("darwin"),
	                    "/var/root/Library/Application Support/multipassd/ssh-keys/id_rsa");
	assert_string_equal(platform_multipass_ssh_key("windows"),
	                    "C:\\ProgramData\\Multipass\\data\\ssh-keys\\id_rsa");
	assert_null(platform_multipass_ssh_key("freebsd"));
	assert_null(platform_multipass_ssh_key(NULL));
	/* This build's own platform has one. */
	assert_non_null(platform_multipass_ssh_key(VT_PLATFORM));
}

/* Sets or unsets one environment variable. */
static void
env_put(const char *name, const char *value)
{
	if (value != NULL)
		setenv(name, value, 1);
	else
		unsetenv(name);
}

static void
expect_known_hosts_default(const char *xdg, const char *home, const char *want)
{
	char *got = NULL;

	env_put("XDG_STATE_HOME", xdg);
	env_put("HOME", home);
	got = probe_ssh_known_hosts_default();
	if (want == NULL) {
		if (got != NULL)
			fail_msg("XDG_STATE_HOME=%s HOME=%s gave %s", xdg ? xdg : "(unset)",
			         home ? home : "(unset)", got);
	} else {
		assert_non_null(got);
		assert_string_equal(got, want);
	}
	free(got);
}

static void
test_known_hosts_default(void **state)
{
	char *old_xdg = getenv("XDG_STATE_HOME") ? xstrdup(getenv("XDG_STATE_HOME")) : NULL;
	char *old_home = getenv("HOME") ? xstrdup(getenv("HOME")) : NULL;

	(void)state;
	expect_known_hosts_default("/x/state", "/home/u", "/x/state/vmtriage/known_hosts");
	expect_known_hosts_default(NULL, "/home/u", "/home/u/.local/state/vmtriage/known_hosts");
	/* The XDG spec: a relative XDG_STATE_HOME is ignored. */
	expect_known_hosts_default("rel/state", "/home/u",
	                           "/home/u/.local/state/vmtriage/known_hosts");
	expect_known_hosts_default("", "/home/u", "/home/u/.local/state/vmtriage/known_hosts");
	expect_known_hosts_default(NULL, NULL, NULL);
	expect_known_hosts_default(NULL, "", NULL);
	/* Never the user's own ~/.ssh/known_hosts. */
	expect_known_hosts_default(NULL, "/root", "/root/.local/state/vmtriage/known_hosts");
	env_put("XDG_STATE_HOME", old_xdg);
	env_put("HOME", old_home);
	free(old_xdg);
	free(old_home);
}

/* Without HOME or XDG_STATE_HOME and no known_hosts=, the probe says what to give. */
static void
test_no_home_is_error(void **state)
{
	char *old_xdg = getenv("XDG_STATE_HOME") ? xstrdup(getenv("XDG_STATE_HOME")) : NULL;
	char *old_home = getenv("HOME") ? xstrdup(getenv("HOME")) : NULL;
	struct probe_result r;

	(void)state;
	unsetenv("XDG_STATE_HOME");
	unsetenv("HOME");
	run_ssh(&r, "host", "127.0.0.1", NULL);
	assert_string_equal(r.outcome, "error");
	assert_non_null(strstr(r.summary, "known_hosts="));
	probe_result_free(&r);
	env_put("XDG_STATE_HOME", old_xdg);
	env_put("HOME", old_home);
	free(old_xdg);
	free(old_home);
}

static void
test_host_port(void **state)
{
	char *s = NULL;

	(void)state;
	s = probe_ssh_host_port("10.97.0.5", 22);
	assert_string_equal(s, "10.97.0.5");
	free(s);
	s = probe_ssh_host_port("Primary.Multipass", 2222);
	assert_string_equal(s, "[primary.multipass]:2222");
	free(s);
	s = probe_ssh_host_port("::1", 2200);
	assert_string_equal(s, "[::1]:2200");
	free(s);
}

/* ---- a recorded known_hosts file ----------------------------------------- */

/*
 * Made with ssh-keygen: three keys, one line hashed by "ssh-keygen -H" (for
 * 10.97.0.5), one with a CRLF end, comments, a broken line, other hosts.
 */
#define KEY1 "AAAAC3NzaC1lZDI1NTE5AAAAIPlgSBHnYC7RsFRFbGwOX8vUBTnx+MdyZJmrGbcZRk09"
#define FP1 "SHA256:s04sY09FvzxInS6HuvzPuiysXOyKWyggbebMUVSDWpo"
#define KEY2 "AAAAC3NzaC1lZDI1NTE5AAAAIKJNP8ntBRS19bLX/fXRqDvv7OAsEgq8ecyVD1yGMG8a"
#define FP2 "SHA256:dhVmyS/JTyFshXCunrUtadsu///ThxTQCTDbpCHayWk"
#define KEY3                                                                                       \
	"AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBFx8oxdgq2Q1S9teFk5kIzjeg2qXv"        \
	"J+u2Jwe6GGEfiorWMtW6WlYsDDGV3aX19Gz9A719UNQn2B7ElksKQ8dkDo="
#define FP3 "SHA256:sDK5UE0NDgIBNAa9GTDtCg0zwZD4JIVGpOR+nd0aP64"

static const char known_hosts_text[] =
    "# vmtriage known hosts\n"                                                  /* 1 */
    "\n"                                                                        /* 2 */
    "[127.0.0.1]:2222 ssh-ed25519 " KEY1 "\n"                                   /* 3 */
    "10.97.0.4 ssh-ed25519 " KEY1 " old instance\n"                             /* 4 */
    "|1|isaAQV53dUSs6zdwvHgAM9pwNgg=|Ly+ggJbjpnXYddzrlNY5w7Ru+Yg= ssh-ed25519 " /* 5 */
    KEY2 "\n"
    "   # an indented comment\n"                         /* 6 */
    "not a key line at all\n"                            /* 7 */
    "primary,10.97.0.5 ecdsa-sha2-nistp256 " KEY3 "\r\n" /* 8 */
    "[127.0.0.1]:2223 ssh-ed25519 " KEY2;                /* 9, no newline */

static void
test_known_scan(void **state)
{
	struct probe_ssh_known *k = NULL;
	size_t n;

	(void)state;
	n = probe_ssh_known_scan(known_hosts_text, strlen(known_hosts_text), "[127.0.0.1]:2222",
	                         &k);
	assert_int_equal(n, 1);
	assert_int_equal(k[0].lineno, 3);
	assert_string_equal(k[0].type, "ssh-ed25519");
	assert_string_equal(k[0].fingerprint, FP1);
	probe_ssh_known_free(k, n);

	/* The hashed line and a pattern list both name 10.97.0.5. */
	n = probe_ssh_known_scan(known_hosts_text, strlen(known_hosts_text), "10.97.0.5", &k);
	assert_int_equal(n, 2);
	assert_int_equal(k[0].lineno, 5);
	assert_string_equal(k[0].fingerprint, FP2);
	assert_int_equal(k[1].lineno, 8);
	assert_string_equal(k[1].type, "ecdsa-sha2-nistp256");
	assert_string_equal(k[1].fingerprint, FP3);
	probe_ssh_known_free(k, n);

	n = probe_ssh_known_scan(known_hosts_text, strlen(known_hosts_text), "[127.0.0.1]:2223",
	                         &k);
	assert_int_equal(n, 1);
	assert_int_equal(k[0].lineno, 9);
	probe_ssh_known_free(k, n);

	/* Port 22 is written without brackets: "[10.97.0.4]:2222" is another host. */
	n = probe_ssh_known_scan(known_hosts_text, strlen(known_hosts_text), "[10.97.0.4]:2222",
	                         &k);
	assert_int_equal(n, 0);
	assert_null(k);

	n = probe_ssh_known_scan("", 0, "10.97.0.5", &k);
	assert_int_equal(n, 0);
	assert_null(k);
}

/* ---- loopback sockets, no SSH server ------------------------------------- */

/* A TCP socket listening on 127.0.0.1 that never accepts; *port is its port. */
static int
listen_loopback(long *port)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof sin;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof sin), 0);
	assert_int_equal(listen(fd, 4), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	*port = ntohs(sin.sin_port);
	return fd;
}

static void
test_refused(void **state)
{
	struct probe_result r;
	char port[16], *kh = tmp_path("kh-refused");
	long p;

	(void)state;
	/* A port that was just free: nothing listens on it once closed. */
	close(listen_loopback(&p));
	snprintf(port, sizeof port, "%ld", p);
	run_ssh(&r, "host", "127.0.0.1", "port", port, "known_hosts", kh, "key",
	        "/nonexistent/id_rsa", NULL);
	assert_string_equal(r.outcome, "refused");
	assert_true(lines_have(&r.evidence, "connection refused"));
	assert_non_null(strstr(r.summary, "refused"));
	/* Nothing learned, nothing written. */
	assert_null(result_fact(&r, "ssh.hostkey"));
	assert_int_equal(access(kh, F_OK), -1);
	probe_result_free(&r);
	free(kh);
}

/* Accepted by the kernel, never answered: no banner, so timeout at the deadline. */
static void
test_no_banner_timeout(void **state)
{
	struct probe_result r;
	char port[16], *kh = tmp_path("kh-timeout");
	long p;
	int fd = listen_loopback(&p);

	(void)state;
	snprintf(port, sizeof port, "%ld", p);
	run_ssh(&r, "host", "127.0.0.1", "port", port, "seconds", "1", "known_hosts", kh, NULL);
	assert_string_equal(r.outcome, "timeout");
	assert_true(lines_have(&r.evidence, "no SSH banner"));
	assert_non_null(strstr(r.summary, "banner"));
	print_message("# no banner: timeout after %ld ms with seconds=1\n", r.elapsed_ms);
	assert_true(r.elapsed_ms >= 900);
	assert_true(r.elapsed_ms < 10000); /* a hang guard, not a speed test */
	probe_result_free(&r);
	close(fd);
	free(kh);
}

static void
on_alarm(int sig)
{
	(void)sig;
	vt_cancelled = 1;
}

/* A cancel (vt_cancelled, as probe-async's SIGTERM handler sets it) ends the wait at once. */
static void
test_cancel(void **state)
{
	struct itimerval it = {{0, 0}, {0, 300000}}, off = {{0, 0}, {0, 0}};
	struct sigaction sa, old;
	struct probe_result r;
	char port[16], *kh = tmp_path("kh-cancel");
	long p;
	int fd = listen_loopback(&p);

	(void)state;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, &old);
	snprintf(port, sizeof port, "%ld", p);
	setitimer(ITIMER_REAL, &it, NULL);
	run_ssh(&r, "host", "127.0.0.1", "port", port, "seconds", "60", "known_hosts", kh, NULL);
	setitimer(ITIMER_REAL, &off, NULL);
	sigaction(SIGALRM, &old, NULL);
	vt_cancelled = 0;
	assert_string_equal(r.outcome, "error");
	assert_string_equal(r.summary, "cancelled");
	print_message("# cancel after 300 ms: probe ended after %ld ms\n", r.elapsed_ms);
	assert_true(r.elapsed_ms < 5000);
	probe_result_free(&r);
	close(fd);
	free(kh);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_host_check),
	    cmocka_unit_test(test_bad_host_is_error),
	    cmocka_unit_test(test_param_types),
	    cmocka_unit_test(test_param_defaults),
	    cmocka_unit_test(test_default_key_per_platform),
	    cmocka_unit_test(test_known_hosts_default),
	    cmocka_unit_test(test_no_home_is_error),
	    cmocka_unit_test(test_host_port),
	    cmocka_unit_test(test_known_scan),
	    cmocka_unit_test(test_refused),
	    cmocka_unit_test(test_no_banner_timeout),
	    cmocka_unit_test(test_cancel),
	};

	return cmocka_run_group_tests(tests, tmpdir_setup, tmpdir_teardown);
}
