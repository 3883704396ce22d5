/*
 * leaseparse.h: the pure parsers behind the leases and hosts_ics probes.
 * They read the text of a DHCP leases file (dnsmasq's, as Multipass runs it
 * on Linux, or the /var/db/dhcpd_leases that macOS's bootpd writes) and of
 * Windows Internet Connection Sharing's hosts.ics, and say entry by entry
 * what each holds and what is wrong with the ones that are damaged. None of
 * them touches the machine: the probes read the files through a host.
 */
#ifndef VT_PROBE_LEASEPARSE_H
#define VT_PROBE_LEASEPARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* A MAC address as the probes compare them: six 2-digit lower-case octets. */
#define LEASE_MAC_LEN 18

/*
 * Reads a MAC address written with ':' or '-' between six octets of one or
 * two hex digits (bootpd drops leading zeros: "52:54:0:e2:30:dd") into
 * "52:54:00:e2:30:dd". False when s is not one.
 */
bool lease_mac_normalise(const char *s, char out[LEASE_MAC_LEN]);

/*
 * Whether a host name in a file names the instance name: the same name, or
 * that name followed by a domain ("primary.multipass", "primary.mshome.net"),
 * with case ignored. With domain not NULL, only that domain is accepted.
 */
bool lease_name_matches(const char *entry, const char *name, const char *domain);

/* ---- DHCP leases -------------------------------------------------------- */

enum lease_format {
	LEASE_FORMAT_EMPTY,   /* nothing but white space: no lease yet */
	LEASE_FORMAT_UNKNOWN, /* neither of the two */
	LEASE_FORMAT_DNSMASQ, /* EXPIRY MAC IP HOSTNAME CLIENTID, one lease a line */
	LEASE_FORMAT_BOOTPD,  /* { name=... ip_address=... hw_address=... lease=0x... } blocks */
};

/* "dnsmasq", "bootpd", "empty", "unknown". */
const char *lease_format_name(enum lease_format);

/* Decides the format from the first line that is not blank. */
enum lease_format lease_detect_format(const char *buf, size_t len);

/*
 * One lease, or one piece of text that should have been one. Strings are
 * NULL when the entry did not give them.
 */
struct lease_entry {
	size_t first_line, last_line; /* 1-based; a bootpd block spans several */
	char *text; /* the entry's text, a block's lines joined by spaces (any bytes) */
	size_t text_len;
	char *name; /* the client's host name; NULL for dnsmasq's "*" */
	char *ip;   /* as written */
	char *hw;   /* the hardware address as written (bootpd: "1,52:54:0:e2:30:dd") */
	char mac[LEASE_MAC_LEN]; /* normalised Ethernet address; "" when there is none */
	time_t expires;          /* when the lease ends; 0: never (dnsmasq's infinite lease) */
	bool ipv6;               /* a dnsmasq DHCPv6 lease (after its "duid" line): no MAC */
	bool corrupt;
	const char *problem; /* corrupt: what is wrong, untranslated (N_), for _() */
};

struct lease_file {
	enum lease_format format;
	struct lease_entry *v; /* in the file's order */
	size_t n;
	size_t ncorrupt;
};

/*
 * Parses a leases file of either format (lease_detect_format decides).
 * Every lease becomes an entry; text that is not a lease (a half line, a
 * jumbled or unclosed block, bytes that are not text) becomes a corrupt
 * entry holding what could still be read of it (name, ip, mac), so a
 * probe can tell whether the damage touches the instance it looks for.
 * Never fails; free with lease_file_free.
 */
void lease_parse(const char *buf, size_t len, struct lease_file *out);
void lease_file_free(struct lease_file *);

/*
 * Whether a corrupt entry's text mentions name (as a whole word, case
 * ignored) or holds mac in any spelling; for entries that could not be read
 * into fields.
 */
bool lease_text_mentions(const struct lease_entry *, const char *name, const char *mac);

/* ---- hosts.ics ---------------------------------------------------------- */

/* One line of hosts.ics that is not blank and not a comment. */
struct ics_line {
	size_t line; /* 1-based */
	char *text;  /* the line as UTF-8 (any bytes when it is damaged), without CR LF */
	size_t text_len;
	char *address; /* an entry's address and name; NULL when corrupt */
	char *name;
	bool corrupt;
	const char *problem; /* corrupt: what is wrong, untranslated (N_), for _() */
	/* The time stamp ICS writes after '#' (a SYSTEMTIME: year month weekday day h m s ms). */
	bool has_time;
	int year, month, day, hour, minute, second;
};

struct ics_file {
	const char *encoding; /* "UTF-8", "UTF-16LE" or "UTF-16BE" */
	struct ics_line *v;
	size_t n;
	size_t ncorrupt;
	size_t nlines; /* lines in the file, comments included */
};

/*
 * Parses hosts.ics: UTF-8 (with or without a byte order mark) or UTF-16
 * (with one, or little-endian text without one). An entry is
 * "ADDRESS NAME", optionally followed by "# " and ICS's time stamp; any
 * other line that is not blank or a comment is corrupt. Never fails; free
 * with ics_file_free.
 */
void ics_parse(const char *buf, size_t len, struct ics_file *out);
void ics_file_free(struct ics_file *);

/*
 * UTF-16 text (little-endian unless big_endian) as UTF-8, allocated,
 * NUL-terminated, *out_len bytes. Unpaired surrogates and a lone last byte
 * become the byte 0xff, which is not UTF-8, so the line holding them reads
 * as damaged.
 */
char *utf16_to_utf8(const unsigned char *buf, size_t len, bool big_endian, size_t *out_len);

#endif
