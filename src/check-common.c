/* vmscan: helpers shared by the persistence and access checks (see
 * check-common.h).
 *
 * "Stock" is decided from the package database and the digests the walk
 * recorded in the files table: a file is stock when a package owns its
 * canonical path and the recorded digest of the algorithm the package
 * uses equals the package's.  Nothing here re-reads a file to hash it.
 */
#include <config.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "check-common.h"
#include "guest.h"
#include "parse-config.h"
#include "pkgdb.h"

static int
read_impl (struct vs_check_ctx *ctx, const char *path, size_t max,
           int truncate_ok, char **data, size_t *len)
{
  if (vs_guest_read (ctx->guest, path, max, truncate_ok, data, len) == 0)
    return 0;
  if (errno == ENOENT || errno == ENOTDIR)
    return 1;
  if (errno == EFBIG)
    return vs_check_error (ctx, path, "%s: larger than %zu bytes, not read",
                           path, max) == -1 ? -1 : 1;
  if (errno == EINVAL)
    return vs_check_error (ctx, path, "%s: not a regular file, not read",
                           path) == -1 ? -1 : 1;
  return vs_check_error (ctx, path, "%s: cannot read: %s", path,
                         strerror (errno)) == -1 ? -1 : 1;
}

int
vs_cc_read (struct vs_check_ctx *ctx, const char *path, size_t max,
            char **data, size_t *len)
{
  return read_impl (ctx, path, max, 0, data, len);
}

int
vs_cc_read_head (struct vs_check_ctx *ctx, const char *path, size_t max,
                 char **data, size_t *len)
{
  return read_impl (ctx, path, max, 1, data, len);
}

int
vs_cc_list (struct vs_check_ctx *ctx, const char *path, char ***names,
            size_t *n)
{
  if (vs_guest_list (ctx->guest, path, names, n) == 0) {
    if (*n > VS_CC_MAX_ENTRIES) {
      size_t i;

      for (i = VS_CC_MAX_ENTRIES; i < *n; i++)
        free ((*names)[i]);
      *n = VS_CC_MAX_ENTRIES;
      if (vs_check_error (ctx, path, "%s: more than %d entries, the rest "
                          "not examined", path, VS_CC_MAX_ENTRIES) == -1) {
        vs_guest_free_list (*names, *n);
        return -1;
      }
    }
    return 0;
  }
  if (errno == ENOENT || errno == ENOTDIR)
    return 1;
  return vs_check_error (ctx, path, "%s: cannot list: %s", path,
                         strerror (errno)) == -1 ? -1 : 1;
}

/* The digest the walk recorded for a canonical path, of the column the
 * package's algorithm needs; NULL if none (caller frees). */
static char *
recorded_digest (struct vs_check_ctx *ctx, const char *canon,
                 enum vs_pkg_digest type)
{
  static const char *const sql[] = {
    NULL,
    "SELECT f.md5 FROM files f JOIN filesystems s ON s.id = f.fs_id "
    "WHERE f.scan_id = ? AND f.path = ? AND s.os_id IS ? LIMIT 1",
    "SELECT f.sha1 FROM files f JOIN filesystems s ON s.id = f.fs_id "
    "WHERE f.scan_id = ? AND f.path = ? AND s.os_id IS ? LIMIT 1",
    "SELECT f.sha256 FROM files f JOIN filesystems s ON s.id = f.fs_id "
    "WHERE f.scan_id = ? AND f.path = ? AND s.os_id IS ? LIMIT 1",
  };
  sqlite3_stmt *s = NULL;
  char *v = NULL;

  if ((unsigned) type >= VS_ARRAY_SIZE (sql) || !sql[type])
    return NULL;
  if (sqlite3_prepare_v2 (ctx->db, sql[type], -1, &s, NULL) != SQLITE_OK)
    return NULL;
  sqlite3_bind_int64 (s, 1, ctx->scan_id);
  sqlite3_bind_text (s, 2, canon, -1, SQLITE_TRANSIENT);
  if (ctx->os)
    sqlite3_bind_int64 (s, 3, ctx->os->id);
  else
    sqlite3_bind_null (s, 3);
  if (sqlite3_step (s) == SQLITE_ROW
      && sqlite3_column_type (s, 0) == SQLITE_TEXT)
    v = vs_xstrdup ((const char *) sqlite3_column_text (s, 0));
  sqlite3_finalize (s);
  return v;
}

