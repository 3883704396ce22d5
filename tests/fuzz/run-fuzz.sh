#!/bin/sh
# run-fuzz.sh: runs the flow-loader fuzzer for a bounded time over a seed
# corpus of every flow we have (tests/bad-flows/*.yaml and flows/*.yaml),
# copied into a temporary directory so the tree is never written to.
# Builds nothing: build the fuzzer first (./configure CC=clang --enable-fuzz;
# make tests/fuzz/fuzz-flow-load).
#
# Usage: run-fuzz.sh FUZZER-BINARY SECONDS
# Exits non-zero when the fuzzer found a crash, a leak or a timeout; the
# reproducer is kept in the artifacts directory it names.
set -u

if [ $# -ne 2 ]; then
	echo "usage: $0 FUZZER-BINARY SECONDS" >&2
	exit 2
fi
fuzzer=$1
seconds=$2
case $seconds in
'' | *[!0-9]*)
	echo "$0: SECONDS must be a whole number" >&2
	exit 2
	;;
esac
if [ ! -x "$fuzzer" ]; then
	echo "$0: $fuzzer is not an executable fuzzer" >&2
	exit 2
fi
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}

work=$(mktemp -d "${TMPDIR:-/tmp}/vmtriage-fuzz.XXXXXX") || exit 2
corpus=$work/corpus
artifacts=${FUZZ_ARTIFACTS:-$work/artifacts}
mkdir -p "$corpus" "$artifacts" || exit 2
for f in "$srcdir"/tests/bad-flows/*.yaml "$srcdir"/flows/*.yaml; do
	[ -f "$f" ] || continue
	# Both directories may hold the same name: keep both seeds.
	cp "$f" "$corpus/$(basename "$(dirname "$f")")-$(basename "$f")"
done
echo "# seed corpus: $(ls "$corpus" | wc -l) files; artifacts in $artifacts"

"$fuzzer" -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$artifacts/" -print_final_stats=1 "$corpus"
rc=$?

if [ $rc -ne 0 ] || [ -n "$(ls "$artifacts")" ]; then
	echo "$0: the fuzzer found a problem (exit $rc); reproducers:" >&2
	ls -l "$artifacts" >&2
	# Keep the reproducers; drop only the copied corpus.
	rm -rf "$corpus"
	exit 1
fi
rm -rf "$work"
exit 0
