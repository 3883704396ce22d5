/*
 * probe-route.c: the "route" probe. Which interface and gateway carry
 * traffic to an address or a subnet, as `ip route get` or macOS's `route -n
 * get` tell, and is it the interface expected (the instance bridge)? A VPN
 * that claims the instances' subnet shows up here as another interface,
 * such as utun3.
 *
 * Linux asks the kernel over rtnetlink (RTM_GETROUTE: the route a packet
 * would really take, policy rules included); macOS runs `route -n get`
 * through the host. For a subnet the probe asks about its first host
 * address, which is routed as the subnet is.
 *
 * Without "expect" there is nothing to compare with: the outcome is then
 * "found" (or "none"), never via_expected or via_other.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/types.h>
#include <net/if.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#ifdef __linux__
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#endif

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/host.h"
#include "probe/netparse.h"
#include "probe/probe.h"

#define NETLINK_REPLY_MAX 8192
#define NETLINK_WAIT_MS 2000
/* RTN_LOCAL, spelled out so macOS builds, which have no rtnetlink.h, read the same value. */
#define RTN_LOCAL_TYPE 2
#define RTN_UNICAST_TYPE 1
/* Addresses of this machine passed over in a subnet before its route is taken as it is. */
#define MAX_OWN_SKIPS 4

static const struct param_def route_params[] = {
    {.name = "destination",
     .type = PARAM_STRING,
     .required = true,
     .help = N_("an address, or a subnet as ADDRESS/PREFIX (10.97.0.0/16)")},
    {.name = "expect",
     .type = PARAM_NAME,
     .help = N_("the interface that should carry it (mpqemubr0, bridge100)")},
    {.name = NULL},
};

static const struct outcome_def route_outcomes[] = {
    {"via_expected", N_("the route goes through the expected interface")},
    {"via_other", N_("the route goes through another interface (a VPN's utun, for one)")},
    {"none",
     N_("there is no usable route (none at all, or an unreachable, prohibit or blackhole route)")},
    {"found", N_("a route exists (no interface was expected, so nothing is compared)")},
    {NULL, NULL},
};

static const char *const route_facts[] = {"route.interface", "route.gateway", "route.source",
                                          "route.address", NULL};

/* Interfaces that VPN clients make: their name says what probably took the route. */
static bool
looks_like_vpn(const char *ifname)
{
	static const char *const prefixes[] = {"utun",     "tun",   "tap",       "wg",
	                                       "ppp",      "ipsec", "tailscale", "zt",
	                                       "nordlynx", "gpd",   "cscotun",   "vpn"};

	for (size_t i = 0; i < nitems(prefixes); i++) {
		if (str_has_prefix(ifname, prefixes[i]))
			return true;
	}
	return false;
}

#ifdef __linux__
/*
 * Asks the kernel which route a packet to dst would take. Fills buf with
 * its reply and returns the length, or -1 with errno.
 */
static ssize_t
netlink_get_route(const struct net_addr *dst, unsigned char *buf, size_t cap)
{
	struct {
		struct nlmsghdr nh;
		struct rtmsg rt;
		unsigned char attrs[RTA_SPACE(16)];
	} req;
	struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
	struct rtattr *rta = NULL;
	size_t alen = dst->family == AF_INET ? 4 : 16;
	struct pollfd pfd;
	ssize_t n = -1;
	int fd, saved;

	memset(&req, 0, sizeof req);
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof req.rt) + RTA_SPACE(alen);
	req.nh.nlmsg_type = RTM_GETROUTE;
	req.nh.nlmsg_flags = NLM_F_REQUEST;
	req.nh.nlmsg_seq = 1;
	req.rt.rtm_family = (unsigned char)dst->family;
	req.rt.rtm_dst_len = (unsigned char)(alen * 8);
	rta = RTM_RTA(&req.rt);
	rta->rta_type = RTA_DST;
	rta->rta_len = RTA_LENGTH(alen);
	memcpy(RTA_DATA(rta), dst->bytes, alen);

	if ((fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE)) == -1)
		return -1;
	if (sendto(fd, &req, req.nh.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof kernel) == -1)
		goto out;
	/* The kernel answers at once; the wait only guards against a bug. */
	pfd.fd = fd;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, NETLINK_WAIT_MS) != 1) {
		errno = ETIMEDOUT;
		goto out;
	}
	n = recv(fd, buf, cap, 0);
