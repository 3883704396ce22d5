/*
 * test-netprobes.c: the dns, reach, route and port_owner probes run for
 * real, on loopback only, without privilege: against dnsmasq servers the
 * group fixture starts on 127.0.0.1 at free high ports (their cases are
 * skipped when dnsmasq is not installed), against sockets the tests bind
 * themselves, and against this machine's own routes. What needs root and
 * network namespaces is in tests/lab/netprobes.sh.
 */
#include "config.h"

#include <netdb.h>

#include "cmocka-prelude.h"

#include <sys/socket.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "host/host.h"
#include "probe/probe.h"
#include "testutil.h"

/* A root trust anchor, so that a dnsmasq with --dnssec must validate: whatever its upstream says
 * fails. */
#define ROOT_ANCHOR ".,20326,8,2,E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D"

static const char *dnsmasq;   /* its path; NULL: not installed */
static bool dnssec;           /* it was built with DNSSEC */
static bool have_ipv6;        /* ::1 can be bound */
static pid_t lab_pid = -1;    /* serves lab.test, refuses the rest */
static pid_t dnssec_pid = -1; /* forwards to lab_pid and fails to validate: SERVFAIL */
static char lab_port[8], dnssec_port[8];

/* ---- fixtures ----------------------------------------------------------- */

static const char *
find_dnsmasq(void)
{
	static const char *const dirs[] = {"/usr/sbin", "/usr/local/sbin", "/sbin",
	                                   "/usr/bin",  "/usr/local/bin",  "/opt/homebrew/sbin"};
	static char path[64];

	for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
		snprintf(path, sizeof path, "%s/dnsmasq", dirs[i]);
		if (access(path, X_OK) == 0)
			return path;
	}
	return NULL;
}

