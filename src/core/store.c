/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: the evidence database (SQLite).
 *
 * Design notes.  One connection, one lock.  A write transaction is open
 * whenever rows are pending (st->in_txn); it is committed when VS_BATCH
 * rows have been written or VS_BATCH_SECONDS have passed, and at once for
 * the rows that describe the scan itself (scans, images, filesystems), so
 * that a killed scan leaves a database that says how far it got.  The
 * journal is SQLite's default rollback journal: a hot journal left by a
 * kill is rolled back the next time the database is opened.
 *
 * Invariant: st->broken is set after any SQLite failure, and then every
 * call fails with the first message.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "base/hash.h"
#include "core/store.h"
#include "base/util.h"

#define VS_BATCH 4000
#define VS_BATCH_SECONDS 1.0

static const char schema_sql[] =
#include "core/schema.inc"
  ;

enum stmt_id {
  S_FILE,
  S_MATCH,
  S_STRING,
  S_ERROR,
  S_FINDING,
  S_CHECK_RUN,
  S_PACKAGE,
  S_ACCOUNT,
  S_COUNT
};

static const char *stmt_sql[S_COUNT] = {
  [S_FILE] = "INSERT INTO files (scan_id, fs_id, path, type, size, mode, "
  "uid, gid, atime, atime_ns, mtime, mtime_ns, ctime, ctime_ns, btime, "
  "btime_ns, inode, nlink, link_target, md5, sha1, sha256, magic, mime, "
  "yara_scanned, capabilities, deleted) "
  "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
  [S_MATCH] = "INSERT INTO yara_matches (scan_id, file_id, rule, namespace, "
  "tags, meta) VALUES (?,?,?,?,?,?)",
  [S_STRING] = "INSERT INTO yara_strings (match_id, identifier, offset, "
  "length, data) VALUES (?,?,?,?,?)",
  [S_ERROR] = "INSERT INTO errors (scan_id, stage, fs_id, path, message, at) "
  "VALUES (?,?,?,?,?,?)",
  [S_FINDING] = "INSERT INTO findings (scan_id, os_id, check_id, severity, "
  "severity_rank, category, title, path, account, evidence, mitre_attack, "
  "file_id, match_id, fingerprint) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
  [S_CHECK_RUN] = "INSERT INTO check_runs (scan_id, os_id, check_id, status, "
  "items, note) VALUES (?,?,?,?,?,?)",
  [S_PACKAGE] = "INSERT INTO packages (scan_id, os_id, format, name, "
  "version, arch, status) VALUES (?,?,?,?,?,?,?)",
  [S_ACCOUNT] = "INSERT INTO accounts (scan_id, os_id, name, uid, gid, "
  "home, shell, line) VALUES (?,?,?,?,?,?,?,?)",
};

struct vs_store {
  sqlite3 *db;
  pthread_mutex_t lock;
  sqlite3_stmt *stmt[S_COUNT];
  int64_t scan_id;
  int in_txn;
  unsigned pending;
  double txn_start;
  int broken;
  char *errmsg;
  uint64_t errors, matches, matched_files, findings;
};

/* Marks the store broken with the first failure's message; returns -1. */
static int
broken (struct vs_store *st, const char *what, const char *why)
{
  if (!st->broken) {
    st->broken = 1;
    free (st->errmsg);
    st->errmsg = vs_xasprintf ("evidence database: %s%s%s", what,
                               why ? ": " : "", why ? why : "");
  }
  return -1;
}

static int
fail (struct vs_store *st, const char *what)
{
  return broken (st, what, sqlite3_errmsg (st->db));
}

