/*
 * sysparse.c: reading what `multipass`, `ip`, `ifconfig`, `ps`, `tasklist`,
 * `df` and PowerShell print, for the multipass, process and disk_space
 * probes. Every function here works on bytes it is given and nothing else;
 * output from another machine (a snapshot) is as welcome as this one's.
 *
 * The formats, and where each was checked, are listed in tests/data/sys/README.
 */
#include "config.h"

#include <sys/socket.h>

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

#include "probe/netparse.h"
#include "probe/sysparse.h"
#include "util/util.h"

/* ---- lines and words ---------------------------------------------------- */

/*
 * The next line of [*p, end) without its line break (and CR); advances *p.
 * Returns NULL at the end.
 */
static const char *
next_line(const char **p, const char *end, size_t *len)
{
	const char *start = *p, *nl;
	size_t n;

	if (start >= end)
		return NULL;
	nl = memchr(start, '\n', (size_t)(end - start));
	n = nl != NULL ? (size_t)(nl - start) : (size_t)(end - start);
	*p = nl != NULL ? nl + 1 : end;
	if (n > 0 && start[n - 1] == '\r')
		n--;
	*len = n;
	return start;
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* ---- multipass version -------------------------------------------------- */

/* "multipass   1.14.1": the word, then the version after the padding. */
static bool
version_line(const char *line, size_t len, const char *word, char **version)
{
	size_t wl = strlen(word), i = wl, start;

	if (len <= wl || memcmp(line, word, wl) != 0 || !is_blank(line[wl]))
		return false;
	while (i < len && is_blank(line[i]))
		i++;
	start = i;
	while (i < len && !is_blank(line[i]))
		i++;
	if (i == start)
		return false;
	*version = xstrndup(line + start, i - start);
	return true;
}

int
mp_version_parse(const char *buf, size_t len, struct mp_version *out)
{
	const char *p = buf, *end = buf + len, *line;
	size_t ll;

	memset(out, 0, sizeof *out);
	while ((line = next_line(&p, end, &ll)) != NULL) {
		char *v = NULL;

		if (out->client == NULL && version_line(line, ll, "multipass", &v)) {
			out->client = v;
			out->client_line = xstrndup(line, ll);
		} else if (out->daemon == NULL && version_line(line, ll, "multipassd", &v)) {
			out->daemon = v;
			out->daemon_line = xstrndup(line, ll);
		}
	}
	return out->client != NULL ? 0 : -1;
}

void
mp_version_free(struct mp_version *v)
{
	free(v->client);
	free(v->daemon);
	free(v->client_line);
	free(v->daemon_line);
	memset(v, 0, sizeof *v);
}

/* ---- multipass list ----------------------------------------------------- */

static bool
ynull(const yaml_node_t *n)
{
	const char *v;

	if (n == NULL)
		return true;
	if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	v = (const char *)n->data.scalar.value;
	return v[0] == '\0' || strcmp(v, "~") == 0 || strcmp(v, "null") == 0 ||
	       strcmp(v, "Null") == 0 || strcmp(v, "NULL") == 0;
}

static char *
yscalar(const yaml_node_t *n)
{
	return xstrndup((const char *)n->data.scalar.value, n->data.scalar.length);
}

/* The value of key in a mapping node, or NULL. */
static yaml_node_t *
ymap_get(yaml_document_t *doc, const yaml_node_t *map, const char *key)
{
	for (yaml_node_pair_t *pr = map->data.mapping.pairs.start; pr < map->data.mapping.pairs.top;
	     pr++) {
		yaml_node_t *k = yaml_document_get_node(doc, pr->key);

		if (k != NULL && k->type == YAML_SCALAR_NODE &&
		    strcmp((const char *)k->data.scalar.value, key) == 0)
			return yaml_document_get_node(doc, pr->value);
	}
	return NULL;
}

static void
read_ipv4(yaml_document_t *doc, const yaml_node_t *n, struct mp_instance *in)
{
	if (n == NULL || ynull(n))
		return;
	if (n->type == YAML_SCALAR_NODE) {
		in->ipv4 = yscalar(n);
		in->nipv4 = 1;
		return;
	}
	if (n->type != YAML_SEQUENCE_NODE)
		return;
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++) {
		yaml_node_t *a = yaml_document_get_node(doc, *it);

		if (a == NULL || a->type != YAML_SCALAR_NODE || ynull(a))
			continue;
		if (in->ipv4 == NULL)
			in->ipv4 = yscalar(a);
		in->nipv4++;
	}
}

