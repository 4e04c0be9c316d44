/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: evidence databases merged into one fleet database.
 *
 * Design notes.  What to copy is read from the schema itself, not
 * written out table by table: schema.sql is loaded into an in-memory
 * database and each table's columns (PRAGMA table_info) and references
 * (PRAGMA foreign_key_list) make the plan.  A table is one of
 *
 *   scans         the root: the rows of the scans chosen;
 *   by scan       it has a scan_id: the rows of the scans chosen;
 *   by parent     it references a table of the two kinds above (or of
 *                 this one) without a scan_id of its own, as
 *                 yara_strings.match_id does: the rows whose parent is
 *                 copied;
 *   by content    it references no scan (approvals, keyed by a scan's
 *                 uuid): the rows OUT has no equal of, every column but
 *                 the id compared with IS.
 *
 * The tables are copied parents first.  Each input is ATTACHed read-only
 * (a file: URI with mode=ro) and every table copied with one INSERT ...
 * SELECT, so that a scan of millions of files never passes through C.
 * Ids move by a per-table offset, OUT's largest id minus the input's
 * smallest plus one, computed before anything of the input is written;
 * a column that references a table moves by that table's offset, NULL
 * staying NULL.  Text is copied by SQLite as it is stored, whatever its
 * bytes.
 *
 * Which scans are chosen is decided in C, scan by scan (there are few):
 * temp.vs_keys holds the key of every scan OUT has, and of each scan
 * chosen so far; temp.vs_sel the ids, in the input, of the scans chosen
 * from it.  Invariant: after an input is committed, vs_keys holds the
 * key of every scan in OUT.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "base/hash.h"
#include "core/merge.h"
#include "core/store.h"
#include "base/util.h"

static const char schema_sql[] =
#include "core/schema.inc"
  ;

/* The views a fleet database gets (vmscan(1), FLEETS).  A file or a
 * finding shows once for each disk of its scan's machine. */
static const char views_sql[] =
  "CREATE VIEW IF NOT EXISTS fleet_images AS "
  "SELECT s.id AS scan_id, s.uuid AS scan_uuid, s.started_at AS started_at, "
  "s.status AS scan_status, i.id AS image_id, i.disk_index AS disk_index, "
  "i.path AS image_path, i.sha256 AS image_sha256 "
  "FROM scans s JOIN images i ON i.scan_id = s.id;"
  "CREATE VIEW IF NOT EXISTS fleet_files AS "
  "SELECT m.image_sha256, m.image_path, m.disk_index, m.scan_uuid, f.* "
  "FROM files f JOIN fleet_images m ON m.scan_id = f.scan_id;"
  "CREATE VIEW IF NOT EXISTS fleet_findings AS "
  "SELECT m.image_sha256, m.image_path, m.disk_index, m.scan_uuid, f.* "
  "FROM findings f JOIN fleet_images m ON m.scan_id = f.scan_id;";

#define IN_SCHEMA "vs_in"

enum kind { K_SCANS, K_BY_SCAN, K_BY_PARENT, K_BY_CONTENT };

struct column {
  char *name;
  int ref;                      /* index of the table it references, or
                                   -1 */
};

struct table {
  char *name;
  struct column *cols;
  size_t ncols;
  int pk;                       /* the INTEGER PRIMARY KEY column, or -1 */
  enum kind kind;
  int parent_col;               /* K_BY_PARENT: the referencing column */
  int64_t off;                  /* this input's id offset */
};

struct plan {
  struct table *t;
  size_t n;
  size_t *order;                /* parents first */
};

struct event {
  size_t input;                 /* index in the inputs */
  char *scan;
  int added;
};

/* One merge run. */
struct merge {
  struct plan p;
  sqlite3 *db;                  /* OUT, or its temporary copy */
  const char *out_path;
  char *tmp_path;               /* a new OUT being built, or NULL */
  struct stat out_st;
  int out_exists;
  char *errmsg;
  struct event *ev;
  size_t nev;
  size_t cur;                   /* the input being merged */
  size_t told;                  /* events told so far */
  struct vs_merge_totals tot;
};

/* ---- errors ------------------------------------------------------------ */

static int
failf (struct merge *m, const char *fmt, ...)
  __attribute__((format (printf, 2, 3)));

static int
failf (struct merge *m, const char *fmt, ...)
{
  va_list ap;

  if (!m->errmsg) {
    va_start (ap, fmt);
    m->errmsg = vs_xvasprintf (fmt, ap);
    va_end (ap);
  }
  return -1;
}

static int
sql_fail (struct merge *m, sqlite3 *db, const char *path, const char *what)
{
  return failf (m, "%s: %s: %s", path, what, sqlite3_errmsg (db));
}

static int
exec_sql (struct merge *m, sqlite3 *db, const char *path, const char *sql)
{
  char *msg = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &msg) != SQLITE_OK) {
    failf (m, "%s: %s", path, msg ? msg : sqlite3_errmsg (db));
    sqlite3_free (msg);
    return -1;
  }
  return 0;
}

/* ---- the plan ---------------------------------------------------------- */

