/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: the report model, loaded once from the database (model.h). */
#include <config.h>

#include <string.h>

#include "report/int.h"

#define SCAN_COLUMNS_A \
  "id, " SCAN_COLUMNS_A_REST
#define SCAN_COLUMNS_A_REST \
  "tool_version, libguestfs_version, libmagic_version, yara_version, " \
  "sqlite_version, "
#define SCAN_COLUMNS_B \
  "command_line, host, started_at, finished_at, status, status_message, " \
  "backend, yara_enabled, yara_max_size, files_total, bytes_total, " \
  "matches_total, errors_total, findings_total, fail_on FROM scans " \
  "WHERE id = ?1"

/* Version 3 added scans.openssl_version, beside the other libraries;
 * version 7 scans.uuid, after the id. */
#define SCAN_SQL_V2 "SELECT " SCAN_COLUMNS_A SCAN_COLUMNS_B
#define SCAN_SQL_V3 "SELECT " SCAN_COLUMNS_A "openssl_version, " SCAN_COLUMNS_B
#define SCAN_SQL_V7 "SELECT id, uuid, " SCAN_COLUMNS_A_REST "openssl_version, " \
  SCAN_COLUMNS_B

#define IMAGES_SQL \
  "SELECT id, disk_index, path, format, format_source, file_size, " \
  "virtual_size, sha256 FROM images ORDER BY disk_index, id"
#define OSES_SQL \
  "SELECT id, root_device, type, distro, product_name, major_version, " \
  "minor_version, hostname, arch, package_format, package_management " \
  "FROM operating_systems ORDER BY id"
#define FILESYSTEMS_SQL \
  "SELECT id, device, type, label, uuid, size, os_id, os_mountpoint, " \
  "walk_root, status, note, files, bytes FROM filesystems ORDER BY id"
#define CHECK_RUNS_SQL \
  "SELECT c.id AS id, c.os_id AS os_id, c.check_id AS check_id, " \
  "c.status AS status, c.items AS items, c.note AS note, " \
  "o.root_device AS root_device FROM check_runs c LEFT JOIN " \
  "operating_systems o ON o.id = c.os_id ORDER BY c.check_id, c.os_id, c.id"
#define RULE_FILES_SQL \
  "SELECT id, path, namespace, sha256, size FROM rule_files ORDER BY id"
#define IOC_FILES_SQL \
  "SELECT id, path, sha256, entries FROM ioc_files ORDER BY id"

void
vs_rep_value_of (struct vs_rep_value *v, sqlite3_stmt *stmt, int i)
{
  /* The type first: the conversions below may change what it says. */
  v->type = sqlite3_column_type (stmt, i);
  v->s = (char *) vs_rep_col (stmt, i, &v->len);
  v->i = sqlite3_column_int64 (stmt, i);
  v->d = sqlite3_column_double (stmt, i);
}

static void
value_load (struct vs_rep_value *v, sqlite3_stmt *stmt, int i)
{
  vs_rep_value_of (v, stmt, i);
  if (v->s)
    v->s = vs_xmemdup (v->s, v->len + 1);
}

/* Reads every row of sql (?1 bound to the scan id if it has one). */
static int
table_load (struct vs_report *r, struct vs_rep_table *t, const char *sql)
{
  sqlite3_stmt *stmt = vs_rep_prepare (r, sql);
  size_t i, alloc = 0;
  int rc;

  if (!stmt)
    return -1;
  if (sqlite3_bind_parameter_count (stmt) > 0)
    sqlite3_bind_int64 (stmt, 1, r->scan_id);
  t->ncols = (size_t) sqlite3_column_count (stmt);
  t->names = vs_xcalloc (t->ncols, sizeof *t->names);
  for (i = 0; i < t->ncols; i++)
    t->names[i] = vs_xstrdup (sqlite3_column_name (stmt, (int) i));
  while ((rc = vs_rep_step (r, stmt)) == 1) {
    if (t->nrows == alloc) {
      alloc = alloc ? alloc * 2 : 4;
      t->v = vs_xrealloc (t->v, alloc * t->ncols * sizeof *t->v);
    }
    for (i = 0; i < t->ncols; i++)
      value_load (&t->v[t->nrows * t->ncols + i], stmt, (int) i);
    t->nrows++;
  }
  sqlite3_finalize (stmt);
  return rc;
}

static void
table_free (struct vs_rep_table *t)
{
  size_t i;

  for (i = 0; i < t->nrows * t->ncols; i++)
    free (t->v[i].s);
  for (i = 0; i < t->ncols; i++)
    free (t->names[i]);
  free (t->v);
  free (t->names);
  memset (t, 0, sizeof *t);
}

