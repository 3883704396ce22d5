#!/bin/sh
# instance.sh: vmtriage end to end against a real instance: for each of the
# lab's scenarios (lab/vmlab scenarios), a QEMU guest on a Multipass-like
# bridge, broken on purpose, and `vmtriage run launch-start --auto` inside the
# lab's host namespace must reach the verdict the documents give for that
# failure, with its evidence. Where a fix exists and can run here (the route
# re-added, a DNS server given to the guest, the image repaired), it runs
# from an answers file, its verification passes, and the instance works
# afterwards (looked at by a probe of its own). Two scenarios are walked in
# the curses wizard too, in tmux.
#
# What is real: the kernel and its virtio NIC, QEMU's QMP events logged as
# multipassd logs them, dnsmasq with multipassd's options answering DHCP and
# DNS, dropbear in the guest, the qcow2 image, the firewall and the routes of
# the lab's namespace. What stands in: the multipass client (lab/multipass)
# and, in the guest, cloud-init's status and systemctl (lab/README.md).
#
# Needs root (namespaces, taps) and QEMU; skips (77) without them, and where
# namespaces cannot be entered (a bare chroot). Nothing leaves the namespace:
# the lab has no upstream DNS and no route out. Every lab is torn down by
# lab/vmlab down, by PID, also when this script is stopped half way.
. "$top_srcdir/tests/cli/tap.sh"
. "$top_srcdir/tests/lab/lab-lib.sh"

lab_need_root "needs root: network namespaces, taps and QEMU (CI runs as root)"
lab_need_tools ip qemu-system-x86_64 qemu-img dnsmasq dropbear iptables nft tmux
lab_c_locale

VMLAB=$top_srcdir/lab/vmlab
VT_QMPLOG=$top_builddir/lab/vt-qmplog
export VT_QMPLOG
[ -x "$VT_QMPLOG" ] || skip_all "lab/vt-qmplog is not built (make)"

lab_init /tmp/vt-instance.XXXXXX
# Can this machine enter a namespace at all? (A bare chroot cannot.)
lab_netns_add "$(lab_name instprobe)"

# The guest is built once, from Debian's packages, into a cache.
if ! "$top_srcdir/lab/mkguest" >"$lab_tmp/mkguest.log" 2>&1; then
	not_ok "the lab guest builds from Debian packages" "$(tail -n 30 "$lab_tmp/mkguest.log")"
	tap_done
fi
ok "the lab guest builds from Debian packages"

# Sessions and known_hosts of these walks stay in the scratch directory.
XDG_STATE_HOME=$lab_tmp/state
export XDG_STATE_HOME
labs=
cleanup_labs() {
	for d in $labs; do
		[ -d "$d" ] && "$VMLAB" down "$d" >/dev/null 2>&1
	done
	lab_cleanup
}
trap cleanup_labs EXIT

# want SCENARIO: VMTRIAGE_LAB_SCENARIOS (a space-separated list) names it,
# or is unset: all of them. (CI's distcheck walks only healthy: the same
# tests ran twice before it, and each scenario is a QEMU boot.)
want() {
	case " ${VMTRIAGE_LAB_SCENARIOS:-$1} " in
	*" $1 "*) return 0 ;;
	esac
	return 1
}

# up SCENARIO: a lab of that scenario; its settings in $LAB_* (lab.env).
up() {
	dir=$("$VMLAB" up "$1" 2>"$lab_tmp/up.log" </dev/null)
	if [ -z "$dir" ] || [ ! -f "$dir/lab.env" ]; then
		not_ok "lab '$1' starts" "$(tail -n 40 "$lab_tmp/up.log")"
		[ -n "$dir" ] && [ -d "$dir" ] && "$VMLAB" down "$dir" >/dev/null 2>&1
		return 1
	fi
	labs="$labs $dir"
	# shellcheck disable=SC1091
	. "$dir/lab.env"
	return 0
}

down() {
	"$VMLAB" down "$LAB_DIR" >"$lab_tmp/down.log" 2>&1 ||
		not_ok "lab $LAB_SCENARIO is torn down" "$(cat "$lab_tmp/down.log")"
}

# walk OUT [ARGS...]: vmtriage run launch-start in the lab's host namespace.
walk() {
	out=$1
	shift
	# shellcheck disable=SC2086
	"$VMLAB" run "$LAB_DIR" "$VMTRIAGE" run launch-start $LAB_SET "$@" >"$out" 2>&1
}

diag() {
	cat "$1"
	echo "--- console (tail)"
	tail -n 15 "$LAB_CONSOLE" 2>/dev/null
	echo "--- multipassd log (tail)"
	tail -n 10 "$LAB_LOG" 2>/dev/null
}

