/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: the report library: the output file and what writers share.
 * The "vmscan report" command line is src/cli/report.c.
 *
 * Output: a report to a file goes to FILE.tmp-XXXXXX in the same folder,
 * and is renamed over FILE only after every write, fflush, fsync and
 * fclose succeeded; on any failure the temporary file is removed and
 * FILE is left as it was.  A report to stdout checks the same writes
 * and the final flush.  So a full disk or a closed pipe is an error
 * (exit 2), never a short report.
 *
 * Input: the database is opened read-only and must say user_version 2
 * to 7 (VS_STORE_SCHEMA_OLDEST to VS_STORE_SCHEMA_VERSION), hold the
 * vmscan tables and exactly one scan (a fleet database of vmscan merge,
 * with many, is refused: the writers read whole tables).  The case header and provenance are loaded once into
 * the report model (model.h); findings, files, matches and errors are
 * read with sqlite3_column_* and streamed to the output, never gathered
 * (a files table can hold millions of rows).
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "report/int.h"
#include "report/report.h"
#include "core/review.h"
#include "core/store.h"
#include "base/hash.h"

#define OUT_CHUNK (256 * 1024)

const char *const vs_rep_severity[5] = {
  "info", "low", "medium", "high", "critical"
};

struct format {
  const char *name;
  const char *ext;
  int (*write) (struct vs_report *r);
  int model;                    /* shows the case header: load r->m */
};

static const struct format formats[] = {
  { "html", ".html", vs_report_html, 1 },
  { "json", ".json", vs_report_json, 1 },
  { "jsonl", ".jsonl", vs_report_jsonl, 1 },
  { "csv", ".csv", vs_report_csv_findings, 0 },
  { "csv-files", ".files.csv", vs_report_csv_files, 0 },
  { "sarif", ".sarif", vs_report_sarif, 1 },
  { "bodyfile", ".body", vs_report_bodyfile, 0 },
  { "md", ".md", vs_report_md, 1 },
  { "summary", ".summary.json", vs_report_summary, 0 },
  { "cyclonedx", ".cdx.json", vs_report_cyclonedx, 1 },
  { "spdx", ".spdx.json", vs_report_spdx, 1 },
};

static const struct format *
find_format (const char *name)
{
  size_t i;

  for (i = 0; i < VS_ARRAY_SIZE (formats); i++)
    if (strcmp (formats[i].name, name) == 0)
      return &formats[i];
  return NULL;
}

int
vs_report_format_valid (const char *name)
{
  return find_format (name) != NULL;
}

char *
vs_report_default_path (const char *db_path, const char *format)
{
  const struct format *f = find_format (format);
  size_t n = strlen (db_path);
  const char *base = strrchr (db_path, '/');

  base = base ? base + 1 : db_path;
  /* "x.db" becomes "x.html"; ".db" alone or "x" gets the suffix added. */
  if (n > 3 && strcmp (db_path + n - 3, ".db") == 0
      && strlen (base) > 3)
    n -= 3;
  return vs_xasprintf ("%.*s%s", (int) n, db_path, f ? f->ext : ".out");
}

/* ---- what writers share ------------------------------------------------ */

static void
out_write (struct vs_report *r)
{
  if (r->out_buf.len == 0)
    return;
  if (r->write_errno == 0
      && fwrite (r->out_buf.data, 1, r->out_buf.len, r->out)
         != r->out_buf.len)
    r->write_errno = errno ? errno : EIO;
  vs_buf_setlen (&r->out_buf, 0);
}

void
vs_rep_out_maybe (struct vs_report *r)
{
  if (r->out_buf.len >= OUT_CHUNK)
    out_write (r);
}

int
vs_rep_sql_error (struct vs_report *r, const char *what)
{
  if (!r->errmsg)
    r->errmsg = vs_xasprintf ("%s: %s: %s", r->db_path, what,
                              sqlite3_errmsg (r->db));
  return -1;
}

sqlite3_stmt *
vs_rep_prepare (struct vs_report *r, const char *sql)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (r->db, sql, -1, &stmt, NULL) != SQLITE_OK) {
    vs_rep_sql_error (r, "cannot read");
    sqlite3_finalize (stmt);
    return NULL;
  }
  return stmt;
}

int
vs_rep_step (struct vs_report *r, sqlite3_stmt *stmt)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW)
    return 1;
  if (rc == SQLITE_DONE)
    return 0;
  return vs_rep_sql_error (r, "cannot read");
}

