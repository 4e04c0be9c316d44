#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Benchmark: vmscan on both data paths against The Sleuth Kit, the
# libguestfs FUSE floor and the hand pipeline, on the same image, in the
# same run, several rounds each.  Not a test: it prints, it asserts
# nothing.
#
#   sudo scripts/bench.sh [-n ROUNDS] [--big] [--no-appliance] [IMAGE.raw]
#
# Without IMAGE, a Debian 12 server image is built with
# scripts/make-debian-image.sh (debootstrap from Debian's archive) in
# $BENCH_DIR (default /var/tmp/vmscan-bench, kept for the next run); when
# the archive cannot be reached the benchmark says so and exits 77.
# Each round runs, in this order:
#   host        vmscan --data-path host: the full scan (inventory, three
#               hashes, magic, YARA with the bundled rules, every check)
#   host-j1     the same with -j 1 (does the host side scale?)
#   host-noyara the same with --no-yara
#   host-bare   the same with --no-yara --no-checks
#   appliance   vmscan --data-path appliance (the full scan, every file
#               through the appliance), unless --no-appliance
#   tsk_loaddb  tsk_loaddb -h: every entry and the MD5 of every file
#   fuse        guestmount --ro -i, read every regular file once, unmount
#   by-hand     guestmount, then sha256sum, file and yara -N -r over it
#   libmagic    "file -b" and "file -b --mime" over a host copy of the
#               image's regular files, on every processor: what libmagic
#               alone costs (vmscan asks it for the same two answers)
# then prints each one's median time, its ratio to tsk_loaddb's, its peak
# RSS (GNU time: the largest process), and what bounds the host scan
# (the differences between host, host-noyara and host-bare).  With
# --big, a second image is made with a 4 GiB file of random bytes added
# to the tree, and the host scan's peak RSS is measured on it too (it
# should not grow with the largest file).
# The first scan is a warm-up (libguestfs's appliance cache); it says
# whether KVM works here, and without it every appliance run uses
# software emulation.
set -eu

# What the timed runs do; "$0 --do NAME ARGS" runs one of them (GNU
# time runs a program, not a shell function), with BENCH_TMP, BENCH_MNT,
# BENCH_IMG, VMSCAN and BENCH_RULES from the environment.
fuse_read () {
  guestmount --ro -a "$1" -i "$BENCH_MNT" || return 1
  find "$BENCH_MNT" -xdev -type f -print0 | xargs -0 -r cat > /dev/null
  guestunmount "$BENCH_MNT"
}
by_hand () {
  guestmount --ro -a "$1" -i "$BENCH_MNT" || return 1
  find "$BENCH_MNT" -xdev -type f -print0 | xargs -0 -r sha256sum > "$BENCH_TMP/sums"
  find "$BENCH_MNT" -xdev -type f -print0 | xargs -0 -r file > "$BENCH_TMP/magic"
  # shellcheck disable=SC2046
  yara -N -r $(find "$BENCH_RULES" -name '*.yar' | sort) "$BENCH_MNT" \
    > "$BENCH_TMP/yara" 2> /dev/null || true
  guestunmount "$BENCH_MNT"
}
# The image's regular files copied once to the host (regular files only:
# no link, device or special file of the guest is made here).
copy_files () {
  guestmount --ro -a "$1" -i "$BENCH_MNT" || return 1
  mkdir -p "$BENCH_TMP/files"
  (cd "$BENCH_MNT" && find . -xdev -type f -print0 \
     | tar --null --no-recursion -T - -cf -) \
    | tar -C "$BENCH_TMP/files" --no-same-owner -xf -
  guestunmount "$BENCH_MNT"
}
magic_only () {
  find "$BENCH_TMP/files" -type f -print0 \
    | xargs -0 -r -P "$(nproc)" -n 1000 file -b > /dev/null
  find "$BENCH_TMP/files" -type f -print0 \
    | xargs -0 -r -P "$(nproc)" -n 1000 file -b --mime > /dev/null
}
scan () {
  out=$1; shift
  rm -f "$BENCH_TMP/$out.db"
  "$VMSCAN" -q --no-progress -o "$BENCH_TMP/$out.db" "$@" "$BENCH_IMG"
}

if [ "${1:-}" = --do ]; then
  shift
  what=$1
  shift
  "$what" "$@"
  exit $?
fi

