/*
 * guestparse.c: the pure parsers behind the "guest" probe (see guestparse.h).
 * Every input is text a guest gave, so nothing here trusts it: lines may be
 * long, CRLF-terminated, or missing their last newline, and a field may be
 * absent. No function touches a machine.
 */
#include "config.h"

#include <ctype.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "flow/diag.h"
#include "flow/yamldoc.h"
#include "probe/guestparse.h"
#include "util/util.h"

/* ---- lines and words ------------------------------------------------------ */

/* Walks text one line at a time: the line without its end ("\n" or "\r\n"). */
struct lines {
	const char *p, *end;
	unsigned long lineno;
};

static void
lines_init(struct lines *l, const char *text, size_t len)
{
	l->p = text;
	l->end = text + len;
	l->lineno = 0;
}

/* The next line, owned; NULL at the end. */
static char *
lines_next(struct lines *l)
{
	const char *nl;
	size_t ll;

	if (l->p >= l->end)
		return NULL;
	nl = memchr(l->p, '\n', (size_t)(l->end - l->p));
	ll = nl != NULL ? (size_t)(nl - l->p) : (size_t)(l->end - l->p);
	l->lineno++;
	{
		const char *start = l->p;

		l->p = nl != NULL ? nl + 1 : l->end;
		if (ll > 0 && start[ll - 1] == '\r')
			ll--;
		return xstrndup(start, ll);
	}
}

static char *
skip_space(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return (char *)s;
}

/* s without the white space at its end, in place. */
static void
rtrim(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
}

/* The next word of *sp (split on blanks), owned, and *sp moved past it; NULL when none. */
static char *
next_word(const char **sp)
{
	const char *s = skip_space(*sp), *e = s;

	while (*e != '\0' && *e != ' ' && *e != '\t')
		e++;
	*sp = e;
	return e > s ? xstrndup(s, (size_t)(e - s)) : NULL;
}

static void
lower(char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		*s = (char)tolower((unsigned char)*s);
}

static bool
strlist_has(const struct strlist *sl, const char *s)
{
	for (size_t i = 0; i < sl->n; i++) {
		if (strcmp(sl->v[i], s) == 0)
			return true;
	}
	return false;
}

static void
strlist_add_once(struct strlist *sl, const char *s)
{
	if (!strlist_has(sl, s))
		strlist_add(sl, s);
}

/* ---- cloud-init status --long --------------------------------------------- */

static const char *const ci_keys[] = {
    "status", "extended_status", "boot_status_code",   "last_update", "time",
    "detail", "errors",          "recoverable_errors", NULL};

/* When line is "KEY: value" or "KEY:" for a key of ci_keys: the key's index, *value after it. */
static int
ci_key(const char *line, const char **value)
{
	for (size_t i = 0; ci_keys[i] != NULL; i++) {
		size_t kl = strlen(ci_keys[i]);

		if (strncmp(line, ci_keys[i], kl) == 0 && line[kl] == ':' &&
		    (line[kl + 1] == '\0' || line[kl + 1] == ' ')) {
			*value = skip_space(line + kl + 1);
			return (int)i;
		}
	}
	return -1;
}

static enum guest_ci_state
ci_state(const char *word)
{
	static const struct {
		const char *word;
		enum guest_ci_state state;
	} words[] = {
	    {"done", GUEST_CI_DONE},
	    {"running", GUEST_CI_RUNNING},
	    {"error", GUEST_CI_ERROR},
	    {"disabled", GUEST_CI_DISABLED},
	    {"not started", GUEST_CI_NOT_STARTED},
	    {"not run", GUEST_CI_NOT_STARTED},
	};

	for (size_t i = 0; i < nitems(words); i++) {
		if (strcmp(word, words[i].word) == 0)
			return words[i].state;
	}
	return GUEST_CI_UNKNOWN;
}

const char *
guest_ci_state_name(enum guest_ci_state s)
{
	switch (s) {
	case GUEST_CI_NOT_STARTED:
		return "not_started";
	case GUEST_CI_RUNNING:
		return "running";
	case GUEST_CI_DONE:
		return "done";
	case GUEST_CI_ERROR:
		return "error";
	case GUEST_CI_DISABLED:
		return "disabled";
	case GUEST_CI_UNKNOWN:
		break;
	}
	return "unknown";
}

