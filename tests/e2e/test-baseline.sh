#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# TAP end-to-end test of approved baselines and suppressions: two builds
# of a small Debian 12 machine (tests/data/make-builds.sh: the second
# with grep upgraded, /usr/bin/sed changed and a planted cron job),
# scanned on the host data path.
#
#  - vmscan baseline accept: the copy holds who, when, why and the
#    ticket, the scan's sha256sum, the same rows as the scan; the scan
#    is not written; a second approval keeps the first as history; no
#    reason, an incomplete scan, a target that is not a baseline: exit 2
#    and nothing changed;
#  - --baseline: every finding of the second build is new or unchanged
#    exactly as its fingerprint (computed here with hashlib from the
#    rows, as vmscan(1) defines it) is absent from or present in the
#    first build's findings; the new ones are exactly those of the
#    planted cron job and the changed sed; gone ones are in
#    baseline_absent; the exit status counts the new ones only; a scan
#    database that was never approved is refused;
#  - --suppress: an entry with a reason silences the cron finding (kept,
#    marked with the entry), a stale entry is listed as stale, the same
#    entry with a past expiry date suppresses nothing and says expired;
#    with every new finding suppressed the scan exits 0; bad lines are
#    refused naming file and line, before anything is scanned;
#  - reports: summary (new, suppressed, stale, expired, the exit status),
#    sarif (baselineState new/unchanged/absent as counted, suppressions
#    with the reason as justification), md and html lead with the
#    baseline and the suppressions; report-time --suppress gives the
#    same as scan-time and leaves the database as it was.
#
# Needs root (make-builds.sh), mke2fs, e2fsck, dpkg-query, sqlite3,
# python3.
set -u

. "$(dirname "$0")/../lib.sh"
. "$here/report-checks.sh"
LC_ALL=C
export LC_ALL

require_vmscan
require_root "the trees keep owners and capabilities"
require_cmd mke2fs e2fsck dpkg-query sqlite3 python3 sha256sum
setup_work
cd "$work" || bail_out "cannot enter $work"

"$here/../data/make-builds.sh" "$work" > builds.log 2>&1
case $? in
  0) ;;
  3) skip_all "the host has no grep package to upgrade" ;;
  *) diag < builds.log; bail_out "make-builds.sh failed" ;;
esac

scan () {
  out=$1
  shift
  "$VMSCAN" -q --no-progress --data-path host -f -o "$out" "$@" \
    > "$out.out" 2> "$out.err"
}

scan a.db a.raw
[ $? -le 1 ] || { diag < a.db.err; bail_out "scan of a.raw failed"; }
sum_a=$(sha256sum < a.db | cut -d" " -f1)

plan 36

# ---- baseline accept ----------------------------------------------------

"$VMSCAN" baseline accept a.db -o approved.db --reason 'build 1, reviewed' \
  --by 'Ada <ada@example.org>' --ticket OPS-1 2> accept.err
rc=$?
got=$(sqlite3 -separator '|' approved.db "SELECT approved_by, reason, \
  ticket, source_path, source_sha256, scan_uuid = (SELECT uuid FROM scans), \
  approved_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T*Z' \
  FROM approvals" 2>&1)
is "$rc|$got" "0|Ada <ada@example.org>|build 1, reviewed|OPS-1|a.db|$sum_a|1|1" \
  "accept: who, why, the ticket, the scan's sha256sum and uuid, a time"
same=0
for t in scans images filesystems files findings packages accounts check_runs; do
  q="SELECT count (*) FROM (SELECT * FROM $t EXCEPT SELECT * FROM a.$t)"
  n=$(sqlite3 approved.db "ATTACH 'a.db' AS a; $q" 2>&1)
  m=$(sqlite3 approved.db "SELECT count (*) FROM $t")
  k=$(sqlite3 a.db "SELECT count (*) FROM $t")
  [ "$n" = 0 ] && [ "$m" = "$k" ] || { same=1; diag "$t: $n rows differ, $m vs $k"; }
done
is "$same:$(sha256sum < a.db | cut -d' ' -f1)" "0:$sum_a" \
  "accept: the copy holds the scan's rows, the scan is unchanged"

"$VMSCAN" baseline accept a.db -o nowhy.db 2> nowhy.err
rc=$?
is "$rc:$(wc -l < nowhy.err | tr -d ' '):$([ -e nowhy.db ]; echo $?)" "2:2:1" \
  "accept without --reason: exit 2, said, nothing written"
