/* vmscan: run the checks and record their findings (see checks.h). */
#include <config.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "checks/common.h"
#include "checks/checks.h"
#include "core/guest.h"
#include "core/pkgdb.h"
#include "core/store.h"
#include "base/util.h"

int
vs_check_add (struct vs_check_ctx *ctx, const struct vs_finding *f)
{
  struct vs_finding g = *f;

  if (ctx->failed)
    return -1;
  if (!g.os_id && ctx->os)
    g.os_id = ctx->os->id;
  if ((unsigned) g.severity >= VS_SEV_COUNT)
    g.severity = VS_SEV_INFO;
  if (!g.title)
    g.title = g.check_id;
  if (vs_store_add_finding (ctx->store, &g) == -1) {
    ctx->failed = 1;
    return -1;
  }
  ctx->counts[g.severity]++;
  return 0;
}

int
vs_check_addf (struct vs_check_ctx *ctx, const struct vs_finding *f,
               const char *title_fmt, ...)
{
  struct vs_finding g = *f;
  CLEANUP_FREE char *title = NULL;
  va_list ap;
  int r;

  va_start (ap, title_fmt);
  r = vasprintf (&title, title_fmt, ap);
  va_end (ap);
  if (r < 0)
    abort ();
  g.title = title;
  return vs_check_add (ctx, &g);
}

int
vs_check_ran (struct vs_check_ctx *ctx, const char *check_id,
              const char *status, uint64_t items, const char *note)
{
  if (ctx->failed)
    return -1;
  /* A check that ends because it was asked to stop did not run through. */
  if (strcmp (status, "ran") == 0 && vs_stopping ()) {
    status = "error";
    note = vs_stop_reason ();
  }
  if (vs_store_add_check_run (ctx->store, ctx->os ? ctx->os->id : 0,
                              check_id, status, items, note) == -1) {
    ctx->failed = 1;
    return -1;
  }
  return 0;
}

int
vs_check_error (struct vs_check_ctx *ctx, const char *path,
                const char *fmt, ...)
{
  CLEANUP_FREE char *msg = NULL;
  va_list ap;
  int r;

  if (ctx->failed)
    return -1;
  va_start (ap, fmt);
  r = vasprintf (&msg, fmt, ap);
  va_end (ap);
  if (r < 0)
    abort ();
  vs_debug ("check: %s", msg);
  if (vs_store_add_error (ctx->store, "check", 0, path,
                          path ? strlen (path) : 0, msg) == -1) {
    ctx->failed = 1;
    return -1;
  }
  return 0;
}

int
vs_check_pkgdb_error (void *opaque, const char *path, const char *msg)
{
  return vs_check_error (opaque, path, "%s", msg);
}

int64_t
vs_check_file_id (struct vs_check_ctx *ctx, const char *path, size_t len)
{
  sqlite3_stmt *s = NULL;
  int64_t id = 0;

  if (sqlite3_prepare_v2 (ctx->db, "SELECT f.id FROM files f "
                          "JOIN filesystems s ON s.id = f.fs_id "
                          "WHERE f.scan_id = ? AND f.path = ? "
                          "AND s.os_id IS ? ORDER BY f.id LIMIT 1",
                          -1, &s, NULL) != SQLITE_OK)
    return 0;
  sqlite3_bind_int64 (s, 1, ctx->scan_id);
  sqlite3_bind_text (s, 2, path, (int) len, SQLITE_TRANSIENT);
  if (ctx->os)
    sqlite3_bind_int64 (s, 3, ctx->os->id);
  else
    sqlite3_bind_null (s, 3);
  if (sqlite3_step (s) == SQLITE_ROW)
    id = sqlite3_column_int64 (s, 0);
  sqlite3_finalize (s);
  return id;
}

/* The category of a finding made from a rule's "category" meta. */
static const char *
yara_category (const char *meta)
{
  if (!meta)
    return "malware";
  if (strcmp (meta, "cryptominer") == 0)
    return "cryptominer";
  if (strcmp (meta, "persistence") == 0)
    return "persistence";
  return "malware";
}

/* Each YARA match becomes a finding, with severity, technique and
 * description from the rule's meta (severity "high" when a rule does not
 * say: a rule the user asked for matched). */
