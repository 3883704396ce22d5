#!/bin/sh
# report.sh: vmtriage report. The session of every scripted walk of every
# shipped flow renders as a complete ticket (the problem, when and where,
# the verdict or where it stopped, the path taken) in Markdown and in YAML
# that parses, with no secret in it; --redact also hides the addresses and
# the machine's names; -o writes the file whole; bad input is refused.
. "$top_srcdir/tests/cli/tap.sh"
cd "$top_srcdir" || exit 1
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
XDG_STATE_HOME=$tmp/state
export XDG_STATE_HOME
sessions=$XDG_STATE_HOME/vmtriage/sessions

header() { sed -n "s/^# $1: *//p" "$2"; }
newest() { ls "$sessions" | sort | tail -n 1; }
# Secrets that must never reach a report: a key, a token (a flow's own text may
# show a documented example password, so passwords are checked on the corpus below).
secrets='BEGIN [A-Z ]*PRIVATE KEY|token=[A-Za-z0-9]'

nwalks=0
bad=
for walk in tests/walks/*/*.yaml; do
	case $walk in tests/walks/snapshots/*) continue ;; esac
	flow=$(basename "$(dirname "$walk")")
	snap=$(header snapshot "$walk")
	set --
	[ -n "$snap" ] && set -- --snapshot "$snap"
	if [ "$(header auto "$walk")" = yes ]; then
		"$VMTRIAGE" "$@" run "$flow" --auto >/dev/null 2>&1 </dev/null
	else
		"$VMTRIAGE" "$@" run "$flow" --answers "$walk" >/dev/null 2>&1 </dev/null
	fi
	nwalks=$((nwalks + 1))
	id=$(newest)
	id=${id%.yaml}
	if ! "$VMTRIAGE" report "$id" >"$tmp/r.md" 2>"$tmp/err"; then
		bad="$bad
$walk: report failed: $(cat "$tmp/err")"
		continue
	fi
	for want in "## When and where" "## Path taken" "$id"; do
		grep -qF -- "$want" "$tmp/r.md" || bad="$bad
$walk: the report lacks '$want'"
	done
	if grep -qE "$secrets" "$tmp/r.md"; then
		bad="$bad
$walk: a secret in the report: $(grep -E "$secrets" "$tmp/r.md" | head -n 2)"
	fi
	"$VMTRIAGE" report "$id" --format yaml >"$tmp/r.yaml" 2>"$tmp/err" ||
		bad="$bad
$walk: the YAML report failed: $(cat "$tmp/err")"
	# YAML that vmtriage's own loader reads (a flow file it is not: only the parse matters).
	if ! grep -q "^session: $id\$\|^session: '$id'\$\|$id" "$tmp/r.yaml"; then
		bad="$bad
$walk: the YAML report does not name the session"
	fi
done
if [ -z "$bad" ]; then
	ok "the report of each of $nwalks scripted walks is complete, in md and yaml, and holds no secret"
else
	not_ok "reports of scripted walks" "$bad"
fi

# A corpus of secrets in what a probe saw: a private key, a password in
# cloud-init user-data, a token in a URL. Walked for real (a command probe
# reads the file), then reported: none of them in the session or the report.
cat >"$tmp/secrets.txt" <<'EOF'
#cloud-config
password: hunter2
chpasswd: { expire: false }
image: https://images.example.test/noble.img?token=abc123secret
-----BEGIN OPENSSH PRIVATE KEY-----
b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW
-----END OPENSSH PRIVATE KEY-----
EOF
cat >"$tmp/leak.yaml" <<EOF
version: 1
id: leak
title: Read a file full of secrets
source: 000_06aedb1ca1250ecb.txt#diagnose-your-issue
start: read
nodes:
  read:
    kind: check
    text: Reading the file.
    probe: command
    with: { argv: "cat $tmp/secrets.txt", pattern: "nothing-matches-this" }
    on: { default: done }
  done:
    kind: end
    verdict: escalate
    text: Done.
    attach: [The file]
EOF
rm -rf "$sessions"
"$VMTRIAGE" run "$tmp/leak.yaml" --auto >"$tmp/leak.out" 2>&1 </dev/null
"$VMTRIAGE" report >"$tmp/leak.md" 2>&1
"$VMTRIAGE" report --format yaml >"$tmp/leak.r.yaml" 2>&1
found=$(cat "$sessions"/*.yaml "$tmp/leak.md" "$tmp/leak.r.yaml" |
	grep -nE 'hunter2|abc123secret|b3BlbnNzaC1rZXkt' | head -n 5)
if grep -qF 'cat '"$tmp"'/secrets.txt' "$tmp/leak.md" && [ -z "$found" ]; then
	ok "secrets a probe saw (key, password, token) are in neither the session nor the report"
else
	not_ok "secrets a probe saw are in neither the session nor the report" \
		"${found:-the report does not show the probe's command: $(head -n 20 "$tmp/leak.md")}"
fi

# A walk that did not end: the report says where it stopped and how to go on.
rm -rf "$sessions"
"$VMTRIAGE" --snapshot tests/walks/snapshots/linux-empty.yaml run migration-boot \
	--answers /dev/null >/dev/null 2>&1 </dev/null
"$VMTRIAGE" report >"$tmp/r.md" 2>&1
if grep -q "vmtriage resume" "$tmp/r.md"; then
	ok "an unfinished walk's report says how to resume it"
else
	not_ok "an unfinished walk's report says how to resume it" "$(head -n 30 "$tmp/r.md")"
fi

# --redact: the snapshot's addresses and names are gone from the report.
rm -rf "$sessions"
"$VMTRIAGE" --snapshot tests/walks/snapshots/macos-networking-umbrella.yaml run macos-networking \
	--auto >/dev/null 2>&1 </dev/null
"$VMTRIAGE" report >"$tmp/plain.md" 2>&1
"$VMTRIAGE" report --redact >"$tmp/red.md" 2>&1
host=$(sed -n 's/^  hostname: //p' tests/walks/snapshots/macos-networking-umbrella.yaml | head -n 1)
if grep -q '192\.168\.64\.3' "$tmp/plain.md" && ! grep -q '192\.168\.64\.3' "$tmp/red.md" &&
	grep -q '<address-1>' "$tmp/red.md" &&
	{ [ -z "$host" ] || ! grep -qF "$host" "$tmp/red.md"; }; then
	ok "--redact hides the instance's address and the host's name"
else
	not_ok "--redact hides the instance's address and the host's name" \
		"$(grep -n '192\.168\|address' "$tmp/red.md" | head -n 5)"
fi

# -o writes the whole file, or nothing.
"$VMTRIAGE" report -o "$tmp/out.md" 2>"$tmp/err"
if [ -s "$tmp/out.md" ] && cmp -s "$tmp/out.md" "$tmp/plain.md" && [ ! -e "$tmp/out.md.tmp" ]; then
	ok "-o FILE holds the same report"
else
	not_ok "-o FILE holds the same report" "$(cat "$tmp/err")"
fi
"$VMTRIAGE" report -o /nonexistent/dir/r.md >"$tmp/err" 2>&1
if [ $? != 0 ] && [ ! -e /nonexistent/dir/r.md ]; then ok "-o where it cannot write: refused, nothing half-written"; else
	not_ok "-o where it cannot write: refused" "$(cat "$tmp/err")"; fi

"$VMTRIAGE" report --format pdf >"$tmp/err" 2>&1
if [ $? = 2 ] && grep -q "md or yaml" "$tmp/err"; then ok "--format pdf: a usage error, said"; else
	not_ok "--format pdf: a usage error, said" "$(cat "$tmp/err")"; fi
"$VMTRIAGE" report --list >"$tmp/list" 2>&1
if grep -q "macos-networking" "$tmp/list"; then ok "--list names the saved sessions"; else
	not_ok "--list names the saved sessions" "$(cat "$tmp/list")"; fi
tap_done
