/*
 * netparse-route.c: what carries traffic to an address, read from the
 * kernel's rtnetlink reply (Linux) or from `route -n get` (macOS). Pure
 * functions: the probe asks, these read the answer.
 */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#ifdef __linux__
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#endif

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe/netparse.h"
#include "util/util.h"

const char *
route_type_name(unsigned type)
{
	/* RTN_* from linux/rtnetlink.h, in order, so this reads recordings anywhere. */
	static const char *const names[] = {
	    "unspec",    "unicast",     "local",    "broadcast", "anycast", "multicast",
	    "blackhole", "unreachable", "prohibit", "throw",     "nat",
	};

	return type < nitems(names) ? names[type] : "other";
}

#ifdef __linux__
/* An address attribute as text; false when its length fits neither family. */
static bool
attr_addr(int family, const struct rtattr *rta, char *buf, size_t len)
{
	size_t n = RTA_PAYLOAD(rta);

	if (!((family == AF_INET && n == 4) || (family == AF_INET6 && n == 16)))
		return false;
	return inet_ntop(family, RTA_DATA(rta), buf, (socklen_t)len) != NULL;
}

static int
parse_newroute(const struct nlmsghdr *nh, struct route_info *out)
{
	const struct rtmsg *rt = NLMSG_DATA(nh);
	const struct rtattr *rta;
	int alen;

	if (nh->nlmsg_len < NLMSG_LENGTH(sizeof *rt))
		return -1;
	out->type = rt->rtm_type;
	out->table = rt->rtm_table;
	alen = (int)(nh->nlmsg_len - NLMSG_LENGTH(sizeof *rt));
	for (rta = RTM_RTA(rt); RTA_OK(rta, alen); rta = RTA_NEXT(rta, alen)) {
		uint32_t u = 0;

		switch (rta->rta_type) {
		case RTA_OIF:
		case RTA_TABLE:
			if (RTA_PAYLOAD(rta) < sizeof u)
				return -1;
			memcpy(&u, RTA_DATA(rta), sizeof u);
			if (rta->rta_type == RTA_OIF)
				out->ifindex = u;
			else
				out->table = u;
			break;
		case RTA_GATEWAY:
			if (!attr_addr(rt->rtm_family, rta, out->gateway, sizeof out->gateway))
				return -1;
			break;
		case RTA_PREFSRC:
			if (!attr_addr(rt->rtm_family, rta, out->source, sizeof out->source))
				return -1;
			break;
		case RTA_DST:
			if (!attr_addr(rt->rtm_family, rta, out->destination,
			               sizeof out->destination))
				return -1;
			break;
		default:
			break;
		}
	}
	/* A route the kernel resolved can still say "drop it". */
	switch (out->type) {
	case RTN_BLACKHOLE:
		out->error = EINVAL;
		break;
	case RTN_UNREACHABLE:
		out->error = EHOSTUNREACH;
		break;
	case RTN_PROHIBIT:
		out->error = EACCES;
		break;
	default:
		out->found = true;
		break;
	}
	return 0;
}

int
route_parse_netlink(const void *buf, size_t len, struct route_info *out)
{
	const struct nlmsghdr *nh = buf;
	int left = len > (size_t)INT32_MAX ? INT32_MAX : (int)len;

	memset(out, 0, sizeof *out);
	for (; NLMSG_OK(nh, left); nh = NLMSG_NEXT(nh, left)) {
		if (nh->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = NLMSG_DATA(nh);

			if (nh->nlmsg_len < NLMSG_LENGTH(sizeof *e))
				return -1;
			if (e->error == 0)
				continue; /* an acknowledgement */
			out->error = -e->error;
			return 0;
		}
		if (nh->nlmsg_type == RTM_NEWROUTE)
			return parse_newroute(nh, out);
	}
	return -1;
}
#else
int
route_parse_netlink(const void *buf, size_t len, struct route_info *out)
{
	(void)buf;
	(void)len;
	memset(out, 0, sizeof *out);
	return -1;
}
#endif

/* ---- macOS `route -n get` ------------------------------------------------ */

/* Copies the value after "key:" on a line, trimmed, into dst. */
static void
copy_value(const char *v, size_t vlen, char *dst, size_t dlen)
{
	while (vlen > 0 && (*v == ' ' || *v == '\t')) {
		v++;
		vlen--;
	}
	while (vlen > 0 && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t' || v[vlen - 1] == '\r'))
		vlen--;
	if (vlen >= dlen)
		vlen = dlen - 1;
	memcpy(dst, v, vlen);
	dst[vlen] = '\0';
}

static bool
flag_set(const char *flags, const char *flag)
{
	size_t fl = strlen(flag);

	for (const char *p = flags; (p = strstr(p, flag)) != NULL; p += fl) {
		if ((p == flags || p[-1] == ',') && (p[fl] == '\0' || p[fl] == ','))
			return true;
	}
	return false;
}

int
route_parse_darwin(const char *out, size_t outlen, const char *err, size_t errlen,
                   struct route_info *ri)
{
	static const struct {
		const char *key;
		size_t off, size;
	} keys[] = {
	    {"destination", offsetof(struct route_info, destination), sizeof ri->destination},
	    {"mask", offsetof(struct route_info, mask), sizeof ri->mask},
	    {"gateway", offsetof(struct route_info, gateway), sizeof ri->gateway},
	    {"interface", offsetof(struct route_info, interface), sizeof ri->interface},
	    {"flags", offsetof(struct route_info, flags), sizeof ri->flags},
	};
	const char *p = out, *end = out + outlen;

	memset(ri, 0, sizeof *ri);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t ll = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		const char *colon = memchr(p, ':', ll);

		if (colon != NULL) {
			const char *k = p;
			size_t kl = (size_t)(colon - p);

			while (kl > 0 && *k == ' ') {
				k++;
				kl--;
			}
			for (size_t i = 0; i < nitems(keys); i++) {
				if (strlen(keys[i].key) == kl && memcmp(k, keys[i].key, kl) == 0)
					copy_value(colon + 1, ll - kl - (size_t)(k - p) - 1,
					           (char *)ri + keys[i].off, keys[i].size);
			}
		}
		p = nl != NULL ? nl + 1 : end;
	}
	/* "<UP,GATEWAY,DONE>" -> "UP,GATEWAY,DONE" */
	if (ri->flags[0] == '<') {
		size_t fl = strlen(ri->flags);

		memmove(ri->flags, ri->flags + 1, fl);
		fl--;
		if (fl > 0 && ri->flags[fl - 1] == '>')
			ri->flags[fl - 1] = '\0';
	}
	if (ri->interface[0] != '\0') {
		if (flag_set(ri->flags, "BLACKHOLE"))
			ri->error = EINVAL;
		else if (flag_set(ri->flags, "REJECT"))
			ri->error = EHOSTUNREACH;
		else
			ri->found = true;
		return 0;
	}
	/* route(8) says "route: writing to routing socket: not in table" when there is none. */
	for (const char *q = err; q != NULL && q + 12 <= err + errlen; q++) {
		if (memcmp(q, "not in table", 12) == 0) {
			ri->error = ESRCH;
			return 0;
		}
	}
	return -1;
}
