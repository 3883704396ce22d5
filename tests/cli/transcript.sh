#!/bin/sh
# transcript.sh: vmtriage run FLOW --transcript, the help desk's guided mode.
# Every step is worded for reading out; a check is not run on this machine:
# the agent gets the commands for the caller's system and types what the
# caller saw (a number, or the outcome's name); fixes are the caller's to
# run; the walk reaches the flow's verdict and is recorded like any other.
. "$top_srcdir/tests/cli/tap.sh"
cd "$top_srcdir" || exit 1
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
XDG_STATE_HOME=$tmp/state
export XDG_STATE_HOME

# macOS caller, stale cache: multipass runs (1: ok), the refresh did not help
# (2), purging worked (1), and the launch works now (1).
printf '2\n1\n2\n1\n1\n' | "$VMTRIAGE" run stale-network-cache --transcript >"$tmp/out" 2>&1
st=$?
check_out() {
	if grep -qF -- "$2" "$tmp/out"; then ok "$1"; else not_ok "$1" "$(tail -n 30 "$tmp/out")"; fi
}
check_out "asks for the caller's system first" "Which system does the caller use?"
check_out "a check gives the caller's command (macOS)" "    multipass version"
check_out "a check lists the outcomes to pick from" "What did it show?"
check_out "a fix is the caller's to run" "Ask the caller to run"
check_out "the verdict is said to the caller" "Tell the caller:"
if ! grep -q "looking: probe" "$tmp/out"; then ok "no probe ran on this machine"; else
	not_ok "no probe ran on this machine" "$(grep 'looking: probe' "$tmp/out")"; fi
if [ "$st" = 0 ] && grep -qF "[end: stale-network-cache:solved-purge]" "$tmp/out"; then
	ok "the walk ends at the verdict the caller's answers lead to (exit 0)"
else
	not_ok "the walk ends at the verdict the caller's answers lead to (exit $st)" \
		"$(tail -n 20 "$tmp/out")"
fi
if ls "$XDG_STATE_HOME"/vmtriage/sessions/*-stale-network-cache.yaml >/dev/null 2>&1; then
	ok "the transcript is recorded as a session"
else
	not_ok "the transcript is recorded as a session"
fi

# --set os=windows: PowerShell, not lsof; an outcome may be typed by name.
printf 'daemon_down\n' | "$VMTRIAGE" run windows-ics-lease --transcript --set os=windows \
	>"$tmp/out" 2>&1
check_out "--set os=windows: no question about the system" "hosts.ics"
if ! grep -q "Which system does the caller use" "$tmp/out" && ! grep -q "lsof" "$tmp/out"; then
	ok "--set os=windows: Windows commands only"
else
	not_ok "--set os=windows: Windows commands only" "$(head -n 20 "$tmp/out")"
fi

# A macOS flow: the commands of the networking document.
printf '1\n2\n' | "$VMTRIAGE" run macos-no-ip --transcript >"$tmp/out" 2>&1
check_out "macOS: the firewall's own command" "socketfilterfw"

# Input that ends: stopped, said, exit 3.
printf '' | "$VMTRIAGE" run migration-boot --transcript --set os=linux >"$tmp/out" 2>&1
st=$?
if [ "$st" = 3 ] && grep -q "Stopped: input ended" "$tmp/out"; then
	ok "input that ends stops the walk (exit 3)"
else
	not_ok "input that ends stops the walk (exit $st)" "$(tail -n 5 "$tmp/out")"
fi
"$VMTRIAGE" run migration-boot --transcript --auto >"$tmp/out" 2>&1
if [ $? = 2 ]; then ok "--transcript with --auto: a usage error"; else not_ok "--transcript with --auto: a usage error"; fi

# --set KEY=VALUE gives a fact the probes would otherwise find: it shows in the texts.
printf '1\n' | "$VMTRIAGE" run windows-ics-lease --transcript --set os=windows \
	--set instance=web01 >"$tmp/out" 2>&1
check_out "--set instance=web01 reaches the step's text" "web01"
"$VMTRIAGE" run windows-ics-lease --set novalue >"$tmp/out" 2>&1
if [ $? = 2 ] && grep -q "takes KEY=VALUE" "$tmp/out"; then ok "--set without = : a usage error, said"; else
	not_ok "--set without = : a usage error, said" "$(cat "$tmp/out")"; fi
tap_done