int
guest_ci_parse(const char *text, size_t len, struct guest_ci *out)
{
	enum { IN_NONE, IN_DETAIL, IN_ERRORS, IN_RECOVERABLE } in = IN_NONE;
	struct strbuf detail = STRBUF_INIT;
	struct lines l;
	char *line = NULL, *level = NULL;

	memset(out, 0, sizeof *out);
	lines_init(&l, text, len);
	while ((line = lines_next(&l)) != NULL) {
		const char *value = NULL, *s = skip_space(line);
		int k = line[0] != ' ' && line[0] != '\t' ? ci_key(line, &value) : -1;

		rtrim(line);
		if (k == -1 && out->status == NULL) {
			/* `--wait` prints dots before "status:" on the same line. */
			const char *st = strstr(line, "status: ");

			if (st != NULL && (st == line || st[-1] == '.')) {
				value = st + strlen("status: ");
				k = 0;
			}
		}
		if (k != -1) {
			in = IN_NONE;
			switch (k) {
			case 0: /* status */
				if (out->status == NULL) {
					out->status = xstrdup(value);
					out->state = ci_state(value);
				}
				break;
			case 1:
				free(out->extended);
				out->extended = xstrdup(value);
				break;
			case 2:
				free(out->boot_code);
				out->boot_code = xstrdup(value);
				break;
			case 5: /* detail: on this line (new) or on those below (old) */
				strbuf_reset(&detail);
				strbuf_adds(&detail, value);
				in = IN_DETAIL;
				break;
			case 6:
				if (*value == '\0')
					in = IN_ERRORS;
				else if (strcmp(value, "[]") != 0)
					strlist_add(&out->errors, value);
				break;
			case 7:
				if (*value == '\0')
					in = IN_RECOVERABLE;
				break;
			default: /* last_update, time */
				break;
			}
			free(line);
			continue;
		}
		switch (in) {
		case IN_DETAIL:
			if (*s != '\0') {
				if (detail.len > 0)
					strbuf_addc(&detail, ' ');
				strbuf_adds(&detail, s);
			}
			break;
		case IN_ERRORS:
			if (s[0] == '-' && (s[1] == ' ' || s[1] == '\0'))
				strlist_add(&out->errors, skip_space(s + 1));
			break;
		case IN_RECOVERABLE:
			if (line[0] != ' ' && line[0] != '\t' && *s != '\0' &&
			    line[strlen(line) - 1] == ':') {
				free(level);
				level = xstrndup(line, strlen(line) - 1);
			} else if (s[0] == '-' && (s[1] == ' ' || s[1] == '\0'))
				strlist_addf(&out->recoverable, "%s: %s",
				             level != NULL ? level : "WARNING", skip_space(s + 1));
			break;
		case IN_NONE:
			break;
		}
		free(line);
	}
	if (detail.len > 0)
		out->detail = strbuf_detach(&detail);
	strbuf_free(&detail);
	free(level);
	return out->status != NULL ? 0 : -1;
}

void
guest_ci_free(struct guest_ci *ci)
{
	free(ci->status);
	free(ci->extended);
	free(ci->boot_code);
	free(ci->detail);
	strlist_free(&ci->errors);
	strlist_free(&ci->recoverable);
	memset(ci, 0, sizeof *ci);
}

/* ---- DNS -------------------------------------------------------------------- */

size_t
guest_resolv_parse(const char *text, size_t len, struct strlist *out)
{
	struct lines l;
	char *line = NULL;
	size_t n = 0;

	lines_init(&l, text, len);
	while ((line = lines_next(&l)) != NULL) {
		const char *s = skip_space(line);
		char *word = next_word(&s);

		if (word != NULL && strcmp(word, "nameserver") == 0) {
			char *addr = next_word(&s);

			if (addr != NULL && addr[0] != '#' && addr[0] != ';') {
				strlist_add(out, addr);
				n++;
			}
			free(addr);
		}
		free(word);
		free(line);
	}
	return n;
}

bool
guest_is_resolved_stub(const char *addr)
{
	return strcmp(addr, "127.0.0.53") == 0 || strcmp(addr, "127.0.0.54") == 0;
}

