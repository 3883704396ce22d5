/*
 * fix-windows.c: the Windows fixes of the networking documents, for the two
 * parts of Hyper-V's networking that go wrong under Multipass:
 *
 * - hyperv_default_switch_reset: remove the Default Switch's network and
 *   restart, from "Default switch going awry" (001, "Troubleshoot
 *   networking on Windows" > "Known issues"). The commands come from the
 *   in-box HostNetworkingService module of Windows 10 and 11, so the plan
 *   first checks that they exist (Windows Server 2016 lacks them).
 * - hosts_ics_dedupe: keep the first of an instance's entries in Internet
 *   Connection Sharing's hosts.ics and remove the later ones (and, when
 *   asked, the damaged lines), from "Stale internet connection sharing
 *   lease" (000, "[Windows, with Hyper-V] Stale internet connection sharing
 *   lease"; 001, "Stale Internet connection sharing lease").
 *
 * hosts.ics is edited byte for byte: the lines to remove are found with the
 * hosts_ics probe's own parser (leaseparse.h), then cut out of the file as
 * it is on disk, so its encoding (UTF-8 or UTF-16, with or without a byte
 * order mark), its CR LF line ends and every other line stay exactly as
 * they were. The file is read through the host when the plan is made, so a
 * snapshot from a Windows machine plans the same edit as the machine.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fix/fix.h"
#include "host/host.h"
#include "probe/leaseparse.h"

#define POWERSHELL "powershell.exe"
#define ICS_FILE "C:\\WINDOWS\\System32\\drivers\\etc\\hosts.ics"
#define ICS_NAME "hosts.ics"
/* As the hosts_ics probe: ICS names its guests NAME.mshome.net. */
#define ICS_DOMAIN "mshome.net"
#define ICS_MAX_BYTES (4 * 1024 * 1024)
#define DIFF_LINE_BYTES 200

/* Both fixes change Windows's networking: they plan nothing for another system. */
static int
need_windows(struct host *host, const char *fix, char **cause)
{
	const char *os = host_os(host);

	if (str_eq(os, "windows"))
		return 0;
	*cause = xasprintf(_("%s is a fix for Windows, and this host is %s"), fix, os);
	return -1;
}

/* A step as a person pastes it into PowerShell: one -Command argument, no shell. */
static void
add_powershell(struct fix_plan *plan, bool privileged, const char *why, const char *script)
{
	const char *const argv[] = {POWERSHELL, "-NoProfile", "-NonInteractive",
	                            "-Command", script,       NULL};

	fix_plan_add_step(plan, privileged, false, why, argv);
}

/* ---- hyperv_default_switch_reset ------------------------------------------ */

static const struct param_def no_params[] = {
    {.name = NULL},
};

/*
 * Get-HnsNetwork and Remove-HnsNetwork come with Windows 10 and 11 (the
 * HostNetworkingService module); Windows Server 2016 does not have them.
 * throw ends PowerShell -Command with exit status 1, so the plan stops here
 * with nothing changed, and the message is what the log shows.
 */
static const char *const script_check =
    "if (-not (Get-Command -Name Get-HnsNetwork -ErrorAction SilentlyContinue)) "
    "{ throw 'Get-HnsNetwork is missing: it comes with the HostNetworkingService module of "
    "Windows 10 and 11, which this system lacks (as Windows Server 2016 does). "
    "Nothing was changed.' }";
/* As "Default switch going awry" gives it, word for word. */
static const char *const script_remove =
    "Get-HNSNetwork | ? Name -Like \"Default Switch\" | Remove-HNSNetwork";
static const char *const script_restart = "Restart-Computer";

