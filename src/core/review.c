/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: a scan set against its approved baseline and its suppression
 * files, and baselines approved (see review.h). */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/review.h"
#include "base/hash.h"
#include "base/util.h"
#include "core/store.h"

/* The largest suppression file read. */
#define SUPPRESS_MAX_FILE (1024 * 1024)

static char *
col_dup (sqlite3_stmt *s, int i)
{
  const unsigned char *t = sqlite3_column_text (s, i);

  return t ? vs_xstrdup ((const char *) t) : NULL;
}

static void
bind_bytes (sqlite3_stmt *s, int i, sqlite3_stmt *from, int j)
{
  const unsigned char *t = sqlite3_column_text (from, j);

  if (t)
    sqlite3_bind_text64 (s, i, (const char *) t,
                         (sqlite3_uint64) sqlite3_column_bytes (from, j),
                         SQLITE_TRANSIENT, SQLITE_UTF8);
  else
    sqlite3_bind_null (s, i);
}

static void
bind_opt (sqlite3_stmt *s, int i, const char *t)
{
  if (t)
    sqlite3_bind_text (s, i, t, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (s, i);
}

static int
sql_fail (sqlite3 *db, const char *path, const char *what, char **errmsg)
{
  *errmsg = vs_xasprintf ("%s: %s: %s", path, what, sqlite3_errmsg (db));
  return -1;
}

static int
exec (sqlite3 *db, const char *path, const char *sql, char **errmsg)
{
  char *msg = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &msg) != SQLITE_OK) {
    *errmsg = vs_xasprintf ("%s: %s", path, msg ? msg : sql);
    sqlite3_free (msg);
    return -1;
  }
  return 0;
}

/* The first column of the first row of sql, as an integer (-1 when
 * there is no row or it fails). */
static int64_t
query_int (sqlite3 *db, const char *sql)
{
  sqlite3_stmt *s;
  int64_t v = -1;

  if (sqlite3_prepare_v2 (db, sql, -1, &s, NULL) != SQLITE_OK)
    return -1;
  if (sqlite3_step (s) == SQLITE_ROW
      && sqlite3_column_type (s, 0) != SQLITE_NULL)
    v = sqlite3_column_int64 (s, 0);
  sqlite3_finalize (s);
  return v;
}

/* Opens path read-only: a regular file holding a vmscan database of this
 * schema with exactly one scan.  Fills *uuid and *status of that scan
 * when not NULL. */
static int
open_scan_db (const char *path, const char *role, sqlite3 **out,
              char **uuid, char **status, char **errmsg)
{
  struct stat sb;
  sqlite3 *db = NULL;
  sqlite3_stmt *s = NULL;
  int64_t v;

  if (stat (path, &sb) == -1) {
    *errmsg = vs_xasprintf ("%s: %s", path, strerror (errno));
    return -1;
  }
  if (!S_ISREG (sb.st_mode)) {
    *errmsg = vs_xasprintf ("%s: not a regular file", path);
    return -1;
  }
  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
    *errmsg = vs_xasprintf ("%s: %s", path,
                            db ? sqlite3_errmsg (db) : "cannot open");
    goto err;
  }
  v = query_int (db, "PRAGMA user_version");
  if (v != VS_STORE_SCHEMA_VERSION) {
    *errmsg = vs_xasprintf ("%s: %s (schema version %lld); %s must be a "
                            "vmscan database of schema version %d", path,
                            v < 0 ? "not an SQLite database"
                            : "not of this vmscan's schema", (long long) v,
                            role, VS_STORE_SCHEMA_VERSION);
    goto err;
  }
  v = query_int (db, "SELECT count (*) FROM scans");
  if (v != 1) {
    *errmsg = vs_xasprintf ("%s: holds %lld scans; %s must hold one",
                            path, (long long) v, role);
    goto err;
  }
  if (sqlite3_prepare_v2 (db, "SELECT uuid, status FROM scans", -1, &s,
                          NULL) != SQLITE_OK
      || sqlite3_step (s) != SQLITE_ROW) {
    sql_fail (db, path, "reading the scan", errmsg);
    goto err;
  }
  if (uuid)
    *uuid = col_dup (s, 0);
  if (status)
    *status = col_dup (s, 1);
  sqlite3_finalize (s);
  *out = db;
  return 0;

 err:
  sqlite3_finalize (s);
  sqlite3_close (db);
  return -1;
}