static int
exec (struct vs_store *st, const char *sql)
{
  char *msg = NULL;

  if (sqlite3_exec (st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
    broken (st, msg ? msg : sql, NULL);
    sqlite3_free (msg);
    return -1;
  }
  return 0;
}

static int
commit (struct vs_store *st)
{
  if (!st->in_txn)
    return 0;
  st->in_txn = 0;
  st->pending = 0;
  return exec (st, "COMMIT");
}

/* Opens a transaction if none is open.  Called with the lock held. */
static int
begin (struct vs_store *st)
{
  if (st->broken)
    return -1;
  if (st->in_txn)
    return 0;
  if (exec (st, "BEGIN IMMEDIATE") == -1)
    return -1;
  st->in_txn = 1;
  st->pending = 0;
  st->txn_start = vs_now_monotonic ();
  return 0;
}

/* Counts a row and commits when the batch is full or old. */
static int
maybe_commit (struct vs_store *st)
{
  st->pending++;
  if (st->pending >= VS_BATCH
      || vs_now_monotonic () - st->txn_start >= VS_BATCH_SECONDS)
    return commit (st);
  return 0;
}

int
vs_store_create (const char *path, int force, struct vs_store **out,
                 char **errmsg)
{
  struct vs_store *st;
  struct stat sb;
  int fd, i;
  char *journal;

  if (lstat (path, &sb) == 0) {
    if (!force) {
      *errmsg = vs_xasprintf ("%s: database already exists (use --force "
                              "to replace it)", path);
      return -1;
    }
    if (!S_ISREG (sb.st_mode)) {
      *errmsg = vs_xasprintf ("%s: exists and is not a regular file", path);
      return -1;
    }
    if (unlink (path) == -1) {
      *errmsg = vs_xasprintf ("%s: %s", path, strerror (errno));
      return -1;
    }
  }
  journal = vs_xasprintf ("%s-journal", path);
  if (lstat (journal, &sb) == 0 && S_ISREG (sb.st_mode))
    unlink (journal);
  free (journal);

  /* Create the file exclusively, so that we never write over something
   * that appeared in the meantime. */
  fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
             0644);
  if (fd == -1) {
    *errmsg = vs_xasprintf ("%s: %s", path, strerror (errno));
    return -1;
  }
  close (fd);

  st = vs_xcalloc (1, sizeof *st);
  pthread_mutex_init (&st->lock, NULL);
  if (sqlite3_open_v2 (path, &st->db,
                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                       NULL) != SQLITE_OK) {
    *errmsg = vs_xasprintf ("%s: %s", path,
                            st->db ? sqlite3_errmsg (st->db) : "cannot open");
    vs_store_free (st);
    return -1;
  }
  sqlite3_busy_timeout (st->db, 5000);
  if (exec (st, "PRAGMA journal_mode = DELETE") == -1
      || exec (st, "PRAGMA synchronous = NORMAL") == -1
      || exec (st, "PRAGMA foreign_keys = ON") == -1
      || exec (st, "BEGIN") == -1
      || exec (st, schema_sql) == -1)
    goto err;
  {
    char pragma[64];

    snprintf (pragma, sizeof pragma, "PRAGMA user_version = %d",
              VS_STORE_SCHEMA_VERSION);
    if (exec (st, pragma) == -1 || exec (st, "COMMIT") == -1)
      goto err;
  }
  for (i = 0; i < S_COUNT; i++) {
    if (sqlite3_prepare_v3 (st->db, stmt_sql[i], -1,
                            SQLITE_PREPARE_PERSISTENT, &st->stmt[i],
                            NULL) != SQLITE_OK) {
      fail (st, "prepare");
      goto err;
    }
  }
  *out = st;
  return 0;

 err:
  *errmsg = vs_xasprintf ("%s: %s", path,
                          st->errmsg ? st->errmsg : "cannot create schema");
  vs_store_free (st);
  return -1;
}

void
vs_store_free (struct vs_store *st)
{
  int i;

  if (!st)
    return;
  if (st->db) {
    if (st->in_txn && !st->broken)
      commit (st);
    for (i = 0; i < S_COUNT; i++)
      sqlite3_finalize (st->stmt[i]);
    sqlite3_close (st->db);
  }
  pthread_mutex_destroy (&st->lock);
  free (st->errmsg);
  free (st);
}

const char *
vs_store_errmsg (struct vs_store *st)
{
  return st->errmsg ? st->errmsg : "no error";
}

/* Binding helpers.  Text from the image is bound with its length, so any
 * byte but NUL survives exactly. */
static void
bind_text (sqlite3_stmt *s, int i, const char *t, size_t len)
{
  if (t)
    sqlite3_bind_text64 (s, i, t, len, SQLITE_TRANSIENT, SQLITE_UTF8);
  else
    sqlite3_bind_null (s, i);
}

static void
bind_str (sqlite3_stmt *s, int i, const char *t)
{
  bind_text (s, i, t, t ? strlen (t) : 0);
}