static void
plan_free (struct plan *p)
{
  size_t i, j;

  for (i = 0; i < p->n; i++) {
    for (j = 0; j < p->t[i].ncols; j++)
      free (p->t[i].cols[j].name);
    free (p->t[i].cols);
    free (p->t[i].name);
  }
  free (p->t);
  free (p->order);
  memset (p, 0, sizeof *p);
}

static int
find_table (const struct plan *p, const char *name)
{
  size_t i;

  for (i = 0; i < p->n; i++)
    if (strcmp (p->t[i].name, name) == 0)
      return (int) i;
  return -1;
}

static int
find_column (const struct table *t, const char *name)
{
  size_t i;

  for (i = 0; i < t->ncols; i++)
    if (strcmp (t->cols[i].name, name) == 0)
      return (int) i;
  return -1;
}

/* Appends "name" quoted as an SQL identifier. */
static void
add_ident (struct vs_buf *b, const char *name)
{
  vs_buf_addc (b, '"');
  for (; *name; name++) {
    if (*name == '"')
      vs_buf_addc (b, '"');
    vs_buf_addc (b, *name);
  }
  vs_buf_addc (b, '"');
}

/* Reads the columns of table t from the reference database. */
static int
plan_columns (struct merge *m, sqlite3 *ref, struct table *t)
{
  struct vs_buf q = VS_BUF_INIT;
  sqlite3_stmt *s = NULL;
  int rc, npk = 0;

  vs_buf_adds (&q, "PRAGMA table_info(");
  add_ident (&q, t->name);
  vs_buf_addc (&q, ')');
  rc = sqlite3_prepare_v2 (ref, q.data, -1, &s, NULL);
  vs_buf_release (&q);
  if (rc != SQLITE_OK)
    return sql_fail (m, ref, "schema", "table_info");
  t->pk = -1;
  while ((rc = sqlite3_step (s)) == SQLITE_ROW) {
    const char *name = (const char *) sqlite3_column_text (s, 1);
    const char *type = (const char *) sqlite3_column_text (s, 2);

    t->cols = vs_xrealloc (t->cols, (t->ncols + 1) * sizeof *t->cols);
    t->cols[t->ncols].name = vs_xstrdup (name ? name : "");
    t->cols[t->ncols].ref = -1;
    if (sqlite3_column_int (s, 5) > 0) {
      npk++;
      if (type && strcasecmp (type, "INTEGER") == 0)
        t->pk = (int) t->ncols;
    }
    t->ncols++;
  }
  sqlite3_finalize (s);
  if (rc != SQLITE_DONE)
    return sql_fail (m, ref, "schema", "table_info");
  if (npk != 1)
    t->pk = -1;
  return 0;
}

/* Reads what table t references. */
static int
plan_refs (struct merge *m, sqlite3 *ref, struct table *t)
{
  struct vs_buf q = VS_BUF_INIT;
  sqlite3_stmt *s = NULL;
  int rc;

  vs_buf_adds (&q, "PRAGMA foreign_key_list(");
  add_ident (&q, t->name);
  vs_buf_addc (&q, ')');
  rc = sqlite3_prepare_v2 (ref, q.data, -1, &s, NULL);
  vs_buf_release (&q);
  if (rc != SQLITE_OK)
    return sql_fail (m, ref, "schema", "foreign_key_list");
  while ((rc = sqlite3_step (s)) == SQLITE_ROW) {
    const char *to_table = (const char *) sqlite3_column_text (s, 2);
    const char *from = (const char *) sqlite3_column_text (s, 3);
    const char *to = (const char *) sqlite3_column_text (s, 4);
    int ti = to_table ? find_table (&m->p, to_table) : -1;
    int ci = from ? find_column (t, from) : -1;

    /* Only references to a table's id can be moved by its offset. */
    if (ti == -1 || ci == -1 || m->p.t[ti].pk == -1
        || (to && strcmp (to, m->p.t[ti].cols[m->p.t[ti].pk].name) != 0)) {
      sqlite3_finalize (s);
      return failf (m, "schema: %s.%s references what merge cannot move",
                    t->name, from ? from : "?");
    }
    t->cols[ci].ref = ti;
  }
  sqlite3_finalize (s);
  if (rc != SQLITE_DONE)
    return sql_fail (m, ref, "schema", "foreign_key_list");
  return 0;
}

