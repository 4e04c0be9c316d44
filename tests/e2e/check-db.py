#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Compare a vmscan evidence database with the reference (reference.py).

Usage: tests/e2e/check-db.py [--first N] [--no-plan] [--images SUMS]
                         REFERENCE.json DB

Prints TAP.  For every filesystem of the reference, found in the
database by its label:

  ext2/ext4: the filesystem row (status 'scanned', type, os_mountpoint),
    the set of paths, type, size, mode, uid, gid, mtime (+ mtime_ns),
    link targets, nlink and hard links, sha256, md5, sha1, magic, YARA;
  vfat: the filesystem row, names, type, size, mtime (FAT keeps 2-second
    steps), sha256, md5, sha1, magic, YARA.  FAT has no owners, modes,
    links or inode numbers, so those are not compared.

Then: one OS (Debian 12, hostname vmscan-test), scans.status, the images
rows against SUMS (`sha256sum` output for the images, in command line
order), and the errors table.

What is allowed to differ, and why:
  - the paths mke2fs adds: lost+found and anything below it, on ext;
  - the root directory of an ext filesystem: one more link (lost+found),
    and uid/gid 0 (make-disks.sh passes -E root_owner=0:0);
  - directory sizes are not compared: they depend on the block size and
    on the history of the directory, not on its contents;
  - the root directory of a FAT filesystem has no timestamps.
Nothing in the errors table is expected (EXPECTED_ERRORS is empty); each
row found is printed.

