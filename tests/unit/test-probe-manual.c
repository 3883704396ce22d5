/*
 * test-probe-manual.c: every probe done by hand. Each probe of the table has
 * a manual on some platform, whose notes say what every one of its outcomes
 * looks like; the step's parameters end up in the commands, quoted so the
 * platform's shell gives them back whole; each platform gets its own tools;
 * and an unknown probe or platform gets nothing.
 */
#include "config.h"

#include "cmocka-prelude.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "probe/probe-manual.h"
#include "probe/probe.h"
#include "testutil.h"

static const char *const oses[] = {"linux", "darwin", "windows"};

/* The manual of probe on os, with NULL-terminated name, value pairs as its parameters. */
static bool
build(struct probe_manual *m, const char *probe, const char *os, ...)
{
	struct params p = {NULL, 0};
	const char *name;
	va_list ap;
	bool ok;

	va_start(ap, os);
	while ((name = va_arg(ap, const char *)) != NULL)
		params_set(&p, name, va_arg(ap, const char *));
	va_end(ap);
	ok = probe_manual_build(probe, &p, os, m);
	params_free(&p);
	return ok;
}

/* The words a POSIX shell makes of a command line (no expansion); fails the test when it cannot. */
static char **
words(const char *line)
{
	char *cause = NULL;
	char **argv = argv_split(line, &cause);

	if (argv == NULL)
		fail_msg("cannot split '%s': %s", line, cause);
	return argv;
}

/* The command of m that contains needle; fails the test when none does. */
static const char *
command_with(const struct probe_manual *m, const char *needle)
{
	for (size_t i = 0; i < m->commands.n; i++) {
		if (strstr(m->commands.v[i], needle) != NULL)
			return m->commands.v[i];
	}
	fail_msg("no command contains '%s'", needle);
	return NULL;
}

/* The outcome a note is about ("free" of "free: ..."), in buf; false for a general note. */
static bool
note_outcome(const char *note, char *buf, size_t len)
{
	size_t n = 0;

	while (note[n] != '\0' && (islower((unsigned char)note[n]) || note[n] == '_'))
		n++;
	if (n == 0 || note[n] != ':' || n >= len)
		return false;
	memcpy(buf, note, n);
	buf[n] = '\0';
	return true;
}

/* A value of the right kind for a parameter, as a flow would give it. */
static const char *
sample(const struct param_def *d)
{
	static const struct {
		const char *name, *value;
	} by_name[] = {
	    {"host", "192.168.64.5"},
	    {"server", "192.168.64.1"},
	    {"address", "10.97.0.5"},
	    {"destination", "192.168.64.0/24"},
	    {"allow", "bootpd,launchd"},
	    {"need", "20G"},
	    {"since", "2h"},
	    {"unit", "snap.multipass*"},
	    {"subnet", "192.168.64.0/24"},
	    {"mac", "52:54:00:e2:30:dd"},
	    {"command", "uptime"},
	    {"ifaces", "enp1s0"},
	    {"name", "primary"},
	    {"expect", "bridge100"},
	    {"port", "22"},
	    {"expect_status", "0"},
	};

	for (size_t i = 0; i < nitems(by_name); i++) {
		if (strcmp(by_name[i].name, d->name) == 0)
			return by_name[i].value;
	}
	switch (d->type) {
	case PARAM_PATH:
		return "/srv/vm disk/primary.img";
	case PARAM_INT:
		return "67";
	case PARAM_BOOL:
		return "true";
	case PARAM_SECONDS:
		return "7";
	case PARAM_ARGV:
		return "multipass version";
	case PARAM_REGEX:
		return "NIC_RX_FILTER_CHANGED";
	case PARAM_ENUM:
		return d->choices[0];
	case PARAM_NAME:
		return "primary";
	case PARAM_CIDR:
		return "192.168.64.0/24";
	case PARAM_ADDRESS:
		return "192.168.64.1";
	default:
		return "x";
	}
}

