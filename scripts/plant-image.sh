#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Make a planted copy of a Debian 12 disk image for acceptance runs: the
# payloads of tests/plant-payloads.sh written into a standalone qcow2
# copy (the original is only read).  Used to try the checks on a real
# server image, e.g. one from scripts/make-debian-image.sh:
#
#   scripts/plant-image.sh debian.raw planted.qcow2 plant-out
#   vmscan --ioc plant-out/planted.ioc -o acc.db debian.raw planted.qcow2
#   python3 tests/check-findings.py --no-trees plant-out acc.db 1
#
# Writes OUT (qcow2) and into OUTDIR what plant-payloads.sh writes.

set -eu
export LC_ALL=C
if [ "$#" -ne 3 ]; then
  echo "usage: $0 IMAGE OUT.qcow2 OUTDIR" >&2
  exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
img=$1
dest=$2
mkdir -p "$3"
outdir=$(cd "$3" && pwd)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

# guestfish, under software emulation if KVM does not work here.
gf () {
  cat > "$stage/gf.in"
  guestfish "$@" < "$stage/gf.in" 2>/dev/null && return 0
  LIBGUESTFS_BACKEND=direct LIBGUESTFS_BACKEND_SETTINGS=force_tcg \
    guestfish "$@" < "$stage/gf.in"
}

qemu-img convert -O qcow2 "$img" "$dest"
# The files the payloads change or copy, out of the image.
mkdir -p "$stage/root"
need="/etc/passwd /etc/shadow /etc/pam.d/common-auth /usr/bin/id
/usr/bin/bash /usr/lib/x86_64-linux-gnu/libmd.so.0
/usr/lib/x86_64-linux-gnu/security/pam_permit.so"
script=
for f in $need; do
  mkdir -p "$stage/root$(dirname "$f")"
  script="$script
download $f $stage/root$f"
done
gf --ro -a "$dest" -i <<< "$script"
chmod 0755 "$stage/root/usr/bin/bash" "$stage/root/usr/bin/id"
touch -d '2000-01-01' "$stage/marker"
find "$stage/root" -type f -exec touch -d '1999-01-01' {} +
"$here/../tests/data/plant-payloads.sh" "$stage/root" "$outdir"
# Only what the payloads wrote goes back (files and links; parents are
# made by tar), with owners, modes and the capability xattr.
(cd "$stage/root" && find . \( -type f -o -type l \) -newer "$stage/marker" \
  -print0 | tar --null --no-recursion --numeric-owner --xattrs \
  --xattrs-include='security.*' -cf "$stage/payload.tar" -T -)
echo "tar-in $stage/payload.tar / xattrs:true" | gf -a "$dest" -i
echo "plant-image: wrote $dest; $(wc -l < "$outdir/planted.expect") items in $outdir/planted.expect"
