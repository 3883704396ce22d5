/*
 * paths.h: where things live, per platform, in one place: Multipass's files,
 * logs, binaries and bridge on each host OS, and vmtriage's own state
 * directory. Lookups take the OS by name ("linux", "darwin", "windows", as
 * flows, facts and host_os() say it), so a snapshot from another machine and
 * the unit tests can ask for any of them.
 */
#ifndef VT_PLATFORM_PATHS_H
#define VT_PLATFORM_PATHS_H

struct platform_info {
	const char *os;
	/* multipassd's data directory (instances, keys, network state). */
	const char *data_dir;
	/* Instance images: vault/instances/<instance>/<img>, newest layout first. */
	const char *const *instances_dirs;
	/* The network cache behind "Downloaded image hash does not match". */
	const char *network_cache;
	/* The private key multipassd logs in to instances with (user "ubuntu"). */
	const char *ssh_key;
	/* The DHCP leases Multipass reads an instance's address from (NULL: none). */
	const char *leases_file;
	/* Windows: Internet Connection Sharing's hosts file (NULL elsewhere). */
	const char *hosts_ics;
	/* The daemon log as a file (macOS; NULL elsewhere). */
	const char *log_file;
	/* The daemon log as a command's output (Linux journal, Windows event log). */
	const char *const *log_command;
	/* How to raise the daemon's log level to debug, for people to read. */
	const char *log_level_howto;
	/* Where the multipass binaries are installed by default. */
	const char *bin_dir;
	/* qemu-img as Multipass ships it (NULL: use the one in PATH). */
	const char *qemu_img;
	/* The bridge instances sit on: its name, or the prefix names start with. */
	const char *bridge;
	const char *bridge_prefix;
	/* Process names: the daemon, and the DHCP server instances ask. */
	const char *daemon_process;
	const char *dhcp_process;
};

/* The table entry for os; NULL for an OS Multipass does not run on. */
const struct platform_info *platform_info(const char *os);

/* Shorthand for platform_info(os)->ssh_key; NULL when unknown. */
const char *platform_multipass_ssh_key(const char *os);
/*
 * Where instance images are when the daemon's storage was moved with
 * MULTIPASS_STORAGE (Multipass's "Configure where Multipass stores external
 * data"): $MULTIPASS_STORAGE/data/vault/instances, taken from this process's
 * environment (give vmtriage the same value as the daemon). NULL when it is
 * not set, or not an absolute path.
 */
const char *platform_storage_instances(void);

/*
 * vmtriage's state directory: $XDG_STATE_HOME/vmtriage, else
 * $HOME/.local/state/vmtriage. Allocated; NULL when neither variable gives
 * an absolute path. The directory may not exist yet.
 */
char *platform_state_dir(void);

#endif
