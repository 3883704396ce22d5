#!/bin/sh
# snapshot.sh: `vmtriage collect` on this machine and `--snapshot` replays.
# The round trip: collect here with --verify, so every probe collect ran is
# run again on the saved file and must give the same outcome, facts and
# evidence. Then the file itself (manifest, mode 0600, nothing half written
# when it cannot be saved), bad snapshot files (FILE:LINE:COL, exit 65),
# collect refusing a snapshot, fixes shown but never run on a snapshot, and
# the shipped example snapshots leading `run --auto` to the documented cause.
. "$top_srcdir/tests/cli/tap.sh"
cd "$top_srcdir" || exit 1
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
out=$tmp/out

# expect NAME STATUS PATTERN -- CMD...: exit STATUS and output (stdout+stderr) matching PATTERN (grep -E).
expect() {
	name=$1 want=$2 pat=$3
	shift 4
	"$@" >"$out" 2>&1 </dev/null
	got=$?
	if [ "$got" != "$want" ]; then
		not_ok "$name: exit $got, wanted $want" "$(head -n 40 "$out")"
	elif ! grep -Eq -- "$pat" "$out"; then
		not_ok "$name: output lacks /$pat/" "$(head -n 40 "$out")"
	else
		ok "$name"
	fi
}

# ---- the round trip, on this machine ----------------------------------------
expect "collect --verify: every probe answers the same from the file" 0 \
	'^Verified: all [0-9]+ probes answer the same' -- \
	"$VMTRIAGE" collect --quiet --verify --instance primary -o "$tmp/here.yaml"
if [ -f "$tmp/here.yaml" ] && [ "$(stat -c %a "$tmp/here.yaml")" = 600 ]; then
	ok "the snapshot is readable by its owner only"
else
	not_ok "the snapshot is readable by its owner only" "$(ls -l "$tmp")"
fi
for want in '^vmtriage-snapshot: ' '^manifest:' '^left-out:' "Multipass's SSH private key" \
	'fact.instance: primary' '^files:' '^commands:'; do
	if grep -Eq -- "$want" "$tmp/here.yaml"; then ok "the snapshot has /$want/"; else
		not_ok "the snapshot has /$want/" "$(head -n 30 "$tmp/here.yaml")"; fi
done
os=$(sed -n 's/^os: *//p' "$tmp/here.yaml")
expect "a probe on the snapshot names what the snapshot lacks" 3 \
	"the snapshot holds no output of 'uname -a'" -- \
	"$VMTRIAGE" --snapshot "$tmp/here.yaml" probe command 'argv=uname -a'
expect "the snapshot's clock and OS are the collector's" 0 "os = $os" -- \
	"$VMTRIAGE" --snapshot "$tmp/here.yaml" probe multipass
