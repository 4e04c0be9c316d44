/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for osdetect.c: os-release parsing, fstab device specs,
 * and finding roots in a fake appliance tree on the host (what the
 * scan does when libguestfs inspection fails). */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "check-harness.h"
#include "core/osdetect.h"
#include "tap.h"
#include "base/util.h"

static void
clear_os (struct vs_os *os)
{
  free (os->root);
  free (os->type);
  free (os->distro);
  free (os->product_name);
  free (os->hostname);
  free (os->arch);
  free (os->package_format);
  free (os->package_management);
  memset (os, 0, sizeof *os);
}

static int
streq (const char *a, const char *b)
{
  return a && b && strcmp (a, b) == 0;
}

static void
test_release (void)
{
  struct vs_os os;
  int linux_;
  const char *deb = "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"
    "NAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nID=debian\n";
  const char *ubu = "# comment\nNAME='Ubuntu'\nVERSION_ID=\"22.04\"\n"
    "ID=Ubuntu\n  \nPRETTY_NAME=\"say \\\"hi\\\" \\$HOME\"";
  const char *bsd = "NAME=FreeBSD\nVERSION_ID=14.0\nID=freebsd\n";
  const char *junk = "ID\n=\nVERSION_ID=abc\nNAME=\"\nID=\"\"\n";

  memset (&os, 0, sizeof os);
  vs_os_release_parse (deb, strlen (deb), &os, &linux_);
  tap_ok (linux_ && streq (os.distro, "debian")
          && streq (os.product_name, "Debian GNU/Linux 12 (bookworm)")
          && os.major == 12 && os.minor == 0, "Debian os-release");
  clear_os (&os);
  vs_os_release_parse (ubu, strlen (ubu), &os, &linux_);
  tap_ok (linux_ && streq (os.distro, "ubuntu") && os.major == 22
          && os.minor == 4 && streq (os.product_name, "say \"hi\" $HOME"),
          "quotes, escapes, comments, blank lines, ID lowercased");
  clear_os (&os);
  vs_os_release_parse (bsd, strlen (bsd), &os, &linux_);
  tap_ok (!linux_ && streq (os.distro, "freebsd") && os.major == 14,
          "a BSD's os-release is not Linux");
  clear_os (&os);
  vs_os_release_parse (junk, strlen (junk), &os, &linux_);
  tap_ok (linux_ && os.distro == NULL && os.major == 0
          && os.product_name == NULL, "junk lines are ignored");
  clear_os (&os);
}

static struct vs_fs
fs_at (const char *device, const char *walk_root, const char *uuid,
       const char *label)
{
  struct vs_fs fs;

  memset (&fs, 0, sizeof fs);
  fs.device = vs_xstrdup (device);
  fs.walk_root = walk_root ? vs_xstrdup (walk_root) : NULL;
  fs.uuid = uuid ? vs_xstrdup (uuid) : NULL;
  fs.label = label ? vs_xstrdup (label) : NULL;
  fs.os_index = -1;
  fs.mounted = 1;
  return fs;
}

