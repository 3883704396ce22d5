/*
 * probe-manual.c: each probe done by hand, for a help desk's transcript.
 * vmtriage's probes look at the machine they run on; a caller on the phone
 * has to look at theirs, so each check step becomes the commands they type
 * and, outcome by outcome, what those print.
 *
 * The commands are those the source documents use (tcpdump on the bridge,
 * lsof -iUDP:67, dig @SERVER, qemu-img check, socketfilterfw, hosts.ics),
 * made to do what the probe really does (its filter, its default paths from
 * platform/paths.c) and corrected where the tools differ from the documents
 * (the Linux bridge is mpqemubr0 only on older Multipass; multipassd logs
 * QMP events at debug level only). Values are quoted for the platform's
 * shell: POSIX sh on Linux and macOS, PowerShell on Windows.
 *
 * Commands are never translated; the prose is, and names an outcome first
 * ("free: ...") so a flow's branches can be matched to what was seen.
 */
#include "config.h"

#include <sys/socket.h>

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "platform/paths.h"
#include "probe/logparse.h"
#include "probe/netparse.h"
#include "probe/probe-manual.h"
#include "probe/probe.h"

#define SOCKETFILTERFW "/usr/libexec/ApplicationFirewall/socketfilterfw"
#define BOOT_FINISHED "/var/lib/cloud/instance/boot-finished"
#define DHCP_CAPTURE "udp port 67 and port 68"
#define DHCP_FILE_FILTER "udp port 67 or udp port 68"
#define VIRTIO_GREP "grep -e virtio_pci -e virtio_blk -e virtio_scsi"
/* Linux cuts a process name to this many characters; pgrep -x compares with the cut name. */
#define LINUX_COMM_MAX 15

/* One probe being written out. */
struct manual {
	const struct probe_entry *pe;
	const struct params *params;
	const struct platform_info *pi;
	bool windows, darwin, linux_os;
	struct probe_manual *out;
	struct strlist general;  /* notes about no one outcome */
	struct strlist outcomes; /* notes about one, "OUTCOME: text" */
	struct strlist keep;     /* strings the lines were built from, freed at the end */
};

/* ---- values ---------------------------------------------------------------------- */

static const char *
keep(struct manual *m, char *s)
{
	strlist_take(&m->keep, s);
	return s;
}

/* A parameter as given, else the probe's default for it; NULL when neither. */
static const char *
arg(const struct manual *m, const char *name)
{
	const char *v = params_get(m->params, name);
	const struct param_def *d = NULL;

	if (v != NULL)
		return v;
	d = param_def_find(m->pe->params, name);
	return d != NULL ? d->def : NULL;
}

/* A parameter for prose: as given, else its default, else "<name>" to fill in. */
static const char *
txt(struct manual *m, const char *name)
{
	const char *v = arg(m, name);

	return v != NULL ? v : keep(m, xasprintf("<%s>", name));
}

/* A whole-number parameter; fallback when it is not given or not a number. */
static long
num(const struct manual *m, const char *name, long fallback)
{
	const char *s = arg(m, name);
	char *end = NULL;
	long v;

	if (s == NULL || *s == '\0')
		return fallback;
	errno = 0;
	v = strtol(s, &end, 10);
	return errno == 0 && *end == '\0' ? v : fallback;
}

/* Characters PowerShell never treats specially in an argument. */
static bool
ps_safe(const char *w)
{
	if (*w == '\0')
		return false;
	for (; *w != '\0'; w++) {
		if (!isalnum((unsigned char)*w) && strchr("_./:\\-+=", *w) == NULL)
			return false;
	}
	return true;
}

/*
 * w as one PowerShell argument: bare when safe, else in single quotes, where
 * a quote is written twice. PowerShell also takes the typographic single
 * quotes (U+2018 to U+201B) for quotes, so they are doubled too.
 */
static char *
ps_quote(const char *w)
{
	struct strbuf sb = STRBUF_INIT;

	if (ps_safe(w))
		return xstrdup(w);
	strbuf_addc(&sb, '\'');
	while (*w != '\0') {
		if (*w == '\'') {
			strbuf_adds(&sb, "''");
			w++;
		} else if ((unsigned char)w[0] == 0xe2 && (unsigned char)w[1] == 0x80 &&
		           (unsigned char)w[2] >= 0x98 && (unsigned char)w[2] <= 0x9b) {
			strbuf_add(&sb, w, 3);
			strbuf_add(&sb, w, 3);
			w += 3;
		} else
			strbuf_addc(&sb, *w++);
	}
	strbuf_addc(&sb, '\'');
	return strbuf_detach(&sb);
}

/* w as one word of the platform's shell. */
static const char *
q(struct manual *m, const char *w)
{
	if (m->windows)
		return keep(m, ps_quote(w));
	return keep(m, argv_quote((const char *const[]){w, NULL}));
}

/* A parameter quoted for the shell, or "<name>" to fill in when it has no value. */
static const char *
qarg(struct manual *m, const char *name)
{
	const char *v = arg(m, name);

	return v != NULL ? q(m, v) : keep(m, xasprintf("<%s>", name));
}

/* A pattern for grep: quoted, and after -e when it would read as an option. */
static const char *
grep_pattern(struct manual *m, const char *pattern)
{
	if (pattern[0] == '-')
		return keep(m, xasprintf("-e %s", q(m, pattern)));
	return q(m, pattern);
}

/* A name made literal in an extended (or .NET) regular expression. */
static const char *
re_literal(struct manual *m, const char *s)
{
	struct strbuf sb = STRBUF_INIT;

	for (; *s != '\0'; s++) {
		if (strchr(".[]()*+?{}|^$\\", *s) != NULL)
			strbuf_addc(&sb, '\\');
		strbuf_addc(&sb, *s);
	}
	return keep(m, strbuf_detach(&sb));
}

/* "sudo " where commands need root; nothing on Windows (an administrator PowerShell). */
static const char *
sudo(const struct manual *m)
{
	return m->windows ? "" : "sudo ";
}

/* ---- lines ----------------------------------------------------------------------- */

static void cmd(struct manual *m, const char *fmt, ...) VT_PRINTF(2, 3);
static void say(struct manual *m, const char *outcome, const char *fmt, ...) VT_PRINTF(3, 4);

static void
cmd(struct manual *m, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strlist_take(&m->out->commands, xvasprintf(fmt, ap));
	va_end(ap);
}

/* A prose line; about one outcome when outcome is not NULL. fmt is translated. */
static void
say(struct manual *m, const char *outcome, const char *fmt, ...)
{
	va_list ap;
	char *text = NULL;

	va_start(ap, fmt);
	text = xvasprintf(fmt, ap);
	va_end(ap);
	if (outcome == NULL) {
		strlist_take(&m->general, text);
		return;
	}
	strlist_addf(&m->outcomes, "%s: %s", outcome, text);
	free(text);
}

/*
 * The notes as the reader wants them: the general ones first, then those
 * about outcomes in the order the probe lists its outcomes.
 */
static void
order_notes(struct manual *m)
{
	struct strlist *notes = &m->out->notes;
	bool *taken = xcalloc(m->outcomes.n + 1, sizeof *taken);

	for (size_t i = 0; i < m->general.n; i++)
		strlist_add(notes, m->general.v[i]);
	for (const struct outcome_def *o = m->pe->outcomes; o->name != NULL; o++) {
		size_t len = strlen(o->name);

		for (size_t i = 0; i < m->outcomes.n; i++) {
			const char *n = m->outcomes.v[i];

			if (!taken[i] && strncmp(n, o->name, len) == 0 && n[len] == ':') {
				strlist_add(notes, n);
				taken[i] = true;
			}
		}
	}
	for (size_t i = 0; i < m->outcomes.n; i++) {
		if (!taken[i])
			strlist_add(notes, m->outcomes.v[i]);
	}
	free(taken);
}

static void
say_admin(struct manual *m)
{
	if (m->windows)
		say(m, NULL, "%s", _("Run these in PowerShell opened as administrator."));
}

/* ---- file ------------------------------------------------------------------------ */

