/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: what the report writers share (private to src/report*.c).
 *
 * struct vs_report holds the read-only database, the scan's row, the
 * report model (model.h: what the formats share, loaded once) and the
 * output.  Writers append to r->out_buf and call vs_rep_out_maybe(),
 * which hands the buffer to the stream once it is large; the first
 * failed write is sticky (r->write_errno) and every later write is
 * skipped, so a writer needs to check only at the end.  An SQLite
 * failure is recorded with vs_rep_sql_error() and makes the writer
 * return -1.
 */
#ifndef VS_REPORT_INT_H
#define VS_REPORT_INT_H

#include <stdint.h>
#include <stdio.h>

#include <sqlite3.h>

#include "report/escape.h"
#include "report/model.h"
#include "base/util.h"

struct vs_report {
  sqlite3 *db;
  const char *db_path;
  FILE *out;
  struct vs_buf out_buf;
  int write_errno;              /* 0, or the errno of the first failure */
  char *errmsg;                 /* the first SQLite failure */
  size_t html_max_files;        /* rows of the HTML file table */

  /* The scan (the first and only row of scans). */
  int64_t scan_id;
  char *status;                 /* running, complete, interrupted, failed */
  char *status_message;         /* may be NULL */
  int complete;
  int schema_version;           /* PRAGMA user_version */
  char generated_at[32];

  /* The case header and provenance, loaded once before the writer runs
   * (for the formats that show them). */
  struct vs_rep_model m;
  /* vs_rep_review_counts ()'s answer, once asked. */
  struct vs_rep_review *review;
};

/* Opens the evidence database at path read-only into r->db and checks
 * it (schema version, tables, one scan and its row).  Returns 0, or -1 and
 * writes *errmsg; vs_rep_close() frees what it set either way. */
int vs_rep_open (struct vs_report *r, const char *path, char **errmsg);
void vs_rep_close (struct vs_report *r);

/* Runs write (r, arg) with r->out a temporary file beside out_path,
 * renamed over it only once every write, the flush and fsync succeeded
 * (or stdout for NULL or "-", its writes and flush checked).  Returns 0,
 * or -1 and writes *errmsg. */
int vs_rep_emit (struct vs_report *r, const char *out_path,
                 int (*write) (struct vs_report *r, void *arg), void *arg,
                 char **errmsg);

/* Whether paths a and b name the same existing file. */
int vs_rep_same_file (const char *a, const char *b);

/* Severity names by severity_rank (0 info .. 4 critical). */
extern const char *const vs_rep_severity[5];

/* Sends the buffer to the stream when it holds more than a little. */
void vs_rep_out_maybe (struct vs_report *r);

/* Records the database's last error (first one wins); returns -1. */
int vs_rep_sql_error (struct vs_report *r, const char *what);

/* Prepares sql; NULL after recording the error. */
sqlite3_stmt *vs_rep_prepare (struct vs_report *r, const char *sql);

/* Steps stmt: 1 for a row, 0 when done, -1 after recording an error. */
int vs_rep_step (struct vs_report *r, sqlite3_stmt *stmt);

/* One integer from a query with no parameters (def when no row). */
int64_t vs_rep_int (struct vs_report *r, const char *sql, int64_t def);

/* Column i of the current row as bytes and length; NULL for SQL NULL. */
const char *vs_rep_col (sqlite3_stmt *stmt, int i, size_t *len);

/* The sentence said about a scan that is not complete (NULL if it is). */
const char *vs_rep_incomplete_note (struct vs_report *r);

/* Appends the column as a JSON value: null, a number, or a string (with
 * a name_hex member after it when the text is not valid UTF-8, so this
 * appends "name": value itself). */
void vs_rep_json_member (struct vs_buf *b, sqlite3_stmt *stmt, int i,
                         int script_safe);

/* Appends the current row as JSON members (all columns), separated by
 * commas, without braces. */
void vs_rep_json_members (struct vs_buf *b, sqlite3_stmt *stmt,
                          int script_safe);

/* ISO 8601 UTC ("2026-11-26T23:59:59Z") of a Unix time. */
void vs_rep_iso_time (int64_t t, char out[32]);

/* The writers, one per format.  Each returns 0 or -1. */
int vs_report_html (struct vs_report *r);
int vs_report_json (struct vs_report *r);
int vs_report_jsonl (struct vs_report *r);
int vs_report_sarif (struct vs_report *r);
int vs_report_csv_findings (struct vs_report *r);
int vs_report_csv_files (struct vs_report *r);
int vs_report_bodyfile (struct vs_report *r);
int vs_report_md (struct vs_report *r);
int vs_report_summary (struct vs_report *r);
int vs_report_cyclonedx (struct vs_report *r);
int vs_report_spdx (struct vs_report *r);

