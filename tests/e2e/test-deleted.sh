#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# TAP end-to-end test of --deleted: the deleted entries of ext4 (read by
# libext2fs) and FAT (read by libtsk) on the host, each compared with
# what The Sleuth Kit's tools, debugfs, file, yara and the tree the
# images were made from say, never with vmscan itself.  No appliance:
# every scan is --data-path host.
#
# The disk: MBR, p1 ext4 at sector 2048, p2 FAT16 at sector 34816, both
# made from trees written here, then changed with debugfs and mtools:
#
#   ext4   rm of files whose blocks stay free (200 KiB random data, a
#          text, the EICAR test file, a miner script: the YARA rules
#          match both), rm of a file whose blocks a later write takes
#          (its inode stays free), rm of empty files whose inodes a
#          later write takes, rm of a file whose name a later entry
#          overwrites (its inode is an orphan, TSK's $OrphanFiles), rm of
#          a file then a new file of the same name, rmdir of a folder
#          whose file was removed first (its inode taken again).
#   FAT    mdel of files whose clusters stay free (an 8.3 name, a long
#          name, one in a subfolder), mdel of one whose clusters a later
#          mcopy takes.
#
#  1. ext4: the (path, inode) of the deleted rows are fls -r -d's
#     deleted entries, less those inside a deleted folder (not entered);
#     the kind (deleted = entry, name, orphan) is what istat / fls
#     (realloc) say of the inode; entry and orphan rows have the
#     inode's type, size, mode, uid, gid and four times (debugfs stat);
#     name rows type unknown, zeros and NULL times; a regular file whose
#     blocks are all free has the original file's md5, sha1, sha256 and
#     file -b, and yara's matches of the original (EICAR, the miner),
#     one whose blocks are taken (blkls) has no hashes, no magic, no
#     match; the deleted folder is recorded, nothing below it; the live
#     and the deleted /docs/same.txt are two rows; the live rows are
#     fls's live entries.
#  2. FAT: the deleted rows are fls's (inode, folder and name; the first
#     character of a deleted name is gone from the disk, 0xE5, and TSK
#     writes '_' for it: that character is not compared, and a
#     difference there is only shown); sizes; the content of the files
#     whose clusters are free is the original's (icat agrees), the
#     reused one has no hash.
#  3. Without --deleted no row is deleted and the live rows (path, type,
#     size, mode, owners, mtime, inode, hashes, magic, YARA rules) equal
#     those of the --deleted scan.
#  4. The disk is unchanged (sha256sum).
set -u

. "$(dirname "$0")/../lib.sh"
LC_ALL=C
TZ=UTC
export LC_ALL TZ

require_vmscan
require_cmd python3 sqlite3 mke2fs debugfs mkfs.vfat mcopy mdel mmd sfdisk \
  fls icat istat blkls file yara sha256sum truncate dd

setup_work
cd "$work" || bail_out "cannot enter $work"
rules=$top_srcdir/yara-rules
MTOOLS_SKIP_CHECK=1
export MTOOLS_SKIP_CHECK

