/*
 * probe-ssh.h: the parts of the "ssh" probe that need no network, so unit
 * tests can check them on their own: which hosts it will talk to, where its
 * known_hosts file lives by default, how known_hosts names a host and port,
 * and what a known_hosts text holds for one of them.
 */
#ifndef VT_PROBE_SSH_H
#define VT_PROBE_SSH_H

#include <stddef.h>

/*
 * NULL when host may be given to the probe, else why not (allocated). Only
 * names and addresses pass: letters, digits, '.', '-', '_', ':' and '%'
 * (an IPv6 zone), not starting with '-'. Anything else could read as an
 * option, a user ("user@host"), or a known_hosts pattern ("*", "a,b").
 */
char *probe_ssh_check_host(const char *host);

/* $XDG_STATE_HOME/vmtriage/known_hosts (see platform_state_dir); NULL when there is no home. */
char *probe_ssh_known_hosts_default(void);

/* How known_hosts names host at port: "host" for 22, else "[host]:port"; lower case. */
char *probe_ssh_host_port(const char *host, long port);

/* One known_hosts line that names a host. */
struct probe_ssh_known {
	unsigned long lineno; /* 1-based, as an editor counts */
	char *type;           /* "ssh-ed25519" */
	char *fingerprint;    /* "SHA256:..." */
};

/*
 * The lines of a known_hosts text (len bytes) whose host patterns match
 * host_port (as probe_ssh_host_port gives it), hashed entries included, in
 * file order. Returns how many; *out is allocated (NULL when none).
 */
size_t probe_ssh_known_scan(const char *text, size_t len, const char *host_port,
                            struct probe_ssh_known **out);
void probe_ssh_known_free(struct probe_ssh_known *, size_t n);

#endif
