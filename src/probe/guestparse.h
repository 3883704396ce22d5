/*
 * guestparse.h: the pure parsers behind the "guest" probe. Each takes the
 * text a guest gave (a file, or a command's output as the real tool prints
 * it) and fills a struct; none touches a machine, so they are unit-tested on
 * recorded outputs under tests/data/guest/ and serve a snapshot as well as a
 * live SSH session or a mounted disk.
 *
 *   cloud-init status --long       guest_ci_parse
 *   /etc/resolv.conf               guest_resolv_parse
 *   resolvectl status              guest_resolvectl_parse
 *   getent hosts NAME              guest_getent_parse
 *   nslookup NAME                  guest_nslookup_parse
 *   /etc/fstab                     guest_fstab_parse
 *   netplan, ifupdown, ifcfg, nm   guest_netplan_parse, guest_ifupdown_parse,
 *                                  guest_ifcfg_parse, guest_nmconn_parse
 *   ip -o link                     guest_ip_link_parse
 *   70-persistent-net.rules        guest_udev_parse
 *   lsinitramfs, lsinitrd,
 *   modules.builtin                guest_virtio_scan
 *   the names in /boot             guest_boot_initramfs
 */
#ifndef VT_PROBE_GUESTPARSE_H
#define VT_PROBE_GUESTPARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "util/util.h"

/* ---- cloud-init --------------------------------------------------------- */

enum guest_ci_state {
	GUEST_CI_UNKNOWN,     /* no "status:" line, or a word this parser does not know */
	GUEST_CI_NOT_STARTED, /* "not started" (older: "not run") */
	GUEST_CI_RUNNING,
	GUEST_CI_DONE,
	GUEST_CI_ERROR,
	GUEST_CI_DISABLED,
};

/*
 * `cloud-init status --long`, from the oldest form ("status:", "time:",
 * "detail:" then the detail on the next line) to 23.4 and later
 * ("extended_status:", "boot_status_code:", "errors:" and
 * "recoverable_errors:" with tab-indented "- " items).
 */
struct guest_ci {
	enum guest_ci_state state;
	char *status;          /* the word after "status:", as printed; NULL when none */
	char *extended;        /* "degraded done", "error - running"; NULL for older versions */
	char *boot_code;       /* "enabled-by-generator", "disabled-by-marker-file"...; or NULL */
	char *detail;          /* the detail (datasource, stage, or an older version's error) */
	struct strlist errors; /* the items under "errors:" */
	struct strlist recoverable; /* "WARNING: item" for each item under "recoverable_errors:" */
};
/* 0, or -1 when the text holds no "status:" line (then *out is still freeable). */
int guest_ci_parse(const char *text, size_t len, struct guest_ci *out);
void guest_ci_free(struct guest_ci *);
const char *guest_ci_state_name(enum guest_ci_state); /* "done", "running", ... */

/* ---- DNS ------------------------------------------------------------------ */

/* The "nameserver" addresses of a resolv.conf text, in file order. Returns how many. */
size_t guest_resolv_parse(const char *text, size_t len, struct strlist *out);
/* systemd-resolved's local stub addresses: 127.0.0.53, and 127.0.0.54 (its proxy). */
bool guest_is_resolved_stub(const char *addr);
/*
 * The upstream servers in `resolvectl status` (or `systemd-resolve
 * --status`): every address under "DNS Servers:" and "Current DNS Server:",
 * global and per link, each once, with continuation lines; "Fallback DNS
 * Servers:" go to fallback (may be NULL). Returns how many servers.
 */
size_t guest_resolvectl_parse(const char *text, size_t len, struct strlist *servers,
                              struct strlist *fallback);

/*
 * `getent hosts NAME`: "ADDRESS NAME [ALIAS...]" a line. The addresses go
 * to addrs and the lines (as printed, without their end) to lines (may be
 * NULL), in order; a line whose first word is not an address is left out.
 * Returns how many addresses.
 */
size_t guest_getent_parse(const char *text, size_t len, struct strlist *addrs,
                          struct strlist *lines);
/*
 * `nslookup NAME`, bind's or BusyBox's: the addresses after the first
 * "Name:" line ("Address: A", "Address 1: A [NAME]", "Addresses: A"), each
 * once, in order; the server's own "Address:" above it is left out.
 * Returns how many.
 */
size_t guest_nslookup_parse(const char *text, size_t len, struct strlist *addrs);

/* ---- fstab ---------------------------------------------------------------- */