# ---- the trees ------------------------------------------------------------
python3 - <<'PY'
import os, random
rnd = random.Random(20240601)
def w(path, data, mode=0o644, mtime=None, owner=None):
    d = os.path.dirname(path)
    if d:
        os.makedirs(d, exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    os.chmod(path, mode)
    if mtime is not None:
        os.utime(path, ns=(mtime * 10**9 + 5, mtime * 10**9 + 7))
    if owner is not None and os.geteuid() == 0:
        os.chown(path, *owner)
eicar = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
# ext4
w("tree/apps/p1", b"", mtime=1600000001)
w("tree/apps/p2", b"", mtime=1600000002)
w("tree/data/big.bin", rnd.randbytes(200 * 1024), 0o600, 1600000100,
  (1234, 4321))
w("tree/data/notes.txt", b"some notes on the deleted data\n" * 100, 0o640,
  1600000200, (1000, 1000))
w("tree/data/reused.bin", rnd.randbytes(64 * 1024), mtime=1600000300)
w("tree/docs/a-orphan.txt", b"orphan content, its name overwritten\n" * 4,
  0o604, 1600000400, (33, 33))
w("tree/docs/keep.txt", b"kept\n", mtime=1600000500)
w("tree/docs/same.txt", b"the first same.txt, deleted\n", mtime=1600000600)
w("tree/etc/hostname", b"deleted-test\n", mtime=1600000700)
w("tree/olddir/inner.txt", b"inside the folder removed\n", mtime=1600000800)
w("tree/secret/eicar.com", eicar, 0o644, 1600000900)
w("tree/secret/miner.sh",
  b"#!/bin/sh\n./xmrig -o stratum+tcp://pool.example.com:3333 -u wallet -p x\n",
  0o755, 1600001000, (1000, 1000))
for d, t in (("apps", 1600002001), ("data", 1600002002), ("docs", 1600002003),
             ("etc", 1600002004), ("olddir", 1600002005),
             ("secret", 1600002006)):
    os.utime("tree/" + d, (t, t))
# what the later writes put on the ext4 filesystem
w("host/new.bin", rnd.randbytes(96 * 1024))
w("host/other.txt", b"takes the inode of olddir/inner.txt\n")
w("host/empty", b"")
# FAT
w("ftree/HELLO.TXT", b"hello fat\n")
w("ftree/REUSED.BIN", rnd.randbytes(20000))
w("ftree/GONE.TXT", b"gone but recoverable\n" * 50)
w("ftree/Long Name File.txt", b"a long name, deleted\n" * 20)
w("ftree/DOCS/KEEP.TXT", b"keep fat\n")
w("ftree/DOCS/INNER.TXT", b"inner fat, deleted\n")
w("host/fnew.bin", rnd.randbytes(30000))
PY
st=$?

# ---- the filesystems, then the deletions ----------------------------------
# The order matters: a write takes the lowest free inode and the first
# free blocks, and its name the first free room in its folder.  So the
# writes go to /incoming (made first), except the new /docs/same.txt,
# whose entry takes the room a-orphan.txt's name had.
# mke2fs -d copies whole seconds only: nanoseconds set here (the low two
# bits of the extra fields are the epoch's, 0).
cat > ext.cmds <<'EOF'
sif /data/big.bin mtime_extra 0x1d6f3454
sif /data/big.bin atime_extra 0xeb79a2c4
sif /data/big.bin ctime_extra 0x00000004
sif /docs/a-orphan.txt mtime_extra 0x00000010
mkdir /incoming
rm /olddir/inner.txt
write host/other.txt /incoming/other.txt
rm /apps/p1
rm /data/reused.bin
write host/new.bin /incoming/new.bin
rm /apps/p2
rm /docs/a-orphan.txt
rm /docs/same.txt
write host/empty /docs/same.txt
rm /secret/miner.sh
rm /secret/eicar.com
rm /data/big.bin
rm /data/notes.txt
rmdir /olddir
EOF
{
  mke2fs -q -F -t ext4 -b 4096 -L deleted-ext -d tree ext.img 16M \
    && cp ext.img ext-orig.img \
    && debugfs -w -f ext.cmds ext.img \
    && truncate -s 16M fat.img \
    && mkfs.vfat -n DELFAT -i 1234abcd fat.img \
    && mcopy -s -i fat.img ftree/HELLO.TXT ftree/REUSED.BIN ftree/GONE.TXT \
         "ftree/Long Name File.txt" ftree/DOCS ::/ \
    && mmd -i fat.img ::/NEWDIR \
    && cp fat.img fat-orig.img \
    && mdel -i fat.img ::/REUSED.BIN \
    && mcopy -i fat.img host/fnew.bin ::/NEWDIR/NEW.BIN \
    && mdel -i fat.img ::/GONE.TXT "::/Long Name File.txt" ::/DOCS/INNER.TXT \
    && truncate -s 34M disk.raw \
    && printf 'label: dos\nstart=2048, size=32768, type=83\nstart=34816, size=32768, type=6\n' \
         | sfdisk -q disk.raw \
    && dd if=ext.img of=disk.raw bs=512 seek=2048 conv=notrunc status=none \
    && dd if=fat.img of=disk.raw bs=512 seek=34816 conv=notrunc status=none
} > build.log 2>&1 || st=1
ok $st "built disk.raw: p1 ext4, p2 FAT, files deleted with debugfs and mdel"
[ $st -eq 0 ] || { tail -n 20 build.log | diag; bail_out "cannot build the disk"; }
sha256sum disk.raw > images.sha256

# ---- the references (no vmscan) ---------------------------------------------
cat > ref.py <<'PY'
"""References for test-deleted.sh, from fls, istat, icat, blkls,
debugfs, file, yara and the trees; prints TAP on the fixture itself and
writes ref.json."""
import hashlib, json, os, re, subprocess, sys

rules_dir = sys.argv[1]
EXT_OFF, FAT_OFF = 2048, 34816
n = 0
failed = 0

def ok(cond, what, detail=()):
    global n, failed
    n += 1
    if not cond:
        failed += 1
    print(("ok %d - %s" if cond else "not ok %d - %s") % (n, what))
    for d in ([] if cond else list(detail)[:30]):
        print("#   " + str(d))
    sys.stdout.flush()

def run(cmd, binary=False):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if r.returncode != 0:
        sys.exit("%s failed: %s" % (" ".join(cmd), r.stderr.decode(errors="replace")))
    return r.stdout if binary else r.stdout.decode("utf-8", "surrogateescape")

# "r/r * 13(realloc):\tapps/p1"
FLS = re.compile(r"^(\S)/(\S) (\* )?(\d+)(\(realloc\))?:\t(.*)$")
def fls(img, off, deleted=False):
    cmd = ["fls", "-r", "-p"] + (["-d"] if deleted else [])
    cmd += (["-o", str(off)] if off else []) + [img]
    out = []
    for line in run(cmd).split("\n"):
        if not line:
            continue
        m = FLS.match(line)
        if not m:
            sys.exit("fls: cannot read %r" % line)
        out.append({"ntype": m[1], "mtype": m[2], "deleted": bool(m[3]),
                    "inode": int(m[4]), "realloc": bool(m[5]), "rel": m[6]})
    return out

def istat(img, off, ino):
    out = run(["istat", "-o", str(off), img, str(ino)])
    m = re.search(r"^(Not )?Allocated$", out, re.M)
    size = re.search(r"^[Ss]ize: (\d+)$", out, re.M)
    blocks, inlist = [], False
    for line in out.split("\n"):
        if line in ("Direct Blocks:", "Sectors:", "Indirect Blocks:"):
            inlist = True
        elif inlist and re.fullmatch(r"[0-9 ]+", line.strip() or "x"):
            # 0: istat's filler (FAT's last slot); block or sector 0 holds
            # no file's data.
            blocks += [int(b) for b in line.split() if b != "0"]
        else:
            inlist = False
    return {"allocated": m is not None and not m[1], "blocks": blocks,
            "size": int(size[1]) if size else None}

def blkmap(img, off):
    out = run(["blkls", "-l", "-e", "-o", str(off), img])
    alloc = {}
    for line in out.split("\n"):
        f = line.split("|")
        if len(f) == 2 and f[0].isdigit():
            alloc[int(f[0])] = f[1] == "a"
    return alloc

TYPES = {"regular": "file", "directory": "dir", "symlink": "symlink",
         "FIFO": "fifo", "character special": "chardev",
         "block special": "blockdev", "socket": "socket"}
IFMT = {"file": 0o100000, "dir": 0o040000, "symlink": 0o120000,
        "fifo": 0o010000, "chardev": 0o020000, "blockdev": 0o060000,
        "socket": 0o140000}
def debugfs_stat(img, ino):
    out = run(["debugfs", "-R", "stat <%d>" % ino, img])
    m = re.search(r"Type: (.+?)\s+Mode:\s+([0-7]+)", out)
    t = TYPES.get(m[1], "unknown")
    r = {"type": t, "mode": IFMT.get(t, 0) | int(m[2], 8)}
    m = re.search(r"User:\s+(\d+)\s+Group:\s+(\d+).*?Size: (\d+)", out)
    r["uid"], r["gid"], r["size"] = int(m[1]), int(m[2]), int(m[3])
    for k, name in (("atime", "atime"), ("mtime", "mtime"),
                    ("ctime", "ctime"), ("btime", "crtime")):
        m = re.search(r"^\s*%s: 0x([0-9a-f]{8})(?::([0-9a-f]{8}))?" % name,
                      out, re.M)
        if not m:
            r[k] = r[k + "_ns"] = None
            continue
        sec = int(m[1], 16)
        sec -= (sec & 0x80000000) << 1
        extra = int(m[2], 16) if m[2] else 0
        r[k] = sec + ((extra & 3) << 32)
        r[k + "_ns"] = extra >> 2
    return r

def digests(path):
    with open(path, "rb") as f:
        data = f.read()
    return {k: hashlib.new(k, data).hexdigest() for k in ("md5", "sha1", "sha256")}

def magic(path):
    return run(["file", "-b", "--", path]).rstrip("\n")

RULES = sorted(os.path.join(rules_dir, f) for f in os.listdir(rules_dir)
               if f.endswith((".yar", ".yara")) and not f.startswith("."))
RTEXT = "".join(open(p, encoding="utf-8", errors="replace").read() for p in RULES)
EXTERNALS = [e for e in ("filename", "filepath", "extension", "filetype", "md5", "owner")
             if re.search(r"\b%s\b" % e, RTEXT)]
def yara(path, gpath, uid):
    name = os.path.basename(gpath)
    with open(path, "rb") as f:
        md5 = hashlib.md5(f.read()).hexdigest()
    vals = {"filename": name, "filepath": os.path.dirname(gpath),
            "owner": str(uid), "extension": os.path.splitext(name)[1].lower(),
            "filetype": "UNKNOWN", "md5": md5}
    cmd = ["yara", "-w", "-N", "-e"]
    for e in EXTERNALS:
        cmd += ["-d", "%s=%s" % (e, vals[e])]
    for p in RULES:
        stem = os.path.basename(p)
        cmd.append("%s:%s" % (stem[:stem.rindex(".")], p))
    cmd.append(path)
    out = run(cmd)
    return sorted(line.split(" ", 1)[0] for line in out.split("\n") if line)

def icat_sha256(img, off, ino):
    return hashlib.sha256(run(["icat", "-o", str(off), img, str(ino)],
                              binary=True)).hexdigest()

def live_of(listing):
    return [e for e in listing if not e["deleted"]
            and e["ntype"] not in "vV" and e["mtype"] not in "vV"
            and not e["rel"].endswith("(Volume Label Entry)")]

def reference(kind, img, off, orig, tree):
    now = fls("disk.raw", off)
    dele = fls("disk.raw", off, deleted=True)
    pristine = {e["inode"]: e["rel"] for e in fls(orig, 0) if not e["deleted"]}
    live = live_of(now)
    live_dirs = {e["rel"] for e in live if e["ntype"] == "d"}
    alloc = blkmap("disk.raw", off)
    out = {"live": [["/" + e["rel"], e["inode"]] for e in live],
           "deleted": [], "excluded": []}
    for e in dele:
        parts = e["rel"].split("/")
        orphan = parts[0] == "$OrphanFiles"
        parent = "/".join(parts[:-1])
        path = "/" + e["rel"]
        if (orphan and len(parts) != 2) or \
           (not orphan and parent and parent not in live_dirs):
            out["excluded"].append([path, e["inode"]])
            continue
        st = istat("disk.raw", off, e["inode"]) if e["inode"] else None
        r = {"path": path, "inode": e["inode"], "fls_realloc": e["realloc"],
             "allocated": st["allocated"] if st else None}
        if orphan:
            r["kind"] = "orphan"
        elif e["realloc"] or e["inode"] == 0 or st["allocated"]:
            r["kind"] = "name"
        else:
            r["kind"] = "entry"
        if r["kind"] != "name":
            r["blocks"] = st["blocks"]
            r["taken"] = sorted(b for b in st["blocks"] if alloc.get(b, True))
            if kind == "ext":
                r["meta"] = debugfs_stat(img, e["inode"])
            else:
                r["meta"] = {"type": {"r": "file", "d": "dir"}.get(e["mtype"], "?"),
                             "size": st["size"]}
            r["orig"] = pristine.get(e["inode"])
            r["intact"] = bool(st["blocks"]) and not r["taken"]
            if r["meta"]["type"] == "file" and r["orig"] is not None:
                src = os.path.join(tree, r["orig"])
                r["tree_size"] = os.path.getsize(src)
                r["tree"] = os.lstat(src)[:]
                if r["intact"]:
                    r.update(digests(src))
                    r["magic"] = magic(src)
                    r["yara"] = yara(src, path, r["meta"].get("uid", 0))
                    r["icat_sha256"] = icat_sha256("disk.raw", off, e["inode"])
        out["deleted"].append(r)
    return out

ext = reference("ext", "p1.img", EXT_OFF, "ext-orig.img", "tree")
fat = reference("fat", "p2.img", FAT_OFF, "fat-orig.img", "ftree")

# ---- is the fixture what it was built to be? --------------------------------
def by_path(ref):
    return {r["path"]: r for r in ref["deleted"]}

E = by_path(ext)
def case(path, kind, intact=None):
    r = E.get(path)
    if r is None or r["kind"] != kind:
        return False
    return intact is None or r.get("intact") == intact
orphans = [r for r in ext["deleted"] if r["kind"] == "orphan"]
want = [case("/data/big.bin", "entry", True), case("/data/notes.txt", "entry", True),
        case("/secret/eicar.com", "entry", True), case("/secret/miner.sh", "entry", True),
        case("/docs/same.txt", "entry", True), case("/data/reused.bin", "entry", False),
        case("/apps/p1", "name"), case("/apps/p2", "name"),
        case("/olddir", "entry") and E["/olddir"]["meta"]["type"] == "dir",
        len(orphans) == 1 and orphans[0]["orig"] == "docs/a-orphan.txt"
        and orphans[0]["intact"],
        [p for p, _ in ext["excluded"]] == ["/olddir/inner.txt"],
        ["/docs/same.txt", True] in [[p, True] for p, _ in ext["live"]]]
ok(all(want), "ext4 fixture: fls, istat and blkls show every case built "
   "(entry intact, entry with blocks taken, name, orphan, deleted folder, "
   "same name live and deleted)",
   ["case %d: %s" % (i, w) for i, w in enumerate(want)]
   + [json.dumps(r, sort_keys=True) for r in ext["deleted"]] + [ext["excluded"]])

F = by_path(fat)
fwant = {"/_ONE.TXT": True, "/Long Name File.txt": True,
         "/DOCS/_NNER.TXT": True, "/_EUSED.BIN": False}
got = {p: r.get("intact") for p, r in F.items()}
ok(got == fwant and all(r["kind"] == "entry" for r in fat["deleted"]),
   "FAT fixture: fls shows the deleted entries, blkls which clusters are free",
   [json.dumps(r, sort_keys=True) for r in fat["deleted"]])

bad = []
for ref in (ext, fat):
    for r in ref["deleted"]:
        if "icat_sha256" in r and r["icat_sha256"] != r["sha256"]:
            bad.append("%s: icat %s, original %s" % (r["path"], r["icat_sha256"], r["sha256"]))
        if "tree_size" in r and r["tree_size"] != r["meta"]["size"]:
            bad.append("%s: size %s, original %s" % (r["path"], r["meta"]["size"], r["tree_size"]))
ok(not bad, "icat recovers each deleted file whose blocks are free, equal "
   "to the original; sizes are the originals'", bad)

bad = []
for r in ext["deleted"]:
    t = r.get("tree")
    if t is None or r["meta"]["type"] != "file":
        continue
    m = r["meta"]
    if (m["mode"], m["uid"], m["gid"], m["mtime"]) != (t[0], t[4], t[5], int(t[8])):
        bad.append("%s: debugfs %s, tree %s" % (r["path"], m, t))
ok(not bad, "debugfs stat of the deleted inodes agrees with the tree "
   "(mode, uid, gid, mtime)", bad)

y = {r["path"]: r.get("yara") for r in ext["deleted"]}
ok("eicar:EICAR_Test_File" in (y.get("/secret/eicar.com") or [])
   and any(m.startswith("cryptominer:") for m in y.get("/secret/miner.sh") or []),
   "yara matches the originals of /secret/eicar.com and /secret/miner.sh "
   "(%s; %s)" % (y.get("/secret/eicar.com"), y.get("/secret/miner.sh")))

with open("ref.json", "w") as f:
    json.dump({"ext": ext, "fat": fat}, f, indent=1, sort_keys=True)
for k, ref in (("ext4", ext), ("FAT", fat)):
    print("# %s: %d deleted entries to find, %d left out (inside a deleted "
          "folder), %d live" % (k, len(ref["deleted"]), len(ref["excluded"]),
                                len(ref["live"])))
sys.exit(1 if failed else 0)
PY
dd if=disk.raw of=p1.img bs=512 skip=2048 count=32768 status=none
dd if=disk.raw of=p2.img bs=512 skip=34816 count=32768 status=none
run_tap python3 ref.py "$rules"
[ "$tap_status" -eq 0 ] && [ -s ref.json ] || bail_out "the references are not as built"

# ---- the scans -----------------------------------------------------------------
"$VMSCAN" -q --no-progress --deleted --data-path host -o deleted.db disk.raw \
  > deleted.out 2> deleted.err
rc=$?
[ $rc -le 1 ] && [ -s deleted.db ]
ok $? "--deleted: the scan completes (rc=$rc: $(head -c 300 deleted.err))"
"$VMSCAN" -q --no-progress --data-path host -o plain.db disk.raw \
  > plain.out 2> plain.err
rc=$?
[ $rc -le 1 ] && [ -s plain.db ]
ok $? "without --deleted: the scan completes (rc=$rc: $(head -c 300 plain.err))"

# ---- the comparisons -------------------------------------------------------------
cat > check.py <<'PY'
import json, os, sqlite3, sys

n = 0
def ok(cond, what, detail=()):
    global n
    n += 1
    print(("ok %d - %s" if cond else "not ok %d - %s") % (n, what))
    for d in ([] if cond else list(detail)[:30]):
        print("#   " + str(d))
    sys.stdout.flush()

ref = json.load(open("ref.json"))
COLS = ("fstype", "id", "path", "deleted", "type", "size", "mode", "uid",
        "gid", "atime", "atime_ns", "mtime", "mtime_ns", "ctime", "ctime_ns",
        "btime", "btime_ns", "inode", "md5", "sha1", "sha256", "magic", "yara")
def rows(db):
    c = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    q = ("SELECT s.type, f.id, f.path, f.deleted, f.type, f.size, f.mode, "
         "f.uid, f.gid, f.atime, f.atime_ns, f.mtime, f.mtime_ns, f.ctime, "
         "f.ctime_ns, f.btime, f.btime_ns, f.inode, f.md5, f.sha1, f.sha256, "
         "f.magic, (SELECT group_concat(m.namespace || ':' || m.rule, ' ') "
         "FROM (SELECT * FROM yara_matches ORDER BY namespace, rule) m "
         "WHERE m.file_id = f.id) FROM files f JOIN filesystems s "
         "ON s.id = f.fs_id")
    out = []
    for t in c.execute(q):
        r = dict(zip(COLS, t))
        r["yara"] = sorted((r["yara"] or "").split())
        out.append(r)
    fs = [" ".join(str(x) for x in t) for t in c.execute(
        "SELECT device, type, status, ifnull(data_path, '-') FROM filesystems "
        "ORDER BY device")]
    return out, fs

D, dfs = rows("deleted.db")
P, pfs = rows("plain.db")
want_fs = ["/dev/sda1 ext4 scanned host", "/dev/sda2 vfat scanned host"]
ok(dfs == want_fs, "--deleted: ext4 and FAT scanned on the host (%s)" % dfs)

def show(r):
    return "%s %s deleted=%s inode=%s type=%s size=%s sha256=%s" % (
        r["fstype"], r["path"], r["deleted"], r["inode"], r["type"],
        r["size"], r["sha256"])

# ---- 1. ext4 ------------------------------------------------------------------
ext = ref["ext"]
xdel = [r for r in D if r["fstype"] == "ext4" and r["deleted"] is not None]
got = sorted((r["path"], r["inode"]) for r in xdel)
want = sorted((r["path"], r["inode"]) for r in ext["deleted"])
ok(got == want, "ext4: the deleted rows (path, inode) are fls -r -d's "
   "%d deleted entries outside deleted folders" % len(want),
   ["vmscan only: %s" % (x,) for x in sorted(set(got) - set(want))]
   + ["fls only:    %s" % (x,) for x in sorted(set(want) - set(got))]
   + (["duplicates in vmscan's rows"] if len(got) != len(set(got)) else []))

R = {(r["path"], r["inode"]): r for r in ext["deleted"]}
mine = {(r["path"], r["inode"]): r for r in xdel}
both = sorted(set(R) & set(mine))
bad = ["%s: deleted=%s, want %s (fls realloc %s, istat allocated %s)"
       % (k[0], mine[k]["deleted"], R[k]["kind"], R[k]["fls_realloc"],
          R[k]["allocated"]) for k in both if mine[k]["deleted"] != R[k]["kind"]]
ok(not bad, "ext4: deleted = entry, name or orphan as istat and fls "
   "(realloc) say of the inode", bad)

META = ("type", "size", "mode", "uid", "gid", "atime", "atime_ns", "mtime",
        "mtime_ns", "ctime", "ctime_ns")
def meta_bad(cols):
    bad = []
    for k in both:
        if R[k]["kind"] == "name":
            continue
        m = R[k]["meta"]
        for c in cols:
            if mine[k][c] != m[c]:
                bad.append("%s (inode %d): %s = %r, debugfs stat %r"
                           % (k[0], k[1], c, mine[k][c], m[c]))
    return bad
ok(not meta_bad(META), "ext4: entry and orphan rows have the deleted inode's "
   "type, size, mode, uid, gid, atime, mtime and ctime (debugfs stat)",
   meta_bad(META))
# The birth time (crtime) on its own: the contract says the inode's times.
bad = meta_bad(("btime", "btime_ns"))
if bad:
    nl = [r for r in D if r["fstype"] == "ext4" and r["deleted"] is None]
    bad.append("(live ext4 rows with btime NULL: %d of %d)"
               % (len([r for r in nl if r["btime"] is None]), len(nl)))
ok(not bad, "ext4: entry and orphan rows have the deleted inode's birth "
   "time (debugfs stat crtime)", bad[-1:] + bad[:-1])

bad = []
for k in both:
    if R[k]["kind"] != "name":
        continue
    r = mine[k]
    got_ = tuple(r[c] for c in ("type", "size", "mode", "uid", "gid", "atime",
                                "mtime", "ctime", "btime", "md5", "sha1",
                                "sha256", "magic"))
    if got_ != ("unknown", 0, 0, 0, 0) + (None,) * 8 or r["yara"]:
        bad.append("%s (inode %d): %s yara=%s" % (k[0], k[1], got_, r["yara"]))
ok(not bad, "ext4: name rows (inode taken again: %s) are type unknown, zeros, "
   "no times, no hashes" % ", ".join("%s %d" % k for k in both
                                     if R[k]["kind"] == "name"), bad)

def content(refd, kinds, label):
    """Hashes, magic and YARA of the deleted regular files: the
    original's when all their blocks are free, none otherwise."""
    bad, bad_null, hashed, null = [], [], [], []
    for k in sorted(set(refd) & set(kinds)):
        want_, r = refd[k], kinds[k]
        if want_["kind"] == "name" or want_["meta"]["type"] != "file":
            continue
        if want_.get("intact"):
            hashed.append(r["path"])
            for c in ("md5", "sha1", "sha256", "magic"):
                if r[c] != want_[c]:
                    bad.append("%s (inode %d): %s = %r, the original's %r"
                               % (r["path"], k[1], c, r[c], want_[c]))
            if r["yara"] != want_["yara"]:
                bad.append("%s: YARA %s, yara on the original %s"
                           % (r["path"], r["yara"], want_["yara"]))
        else:
            null.append(r["path"])
            got_ = [r[c] for c in ("md5", "sha1", "sha256", "magic")]
            if got_ != [None] * 4 or r["yara"]:
                bad_null.append("%s (inode %d, blocks %s taken now): md5/sha1/"
                                "sha256/magic %s, YARA %s, want NULL and none"
                                % (r["path"], k[1], want_["taken"][:8], got_,
                                   r["yara"]))
    ok(not bad and hashed, "%s: deleted files whose blocks are all free (%s) "
       "have the original's md5, sha1, sha256, file -b and YARA matches"
       % (label, ", ".join(hashed)), bad)
    return null, bad_null

null, bad = content(R, mine, "ext4")
ok(null and not bad, "ext4: a deleted file whose blocks another file holds "
   "now (%s) has no hashes, no magic, no YARA match" % ", ".join(null), bad)

y = {r["path"]: r["yara"] for r in xdel}
ok("eicar:EICAR_Test_File" in y.get("/secret/eicar.com", [])
   and any(m.startswith("cryptominer:") for m in y.get("/secret/miner.sh", [])),
   "ext4: the deleted EICAR file and miner script have their YARA matches "
   "(%s; %s)" % (y.get("/secret/eicar.com"), y.get("/secret/miner.sh")))

ext4rows = [r for r in D if r["fstype"] == "ext4"]
below = [show(r) for r in ext4rows if r["path"].startswith("/olddir/")]
od = [r for r in xdel if r["path"] == "/olddir"]
ok(len(od) == 1 and od[0]["type"] == "dir" and od[0]["deleted"] == "entry"
   and not below,
   "ext4: the deleted folder /olddir is one row (type dir, entry), nothing "
   "below it (fls lists %s there)" % ext["excluded"],
   [show(r) for r in od] + below)

same = sorted(((r["deleted"] or ""), r["inode"], r["sha256"])
              for r in ext4rows if r["path"] == "/docs/same.txt")
live_ino = [i for p, i in ext["live"] if p == "/docs/same.txt"]
old = R.get(("/docs/same.txt", [r["inode"] for r in ext["deleted"]
                                if r["path"] == "/docs/same.txt"][0]))
want_same = sorted([("", live_ino[0],
                     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
                    ("entry", old["inode"], old["sha256"])])
ok(same == want_same, "ext4: /docs/same.txt is two rows, the live one "
   "(inode %d, empty) and the deleted one (inode %d)" % (live_ino[0], old["inode"]),
   ["got:  %s" % (same,), "want: %s" % (want_same,)])

def live_rows(rows, fstype):
    return sorted((r["path"], r["inode"]) for r in rows
                  if r["fstype"] == fstype and r["deleted"] is None
                  and r["path"] != "/")
for fstype, key in (("ext4", "ext"), ("vfat", "fat")):
    got = live_rows(D, fstype)
    want = sorted(tuple(x) for x in ref[key]["live"])
    ok(got == want, "%s: the live rows (path, inode) of the --deleted scan are "
       "fls's %d live entries" % (fstype, len(want)),
       ["vmscan only: %s" % (x,) for x in sorted(set(got) - set(want))]
       + ["fls only:    %s" % (x,) for x in sorted(set(want) - set(got))])

# ---- 2. FAT ---------------------------------------------------------------------
fat = ref["fat"]
fdel = [r for r in D if r["fstype"] == "vfat" and r["deleted"] is not None]
def masked(path):
    d, _, b = path.rpartition("/")
    return (d + "/", b[1:])
got = sorted((masked(r["path"]), r["inode"]) for r in fdel)
want = sorted((masked(r["path"]), r["inode"]) for r in fat["deleted"])
ok(got == want, "FAT: the deleted rows are fls -r -d's %d deleted entries "
   "(inode, folder, the name after its first character)" % len(want),
   ["vmscan only: %s" % (x,) for x in sorted(set(got) - set(want))]
   + ["fls only:    %s" % (x,) for x in sorted(set(want) - set(got))])
exact = sorted((r["path"], r["inode"]) for r in fdel)
fwant = sorted((r["path"], r["inode"]) for r in fat["deleted"])
if exact != fwant:
    print("# FAT deleted names differ from fls's (first character only, "
          "not a failure):")
    print("#   vmscan: %s" % exact)
    print("#   fls:    %s" % fwant)

FR = {r["inode"]: r for r in fat["deleted"]}
FM = {r["inode"]: r for r in fdel}
bad = []
for i in sorted(set(FR) & set(FM)):
    w_, r = FR[i], FM[i]
    if r["deleted"] != w_["kind"] or r["type"] != w_["meta"]["type"] \
       or r["size"] != w_["meta"]["size"]:
        bad.append("%s (inode %d): deleted=%s type=%s size=%s, want %s %s %s"
                   % (r["path"], i, r["deleted"], r["type"], r["size"],
                      w_["kind"], w_["meta"]["type"], w_["meta"]["size"]))
ok(not bad, "FAT: the deleted rows are entries with the entry's type and size", bad)
FK = {i: (FR[i]["path"], i) for i in FR}
fnull, fbad = content({FK[i]: FR[i] for i in FR},
                      {FK[i]: FM[i] for i in FM if i in FK}, "FAT")
ok(fnull and not fbad, "FAT: the deleted file whose clusters NEW.BIN took "
   "(%s) has no hashes, no magic" % ", ".join(fnull), fbad)

# ---- 3. without --deleted ----------------------------------------------------------
ok(pfs == want_fs, "without --deleted: ext4 and FAT scanned on the host (%s)" % pfs)
pd = [show(r) for r in P if r["deleted"] is not None]
ok(not pd, "without --deleted: no row is deleted (%d rows)" % len(P), pd)
KEEP = ("fstype", "path", "type", "size", "mode", "uid", "gid", "mtime",
        "mtime_ns", "inode", "md5", "sha1", "sha256", "magic", "yara")
def key(r):
    return tuple(str(r[c]) for c in KEEP)
a = sorted(key(r) for r in P)
b = sorted(key(r) for r in D if r["deleted"] is None)
ok(a == b and a, "without --deleted: the live rows equal the --deleted "
   "scan's live rows (%d and %d rows)" % (len(a), len(b)),
   ["plain only:    %s" % (x,) for x in sorted(set(a) - set(b))]
   + ["--deleted only: %s" % (x,) for x in sorted(set(b) - set(a))])
PY
run_tap python3 check.py

# ---- 4. the image ------------------------------------------------------------------
sha256sum -c --quiet images.sha256 > sha.out 2>&1
ok $? "disk.raw is unchanged by the scans ($(head -c 200 sha.out))"

test_done
