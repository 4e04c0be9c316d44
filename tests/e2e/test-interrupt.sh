#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# TAP test: a scan stopped by SIGTERM, and one killed by SIGKILL, leave a
# database that passes PRAGMA integrity_check and says the scan did not
# finish; the image is unchanged; no qemu is left behind.  Also: qemu
# killed mid-scan, and qemu frozen mid-scan (the watchdog).  Four
# appliance launches on an ext4 image of many small files (mke2fs -d).
set -u

. "$(dirname "$0")/../lib.sh"
require_vmscan
require_cmd mke2fs sqlite3 python3
require_appliance

setup_work
cd "$work" || bail_out "cannot enter $work"

# 20,000 small files in 200 folders: a walk long enough to stop midway.
python3 - <<'PY'
import os
for d in range(200):
    os.makedirs(f"tree/d{d:03}", exist_ok=True)
    for f in range(100):
        with open(f"tree/d{d:03}/f{f:03}.txt", "w") as fh:
            fh.write(f"file {d} {f}\n" * 4)
PY
mke2fs -q -t ext4 -L interrupt -d tree disk.raw 200M
before=$(sha256sum < disk.raw)

# Reads the count without ever creating the file (vmscan refuses to write
# over an existing database).
count () {
  if [ -s "$1" ]; then
    sqlite3 -readonly -cmd ".timeout 5000" "$1" "SELECT count(*) FROM files" \
      2>/dev/null || echo 0
  else
    echo 0
  fi
}

# wait_files DB PID: wait until the scan has recorded some files.
wait_files () {
  for _ in $(seq 1 600); do
    c=$(count "$1")
    [ "${c:-0}" -gt 300 ] && return 0
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.2
  done
  return 1
}

# The appliance's qemu, a child of the vmscan process PID.
qemu_of () {
  pgrep -P "$1" -f qemu-system | head -n 1
}

"$VMSCAN" -q -o term.db disk.raw > term.out 2> term.err &
pid=$!
wait_files term.db $pid
ok $? "the scan started recording files"
kill -TERM $pid
wait $pid
rc=$?
[ $rc -eq 2 ]
ok $? "SIGTERM: exit 2 (rc=$rc)"
grep -q "interrupted" term.err
ok $? "SIGTERM: says it was interrupted ($(head -c 200 term.err))"
[ "$(sqlite3 term.db 'PRAGMA integrity_check')" = ok ]
ok $? "SIGTERM: database passes integrity_check"
st=$(sqlite3 term.db "SELECT status || '|' || (finished_at IS NOT NULL) FROM scans")
[ "$st" = "interrupted|1" ]
ok $? "SIGTERM: scan recorded as interrupted with an end time ($st)"
files=$(count term.db)
[ "$files" -gt 0 ] && [ "$files" -lt 20200 ]
ok $? "SIGTERM: a partial set of files is recorded ($files)"

ls -d /tmp/vmscan.* 2> /dev/null | sort > tmp-before
"$VMSCAN" -q -o kill.db disk.raw > kill.out 2> kill.err &
pid=$!
wait_files kill.db $pid
ok $? "second scan started recording files"
qpid=$(qemu_of $pid)
[ -n "$qpid" ]
ok $? "found the appliance's qemu (pid ${qpid:-none})"
kill -KILL $pid
wait $pid 2>/dev/null
[ "$(sqlite3 kill.db 'PRAGMA integrity_check')" = ok ]
ok $? "SIGKILL: database passes integrity_check"
st=$(sqlite3 kill.db "SELECT status || '|' || (finished_at IS NULL) FROM scans")
[ "$st" = "running|1" ]
ok $? "SIGKILL: database says the scan never finished ($st)"
for _ in $(seq 1 30); do
  kill -0 "${qpid:-0}" 2>/dev/null || break
  sleep 1
done
[ -n "$qpid" ] && ! kill -0 "$qpid" 2>/dev/null
ok $? "SIGKILL: the appliance's qemu is gone too"
for _ in $(seq 1 20); do
  ls -d /tmp/vmscan.* 2> /dev/null | sort > tmp-after
  cmp -s tmp-before tmp-after && break
  sleep 0.5
done
left=$(comm -13 tmp-before tmp-after | tr '\n' ' ')
[ -z "$left" ]
ok $? "SIGKILL: no mount point is left in /tmp (${left:-none})"

# fault NAME SIGNAL PATTERN [VAR=VALUE]: start a scan (with VAR=VALUE in
# its environment), send SIGNAL to its qemu once files are recorded, and
# check that vmscan ends within 2 minutes with exit 2, a message matching
# PATTERN and a database that is intact and says failed.
fault () {
  name=$1 sig=$2 pattern=$3
  shift 3
  env "$@" "$VMSCAN" -q -o "$name.db" disk.raw > "$name.out" 2> "$name.err" &
  pid=$!
  wait_files "$name.db" $pid
  ok $? "$name appliance: the scan started recording files"
  qpid=$(qemu_of $pid)
  [ -n "$qpid" ] && kill "-$sig" "$qpid"
  ok $? "$name appliance: sent SIG$sig to its qemu (pid ${qpid:-none})"
  for _ in $(seq 1 120); do
    kill -0 $pid 2>/dev/null || break
    sleep 1
  done
  if kill -0 $pid 2>/dev/null; then
    kill -KILL $pid "${qpid:-0}" 2>/dev/null
    ok 1 "$name appliance: vmscan ended within 2 minutes"
  else
    ok 0 "$name appliance: vmscan ended within 2 minutes"
  fi
  wait $pid
  rc=$?
  [ $rc -eq 2 ] && grep -q "$pattern" "$name.err"
  ok $? "$name appliance: exit 2 with a message (rc=$rc: $(head -c 300 "$name.err"))"
  st=$(sqlite3 "$name.db" "SELECT status FROM scans")
  [ "$(sqlite3 "$name.db" 'PRAGMA integrity_check')" = ok ] && [ "$st" = failed ]
  ok $? "$name appliance: database intact, scan recorded as failed ($st)"
}

# The appliance dies under a running scan: vmscan must notice, say so
# and stop, not hang or record every remaining file as unreadable.
fault dead KILL "appliance"

# The appliance hangs (stopped, not dead): the watchdog must stop it
# after VMSCAN_STALL_TIMEOUT seconds without progress.
fault hung STOP "not answering" VMSCAN_STALL_TIMEOUT=10

[ "$(sha256sum < disk.raw)" = "$before" ]
ok $? "image unchanged after all four"

test_done
