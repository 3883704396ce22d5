#!/bin/sh
# run-flows.sh: walks the shipped flows with answers files and checks where each
# walk ends and with which exit status; also --auto against this machine and a pipe.
. "$top_srcdir/tests/cli/tap.sh"
cd "$top_srcdir" || exit 1
out=$(mktemp) || exit 1
trap 'rm -f "$out"' EXIT

# walk NAME ANSWERS EXPECTED_STATUS TEXT...: every TEXT must appear in the output.
walk() {
	name=$1 answers=$2 want=$3
	shift 3
	"$VMTRIAGE" run stale-network-cache --answers "tests/answers/$answers" >"$out" 2>&1
	got=$?
	if [ "$got" != "$want" ]; then
		not_ok "$name: exit $got, wanted $want" "$(tail -n 15 "$out")"
		return
	fi
	for t in "$@"; do
		if ! grep -qF -- "$t" "$out"; then
			not_ok "$name: output lacks '$t'" "$(tail -n 15 "$out")"
			return
		fi
	done
	ok "$name"
}

walk "refresh works" snc-update-works.yaml 0 "== Solved ==" "Cause: A stale image cache"
walk "purge works (answer by number and by text)" snc-purge-works.yaml 0 "== Solved ==" \
	"Cause: A stale network cache"
walk "still failing escalates" snc-still-failing.yaml 1 "== Needs help beyond this tool ==" \
	"When you ask for help, attach:"
walk "purge failed escalates" snc-purge-failed.yaml 1 "The cache could not be deleted"
walk "different error is a cause" snc-other-error.yaml 1 "== Cause found ==" "vmtriage why"
walk "daemon trouble via default outcome" snc-daemon-trouble.yaml 1 "Multipass does not answer"
walk "not installed on this os (guarded edge)" snc-not-installed.yaml 1 \
	"The multipass command was not found" "which multipass"
walk "declined fixes follow else" snc-declined.yaml 1 "The cache could not be deleted"
walk "missing answer stops with 3" snc-missing-answer.yaml 3 "Stopped: step 'retry-after-update'"

# The fix plan is shown before anything is decided.
walk "plan shown" snc-purge-works.yaml 0 "multipass find --force-update" "snap stop multipass"

# --auto: the real command probe runs here. Multipass is not installed on a test
# machine, so the walk must end at "not installed" (exit 1); if it is installed,
# --auto must stop at the fix it will not run (exit 3).
"$VMTRIAGE" run stale-network-cache --auto >"$out" 2>&1
got=$?
if command -v multipass >/dev/null 2>&1; then
	if [ $got = 3 ] && grep -q "never runs a fix" "$out"; then ok "--auto stops at a fix"; else not_ok "--auto with multipass: exit $got" "$(cat "$out")"; fi
else
	if [ $got = 1 ] && grep -q "result: not_found" "$out" && grep -q "which multipass" "$out"; then
		ok "--auto runs the probe and ends at not installed"
	else
		not_ok "--auto without multipass: exit $got" "$(cat "$out")"
	fi
fi

# A pipe: numbered answers from stdin. The check is answered by the real probe,
# so feed the answers only where the walk asks (it ends at the probe here).
printf '1\n' | "$VMTRIAGE" run tests/flows/pipe.yaml >"$out" 2>&1
got=$?
if [ $got = 0 ] && grep -q "== Nothing wrong found ==" "$out"; then ok "pipe: numbered choice from stdin"; else not_ok "pipe: exit $got" "$(cat "$out")"; fi

printf '2\n1\n' | "$VMTRIAGE" run tests/flows/pipe.yaml >"$out" 2>&1
got=$?
if [ $got = 1 ] && grep -q "== Cause found ==" "$out" && grep -q "You picked the second" "$out"; then ok "pipe: second choice"; else not_ok "pipe: second choice: exit $got" "$(cat "$out")"; fi

printf '2\nb\n1\n' | "$VMTRIAGE" run tests/flows/pipe.yaml >"$out" 2>&1
got=$?
if [ $got = 0 ] && grep -q "== Nothing wrong found ==" "$out"; then ok "pipe: b goes back"; else not_ok "pipe: back: exit $got" "$(cat "$out")"; fi

