#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Lay a Debian package into a guest tree as dpkg would have installed it,
# without running anything of it: its files (through the tree's
# usr-merged links), its .list and .md5sums, its paragraph in
# var/lib/dpkg/status with the digests of its conffiles, and its
# services enabled as deb-systemd-helper leaves them (a link in
# etc/systemd/system/TARGET.wants/ for each WantedBy=).  The tree's files
# then count as the package's own.  Used by the first-boot checks' unit
# test and by make-planted.sh, with the cloud-init .deb that
# scripts/install-deps.sh downloads (never installed on the host).
#
# Usage: tests/data/lay-deb.sh ROOT DEB

set -eu
export LC_ALL=C
if [ "$#" -ne 2 ]; then
  echo "usage: $0 ROOT DEB" >&2
  exit 2
fi
root=$1
deb=$2
ctrl=$(mktemp -d)
trap 'rm -rf "$ctrl"' EXIT
pkg=$(dpkg-deb -f "$deb" Package)
mkdir -p "$root/var/lib/dpkg/info"
dpkg-deb --fsys-tarfile "$deb" \
  | tar -C "$root" --keep-directory-symlink --no-same-owner -xf -
dpkg-deb -e "$deb" "$ctrl"
[ -f "$ctrl/md5sums" ] && cp "$ctrl/md5sums" "$root/var/lib/dpkg/info/$pkg.md5sums"
dpkg-deb --fsys-tarfile "$deb" | tar -tf - \
  | sed -e 's|^\./|/|' -e 's|/$||' -e 's|^\.$|/.|' -e 's|^$|/.|' \
  > "$root/var/lib/dpkg/info/$pkg.list"
# A stanza of the status file ends with a blank line; the file may end
# without one.
status=$root/var/lib/dpkg/status
if [ -s "$status" ]; then
  case $(tail -c 2 "$status" | od -An -tx1 | tr -d ' \n') in
    0a0a) ;;
    *0a) echo >> "$status" ;;
    *) printf '\n\n' >> "$status" ;;
  esac
fi
{
  dpkg-deb -f "$deb" | sed '1a\
Status: install ok installed'
  if [ -s "$ctrl/conffiles" ]; then
    echo 'Conffiles:'
    while read -r f; do
      [ -f "$root$f" ] || continue
      echo " $f $(md5sum < "$root$f" | cut -d' ' -f1)"
    done < "$ctrl/conffiles"
  fi
  echo
} >> "$root/var/lib/dpkg/status"
for u in "$root"/lib/systemd/system/*.service "$root"/usr/lib/systemd/system/*.service; do
  [ -f "$u" ] || continue
  grep -qxF "/lib/systemd/system/${u##*/}" "$root/var/lib/dpkg/info/$pkg.list" \
    || grep -qxF "/usr/lib/systemd/system/${u##*/}" "$root/var/lib/dpkg/info/$pkg.list" \
    || continue
  sed -n 's/^WantedBy=//p' "$u" | tr ' ' '\n' | sed '/^$/d' | while read -r t; do
    mkdir -p "$root/etc/systemd/system/$t.wants"
    ln -sfn "/lib/systemd/system/${u##*/}" "$root/etc/systemd/system/$t.wants/${u##*/}"
  done
done
