/*
 * probe-manual.h: a probe done by hand. For a help desk's transcript: the
 * commands a person types on their own machine (which vmtriage's probes
 * cannot look at) to see what a probe would see, with the step's parameters
 * put in, and how each of the probe's outcomes shows in what they print.
 */
#ifndef VT_PROBE_MANUAL_H
#define VT_PROBE_MANUAL_H

#include <stdbool.h>

#include "util/util.h"

struct params;

struct probe_manual {
	/* Command lines, verbatim, to copy (never translated); in order. */
	struct strlist commands;
	/*
	 * Translated prose: general remarks first, then one line per outcome,
	 * "OUTCOME: what it looks like" (the outcome's name untranslated).
	 */
	struct strlist notes;
};

/*
 * Fills m (zeroed first) with what a person types to do what probe does
 * with params on os ("linux", "darwin", "windows"). Parameters not given
 * take the probe's defaults, or the platform's (its bridge, its leases
 * file, Multipass's key); a required one not given shows as "<name>".
 * Where the platform has no way to do it, m holds no command and its notes
 * say so. The guest probe also reads "instance", which is not one of its
 * parameters: given, its commands go through `multipass exec INSTANCE`
 * rather than ssh to address. Returns false (m empty) for a probe or an
 * os it does not know.
 */
bool probe_manual_build(const char *probe, const struct params *params, const char *os,
                        struct probe_manual *m);
void probe_manual_free(struct probe_manual *m);

/*
 * The commands a person types to do what probe NAME does with these
 * parameters, on os ("linux", "darwin", "windows"), and how to read what
 * they print: one line per command (prefixed by two spaces, verbatim, to
 * copy), then prose lines saying what each probe outcome looks like in that
 * output. NULL when the probe has no by-hand equivalent: a probe or an os
 * this does not know. Where one platform has no way to do it (dhcp, leases
 * and firewall on Windows, hosts_ics elsewhere), the text is prose alone,
 * saying so and what to look at instead. Owned.
 */
char *probe_manual(const char *probe, const struct params *params, const char *os);

#endif
