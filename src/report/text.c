/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: the csv, csv-files, bodyfile and md reports.
 *
 * csv and csv-files are RFC 4180 (comma, CRLF, every text field in
 * double quotes, SQL NULL as an empty unquoted field), UTF-8 without a
 * byte order mark.  Text cells go through vs_report_add_csv (formula
 * guard, U+FFFD for bad bytes); path, link_target, account and evidence
 * have a *_hex column beside them, filled only when the text is not
 * valid UTF-8.  Every row carries scan_status, so a row of an incomplete
 * scan says so wherever it is pasted.
 *
 * bodyfile is The Sleuth Kit 3.x body format, one line per files row,
 * names in display form with % and | percent-encoded (see
 * report/escape.h); lines starting with # are comments mactime skips.
 *
 * md is a summary for a ticket: bounded tables, every image string
 * through vs_report_add_md.
 */
#include <config.h>

#include <string.h>

#include "report/int.h"

#define MD_MAX_FINDINGS 50
#define MD_MAX_MATCHES 50
#define MD_MAX_ERRORS 20

/* ---- CSV --------------------------------------------------------------- */

/* How each column of a CSV query is written. */
enum csv_kind {
  CSV_TEXT,                     /* quoted text */
  CSV_TEXT_HEX,                 /* quoted text, then its *_hex column */
  CSV_NUM,                      /* a number, or empty */
  CSV_TIME,                     /* a number, then its *_utc column */
  CSV_MODE,                     /* a number, then mode_string */
};

struct csv_col {
  const char *name;
  enum csv_kind kind;
};

static void
csv_header (struct vs_buf *b, const struct csv_col *cols, size_t n)
{
  size_t i;

  vs_buf_adds (b, "scan_status");
  for (i = 0; i < n; i++) {
    vs_buf_addf (b, ",%s", cols[i].name);
    if (cols[i].kind == CSV_TEXT_HEX)
      vs_buf_addf (b, ",%s_hex", cols[i].name);
    else if (cols[i].kind == CSV_TIME)
      vs_buf_addf (b, ",%s_utc", cols[i].name);
    else if (cols[i].kind == CSV_MODE)
      vs_buf_adds (b, ",mode_string");
  }
  vs_buf_adds (b, "\r\n");
}

static void
csv_row (struct vs_report *r, sqlite3_stmt *stmt, const struct csv_col *cols,
         size_t n)
{
  struct vs_buf *b = &r->out_buf;
  const char *s;
  size_t i, len;
  char t[32];

  vs_report_add_csv (b, r->status, strlen (r->status));
  for (i = 0; i < n; i++) {
    int null = sqlite3_column_type (stmt, (int) i) == SQLITE_NULL;

    vs_buf_addc (b, ',');
    switch (cols[i].kind) {
    case CSV_TEXT:
    case CSV_TEXT_HEX:
      s = vs_rep_col (stmt, (int) i, &len);
      if (s)
        vs_report_add_csv (b, s, len);
      if (cols[i].kind == CSV_TEXT_HEX) {
        vs_buf_addc (b, ',');
        if (s && !vs_utf8_valid (s, len)) {
          vs_buf_addc (b, '"');
          vs_buf_add_hex (b, s, len);
          vs_buf_addc (b, '"');
        }
      }
      break;
    case CSV_NUM:
    case CSV_TIME:
    case CSV_MODE:
      if (!null)
        vs_buf_addf (b, "%lld",
                     (long long) sqlite3_column_int64 (stmt, (int) i));
      if (cols[i].kind == CSV_TIME) {
        vs_buf_addc (b, ',');
        if (!null) {
          vs_rep_iso_time (sqlite3_column_int64 (stmt, (int) i), t);
          vs_buf_adds (b, t);
        }
      }
      else if (cols[i].kind == CSV_MODE) {
        vs_buf_addc (b, ',');
        vs_report_mode_string ((uint32_t) sqlite3_column_int64 (stmt, (int) i),
                               t);
        vs_report_add_csv (b, t, strlen (t));
      }
      break;
    }
  }
  vs_buf_adds (b, "\r\n");
  vs_rep_out_maybe (r);
}

