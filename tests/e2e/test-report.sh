#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# TAP test of "vmscan report": every format made from a synthetic evidence
# database full of hostile names (report-check.py make-db), each checked
# against the database rows, not against vmscan's own output
# (report-checks.sh, shared with test-scan.sh and test-checks.sh, which
# run the same checks on the databases they scan).  The html is opened
# in headless Chromium (report-browser.py), which saves
# tests/report-screenshot.png.  Then: an incomplete scan says so, a
# report to a full disk is exit 2 with no partial file, a closed stdout
# is exit 2, bad databases are refused.  No appliance is launched here,
# and no database another test made is read: VMSCAN_REPORT_DB (space
# separated) names real databases to check as well, by hand.
set -u

. "$(dirname "$0")/../lib.sh"
. "$here/report-checks.sh"
LC_ALL=C.UTF-8
TZ=UTC
export LC_ALL TZ

require_vmscan
report_find_python
[ -n "$PY" ] || skip_all "$report_why"

setup_work
check=$report_checker
schema=$report_schema
report_fetch_sarif

# ---- the synthetic database ------------------------------------------------
db=$work/hostile.db
"$PY" "$check" make-db "$db" "$top_srcdir/src/core/schema.sql" --filler 300
ok $? "made a synthetic evidence database with hostile names"
before=$(sha256sum < "$db")
report_check_all "$db" hostile

# The browser.
if command -v chromium > /dev/null 2>&1; then
  "$PY" "$check" display "$db" > "$work/names.json"
  run_tap timeout 150 "$PY" "$here/report-browser.py" "$work/hostile.html" \
    "$work/names.json" "$builddir/report-screenshot.png" --unique ONERROR
else
  skip "no chromium to open the html report in a real browser"
fi

# stdout is the default, and the same bytes as -o (but for the time).
"$VMSCAN" report "$db" --format csv > "$work/stdout.csv" 2> "$work/e"
rc=$?
[ $rc -eq 0 ] && cmp -s "$work/stdout.csv" "$work/hostile.csv"
ok $? "report to stdout (default) is the same as -o FILE (rc=$rc)"
"$VMSCAN" report "$db" > "$work/default.html" 2> /dev/null \
  && grep -q '<!DOCTYPE html>' "$work/default.html"
ok $? "the default format is html"

# The database is opened read-only: not a byte changed.
[ "$(sha256sum < "$db")" = "$before" ]
ok $? "the database is unchanged by the reports"

# The cap on the html file table.
"$VMSCAN" report "$db" --max-files 50 -o "$work/capped.html"
ok $? "report --max-files 50"
run_tap "$PY" "$check" check html "$work/capped.html" "$db" --max-files 50

# ---- an incomplete scan ----------------------------------------------------
idb=$work/interrupted.db
"$PY" "$check" make-db "$idb" "$top_srcdir/src/core/schema.sql" \
  --status interrupted
st=0
for f in html json jsonl csv csv-files sarif bodyfile md; do
  "$VMSCAN" report "$idb" --format $f -o "$work/int.$f" 2> /dev/null || st=1
done
ok $st "reports of an interrupted scan are written"
grep -q 'INCOMPLETE EVIDENCE' "$work/int.html" \
  && grep -q 'INCOMPLETE EVIDENCE' "$work/int.md" \
  && grep -q '^# INCOMPLETE EVIDENCE' "$work/int.bodyfile" \
  && grep -q '"complete":false' "$work/int.json" \
  && grep -q '"complete":false' "$work/int.jsonl" \
  && grep -q '"executionSuccessful":false' "$work/int.sarif" \
  && grep -q '^"interrupted",' "$work/int.csv-files"
ok $? "every format says the evidence is incomplete"
run_tap "$PY" "$check" check json "$work/int.json" "$idb" --schema "$schema"

# ---- the command line ------------------------------------------------------
"$VMSCAN" report --help > "$work/help" 2>&1
ok $? "vmscan report --help exits 0"
opts=$(sed -n '/^static const struct option long_options/,/^};/s/^ *{ "\([a-z-]*\)", .*/\1/p' \
  "$top_srcdir/src/cli/report.c")
missing=""
for o in $opts; do
  grep -q -- "--$o" "$work/help" || missing="$missing help:--$o"
  grep -q -- "B<--$o>" "$top_srcdir/man/vmscan.pod" \
    || missing="$missing man:--$o"
done
[ -n "$opts" ] && [ -z "$missing" ]
ok $? "every report option is in its --help and vmscan.pod${missing:+ (missing:$missing)}"
grep -q '^=head1 REPORTS' "$top_srcdir/man/vmscan.pod" \
  && grep -q -- '--report' <("$VMSCAN" --help 2>&1)
ok $? "vmscan.pod has REPORTS; vmscan --help names --report"

# ---- refusals --------------------------------------------------------------
printf 'not a database at all\n' > "$work/junk.db"
"$VMSCAN" report "$work/junk.db" > /dev/null 2> "$work/e"
rc=$?
[ $rc -eq 2 ] && [ "$(wc -l < "$work/e")" -eq 1 ] \
  && grep -q '^vmscan: error: .*not a vmscan evidence database' "$work/e"
