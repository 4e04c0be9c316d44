#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Benchmark: ten small machines scanned one after another (then merged
# with vmscan merge, for the same fleet database) against one
# "vmscan --jobs-images N" call, N = 2 and N = the number of processors,
# in the same run, several rounds each.  Not a test: it prints, it
# asserts nothing.
#
#   scripts/bench-fleet.sh [-n ROUNDS] [-k IMAGES] [-- SCAN OPTIONS...]
#
# The images (ext4, made with mke2fs -d, no root needed) are built in
# $BENCH_DIR (default /var/tmp/vmscan-bench-fleet, kept for the next
# run): each a small Debian-like tree with a few hundred files, text
# and copies of this host's /usr/bin programs, different in each image.
# Scans use the host data path (--data-path host) and the default -j,
# plus SCAN OPTIONS; one more variant gives the --jobs-images 2 scans
# -j 1 each (vmscan(1), FLEETS: the processors left to the scans).
# Each round runs every variant once, in an order that turns round by
# round; the medians of the rounds are printed with the ratio of the
# one-by-one time to each --jobs-images time, and the load average
# before and after (the machine may be shared).
set -eu

rounds=3
nimages=10
while [ $# -gt 0 ]; do
  case $1 in
    -n) rounds=$2; shift 2 ;;
    -k) nimages=$2; shift 2 ;;
    --) shift; break ;;
    *) echo "usage: $0 [-n ROUNDS] [-k IMAGES] [-- SCAN OPTIONS...]" >&2
       exit 2 ;;
  esac
done
here=$(cd "$(dirname "$0")" && pwd)
VMSCAN=${VMSCAN:-$here/../vmscan}
BENCH_DIR=${BENCH_DIR:-/var/tmp/vmscan-bench-fleet}
PATH=$PATH:/usr/sbin:/sbin
export LC_ALL=C
for t in mke2fs truncate awk; do
  command -v "$t" > /dev/null || { echo "$0: $t not found" >&2; exit 1; }
done
[ -x "$VMSCAN" ] || { echo "$0: $VMSCAN not built" >&2; exit 1; }
mkdir -p "$BENCH_DIR/img"
cd "$BENCH_DIR"

# ---- the images ---------------------------------------------------------------

make_tree () {
  t=$1 i=$2
  rm -rf "$t"
  mkdir -p "$t/etc/cron.d" "$t/usr/bin" "$t/usr/share/doc" "$t/var/log" \
    "$t/home/user$i" "$t/srv"
  printf 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n' \
    > "$t/etc/os-release"
  echo "bench$i" > "$t/etc/hostname"
  printf 'root:x:0:0:root:/root:/bin/sh\nuser%s:x:1000:1000::/home/user%s:/bin/sh\n' \
    "$i" "$i" > "$t/etc/passwd"
  # Forty programs of this host, a different forty in each image.
  ls /usr/bin | awk -v i="$i" 'NR % 10 == i % 10' | head -n 40 \
    | while read -r p; do
        [ -f "/usr/bin/$p" ] && [ ! -L "/usr/bin/$p" ] \
          && cp "/usr/bin/$p" "$t/usr/bin/" 2> /dev/null || true
      done
  # Three hundred text files of a few KiB.
  awk -v i="$i" -v t="$t" 'BEGIN {
    srand (i);
    for (f = 0; f < 300; f++) {
      p = sprintf ("%s/usr/share/doc/note-%03d.txt", t, f);
      n = 20 + int (rand () * 200);
      for (l = 0; l < n; l++)
        printf "image %d file %d line %d %08x\n", i, f, l, int (rand () * 2^31) > p;
      close (p);
    }
  }'
  head -c 4194304 /dev/urandom > "$t/srv/blob.bin"
}
i=1
while [ "$i" -le "$nimages" ]; do
  img=img/machine-$(printf %02d "$i").raw
  if [ ! -f "$img" ]; then
    make_tree "tree-$i" "$i"
    truncate -s 64M "$img.tmp"
    mke2fs -q -F -t ext4 -d "tree-$i" "$img.tmp" && mv "$img.tmp" "$img"
    rm -rf "tree-$i"
  fi
  i=$((i + 1))
done
images=$(ls img/machine-*.raw | head -n "$nimages")
ncpu=$(nproc)

# ---- the variants ---------------------------------------------------------------