static void
manual_file(struct manual *m)
{
	const char *path = qarg(m, "path"), *pattern = arg(m, "pattern");

	if (m->windows) {
		cmd(m, "Get-Item -LiteralPath %s", path);
		if (pattern != NULL)
			cmd(m, "Select-String -CaseSensitive -Pattern %s -LiteralPath %s",
			    q(m, pattern), path);
		say(m, "found",
		    pattern == NULL
		        ? _("Get-Item lists the file, with a Mode that does not start with d")
		        : _("Get-Item lists the file, and Select-String prints at least one line "
		            "(with its number)"));
		say(m, "missing", "%s",
		    _("Get-Item says \"Cannot find path ... because it does not exist\""));
		if (pattern != NULL)
			say(m, "no_match", "%s",
			    _("Get-Item lists the file, but Select-String prints nothing"));
		say(m, "unreadable", "%s",
		    _("\"Access to the path ... is denied\", or Get-Item shows a Mode starting "
		      "with d (a folder)"));
		return;
	}
	cmd(m, "ls -l %s", path);
	if (pattern != NULL)
		cmd(m, "grep -n -E %s %s", grep_pattern(m, pattern), path);
	say(m, "found",
	    pattern == NULL
	        ? _("ls lists the file, on a line starting with - (a regular file)")
	        : _("ls lists the file, and grep prints at least one line, after its number"));
	say(m, "missing", "%s", _("ls says \"No such file or directory\""));
	if (pattern != NULL)
		say(m, "no_match", "%s", _("ls lists the file, but grep prints nothing"));
	say(m, "unreadable", "%s",
	    _("\"Permission denied\" (try again with sudo before each command), or ls shows a line "
	      "starting with d (a directory) or another letter than -"));
}

/* ---- command --------------------------------------------------------------------- */

/* The command as the platform's shell takes it, from the probe's argv words. */
static const char *
command_line(struct manual *m, const char *argv_text)
{
	char **argv = NULL, *cause = NULL;
	struct strbuf sb = STRBUF_INIT;

	if ((argv = argv_split(argv_text, &cause)) == NULL || argv[0] == NULL) {
		free(cause);
		argv_free(argv);
		return argv_text;
	}
	if (!m->windows) {
		char *s = argv_quote((const char *const *)argv);

		argv_free(argv);
		return keep(m, s);
	}
	for (size_t i = 0; argv[i] != NULL; i++) {
		char *w = ps_quote(argv[i]);

		/* A quoted program name is a string to PowerShell until & calls it. */
		if (i == 0 && w[0] == '\'')
			strbuf_adds(&sb, "& ");
		strbuf_addf(&sb, "%s%s", i > 0 ? " " : "", w);
		free(w);
	}
	argv_free(argv);
	return keep(m, strbuf_detach(&sb));
}

static void
manual_command(struct manual *m)
{
	const char *line = arg(m, "argv") != NULL ? command_line(m, arg(m, "argv")) : "<argv>";
	const char *pattern = arg(m, "pattern");
	long expect = num(m, "expect_status", 0), seconds = num(m, "seconds", 10);

	cmd(m, "%s", line);
	cmd(m, "%s", m->windows ? "$LASTEXITCODE" : "echo $?");
	if (pattern != NULL)
		cmd(m,
		    m->windows ? "%s 2>&1 | Select-String -CaseSensitive -Pattern %s"
		               : "%s 2>&1 | grep -E %s",
		    line, m->windows ? q(m, pattern) : grep_pattern(m, pattern));
	say(m, NULL,
	    _("The second command prints the exit status of the first; it must come right after "
	      "it."));
	say(m, "ok",
	    pattern == NULL ? _("the exit status is %ld")
	                    : _("the exit status is %ld, and the last command prints a line"),
	    expect);
	say(m, "fail", _("the exit status is another number than %ld"), expect);
	if (pattern != NULL)
		say(m, "no_match", _("the exit status is %ld, but the last command prints nothing"),
		    expect);
	say(m, "not_found", "%s",
	    m->windows ? _("\"The term ... is not recognized as the name of a cmdlet, function, "
	                   "script file, or operable program\"")
	               : _("\"command not found\" (the exit status is 127)"));
	say(m, "timeout",
	    _("it has not ended after %ld seconds: stop it with Ctrl-C and note what it printed"),
	    seconds);
	say(m, "denied", "%s",
	    m->windows ? _("\"Access is denied\"")
	               : _("\"Permission denied\" (the exit status is 126)"));
}

/* ---- dhcp ------------------------------------------------------------------------ */

static void
manual_dhcp(struct manual *m)
{
	const char *iface = arg(m, "interface"), *file = arg(m, "file"), *save = arg(m, "save");
	long seconds = num(m, "seconds", 30);

	if (m->windows && file == NULL) {
		say(m, NULL, "%s",
		    _("Not available on Windows: there is no tcpdump, and the Hyper-V Default "
		      "Switch's DHCP server (Internet Connection Sharing) cannot be watched this "
		      "way. What it handed out is in hosts.ics: look at that instead."));
		return;
	}
	if (file != NULL && m->windows) {
		say(m, NULL,
		    _("Windows has no tcpdump: open %s in Wireshark with the display filter dhcp; "
		      "its Info column names each message (DHCP Discover, Offer, Request, ACK, "
		      "NAK)."),
		    file);
	} else if (file != NULL) {
		cmd(m, "tcpdump -n -v -r %s %s", q(m, file), DHCP_FILE_FILTER);
	} else {
		if (iface == NULL && m->linux_os)
			cmd(m, "ip -brief link show type bridge");
		if (iface == NULL)
			iface = m->pi->bridge;
		if (save != NULL) {
			cmd(m, "sudo tcpdump -n -i %s -w %s %s", q(m, iface), q(m, save),
			    DHCP_CAPTURE);
			cmd(m, "tcpdump -n -v -r %s", q(m, save));
		} else
			cmd(m, "sudo tcpdump -n -v -i %s %s", q(m, iface), DHCP_CAPTURE);
		if (m->linux_os && arg(m, "interface") == NULL)
			say(m, NULL,
			    _("The first command lists the bridges: Multipass's is mpqemubr0 in "
			      "older versions, mpqemubr plus a zone name in newer ones. Put its "
			      "name in place of %s."),
			    iface);
		if (m->darwin && arg(m, "interface") == NULL)
			say(m, NULL, "%s",
			    _("bridge100 appears only while at least one instance is running: \"No "
			      "such device\" or \"BIOCSETIF failed\" means none is."));
		say(m, NULL,
		    save != NULL
		        ? _("Start the capture, then start or launch the instance right away. Stop "
		            "it with Ctrl-C after %ld seconds, or once an ACK has come, then read "
		            "the capture with the last command.")
		        : _("Start the capture, then start or launch the instance right away. Stop "
		            "it with Ctrl-C after %ld seconds, or once an ACK has come."),
		    seconds);
	}
	if (!m->windows)
		say(m, NULL, "%s",
		    _("tcpdump -v names each message's type on its DHCP-Message line (Discover, "
		      "Offer, Request, ACK, NACK); the instance's MAC address starts with "
		      "52:54:00."));
	say(m, "no_request", "%s",
	    _("no packet at all, or none of type Discover or Request: the VM never asked (it did "
	      "not boot, or its network card is not up)"));
	say(m, "no_reply", "%s",
	    _("Discover or Request packets, but no Offer and no ACK comes back"));
	say(m, "offer_no_ack", "%s", _("an Offer (or a NACK), but no ACK"));
	say(m, "ok", "%s", _("an ACK: its Your-IP is the address the instance got"));
}

/* ---- ssh ------------------------------------------------------------------------- */

/* How ssh logs in with the probe's login parameters: "sudo ssh -i KEY ... USER@HOST". */
static const char *
ssh_prefix(struct manual *m, const char *host, bool with_timeout)
{
	struct strbuf sb = STRBUF_INIT;
	const char *key = arg(m, "key");
	long port = num(m, "port", 22);

	/* Multipass's own key is readable by root (administrators) only. */
	if (key == NULL && !m->windows)
		strbuf_adds(&sb, "sudo ");
	strbuf_addf(&sb, "ssh -i %s", q(m, key != NULL ? key : m->pi->ssh_key));
	if (port != 22)
		strbuf_addf(&sb, " -p %ld", port);
	if (arg(m, "known_hosts") != NULL)
		strbuf_addf(&sb, " -o UserKnownHostsFile=%s", qarg(m, "known_hosts"));
	if (with_timeout)
		strbuf_addf(&sb, " -o ConnectTimeout=%ld", num(m, "seconds", 10));
	if (with_timeout && params_get_bool(m->params, "accept_new", false))
		strbuf_adds(&sb, " -o StrictHostKeyChecking=accept-new");
	strbuf_addf(&sb, " %s@%s", txt(m, "user"), host);
	return keep(m, strbuf_detach(&sb));
}