/* Parameters for pe: the required ones, or all of them; check= set when given. */
static void
sample_params(const struct probe_entry *pe, bool all, const char *check, struct params *p)
{
	for (const struct param_def *d = pe->params; d->name != NULL; d++) {
		if (strcmp(d->name, "check") == 0 && check != NULL)
			params_set(p, d->name, check);
		else if (d->required || all)
			params_set(p, d->name, sample(d));
	}
}

/*
 * Adds to seen (one flag per outcome of pe) the outcomes m's notes speak
 * of, and checks that each outcome a note names is one pe has.
 */
static void
collect_outcomes(const struct probe_entry *pe, const struct probe_manual *m, bool *seen)
{
	char name[64];

	for (size_t i = 0; i < m->notes.n; i++) {
		size_t k = 0;

		if (!note_outcome(m->notes.v[i], name, sizeof name))
			continue;
		if (!probe_has_outcome(pe, name))
			fail_msg("%s: a note speaks of '%s', which is not one of its outcomes: %s",
			         pe->name, name, m->notes.v[i]);
		for (const struct outcome_def *o = pe->outcomes; o->name != NULL; o++, k++) {
			if (strcmp(o->name, name) == 0)
				seen[k] = true;
		}
	}
}

static void
test_every_probe(void **state)
{
	(void)state;
	for (size_t i = 0; probe_table[i] != NULL; i++) {
		const struct probe_entry *pe = probe_table[i];
		const char *const *checks = NULL;
		const char *const one[] = {NULL, NULL};
		bool seen[64] = {false};
		size_t ncommands = 0, k = 0;

		for (const struct param_def *d = pe->params; d->name != NULL; d++) {
			if (strcmp(d->name, "check") == 0)
				checks = d->choices;
		}
		if (checks == NULL)
			checks = one;
		for (size_t c = 0; c == 0 || checks[c] != NULL; c++) {
			for (int all = 0; all <= 1; all++) {
				for (size_t o = 0; o < nitems(oses); o++) {
					struct params p = {NULL, 0};
					struct probe_manual m;
					char *text = NULL;

					sample_params(pe, all, checks[c], &p);
					assert_true(probe_manual_build(pe->name, &p, oses[o], &m));
					assert_true(m.commands.n + m.notes.n > 0);
					ncommands += m.commands.n;
					collect_outcomes(pe, &m, seen);
					text = probe_manual(pe->name, &p, oses[o]);
					assert_non_null(text);
					free(text);
					probe_manual_free(&m);
					params_free(&p);
				}
			}
		}
		/* The guest probe over SSH as well (root wins when both are given). */
		if (checks != one) {
			for (size_t c = 0; checks[c] != NULL; c++) {
				struct probe_manual m;

				assert_true(build(&m, pe->name, "linux", "check", checks[c],
				                  "address", "10.97.0.5", NULL));
				collect_outcomes(pe, &m, seen);
				probe_manual_free(&m);
			}
		}
		if (ncommands == 0)
			fail_msg("%s: no platform has a command for it", pe->name);
		for (const struct outcome_def *o = pe->outcomes; o->name != NULL; o++, k++) {
			if (!seen[k])
				fail_msg("%s: no note says what '%s' looks like", pe->name,
				         o->name);
		}
	}
}

static void
test_rendering(void **state)
{
	struct params p = {NULL, 0};
	struct probe_manual m;
	struct strbuf want = STRBUF_INIT;
	char *text = NULL;

	(void)state;
	params_set(&p, "port", "67");
	assert_true(probe_manual_build("port_owner", &p, "darwin", &m));
	for (size_t i = 0; i < m.commands.n; i++)
		strbuf_addf(&want, "  %s\n", m.commands.v[i]);
	for (size_t i = 0; i < m.notes.n; i++)
		strbuf_addf(&want, "%s\n", m.notes.v[i]);
	text = probe_manual("port_owner", &p, "darwin");
	assert_string_equal(text, want.buf);
	assert_true(str_has_prefix(text, "  sudo lsof -iUDP:67 -n -P\n"));
	/* Notes are never indented, so they cannot be taken for commands. */
	for (size_t i = 0; i < m.notes.n; i++)
		assert_false(str_has_prefix(m.notes.v[i], " "));
	/* The outcomes in the probe's own order. */
	assert_true(str_has_prefix(m.notes.v[0], "free: "));
	assert_true(str_has_prefix(m.notes.v[m.notes.n - 1], "hidden: "));
	free(text);
	strbuf_free(&want);
	probe_manual_free(&m);
	params_free(&p);
}