/* Adds each word of s to sl once. */
static size_t
add_words(struct strlist *sl, const char *s)
{
	char *w = NULL;
	size_t n = 0;

	while ((w = next_word(&s)) != NULL) {
		if (!strlist_has(sl, w)) {
			strlist_add(sl, w);
			n++;
		}
		free(w);
	}
	return n;
}

size_t
guest_resolvectl_parse(const char *text, size_t len, struct strlist *servers,
                       struct strlist *fallback)
{
	struct strlist *cont = NULL;
	struct lines l;
	char *line = NULL;
	size_t n = 0;

	lines_init(&l, text, len);
	while ((line = lines_next(&l)) != NULL) {
		char *s = skip_space(line), *colon = strstr(s, ": ");

		rtrim(s);
		if (colon == NULL && *s != '\0' && s[strlen(s) - 1] == ':')
			colon = s + strlen(s) - 1;
		if (colon != NULL) {
			/* "KEY: value": keys are right-aligned, so s starts at the key. */
			*colon = '\0';
			cont = NULL;
			if (strcmp(s, "DNS Servers") == 0 || strcmp(s, "Current DNS Server") == 0)
				cont = servers;
			else if (strcmp(s, "Fallback DNS Servers") == 0)
				cont = fallback;
			if (cont != NULL) {
				size_t got = add_words(cont, colon + 1 + (colon[1] != '\0'));

				n += cont == servers ? got : 0;
			}
		} else if (cont != NULL && s != line && *s != '\0') {
			/* An address on a line of its own continues the list above. */
			size_t got = add_words(cont, s);

			n += cont == servers ? got : 0;
		} else
			cont = NULL;
		free(line);
	}
	return n;
}

/* ---- name lookups ------------------------------------------------------------- */

/*
 * Whether w reads as an address: IPv4's digits and dots, or IPv6's hex
 * digits and colons (maybe with a dotted end), maybe a "%zone" after them.
 * Loose on purpose: what matters is telling an address from a name or a
 * word of prose.
 */
static bool
looks_like_address(const char *w)
{
	size_t n = strspn(w, "0123456789abcdefABCDEF.:");

	if (n == 0 || (w[n] != '\0' && w[n] != '%'))
		return false;
	if (w[n] == '%' && w[n + 1] == '\0')
		return false;
	if (memchr(w, ':', n) != NULL)
		return true;
	return strspn(w, "0123456789.") == n && memchr(w, '.', n) != NULL;
}

size_t
guest_getent_parse(const char *text, size_t len, struct strlist *addrs, struct strlist *lines)
{
	struct lines l;
	char *line = NULL;
	size_t n = 0;

	lines_init(&l, text, len);
	while ((line = lines_next(&l)) != NULL) {
		const char *s = line;
		char *addr = next_word(&s);

		if (addr != NULL && looks_like_address(addr)) {
			strlist_add(addrs, addr);
			if (lines != NULL)
				strlist_add(lines, line);
			n++;
		}
		free(addr);
		free(line);
	}
	return n;
}

size_t
guest_nslookup_parse(const char *text, size_t len, struct strlist *addrs)
{
	struct lines l;
	char *line = NULL;
	bool named = false, cont = false;
	size_t n = 0;

	lines_init(&l, text, len);
	while ((line = lines_next(&l)) != NULL) {
		const char *s = skip_space(line), *rest = NULL;
		char *addr = NULL;

		if (str_has_prefix(s, "Name:")) {
			named = true;
			cont = false;
		} else if (named && str_has_prefix(s, "Address")) {
			/* "Address: A", "Address 1: A NAME", "Addresses: A" */
			rest = s + strlen("Address");
			rest += strspn(rest, "es0123456789 \t");
			if (*rest == ':') {
				rest++;
				addr = next_word(&rest);
				cont = s[strlen("Address")] == 'e';
			}
		} else if (named && cont && s != line && *s != '\0') {
			/* Windows lists more addresses on indented lines under "Addresses:". */
			rest = s;
			addr = next_word(&rest);
		} else
			cont = false;
		if (addr != NULL && looks_like_address(addr) && !strlist_has(addrs, addr)) {
			strlist_add(addrs, addr);
			n++;
		}
		free(addr);
		free(line);
	}
	return n;
}

