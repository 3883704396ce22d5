#!/bin/sh
# dhcp.sh: the dhcp probe against a real DHCP exchange, as root, in network
# namespaces this script makes and removes: a "host" namespace with a bridge
# named like Multipass's (mpqemubrNNNN) and dnsmasq started with Multipass's
# options, and a "guest" namespace joined to the bridge by a veth pair, where
# busybox udhcpc asks for an address. Each scenario breaks one thing:
# healthy (ok, and the capture ends at the ACK, well before its window), the
# bridge found by itself, REQUEST dropped by nft (offer_no_ack), dnsmasq
# stopped (no_reply), no client at all (no_request), and a capture without
# root (error, saying sudo is needed). No packet leaves the namespaces.
# The namespaces, dnsmasq and the teardown come from lab-lib.sh.
. "$top_srcdir/tests/cli/tap.sh"
. "$top_srcdir/tests/lab/lab-lib.sh"

lab_need_root "needs root to make network namespaces and capture"
lab_need_tools ip dnsmasq busybox nft ethtool setpriv
lab_c_locale

H=$(lab_name dhcp-h)
G=$(lab_name dhcp-g)
BR=$(lab_bridge_name)
NET=10.97.5
MAC=52:54:00:12:34:56
lab_init "${TMPDIR:-/tmp}/vt-lab-dhcp.XXXXXX"
tmp=$lab_tmp
lab_netns_add "$H" "$G"

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# ---- the lab ---------------------------------------------------------------
setup() {
	lab_bridge "$H" "$BR" "$NET.1/24" &&
	lab_veth "$H" veth0 "$G" eth0 "$BR" &&
	ip -n "$G" link set eth0 address "$MAC" up &&
	# Without this the bridge sends the OFFER with a bad UDP checksum and udhcpc drops it.
	ip netns exec "$H" ethtool -K "$BR" tx off >/dev/null
}

# --no-ping: otherwise every OFFER waits about 3 s for a ping nobody answers.
start_dnsmasq() {
	lab_start_dnsmasq "$H" 'DHCP, IP range' --no-ping --bind-interfaces --interface="$BR" \
		--domain=multipass --dhcp-authoritative \
		--dhcp-range="$NET.10,$NET.200,1h" --dhcp-leasefile="$tmp/leases" \
		--pid-file="$tmp/dnsmasq.pid"
}

printf '#!/bin/sh\n# udhcpc hook: configure nothing, touch no resolv.conf.\nexit 0\n' >"$tmp/hook"
chmod 755 "$tmp/hook"

# The client, in the guest; in the background when $1 is "bg".
client() {
	if [ "$1" = bg ]; then
		"$nsexec" "$G" busybox udhcpc -i eth0 -f -q -n -t 3 -T 1 -x hostname:primary \
			-s "$tmp/hook" >"$tmp/udhcpc.log" 2>&1 &
		client_pid=$!
		lab_track "$client_pid"
	else
		ip netns exec "$G" busybox udhcpc -i eth0 -f -q -n -t 3 -T 1 -x hostname:primary \
			-s "$tmp/hook" >"$tmp/udhcpc.log" 2>&1
	fi
}

# The window is over: a client still retrying must not spill into the next scenario.
stop_client() {
	kill "$client_pid" 2>/dev/null
	wait "$client_pid" 2>/dev/null
}

# Starts the probe in the host namespace with the given KEY=VALUE words; its
# YAML goes to $tmp/out. Returns once it holds a packet socket (or has ended).
start_probe() {
	: >"$tmp/out"
	probe_start=$(now_ms)
	"$nsexec" "$H" "$VMTRIAGE" probe dhcp "$@" --format yaml >"$tmp/out" 2>"$tmp/err" &
	probe_pid=$!
	lab_track "$probe_pid"
	wait_packet_socket
}

