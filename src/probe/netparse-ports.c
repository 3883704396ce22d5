/*
 * netparse-ports.c: which sockets hold a port, read from Linux's
 * /proc/net/{udp,udp6,tcp,tcp6} or from macOS's lsof, and whether their
 * owners are the ones a flow expects. Pure functions, tested on recordings.
 */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "probe/netparse.h"
#include "util/util.h"

#define TCP_LISTEN 0x0A
#define LINUX_COMM_MAX 15

/* The fields of one line, split on blanks, at most max of them. */
static size_t
split_fields(const char *line, size_t len, const char **f, size_t *fl, size_t max)
{
	size_t n = 0, i = 0;

	while (i < len && n < max) {
		while (i < len && (line[i] == ' ' || line[i] == '\t'))
			i++;
		if (i == len)
			break;
		f[n] = line + i;
		while (i < len && line[i] != ' ' && line[i] != '\t')
			i++;
		fl[n] = (size_t)(line + i - f[n]);
		n++;
	}
	return n;
}

static bool
parse_hex(const char *s, size_t len, unsigned long *out)
{
	unsigned long v = 0;

	if (len == 0 || len > 16)
		return false;
	for (size_t i = 0; i < len; i++) {
		int c = (unsigned char)s[i], d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return false;
		v = v << 4 | (unsigned long)d;
	}
	*out = v;
	return true;
}

static bool
parse_dec(const char *s, size_t len, unsigned long *out)
{
	unsigned long v = 0;

	if (len == 0 || len > 19)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return false;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	*out = v;
	return true;
}

/*
 * "0100007F:0035" -> 127.0.0.1, 53. The kernel prints each 32-bit word of
 * the address as the host holds it in memory; that is little-endian on
 * every machine Multipass runs on (x86-64, arm64), so it is read as such,
 * whatever machine parses a recording.
 */
static bool
procnet_addr(const char *s, size_t len, bool ipv6, char *buf, size_t buflen, unsigned *port)
{
	size_t alen = ipv6 ? 32 : 8;
	unsigned char bytes[16];
	char text[INET6_ADDRSTRLEN];
	unsigned long word, p;

	if (len != alen + 5 || s[alen] != ':' || !parse_hex(s + alen + 1, 4, &p))
		return false;
	for (size_t w = 0; w < alen / 8; w++) {
		if (!parse_hex(s + w * 8, 8, &word))
			return false;
		for (size_t b = 0; b < 4; b++)
			bytes[w * 4 + b] = (unsigned char)(word >> (8 * b));
	}
	if (inet_ntop(ipv6 ? AF_INET6 : AF_INET, bytes, text, sizeof text) == NULL)
		return false;
	snprintf(buf, buflen, ipv6 ? "[%s]:%lu" : "%s:%lu", text, p);
	*port = (unsigned)p;
	return true;
}

int
procnet_parse(const char *text, size_t len, bool ipv6, bool tcp, unsigned port,
              struct port_sockets *out)
{
	const char *p = text, *end = text + len;
	bool header = false;
	int added = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t ll = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		const char *f[10];
		size_t fl[10], n = split_fields(p, ll, f, fl, 10);
		struct port_socket s;
		unsigned long st, uid, inode;

		p = nl != NULL ? nl + 1 : end;
		if (n == 0)
			continue;
		if (!header) {
			/* "  sl  local_address rem_address   st tx_queue ..." */
			if (n < 4 || fl[0] != 2 || memcmp(f[0], "sl", 2) != 0)
				return -1;
			header = true;
			continue;
		}
		memset(&s, 0, sizeof s);
		if (n < 10 || fl[0] < 2 || f[0][fl[0] - 1] != ':' ||
		    !procnet_addr(f[1], fl[1], ipv6, s.local, sizeof s.local, &s.port) ||
		    !parse_hex(f[3], fl[3], &st) || !parse_dec(f[7], fl[7], &uid) ||
		    !parse_dec(f[9], fl[9], &inode))
			return -1;
		if (s.port != port || (tcp && st != TCP_LISTEN))
			continue;
		s.state = (unsigned)st;
		s.uid = (long)uid;
		s.inode = inode;
		s.pid = -1;
		out->v = xreallocarray(out->v, out->n + 1, sizeof *out->v);
		out->v[out->n++] = s;
		added++;
	}
	return header ? added : -1;
}

