#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# TAP test: a scan stopped by SIGTERM, and one killed by SIGKILL, leave a
# database that passes PRAGMA integrity_check and says the scan did not
# finish; the image is unchanged; no qemu and no sandboxed reader is left
# behind.  Both data paths: the host's readers (this ext4 image needs no
# appliance) and the appliance (--data-path appliance).  Also: the host's
# reader killed mid-walk (the filesystem is read again through the
# appliance and the scan completes), qemu killed mid-scan, and qemu
# frozen mid-scan (the watchdog).  Five appliance launches on an ext4
# image of many small files (mke2fs -d).
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

# The host's sandboxed reader of a filesystem, a child of vmscan PID
# running as nobody (vmscan runs as root here).
reader_of () {
  pgrep -P "$1" -u 65534 -x vmscan | head -n 1
}

# On the host path the walk of this small image takes a second or two:
# each turn of its loops is slowed down (delay:walk) so that it can be
# caught midway.
slow=VMSCAN_TEST_HOOK=delay:walk:400

# interrupt PATH: SIGTERM and SIGKILL on a scan on that data path.
interrupt () {
  dp=$1
  env $slow "$VMSCAN" -q --data-path "$dp" -o "term-$dp.db" disk.raw \
    > "term-$dp.out" 2> "term-$dp.err" &
  pid=$!
  wait_files "term-$dp.db" $pid
  ok $? "$dp path: the scan started recording files"
  kill -TERM $pid
  wait $pid
  rc=$?
  [ $rc -eq 2 ]
  ok $? "$dp path: SIGTERM: exit 2 (rc=$rc)"
  grep -q "interrupted" "term-$dp.err"
  ok $? "$dp path: SIGTERM: says it was interrupted ($(head -c 200 "term-$dp.err"))"
  [ "$(sqlite3 "term-$dp.db" 'PRAGMA integrity_check')" = ok ]
  ok $? "$dp path: SIGTERM: database passes integrity_check"
  st=$(sqlite3 "term-$dp.db" "SELECT status || '|' || (finished_at IS NOT NULL) FROM scans")
  [ "$st" = "interrupted|1" ]
  ok $? "$dp path: SIGTERM: scan recorded as interrupted with an end time ($st)"
  files=$(count "term-$dp.db")
  [ "$files" -gt 0 ] && [ "$files" -lt 20200 ]
  ok $? "$dp path: SIGTERM: a partial set of files is recorded ($files)"

  ls -d /tmp/vmscan.* 2> /dev/null | sort > tmp-before
  env $slow "$VMSCAN" -q --data-path "$dp" -o "kill-$dp.db" disk.raw \
    > "kill-$dp.out" 2> "kill-$dp.err" &
  pid=$!
  wait_files "kill-$dp.db" $pid
  ok $? "$dp path: second scan started recording files"
  if [ "$dp" = appliance ]; then
    what="the appliance's qemu"
    qpid=$(qemu_of $pid)
  else
    what="the sandboxed reader"
    qpid=$(reader_of $pid)
  fi
  [ -n "$qpid" ]
  ok $? "$dp path: found $what (pid ${qpid:-none})"
  kill -KILL $pid
  wait $pid 2>/dev/null
  [ "$(sqlite3 "kill-$dp.db" 'PRAGMA integrity_check')" = ok ]
  ok $? "$dp path: SIGKILL: database passes integrity_check"
  st=$(sqlite3 "kill-$dp.db" "SELECT status || '|' || (finished_at IS NULL) FROM scans")
  [ "$st" = "running|1" ]
  ok $? "$dp path: SIGKILL: database says the scan never finished ($st)"
  for _ in $(seq 1 30); do
    kill -0 "${qpid:-0}" 2>/dev/null || break
    sleep 1
  done
  [ -n "$qpid" ] && ! kill -0 "$qpid" 2>/dev/null
  ok $? "$dp path: SIGKILL: $what is gone too"
  for _ in $(seq 1 20); do
    ls -d /tmp/vmscan.* 2> /dev/null | sort > tmp-after
    cmp -s tmp-before tmp-after && break
    sleep 0.5
  done
  left=$(comm -13 tmp-before tmp-after | tr '\n' ' ')
  [ -z "$left" ]
  ok $? "$dp path: SIGKILL: no socket or mount folder is left in /tmp (${left:-none})"
}

interrupt host
interrupt appliance

# The host's reader dies under a running scan (as a crafted filesystem
# could make it): vmscan says so once, reads that filesystem again
# through the appliance, launched then, and the scan completes with
# every file.
env $slow "$VMSCAN" --no-progress -o reader.db disk.raw > reader.out 2> reader.err &
pid=$!
wait_files reader.db $pid
ok $? "reader killed: the scan started recording files on the host"
rpid=$(reader_of $pid)
[ -n "$rpid" ] && kill -KILL "$rpid"
ok $? "reader killed: sent SIGKILL to the sandboxed reader (pid ${rpid:-none})"
wait $pid
rc=$?
[ $rc -eq 0 ]
ok $? "reader killed: the scan completes, exit 0 (rc=$rc: $(head -c 300 reader.err))"
grep -c "host reader failed" reader.err > reader.n
[ "$(cat reader.n)" = 1 ]
ok $? "reader killed: said once on stderr ($(grep "host reader" reader.err | head -c 300))"
st=$(sqlite3 reader.db "SELECT status FROM scans; SELECT data_path || '|' || status FROM filesystems; SELECT count(*) FROM files; SELECT count(*) FROM errors WHERE stage = 'walk' AND message LIKE '%host reader%failed%'; PRAGMA integrity_check" | tr '\n' ' ')
[ "$st" = "complete appliance|scanned 20202 1 ok " ]
ok $? "reader killed: complete, read again through the appliance, every entry once, one errors row, database intact ($st)"

# fault NAME SIGNAL PATTERN [VAR=VALUE]: start a scan (with VAR=VALUE in
# its environment), send SIGNAL to its qemu once files are recorded, and
# check that vmscan ends within 2 minutes with exit 2, a message matching
# PATTERN and a database that is intact and says failed.
fault () {
  name=$1 sig=$2 pattern=$3
  shift 3
  env "$@" "$VMSCAN" -q --data-path appliance -o "$name.db" disk.raw \
    > "$name.out" 2> "$name.err" &
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
ok $? "image unchanged after all of them"

test_done
