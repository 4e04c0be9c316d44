#!/bin/sh
# TAP end-to-end test: stage the trees of one test machine (make-tree.sh),
# build its four disks with host tools (make-disks.sh: qcow2, vmdk, vhdx,
# vhd), scan all four with ONE vmscan run (one appliance launch), and
# compare the database with references vmscan did not compute
# (reference.py: lstat, sha256sum, md5sum, sha1sum, file -b, yara) using
# check-db.py.  Then: the images are unchanged, and a second run with the
# same -o exits 2 without touching the database.
#
# Environment (set by make check; defaults for a run by hand):
#   VMSCAN      the vmscan binary (default: top_srcdir/vmscan)
#   top_srcdir  the source tree (default: this script's folder/..)
#   builddir    where outputs go (default: this script's folder); the
#               machine is built in $builddir/scan-machine (trees, disks,
#               scan.db, reference.json, logs), kept when a test failed
#               or VMSCAN_TEST_KEEP=1, removed otherwise.
#
# Run as root: libguestfs on Debian needs it, and so do the device nodes
# and odd owners of the hostile tree.
set -u

here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=${top_srcdir:-$(cd "$here/../.." && pwd)}
builddir=${builddir:-$here}
VMSCAN=${VMSCAN:-$top_srcdir/vmscan}
PATH=$PATH:/usr/sbin:/sbin
LC_ALL=C
TZ=UTC
export PATH LC_ALL TZ

if [ ! -x "$VMSCAN" ]; then
  echo "1..0 # SKIP vmscan not built"
  exit 0
fi
if ! guestfish --version > /dev/null 2>&1; then
  echo "1..0 # SKIP guestfish --version fails: libguestfs is not installed"
  exit 0
fi
if [ ! -e /dev/kvm ] && ! command -v qemu-system-x86_64 > /dev/null 2>&1 \
   && ! command -v qemu-kvm > /dev/null 2>&1; then
  echo "1..0 # SKIP neither /dev/kvm nor qemu: libguestfs cannot start"
  exit 0
fi
kernel_ok=0
for k in /boot/vmlinuz-*; do
  [ -r "$k" ] && kernel_ok=1
done
if [ "$kernel_ok" -eq 0 ]; then
  echo "1..0 # SKIP no readable kernel in /boot for the appliance (run as root)"
  exit 0
fi
missing=""
for t in python3 mke2fs e2fsck debugfs dumpe2fs sfdisk qemu-img mkfs.vfat \
         fsck.fat mcopy mdir file yara yarac sha256sum md5sum sha1sum \
         truncate mkfifo; do
  command -v "$t" > /dev/null 2>&1 || missing="$missing $t"
done
if [ -n "$missing" ]; then
  echo "1..0 # SKIP missing:$missing"
  exit 0
fi

work=$builddir/scan-machine
rm -rf "$work"
mkdir -p "$work/trees" || { echo "Bail out! cannot create $work"; exit 1; }
log=$work/test-scan.log
: > "$log"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

n=0
failed=0
ok () {
  n=$((n + 1))
  if [ "$1" -eq 0 ]; then
    echo "ok $n - $2"
  else
    echo "not ok $n - $2"
    failed=$((failed + 1))
  fi
}
# show FILE: its last lines as TAP comments.
show () {
  tail -n "${2:-20}" "$1" | sed 's/^/#   /'
}

[ "$(id -u)" -eq 0 ] \
  || echo "# not root: no device nodes or odd owners in the trees"

# ---- the machine ---------------------------------------------------------
st=0
for k in root boot data ext2 vhd; do
  "$here/../data/make-tree.sh" "$work/trees/$k" "$k" >> "$log" 2>&1 || st=1
done
ok $st "staged the trees root, boot, data, ext2, vhd"
[ $st -eq 0 ] || { show "$log"; echo "Bail out! make-tree.sh failed"; exit 1; }

