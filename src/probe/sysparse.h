/*
 * sysparse.h: the pure parsers behind the multipass, process and disk_space
 * probes. Each takes the text a command printed (`multipass version`,
 * `multipass list --format yaml`, `ip -o link show`, `ifconfig -l`, `ps`,
 * `tasklist`, `df -Pk`, PowerShell's Get-PSDrive) and fills a struct. None
 * touches the machine, so they are tested on recorded output and serve a
 * snapshot host as well as a live one.
 */
#ifndef VT_SYSPARSE_H
#define VT_SYSPARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- multipass ---------------------------------------------------------- */

/*
 * `multipass version`: the client's line always, the daemon's only when the
 * daemon answered. Each is NULL when its line is missing.
 */
struct mp_version {
	char *client;
	char *daemon;
	char *client_line; /* the lines as printed, for evidence */
	char *daemon_line;
};
/* Returns 0, or -1 when there is no "multipass VERSION" line at all. */
int mp_version_parse(const char *buf, size_t len, struct mp_version *out);
void mp_version_free(struct mp_version *);

struct mp_instance {
	char *name;
	char *state; /* as Multipass prints it: "Running", "Delayed Shutdown"; "" when absent */
	char *ipv4;  /* the first address, NULL when none */
	size_t nipv4;
	char *release; /* NULL when absent */
};
struct mp_list {
	struct mp_instance *v;
	size_t n;
};
/*
 * `multipass list --format yaml`: a mapping of instance name to a list
 * holding one mapping (state, ipv4, release). An empty document means no
 * instances. Returns 0, or -1 with *err (owned) saying what is wrong.
 */
int mp_list_parse(const char *buf, size_t len, struct mp_list *out, char **err);
const struct mp_instance *mp_list_find(const struct mp_list *, const char *name);
void mp_list_free(struct mp_list *);

enum mp_state_class {
	MP_STATE_RUNNING,
	MP_STATE_STOPPED,
	MP_STATE_UNKNOWN,
	MP_STATE_OTHER, /* Starting, Restarting, Suspending, Suspended, Delayed Shutdown, Deleted */
};
/* Case does not matter: versions before 1.0 printed "RUNNING". */
enum mp_state_class mp_state_classify(const char *state);

enum mp_failure {
	MP_FAIL_OTHER,
	MP_FAIL_NO_DAEMON, /* "cannot connect to the multipass socket" */
	MP_FAIL_DENIED,    /* "multipass socket access denied", "not authenticated" */
};
/* What a failed multipass command's standard error says went wrong. */
enum mp_failure mp_failure_kind(const char *err);

/* ---- network interfaces ------------------------------------------------- */

struct if_entry {
	char *name;
	char *line; /* the line it was read from */
};
struct if_list {
	struct if_entry *v;
	size_t n;
};
/* Linux `ip -o link show`: one interface a line, "3: mpqemubr0: <...> ...". */
void iplink_parse(const char *buf, size_t len, struct if_list *out);
/* macOS `ifconfig -l`: the names on one line, separated by spaces. */
void ifconfig_list_parse(const char *buf, size_t len, struct if_list *out);
void if_list_free(struct if_list *);
/*
 * Linux `ip -o -4 addr show dev IF`: the first IPv4 address's subnet, as
 * NETWORK/PREFIX ("10.97.0.0/24" from "inet 10.97.0.1/24 brd ..."); NULL
 * when there is none. Owned by the caller.
 */
char *ipaddr_subnet_parse(const char *buf, size_t len);
/* name is prefix followed by at least one more letter or digit ("mpqemubr0", "bridge100"). */
bool if_has_prefix(const char *name, const char *prefix);

/* ---- processes ---------------------------------------------------------- */

struct proc_entry {
	long pid;
	char *user;     /* NULL when the listing has none (tasklist) */
	char *exe;      /* the executable's name: the base name of its first word */
	char *exe_long; /* the same for a path with spaces (see ps_parse); NULL: none */
	char *line;     /* the line it was read from */
};
struct proc_list {
	struct proc_entry *v;
	size_t n;
	size_t skipped; /* lines that were not understood */
};
/*
 * `ps -A -ww -o pid=,user=,args=` as procps and BSD (macOS) ps print it.
 * The executable's path may hold spaces on macOS ("/Library/Application
 * Support/.../multipassd"), which ps does not quote: exe_long is then the
 * name at the end of the path run on across each space after which the
 * next word goes on with a directory ("Support/..."), not an option.
 */
void ps_parse(const char *buf, size_t len, struct proc_list *out);
/* Windows `tasklist /fo csv /nh`: "Image Name","PID","Session Name","Session#","Mem Usage". */
void tasklist_parse(const char *buf, size_t len, struct proc_list *out);
/* Whether p is the program name; windows: case-insensitive, with or without ".exe". */
bool proc_matches(const struct proc_entry *p, const char *name, bool windows);
void proc_list_free(struct proc_list *);

/* ---- disk space --------------------------------------------------------- */

struct df_entry {
	char *fs;    /* the device or drive name ("/dev/sda1", "map auto_home", "C") */
	char *mount; /* where it is mounted ("/", "/Volumes/My Disk", "C:\") */
	bool known;  /* sizes are known (a drive without media has none) */
	uint64_t size, used, avail; /* bytes */
	char *line;
};
struct df_list {
	struct df_entry *v;
	size_t n;
	size_t skipped; /* lines that were not understood (the header is not counted) */
};
/* POSIX `df -Pk` (GNU and BSD): 1024-byte blocks; mount points may hold spaces. */
void df_parse(const char *buf, size_t len, struct df_list *out);
/* The output of PSDRIVE_COMMAND below: NAME|USED|FREE|ROOT a line, bytes. */
void psdrive_parse(const char *buf, size_t len, struct df_list *out);
void df_list_free(struct df_list *);
/*
 * The filesystem path is on: the longest mount point that is a prefix of it
 * (by whole components; the last listed when two are the same), or the
 * lettered drive of a Windows path. The path need not exist. On macOS, /var, /tmp
 * and /etc are under /private, and firmlinked folders (/Users, /Library,
 * /private...) live on the data volume when /System/Volumes/Data is listed.
 * NULL when no filesystem holds it.
 */
const struct df_entry *df_pick(const struct df_list *, const char *path, const char *os);

/* The PowerShell script run with -Command on Windows, for psdrive_parse. */
#define PSDRIVE_COMMAND                                                                            \
	"Get-PSDrive -PSProvider FileSystem | ForEach-Object { '{0}|{1}|{2}|{3}' -f $_.Name, "     \
	"$_.Used, $_.Free, $_.Root }"

/*
 * A size: digits, an optional fraction, an optional unit K, M, G, T, P or E
 * (powers of 1024, as Multipass and qemu-img read them), optionally followed
 * by "iB" or "B"; no unit means bytes. "512M", "20G", "1.5T", "4096". Returns
 * 0, or -1 with *err (owned) saying what is wrong.
 */
int size_parse(const char *s, uint64_t *out, char **err);
/* bytes for people, in binary units with one decimal: "3.2 GiB", "512 B". Owned. */
char *size_human(uint64_t bytes);

#endif
