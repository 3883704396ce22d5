/*
 * redact.c: secrets cut out of text before vmtriage keeps it (a snapshot, a
 * session, a report) or shows it. Two passes over the text:
 *
 * 1. Private key blocks go whole, wherever they start (a line of their own,
 *    a YAML block, a log line, a JSON string with "\n" escapes): from
 *    "-----BEGIN <label>-----" (or the SSH2 "---- BEGIN <label> ----") whose
 *    label says PRIVATE KEY, SECRET KEY or STATIC KEY (OpenVPN) through the
 *    dashes that close its END marker; a block with no END runs to the end
 *    of the text. PuTTY key files go from "PuTTY-User-Key-File-" through
 *    their "Private-MAC:" (or "Private-Hash:") line.
 *
 * 2. Line by line:
 *    - assignments whose name ends in a word that says secret (password,
 *      passwd, secret, token, api_key, authorization, cookie, psk, ...;
 *      see secret_words), in YAML, INI, shell, JSON, HTTP header, command
 *      line ("--password=x"), PHP or fstab option shape. The name stays,
 *      the value becomes "[removed]". How far the value runs depends on
 *      where it stands: quoted, to its closing quote; "{...}" or "[...]",
 *      to its matching bracket (across lines when it opens an indented
 *      block); a YAML block ("password: |", "chpasswd:" with an indented
 *      mapping under it), every line indented deeper than the name; a
 *      header (Authorization, Cookie), to the end of the line, keeping the
 *      scheme ("Bearer"); an assignment that opens its line, to the end of
 *      the line; anything else, to the next blank or separator;
 *    - credentials in URLs: the password of "scheme://user:pass@host" and
 *      query or fragment parameters such as token, access_token, sig,
 *      X-Amz-Signature, X-Amz-Credential, key, code;
 *    - crypt(3) hashes ("$6$salt$hash", as in /etc/shadow or chpasswd
 *      lists) and tokens whose prefix says what they are (ghp_, glpat-,
 *      xoxb-, ...), wherever they stand;
 *    - the word after "password" on a .netrc line, and the passwords
 *      cloud-init prints under "Set the following 'random' passwords".
 *
 * Everything else is kept byte for byte, so evidence stays evidence. In
 * particular these stay, on purpose: settings about secrets that are not
 * secrets ("PasswordAuthentication no", "ssh_pwauth: true", and any secret
 * name whose value is true, false, yes, no, on, off, null, none or ~, such
 * as "lock_passwd: false"); public keys ("ssh-rsa AAAA...", certificates);
 * names that only contain a secret word ("tokenizer:", "passwords_file:");
 * paths that end in one ("/etc/passwd:"); PWD and OLDPWD; sudoers tags
 * ("NOPASSWD: ALL"); PAM services ("pam_unix(passwd:chauthtok)"); key
 * identifiers that are not keys (AWS_ACCESS_KEY_ID). A value that holds a
 * marker already is left as it is, so scrubbing twice cuts nothing more.
 *
 * Not found: secrets without a name that says so (a bare password in free
 * text, "-p secret", "curl -u user:pass", ".pgpass" lines, "user:pass"
 * lines outside a chpasswd block), secrets in URL paths (Slack or Discord
 * webhooks), quoted values that continue on the next line, and names in a
 * language other than English.
 */
#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/redact.h"
#include "util/util.h"

#define KEY_MARK REDACT_KEY_MARK
#define VALUE_MARK REDACT_VALUE_MARK

/* A key block's label ("RSA PRIVATE KEY") is short; a longer one is not a header. */
#define LABEL_MAX 64

/* ---- characters, without the locale ------------------------------------ */

