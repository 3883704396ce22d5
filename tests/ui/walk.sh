#!/bin/sh
# walk.sh: a newcomer's walk, by keys alone, at 80x24: the start screen, a
# question the machine's facts answer, a question, a text, a check with its
# evidence, the verdict; then back (b) step by step to the start screen,
# Enter at a verdict for a new problem, and q to quit with the terminal sane.
. "$top_srcdir/tests/ui/ui-lib.sh"

ui_start 80 24
expect_screen walk-start "Pick the problem closest to yours."

# Enter opens the highlighted problem; the first question answers itself (os).
keys Enter
expect_screen walk-ask "What happens when you start it?"

# j moves the highlight (reverse video) down to the second choice.
keys j
i=0
while [ $i -lt 50 ]; do
	tmux -L "$sock" capture-pane -e -p -t w >"$tmp/attrs"
	grep -a 'It fails at once' "$tmp/attrs" | grep -q '7m' && break
	sleep 0.1
	i=$((i + 1))
done
check "j moves the highlight to the second choice" \
	sh -c "grep -a 'It fails at once' '$tmp/attrs' | grep -q '7m'"
# k back up, and Enter picks the first choice; a say node follows.
keys k Enter
expect_screen walk-say "Press Enter to go on."

# The check runs (a file probe) and its result stays until Enter.
keys Enter
expect_screen walk-check "Result: ok"
keys Enter
expect_screen walk-verdict "Why we believe it"

# Back: from the verdict to the check (its result shown again, not re-run),
# to the text, to the question, and from the first stop to the start screen.
keys b
expect_screen walk-back-check "found before you went back"
keys b
expect_screen walk-back-say "Press Enter to go on."
keys BSpace
expect_screen walk-back-ask "It hangs and times out"
keys b
expect_screen walk-back-start "Pick the problem closest to yours."

# Numbers pick at once: problem 1, choice 2 ends the walk at another verdict.
keys 1
wait_for "What happens when you start it?" >/dev/null
keys 2
expect_screen walk-verdict-escalate "When you ask for help, attach"

# w at a verdict writes the walk's report, and says where.
keys w
check "w at a verdict: the report is written, and the screen says where" \
	wait_for "Report written:"
check "the report names the walk's verdict and what to attach" \
	sh -c "f=\$(ls \"$XDG_STATE_HOME\"/vmtriage/reports/*.md | tail -n 1) && grep -q 'When you ask for help, attach' \"\$f\""

# Enter at a verdict goes back to the start screen for a new problem.
keys Enter
check "Enter at a verdict starts over" wait_for "Pick the problem closest to yours."

# q on the start screen quits at once; the terminal is as it was.
keys q
check "q quits" wait_exit
check "exit status 0 after q" exit_is 0
check "terminal sane after q (icanon, echo)" stty_sane

# Texts name facts: the flow's default for instance fills in the question,
# its choices, the breadcrumbs and the verdict, and the verdict names the
# answer too; before the answer is given, the question's text shows it as
# written. tests/flows/templates.yaml alone, so the other screens keep their flows.
mkdir -p "$tmp/templates"
cp "$top_srcdir/tests/flows/templates.yaml" "$tmp/templates/"
ui_start 80 24 VMTRIAGE_FLOW_PATH="$tmp/templates"
wait_for "Texts that name facts" >/dev/null
keys Enter
expect_screen walk-templates-ask "Where does primary stop?"
keys 2
expect_screen walk-templates-verdict "primary stops at network"
keys q
check "q quits (templates)" wait_exit
check "exit status 0 (templates)" exit_is 0

# In Chinese, at the smallest size, a filled-in text still wraps between wide
# characters: no line wider than the screen (wc -L counts columns), none cut.
ui_start 60 16 LANGUAGE=zh_CN VMTRIAGE_FLOW_PATH="$tmp/templates"
wait_for "Texts that name facts" >/dev/null
keys Enter
expect_screen walk-templates-zh "primary 停在哪一步？"
capture >"$tmp/screen"
check "templates in Chinese: every line fits, no character cut" \
	sh -c "[ \"\$(wc -L <'$tmp/screen')\" -le 60 ] && iconv -f UTF-8 -t UTF-8 '$tmp/screen' >/dev/null"
keys q
check "q quits (templates in Chinese)" wait_exit
check "exit status 0 (templates in Chinese)" exit_is 0
tap_done
