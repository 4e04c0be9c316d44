#!/bin/sh
# Every source file the project holds carries the one-line licence
# notice "SPDX-License-Identifier: BSD-3-Clause" (LICENSE has the text)
# in its first three lines.  The bundled rules (yara-rules/*.yar) are
# left as they are: each database records their SHA-256 as evidence, and
# LICENSE covers them.  Prints TAP.  Needs a git checkout (it asks git
# which files are the project's).
set -u

. "$(dirname "$0")/../lib.sh"

cd "$top_srcdir" || bail_out "cannot enter $top_srcdir"
command -v git > /dev/null 2>&1 && git rev-parse --git-dir > /dev/null 2>&1 \
  || skip_all "not a git checkout"

count=0 missing=
files=$(git ls-files -- '*.c' '*.h' '*.sh' '*.py' '*.sql' '*.am' '*.ac' \
          '.ci/run' | grep -v '^tests/data/tree/' | sort -u)
for f in $files; do
  [ -f "$f" ] || continue
  count=$((count + 1))
  head -n 3 "$f" | grep -q 'SPDX-License-Identifier: BSD-3-Clause' \
    || missing="$missing $f"
done
[ "$count" -gt 100 ]
ok $? "found the project's source files ($count)"
is "${missing# }" "" "every one carries the licence notice"
grep -q '^BSD 3-Clause License' LICENSE
ok $? "LICENSE holds the BSD 3-Clause text"
test_done
