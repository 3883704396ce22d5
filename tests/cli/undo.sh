#!/bin/sh
# undo.sh: `vmtriage undo` on a journal, as a person uses it: an empty
# journal, the list, a dry run that changes nothing, an undo that puts a file
# back byte for byte and is remembered (a second undo is refused), an entry
# that cannot be undone (its note is told), a damaged entry (listed with its
# FILE:LINE:COL, not a crash), and `apply-edit` refusing a file that changed.
. "$top_srcdir/tests/cli/tap.sh"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
out=$tmp/out
VMTRIAGE_JOURNAL=$tmp/journal
export VMTRIAGE_JOURNAL

expect() {
	name=$1 want=$2 pat=$3
	shift 4
	"$@" >"$out" 2>&1 </dev/null
	got=$?
	if [ "$got" != "$want" ]; then
		not_ok "$name: exit $got, wanted $want" "$(head -n 30 "$out")"
	elif ! grep -Eq -- "$pat" "$out"; then
		not_ok "$name: output lacks /$pat/" "$(head -n 30 "$out")"
	else
		ok "$name"
	fi
}

expect "an empty journal" 0 'is empty: no fix has run' -- "$VMTRIAGE" undo

# An entry as fix_run writes it: an edit of hosts.ics whose undo puts it back.
e=$tmp/journal/20261122-101500-hosts_ics_dedupe
mkdir -p "$e"
printf 'a host\r\nprimary 1\r\nprimary 2\r\n' >"$e/edit-1000.after"   # the undo's result: the old file
printf 'a host\r\nprimary 1\r\n' >"$e/edit-1000.before"                # what the fix left
cp "$e/edit-1000.before" "$tmp/hosts.ics"
cat >"$e/entry.yaml" <<EOF
vmtriage-journal: '1'
id: 20261122-101500-hosts_ics_dedupe
fix: hosts_ics_dedupe
started: '2026-11-22T10:15:00+0000'
status: applied
params:
  name: primary
steps: []
undo:
- edit: $tmp/hosts.ics
  expect: $e/edit-1000.before
  content: $e/edit-1000.after
  privileged: 'false'
  why: Put the file back as it was.
log:
- edited
EOF
e2=$tmp/journal/20261122-101600-bootpd_start
mkdir -p "$e2"
cat >"$e2/entry.yaml" <<'EOF'
vmtriage-journal: '1'
id: 20261122-101600-bootpd_start
fix: bootpd_start
status: applied
steps: []
undo: []
undo_note: Nothing to undo; bootpd stops by itself when idle.
EOF
e3=$tmp/journal/20261122-101700-broken
mkdir -p "$e3"
printf 'vmtriage-journal: 1\nundo: [unclosed\n' >"$e3/entry.yaml"

expect "the list shows each entry, oldest first" 0 '20261122-101500-hosts_ics_dedupe +applied' -- \
	"$VMTRIAGE" undo --list
grep -q 'cannot be undone' "$out" && ok "the list says which cannot be undone" ||
	not_ok "the list says which cannot be undone" "$(cat "$out")"
grep -q '20261122-101700-broken.*entry.yaml:3:1: syntax error' "$out" && ok "a damaged entry is listed with its position" ||
	not_ok "a damaged entry is listed with its position" "$(cat "$out")"

expect "--dry-run shows the undo and changes nothing" 0 'Dry run: nothing was run' -- \
	"$VMTRIAGE" undo 20261122-1015 --dry-run
cmp -s "$tmp/hosts.ics" "$e/edit-1000.before" && ok "the dry run left the file alone" ||
	not_ok "the dry run left the file alone"

expect "undo puts the file back" 0 'Undone' -- "$VMTRIAGE" undo 20261122-1015
cmp -s "$tmp/hosts.ics" "$e/edit-1000.after" && ok "byte for byte, CRLF and all" ||
	not_ok "byte for byte, CRLF and all" "$(od -c "$tmp/hosts.ics" | head)"
grep -q '^undone: ' "$e/entry.yaml" && ok "the entry remembers it was undone" ||
	not_ok "the entry remembers it was undone" "$(cat "$e/entry.yaml")"
