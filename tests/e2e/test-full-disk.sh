#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# TAP test: a full disk under the evidence database is a clear error and
# exit 2, never a short database presented as complete.  The database
# goes on a 256 KiB tmpfs in a mount namespace of the test's own (root
# only); the image, 3,000 small files made with mke2fs -d, needs more.
set -u

. "$(dirname "$0")/../lib.sh"
require_vmscan
require_appliance
if [ "$(id -u)" != 0 ] || ! command -v unshare > /dev/null \
   || ! unshare -m true 2> /dev/null; then
  skip_all "needs root and unshare to mount a small tmpfs"
fi

setup_work
mkdir -p "$work/tree" "$work/small"
cd "$work" || bail_out "cannot enter $work"
for d in $(seq 1 30); do
  mkdir "tree/d$d"
  for f in $(seq 1 100); do echo "$d $f" > "tree/d$d/f$f"; done
done
mke2fs -q -t ext4 -d tree disk.raw 64M
before=$(sha256sum < disk.raw)

unshare -m sh -c 'mount -t tmpfs -o size=256k none small &&
  "$0" -q -o small/scan.db disk.raw > out 2> err; echo $? > rc;
  sqlite3 small/scan.db "SELECT status FROM scans" > status 2>&1;
  sqlite3 small/scan.db "PRAGMA integrity_check" > integrity 2>&1' "$VMSCAN"

rc=$(cat rc)
[ "$rc" = 2 ]
ok $? "exit 2 on a full disk (rc=$rc)"
grep -q "full" err
ok $? "says the disk is full ($(head -c 300 err))"
! grep -q "scan complete" out
ok $? "no summary claims a complete scan"
[ "$(cat status)" != complete ]
ok $? "the database does not say complete ($(cat status))"
[ "$(cat integrity)" = ok ]
ok $? "the database still passes integrity_check"
[ "$(sha256sum < disk.raw)" = "$before" ]
ok $? "image unchanged"
test_done
