/*
 * test-redact.c: redact_secrets, the one gate between what vmtriage reads
 * and what it keeps. Every file of tests/data/secrets goes through it: no
 * secret of the file survives, the lines around them come back as they
 * were, the cuts are counted, and a second pass finds nothing more; the
 * files with no secret (a journal, multipass and qemu-img output, leases,
 * sshd_config, public keys) come back byte for byte. Small cases pin the
 * exact output of each shape (YAML, INI, shell, JSON, headers, URLs, key
 * blocks, cloud-init), what is kept on purpose, CRLF, and the lengths.
 * Binary bytes, invalid UTF-8, cut-short blocks and long lines must not
 * crash, read out of bounds (run it under ASan) or take quadratic time.
 */
#include "config.h"

#include "cmocka-prelude.h"

#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "util/redact.h"
#include "util/util.h"

#define KEY_MARK REDACT_KEY_MARK
#define VALUE_MARK REDACT_VALUE_MARK

/* ---- helpers ----------------------------------------------------------- */

/* How often needle[0..nl) occurs in p[0..n). */
static size_t
count_mem(const char *p, size_t n, const char *needle, size_t nl)
{
	size_t c = 0;
	const char *q = p, *end = p + n;

	while ((size_t)(end - q) >= nl && (q = memmem(q, (size_t)(end - q), needle, nl)) != NULL) {
		c++;
		q += nl;
	}
	return c;
}

static size_t
count_of(const char *p, size_t n, const char *needle)
{
	return count_mem(p, n, needle, strlen(needle));
}

static bool
holds(const char *p, size_t n, const char *needle)
{
	return memmem(p, n, needle, strlen(needle)) != NULL;
}

/*
 * redact_secrets on an exact-size heap copy with no NUL after it, so ASan
 * sees any read past the end, with the promises every result keeps: there
 * is one, it ends in a NUL at *out_len, nothing was cut without being
 * counted, and it grows by no more than one marker per cut.
 */
static char *
redact(const char *in, size_t len, size_t *out_len, size_t *removed)
{
	char *copy = xmalloc(len > 0 ? len : 1);
	size_t n = (size_t)-1, cuts = (size_t)-1;
	char *out;

	memcpy(copy, in, len);
	out = redact_secrets(copy, len, &n, &cuts);
	free(copy);
	assert_non_null(out);
	assert_true(n != (size_t)-1 && cuts != (size_t)-1);
	assert_int_equal(out[n], '\0');
	if (memchr(in, '\0', len) == NULL)
		assert_int_equal(strlen(out), n);
	if (cuts == 0) {
		assert_int_equal(n, len);
		assert_memory_equal(out, len > 0 ? in : "", len);
	}
	assert_true(n <= len + cuts * strlen(KEY_MARK));
	if (out_len != NULL)
		*out_len = n;
	if (removed != NULL)
		*removed = cuts;
	return out;
}

/* A second pass over redacted text cuts nothing. */
static void
expect_stable(const char *out, size_t n)
{
	size_t again_len, again_cuts;
	char *again = redact(out, n, &again_len, &again_cuts);

	if (again_cuts != 0)
		fail_msg("a second pass cut %zu more:\n%s", again_cuts, again);
	free(again);
}

/* in comes back as want, with removed cuts, and stays so. */
static void
expect_redacted_n(const char *in, size_t len, const char *want, size_t removed)
{
	size_t n, cuts;
	char *out = redact(in, len, &n, &cuts);

	if (strcmp(out, want) != 0 || cuts != removed)
		fail_msg("input:\n%s\ngot (%zu cuts):\n%s\nwant (%zu cuts):\n%s", in, cuts, out,
		         removed, want);
	assert_int_equal(n, strlen(want));
	assert_int_equal(count_of(out, n, VALUE_MARK) + count_of(out, n, KEY_MARK), removed);
	expect_stable(out, n);
	free(out);
}

static void
expect_redacted(const char *in, const char *want, size_t removed)
{
	expect_redacted_n(in, strlen(in), want, removed);
}

static void
expect_kept(const char *in)
{
	expect_redacted(in, in, 0);
}

/* The next line of p[0..n) from *pos, without its '\n'; false at the end. */
static bool
next_line(const char *p, size_t n, size_t *pos, const char **line, size_t *ll)
{
	const char *nl;

	if (*pos >= n)
		return false;
	*line = p + *pos;
	nl = memchr(*line, '\n', n - *pos);
	*ll = nl != NULL ? (size_t)(nl - *line) : n - *pos;
	*pos += *ll + (nl != NULL ? 1 : 0);
	return true;
}

/* Whether p[0..n) holds line as one whole line. */
static bool
has_line(const char *p, size_t n, const char *line)
{
	size_t pos = 0, ll, want = strlen(line);
	const char *l;

	while (next_line(p, n, &pos, &l, &ll)) {
		if (ll == want && memcmp(l, line, ll) == 0)
			return true;
	}
	return false;
}

/*
 * Every line of out that holds no marker is a line of in, and they come in
 * the order of in: nothing was changed but what was cut.
 */
static void
expect_rest_intact(const char *in, size_t in_len, const char *out, size_t out_len)
{
	size_t ipos = 0, opos = 0, il, ol;
	const char *i, *o;

	while (next_line(out, out_len, &opos, &o, &ol)) {
		bool found = false;

		if (holds(o, ol, VALUE_MARK) || holds(o, ol, KEY_MARK))
			continue;
		while (next_line(in, in_len, &ipos, &i, &il)) {
			if (il == ol && memcmp(i, o, ol) == 0) {
				found = true;
				break;
			}
		}
		if (!found)
			fail_msg("line changed or out of order: \"%.*s\"", (int)ol, o);
	}
}

/*
 * The body of every private key block of in (the last word of each line
 * between a BEGIN line and its END, or the end of the text) is gone from out.
 */
