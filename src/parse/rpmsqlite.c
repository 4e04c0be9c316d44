/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: a reader for rpm's SQLite database (see parse-rpmsqlite.h).
 *
 * Order of work, each step refusing the database on failure: open the
 * bytes read-only in memory on a locked-down connection; look at the
 * schema as SQLite parsed it (pragma_table_list, pragma_table_xinfo,
 * pragma_index_list) and at the words each CREATE statement starts
 * with; quick_check Packages; then read its rows.  Nothing reads a
 * row's columns before quick_check has passed, and quick_check runs with
 * CHECK constraints ignored (a constraint is an expression the file
 * chose).  A generated column is refused before anything could compute
 * it.  The progress handler counts every statement's operations against
 * one budget, so no statement, ours or SQLite's own schema load, runs
 * for longer than the file's size allows.
 */
#include <config.h>

#include <inttypes.h>
#include <string.h>
#include <strings.h>

#include <sqlite3.h>

#include "parse/rpmsqlite.h"
#include "base/util.h"

/* Limits of the connection (sqlite3_limit), each well above what rpm's
 * schema and our statements need and far below SQLite's defaults. */
/* Our statements are under 150 bytes; rpm's CREATE statements under 200
 * (the schema is parsed under this limit too). */
#define LIM_SQL_LENGTH 10000
/* rpm's tables have 2 or 3 columns; our queries select at most 5. */
#define LIM_COLUMN 16
/* Neither rpm's schema nor our statements nest expressions. */
#define LIM_EXPR_DEPTH 16
/* No compound SELECT is used. */
#define LIM_COMPOUND_SELECT 2
/* Our statements compile to under 40 operations (quick_check of one
 * table the longest); room for another SQLite's code generator. */
#define LIM_VDBE_OP 2000
/* Table-valued pragmas take 2 arguments. */
#define LIM_FUNCTION_ARG 8
/* Nothing may be attached. */
#define LIM_ATTACHED 0
/* No LIKE is used. */
#define LIM_LIKE_PATTERN_LENGTH 64
/* One parameter (?1) at most. */
#define LIM_VARIABLE_NUMBER 4
/* Triggers are refused and disabled; the smallest depth. */
#define LIM_TRIGGER_DEPTH 1
/* How often (in SQLite operations) the progress handler runs. */
#define PROGRESS_STEP 1000

struct budget {
  uint64_t ops, limit;
  int stop; /* vs_tick asked to stop */
  int over; /* the budget ran out */
};

static int
on_progress (void *opaque)
{
  struct budget *b = opaque;

  b->ops += PROGRESS_STEP;
  if (vs_tick ()) {
    b->stop = 1;
    return 1;
  }
  if (b->ops > b->limit) {
    b->over = 1;
    return 1;
  }
  return 0;
}

/* The message for a failed SQLite call (what failed, then why). */
static char *
failure (sqlite3 *db, const struct budget *b, const char *what)
{
  if (b->stop)
    return vs_xstrdup ("stopped");
  if (b->over)
    return vs_xasprintf ("refused: %s needs more than %" PRIu64
                         " SQLite operations, more than a database of its "
                         "size can",
                         what, b->limit);
  return vs_xasprintf ("%s: %s", what, db ? sqlite3_errmsg (db) : "no memory");
}

static int
is_space (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
         || c == '\v';
}

/* The next word of an SQL text after blanks and comments, as SQLite's
 * tokenizer skips them.  Returns the position after it (the word may be
 * empty: not a letter). */
static const char *
next_word (const char *p, const char **w, size_t *n)
{
  for (;;) {
    while (is_space (*p))
      p++;
    if (p[0] == '-' && p[1] == '-') {
      p = strchr (p, '\n');
      if (!p)
        p = "";
    } else if (p[0] == '/' && p[1] == '*') {
      const char *e = strstr (p + 2, "*/");

      p = e ? e + 2 : "";
    } else
      break;
  }
  *w = p;
  while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_')
    p++;
  *n = (size_t)(p - *w);
  return p;
}

