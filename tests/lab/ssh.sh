#!/bin/sh
# ssh.sh: the "ssh" probe against a real OpenSSH sshd that this test starts
# on 127.0.0.1 inside a network namespace of its own, so no packet leaves it.
# Host keys: unknown, recorded with accept_new, then ok; changed (sshd
# restarted with another key: never ok, known_hosts untouched). Logins: ok
# with a command (output, exit status, the last 20 lines), a command that
# outlives the deadline, a key the server refuses, a missing key, a key the
# user may not read. Ports: refused, a listener that never sends a banner,
# one whose packets are dropped. Needs root (sshd needs /run/sshd; namespaces).
# The namespace and the teardown come from lab-lib.sh.
. "$top_srcdir/tests/cli/tap.sh"
. "$top_srcdir/tests/lab/lab-lib.sh"

lab_need_root "needs root: sshd needs /run/sshd, and the test makes a network namespace (CI runs as root)"
command -v ip >/dev/null 2>&1 || skip_all "ip (iproute2) is missing"
SSHD=$(command -v sshd 2>/dev/null || echo /usr/sbin/sshd)
[ -x "$SSHD" ] || skip_all "sshd is missing (apt-get install openssh-server)"
command -v ssh-keygen >/dev/null 2>&1 || skip_all "ssh-keygen is missing (apt-get install openssh-client)"

ns=$(lab_name ssh)
lab_init /tmp/vt-ssh-lab.XXXXXX
dir=$lab_tmp
sshd_pid=

lab_netns_add "$ns"
ip -n "$ns" link set lo up
nsx() { ip netns exec "$ns" "$@"; }

# Free ports in the namespace: random, high, and checked.
listening() { lab_listening "$ns" "$1"; }
lab_free_port "$ns" port
lab_free_port "$ns" closed_port
lab_free_port "$ns" mute_port
lab_free_port "$ns" drop_port

user=$(id -un)
chmod 755 "$dir" # a user other than root reads known_hosts in one case
ssh-keygen -q -t ed25519 -N '' -C host1 -f "$dir/host1" || exit 1
ssh-keygen -q -t ed25519 -N '' -C host2 -f "$dir/host2" || exit 1
# Multipass's key is RSA in PEM form; the refused one is ed25519 in OpenSSH form.
ssh-keygen -q -t rsa -b 2048 -m PEM -N '' -C user -f "$dir/id_user" || exit 1
ssh-keygen -q -t ed25519 -N '' -C other -f "$dir/id_other" || exit 1
cp "$dir/id_user.pub" "$dir/authorized_keys"
fp1=$(ssh-keygen -lf "$dir/host1.pub" | awk '{print $2}')
fp2=$(ssh-keygen -lf "$dir/host2.pub" | awk '{print $2}')
mkdir -p /run/sshd

start_sshd() {
	cat >"$dir/sshd_config" <<EOF
Port $port
ListenAddress 127.0.0.1
HostKey $dir/$1
AuthorizedKeysFile $dir/authorized_keys
UsePAM no
StrictModes no
PidFile $dir/sshd.pid
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
PrintMotd no
LogLevel VERBOSE
EOF
	# Not through nsx: a function run with & is a subshell, and $! would name it, not sshd.
	"$nsexec" "$ns" "$SSHD" -f "$dir/sshd_config" -D -E "$dir/sshd.log" </dev/null >/dev/null 2>&1 &
	sshd_pid=$!
	lab_track "$sshd_pid"
	i=0
	while ! listening "$port"; do
		i=$((i + 1))
		if [ $i -gt 100 ] || ! kill -0 "$sshd_pid" 2>/dev/null; then
			echo "Bail out! sshd did not start: $(tail -n 5 "$dir/sshd.log")"
			exit 1
		fi
		sleep 0.05
	done
}
stop_sshd() {
	kill "$sshd_pid"
	wait "$sshd_pid" 2>/dev/null
	lab_pids=$(echo "$lab_pids" | sed "s/ $sshd_pid\$//; s/ $sshd_pid / /")
}

kh="$dir/known_hosts"
out="$dir/out"
host=127.0.0.1
ms() { echo $(( $(date +%s%N) / 1000000 )); }

