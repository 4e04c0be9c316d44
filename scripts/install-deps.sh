#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Installs what vmscan needs to build, run and test on Debian 12, from
# Debian's own archive.  Run as root (or through sudo).
set -eu

if [ "$(id -u)" != 0 ]; then
  exec sudo "$0" "$@"
fi

packages="
  autoconf automake make gcc pkg-config perl
  libguestfs-dev libmagic-dev libyara-dev libsqlite3-dev libssl-dev
  libext2fs-dev libnbd-dev libseccomp-dev libyaml-dev
  libguestfs0 libguestfs-tools guestfish supermin qemu-system-x86
  qemu-system-common strace
  linux-image-amd64 fuse3 file libmagic-mgc
  yara sqlite3 e2fsprogs fdisk qemu-utils dosfstools mtools python3
  coreutils util-linux sudo clang libclang-rt-14-dev rpm db5.3-util
  openssh-client libcap2-bin cron iputils-ping libpam-modules
  valgrind chromium python3-jsonschema python3-websocket sleuthkit cmark-gfm
  libtsk-dev libblkid-dev exfatprogs ntfs-3g xorriso xfsprogs
  strace slurmctld slurmd slurm-client munge shellcheck python3-yaml
"
# slurmctld, slurmd, slurm-client and munge are for tests/e2e/test-slurm.sh,
# which starts a private cluster of its own: Debian's slurmctld and
# slurmd units do not start without /etc/slurm/slurm.conf, and the test
# neither uses nor touches the munged Debian starts.
# The report test fetches the SARIF 2.1.0 schema with npm.  A node from
# elsewhere (NodeSource) already brings npm and conflicts with Debian's.
command -v npm > /dev/null 2>&1 || packages="$packages npm"

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $packages >/dev/null
echo "install-deps: installed:" $packages | tr -s ' ' ' '

# The first-boot checks' unit test lays Debian's own cloud-init package
# into a guest tree (tests/unit/unit-checks-firstboot.c).  Only the .deb
# is fetched: installed on this host, cloud-init would run at its boot.
cache=/var/cache/vmscan-test
mkdir -p "$cache"
if ! ls "$cache"/cloud-init_*.deb > /dev/null 2>&1; then
  (cd "$cache" && apt-get download -qq cloud-init > /dev/null 2>&1) \
    || echo "install-deps: could not download cloud-init into $cache" >&2
fi
