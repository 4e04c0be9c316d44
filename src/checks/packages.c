/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: package integrity checks (debsums -s / rpm -V, offline).
 *
 * One query reads every file row the walk recorded for the OS, and each
 * is looked up in the package database loaded by pkgdb.c; the digests
 * the walk computed are compared with those the packages recorded, so
 * no guest file is read again.
 *
 *   package.modified           packaged file whose content differs
 *   package.conffile-modified  the same for a conffile (info: normal)
 *   package.missing            packaged files that are not there
 *   package.unowned            executables and libraries in system
 *                              directories that no package owns
 *
 * Findings are capped at MAX_FINDINGS per check id (per severity for
 * package.modified and package.unowned); what is over the cap is
 * counted in one more finding.
 */
#include <config.h>

#include <string.h>
#include <strings.h>

#include "checks/checks.h"
#include "core/pkgdb.h"
#include "base/util.h"

#define MAX_FINDINGS 500
#define MAX_MISSING_LISTED 100
#define MAX_MAGIC 160

enum dir_class { DIR_OTHER, DIR_BIN, DIR_LIB, DIR_LOCAL };

static int
has_prefix (const char *p, size_t len, const char *prefix)
{
  size_t n = strlen (prefix);

  return len > n && memcmp (p, prefix, n) == 0;
}

/* Which kind of system directory holds path. */
static enum dir_class
dir_class (const char *p, size_t len)
{
  if (has_prefix (p, len, "/usr/local/"))
    return DIR_LOCAL;
  if (has_prefix (p, len, "/bin/") || has_prefix (p, len, "/sbin/")
      || has_prefix (p, len, "/usr/bin/") || has_prefix (p, len, "/usr/sbin/"))
    return DIR_BIN;
  if (has_prefix (p, len, "/usr/libexec/"))
    return DIR_LIB;
  /* /lib, /lib32, /lib64, /libx32 and the same under /usr. */
  if (has_prefix (p, len, "/usr/"))
    p += 4, len -= 4;
  if (has_prefix (p, len, "/lib")) {
    const char *slash = memchr (p + 1, '/', len - 1);

    if (slash
        && (slash - p == 4 || memcmp (p + 4, "32", 2) == 0
            || memcmp (p + 4, "64", 2) == 0 || memcmp (p + 4, "x32", 3) == 0)
        && slash - p <= 7)
      return DIR_LIB;
  }
  return DIR_OTHER;
}

static int
is_elf (const char *magic)
{
  return magic && strncmp (magic, "ELF ", 4) == 0;
}

/* A script with a #! line, as libmagic describes one. */
static int
is_script (const char *magic)
{
  return magic && strstr (magic, "script") && strstr (magic, "executable");
}

static int
is_kernel_module (const char *p, size_t len, const char *magic)
{
  return is_elf (magic) && len > 3 && memcmp (p + len - 3, ".ko", 3) == 0;
}

/* Documentation, manuals and translations: often removed on purpose
 * (cloud images, path-exclude in dpkg.cfg.d, rpm --excludedocs). */
static int
is_doc (const char *p)
{
  static const char *const dirs[] = {
    "/usr/share/doc/",     "/usr/share/man/",      "/usr/share/info/",
    "/usr/share/locale/",  "/usr/share/help/",     "/usr/share/lintian/",
    "/usr/share/gtk-doc/", "/usr/share/licenses/", "/usr/share/omf/",
  };
  size_t i;

  for (i = 0; i < VS_ARRAY_SIZE (dirs); i++)
    if (strncmp (p, dirs[i], strlen (dirs[i])) == 0)
      return 1;
  return 0;
}

struct state {
  struct vs_check_ctx *ctx;
  struct vs_pkgdb *db;
  unsigned char *seen; /* per pkgdb index */
  uint64_t compared, unverified, modified, conf_modified, owned_rows;
  uint64_t unowned_examined, unowned;
  uint64_t over_modified, over_conf, over_unowned;
  uint64_t listed[VS_SEV_COUNT]; /* package.modified, by severity */
  uint64_t listed_unowned[VS_SEV_COUNT];
};