enum vs_cc_origin
vs_cc_origin (struct vs_check_ctx *ctx, const char *path,
              const char **package)
{
  const struct vs_pkg_file *pf;
  CLEANUP_FREE char *canon = NULL;
  CLEANUP_FREE char *have = NULL;

  *package = NULL;
  if (!ctx->pkgdb)
    return VS_CC_UNKNOWN;
  if (vs_guest_realpath (ctx->guest, path, &canon) == -1)
    canon = vs_xstrdup (path);
  pf = vs_pkgdb_lookup (ctx->pkgdb, canon, strlen (canon));
  if (!pf)
    return VS_CC_UNOWNED;
  *package = pf->package;
  if (!pf->digest || pf->digest_type == VS_PKG_DIGEST_NONE)
    return VS_CC_STOCK;
  have = recorded_digest (ctx, canon, pf->digest_type);
  if (!have)
    return VS_CC_STOCK;         /* not hashed by the walk: cannot tell */
  return strcmp (have, pf->digest) == 0 ? VS_CC_STOCK : VS_CC_MODIFIED;
}

char *
vs_cc_origin_text (enum vs_cc_origin o, const char *package)
{
  switch (o) {
  case VS_CC_UNKNOWN:
    return vs_xstrdup ("no package database");
  case VS_CC_UNOWNED:
    return vs_xstrdup ("not from a package");
  case VS_CC_STOCK:
    return vs_xasprintf ("from package %s", package ? package : "?");
  case VS_CC_MODIFIED:
    return vs_xasprintf ("modified since package %s installed it",
                         package ? package : "?");
  }
  return vs_xstrdup ("?");
}

void
vs_cc_evidence (struct vs_buf *b, const char *s, size_t len)
{
  size_t i, n = len > VS_CC_EVIDENCE_MAX ? VS_CC_EVIDENCE_MAX : len;

  for (i = 0; i < n; i++) {
    if (s[i] == '\0')
      vs_buf_add (b, "\\0", 2);
    else
      vs_buf_addc (b, s[i]);
  }
  if (n < len)
    vs_buf_adds (b, "...");
}

char *
vs_cc_short (const char *s, size_t len, size_t max)
{
  struct vs_buf b = VS_BUF_INIT;
  int cut = len > max;

  vs_buf_add_printable (&b, s, cut ? max : len);
  if (cut)
    vs_buf_adds (&b, "...");
  return vs_buf_detach (&b, NULL);
}

int
vs_cc_report (struct vs_check_ctx *ctx, const char *check_id,
              enum vs_severity sev, const char *mitre, const char *path,
              const char *account, const char *evidence, size_t evlen,
              const char *fmt, ...)
{
  struct vs_finding f;
  CLEANUP_FREE char *title = NULL;
  char category[32];
  const char *dot = strchr (check_id, '.');
  size_t cl = dot ? (size_t) (dot - check_id) : strlen (check_id), i;
  va_list ap;
  int r;

  if (cl >= sizeof category)
    cl = sizeof category - 1;
  memcpy (category, check_id, cl);
  category[cl] = '\0';
  va_start (ap, fmt);
  r = vasprintf (&title, fmt, ap);
  va_end (ap);
  if (r < 0)
    abort ();
  for (i = 0; title[i]; i++)
    if ((unsigned char) title[i] < 0x20 || title[i] == 0x7f)
      title[i] = ' ';
  memset (&f, 0, sizeof f);
  f.check_id = check_id;
  f.severity = sev;
  f.category = category;
  f.title = title;
  f.path = path;
  f.account = account;
  f.evidence = evidence;
  f.evidence_len = evidence ? (evlen ? evlen : strlen (evidence)) : 0;
  f.mitre = mitre;
  if (path)
    f.file_id = vs_check_file_id (ctx, path, strlen (path));
  return vs_check_add (ctx, &f);
}

