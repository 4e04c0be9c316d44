#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Build two small Debian 12 machines for the checks' end-to-end test:
# "clean", a stock tree, and "planted", the same tree with the payloads
# of published malicious images planted in it.  The stock tree is made
# from packages installed on this (Debian) host: their files as dpkg -L
# lists them and their dpkg database entries, so package integrity
# checks have a real database that matches the files; and, when its
# .deb is in /var/cache/vmscan-test, Debian's cloud-init laid in as dpkg
# would have installed it (lay-deb.sh).  Nothing here is
# live malware: the "miner" is /bin/true with strings appended, the
# keys are generated now, the AWS key is AWS's documented example.
#
# Usage: tests/make-planted.sh OUTDIR
#
# Writes OUTDIR/clean.raw (ext4, no partition table), OUTDIR/planted.qcow2
# (ext4 in qcow2), OUTDIR/planted.expect (what the checks must report:
# one "CATEGORY<TAB>MIN_SEVERITY<TAB>PATH<TAB>EVIDENCE_SUBSTRING<TAB>WHAT"
# line per planted item), OUTDIR/planted.ioc (an --ioc list) and
# OUTDIR/secrets.txt (secret strings that must never reach the
# database).

set -eu
export LC_ALL=C TZ=UTC
PATH=$PATH:/sbin:/usr/sbin

if [ "$#" -ne 1 ]; then
  echo "usage: $0 OUTDIR" >&2
  exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
out=$1
mkdir -p "$out"
out=$(cd "$out" && pwd)
say () { echo "make-planted: $*" >&2; }

for t in dpkg-query tar mke2fs e2fsck qemu-img ssh-keygen setcap python3; do
  command -v "$t" > /dev/null || { say "$t not found"; exit 1; }
done

packages="base-files base-passwd bash coreutils dash libc6 libc-bin login
passwd sudo libpam-modules libpam-modules-bin libpam-runtime libpam0g
procps util-linux grep sed tar gzip findutils debianutils
init-system-helpers libselinux1 libpcre2-8-0 libacl1 libattr1 libcap2
libcap2-bin libaudit1 libaudit-common libcrypt1 libtinfo6 libmd0 libbsd0
ncurses-base adduser cron cron-daemon-common iputils-ping libgcc-s1
libzstd1 liblzma5 libsystemd0 libcap-ng0 libdb5.3 libsemanage2 libsepol2
libsemanage-common libprocps8 libncursesw6 libsmartcols1 libtirpc3
libtirpc-common libgssapi-krb5-2 libkrb5-3 libk5crypto3 libkrb5support0
libcom-err2 libkeyutils1 libssl3 libgcrypt20 libgpg-error0 liblz4-1"
present=
for p in $packages; do
  if [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = \
       "install ok installed" ]; then
    present="$present $p"
  else
    say "host lacks package $p; the stock tree is built without it"
  fi
done

clean=$out/clean
planted=$out/planted
rm -rf "$clean" "$planted"
mkdir -p "$clean"
cd "$clean"

# Debian 12 is usr-merged: the top-level directories are symlinks.
mkdir -p usr/bin usr/sbin usr/lib usr/lib64
ln -s usr/bin bin
ln -s usr/sbin sbin
ln -s usr/lib lib
ln -s usr/lib64 lib64

# The packages' files, as the host has them.  Directories come first so
# their modes are kept; --keep-directory-symlink keeps the merged /bin.
# shellcheck disable=SC2086
for p in $present; do
  dpkg-query -L "$p" 2>/dev/null
done | while IFS= read -r f; do
  [ -e "$f" ] || [ -L "$f" ] || continue
  case $f in /bin|/sbin|/lib|/lib64|/usr/lib/x86_64-linux-gnu/gconv*) continue ;; esac
  printf '%s\n' "${f#/}"
done | sort -u > "$out/paths.txt"
tar -C / --no-recursion -cf - -T "$out/paths.txt" 2>/dev/null \
  | tar -C "$clean" --keep-directory-symlink -xpf -