struct guest_fstab_entry {
	unsigned long lineno; /* 1-based */
	char *line;           /* the whole line, as written */
	char *spec;           /* first field: "/dev/sda1", "UUID=..." */
	char *file;           /* mount point ("none" or "swap" for swap) */
	char *type;
	bool unstable; /* spec is a kernel name that changes with the disk controller */
};
/* The entries of an fstab text (comments and blank lines left out). Returns how many. */
size_t guest_fstab_parse(const char *text, size_t len, struct guest_fstab_entry **out);
void guest_fstab_free(struct guest_fstab_entry *, size_t n);
/*
 * Whether a device name depends on the controller: /dev/sd*, /dev/hd*,
 * /dev/xvd* and /dev/disk/by-path/... (under KVM's virtio they become
 * /dev/vd* and other paths). UUID=, LABEL=, PARTUUID=, /dev/disk/by-uuid/,
 * /dev/mapper/ and LVM names are stable.
 */
bool guest_fstab_spec_unstable(const char *spec);

/* ---- interface names -------------------------------------------------------- */

/* An interface a network configuration means. */
struct guest_iface_ref {
	char *name; /* the name, or a glob ("en*") when glob; NULL when only a MAC matches it */
	char *mac;  /* a MAC it is matched by (lower case), or NULL */
	bool glob;
	char *source; /* the file it is in */
	unsigned long lineno;
};
struct guest_iface_refs {
	struct guest_iface_ref *v;
	size_t n;
};
void guest_iface_refs_free(struct guest_iface_refs *);

/*
 * Netplan YAML (network: ethernets: ID: ...): the name is set-name, else
 * match: name (maybe a glob), else the ID when there is no match:; a match
 * by macaddress alone gives only the MAC. Returns 0, or -1 with *err (owned)
 * when the text is not YAML netplan could read.
 */
int guest_netplan_parse(const char *text, size_t len, const char *source,
                        struct guest_iface_refs *out, char **err);
/* ifupdown's /etc/network/interfaces: "iface NAME ...", "auto", "allow-*" (lo left out). */
void guest_ifupdown_parse(const char *text, size_t len, const char *source,
                          struct guest_iface_refs *out);
/*
 * A RHEL ifcfg file: DEVICE= (else the name after "ifcfg-" in its file
 * name), HWADDR=. lo is left out.
 */
void guest_ifcfg_parse(const char *text, size_t len, const char *source,
                       struct guest_iface_refs *out);
/* A NetworkManager keyfile: interface-name= and mac-address= of [connection]/[ethernet]. */
void guest_nmconn_parse(const char *text, size_t len, const char *source,
                        struct guest_iface_refs *out);

/* One line of `ip -o link`. */
struct guest_link {
	unsigned index;
	char *name; /* without "@peer" */
	char *mac;  /* link/ether address, lower case; NULL for other kinds */
	struct strlist altnames;
};
size_t guest_ip_link_parse(const char *text, size_t len, struct guest_link **out);
void guest_links_free(struct guest_link *, size_t n);
/* Whether ref names one of the n links (by name, altname, glob or MAC). */
bool guest_iface_ref_found(const struct guest_iface_ref *, const struct guest_link *, size_t n);

/* ---- udev ---------------------------------------------------------------- */

/* A rule of 70-persistent-net.rules that pins a MAC address to a name. */
struct guest_udev_rule {
	unsigned long lineno;
	char *line;
	char *mac;  /* ATTR{address}=="..." in lower case */
	char *name; /* NAME="..." or NULL */
};
size_t guest_udev_parse(const char *text, size_t len, struct guest_udev_rule **out);
void guest_udev_free(struct guest_udev_rule *, size_t n);

/* ---- initramfs and kernel modules ---------------------------------------------- */

#define GUEST_VIRTIO_BLK 0x1u
#define GUEST_VIRTIO_SCSI 0x2u
#define GUEST_VIRTIO_PCI 0x4u
#define GUEST_VIRTIO_NET 0x8u

/*
 * Which virtio modules a listing names: lsinitramfs (one path a line),
 * lsinitrd (ls -l lines) or a kernel's modules.builtin; "virtio_blk.ko",
 * ".ko.xz", ".ko.zst", ".ko.gz" all count.
 */
unsigned guest_virtio_scan(const char *text, size_t len);
/* "virtio_blk, virtio_pci" for the bits of mask; "none" for 0. Owned. */
char *guest_virtio_names(unsigned mask);
/* Disk access under KVM: virtio_pci, and virtio_blk or virtio_scsi. */
bool guest_virtio_enough(unsigned mask);

/*
 * The initramfs of kernel version in the names of /boot (one a line):
 * Debian's "initrd.img-VERSION" or dracut's "initramfs-VERSION.img". With
 * version NULL, the newest kernel's (rescue and kdump images left out), and
 * *found_version (owned) says which. NULL when there is none.
 */
char *guest_boot_initramfs(const char *names, size_t len, const char *version,
                           char **found_version);
/*
 * Where a symbolic link at guest path link points, as a guest path: an
 * absolute target as it is, a relative one from the link's directory; "."
 * and ".." resolved, never above "/". Owned.
 */
char *guest_link_target(const char *link, const char *target);

/* Orders kernel versions: runs of digits compare as numbers ("5.15.0-91" > "5.15.0-9"). */
int guest_version_cmp(const char *a, const char *b);

#endif
