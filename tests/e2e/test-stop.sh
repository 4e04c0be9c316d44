#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# TAP test: the watchdog and the stop request reach host-side work.
# Two appliance launches on one small Debian-like ext4 image:
#  1. a check that makes no progress (the test hook VMSCAN_TEST_HOOK=
#     "stall:check persistence" holds its first loop) is named and
#     stopped by the watchdog; the scan completes with an errors row and
#     the other checks still run;
#  2. SIGINT while a check loop is slowed down (the hook's "delay:")
#     ends the scan as interrupted within a second.
set -u

. "$(dirname "$0")/../lib.sh"
require_vmscan
require_root "libguestfs reads the host kernel"
require_cmd mke2fs sqlite3 python3
require_appliance

setup_work
cd "$work" || bail_out "cannot enter $work"

# A root filesystem the checks recognise, with 3,000 files for the
# file checks to go through.
python3 - <<'PY'
import os
def w(p, s, mode=0o644):
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "w") as f:
        f.write(s)
    os.chmod(p, mode)
w("tree/etc/os-release", 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12"\n')
w("tree/etc/hostname", "stoptest\n")
w("tree/etc/passwd", "root:x:0:0:root:/root:/bin/sh\n")
w("tree/etc/shadow", "root:*:19000:0:99999:7:::\n", 0o640)
w("tree/etc/crontab", "17 * * * * root cd / && run-parts --report /etc/cron.hourly\n")
for d in range(30):
    for f in range(100):
        w(f"tree/usr/share/stop/d{d:02}/f{f:03}.txt", f"file {d} {f}\n")
PY
mke2fs -q -t ext4 -L stoptest -d tree disk.raw 64M
before=$(sha256sum < disk.raw)

# 1. A stalled check.
VMSCAN_TEST_HOOK="stall:check persistence" VMSCAN_STALL_TIMEOUT=15 \
  "$VMSCAN" -q --no-yara -o stall.db disk.raw > stall.out 2> stall.err
rc=$?
[ $rc -eq 0 ] || [ $rc -eq 1 ]
ok $? "a stalled check: the scan still completes (rc=$rc)"
grep -q "test hook: in stage 'check persistence'" stall.err
ok $? "the hook held the persistence checks"
grep -q "no progress for 15 s in stage 'check persistence'" stall.err
ok $? "the watchdog names the stage that stalled"
[ "$(sqlite3 stall.db "SELECT status FROM scans")" = complete ]
ok $? "the scan is recorded as complete"
c=$(sqlite3 stall.db "SELECT count(*) FROM errors WHERE message LIKE
  'check persistence: no progress for 15 s%stopped, its findings are incomplete'")
[ "$c" = 1 ]
ok $? "one errors row says which check was stopped ($c)"
c2=$(sqlite3 stall.db "SELECT count(*) FROM check_runs WHERE status = 'ran'
  AND check_id LIKE 'access.%'")
[ "$c2" -gt 0 ]
ok $? "the checks after the stalled one ran ($c2 access checks)"
grep -c "^vmscan: " stall.err > /dev/null && \
  ! grep -v -e "^vmscan: " stall.err | grep -q .
ok $? "every stderr line is vmscan's own"
[ "$(sqlite3 stall.db 'PRAGMA integrity_check')" = ok ]
ok $? "database passes integrity_check"

# 2. SIGINT inside a slowed-down loop of the file checks.
VMSCAN_TEST_HOOK="delay:check files:20000" \
  "$VMSCAN" -q --no-yara -o int.db disk.raw > int.out 2> int.err &
pid=$!
for _ in $(seq 1 1500); do
  grep -q "test hook: in stage" int.err && break
  kill -0 $pid 2>/dev/null || break
  sleep 0.2
done
grep -q "test hook: in stage 'check files'" int.err
ok $? "the scan reached the file checks"
t0=$(date +%s.%N)
kill -INT $pid
# The scan's status, as soon as it is written.
status=
for _ in $(seq 1 100); do
  status=$(sqlite3 -readonly -cmd ".timeout 100" int.db \
             "SELECT status FROM scans" 2>/dev/null)
  [ "$status" = running ] || [ -z "$status" ] || break
  sleep 0.02
done
t1=$(date +%s.%N)
wait $pid
rc=$?
t2=$(date +%s.%N)
[ "$status" = interrupted ]
ok $? "SIGINT: the scan is recorded as interrupted ($status)"
secs=$(echo "$t1 - $t0" | bc -l 2>/dev/null || python3 -c "print($t1 - $t0)")
python3 -c "import sys; sys.exit(0 if $t1 - $t0 < 1.0 else 1)"
ok $? "it was recorded within a second of SIGINT ($(printf '%.2f' "$secs") s)"
diag "exit $(python3 -c "print('%.2f' % ($t2 - $t0))") s after SIGINT"
[ $rc -eq 2 ]
ok $? "SIGINT: exit 2 (rc=$rc)"
grep -q "interrupted" int.err
ok $? "stderr says interrupted"
[ "$(sqlite3 int.db 'PRAGMA integrity_check')" = ok ]
ok $? "database passes integrity_check"

[ "$(sha256sum < disk.raw)" = "$before" ]
ok $? "the image is unchanged"

test_done
