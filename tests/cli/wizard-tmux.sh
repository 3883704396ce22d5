#!/bin/sh
# wizard-tmux.sh: `vmtriage` with no arguments, in a real terminal (tmux):
# the problem list, a pick by number, a walk to its verdict.
. "$top_srcdir/tests/cli/tap.sh"
command -v tmux >/dev/null 2>&1 || skip_all "tmux is not installed"
sock="vmtriage-test-$$"
tmp=$(mktemp -d) || exit 1
cleanup() { tmux -L "$sock" kill-server 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

# wait_for TEXT: polls the screen until TEXT shows (at most 10 s: a hang guard, not a speed test).
wait_for() {
	i=0
	while [ $i -lt 100 ]; do
		tmux -L "$sock" capture-pane -p -t w >"$tmp/screen" 2>/dev/null
		grep -qF -- "$1" "$tmp/screen" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# PATH without multipass, so the walk ends at "not installed" on any machine.
mkdir "$tmp/bin"
tmux -L "$sock" -f /dev/null new-session -d -s w -x 100 -y 40 \
	"env LANG=C.UTF-8 TERM=tmux-256color PATH=$tmp/bin:/usr/bin:/bin VMTRIAGE_FLOW_PATH=$top_srcdir/flows $VMTRIAGE; echo EXIT=\$?; sleep 30"
if wait_for "What is wrong?"; then ok "the wizard shows the problem list"; else not_ok "problem list" "$(cat "$tmp/screen")"; fi
if grep -q "\[launch\] multipass launch fails" "$tmp/screen"; then ok "flows are listed with their group"; else not_ok "group in list" "$(cat "$tmp/screen")"; fi
tmux -L "$sock" send-keys -t w "9" Enter
if wait_for "Please type a number"; then ok "a number out of range is refused"; else not_ok "out of range" "$(cat "$tmp/screen")"; fi
tmux -L "$sock" send-keys -t w "1" Enter
if wait_for "EXIT=1" && grep -q "The multipass command was not found" "$tmp/screen"; then
	ok "picking a flow walks it to its verdict"
else
	not_ok "walk to verdict" "$(cat "$tmp/screen")"
fi
tap_done
