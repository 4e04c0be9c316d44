#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Stage one filesystem tree for the end-to-end scan test, at check time.
#
# Usage: tests/make-tree.sh OUTDIR KIND
#
# KIND is one of
#   root  a tree that libguestfs inspection recognises as Debian 12
#         (hostname vmscan-test, fstab mounting LABEL=vmscan-root on / and
#         LABEL=vmscan-boot on /boot), with ELF binaries, a copy of
#         tests/tree under srv/data (plus an EICAR test file built here
#         from two halves) and hostile entries under srv/hostile: names
#         with control bytes, invalid UTF-8, markup and SQL, a 255-byte
#         name, 100 nested directories, every kind of symlink, a hard
#         link pair, a fifo, device nodes, a socket, odd owners and
#         modes, a 64 MiB sparse file, 3 MiB of random bytes and fixed
#         timestamps from 1985 to 2100;
#   boot  a small /boot (fake kernel, initrd, grub/grub.cfg);
#   data  files suited to FAT (8.3 and long names, no special files);
#   ext2  a handful of files from tests/tree;
#   vhd   a few other files from tests/tree.
#
# OUTDIR must not exist yet (or be empty); it becomes the root directory
# of the filesystem.  Git keeps neither owners, nor most modes, nor
# special files, nor hostile names: all of those are made here.  Run as
# root: otherwise ownership changes and device nodes are skipped (with a
# note on stderr) and the tree simply records what could be made; the
# reference (tests/reference.py) reads the staged tree, so it still
# agrees with it.
#
# Every timestamp is fixed, so the trees differ between runs only in the
# random file's bytes.

set -eu
umask 022
export LC_ALL=C TZ=UTC

if [ "$#" -ne 2 ]; then
  echo "usage: $0 OUTDIR KIND" >&2
  exit 2
fi
out=$1
kind=$2
here=$(cd "$(dirname "$0")" && pwd)
src=$here/tree

if [ ! -d "$src" ]; then
  echo "$0: $src is missing" >&2
  exit 1
fi
if [ -e "$out" ] && [ -n "$(ls -A "$out")" ]; then
  echo "$0: $out exists and is not empty" >&2
  exit 1
fi
mkdir -p "$out"
out=$(cd "$out" && pwd)

is_root=0
[ "$(id -u)" -eq 0 ] && is_root=1
note () { echo "make-tree: $*" >&2; }

# Base time for everything not dated on purpose.
base_time='2023-06-01 12:00:00 UTC'

# own UID:GID PATH... (root only)
own () {
  local ug=$1
  shift
  if [ "$is_root" -eq 1 ]; then
    chown -h "$ug" "$@"
  fi
}

# Copy tests/tree (or a part of it) into DEST with normal modes.
copy_tree () {
  local dest=$1
  shift
  mkdir -p "$dest"
  dest=$(cd "$dest" && pwd)
  if [ "$#" -eq 0 ]; then
    cp -R "$src/." "$dest/"
  else
    (cd "$src" && cp -R --parents "$@" "$dest/")
  fi
  find "$dest" -type d -exec chmod 0755 {} +
  find "$dest" -type f -exec chmod 0644 {} +
  find "$dest" -type f -name '*.sh' -exec chmod 0755 {} +
}

# The EICAR anti-malware test file, assembled from two halves so that the
# repository never holds it in one piece.
eicar () {
  # shellcheck disable=SC2016
  printf '%s%s' 'X5O!P%@AP[4\PZX54(P^)7CC)7}$' \
    'EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*' > "$1"
}

# dated DATE PATH...: set atime and mtime without following symlinks and
# without opening anything (-c -h: never opens a fifo or a device).
dated () {
  local d=$1
  shift
  touch -c -h -d "$d" -- "$@"
}

