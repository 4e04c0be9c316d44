#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Conformance test on disk images made by other projects (../shared/corpus:
# dfvfs, DiscUtils, cryptsetup).  All of them are the disks of one
# machine, scanned in one run (the host reads ext2, FAT and NTFS, the
# appliance the rest), then once more with every filesystem through the
# appliance, and the two databases compared row for row.  References come from host
# tools that read the same bytes without vmscan or libguestfs: qemu-img
# convert to raw, sfdisk for partition offsets, debugfs rdump to extract
# each ext filesystem, then find and sha256sum on the extracted tree.
# Skipped when the corpus is not there: the project must pass without it.
set -u

. "$(dirname "$0")/../lib.sh"
corpus=${VMSCAN_SHARED_CORPUS:-$top_srcdir/../shared/corpus}

require_vmscan
[ -r "$corpus/ext2.qcow2" ] || skip_all "shared corpus not found at $corpus"
require_cmd qemu-img debugfs sfdisk sqlite3 xz gzip python3
require_appliance

setup_work
cd "$work" || bail_out "cannot enter $work"

cp "$corpus/ext2.vmdk" "$corpus/ext2.vhd" "$corpus/ext2.qcow2" \
   "$corpus/lvm.qcow2" "$corpus/windows_volume.qcow2" .