/* What ssh says when it cannot log in; the outcome names are the guest's, else the ssh probe's. */
static void
say_ssh_failures(struct manual *m, bool guest)
{
	const char *unknown = guest ? "host_key_unknown" : "hostkey_unknown";
	const char *changed = guest ? "host_key_changed" : "hostkey_changed";
	const char *denied = guest ? "auth_failed" : "auth_denied";

	if (guest)
		say(m, "unreachable", "%s",
		    _("\"Connection refused\", \"Connection timed out\", \"Operation timed out\" "
		      "or \"No route to host\""));
	else {
		say(m, "refused", "%s", _("\"Connection refused\""));
		say(m, "timeout", "%s", _("\"Connection timed out\" or \"Operation timed out\""));
	}
	say(m, unknown, "%s",
	    _("\"The authenticity of host ... can't be established\" and a question: answer no "
	      "unless the fingerprint is known to be the instance's"));
	say(m, changed, "%s", _("\"WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!\""));
	say(m, denied, "%s",
	    _("\"Permission denied (publickey)\"; \"Load key ...: Permission denied\" means the "
	      "key may only be read as root (sudo) or by an administrator"));
}

static void
manual_ssh(struct manual *m)
{
	const char *host = arg(m, "host") != NULL ? q(m, arg(m, "host")) : "<host>";
	const char *command = arg(m, "command");

	if (command != NULL)
		cmd(m, "%s %s", ssh_prefix(m, host, true), q(m, command));
	else
		cmd(m, "%s", ssh_prefix(m, host, true));
	if (m->windows)
		say(m, NULL, "%s",
		    _("Run it in PowerShell opened as administrator: Multipass's key may be read "
		      "by administrators only. ssh comes with Windows 10 and later."));
	say(m, "ok",
	    command != NULL ? _("the command runs and prints its output, whatever its exit status")
	                    : _("a prompt of the instance appears (ubuntu@...$): type exit"));
	say_ssh_failures(m, false);
}

/* ---- dns ------------------------------------------------------------------------- */

static void
manual_dns(struct manual *m)
{
	const char *server = qarg(m, "server"), *name = arg(m, "name");
	const char *type = txt(m, "type");
	long port = num(m, "port", 53);
	struct net_addr a;
	bool reverse = strcmp(type, "PTR") == 0 && name != NULL && net_addr_parse(name, &a);

	if (m->windows) {
		if (port != 53)
			cmd(m, "nslookup -port=%ld -type=%s %s %s", port, q(m, type),
			    qarg(m, "name"), server);
		else
			cmd(m, "Resolve-DnsName -Name %s -Type %s -Server %s -DnsOnly",
			    qarg(m, "name"), q(m, type), server);
		if (port != 53) {
			say(m, NULL, "%s",
			    _("Resolve-DnsName asks only port 53, so nslookup asks the other "
			      "port."));
			say(m, "ok", "%s", _("the answer lists records after \"Name:\""));
			say(m, "nodata", "%s",
			    _("no record, and no error: only the server's name"));
			say(m, "nxdomain", "%s", _("\"Non-existent domain\""));
			say(m, "servfail", "%s", _("\"Server failed\""));
			say(m, "refused", "%s", _("\"Query refused\""));
			say(m, "timeout", "%s", _("\"DNS request timed out\", and no answer"));
			return;
		}
		say(m, "ok", "%s", _("it lists records of that type, in the Answer section"));
		say(m, "nodata", "%s",
		    _("no record of that type: only an SOA record (Section Authority), or "
		      "nothing"));
		say(m, "nxdomain", "%s", _("\"DNS name does not exist\""));
		say(m, "servfail", "%s", _("\"DNS server failure\""));
		say(m, "refused", "%s", _("\"DNS operation refused\""));
		say(m, "timeout", "%s",
		    _("\"This operation returned because the timeout period expired\""));
		return;
	}
	if (reverse)
		cmd(m, "dig @%s%s -x %s", server,
		    port != 53 ? keep(m, xasprintf(" -p %ld", port)) : "", q(m, name));
	else
		cmd(m, "dig @%s%s %s%s%s", server,
		    port != 53 ? keep(m, xasprintf(" -p %ld", port)) : "", qarg(m, "name"),
		    strcmp(type, "A") != 0 ? " " : "", strcmp(type, "A") != 0 ? q(m, type) : "");
	if (m->linux_os)
		say(m, NULL, "%s",
		    _("dig comes with the dnsutils package (Debian, Ubuntu) or bind-utils "
		      "(Fedora)."));
	say(m, "ok", "%s", _("\"status: NOERROR\" and an ANSWER SECTION with records"));
	say(m, "nodata", "%s", _("\"status: NOERROR\", but \"ANSWER: 0\""));
	say(m, "nxdomain", "%s", _("\"status: NXDOMAIN\""));
	say(m, "servfail", "%s", _("\"status: SERVFAIL\", or another status not named here"));
	say(m, "refused", "%s",
	    _("\"status: REFUSED\", or \"communications error ... connection refused\""));
	say(m, "timeout", "%s",
	    _("\"connection timed out; no servers could be reached\", or \"no route to host\""));
}

/* ---- reach ----------------------------------------------------------------------- */

static void
manual_reach(struct manual *m)
{
	const char *host = qarg(m, "host"), *raw = arg(m, "host");
	long port = num(m, "port", 0), seconds = num(m, "seconds", 3);
	bool v6 = raw != NULL && strchr(raw, ':') != NULL;

	if (m->windows) {
		if (port == 0) {
			cmd(m, "ping -n 3 %s", host);
			say(m, "reachable", "%s",
			    _("lines \"Reply from ...: bytes=... time=...\" (a reply that says "
			      "\"Destination host unreachable\" is not one)"));
			say(m, "unreachable", "%s",
			    _("\"Destination host unreachable\", or \"General failure\""));
			say(m, "timeout", "%s", _("\"Request timed out.\" each time"));
			return;
		}
		cmd(m, "Test-NetConnection %s -Port %ld", host, port);
		say(m, "reachable", "%s",
		    _("\"TcpTestSucceeded : True\"; or False with \"PingSucceeded : True\": the "
		      "host answers, only the port is closed"));
		say(m, "unreachable", "%s",
		    _("\"TcpTestSucceeded : False\" and the warning \"Ping to ... failed with "
		      "status: DestinationHostUnreachable\""));
		say(m, "timeout", "%s",
		    _("\"TcpTestSucceeded : False\" and the warning \"Ping to ... failed with "
		      "status: TimedOut\""));
		return;
	}
	if (port == 0) {
		cmd(m, "%s -c 3 %s", v6 && m->darwin ? "ping6" : "ping", host);
		say(m, "reachable", "%s", _("lines \"64 bytes from ...\" with a time"));
		say(m, "unreachable", "%s",
		    _("\"Destination Host Unreachable\", \"No route to host\", \"Host is down\" or "
		      "\"Network is unreachable\""));
		say(m, "timeout", "%s",
		    /* xgettext:no-c-format */
		    _("no reply line, and \"100% packet loss\" at the end (macOS also says "
		      "\"Request timeout\")"));
		return;
	}
	cmd(m, "nc -v -z -w %ld %s %ld", seconds, host, port);
	say(m, "reachable", "%s",
	    _("\"succeeded\" or \"open\", and also \"Connection refused\": the host answered, only "
	      "the port is closed"));
	say(m, "unreachable", "%s",
	    _("\"No route to host\", \"Host is down\" or \"Network is unreachable\""));
	say(m, "timeout", _("\"timed out\", or nothing at all for %ld seconds"), seconds);
}

/* ---- route ----------------------------------------------------------------------- */

/*
 * The address the probe asks about: the destination, or a subnet's first
 * host address; for a subnet also the next one, for when the first is this
 * machine's own. *next is empty when there is none.
 */
static bool
route_addresses(const char *dest, char *first, char *next, size_t len, int *family)
{
	struct net_addr net, a;
	unsigned prefix;
	bool subnet;

	next[0] = '\0';
	if (dest == NULL || !net_cidr_parse(dest, &net, &prefix))
		return false;
	*family = net.family;
	subnet = strchr(dest, '/') != NULL && prefix + 1 < (net.family == AF_INET ? 32u : 128u);
	net_cidr_probe_addr(&net, prefix, &a);
	net_addr_str(&a, first, len);
	if (subnet && net_cidr_next(&net, prefix, &a))
		net_addr_str(&a, next, len);
	return true;
}

