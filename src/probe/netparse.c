/*
 * netparse.c: addresses and DNS messages for the network probes, as pure
 * functions. A DNS message is read with libresolv's own parser
 * (ns_initparse, ns_parserr, ns_name_uncompress), never by hand: this file
 * only turns its records into text a help desk can read.
 */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <resolv.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe/netparse.h"
#include "util/util.h"

/* Bytes of record data shown as hex for a type we do not format. */
#define GENERIC_RDATA_MAX 32
#define DNS_NAME_MAX 253

/* ---- addresses ---------------------------------------------------------- */

bool
net_addr_parse(const char *s, struct net_addr *out)
{
	memset(out, 0, sizeof *out);
	if (s == NULL)
		return false;
	if (inet_pton(AF_INET, s, out->bytes) == 1) {
		out->family = AF_INET;
		return true;
	}
	if (inet_pton(AF_INET6, s, out->bytes) == 1) {
		out->family = AF_INET6;
		return true;
	}
	out->family = 0;
	return false;
}

bool
net_cidr_parse(const char *s, struct net_addr *out, unsigned *prefix)
{
	const char *slash = s != NULL ? strchr(s, '/') : NULL;
	char *addr = NULL;
	unsigned long p = 0;
	char *end = NULL;
	bool ok = false;

	if (slash == NULL) {
		if (!net_addr_parse(s, out))
			return false;
		*prefix = out->family == AF_INET ? 32 : 128;
		return true;
	}
	addr = xstrndup(s, (size_t)(slash - s));
	if (!net_addr_parse(addr, out))
		goto out;
	if (!isdigit((unsigned char)slash[1]))
		goto out;
	errno = 0;
	p = strtoul(slash + 1, &end, 10);
	if (errno != 0 || *end != '\0' || p > (out->family == AF_INET ? 32UL : 128UL))
		goto out;
	*prefix = (unsigned)p;
	ok = true;
out:
	free(addr);
	if (!ok)
		memset(out, 0, sizeof *out);
	return ok;
}

void
net_cidr_mask(struct net_addr *a, unsigned prefix)
{
	size_t nbytes = a->family == AF_INET ? 4 : 16;

	for (size_t i = 0; i < nbytes; i++) {
		unsigned bits = prefix > i * 8 ? prefix - (unsigned)i * 8 : 0;

		if (bits > 8)
			bits = 8;
		a->bytes[i] &= (unsigned char)(0xff00u >> bits);
	}
}

void
net_cidr_probe_addr(const struct net_addr *net, unsigned prefix, struct net_addr *out)
{
	size_t len = net->family == AF_INET ? 4 : 16;
	unsigned bits = (unsigned)len * 8;

	*out = *net;
	if (prefix + 1 >= bits)
		return; /* a single host, or a point-to-point pair: the address itself */
	/* Clear the host bits, then add one. */
	for (unsigned i = prefix; i < bits; i++)
		out->bytes[i / 8] &= (unsigned char)~(0x80u >> (i % 8));
	for (size_t i = len; i-- > 0;) {
		if (++out->bytes[i] != 0)
			break;
	}
}

bool
net_cidr_next(const struct net_addr *net, unsigned prefix, struct net_addr *a)
{
	size_t len = net->family == AF_INET ? 4 : 16;
	unsigned bits = (unsigned)len * 8;
	struct net_addr next = *a;
	bool host_bits_all_set = true;

	for (size_t i = len; i-- > 0;) {
		if (++next.bytes[i] != 0)
			break;
	}
	for (unsigned i = 0; i < bits; i++) {
		unsigned char m = (unsigned char)(0x80u >> (i % 8));

		if (i < prefix && (next.bytes[i / 8] & m) != (net->bytes[i / 8] & m))
			return false; /* out of the subnet */
		if (i >= prefix && (next.bytes[i / 8] & m) == 0)
			host_bits_all_set = false;
	}
	if (net->family == AF_INET && prefix < 31 && host_bits_all_set)
		return false;
	*a = next;
	return true;
}

