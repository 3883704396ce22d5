# lab-lib.sh: sourced by the root-only lab scripts (dhcp.sh, netprobes.sh,
# ssh.sh) after tests/cli/tap.sh: the network namespaces they make and remove,
# and the processes they start there. Nothing here leaves the namespaces.
#
#   lab_need_root WHY           skip the whole test unless root
#   lab_need_tools TOOL...      skip it unless every TOOL is installed
#   lab_c_locale                messages in the C locale, as the tests expect
#   lab_private_base            /run, or /var/lib: root's, writable by no one else
#   lab_public_vmtriage         $VMTRIAGE copied where any user may run it
#                               ($lab_vmtriage_pub; the build tree may be
#                               out of their reach, under /root as in CI)
#   lab_init TEMPLATE           a scratch directory ($lab_tmp, from mktemp -d
#                               TEMPLATE) and the trap that removes it all at exit
#   lab_name TAG                a namespace name of this run: vt-TAG-PID
#   lab_bridge_name             a bridge named like Multipass's: mpqemubrNNNN
#   lab_netns_add NS...         namespaces, deleted at exit
#   lab_track PID...            processes, killed and reaped at exit
#   lab_bridge NS BR CIDR       lo up in NS, and bridge BR there with CIDR, up
#   lab_veth NS IF PEERNS PEERIF [BR]
#                               a veth pair, IF in NS and PEERIF in PEERNS (whose
#                               lo comes up); with BR, IF joins it and comes up
#   lab_start_dnsmasq NS READY OPTION...
#                               dnsmasq in NS ($dnsmasq_pid), logging to
#                               $lab_tmp/dnsmasq.log; fails unless READY shows
#                               in the log within 10 s
#   lab_stop_dnsmasq            kills that dnsmasq by its PID
#   yaml_value KEY              a key or fact of the YAML in $lab_tmp/out, unquoted
#   check NAME OUTCOME TEXT...  the outcome in $lab_tmp/out, and every TEXT in it;
#                               lab_diag (if the script defines it) adds to
#                               the diagnostics of a wrong outcome (ssh.sh
#                               defines a check of its own instead)

# ip netns exec and ip -n go through lab/nsexec, which works in a chroot too.
nsexec=$top_srcdir/lab/nsexec
# shellcheck source=lab/netns.sh
. "$top_srcdir/lab/netns.sh"

lab_tmp=
lab_netns=
lab_pids=
dnsmasq_pid=

lab_need_root() {
	[ "$(id -u)" = 0 ] || skip_all "$1"
}

lab_need_tools() {
	for lab_tool in "$@"; do
		command -v "$lab_tool" >/dev/null 2>&1 ||
			skip_all "$lab_tool is not installed (see bootstrap's TEST_PKGS)"
	done
}

lab_c_locale() {
	LC_ALL=C.UTF-8
	export LC_ALL
	unset LANGUAGE
}

lab_cleanup() {
	for lab_pid in $lab_pids $dnsmasq_pid; do
		kill "$lab_pid" 2>/dev/null
	done
	for lab_pid in $lab_pids $dnsmasq_pid; do
		wait "$lab_pid" 2>/dev/null
	done
	for lab_ns in $lab_netns; do
		ip netns del "$lab_ns" 2>/dev/null
	done
	[ -n "$lab_tmp" ] && rm -rf "$lab_tmp"
	[ -n "$lab_pub_dir" ] && rm -rf "$lab_pub_dir"
}

# The first of /run, /var/lib and /root that is root's and writable by no one
# else, for a scratch directory that sshd's ChrootDirectory accepts (in a
# chroot, such as CI's, /run may be a world-writable tmpfs). Fails when none is.
lab_private_base() {
	for lab_b in /run /var/lib /root; do
		{ [ -d "$lab_b" ] && [ "$(stat -c %u "$lab_b")" = 0 ]; } || continue
		# shellcheck disable=SC2012
		case $(ls -ld "$lab_b" | cut -c6,9) in *w*) continue ;; esac
		echo "$lab_b"
		return 0
	done
	return 1
}

lab_vmtriage_pub=
lab_pub_dir=
lab_public_vmtriage() {
	lab_pub_dir=$(mktemp -d /tmp/vt-pub.XXXXXX) && chmod 755 "$lab_pub_dir" &&
		cp "$VMTRIAGE" "$lab_pub_dir/vmtriage" && chmod 755 "$lab_pub_dir/vmtriage" || return 1
	lab_vmtriage_pub=$lab_pub_dir/vmtriage
}

