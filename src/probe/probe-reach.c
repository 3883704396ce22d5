/*
 * probe-reach.c: the "reach" probe. Can this machine reach an address, as
 * `ping` or `nc -z` would tell? With port 0 it sends ICMP echo requests, one
 * a second, through an unprivileged ICMP socket (Linux allows one when
 * net.ipv4.ping_group_range holds the user's group; macOS always does) or a
 * raw socket (root); when neither may be opened it connects to TCP port 22
 * instead. With a port it connects to that TCP port.
 *
 * A TCP reset counts as reachable: the host (or a firewall speaking for it)
 * answered; the evidence says the port is closed. "unreachable" is an ICMP
 * unreachable, or the kernel's own EHOSTUNREACH / ENETUNREACH (no route,
 * or no ARP answer on the link); "timeout" is silence for the whole window.
 *
 * Sockets are opened here, not through the host layer (it has no door for
 * them yet); each socket operation is one small function.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/types.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <netdb.h>
#ifdef __linux__
#include <linux/errqueue.h>
#endif

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "host/host.h"
#include "probe/netparse.h"
#include "probe/probe-async.h"
#include "probe/probe.h"

#define FALLBACK_PORT 22
#define ECHO_INTERVAL_MS 1000
#define SLICE_MS 100
#define ECHO_PAYLOAD 24
#define MAX_ECHOES 64
#define PACKET_MAX 2048

static const struct param_def reach_params[] = {
    {.name = "host",
     .type = PARAM_STRING,
     .required = true,
     .help = N_("the address or name to reach")},
    {.name = "port",
     .type = PARAM_INT,
     .def = "0",
     .min = 0,
     .max = 65535,
     .help = N_("a TCP port to connect to; 0: ICMP echo (or TCP 22 where ICMP is not allowed)")},
    {.name = "seconds",
     .type = PARAM_SECONDS,
     .def = "3",
     .help = N_("how long to wait for an answer")},
    {.name = NULL},
};

static const struct outcome_def reach_outcomes[] = {
    {"reachable", N_("the host answered (an echo reply, a TCP connection or a TCP reset)")},
    {"unreachable",
     N_("the network said the host cannot be reached (no route, no ARP answer, ICMP unreachable)")},
    {"timeout", N_("no answer came in time")},
    {NULL, NULL},
};

static const char *const reach_facts[] = {"reach.method", "reach.rtt_ms", "reach.address", NULL};

/* What one attempt learnt. */
enum reach_verdict { R_NONE, R_REACHABLE, R_UNREACHABLE, R_TIMEOUT, R_CANCELLED, R_ERROR };

struct target {
	struct sockaddr_storage ss;
	socklen_t len;
	int family;
	char addr[INET6_ADDRSTRLEN];
};

static int64_t
mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void
fact_rtt(struct probe_result *r, int64_t us)
{
	probe_result_fact(r, "reach.rtt_ms", "%lld.%03lld", (long long)(us / 1000),
	                  (long long)(us % 1000));
}

/* host as an address: a literal, or the first address its name resolves to. */
static int
resolve_target(const char *host, struct target *t, struct probe_result *r)
{
	struct addrinfo hints, *res = NULL;
	struct net_addr a;
	int e;

	memset(t, 0, sizeof *t);
	if (net_addr_parse(host, &a)) {
		if (a.family == AF_INET) {
			struct sockaddr_in *sin = (struct sockaddr_in *)&t->ss;

			sin->sin_family = AF_INET;
			memcpy(&sin->sin_addr, a.bytes, 4);
			t->len = sizeof *sin;
		} else {
			struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&t->ss;

			sin6->sin6_family = AF_INET6;
			memcpy(&sin6->sin6_addr, a.bytes, 16);
			t->len = sizeof *sin6;
		}
		t->family = a.family;
		net_addr_str(&a, t->addr, sizeof t->addr);
		return 0;
	}
	if (!dns_name_valid(host)) {
		probe_result_summary(r, _("'%s' is neither an address nor a host name"), host);
		return -1;
	}
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_ADDRCONFIG;
	if ((e = getaddrinfo(host, NULL, &hints, &res)) != 0 || res == NULL) {
		probe_result_summary(r, _("%s does not resolve to an address: %s"), host,
		                     gai_strerror(e));
		probe_result_evidence(r, _("looking up %s: %s"), host, gai_strerror(e));
		if (res != NULL)
			freeaddrinfo(res);
		return -1;
	}
	memcpy(&t->ss, res->ai_addr, res->ai_addrlen);
	t->len = res->ai_addrlen;
	t->family = res->ai_family;
	freeaddrinfo(res);
	if (t->family == AF_INET)
		inet_ntop(AF_INET, &((struct sockaddr_in *)&t->ss)->sin_addr, t->addr,
		          sizeof t->addr);
	else
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&t->ss)->sin6_addr, t->addr,
		          sizeof t->addr);
	probe_result_evidence(r, _("%s is %s"), host, t->addr);
	return 0;
}

