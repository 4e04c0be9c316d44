#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# TAP test: filesystems read on the host: ext2, ext3 and ext4 (src/fs/ext.c through
# src/fs/hostfs.h, src/fs/blockdev.h), with no appliance.  Builds a tree
# (files of several sizes, a hole, symlinks fast, slow, dangling and
# climbing out, hard links, a fifo, odd names, nested folders, a file
# capability, owners with high 16 bits), makes images of it with
# mke2fs -d, and compares what tests/e2e/hostfs-dump reads with the tree
# itself (read with the OS) and with debugfs.  Then the same ext4 image
# as qcow2 served by qemu-nbd, inside an MBR partition (a slice), and
# hostile images: truncated, a garbage directory block, a huge i_size.
# Every image is read a second time in the sandboxed child of
# src/fs/remote.h, which must give the same answers.  Last, FAT32, ISO
# 9660 and NTFS made from a plain tree, read by libtsk (src/fs/tsk.c) in
# the process and in the child.
set -u

. "$(dirname "$0")/../lib.sh"
dump=$top_builddir/tests/e2e/hostfs-dump

[ -x "$dump" ] || skip_all "tests/e2e/hostfs-dump not built"
require_cmd python3 mke2fs debugfs timeout
setup_work

cat > "$work/check.py" <<'PY'
import hashlib, os, shutil, signal, stat, subprocess, sys, time

dump, work = sys.argv[1], sys.argv[2]
os.chdir(work)
# The child reads FAT's local times as UTC (fs/child.c); so does the
# process here, whatever this machine's zone.
os.environ["TZ"] = "UTC0"
n = 0
failed = 0

def ok(cond, what, detail=()):
    global n, failed
    n += 1
    if not cond:
        failed += 1
    print(("ok %d - %s" if cond else "not ok %d - %s") % (n, what))
    for d in ([] if cond else list(detail)[:20]):
        print("#   " + str(d))
    sys.stdout.flush()

def skip(why, count=1):
    global n
    for _ in range(count):
        n += 1
        print("ok %d # SKIP %s" % (n, why))

def have(cmd):
    return shutil.which(cmd) is not None

root = os.geteuid() == 0

# ---- the tree ---------------------------------------------------------
T = b"tree"
def p(*parts):
    return os.path.join(T, *parts)

os.makedirs(p(b"a", b"b", b"c", b"d"))
def write(name, data):
    with open(name, "wb") as f:
        f.write(data)
write(p(b"empty"), b"")
write(p(b"one"), b"x")
write(p(b"a4095"), os.urandom(4095))
write(p(b"a4096"), os.urandom(4096))
# More than 1 MiB, with a hole of 512 KiB in the middle.
with open(p(b"a", b"holey"), "wb") as f:
    f.write(os.urandom(300000))
    f.seek(300000 + 524288)
    f.write(os.urandom(500000))
# Sparse: almost all hole, data at the end.
with open(p(b"sparse"), "wb") as f:
    f.seek(8 * 1024 * 1024)
    f.write(b"end of the sparse file\n")
write(p(b"a", b"b", b"c", b"d", b"deep"), b"deep content\n")
os.symlink(b"one", p(b"fast"))
slow_target = b"a/b/c/d/" + b"long-name-" * 10 + b"deep"
os.symlink(slow_target, p(b"slow"))
os.symlink(b"no/such/file", p(b"dangling"))
os.symlink(b"../../../../../etc/passwd", p(b"a", b"b", b"climb"))
os.link(p(b"one"), p(b"a", b"hardlink"))
os.link(p(b"one"), p(b"a", b"b", b"hardlink2"))
os.mkfifo(p(b"fifo"))
write(p(b"new\nline"), b"newline\n")
write(p(b"bad\xffbyte"), b"0xff\n")
write(p(b"  spaces here  "), b"spaces\n")
write(p(b"n" * 255), b"long name\n")
os.chmod(p(b"a4095"), 0o4750)
os.chmod(p(b"a4096"), 0o600)
os.chmod(p(b"a", b"b"), 0o1777)
if root:
    os.lchown(p(b"a4095"), 1234, 5678)
    os.lchown(p(b"a", b"b"), 70000, 70001)     # the high 16 bits
    os.lchown(p(b"fast"), 65536 + 7, 3)