static void
test_parameters(void **state)
{
	struct probe_manual m;
	char **argv = NULL;

	(void)state;
	/* A port, on each platform. */
	assert_true(build(&m, "port_owner", "darwin", "port", "5353", NULL));
	command_with(&m, "lsof -iUDP:5353 ");
	probe_manual_free(&m);
	assert_true(build(&m, "port_owner", "linux", "port", "5353", "proto", "tcp", NULL));
	command_with(&m, "ss -ltnp 'sport = :5353'");
	probe_manual_free(&m);
	assert_true(build(&m, "port_owner", "windows", "port", "5353", NULL));
	command_with(&m, "Get-NetUDPEndpoint -LocalPort 5353 ");
	probe_manual_free(&m);

	/* A path with a space and a quote comes back whole from the shell. */
	assert_true(build(&m, "file", "linux", "path", "/srv/my dir/it's.txt", "pattern",
	                  "^ok [0-9]+$", NULL));
	argv = words(command_with(&m, "ls -l"));
	argv_is(argv, W("ls", "-l", "/srv/my dir/it's.txt"));
	argv_free(argv);
	argv = words(command_with(&m, "grep"));
	argv_is(argv, W("grep", "-n", "-E", "^ok [0-9]+$", "/srv/my dir/it's.txt"));
	argv_free(argv);
	probe_manual_free(&m);

	/* A pattern that starts with '-' is not taken for an option. */
	assert_true(build(&m, "file", "darwin", "path", "/etc/hosts", "pattern", "-v", NULL));
	argv = words(command_with(&m, "grep"));
	argv_is(argv, W("grep", "-n", "-E", "-e", "-v", "/etc/hosts"));
	argv_free(argv);
	probe_manual_free(&m);

	/* macOS's qemu-img and an instance's image both live under "Application Support". */
	assert_true(build(&m, "image", "darwin", "path",
	                  "/var/root/Library/Application "
	                  "Support/multipassd/qemu/vault/instances/primary/ubuntu.img",
	                  NULL));
	argv = words(command_with(&m, " check "));
	argv_is(argv, W("sudo", "/Library/Application Support/com.canonical.multipass/bin/qemu-img",
	                "check",
	                "/var/root/Library/Application "
	                "Support/multipassd/qemu/vault/instances/primary/ubuntu.img"));
	argv_free(argv);
	assert_true(lines_have(&m.notes, "multipass stop primary"));
	probe_manual_free(&m);

	/* ssh: port, user and key as given. */
	assert_true(build(&m, "ssh", "linux", "host", "10.97.0.5", "port", "2222", "user", "admin",
	                  "key", "/home/me/.ssh/id_ed25519", "command", "cat /etc/os-release",
	                  NULL));
	argv = words(m.commands.v[0]);
	argv_is(argv, W("ssh", "-i", "/home/me/.ssh/id_ed25519", "-p", "2222", "-o",
	                "ConnectTimeout=10", "admin@10.97.0.5", "cat /etc/os-release"));
	argv_free(argv);
	probe_manual_free(&m);

	/* dns: the type, and a reverse lookup of an address. */
	assert_true(build(&m, "dns", "darwin", "server", "192.168.64.1", "name", "example.com",
	                  "type", "MX", NULL));
	assert_string_equal(m.commands.v[0], "dig @192.168.64.1 example.com MX");
	probe_manual_free(&m);
	assert_true(build(&m, "dns", "linux", "server", "10.97.0.1", "name", "10.97.0.5", "type",
	                  "PTR", "port", "5353", NULL));
	assert_string_equal(m.commands.v[0], "dig @10.97.0.1 -p 5353 -x 10.97.0.5");
	probe_manual_free(&m);

	/* route: a subnet is asked about by its first address, then the next. */
	assert_true(build(&m, "route", "linux", "destination", "10.97.0.0/16", "expect",
	                  "mpqemubr0", NULL));
	assert_string_equal(m.commands.v[0], "ip route get 10.97.0.1");
	assert_string_equal(m.commands.v[1], "ip route get 10.97.0.2");
	assert_true(lines_have(&m.notes, "via_expected: "));
	assert_true(lines_have(&m.notes, "mpqemubr0"));
	probe_manual_free(&m);

	/* A required parameter not given shows what to fill in. */
	assert_true(build(&m, "disk_space", "linux", NULL));
	assert_string_equal(m.commands.v[0], "df -h <path>");
	probe_manual_free(&m);
}