out:
	saved = errno;
	close(fd);
	errno = saved;
	return n;
}

static int
route_lookup_kernel(const struct probe_ctx *ctx, const struct net_addr *dst, struct route_info *ri,
                    struct probe_result *r)
{
	unsigned char buf[NETLINK_REPLY_MAX];
	ssize_t n;

	(void)ctx;
	if ((n = netlink_get_route(dst, buf, sizeof buf)) < 0) {
		probe_result_summary(r, _("the kernel could not be asked for a route: %s"),
		                     strerror(errno));
		return -1;
	}
	if (route_parse_netlink(buf, (size_t)n, ri) != 0) {
		probe_result_summary(r, "%s",
		                     _("the kernel's answer about the route was not understood"));
		return -1;
	}
	if (ri->found && ri->ifindex != 0 && if_indextoname(ri->ifindex, ri->interface) == NULL)
		snprintf(ri->interface, sizeof ri->interface, "if%u", ri->ifindex);
	return 0;
}
#endif

/* macOS and the BSDs: `route -n get`, read by route_parse_darwin. */
static int
route_lookup_command(const struct probe_ctx *ctx, const struct net_addr *dst, struct route_info *ri,
                     struct probe_result *r)
{
	char addr[INET6_ADDRSTRLEN];
	const char *argv_v4[] = {"route", "-n", "get", addr, NULL};
	const char *argv_v6[] = {"route", "-n", "get", "-inet6", addr, NULL};
	struct host_run_opts opts = {0};
	struct host_result hr;
	int rc = -1;

	net_addr_str(dst, addr, sizeof addr);
	opts.timeout_ms = ctx->timeout_ms;
	host_run(ctx->host, dst->family == AF_INET ? argv_v4 : argv_v6, &opts, &hr);
	if (hr.status != HOST_OK) {
		probe_result_summary(r, "%s", hr.message);
		goto out;
	}
	probe_tail_lines(&r->evidence, "route: ", hr.out, hr.out_len, 8);
	probe_tail_lines(&r->evidence, "route: ", hr.err, hr.err_len, 4);
	if (route_parse_darwin(hr.out, hr.out_len, hr.err, hr.err_len, ri) != 0) {
		probe_result_summary(r, _("the output of 'route -n get %s' was not understood"),
		                     addr);
		goto out;
	}
	rc = 0;
out:
	host_result_free(&hr);
	return rc;
}

/*
 * The method follows the host, not the build: this machine's kernel when the
 * host is live Linux; the route -n get command, through the host, for macOS (live,
 * or a snapshot collected there). A Linux snapshot cannot answer: what this
 * probe asks the Linux kernel directly is not recorded.
 */
static int
route_lookup(const struct probe_ctx *ctx, const struct net_addr *dst, struct route_info *ri,
             struct probe_result *r)
{
#ifdef __linux__
	if (host_is_live(ctx->host))
		return route_lookup_kernel(ctx, dst, ri, r);
#endif
	if (strcmp(host_os(ctx->host), "darwin") == 0)
		return route_lookup_command(ctx, dst, ri, r);
	probe_result_summary(r,
	                     _("this probe asks the %s kernel directly, which a snapshot "
	                       "cannot replay"),
	                     host_os(ctx->host));
	return -1;
}

/* An address of this machine: Linux says "local"; macOS routes it through lo0. */
static bool
is_own_address(const struct route_info *ri)
{
	return ri->type == RTN_LOCAL_TYPE || strcmp(ri->interface, "lo0") == 0;
}

static const char *
no_route_reason(int error)
{
	switch (error) {
	case ENETUNREACH:
	case ESRCH:
		return _("no route matches it (and there is no default route)");
	case EHOSTUNREACH:
		return _("an 'unreachable' route covers it");
	case EACCES:
		return _("a 'prohibit' route covers it");
	case EINVAL:
		return _("a 'blackhole' route covers it");
	default:
		return strerror(error);
	}
}