/* Orders the tables parents first and says how each is chosen. */
static int
plan_order (struct merge *m)
{
  struct plan *p = &m->p;
  int *placed = vs_xcalloc (p->n, sizeof *placed);
  size_t done = 0, i, j;
  int progress = 1;

  p->order = vs_xcalloc (p->n, sizeof *p->order);
  while (done < p->n && progress) {
    progress = 0;
    for (i = 0; i < p->n; i++) {
      struct table *t = &p->t[i];
      int ready = !placed[i];

      for (j = 0; ready && j < t->ncols; j++)
        if (t->cols[j].ref != -1 && t->cols[j].ref != (int) i
            && !placed[t->cols[j].ref])
          ready = 0;
      if (!ready)
        continue;
      for (j = 0; j < t->ncols; j++)
        if (t->cols[j].ref == (int) i) {
          free (placed);
          return failf (m, "schema: table %s references itself", t->name);
        }
      /* Its parents are placed, so their kinds are known. */
      t->kind = K_BY_CONTENT;
      t->parent_col = -1;
      if (strcmp (t->name, "scans") == 0)
        t->kind = K_SCANS;
      else {
        int sc = find_column (t, "scan_id");

        if (sc != -1 && t->cols[sc].ref != -1
            && strcmp (p->t[t->cols[sc].ref].name, "scans") == 0)
          t->kind = K_BY_SCAN;
        for (j = 0; t->kind == K_BY_CONTENT && j < t->ncols; j++)
          if (t->cols[j].ref != -1
              && p->t[t->cols[j].ref].kind != K_BY_CONTENT) {
            t->kind = K_BY_PARENT;
            t->parent_col = (int) j;
          }
      }
      if (t->pk == -1 && t->kind != K_BY_CONTENT) {
        free (placed);
        return failf (m, "schema: table %s has no integer id", t->name);
      }
      placed[i] = 1;
      p->order[done++] = i;
      progress = 1;
    }
  }
  free (placed);
  if (done < p->n)
    return failf (m, "schema: the tables reference each other in a cycle");
  return 0;
}

/* Builds the plan from schema.sql, loaded into memory. */
static int
plan_build (struct merge *m)
{
  sqlite3 *ref = NULL;
  sqlite3_stmt *s = NULL;
  size_t i;
  int rc, ret = -1;

  if (sqlite3_open_v2 (":memory:", &ref, SQLITE_OPEN_READWRITE, NULL)
      != SQLITE_OK) {
    failf (m, "schema: cannot open an in-memory database");
    goto out;
  }
  if (exec_sql (m, ref, "schema", schema_sql) == -1)
    goto out;
  rc = sqlite3_prepare_v2 (ref, "SELECT name FROM sqlite_master WHERE "
                           "type = 'table' AND name NOT LIKE 'sqlite%' "
                           "ORDER BY rowid", -1, &s, NULL);
  if (rc != SQLITE_OK) {
    sql_fail (m, ref, "schema", "tables");
    goto out;
  }
  while ((rc = sqlite3_step (s)) == SQLITE_ROW) {
    m->p.t = vs_xrealloc (m->p.t, (m->p.n + 1) * sizeof *m->p.t);
    memset (&m->p.t[m->p.n], 0, sizeof *m->p.t);
    m->p.t[m->p.n++].name =
      vs_xstrdup ((const char *) sqlite3_column_text (s, 0));
  }
  if (rc != SQLITE_DONE) {
    sql_fail (m, ref, "schema", "tables");
    goto out;
  }
  for (i = 0; i < m->p.n; i++)
    if (plan_columns (m, ref, &m->p.t[i]) == -1)
      goto out;
  for (i = 0; i < m->p.n; i++)
    if (plan_refs (m, ref, &m->p.t[i]) == -1)
      goto out;
  if (find_table (&m->p, "scans") == -1) {
    failf (m, "schema: no scans table");
    goto out;
  }
  ret = plan_order (m);

 out:
  sqlite3_finalize (s);
  sqlite3_close (ref);
  return ret;
}

/* ---- checking a database ----------------------------------------------- */

/* One integer from sql; -1 and *errmsg on failure. */
static int
query_int (struct merge *m, sqlite3 *db, const char *path, const char *sql,
           int64_t *out, int *is_null)
{
  sqlite3_stmt *s = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db, sql, -1, &s, NULL) != SQLITE_OK)
    return sql_fail (m, db, path, "cannot read");
  rc = sqlite3_step (s);
  if (rc == SQLITE_ROW) {
    if (is_null)
      *is_null = sqlite3_column_type (s, 0) == SQLITE_NULL;
    *out = sqlite3_column_int64 (s, 0);
  }
  else if (rc == SQLITE_DONE) {
    if (is_null)
      *is_null = 1;
    *out = 0;
  }
  sqlite3_finalize (s);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return sql_fail (m, db, path, "cannot read");
  return 0;
}

/* Whether the database schema (main, or the attached input) is one
 * merge reads: the current schema version and every table and column of
 * the plan.  Says why not, naming path. */