/* The platform's defaults stand in for parameters not given. */
static void
test_defaults(void **state)
{
	struct probe_manual m;

	(void)state;
	assert_true(build(&m, "dhcp", "linux", NULL));
	command_with(&m, "ip -brief link show type bridge");
	command_with(&m, "sudo tcpdump -n -v -i mpqemubr0 udp port 67 and port 68");
	probe_manual_free(&m);
	assert_true(build(&m, "dhcp", "darwin", "interface", "bridge101", NULL));
	assert_int_equal(m.commands.n, 1);
	command_with(&m, "-i bridge101 udp port 67 and port 68");
	probe_manual_free(&m);
	assert_true(build(&m, "dhcp", "darwin", NULL));
	command_with(&m, "-i bridge100 ");
	probe_manual_free(&m);

	assert_true(
	    build(&m, "leases", "darwin", "name", "primary", "mac", "52:54:00:0a:30:dd", NULL));
	command_with(&m, "sudo cat /var/db/dhcpd_leases");
	/* bootpd drops the octets' leading zeros. */
	assert_true(lines_have(&m.notes, "52:54:0:a:30:dd"));
	probe_manual_free(&m);
	assert_true(build(&m, "leases", "linux", NULL));
	command_with(&m, "/var/snap/multipass/common/data/multipassd/network/dnsmasq.leases");
	probe_manual_free(&m);

	assert_true(build(&m, "ssh", "darwin", "host", "192.168.64.5", NULL));
	command_with(
	    &m, "sudo ssh -i '/var/root/Library/Application Support/multipassd/ssh-keys/id_rsa'");
	command_with(&m, " ubuntu@192.168.64.5");
	probe_manual_free(&m);
	assert_true(build(&m, "ssh", "windows", "host", "192.168.64.5", NULL));
	assert_true(str_has_prefix(m.commands.v[0],
	                           "ssh -i C:\\ProgramData\\Multipass\\data\\ssh-keys\\id_rsa "));
	probe_manual_free(&m);

	assert_true(build(&m, "log", "darwin", "pattern", "timed out", NULL));
	assert_string_equal(m.commands.v[0],
	                    "sudo grep -E 'timed out' /Library/Logs/Multipass/multipassd.log");
	probe_manual_free(&m);
	assert_true(build(&m, "hosts_ics", "windows", "name", "primary", NULL));
	command_with(&m, "C:\\WINDOWS\\System32\\drivers\\etc\\hosts.ics");
	command_with(&m, "'\\sprimary(\\.mshome\\.net)?(\\s|$)'");
	probe_manual_free(&m);
	assert_true(build(&m, "firewall", "darwin", NULL));
	command_with(&m, "--listapps | grep -A 1 -F /usr/libexec/bootpd");
	probe_manual_free(&m);
}

/* Words that belong to one kind of shell only. */
static bool
has_posix_tool(const char *line)
{
	static const char *const tools[] = {"sudo ", "lsof",  "grep ", "tcpdump",  "journalctl",
	                                    "pgrep", "df -h", "dig ",  "ip route", "echo $?"};

	for (size_t i = 0; i < nitems(tools); i++) {
		if (strstr(line, tools[i]) != NULL)
			return true;
	}
	return false;
}

