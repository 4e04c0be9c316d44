#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Build the disks of one test machine from trees staged by make-tree.sh,
# with host tools only: no mount, no loop device, no appliance.
#
# Usage: tests/make-disks.sh TREEDIR OUTDIR
#
# TREEDIR holds the staged trees root, boot, data, ext2 and vhd.  Writes
# into OUTDIR:
#   disk1.qcow2  MBR; p1 ext4 "vmscan-root" from root, p2 ext4
#                "vmscan-boot" from boot
#   disk2.vmdk   vfat "VMSCANDATA" from data, no partition table
#   disk3.vhdx   ext2 "vmscan-ext2" from ext2, no partition table
#   disk4.vhd    MBR; p1 ext4 "vmscan-vhd" from vhd
# Each image is written as NAME.tmp, checked, then renamed.  Every
# filesystem is checked with e2fsck -fn / fsck.fat -n and listed
# (debugfs, mdir), and every converted image is compared with the raw
# disk it came from (qemu-img compare).
#
# KEEP_RAW=1 keeps the raw filesystem and disk images in OUTDIR/raw for
# inspection with debugfs -R 'stat PATH' OUTDIR/raw/root.ext4, mdir -i.

set -eu
export LC_ALL=C TZ=UTC MTOOLS_SKIP_CHECK=1

if [ "$#" -ne 2 ]; then
  echo "usage: $0 TREEDIR OUTDIR" >&2
  exit 2
fi
trees=$1
out=$2
for k in root boot data ext2 vhd; do
  if [ ! -d "$trees/$k" ]; then
    echo "$0: $trees/$k is missing (stage it with make-tree.sh)" >&2
    exit 1
  fi
done
for t in mke2fs e2fsck debugfs dumpe2fs sfdisk qemu-img mkfs.vfat \
         fsck.fat mcopy mdir dd truncate; do
  if ! command -v "$t" > /dev/null 2>&1 \
     && ! [ -x "/sbin/$t" ] && ! [ -x "/usr/sbin/$t" ]; then
    echo "$0: $t not found" >&2
    exit 1
  fi
done
PATH=$PATH:/sbin:/usr/sbin
mkdir -p "$out"
out=$(cd "$out" && pwd)
trees=$(cd "$trees" && pwd)
raw=$out/raw
rm -rf "$raw"
mkdir -p "$raw"
if [ "${KEEP_RAW:-0}" != 1 ]; then
  trap 'rm -rf "$raw"' EXIT
fi

say () { echo "make-disks: $*" >&2; }
MiB=$((1024 * 1024))

# mkext TYPE LABEL UUID DIR FILE SIZE_MIB
mkext () {
  local type=$1 label=$2 uuid=$3 dir=$4 file=$5 size=$6
  rm -f "$file"
  truncate -s $((size * MiB)) "$file"
  mke2fs -q -F -t "$type" -L "$label" -U "$uuid" -d "$dir" \
    -E root_owner=0:0 "$file"
  fix_times "$dir" "$file"
  # Read-only check: exit 0 only when nothing at all is wrong.
  e2fsck -fn "$file" > "$file.fsck" 2>&1 || {
    cat "$file.fsck" >&2
    say "e2fsck found problems in $file"
    return 1
  }
  [ "$(dumpe2fs -h "$file" 2>/dev/null \
       | sed -n 's/^Filesystem volume name: *//p')" = "$label" ] || {
    say "$file: label is not $label"
    return 1
  }
}

# fix_times DIR FSIMAGE: mke2fs 1.47.0 -d stores only the low 32 bits of
# the seconds (a 2038 or 2100 mtime reads back as 1901 or 1964), drops
# the nanoseconds, and gives the root directory the time of mkfs.  Set
# those mtimes again with debugfs so the image holds what the tree holds,
# then read them back.  Names that need it must be plain (debugfs cannot
# quote every byte).
fix_times () {
  python3 - "$1" > "$2.times" <<'PY'
import os, re, sys
top = os.fsencode(sys.argv[1])
def want(rel, st):
    sec, ns = divmod(st.st_mtime_ns, 10**9)
    return rel == b"" or ns != 0 or not -2**31 <= sec < 2**31
for d, dirs, files in os.walk(top):
    for name in [b""] + dirs + files if d == top else dirs + files:
        p = os.path.join(d, name) if name else d
        st = os.lstat(p)
        rel = os.path.relpath(p, top) if name else b""
        if rel == b".":
            rel = b""
        if not want(rel, st):
            continue
        path = b"/" + rel
        if not re.fullmatch(rb"[A-Za-z0-9._/+-]+", path):
            sys.exit("make-disks: cannot fix the mtime of %r" % path)
        sec, ns = divmod(st.st_mtime_ns, 10**9)
        epoch = ((sec - ((sec + 2**31) % 2**32 - 2**31)) >> 32) & 3
        print("sif %s mtime @%d" % (path.decode(), sec))
        print("sif %s mtime_extra %d" % (path.decode(), (ns << 2) | epoch))
        print("#check %s %d %d" % (path.decode(), sec, ns))
PY
  [ -s "$2.times" ] || return 0
  grep -v '^#' "$2.times" | debugfs -w -f - "$2" > /dev/null 2>&1
  # Read back: debugfs prints "mtime: 0xLO:EXTRA -- date".
  grep '^#check ' "$2.times" | while read -r _ path sec ns; do
    debugfs -R "stat $path" "$2" 2>/dev/null | python3 -c '
import re, sys
sec, ns = int(sys.argv[1]), int(sys.argv[2])
m = re.search(r"^ *mtime: 0x([0-9a-f]+):([0-9a-f]+)", sys.stdin.read(), re.M)
lo, extra = int(m.group(1), 16), int(m.group(2), 16)
lo = lo - 2**32 if lo >= 2**31 else lo
got = lo + ((extra & 3) << 32)
if (got, extra >> 2) != (sec, ns):
    sys.exit("make-disks: %s: mtime %d.%09d, wanted %d.%09d"
             % (sys.argv[3], got, extra >> 2, sec, ns))
' "$sec" "$ns" "$path" || return 1
  done
}

