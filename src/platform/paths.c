/*
 * paths.c: where things live, per platform. Multipass keeps its daemon's data
 * in a different place on each OS (the snap's common directory on Linux,
 * root's Application Support on macOS, ProgramData on Windows); keeping the
 * names here means a probe or a fix never spells one out itself.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/paths.h"
#include "util/util.h"

/*
 * The launch/start document lists binaries and images; Multipass's own code
 * and documentation give the rest (data dirs, keys, leases, log sources).
 * Linux: the snap keeps its daemon's data under /var/snap/multipass/common;
 * a build from source (as the document's image path shows) under root's
 * ~/.local/share. Older Windows installs kept the data under
 * C:\Windows\system32\config\systemprofile\AppData\Local\multipassd.
 */
static const char *const linux_instances[] = {
    "/var/snap/multipass/common/data/multipassd/vault/instances",
    "/root/.local/share/multipassd/vault/instances",
    NULL,
};
static const char *const darwin_instances[] = {
    "/var/root/Library/Application Support/multipassd/qemu/vault/instances",
    NULL,
};
static const char *const windows_instances[] = {
    "C:\\ProgramData\\Multipass\\data\\vault\\instances",
    "C:\\Windows\\system32\\config\\systemprofile\\AppData\\Local\\multipassd\\vault\\instances",
    NULL,
};

/*
 * The daemon and its QEMU children log to the journal under the snap's units.
 * multipassd's JournaldLogger sends the level only as PRIORITY and the
 * category (the instance name) only as CATEGORY, never in MESSAGE, so the
 * short text formats lose both: JSON keeps every field, one object a line,
 * with __REALTIME_TIMESTAMP in microseconds (UTC). --all keeps messages
 * over 4 KiB, which would print as null; --output-fields (systemd 236 and
 * later) leaves out the dozen fields nobody reads, so 20000 entries stay
 * near 10 MiB; --reverse puts the newest first, so when the output is cut
 * it is the oldest that are lost. Nothing here depends on what is searched
 * for: the log probe filters by time, pattern and instance itself.
 */
static const char *const linux_log[] = {
    "journalctl", "--unit=snap.multipass*", "--no-pager", "--output=json", "--all",
    "--output-fields=PRIORITY,SYSLOG_IDENTIFIER,CATEGORY,MESSAGE", "--reverse",
    "--lines=20000", NULL,
};
/*
 * The Application log, source "Multipass", newest first, one event a line:
 * the time with its UTC offset (round-trip "o" format), the level as a number
 * (2 error, 3 warning, 4 information: names are translated, numbers are
 * not), and what multipassd reported, "[category] message". That text is the
 * event's one insertion string, read from Properties because Message is
 * empty when no message file is registered for the source; line breaks
 * become spaces. Output is UTF-8 without a byte order mark.
 */
static const char *const windows_log[] = {
    "powershell.exe", "-NoProfile", "-NonInteractive", "-Command",
    "[Console]::OutputEncoding = New-Object System.Text.UTF8Encoding $false; "
    "Get-WinEvent -FilterHashtable @{LogName='Application';ProviderName='Multipass'} "
    "-MaxEvents 20000 | ForEach-Object { "
    "$m = if ($_.Properties.Count -gt 0) { [string]$_.Properties[0].Value } "
    "else { [string]$_.Message }; "
    "'{0:o} {1} {2}' -f $_.TimeCreated, $_.Level, ($m -replace '[\\r\\n]+', ' ').Trim() }",
    NULL,
};

