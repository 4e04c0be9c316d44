#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Benchmark of the host data path's readers (src/fs/), which the scan does
# not use yet: how fast the bytes of every file come out of an image's
# ext4 or NTFS/FAT partition on the host, against The Sleuth Kit's
# tsk_loaddb -h and against vmscan's full scan, in the same run.
#
#   scripts/bench-hostfs.sh [-n ROUNDS] [--no-vmscan] IMAGE.raw
#
# IMAGE.raw is a raw disk image with an MBR or GPT (scripts/
# make-debian-image.sh makes one) or a bare filesystem.  Times, each the
# median of ROUNDS runs (default 2):
#   tsk_loaddb   every entry and the MD5 of every file into SQLite
#   hostfs       tests/e2e/hostfs-dump: every entry, the SHA-256 of every
#                file, read in this process (src/fs/ext.c or tsk.c)
#   sandboxed    the same in the seccomp-filtered child (src/fs/remote.h)
#   vmscan       a full scan through the appliance (inventory, three
#                hashes, magic, YARA, every check), unless --no-vmscan
# then the ratios to tsk_loaddb, and the peak RSS of each (GNU time).
# Needs root for vmscan; sleuthkit, sfdisk; make check (or make
# tests/e2e/hostfs-dump) must have built the helper.
set -eu

rounds=2
with_vmscan=1
while [ $# -gt 1 ]; do
  case $1 in
    -n) rounds=$2; shift 2 ;;
    --no-vmscan) with_vmscan=0; shift ;;
    *) break ;;
  esac
done
[ $# -eq 1 ] || { echo "usage: $0 [-n ROUNDS] [--no-vmscan] IMAGE.raw" >&2
                  exit 2; }
img=$1
top=$(cd "$(dirname "$0")/.." && pwd)
dump=${HOSTFS_DUMP:-$top/tests/e2e/hostfs-dump}
vmscan=${VMSCAN:-$top/vmscan}
[ -x "$dump" ] || { echo "bench-hostfs: $dump not built (make check)" >&2
                    exit 2; }
command -v tsk_loaddb > /dev/null || { echo "bench-hostfs: no tsk_loaddb" \
                                         "(sleuthkit)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The largest partition, by sfdisk; else the whole image.
offset=0 size=$(stat -c %s "$img")
if sfdisk -J "$img" > "$tmp/pt.json" 2> /dev/null; then
  set -- $(python3 -c '
import json, sys
t = json.load(open(sys.argv[1]))["partitiontable"]
ss = t.get("sectorsize", 512)
p = max(t["partitions"], key=lambda p: p["size"])
print(p["start"] * ss, p["size"] * ss)' "$tmp/pt.json")
  offset=$1 size=$2
fi
slice="--offset $offset --size $size"
echo "bench-hostfs: $img, filesystem at byte $offset, $size bytes," \
  "$rounds rounds"

gnutime=
[ -x /usr/bin/time ] && gnutime=/usr/bin/time
# run NAME CMD...: times CMD once into $tmp/NAME.times, its peak RSS (KiB)
# into $tmp/NAME.rss.
run () {
  name=$1; shift
  t0=$(date +%s.%N)
  if [ -n "$gnutime" ]; then
    "$gnutime" -f %M -o "$tmp/rss" "$@" > "$tmp/$name.out" 2> "$tmp/$name.err" \
      || [ $? -eq 1 ]
    tail -n 1 "$tmp/rss" >> "$tmp/$name.rss"
  else
    "$@" > "$tmp/$name.out" 2> "$tmp/$name.err" || [ $? -eq 1 ]
  fi
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc >> "$tmp/$name.times"
}
median () {
  sort -n "$1" | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2];
                       else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

if [ "$with_vmscan" = 1 ]; then
  echo "bench-hostfs: warm-up scan (the appliance cache, KVM or not)"
  "$vmscan" -q -f -o "$tmp/warm.db" "$img" > /dev/null || [ $? -eq 1 ]
  if [ "$(sqlite3 "$tmp/warm.db" 'SELECT backend FROM scans')" = tcg ]; then
    LIBGUESTFS_BACKEND_SETTINGS=force_tcg
    export LIBGUESTFS_BACKEND_SETTINGS
  fi
fi

i=0
while [ "$i" -lt "$rounds" ]; do
  i=$((i + 1))
  rm -f "$tmp/tsk.db"
  # tsk_loaddb reads the partition table itself.
  run tsk_loaddb tsk_loaddb -h -d "$tmp/tsk.db" "$img"
  # shellcheck disable=SC2086
  run hostfs "$dump" $slice "$img"
  # shellcheck disable=SC2086
  run sandboxed "$dump" --remote $slice "$img"
  if [ "$with_vmscan" = 1 ]; then
    run vmscan "$vmscan" -q -f -o "$tmp/bench.db" "$img"
  fi
done

files=$(grep -c '^e' "$tmp/hostfs.out" || true)
errors=$(grep -c '^err' "$tmp/hostfs.out" || true)
tsk_files=$(sqlite3 "$tmp/tsk.db" \
  "SELECT count(*) FROM tsk_files WHERE md5 IS NOT NULL" 2> /dev/null || echo ?)
echo "bench-hostfs: hostfs-dump listed $files entries ($errors errors);" \
  "tsk_loaddb hashed $tsk_files files"
cmp -s "$tmp/hostfs.out" "$tmp/sandboxed.out" \
  && echo "bench-hostfs: in the process and in the child: the same listing" \
  || echo "bench-hostfs: in the process and in the child: DIFFERENT listings"

base=$(median "$tmp/tsk_loaddb.times")
for name in tsk_loaddb hostfs sandboxed vmscan; do
  [ -s "$tmp/$name.times" ] || continue
  t=$(median "$tmp/$name.times")
  rss=-
  [ -s "$tmp/$name.rss" ] && rss="$(sort -n "$tmp/$name.rss" | tail -n 1) KiB"
  printf "bench-hostfs: %-10s %8.2f s  %5.2fx tsk_loaddb  peak RSS %s\n" \
    "$name" "$t" "$(echo "$t / $base" | bc -l)" "$rss"
done