static void
manual_route(struct manual *m)
{
	const char *dest = arg(m, "destination"), *expect = arg(m, "expect");
	char first[64], next[64];
	const char *addrs[2] = {NULL, NULL};
	int family = AF_INET;

	if (route_addresses(dest, first, next, sizeof first, &family)) {
		addrs[0] = q(m, first);
		if (next[0] != '\0')
			addrs[1] = q(m, next);
	} else
		addrs[0] = qarg(m, "destination");
	for (size_t i = 0; i < nitems(addrs) && addrs[i] != NULL; i++) {
		if (m->windows)
			cmd(m,
			    "Find-NetRoute -RemoteIPAddress %s | Format-List InterfaceAlias, "
			    "DestinationPrefix, NextHop",
			    addrs[i]);
		else if (m->darwin)
			cmd(m, "route -n get %s%s", family == AF_INET6 ? "-inet6 " : "", addrs[i]);
		else
			cmd(m, "ip route get %s", addrs[i]);
	}
	if (m->darwin)
		cmd(m, "netstat -rn -f %s", family == AF_INET6 ? "inet6" : "inet");
	if (addrs[1] != NULL)
		say(m, NULL,
		    _("%s is a subnet: the first command asks about its address %s. When that "
		      "turns out to be this machine's own (%s), the second command's answer is the "
		      "one that counts."),
		    dest, first,
		    m->windows  ? _("DestinationPrefix is that address/32")
		    : m->darwin ? _("interface: lo0")
		                : _("a line starting with \"local\", dev lo"));
	if (m->darwin)
		say(m, NULL, "%s", _("netstat lists every route, to see which one took it."));
	{
		const char *where = m->windows  ? _("InterfaceAlias")
		                    : m->darwin ? _("the \"interface:\" line")
		                                : _("the word after \"dev\"");

		if (expect != NULL) {
			say(m, "via_expected", _("%s is %s"), where, expect);
			say(m, "via_other",
			    _("%s names another interface than %s (utun, tun, wg, ppp or a name "
			      "like them is a VPN's)"),
			    where, expect);
		} else
			say(m, "found", _("%s names an interface"), where);
	}
	say(m, "none", "%s",
	    m->windows  ? _("an error instead of a route")
	    : m->darwin ? _("\"not in table\", or a route with the REJECT or BLACKHOLE flag")
	                : _("\"Network is unreachable\", or a line starting with unreachable, "
	                    "prohibit or blackhole"));
}

/* ---- port_owner ------------------------------------------------------------------ */

static void
manual_port_owner(struct manual *m)
{
	long port = num(m, "port", 0);
	bool tcp = str_eq(arg(m, "proto"), "tcp");
	const char *allow = arg(m, "allow");

	if (m->windows) {
		cmd(m,
		    "%s -LocalPort %ld%s -ErrorAction SilentlyContinue | Select-Object "
		    "LocalAddress, LocalPort, OwningProcess, @{Name='Process'; "
		    "Expression={(Get-Process -Id $_.OwningProcess).ProcessName}}",
		    tcp ? "Get-NetTCPConnection" : "Get-NetUDPEndpoint", port,
		    tcp ? " -State Listen" : "");
		say(m, "free", "%s", _("it prints nothing"));
	} else if (m->darwin) {
		if (tcp)
			cmd(m, "sudo lsof -iTCP:%ld -sTCP:LISTEN -n -P", port);
		else
			cmd(m, "sudo lsof -iUDP:%ld -n -P", port);
		say(m, "free", "%s", _("it prints nothing"));
	} else {
		cmd(m, "sudo ss -l%snp 'sport = :%ld'", tcp ? "t" : "u", port);
		say(m, "free", "%s", _("it prints only its heading line"));
	}
	if (allow != NULL) {
		say(m, "expected",
		    m->windows  ? _("each line's Process is one of %s")
		    : m->darwin ? _("each line's COMMAND (cut to 9 characters) is one of %s")
		                : _("each line's users:((\"NAME\",pid=...)) names one of %s"),
		    allow);
		say(m, "conflict", _("a line names another process than %s"), allow);
	} else
		say(m, "conflict", "%s",
		    _("any line: no process was named as expected, so any holder is in the way"));
	say(m, "hidden", "%s",
	    m->windows ? _("a line whose Process is empty; OwningProcess 4 is the System itself")
	    : m->darwin
	        ? _("run without sudo, lsof shows only your own processes: run it with sudo")
	        : _("a line without users:(...): run it with sudo; with sudo, such a line is the "
	            "kernel's own socket"));
}

/* ---- multipass ------------------------------------------------------------------- */

static void
manual_multipass(struct manual *m)
{
	const char *name = arg(m, "name");

	cmd(m, "multipass version");
	cmd(m, "multipass list");
	if (name != NULL)
		cmd(m, "multipass info %s", q(m, name));
	say(m, "not_installed",
	    m->windows ? _("\"The term 'multipass' is not recognized ...\", and %s holds no "
	                   "multipass.exe either")
	               : _("\"command not found\", and %s holds no multipass either"),
	    m->pi->bin_dir);
	say(m, "daemon_down", "%s",
	    _("version prints the multipass line but no multipassd line, and list says \"cannot "
	      "connect to the multipass socket\" (or \"failed to connect to all addresses\")"));
	say(m, "denied", "%s",
	    _("list says \"socket access denied\", \"not authenticated\" or \"Permission denied\": "
	      "run it with sudo (as administrator on Windows), or run 'multipass authenticate'"));
	if (name == NULL) {
		say(m, "ok", "%s",
		    _("version prints both a multipass and a multipassd line, and list prints its "
		      "table (or \"No instances found.\")"));
		return;
	}
	say(m, "running", "%s", _("info shows \"State: Running\""));
	say(m, "stopped", "%s", _("info shows \"State: Stopped\""));
	say(m, "unknown", "%s", _("info shows \"State: Unknown\""));
	say(m, "other_state", "%s",
	    _("info shows State: Starting, Restarting, Suspending, Suspended, Delayed Shutdown or "
	      "Deleted"));
	say(m, "instance_missing", _("info says \"instance \"%s\" does not exist\""), name);
}

/* ---- process --------------------------------------------------------------------- */

static void
manual_process(struct manual *m)
{
	const char *name = arg(m, "name");

	if (m->windows) {
		char *bare = xstrdup(name != NULL ? name : "<name>");
		size_t n = strlen(bare);

		/* Get-Process takes the name without ".exe". */
		if (n > 4 && strcasecmp(bare + n - 4, ".exe") == 0)
			bare[n - 4] = '\0';
		cmd(m, "Get-Process -Name %s", name != NULL ? q(m, bare) : bare);
		free(bare);
		say(m, "running", "%s", _("a line per process, with its Id"));
		say(m, "not_running", "%s", _("\"Cannot find a process with the name ...\""));
		return;
	}
	if (m->linux_os && name != NULL && strlen(name) > LINUX_COMM_MAX)
		cmd(m, "pgrep -l -f %s", q(m, name));
	else
		cmd(m, "pgrep -l -x %s", qarg(m, "name"));
	say(m, "running", "%s", _("a line \"PID NAME\" per process"));
	say(m, "not_running", "%s", _("it prints nothing"));
}

/* ---- disk_space ------------------------------------------------------------------ */

static void
manual_disk_space(struct manual *m)
{
	const char *path = arg(m, "path"), *need = txt(m, "need");

	if (m->windows) {
		if (path != NULL && isalpha((unsigned char)path[0]) && path[1] == ':') {
			char drive[2] = {(char)toupper((unsigned char)path[0]), '\0'};

			cmd(m, "Get-PSDrive -Name %s", drive);
		} else
			cmd(m, "Get-PSDrive -PSProvider FileSystem");
		say(m, "ok", _("Free (GB) is at least %s (powers of 1024)"), need);
		say(m, "low", _("Free (GB) is less than %s"), need);
		say(m, "not_found", "%s",
		    _("\"Cannot find drive. A drive with the name ... does not exist.\""));
		return;
	}
	cmd(m, "df -h %s", qarg(m, "path"));
	say(m, NULL, "%s",
	    _("When df says \"No such file or directory\", the path does not exist yet: ask about "
	      "the nearest folder above it that does."));
	say(m, "ok", _("Avail is at least %s (powers of 1024: macOS writes Gi for G)"), need);
	say(m, "low", _("Avail is less than %s"), need);
	say(m, "not_found", "%s", _("does not happen here: / holds every path"));
}

/* ---- log ------------------------------------------------------------------------- */