capped = False
if have("setcap"):
    capped = subprocess.run(["setcap", "cap_net_raw+ep", p(b"one").decode()],
                            capture_output=True).returncode == 0
# Tiny files for inline_data.
for i in range(3):
    write(p(b"tiny%d" % i), b"t" * (i * 20 + 1))

def tree_records():
    """What the tree holds, read with the OS: path -> record."""
    recs = {}
    for dirpath, dirnames, filenames in os.walk(T):
        for name in dirnames + filenames:
            full = os.path.join(dirpath, name)
            rel = full[len(T):]
            st = os.lstat(full)
            r = {"kind": {stat.S_IFREG: "f", stat.S_IFDIR: "d",
                          stat.S_IFLNK: "l", stat.S_IFIFO: "p"}
                         [stat.S_IFMT(st.st_mode)],
                 "mode": "%o" % stat.S_IMODE(st.st_mode),
                 "uid": str(st.st_uid), "gid": str(st.st_gid),
                 "nlink": str(st.st_nlink), "mtime": str(int(st.st_mtime)),
                 "tino": st.st_ino}
            if r["kind"] == "f":
                r["size"] = str(st.st_size)
                with open(full, "rb") as f:
                    r["data"] = hashlib.sha256(f.read()).hexdigest()
            elif r["kind"] == "l":
                t = os.readlink(full)
                r["size"] = str(len(t))
                r["data"] = t.hex()
            else:
                r["data"] = "-"
            try:
                r["xattr"] = os.getxattr(full, "security.capability",
                                         follow_symlinks=False).hex()
            except OSError:
                r["xattr"] = "-"
            r["nattrs"] = len(os.listxattr(full, follow_symlinks=False))
            recs[rel] = r
    return recs

tree = tree_records()