int
vs_check_yara (struct vs_check_ctx *ctx)
{
  sqlite3_stmt *s = NULL;
  uint64_t n = 0;
  int rc = SQLITE_DONE;

  if (sqlite3_prepare_v2 (ctx->db,
                          "SELECT m.id, m.file_id, f.path, m.rule, "
                          "m.namespace, json_extract(m.meta, '$.severity'), "
                          "json_extract(m.meta, '$.mitre_attack'), "
                          "json_extract(m.meta, '$.description'), "
                          "json_extract(m.meta, '$.category'), f.sha256, "
                          "s.os_id "
                          "FROM yara_matches m JOIN files f ON f.id = m.file_id "
                          "JOIN filesystems s ON s.id = f.fs_id "
                          "WHERE m.scan_id = ? ORDER BY m.id",
                          -1, &s, NULL) != SQLITE_OK)
    return vs_check_error (ctx, NULL, "yara findings: %s",
                           sqlite3_errmsg (ctx->db));
  sqlite3_bind_int64 (s, 1, ctx->scan_id);
  while (!vs_tick () && (rc = sqlite3_step (s)) == SQLITE_ROW) {
    struct vs_finding f;
    const char *sev = (const char *) sqlite3_column_text (s, 5);
    const char *desc = (const char *) sqlite3_column_text (s, 7);
    const char *sha = (const char *) sqlite3_column_text (s, 9);
    CLEANUP_FREE char *evidence = NULL;
    CLEANUP_FREE char *title = NULL;
    enum vs_severity level = VS_SEV_HIGH;

    if (sev && vs_severity_parse (sev, &level) == -1)
      level = VS_SEV_HIGH;
    memset (&f, 0, sizeof f);
    f.check_id = "yara";
    f.severity = level;
    f.category = yara_category ((const char *) sqlite3_column_text (s, 8));
    f.path = (const char *) sqlite3_column_blob (s, 2);
    f.path_len = (size_t) sqlite3_column_bytes (s, 2);
    evidence = vs_xasprintf ("rule %s:%s, sha256 %s",
                             (const char *) sqlite3_column_text (s, 4),
                             (const char *) sqlite3_column_text (s, 3),
                             sha ? sha : "-");
    f.evidence = evidence;
    f.mitre = (const char *) sqlite3_column_text (s, 6);
    f.os_id = sqlite3_column_int64 (s, 10);
    f.file_id = sqlite3_column_int64 (s, 1);
    f.match_id = sqlite3_column_int64 (s, 0);
    title = vs_xasprintf ("YARA %s: %s",
                          (const char *) sqlite3_column_text (s, 3),
                          desc ? desc : "rule matched");
    f.title = title;
    if (vs_cc_add (ctx, &f) == -1)
      break;
    n++;
  }
  sqlite3_finalize (s);
  if (ctx->failed)
    return -1;
  return vs_check_ran (ctx, "yara", "ran", n, NULL);
}

static int
stopped (const struct vs_checks_config *cfg)
{
  return (cfg->stop && *cfg->stop) || vs_stopping ();
}

/* A check family and the stage name the watchdog reports for it. */
struct family {
  const char *stage;
  int (*run) (struct vs_check_ctx *ctx);
};

/* Runs one family in its own stage.  A family the watchdog stopped
 * (it made no progress) is recorded as an error and the others go on;
 * a signal stops them all.  Returns -1 if the store failed or the
 * checks are to stop. */
static int
run_family (const struct vs_checks_config *cfg, struct vs_check_ctx *ctx,
            const struct family *f)
{
  const char *why;
  int rc;

  vs_stage_set (f->stage);
  rc = f->run (ctx);
  /* The count of the findings over the cap, whatever path the family
   * ended on. */
  if (vs_cc_flush (ctx) == -1 || ctx->failed)
    return -1;
  why = vs_stop_reason ();
  if (why && !(cfg->stop && *cfg->stop) && !vs_stop_signalled ()) {
    if (vs_check_error (ctx, NULL, "%s: %s; stopped, its findings are "
                        "incomplete", f->stage, why) == -1)
      return -1;
    vs_stop_reset ();
    return 0;
  }
  return rc == -1 || stopped (cfg) ? -1 : 0;
}

