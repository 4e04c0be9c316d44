#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# TAP test: a hostile tree at scale.  One ext4 filesystem holding 30,000
# small files (one directory of 20,000), a 1 GiB sparse file with data
# only in its last bytes and a 100 GiB one (both over --sparse-limit 1M:
# recorded, not read), a 3 MiB file with a hole smaller than the limit
# (read and hashed), a directory chain 400 deep (paths past PATH_MAX), a
# symlink loop, a link out of the filesystem, names with every byte
# 0x01-0xff, and, made with debugfs (no kernel makes them, a crafted
# image can): directories hard-linked into loops, a 64 MiB file of holes
# whose block count says it is all allocated, symlinks whose size says
# 2^40 bytes, and a directory entry whose name holds '/'.  One scan on
# each data path (the host's readers, then the appliance), under a time
# bound; then the counts, the hashes, the deep path and the odd names are
# compared with the tree and with sha256sum, the database passes
# integrity_check and the image is unchanged.
#
# Environment: as test-scan.sh.  VMSCAN_HOSTILE_FILES changes the number
# of small files (e.g. 200000 for a long run), VMSCAN_HOSTILE_SPARSE_GIB
# the sparse file's size, VMSCAN_HOSTILE_PATHS the data paths scanned
# ("host appliance"; .ci/run's sanitizer suite scans "host" only, its
# first suite both).
set -u

. "$(dirname "$0")/../lib.sh"
LC_ALL=C
export LC_ALL
files=${VMSCAN_HOSTILE_FILES:-30000}
paths=${VMSCAN_HOSTILE_PATHS:-host appliance}
gib=${VMSCAN_HOSTILE_SPARSE_GIB:-1}
bound=${VMSCAN_HOSTILE_TIMEOUT:-1500}

require_vmscan
require_appliance
require_root
require_cmd python3 mke2fs debugfs e2fsck sqlite3 sha256sum timeout

setup_work
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
# 3 MiB, over the limit, with a hole of 768 KiB: under it in zeros.
with open('dense.bin', 'wb') as f:
    f.write(os.urandom(1 << 20))
    f.seek((1 << 20) + (768 << 10))
    f.write(os.urandom((3 << 20) - (1 << 20) - (768 << 10)))
# 64 MiB of holes; debugfs will make its block count say 64 MiB.
with open('fake-holes.img', 'wb') as f:
    f.truncate(64 << 20)
# Symlinks whose size debugfs will set to 2^40: a slow one (its target
# in a block) and a fast one (its target in the inode).
os.symlink('t' * 100, 'big-link')
os.symlink('short', 'big-fast-link')
# A directory of subdirectories, one of which debugfs will rename to a
# name holding '/' (a directory, so that the link count shows it).
for i in range(10):
    os.makedirs('hidden/a%d' % i)
os.mkdir('hidden/xXy')
# What the scan reads whole: every regular file but those over the limit.
whole = 0
for d, dirs, files in os.walk('.'):
    for n in files:
        p = os.path.join(d, n)
        if os.path.islink(p):
            continue
        if p not in ('./sparse.img', './holes.img', './fake-holes.img'):
            whole += os.lstat(p).st_size
print('whole %d' % whole)
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
mb=$(( (gib * 1024) + files / 10 + 300 ))
dense_sha=$(sha256sum < "$work/tree/dense.bin" | cut -d' ' -f1)
# large_dir: so that the kernel reads a symlink's size in full (64 bits).
mke2fs -q -F -t ext4 -O large_dir -b 4096 -N $((files + 30000)) -L hostile \
  -d "$work/tree" "$work/hostile.raw" "${mb}M" > "$work/mke2fs.log" 2>&1
ok $? "built a filesystem of $entries entries, $regular regular files, a ${gib} GiB sparse file"
# The inodes that lie: a file of holes whose block count (512-byte units)
# says all 64 MiB are allocated, symlinks of 2^40 bytes.
for c in "sif /fake-holes.img blocks 131072" \
         "sif /big-link size 0x10000000000" \
         "sif /big-fast-link size 0x10000000000"; do
  debugfs -w -R "$c" "$work/hostile.raw" > /dev/null 2>&1