/*
 * One instance: a list holding its mapping, as yaml_formatter.cpp writes
 * it, or (tolerated) the mapping itself.
 */
static int
read_instance(yaml_document_t *doc, const yaml_node_t *v, struct mp_instance *in, char **err)
{
	const yaml_node_t *m = v, *st;

	if (v != NULL && v->type == YAML_SEQUENCE_NODE &&
	    v->data.sequence.items.top > v->data.sequence.items.start)
		m = yaml_document_get_node(doc, *v->data.sequence.items.start);
	if (m == NULL || m->type != YAML_MAPPING_NODE) {
		*err = xasprintf(_("instance '%s': expected a mapping of state, ipv4 and release"),
		                 in->name);
		return -1;
	}
	st = ymap_get(doc, m, "state");
	in->state =
	    st != NULL && st->type == YAML_SCALAR_NODE && !ynull(st) ? yscalar(st) : xstrdup("");
	read_ipv4(doc, ymap_get(doc, m, "ipv4"), in);
	st = ymap_get(doc, m, "release");
	if (st != NULL && st->type == YAML_SCALAR_NODE && !ynull(st))
		in->release = yscalar(st);
	return 0;
}

int
mp_list_parse(const char *buf, size_t len, struct mp_list *out, char **err)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root = NULL;
	int rc = -1;

	memset(out, 0, sizeof *out);
	*err = NULL;
	if (!yaml_parser_initialize(&parser))
		fatalx("libyaml: cannot initialise a parser");
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&parser, &doc)) {
		*err = xasprintf(_("not YAML: %s (line %lu)"),
		                 parser.problem != NULL ? parser.problem : _("unknown error"),
		                 (unsigned long)parser.problem_mark.line + 1);
		yaml_parser_delete(&parser);
		return -1;
	}
	root = yaml_document_get_root_node(&doc);
	/* No instances: yaml-cpp emits a null node as an empty line. */
	if (root == NULL || ynull(root)) {
		rc = 0;
		goto out;
	}
	if (root->type != YAML_MAPPING_NODE) {
		*err = xstrdup(_("expected a mapping of instance names"));
		goto out;
	}
	for (yaml_node_pair_t *pr = root->data.mapping.pairs.start;
	     pr < root->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = yaml_document_get_node(&doc, pr->key);
		struct mp_instance *in;

		if (k == NULL || k->type != YAML_SCALAR_NODE || ynull(k)) {
			*err = xstrdup(_("an instance without a name"));
			goto out;
		}
		out->v = xreallocarray(out->v, out->n + 1, sizeof *out->v);
		in = &out->v[out->n++];
		memset(in, 0, sizeof *in);
		in->name = yscalar(k);
		if (read_instance(&doc, yaml_document_get_node(&doc, pr->value), in, err) != 0)
			goto out;
	}
	rc = 0;
out:
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	if (rc != 0)
		mp_list_free(out);
	return rc;
}

const struct mp_instance *
mp_list_find(const struct mp_list *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++) {
		if (strcmp(l->v[i].name, name) == 0)
			return &l->v[i];
	}
	return NULL;
}

void
mp_list_free(struct mp_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].state);
		free(l->v[i].ipv4);
		free(l->v[i].release);
	}
	free(l->v);
	memset(l, 0, sizeof *l);
}