/* Parses a decimal id exactly. */
static int
parse_id (const char *s, size_t len, uint32_t *out)
{
  uint64_t v = 0;
  size_t i;

  if (len == 0 || len > 10)
    return -1;
  for (i = 0; i < len; i++) {
    if (s[i] < '0' || s[i] > '9')
      return -1;
    v = v * 10 + (uint64_t) (s[i] - '0');
  }
  if (v > UINT32_MAX)
    return -1;
  *out = (uint32_t) v;
  return 0;
}

#define VS_CC_MAX_USERS 65536

int
vs_cc_users_load (struct vs_check_ctx *ctx, struct vs_cc_users *u)
{
  CLEANUP_FREE char *data = NULL;
  struct vs_line l;
  size_t len, pos = 0, alloc = 0;
  int r;

  memset (u, 0, sizeof *u);
  r = vs_cc_read (ctx, "/etc/passwd", VS_CC_MAX_CONFIG, &data, &len);
  if (r != 0)
    return r == -1 ? -1 : 0;
  memset (&l, 0, sizeof l);
  while (vs_line_next (data, len, &pos, &l) && u->n < VS_CC_MAX_USERS) {
    const char *f[7];
    size_t fl[7], k;
    struct vs_cc_user *e;

    if (vs_line_is_comment (l.p, l.len))
      continue;
    k = vs_colon_split (l.p, l.len, f, fl, 7);
    if (k < 4 || fl[0] == 0 || memchr (f[0], '\0', fl[0]))
      continue;
    if (u->n == alloc) {
      alloc = alloc ? 2 * alloc : 32;
      u->v = vs_xrealloc (u->v, alloc * sizeof *u->v);
    }
    e = &u->v[u->n++];
    memset (e, 0, sizeof *e);
    e->name = vs_xstrndup (f[0], fl[0]);
    e->passwd = vs_xstrndup (f[1], fl[1]);
    e->uid_ok = parse_id (f[2], fl[2], &e->uid) == 0;
    if (parse_id (f[3], fl[3], &e->gid) == -1)
      e->gid = UINT32_MAX;
    e->home = vs_xstrndup (k > 5 ? f[5] : "", k > 5 ? fl[5] : 0);
    e->shell = vs_xstrndup (k > 6 ? f[6] : "", k > 6 ? fl[6] : 0);
    e->line = l.no;
  }
  return 0;
}

void
vs_cc_users_free (struct vs_cc_users *u)
{
  size_t i;

  for (i = 0; i < u->n; i++) {
    free (u->v[i].name);
    free (u->v[i].passwd);
    free (u->v[i].home);
    free (u->v[i].shell);
  }
  free (u->v);
  memset (u, 0, sizeof *u);
}

const struct vs_cc_user *
vs_cc_user_find (const struct vs_cc_users *u, const char *name, size_t len)
{
  size_t i;

  for (i = 0; i < u->n; i++)
    if (strlen (u->v[i].name) == len && memcmp (u->v[i].name, name, len) == 0)
      return &u->v[i];
  return NULL;
}

int
vs_cc_set_has (const struct vs_cc_set *s, const char *str, size_t len)
{
  size_t i;

  for (i = 0; i < s->n; i++)
    if (strlen (s->v[i]) == len && memcmp (s->v[i], str, len) == 0)
      return 1;
  return 0;
}

int
vs_cc_set_add (struct vs_cc_set *s, const char *str, size_t len)
{
  if (vs_cc_set_has (s, str, len))
    return 0;
  if (s->n == s->alloc) {
    s->alloc = s->alloc ? 2 * s->alloc : 32;
    s->v = vs_xrealloc (s->v, s->alloc * sizeof *s->v);
  }
  s->v[s->n++] = vs_xstrndup (str, len);
  return 1;
}

void
vs_cc_set_free (struct vs_cc_set *s)
{
  size_t i;

  for (i = 0; i < s->n; i++)
    free (s->v[i]);
  free (s->v);
  memset (s, 0, sizeof *s);
}

int
vs_cc_ends_with (const char *name, const char *suffix)
{
  size_t n = strlen (name), k = strlen (suffix);

  return n >= k && strcmp (name + n - k, suffix) == 0;
}
