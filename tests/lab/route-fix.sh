#!/bin/sh
# route-fix.sh: the fixes that need root and a lab, run for real through
# `vmtriage run FLOW --answers`, as a person who presses the key would:
#
# route_add, in a network namespace this script makes: a bridge named like
# Multipass's (mpqemubrNNNN, 10.97.N.1/24) and a veth "utun3" a VPN could
# use. The route to the instances' subnet is sent through utun3 (broken),
# the fix is run and confirmed (NODE.confirm: keep): the route goes through
# the bridge, and the journal entry lists the undo; `vmtriage undo last`
# puts the broken route back exactly. Without a confirmation the change is
# put back by itself; with no route at all, one is added and the undo
# removes it; when a VPN's more specific routes stay in the way, the check
# fails and the change is put back; a dry run changes nothing.
#
# guest_dns, in the same namespace, against a real OpenSSH sshd on
# 127.0.0.1 whose login is chrooted (as tests/lab/guest.sh does it) into a
# small guest: busybox, a sudo that runs its command, and a systemctl whose
# "restart systemd-resolved" does what resolved does with drop-ins (lists
# their DNS= servers in /run/systemd/resolve/resolv.conf). The fix's steps
# run there over SSH (tee gets the drop-in on its standard input), and the
# guest probe, which found no upstream server before, finds the one given.
#
# The namespace, the processes (by PID) and the scratch directory are
# removed at exit (lab-lib.sh). Nothing leaves the namespace.
. "$top_srcdir/tests/cli/tap.sh"
. "$top_srcdir/tests/lab/lab-lib.sh"

lab_need_root "needs root to make network namespaces and change their routes"
lab_need_tools ip
lab_c_locale

n=$(($$ % 200 + 20))
H=$(lab_name rf-h)
BR=$(lab_bridge_name)
NET=10.97.$n
SUBNET=$NET.0/24
# The chroot for sshd must be root's and writable by no one else: under /run.
[ -d /run ] || skip_all "no /run to hold the lab"
lab_init "$(lab_private_base || echo /run)/vt-route-fix.XXXXXX"
tmp=$lab_tmp
lab_netns_add "$H"
XDG_STATE_HOME=$tmp/state
export XDG_STATE_HOME
unset VMTRIAGE_JOURNAL
out=$tmp/out

if ! { lab_bridge "$H" "$BR" "$NET.1/24" &&
	ip -n "$H" link add utun3 type veth peer name utun3-peer &&
	ip -n "$H" link set utun3-peer up &&
	ip -n "$H" link set utun3 up; }; then
	not_ok "lab setup"
	tap_done
fi

nsx() { ip netns exec "$H" "$@"; }
# The route of exactly the subnet, as ip prints it.
route_now() { ip -n "$H" -o -4 route show exact "$SUBNET"; }
# The interface traffic to an instance's address leaves through.
route_dev() { ip -n "$H" route get "$NET.5" | sed -n 's/.* dev \([^ ]*\).*/\1/p'; }

# vmtriage ARGS...: in the namespace; output to $out, exit status to $rc.
# An --enable-asan build's findings fail the case at once.
vmt() {
	nsx "$VMTRIAGE" "$@" >"$out" 2>&1 </dev/null
	rc=$?
	if grep -q 'ERROR: [A-Za-z]*Sanitizer\|runtime error:' "$out"; then
		not_ok "vmtriage $1: memory errors" "$(cat "$out")"
	fi
}
# walk ANSWERS [ARGS...]: the test flow with these answers (lines of an answers file).
walk() {
	printf '%s\n' "$1" >"$tmp/answers.yaml"
	shift
	vmt run "$tmp/flow.yaml" --answers "$tmp/answers.yaml" "$@"
}
# has NAME TEXT...: every TEXT is in $out.
has() {
	name=$1
	shift
	for t in "$@"; do
		if ! grep -qF -- "$t" "$out"; then
			not_ok "$name: output lacks '$t'" "$(cat "$out")"
			return 1
		fi
	done
	ok "$name"
}
# is NAME GOT WANT
is() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "got '$2', wanted '$3'"; fi
}
status_is() {
	if [ "$rc" = "$2" ]; then ok "$1"; else not_ok "$1: exit $rc, wanted $2" "$(cat "$out")"; fi
}
probe_route() {
	nsx "$VMTRIAGE" probe route destination="$SUBNET" expect="$BR" --format yaml \
		>"$tmp/out" 2>"$tmp/err"
}