static int
csv_write (struct vs_report *r, const char *sql, const struct csv_col *cols,
           size_t n)
{
  sqlite3_stmt *stmt = vs_rep_prepare (r, sql);
  int rc;

  if (!stmt)
    return -1;
  if ((size_t) sqlite3_column_count (stmt) != n)
    abort ();                   /* the tables below and the SQL disagree */
  csv_header (&r->out_buf, cols, n);
  while ((rc = vs_rep_step (r, stmt)) == 1)
    csv_row (r, stmt, cols, n);
  sqlite3_finalize (stmt);
  return rc;
}

static const struct csv_col finding_cols[] = {
  { "id", CSV_NUM }, { "check_id", CSV_TEXT }, { "severity", CSV_TEXT },
  { "severity_rank", CSV_NUM }, { "category", CSV_TEXT },
  { "title", CSV_TEXT }, { "path", CSV_TEXT_HEX },
  { "account", CSV_TEXT_HEX }, { "evidence", CSV_TEXT_HEX },
  { "mitre_attack", CSV_TEXT }, { "os_id", CSV_NUM },
  { "file_id", CSV_NUM }, { "match_id", CSV_NUM },
  { "baseline", CSV_TEXT }, { "suppression_id", CSV_NUM },
};

int
vs_report_csv_findings (struct vs_report *r)
{
  return csv_write (r, VS_REP_FINDINGS_SQL, finding_cols,
                    VS_ARRAY_SIZE (finding_cols));
}

static const struct csv_col file_cols[] = {
  { "id", CSV_NUM }, { "fs_id", CSV_NUM }, { "path", CSV_TEXT_HEX },
  { "type", CSV_TEXT }, { "size", CSV_NUM }, { "mode", CSV_MODE },
  { "uid", CSV_NUM }, { "gid", CSV_NUM },
  { "atime", CSV_TIME }, { "atime_ns", CSV_NUM },
  { "mtime", CSV_TIME }, { "mtime_ns", CSV_NUM },
  { "ctime", CSV_TIME }, { "ctime_ns", CSV_NUM },
  { "btime", CSV_TIME }, { "btime_ns", CSV_NUM },
  { "inode", CSV_NUM }, { "nlink", CSV_NUM },
  { "link_target", CSV_TEXT_HEX }, { "md5", CSV_TEXT },
  { "sha1", CSV_TEXT }, { "sha256", CSV_TEXT }, { "magic", CSV_TEXT },
  { "mime", CSV_TEXT }, { "yara_scanned", CSV_NUM },
  { "capabilities", CSV_TEXT }, { "deleted", CSV_TEXT },
};

int
vs_report_csv_files (struct vs_report *r)
{
  /* files.deleted came with schema version 5; older databases have no
   * deleted rows. */
  return csv_write (r, r->schema_version >= 5
                    ? "SELECT id, fs_id, path, type, size, mode, uid, gid, "
                    "atime, atime_ns, mtime, mtime_ns, ctime, ctime_ns, "
                    "btime, btime_ns, inode, nlink, link_target, md5, sha1, "
                    "sha256, magic, mime, yara_scanned, capabilities, "
                    "deleted FROM files ORDER BY id"
                    : "SELECT id, fs_id, path, type, size, mode, uid, gid, "
                    "atime, atime_ns, mtime, mtime_ns, ctime, ctime_ns, "
                    "btime, btime_ns, inode, nlink, link_target, md5, sha1, "
                    "sha256, magic, mime, yara_scanned, capabilities, "
                    "NULL FROM files ORDER BY id", file_cols,
                    VS_ARRAY_SIZE (file_cols));
}

/* ---- bodyfile ---------------------------------------------------------- */

static void
body_int (struct vs_buf *b, sqlite3_stmt *stmt, int i)
{
  vs_buf_addf (b, "|%lld", sqlite3_column_type (stmt, i) == SQLITE_NULL
               ? 0LL : (long long) sqlite3_column_int64 (stmt, i));
}

