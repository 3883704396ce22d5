/*
 * probe-dns.c: the "dns" probe. Asks one given server for one name, as `dig
 * @SERVER NAME` would, through libresolv (res_nquery on a private resolver
 * state), and says how the server answered: with records, "no such name",
 * a failure, a refusal, or not at all.
 *
 * What libresolv lets us tell apart, checked against dnsmasq:
 * - records: res_nquery returns the length;
 * - NXDOMAIN, NOERROR without records (NODATA), SERVFAIL, REFUSED: it
 *   returns -1, but its buffer holds the server's response, whose RCODE is
 *   read (h_errno alone folds SERVFAIL into TRY_AGAIN and REFUSED into
 *   NO_RECOVERY, and errno after a SERVFAIL or REFUSED says ETIMEDOUT);
 * - nothing listening (ICMP port unreachable): -1, an empty buffer and
 *   errno ECONNREFUSED. glibc says ECONNREFUSED too when it could not send
 *   at all (no route), so that case is told apart by a connect() of a UDP
 *   socket, which asks the kernel for a route and sends nothing;
 * - silence: -1, an empty buffer, errno ETIMEDOUT.
 * libresolv retries on EINTR, so a cancel is seen between tries: the tries
 * last 1 s, 2 s, 4 s... within the budget, each a fresh query.
 */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <resolv.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "host/host.h"
#include "probe/netparse.h"
#include "probe/probe-async.h"
#include "probe/probe.h"

#define ANSWER_MAX 65536
#define MAX_EVIDENCE_RECORDS 20
#define MAX_LINE_BYTES 200

static const char *const dns_type_choices[] = {"A",  "AAAA", "MX",    "TXT",
                                               "NS", "PTR",  "CNAME", NULL};

static const struct param_def dns_params[] = {
    {.name = "server",
     .type = PARAM_STRING,
     .required = true,
     .help = N_("the IPv4 or IPv6 address of the DNS server to ask")},
    {.name = "name",
     .type = PARAM_STRING,
     .required = true,
     .help = N_("the name to look up (for PTR, an address may be given)")},
    {.name = "type",
     .type = PARAM_ENUM,
     .def = "A",
     .choices = dns_type_choices,
     .help = N_("the record type to ask for")},
    {.name = "seconds",
     .type = PARAM_SECONDS,
     .def = "5",
     .help = N_("how long to wait for an answer, retries included")},
    {.name = "port",
     .type = PARAM_INT,
     .def = "53",
     .min = 1,
     .max = 65535,
     .help = N_("the server's port")},
    {.name = NULL},
};

static const struct outcome_def dns_outcomes[] = {
    {"ok", N_("the server answered with records")},
    {"nodata", N_("the name exists, but has no record of this type")},
    {"nxdomain", N_("the server says the name does not exist")},
    {"servfail", N_("the server could not answer (SERVFAIL, or another failure code)")},
    {"refused", N_("the server refused the query, or nothing listens on its port")},
    {"timeout", N_("no answer came in time (or there is no route to the server)")},
    {NULL, NULL},
};

static const char *const dns_facts[] = {"dns.answer", "dns.answers", "dns.rcode", NULL};

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * A private resolver state that asks only server on port, with no search
 * domains. glibc keeps IPv6 servers out of nsaddr_list, in _u._ext.nsaddrs
 * (malloc'd, freed by res_nclose); other systems have res_setservers.
 */
static int
resolver_init(res_state st, const struct net_addr *server, unsigned port)
{
	memset(st, 0, sizeof *st);
	if (res_ninit(st) != 0)
		return -1;
	st->options &= ~(unsigned long)(RES_DEFNAMES | RES_DNSRCH | RES_USEVC | RES_ROTATE);
	st->options |= RES_RECURSE;
	st->retry = 1;
#ifdef __GLIBC__
	st->nscount = 1;
	st->_u._ext.nscount = 0; /* makes res_send copy the list afresh */
	if (server->family == AF_INET) {
		struct sockaddr_in *sin = &st->nsaddr_list[0];

		memset(sin, 0, sizeof *sin);
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		memcpy(&sin->sin_addr, server->bytes, 4);
	} else {
		struct sockaddr_in6 *sin6 = st->_u._ext.nsaddrs[0];

		st->nsaddr_list[0].sin_family = AF_UNSPEC; /* look in _ext */
		if (sin6 == NULL)
			st->_u._ext.nsaddrs[0] = sin6 = xmalloc(sizeof *sin6);
		memset(sin6, 0, sizeof *sin6);
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		memcpy(&sin6->sin6_addr, server->bytes, 16);
	}
#else
	{
		union res_sockaddr_union u;

		memset(&u, 0, sizeof u);
		if (server->family == AF_INET) {
			u.sin.sin_family = AF_INET;
			u.sin.sin_port = htons((uint16_t)port);
			memcpy(&u.sin.sin_addr, server->bytes, 4);
		} else {
			u.sin6.sin6_family = AF_INET6;
			u.sin6.sin6_port = htons((uint16_t)port);
			memcpy(&u.sin6.sin6_addr, server->bytes, 16);
		}
		res_setservers(st, &u, 1);
	}
#endif
	return 0;
}

/*
 * Whether the kernel has a route to the server: connect() of a UDP socket
 * sends nothing. Returns 0, or the errno that says why not.
 */
static int
server_route_error(const struct net_addr *server, unsigned port)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd, err = 0;

	memset(&ss, 0, sizeof ss);
	if (server->family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		memcpy(&sin->sin_addr, server->bytes, 4);
		sl = sizeof *sin;
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		memcpy(&sin6->sin6_addr, server->bytes, 16);
		sl = sizeof *sin6;
	}
	if ((fd = socket(server->family, SOCK_DGRAM, 0)) == -1)
		return errno;
	if (connect(fd, (struct sockaddr *)&ss, sl) == -1)
		err = errno;
	close(fd);
	return err;
}

