/*
 * report.h: a session (report/session.h) as a ticket-ready report, in
 * Markdown for people or YAML for tools: the problem, when and where, the
 * verdict and why, what was changed and how to undo it, what to do next and
 * what to attach, or where an unfinished walk stopped and how to go on; then
 * every step of the path with its evidence. The explanation is in the
 * reader's language; evidence, commands and plans stay exactly as recorded,
 * with secrets cut out, and with REPORT_REDACT also the machine's identity.
 */
#ifndef VT_REPORT_H
#define VT_REPORT_H

#include <stdio.h>

#include "util/util.h"

struct catalog;
struct session;

enum report_format {
	REPORT_MD,   /* Markdown, for a ticket */
	REPORT_YAML, /* the same content, structured, for tools */
};

/* Also hide addresses, MACs, host and user names (see report_redact_ids). */
#define REPORT_REDACT 0x1

/*
 * Writes the report of s to out. Flow texts are looked up in cat (may be
 * NULL; a flow or node it lacks is named by its id) and shown in the user's
 * language (cli_lang()). Returns 0, or -1 when out could not be written.
 */
int report_write(FILE *out, const struct session *s, const struct catalog *cat,
                 enum report_format format, unsigned flags);
/* The same with flow texts in lang ("de", "zh_CN"; NULL: English). */
int report_write_lang(FILE *out, const struct session *s, const struct catalog *cat,
                      enum report_format format, unsigned flags, const char *lang);

/*
 * What identity redaction has seen so far in one report, so that the same
 * value always gets the same placeholder and a reader can still follow it:
 * the n-th distinct address is <address-n>, MAC <mac-n>; the session's host
 * and user names are <host> and <user>; a home directory's name that is not
 * the user's is <other-user-n>.
 */
struct report_ids {
	char *host;           /* the session's host name; NULL: not known */
	char *user;           /* the session's user name; NULL: not known */
	struct strlist addrs; /* canonical forms, in the order met */
	struct strlist macs;
	struct strlist others; /* home-directory names that are not user */
};
void report_ids_init(struct report_ids *, const char *host, const char *user);
void report_ids_free(struct report_ids *);

/*
 * A copy of text (owned; "" for NULL) with identities replaced by
 * placeholders: IPv4 and IPv6 addresses (not loopback, 0.0.0.0, ::,
 * 255.255.255.255 or netmasks such as 255.255.255.0), MAC addresses, the
 * host name (and its first label) and the user name as whole words, ignoring
 * case, and the name in /home/NAME, /Users/NAME and C:\Users\NAME. Names that
 * say nothing about anyone (root, ubuntu, localhost, Public...) and names
 * shorter than two characters are left in the text.
 */
char *report_redact_ids(const char *text, struct report_ids *ids);

#endif