# The dpkg database for exactly those packages.
mkdir -p var/lib/dpkg/info var/lib/dpkg/updates var/lib/dpkg/alternatives
echo "$present" | tr ' ' '\n' | sed '/^$/d' > "$out/pkgs.txt"
for p in $present; do
  for f in /var/lib/dpkg/info/"$p".* /var/lib/dpkg/info/"$p":*.*; do
    [ -f "$f" ] && cp -p "$f" var/lib/dpkg/info/
  done
done
python3 - "$out/pkgs.txt" > var/lib/dpkg/status <<'PY'
import sys
want = set(open(sys.argv[1]).read().split())
para = []
for block in open('/var/lib/dpkg/status', encoding='utf-8',
                  errors='surrogateescape').read().split('\n\n'):
    name = None
    for line in block.splitlines():
        if line.startswith('Package: '):
            name = line[9:].strip()
    if name in want:
        para.append(block.strip('\n'))
sys.stdout.write('\n\n'.join(para) + '\n')
PY

# cloud-init as Debian's cloud images carry it, from Debian's own .deb
# (scripts/install-deps.sh downloads it; it is never installed on the
# host): its files and dpkg entries, as stock as the host's packages.
ci_deb=${VMSCAN_CLOUD_INIT_DEB:-$(ls /var/cache/vmscan-test/cloud-init_*.deb 2>/dev/null | tail -n 1)}
if [ -n "$ci_deb" ] && [ -f "$ci_deb" ]; then
  "$here/lay-deb.sh" "$clean" "$ci_deb"
else
  say "no cloud-init .deb in /var/cache/vmscan-test; the stock tree has no cloud-init"
fi

# What a Debian 12 cloud image has besides the packages: the PAM stacks
# pam-auth-update writes at install time,
mkdir -p etc/pam.d
for f in common-auth common-account common-password common-session \
         common-session-noninteractive; do
  [ -f "/etc/pam.d/$f" ] && cp -p "/etc/pam.d/$f" etc/pam.d/
done
# and the rest.
mkdir -p etc/ssh/sshd_config.d root home/admin/.ssh tmp var/tmp \
  var/spool/cron/crontabs etc/systemd/system/multi-user.target.wants \
  etc/sudoers.d var/log dev proc sys run
chmod 1777 tmp var/tmp
chmod 0700 root
# base-files brought /etc/os-release (a link to ../usr/lib/os-release).
[ -e etc/os-release ] || { say "base-files gave no /etc/os-release"; exit 1; }
echo vmscan-checks > etc/hostname
cat > etc/fstab <<'FS'
LABEL=vmscan-root / ext4 rw,discard,errors=remount-ro 0 1
FS
cat > etc/passwd <<'PW'
root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
bin:x:2:2:bin:/bin:/usr/sbin/nologin
sys:x:3:3:sys:/dev:/usr/sbin/nologin
sync:x:4:65534:sync:/bin:/bin/sync
games:x:5:60:games:/usr/games:/usr/sbin/nologin
man:x:6:12:man:/var/cache/man:/usr/sbin/nologin
lp:x:7:7:lp:/var/spool/lpd:/usr/sbin/nologin
mail:x:8:8:mail:/var/mail:/usr/sbin/nologin
news:x:9:9:news:/var/spool/news:/usr/sbin/nologin
uucp:x:10:10:uucp:/var/spool/uucp:/usr/sbin/nologin
proxy:x:13:13:proxy:/bin:/usr/sbin/nologin
www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin
backup:x:34:34:backup:/var/backups:/usr/sbin/nologin
list:x:38:38:Mailing List Manager:/var/list:/usr/sbin/nologin
irc:x:39:39:ircd:/run/ircd:/usr/sbin/nologin
_apt:x:42:65534::/nonexistent:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
sshd:x:100:65534::/run/sshd:/usr/sbin/nologin
admin:x:1000:1000:Debian:/home/admin:/bin/bash
PW
awk -F: '{ printf "%s:%s:19700:0:99999:7:::\n", $1, ($1 == "root" || $1 == "admin") ? "*" : "*" }' \
  etc/passwd > etc/shadow
