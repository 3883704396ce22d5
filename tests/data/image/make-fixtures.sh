#!/bin/sh
# Regenerates the qemu-img fixtures of this directory with the qemu-img in
# PATH (these were made with qemu-img 7.2, Debian 12's qemu-utils). Images
# are made under a temporary directory laid out as Multipass's vault; that
# directory is then written as the Linux snap's data directory, so the
# fixtures name the paths a real instance has. Run as root: the "denied"
# fixture needs setpriv to drop to nobody.
set -eu
OUT=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
REAL=/var/snap/multipass/common/data/multipassd
D=$T/vault/instances/primary
mkdir -p "$D"
IMG=$D/ubuntu-24.04-server-cloudimg-amd64.img
fix() { sed "s#$T#$REAL#g"; }
# qcow2 header fields, big-endian: cluster_bits at 20, refcount_table_offset at 48.
be() { od -An -tx1 -j "$2" -N "$3" "$1" | tr -d ' \n' | sed 's/^/0x/'; }

qemu-img create -q -f qcow2 "$IMG" 64M
qemu-io -c 'write -P 0xab 0 1M' "$IMG" >/dev/null
qemu-img info --output=json --backing-chain "$IMG" | fix > "$OUT/info-clean.json"
qemu-img check --output=json "$IMG" | fix > "$OUT/check-clean.json"

# A locked image: qemu-io holds it open for writing, as a running VM does.
(sleep 3 | qemu-io "$IMG" >/dev/null 2>&1 &)
sleep 1
qemu-img info --output=json --backing-chain "$IMG" 2>&1 >/dev/null | fix > "$OUT/info-locked.err" || true
sleep 3

# A backing chain, then its base removed.
B=$D/base.qcow2
O=$D/overlay.qcow2
qemu-img create -q -f qcow2 "$B" 64M
qemu-img create -q -f qcow2 -b "$B" -F qcow2 "$O"
qemu-img info --output=json --backing-chain "$O" | fix > "$OUT/info-chain.json"
rm "$B"
qemu-img info --output=json --backing-chain "$O" 2>&1 >/dev/null | fix > "$OUT/info-missing-backing.err" || true
qemu-img info --output=json "$O" | fix > "$OUT/info-missing-backing-top.json"
qemu-img check --output=json "$O" 2>&1 >/dev/null | fix > "$OUT/check-missing-backing.err" || true

# Corrupt: the first refcount block zeroed, so clusters in use count 0.
C=$D/corrupt.img
cp "$IMG" "$C"
RT=$(be "$C" 48 8)
RB=$(be "$C" $((RT)) 8)
dd if=/dev/zero of="$C" bs=1 seek=$((RB)) count=64 conv=notrunc 2>/dev/null
qemu-img check --output=json "$C" 2> "$T/err" | fix > "$OUT/check-corrupt.json" || true
fix < "$T/err" > "$OUT/check-corrupt.err"

# Leaks: one cluster past the end counted as used, and the file grown to hold it.
L=$D/leaks.img
cp "$IMG" "$L"
CS=$((1 << $(be "$L" 20 4)))
K=$(( ($(stat -c %s "$L") + CS - 1) / CS ))
printf '\000\001' | dd of="$L" bs=1 seek=$((RB + 2 * K)) conv=notrunc 2>/dev/null
truncate -s $(( (K + 1) * CS )) "$L"
qemu-img check --output=json "$L" 2> "$T/err" | fix > "$OUT/check-leaks.json" || true
fix < "$T/err" > "$OUT/check-leaks.err"

# Marked corrupt: bit 1 of incompatible_features (offset 72..79).
M=$D/marked.img
cp "$IMG" "$M"
printf '\002' | dd of="$M" bs=1 seek=79 conv=notrunc 2>/dev/null
qemu-img info --output=json --backing-chain "$M" | fix > "$OUT/info-marked-corrupt.json"

# raw: info works, check cannot.
R=$D/raw.img
qemu-img create -q -f raw "$R" 16M
qemu-img info --output=json --backing-chain "$R" | fix > "$OUT/info-raw.json"
qemu-img check --output=json "$R" 2>&1 >/dev/null | fix > "$OUT/check-raw.err" || true

# Missing, and unreadable to a user.
qemu-img info --output=json --backing-chain "$D/gone.img" 2>&1 >/dev/null | fix > "$OUT/info-notfound.err" || true
chmod 600 "$IMG"
chmod 755 "$T" "$T/vault" "$T/vault/instances" "$D"
setpriv --reuid=65534 --regid=65534 --clear-groups \
    qemu-img info --output=json --backing-chain "$IMG" 2>&1 >/dev/null | fix > "$OUT/info-denied.err" || true