# probe ARGS...: runs the probe in the namespace (a hang guard around it); output in $out.
# VT_WRAP runs it under a checker, e.g. VT_WRAP="valgrind -q --leak-check=full --error-exitcode=99".
probe() {
	t0=$(ms)
	# shellcheck disable=SC2086
	nsx timeout 120 env HOME="$dir/home" ${VT_WRAP:-} "$VMTRIAGE" probe ssh host="$host" "$@" >"$out" 2>&1
	rc=$?
	took=$(( $(ms) - t0 ))
}
# expect NAME OUTCOME TEXT...: the outcome is OUTCOME and every TEXT is in the output.
expect() {
	name=$1 want=$2
	shift 2
	# valgrind (VT_WRAP) exits 99 on errors; an --enable-asan build prints its findings.
	if [ "${rc:-0}" = 99 ] || grep -q 'ERROR: [A-Za-z]*Sanitizer\|runtime error:' "$out"; then
		not_ok "$name: memory errors" "$(cat "$out")"
		return
	fi
	if ! grep -qx "outcome: $want" "$out"; then
		not_ok "$name: wanted outcome $want" "$(cat "$out")"
		return
	fi
	for t in "$@"; do
		if ! grep -qF -- "$t" "$out"; then
			not_ok "$name: output lacks '$t'" "$(cat "$out")"
			return
		fi
	done
	ok "$name"
}
lacks() {
	if grep -qF -- "$2" "$out"; then not_ok "$1" "$(cat "$out")"; else ok "$1"; fi
}
check() {
	name=$1
	shift
	if "$@"; then ok "$name"; else not_ok "$name"; fi
}
skip() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $1 # SKIP $2"; }
sum() { cksum <"$1"; }

start_sshd host1
login="port=$port user=$user key=$dir/id_user"

# ---- host keys ---------------------------------------------------------------
# A fake home whose ~/.ssh/known_hosts already trusts the key: the probe must
# neither trust nor touch it.
mkdir -p "$dir/home/.ssh"
printf '[127.0.0.1]:%s %s\n' "$port" "$(cut -d' ' -f1,2 "$dir/host1.pub")" >"$dir/home/.ssh/known_hosts"
home_sum=$(sum "$dir/home/.ssh/known_hosts")

probe $login known_hosts="$kh"
expect "unknown host key" hostkey_unknown "host key $fp1 (unknown)" "ssh.hostkey = $fp1" \
	"connected to 127.0.0.1:$port (banner SSH-2.0-OpenSSH" "accept_new=true"
lacks "unknown host key: no login tried" "authenticated"
check "unknown host key: known_hosts not written" test ! -e "$kh"
check "~/.ssh/known_hosts is neither trusted nor changed" test "$(sum "$dir/home/.ssh/known_hosts")" = "$home_sum"

probe $login known_hosts="$kh" accept_new=true
expect "accept_new records the key and logs in" ok "host key $fp1 (unknown, now recorded in $kh)" \
	"authenticated as $user with $dir/id_user"
check "known_hosts holds the key for [127.0.0.1]:$port" \
	grep -q "^\[127.0.0.1\]:$port ssh-ed25519 $(cut -d' ' -f2 "$dir/host1.pub")" "$kh"

probe $login known_hosts="$kh"
expect "second run: ok" ok "host key $fp1 (ok)" "ssh.banner = SSH-2.0-OpenSSH"
echo "# ok on loopback (login, no command): $took ms wall, process included"

nsx env HOME="$dir/home" "$VMTRIAGE" probe ssh host=127.0.0.1 $login known_hosts="$kh" --format yaml >"$out" 2>&1
if grep -q '^outcome: ok' "$out" && grep -q '^facts:' "$out" && grep -q '^evidence:' "$out"; then
	ok "--format yaml: outcome, facts, evidence"
	echo "# ok on loopback: $(grep '^elapsed_ms' "$out")"
else
	not_ok "--format yaml" "$(cat "$out")"
fi

# The default known_hosts lives under XDG_STATE_HOME, made when needed.
nsx env HOME="$dir/home" XDG_STATE_HOME="$dir/state" "$VMTRIAGE" probe ssh host=127.0.0.1 \
	$login accept_new=true >"$out" 2>&1
expect "default known_hosts: XDG_STATE_HOME/vmtriage/known_hosts" ok \
	"recorded in $dir/state/vmtriage/known_hosts"
check "default known_hosts made" test -s "$dir/state/vmtriage/known_hosts"

# ---- commands ----------------------------------------------------------------
probe $login known_hosts="$kh" "command=echo hello; exit 3"
expect "command: output and exit status" ok 'ssh.output = hello' 'ssh.exit_status = 3' \
	'| $ echo hello; exit 3' '| hello' '| exit status 3'
echo "# ok on loopback with a command: $took ms wall"

probe $login known_hosts="$kh" "command=seq 1 30; echo oops >&2"
expect "command: the last 20 lines and stderr" ok '| 11' '| 30' '| stderr: oops' 'ssh.output = 1'
lacks "command: line 10 is not in the tail" "| 10"

# Under a checker such as valgrind the login alone may take 2 s.
wait_s=2
[ -n "${VT_WRAP:-}" ] && wait_s=8
probe $login known_hosts="$kh" "command=sleep 30" seconds=$wait_s
expect "command outliving the deadline: timeout" timeout "did not finish within $wait_s s" "authenticated as"
check "  ... and the probe kept its deadline ($took ms)" test "$took" -lt 20000

