/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: the summary report, for CI systems that read no SQL.
 *
 * One small JSON document: the database's path and the SHA-256 of its
 * bytes (so a pipeline can say which evidence it judged), the scan's
 * status and times, the images and operating systems, the counts of
 * findings by severity, the --fail-on threshold the scan recorded and
 * how many findings are at it or above, the exit status those give (0,
 * 1, or 2 for a scan that did not complete), errors, files and matches,
 * and the ten worst findings at medium or above.  Findings a suppression
 * accepted, and with a baseline those it already had, are counted apart
 * (new, unchanged, suppressed) and do not count towards --fail-on, as
 * the scan's own exit status.  Its members are documented in vmscan(1),
 * REPORTS.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "report/int.h"
#include "base/hash.h"

/* The SHA-256 of the database file's bytes. */
static int
file_sha256 (struct vs_report *r, char hex[65])
{
  struct vs_sha256 h;
  char buf[65536];
  ssize_t n;
  int fd = open (r->db_path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

  if (fd == -1) {
    if (!r->errmsg)
      r->errmsg = vs_xasprintf ("%s: %s", r->db_path, strerror (errno));
    return -1;
  }
  vs_sha256_init (&h);
  while ((n = read (fd, buf, sizeof buf)) > 0)
    vs_sha256_update (&h, buf, (size_t) n);
  if (n == -1) {
    if (!r->errmsg)
      r->errmsg = vs_xasprintf ("%s: %s", r->db_path, strerror (errno));
    vs_sha256_discard (&h);
    close (fd);
    return -1;
  }
  close (fd);
  vs_sha256_final_hex (&h, hex);
  return 0;
}

/* Appends "name": [rows of sql as objects]. */
static int
add_rows (struct vs_report *r, const char *name, const char *sql)
{
  struct vs_buf *b = &r->out_buf;
  sqlite3_stmt *st = vs_rep_prepare (r, sql);
  int rc, first = 1;

  if (!st)
    return -1;
  vs_buf_addf (b, ",\n  \"%s\": [", name);
  while ((rc = vs_rep_step (r, st)) == 1) {
    vs_buf_adds (b, first ? "\n    {" : ",\n    {");
    first = 0;
    vs_rep_json_members (b, st, 0);
    vs_buf_addc (b, '}');
  }
  sqlite3_finalize (st);
  vs_buf_adds (b, first ? "]" : "\n  ]");
  return rc == -1 ? -1 : 0;
}

int
vs_report_summary (struct vs_report *r)
{
  struct vs_buf *b = &r->out_buf;
  sqlite3_stmt *st;
  char hex[65];
  int64_t counts[5] = { 0 }, fail_rank = 2, above = 0;
  struct vs_rep_review rv;
  int i, rc;

  if (file_sha256 (r, hex) == -1)
    return -1;
  st = vs_rep_prepare (r, "SELECT severity_rank, count (*) FROM findings "
                       "GROUP BY severity_rank");
  if (!st)
    return -1;
  while ((rc = vs_rep_step (r, st)) == 1) {
    int k = sqlite3_column_int (st, 0);

    if (k >= 0 && k < 5)
      counts[k] = sqlite3_column_int64 (st, 1);
  }
  sqlite3_finalize (st);
  if (rc == -1)
    return -1;
  st = vs_rep_prepare (r, "SELECT fail_on FROM scans ORDER BY id LIMIT 1");
  if (!st)
    return -1;
  if (vs_rep_step (r, st) == 1 && sqlite3_column_type (st, 0) != SQLITE_NULL)
    for (i = 0; i < 5; i++)
      if (strcmp ((const char *) sqlite3_column_text (st, 0),
                  vs_rep_severity[i]) == 0)
        fail_rank = i;
  sqlite3_finalize (st);
  if (vs_rep_review_counts (r, &rv) == -1)
    return -1;
  for (i = (int) fail_rank; i < 5; i++)
    above += rv.live[i];

  vs_buf_adds (b, "{\n  \"vmscan_summary\": 1,\n  ");
  {
    struct vs_buf v = VS_BUF_INIT;

    if (vs_rep_verdict (r, &v) == -1) {
      vs_buf_release (&v);
      return -1;
    }
    vs_buf_add_json_member (b, "verdict", v.data ? v.data : "", v.len, 0);
    vs_buf_release (&v);
    vs_buf_adds (b, ",\n  ");
  }
  vs_buf_add_json_member (b, "database", r->db_path, strlen (r->db_path), 0);
  vs_buf_addf (b, ",\n  \"database_sha256\": \"%s\",\n  \"schema_version\": "
               "%d", hex, r->schema_version);
  vs_buf_adds (b, ",\n  \"scan\": ");
  st = vs_rep_prepare (r, "SELECT id, status, status_message, started_at, "
                       "finished_at, tool_version, host, files_total, "
                       "bytes_total, matches_total, errors_total, "
                       "findings_total FROM scans ORDER BY id LIMIT 1");
  if (!st)
    return -1;
  if ((rc = vs_rep_step (r, st)) == 1) {
    vs_buf_addc (b, '{');
    vs_rep_json_members (b, st, 0);
    vs_buf_addc (b, '}');
  }
  sqlite3_finalize (st);
  if (rc != 1)
    return -1;
  vs_buf_addf (b, ",\n  \"counts\": {\"critical\": %lld, \"high\": %lld, "
               "\"medium\": %lld, \"low\": %lld, \"info\": %lld}",
               (long long) counts[4], (long long) counts[3],
               (long long) counts[2], (long long) counts[1],
               (long long) counts[0]);
  vs_buf_addf (b, ",\n  \"review\": {\"baseline\": %s, \"new\": %lld, "
               "\"unchanged\": %lld, \"gone\": %lld, \"suppressed\": %lld, "
               "\"suppressions_applied\": %lld, \"suppressions_stale\": %lld, "
               "\"suppressions_expired\": %lld}",
               rv.has_baseline ? "true" : "false", (long long) rv.new_,
               (long long) rv.unchanged, (long long) rv.absent,
               (long long) rv.suppressed, (long long) rv.applied,
               (long long) rv.stale, (long long) rv.expired);
  vs_buf_addf (b, ",\n  \"fail_on\": \"%s\",\n  \"at_or_above_fail_on\": "
               "%lld,\n  \"exit_status\": %d", vs_rep_severity[fail_rank],
               (long long) above, !r->complete ? 2 : above > 0 ? 1 : 0);
  if (add_rows (r, "images", "SELECT path, format, virtual_size, sha256 "
                "FROM images ORDER BY disk_index") == -1
      || add_rows (r, "operating_systems", "SELECT root_device, type, "
                   "distro, product_name, hostname FROM operating_systems "
                   "ORDER BY id") == -1
      || add_rows (r, "baseline", VS_REP_BASELINES_SQL) == -1
      || add_rows (r, "stories", "SELECT severity, title, subject_path, "
                   "findings FROM stories ORDER BY id LIMIT 10") == -1
      || add_rows (r, "worst", "SELECT severity, check_id, category, title, "
                   "path, account, baseline FROM findings WHERE "
                   "severity_rank >= 2 AND suppression_id IS NULL ORDER BY "
                   "baseline IS NOT 'new', severity_rank DESC, check_id, "
                   "path, id LIMIT 10") == -1
      || add_rows (r, "suppressions_expired_or_stale", "SELECT file, line, "
                   "check_id, path, account, fingerprint, reason, expires, "
                   "ticket, status, matched FROM suppressions WHERE status "
                   "IN ('expired', 'stale') ORDER BY id") == -1)
    return -1;
  vs_buf_adds (b, "\n}\n");
  return 0;
}