rounds=3
big=0
appliance=1
while [ $# -gt 0 ]; do
  case $1 in
    -n) rounds=$2; shift 2 ;;
    --big) big=1; shift ;;
    --no-appliance) appliance=0; shift ;;
    -*) echo "usage: $0 [-n ROUNDS] [--big] [--no-appliance] [IMAGE.raw]" >&2
        exit 2 ;;
    *) break ;;
  esac
done
top=$(cd "$(dirname "$0")/.." && pwd)
vmscan=${VMSCAN:-$top/vmscan}
rules=$top/yara-rules
dir=${BENCH_DIR:-/var/tmp/vmscan-bench}
PATH=$PATH:/usr/sbin:/sbin
export PATH
say () { echo "bench: $*"; }

for t in tsk_loaddb guestmount guestunmount sqlite3 yara file bc; do
  command -v "$t" > /dev/null 2>&1 || { say "needs $t"; exit 2; }
done
[ -x "$vmscan" ] || { say "no $vmscan (build first)"; exit 2; }
gnutime=
[ -x /usr/bin/time ] && gnutime=/usr/bin/time
[ -n "$gnutime" ] || say "no GNU time (package time): no peak RSS"

mkdir -p "$dir"
if [ $# -ge 1 ]; then
  img=$1
else
  img=$dir/debian.raw
  if [ ! -s "$img" ]; then
    say "building a Debian 12 image in $dir (debootstrap)"
    if ! "$top/scripts/make-debian-image.sh" "$dir/tree" "$img" 1024 \
         > "$dir/build.log" 2>&1; then
      say "cannot build the Debian image (is Debian's archive reachable?):"
      tail -n 3 "$dir/build.log" | sed 's/^/bench:   /'
      say "skipped"
      exit 77
    fi
  fi
fi

tmp=$(mktemp -d)
mnt=$tmp/mnt
mkdir "$mnt"
self=$top/scripts/bench.sh
BENCH_TMP=$tmp BENCH_MNT=$mnt BENCH_IMG=$img VMSCAN=$vmscan BENCH_RULES=$rules
export BENCH_TMP BENCH_MNT BENCH_IMG VMSCAN BENCH_RULES
cleanup () {
  guestunmount "$mnt" > /dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT

# run NAME CMD...: times CMD once into $tmp/NAME.times, its peak RSS (KiB)
# into $tmp/NAME.rss.  Exit status 1 (findings) is not a failure.
run () {
  name=$1; shift
  t0=$(date +%s.%N)
  if [ -n "$gnutime" ]; then
    "$gnutime" -f %M -o "$tmp/rss" "$@" > "$tmp/$name.out" 2> "$tmp/$name.err" \
      || [ $? -eq 1 ] || { say "$name failed:"; tail -n 3 "$tmp/$name.err"; }
    tail -n 1 "$tmp/rss" >> "$tmp/$name.rss"
  else
    "$@" > "$tmp/$name.out" 2> "$tmp/$name.err" || [ $? -eq 1 ] \
      || { say "$name failed:"; tail -n 3 "$tmp/$name.err"; }
  fi
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc >> "$tmp/$name.times"
}
median () {
  sort -n "$1" | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2];
                       else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
say "warm-up scan through the appliance (its cache; KVM or not)"
"$vmscan" -q --no-progress --data-path appliance -o "$tmp/warm.db" "$img" \
  > /dev/null || [ $? -eq 1 ]
backend=$(sqlite3 "$tmp/warm.db" "SELECT backend FROM scans")
if [ "$backend" = tcg ]; then
  LIBGUESTFS_BACKEND=direct
  LIBGUESTFS_BACKEND_SETTINGS=force_tcg
  export LIBGUESTFS_BACKEND LIBGUESTFS_BACKEND_SETTINGS
fi
say "image $img: $(sqlite3 "$tmp/warm.db" "SELECT files_total || ' regular files, ' || bytes_total || ' bytes' FROM scans");" \
  "appliance backend $backend; $(nproc) processors; $rounds rounds"

say "copying the image's regular files to the host for the libmagic stage"
"$self" --do copy_files "$img" || say "cannot copy the files: no libmagic stage"

i=0
while [ "$i" -lt "$rounds" ]; do
  i=$((i + 1))
  say "round $i"
  run host "$self" --do scan host --data-path host
  run host-j1 "$self" --do scan host-j1 --data-path host -j 1
  run host-noyara "$self" --do scan host-noyara --data-path host --no-yara
  run host-bare "$self" --do scan host-bare --data-path host --no-yara --no-checks
  [ "$appliance" = 0 ] || run appliance "$self" --do scan appliance --data-path appliance
  rm -f "$tmp/tsk.db"
  run tsk_loaddb tsk_loaddb -h -d "$tmp/tsk.db" "$img"
  run fuse "$self" --do fuse_read "$img"
  run by-hand "$self" --do by_hand "$img"
  [ ! -d "$tmp/files" ] || run libmagic "$self" --do magic_only
done

base=$(median "$tmp/tsk_loaddb.times")
say "medians of $rounds rounds, each against tsk_loaddb -h:"
for name in host host-j1 host-noyara host-bare appliance tsk_loaddb fuse \
            by-hand libmagic; do
  [ -s "$tmp/$name.times" ] || continue
  t=$(median "$tmp/$name.times")
  rss=-
  [ -s "$tmp/$name.rss" ] && rss="$(( $(sort -n "$tmp/$name.rss" | tail -n 1) / 1024 )) MiB"
  printf "bench: %-12s %8.2f s  %6.2fx tsk_loaddb  peak RSS %s\n" \
    "$name" "$t" "$(echo "$t / $base" | bc -l)" "$rss"
done
h=$(median "$tmp/host.times")
printf "bench: the host scan is %.2fx tsk_loaddb: %.2f s from 2x, %.2f s from 3x\n" \
  "$(echo "$h / $base" | bc -l)" "$(echo "$h - 2 * $base" | bc -l)" \
  "$(echo "$h - 3 * $base" | bc -l)"
if [ -s "$tmp/appliance.times" ]; then
  a=$(median "$tmp/appliance.times")
  printf "bench: the appliance scan takes %.1fx the host scan\n" \
    "$(echo "$a / $h" | bc -l)"
fi
j1=$(median "$tmp/host-j1.times")
printf "bench: -j 1 takes %.2fx the default -j %s\n" \
  "$(echo "$j1 / $h" | bc -l)" "$(nproc)"
ny=$(median "$tmp/host-noyara.times")
bare=$(median "$tmp/host-bare.times")
yara_s=$(echo "$h - $ny" | bc -l)
checks_s=$(echo "$ny - $bare" | bc -l)
printf "bench: of the host scan: YARA %.2f s, the checks %.2f s, the rest (reading, hashing, magic, the database) %.2f s\n" \
  "$yara_s" "$checks_s" "$bare"
if [ -s "$tmp/libmagic.times" ]; then
  lm=$(median "$tmp/libmagic.times")
  printf "bench: libmagic alone (file and file --mime on %s processors) takes %.2f s, %.2fx tsk_loaddb, %.0f%% of the host scan\n" \
    "$(nproc)" "$lm" "$(echo "$lm / $base" | bc -l)" "$(echo "100 * $lm / $h" | bc -l)"
fi
awk -v y="$yara_s" -v c="$checks_s" -v r="$bare" 'BEGIN {
  s = "reading, hashing and magic"; m = r
  if (y > m) { s = "YARA"; m = y }
  if (c > m) { s = "the checks"; m = c }
  printf "bench: the host scan is bounded by %s\n", s }'

if [ "$big" = 1 ] && [ -d "$dir/tree" ]; then
  bigimg=$dir/debian-big.raw
  if [ ! -s "$bigimg" ]; then
    say "building $bigimg: the same tree and a 4 GiB file of random bytes"
    head -c 4G /dev/urandom > "$dir/tree/srv/big.bin"
    "$top/scripts/make-debian-image.sh" "$dir/tree" "$bigimg" 6144 \
      > "$dir/build-big.log" 2>&1 || say "cannot build $bigimg"
    rm -f "$dir/tree/srv/big.bin"
  fi
  if [ -s "$bigimg" ]; then
    img=$bigimg
    BENCH_IMG=$img
    run host-big "$self" --do scan host-big --data-path host
    say "with a 4 GiB file: $(median "$tmp/host-big.times") s, peak RSS" \
      "$(( $(sort -n "$tmp/host-big.rss" | tail -n 1) / 1024 )) MiB (without it:" \
      "$(( $(sort -n "$tmp/host.rss" | tail -n 1) / 1024 )) MiB)"
  fi
fi
