/*
 * leaseparse.c: DHCP leases files and hosts.ics read entry by entry, as
 * pure functions.
 *
 * Formats, as the programs write them:
 * - dnsmasq (src/lease.c, lease_update_file): one IPv4 lease a line,
 *   "EXPIRY MAC ADDRESS HOSTNAME CLIENT-ID", EXPIRY in seconds since the
 *   epoch (0: infinite), MAC as 2-digit hex octets (prefixed "TT-" for a
 *   hardware type other than Ethernet), "*" for a missing host name or
 *   client id; then, with DHCPv6, a "duid ..." line and IPv6 leases whose
 *   second field is the IAID. Multipass reads it by MAC, first line first.
 * - macOS bootpd (/var/db/dhcpd_leases): one block per lease,
 *       {
 *       	name=primary
 *       	ip_address=192.168.64.2
 *       	hw_address=1,52:54:0:e2:30:dd
 *       	identifier=1,52:54:0:e2:30:dd
 *       	lease=0x66f2a1b3
 *       }
 *   hw_address is "TYPE,ADDRESS" with the octets' leading zeros dropped,
 *   lease the end of the lease in hex seconds since the epoch.
 * - hosts.ics (Windows Internet Connection Sharing): a hosts file whose
 *   entries ICS writes as "ADDRESS NAME.mshome.net # Y M W D h m s ms", the
 *   comment being a SYSTEMTIME (W the day of the week).
 */
#include "config.h"

#include <sys/socket.h>

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "probe/leaseparse.h"
#include "probe/netparse.h"
#include "util/util.h"

#define MAX_TOKENS 8

/* ---- small helpers ------------------------------------------------------ */

struct span {
	const char *p;
	size_t len;
};

/* The next line of [*pos, end) without its line break and trailing CR. */
static bool
next_line(const char **pos, const char *end, struct span *line)
{
	const char *p = *pos, *nl = NULL;
	size_t len;

	if (p >= end)
		return false;
	nl = memchr(p, '\n', (size_t)(end - p));
	len = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
	*pos = nl != NULL ? nl + 1 : end;
	if (len > 0 && p[len - 1] == '\r')
		len--;
	line->p = p;
	line->len = len;
	return true;
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t';
}

static struct span
trim(struct span s)
{
	while (s.len > 0 && is_space(s.p[0])) {
		s.p++;
		s.len--;
	}
	while (s.len > 0 && is_space(s.p[s.len - 1]))
		s.len--;
	return s;
}

static bool
span_is(struct span s, const char *word)
{
	return s.len == strlen(word) && memcmp(s.p, word, s.len) == 0;
}

/* Text a person could have written: UTF-8 without control bytes (tab aside). */
static bool
clean_text(struct span s)
{
	return memchr(s.p, '\r', s.len) == NULL && utf8_is_clean_text(s.p, s.len);
}

/* Splits s at runs of blanks; returns how many words, at most max (the rest is dropped). */
static size_t
split_words(struct span s, struct span *words, size_t max, size_t *total)
{
	size_t n = 0, i = 0;

	*total = 0;
	while (i < s.len) {
		size_t start;

		while (i < s.len && is_space(s.p[i]))
			i++;
		if (i == s.len)
			break;
		start = i;
		while (i < s.len && !is_space(s.p[i]))
			i++;
		if (n < max) {
			words[n].p = s.p + start;
			words[n].len = i - start;
			n++;
		}
		(*total)++;
	}
	return n;
}

static char *
span_dup(struct span s)
{
	return xstrndup(s.p, s.len);
}

/* len bytes, any of them, as an allocated NUL-terminated copy. */
static char *
bytes_dup(const char *p, size_t len)
{
	char *s = xmalloc(len + 1);

	memcpy(s, p, len);
	s[len] = '\0';
	return s;
}

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Octets of 1 or 2 hex digits separated by sep, at most max of them, into
 * bytes. Returns how many, or 0 when s is not that.
 */