static void
bind_opt_int (sqlite3_stmt *s, int i, int present, int64_t v)
{
  if (present)
    sqlite3_bind_int64 (s, i, v);
  else
    sqlite3_bind_null (s, i);
}

static int
step_done (struct vs_store *st, sqlite3_stmt *s, const char *what)
{
  int r = sqlite3_step (s);

  sqlite3_reset (s);
  sqlite3_clear_bindings (s);
  if (r != SQLITE_DONE)
    return fail (st, what);
  return 0;
}

/* Runs one statement outside the batch (prepare, bind by callback, step,
 * commit at once). */
static int
run_now (struct vs_store *st, const char *sql,
         void (*binder) (sqlite3_stmt *, const void *), const void *arg,
         int64_t *rowid)
{
  sqlite3_stmt *s = NULL;
  int r = -1;

  pthread_mutex_lock (&st->lock);
  if (begin (st) == -1)
    goto out;
  if (sqlite3_prepare_v2 (st->db, sql, -1, &s, NULL) != SQLITE_OK) {
    fail (st, "prepare");
    goto out;
  }
  binder (s, arg);
  if (sqlite3_step (s) != SQLITE_DONE) {
    fail (st, "write");
    goto out;
  }
  if (rowid)
    *rowid = sqlite3_last_insert_rowid (st->db);
  r = commit (st);
 out:
  sqlite3_finalize (s);
  pthread_mutex_unlock (&st->lock);
  return r;
}

struct scan_args {
  const struct vs_scan_info *info;
  const char *host;
  const char *now;
  const char *uuid;
};

static void
bind_scan (sqlite3_stmt *s, const void *p)
{
  const struct scan_args *a = p;

  bind_str (s, 1, a->info->tool_version);
  bind_str (s, 2, a->info->guestfs_version);
  bind_str (s, 3, a->info->magic_version);
  bind_str (s, 4, a->info->yara_version);
  bind_str (s, 5, sqlite3_libversion ());
  bind_str (s, 6, a->info->crypto_version);
  bind_str (s, 7, a->info->command_line);
  bind_str (s, 8, a->host);
  bind_str (s, 9, a->now);
  sqlite3_bind_int (s, 10, a->info->yara_enabled);
  bind_opt_int (s, 11, a->info->yara_enabled,
                (int64_t) a->info->yara_max_size);
  bind_str (s, 12, a->uuid[0] ? a->uuid : NULL);
}

int
vs_store_begin_scan (struct vs_store *st, const struct vs_scan_info *info)
{
  char host[256] = "";
  char now[32];
  char uuid[37] = "";
  struct scan_args a = { info, host, now, uuid };

  if (vs_random_uuid (uuid) == -1)
    uuid[0] = 0;
  gethostname (host, sizeof host - 1);
  vs_now_iso (now);
  return run_now (st, "INSERT INTO scans (tool_version, libguestfs_version, "
                  "libmagic_version, yara_version, sqlite_version, "
                  "openssl_version, command_line, host, started_at, status, "
                  "yara_enabled, yara_max_size, uuid) "
                  "VALUES (?,?,?,?,?,?,?,?,?,'running',?,?,?)",
                  bind_scan, &a, &st->scan_id);
}

struct backend_args {
  int64_t scan_id;
  const char *backend;
  const char *version;
};

static void
bind_backend (sqlite3_stmt *s, const void *p)
{
  const struct backend_args *a = p;

  bind_str (s, 1, a->backend);
  bind_str (s, 2, a->version);
  sqlite3_bind_int64 (s, 3, a->scan_id);
}

int
vs_store_set_appliance (struct vs_store *st, const char *backend,
                        const char *guestfs_version)
{
  struct backend_args a = { st->scan_id, backend, guestfs_version };

  return run_now (st, "UPDATE scans SET backend = ?, libguestfs_version = ? "
                  "WHERE id = ?", bind_backend, &a, NULL);
}

struct image_args {
  int64_t scan_id;
  int idx;
  const struct vs_image *img;
  const char *sha256;
};

static void
bind_image (sqlite3_stmt *s, const void *p)
{
  const struct image_args *a = p;

  sqlite3_bind_int64 (s, 1, a->scan_id);
  sqlite3_bind_int (s, 2, a->idx);
  bind_str (s, 3, a->img->path);
  bind_str (s, 4, a->img->format_name);
  bind_str (s, 5, a->img->format_from_user ? "user" : "probed");
  sqlite3_bind_int64 (s, 6, (int64_t) a->img->file_size);
  bind_opt_int (s, 7, a->img->virtual_size > 0,
                (int64_t) a->img->virtual_size);
}

