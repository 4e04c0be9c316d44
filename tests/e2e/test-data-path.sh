#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# TAP end-to-end test of the two data paths (vmscan(1), DESCRIPTION):
#
#  1. One disk, MBR: p1 ext4 and p2 FAT (the host reads both) and p3 XFS
#     (only the appliance does).  With the default (auto) the host reads
#     p1 and p2 and the appliance p3, and filesystems.data_path says so;
#     the files of p1 and p2 are those of a host-only scan, row for row.
#     With --data-path host no appliance is launched and p3 is recorded
#     as skipped, saying why.
#  2. A disk of one ext4 filesystem whose sandboxed reader crashes,
#     stops answering, or runs out of memory part way through the walk
#     (VMSCAN_TEST_HOOK=child-crash@N, child-hang@N, child-alloc@N): the
#     scan completes, says so once on stderr, records one errors row, and
#     reads the filesystem again through the appliance; its files, YARA
#     matches, findings and check runs equal those of a clean host scan
#     (db-compare.py); the database passes integrity_check.
#  3. The crash with --data-path host: no appliance, the filesystem is
#     recorded as failed with the reason, nothing passes for complete.
#
# Every image is unchanged (sha256sum) at the end.  Four appliance
# launches.  Run as root (libguestfs).
set -u

. "$(dirname "$0")/../lib.sh"
LC_ALL=C
TZ=UTC
export LC_ALL TZ

require_vmscan
require_appliance
require_cmd python3 sqlite3 mke2fs mkfs.vfat mcopy mkfs.xfs sfdisk \
  sha256sum truncate dd

setup_work
cd "$work" || bail_out "cannot enter $work"

# ---- the trees and the disks --------------------------------------------
python3 - <<'PY'
import os, shutil
os.makedirs("root/etc", exist_ok=True)
os.makedirs("root/usr/bin", exist_ok=True)
os.makedirs("root/srv/data", exist_ok=True)
with open("root/etc/passwd", "w") as f:
    f.write("root:x:0:0:root:/root:/bin/sh\nu:x:1000:1000::/home/u:/bin/sh\n")
with open("root/etc/os-release", "w") as f:
    f.write('ID=debian\nVERSION_ID="12"\nNAME="Debian GNU/Linux"\n')
shutil.copy("/bin/ls", "root/usr/bin/ls")
# The EICAR test file: the bundled rules match it.
with open("root/srv/eicar.com", "w") as f:
    f.write("X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*")
for i in range(300):
    with open("root/srv/data/f%03d.txt" % i, "w") as f:
        f.write("file %d\n" % i * (i % 7 + 1))
os.symlink("../etc/passwd", "root/srv/passwd-link")
os.makedirs("data/DOCS", exist_ok=True)
with open("data/DOCS/README.TXT", "w") as f:
    f.write("on the FAT partition\n")
with open("data/HELLO.TXT", "w") as f:
    f.write("hello\n")
PY
MiB=1048576
# mixed.raw: p1 ext4 at 1 MiB (32 MiB), p2 FAT at 33 MiB (16 MiB), p3 XFS
# at 49 MiB (300 MiB, mkfs.xfs's least).  Sparse.
st=0
truncate -s 400M mixed.raw || st=1
printf 'label: dos\nstart=2048, size=65536, type=83\nstart=67584, size=32768, type=c\nstart=100352, size=614400, type=83\n' \
  | sfdisk -q mixed.raw > /dev/null 2>&1 || st=1
mke2fs -q -t ext4 -L dp-root -d root -E offset=$MiB mixed.raw 32M || st=1
truncate -s 16M fat.img && mkfs.vfat -n DPDATA fat.img > /dev/null \
  && MTOOLS_SKIP_CHECK=1 mcopy -s -i fat.img data/DOCS data/HELLO.TXT ::/ \
  && dd if=fat.img of=mixed.raw bs=1M seek=33 conv=notrunc,sparse status=none \
  || st=1
truncate -s 300M xfs.img && mkfs.xfs -q -L dpxfs xfs.img \
  && dd if=xfs.img of=mixed.raw bs=1M seek=49 conv=notrunc,sparse status=none \
  || st=1
rm -f fat.img xfs.img
# one.raw: a whole-disk ext4 of the same tree (no partition table).
mke2fs -q -t ext4 -L dp-one -d root one.raw 32M || st=1
ok $st "built mixed.raw (ext4, FAT, XFS) and one.raw (ext4) with host tools"
[ $st -eq 0 ] || bail_out "cannot build the disks"
sha256sum mixed.raw one.raw > images.sha256

q () { sqlite3 "$1" "$2" 2>&1 | tr '\n' ' ' | sed 's/ $//'; }

# ---- 1. auto: the host for ext4 and FAT, the appliance for XFS -----------
"$VMSCAN" -q -o auto.db mixed.raw > auto.out 2> auto.err
rc=$?
[ $rc -eq 1 ]
ok $? "auto: the scan completes, exit 1 (EICAR found) (rc=$rc: $(head -c 300 auto.err))"
got=$(q auto.db "SELECT device || ':' || type || ':' || status || ':' || ifnull(data_path, '-') FROM filesystems ORDER BY device")
[ "$got" = "/dev/sda1:ext4:scanned:host /dev/sda2:vfat:scanned:host /dev/sda3:xfs:scanned:appliance" ]
ok $? "auto: ext4 and FAT read on the host, XFS through the appliance ($got)"
got=$(q auto.db "SELECT backend <> 'none' FROM scans")
[ "$got" = 1 ]
ok $? "auto: the appliance was launched, for XFS"
grep -q "read by:     2 on the host, 1 through the appliance" auto.out
ok $? "auto: the summary says which path read what ($(grep 'read by' auto.out))"

