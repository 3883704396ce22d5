/*
 * imgparse.h: what qemu-img says about a disk image, parsed without touching
 * the machine: `qemu-img info --output=json [--backing-chain]` (one image, or
 * the chain from the image down to its last backing file), `qemu-img check
 * --output=json`, its exit status, and the error lines it writes.
 */
#ifndef VT_PROBE_IMGPARSE_H
#define VT_PROBE_IMGPARSE_H

#include <stdbool.h>
#include <stddef.h>

struct img_info {
	char *filename;
	char *format;           /* "qcow2", "raw", "vmdk"... */
	long long virtual_size; /* bytes; -1 when not said */
	long long actual_size;  /* bytes on disk; -1 when not said */
	char *backing;          /* backing-filename as the image records it, or NULL */
	char *full_backing;     /* full-backing-filename (resolved), or NULL */
	char *backing_format;   /* backing-filename-format, or NULL */
	bool dirty;             /* dirty-flag */
	bool corrupt;           /* qcow2's own "corrupt" bit (format-specific data) */
};

/* The image first, then each backing file below it. */
struct img_chain {
	struct img_info *v;
	size_t n;
};

/*
 * Parses info's JSON: an object (one image) or an array of them (a chain).
 * Returns 0, or -1 with *err (owned) saying what is wrong.
 */
int img_parse_info(const char *json, size_t len, struct img_chain *chain, char **err);
void img_chain_free(struct img_chain *chain);

struct img_check {
	char *filename;
	char *format;
	long long corruptions; /* 0 when not said */
	long long leaks;
	long long check_errors; /* errors that kept the check from finishing */
	long long allocated_clusters, total_clusters; /* -1 when not said */
	long long image_end_offset;
};
int img_parse_check(const char *json, size_t len, struct img_check *check, char **err);
void img_check_free(struct img_check *check);

/* What qemu-img check's exit status says (0, 1, 2, 3, 63), for people; NULL for others. */
const char *img_check_status_meaning(int status);
#define IMG_CHECK_CLEAN 0
#define IMG_CHECK_INCOMPLETE 1
#define IMG_CHECK_CORRUPT 2
#define IMG_CHECK_LEAKS 3
#define IMG_CHECK_UNSUPPORTED 63

enum img_error {
	IMG_ERR_NONE,        /* no error line understood */
	IMG_ERR_NOT_FOUND,   /* the image itself does not exist */
	IMG_ERR_BACKING,     /* a backing file cannot be opened */
	IMG_ERR_LOCKED,      /* another process (a running VM) holds the image */
	IMG_ERR_DENIED,      /* permission denied */
	IMG_ERR_UNSUPPORTED, /* the format cannot be checked */
	IMG_ERR_NOT_REGULAR, /* a directory or device where a file should be */
	IMG_ERR_OTHER,       /* an error qemu-img gave that none of these name */
};

/*
 * Reads qemu-img's standard error about the image at path. *file (owned,
 * may be NULL) is the file the deciding line names, such as the missing
 * backing file or the locked image; *line (owned, may be NULL) is that line,
 * cleaned for evidence.
 */
enum img_error img_classify_error(const char *err, size_t len, const char *path, char **file,
                                  char **line);

/* The line of text holding needle (a JSON key, say), trimmed and cleaned; owned, or NULL. */
char *img_find_line(const char *text, size_t len, const char *needle);
/* "64 MiB" and the like: bytes in binary units, owned. */
char *img_human_size(long long bytes);

#endif