int
vs_store_add_image (struct vs_store *st, int disk_index,
                    const struct vs_image *img)
{
  struct image_args a = { st->scan_id, disk_index, img, NULL };

  return run_now (st, "INSERT INTO images (scan_id, disk_index, path, "
                  "format, format_source, file_size, virtual_size) "
                  "VALUES (?,?,?,?,?,?,?)", bind_image, &a, NULL);
}

static void
bind_image_sha (sqlite3_stmt *s, const void *p)
{
  const struct image_args *a = p;

  bind_str (s, 1, a->sha256);
  sqlite3_bind_int64 (s, 2, a->scan_id);
  sqlite3_bind_int (s, 3, a->idx);
}

int
vs_store_set_image_sha256 (struct vs_store *st, int disk_index,
                           const char *sha256)
{
  struct image_args a = { st->scan_id, disk_index, NULL, sha256 };

  return run_now (st, "UPDATE images SET sha256 = ? WHERE scan_id = ? "
                  "AND disk_index = ?", bind_image_sha, &a, NULL);
}

struct os_args {
  int64_t scan_id;
  const struct vs_os *os;
};

static void
bind_os (sqlite3_stmt *s, const void *p)
{
  const struct os_args *a = p;

  sqlite3_bind_int64 (s, 1, a->scan_id);
  bind_str (s, 2, a->os->root);
  bind_str (s, 3, a->os->type);
  bind_str (s, 4, a->os->distro);
  bind_str (s, 5, a->os->product_name);
  bind_opt_int (s, 6, a->os->major >= 0, a->os->major);
  bind_opt_int (s, 7, a->os->minor >= 0, a->os->minor);
  bind_str (s, 8, a->os->hostname);
  bind_str (s, 9, a->os->arch);
  bind_str (s, 10, a->os->package_format);
  bind_str (s, 11, a->os->package_management);
}