int
vs_report_bodyfile (struct vs_report *r)
{
  struct vs_buf *b = &r->out_buf;
  const char *note = vs_rep_incomplete_note (r);
  sqlite3_stmt *stmt;
  const char *s;
  size_t len;
  char mode[11];
  int rc, i;

  vs_buf_adds (b, "# vmscan bodyfile (The Sleuth Kit 3.x format) of ");
  vs_report_add_body (b, r->db_path, strlen (r->db_path));
  vs_buf_addf (b, ", made %s; scan status ", r->generated_at);
  vs_report_add_body (b, r->status, strlen (r->status));
  vs_buf_adds (b, "\n# names: control characters, bad UTF-8 and "
               "backslashes as \\n \\t \\xNN \\\\, %% as %%25, | as %%7C\n");
  if (note)
    vs_buf_addf (b, "# %s\n", note);

  stmt = vs_rep_prepare (r, r->schema_version >= 5
                         ? "SELECT md5, path, inode, mode, uid, gid, size, "
                         "atime, mtime, ctime, btime, type, link_target, "
                         "deleted FROM files ORDER BY id"
                         : "SELECT md5, path, inode, mode, uid, gid, size, "
                         "atime, mtime, ctime, btime, type, link_target, "
                         "NULL FROM files ORDER BY id");
  if (!stmt)
    return -1;
  while ((rc = vs_rep_step (r, stmt)) == 1) {
    s = vs_rep_col (stmt, 0, &len);
    if (s && len == 32 && strspn (s, "0123456789abcdef") == 32)
      vs_buf_add (b, s, len);
    else
      vs_buf_addc (b, '0');
    vs_buf_addc (b, '|');
    s = vs_rep_col (stmt, 1, &len);
    vs_report_add_body (b, s ? s : "", len);
    s = vs_rep_col (stmt, 12, &len);
    if (s && (sqlite3_column_int64 (stmt, 3) & 0170000) == 0120000) {
      vs_buf_adds (b, " -> ");
      vs_report_add_body (b, s, len);
    }
    /* As fls -m marks them: a deleted name, and one whose inode is in
     * use again. */
    s = vs_rep_col (stmt, 13, &len);
    if (s)
      vs_buf_adds (b, strcmp (s, "name") == 0 ? " (deleted-realloc)"
                   : " (deleted)");
    body_int (b, stmt, 2);
    vs_report_mode_string ((uint32_t) sqlite3_column_int64 (stmt, 3), mode);
    vs_buf_addf (b, "|%s", mode);
    for (i = 4; i <= 10; i++)
      body_int (b, stmt, i);
    vs_buf_addc (b, '\n');
    vs_rep_out_maybe (r);
  }
  sqlite3_finalize (stmt);
  return rc;
}

/* ---- Markdown ---------------------------------------------------------- */

static void
md (struct vs_buf *b, const char *s, size_t len)
{
  vs_report_add_md (b, s ? s : "", s ? len : 0);
}

/* A column of md_table: its index, or MD_SEVERITY for the name of the
 * severity_rank in column 3, followed by "(new)" when the finding is new
 * since the baseline (column 13) and "(suppressed)" when a suppression
 * accepted it (column 14). */
#define MD_SEVERITY (-1)
/* The severity_rank of a story (column 2) as its name. */
#define MD_STORY_SEVERITY (-2)

static void
md_col (struct vs_buf *b, sqlite3_stmt *stmt, int i)
{
  size_t len;
  const char *s;

  if (i == MD_STORY_SEVERITY) {
    i = sqlite3_column_int (stmt, 2);
    vs_buf_adds (b, vs_rep_severity[i >= 0 && i < 5 ? i : 0]);
    return;
  }
  if (i == MD_SEVERITY) {
    i = sqlite3_column_int (stmt, 3);
    vs_buf_adds (b, vs_rep_severity[i >= 0 && i < 5 ? i : 0]);
    if (sqlite3_column_count (stmt) > 14) {
      s = vs_rep_col (stmt, 13, &len);
      if (s && len == 3 && memcmp (s, "new", 3) == 0)
        vs_buf_adds (b, " (new)");
      if (sqlite3_column_type (stmt, 14) != SQLITE_NULL)
        vs_buf_adds (b, " (suppressed)");
    }
    return;
  }
  s = vs_rep_col (stmt, i, &len);
  if (s)
    md (b, s, len);
}