/* A printable, bounded copy of s. */
static char *
short_printable (const char *s, size_t max)
{
  size_t n = s ? strlen (s) : 0;
  char *p;

  if (!s)
    return vs_xstrdup ("-");
  p = vs_printable (s, n > max ? max : n);
  if (n > max) {
    char *q = vs_xasprintf ("%s...", p);

    free (p);
    p = q;
  }
  return p;
}

static const char *
digest_name (enum vs_pkg_digest t)
{
  switch (t) {
  case VS_PKG_DIGEST_MD5:
    return "md5";
  case VS_PKG_DIGEST_SHA1:
    return "sha1";
  case VS_PKG_DIGEST_SHA256:
    return "sha256";
  default:
    return "none";
  }
}

/* The column values of one files row. */
struct row {
  int64_t id;
  const char *path;
  size_t path_len;
  const char *type, *md5, *sha1, *sha256, *magic, *link;
  unsigned mode;
};

static const char *
row_digest (const struct row *r, enum vs_pkg_digest t)
{
  switch (t) {
  case VS_PKG_DIGEST_MD5:
    return r->md5;
  case VS_PKG_DIGEST_SHA1:
    return r->sha1;
  case VS_PKG_DIGEST_SHA256:
    return r->sha256;
  default:
    return NULL;
  }
}

/* Whether a file in a library directory is code: ELF, a script, an
 * executable mode, or a name that an interpreter loads. */
static int
is_code (const struct row *r)
{
  static const char *const ext[] = {
    ".so",  ".py",  ".pl", ".pm",    ".rb",     ".js",    ".sh",
    ".lua", ".php", ".ko", ".ko.xz", ".ko.zst", ".ko.gz",
  };
  size_t i;

  if (is_elf (r->magic) || is_script (r->magic) || (r->mode & 0111))
    return 1;
  if (r->path_len > 3 && memmem (r->path, r->path_len, ".so.", 4))
    return 1;
  for (i = 0; i < VS_ARRAY_SIZE (ext); i++) {
    size_t n = strlen (ext[i]);

    if (r->path_len > n && memcmp (r->path + r->path_len - n, ext[i], n) == 0)
      return 1;
  }
  return 0;
}

/* Compares a packaged path with what the walk found there. */
static int
check_owned (struct state *st, const struct row *r,
             const struct vs_pkg_file *first)
{
  const struct vs_pkg_file *f, *ref = NULL;
  int conffile = 0, have_hash = 0;
  struct vs_finding fd;
  CLEANUP_FREE char *evidence = NULL;
  CLEANUP_FREE char *pkg = NULL;
  CLEANUP_FREE char *magic = NULL;
  enum dir_class dc;
  uint64_t *over;

  for (f = first; f; f = vs_pkgdb_next_owner (st->db, f)) {
    st->seen[vs_pkgdb_index (st->db, f)] = 1;
    if (!f->digest)
      continue;
    if (!ref)
      ref = f;
    conffile |= f->conffile;
    if (strcmp (r->type, "file") == 0) {
      const char *have = row_digest (r, f->digest_type);

      if (have)
        have_hash = 1;
      if (have && strcasecmp (have, f->digest) == 0) {
        st->compared++;
        return 0;
      }
    }
  }
  if (!ref)
    return 0; /* a directory or link the package owns */
  if (strcmp (r->type, "file") == 0 && !have_hash) {
    st->unverified++;
    return 0;
  }
  st->compared++;
  memset (&fd, 0, sizeof fd);
  fd.category = "package";
  fd.path = r->path;
  fd.path_len = r->path_len;
  fd.file_id = r->id;
  pkg = short_printable (ref->package, 64);
  magic = short_printable (r->magic, MAX_MAGIC);
  if (strcmp (r->type, "file") == 0)
    evidence = vs_xasprintf ("%s %s recorded by %s, found %s; sha256 %s; %s",
                             digest_name (ref->digest_type), ref->digest, pkg,
                             row_digest (r, ref->digest_type),
                             r->sha256 ? r->sha256 : "-", magic);
  else {
    CLEANUP_FREE char *target = short_printable (r->link, 256);

    evidence
        = vs_xasprintf ("packaged regular file (%s %s) is now a %s%s%s",
                        digest_name (ref->digest_type), ref->digest, r->type,
                        r->link ? " to " : "", r->link ? target : "");
  }
  fd.evidence = evidence;
  dc = dir_class (r->path, r->path_len);
  if (conffile) {
    st->conf_modified++;
    fd.check_id = vs_check_id (VS_CK_PACKAGE_CONFFILE_MODIFIED);
    fd.severity = VS_SEV_INFO;
    over = &st->over_conf;
    if (st->conf_modified > MAX_FINDINGS) {
      (*over)++;
      return 0;
    }
    return vs_check_addf (st->ctx, &fd,
                          "configuration file changed since "
                          "package %s installed it",
                          pkg);
  }
  st->modified++;
  fd.check_id = vs_check_id (VS_CK_PACKAGE_MODIFIED);
  fd.mitre = "T1554";
  fd.severity
      = is_elf (r->magic) || dc == DIR_BIN || (dc != DIR_OTHER && is_code (r))
            ? VS_SEV_HIGH
            : VS_SEV_MEDIUM;
  if (++st->listed[fd.severity] > MAX_FINDINGS) {
    st->over_modified++;
    return 0;
  }
  return vs_check_addf (st->ctx, &fd,
                        "%s from package %s differs from "
                        "what the package installed",
                        is_elf (r->magic)            ? "binary"
                        : fd.severity == VS_SEV_HIGH ? "executable file"
                                                     : "file",
                        pkg);
}