enum mp_state_class
mp_state_classify(const char *state)
{
	if (strcasecmp(state, "Running") == 0)
		return MP_STATE_RUNNING;
	if (strcasecmp(state, "Stopped") == 0)
		return MP_STATE_STOPPED;
	if (strcasecmp(state, "Unknown") == 0)
		return MP_STATE_UNKNOWN;
	return MP_STATE_OTHER;
}

enum mp_failure
mp_failure_kind(const char *err)
{
	/* The client's words (client/cli/cmd/command.h, common_cli.cpp). */
	static const char *const denied[] = {"socket access denied", "not authenticated",
	                                     "permission denied", NULL};
	static const char *const down[] = {"cannot connect to the multipass socket",
	                                   "failed to connect to all addresses", NULL};

	for (size_t i = 0; denied[i] != NULL; i++) {
		if (str_contains_folded(err, denied[i]))
			return MP_FAIL_DENIED;
	}
	for (size_t i = 0; down[i] != NULL; i++) {
		if (str_contains_folded(err, down[i]))
			return MP_FAIL_NO_DAEMON;
	}
	return MP_FAIL_OTHER;
}

/* ---- network interfaces ------------------------------------------------- */

static void
if_add(struct if_list *l, const char *name, size_t nlen, const char *line, size_t llen)
{
	struct if_entry *e;

	l->v = xreallocarray(l->v, l->n + 1, sizeof *l->v);
	e = &l->v[l->n++];
	e->name = xstrndup(name, nlen);
	e->line = xstrndup(line, llen);
}

void
iplink_parse(const char *buf, size_t len, struct if_list *out)
{
	const char *p = buf, *end = buf + len, *line;
	size_t ll;

	memset(out, 0, sizeof *out);
	while ((line = next_line(&p, end, &ll)) != NULL) {
		size_t i = 0, start, n;

		/* "3: mpqemubr0: <...>"; "9: veth3c1e@if8: <...>" names the peer after '@'. */
		while (i < ll && isdigit((unsigned char)line[i]))
			i++;
		if (i == 0 || i >= ll || line[i] != ':')
			continue;
		i++;
		while (i < ll && is_blank(line[i]))
			i++;
		start = i;
		while (i < ll && line[i] != ':' && line[i] != '@' && !is_blank(line[i]))
			i++;
		n = i - start;
		if (n == 0 || i >= ll || (line[i] != ':' && line[i] != '@'))
			continue;
		if_add(out, line + start, n, line, ll);
	}
}

void
ifconfig_list_parse(const char *buf, size_t len, struct if_list *out)
{
	size_t i = 0;

	memset(out, 0, sizeof *out);
	while (i < len) {
		size_t start;

		while (i < len && isspace((unsigned char)buf[i]))
			i++;
		start = i;
		while (i < len && !isspace((unsigned char)buf[i]))
			i++;
		if (i > start)
			if_add(out, buf + start, i - start, buf + start, i - start);
	}
}

void
if_list_free(struct if_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].line);
	}
	free(l->v);
	memset(l, 0, sizeof *l);
}

char *
ipaddr_subnet_parse(const char *buf, size_t len)
{
	char *text = xstrndup(buf, len), *save = NULL, *result = NULL;
	bool inet = false;

	for (char *w = strtok_r(text, " \t\n\\", &save); w != NULL && result == NULL;
	     w = strtok_r(NULL, " \t\n\\", &save)) {
		struct net_addr a;
		unsigned prefix = 0;
		char addr[64];

		if (inet && strchr(w, '/') != NULL && net_cidr_parse(w, &a, &prefix) &&
		    a.family == AF_INET) {
			net_cidr_mask(&a, prefix);
			result = xasprintf("%s/%u", net_addr_str(&a, addr, sizeof addr), prefix);
		}
		inet = strcmp(w, "inet") == 0;
	}
	free(text);
	return result;
}

