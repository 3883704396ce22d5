#!/bin/sh
# terminal.sh: the wizard and its terminal. Resizes redraw cleanly; below
# 60x16 a notice replaces the layout; NO_COLOR drops colours but keeps
# reverse and bold; without UTF-8 ASCII stand-ins replace arrows and bars;
# a terminal curses cannot drive (TERM=dumb) gets a message, not a mess; a mouse click picks a choice; Ctrl-L redraws; and the
# terminal is given back sane after SIGTERM, Ctrl-C, SIGHUP and a crash
# (SIGSEGV), and across Ctrl-Z and fg in a shell with job control.
. "$top_srcdir/tests/ui/ui-lib.sh"

ui_start 80 24
wait_for "Pick the problem closest to yours." >/dev/null
keys 1
wait_for "What happens when you start it?" >/dev/null

# Resize: smaller than 60x16, the notice; larger, the layout again.
tmux -L "$sock" resize-window -t w -x 50 -y 12
expect_screen term-too-small "Make the terminal at least 60x16"
tmux -L "$sock" resize-window -t w -x 100 -y 30
expect_screen term-resized "It hangs and times out"

# A mouse click on the second choice (xterm mouse report: button 1 pressed, then released).
keys -l "$(printf '\033[M &+')"
keys -l "$(printf '\033[M#&+')"
check "a click on a choice picks it" wait_for "Nothing more to check here"

# Ctrl-L redraws the same screen.
keys C-l
expect_screen term-redraw "Nothing more to check here"

# Colours by default; NO_COLOR keeps only reverse and bold.
colours() {
	tmux -L "$sock" capture-pane -e -p -t w | grep -Eq '\[([0-9;]*;)?(3[0-7]|4[0-7]|38;5;[0-9]+|48;5;[0-9]+)(;[0-9;]*)?m'
}
check "colours are used" colours
ui_start 80 24 NO_COLOR=1
wait_for "Pick the problem closest to yours." >/dev/null
check "NO_COLOR: no colour" sh -c "! tmux -L '$sock' capture-pane -e -p -t w | grep -Eq '\[([0-9;]*;)?(3[0-7]|4[0-7]|38;5;[0-9]+|48;5;[0-9]+)(;[0-9;]*)?m'"
check "NO_COLOR: the title bar is still reverse" sh -c "tmux -L '$sock' capture-pane -e -p -t w | head -n 1 | grep -q '7m'"
expect_screen term-no-color "Pick the problem closest to yours."

# A terminal without UTF-8 (LANG=C): ASCII stand-ins for arrows, bars and crumbs.
ui_start 80 24 LANG=C
wait_for "Pick the problem closest to yours." >/dev/null
keys 1 1
expect_screen term-ascii-say "Press Enter to go on."
keys Enter
expect_screen term-ascii-check "Result: ok"
keys q
check "q quits (LANG=C)" wait_exit

# A terminal curses cannot drive: a clear message that points to the plain commands.
ui_start 80 24 TERM=dumb
check "TERM=dumb: the program ends" wait_exit
check "TERM=dumb: exit status 2" exit_is 2
check "TERM=dumb: it points to vmtriage run" wait_for "vmtriage run FLOW"

# SIGTERM, SIGHUP, SIGSEGV: the terminal is restored, then the program ends as the signal says.
for sig in TERM HUP SEGV; do
	case $sig in TERM) want=143 ;; HUP) want=129 ;; SEGV) want=139 ;; esac
	ui_start 80 24
	wait_for "Pick the problem closest to yours." >/dev/null
	keys 2
	wait_for "Result: ok" >/dev/null
	# A crash cannot end a running check's child (it ends at its own deadline),
	# so the crash comes with no check running: tests leave nothing behind.
	if [ $sig != SEGV ]; then
		keys Enter
		check "SIG$sig: a check is running" has_process '^sleep 37$'
	fi
	kill -$sig "$(wizard_pid)"
	check "SIG$sig: the program ends" wait_exit
	# Under AddressSanitizer (--enable-asan) its own report ends a crash, with status 1.
	if [ $sig = SEGV ] && exit_is 1 && ldd "$VMTRIAGE" 2>/dev/null | grep -q libasan; then
		ok "SIG$sig: exit status 1 (AddressSanitizer reported the crash)"
	else
		check "SIG$sig: exit status $want" exit_is $want
	fi
	check "SIG$sig: terminal sane (icanon, echo)" stty_sane
	check "SIG$sig: no curses screen left on the pane" wait_gone "Counting to sixty"
	[ $sig = SEGV ] || check "SIG$sig: the check's command is gone" no_process '^sleep 37$'
done

# Ctrl-C quits cleanly.
ui_start 80 24
wait_for "Pick the problem closest to yours." >/dev/null
keys C-c
check "Ctrl-C: the program ends" wait_exit
check "Ctrl-C: exit status 130" exit_is 130
check "Ctrl-C: terminal sane" stty_sane

# Ctrl-Z and fg, in a shell with job control, as a person would.
if command -v bash >/dev/null 2>&1; then
	new_server
	tmux -L "$sock" -f /dev/null new-session -d -s w -x 80 -y 24 \
		"env -i PATH=/usr/bin:/bin HOME=$tmp HISTFILE=/dev/null LANG=C.UTF-8 TERM=tmux-256color \
		VMTRIAGE_FLOW_PATH=$tmp/flows PS1='$ ' bash --norc --noprofile -i"
	wait_for '$' >/dev/null
	keys "$VMTRIAGE" Enter
	wait_for "Pick the problem closest to yours." >/dev/null
	keys 1
	wait_for "What happens when you start it?" >/dev/null
	keys C-z
	check "Ctrl-Z suspends: the shell is back" wait_for "Stopped"
	keys "fg" Enter
	check "fg resumes: the screen is drawn again" wait_for "It hangs and times out"
	keys q
	wait_gone "It hangs and times out" >/dev/null
	keys "stty -a | tr ' ' '\\n' | grep -x -e icanon -e echo | tr '\\n' ' '; echo" Enter
	check "after Ctrl-Z, fg and q the terminal is sane" wait_for "icanon echo"
else
	ok "# SKIP Ctrl-Z: bash is not installed"
fi
tap_done
