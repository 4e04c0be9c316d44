#!/bin/sh
# TAP test: a hostile tree at scale.  One ext4 filesystem holding 60,000
# small files (one directory of 20,000), a 1 GiB sparse file with data
# only in its last bytes (read and hashed), a 100 GiB one (over
# --sparse-limit: recorded, not read), a directory chain 400 deep (paths
# past PATH_MAX), a symlink loop, a link out of the filesystem, names
# with every byte 0x01-0xff, and directories hard-linked into loops
# (made with debugfs: no kernel makes them, a crafted image can).  One
# scan, under a time bound; then the counts, the sparse file's hash, the
# deep path and the odd names are compared with the tree and with
# sha256sum, the database passes integrity_check
# and the image is unchanged.
#
# Environment: as test-scan.sh.  VMSCAN_HOSTILE_FILES changes the number
# of small files (e.g. 200000 for a long run), VMSCAN_HOSTILE_SPARSE_GIB
# the sparse file's size.
set -u

here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=${top_srcdir:-$(cd "$here/.." && pwd)}
builddir=${builddir:-$here}
VMSCAN=${VMSCAN:-$top_srcdir/vmscan}
PATH=$PATH:/usr/sbin:/sbin
LC_ALL=C
export PATH LC_ALL
files=${VMSCAN_HOSTILE_FILES:-60000}
gib=${VMSCAN_HOSTILE_SPARSE_GIB:-1}
bound=${VMSCAN_HOSTILE_TIMEOUT:-1500}

if [ ! -x "$VMSCAN" ]; then
  echo "1..0 # SKIP vmscan not built"; exit 0
fi
if ! guestfish --version > /dev/null 2>&1; then
  echo "1..0 # SKIP libguestfs is not installed"; exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "1..0 # SKIP not root"; exit 0
fi
for t in python3 mke2fs debugfs sqlite3 sha256sum timeout; do
  command -v "$t" > /dev/null 2>&1 || { echo "1..0 # SKIP $t missing"; exit 0; }
done

n=0
failed=0
ok () {
  n=$((n + 1))
  if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else
    failed=$((failed + 1)); echo "not ok $n - $2"; fi
}
work=$builddir/hostile-tree
rm -rf "$work"
mkdir -p "$work/tree"

python3 - "$work/tree" "$files" "$gib" > "$work/expect.txt" <<'PY'
import os, sys
root, nfiles, gib = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
os.chdir(root)
# One directory of 20,000 entries, the rest in directories of 1,000.
big = min(20000, nfiles)
os.mkdir('wide')
for i in range(big):
    with open('wide/f%05d' % i, 'wb') as f:
        f.write(b'%d\n' % i)
left, d = nfiles - big, 0
while left > 0:
    dn = 'many/d%03d' % d
    os.makedirs(dn)
    for i in range(min(1000, left)):
        with open('%s/f%04d' % (dn, i), 'wb') as f:
            f.write(b'%d.%d\n' % (d, i))
    left -= min(1000, left)
    d += 1
# A sparse file with four bytes of data at its very end.
with open('sparse.img', 'wb') as f:
    f.truncate(gib << 30)
    f.seek((gib << 30) - 4)
    f.write(b'tail')
# 100 GiB of holes with four bytes at the end: over --sparse-limit.
with open('holes.img', 'wb') as f:
    f.truncate(100 << 30)
    f.seek((100 << 30) - 4)
    f.write(b'tail')
# 400 directories deep: the full path is longer than PATH_MAX.
p = 'deep'
os.mkdir(p)
for i in range(400):
    p = os.path.join(p, 'level%04d' % i)
    os.mkdir(p)
with open(os.path.join(p, 'bottom'), 'wb') as f:
    f.write(b'bottom\n')
print('deep /' + p + '/bottom')
# Names with every byte from 0x01 to 0xff but '/'.
os.mkdir('bytes')
for b in range(1, 256):
    if b in (0x2f, 0x2e):
        continue
    name = b'bytes/n' + bytes([b]) + b'x'
    with open(name, 'wb') as f:
        f.write(bytes([b]))
os.symlink('loop-b', 'loop-a')
os.symlink('loop-a', 'loop-b')
os.symlink('/proc/self/environ', 'host-link')
os.symlink('../../../../../../etc/shadow', 'up-link')
# Directories that debugfs will hard-link into loops after mke2fs.
os.makedirs('loops/d')
with open('loops/d/f', 'wb') as f:
    f.write(b'in the loop\n')
PY
# One dot per entry (names hold newlines); the database also has the
# root directory itself, and mke2fs adds /lost+found.
entries=$(( $(find "$work/tree" -mindepth 1 -printf . | wc -c) + 2 ))
regular=$(find "$work/tree" -type f -printf . | wc -c)
sparse_sha=$(sha256sum < "$work/tree/sparse.img" | cut -d' ' -f1)
mb=$(( (gib * 1024) + files / 10 + 300 ))
mke2fs -q -F -t ext4 -N $((files + 30000)) -L hostile -d "$work/tree" \
  "$work/hostile.raw" "${mb}M" > "$work/mke2fs.log" 2>&1