static int
read_pkgdb (struct vs_check_ctx *ctx)
{
  CLEANUP_FREE char *note = NULL;

  if (vs_pkgdb_load (ctx->guest, ctx->os, vs_check_pkgdb_error, ctx,
                     &ctx->pkgdb, &note) == -1)
    return -1;
  if (!ctx->pkgdb && vs_check_ran (ctx, "package", "skipped", 0,
                                   note ? note : "no package database")
      == -1)
    return -1;
  return 0;
}

/* The families run for each OS, in order. */
static const struct family os_families[] = {
  { "read the package database", read_pkgdb },
  { "check packages", vs_check_packages },
  { "check persistence", vs_check_persistence },
  { "check access", vs_check_access },
  { "check files", vs_check_files },
  { "check secrets", vs_check_secrets },
  { "check iocs", vs_check_ioc },
};

/* The families run once more for the filesystems no OS mounts. */
static const struct family image_families[] = {
  { "check files", vs_check_files },
  { "check secrets", vs_check_secrets },
  { "check iocs", vs_check_ioc },
};

static const struct family yara_family = { "check yara", vs_check_yara };

static void
add_counts (uint64_t counts[VS_SEV_COUNT], const struct vs_check_ctx *ctx)
{
  unsigned i;

  for (i = 0; i < VS_SEV_COUNT; i++)
    counts[i] += ctx->counts[i];
}

/* The checks of one OS. */
static int
run_os (const struct vs_checks_config *cfg, size_t k, struct vs_check_ctx *ctx)
{
  const struct vs_os *os = &cfg->oses[k];
  size_t i;

  ctx->os = os;
  ctx->accounts = cfg->accounts ? cfg->accounts[k] : NULL;
  ctx->guest = vs_guest_new ();
  for (i = 0; i < cfg->nfs; i++) {
    const struct vs_fs *fs = &cfg->fss[i];
    CLEANUP_FREE char *dir = NULL;

    if (!fs->mounted || fs->os_index != (int) k || !fs->os_mountpoint)
      continue;
    dir = vs_xasprintf ("%s%s", cfg->host_root, fs->walk_root);
    if (vs_guest_add_mount (ctx->guest, fs->os_mountpoint, dir) == -1)
      vs_check_error (ctx, fs->os_mountpoint, "%s: cannot open its mount: %s",
                      fs->device, strerror (errno));
  }
  if (os->type && strcmp (os->type, "linux") != 0) {
    vs_check_ran (ctx, "os", "skipped", 0,
                  "the checks are for Linux; this OS is not");
    return ctx->failed ? -1 : 0;
  }
  for (i = 0; i < VS_ARRAY_SIZE (os_families); i++)
    if (run_family (cfg, ctx, &os_families[i]) == -1)
      return -1;
  return 0;
}

static void
reset (struct vs_check_ctx *ctx)
{
  vs_pkgdb_free (ctx->pkgdb);
  ctx->pkgdb = NULL;
  vs_guest_free (ctx->guest);
  ctx->guest = NULL;
  ctx->os = NULL;
  ctx->accounts = NULL;
}

int
vs_checks_run (const struct vs_checks_config *cfg,
               uint64_t counts[VS_SEV_COUNT])
{
  struct vs_check_ctx ctx;
  size_t k;
  int rc = 0;

  memset (counts, 0, VS_SEV_COUNT * sizeof *counts);
  if (vs_store_flush (cfg->store) == -1)
    return -1;
  memset (&ctx, 0, sizeof ctx);
  ctx.store = cfg->store;
  ctx.db = vs_store_db (cfg->store);
  ctx.scan_id = vs_store_scan_id (cfg->store);
  ctx.ioc = cfg->ioc;
  for (k = 0; cfg->checks && k < cfg->nos && rc == 0; k++) {
    vs_debug ("checks: %s", cfg->oses[k].root);
    rc = run_os (cfg, k, &ctx);
    reset (&ctx);
    if (stopped (cfg))
      rc = -1;
  }
  /* Filesystems that no OS mounts, then the YARA matches of all. */
  for (k = 0; rc == 0 && cfg->checks && k < VS_ARRAY_SIZE (image_families);
       k++)
    rc = run_family (cfg, &ctx, &image_families[k]);
  if (rc == 0)
    rc = run_family (cfg, &ctx, &yara_family);
  add_counts (counts, &ctx);
  if (rc == 0 && vs_store_flush (cfg->store) == -1)
    rc = -1;
  return rc || ctx.failed ? -1 : 0;
}