/* ---- fstab -------------------------------------------------------------------- */

bool
guest_fstab_spec_unstable(const char *spec)
{
	static const char *const prefixes[] = {"/dev/sd", "/dev/hd", "/dev/xvd",
	                                       "/dev/disk/by-path/"};

	for (size_t i = 0; i < nitems(prefixes); i++) {
		if (str_has_prefix(spec, prefixes[i]) && spec[strlen(prefixes[i])] != '\0')
			return true;
	}
	return false;
}

size_t
guest_fstab_parse(const char *text, size_t len, struct guest_fstab_entry **out)
{
	struct guest_fstab_entry *v = NULL;
	struct lines l;
	char *line = NULL;
	size_t n = 0;

	lines_init(&l, text, len);
	while ((line = lines_next(&l)) != NULL) {
		const char *s = skip_space(line);
		char *spec = NULL;

		if (*s == '#' || (spec = next_word(&s)) == NULL) {
			free(line);
			continue;
		}
		v = xreallocarray(v, n + 1, sizeof *v);
		v[n].lineno = l.lineno;
		v[n].spec = spec;
		v[n].file = next_word(&s);
		v[n].type = next_word(&s);
		if (v[n].file == NULL)
			v[n].file = xstrdup("");
		if (v[n].type == NULL)
			v[n].type = xstrdup("");
		rtrim(line);
		v[n].line = line;
		v[n].unstable = guest_fstab_spec_unstable(spec);
		n++;
	}
	*out = v;
	return n;
}

void
guest_fstab_free(struct guest_fstab_entry *v, size_t n)
{
	for (size_t i = 0; v != NULL && i < n; i++) {
		free(v[i].line);
		free(v[i].spec);
		free(v[i].file);
		free(v[i].type);
	}
	free(v);
}

/* ---- interface names ------------------------------------------------------------ */

static bool
is_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

/* Adds a reference, unless the same name (or, without one, the same MAC) is already there. */
static void
ref_add(struct guest_iface_refs *refs, const char *name, const char *mac, const char *source,
        unsigned long lineno)
{
	struct guest_iface_ref *r;

	if (name == NULL && mac == NULL)
		return;
	for (size_t i = 0; i < refs->n; i++) {
		r = &refs->v[i];
		if (strcmp(r->source, source) == 0 &&
		    (name != NULL ? str_eq(r->name, name) : r->name == NULL && str_eq(r->mac, mac)))
			return;
	}
	refs->v = xreallocarray(refs->v, refs->n + 1, sizeof *refs->v);
	r = &refs->v[refs->n++];
	r->name = name != NULL ? xstrdup(name) : NULL;
	r->mac = mac != NULL ? xstrdup(mac) : NULL;
	lower(r->mac);
	r->glob = name != NULL && is_glob(name);
	r->source = xstrdup(source);
	r->lineno = lineno;
}

void
guest_iface_refs_free(struct guest_iface_refs *refs)
{
	for (size_t i = 0; i < refs->n; i++) {
		free(refs->v[i].name);
		free(refs->v[i].mac);
		free(refs->v[i].source);
	}
	free(refs->v);
	refs->v = NULL;
	refs->n = 0;
}

static const char *
scalar(const struct ynode *n)
{
	return n != NULL && n->type == YNODE_SCALAR && !ynode_is_null(n) ? n->str : NULL;
}