static void
expect_key_bodies_gone(const char *in, size_t in_len, const char *out, size_t out_len)
{
	size_t pos = 0, ll;
	const char *l;
	bool inside = false;

	while (next_line(in, in_len, &pos, &l, &ll)) {
		size_t w = ll;

		if (holds(l, ll, "BEGIN") && holds(l, ll, "PRIVATE KEY") && !holds(l, ll, "\\n")) {
			inside = true;
			continue;
		}
		if (!inside)
			continue;
		if (holds(l, ll, "-----END ")) {
			inside = false;
			continue;
		}
		while (w > 0 && l[w - 1] != ' ')
			w--;
		/*
		 * An RSA key holds its public modulus: a body line may also be
		 * part of the public key next to it, which stays.
		 */
		if (ll - w < 16 || count_mem(in, in_len, l + w, ll - w) != 1)
			continue;
		if (memmem(out, out_len, l + w, ll - w) != NULL)
			fail_msg("key line survived: %.*s", (int)(ll - w), l + w);
	}
}

struct corpus_case {
	const char *file;
	size_t removed;
	const char *const *gone; /* no byte of these may survive */
	const char *const *kept; /* whole lines that must come back as they were */
};

static void
check_corpus(const struct corpus_case *c)
{
	char *rel = xasprintf("secrets/%s", c->file);
	size_t in_len, n, cuts;
	char *in = fixture_read(rel, &in_len);
	char *out = redact(in, in_len, &n, &cuts);

	if (cuts != c->removed)
		fail_msg("%s: %zu cuts, want %zu:\n%s", c->file, cuts, c->removed, out);
	assert_int_equal(count_of(out, n, VALUE_MARK) + count_of(out, n, KEY_MARK), cuts);
	for (size_t k = 0; c->gone != NULL && c->gone[k] != NULL; k++) {
		/* the corpus must hold it, or the test proves nothing */
		if (!holds(in, in_len, c->gone[k]))
			fail_msg("%s: the corpus has no \"%s\"", c->file, c->gone[k]);
		if (holds(out, n, c->gone[k]))
			fail_msg("%s: \"%s\" survived:\n%s", c->file, c->gone[k], out);
	}
	for (size_t k = 0; c->kept != NULL && c->kept[k] != NULL; k++) {
		if (!has_line(out, n, c->kept[k]))
			fail_msg("%s: line \"%s\" is not there:\n%s", c->file, c->kept[k], out);
	}
	expect_rest_intact(in, in_len, out, n);
	expect_key_bodies_gone(in, in_len, out, n);
	expect_stable(out, n);
	free(out);
	free(in);
	free(rel);
}

/* ---- the corpus -------------------------------------------------------- */

static void
test_corpus_keys(void **state)
{
	const struct corpus_case cases[] = {
	    {"rsa-key.pem", 1, W("-----BEGIN RSA PRIVATE KEY-----", "-----END RSA"), NULL},
	    {"id_ed25519", 1,
	     W("b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW",
	       "AAAECawSkl3nKlxeT9WzNaMJ60Un5JHBx1R0U8P44GVKOmtjBLhhSnJ88113lJmP4Kz+Xr",
	       "OPENSSH PRIVATE KEY"),
	     NULL},
	    {"putty.ppk", 1,
	     W("AAAAIJrBKSXecqXF5P1bM1owl7RSfkkcHHVHRTw/jgZUo6a2", "Private-MAC: 8d1e8a3c",
	       "Encryption: none"),
	     NULL},
	    {"truncated.pem", 1, W("BEGIN RSA PRIVATE KEY"),
	     W("2024-03-04 10:12:02,118 - util.py[DEBUG]: Writing to /home/ubuntu/.ssh/id_rsa "
	       "- wb: [600] 1679 bytes",
	       "2024-03-04 10:12:02,119 - util.py[DEBUG]: Contents:", KEY_MARK)},
	    {"key-in-log.txt", 2,
	     W("uQAAAAtzc2gtZWQyNTUxOQAAACBi6rN2cv3bFKGU2R6TbBjX+LqMmvzp8x71SYQvozzOzg",
	       "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg",
	       "/PMJIrUwiqGL+VZfr2551XvvmuKpg/RMwdJIQPZrPpScSJb5hjW/xzAh", "PRIVATE KEY-----"),
	     W("Mar 04 10:12:02 primary cloud-init[1187]: + cat /home/ubuntu/.ssh/id_ed25519",
	       "Mar 04 10:12:02 primary cloud-init[1187]: [private key removed]",
	       "Mar 04 10:12:02 primary cloud-init[1187]: + systemctl restart app",
	       "Mar 04 10:12:03 primary multipassd[402]: [debug] [primary] cloud-init payload: "
	       "{\"user\": \"ubuntu\", \"key\": \"[private key removed]\\n\", \"mode\": \"0600\"}",
	       "Mar 04 10:12:04 primary systemd[1]: Finished cloud-final.service - Execute "
	       "cloud user/final scripts.")},
	    {"keys-in-yaml.yaml", 2,
	     W("MIICXAIBAAKBgQCcKipFUZ38WIFcz1P74XSaKRJpFtlwTinSfw15cEX3IncfVerR",
	       "pWmo3wqNDuVRFp5HNPH1xXv55ft4CHUIqMUpnMVMnuM=", "PRIVATE KEY"),
	     W("ssh_keys:", "  rsa_private: |", "    [private key removed]", "  ed25519_private: |",
	       "  ed25519_public: ssh-ed25519 "
	       "AAAAC3NzaC1lZDI1NTE5AAAAIDBLhhSnJ88113lJmP4Kz+XrqVBCFX3NLAHDXyLt/GD1 "
	       "ubuntu@primary",
	       "disable_root: true")},
	};

	(void)state;
	for (size_t k = 0; k < nitems(cases); k++)
		check_corpus(&cases[k]);
}

