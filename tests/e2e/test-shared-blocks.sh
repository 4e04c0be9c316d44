#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# TAP test: a file whose block map points every block at the same few
# blocks (crafted with debugfs; no kernel writes one, a crafted image can)
# claims 4 GiB of data on a 16 MiB filesystem, and its block count says
# it is all allocated, so neither --sparse-limit nor the count of zeros
# stops it.  vmscan reads it no further once more data has come back
# than the filesystem holds: an errors row, no hash, the scan complete
# and quick.  One appliance launch.
set -u

. "$(dirname "$0")/../lib.sh"
require_vmscan
require_root "libguestfs reads the host kernel"
require_cmd mke2fs debugfs sqlite3 python3 sha256sum timeout
require_appliance

setup_work
mkdir -p "$work/tree"
cd "$work" || bail_out "cannot enter $work"

# One block of data, two blocks that will become the indirect blocks,
# the file whose block map will point at them, and a plain file.
python3 - <<'PY'
with open("tree/data.bin", "wb") as f:
    f.write(b"shared block " * 315 + b"\n")
for name in ("ind.bin", "dind.bin", "shared.bin"):
    with open(f"tree/{name}", "wb") as f:
        f.write(b"x" * 4096)
with open("tree/plain.txt", "w") as f:
    f.write("plain file\n")
PY
mke2fs -q -F -t ext2 -b 4096 -L shared -d tree disk.raw 16M
bmap () { debugfs -R "bmap $1 0" disk.raw 2> /dev/null; }
b=$(bmap /data.bin)
i=$(bmap /ind.bin)
d=$(bmap /dind.bin)
[ -n "$b" ] && [ -n "$i" ] && [ -n "$d" ]
ok $? "the blocks of the crafted map: data $b, indirect $i, double indirect $d"
# The indirect block lists the data block 1024 times; the double
# indirect block lists the indirect block 1024 times.
python3 - "$b" "$i" "$d" <<'PY'
import struct, sys
b, i, d = (int(x) for x in sys.argv[1:])
with open("disk.raw", "r+b") as f:
    f.seek(i * 4096); f.write(struct.pack("<I", b) * 1024)
    f.seek(d * 4096); f.write(struct.pack("<I", i) * 1024)
PY
cmds=""
for k in 0 1 2 3 4 5 6 7 8 9 10 11; do
  cmds="$cmds
sif /shared.bin block[$k] $b"
done
size=$(( (12 + 1024 + 1024 * 1024) * 4096 ))
printf '%s\n' "$cmds" "sif /shared.bin block[IND] $i" \
  "sif /shared.bin block[DIND] $d" "sif /shared.bin size $size" \
  "sif /shared.bin blocks $((size / 512))" > debugfs.cmds
debugfs -w -f debugfs.cmds disk.raw > debugfs.log 2>&1
got=$(debugfs -R "stat /shared.bin" disk.raw 2> /dev/null | grep -c "Size: $size")
[ "$got" = 1 ]
ok $? "debugfs gave /shared.bin a size of $size bytes over shared blocks"
# What the kernel will read: the data block, again and again.
want_head=$(sha256sum < tree/data.bin | cut -d" " -f1)
image_sha=$(sha256sum < disk.raw)

start=$(date +%s)
timeout -s TERM 900 "$VMSCAN" -q --no-yara --format raw -o scan.db disk.raw \
  > scan.out 2> scan.err
rc=$?
diag "vmscan took $(( $(date +%s) - start )) s"
[ $rc -eq 0 ] || [ $rc -eq 1 ]
ok $? "the scan completes (rc=$rc)"
[ $rc -le 1 ] || head -n 5 scan.err | diag
q () { sqlite3 scan.db "$1" 2>&1; }
got=$(q "SELECT size || '|' || quote(sha256) FROM files WHERE path = '/shared.bin'")
[ "$got" = "$size|NULL" ]
ok $? "/shared.bin is recorded with its size and no hash ($got)"
got=$(q "SELECT message FROM errors WHERE path = '/shared.bin'")
case $got in *"bytes of data read, more than its filesystem holds (16777216 bytes), so its blocks are shared"*) r=0 ;; *) r=1 ;; esac
ok $r "an errors row says why it was read no further ($got)"
got=$(q "SELECT bytes FROM filesystems WHERE label = 'shared'")
[ "$got" -le $((16777216 + 2 * 1048576 + 8192)) ] 2> /dev/null
ok $? "the scan read $got bytes of the filesystem, not $size"
got=$(q "SELECT sha256 FROM files WHERE path = '/plain.txt'")
[ "$got" = "$(sha256sum < tree/plain.txt | cut -d' ' -f1)" ]
ok $? "the plain file beside it is hashed as sha256sum hashes it"
got=$(q "SELECT sha256 FROM files WHERE path = '/data.bin'")
[ "$got" = "$want_head" ]
ok $? "and so is the shared block's own file"
[ "$(q 'PRAGMA integrity_check')" = ok ]
ok $? "the database passes integrity_check"
[ "$(q 'SELECT status FROM scans')" = complete ]
ok $? "the scan is recorded complete"
[ "$(sha256sum < disk.raw)" = "$image_sha" ]
ok $? "the image is unchanged"

test_done