int
guest_netplan_parse(const char *text, size_t len, const char *source, struct guest_iface_refs *out,
                    char **err)
{
	struct arena *a = arena_new();
	struct diags d = DIAGS_INIT;
	const struct ynode *root, *net, *eths;
	int rc = -1;

	*err = NULL;
	root = ydoc_parse(a, source, text, len, &d);
	if (root == NULL) {
		/* An empty file is valid netplan that configures nothing. */
		if (d.n == 0 || strspn(text, " \t\r\n") == len) {
			rc = 0;
			goto out;
		}
		*err = xasprintf("%s:%d: %s", source, d.v[0].line, d.v[0].msg);
		goto out;
	}
	if (root->type != YNODE_MAP) {
		*err = xasprintf(_("%s is not a netplan file (no 'network:' mapping)"), source);
		goto out;
	}
	rc = 0;
	net = ynode_get(root, "network");
	if (net == NULL || net->type != YNODE_MAP)
		goto out;
	eths = ynode_get(net, "ethernets");
	if (eths == NULL || eths->type != YNODE_MAP)
		goto out;
	for (size_t i = 0; i < eths->n; i++) {
		const struct ynode *id = eths->pairs[i].key, *v = eths->pairs[i].value;
		const struct ynode *match =
		    v != NULL && v->type == YNODE_MAP ? ynode_get(v, "match") : NULL;
		const char *setname =
		    v != NULL && v->type == YNODE_MAP ? scalar(ynode_get(v, "set-name")) : NULL;
		const char *mname = NULL, *mmac = NULL;

		if (match != NULL && match->type == YNODE_MAP) {
			mname = scalar(ynode_get(match, "name"));
			mmac = scalar(ynode_get(match, "macaddress"));
		}
		if (setname != NULL)
			ref_add(out, setname, mmac, source, (unsigned long)id->line);
		else if (match != NULL)
			/* A match by driver alone names no interface: nothing to compare. */
			ref_add(out, mname, mmac, source, (unsigned long)id->line);
		else
			ref_add(out, id->str, NULL, source, (unsigned long)id->line);
	}
out:
	diags_free(&d);
	arena_free(a);
	return rc;
}

/* "eth0:1" (an alias) and "eth0.100" (a VLAN) live on eth0. */
static char *
base_iface(const char *name)
{
	size_t n = strcspn(name, ":.");

	return xstrndup(name, n > 0 ? n : strlen(name));
}

void
guest_ifupdown_parse(const char *text, size_t len, const char *source, struct guest_iface_refs *out)
{
	static const char *const ports[] = {"bridge_ports", "bridge-ports", "bond-slaves",
	                                    "bond_slaves"};
	struct lines l;
	char *line = NULL;

	lines_init(&l, text, len);
	while ((line = lines_next(&l)) != NULL) {
		const char *s = skip_space(line);
		char *word = next_word(&s), *name = NULL;
		bool many = false, known = false;

		if (word == NULL || word[0] == '#') {
			free(word);
			free(line);
			continue;
		}
		if (strcmp(word, "iface") == 0)
			known = true;
		else if (strcmp(word, "auto") == 0 || str_has_prefix(word, "allow-"))
			known = many = true;
		for (size_t i = 0; i < nitems(ports) && !known; i++)
			known = many = strcmp(word, ports[i]) == 0;
		while (known && (name = next_word(&s)) != NULL) {
			char *base = base_iface(name);

			if (strcmp(base, "lo") != 0 && strcmp(base, "none") != 0)
				ref_add(out, base, NULL, source, l.lineno);
			free(base);
			free(name);
			if (!many)
				break;
		}
		free(word);
		free(line);
	}
}

/* VALUE of KEY=VALUE, without the quotes a shell would take off; owned. */
static char *
shell_value(const char *v)
{
	size_t n = strlen(v);

	if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0])
		return xstrndup(v + 1, n - 2);
	return xstrdup(v);
}

void
guest_ifcfg_parse(const char *text, size_t len, const char *source, struct guest_iface_refs *out)
{
	const char *base = strrchr(source, '/'), *fromname = NULL;
	char *device = NULL, *hwaddr = NULL, *line = NULL;
	unsigned long devline = 0;
	struct lines l;

	base = base != NULL ? base + 1 : source;
	if (str_has_prefix(base, "ifcfg-"))
		fromname = base + strlen("ifcfg-");
	lines_init(&l, text, len);
	while ((line = lines_next(&l)) != NULL) {
		char *s = skip_space(line);

		rtrim(s);
		if (str_has_prefix(s, "DEVICE=")) {
			free(device);
			device = shell_value(s + strlen("DEVICE="));
			devline = l.lineno;
		} else if (str_has_prefix(s, "HWADDR=")) {
			free(hwaddr);
			hwaddr = shell_value(s + strlen("HWADDR="));
			if (devline == 0)
				devline = l.lineno;
		}
		free(line);
	}
	if (device == NULL && fromname != NULL && *fromname != '\0')
		device = xstrdup(fromname);
	if (device != NULL && strcmp(device, "lo") != 0)
		ref_add(out, device, hwaddr != NULL && *hwaddr != '\0' ? hwaddr : NULL, source,
		        devline != 0 ? devline : 1);
	free(device);
	free(hwaddr);
}

