# netns.sh: sourced by lab/vmlab and tests/lab/lab-lib.sh once $nsexec names
# lab/nsexec. The two forms of ip that enter a network namespace are taken
# here, so that they work where / is no mount point (a chroot, as in CI):
#   ip netns exec NS CMD...   runs CMD through nsexec (see there);
#   ip -n NS ARGS...          runs ip ARGS inside NS by nsenter alone.
# Every other ip call goes to ip itself. A command started in the background
# must call "$nsexec" NS CMD... directly: through this function $! would be
# the PID of a subshell, not of CMD.
ip() {
	if [ "${1:-}" = netns ] && [ "${2:-}" = exec ]; then
		shift 2
		"$nsexec" "$@"
	elif [ "${1:-}" = -n ] && [ $# -ge 3 ]; then
		_ip_ns=$2
		shift 2
		nsenter --net="/run/netns/$_ip_ns" ip "$@"
	else
		command ip "$@"
	fi
}