static int
check_schema (struct merge *m, sqlite3 *db, const char *schema,
              const char *path)
{
  char *q;
  int64_t version;
  size_t i, j;
  int rc;

  q = vs_xasprintf ("PRAGMA \"%s\".user_version", schema);
  {
    sqlite3_stmt *s = NULL;

    rc = sqlite3_prepare_v2 (db, q, -1, &s, NULL);
    free (q);
    if (rc == SQLITE_OK)
      rc = sqlite3_step (s);
    if (rc != SQLITE_ROW) {
      failf (m, "%s: not a vmscan evidence database (%s)", path,
             sqlite3_errmsg (db));
      sqlite3_finalize (s);
      return -1;
    }
    version = sqlite3_column_int64 (s, 0);
    sqlite3_finalize (s);
  }
  if (version == 0)
    return failf (m, "%s: not a vmscan evidence database (schema version "
                  "0)", path);
  if (version < VS_STORE_SCHEMA_VERSION)
    return failf (m, "%s: evidence database schema version %lld, which has "
                  "no scans.uuid to merge its scans by: vmscan merge reads "
                  "version %d (scan the image again)", path,
                  (long long) version, VS_STORE_SCHEMA_VERSION);
  if (version > VS_STORE_SCHEMA_VERSION)
    return failf (m, "%s: evidence database schema version %lld; this "
                  "vmscan merges version %d", path, (long long) version,
                  VS_STORE_SCHEMA_VERSION);

  for (i = 0; i < m->p.n; i++) {
    const struct table *t = &m->p.t[i];
    struct vs_buf b = VS_BUF_INIT;
    sqlite3_stmt *s = NULL;
    size_t found = 0;

    vs_buf_addf (&b, "PRAGMA \"%s\".table_info(", schema);
    add_ident (&b, t->name);
    vs_buf_addc (&b, ')');
    rc = sqlite3_prepare_v2 (db, b.data, -1, &s, NULL);
    vs_buf_release (&b);
    if (rc != SQLITE_OK)
      return sql_fail (m, db, path, "cannot read its schema");
    while ((rc = sqlite3_step (s)) == SQLITE_ROW) {
      const char *name = (const char *) sqlite3_column_text (s, 1);

      for (j = 0; name && j < t->ncols; j++)
        if (strcmp (t->cols[j].name, name) == 0)
          found++;
    }
    sqlite3_finalize (s);
    if (rc != SQLITE_DONE)
      return sql_fail (m, db, path, "cannot read its schema");
    if (found != t->ncols)
      return failf (m, "%s: not a vmscan evidence database of schema %d "
                    "(table %s %s)", path, VS_STORE_SCHEMA_VERSION, t->name,
                    found ? "lacks columns" : "missing");
  }
  return 0;
}

/* A file: URI for path, opened in mode ("ro" or "rw"): every byte but
 * the unreserved ones %-encoded, so that no '?', '#' or '%' in a name is
 * read as URI syntax.  Every connection is opened with URIs on, since
 * ATTACH reads its argument as its connection does. */
static char *
file_uri (const char *path, const char *mode)
{
  struct vs_buf b = VS_BUF_INIT;
  const unsigned char *c;

  /* "file:///abs" for an absolute path, so that "//host/x" is no
   * authority; "file:rel" for a relative one. */
  vs_buf_adds (&b, path[0] == '/' ? "file://" : "file:");
  for (c = (const unsigned char *) path; *c; c++) {
    if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z')
        || (*c >= '0' && *c <= '9') || *c == '/' || *c == '.' || *c == '_'
        || *c == '-' || *c == '~')
      vs_buf_addc (&b, (char) *c);
    else
      vs_buf_addf (&b, "%%%02X", *c);
  }
  vs_buf_addf (&b, "?mode=%s", mode);
  return vs_buf_detach (&b, NULL);
}

/* Checks an input before anything is written: a regular file, not OUT,
 * an SQLite database of the schema merge reads. */
static int
check_input (struct merge *m, const char *path)
{
  struct stat sb;
  sqlite3 *db = NULL;
  char *uri;
  int rc;

  if (stat (path, &sb) == -1)
    return failf (m, "%s: %s", path, strerror (errno));
  if (!S_ISREG (sb.st_mode))
    return failf (m, "%s: not a regular file", path);
  if (m->out_exists && sb.st_dev == m->out_st.st_dev
      && sb.st_ino == m->out_st.st_ino)
    return failf (m, "%s: is the output database %s", path, m->out_path);
  uri = file_uri (path, "ro");
  rc = sqlite3_open_v2 (uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI,
                        NULL);
  free (uri);
  if (rc != SQLITE_OK) {
    failf (m, "%s: cannot open: %s", path,
           db ? sqlite3_errmsg (db) : "no memory");
    sqlite3_close (db);
    return -1;
  }
  sqlite3_busy_timeout (db, 5000);
  rc = check_schema (m, db, "main", path);
  sqlite3_close (db);
  return rc;
}

/* ---- scan keys ---------------------------------------------------------- */

/* The key of a scan without a uuid: "noid:" and the SHA-256 of its
 * started_at and its images' sha256, in disk order, as record fields
 * (vs_sha256_field: NULL and empty told apart). */
static char *
noid_key (struct merge *m, const char *schema, int64_t scan_id,
          const char *started_at, size_t started_len)
{
  struct vs_sha256 h;
  sqlite3_stmt *s = NULL;
  char *q, hex[65];
  int rc;

  q = vs_xasprintf ("SELECT sha256 FROM \"%s\".images WHERE scan_id = ?1 "
                    "ORDER BY disk_index, id", schema);
  rc = sqlite3_prepare_v2 (m->db, q, -1, &s, NULL);
  free (q);
  if (rc != SQLITE_OK) {
    sql_fail (m, m->db, m->out_path, "images");
    return NULL;
  }
  sqlite3_bind_int64 (s, 1, scan_id);
  vs_sha256_init (&h);
  vs_sha256_field (&h, started_at, started_len);
  while ((rc = sqlite3_step (s)) == SQLITE_ROW) {
    if (sqlite3_column_type (s, 0) == SQLITE_NULL)
      vs_sha256_field (&h, NULL, 0);
    else {
      const void *v = sqlite3_column_blob (s, 0);

      vs_sha256_field (&h, v ? v : "", (size_t) sqlite3_column_bytes (s, 0));
    }
  }
  sqlite3_finalize (s);
  if (rc != SQLITE_DONE) {
    vs_sha256_discard (&h);
    sql_fail (m, m->db, m->out_path, "images");
    return NULL;
  }
  vs_sha256_final_hex (&h, hex);
  return vs_xasprintf ("noid:%s", hex);
}