printf '' | "$VMTRIAGE" run tests/flows/pipe.yaml >"$out" 2>&1
got=$?
if [ $got = 3 ] && grep -q "input ended" "$out"; then ok "pipe: end of input stops with 3"; else not_ok "pipe: eof: exit $got" "$(cat "$out")"; fi

printf '7\n' | "$VMTRIAGE" run tests/flows/pipe.yaml >"$out" 2>&1
got=$?
if [ $got = 3 ] && grep -q "Please type a number from 1 to 2" "$out"; then ok "pipe: bad choice is refused"; else not_ok "pipe: bad choice: exit $got" "$(cat "$out")"; fi

# Texts name facts: the flow's default for instance and the answer for stage
# fill in the title, the text, the choices, the cause, the next steps and the
# attachments; the question's own answer, not known yet, shows as written.
printf '2\n' | "$VMTRIAGE" run tests/flows/templates.yaml >"$out" 2>&1
got=$?
missing=
for line in "== Where does primary stop? ==" \
	"Pick where primary stops. Your answer becomes {{ stage }}, which the walk does" \
	"  1. primary never starts" "  2. primary starts, but has no network" \
	"primary stops at network" "Cause: primary is stuck at network" \
	"The walk knew primary from the flow's default and network from your answer." \
	"  - multipass stop primary --force" "  - The output of multipass info primary"; do
	grep -qxF -- "$line" "$out" || missing="$missing  $line
"
done
if [ $got = 1 ] && [ -z "$missing" ] && ! grep -qE '\{\{ *instance *\}\}' "$out"; then
	ok "templates in texts are filled in; an unknown fact stays as written"
else
	not_ok "templates in texts: exit $got" "missing lines:
$missing$(cat "$out")"
fi

# --from starts at a node, as `vmtriage why` suggests.
"$VMTRIAGE" run stale-network-cache --from not-installed-darwin >"$out" 2>&1
got=$?
if [ $got = 1 ] && grep -q "readlink" "$out"; then ok "--from NODE"; else not_ok "--from: exit $got" "$(cat "$out")"; fi

"$VMTRIAGE" run stale-network-cache --from nope >"$out" 2>&1
[ $? = 2 ] && ok "--from unknown node is a usage error" || not_ok "--from unknown node" "$(cat "$out")"

"$VMTRIAGE" run no-such-flow >"$out" 2>&1
[ $? = 2 ] && ok "unknown flow is a usage error" || not_ok "unknown flow" "$(cat "$out")"

"$VMTRIAGE" run tests/bad-flows/goto-missing.yaml >"$out" 2>&1
[ $? = 65 ] && ok "bad flow is refused with 65" || not_ok "bad flow run" "$(cat "$out")"
# SIGTERM while a probe runs: the walk stops (128+2) and the probe's child is gone.
"$VMTRIAGE" run tests/flows/slow.yaml >"$out" 2>&1 &
pid=$!
# The probe runs in a child of vmtriage; its command (sleep) is a child of that.
i=0 child=
while [ $i -lt 100 ] && [ -z "$child" ]; do
	sleep 0.1
	i=$((i + 1))
	for job in $(pgrep -P "$pid" 2>/dev/null); do
		child=$(pgrep -f -P "$job" "sleep 300" | head -n 1)
		[ -n "$child" ] && break
	done
done
kill -TERM "$pid"
wait "$pid"
got=$?
sleep 0.2
if [ $got = 130 ] && grep -q "Interrupted at step 'wait'" "$out" && { [ -z "$child" ] || ! kill -0 "$child" 2>/dev/null; } && [ -n "$child" ]; then
	ok "SIGTERM stops the walk and ends the probe's child"
else
	[ -n "$child" ] && kill -KILL "$child" 2>/dev/null
	not_ok "SIGTERM during a probe: exit $got, child '$child'" "$(cat "$out")"
fi
tap_done