static void
test_platforms(void **state)
{
	(void)state;
	/* No platform is given another's tools, whatever the probe. */
	for (size_t i = 0; probe_table[i] != NULL; i++) {
		for (size_t o = 0; o < nitems(oses); o++) {
			struct params p = {NULL, 0};
			struct probe_manual m;

			sample_params(probe_table[i], true, NULL, &p);
			assert_true(probe_manual_build(probe_table[i]->name, &p, oses[o], &m));
			for (size_t c = 0; c < m.commands.n; c++) {
				const char *line = m.commands.v[c];

				/* These carry commands for the guest, which runs Linux. */
				if (str_has_prefix(line, "ssh ") ||
				    str_has_prefix(line, "multipass exec "))
					continue;
				if (strcmp(oses[o], "windows") == 0 && has_posix_tool(line))
					fail_msg("%s on Windows: %s", probe_table[i]->name, line);
				if (strcmp(oses[o], "windows") != 0 && strstr(line, "Get-") != NULL)
					fail_msg("%s on %s: %s", probe_table[i]->name, oses[o],
					         line);
			}
			probe_manual_free(&m);
			params_free(&p);
		}
	}
}

static void
test_platform_commands(void **state)
{
	struct probe_manual m;

	(void)state;
	assert_true(build(&m, "port_owner", "windows", "port", "67", NULL));
	assert_null(strstr(m.commands.v[0], "lsof"));
	probe_manual_free(&m);

	assert_true(build(&m, "log", "linux", "pattern", "QMP", "since", "2h", NULL));
	command_with(&m, "sudo journalctl --unit='snap.multipass*' --since=-2h --no-pager | grep "
	                 "-E QMP");
	/* QMP is logged at debug level only: the manual looks for debug lines too. */
	command_with(&m, "--priority=debug..debug");
	assert_true(lines_have(&m.notes, "hidden: "));
	probe_manual_free(&m);
	assert_true(build(&m, "log", "windows", "pattern", "QMP", "since", "7d", NULL));
	command_with(&m, "Get-WinEvent -FilterHashtable @{LogName='Application'; "
	                 "ProviderName='Multipass'; StartTime=(Get-Date).AddDays(-7)}");
	probe_manual_free(&m);
	assert_true(build(&m, "log", "darwin", "pattern", "timed out waiting for response", NULL));
	assert_int_equal(m.commands.n, 1);
	assert_false(lines_have(&m.notes, "hidden: "));
	probe_manual_free(&m);

	assert_true(build(&m, "route", "darwin", "destination", "192.168.64.1", NULL));
	assert_string_equal(m.commands.v[0], "route -n get 192.168.64.1");
	assert_true(lines_have(&m.notes, "found: "));
	probe_manual_free(&m);
	assert_true(build(&m, "route", "windows", "destination", "192.168.64.1", NULL));
	command_with(&m, "Find-NetRoute -RemoteIPAddress 192.168.64.1");
	probe_manual_free(&m);

	assert_true(build(&m, "process", "darwin", "name", "bootpd", NULL));
	assert_string_equal(m.commands.v[0], "pgrep -l -x bootpd");
	probe_manual_free(&m);
	assert_true(build(&m, "process", "windows", "name", "multipassd.exe", NULL));
	assert_string_equal(m.commands.v[0], "Get-Process -Name multipassd");
	probe_manual_free(&m);

	assert_true(build(&m, "disk_space", "windows", "path", "D:\\vms", "need", "10G", NULL));
	assert_string_equal(m.commands.v[0], "Get-PSDrive -Name D");
	probe_manual_free(&m);

	assert_true(build(&m, "reach", "windows", "host", "192.168.64.5", NULL));
	assert_string_equal(m.commands.v[0], "ping -n 3 192.168.64.5");
	probe_manual_free(&m);
	assert_true(build(&m, "reach", "linux", "host", "192.168.64.5", "port", "22", NULL));
	assert_string_equal(m.commands.v[0], "nc -v -z -w 3 192.168.64.5 22");
	probe_manual_free(&m);

	assert_true(build(&m, "multipass", "windows", "name", "primary", NULL));
	lines_are(&m.commands, W("multipass version", "multipass list", "multipass info primary"));
	probe_manual_free(&m);
}