static void
test_corpus_cloud_init(void **state)
{
	const struct corpus_case cases[] = {
	    {"user-data.yaml", 5,
	     W("To16RGzWJku0hMc4AV8Bq5Gz0HhJjrCHzCunWbTq9tSknE", "correct horse battery staple",
	       "Ubuntu-Pw-2024", "R00tPassw0rd!", "0ps-Sh3ll-Pw", "Tr0ub4dor&3", "expire: false"),
	     W("hostname: primary", "    sudo: ALL=(ALL) NOPASSWD:ALL", "    lock_passwd: false",
	       "    passwd: [removed]", "    plain_text_passwd: '[removed]'", "password: [removed]",
	       "chpasswd:", "  [removed]", "ssh_pwauth: true", "      host = db.internal",
	       "      password = [removed]",
	       "      - ssh-ed25519 "
	       "AAAAC3NzaC1lZDI1NTE5AAAAIDBLhhSnJ88113lJmP4Kz+XrqVBCFX3NLAHDXyLt/GD1 "
	       "ubuntu@primary",
	       "  - [ sh, -c, 'echo \"provisioned\" > /var/tmp/provisioned' ]")},
	    {"user-data-users.yaml", 1,
	     W("Ub-Users-Form-Pw", "$y$j9T$9hRRVwCpQxk1bIvhRd4e/.", "GcWX3k1y0RZPIY7BGmbxkqpi"),
	     W("packages: [jq, qemu-guest-agent]", "chpasswd:", "  [removed]", "ssh_pwauth: false",
	       "timezone: Europe/Berlin")},
	    {"cloud-init-output.log", 2, W("Xk3jh2Lq9Wz7", "Pm4nB8vR2tY6"),
	     W("Set the following 'random' passwords", "ops:[removed]", "root:[removed]",
	       "Your public key has been saved in /etc/ssh/ssh_host_ed25519_key.pub",
	       "SHA256:Wq2y8X6aF3kT1mZ0pL9sR4vB7nC5eD1gH2jK3lM4nO5 root@primary")},
	};

	(void)state;
	for (size_t k = 0; k < nitems(cases); k++)
		check_corpus(&cases[k]);
}

static void
test_corpus_config(void **state)
{
	const struct corpus_case cases[] = {
	    {"app.env", 8,
	     W("pg-Url-Pa55w0rd", "pg-Env-Pa55w0rd", "r3dis pass phrase", "ghp_R4nd0mL00k1ng",
	       "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "xoxb-FAKE-TOKEN", "sk_live_FAKEfake",
	       "9f86d081884c7d659a2feaa0c55ad015"),
	     W("DATABASE_URL=postgres://app:[removed]@10.0.3.4:5432/app", "DB_PASSWORD=[removed]",
	       "REDIS_PASS=\"[removed]\"", "export GITHUB_TOKEN=[removed]",
	       "export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE", "SLACK_BOT_TOKEN='[removed]'",
	       "TOKENIZER_PATH=/opt/app/tokenizer.json", "PASSWORD_MIN_LENGTH=12", "PWD=/srv/app",
	       "OLDPWD=/root")},
	    {"config.json", 7,
	     W("ZGVwbG95OnJlZzFzdHJ5LXBhc3M=", "ZG9ja2VyOmh1bnRlcjJodW50ZXIy", "FakeIdentityToken",
	       "Pr0xy-Pa55", "GOCSPX-FakeClientSecret123", "p@ss", "quoted\\\" word",
	       "MIGHAgEAMBMGByqGSM49"),
	     W("      \"auth\": \"[removed]\"", "  \"credsStore\": \"desktop\",",
	       "    \"User-Agent\": \"Docker-Client/24.0.7 (linux)\"",
	       "  \"api\": {\"password\": \"[removed]\", \"token\": null, \"enabled\": true, "
	       "\"retries\": 3}")},
	    {"wg0.conf", 2,
	     W("yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=",
	       "/UwcSPg38hW/D9Y3tcS1FOV0K1wuURMbS0sesJEP5ak="),
	     W("PrivateKey = [removed]", "PublicKey = xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=",
	       "PresharedKey = [removed]", "Endpoint = vpn.example.com:51820")},
	    {"netrc", 3,
	     W("ghp_N3trcT0k3nV4lu3AbCdEfGh12345678", "01234567-89ab-cdef-0123-456789abcdef",
	       "guest-netrc-pw"),
	     W("machine github.com login bob password [removed]", "machine api.heroku.com",
	       "  login bob@example.com", "  password [removed]",
	       "default login anonymous password [removed]")},
	    {"http-trace.txt", 5,
	     W("FakeBearerSig", "cHJveHk6cHJveHlwYXNz", "4b1d2c3e", "Zx9Yw8Vu",
	       "5d41402abc4b2a76b9719d911017c592", "7a8b9c0d1e2f"),
	     W("> GET /v1/instances?limit=10 HTTP/1.1", "> Host: api.example.com",
	       "> Authorization: Bearer [removed]", "> Proxy-Authorization: Basic [removed]",
	       "> Cookie: [removed]", "> X-Api-Key: [removed]", "< Set-Cookie: [removed]",
	       "< X-RateLimit-Remaining: 4999",
	       "{\"instances\": [{\"name\": \"primary\", \"state\": \"Running\"}]}")},
	    {"urls.txt", 12,
	     W("ghs_FakeInstallationToken0001", "Sup3r%40Secret", "glpat-FakeGitLabToken1",
	       "AKIAIOSFODNN7EXAMPLE", "4f1c0ed1a2b3c4d5e6f7", "Zm9vYmFyYmF6cXV4",
	       "ya29.a0AfH6SMBx", "7f3e9c1b2a6d", "FakeFragmentSig", "AIzaSyD-FakeMapsKey",
	       "svc%40proj", "0a1b2c3d4e5f60718293a4b5c6d7e8f9"),
	     W("https://archive.ubuntu.com/ubuntu/dists/jammy/InRelease",
	       "https://x-access-token:[removed]@github.com/acme/infra.git",
	       "https://deploy:[removed]@git.example.org/acme/app.git",
	       "git clone https://oauth2:[removed]@gitlab.example.com/acme/tools.git /opt/tools",
	       "https://mybucket.s3.eu-west-1.amazonaws.com/images/jammy.img?"
	       "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=[removed]&"
	       "X-Amz-Date=20240304T101200Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&"
	       "X-Amz-Signature=[removed]",
	       "https://api.example.com/v1/images?page=2&access_token=[removed]&per_page=50",
	       "\"https://hooks.example.net/notify?token=[removed]&channel=ops\"",
	       "https://login.example.com/callback#access_token=[removed]&token_type=bearer&"
	       "expires_in=3600",
	       "http://192.168.64.1:8080/status?verbose=1&format=json",
	       "ssh://git@github.com:22/acme/infra.git")},
	};

	(void)state;
	for (size_t k = 0; k < nitems(cases); k++)
		check_corpus(&cases[k]);
}

