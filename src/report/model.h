/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: the report model, what every writer shares (private to
 * src/report).
 *
 * The case header and provenance (the scan row, images, operating
 * systems, filesystems, check runs, rule and IOC files, counts) are read
 * from the database once, by vs_rep_model_load(), and every writer
 * renders them from here.  Findings, files, matches and errors can be
 * huge and stay streamed by the writers with bound statements.
 *
 * A value keeps what SQLite gave for it (its type, as integer, as real
 * and as text), so that a writer formats a loaded value exactly as it
 * would have formatted the column: a hostile database may hold any type
 * in any column.
 */
#ifndef VS_REPORT_MODEL_H
#define VS_REPORT_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "base/util.h"

struct vs_report;

struct vs_rep_value {
  int type;                     /* SQLITE_INTEGER, _FLOAT, _TEXT, ... */
  int64_t i;                    /* sqlite3_column_int64 */
  double d;                     /* sqlite3_column_double */
  char *s;                      /* sqlite3_column_text (NUL-terminated
                                 * copy), NULL for SQL NULL */
  size_t len;                   /* its bytes */
};

/* The rows of one query, row-major, with the names of its columns. */
struct vs_rep_table {
  size_t ncols, nrows;
  char **names;
  struct vs_rep_value *v;
};

struct vs_rep_model {
  struct vs_rep_table scan;     /* one row: VS_REP_SCAN_SQL's columns */
  struct vs_rep_table images;   /* VS_REP_IMAGES_SQL */
  struct vs_rep_table oses;     /* VS_REP_OSES_SQL */
  struct vs_rep_table filesystems;
  struct vs_rep_table check_runs; /* the json columns, then root_device */
  struct vs_rep_table rule_files;
  struct vs_rep_table ioc_files;
  /* Findings by severity_rank (0 info .. 4 critical); a rank outside
   * 0..4 is not counted.  findings_ranked is the sum of the counts of
   * every rank in 0..4 (by[] keeps the last group of each rank, which is
   * the same but for a database whose ranks are not integers). */
  int64_t by_severity[5];
  int64_t findings_ranked;
  int64_t files, matches, errors;
};

/* The check_runs columns that the json and jsonl reports carry; the
 * table has the operating system's root device after them. */
#define VS_REP_CHECK_RUN_COLUMNS 6

/* Loads r->m from r->db (r->scan_id and r->schema_version set).  Returns
 * 0, or -1 after recording the SQLite error in r. */
int vs_rep_model_load (struct vs_report *r);

void vs_rep_model_free (struct vs_rep_model *m);

/* Fills v with column i of the current row of stmt; v->s points into
 * the statement (valid until its next step), not a copy. */
void vs_rep_value_of (struct vs_rep_value *v, sqlite3_stmt *stmt, int i);

/* Cell (row, col) of t. */
const struct vs_rep_value *vs_rep_cell (const struct vs_rep_table *t,
                                        size_t row, size_t col);

/* The scan's column name, or NULL when the database has no such column
 * (openssl_version before schema version 3). */
const struct vs_rep_value *vs_rep_scan (const struct vs_rep_model *m,
                                        const char *name);

/* A function that appends len bytes of text escaped for one format. */
typedef void (*vs_rep_escape_fn) (struct vs_buf *b, const char *s,
                                  size_t len);

/* Appends v as text through esc (nothing for NULL): what a writer shows
 * of a column. */
void vs_rep_add_value (struct vs_buf *b, const struct vs_rep_value *v,
                       vs_rep_escape_fn esc);

/* Appends v as a JSON member "name": null, a number or a string (and
 * name_hex after a lossy string, see vs_buf_add_json_member). */
void vs_rep_json_value (struct vs_buf *b, const char *name,
                        const struct vs_rep_value *v, int script_safe);

/* Appends the first ncols cells of row of t as JSON members, separated
 * by commas, without braces. */
void vs_rep_json_row (struct vs_buf *b, const struct vs_rep_table *t,
                      size_t row, size_t ncols);

/* Appends the library versions of the scan, each value through esc:
 * "vmscan V, libguestfs V, libmagic V, YARA V", then ", SQLite V" when
 * with_sqlite, then ", libcrypto V" when the scan recorded one (schema
 * version 3 and not NULL). */
void vs_rep_add_versions (struct vs_buf *b, const struct vs_rep_model *m,
                          vs_rep_escape_fn esc, int with_sqlite);

#endif /* VS_REPORT_MODEL_H */