static const struct platform_info platforms[] = {
    {
        .os = "linux",
        .data_dir = "/var/snap/multipass/common/data/multipassd",
        .instances_dirs = linux_instances,
        .network_cache = "/var/snap/multipass/common/cache/multipassd/network-cache",
        .ssh_key = "/var/snap/multipass/common/data/multipassd/ssh-keys/id_rsa",
        .leases_file = "/var/snap/multipass/common/data/multipassd/network/dnsmasq.leases",
        .log_command = linux_log,
        .log_level_howto = N_("run 'sudo snap stop multipass', add an override "
                              "(/etc/systemd/system/snap.multipass.multipassd.service.d/"
                              "override.conf) whose ExecStart ends in '--verbosity debug', "
                              "run 'sudo systemctl daemon-reload' and "
                              "'sudo snap start multipass'"),
        .bin_dir = "/snap/bin",
        .qemu_img = NULL,
        .bridge = "mpqemubr0",
        .bridge_prefix = "mpqemubr",
        .daemon_process = "multipassd",
        .dhcp_process = "dnsmasq",
    },
    {
        .os = "darwin",
        .data_dir = "/var/root/Library/Application Support/multipassd",
        .instances_dirs = darwin_instances,
        .network_cache =
            "/System/Volumes/Data/private/var/root/Library/Caches/multipassd/network-cache",
        .ssh_key = "/var/root/Library/Application Support/multipassd/ssh-keys/id_rsa",
        .leases_file = "/var/db/dhcpd_leases",
        .log_file = "/Library/Logs/Multipass/multipassd.log",
        .log_level_howto = N_("as root, run 'launchctl unload "
                              "/Library/LaunchDaemons/com.canonical.multipassd.plist', set the "
                              "level after --verbosity in that file to debug, and load it "
                              "again with 'launchctl load'"),
        .bin_dir = "/Library/Application Support/com.canonical.multipass/bin",
        .qemu_img = "/Library/Application Support/com.canonical.multipass/bin/qemu-img",
        .bridge = "bridge100",
        .bridge_prefix = "bridge1",
        .daemon_process = "multipassd",
        .dhcp_process = "bootpd",
    },
    {
        .os = "windows",
        .data_dir = "C:\\ProgramData\\Multipass\\data",
        .instances_dirs = windows_instances,
        .network_cache = "C:\\ProgramData\\Multipass\\cache\\network-cache",
        .ssh_key = "C:\\ProgramData\\Multipass\\data\\ssh-keys\\id_rsa",
        .hosts_ics = "C:\\WINDOWS\\System32\\drivers\\etc\\hosts.ics",
        .log_command = windows_log,
        .log_level_howto = N_("in an administrator PowerShell, stop the service "
                              "(Stop-Service Multipass), add '--verbosity debug' to its "
                              "command line, and start it again (Start-Service Multipass)"),
        .bin_dir = "C:\\Program Files\\Multipass\\bin",
        .qemu_img = "C:\\Program Files\\Multipass\\bin\\qemu-img.exe",
        .bridge = NULL,
        .bridge_prefix = NULL,
        .daemon_process = "multipassd",
        .dhcp_process = NULL,
    },
};

const struct platform_info *
platform_info(const char *os)
{
	for (size_t i = 0; os != NULL && i < nitems(platforms); i++) {
		if (strcmp(platforms[i].os, os) == 0)
			return &platforms[i];
	}
	return NULL;
}

const char *
platform_storage_instances(void)
{
	static char buf[4096];
	const char *storage = getenv("MULTIPASS_STORAGE");
	size_t n;

	if (storage == NULL || storage[0] != '/')
		return NULL;
	n = strlen(storage);
	while (n > 1 && storage[n - 1] == '/')
		n--;
	if (n + sizeof "/data/vault/instances" > sizeof buf)
		return NULL;
	snprintf(buf, sizeof buf, "%.*s/data/vault/instances", (int)n, storage);
	return buf;
}

const char *
platform_multipass_ssh_key(const char *os)
{
	const struct platform_info *pi = platform_info(os);

	return pi != NULL ? pi->ssh_key : NULL;
}

char *
platform_state_dir(void)
{
	const char *xdg = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");

	/* The XDG spec says a relative XDG_STATE_HOME is invalid and must be ignored. */
	if (xdg != NULL && xdg[0] == '/')
		return xasprintf("%s/vmtriage", xdg);
	if (home != NULL && home[0] == '/')
		return xasprintf("%s/.local/state/vmtriage", home);
	return NULL;
}