def run_dump(args, timeout=60):
    try:
        r = subprocess.run([dump] + args, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None
    fs, ents, errs = None, {}, []
    for line in r.stdout.split(b"\n"):
        f = line.decode("ascii", "replace").split("\t")
        if f[0] == "fs":
            fs = f[1:]
        elif f[0] == "e" and len(f) == 14:
            path = bytes.fromhex(f[1])
            ents[path] = dict(zip(["ino", "kind", "mode", "uid", "gid",
                                   "nlink", "size", "blocks", "mtime",
                                   "data", "xattr", "noxattr"], f[2:]))
        elif f[0] == "err":
            errs.append((bytes.fromhex(f[1]) if f[1] != "-" else b"",
                         f[2], f[3]))
    return {"rc": r.returncode, "fs": fs, "e": ents, "err": errs,
            "stderr": r.stderr.decode("utf-8", "replace").strip()}

def compare(d, what, expect_type):
    ok(d is not None and d["rc"] == 0 and not d["err"],
       "%s: walked without error" % what,
       [] if d is None else [d["stderr"]] + d["err"])
    if d is None:
        return
    ok(d["fs"] is not None and d["fs"][0] == expect_type,
       "%s: type %s" % (what, expect_type), [d["fs"]])
    got = {k: v for k, v in d["e"].items() if k != b"/lost+found"}
    ok(set(got) == set(tree), "%s: the same names as the tree" % what,
       sorted(set(got) ^ set(tree)))
    bad = []
    for path, t in tree.items():
        g = got.get(path)
        if g is None:
            continue
        for k in ("kind", "mode", "uid", "gid", "nlink", "data", "xattr"):
            if g[k] != t[k]:
                bad.append("%r %s: got %s, want %s" % (path, k, g[k], t[k]))
        if "size" in t and g["size"] != t["size"]:
            bad.append("%r size: got %s, want %s" % (path, g["size"],
                                                     t["size"]))
        if g["mtime"].split(".")[0] != t["mtime"]:
            bad.append("%r mtime: got %s, want %s" % (path, g["mtime"],
                                                      t["mtime"]))
        # A reader that says an inode holds no attribute is believed
        # (getxattr is then not asked): it must never hide one.
        if g["noxattr"] == "1" and t["nattrs"]:
            bad.append("%r: said to hold no attribute, holds %d"
                       % (path, t["nattrs"]))
    if not any(g["noxattr"] == "1" for g in got.values()):
        bad.append("no inode said to hold no attribute")
    ok(not bad, "%s: types, modes, owners, link counts, sizes, mtimes, "
       "contents, targets and capabilities match the tree, and an inode "
       "said to hold no attribute holds none" % what, bad)
    # Hard links: one inode in the image exactly where one in the tree.
    by_t, by_g = {}, {}
    for path, t in tree.items():
        by_t.setdefault(t["tino"], set()).add(path)
        if path in got:
            by_g.setdefault(got[path]["ino"], set()).add(path)
    ok(sorted(map(sorted, by_t.values())) == sorted(map(sorted, by_g.values())),
       "%s: hard links share an inode, nothing else does" % what)

def debugfs_check(img, d, what):
    """Inode numbers, link counts, sizes and modes against debugfs."""
    if d is None or not d["e"]:
        ok(False, "%s: debugfs agrees (nothing read)" % what)
        return
    inos = sorted({int(e["ino"]) for e in d["e"].values()})
    cmds = "".join("stat <%d>\n" % i for i in inos)
    with open("debugfs.cmds", "w") as f:
        f.write(cmds)
    r = subprocess.run(["debugfs", "-f", "debugfs.cmds", img],
                       capture_output=True)
    info, cur = {}, None
    for line in r.stdout.decode("utf-8", "replace").split("\n"):
        w = line.split()
        if line.startswith("Inode: "):
            cur = int(w[1])
            info[cur] = {"mode": "%o" % int(w[w.index("Mode:") + 1], 8)}
        elif cur is not None and line.startswith("Generation:"):
            pass
        elif cur is not None and "Links:" in w:
            info[cur]["nlink"] = w[w.index("Links:") + 1]
        elif cur is not None and line.startswith("User:"):
            info[cur]["uid"] = w[1]
            info[cur]["gid"] = w[3]
            info[cur]["size"] = w[w.index("Size:") + 1]
    bad = []
    for path, e in d["e"].items():
        i = info.get(int(e["ino"]))
        if i is None:
            bad.append("%r: debugfs knows no inode %s" % (path, e["ino"]))
            continue
        for k in ("mode", "nlink", "uid", "gid", "size"):
            if i.get(k) != e[k]:
                bad.append("%r %s: hostfs %s, debugfs %s" % (path, k, e[k],
                                                            i.get(k)))
    ok(not bad and len(info) == len(inos),
       "%s: inode numbers, modes, owners, link counts and sizes agree with "
       "debugfs" % what, bad)

def label_uuid(img, d, what):
    r = subprocess.run(["debugfs", "-R", "stats", img], capture_output=True)
    want = {}
    for line in r.stdout.decode("utf-8", "replace").split("\n"):
        if line.startswith("Filesystem volume name:"):
            want["label"] = line.split(":", 1)[1].strip()
        elif line.startswith("Filesystem UUID:"):
            want["uuid"] = line.split(":", 1)[1].strip()
    got = {} if d is None or d["fs"] is None else {
        "label": bytes.fromhex(d["fs"][1]).decode() if d["fs"][1] != "-"
                 else "<none>", "uuid": d["fs"][2]}
    ok(got == want, "%s: label and UUID as debugfs gives them" % what,
       [got, want])

def mkfs(img, fstype, extra=()):
    if os.path.exists(img):
        os.unlink(img)
    r = subprocess.run(["mke2fs", "-q", "-F", "-t", fstype, "-b", "4096",
                        "-L", "vs-" + fstype, "-E", "root_owner=0:0",
                        *extra, "-d", T.decode(), img, "64M"],
                       capture_output=True)
    return r.returncode == 0

# ---- ext2, ext3, ext4, ext4 with inline_data --------------------------
images = [("ext2", "ext2", []), ("ext3", "ext3", []), ("ext4", "ext4", []),
          ("ext4-inline", "ext4", ["-O", "inline_data", "-I", "256"])]
for name, fstype, extra in images:
    img = name + ".img"
    if not mkfs(img, fstype, extra):
        skip("mke2fs could not make %s" % name, 8)
        continue
    d = run_dump(["--type", fstype, img])
    compare(d, name + " by type", fstype)
    debugfs_check(img, d, name)
    label_uuid(img, d, name)
    d2 = run_dump([img])
    ok(d2 is not None and d2["e"] == d["e"] and d2["fs"] == d["fs"],
       "%s: opened by probing, the same listing" % name)
    # The same filesystem opened and read in the sandboxed child
    # (fs/remote.h: seccomp, limits, no host file it could open).
    d3 = run_dump(["--remote", img])
    ok(d3 is not None and d3["rc"] == 0 and d3["e"] == d["e"]
       and d3["fs"] == d["fs"],
       "%s: read in the sandboxed child, the same listing" % name,
       [d3 and d3["stderr"]] + (d3["err"] if d3 else []))

if not root:
    skip("not root: no owners with high 16 bits in the tree")
else:
    e = run_dump(["ext4.img"])["e"]
    ok(e[b"/a/b"]["uid"] == "70000" and e[b"/a/b"]["gid"] == "70001"
       and e[b"/fast"]["uid"] == str(65536 + 7),
       "uid and gid above 65535 read whole")
if not capped:
    skip("setcap cannot set a capability here")
else:
    ok(run_dump(["ext4.img"])["e"][b"/one"]["xattr"] != "-",
       "security.capability read back (compared with the tree above)")

# Inline data really used: debugfs says so for a tiny file.
r = subprocess.run(["debugfs", "-R", "stat /tiny1", "ext4-inline.img"],
                   capture_output=True)
ok(b"Size of inline data" in r.stdout or b"INLINE_DATA" in r.stdout.upper(),
   "ext4-inline: tiny files are stored inline (debugfs)")

# Wrong type and no filesystem: clean refusals.
d = run_dump(["--type", "vfat", "ext4.img"])
ok(d is not None and d["rc"] == 2 and not d["e"],
   "ext4 opened as vfat: refused", [d and d["stderr"]])
with open("zeros.img", "wb") as f:
    f.truncate(4 * 1024 * 1024)
d = run_dump(["zeros.img"])
ok(d is not None and d["rc"] == 2, "no filesystem: refused",
   [d and d["stderr"]])
d = run_dump(["--type", "ext4", "zeros.img"])
ok(d is not None and d["rc"] == 2, "zeros opened as ext4: refused",
   [d and d["stderr"]])

# ---- NBD: the ext4 image as qcow2, served by qemu-nbd ------------------
if not (have("qemu-img") and have("qemu-nbd")):
    skip("qemu-img or qemu-nbd not installed", 2)
else:
    subprocess.run(["qemu-img", "convert", "-f", "raw", "-O", "qcow2",
                    "ext4.img", "ext4.qcow2"], check=True)
    sock = os.path.join(work, "nbd.sock")
    srv = subprocess.Popen(["qemu-nbd", "--read-only", "--persistent",
                            "--socket=" + sock, "-f", "qcow2",
                            "ext4.qcow2"], stderr=subprocess.DEVNULL)
    for _ in range(100):
        if os.path.exists(sock):
            break
        time.sleep(0.1)
    d = run_dump(["--nbd", sock])
    ref = run_dump(["ext4.img"])
    ok(d is not None and d["rc"] == 0 and d["e"] == ref["e"]
       and d["fs"] == ref["fs"],
       "ext4 as qcow2 over NBD: the same listing as the raw image",
       [d and d["stderr"]] + (d["err"] if d else []))
    d = run_dump(["--remote", "--nbd", sock])
    ok(d is not None and d["rc"] == 0 and d["e"] == ref["e"]
       and d["fs"] == ref["fs"],
       "ext4 over NBD read in the sandboxed child: the same listing",
       [d and d["stderr"]] + (d["err"] if d else []))
    srv.terminate()
    srv.wait()

# ---- a slice: ext4 inside an MBR partition ----------------------------
if not have("sfdisk"):
    skip("sfdisk not installed", 2)
else:
    size = os.path.getsize("ext4.img")
    with open("disk.img", "wb") as f:
        f.truncate(size + 2 * 1024 * 1024)
    subprocess.run(["sfdisk", "-q", "disk.img"],
                   input=b"label: dos\nstart=2048, size=%d, type=83\n"
                   % (size // 512), check=True, capture_output=True)
    with open("disk.img", "r+b") as f, open("ext4.img", "rb") as g:
        f.seek(2048 * 512)
        shutil.copyfileobj(g, f)
    # The partition's start and size as sfdisk reads them back.
    r = subprocess.run(["sfdisk", "-d", "disk.img"], capture_output=True)
    line = [l for l in r.stdout.decode().split("\n") if "start=" in l][0]
    kv = dict(x.strip().split("=") for x in line.split(":")[1].split(",")
              if "=" in x)
    start, psize = int(kv["start"].strip()) * 512, int(kv["size"].strip()) * 512
    d = run_dump(["--offset", str(start), "--size", str(psize), "disk.img"])
    ok(d is not None and d["rc"] == 0 and d["e"] == ref["e"],
       "ext4 in an MBR partition, read through a slice",
       [d and d["stderr"]])
    d = run_dump(["--offset", str(start), "--size",
                  str(os.path.getsize("disk.img")), "disk.img"])
    ok(d is not None and d["rc"] == 2 and "not inside" in d["stderr"],
       "a slice reaching past its device is refused", [d and d["stderr"]])

# ---- hostile images ---------------------------------------------------
def survived(d):
    return d is not None and d["rc"] in (0, 1, 2)

# Truncated just before the data of a file (debugfs says where).
r = subprocess.run(["debugfs", "-R", "blocks /a/holey", "ext4.img"],
                   capture_output=True)
cut = int(r.stdout.split()[0]) * 4096
with open("ext4.img", "rb") as f, open("trunc.img", "wb") as g:
    g.write(f.read(cut))
d = run_dump(["trunc.img"])
ok(survived(d) and d["rc"] == 1
   and (b"/a/holey", "read", "EIO") in d["err"],
   "a truncated image: EIO or a refusal, no crash",
   [d and d["rc"], d and d["stderr"]] + (d["err"] if d else []))

# A directory block overwritten with garbage.
shutil.copy("ext2.img", "dirgarbage.img")
r = subprocess.run(["debugfs", "-R", "blocks /a", "dirgarbage.img"],
                   capture_output=True)
blk = int(r.stdout.split()[0])
with open("dirgarbage.img", "r+b") as f:
    f.seek(blk * 4096)
    f.write(bytes((i * 37 + 11) & 0xff for i in range(4096)))
d = run_dump(["dirgarbage.img"])
ok(survived(d) and (b"/a", "readdir", "EIO") in d["err"]
   and b"/one" in d["e"],
   "a garbage directory block: EIO for that folder, the rest read",
   [d and d["rc"], d and d["stderr"]] + (d["err"] if d else []))

# A file claiming an enormous size: reads stay bounded by the caller.
shutil.copy("ext4.img", "hugesize.img")
subprocess.run(["debugfs", "-w", "-R", "sif /one size 0x7fffffffffff",
                "hugesize.img"], capture_output=True)
t0 = time.time()
d = run_dump(["--max-read", str(16 * 1024 * 1024), "hugesize.img"],
             timeout=60)
ok(survived(d) and d["e"].get(b"/one", {}).get("size") == str(0x7fffffffffff)
   and d["e"][b"/one"]["data"].startswith("capped:")
   and time.time() - t0 < 30,
   "a huge i_size: read as far as asked, in bounded time",
   [d and d["stderr"], d and d["e"].get(b"/one")])

# The hostile images again in the sandboxed child: the same answers.
for img, extra in (("trunc.img", []), ("dirgarbage.img", []),
                   ("hugesize.img", ["--max-read", str(16 * 1024 * 1024)])):
    ref = run_dump(extra + [img])
    d = run_dump(["--remote"] + extra + [img])
    ok(survived(d) and d["rc"] == ref["rc"] and d["e"] == ref["e"]
       and d["err"] == ref["err"],
       "%s in the sandboxed child: the same entries and errors" % img,
       [d and d["stderr"]] + (d["err"] if d else []))

# ---- the libtsk filesystems, through the dispatcher and the child -----
# A plain tree (files and folders only: what FAT, NTFS and ISO 9660 all
# keep) put into each with its own tools; read by probing in the process
# and in the sandboxed child: the same listing, and every file's bytes
# those of the tree.
P = b"plain"
os.makedirs(os.path.join(P, b"sub", b"deeper"))
plain = {}
for rel, data in ((b"readme.txt", b"hello\n"), (b"empty", b""),
                  (b"sub/big.bin", os.urandom(300000)),
                  (b"sub/deeper/x.dat", os.urandom(4096))):
    write(os.path.join(P, rel), data)
    plain[b"/" + rel] = hashlib.sha256(data).hexdigest()

def make_fat(img):
    with open(img, "wb") as f:
        f.truncate(64 * 1024 * 1024)
    return (subprocess.run(["mkfs.vfat", "-F", "32", img],
                           capture_output=True).returncode == 0
            and subprocess.run(["mcopy", "-s", "-i", img]
                               + [os.path.join(P, x).decode()
                                  for x in os.listdir(P)] + ["::/"],
                               capture_output=True).returncode == 0)

def make_iso(img):
    return subprocess.run(["xorriso", "-as", "mkisofs", "-quiet", "-R", "-J",
                           "-o", img, P.decode()],
                          capture_output=True).returncode == 0

def make_ntfs(img):
    # ntfscp cannot make folders: the files of the top level only.
    with open(img, "wb") as f:
        f.truncate(64 * 1024 * 1024)
    if subprocess.run(["mkntfs", "-q", "-F", "-f", img],
                      capture_output=True).returncode != 0:
        return False
    for name in (b"readme.txt", b"empty"):
        if subprocess.run(["ntfscp", "-q", img, os.path.join(P, name).decode(),
                           name.decode()], capture_output=True).returncode:
            return False
    return True

for name, fstype, tools, make, want in (
        ("fat32", "vfat", ("mkfs.vfat", "mcopy"), make_fat, plain),
        ("iso9660", "iso9660", ("xorriso",), make_iso, plain),
        ("ntfs", "ntfs", ("mkntfs", "ntfscp"), make_ntfs,
         {k: v for k, v in plain.items() if k.count(b"/") == 1})):
    img = name + ".img"
    if not all(have(x) for x in tools) or not make(img):
        skip("cannot make %s here (%s)" % (name, " ".join(tools)), 2)
        continue
    d = run_dump([img])
    files = {k: v["data"] for k, v in (d or {"e": {}})["e"].items()
             if v["kind"] == "f"}
    ok(d is not None and d["rc"] == 0 and d["fs"][0] == fstype
       and files == want,
       "%s: found by probing, every file's bytes those of the tree" % name,
       [d and d["stderr"], d and d["fs"], sorted(set(files) ^ set(want))])
    d3 = run_dump(["--remote", img])
    ok(d3 is not None and d3["rc"] == 0 and d is not None
       and d3["e"] == d["e"] and d3["fs"] == d["fs"],
       "%s: read in the sandboxed child, the same listing" % name,
       [d3 and d3["stderr"]] + (d3["err"] if d3 else []))

print("1..%d" % n)
sys.exit(1 if failed else 0)
PY

run_tap python3 "$work/check.py" "$dump" "$work"
test_done