static size_t
parse_octets(const char *s, size_t len, char sep, unsigned char *bytes, size_t max)
{
	size_t n = 0, i = 0;

	while (i < len) {
		int v = 0, digits = 0;

		while (i < len && s[i] != sep) {
			int h = hex_value(s[i]);

			if (h < 0 || ++digits > 2)
				return 0;
			v = v * 16 + h;
			i++;
		}
		if (digits == 0 || n == max)
			return 0;
		bytes[n++] = (unsigned char)v;
		if (i < len) {
			i++; /* the separator: another octet must follow */
			if (i == len)
				return 0;
		}
	}
	return n;
}

static void
mac_format(const unsigned char *b, char out[LEASE_MAC_LEN])
{
	static const char hex[] = "0123456789abcdef";
	size_t k = 0;

	for (size_t i = 0; i < 6; i++) {
		if (i > 0)
			out[k++] = ':';
		out[k++] = hex[b[i] >> 4];
		out[k++] = hex[b[i] & 15];
	}
	out[k] = '\0';
}

bool
lease_mac_normalise(const char *s, char out[LEASE_MAC_LEN])
{
	unsigned char b[6];
	size_t len = s != NULL ? strlen(s) : 0;
	char sep = len > 0 && memchr(s, '-', len) != NULL ? '-' : ':';

	out[0] = '\0';
	if (len == 0 || (sep == '-' && memchr(s, ':', len) != NULL))
		return false;
	if (parse_octets(s, len, sep, b, sizeof b) != sizeof b)
		return false;
	mac_format(b, out);
	return true;
}

bool
lease_name_matches(const char *entry, const char *name, const char *domain)
{
	size_t n;

	if (entry == NULL || name == NULL || *name == '\0')
		return false;
	n = strlen(name);
	if (strncasecmp(entry, name, n) != 0)
		return false;
	if (entry[n] == '\0')
		return true;
	if (entry[n] != '.' || entry[n + 1] == '\0')
		return false;
	return domain == NULL || strcasecmp(entry + n + 1, domain) == 0;
}

/* A decimal number of seconds that fits in a time_t. */
static bool
parse_epoch_dec(struct span s, time_t *out)
{
	uint64_t v = 0;

	if (s.len == 0 || s.len > 18)
		return false;
	for (size_t i = 0; i < s.len; i++) {
		if (!isdigit((unsigned char)s.p[i]))
			return false;
		v = v * 10 + (uint64_t)(s.p[i] - '0');
	}
	*out = (time_t)v;
	return true;
}

/* "0x" and 1 to 15 hex digits. */
static bool
parse_epoch_hex(const char *s, time_t *out)
{
	uint64_t v = 0;
	size_t n = 0;

	if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return false;
	for (s += 2; *s != '\0'; s++, n++) {
		int h = hex_value(*s);

		if (h < 0 || n == 15)
			return false;
		v = v * 16 + (uint64_t)h;
	}
	if (n == 0)
		return false;
	*out = (time_t)v;
	return true;
}

/* AF_INET or AF_INET6 for a literal address, else 0. */
static int
addr_family(const char *s)
{
	struct net_addr a;

	return s != NULL && net_addr_parse(s, &a) ? a.family : 0;
}

/* ---- DHCP leases -------------------------------------------------------- */

const char *
lease_format_name(enum lease_format f)
{
	switch (f) {
	case LEASE_FORMAT_EMPTY:
		return "empty";
	case LEASE_FORMAT_DNSMASQ:
		return "dnsmasq";
	case LEASE_FORMAT_BOOTPD:
		return "bootpd";
	default:
		return "unknown";
	}
}

static bool
bootpd_key_line(struct span t)
{
	static const char *const keys[] = {
	    "name=", "ip_address=", "hw_address=", "identifier=", "lease="};

	for (size_t i = 0; i < nitems(keys); i++) {
		size_t n = strlen(keys[i]);

		if (t.len >= n && memcmp(t.p, keys[i], n) == 0)
			return true;
	}
	return false;
}