static int
file_sha256 (const char *path, char hex[65], char **errmsg)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  int rc;

  if (fd == -1) {
    *errmsg = vs_xasprintf ("%s: %s", path, strerror (errno));
    return -1;
  }
  rc = vs_sha256_fd (fd, hex);
  if (rc == -1)
    *errmsg = vs_xasprintf ("%s: %s", path, strerror (errno));
  close (fd);
  return rc;
}

/* ---- the baseline ------------------------------------------------------ */

int
vs_baseline_open (const char *path, struct vs_baseline *b, char **errmsg)
{
  sqlite3_stmt *s = NULL;
  char *status = NULL;
  char hex[65];

  memset (b, 0, sizeof *b);
  if (open_scan_db (path, "a baseline", &b->db, &b->scan_uuid, &status,
                    errmsg) == -1)
    return -1;
  if (!status || strcmp (status, "complete") != 0) {
    *errmsg = vs_xasprintf ("%s: its scan is %s, not complete", path,
                            status ? status : "of no status");
    goto err;
  }
  if (sqlite3_prepare_v2 (b->db, "SELECT approved_by, approved_at, reason, "
                          "ticket, scan_uuid IS (SELECT uuid FROM scans) "
                          "FROM approvals ORDER BY id DESC LIMIT 1", -1, &s,
                          NULL) != SQLITE_OK) {
    sql_fail (b->db, path, "reading its approvals", errmsg);
    goto err;
  }
  if (sqlite3_step (s) != SQLITE_ROW || !sqlite3_column_int (s, 4)) {
    *errmsg = vs_xasprintf ("%s: not an approved baseline (no approval of "
                            "its scan): approve a reviewed scan with "
                            "\"vmscan baseline accept\"", path);
    goto err;
  }
  b->approved_by = col_dup (s, 0);
  b->approved_at = col_dup (s, 1);
  b->reason = col_dup (s, 2);
  b->ticket = col_dup (s, 3);
  sqlite3_finalize (s);
  s = NULL;
  if (!b->approved_by || !b->approved_at || !b->reason) {
    *errmsg = vs_xasprintf ("%s: its approval names no one, no time or no "
                            "reason", path);
    goto err;
  }
  if (sqlite3_prepare_v2 (b->db, "SELECT (SELECT started_at FROM scans), "
                          "(SELECT hostname FROM operating_systems ORDER BY "
                          "id LIMIT 1)", -1, &s, NULL) == SQLITE_OK
      && sqlite3_step (s) == SQLITE_ROW) {
    b->started_at = col_dup (s, 0);
    b->hostname = col_dup (s, 1);
  }
  sqlite3_finalize (s);
  s = NULL;
  if (file_sha256 (path, hex, errmsg) == -1)
    goto err;
  b->sha256 = vs_xstrdup (hex);
  b->path = vs_xstrdup (path);
  free (status);
  return 0;

 err:
  sqlite3_finalize (s);
  free (status);
  vs_baseline_close (b);
  return -1;
}

void
vs_baseline_close (struct vs_baseline *b)
{
  free (b->path);
  free (b->sha256);
  free (b->scan_uuid);
  free (b->started_at);
  free (b->approved_by);
  free (b->approved_at);
  free (b->reason);
  free (b->ticket);
  free (b->hostname);
  sqlite3_close (b->db);
  memset (b, 0, sizeof *b);
}

#define BL_COLUMNS "check_id, severity, severity_rank, category, title, " \
  "path, account, evidence, mitre_attack"

/* Copies the baseline's findings, with their fingerprints, into the
 * TEMP table bl of db. */
