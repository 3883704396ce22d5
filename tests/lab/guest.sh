#!/bin/sh
# guest.sh: the "guest" probe against a real OpenSSH sshd that this test
# starts on 127.0.0.1 in a network namespace of its own (as ssh.sh does), and
# on the same guest's files as a mounted disk (root=).
#
# The guest is deterministic: sshd puts the test's login (root, with a key
# made here) in a ChrootDirectory: a small root with bash (root's shell),
# busybox for cat, ls, env, uname, readlink and cpio, the real iproute2 `ip`
# (their libraries copied beside them), and the files each case needs. So
# every check goes over SSH for real (exec channels, cat, ls, commands, exit
# statuses) while the test decides what the guest holds: cloud-init running
# and then done, an fstab with /dev/sdX lines and then LABEL= ones, netplan
# naming ens33 and then the namespace's own dummy NIC enp1s0, udev rules for
# VMware MACs and then for that NIC's MAC, systemd-resolved with and without
# an upstream, an initramfs (a real newc archive) without and with virtio.
# Two stand-ins, as no real one runs in a chroot: `cloud-init` prints a
# recorded `cloud-init status --long` (tests/data/guest/ci-*.txt), and
# `lsinitramfs` is busybox `cpio -t`, which prints the same one-path-a-line
# listing. Then the failures of getting in: nothing listening, an unknown
# and a changed host key, a refused key, a missing key.
#
# The chroot must be owned by root and writable by no one else along its whole
# path (sshd's ChrootDirectory rule), so the scratch directory is under /run (or /var/lib),
# not /tmp. Needs root. The namespace and the teardown (by PID) come from
# lab-lib.sh; nothing leaves the namespace.
. "$top_srcdir/tests/cli/tap.sh"
. "$top_srcdir/tests/lab/lab-lib.sh"

lab_need_root "needs root: sshd's ChrootDirectory and a network namespace (CI runs as root)"
lab_need_tools ip ssh-keygen busybox ldd
SSHD=$(command -v sshd 2>/dev/null || echo /usr/sbin/sshd)
[ -x "$SSHD" ] || skip_all "sshd is missing (apt-get install openssh-server)"
lab_c_locale

ns=$(lab_name guest)
base=$(lab_private_base) || skip_all "no directory of root's that no one else may write to (/run, /var/lib, /root): sshd refuses such a chroot"
lab_init "$base/vt-guest-lab.XXXXXX"
dir=$lab_tmp
for d in "$dir" "$(dirname "$dir")"; do
	# shellcheck disable=SC2012
	case $(ls -ld "$d" | cut -c6,9) in
	*w*) skip_all "$d is writable by others: sshd refuses such a chroot" ;;
	esac
done
guest=$dir/guest
data=$top_srcdir/tests/data/guest

peer_ns=$(lab_name guestpeer)
lab_netns_add "$ns" "$peer_ns"
ip -n "$ns" link set lo up
# The guest's NIC, named as KVM's virtio-net is on a q35 machine: one end of a
# veth pair (kernels without the dummy module have veth), its peer in a
# namespace of its own so the guest sees only enp1s0.
lab_veth "$ns" enp1s0 "$peer_ns" vtpeer0 || exit 1
ip -n "$ns" link set enp1s0 address 52:54:00:6b:1f:0a || exit 1
nsx() { ip netns exec "$ns" "$@"; }

listening() { lab_listening "$ns" "$1"; }
lab_free_port "$ns" port
lab_free_port "$ns" closed_port

# ---- the guest's root ----------------------------------------------------------
# copy_bin FILE [NAME]: FILE into the chroot's /bin (as NAME), with the libraries ldd names.
copy_bin() {
	cp -L "$1" "$guest/bin/${2:-$(basename "$1")}" || exit 1
	ldd "$1" | sed -n 's/.*=> \(\/[^ ]*\).*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p' |
		while read -r lib; do
			mkdir -p "$guest$(dirname "$lib")"
			[ -e "$guest$lib" ] || cp -L "$lib" "$guest$lib" || exit 1
		done
}
mkdir -p "$guest/bin" "$guest/usr" "$guest/root" "$guest/etc/netplan" "$guest/etc/udev/rules.d" \
	"$guest/var/lib/cloud/instances/iid-vt-test" "$guest/var/log" "$guest/run/systemd/resolve" \
	"$guest/boot" "$guest/dev" || exit 1