void
guest_nmconn_parse(const char *text, size_t len, const char *source, struct guest_iface_refs *out)
{
	char *name = NULL, *mac = NULL, *section = NULL, *line = NULL;
	unsigned long at = 0;
	struct lines l;

	lines_init(&l, text, len);
	while ((line = lines_next(&l)) != NULL) {
		char *s = skip_space(line);

		rtrim(s);
		if (s[0] == '[') {
			free(section);
			section = xstrdup(s);
		} else if (section != NULL && strcmp(section, "[connection]") == 0 &&
		           str_has_prefix(s, "interface-name=")) {
			free(name);
			name = xstrdup(s + strlen("interface-name="));
			at = l.lineno;
		} else if (section != NULL && strcmp(section, "[ethernet]") == 0 &&
		           str_has_prefix(s, "mac-address=")) {
			free(mac);
			mac = xstrndup(s + strlen("mac-address="),
			               strcspn(s + strlen("mac-address="), ";"));
			if (at == 0)
				at = l.lineno;
		}
		free(line);
	}
	if (name != NULL && (*name == '\0' || strcmp(name, "lo") == 0)) {
		free(name);
		name = NULL;
	}
	ref_add(out, name, mac != NULL && *mac != '\0' ? mac : NULL, source, at);
	free(name);
	free(mac);
	free(section);
}

size_t
guest_ip_link_parse(const char *text, size_t len, struct guest_link **out)
{
	struct guest_link *v = NULL;
	struct lines l;
	char *line = NULL;
	size_t n = 0;

	lines_init(&l, text, len);
	while ((line = lines_next(&l)) != NULL) {
		char *end = NULL, *name = NULL, *colon = NULL, *at = NULL;
		const char *s = NULL;
		unsigned long idx = strtoul(line, &end, 10);

		/* "2: enp1s0: <BROADCAST,...> mtu 1500 ...\    link/ether 52:54:00:..." */
		if (end == line || end[0] != ':' || end[1] != ' ' ||
		    (colon = strchr(end + 2, ':')) == NULL) {
			free(line);
			continue;
		}
		name = xstrndup(end + 2, (size_t)(colon - (end + 2)));
		if ((at = strchr(name, '@')) != NULL)
			*at = '\0';
		v = xreallocarray(v, n + 1, sizeof *v);
		memset(&v[n], 0, sizeof v[n]);
		v[n].index = (unsigned)idx;
		v[n].name = name;
		s = colon + 1;
		for (char *w = NULL; (w = next_word(&s)) != NULL; free(w)) {
			if (strcmp(w, "link/ether") == 0 && v[n].mac == NULL) {
				v[n].mac = next_word(&s);
				lower(v[n].mac);
			} else if (strcmp(w, "altname") == 0) {
				char *alt = next_word(&s);

				if (alt != NULL) {
					/* The "\" that stands for a line break sticks to words. */
					if (alt[strlen(alt) - 1] == '\\')
						alt[strlen(alt) - 1] = '\0';
					strlist_add_once(&v[n].altnames, alt);
				}
				free(alt);
			}
		}
		n++;
		free(line);
	}
	*out = v;
	return n;
}

void
guest_links_free(struct guest_link *v, size_t n)
{
	for (size_t i = 0; v != NULL && i < n; i++) {
		free(v[i].name);
		free(v[i].mac);
		strlist_free(&v[i].altnames);
	}
	free(v);
}

static bool
name_matches(const struct guest_iface_ref *ref, const char *name)
{
	return ref->glob ? fnmatch(ref->name, name, 0) == 0 : strcmp(ref->name, name) == 0;
}

bool
guest_iface_ref_found(const struct guest_iface_ref *ref, const struct guest_link *links, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (ref->name != NULL) {
			if (name_matches(ref, links[i].name))
				return true;
			for (size_t j = 0; j < links[i].altnames.n; j++) {
				if (name_matches(ref, links[i].altnames.v[j]))
					return true;
			}
		} else if (ref->mac != NULL && links[i].mac != NULL &&
		           strcmp(ref->mac, links[i].mac) == 0)
			return true;
	}
	return false;
}

