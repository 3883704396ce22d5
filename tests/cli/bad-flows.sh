#!/bin/sh
# bad-flows.sh: every malformed flow in tests/bad-flows/NAME.yaml must make
# `vmtriage check` fail with exit status 65 and print every line of
# NAME.expect, exactly (other lines may come too). Paths in .expect files are
# relative to the top of the source tree, where the checks run.
. "$(dirname "$0")/tap.sh"

cd "$top_srcdir" || { echo "Bail out! cannot cd to $top_srcdir"; exit 1; }

for yaml in tests/bad-flows/*.yaml; do
	[ -e "$yaml" ] || skip_all "no tests/bad-flows/*.yaml"
	expect=${yaml%.yaml}.expect
	if [ ! -f "$expect" ]; then
		not_ok "$yaml" "there is no $expect: write the lines the check must print"
		continue
	fi
	out=$("$VMTRIAGE" check "$yaml" 2>&1)
	rc=$?
	if [ "$rc" -ne 65 ]; then
		not_ok "$yaml" "exit status $rc, expected 65; the output was:
$out"
		continue
	fi
	missing=
	while IFS= read -r line || [ -n "$line" ]; do
		[ -n "$line" ] || continue
		if ! printf '%s\n' "$out" | grep -Fxq -e "$line"; then
			missing="$missing$line
"
		fi
	done <"$expect"
	if [ -n "$missing" ]; then
		not_ok "$yaml" "these lines were not printed:
${missing}the output was:
$out"
	else
		ok "$yaml"
	fi
done

# An .expect whose flow was renamed or removed would silently test nothing.
for expect in tests/bad-flows/*.expect; do
	[ -e "$expect" ] || continue
	[ -f "${expect%.expect}.yaml" ] || not_ok "$expect" "there is no ${expect%.expect}.yaml"
done

tap_done