/* An executable or library in a system directory that no package owns. */
static int
check_unowned (struct state *st, const struct row *r)
{
  enum dir_class dc = dir_class (r->path, r->path_len);
  int elf, script, exec_unknown;
  struct vs_finding fd;
  CLEANUP_FREE char *evidence = NULL;
  CLEANUP_FREE char *magic = NULL;
  const char *what;

  if (dc == DIR_OTHER || strcmp (r->type, "file") != 0)
    return 0;
  st->unowned_examined++;
  elf = is_elf (r->magic);
  script = is_script (r->magic);
  exec_unknown = !r->magic && (r->mode & 0111);
  if (!elf && !script && !exec_unknown)
    return 0;
  st->unowned++;
  memset (&fd, 0, sizeof fd);
  fd.check_id = vs_check_id (VS_CK_PACKAGE_UNOWNED);
  fd.category = "package";
  fd.path = r->path;
  fd.path_len = r->path_len;
  fd.file_id = r->id;
  fd.mitre = "T1036.005";
  magic = short_printable (r->magic, MAX_MAGIC);
  evidence = vs_xasprintf ("sha256 %s; mode %04o; %s",
                           r->sha256 ? r->sha256 : "-", r->mode & 07777, magic);
  fd.evidence = evidence;
  if (dc == DIR_LOCAL) {
    fd.severity = VS_SEV_LOW;
    what = elf ? "ELF file" : "executable";
  } else if (is_kernel_module (r->path, r->path_len, r->magic)) {
    fd.severity = VS_SEV_MEDIUM;
    fd.mitre = "T1547.006";
    what = "kernel module";
  } else if (dc == DIR_BIN && elf) {
    fd.severity = VS_SEV_HIGH;
    what = "ELF executable";
  } else {
    fd.severity = VS_SEV_MEDIUM;
    what = elf ? "ELF library or executable" : script ? "script" : "executable";
  }
  if (++st->listed_unowned[fd.severity] > MAX_FINDINGS) {
    st->over_unowned++;
    return 0;
  }
  return vs_check_addf (st->ctx, &fd, "%s in %s belongs to no package", what,
                        dc == DIR_BIN   ? "a bin directory"
                        : dc == DIR_LIB ? "a system library directory"
                                        : "/usr/local");
}

static const char *
col (sqlite3_stmt *s, int i)
{
  return (const char *)sqlite3_column_text (s, i);
}