/* A socket with O_NONBLOCK and FD_CLOEXEC set, portably (macOS has no SOCK_NONBLOCK). */
static int
socket_nonblock(int family, int type, int proto)
{
	int fd = socket(family, type, proto), saved;

	if (fd == -1)
		return -1;
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == -1 ||
	    fcntl(fd, F_SETFD, FD_CLOEXEC) == -1) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

/* ---- ICMP echo ---------------------------------------------------------- */

struct pinger {
	int fd;
	/*
	 * Linux's datagram ICMP socket sets the echo id itself and passes on
	 * only the replies that carry it; macOS's keeps ours and passes on
	 * everything, as a raw socket does.
	 */
	bool kernel_matches;
	int family;
	uint16_t id;
	uint16_t seq;
	int64_t sent_us[MAX_ECHOES];
};

/*
 * An ICMP socket: unprivileged first, raw as root. -1 with errno when
 * neither may be opened (EACCES from ping_group_range, EPERM for raw).
 */
static int
icmp_open(int family, bool *raw)
{
	int proto = family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6;
	int fd, saved, on = 1;

	*raw = false;
	if ((fd = socket_nonblock(family, SOCK_DGRAM, proto)) == -1) {
		saved = errno;
		if ((fd = socket_nonblock(family, SOCK_RAW, proto)) == -1) {
			errno = saved;
			return -1;
		}
		*raw = true;
	}
#ifdef __linux__
	/* ICMP errors about our echoes, and local ones (no ARP answer), on the error queue. */
	if (family == AF_INET)
		setsockopt(fd, IPPROTO_IP, IP_RECVERR, &on, sizeof on);
	else
		setsockopt(fd, IPPROTO_IPV6, IPV6_RECVERR, &on, sizeof on);
#else
	(void)on;
#endif
	return fd;
}

/* Sends echo request number pg->seq. Returns 0 or an errno. */
static int
icmp_send(struct pinger *pg, const struct target *t)
{
	unsigned char pkt[8 + ECHO_PAYLOAD];
	uint16_t sum;

	memset(pkt, 0, sizeof pkt);
	pkt[0] = t->family == AF_INET ? 8 : 128; /* echo request */
	pkt[4] = (unsigned char)(pg->id >> 8);
	pkt[5] = (unsigned char)pg->id;
	pkt[6] = (unsigned char)(pg->seq >> 8);
	pkt[7] = (unsigned char)pg->seq;
	memcpy(pkt + 8, "vmtriage reach probe....", ECHO_PAYLOAD);
	/* The kernel fills the checksum of ICMPv6, and of Linux's datagram-socket ICMP. */
	if (t->family == AF_INET && !pg->kernel_matches) {
		sum = inet_checksum(pkt, sizeof pkt);
		pkt[2] = (unsigned char)(sum >> 8);
		pkt[3] = (unsigned char)sum;
	}
	pg->sent_us[pg->seq % MAX_ECHOES] = mono_us();
	if (sendto(pg->fd, pkt, sizeof pkt, 0, (const struct sockaddr *)&t->ss, t->len) == -1)
		return errno;
	return 0;
}

static bool
same_source(const struct target *t, const struct sockaddr_storage *from)
{
	if (from->ss_family != t->family)
		return false;
	if (t->family == AF_INET)
		return memcmp(&((const struct sockaddr_in *)from)->sin_addr,
		              &((const struct sockaddr_in *)&t->ss)->sin_addr, 4) == 0;
	return memcmp(&((const struct sockaddr_in6 *)from)->sin6_addr,
	              &((const struct sockaddr_in6 *)&t->ss)->sin6_addr, 16) == 0;
}