# expect NAME OUT END TEXT...: the walk in OUT ended at END with every TEXT.
expect() {
	name=$1 out=$2 end=$3
	shift 3
	if ! grep -qF -- "$end" "$out"; then
		not_ok "$name: reaches $end" "$(diag "$out")"
		return 1
	fi
	for t in "$@"; do
		if ! grep -qF -- "$t" "$out"; then
			not_ok "$name: the evidence holds '$t'" "$(diag "$out")"
			return 1
		fi
	done
	ok "$name"
}

answers() {
	printf '%s\n' "$@" >"$lab_tmp/answers.yaml"
}

# probe_in_lab NAME ARGS...: one probe in the lab, its outcome in $lab_tmp/out.
probe_in_lab() {
	"$VMLAB" run "$LAB_DIR" "$VMTRIAGE" probe "$@" --format yaml >"$lab_tmp/out" \
		2>"$lab_tmp/err"
}

# ---- healthy ---------------------------------------------------------------
if want healthy && up healthy; then
	walk "$lab_tmp/healthy" --auto
	expect "healthy: every step passes and the instance is set up" "$lab_tmp/healthy" \
		"[end: launch-start:init-done]" \
		"NIC_RX_FILTER_CHANGED" "result: ok" "ACK $LAB_ADDR" "status: done" \
		"resolves in the guest"
	down
fi

# ---- the NIC never comes up: no event, no DHCP request: boot failure --------
if want nic-down && up nic-down; then
	walk "$lab_tmp/nic" --auto
	expect "nic-down: no NIC_RX_FILTER_CHANGED and no DHCP request: the boot-failure steps" \
		"$lab_tmp/nic" "Stopped: step 'boot-seen'" \
		"result: not_found" "result: no_request" "Watch the boot (QEMU)"
	down
fi

# ---- DHCP blocked: the event comes, the request is dropped: no IP ----------
if want dhcp-blocked && up dhcp-blocked; then
	walk "$lab_tmp/dhcp" --auto
	expect "dhcp-blocked: requests but no reply, and the rule that drops them" \
		"$lab_tmp/dhcp" "[end: launch-start:dhcp-blocked]" \
		"NIC_RX_FILTER_CHANGED" "result: no_reply" "result: dhcp_blocked" "dport 67"
	down
fi

# ---- a lease, but no SSH server ---------------------------------------------
if want no-sshd && up no-sshd; then
	walk "$lab_tmp/nosshd" --auto
	expect "no-sshd: an address, and port 22 refused" "$lab_tmp/nosshd" \
		"[end: launch-start:ssh-refused]" "ACK $LAB_ADDR" "result: refused"
	down
fi

# ---- SSH works, cloud-init is not finished ----------------------------------
if want cloud-init-running && up cloud-init-running; then
	walk "$lab_tmp/ci" --auto
	expect "cloud-init-running: in by SSH, cloud-init still running: wait or relaunch" \
		"$lab_tmp/ci" "Stopped: --auto never runs a fix" "result: not_finished" \
		"status: running" "Launch again with a longer timeout"
	down
fi

# ---- the guest's DNS server is dead: diagnosed, fixed in the guest ---------
if want dns-dead && up dns-dead; then
	walk "$lab_tmp/dns" --auto
	expect "dns-dead: names do not resolve in the instance" "$lab_tmp/dns" \
		"Stopped: --auto never runs a fix" "result: no_answer" "$LAB_DEAD_DNS" \
		"Give the instance a DNS server that answers"
	answers "dns-fix: run"
	walk "$lab_tmp/dns-fix" --answers "$lab_tmp/answers.yaml"
	expect "dns-dead: the fix gives the guest a server that answers, and it is verified" \
		"$lab_tmp/dns-fix" "[end: launch-start:dns-solved]" "result: ok"
	probe_in_lab guest check=lookup "address=$LAB_ADDR" "name=$LAB_NAME.multipass" \
		"key=$LAB_KEY" "known_hosts=$LAB_DIR/known_hosts" accept_new=true 2>/dev/null ||
		probe_in_lab guest check=lookup "address=$LAB_ADDR" "name=$LAB_NAME.multipass" \
			"key=$LAB_KEY"
	check "dns-dead: afterwards the instance resolves names" ok "$LAB_NAME.multipass"
	down
fi

