#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Builds a realistic Debian 12 server disk image for benchmarks and
# acceptance checks: debootstrap a tree (from Debian's archive), then make
# an MBR disk with one ext4 root partition from it, with host tools only
# (no appliance, nothing mounted).
#
#   scripts/make-debian-image.sh TREE_DIR OUTPUT.raw [SIZE_MB]
#
# TREE_DIR is reused if it already holds a tree (delete it to start
# again).  Needs root (debootstrap), debootstrap, e2fsprogs, fdisk.
set -eu

tree=$1
out=$2
size_mb=${3:-2048}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
include=openssh-server,sudo,cron,curl,ca-certificates,python3,rsyslog,\
logrotate,less,vim-tiny,iproute2,ifupdown,netbase,locales,man-db,\
apt-utils,procps,nginx-light,systemd-sysv,dbus

if [ ! -x "$tree/bin/sh" ]; then
  rm -rf "$tree"
  debootstrap --include="$include" bookworm "$tree" "$mirror"
  echo vmscan-bench > "$tree/etc/hostname"
  printf 'LABEL=bench-root / ext4 errors=remount-ro 0 1\n' > "$tree/etc/fstab"
  rm -rf "$tree/var/cache/apt/archives/"*.deb
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
part_mb=$((size_mb - 2))
mke2fs -q -t ext4 -L bench-root -d "$tree" "$tmp/part.img" "${part_mb}M"
truncate -s "${size_mb}M" "$out.tmp"
printf 'label: dos\nstart=2048, type=83\n' | sfdisk -q "$out.tmp"
dd if="$tmp/part.img" of="$out.tmp" bs=1M seek=1 conv=notrunc,sparse \
  status=none
mv "$out.tmp" "$out"
echo "$out: $(find "$tree" | wc -l) entries"