static int
load_baseline_findings (sqlite3 *db, const struct vs_baseline *b,
                        char **errmsg)
{
  sqlite3_stmt *r = NULL, *w = NULL;
  int rc, i;

  if (exec (db, "evidence database", "CREATE TEMP TABLE bl (fp TEXT, "
            BL_COLUMNS ")", errmsg) == -1)
    return -1;
  if (sqlite3_prepare_v2 (b->db, "SELECT " BL_COLUMNS " FROM findings "
                          "ORDER BY id", -1, &r, NULL) != SQLITE_OK) {
    sql_fail (b->db, b->path, "reading its findings", errmsg);
    goto err;
  }
  if (sqlite3_prepare_v2 (db, "INSERT INTO temp.bl VALUES "
                          "(?,?,?,?,?,?,?,?,?,?)", -1, &w, NULL)
      != SQLITE_OK) {
    sql_fail (db, "evidence database", "baseline findings", errmsg);
    goto err;
  }
  while ((rc = sqlite3_step (r)) == SQLITE_ROW) {
    const char *f[4];
    size_t len[4];
    static const int cols[4] = { 0, 5, 6, 7 };
    char fp[65];

    for (i = 0; i < 4; i++) {
      f[i] = (const char *) sqlite3_column_text (r, cols[i]);
      len[i] = f[i] ? (size_t) sqlite3_column_bytes (r, cols[i]) : 0;
    }
    vs_finding_fingerprint (f[0], len[0], f[1], len[1], f[2], len[2], f[3],
                            len[3], fp);
    sqlite3_bind_text (w, 1, fp, 64, SQLITE_TRANSIENT);
    for (i = 0; i < 9; i++)
      bind_bytes (w, i + 2, r, i);
    if (sqlite3_step (w) != SQLITE_DONE) {
      sql_fail (db, "evidence database", "baseline findings", errmsg);
      goto err;
    }
    sqlite3_reset (w);
  }
  if (rc != SQLITE_DONE) {
    sql_fail (b->db, b->path, "reading its findings", errmsg);
    goto err;
  }
  sqlite3_finalize (r);
  sqlite3_finalize (w);
  return exec (db, "evidence database", "CREATE INDEX temp.bl_fp ON bl (fp)",
               errmsg);

 err:
  sqlite3_finalize (r);
  sqlite3_finalize (w);
  return -1;
}

/* Runs sql with ?1 bound to scan_id; returns the rows it changed, or -1. */
static int64_t
run_scan (sqlite3 *db, int64_t scan_id, const char *sql, char **errmsg)
{
  sqlite3_stmt *s;
  int rc;

  if (sqlite3_prepare_v2 (db, sql, -1, &s, NULL) != SQLITE_OK)
    return sql_fail (db, "evidence database", "review", errmsg);
  sqlite3_bind_int64 (s, 1, scan_id);
  rc = sqlite3_step (s);
  sqlite3_finalize (s);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return sql_fail (db, "evidence database", "review", errmsg);
  return sqlite3_changes (db);
}

static int64_t
count_scan (sqlite3 *db, int64_t scan_id, const char *sql)
{
  sqlite3_stmt *s;
  int64_t v = 0;

  if (sqlite3_prepare_v2 (db, sql, -1, &s, NULL) != SQLITE_OK)
    return 0;
  sqlite3_bind_int64 (s, 1, scan_id);
  if (sqlite3_step (s) == SQLITE_ROW)
    v = sqlite3_column_int64 (s, 0);
  sqlite3_finalize (s);
  return v;
}

