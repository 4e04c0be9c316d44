#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Benchmark: vmscan against what people do by hand, on the same image in
# the same run, and against one plain read of every file.
#
#   scripts/bench.sh IMAGE [RULES]
#
# Prints the wall-clock time of
#   vmscan   a full scan (hash, magic, YARA, database) with the rules
#   read     guestmount -i, then read every regular file once (cat)
#   by hand  guestmount -i, then sha256sum, file and yara -N -r on the mount
# and the ratios.  The first vmscan run is a warm-up (it also builds the
# appliance cache); it tells whether KVM works here, and if it does not,
# every timed run uses software emulation, vmscan included.
# Needs root (guestmount), libguestfs-tools, yara, file.
set -eu

img=$1
top=$(cd "$(dirname "$0")/.." && pwd)
rules=${2:-$top/yara-rules}
vmscan=${VMSCAN:-$top/vmscan}
tmp=$(mktemp -d)
mnt=$tmp/mnt
mkdir "$mnt"
cleanup () {
  guestunmount "$mnt" > /dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT

now () { date +%s.%N; }
elapsed () { echo "$2 - $1" | bc; }

echo "bench: warm-up scan"
"$vmscan" -q -o "$tmp/warm.db" "$img" > /dev/null || [ $? -eq 1 ]
backend=$(sqlite3 "$tmp/warm.db" "SELECT backend FROM scans")
if [ "$backend" = tcg ]; then
  LIBGUESTFS_BACKEND=direct
  LIBGUESTFS_BACKEND_SETTINGS=force_tcg
  export LIBGUESTFS_BACKEND LIBGUESTFS_BACKEND_SETTINGS
fi
files=$(sqlite3 "$tmp/warm.db" "SELECT files_total FROM scans")
bytes=$(sqlite3 "$tmp/warm.db" "SELECT bytes_total FROM scans")
echo "bench: image $img: $files regular files, $bytes bytes; appliance: $backend"

rule_files=$(find "$rules" -name '*.yar' | sort)

t0=$(now)
"$vmscan" -q -o "$tmp/bench.db" "$img" > "$tmp/vmscan.out" || [ $? -eq 1 ]
t1=$(now)
t_vmscan=$(elapsed "$t0" "$t1")

t0=$(now)
guestmount --ro -a "$img" -i "$mnt"
find "$mnt" -xdev -type f -print0 | xargs -0 -r cat > /dev/null
guestunmount "$mnt"
t1=$(now)
t_read=$(elapsed "$t0" "$t1")

t0=$(now)
guestmount --ro -a "$img" -i "$mnt"
find "$mnt" -xdev -type f -print0 | xargs -0 -r sha256sum > "$tmp/sums"
find "$mnt" -xdev -type f -print0 | xargs -0 -r file > "$tmp/magic"
# shellcheck disable=SC2086
yara -N -r $rule_files "$mnt" > "$tmp/yara" 2>/dev/null || true
guestunmount "$mnt"
t1=$(now)
t_hand=$(elapsed "$t0" "$t1")

printf 'bench: vmscan full scan      %8.1f s\n' "$t_vmscan"
printf 'bench: read every file once  %8.1f s\n' "$t_read"
printf 'bench: by hand (sha256sum, file, yara -N -r) %8.1f s\n' "$t_hand"
printf 'bench: vmscan / read = %.2f   vmscan / by hand = %.2f\n' \
  "$(echo "$t_vmscan / $t_read" | bc -l)" \
  "$(echo "$t_vmscan / $t_hand" | bc -l)"
