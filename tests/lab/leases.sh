#!/bin/sh
# leases.sh: the leases probe on lease files a real dnsmasq writes, as
# root, in network namespaces this script makes and removes: "H" with a
# bridge named like Multipass's (mpqemubrNNNN) and dnsmasq on it, started
# with the DHCP options Multipass gives it (infinite leases, client ids
# ignored, --dhcp-leasefile in a scratch directory), and two guests, G1 and
# G2, each joined to the bridge by a veth pair, where busybox udhcpc asks
# for an address with the host name "primary".
#
# G1 leases: found, with the address udhcpc got and G1's MAC. G2 asks with
# the same host name: dnsmasq takes the name off G1's lease, so the name
# still finds one lease (G2's) and G1's MAC finds its own, nameless one.
# The subnet moves (dnsmasq restarted on another range): G2's lease, not
# yet renewed, is stale for the new subnet, and found once renewed.
# dnsmasq without --dhcp-ignore-clid, as other setups run it: G1 asks with
# another client id, gets a second address, and the name is duplicate.
# Then a copy of the file cut mid-line (corrupt), a file that does not
# exist (no_file), and one an unprivileged user may not read (unreadable).
# No packet leaves the namespaces. The namespaces, dnsmasq and the teardown
# come from lab-lib.sh.
. "$top_srcdir/tests/cli/tap.sh"
. "$top_srcdir/tests/lab/lab-lib.sh"

lab_need_root "needs root to make network namespaces"
lab_need_tools ip dnsmasq busybox ethtool setpriv
lab_c_locale

n=$(($$ % 200 + 20))
H=$(lab_name ls-h)
G1=$(lab_name ls-g1)
G2=$(lab_name ls-g2)
BR=$(lab_bridge_name)
NET=10.97.$n
NET2=10.99.$n
MAC1=52:54:00:$(printf '%02x' $n):00:01
MAC2=52:54:00:$(printf '%02x' $n):00:02
lab_init "${TMPDIR:-/tmp}/vt-lab-leases.XXXXXX"
tmp=$lab_tmp
LEASES=$tmp/dnsmasq.leases
lab_netns_add "$H" "$G1" "$G2"

setup() {
	lab_bridge "$H" "$BR" "$NET.1/24" &&
	ip -n "$H" addr add "$NET2.1/24" dev "$BR" &&
	lab_veth "$H" veth1 "$G1" eth0 "$BR" &&
	lab_veth "$H" veth2 "$G2" eth0 "$BR" &&
	ip -n "$G1" link set eth0 address "$MAC1" up &&
	ip -n "$G2" link set eth0 address "$MAC2" up &&
	# Without this the bridge sends the OFFER with a bad UDP checksum and udhcpc drops it.
	ip netns exec "$H" ethtool -K "$BR" tx off >/dev/null
}

# start_dnsmasq SUBNET [OPTION...]: dnsmasq on the bridge with Multipass's
# DHCP options (dnsmasq_process_spec.cpp) and the range SUBNET.2-254;
# --no-ping spares each OFFER a 3 s wait.
start_dnsmasq() {
	lab_net=$1
	shift
	lab_start_dnsmasq "$H" 'DHCP, IP range' --no-ping --bind-interfaces --interface="$BR" \
		--domain=multipass --dhcp-authoritative --dhcp-no-override \
		--dhcp-range="$lab_net.2,$lab_net.254,infinite" --dhcp-leasefile="$LEASES" "$@"
}

printf '#!/bin/sh\n# udhcpc hook: configure nothing, touch no resolv.conf.\nexit 0\n' >"$tmp/hook"
chmod 755 "$tmp/hook"

# lease NS [UDHCPC OPTION...]: a DHCP exchange from NS with the host name
# "primary"; $got is the address it was given. Waits for dnsmasq to have
# written it to the file.
lease() {
	ns=$1
	shift
	got=
	ip netns exec "$ns" busybox udhcpc -i eth0 -f -q -n -t 3 -T 1 -x hostname:primary \
		-s "$tmp/hook" "$@" >"$tmp/udhcpc.log" 2>&1 || return 1
	got=$(sed -n 's/.*lease of \([0-9.]*\) obtained.*/\1/p' "$tmp/udhcpc.log")
	[ -n "$got" ] || return 1
	i=0
	while ! grep -q " $got " "$LEASES" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt 50 ] && return 1
		sleep 0.1
	done
}

# probe KEY=VALUE...: the leases probe, as root; YAML to $tmp/out.
probe() {
	"$VMTRIAGE" probe leases "$@" --format yaml >"$tmp/out" 2>"$tmp/err"
}

# What check adds when the outcome is wrong: the file and the client's side.
lab_diag() {
	echo "--- $LEASES"
	cat "$LEASES" 2>/dev/null
	echo '--- udhcpc'
	cat "$tmp/udhcpc.log" 2>/dev/null
}

# need NAME: a step the rest depends on worked, or the test ends here.
need() {
	if [ $? -ne 0 ]; then
		not_ok "$1" "$(lab_diag; cat "$tmp/dnsmasq.log" 2>/dev/null)"
		tap_done
	fi
	ok "$1"
}