/* Reports packaged files (with a digest) that the walk did not see. */
static int
check_missing (struct state *st)
{
  struct vs_pkgdb *db = st->db;
  struct vs_buf sample = VS_BUF_INIT;
  uint64_t total = 0, doc = 0, bin = 0, conf = 0, listed = 0;
  size_t i, n = vs_pkgdb_count (db);
  int rc = 0;

  for (i = 0; i < n && rc == 0; i++) {
    const struct vs_pkg_file *f = vs_pkgdb_file (db, i), *o;
    size_t len;
    int seen = 0, digest = 0;

    len = strlen (f->path);
    if (vs_pkgdb_lookup (db, f->path, len) != f)
      continue; /* counted with the first owner */
    for (o = f; o; o = vs_pkgdb_next_owner (db, o)) {
      seen |= st->seen[vs_pkgdb_index (db, o)];
      digest |= o->digest != NULL;
    }
    if (seen || !digest)
      continue;
    total++;
    if (is_doc (f->path)) {
      doc++;
      continue;
    }
    if (f->conffile)
      conf++;
    if (sample.len < 400) {
      if (sample.len)
        vs_buf_adds (&sample, ", ");
      vs_buf_adds (&sample, f->path);
    }
    if (dir_class (f->path, len) == DIR_BIN && !f->conffile) {
      struct vs_finding fd;
      CLEANUP_FREE char *pkg = short_printable (f->package, 64);
      CLEANUP_FREE char *ev = NULL;

      bin++;
      if (++listed > MAX_MISSING_LISTED)
        continue;
      memset (&fd, 0, sizeof fd);
      fd.check_id = vs_check_id (VS_CK_PACKAGE_MISSING);
      fd.severity = VS_SEV_LOW;
      fd.category = "package";
      fd.path = f->path;
      ev = vs_xasprintf ("%s %s recorded by %s; no file at this path",
                         digest_name (f->digest_type), f->digest, pkg);
      fd.evidence = ev;
      rc = vs_check_addf (st->ctx, &fd,
                          "program installed by package %s "
                          "is missing",
                          pkg);
    }
  }
  if (rc == 0 && total) {
    struct vs_finding fd;
    CLEANUP_FREE char *ev = NULL;

    memset (&fd, 0, sizeof fd);
    fd.check_id = vs_check_id (VS_CK_PACKAGE_MISSING);
    fd.severity = VS_SEV_INFO;
    fd.category = "package";
    ev = vs_xasprintf ("%s%s",
                       sample.len ? sample.data
                                  : "(only "
                                    "documentation)",
                       sample.len >= 400 ? ", ..." : "");
    fd.evidence = ev;
    rc = vs_check_addf (st->ctx, &fd,
                        "%llu packaged files are missing "
                        "(%llu documentation, manuals or translations; "
                        "%llu programs in bin directories; %llu conffiles)",
                        (unsigned long long)total, (unsigned long long)doc,
                        (unsigned long long)bin, (unsigned long long)conf);
  }
  vs_buf_release (&sample);
  if (rc == 0)
    rc = vs_check_ran (st->ctx, VS_CK_PACKAGE_MISSING, "ran", total, NULL);
  return rc;
}

/* One finding that says how many more a check had than it lists. */
static int
over_cap (struct state *st, enum vs_check_name check, uint64_t n)
{
  const char *check_id = vs_check_id (check);
  struct vs_finding fd;

  if (!n)
    return 0;
  memset (&fd, 0, sizeof fd);
  fd.check_id = check_id;
  fd.severity = VS_SEV_INFO;
  fd.category = "package";
  return vs_check_addf (st->ctx, &fd,
                        "%s: %llu more not listed "
                        "(the first %d of each severity are)",
                        check_id, (unsigned long long)n, MAX_FINDINGS);
}

