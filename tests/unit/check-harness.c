/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan tests: a fake guest for the checks (see check-harness.h). */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "parse/accounts.h"
#include "base/hash.h"
#include "check-harness.h"
#include "core/guest.h"
#include "core/pkgdb.h"
#include "core/store.h"
#include "base/util.h"
#include "core/walk.h"

static void
bail (const char *what, const char *why)
{
  printf ("Bail out! %s: %s\n", what, why);
  exit (1);
}

void
vs_test_guest_init (struct vs_test_guest *t)
{
  char tmpl[] = "/tmp/vmscan-check-XXXXXX";

  memset (t, 0, sizeof *t);
  if (!mkdtemp (tmpl))
    bail ("mkdtemp", strerror (errno));
  t->tmp = vs_xstrdup (tmpl);
  t->root = vs_xasprintf ("%s/root", t->tmp);
  if (mkdir (t->root, 0755) == -1)
    bail (t->root, strerror (errno));
}

static char *
host_path (struct vs_test_guest *t, const char *path)
{
  if (path[0] != '/')
    bail (path, "guest paths start with /");
  return vs_xasprintf ("%s%s", t->root, path);
}

static void
make_parents (const char *p)
{
  char *copy = vs_xstrdup (p), *s;

  for (s = copy + 1; (s = strchr (s, '/')) != NULL; s++) {
    *s = '\0';
    if (mkdir (copy, 0755) == -1 && errno != EEXIST)
      bail (copy, strerror (errno));
    *s = '/';
  }
  free (copy);
}

void
vs_test_write_len (struct vs_test_guest *t, const char *path,
                   const char *data, size_t len, mode_t mode)
{
  char *p = host_path (t, path);
  int fd;

  make_parents (p);
  unlink (p);
  fd = open (p, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0600);
  if (fd == -1 || write (fd, data, len) != (ssize_t) len
      || fchmod (fd, mode) == -1 || close (fd) == -1)
    bail (p, strerror (errno));
  free (p);
}

void
vs_test_write (struct vs_test_guest *t, const char *path, const char *data,
               mode_t mode)
{
  vs_test_write_len (t, path, data, strlen (data), mode);
}

void
vs_test_mkdir (struct vs_test_guest *t, const char *path, mode_t mode)
{
  char *p = host_path (t, path);

  make_parents (p);
  if (mkdir (p, mode) == -1 && errno != EEXIST)
    bail (p, strerror (errno));
  if (chmod (p, mode) == -1)
    bail (p, strerror (errno));
  free (p);
}

void
vs_test_symlink (struct vs_test_guest *t, const char *path,
                 const char *target)
{
  char *p = host_path (t, path);

  make_parents (p);
  unlink (p);
  if (symlink (target, p) == -1)
    bail (p, strerror (errno));
  free (p);
}

void
vs_test_chown (struct vs_test_guest *t, const char *path, uid_t uid,
               gid_t gid)
{
  char *p = host_path (t, path);

  if (lchown (p, uid, gid) == -1)
    bail (p, strerror (errno));
  free (p);
}

