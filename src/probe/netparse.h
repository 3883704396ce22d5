/*
 * netparse.h: the pure parsers behind the network probes (dns, route,
 * port_owner). Each takes the bytes or text a system gave (a DNS response,
 * an rtnetlink reply, /proc/net/udp, the output of macOS `route -n get` or
 * `lsof`) and fills a struct; none of them touches the machine, so they are
 * unit-tested on recorded data and serve a snapshot host as well as a live one.
 */
#ifndef VT_NETPARSE_H
#define VT_NETPARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- addresses ---------------------------------------------------------- */

/* An IPv4 or IPv6 address, as the probes pass them around. */
struct net_addr {
	int family; /* AF_INET or AF_INET6; 0: none */
	unsigned char bytes[16];
};

/* Parses a literal IPv4 or IPv6 address. False when s is not one. */
bool net_addr_parse(const char *s, struct net_addr *out);
/*
 * Parses "ADDR" or "ADDR/PREFIX". *prefix is the prefix length (32 or 128
 * without one). False when s is neither.
 */
bool net_cidr_parse(const char *s, struct net_addr *out, unsigned *prefix);
/*
 * The address traffic to a subnet is routed like: its first host address
 * (network + 1), or the address itself for a /32, /31, /128 or /127.
 */
void net_cidr_probe_addr(const struct net_addr *net, unsigned prefix, struct net_addr *out);
/*
 * Moves a to the next address of the subnet net/prefix. False when there is
 * none (past its end, or onto an IPv4 subnet's broadcast address).
 */
bool net_cidr_next(const struct net_addr *net, unsigned prefix, struct net_addr *a);
/* Clears a's host bits, leaving the network of a/prefix. */
void net_cidr_mask(struct net_addr *a, unsigned prefix);
/* The address as text, in buf of at least 46 bytes; returns buf. */
char *net_addr_str(const struct net_addr *a, char *buf, size_t len);

/* ---- ICMP --------------------------------------------------------------- */

enum icmp_kind {
	ICMP_SEEN_OTHER,       /* not about us: someone else's echo, our own request */
	ICMP_SEEN_REPLY,       /* an echo reply */
	ICMP_SEEN_UNREACHABLE, /* destination unreachable, about an echo request */
	ICMP_SEEN_EXPIRED, /* time exceeded in transit (a routing loop), about an echo request */
};

struct icmp_seen {
	enum icmp_kind kind;
	unsigned type, code; /* as received */
	unsigned id, seq;    /* of the echo: the reply's own, or the one an error quotes */
};

/*
 * Classifies one ICMP (family AF_INET) or ICMPv6 (AF_INET6) message as a
 * socket gave it: with its IPv4 header first (a raw IPv4 socket) when
 * ip_header, else from the ICMP header on. Returns 0, or -1 when it is too
 * short or malformed.
 */
int icmp_parse(int family, bool ip_header, const unsigned char *pkt, size_t len,
               struct icmp_seen *out);
/* What an unreachable code means, for evidence: "host unreachable". */
const char *icmp_unreach_text(int family, unsigned code);
/* The Internet checksum (RFC 1071) of len bytes. */
uint16_t inet_checksum(const void *buf, size_t len);

/* ---- DNS ---------------------------------------------------------------- */

struct dns_rr {
	char *name;
	unsigned type;
	unsigned long ttl;
	char *data; /* the record's data as text: "10.1.2.3", "10 mail.lab.test." */
};

struct dns_reply {
	unsigned id;
	bool response; /* the QR bit: it is an answer, not a query */
	bool truncated;
	bool authoritative;
	int rcode;
	unsigned qdcount, ancount, nscount, arcount;
	char *qname; /* the first question, or NULL */
	unsigned qtype;
	struct dns_rr *answers; /* the answer section */
	size_t nanswers;
};

/*
 * Parses a DNS message (with libresolv's ns_initparse and ns_parserr).
 * Returns 0, or -1 when msg is not a well-formed DNS message. Free with
 * dns_reply_free even after -1.
 */
int dns_reply_parse(const unsigned char *msg, size_t len, struct dns_reply *out);
void dns_reply_free(struct dns_reply *);
/*
 * The length of the DNS message at the start of buf (its header and the
 * records its counts promise), or 0 when they do not fit in len: for a
 * response left in a larger buffer whose length nobody reported.
 */
size_t dns_message_length(const unsigned char *buf, size_t len);
/* "NOERROR", "NXDOMAIN", ...; "RCODE?" for codes beyond NOTZONE (10). */
const char *dns_rcode_name(int rcode);
/* "A", "AAAA", ...; "TYPE99" for others (then in a static buffer). */
const char *dns_type_name(unsigned type);
/* The type number of a name dns_type_name gives for the types the probe asks; 0 when unknown. */
unsigned dns_type_from_name(const char *name);
/*
 * A host or domain name as DNS carries it: labels of 1-63 letters, digits,
 * '-' or '_' (not starting or ending with '-'), at most 253 bytes, an
 * optional final dot.
 */