chmod 0640 etc/shadow
cat > etc/group <<'GR'
root:x:0:
daemon:x:1:
bin:x:2:
sys:x:3:
adm:x:4:admin
tty:x:5:
disk:x:6:
lp:x:7:
mail:x:8:
news:x:9:
uucp:x:10:
man:x:12:
proxy:x:13:
sudo:x:27:admin
www-data:x:33:
backup:x:34:
shadow:x:42:
utmp:x:43:
staff:x:50:
users:x:100:
nogroup:x:65534:
admin:x:1000:
GR
cat > etc/ssh/sshd_config <<'SSH'
Include /etc/ssh/sshd_config.d/*.conf
KbdInteractiveAuthentication no
UsePAM yes
X11Forwarding yes
PrintMotd no
AcceptEnv LANG LC_*
Subsystem	sftp	/usr/lib/openssh/sftp-server
SSH
printf 'PasswordAuthentication no\n' > etc/ssh/sshd_config.d/50-cloudimg.conf
# What the installer writes for APT and name resolution (no package owns
# these on Debian 12).
mkdir -p etc/apt/sources.list.d etc/apt/apt.conf.d etc/apt/trusted.gpg.d
cat > etc/apt/sources.list <<'APT'
deb http://deb.debian.org/debian bookworm main
deb http://deb.debian.org/debian bookworm-updates main
deb http://security.debian.org/debian-security bookworm-security main
APT
cat > etc/hosts <<'HOSTS'
127.0.0.1	localhost
127.0.1.1	vmscan-checks

# The following lines are desirable for IPv6 capable hosts
::1     localhost ip6-localhost ip6-loopback
ff02::1 ip6-allnodes
ff02::2 ip6-allrouters
HOSTS
printf 'domain example.internal\nsearch example.internal\nnameserver 10.0.0.2\n' \
  > etc/resolv.conf
cat > etc/nsswitch.conf <<'NSS'
passwd:         files
group:          files
shadow:         files
hosts:          files dns
networks:       files
protocols:      db files
services:       db files
ethers:         db files
rpc:            db files
netgroup:       nis
NSS
cat > home/admin/.bashrc <<'RC'
# ~/.bashrc: executed by bash(1) for non-login shells.
case $- in
    *i*) ;;
      *) return;;
esac
HISTCONTROL=ignoreboth
shopt -s histappend
HISTSIZE=1000
HISTFILESIZE=2000
shopt -s checkwinsize
if [ -x /usr/bin/dircolors ]; then
    eval "$(dircolors -b)"
    alias ls='ls --color=auto'
fi
RC
cp home/admin/.bashrc root/.bashrc
printf '# ~/.profile\nif [ -n "$BASH_VERSION" ] && [ -f "$HOME/.bashrc" ]; then\n    . "$HOME/.bashrc"\nfi\n' \
  > home/admin/.profile
chown -R 1000:1000 home/admin
chmod 0700 home/admin/.ssh
: > home/admin/.ssh/authorized_keys
chown 1000:1000 home/admin/.ssh/authorized_keys
chmod 0600 home/admin/.ssh/authorized_keys

# ------------------------------------------------------------------
# The planted machine: the same tree plus what published malicious
# images carry.
cd "$out"
cp -a "$clean" "$planted"
"$here/plant-payloads.sh" "$planted" "$out"
# ------------------------------------------------------------------
cd "$out"
mkfs () {
  size=$(( $(du -sm "$1" | cut -f1) * 14 / 10 + 64 ))
  rm -f "$2"
  truncate -s "${size}M" "$2"
  mke2fs -q -F -t ext4 -L vmscan-root -d "$1" "$2"
  e2fsck -fn "$2" > /dev/null
}
say "making the clean filesystem"
mkfs "$clean" "$out/clean.raw"
say "making the planted filesystem"
mkfs "$planted" "$out/planted.raw"
qemu-img convert -f raw -O qcow2 "$out/planted.raw" "$out/planted.qcow2"
rm -f "$out/planted.raw"
say "done: $(wc -l < "$out/planted.expect") planted items"
