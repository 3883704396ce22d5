#!/bin/sh
# lang.sh: a shipped flow (migration-boot), translated through the message
# catalogues, in the wizard. It starts in the language the environment names
# (German); the key l goes to the next language (English, Chinese, Spanish,
# German...) and the walk stays on its step, with the step's question and
# choices in the new language; a step taken after the switch is in it too,
# and going back keeps it. Chinese lines fit the screen by display width.
. "$top_srcdir/tests/ui/ui-lib.sh"

rm -f "$tmp/flows"/*.yaml
cp "$top_srcdir/flows/migration-boot.yaml" "$tmp/flows/"

# The start screen names this machine's OS in each language: mask it.
mask_screen() {
	sed -E -e 's/[0-9]+ ms/N ms/g' -e 's/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/*/g' \
		-e 's/(: |：)(linux|darwin|windows)/\1OS/g'
}
fits() {
	capture >"$tmp/screen"
	[ "$(wc -L <"$tmp/screen")" -le "$1" ] && iconv -f UTF-8 -t UTF-8 "$tmp/screen" >/dev/null 2>&1
}
# lacks TEXT: the screen does not show TEXT (English left behind).
lacks() {
	capture >"$tmp/screen"
	! grep -qF -- "$1" "$tmp/screen"
}

DE_START="Wählen Sie das Problem, das Ihrem am nächsten kommt."
DE_ASK="Wo bleibt die migrierte VM beim Booten stehen?"
EN_VERDICT="Windows has no VirtIO storage driver that starts at boot."
ES_VERDICT="Windows no tiene un controlador de almacenamiento VirtIO"

ui_start 80 24 LANGUAGE=de
wait_for "$DE_START" >/dev/null
keys 1
expect_screen lang-de-ask "$DE_ASK"
check "de: the step's English question is not shown" lacks "Where does the migrated VM stop"
check "de: the choices' English is not shown" lacks "Something else"

keys l
expect_screen lang-en-ask "Where does the migrated VM stop when it boots?"
check "l: English, on the same step" lacks "$DE_ASK"

keys l
expect_screen lang-zh-ask "迁移后的虚拟机在启动时停在哪里"
check "zh_CN: every line fits by display width, no character cut" fits 80

keys l
expect_screen lang-es-ask "¿Dónde se detiene la VM migrada al arrancar?"
keys 4
expect_screen lang-es-verdict "$ES_VERDICT"
check "es: the verdict's English title is not shown" lacks "$EN_VERDICT"
keys b
wait_for "¿Dónde se detiene la VM migrada al arrancar?" >/dev/null

keys l
wait_for "$DE_ASK" >/dev/null
check "l after es: German again, on the same step" lacks "¿Dónde se detiene"
keys q
check "q quits" wait_exit
tap_done