/* The key of the scan of this row of SELECT id, uuid, started_at: its
 * uuid (any bytes: *len says how many), or noid_key.  The caller frees
 * it. */
static char *
scan_key (struct merge *m, const char *schema, sqlite3_stmt *row,
          size_t *len)
{
  const char *uuid = (const char *) sqlite3_column_text (row, 1);
  char *key;

  *len = (size_t) sqlite3_column_bytes (row, 1);
  if (uuid && *len > 0)
    return vs_xmemdup (uuid, *len + 1);
  uuid = (const char *) sqlite3_column_text (row, 2);
  key = noid_key (m, schema, sqlite3_column_int64 (row, 0),
                  uuid ? uuid : "", uuid ? (size_t) sqlite3_column_bytes
                  (row, 2) : 0);
  *len = key ? strlen (key) : 0;
  return key;
}

/* Whether key (len bytes) is in temp.vs_keys (1, 0), and adds it when
 * add is set. */
static int
key_seen (struct merge *m, const char *key, size_t len, int add)
{
  sqlite3_stmt *s = NULL;
  int rc;

  if (sqlite3_prepare_v2 (m->db, add
                          ? "INSERT OR IGNORE INTO temp.vs_keys VALUES (?1)"
                          : "SELECT 1 FROM temp.vs_keys WHERE key = ?1",
                          -1, &s, NULL) != SQLITE_OK)
    return sql_fail (m, m->db, m->out_path, "keys");
  sqlite3_bind_text64 (s, 1, key, len, SQLITE_STATIC, SQLITE_UTF8);
  rc = sqlite3_step (s);
  sqlite3_finalize (s);
  if (rc == SQLITE_ROW)
    return 1;
  if (rc == SQLITE_DONE)
    return 0;
  return sql_fail (m, m->db, m->out_path, "keys");
}

/* Fills temp.vs_keys with the keys of the scans of schema ("main", or
 * the input for the scans it chose); with sel, also decides which of
 * the input's scans to copy into temp.vs_sel, recording an event for
 * each. */
static int
load_keys (struct merge *m, const char *schema, const char *input, int sel)
{
  sqlite3_stmt *s = NULL;
  char *q;
  int rc, ret = -1;

  q = vs_xasprintf ("SELECT id, CAST (uuid AS TEXT), started_at FROM "
                    "\"%s\".scans ORDER BY id", schema);
  rc = sqlite3_prepare_v2 (m->db, q, -1, &s, NULL);
  free (q);
  if (rc != SQLITE_OK)
    return sql_fail (m, m->db, input, "scans");
  while ((rc = sqlite3_step (s)) == SQLITE_ROW) {
    size_t len;
    char *key = scan_key (m, schema, s, &len);
    int seen;

    if (!key)
      goto out;
    seen = sel ? key_seen (m, key, len, 0) : 0;
    if (seen == -1 || key_seen (m, key, len, 1) == -1) {
      free (key);
      goto out;
    }
    if (!sel) {
      free (key);
      continue;
    }
    if (!seen) {
      sqlite3_stmt *ins = NULL;
      int r;

      if (sqlite3_prepare_v2 (m->db, "INSERT INTO temp.vs_sel VALUES (?1)",
                              -1, &ins, NULL) != SQLITE_OK) {
        free (key);
        sql_fail (m, m->db, m->out_path, "selection");
        goto out;
      }
      sqlite3_bind_int64 (ins, 1, sqlite3_column_int64 (s, 0));
      r = sqlite3_step (ins);
      sqlite3_finalize (ins);
      if (r != SQLITE_DONE) {
        free (key);
        sql_fail (m, m->db, m->out_path, "selection");
        goto out;
      }
    }
    m->ev = vs_xrealloc (m->ev, (m->nev + 1) * sizeof *m->ev);
    m->ev[m->nev].input = m->cur;
    m->ev[m->nev].scan = key;
    m->ev[m->nev++].added = !seen;
  }
  if (rc != SQLITE_DONE) {
    sql_fail (m, m->db, input, "scans");
    goto out;
  }
  ret = 0;
 out:
  sqlite3_finalize (s);
  return ret;
}

/* ---- copying ------------------------------------------------------------ */

/* Appends the condition that picks the rows of table t (alias a) to
 * copy; depth makes the aliases of nested parents distinct. */
