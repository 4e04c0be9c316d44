#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# TAP end-to-end test of the stories and the verdict: make-planted.sh's
# planted machine (the payloads of published malicious images, with a
# miner started by root's crontab and configured by its config.json),
# scanned on the host data path, and its clean twin.  What is expected
# comes from planted.expect (written by plant-payloads.sh as it planted,
# not by vmscan) and from sqlite3 on the findings:
#
#  - the miner is one story: its subject the planted binary, tied to
#    every entry planted to start it (root's crontab, a cloud-init
#    per-boot script) that runs it ('runs') and the configuration it
#    names ('uses'), the title naming them all, at high; every story has a
#    finding at medium or above and is worst first;
#  - every link ties findings of the same scan, a 'runs' or 'uses' link
#    starts at a persistence finding whose evidence names the linked
#    finding's path, a 'same-file' link joins two findings of one path;
#  - the verdict counts the findings at medium or above as sqlite3 does,
#    in the summary on the terminal, the summary report and json; md and
#    html open with the verdict, then the stories, then the case header;
#  - the clean machine has no story of a miner.
#
# Needs root (make-planted.sh), mke2fs, qemu-img, sqlite3, python3.
set -u

. "$(dirname "$0")/../lib.sh"
LC_ALL=C
export LC_ALL

require_vmscan
require_root "the trees keep owners and capabilities"
[ -r /var/lib/dpkg/status ] \
  || skip_all "the host is not Debian: the test machines are built from its packages"
require_cmd mke2fs e2fsck qemu-img sqlite3 python3 ssh-keygen setcap
setup_work
cd "$work" || bail_out "cannot enter $work"

"$here/../data/make-planted.sh" "$work" > make.log 2>&1 \
  || { tail -n 20 make.log | diag; bail_out "make-planted.sh failed"; }

for x in planted.qcow2 clean.raw; do
  "$VMSCAN" --no-progress --data-path host -f -o "$x.db" "$x" \
    > "$x.out" 2> "$x.err"
  [ $? -le 1 ] || { diag < "$x.err"; bail_out "scan of $x failed"; }
done

plan 8

miner=$(awk -F'\t' '$1 == "masquerading" && $3 ~ /kworker/ { print $3 }' planted.expect)
config=$(awk -F'\t' '$1 == "cryptominer" { print $3 }' planted.expect)
starter=$(awk -F'\t' '$1 == "persistence" && $4 == "kworker" { print $3 }' planted.expect \
  | tr '\n' ' ')
[ -n "$miner" ] && [ -n "$config" ] && [ -n "$starter" ] \
  || bail_out "planted.expect names no miner, config or starter"

run_tap python3 - planted.qcow2.db "$miner" "$config" "$starter" <<'PY'
import sqlite3, sys
db, miner, config = sys.argv[1], sys.argv[2].encode(), sys.argv[3].encode()
starters = [a.encode() for a in sys.argv[4].split()]
c = sqlite3.connect('file:%s?mode=ro' % db, uri=True)
c.text_factory = bytes
n = 0
def ok(cond, what, detail=None):
    global n; n += 1
    print(('ok %d - %s' if cond else 'not ok %d - %s') % (n, what))
    if not cond and detail is not None:
        for l in str(detail).splitlines()[:20]:
            print('#   ' + l)
stories = c.execute("SELECT id, severity_rank, title, subject_path, findings "
                    "FROM stories ORDER BY id").fetchall()
mine = [s for s in stories if s[3] == miner]
links = c.execute("SELECT l.story_id, l.relation, a.path, b.path, a.category, "
                  "a.evidence, a.id, b.id FROM finding_links l JOIN findings a "
                  "ON a.id = l.finding_id JOIN findings b ON b.id = l.linked_id "
                  "ORDER BY l.id").fetchall()
