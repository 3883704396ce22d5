#!/bin/sh
# netprobes.sh: the reach, route, port_owner and dns probes where they need
# root and network namespaces, in two namespaces this script makes and
# removes: "H", where the probes run, with a bridge named like Multipass's
# (mpqemubrNNNN, 10.97.N.1/24), a veth "utun3" a VPN could use, and a veth
# link to "P", a peer at 10.98.N.2. H has no default route, so nothing it
# sends can leave the two namespaces.
#
# reach: ICMP (and ICMPv6) through a raw socket (root) and through an
# unprivileged ICMP socket (ping_group_range opened in H), the TCP 22 fallback for a user who
# may do neither, a TCP reset, no ARP answer (unreachable), an unreachable
# route, and a peer whose replies are blackholed (timeout).
# route: the bridge as expected, a VPN's more specific routes through utun3
# (via_other naming it), a gateway, no route at all and an unreachable route
# (none), no expect (found).
# port_owner: dnsmasq holding UDP and TCP 53 (conflict naming it, expected
# when allowed), seen by an unprivileged user (hidden), and a port nobody holds.
# dns: that dnsmasq answering on the bridge, and a server with no route to it.
# The namespaces, dnsmasq and the teardown come from lab-lib.sh.
. "$top_srcdir/tests/cli/tap.sh"
. "$top_srcdir/tests/lab/lab-lib.sh"

lab_need_root "needs root to make network namespaces"
lab_need_tools ip dnsmasq setpriv
lab_c_locale

n=$(($$ % 200 + 20))
H=$(lab_name np-h)
P=$(lab_name np-p)
BR=$(lab_bridge_name)
NET=10.97.$n
PEER=10.98.$n
lab_init "${TMPDIR:-/tmp}/vt-lab-np.XXXXXX"
tmp=$lab_tmp
lab_netns_add "$H" "$P"

setup() {
	lab_bridge "$H" "$BR" "$NET.1/24" &&
	ip -n "$H" link add utun3 type veth peer name utun3-peer &&
	ip -n "$H" link set utun3-peer up &&
	ip -n "$H" link set utun3 up &&
	lab_veth "$H" eth0 "$P" eth0 &&
	ip -n "$H" addr add "$PEER.1/24" dev eth0 &&
	ip -n "$P" addr add "$PEER.2/24" dev eth0 &&
	ip -n "$H" addr add "fd00:98:$n::1/64" dev eth0 nodad &&
	ip -n "$P" addr add "fd00:98:$n::2/64" dev eth0 nodad &&
	ip -n "$H" link set eth0 up &&
	ip -n "$P" link set eth0 up &&
	# As a distribution leaves it: no group may open an unprivileged ICMP socket.
	ip netns exec "$H" sh -c 'echo "1 0" >/proc/sys/net/ipv4/ping_group_range'
}

# probe NS PROBE KEY=VALUE...: runs it there as root; YAML to $tmp/out.
probe() {
	ns=$1
	shift
	ip netns exec "$ns" "$VMTRIAGE" probe "$@" --format yaml >"$tmp/out" 2>"$tmp/err"
}

# probe_as_nobody NS PROBE KEY=VALUE...: the same, as an unprivileged user.
probe_as_nobody() {
	ns=$1
	shift
	ip netns exec "$ns" setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$VMTRIAGE" probe "$@" --format yaml >"$tmp/out" 2>"$tmp/err"
}

if ! setup; then
	not_ok "lab setup"
	tap_done
fi

# ---- reach ------------------------------------------------------------------
probe "$H" reach host="$PEER.2"
check "reach: root pings through a raw socket" reachable "reach.method: icmp" \
	"through a raw socket" "echo reply from $PEER.2"

probe "$H" reach host="fd00:98:$n::2"
check "reach: IPv6 echo" reachable "reach.method: icmp" "echo reply from fd00:98:$n::2"

ip netns exec "$H" sh -c 'echo "0 2147483647" >/proc/sys/net/ipv4/ping_group_range'
probe "$H" reach host="$PEER.2"
check "reach: with ping_group_range open, an unprivileged ICMP socket" reachable \
	"reach.method: icmp" "through an unprivileged ICMP socket"
probe "$H" reach host="$PEER.77" seconds=6
check "reach: the unprivileged socket hears of a host with no ARP answer" unreachable \
	"through an unprivileged ICMP socket" "host unreachable"
ip netns exec "$H" sh -c 'echo "1 0" >/proc/sys/net/ipv4/ping_group_range'