static int
plan_default_switch_reset(const struct params *p, struct host *host, struct fix_plan *plan,
                          char **cause)
{
	if (need_windows(host, "hyperv_default_switch_reset", cause) != 0)
		return -1;
	add_powershell(plan, false,
	               N_("Check that Get-HnsNetwork exists (Windows 10 and 11 have it); "
	                  "without it, stop here with nothing changed."),
	               script_check);
	add_powershell(plan, true,
	               N_("Remove the Default Switch's network, and with it the network "
	                  "sharing that went awry."),
	               script_remove);
	/* The document's last command; last here too, since nothing runs after it. */
	add_powershell(plan, true,
	               N_("Restart the computer: Hyper-V recreates the Default Switch as "
	                  "Windows starts."),
	               script_restart);
	plan->undo_note = xstrdup(N_("There is no undo: Hyper-V recreates the Default Switch, "
	                             "with its network sharing, when Windows starts."));
	plan->notes = xstrdup(
	    N_("It needs an elevated PowerShell: run vmtriage as Administrator. A reboot "
	       "follows: the last step restarts the computer (Restart-Computer), so save your "
	       "work first; instances stop with it, and those on the Default Switch lose their "
	       "network when step 2 runs. If Windows refuses to restart (another user is signed "
	       "in), restart it yourself: the fix is complete only after the reboot. Nothing "
	       "checks the result, because the switch is back only after the reboot: launch or "
	       "start the instance again then. If step 1 finds no Get-HnsNetwork (Windows "
	       "Server 2016 lacks the HostNetworkingService module), nothing was changed: "
	       "restart the computer alone; a third-party HNS module from the PowerShell "
	       "Gallery is no substitute."));
	return 0;
}

const struct fix_entry fix_hyperv_default_switch_reset = {
    .name = "hyperv_default_switch_reset",
    .summary = N_("Remove the Hyper-V Default Switch's network and restart Windows, which "
                  "recreates it"),
    .platforms = "windows",
    .params = no_params,
    .plan = plan_default_switch_reset,
};

/* ---- hosts_ics_dedupe ---------------------------------------------------- */

/*
 * The directory as the documents and ICS write it. The parameter check
 * compares Windows paths as Windows does (case and '/' or '\\' alike).
 */
static const char *const ics_dirs[] = {
    "C:\\WINDOWS\\System32\\drivers\\etc",
    NULL,
};

static const struct param_def ics_params[] = {
    {.name = "name",
     .type = PARAM_NAME,
     .required = true,
     .help = N_("the instance whose later entries go (NAME and NAME.mshome.net match)")},
    {.name = "file",
     .type = PARAM_PATH,
     .def = ICS_FILE,
     .under = ics_dirs,
     .help = N_("the hosts.ics file (default: C:\\WINDOWS\\System32\\drivers\\etc\\hosts.ics)")},
    {.name = "corrupt",
     .type = PARAM_BOOL,
     .def = "false",
     .help = N_("also remove the damaged lines (jumbled or incomplete text)")},
    {.name = NULL},
};

/* What cutting lines out of one hosts.ics gives. */
struct ics_edit {
	char *content; /* the new file, in the old one's encoding */
	size_t len;
	struct strlist removed; /* the removed lines as text, for the diff */
	size_t entries;         /* the instance's entries before */
	size_t first_line;      /* the kept entry's line; 0: none */
	size_t duplicates;      /* later entries removed */
	size_t damaged;         /* damaged lines in the file */
	size_t damaged_removed;
	const char *encoding;
};

static void
ics_edit_free(struct ics_edit *e)
{
	free(e->content);
	strlist_free(&e->removed);
	memset(e, 0, sizeof *e);
}

/*
 * Where the text starts (after a byte order mark, which stays) and how its
 * line feed is written, for the encoding ics_parse found.
 */
static size_t
ics_layout(const unsigned char *b, size_t len, const char *encoding, const char **nl, size_t *unit)
{
	if (str_eq(encoding, "UTF-16LE")) {
		*nl = "\n\0";
		*unit = 2;
		return len >= 2 && b[0] == 0xff && b[1] == 0xfe ? 2 : 0;
	}
	if (str_eq(encoding, "UTF-16BE")) {
		*nl = "\0\n";
		*unit = 2;
		return 2; /* ics_parse only reads UTF-16BE after its mark */
	}
	*nl = "\n";
	*unit = 1;
	return len >= 3 && b[0] == 0xef && b[1] == 0xbb && b[2] == 0xbf ? 3 : 0;
}

/*
 * The end of the line starting at pos, its line feed included: lines split
 * where ics_parse splits them, at U+000A in the file's own encoding (a
 * UTF-16 unit is two bytes from the start of the text).
 */
static size_t
line_end(const char *buf, size_t len, size_t pos, const char *nl, size_t unit)
{
	for (; pos + unit <= len; pos += unit) {
		if (memcmp(buf + pos, nl, unit) == 0)
			return pos + unit;
	}
	return len; /* the last line without a line feed, and a stray odd byte */
}