lab_init() {
	lab_tmp=$(mktemp -d "$1") || exit 1
	trap lab_cleanup EXIT
	trap 'exit 1' INT TERM HUP
}

lab_name() {
	echo "vt-$1-$$"
}

# 12 characters: interface names stop at 15.
lab_bridge_name() {
	printf 'mpqemubr%04d\n' $(($$ % 10000))
}

# The first namespace failing means this machine makes none: skip. A later one: fail.
lab_netns_add() {
	for lab_ns in "$@"; do
		if ! ip netns add "$lab_ns" 2>"$lab_tmp/netns-err"; then
			[ -z "$lab_netns" ] && skip_all "ip netns add failed: $(cat "$lab_tmp/netns-err")"
			cat "$lab_tmp/netns-err" >&2
			exit 1
		fi
		# ip netns exec needs / to be a mount point (it makes it a slave): a
		# bare chroot is not one. Then this machine cannot host the lab.
		if [ -z "$lab_netns" ] && ! ip netns exec "$lab_ns" true 2>"$lab_tmp/netns-err"; then
			ip netns del "$lab_ns" 2>/dev/null
			skip_all "ip netns exec does not work here: $(cat "$lab_tmp/netns-err")"
		fi
		lab_netns="$lab_netns $lab_ns"
	done
}

# lab_listening NS PORT: something listens on TCP PORT in namespace NS.
lab_listening() {
	ip netns exec "$1" ss -Htln "sport = :$2" | grep -q .
}

# lab_free_port NS VAR: sets VAR to a random high TCP port nothing in NS
# listens on, and that no earlier call gave (so a script can take several
# before using any). Not in $(...): the ports given are remembered here.
lab_used_ports=
lab_free_port() {
	while :; do
		p=$(( $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 20000 + 30000 ))
		case " $lab_used_ports " in *" $p "*) continue ;; esac
		lab_listening "$1" "$p" || break
	done
	lab_used_ports="$lab_used_ports $p"
	eval "$2=$p"
}

lab_track() {
	lab_pids="$lab_pids $*"
}

lab_bridge() {
	ip -n "$1" link set lo up &&
	ip -n "$1" link add "$2" type bridge &&
	ip -n "$1" addr add "$3" dev "$2" &&
	ip -n "$1" link set "$2" up
}

lab_veth() {
	ip -n "$3" link set lo up &&
	ip -n "$1" link add "$2" type veth peer name "$4" netns "$3" || return 1
	[ -z "${5:-}" ] || ip -n "$1" link set "$2" master "$5" up
}

lab_start_dnsmasq() {
	lab_dns_ns=$1 lab_dns_ready=$2
	shift 2
	: >"$lab_tmp/dnsmasq.log"
	"$nsexec" "$lab_dns_ns" dnsmasq --keep-in-foreground --conf-file=/dev/null \
		--no-resolv --no-hosts --log-facility="$lab_tmp/dnsmasq.log" "$@" &
	dnsmasq_pid=$!
	lab_i=0
	while ! grep -q "$lab_dns_ready" "$lab_tmp/dnsmasq.log" 2>/dev/null; do
		lab_i=$((lab_i + 1))
		if [ $lab_i -gt 100 ] || ! kill -0 "$dnsmasq_pid" 2>/dev/null; then
			return 1
		fi
		sleep 0.1
	done
}

lab_stop_dnsmasq() {
	kill "$dnsmasq_pid" 2>/dev/null
	wait "$dnsmasq_pid" 2>/dev/null
	dnsmasq_pid=
}

yaml_value() {
	sed -n "s/^ *$1: *//p" "$lab_tmp/out" | head -n 1 | sed "s/^'\\(.*\\)'\$/\\1/"
}

check() {
	name=$1 want=$2
	shift 2
	got=$(yaml_value outcome)
	if [ "$got" != "$want" ]; then
		not_ok "$name: outcome '$got', wanted '$want'" \
			"$(cat "$lab_tmp/out" "$lab_tmp/err"; command -v lab_diag >/dev/null 2>&1 && lab_diag)"
		return 1
	fi
	for t in "$@"; do
		if ! grep -qF -- "$t" "$lab_tmp/out"; then
			not_ok "$name: output lacks '$t'" "$(cat "$lab_tmp/out" "$lab_tmp/err")"
			return 1
		fi
	done
	ok "$name"
	sed 's/^/#   /' "$lab_tmp/out"
}