"$VMSCAN" -q --data-path host -o host.db mixed.raw > host.out 2> host.err
rc=$?
[ $rc -eq 1 ]
ok $? "--data-path host: exit 1 (rc=$rc: $(head -c 300 host.err))"
got=$(q host.db "SELECT device || ':' || status || ':' || ifnull(data_path, '-') || ':' || ifnull(note, '') FROM filesystems ORDER BY device")
[ "$got" = "/dev/sda1:scanned:host: /dev/sda2:scanned:host: /dev/sda3:skipped:-:xfs is read only through the appliance (--data-path host)" ]
ok $? "--data-path host: XFS skipped, saying why ($got)"
got=$(q host.db "SELECT backend FROM scans")
[ "$got" = none ]
ok $? "--data-path host: no appliance launched (backend $got)"
# The XFS partition's entries are in auto.db only: the files the host
# read (p1, p2) are compared.
python3 - host.db auto.db > cmp-auto.out 2>&1 <<'PY'
import sqlite3, sys
def rows(db):
    c = sqlite3.connect(db)
    c.text_factory = bytes
    return sorted(c.execute(
        "SELECT s.device, f.path, f.type, f.size, f.mode, f.uid, f.gid, "
        "f.mtime, f.mtime_ns, f.ctime, f.nlink, f.link_target, f.md5, "
        "f.sha1, f.sha256, f.magic, f.mime, f.yara_scanned, "
        "(SELECT group_concat(rule) FROM yara_matches m WHERE m.file_id = f.id) "
        "FROM files f JOIN filesystems s ON s.id = f.fs_id "
        "WHERE s.data_path = 'host'"))
a, b = rows(sys.argv[1]), rows(sys.argv[2])
print(len(a), len(b), "rows" if a == b else "DIFFER")
for r in sorted(set(a) ^ set(b))[:20]:
    print(r)
sys.exit(a != b)
PY
ok $? "auto and host scans agree on every file of p1 and p2 ($(head -n 1 cmp-auto.out))"

# ---- 2. a reader that fails part way: read again through the appliance -
"$VMSCAN" -q --data-path host -o clean.db one.raw > clean.out 2> clean.err
rc=$?
[ $rc -eq 1 ]
ok $? "clean host scan of one.raw: exit 1 (rc=$rc)"
n_clean=$(q clean.db "SELECT count(*) FROM files")

# fault HOOK: a scan of one.raw whose readers misbehave at their 150th
# request (the walk is well under way by then; the partition table's and
# the probe's readers get one request each and are spared).
fault () {
  name=$1
  VMSCAN_TEST_HOOK="$2@150" "$VMSCAN" --no-progress -o "$name.db" one.raw \
    > "$name.out" 2> "$name.err"
  rc=$?
  [ $rc -eq 1 ]
  ok $? "$name: the scan completes, exit 1 (rc=$rc: $(head -c 300 "$name.err"))"
  n=$(grep -c "the host reader failed on 1 filesystem" "$name.err")
  [ "$n" = 1 ]
  ok $? "$name: said once on stderr ($(grep 'host reader' "$name.err" | head -n 1))"
  got=$(q "$name.db" "SELECT status FROM scans; SELECT status || ':' || data_path FROM filesystems; SELECT count(*) FROM errors WHERE stage = 'walk' AND message LIKE 'the host reader of this filesystem failed%'; PRAGMA integrity_check")
  [ "$got" = "complete scanned:appliance 1 ok" ]
  ok $? "$name: complete, read again through the appliance, one errors row, database intact ($got)"
  echo "# $name: $(q "$name.db" "SELECT message FROM errors WHERE stage = 'walk'")"
  python3 "$here/db-compare.py" \
    --tables files,yara_matches,yara_strings,findings,check_runs \
    clean.db "$name.db" > "cmp-$name.out" 2>&1
  st=$?
  ok $st "$name: files, matches, findings and check runs equal a clean scan's ($n_clean files)"
  [ $st -eq 0 ] || head -n 20 "cmp-$name.out" | diag
}
fault crash child-crash
fault hang child-hang
fault alloc child-alloc

# ---- 3. the crash with --data-path host: failed, said, no appliance ------
VMSCAN_TEST_HOOK=child-crash@150 "$VMSCAN" -q --data-path host \
  -o crash-host.db one.raw > crash-host.out 2> crash-host.err
rc=$?
got=$(q crash-host.db "SELECT backend FROM scans; SELECT status || ':' || data_path FROM filesystems; SELECT count(*) FROM errors WHERE stage = 'walk' AND message LIKE 'the host reader of this filesystem failed%'")
[ "$got" = "none error:host 1" ]
ok $? "--data-path host, reader crashed: no appliance, the filesystem failed, one errors row (rc=$rc: $got)"
grep -q "1 failed" crash-host.out
ok $? "--data-path host, reader crashed: the summary counts it failed ($(grep filesystems: crash-host.out))"

sha256sum -c --quiet images.sha256 > sha.out 2>&1
ok $? "both images are unchanged ($(head -c 200 sha.out))"

test_done
