#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The reference side of the end-to-end scan test.

Usage: tests/e2e/reference.py [--max-yara-size N] TREEDIR RULES OUT.json

Reads the trees that make-tree.sh staged in TREEDIR (root, boot, data,
ext2, vhd), the same trees make-disks.sh put into the test disks, and
writes what vmscan must find in them, computed without vmscan:

  - metadata from os.lstat / os.readlink on bytes paths, never following
    a symlink;
  - sha256, md5 and sha1 from the sha256sum, md5sum and sha1sum commands
    (many files per call, -z so that names may hold newlines);
  - magic from `file -b -- PATH`, one call per regular file;
  - YARA matches from the yara command line tool, one call per regular
    file no larger than --max-yara-size (vmscan's default, 64 MiB), with
    the rule files vmscan would load from RULES (a file, or every *.yar
    and *.yara below a folder, sorted, dot names skipped, namespace = the
    file name without its suffix).  yara never walks a folder here, so it
    cannot follow a symlink out of the tree.

Nothing here opens anything but regular files: fifos and device nodes
are only lstat'ed.

The JSON says which tree is which filesystem (label, type, where the OS
mounts it) and, for every entry, its guest path as hex bytes.
"""

import json
import os
import re
import stat
import subprocess
import sys

# tree, label, filesystem type, where the OS mounts it (None: not an OS
# filesystem), image the filesystem lives in.
FILESYSTEMS = [
    ("root", "vmscan-root", "ext4", "/", "disk1.qcow2"),
    ("boot", "vmscan-boot", "ext4", "/boot", "disk1.qcow2"),
    ("data", "VMSCANDATA", "vfat", None, "disk2.vmdk"),
    ("ext2", "vmscan-ext2", "ext2", None, "disk3.vhdx"),
    ("vhd", "vmscan-vhd", "ext4", None, "disk4.vhd"),
]

EXTERNALS = ("filename", "filepath", "extension", "filetype", "md5", "owner")
DEFAULT_MAX_YARA_SIZE = 64 * 1024 * 1024
BATCH = 100
ENV = dict(os.environ, LC_ALL="C", TZ="UTC")


def die(msg):
    sys.stderr.write("reference.py: %s\n" % msg)
    sys.exit(2)


def file_type(mode):
    for test, name in ((stat.S_ISREG, "file"), (stat.S_ISDIR, "dir"),
                       (stat.S_ISLNK, "symlink"), (stat.S_ISCHR, "chardev"),
                       (stat.S_ISBLK, "blockdev"), (stat.S_ISFIFO, "fifo"),
                       (stat.S_ISSOCK, "socket")):
        if test(mode):
            return name
    return "unknown"


def walk(top):
    """Yields (relative path bytes, lstat) for top and everything below,
    never following a symlink; relative path of top is b''."""
    st = os.lstat(top)
    yield b"", st
    stack = [b""]
    while stack:
        rel = stack.pop()
        d = os.path.join(top, rel) if rel else top
        for name in sorted(os.listdir(d)):
            r = rel + b"/" + name if rel else name
            st = os.lstat(os.path.join(top, r))
            yield r, st
            if stat.S_ISDIR(st.st_mode):
                stack.append(r)


def guest_path(mountpoint, rel):
    """The path vmscan records: the OS mount point joined with the path in
    the filesystem; '/' for the root of a filesystem no OS mounts."""
    mp = (mountpoint or "/").encode()
    if not rel:
        return mp
    return mp.rstrip(b"/") + b"/" + rel


def digests(tool, paths, hexlen):
    """{path: hex digest} from `tool -z -- PATH...`, in batches."""
    out = {}
    for i in range(0, len(paths), BATCH):
        batch = paths[i:i + BATCH]
        r = subprocess.run([tool, "-z", "--"] + batch, env=ENV,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if r.returncode != 0:
            die("%s failed: %s" % (tool, r.stderr.decode(errors="replace")))
        recs = r.stdout.split(b"\0")
        if recs and recs[-1] == b"":
            recs.pop()
        if len(recs) != len(batch):
            die("%s: %d records for %d files" % (tool, len(recs), len(batch)))
        for p, rec in zip(batch, recs):
            h, sep, name = rec[:hexlen], rec[hexlen:hexlen + 2], rec[hexlen + 2:]
            if (not re.fullmatch(rb"[0-9a-f]+", h) or len(h) != hexlen
                    or sep not in (b"  ", b" *") or name != p):
                die("%s: cannot parse %r" % (tool, rec[:200]))
            out[p] = h.decode()
    return out


def magic(path):
    r = subprocess.run(["file", "-b", "--", path], env=ENV,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if r.returncode != 0:
        die("file failed on %r: %s" % (path, r.stderr.decode(errors="replace")))
    out = r.stdout
    if out.endswith(b"\n"):
        out = out[:-1]
    return out.decode("utf-8", "surrogateescape")


def rule_files(rules):
    """[(path, namespace)] as vmscan loads them from a file or folder."""
    found = []

    def collect(d, depth):
        if depth > 16:
            die("%s: rule folders nested too deep" % d)
        for name in sorted(os.listdir(d)):
            if name.startswith("."):
                continue
            p = os.path.join(d, name)
            if os.path.isdir(p):
                collect(p, depth + 1)
            elif os.path.isfile(p) and (name.endswith(".yar")
                                        or name.endswith(".yara")):
                found.append(p)

    if os.path.isdir(rules):
        collect(rules, 0)
    else:
        found.append(rules)
    if not found:
        die("%s: no *.yar or *.yara files" % rules)
    out, taken = [], set()
    for p in found:
        stem = os.path.basename(p)
        stem = stem[:stem.rindex(".")] if "." in stem[1:] else stem
        ns, k = stem, 1
        while ns in taken:
            k += 1
            ns = "%s_%d" % (stem, k)
        taken.add(ns)
        out.append((p, ns))
    return out


class Yara:
    """Compiles the rules once with yarac, then runs yara per file."""

    def __init__(self, rules, workdir):
        self.rules = rule_files(rules)
        text = ""
        for p, _ in self.rules:
            with open(p, encoding="utf-8", errors="replace") as f:
                text += f.read()
        self.externals = [e for e in EXTERNALS
                          if re.search(r"\b%s\b" % e, text)]
        self.compiled = os.path.join(workdir, "reference-rules.yarc")
        cmd = ["yarac", "-w"]
        for e in self.externals:
            cmd += ["-d", "%s=" % e]
        cmd += ["%s:%s" % (ns, p) for p, ns in self.rules]
        cmd.append(self.compiled)
        r = subprocess.run(cmd, env=ENV, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)
        if r.returncode != 0:
            die("yarac failed: %s" % r.stderr.decode(errors="replace"))

    def scan(self, path, ext_values):
        cmd = ["yara", "-w", "-N", "-e", "-C"]
        for e in self.externals:
            cmd += [b"-d", e.encode() + b"=" + ext_values[e]]
        cmd += [self.compiled, path]
        r = subprocess.run(cmd, env=ENV, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)
        if r.returncode != 0:
            die("yara failed on %r: %s"
                % (path, r.stderr.decode(errors="replace")))
        matches = []
        for line in r.stdout.split(b"\n"):
            if not line:
                continue
            # "NAMESPACE:RULE PATH"; a rule name holds neither ':' nor ' '.
            ns, _, rule = line.split(b" ", 1)[0].partition(b":")
            matches.append({"rule": rule.decode(), "namespace": ns.decode()})
        return sorted(matches, key=lambda m: (m["namespace"], m["rule"]))

    def close(self):
        try:
            os.unlink(self.compiled)
        except OSError:
            pass


def accounts(tree):
    """{uid: name} from TREE/etc/passwd, as an OS on that tree sees it."""
    names = {}
    try:
        with open(os.path.join(tree, b"etc/passwd"), "rb") as f:
            for line in f:
                fields = line.rstrip(b"\n").split(b":")
                if len(fields) >= 3 and fields[2].isdigit():
                    names.setdefault(int(fields[2]), fields[0])
    except OSError:
        pass
    return names


def main(argv):
    max_yara = DEFAULT_MAX_YARA_SIZE
    args = argv[1:]
    if len(args) >= 2 and args[0] == "--max-yara-size":
        max_yara = int(args[1])
        args = args[2:]
    if len(args) != 3:
        sys.stderr.write(__doc__.split("\n\n")[1] + "\n")
        return 2
    treedir, rules, out_path = args
    workdir = os.path.dirname(os.path.abspath(out_path))
    yara = Yara(rules, workdir)
    owners = accounts(os.path.join(os.fsencode(treedir), b"root"))

    result = {
        "generator": "tests/e2e/reference.py",
        "is_root": os.geteuid() == 0,
        "max_yara_size": max_yara,
        "rules": [{"path": p, "namespace": ns} for p, ns in yara.rules],
        "yara_externals": yara.externals,
        "notes": [],
        "filesystems": [],
    }
    if "filetype" in yara.externals:
        result["notes"].append(
            "rules use the external 'filetype': the reference sets it to "
            "'UNKNOWN'")

    for tree, label, fstype, mountpoint, image in FILESYSTEMS:
        top = os.path.abspath(os.path.join(os.fsencode(treedir),
                                           tree.encode()))
        if not os.path.isdir(top):
            die("%r is missing" % top)
        entries, regular = [], []
        for rel, st in walk(top):
            t = file_type(st.st_mode)
            e = {
                "path": guest_path(mountpoint, rel).hex(),
                "rel": rel.hex(),
                "type": t,
                "size": st.st_size,
                "mode": st.st_mode,
                "uid": st.st_uid,
                "gid": st.st_gid,
                "mtime": st.st_mtime_ns // 10**9,
                "mtime_ns": st.st_mtime_ns % 10**9,
                "nlink": st.st_nlink,
                "inode_key": "%d:%d" % (st.st_dev, st.st_ino),
                "link_target": None,
                "md5": None, "sha1": None, "sha256": None, "magic": None,
                "yara_scanned": None, "yara": [],
            }
            if rel == b"":
                e["fs_root"] = True
            if t == "symlink":
                e["link_target"] = os.readlink(os.path.join(top, rel)).hex()
            if t == "file":
                regular.append((os.path.join(top, rel), e))
            entries.append(e)

        paths = [p for p, _ in regular]
        sums = {}
        for tool, n, key in (("sha256sum", 64, "sha256"), ("md5sum", 32, "md5"),
                             ("sha1sum", 40, "sha1")):
            sums[key] = digests(tool, paths, n)
        for p, e in regular:
            for key in ("sha256", "md5", "sha1"):
                e[key] = sums[key][p]
            e["magic"] = magic(p)
            if e["size"] <= max_yara:
                name = os.path.basename(p)
                # LOKI's convention (vmscan(1)): the extension with its
                # dot, the folder as filepath.
                ext = bytes(os.path.splitext(name)[1]).lower()
                gp = bytes.fromhex(e["path"])
                owner = (owners.get(e["uid"]) if mountpoint is not None
                         else None) or str(e["uid"]).encode()
                e["yara"] = yara.scan(p, {
                    "filename": name, "filepath": os.path.dirname(gp),
                    "extension": ext, "filetype": b"UNKNOWN",
                    "md5": e["md5"].encode(), "owner": owner})
                e["yara_scanned"] = 1
            else:
                e["yara_scanned"] = 0

        result["filesystems"].append({
            "tree": tree, "label": label, "fstype": fstype,
            "mountpoint": mountpoint, "image": image,
            "entries": entries,
        })

    yara.close()
    tmp = out_path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(result, f, indent=1, sort_keys=True)
        f.write("\n")
    os.rename(tmp, out_path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
