#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# TAP end-to-end test of "vmscan diff": two builds of a small Debian 12
# machine (tests/data/make-builds.sh: make-planted.sh's stock tree, made
# from this host's packages and their dpkg database), the second with
# one package upgraded (its Version in /var/lib/dpkg/status), one
# packaged file changed (/usr/bin/sed, whose md5sums entry no longer
# matches), a planted cron job and a file with a hostile name.  Both are scanned on the host data
# path (no appliance) and compared; what the diff says is checked
# against the two trees (os.lstat and SHA-256 of every entry) and
# against dpkg-query on each tree's database, never against vmscan:
#
#  - files: added, removed and changed are exactly the trees'
#    differences (type, mode, owner, size of regular files, sha256, link
#    target);
#  - packages: exactly one change, grep upgraded from the version
#    dpkg-query reads in the first tree to the one it reads in the
#    second; the reverse diff says downgraded;
#  - accounts and SSH keys: no change;
#  - findings: the new ones concern only the planted paths, the cron job
#    and the changed file each give one at medium or above, none is
#    gone; a diff of a database with itself has no change and as many
#    unchanged findings as the database holds distinct (check, path,
#    account, evidence);
#  - exit status 1 with a new finding at --fail-on or above, 0 without
#    (the reverse diff, --fail-on above every new one), 2 for a database
#    of an older schema, a missing one, or an output over a database;
#  - formats: json parses, text is one line per change with the hostile
#    name escaped, html has no markup from it, md is a table, sarif is
#    valid against the SARIF 2.1.0 schema (from the npm registry, as
#    test-report.sh fetches it) with baselineState new and unchanged as
#    counted; a diff of two machines warns, so does one of a scan made
#    with --no-checks; neither database changes;
#  - the summary report of the second scan gives the database's
#    sha256sum, the scan's exit status and sqlite3's counts.
#
# Needs root (make-planted.sh's owners and capabilities), mke2fs,
# dpkg-query, sqlite3, python3.
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

"$here/../data/make-builds.sh" "$work" --hostile > builds.log 2>&1
case $? in
  0) ;;
  3) skip_all "the host has no grep package to upgrade" ;;
  *) diag < builds.log; bail_out "make-builds.sh failed" ;;
esac

for x in a b; do
  "$VMSCAN" -q --no-progress --data-path host -o "$x.db" "$x.raw" \
    > "scan-$x.out" 2> "scan-$x.err"
  rc=$?
  [ $rc -le 1 ] || { diag < "scan-$x.err"; bail_out "scan of $x.raw failed"; }
  eval "scan_rc_$x=$rc"
done
sum_before=$(sha256sum a.db b.db)

plan 27

"$VMSCAN" diff --format json a.db b.db > ab.json 2> ab.err
rc=$?
is "$rc" 1 "diff exits 1: new findings at medium or above"
"$VMSCAN" diff --format json b.db a.db > ba.json 2> ba.err
is "$?" 0 "the reverse diff exits 0: nothing new, only gone"

# The reference: the two trees and dpkg-query on each.
python3 - clean build2 > want-files.json <<'PY'
import hashlib, json, os, stat, sys
def walk(top):
    out = {}
    for d, dirs, files in os.walk(top):
        for n in dirs + files:
            p = os.path.join(d, n)
            st = os.lstat(p)
            rel = os.fsencode('/' + os.path.relpath(p, top))
            e = {'mode': '%o' % st.st_mode, 'uid': st.st_uid, 'gid': st.st_gid}
            if stat.S_ISREG(st.st_mode):
                e['size'] = st.st_size
                e['sha256'] = hashlib.sha256(open(p, 'rb').read()).hexdigest()
            elif stat.S_ISLNK(st.st_mode):
                e['link'] = os.fsencode(os.readlink(p)).hex()
            out[rel.hex()] = e
    return out
a, b = walk(sys.argv[1]), walk(sys.argv[2])
print(json.dumps({
    'added': sorted(k for k in b if k not in a),
    'removed': sorted(k for k in a if k not in b),
    'changed': sorted(k for k in a if k in b and a[k] != b[k]),
}))
PY
for t in clean build2; do
  dpkg-query --admindir="$t/var/lib/dpkg" -W \
    -f '${Package}:${Architecture} ${Version}\n' 2> /dev/null | sort > "pkgs-$t.txt"
done
grep '^grep:' pkgs-clean.txt | cut -d' ' -f2 > grep-old.txt
grep '^grep:' pkgs-build2.txt | cut -d' ' -f2 > grep-new.txt
[ "$(diff pkgs-clean.txt pkgs-build2.txt | grep -c '^[<>]')" -eq 2 ] \
  || diag "dpkg-query: the trees differ in more than grep's version"

run_tap python3 - ab.json ba.json want-files.json "$(cat grep-old.txt)" \
  "$(cat grep-new.txt)" a.db <<'PY'
