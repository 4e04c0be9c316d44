#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# TAP test: images vmscan must refuse before qemu ever opens them (they
# would make qemu read other host files, are cut short so that qemu would
# read missing data as zeros, or are not disk images at all), and good
# images made by qemu-img and mkfs that it must not refuse.
# Each must give exit 2, one line on stderr naming the problem, a
# database that passes integrity_check and says 'failed', and an image
# whose sha256 is unchanged.  Needs qemu-img; uses the shared corpus when
# it is there.  Launches no appliance.
set -u

. "$(dirname "$0")/../lib.sh"
corpus=${VMSCAN_SHARED_CORPUS:-$top_srcdir/../shared/corpus}
require_vmscan
require_cmd qemu-img sqlite3
setup_work
cd "$work" || bail_out "cannot enter $work"

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
qemu-img create -q -f qcow2 -b "$work/base.raw" -F raw child.qcow2
refused qcow2-backing child.qcow2 "backing file"

# The same with a host path an attacker would pick.
qemu-img create -q -f qcow2 -b /etc/shadow -F raw shadow.qcow2 2>/dev/null \
  || qemu-img create -q -f qcow2 -u -b /etc/shadow -F raw shadow.qcow2
refused qcow2-shadow shadow.qcow2 "/etc/shadow"

if qemu-img create -q -f qcow2 -o data_file="$work/data.raw" datafile.qcow2 16M \
   2>/dev/null; then
  refused qcow2-datafile datafile.qcow2 "external data file"
else
  skip "qemu-img cannot make data_file images"
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

# Sparse formats cut short: every table and data block they point to
# must be in the file, or qemu would read the missing data as zeros.
# The raw disk holds random data over most of its 16 MiB, so that any
# cut loses some.
mkdir data
for i in 1 2 3 4 5 6; do
  head -c 1900000 /dev/urandom > data/f$i
done
have_mke2fs=no
if mke2fs -q -F -t ext4 -d data data.raw 16M > /dev/null 2>&1; then
  have_mke2fs=yes
fi
# cut_to IN OUT BYTES: the first BYTES bytes of IN.
cut_to () {
  head -c "$3" "$1" > "$2"
}
# u64 FILE OFFSET: the little-endian 64-bit number at OFFSET.
u64 () {
  od -An -t u8 -j "$2" -N 8 "$1" | tr -d ' '
}
# u32 FILE OFFSET: the little-endian 32-bit number at OFFSET.
u32 () {
  od -An -t u4 -j "$2" -N 4 "$1" | tr -d ' '
}
good=""
if [ $have_mke2fs = yes ]; then
  good="data.raw"
  qemu-img convert -f raw -O vmdk data.raw sparse.vmdk
  qemu-img convert -f raw -O vmdk -o subformat=streamOptimized data.raw \
    stream.vmdk
  qemu-img convert -f raw -O vpc -o subformat=dynamic data.raw dyn.vhd
  qemu-img convert -f raw -O vhdx data.raw data.vhdx
  good="$good sparse.vmdk stream.vmdk dyn.vhd data.vhdx"

  size=$(stat -c %s sparse.vmdk)
  cut_to sparse.vmdk cut-sparse.vmdk $((size / 2))
  refused vmdk-cut-grains cut-sparse.vmdk "VMDK is truncated: its grain at"
  gd=$(u64 sparse.vmdk 56)
  cut_to sparse.vmdk cut-gd.vmdk $((gd * 512 + 2))
  refused vmdk-cut-gd cut-gd.vmdk \
    "VMDK is truncated: its grain directory at offset $((gd * 512))"
  gt=$(u32 sparse.vmdk $((gd * 512)))
  cut_to sparse.vmdk cut-gt.vmdk $((gt * 512 + 100))
  refused vmdk-cut-gt cut-gt.vmdk \
    "VMDK is truncated: its grain table at offset $((gt * 512))"

  size=$(stat -c %s stream.vmdk)
  cut_to stream.vmdk cut-stream.vmdk $((size / 2))
  refused vmdk-stream-cut cut-stream.vmdk \
    "VMDK is truncated: its compressed grain at"

  # Cut in the middle, but with the footer put back at the end, so that
  # the missing-footer rule does not catch it.
  size=$(stat -c %s dyn.vhd)
  tail -c 512 dyn.vhd > footer
  cut_to dyn.vhd cut-dyn.vhd $((size / 2))
  cat footer >> cut-dyn.vhd
  refused vhd-dynamic-cut cut-dyn.vhd "VHD is truncated or corrupt: block"

  size=$(stat -c %s data.vhdx)
  cut_to data.vhdx cut.vhdx $((size / 2))
  refused vhdx-cut cut.vhdx "VHDX is truncated: its payload block"