enum lease_format
lease_detect_format(const char *buf, size_t len)
{
	const char *pos = buf, *end = buf + len;
	struct span line;

	while (next_line(&pos, end, &line)) {
		struct span t = trim(line);

		if (t.len == 0)
			continue;
		/* A block that lost its opening brace still reads as bootpd's. */
		if (t.p[0] == '{' || t.p[0] == '}' || bootpd_key_line(t))
			return LEASE_FORMAT_BOOTPD;
		if (isdigit((unsigned char)t.p[0]) || str_has_prefix(t.p, "duid "))
			return LEASE_FORMAT_DNSMASQ;
		return LEASE_FORMAT_UNKNOWN;
	}
	return LEASE_FORMAT_EMPTY;
}

static struct lease_entry *
lease_add(struct lease_file *lf, size_t first, size_t last)
{
	struct lease_entry *e;

	lf->v = xreallocarray(lf->v, lf->n + 1, sizeof *lf->v);
	e = &lf->v[lf->n++];
	memset(e, 0, sizeof *e);
	e->first_line = first;
	e->last_line = last;
	return e;
}

static void
lease_mark(struct lease_file *lf, struct lease_entry *e, const char *problem)
{
	if (e->corrupt)
		return; /* the first problem says it */
	e->corrupt = true;
	e->problem = problem;
	lf->ncorrupt++;
}

static void
set_str(char **dst, struct span s)
{
	free(*dst);
	*dst = span_dup(s);
}

/*
 * A dnsmasq hardware address: octets, after an optional "TT-" type. An
 * Ethernet address (no type, six octets) also fills mac.
 */
static bool
dnsmasq_hw(struct span s, char mac[LEASE_MAC_LEN])
{
	unsigned char b[16];
	size_t n;

	mac[0] = '\0';
	if (s.len > 3 && s.p[2] == '-') {
		if (hex_value(s.p[0]) < 0 || hex_value(s.p[1]) < 0)
			return false;
		return parse_octets(s.p + 3, s.len - 3, ':', b, sizeof b) > 0;
	}
	n = parse_octets(s.p, s.len, ':', b, sizeof b);
	if (n == 6)
		mac_format(b, mac);
	return n > 0;
}

static bool
hex_octets(struct span s)
{
	unsigned char b[256];

	return parse_octets(s.p, s.len, ':', b, sizeof b) > 0;
}

/* The IAID of a DHCPv6 lease: decimal, "T" first for a temporary address. */
static bool
dnsmasq_iaid(struct span s)
{
	time_t dummy;

	if (s.len > 0 && s.p[0] == 'T') {
		s.p++;
		s.len--;
	}
	return parse_epoch_dec(s, &dummy);
}

static void
dnsmasq_line(struct lease_file *lf, struct span line, size_t lineno, bool *v6)
{
	struct span w[MAX_TOKENS];
	size_t total, n = split_words(line, w, MAX_TOKENS, &total);
	struct lease_entry *e = NULL;

	if (n == 0)
		return;
	e = lease_add(lf, lineno, lineno);
	e->text = bytes_dup(line.p, line.len);
	e->text_len = line.len;
	if (!clean_text(line)) {
		lease_mark(lf, e, N_("the line holds control bytes or text that is not UTF-8"));
		return;
	}
	if (span_is(w[0], "duid")) {
		/* Opens the DHCPv6 leases; not a lease itself. */
		if (total != 2 || !hex_octets(w[1]))
			lease_mark(lf, e, N_("a 'duid' line that is not 'duid' and hex octets"));
		*v6 = true;
		e->ipv6 = true;
		return;
	}
	/* Whatever can still be read, so damage can be traced to an instance. */
	if (n >= 2) {
		set_str(&e->hw, w[1]);
		dnsmasq_hw(w[1], e->mac);
	}
	if (n >= 3)
		set_str(&e->ip, w[2]);
	if (n >= 4 && !span_is(w[3], "*"))
		set_str(&e->name, w[3]);
	e->ipv6 = *v6;
	if (total < 5) {
		lease_mark(lf, e,
		           N_("an incomplete line: fewer than the five fields "
		              "EXPIRY MAC ADDRESS HOSTNAME CLIENT-ID"));
		return;
	}
	if (total > 5) {
		lease_mark(lf, e, N_("more fields than EXPIRY MAC ADDRESS HOSTNAME CLIENT-ID"));
		return;
	}
	if (!parse_epoch_dec(w[0], &e->expires)) {
		lease_mark(lf, e, N_("the expiry time is not a number of seconds"));
		return;
	}
	if (*v6 ? !dnsmasq_iaid(w[1]) : !dnsmasq_hw(w[1], e->mac)) {
		lease_mark(lf, e,
		           *v6 ? N_("the IAID is not a number")
		               : N_("the hardware address is not hex octets"));
		return;
	}
	if (addr_family(e->ip) != (*v6 ? AF_INET6 : AF_INET)) {
		lease_mark(lf, e,
		           *v6 ? N_("the address is not an IPv6 address")
		               : N_("the address is not an IPv4 address"));
		return;
	}
	if (e->name != NULL && !dns_name_valid(e->name)) {
		lease_mark(lf, e, N_("the host name is not a valid name"));
		return;
	}
	if (!span_is(w[4], "*") && !hex_octets(w[4])) {
		lease_mark(lf, e, N_("the client id is not '*' or hex octets"));
		return;
	}
}