# Returns once $probe_pid holds a packet socket (or has ended).
wait_packet_socket() {
	i=0
	while [ $i -lt 100 ] && kill -0 "$probe_pid" 2>/dev/null; do
		for ino in $(awk 'NR > 1 { print $NF }' "/proc/$probe_pid/net/packet" 2>/dev/null); do
			if ls -l "/proc/$probe_pid/fd" 2>/dev/null | grep -q "socket:\[$ino\]"; then
				# The filter is attached right after the socket opens.
				sleep 0.2
				return 0
			fi
		done
		i=$((i + 1))
		sleep 0.1
	done
}

# Waits for the probe, killing it if it overruns its window by far (a hang guard, not a timing test).
finish_probe() {
	guard=$1
	# The guard's own sleep must go with it: a stray sleep would hold the test's output pipe open.
	(
		sleep "$guard" &
		sleep_pid=$!
		trap 'kill "$sleep_pid" 2>/dev/null; exit 0' TERM
		wait "$sleep_pid" && kill "$probe_pid" 2>/dev/null
	) >/dev/null 2>&1 &
	guard_pid=$!
	wait "$probe_pid"
	probe_rc=$?
	probe_end=$(now_ms)
	kill "$guard_pid" 2>/dev/null
	wait "$guard_pid" 2>/dev/null
	probe_wall=$((probe_end - probe_start))
}

# What check adds when the outcome is wrong: the client's side.
lab_diag() {
	echo '--- udhcpc'
	cat "$tmp/udhcpc.log" 2>/dev/null
}

lab_start=$(now_ms)
if ! setup; then
	not_ok "lab setup"
	tap_done
fi
if ! start_dnsmasq; then
	not_ok "dnsmasq starts" "$(cat "$tmp/dnsmasq.log")"
	tap_done
fi
lab_ready=$(now_ms)

# ---- healthy: ok, stopping at the ACK -----------------------------------------
start_probe interface="$BR" seconds=15
client fg
client_rc=$?
finish_probe 45
check "healthy: ok with facts and one line per packet" ok \
	"dhcp.interface: $BR" "dhcp.client_mac: '$MAC'" "dhcp.address: '$NET." \
	"dhcp.server: '$NET.1'" "dhcp.acks: '1'" "dhcp.hostname: primary" \
	"DISCOVER xid 0x" "from $MAC hostname \"primary\"" "OFFER $NET." "REQUEST xid 0x" \
	"ACK $NET." "to $MAC from $NET.1" "stopped at the first ACK"
elapsed=$(yaml_value elapsed_ms)
if [ $client_rc = 0 ] && [ -n "$elapsed" ] && [ "$elapsed" -lt 15000 ]; then
	ok "healthy: the probe ends at the ACK, before its 15 s window"
else
	not_ok "healthy: elapsed ${elapsed:-?} ms, client exit $client_rc (window 15 s)" \
		"$(cat "$tmp/udhcpc.log")"
fi
# Where the time goes: the DHCP exchange itself is the span from DISCOVER to ACK.
first=$(sed -n "s/^- '+\([0-9.]*\)s DISCOVER.*/\1/p" "$tmp/out" | head -n 1)
last=$(sed -n "s/^- '+\([0-9.]*\)s ACK.*/\1/p" "$tmp/out" | head -n 1)
echo "# healthy cycle: lab built and dnsmasq ready in $((lab_ready - lab_start)) ms;" \
	"probe start to ok ${probe_wall} ms wall clock (the probe's elapsed_ms ${elapsed:-?}," \
	"window 15 s); DISCOVER at +${first:-?}s and ACK at +${last:-?}s into the capture"
[ $probe_rc = 0 ] && ok "healthy: exit status 0" || not_ok "healthy: exit status $probe_rc"

# ---- the bridge found by itself -------------------------------------------------
start_probe seconds=15
client fg
finish_probe 45
check "no interface named: finds $BR by itself" ok "dhcp.interface: $BR" \
	"on $BR for up to 15 s"

