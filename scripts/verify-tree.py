#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""verify-tree.py TREE DB [--rules DIR]

Acceptance check for vmscan: compare the evidence database DB from scanning
an image with the directory TREE the image's root filesystem was built from
(mke2fs -d TREE), using references that vmscan did not compute:

  paths        every entry of TREE is in DB and vice versa (/lost+found,
               which mke2fs adds, is the only extra allowed in DB)
  type, mode, uid, gid, size, link target
               from os.lstat()/os.readlink() on the tree, never following
               symlinks
  sha256       from the sha256sum command
  magic        from "file -b" (LC_ALL=C, as vmscan does not set a locale)
  yara         from the yara command with the same rule files, symlinks
               never followed, limited to files <= scans.yara_max_size

Not compared, because the image legitimately differs from the tree there:
  ctime/atime  mke2fs -d sets ctime to build time and does not copy atime;
  mtime ns     mke2fs -d keeps whole seconds only (mtime seconds are shown
               as information; the root directory's mtime is known to
               differ, mke2fs sets it itself);
  dir sizes    an ext4 directory's size is its block allocation, which has
               nothing to do with the host filesystem's directory size.

Exit status 0 only if paths, type, size (non-directories), mode, uid, gid,
link target and sha256 agree 100%, magic agrees >= 99.9% and the YARA
match sets are equal; 1 otherwise; 2 on usage or tool errors.
Python 3 standard library only.
"""
import argparse
import os
import re
import sqlite3
import stat
import subprocess
import sys
import tempfile

TYPES = [(stat.S_ISREG, "file"), (stat.S_ISDIR, "dir"), (stat.S_ISLNK, "symlink"),
         (stat.S_ISCHR, "chardev"), (stat.S_ISBLK, "blockdev"),
         (stat.S_ISFIFO, "fifo"), (stat.S_ISSOCK, "socket")]
SHOW = 10          # mismatches listed per category
SHOW_MAGIC = 20
FILE_CHUNK = 200   # file names per "file -b" call
ALLOWED_EXTRA = {b"/lost+found"}


def esc(b):
    """Printable, unambiguous rendering of a byte string."""
    if b is None:
        return "NULL"
    if isinstance(b, str):
        b = b.encode("utf-8", "surrogateescape")
    return "".join(chr(c) if 32 <= c < 127 and c != 92 else
                   "\\\\" if c == 92 else "\\x%02x" % c for c in b)


def type_name(mode):
    for test, name in TYPES:
        if test(mode):
            return name
    return "unknown"


class Check:
    """One category: how many entries agree out of how many, and examples."""
    def __init__(self, name, need=100.0, info=False):
        self.name, self.need, self.info = name, need, info
        self.ok = self.total = 0
        self.bad = []

    def add(self, agree, text):
        self.total += 1
        if agree:
            self.ok += 1
        else:
            self.bad.append(text)

    def pct(self):
        return 100.0 * self.ok / self.total if self.total else 100.0

    def passed(self):
        return self.info or self.pct() >= self.need


def walk_tree(root):
    """guest path (bytes) -> (lstat result, link target or None)."""
    out = {}
    stack = [b""]
    while stack:
        rel = stack.pop()
        full = root + rel if rel else root
        st = os.lstat(full)
        target = os.readlink(full) if stat.S_ISLNK(st.st_mode) else None
        out[rel or b"/"] = (st, target)
        if stat.S_ISDIR(st.st_mode):
            for name in os.listdir(full):
                stack.append(rel + b"/" + name)
    return out


def load_db(path):
    con = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    con.text_factory = bytes
    fs = con.execute("SELECT id, scan_id FROM filesystems "
                     "WHERE os_mountpoint = '/'").fetchall()
    if len(fs) != 1:
        sys.exit("error: expected one filesystem mounted at /, found %d" % len(fs))
    fs_id, scan_id = fs[0]
    yara_enabled, max_size = con.execute(
        "SELECT yara_enabled, yara_max_size FROM scans WHERE id = ?",
        (scan_id,)).fetchone()
    cols = ("path type size mode uid gid mtime link_target sha256 magic "
            "yara_scanned").split()
    rows = {}
    for r in con.execute("SELECT %s FROM files WHERE fs_id = ?" % ", ".join(cols),
                         (fs_id,)):
        d = dict(zip(cols, r))
        d["type"] = d["type"].decode()
        if d["path"] in rows:
            print("warning: duplicate DB row for %s" % esc(d["path"]))
        rows[d["path"]] = d
    matches = set()
    for rule, p in con.execute(
            "SELECT m.rule, f.path FROM yara_matches m JOIN files f "
            "ON f.id = m.file_id WHERE f.fs_id = ? AND f.type = 'file' "
            "AND (? IS NULL OR f.size <= ?)", (fs_id, max_size, max_size)):
        matches.add((rule.decode(), p))
    con.close()
    return rows, yara_enabled, max_size, matches


def run(argv, data=None):
    r = subprocess.run(argv, input=data, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=dict(os.environ, LC_ALL="C"))
    return r.returncode, r.stdout, r.stderr


def sha256_all(root, files):
    """guest path -> hex digest, via xargs -0 sha256sum -z (NUL records)."""
    names = b"".join(root + p + b"\0" for p in files)
    rc, out, err = run(["xargs", "-0", "sha256sum", "-z", "--"], names)
    if rc != 0:
        sys.exit("error: sha256sum failed: %s" % esc(err))
    digests = {}
    for rec in out.split(b"\0")[:-1]:
        if len(rec) < 67 or rec[64:66] not in (b"  ", b" *"):
            sys.exit("error: unexpected sha256sum record %s" % esc(rec[:100]))
        digests[rec[66:][len(root):]] = rec[:64].decode()
    return digests


def magic_all(root, files):
    """guest path -> "file -b" description (one call per chunk of names;
    names with a newline, or a chunk whose output does not split into one
    line per name, are done one at a time)."""
    out = {}

    def one_by_one(chunk):
        for p in chunk:
            rc, o, e = run(["file", "-b", "--", root + p])
            out[p] = o[:-1] if o.endswith(b"\n") else o

    plain = [p for p in files if b"\n" not in p]
    one_by_one([p for p in files if b"\n" in p])
    for i in range(0, len(plain), FILE_CHUNK):
        chunk = plain[i:i + FILE_CHUNK]
        rc, o, e = run(["file", "-b", "--"] + [root + p for p in chunk])
        lines = o.split(b"\n")
        if rc == 0 and len(lines) == len(chunk) + 1 and lines[-1] == b"":
            out.update(zip(chunk, lines))
        else:
            one_by_one(chunk)
    return out


def yara_all(root, rules_dir, tree):
    """set of (rule, guest path) from yarac + yara -C -N -r over the tree."""
    rule_files = sorted(f for f in os.listdir(rules_dir) if f.endswith(".yar"))
    if not rule_files:
        sys.exit("error: no *.yar in %s" % rules_dir)
    with tempfile.TemporaryDirectory() as tmp:
        compiled = os.path.join(tmp, "rules.yarc")
        # One namespace per file (its base name), as vmscan does, so that a
        # rule name used in two files cannot clash.
        srcs = ["%s:%s" % (f[:-4], os.path.join(rules_dir, f)) for f in rule_files]
        rc, o, e = run(["yarac"] + srcs + [compiled])
        if rc != 0:
            sys.exit("error: yarac failed: %s" % e.decode(errors="replace"))
        # -N: lstat()ed symlinks are skipped (yara's scan_dir), so they are
        # never followed; only regular files are scanned.
        rc, o, e = run(["yara", "-C", "-N", "-r", "-p", "1", compiled, root])
    if rc != 0 or e.strip():
        print("yara stderr (rc %d):\n%s" % (rc, e.decode(errors="replace")))
    # Output is "RULE PATH\n"; a path may hold a newline, so a record ends
    # only where the next "RULE TREE/" begins, or at the end.
    pat = re.compile(rb"([A-Za-z_]\w*) (" + re.escape(root) + rb"/.*?)\n"
                     rb"(?=[A-Za-z_]\w* " + re.escape(root) + rb"/|\Z)", re.S)
    found, pos = set(), 0
    for m in pat.finditer(o):
        if m.start() != pos or m.group(2)[len(root):] not in tree:
            sys.exit("error: cannot parse yara output near %s" % esc(o[pos:pos + 200]))
        found.add((m.group(1).decode(), m.group(2)[len(root):]))
        pos = m.end()
    if pos != len(o):
        sys.exit("error: cannot parse yara output near %s" % esc(o[pos:pos + 200]))
    return found


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[2])
    ap.add_argument("tree")
    ap.add_argument("db")
    ap.add_argument("--rules", default="/work/main/yara-rules")
    a = ap.parse_args()
    root = os.fsencode(os.path.abspath(a.tree)).rstrip(b"/")

    tree = walk_tree(root)
    db, yara_enabled, max_size, db_matches = load_db(a.db)
    print("tree: %d entries; db: %d rows on /; yara_max_size %s"
          % (len(tree), len(db), max_size))

    paths = Check("paths")
    for p in sorted(set(tree) | set(db)):
        if p not in db:
            paths.add(False, "missing from DB: %s" % esc(p))
        elif p not in tree:
            if p in ALLOWED_EXTRA:
                print("note: %s in DB only (allowed, added by mke2fs)" % esc(p))
            else:
                paths.add(False, "extra in DB: %s" % esc(p))
        else:
            paths.add(True, "")
    common = sorted(p for p in tree if p in db)

    ctype, csize, cmode = Check("type"), Check("size (non-dirs)"), Check("mode")
    cuid, cgid, clink = Check("uid"), Check("gid"), Check("link target")
    cmtime = Check("mtime seconds", info=True)
    regular = []
    for p in common:
        st, target = tree[p]
        r, t = db[p], type_name(st.st_mode)
        ctype.add(r["type"] == t, "%s: tree %s, db %s" % (esc(p), t, r["type"]))
        if t != "dir":
            csize.add(r["size"] == st.st_size,
                      "%s: tree %d, db %s" % (esc(p), st.st_size, r["size"]))
        cmode.add(r["mode"] == st.st_mode,
                  "%s: tree %o, db %o" % (esc(p), st.st_mode, r["mode"]))
        cuid.add(r["uid"] == st.st_uid, "%s: tree %d, db %s" % (esc(p), st.st_uid, r["uid"]))
        cgid.add(r["gid"] == st.st_gid, "%s: tree %d, db %s" % (esc(p), st.st_gid, r["gid"]))
        if target is not None or r["link_target"] is not None:
            clink.add(r["link_target"] == target, "%s: tree '%s', db '%s'"
                      % (esc(p), esc(target), esc(r["link_target"])))
        cmtime.add(r["mtime"] == int(st.st_mtime),
                   "%s: tree %d, db %s" % (esc(p), int(st.st_mtime), r["mtime"]))
        if t == "file":
            regular.append(p)

    csha = Check("sha256")
    digests = sha256_all(root, regular)
    for p in regular:
        want, got = digests.get(p), db[p]["sha256"]
        got = got.decode() if got is not None else None
        csha.add(want is not None and got == want,
                 "%s: sha256sum %s, db %s" % (esc(p), want, got))

    cmagic = Check("magic", need=99.9)
    descs = magic_all(root, regular)
    for p in regular:
        want, got = descs.get(p), db[p]["magic"]
        cmagic.add(want == got, "%s:\n      file -b: %s\n      db:      %s"
                   % (esc(p), esc(want), esc(got)))

    cyara = Check("yara matches")
    cscanned = Check("yara_scanned = 1", info=True)
    in_limit = {p for p in regular if max_size is None or tree[p][0].st_size <= max_size}
    for p in sorted(in_limit):
        cscanned.add(db[p]["yara_scanned"] == 1, "%s: yara_scanned %s"
                     % (esc(p), db[p]["yara_scanned"]))
    ref = {(rule, p) for rule, p in yara_all(root, a.rules, tree) if p in in_limit}
    if not yara_enabled:
        print("note: YARA was disabled for this scan")
    for rule, p in sorted(ref | db_matches):
        if (rule, p) in ref and (rule, p) in db_matches:
            cyara.add(True, "")
        else:
            cyara.add(False, "%s %s: only in %s" % (
                rule, esc(p), "yara" if (rule, p) in ref else "DB"))
    print("yara: %d reference matches, %d DB matches" % (len(ref), len(db_matches)))

    checks = [paths, ctype, csize, cmode, cuid, cgid, clink, csha, cmagic,
              cyara, cmtime, cscanned]
    for c in checks:
        if c.bad:
            n = SHOW_MAGIC if c is cmagic else SHOW
            print("\n%s: %d mismatches%s" % (c.name, len(c.bad),
                  " (first %d)" % n if len(c.bad) > n else ""))
            for line in c.bad[:n]:
                print("  " + line)

    print("\n%-18s %13s %9s  %-8s %s" % ("check", "agree/total", "percent",
                                         "required", "result"))
    for c in checks:
        req = "info" if c.info else "%g%%" % c.need
        res = "info" if c.info else ("PASS" if c.passed() else "FAIL")
        print("%-18s %6d/%-6d %8.3f%%  %-8s %s"
              % (c.name, c.ok, c.total, c.pct(), req, res))
    ok = all(c.passed() for c in checks)
    print("\nRESULT: %s" % ("PASS" if ok else "FAIL"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
