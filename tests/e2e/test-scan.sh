#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# TAP end-to-end test: stage the trees of one test machine (make-tree.sh),
# build its four disks with host tools (make-disks.sh: qcow2, vmdk, vhdx,
# vhd), scan all four with ONE vmscan run (on the host: no appliance),
# and compare the database with references vmscan did not compute
# (reference.py: lstat, sha256sum, md5sum, sha1sum, file -b, yara) using
# check-db.py.  Then: the images are unchanged, a second run with the
# same -o exits 2 without touching the database, the same disks scanned
# through the appliance (its one launch here) give the same rows, and
# every report of the database passes report-checks.sh (as
# test-report.sh's synthetic one).
#
# Environment: tests/lib.sh's (VMSCAN, top_srcdir, builddir).  The
# machine is built in $builddir/test-scan (trees, disks, scan.db,
# reference.json, reports, logs), kept when a test failed or
# VMSCAN_TEST_KEEP=1, removed otherwise.
#
# Run as root: libguestfs on Debian needs it, and so do the device nodes
# and odd owners of the hostile tree.
set -u

. "$(dirname "$0")/../lib.sh"
. "$here/report-checks.sh"
LC_ALL=C
TZ=UTC
export LC_ALL TZ

require_vmscan
require_appliance
require_cmd python3 sqlite3 mke2fs e2fsck debugfs dumpe2fs sfdisk qemu-img mkfs.vfat \
  fsck.fat mcopy mdir file yara yarac sha256sum md5sum sha1sum truncate mkfifo

setup_work
mkdir -p "$work/trees" || bail_out "cannot create $work/trees"
log=$work/test-scan.log
: > "$log"
tmp=$work/tmp
mkdir -p "$tmp"

[ "$(id -u)" -eq 0 ] \
  || diag "not root: no device nodes or odd owners in the trees"

# ---- the machine ---------------------------------------------------------
st=0
for k in root boot data ext2 vhd; do
  "$here/../data/make-tree.sh" "$work/trees/$k" "$k" >> "$log" 2>&1 || st=1
done
ok $st "staged the trees root, boot, data, ext2, vhd"
[ $st -eq 0 ] || { tail -n 20 "$log" | diag; bail_out "make-tree.sh failed"; }

"$here/../data/make-disks.sh" "$work/trees" "$work" >> "$log" 2>&1
st=$?
ok $st "built disk1.qcow2 disk2.vmdk disk3.vhdx disk4.vhd with host tools"
[ $st -eq 0 ] || { tail -n 20 "$log" | diag; bail_out "make-disks.sh failed"; }

set -- "$work/disk1.qcow2" "$work/disk2.vmdk" "$work/disk3.vhdx" \
  "$work/disk4.vhd"
sha256sum "$@" > "$work/images.sha256"