void
vs_test_guest_scan (struct vs_test_guest *t, const char *distro,
                    const char *package_format)
{
  struct vs_scan_info info;
  struct vs_walk_config wc;
  struct vs_walker *w;
  char *err = NULL, *data = NULL;
  size_t len;

  t->db_path = vs_xasprintf ("%s/evidence.db", t->tmp);
  if (vs_store_create (t->db_path, 0, &t->store, &err) == -1)
    bail ("store", err);
  memset (&info, 0, sizeof info);
  info.tool_version = "test";
  info.command_line = "check-harness";
  if (vs_store_begin_scan (t->store, &info) == -1)
    bail ("store", vs_store_errmsg (t->store));
  t->os.root = (char *) "/dev/sda1";
  t->os.type = (char *) "linux";
  t->os.distro = (char *) distro;
  t->os.package_format = (char *) package_format;
  t->os.major = 12;
  t->os.minor = 0;
  if (vs_store_add_os (t->store, &t->os) == -1)
    bail ("store", vs_store_errmsg (t->store));
  t->fs.device = (char *) "/dev/sda1";
  t->fs.type = (char *) "ext4";
  t->fs.size = -1;
  t->fs.os_index = 0;
  t->fs.os_mountpoint = (char *) "/";
  t->fs.walk_root = (char *) "/";
  t->fs.mounted = 1;
  t->fs.status = VS_FS_SCANNED;
  if (vs_store_add_fs (t->store, &t->fs, &t->os) == -1)
    bail ("store", vs_store_errmsg (t->store));
  memset (&wc, 0, sizeof wc);
  wc.store = t->store;
  wc.jobs = 1;
  if (vs_walker_new (&wc, &w, &err) == -1)
    bail ("walker", err);
  if (vs_walker_walk (w, &t->fs, t->root, NULL) == -1)
    bail ("walk", "failed");
  vs_walker_free (w);
  if (vs_store_flush (t->store) == -1)
    bail ("store", vs_store_errmsg (t->store));

  memset (&t->ctx, 0, sizeof t->ctx);
  t->ctx.store = t->store;
  t->ctx.db = vs_store_db (t->store);
  t->ctx.scan_id = vs_store_scan_id (t->store);
  t->ctx.os = &t->os;
  t->ctx.guest = vs_guest_new ();
  if (vs_guest_add_mount (t->ctx.guest, "/", t->root) == -1)
    bail ("guest", strerror (errno));
  if (vs_guest_read (t->ctx.guest, "/etc/passwd", 1 << 20, 0, &data, &len)
      == 0) {
    t->accounts = vs_accounts_parse (data, len);
    free (data);
  }
  t->ctx.accounts = t->accounts;
}

static sqlite3_stmt *
prepare (struct vs_test_guest *t, const char *sql)
{
  sqlite3_stmt *s;

  if (vs_store_flush (t->store) == -1)
    bail ("store", vs_store_errmsg (t->store));
  if (sqlite3_prepare_v2 (t->ctx.db, sql, -1, &s, NULL) != SQLITE_OK)
    bail (sql, sqlite3_errmsg (t->ctx.db));
  return s;
}

int64_t
vs_test_count (struct vs_test_guest *t, const char *sql)
{
  sqlite3_stmt *s = prepare (t, sql);
  int64_t v = -1;

  if (sqlite3_step (s) == SQLITE_ROW)
    v = sqlite3_column_int64 (s, 0);
  sqlite3_finalize (s);
  return v;
}

char *
vs_test_text (struct vs_test_guest *t, const char *sql)
{
  sqlite3_stmt *s = prepare (t, sql);
  char *v = NULL;

  if (sqlite3_step (s) == SQLITE_ROW && sqlite3_column_type (s, 0)
      != SQLITE_NULL)
    v = vs_xmemdup (sqlite3_column_blob (s, 0),
                    (size_t) sqlite3_column_bytes (s, 0) + 1);
  sqlite3_finalize (s);
  return v;
}

void
vs_test_md5_hex (const char *data, size_t len, char out[33])
{
  struct vs_hash h;
  char sha1[41], sha256[65];

  vs_hash_init (&h);
  vs_hash_update (&h, data, len);
  vs_hash_final (&h, out, sha1, sha256);
}

