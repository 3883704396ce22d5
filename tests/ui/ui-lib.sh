# ui-lib.sh: sourced by the curses wizard's screen tests (tests/ui/*.sh).
#
# Each test drives the real program in a tmux server of its own at a fixed
# size, sends keys, and compares the screen (capture-pane -p) with an expected
# capture in tests/ui/expected/NAME.screen, as tmux's regress tests and tig's
# screen tests do. Every wait polls with a hang guard of 10 s; nothing here
# asserts speed.
#
# Volatile parts are masked before comparing (mask_screen, one sed):
#   "123 ms"             -> "N ms"            (elapsed times of probes)
#   "37 seconds left"    -> "N seconds left"  (a running probe's budget)
#   a spinner frame      -> "*"
#   "os=linux", "this machine: linux" -> "os=OS", "this machine: OS"
#
# UPDATE=1 make check (or UPDATE=1 top_srcdir=... VMTRIAGE=... sh tests/ui/X.sh)
# rewrites the expected files from what the program shows: review every one
# of them by eye before keeping it.
. "$top_srcdir/tests/cli/tap.sh"

command -v tmux >/dev/null 2>&1 || skip_all "tmux is not installed"

# tmux and the program must agree that the terminal speaks UTF-8.
LANG=C.UTF-8
export LANG
unset LC_ALL LANGUAGE

ui_name=$(basename "$0" .sh)
# Each ui_start gets a tmux server of its own (a new socket name), so a server
# still shutting down never meets the next one.
ui_runs=0
sock="vmtriage-ui-$ui_name-$$-0"
expected_dir="$top_srcdir/tests/ui/expected"
tmp=$(mktemp -d) || exit 1
ui_cleanup() {
	n=0
	while [ $n -le $ui_runs ]; do
		tmux -L "vmtriage-ui-$ui_name-$$-$n" kill-server >/dev/null 2>&1
		n=$((n + 1))
	done
	sleep 0.2 # the panes' shells write their last files
	rm -rf "$tmp"
}
trap ui_cleanup EXIT
trap 'exit 1' INT TERM HUP

# Only the test flows: the shipped ones change as flows are added, the tests' do not.
mkdir -p "$tmp/flows" "$tmp/bin"
cp "$top_srcdir"/tests/flows/ui-*.yaml "$tmp/flows/"

# new_server: a fresh tmux server for a session the test starts itself.
new_server() {
	tmux -L "$sock" kill-server >/dev/null 2>&1
	ui_runs=$((ui_runs + 1))
	sock="vmtriage-ui-$ui_name-$$-$ui_runs"
}

# ui_start W H [NAME=VALUE...]: the wizard, alone in a new tmux session. When
# it ends, the pane's shell writes its exit status and the terminal's modes
# (stty -a) to $tmp/exit and $tmp/stty, then waits, so the pane stays.
ui_start() {
	w=$1 h=$2
	shift 2
	tmux -L "$sock" kill-server >/dev/null 2>&1
	ui_runs=$((ui_runs + 1))
	sock="vmtriage-ui-$ui_name-$$-$ui_runs"
	rm -f "$tmp/exit" "$tmp/stty"
	cat >"$tmp/run.sh" <<EOF
trap : INT
"$VMTRIAGE"
echo "EXIT=\$?" >"$tmp/exit"
stty -a >"$tmp/stty"
exec sleep 600
EOF
	tmux -L "$sock" -f /dev/null new-session -d -s w -x "$w" -y "$h" \
		"env -u LANGUAGE -u LC_ALL -u NO_COLOR LANG=C.UTF-8 TERM=tmux-256color \
		PATH=$tmp/bin:/usr/bin:/bin VMTRIAGE_FLOW_PATH=$tmp/flows $* sh $tmp/run.sh"
}

keys() {
	tmux -L "$sock" send-keys -t w "$@"
}

capture() {
	tmux -L "$sock" capture-pane -p -t w 2>/dev/null
}

mask_screen() {
	sed -E -e 's/[0-9]+ ms/N ms/g' -e 's/[0-9]+ seconds left/N seconds left/g' \
		-e 's/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/*/g' \
		-e 's/os=[a-z]+/os=OS/g' -e 's/this machine: [a-z]+/this machine: OS/g'
}