static bool
is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool
is_alnum(char c)
{
	return is_alpha(c) || is_digit(c);
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool
is_space(char c)
{
	return is_blank(c) || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

static bool
is_name_char(char c)
{
	return is_alnum(c) || c == '_' || c == '-' || c == '.';
}

/* Whether c is one of the characters of set (never NUL, unlike strchr). */
static bool
in_set(char c, const char *set)
{
	return c != '\0' && strchr(set, c) != NULL;
}

static bool
has_prefix_ci(const char *p, size_t n, const char *word)
{
	size_t wl = strlen(word);

	return n >= wl && strncasecmp(p, word, wl) == 0;
}

static bool
equals_ci(const char *p, size_t n, const char *word)
{
	return strlen(word) == n && strncasecmp(p, word, n) == 0;
}

/* Whether p[0..n) holds word, case-insensitively. */
static bool
contains_ci(const char *p, size_t n, const char *word)
{
	size_t wl = strlen(word);

	for (size_t k = 0; k + wl <= n; k++) {
		if (strncasecmp(p + k, word, wl) == 0)
			return true;
	}
	return false;
}

/* ---- names that say secret --------------------------------------------- */

enum word_place {
	ANY_PREFIX,   /* "db_password", "dbPassword", "mypassword" */
	WHOLE_OR_SEP, /* "auth" or "basic_auth", never "oauth" */
	AFTER_SEP,    /* "db_pwd", never "PWD" or "OLDPWD" (directories) */
};

struct secret_word {
	const char *word;
	enum word_place place;
};

/* A name is secret when it ends in one of these (case does not matter). */
static const struct secret_word secret_words[] = {
    {"password", ANY_PREFIX},
    {"passwd", ANY_PREFIX},
    {"passphrase", ANY_PREFIX},
    {"secret", ANY_PREFIX},
    {"token", ANY_PREFIX},
    {"apikey", ANY_PREFIX},
    {"api_key", ANY_PREFIX},
    {"api-key", ANY_PREFIX},
    {"accesskey", ANY_PREFIX},
    {"access_key", ANY_PREFIX},
    {"access-key", ANY_PREFIX},
    {"secretkey", ANY_PREFIX},
    {"secret_key", ANY_PREFIX},
    {"secret-key", ANY_PREFIX},
    {"privatekey", ANY_PREFIX},
    {"private_key", ANY_PREFIX},
    {"private-key", ANY_PREFIX},
    {"presharedkey", ANY_PREFIX},
    {"preshared_key", ANY_PREFIX},
    {"encryption_key", ANY_PREFIX},
    {"authorization", ANY_PREFIX},
    {"cookie", ANY_PREFIX},
    {"pass", WHOLE_OR_SEP},
    {"psk", WHOLE_OR_SEP},
    {"auth", WHOLE_OR_SEP},
    {"pwd", AFTER_SEP},
    {"pw", AFTER_SEP},
};

/* Names whose value is a whole header value: to the end of the line. */
static const char *const header_words[] = {"authorization", "cookie"};

/* URL parameters that carry credentials besides the secret names above. */
static const char *const url_params[] = {"key", "sig", "code"};
static const char *const url_param_ends[] = {"signature", "credential"};

/* Authorization schemes kept in front of the removed credentials. */
static const char *const auth_schemes[] = {
    "Bearer", "Basic", "Digest", "Token", "Negotiate", "NTLM", "AWS4-HMAC-SHA256", "Bot",
};

/* Values that tell a setting, not a secret: "lock_passwd: false". */
static const char *const plain_values[] = {
    "true", "false", "yes", "no", "on", "off", "null", "none", "nil", "~",
};

/* Tokens that say what they are, wherever they stand. */
static const char *const token_prefixes[] = {
    "ghp_",  "gho_",  "ghu_",  "ghs_",  "ghr_",  "github_pat_", "glpat-",
    "xoxa-", "xoxb-", "xoxp-", "xoxr-", "xoxs-", "sk_live_",    "rk_live_",
};
#define TOKEN_BODY_MIN 16

static bool
is_name_sep(char c)
{
	return c == '_' || c == '-' || c == '.';
}

static bool
name_ends_with(const char *name, size_t len, const char *word, enum word_place place)
{
	size_t wl = strlen(word), pre;

	if (len < wl || strncasecmp(name + len - wl, word, wl) != 0)
		return false;
	pre = len - wl;
	/* "--pass" is an option named pass: a dash is a separator too. */
	switch (place) {
	case ANY_PREFIX:
		return true;
	case WHOLE_OR_SEP:
		return pre == 0 || is_name_sep(name[pre - 1]);
	case AFTER_SEP:
		return pre > 0 && is_name_sep(name[pre - 1]);
	}
	return false;
}

static bool
is_secret_name(const char *name, size_t len)
{
	for (size_t k = 0; k < nitems(secret_words); k++) {
		if (name_ends_with(name, len, secret_words[k].word, secret_words[k].place))
			return true;
	}
	return false;
}

static bool
is_header_name(const char *name, size_t len)
{
	for (size_t k = 0; k < nitems(header_words); k++) {
		if (name_ends_with(name, len, header_words[k], ANY_PREFIX))
			return true;
	}
	return false;
}

static bool
is_secret_param(const char *name, size_t len)
{
	for (size_t k = 0; k < nitems(url_params); k++) {
		if (equals_ci(name, len, url_params[k]))
			return true;
	}
	for (size_t k = 0; k < nitems(url_param_ends); k++) {
		if (name_ends_with(name, len, url_param_ends[k], ANY_PREFIX))
			return true;
	}
	return is_secret_name(name, len);
}

/* "%sudo ALL=(ALL:ALL) NOPASSWD: ALL": a sudoers tag, in capitals, before a command. */
static bool
is_sudoers_tag(const char *name, size_t len, char sep)
{
	return sep == ':' && ((len == 8 && memcmp(name, "NOPASSWD", 8) == 0) ||
	                      (len == 6 && memcmp(name, "PASSWD", 6) == 0));
}

/* Where a token that names itself ("ghp_...", "glpat-...") starting at t[i] ends, or 0. */
static size_t
known_token_end(const char *t, size_t i, size_t ce)
{
	for (size_t w = 0; w < nitems(token_prefixes); w++) {
		size_t pl = strlen(token_prefixes[w]), k = i + pl;

		if (ce - i < pl || memcmp(t + i, token_prefixes[w], pl) != 0)
			continue;
		while (k < ce && (is_alnum(t[k]) || t[k] == '_' || t[k] == '-'))
			k++;
		return k - i - pl >= TOKEN_BODY_MIN ? k : 0;
	}
	return 0;
}

/* ---- values that need no cut ------------------------------------------- */

/* Whether p[0..n) is nothing but markers left by an earlier pass, and space. */
static bool
only_marks(const char *p, size_t n)
{
	static const char *const marks[] = {KEY_MARK, VALUE_MARK, "\\n", "\\r"};
	size_t k = 0;
	bool any = false;

	while (k < n) {
		bool hit = false;

		if (is_space(p[k])) {
			k++;
			continue;
		}
		for (size_t m = 0; m < nitems(marks); m++) {
			size_t ml = strlen(marks[m]);

			if (n - k >= ml && memcmp(p + k, marks[m], ml) == 0) {
				k += ml;
				any = any || m < 2;
				hit = true;
				break;
			}
		}
		if (!hit)
			return false;
	}
	return any;
}

/*
 * Whether p[0..n) holds a marker. Within one pass no value can hold one the
 * text did not have, so a value that does was cut by an earlier pass, where
 * it did not look like a value yet ("://a:b?token=x@h" once "?token=x" is
 * gone): it is left as it is, and scrubbing twice cuts nothing more.
 */
static bool
holds_mark(const char *p, size_t n)
{
	return memmem(p, n, VALUE_MARK, strlen(VALUE_MARK)) != NULL ||
	       memmem(p, n, KEY_MARK, strlen(KEY_MARK)) != NULL;
}

static bool
is_plain_value(const char *p, size_t n)
{
	if (n == 0 || holds_mark(p, n))
		return true;
	for (size_t k = 0; k < nitems(plain_values); k++) {
		if (equals_ci(p, n, plain_values[k]))
			return true;
	}
	return false;
}

/* ---- pass 1: private key blocks ---------------------------------------- */

struct key_marker {
	const char *begin;
	const char *end;
	const char *dashes;
};

static const struct key_marker key_markers[] = {
    {"-----BEGIN ", "-----END ", "-----"}, /* PEM, OpenSSH, PGP, OpenVPN */
    {"---- BEGIN ", "---- END ", "----"},  /* SSH2 (RFC 4716 style) */
};

/*
 * Whether the label between BEGIN and the dashes names a secret key. Labels
 * are words of letters and digits ("RSA PRIVATE KEY", "OpenVPN Static key
 * V1"); anything else is no header, and stays none once values are cut.
 */
static bool
label_is_secret(const char *p, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		if (!is_alnum(p[k]) && p[k] != ' ')
			return false;
	}
	return contains_ci(p, n, "PRIVATE KEY") || contains_ci(p, n, "SECRET KEY") ||
	       contains_ci(p, n, "STATIC KEY");
}

/* Where the dashes that close a marker's label end, or 0 when the line has none. */
static size_t
label_close(const char *t, size_t len, size_t from, const char *dashes)
{
	size_t dl = strlen(dashes);

	for (size_t k = from; k < len && k - from <= LABEL_MAX && t[k] != '\n'; k++) {
		if (len - k >= dl && memcmp(t + k, dashes, dl) == 0) {
			k += dl;
			while (k < len && t[k] == '-')
				k++;
			return k;
		}
	}
	return 0;
}

/* The end of the private key block that starts at t[i], or 0 when none does. */
static size_t
key_block_end(const char *t, size_t len, size_t i)
{
	for (size_t m = 0; m < nitems(key_markers); m++) {
		const struct key_marker *km = &key_markers[m];
		size_t bl = strlen(km->begin), el = strlen(km->end), label = i + bl, head, e;
		const char *found;

		if (len - i < bl || memcmp(t + i, km->begin, bl) != 0)
			continue;
		head = label_close(t, len, label, km->dashes);
		if (head == 0)
			continue;
		for (e = head; e > label && t[e - 1] == '-';)
			e--;
		if (!label_is_secret(t + label, e - label))
			continue;
		found = memmem(t + head, len - head, km->end, el);
		if (found == NULL)
			return len; /* cut short: the rest may all be key */
		e = (size_t)(found - t) + el;
		head = label_close(t, len, e, km->dashes);
		if (head != 0)
			return head;
		while (e < len && t[e] != '\n' && t[e] != '\r')
			e++;
		return e;
	}
	return 0;
}

/* The end of the PuTTY key file that starts at t[i], or 0. */
static size_t
putty_block_end(const char *t, size_t len, size_t i)
{
	static const char head[] = "PuTTY-User-Key-File-";
	static const char *const tails[] = {"Private-MAC:", "Private-Hash:"}; /* v2-3, v1 */
	size_t e = len;

	if (len - i < sizeof head - 1 || memcmp(t + i, head, sizeof head - 1) != 0)
		return 0;
	for (size_t k = 0; k < nitems(tails); k++) {
		const char *found = memmem(t + i, e - i, tails[k], strlen(tails[k]));

		if (found != NULL)
			e = (size_t)(found - t);
	}
	/* through the tail's line; with no tail, the rest may all be key */
	while (e < len && t[e] != '\n' && t[e] != '\r')
		e++;
	return e;
}

/* text without its key blocks, in *out; the number of blocks cut. */
static size_t
cut_key_blocks(const char *t, size_t len, struct strbuf *out)
{
	size_t i = 0, kept = 0, cuts = 0;
	bool line_head = true; /* only blanks so far on this line */

	while (i < len) {
		size_t e = 0;

		if (t[i] == '-')
			e = key_block_end(t, len, i);
		else if (t[i] == 'P' && line_head)
			e = putty_block_end(t, len, i);
		if (e > i) {
			strbuf_add(out, t + kept, i - kept);
			strbuf_adds(out, KEY_MARK);
			cuts++;
			i = kept = e;
			line_head = false;
			continue;
		}
		if (t[i] == '\n')
			line_head = true;
		else if (!is_blank(t[i]))
			line_head = false;
		i++;
	}
	strbuf_add(out, t + kept, len - kept);
	return cuts;
}

/* ---- pass 2: line by line ---------------------------------------------- */

struct scrub {
	const char *t;
	size_t len;
	struct strbuf out;
	size_t cuts;
	size_t cut_end;      /* where the last cut ended */
	bool in_netrc;       /* a .netrc entry continues on this line */
	bool random_follows; /* cloud-init listed 'random' passwords above */
};

/* The index of the '\n' that ends the line holding i, or len. */
static size_t
line_end(const struct scrub *s, size_t i)
{
	const char *nl = memchr(s->t + i, '\n', s->len - i);

	return nl != NULL ? (size_t)(nl - s->t) : s->len;
}

/* Where the content of the line starting at ls ends: before its "\r\n" or "\n". */
static size_t
content_end(const struct scrub *s, size_t ls)
{
	size_t le = line_end(s, ls);

	if (le > ls && s->t[le - 1] == '\r')
		le--;
	return le;
}

static size_t
line_start(const struct scrub *s, size_t i)
{
	while (i > 0 && s->t[i - 1] != '\n')
		i--;
	return i;
}

/*
 * The character before t[i] as the output has it: right after a cut, the
 * marker's ']'. So a second pass, which sees the marker, decides the same.
 */
static char
prev_char(const struct scrub *s, size_t ls, size_t i)
{
	if (i == ls)
		return '\n';
	if (s->cuts > 0 && i == s->cut_end)
		return ']';
	return s->t[i - 1];
}

static size_t
skip_blanks(const char *t, size_t k, size_t end)
{
	while (k < end && is_blank(t[k]))
		k++;
	return k;
}

static void
emit(struct scrub *s, size_t from, size_t to)
{
	strbuf_add(&s->out, s->t + from, to - from);
}

static void
emit_cut(struct scrub *s)
{
	strbuf_adds(&s->out, VALUE_MARK);
	s->cuts++;
}

/* Whether t[ls..i) is only what may stand before a name that opens a line. */
static bool
opens_line(const char *t, size_t ls, size_t i)
{
	static const char *const lead[] = {"export ", "declare -x ", "readonly ", "local "};
	size_t k = skip_blanks(t, ls, i);

	/* YAML sequence items: "- password: x", "  - - token: y" */
	while (k + 1 < i && t[k] == '-' && is_blank(t[k + 1]))
		k = skip_blanks(t, k + 1, i);
	for (size_t w = 0; w < nitems(lead); w++) {
		size_t wl = strlen(lead[w]);

		if (i - k >= wl && memcmp(t + k, lead[w], wl) == 0) {
			k = skip_blanks(t, k + wl, i);
			break;
		}
	}
	return k == i;
}

/* "://user:pass@" : the password goes. */
static size_t
try_userinfo(struct scrub *s, size_t ce, size_t i)
{
	const char *t = s->t;
	size_t k, colon = 0, at = 0;

	if (ce - i < 3 || memcmp(t + i, "://", 3) != 0)
		return 0;
	for (k = i + 3; k < ce; k++) {
		char c = t[k];

		if (c == '/' || c == '?' || c == '#' || c == '"' || c == '\'' || c == '<' ||
		    c == '>' || c == '`' || is_space(c))
			break;
		if (c == '@')
			at = k; /* the last one: a raw '@' in a password is common */
		else if (c == ':' && colon == 0)
			colon = k;
	}
	if (at == 0 || colon == 0 || colon > at || colon + 1 == at) {
		emit(s, i, i + 3);
		return i + 3;
	}
	/* "https://ghp_...:x-oauth-basic@github.com": the token is the user */
	emit(s, i, i + 3);
	if (known_token_end(t, i + 3, colon) == colon)
		emit_cut(s);
	else
		emit(s, i + 3, colon);
	emit(s, colon, colon + 1);
	if (holds_mark(t + colon + 1, at - colon - 1))
		emit(s, colon + 1, at);
	else
		emit_cut(s);
	return at;
}

/* "$6$salt$hash", "$y$j9T$salt$hash", "$2b$12$...": a crypt(3) hash. */
static size_t
try_crypt_hash(struct scrub *s, size_t ls, size_t ce, size_t i)
{
	const char *t = s->t;
	size_t k = i + 1, dollars = 1;
	char before = prev_char(s, ls, i);

	if (t[i] != '$')
		return 0;
	if (i > ls && !(is_blank(before) || in_set(before, ":=\"'")))
		return 0;
	while (k < ce && k - i <= 4 && ((t[k] >= 'a' && t[k] <= 'z') || is_digit(t[k])))
		k++;
	if (k == i + 1 || k - i > 4 || k >= ce || t[k] != '$')
		return 0;
	while (k < ce && (is_alnum(t[k]) || in_set(t[k], "./$="))) {
		if (t[k] == '$')
			dollars++;
		k++;
	}
	if (dollars < 3 || k - i < 20)
		return 0;
	emit_cut(s);
	return k;
}

static size_t
try_known_token(struct scrub *s, size_t ls, size_t ce, size_t i)
{
	size_t e;

	if (is_name_char(prev_char(s, ls, i)) || (e = known_token_end(s->t, i, ce)) == 0)
		return 0;
	emit_cut(s);
	return e;
}

/* Which .netrc entry this line belongs to, if any: "machine h login u password p". */
static void
netrc_line(struct scrub *s, size_t ls, size_t ce)
{
	static const char *const cont[] = {"login", "password", "account", "port"};
	size_t k = skip_blanks(s->t, ls, ce), w = k;

	while (w < ce && !is_space(s->t[w]))
		w++;
	if (w - k == 7 &&
	    (memcmp(s->t + k, "machine", 7) == 0 || memcmp(s->t + k, "default", 7) == 0)) {
		s->in_netrc = true;
		return;
	}
	if (!s->in_netrc || k > ls)
		return; /* not in an entry, or an indented continuation of one */
	for (size_t c = 0; k < ce && c < nitems(cont); c++) {
		if (w - k == strlen(cont[c]) && memcmp(s->t + k, cont[c], w - k) == 0)
			return;
	}
	s->in_netrc = false; /* a blank line or another kind of line ends it */
}

static size_t
try_netrc(struct scrub *s, size_t ls, size_t ce, size_t i)
{
	const char *t = s->t;
	size_t v, ve;

	if (!s->in_netrc || ce - i < 9 || memcmp(t + i, "password", 8) != 0 ||
	    !is_blank(t[i + 8]) || (i > ls && !is_blank(prev_char(s, ls, i))))
		return 0;
	v = skip_blanks(t, i + 8, ce);
	for (ve = v; ve < ce && !is_space(t[ve]);)
		ve++;
	if (ve == v || holds_mark(t + v, ve - v)) {
		emit(s, i, ve);
		return ve;
	}
	emit(s, i, v);
	emit_cut(s);
	return ve;
}

/*
 * cloud-init prints the passwords it made up ("chpasswd: {users: [{name:
 * ubuntu, type: RANDOM}]}") to the console under a heading, one "user:pass"
 * a line, maybe behind a journal prefix. The heading's line stays; on the
 * lines that follow, the pass goes. The heading is looked for in what a line
 * became, so a second pass over the result finds the same lines.
 */
static const char random_heading[] = "Set the following 'random' passwords";

static size_t
random_password_line(struct scrub *s, size_t ls, size_t ce)
{
	const char *t = s->t;
	size_t w = ce, colon = 0, pass;

	if (!s->random_follows)
		return 0;
	while (w > ls && !is_blank(t[w - 1]))
		w--;
	for (size_t k = w; k < ce && colon == 0; k++) {
		if (t[k] == ':')
			colon = k;
		else if (!is_name_char(t[k]))
			break;
	}
	pass = colon + 1;
	/* "user:[removed]" was cut before; "x:=[removed]y" is something else */
	if (colon == 0 || colon == w || pass == ce ||
	    (holds_mark(t + pass, ce - pass) && !only_marks(t + pass, ce - pass))) {
		s->random_follows = false;
		return 0;
	}
	emit(s, ls, pass);
	if (only_marks(t + pass, ce - pass))
		emit(s, pass, ce);
	else
		emit_cut(s);
	return ce;
}

/* The end of a name starting at ns: "--db-password", "spring.datasource.password". */
static size_t
name_end(const char *t, size_t ns, size_t ce)
{
	size_t k = ns;

	while (k < ce && t[k] == '-' && k - ns < 2)
		k++;
	if (k >= ce || !(is_alpha(t[k]) || t[k] == '_'))
		return ns;
	/* A run of dashes ends a name: "x-----BEGIN" is no name. */
	while (k < ce && is_name_char(t[k]) && !(t[k] == '-' && k + 1 < ce && t[k + 1] == '-'))
		k++;
	return k;
}

/* Whether a name may start right after c: not inside a word, a path or a URL. */
static bool
name_may_follow(char c)
{
	return !is_name_char(c) && c != '/' && c != '\\' && c != '~';
}

/* The length of the separator at t[j]: ':', '=', ":=" or "=>"; 0 when none. */
static size_t
separator_at(const char *t, size_t j, size_t ce)
{
	if (j >= ce)
		return 0;
	if (t[j] == ':') {
		if (j + 1 < ce && t[j + 1] == '=')
			return 2;
		if (j + 1 < ce && (t[j + 1] == '/' || t[j + 1] == ':'))
			return 0; /* "token://", "secret::ns" */
		return 1;
	}
	if (t[j] == '=') {
		if (j + 1 < ce && t[j + 1] == '>')
			return 2;
		if (j + 1 < ce && t[j + 1] == '=')
			return 0; /* a comparison */
		return 1;
	}
	return 0;
}

/* The closing quote of a value whose content starts at k, or ce when the line has none. */
static size_t
quoted_end(const char *t, size_t k, size_t ce, char q, bool escaped)
{
	while (k < ce) {
		if (escaped) {
			if (t[k] == '\\' && k + 1 < ce && t[k + 1] == '\\')
				k += 2;
			else if (t[k] == '\\' && k + 1 < ce && t[k + 1] == q)
				return k;
			else
				k++;
		} else if (q == '"' && t[k] == '\\' && k + 1 < ce) {
			k += 2;
		} else if (t[k] == q) {
			/* '' is a quote inside a YAML single-quoted scalar */
			if (q == '\'' && k + 1 < ce && t[k + 1] == '\'')
				k += 2;
			else
				return k;
		} else {
			k++;
		}
	}
	return ce;
}

/*
 * The end of "{...}" or "[...]" starting at v. With col set, the value may go
 * on over lines indented deeper than col, or a line that closes it.
 */
static size_t
bracket_end(const struct scrub *s, size_t v, size_t ce, bool multiline, size_t col)
{
	const char *t = s->t;
	size_t k = v, depth = 0;

	for (;;) {
		char q = 0;
		size_t nls, nce, ind;

		for (; k < ce; k++) {
			char c = t[k];

			if (q != 0) {
				if (c == '\\' && q == '"' && k + 1 < ce)
					k++;
				else if (c == q)
					q = 0;
			} else if (c == '"' || c == '\'') {
				q = c;
			} else if (c == '{' || c == '[') {
				depth++;
			} else if ((c == '}' || c == ']') && depth > 0 && --depth == 0) {
				return k + 1;
			}
		}
		if (!multiline || ce >= s->len)
			return ce;
		nls = line_end(s, ce);
		if (nls >= s->len)
			return ce;
		nls++;
		nce = content_end(s, nls);
		ind = skip_blanks(t, nls, nce) - nls;
		if (nls + ind < nce && ind <= col && t[nls + ind] != '}' && t[nls + ind] != ']')
			return ce;
		k = nls;
		ce = nce;
	}
}

/* Whether a YAML sequence item ("- x", "-") starts at t[k]. */
static bool
opens_item(const char *t, size_t k, size_t ce)
{
	return t[k] == '-' && (k + 1 == ce || is_blank(t[k + 1]));
}

/*
 * A name that opens its line with nothing after the ':' (or a block scalar
 * indicator): the lines indented deeper than col are its value. The key
 * line stays; one marker line, at the block's indent, stands for the block.
 * Returns where the block's last line ends, or 0 when there is no block.
 */
static size_t
try_yaml_block(struct scrub *s, size_t ce, size_t col, size_t i)
{
	const char *t = s->t;
	size_t le = line_end(s, ce), k, first = 0, first_ind = 0, last = 0;

	if (le >= s->len)
		return 0;
	for (k = le + 1; k < s->len;) {
		size_t kce = content_end(s, k), ind = skip_blanks(t, k, kce) - k;

		if (k + ind < kce) {
			/* "list:" then "- root:x" at the same indent is YAML's compact sequence */
			if (ind < col || (ind == col && !opens_item(t, k + ind, kce)))
				break;
			if (last == 0) {
				first = k;
				first_ind = ind;
			}
			last = kce;
		}
		k = line_end(s, kce);
		if (k >= s->len)
			break;
		k++;
	}
	if (last == 0 || only_marks(t + first, last - first))
		return 0;
	emit(s, i, le + 1);
	emit(s, first, first + first_ind);
	emit_cut(s);
	return last;
}

/*
 * Where an unquoted value that starts at v ends, by what stands around it:
 * the quote that opened the name ("-H 'Authorization: Bearer x'"), and
 * unless it runs to the end of the line, a blank or one of stops.
 */
static size_t
bare_value_end(const char *t, size_t v, size_t ce, char opener, bool whole_line, const char *stops)
{
	size_t k = v;

	while (k < ce && !(opener != '\0' && t[k] == opener)) {
		if (!whole_line && (is_blank(t[k]) || in_set(t[k], stops)))
			break;
		k++;
	}
	while (whole_line && k > v && is_blank(t[k - 1]))
		k--;
	return k;
}

/*
 * A name at t[i] (maybe quoted: "password", \"password\"), a separator, a
 * value. Returns where to go on, having written everything up to there, or
 * 0 when nothing here is a name.
 */
static size_t
try_assignment(struct scrub *s, size_t ls, size_t ce, size_t i)
{
	const char *t = s->t;
	size_t ns = i, ne, j, sep, v, vs, ve, col;
	char opener = 0, open_quote, before = prev_char(s, ls, i);
	bool escaped = false, closed = false, line_head, url, header;

	if (i > ls && !name_may_follow(before))
		return 0;
	if (t[i] == '"' || t[i] == '\'') {
		opener = t[i];
		ns = i + 1;
	} else if (t[i] == '\\' && ce - i > 1 && t[i + 1] == '"') {
		opener = '"';
		escaped = true;
		ns = i + 2;
	}
	ne = name_end(t, ns, ce);
	if (ne == ns)
		return 0;
	j = ne;
	if (escaped && ce - j > 1 && t[j] == '\\' && t[j + 1] == '"') {
		j += 2;
		closed = true;
	} else if (!escaped && opener != 0 && j < ce && t[j] == opener) {
		j++;
		closed = true;
	}
	j = skip_blanks(t, j, ce);
	sep = separator_at(t, j, ce);
	/*
	 * An unquoted name takes ':' only before a blank, a quote or the end of
	 * the line, as YAML and headers have it: "pam_unix(passwd:chauthtok)"
	 * names a PAM service, not a password.
	 */
	if (sep == 1 && t[j] == ':' && !closed && j + 1 < ce && !is_blank(t[j + 1]) &&
	    t[j + 1] != '"' && t[j + 1] != '\'')
		sep = 0;
	url = opener == 0 && (before == '?' || before == '&' || before == '#') && sep == 1 &&
	      t[j] == '=';
	if (sep == 0 ||
	    !(url ? is_secret_param(t + ns, ne - ns) : is_secret_name(t + ns, ne - ns)) ||
	    is_sudoers_tag(t + ns, ne - ns, t[j])) {
		emit(s, i, ne);
		return ne;
	}
	line_head = opens_line(t, ls, i);
	header = is_header_name(t + ns, ne - ns);
	col = i - ls;
	v = skip_blanks(t, j + sep, ce);

	/* Nothing on the line, or a block scalar: the value is the indented block below. */
	/* '#' opens a comment in YAML; after '=' (INI) it may start the value. */
	if (v >= ce || (t[v] == '#' && v > j + sep && t[j] == ':') ||
	    ((t[v] == '|' || t[v] == '>') && sep == 1 && t[j] == ':')) {
		size_t k = v;

		if (k < ce && (t[k] == '|' || t[k] == '>')) {
			k++;
			while (k < ce && (t[k] == '-' || t[k] == '+' || is_digit(t[k])))
				k++;
			k = skip_blanks(t, k, ce);
		}
		if (k >= ce || t[k] == '#') {
			size_t r = 0;

			if (line_head && sep == 1 && t[j] == ':')
				r = try_yaml_block(s, ce, col, i);
			if (r == 0) {
				emit(s, i, ce);
				r = ce;
			}
			return r;
		}
	}

	if (t[v] == '"' || t[v] == '\'') {
		vs = v + 1;
		ve = quoted_end(t, vs, ce, t[v], false);
	} else if (t[v] == '\\' && ce - v > 1 && t[v + 1] == '"') {
		vs = v + 2;
		ve = quoted_end(t, vs, ce, '"', true);
	} else if (t[v] == '{' || t[v] == '[') {
		vs = v;
		ve = bracket_end(s, v, ce, line_head, col);
	} else {
		open_quote = opener != 0 && !closed ? opener : '\0';
		vs = v;
		if (header || (line_head && !closed))
			ve = bare_value_end(t, v, ce, open_quote, true, "");
		else if (closed)
			ve = bare_value_end(t, v, ce, open_quote, false, ",}]");
		else if (url)
			ve = bare_value_end(t, v, ce, open_quote, false, "&#;\"'<>`");
		else
			ve = bare_value_end(t, v, ce, open_quote, false, ",;&}])\"'<>`");
		/* \"password=x\" inside a JSON string: the backslash is the quote's */
		if (escaped && !closed && ve > vs && ve < ce && t[ve - 1] == '\\')
			ve--;
	}

	/* Keep the scheme of "Authorization: Bearer <credentials>". */
	if (header) {
		for (size_t a = 0; a < nitems(auth_schemes); a++) {
			size_t al = strlen(auth_schemes[a]);

			if (equals_ci(t + vs, ve - vs, auth_schemes[a])) {
				vs = ve; /* a scheme alone says nothing secret */
				break;
			}
			if (has_prefix_ci(t + vs, ve - vs, auth_schemes[a]) && ve - vs > al &&
			    is_blank(t[vs + al])) {
				vs = skip_blanks(t, vs + al, ve);
				break;
			}
		}
	}
	if (is_plain_value(t + vs, ve - vs)) {
		emit(s, i, ve);
		return ve;
	}
	emit(s, i, vs);
	emit_cut(s);
	return ve;
}

/* One line from ls; returns where the content of the last line it used ends. */
static size_t
scrub_line(struct scrub *s, size_t ls)
{
	size_t ce = content_end(s, ls), i = ls;

	size_t start = s->out.len, hl = sizeof random_heading - 1;

	netrc_line(s, ls, ce);
	if (random_password_line(s, ls, ce) == ce)
		return ce;
	while (i < ce) {
		size_t r, cuts = s->cuts;

		if ((r = try_userinfo(s, ce, i)) == 0 && (r = try_crypt_hash(s, ls, ce, i)) == 0 &&
		    (r = try_known_token(s, ls, ce, i)) == 0 && (r = try_netrc(s, ls, ce, i)) == 0)
			r = try_assignment(s, ls, ce, i);
		if (r == 0) {
			strbuf_addc(&s->out, s->t[i]);
			r = i + 1;
		}
		if (s->cuts > cuts)
			s->cut_end = r;
		if (r > ce) {
			/* A value that went on over lines: carry on in the line it ended in. */
			ls = line_start(s, r);
			ce = content_end(s, ls);
		}
		i = r;
	}
	s->random_follows = s->out.len - start >= hl &&
	                    memcmp(s->out.buf + s->out.len - hl, random_heading, hl) == 0;
	return ce;
}

char *
redact_secrets(const char *text, size_t len, size_t *out_len, size_t *removed)
{
	struct strbuf keyless = STRBUF_INIT;
	struct scrub s = {.t = text, .len = len, .out = STRBUF_INIT};
	size_t i = 0, key_cuts = 0;

	if (len > 0)
		key_cuts = cut_key_blocks(text, len, &keyless);
	if (key_cuts > 0) {
		s.t = keyless.buf;
		s.len = keyless.len;
	}
	while (i < s.len) {
		size_t ce = scrub_line(&s, i), next = line_end(&s, ce);

		if (next < s.len)
			next++;
		emit(&s, ce, next);
		i = next;
	}
	strbuf_free(&keyless);
	if (s.out.buf == NULL)
		strbuf_adds(&s.out, "");
	if (out_len != NULL)
		*out_len = s.out.len;
	if (removed != NULL)
		*removed = key_cuts + s.cuts;
	return strbuf_detach(&s.out);
}
