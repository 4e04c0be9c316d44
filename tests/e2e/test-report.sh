#!/bin/bash
# TAP test of "vmscan report": every format made from a synthetic evidence
# database full of hostile names (report-check.py make-db), each checked
# against the database rows, not against vmscan's own output
# (report-check.py check): json and jsonl against src/report/report.schema.json,
# sarif against the official SARIF 2.1.0 schema (fetched from the npm
# registry into a cache, never kept in the tree), bodyfile through
# mactime, csv through Python's csv module, md through cmark-gfm.  The
# html is opened in headless Chromium (report-browser.py), which saves
# tests/report-screenshot.png.  Then: an incomplete scan says so, a
# report to a full disk is exit 2 with no partial file, a closed stdout
# is exit 2, bad databases are refused.  The same checks run on the
# database test-scan.sh leaves (tests/scan-machine/scan.db, kept with
# VMSCAN_TEST_KEEP=1) or on $VMSCAN_REPORT_DB, if there is one; no
# appliance is launched here.
set -u

here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=${top_srcdir:-$(cd "$here/../.." && pwd)}
builddir=${builddir:-$here}
VMSCAN=${VMSCAN:-$top_srcdir/vmscan}
PATH=$PATH:/usr/sbin:/sbin
LC_ALL=C.UTF-8
TZ=UTC
export PATH LC_ALL TZ

if [ ! -x "$VMSCAN" ]; then
  echo "1..0 # SKIP vmscan not built"; exit 0
fi
# Debian's python3 has Debian's modules; a python3 earlier on PATH may not.
PY=
for p in python3 /usr/bin/python3; do
  if command -v "$p" > /dev/null 2>&1 \
     && "$p" -c 'import jsonschema, websocket, sqlite3' 2> /dev/null; then
    PY=$p; break
  fi
done
if [ -z "$PY" ]; then
  echo "1..0 # SKIP no python3 with jsonschema and websocket" \
    "(python3-jsonschema, python3-websocket)"
  exit 0
fi

work=$builddir/report-work
rm -rf "$work"
mkdir -p "$work" || { echo "Bail out! cannot create $work"; exit 1; }
check=$here/report-check.py
schema=$top_srcdir/src/report/report.schema.json

n=0
failed=0
ok () {
  n=$((n + 1))
  if [ "$1" -eq 0 ]; then
    echo "ok $n - $2"
  else
    echo "not ok $n - $2"
    failed=$((failed + 1))
  fi
}
skip () {
  n=$((n + 1))
  echo "ok $n # SKIP $1"
}
# run_tap CMD...: runs a TAP-printing checker numbered from n+1.
run_tap () {
  local out st k
  out=$("$@" --first $((n + 1)) 2>&1)
  st=$?
  echo "$out"
  k=$(echo "$out" | grep -c -E '^(not )?ok ')
  n=$((n + k))
  failed=$((failed + $(echo "$out" | grep -c '^not ok ')))
  if [ "$k" -eq 0 ]; then
    ok 1 "checker ran: $* (exit $st)"
  fi
}

# ---- the SARIF 2.1.0 schema, from the npm registry -------------------------
# @microsoft/jest-sarif ships the OASIS schema (2.1.0-rtm.5, the text of
# the standard) as lib/schemas/sarif-2.1.0-rtm.5.json.
cache=${VMSCAN_TEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vmscan-tests}
sarif_schema=$cache/sarif-schema-2.1.0.json
sarif_why=
if [ ! -s "$sarif_schema" ]; then
  if ! command -v npm > /dev/null 2>&1; then
    sarif_why="npm not installed to fetch the SARIF 2.1.0 schema"
  else
    mkdir -p "$cache" "$work/npm"
    if (cd "$work/npm" && timeout 120 npm pack --silent \
          @microsoft/jest-sarif@1.0.0-beta.0 > pack.out 2> pack.err \
        && tar -xzf ./*.tgz package/lib/schemas/sarif-2.1.0-rtm.5.json) \
       && grep -q '"Static Analysis Results Format (SARIF) Version 2.1.0' \
            "$work/npm/package/lib/schemas/sarif-2.1.0-rtm.5.json"; then
      cp "$work/npm/package/lib/schemas/sarif-2.1.0-rtm.5.json" \
        "$sarif_schema.tmp" && mv "$sarif_schema.tmp" "$sarif_schema"
    else
      sarif_why="cannot fetch the SARIF 2.1.0 schema from the npm registry:"
      sarif_why="$sarif_why $(head -c 200 "$work/npm/pack.err" 2>/dev/null)"
    fi
  fi
fi

# check_all DB LABEL [MAXFILES]: every format of DB, checked.
check_all () {
  local db=$1 label=$2 f out rc
  for f in html json jsonl csv csv-files sarif bodyfile md; do
    out=$work/$label.$f
    "$VMSCAN" report "$db" --format "$f" -o "$out" 2> "$work/$label.$f.err"
    rc=$?
    [ $rc -eq 0 ] && [ -s "$out" ] && [ ! -s "$work/$label.$f.err" ]
    ok $? "$label: vmscan report --format $f -o FILE exits 0 (rc=$rc$(head -c 200 "$work/$label.$f.err"))"
    [ $rc -eq 0 ] || continue
    case $f in
      sarif)
        if [ -s "$sarif_schema" ]; then
          run_tap "$PY" "$check" check sarif "$out" "$db" \
            --sarif-schema "$sarif_schema"
        else
          skip "$sarif_why"
          run_tap "$PY" "$check" check sarif "$out" "$db"
        fi ;;
      bodyfile)
        if command -v mactime > /dev/null 2>&1; then
          run_tap "$PY" "$check" check bodyfile "$out" "$db"
        else
          skip "no mactime (sleuthkit) to read the bodyfile"
        fi ;;
      *)
        run_tap "$PY" "$check" check "$f" "$out" "$db" --schema "$schema" \
          ${3:+--max-files "$3"} ;;
    esac
  done
}

# ---- the synthetic database ------------------------------------------------
db=$work/hostile.db
"$PY" "$check" make-db "$db" "$top_srcdir/src/core/schema.sql" --filler 300
ok $? "made a synthetic evidence database with hostile names"
before=$(sha256sum < "$db")
check_all "$db" hostile

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

# ---- the real database of the end-to-end test ------------------------------
# test-scan.sh's database has the hostile names; test-checks.sh's the
# findings of a planted machine.
for real in ${VMSCAN_REPORT_DB:-$builddir/scan-machine/scan.db $builddir/checks-machine/checks.db}; do
  tag=$(basename "$real" .db)
  if [ -f "$real" ]; then
    echo "# also checking the reports of $real"
    check_all "$real" "$tag"
    if command -v chromium > /dev/null 2>&1 && [ -s "$work/$tag.html" ]; then
      "$PY" "$check" display --findings "$real" > "$work/$tag-names.json"
      run_tap timeout 150 "$PY" "$here/report-browser.py" "$work/$tag.html" \
        "$work/$tag-names.json" "$work/$tag-screenshot.png"
    fi
  else
    skip "no database at $real (made by test-scan.sh or test-checks.sh)"
  fi
done

if [ "$failed" -eq 0 ] && [ "${VMSCAN_TEST_KEEP:-0}" != 1 ]; then
  rm -rf "$work"
else
  echo "# kept $work for inspection"
fi
echo "1..$n"