/* ---- udev ------------------------------------------------------------------------ */

/* The value of KEY=="value" or KEY="value" in a udev rule line; owned, or NULL. */
static char *
udev_value(const char *line, const char *key)
{
	const char *p = line;

	while ((p = strstr(p, key)) != NULL) {
		const char *v = p + strlen(key), *q;

		/* The key must start a word: "NAME=" is not "KERNEL_NAME=". */
		if (p > line && (isalnum((unsigned char)p[-1]) || p[-1] == '_')) {
			p = v;
			continue;
		}
		if (v[0] == '=' && v[1] == '=')
			v += 2;
		else if (v[0] == '=')
			v += 1;
		else {
			p = v;
			continue;
		}
		if (*v != '"' || (q = strchr(v + 1, '"')) == NULL)
			return NULL;
		return xstrndup(v + 1, (size_t)(q - v - 1));
	}
	return NULL;
}

size_t
guest_udev_parse(const char *text, size_t len, struct guest_udev_rule **out)
{
	struct guest_udev_rule *v = NULL;
	struct lines l;
	char *line = NULL;
	size_t n = 0;

	lines_init(&l, text, len);
	while ((line = lines_next(&l)) != NULL) {
		const char *s = skip_space(line);
		char *mac = NULL;

		if (*s == '#' || (mac = udev_value(s, "ATTR{address}")) == NULL) {
			free(line);
			continue;
		}
		lower(mac);
		v = xreallocarray(v, n + 1, sizeof *v);
		v[n].lineno = l.lineno;
		rtrim(line);
		v[n].line = line;
		v[n].mac = mac;
		v[n].name = udev_value(s, "NAME");
		n++;
	}
	*out = v;
	return n;
}

void
guest_udev_free(struct guest_udev_rule *v, size_t n)
{
	for (size_t i = 0; v != NULL && i < n; i++) {
		free(v[i].line);
		free(v[i].mac);
		free(v[i].name);
	}
	free(v);
}

/* ---- initramfs and kernel modules --------------------------------------------------- */

static const struct {
	unsigned bit;
	const char *module;
} virtio_modules[] = {
    {GUEST_VIRTIO_BLK, "virtio_blk"},
    {GUEST_VIRTIO_SCSI, "virtio_scsi"},
    {GUEST_VIRTIO_PCI, "virtio_pci"},
    {GUEST_VIRTIO_NET, "virtio_net"},
};

/* The bit of a word that names a module file ("kernel/drivers/block/virtio_blk.ko.zst"). */
static unsigned
virtio_word(const char *w, size_t len)
{
	const char *base = w;

	for (size_t i = 0; i < len; i++) {
		if (w[i] == '/')
			base = w + i + 1;
	}
	for (size_t i = 0; i < nitems(virtio_modules); i++) {
		size_t ml = strlen(virtio_modules[i].module);
		size_t rest = len - (size_t)(base - w);

		if (rest >= ml + 3 && strncmp(base, virtio_modules[i].module, ml) == 0 &&
		    strncmp(base + ml, ".ko", 3) == 0 && (rest == ml + 3 || base[ml + 3] == '.'))
			return virtio_modules[i].bit;
	}
	return 0;
}

unsigned
guest_virtio_scan(const char *text, size_t len)
{
	unsigned mask = 0;
	size_t i = 0;

	while (i < len) {
		size_t start;

		while (i < len && isspace((unsigned char)text[i]))
			i++;
		start = i;
		while (i < len && !isspace((unsigned char)text[i]))
			i++;
		if (i > start)
			mask |= virtio_word(text + start, i - start);
	}
	return mask;
}

char *
guest_virtio_names(unsigned mask)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < nitems(virtio_modules); i++) {
		if ((mask & virtio_modules[i].bit) != 0)
			strbuf_addf(&sb, "%s%s", sb.len > 0 ? ", " : "", virtio_modules[i].module);
	}
	if (sb.len == 0)
		strbuf_adds(&sb, "none");
	return strbuf_detach(&sb);
}

