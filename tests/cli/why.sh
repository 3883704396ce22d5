#!/bin/sh
# why.sh: the error index. Every message in tests/walks/errors.tsv (the error
# messages the documents quote, and the common ones from Multipass's issues,
# as a person would paste them) must lead `vmtriage why` to the step named
# beside it; a message no flow knows says so and exits 1.
. "$top_srcdir/tests/cli/tap.sh"
cd "$top_srcdir" || exit 1
out=$(mktemp) || exit 1
trap 'rm -f "$out"' EXIT
tab=$(printf '\t')

while IFS="$tab" read -r msg step; do
	case $msg in '#'* | '') continue ;; esac
	flow=${step%%:*} node=${step#*:}
	if "$VMTRIAGE" why "$msg" >"$out" 2>&1 && grep -qF "$flow: step '$node'" "$out"; then
		ok "why \"$msg\" -> $step"
	else
		not_ok "why \"$msg\" -> $step" "$(cat "$out")"
	fi
done <tests/walks/errors.tsv

"$VMTRIAGE" why "a message nobody ever wrote" >"$out" 2>&1
st=$?
if [ $st = 1 ] && grep -q 'No flow knows this message' "$out"; then
	ok "an unknown message says so, exit 1"
else
	not_ok "an unknown message says so, exit 1 (got $st)" "$(cat "$out")"
fi
tap_done