else
  skip "mke2fs -d failed" $((6 * 3))
fi

# Files that are not disk images at all.
cp /bin/true true.bin
refused elf true.bin "ELF executable, not a disk image"
i=0
while [ $i -lt 40 ]; do
  echo "line $i of a text file that is not a disk image"
  i=$((i + 1))
done > notes.txt
refused text notes.txt "text file, not a disk image"
echo "short note" > short.txt
refused tiny short.txt "image is 11 bytes, smaller than one disk sector"
printf '\211PNG\r\n\032\n\000\000\000\rIHDR\000\000\000\001\000\000\000\001\010\006\000\000\000\037\025\304\211' \
  > pixel.png
refused png pixel.png "PNG image, not a disk image"
sqlite3 some.sqlite 'CREATE TABLE t (x); INSERT INTO t VALUES (1);'
refused sqlite some.sqlite "SQLite database, not a disk image"

# Real disks and filesystems made on a file must still pass the probe.
# tests/unit/unit-image, given file names, probes each and says whether it
# was accepted (vmscan itself would go on to launch the appliance).
head -c 1048576 /dev/zero > zeros.raw
good="$good zeros.raw"
if mkfs.vfat -C fat.raw 8192 > /dev/null 2>&1; then
  good="$good fat.raw"
fi
truncate -s 300M xfs.raw
if mkfs.xfs -q xfs.raw > /dev/null 2>&1; then
  good="$good xfs.raw"
fi
truncate -s 16M mbr.raw
if printf 'label: dos\nstart=2048, type=83\n' | sfdisk -q mbr.raw \
   > /dev/null 2>&1; then
  good="$good mbr.raw"
fi
for mkiso in xorrisofs genisoimage mkisofs; do
  if command -v $mkiso > /dev/null; then
    $mkiso -quiet -o cd.iso data > /dev/null 2>&1 && good="$good cd.iso"
    break
  fi
done
if [ -r "$corpus/ext2.vmdk" ] && [ -r "$corpus/btrfs.vhdx.gz" ]; then
  cp "$corpus/ext2.vmdk" "$corpus/ext2.vhd" "$corpus/ext2.qcow2" .
  gzip -dc "$corpus/btrfs.vhdx.gz" > btrfs.vhdx
  good="$good ext2.vmdk ext2.vhd ext2.qcow2 btrfs.vhdx"
fi

unit=$top_builddir/tests/unit/unit-image
# shellcheck disable=SC2086 # good is a list of names without spaces
set -- $good
if [ -x "$unit" ]; then
  "$unit" "$@" > accepted.tap 2>&1
  got=0
  while read -r line; do
    case $line in
      "ok "*|"not ok "*)
        got=$((got + 1))
        desc=$(echo "$line" | sed 's/^\(not \)*ok [0-9]* - //')
        case $line in
          ok*) ok 0 "$desc" ;;
          *) ok 1 "$desc" ;;
        esac
        ;;
    esac
  done < accepted.tap
  [ $got -eq $# ]
  ok $? "tests/unit/unit-image probed all $# good images (reported $got)"
else
  skip "tests/unit/unit-image not built" $(($# + 1))
fi

# --format qcow2 on a raw file: the safety checks still apply.
refused qcow2-forced base.raw "not a qcow2" --format qcow2

if [ -r "$corpus/image.vhd" ] && [ -r "$corpus/fat-differential.vhd" ]; then
  cp "$corpus/image.vhd" "$corpus/fat-differential.vhd" .
  refused corpus-image.vhd image.vhd "checksum"
  refused corpus-fat-differential.vhd fat-differential.vhd "differencing"
else
  skip "shared corpus not found at $corpus" 6
fi

test_done