ok(len(mine) == 1 and mine[0][1] >= 3
   and all(p in mine[0][2] for p in [miner, config] + starters)
   and mine[0][2].startswith(b'a miner at ' + miner),
   'the miner is one high story naming the binary, its starter and its config',
   stories)
sid = mine[0][0] if mine else None
rel = {(l[1], l[2], l[3]) for l in links if l[0] == sid}
ok(all((b'runs', st, miner) in rel and (b'uses', st, config) in rel
       for st in starters),
   'its links: each starter planted (%d) runs the binary and uses the config'
   % len(starters), rel)
ranks = [s[1] for s in stories]
sizes = [c.execute("SELECT count (*) FROM (SELECT finding_id FROM "
                   "finding_links WHERE story_id = ? UNION SELECT linked_id "
                   "FROM finding_links WHERE story_id = ?)", (s[0], s[0]))
         .fetchone()[0] for s in stories]
worst = [c.execute("SELECT max (severity_rank) FROM findings WHERE id IN "
                   "(SELECT finding_id FROM finding_links WHERE story_id = ? "
                   "UNION SELECT linked_id FROM finding_links WHERE story_id "
                   "= ?)", (s[0], s[0])).fetchone()[0] for s in stories]
ok(ranks == sorted(ranks, reverse=True) and all(r >= 2 for r in ranks)
   and sizes == [s[4] for s in stories] and worst == ranks,
   'stories worst first, each at medium or above, its count and severity '
   'those of its findings (%d stories)' % len(stories),
   list(zip(ranks, sizes, [s[4] for s in stories], worst)))
bad = [l for l in links if l[1] in (b'runs', b'uses')
       and not (l[4] == b'persistence' and l[3] in (l[5] or b''))]
bad += [l for l in links if l[1] == b'same-file' and l[2] != l[3]]
ok(not bad and links, 'every link as documented: a persistence finding names '
   'the path it runs or uses, same-file joins one path (%d links)' % len(links),
   bad[:5])
PY

live=$(sqlite3 planted.qcow2.db "SELECT count (*) FROM findings WHERE \
  severity_rank >= 2 AND suppression_id IS NULL")
"$VMSCAN" report planted.qcow2.db --format summary -o p.summary.json 2> /dev/null
"$VMSCAN" report planted.qcow2.db --format json -o p.json 2> /dev/null
sv=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["verdict"])' p.summary.json)
jv=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["status"]["verdict"])' p.json)
tv=$(sed -n 's/^  verdict:     //p' planted.qcow2.out)
case $sv in "$live findings at medium or above, the worst "*) r=0 ;; *) r=1 ;; esac
ok "$([ $r = 0 ] && [ "$sv" = "$jv" ] && case $tv in "$live findings at medium or above, the worst "*) true ;; *) false ;; esac; echo $?)" \
  "the verdict counts the $live findings at medium or above (summary, json, terminal): $sv"

"$VMSCAN" report planted.qcow2.db --format md -o p.md 2> /dev/null
ok "$(python3 - p.md <<'PY'
import sys
t = open(sys.argv[1]).read().split('\n')
def first(p):
    return next((i for i, l in enumerate(t) if l.startswith(p)), -1)
v, s, c = first('**Verdict: '), first('## Stories'), first('| | |')
sys.exit(0 if 0 < v < s < c else 1)
PY
echo $?)" "md: the verdict, then the stories, then the case header"
"$VMSCAN" report planted.qcow2.db --format html -o p.html 2> /dev/null
ok "$(python3 - p.html <<'PY'
import sys
t = open(sys.argv[1]).read()
v, s, c = t.find('class="verdict"'), t.find('<h2>Stories</h2>'), t.find('<table class="case">')
sys.exit(0 if 0 < v < s < c else 1)
PY
echo $?)" "html: the verdict, then the stories, then the case header"

is "$(sqlite3 clean.raw.db "SELECT count (*) FROM stories WHERE title LIKE 'a miner%'")" 0 \
  "the clean machine has no miner story"
test_done