bool
if_has_prefix(const char *name, const char *prefix)
{
	size_t pl;

	if (prefix == NULL || prefix[0] == '\0' || !str_has_prefix(name, prefix))
		return false;
	pl = strlen(prefix);
	if (name[pl] == '\0')
		return false;
	for (const char *c = name + pl; *c != '\0'; c++) {
		if (!isalnum((unsigned char)*c))
			return false;
	}
	return true;
}

/* ---- processes ---------------------------------------------------------- */

/*
 * Whether the word at w (wl bytes) goes on with a path from the word before
 * it ("Support/com.canonical.multipass/bin/multipassd" after
 * "/Library/Application"): a '/' inside it, and before that '/' nothing an
 * option or an assignment would hold.
 */
static bool
continues_path(const char *w, size_t wl)
{
	const char *slash = memchr(w, '/', wl);

	if (slash == NULL || slash == w || w[0] == '-')
		return false;
	return memchr(w, '=', (size_t)(slash - w)) == NULL;
}

/*
 * The base name of the first end bytes of a command line, without the
 * brackets of a kernel thread ("[kthreadd]") or the colon of a title a
 * daemon set for itself ("sshd:"). Owned.
 */
static char *
base_name(const char *args, size_t end)
{
	size_t base = 0;

	for (size_t i = 0; i < end; i++) {
		if (args[i] == '/')
			base = i + 1;
	}
	if (end - base >= 2 && args[base] == '[' && args[end - 1] == ']') {
		base++;
		end--;
	} else if (end - base >= 2 && args[end - 1] == ':') {
		end--;
	}
	return xstrndup(args + base, end - base);
}

/*
 * The executable's name in a command line: the base name of its first word
 * in *exe, and in *exe_long (NULL when the same) that of an absolute path
 * run on across spaces while the next word continues it (see ps_parse).
 */
static void
exe_of_args(const char *args, size_t len, char **exe, char **exe_long)
{
	size_t first = 0, end;

	while (first < len && args[first] != ' ')
		first++;
	end = first;
	if (len > 0 && args[0] == '/') {
		while (end < len && args[end] == ' ') {
			const char *w = args + end + 1;
			size_t wl = 0;

			while (end + 1 + wl < len && w[wl] != ' ')
				wl++;
			if (!continues_path(w, wl))
				break;
			end += 1 + wl;
		}
	}
	*exe = base_name(args, first);
	*exe_long = end != first ? base_name(args, end) : NULL;
}

static struct proc_entry *
proc_add(struct proc_list *l, long pid, const char *line, size_t ll)
{
	struct proc_entry *e;

	l->v = xreallocarray(l->v, l->n + 1, sizeof *l->v);
	e = &l->v[l->n++];
	memset(e, 0, sizeof *e);
	e->pid = pid;
	e->line = xstrndup(line, ll);
	return e;
}

/* Digits at s (at most len bytes) as a pid; the count of digits read, 0 for none. */
static size_t
read_pid(const char *s, size_t len, long *pid)
{
	size_t i = 0;
	long v = 0;

	while (i < len && isdigit((unsigned char)s[i]) && i < 10) {
		v = v * 10 + (s[i] - '0');
		i++;
	}
	*pid = v;
	return i;
}

void
ps_parse(const char *buf, size_t len, struct proc_list *out)
{
	const char *p = buf, *end = buf + len, *line;
	size_t ll;

	memset(out, 0, sizeof *out);
	while ((line = next_line(&p, end, &ll)) != NULL) {
		size_t i = 0, n, ustart, ulen;
		struct proc_entry *e;
		long pid;

		while (i < ll && is_blank(line[i]))
			i++;
		if (i == ll)
			continue;
		if ((n = read_pid(line + i, ll - i, &pid)) == 0 || i + n >= ll ||
		    !is_blank(line[i + n])) {
			out->skipped++;
			continue;
		}
		i += n;
		while (i < ll && is_blank(line[i]))
			i++;
		ustart = i;
		while (i < ll && !is_blank(line[i]))
			i++;
		ulen = i - ustart;
		while (i < ll && is_blank(line[i]))
			i++;
		if (ulen == 0 || i == ll) {
			out->skipped++;
			continue;
		}
		e = proc_add(out, pid, line, ll);
		e->user = xstrndup(line + ustart, ulen);
		exe_of_args(line + i, ll - i, &e->exe, &e->exe_long);
	}
}