static int
probe_route_run(const struct params *p, const struct probe_ctx *ctx, struct probe_result *r)
{
	const char *dest = params_get(p, "destination"), *expect = params_get(p, "expect");
	struct net_addr net, dst;
	struct route_info ri;
	unsigned prefix;
	char addr[INET6_ADDRSTRLEN], via[160];
	bool subnet = false;

	if (!net_cidr_parse(dest, &net, &prefix)) {
		probe_result_set_outcome(r, OUTCOME_ERROR);
		probe_result_summary(r, _("'%s' is not an address or ADDRESS/PREFIX"), dest);
		return 0;
	}
	subnet = strchr(dest, '/') != NULL && prefix + 1 < (net.family == AF_INET ? 32u : 128u);
	net_cidr_probe_addr(&net, prefix, &dst);
	/*
	 * A subnet's first address is often this machine's own on the bridge
	 * (10.97.0.1), which the kernel routes through lo: ask about the next
	 * one, as an instance's address would be routed.
	 */
	for (int skips = 0;; skips++) {
		net_addr_str(&dst, addr, sizeof addr);
		if (route_lookup(ctx, &dst, &ri, r) != 0) {
			probe_result_set_outcome(r, OUTCOME_ERROR);
			return 0;
		}
		if (!subnet || !ri.found || !is_own_address(&ri) || skips == MAX_OWN_SKIPS)
			break;
		probe_result_evidence(r, _("%s is an address of this machine"), addr);
		if (!net_cidr_next(&net, prefix, &dst))
			break;
	}
	probe_result_fact(r, "route.address", "%s", addr);
	if (subnet)
		probe_result_evidence(r, _("subnet %s: the route of its address %s"), dest, addr);
	if (!ri.found) {
		probe_result_set_outcome(r, "none");
		probe_result_summary(r, _("there is no route to %s: %s"), addr,
		                     no_route_reason(ri.error));
		probe_result_evidence(r, _("no route to %s: %s"), addr, no_route_reason(ri.error));
		return 0;
	}

	probe_result_fact(r, "route.interface", "%s", ri.interface);
	if (ri.gateway[0] != '\0')
		probe_result_fact(r, "route.gateway", "%s", ri.gateway);
	if (ri.source[0] != '\0')
		probe_result_fact(r, "route.source", "%s", ri.source);
	if (ri.gateway[0] != '\0')
		snprintf(via, sizeof via, _("%s via gateway %s"), ri.interface, ri.gateway);
	else if (ri.type == RTN_LOCAL_TYPE)
		snprintf(via, sizeof via, _("%s (an address of this machine)"), ri.interface);
	else
		snprintf(via, sizeof via, _("%s (on the link, no gateway)"), ri.interface);
	probe_result_evidence(r, _("traffic to %s leaves through %s"), addr, via);
	if (ri.source[0] != '\0')
		probe_result_evidence(r, _("it is sent from %s"), ri.source);
	if (ri.type != 0 && ri.type != RTN_UNICAST_TYPE) /* local, broadcast... */
		probe_result_evidence(r, _("route type: %s"), route_type_name(ri.type));
	if (ri.destination[0] != '\0' && ri.mask[0] != '\0')
		probe_result_evidence(r, _("matching route: %s mask %s, flags %s"), ri.destination,
		                      ri.mask, ri.flags);

	if (expect == NULL) {
		probe_result_set_outcome(r, "found");
		probe_result_summary(r, _("traffic to %s goes through %s"), addr, via);
	} else if (strcmp(expect, ri.interface) == 0) {
		probe_result_set_outcome(r, "via_expected");
		probe_result_summary(r, _("traffic to %s goes through %s, as expected"), addr, via);
	} else {
		probe_result_set_outcome(r, "via_other");
		if (looks_like_vpn(ri.interface))
			probe_result_summary(r,
			                     _("traffic to %s goes through %s, not %s: %s looks "
			                       "like a VPN, which took the route"),
			                     addr, via, expect, ri.interface);
		else
			probe_result_summary(r, _("traffic to %s goes through %s, not %s"), addr,
			                     via, expect);
	}
	return 0;
}

const struct probe_entry probe_route_entry = {
    .name = "route",
    .summary = N_("Which interface and gateway carry traffic to an address or subnet"),
    .params = route_params,
    .outcomes = route_outcomes,
    .facts = route_facts,
    .default_timeout_ms = 5000,
    .run = probe_route_run,
};