import json, sqlite3, sys
ab = json.load(open(sys.argv[1])); ba = json.load(open(sys.argv[2]))
want = json.load(open(sys.argv[3])); old_v, new_v = sys.argv[4], sys.argv[5]
n = 0
def ok(c, what, detail=None):
    global n; n += 1
    print(('ok %d - %s' if c else 'not ok %d - %s') % (n, what))
    if not c and detail is not None:
        for l in str(detail).splitlines()[:20]:
            print('#   ' + l)
def path_hex(row):
    return row.get('path_hex') or row['path'].encode('utf-8',
                                                     'surrogateescape').hex()
fc = ab['files']['changes']
got = {c: sorted(path_hex(r) for r in fc if r['change'] == c)
       for c in ('added', 'removed', 'changed')}
for c in ('added', 'removed', 'changed'):
    ok(got[c] == want[c], 'files %s: exactly the trees\' (%d)' % (c, len(want[c])),
       'want %s\ngot  %s' % ([bytes.fromhex(x) for x in want[c]],
                             [bytes.fromhex(x) for x in got[c]]))
sed = [r for r in fc if r['change'] == 'changed' and r['path'] == '/usr/bin/sed']
ok(sed and set(sed[0].get('old', {})) == {'size', 'sha256'}
   and sed[0]['new']['sha256'] != sed[0]['old']['sha256'],
   '/usr/bin/sed: its size and sha256 changed, nothing else', sed)
pc = ab['packages']['changes']
ok(len(pc) == 1 and pc[0]['change'] == 'upgraded'
   and pc[0]['package'].startswith('grep:') and pc[0]['format'] == 'deb'
   and pc[0]['old'] == {'version': old_v} and pc[0]['new'] == {'version': new_v},
   'packages: grep upgraded from %s to %s, nothing else' % (old_v, new_v), pc)
rpc = ba['packages']['changes']
ok(len(rpc) == 1 and rpc[0]['change'] == 'downgraded',
   'packages, reversed: grep downgraded', rpc)
ok(ab['accounts']['changes'] == [] and ab['ssh_keys']['changes'] == [],
   'accounts and SSH keys: no change')
new = [f for f in ab['findings']['changes'] if f['change'] == 'new']
gone = [f for f in ab['findings']['changes'] if f['change'] == 'gone']
planted = {'/etc/cron.d/vmscan-update', '/usr/bin/sed', None}
hostile = [f for f in new if f.get('path', '').startswith('/srv/evil')]
ok(not gone and all(f.get('path') in planted for f in new if f not in hostile),
   'findings: none gone, the new ones concern only the planted paths',
   json.dumps(new + gone, indent=1))
rank = {'info': 0, 'low': 1, 'medium': 2, 'high': 3, 'critical': 4}
for p in ('/etc/cron.d/vmscan-update', '/usr/bin/sed'):
    ok(any(f.get('path') == p and rank[f['severity']] >= 2 for f in new),
       'findings: %s gives a new one at medium or above' % p)
rgone = [f for f in ba['findings']['changes'] if f['change'] == 'gone']
ok(sorted(f['fingerprint'] for f in rgone) == sorted(f['fingerprint'] for f in new)
   and not [f for f in ba['findings']['changes'] if f['change'] == 'new'],
   'findings, reversed: the new ones are gone, by the same fingerprints')
ok(ab['new_at_or_above_fail_on'] == sum(rank[f['severity']] >= 2 for f in new),
   'the count of new findings at --fail-on matches the list')
db = sqlite3.connect('file:%s?mode=ro' % sys.argv[6], uri=True)
distinct = db.execute("SELECT count (*) FROM (SELECT DISTINCT check_id, path, "
                      "account, evidence FROM findings)").fetchone()[0]
ok(ab['findings']['counts'].get('unchanged') == distinct - len(gone),
   'findings: unchanged = the first scan\'s distinct findings (%d)' % distinct,
   ab['findings']['counts'])
PY

"$VMSCAN" diff a.db a.db > aa.txt 2> aa.err
rc=$?
distinct=$(sqlite3 a.db "SELECT count (*) FROM (SELECT DISTINCT check_id, \
  path, account, evidence FROM findings)")
is "$rc:$(grep -c '^  [a-z]' aa.txt):$(grep -c "^Findings: $distinct unchanged$" aa.txt)" \
  "0:0:1" "a database against itself: exit 0, no change, $distinct unchanged"

# Text: one line per change; the hostile name shows escaped, not raw.
"$VMSCAN" diff a.db b.db > ab.txt 2> /dev/null
nchanges=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
print(sum(len(d[s]["changes"]) for s in ("files","packages","accounts","ssh_keys","findings")))' ab.json)
ok "$([ "$(grep -c '^  [a-z]' ab.txt)" -eq "$nchanges" ] \
  && ! tr -d '\n\t' < ab.txt | LC_ALL=C grep -q '[[:cntrl:]]' \
  && grep -qF '/srv/evil\n<b>name\x1b[31m' ab.txt; echo $?)" \
  "text: one line for each of the $nchanges changes, the hostile name escaped"

