#!/bin/sh
# po.sh: the translations. po/flows.pot holds every text of every shipped
# flow (vmtriage pot writes it again identically), every one of them reached
# po/vmtriage.pot, and each catalogue of po/LINGUAS is complete: every
# message translated, none fuzzy, msgfmt --check clean (formats match), and
# in every translation the {{placeholders}} are those of the English and
# the indented lines of a flow text (commands, paths, program output) are
# there unchanged.
. "$top_srcdir/tests/cli/tap.sh"
cd "$top_srcdir" || exit 1
command -v msgfmt >/dev/null 2>&1 || skip_all "gettext's tools are not installed"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

"$VMTRIAGE" pot flows/*.yaml >"$tmp/flows.pot" 2>"$tmp/err"
if [ $? = 0 ] && cmp -s "$tmp/flows.pot" po/flows.pot; then
	ok "po/flows.pot holds the texts of the flows as they are"
else
	not_ok "po/flows.pot is behind the flows: run make update-po" \
		"$(cat "$tmp/err"; diff po/flows.pot "$tmp/flows.pot" | head -n 20)"
fi
n=$(grep -c '^msgctxt' "$tmp/flows.pot")
if [ "$n" -gt 1000 ]; then ok "the flows give $n texts to translate"; else
	not_ok "the flows give only $n texts to translate"; fi

# The template as the sources make it now (po/vmtriage.pot may be older):
# xgettext with po/Makevars's options over po/POTFILES.in, flows.pot included.
opts=$(sed -n 's/^XGETTEXT_OPTIONS *= *//p' po/Makevars)
# shellcheck disable=SC2086 # the options are words of their own
if xgettext $opts --directory=. --files-from=po/POTFILES.in -o "$tmp/fresh.pot" 2>"$tmp/err"; then
	ok "xgettext makes the template from po/POTFILES.in"
else
	not_ok "xgettext makes the template from po/POTFILES.in" "$(cat "$tmp/err")"
fi
# Every flow text is in the template the catalogues are made from.
sed -n 's/^msgctxt //p' po/flows.pot | sort -u >"$tmp/want"
sed -n 's/^msgctxt //p' "$tmp/fresh.pot" | sort -u >"$tmp/have"
missing=$(comm -23 "$tmp/want" "$tmp/have")
if [ -z "$missing" ]; then ok "every flow text reached the template"; else
	not_ok "flow texts not in the template" "$(echo "$missing" | head)"; fi

for lang in $(grep -v '^#' po/LINGUAS); do
	po=po/$lang.po
	if [ ! -f "$po" ]; then
		not_ok "$lang: po/LINGUAS lists it, but $po does not exist"
		continue
	fi
	stats=$(LC_ALL=C msgfmt --check --statistics -o /dev/null "$po" 2>&1)
	st=$?
	if [ $st = 0 ] && ! echo "$stats" | grep -qE 'fuzzy|untranslated'; then
		ok "$lang: $stats"
	else
		not_ok "$lang: not complete, or msgfmt --check fails" "$stats"
	fi
	if LC_ALL=C msgcmp "$po" "$tmp/fresh.pot" >"$tmp/cmp" 2>&1; then
		ok "$lang: every message of the template is translated"
	else
		not_ok "$lang: messages of the template not translated (make update-po)" \
			"$(grep -c 'not defined' "$tmp/cmp") messages; $(head -n 10 "$tmp/cmp")"
	fi
	awk -f tests/cli/po-check.awk "$po" >"$tmp/bad" 2>&1
	if [ ! -s "$tmp/bad" ]; then
		ok "$lang: placeholders and commands are kept as they are"
	else
		not_ok "$lang: translations that change placeholders or commands" "$(head -n 10 "$tmp/bad")"
	fi
done
tap_done
