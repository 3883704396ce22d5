#!/bin/sh
# set.sh: facts given with --set reach the probes. A fact named PROBE.PARAM
# sets that parameter of every step running that probe (over the flow's own
# value), a fact named like a parameter fills it where the step leaves it
# open, and what the user gives is never replaced by what a probe finds.
# --set before the command gives facts to any walk (and to the wizard).
. "$top_srcdir/tests/cli/tap.sh"
cd "$top_srcdir" || exit 1
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
XDG_STATE_HOME=$tmp/state
LC_ALL=C.UTF-8
export XDG_STATE_HOME LC_ALL
unset LANGUAGE

now=$(date -u +%Y-%m-%dT%H:%M:%S)
now_s=$(date -u +%s)
# A multipassd log at debug level, as the daemon writes it, in a place no default names.
cat >"$tmp/mpd.log" <<LOG
[$now.001] [info] [daemon] Starting Multipass 1.14.0
[$now.002] [info] [daemon] Daemon arguments: /usr/bin/multipassd --verbosity debug
[$now.500] [debug] [lab] QMP: {"timestamp": {"seconds": $now_s, "microseconds": 500871}, "event": "NIC_RX_FILTER_CHANGED", "data": {"path": "/machine/unattached/device[7]/virtio-backend"}}
LOG

out=$tmp/out
check_out() {
	if grep -qF -- "$2" "$out"; then ok "$1"; else not_ok "$1" "$(tail -n 30 "$out")"; fi
}

# log.file points the log step at the lab's log; instance names whose lines count.
"$VMTRIAGE" run launch-start --auto --from nic-log --set instance=lab \
	--set "log.file=$tmp/mpd.log" --set dhcp.interface=vt-none0 --set dhcp.seconds=1 \
	>"$out" 2>&1
check_out "log.file reaches the log step: the event is found there" "result: found"
check_out "the evidence is the lab's line" "NIC_RX_FILTER_CHANGED"
# dhcp.interface and dhcp.seconds override the flow's 60 s on the default bridge.
check_out "dhcp.interface reaches the DHCP step" "vt-none0"
if grep -q "result: found" "$out" && ! grep -q "(6[0-9][0-9][0-9][0-9] ms)" "$out"; then
	ok "dhcp.seconds overrides the flow's 60 seconds"
else
	not_ok "dhcp.seconds overrides the flow's 60 seconds" "$(tail -n 20 "$out")"
fi

# Another instance's name: the same log holds nothing for it.
"$VMTRIAGE" run launch-start --auto --from nic-log --set instance=other \
	--set "log.file=$tmp/mpd.log" --set dhcp.interface=vt-none0 --set dhcp.seconds=1 \
	>"$out" 2>&1
check_out "the instance given decides which lines count" "result: not_found"

# --set before the command works the same, for run as for the wizard.
"$VMTRIAGE" --set instance=lab --set "log.file=$tmp/mpd.log" --set dhcp.interface=vt-none0 \
	--set dhcp.seconds=1 run launch-start --auto --from nic-log >"$out" 2>&1
check_out "--set before the command gives the walk its facts" "result: found"
f=$(ls "$XDG_STATE_HOME"/vmtriage/sessions/*-launch-start.yaml 2>/dev/null | tail -n 1)
if [ -n "$f" ] && grep -q "log.file: $tmp/mpd.log" "$f"; then
	ok "the session records the facts given"
else
	not_ok "the session records the facts given" "$(head -n 30 "$f" 2>/dev/null)"
fi

# Bad --set: a clear message and the usage exit status, wherever it stands.
"$VMTRIAGE" --set novalue run launch-start --auto >"$out" 2>&1
st=$?
if [ "$st" = 2 ] && grep -qF -- "--set takes KEY=VALUE, not 'novalue'" "$out"; then
	ok "--set without = before the command: exit 2 and why"
else
	not_ok "--set without = before the command: exit 2 and why" "exit $st: $(cat "$out")"
fi
"$VMTRIAGE" --set >"$out" 2>&1
st=$?
if [ "$st" = 2 ] && grep -qF -- "--set needs a value" "$out"; then
	ok "--set with nothing after it: exit 2 and why"
else
	not_ok "--set with nothing after it: exit 2 and why" "exit $st: $(cat "$out")"
fi
"$VMTRIAGE" run launch-start --auto --set =x >"$out" 2>&1
st=$?
if [ "$st" = 2 ] && grep -qF -- "--set takes KEY=VALUE, not '=x'" "$out"; then
	ok "--set with an empty key after the command: exit 2 and why"
else
	not_ok "--set with an empty key after the command: exit 2 and why" "exit $st: $(cat "$out")"
fi
tap_done
