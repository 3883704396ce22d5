/*
 * redact.h: secrets cut out of text before it is kept or shown: private key
 * blocks, password and token assignments, credentials in URLs.
 */
#ifndef VT_UTIL_REDACT_H
#define VT_UTIL_REDACT_H

#include <stddef.h>

/* What stands where a secret was. */
#define REDACT_KEY_MARK "[private key removed]"
#define REDACT_VALUE_MARK "[removed]"

/*
 * A copy of len bytes of text (no NUL needed; NULL when len is 0) with every
 * secret replaced by a marker that says what was there. *removed (may be
 * NULL) counts the cuts, one per marker: when it is 0 the copy is the text,
 * byte for byte. The result is NUL-terminated; *out_len (may be NULL) its
 * length. Redacting the result again cuts nothing more. What is found and
 * what is kept on purpose is listed in redact.c.
 */
char *redact_secrets(const char *text, size_t len, size_t *out_len, size_t *removed);

#endif
