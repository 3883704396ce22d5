#!/bin/sh
# check-shipped.sh: every shipped flow validates with no error and no warning,
# its id matches its file name, and every node cites a source.
. "$top_srcdir/tests/cli/tap.sh"
cd "$top_srcdir" || exit 1
for f in flows/*.yaml; do
	msg=$("$VMTRIAGE" check -q "$f" 2>&1)
	st=$?
	if [ $st = 0 ] && [ -z "$msg" ]; then ok "$f validates"; else not_ok "$f validates (exit $st)" "$msg"; fi
	id=$(sed -n 's/^id: *//p' "$f" | tr -d "\"'")
	base=$(basename "$f" .yaml)
	if [ "$id" = "$base" ]; then ok "$f id matches file name"; else not_ok "$f id '$id' is not '$base'"; fi
	if grep -q '^source: ' "$f"; then ok "$f cites its source"; else not_ok "$f has no top-level source:"; fi
done
tap_done