/* PowerShell's time "since ago": (Get-Date).AddHours(-24). */
static const char *
ps_since(struct manual *m, long secs)
{
	if (secs % 86400 == 0)
		return keep(m, xasprintf("(Get-Date).AddDays(-%ld)", secs / 86400));
	if (secs % 3600 == 0)
		return keep(m, xasprintf("(Get-Date).AddHours(-%ld)", secs / 3600));
	if (secs % 60 == 0)
		return keep(m, xasprintf("(Get-Date).AddMinutes(-%ld)", secs / 60));
	return keep(m, xasprintf("(Get-Date).AddSeconds(-%ld)", secs));
}

/*
 * What keeps the lines of one instance, appended to a search of a log in
 * multipassd's text format: "[NAME]" is its category, and its errors about
 * the instance start with "NAME: ". Empty without an instance.
 */
static const char *
instance_filter(struct manual *m, const char *instance)
{
	const char *category = NULL, *error = NULL;

	if (instance == NULL)
		return "";
	category = q(m, keep(m, xasprintf("[%s]", instance)));
	error = q(m, keep(m, xasprintf("%s: ", instance)));
	if (m->windows)
		return keep(
		    m, xasprintf(" | Select-String -SimpleMatch -Pattern %s, %s", category, error));
	return keep(m, xasprintf(" | grep -F -e %s -e %s", category, error));
}

static void
manual_log(struct manual *m)
{
	const char *pattern = arg(m, "pattern"), *file = arg(m, "file"), *unit = arg(m, "unit");
	const char *instance = arg(m, "instance"), *problem = NULL;
	const char *pat = pattern == NULL ? "<pattern>"
	                  : m->windows    ? q(m, pattern)
	                                  : grep_pattern(m, pattern);
	const char *since = NULL, *howto = _(m->pi->log_level_howto);
	bool debug = pattern != NULL && log_pattern_is_debug(pattern);
	long secs = 86400;
	char *window = NULL;

	if (!log_duration_parse(txt(m, "since"), &secs, &problem))
		secs = 86400;
	window = log_duration_format(secs);
	since = keep(m, window);

	if (file != NULL || m->darwin) {
		const char *path = file != NULL ? q(m, file) : q(m, m->pi->log_file);
		const char *su = file != NULL ? "" : "sudo ";

		if (m->windows) {
			cmd(m, "Select-String -CaseSensitive -Pattern %s -LiteralPath %s%s", pat,
			    path, instance_filter(m, instance));
			if (debug)
				cmd(m,
				    "(Select-String -SimpleMatch -Pattern '[debug]' -LiteralPath "
				    "%s).Count",
				    path);
		} else {
			cmd(m, "%sgrep -E %s %s%s", su, pat, path, instance_filter(m, instance));
			if (debug)
				cmd(m, "%sgrep -c -F '[debug]' %s", su, path);
		}
		say(m, NULL,
		    _("Only lines whose time stamp (at the start of the line) lies in the last %s "
		      "count."),
		    since);
		say(m, "no_log", "%s",
		    _("the file is missing or empty, or has no line from that time"));
		say(m, "unreadable", "%s", _("\"Permission denied\": run it with sudo"));
	} else if (m->windows) {
		cmd(m,
		    "Get-WinEvent -FilterHashtable @{LogName='Application'; "
		    "ProviderName='Multipass'; StartTime=%s} | ForEach-Object { '{0:o} {1} {2}' -f "
		    "$_.TimeCreated, $_.LevelDisplayName, $_.Properties[0].Value } | Select-String "
		    "-CaseSensitive -Pattern %s%s",
		    ps_since(m, secs), pat, instance_filter(m, instance));
		say(m, "no_log", "%s",
		    _("\"No events were found that match the specified selection criteria\""));
		say(m, "unreadable", "%s",
		    _("\"Attempted to perform an unauthorized operation\": use PowerShell opened "
		      "as administrator"));
	} else {
		const char *units =
		    keep(m, xasprintf("--unit=%s", q(m, unit != NULL ? unit : "snap.multipass*")));

		if (instance != NULL) {
			cmd(m, "sudo journalctl %s --since=-%s --no-pager CATEGORY=%s | grep -E %s",
			    units, since, q(m, instance), pat);
			cmd(m,
			    "sudo journalctl %s --since=-%s --no-pager | grep -E %s | grep -F %s",
			    units, since, pat, q(m, keep(m, xasprintf("%s: ", instance))));
			say(m, NULL, "%s",
			    _("multipassd files an instance's lines under its name (CATEGORY); its "
			      "errors about the instance start with the name instead: the second "
			      "command finds those."));
		} else
			cmd(m, "sudo journalctl %s --since=-%s --no-pager | grep -E %s", units,
			    since, pat);
		if (debug)
			cmd(m,
			    "sudo journalctl %s --since=-%s --no-pager --priority=debug..debug | "
			    "head -n 5",
			    units, since);
		say(m, "no_log", "%s",
		    _("journalctl says \"-- No entries --\", or \"Failed to add filter for units: "
		      "No data available\" (no such unit)"));
		say(m, "unreadable", "%s",
		    _("\"No journal files were opened due to insufficient permissions\", or only "
		      "your own messages: run it with sudo (or as a member of the adm or "
		      "systemd-journal group)"));
	}
	say(m, "found", "%s",
	    m->windows ? _("Select-String prints at least one line")
	               : _("grep prints at least one line"));
	say(m, "not_found", "%s",
	    _("it prints nothing, though the log has lines from that time (leave out the pattern "
	      "to see them)"));
	if (debug) {
		if (m->windows && file == NULL)
			say(m, "hidden",
			    _("it prints nothing, and what the pattern looks for is logged at "
			      "debug level only, which the event log records as Information, so "
			      "its absence proves nothing unless the daemon logs at debug level: "
			      "%s"),
			    howto);
		else
			say(m, "hidden",
			    _("it prints nothing, and the last command finds no debug line: what "
			      "the pattern looks for is logged at debug level only, so its absence "
			      "proves nothing; to log at debug level, %s"),
			    howto);
	}
}

/* ---- leases ---------------------------------------------------------------------- */

/* A MAC address as macOS's bootpd writes it: the octets' leading zeros dropped. */
static const char *
mac_darwin(struct manual *m, const char *mac)
{
	struct strbuf sb = STRBUF_INIT;
	bool start = true;

	for (const char *p = mac; *p != '\0'; p++) {
		if (start && *p == '0' && p[1] != '\0' && p[1] != ':')
			continue;
		start = *p == ':';
		strbuf_addc(&sb, (char)tolower((unsigned char)*p));
	}
	return keep(m, strbuf_detach(&sb));
}

static void
manual_leases(struct manual *m)
{
	const char *file = arg(m, "file"), *name = arg(m, "name"), *mac = arg(m, "mac");
	const char *subnet = arg(m, "subnet");
	struct strbuf who = STRBUF_INIT;

	if (file == NULL && m->pi->leases_file == NULL) {
		say(m, NULL, "%s",
		    _("Not available on Windows: Hyper-V's instances get their addresses from "
		      "Internet Connection Sharing, which keeps no leases file; what it handed out "
		      "is in hosts.ics: look at that instead."));
		return;
	}
	if (m->windows)
		cmd(m, "Get-Content -LiteralPath %s", qarg(m, "file"));
	else {
		cmd(m, "sudo cat %s", file != NULL ? q(m, file) : q(m, m->pi->leases_file));
		cmd(m, "date +%%s");
	}
	if (name != NULL)
		strbuf_addf(&who, "%s", name);
	if (mac != NULL)
		strbuf_addf(&who, "%s%s", who.len > 0 ? _(" or ") : "",
		            m->darwin ? mac_darwin(m, mac) : mac);
	if (who.len == 0)
		strbuf_adds(&who, "<name>");
	if (m->linux_os || (file != NULL && !m->windows))
		say(m, NULL, "%s",
		    /* xgettext:no-c-format */
		    _("dnsmasq (Linux) writes a lease a line: when it ends, in the seconds date "
		      "+%s prints (0: never), the MAC address, the address, the name."));
	if (m->darwin || (file != NULL && !m->windows))
		say(m, NULL, "%s",
		    /* xgettext:no-c-format */
		    _("bootpd (macOS) writes a block per lease: name=, ip_address=, "
		      "hw_address=1,MAC (the octets' leading zeros dropped) and lease=, when it "
		      "ends, in hexadecimal seconds: printf '%d\\n' 0x... turns it into the "
		      "seconds date +%s prints."));
	say(m, "found",
	    subnet != NULL
	        ? _("exactly one lease for %s that has not ended, with an address inside %s")
	        : _("exactly one lease for %s that has not ended"),
	    who.buf, subnet);
	say(m, "duplicate", "%s",
	    _("more than one lease that has not ended: the name twice, the MAC address with two "
	      "addresses, or its address leased to another MAC address as well"));
	say(m, "stale",
	    subnet != NULL ? _("every lease for %s has ended, or lies outside %s")
	                   : _("every lease for %s has ended"),
	    who.buf, subnet);
	say(m, "missing", _("no lease names %s"), who.buf);
	say(m, "corrupt", "%s",
	    _("jumbled or cut-off text: a block without its closing }, a line without an address"));
	say(m, "no_file", "%s", _("\"No such file or directory\""));
	say(m, "unreadable", "%s", _("\"Permission denied\""));
	strbuf_free(&who);
}