probe_as_nobody "$H" reach host="$PEER.2"
check "reach: a user who may not ping falls back to TCP 22, and a reset is an answer" reachable \
	"reach.method: tcp" "trying TCP port 22 instead" "is closed: the host answered with a reset"

probe "$H" reach host="$PEER.77" seconds=6
check "reach: no ARP answer on the link is unreachable" unreachable "host unreachable"

probe "$H" reach host="$PEER.77" port=22 seconds=6
check "reach: TCP to a host with no ARP answer is unreachable" unreachable "No route to host"

ip -n "$H" route add unreachable 198.51.100.0/24
probe "$H" reach host=198.51.100.7
check "reach: an unreachable route" unreachable "198.51.100.7"

# The peer's answers go nowhere: silence.
ip -n "$P" route add blackhole "$PEER.1/32"
probe "$H" reach host="$PEER.2" seconds=2
check "reach: a peer whose replies are blackholed times out" timeout \
	"no reply to 2 echo request(s)"
probe "$H" reach host="$PEER.2" port=22 seconds=2
check "reach: TCP to that peer times out" timeout "no answer from $PEER.2 port 22"
ip -n "$P" route del blackhole "$PEER.1/32"

# ---- route ------------------------------------------------------------------
probe "$H" route destination="$NET.0/24" expect="$BR"
check "route: the instances' subnet through the bridge (its own .1 passed over)" via_expected \
	"route.interface: $BR" "route.source: '$NET.1'" "route.address: '$NET.2'" \
	"$NET.1 is an address of this machine"

# A VPN takes the subnet with two more specific routes, as VPN clients do.
ip -n "$H" route add "$NET.0/25" dev utun3 &&
ip -n "$H" route add "$NET.128/25" dev utun3
probe "$H" route destination="$NET.0/24" expect="$BR"
check "route: a VPN's utun3 took the route" via_other "route.interface: utun3" \
	"goes through utun3" "not $BR" "looks like a VPN"
probe "$H" route destination="$NET.200" expect="$BR"
check "route: an instance's address through utun3 too" via_other "route.interface: utun3"
ip -n "$H" route del "$NET.0/25" dev utun3
ip -n "$H" route del "$NET.128/25" dev utun3

ip -n "$H" route add 10.55.0.0/16 via "$PEER.2"
probe "$H" route destination=10.55.3.4 expect=eth0
check "route: through a gateway" via_expected "route.gateway: '$PEER.2'" \
	"leaves through eth0 via gateway $PEER.2"

probe "$H" route destination=203.0.113.5 expect="$BR"
check "route: no route at all (no default route)" none "no route matches it"
probe "$H" route destination=198.51.100.0/24
check "route: an unreachable route" none "unreachable'' route covers it"
probe "$H" route destination="$NET.9"
check "route: without expect" found "route.interface: $BR"

# ---- port_owner and dns, with dnsmasq on the bridge ---------------------------
lab_start_dnsmasq "$H" 'started, version' --bind-interfaces --listen-address="$NET.1" \
	--address=/primary.multipass/"$NET.5" --local=/multipass/ --pid-file=
sleep 0.2

probe "$H" port_owner port=53 allow=bootpd,launchd
check "port_owner: dnsmasq holds udp/53" conflict "port_owner.process: dnsmasq" \
	"port_owner.pid: '$dnsmasq_pid'" "dnsmasq (pid $dnsmasq_pid) holds udp/53" \
	"udp $NET.1:53"
probe "$H" port_owner port=53 proto=tcp allow=dnsmasq
check "port_owner: dnsmasq holds tcp/53, as allowed" expected "port_owner.process: dnsmasq"
probe_as_nobody "$H" port_owner port=53 allow=dnsmasq
check "port_owner: a user cannot see root's dnsmasq: hidden, and says sudo" hidden \
	"sudo shows" "udp $NET.1:53"
probe "$H" port_owner port=67
check "port_owner: nothing on udp/67" free "no udp socket is bound to port 67"

probe "$H" dns server="$NET.1" name=primary.multipass seconds=3
check "dns: dnsmasq on the bridge answers" ok "dns.answer: '$NET.5'"
probe "$H" dns server="$NET.1" name=gone.multipass seconds=3
check "dns: an unknown instance name" nxdomain
probe "$H" dns server=203.0.113.53 name=primary.multipass seconds=2
check "dns: a server with no route to it" timeout "no route to 203.0.113.53"

tap_done
