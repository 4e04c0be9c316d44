/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: run the checks and record their findings (see checks.h). */
#include <config.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/common.h"
#include "checks/checks.h"
#include "core/guest.h"
#include "core/pkgdb.h"
#include "core/rules.h"
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
  if (ctx->skip && g.check_id) {
    int c = vs_check_find (g.check_id);

    if (c >= 0 && ctx->skip[c])
      return 0;
  }
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

  va_start (ap, title_fmt);
  title = vs_xvasprintf (title_fmt, ap);
  va_end (ap);
  g.title = title;
  return vs_check_add (ctx, &g);
}

int
vs_check_skipped (const struct vs_check_ctx *ctx, enum vs_check_name check)
{
  return ctx->skip && ctx->skip[check];
}

int
vs_check_ran (struct vs_check_ctx *ctx, enum vs_check_name check,
              const char *status, uint64_t items, const char *note)
{
  if (ctx->failed)
    return -1;
  if (vs_check_skipped (ctx, check)) {
    status = "skipped";
    items = 0;
    note = "--skip-check";
  }
  /* A check that ends because it was asked to stop did not run through. */
  if (strcmp (status, "ran") == 0 && vs_stopping ()) {
    status = "error";
    note = vs_stop_reason ();
  }
  if (vs_store_add_check_run (ctx->store, ctx->os ? ctx->os->id : 0,
                              vs_check_id (check), status, items, note)
      == -1) {
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

  if (ctx->failed)
    return -1;
  va_start (ap, fmt);
  msg = vs_xvasprintf (fmt, ap);
  va_end (ap);
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
                          "AND s.os_id IS ? AND f.deleted IS NULL "
                          "ORDER BY f.id LIMIT 1",
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

/* A severity from a meta value read through SQLite's json_extract: a
 * level name, or a whole number (also as a string: "70") on scale.
 * Returns 0 and writes *out, or -1 when the value says nothing. */
static int
meta_severity (sqlite3_stmt *s, int col, enum vs_rules_scale scale,
               int names, enum vs_severity *out)
{
  const char *t;
  char *end;
  long long n;

  switch (sqlite3_column_type (s, col)) {
  case SQLITE_INTEGER:
    *out = vs_rules_number_severity (scale, sqlite3_column_int64 (s, col));
    return 0;
  case SQLITE_TEXT:
    t = (const char *) sqlite3_column_text (s, col);
    if (names && vs_severity_parse (t, out) == 0)
      return 0;
    errno = 0;
    n = strtoll (t, &end, 10);
    if (end != t && *end == '\0' && errno == 0) {
      *out = vs_rules_number_severity (scale, n);
      return 0;
    }
    return -1;
  default:
    return -1;
  }
}

/* Each YARA match becomes a finding, with severity, technique and
 * description from the rule's meta.  The severity (vmscan(1), "SEVERITY
 * OF A YARA MATCH"): a "severity" that names a level, or is a number
 * (Elastic's 0 to 100); else a "score" (LOKI's and THOR's 0 to 100);
 * else high: a rule the user asked for matched.  A boolean is neither. */
int
vs_yara_matches (struct vs_check_ctx *ctx)
{
  sqlite3_stmt *s = NULL;
  uint64_t n = 0;
  int rc = SQLITE_DONE;

  if (sqlite3_prepare_v2 (ctx->db,
                          "SELECT m.id, m.file_id, f.path, m.rule, "
                          "m.namespace, "
                          "CASE json_type(m.meta, '$.severity') "
                          "WHEN 'integer' THEN json_extract(m.meta, '$.severity') "
                          "WHEN 'text' THEN json_extract(m.meta, '$.severity') END, "
                          "json_extract(m.meta, '$.mitre_attack'), "
                          "json_extract(m.meta, '$.description'), "
                          "json_extract(m.meta, '$.category'), f.sha256, "
                          "s.os_id, f.deleted, "
                          "CASE json_type(m.meta, '$.score') "
                          "WHEN 'integer' THEN json_extract(m.meta, '$.score') "
                          "WHEN 'text' THEN json_extract(m.meta, '$.score') END "
                          "FROM yara_matches m JOIN files f ON f.id = m.file_id "
                          "JOIN filesystems s ON s.id = f.fs_id "
                          "WHERE m.scan_id = ? ORDER BY m.id",
                          -1, &s, NULL) != SQLITE_OK)
    return vs_check_error (ctx, NULL, "yara findings: %s",
                           sqlite3_errmsg (ctx->db));
  sqlite3_bind_int64 (s, 1, ctx->scan_id);
  while (!vs_tick () && (rc = sqlite3_step (s)) == SQLITE_ROW) {
    struct vs_finding f;
    const char *desc = (const char *) sqlite3_column_text (s, 7);
    const char *sha = (const char *) sqlite3_column_text (s, 9);
    CLEANUP_FREE char *evidence = NULL;
    CLEANUP_FREE char *title = NULL;
    enum vs_severity level = VS_SEV_HIGH;

    if (meta_severity (s, 5, VS_RULES_SEVERITY_NUMBER, 1, &level) == -1
        && meta_severity (s, 12, VS_RULES_SCORE, 0, &level) == -1)
      level = VS_SEV_HIGH;
    memset (&f, 0, sizeof f);
    f.check_id = vs_check_id (VS_CK_YARA);
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
    title = vs_xasprintf ("YARA %s: %s%s",
                          (const char *) sqlite3_column_text (s, 3),
                          desc ? desc : "rule matched",
                          sqlite3_column_type (s, 11) != SQLITE_NULL
                          ? " (in a deleted file)" : "");
    f.title = title;
    if (vs_cc_add (ctx, &f) == -1)
      break;
    n++;
  }
  sqlite3_finalize (s);
  if (ctx->failed)
    return -1;
  return vs_check_ran (ctx, VS_CK_YARA, "ran", n, NULL);
}

static int
stopped (const struct vs_checks_config *cfg)
{
  return (cfg->stop && *cfg->stop) || vs_stopping ();
}

/* Runs a family's checks in the order of the list: each function once
 * for the checks that share it, unless the user skipped all of them
 * (then their rows say so); the capped findings' counts at the end. */
int
vs_check_family (struct vs_check_ctx *ctx, enum vs_check_family_name fam)
{
  const struct vs_check_family_def *fd = &vs_check_families[fam];
  size_t i, j, k;
  int rc = 0, wanted = 0, began = 0;

  for (i = 0; i < VS_CK_COUNT; i++)
    if (vs_check_defs[i].family == fam && vs_check_defs[i].run
        && !vs_check_skipped (ctx, i))
      wanted = 1;
  if (wanted && fd->begin) {
    rc = fd->begin (ctx);
    if (rc == 1)                /* nothing to examine */
      return 0;
    began = 1;                  /* end frees what begin made, if it failed */
  }
  for (i = 0; rc == 0 && i < VS_CK_COUNT; i = j) {
    vs_check_fn *run = vs_check_defs[i].run;

    for (j = i + 1; j < VS_CK_COUNT && run && vs_check_defs[j].run == run;
         j++)
      ;
    if (vs_check_defs[i].family != fam || !run)
      continue;
    for (k = i; k < j && vs_check_skipped (ctx, k); k++)
      ;
    if (k < j)
      rc = run (ctx);
    else
      for (k = i; k < j && rc == 0; k++)
        rc = vs_check_ran (ctx, k, "skipped", 0, NULL);
  }
  if (began && fd->end)
    fd->end (ctx);
  ctx->family = NULL;
  if (vs_cc_flush (ctx) == -1)
    rc = -1;
  return rc || ctx->failed ? -1 : 0;
}

int
vs_check_packages (struct vs_check_ctx *ctx)
{
  return vs_check_family (ctx, VS_FAM_PACKAGES);
}

int
vs_check_persistence (struct vs_check_ctx *ctx)
{
  return vs_check_family (ctx, VS_FAM_PERSISTENCE);
}

int
vs_check_firstboot (struct vs_check_ctx *ctx)
{
  return vs_check_family (ctx, VS_FAM_FIRSTBOOT);
}

int
vs_check_access (struct vs_check_ctx *ctx)
{
  return vs_check_family (ctx, VS_FAM_ACCESS);
}

int
vs_check_files (struct vs_check_ctx *ctx)
{
  return vs_check_family (ctx, VS_FAM_FILES);
}

int
vs_check_secrets (struct vs_check_ctx *ctx)
{
  return vs_check_family (ctx, VS_FAM_SECRETS);
}

int
vs_check_ioc (struct vs_check_ctx *ctx)
{
  return vs_check_family (ctx, VS_FAM_IOC);
}

int
vs_check_yara (struct vs_check_ctx *ctx)
{
  return vs_check_family (ctx, VS_FAM_YARA);
}

/* Where the checks of a family run: the scope of its first check, or -1
 * for a family with no check of its own. */
static int
family_scope (enum vs_check_family_name fam)
{
  size_t i;

  for (i = 0; i < VS_CK_COUNT; i++)
    if (vs_check_defs[i].family == fam && vs_check_defs[i].run)
      return (int) vs_check_defs[i].scope;
  return -1;
}

/* Runs one family in its own stage.  A family the watchdog stopped
 * (it made no progress) is recorded as an error and the others go on;
 * a signal stops them all.  Returns -1 if the store failed or the
 * checks are to stop. */
static int
run_family (const struct vs_checks_config *cfg, struct vs_check_ctx *ctx,
            enum vs_check_family_name fam)
{
  const char *stage = vs_check_families[fam].stage;
  const char *why;
  int rc;

  vs_stage_set (stage);
  rc = vs_check_family (ctx, fam);
  if (ctx->failed)
    return -1;
  why = vs_stop_reason ();
  if (why && !(cfg->stop && *cfg->stop) && !vs_stop_signalled ()) {
    if (vs_check_error (ctx, NULL, "%s: %s; stopped, its findings are "
                        "incomplete", stage, why) == -1)
      return -1;
    vs_stop_reset ();
    return 0;
  }
  return rc == -1 || stopped (cfg) ? -1 : 0;
}

/* The installed packages into the packages table, for vmscan diff and
 * the fleet queries. */
static int
record_packages (struct vs_check_ctx *ctx)
{
  const char *format;
  size_t i, n = vs_pkgdb_packages (ctx->pkgdb);

  if (n == 0)
    return 0;
  format = strcmp (vs_pkgdb_kind (ctx->pkgdb), "dpkg") == 0 ? "deb" : "rpm";
  for (i = 0; i < n; i++) {
    const struct vs_pkg *p = vs_pkgdb_package (ctx->pkgdb, i);

    if (!p->name)
      continue;
    if (vs_store_add_package (ctx->store, ctx->os->id, format, p->name,
                              p->version, p->arch, p->status) == -1) {
      ctx->failed = 1;
      return -1;
    }
  }
  return 0;
}

/* The accounts of /etc/passwd into the accounts table, every line. */
static int
record_accounts (struct vs_check_ctx *ctx)
{
  struct vs_cc_users u;
  size_t i;
  int r = 0;

  if (vs_cc_users_load (ctx, &u) == -1) {
    ctx->failed = 1;
    return -1;
  }
  for (i = 0; i < u.n && r == 0; i++) {
    const struct vs_cc_user *e = &u.v[i];
    struct vs_store_account a = {
      .name = e->name, .home = e->home, .shell = e->shell,
      .uid_ok = e->uid_ok, .uid = e->uid,
      .gid_ok = e->gid != UINT32_MAX, .gid = e->gid, .line = e->line,
    };

    r = vs_store_add_account (ctx->store, ctx->os->id, &a);
  }
  vs_cc_users_free (&u);
  if (r == -1)
    ctx->failed = 1;
  return r;
}

int
vs_pkgdb_read (struct vs_check_ctx *ctx)
{
  CLEANUP_FREE char *note = NULL;

  if (vs_pkgdb_load (ctx->guest, ctx->os, vs_check_pkgdb_error, ctx,
                     &ctx->pkgdb, &note) == -1)
    return -1;
  if (!ctx->pkgdb && vs_check_ran (ctx, VS_CK_PACKAGE, "skipped", 0,
                                   note ? note : "no package database")
      == -1)
    return -1;
  return record_packages (ctx);
}

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

    if (!vs_fs_readable (fs) || fs->os_index != (int) k
        || !fs->os_mountpoint)
      continue;
    if (vs_guest_add_fs (ctx->guest, fs->os_mountpoint, cfg->host_root,
                         fs) == -1)
      vs_check_error (ctx, fs->os_mountpoint, "%s: cannot open its mount: %s",
                      fs->device, strerror (errno));
  }
  if (os->type && strcmp (os->type, "linux") != 0) {
    vs_check_ran (ctx, VS_CK_OS, "skipped", 0,
                  "the checks are for Linux; this OS is not");
    return ctx->failed ? -1 : 0;
  }
  if (record_accounts (ctx) == -1)
    return -1;
  for (i = 0; i < VS_FAM_COUNT; i++) {
    int scope = family_scope (i);

    if ((scope == VS_SCOPE_OS || scope == VS_SCOPE_OS_FS)
        && run_family (cfg, ctx, i) == -1)
      return -1;
  }
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
  unsigned char skip[VS_CK_COUNT];
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
  memset (skip, 0, sizeof skip);
  for (k = 0; k < cfg->nskip_checks; k++) {
    int c = vs_check_find (cfg->skip_checks[k]);

    if (c >= 0) {
      skip[c] = 1;
      ctx.skip = skip;
    }
  }
  for (k = 0; cfg->checks && k < cfg->nos && rc == 0; k++) {
    vs_debug ("checks: %s", cfg->oses[k].root);
    rc = run_os (cfg, k, &ctx);
    reset (&ctx);
    if (stopped (cfg))
      rc = -1;
  }
  /* Filesystems that no OS mounts, then the YARA matches of all. */
  for (k = 0; rc == 0 && k < VS_FAM_COUNT; k++) {
    int scope = family_scope (k);

    if ((scope == VS_SCOPE_OS_FS && cfg->checks) || scope == VS_SCOPE_IMAGE)
      rc = run_family (cfg, &ctx, k);
  }
  add_counts (counts, &ctx);
  if (rc == 0 && vs_store_flush (cfg->store) == -1)
    rc = -1;
  return rc || ctx.failed ? -1 : 0;
}