static int
word_is (const char *w, size_t n, const char *lit)
{
  return strlen (lit) == n && strncasecmp (w, lit, n) == 0;
}

/* What a schema entry's SQL creates: "table", "index", or NULL with
 * *other describing it ("a view", "a trigger", ...). */
static const char *
sql_kind (const char *sql, const char **other)
{
  const char *w;
  size_t n;

  sql = next_word (sql, &w, &n);
  if (!word_is (w, n, "create")) {
    *other = "a statement that is not CREATE";
    return NULL;
  }
  sql = next_word (sql, &w, &n);
  if (word_is (w, n, "temp") || word_is (w, n, "temporary")) {
    *other = "a temporary object";
    return NULL;
  }
  if (word_is (w, n, "table"))
    return "table";
  if (word_is (w, n, "unique"))
    next_word (sql, &w, &n);
  if (word_is (w, n, "index"))
    return "index";
  *other = word_is (w, n, "view")      ? "a view"
           : word_is (w, n, "trigger") ? "a trigger"
           : word_is (w, n, "virtual") ? "a virtual table"
                                       : "an object of unknown kind";
  return NULL;
}

/* Prepares the schema query sql, with name bound to ?1 unless it is
 * NULL.  Returns the statement, or NULL with *err set. */
static sqlite3_stmt *
schema_query (sqlite3 *db, const struct budget *b, const char *sql,
              const char *name, char **err)
{
  sqlite3_stmt *s = NULL;

  if (sqlite3_prepare_v2 (db, sql, -1, &s, NULL) != SQLITE_OK
      || (name
          && sqlite3_bind_text (s, 1, name, -1, SQLITE_STATIC) != SQLITE_OK)) {
    *err = failure (db, b, "reading the schema");
    sqlite3_finalize (s);
    return NULL;
  }
  return s;
}

/* Whether the steps of a schema query ended with rc at its end
 * (SQLITE_DONE); if not, sets *err. */
static int
schema_done (sqlite3 *db, const struct budget *b, int rc, char **err)
{
  if (rc == SQLITE_DONE)
    return 1;
  *err = failure (db, b, "reading the schema");
  return 0;
}

/* At most this many bytes of a guest name in a message. */
#define NAME_SHOWN 64

/* Checks the CREATE statements of the schema.  Returns 0, or -1 with
 * *err set. */
static int
check_statements (sqlite3 *db, const struct budget *b, char **err)
{
  sqlite3_stmt *s = NULL;
  size_t n = 0;
  int rc;

  s = schema_query (db, b, "SELECT name, sql FROM main.sqlite_schema", NULL,
                    err);
  if (!s)
    return -1;
  while ((rc = sqlite3_step (s)) == SQLITE_ROW) {
    const char *name = (const char *)sqlite3_column_text (s, 0);
    const char *sql = (const char *)sqlite3_column_text (s, 1);
    const char *other = NULL;

    if (++n > VS_RPMSQLITE_MAX_SCHEMA) {
      *err = vs_xasprintf ("refused: more than %d schema entries",
                           VS_RPMSQLITE_MAX_SCHEMA);
      goto fail;
    }
    /* No SQL: an index SQLite made for a UNIQUE or PRIMARY KEY
     * constraint. */
    if (!sql || !sql[0])
      continue;
    if (!sql_kind (sql, &other)) {
      *err = vs_xasprintf ("refused: the schema has %s (%.*s); rpm makes "
                           "only tables and indexes",
                           other, NAME_SHOWN, name ? name : "");
      goto fail;
    }
  }
  if (!schema_done (db, b, rc, err))
    goto fail;
  sqlite3_finalize (s);
  return 0;
fail:
  sqlite3_finalize (s);
  return -1;
}