int
vs_review_baseline (sqlite3 *db, int64_t scan_id,
                    const struct vs_baseline *b, struct vs_review_counts *c,
                    char **errmsg)
{
  sqlite3_stmt *s = NULL;
  int64_t absent;
  uint64_t n_new, n_unchanged;

  if (exec (db, "evidence database", "SAVEPOINT vs_review", errmsg) == -1)
    return -1;
  if (load_baseline_findings (db, b, errmsg) == -1
      || run_scan (db, scan_id, "UPDATE findings SET baseline = CASE WHEN "
                   "EXISTS (SELECT 1 FROM temp.bl WHERE bl.fp = "
                   "findings.fingerprint) THEN 'unchanged' ELSE 'new' END "
                   "WHERE scan_id = ?1", errmsg) == -1)
    goto err;
  absent = run_scan (db, scan_id, "INSERT INTO baseline_absent (scan_id, "
                     BL_COLUMNS ", fingerprint) SELECT ?1, " BL_COLUMNS
                     ", fp FROM temp.bl WHERE rowid IN (SELECT min (rowid) "
                     "FROM temp.bl GROUP BY fp) AND NOT EXISTS (SELECT 1 "
                     "FROM findings f WHERE f.scan_id = ?1 AND "
                     "f.fingerprint = bl.fp) ORDER BY rowid", errmsg);
  if (absent == -1)
    goto err;
  n_new = (uint64_t) count_scan (db, scan_id, "SELECT count (*) FROM "
                                 "findings WHERE scan_id = ?1 AND baseline "
                                 "= 'new'");
  n_unchanged = (uint64_t) count_scan (db, scan_id, "SELECT count (*) FROM "
                                       "findings WHERE scan_id = ?1 AND "
                                       "baseline = 'unchanged'");
  if (sqlite3_prepare_v2 (db, "INSERT INTO baselines (scan_id, path, sha256, "
                          "scan_uuid, started_at, approved_by, approved_at, "
                          "reason, ticket, findings_new, findings_unchanged, "
                          "findings_absent) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                          -1, &s, NULL) != SQLITE_OK) {
    sql_fail (db, "evidence database", "baselines", errmsg);
    goto err;
  }
  sqlite3_bind_int64 (s, 1, scan_id);
  bind_opt (s, 2, b->path);
  bind_opt (s, 3, b->sha256);
  bind_opt (s, 4, b->scan_uuid);
  bind_opt (s, 5, b->started_at);
  bind_opt (s, 6, b->approved_by);
  bind_opt (s, 7, b->approved_at);
  bind_opt (s, 8, b->reason);
  bind_opt (s, 9, b->ticket);
  sqlite3_bind_int64 (s, 10, (int64_t) n_new);
  sqlite3_bind_int64 (s, 11, (int64_t) n_unchanged);
  sqlite3_bind_int64 (s, 12, absent);
  if (sqlite3_step (s) != SQLITE_DONE) {
    sql_fail (db, "evidence database", "baselines", errmsg);
    goto err;
  }
  sqlite3_finalize (s);
  s = NULL;
  if (exec (db, "evidence database", "DROP TABLE temp.bl; "
            "RELEASE vs_review", errmsg) == -1)
    goto err;
  c->new_ += n_new;
  c->unchanged += n_unchanged;
  c->absent += (uint64_t) absent;
  return 0;

 err:
  sqlite3_finalize (s);
  sqlite3_exec (db, "ROLLBACK TO vs_review; RELEASE vs_review; "
                "DROP TABLE IF EXISTS temp.bl", NULL, NULL, NULL);
  return -1;
}

/* ---- suppressions ------------------------------------------------------ */

int
vs_suppress_file_load (const char *path, struct vs_suppress_file *f,
                       char **errmsg)
{
  char *data = NULL, *why = NULL;
  size_t len = 0;
  unsigned line = 0;
  int rc;

  memset (f, 0, sizeof f[0]);
  f->path = path;
  rc = vs_read_host_file (path, SUPPRESS_MAX_FILE, &data, &len, errmsg);
  if (rc == VS_READ_NOT_REGULAR)
    *errmsg = vs_xasprintf ("%s: not a regular file", path);
  else if (rc == VS_READ_TOO_BIG)
    *errmsg = vs_xasprintf ("%s: larger than %d bytes", path,
                            SUPPRESS_MAX_FILE);
  if (rc != 0)
    return -1;
  rc = vs_suppress_parse (data, len, &f->list, &line, &why);
  free (data);
  if (rc == -1) {
    *errmsg = vs_xasprintf ("%s:%u: %s", path, line, why);
    free (why);
    vs_suppress_list_free (&f->list);
    return -1;
  }
  return 0;
}

struct hit {
  int64_t finding, entry;       /* row ids */
};

int
vs_review_suppress (sqlite3 *db, int64_t scan_id,
                    const struct vs_suppress_file *files, size_t nfiles,
                    const char *today, struct vs_review_counts *c,
                    char **errmsg)
{
  const struct vs_suppress_entry **ents = NULL;
  int64_t *ids = NULL;
  uint64_t *matched = NULL;
  struct hit *hits = NULL;
  size_t n = 0, nhits = 0, i, j, k;
  uint64_t suppressed = 0;
  sqlite3_stmt *s = NULL;
  int rc;

  for (i = 0; i < nfiles; i++)
    n += files[i].list.n;
  if (n == 0)
    return 0;
  ents = vs_xcalloc (n, sizeof *ents);
  ids = vs_xcalloc (n, sizeof *ids);
  matched = vs_xcalloc (n, sizeof *matched);
  if (exec (db, "evidence database", "SAVEPOINT vs_review", errmsg) == -1)
    goto out;

  /* Every entry, in file and line order. */
  if (sqlite3_prepare_v2 (db, "INSERT INTO suppressions (scan_id, file, "
                          "line, check_id, path, account, fingerprint, "
                          "reason, expires, ticket, status, matched) VALUES "
                          "(?,?,?,?,?,?,?,?,?,?,'stale',0)", -1, &s, NULL)
      != SQLITE_OK) {
    sql_fail (db, "evidence database", "suppressions", errmsg);
    goto err;
  }
  for (i = 0, k = 0; i < nfiles; i++)
    for (j = 0; j < files[i].list.n; j++, k++) {
      const struct vs_suppress_entry *e = &files[i].list.v[j];

      ents[k] = e;
      sqlite3_bind_int64 (s, 1, scan_id);
      bind_opt (s, 2, files[i].path);
      sqlite3_bind_int (s, 3, (int) e->line);
      bind_opt (s, 4, e->check);
      bind_opt (s, 5, e->path);
      bind_opt (s, 6, e->account);
      bind_opt (s, 7, e->fingerprint);
      bind_opt (s, 8, e->reason);
      bind_opt (s, 9, e->expires);
      bind_opt (s, 10, e->ticket);
      if (sqlite3_step (s) != SQLITE_DONE) {
        sql_fail (db, "evidence database", "suppressions", errmsg);
        goto err;
      }
      ids[k] = sqlite3_last_insert_rowid (db);
      sqlite3_reset (s);
    }
  sqlite3_finalize (s);
  s = NULL;

  /* Which findings each entry matches; the first unexpired one that
   * matches accepts the finding. */
  if (sqlite3_prepare_v2 (db, "SELECT id, check_id, path, account, "
                          "fingerprint FROM findings WHERE scan_id = ? "
                          "ORDER BY id", -1, &s, NULL) != SQLITE_OK) {
    sql_fail (db, "evidence database", "suppressions", errmsg);
    goto err;
  }
  sqlite3_bind_int64 (s, 1, scan_id);
  while ((rc = sqlite3_step (s)) == SQLITE_ROW) {
    const char *check = (const char *) sqlite3_column_text (s, 1);
    const char *path = (const char *) sqlite3_column_text (s, 2);
    const char *account = (const char *) sqlite3_column_text (s, 3);
    const char *fp = (const char *) sqlite3_column_text (s, 4);
    int taken = 0;

    for (k = 0; k < n; k++) {
      if (!vs_suppress_matches (ents[k], check, path, account, fp))
        continue;
      matched[k]++;
      if (!taken && !vs_suppress_expired (ents[k], today)) {
        hits = vs_xrealloc (hits, (nhits + 1) * sizeof *hits);
        hits[nhits].finding = sqlite3_column_int64 (s, 0);
        hits[nhits++].entry = ids[k];
        taken = 1;
      }
    }
  }
  if (rc != SQLITE_DONE) {
    sql_fail (db, "evidence database", "suppressions", errmsg);
    goto err;
  }
  sqlite3_finalize (s);
  s = NULL;

  /* A finding accepted already (at scan time, when this is a report)
   * keeps its entry. */
  if (sqlite3_prepare_v2 (db, "UPDATE findings SET suppression_id = ? "
                          "WHERE id = ? AND suppression_id IS NULL", -1, &s,
                          NULL) != SQLITE_OK) {
    sql_fail (db, "evidence database", "suppressions", errmsg);
    goto err;
  }
  for (i = 0; i < nhits; i++) {
    sqlite3_bind_int64 (s, 1, hits[i].entry);
    sqlite3_bind_int64 (s, 2, hits[i].finding);
    if (sqlite3_step (s) != SQLITE_DONE) {
      sql_fail (db, "evidence database", "suppressions", errmsg);
      goto err;
    }
    suppressed += (uint64_t) sqlite3_changes (db);
    sqlite3_reset (s);
  }
  sqlite3_finalize (s);
  s = NULL;

  if (sqlite3_prepare_v2 (db, "UPDATE suppressions SET status = ?, "
                          "matched = ? WHERE id = ?", -1, &s, NULL)
      != SQLITE_OK) {
    sql_fail (db, "evidence database", "suppressions", errmsg);
    goto err;
  }
  for (k = 0; k < n; k++) {
    int expired = vs_suppress_expired (ents[k], today);
    const char *st = expired ? "expired" : matched[k] ? "applied" : "stale";

    sqlite3_bind_text (s, 1, st, -1, SQLITE_STATIC);
    sqlite3_bind_int64 (s, 2, (int64_t) matched[k]);
    sqlite3_bind_int64 (s, 3, ids[k]);
    if (sqlite3_step (s) != SQLITE_DONE) {
      sql_fail (db, "evidence database", "suppressions", errmsg);
      goto err;
    }
    sqlite3_reset (s);
    if (expired)
      c->expired++;
    else if (matched[k])
      c->applied++;
    else
      c->stale++;
  }
  sqlite3_finalize (s);
  s = NULL;
  if (exec (db, "evidence database", "RELEASE vs_review", errmsg) == -1)
    goto err;
  c->suppressed += suppressed;
  rc = 0;
  goto out_rc;

 err:
  sqlite3_finalize (s);
  sqlite3_exec (db, "ROLLBACK TO vs_review; RELEASE vs_review", NULL, NULL,
                NULL);
 out:
  rc = -1;
 out_rc:
  free (ents);
  free (ids);
  free (matched);
  free (hits);
  return rc;
}

int
vs_review_live (sqlite3 *db, int64_t scan_id, struct vs_review_counts *c,
                char **errmsg)
{
  sqlite3_stmt *s;
  int rc;

  memset (c->live, 0, sizeof c->live);
  if (sqlite3_prepare_v2 (db, "SELECT severity_rank, count (*) FROM "
                          "findings WHERE scan_id = ? AND suppression_id IS "
                          "NULL AND (baseline IS NULL OR baseline = 'new') "
                          "GROUP BY 1", -1, &s, NULL) != SQLITE_OK)
    return sql_fail (db, "evidence database", "counting findings", errmsg);
  sqlite3_bind_int64 (s, 1, scan_id);
  while ((rc = sqlite3_step (s)) == SQLITE_ROW) {
    int64_t r = sqlite3_column_int64 (s, 0);

    if (r >= 0 && r < 5)
      c->live[r] = (uint64_t) sqlite3_column_int64 (s, 1);
  }
  sqlite3_finalize (s);
  if (rc != SQLITE_DONE)
    return sql_fail (db, "evidence database", "counting findings", errmsg);
  return 0;
}

/* ---- baseline accept --------------------------------------------------- */

struct approval_row {
  char *v[7];                   /* the approvals columns after id */
};

#define APPROVAL_COLUMNS "scan_uuid, approved_by, approved_at, reason, " \
  "ticket, source_path, source_sha256"

/* The approvals rows of the approved baseline at dst, oldest first. */
static int
read_history (const char *dst, struct approval_row **rows, size_t *n,
              char **errmsg)
{
  struct vs_baseline b;
  sqlite3_stmt *s;
  int rc, i;

  if (vs_baseline_open (dst, &b, errmsg) == -1) {
    char *why = *errmsg;

    *errmsg = vs_xasprintf ("%s exists and is not an approved baseline "
                            "(%s); remove it yourself if it should go",
                            dst, why);
    free (why);
    return -1;
  }
  if (sqlite3_prepare_v2 (b.db, "SELECT " APPROVAL_COLUMNS " FROM approvals "
                          "ORDER BY id", -1, &s, NULL) != SQLITE_OK) {
    sql_fail (b.db, dst, "reading its approvals", errmsg);
    vs_baseline_close (&b);
    return -1;
  }
  while ((rc = sqlite3_step (s)) == SQLITE_ROW) {
    *rows = vs_xrealloc (*rows, (*n + 1) * sizeof **rows);
    for (i = 0; i < 7; i++)
      (*rows)[*n].v[i] = col_dup (s, i);
    (*n)++;
  }
  sqlite3_finalize (s);
  if (rc != SQLITE_DONE) {
    sql_fail (b.db, dst, "reading its approvals", errmsg);
    vs_baseline_close (&b);
    return -1;
  }
  vs_baseline_close (&b);
  return 0;
}

static int
fsync_path (const char *path, int dir)
{
  int fd = open (path, (dir ? O_RDONLY | O_DIRECTORY : O_RDWR) | O_CLOEXEC);
  int rc;

  if (fd == -1)
    return -1;
  rc = fsync (fd);
  close (fd);
  return rc;
}

int
vs_baseline_accept (const char *src, const char *dst,
                    const struct vs_approval *a, char **errmsg)
{
  struct approval_row *hist = NULL;
  size_t nhist = 0, i;
  sqlite3 *from = NULL, *to = NULL;
  sqlite3_backup *bk;
  sqlite3_stmt *s = NULL;
  struct stat ss, ds;
  char *uuid = NULL, *status = NULL, *tmp = NULL, *dcopy = NULL;
  char hex[65], now[32];
  int fd, rc = -1, tmp_made = 0;

  if (!a->reason || !a->reason[0] || !a->by || !a->by[0]) {
    *errmsg = vs_xstrdup ("an approval needs a reason and a name");
    return -1;
  }
  if (open_scan_db (src, "the scan to approve", &from, &uuid, &status,
                    errmsg) == -1)
    return -1;
  if (!status || strcmp (status, "complete") != 0) {
    *errmsg = vs_xasprintf ("%s: its scan is %s; only a complete scan can "
                            "be approved", src, status ? status : "of no "
                            "status");
    goto out;
  }
  if (!uuid) {
    *errmsg = vs_xasprintf ("%s: its scan has no uuid", src);
    goto out;
  }
  if (stat (src, &ss) == 0 && stat (dst, &ds) == 0 && ss.st_dev == ds.st_dev
      && ss.st_ino == ds.st_ino) {
    *errmsg = vs_xasprintf ("%s: the scan and the baseline are the same "
                            "file", dst);
    goto out;
  }
  if (lstat (dst, &ds) == 0 && read_history (dst, &hist, &nhist,
                                             errmsg) == -1)
    goto out;
  if (file_sha256 (src, hex, errmsg) == -1)
    goto out;

  /* A new file beside dst, renamed over it once complete. */
  dcopy = vs_xstrdup (dst);
  tmp = vs_xasprintf ("%s.tmp-XXXXXX", dst);
  fd = mkstemp (tmp);
  if (fd == -1) {
    *errmsg = vs_xasprintf ("%s: %s", tmp, strerror (errno));
    goto out;
  }
  tmp_made = 1;
  fchmod (fd, 0644);
  close (fd);
  if (sqlite3_open_v2 (tmp, &to, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
    *errmsg = vs_xasprintf ("%s: %s", tmp, to ? sqlite3_errmsg (to)
                            : "cannot open");
    goto out;
  }
  bk = sqlite3_backup_init (to, "main", from, "main");
  if (!bk) {
    sql_fail (to, tmp, "copying the scan", errmsg);
    goto out;
  }
  sqlite3_backup_step (bk, -1);
  if (sqlite3_backup_finish (bk) != SQLITE_OK) {
    sql_fail (to, tmp, "copying the scan", errmsg);
    goto out;
  }
  if (exec (to, tmp, "BEGIN; DELETE FROM approvals", errmsg) == -1)
    goto out;
  if (sqlite3_prepare_v2 (to, "INSERT INTO approvals (" APPROVAL_COLUMNS
                          ") VALUES (?,?,?,?,?,?,?)", -1, &s, NULL)
      != SQLITE_OK) {
    sql_fail (to, tmp, "approvals", errmsg);
    goto out;
  }
  for (i = 0; i <= nhist; i++) {
    int k;

    if (i < nhist)
      for (k = 0; k < 7; k++)
        bind_opt (s, k + 1, hist[i].v[k]);
    else {
      vs_now_iso (now);
      bind_opt (s, 1, uuid);
      bind_opt (s, 2, a->by);
      bind_opt (s, 3, now);
      bind_opt (s, 4, a->reason);
      bind_opt (s, 5, a->ticket);
      bind_opt (s, 6, src);
      bind_opt (s, 7, hex);
    }
    if (sqlite3_step (s) != SQLITE_DONE) {
      sql_fail (to, tmp, "approvals", errmsg);
      goto out;
    }
    sqlite3_reset (s);
  }
  sqlite3_finalize (s);
  s = NULL;
  if (exec (to, tmp, "COMMIT", errmsg) == -1)
    goto out;
  if (sqlite3_close (to) != SQLITE_OK) {
    *errmsg = vs_xasprintf ("%s: cannot close", tmp);
    to = NULL;
    goto out;
  }
  to = NULL;
  if (fsync_path (tmp, 0) == -1 || rename (tmp, dst) == -1) {
    *errmsg = vs_xasprintf ("%s: %s", dst, strerror (errno));
    goto out;
  }
  tmp_made = 0;
  fsync_path (dirname (dcopy), 1);
  rc = 0;

 out:
  sqlite3_finalize (s);
  if (to)
    sqlite3_close (to);
  if (tmp_made)
    unlink (tmp);
  sqlite3_close (from);
  for (i = 0; i < nhist; i++) {
    int k;

    for (k = 0; k < 7; k++)
      free (hist[i].v[k]);
  }
  free (hist);
  free (uuid);
  free (status);
  free (tmp);
  free (dcopy);
  return rc;
}