static void
parse_dnsmasq(const char *buf, size_t len, struct lease_file *lf)
{
	const char *pos = buf, *end = buf + len;
	struct span line;
	size_t lineno = 0;
	bool v6 = false;

	while (next_line(&pos, end, &line))
		dnsmasq_line(lf, line, ++lineno, &v6);
}

/* A bootpd block being read. */
struct block {
	struct lease_entry *e;
	struct strbuf text;
	bool seen_name, seen_ip, seen_hw, seen_lease;
	char *lease;
};

static void
block_text(struct block *b, struct span t)
{
	if (b->text.len > 0)
		strbuf_addc(&b->text, ' ');
	strbuf_add(&b->text, t.p, t.len);
}

/* "TYPE,ADDRESS": the type in hex, the address as octets; type 1 with six is Ethernet. */
static bool
bootpd_hw(const char *hw, char mac[LEASE_MAC_LEN])
{
	const char *comma = strchr(hw, ',');
	unsigned char b[16];
	size_t n;

	mac[0] = '\0';
	if (comma == NULL || comma == hw || comma - hw > 2)
		return false;
	for (const char *p = hw; p < comma; p++) {
		if (hex_value(*p) < 0)
			return false;
	}
	n = parse_octets(comma + 1, strlen(comma + 1), ':', b, sizeof b);
	if (n == 6 && comma - hw == 1 && hw[0] == '1')
		mac_format(b, mac);
	return n > 0;
}

static void
block_key(struct lease_file *lf, struct block *b, struct span t)
{
	const char *eq = memchr(t.p, '=', t.len);
	struct span key, val;
	bool *seen = NULL;

	if (eq == NULL || eq == t.p) {
		lease_mark(lf, b->e, N_("a line in the block is not KEY=VALUE"));
		return;
	}
	key.p = t.p;
	key.len = (size_t)(eq - t.p);
	val.p = eq + 1;
	val.len = t.len - key.len - 1;
	if (span_is(key, "name")) {
		seen = &b->seen_name;
		set_str(&b->e->name, val);
	} else if (span_is(key, "ip_address")) {
		seen = &b->seen_ip;
		set_str(&b->e->ip, val);
	} else if (span_is(key, "hw_address")) {
		seen = &b->seen_hw;
		set_str(&b->e->hw, val);
		bootpd_hw(b->e->hw, b->e->mac);
	} else if (span_is(key, "lease")) {
		seen = &b->seen_lease;
		set_str(&b->lease, val);
	} else {
		return; /* identifier, and whatever later versions add */
	}
	if (*seen)
		lease_mark(lf, b->e, N_("a key appears twice in the block"));
	*seen = true;
}