bool
guest_virtio_enough(unsigned mask)
{
	return (mask & GUEST_VIRTIO_PCI) != 0 &&
	       (mask & (GUEST_VIRTIO_BLK | GUEST_VIRTIO_SCSI)) != 0;
}

char *
guest_link_target(const char *link, const char *target)
{
	struct strlist parts = STRLIST_INIT;
	struct strbuf sb = STRBUF_INIT;
	char *joined = NULL;
	const char *slash = strrchr(link, '/');

	if (target[0] == '/')
		joined = xstrdup(target);
	else
		joined =
		    xasprintf("%.*s/%s", slash != NULL ? (int)(slash - link) : 0, link, target);
	for (const char *s = joined; *s != '\0';) {
		size_t n = strcspn(s, "/");

		if (n == 2 && strncmp(s, "..", 2) == 0) {
			if (parts.n > 0)
				free(parts.v[--parts.n]);
		} else if (n > 0 && !(n == 1 && s[0] == '.'))
			strlist_take(&parts, xstrndup(s, n));
		s += n + (s[n] == '/');
	}
	for (size_t i = 0; i < parts.n; i++)
		strbuf_addf(&sb, "/%s", parts.v[i]);
	if (sb.len == 0)
		strbuf_addc(&sb, '/');
	strlist_free(&parts);
	free(joined);
	return strbuf_detach(&sb);
}

int
guest_version_cmp(const char *a, const char *b)
{
	while (*a != '\0' && *b != '\0') {
		if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
			const char *ea = a, *eb = b;

			while (*a == '0')
				a++;
			while (*b == '0')
				b++;
			for (ea = a; isdigit((unsigned char)*ea); ea++)
				;
			for (eb = b; isdigit((unsigned char)*eb); eb++)
				;
			if (ea - a != eb - b)
				return ea - a < eb - b ? -1 : 1;
			for (; a < ea; a++, b++) {
				if (*a != *b)
					return *a < *b ? -1 : 1;
			}
			continue;
		}
		if (*a != *b)
			return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
		a++;
		b++;
	}
	return *a == *b ? 0 : (*a == '\0' ? -1 : 1);
}

/* The kernel version an initramfs name is for, owned; NULL when it is no kernel's. */
static char *
initramfs_version(const char *name)
{
	size_t n = strlen(name);
	char *v = NULL;

	if (str_has_prefix(name, "initrd.img-"))
		v = xstrdup(name + strlen("initrd.img-"));
	else if (str_has_prefix(name, "initramfs-") && str_has_suffix(name, ".img"))
		v = xstrndup(name + strlen("initramfs-"),
		             n - strlen("initramfs-") - strlen(".img"));
	else if (str_has_prefix(name, "initrd-") && !str_has_suffix(name, ".img"))
		v = xstrdup(name + strlen("initrd-")); /* SUSE */
	if (v == NULL)
		return NULL;
	/* Rescue and kdump images do not boot the system; ".old" and "-dpkg-bak" are leftovers. */
	if (*v == '\0' || !isdigit((unsigned char)v[0]) || str_has_suffix(v, "kdump") ||
	    str_has_prefix(v, "0-rescue") || strstr(v, ".old") != NULL ||
	    str_has_suffix(v, ".bak") || str_has_suffix(v, "-dpkg-bak")) {
		free(v);
		return NULL;
	}
	return v;
}

char *
guest_boot_initramfs(const char *names, size_t len, const char *version, char **found_version)
{
	char *best = NULL, *best_version = NULL, *line = NULL;
	struct lines l;

	if (found_version != NULL)
		*found_version = NULL;
	lines_init(&l, names, len);
	while ((line = lines_next(&l)) != NULL) {
		char *v = initramfs_version(line);

		if (v != NULL && (version != NULL ? strcmp(v, version) == 0
		                                  : best_version == NULL ||
		                                        guest_version_cmp(v, best_version) > 0)) {
			free(best);
			free(best_version);
			best = line;
			best_version = v;
			line = NULL;
			v = NULL;
		}
		free(v);
		free(line);
	}
	if (found_version != NULL)
		*found_version = best_version;
	else
		free(best_version);
	return best;
}