/* One CSV field at s: quoted with "" inside, or bare up to a comma. Returns bytes used. */
static size_t
csv_field(const char *s, size_t len, struct strbuf *field)
{
	size_t i = 0;

	strbuf_reset(field);
	if (len > 0 && s[0] == '"') {
		for (i = 1; i < len; i++) {
			if (s[i] == '"') {
				if (i + 1 < len && s[i + 1] == '"') {
					strbuf_addc(field, '"');
					i++;
					continue;
				}
				i++;
				break;
			}
			strbuf_addc(field, s[i]);
		}
	} else {
		while (i < len && s[i] != ',')
			strbuf_addc(field, s[i++]);
	}
	if (field->buf == NULL)
		strbuf_add(field, "", 0);
	return i;
}

void
tasklist_parse(const char *buf, size_t len, struct proc_list *out)
{
	const char *p = buf, *end = buf + len, *line;
	struct strbuf name = STRBUF_INIT, pidf = STRBUF_INIT;
	size_t ll;

	memset(out, 0, sizeof *out);
	while ((line = next_line(&p, end, &ll)) != NULL) {
		size_t i;
		long pid;

		if (ll == 0)
			continue;
		/* "INFO: No tasks are running..." and anything else unquoted is not a task. */
		if (line[0] != '"') {
			out->skipped++;
			continue;
		}
		i = csv_field(line, ll, &name);
		if (i >= ll || line[i] != ',') {
			out->skipped++;
			continue;
		}
		i++;
		csv_field(line + i, ll - i, &pidf);
		if (pidf.len == 0 || read_pid(pidf.buf, pidf.len, &pid) != pidf.len ||
		    name.len == 0) {
			out->skipped++;
			continue;
		}
		proc_add(out, pid, line, ll)->exe = xstrdup(name.buf);
	}
	strbuf_free(&name);
	strbuf_free(&pidf);
}

/* s without a trailing ".exe" (any case): its length. */
static size_t
without_exe(const char *s)
{
	size_t l = strlen(s);

	if (l > 4 && strcasecmp(s + l - 4, ".exe") == 0)
		return l - 4;
	return l;
}

bool
proc_matches(const struct proc_entry *p, const char *name, bool windows)
{
	size_t a, b;

	if (p->exe == NULL)
		return false;
	if (!windows)
		return strcmp(p->exe, name) == 0 ||
		       (p->exe_long != NULL && strcmp(p->exe_long, name) == 0);
	a = without_exe(p->exe);
	b = without_exe(name);
	return a == b && strncasecmp(p->exe, name, a) == 0;
}

void
proc_list_free(struct proc_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].user);
		free(l->v[i].exe);
		free(l->v[i].exe_long);
		free(l->v[i].line);
	}
	free(l->v);
	memset(l, 0, sizeof *l);
}

/* ---- disk space --------------------------------------------------------- */

/* A decimal count; false when s is not one or it overflows. */
static bool
parse_u64(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;

	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return false;
		if (__builtin_mul_overflow(v, 10, &v) ||
		    __builtin_add_overflow(v, (uint64_t)(s[i] - '0'), &v))
			return false;
	}
	*out = v;
	return true;
}

struct word {
	const char *s;
	size_t len;
};

static bool
word_is_count(const struct word *w)
{
	uint64_t v;

	return (w->len == 1 && w->s[0] == '-') || parse_u64(w->s, w->len, &v);
}