--first N numbers the first test N (to merge into another TAP stream);
--no-plan leaves out the plan line.  Exit status 0 when every test
passed, 1 when one failed, 2 on a usage or input error.
"""

import json
import os
import re
import sqlite3
import subprocess
import sys

MAX_DIFFS = 20

# (stage, path regex or None, message regex) of error rows that are not a
# failure.  None at the moment: a clean scan of these trees has none.
EXPECTED_ERRORS = []

EXPECTED_OS = {"type": "linux", "distro": "debian", "major_version": 12,
               "hostname": "vmscan-test"}

IMAGE_FORMATS = {".qcow2": "qcow2", ".vmdk": "vmdk", ".vhdx": "vhdx",
                 ".vhd": "vhd", ".raw": "raw", ".img": "raw"}

MODE_WORDS = ("setuid", "setgid", "sticky")


def show(b):
    """Bytes or text as one printable line: \\xNN for anything else."""
    if b is None:
        return "NULL"
    if isinstance(b, str):
        b = b.encode("utf-8", "surrogateescape")
    out = []
    for c in b:
        if c == 0x5c:
            out.append("\\\\")
        elif 0x20 <= c < 0x7f:
            out.append(chr(c))
        else:
            out.append("\\x%02x" % c)
    return "".join(out)


class Tap:
    def __init__(self, first):
        self.n = first - 1
        self.failed = 0

    def diag(self, msg):
        for line in str(msg).split("\n"):
            print("# " + line)

    def skip(self, why):
        self.n += 1
        print("ok %d # SKIP %s" % (self.n, why))

    def ok(self, good, name, diffs=(), total=None):
        self.n += 1
        if not good:
            self.failed += 1
        print("%s %d - %s" % ("ok" if good else "not ok", self.n, show(name)))
        diffs = list(diffs)
        for d in diffs[:MAX_DIFFS]:
            self.diag("  " + d)
        left = (total if total is not None else len(diffs)) - MAX_DIFFS
        if left > 0:
            self.diag("  ... and %d more" % left)


def connect(path):
    if not os.path.isfile(path):
        sys.stderr.write("check-db.py: %s: no such file\n" % path)
        sys.exit(2)
    uri = "file:%s?mode=ro" % path.replace("?", "%3f").replace("#", "%23")
    db = sqlite3.connect(uri, uri=True)
    db.text_factory = bytes
    return db


def nul(v):
    return "NULL" if v is None else v


def text(v):
    return v.decode("utf-8", "surrogateescape") if isinstance(v, bytes) else v


def strip_mode_words(magic):
    """file(1) starts its answer with setuid/setgid/sticky, from st_mode,
    when it is given a path; libmagic on a descriptor or buffer does not."""
    m = re.match(r"((?:%s)(?:, (?:%s))*)\s*,?\s*" % ("|".join(MODE_WORDS),
                                                     "|".join(MODE_WORDS)),
                 magic)
    return magic[m.end():] if m else magic


def check_fs(tap, db, ref, fs):
    label, fstype, mp = fs["label"], fs["fstype"], fs["mountpoint"]
    is_fat = fstype == "vfat"
    rows = db.execute(
        "SELECT id, CAST(device AS BLOB), type, CAST(label AS BLOB), "
        "os_mountpoint, status, note FROM filesystems").fetchall()
    mine = [r for r in rows
            if r[3] is not None and text(r[3]).strip() == label]
    what = "%s (%s%s)" % (label, fstype, ", OS " + mp if mp else "")
    problems = []
    if len(mine) != 1:
        problems.append("%d filesystems labelled %s; all: %s" % (
            len(mine), label,
            ", ".join("%s=%s" % (show(r[1]), show(r[3])) for r in rows)))
    else:
        fid, dev, typ, _, omp, status, note = mine[0]
        if text(typ) != fstype:
            problems.append("type %s, expected %s" % (show(typ), fstype))
        if text(omp) != mp:
            problems.append("os_mountpoint %s, expected %s"
                            % (show(omp), show(mp)))
        if text(status) != "scanned":
            problems.append("status %s (%s)" % (show(status), show(note)))
    tap.ok(not problems, "%s: filesystem row" % what, problems)
    if len(mine) != 1:
        # Everything below depends on it: fail each with a pointer.
        n = 10 if is_fat else 15
        for _ in range(n - 1):
            tap.ok(False, "%s: no filesystem row to compare" % label)
        return
    fid = mine[0][0]

    cols = ("id", "path", "type", "size", "mode", "uid", "gid", "mtime",
            "mtime_ns", "inode", "nlink", "link_target", "md5", "sha1",
            "sha256", "magic", "yara_scanned")
    got, dups = {}, []
    for r in db.execute(
            "SELECT id, CAST(path AS BLOB), type, size, mode, uid, gid, "
            "mtime, mtime_ns, inode, nlink, CAST(link_target AS BLOB), md5, "
            "sha1, sha256, CAST(magic AS BLOB), yara_scanned "
            "FROM files WHERE fs_id = ?", (fid,)):
        d = dict(zip(cols, r))
        for k in ("type", "md5", "sha1", "sha256"):
            d[k] = text(d[k])
        if d["path"] in got:
            dups.append(d["path"])
        got[d["path"]] = d
    want = {bytes.fromhex(e["path"]): e for e in fs["entries"]}

    # Paths.
    root = (mp or "/").encode()
    lf = root.rstrip(b"/") + b"/lost+found"

    def allowed(p):
        return not is_fat and (p == lf or p.startswith(lf + b"/"))

    missing = sorted(p for p in want if p not in got)
    extra = sorted(p for p in got if p not in want and not allowed(p))
    diffs = (["missing %s" % show(p) for p in missing]
             + ["extra %s" % show(p) for p in extra]
             + ["twice %s" % show(p) for p in dups])
    tap.ok(not diffs, "%s: same %d paths (%d in the database%s)" % (
        what, len(want), len(got),
        "" if is_fat else ", lost+found allowed"), diffs)
    both = sorted(p for p in want if p in got)

    def compare(name, fn, only=None, note=None):
        """fn(path, ref, row) -> None or a difference string."""
        diffs, n = [], 0
        for p in both:
            e = want[p]
            if only and not only(e):
                continue
            n += 1
            d = fn(p, e, got[p])
            if d is not None:
                diffs.append("%s: %s" % (show(p), d))
        if note:
            tap.diag(note)
        tap.ok(not diffs, "%s: %s (%d entries)" % (what, name, n), diffs)

    def field(key, expect=None):
        def fn(p, e, r):
            w = expect(e) if expect else e[key]
            if r[key] != w:
                return "%s %s, expected %s" % (key, nul(r[key]), nul(w))
        return fn

    is_root = lambda e: e.get("fs_root", False)
    is_file = lambda e: e["type"] == "file"

    compare("type", field("type"))
    compare("size", field("size"), only=lambda e: e["type"] != "dir",
            note="directory sizes are not compared (block size, history)")
    if not is_fat:
        compare("mode", lambda p, e, r: None if r["mode"] == e["mode"]
                else "mode 0%o, expected 0%o" % (r["mode"] or 0, e["mode"]))
        compare("uid", field("uid", lambda e: 0 if is_root(e) else e["uid"]))
        compare("gid", field("gid", lambda e: 0 if is_root(e) else e["gid"]))

        def mtime(p, e, r):
            if r["mtime"] != e["mtime"]:
                return "mtime %s, expected %s" % (nul(r["mtime"]), e["mtime"])
            if r["mtime_ns"] != e["mtime_ns"]:
                return "mtime_ns %s, expected %s" % (nul(r["mtime_ns"]),
                                                     e["mtime_ns"])
        compare("mtime and mtime_ns", mtime)

        def link(p, e, r):
            w = bytes.fromhex(e["link_target"]) if e["link_target"] else None
            if r["link_target"] != w:
                return "link_target %s, expected %s" % (show(r["link_target"]),
                                                        show(w))
        compare("link targets (NULL unless a symlink)", link)

        # nlink, and hard links: same reference inode <=> same inode.
        diffs = []
        groups = {}
        for p in both:
            e, r = want[p], got[p]
            w = e["nlink"] + (1 if is_root(e) else 0)
            if r["nlink"] != w:
                diffs.append("%s: nlink %s, expected %s"
                             % (show(p), r["nlink"], w))
            groups.setdefault(e["inode_key"], set()).add(r["inode"])
        inodes = {}
        for key, s in groups.items():
            names = [show(p) for p in both if want[p]["inode_key"] == key]
            if len(s) != 1:
                diffs.append("one inode in the tree, %d in the database: %s"
                             % (len(s), ", ".join(names)))
            for i in s:
                inodes.setdefault(i, []).append(key)
        for i, keys in inodes.items():
            if i is None:
                diffs.append("%d files have no inode number" % len(keys))
            elif len(keys) > 1:
                diffs.append("inode %s stands for %d different files"
                             % (i, len(keys)))
        tap.ok(not diffs, "%s: nlink and hard links (%d entries)"
               % (what, len(both)), diffs)
    else:
        def fat_mtime(p, e, r):
            if r["mtime"] is None or abs(r["mtime"] - e["mtime"]) > 2:
                return "mtime %s, expected %s (+-2 s)" % (r["mtime"],
                                                         e["mtime"])
        compare("mtime within 2 s", fat_mtime, only=lambda e: not is_root(e),
                note="FAT: mtime has 2-second steps; the root directory "
                     "has none; owners, modes, links and nlink not compared")

    for h in ("sha256", "md5", "sha1"):
        compare(h + " (NULL unless a regular file)", field(h))

    # Magic: every regular file, with the percentage.
    diffs, n, same = [], 0, 0
    for p in both:
        e, r = want[p], got[p]
        if not is_file(e):
            continue
        n += 1
        m = text(r["magic"])
        if m == e["magic"]:
            same += 1
            continue
        hint = ""
        if m is not None and m == strip_mode_words(e["magic"]):
            hint = " (only file(1)'s setuid/setgid/sticky words differ)"
        diffs.append("%s: magic %s, file -b says %s%s"
                     % (show(p), show(m), show(e["magic"]), hint))
    tap.diag("%s: magic equal to file -b for %d of %d regular files (%.1f%%)"
             % (label, same, n, 100.0 * same / n if n else 100.0))
    tap.ok(same == n, "%s: magic equal to file -b (%d/%d)" % (what, same, n),
           diffs)

    # YARA: (rule, path) sets, and yara_scanned.
    gm = set()
    for rule, path in db.execute(
            "SELECT m.rule, CAST(f.path AS BLOB) FROM yara_matches m "
            "JOIN files f ON f.id = m.file_id WHERE f.fs_id = ?", (fid,)):
        gm.add((text(rule), path))
    wm = set()
    for p, e in want.items():
        for m in e["yara"]:
            wm.add((m["rule"], p))
    diffs = (["missing %s on %s" % (r, show(p)) for r, p in sorted(wm - gm)]
             + ["extra %s on %s" % (r, show(p)) for r, p in sorted(gm - wm)])
    for p in both:
        e, r = want[p], got[p]
        if is_file(e) and r["yara_scanned"] != e["yara_scanned"]:
            diffs.append("%s: yara_scanned %s, expected %s"
                         % (show(p), r["yara_scanned"], e["yara_scanned"]))
    tap.ok(not diffs, "%s: YARA (rule, path) set (%d matches)"
           % (what, len(wm)), diffs)


def check_global(tap, db, ref, sums):
    rows = db.execute("SELECT status, status_message FROM scans").fetchall()
    good = len(rows) == 1 and text(rows[0][0]) == "complete"
    tap.ok(good, "one scan, status complete",
           [] if good else ["%d scans: %s" % (len(rows), ", ".join(
               "%s (%s)" % (show(s), show(m)) for s, m in rows))])

    # The digest library, as the openssl command of the same libcrypto
    # names itself ("OpenSSL 3.0.x DATE (Library: OpenSSL 3.0.x DATE)").
    try:
        out = subprocess.run(["openssl", "version"], capture_output=True,
                             text=True, check=True).stdout.strip()
        lib = re.search(r"\(Library: (.*)\)$", out)
        lib = lib.group(1) if lib else out
    except (OSError, subprocess.CalledProcessError):
        lib = None
    got = [text(r[0]) for r in
           db.execute("SELECT openssl_version FROM scans").fetchall()]
    if lib is None:
        tap.skip("scans.openssl_version: no openssl command to compare with")
    else:
        tap.ok(got == [lib], "scans.openssl_version is the libcrypto "
               "`openssl version` names (%s)" % lib,
               ["stored %r" % (got,)])

    rows = db.execute(
        "SELECT type, distro, major_version, CAST(hostname AS BLOB), "
        "root_device FROM operating_systems").fetchall()
    diffs = []
    if len(rows) != 1:
        diffs.append("%d operating systems" % len(rows))
    for t, d, v, h, dev in rows:
        got = {"type": text(t), "distro": text(d), "major_version": v,
               "hostname": text(h)}
        if got != EXPECTED_OS:
            diffs.append("%s: %s" % (show(dev), got))
    tap.ok(not diffs, "one OS: Debian 12, hostname vmscan-test", diffs)

    if sums is not None:
        expect = []
        with open(sums, "rb") as f:
            for line in f:
                line = line.rstrip(b"\n")
                if not line:
                    continue
                h, _, p = line.partition(b"  ")
                expect.append((h.decode(), p))
        rows = db.execute("SELECT disk_index, CAST(path AS BLOB), format, "
                          "sha256 FROM images ORDER BY disk_index").fetchall()
        diffs = []
        if len(rows) != len(expect):
            diffs.append("%d images rows, expected %d" % (len(rows),
                                                         len(expect)))
        for i, (h, p) in enumerate(expect):
            r = [x for x in rows if x[0] == i]
            if not r:
                diffs.append("no images row %d (%s)" % (i, show(p)))
                continue
            _, rp, fmt, rh = r[0]
            if rp != p and os.path.basename(rp) != os.path.basename(p):
                diffs.append("row %d: path %s, expected %s"
                             % (i, show(rp), show(p)))
            ext = os.path.splitext(p)[1].decode()
            if text(fmt) != IMAGE_FORMATS.get(ext):
                diffs.append("row %d: format %s, expected %s"
                             % (i, show(fmt), IMAGE_FORMATS.get(ext)))
            if text(rh) != h:
                diffs.append("row %d: sha256 %s, sha256sum says %s"
                             % (i, show(rh), h))
        tap.ok(not diffs, "images rows: order, format and sha256 of %d "
               "images" % len(expect), diffs)

    rows = db.execute("SELECT stage, CAST(path AS BLOB), message "
                      "FROM errors ORDER BY id").fetchall()
    diffs = []
    for stage, path, msg in rows:
        s, m = text(stage), text(msg)
        p = text(path)
        if any(s == es and (ep is None or (p and re.search(ep, p)))
               and re.search(em, m or "") for es, ep, em in EXPECTED_ERRORS):
            tap.diag("expected error: %s %s: %s" % (s, show(path), show(m)))
            continue
        diffs.append("%s %s: %s" % (show(s), show(path), show(m)))
    tap.ok(not diffs, "no unexpected rows in errors (%d rows)" % len(rows),
           diffs)


def count_tests(ref, sums):
    n = 0
    for fs in ref["filesystems"]:
        n += 10 if fs["fstype"] == "vfat" else 15
    return n + 3 + (1 if sums is not None else 0)


def main(argv):
    args = argv[1:]
    first, plan, sums = 1, True, None
    while args and args[0].startswith("--"):
        if args[0] == "--first" and len(args) > 1:
            first = int(args[1])
            args = args[2:]
        elif args[0] == "--no-plan":
            plan = False
            args = args[1:]
        elif args[0] == "--images" and len(args) > 1:
            sums = args[1]
            args = args[2:]
        else:
            break
    if len(args) != 2:
        sys.stderr.write("usage: check-db.py [--first N] [--no-plan] "
                         "[--images SUMS] REFERENCE.json DB\n")
        return 2
    with open(args[0]) as f:
        ref = json.load(f)
    db = connect(args[1])
    tap = Tap(first)
    if plan:
        print("%d..%d" % (first, first - 1 + count_tests(ref, sums)))
    for note in ref.get("notes", []):
        tap.diag("reference: " + note)
    if not ref.get("is_root"):
        tap.diag("reference made without root: owners are the stager's")
    for fs in ref["filesystems"]:
        check_fs(tap, db, ref, fs)
    check_global(tap, db, ref, sums)
    db.close()
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