now () { date +%s.%N; }
elapsed () { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

one_by_one () {
  rm -rf serial serial.db && mkdir serial
  for img in $images; do
    "$VMSCAN" -q --no-progress --data-path host "$@" \
      -o "serial/$(basename "$img" .raw).db" "$img" > /dev/null || [ $? -eq 1 ]
  done
}
merge_serial () {
  # shellcheck disable=SC2046
  "$VMSCAN" merge -q serial.db $(ls serial/*.db) > /dev/null
}
fleet () {
  v=$1 n=$2; shift 2
  rm -rf "$v.db" "$v.d"
  # shellcheck disable=SC2086
  "$VMSCAN" -q --no-progress --data-path host --jobs-images "$n" "$@" \
    -o "$v.db" $images > /dev/null 2> "$v.err" || [ $? -eq 1 ]
}

variants="serial jobs2 jobs2-j1"
[ "$ncpu" -ne 2 ] && variants="$variants jobs$ncpu"
: > times.txt
echo "bench-fleet: $nimages images of $(du -sh img | cut -f1) in all," \
  "$rounds rounds, $ncpu processors, vmscan $("$VMSCAN" --version | head -n 1)"
[ "$ncpu" -eq 2 ] && echo "bench-fleet: N = nproc is N = 2 here"
echo "bench-fleet: load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
r=1
while [ "$r" -le "$rounds" ]; do
  # Turn the order each round, so that no variant always runs first.
  order=$variants
  k=1
  while [ "$k" -lt "$r" ]; do
    order=$(echo "$order" \
      | awk '{ for (i = 2; i <= NF; i++) printf "%s ", $i; print $1 }')
    k=$((k + 1))
  done
  for v in $order; do
    case $v in
      serial)
        t0=$(now); one_by_one "$@"; t1=$(now); merge_serial; t2=$(now)
        echo "serial-scans $(elapsed "$t0" "$t1")" >> times.txt
        echo "serial-merge $(elapsed "$t1" "$t2")" >> times.txt
        echo "serial $(elapsed "$t0" "$t2")" >> times.txt ;;
      jobs2-j1)
        t0=$(now); fleet "$v" 2 "$@" -j 1; t1=$(now)
        echo "$v $(elapsed "$t0" "$t1")" >> times.txt ;;
      jobs*)
        t0=$(now); fleet "$v" "${v#jobs}" "$@"; t1=$(now)
        echo "$v $(elapsed "$t0" "$t1")" >> times.txt ;;
    esac
  done
  line=$(awk -v r="$r" '{ n[$1]++
    if (n[$1] == r) printf "%s %s s  ", $1, $2 }' times.txt)
  echo "bench-fleet: round $r: $line"
  r=$((r + 1))
done

# ---- the medians ------------------------------------------------------------------

median () {
  grep "^$1 " times.txt | cut -d' ' -f2 | sort -n \
    | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2];
            else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
s=$(median serial)
echo
printf '%-36s %9s %8s\n' "variant" "median s" "ratio"
printf '%-36s %9s %8s\n' "one by one: $nimages scans" "$(median serial-scans)" ""
printf '%-36s %9s %8s\n' "one by one: vmscan merge of them" "$(median serial-merge)" ""
printf '%-36s %9s %8s\n' "one by one, scans and merge" "$s" "1.00"
for v in $variants; do
  [ "$v" = serial ] && continue
  m=$(median "$v")
  case $v in
    jobs2-j1) label="--jobs-images 2 -j 1 (scans, merge)" ;;
    *) label="--jobs-images ${v#jobs} (scans and merge)" ;;
  esac
  printf '%-36s %9s %8s\n' "$label" "$m" \
    "$(awk -v a="$s" -v b="$m" 'BEGIN { printf "%.2f", a / b }')"
done
echo "(ratio: one-by-one time over the variant's; above 1 is faster)"
echo "bench-fleet: load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
# The fleets hold what the one-by-one merge holds, scan for scan.
for v in $variants; do
  [ "$v" = serial ] && continue
  a=$(sqlite3 serial.db 'SELECT count (*) FROM files' 2> /dev/null || echo ?)
  b=$(sqlite3 "$v.db" 'SELECT count (*) FROM files' 2> /dev/null || echo ?)
  echo "files rows: one by one $a, $v $b"
done