/* What a package URL is made of (sbom.c).  Strings are bytes with their
 * lengths (any bytes: they come from the guest); NULL or empty ones are
 * left out.  distro is the distro qualifier's value ("debian-12"), a C
 * string. */
struct vs_rep_purl {
  const char *type;             /* "deb" or "rpm" */
  const char *ns;               /* the vendor ("debian"), or NULL */
  size_t ns_len;
  const char *name;
  size_t name_len;
  const char *version;          /* deb: Version; rpm: [epoch:]v-r */
  size_t version_len;
  const char *arch;
  size_t arch_len;
  const char *distro;
};

/* Appends the purl of p (the package-url specification): "pkg:TYPE/",
 * the namespace lowercased, the name (lowercased for deb, as the deb
 * type asks), "@" and the version, then the qualifiers arch, distro and
 * (rpm) epoch, sorted by key.  An rpm version "E:V-R" whose E is all
 * digits gives version V-R and qualifier epoch=E; a deb version keeps
 * its epoch.  Every byte but letters, digits, ".-_~" and ':' (which the
 * specification says never to encode) is written %XX, so the purl is
 * ASCII and each component decodes back to the exact bytes. */
void vs_rep_purl (struct vs_buf *b, const struct vs_rep_purl *p);

/* The findings in report order (severity_rank DESC, check_id, path, id):
 * the SQL every writer uses, with these columns first. */
/* The findings in report order: not suppressed first, and of those the
 * new ones (against --baseline) first, each group by severity.  Columns
 * 13 and 14 (baseline, suppression_id) are NULL without a baseline or a
 * suppression. */
#define VS_REP_FINDINGS_SQL \
  "SELECT id, check_id, severity, severity_rank, category, title, path, " \
  "account, evidence, mitre_attack, os_id, file_id, match_id, baseline, " \
  "suppression_id FROM findings ORDER BY suppression_id IS NOT NULL, " \
  "baseline IS NOT 'new', severity_rank DESC, check_id, path, id"

/* What the findings were set against (schema version 7 tables, or empty
 * TEMP ones for older databases; with report-time --suppress, TEMP
 * copies that hold those entries too). */
#define VS_REP_SUPPRESSIONS_SQL \
  "SELECT id, file, line, check_id, path, account, fingerprint, reason, " \
  "expires, ticket, status, matched FROM suppressions ORDER BY id"
#define VS_REP_BASELINES_SQL \
  "SELECT path, sha256, scan_uuid, started_at, approved_by, approved_at, " \
  "reason, ticket, findings_new, findings_unchanged, findings_absent " \
  "FROM baselines ORDER BY id LIMIT 1"
#define VS_REP_ABSENT_SQL \
  "SELECT id, check_id, severity, severity_rank, category, title, path, " \
  "account, evidence, mitre_attack, fingerprint FROM baseline_absent " \
  "ORDER BY severity_rank DESC, check_id, path, id"

/* vs_fp(a, b, ...): the SHA-256 of its arguments as vs_sha256_field()s
 * (base/hash.h); vs_fp(check_id, path, account, evidence) is a
 * finding's fingerprint.  Registered on every report's connection. */
void vs_rep_fn_fp (sqlite3_context *c, int argc, sqlite3_value **argv);

/* Counts of what the findings were set against, for the formats that
 * lead with them. */
struct vs_rep_review {
  int has_baseline;
  int64_t new_, unchanged, absent;      /* baseline */
  int64_t suppressed, applied, stale, expired;
  int64_t live[5];              /* by rank: not suppressed, and new when
                                 * there is a baseline */
};
/* Counted once a report (the verdict and the review sections of a
 * writer ask again). */
int vs_rep_review_counts (struct vs_report *r, struct vs_rep_review *c);

/* Appends the verdict, one line of raw text (the writer escapes it):
 * "clean: no finding at medium or above", or how many findings at
 * medium or above no suppression accepted (new ones, with a baseline),
 * the worst severity and the worst finding's title and path; prefixed
 * with "INCOMPLETE SCAN: " when the scan did not complete. */
int vs_rep_verdict (struct vs_report *r, struct vs_buf *b);

/* The digest of the rule files, that a report names them by: the
 * SHA-256 of their sha256 columns, each followed by a newline, in id
 * order ("-" when there is none). */
void vs_rep_rules_digest (struct vs_report *r, char out[65]);

/* The stories, worst first (core/story.h), and what ties them. */
#define VS_REP_STORIES_SQL \
  "SELECT id, severity, severity_rank, title, subject_path, findings " \
  "FROM stories ORDER BY id"
#define VS_REP_LINKS_SQL \
  "SELECT id, story_id, finding_id, linked_id, relation FROM " \
  "finding_links ORDER BY id"

#endif /* VS_REPORT_INT_H */