# The rules: the bundled ones, or (while yara-rules/ has none) a rule of
# our own for the EICAR test file, written here.
rules=$top_srcdir/yara-rules
if ! ls "$rules"/*.yar > /dev/null 2>&1; then
  rules=$tmp/rules
  mkdir -p "$rules"
  # The test string in two halves: 28 bytes, then 40 bytes at offset 28.
  cat > "$rules/eicar.yar" <<'EOF'
rule EICAR_Test_File
{
  strings:
    $a = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$"
    $b = "EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
  condition:
    filesize <= 128 and $a at 0 and $b at 28
}
EOF
  diag "yara-rules/ has no *.yar: using $rules/eicar.yar"
fi

# ---- one scan of the four disks ------------------------------------------
db=$work/scan.db
start=$(date +%s)
"$VMSCAN" -q -o "$db" -r "$rules" "$@" > "$work/vmscan.out" 2> "$work/vmscan.err"
rc=$?
diag "vmscan took $(( $(date +%s) - start )) s"
[ $rc -eq 1 ]
ok $? "vmscan exits 1 (scanned, EICAR matched) for the 4 disks (rc=$rc)"
[ $rc -eq 1 ] || tail -n 20 "$work/vmscan.err" | diag

# ---- the references --------------------------------------------------------
python3 "$here/reference.py" "$work/trees" "$rules" "$work/reference.json" \
  >> "$log" 2>&1
st=$?
ok $st "reference from lstat, sha256sum, md5sum, sha1sum, file -b, yara"
[ $st -eq 0 ] || tail -n 20 "$log" | diag

if [ -f "$db" ] && [ $st -eq 0 ]; then
  run_tap python3 "$here/check-db.py" --first $((tap_n + 1)) --no-plan \
    --images "$work/images.sha256" "$work/reference.json" "$db"
else
  ok 1 "database and reference to compare (database: $( [ -f "$db" ] \
    && echo present || echo missing))"
fi

# ---- afterwards ------------------------------------------------------------
sha256sum -c --quiet "$work/images.sha256" > "$tmp/c" 2>&1
st=$?
ok $st "the 4 images are unchanged by the scan (sha256sum -c)"
[ $st -eq 0 ] || tail -n 20 "$tmp/c" | diag

if [ -f "$db" ]; then
  before=$(sha256sum < "$db")
  "$VMSCAN" -q -o "$db" -r "$rules" "$@" > /dev/null 2> "$work/vmscan2.err"
  rc=$?
  after=$(sha256sum < "$db")
  [ $rc -eq 2 ]
  ok $? "a second run with the same -o exits 2 (rc=$rc: $(head -c 200 "$work/vmscan2.err"))"
  [ "$before" = "$after" ]
  ok $? "a second run with the same -o leaves the database unchanged"
else
  ok 1 "a second run with the same -o exits 2 (no database from the first)"
  ok 1 "a second run with the same -o leaves the database unchanged"
fi

# ---- the same disks through the appliance -----------------------------------
# Every filesystem of these disks is one the host reads, so the scan above
# ran without the appliance.  Forced onto the appliance (its one launch in
# this test), the same disks must give the same rows: every files column,
# YARA matches, findings, check runs and errors (db-compare.py; only the
# columns that name the path taken are left out).
if [ -f "$db" ]; then
  q=$(sqlite3 "$db" "SELECT count(*) || ' ' || group_concat(DISTINCT data_path) FROM filesystems WHERE status = 'scanned'; SELECT backend FROM scans")
  [ "$q" = "5 host
none" ]
  ok $? "every filesystem was read on the host and no appliance was launched ($(echo $q))"
  adb=$work/appliance.db
  "$VMSCAN" -q --data-path appliance -o "$adb" -r "$rules" "$@" \
    > "$work/vmscan-appliance.out" 2> "$work/vmscan-appliance.err"
  rc=$?
  [ $rc -eq 1 ]
  ok $? "the same disks with --data-path appliance: exit 1 (rc=$rc)"
  [ $rc -eq 1 ] || tail -n 20 "$work/vmscan-appliance.err" | diag
  q=$(sqlite3 "$adb" "SELECT count(*) || ' ' || group_concat(DISTINCT data_path) FROM filesystems WHERE status = 'scanned'; SELECT backend <> 'none' FROM scans")
  [ "$q" = "5 appliance
1" ]
  ok $? "--data-path appliance: every filesystem read by the appliance ($(echo $q))"
  python3 "$here/db-compare.py" "$db" "$adb" > "$work/db-compare.out" 2>&1
  st=$?
  ok $st "the host path's database equals the appliance path's, row for row ($(grep -c 'the same$' "$work/db-compare.out") of 7 tables)"
  [ $st -eq 0 ] || head -n 40 "$work/db-compare.out" | diag
else
  skip "no database from the scan" 4
fi

# ---- the reports of this database ------------------------------------------
if [ -f "$db" ]; then
  report_work=$work/reports
  report_real_db "$db"
else
  ok 1 "the reports of the database (no database from the scan)"
fi

test_done
