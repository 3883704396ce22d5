/*
 * snapshot.h: what one machine's probes read, kept so that another machine
 * can read it back. A snapshot holds files (contents, or only that they
 * exist), directory listings, command outputs with their exit codes, and
 * the same again for machines reached from it (guests over SSH), plus the
 * machine's OS, architecture and clock at the moment of collection.
 *
 * Three hosts work with it: the snapshot host answers probes from it, the
 * recording host passes calls to another host and keeps what they returned,
 * and `vmtriage collect` saves it as one YAML file (libyaml's emitter), with a
 * manifest of what is inside and what was left out.
 *
 * Probes are written so that what they ask does not depend on their
 * parameters where it can be helped (read the whole leases file, list every
 * process), so one collection answers any question a flow will ask.
 */
#ifndef VT_HOST_SNAPSHOT_H
#define VT_HOST_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "host/host.h"

#define SNAPSHOT_FORMAT 1
/* Largest snapshot file read back; larger ones are refused, not half read. */
#define SNAPSHOT_MAX_BYTES (64 * 1024 * 1024)

/* Where a snapshot keeps the DHCP capture `vmtriage collect --capture` made. */
#define SNAPSHOT_DHCP_CAPTURE "/.vmtriage/dhcp.pcap"

struct snapshot;

struct snapshot *snapshot_new(const char *os, const char *arch, time_t now);
void snapshot_free(struct snapshot *);

const char *snapshot_os(const struct snapshot *);
const char *snapshot_arch(const struct snapshot *);
time_t snapshot_now(const struct snapshot *);
/* The collecting machine's offset from UTC in seconds (local times in its logs). */
void snapshot_set_utc_offset(struct snapshot *, long seconds);
bool snapshot_utc_offset(const struct snapshot *, long *seconds);
/* Free text kept in the manifest: "hostname", "collected-by", "vmtriage"... */
void snapshot_set_meta(struct snapshot *, const char *key, const char *value);
const char *snapshot_meta(const struct snapshot *, const char *key);
/* The i-th meta key, in the order they were set; NULL past the end. */
const char *snapshot_meta_key(const struct snapshot *, size_t i);
/*
 * Meta keys "fact.NAME" carry facts the collector knew (collect --instance
 * NAME gives fact.instance): a walk on the snapshot starts with them.
 */
#define SNAPSHOT_FACT_PREFIX "fact."

/*
 * A file: its status as reading it gave (HOST_OK, HOST_NO_SUCH, HOST_DENIED,
 * HOST_NOT_REGULAR...), and kind ('f', 'd', 'o'). content NULL records only
 * that it exists (a stat); otherwise len bytes, any bytes. A later record of
 * the same path replaces an earlier one, except that content is never
 * replaced by a stat.
 */
void snapshot_add_file(struct snapshot *, const char *path, enum host_status, char kind,
                       const char *content, size_t len, bool truncated);
/* A command's argv, how it ended, and its two outputs (any bytes). */
void snapshot_add_command(struct snapshot *, const char *const *argv, enum host_status,
                          int exit_code, const char *out, size_t out_len, const char *err,
                          size_t err_len);
/* A directory's names, one per line as host_list_dir gives them. */
void snapshot_add_dir(struct snapshot *, const char *path, enum host_status, const char *names);
/* Something deliberately not kept (a private key), and why; listed in the manifest. */
void snapshot_left_out(struct snapshot *, const char *what, const char *why);
/* The snapshot of a machine reached from this one, by host_remote_key; create: make it. */
struct snapshot *snapshot_remote(struct snapshot *, const char *key, bool create);

/*
 * A machine that could not be reached when the snapshot was taken, and the
 * error opening it gave; host_open_remote on the snapshot gives it again.
 */
void snapshot_remote_failed(struct snapshot *, const char *key, const char *error);
const char *snapshot_remote_error(const struct snapshot *, const char *key);

/* How many files, commands, directories and remotes it holds (for the manifest and tests). */
size_t snapshot_count(const struct snapshot *, const char *what /* "files", "commands", "dirs", "remotes" */);

/*
 * Reads a snapshot file. NULL with *err (owned) saying FILE:LINE:COL: what
 * is wrong for a file that is not one.
 */
struct snapshot *snapshot_load(const char *path, char **err);
/* Writes it to path through a temporary file and rename: all or nothing. */
int snapshot_save(const struct snapshot *, const char *path, char **err);

/*
 * A host answering from s, which it borrows. Anything s does not hold gives
 * HOST_NOT_COLLECTED with a message naming what is missing. host_close frees it.
 */
struct host *host_snapshot(struct snapshot *s);
/* Loads path and gives a host that owns the snapshot. NULL with *err. */
struct host *host_snapshot_open(const char *path, char **err);
/* The snapshot a snapshot host answers from; NULL for other hosts. */
struct snapshot *host_snapshot_get(struct host *);

/*
 * A host that passes every call to inner and records what came back into s
 * (remotes it opens are recorded under their key). Secrets are not recorded:
 * a file or output holding a private key is kept with the key cut out, and
 * the cut is listed with snapshot_left_out.
 */
struct host *host_record(struct host *inner, struct snapshot *s);

#endif