# ---- REQUEST dropped: offer_no_ack ----------------------------------------------
# Option 53 opens the options of every DHCP client we know (udhcpc, dhclient,
# systemd-networkd), right after the 236-byte BOOTP part and the 4-byte cookie:
# UDP payload byte 240, i.e. 248 bytes (bit 1984) into the transport header.
# 53, 1, 3 is "message type REQUEST". The capture sees the packet before the
# input hook drops it on its way to dnsmasq.
ip netns exec "$H" nft -f - <<EOF
table inet vtdhcp {
	chain input {
		type filter hook input priority 0; policy accept;
		udp dport 67 @th,1984,24 0x350103 counter drop
	}
}
EOF
start_probe interface="$BR" seconds=6
client bg
finish_probe 40
stop_client
check "REQUEST dropped by nft: offer_no_ack" offer_no_ack "dhcp.acks: '0'" "dhcp.address: '$NET." \
	"OFFER $NET." "REQUEST xid 0x" "window of 6 s closed"
dropped=$(ip netns exec "$H" nft list table inet vtdhcp | sed -n 's/.*counter packets \([0-9]*\).*/\1/p')
if [ "${dropped:-0}" -gt 0 ]; then ok "the nft rule dropped $dropped REQUEST(s)"; else not_ok "the nft rule dropped nothing"; fi
ip netns exec "$H" nft delete table inet vtdhcp

# ---- collect --capture: a snapshot keeps the exchange, and replays it ----------
probe_start=$(now_ms)
"$nsexec" "$H" "$VMTRIAGE" collect --quiet --capture 15 -o "$tmp/snap.yaml" \
	>"$tmp/collect.out" 2>"$tmp/collect.err" &
probe_pid=$!
lab_track "$probe_pid"
wait_packet_socket
client fg
finish_probe 60
if [ "$probe_rc" = 0 ] && grep -q '/.vmtriage/dhcp.pcap' "$tmp/snap.yaml"; then
	ok "collect --capture keeps the DHCP capture in the snapshot"
else
	not_ok "collect --capture keeps the DHCP capture in the snapshot" \
		"$(cat "$tmp/collect.out" "$tmp/collect.err"; head -40 "$tmp/snap.yaml")"
fi
"$VMTRIAGE" --snapshot "$tmp/snap.yaml" probe dhcp --format yaml >"$tmp/out" 2>"$tmp/err"
check "the snapshot's capture replays the exchange: ok" ok "dhcp.client_mac: '$MAC'" \
	"DISCOVER xid 0x" "ACK $NET." "the capture vmtriage collect made"

# ---- dnsmasq stopped: no_reply --------------------------------------------------
lab_stop_dnsmasq
start_probe interface="$BR" seconds=5
client bg
finish_probe 40
stop_client
check "dnsmasq stopped: no_reply" no_reply "dhcp.offers: '0'" "dhcp.client_mac: '$MAC'" \
	"DISCOVER xid 0x" "no DHCP server answered"

# ---- no client at all: no_request -----------------------------------------------
start_probe interface="$BR" seconds=3
finish_probe 30
check "no client: no_request" no_request "dhcp.requests: '0'" "window of 3 s closed" \
	"never asked"

# ---- a capture without root -----------------------------------------------------
# A copy of the binary where nobody can run it (the build tree may sit under /root).
mkdir -p "$tmp/bin" && cp "$VMTRIAGE" "$tmp/bin/vmtriage" && chmod 755 "$tmp" "$tmp/bin" "$tmp/bin/vmtriage"
probe_start=$(now_ms)
ip netns exec "$H" setpriv --reuid=65534 --regid=65534 --clear-groups \
	"$tmp/bin/vmtriage" probe dhcp interface="$BR" seconds=2 --format yaml >"$tmp/out" 2>"$tmp/err"
check "not root: error saying sudo is needed" error "needs root" "sudo" "dhcp.interface: $BR"

tap_done