/* Where a platform has no way to do it, the notes say so and there is no command. */
static void
test_not_available(void **state)
{
	static const struct {
		const char *probe, *os, *name, *value;
	} cases[] = {
	    {"dhcp", "windows", NULL, NULL},          {"firewall", "windows", NULL, NULL},
	    {"leases", "windows", "name", "primary"}, {"hosts_ics", "linux", "name", "primary"},
	    {"guest", "windows", "root", "C:\\mnt"},  {"hosts_ics", "darwin", "name", "primary"},
	};

	(void)state;
	for (size_t i = 0; i < nitems(cases); i++) {
		struct params p = {NULL, 0};
		struct probe_manual m;
		char *text = NULL;

		if (strcmp(cases[i].probe, "guest") == 0)
			params_set(&p, "check", "fstab");
		if (cases[i].name != NULL)
			params_set(&p, cases[i].name, cases[i].value);
		assert_true(probe_manual_build(cases[i].probe, &p, cases[i].os, &m));
		assert_int_equal(m.commands.n, 0);
		assert_int_equal(m.notes.n, 1);
		text = probe_manual(cases[i].probe, &p, cases[i].os);
		assert_non_null(text);
		assert_false(str_has_prefix(text, " "));
		free(text);
		probe_manual_free(&m);
		params_free(&p);
	}
}

/* A capture file is read with tcpdump, or with Wireshark on Windows. */
static void
test_capture_file(void **state)
{
	struct probe_manual m;

	(void)state;
	assert_true(build(&m, "dhcp", "darwin", "file", "/Users/me/dhcp capture.pcap", NULL));
	lines_are(&m.commands, W("tcpdump -n -v -r '/Users/me/dhcp capture.pcap' udp port 67 or "
	                         "udp port 68"));
	assert_true(lines_have(&m.notes, "ok: "));
	probe_manual_free(&m);
	assert_true(build(&m, "dhcp", "windows", "file", "C:\\captures\\dhcp.pcap", NULL));
	assert_int_equal(m.commands.n, 0);
	assert_true(lines_have(&m.notes, "Wireshark"));
	assert_true(lines_have(&m.notes, "offer_no_ack: "));
	probe_manual_free(&m);
}

static void
test_guest(void **state)
{
	struct probe_manual m;

	(void)state;
	/* Through multipass exec when the instance is named. */
	assert_true(build(&m, "guest", "linux", "check", "cloud_init", "address", "10.97.0.5",
	                  "instance", "primary", NULL));
	assert_string_equal(m.commands.v[0], "multipass exec primary -- cloud-init status --long");
	command_with(&m, "multipass exec primary -- ls -l /var/lib/cloud/instance/boot-finished");
	probe_manual_free(&m);
	/* What needs a shell gets one, on the guest. */
	assert_true(
	    build(&m, "guest", "windows", "check", "initramfs", "instance", "primary", NULL));
	command_with(&m, "multipass exec primary -- sh -c 'sudo lsinitramfs "
	                 "/boot/initrd.img-$(uname -r) | grep -e virtio_pci -e virtio_blk -e "
	                 "virtio_scsi'");
	probe_manual_free(&m);
	/* Over ssh with Multipass's key otherwise. */
	assert_true(build(&m, "guest", "linux", "check", "resolv", "address", "10.97.0.5", NULL));
	assert_string_equal(
	    m.commands.v[0],
	    "sudo ssh -i /var/snap/multipass/common/data/multipassd/ssh-keys/id_rsa "
	    "ubuntu@10.97.0.5 cat /etc/resolv.conf");
	assert_true(lines_have(&m.notes, "host_key_changed: "));
	probe_manual_free(&m);
	/* A disk mounted here: its paths under the mount point, quoted. */
	assert_true(build(&m, "guest", "linux", "check", "fstab", "root", "/mnt/my guest/", NULL));
	{
		char **argv = words(m.commands.v[0]);

		argv_is(argv, W("grep", "-n", "-e", "/dev/sd", "-e", "/dev/hd", "-e", "/dev/xvd",
		                "-e", "by-path", "/mnt/my guest/etc/fstab"));
		argv_free(argv);
	}
	assert_false(lines_have(&m.notes, "unreachable: "));
	probe_manual_free(&m);

	/* lookup: getent in the instance, ubuntu.com unless a name is given. */
	assert_true(build(&m, "guest", "windows", "check", "lookup", "instance", "primary", NULL));
	assert_string_equal(m.commands.v[0], "multipass exec primary -- getent hosts ubuntu.com");
	assert_true(lines_have(&m.notes, "multipass shell primary"));
	assert_true(lines_have(&m.notes, "no_answer: "));
	probe_manual_free(&m);
	assert_true(build(&m, "guest", "linux", "check", "lookup", "address", "10.97.0.5", "name",
	                  "archive.ubuntu.com", NULL));
	assert_string_equal(
	    m.commands.v[0],
	    "sudo ssh -i /var/snap/multipass/common/data/multipassd/ssh-keys/id_rsa "
	    "ubuntu@10.97.0.5 getent hosts archive.ubuntu.com");
	assert_true(lines_have(&m.notes, "nslookup archive.ubuntu.com"));
	assert_true(lines_have(&m.notes, "auth_failed: "));
	probe_manual_free(&m);
	/* A disk cannot: no command, and none of the login's failures. */
	assert_true(build(&m, "guest", "linux", "check", "lookup", "root", "/mnt/vm", NULL));
	assert_int_equal(m.commands.n, 0);
	assert_true(lines_have(&m.notes, "A disk cannot resolve names"));
	assert_false(lines_have(&m.notes, "unreachable: "));
	probe_manual_free(&m);
}