/* ---- hosts_ics ------------------------------------------------------------------- */

static void
manual_hosts_ics(struct manual *m)
{
	const char *file = arg(m, "file"), *name = arg(m, "name");
	const char *re = keep(m, xasprintf("\\s%s(\\.mshome\\.net)?(\\s|$)",
	                                   name != NULL ? re_literal(m, name) : "<name>"));

	if (!m->windows && file == NULL) {
		say(m, NULL, "%s",
		    _("Windows only: hosts.ics is where Windows's Internet Connection Sharing "
		      "names the Hyper-V instances; run this on the Windows machine."));
		return;
	}
	if (m->windows) {
		const char *path = q(m, file != NULL ? file : m->pi->hosts_ics);

		cmd(m, "Get-Content -LiteralPath %s", path);
		cmd(m, "Select-String -Pattern %s -LiteralPath %s", q(m, re), path);
		say_admin(m);
	} else {
		cmd(m, "cat -v %s", q(m, file));
		cmd(m, "grep -n -i -E %s %s",
		    q(m, keep(m, xasprintf("[[:space:]]%s(\\.mshome\\.net)?([[:space:]]|$)",
		                           name != NULL ? re_literal(m, name) : "<name>"))),
		    q(m, file));
		say(m, NULL, "%s",
		    _("A file saved by Windows may be UTF-16: when cat shows ^@ between the "
		      "letters, read it with iconv -f UTF-16 -t UTF-8 first."));
	}
	say(m, NULL,
	    _("Entries read ADDRESS NAME.mshome.net # time stamp; the second command lists those "
	      "for %s."),
	    txt(m, "name"));
	say(m, "ok", "%s", _("the second command prints exactly one line"));
	say(m, "missing", "%s", _("the second command prints nothing"));
	say(m, "duplicate", "%s",
	    _("it prints more than one line: keep the first, remove the others (in an editor "
	      "opened as administrator), save, and try again"));
	say(m, "corrupt", "%s",
	    _("lines that do not read ADDRESS NAME: odd characters, half lines, addresses that are "
	      "not addresses"));
	say(m, "no_file", "%s",
	    _("\"Cannot find path ... because it does not exist\" (or \"No such file or "
	      "directory\")"));
	say(m, "unreadable", "%s",
	    _("\"Access to the path ... is denied\": use PowerShell opened as administrator"));
}

/* ---- firewall -------------------------------------------------------------------- */

static void
manual_firewall(struct manual *m)
{
	const char *app = txt(m, "app");

	if (m->windows) {
		say(m, NULL, "%s",
		    _("Not available on Windows: this check reads macOS's application firewall or "
		      "Multipass's Linux rules. On Windows the document suspects anti-virus and "
		      "network security software (Symantec, ESET, Kaspersky, Malwarebytes): turn "
		      "it off for a moment to test."));
		return;
	}
	if (m->darwin) {
		cmd(m, "%s --getglobalstate", SOCKETFILTERFW);
		cmd(m, "%s --getblockall", SOCKETFILTERFW);
		cmd(m, "sudo %s --listapps | grep -A 1 -F %s", SOCKETFILTERFW, q(m, app));
		say(m, "off", "%s", _("the first says \"Firewall is disabled. (State = 0)\""));
		say(m, "blocked",
		    _("the first says \"State = 2\" (essential services only), the second says "
		      "block all is enabled (on), or the line after %s says \"Block incoming "
		      "connections\""),
		    app);
		say(m, "allowed", _("the line after %s says \"Allow incoming connections\""), app);
		say(m, "not_listed",
		    _("the firewall is on (State = 1), block all is off, and the last command "
		      "prints nothing: the documented workaround is sudo %s --add %s, then sudo %s "
		      "--unblock %s"),
		    SOCKETFILTERFW, app, SOCKETFILTERFW, app);
		say(m, "unreadable", "%s",
		    _("\"must be root\", or it says the settings are managed by the organisation "
		      "(a managed Mac: only its administrators can look)"));
		return;
	}
	cmd(m, "sudo iptables-legacy-save | grep -E '^\\*|^:FORWARD|^:INPUT|^-A INPUT|Multipass'");
	cmd(m, "sudo iptables-nft-save | grep -E '^\\*|^:FORWARD|^:INPUT|^-A INPUT|Multipass'");
	cmd(m, "sudo nft list ruleset | grep -E '^table|hook input|dport'");
	say(m, NULL, "%s",
	    _("Multipass writes its rules with one of the two backends; when neither command "
	      "exists, use sudo iptables-save, or sudo nft list ruleset."));
	say(m, "ok",
	    _("rules commented \"generated for Multipass network %s\": in *filter, FORWARD ACCEPT "
	      "rules in and out of the bridge; in *nat, a MASQUERADE rule for its subnet"),
	    arg(m, "bridge") != NULL ? arg(m, "bridge") : "mpqemubr0");
	say(m, "rules_missing", "%s",
	    _("some of those rules, or all of them, are missing (sudo snap restart multipass "
	      "writes them again)"));
	say(m, "forward_blocked", "%s",
	    _("the rules are there in one backend, and the other one's *filter shows \":FORWARD "
	      "DROP\" without them (Docker sets that policy)"));
	say(m, "dhcp_blocked", "%s",
	    _("a rule on the INPUT path drops or rejects udp port 67 (\"-A INPUT ... -p udp ... "
	      "--dport 67 -j DROP\" or REJECT, or \"udp dport 67 drop\" in a chain with \"hook "
	      "input\") ahead of Multipass's accept of it or without one, or \":INPUT DROP\" "
	      "with no accept of udp port 67 on the bridge"));
	say(m, "unreadable", "%s", _("\"Permission denied (you must be root)\": use sudo"));
}

/* ---- image ----------------------------------------------------------------------- */

/* ".../instances/<instance>/<image>": the instance's name, or NULL. */
static const char *
image_instance(struct manual *m, const char *path)
{
	const char *end = NULL, *start = NULL;

	for (const char *p = path; *p != '\0'; p++) {
		if (*p == '/' || *p == '\\') {
			start = end;
			end = p;
		}
	}
	if (start == NULL || start - path < 10)
		return NULL;
	if (strncmp(start - 10, "/instances", 10) != 0 &&
	    strncmp(start - 10, "\\instances", 10) != 0)
		return NULL;
	return end > start + 1 ? keep(m, xstrndup(start + 1, (size_t)(end - start - 1))) : NULL;
}

static void
manual_image(struct manual *m)
{
	const char *given = arg(m, "qemu_img"), *path = arg(m, "path");
	const char *qemu = given != NULL             ? given
	                   : m->pi->qemu_img != NULL ? m->pi->qemu_img
	                                             : "qemu-img";
	const char *prog = q(m, qemu), *image = qarg(m, "path");
	const char *instance = path != NULL ? image_instance(m, path) : NULL;

	/* PowerShell runs a quoted program only with &. */
	if (m->windows && prog[0] == '\'')
		prog = keep(m, xasprintf("& %s", prog));
	cmd(m, "%s%s info --backing-chain %s", sudo(m), prog, image);
	cmd(m, "%s%s check %s", sudo(m), prog, image);
	say_admin(m);
	if (m->linux_os && given == NULL)
		say(m, NULL, "%s",
		    _("qemu-img comes with the qemu-utils package (Debian, Ubuntu)."));
	say(m, "ok", "%s", _("check says \"No errors were found on the image.\""));
	say(m, "leaks", "%s",
	    _("check says \"... leaked clusters were found on the image\", and no errors"));
	say(m, "corrupt", "%s",
	    _("check says \"... errors were found on the image\", or info shows \"corrupt: "
	      "true\""));
	say(m, "missing_backing", "%s", _("\"Could not open backing file\""));
	if (instance != NULL)
		say(m, "in_use",
		    _("\"Failed to get shared \"write\" lock\": its instance is running; stop it "
		      "first (multipass stop %s), or have info read it anyway with -U"),
		    instance);
	else
		say(m, "in_use", "%s",
		    _("\"Failed to get shared \"write\" lock\": a running VM holds it; stop it "
		      "first, or have info read it anyway with -U"));
	say(m, "not_found", "%s", _("\"Could not open ...: No such file or directory\""));
	say(m, "unreadable", "%s", _("\"Could not open ...: Permission denied\""));
	say(m, "unsupported", "%s",
	    _("check says \"This image format does not support checks\" (raw images)"));
}