int
vs_store_add_os (struct vs_store *st, struct vs_os *os)
{
  struct os_args a = { st->scan_id, os };

  return run_now (st, "INSERT INTO operating_systems (scan_id, root_device, "
                  "type, distro, product_name, major_version, "
                  "minor_version, hostname, arch, package_format, "
                  "package_management) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                  bind_os, &a, &os->id);
}

static const char *
fs_status_name (enum vs_fs_status s)
{
  switch (s) {
  case VS_FS_PENDING: return "pending";
  case VS_FS_SCANNED: return "scanned";
  case VS_FS_SKIPPED: return "skipped";
  case VS_FS_ERROR: return "error";
  }
  return "error";
}

struct fs_args {
  int64_t scan_id;
  const struct vs_fs *fs;
  const struct vs_os *os;
};

/* Who reads the filesystem, as filesystems.data_path says it. */
static const char *
fs_data_path (const struct vs_fs *fs)
{
  return fs->src ? "host" : fs->mounted ? "appliance" : NULL;
}

static void
bind_fs (sqlite3_stmt *s, const void *p)
{
  const struct fs_args *a = p;

  sqlite3_bind_int64 (s, 1, a->scan_id);
  bind_str (s, 2, a->fs->device);
  bind_str (s, 3, a->fs->type);
  bind_str (s, 4, a->fs->label);
  bind_str (s, 5, a->fs->uuid);
  bind_opt_int (s, 6, a->fs->size >= 0, a->fs->size);
  bind_opt_int (s, 7, a->os != NULL, a->os ? a->os->id : 0);
  bind_str (s, 8, a->fs->os_mountpoint);
  bind_str (s, 9, fs_status_name (a->fs->status));
  bind_str (s, 10, a->fs->note);
  bind_str (s, 11, fs_data_path (a->fs));
}

int
vs_store_add_fs (struct vs_store *st, struct vs_fs *fs,
                 const struct vs_os *os)
{
  struct fs_args a = { st->scan_id, fs, os };

  return run_now (st, "INSERT INTO filesystems (scan_id, device, type, "
                  "label, uuid, size, os_id, os_mountpoint, status, note, "
                  "data_path) VALUES (?,?,?,?,?,?,?,?,?,?,?)", bind_fs, &a,
                  &fs->id);
}

static void
bind_fs_update (sqlite3_stmt *s, const void *p)
{
  const struct fs_args *a = p;

  bind_str (s, 1, a->fs->walk_root);
  bind_str (s, 2, fs_status_name (a->fs->status));
  bind_str (s, 3, a->fs->note);
  sqlite3_bind_int64 (s, 4, (int64_t) a->fs->files);
  sqlite3_bind_int64 (s, 5, (int64_t) a->fs->bytes);
  bind_str (s, 6, fs_data_path (a->fs));
  sqlite3_bind_int64 (s, 7, a->fs->id);
}

int
vs_store_update_fs (struct vs_store *st, const struct vs_fs *fs)
{
  struct fs_args a = { st->scan_id, fs, NULL };

  return run_now (st, "UPDATE filesystems SET walk_root = ?, status = ?, "
                  "note = ?, files = ?, bytes = ?, data_path = ? "
                  "WHERE id = ?",
                  bind_fs_update, &a, NULL);
}

struct rule_args {
  int64_t scan_id;
  const char *path, *ns, *sha256;
  uint64_t size;
};

static void
bind_rule (sqlite3_stmt *s, const void *p)
{
  const struct rule_args *a = p;

  sqlite3_bind_int64 (s, 1, a->scan_id);
  bind_str (s, 2, a->path);
  bind_str (s, 3, a->ns);
  bind_str (s, 4, a->sha256);
  sqlite3_bind_int64 (s, 5, (int64_t) a->size);
}

int
vs_store_add_rule_file (struct vs_store *st, const char *path,
                        const char *ns, const char *sha256, uint64_t size)
{
  struct rule_args a = { st->scan_id, path, ns, sha256, size };
  sqlite3_stmt *s = NULL;
  int r = -1;

  /* Batched, not committed one by one: a public rule set has hundreds
   * of files (vs_store_flush commits them). */
  pthread_mutex_lock (&st->lock);
  if (begin (st) == -1)
    goto out;
  if (sqlite3_prepare_v2 (st->db, "INSERT INTO rule_files (scan_id, path, "
                          "namespace, sha256, size) VALUES (?,?,?,?,?)",
                          -1, &s, NULL) != SQLITE_OK) {
    fail (st, "prepare");
    goto out;
  }
  bind_rule (s, &a);
  if (step_done (st, s, "insert rule file") == -1)
    goto out;
  r = maybe_commit (st);
 out:
  sqlite3_finalize (s);
  pthread_mutex_unlock (&st->lock);
  return r;
}

static void
bind_time (sqlite3_stmt *s, int i, const struct timespec *ts, int present)
{
  bind_opt_int (s, i, present, (int64_t) ts->tv_sec);
  bind_opt_int (s, i + 1, present, (int64_t) ts->tv_nsec);
}

int
vs_store_add_file (struct vs_store *st, const struct vs_entry *e,
                   const struct vs_match_list *m)
{
  sqlite3_stmt *s;
  int64_t file_id;
  size_t i, j;
  int times;
  int r = -1;

  pthread_mutex_lock (&st->lock);
  if (begin (st) == -1)
    goto out;
  s = st->stmt[S_FILE];
  sqlite3_bind_int64 (s, 1, st->scan_id);
  sqlite3_bind_int64 (s, 2, e->fs_id);
  bind_text (s, 3, e->path, e->path_len);
  bind_str (s, 4, vs_ftype_name (e->type));
  sqlite3_bind_int64 (s, 5, (int64_t) e->size);
  sqlite3_bind_int64 (s, 6, e->mode);
  sqlite3_bind_int64 (s, 7, e->uid);
  sqlite3_bind_int64 (s, 8, e->gid);
  /* A deleted name alone says nothing of times, or of an inode it
   * names as 0. */
  times = !e->deleted || strcmp (e->deleted, "name") != 0;
  bind_time (s, 9, &e->atime, times);
  bind_time (s, 11, &e->mtime, times);
  bind_time (s, 13, &e->ctime, times);
  bind_time (s, 15, &e->btime, times && e->has_btime);
  bind_opt_int (s, 17, e->inode != 0 || !e->deleted, (int64_t) e->inode);
  sqlite3_bind_int64 (s, 18, (int64_t) e->nlink);
  bind_text (s, 19, e->link_target, e->link_len);
  bind_str (s, 20, e->has_hashes ? e->md5 : NULL);
  bind_str (s, 21, e->has_hashes ? e->sha1 : NULL);
  bind_str (s, 22, e->has_hashes ? e->sha256 : NULL);
  bind_str (s, 23, e->magic);
  bind_str (s, 24, e->mime);
  bind_opt_int (s, 25, e->yara_scanned >= 0, e->yara_scanned);
  bind_str (s, 26, e->capabilities);
  bind_str (s, 27, e->deleted);
  if (step_done (st, s, "insert file") == -1)
    goto out;
  file_id = sqlite3_last_insert_rowid (st->db);

  for (i = 0; m && i < m->n; i++) {
    const struct vs_rule_match *rm = &m->m[i];
    int64_t match_id;

    s = st->stmt[S_MATCH];
    sqlite3_bind_int64 (s, 1, st->scan_id);
    sqlite3_bind_int64 (s, 2, file_id);
    bind_str (s, 3, rm->rule);
    bind_str (s, 4, rm->ns);
    bind_str (s, 5, rm->tags);
    bind_str (s, 6, rm->meta_json);
    if (step_done (st, s, "insert match") == -1)
      goto out;
    match_id = sqlite3_last_insert_rowid (st->db);
    st->matches++;
    for (j = 0; j < rm->nstrings; j++) {
      const struct vs_string_match *sm = &rm->strings[j];

      s = st->stmt[S_STRING];
      sqlite3_bind_int64 (s, 1, match_id);
      bind_str (s, 2, sm->identifier);
      sqlite3_bind_int64 (s, 3, (int64_t) sm->offset);
      sqlite3_bind_int64 (s, 4, sm->length);
      bind_str (s, 5, sm->data_hex);
      if (step_done (st, s, "insert string match") == -1)
        goto out;
    }
  }
  if (m && m->n > 0)
    st->matched_files++;
  r = maybe_commit (st);
 out:
  pthread_mutex_unlock (&st->lock);
  return r;
}

int
vs_store_add_error (struct vs_store *st, const char *stage, int64_t fs_id,
                    const char *path, size_t path_len, const char *message)
{
  sqlite3_stmt *s;
  char now[32];
  int r = -1;

  vs_now_iso (now);
  pthread_mutex_lock (&st->lock);
  st->errors++;
  if (begin (st) == -1)
    goto out;
  s = st->stmt[S_ERROR];
  sqlite3_bind_int64 (s, 1, st->scan_id);
  bind_str (s, 2, stage);
  bind_opt_int (s, 3, fs_id > 0, fs_id);
  bind_text (s, 4, path, path_len);
  bind_str (s, 5, message);
  bind_str (s, 6, now);
  if (step_done (st, s, "insert error") == -1)
    goto out;
  r = maybe_commit (st);
 out:
  pthread_mutex_unlock (&st->lock);
  return r;
}

/* The count the query (one ? for fs_id) gives, or -1. */
static int64_t
count_fs (struct vs_store *st, const char *sql, int64_t fs_id)
{
  sqlite3_stmt *s = NULL;
  int64_t n = -1;

  if (sqlite3_prepare_v2 (st->db, sql, -1, &s, NULL) == SQLITE_OK) {
    sqlite3_bind_int64 (s, 1, fs_id);
    if (sqlite3_step (s) == SQLITE_ROW)
      n = sqlite3_column_int64 (s, 0);
  }
  sqlite3_finalize (s);
  return n;
}

#define FS_FILES "SELECT id FROM files WHERE fs_id = ?"

int
vs_store_forget_fs (struct vs_store *st, int64_t fs_id)
{
  static const char *const del[] = {
    "DELETE FROM yara_strings WHERE match_id IN (SELECT id FROM "
    "yara_matches WHERE file_id IN (" FS_FILES "))",
    "DELETE FROM yara_matches WHERE file_id IN (" FS_FILES ")",
    "DELETE FROM files WHERE fs_id = ?",
  };
  int64_t m, mf;
  size_t i;
  int r = -1;

  pthread_mutex_lock (&st->lock);
  if (begin (st) == -1)
    goto out;
  m = count_fs (st, "SELECT count(*) FROM yara_matches WHERE file_id IN ("
                FS_FILES ")", fs_id);
  mf = count_fs (st, "SELECT count(DISTINCT file_id) FROM yara_matches "
                 "WHERE file_id IN (" FS_FILES ")", fs_id);
  if (m < 0 || mf < 0) {
    fail (st, "count");
    goto out;
  }
  for (i = 0; i < VS_ARRAY_SIZE (del); i++) {
    sqlite3_stmt *s = NULL;
    int ok;

    ok = sqlite3_prepare_v2 (st->db, del[i], -1, &s, NULL) == SQLITE_OK;
    if (ok) {
      sqlite3_bind_int64 (s, 1, fs_id);
      ok = sqlite3_step (s) == SQLITE_DONE;
    }
    sqlite3_finalize (s);
    if (!ok) {
      fail (st, "delete");
      goto out;
    }
  }
  st->matches -= (uint64_t) m;
  st->matched_files -= (uint64_t) mf;
  r = commit (st);
 out:
  pthread_mutex_unlock (&st->lock);
  return r;
}

int
vs_store_flush (struct vs_store *st)
{
  int r;

  pthread_mutex_lock (&st->lock);
  r = st->broken ? -1 : commit (st);
  pthread_mutex_unlock (&st->lock);
  return r;
}

struct finish_args {
  int64_t scan_id;
  const char *status, *message, *now;
  const struct vs_scan_totals *t;
};

static void
bind_finish (sqlite3_stmt *s, const void *p)
{
  const struct finish_args *a = p;

  bind_str (s, 1, a->now);
  bind_str (s, 2, a->status);
  bind_str (s, 3, a->message);
  sqlite3_bind_int64 (s, 4, (int64_t) a->t->files);
  sqlite3_bind_int64 (s, 5, (int64_t) a->t->bytes);
  sqlite3_bind_int64 (s, 6, (int64_t) a->t->matches);
  sqlite3_bind_int64 (s, 7, (int64_t) a->t->errors);
  sqlite3_bind_int64 (s, 8, (int64_t) a->t->findings);
  bind_str (s, 9, a->t->fail_on);
  sqlite3_bind_int64 (s, 10, a->scan_id);
}

int
vs_store_finish_scan (struct vs_store *st, const char *status,
                      const char *message,
                      const struct vs_scan_totals *totals)
{
  char now[32];
  struct finish_args a = { st->scan_id, status, message, now, totals };

  vs_now_iso (now);
  return run_now (st, "UPDATE scans SET finished_at = ?, status = ?, "
                  "status_message = ?, files_total = ?, bytes_total = ?, "
                  "matches_total = ?, errors_total = ?, findings_total = ?, "
                  "fail_on = ? WHERE id = ?",
                  bind_finish, &a, NULL);
}

void
vs_store_counts (struct vs_store *st, struct vs_store_counts *out)
{
  pthread_mutex_lock (&st->lock);
  out->errors = st->errors;
  out->matches = st->matches;
  out->matched_files = st->matched_files;
  out->findings = st->findings;
  pthread_mutex_unlock (&st->lock);
}

int
vs_store_add_finding (struct vs_store *st, const struct vs_finding *f)
{
  sqlite3_stmt *s;
  char fp[65];
  int r = -1;

  pthread_mutex_lock (&st->lock);
  if (begin (st) == -1)
    goto out;
  s = st->stmt[S_FINDING];
  sqlite3_bind_int64 (s, 1, st->scan_id);
  bind_opt_int (s, 2, f->os_id > 0, f->os_id);
  bind_str (s, 3, f->check_id);
  bind_str (s, 4, vs_severity_name (f->severity));
  sqlite3_bind_int (s, 5, (int) f->severity);
  bind_str (s, 6, f->category);
  bind_str (s, 7, f->title);
  bind_text (s, 8, f->path, f->path && !f->path_len ? strlen (f->path)
             : f->path_len);
  bind_text (s, 9, f->account, f->account && !f->account_len
             ? strlen (f->account) : f->account_len);
  bind_text (s, 10, f->evidence, f->evidence && !f->evidence_len
             ? strlen (f->evidence) : f->evidence_len);
  bind_str (s, 11, f->mitre);
  bind_opt_int (s, 12, f->file_id > 0, f->file_id);
  bind_opt_int (s, 13, f->match_id > 0, f->match_id);
  vs_finding_fingerprint (f->check_id, f->check_id ? strlen (f->check_id)
                          : 0, f->path, f->path && !f->path_len
                          ? strlen (f->path) : f->path_len, f->account,
                          f->account && !f->account_len
                          ? strlen (f->account) : f->account_len,
                          f->evidence, f->evidence && !f->evidence_len
                          ? strlen (f->evidence) : f->evidence_len, fp);
  bind_str (s, 14, fp);
  if (step_done (st, s, "insert finding") == -1)
    goto out;
  st->findings++;
  r = maybe_commit (st);
 out:
  pthread_mutex_unlock (&st->lock);
  return r;
}

int
vs_store_add_check_run (struct vs_store *st, int64_t os_id,
                        const char *check_id, const char *status,
                        uint64_t items, const char *note)
{
  sqlite3_stmt *s;
  int r = -1;

  pthread_mutex_lock (&st->lock);
  if (begin (st) == -1)
    goto out;
  s = st->stmt[S_CHECK_RUN];
  sqlite3_bind_int64 (s, 1, st->scan_id);
  bind_opt_int (s, 2, os_id > 0, os_id);
  bind_str (s, 3, check_id);
  bind_str (s, 4, status);
  sqlite3_bind_int64 (s, 5, (int64_t) items);
  bind_str (s, 6, note);
  if (step_done (st, s, "insert check run") == -1)
    goto out;
  r = maybe_commit (st);
 out:
  pthread_mutex_unlock (&st->lock);
  return r;
}

int
vs_store_add_package (struct vs_store *st, int64_t os_id, const char *format,
                      const char *name, const char *version,
                      const char *arch, const char *status)
{
  sqlite3_stmt *s;
  int r = -1;

  pthread_mutex_lock (&st->lock);
  if (begin (st) == -1)
    goto out;
  s = st->stmt[S_PACKAGE];
  sqlite3_bind_int64 (s, 1, st->scan_id);
  bind_opt_int (s, 2, os_id > 0, os_id);
  bind_str (s, 3, format);
  bind_str (s, 4, name);
  bind_str (s, 5, version);
  bind_str (s, 6, arch);
  bind_str (s, 7, status);
  if (step_done (st, s, "insert package") == -1)
    goto out;
  r = maybe_commit (st);
 out:
  pthread_mutex_unlock (&st->lock);
  return r;
}

int
vs_store_add_account (struct vs_store *st, int64_t os_id,
                      const struct vs_store_account *a)
{
  sqlite3_stmt *s;
  int r = -1;

  pthread_mutex_lock (&st->lock);
  if (begin (st) == -1)
    goto out;
  s = st->stmt[S_ACCOUNT];
  sqlite3_bind_int64 (s, 1, st->scan_id);
  bind_opt_int (s, 2, os_id > 0, os_id);
  bind_str (s, 3, a->name);
  bind_opt_int (s, 4, a->uid_ok, a->uid);
  bind_opt_int (s, 5, a->gid_ok, a->gid);
  bind_str (s, 6, a->home);
  bind_str (s, 7, a->shell);
  sqlite3_bind_int64 (s, 8, a->line);
  if (step_done (st, s, "insert account") == -1)
    goto out;
  r = maybe_commit (st);
 out:
  pthread_mutex_unlock (&st->lock);
  return r;
}

struct ioc_args {
  int64_t scan_id;
  const char *path, *sha256;
  uint64_t entries;
};

static void
bind_ioc (sqlite3_stmt *s, const void *p)
{
  const struct ioc_args *a = p;

  sqlite3_bind_int64 (s, 1, a->scan_id);
  bind_str (s, 2, a->path);
  bind_str (s, 3, a->sha256);
  sqlite3_bind_int64 (s, 4, (int64_t) a->entries);
}

int
vs_store_add_ioc_file (struct vs_store *st, const char *path,
                       const char *sha256, uint64_t entries)
{
  struct ioc_args a = { st->scan_id, path, sha256, entries };

  return run_now (st, "INSERT INTO ioc_files (scan_id, path, sha256, "
                  "entries) VALUES (?,?,?,?)", bind_ioc, &a, NULL);
}

const char *
vs_store_schema_sql (void)
{
  return schema_sql;
}

sqlite3 *
vs_store_db (struct vs_store *st)
{
  return st->db;
}

int64_t
vs_store_scan_id (struct vs_store *st)
{
  return st->scan_id;
}