make_root () {
  local h
  cd "$out"
  mkdir -p etc bin usr/bin usr/lib boot root tmp home/tester var/log srv

  cat > etc/os-release <<'EOF'
PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
HOME_URL="https://www.debian.org/"
SUPPORT_URL="https://www.debian.org/support"
BUG_REPORT_URL="https://bugs.debian.org/"
EOF
  echo 12.5 > etc/debian_version
  echo vmscan-test > etc/hostname
  cat > etc/hosts <<'EOF'
127.0.0.1	localhost
127.0.1.1	vmscan-test
EOF
  cat > etc/fstab <<'EOF'
# <file system>      <mount point> <type> <options>          <dump> <pass>
LABEL=vmscan-root    /             ext4   errors=remount-ro  0      1
LABEL=vmscan-boot    /boot         ext4   defaults           0      2
EOF
  cat > etc/passwd <<'EOF'
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
tester:x:1234:5678:Test User,,,:/home/tester:/bin/sh
EOF
  cat > etc/group <<'EOF'
root:x:0:
daemon:x:1:
shadow:x:42:
nogroup:x:65534:
testers:x:5678:
EOF
  cat > etc/shadow <<'EOF'
root:*:19500:0:99999:7:::
daemon:*:19500:0:99999:7:::
nobody:*:19500:0:99999:7:::
tester:!:19500:0:99999:7:::
EOF
  chmod 0640 etc/shadow
  own 0:42 etc/shadow

  # ELF binaries: libguestfs reads the architecture from /bin/sh.
  cp /bin/true bin/true
  cp /bin/true bin/sh
  cp /usr/bin/env usr/bin/env
  cp /bin/true usr/bin/true-setuid
  chmod 0755 bin/true bin/sh usr/bin/env
  chmod 4755 usr/bin/true-setuid
  ln -s ../../etc/os-release usr/lib/os-release

  chmod 0700 root
  chmod 1777 tmp
  printf 'Jun  1 12:00:00 vmscan-test kernel: test log line\n' > var/log/syslog
  chmod 0640 var/log/syslog
  printf 'export PATH=/usr/bin:/bin\n' > home/tester/.profile
  own 1234:5678 home/tester home/tester/.profile

  # srv/data: tests/tree and the EICAR test file.
  copy_tree srv/data
  eicar srv/data/eicar.com

  # srv/hostile
  mkdir srv/hostile
  cd srv/hostile
  echo newline > $'newline\nname.txt'
  echo tab > $'tab\tname.txt'
  echo cr > $'cr\rname.txt'
  echo 'invalid utf-8' > $'bad-utf8-\xff\xfe.txt'
  echo quotes > "it's \"quoted\".txt"
  # A name cannot hold '/': the closing tag makes a directory and a file.
  mkdir '<script>alert(1)<'
  echo xss > '<script>alert(1)</script>'
  echo xss > '"><img src=x onerror=alert(1)>'
  echo sql > "'; DROP TABLE files;--"
  # shellcheck disable=SC2016
  echo shell > '$(id)`id`'
  echo format > '%s%n%x%p'
  echo glob > '*'
  echo backslash > 'back\slash'
  echo dash > '-leading-dash'
  echo space > ' leading and trailing space '
  echo utf8 > 'café-ünïcödé-名前.txt'
  echo rtl > $'evil\xe2\x80\xaetxt.exe'
  h=$(printf '%0251d' 0 | tr 0 x)
  echo 255 > "${h}.txt"
  [ "${#h}" -eq 251 ] || { note "internal error: long name"; exit 1; }

  # 100 levels of d/.
  h=d
  for _ in $(seq 2 100); do h=$h/d; done
  mkdir -p "$h"
  echo 'at the bottom' > "$h/bottom.txt"

  # Symbolic links, never to be followed.
  ln -s ../data/README.txt link-relative
  ln -s /etc/shadow link-absolute-shadow
  ln -s no/such/target link-dangling
  ln -s loop-b loop-a
  ln -s loop-a loop-b
  ln -s link-self link-self
  ln -s ../data link-to-dir
  ln -s $'target\nwith newline' link-newline
  ln -s "$(printf 'long-target/%.0s' $(seq 1 20))end" link-long
  ln -s $'\xff\xfe-target' link-bad-utf8

  echo 'two names, one inode' > hard-a
  ln hard-a hard-b

  mkfifo fifo
  if [ "$is_root" -eq 1 ]; then
    mknod chardev-null c 1 3
    # Major 240 is reserved for local use: nothing on the host answers it.
    mknod blockdev-240-0 b 240 0
  fi
  python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
s.close()' socket

  : > empty
  echo 'owned by 1234:5678' > owned-1234
  own 1234:5678 owned-1234
  mkdir owned-dir
  echo inside > owned-dir/inside.txt
  own 1234:5678 owned-dir owned-dir/inside.txt
  echo 'uid above 2^31' > owned-big-uid
  own 4000000000:4000000001 owned-big-uid

  echo 'mode 0000' > mode-0000
  echo 'mode 0600' > mode-0600
  chmod 0600 mode-0600
  echo 'mode 2755' > mode-2755
  chmod 2755 mode-2755
  echo 'mode 0777' > mode-0777
  chmod 0777 mode-0777
  mkdir sticky-dir
  chmod 1777 sticky-dir
  mkdir dir-0000
  echo 'in an unreadable directory' > dir-0000/inside.txt

  truncate -s 64M sparse-64M
  printf 'end' | dd of=sparse-64M bs=1 seek=$((64 * 1024 * 1024 - 3)) \
    conv=notrunc status=none
  head -c $((3 * 1024 * 1024)) /dev/urandom > random-3M

  echo 1985 > time-1985
  echo 2038 > time-2038
  echo 2100 > time-2100
  echo ns > time-ns
  mkdir time-dir-1999
  cd "$out"
}