/* ---- guest ----------------------------------------------------------------------- */

/* Where the guest's commands run. */
enum guest_via { VIA_EXEC, VIA_SSH, VIA_ROOT };

/* Whether a line needs a shell on the guest (pipes, $(...), globs). */
static bool
needs_shell(const char *line)
{
	return strpbrk(line, "|$*;&<>'\"()") != NULL;
}

/* A command line run on the guest, as typed here. */
static void
guest_cmd(struct manual *m, enum guest_via via, const char *line)
{
	if (via == VIA_EXEC) {
		const char *inst = q(m, params_get(m->params, "instance"));

		if (needs_shell(line))
			cmd(m, "multipass exec %s -- sh -c %s", inst, q(m, line));
		else
			cmd(m, "multipass exec %s -- %s", inst, line);
		return;
	}
	cmd(m, "%s %s", ssh_prefix(m, qarg(m, "address"), false),
	    needs_shell(line) ? q(m, line) : line);
}

/* A path of the guest under root, quoted: '/mnt/my guest'/etc/fstab. */
static const char *
rooted(struct manual *m, const char *path)
{
	const char *root = arg(m, "root");
	size_t n = root != NULL ? strlen(root) : 0;

	while (n > 1 && root[n - 1] == '/')
		n--;
	if (root == NULL)
		return keep(m, xasprintf("<root>%s", path));
	if (n == 1 && root[0] == '/')
		return path;
	return keep(m, xasprintf("%s%s", q(m, keep(m, xstrndup(root, n))), path));
}

static void
guest_cloud_init(struct manual *m, enum guest_via via)
{
	if (via == VIA_ROOT) {
		cmd(m, "ls -ld %s %s", rooted(m, "/var/lib/cloud"),
		    rooted(m, "/etc/cloud/cloud-init.disabled"));
		cmd(m, "sudo readlink %s", rooted(m, "/var/lib/cloud/instance"));
		cmd(m, "sudo ls -l %s", rooted(m, "/var/lib/cloud/instances/*/boot-finished"));
		say(m, NULL, "%s",
		    _("readlink names the instance directory of the last boot "
		      "(/var/lib/cloud/instances/ID); what counts is whether the last command "
		      "lists boot-finished under that ID."));
		say(m, "ok", "%s", _("boot-finished is there for that ID"));
		say(m, "not_finished", "%s", _("boot-finished is not there for that ID"));
		say(m, "absent", "%s",
		    _("the first command says /var/lib/cloud does not exist, or lists "
		      "cloud-init.disabled"));
		return;
	}
	guest_cmd(m, via, "cloud-init status --long");
	guest_cmd(m, via, "ls -l " BOOT_FINISHED);
	guest_cmd(m, via, "tail -n 20 /var/log/cloud-init-output.log");
	say(m, "ok", "%s",
	    _("\"status: done\" (with \"extended_status: degraded done\" there were warnings), and "
	      "ls lists boot-finished"));
	say(m, "not_finished", "%s",
	    _("\"status: running\" or \"status: not started\" (\"not run\"), or ls says "
	      "boot-finished does not exist: Multipass waits for it; wait longer, or launch with "
	      "--timeout 1000"));
	say(m, "failed", "%s",
	    _("\"status: error\": the errors follow, and the log's last lines say more"));
	say(m, "absent", "%s",
	    _("\"status: disabled\", or \"cloud-init: command not found\": boot-finished will "
	      "never come"));
}

static void
guest_resolv(struct manual *m, enum guest_via via)
{
	if (via == VIA_ROOT) {
		cmd(m, "ls -l %s", rooted(m, "/etc/resolv.conf"));
		cmd(m, "grep nameserver %s", rooted(m, "/etc/resolv.conf"));
		say(m, NULL, "%s",
		    _("When ls shows a link (->) into /run, the file is written at boot: the disk "
		      "does not hold it (and grep reads this machine's file, not the guest's)."));
		say(m, "ok", "%s",
		    _("a link into /run, or grep prints nameserver lines (127.0.0.53 is "
		      "systemd-resolved, which learns its servers at boot)"));
		say(m, "no_nameserver", "%s",
		    _("not a link, and grep prints nothing (or says it does not exist)"));
		return;
	}
	guest_cmd(m, via, "cat /etc/resolv.conf");
	guest_cmd(m, via, "resolvectl status");
	say(m, NULL, "%s",
	    _("resolvectl matters only when the only nameserver is 127.0.0.53 (systemd-resolved): "
	      "then its \"DNS Servers:\" lines are the servers asked."));
	say(m, "ok", "%s",
	    _("a nameserver line other than 127.0.0.53, or resolvectl lists DNS Servers"));
	say(m, "no_nameserver", "%s",
	    _("no nameserver line (or no /etc/resolv.conf), or only 127.0.0.53 and resolvectl "
	      "lists no DNS Servers"));
}

static void
guest_fstab(struct manual *m, enum guest_via via)
{
	const char *fstab = via == VIA_ROOT ? rooted(m, "/etc/fstab") : "/etc/fstab";
	const char *line =
	    keep(m, xasprintf("grep -n -e /dev/sd -e /dev/hd -e /dev/xvd -e by-path %s", fstab));

	if (via == VIA_ROOT)
		cmd(m, "%s", line);
	else
		guest_cmd(m, via, line);
	say(m, "ok", "%s",
	    _("it prints nothing but lines starting with # (or /etc/fstab does not exist): disks "
	      "are named by UUID=, LABEL= or /dev/vd*"));
	say(m, "device_names", "%s",
	    _("a line not starting with # names /dev/sd*, /dev/hd*, /dev/xvd* or a by-path name: "
	      "under KVM's virtio the disks are /dev/vd*; use UUID= instead"));
}

/* The configuration files that name interfaces, under root when in root mode. */
static const char *
net_config_paths(struct manual *m, enum guest_via via)
{
	static const char *const dirs[] = {
	    "/etc/netplan", "/etc/network/interfaces", "/etc/network/interfaces.d",
	    "/etc/sysconfig/network-scripts", "/etc/NetworkManager/system-connections"};
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < nitems(dirs); i++)
		strbuf_addf(&sb, "%s%s", i > 0 ? " " : "",
		            via == VIA_ROOT ? rooted(m, dirs[i]) : dirs[i]);
	return keep(m, strbuf_detach(&sb));
}

static void
guest_net(struct manual *m, enum guest_via via)
{
	const char *grep = keep(m, xasprintf("sudo grep -r -s -n -e eth -e ens -e enp -e eno -e "
	                                     "DEVICE= -e interface-name= -e iface %s",
	                                     net_config_paths(m, via)));
	const char *ifaces = arg(m, "ifaces");

	if (via == VIA_ROOT) {
		cmd(m, "%s", grep);
		if (ifaces != NULL)
			say(m, NULL, _("The VM has these interfaces: %s."), ifaces);
		else
			say(m, NULL, "%s",
			    _("The VM's interface names are those its console's ip link shows "
			      "(enp1s0 under KVM)."));
	} else {
		guest_cmd(m, via, "ip -o link");
		guest_cmd(m, via, grep);
	}
	say(m, "ok", "%s",
	    _("every interface name the files give (ethernets: entries, iface lines, DEVICE=, "
	      "interface-name=) is one the VM has"));
	say(m, "iface_mismatch", "%s",
	    _("a file names an interface the VM does not have (eth0 or ens33 where it has "
	      "enp1s0)"));
}

