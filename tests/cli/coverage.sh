#!/bin/sh
# coverage.sh: flows/COVERAGE.md against the source documents and the flows.
# Every section of every document in the seeds directory must have a row in
# the table, and every FLOW:NODE the table names must exist in the flows.
# A section is a Markdown heading outside code fences (002, which has none,
# by its own section titles, listed below and checked to be in the file); a
# heading that occurs twice in a file is named "PARENT > HEADING". A row may
# name no step only when its section has nothing of its own to cover: no
# text before the next heading but links (a table of contents, "related
# documentation") or nothing at all (a heading whose content is its subsections).
# The documents live beside the repository (../shared/seeds); a tree without
# them (make distcheck's copy) skips this test.
. "$top_srcdir/tests/cli/tap.sh"
self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
cd "$top_srcdir" || exit 1
seeds=${VMTRIAGE_SEEDS:-../shared/seeds}
table=${VMTRIAGE_COVERAGE_TABLE:-flows/COVERAGE.md}
[ -d "$seeds" ] || skip_all "no source documents at $seeds"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

# 002 has no Markdown headings: its section titles, each a line of its own.
sections_002='Multipass在macOS Sequoia 15.0上的实例启动问题分析与解决方案
问题现象
问题根源分析
解决方案
临时解决方案
长期解决方案
预防措施
技术深度解析'

# sections FILE [TITLES]: one line per section, "NAME<TAB>own" or "NAME<TAB>empty".
sections() {
	printf '%s\n' "${2:-}" >"$tmp/titles"
	awk -v titled="${2:+1}" -v titles="$tmp/titles" '
	BEGIN {
		FS = "\t"
		if (titled) while ((getline t < titles) > 0) if (t != "") is_title[t] = 1
	}
	function flush() {
		if (n > 0) own[n] = body ? "own" : "empty"
	}
	# A code block opens and closes with ``` after any indent; ```{note}...``` on one line is neither.
	/^ *```/ && !/^ *```.*```$/ { fence = !fence; if (n > 0) body = 1; next }
	{
		line = $0; sub(/[ \t]+$/, "", line)
		level = 0
		if (!fence && !titled && match(line, /^#+ /)) {
			level = RLENGTH - 1; text = substr(line, RLENGTH + 1)
		} else if (titled && (line in is_title)) {
			level = (n == 0) ? 1 : 2; text = line
		}
		if (level > 0) {
			flush()
			n++; name[n] = text; lvl[n] = level; body = 0
			# The nearest heading above of a higher level.
			parent[n] = ""
			for (i = n - 1; i > 0; i--) if (lvl[i] < level) { parent[n] = name[i]; break }
			count[text]++
			next
		}
		if (n == 0 || fence) { if (fence && n > 0) body = 1; next }
		# Text of its own: not blank, not a rule, not a comment, not a link-only item.
		t = line; gsub(/^[ \t]+/, "", t)
		if (t == "" || t ~ /^(---+|\*\*\*+)$/ || t ~ /^<!--.*-->$/) next
		if (t ~ /^([-*]|[0-9]+\.) *\[[^]]*\]\([^)]*\) *$/) next
		body = 1
	}
	END {
		flush()
		for (i = 1; i <= n; i++) {
			s = name[i]
			if (count[s] > 1 && parent[i] != "") s = parent[i] " > " s
			print s "\t" own[i]
		}
	}' "$1"
}

# The table: "FILE<TAB>SECTION<TAB>CELL" for each row whose first cell names a seed file.
sed -n 's/^| *\([0-9][0-9][0-9]_[^ |]*\.txt\) *| *\(.*[^ ]\) *| *\(.*[^ ]\) *|$/\1\t\2\t\3/p' \
	"$table" >"$tmp/rows"
[ -s "$tmp/rows" ] || { not_ok "$table has no rows"; tap_done; }

# The nodes of every shipped flow, as FLOW:NODE.
: >"$tmp/nodes"
for f in flows/*.yaml; do
	flow=$(basename "$f" .yaml)
	"$VMTRIAGE" graph "$flow" | sed -n "s/^  \"\\([^\"]*\\)\" \\[label=.*/$flow:\\1/p" >>"$tmp/nodes"
done
sort -u -o "$tmp/nodes" "$tmp/nodes"

nfiles=0
for seed in "$seeds"/[0-9][0-9][0-9]_*.txt; do
	[ -f "$seed" ] || continue
	nfiles=$((nfiles + 1))
	file=$(basename "$seed")
	titles=
	case $file in
	002_*)
		titles=$sections_002
		printf '%s\n' "$titles" | while IFS= read -r t; do
			grep -qxF "$t" "$seed" || echo "$t"
		done >"$tmp/absent"
		if [ -s "$tmp/absent" ]; then
			not_ok "$file: section titles this test expects are not in the document" \
				"$(cat "$tmp/absent")"
		fi
		;;
	esac
	sections "$seed" "$titles" >"$tmp/sections"
	while IFS="$(printf '\t')" read -r section own; do
		cell=$(awk -F '\t' -v f="$file" -v s="$section" '$1 == f && $2 == s { print $3; exit }' "$tmp/rows")
		if [ -z "$cell" ]; then
			not_ok "$file: \"$section\" has no row in $table"
			continue
		fi
		printf '%s\n' "$cell" | grep -oE '[a-z0-9][a-z0-9-]*:[a-z0-9][a-z0-9-]*' >"$tmp/refs"
		if [ ! -s "$tmp/refs" ]; then
			if [ "$own" = own ]; then
				not_ok "$file: \"$section\" has text of its own but its row names no flow step"
			else
				ok "$file: \"$section\" (no text of its own)"
			fi
			continue
		fi
		bad=$(sort -u "$tmp/refs" | comm -23 - "$tmp/nodes")
		if [ -n "$bad" ]; then
			not_ok "$file: \"$section\" names steps that do not exist" "$bad"
		else
			ok "$file: \"$section\" -> $(wc -l <"$tmp/refs") steps"
		fi
	done <"$tmp/sections"
	# Rows for sections the document does not have (renamed, mistyped).
	awk -F '\t' -v f="$file" '$1 == f { print $2 }' "$tmp/rows" | while IFS= read -r s; do
		cut -f1 "$tmp/sections" | grep -qxF -- "$s" || echo "$s"
	done >"$tmp/extra"
	if [ -s "$tmp/extra" ]; then
		not_ok "$file: rows for sections the document does not have" "$(cat "$tmp/extra")"
	fi
done
[ "$nfiles" -gt 0 ] || not_ok "no source documents in $seeds"

# The test itself, on a broken copy of the table: a step renamed to one that
# does not exist and a row left out must both be reported.
if [ -z "${VMTRIAGE_COVERAGE_TABLE:-}" ]; then
	sed -e '0,/launch-start:hash/s//launch-start:no-such-step/' \
		-e '/| Stale network cache |/d' "$table" >"$tmp/broken.md"
	VMTRIAGE_COVERAGE_TABLE=$tmp/broken.md sh "$self" >"$tmp/broken.out" 2>&1
	if grep -q '^not ok.*names steps that do not exist' "$tmp/broken.out" &&
		grep -q '^# launch-start:no-such-step$' "$tmp/broken.out" &&
		grep -q '^not ok.*"Stale network cache" has no row' "$tmp/broken.out"; then
		ok "a broken table (a step that does not exist, a row left out) is reported"
	else
		not_ok "a broken table is not reported as broken" "$(grep -v '^ok' "$tmp/broken.out")"
	fi
fi
tap_done