static bool
word_is_percent(const struct word *w)
{
	uint64_t v;

	return (w->len == 1 && w->s[0] == '-') ||
	       (w->len >= 2 && w->s[w->len - 1] == '%' && parse_u64(w->s, w->len - 1, &v));
}

/* A count of 1024-byte blocks in bytes; false for "-" or beyond 64 bits. */
static bool
blocks_bytes(const struct word *w, uint64_t *bytes)
{
	uint64_t v;

	if (!parse_u64(w->s, w->len, &v) || __builtin_mul_overflow(v, 1024, bytes))
		return false;
	return true;
}

#define DF_MAX_WORDS 64

void
df_parse(const char *buf, size_t len, struct df_list *out)
{
	const char *p = buf, *end = buf + len, *line;
	size_t ll;

	memset(out, 0, sizeof *out);
	while ((line = next_line(&p, end, &ll)) != NULL) {
		struct word w[DF_MAX_WORDS];
		size_t nw = 0, i = 0, k;
		struct df_entry *e;

		while (i < ll && nw < DF_MAX_WORDS) {
			while (i < ll && is_blank(line[i]))
				i++;
			if (i == ll)
				break;
			w[nw].s = line + i;
			while (i < ll && !is_blank(line[i]))
				i++;
			w[nw].len = (size_t)(line + i - w[nw].s);
			nw++;
		}
		if (nw == 0 || (w[0].len == 10 && memcmp(w[0].s, "Filesystem", 10) == 0))
			continue;
		/*
		 * Filesystem (maybe with spaces: "map auto_home"), three counts, a
		 * percentage, then the mount point to the end of the line (maybe
		 * with spaces: "/Volumes/Backup Disk").
		 */
		for (k = 1; k + 4 < nw; k++) {
			if (word_is_count(&w[k]) && word_is_count(&w[k + 1]) &&
			    word_is_count(&w[k + 2]) && word_is_percent(&w[k + 3]))
				break;
		}
		if (k + 4 >= nw) {
			out->skipped++;
			continue;
		}
		out->v = xreallocarray(out->v, out->n + 1, sizeof *out->v);
		e = &out->v[out->n++];
		memset(e, 0, sizeof *e);
		e->fs = xstrndup(w[0].s, (size_t)(w[k - 1].s + w[k - 1].len - w[0].s));
		e->mount = xstrndup(w[k + 4].s, (size_t)(line + ll - w[k + 4].s));
		e->line = xstrndup(line, ll);
		e->known = blocks_bytes(&w[k], &e->size) && blocks_bytes(&w[k + 1], &e->used) &&
		           blocks_bytes(&w[k + 2], &e->avail);
		if (!e->known)
			e->size = e->used = e->avail = 0;
	}
}

void
psdrive_parse(const char *buf, size_t len, struct df_list *out)
{
	const char *p = buf, *end = buf + len, *line;
	size_t ll;

	memset(out, 0, sizeof *out);
	while ((line = next_line(&p, end, &ll)) != NULL) {
		const char *f[4];
		size_t fl[4], nf = 0, start = 0;
		struct df_entry *e;

		if (ll == 0)
			continue;
		for (size_t i = 0; i <= ll && nf < 4; i++) {
			if (i == ll || (line[i] == '|' && nf < 3)) {
				f[nf] = line + start;
				fl[nf++] = i - start;
				start = i + 1;
			}
		}
		if (nf != 4 || fl[0] == 0 || fl[3] == 0) {
			out->skipped++;
			continue;
		}
		out->v = xreallocarray(out->v, out->n + 1, sizeof *out->v);
		e = &out->v[out->n++];
		memset(e, 0, sizeof *e);
		e->fs = xstrndup(f[0], fl[0]);
		e->mount = xstrndup(f[3], fl[3]);
		e->line = xstrndup(line, ll);
		/* A drive without media (an empty card reader, a DVD drive) has neither. */
		e->known = parse_u64(f[1], fl[1], &e->used) && parse_u64(f[2], fl[2], &e->avail) &&
		           !__builtin_add_overflow(e->used, e->avail, &e->size);
		if (!e->known)
			e->size = e->used = e->avail = 0;
	}
}