setup
need "lab setup"
start_dnsmasq "$NET" --dhcp-ignore-clid
need "dnsmasq starts with Multipass's options"

# ---- one instance -----------------------------------------------------------------
lease "$G1"
need "G1 gets a lease"
ip1=$got
probe file="$LEASES" name=primary
check "one lease: found, with udhcpc's address and G1's MAC" found "lease.ip: '$ip1'" \
	"lease.mac: '$MAC1'" "lease.expires: never" "lease.format: dnsmasq" \
	"$LEASES:1: 0 $MAC1 $ip1 primary *" "current, never expires"
probe file="$LEASES" mac="$(echo "$MAC1" | tr a-f A-F | tr : -)"
check "by MAC, spelled another way" found "lease.ip: '$ip1'"
probe file="$LEASES" name=ghost
check "another name: missing" missing "lease.count: '0'"

# ---- a second client with the same host name -------------------------------------
lease "$G2"
need "G2 gets a lease with the same host name"
ip2=$got
probe file="$LEASES" name=primary
check "dnsmasq gives the name to G2 and takes it off G1: found, G2's" found \
	"lease.ip: '$ip2'" "lease.mac: '$MAC2'"
probe file="$LEASES" mac="$MAC1"
check "G1's lease stays, without its name" found "lease.ip: '$ip1'" " $MAC1 $ip1 * *"
# Multipass ignores client ids: asking with another keeps the one lease.
lease "$G1" -x 61:ff00112233
need "G1 asks again with another client id"
probe file="$LEASES" mac="$MAC1"
check "with --dhcp-ignore-clid one MAC keeps one address" found "lease.ip: '$ip1'" \
	"lease.count: '1'"

# ---- the subnet moves -----------------------------------------------------------------
lab_stop_dnsmasq
start_dnsmasq "$NET2" --dhcp-ignore-clid
need "dnsmasq restarts on $NET2.0/24"
probe file="$LEASES" mac="$MAC2" subnet="$NET2.0/24"
check "G2's lease, not renewed, points into the old subnet: stale" stale \
	"lease.ip: '$ip2'" "stale: $ip2 is outside $NET2.0/24" "old subnet"
probe file="$LEASES" mac="$MAC2" subnet="$NET.0/24"
check "for the old subnet it is current" found "lease.ip: '$ip2'"
lease "$G2"
need "G2 renews"
probe file="$LEASES" name=primary subnet="$NET2.0/24"
check "renewed: found in the new subnet" found "lease.ip: '$got'" "lease.mac: '$MAC2'" \
	"lease.ip: '$NET2."

# ---- client ids heeded: one MAC, two addresses ---------------------------------------
lab_stop_dnsmasq
start_dnsmasq "$NET2"
need "dnsmasq restarts without --dhcp-ignore-clid"
lease "$G1"
need "G1 leases in $NET2.0/24"
ip3=$got
lease "$G1" -x 61:ff00112233
need "G1 asks again with another client id"
ip4=$got
if [ "$ip3" != "$ip4" ]; then ok "dnsmasq gave G1 a second address ($ip3, then $ip4)"; else not_ok "dnsmasq gave G1 the same address $ip3 twice" "$(lab_diag)"; fi
probe file="$LEASES" name=primary
check "the name's MAC holds two addresses: duplicate, the first line first" duplicate \
	"lease.ip: '$ip4'" "lease.mac: '$MAC1'" "2 different addresses" \
	"the first in the file is $ip4, line 1" " $MAC1 $ip3 "
probe file="$LEASES" mac="$MAC1"
check "by MAC: duplicate" duplicate "lease.current: '2'"
probe file="$LEASES" mac="$MAC2"
check "G2, nameless now, has one lease" found "lease.mac: '$MAC2'"

# ---- damage, absence, permission -------------------------------------------------------
# dnsmasq's file with its last line cut, as a write that never finished leaves it.
cut=$(($(wc -c <"$LEASES") - 12))
head -c "$cut" "$LEASES" >"$tmp/cut.leases"
last_mac=$(tail -n 1 "$LEASES" | cut -d ' ' -f 2)
probe file="$tmp/cut.leases" mac="$last_mac"
check "a line cut short: corrupt" corrupt "damaged: an incomplete line" "mentions $last_mac"
probe file="$tmp/none.leases" name=primary
check "no file: no_file" no_file "dnsmasq has never handed out a lease"

# A copy of the binary where nobody can run it (the build tree may sit under /root).
mkdir -p "$tmp/bin" && cp "$VMTRIAGE" "$tmp/bin/vmtriage" &&
	chmod 755 "$tmp" "$tmp/bin" "$tmp/bin/vmtriage" && chmod 600 "$LEASES"
setpriv --reuid=65534 --regid=65534 --clear-groups "$tmp/bin/vmtriage" probe leases \
	file="$LEASES" name=primary --format yaml >"$tmp/out" 2>"$tmp/err"
check "not root, a root-only file: unreadable, saying sudo is needed" unreadable "sudo"

tap_done