cat >"$tmp/flow.yaml" <<EOF
version: 1
id: route-fix-lab
title: The instances' subnet is routed through another interface
summary: The lab test of the route_add fix (tests/lab/route-fix.sh).
group: other
source: 001_14fc1e39f01bbc48.txt#network-routing-problems
start: reroute
nodes:
  reroute:
    kind: fix
    title: Route the subnet through the bridge
    text: A VPN took the route to the instances' subnet.
    fix: route_add
    with: { subnet: "$SUBNET", interface: "$BR" }
    then: fixed
    else: not-fixed
  fixed:
    kind: end
    verdict: solved
    title: The route goes through the bridge again
    cause: A route through another interface
    text: The route goes through the bridge again.
  not-fixed:
    kind: end
    verdict: cause
    title: The route was not fixed
    cause: A route through another interface
    text: The fix did not run, or did not work.
EOF
keep='reroute: run
reroute.confirm: keep'

# ---- a VPN took the route ----------------------------------------------------------
ip -n "$H" route replace "$SUBNET" dev utun3
broken=$(route_now)
probe_route
check "the broken route: via_other" via_other "route.interface: utun3"

walk "$keep"
status_is "fixed and confirmed: solved" 0
has "  ... the plan, the run, the check and the confirmation" \
	"sudo ip route replace $SUBNET dev $BR" "1. sudo ip route replace $SUBNET dev utun3 scope link" \
	"ip route replace $SUBNET dev $BR -> exit 0" "check: probe route gave 'via_expected'" \
	"Keep the change? keep" "confirmed: the change stays" "fix: applied" \
	"vmtriage undo"
