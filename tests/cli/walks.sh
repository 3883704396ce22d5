#!/bin/sh
# walks.sh: every shipped flow walked by script, and every `end` of every
# flow reached by at least one walk. A walk is a file tests/walks/FLOW/NAME.yaml:
# an answers file (node: answer) whose comments say how to run it and where
# it must end:
#   # exit: 1                         the exit status of vmtriage run
#   # end: NODE  (or FLOW:NODE)       the end it reaches ([end: ...] in the output)
#   # snapshot: examples/x.yaml       run against this snapshot (optional)
#   # auto: yes                       --auto instead of --answers (optional)
#   # expect: TEXT                    a line of the output must contain TEXT (repeatable)
# A check node without an answer runs its probe, so walks without `auto` give
# an answer for every check they pass, and stay off this machine.
. "$top_srcdir/tests/cli/tap.sh"
cd "$top_srcdir" || exit 1
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
out=$tmp/out

header() { sed -n "s/^# $1: *//p" "$2"; }

for flow_file in flows/*.yaml; do
	flow=$(basename "$flow_file" .yaml)
	# The ends of the flow, from its graph: double octagons.
	"$VMTRIAGE" graph "$flow" | sed -n 's/^  "\([^"]*\)" \[label=.*shape=doubleoctagon.*/\1/p' |
		sort -u >"$tmp/ends"
	: >"$tmp/reached"
	nwalks=0
	for walk in tests/walks/"$flow"/*.yaml; do
		[ -f "$walk" ] || continue
		nwalks=$((nwalks + 1))
		name="$flow/$(basename "$walk" .yaml)"
		want=$(header exit "$walk")
		end=$(header end "$walk")
		snap=$(header snapshot "$walk")
		case $end in *:*) ;; *) end="$flow:$end" ;; esac
		set -- run "$flow"
		if [ "$(header auto "$walk")" = yes ]; then set -- "$@" --auto; else
			set -- "$@" --answers "$walk"; fi
		[ -n "$snap" ] && set -- --snapshot "$snap" "$@"
		"$VMTRIAGE" "$@" >"$out" 2>&1 </dev/null
		got=$?
		if [ "$got" != "$want" ]; then
			not_ok "$name: exit $got, wanted $want" "$(tail -n 25 "$out")"
			continue
		fi
		if ! grep -qF "[end: $end]" "$out"; then
			not_ok "$name: does not end at $end" "$(tail -n 25 "$out")"
			continue
		fi
		missing=
		header expect "$walk" >"$tmp/expect"
		while IFS= read -r t; do
			grep -qF -- "$t" "$out" || missing="$missing '$t'"
		done <"$tmp/expect"
		if [ -n "$missing" ]; then
			not_ok "$name: output lacks$missing" "$(tail -n 25 "$out")"
			continue
		fi
		ok "$name ends at $end"
		echo "${end#*:}" >>"$tmp/reached"
	done
	unreached=$(sort -u "$tmp/reached" | comm -23 "$tmp/ends" -)
	if [ -z "$unreached" ]; then
		ok "$flow: every end is reached by a walk ($(wc -l <"$tmp/ends") ends, $nwalks walks)"
	else
		not_ok "$flow: ends no walk reaches:" "$unreached"
	fi
done
tap_done