void
vs_test_dpkg (struct vs_test_guest *t, const char *const *pkgs,
              size_t npkgs, const struct vs_test_pkgfile *files,
              size_t nfiles, const char *list_dirs, const char *fields,
              const char *extra_status)
{
  struct vs_buf status = VS_BUF_INIT;
  size_t i, k;

  for (k = 0; k < npkgs; k++) {
    struct vs_buf list = VS_BUF_INIT, sums = VS_BUF_INIT;
    const char *colon = strchr (pkgs[k], ':');
    size_t nlen = colon ? (size_t) (colon - pkgs[k]) : strlen (pkgs[k]);
    int has_conf = 0;
    char *path;

    vs_buf_addf (&status, "Package: %.*s\nStatus: install ok installed\n"
                 "%sArchitecture: %s\nVersion: 1.0-1\n", (int) nlen,
                 pkgs[k], fields ? fields : "", colon ? colon + 1 : "all");
    vs_buf_adds (&list, list_dirs);
    for (i = 0; i < nfiles; i++) {
      const struct vs_test_pkgfile *f = &files[i];
      char md5[33];

      if (strcmp (f->pkg, pkgs[k]) != 0)
        continue;
      vs_test_md5_hex (f->data, f->len ? f->len : strlen (f->data), md5);
      vs_buf_addf (&list, "%s\n", f->path);
      if (f->conffile) {
        if (!has_conf++)
          vs_buf_adds (&status, "Conffiles:\n");
        vs_buf_addf (&status, " %s %s\n", f->path, md5);
      }
      else
        vs_buf_addf (&sums, "%s  %s\n", md5, f->path + 1);
    }
    vs_buf_addc (&status, '\n');
    path = vs_xasprintf ("/var/lib/dpkg/info/%s.list", pkgs[k]);
    vs_test_write (t, path, list.data, 0644);
    free (path);
    path = vs_xasprintf ("/var/lib/dpkg/info/%s.md5sums", pkgs[k]);
    vs_test_write (t, path, sums.len ? sums.data : "", 0644);
    free (path);
    vs_buf_release (&list);
    vs_buf_release (&sums);
  }
  if (extra_status)
    vs_buf_adds (&status, extra_status);
  vs_test_write (t, "/var/lib/dpkg/status", status.data, 0644);
  vs_buf_release (&status);
}

int64_t
vs_test_nfind (struct vs_test_guest *t, const char *category,
               const char *check, const char *sev, const char *path,
               const char *ev, const char *mitre)
{
  char *sql = sqlite3_mprintf ("SELECT count(*) FROM findings WHERE "
                               "check_id = %Q AND severity = %Q AND "
                               "category = %Q AND path = %Q AND "
                               "instr(evidence, %Q) > 0 AND "
                               "mitre_attack IS %Q", check, sev, category,
                               path, ev, mitre);
  int64_t n = vs_test_count (t, sql);

  sqlite3_free (sql);
  if (n < 1)
    vs_test_dump_findings (t);
  return n;
}

void
vs_test_dump_findings (struct vs_test_guest *t)
{
  sqlite3_stmt *s = prepare (t, "SELECT check_id, severity, category, "
                             "title, path, account, evidence, mitre_attack "
                             "FROM findings ORDER BY id");

  while (sqlite3_step (s) == SQLITE_ROW) {
    struct vs_buf b = VS_BUF_INIT;
    int i;

    for (i = 0; i < 8; i++) {
      const char *v = (const char *) sqlite3_column_blob (s, i);

      if (i)
        vs_buf_adds (&b, " | ");
      if (v)
        vs_buf_add_printable (&b, v, (size_t) sqlite3_column_bytes (s, i));
      else
        vs_buf_adds (&b, "-");
    }
    printf ("# %s\n", b.data);
    vs_buf_release (&b);
  }
  sqlite3_finalize (s);
}

void
vs_test_guest_free (struct vs_test_guest *t)
{
  char *cmd;

  vs_pkgdb_free (t->ctx.pkgdb);
  vs_guest_free (t->ctx.guest);
  vs_accounts_free (t->accounts);
  vs_store_free (t->store);
  if (t->tmp && strncmp (t->tmp, "/tmp/vmscan-check-", 18) == 0) {
    cmd = vs_xasprintf ("rm -rf '%s'", t->tmp);
    if (system (cmd) != 0)
      fprintf (stderr, "cannot remove %s\n", t->tmp);
    free (cmd);
  }
  free (t->tmp);
  free (t->root);
  free (t->db_path);
}