int
vs_packages_files (struct vs_check_ctx *ctx)
{
  static const enum vs_check_name ids[] = {
    VS_CK_PACKAGE_MODIFIED,
    VS_CK_PACKAGE_CONFFILE_MODIFIED,
    VS_CK_PACKAGE_MISSING,
    VS_CK_PACKAGE_UNOWNED,
  };
  struct state st;
  sqlite3_stmt *s = NULL;
  CLEANUP_FREE char *note = NULL;
  size_t i;
  int rc = SQLITE_DONE;

  if (!ctx->os)
    return 0;
  if (!ctx->pkgdb) {
    for (i = 0; i < VS_ARRAY_SIZE (ids); i++)
      if (vs_check_ran (ctx, ids[i], "skipped", 0,
                        "no package database vmscan can read")
          == -1)
        return -1;
    return 0;
  }
  memset (&st, 0, sizeof st);
  st.ctx = ctx;
  st.db = ctx->pkgdb;
  st.seen = vs_xcalloc (vs_pkgdb_count (st.db) + 1, 1);
  if (sqlite3_prepare_v2 (ctx->db,
                          "SELECT f.id, f.path, f.type, f.md5, f.sha1, "
                          "f.sha256, f.magic, f.mode, f.link_target "
                          "FROM files f JOIN filesystems s ON s.id = f.fs_id "
                          "WHERE f.scan_id = ? AND s.os_id = ? "
                          "AND f.deleted IS NULL",
                          -1, &s, NULL)
      != SQLITE_OK) {
    free (st.seen);
    return vs_check_error (ctx, NULL, "package checks: %s",
                           sqlite3_errmsg (ctx->db));
  }
  sqlite3_bind_int64 (s, 1, ctx->scan_id);
  sqlite3_bind_int64 (s, 2, ctx->os->id);
  while (!vs_tick () && (rc = sqlite3_step (s)) == SQLITE_ROW) {
    const struct vs_pkg_file *f;
    struct row r;

    r.id = sqlite3_column_int64 (s, 0);
    r.path = (const char *)sqlite3_column_blob (s, 1);
    r.path_len = (size_t)sqlite3_column_bytes (s, 1);
    r.type = col (s, 2);
    r.md5 = col (s, 3);
    r.sha1 = col (s, 4);
    r.sha256 = col (s, 5);
    r.magic = col (s, 6);
    r.mode = (unsigned)sqlite3_column_int64 (s, 7);
    r.link = col (s, 8);
    if (!r.path || !r.type)
      continue;
    f = vs_pkgdb_lookup (st.db, r.path, r.path_len);
    if (f) {
      st.owned_rows++;
      if (check_owned (&st, &r, f) == -1)
        break;
    } else if (vs_pkgdb_count (st.db) && check_unowned (&st, &r) == -1)
      break;
  }
  sqlite3_finalize (s);
  if (ctx->failed) {
    free (st.seen);
    return -1;
  }
  rc = over_cap (&st, VS_CK_PACKAGE_MODIFIED, st.over_modified);
  if (rc == 0)
    rc = over_cap (&st, VS_CK_PACKAGE_CONFFILE_MODIFIED, st.over_conf);
  if (rc == 0)
    rc = over_cap (&st, VS_CK_PACKAGE_UNOWNED, st.over_unowned);
  if (rc == 0)
    rc = check_missing (&st);
  free (st.seen);
  if (rc == -1)
    return -1;
  note = vs_xasprintf (
      "%s: %zu packages, %zu packaged paths; %llu files "
      "owned, %llu compared, %llu modified, %llu without "
      "a hash",
      vs_pkgdb_kind (st.db), vs_pkgdb_packages (st.db), vs_pkgdb_count (st.db),
      (unsigned long long)st.owned_rows, (unsigned long long)st.compared,
      (unsigned long long)st.modified, (unsigned long long)st.unverified);
  if (vs_check_ran (ctx, VS_CK_PACKAGE_MODIFIED, "ran", st.owned_rows, note) == -1
      || vs_check_ran (ctx, VS_CK_PACKAGE_CONFFILE_MODIFIED, "ran", st.owned_rows,
                       NULL)
             == -1)
    return -1;
  if (!vs_pkgdb_count (st.db))
    return vs_check_ran (ctx, VS_CK_PACKAGE_UNOWNED, "skipped", 0,
                         "the package database lists no files");
  free (note);
  note = vs_xasprintf ("%llu regular files in system directories, %llu "
                       "executables or libraries owned by no package",
                       (unsigned long long)st.unowned_examined,
                       (unsigned long long)st.unowned);
  return vs_check_ran (ctx, VS_CK_PACKAGE_UNOWNED, "ran", st.unowned_examined,
                       note);
}
