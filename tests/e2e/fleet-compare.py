#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Compare two vmscan fleet databases (vmscan merge, --jobs-images).

    fleet-compare.py [--ignore T.C,...] A.db B.db

Prints TAP: one test per table of A, which passes when the table holds
the same rows in both, as multisets.  Each database's own schema (its
PRAGMA table_info and foreign_key_list) says which column is a row's id
and which columns reference another row; ids are left out, since they
depend on the order the scans were merged in, and a reference is
replaced by what it points at, described the same way (recursively),
so that a file is tied to the contents of its filesystem's row and a
YARA string to its match and that match's file.  A scan is described by
its columns and its images (path and sha256), and a reference to one
by its uuid and its images: rows of two machines never pass for each
other.  Columns named with --ignore (TABLE.COLUMN)
are left out everywhere; nothing else is.  Text is compared as bytes.

Exits 0 when every table is the same, 1 when one is not, 2 on a usage
error.
"""
import collections
import sqlite3
import sys


class Db:
    def __init__(self, path, ignore):
        self.db = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
        self.db.text_factory = bytes
        self.ignore = ignore
        self.tables = [r[0].decode() for r in self.db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "ORDER BY name")]
        self.cols, self.pk, self.refs = {}, {}, {}
        for t in self.tables:
            info = self.db.execute("PRAGMA table_info(\"%s\")" % t).fetchall()
            self.cols[t] = [r[1].decode() for r in info]
            pks = [r[1].decode() for r in info if r[5]]
            self.pk[t] = pks[0] if len(pks) == 1 else None
            self.refs[t] = {r[3].decode(): r[2].decode() for r in
                            self.db.execute("PRAGMA foreign_key_list(\"%s\")"
                                            % t)}
        self.memo = {}

    def rows(self, t):
        cols = self.cols[t]
        q = "SELECT %s FROM \"%s\"" % (", ".join('"%s"' % c for c in cols), t)
        return [dict(zip(cols, r)) for r in self.db.execute(q)]

    def describe(self, t, rowid):
        """What the row of table t with id rowid holds, ids left out; for
        a scan, its uuid (unless ignored) and its images."""
        if rowid is None:
            return None
        if t == "scans":
            uuid = None if "scans.uuid" in self.ignore else self.db.execute(
                "SELECT uuid FROM scans WHERE id = ?", (rowid,)).fetchone()
            return ("scan", uuid, self.images(rowid))
        key = (t, rowid)
        if key not in self.memo:
            self.memo[key] = ("(missing)", t, rowid)
            q = "SELECT * FROM \"%s\" WHERE \"%s\" = ?" % (t, self.pk[t])
            cur = self.db.execute(q, (rowid,))
            names = [d[0] for d in cur.description]
            r = cur.fetchone()
            if r is not None:
                self.memo[key] = self.content(t, dict(zip(names, r)))
        return self.memo[key]

    def content(self, t, row):
        out = []
        for c in self.cols[t]:
            if c == self.pk[t] or "%s.%s" % (t, c) in self.ignore:
                continue
            v = row[c]
            if c in self.refs[t]:
                v = ("->", self.refs[t][c], self.describe(self.refs[t][c], v))
            out.append((c, v))
        if t == "scans":
            out.append(("images", self.images(row[self.pk[t]])))
        return tuple(out)

    def images(self, scan_id):
        return tuple(sorted(self.db.execute(
            "SELECT disk_index, path, sha256 FROM images WHERE scan_id = ?",
            (scan_id,))))

    def multiset(self, t):
        return collections.Counter(self.content(t, r) for r in self.rows(t))


def main(argv):
    ignore = set()
    if len(argv) >= 2 and argv[0] == "--ignore":
        ignore = set(x for x in argv[1].split(",") if x)
        argv = argv[2:]
    if len(argv) != 2:
        print("usage: fleet-compare.py [--ignore T.C,...] A.db B.db",
              file=sys.stderr)
        return 2
    a, b = Db(argv[0], ignore), Db(argv[1], ignore)
    n = bad = 0
    for t in a.tables:
        n += 1
        if t not in b.tables:
            print("not ok %d - %s: missing from %s" % (n, t, argv[1]))
            bad += 1
            continue
        ma, mb = a.multiset(t), b.multiset(t)
        if ma == mb:
            print("ok %d - %s: the same %d rows" % (n, t, sum(ma.values())))
            continue
        bad += 1
        print("not ok %d - %s: %d rows against %d" % (n, t, sum(ma.values()),
                                                       sum(mb.values())))
        for row in list((ma - mb).elements())[:5]:
            print("#   only in A: %.400r" % (row,))
        for row in list((mb - ma).elements())[:5]:
            print("#   only in B: %.400r" % (row,))
    print("1..%d" % n)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