/* The scan's column name in Markdown. */
static void
md_scan (struct vs_report *r, const char *name)
{
  vs_rep_add_value (&r->out_buf, vs_rep_scan (&r->m, name), md);
}

/* Appends head and at most max rows of sql as the rows of a Markdown
 * table (columns cols), then a line saying how many of total are left
 * out and where they are. */
static int
md_table (struct vs_report *r, const char *head, const char *sql,
          const int *cols, size_t ncols, int64_t max, int64_t total,
          const char *noun)
{
  struct vs_buf *b = &r->out_buf;
  sqlite3_stmt *stmt = vs_rep_prepare (r, sql);
  int64_t n = 0;
  size_t i;
  int rc;

  if (!stmt)
    return -1;
  vs_buf_adds (b, head);
  while ((rc = vs_rep_step (r, stmt)) == 1 && n < max) {
    for (i = 0; i < ncols; i++) {
      vs_buf_adds (b, i ? " | " : "| ");
      md_col (b, stmt, cols[i]);
    }
    vs_buf_adds (b, " |\n");
    n++;
  }
  sqlite3_finalize (stmt);
  if (rc == -1)
    return -1;
  if (total > n)
    vs_buf_addf (b, "\n%lld more %s: see the html or json report\\.\n",
                 (long long) (total - n), noun);
  return 0;
}

/* The verdict in bold, then the stories, a numbered list, worst first. */
static int
md_verdict (struct vs_report *r)
{
  struct vs_buf *b = &r->out_buf;
  struct vs_buf v = VS_BUF_INIT;
  sqlite3_stmt *st;
  int rc, n = 0;

  if (vs_rep_verdict (r, &v) == -1) {
    vs_buf_release (&v);
    return -1;
  }
  vs_buf_adds (b, "**Verdict: ");
  md (b, v.data ? v.data : "", v.len);
  vs_buf_adds (b, "**\n\n");
  vs_buf_release (&v);
  st = vs_rep_prepare (r, VS_REP_STORIES_SQL);
  if (!st)
    return -1;
  while ((rc = vs_rep_step (r, st)) == 1) {
    size_t len;
    const char *t = vs_rep_col (st, 3, &len);

    if (n++ == 0)
      vs_buf_adds (b, "## Stories\n\n");
    vs_buf_addf (b, "%d\\. **", n);
    md_col (b, st, MD_STORY_SEVERITY);
    vs_buf_adds (b, "** ");
    md (b, t ? t : "", t ? len : 0);
    vs_buf_addf (b, " \\(%lld findings\\)\n", (long long)
                 sqlite3_column_int64 (st, 5));
  }
  sqlite3_finalize (st);
  if (rc == -1)
    return -1;
  if (n)
    vs_buf_adds (b, "\n");
  return 0;
}

/* The baseline and the suppressions, before the findings: how many are
 * new, who approved the baseline and why, and each suppression entry
 * with what became of it (expired and stale ones first). */
