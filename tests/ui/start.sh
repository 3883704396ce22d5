#!/bin/sh
# start.sh: finding the problem on the start screen: the filter (/), an error
# message pasted (p) that jumps to its step, one pasted over several lines,
# one that several steps explain
# (a pick list), one nobody knows; the help overlay (?), drawn from the key
# table; and the same screen on a large terminal (120x40).
. "$top_srcdir/tests/ui/ui-lib.sh"

ui_start 80 24
wait_for "Pick the problem closest to yours." >/dev/null

# Filter: '/', then typing narrows the list (title or id, any case).
keys /
keys -l "IMAGE"
expect_screen start-filter "Filter: IMAGE"
# Enter keeps the filter and gives the keys back to the list; Enter opens.
keys Enter
check "Enter leaves the filter field" wait_for "Filter: IMAGE (Esc clears)"
keys Escape
check "Esc clears the filter" wait_gone "Filter:"
keys / BSpace
keys -l "nothing-matches-this"
expect_screen start-filter-none "No problem matches the filter"
keys Escape

# Paste an error message that one step explains: the walk starts at that step.
keys p
keys -l "launch failed: ui test: instance failed to start (exit 1)"
expect_screen start-paste-field "Error message: launch failed"
keys Enter
expect_screen start-paste-jump "Pick what you see when you run"
keys b
wait_for "Pick the problem closest to yours." >/dev/null

# A message pasted over several lines (bracketed paste): its lines join.
keys p
tmux -L "$sock" set-buffer -b msg "$(printf 'launch failed:\nui test: instance\nfailed to start')"
tmux -L "$sock" paste-buffer -p -b msg -t w
check "a message pasted over several lines stays in one field" \
	wait_for "Error message: launch failed: ui test: instance failed to start"
keys Enter
check "the pasted lines find their step" wait_for "your error message led here"
keys b
wait_for "Pick the problem closest to yours." >/dev/null

# A message two steps explain: a pick list; 1 takes the first.
keys p
keys -l "UI TEST:   shared message"
keys Enter
expect_screen start-paste-several "Several steps explain this message"
keys 1
check "the pick list opens the step picked" wait_for "would do this:"
keys b
wait_for "Pick the problem closest to yours." >/dev/null

# A message nobody knows: the field stays, with a clear message.
keys p
keys -l "something nobody has seen"
keys Enter
expect_screen start-paste-none "No step knows this message yet"
keys Escape
check "Esc leaves the paste field" wait_gone "Error message:"

# The help overlay, drawn from the key table; ? closes it.
keys '?'
expect_screen start-help "Choosing and going on"
keys '?'
check "? closes the help" wait_gone "Choosing and going on"
keys q
check "q quits" wait_exit

# A large screen: the summary stands beside the list.
ui_start 120 40
expect_screen start-wide "Pick the problem closest to yours."
keys j
expect_screen start-wide-second "A check that waits long enough"
keys q
check "q quits (120x40)" wait_exit
tap_done
