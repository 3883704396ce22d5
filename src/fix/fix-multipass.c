/*
 * fix-multipass.c: fixes for "Downloaded image hash does not match", which a
 * Qt caching bug causes (Multipass issue 1714): refresh the image list, or
 * remove multipassd's network cache while the daemon is stopped. From the
 * "Stale network cache" section of the launch/start troubleshooting page.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fix/fix.h"

static const struct param_def no_params[] = {
    {.name = NULL},
};

/* Both fixes are proven the same way: the image list can be fetched again. */
static void
verify_find(struct fix_plan *plan)
{
	fix_plan_set_verify(plan, "command", "ok", "argv", "multipass find", "seconds", "60", NULL);
}

static int
plan_find_force_update(const struct params *p, struct host *host, struct fix_plan *plan, char **cause)
{
	static const char *const find[] = {"multipass", "find", "--force-update", NULL};

	fix_plan_add_step(
	    plan, false, false,
	    N_("Download the image list again; a good download replaces the stale cache."), find);
	plan->undo_note = xstrdup(N_("Nothing to undo: it only refreshes the list of images."));
	verify_find(plan);
	return 0;
}

const struct fix_entry fix_multipass_find_force_update = {
    .name = "multipass_find_force_update",
    .summary = N_("Refresh Multipass's image list, bypassing its network cache"),
    .platforms = NULL,
    .params = no_params,
    .plan = plan_find_force_update,
};

static const char *const os_choices[] = {"linux", "darwin", "windows", NULL};

static const struct param_def purge_params[] = {
    {.name = "os",
     .type = PARAM_ENUM,
     .required = true,
     .choices = os_choices,
     .help = N_("the host's operating system: linux, darwin or windows")},
    {.name = NULL},
};

/*
 * The stop step may fail: a daemon that is already stopped (or unloaded)
 * is what we want anyway. Removing the cache and starting again must work,
 * or the fix did not happen.
 */
static const char *const why_stop = N_("Stop the Multipass daemon so it lets go of its cache.");
static const char *const why_remove = N_("Remove the network cache; the daemon rebuilds it.");
static const char *const why_start = N_("Start the Multipass daemon again.");

static void
plan_linux(struct fix_plan *plan)
{
	static const char *const stop[] = {"snap", "stop", "multipass", NULL};
	static const char *const rm[] = {
	    "rm", "-rf", "--", "/var/snap/multipass/common/cache/multipassd/network-cache", NULL};
	static const char *const start[] = {"snap", "start", "multipass", NULL};

	fix_plan_add_step(plan, true, true, why_stop, stop);
	fix_plan_add_step(plan, true, false, why_remove, rm);
	fix_plan_add_step(plan, true, false, why_start, start);
}

static void
plan_darwin(struct fix_plan *plan)
{
	static const char *const stop[] = {
	    "launchctl", "unload", "/Library/LaunchDaemons/com.canonical.multipassd.plist", NULL};
	static const char *const rm[] = {
	    "rm", "-rf", "--",
	    "/System/Volumes/Data/private/var/root/Library/Caches/multipassd/network-cache", NULL};
	static const char *const start[] = {
	    "launchctl", "load", "/Library/LaunchDaemons/com.canonical.multipassd.plist", NULL};

	fix_plan_add_step(plan, true, true, why_stop, stop);
	fix_plan_add_step(plan, true, false, why_remove, rm);
	fix_plan_add_step(plan, true, false, why_start, start);
}

/*
 * Each step is one fixed script: nothing from the user goes into it. The
 * removal is guarded by Test-Path so an already missing cache is success,
 * as it is for rm -rf on the other systems.
 */
static void
plan_windows(struct fix_plan *plan)
{
	static const char *const stop[] = {"powershell",
	                                   "-NoProfile",
	                                   "-NonInteractive",
	                                   "-Command",
	                                   "Stop-Service -Name Multipass",
	                                   NULL};
	static const char *const rm[] = {
	    "powershell",
	    "-NoProfile",
	    "-NonInteractive",
	    "-Command",
	    "if (Test-Path -LiteralPath 'C:\\ProgramData\\Multipass\\cache\\network-cache') "
	    "{ Remove-Item -LiteralPath 'C:\\ProgramData\\Multipass\\cache\\network-cache' "
	    "-Recurse -Force }",
	    NULL};
	static const char *const start[] = {"powershell",
	                                    "-NoProfile",
	                                    "-NonInteractive",
	                                    "-Command",
	                                    "Start-Service -Name Multipass",
	                                    NULL};

	fix_plan_add_step(plan, true, true, why_stop, stop);
	fix_plan_add_step(plan, true, false, why_remove, rm);
	fix_plan_add_step(plan, true, false, why_start, start);
}

static int
plan_purge_network_cache(const struct params *p, struct host *host, struct fix_plan *plan, char **cause)
{
	const char *os = params_get(p, "os");

	if (str_eq(os, "linux"))
		plan_linux(plan);
	else if (str_eq(os, "darwin"))
		plan_darwin(plan);
	else if (str_eq(os, "windows"))
		plan_windows(plan);
	else {
		/* params_resolve only lets the three choices through. */
		*cause = xasprintf(_("no plan for operating system '%s'"), os != NULL ? os : "");
		return -1;
	}
	plan->undo_note = xstrdup(N_("Nothing to undo: the daemon downloads the image list "
	                             "again and rebuilds the cache."));
	plan->notes = xstrdup(N_("The Multipass daemon stops and starts again; multipass "
	                         "commands fail until it is back."));
	verify_find(plan);
	return 0;
}

const struct fix_entry fix_purge_network_cache = {
    .name = "purge_network_cache",
    .summary = N_("Remove Multipass's network cache and restart its daemon"),
    .platforms = "linux,darwin,windows",
    .params = purge_params,
    .plan = plan_purge_network_cache,
};