bool dns_name_valid(const char *name);
/* The reverse-lookup name of a literal address (3.2.1.10.in-addr.arpa); NULL when s is not one. */
char *dns_ptr_name(const char *s);

/* ---- routes ------------------------------------------------------------- */

struct route_info {
	bool found;           /* a usable route: the fields below describe it */
	int error;            /* no route: the errno the system gave (ENETUNREACH, ...); 0 else */
	unsigned type;        /* Linux: RTN_UNICAST, RTN_LOCAL, ...; 0 when unknown */
	unsigned ifindex;     /* Linux: the output interface; 0 when not given */
	unsigned table;       /* Linux: the routing table; 0 when not given */
	char interface[64];   /* macOS gives the name; on Linux the probe fills it from ifindex */
	char gateway[64];     /* empty: on-link */
	char source[64];      /* the preferred source address; empty when not given */
	char destination[64]; /* macOS: "default" or the route's network; empty when not given */
	char mask[64];        /* macOS: "default" or a netmask */
	char flags[128];      /* macOS: "UP,GATEWAY,DONE,STATIC,PRCLONING" */
};

/*
 * Parses the kernel's reply to an RTM_GETROUTE request: one RTM_NEWROUTE
 * message, or an NLMSG_ERROR carrying the errno (no route). Returns 0 with
 * *out filled (found, or error set), or -1 when buf is not such a reply.
 */
int route_parse_netlink(const void *buf, size_t len, struct route_info *out);
/* "unicast", "local", "unreachable", ... for an RTN_* type. */
const char *route_type_name(unsigned type);
/*
 * Parses what macOS `route -n get ADDR` printed (out) and complained (err).
 * Returns 0 with *out filled: found with the interface, or error ESRCH for
 * "not in table". -1 when the text says neither.
 */
int route_parse_darwin(const char *out, size_t outlen, const char *err, size_t errlen,
                       struct route_info *ri);

/* ---- sockets holding a port -------------------------------------------- */

struct port_socket {
	char local[80]; /* the local address and port: "0.0.0.0:53", "[::]:53", "*:67" */
	unsigned port;
	unsigned long inode; /* Linux: the socket's inode, to find its process */
	long uid;            /* Linux: the socket's owner; -1 when unknown */
	unsigned state;      /* Linux: TCP state (0x0A LISTEN), UDP 0x07 unconnected */
	long pid;            /* the process holding it; -1 when not (yet) known */
	char *process;       /* its command name; NULL when not known */
	char *user;          /* macOS lsof: its login name; NULL when not known */
};

struct port_sockets {
	struct port_socket *v;
	size_t n;
};

/*
 * Parses /proc/net/udp, udp6, tcp or tcp6 and appends the sockets bound to
 * local port port (for TCP only those in LISTEN). Returns how many it
 * appended, or -1 when the text is not such a table.
 */
int procnet_parse(const char *text, size_t len, bool ipv6, bool tcp, unsigned port,
                  struct port_sockets *out);
/*
 * Parses lsof's output for one port: either its field output (-F pcLn) or
 * its usual table (COMMAND PID USER FD TYPE DEVICE SIZE/OFF NODE NAME).
 * Appends one entry per process and socket; returns how many, or -1 when
 * the text is neither form.
 */
int lsof_parse(const char *text, size_t len, struct port_sockets *out);
void port_sockets_free(struct port_sockets *);
/*
 * Keeps only the sockets whose local port is port: lsof -iUDP:53 also lists
 * clients whose remote end is port 53 (a browser's DNS queries), which hold
 * nothing. Returns how many were dropped.
 */
size_t port_sockets_keep_port(struct port_sockets *, unsigned port);

enum port_verdict { PORT_FREE, PORT_EXPECTED, PORT_CONFLICT, PORT_HIDDEN };

/*
 * Whether process is one of allow, comma-separated names (NULL: none).
 * Case is ignored, and a 15-character name matches a longer allowed one
 * that starts with it (Linux cuts a process name to 15 characters).
 */
bool port_owner_allowed(const char *allow, const char *process);
/*
 * Judges the sockets found on a port. list_complete: every socket on the
 * port is listed (Linux /proc/net always; lsof only as root), so none means
 * free. owners_complete: every process could be looked at (root), so a
 * socket without a process belongs to the kernel ("kernel" in allow admits
 * it). An owner not allowed is a conflict; else an owner not seen makes it
 * hidden; else it is expected. *decider is the socket that decided (the
 * first conflicting one, else the first hidden one, else the first), or
 * (size_t)-1 when there is none.
 */
enum port_verdict port_owner_judge(const struct port_sockets *, const char *allow,
                                   bool list_complete, bool owners_complete, size_t *decider);

#endif
