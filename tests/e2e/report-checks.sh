# SPDX-License-Identifier: BSD-3-Clause
# tests/e2e/report-checks.sh: every report format of one evidence
# database, each checked against the database's rows by readers vmscan
# did not write (report-check.py check): json and jsonl against
# src/report/report.schema.json, sarif against the official SARIF 2.1.0
# schema (fetched from the npm registry into a cache, never kept in the
# tree), bodyfile through mactime, csv through Python's csv module, md
# through cmark-gfm; the html of a real scan also in headless Chromium
# (report-browser.py).
#
# Sourced (POSIX sh), after tests/lib.sh and setup_work, by
# test-report.sh on its synthetic databases, and by test-scan.sh and
# test-checks.sh on the databases they have just scanned: no test reads
# a database another test left behind.
#
#   report_find_python     sets PY to a python3 with jsonschema and
#                          websocket, or empty with report_why saying so
#   report_fetch_sarif     the SARIF schema into the cache (sets
#                          sarif_schema, or sarif_why when it cannot)
#   report_fetch_cyclonedx the CycloneDX 1.5 schemas into the cache (sets
#                          cdx_schema_dir, or cdx_why when it cannot)
#   report_fetch_spdx      the SPDX 2.3 schema (sets spdx_schema, or
#                          spdx_why when there is none to be had)
#   report_check_all DB LABEL [MAXFILES]
#                          every format of DB, in report_work/LABEL.*
#   report_real_db DB      report_check_all DB, then its html in Chromium
#
# Outputs go to report_work (default: the test's work folder).

report_checker=$here/report-check.py
report_schema=$top_srcdir/src/report/report.schema.json
PY=
report_why=
sarif_schema=
sarif_why=
cdx_schema_dir=
cdx_why=
spdx_schema=
spdx_why=

report_find_python () {
  # Debian's python3 has Debian's modules; a python3 earlier on PATH may
  # not.
  PY=
  for p in python3 /usr/bin/python3; do
    if command -v "$p" > /dev/null 2>&1 \
       && "$p" -c 'import jsonschema, websocket, sqlite3' 2> /dev/null; then
      PY=$p
      break
    fi
  done
  [ -n "$PY" ] || report_why="no python3 with jsonschema and websocket (python3-jsonschema, python3-websocket)"
}