# ---- logins that fail ----------------------------------------------------------
probe port="$port" user="$user" key="$dir/id_other" known_hosts="$kh"
expect "a key not in authorized_keys: auth_denied" auth_denied \
	"refused key $dir/id_other" "for user $user" "the server offers: publickey"

probe port="$port" user="$user" key="$dir/nope" known_hosts="$kh"
expect "a missing key: error" error "does not exist" "host key $fp1 (ok)"

# The unprivileged user runs a copy of the binary: the build tree may be out
# of its reach (a clone under /root, as in CI).
lab_public_vmtriage || exit 1
if command -v setpriv >/dev/null 2>&1; then
	nsx setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=/nonexistent \
		"$lab_vmtriage_pub" probe ssh host=127.0.0.1 $login known_hosts="$kh" >"$out" 2>&1
	expect "a key the user may not read: error, run with sudo" error "permission denied" "sudo"
	# A known_hosts file it may not read is not "unknown".
	cp "$kh" "$dir/kh-private"
	chmod 600 "$dir/kh-private"
	nsx setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=/nonexistent \
		"$lab_vmtriage_pub" probe ssh host=127.0.0.1 $login known_hosts="$dir/kh-private" accept_new=true >"$out" 2>&1
	expect "a known_hosts the user may not read: error" error "cannot read $dir/kh-private"
else
	skip "a key the user may not read" "setpriv is missing"
	skip "a known_hosts the user may not read" "setpriv is missing"
fi

# ---- the host key changes --------------------------------------------------------
stop_sshd
start_sshd host2
kh_sum=$(sum "$kh")
probe $login known_hosts="$kh"
expect "changed host key" hostkey_changed "host key $fp2 (changed)" \
	"known key $fp1 (ssh-ed25519) for [127.0.0.1]:$port at $kh:1" "ssh-keygen -R '[127.0.0.1]:$port'" \
	"ssh.hostkey = $fp2"
probe $login known_hosts="$kh" accept_new=true "command=echo hello"
expect "changed host key: never accepted, even with accept_new" hostkey_changed "(changed)"
lacks "changed host key: no login, no command" "authenticated"
check "changed host key: known_hosts unchanged" test "$(sum "$kh")" = "$kh_sum"

# Only a key of another type known (libssh: OTHER): as suspect as a change.
ssh-keygen -q -t ecdsa -N '' -C other -f "$dir/host3" || exit 1
printf '[127.0.0.1]:%s %s\n' "$port" "$(cut -d' ' -f1,2 "$dir/host3.pub")" >"$dir/kh-other"
fp3=$(ssh-keygen -lf "$dir/host3.pub" | awk '{print $2}')
probe $login known_hosts="$dir/kh-other" accept_new=true
expect "a known key of another type: hostkey_changed" hostkey_changed "host key $fp2 (changed)" \
	"known key $fp3 (ecdsa-sha2-nistp256) for [127.0.0.1]:$port at $dir/kh-other:1"

# ---- ports -----------------------------------------------------------------------
probe port="$closed_port" key="$dir/id_user" known_hosts="$kh"
expect "nothing listening: refused" refused "connection refused"

# A listener that takes the connection and never says a word.
mkfifo "$dir/fifo"
"$nsexec" "$ns" busybox nc -l -p "$mute_port" <>"$dir/fifo" >/dev/null 2>&1 &
lab_track $!
i=0
while ! listening "$mute_port" && [ $i -lt 100 ]; do i=$((i + 1)); sleep 0.05; done
probe port="$mute_port" key="$dir/id_user" known_hosts="$kh" seconds=2
expect "no banner: timeout" timeout "no SSH banner came within 2 s"
echo "# timeout (no banner) with seconds=2: $took ms wall"
check "  ... within the hang guard ($took ms)" test "$took" -lt 20000

if command -v nft >/dev/null 2>&1; then
	nsx nft add table inet vtssh
	nsx nft "add chain inet vtssh in { type filter hook input priority 0; }"
	nsx nft add rule inet vtssh in tcp dport "$drop_port" drop
	probe port="$drop_port" key="$dir/id_user" known_hosts="$kh" seconds=2
	expect "packets dropped: timeout" timeout "no answer within 2 s"
	echo "# timeout (SYN dropped) with seconds=2: $took ms wall"
else
	skip "packets dropped: timeout" "nft is missing"
fi

# A name nobody can resolve: error (the namespace has no route out, so no query leaves).
host=nosuchhost.invalid
probe port="$port" key="$dir/id_user" known_hosts="$kh"
expect "unresolvable host: error" error "cannot resolve nosuchhost.invalid"

tap_done
