#!/bin/sh
# session.sh: sessions from the command line. Every walk leaves its record
# under $XDG_STATE_HOME/vmtriage/sessions; a walk cut short at ANY step
# (for one scripted walk of every shipped flow: its record cut after each
# step, as a walk stopped there leaves it) resumes at that step and, given the rest, ends where
# the whole walk ends, with the same facts; a walk stopped by Ctrl-C keeps
# its record and resumes; resume names what it cannot do.
. "$top_srcdir/tests/cli/tap.sh"
cd "$top_srcdir" || exit 1
tmp=$(mktemp -d) || exit 1
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
XDG_STATE_HOME=$tmp/state
export XDG_STATE_HOME
sessions=$XDG_STATE_HOME/vmtriage/sessions

header() { sed -n "s/^# $1: *//p" "$2"; }
# The facts of a session file, sorted (the step lines and times left out).
facts_of() { sed -n '/^facts:/,/^steps:/p' "$1" | sed '1d;$d' | sort; }
newest() { ls "$sessions" | sort | tail -n 1; }

for flow_file in flows/*.yaml; do
	flow=$(basename "$flow_file" .yaml)
	# The walk of this flow with the most answers, and no --auto.
	walk=
	most=0
	for w in tests/walks/"$flow"/*.yaml; do
		[ -f "$w" ] || continue
		[ "$(header auto "$w")" = yes ] && continue
		n=$(grep -c '^[a-z0-9][^#]*:' "$w")
		if [ "$n" -gt "$most" ]; then most=$n walk=$w; fi
	done
	[ -n "$walk" ] || continue
	end=$(header end "$walk")
	case $end in *:*) ;; *) end="$flow:$end" ;; esac
	snap=$(header snapshot "$walk")
	set --
	[ -n "$snap" ] && set -- --snapshot "$snap"

	# The whole walk, and its record: the inputs and the facts at the end.
	rm -rf "$sessions"
	"$VMTRIAGE" "$@" run "$flow" --answers "$walk" >"$tmp/full.out" 2>&1 </dev/null
	full=$sessions/$(newest)
	cp "$full" "$tmp/full.yaml"
	facts_of "$tmp/full.yaml" >"$tmp/full.facts"
	# The record as a walk cut short after step k leaves it (it is saved
	# after every step): its first k steps.
	nsteps=$(grep -c '^- kind: ' "$tmp/full.yaml")
	bad=
	k=0
	while [ $k -lt "$nsteps" ]; do
		rm -rf "$sessions"
		mkdir -p "$sessions"
		awk -v k=$k '/^- kind: / { n++ } n <= k { print }' "$tmp/full.yaml" >"$sessions/cut.yaml"
		# The node the walk stood at when it was cut: the next step's.
		at=$(awk -v k=$k '/^- kind: / { n++ } n == k + 1 && /^  node: / { print $2; exit }' \
			"$tmp/full.yaml")
		kind=$(awk -v k=$k '/^- kind: / { n++; if (n == k + 1) { print $3; exit } }' "$tmp/full.yaml")
		[ "$kind" = end ] && break
		"$VMTRIAGE" "$@" resume cut --answers "$walk" >"$tmp/resume.out" 2>&1 </dev/null
		if ! grep -qF "at step '$at'" "$tmp/resume.out"; then
			bad="$bad
cut after step $k: resume does not stand at '$at': $(head -n 3 "$tmp/resume.out")"
		elif ! grep -qF "[end: $end]" "$tmp/resume.out"; then
			bad="$bad
cut after step $k (at $at): the resumed walk does not end at $end:
$(tail -n 6 "$tmp/resume.out")"
		else
			facts_of "$sessions/cut.yaml" >"$tmp/resumed.facts"
			if ! cmp -s "$tmp/full.facts" "$tmp/resumed.facts"; then
				bad="$bad
cut after step $k: the facts differ from the whole walk's:
$(diff "$tmp/full.facts" "$tmp/resumed.facts" | head -n 6)"
			fi
		fi
		k=$((k + 1))
	done
	if [ -z "$bad" ]; then
		ok "$flow: $(basename "$walk"), cut after each of its $k steps, resumes there and ends at $end"
	else
		not_ok "$flow: $(basename "$walk"): a cut walk does not resume right" "$bad"
	fi
done

# Ctrl-C while the walk waits for an answer: the record stays, and resumes.
rm -rf "$sessions"
mkfifo "$tmp/in"
"$VMTRIAGE" --snapshot tests/walks/snapshots/linux-empty.yaml run migration-boot \
	<"$tmp/in" >"$tmp/int.out" 2>&1 &
pid=$!
exec 3>"$tmp/in"
n=0
while ! grep -q 'Where does the migrated VM stop' "$tmp/int.out" && [ $n -lt 100 ]; do
	sleep 0.1
	n=$((n + 1))
done
kill -INT "$pid"
wait "$pid"
st=$?
pid=
exec 3>&-
file=$sessions/$(newest)
if [ "$st" = 130 ] && [ -f "$file" ] && grep -q "^flow: migration-boot" "$file"; then
	ok "Ctrl-C: exit 130, and the session is on disk"
else
	not_ok "Ctrl-C: exit 130, and the session is on disk (exit $st)" "$(cat "$tmp/int.out")"
fi
printf 'symptom: "4"\n' >"$tmp/rest.yaml"
"$VMTRIAGE" --snapshot tests/walks/snapshots/linux-empty.yaml resume --answers "$tmp/rest.yaml" \
	>"$tmp/res.out" 2>&1 </dev/null
if grep -qF "at step 'symptom'" "$tmp/res.out" && grep -qF "[end: migration-boot:windows-bsod]" "$tmp/res.out"; then
	ok "the interrupted walk resumes at its question and goes on"
else
	not_ok "the interrupted walk resumes at its question and goes on" "$(cat "$tmp/res.out")"
fi

# What resume cannot do, it says.
"$VMTRIAGE" resume 19990101-000000-nothing >"$tmp/err.out" 2>&1
if [ $? = 2 ] && grep -q "no session '19990101-000000-nothing'" "$tmp/err.out"; then
	ok "an unknown session: exit 2, said"
else
	not_ok "an unknown session: exit 2, said" "$(cat "$tmp/err.out")"
fi
printf 'vmtriage-session: "1"\nid: x\nflow: no-such-flow\nstart: a\n' >"$tmp/gone.yaml"
"$VMTRIAGE" resume "$tmp/gone.yaml" >"$tmp/err.out" 2>&1
if [ $? != 0 ] && grep -q "no-such-flow" "$tmp/err.out"; then
	ok "a session of a flow that is gone: refused, said"
else
	not_ok "a session of a flow that is gone: refused, said" "$(cat "$tmp/err.out")"
fi
tap_done