/* Checks the columns of table name (Packages: its whole shape).  Returns
 * 0, or -1 with *err set. */
static int
check_columns (sqlite3 *db, const struct budget *b, const char *name,
               int packages, char **err)
{
  sqlite3_stmt *s = NULL;
  int rc, ncol = 0, shape = 1;

  s = schema_query (db, b,
                    "SELECT name, type, pk, hidden, dflt_value IS NOT NULL "
                    "FROM pragma_table_xinfo(?1, 'main')",
                    name, err);
  if (!s)
    return -1;
  while ((rc = sqlite3_step (s)) == SQLITE_ROW) {
    const char *col = (const char *)sqlite3_column_text (s, 0);
    const char *type = (const char *)sqlite3_column_text (s, 1);
    int pk = sqlite3_column_int (s, 2), hidden = sqlite3_column_int (s, 3);
    int dflt = sqlite3_column_int (s, 4);

    if (vs_tick ()) {
      *err = vs_xstrdup ("stopped");
      goto fail;
    }
    if (hidden != 0) {
      *err = vs_xasprintf ("refused: %.*s.%.*s is a %s column", NAME_SHOWN,
                           name, NAME_SHOWN, col ? col : "",
                           hidden == 2 || hidden == 3 ? "generated" : "hidden");
      goto fail;
    }
    if (!packages)
      continue;
    if (ncol == 0)
      shape &= col && type && strcasecmp (col, "hnum") == 0
               && strcasecmp (type, "integer") == 0 && pk == 1 && !dflt;
    else if (ncol == 1)
      shape &= col && type && strcasecmp (col, "blob") == 0
               && strcasecmp (type, "blob") == 0 && pk == 0 && !dflt;
    ncol++;
  }
  if (!schema_done (db, b, rc, err))
    goto fail;
  if (packages && (!shape || ncol != 2)) {
    *err = vs_xstrdup ("refused: Packages is not (hnum INTEGER PRIMARY KEY, "
                       "blob BLOB) as rpm makes it");
    goto fail;
  }
  sqlite3_finalize (s);
  return 0;
fail:
  sqlite3_finalize (s);
  return -1;
}

/* Checks what SQLite parsed: only rowid tables without generated
 * columns, Packages of rpm's shape and without an index.  Returns 0, or
 * -1 with *err set. */
static int
check_tables (sqlite3 *db, const struct budget *b, char **err)
{
  sqlite3_stmt *s = NULL;
  char **names = NULL;
  size_t n = 0, i;
  int rc, packages = 0, ret = -1;

  s = schema_query (db, b,
                    "SELECT name, type, wr FROM pragma_table_list "
                    "WHERE schema = 'main'",
                    NULL, err);
  if (!s)
    return -1;
  names = vs_xcalloc (VS_RPMSQLITE_MAX_SCHEMA, sizeof *names);
  while ((rc = sqlite3_step (s)) == SQLITE_ROW) {
    const char *name = (const char *)sqlite3_column_text (s, 0);
    const char *type = (const char *)sqlite3_column_text (s, 1);
    int is_packages = name && strcasecmp (name, "Packages") == 0;

    if (!name || !type) {
      *err = vs_xstrdup ("refused: a table without a name or type");
      goto out;
    }
    if (strcmp (type, "table") != 0) {
      *err = vs_xasprintf ("refused: %.*s is a %s, not a plain table",
                           NAME_SHOWN, name, type);
      goto out;
    }
    if (is_packages && sqlite3_column_int (s, 2)) {
      *err = vs_xstrdup ("refused: Packages is a WITHOUT ROWID table");
      goto out;
    }
    if (n == VS_RPMSQLITE_MAX_SCHEMA) {
      *err = vs_xasprintf ("refused: more than %d tables",
                           VS_RPMSQLITE_MAX_SCHEMA);
      goto out;
    }
    names[n++] = vs_xstrdup (name);
    packages |= is_packages;
  }
  if (!schema_done (db, b, rc, err))
    goto out;
  sqlite3_finalize (s);
  s = NULL;
  if (!packages) {
    *err = vs_xstrdup ("refused: no Packages table");
    goto out;
  }
  for (i = 0; i < n; i++)
    if (check_columns (db, b, names[i], strcasecmp (names[i], "Packages") == 0,
                       err)
        == -1)
      goto out;
  s = schema_query (db, b,
                    "SELECT name FROM pragma_index_list('Packages', 'main')",
                    NULL, err);
  if (!s)
    goto out;
  rc = sqlite3_step (s);
  if (rc == SQLITE_ROW) {
    const char *name = (const char *)sqlite3_column_text (s, 0);

    *err = vs_xasprintf ("refused: Packages has an index (%.*s); rpm makes "
                         "none",
                         NAME_SHOWN, name ? name : "");
    goto out;
  }
  if (!schema_done (db, b, rc, err))
    goto out;
  ret = 0;
out:
  sqlite3_finalize (s);
  for (i = 0; i < n; i++)
    free (names[i]);
  free (names);
  return ret;
}