/* Evidence with no secret in it comes back byte for byte. */
static void
test_corpus_unchanged(void **state)
{
	static const char *const files[] = {
	    "journal.txt",  "multipass-list.txt", "multipass-info.txt", "qemu-img-info.json",
	    "dhcpd_leases", "sshd_config",        "authorized_keys",
	};

	(void)state;
	for (size_t k = 0; k < nitems(files); k++) {
		char *rel = xasprintf("secrets/%s", files[k]);
		size_t in_len, n, cuts;
		char *in = fixture_read(rel, &in_len);
		char *out = redact(in, in_len, &n, &cuts);

		if (cuts != 0 || n != in_len || memcmp(in, out, n) != 0)
			fail_msg("%s changed (%zu cuts):\n%s", files[k], cuts, out);
		free(out);
		free(in);
		free(rel);
	}
}

/* CRLF stays CRLF, and the '\r' is never taken for part of a value. */
static void
test_corpus_crlf(void **state)
{
	size_t in_len, n, cuts;
	char *in = fixture_read("secrets/windows.ini", &in_len);
	char *out = redact(in, in_len, &n, &cuts);

	(void)state;
	assert_int_equal(cuts, 1);
	assert_string_equal(out, "; mounted by the backup job on the host\r\n[smb]\r\n"
	                         "server = fileserver.corp\r\nusername = svc_backup\r\n"
	                         "password = [removed]\r\ndomain = CORP\r\n");
	assert_int_equal(count_of(out, n, "\r\n"), count_of(in, in_len, "\r\n"));
	free(out);
	free(in);
}

/* ---- exact small cases ------------------------------------------------- */

static void
test_key_blocks(void **state)
{
	(void)state;
	expect_redacted("a\n-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nAAAA\n"
	                "-----END RSA PRIVATE KEY-----\nb\n",
	                "a\n[private key removed]\nb\n", 1);
	expect_redacted("-----BEGIN EC PRIVATE KEY-----\nMHcC\n-----END EC PRIVATE KEY-----",
	                "[private key removed]", 1);
	/* PKCS#8, encrypted, PGP, SSH2, OpenVPN static keys */
	expect_redacted("-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIF\n"
	                "-----END ENCRYPTED PRIVATE KEY-----\n",
	                "[private key removed]\n", 1);
	expect_redacted("-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlQOYBGX\n=abcd\n"
	                "-----END PGP PRIVATE KEY BLOCK-----\n",
	                "[private key removed]\n", 1);
	expect_redacted("---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----\nComment: \"k\"\nP2/56w\n"
	                "---- END SSH2 ENCRYPTED PRIVATE KEY ----\n",
	                "[private key removed]\n", 1);
	expect_redacted("<tls-auth>\n-----BEGIN OpenVPN Static key V1-----\n6acef03f\n"
	                "-----END OpenVPN Static key V1-----\n</tls-auth>\n",
	                "<tls-auth>\n[private key removed]\n</tls-auth>\n", 1);
	/* two blocks, two cuts; the text between them stays */
	expect_redacted("-----BEGIN PRIVATE KEY-----\nA\n-----END PRIVATE KEY-----\nmid\n"
	                "-----BEGIN PRIVATE KEY-----\nB\n-----END PRIVATE KEY-----\n",
	                "[private key removed]\nmid\n[private key removed]\n", 2);
	/* in a log line, in a JSON string, after the END on its line */
	expect_redacted("x: -----BEGIN OPENSSH PRIVATE KEY-----\nx: b3Bl\n"
	                "x: -----END OPENSSH PRIVATE KEY----- done\n",
	                "x: [private key removed] done\n", 1);
	expect_redacted(
	    "{\"k\": \"-----BEGIN PRIVATE KEY-----\\nMIGH\\n-----END PRIVATE KEY-----\\n\"}",
	    "{\"k\": \"[private key removed]\\n\"}", 1);
	/* a named value that is a key is cut once, as a key */
	expect_redacted("private_key: \"-----BEGIN PRIVATE KEY-----\\nMIGH\\n"
	                "-----END PRIVATE KEY-----\\n\"\n",
	                "private_key: \"[private key removed]\\n\"\n", 1);
	expect_redacted(
	    "  private_key: |\n    -----BEGIN PRIVATE KEY-----\n    MIGH\n"
	    "    -----END PRIVATE KEY-----\n  public_key: ssh-ed25519 AAAA\n",
	    "  private_key: |\n    [private key removed]\n  public_key: ssh-ed25519 AAAA\n", 1);
	/* PuTTY, indented too */
	expect_redacted("PuTTY-User-Key-File-2: ssh-rsa\nEncryption: none\nPrivate-Lines: 1\nAAAA\n"
	                "Private-MAC: 0a1b\nafter\n",
	                "[private key removed]\nafter\n", 1);
}