ln -s ../bin "$guest/usr/bin"
ln -s ../bin "$guest/usr/sbin"
ln -s bin "$guest/sbin"
shell=$(getent passwd root | cut -d: -f7)
[ -x "$shell" ] || skip_all "root's shell $shell is missing"
copy_bin "$shell"
copy_bin "$(command -v busybox)"
copy_bin "$(unset -f ip; command -v ip)"
for applet in sh cat ls env uname readlink cpio; do
	ln -s busybox "$guest/bin/$applet"
done
# sshd hands the session /dev/null when it has no pty.
mknod -m 666 "$guest/dev/null" c 1 3 || exit 1

cat >"$guest/bin/cloud-init" <<'EOF'
#!/bin/sh
# Stands in for cloud-init: prints the recorded `status --long` the test put here.
[ "$1" = status ] || { echo "usage: cloud-init status [--long]" >&2; exit 2; }
cat /var/lib/vt-test/ci-status
exit "$(cat /var/lib/vt-test/ci-rc)"
EOF
cat >"$guest/bin/lsinitramfs" <<'EOF'
#!/bin/sh
# Stands in for initramfs-tools' lsinitramfs: the archive's paths, one a line.
exec cpio -t <"$1" 2>/dev/null
EOF
chmod 755 "$guest/bin/cloud-init" "$guest/bin/lsinitramfs"
mkdir -p "$guest/var/lib/vt-test"
ln -s /var/lib/cloud/instances/iid-vt-test "$guest/var/lib/cloud/instance"
seq 1 30 | sed 's/^/Cloud-init v. 24.1.3 running modules: step /' >"$guest/var/log/cloud-init-output.log"
ln -s ../run/systemd/resolve/stub-resolv.conf "$guest/etc/resolv.conf"
cp "$data/resolv.conf.stub" "$guest/run/systemd/resolve/stub-resolv.conf"

kver=$(uname -r)
# make_initrd WITH_VIRTIO: a newc archive laid out like Ubuntu's, with or without the virtio disk modules.
make_initrd() {
	rm -rf "$dir/initrd"
	m=usr/lib/modules/$kver/kernel/drivers
	mkdir -p "$dir/initrd/$m/block" "$dir/initrd/$m/scsi" "$dir/initrd/$m/virtio" "$dir/initrd/$m/ata"
	: >"$dir/initrd/$m/ata/ahci.ko"
	: >"$dir/initrd/$m/scsi/vmw_pvscsi.ko"
	if [ "$1" = yes ]; then
		: >"$dir/initrd/$m/block/virtio_blk.ko.zst"
		: >"$dir/initrd/$m/virtio/virtio_pci.ko.zst"
	fi
	(cd "$dir/initrd" && find . | busybox cpio -o -H newc 2>/dev/null) >"$guest/boot/initrd.img-$kver"
}
mkdir -p "$guest/lib/modules/$kver"
printf '%s\n' kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko \
	>"$guest/lib/modules/$kver/modules.builtin"

# ---- sshd -------------------------------------------------------------------------
ssh-keygen -q -t ed25519 -N '' -C host1 -f "$dir/host1" || exit 1
ssh-keygen -q -t ed25519 -N '' -C host2 -f "$dir/host2" || exit 1
# Multipass's key is RSA in PEM form.
ssh-keygen -q -t rsa -b 2048 -m PEM -N '' -C user -f "$dir/id_user" || exit 1
ssh-keygen -q -t ed25519 -N '' -C other -f "$dir/id_other" || exit 1
cp "$dir/id_user.pub" "$dir/authorized_keys"
mkdir -p /run/sshd
cat >"$dir/sshd_config" <<EOF
Port $port
ListenAddress 127.0.0.1
HostKey $dir/host1
AuthorizedKeysFile $dir/authorized_keys
UsePAM no
StrictModes no
PidFile $dir/sshd.pid
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
PrintMotd no
LogLevel VERBOSE
ChrootDirectory $guest
EOF
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