ok $? "a file that is not a database: exit 2, one line ($(head -c 200 "$work/e"))"
# sqldb FILE SQL: a small SQLite database made with Python's sqlite3.
sqldb () {
  "$PY" -c 'import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.executescript(sys.argv[2])
c.commit()' "$1" "$2"
}
sqldb "$work/v1.db" "CREATE TABLE scans(id); PRAGMA user_version = 1;"
"$VMSCAN" report "$work/v1.db" > /dev/null 2> "$work/e"
rc=$?
[ $rc -eq 2 ] && [ "$(wc -l < "$work/e")" -eq 1 ] && grep -q 'version 1' "$work/e"
ok $? "another schema version: exit 2, one line ($(head -c 200 "$work/e"))"
sqldb "$work/other.db" "CREATE TABLE t(x);"
"$VMSCAN" report "$work/other.db" > /dev/null 2> "$work/e"
rc=$?
[ $rc -eq 2 ] && [ "$(wc -l < "$work/e")" -eq 1 ]
ok $? "an SQLite database of something else: exit 2 ($(head -c 200 "$work/e"))"
"$VMSCAN" report "$db" --format pdf > /dev/null 2> "$work/e"
[ $? -eq 2 ]
ok $? "an unknown format: exit 2"
"$VMSCAN" report "$db" -o "$db" 2> "$work/e"
rc=$?
[ $rc -eq 2 ] && [ "$(sha256sum < "$db")" = "$before" ]
ok $? "-o naming the database itself is refused (rc=$rc)"

# ---- output errors ---------------------------------------------------------
if [ -w /dev/full ]; then
  "$VMSCAN" report "$db" --format json > /dev/full 2> "$work/e"
  rc=$?
  [ $rc -eq 2 ] && [ "$(wc -l < "$work/e")" -eq 1 ] \
    && grep -q '^vmscan: error: standard output: .*No space' "$work/e"
  ok $? "stdout on a full device: exit 2, one line ($(head -c 200 "$work/e"))"
else
  skip "no /dev/full"
fi
# A closed pipe: the reader goes away after the first line.
"$VMSCAN" report "$db" --format csv-files --max-files 1 2> "$work/e" \
  | head -n 1 > /dev/null
rc=${PIPESTATUS[0]}
# A report this small may fit the pipe before head exits: either it all
# went (0) or the write failed and was said (2); never a signal death.
[ $rc -eq 0 ] || { [ $rc -eq 2 ] && grep -q 'Broken pipe' "$work/e"; }
ok $? "a closed pipe is exit 0 or 2, never a silent death (rc=$rc)"

if [ "$(id -u)" = 0 ] && command -v unshare > /dev/null \
   && unshare -m true 2> /dev/null; then
  mkdir -p "$work/small"
  echo "old report" > "$work/keep"
  unshare -m bash -c 'mount -t tmpfs -o size=64k none "$1/small" &&
    cp "$1/keep" "$1/small/kept.html" &&
    "$0" report "$2" --format html -o "$1/small/r.html" 2> "$1/full.err";
    echo $? > "$1/full.rc";
    "$0" report "$2" --format html -o "$1/small/kept.html" 2> "$1/full2.err";
    echo $? > "$1/full2.rc";
    ls -A "$1/small" > "$1/full.ls"' "$VMSCAN" "$work" "$db"
  rc=$(cat "$work/full.rc")
  [ "$rc" = 2 ] && [ "$(wc -l < "$work/full.err")" -eq 1 ] \
    && grep -q '^vmscan: error: .*No space left on device' "$work/full.err"
  ok $? "report -o on a full filesystem: exit 2, one line ($(head -c 200 "$work/full.err"))"
  [ "$(cat "$work/full.ls")" = kept.html ]
  ok $? "no partial report and no temporary file left ($(tr '\n' ' ' < "$work/full.ls"))"
  [ "$(cat "$work/full2.rc")" = 2 ]
  ok $? "replacing an existing report on a full filesystem fails (rc=$(cat "$work/full2.rc"))"
  # The old report survives a failed replacement (checked inside: the
  # tmpfs is gone now, so look at what the copy said).
  unshare -m bash -c 'mount -t tmpfs -o size=64k none "$1/small" &&
    cp "$1/keep" "$1/small/kept.html" &&
    "$0" report "$2" --format html -o "$1/small/kept.html" 2> /dev/null;
    cat "$1/small/kept.html" > "$1/kept.after"' "$VMSCAN" "$work" "$db"
  [ "$(cat "$work/kept.after")" = "old report" ]
  ok $? "an existing report is left whole when its replacement fails"
else
  skip "needs root and unshare to mount a small tmpfs"
fi

# ---- real databases, by hand ---------------------------------------------
# test-scan.sh and test-checks.sh check the reports of the databases they
# scan; VMSCAN_REPORT_DB names others.
for real in ${VMSCAN_REPORT_DB:-}; do
  if [ -f "$real" ]; then
    report_real_db "$real"
  else
    skip "no database at $real (VMSCAN_REPORT_DB)"
  fi
done

test_done
