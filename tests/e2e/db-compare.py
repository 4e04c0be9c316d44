#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Compare two vmscan evidence databases row for row.

    db-compare.py [--tables T1,T2,...] A.db B.db

Every table that holds what was found is compared as a multiset of rows:
files, yara_matches, yara_strings, findings, check_runs, errors and
filesystems (or those --tables names).  Row ids are left out (worker threads write rows in the
order files finish), and every reference to another row is replaced by
that row's natural key (a filesystem's device, a file's device and
path, a match's file, namespace and rule, an operating system's root
device), so that a finding is tied to the path and the filesystem of its
file, not to a number.

Left out, and only these, because they name the path taken or the run:
filesystems.walk_root and filesystems.data_path (where the appliance
mounted it, and which path read it), errors.at, and the references to
scans, files.inode on FAT and exFAT, which store none (the appliance
shows numbers Linux makes up; see KERNEL_INODES), and the disk in a
btrfs subvolume's device name, which libguestfs does not always give
the same (see btrfsvol).  (An operating system
found by libguestfs inspection is described
by more fields than one found from its files, so operating_systems is
not compared; a reference to one is replaced by its root device).

Prints the differences, at most 40 per table, and exits 0 when there
are none, 1 when there are, 2 on a usage error.
"""
import collections
import sqlite3
import sys

TABLES = ["filesystems", "files", "yara_matches", "yara_strings",
          "findings", "check_runs", "errors"]
LEFT_OUT = {"filesystems.walk_root", "filesystems.data_path", "errors.at"}
# Filesystems that store no inode numbers: Linux's drivers make them up as
# files are first looked up (iunique), so the appliance's differ from run
# to run, and the host records The Sleuth Kit's (the directory entry's
# slot).  files.inode is not compared on them.
KERNEL_INODES = {"vfat", "exfat"}


def btrfsvol(v):
    """A btrfs subvolume's name, without the disk libguestfs put in it.

    libguestfs's list_filesystems names a subvolume btrfsvol:DEVICE/PATH
    and does not always give the same DEVICE for the same bytes (the
    corpus's btrfs.vhdx, the seventh disk: /dev/sdg1 in three scans of
    four, /dev/sdh1 or /dev/sdf1 in others); the subvolume's path is
    compared, not the disk libguestfs named.
    """
    if isinstance(v, bytes) and v.startswith(b"btrfsvol:/dev/"):
        rest = v[len(b"btrfsvol:/dev/"):]
        return b"btrfsvol:*" + rest[rest.find(b"/"):]
    return v


class Db:
    def __init__(self, path):
        self.con = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
        self.con.text_factory = bytes
        self.cache = {}

    def columns(self, table):
        return [r[1].decode() if isinstance(r[1], bytes) else r[1]
                for r in self.con.execute("PRAGMA table_info(%s)" % table)]

    def refs(self, table):
        out = {}
        for r in self.con.execute("PRAGMA foreign_key_list(%s)" % table):
            ref, col = r[2], r[3]
            out[col.decode() if isinstance(col, bytes) else col] = \
                ref.decode() if isinstance(ref, bytes) else ref
        return out

    def key(self, table, rowid):
        """What row rowid of table holds, references followed."""
        if rowid is None:
            return None
        if table == "scans":
            return "scan"
        # The natural keys of the rows others refer to: an operating
        # system by its root, a filesystem by its device, a file by its
        # filesystem and path, a match by its file and rule.
        natural = {
            "operating_systems": "SELECT root_device FROM operating_systems "
                                 "WHERE id = ?",
            "filesystems": "SELECT device FROM filesystems WHERE id = ?",
            "files": "SELECT (SELECT device FROM filesystems WHERE "
                     "filesystems.id = fs_id), path FROM files WHERE id = ?",
            "yara_matches": "SELECT file_id, namespace, rule FROM "
                            "yara_matches WHERE id = ?",
        }
        if table in natural:
            r = self.con.execute(natural[table], (rowid,)).fetchone()
            if r is None:
                return ("dangling", table, rowid)
            r = tuple(btrfsvol(v) for v in r)
            if table == "yara_matches":
                return ("match", self.key("files", r[0])) + tuple(r[1:])
            return (table,) + tuple(r)
        k = (table, rowid)
        if k not in self.cache:
            self.cache[k] = None        # a cycle ends here
            rows = list(self.rows(table, "WHERE id = ?", (rowid,)))
            self.cache[k] = rows[0] if rows else ("dangling", table, rowid)
        return self.cache[k]

    def fs_type(self, fs_id):
        r = self.con.execute("SELECT type FROM filesystems WHERE id = ?",
                             (fs_id,)).fetchone()
        return r[0].decode() if r and r[0] is not None else None

    def rows(self, table, where="", args=()):
        cols = self.columns(table)
        refs = self.refs(table)
        for r in self.con.execute("SELECT * FROM %s %s" % (table, where),
                                  args):
            out = []
            kernel_ino = table == "files" and self.fs_type(
                r[cols.index("fs_id")]) in KERNEL_INODES
            for c, v in zip(cols, r):
                if c == "id" or "%s.%s" % (table, c) in LEFT_OUT:
                    continue
                if table == "filesystems" and c == "device":
                    v = btrfsvol(v)
                if c == "inode" and kernel_ino:
                    continue
                if c in refs:
                    v = self.key(refs[c], v)
                out.append((c, v))
            yield tuple(out)


def main():
    args = sys.argv[1:]
    tables = TABLES
    if len(args) == 4 and args[0] == "--tables":
        tables = args[1].split(",")
        args = args[2:]
    if len(args) != 2 or not set(tables) <= set(TABLES):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    a, b = Db(args[0]), Db(args[1])
    differ = 0
    for t in tables:
        ra = collections.Counter(a.rows(t))
        rb = collections.Counter(b.rows(t))
        only_a = list((ra - rb).elements())
        only_b = list((rb - ra).elements())
        n = sum(ra.values())
        if not only_a and not only_b:
            print("%s: %d rows, the same" % (t, n))
            continue
        differ = 1
        print("%s: %d and %d rows; %d only in the first, %d only in the "
              "second" % (t, n, sum(rb.values()), len(only_a), len(only_b)))
        for tag, rows in (("-", only_a), ("+", only_b)):
            for r in sorted(rows, key=repr)[:40]:
                print("  %s %s" % (tag, r))
    return differ


if __name__ == "__main__":
    sys.exit(main())
