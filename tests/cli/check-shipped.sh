#!/bin/sh
# check-shipped.sh: every shipped flow validates with no error and no warning,
# its id matches its file name, and every node cites a source: with the
# source documents beside the tree (../shared/seeds), every flow and node
# cites a section those documents have (vmtriage check --sources).
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
seeds=${VMTRIAGE_SEEDS:-../shared/seeds}
if [ -d "$seeds" ]; then
	msg=$("$VMTRIAGE" check -q --sources "$seeds" 2>&1)
	st=$?
	if [ $st = 0 ] && [ -z "$msg" ]; then ok "every node cites a section of $seeds"; else
		not_ok "every node cites a section of $seeds (exit $st)" "$msg"; fi
else
	ok "every node cites a section # SKIP no source documents at $seeds"
fi
tap_done