/* Binds a socket of type to family's loopback at port (0: any); returns the fd, -1 on failure. */
static int
bind_loopback(int family, int type, unsigned port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, on = 1;

	memset(&ss, 0, sizeof ss);
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		len = sizeof *sin;
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		sin6->sin6_addr = in6addr_loopback;
		len = sizeof *sin6;
	}
	if ((fd = socket(family, type | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if (type == SOCK_STREAM)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
	if (bind(fd, (struct sockaddr *)&ss, len) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

static unsigned
local_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;

	if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1)
		return 0;
	return ss.ss_family == AF_INET ? ntohs(((struct sockaddr_in *)&ss)->sin_port)
	                               : ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
}

/* A port free for UDP and TCP on 127.0.0.1 just now (another process could take it later). */
static unsigned
free_port(void)
{
	for (int tries = 0; tries < 50; tries++) {
		int u = bind_loopback(AF_INET, SOCK_DGRAM, 0), t;
		unsigned port = u != -1 ? local_port(u) : 0;

		if (port == 0) {
			if (u != -1)
				close(u);
			continue;
		}
		t = bind_loopback(AF_INET, SOCK_STREAM, port);
		close(u);
		if (t != -1) {
			close(t);
			return port;
		}
	}
	fail_msg("no free port on 127.0.0.1");
	return 0;
}

static pid_t
start_dnsmasq(const char *port, const char *const *extra)
{
	const char *argv[32];
	char *portarg = xasprintf("--port=%s", port);
	char *logarg = xasprintf("--log-facility=%s/dnsmasq-%s.log", tmpdir, port);
	size_t n = 0;
	pid_t pid;

	argv[n++] = dnsmasq;
	argv[n++] = "--keep-in-foreground";
	argv[n++] = "--conf-file=/dev/null";
	argv[n++] = "--no-resolv";
	argv[n++] = "--no-hosts";
	argv[n++] = "--bind-interfaces";
	argv[n++] = have_ipv6 ? "--listen-address=127.0.0.1,::1" : "--listen-address=127.0.0.1";
	argv[n++] = "--pid-file=";
	argv[n++] = "--log-queries";
	argv[n++] = portarg;
	argv[n++] = logarg;
	for (size_t i = 0; extra[i] != NULL && n < 31; i++)
		argv[n++] = extra[i];
	argv[n] = NULL;
	if ((pid = fork()) == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	free(portarg);
	free(logarg);
	return pid;
}

/* Waits until the server answers at all (any outcome but timeout and refused-by-ICMP). */
static bool
dnsmasq_ready(const char *port)
{
	for (int i = 0; i < 50; i++) {
		struct probe_result r;
		bool up;

		run_probe(&r, "dns", "server", "127.0.0.1", "port", port, "name", "a.lab.test",
		          "seconds", "1", NULL);
		up = result_fact(&r, "dns.rcode") != NULL;
		probe_result_free(&r);
		if (up)
			return true;
		usleep(100 * 1000);
	}
	return false;
}

static void
stop(pid_t *pid)
{
	if (*pid > 0) {
		kill(*pid, SIGTERM);
		waitpid(*pid, NULL, 0);
	}
	*pid = -1;
}

static int
group_setup(void **state)
{
	static const char *const lab[] = {"--address=/a.lab.test/10.1.2.3",
	                                  "--host-record=b.lab.test,10.1.2.4",
	                                  "--mx-host=lab.test,mail.lab.test,10",
	                                  "--txt-record=t.lab.test,hello",
	                                  "--local=/lab.test/",
	                                  NULL};
	int fd;

	if (tmpdir_setup(state) != 0)
		return -1;
	if ((fd = bind_loopback(AF_INET6, SOCK_DGRAM, 0)) != -1) {
		have_ipv6 = true;
		close(fd);
	}
	if ((dnsmasq = find_dnsmasq()) == NULL)
		return 0;
	snprintf(lab_port, sizeof lab_port, "%u", free_port());
	lab_pid = start_dnsmasq(lab_port, lab);
	if (!dnsmasq_ready(lab_port)) {
		print_message("# dnsmasq did not start on port %s; its cases are skipped\n",
		              lab_port);
		stop(&lab_pid);
		dnsmasq = NULL;
		return 0;
	}
	/* DNSSEC is a build option of dnsmasq; "no-DNSSEC" when left out. */
	{
		struct probe_result r;
		char *argv = xasprintf("%s --version", dnsmasq);

		run_probe(&r, "command", "argv", argv, "pattern", "[^-]DNSSEC", NULL);
		dnssec = r.outcome != NULL && strcmp(r.outcome, "ok") == 0;
		probe_result_free(&r);
		free(argv);
	}
	if (dnssec) {
		char *server = xasprintf("--server=127.0.0.1#%s", lab_port);
		const char *const extra[] = {"--dnssec", "--trust-anchor=" ROOT_ANCHOR, server,
		                             NULL};

		snprintf(dnssec_port, sizeof dnssec_port, "%u", free_port());
		dnssec_pid = start_dnsmasq(dnssec_port, extra);
		free(server);
		if (!dnsmasq_ready(dnssec_port)) {
			stop(&dnssec_pid);
			dnssec = false;
		}
	}
	return 0;
}

static int
group_teardown(void **state)
{
	stop(&dnssec_pid);
	stop(&lab_pid);
	return tmpdir_teardown(state);
}

#define NEED_DNSMASQ()                                                                             \
	do {                                                                                       \
		if (dnsmasq == NULL) {                                                             \
			print_message("# dnsmasq is not installed\n");                             \
			skip();                                                                    \
		}                                                                                  \
	} while (0)

/* ---- dns ---------------------------------------------------------------- */

static void
dns(struct probe_result *r, const char *port, const char *name, const char *type)
{
	run_probe(r, "dns", "server", "127.0.0.1", "port", port, "name", name, "type", type,
	          "seconds", "2", NULL);
}

static void
test_dns_answers(void **state)
{
	struct probe_result r;

	(void)state;
	NEED_DNSMASQ();
	dns(&r, lab_port, "a.lab.test", NULL);
	assert_string_equal(r.outcome, "ok");
	assert_string_equal(result_fact(&r, "dns.answer"), "10.1.2.3");
	assert_string_equal(result_fact(&r, "dns.answers"), "1");
	assert_string_equal(result_fact(&r, "dns.rcode"), "NOERROR");
	assert_true(lines_have(&r.evidence, "a.lab.test 0 IN A 10.1.2.3"));
	probe_result_free(&r);

	dns(&r, lab_port, "lab.test.", "MX");
	assert_string_equal(r.outcome, "ok");
	assert_string_equal(result_fact(&r, "dns.answer"), "10 mail.lab.test");
	probe_result_free(&r);

	dns(&r, lab_port, "t.lab.test", "TXT");
	assert_string_equal(result_fact(&r, "dns.answer"), "\"hello\"");
	probe_result_free(&r);

	/* The name exists, the type does not. */
	dns(&r, lab_port, "b.lab.test", "AAAA");
	assert_string_equal(r.outcome, "nodata");
	assert_string_equal(result_fact(&r, "dns.answers"), "0");
	assert_null(result_fact(&r, "dns.answer"));
	probe_result_free(&r);

	if (have_ipv6) {
		run_probe(&r, "dns", "server", "::1", "port", lab_port, "name", "b.lab.test",
		          "seconds", "2", NULL);
		assert_string_equal(r.outcome, "ok");
		assert_string_equal(result_fact(&r, "dns.answer"), "10.1.2.4");
		assert_non_null(strstr(r.summary, "[::1]:"));
		probe_result_free(&r);
	}
}

static void
test_dns_failures(void **state)
{
	struct probe_result r;

	(void)state;
	NEED_DNSMASQ();
	dns(&r, lab_port, "nope.lab.test", NULL);
	assert_string_equal(r.outcome, "nxdomain");
	assert_string_equal(result_fact(&r, "dns.rcode"), "NXDOMAIN");
	probe_result_free(&r);

	/* Not a local name, and no upstream: dnsmasq answers REFUSED. */
	dns(&r, lab_port, "example.com", NULL);
	assert_string_equal(r.outcome, "refused");
	assert_string_equal(result_fact(&r, "dns.rcode"), "REFUSED");
	probe_result_free(&r);

	if (!dnssec) {
		print_message("# dnsmasq has no DNSSEC: no SERVFAIL case\n");
		return;
	}
	dns(&r, dnssec_port, "a.lab.test", NULL);
	assert_string_equal(r.outcome, "servfail");
	assert_string_equal(result_fact(&r, "dns.rcode"), "SERVFAIL");
	probe_result_free(&r);
}

static void
test_dns_no_server(void **state)
{
	struct probe_result r;
	char port[8];
	int fd = bind_loopback(AF_INET, SOCK_DGRAM, 0);

	(void)state;
	/* Bound, never read: queries pile up unanswered. */
	assert_int_not_equal(fd, -1);
	snprintf(port, sizeof port, "%u", local_port(fd));
	run_probe(&r, "dns", "server", "127.0.0.1", "port", port, "name", "a.lab.test", "seconds",
	          "2", NULL);
	assert_string_equal(r.outcome, "timeout");
	assert_null(result_fact(&r, "dns.rcode"));
	assert_true(lines_have(&r.evidence, "queries sent: 2"));
	probe_result_free(&r);
	close(fd);

	/* Nothing bound now: the kernel answers with ICMP port unreachable. */
	run_probe(&r, "dns", "server", "127.0.0.1", "port", port, "name", "a.lab.test", "seconds",
	          "2", NULL);
	assert_string_equal(r.outcome, "refused");
	assert_true(lines_have(&r.evidence, "port unreachable"));
	probe_result_free(&r);
}

static void
test_dns_params(void **state)
{
	struct probe_result r;

	(void)state;
	run_probe(&r, "dns", "server", "dns.example", "name", "a.lab.test", NULL);
	assert_string_equal(r.outcome, "error");
	assert_non_null(strstr(r.summary, "not an IPv4 or IPv6 address"));
	probe_result_free(&r);

	run_probe(&r, "dns", "server", "127.0.0.1", "name", "a b;c", NULL);
	assert_string_equal(r.outcome, "error");
	assert_non_null(strstr(r.summary, "not a valid DNS name"));
	probe_result_free(&r);

	run_probe(&r, "dns", "server", "127.0.0.1", "name", "a.test", "type", "SOA", NULL);
	assert_string_equal(r.outcome, "error");
	probe_result_free(&r);

	run_probe(&r, "dns", "server", "127.0.0.1", "name", "a.test", "port", "0", NULL);
	assert_string_equal(r.outcome, "error");
	probe_result_free(&r);

	/* No server, no default pointing at a public one. */
	run_probe(&r, "dns", "name", "a.test", NULL);
	assert_string_equal(r.outcome, "error");
	probe_result_free(&r);
}

static void
on_alarm(int sig)
{
	(void)sig;
	vt_cancelled = 1;
}

/* A cancel is seen between tries, long before the 20 s budget ends. */
static void
test_dns_cancel(void **state)
{
	struct sigaction sa;
	struct itimerval it = {{0, 0}, {0, 300 * 1000}};
	struct probe_result r;
	char port[8];
	int fd = bind_loopback(AF_INET, SOCK_DGRAM, 0);

	(void)state;
	snprintf(port, sizeof port, "%u", local_port(fd));
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
	run_probe(&r, "dns", "server", "127.0.0.1", "port", port, "name", "a.lab.test", "seconds",
	          "20", NULL);
	vt_cancelled = 0;
	assert_string_equal(r.outcome, "error");
	assert_string_equal(r.summary, "cancelled");
	assert_true(r.elapsed_ms < 15000); /* a hang guard, not a speed test */
	probe_result_free(&r);
	close(fd);
}

/* ---- reach -------------------------------------------------------------- */

/* True when the system resolver knows name. */
static bool
resolves(const char *name)
{
	struct addrinfo hints, *res = NULL;
	bool found;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_INET;
	found = getaddrinfo(name, NULL, &hints, &res) == 0;
	if (res != NULL)
		freeaddrinfo(res);
	return found;
}

static void
test_reach_icmp_or_fallback(void **state)
{
	struct probe_result r;

	(void)state;
	run_probe(&r, "reach", "host", "127.0.0.1", "seconds", "3", NULL);
	assert_string_equal(r.outcome, "reachable");
	assert_string_equal(result_fact(&r, "reach.address"), "127.0.0.1");
	assert_non_null(result_fact(&r, "reach.rtt_ms"));
	/* ICMP where this user may (root, or ping_group_range), else TCP 22, which answers a reset
	 * here or a connection. */
	if (strcmp(result_fact(&r, "reach.method"), "tcp") == 0)
		assert_true(lines_have(&r.evidence, "trying TCP port 22 instead"));
	else
		assert_true(lines_have(&r.evidence, "echo reply from 127.0.0.1"));
	probe_result_free(&r);

	/* A name, where this machine can resolve it (a bare chroot may have no /etc/hosts). */
	if (resolves("localhost")) {
		run_probe(&r, "reach", "host", "localhost", "seconds", "3", NULL);
		assert_string_equal(r.outcome, "reachable");
		probe_result_free(&r);
	}

	if (have_ipv6) {
		run_probe(&r, "reach", "host", "::1", "seconds", "3", NULL);
		assert_string_equal(r.outcome, "reachable");
		assert_string_equal(result_fact(&r, "reach.address"), "::1");
		probe_result_free(&r);
	}
}

static void
test_reach_tcp(void **state)
{
	struct probe_result r;
	int fd = bind_loopback(AF_INET, SOCK_STREAM, 0);
	char port[8];

	(void)state;
	assert_int_not_equal(fd, -1);
	assert_int_equal(listen(fd, 4), 0);
	snprintf(port, sizeof port, "%u", local_port(fd));
	run_probe(&r, "reach", "host", "127.0.0.1", "port", port, NULL);
	assert_string_equal(r.outcome, "reachable");
	assert_string_equal(result_fact(&r, "reach.method"), "tcp");
	assert_true(lines_have(&r.evidence, "accepted a connection"));
	probe_result_free(&r);
	close(fd);

	/* Closed now: a reset still proves the host is there. */
	run_probe(&r, "reach", "host", "127.0.0.1", "port", port, NULL);
	assert_string_equal(r.outcome, "reachable");
	assert_string_equal(result_fact(&r, "reach.method"), "tcp");
	assert_true(lines_have(&r.evidence, "is closed"));
	probe_result_free(&r);
}

static void
test_reach_params(void **state)
{
	struct probe_result r;

	(void)state;
	run_probe(&r, "reach", "host", "no such host!", NULL);
	assert_string_equal(r.outcome, "error");
	probe_result_free(&r);
	run_probe(&r, "reach", "host", "127.0.0.1", "port", "65536", NULL);
	assert_string_equal(r.outcome, "error");
	probe_result_free(&r);
	run_probe(&r, "reach", NULL);
	assert_string_equal(r.outcome, "error");
	probe_result_free(&r);
}

/* ---- route -------------------------------------------------------------- */

static void
test_route_loopback(void **state)
{
	struct probe_result r;

	(void)state;
	run_probe(&r, "route", "destination", "127.0.0.1", "expect", "lo", NULL);
	assert_string_equal(r.outcome, "via_expected");
	assert_string_equal(result_fact(&r, "route.interface"), "lo");
	assert_string_equal(result_fact(&r, "route.source"), "127.0.0.1");
	assert_null(result_fact(&r, "route.gateway"));
	assert_true(lines_have(&r.evidence, "route type: local"));
	probe_result_free(&r);

	run_probe(&r, "route", "destination", "127.0.0.1", "expect", "eth-nope", NULL);
	assert_string_equal(r.outcome, "via_other");
	assert_non_null(strstr(r.summary, "through lo"));
	assert_non_null(strstr(r.summary, "not eth-nope"));
	probe_result_free(&r);

	/* All of 127/8 is this machine's: a few addresses are passed over, then lo is the answer.
	 */
	run_probe(&r, "route", "destination", "127.0.0.0/8", NULL);
	assert_string_equal(r.outcome, "found");
	assert_string_equal(result_fact(&r, "route.address"), "127.0.0.5");
	assert_string_equal(result_fact(&r, "route.interface"), "lo");
	assert_true(lines_have_exact(&r.evidence, "127.0.0.1 is an address of this machine"));
	assert_true(lines_have_exact(&r.evidence,
	                             "subnet 127.0.0.0/8: the route of its address 127.0.0.5"));
	probe_result_free(&r);

	if (have_ipv6) {
		run_probe(&r, "route", "destination", "::1", "expect", "lo", NULL);
		assert_string_equal(r.outcome, "via_expected");
		probe_result_free(&r);
	}
}

static void
test_route_params(void **state)
{
	struct probe_result r;

	(void)state;
	run_probe(&r, "route", "destination", "10.97.0.0/33", NULL);
	assert_string_equal(r.outcome, "error");
	assert_non_null(strstr(r.summary, "not an address"));
	probe_result_free(&r);
	run_probe(&r, "route", "destination", "10.97.0.1", "expect", "bad name!", NULL);
	assert_string_equal(r.outcome, "error");
	probe_result_free(&r);
}

/* ---- port_owner --------------------------------------------------------- */

static char *
self_comm(void)
{
	struct probe_result r;
	char *comm = NULL;

	run_probe(&r, "file", "path", "/proc/self/comm", "pattern", ".", NULL);
	comm = xstrdup(result_fact(&r, "file.match"));
	probe_result_free(&r);
	return comm;
}

static void
test_port_owner_self(void **state)
{
	struct probe_result r;
	int fd = bind_loopback(AF_INET, SOCK_DGRAM, 0);
	char port[8], pid[16], *comm = self_comm(), *allow = NULL;

	(void)state;
	snprintf(port, sizeof port, "%u", local_port(fd));
	snprintf(pid, sizeof pid, "%ld", (long)getpid());
	run_probe(&r, "port_owner", "port", port, NULL);
	assert_string_equal(r.outcome, "conflict");
	assert_string_equal(result_fact(&r, "port_owner.process"), comm);
	assert_string_equal(result_fact(&r, "port_owner.pid"), pid);
	assert_non_null(strstr(r.summary, comm));
	assert_non_null(strstr(r.summary, "holds udp/"));
	assert_true(lines_have(&r.evidence, "udp 127.0.0.1:"));
	probe_result_free(&r);

	allow = xasprintf("bootpd, %s", comm);
	run_probe(&r, "port_owner", "port", port, "allow", allow, NULL);
	assert_string_equal(r.outcome, "expected");
	assert_string_equal(result_fact(&r, "port_owner.pid"), pid);
	probe_result_free(&r);

	/*
	 * The same port over TCP is free; then a listening socket holds it.
	 * Tests run side by side may take a port the moment it is let go, so
	 * "free" means: no longer held by this process.
	 */
	run_probe(&r, "port_owner", "port", port, "proto", "tcp", NULL);
	if (strcmp(r.outcome, "free") != 0)
		assert_string_not_equal(result_fact(&r, "port_owner.pid"), pid);
	probe_result_free(&r);
	close(fd);

	run_probe(&r, "port_owner", "port", port, NULL);
	if (strcmp(r.outcome, "free") != 0)
		assert_string_not_equal(result_fact(&r, "port_owner.pid"), pid);
	else
		assert_null(result_fact(&r, "port_owner.process"));
	probe_result_free(&r);

	fd = bind_loopback(AF_INET, SOCK_STREAM, 0);
	snprintf(port, sizeof port, "%u", local_port(fd));
	run_probe(&r, "port_owner", "port", port, "proto", "tcp", NULL);
	assert_string_equal(r.outcome, "free"); /* bound, not listening */
	probe_result_free(&r);
	assert_int_equal(listen(fd, 1), 0);
	run_probe(&r, "port_owner", "port", port, "proto", "tcp", "allow", "sshd", NULL);
	assert_string_equal(r.outcome, "conflict");
	assert_string_equal(result_fact(&r, "port_owner.process"), comm);
	probe_result_free(&r);
	close(fd);
	free(allow);
	free(comm);
}

static void
test_port_owner_dnsmasq(void **state)
{
	struct probe_result r;
	char pid[16];

	(void)state;
	NEED_DNSMASQ();
	snprintf(pid, sizeof pid, "%ld", (long)lab_pid);
	run_probe(&r, "port_owner", "port", lab_port, "allow", "bootpd,launchd", NULL);
	/* Root sees every process; others may not see a dnsmasq that changed its user. */
	if (strcmp(r.outcome, "hidden") != 0) {
		assert_string_equal(r.outcome, "conflict");
		assert_string_equal(result_fact(&r, "port_owner.process"), "dnsmasq");
		assert_string_equal(result_fact(&r, "port_owner.pid"), pid);
		assert_non_null(strstr(r.summary, "dnsmasq (pid "));
	}
	probe_result_free(&r);

	run_probe(&r, "port_owner", "port", lab_port, "proto", "tcp", "allow", "dnsmasq", NULL);
	assert_true(strcmp(r.outcome, "expected") == 0 || strcmp(r.outcome, "hidden") == 0);
	probe_result_free(&r);
}

static void
test_port_owner_params(void **state)
{
	struct probe_result r;

	(void)state;
	run_probe(&r, "port_owner", "port", "0", NULL);
	assert_string_equal(r.outcome, "error");
	probe_result_free(&r);
	run_probe(&r, "port_owner", "port", "53", "proto", "sctp", NULL);
	assert_string_equal(r.outcome, "error");
	probe_result_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dns_answers),       cmocka_unit_test(test_dns_failures),
	    cmocka_unit_test(test_dns_no_server),     cmocka_unit_test(test_dns_params),
	    cmocka_unit_test(test_dns_cancel),        cmocka_unit_test(test_reach_icmp_or_fallback),
	    cmocka_unit_test(test_reach_tcp),         cmocka_unit_test(test_reach_params),
	    cmocka_unit_test(test_route_loopback),    cmocka_unit_test(test_route_params),
	    cmocka_unit_test(test_port_owner_self),   cmocka_unit_test(test_port_owner_dnsmasq),
	    cmocka_unit_test(test_port_owner_params),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