cp a.db running.db
sqlite3 running.db "UPDATE scans SET status = 'interrupted'"
"$VMSCAN" baseline accept running.db -o r.db --reason x 2> running.err
rc=$?
is "$rc:$([ -e r.db ]; echo $?)" "2:1" \
  "accept of an interrupted scan: exit 2 ($(head -c 100 running.err))"
printf 'precious\n' > notes.txt
"$VMSCAN" baseline accept a.db -o notes.txt --reason x 2> notes.err
rc=$?
is "$rc:$(cat notes.txt)" "2:precious" \
  "accept over a file that is not a baseline: exit 2, the file kept"

# ---- --baseline -----------------------------------------------------------

scan b.db --baseline approved.db b.raw
rc_b=$?
sum_approved=$(sha256sum < approved.db)
scan plain.db b.raw
rc_plain=$?

# The reference: fingerprints made here from the rows, as vmscan(1)
# defines them, and the planted paths.
run_tap python3 - a.db b.db <<'PY'
import hashlib, sqlite3, struct, sys
n = 0
def ok(c, what, detail=None):
    global n; n += 1
    print(('ok %d - %s' if c else 'not ok %d - %s') % (n, what))
    if not c and detail is not None:
        for l in str(detail).splitlines()[:20]:
            print('#   ' + l)
def fp(row):
    h = hashlib.sha256()
    for v in row:
        if v is None:
            h.update(b'\xff' * 8)
        else:
            h.update(struct.pack('>Q', len(v)) + v)
    return h.hexdigest()
def rows(db):
    c = sqlite3.connect('file:%s?mode=ro' % db, uri=True)
    c.text_factory = bytes
    return c, c.execute("SELECT id, check_id, path, account, evidence, "
                        "fingerprint, baseline, severity_rank FROM findings "
                        "ORDER BY id").fetchall()
ca, a = rows(sys.argv[1])
cb, b = rows(sys.argv[2])
ok(all(fp(r[1:5]) == r[5].decode() for r in a + b),
   'every finding\'s fingerprint is the documented SHA-256 (%d)' % (len(a) + len(b)))
old = {fp(r[1:5]) for r in a}
want = {r[0]: (b'unchanged' if fp(r[1:5]) in old else b'new') for r in b}
got = {r[0]: r[6] for r in b}
ok(got == want, 'each finding new or unchanged as the first build has it or not',
   [(r[1], r[2], got[r[0]], want[r[0]]) for r in b if got[r[0]] != want[r[0]]])
planted = {b'/etc/cron.d/vmscan-update', b'/usr/bin/sed'}
new = [r for r in b if r[6] == b'new']
ok(new and {r[2] for r in new} == planted,
   'the new findings are exactly those of the cron job and sed',
   [(r[1], r[2]) for r in new])
ok(all(any(r[2] == p and r[7] >= 2 for r in new) for p in planted),
   'the cron job and sed each give a new finding at medium or above')
gone = sorted(old - {fp(r[1:5]) for r in b})
absent = sorted(r[0].decode() for r in cb.execute(
    "SELECT fingerprint FROM baseline_absent"))
ok(absent == gone, 'baseline_absent: the first build\'s findings the second lacks (%d)'
   % len(gone), (absent, gone))
bl = cb.execute("SELECT findings_new, findings_unchanged, findings_absent, "
                "approved_by, reason FROM baselines").fetchall()
ok(bl == [(len(new), len(b) - len(new), len(gone), b'Ada <ada@example.org>',
           b'build 1, reviewed')],
   'the baselines row: counts, who and why', bl)
PY
new_over=$(sqlite3 b.db "SELECT count (*) FROM findings WHERE baseline = 'new' \
  AND severity_rank >= 2")