# ---- the image is corrupt: QEMU does not start it ---------------------------
if want image-corrupt && up image-corrupt; then
	walk "$lab_tmp/img" --auto
	expect "image-corrupt: no boot, and qemu-img check finds the corruption" "$lab_tmp/img" \
		"Stopped: --auto never runs a fix" "result: corrupt" "Repair the image"
	answers "repair: run" 'retry: "yes"'
	walk "$lab_tmp/img-fix" --answers "$lab_tmp/answers.yaml"
	expect "image-corrupt: the repair runs and qemu-img check passes afterwards" \
		"$lab_tmp/img-fix" "[end: vm-boot-failure:solved]"
	if "$VMLAB" run "$LAB_DIR" multipass start "$LAB_NAME" >"$lab_tmp/start" 2>&1 &&
		"$VMLAB" run "$LAB_DIR" multipass list --format yaml >"$lab_tmp/list" 2>&1 &&
		grep -q "state: Running" "$lab_tmp/list"; then
		ok "image-corrupt: after the repair the instance starts"
	else
		not_ok "image-corrupt: after the repair the instance starts" \
			"$(cat "$lab_tmp/start" "$lab_tmp/list"; tail -n 20 "$LAB_CONSOLE")"
	fi
	down
fi

# ---- the route to the instances goes elsewhere: re-added and verified -------
if want route-elsewhere && up route-elsewhere; then
	walk "$lab_tmp/route" --auto
	expect "route-elsewhere: SSH times out, and the route leaves by another interface" \
		"$lab_tmp/route" "Stopped: --auto never runs a fix" "result: via_other" \
		"Route the instances' subnet through the bridge again"
	answers "route-fix: run" "route-fix.confirm: keep"
	walk "$lab_tmp/route-fix" --answers "$lab_tmp/answers.yaml"
	expect "route-elsewhere: the route is re-added, verified, and SSH works again" \
		"$lab_tmp/route-fix" "[end: launch-start:init-done]" "result: via_expected"
	probe_in_lab route "destination=$LAB_ADDR" "expect=$LAB_BRIDGE"
	check "route-elsewhere: afterwards the instance's address goes through the bridge" \
		via_expected "$LAB_BRIDGE"
	down
fi

# ---- the wizard, in tmux, on two of them ------------------------------------
# wizard SCENARIO VERDICT: the wizard in the lab, the launch/start problem
# picked on its start screen, Enter on every step until VERDICT shows.
wizard() {
	sock=vt-lab-ui-$$
	tmux -L "$sock" -f /dev/null new-session -d -x 100 -y 32 -n w \
		"env TERM=tmux-256color LANG=C.UTF-8 XDG_STATE_HOME=$XDG_STATE_HOME $VMLAB run $LAB_DIR \
$VMTRIAGE $LAB_SET; echo \$? >$lab_tmp/ui-exit; sleep 600" || return 1
	shot=$lab_tmp/ui-screen
	i=0
	while [ $i -lt 300 ]; do
		tmux -L "$sock" capture-pane -p -t w >"$shot" 2>/dev/null
		grep -q "Pick the problem closest to yours" "$shot" && break
		i=$((i + 1))
		sleep 0.1
	done
	tmux -L "$sock" send-keys -t w / && tmux -L "$sock" send-keys -t w -l "launch-start"
	sleep 0.5
	tmux -L "$sock" send-keys -t w Enter
	sleep 0.3
	tmux -L "$sock" send-keys -t w Enter
	i=0
	found=1
	while [ $i -lt 240 ]; do
		sleep 0.5
		tmux -L "$sock" capture-pane -p -t w >"$shot" 2>/dev/null
		if grep -qF -- "$2" "$shot"; then
			found=0
			break
		fi
		# A step shows its result or its text: Enter goes on; a running check is left alone.
		if ! grep -q "seconds left" "$shot"; then
			tmux -L "$sock" send-keys -t w Enter
		fi
		i=$((i + 1))
	done
	tmux -L "$sock" send-keys -t w q
	sleep 0.5
	tmux -L "$sock" kill-server >/dev/null 2>&1
	return $found
}

# wizard_on SCENARIO VERDICT EVIDENCE: the wizard on a new lab of SCENARIO
# ends on VERDICT, with the line EVIDENCE among "Why we believe it".
wizard_on() {
	want "$1" && up "$1" || return 0
	if wizard "$1" "$2" && grep -qF -- "$3" "$lab_tmp/ui-screen"; then
		ok "wizard, $1: the verdict and its evidence show on the curses screen"
		sed 's/^/#   /' "$lab_tmp/ui-screen"
	else
		not_ok "wizard, $1: the verdict and its evidence show on the curses screen" \
			"$(cat "$lab_tmp/ui-screen")"
	fi
	down
}
wizard_on healthy "Nothing wrong found: The instance is set up" \
	"Do names resolve in the instance? → ok"
wizard_on dhcp-blocked "A firewall rule drops the instances' DHCP requests" "→ dhcp_blocked"

# Nothing of the labs is left: no namespace, no QEMU of theirs.
left=$(ip netns list | grep -c '^vt-lab-')
if [ "$left" = 0 ]; then ok "every lab namespace is gone"; else
	not_ok "every lab namespace is gone" "$(ip netns list)"; fi
tap_done