is "  ... traffic to an instance goes through the bridge" "$(route_dev)" "$BR"
# shellcheck disable=SC2012
entry=$(ls -d "$XDG_STATE_HOME"/vmtriage/journal/*route_add* 2>/dev/null | tail -n 1)/entry.yaml
# The undo's words, one a line in the YAML ("  - 'WORD'"), joined.
undo_words=$(sed -n '/^undo:/,/^log:/p' "$entry" 2>/dev/null |
	sed -n "s/^  - '\{0,1\}\([^']*\)'\{0,1\}\$/\1/p" | tr '\n' ' ')
if [ -f "$entry" ] && grep -q '^status: applied' "$entry" &&
	[ "$undo_words" = "ip route replace $SUBNET dev utun3 scope link " ]; then
	ok "  ... the journal entry lists the undo"
else
	not_ok "  ... the journal entry lists the undo" "$(cat "$entry" 2>&1)"
fi

vmt undo last
status_is "undo last" 0
has "  ... says so" "Undone."
is "  ... the broken route is back, exactly" "$(route_now)" "$broken"
is "  ... and traffic goes through utun3 again" "$(route_dev)" utun3
vmt undo last
has "  ... a second undo is refused" "was undone already"

# ---- not confirmed: it puts itself back -------------------------------------------------
walk 'reroute: run'
status_is "not confirmed: the fix's else (cause)" 1
has "  ... the change was put back, and checked" "(no answer: it is put back)" \
	"not confirmed in time: putting it back" \
	"checked: probe route gives 'via_other' again, as before the fix" "fix: reverted"
is "  ... the broken route is back, exactly" "$(route_now)" "$broken"

# ---- a dry run -----------------------------------------------------------------------------
walk "$keep" --dry-run
has "a dry run shows the plan" "Dry run: nothing was run" "fix: dry_run"
is "  ... and changes nothing" "$(route_now)" "$broken"

# ---- no route at all ---------------------------------------------------------------------
ip -n "$H" route del "$SUBNET"
probe_route
check "no route: none" none
walk "$keep"
status_is "a missing route added: solved" 0
has "  ... its undo removes it" "1. sudo ip route del $SUBNET dev $BR" "fix: applied"
is "  ... through the bridge" "$(route_dev)" "$BR"
vmt undo last
status_is "undo last" 0
is "  ... the route is gone again" "$(route_now)" ""

# ---- a VPN's more specific routes stay in the way ------------------------------------------
ip -n "$H" route replace "$SUBNET" dev "$BR" proto kernel scope link src "$NET.1"
before=$(route_now)
ip -n "$H" route add "$NET.0/25" dev utun3
ip -n "$H" route add "$NET.128/25" dev utun3
walk "$keep"
status_is "more specific routes win: the fix's else" 1
has "  ... the check failed, and the change was put back" \
	"check: probe route gave 'via_other' (wanted 'via_expected')" \
	"it did not work: putting it back" "fix: reverted"
is "  ... the subnet's own route is as it was" "$(route_now)" "$before"
ip -n "$H" route del "$NET.0/25" dev utun3
ip -n "$H" route del "$NET.128/25" dev utun3

# ---- guest_dns over SSH --------------------------------------------------------------------
SSHD=$(command -v sshd 2>/dev/null || echo /usr/sbin/sshd)
why_not=
for t in ssh-keygen busybox ldd; do
	command -v "$t" >/dev/null 2>&1 || why_not="$t is not installed"
done
[ -x "$SSHD" ] || why_not="sshd is not installed"
# shellcheck disable=SC2012
case $(ls -ld "$(dirname "$tmp")" | cut -c6,9) in
*w*) why_not="$(dirname "$tmp") is writable by others: sshd refuses such a chroot" ;;
esac
if [ -n "$why_not" ]; then
	echo "ok $((tap_n + 1)) - guest_dns over SSH # SKIP $why_not"
	tap_n=$((tap_n + 1))
	tap_done
fi

guest=$tmp/guest
copy_bin() {
	cp -L "$1" "$guest/bin/${2:-$(basename "$1")}" || exit 1
	ldd "$1" | sed -n 's/.*=> \(\/[^ ]*\).*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p' |
		while read -r lib; do
			mkdir -p "$guest$(dirname "$lib")"
			[ -e "$guest$lib" ] || cp -L "$lib" "$guest$lib" || exit 1
		done
}
mkdir -p "$guest/bin" "$guest/usr" "$guest/etc/systemd" "$guest/run/systemd/resolve" \
	"$guest/var/log" "$guest/dev" || exit 1
ln -s ../bin "$guest/usr/bin"
ln -s ../bin "$guest/usr/sbin"
ln -s bin "$guest/sbin"
shell=$(getent passwd root | cut -d: -f7)
copy_bin "$shell"
copy_bin "$(command -v busybox)"
for applet in sh cat ls env uname readlink mkdir tee rm sed tr; do
	ln -s busybox "$guest/bin/$applet"
done
mknod -m 666 "$guest/dev/null" c 1 3 || exit 1
cat >"$guest/bin/sudo" <<'EOF'
#!/bin/sh
# Stands in for sudo in the test guest: the login is root already.
echo "sudo $*" >>/var/log/vt-calls
exec "$@"
EOF
cat >"$guest/bin/systemctl" <<'EOF'
#!/bin/sh
# Stands in for systemctl in the test guest. "restart systemd-resolved" does
# what resolved does with its configuration: its resolv.conf lists the DNS=
# servers of the drop-ins.
echo "systemctl $*" >>/var/log/vt-calls
[ "$1 $2" = "restart systemd-resolved" ] || exit 1
r=/run/systemd/resolve/resolv.conf
echo "# This is /run/systemd/resolve/resolv.conf managed by man:systemd-resolved(8)." >"$r"
for f in /etc/systemd/resolved.conf.d/*.conf; do
	[ -f "$f" ] && sed -n 's/^DNS=//p' "$f" | tr ' ' '\n' | sed 's/^/nameserver /' >>"$r"
done
exit 0
EOF
chmod 755 "$guest/bin/sudo" "$guest/bin/systemctl"
cp "$top_srcdir/tests/data/guest/resolv.conf.stub" "$guest/run/systemd/resolve/stub-resolv.conf"
ln -s ../run/systemd/resolve/stub-resolv.conf "$guest/etc/resolv.conf"
# The link's server gave resolved nothing usable: no upstream at all.
cp "$top_srcdir/tests/data/guest/resolv.conf.upstream-empty" "$guest/run/systemd/resolve/resolv.conf"

ssh-keygen -q -t ed25519 -N '' -C host -f "$tmp/host" || exit 1
ssh-keygen -q -t ed25519 -N '' -C user -f "$tmp/id_user" || exit 1
cp "$tmp/id_user.pub" "$tmp/authorized_keys"
port=$((30000 + $$ % 20000))
mkdir -p /run/sshd
cat >"$tmp/sshd_config" <<EOF
Port $port
ListenAddress 127.0.0.1
HostKey $tmp/host
AuthorizedKeysFile $tmp/authorized_keys
UsePAM no
StrictModes no
PidFile $tmp/sshd.pid
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
PrintMotd no
ChrootDirectory $guest
EOF
# Not through nsx: $! must be sshd itself (ip netns exec execs it), not a subshell.
"$nsexec" "$H" "$SSHD" -f "$tmp/sshd_config" -D -E "$tmp/sshd.log" </dev/null >/dev/null 2>&1 &
sshd_pid=$!
lab_track "$sshd_pid"
i=0
while ! nsx ss -Htln "sport = :$port" | grep -q .; do
	i=$((i + 1))
	if [ $i -gt 100 ] || ! kill -0 "$sshd_pid" 2>/dev/null; then
		not_ok "sshd starts" "$(tail -n 5 "$tmp/sshd.log")"
		tap_done
	fi
	sleep 0.05
done
printf '[127.0.0.1]:%s %s\n' "$port" "$(cut -d' ' -f1,2 "$tmp/host.pub")" >"$tmp/known_hosts"
login="address: 127.0.0.1, port: $port, user: root, key: \"$tmp/id_user\", known_hosts: \"$tmp/known_hosts\""

cat >"$tmp/flow.yaml" <<EOF
version: 1
id: guest-dns-lab
title: The instance cannot resolve names
summary: The lab test of the guest_dns fix (tests/lab/route-fix.sh).
group: other
source: 001_14fc1e39f01bbc48.txt#dns-problems
start: dns
nodes:
  dns:
    kind: fix
    title: Point the instance's DNS at a working server
    text: The instance reaches addresses, but not names.
    fix: guest_dns
    with: { $login, server: 192.0.2.53 }
    then: fixed
    else: not-fixed
  fixed:
    kind: end
    verdict: solved
    title: The instance has a DNS server
    cause: No working DNS server in the instance
    text: The instance asks 192.0.2.53 for names now.
  not-fixed:
    kind: end
    verdict: cause
    title: The DNS server was not set
    cause: No working DNS server in the instance
    text: The fix did not run, or did not work.
EOF
probe_guest() {
	nsx "$VMTRIAGE" probe guest check=resolv address=127.0.0.1 port="$port" user=root \
		key="$tmp/id_user" known_hosts="$tmp/known_hosts" --format yaml >"$tmp/out" 2>"$tmp/err"
}
probe_guest
check "guest_dns: before, no upstream server" no_nameserver

walk 'dns: run'
status_is "guest_dns: run over SSH: solved" 0
has "  ... it ran there, and the check passed" "It runs on root@127.0.0.1, over SSH." \
	"sudo tee /etc/systemd/resolved.conf.d/vmtriage-dns.conf -> exit 0" \
	"sudo systemctl restart systemd-resolved -> exit 0" \
	"check: probe guest gave 'ok' (wanted 'ok')" "fix: applied"
is "  ... the drop-in, written through tee's standard input" \
	"$(cat "$guest/etc/systemd/resolved.conf.d/vmtriage-dns.conf")" \
	"$(printf '# Written by vmtriage (fix guest_dns); remove it to undo.\n[Resolve]\nDNS=192.0.2.53')"
is "  ... the commands, in the guest, in order" "$(cat "$guest/var/log/vt-calls")" \
	"$(printf '%s\n' 'sudo mkdir -p /etc/systemd/resolved.conf.d' \
		'sudo tee /etc/systemd/resolved.conf.d/vmtriage-dns.conf' \
		'sudo systemctl restart systemd-resolved' 'systemctl restart systemd-resolved')"
probe_guest
check "  ... the guest probe finds the server" ok "guest.nameservers: '192.0.2.53'"

# `vmtriage undo` undoes a remote fix on the remote machine: the journal
# keeps how to reach it.
vmt undo last --dry-run
if grep -qF "It runs on root@127.0.0.1" "$out"; then
	ok "guest_dns: undo goes to the guest"
else
	not_ok "guest_dns: undo goes to the guest" "$(cat "$out")"
fi
vmt undo last
if grep -q '^Undone' "$out" && [ ! -e "$guest/etc/systemd/resolved.conf.d/vmtriage-dns.conf" ]; then
	ok "  ... and undoing it there removes the drop-in"
else
	not_ok "  ... and undoing it there removes the drop-in" "$(cat "$out")"
fi

tap_done