static void
test_powershell_quoting(void **state)
{
	struct probe_manual m;

	(void)state;
	assert_true(build(&m, "file", "windows", "path", "C:\\Users\\O'Brien\\my notes.txt", NULL));
	assert_string_equal(m.commands.v[0],
	                    "Get-Item -LiteralPath 'C:\\Users\\O''Brien\\my notes.txt'");
	probe_manual_free(&m);
	/* PowerShell also ends a string at a typographic quote. */
	assert_true(build(&m, "file", "windows", "path", "C:\\it\xe2\x80\x99s", NULL));
	assert_string_equal(m.commands.v[0],
	                    "Get-Item -LiteralPath 'C:\\it\xe2\x80\x99\xe2\x80\x99s'");
	probe_manual_free(&m);
	/* A quoted program runs only with &. */
	assert_true(build(&m, "command", "windows", "argv",
	                  "'C:\\Program Files\\Multipass\\bin\\multipass.exe' list --format yaml",
	                  NULL));
	assert_string_equal(
	    m.commands.v[0],
	    "& 'C:\\Program Files\\Multipass\\bin\\multipass.exe' list --format yaml");
	assert_string_equal(m.commands.v[1], "$LASTEXITCODE");
	probe_manual_free(&m);
	assert_true(build(&m, "image", "windows", "path", "C:\\vm\\disk.qcow2", NULL));
	assert_string_equal(m.commands.v[1],
	                    "& 'C:\\Program Files\\Multipass\\bin\\qemu-img.exe' check "
	                    "C:\\vm\\disk.qcow2");
	probe_manual_free(&m);
}

static void
test_unknown(void **state)
{
	struct probe_manual m;

	(void)state;
	assert_null(probe_manual("no_such_probe", NULL, "linux"));
	assert_null(probe_manual(NULL, NULL, "linux"));
	assert_null(probe_manual("dns", NULL, "plan9"));
	assert_null(probe_manual("dns", NULL, NULL));
	assert_false(build(&m, "no_such_probe", "darwin", NULL));
	assert_int_equal(m.commands.n, 0);
	assert_int_equal(m.notes.n, 0);
	probe_manual_free(&m);
	probe_manual_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_probe),   cmocka_unit_test(test_rendering),
	    cmocka_unit_test(test_parameters),    cmocka_unit_test(test_defaults),
	    cmocka_unit_test(test_platforms),     cmocka_unit_test(test_platform_commands),
	    cmocka_unit_test(test_not_available), cmocka_unit_test(test_capture_file),
	    cmocka_unit_test(test_guest),         cmocka_unit_test(test_powershell_quoting),
	    cmocka_unit_test(test_unknown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