static int
md_review (struct vs_report *r)
{
  static const int bl_cols[] = { 0, 4, 5, 6, 7 };
  static const int sup_cols[] = { 10, 1, 2, 3, 4, 5, 7, 8, 9, 11 };
  struct vs_buf *b = &r->out_buf;
  struct vs_rep_review c;
  int64_t live = 0;
  int i;

  if (vs_rep_review_counts (r, &c) == -1)
    return -1;
  for (i = 0; i < 5; i++)
    live += c.live[i];
  if (c.has_baseline) {
    vs_buf_addf (b, "## New since the approved baseline: %lld\n\n"
                 "%lld new, %lld unchanged, %lld gone since the baseline "
                 "below; the findings list the new ones first, marked "
                 "(new)\\.\n", (long long) c.new_, (long long) c.new_,
                 (long long) c.unchanged, (long long) c.absent);
    if (md_table (r, "\n| Baseline | Approved by | At | Reason | Ticket |\n"
                  "|---|---|---|---|---|\n", VS_REP_BASELINES_SQL, bl_cols,
                  VS_ARRAY_SIZE (bl_cols), 1, 1, "baselines") == -1)
      return -1;
    if (c.absent
        && md_table (r, "\nGone since the baseline:\n\n| Severity | Check "
                     "| Title | Path | Evidence |\n|---|---|---|---|---|\n",
                     VS_REP_ABSENT_SQL, (const int[]) { 2, 1, 5, 6, 8 }, 5,
                     MD_MAX_FINDINGS, c.absent, "gone findings") == -1)
      return -1;
    vs_buf_adds (b, "\n");
  }
  if (c.applied || c.stale || c.expired) {
    vs_buf_addf (b, "## Suppressions: %lld findings accepted\n\n%lld "
                 "entries applied, %lld stale (they matched nothing), %lld "
                 "expired (they accept nothing: the findings they match are "
                 "reported)\\.\n", (long long) c.suppressed,
                 (long long) c.applied, (long long) c.stale,
                 (long long) c.expired);
    if (md_table (r, "\n| Status | File | Line | Check | Path | Account | "
                  "Reason | Expires | Ticket | Matched |\n"
                  "|---|---|---|---|---|---|---|---|---|---|\n",
                  "SELECT id, file, line, check_id, path, account, "
                  "fingerprint, reason, expires, ticket, status, matched "
                  "FROM suppressions ORDER BY status = 'applied', id",
                  sup_cols, VS_ARRAY_SIZE (sup_cols), MD_MAX_FINDINGS,
                  c.applied + c.stale + c.expired, "entries") == -1)
      return -1;
    vs_buf_adds (b, "\n");
  }
  (void) live;
  return 0;
}