/* Same name, ignoring case and a final dot. */
static bool
same_name(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la > 0 && a[la - 1] == '.')
		la--;
	if (lb > 0 && b[lb - 1] == '.')
		lb--;
	return la == lb && strncasecmp(a, b, la) == 0;
}

/*
 * Records as evidence, and the facts. Returns the first record of the asked
 * type (else the first record), cleaned, or NULL; the caller frees it.
 */
static char *
report_answers(const struct dns_reply *rep, unsigned qtype, struct probe_result *r)
{
	const char *first = NULL;
	char *shown = NULL;

	for (size_t i = 0; i < rep->nanswers; i++) {
		const struct dns_rr *a = &rep->answers[i];
		char *clean = NULL;

		if (first == NULL && a->type == qtype)
			first = a->data;
		if (i >= MAX_EVIDENCE_RECORDS)
			continue;
		clean = probe_clean_line(a->data, strlen(a->data), MAX_LINE_BYTES);
		probe_result_evidence(r, "%s %lu IN %s %s", a->name, a->ttl, dns_type_name(a->type),
		                      clean);
		free(clean);
	}
	if (rep->nanswers > MAX_EVIDENCE_RECORDS)
		probe_result_evidence(r, _("... %zu more records"),
		                      rep->nanswers - MAX_EVIDENCE_RECORDS);
	if (first == NULL && rep->nanswers > 0)
		first = rep->answers[0].data;
	probe_result_fact(r, "dns.answers", "%zu", rep->nanswers);
	if (first == NULL)
		return NULL;
	shown = probe_clean_line(first, strlen(first), MAX_LINE_BYTES);
	probe_result_fact(r, "dns.answer", "%s", shown);
	return shown;
}

/* The server's response decides the outcome. */
static void
judge_reply(const struct dns_reply *rep, const char *name, const char *type, const char *shown,
            struct probe_result *r)
{
	char *first = NULL;

	probe_result_fact(r, "dns.rcode", "%s", dns_rcode_name(rep->rcode));
	probe_result_evidence(r, _("%s answered %s with %u record(s)%s"), shown,
	                      dns_rcode_name(rep->rcode), rep->ancount,
	                      rep->authoritative ? _(", authoritatively") : "");
	switch (rep->rcode) {
	case ns_r_noerror:
		first = report_answers(rep, dns_type_from_name(type), r);
		if (first != NULL) {
			probe_result_set_outcome(r, "ok");
			probe_result_summary(r, _("%s answered %s %s with %s (%zu record(s))"),
			                     shown, name, type, first, rep->nanswers);
			free(first);
		} else {
			probe_result_set_outcome(r, "nodata");
			probe_result_summary(r, _("%s exists, but %s has no %s record for it"),
			                     name, shown, type);
		}
		break;
	case ns_r_nxdomain:
		probe_result_fact(r, "dns.answers", "0");
		probe_result_set_outcome(r, "nxdomain");
		probe_result_summary(r, _("%s says %s does not exist (NXDOMAIN)"), shown, name);
		break;
	case ns_r_refused:
		probe_result_fact(r, "dns.answers", "0");
		probe_result_set_outcome(r, "refused");
		probe_result_summary(r,
		                     _("%s refused to answer for %s (REFUSED): it does not serve "
		                       "this name or this client"),
		                     shown, name);
		break;
	default:
		/* SERVFAIL, and FORMERR or NOTIMP: the server could not give an answer. */
		probe_result_fact(r, "dns.answers", "0");
		probe_result_set_outcome(r, "servfail");
		probe_result_summary(r, _("%s could not answer for %s (%s)"), shown, name,
		                     dns_rcode_name(rep->rcode));
		break;
	}
}

/*
 * Whether buf holds the server's response to our question: libresolv
 * leaves it there when it returns -1 for an RCODE. The buffer was zeroed
 * before the query, so a failed send leaves nothing that parses as one.
 */
static bool
read_response(const unsigned char *buf, size_t len, const char *qname, unsigned qtype,
              struct dns_reply *rep)
{
	if (dns_reply_parse(buf, len, rep) != 0 || !rep->response || rep->qname == NULL)
		return false;
	return rep->qtype == qtype && same_name(rep->qname, qname);
}