static void
test_fstab_match (void)
{
  struct vs_fs fss[7];
  size_t i;

  fss[0] = fs_at ("/dev/sda1", NULL, "AAAA-1111", "root");
  fss[1] = fs_at ("/dev/sda2", NULL, "b1b1", "boot");
  fss[2] = fs_at ("/dev/sdb1", NULL, "c2c2", "data");
  /* A clone of disk a: the same UUIDs and labels. */
  fss[3] = fs_at ("/dev/sdc1", NULL, "AAAA-1111", "root");
  fss[4] = fs_at ("/dev/sdc2", NULL, "b1b1", "boot");
  fss[5] = fs_at ("/dev/vg0/my-lv", NULL, "d3d3", NULL);
  fss[6] = fs_at ("/dev/sdd", NULL, "e4e4", NULL);

  tap_ok (vs_fstab_match (fss, 7, 0, "UUID=c2c2") == 2, "UUID=");
  tap_ok (vs_fstab_match (fss, 7, 0, "UUID=aaaa-1111") == 0
          && vs_fstab_match (fss, 7, 3, "UUID=AAAA-1111") == 3,
          "a UUID two clones share: the one on the root's disk, any case");
  tap_ok (vs_fstab_match (fss, 7, 0, "LABEL=boot") == 1
          && vs_fstab_match (fss, 7, 3, "LABEL=boot") == 4,
          "a label two clones share: the one on the root's disk");
  tap_ok (vs_fstab_match (fss, 7, 2, "LABEL=boot") == -1,
          "a shared label from a third disk is ambiguous: none");
  tap_ok (vs_fstab_match (fss, 7, 0, "/dev/disk/by-uuid/c2c2") == 2
          && vs_fstab_match (fss, 7, 0, "/dev/disk/by-label/data") == 2,
          "/dev/disk/by-uuid and by-label");
  tap_ok (vs_fstab_match (fss, 7, 0, "/dev/vdb1") == 2
          && vs_fstab_match (fss, 7, 0, "/dev/xvdb1") == 2
          && vs_fstab_match (fss, 7, 0, "/dev/hdb1") == 2
          && vs_fstab_match (fss, 7, 0, "/dev/sdb1") == 2,
          "vd, xvd, hd and sd names of the same partition");
  tap_ok (vs_fstab_match (fss, 7, 0, "/dev/nvme1n1p1") == 2
          && vs_fstab_match (fss, 7, 0, "/dev/nvme3n1") == 6,
          "NVMe names");
  tap_ok (vs_fstab_match (fss, 7, 0, "/dev/mapper/vg0-my--lv") == 5
          && vs_fstab_match (fss, 7, 0, "/dev/vg0/my-lv") == 5,
          "device-mapper and VG/LV names of a logical volume");
  tap_ok (vs_fstab_match (fss, 7, 0, "UUID=") == -1
          && vs_fstab_match (fss, 7, 0, "LABEL=") == -1
          && vs_fstab_match (fss, 7, 0, "PARTUUID=1234") == -1
          && vs_fstab_match (fss, 7, 0, "tmpfs") == -1
          && vs_fstab_match (fss, 7, 0, "/dev/sdz9") == -1,
          "empty, unknown and unmatched specs match nothing");
  for (i = 0; i < 7; i++) {
    free (fss[i].device);
    free (fss[i].uuid);
    free (fss[i].label);
  }
}