# wait_for TEXT: polls the screen until TEXT shows; false after 10 s.
wait_for() {
	i=0
	while [ $i -lt 100 ]; do
		capture >"$tmp/screen"
		grep -qF -- "$1" "$tmp/screen" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# wait_gone TEXT: polls until TEXT is no longer on the screen.
wait_gone() {
	i=0
	while [ $i -lt 100 ]; do
		capture >"$tmp/screen"
		grep -qF -- "$1" "$tmp/screen" || return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# wait_exit: polls until the program has ended and the pane's shell wrote its status.
wait_exit() {
	i=0
	while [ $i -lt 100 ]; do
		[ -s "$tmp/stty" ] && [ -s "$tmp/exit" ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# expect_screen NAME TEXT: once TEXT shows, the masked screen must equal
# expected/NAME.screen (polled, so a frame still being drawn is not a failure).
# With UPDATE=1 the screen, once steady, becomes the expected file.
expect_screen() {
	name=$1 text=$2 want="$expected_dir/$1.screen"
	if ! wait_for "$text"; then
		not_ok "$name: '$text' never showed" "$(cat "$tmp/screen")"
		return 1
	fi
	if [ "${UPDATE:-}" = 1 ]; then
		capture | mask_screen >"$tmp/a"
		while sleep 0.3; capture | mask_screen >"$tmp/b"; ! cmp -s "$tmp/a" "$tmp/b"; do
			cp "$tmp/b" "$tmp/a"
		done
		cp "$tmp/a" "$want"
		ok "$name (expected screen rewritten)"
		return 0
	fi
	i=0
	while [ $i -lt 100 ]; do
		capture | mask_screen >"$tmp/got"
		if cmp -s "$tmp/got" "$want"; then
			ok "$name"
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	not_ok "$name: the screen differs from $name.screen" \
		"$(diff -u "$want" "$tmp/got" 2>&1 | head -n 60)"
	return 1
}

# check NAME CMD...: one test case from a command's status.
check() {
	name=$1
	shift
	if "$@"; then ok "$name"; else not_ok "$name" "$(cat "$tmp/screen" 2>/dev/null)"; fi
}

# The terminal is sane again: canonical input and echo are back on.
stty_sane() {
	grep -Eq '(^| )icanon( |$)' "$tmp/stty" && grep -Eq '(^| )echo( |$)' "$tmp/stty"
}

# exit_is N: the program ended with status N.
exit_is() {
	grep -qx "EXIT=$1" "$tmp/exit"
}

# proc_table: "PID PPID COMMAND LINE" for every process: from ps when procps
# is installed, else straight from /proc (a minimal system has no ps).
proc_table() {
	if command -v ps >/dev/null 2>&1; then
		ps -eo pid=,ppid=,args=
		return
	fi
	for d in /proc/[0-9]*; do
		read -r stat 2>/dev/null <"$d/stat" || continue
		# After the command name in parentheses: state, then the parent's pid.
		set -- ${stat##*) }
		echo "${d#/proc/} $2 $(tr '\0' ' ' 2>/dev/null <"$d/cmdline")"
	done
}

# our_processes REGEX: pids of the processes under this test's tmux server
# whose command line matches REGEX (awk), so that tests running side by side
# (make -j) never see each other's commands.
our_processes() {
	spid=$(tmux -L "$sock" display-message -p '#{pid}' 2>/dev/null)
	[ -n "$spid" ] || return 0
	proc_table | awk -v root="$spid" -v pat="$1" '
		{ pid = $1; parent[pid] = $2; $1 = ""; $2 = ""; sub(/^ +/, ""); sub(/ +$/, ""); cmd[pid] = $0 }
		END {
			for (p in cmd) {
				if (cmd[p] !~ pat)
					continue
				for (q = p; q > 1; q = parent[q])
					if (q == root) { print p; break }
			}
		}'
}

# has_process REGEX: within 10 s, one of our processes matches.
has_process() {
	i=0
	while [ $i -lt 100 ]; do
		[ -n "$(our_processes "$1")" ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# no_process REGEX: within 10 s, none of our processes matches.
no_process() {
	i=0
	while [ $i -lt 100 ]; do
		[ -z "$(our_processes "$1")" ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# wizard_pid: the program in the pane (a child of the pane's shell).
wizard_pid() {
	ppid=$(tmux -L "$sock" display-message -p -t w '#{pane_pid}' 2>/dev/null)
	[ -n "$ppid" ] && proc_table | awk -v p="$ppid" '$2 == p { print $1; exit }'
}