void
df_list_free(struct df_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].fs);
		free(l->v[i].mount);
		free(l->v[i].line);
	}
	free(l->v);
	memset(l, 0, sizeof *l);
}

static bool
is_drive_path(const char *s)
{
	return isalpha((unsigned char)s[0]) && s[1] == ':' && (s[2] == '\\' || s[2] == '/');
}

/* The path with "//" and "/./" folded and no trailing '/'. Owned. */
static char *
path_normal(const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	const char *c = path;

	while (*c != '\0') {
		size_t n;

		while (*c == '/')
			c++;
		n = strcspn(c, "/");
		if (n == 0)
			break;
		if (!(n == 1 && c[0] == '.')) {
			strbuf_addc(&sb, '/');
			strbuf_add(&sb, c, n);
		}
		c += n;
	}
	if (sb.len == 0)
		strbuf_addc(&sb, '/');
	return strbuf_detach(&sb);
}

/* Whether path is mount or under it, by whole components. */
static bool
under_mount(const char *path, const char *mount)
{
	size_t ml = strlen(mount);

	if (strcmp(mount, "/") == 0)
		return path[0] == '/';
	while (ml > 1 && mount[ml - 1] == '/')
		ml--;
	return strncmp(path, mount, ml) == 0 && (path[ml] == '\0' || path[ml] == '/');
}

static const struct df_entry *
longest_mount(const struct df_list *l, const char *path)
{
	const struct df_entry *best = NULL;
	size_t bestlen = 0;

	for (size_t i = 0; i < l->n; i++) {
		size_t ml = strlen(l->v[i].mount);

		/* ">=": of two mounts on one point, the later one hides the earlier. */
		if (under_mount(path, l->v[i].mount) && (best == NULL || ml >= bestlen)) {
			best = &l->v[i];
			bestlen = ml;
		}
	}
	return best;
}

/* The first component of path is one of names (each "/x"). */
static bool
first_component_in(const char *path, const char *const *names)
{
	for (size_t i = 0; names[i] != NULL; i++) {
		size_t n = strlen(names[i]);

		if (strncmp(path, names[i], n) == 0 && (path[n] == '\0' || path[n] == '/'))
			return true;
	}
	return false;
}

#define DARWIN_DATA_VOLUME "/System/Volumes/Data"

const struct df_entry *
df_pick(const struct df_list *l, const char *path, const char *os)
{
	/* /etc, /tmp and /var are symbolic links into /private on macOS. */
	static const char *const darwin_private[] = {"/etc", "/tmp", "/var", NULL};
	/* /usr/share/firmlinks: these live on the data volume, not the sealed system one. */
	static const char *const darwin_firmlinked[] = {
	    "/Applications", "/Library", "/Users",     "/Volumes", "/cores",
	    "/opt",          "/private", "/usr/local", NULL,
	};
	const struct df_entry *best = NULL;
	char *norm = NULL;

	/*
	 * A drive letter. PowerShell's other FileSystem drives (PowerShell 7's
	 * "Temp") are folders of a lettered drive, not volumes of their own.
	 */
	if (is_drive_path(path)) {
		for (size_t i = 0; i < l->n; i++) {
			const char *fs = l->v[i].fs;

			if (strlen(fs) == 1 &&
			    toupper((unsigned char)fs[0]) == toupper((unsigned char)path[0]))
				best = &l->v[i];
		}
		return best;
	}
	norm = path_normal(path);
	if (str_eq(os, "darwin") && first_component_in(norm, darwin_private)) {
		char *p = xasprintf("/private%s", norm);

		free(norm);
		norm = p;
	}
	best = longest_mount(l, norm);
	if (str_eq(os, "darwin") && best != NULL && strcmp(best->mount, "/") == 0 &&
	    first_component_in(norm, darwin_firmlinked)) {
		char *data = xasprintf("%s%s", DARWIN_DATA_VOLUME, norm);
		const struct df_entry *d = longest_mount(l, data);

		if (d != NULL && strcmp(d->mount, "/") != 0)
			best = d;
		free(data);
	}
	free(norm);
	return best;
}