/* A block at its closing brace (or cut short): is it a whole lease? */
static void
block_end(struct lease_file *lf, struct block *b, size_t last)
{
	struct lease_entry *e = b->e;

	e->last_line = last;
	e->text_len = b->text.len;
	e->text = strbuf_detach(&b->text);
	if (!b->seen_ip)
		lease_mark(lf, e, N_("the block has no ip_address"));
	else if (addr_family(e->ip) != AF_INET)
		lease_mark(lf, e, N_("ip_address is not an IPv4 address"));
	if (!b->seen_hw)
		lease_mark(lf, e, N_("the block has no hw_address"));
	else if (!bootpd_hw(e->hw, e->mac))
		lease_mark(lf, e, N_("hw_address is not TYPE,ADDRESS"));
	if (!b->seen_lease)
		lease_mark(lf, e, N_("the block has no lease time"));
	else if (!parse_epoch_hex(b->lease, &e->expires))
		lease_mark(lf, e, N_("lease is not a time in hexadecimal (0x...)"));
	if (b->seen_name && (e->name == NULL || e->name[0] == '\0'))
		lease_mark(lf, e, N_("the name is empty"));
	free(b->lease);
	memset(b, 0, sizeof *b);
}

static void
block_start(struct lease_file *lf, struct block *b, size_t lineno)
{
	memset(b, 0, sizeof *b);
	b->e = lease_add(lf, lineno, lineno);
}

static void
parse_bootpd(const char *buf, size_t len, struct lease_file *lf)
{
	const char *pos = buf, *end = buf + len;
	struct block b;
	struct span line;
	size_t lineno = 0, last = 0;
	bool open = false;

	memset(&b, 0, sizeof b);
	while (next_line(&pos, end, &line)) {
		struct span t = trim(line);
		struct lease_entry *e = NULL;

		lineno++;
		if (t.len == 0)
			continue;
		if (span_is(t, "{")) {
			if (open) {
				/* lease_add may move the entries: mark before the next one. */
				lease_mark(lf, b.e, N_("the block has no closing brace"));
				block_end(lf, &b, last);
			}
			block_start(lf, &b, lineno);
			open = true;
			last = lineno;
			continue;
		}
		if (!open) {
			/* Text before any '{': the tail of a block that lost its head. */
			block_start(lf, &b, lineno);
			lease_mark(lf, b.e,
			           N_("text outside a { } block (its opening brace is missing)"));
			open = true;
		}
		e = b.e;
		last = lineno;
		if (span_is(t, "}")) {
			block_end(lf, &b, lineno);
			open = false;
			continue;
		}
		block_text(&b, t);
		if (!clean_text(t)) {
			lease_mark(lf, e,
			           N_("the block holds control bytes or text that is not UTF-8"));
			continue;
		}
		block_key(lf, &b, t);
	}
	if (open) {
		lease_mark(lf, b.e, N_("the file ends inside a block (no closing brace)"));
		block_end(lf, &b, last);
	}
}

void
lease_parse(const char *buf, size_t len, struct lease_file *out)
{
	memset(out, 0, sizeof *out);
	out->format = lease_detect_format(buf, len);
	switch (out->format) {
	case LEASE_FORMAT_DNSMASQ:
		parse_dnsmasq(buf, len, out);
		break;
	case LEASE_FORMAT_BOOTPD:
		parse_bootpd(buf, len, out);
		break;
	default:
		break;
	}
}

void
lease_file_free(struct lease_file *lf)
{
	for (size_t i = 0; i < lf->n; i++) {
		free(lf->v[i].text);
		free(lf->v[i].name);
		free(lf->v[i].ip);
		free(lf->v[i].hw);
	}
	free(lf->v);
	memset(lf, 0, sizeof *lf);
}

static bool
word_char(char c)
{
	return isalnum((unsigned char)c) || c == '-' || c == '_';
}