make_boot () {
  cd "$out"
  mkdir -p grub
  printf 'This is not a kernel, just text that vmscan hashes.\n' \
    > vmlinuz-6.1.0-99-amd64
  printf 'not an initrd either\n' > initrd.img-6.1.0-99-amd64
  printf 'CONFIG_EXT4_FS=y\nCONFIG_VFAT_FS=m\n' > config-6.1.0-99-amd64
  cat > grub/grub.cfg <<'EOF'
set default=0
set timeout=5
menuentry 'Debian GNU/Linux' {
	search --no-floppy --label --set=root vmscan-boot
	linux /vmlinuz-6.1.0-99-amd64 root=LABEL=vmscan-root ro quiet
	initrd /initrd.img-6.1.0-99-amd64
}
EOF
  chmod 0600 config-6.1.0-99-amd64
}

make_data () {
  cd "$out"
  mkdir -p DOCS photos/2023/summer
  printf 'UPPER CASE 8.3 NAME\r\n' > README.TXT
  printf 'lower case 8.3 name\n' > notes.txt
  printf 'mixed case\n' > MixedCase.Txt
  printf 'a long name with spaces\n' > 'Long File Name With Spaces.txt'
  printf 'a,b\n1,2\n' > very.many.dots.in.name.csv
  printf 'manual\n' > DOCS/MANUAL.TXT
  cp "$src/images/pixel.png" photos/pixel.png
  cp "$src/config/app.json" app.json
  cp "$src/archive/hello.txt.gz" hello.txt.gz
  printf 'sand\n' > photos/2023/summer/beach.txt
  : > empty.dat
  head -c $((100 * 1024)) /dev/urandom > random-100k.bin
  eicar EICAR.COM
  find . -type d -exec chmod 0755 {} +
  find . -type f -exec chmod 0644 {} +
}

make_ext2 () {
  cd "$out"
  copy_tree . README.txt scripts/hello.sh images/pixel.png \
    archive/hello.txt.gz config/app.json
  ln -s README.txt readme-link
  ln README.txt readme-hardlink
}

make_vhd () {
  cd "$out"
  copy_tree . docs nested
  printf 'this file lives on the VHD disk\n' > vhd-marker.txt
}

case $kind in
  root) make_root ;;
  boot) make_boot ;;
  data) make_data ;;
  ext2) make_ext2 ;;
  vhd) make_vhd ;;
  *) echo "$0: unknown KIND '$kind' (root, boot, data, ext2, vhd)" >&2
     exit 2 ;;
esac

cd "$out"
# Everything made here as root is owned by 0:0; own() set the exceptions.
if [ "$is_root" -ne 1 ]; then
  extra=""
  [ "$kind" = root ] && extra=", no device nodes, no mode 0000 entries"
  note "not root: owners left as $(id -u):$(id -g)$extra"
fi

# Fixed times.  Files and links first, directories last and deepest
# first, so nothing created later moves a directory's mtime.
find . -depth ! -type d -exec touch -c -h -d "$base_time" -- {} +
find . -depth -type d -exec touch -c -h -d "$base_time" -- {} +
if [ "$kind" = root ]; then
  cd srv/hostile
  dated '1985-10-26 01:21:00 UTC' time-1985
  dated '2038-01-19 03:14:08 UTC' time-2038
  dated '2100-12-31 23:59:58 UTC' time-2100
  dated '2021-03-04 05:06:07.123456789 UTC' time-ns
  dated '1999-12-31 23:59:58 UTC' time-dir-1999
  dated '2001-09-09 01:46:40 UTC' link-relative
  # Last: chmod changes no mtime, and a 0000 directory is not walkable
  # by anyone but root.
  if [ "$is_root" -eq 1 ]; then
    chmod 0000 mode-0000 dir-0000
  fi
  cd "$out"
elif [ "$kind" = data ]; then
  # FAT keeps local time in 2-second steps: even seconds only.
  find . -depth -exec touch -c -d '2022-05-06 07:08:10 UTC' -- {} +
  dated '1999-12-31 23:59:58 UTC' DOCS/MANUAL.TXT
fi
exit 0
