/*
 * snapshot-internal.h: the records of a snapshot, for the hosts that answer
 * from one or fill one (host-snapshot.c, host-record.c). Nothing else looks
 * inside a snapshot.
 */
#ifndef VT_HOST_SNAPSHOT_INTERNAL_H
#define VT_HOST_SNAPSHOT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "host/host.h"

struct snapshot;

struct snap_file {
	char *path;
	enum host_status status;
	char kind;
	char *content; /* NULL: only a stat */
	size_t len;
	bool truncated;
};

struct snap_cmd {
	char **argv;
	enum host_status status;
	int exit_code;
	char *out, *err;
	size_t out_len, err_len;
};

struct snap_dir {
	char *path;
	enum host_status status;
	char *names;
};

/* The record of path, argv, or the directory path; NULL when the snapshot has none. */
struct snap_file *snapshot_find_file(struct snapshot *, const char *path);
struct snap_cmd *snapshot_find_command(struct snapshot *, const char *const *argv);
struct snap_dir *snapshot_find_dir(struct snapshot *, const char *path);

#endif
