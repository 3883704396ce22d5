/*
 * yamlout.h: YAML output for scripts (`--format yaml`) through libyaml's
 * emitter, so quoting and escaping are always right.
 */
#ifndef VT_YAMLOUT_H
#define VT_YAMLOUT_H

#include <stddef.h>
#include <stdio.h>

struct yamlout;
struct yamlout *yamlout_new(FILE *);
void yamlout_map_begin(struct yamlout *);
void yamlout_map_end(struct yamlout *);
void yamlout_seq_begin(struct yamlout *);
void yamlout_seq_end(struct yamlout *);
void yamlout_scalar(struct yamlout *, const char *);
/* Text that may span lines (len bytes, UTF-8): a literal block when it can be one. */
void yamlout_text(struct yamlout *, const char *s, size_t len);
void yamlout_pair(struct yamlout *, const char *key, const char *value);
/* Ends the document and frees; returns 0, or -1 when the emitter failed. */
int yamlout_finish(struct yamlout *);

#endif
