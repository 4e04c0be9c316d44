/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: reports made from an evidence database alone.
 *
 * A report reads only the .db (opened read-only), so it can be made
 * again, later, on another machine.  Findings lead every format (but
 * cyclonedx and spdx, which list packages alone); a scan whose status
 * is not 'complete' is said to be incomplete evidence in every format.  Formats: html, json, jsonl, csv (findings), csv-files
 * (the files table), sarif, bodyfile, md, summary (JSON counts for CI),
 * cyclonedx and spdx (software bills of materials: the installed
 * packages);
 * vmscan(1) documents each, and
 * src/report/report.schema.json the json and jsonl ones.
 */
#ifndef VS_REPORT_H
#define VS_REPORT_H

#include <stddef.h>

/* What a report may be asked beyond its format. */
struct vs_suppress_file;

struct vs_report_options {
  size_t html_max_files;        /* html: rows of the file table at most */
  /* --suppress files (core/review.h), applied on top of those the scan
   * applied, in TEMP copies: the database is not written. */
  const struct vs_suppress_file *suppress;
  size_t nsuppress;
};

#define VS_REPORT_HTML_MAX_FILES_DEFAULT 200000

/* Writes the report in format (one of the names above) of the database
 * at db_path to out_path, or to stdout when out_path is NULL or "-".  A
 * file is written to a temporary name beside it and renamed over
 * out_path only when every write, the flush and fsync have succeeded.
 * opts may be NULL (the defaults).  Returns 0, or -1 and writes *errmsg
 * (one line, no prefix; the caller frees it).  The "vmscan report"
 * command (src/cli/report.c) is this, with its options parsed. */
int vs_report_write (const char *db_path, const char *format,
                     const char *out_path,
                     const struct vs_report_options *opts, char **errmsg);

/* Returns 1 if name is a report format, else 0. */
int vs_report_format_valid (const char *name);

/* Returns the default file name of a report in format made from the
 * database db_path: its .db suffix (if any) replaced by the format's
 * extension (.html, .json, .jsonl, .csv, .files.csv, .sarif, .body,
 * .md, .summary.json, .cdx.json, .spdx.json).  The caller frees it.
 * format must be valid. */
char *vs_report_default_path (const char *db_path, const char *format);

/* The format names, comma-separated, for messages. */
#define VS_REPORT_FORMATS \
  "html, json, jsonl, csv, csv-files, sarif, bodyfile, md, summary, " \
  "cyclonedx, spdx"

/* vmscan diff: writes what changed from the scan in the evidence
 * database old_path to the one in new_path (files, packages, accounts,
 * SSH keys, findings; see src/report/diff.c) in format, one of
 * VS_DIFF_FORMATS, to out_path as vs_report_write does.  fail_on is a
 * severity rank (0 info .. 4 critical).  Returns 1 when a finding new in
 * NEW is at fail_on or above, 0 when none is, or -1 and writes *errmsg.
 * Warnings (scans not complete, different machines) go to stderr and
 * into the output. */
int vs_diff_write (const char *old_path, const char *new_path,
                   const char *format, const char *out_path, int fail_on,
                   char **errmsg);
int vs_diff_format_valid (const char *name);
#define VS_DIFF_FORMATS "text, json, md, html, sarif"

#endif /* VS_REPORT_H */
