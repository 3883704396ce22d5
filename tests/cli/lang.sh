#!/bin/sh
# lang.sh: the language vmtriage speaks, from the environment (LANGUAGE,
# LC_ALL, LC_MESSAGES, LANG, in gettext's order) or --lang, even where the
# locale named is not installed (a fresh Debian has only C.UTF-8); messages
# and flow texts alike; English for a language it does not speak.
. "$top_srcdir/tests/cli/tap.sh"
cd "$top_srcdir" || exit 1
out=$(mktemp) || exit 1
trap 'rm -f "$out"' EXIT

# speaks WHAT WORDS [NAME=VALUE...] [-- ARGS...]: vmtriage ARGS --help, run with
# only those variables, starts with WORDS.
speaks() {
	what=$1 words=$2
	shift 2
	vars=
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		vars="$vars $1"
		shift
	done
	[ "${1:-}" = -- ] && shift
	# shellcheck disable=SC2086 # the variables are words of their own
	env -i PATH=/usr/bin:/bin $vars "$VMTRIAGE" "$@" --help >"$out" 2>&1
	if head -n 1 "$out" | grep -qF -- "$words"; then ok "$what"; else
		not_ok "$what" "$(head -n 3 "$out")"; fi
}
speaks "LANG=es_ES.UTF-8 (not installed): Spanish" "Uso:" LANG=es_ES.UTF-8
speaks "LANGUAGE=zh_CN under no locale at all: Chinese" "用法：" LANGUAGE=zh_CN
speaks "LANGUAGE wins over LANG" "Aufruf:" LANGUAGE=de LANG=es_ES.UTF-8
speaks "LC_ALL wins over LANG" "Aufruf:" LC_ALL=de_DE.UTF-8 LANG=es_ES.UTF-8
speaks "LC_MESSAGES wins over LANG" "用法：" LC_MESSAGES=zh_CN.UTF-8 LANG=es_ES.UTF-8
speaks "--lang wins over the environment" "Uso:" LANGUAGE=de -- --lang es
speaks "a language vmtriage does not speak: English" "Usage:" LANGUAGE=fr
speaks "C: English" "Usage:" LANG=C

# Flow texts come from the same catalogue, by flow, node and field.
env -i PATH=/usr/bin:/bin LANGUAGE=de "$VMTRIAGE" run migration-boot --answers /dev/null \
	>"$out" 2>&1 </dev/null
if grep -q '^# ' "$out" && ! grep -qF 'A VM migrated to KVM does not boot' "$out" &&
	! grep -qF 'Where does the migrated VM stop' "$out"; then
	ok "a shipped flow's title and question in German"
else
	not_ok "a shipped flow's title and question in German" "$(head -n 12 "$out")"
fi
env -i PATH=/usr/bin:/bin "$VMTRIAGE" --lang zh_CN run migration-boot --answers /dev/null \
	>"$out" 2>&1 </dev/null
if grep -qF '迁移到 KVM 的虚拟机无法启动' "$out" && grep -qF 'VFS: Cannot open root device' "$out"; then
	ok "zh_CN: the flow translated, the kernel's message quoted as it is"
else
	not_ok "zh_CN: the flow translated, the kernel's message quoted as it is" "$(head -n 12 "$out")"
fi
tap_done