/*
 * hosts_ics_dedupe's edit, as a pure function of the file's bytes: without
 * the instance's entries after the first (the document: "remove any of them
 * except for the first one listed") and, with corrupt, without the lines
 * ics_parse finds damaged. Every other byte stays. Returns 0, or -1 with
 * *cause when the lines found here and the parser's do not agree (a bug).
 */
static int
ics_dedupe(const char *buf, size_t len, const char *name, bool corrupt, struct ics_edit *out,
           char **cause)
{
	struct ics_file f;
	struct strbuf sb = STRBUF_INIT;
	const char *nl = NULL;
	size_t unit = 1, start, pos, lineno = 0;
	bool *drop = NULL;
	int rc = -1;

	memset(out, 0, sizeof *out);
	ics_parse(buf, len, &f);
	out->encoding = f.encoding;
	out->damaged = f.ncorrupt;
	drop = xcalloc(f.nlines + 1, sizeof *drop);
	for (size_t i = 0; i < f.n; i++) {
		const struct ics_line *l = &f.v[i];
		bool gone = false;

		if (l->line > f.nlines)
			fatalx("hosts.ics line %zu of %zu", l->line, f.nlines);
		if (l->corrupt) {
			gone = corrupt;
			out->damaged_removed += gone;
		} else if (lease_name_matches(l->name, name, ICS_DOMAIN)) {
			if (out->entries++ == 0)
				out->first_line = l->line;
			else {
				gone = true;
				out->duplicates++;
			}
		}
		if (gone) {
			char *text = probe_clean_line(l->text, l->text_len, DIFF_LINE_BYTES);

			drop[l->line] = true;
			strlist_take(&out->removed, text);
		}
	}
	start = ics_layout((const unsigned char *)buf, len, f.encoding, &nl, &unit);
	if (start > len)
		start = len;
	strbuf_add(&sb, buf, start);
	for (pos = start; pos < len;) {
		size_t end = line_end(buf, len, pos, nl, unit);

		if (++lineno > f.nlines)
			break;
		if (!drop[lineno])
			strbuf_add(&sb, buf + pos, end - pos);
		pos = end;
	}
	if (lineno != f.nlines || pos != len) {
		*cause = xasprintf(_("the %zu lines found in the file are not the %zu lines its "
		                     "parser read; nothing is planned"),
		                   lineno, f.nlines);
		strbuf_free(&sb);
		goto out;
	}
	out->len = sb.len;
	out->content = strbuf_detach(&sb);
	rc = 0;
out:
	free(drop);
	ics_file_free(&f);
	if (rc != 0)
		ics_edit_free(out);
	return rc;
}

/*
 * Only hosts.ics itself, right in the etc directory: that directory also
 * holds hosts, networks and services, which this fix has no business
 * editing, and Windows compares names without case, as this does. (Any
 * other name is refused: a subdirectory, or "hosts.ics:x", an NTFS stream.)
 */
static int
check_ics_path(const char *file, char **cause)
{
	size_t len = strlen(file);

	for (const char *const *d = ics_dirs; *d != NULL; d++) {
		size_t n = strlen(*d);

		if (len == n + 1 + strlen(ICS_NAME) && strncasecmp(file, *d, n) == 0 &&
		    file[n] == '\\' && strcasecmp(file + n + 1, ICS_NAME) == 0)
			return 0;
	}
	*cause = xasprintf(_("'%s' is not %s: this fix edits only Internet Connection "
	                     "Sharing's hosts.ics"),
	                   file, ICS_FILE);
	return -1;
}

/* The file as it is now; -1 with *cause when it cannot be read whole. */
static int
read_ics(struct host *host, const char *file, struct host_result *hr, char **cause)
{
	host_read_file(host, file, ICS_MAX_BYTES, hr);
	switch (hr->status) {
	case HOST_OK:
		return 0;
	case HOST_NO_SUCH:
		*cause = xasprintf(_("%s does not exist: there is nothing to remove"), file);
		break;
	case HOST_DENIED:
		*cause = xasprintf(_("%s may not be read: run vmtriage as Administrator"), file);
		break;
	case HOST_TOO_BIG:
		*cause = xasprintf(_("%s is larger than %d MiB: not a hosts.ics this fix edits"),
		                   file, ICS_MAX_BYTES / (1024 * 1024));
		break;
	default:
		*cause =
		    xasprintf(_("%s cannot be read: %s"), file,
		              hr->message != NULL ? hr->message : host_status_name(hr->status));
		break;
	}
	host_result_free(hr);
	return -1;
}