gzip -dc "$corpus/mbr.raw.gz" > mbr.raw
gzip -dc "$corpus/btrfs.vhdx.gz" > btrfs.vhdx
xz -dc "$corpus/luks2-compatimage2.img.xz" > luks2.img
chmod a-w ./*
images="ext2.vmdk ext2.vhd ext2.qcow2 lvm.qcow2 windows_volume.qcow2 mbr.raw btrfs.vhdx luks2.img"
sha256sum $images > before.sha256

# The LUKS image reads as raw (vmscan names the format, so qemu never
# probes it and never asks for a key); it is opened inside the appliance.
"$VMSCAN" -q -o scan.db ext2.vmdk ext2.vhd ext2.qcow2 lvm.qcow2 \
  windows_volume.qcow2 mbr.raw btrfs.vhdx luks2.img > out 2> err
rc=$?
[ $rc -eq 0 ]
ok $? "scan exits 0 (rc=$rc)"
[ -s err ] && head -n 20 err | diag

sha256sum -c --quiet before.sha256 > /dev/null 2>&1
ok $? "every image unchanged (sha256 before and after)"

q () { sqlite3 scan.db "$1"; }

[ "$(q "SELECT status FROM scans")" = complete ] \
  && [ "$(q "PRAGMA integrity_check")" = ok ]
ok $? "scan complete, database intact"

[ "$(q "SELECT group_concat(format, ' ') FROM (SELECT format FROM images ORDER BY disk_index)")" \
  = "vmdk vhd qcow2 qcow2 qcow2 raw vhdx raw" ]
ok $? "formats read from the headers: $(q "SELECT group_concat(format, ' ') FROM images")"

# Reference tree of an ext filesystem held in RAW at byte OFFSET.
ext_reference () {
  raw=$1 offset=$2 out=$3
  dd if="$raw" of="$out.fs" bs=512 skip=$((offset / 512)) status=none
  mkdir "$out"
  debugfs -R "rdump / $out" "$out.fs" > /dev/null 2>&1
  # The reference: path, type, size, sha256 of each entry (symlinks with
  # their targets), lost+found left out as debugfs does not copy it.
  (cd "$out" && find . -mindepth 1 ! -path './lost+found*' -printf '%P\n' | sort |
    while IFS= read -r p; do
      if [ -L "$p" ]; then
        printf '/%s|symlink|%s\n' "$p" "$(readlink "$p")"
      elif [ -d "$p" ]; then
        printf '/%s|dir|\n' "$p"
      else
        printf '/%s|file|%s\n' "$p" "$(sha256sum < "$p" | cut -d' ' -f1)"
      fi
    done)
}

vmscan_tree () {
  q "SELECT path || '|' || type || '|' || coalesce(sha256, link_target, '')
     FROM files WHERE fs_id = $1 AND path != '/' AND path NOT LIKE '/lost+found%'
     ORDER BY path" | LC_ALL=C sort
}

# compare NAME FS_ID REFERENCE_FILE
compare () {
  vmscan_tree "$2" > "$1.got"
  LC_ALL=C sort "$3" > "$1.want"
  if [ -s "$1.want" ] && cmp -s "$1.got" "$1.want"; then
    ok 0 "$1: every path, type and sha256 equals debugfs + sha256sum ($(wc -l < "$1.want") entries)"
  else
    ok 1 "$1: tree differs from debugfs + sha256sum"
    diff "$1.want" "$1.got" | head -n 20 | diag
  fi
}

i=0
for img in ext2.vmdk ext2.vhd ext2.qcow2; do
  qemu-img convert -O raw "$img" "$img.raw"
  ext_reference "$img.raw" 0 "$img.ref" > "$img.expected"
  dev=/dev/sd$(printf "\\$(printf '%03o' $((97 + i)))")
  id=$(q "SELECT id FROM filesystems WHERE device = '$dev'")
  compare "$img" "${id:-0}" "$img.expected"
  i=$((i + 1))
done

# The MBR image: a primary and a logical partition.
sfdisk -J mbr.raw > mbr.json
for part in 1 5; do
  start=$(python3 -c "import json,sys; d=json.load(open('mbr.json'));
print([p['start'] for p in d['partitiontable']['partitions'] if p['node'].endswith('$part')][0])")
  ext_reference mbr.raw $((start * 512)) "mbr$part.ref" > "mbr$part.expected"
  id=$(q "SELECT id FROM filesystems WHERE device = '/dev/sdf$part'")
  compare "mbr.raw partition $part" "${id:-0}" "mbr$part.expected"
done

lv=$(q "SELECT status || ' ' || type || ' ' || coalesce(label, '') FROM filesystems
        WHERE device LIKE '%test_volume_group%test_logical_volume'")
[ "$lv" = "scanned ext2 ext2_test" ]
ok $? "LVM logical volume found and scanned ($lv)"

nt=$(q "SELECT count(*) FROM filesystems WHERE type = 'ntfs' AND status = 'scanned'")
[ "$nt" = 1 ] && command -v ntfsls > /dev/null
if [ $? -eq 0 ]; then
  qemu-img convert -O raw windows_volume.qcow2 ntfs.raw
  ntfsls -f ntfs.raw 2>/dev/null | grep -v '^\$' | grep -v '^\.$' | LC_ALL=C sort > ntfs.ref
  q "SELECT substr(path, 2) FROM files WHERE fs_id = (SELECT id FROM filesystems
     WHERE type = 'ntfs') AND path != '/' AND path NOT LIKE '/%/%'" | LC_ALL=C sort > ntfs.vmscan
  cmp -s ntfs.ref ntfs.vmscan
  ok $? "NTFS root listing equals ntfsls ($(tr '\n' ' ' < ntfs.ref))"
  [ -s ntfs.vmscan ] || echo "# vmscan saw nothing on NTFS"
else
  ok 1 "NTFS volume scanned ($nt)"
fi

bt=$(q "SELECT status FROM filesystems WHERE type = 'btrfs' AND device NOT LIKE 'btrfsvol:%'")
sub=$(q "SELECT count(*) FROM files WHERE fs_id = (SELECT id FROM filesystems WHERE type = 'btrfs'
         AND device NOT LIKE 'btrfsvol:%') AND type = 'file' AND sha256 IS NOT NULL")
[ "$bt" = scanned ] && [ "$sub" -ge 1 ]
ok $? "btrfs (VHDX) scanned with its files hashed ($bt, $sub files)"

lk=$(q "SELECT status || '|' || note FROM filesystems WHERE type = 'crypto_LUKS'")
le=$(q "SELECT count(*) FROM errors WHERE stage = 'mount' AND fs_id =
        (SELECT id FROM filesystems WHERE type = 'crypto_LUKS')")
case "$lk" in
  error\|*LUKS*) [ "$le" = 1 ] ;;
  *) false ;;
esac
ok $? "LUKS volume without a key recorded as not scanned ($lk), with an error row"

others=$(q "SELECT count(*) FROM errors WHERE stage != 'mount'")
[ "$others" = 0 ]
ok $? "no other errors ($others)"

# ---- the data paths ------------------------------------------------------
# The host reads ext2, FAT and NTFS; LVM, btrfs and LUKS are the
# appliance's, so it ran, and said which path took each filesystem.
got=$(q "SELECT group_concat(t, ' ') FROM (SELECT device || '=' || type || ':' || ifnull(data_path, '-') AS t FROM filesystems WHERE status = 'scanned' OR type = 'crypto_LUKS' ORDER BY device)")
bad=$(q "SELECT count(*) FROM filesystems WHERE
  (status = 'scanned' AND device LIKE '/dev/sd%' AND type IN ('ext2', 'ext3', 'ext4', 'vfat', 'ntfs') AND data_path IS NOT 'host')
  OR (status = 'scanned' AND (device NOT LIKE '/dev/sd%' OR type NOT IN ('ext2', 'ext3', 'ext4', 'vfat', 'ntfs')) AND data_path IS NOT 'appliance')
  OR (type = 'crypto_LUKS' AND data_path IS NOT NULL)")
lv=$(q "SELECT count(*) FROM filesystems WHERE device LIKE '/dev/%/%' AND device NOT LIKE '/dev/sd%' AND data_path = 'appliance'")
[ "$bad" = 0 ] && [ "$lv" -ge 1 ]
ok $? "ext2, FAT and NTFS partitions read on the host; the logical volume and btrfs through the appliance; LUKS by neither ($got)"

# The same images with every filesystem through the appliance: the same
# rows (db-compare.py) wherever the host read a filesystem and elsewhere.
"$VMSCAN" -q --data-path appliance -o appliance.db ext2.vmdk ext2.vhd \
  ext2.qcow2 lvm.qcow2 windows_volume.qcow2 mbr.raw btrfs.vhdx luks2.img \
  > appliance.out 2> appliance.err
rc=$?
[ $rc -eq 0 ]
ok $? "--data-path appliance: exit 0 (rc=$rc)"
python3 "$here/db-compare.py" scan.db appliance.db > db-compare.out 2>&1
st=$?
ok $st "the corpus database of the host path equals the appliance path's, row for row ($(grep -c 'the same$' db-compare.out) of 7 tables)"
[ $st -eq 0 ] || head -n 30 db-compare.out | cut -c1-400 | diag
sha256sum -c --quiet before.sha256 > /dev/null 2>&1
ok $? "every image unchanged after both scans"

test_done