ok $? "built a filesystem of $entries entries, $regular regular files, a ${gib} GiB sparse file"
# Hard links to directories, which no kernel makes but a crafted image
# can hold: a directory in itself, a subdirectory linking back to its
# parent, a second name for a sibling.  A walk that trusted the tree
# would never end.
for l in "/loops /loops/self" "/loops /loops/d/back" "/loops/d /loops/alias"; do
  debugfs -w -R "link $l" "$work/hostile.raw" > /dev/null 2>&1
done
n_links=$(debugfs -R "ls /loops" "$work/hostile.raw" 2> /dev/null | grep -c -w -e self -e alias)
[ "$n_links" = 2 ]
ok $? "debugfs made the directory loops ($n_links of 2 names in /loops)"
rm -rf "$work/tree/many" "$work/tree/wide"
image_sha=$(sha256sum < "$work/hostile.raw")

db=$work/hostile.db
start=$(date +%s)
timeout -s TERM "$bound" "$VMSCAN" -q --format raw -o "$db" \
  "$work/hostile.raw" > "$work/vmscan.out" 2> "$work/vmscan.err"
rc=$?
took=$(( $(date +%s) - start ))
echo "# vmscan took $took s for $entries entries"
[ $rc -eq 0 ] || [ $rc -eq 1 ]
ok $? "the scan completes within ${bound} s (rc=$rc)"
[ $rc -le 1 ] || sed 's/^/# /' "$work/vmscan.err" | head -n 10

q () { sqlite3 "$db" "$1" 2>&1; }
# Outside /loops (whose 2 entries of the tree come back under aliases),
# every entry exactly once.
got=$(q "SELECT count(*) FROM files WHERE path NOT LIKE '/loops/%'")
[ "$got" = "$((entries - 2))" ]
ok $? "every entry recorded ($got of $((entries - 2)) outside /loops)"
got=$(q "SELECT count(*) FROM files WHERE type = 'file' AND sha256 IS NOT NULL AND path NOT LIKE '/loops/%'")
[ "$got" = "$((regular - 2))" ]
ok $? "every regular file hashed ($got of $((regular - 2)) outside /loops, all but the 100 GiB one)"
got=$(q "SELECT size || '|' || quote(sha256) FROM files WHERE path = '/holes.img'")
[ "$got" = "107374182400|NULL" ]
ok $? "the 100 GiB file of holes is recorded with its size, not read ($got)"
got=$(q "SELECT message FROM errors WHERE path = '/holes.img'")
case $got in "not read: a sparse file of 107374182400 bytes"*"--sparse-limit"*) r=0 ;; *) r=1 ;; esac
ok $r "and an error says why ($got)"
got=$(q "SELECT count(*) || '|' || max(length(path) - length(replace(path, '/', ''))) FROM files WHERE path LIKE '/loops/%'")
under=${got%|*} depth=${got#*|}
[ "$under" -ge 2 ] && [ "$under" -le 8 ] && [ "$depth" -le 4 ]
ok $? "the directory loops end the walk: $under entries under /loops, at most $depth deep"
got=$(q "SELECT count(*) FROM errors WHERE path IN ('/loops/self', '/loops/d/back', '/loops/alias/back')")
[ "$got" -ge 2 ] 2>/dev/null
ok $? "the entries that would loop are recorded as errors ($got)"
got=$(q "SELECT sha256 FROM files WHERE path = '/loops/d/f'")
[ "$got" = "$(printf 'in the loop\n' | sha256sum | cut -d' ' -f1)" ]
ok $? "the file inside the loop is read whole by its own name"
got=$(q "SELECT sha256 || ' ' || size FROM files WHERE path = '/sparse.img'")
[ "$got" = "$sparse_sha $((gib << 30))" ]
ok $? "the sparse file's sha256 and size match sha256sum ($got)"
deep=$(sed -n 's/^deep //p' "$work/expect.txt")
got=$(sqlite3 "$db" "SELECT count(*) FROM files WHERE path = '$deep'")
[ "$got" = 1 ]
ok $? "the file 400 directories down is recorded with its whole path (${#deep} bytes)"
got=$(q "SELECT count(*) FROM files WHERE path LIKE '/bytes/n%x' AND size = 1 AND length(CAST(path AS BLOB)) = 10")
[ "$got" = 253 ]
ok $? "names with every byte value stored exactly ($got of 253)"
got=$(q "SELECT group_concat(path || '>' || link_target, ' ') FROM (SELECT * FROM files WHERE type = 'symlink' ORDER BY path)")
[ "$got" = "/host-link>/proc/self/environ /loop-a>loop-b /loop-b>loop-a /up-link>../../../../../../etc/shadow" ]
ok $? "symlink loop and links out recorded, not followed ($got)"
got=$(q "PRAGMA integrity_check")
[ "$got" = ok ]
ok $? "the database passes integrity_check"
got=$(q "SELECT status FROM scans")
[ "$got" = complete ]
ok $? "the scan is recorded complete ($got)"
[ "$(sha256sum < "$work/hostile.raw")" = "$image_sha" ]
ok $? "the image is unchanged"

if [ "$failed" -eq 0 ] && [ "${VMSCAN_TEST_KEEP:-0}" != 1 ]; then
  rm -rf "$work"
else
  echo "# kept $work"
fi
echo "1..$n"
