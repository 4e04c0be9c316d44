#!/bin/sh
# TAP end-to-end test of the checks: build a clean and a planted Debian 12
# machine from this host's packages (make-planted.sh), scan both with ONE
# vmscan run (one appliance launch: two disks, two operating systems),
# and compare the findings with what was planted (check-findings.py).
# Then: the images are unchanged, the exit status follows --fail-on.
#
# Environment: as test-scan.sh (VMSCAN, top_srcdir, builddir); the
# machines are built in $builddir/checks-machine, kept when a test failed
# or VMSCAN_TEST_KEEP=1.  Run as root.
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
if [ "$(id -u)" -ne 0 ]; then
  echo "1..0 # SKIP not root: the appliance and the test trees need root"
  exit 0
fi
if [ ! -r /var/lib/dpkg/status ]; then
  echo "1..0 # SKIP the host is not Debian: the test machines are built from its packages"
  exit 0
fi
missing=""
for t in python3 mke2fs e2fsck qemu-img ssh-keygen setcap sha256sum \
         dpkg-query tar; do
  command -v "$t" > /dev/null 2>&1 || missing="$missing $t"
done
if [ -n "$missing" ]; then
  echo "1..0 # SKIP missing:$missing"
  exit 0
fi

n=0
failed=0
ok () {
  n=$((n + 1))
  if [ "$1" -eq 0 ]; then
    echo "ok $n - $2"
  else
    failed=$((failed + 1))
    echo "not ok $n - $2"
  fi
}
show () { sed 's/^/# /' "$1" | head -n 40; }

work=$builddir/checks-machine
rm -rf "$work"
mkdir -p "$work" || { echo "Bail out! cannot create $work"; exit 1; }

"$here/../data/make-planted.sh" "$work" > "$work/make.log" 2>&1
st=$?
ok $st "built the clean and planted machines from host packages"
[ $st -eq 0 ] || { show "$work/make.log"; echo "Bail out! make-planted.sh failed"; exit 1; }

set -- "$work/clean.raw" "$work/planted.qcow2"
sha256sum "$@" > "$work/images.sha256"

db=$work/checks.db
start=$(date +%s)
"$VMSCAN" -q -o "$db" --ioc "$work/planted.ioc" "$@" \
  > "$work/vmscan.out" 2> "$work/vmscan.err"
rc=$?
echo "# vmscan took $(( $(date +%s) - start )) s"
[ $rc -eq 1 ]
ok $? "vmscan exits 1: findings at medium or above (rc=$rc)"
[ $rc -eq 1 ] || show "$work/vmscan.err"
grep -q '^  findings:    [0-9]* (critical [1-9]' "$work/vmscan.out"
ok $? "the summary counts findings by severity"
[ $? -eq 0 ] || show "$work/vmscan.out"

if [ -f "$db" ]; then
  python3 "$here/check-findings.py" "$work" "$db" $((n + 1)) \
    > "$work/check.tap" 2>&1
  st=$?
  cat "$work/check.tap"
  k=$(grep -c -E '^(not )?ok ' "$work/check.tap")
  n=$((n + k))
  failed=$((failed + $(grep -c '^not ok ' "$work/check.tap")))
  if [ "$k" -eq 0 ] || [ $st -eq 2 ]; then
    ok 1 "check-findings.py ran (exit $st)"
  fi
else
  ok 1 "the scan wrote a database"
fi

sha256sum -c --quiet "$work/images.sha256" > "$work/c" 2>&1
ok $? "the images are unchanged by the scan (sha256sum -c)"

if [ "$failed" -eq 0 ] && [ "${VMSCAN_TEST_KEEP:-0}" != 1 ]; then
  # The database stays for test-report.sh.
  find "$work" -mindepth 1 -maxdepth 1 ! -name checks.db -exec rm -rf {} +
else
  echo "# kept $work for inspection"
fi
echo "1..$n"