static void
add_filter (struct merge *m, struct vs_buf *b, const struct table *t,
            const char *a, int depth)
{
  size_t j;
  int first = 1;

  switch (t->kind) {
  case K_SCANS:
    vs_buf_addf (b, "%s.", a);
    add_ident (b, t->cols[t->pk].name);
    vs_buf_adds (b, " IN (SELECT id FROM temp.vs_sel)");
    break;
  case K_BY_SCAN:
    vs_buf_addf (b, "%s.scan_id IN (SELECT id FROM temp.vs_sel)", a);
    break;
  case K_BY_PARENT: {
    const struct table *p = &m->p.t[t->cols[t->parent_col].ref];
    char alias[16];

    snprintf (alias, sizeof alias, "p%d", depth);
    vs_buf_addf (b, "%s.", a);
    add_ident (b, t->cols[t->parent_col].name);
    vs_buf_addf (b, " IN (SELECT %s.", alias);
    add_ident (b, p->cols[p->pk].name);
    vs_buf_adds (b, " FROM " IN_SCHEMA ".");
    add_ident (b, p->name);
    vs_buf_addf (b, " AS %s WHERE ", alias);
    add_filter (m, b, p, alias, depth + 1);
    vs_buf_addc (b, ')');
    break;
  }
  case K_BY_CONTENT:
    vs_buf_adds (b, "NOT EXISTS (SELECT 1 FROM main.");
    add_ident (b, t->name);
    vs_buf_adds (b, " AS o WHERE ");
    for (j = 0; j < t->ncols; j++) {
      if ((int) j == t->pk)
        continue;
      if (!first)
        vs_buf_adds (b, " AND ");
      first = 0;
      vs_buf_adds (b, "o.");
      add_ident (b, t->cols[j].name);
      vs_buf_addf (b, " IS %s.", a);
      add_ident (b, t->cols[j].name);
    }
    if (first)
      vs_buf_adds (b, "1");
    vs_buf_addc (b, ')');
    break;
  }
}

/* Computes each table's offset for this input: OUT's largest id minus
 * the input's smallest plus one, checked not to overflow. */
static int
offsets (struct merge *m, const char *input)
{
  size_t i;

  for (i = 0; i < m->p.n; i++) {
    struct table *t = &m->p.t[i];
    struct vs_buf q = VS_BUF_INIT;
    int64_t out_max, in_min, in_max, off, top;
    int null_out, null_in, rc;

    t->off = 0;
    if (t->pk == -1)
      continue;
    vs_buf_adds (&q, "SELECT max(");
    add_ident (&q, t->cols[t->pk].name);
    vs_buf_adds (&q, ") FROM main.");
    add_ident (&q, t->name);
    rc = query_int (m, m->db, m->out_path, q.data, &out_max, &null_out);
    vs_buf_setlen (&q, 0);
    if (rc == -1) {
      vs_buf_release (&q);
      return -1;
    }
    if (null_out)
      out_max = 0;
    vs_buf_adds (&q, "SELECT min(");
    add_ident (&q, t->cols[t->pk].name);
    vs_buf_adds (&q, ") FROM " IN_SCHEMA ".");
    add_ident (&q, t->name);
    rc = query_int (m, m->db, input, q.data, &in_min, &null_in);
    vs_buf_setlen (&q, 0);
    if (rc == 0 && !null_in) {
      vs_buf_adds (&q, "SELECT max(");
      add_ident (&q, t->cols[t->pk].name);
      vs_buf_adds (&q, ") FROM " IN_SCHEMA ".");
      add_ident (&q, t->name);
      rc = query_int (m, m->db, input, q.data, &in_max, NULL);
    }
    vs_buf_release (&q);
    if (rc == -1)
      return -1;
    if (null_in)
      continue;
    if (__builtin_sub_overflow (out_max, in_min, &off)
        || __builtin_add_overflow (off, 1, &off)
        || __builtin_add_overflow (in_max, off, &top))
      return failf (m, "%s: the ids of table %s do not fit beside %s's",
                    input, t->name, m->out_path);
    t->off = off;
  }
  return 0;
}

/* Copies the chosen rows of table t from the input; counts them. */
static int
copy_table (struct merge *m, const struct table *t, const char *input)
{
  struct vs_buf b = VS_BUF_INIT;
  sqlite3_stmt *s = NULL;
  size_t j;
  int rc;

  vs_buf_adds (&b, "INSERT INTO main.");
  add_ident (&b, t->name);
  vs_buf_adds (&b, " (");
  for (j = 0; j < t->ncols; j++) {
    if (j)
      vs_buf_adds (&b, ", ");
    add_ident (&b, t->cols[j].name);
  }
  vs_buf_adds (&b, ") SELECT ");
  for (j = 0; j < t->ncols; j++) {
    int64_t off = (int) j == t->pk ? t->off
      : t->cols[j].ref != -1 ? m->p.t[t->cols[j].ref].off : 0;

    if (j)
      vs_buf_adds (&b, ", ");
    vs_buf_adds (&b, "s.");
    add_ident (&b, t->cols[j].name);
    if ((int) j == t->pk || t->cols[j].ref != -1)
      vs_buf_addf (&b, " + (%" PRId64 ")", off);
  }
  vs_buf_adds (&b, " FROM " IN_SCHEMA ".");
  add_ident (&b, t->name);
  vs_buf_adds (&b, " AS s WHERE ");
  add_filter (m, &b, t, "s", 0);
  if (t->pk != -1) {
    vs_buf_adds (&b, " ORDER BY s.");
    add_ident (&b, t->cols[t->pk].name);
  }
  rc = sqlite3_prepare_v2 (m->db, b.data, -1, &s, NULL);
  vs_buf_release (&b);
  if (rc != SQLITE_OK)
    return sql_fail (m, m->db, input, t->name);
  rc = sqlite3_step (s);
  sqlite3_finalize (s);
  if (rc != SQLITE_DONE)
    return failf (m, "%s: cannot copy table %s into %s: %s", input, t->name,
                  m->out_path, sqlite3_errmsg (m->db));
  m->tot.rows += (uint64_t) sqlite3_changes64 (m->db);
  return 0;
}