static void
sockaddr_text(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	const void *a = ss->ss_family == AF_INET
	                    ? (const void *)&((const struct sockaddr_in *)ss)->sin_addr
	                    : (const void *)&((const struct sockaddr_in6 *)ss)->sin6_addr;

	if (inet_ntop(ss->ss_family, a, buf, (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
}

/*
 * Reads what came back. Where the kernel does not match replies to the
 * socket (raw sockets, macOS), the id, and for replies the source, are
 * checked here.
 */
static enum reach_verdict
icmp_receive(struct pinger *pg, const struct target *t, struct probe_result *r)
{
	unsigned char pkt[PACKET_MAX];
	struct sockaddr_storage from;
	struct icmp_seen seen;
	char who[INET6_ADDRSTRLEN];
	bool with_ip;

	for (;;) {
		socklen_t fl = sizeof from;
		ssize_t n = recvfrom(pg->fd, pkt, sizeof pkt, 0, (struct sockaddr *)&from, &fl);

		if (n == -1 && (errno == EHOSTUNREACH || errno == ENETUNREACH)) {
			probe_result_evidence(r, _("%s: %s"), t->addr, strerror(errno));
			return R_UNREACHABLE;
		}
		if (n == -1)
			return R_NONE;
		/*
		 * Raw IPv4 sockets, and macOS's datagram ones, give the IP header
		 * too. An ICMP message never starts with 0x4_ (types 64-79 are
		 * unassigned), so the header tells itself apart.
		 */
		with_ip = t->family == AF_INET && n >= 20 && (pkt[0] >> 4) == 4;
		if (icmp_parse(t->family, with_ip, pkt, (size_t)n, &seen) != 0)
			continue;
		if (seen.kind == ICMP_SEEN_OTHER || (!pg->kernel_matches && seen.id != pg->id) ||
		    seen.seq > pg->seq || pg->seq - seen.seq >= MAX_ECHOES)
			continue;
		sockaddr_text(&from, who, sizeof who);
		if (seen.kind == ICMP_SEEN_REPLY) {
			int64_t rtt = mono_us() - pg->sent_us[seen.seq % MAX_ECHOES];

			if (!pg->kernel_matches && !same_source(t, &from))
				continue;
			probe_result_evidence(
			    r, _("echo reply from %s, sequence %u, %lld.%03lld ms"), who, seen.seq,
			    (long long)(rtt / 1000), (long long)(rtt % 1000));
			fact_rtt(r, rtt);
			return R_REACHABLE;
		}
		if (seen.kind == ICMP_SEEN_UNREACHABLE) {
			probe_result_evidence(r, _("%s says %s: %s"), who, t->addr,
			                      icmp_unreach_text(t->family, seen.code));
		} else {
			probe_result_evidence(
			    r, _("%s says time exceeded on the way to %s (a routing loop?)"), who,
			    t->addr);
		}
		return R_UNREACHABLE;
	}
}

#ifdef __linux__
/* An error the kernel queued for the socket: an ICMP error about our echo, or a local one. */
static enum reach_verdict
icmp_error_queue(struct pinger *pg, const struct target *t, struct probe_result *r)
{
	unsigned char data[PACKET_MAX], control[512];
	struct sockaddr_storage from;
	struct iovec iov = {data, sizeof data};
	struct msghdr mh;
	struct cmsghdr *cm;

	memset(&mh, 0, sizeof mh);
	mh.msg_name = &from;
	mh.msg_namelen = sizeof from;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = control;
	mh.msg_controllen = sizeof control;
	if (recvmsg(pg->fd, &mh, MSG_ERRQUEUE) == -1)
		return R_NONE;
	for (cm = CMSG_FIRSTHDR(&mh); cm != NULL; cm = CMSG_NXTHDR(&mh, cm)) {
		struct sock_extended_err ee;
		char who[INET6_ADDRSTRLEN] = "?";

		if (!((cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_RECVERR) ||
		      (cm->cmsg_level == IPPROTO_IPV6 && cm->cmsg_type == IPV6_RECVERR)))
			continue;
		memcpy(&ee, CMSG_DATA(cm), sizeof ee);
		if (ee.ee_origin == SO_EE_ORIGIN_ICMP || ee.ee_origin == SO_EE_ORIGIN_ICMP6) {
			struct sockaddr_storage off;

			memset(&off, 0, sizeof off);
			memcpy(&off, SO_EE_OFFENDER((struct sock_extended_err *)CMSG_DATA(cm)),
			       t->family == AF_INET ? sizeof(struct sockaddr_in)
			                            : sizeof(struct sockaddr_in6));
			if (off.ss_family == t->family)
				sockaddr_text(&off, who, sizeof who);
			probe_result_evidence(r, _("%s says %s: %s"), who, t->addr,
			                      icmp_unreach_text(t->family, ee.ee_code));
		} else {
			probe_result_evidence(r, _("%s: %s"), t->addr, strerror((int)ee.ee_errno));
		}
		if (ee.ee_errno == EHOSTUNREACH || ee.ee_errno == ENETUNREACH ||
		    ee.ee_errno == EACCES || ee.ee_errno == EPERM ||
		    ee.ee_origin == SO_EE_ORIGIN_ICMP || ee.ee_origin == SO_EE_ORIGIN_ICMP6)
			return R_UNREACHABLE;
	}
	return R_NONE;
}
#endif

static enum reach_verdict
ping(const struct target *t, int fd, bool raw, const struct probe_ctx *ctx, int64_t deadline,
     struct probe_result *r)
{
	struct pinger pg;
	enum reach_verdict v = R_NONE;
	int64_t next_send = 0;

	memset(&pg, 0, sizeof pg);
	pg.fd = fd;
#ifdef __linux__
	pg.kernel_matches = !raw;
#endif
	pg.family = t->family;
	/* Ours on a raw socket; the kernel sets its own on a datagram one. */
	pg.id = (uint16_t)(getpid() ^ (mono_us() >> 4));
	probe_result_evidence(r,
	                      raw ? _("ICMP echo to %s through a raw socket")
	                          : _("ICMP echo to %s through an unprivileged ICMP socket"),
	                      t->addr);
	while (v == R_NONE) {
		int64_t now = mono_us();
		struct pollfd pfd = {fd, POLLIN, 0};
		int wait_ms, err;

		if (vt_cancelled)
			return R_CANCELLED;
		if (now >= deadline)
			break;
		if (now >= next_send) {
			pg.seq++;
			if ((err = icmp_send(&pg, t)) != 0) {
				probe_result_evidence(r, _("sending to %s: %s"), t->addr,
				                      strerror(err));
				if (err == EHOSTUNREACH || err == ENETUNREACH || err == EACCES ||
				    err == EPERM)
					return R_UNREACHABLE;
			}
			probe_progress(ctx, _("%u echo request(s) sent to %s"), (unsigned)pg.seq,
			               t->addr);
			next_send = now + ECHO_INTERVAL_MS * 1000;
		}
		wait_ms = (int)((next_send < deadline ? next_send : deadline) - now + 999) / 1000;
		if (wait_ms > SLICE_MS)
			wait_ms = SLICE_MS;
		if (poll(&pfd, 1, wait_ms) <= 0)
			continue;
#ifdef __linux__
		if (pfd.revents & POLLERR)
			v = icmp_error_queue(&pg, t, r);
#endif
		if (v == R_NONE && (pfd.revents & POLLIN))
			v = icmp_receive(&pg, t, r);
	}
	if (v == R_NONE) {
		probe_result_evidence(r, _("no reply to %u echo request(s)"), (unsigned)pg.seq);
		return R_TIMEOUT;
	}
	if (v == R_REACHABLE)
		probe_result_fact(r, "reach.method", "icmp");
	return v;
}

/* ---- TCP connect -------------------------------------------------------- */

static enum reach_verdict
tcp_verdict(int err, const struct target *t, unsigned port, int64_t rtt, struct probe_result *r)
{
	switch (err) {
	case 0:
		probe_result_evidence(r, _("TCP port %u on %s accepted a connection"), port,
		                      t->addr);
		break;
	case ECONNREFUSED:
		probe_result_evidence(r,
		                      _("TCP port %u on %s is closed: the host answered with a "
		                        "reset, so it is reachable"),
		                      port, t->addr);
		break;
	case EHOSTUNREACH:
	case ENETUNREACH:
	case EACCES:
	case EPERM:
		probe_result_evidence(r, _("connecting to %s port %u: %s"), t->addr, port,
		                      strerror(err));
		return R_UNREACHABLE;
	case ETIMEDOUT:
		probe_result_evidence(r, _("connecting to %s port %u: %s"), t->addr, port,
		                      strerror(err));
		return R_TIMEOUT;
	default:
		probe_result_evidence(r, _("connecting to %s port %u: %s"), t->addr, port,
		                      strerror(err));
		return R_ERROR;
	}
	probe_result_fact(r, "reach.method", "tcp");
	fact_rtt(r, rtt);
	return R_REACHABLE;
}

static enum reach_verdict
tcp_connect(const struct target *t, unsigned port, const struct probe_ctx *ctx, int64_t deadline,
            struct probe_result *r)
{
	struct sockaddr_storage ss = t->ss;
	int64_t start = mono_us();
	enum reach_verdict v = R_NONE;
	int fd = -1, err = 0;

	if (t->family == AF_INET)
		((struct sockaddr_in *)&ss)->sin_port = htons((uint16_t)port);
	else
		((struct sockaddr_in6 *)&ss)->sin6_port = htons((uint16_t)port);
	probe_progress(ctx, _("connecting to %s port %u"), t->addr, port);
	if ((fd = socket_nonblock(t->family, SOCK_STREAM, 0)) == -1) {
		probe_result_evidence(r, _("cannot open a TCP socket: %s"), strerror(errno));
		return R_ERROR;
	}
	if (connect(fd, (struct sockaddr *)&ss, t->len) == 0)
		v = tcp_verdict(0, t, port, mono_us() - start, r);
	else if (errno != EINPROGRESS)
		v = tcp_verdict(errno, t, port, mono_us() - start, r);
	while (v == R_NONE) {
		struct pollfd pfd = {fd, POLLOUT, 0};
		int64_t left = deadline - mono_us();
		socklen_t el = sizeof err;

		if (vt_cancelled) {
			v = R_CANCELLED;
			break;
		}
		if (left <= 0) {
			probe_result_evidence(r, _("no answer from %s port %u"), t->addr, port);
			v = R_TIMEOUT;
			break;
		}
		if (poll(&pfd, 1, left / 1000 < SLICE_MS ? (int)(left / 1000) + 1 : SLICE_MS) <= 0)
			continue;
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) == -1)
			err = errno;
		v = tcp_verdict(err, t, port, mono_us() - start, r);
	}
	close(fd);
	return v;
}

/* ---- the probe ---------------------------------------------------------- */

static int
probe_reach_run(const struct params *p, const struct probe_ctx *ctx, struct probe_result *r)
{
	const char *host = params_get(p, "host");
	unsigned port = (unsigned)params_get_long(p, "port", 0);
	int64_t deadline = mono_us() + (int64_t)ctx->timeout_ms * 1000;
	enum reach_verdict v = R_ERROR;
	struct target t;
	const char *method = "tcp";
	int fd = -1;
	bool raw = false;

	if (resolve_target(host, &t, r) != 0) {
		probe_result_set_outcome(r, OUTCOME_ERROR);
		return 0;
	}
	probe_result_fact(r, "reach.address", "%s", t.addr);
	if (port == 0) {
		if ((fd = icmp_open(t.family, &raw)) != -1) {
			method = "icmp";
			v = ping(&t, fd, raw, ctx, deadline, r);
			close(fd);
		} else {
			probe_result_evidence(
			    r,
			    _("this user may not send ICMP echo (%s; see "
			      "net.ipv4.ping_group_range): trying TCP port %d instead"),
			    strerror(errno), FALLBACK_PORT);
			port = FALLBACK_PORT;
		}
	}
	if (port != 0)
		v = tcp_connect(&t, port, ctx, deadline, r);

	switch (v) {
	case R_REACHABLE:
		probe_result_set_outcome(r, "reachable");
		if (strcmp(method, "icmp") == 0)
			probe_result_summary(r, _("%s answers ping"), host);
		else
			probe_result_summary(r, _("%s answers on TCP port %u"), host, port);
		break;
	case R_UNREACHABLE:
		probe_result_set_outcome(r, "unreachable");
		probe_result_summary(r, _("%s cannot be reached from this machine"), host);
		break;
	case R_TIMEOUT:
		probe_result_set_outcome(r, "timeout");
		if (strcmp(method, "icmp") == 0)
			probe_result_summary(r, _("%s did not answer ping within %d s"), host,
			                     ctx->timeout_ms / 1000);
		else
			probe_result_summary(r, _("%s did not answer on TCP port %u within %d s"),
			                     host, port, ctx->timeout_ms / 1000);
		break;
	case R_CANCELLED:
		probe_result_set_outcome(r, OUTCOME_ERROR);
		probe_result_summary(r, "%s", _("cancelled"));
		break;
	default:
		probe_result_set_outcome(r, OUTCOME_ERROR);
		probe_result_summary(r, _("could not test whether %s is reachable"), host);
		break;
	}
	return 0;
}

const struct probe_entry probe_reach_entry = {
    .name = "reach",
    .summary = N_("Whether an address answers: ICMP echo where allowed, else a TCP connect"),
    .params = reach_params,
    .outcomes = reach_outcomes,
    .facts = reach_facts,
    .default_timeout_ms = 3000,
    .live_only = true,
    .run = probe_reach_run,
};