"$VMSCAN" diff --format html -o ab.html a.db b.db 2> /dev/null
ok "$(! grep -q '<b>name' ab.html && grep -q '&lt;b&gt;name' ab.html \
  && grep -q '<h2>Packages: 1 upgraded</h2>' ab.html; echo $?)" \
  "html: the hostile name as text, the sections' counts as headings"
"$VMSCAN" diff --format md -o ab.md a.db b.db 2> /dev/null
ok "$(grep -q '^## Packages: 1 upgraded$' ab.md \
  && [ "$(grep -c '^| ' ab.md)" -ge "$nchanges" ]; echo $?)" \
  "md: a heading and a table row for each change"

"$VMSCAN" diff --format sarif -o ab.sarif a.db b.db 2> /dev/null
report_find_python
report_fetch_sarif
run_tap python3 - ab.sarif ab.json <<'PY'
import json, sys
s = json.load(open(sys.argv[1])); d = json.load(open(sys.argv[2]))
res = s['runs'][0]['results']
states = {}
for r in res:
    states[r['baselineState']] = states.get(r['baselineState'], 0) + 1
want = {'new': len([f for f in d['findings']['changes'] if f['change'] == 'new']),
        'unchanged': d['findings']['counts'].get('unchanged', 0)}
ok = states.get('new', 0) == want['new'] and states.get('unchanged', 0) == \
    want['unchanged'] and 'absent' not in states
print(('ok 1' if ok else 'not ok 1') + ' - sarif: baselineState new %d, unchanged %d, '
      'none absent' % (want['new'], want['unchanged']))
if not ok:
    print('#   got %s' % states)
PY
if [ -n "$sarif_schema" ] && [ -s "$sarif_schema" ] && [ -n "${PY:-}" ]; then
  run_tap "$PY" - ab.sarif "$sarif_schema" <<'PY'
import json, sys
import jsonschema
schema = json.load(open(sys.argv[2]))
errs = list(jsonschema.Draft7Validator(schema).iter_errors(json.load(open(sys.argv[1]))))
print(('ok 1' if not errs else 'not ok 1') + ' - sarif: valid against the SARIF 2.1.0 schema')
for e in errs[:5]:
    print('#   %s' % e.message[:200])
PY
else
  skip "${sarif_why:-${report_why:-no SARIF schema}}"
fi

# Two machines: allowed, with a warning.
cp b.db c.db
sqlite3 c.db "UPDATE operating_systems SET hostname = 'other-host'"
"$VMSCAN" diff a.db c.db > ac.txt 2> ac.err
rc=$?
ok "$([ $rc -eq 1 ] && grep -q 'different machines' ac.err \
  && grep -q '^warning: .*different machines' ac.txt; echo $?)" \
  "two machines: compared (exit $rc), with a warning on stderr and in the diff"

# A scan without the checks has no packages or accounts: said, not
# taken for removals.
"$VMSCAN" -q --no-progress --no-checks --data-path host -o n.db a.raw \
  > /dev/null 2>&1
"$VMSCAN" diff n.db b.db > nb.txt 2> nb.err
ok "$(grep -q 'old scan ran no checks' nb.err \
  && grep -q '^warning: the old scan ran no checks' nb.txt; echo $?)" \
  "a scan made with --no-checks: a warning on stderr and in the diff"

# Errors: exit 2, one line.
cp a.db old.db
sqlite3 old.db "PRAGMA user_version = 5"
"$VMSCAN" diff old.db b.db > /dev/null 2> old.err
rc=$?
is "$rc:$(wc -l < old.err)" "2:1" "a database of schema 5: exit 2, one line ($(head -c 120 old.err))"
"$VMSCAN" diff a.db missing.db > /dev/null 2> miss.err
rc=$?
"$VMSCAN" diff -o a.db a.db b.db > /dev/null 2> over.err
rc2=$?
is "$rc:$(wc -l < miss.err):$rc2:$(wc -l < over.err)" "2:1:2:1" \
  "a missing database, an output over a database: exit 2, one line each"

# The summary report of the second scan: its digest, counts and exit
# status against sha256sum, sqlite3 and the scan's own exit status.
"$VMSCAN" report b.db --format summary -o b.summary.json 2> summary.err
srep=$?
want_counts=$(for s in critical high medium low info; do
  sqlite3 b.db "SELECT count (*) FROM findings WHERE severity = '$s'"; done | tr '\n' ' ')
got=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
print(d["database_sha256"], d["exit_status"], d["scan"]["status"],
      " ".join(str(d["counts"][s]) for s in ("critical","high","medium","low","info")) + " ")' \
  b.summary.json 2>&1)
is "$srep:$got" "0:$(sha256sum < b.db | cut -d' ' -f1) $scan_rc_b complete $want_counts" \
  "summary report: the database's sha256, the scan's exit status, the counts sqlite3 gives"

is "$(sha256sum a.db b.db)" "$sum_before" "neither database changed"
test_done