static void
test_detect (void)
{
  struct vs_test_guest t;
  struct vs_fs fss[6];
  struct vs_os *oses = NULL;
  size_t nos = 0, i, found;
  /* The start of an x86-64 ELF executable. */
  static const char elf[20] = "\177ELF\2\1\1\0\0\0\0\0\0\0\0\0\3\0\x3e\0";

  vs_test_guest_init (&t);
  /* 0: a root whose os-release is a link into /usr, which is fs 1;
   * fstab also names fs 2 at /srv (with \040 for a blank), and things
   * that must not be used. */
  vs_test_symlink (&t, "/vmscan/0/etc/os-release", "../usr/lib/os-release");
  vs_test_write (&t, "/vmscan/0/etc/passwd", "root:x:0:0::/root:/bin/sh\n",
                 0644);
  vs_test_write (&t, "/vmscan/0/etc/hostname", "web-01\n", 0644);
  vs_test_write (&t, "/vmscan/0/etc/fstab",
                 "# fstab\n"
                 "UUID=r00t / ext4 defaults 0 1\n"
                 "LABEL=usr /usr ext4 ro 0 2\n"
                 "/dev/vdc1 /srv/my\\040data/ ext4 defaults 0 2\n"
                 "UUID=0ther /../etc ext4 defaults 0 2\n"
                 "UUID=r00t /again ext4 defaults 0 2\n"
                 "tmpfs /tmp tmpfs defaults 0 0\n", 0644);
  vs_test_symlink (&t, "/vmscan/0/bin", "usr/bin");
  vs_test_mkdir (&t, "/vmscan/0/var/lib/rpm", 0755);
  vs_test_mkdir (&t, "/vmscan/0/usr", 0755);
  vs_test_write (&t, "/vmscan/1/lib/os-release",
                 "ID=rocky\nVERSION_ID=\"9.3\"\nNAME=\"Rocky Linux\"\n",
                 0644);
  vs_test_write_len (&t, "/vmscan/1/bin/sh", elf, sizeof elf, 0755);
  vs_test_write (&t, "/vmscan/2/hello", "x", 0644);
  /* 3: passwd and shadow but no os-release; its hostname and os-release
   * links lead out of the guest, to host files that must not be read. */
  vs_test_write (&t, "/vmscan/3/etc/passwd", "root:x:0:0::/root:/bin/sh\n",
                 0644);
  vs_test_write (&t, "/vmscan/3/etc/shadow", "root:*:1:0:::::\n", 0644);
  vs_test_symlink (&t, "/vmscan/3/etc/hostname", "/proc/sys/kernel/hostname");
  vs_test_symlink (&t, "/vmscan/3/usr/lib/os-release", "/etc/os-release");
  /* 4: a data disk with a passwd file only: not a root. */
  vs_test_write (&t, "/vmscan/4/etc/passwd", "x:x:1:1::/:/bin/sh\n", 0644);
  /* 5: a root that is not mounted is not looked at. */
  vs_test_write (&t, "/vmscan/5/etc/os-release", "ID=ghost\n", 0644);

  fss[0] = fs_at ("/dev/sda1", "/vmscan/0", "r00t", NULL);
  fss[1] = fs_at ("/dev/sda2", "/vmscan/1", NULL, "usr");
  fss[2] = fs_at ("/dev/sdc1", "/vmscan/2", "0ther", NULL);
  fss[3] = fs_at ("/dev/sdd1", "/vmscan/3", NULL, NULL);
  fss[4] = fs_at ("/dev/sde1", "/vmscan/4", NULL, NULL);
  fss[5] = fs_at ("/dev/sdf1", "/vmscan/5", NULL, NULL);
  fss[5].mounted = 0;

  found = vs_os_detect (t.root, fss, 6, &oses, &nos);
  tap_ok (found == 2 && nos == 2, "two roots found (%zu)", found);
  tap_ok (nos >= 1 && streq (oses[0].root, "/dev/sda1")
          && streq (oses[0].type, "linux") && streq (oses[0].distro, "rocky")
          && oses[0].major == 9 && oses[0].minor == 3
          && streq (oses[0].product_name, "Rocky Linux")
          && streq (oses[0].hostname, "web-01")
          && streq (oses[0].arch, "x86_64")
          && streq (oses[0].package_format, "rpm"),
          "the first: os-release and /bin/sh read through its /usr "
          "filesystem, hostname, rpm");
  tap_ok (fss[0].os_index == 0 && streq (fss[0].os_mountpoint, "/")
          && fss[1].os_index == 0 && streq (fss[1].os_mountpoint, "/usr")
          && fss[2].os_index == 0
          && streq (fss[2].os_mountpoint, "/srv/my data"),
          "its fstab: LABEL= at /usr, a vd name with \\040 at /srv/my data");
  tap_ok (nos == 2 && streq (oses[1].root, "/dev/sdd1")
          && streq (oses[1].type, "linux") && oses[1].distro == NULL
          && oses[1].hostname == NULL && oses[1].arch == NULL
          && fss[3].os_index == 1,
          "passwd and shadow make a root; links out of the guest read "
          "nothing");
  tap_ok (fss[4].os_index == -1 && fss[4].os_mountpoint == NULL
          && fss[5].os_index == -1,
          "a data disk with only a passwd file, and an unmounted root, "
          "are not roots");

  /* Run again: every filesystem is claimed, nothing new. */
  found = vs_os_detect (t.root, fss, 6, &oses, &nos);
  tap_ok (found == 0 && nos == 2, "filesystems with an OS are left alone");

  for (i = 0; i < nos; i++)
    clear_os (&oses[i]);
  free (oses);
  for (i = 0; i < 6; i++) {
    free (fss[i].device);
    free (fss[i].walk_root);
    free (fss[i].uuid);
    free (fss[i].label);
    free (fss[i].os_mountpoint);
  }
  vs_test_guest_free (&t);
}

int
main (void)
{
  tap_plan (19);
  test_release ();
  test_fstab_match ();
  test_detect ();
  return tap_done ();
}
