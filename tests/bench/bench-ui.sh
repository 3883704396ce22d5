#!/bin/sh
# bench-ui.sh: how fast the curses wizard answers, measured by the program
# itself (VMTRIAGE_UI_TIMING): the first screen after start (first_draw_ms,
# counted from when the program was loaded, before main), and each key from
# the moment curses returned it to the end of the screen update it caused
# (key_ms); and, coarsely (in the clock ticks of /proc/self/stat), the first
# screen counted from exec (first_draw_since_exec_ms). Runs in tmux at 80x24
# with the test flows; prints figures only, never pass or fail.
# Usage: make bench (or VMTRIAGE=... top_srcdir=... sh tests/bench/bench-ui.sh)
: "${VMTRIAGE:?VMTRIAGE must name the vmtriage binary}"
: "${top_srcdir:?top_srcdir must be set}"
if ! command -v tmux >/dev/null 2>&1; then
	echo "bench-ui: tmux is not installed; skipped"
	exit 0
fi
LANG=C.UTF-8
export LANG
runs=${RUNS:-5}
sock="vmtriage-bench-ui-$$"
tmp=$(mktemp -d) || exit 1
trap 'tmux -L "$sock" kill-server >/dev/null 2>&1; sleep 0.2; rm -rf "$tmp"' EXIT
mkdir "$tmp/flows"
cp "$top_srcdir"/tests/flows/ui-*.yaml "$tmp/flows/"
timing="$tmp/timing"

wait_for() {
	i=0
	while [ $i -lt 100 ]; do
		tmux -L "$sock" capture-pane -p -t w 2>/dev/null | grep -qF -- "$1" && return 0
		sleep 0.05
		i=$((i + 1))
	done
	echo "bench-ui: '$1' never showed" >&2
	return 1
}

# One key at a time, each after the screen of the one before, as a person types.
key() {
	tmux -L "$sock" send-keys -t w "$@"
	sleep 0.03
}

n=0
while [ $n -lt "$runs" ]; do
	n=$((n + 1))
	tmux -L "$sock" kill-server >/dev/null 2>&1
	sleep 0.2
	tmux -L "$sock" -f /dev/null new-session -d -s w -x 80 -y 24 \
		"env -u LANGUAGE -u LC_ALL LANG=C.UTF-8 TERM=tmux-256color \
		VMTRIAGE_FLOW_PATH=$tmp/flows VMTRIAGE_UI_TIMING=$timing $VMTRIAGE; sleep 60"
	wait_for "Pick the problem closest to yours." || exit 0
	[ $n -lt "$runs" ] && { key q; continue; }
	# The last run also types: about fifty keys over every screen.
	for k in j j k k j k / i m a g e BSpace BSpace BSpace BSpace BSpace Escape \
		'?' Down '?' 1 j k j k Enter e Escape b Enter; do
		key "$k"
	done
	wait_for "Press Enter to go on." || exit 0
	for k in Enter; do key "$k"; done
	wait_for "Result: ok" || exit 0
	for k in e NPage PPage Escape Enter; do key "$k"; done
	wait_for "Why we believe it" || exit 0
	for k in j k NPage Home b b b b; do key "$k"; done
	key p
	tmux -L "$sock" send-keys -t w -l "ui test: instance failed to start"
	sleep 0.1
	for k in Enter b q; do key "$k"; done
done
sleep 0.3

# median and max of the lines "NAME value" in the timing file.
stats() {
	grep "^$1 " "$timing" | awk '{ print $2 }' | sort -n | awk -v name="$1" '
		{ v[NR] = $1 }
		END {
			if (NR == 0) { print name ": no samples"; exit }
			med = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			printf "%s: %d samples, median %.2f ms, max %.2f ms\n", name, NR, med, v[NR]
		}'
}
echo "curses wizard, 80x24, test flows:"
stats first_draw_ms
stats first_draw_since_exec_ms
stats key_ms