static void
guest_udev(struct manual *m, enum guest_via via)
{
	if (via == VIA_ROOT) {
		cmd(m, "cat %s", rooted(m, "/etc/udev/rules.d/70-persistent-net.rules"));
		say(m, "stale_udev", "%s",
		    _("it has ATTR{address}==\"...\" lines: they pin names to the old hypervisor's "
		      "MAC addresses, which a migrated VM no longer has (unless they were kept)"));
	} else {
		guest_cmd(m, via, "cat /etc/udev/rules.d/70-persistent-net.rules");
		guest_cmd(m, via, "ip -o link");
		say(m, "stale_udev", "%s",
		    _("an ATTR{address}==\"...\" of the rules is not a link/ether address ip "
		      "lists: delete the file (or those lines) and reboot"));
	}
	say(m, "ok", "%s",
	    _("\"No such file or directory\", no ATTR{address} line, or every one of them is an "
	      "address the VM has"));
}

static void
guest_initramfs(struct manual *m, enum guest_via via)
{
	if (via == VIA_ROOT) {
		const char *boot = rooted(m, "/boot");

		cmd(m, "ls %s", boot);
		cmd(m,
		    "for f in %s/initrd.img-*; do echo \"$f\"; sudo lsinitramfs \"$f\" | %s; done",
		    boot, VIRTIO_GREP);
		cmd(m,
		    "for f in %s/initramfs-*.img; do echo \"$f\"; sudo lsinitrd \"$f\" | %s; done",
		    boot, VIRTIO_GREP);
		cmd(m, "%s %s", VIRTIO_GREP, rooted(m, "/lib/modules/*/modules.builtin"));
		say(m, NULL, "%s",
		    _("Look at the newest kernel's files (the highest version ls shows): "
		      "initrd.img-* on Debian and Ubuntu (lsinitramfs), initramfs-*.img on Fedora "
		      "and RHEL (lsinitrd)."));
	} else {
		guest_cmd(m, via, "uname -r");
		guest_cmd(m, via, "sudo lsinitramfs /boot/initrd.img-$(uname -r) | " VIRTIO_GREP);
		guest_cmd(m, via, "sudo lsinitrd /boot/initramfs-$(uname -r).img | " VIRTIO_GREP);
		guest_cmd(m, via, VIRTIO_GREP " /lib/modules/$(uname -r)/modules.builtin");
		say(m, NULL, "%s",
		    _("Debian and Ubuntu have lsinitramfs, Fedora and RHEL lsinitrd: one of the "
		      "two says \"command not found\"."));
	}
	say(m, "ok", "%s",
	    _("virtio_pci, and virtio_blk or virtio_scsi, in the initramfs (as .ko files) or in "
	      "modules.builtin"));
	say(m, "no_virtio", "%s",
	    _("they are in neither: under KVM the kernel cannot find its root disk; add them to "
	      "/etc/initramfs-tools/modules (or dracut's add_drivers) and rebuild the initramfs"));
}

/* Whether a name resolves in the instance: what its programs get from the C library. */
static void
guest_lookup(struct manual *m, enum guest_via via)
{
	const char *name = q(m, txt(m, "name"));

	if (via == VIA_ROOT) {
		say(m, NULL, "%s",
		    _("A disk cannot resolve names: look the name up in the running instance "
		      "(over SSH, or with multipass exec), or read the DNS servers its disk names "
		      "with check=resolv."));
		return;
	}
	guest_cmd(m, via, keep(m, xasprintf("getent hosts %s", name)));
	guest_cmd(m, via, "cat /etc/resolv.conf");
	if (via == VIA_EXEC)
		say(m, NULL,
		    _("Or open a shell in it with multipass shell %s, and type getent hosts %s "
		      "there."),
		    q(m, params_get(m->params, "instance")), name);
	else
		say(m, NULL,
		    _("Or log in with the ssh command alone, and type getent hosts %s there."),
		    name);
	say(m, NULL,
	    _("When getent says \"command not found\", nslookup %s asks the same servers: it "
	      "prints \"Name:\" and \"Address:\" lines when the name resolves (the "
	      "\"Address:\" above them is the server's own)."),
	    name);
	say(m, "ok", "%s",
	    _("getent prints a line with an address and the name (nslookup: \"Name:\" and "
	      "\"Address:\" lines)"));
	say(m, "no_answer", "%s",
	    _("getent prints nothing (its exit status is 2): the name does not exist, or no "
	      "server of /etc/resolv.conf's nameserver lines answered (nslookup: \"server "
	      "can't find\" or \"no servers could be reached\")"));
}

static void
manual_guest(struct manual *m)
{
	const char *check = txt(m, "check");
	enum guest_via via = VIA_SSH;

	if (arg(m, "root") != NULL)
		via = VIA_ROOT;
	else if (params_get(m->params, "instance") != NULL)
		via = VIA_EXEC;
	if (via == VIA_ROOT && m->windows) {
		say(m, NULL, "%s",
		    _("Not available on Windows: a guest's disk is opened (qemu-nbd, guestmount) "
		      "and read on Linux."));
		return;
	}
	if (strcmp(check, "cloud_init") == 0)
		guest_cloud_init(m, via);
	else if (strcmp(check, "resolv") == 0)
		guest_resolv(m, via);
	else if (strcmp(check, "fstab") == 0)
		guest_fstab(m, via);
	else if (strcmp(check, "net") == 0)
		guest_net(m, via);
	else if (strcmp(check, "udev") == 0)
		guest_udev(m, via);
	else if (strcmp(check, "initramfs") == 0)
		guest_initramfs(m, via);
	else if (strcmp(check, "lookup") == 0) {
		guest_lookup(m, via);
		if (via == VIA_ROOT)
			return;
	} else {
		say(m, NULL, _("check=%s is not one this probe knows."), check);
		return;
	}
	if (via == VIA_ROOT) {
		say(m, NULL,
		    _("These read the guest's disk mounted at %s on this machine (sudo: its files "
		      "belong to the guest's root)."),
		    txt(m, "root"));
		return;
	}
	if (via == VIA_EXEC) {
		say(m, NULL, "%s",
		    _("When multipass exec itself fails, Multipass cannot reach the instance or "
		      "log in to it: the ssh check's commands tell which (unreachable, "
		      "auth_failed, host_key_changed or host_key_unknown)."));
		return;
	}
	if (m->windows)
		say(m, NULL, "%s",
		    _("Run these in PowerShell opened as administrator: Multipass's key may be "
		      "read by administrators only."));
	say_ssh_failures(m, true);
}

/* ---- the table ------------------------------------------------------------------- */

static const struct {
	const char *probe;
	void (*write)(struct manual *);
} manuals[] = {
    {"file", manual_file},
    {"command", manual_command},
    {"dhcp", manual_dhcp},
    {"ssh", manual_ssh},
    {"dns", manual_dns},
    {"reach", manual_reach},
    {"route", manual_route},
    {"port_owner", manual_port_owner},
    {"multipass", manual_multipass},
    {"process", manual_process},
    {"disk_space", manual_disk_space},
    {"log", manual_log},
    {"leases", manual_leases},
    {"hosts_ics", manual_hosts_ics},
    {"firewall", manual_firewall},
    {"image", manual_image},
    {"guest", manual_guest},
};

bool
probe_manual_build(const char *probe, const struct params *params, const char *os,
                   struct probe_manual *out)
{
	struct manual m;

	memset(out, 0, sizeof *out);
	memset(&m, 0, sizeof m);
	if (probe == NULL || os == NULL)
		return false;
	if ((m.pe = probe_find(probe)) == NULL || (m.pi = platform_info(os)) == NULL)
		return false;
	m.params = params;
	m.windows = strcmp(os, "windows") == 0;
	m.darwin = strcmp(os, "darwin") == 0;
	m.linux_os = strcmp(os, "linux") == 0;
	m.out = out;
	for (size_t i = 0; i < nitems(manuals); i++) {
		if (strcmp(manuals[i].probe, probe) == 0) {
			manuals[i].write(&m);
			order_notes(&m);
			strlist_free(&m.general);
			strlist_free(&m.outcomes);
			strlist_free(&m.keep);
			return true;
		}
	}
	return false; /* a probe without a manual: the test keeps this from happening */
}

void
probe_manual_free(struct probe_manual *m)
{
	if (m == NULL)
		return;
	strlist_free(&m->commands);
	strlist_free(&m->notes);
}

char *
probe_manual(const char *probe, const struct params *params, const char *os)
{
	struct probe_manual m;
	struct strbuf sb = STRBUF_INIT;

	if (!probe_manual_build(probe, params, os, &m))
		return NULL;
	for (size_t i = 0; i < m.commands.n; i++)
		strbuf_addf(&sb, "  %s\n", m.commands.v[i]);
	for (size_t i = 0; i < m.notes.n; i++)
		strbuf_addf(&sb, "%s\n", m.notes.v[i]);
	probe_manual_free(&m);
	return strbuf_detach(&sb);
}
