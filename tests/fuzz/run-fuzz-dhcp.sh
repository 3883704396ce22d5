#!/bin/sh
# run-fuzz-dhcp.sh: runs the DHCP parser's fuzzer for a bounded time. The seed
# corpus (one frame per message type and link type) is written by the fuzzer
# itself into a temporary directory, so the tree holds no binary seeds and is
# never written to. Builds nothing: build the fuzzer first
# (./configure CC=clang --enable-fuzz; make tests/fuzz/fuzz-dhcp-parse).
#
# Usage: run-fuzz-dhcp.sh FUZZER-BINARY SECONDS
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

work=$(mktemp -d "${TMPDIR:-/tmp}/vmtriage-fuzz-dhcp.XXXXXX") || exit 2
corpus=$work/corpus
artifacts=${FUZZ_ARTIFACTS:-$work/artifacts}
mkdir -p "$corpus" "$artifacts" || exit 2
if ! FUZZ_DHCP_WRITE_SEEDS=$corpus "$fuzzer"; then
	echo "$0: the fuzzer could not write its seeds" >&2
	rm -rf "$work"
	exit 2
fi
echo "# seed corpus: $(ls "$corpus" | wc -l) frames; artifacts in $artifacts"

# Frames are at most a few KiB; -max_len leaves room for jumbo frames.
"$fuzzer" -max_total_time="$seconds" -max_len=9000 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$artifacts/" -print_final_stats=1 "$corpus"
rc=$?

if [ $rc -ne 0 ] || [ -n "$(ls "$artifacts")" ]; then
	echo "$0: the fuzzer found a problem (exit $rc); reproducers:" >&2
	ls -l "$artifacts" >&2
	rm -rf "$corpus"
	exit 1
fi
rm -rf "$work"
exit 0
