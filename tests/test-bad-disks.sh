#!/bin/sh
# TAP test: bad disks among good ones, in ONE scan (one appliance
# launch): a good ext4 disk, an ext4 disk that will not mount (an unknown
# incompatible feature), a disk whose partition table points past its
# end, and a disk of random bytes.  The scan must complete, record each
# problem in the errors table, scan the good disk whole, leave every
# image unchanged and the database intact.
set -u

here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=${top_srcdir:-$(cd "$here/.." && pwd)}
builddir=${builddir:-$here}
VMSCAN=${VMSCAN:-$top_srcdir/vmscan}
PATH=$PATH:/usr/sbin:/sbin
export PATH

if [ ! -x "$VMSCAN" ]; then
  echo "1..0 # SKIP vmscan not built"; exit 0
fi
if ! guestfish --version > /dev/null 2>&1; then
  echo "1..0 # SKIP libguestfs is not installed"; exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "1..0 # SKIP not root"; exit 0
fi
for t in python3 mke2fs sqlite3 sha256sum; do
  command -v "$t" > /dev/null 2>&1 || { echo "1..0 # SKIP $t missing"; exit 0; }
done

n=0
failed=0
ok () {
  n=$((n + 1))
  if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else
    failed=$((failed + 1)); echo "not ok $n - $2"; fi
}
work=$builddir/bad-disks
rm -rf "$work"
mkdir -p "$work/t/sub"
cd "$work" || exit 1
printf 'hello\n' > t/hello.txt
printf 'world\n' > t/sub/world.txt
mke2fs -q -F -t ext4 -L good -d t good.raw 16M > /dev/null 2>&1
cp good.raw badfeat.raw
python3 - <<'PY'
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
PY
set -- good.raw badfeat.raw pastend.raw random.raw
sha256sum "$@" > images.sha256

"$VMSCAN" --no-progress --format raw -o bad.db "$@" > out 2> err
rc=$?
[ $rc -eq 0 ] || [ $rc -eq 1 ]
ok $? "the scan completes past the bad disks (rc=$rc)"
[ $rc -le 1 ] || sed 's/^/# /' err
q () { sqlite3 bad.db "$1" 2>&1; }
got=$(q "SELECT status FROM scans")
[ "$got" = complete ]
ok $? "the scan is recorded complete ($got)"
got=$(q "SELECT group_concat(path, ' ') FROM (SELECT path FROM files f JOIN filesystems s ON s.id = f.fs_id WHERE s.device = '/dev/sda' AND f.type = 'file' ORDER BY path)")
[ "$got" = "/hello.txt /sub/world.txt" ]
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
got=$(q "PRAGMA integrity_check")
[ "$got" = ok ]
ok $? "the database passes integrity_check"
sha256sum -c --quiet images.sha256 > /dev/null 2>&1
ok $? "every image is unchanged"

cd "$builddir" || exit 1
if [ "$failed" -eq 0 ] && [ "${VMSCAN_TEST_KEEP:-0}" != 1 ]; then
  rm -rf "$work"
else
  echo "# kept $work"
fi
echo "1..$n"
