#!/bin/sh
# TAP test: images vmscan must refuse before qemu ever opens them (they
# would make qemu read other host files, or are not disk images at all).
# Each must give exit 2, one line on stderr naming the problem, a
# database that passes integrity_check and says 'failed', and an image
# whose sha256 is unchanged.  Needs qemu-img; uses the shared corpus when
# it is there.  Launches no appliance.
set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
VMSCAN=${VMSCAN:-$top_srcdir/vmscan}
corpus=${VMSCAN_SHARED_CORPUS:-$top_srcdir/../shared/corpus}
if [ ! -x "$VMSCAN" ]; then
  echo "1..0 # SKIP vmscan not built"
  exit 0
fi
if ! command -v qemu-img > /dev/null || ! command -v sqlite3 > /dev/null; then
  echo "1..0 # SKIP qemu-img or sqlite3 not installed"
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1

n=0
ok () {
  n=$((n + 1))
  if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi
}

# refused NAME IMAGE PATTERN [VMSCAN OPTIONS]
refused () {
  name=$1 img=$2 pattern=$3
  shift 3
  before=$(sha256sum < "$img")
  rm -f "$name.db"
  "$VMSCAN" -q -o "$name.db" "$@" "$img" > out 2> err
  rc=$?
  lines=$(wc -l < err)
  after=$(sha256sum < "$img")
  [ $rc -eq 2 ] && [ "$lines" -eq 1 ] && grep -q -- "$pattern" err
  ok $? "$name: exit 2 and one line matching '$pattern' (rc=$rc: $(head -c 300 err))"
  [ "$before" = "$after" ]
  ok $? "$name: image unchanged"
  [ "$(sqlite3 "$name.db" 'PRAGMA integrity_check')" = ok ] \
    && [ "$(sqlite3 "$name.db" 'SELECT status FROM scans')" = failed ] \
    && [ "$(sqlite3 "$name.db" 'SELECT count(*) FROM errors')" -ge 1 ]
  ok $? "$name: database intact and says failed"
}

: > empty.img
refused empty empty.img "empty"

mkdir adir
"$VMSCAN" -q -o dir.db adir > out 2> err
[ $? -eq 2 ] && grep -q "directory" err
ok $? "directory given as image: exit 2"

printf 'not a disk image, just text\n' | gzip > img.gz
refused gzip img.gz "gzip"

qemu-img create -q -f raw base.raw 16M
qemu-img create -q -f qcow2 -b "$tmp/base.raw" -F raw child.qcow2
refused qcow2-backing child.qcow2 "backing file"

# The same with a host path an attacker would pick.
qemu-img create -q -f qcow2 -b /etc/shadow -F raw shadow.qcow2 2>/dev/null \
  || qemu-img create -q -f qcow2 -u -b /etc/shadow -F raw shadow.qcow2
refused qcow2-shadow shadow.qcow2 "/etc/shadow"

if qemu-img create -q -f qcow2 -o data_file="$tmp/data.raw" datafile.qcow2 16M \
   2>/dev/null; then
  refused qcow2-datafile datafile.qcow2 "external data file"
else
  n=$((n + 1)); echo "ok $n # SKIP qemu-img cannot make data_file images"
fi

qemu-img create -q -f vmdk -o subformat=monolithicFlat flat.vmdk 16M
refused vmdk-descriptor flat.vmdk "descriptor"

qemu-img create -q -f vpc -o subformat=dynamic dyn.vhd 16M
size=$(stat -c %s dyn.vhd)
head -c $((size - 512)) dyn.vhd > truncated.vhd
refused vhd-truncated truncated.vhd "footer is missing"

qemu-img create -q -f vpc -o subformat=fixed fixed.vhd 8M
size=$(stat -c %s fixed.vhd)
# Flip one byte of the footer's "creator application" field.
printf 'X' | dd of=fixed.vhd bs=1 seek=$((size - 512 + 28)) conv=notrunc \
  2>/dev/null
refused vhd-checksum fixed.vhd "checksum"

# A qcow2 whose header is whole but whose data was cut off: refused on
# the host, not read as zeros inside the appliance.
if command -v qemu-io > /dev/null; then
  qemu-img create -q -f qcow2 cut.qcow2 64M
  qemu-io -c 'write -P 0x55 0 8M' cut.qcow2 > /dev/null
  truncate -s 4M cut.qcow2
  refused qcow2-truncated cut.qcow2 "truncated: its data cluster"
  qemu-img create -q -f qcow2 cutl1.qcow2 64M
  truncate -s 100000 cutl1.qcow2
  refused qcow2-truncated-tables cutl1.qcow2 "truncated: its"
fi

# --format qcow2 on a raw file: the safety checks still apply.
refused qcow2-forced base.raw "not a qcow2" --format qcow2

if [ -r "$corpus/image.vhd" ] && [ -r "$corpus/fat-differential.vhd" ]; then
  cp "$corpus/image.vhd" "$corpus/fat-differential.vhd" .
  refused corpus-image.vhd image.vhd "checksum"
  refused corpus-fat-differential.vhd fat-differential.vhd "differencing"
else
  for i in 1 2 3 4 5 6; do
    n=$((n + 1)); echo "ok $n # SKIP shared corpus not found at $corpus"
  done
fi

echo "1..$n"