/* ---- lsof ---------------------------------------------------------------- */

/* "*:67", "127.0.0.1:53", "[::1]:53", "10.0.0.2:5353->10.0.0.1:53 (IDLE)": the local part. */
static bool
lsof_name(const char *s, size_t len, struct port_socket *out)
{
	const char *arrow = NULL, *colon = NULL;
	unsigned long port;

	for (size_t i = 0; i + 1 < len; i++) {
		if (s[i] == '-' && s[i + 1] == '>') {
			arrow = s + i;
			break;
		}
	}
	if (arrow != NULL)
		len = (size_t)(arrow - s);
	else if (memchr(s, ' ', len) != NULL)
		len = (size_t)((const char *)memchr(s, ' ', len) - s);
	for (size_t i = len; i-- > 0;) {
		if (s[i] == ':') {
			colon = s + i;
			break;
		}
	}
	if (colon == NULL || !parse_dec(colon + 1, len - (size_t)(colon + 1 - s), &port) ||
	    port > 65535)
		return false;
	snprintf(out->local, sizeof out->local, "%.*s", (int)len, s);
	out->port = (unsigned)port;
	return true;
}

static void
add_owned(struct port_sockets *out, struct port_socket *s, long pid, const char *cmd, size_t cmdlen,
          const char *user, size_t userlen)
{
	s->pid = pid;
	s->uid = -1;
	s->process = xstrndup(cmd, cmdlen);
	s->user = user != NULL ? xstrndup(user, userlen) : NULL;
	out->v = xreallocarray(out->v, out->n + 1, sizeof *out->v);
	out->v[out->n++] = *s;
}

/* lsof -F pcLn: "p812", "cdnscrypt-proxy", "Lroot", then per file "f7", "n*:53". */
static int
lsof_parse_fields(const char *text, size_t len, struct port_sockets *out)
{
	const char *p = text, *end = text + len;
	const char *cmd = NULL, *user = NULL;
	size_t cmdlen = 0, userlen = 0;
	unsigned long pid = 0;
	bool have_pid = false;
	int added = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t ll = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		const char *v = p + 1;
		struct port_socket s;

		if (ll > 0 && p[ll - 1] == '\r')
			ll--;
		if (ll == 0) {
			p = nl != NULL ? nl + 1 : end;
			continue;
		}
		switch (p[0]) {
		case 'p':
			if (!parse_dec(v, ll - 1, &pid))
				return -1;
			have_pid = true;
			cmd = user = NULL;
			cmdlen = userlen = 0;
			break;
		case 'c':
			cmd = v;
			cmdlen = ll - 1;
			break;
		case 'L':
			user = v;
			userlen = ll - 1;
			break;
		case 'n':
			memset(&s, 0, sizeof s);
			if (!have_pid || !lsof_name(v, ll - 1, &s))
				return -1;
			add_owned(out, &s, (long)pid, cmd != NULL ? cmd : "?",
			          cmd != NULL ? cmdlen : 1, user, userlen);
			added++;
			break;
		default:
			/* f (descriptor), t, P, T, u, g, R...: not needed */
			if (!isalpha((unsigned char)p[0]))
				return -1;
			break;
		}
		p = nl != NULL ? nl + 1 : end;
	}
	return added;
}

/*
 * The table lsof prints by default:
 * COMMAND     PID   USER   FD   TYPE  DEVICE SIZE/OFF NODE NAME
 * bootpd      423   root    3u  IPv4  0x...      0t0  UDP *:67
 * A command name may hold blanks (with +c 0), so fields are found from
 * the PID (the first all-digit field) and from the end (NAME, after NODE).
 */