int64_t
vs_rep_int (struct vs_report *r, const char *sql, int64_t def)
{
  sqlite3_stmt *stmt = vs_rep_prepare (r, sql);
  int64_t v = def;

  if (stmt && vs_rep_step (r, stmt) == 1
      && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    v = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return v;
}

const char *
vs_rep_col (sqlite3_stmt *stmt, int i, size_t *len)
{
  const char *s;

  if (sqlite3_column_type (stmt, i) == SQLITE_NULL) {
    *len = 0;
    return NULL;
  }
  s = (const char *) sqlite3_column_text (stmt, i);
  *len = (size_t) sqlite3_column_bytes (stmt, i);
  return s ? s : "";
}

const char *
vs_rep_incomplete_note (struct vs_report *r)
{
  if (r->complete)
    return NULL;
  if (strcmp (r->status, "running") == 0)
    return "INCOMPLETE EVIDENCE: the scan never finished (status "
      "'running': it was killed or is still running); files, matches "
      "and findings may be missing";
  if (strcmp (r->status, "interrupted") == 0)
    return "INCOMPLETE EVIDENCE: the scan was interrupted; files, "
      "matches and findings may be missing";
  return "INCOMPLETE EVIDENCE: the scan failed; files, matches and "
    "findings may be missing";
}

void
vs_rep_json_member (struct vs_buf *b, sqlite3_stmt *stmt, int i,
                    int script_safe)
{
  struct vs_rep_value v;

  vs_rep_value_of (&v, stmt, i);
  vs_rep_json_value (b, sqlite3_column_name (stmt, i), &v, script_safe);
}

void
vs_rep_json_members (struct vs_buf *b, sqlite3_stmt *stmt, int script_safe)
{
  int i, n = sqlite3_column_count (stmt);

  for (i = 0; i < n; i++) {
    if (i)
      vs_buf_addc (b, ',');
    vs_rep_json_member (b, stmt, i, script_safe);
  }
}

void
vs_rep_iso_time (int64_t t, char out[32])
{
  time_t tt = (time_t) t;
  struct tm tm;

  if (!gmtime_r (&tt, &tm)
      || strftime (out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
    snprintf (out, 32, "@%lld", (long long) t);
}

/* ---- opening the database ---------------------------------------------- */

static const char *const tables[] = {
  "scans", "images", "operating_systems", "filesystems", "files",
  "rule_files", "yara_matches", "yara_strings", "errors", "ioc_files",
  "check_runs", "findings",
};

int
vs_rep_open (struct vs_report *r, const char *path, char **errmsg)
{
  sqlite3_stmt *stmt = NULL;
  struct stat sb;
  int64_t version;
  size_t i;
  int rc;

  if (stat (path, &sb) == -1) {
    *errmsg = vs_xasprintf ("%s: %s", path, strerror (errno));
    return -1;
  }
  if (!S_ISREG (sb.st_mode)) {
    *errmsg = vs_xasprintf ("%s: not a regular file", path);
    return -1;
  }
  if (sqlite3_open_v2 (path, &r->db, SQLITE_OPEN_READONLY, NULL)
      != SQLITE_OK) {
    *errmsg = vs_xasprintf ("%s: cannot open: %s", path,
                            r->db ? sqlite3_errmsg (r->db) : "no memory");
    return -1;
  }
  sqlite3_busy_timeout (r->db, 5000);
  rc = sqlite3_prepare_v2 (r->db, "PRAGMA user_version", -1, &stmt, NULL);
  if (rc != SQLITE_OK || sqlite3_step (stmt) != SQLITE_ROW) {
    *errmsg = vs_xasprintf ("%s: not a vmscan evidence database (%s)",
                            path, sqlite3_errmsg (r->db));
    sqlite3_finalize (stmt);
    return -1;
  }
  version = sqlite3_column_int64 (stmt, 0);
  r->schema_version = (int) version;
  sqlite3_finalize (stmt);
  stmt = NULL;

  for (i = 0; i < VS_ARRAY_SIZE (tables); i++) {
    rc = sqlite3_prepare_v2 (r->db, "SELECT 1 FROM sqlite_master "
                             "WHERE type = 'table' AND name = ?1", -1,
                             &stmt, NULL);
    if (rc == SQLITE_OK)
      sqlite3_bind_text (stmt, 1, tables[i], -1, SQLITE_STATIC);
    rc = rc == SQLITE_OK ? sqlite3_step (stmt) : rc;
    sqlite3_finalize (stmt);
    stmt = NULL;
    if (rc != SQLITE_ROW) {
      if ((version < VS_STORE_SCHEMA_OLDEST
           || version > VS_STORE_SCHEMA_VERSION) && version != 0)
        break;
      *errmsg = vs_xasprintf ("%s: not a vmscan evidence database (no "
                              "table %s)", path, tables[i]);
      return -1;
    }
  }
  if (version < VS_STORE_SCHEMA_OLDEST || version > VS_STORE_SCHEMA_VERSION) {
    *errmsg = vs_xasprintf ("%s: evidence database schema version %lld; "
                            "this vmscan reads versions %d to %d", path,
                            (long long) version, VS_STORE_SCHEMA_OLDEST,
                            VS_STORE_SCHEMA_VERSION);
    return -1;
  }

  rc = sqlite3_prepare_v2 (r->db, "SELECT id, status, status_message "
                           "FROM scans ORDER BY id LIMIT 1", -1, &stmt,
                           NULL);
  rc = rc == SQLITE_OK ? sqlite3_step (stmt) : rc;
  if (rc != SQLITE_ROW) {
    *errmsg = vs_xasprintf ("%s: %s", path, rc == SQLITE_DONE
                            ? "the database holds no scan"
                            : sqlite3_errmsg (r->db));
    sqlite3_finalize (stmt);
    return -1;
  }
  r->scan_id = sqlite3_column_int64 (stmt, 0);
  r->status = vs_xstrdup ((const char *) sqlite3_column_text (stmt, 1));
  if (sqlite3_column_type (stmt, 2) != SQLITE_NULL)
    r->status_message =
      vs_xstrdup ((const char *) sqlite3_column_text (stmt, 2));
  r->complete = strcmp (r->status, "complete") == 0;
  sqlite3_finalize (stmt);
  stmt = NULL;

  /* A fleet database (vmscan merge) holds many scans, and the writers
   * read every row of a table as the one scan's: refuse it rather than
   * mix machines. */
  rc = sqlite3_prepare_v2 (r->db, "SELECT count(*) FROM scans", -1, &stmt,
                           NULL);
  rc = rc == SQLITE_OK ? sqlite3_step (stmt) : rc;
  if (rc != SQLITE_ROW || sqlite3_column_int64 (stmt, 0) != 1) {
    *errmsg = rc != SQLITE_ROW
      ? vs_xasprintf ("%s: %s", path, sqlite3_errmsg (r->db))
      : vs_xasprintf ("%s: holds %lld scans (a fleet database made by "
                      "vmscan merge): reports and diffs read one scan's "
                      "database (see FLEETS in vmscan(1))", path,
                      (long long) sqlite3_column_int64 (stmt, 0));
    sqlite3_finalize (stmt);
    return -1;
  }
  sqlite3_finalize (stmt);
  return 0;
}

/* ---- baseline and suppressions ----------------------------------------- */

void
vs_rep_fn_fp (sqlite3_context *c, int argc, sqlite3_value **argv)
{
  struct vs_sha256 h;
  char hex[65];
  int i;

  vs_sha256_init (&h);
  for (i = 0; i < argc; i++) {
    const unsigned char *s = sqlite3_value_type (argv[i]) == SQLITE_NULL
      ? NULL : sqlite3_value_text (argv[i]);

    vs_sha256_field (&h, s, s ? (size_t) sqlite3_value_bytes (argv[i]) : 0);
  }
  vs_sha256_final_hex (&h, hex);
  sqlite3_result_text (c, hex, 64, SQLITE_TRANSIENT);
}

/* The tables of schema version 7 a report reads, made as TEMP tables of
 * r->db from this vmscan's schema (an in-memory database made with it,
 * whose statements are replayed with TEMP), empty. */
static const char *const review_tables[] = {
  "suppressions", "baselines", "baseline_absent", "stories", "finding_links",
};

static int
temp_tables (struct vs_report *r, int copy)
{
  sqlite3 *mem = NULL;
  sqlite3_stmt *s = NULL;
  size_t i;
  int rc = -1;

  if (sqlite3_open_v2 (":memory:", &mem, SQLITE_OPEN_READWRITE, NULL)
      != SQLITE_OK
      || sqlite3_exec (mem, vs_store_schema_sql (), NULL, NULL, NULL)
      != SQLITE_OK)
    goto out;
  for (i = 0; i < VS_ARRAY_SIZE (review_tables); i++) {
    const char *sql;
    char *ddl;
    int ok;

    if (sqlite3_prepare_v2 (mem, "SELECT sql FROM sqlite_master WHERE type "
                            "= 'table' AND name = ?", -1, &s, NULL)
        != SQLITE_OK)
      goto out;
    sqlite3_bind_text (s, 1, review_tables[i], -1, SQLITE_STATIC);
    if (sqlite3_step (s) != SQLITE_ROW
        || !(sql = (const char *) sqlite3_column_text (s, 0))
        || strncmp (sql, "CREATE TABLE ", 13) != 0)
      goto out;
    ddl = vs_xasprintf ("CREATE TEMP TABLE %s", sql + 13);
    ok = sqlite3_exec (r->db, ddl, NULL, NULL, NULL) == SQLITE_OK;
    free (ddl);
    sqlite3_finalize (s);
    s = NULL;
    if (!ok)
      goto out;
    if (copy) {
      char *ins = vs_xasprintf ("INSERT INTO temp.%s SELECT * FROM main.%s",
                                review_tables[i], review_tables[i]);

      ok = sqlite3_exec (r->db, ins, NULL, NULL, NULL) == SQLITE_OK;
      free (ins);
      if (!ok)
        goto out;
    }
  }
  rc = 0;

 out:
  sqlite3_finalize (s);
  sqlite3_close (mem);
  return rc;
}

/* Gives every report the schema version 7 columns and tables: a
 * database without them gets TEMP ones (its findings with their
 * fingerprints computed, no baseline, no suppression), and report-time
 * --suppress files are applied to TEMP copies of the findings and the
 * suppressions.  Unqualified names in the writers' queries find the
 * TEMP tables first, so every format sees the same thing, and the
 * database is never written. */
static int
has_column (struct vs_report *r, const char *table, const char *column)
{
  sqlite3_stmt *s;
  int found = 0;

  if (sqlite3_prepare_v2 (r->db, "SELECT 1 FROM pragma_table_info (?1, "
                          "'main') WHERE name = ?2", -1, &s, NULL)
      != SQLITE_OK)
    return 0;
  sqlite3_bind_text (s, 1, table, -1, SQLITE_STATIC);
  sqlite3_bind_text (s, 2, column, -1, SQLITE_STATIC);
  found = sqlite3_step (s) == SQLITE_ROW;
  sqlite3_finalize (s);
  return found;
}

static int
review_setup (struct vs_report *r, const struct vs_report_options *opts,
              char **errmsg)
{
  int cols = has_column (r, "findings", "suppression_id")
    && has_column (r, "findings", "fingerprint")
    && has_column (r, "findings", "baseline");
  int have = has_column (r, "suppressions", "matched")
    && has_column (r, "baselines", "findings_absent")
    && has_column (r, "baseline_absent", "fingerprint")
    && has_column (r, "stories", "subject_path")
    && has_column (r, "finding_links", "relation");
  int sup = opts && opts->nsuppress;

  if (sqlite3_create_function (r->db, "vs_fp", -1, SQLITE_UTF8
                               | SQLITE_DETERMINISTIC, NULL, vs_rep_fn_fp,
                               NULL, NULL) != SQLITE_OK)
    goto sql;
  if ((!cols || sup)
      && (sqlite3_exec (r->db, cols
                        ? "CREATE TEMP TABLE findings AS SELECT * FROM "
                        "main.findings"
                        : "CREATE TEMP TABLE findings AS SELECT *, vs_fp "
                        "(check_id, path, account, evidence) AS fingerprint, "
                        "NULL AS baseline, NULL AS suppression_id FROM "
                        "main.findings", NULL, NULL, NULL) != SQLITE_OK
          || sqlite3_exec (r->db, "CREATE INDEX temp.findings_id ON "
                           "findings (id)", NULL, NULL, NULL) != SQLITE_OK))
    goto sql;
  if ((!have || sup) && temp_tables (r, have) == -1)
    goto sql;
  if (sup) {
    struct vs_review_counts c;
    char today[32];

    memset (&c, 0, sizeof c);
    vs_now_iso (today);
    today[10] = 0;
    if (vs_review_suppress (r->db, r->scan_id, opts->suppress,
                            opts->nsuppress, today, &c, errmsg) == -1)
      return -1;
  }
  return 0;

 sql:
  *errmsg = vs_xasprintf ("%s: %s", r->db_path, sqlite3_errmsg (r->db));
  return -1;
}

void
vs_rep_rules_digest (struct vs_report *r, char out[65])
{
  const struct vs_rep_table *t = &r->m.rule_files;
  struct vs_sha256 h;
  size_t i;

  if (t->nrows == 0) {
    strcpy (out, "-");
    return;
  }
  vs_sha256_init (&h);
  for (i = 0; i < t->nrows; i++) {
    const struct vs_rep_value *v = vs_rep_cell (t, i, 3);

    if (v->s)
      vs_sha256_update (&h, v->s, v->len);
    vs_sha256_update (&h, "\n", 1);
  }
  vs_sha256_final_hex (&h, out);
}

int
vs_rep_verdict (struct vs_report *r, struct vs_buf *b)
{
  struct vs_rep_review c;
  sqlite3_stmt *s;
  int64_t n = 0;
  int k, worst = -1, rc;

  if (vs_rep_review_counts (r, &c) == -1)
    return -1;
  for (k = 4; k >= 2; k--)
    if (c.live[k]) {
      n += c.live[k];
      if (worst == -1)
        worst = k;
    }
  if (!r->complete)
    vs_buf_adds (b, "INCOMPLETE SCAN: ");
  if (n == 0) {
    vs_buf_addf (b, "clean: no finding at medium or above%s",
                 c.has_baseline ? " new since the baseline" : "");
    return 0;
  }
  vs_buf_addf (b, "%lld finding%s at medium or above%s, the worst %s: ",
               (long long) n, n == 1 ? "" : "s",
               c.has_baseline ? " new since the baseline" : "",
               vs_rep_severity[worst]);
  s = vs_rep_prepare (r, "SELECT title, path FROM findings WHERE "
                      "suppression_id IS NULL AND (baseline IS NULL OR "
                      "baseline = 'new') AND severity_rank >= 2 ORDER BY "
                      "severity_rank DESC, check_id, path, id LIMIT 1");
  if (!s)
    return -1;
  if ((rc = vs_rep_step (r, s)) == 1) {
    size_t len;
    const char *t = vs_rep_col (s, 0, &len);

    vs_buf_add (b, t ? t : "", t ? len : 0);
    if ((t = vs_rep_col (s, 1, &len))) {
      vs_buf_adds (b, " (");
      vs_buf_add (b, t, len);
      vs_buf_adds (b, ")");
    }
  }
  sqlite3_finalize (s);
  return rc == -1 ? -1 : 0;
}

int
vs_rep_review_counts (struct vs_report *r, struct vs_rep_review *c)
{
  sqlite3_stmt *s;
  int rc;

  if (r->review) {
    *c = *r->review;
    return 0;
  }
  memset (c, 0, sizeof *c);
  c->has_baseline = vs_rep_int (r, "SELECT count (*) FROM baselines", 0) > 0;
  c->new_ = vs_rep_int (r, "SELECT count (*) FROM findings WHERE baseline "
                        "= 'new'", 0);
  c->unchanged = vs_rep_int (r, "SELECT count (*) FROM findings WHERE "
                             "baseline = 'unchanged'", 0);
  c->absent = vs_rep_int (r, "SELECT count (*) FROM baseline_absent", 0);
  c->suppressed = vs_rep_int (r, "SELECT count (*) FROM findings WHERE "
                              "suppression_id IS NOT NULL", 0);
  c->applied = vs_rep_int (r, "SELECT count (*) FROM suppressions WHERE "
                           "status = 'applied'", 0);
  c->stale = vs_rep_int (r, "SELECT count (*) FROM suppressions WHERE "
                         "status = 'stale'", 0);
  c->expired = vs_rep_int (r, "SELECT count (*) FROM suppressions WHERE "
                           "status = 'expired'", 0);
  s = vs_rep_prepare (r, "SELECT severity_rank, count (*) FROM findings "
                      "WHERE suppression_id IS NULL AND (baseline IS NULL "
                      "OR baseline = 'new') GROUP BY 1");
  if (!s)
    return -1;
  while ((rc = vs_rep_step (r, s)) == 1) {
    int64_t k = sqlite3_column_int64 (s, 0);

    if (k >= 0 && k < 5)
      c->live[k] = sqlite3_column_int64 (s, 1);
  }
  sqlite3_finalize (s);
  if (rc == -1)
    return -1;
  r->review = vs_xmalloc (sizeof *r->review);
  *r->review = *c;
  return 0;
}

/* ---- the output file --------------------------------------------------- */

/* Removes the temporary file (if any) and returns -1. */
static int
out_abort (FILE **fp, char *tmp)
{
  if (*fp) {
    fclose (*fp);
    *fp = NULL;
  }
  if (tmp)
    unlink (tmp);
  return -1;
}

static int
same_file (const char *a, const char *b)
{
  struct stat sa, sb;

  return stat (a, &sa) == 0 && stat (b, &sb) == 0
    && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

int
vs_rep_emit (struct vs_report *r, const char *out_path,
             int (*write) (struct vs_report *r, void *arg), void *arg,
             char **errmsg)
{
  char *tmp = NULL, *msg = NULL;
  FILE *fp = NULL;
  int to_file = out_path && strcmp (out_path, "-") != 0;
  int fd, rc = -1, wrc;
  mode_t um;

  if (to_file) {
    tmp = vs_xasprintf ("%s.tmp-XXXXXX", out_path);
    fd = mkstemp (tmp);
    if (fd == -1) {
      msg = vs_xasprintf ("%s: cannot create: %s", out_path,
                          strerror (errno));
      free (tmp);
      tmp = NULL;
      goto out;
    }
    um = umask (0);
    umask (um);
    if (fchmod (fd, 0666 & ~um) == -1 || !(fp = fdopen (fd, "w"))) {
      msg = vs_xasprintf ("%s: %s", tmp, strerror (errno));
      if (!fp)
        close (fd);
      out_abort (&fp, tmp);
      goto out;
    }
    r->out = fp;
  }
  else
    r->out = stdout;

  errno = 0;
  wrc = write (r, arg);
  out_write (r);
  if (wrc == -1 || r->errmsg) {
    msg = r->errmsg ? r->errmsg : vs_xstrdup ("cannot write the report");
    r->errmsg = NULL;
    if (to_file)
      out_abort (&fp, tmp);
    goto out;
  }
  if (!r->write_errno && fflush (r->out) == EOF)
    r->write_errno = errno ? errno : EIO;
  if (!r->write_errno && ferror (r->out))
    r->write_errno = EIO;
  if (to_file) {
    if (!r->write_errno && fsync (fileno (fp)) == -1)
      r->write_errno = errno;
    if (!r->write_errno) {
      int e = fclose (fp);

      fp = NULL;
      if (e == EOF)
        r->write_errno = errno ? errno : EIO;
    }
    if (!r->write_errno && rename (tmp, out_path) == -1)
      r->write_errno = errno;
    if (r->write_errno) {
      msg = vs_xasprintf ("%s: cannot write the report: %s", out_path,
                          strerror (r->write_errno));
      out_abort (&fp, tmp);
      goto out;
    }
  }
  else if (r->write_errno) {
    msg = vs_xasprintf ("standard output: cannot write the report: %s",
                        strerror (r->write_errno));
    goto out;
  }
  rc = 0;

 out:
  if (rc == -1)
    *errmsg = msg ? msg : vs_xstrdup ("cannot write the report");
  free (tmp);
  return rc;
}

int
vs_rep_same_file (const char *a, const char *b)
{
  return same_file (a, b);
}

void
vs_rep_close (struct vs_report *r)
{
  free (r->errmsg);
  free (r->status);
  free (r->status_message);
  vs_rep_model_free (&r->m);
  vs_buf_release (&r->out_buf);
  free (r->review);
  sqlite3_close (r->db);
  memset (r, 0, sizeof *r);
}

static int
write_format (struct vs_report *r, void *arg)
{
  const struct format *f = arg;

  return f->model && vs_rep_model_load (r) == -1 ? -1 : f->write (r);
}

int
vs_report_write (const char *db_path, const char *format,
                 const char *out_path, const struct vs_report_options *opts,
                 char **errmsg)
{
  const struct format *f = find_format (format);
  struct vs_report r;
  int rc;

  memset (&r, 0, sizeof r);
  if (!f) {
    *errmsg = vs_xasprintf ("unknown report format '%s' (%s)", format,
                            VS_REPORT_FORMATS);
    return -1;
  }
  if (out_path && strcmp (out_path, "-") != 0
      && same_file (out_path, db_path)) {
    *errmsg = vs_xasprintf ("%s: the report would overwrite the database",
                            out_path);
    return -1;
  }
  r.db_path = db_path;
  r.html_max_files = opts ? opts->html_max_files
    : VS_REPORT_HTML_MAX_FILES_DEFAULT;
  vs_now_iso (r.generated_at);
  rc = vs_rep_open (&r, db_path, errmsg);
  if (rc == 0)
    rc = review_setup (&r, opts, errmsg);
  if (rc == 0)
    rc = vs_rep_emit (&r, out_path, write_format, (void *) f, errmsg);
  vs_rep_close (&r);
  return rc;
}