# mbr DISK SIZE_MIB PARTITION_SIZE_MIB...: a DOS label, partitions of
# type 83 one after the other from 1 MiB.
mbr () {
  local disk=$1 size=$2 start=1 p spec=""
  shift 2
  rm -f "$disk"
  truncate -s $((size * MiB)) "$disk"
  for p in "$@"; do
    spec="${spec}start=$((start * 2048)), size=$((p * 2048)), type=83
"
    start=$((start + p))
  done
  printf 'label: dos\nlabel-id: 0x766d7363\nunit: sectors\n%s' "$spec" \
    | sfdisk -q --no-reread --no-tell-kernel "$disk"
}

# put FSIMAGE DISK OFFSET_MIB
put () {
  dd if="$1" of="$2" bs=1M seek="$3" conv=notrunc,sparse status=none
}

# convert RAW FORMAT OUTFILE [qemu-img -o options]
convert () {
  local src=$1 fmt=$2 dst=$3 opts=${4:-}
  rm -f "$dst.tmp"
  qemu-img convert -q -f raw -O "$fmt" ${opts:+-o "$opts"} "$src" "$dst.tmp"
  [ "$(qemu-img info --output=json "$dst.tmp" \
       | sed -n 's/^ *"format": "\([a-z0-9]*\)".*/\1/p')" = "$fmt" ] || {
    say "$dst.tmp is not $fmt"
    return 1
  }
  qemu-img compare -q -f raw -F "$fmt" "$src" "$dst.tmp" || {
    say "$dst.tmp differs from $src"
    return 1
  }
  mv "$dst.tmp" "$dst"
}

# ---- disk1.qcow2: MBR, ext4 / and ext4 /boot ----------------------------
mkext ext4 vmscan-root 0b1d0000-0000-4000-8000-000000000001 \
  "$trees/root" "$raw/root.ext4" 128
mkext ext4 vmscan-boot 0b1d0000-0000-4000-8000-000000000002 \
  "$trees/boot" "$raw/boot.ext4" 32
mbr "$raw/disk1.raw" 162 128 32
put "$raw/root.ext4" "$raw/disk1.raw" 1
put "$raw/boot.ext4" "$raw/disk1.raw" 129
convert "$raw/disk1.raw" qcow2 "$out/disk1.qcow2"

# ---- disk2.vmdk: vfat, no partition table ------------------------------
rm -f "$raw/data.vfat"
mkfs.vfat -C -n VMSCANDATA -i 766D5343 "$raw/data.vfat" $((16 * 1024)) \
  > /dev/null
(
  cd "$trees/data"
  # Names of the top level, then mcopy -s recurses (keeps the long names
  # and the case, -m the mtimes, -p the attributes).
  set -- *
  mcopy -s -p -m -i "$raw/data.vfat" -- "$@" ::/
)
fsck.fat -n "$raw/data.vfat" > "$raw/data.fsck" 2>&1 || {
  cat "$raw/data.fsck" >&2
  say "fsck.fat found problems"
  exit 1
}
convert "$raw/data.vfat" vmdk "$out/disk2.vmdk"

# ---- disk3.vhdx: ext2, no partition table ------------------------------
mkext ext2 vmscan-ext2 0b1d0000-0000-4000-8000-000000000003 \
  "$trees/ext2" "$raw/ext2.ext2" 8
convert "$raw/ext2.ext2" vhdx "$out/disk3.vhdx"

# ---- disk4.vhd: MBR, ext4 ------------------------------------------------
mkext ext4 vmscan-vhd 0b1d0000-0000-4000-8000-000000000004 \
  "$trees/vhd" "$raw/vhd.ext4" 16
mbr "$raw/disk4.raw" 18 16
put "$raw/vhd.ext4" "$raw/disk4.raw" 1
convert "$raw/disk4.raw" vpc "$out/disk4.vhd" force_size=on

# ---- what was built -----------------------------------------------------
{
  echo "== partitions"
  sfdisk -d "$raw/disk1.raw"
  sfdisk -d "$raw/disk4.raw"
  for f in root.ext4 boot.ext4 ext2.ext2 vhd.ext4; do
    echo "== $f"
    dumpe2fs -h "$raw/$f" 2>/dev/null \
      | grep -E '^(Filesystem volume name|Filesystem UUID|Filesystem features|Inode size|Block size|Inode count|Free inodes)'
    debugfs -R 'ls -l /' "$raw/$f" 2>/dev/null
  done
  echo "== data.vfat"
  mdir -i "$raw/data.vfat" -/ -a ::/
  echo "== images"
  for f in disk1.qcow2 disk2.vmdk disk3.vhdx disk4.vhd; do
    qemu-img info "$out/$f" | grep -E '^(image|file format|virtual size|disk size)'
  done
} > "$out/make-disks.log" 2>&1
say "built $(cd "$out" && echo disk1.qcow2 disk2.vmdk disk3.vhdx disk4.vhd)" \
  "($(du -sch "$out"/disk*.* | tail -n 1 | cut -f1) on disk); see $out/make-disks.log"