/* PRAGMA quick_check of Packages: every page of it reached once, cells
 * and overflow chains consistent.  Returns 0, or -1 with *err set. */
static int
quick_check (sqlite3 *db, const struct budget *b, char **err)
{
  sqlite3_stmt *s = NULL;
  const char *res;
  int rc;

  if (sqlite3_exec (db, "PRAGMA ignore_check_constraints = ON", NULL, NULL,
                    NULL)
          != SQLITE_OK
      || sqlite3_prepare_v2 (db, "PRAGMA main.quick_check('Packages')", -1, &s,
                             NULL)
             != SQLITE_OK) {
    *err = failure (db, b, "checking Packages");
    goto fail;
  }
  rc = sqlite3_step (s);
  if (rc != SQLITE_ROW) {
    *err = failure (db, b, "checking Packages");
    goto fail;
  }
  res = (const char *)sqlite3_column_text (s, 0);
  if (!res || strcmp (res, "ok") != 0) {
    CLEANUP_FREE char *line = vs_one_line (res ? res : "no result");

    *err = vs_xasprintf ("refused: Packages fails its integrity check: %.200s",
                         line);
    goto fail;
  }
  sqlite3_finalize (s);
  return 0;
fail:
  sqlite3_finalize (s);
  return -1;
}

int
vs_rpmsqlite_walk (unsigned char *data, size_t len,
                   int (*fn) (int64_t hnum, const unsigned char *blob,
                              size_t blob_len, void *opaque),
                   void *opaque, struct vs_rpmsqlite_stats *st, char **err)
{
  static const struct {
    int id, value;
  } limits[] = {
    { SQLITE_LIMIT_LENGTH, VS_RPMSQLITE_MAX_BLOB },
    { SQLITE_LIMIT_SQL_LENGTH, LIM_SQL_LENGTH },
    { SQLITE_LIMIT_COLUMN, LIM_COLUMN },
    { SQLITE_LIMIT_EXPR_DEPTH, LIM_EXPR_DEPTH },
    { SQLITE_LIMIT_COMPOUND_SELECT, LIM_COMPOUND_SELECT },
    { SQLITE_LIMIT_VDBE_OP, LIM_VDBE_OP },
    { SQLITE_LIMIT_FUNCTION_ARG, LIM_FUNCTION_ARG },
    { SQLITE_LIMIT_ATTACHED, LIM_ATTACHED },
    { SQLITE_LIMIT_LIKE_PATTERN_LENGTH, LIM_LIKE_PATTERN_LENGTH },
    { SQLITE_LIMIT_VARIABLE_NUMBER, LIM_VARIABLE_NUMBER },
    { SQLITE_LIMIT_TRIGGER_DEPTH, LIM_TRIGGER_DEPTH },
    { SQLITE_LIMIT_WORKER_THREADS, 0 },
  };
  static const struct {
    int op, value;
  } config[] = {
    { SQLITE_DBCONFIG_DEFENSIVE, 1 },
    { SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0 },
    { SQLITE_DBCONFIG_ENABLE_TRIGGER, 0 },
    { SQLITE_DBCONFIG_ENABLE_VIEW, 0 },
    { SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0 },
    { SQLITE_DBCONFIG_ENABLE_FKEY, 0 },
    { SQLITE_DBCONFIG_WRITABLE_SCHEMA, 0 },
  };
  struct vs_rpmsqlite_stats local;
  struct budget b;
  sqlite3 *db = NULL;
  sqlite3_stmt *s = NULL;
  size_t i;
  int rc, ret = -1;

  *err = NULL;
  if (!st)
    st = &local;
  memset (&b, 0, sizeof b);
  b.limit = st->budget ? st->budget
                       : VS_RPMSQLITE_OPS_BASE
                             + (uint64_t)VS_RPMSQLITE_OPS_PER_BYTE * len;
  st->ops = 0;
  st->rows = 0;
  if (len < 100 || memcmp (data, "SQLite format 3", 16) != 0) {
    *err = vs_xstrdup ("not an SQLite database");
    return -1;
  }
  /* A WAL database: read the main file as a rollback one. */
  if (data[18] == 2)
    data[18] = 1;
  if (data[19] == 2)
    data[19] = 1;
  if (sqlite3_open_v2 (":memory:", &db, SQLITE_OPEN_READWRITE, NULL)
      != SQLITE_OK) {
    *err = failure (db, &b, "opening an SQLite connection");
    goto out;
  }
  for (i = 0; i < VS_ARRAY_SIZE (limits); i++)
    sqlite3_limit (db, limits[i].id, limits[i].value);
  for (i = 0; i < VS_ARRAY_SIZE (config); i++)
    if (sqlite3_db_config (db, config[i].op, config[i].value, (int *)NULL)
        != SQLITE_OK) {
      *err = failure (db, &b, "locking the SQLite connection down");
      goto out;
    }
  sqlite3_progress_handler (db, PROGRESS_STEP, on_progress, &b);
  if (sqlite3_deserialize (db, "main", data, (sqlite3_int64)len,
                           (sqlite3_int64)len, SQLITE_DESERIALIZE_READONLY)
      != SQLITE_OK) {
    *err = failure (db, &b, "opening the database");
    goto out;
  }
  if (sqlite3_exec (db, "PRAGMA cell_size_check = ON", NULL, NULL, NULL)
      != SQLITE_OK) {
    *err = failure (db, &b, "reading the schema");
    goto out;
  }
  if (check_statements (db, &b, err) == -1 || check_tables (db, &b, err) == -1
      || quick_check (db, &b, err) == -1)
    goto out;
  if (sqlite3_prepare_v2 (db, "SELECT hnum, blob FROM main.Packages", -1, &s,
                          NULL)
      != SQLITE_OK) {
    *err = failure (db, &b, "reading Packages");
    goto out;
  }
  while ((rc = sqlite3_step (s)) == SQLITE_ROW) {
    const unsigned char *blob = sqlite3_column_blob (s, 1);
    int n = sqlite3_column_bytes (s, 1);

    if (vs_tick ()) {
      *err = vs_xstrdup ("stopped");
      goto out;
    }
    if (!blob || n <= 0)
      continue;
    st->rows++;
    if (fn (sqlite3_column_int64 (s, 0), blob, (size_t)n, opaque) == -1)
      goto out;
  }
  if (rc != SQLITE_DONE) {
    *err = failure (db, &b, "reading Packages");
    goto out;
  }
  ret = 0;
out:
  st->ops = b.ops;
  sqlite3_finalize (s);
  sqlite3_close (db);
  return ret;
}