/* Merges one input: attach, one transaction, detach.  Events of the
 * scans it held are left in m->ev, for after the commit. */
static int
merge_input (struct merge *m, const char *input)
{
  sqlite3_stmt *s = NULL;
  char *uri = file_uri (input, "ro");
  uint64_t rows = m->tot.rows;
  size_t i;
  int rc, in_txn = 0, ret = -1;

  rc = sqlite3_prepare_v2 (m->db, "ATTACH DATABASE ?1 AS " IN_SCHEMA, -1, &s,
                           NULL);
  if (rc == SQLITE_OK) {
    sqlite3_bind_text (s, 1, uri, -1, SQLITE_STATIC);
    rc = sqlite3_step (s);
  }
  sqlite3_finalize (s);
  free (uri);
  if (rc != SQLITE_DONE)
    return failf (m, "%s: cannot open: %s", input, sqlite3_errmsg (m->db));

  if (exec_sql (m, m->db, m->out_path, "BEGIN IMMEDIATE") == -1)
    goto out;
  in_txn = 1;
  /* Checked again: it is the file now attached that is copied. */
  if (check_schema (m, m->db, IN_SCHEMA, input) == -1
      || exec_sql (m, m->db, m->out_path, "DELETE FROM temp.vs_sel") == -1
      || load_keys (m, IN_SCHEMA, input, 1) == -1
      || offsets (m, input) == -1)
    goto out;
  for (i = 0; i < m->p.n; i++)
    if (copy_table (m, &m->p.t[m->p.order[i]], input) == -1)
      goto out;
  if (exec_sql (m, m->db, m->out_path, "COMMIT") == -1)
    goto out;
  in_txn = 0;
  ret = 0;

 out:
  if (in_txn) {
    sqlite3_exec (m->db, "ROLLBACK", NULL, NULL, NULL);
    m->tot.rows = rows;
  }
  sqlite3_exec (m->db, "DETACH DATABASE " IN_SCHEMA, NULL, NULL, NULL);
  return ret;
}

/* ---- OUT ---------------------------------------------------------------- */

/* Creates the temporary file a new OUT is built in and its schema. */
static int
create_out (struct merge *m)
{
  char *uri;
  mode_t um;
  int fd, rc;

  m->tmp_path = vs_xasprintf ("%s.tmp-XXXXXX", m->out_path);
  fd = mkstemp (m->tmp_path);
  if (fd == -1) {
    failf (m, "%s: cannot create: %s", m->out_path, strerror (errno));
    free (m->tmp_path);
    m->tmp_path = NULL;
    return -1;
  }
  um = umask (0);
  umask (um);
  if (fchmod (fd, 0644 & ~um) == -1) {
    close (fd);
    return failf (m, "%s: %s", m->tmp_path, strerror (errno));
  }
  close (fd);
  uri = file_uri (m->tmp_path, "rw");
  rc = sqlite3_open_v2 (uri, &m->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_URI,
                        NULL);
  free (uri);
  if (rc != SQLITE_OK)
    return failf (m, "%s: cannot open: %s", m->tmp_path,
                  m->db ? sqlite3_errmsg (m->db) : "no memory");
  /* Nothing to roll back in a file that takes OUT's name only when
   * complete: no journal, and one fsync at the end. */
  if (exec_sql (m, m->db, m->tmp_path, "PRAGMA journal_mode = OFF") == -1
      || exec_sql (m, m->db, m->tmp_path, "PRAGMA synchronous = OFF") == -1
      || exec_sql (m, m->db, m->tmp_path, "BEGIN") == -1
      || exec_sql (m, m->db, m->tmp_path, schema_sql) == -1)
    return -1;
  {
    char pragma[64];

    snprintf (pragma, sizeof pragma, "PRAGMA user_version = %d",
              VS_STORE_SCHEMA_VERSION);
    if (exec_sql (m, m->db, m->tmp_path, pragma) == -1
        || exec_sql (m, m->db, m->tmp_path, views_sql) == -1
        || exec_sql (m, m->db, m->tmp_path, "COMMIT") == -1)
      return -1;
  }
  return 0;
}

/* Opens an existing OUT, checks it and adds the views. */
static int
open_out (struct merge *m)
{
  char *uri = file_uri (m->out_path, "rw");
  int rc;

  rc = sqlite3_open_v2 (uri, &m->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_URI,
                        NULL);
  free (uri);
  if (rc != SQLITE_OK)
    return failf (m, "%s: cannot open: %s", m->out_path,
                  m->db ? sqlite3_errmsg (m->db) : "no memory");
  sqlite3_busy_timeout (m->db, 5000);
  if (check_schema (m, m->db, "main", m->out_path) == -1)
    return -1;
  return exec_sql (m, m->db, m->out_path, views_sql);
}

/* Gives the finished temporary file OUT's name: replacing what is there
 * with replace, else only if nothing is. */