kh=$dir/known_hosts
printf '[127.0.0.1]:%s %s\n' "$port" "$(cut -d' ' -f1,2 "$dir/host1.pub")" >"$kh"
printf '[127.0.0.1]:%s %s\n' "$port" "$(cut -d' ' -f1,2 "$dir/host2.pub")" >"$dir/kh-other"
: >"$dir/kh-empty"
fp1=$(ssh-keygen -lf "$dir/host1.pub" | awk '{print $2}')

out=$lab_tmp/out
# probe ARGS...: the guest probe over SSH (to port $to, else sshd's), in the
# namespace, with a hang guard around it.
probe() {
	# shellcheck disable=SC2086
	nsx timeout 120 env HOME="$dir/home" ${VT_WRAP:-} "$VMTRIAGE" probe guest \
		address=127.0.0.1 port="${to:-$port}" user=root "$@" >"$out" 2>&1
	rc=$?
}
ssh_probe() { probe key="$dir/id_user" known_hosts="$kh" "$@"; }
# disk ARGS...: the same guest as a mounted disk.
disk() {
	# shellcheck disable=SC2086
	timeout 120 ${VT_WRAP:-} "$VMTRIAGE" probe guest root="$guest" "$@" >"$out" 2>&1
	rc=$?
}
# expect NAME OUTCOME TEXT...: the outcome is OUTCOME and every TEXT is in the output.
# VT_WRAP runs the probe under a checker, e.g. VT_WRAP="valgrind -q --leak-check=full
# --error-exitcode=99"; an --enable-asan build prints its findings.
expect() {
	name=$1 want=$2
	shift 2
	if [ "${rc:-0}" = 99 ] || grep -q 'ERROR: [A-Za-z]*Sanitizer\|runtime error:' "$out"; then
		not_ok "$name: memory errors" "$(cat "$out")"
		return
	fi
	if ! grep -qx "outcome: $want" "$out"; then
		not_ok "$name: wanted outcome $want" "$(cat "$out"; tail -n 5 "$dir/sshd.log")"
		return
	fi
	for t in "$@"; do
		if ! grep -qF -- "$t" "$out"; then
			not_ok "$name: output lacks '$t'" "$(cat "$out")"
			return
		fi
	done
	ok "$name"
	sed 's/^/#   /' "$out"
}
lacks() {
	if grep -qF -- "$2" "$out"; then not_ok "$1" "$(cat "$out")"; else ok "$1"; fi
}

# ---- cloud_init ------------------------------------------------------------------
cp "$data/ci-running.txt" "$guest/var/lib/vt-test/ci-status"
echo 0 >"$guest/var/lib/vt-test/ci-rc"
ssh_probe check=cloud_init
expect "cloud-init running: not_finished" not_finished "guest.cloud_init = running" \
	"guest.boot_finished = no" "/var/lib/cloud/instance/boot-finished does not exist" \
	"--timeout" "/var/log/cloud-init-output.log: Cloud-init v. 24.1.3 running modules: step 30" \
	"logged in to root@127.0.0.1:$port"
lacks "  ... only the last lines of the log" "step 20"

cp "$data/ci-done.txt" "$guest/var/lib/vt-test/ci-status"
: >"$guest/var/lib/cloud/instances/iid-vt-test/boot-finished"
ssh_probe check=cloud_init
expect "cloud-init done: ok" ok "guest.cloud_init = done" "guest.boot_finished = yes" \
	"detail: DataSourceNoCloud"

