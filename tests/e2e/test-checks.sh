#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# TAP end-to-end test of the checks: build a clean and a planted Debian 12
# machine from this host's packages (make-planted.sh), scan both with ONE
# vmscan run (one appliance launch: two disks, two operating systems),
# and compare the findings with what was planted (check-findings.py).
# Then: the images are unchanged, the exit status follows --fail-on, and
# every report of the database passes report-checks.sh.
#
# Environment: tests/lib.sh's (VMSCAN, top_srcdir, builddir); the
# machines are built in $builddir/test-checks, kept when a test failed
# or VMSCAN_TEST_KEEP=1.  Run as root.
set -u

. "$(dirname "$0")/../lib.sh"
. "$here/report-checks.sh"
LC_ALL=C
TZ=UTC
export LC_ALL TZ

require_vmscan
require_appliance
require_root "the appliance and the test trees need root"
[ -r /var/lib/dpkg/status ] \
  || skip_all "the host is not Debian: the test machines are built from its packages"
require_cmd python3 mke2fs e2fsck qemu-img ssh-keygen setcap sha256sum \
  dpkg-query tar

setup_work

"$here/../data/make-planted.sh" "$work" > "$work/make.log" 2>&1
st=$?
ok $st "built the clean and planted machines from host packages"
[ $st -eq 0 ] || { head -n 40 "$work/make.log" | diag; bail_out "make-planted.sh failed"; }

set -- "$work/clean.raw" "$work/planted.qcow2"
sha256sum "$@" > "$work/images.sha256"

db=$work/checks.db
start=$(date +%s)
"$VMSCAN" -q -o "$db" --ioc "$work/planted.ioc" "$@" \
  > "$work/vmscan.out" 2> "$work/vmscan.err"
rc=$?
diag "vmscan took $(( $(date +%s) - start )) s"
[ $rc -eq 1 ]
ok $? "vmscan exits 1: findings at medium or above (rc=$rc)"
[ $rc -eq 1 ] || head -n 40 "$work/vmscan.err" | diag
grep -q '^  findings:    [0-9]* (critical [1-9]' "$work/vmscan.out"
ok $? "the summary counts findings by severity"
[ $? -eq 0 ] || head -n 40 "$work/vmscan.out" | diag

if [ -f "$db" ]; then
  run_tap python3 "$here/check-findings.py" "$work" "$db" $((tap_n + 1))
else
  ok 1 "the scan wrote a database"
fi

sha256sum -c --quiet "$work/images.sha256" > "$work/c" 2>&1
ok $? "the images are unchanged by the scan (sha256sum -c)"

# ---- the reports of this database ------------------------------------------
if [ -f "$db" ]; then
  report_work=$work/reports
  report_real_db "$db"
else
  ok 1 "the reports of the database (no database from the scan)"
fi

test_done
