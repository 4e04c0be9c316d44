#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Compare the findings of a scan of the clean and planted machines
(tests/data/make-planted.sh) with what was planted.  Prints TAP lines.

Usage: check-findings.py [--no-trees] OUTDIR DB FIRST

OUTDIR is make-planted.sh's output (planted.expect, secrets.txt, the
clean/ and planted/ trees); DB the evidence database of one scan of
clean.raw (first disk) and planted.qcow2 (second disk); FIRST the number
of the first TAP test.  Nothing here trusts vmscan's own numbers: the
expectations come from the planting script, the package comparison from
hashing the trees against their dpkg md5sums here.
"""
import hashlib
import os
import sqlite3
import sys

SEV = {'info': 0, 'low': 1, 'medium': 2, 'high': 3, 'critical': 4}
MAX_CLEAN_MEDIUM = 6

args = sys.argv[1:]
trees = True
if args and args[0] == '--no-trees':
    trees = False       # a real image (scripts/plant-image.sh): no trees
    args = args[1:]
out, db_path, first = args[0], args[1], int(args[2])
n = first - 1
failed = 0


def ok(cond, what, diag=()):
    global n, failed
    n += 1
    if not cond:
        failed += 1
    print('%sok %d - %s' % ('' if cond else 'not ', n, what))
    for d in diag:
        print('# ' + d)


def text(b):
    if b is None:
        return ''
    if isinstance(b, bytes):
        return b.decode('utf-8', 'backslashreplace')
    return str(b)


db = sqlite3.connect('file:%s?mode=ro' % db_path, uri=True)
db.text_factory = bytes
oses = {}
for oid, root in db.execute('SELECT id, root_device FROM operating_systems'):
    oses[text(root)] = oid
# The first disk is the clean machine, the second the planted one (root
# on the disk itself or on a partition of it).
clean_os = next((v for k, v in oses.items() if k.startswith('/dev/sda')),
                None)
planted_os = next((v for k, v in oses.items() if k.startswith('/dev/sdb')),
                  None)
ok(clean_os is not None and planted_os is not None,
   'two operating systems found (/dev/sda clean, /dev/sdb planted)',
   ['found: %r' % sorted(oses)])

rows = db.execute('SELECT os_id, check_id, severity, severity_rank, '
                  'category, title, path, account, evidence, mitre_attack '
                  'FROM findings').fetchall()
findings = {}
for r in rows:
    f = dict(os=r[0], check=text(r[1]), severity=text(r[2]), rank=r[3],
             category=text(r[4]), title=text(r[5]), path=text(r[6]),
             account=text(r[7]), evidence=text(r[8]), mitre=text(r[9]))
    findings.setdefault(f['os'], []).append(f)


def show(f):
    return '%s %s [%s] %s %s | %s' % (f['severity'], f['check'],
                                      f['category'], f['path'],
                                      f['account'], f['evidence'][:160])


# Every planted item is reported, with its category, path and evidence.
for line in open(os.path.join(out, 'planted.expect'), encoding='utf-8'):
    cat, sev, path, evidence, what = line.rstrip('\n').split('\t')
    hits = [f for f in findings.get(planted_os, [])
            if f['category'] == cat
            and (not path or f['path'] == path)
            and f['rank'] >= SEV[sev]
            and (not evidence or evidence in f['evidence']
                 or evidence in f['account'] or evidence in f['title'])]
    near = [show(f) for f in findings.get(planted_os, [])
            if (path and f['path'] == path)
            or (evidence and evidence in f['evidence'])][:5]
    ok(hits, 'planted: %s (%s, %s or worse, %s)' % (what, cat, sev,
                                                   path or evidence),
       [] if hits else ['no such finding; findings on that path:'] + near)
    if hits:
        ok(all(f['mitre'] for f in hits) or cat == 'ioc',
           '  ... with an ATT&CK technique (%s)' % hits[0]['mitre'])

# The clean machine: nothing high or critical, few medium.
clean = findings.get(clean_os, [])
bad = [f for f in clean if f['rank'] >= 3]
ok(not bad, 'clean machine: no finding at high or critical (%d)' % len(bad),
   [show(f) for f in bad[:20]])
medium = [f for f in clean if f['rank'] == 2]
ok(len(medium) <= MAX_CLEAN_MEDIUM,
   'clean machine: at most %d findings at medium (%d)'
   % (MAX_CLEAN_MEDIUM, len(medium)), [show(f) for f in medium])
for f in medium:
    print('# clean medium: ' + show(f))


# Package integrity, recomputed here from the trees and dpkg's md5sums.
def modified(tree):
    changed = set()
    info = os.path.join(tree, 'var/lib/dpkg/info')
    for name in os.listdir(info):
        if not name.endswith('.md5sums'):
            continue
        for line in open(os.path.join(info, name), 'rb'):
            parts = line.rstrip(b'\n').split(b'  ', 1)
            if len(parts) != 2:
                continue
            digest, rel = parts[0].decode(), parts[1].decode('utf-8',
                                                             'surrogateescape')
            host = os.path.realpath(os.path.join(tree, rel))
            if not host.startswith(tree + '/') or not os.path.isfile(host):
                continue
            with open(host, 'rb') as fh:
                if hashlib.md5(fh.read()).hexdigest() != digest:
                    changed.add('/' + os.path.relpath(host, tree))
    return changed


for label, oid in (('clean', clean_os), ('planted', planted_os)) if trees else ():
    tree = os.path.realpath(os.path.join(out, label))
    want = modified(tree)
    got = set(f['path'] for f in findings.get(oid, [])
              if f['category'] == 'package'
              and f['check'].startswith('package.modified'))
    ok(got == want, '%s machine: modified packaged files are exactly those '
       'md5sums says (%d)' % (label, len(want)),
       ['missing: %r' % sorted(want - got)[:10],
        'extra: %r' % sorted(got - want)[:10]])

# No secret reaches the database, in any table.
raw = open(db_path, 'rb').read()
for s in open(os.path.join(out, 'secrets.txt'), encoding='utf-8'):
    s = s.strip()
    if s:
        ok(s.encode() not in raw, 'secret %s... is not in the database'
           % s[:6])

# Every finding's path is a path the walk recorded (or empty).
paths = set(text(p) for (p,) in db.execute('SELECT path FROM files'))
stray = [f for fl in findings.values() for f in fl
         if f['path'] and f['path'] not in paths]
ok(not stray, 'every finding names a path the walk recorded',
   [show(f) for f in stray[:10]])
print('# findings: %d on the clean machine, %d on the planted one'
      % (len(clean), len(findings.get(planted_os, []))))
sys.exit(1 if failed else 0)