done
got=$(debugfs -R "stat /fake-holes.img" "$work/hostile.raw" 2> /dev/null | grep -c 'Blockcount: 131072')
[ "$got" = 1 ]
ok $? "debugfs faked the block count of /fake-holes.img"
# A name with '/': rewrite one byte of "xXy" in /hidden's directory block
# (one block: no hash index), then have debugfs rewrite the block (add
# and remove a name, checksums not verified) so that its checksum holds.
blk=$(debugfs -R "bmap /hidden 0" "$work/hostile.raw" 2> /dev/null)
off=$(python3 -c '
import sys
f = open(sys.argv[1], "rb"); f.seek(int(sys.argv[2]) * 4096)
print(f.read(4096).index(b"xXy") + 1)' "$work/hostile.raw" "$blk")
debugfs -w -R "zap_block -f /hidden -o $off -l 1 -p 0x2f 0" "$work/hostile.raw" > /dev/null 2>&1
debugfs -w -n -R "link /hidden/a0 /hidden/tmp-name" "$work/hostile.raw" > /dev/null 2>&1
debugfs -w -R "unlink /hidden/tmp-name" "$work/hostile.raw" > /dev/null 2>&1
got=$(e2fsck -fn "$work/hostile.raw" 2>&1 | grep -c -e "Entry 'x/y' in /hidden .* has illegal characters" -e "hidden.*checksum")
[ "$got" = 1 ]
ok $? "debugfs made a directory named 'x/y' in /hidden, its block checksum whole"
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

# The same checks on both data paths: the host's readers (ext4 is one
# the host reads) and the appliance's kernel.
scan_and_check () {
  path=$1
  db=$work/hostile-$path.db
  start=$(date +%s)
  timeout -s TERM "$bound" "$VMSCAN" -q --data-path "$path" --format raw --sparse-limit 1M \
    -o "$db" "$work/hostile.raw" > "$work/vmscan-$path.out" 2> "$work/vmscan-$path.err"
  rc=$?
  took=$(( $(date +%s) - start ))
  diag "$path path: vmscan took $took s for $entries entries"
  [ $rc -eq 0 ] || [ $rc -eq 1 ]
  ok $? "$path path: the scan completes within ${bound} s (rc=$rc)"
  [ $rc -le 1 ] || head -n 10 "$work/vmscan-$path.err" | diag

  q () { sqlite3 "$db" "$1" 2>&1; }
  # Outside /loops (whose 2 entries of the tree come back under aliases)
  # and /hidden (whose 11 the crafted name cuts short), every entry exactly
  # once; the fast symlink of 2^40 bytes the appliance's kernel may refuse
  # to stat (counted apart below).
  got=$(q "SELECT count(*) FROM files WHERE path NOT LIKE '/loops/%' AND path NOT LIKE '/hidden/%' AND path != '/big-fast-link'")
  [ "$got" = "$((entries - 2 - 11 - 1))" ]
  ok $? "$path path: every entry recorded ($got of $((entries - 2 - 11 - 1)) outside /loops and /hidden)"
  got=$(q "SELECT count(*) FROM files WHERE type = 'file' AND sha256 IS NOT NULL AND path NOT LIKE '/loops/%'")
  [ "$got" = "$((regular - 4))" ]
  ok $? "$path path: every regular file hashed ($got of $((regular - 4)) outside /loops, all but the three over --sparse-limit)"
  got=$(q "SELECT size || '|' || quote(sha256) FROM files WHERE path = '/holes.img'")
  [ "$got" = "107374182400|NULL" ]
  ok $? "$path path: the 100 GiB file of holes is recorded with its size, not read ($got)"
  got=$(q "SELECT message FROM errors WHERE path = '/holes.img'")
  case $got in "not read: a sparse file of 107374182400 bytes"*"--sparse-limit"*) r=0 ;; *) r=1 ;; esac
  ok $r "$path path: and an error says why ($got)"
  got=$(q "SELECT size || '|' || quote(sha256) FROM files WHERE path = '/sparse.img'")
  [ "$got" = "$((gib << 30))|NULL" ]
  ok $? "$path path: the ${gib} GiB sparse file, over --sparse-limit 1M, is recorded, not read ($got)"
  # The block count says 64 MiB allocated: only the zeros read tell.
  got=$(q "SELECT size || '|' || quote(sha256) || '|' || yara_scanned FROM files WHERE path = '/fake-holes.img'")
  [ "$got" = "67108864|NULL|0" ]
  ok $? "$path path: the 64 MiB of holes with a faked block count: recorded, no hash, no YARA ($got)"
  got=$(q "SELECT message FROM errors WHERE path = '/fake-holes.img'")
  case $got in "not read past 2097152 of its 67108864 bytes: 2097152 bytes of zeros read, over the --sparse-limit of 1048576 bytes (its block count says 67108864 allocated)"*) r=0 ;; *) r=1 ;; esac
  ok $r "$path path: and an error says how far it was read and why ($got)"
  whole=$(sed -n 's/^whole //p' "$work/expect.txt")
  got=$(q "SELECT sum(bytes) FROM filesystems")
  [ "$got" -le $((whole + 2097152 + 4096)) ] 2> /dev/null
  ok $? "$path path: the scan read $got bytes: the files read whole ($whole) and 2 MiB of the holes, no more"
  got=$(q "SELECT sha256 FROM files WHERE path = '/dense.bin'")
  [ "$got" = "$dense_sha" ]
  ok $? "$path path: a 3 MiB file with fewer zeros than the limit is read whole (sha256 as sha256sum's)"
  got=$(q "SELECT size || '|' || length(link_target) FROM files WHERE path = '/big-link'")
  [ "$got" = "1099511627776|100" ]
  ok $? "$path path: a symlink whose size says 2^40 is recorded with its target ($got)"
  got=$(q "SELECT message FROM errors WHERE path = '/big-link'")
  [ "$got" = "symlink size says 1099511627776 bytes, its target has 100 (damaged or crafted inode)" ]
  ok $? "$path path: and an error says its size is wrong ($got)"
  got=$(q "SELECT (SELECT count(*) FROM files WHERE path = '/big-fast-link') || '|' || (SELECT count(*) FROM errors WHERE path = '/big-fast-link')")
  case $got in 1\|1|0\|1) r=0 ;; *) r=1 ;; esac
  ok $r "$path path: the fast symlink of 2^40 bytes has an error row, recorded or refused by the kernel ($got)"
  echo "# $path path: /big-fast-link: $(q "SELECT message FROM errors WHERE path = '/big-fast-link'")"
  got=$(q "SELECT count(*) FROM files WHERE path LIKE '/hidden/%'")
  echo "# $path path: /hidden: $got of its 10 listable entries listed (the appliance's listing ends at the name with '/'; the host's leaves that name out)"
  got=$(q "SELECT count(*) FROM files WHERE path LIKE '/hidden/%' AND path NOT GLOB '/hidden/a[0-9]'")
  [ "$got" = 0 ]
  ok $? "$path path: the name with '/' is recorded under no path ($got)"
  got=$(q "SELECT message FROM errors WHERE path = '/hidden'")
  [ "$got" = "its link count says 11 subdirectories, its listing shows $(q "SELECT count(*) FROM files WHERE path LIKE '/hidden/%'"): entries are missing from the listing (a name that cannot be listed, or damage)" ]
  ok $? "$path path: and an error on /hidden says entries are missing ($got)"
  got=$(q "SELECT count(*) || '|' || max(length(path) - length(replace(path, '/', ''))) FROM files WHERE path LIKE '/loops/%'")
  under=${got%|*} depth=${got#*|}
  [ "$under" -ge 2 ] && [ "$under" -le 8 ] && [ "$depth" -le 4 ]
  ok $? "$path path: the directory loops end the walk: $under entries under /loops, at most $depth deep"
  got=$(q "SELECT count(*) FROM errors WHERE path IN ('/loops/self', '/loops/d/back', '/loops/alias/back')")
  [ "$got" -ge 2 ] 2>/dev/null
  ok $? "$path path: the entries that would loop are recorded as errors ($got)"
  # /loops/d and /loops/alias are two names of one directory: the host
  # walks it under the first it meets, in the walk's sorted order; the
  # appliance's kernel under one or both, as its lookups go.  The file
  # in it is read whole wherever it is recorded.
  got=$(q "SELECT group_concat(DISTINCT sha256) FROM files WHERE path IN ('/loops/d/f', '/loops/alias/f')")
  [ "$got" = "$(printf 'in the loop\n' | sha256sum | cut -d' ' -f1)" ]
  ok $? "$path path: the file inside the loop is read whole under one of its directory's names"
  deep=$(sed -n 's/^deep //p' "$work/expect.txt")
  got=$(sqlite3 "$db" "SELECT count(*) FROM files WHERE path = '$deep'")
  [ "$got" = 1 ]
  ok $? "$path path: the file 400 directories down is recorded with its whole path (${#deep} bytes)"
  got=$(q "SELECT count(*) FROM files WHERE path LIKE '/bytes/n%x' AND size = 1 AND length(CAST(path AS BLOB)) = 10")
  [ "$got" = 253 ]
  ok $? "$path path: names with every byte value stored exactly ($got of 253)"
  got=$(q "SELECT group_concat(path || '>' || link_target, ' ') FROM (SELECT * FROM files WHERE type = 'symlink' AND path NOT LIKE '/big-%' ORDER BY path)")
  [ "$got" = "/host-link>/proc/self/environ /loop-a>loop-b /loop-b>loop-a /up-link>../../../../../../etc/shadow" ]
  ok $? "$path path: symlink loop and links out recorded, not followed ($got)"
  q "SELECT stage || ' ' || quote(path) || ': ' || message FROM errors WHERE path NOT LIKE '/loops/%' ORDER BY path" | sed "s/^/# $path path: error: /"
  got=$(q "PRAGMA integrity_check")
  [ "$got" = ok ]
  ok $? "$path path: the database passes integrity_check"
  got=$(q "SELECT status FROM scans")
  [ "$got" = complete ]
  ok $? "$path path: the scan is recorded complete ($got)"
  [ "$(sha256sum < "$work/hostile.raw")" = "$image_sha" ]
  ok $? "$path path: the image is unchanged"

}

for p in host appliance; do
  case " $paths " in
    *" $p "*) scan_and_check "$p" ;;
    *) skip "the $p path is not scanned in this pass (VMSCAN_HOSTILE_PATHS)" 24 ;;
  esac
done
[ "$(sha256sum < "$work/hostile.raw")" = "$image_sha" ]
ok $? "the image is unchanged after the scans ($paths)"

test_done