is "$rc_b:$rc_plain:$(grep -c "^  baseline:    .* new, .* unchanged, .* gone since approved.db (approved by Ada" b.db.out)" \
  "1:1:1" "exit 1 with $new_over new findings at medium; the summary says the baseline"
"$VMSCAN" -q --no-progress --data-path host --baseline approved.db \
  --fail-on critical -f -o crit.db b.raw > /dev/null 2>&1
is "$?" 0 "--fail-on critical: nothing new is critical, exit 0"
scan self.db --baseline approved.db a.raw
rc=$?
is "$rc:$(sqlite3 self.db "SELECT count (*) FROM findings WHERE baseline = 'new'")" "0:0" \
  "the approved build against its own baseline: nothing new, exit 0"
"$VMSCAN" -q --no-progress --data-path host --baseline a.db -o nb.db b.raw \
  > /dev/null 2> nb.err
rc=$?
is "$rc:$(wc -l < nb.err | tr -d ' '):$([ -e nb.db ]; echo $?)" "2:1:1" \
  "a scan never approved as --baseline: exit 2, one line, no database"
is "$(sha256sum < approved.db)" "$sum_approved" "the baseline is never written"

# A second approval keeps the first as its history.
"$VMSCAN" baseline accept b.db -o approved.db --reason 'build 2, sed rebuilt' \
  --by Grace 2> accept2.err
rc=$?
is "$rc:$(sqlite3 -separator '|' approved.db "SELECT approved_by, reason FROM \
  approvals ORDER BY id" | tr '\n' ';')" \
  "0:Ada <ada@example.org>|build 1, reviewed;Grace|build 2, sed rebuilt;" \
  "a second approval: the first kept before it, oldest first"
"$VMSCAN" baseline show approved.db > show.txt 2>&1
is "$?:$(cut -f2 show.txt | tr '\n' ';')" "0:Ada <ada@example.org>;Grace;" \
  "baseline show: one line per approval"
"$VMSCAN" baseline accept a.db -o approved2.db --reason x > /dev/null 2>&1
cp approved2.db keep.db

# ---- --suppress -----------------------------------------------------------

cron_check=$(sqlite3 b.db "SELECT check_id FROM findings WHERE path = \
  '/etc/cron.d/vmscan-update' AND check_id LIKE 'persistence.%' LIMIT 1")
sed_fp=$(sqlite3 b.db "SELECT fingerprint FROM findings WHERE path = \
  '/usr/bin/sed' AND severity_rank >= 2 LIMIT 1")
cat > accepted.txt <<EOF
# Reviewed in OPS-2.
check=$cron_check path=/etc/cron.d/vmscan-* reason="the vendor's update job, reviewed" ticket=OPS-2 expires=2999-12-31
check=persistence.* path=/etc/cron.d/retired-job reason="removed in build 1"
EOF
scan s.db --baseline approved2.db --suppress accepted.txt b.raw
rc_s=$?
got=$(sqlite3 -separator '|' s.db "SELECT line, status, matched FROM \
  suppressions ORDER BY line" | tr '\n' ';')
sup=$(sqlite3 -separator '|' s.db "SELECT f.check_id, s.reason FROM findings f \
  JOIN suppressions s ON s.id = f.suppression_id" | tr '\n' ';')
is "$got|$sup" "2|applied|1;3|stale|0;|$cron_check|the vendor's update job, reviewed;" \
  "a suppression silences the cron finding with its reason; a stale entry is listed"
left=$(sqlite3 s.db "SELECT count (*) FROM findings WHERE suppression_id IS NULL \
  AND baseline = 'new' AND severity_rank >= 2")
is "$rc_s:$(sqlite3 s.db "SELECT count (*) FROM findings"):$(grep -c '^  suppressed:  1 findings by 1 entries; 1 stale' s.db.out)" \
  "$([ "$left" -gt 0 ] && echo 1 || echo 0):$(sqlite3 b.db "SELECT count (*) FROM findings"):1" \
  "suppressed findings stay in the database; exit by the $left left; the summary says so"

sed 's/2999-12-31/2001-01-31/' accepted.txt > expired.txt
scan e.db --baseline approved2.db --suppress expired.txt b.raw
got=$(sqlite3 -separator '|' e.db "SELECT line, status, matched FROM \
  suppressions ORDER BY line; SELECT count (*) FROM findings WHERE \
  suppression_id IS NOT NULL; SELECT baseline FROM findings WHERE check_id = \
  '$cron_check' AND path = '/etc/cron.d/vmscan-update'" | tr '\n' ';')
is "$got" "2|expired|1;3|stale|0;0;new;" \
  "past its expiry date the entry suppresses nothing, is listed expired, the finding is new again"

{ cat accepted.txt
  sqlite3 b.db "SELECT 'check=' || check_id || ' fingerprint=' || fingerprint \
    || ' reason=\"accepted by fingerprint\"' FROM findings WHERE baseline = \
    'new' AND severity_rank >= 2 AND NOT (check_id = '$cron_check' AND path = \
    '/etc/cron.d/vmscan-update')"
} > all.txt
scan all.db --baseline approved2.db --suppress all.txt b.raw
is "$?:$(sqlite3 all.db "SELECT count (*) FROM findings WHERE baseline = 'new' \
  AND severity_rank >= 2 AND suppression_id IS NULL")" "0:0" \
  "every new finding suppressed (one by fingerprint, $sed_fp): exit 0"

printf '# ok\ncheck=a path=/x reason=y\ncheck=b path=/y\n' > bad1.txt
printf 'check=a path=/x reason=y tiket=1\n' > bad2.txt
printf 'check=a path=/x reason=y expires=2027-13-01\n' > bad3.txt
bad=
for f in bad1 bad2 bad3; do
  "$VMSCAN" -q --no-progress --data-path host --suppress "$f.txt" \
    -o "$f.db" b.raw > /dev/null 2> "$f.err"
  bad="$bad$?:$([ -e "$f.db" ]; echo $?):$(cut -d: -f2-5 "$f.err");"
done
is "$bad" "2:1: error: --suppress: bad1.txt:3;2:1: error: --suppress: bad2.txt:1;2:1: error: --suppress: bad3.txt:1;" \
  "bad lines: exit 2 naming file and line, nothing scanned"
diag "$(cat bad1.err bad2.err bad3.err)"

# ---- reports -------------------------------------------------------------

"$VMSCAN" report s.db --format summary -o s.summary.json 2> /dev/null
run_tap python3 - s.summary.json s.db "$rc_s" <<'PY'
import json, sqlite3, sys
d = json.load(open(sys.argv[1])); c = sqlite3.connect(sys.argv[2])
q = lambda s: c.execute(s).fetchone()[0]
rv = d['review']
want = {'baseline': True,
        'new': q("SELECT count (*) FROM findings WHERE baseline = 'new'"),
        'unchanged': q("SELECT count (*) FROM findings WHERE baseline = 'unchanged'"),
        'gone': q("SELECT count (*) FROM baseline_absent"),
        'suppressed': q("SELECT count (*) FROM findings WHERE suppression_id IS NOT NULL"),
        'suppressions_applied': 1, 'suppressions_stale': 1, 'suppressions_expired': 0}
ok1 = rv == want
print(('ok 1' if ok1 else 'not ok 1') + ' - summary report: new, unchanged, gone, suppressed as sqlite3 counts them')
if not ok1:
    print('#   got %s want %s' % (rv, want))
live = q("SELECT count (*) FROM findings WHERE suppression_id IS NULL AND "
         "baseline = 'new' AND severity_rank >= 2")
ok2 = d['at_or_above_fail_on'] == live and d['exit_status'] == int(sys.argv[3]) \
    and [s['status'] for s in d['suppressions_expired_or_stale']] == ['stale']
print(('ok 2' if ok2 else 'not ok 2') + ' - summary report: the count at --fail-on, the scan\'s exit status, the stale entry')
PY

sha_s=$(sha256sum < s.db)
sha_b=$(sha256sum < b.db)
"$VMSCAN" report s.db --format sarif -o s.sarif 2> /dev/null
"$VMSCAN" report b.db --format sarif --suppress accepted.txt -o bs.sarif 2> /dev/null
report_find_python
report_fetch_sarif
run_tap python3 - s.sarif s.db bs.sarif <<'PY'
import json, sqlite3, sys
s = json.load(open(sys.argv[1])); c = sqlite3.connect(sys.argv[2])
q = lambda x: c.execute(x).fetchone()[0]
res = s['runs'][0]['results']
st = {}
for r in res:
    st[r.get('baselineState')] = st.get(r.get('baselineState'), 0) + 1
want = {'new': q("SELECT count (*) FROM findings WHERE baseline = 'new'"),
        'unchanged': q("SELECT count (*) FROM findings WHERE baseline = 'unchanged'")}
absent = q("SELECT count (*) FROM baseline_absent")
if absent:
    want['absent'] = absent
ok = st == want
print(('ok 1' if ok else 'not ok 1') + ' - sarif: baselineState as counted %s' % want)
if not ok:
    print('#   got %s' % st)
sup = [r for r in res if r.get('suppressions')]
ok = len(sup) == 1 and sup[0]['suppressions'][0]['justification'] == \
    "the vendor's update job, reviewed" and sup[0]['suppressions'][0]['status'] == 'accepted'
print(('ok 2' if ok else 'not ok 2') + ' - sarif: the suppressed finding carries the reason as its justification')
b = json.load(open(sys.argv[3]))['runs'][0]['results']
key = lambda rs: sorted((r['ruleId'], r['message']['text'], bool(r.get('suppressions'))) for r in rs)
ok = key(b) == key([r for r in res if r.get('baselineState') != 'absent'])
print(('ok 3' if ok else 'not ok 3') + ' - report-time --suppress on the plain scan suppresses what scan-time did')
PY
if [ -n "$sarif_schema" ] && [ -s "$sarif_schema" ] && [ -n "${PY:-}" ]; then
  run_tap "$PY" - s.sarif "$sarif_schema" <<'PY'
import json, sys
import jsonschema
schema = json.load(open(sys.argv[2]))
errs = list(jsonschema.Draft7Validator(schema).iter_errors(json.load(open(sys.argv[1]))))
print(('ok 1' if not errs else 'not ok 1') + ' - sarif with baselineState and suppressions: valid against the SARIF 2.1.0 schema')
for e in errs[:5]:
    print('#   %s' % e.message[:200])
PY
else
  skip "${sarif_why:-${report_why:-no SARIF schema}}"
fi

"$VMSCAN" report s.db --format md -o s.md 2> /dev/null
first=$(grep -n '^## ' s.md | head -3 | cut -d: -f2- | sed 's/[0-9][0-9]*/N/g' | tr '\n' ';')
is "$first" "## New since the approved baseline: N;## Suppressions: N findings accepted;## Findings: N;" \
  "md: the baseline and the suppressions come before the findings"
row=$(grep -n '^| [a-z]* (new)' s.md | head -1 | cut -d: -f1)
sup_row=$(grep -n '(suppressed) |' s.md | head -1 | cut -d: -f1)
ok "$([ -n "$row" ] && [ -n "$sup_row" ] && [ "$row" -lt "$sup_row" ]; echo $?)" \
  "md: new findings first, marked (new); the suppressed one last, marked"
"$VMSCAN" report s.db --format html -o s.html 2> /dev/null
ok "$(python3 - s.html <<'PY'
import re, sys
t = open(sys.argv[1]).read()
h = re.findall(r'<h[23][^>]*>([^<]*)', t)
i = [k for k, x in enumerate(h) if x.startswith('New since the approved baseline')]
j = [k for k, x in enumerate(h) if x.startswith('Findings (')]
n = [x for x in h if 'new since the baseline' in x]
s = [x for x in h if x.endswith(')') and ', suppressed (' in x]
sys.exit(0 if i and j and i[0] < j[0] and n and s
         and h.index(n[0]) < h.index(s[0]) else 1)
PY
echo $?)" "html: the baseline before the findings, new ones first, suppressed last"
"$VMSCAN" report b.db --format json --suppress accepted.txt -o bs.json 2> /dev/null
ok "$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
s = d["suppressions"]
f = [x for x in d["findings"] if x["suppression_id"] is not None]
sys.exit(0 if [x["status"] for x in s] == ["applied", "stale"] and len(f) == 1
         and f[0]["suppression_id"] == s[0]["id"] else 1)' bs.json; echo $?)" \
  "json, report-time --suppress: the entries and the finding that points at one"
if [ -n "${PY:-}" ]; then
  "$PY" -c '
import json, sys, jsonschema
schema = json.load(open(sys.argv[2]))
cls = jsonschema.validators.validator_for(schema)
errs = list(cls(schema).iter_errors(json.load(open(sys.argv[1]))))
for e in errs[:5]:
    print("#   " + e.message[:200])
sys.exit(1 if errs else 0)' bs.json "$top_srcdir/src/report/report.schema.json"
  ok $? "json with baseline and suppressions: valid against src/report/report.schema.json"
else
  skip "${report_why:-no python3 with jsonschema}"
fi
is "$(sha256sum < s.db):$(sha256sum < b.db)" "$sha_s:$sha_b" \
  "reports, with --suppress too, never write the database"
is "$(cat keep.db | sha256sum)" "$(sha256sum < approved2.db)" \
  "the baseline the suppression scans used is unchanged"
test_done