static int
lsof_parse_table(const char *text, size_t len, struct port_sockets *out)
{
	const char *p = text, *end = text + len;
	bool header = false;
	int added = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t ll = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		const char *f[32];
		size_t fl[32], n, pidf = 0, namef;
		unsigned long pid = 0;
		struct port_socket s;

		n = split_fields(p, ll, f, fl, 32);
		p = nl != NULL ? nl + 1 : end;
		if (n == 0)
			continue;
		if (!header) {
			if (fl[0] != 7 || memcmp(f[0], "COMMAND", 7) != 0)
				return -1;
			header = true;
			continue;
		}
		for (size_t i = 1; i < n; i++) {
			if (parse_dec(f[i], fl[i], &pid)) {
				pidf = i;
				break;
			}
		}
		namef = n - 1;
		if (fl[namef] > 0 && f[namef][0] == '(') /* "(LISTEN)", "(IDLE)" */
			namef--;
		if (pidf == 0 || namef < pidf + 2)
			return -1;
		memset(&s, 0, sizeof s);
		if (!lsof_name(f[namef], fl[namef], &s))
			return -1;
		add_owned(out, &s, (long)pid, f[0], (size_t)(f[pidf - 1] + fl[pidf - 1] - f[0]),
		          f[pidf + 1], fl[pidf + 1]);
		added++;
	}
	return header ? added : -1;
}

int
lsof_parse(const char *text, size_t len, struct port_sockets *out)
{
	size_t i = 0;

	while (i < len && isspace((unsigned char)text[i]))
		i++;
	if (i == len)
		return 0; /* lsof prints nothing when nothing matches */
	if (text[i] == 'p')
		return lsof_parse_fields(text + i, len - i, out);
	return lsof_parse_table(text + i, len - i, out);
}

size_t
port_sockets_keep_port(struct port_sockets *s, unsigned port)
{
	size_t kept = 0, n = s->n;

	for (size_t i = 0; i < n; i++) {
		if (s->v[i].port == port) {
			s->v[kept++] = s->v[i];
			continue;
		}
		free(s->v[i].process);
		free(s->v[i].user);
	}
	s->n = kept;
	return n - kept;
}

void
port_sockets_free(struct port_sockets *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].process);
		free(s->v[i].user);
	}
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

/* ---- judging ----------------------------------------------------------- */

bool
port_owner_allowed(const char *allow, const char *process)
{
	const char *p = allow;
	size_t plen;

	if (allow == NULL || process == NULL)
		return false;
	plen = strlen(process);
	while (*p != '\0') {
		size_t n = strcspn(p, ","), a = n;
		const char *s = p;

		while (a > 0 && isspace((unsigned char)*s)) {
			s++;
			a--;
		}
		while (a > 0 && isspace((unsigned char)s[a - 1]))
			a--;
		if (a > 0 &&
		    ((a == plen && strncasecmp(s, process, a) == 0) ||
		     (plen == LINUX_COMM_MAX && a > plen && strncasecmp(s, process, plen) == 0)))
			return true;
		p += n;
		if (*p == ',')
			p++;
	}
	return false;
}

enum port_verdict
port_owner_judge(const struct port_sockets *s, const char *allow, bool list_complete,
                 bool owners_complete, size_t *decider)
{
	size_t hidden = (size_t)-1;

	*decider = (size_t)-1;
	for (size_t i = 0; i < s->n; i++) {
		const char *name = s->v[i].process;

		if (name == NULL && !owners_complete) {
			if (hidden == (size_t)-1)
				hidden = i;
			continue;
		}
		if (!port_owner_allowed(allow, name != NULL ? name : "kernel")) {
			*decider = i;
			return PORT_CONFLICT;
		}
	}
	if (hidden != (size_t)-1) {
		*decider = hidden;
		return PORT_HIDDEN;
	}
	if (s->n == 0)
		return list_complete ? PORT_FREE : PORT_HIDDEN;
	*decider = 0;
	return list_complete ? PORT_EXPECTED : PORT_HIDDEN;
}
