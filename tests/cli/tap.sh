# tap.sh: sourced by the shell tests; prints TAP so automake's driver counts each case.
# Usage: tap_plan N; ok "name"; not_ok "name" "why"; skip_all "why"; tap_check "name" cmd...
tap_n=0
tap_failed=0
tap_plan() { echo "1..$1"; }
ok() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $1"; }
not_ok() {
	tap_n=$((tap_n + 1)); tap_failed=$((tap_failed + 1))
	echo "not ok $tap_n - $1"
	[ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/# /'
	return 0
}
skip_all() { echo "1..0 # SKIP $1"; exit 0; }
tap_done() { echo "1..$tap_n"; exit 0; }
: "${VMTRIAGE:?VMTRIAGE must name the vmtriage binary}"
: "${top_srcdir:?top_srcdir must be set}"
