#!/bin/sh
# probe.sh: checks. A quick one whose result and evidence stay on screen
# until Enter; a long one (sleep) with its spinner and seconds left,
# stopped with Esc (outcome error, which the flow routes); the evidence pane
# (e) and its scrolling; Back while a check runs ends its command.
. "$top_srcdir/tests/ui/ui-lib.sh"

ui_start 80 24
wait_for "Pick the problem closest to yours." >/dev/null
keys 2
expect_screen probe-result "Result: ok"

# Enter goes on: the long check runs, with a spinner and the seconds left.
keys Enter
expect_screen probe-running "seconds left"
# Its command really runs, as a child.
check "the check's command runs" has_process '^sleep 37$'

# Esc stops it: outcome error, and the evidence says so.
keys Escape
expect_screen probe-cancelled "Result: error"
check "the stopped check's command is gone" no_process '^sleep 37$'

# The evidence pane: both checks, scrolled by page and to the ends.
keys e
expect_screen probe-evidence "Evidence on this path"
keys NPage
expect_screen probe-evidence-pgdn "the probe was cancelled"
keys Home
check "Home scrolls to the top" wait_for "Counting to sixty"
keys End
expect_screen probe-evidence-end "'sleep' was stopped"
keys PPage
check "PgUp scrolls up" wait_for "│ 41"
keys e
check "e closes the evidence pane" wait_gone "Evidence on this path"

# Enter routes the error outcome to its verdict.
keys Enter
expect_screen probe-verdict "The check was stopped"

# Back to the long check: its result is shown again; r runs it again, and
# b while it runs ends its command.
keys b
expect_screen probe-back "found before you went back"
keys r
check "r runs the check again" wait_for "seconds left"
keys b
check "b while a check runs goes back" wait_for "Result: ok"
check "going back ended the check's command" no_process '^sleep 37$'

# q while a check runs quits at once and leaves no command behind.
keys Enter
wait_for "seconds left" >/dev/null
keys q
check "q quits while a check runs" wait_exit
check "exit status 0" exit_is 0
check "no command left behind" no_process '^sleep 37$'
tap_done
