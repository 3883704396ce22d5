#!/bin/sh
# zh.sh: the same kind of walk with LANGUAGE=zh_CN and a flow with Chinese
# texts: wide characters take two columns, lines wrap between them without
# cutting one in half, and the columns of the choices line up, at 80x24 and
# at the smallest size the wizard accepts (60x16).
. "$top_srcdir/tests/ui/ui-lib.sh"

# The chrome is Chinese too (po/zh_CN.po, found in the build tree's locale/):
# mask the host's OS where the start screen names it, as ui-lib.sh does for
# "this machine: linux".
mask_screen() {
	sed -E -e 's/[0-9]+ ms/N ms/g' -e 's/[0-9]+ seconds left/N seconds left/g' \
		-e 's/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/*/g' \
		-e 's/os=[a-z]+/os=OS/g' -e 's/this machine: [a-z]+/this machine: OS/g' \
		-e 's/还剩 [0-9]+ 秒/还剩 N 秒/g' -e 's/本机：[a-z]+/本机：OS/g'
}

# No line may be wider than the screen in columns (wc -L counts a Chinese
# character as two) and no character may be cut (a cut UTF-8 sequence is not
# valid text).
fits() {
	capture >"$tmp/screen"
	[ "$(wc -L <"$tmp/screen")" -le "$1" ] && iconv -f UTF-8 -t UTF-8 "$tmp/screen" >/dev/null 2>&1
}

ui_start 80 24 LANGUAGE=zh_CN
wait_for "请选择与您的情况最接近的问题。" >/dev/null
keys 3
expect_screen zh-ask "虚拟机使用哪种磁盘总线"
check "80x24: every line fits, no character cut" fits 80
keys j Enter
expect_screen zh-verdict "磁盘总线不是问题所在"
keys b
wait_for "虚拟机使用哪种磁盘总线" >/dev/null
keys 1
expect_screen zh-verdict-cause "客户机缺少 virtio 驱动"
keys ?
expect_screen zh-help "重新绘制屏幕"
check "help: every line fits, no character cut" fits 80
keys Escape
wait_gone "重新绘制屏幕" >/dev/null
keys q
check "q quits" wait_exit

ui_start 60 16 LANGUAGE=zh_CN
wait_for "请选择与您的情况最接近的问题。" >/dev/null
keys 3
expect_screen zh-ask-60x16 "虚拟机使用哪种磁盘总线"
check "60x16: every line fits, no character cut" fits 60
keys b
expect_screen zh-start-60x16 "迁移后的虚拟机无法启动"
keys q
check "q quits (60x16)" wait_exit
tap_done