static int
probe_dns_run(const struct params *p, const struct probe_ctx *ctx, struct probe_result *r)
{
	const char *server_s = params_get(p, "server"), *type = params_get(p, "type");
	unsigned port = (unsigned)params_get_long(p, "port", 53);
	unsigned qtype = dns_type_from_name(type);
	struct __res_state st;
	struct net_addr server;
	struct dns_reply rep = {0};
	unsigned char *buf = NULL;
	char *name = NULL, *shown = NULL, addr[INET6_ADDRSTRLEN];
	int budget_s = ctx->timeout_ms / 1000 > 0 ? ctx->timeout_ms / 1000 : 1, used_s = 0;
	/* A guard only: libresolv keeps to each try's time. */
	int64_t deadline = mono_ms() + ctx->timeout_ms + 1000;
	int tries = 0, try_s = 1, n = -1, err = 0, route_err = 0;
	bool inited = false, answered = false;

	if (!net_addr_parse(server_s, &server)) {
		probe_result_set_outcome(r, OUTCOME_ERROR);
		probe_result_summary(r, _("server '%s' is not an IPv4 or IPv6 address"), server_s);
		goto out;
	}
	net_addr_str(&server, addr, sizeof addr);
	shown = port == 53 ? xstrdup(addr)
	                   : xasprintf(server.family == AF_INET6 ? "[%s]:%u" : "%s:%u", addr, port);
	if (qtype == ns_t_ptr && (name = dns_ptr_name(params_get(p, "name"))) != NULL)
		probe_result_evidence(r, _("%s is an address: asking for %s"),
		                      params_get(p, "name"), name);
	else
		name = xstrdup(params_get(p, "name"));
	if (!dns_name_valid(name)) {
		probe_result_set_outcome(r, OUTCOME_ERROR);
		probe_result_summary(r, _("'%s' is not a valid DNS name"), name);
		goto out;
	}
	if (resolver_init(&st, &server, port) != 0) {
		probe_result_set_outcome(r, OUTCOME_ERROR);
		probe_result_summary(r, "%s", _("the resolver library could not be set up"));
		goto out;
	}
	inited = true;
	buf = xmalloc(ANSWER_MAX);
	probe_result_evidence(r, _("asking %s for %s %s"), shown, name, type);

	/* Tries of 1, 2, 4... seconds, the last one what is left of the budget. */
	while (!vt_cancelled && used_s < budget_s && mono_ms() < deadline) {
		if (try_s > budget_s - used_s)
			try_s = budget_s - used_s;
		st.retrans = try_s;
		used_s += try_s;
		tries++;
		probe_progress(ctx, _("asking %s for %s %s (try %d, %d s)"), shown, name, type,
		               tries, try_s);
		memset(buf, 0, ANSWER_MAX);
		errno = 0;
		n = res_nquery(&st, name, ns_c_in, (int)qtype, buf, ANSWER_MAX);
		err = errno;
		/* After -1 nobody says how long the response left in buf is. */
		answered = read_response(
		    buf,
		    n >= 0 && n <= ANSWER_MAX ? (size_t)n : dns_message_length(buf, ANSWER_MAX),
		    name, qtype, &rep);
		if (answered || err == ECONNREFUSED)
			break;
		dns_reply_free(&rep);
		try_s *= 2;
	}

	if (vt_cancelled) {
		probe_result_set_outcome(r, OUTCOME_ERROR);
		probe_result_summary(r, "%s", _("cancelled"));
	} else if (answered) {
		judge_reply(&rep, name, type, shown, r);
	} else if (err == ECONNREFUSED && (route_err = server_route_error(&server, port)) != 0) {
		probe_result_set_outcome(r, "timeout");
		probe_result_summary(r, _("%s cannot be reached: %s"), shown, strerror(route_err));
		probe_result_evidence(r, _("no route to %s: %s"), addr, strerror(route_err));
	} else if (err == ECONNREFUSED) {
		probe_result_set_outcome(r, "refused");
		probe_result_summary(r, _("nothing answers DNS at %s: the port is closed"), shown);
		/* libresolv says ECONNREFUSED for a send that failed as well (a local firewall). */
		probe_result_evidence(r,
		                      _("the query was refused at once: %s sent back ICMP port "
		                        "unreachable (no DNS server listens on port %u), or a "
		                        "firewall here rejected it"),
		                      addr, port);
	} else {
		probe_result_set_outcome(r, "timeout");
		probe_result_summary(r, _("%s did not answer within %d s"), shown, budget_s);
		probe_result_evidence(r, _("no answer in %d s; queries sent: %d"), used_s, tries);
	}

out:
	dns_reply_free(&rep);
	if (inited)
		res_nclose(&st);
	free(buf);
	free(name);
	free(shown);
	return 0;
}

const struct probe_entry probe_dns_entry = {
    .name = "dns",
    .summary = N_("Asks a DNS server for a name, as dig @SERVER NAME does"),
    .params = dns_params,
    .outcomes = dns_outcomes,
    .facts = dns_facts,
    .default_timeout_ms = 5000,
    .live_only = true,
    .run = probe_dns_run,
};