static int
install_out (struct merge *m, int replace)
{
  char *dir, *slash;
  int fd, rc;

  fd = open (m->tmp_path, O_RDONLY | O_CLOEXEC);
  if (fd == -1 || fsync (fd) == -1) {
    int e = errno;

    if (fd != -1)
      close (fd);
    return failf (m, "%s: %s", m->tmp_path, strerror (e));
  }
  close (fd);
  if (replace)
    rc = rename (m->tmp_path, m->out_path);
  else {
    rc = renameat2 (AT_FDCWD, m->tmp_path, AT_FDCWD, m->out_path,
                    RENAME_NOREPLACE);
    if (rc == -1 && (errno == EINVAL || errno == ENOSYS)) {
      /* A filesystem without RENAME_NOREPLACE: link fails if OUT came
       * into being meanwhile. */
      rc = link (m->tmp_path, m->out_path);
      if (rc == 0)
        unlink (m->tmp_path);
    }
  }
  if (rc == -1)
    return failf (m, "%s: %s", m->out_path, errno == EEXIST
                  ? "appeared while the merge ran: not replaced"
                  : strerror (errno));
  free (m->tmp_path);
  m->tmp_path = NULL;
  /* The new name, on disk. */
  dir = vs_xstrdup (m->out_path);
  slash = strrchr (dir, '/');
  if (slash)
    slash[slash == dir ? 1 : 0] = '\0';
  fd = open (slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd != -1) {
    fsync (fd);
    close (fd);
  }
  free (dir);
  return 0;
}

/* ---- the run ------------------------------------------------------------ */

/* Counts and tells the scans not told yet. */
static void
tell (struct merge *m, const char *const *inputs, vs_merge_scan_fn *fn,
      void *opaque)
{
  for (; m->told < m->nev; m->told++) {
    const struct event *e = &m->ev[m->told];

    if (e->added)
      m->tot.scans_added++;
    else
      m->tot.scans_skipped++;
    if (fn)
      fn (opaque, inputs[e->input], e->scan, e->added);
  }
}

static int
run (struct merge *m, const char *const *inputs, size_t n, unsigned flags,
     vs_merge_scan_fn *fn, void *opaque)
{
  size_t i;

  if (plan_build (m) == -1)
    return -1;
  if (lstat (m->out_path, &m->out_st) == 0) {
    if (!S_ISREG (m->out_st.st_mode))
      return failf (m, "%s: exists and is not a regular file", m->out_path);
    m->out_exists = 1;
  }
  else if (errno != ENOENT)
    return failf (m, "%s: %s", m->out_path, strerror (errno));
  if (n == 0)
    return failf (m, "no database to merge");

  /* Every input first: one that cannot be merged leaves OUT alone. */
  for (i = 0; i < n; i++)
    if (check_input (m, inputs[i]) == -1)
      return -1;

  if (m->out_exists && !(flags & VS_MERGE_REPLACE)) {
    if (open_out (m) == -1)
      return -1;
  }
  else if (create_out (m) == -1)
    return -1;
  sqlite3_busy_timeout (m->db, 5000);
  if (exec_sql (m, m->db, m->out_path, "CREATE TEMP TABLE vs_keys "
                "(key TEXT PRIMARY KEY); CREATE TEMP TABLE vs_sel "
                "(id INTEGER PRIMARY KEY)") == -1
      || load_keys (m, "main", m->out_path, 0) == -1)
    return -1;

  /* An existing OUT has each input once it is committed; a new one has
   * them all once it takes its name: the scans are told then. */
  for (i = 0; i < n; i++) {
    m->cur = i;
    if (merge_input (m, inputs[i]) == -1)
      return -1;
    if (!m->tmp_path)
      tell (m, inputs, fn, opaque);
  }
  if (sqlite3_close (m->db) != SQLITE_OK)
    return failf (m, "%s: cannot close: %s", m->out_path,
                  sqlite3_errmsg (m->db));
  m->db = NULL;
  if (m->tmp_path) {
    if (install_out (m, (flags & VS_MERGE_REPLACE) != 0) == -1)
      return -1;
    tell (m, inputs, fn, opaque);
  }
  return 0;
}

int
vs_merge (const char *out_path, const char *const *inputs, size_t n,
          unsigned flags, vs_merge_scan_fn *fn, void *opaque,
          struct vs_merge_totals *totals, char **errmsg)
{
  struct merge m;
  size_t i;
  int rc;

  memset (&m, 0, sizeof m);
  m.out_path = out_path;
  rc = run (&m, inputs, n, flags, fn, opaque);
  if (m.db)
    sqlite3_close (m.db);
  if (m.tmp_path) {
    char *journal = vs_xasprintf ("%s-journal", m.tmp_path);

    unlink (m.tmp_path);
    unlink (journal);
    free (journal);
    free (m.tmp_path);
  }
  for (i = 0; i < m.nev; i++)
    free (m.ev[i].scan);
  free (m.ev);
  plan_free (&m.p);
  if (rc == 0 && totals)
    *totals = m.tot;
  if (rc == -1)
    *errmsg = m.errmsg ? m.errmsg : vs_xstrdup ("merge failed");
  else
    free (m.errmsg);
  return rc;
}