ls "$tmp"/*.tmp.* >/dev/null 2>&1 && not_ok "no temporary file is left" || ok "no temporary file is left"

# ---- an image anywhere, checked with the real qemu-img, and replayed -------------
if command -v qemu-img >/dev/null 2>&1; then
	qemu-img create -q -f qcow2 "$tmp/base.qcow2" 16M &&
		qemu-img create -q -f qcow2 -b "$tmp/base.qcow2" -F qcow2 "$tmp/top.qcow2"
	rm -f "$tmp/base.qcow2"
	expect "collect --image: the image's answer replays the same" 0 '^Verified' -- \
		"$VMTRIAGE" collect --quiet --verify --image "$tmp/top.qcow2" -o "$tmp/img.yaml"
	expect "the snapshot knows the backing file is gone" 0 'outcome: missing_backing' -- \
		"$VMTRIAGE" --snapshot "$tmp/img.yaml" probe image path="$tmp/top.qcow2"
else
	ok "# SKIP qemu-img is missing"
fi

# ---- collect's own errors -------------------------------------------------------
expect "collect cannot collect from a snapshot" 2 'cannot collect from a snapshot' -- \
	"$VMTRIAGE" --snapshot "$tmp/here.yaml" collect -o "$tmp/x.yaml"
expect "collect: bad instance name" 2 "--instance ../x" -- \
	"$VMTRIAGE" collect --instance ../x -o "$tmp/x.yaml"
expect "collect: bad capture time" 2 '--capture 0: takes 1 to 300 seconds' -- \
	"$VMTRIAGE" collect --capture 0 -o "$tmp/x.yaml"
expect "collect: unwritable output" 70 'cannot write next to /nonexistent-dir/x.yaml' -- \
	"$VMTRIAGE" collect --quiet -o /nonexistent-dir/x.yaml
[ -e "$tmp/x.yaml" ] && not_ok "nothing written on error" || ok "nothing written on error"

# ---- bad snapshot files ---------------------------------------------------------
printf 'vmtriage-snapshot: 1\nos: linux\nnow: 1\nfiles:\n  - path: /x\n    status: perhaps\n' >"$tmp/bad1.yaml"
expect "bad status: FILE:LINE:COL and exit 65" 65 "bad1.yaml:6:13: 'perhaps' is not a status" -- \
	"$VMTRIAGE" --snapshot "$tmp/bad1.yaml" list
printf 'id: some-flow\nnodes: {}\n' >"$tmp/bad2.yaml"
expect "a flow is not a snapshot" 65 'not a vmtriage snapshot' -- \
	"$VMTRIAGE" --snapshot "$tmp/bad2.yaml" probe multipass
expect "missing snapshot file" 65 'No such file' -- \
	"$VMTRIAGE" --snapshot "$tmp/none.yaml" probe multipass
expect "--snapshot needs a value" 2 '--snapshot needs a value' -- "$VMTRIAGE" list --snapshot
head -c 3000 /dev/urandom >"$tmp/bin.yaml"
expect "binary snapshot" 65 'bin.yaml:' -- "$VMTRIAGE" --snapshot "$tmp/bin.yaml" list

# ---- fixes on a snapshot are shown, not run ---------------------------------------
cat >"$tmp/fix.yaml" <<'EOF'
vmtriage-snapshot: 1
os: linux
now: 1700000000
commands:
  - argv: [multipass, version]
    status: ok
    exit: 0
    stdout: "multipass   1.14.1+deb\nmultipassd  1.14.1+deb\n"
EOF
echo 'force-update: run' >"$tmp/answers"
expect "a fix on a snapshot: plan shown, nothing run" 3 'shows the plan and runs nothing' -- \
	"$VMTRIAGE" --snapshot "$tmp/fix.yaml" run stale-network-cache --answers "$tmp/answers"

# ---- the shipped examples lead --auto to the documented cause -----------------------
# example FILE FLOW CAUSE-PATTERN EVIDENCE-PATTERN
example() {
	f=examples/snapshots/$1
	if [ ! -f "$f" ]; then
		not_ok "$1 is shipped"
		return
	fi
	expect "$1: --auto reaches the cause" 1 "$3" -- "$VMTRIAGE" --snapshot "$f" run "$2" --auto
	if grep -Eq -- "$4" "$out"; then ok "$1: the evidence shows /$4/"; else
		not_ok "$1: the evidence shows /$4/" "$(cat "$out")"; fi
}
example macos-firewall-blocks-bootpd.yaml macos-no-ip '^The firewall blocks bootpd' \
	'/usr/libexec/bootpd'
# A command in a text stays on one line, to be pasted as it is.
if grep -qx '  sudo /usr/libexec/ApplicationFirewall/socketfilterfw --unblock /usr/libexec/bootpd' "$out"
then ok "a command in the verdict is printed whole"; else
	not_ok "a command in the verdict is printed whole" "$(cat "$out")"; fi
example windows-duplicate-hosts-ics.yaml windows-ics-lease \
	'^hosts.ics holds more than one entry' 'hosts.ics:[0-9]+'
example sequoia-stale-lease.yaml sequoia-timeout \
	'^The DHCP lease file no longer fits' 'dhcpd_leases'
# The snapshot's own fact names the instance in the texts.
if grep -q 'multipass stop faasd-vm --force' "$out" && ! grep -q '{{' "$out"; then
	ok "the snapshot's instance fills the texts"
else
	not_ok "the snapshot's instance fills the texts" "$(cat "$out")"
fi

tap_done