/* Nothing the verification would then call fixed: refuse, saying what is there. */
static int
check_worth_it(const struct ics_edit *e, const char *file, const char *name, bool corrupt,
               char **cause)
{
	if (e->damaged > 0 && !corrupt) {
		*cause = xasprintf(
		    _("%s has %zu damaged lines, which the check after the fix would still "
		      "find: give corrupt=true to remove them as well (it has %zu duplicate "
		      "entries for %s)"),
		    file, e->damaged, e->duplicates, name);
		return -1;
	}
	if (e->duplicates > 0 || e->damaged_removed > 0)
		return 0;
	if (e->entries == 1)
		*cause = xasprintf(_("nothing to remove: %s has one entry for %s (line %zu) and "
		                     "no damaged lines"),
		                   file, name, e->first_line);
	else
		*cause =
		    xasprintf(_("nothing to remove: %s has no entry for %s and no damaged lines"),
		              file, name);
	return -1;
}

/*
 * The diff fix_plan_add_edit made compares the raw bytes: for UTF-16 that
 * is unreadable, and CR shows as '?'. The change is exactly the removed
 * lines, so they are what the plan shows, as text.
 */
static void
set_diff(struct fix_step *s, const struct strlist *removed, char sign)
{
	strlist_free(&s->diff);
	for (size_t i = 0; i < removed->n; i++)
		strlist_addf(&s->diff, "%c %s", sign, removed->v[i]);
}

static int
plan_hosts_ics_dedupe(const struct params *p, struct host *host, struct fix_plan *plan,
                      char **cause)
{
	const char *name = params_get(p, "name"), *file = params_get(p, "file");
	bool corrupt = params_get_bool(p, "corrupt", false);
	struct host_result hr;
	struct ics_edit e;
	const char *why = NULL;
	int rc = -1;

	if (need_windows(host, "hosts_ics_dedupe", cause) != 0 ||
	    check_ics_path(file, cause) != 0 || read_ics(host, file, &hr, cause) != 0)
		return -1;
	if (ics_dedupe(hr.out, hr.out_len, name, corrupt, &e, cause) != 0)
		goto out_read;
	if (check_worth_it(&e, file, name, corrupt, cause) != 0)
		goto out;
	if (e.duplicates > 0 && e.damaged_removed > 0)
		why = N_("Remove the instance's later entries (the first one stays) and the "
		         "damaged lines; every other byte stays, encoding and line ends included.");
	else if (e.duplicates > 0)
		why = N_("Remove the instance's later entries (the first one stays); every other "
		         "byte stays, encoding and line ends included.");
	else
		why = N_("Remove the damaged lines; every other byte stays, encoding and line "
		         "ends included.");
	fix_plan_add_edit(plan, true, why, file, hr.out, hr.out_len, e.content, e.len);
	set_diff(&plan->steps[plan->nsteps - 1], &e.removed, '-');
	set_diff(&plan->undo[plan->nundo - 1], &e.removed, '+');
	/* No entry left (only its damaged lines were there): ICS writes one at the next start. */
	fix_plan_set_verify(plan, "hosts_ics", e.entries > 0 ? "ok" : "missing", "name", name,
	                    "file", file, NULL);
	plan->notes = xstrdup(
	    N_("Editing hosts.ics needs Administrator rights: run vmtriage from an elevated "
	       "PowerShell. Should Internet Connection Sharing rewrite the file before the edit "
	       "runs, the edit is refused and nothing changes. Launch or start the instance again "
	       "afterwards. If that still fails, the document's second remedy is to stop every "
	       "instance (multipass stop --all), delete the file and reboot; this fix does not do "
	       "that."));
	rc = 0;
out:
	ics_edit_free(&e);
out_read:
	host_result_free(&hr);
	return rc;
}

const struct fix_entry fix_hosts_ics_dedupe = {
    .name = "hosts_ics_dedupe",
    .summary = N_("Keep the first of an instance's entries in hosts.ics and remove the later "
                  "ones (and, when asked, the damaged lines)"),
    .platforms = "windows",
    .params = ics_params,
    .plan = plan_hosts_ics_dedupe,
};