cp "$data/ci-error.txt" "$guest/var/lib/vt-test/ci-status"
echo 1 >"$guest/var/lib/vt-test/ci-rc"
ssh_probe check=cloud_init
expect "cloud-init error: failed, with the errors" failed "guest.cloud_init = error" \
	"error: ('scripts_user', RuntimeError('Runparts" "2 error(s)"

# No cloud-init program (the shell's 127, "not found"): boot-finished decides.
mv "$guest/bin/cloud-init" "$dir/cloud-init"
ssh_probe check=cloud_init
expect "no cloud-init program: boot-finished decides" ok "guest.cloud_init = unknown" \
	"program 'cloud-init' was not found on root@127.0.0.1:$port"
mv "$dir/cloud-init" "$guest/bin/cloud-init"

# The disk: boot-finished behind cloud-init's absolute instance link, read under root.
disk check=cloud_init
expect "disk: boot-finished there: ok" ok "guest.mode = root" "guest.boot_finished = yes" \
	"(/var/lib/cloud/instances/iid-vt-test in the guest)"
rm "$guest/var/lib/cloud/instances/iid-vt-test/boot-finished"
disk check=cloud_init
expect "disk: no boot-finished: not_finished" not_finished "guest.boot_finished = no" \
	"step 30"

# ---- fstab ------------------------------------------------------------------------
cp "$data/fstab.vmware-rhel7" "$guest/etc/fstab"
ssh_probe check=fstab
expect "fstab with /dev/sdX: device_names" device_names "guest.bad_fstab_lines = 2" \
	"/etc/fstab:10: /dev/sda1" "/etc/fstab:12: /dev/sdb1" "UUID= or LABEL="
cp "$data/fstab.ubuntu-cloud" "$guest/etc/fstab"
ssh_probe check=fstab
expect "fstab with LABEL=: ok" ok "guest.bad_fstab_lines = 0" "guest.fstab_entries = 2"
rm "$guest/etc/fstab"
ssh_probe check=fstab
expect "no fstab: ok" ok "has no /etc/fstab"
cp "$data/fstab.vmware-rhel7" "$guest/etc/fstab"
disk check=fstab
expect "disk: fstab with /dev/sdX: device_names" device_names "$guest/etc/fstab:10: /dev/sda1"
# What the SSH host makes of cat's failures, and of a file past the limit (it stops reading).
rm "$guest/etc/fstab"
mkdir "$guest/etc/fstab"
ssh_probe check=fstab
expect "a directory for fstab: error" error "/etc/fstab is a directory"
rmdir "$guest/etc/fstab"
head -c 3000000 /dev/zero | tr '\0' '#' >"$guest/etc/fstab"
ssh_probe check=fstab
expect "an fstab of 3 MB: error, too big" error "larger than 1048576 bytes"
cp "$data/fstab.vmware-rhel7" "$guest/etc/fstab"
ssh_probe check=fstab
expect "  ... and a normal one after it: device_names" device_names

# ---- net and udev -------------------------------------------------------------------
cp "$data/netplan-vmware.yaml" "$guest/etc/netplan/00-installer-config.yaml"
ssh_probe check=net
expect "netplan names ens33: iface_mismatch" iface_mismatch "guest.ifaces = enp1s0" \
	"guest.missing_ifaces = ens33,ens34" "the VM has: enp1s0 (52:54:00:6b:1f:0a)" \
	"/etc/netplan/00-installer-config.yaml:4: configures ens33"
rm "$guest/etc/netplan/00-installer-config.yaml"
cp "$data/netplan-multipass.yaml" "$guest/etc/netplan/50-cloud-init.yaml"
sed -i 's/52:54:00:2e:15:84/52:54:00:6b:1f:0a/' "$guest/etc/netplan/50-cloud-init.yaml"
ssh_probe check=net
expect "netplan matching the NIC's MAC: ok" ok "guest.missing_ifaces = " \
	"configures the interface with MAC 52:54:00:6b:1f:0a"
disk check=net ifaces=enp1s0
expect "disk: a MAC match cannot be compared: ok" ok "not compared"
disk check=net
expect "disk: without ifaces: error" error "give ifaces="