"$here/../data/make-disks.sh" "$work/trees" "$work" >> "$log" 2>&1
st=$?
ok $st "built disk1.qcow2 disk2.vmdk disk3.vhdx disk4.vhd with host tools"
[ $st -eq 0 ] || { show "$log"; echo "Bail out! make-disks.sh failed"; exit 1; }

set -- "$work/disk1.qcow2" "$work/disk2.vmdk" "$work/disk3.vhdx" \
  "$work/disk4.vhd"
sha256sum "$@" > "$work/images.sha256"

# The rules: the bundled ones, or (while yara-rules/ has none) a rule of
# our own for the EICAR test file, written here.
rules=$top_srcdir/yara-rules
if ! ls "$rules"/*.yar > /dev/null 2>&1; then
  rules=$tmp/rules
  mkdir -p "$rules"
  # The test string in two halves: 28 bytes, then 40 bytes at offset 28.
  cat > "$rules/eicar.yar" <<'EOF'
rule EICAR_Test_File
{
  strings:
    $a = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$"
    $b = "EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
  condition:
    filesize <= 128 and $a at 0 and $b at 28
}
EOF
  echo "# yara-rules/ has no *.yar: using $rules/eicar.yar"
fi

# ---- one scan of the four disks ------------------------------------------
db=$work/scan.db
start=$(date +%s)
"$VMSCAN" -q -o "$db" -r "$rules" "$@" > "$work/vmscan.out" 2> "$work/vmscan.err"
rc=$?
echo "# vmscan took $(( $(date +%s) - start )) s"
[ $rc -eq 1 ]
ok $? "vmscan exits 1 (scanned, EICAR matched) for the 4 disks (rc=$rc)"
[ $rc -eq 1 ] || show "$work/vmscan.err"

# ---- the references --------------------------------------------------------
python3 "$here/reference.py" "$work/trees" "$rules" "$work/reference.json" \
  >> "$log" 2>&1
st=$?
ok $st "reference from lstat, sha256sum, md5sum, sha1sum, file -b, yara"
[ $st -eq 0 ] || show "$log"

if [ -f "$db" ] && [ $st -eq 0 ]; then
  python3 "$here/check-db.py" --first $((n + 1)) --no-plan \
    --images "$work/images.sha256" "$work/reference.json" "$db" \
    > "$work/check-db.tap" 2>&1
  st=$?
  cat "$work/check-db.tap"
  k=$(grep -c -E '^(not )?ok ' "$work/check-db.tap")
  n=$((n + k))
  failed=$((failed + $(grep -c '^not ok ' "$work/check-db.tap")))
  if [ "$k" -eq 0 ] || [ $st -eq 2 ]; then
    ok 1 "check-db.py ran (exit $st)"
  fi
else
  ok 1 "database and reference to compare (database: $( [ -f "$db" ] \
    && echo present || echo missing))"
fi

# ---- afterwards ------------------------------------------------------------
sha256sum -c --quiet "$work/images.sha256" > "$tmp/c" 2>&1
st=$?
ok $st "the 4 images are unchanged by the scan (sha256sum -c)"
[ $st -eq 0 ] || show "$tmp/c"

if [ -f "$db" ]; then
  before=$(sha256sum < "$db")
  "$VMSCAN" -q -o "$db" -r "$rules" "$@" > /dev/null 2> "$work/vmscan2.err"
  rc=$?
  after=$(sha256sum < "$db")
  [ $rc -eq 2 ]
  ok $? "a second run with the same -o exits 2 (rc=$rc: $(head -c 200 "$work/vmscan2.err"))"
  [ "$before" = "$after" ]
  ok $? "a second run with the same -o leaves the database unchanged"
else
  ok 1 "a second run with the same -o exits 2 (no database from the first)"
  ok 1 "a second run with the same -o leaves the database unchanged"
fi

if [ "$failed" -eq 0 ] && [ "${VMSCAN_TEST_KEEP:-0}" != 1 ]; then
  # The database stays for test-report.sh.
  find "$work" -mindepth 1 -maxdepth 1 ! -name scan.db -exec rm -rf {} +
else
  echo "# kept $work for inspection"
fi
echo "1..$n"
