#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# TAP test of the command line: options, documentation, usage errors and
# refusal to overwrite.  Needs no appliance.
set -u

. "$(dirname "$0")/../lib.sh"
require_vmscan
setup_work
tmp=$work    # the name the tests below use

"$VMSCAN" --help > "$tmp/help" 2>&1
ok $? "--help exits 0"

# Every long option the program accepts is in --help and in the man page.
opts=$(sed -n 's/^ *{ "\([a-z-]*\)", .*/\1/p' "$top_srcdir/src/cli/vmscan.c")
[ -n "$opts" ]
ok $? "found the option table in src/cli/vmscan.c"
missing=""
for o in $opts; do
  grep -q -- "--$o" "$tmp/help" || missing="$missing help:--$o"
  grep -q -- "B<--$o>" "$top_srcdir/man/vmscan.pod" \
    || missing="$missing man:--$o"
done
[ -z "$missing" ]
ok $? "every option is in --help and vmscan.pod${missing:+ (missing:$missing)}"

"$VMSCAN" --version | grep -q '^vmscan [0-9]'
ok $? "--version prints the version"

"$VMSCAN" > /dev/null 2>&1
[ $? -eq 2 ]
ok $? "no image: exit 2"

"$VMSCAN" --no-such-option x > /dev/null 2>&1
[ $? -eq 2 ]
ok $? "unknown option: exit 2"

"$VMSCAN" --format qed x > /dev/null 2> "$tmp/err"
[ $? -eq 2 ] && grep -q "unknown format" "$tmp/err"
ok $? "unknown --format: exit 2 with a message"

"$VMSCAN" -j 0 x > /dev/null 2>&1
[ $? -eq 2 ]
ok $? "-j 0: exit 2"

"$VMSCAN" --max-yara-size lots x > /dev/null 2>&1
[ $? -eq 2 ]
ok $? "bad --max-yara-size: exit 2"

cd "$tmp" || exit 1
"$VMSCAN" -q /nonexistent/disk.img > out 2> err
rc=$?
[ $rc -eq 2 ] && [ "$(wc -l < err)" -eq 1 ] && grep -q "No such file" err
ok $? "missing image: exit 2, one line on stderr ($(cat err))"
[ -f disk.img.vmscan.db ] \
  && [ "$(sqlite3 disk.img.vmscan.db "SELECT status FROM scans")" = failed ] \
  && [ "$(sqlite3 disk.img.vmscan.db "SELECT stage FROM errors")" = image ]
ok $? "default database named for the image records the failure"

cp disk.img.vmscan.db before.db
"$VMSCAN" -q /nonexistent/disk.img > out 2> err
[ $? -eq 2 ] && grep -q "already exists" err && cmp -s before.db disk.img.vmscan.db
ok $? "existing database is not overwritten without --force"

"$VMSCAN" -q -f /nonexistent/disk.img > out 2> err
[ $? -eq 2 ] && ! grep -q "already exists" err
ok $? "--force replaces the database"

printf 'image bytes' > img.raw
"$VMSCAN" -q -o img.raw img.raw > out 2> err
[ $? -eq 2 ] && [ "$(cat img.raw)" = "image bytes" ]
ok $? "database path equal to the image is refused"
ln img.raw link.raw
"$VMSCAN" -q -f -o link.raw img.raw > out 2> err
[ $? -eq 2 ] && grep -q "overwrite the image" err && [ "$(cat img.raw)" = "image bytes" ]
ok $? "--force onto a hard link of the image is refused"

# --list-checks: one line per entry of the registry, counted here from
# src/checks/list.h itself.
"$VMSCAN" --list-checks > "$tmp/checks" 2> "$tmp/err"
[ $? -eq 0 ] && [ ! -s "$tmp/err" ]
ok $? "--list-checks exits 0"
want=$(grep -c '^VS_CHECK (' "$top_srcdir/src/checks/list.h")
[ "$want" -gt 40 ] && [ "$(wc -l < "$tmp/checks")" -eq "$want" ]
ok $? "--list-checks prints the $want checks of the registry"
grep -q '^persistence\.cron  *os  *cron jobs' "$tmp/checks"
ok $? "--list-checks: id, scope and description"

"$VMSCAN" --skip-check persistence.nope disk.img > out 2> err
[ $? -eq 2 ] && [ "$(wc -l < err)" -eq 1 ] && grep -q persistence.nope err
ok $? "--skip-check of an unknown id: one line, exit 2"
"$VMSCAN" --skip-check os disk.img > out 2> err
[ $? -eq 2 ] && [ "$(wc -l < err)" -eq 1 ]
ok $? "--skip-check of a row that is not a check: exit 2"

test_done