int
vs_rep_model_load (struct vs_report *r)
{
  struct vs_rep_model *m = &r->m;
  sqlite3_stmt *stmt;
  int rc, i;

  if (table_load (r, &m->images, IMAGES_SQL) == -1
      || table_load (r, &m->oses, OSES_SQL) == -1
      || table_load (r, &m->scan, r->schema_version >= 7 ? SCAN_SQL_V7
                     : r->schema_version >= 3 ? SCAN_SQL_V3
                     : SCAN_SQL_V2) == -1
      || table_load (r, &m->rule_files, RULE_FILES_SQL) == -1
      || table_load (r, &m->ioc_files, IOC_FILES_SQL) == -1
      || table_load (r, &m->filesystems, FILESYSTEMS_SQL) == -1)
    return -1;
  if (m->scan.nrows != 1)
    return -1;                  /* the row open_db read has gone */

  stmt = vs_rep_prepare (r, "SELECT severity_rank, count(*) FROM findings "
                         "GROUP BY severity_rank");
  if (!stmt)
    return -1;
  while ((rc = vs_rep_step (r, stmt)) == 1) {
    i = sqlite3_column_int (stmt, 0);
    if (i >= 0 && i < 5) {
      m->by_severity[i] = sqlite3_column_int64 (stmt, 1);
      m->findings_ranked += m->by_severity[i];
    }
  }
  sqlite3_finalize (stmt);
  if (rc == -1)
    return -1;
  m->files = vs_rep_int (r, "SELECT count(*) FROM files", 0);
  m->matches = vs_rep_int (r, "SELECT count(*) FROM yara_matches", 0);
  m->errors = vs_rep_int (r, "SELECT count(*) FROM errors", 0);
  if (r->errmsg
      || table_load (r, &m->check_runs, CHECK_RUNS_SQL) == -1)
    return -1;
  return 0;
}

void
vs_rep_model_free (struct vs_rep_model *m)
{
  table_free (&m->scan);
  table_free (&m->images);
  table_free (&m->oses);
  table_free (&m->filesystems);
  table_free (&m->check_runs);
  table_free (&m->rule_files);
  table_free (&m->ioc_files);
}

const struct vs_rep_value *
vs_rep_cell (const struct vs_rep_table *t, size_t row, size_t col)
{
  return &t->v[row * t->ncols + col];
}

const struct vs_rep_value *
vs_rep_scan (const struct vs_rep_model *m, const char *name)
{
  size_t i;

  for (i = 0; i < m->scan.ncols; i++)
    if (strcmp (m->scan.names[i], name) == 0)
      return vs_rep_cell (&m->scan, 0, i);
  return NULL;
}

void
vs_rep_add_value (struct vs_buf *b, const struct vs_rep_value *v,
                  vs_rep_escape_fn esc)
{
  if (v && v->s)
    esc (b, v->s, v->len);
}

void
vs_rep_json_value (struct vs_buf *b, const char *name,
                   const struct vs_rep_value *v, int script_safe)
{
  switch (v->type) {
  case SQLITE_NULL:
    vs_buf_addf (b, "\"%s\":null", name);
    break;
  case SQLITE_INTEGER:
    vs_buf_addf (b, "\"%s\":%lld", name, (long long) v->i);
    break;
  case SQLITE_FLOAT:
    vs_buf_addf (b, "\"%s\":%.17g", name, v->d);
    break;
  default:
    vs_buf_add_json_member (b, name, v->s, v->len, script_safe);
  }
}

void
vs_rep_json_row (struct vs_buf *b, const struct vs_rep_table *t, size_t row,
                 size_t ncols)
{
  size_t i;

  for (i = 0; i < ncols && i < t->ncols; i++) {
    if (i)
      vs_buf_addc (b, ',');
    vs_rep_json_value (b, t->names[i], vs_rep_cell (t, row, i), 0);
  }
}

void
vs_rep_add_versions (struct vs_buf *b, const struct vs_rep_model *m,
                     vs_rep_escape_fn esc, int with_sqlite)
{
  static const char *const libs[][2] = {
    { "vmscan ", "tool_version" },
    { ", libguestfs ", "libguestfs_version" },
    { ", libmagic ", "libmagic_version" },
    { ", YARA ", "yara_version" },
    { ", SQLite ", "sqlite_version" },
  };
  const struct vs_rep_value *v;
  size_t i;

  for (i = 0; i < VS_ARRAY_SIZE (libs); i++) {
    if (i == 4 && !with_sqlite)
      continue;
    vs_buf_adds (b, libs[i][0]);
    vs_rep_add_value (b, vs_rep_scan (m, libs[i][1]), esc);
  }
  v = vs_rep_scan (m, "openssl_version");
  if (v && v->s) {
    vs_buf_adds (b, ", libcrypto ");
    vs_rep_add_value (b, v, esc);
  }
}
