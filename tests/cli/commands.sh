#!/bin/sh
# commands.sh: every subcommand of the plain front end, run as a user would,
# with its output and exit status checked.
. "$top_srcdir/tests/cli/tap.sh"
cd "$top_srcdir" || exit 1
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
out=$tmp/out

# expect NAME STATUS PATTERN -- CMD...: exit STATUS and output (stdout+stderr) matching PATTERN (grep -E).
expect() {
	name=$1 want=$2 pat=$3
	shift 4
	"$@" >"$out" 2>&1 </dev/null
	got=$?
	if [ "$got" != "$want" ]; then
		not_ok "$name: exit $got, wanted $want" "$(head -n 20 "$out")"
	elif ! grep -Eq -- "$pat" "$out"; then
		not_ok "$name: output lacks /$pat/" "$(head -n 20 "$out")"
	else
		ok "$name"
	fi
}

expect "--version" 0 '^vmtriage [0-9]+\.[0-9]+' -- "$VMTRIAGE" --version
expect "--help lists commands" 0 'run FLOW' -- "$VMTRIAGE" --help
expect "unknown command" 2 "unknown command 'frobnicate'" -- "$VMTRIAGE" frobnicate
expect "unknown option" 2 "unknown option '--frob'" -- "$VMTRIAGE" --frob
expect "no terminal: points to run" 2 'vmtriage run FLOW' -- "$VMTRIAGE"
expect "list groups flows" 0 '^launch:' -- "$VMTRIAGE" list
expect "list shows the flow" 0 'stale-network-cache +multipass launch fails' -- "$VMTRIAGE" list
expect "check all shipped flows" 0 'flow file\(s\) checked, 0 error' -- "$VMTRIAGE" check
expect "check one file" 0 '1 flow file\(s\) checked, 0 error' -- "$VMTRIAGE" check flows/stale-network-cache.yaml
expect "check a missing file" 65 'nope\.yaml' -- "$VMTRIAGE" check "$tmp/nope.yaml"
expect "why finds the hash error" 0 "stale-network-cache: step 'multipass-installed'" -- \
	"$VMTRIAGE" why "launch failed: Downloaded image hash does not match"
expect "why folds case and spaces" 0 "stale-network-cache" -- \
	"$VMTRIAGE" why "DOWNLOADED   image hash DOES not match"
expect "why with an unknown message" 1 'No flow knows this message' -- "$VMTRIAGE" why "the moon is made of cheese"
expect "why without text" 2 'usage' -- "$VMTRIAGE" why

expect "probe --list" 0 '^command: ' -- "$VMTRIAGE" probe --list
expect "probe --list shows outcomes" 0 'no_match' -- "$VMTRIAGE" probe --list
expect "probe file found" 0 '^outcome: found' -- "$VMTRIAGE" probe file path=/etc/passwd 'pattern=^root:'
expect "probe file missing" 0 '^outcome: missing' -- "$VMTRIAGE" probe file path="$tmp/none"
expect "probe command ok" 0 '^outcome: ok' -- "$VMTRIAGE" probe command 'argv=sh -c "echo hi"'
expect "probe command fail" 0 '^outcome: fail' -- "$VMTRIAGE" probe command argv=false
expect "probe command timeout" 0 '^outcome: timeout' -- "$VMTRIAGE" probe command 'argv=sleep 5' seconds=1
expect "probe yaml" 0 '^outcome: found$' -- "$VMTRIAGE" probe file path=/etc/passwd --format yaml
expect "probe yaml has evidence" 0 '^evidence:' -- "$VMTRIAGE" probe --format=yaml file path=/etc/hostname
expect "probe unknown" 2 "no probe is called 'nope'" -- "$VMTRIAGE" probe nope
expect "probe unknown param" 2 "pathh" -- "$VMTRIAGE" probe file pathh=/etc/passwd
expect "probe missing param" 2 "path" -- "$VMTRIAGE" probe file
expect "probe relative path refused" 2 "path" -- "$VMTRIAGE" probe file path=../etc/passwd
expect "probe not KEY=VALUE" 2 "not KEY=VALUE" -- "$VMTRIAGE" probe file /etc/passwd
expect "probe bad format" 2 "text or yaml" -- "$VMTRIAGE" probe file path=/etc/passwd --format json

expect "fix --list" 0 '^purge_network_cache: ' -- "$VMTRIAGE" fix --list
expect "fix plan linux" 0 'snap stop multipass' -- "$VMTRIAGE" fix purge_network_cache os=linux
expect "fix plan darwin" 0 'launchctl unload /Library/LaunchDaemons/com.canonical.multipassd.plist' -- \
	"$VMTRIAGE" fix purge_network_cache os=darwin
expect "fix bad enum" 2 'os' -- "$VMTRIAGE" fix purge_network_cache os=beos
expect "fix unknown" 2 "no fix is called" -- "$VMTRIAGE" fix nope

expect "graph is DOT" 0 '^digraph "stale-network-cache"' -- "$VMTRIAGE" graph stale-network-cache
expect "graph has guarded edges" 0 'os=darwin' -- "$VMTRIAGE" graph stale-network-cache
if command -v dot >/dev/null 2>&1; then
	if "$VMTRIAGE" graph stale-network-cache | dot -Tsvg >"$tmp/g.svg" 2>"$out" && grep -q '<svg' "$tmp/g.svg"; then
		ok "graph renders with dot"
	else
		not_ok "graph renders with dot" "$(cat "$out")"
	fi
else
	ok "graph renders with dot # SKIP dot not installed"
fi
tap_done