expect "a second undo is refused" 2 'was undone already' -- "$VMTRIAGE" undo 20261122-1015
expect "an entry without undo steps says why" 1 'bootpd stops by itself' -- \
	"$VMTRIAGE" undo 20261122-1016
expect "an ambiguous id is refused" 2 'names more than one entry' -- "$VMTRIAGE" undo 2026
expect "an unknown id is refused" 2 "no journal entry '1999'" -- "$VMTRIAGE" undo 1999
expect "a bad option" 2 'usage: vmtriage undo' -- "$VMTRIAGE" undo --frob

# apply-edit: the privileged half of an edit refuses a file that changed since the plan.
printf 'changed\n' >"$tmp/target"
printf 'planned\n' >"$tmp/expect"
printf 'new\n' >"$tmp/new"
expect "apply-edit refuses a changed file" 1 'changed since the plan was made' -- \
	"$VMTRIAGE" apply-edit "$tmp/target" "$tmp/expect" "$tmp/new"
grep -qx 'changed' "$tmp/target" && ok "and leaves it as it was" || not_ok "and leaves it as it was"
printf 'changed\n' >"$tmp/expect"
if "$VMTRIAGE" apply-edit "$tmp/target" "$tmp/expect" "$tmp/new" >"$out" 2>&1 &&
	grep -qx 'new' "$tmp/target"; then
	ok "apply-edit replaces a file that is as planned"
else
	not_ok "apply-edit replaces a file that is as planned" "$(cat "$out" "$tmp/target")"
fi

# A privileged edit as a user who is not root: the step goes through
# `sudo -n -- vmtriage apply-edit PATH BEFORE AFTER`. A stand-in sudo first on
# PATH (it drops -n and --, and runs the rest as the same user) shows the hop
# end to end. Needs root to become nobody.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1; then
	p=$tmp/priv
	pe=$p/journal/20261122-102000.000-dhcpd_lease_clear
	mkdir -p "$p/bin" "$pe"
	printf '#!/bin/sh\necho "sudo $*" >>"%s/sudo.log"\n[ "$1" = -n ] && shift\n[ "$1" = -- ] && shift\nexec "$@"\n' \
		"$p" >"$p/bin/sudo"
	chmod 755 "$p/bin/sudo"
	printf '{\n\tname=web\n}\n' >"$p/leases"
	printf '{\n\tname=web\n}\n' >"$pe/edit-1000.before"
	printf '{\n\tname=primary\n}\n{\n\tname=web\n}\n' >"$pe/edit-1000.after"
	printf "vmtriage-journal: '1'\nid: 20261122-102000.000-dhcpd_lease_clear\nfix: dhcpd_lease_clear\nstatus: applied\nundo:\n- edit: %s\n  expect: %s\n  content: %s\n  privileged: 'true'\n" \
		"$p/leases" "$pe/edit-1000.before" "$pe/edit-1000.after" >"$pe/entry.yaml"
	cp "$VMTRIAGE" "$p/bin/vmtriage"
	chmod 755 "$tmp" "$p"
	chown -R 65534:65534 "$p"
	if setpriv --reuid=65534 --regid=65534 --clear-groups env PATH="$p/bin:$PATH" \
		VMTRIAGE_JOURNAL="$p/journal" "$p/bin/vmtriage" undo last >"$out" 2>&1 &&
		grep -q ' apply-edit ' "$p/sudo.log" &&
		printf '{\n\tname=primary\n}\n{\n\tname=web\n}\n' | cmp -s - "$p/leases"; then
		ok "a privileged edit goes through sudo -n vmtriage apply-edit"
	else
		not_ok "a privileged edit goes through sudo -n vmtriage apply-edit" \
			"$(cat "$out" "$p/sudo.log" 2>&1)"
	fi
else
	ok "# SKIP not root: cannot become another user"
fi

# Nothing in src/ runs a shell for us.
if grep -rnE '\b(system|popen)\(' "$top_srcdir/src" >"$out"; then
	not_ok "no system() or popen() in src/" "$(cat "$out")"
else
	ok "no system() or popen() in src/"
fi

tap_done
