#!/bin/sh
# run-fuzz.sh: runs one of the fuzzers for a bounded time over a seed corpus
# copied (or written) into a temporary directory, so the tree is never
# written to. Builds nothing: build the fuzzers first
# (./configure CC=clang --enable-fuzz;
#  make tests/fuzz/fuzz-flow-load tests/fuzz/fuzz-dhcp-parse).
#
# Usage: run-fuzz.sh FUZZER-BINARY SECONDS [SEED...]
# Each SEED is a directory whose files are copied into the corpus, or
# "written-by:VAR": the fuzzer itself writes its seeds into the directory
# named by the environment variable VAR, and exits. With no SEED, the corpus
# is every flow we have (tests/bad-flows/*.yaml and flows/*.yaml). So:
#   run-fuzz.sh tests/fuzz/fuzz-flow-load 60
#   run-fuzz.sh tests/fuzz/fuzz-dhcp-parse 60 written-by:FUZZ_DHCP_WRITE_SEEDS
# (the DHCP fuzzer writes one frame per message type and link type, so no
# binary seed lives in git). FUZZ_MAX_LEN bounds an input (default 65536;
# DHCP frames are at most a few KiB, and 9000 leaves room for jumbo frames);
# FUZZ_ARTIFACTS names where reproducers go.
# Exits non-zero when the fuzzer found a crash, a leak or a timeout; the
# reproducer is kept in the artifacts directory it names.
set -u

usage="usage: $0 FUZZER-BINARY SECONDS [SEEDDIR | written-by:VAR]..."
if [ $# -lt 2 ]; then
	echo "$usage" >&2
	exit 2
fi
fuzzer=$1
seconds=$2
shift 2
case $seconds in
'' | *[!0-9]*)
	echo "$0: SECONDS must be a whole number" >&2
	exit 2
	;;
esac
max_len=${FUZZ_MAX_LEN:-65536}
case $max_len in
'' | *[!0-9]*)
	echo "$0: FUZZ_MAX_LEN must be a whole number" >&2
	exit 2
	;;
esac
if [ ! -x "$fuzzer" ]; then
	echo "$0: $fuzzer is not an executable fuzzer" >&2
	exit 2
fi
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
if [ $# -eq 0 ]; then
	set -- "$srcdir/tests/bad-flows" "$srcdir/flows"
	pattern='*.yaml'
else
	pattern='*'
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/vmtriage-fuzz.XXXXXX") || exit 2
corpus=$work/corpus
artifacts=${FUZZ_ARTIFACTS:-$work/artifacts}
mkdir -p "$corpus" "$artifacts" || exit 2
for seed in "$@"; do
	case $seed in
	written-by:?*)
		var=${seed#written-by:}
		case $var in
		*[!A-Za-z0-9_]* | [0-9]*)
			echo "$0: $var is not an environment variable name" >&2
			rm -rf "$work"
			exit 2
			;;
		esac
		if ! env "$var=$corpus" "$fuzzer"; then
			echo "$0: the fuzzer could not write its seeds" >&2
			rm -rf "$work"
			exit 2
		fi
		;;
	*)
		if [ ! -d "$seed" ]; then
			echo "$0: $seed is not a directory of seeds" >&2
			echo "$usage" >&2
			rm -rf "$work"
			exit 2
		fi
		for f in "$seed"/$pattern; do
			[ -f "$f" ] || continue
			# Two directories may hold the same name: keep both seeds.
			cp "$f" "$corpus/$(basename "$seed")-$(basename "$f")"
		done
		;;
	esac
done
echo "# seed corpus: $(ls "$corpus" | wc -l) files; artifacts in $artifacts"

"$fuzzer" -max_total_time="$seconds" -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$artifacts/" -print_final_stats=1 "$corpus"
rc=$?

if [ $rc -ne 0 ] || [ -n "$(ls "$artifacts")" ]; then
	echo "$0: the fuzzer found a problem (exit $rc); reproducers:" >&2
	ls -l "$artifacts" >&2
	# Keep the reproducers; drop only the seed corpus.
	rm -rf "$corpus"
	exit 1
fi
rm -rf "$work"
exit 0
