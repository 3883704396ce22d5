# po-check.awk: each translation of a PO file against its English. Prints
# one line per problem: a translation whose {{placeholders}} differ from the
# msgid's, and, for flow texts (entries with a msgctxt), an indented line of
# the msgid (a command, a path, program output) that is not, unchanged, a
# line of the translation. Fuzzy and untranslated entries are msgfmt's to
# count, not checked here. One awk reads the whole catalogue.

# A PO string literal's text: quotes off, escapes undone.
function unq(s) {
	s = substr(s, 2, length(s) - 2)
	gsub(/\\\\/, "\001", s)
	gsub(/\\n/, "\n", s)
	gsub(/\\t/, "\t", s)
	gsub(/\\"/, "\"", s)
	gsub(/\001/, "\\", s)
	return s
}

# The distinct {{...}} of s, sorted, as one string.
function marks(s,    n, a, i, j, t, out, seen) {
	n = 0
	while (match(s, /\{\{[^}]*\}\}/)) {
		t = substr(s, RSTART, RLENGTH)
		if (!(t in seen)) { seen[t] = 1; a[++n] = t }
		s = substr(s, RSTART + RLENGTH)
	}
	for (i = 1; i <= n; i++)
		for (j = i + 1; j <= n; j++)
			if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
	out = ""
	for (i = 1; i <= n; i++)
		out = out a[i] " "
	return out
}

function check(    i, j, k, n, m, lines, sl, found, where) {
	if (id == "" || fuzzy)
		return
	where = ctx != "" ? ctx : substr(id, 1, 60)
	for (i = 1; i <= nstr; i++) {
		if (str[i] == "")
			continue
		if (marks(id) != marks(str[i]))
			print where ": placeholders differ"
		if (ctx == "")
			continue
		n = split(id, lines, "\n")
		m = split(str[i], sl, "\n")
		for (k = 1; k <= n; k++) {
			if (lines[k] !~ /^  +[^ ]/)
				continue
			found = 0
			for (j = 1; j <= m && !found; j++)
				if (sl[j] == lines[k])
					found = 1
			if (!found)
				print where ": the line \"" lines[k] "\" is not in the translation"
		}
	}
}

function reset() {
	check()
	ctx = ""; id = ""; nstr = 0; cur = ""; fuzzy = 0
	split("", str)
}

BEGIN { reset() }
/^#,.*fuzzy/ { fuzzy = 1; next }
/^#/ || /^$/ { if (cur != "") reset(); next }
/^msgctxt / { ctx = unq(substr($0, 9)); cur = "ctx"; next }
/^msgid_plural / { cur = "plural"; next }
/^msgid / { id = unq(substr($0, 7)); cur = "id"; next }
/^msgstr(\[[0-9]+\])? / {
	sub(/^msgstr(\[[0-9]+\])? /, "")
	str[++nstr] = unq($0)
	cur = "str"
	next
}
/^"/ {
	if (cur == "ctx") ctx = ctx unq($0)
	else if (cur == "id") id = id unq($0)
	else if (cur == "str") str[nstr] = str[nstr] unq($0)
	next
}
END { reset() }
