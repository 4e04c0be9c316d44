#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Runs vmscan on each image given, one scan per image, and checks what
# vmscan promises for any input, hostile or not:
#   - it ends within the time bound, and not by a signal (no crash);
#   - exit status 0, 1 or 2; on 2, exactly one "error:" line, and every
#     stderr line is vmscan's own (one-line messages);
#   - the database passes PRAGMA integrity_check and its status agrees
#     with the exit status (0/1 complete, 2 failed);
#   - the image's sha256 is unchanged, and nothing is left in /tmp.
# With -k, each image is also scanned a second time and killed with
# SIGKILL after SECS seconds: the database must still pass
# integrity_check and nothing may be left in /tmp.
#
#   scripts/check-images.sh [-t BOUND] [-k SECS] [-o DIR] IMAGE...
#
# Prints one line per image (PASS or FAIL, exit status, seconds, the
# first error line) and a total; exits 1 if any image failed.  Needs
# root (as vmscan's tests do), sqlite3, sha256sum, timeout.  Run it with
# no other vmscan at work on the machine: another scan's mount point in
# /tmp would be taken for one left behind.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
vmscan=${VMSCAN:-$top/vmscan}
bound=900
kill_after=
out=
while getopts t:k:o: opt; do
  case $opt in
    t) bound=$OPTARG ;;
    k) kill_after=$OPTARG ;;
    o) out=$OPTARG ;;
    *) echo "usage: $0 [-t BOUND] [-k SECS] [-o DIR] IMAGE..." >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || { echo "usage: $0 [-t BOUND] [-k SECS] [-o DIR] IMAGE..." >&2; exit 2; }
if [ -z "$out" ]; then
  out=$(mktemp -d)
  trap 'rm -rf "$out"' EXIT
fi
mkdir -p "$out"

leftovers () { ls -d /tmp/vmscan.* 2> /dev/null | sort; }

pass=0 fail=0 i=0
for img in "$@"; do
  i=$((i + 1))
  db=$out/$i.db
  rm -f "$db" "$db-journal" "$db-wal"
  why=
  before=$(sha256sum < "$img" 2> /dev/null)
  leftovers > "$out/tmp-before"
  start=$(date +%s)
  timeout -s KILL "$bound" "$vmscan" -q --no-progress -o "$db" "$img" \
    > "$out/$i.out" 2> "$out/$i.err"
  rc=$?
  took=$(( $(date +%s) - start ))
  if [ $rc -eq 137 ] && [ "$took" -ge "$bound" ]; then
    why="$why; no end within $bound s"
  elif [ $rc -gt 2 ]; then
    why="$why; exit status $rc (a signal or a crash)"
  fi
  if [ $rc -eq 2 ] && [ "$(grep -c 'error:' "$out/$i.err")" != 1 ]; then
    why="$why; not exactly one error line"
  fi
  if grep -q -v '^vmscan: ' "$out/$i.err"; then
    why="$why; a stderr line that is not vmscan's own"
  fi
  if [ -f "$db" ]; then
    [ "$(sqlite3 "$db" 'PRAGMA integrity_check' 2>&1)" = ok ] \
      || why="$why; database fails integrity_check"
    st=$(sqlite3 "$db" "SELECT status FROM scans" 2>&1)
    case $rc/$st in
      0/complete|1/complete|2/failed|2/interrupted) ;;
      *) why="$why; exit $rc but the database says '$st'" ;;
    esac
  elif [ $rc -ne 2 ]; then
    why="$why; exit $rc and no database"
  fi
  [ "$(sha256sum < "$img" 2> /dev/null)" = "$before" ] \
    || why="$why; the image changed"
  sleep 1
  leftovers > "$out/tmp-after"
  cmp -s "$out/tmp-before" "$out/tmp-after" || why="$why; left something in /tmp"

  if [ -n "$kill_after" ] && [ $rc -le 1 ]; then
    rm -f "$db.k"
    "$vmscan" -q --no-progress -o "$db.k" "$img" > /dev/null 2>&1 &
    pid=$!
    sleep "$kill_after"
    kill -KILL $pid 2> /dev/null
    wait $pid 2> /dev/null
    sleep 2
    if [ -f "$db.k" ] && [ "$(sqlite3 "$db.k" 'PRAGMA integrity_check' 2>&1)" != ok ]; then
      why="$why; killed: database fails integrity_check"
    fi
    leftovers > "$out/tmp-after"
    cmp -s "$out/tmp-before" "$out/tmp-after" \
      || why="$why; killed: left something in /tmp"
  fi

  first=$(grep -m 1 -e 'error:' -e 'warning:' "$out/$i.err" | cut -c 1-200)
  if [ -z "$why" ]; then
    pass=$((pass + 1))
    printf 'PASS %s: exit %d, %d s: %s\n' "$img" "$rc" "$took" "${first:-no message}"
  else
    fail=$((fail + 1))
    printf 'FAIL %s: exit %d, %d s%s: %s\n' "$img" "$rc" "$took" "$why" "${first:-no message}"
  fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