char *
net_addr_str(const struct net_addr *a, char *buf, size_t len)
{
	if (a->family == 0 || inet_ntop(a->family, a->bytes, buf, (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
	return buf;
}

/* ---- ICMP --------------------------------------------------------------- */

#define ICMP4_ECHOREPLY 0
#define ICMP4_UNREACH 3
#define ICMP4_ECHO 8
#define ICMP4_TIMXCEED 11
#define ICMP6_UNREACH 1
#define ICMP6_TIMXCEED 3
#define ICMP6_ECHO 128
#define ICMP6_ECHOREPLY 129
#define ICMP_HDR 8
#define IP6_HDR 40
#define PROTO_ICMP 1
#define PROTO_ICMP6 58

uint16_t
inet_checksum(const void *buf, size_t len)
{
	const unsigned char *p = buf;
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len % 2 == 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* The IPv4 header's length at p, or 0 when p does not start one that fits in len. */
static size_t
ip4_header_len(const unsigned char *p, size_t len)
{
	size_t ihl;

	if (len < 20 || (p[0] >> 4) != 4)
		return 0;
	ihl = (size_t)(p[0] & 0x0f) * 4;
	return ihl >= 20 && ihl <= len ? ihl : 0;
}

/* An error quotes the packet that caused it: is that our echo request, and which? */
static bool
quoted_echo(int family, const unsigned char *p, size_t len, struct icmp_seen *out)
{
	size_t hl;

	if (family == AF_INET) {
		if ((hl = ip4_header_len(p, len)) == 0 || p[9] != PROTO_ICMP ||
		    len < hl + ICMP_HDR || p[hl] != ICMP4_ECHO)
			return false;
	} else {
		hl = IP6_HDR;
		if (len < hl + ICMP_HDR || (p[0] >> 4) != 6 || p[6] != PROTO_ICMP6 ||
		    p[hl] != ICMP6_ECHO)
			return false;
	}
	out->id = (unsigned)(p[hl + 4] << 8 | p[hl + 5]);
	out->seq = (unsigned)(p[hl + 6] << 8 | p[hl + 7]);
	return true;
}

int
icmp_parse(int family, bool ip_header, const unsigned char *pkt, size_t len, struct icmp_seen *out)
{
	size_t hl = 0;
	const unsigned char *p = NULL;
	bool v4 = family == AF_INET;

	memset(out, 0, sizeof *out);
	out->kind = ICMP_SEEN_OTHER;
	if (v4 && ip_header) {
		if ((hl = ip4_header_len(pkt, len)) == 0 || pkt[9] != PROTO_ICMP)
			return -1;
	}
	if (len < hl + ICMP_HDR)
		return -1;
	p = pkt + hl;
	len -= hl;
	out->type = p[0];
	out->code = p[1];
	if (out->type == (v4 ? ICMP4_ECHOREPLY : ICMP6_ECHOREPLY)) {
		out->kind = ICMP_SEEN_REPLY;
		out->id = (unsigned)(p[4] << 8 | p[5]);
		out->seq = (unsigned)(p[6] << 8 | p[7]);
	} else if (out->type == (v4 ? ICMP4_UNREACH : ICMP6_UNREACH)) {
		if (quoted_echo(family, p + ICMP_HDR, len - ICMP_HDR, out))
			out->kind = ICMP_SEEN_UNREACHABLE;
	} else if (out->type == (v4 ? ICMP4_TIMXCEED : ICMP6_TIMXCEED)) {
		if (quoted_echo(family, p + ICMP_HDR, len - ICMP_HDR, out))
			out->kind = ICMP_SEEN_EXPIRED;
	}
	return 0;
}

const char *
icmp_unreach_text(int family, unsigned code)
{
	static const char *const v4[] = {
	    N_("network unreachable"),         N_("host unreachable"),
	    N_("protocol unreachable"),        N_("port unreachable"),
	    N_("fragmentation needed"),        N_("source route failed"),
	    N_("destination network unknown"), N_("destination host unknown"),
	};
	static const char *const v6[] = {
	    N_("no route to destination"),
	    N_("administratively prohibited (a firewall)"),
	    N_("beyond the scope of the source address"),
	    N_("address unreachable"),
	    N_("port unreachable"),
	    N_("source address failed policy"),
	    N_("reject route"),
	};

	if (family == AF_INET) {
		if (code < nitems(v4))
			return _(v4[code]);
		if (code == 9 || code == 10 || code == 13)
			return _("administratively prohibited (a firewall)");
	} else if (code < nitems(v6)) {
		return _(v6[code]);
	}
	return _("unreachable (another reason)");
}

/* ---- DNS names and types ------------------------------------------------ */

static const struct {
	unsigned type;
	const char *name;
} dns_types[] = {
    {ns_t_a, "A"},   {ns_t_ns, "NS"},   {ns_t_cname, "CNAME"}, {ns_t_soa, "SOA"}, {ns_t_ptr, "PTR"},
    {ns_t_mx, "MX"}, {ns_t_txt, "TXT"}, {ns_t_aaaa, "AAAA"},   {ns_t_srv, "SRV"}, {ns_t_opt, "OPT"},
    {43, "DS"},      {46, "RRSIG"},     {47, "NSEC"},          {48, "DNSKEY"},    {65, "HTTPS"},
    {257, "CAA"},
};

const char *
dns_type_name(unsigned type)
{
	static char other[16];

	for (size_t i = 0; i < nitems(dns_types); i++) {
		if (dns_types[i].type == type)
			return dns_types[i].name;
	}
	/* Only for evidence text of odd records; a probe runs in one thread. */
	snprintf(other, sizeof other, "TYPE%u", type);
	return other;
}

unsigned
dns_type_from_name(const char *name)
{
	for (size_t i = 0; name != NULL && i < nitems(dns_types); i++) {
		if (strcmp(dns_types[i].name, name) == 0)
			return dns_types[i].type;
	}
	return 0;
}

const char *
dns_rcode_name(int rcode)
{
	static const char *const names[] = {
	    "NOERROR",  "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP",  "REFUSED",
	    "YXDOMAIN", "YXRRSET", "NXRRSET",  "NOTAUTH",  "NOTZONE",
	};

	if (rcode >= 0 && (size_t)rcode < nitems(names))
		return names[rcode];
	return "RCODE?";
}

bool
dns_name_valid(const char *name)
{
	size_t len, label = 0;

	if (name == NULL || *name == '\0')
		return false;
	if (strcmp(name, ".") == 0)
		return true;
	len = strlen(name);
	if (name[len - 1] == '.')
		len--;
	if (len > DNS_NAME_MAX)
		return false;
	for (size_t i = 0; i <= len; i++) {
		char c = i < len ? name[i] : '.';

		if (c == '.') {
			/* An empty label, or one that starts or ends with '-'. */
			if (label == 0 || label > 63 || name[i - label] == '-' ||
			    name[i - 1] == '-')
				return false;
			label = 0;
			continue;
		}
		/* isalnum() alone could take a letter of the locale's own. */
		if ((unsigned char)c >= 0x80 ||
		    (!isalnum((unsigned char)c) && c != '-' && c != '_'))
			return false;
		label++;
	}
	return true;
}

char *
dns_ptr_name(const char *s)
{
	static const char hex[] = "0123456789abcdef";
	struct net_addr a;
	struct strbuf sb = STRBUF_INIT;

	if (!net_addr_parse(s, &a))
		return NULL;
	if (a.family == AF_INET) {
		strbuf_addf(&sb, "%u.%u.%u.%u.in-addr.arpa", a.bytes[3], a.bytes[2], a.bytes[1],
		            a.bytes[0]);
		return strbuf_detach(&sb);
	}
	for (size_t i = 16; i-- > 0;) {
		strbuf_addc(&sb, hex[a.bytes[i] & 0xf]);
		strbuf_addc(&sb, '.');
		strbuf_addc(&sb, hex[a.bytes[i] >> 4]);
		strbuf_addc(&sb, '.');
	}
	strbuf_adds(&sb, "ip6.arpa");
	return strbuf_detach(&sb);
}

/* ---- DNS messages ------------------------------------------------------- */

/* A compressed name at p inside msg, as text; false when it does not decode. */
static bool
rdata_name(const ns_msg *msg, const unsigned char *p, struct strbuf *sb)
{
	char name[NS_MAXDNAME];

	if (ns_name_uncompress(ns_msg_base(*msg), ns_msg_end(*msg), p, name, sizeof name) < 0)
		return false;
	strbuf_adds(sb, name[0] == '\0' ? "." : name);
	return true;
}

/* TXT data: each character-string quoted, bytes outside printable ASCII as \DDD. */
static bool
rdata_txt(const unsigned char *p, size_t len, struct strbuf *sb)
{
	size_t i = 0;

	while (i < len) {
		size_t n = p[i++];

		if (n > len - i)
			return false;
		if (sb->len > 0)
			strbuf_addc(sb, ' ');
		strbuf_addc(sb, '"');
		for (size_t k = 0; k < n; k++) {
			unsigned char c = p[i + k];

			if (c == '"' || c == '\\')
				strbuf_addf(sb, "\\%c", c);
			else if (c < 0x20 || c >= 0x7f)
				strbuf_addf(sb, "\\%03u", c);
			else
				strbuf_addc(sb, (char)c);
		}
		strbuf_addc(sb, '"');
		i += n;
	}
	return true;
}

/* RFC 3597's generic form, cut after GENERIC_RDATA_MAX bytes. */
static void
rdata_generic(const unsigned char *p, size_t len, struct strbuf *sb)
{
	strbuf_addf(sb, "\\# %zu", len);
	if (len > 0)
		strbuf_addc(sb, ' ');
	for (size_t i = 0; i < len && i < GENERIC_RDATA_MAX; i++)
		strbuf_addf(sb, "%02x", p[i]);
	if (len > GENERIC_RDATA_MAX)
		strbuf_adds(sb, "...");
}

/* One record's data as text. NULL when its data is malformed. */
static char *
rdata_text(const ns_msg *msg, const ns_rr *rr)
{
	const unsigned char *p = ns_rr_rdata(*rr);
	size_t len = ns_rr_rdlen(*rr);
	struct strbuf sb = STRBUF_INIT;
	char addr[INET6_ADDRSTRLEN];
	bool ok = true;

	switch (ns_rr_type(*rr)) {
	case ns_t_a:
	case ns_t_aaaa:
		ok = len == (ns_rr_type(*rr) == ns_t_a ? 4u : 16u) &&
		     inet_ntop(len == 4 ? AF_INET : AF_INET6, p, addr, sizeof addr) != NULL;
		if (ok)
			strbuf_adds(&sb, addr);
		break;
	case ns_t_ns:
	case ns_t_cname:
	case ns_t_ptr:
		ok = rdata_name(msg, p, &sb);
		break;
	case ns_t_mx:
		ok = len > 2;
		if (ok) {
			strbuf_addf(&sb, "%u ", (unsigned)ns_get16(p));
			ok = rdata_name(msg, p + 2, &sb);
		}
		break;
	case ns_t_txt:
		ok = rdata_txt(p, len, &sb);
		break;
	default:
		rdata_generic(p, len, &sb);
		break;
	}
	if (!ok) {
		strbuf_free(&sb);
		return NULL;
	}
	return strbuf_detach(&sb);
}

int
dns_reply_parse(const unsigned char *buf, size_t len, struct dns_reply *out)
{
	ns_msg msg;
	ns_rr rr;

	memset(out, 0, sizeof *out);
	if (len > NS_MAXMSG || ns_initparse(buf, (int)len, &msg) < 0)
		return -1;
	out->id = ns_msg_id(msg);
	out->response = ns_msg_getflag(msg, ns_f_qr) != 0;
	out->truncated = ns_msg_getflag(msg, ns_f_tc) != 0;
	out->authoritative = ns_msg_getflag(msg, ns_f_aa) != 0;
	out->rcode = ns_msg_getflag(msg, ns_f_rcode);
	out->qdcount = ns_msg_count(msg, ns_s_qd);
	out->ancount = ns_msg_count(msg, ns_s_an);
	out->nscount = ns_msg_count(msg, ns_s_ns);
	out->arcount = ns_msg_count(msg, ns_s_ar);
	if (out->qdcount > 0) {
		if (ns_parserr(&msg, ns_s_qd, 0, &rr) < 0)
			return -1;
		out->qname = xstrdup(ns_rr_name(rr)[0] == '\0' ? "." : ns_rr_name(rr));
		out->qtype = ns_rr_type(rr);
	}
	if (out->ancount > 0)
		out->answers = xcalloc(out->ancount, sizeof *out->answers);
	for (unsigned i = 0; i < out->ancount; i++) {
		struct dns_rr *a = &out->answers[i];

		if (ns_parserr(&msg, ns_s_an, (int)i, &rr) < 0 ||
		    (a->data = rdata_text(&msg, &rr)) == NULL)
			return -1;
		a->name = xstrdup(ns_rr_name(rr)[0] == '\0' ? "." : ns_rr_name(rr));
		a->type = ns_rr_type(rr);
		a->ttl = (unsigned long)ns_rr_ttl(rr);
		out->nanswers++;
	}
	return 0;
}

size_t
dns_message_length(const unsigned char *buf, size_t len)
{
	static const ns_sect sections[] = {ns_s_qd, ns_s_an, ns_s_ns, ns_s_ar};
	const unsigned char *p = buf, *eom = buf + len;

	if (len < NS_HFIXEDSZ)
		return 0;
	p += NS_HFIXEDSZ;
	for (size_t i = 0; i < nitems(sections); i++) {
		/* The counts are the header's 5th to 8th 16-bit words. */
		int count = (int)ns_get16(buf + 4 + 2 * i);
		int n = ns_skiprr(p, eom, sections[i], count);

		if (n < 0)
			return 0;
		p += n;
	}
	return (size_t)(p - buf);
}

void
dns_reply_free(struct dns_reply *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->ancount && r->answers != NULL; i++) {
		free(r->answers[i].name);
		free(r->answers[i].data);
	}
	free(r->answers);
	free(r->qname);
	memset(r, 0, sizeof *r);
}