/* A block cut short runs to the end of the text: the rest may all be key. */
static void
test_key_unterminated(void **state)
{
	(void)state;
	expect_redacted("before\n-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nAAAA\nlast line\n",
	                "before\n[private key removed]", 1);
	expect_redacted("-----BEGIN OPENSSH PRIVATE KEY-----", "[private key removed]", 1);
	expect_redacted("PuTTY-User-Key-File-3: ssh-ed25519\nPrivate-Lines: 1\nAAAA",
	                "[private key removed]", 1);
	/* not a key: the label is not private, or there is no label at all */
	expect_kept("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
	expect_kept("-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n");
	expect_kept("-----BEGIN \n-----BEGIN -----\n----- BEGIN PRIVATE KEY\n");
	expect_kept("x-----BEGIN RSA PUBLIC KEY-----");
	/* a label is words of letters and digits, nothing else */
	expect_kept("-----BEGIN {token} PRIVATE KEY-----\nabc\n");
}

static void
test_assignments(void **state)
{
	(void)state;
	/* YAML, INI, shell, PHP, Makefile, Ruby */
	expect_redacted("password: hunter2\n", "password: [removed]\n", 1);
	expect_redacted("  db_password: \"hunter2\" # prod\n",
	                "  db_password: \"[removed]\" # prod\n", 1);
	expect_redacted("- token: 'it''s'\n", "- token: '[removed]'\n", 1);
	expect_redacted("passwd = my pass phrase\n", "passwd = [removed]\n", 1);
	expect_redacted("password=abc,def\n", "password=[removed]\n", 1);
	expect_redacted("export GITHUB_TOKEN=abc123\n", "export GITHUB_TOKEN=[removed]\n", 1);
	expect_redacted("declare -x API_KEY=\"k\"\n", "declare -x API_KEY=\"[removed]\"\n", 1);
	expect_redacted("$db_password = 'x';\n", "$db_password = '[removed]';\n", 1);
	expect_redacted("SECRET_KEY := abc\n", "SECRET_KEY := [removed]\n", 1);
	expect_redacted(":password => \"x\",\n", ":password => \"[removed]\",\n", 1);
	expect_redacted("dbPassword: x\nclientSecret: y\napiKey: z\n",
	                "dbPassword: [removed]\nclientSecret: [removed]\napiKey: [removed]\n", 3);
	expect_redacted("ldap_bind_pw=secret\n", "ldap_bind_pw=[removed]\n", 1);
	expect_redacted("spring.datasource.password=x\n", "spring.datasource.password=[removed]\n",
	                1);
	/* NetworkManager, wpa_supplicant */
	expect_redacted("[wifi-security]\nkey-mgmt=wpa-psk\npsk=correct horse\n",
	                "[wifi-security]\nkey-mgmt=wpa-psk\npsk=[removed]\n", 1);
	expect_redacted("\tpsk=\"wifi pass\"\n", "\tpsk=\"[removed]\"\n", 1);
	/* JSON, escaped JSON inside a log line */
	expect_redacted("{\"password\": \"x\\\"y\", \"user\": \"bob\"}",
	                "{\"password\": \"[removed]\", \"user\": \"bob\"}", 1);
	expect_redacted("{\"password\":\"x\",\"pin\":1}", "{\"password\":\"[removed]\",\"pin\":1}",
	                1);
	expect_redacted("{\"token\": 12345, \"n\": 1}", "{\"token\": [removed], \"n\": 1}", 1);
	expect_redacted("msg=\"{\\\"token\\\": \\\"abc\\\"}\"",
	                "msg=\"{\\\"token\\\": \\\"[removed]\\\"}\"", 1);
	/* a secret object or list goes whole, over its lines when it opens a block */
	expect_redacted("{\"secret\": {\"a\": \"b\", \"c\": [1, 2]}, \"ok\": 1}",
	                "{\"secret\": [removed], \"ok\": 1}", 1);
	expect_redacted("{\n  \"client_secret\": {\n    \"value\": \"s\"\n  },\n  \"ok\": 1\n}\n",
	                "{\n  \"client_secret\": [removed],\n  \"ok\": 1\n}\n", 1);
	/* mid-line: the value ends at a blank or a separator */
	expect_redacted("connect user=bob password=abc host=db\n",
	                "connect user=bob password=[removed] host=db\n", 1);
	expect_redacted("//srv/share /mnt cifs username=bob,password=s3cret,uid=1000 0 0\n",
	                "//srv/share /mnt cifs username=bob,password=[removed],uid=1000 0 0\n", 1);
	expect_redacted("mysql --password=hunter2 -u root\n",
	                "mysql --password=[removed] -u root\n", 1);
	expect_redacted("docker run -e DB_PASS=x -e MODE=y img\n",
	                "docker run -e DB_PASS=[removed] -e MODE=y img\n", 1);
	expect_redacted("Environment=\"API_TOKEN=abc\" \"LEVEL=2\"\n",
	                "Environment=\"API_TOKEN=[removed]\" \"LEVEL=2\"\n", 1);
	expect_redacted("x {password: a, user: b}\n", "x {password: [removed], user: b}\n", 1);
	expect_redacted("{\"cmd\": \"env \\\"DB_PASSWORD=x\\\" run\"}",
	                "{\"cmd\": \"env \\\"DB_PASSWORD=[removed]\\\" run\"}", 1);
	/* '#' starts an INI value, but a YAML comment */
	expect_redacted("password = #hash1\n", "password = [removed]\n", 1);
	/* empty values have nothing to cut */
	expect_kept("password:\n");
	expect_kept("password=\nDB_PASS=\"\"\n{\"token\": \"\"}\n");
	expect_kept("password: # set later\nuser: x\n");
}

/* Settings about secrets, public keys and words that merely contain one stay. */
static void
test_not_secrets(void **state)
{
	(void)state;
	expect_kept("PasswordAuthentication no\nPermitEmptyPasswords no\n"
	            "PermitRootLogin prohibit-password\nKbdInteractiveAuthentication no\n");
	expect_kept("ssh_pwauth: true\nlock_passwd: false\ndisable_root: true\n");
	expect_kept("password: null\ntoken: ~\nsecret: \"\"\nauth: none\napi_key: No\n");
	expect_kept("tokenizer: bert\ntokens: 4096\npasswords_file: /etc/app/pw\n"
	            "secret_name: db\ntoken_type: bearer\npassword_min_length: 12\n");
	expect_kept(
	    "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQCl user@host\n"
	    "ssh_authorized_keys:\n  - ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDBL ubuntu@primary\n");
	expect_kept("failed to open /etc/passwd: Permission denied\n"
	            "cat ~/.config/gh/token: no such file\n");
	expect_kept("sudo: ubuntu : TTY=pts/0 ; PWD=/home/ubuntu ; USER=root\nOLDPWD=/root\n");
	expect_kept("pam_unix(passwd:chauthtok): password changed for ubuntu\n"
	            "pam_unix(sshd:auth): authentication failure\n");
	expect_kept("Failed password for invalid user admin from 192.168.64.1 port 50122 ssh2\n");
	expect_kept("%sudo ALL=(ALL:ALL) NOPASSWD: ALL\nsudo: ALL=(ALL) NOPASSWD:ALL\n");
	expect_kept("oauth: enabled\nbypass: yes\ncompass=north\n");
	expect_kept("if [ \"$PASSWORD\" == \"x\" ]; then echo; fi\n");
	expect_kept("token://example\nsecret::ns\n");
	expect_kept("status code=200 key=value sig=1\n");
	expect_kept(
	    "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n");
	expect_kept("ghp_short and glpat-tiny are too short to be tokens\n");
}

static void
test_headers(void **state)
{
	(void)state;
	expect_redacted("Authorization: Bearer abc.def\n", "Authorization: Bearer [removed]\n", 1);
	expect_redacted("authorization: Basic dXNlcjpwYXNz\n", "authorization: Basic [removed]\n",
	                1);
	expect_redacted("Authorization: hunter2 two words\n", "Authorization: [removed]\n", 1);
	expect_redacted("> Cookie: a=1; b=2\n", "> Cookie: [removed]\n", 1);
	expect_redacted("X-Auth-Token: t\nX-Api-Key: k\nPrivate-Token: p\n",
	                "X-Auth-Token: [removed]\nX-Api-Key: [removed]\nPrivate-Token: [removed]\n",
	                3);
	expect_redacted(
	    "curl -H \"Authorization: Bearer abc\" -d \"password=x&user=y\" https://h\n",
	    "curl -H \"Authorization: Bearer [removed]\" -d \"password=[removed]&user=y\" "
	    "https://h\n",
	    2);
	expect_redacted("curl -H 'X-Api-Key: abc' https://h\n",
	                "curl -H 'X-Api-Key: [removed]' https://h\n", 1);
	expect_redacted("{\"Authorization\": \"Bearer x\"}",
	                "{\"Authorization\": \"Bearer [removed]\"}", 1);
	expect_kept("Authorization: Bearer\n");
}

static void
test_urls(void **state)
{
	(void)state;
	expect_redacted("https://user:pass@host/path", "https://user:[removed]@host/path", 1);
	expect_redacted("https://u:p@ss@host:8443/x", "https://u:[removed]@host:8443/x", 1);
	expect_redacted("https://ghp_R4nd0mL00k1ngT0k3nV4lu3:x-oauth-basic@github.com/a/b",
	                "https://[removed]:[removed]@github.com/a/b", 2);
	expect_redacted("redis://:onlypass@cache:6379/0", "redis://:[removed]@cache:6379/0", 1);
	expect_redacted("see https://a.example/x?sig=abcd#frag",
	                "see https://a.example/x?sig=[removed]#frag", 1);
	expect_redacted("https://h/p?a=1&token=xyz&b=2", "https://h/p?a=1&token=[removed]&b=2", 1);
	expect_redacted("https://h/cb#access_token=x&state=s",
	                "https://h/cb#access_token=[removed]&state=s", 1);
	expect_redacted("https://h/?X-Amz-Security-Token=t&X-Amz-Signature=s&x=1",
	                "https://h/?X-Amz-Security-Token=[removed]&X-Amz-Signature=[removed]&x=1",
	                2);
	expect_redacted("<a href=\"https://h/?code=abc\">",
	                "<a href=\"https://h/?code=[removed]\">", 1);
	expect_kept("https://user@host/ ssh://git@github.com:22/x http://host:8080/?page=2\n");
	expect_kept("https://h/?token=&x=1 mailto:someone@example.com\n");
	expect_kept("[2024-03-04T10:12:03.412] [debug] [qemu-img] ://@:\n");
}

static void
test_cloud_init(void **state)
{
	(void)state;
	expect_redacted("#cloud-config\npassword: ubuntu\nchpasswd: { expire: False }\n",
	                "#cloud-config\npassword: [removed]\nchpasswd: [removed]\n", 2);
	expect_redacted(
	    "chpasswd: {list: [\"root:x\", \"ubuntu:y\"], expire: false}\nssh_pwauth: true\n",
	    "chpasswd: [removed]\nssh_pwauth: true\n", 1);
	expect_redacted(
	    "chpasswd:\n  list: |\n    root:R00t\n    ubuntu:ubuntu\n\n  expire: False\n"
	    "runcmd: []\n",
	    "chpasswd:\n  [removed]\nruncmd: []\n", 1);
	/* a sequence at the key's own indent is its value too, unless the key is in one */
	expect_redacted("password:\n- a\n- b\nnext: 1\n", "password:\n[removed]\nnext: 1\n", 1);
	expect_redacted("- token:\n    x\n- name: y\n", "- token:\n    [removed]\n- name: y\n", 1);
	/* the block ends before a blank line that ends it, which stays */
	expect_redacted("password: |\n  line one\n  line two\n\nnext: 1\n",
	                "password: |\n  [removed]\n\nnext: 1\n", 1);
	expect_redacted(
	    "users:\n  - name: ops\n    passwd: >-\n      folded\n      value\n    shell: "
	    "/bin/sh\n",
	    "users:\n  - name: ops\n    passwd: >-\n      [removed]\n    shell: /bin/sh\n", 1);
	/* crypt hashes, wherever they stand */
	expect_redacted(
	    "root:$6$rounds=4096$saltsalt$abcdefghijklmnopqrstuvwxyz0123:19000:0:99999:7:::\n",
	    "root:[removed]:19000:0:99999:7:::\n", 1);
	expect_redacted("- ubuntu:$y$j9T$9hRRVwCp$GcWX3k1y0RZPIY7BGmbxkqpiRM\n",
	                "- ubuntu:[removed]\n", 1);
	expect_kept("echo $1$2 costs $5 or $HOME$PATH\n");
	/* the random passwords cloud-init prints, behind a journal prefix too */
	expect_redacted("Set the following 'random' passwords\nubuntu:Ab3dE9fG\nCloud-init done\n",
	                "Set the following 'random' passwords\nubuntu:[removed]\nCloud-init done\n",
	                1);
	expect_redacted("J: Set the following 'random' passwords\nJ: root:Zz9\nJ: other\n",
	                "J: Set the following 'random' passwords\nJ: root:[removed]\nJ: other\n",
	                1);
}

static void
test_named_tokens(void **state)
{
	(void)state;
	expect_redacted("pushing with ghp_R4nd0mL00k1ngT0k3nV4lu3 now\n",
	                "pushing with [removed] now\n", 1);
	expect_redacted("GL=glpat-FakeGitLabToken1\n", "GL=[removed]\n", 1);
	expect_redacted("hook xoxb-FAKE-TOKEN-FOR-REDACT-TESTS\n", "hook [removed]\n", 1);
	/* right after a cut, as a second pass sees it: behind the marker's ']' */
	expect_redacted("=password=abc'token'=x y\n", "=password=[removed]'token'=[removed] y\n",
	                2);
	expect_kept("a_ghp_R4nd0mL00k1ngT0k3nV4lu3\n");
}

static void
test_crlf(void **state)
{
	(void)state;
	expect_redacted("password: x\r\nuser: y\r\n", "password: [removed]\r\nuser: y\r\n", 1);
	expect_redacted(
	    "a\r\n-----BEGIN RSA PRIVATE KEY-----\r\nMII\r\n-----END RSA PRIVATE KEY-----\r\nb\r\n",
	    "a\r\n[private key removed]\r\nb\r\n", 1);
	expect_redacted("chpasswd:\r\n  list: |\r\n    root:x\r\nnext: 1\r\n",
	                "chpasswd:\r\n  [removed]\r\nnext: 1\r\n", 1);
	expect_redacted("Authorization: Bearer t\r\n\r\n",
	                "Authorization: Bearer [removed]\r\n\r\n", 1);
	expect_redacted("token=abc\r", "token=[removed]\r", 1);
	expect_kept("a\rpassword\r\n\r\n\r");
}

/* The lengths: exact for each case, the same for text with nothing to cut. */
static void
test_lengths(void **state)
{
	size_t n = 99, cuts = 99;
	char *out;

	(void)state;
	out = redact_secrets("", 0, &n, &cuts);
	assert_string_equal(out, "");
	assert_int_equal(n, 0);
	assert_int_equal(cuts, 0);
	free(out);

	/* no text at all */
	out = redact_secrets(NULL, 0, &n, &cuts);
	assert_string_equal(out, "");
	assert_int_equal(n, 0);
	free(out);

	/* out_len and removed may be NULL */
	out = redact_secrets("password: x\n", 12, NULL, NULL);
	assert_string_equal(out, "password: [removed]\n");
	free(out);

	/* only len counts: what follows is not read */
	out = redact_secrets("password: xyz|token: abc", 13, &n, &cuts);
	assert_string_equal(out, "password: [removed]");
	assert_int_equal(n, 19);
	assert_int_equal(cuts, 1);
	free(out);

	/* a long secret makes the text shorter, a short one longer by the marker */
	out = redact("password: 0123456789012345678901234567890123456789", 50, &n, &cuts);
	assert_int_equal(n, strlen("password: [removed]"));
	free(out);
	out = redact("pass=x", 6, &n, &cuts);
	assert_int_equal(n, 6 - 1 + strlen(VALUE_MARK));
	free(out);

	/* no final newline, a lone newline */
	expect_redacted("token: t", "token: [removed]", 1);
	expect_kept("\n");
	expect_kept("\n\n\n");
	expect_kept("no newline at the end");
}

/* ---- bytes that are not text ------------------------------------------- */

static void
test_binary(void **state)
{
	static const char nul_value[] = "password: ab\0cd\nnext\n";
	static const char nul_around[] = "\0\0password: x\n\0";
	static const char bad_utf8[] = "password: \xff\xfe\x80\xc3\n\xc3\x28 keep \xed\xa0\x80\n";
	size_t n, cuts;
	char *out;

	(void)state;
	out = redact(nul_value, sizeof nul_value - 1, &n, &cuts);
	assert_string_equal(out, "password: [removed]\nnext\n");
	assert_int_equal(cuts, 1);
	free(out);

	out = redact(nul_around, sizeof nul_around - 1, &n, &cuts);
	assert_int_equal(cuts, 1);
	assert_int_equal(n, 2 + strlen("password: [removed]\n") + 1);
	assert_memory_equal(out, "\0\0password: [removed]\n\0", n);
	free(out);

	/* a NUL inside a value does not end it */
	expect_redacted_n("x token=ab\0cd y\n", 16, "x token=[removed] y\n", 1);
	expect_redacted(bad_utf8, "password: [removed]\n\xc3\x28 keep \xed\xa0\x80\n", 1);
	expect_kept("\xef\xbb\xbfname: primary\n\xc0\xaf\xff\n");
	expect_redacted("\xef\xbb\xbfpassword: x\n", "\xef\xbb\xbfpassword: [removed]\n", 1);
	expect_redacted("名前: 实例\n密码 token: 秘密\n", "名前: 实例\n密码 token: [removed]\n", 1);
}

/* A small deterministic generator, so a failure can be replayed. */
static unsigned long
next_rand(unsigned long *seed)
{
	*seed = *seed * 6364136223846793005UL + 1442695040888963407UL;
	return *seed >> 33;
}

/* Random bytes, and random text made of the pieces the scanner looks for. */
static void
test_fuzz(void **state)
{
	static const char *const pieces[] = {
	    "-----BEGIN ",
	    "PRIVATE KEY-----",
	    "-----END ",
	    "---- BEGIN ",
	    "PuTTY-User-Key-File-",
	    "Private-MAC:",
	    "password",
	    "token",
	    "Authorization",
	    "chpasswd",
	    ":",
	    "=",
	    ":=",
	    "=>",
	    "\"",
	    "'",
	    "\\\"",
	    "{",
	    "}",
	    "[",
	    "]",
	    "\n",
	    "\r\n",
	    "\r",
	    "  ",
	    "\t",
	    "- ",
	    "|",
	    ">-",
	    "://",
	    "@",
	    "?",
	    "&",
	    "#",
	    "$6$",
	    "$",
	    "abc",
	    "Bearer ",
	    "machine x ",
	    "ghp_",
	    "0123456789abcdef",
	    "Set the following 'random' passwords\n",
	    "[removed]",
	    "\xff",
	    "\0",
	    "export ",
	    "--",
	    "''",
	    "\\",
	    "/etc/",
	    ",",
	};
	unsigned long seed = 20240304;
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	for (int round = 0; round < 20000; round++) {
		size_t n, cuts, len;
		char *out;

		strbuf_reset(&sb);
		len = next_rand(&seed) % 200;
		if (round % 2 == 0) {
			for (size_t k = 0; k < len; k++)
				strbuf_addc(&sb, (char)(next_rand(&seed) & 0xff));
		} else {
			for (size_t k = 0; k < len / 4; k++) {
				const char *p = pieces[next_rand(&seed) % nitems(pieces)];

				strbuf_add(&sb, p, p[0] == '\0' ? 1 : strlen(p));
			}
		}
		/* redact() checks the promises; a second pass holds them and cuts nothing */
		out = redact(sb.buf != NULL ? sb.buf : "", sb.len, &n, &cuts);
		expect_stable(out, n);
		free(out);
	}
	strbuf_free(&sb);
}

/* Long lines and many blocks take linear time: this would hang otherwise. */
static void
test_large(void **state)
{
	static const char *const patterns[] = {
	    "-----BEGIN ",
	    "-----BEGIN X",
	    "://",
	    "://a:",
	    "a=",
	    "password: ",
	    "\"password\": ",
	    "password: {",
	    "$6$",
	    "?token=",
	    "PuTTY-User-Key-File-2\n",
	    "password:\n ",
	};
	struct strbuf sb = STRBUF_INIT;
	size_t n, cuts, in_len;
	char *out, *journal;

	(void)state;
	for (size_t p = 0; p < nitems(patterns); p++) {
		strbuf_reset(&sb);
		while (sb.len < 256 * 1024)
			strbuf_adds(&sb, patterns[p]);
		out = redact(sb.buf, sb.len, &n, &cuts);
		free(out);
	}

	/* A big journal with a secret every 100 lines: each is cut, nothing else. */
	journal = fixture_read("secrets/journal.txt", &in_len);
	strbuf_reset(&sb);
	for (int k = 0; k < 400; k++) {
		strbuf_add(&sb, journal, in_len);
		if (k % 4 == 0)
			strbuf_adds(&sb,
			            "Mar 04 10:12:31 primary app[9]: password=hunter2 user=x\n");
	}
	out = redact(sb.buf, sb.len, &n, &cuts);
	assert_int_equal(cuts, 100);
	assert_false(holds(out, n, "hunter2"));
	assert_int_equal(n, sb.len - 100 * strlen("hunter2") + 100 * strlen(VALUE_MARK));
	free(out);
	free(journal);
	strbuf_free(&sb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_corpus_keys),
	    cmocka_unit_test(test_corpus_cloud_init),
	    cmocka_unit_test(test_corpus_config),
	    cmocka_unit_test(test_corpus_unchanged),
	    cmocka_unit_test(test_corpus_crlf),
	    cmocka_unit_test(test_key_blocks),
	    cmocka_unit_test(test_key_unterminated),
	    cmocka_unit_test(test_assignments),
	    cmocka_unit_test(test_not_secrets),
	    cmocka_unit_test(test_headers),
	    cmocka_unit_test(test_urls),
	    cmocka_unit_test(test_cloud_init),
	    cmocka_unit_test(test_named_tokens),
	    cmocka_unit_test(test_crlf),
	    cmocka_unit_test(test_lengths),
	    cmocka_unit_test(test_binary),
	    cmocka_unit_test(test_fuzz),
	    cmocka_unit_test(test_large),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
