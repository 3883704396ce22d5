/*
 * paths.c: where things live, per platform. Multipass keeps its daemon's data
 * in a different place on each OS (the snap's common directory on Linux,
 * root's Application Support on macOS, ProgramData on Windows); keeping the
 * names here means a probe never spells one out itself.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "platform/paths.h"
#include "util/util.h"

struct os_path {
	const char *os;
	const char *path;
};

/*
 * Multipass's own code: <daemon data dir>/ssh-keys/id_rsa. Older Windows
 * installs kept the data dir under
 * C:\Windows\system32\config\systemprofile\AppData\Local\multipassd instead.
 */
static const struct os_path multipass_ssh_keys[] = {
    {"linux", "/var/snap/multipass/common/data/multipassd/ssh-keys/id_rsa"},
    {"darwin", "/var/root/Library/Application Support/multipassd/ssh-keys/id_rsa"},
    {"windows", "C:\\ProgramData\\Multipass\\data\\ssh-keys\\id_rsa"},
};

const char *
platform_multipass_ssh_key(const char *os)
{
	for (size_t i = 0; os != NULL && i < nitems(multipass_ssh_keys); i++) {
		if (strcmp(multipass_ssh_keys[i].os, os) == 0)
			return multipass_ssh_keys[i].path;
	}
	return NULL;
}

char *
platform_state_dir(void)
{
	const char *xdg = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");

	/* The XDG spec says a relative XDG_STATE_HOME is invalid and must be ignored. */
	if (xdg != NULL && xdg[0] == '/')
		return xasprintf("%s/vmtriage", xdg);
	if (home != NULL && home[0] == '/')
		return xasprintf("%s/.local/state/vmtriage", home);
	return NULL;
}