bool
lease_text_mentions(const struct lease_entry *e, const char *name, const char *mac)
{
	const char *t = e->text, *end = NULL;
	size_t n = name != NULL ? strlen(name) : 0;

	if (t == NULL)
		return false;
	end = t + e->text_len;
	for (const char *p = t; n > 0 && p + n <= end; p++) {
		if (strncasecmp(p, name, n) == 0 && (p == t || !word_char(p[-1])) &&
		    (p + n == end || !word_char(p[n])))
			return true;
	}
	if (mac == NULL)
		return false;
	/* Words between blanks, '=' and ',' that read as a MAC address. */
	for (const char *p = t; p < end;) {
		const char *q = p;
		char word[40], norm[LEASE_MAC_LEN];

		while (q < end && *q != ' ' && *q != '\t' && *q != '=' && *q != ',')
			q++;
		if ((size_t)(q - p) < sizeof word) {
			memcpy(word, p, (size_t)(q - p));
			word[q - p] = '\0';
			if (lease_mac_normalise(word, norm) && strcmp(norm, mac) == 0)
				return true;
		}
		p = q < end ? q + 1 : end;
	}
	return false;
}

/* ---- hosts.ics ---------------------------------------------------------- */

static void
put_utf8(struct strbuf *sb, uint32_t cp)
{
	if (cp < 0x80) {
		strbuf_addc(sb, (char)cp);
	} else if (cp < 0x800) {
		strbuf_addc(sb, (char)(0xc0 | (cp >> 6)));
		strbuf_addc(sb, (char)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		strbuf_addc(sb, (char)(0xe0 | (cp >> 12)));
		strbuf_addc(sb, (char)(0x80 | ((cp >> 6) & 0x3f)));
		strbuf_addc(sb, (char)(0x80 | (cp & 0x3f)));
	} else {
		strbuf_addc(sb, (char)(0xf0 | (cp >> 18)));
		strbuf_addc(sb, (char)(0x80 | ((cp >> 12) & 0x3f)));
		strbuf_addc(sb, (char)(0x80 | ((cp >> 6) & 0x3f)));
		strbuf_addc(sb, (char)(0x80 | (cp & 0x3f)));
	}
}

char *
utf16_to_utf8(const unsigned char *buf, size_t len, bool big_endian, size_t *out_len)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i = 0;

	while (i + 1 < len) {
		uint32_t u = big_endian ? (uint32_t)(buf[i] << 8 | buf[i + 1])
		                        : (uint32_t)(buf[i + 1] << 8 | buf[i]);

		i += 2;
		if (u >= 0xd800 && u <= 0xdbff && i + 1 < len) {
			uint32_t lo = big_endian ? (uint32_t)(buf[i] << 8 | buf[i + 1])
			                         : (uint32_t)(buf[i + 1] << 8 | buf[i]);

			if (lo >= 0xdc00 && lo <= 0xdfff) {
				i += 2;
				put_utf8(&sb, 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00));
				continue;
			}
		}
		if (u >= 0xd800 && u <= 0xdfff)
			strbuf_addc(&sb, (char)0xff);
		else
			put_utf8(&sb, u);
	}
	if (i < len)
		strbuf_addc(&sb, (char)0xff);
	*out_len = sb.len;
	return strbuf_detach(&sb);
}

/*
 * UTF-16LE without a byte order mark: ASCII text then has a NUL after
 * nearly every byte, and almost none before one. A run of NULs in a damaged
 * UTF-8 file has them on both sides.
 */
static bool
looks_utf16le(const unsigned char *b, size_t len)
{
	size_t pairs = 0, odd = 0, even = 0;

	for (size_t i = 0; i + 1 < len && pairs < 512; i += 2, pairs++) {
		if (b[i] == 0)
			even++;
		if (b[i + 1] == 0)
			odd++;
	}
	return pairs >= 2 && odd * 10 >= pairs * 8 && even * 20 <= pairs;
}

/* "# Y M W D h m s ms": the SYSTEMTIME ICS writes after each entry. */
static bool
ics_time(struct span c, struct ics_line *l)
{
	static const int lo[8] = {1601, 1, 0, 1, 0, 0, 0, 0};
	static const int hi[8] = {30827, 12, 6, 31, 23, 59, 59, 999};
	struct span w[MAX_TOKENS + 1];
	size_t total, n = split_words(c, w, MAX_TOKENS + 1, &total);
	int v[8];

	if (n != 8 || total != 8)
		return false;
	for (size_t i = 0; i < 8; i++) {
		long x = 0;

		if (w[i].len == 0 || w[i].len > 5)
			return false;
		for (size_t k = 0; k < w[i].len; k++) {
			if (!isdigit((unsigned char)w[i].p[k]))
				return false;
			x = x * 10 + (w[i].p[k] - '0');
		}
		if (x < lo[i] || x > hi[i])
			return false;
		v[i] = (int)x;
	}
	l->has_time = true;
	l->year = v[0];
	l->month = v[1];
	l->day = v[3];
	l->hour = v[4];
	l->minute = v[5];
	l->second = v[6];
	return true;
}

