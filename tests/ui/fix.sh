#!/bin/sh
# fix.sh: a fix plan is shown before anything runs; q asks first while it
# waits for an answer; n declines it (the flow's else); back, and r runs it,
# here against a stand-in "multipass" script (never a real fix): curses steps
# aside for the run, Enter brings it back, and the verdict says what was done.
. "$top_srcdir/tests/ui/ui-lib.sh"

# The stand-in: it says what it was asked and succeeds, for the fix and its check.
cat >"$tmp/bin/multipass" <<EOS
#!/bin/sh
echo "\$*" >>"$tmp/ran"
echo "stand-in multipass: \$*"
exit 0
EOS
chmod +x "$tmp/bin/multipass"

ui_start 80 24
wait_for "Pick the problem closest to yours." >/dev/null
keys 4
expect_screen fix-plan "would do this:"

# q with a plan waiting: a question, and any key but y stays.
keys q
expect_screen fix-quit-asks "Quit anyway?"
keys x
check "any key but y stays" wait_gone "Quit anyway?"

# n: declined, the walk follows else.
keys n
expect_screen fix-declined "fix multipass_find_force_update: declined"

# Back to the plan, and r runs it: the terminal is plain while it runs.
keys b
wait_for "would do this:" >/dev/null
keys r
expect_screen fix-running "Press Enter to go back to vmtriage."
keys Enter
expect_screen fix-ran "The fix ran, and its check passed."
keys Enter
expect_screen fix-solved "fix multipass_find_force_update: applied"

# q at a verdict quits without asking.
keys q
check "q quits at a verdict" wait_exit
check "exit status 0" exit_is 0
check "terminal sane" stty_sane

check "the stand-in ran for the fix and its check" \
	sh -c "grep -qx 'find --force-update' '$tmp/ran' && grep -qx 'find' '$tmp/ran'"

# q then y quits while a plan waits, and runs nothing.
rm -f "$tmp/ran"
ui_start 80 24
wait_for "Pick the problem closest to yours." >/dev/null
keys 4
wait_for "would do this:" >/dev/null
keys q
wait_for "Quit anyway?" >/dev/null
keys y
check "y quits with a plan waiting" wait_exit
check "nothing ran" sh -c "! test -e '$tmp/ran'"
tap_done