/* ---- sizes -------------------------------------------------------------- */

static const char size_units[] = "KMGTPE";

int
size_parse(const char *s, uint64_t *out, char **err)
{
	const char *c = s, *unit;
	uint64_t whole = 0, frac = 0, fracdiv = 1, mult = 1, v;
	size_t nd = 0;

	*err = NULL;
	if (s[0] == '\0') {
		*err = xstrdup(_("the size is empty"));
		return -1;
	}
	if (s[0] == '-') {
		*err = xasprintf(_("'%s' is negative: a size must be 0 or more"), s);
		return -1;
	}
	if (s[0] == '+')
		c++;
	for (; isdigit((unsigned char)*c); c++, nd++) {
		if (__builtin_mul_overflow(whole, 10, &whole) ||
		    __builtin_add_overflow(whole, (uint64_t)(*c - '0'), &whole))
			goto too_big;
	}
	if (*c == '.') {
		c++;
		for (; isdigit((unsigned char)*c); c++, nd++) {
			/* Digits past the ninth cannot change a 64-bit size by a byte per unit. */
			if (fracdiv < 1000000000) {
				frac = frac * 10 + (uint64_t)(*c - '0');
				fracdiv *= 10;
			}
		}
	}
	if (nd == 0) {
		*err = xasprintf(_("'%s' is not a size: write a number with an optional unit, "
		                   "such as 512M, 20G or 1.5T"),
		                 s);
		return -1;
	}
	if (*c != '\0' && (unit = strchr(size_units, toupper((unsigned char)*c))) != NULL) {
		for (const char *u = size_units; u <= unit; u++)
			mult *= 1024;
		c++;
		if (*c == 'i' || *c == 'I')
			c++;
	}
	if (*c == 'b' || *c == 'B')
		c++;
	if (*c != '\0') {
		*err = xasprintf(_("'%s' has an unknown unit '%s': use K, M, G, T, P or E "
		                   "(such as 512M, 20G or 1.5T)"),
		                 s, c);
		return -1;
	}
	if (__builtin_mul_overflow(whole, mult, &v))
		goto too_big;
	/* frac < fracdiv <= 1e9 and mult <= 2^60: the product could overflow; divide first. */
	if (__builtin_add_overflow(v, mult / fracdiv * frac + mult % fracdiv * frac / fracdiv, &v))
		goto too_big;
	*out = v;
	return 0;
too_big:
	*err = xasprintf(_("'%s' is too large (at most 16 E)"), s);
	return -1;
}

char *
size_human(uint64_t bytes)
{
	static const char *const names[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
	uint64_t unit = 1, whole, tenth;
	size_t k = 0;

	while (k + 1 < nitems(names) && bytes / unit >= 1024) {
		unit *= 1024;
		k++;
	}
	if (k == 0)
		return xasprintf("%llu B", (unsigned long long)bytes);
	whole = bytes / unit;
	tenth = ((bytes % unit) / (unit / 1024) * 10 + 512) / 1024;
	if (tenth >= 10) {
		whole++;
		tenth = 0;
	}
	if (whole == 1024 && k + 1 < nitems(names)) {
		whole = 1;
		k++;
	}
	/* Written by hand: the locale's decimal comma must not reach a fact. */
	return xasprintf("%llu.%llu %s", (unsigned long long)whole, (unsigned long long)tenth,
	                 names[k]);
}