static void
ics_mark(struct ics_file *f, struct ics_line *l, const char *problem)
{
	l->corrupt = true;
	l->problem = problem;
	f->ncorrupt++;
}

static void
ics_line(struct ics_file *f, struct span line, size_t lineno)
{
	struct span t = trim(line), fields, w[3];
	const char *hash = NULL;
	struct ics_line *l = NULL;
	size_t total;

	if (t.len == 0 || (t.p[0] == '#' && clean_text(t)))
		return;
	f->v = xreallocarray(f->v, f->n + 1, sizeof *f->v);
	l = &f->v[f->n++];
	memset(l, 0, sizeof *l);
	l->line = lineno;
	l->text = bytes_dup(line.p, line.len);
	l->text_len = line.len;
	if (!clean_text(t)) {
		ics_mark(f, l, N_("the line holds control bytes or text that is not UTF-8"));
		return;
	}
	hash = memchr(t.p, '#', t.len);
	fields.p = t.p;
	fields.len = hash != NULL ? (size_t)(hash - t.p) : t.len;
	split_words(fields, w, 3, &total);
	if (total < 2) {
		ics_mark(f, l, N_("half an entry: an address or a name alone"));
		return;
	}
	if (total > 2) {
		ics_mark(f, l, N_("more than ADDRESS NAME before the comment"));
		return;
	}
	l->address = span_dup(w[0]);
	l->name = span_dup(w[1]);
	if (addr_family(l->address) == 0) {
		ics_mark(f, l, N_("the address is not an IP address"));
	} else if (!dns_name_valid(l->name)) {
		ics_mark(f, l, N_("the name is not a valid host name"));
	} else if (hash != NULL) {
		struct span c = {hash + 1, t.len - fields.len - 1};

		if (!ics_time(c, l))
			ics_mark(f, l,
			         N_("the time stamp after '#' is not the eight numbers ICS "
			            "writes (year month weekday day hour minute second ms)"));
	}
	if (l->corrupt) {
		free(l->address);
		free(l->name);
		l->address = l->name = NULL;
	}
}

void
ics_parse(const char *buf, size_t len, struct ics_file *out)
{
	const unsigned char *b = (const unsigned char *)buf;
	char *text = NULL;
	size_t tlen = 0;
	const char *pos = NULL, *end = NULL;
	struct span line;
	size_t lineno = 0;

	memset(out, 0, sizeof *out);
	out->encoding = "UTF-8";
	if (len >= 2 && b[0] == 0xff && b[1] == 0xfe) {
		out->encoding = "UTF-16LE";
		text = utf16_to_utf8(b + 2, len - 2, false, &tlen);
	} else if (len >= 2 && b[0] == 0xfe && b[1] == 0xff) {
		out->encoding = "UTF-16BE";
		text = utf16_to_utf8(b + 2, len - 2, true, &tlen);
	} else if (looks_utf16le(b, len)) {
		out->encoding = "UTF-16LE";
		text = utf16_to_utf8(b, len, false, &tlen);
	} else if (len >= 3 && b[0] == 0xef && b[1] == 0xbb && b[2] == 0xbf) {
		text = bytes_dup(buf + 3, len - 3);
		tlen = len - 3;
	} else {
		text = bytes_dup(buf, len);
		tlen = len;
	}
	pos = text;
	end = text + tlen;
	while (next_line(&pos, end, &line))
		ics_line(out, line, ++lineno);
	out->nlines = lineno;
	free(text);
}

void
ics_file_free(struct ics_file *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->v[i].text);
		free(f->v[i].address);
		free(f->v[i].name);
	}
	free(f->v);
	memset(f, 0, sizeof *f);
}
