/*
 * paths.h: where things live, per platform, in one place: Multipass's files
 * on each host OS, and vmtriage's own state directory. The functions take the
 * OS by name ("linux", "darwin", "windows", as flows and facts say it), so a
 * snapshot from another machine and the unit tests can ask for any of them.
 */
#ifndef VT_PLATFORM_PATHS_H
#define VT_PLATFORM_PATHS_H

/*
 * The private key multipassd made to log in to its instances (as user
 * "ubuntu"), for os; NULL for an OS Multipass does not run on. Readable by
 * root only on Linux and macOS.
 */
const char *platform_multipass_ssh_key(const char *os);

/*
 * vmtriage's state directory: $XDG_STATE_HOME/vmtriage, else
 * $HOME/.local/state/vmtriage. Allocated; NULL when neither variable gives
 * an absolute path. The directory may not exist yet.
 */
char *platform_state_dir(void);

#endif