# @microsoft/jest-sarif ships the OASIS schema (2.1.0-rtm.5, the text of
# the standard) as lib/schemas/sarif-2.1.0-rtm.5.json.
report_fetch_sarif () {
  local cache npm
  cache=${VMSCAN_TEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vmscan-tests}
  sarif_schema=$cache/sarif-schema-2.1.0.json
  sarif_why=
  npm=${report_work:-$work}/npm
  [ -s "$sarif_schema" ] && return 0
  if ! command -v npm > /dev/null 2>&1; then
    sarif_why="npm not installed to fetch the SARIF 2.1.0 schema"
    return 0
  fi
  mkdir -p "$cache" "$npm"
  if (cd "$npm" && timeout 120 npm pack --silent \
        @microsoft/jest-sarif@1.0.0-beta.0 > pack.out 2> pack.err \
      && tar -xzf ./*.tgz package/lib/schemas/sarif-2.1.0-rtm.5.json) \
     && grep -q '"Static Analysis Results Format (SARIF) Version 2.1.0' \
          "$npm/package/lib/schemas/sarif-2.1.0-rtm.5.json"; then
    cp "$npm/package/lib/schemas/sarif-2.1.0-rtm.5.json" \
      "$sarif_schema.$$" && mv "$sarif_schema.$$" "$sarif_schema"
  else
    sarif_why="cannot fetch the SARIF 2.1.0 schema from the npm registry:"
    sarif_why="$sarif_why $(head -c 200 "$npm/pack.err" 2> /dev/null)"
  fi
}

# @cyclonedx/cyclonedx-library, the CycloneDX project's own library,
# ships the CycloneDX 1.5 JSON schema with the two it refers to:
# res/schema/bom-1.5.SNAPSHOT.schema.json, spdx.SNAPSHOT.schema.json
# (license ids) and jsf-0.82.SNAPSHOT.schema.json (signatures).
report_fetch_cyclonedx () {
  local cache npm f ok
  cache=${VMSCAN_TEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vmscan-tests}
  cdx_schema_dir=$cache/cyclonedx-library-10.3.0
  cdx_why=
  npm=${report_work:-$work}/npm-cdx
  ok=1
  for f in bom-1.5 spdx jsf-0.82; do
    [ -s "$cdx_schema_dir/$f.SNAPSHOT.schema.json" ] || ok=0
  done
  [ $ok = 1 ] && return 0
  if ! command -v npm > /dev/null 2>&1; then
    cdx_why="npm not installed to fetch the CycloneDX 1.5 schema"
    cdx_schema_dir=
    return 0
  fi
  mkdir -p "$cache" "$npm"
  if (cd "$npm" && timeout 180 npm pack --silent \
        @cyclonedx/cyclonedx-library@10.3.0 > pack.out 2> pack.err \
      && tar -xzf ./*.tgz package/res/schema/bom-1.5.SNAPSHOT.schema.json \
           package/res/schema/spdx.SNAPSHOT.schema.json \
           package/res/schema/jsf-0.82.SNAPSHOT.schema.json) \
     && grep -q '"\$id": *"http://cyclonedx.org/schema/bom-1.5.schema.json"' \
          "$npm/package/res/schema/bom-1.5.SNAPSHOT.schema.json"; then
    rm -rf "$cdx_schema_dir.$$"
    cp -r "$npm/package/res/schema" "$cdx_schema_dir.$$" \
      && rm -rf "$cdx_schema_dir" && mv "$cdx_schema_dir.$$" "$cdx_schema_dir"
  else
    cdx_why="cannot fetch the CycloneDX 1.5 schema from the npm registry:"
    cdx_why="$cdx_why $(head -c 200 "$npm/pack.err" 2> /dev/null)"
    cdx_schema_dir=
  fi
}

# The official SPDX 2.3 schema is spdx-spec's schemas/spdx-schema.json.
# No package of the npm registry or of Debian is known to ship it
# (@cyclonedx/cdxgen has SPDX 3.0.1's, @cyclonedx/cyclonedx-library and
# @datadog/datadog-ci-plugin-sbom CycloneDX's alone), so it is used only
# when VMSCAN_SPDX_SCHEMA names a copy of it.
report_fetch_spdx () {
  spdx_schema=
  spdx_why=
  if [ -n "${VMSCAN_SPDX_SCHEMA:-}" ] && [ -s "$VMSCAN_SPDX_SCHEMA" ]; then
    spdx_schema=$VMSCAN_SPDX_SCHEMA
  else
    spdx_why="no package of the npm registry or Debian ships the official SPDX 2.3 JSON schema; set VMSCAN_SPDX_SCHEMA to a copy of spdx-spec's schemas/spdx-schema.json to check against it"
  fi
}

report_check_all () {
  local db label f out rc dir
  db=$1 label=$2 dir=${report_work:-$work}
  for f in html json jsonl csv csv-files sarif bodyfile md; do
    out=$dir/$label.$f
    "$VMSCAN" report "$db" --format "$f" -o "$out" 2> "$dir/$label.$f.err"
    rc=$?
    [ $rc -eq 0 ] && [ -s "$out" ] && [ ! -s "$dir/$label.$f.err" ]
    ok $? "$label: vmscan report --format $f -o FILE exits 0 (rc=$rc$(head -c 200 "$dir/$label.$f.err"))"
    [ $rc -eq 0 ] || continue
    case $f in
      sarif)
        if [ -s "$sarif_schema" ]; then
          run_tap "$PY" "$report_checker" check sarif "$out" "$db" \
            --sarif-schema "$sarif_schema"
        else
          skip "$sarif_why"
          run_tap "$PY" "$report_checker" check sarif "$out" "$db"
        fi ;;
      bodyfile)
        if command -v mactime > /dev/null 2>&1; then
          run_tap "$PY" "$report_checker" check bodyfile "$out" "$db"
        else
          skip "no mactime (sleuthkit) to read the bodyfile"
        fi ;;
      *)
        run_tap "$PY" "$report_checker" check "$f" "$out" "$db" \
          --schema "$report_schema" ${3:+--max-files "$3"} ;;
    esac
  done
}

# The reports of a real scan: test-scan.sh's database has the hostile
# names, test-checks.sh's the findings of a planted machine.  The reports
# are made and read in C.UTF-8, as test-report.sh's.
report_real_db () {
  local real tag dir lc_all_was
  real=$1 tag=$(basename "$1" .db) dir=${report_work:-$work}
  report_find_python
  if [ -z "$PY" ]; then
    skip "reports of $tag.db: $report_why"
    return 0
  fi
  mkdir -p "$dir"
  [ -n "$sarif_schema$sarif_why" ] || report_fetch_sarif
  lc_all_was=${LC_ALL-unset}
  LC_ALL=C.UTF-8
  export LC_ALL
  diag "also checking the reports of $real"
  report_check_all "$real" "$tag"
  if command -v chromium > /dev/null 2>&1 && [ -s "$dir/$tag.html" ]; then
    "$PY" "$report_checker" display --findings "$real" > "$dir/$tag-names.json"
    run_tap timeout 150 "$PY" "$here/report-browser.py" "$dir/$tag.html" \
      "$dir/$tag-names.json" "$dir/$tag-screenshot.png"
  fi
  if [ "$lc_all_was" = unset ]; then
    unset LC_ALL
  else
    LC_ALL=$lc_all_was
  fi
}
