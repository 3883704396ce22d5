/*
 * fix-journal.h: the record of what fixes did, kept under
 * $XDG_STATE_HOME/vmtriage/journal, one directory per run: entry.yaml (the
 * fix, its parameters, the log, the outcome, how to undo it) and the
 * contents of the files it edited, before and after. `vmtriage undo` reads
 * it back. Internal to src/fix.
 */
#ifndef VT_FIX_JOURNAL_H
#define VT_FIX_JOURNAL_H

#include <stddef.h>

#include "fix/fix.h"

struct fix_journal;

/*
 * Starts an entry in dir (NULL: the default; "": none, and NULL is
 * returned). A journal that cannot be written is said in log, and the fix
 * still runs.
 */
struct fix_journal *fix_journal_begin(const char *dir, const struct fix_plan *,
    struct strlist *log);
const char *fix_journal_id(const struct fix_journal *);  /* NULL for NULL */
const char *fix_journal_dir(const struct fix_journal *); /* NULL for NULL */
/*
 * Writes an edit's contents before and after to files in dir (a private
 * temporary directory when dir is NULL), for `apply-edit` to read as root.
 * *before and *after are their paths (owned). Returns 0, or -1 with *err.
 */
int fix_journal_blobs(const char *dir, size_t index, const struct fix_step *,
    char **before, char **after, char **err);
/* Writes entry.yaml (all or nothing) with the report, and frees j. */
void fix_journal_finish(struct fix_journal *j, const struct fix_plan *,
    const struct fix_report *);

#endif
