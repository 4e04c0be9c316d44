/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: what the checks over the files table share (see filetab.h). */
#include <config.h>

#include <errno.h>
#include <string.h>

#include "parse/accounts.h"
#include "checks/common.h"
#include "checks/checks.h"
#include "checks/filetab.h"
#include "core/guest.h"
#include "core/pkgdb.h"
#include "base/util.h"

/* Prepares sql, which uses ?1 for the scan and ?2 for the OS (NULL for
 * the image-wide run). */
sqlite3_stmt *
vs_ft_prepare (struct vs_check_ctx *ctx, const char *sql)
{
  sqlite3_stmt *s = NULL;

  if (sqlite3_prepare_v2 (ctx->db, sql, -1, &s, NULL) != SQLITE_OK) {
    vs_check_error (ctx, NULL, "files query: %s", sqlite3_errmsg (ctx->db));
    return NULL;
  }
  sqlite3_bind_int64 (s, 1, ctx->scan_id);
  if (ctx->os)
    sqlite3_bind_int64 (s, 2, ctx->os->id);
  else
    sqlite3_bind_null (s, 2);
  return s;
}

const char *
vs_ft_text (sqlite3_stmt *s, int i)
{
  return (const char *) sqlite3_column_text (s, i);
}

/* Whether the package database owns the file and its digest matches. */
enum vs_ft_ownership
vs_ft_ownership (struct vs_check_ctx *ctx, const char *path, size_t len,
           const char *md5, const char *sha1, const char *sha256)
{
  const struct vs_pkg_file *pf;
  const char *have = NULL;

  if (!ctx->pkgdb)
    return VS_FT_OWN_UNKNOWN;
  pf = vs_pkgdb_lookup (ctx->pkgdb, path, len);
  if (!pf)
    return VS_FT_OWN_NONE;
  switch (pf->digest_type) {
  case VS_PKG_DIGEST_MD5: have = md5; break;
  case VS_PKG_DIGEST_SHA1: have = sha1; break;
  case VS_PKG_DIGEST_SHA256: have = sha256; break;
  default: return VS_FT_OWN_STOCK;    /* the package recorded no digest */
  }
  if (!pf->digest || !have)
    return VS_FT_OWN_STOCK;
  return strcmp (pf->digest, have) == 0 ? VS_FT_OWN_STOCK : VS_FT_OWN_CHANGED;
}

const char *
vs_ft_account (struct vs_check_ctx *ctx, int64_t uid)
{
  if (!ctx->accounts || uid < 0 || uid > UINT32_MAX)
    return NULL;
  return vs_accounts_name (ctx->accounts, (uint32_t) uid);
}

/* A path as a C string for the guest view (paths hold no NUL). */
char *
vs_ft_path_dup (const char *p, size_t len)
{
  return vs_xstrndup (p, len);
}

/* Reads a candidate through the guest view.  Returns 0, or -1 after
 * recording why (too big, gone, not a regular file, a symlink loop). */
int
vs_ft_read (struct vs_check_ctx *ctx, const char *path, size_t max,
                int truncate_ok, char **data, size_t *len)
{
  if (!ctx->guest)
    return -1;
  if (vs_guest_read (ctx->guest, path, max, truncate_ok, data, len) == -1) {
    if (errno == EFBIG)
      vs_check_error (ctx, path, "%s: larger than %zu bytes, not read",
                      path, max);
    else if (errno == EINVAL)
      vs_check_error (ctx, path, "%s: not a regular file, not read", path);
    else
      vs_check_error (ctx, path, "%s: cannot read: %s", path,
                      strerror (errno));
    return -1;
  }
  return 0;
}

int
vs_ft_is_elf (const char *magic)
{
  return magic && strncmp (magic, "ELF ", 4) == 0;
}

/* An ELF file that runs: not an object file or a core dump. */
int
vs_ft_is_elf_exec (const char *magic)
{
  return vs_ft_is_elf (magic) && !strstr (magic, "relocatable")
    && !strstr (magic, "core file");
}

int
vs_ft_is_script (const char *magic)
{
  return magic && strstr (magic, "script") != NULL
    && strstr (magic, "text") != NULL;
}

int
vs_ft_is_text (const char *magic, const char *mime)
{
  return (mime && (strncmp (mime, "text/", 5) == 0
                   || strncmp (mime, "application/json", 16) == 0))
    || (magic && strstr (magic, "text"));
}

int
vs_ft_add (struct vs_check_ctx *ctx, enum vs_check_name check,
                  enum vs_severity sev, const char *category,
                  const char *mitre, int64_t file_id, const char *path,
                  size_t plen, const char *account, const char *evidence,
                  const char *title)
{
  struct vs_finding f;

  memset (&f, 0, sizeof f);
  f.check_id = vs_check_id (check);
  f.severity = sev;
  f.category = category;
  f.mitre = mitre;
  f.file_id = file_id;
  f.path = path;
  f.path_len = plen;
  f.account = account;
  f.evidence = evidence;
  f.title = title;
  return vs_cc_add (ctx, &f);   /* capped per check id, evidence bounded */
}

int
vs_ft_ends_with_ci (const char *s, size_t len, const char *suffix)
{
  size_t n = strlen (suffix), i;

  if (len < n)
    return 0;
  for (i = 0; i < n; i++) {
    char c = s[len - n + i];

    if (c >= 'A' && c <= 'Z')
      c = (char) (c + 32);
    if (c != suffix[i])
      return 0;
  }
  return 1;
}

int
vs_ft_contains_ci (const char *s, size_t len, const char *needle)
{
  size_t n = strlen (needle), i, j;

  for (i = 0; i + n <= len; i++) {
    for (j = 0; j < n; j++) {
      char c = s[i + j];

      if (c >= 'A' && c <= 'Z')
        c = (char) (c + 32);
      if (c != needle[j])
        break;
    }
    if (j == n)
      return 1;
  }
  return 0;
}