int
vs_report_md (struct vs_report *r)
{
  static const int md_finding_cols[] = { MD_SEVERITY, 1, 5, 6, 8, 9 };
  static const int match_cols[] = { 0, 1, 2, 3 };
  static const int error_cols[] = { 0, 1, 2 };
  struct vs_buf *b = &r->out_buf;
  const struct vs_rep_model *m = &r->m;
  const struct vs_rep_table *t;
  const char *note = vs_rep_incomplete_note (r);
  int64_t total;
  size_t k;
  int i;
  char rules_digest[65];

  vs_rep_rules_digest (r, rules_digest);

  /* The verdict, then the stories, then the case header. */
  vs_buf_adds (b, "# vmscan report\n\n");
  if (note) {
    vs_buf_adds (b, "> **");
    md (b, note, strlen (note));
    vs_buf_adds (b, "**\n\n");
  }
  if (md_verdict (r) == -1)
    return -1;
  vs_buf_adds (b, "| | |\n|---|---|\n| Scan status | ");
  md_scan (r, "status");
  if (vs_rep_scan (m, "status_message")->type != SQLITE_NULL) {
    vs_buf_adds (b, ": ");
    md_scan (r, "status_message");
  }
  vs_buf_adds (b, " |\n| Scanned | ");
  md_scan (r, "started_at");
  vs_buf_adds (b, " to ");
  md_scan (r, "finished_at");
  vs_buf_adds (b, " on ");
  md_scan (r, "host");
  vs_buf_adds (b, " |\n| Versions | ");
  vs_rep_add_versions (b, m, md, 0);
  vs_buf_adds (b, ", backend ");
  md_scan (r, "backend");
  vs_buf_adds (b, " |\n");

  /* Images: id, disk_index, path, format, format_source, file_size,
   * virtual_size, sha256. */
  for (k = 0, t = &m->images; k < t->nrows; k++) {
    vs_buf_adds (b, "| Image | ");
    vs_rep_add_value (b, vs_rep_cell (t, k, 2), md);
    vs_buf_adds (b, " (");
    vs_rep_add_value (b, vs_rep_cell (t, k, 3), md);
    vs_buf_adds (b, ", sha256 ");
    vs_rep_add_value (b, vs_rep_cell (t, k, 7), md);
    vs_buf_adds (b, ") |\n");
  }

  /* Operating systems: id, root_device, type, distro, product_name,
   * major_version, minor_version, hostname, arch, ... */
  for (k = 0, t = &m->oses; k < t->nrows; k++) {
    vs_buf_adds (b, "| Operating system | ");
    vs_rep_add_value (b, vs_rep_cell (t, k, 4), md);
    vs_buf_adds (b, " (");
    vs_rep_add_value (b, vs_rep_cell (t, k, 3), md);
    vs_buf_addf (b, " %d\\.%d, ", (int) vs_rep_cell (t, k, 5)->i,
                 (int) vs_rep_cell (t, k, 6)->i);
    vs_rep_add_value (b, vs_rep_cell (t, k, 8), md);
    vs_buf_adds (b, "), host name ");
    vs_rep_add_value (b, vs_rep_cell (t, k, 7), md);
    vs_buf_adds (b, ", root ");
    vs_rep_add_value (b, vs_rep_cell (t, k, 1), md);
    vs_buf_adds (b, " |\n");
  }
  vs_buf_addf (b, "| Rule files | %lld (digest %s) |\n| Files | %lld |\n"
               "| Report made | %s from ", (long long) m->rule_files.nrows,
               rules_digest, (long long) m->files, r->generated_at);
  md (b, r->db_path, strlen (r->db_path));
  vs_buf_adds (b, " |\n\n");

  /* What is new since the approved baseline, and what was accepted. */
  if (md_review (r) == -1)
    return -1;

  /* Counts by severity, then the findings that matter most. */
  total = m->findings_ranked;
  vs_buf_addf (b, "## Findings: %lld\n\n| Severity | Count |\n|---|---|\n",
               (long long) total);
  for (i = 4; i >= 0; i--)
    vs_buf_addf (b, "| %s | %lld |\n", vs_rep_severity[i],
                 (long long) m->by_severity[i]);
  if (total
      && md_table (r, "\n| Severity | Check | Title | Path | Evidence | "
                   "ATT&amp;CK |\n|---|---|---|---|---|---|\n",
                   VS_REP_FINDINGS_SQL, md_finding_cols,
                   VS_ARRAY_SIZE (md_finding_cols), MD_MAX_FINDINGS, total,
                   "findings") == -1)
    return -1;

  /* YARA matches. */
  total = m->matches;
  vs_buf_addf (b, "\n## YARA matches: %lld\n", (long long) total);
  if (total
      && md_table (r, "\n| Rule | Namespace | Path | Strings |\n"
                   "|---|---|---|---|\n",
                   "SELECT m.rule, m.namespace, f.path, "
                   "(SELECT group_concat(identifier || '@' || "
                   "offset, ' ') FROM (SELECT identifier, offset "
                   "FROM yara_strings s WHERE s.match_id = m.id "
                   "ORDER BY offset LIMIT 8)) FROM yara_matches m "
                   "LEFT JOIN files f ON f.id = m.file_id "
                   "ORDER BY f.path, m.rule, m.id", match_cols,
                   VS_ARRAY_SIZE (match_cols), MD_MAX_MATCHES, total,
                   "matches") == -1)
    return -1;

  /* Errors. */
  total = m->errors;
  vs_buf_addf (b, "\n## Errors: %lld\n", (long long) total);
  if (total
      && md_table (r, "\n| Stage | Path | Message |\n|---|---|---|\n",
                   "SELECT stage, path, message FROM errors ORDER BY id",
                   error_cols, VS_ARRAY_SIZE (error_cols), MD_MAX_ERRORS,
                   total, "errors") == -1)
    return -1;
  vs_buf_adds (b, "\nMade by `vmscan report` from the evidence database "
               "alone; `vmscan report DB --format html` gives the full "
               "report\\.\n");
  return 0;
}