cp "$data/70-persistent-net.rules" "$guest/etc/udev/rules.d/70-persistent-net.rules"
ssh_probe check=udev
expect "udev rules for VMware MACs: stale_udev" stale_udev \
	"guest.stale_macs = 00:50:56:8a:12:34,00:50:56:8a:56:78" "70-persistent-net.rules:8: SUBSYSTEM"
cp "$data/70-persistent-net.rules.kvm" "$guest/etc/udev/rules.d/70-persistent-net.rules"
ssh_probe check=udev
expect "udev rule for the NIC's own MAC: ok" ok "guest.stale_macs = " "52:54:00:6b:1f:0a"

# ---- resolv ---------------------------------------------------------------------------
cp "$data/resolv.conf.upstream" "$guest/run/systemd/resolve/resolv.conf"
ssh_probe check=resolv
expect "systemd-resolved with an upstream: ok" ok "guest.nameservers = 10.97.0.1" \
	"guest.resolver = systemd-resolved" "nameserver 127.0.0.53"
cp "$data/resolv.conf.upstream-empty" "$guest/run/systemd/resolve/resolv.conf"
ssh_probe check=resolv
expect "systemd-resolved without upstream: no_nameserver" no_nameserver "no upstream server"
disk check=resolv
expect "disk: resolv.conf links into /run: ok" ok "../run/systemd/resolve/stub-resolv.conf" \
	"guest.resolver = systemd-resolved"

# ---- initramfs ----------------------------------------------------------------------------
make_initrd no
ssh_probe check=initramfs
expect "initramfs without virtio: no_virtio" no_virtio "guest.kernel = $kver" \
	"guest.initramfs = /boot/initrd.img-$kver" "virtio modules in it: none" "update-initramfs"
make_initrd yes
ssh_probe check=initramfs
expect "initramfs with virtio: ok" ok "guest.virtio = virtio_blk, virtio_pci"
if command -v lsinitramfs >/dev/null 2>&1 || command -v lsinitrd >/dev/null 2>&1; then
	disk check=initramfs
	expect "disk: initramfs listed here: ok" ok "guest.kernel = $kver"
else
	disk check=initramfs
	expect "disk: no lister on this machine: error" error "neither lsinitramfs nor lsinitrd"
fi

# ---- getting in ----------------------------------------------------------------------------
to=$closed_port probe key="$dir/id_user" known_hosts="$kh" check=fstab
expect "nothing listening: unreachable" unreachable "connection refused"
probe key="$dir/id_user" known_hosts="$dir/kh-empty" check=fstab
expect "unknown host key: host_key_unknown" host_key_unknown "host key $fp1 (unknown)" \
	"accept_new=true"
probe key="$dir/id_user" known_hosts="$dir/kh-other" check=fstab
expect "changed host key: host_key_changed" host_key_changed "(changed)" "ssh-keygen -R"
lacks "  ... and no login" "logged in"
probe key="$dir/id_other" known_hosts="$kh" check=fstab
expect "a refused key: auth_failed" auth_failed "refused key $dir/id_other"
probe key="$dir/nope" known_hosts="$kh" check=fstab
expect "a missing key: auth_failed" auth_failed "the key $dir/nope does not exist"
probe known_hosts="$kh" check=fstab
expect "Multipass's key, not here: auth_failed" auth_failed "multipass"
if command -v setpriv >/dev/null 2>&1; then
	# The key is root's (0600); nobody may pass through $dir to known_hosts, not read the key.
	chmod 711 "$dir"
	lab_public_vmtriage || exit 1
	nsx setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=/nonexistent \
		"$lab_vmtriage_pub" probe guest address=127.0.0.1 port="$port" user=root key="$dir/id_user" \
		known_hosts="$kh" check=fstab >"$out" 2>&1
	expect "a key the user may not read: auth_failed, sudo" auth_failed "permission denied" "sudo"
	chmod 700 "$dir"
else
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - a key the user may not read # SKIP setpriv is missing"
fi

tap_done
