/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: "vmscan diff OLD.db NEW.db": what changed between two scans.
 *
 * Both databases are checked as a report checks one (vs_rep_open), then
 * NEW is the main database of a read-only connection and OLD is
 * attached to it, read-only too (an attached database takes the flags
 * of the connection).  Each side's inventory is copied into TEMP tables
 * keyed as the comparison needs, and every section is a query over
 * them, so the comparison is SQL's and no guest string is ever part of
 * a statement:
 *
 *   files     live entries (files.deleted NULL), keyed by the filesystem
 *             (where its OS mounts it, else its device) and the path;
 *             added, removed, changed in type, mode, owner, size, sha256,
 *             link target or capabilities (times and inodes are not
 *             compared: every build changes them)
 *   packages  (OS, format, name, architecture, version, status) rows of
 *             each side that the other lacks; a name and architecture
 *             with one such row on each side is upgraded, downgraded (in
 *             dpkg's or rpm's order, parse/pkgver.h) or changed (status)
 *   accounts  the same over (OS, name, uid, gid, home, shell): one row
 *             each side under one name is changed
 *   ssh keys  access.authorized-keys findings, keyed by account, file and
 *             key type and fingerprint (the evidence's first two words)
 *   findings  keyed by a fingerprint, the SHA-256 of the check id, path,
 *             account and evidence (each length-prefixed): new, gone and
 *             unchanged, never matched by row ids
 *
 * A row of a section is a statement's row: column 0 the change, column
 * 1 what changed (named for the section: path, package, ...), then
 * attributes; columns named old_X and new_X are the two sides of a
 * changed attribute X (shown when either is not NULL), other NULL
 * columns are left out.  Every writer streams the rows; nothing is
 * gathered.
 */
#include <config.h>

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/int.h"
#include "report/report.h"
#include "core/store.h"
#include "parse/pkgver.h"
#include "base/hash.h"

enum dformat { D_TEXT, D_JSON, D_MD, D_HTML, D_SARIF };

static const char *const dformat_names[] = {
  "text", "json", "md", "html", "sarif",
};

struct section {
  const char *name;             /* "files" */
  const char *title;            /* "Files" */
  const char *what;             /* the name of column 1 */
  const char *const *queries;   /* NULL-terminated */
};

/* The first schema with the packages and accounts tables. */
#define DIFF_SCHEMA_OLDEST 6

/* ---- SQL functions ----------------------------------------------------- */

static const unsigned char *
arg_text (sqlite3_value *v, size_t *len)
{
  const unsigned char *s = sqlite3_value_text (v);

  *len = s ? (size_t) sqlite3_value_bytes (v) : 0;
  return s;
}

/* vs_keyid(evidence): its first two space-separated words (an SSH key's
 * type and fingerprint). */
static void
fn_keyid (sqlite3_context *c, int argc, sqlite3_value **argv)
{
  size_t len, i, words = 0;
  const unsigned char *s = arg_text (argv[0], &len);

  (void) argc;
  if (!s) {
    sqlite3_result_null (c);
    return;
  }
  for (i = 0; i < len; i++)
    if (s[i] == ' ' && ++words == 2)
      break;
  sqlite3_result_text (c, (const char *) s, (int) i, SQLITE_TRANSIENT);
}

/* vs_gpath(root, path): the path as the guest sees it, root being where
 * its OS mounts the filesystem ("/", "/boot") or, when none does, its
 * device ("/dev/sdb1:/x"). */
static void
fn_gpath (sqlite3_context *c, int argc, sqlite3_value **argv)
{
  size_t rl, pl;
  const unsigned char *root = arg_text (argv[0], &rl);
  const unsigned char *path = arg_text (argv[1], &pl);
  struct vs_buf b = VS_BUF_INIT;

  (void) argc;
  if (!root || !path) {
    sqlite3_result_null (c);
    return;
  }
  if (rl == 1 && root[0] == '/')
    vs_buf_add (&b, path, pl);
  else if (rl > 0 && root[0] == '/') {
    vs_buf_add (&b, root, rl);
    if (!(pl == 1 && path[0] == '/'))
      vs_buf_add (&b, path, pl);
  }
  else {
    vs_buf_add (&b, root, rl);
    vs_buf_addc (&b, ':');
    vs_buf_add (&b, path, pl);
  }
  if (b.len > INT_MAX)
    sqlite3_result_error_toobig (c);
  else
    sqlite3_result_text (c, b.data ? b.data : "", (int) b.len,
                         SQLITE_TRANSIENT);
  vs_buf_release (&b);
}

/* vs_pkgchange(format, old_version, new_version): upgraded, downgraded
 * or changed (same version: the status changed). */
static void
fn_pkgchange (sqlite3_context *c, int argc, sqlite3_value **argv)
{
  size_t fl, ol, nl;
  const unsigned char *f = arg_text (argv[0], &fl);
  const unsigned char *o = arg_text (argv[1], &ol);
  const unsigned char *n = arg_text (argv[2], &nl);
  int cmp;

  (void) argc;
  if (!f || !o || !n) {
    sqlite3_result_text (c, "changed", -1, SQLITE_STATIC);
    return;
  }
  if (fl == 3 && memcmp (f, "rpm", 3) == 0)
    cmp = vs_pkgver_cmp_rpm ((const char *) o, ol, (const char *) n, nl);
  else
    cmp = vs_pkgver_cmp_deb ((const char *) o, ol, (const char *) n, nl);
  sqlite3_result_text (c, cmp < 0 ? "upgraded" : cmp > 0 ? "downgraded"
                       : "changed", -1, SQLITE_STATIC);
}

/* ---- the comparison ---------------------------------------------------- */

#define FILE_COLS \
  "root TEXT NOT NULL, path TEXT NOT NULL, type TEXT, mode INTEGER, " \
  "uid INTEGER, gid INTEGER, size INTEGER, sha256 TEXT, link_target TEXT, " \
  "capabilities TEXT, PRIMARY KEY (root, path)"
#define FILE_ROWS(db) \
  "SELECT coalesce (s.os_mountpoint, s.device), f.path, f.type, f.mode, " \
  "f.uid, f.gid, f.size, f.sha256, f.link_target, f.capabilities " \
  "FROM " db ".files f JOIN " db ".filesystems s ON s.id = f.fs_id " \
  "WHERE f.deleted IS NULL ORDER BY f.id"
#define PKG_ROWS(db) \
  "SELECT coalesce (o.root_device, ''), p.format, p.name, " \
  "coalesce (p.arch, ''), coalesce (p.version, ''), " \
  "coalesce (p.status, '') FROM " db ".packages p " \
  "LEFT JOIN " db ".operating_systems o ON o.id = p.os_id"
#define ACCOUNT_ROWS(db) \
  "SELECT coalesce (o.root_device, ''), a.name, a.uid, a.gid, a.home, " \
  "a.shell FROM " db ".accounts a " \
  "LEFT JOIN " db ".operating_systems o ON o.id = a.os_id"
#define KEY_ROWS(db) \
  "SELECT DISTINCT coalesce (o.root_device, ''), coalesce (f.account, ''), " \
  "coalesce (f.path, ''), vs_keyid (f.evidence) FROM " db ".findings f " \
  "LEFT JOIN " db ".operating_systems o ON o.id = f.os_id " \
  "WHERE f.check_id = 'access.authorized-keys'"
#define FINDING_ROWS(db) \
  "SELECT vs_fp (check_id, path, account, evidence), severity_rank, " \
  "severity, check_id, path, account, title FROM " db ".findings " \
  "ORDER BY severity_rank DESC, id"

static const char setup_sql[] =
  "CREATE TEMP TABLE f_new (" FILE_COLS ") WITHOUT ROWID;"
  "CREATE TEMP TABLE f_old (" FILE_COLS ") WITHOUT ROWID;"
  "INSERT OR IGNORE INTO f_new " FILE_ROWS ("main") ";"
  "INSERT OR IGNORE INTO f_old " FILE_ROWS ("old") ";"
  "CREATE TEMP TABLE p_new (os, format, name, arch, version, status);"
  "CREATE TEMP TABLE p_old (os, format, name, arch, version, status);"
  "INSERT INTO p_new " PKG_ROWS ("main") ";"
  "INSERT INTO p_old " PKG_ROWS ("old") ";"
  "CREATE TEMP TABLE pa AS SELECT * FROM p_new EXCEPT SELECT * FROM p_old;"
  "CREATE TEMP TABLE pr AS SELECT * FROM p_old EXCEPT SELECT * FROM p_new;"
  "CREATE TEMP TABLE pp AS"
  " SELECT os, format, name, arch FROM pa GROUP BY 1, 2, 3, 4"
  " HAVING count (*) = 1"
  " INTERSECT"
  " SELECT os, format, name, arch FROM pr GROUP BY 1, 2, 3, 4"
  " HAVING count (*) = 1;"
  "CREATE TEMP TABLE a_new (os, name, uid, gid, home, shell);"
  "CREATE TEMP TABLE a_old (os, name, uid, gid, home, shell);"
  "INSERT INTO a_new " ACCOUNT_ROWS ("main") ";"
  "INSERT INTO a_old " ACCOUNT_ROWS ("old") ";"
  "CREATE TEMP TABLE aa AS SELECT * FROM a_new EXCEPT SELECT * FROM a_old;"
  "CREATE TEMP TABLE ar AS SELECT * FROM a_old EXCEPT SELECT * FROM a_new;"
  "CREATE TEMP TABLE ap AS"
  " SELECT os, name FROM aa GROUP BY 1, 2 HAVING count (*) = 1"
  " INTERSECT"
  " SELECT os, name FROM ar GROUP BY 1, 2 HAVING count (*) = 1;"
  "CREATE TEMP TABLE k_new (os, account, path, key);"
  "CREATE TEMP TABLE k_old (os, account, path, key);"
  "INSERT INTO k_new " KEY_ROWS ("main") ";"
  "INSERT INTO k_old " KEY_ROWS ("old") ";"
  "CREATE TEMP TABLE fp_new (fp TEXT PRIMARY KEY, rank INTEGER, severity TEXT,"
  " check_id TEXT, path TEXT, account TEXT, title TEXT) WITHOUT ROWID;"
  "CREATE TEMP TABLE fp_old (fp TEXT PRIMARY KEY, rank INTEGER, severity TEXT,"
  " check_id TEXT, path TEXT, account TEXT, title TEXT) WITHOUT ROWID;"
  "INSERT OR IGNORE INTO fp_new " FINDING_ROWS ("main") ";"
  "INSERT OR IGNORE INTO fp_old " FINDING_ROWS ("old") ";"
  "CREATE INDEX temp.pa_key ON pa (os, format, name, arch);"
  "CREATE INDEX temp.pr_key ON pr (os, format, name, arch);"
  "CREATE INDEX temp.aa_key ON aa (os, name);"
  "CREATE INDEX temp.ar_key ON ar (os, name);";

#define CHANGED(x) \
  "CASE WHEN n." x " IS NOT o." x " THEN o." x " END AS old_" x ", " \
  "CASE WHEN n." x " IS NOT o." x " THEN n." x " END AS new_" x
#define FILE_ATTRS(t) \
  t ".type AS type, printf ('%o', " t ".mode) AS mode, " t ".uid AS uid, " \
  t ".gid AS gid, " t ".size AS size, " t ".sha256 AS sha256, " \
  t ".link_target AS link_target, " t ".capabilities AS capabilities"

static const char *const file_queries[] = {
  "SELECT 'added' AS change, vs_gpath (n.root, n.path) AS path, "
  FILE_ATTRS ("n") " FROM f_new n WHERE NOT EXISTS (SELECT 1 FROM f_old o "
  "WHERE o.root = n.root AND o.path = n.path) ORDER BY n.root, n.path",
  "SELECT 'removed' AS change, vs_gpath (o.root, o.path) AS path, "
  FILE_ATTRS ("o") " FROM f_old o WHERE NOT EXISTS (SELECT 1 FROM f_new n "
  "WHERE n.root = o.root AND n.path = o.path) ORDER BY o.root, o.path",
  "SELECT 'changed' AS change, vs_gpath (n.root, n.path) AS path, "
  CHANGED ("type") ", "
  "CASE WHEN n.mode IS NOT o.mode THEN printf ('%o', o.mode) END AS old_mode, "
  "CASE WHEN n.mode IS NOT o.mode THEN printf ('%o', n.mode) END AS new_mode, "
  CHANGED ("uid") ", " CHANGED ("gid") ", " CHANGED ("size") ", "
  CHANGED ("sha256") ", " CHANGED ("link_target") ", "
  CHANGED ("capabilities")
  " FROM f_new n JOIN f_old o ON o.root = n.root AND o.path = n.path "
  "WHERE n.type IS NOT o.type OR n.mode IS NOT o.mode OR n.uid IS NOT o.uid "
  "OR n.gid IS NOT o.gid OR n.size IS NOT o.size OR n.sha256 IS NOT o.sha256 "
  "OR n.link_target IS NOT o.link_target "
  "OR n.capabilities IS NOT o.capabilities ORDER BY n.root, n.path",
  NULL,
};

#define PKG_WHAT(t) \
  "CASE WHEN " t ".arch = '' THEN " t ".name ELSE " t ".name || ':' || " \
  t ".arch END AS package"
static const char *const package_queries[] = {
  "SELECT vs_pkgchange (n.format, o.version, n.version) AS change, "
  PKG_WHAT ("n") ", n.format AS format, nullif (n.os, '') AS os, "
  CHANGED ("version") ", " CHANGED ("status")
  " FROM pa n JOIN pr o USING (os, format, name, arch) "
  "JOIN pp USING (os, format, name, arch) ORDER BY n.name, n.arch, n.os",
  "SELECT 'added' AS change, " PKG_WHAT ("n") ", n.format AS format, "
  "nullif (n.os, '') AS os, n.version AS version, n.status AS status "
  "FROM pa n WHERE NOT EXISTS (SELECT 1 FROM pp WHERE pp.os = n.os AND "
  "pp.format = n.format AND pp.name = n.name AND pp.arch = n.arch) "
  "ORDER BY n.name, n.arch, n.version",
  "SELECT 'removed' AS change, " PKG_WHAT ("o") ", o.format AS format, "
  "nullif (o.os, '') AS os, o.version AS version, o.status AS status "
  "FROM pr o WHERE NOT EXISTS (SELECT 1 FROM pp WHERE pp.os = o.os AND "
  "pp.format = o.format AND pp.name = o.name AND pp.arch = o.arch) "
  "ORDER BY o.name, o.arch, o.version",
  NULL,
};

static const char *const account_queries[] = {
  "SELECT 'changed' AS change, n.name AS account, nullif (n.os, '') AS os, "
  CHANGED ("uid") ", " CHANGED ("gid") ", " CHANGED ("home") ", "
  CHANGED ("shell")
  " FROM aa n JOIN ar o USING (os, name) JOIN ap USING (os, name) "
  "ORDER BY n.name, n.os",
  "SELECT 'added' AS change, n.name AS account, nullif (n.os, '') AS os, "
  "n.uid AS uid, n.gid AS gid, n.home AS home, n.shell AS shell FROM aa n "
  "WHERE NOT EXISTS (SELECT 1 FROM ap WHERE ap.os = n.os "
  "AND ap.name = n.name) ORDER BY n.name, n.uid",
  "SELECT 'removed' AS change, o.name AS account, nullif (o.os, '') AS os, "
  "o.uid AS uid, o.gid AS gid, o.home AS home, o.shell AS shell FROM ar o "
  "WHERE NOT EXISTS (SELECT 1 FROM ap WHERE ap.os = o.os "
  "AND ap.name = o.name) ORDER BY o.name, o.uid",
  NULL,
};

static const char *const key_queries[] = {
  "SELECT 'added' AS change, key, account, path, nullif (os, '') AS os "
  "FROM (SELECT * FROM k_new EXCEPT SELECT * FROM k_old) "
  "ORDER BY account, path, key",
  "SELECT 'removed' AS change, key, account, path, nullif (os, '') AS os "
  "FROM (SELECT * FROM k_old EXCEPT SELECT * FROM k_new) "
  "ORDER BY account, path, key",
  NULL,
};

static const char *const finding_queries[] = {
  "SELECT 'new' AS change, n.title AS finding, n.severity AS severity, "
  "n.check_id AS check_id, n.path AS path, n.account AS account, "
  "n.fp AS fingerprint FROM fp_new n WHERE NOT EXISTS (SELECT 1 FROM fp_old "
  "o WHERE o.fp = n.fp) ORDER BY n.rank DESC, n.check_id, n.path, n.fp",
  "SELECT 'gone' AS change, o.title AS finding, o.severity AS severity, "
  "o.check_id AS check_id, o.path AS path, o.account AS account, "
  "o.fp AS fingerprint FROM fp_old o WHERE NOT EXISTS (SELECT 1 FROM fp_new "
  "n WHERE n.fp = o.fp) ORDER BY o.rank DESC, o.check_id, o.path, o.fp",
  NULL,
};

static const struct section sections[] = {
  { "files", "Files", "path", file_queries },
  { "packages", "Packages", "package", package_queries },
  { "accounts", "Accounts", "account", account_queries },
  { "ssh_keys", "SSH keys", "key", key_queries },
  { "findings", "Findings", "finding", finding_queries },
};

/* ---- the writers ------------------------------------------------------- */

struct side {
  char *path;                   /* the database as given */
  char *started_at, *status;
  char *hosts;                  /* hostnames, comma-separated, or NULL */
  char *images;                 /* image sha256s, comma-separated */
};

struct diff {
  struct vs_report *r;
  enum dformat format;
  int fail_on;                  /* severity rank */
  struct side side[2];          /* old, new */
  char *warnings[8];
  size_t nwarnings;
  uint64_t unchanged;           /* findings in both */
  uint64_t new_at_or_above;
  uint64_t total;               /* rows of every section */
  int first;                    /* JSON: no row yet in this array */
};

static void
add_esc (struct diff *d, const char *s, size_t len)
{
  struct vs_buf *b = &d->r->out_buf;

  switch (d->format) {
  case D_MD:
    vs_report_add_md (b, s, len);
    break;
  case D_HTML:
    vs_report_add_html (b, s, len);
    break;
  default:
    vs_report_add_display (b, s, len);
  }
}

static void
add_esc_str (struct diff *d, const char *s)
{
  add_esc (d, s, strlen (s));
}

/* Writes the value of column i (display form, escaped for the format;
 * "-" for NULL). */
static void
add_col (struct diff *d, sqlite3_stmt *st, int i)
{
  size_t len;
  const char *s = vs_rep_col (st, i, &len);

  if (!s)
    add_esc_str (d, "-");
  else
    add_esc (d, s, len);
}

/* Whether column i is old_X whose partner new_X is column i + 1 (the
 * queries put them side by side). */
static int
is_pair (sqlite3_stmt *st, int i)
{
  const char *a = sqlite3_column_name (st, i);
  const char *b = i + 1 < sqlite3_column_count (st)
    ? sqlite3_column_name (st, i + 1) : NULL;

  return a && b && strncmp (a, "old_", 4) == 0 && strncmp (b, "new_", 4) == 0
    && strcmp (a + 4, b + 4) == 0;
}

static void
row_json (struct diff *d, sqlite3_stmt *st)
{
  struct vs_buf *b = &d->r->out_buf;
  int i, n = sqlite3_column_count (st), side;

  vs_buf_adds (b, d->first ? "\n    {" : ",\n    {");
  d->first = 0;
  vs_rep_json_member (b, st, 0, 0);
  vs_buf_addc (b, ',');
  vs_rep_json_member (b, st, 1, 0);
  for (i = 2; i < n; i++)
    if (!is_pair (st, i) && !(i > 2 && is_pair (st, i - 1))
        && sqlite3_column_type (st, i) != SQLITE_NULL) {
      vs_buf_addc (b, ',');
      vs_rep_json_member (b, st, i, 0);
    }
  /* The changed attributes: "old": {...}, "new": {...}. */
  for (side = 0; side < 2; side++) {
    int any = 0;

    for (i = 2; i < n; i++) {
      struct vs_rep_value v;

      if (!is_pair (st, i) || (sqlite3_column_type (st, i) == SQLITE_NULL
                               && sqlite3_column_type (st, i + 1)
                               == SQLITE_NULL))
        continue;
      vs_buf_adds (b, any ? "," : side ? ",\"new\":{" : ",\"old\":{");
      any = 1;
      vs_rep_value_of (&v, st, i + side);
      vs_rep_json_value (b, sqlite3_column_name (st, i) + 4, &v, 0);
    }
    if (any)
      vs_buf_addc (b, '}');
  }
  vs_buf_addc (b, '}');
}

static void
row_text (struct diff *d, sqlite3_stmt *st)
{
  struct vs_buf *b = &d->r->out_buf;
  int i, n = sqlite3_column_count (st), sep = 0;
  int md = d->format == D_MD, html = d->format == D_HTML;

  vs_buf_adds (b, md ? "| " : html ? "<tr><td>" : "  ");
  if (!md && !html)
    vs_buf_addf (b, "%-10s ", (const char *) sqlite3_column_text (st, 0));
  else
    add_col (d, st, 0);
  vs_buf_adds (b, md ? " | " : html ? "</td><td>" : "");
  add_col (d, st, 1);
  vs_buf_adds (b, md ? " | " : html ? "</td><td>" : "  ");
  for (i = 2; i < n; i++) {
    const char *name = sqlite3_column_name (st, i);

    if (is_pair (st, i)) {
      if (sqlite3_column_type (st, i) == SQLITE_NULL
          && sqlite3_column_type (st, i + 1) == SQLITE_NULL) {
        i++;
        continue;
      }
      vs_buf_adds (b, sep ? ", " : "");
      add_esc_str (d, name + 4);
      vs_buf_addc (b, ' ');
      add_col (d, st, i);
      vs_buf_adds (b, html ? " &rarr; " : " -> ");
      add_col (d, st, i + 1);
      sep = 1;
      i++;
      continue;
    }
    if (sqlite3_column_type (st, i) == SQLITE_NULL)
      continue;
    vs_buf_adds (b, sep ? ", " : "");
    add_esc_str (d, name);
    vs_buf_addc (b, ' ');
    add_col (d, st, i);
    sep = 1;
  }
  vs_buf_adds (b, md ? " |\n" : html ? "</td></tr>\n" : "\n");
}

/* The counts of one section by change, once: as text ("1 added, 2
 * changed") and as JSON members ("added": 1, "changed": 2). */
static int
section_counts (struct diff *d, const struct section *s, struct vs_buf *text,
                struct vs_buf *json, uint64_t *total)
{
  size_t q;

  *total = 0;
  for (q = 0; s->queries[q]; q++) {
    CLEANUP_FREE char *sql = vs_xasprintf ("SELECT change, count (*) FROM "
                                           "(%s) GROUP BY change ORDER BY "
                                           "change", s->queries[q]);
    sqlite3_stmt *st = vs_rep_prepare (d->r, sql);
    int rc;

    if (!st)
      return -1;
    while ((rc = vs_rep_step (d->r, st)) == 1) {
      const char *change = (const char *) sqlite3_column_text (st, 0);
      uint64_t n = (uint64_t) sqlite3_column_int64 (st, 1);

      vs_buf_addf (text, "%s%llu %s", text->len ? ", " : "",
                   (unsigned long long) n, change);
      vs_buf_addf (json, "%s\"%s\": %llu", json->len ? ", " : "", change,
                   (unsigned long long) n);
      *total += n;
    }
    sqlite3_finalize (st);
    if (rc == -1)
      return -1;
  }
  return 0;
}

static int
write_section (struct diff *d, const struct section *s)
{
  struct vs_report *r = d->r;
  struct vs_buf *b = &r->out_buf;
  struct vs_buf counts = VS_BUF_INIT, jcounts = VS_BUF_INIT;
  uint64_t total;
  size_t q;
  int rc = 0, fnd = strcmp (s->name, "findings") == 0;

  if (section_counts (d, s, &counts, &jcounts, &total) == -1) {
    vs_buf_release (&counts);
    vs_buf_release (&jcounts);
    return -1;
  }
  d->total += fnd ? 0 : total;
  if (fnd) {
    vs_buf_addf (&counts, "%s%llu unchanged", counts.len ? ", " : "",
                 (unsigned long long) d->unchanged);
    vs_buf_addf (&jcounts, "%s\"unchanged\": %llu", jcounts.len ? ", " : "",
                 (unsigned long long) d->unchanged);
  }
  switch (d->format) {
  case D_JSON:
    vs_buf_addf (b, ",\n  \"%s\": {\"changes\": [", s->name);
    d->first = 1;
    break;
  case D_MD:
    vs_buf_addf (b, "\n## %s: %s\n\n", s->title,
                 counts.len ? counts.data : "no change");
    if (total)
      vs_buf_adds (b, "| change | what | details |\n|---|---|---|\n");
    break;
  case D_HTML:
    vs_buf_addf (b, "<h2>%s: %s</h2>\n", s->title,
                 counts.len ? counts.data : "no change");
    if (total)
      vs_buf_adds (b, "<table><tr><th>change</th><th>what</th>"
                   "<th>details</th></tr>\n");
    break;
  default:
    vs_buf_addf (b, "\n%s: %s\n", s->title,
                 counts.len ? counts.data : "no change");
  }
  for (q = 0; s->queries[q] && rc == 0; q++) {
    sqlite3_stmt *st = vs_rep_prepare (r, s->queries[q]);

    if (!st) {
      rc = -1;
      break;
    }
    while ((rc = vs_rep_step (r, st)) == 1) {
      if (d->format == D_JSON)
        row_json (d, st);
      else
        row_text (d, st);
      vs_rep_out_maybe (r);
    }
    sqlite3_finalize (st);
  }
  if (d->format == D_JSON) {
    vs_buf_addf (b, "%s],\n    \"counts\": {", d->first ? "" : "\n  ");
    vs_buf_add (b, jcounts.data ? jcounts.data : "", jcounts.len);
    vs_buf_adds (b, "}}");
  }
  else if (d->format == D_HTML && total)
    vs_buf_adds (b, "</table>\n");
  vs_buf_release (&counts);
  vs_buf_release (&jcounts);
  return rc == -1 ? -1 : 0;
}

static void
add_side_text (struct diff *d, const char *label, const struct side *s)
{
  struct vs_buf *b = &d->r->out_buf;
  int md = d->format == D_MD, html = d->format == D_HTML;

  vs_buf_adds (b, md ? "- " : html ? "<li>" : "");
  vs_buf_addf (b, "%s: ", label);
  add_esc_str (d, s->path);
  vs_buf_adds (b, ", scanned ");
  add_esc_str (d, s->started_at);
  vs_buf_adds (b, " (");
  add_esc_str (d, s->status);
  vs_buf_adds (b, "), hosts ");
  add_esc_str (d, s->hosts ? s->hosts : "-");
  vs_buf_adds (b, ", images ");
  add_esc_str (d, s->images ? s->images : "-");
  vs_buf_adds (b, html ? "</li>\n" : "\n");
}

static void
add_json_side (struct vs_buf *b, const char *name, const struct side *s)
{
  vs_buf_addf (b, "  \"%s\": {", name);
  vs_buf_add_json_member (b, "database", s->path, strlen (s->path), 0);
  vs_buf_addc (b, ',');
  vs_buf_add_json_member (b, "started_at", s->started_at,
                          strlen (s->started_at), 0);
  vs_buf_addc (b, ',');
  vs_buf_add_json_member (b, "status", s->status, strlen (s->status), 0);
  vs_buf_adds (b, ",\"hostnames\":");
  if (s->hosts)
    vs_buf_add_json_string (b, s->hosts, strlen (s->hosts), 0);
  else
    vs_buf_adds (b, "null");
  vs_buf_adds (b, ",\"image_sha256\":");
  if (s->images)
    vs_buf_add_json_string (b, s->images, strlen (s->images), 0);
  else
    vs_buf_adds (b, "null");
  vs_buf_addc (b, '}');
}

static int
write_doc (struct diff *d)
{
  struct vs_buf *b = &d->r->out_buf;
  size_t i;

  switch (d->format) {
  case D_JSON:
    vs_buf_adds (b, "{\n  \"vmscan_diff\": 1,\n");
    add_json_side (b, "old", &d->side[0]);
    vs_buf_adds (b, ",\n");
    add_json_side (b, "new", &d->side[1]);
    vs_buf_adds (b, ",\n  \"warnings\": [");
    for (i = 0; i < d->nwarnings; i++) {
      vs_buf_adds (b, i ? ", " : "");
      vs_buf_add_json_string (b, d->warnings[i], strlen (d->warnings[i]), 0);
    }
    vs_buf_addc (b, ']');
    break;
  case D_MD:
    vs_buf_adds (b, "# vmscan diff\n\n");
    break;
  case D_HTML:
    vs_buf_adds (b, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
                 "<meta http-equiv=\"Content-Security-Policy\" "
                 "content=\"default-src 'none'; style-src 'unsafe-inline'\">"
                 "<title>vmscan diff</title><style>body{font-family:sans-"
                 "serif}td,th{border:1px solid #ccc;padding:2px 6px;"
                 "vertical-align:top;font-family:monospace}table{border-"
                 "collapse:collapse}</style></head><body>\n"
                 "<h1>vmscan diff</h1>\n<ul>\n");
    break;
  default:
    vs_buf_adds (b, "vmscan diff\n");
  }
  if (d->format != D_JSON) {
    add_side_text (d, "old", &d->side[0]);
    add_side_text (d, "new", &d->side[1]);
    for (i = 0; i < d->nwarnings; i++) {
      vs_buf_adds (b, d->format == D_MD ? "- **warning**: "
                   : d->format == D_HTML ? "<li><strong>warning</strong>: "
                   : "warning: ");
      add_esc_str (d, d->warnings[i]);
      vs_buf_adds (b, d->format == D_HTML ? "</li>\n" : "\n");
    }
    if (d->format == D_HTML)
      vs_buf_adds (b, "</ul>\n");
  }
  for (i = 0; i < VS_ARRAY_SIZE (sections); i++)
    if (write_section (d, &sections[i]) == -1)
      return -1;
  switch (d->format) {
  case D_JSON:
    vs_buf_addf (b, ",\n  \"fail_on\": \"%s\",\n  \"new_at_or_above_fail_on\":"
                 " %llu\n}\n", vs_rep_severity[d->fail_on],
                 (unsigned long long) d->new_at_or_above);
    break;
  case D_HTML:
    vs_buf_addf (b, "<p>%llu new findings at %s or above.</p>\n"
                 "</body></html>\n", (unsigned long long) d->new_at_or_above,
                 vs_rep_severity[d->fail_on]);
    break;
  default:
    vs_buf_addf (b, "\n%s%llu new findings at %s or above; %llu changes to "
                 "files, packages, accounts and keys\n",
                 d->format == D_MD ? "**Summary**: " : "summary: ",
                 (unsigned long long) d->new_at_or_above,
                 vs_rep_severity[d->fail_on],
                 (unsigned long long) d->total);
  }
  return 0;
}

/* SARIF 2.1.0 with baselineState: the findings of NEW as new or
 * unchanged, and those only OLD had as absent. */
static const char *const sarif_level[5] = {
  "note", "note", "warning", "error", "error"
};

static int
write_sarif (struct diff *d)
{
  struct vs_report *r = d->r;
  struct vs_buf *b = &r->out_buf;
  sqlite3_stmt *st;
  int rc, first = 1;

  vs_buf_adds (b, "{\"$schema\":\"https://docs.oasis-open.org/sarif/sarif/"
               "v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json\","
               "\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":{"
               "\"name\":\"vmscan\",\"version\":\"" PACKAGE_VERSION "\","
               "\"rules\":[");
  st = vs_rep_prepare (r, "SELECT check_id FROM fp_new UNION "
                       "SELECT check_id FROM fp_old ORDER BY 1");
  if (!st)
    return -1;
  while ((rc = vs_rep_step (r, st)) == 1) {
    size_t len;
    const char *id = vs_rep_col (st, 0, &len);

    vs_buf_adds (b, first ? "{" : ",{");
    first = 0;
    vs_buf_add_json_member (b, "id", id ? id : "", len, 0);
    vs_buf_addc (b, '}');
  }
  sqlite3_finalize (st);
  if (rc == -1)
    return -1;
  vs_buf_adds (b, "]}},\"results\":[");
  st = vs_rep_prepare (r,
                       "SELECT CASE WHEN EXISTS (SELECT 1 FROM fp_old o "
                       "WHERE o.fp = n.fp) THEN 'unchanged' ELSE 'new' END, "
                       "n.rank, n.check_id, n.title, n.path, n.account, n.fp "
                       "FROM fp_new n UNION ALL "
                       "SELECT 'absent', o.rank, o.check_id, o.title, o.path, "
                       "o.account, o.fp FROM fp_old o WHERE NOT EXISTS "
                       "(SELECT 1 FROM fp_new n WHERE n.fp = o.fp) "
                       "ORDER BY 2 DESC, 3, 5, 7");
  if (!st)
    return -1;
  first = 1;
  while ((rc = vs_rep_step (r, st)) == 1) {
    size_t len, tl;
    int rank = sqlite3_column_int (st, 1);
    const char *id = vs_rep_col (st, 2, &len);
    const char *title = vs_rep_col (st, 3, &tl);
    struct vs_buf disp = VS_BUF_INIT;

    if (rank < 0 || rank > 4)
      rank = 0;
    vs_buf_adds (b, first ? "\n{" : ",\n{");
    first = 0;
    vs_buf_add_json_member (b, "ruleId", id ? id : "", len, 0);
    vs_buf_addf (b, ",\"level\":\"%s\",\"baselineState\":\"%s\","
                 "\"message\":{\"text\":", sarif_level[rank],
                 (const char *) sqlite3_column_text (st, 0));
    vs_report_add_display (&disp, title ? title : "", tl);
    vs_buf_add_json_string (b, disp.data ? disp.data : "", disp.len, 0);
    vs_buf_release (&disp);
    vs_buf_adds (b, "}");
    if (sqlite3_column_type (st, 4) != SQLITE_NULL) {
      const char *p = vs_rep_col (st, 4, &len);

      vs_buf_adds (b, ",\"locations\":[{\"physicalLocation\":{"
                   "\"artifactLocation\":{\"uri\":\"");
      vs_report_add_uri_path (b, p, len);
      vs_buf_adds (b, "\",\"uriBaseId\":\"IMAGEROOT\"}}}]");
    }
    vs_buf_adds (b, ",\"fingerprints\":{\"vmscan/v1\":\"");
    vs_buf_adds (b, (const char *) sqlite3_column_text (st, 6));
    vs_buf_adds (b, "\"},\"properties\":{");
    vs_rep_json_member (b, st, 4, 0);
    vs_buf_addc (b, ',');
    vs_rep_json_member (b, st, 5, 0);
    vs_buf_adds (b, ",\"severity\":");
    vs_buf_addf (b, "\"%s\"}}", vs_rep_severity[rank]);
    vs_rep_out_maybe (r);
  }
  sqlite3_finalize (st);
  if (rc == -1)
    return -1;
  vs_buf_adds (b, "\n]}]}\n");
  return 0;
}

static int
write_diff (struct vs_report *r, void *arg)
{
  struct diff *d = arg;

  (void) r;
  return d->format == D_SARIF ? write_sarif (d) : write_doc (d);
}

/* ---- setting up -------------------------------------------------------- */

/* The first column of the first row of sql, a copy, or NULL. */
static char *
one_text (struct vs_report *r, const char *sql)
{
  sqlite3_stmt *st = vs_rep_prepare (r, sql);
  char *v = NULL;

  if (st && vs_rep_step (r, st) == 1
      && sqlite3_column_type (st, 0) != SQLITE_NULL) {
    size_t len;
    const char *s = vs_rep_col (st, 0, &len);
    struct vs_buf b = VS_BUF_INIT;

    /* Hostnames come from the guest: its display form, one line. */
    vs_report_add_display (&b, s, len);
    v = vs_xstrndup (b.data ? b.data : "", b.len);
    vs_buf_release (&b);
  }
  sqlite3_finalize (st);
  return v;
}

static int
load_side (struct vs_report *r, const char *db, const char *path,
           struct side *s)
{
  CLEANUP_FREE char *q1 = vs_xasprintf ("SELECT started_at FROM %s.scans "
                                        "ORDER BY id LIMIT 1", db);
  CLEANUP_FREE char *q2 = vs_xasprintf ("SELECT status FROM %s.scans "
                                        "ORDER BY id LIMIT 1", db);
  CLEANUP_FREE char *q3 = vs_xasprintf ("SELECT group_concat (h, ', ') FROM "
                                        "(SELECT DISTINCT hostname AS h FROM "
                                        "%s.operating_systems WHERE hostname "
                                        "IS NOT NULL ORDER BY 1)", db);
  CLEANUP_FREE char *q4 = vs_xasprintf ("SELECT group_concat (sha256, ', ') "
                                        "FROM (SELECT sha256 FROM %s.images "
                                        "ORDER BY disk_index)", db);

  s->path = vs_xstrdup (path);
  s->started_at = one_text (r, q1);
  s->status = one_text (r, q2);
  s->hosts = one_text (r, q3);
  s->images = one_text (r, q4);
  if (!s->started_at)
    s->started_at = vs_xstrdup ("-");
  if (!s->status)
    s->status = vs_xstrdup ("-");
  return r->errmsg ? -1 : 0;
}

static void
warn (struct diff *d, char *msg)
{
  if (d->nwarnings < VS_ARRAY_SIZE (d->warnings)) {
    vs_warn ("diff: %s", msg);
    d->warnings[d->nwarnings++] = msg;
  }
  else
    free (msg);
}

/* The index of a format's name, or SIZE_MAX. */
static size_t
find_dformat (const char *name)
{
  size_t i;

  for (i = 0; i < VS_ARRAY_SIZE (dformat_names); i++)
    if (strcmp (dformat_names[i], name) == 0)
      return i;
  return SIZE_MAX;
}

int
vs_diff_format_valid (const char *name)
{
  return find_dformat (name) != SIZE_MAX;
}

int
vs_diff_write (const char *old_path, const char *new_path,
               const char *format, const char *out_path, int fail_on,
               char **errmsg)
{
  struct vs_report r, o;
  struct diff d;
  CLEANUP_FREE char *old_abs = NULL;
  sqlite3_stmt *st = NULL;
  size_t i;
  int rc = -1;

  memset (&r, 0, sizeof r);
  memset (&o, 0, sizeof o);
  memset (&d, 0, sizeof d);
  d.r = &r;
  d.fail_on = fail_on < 0 || fail_on > 4 ? 2 : fail_on;
  if ((i = find_dformat (format)) == SIZE_MAX) {
    *errmsg = vs_xasprintf ("unknown diff format '%s' (%s)", format,
                            VS_DIFF_FORMATS);
    return -1;
  }
  d.format = (enum dformat) i;
  if (out_path && strcmp (out_path, "-") != 0
      && (vs_rep_same_file (out_path, old_path)
          || vs_rep_same_file (out_path, new_path))) {
    *errmsg = vs_xasprintf ("%s: the diff would overwrite a database",
                            out_path);
    return -1;
  }
  /* Each database checked on its own first, as a report would. */
  o.db_path = old_path;
  if (vs_rep_open (&o, old_path, errmsg) == -1)
    goto out;
  r.db_path = new_path;
  if (vs_rep_open (&r, new_path, errmsg) == -1)
    goto out;
  if (o.schema_version < DIFF_SCHEMA_OLDEST
      || r.schema_version < DIFF_SCHEMA_OLDEST) {
    *errmsg = vs_xasprintf ("%s: schema version %d; vmscan diff compares "
                            "databases of version %d or later (scan the "
                            "image again with this vmscan)",
                            o.schema_version < DIFF_SCHEMA_OLDEST
                            ? old_path : new_path,
                            o.schema_version < DIFF_SCHEMA_OLDEST
                            ? o.schema_version : r.schema_version,
                            DIFF_SCHEMA_OLDEST);
    goto out;
  }
  vs_rep_close (&o);

  /* OLD attached by its absolute path: a name SQLite could read as a URI
   * ("file:...?mode=rwc") never starts with '/'. */
  old_abs = realpath (old_path, NULL);
  if (!old_abs) {
    *errmsg = vs_xasprintf ("%s: %s", old_path, strerror (errno));
    goto out;
  }
  if (sqlite3_create_function (r.db, "vs_fp", -1, SQLITE_UTF8
                               | SQLITE_DETERMINISTIC, NULL, vs_rep_fn_fp, NULL,
                               NULL) != SQLITE_OK
      || sqlite3_create_function (r.db, "vs_keyid", 1, SQLITE_UTF8
                                  | SQLITE_DETERMINISTIC, NULL, fn_keyid,
                                  NULL, NULL) != SQLITE_OK
      || sqlite3_create_function (r.db, "vs_gpath", 2, SQLITE_UTF8
                                  | SQLITE_DETERMINISTIC, NULL, fn_gpath,
                                  NULL, NULL) != SQLITE_OK
      || sqlite3_create_function (r.db, "vs_pkgchange", 3, SQLITE_UTF8
                                  | SQLITE_DETERMINISTIC, NULL, fn_pkgchange,
                                  NULL, NULL) != SQLITE_OK) {
    vs_rep_sql_error (&r, "cannot add functions");
    goto sql_out;
  }
  st = vs_rep_prepare (&r, "ATTACH DATABASE ?1 AS old");
  if (!st)
    goto sql_out;
  sqlite3_bind_text (st, 1, old_abs, -1, SQLITE_STATIC);
  if (vs_rep_step (&r, st) == -1)
    goto sql_out;
  sqlite3_finalize (st);
  st = NULL;
  if (sqlite3_exec (r.db, "PRAGMA temp_store = FILE;", NULL, NULL, NULL)
      != SQLITE_OK
      || sqlite3_exec (r.db, setup_sql, NULL, NULL, NULL) != SQLITE_OK) {
    vs_rep_sql_error (&r, "cannot compare");
    goto sql_out;
  }

  if (load_side (&r, "old", old_path, &d.side[0]) == -1
      || load_side (&r, "main", new_path, &d.side[1]) == -1)
    goto sql_out;
  d.unchanged = (uint64_t) vs_rep_int (&r, "SELECT count (*) FROM fp_new n "
                                       "WHERE EXISTS (SELECT 1 FROM fp_old o "
                                       "WHERE o.fp = n.fp)", 0);
  st = vs_rep_prepare (&r, "SELECT count (*) FROM fp_new n WHERE rank >= ?1 "
                       "AND NOT EXISTS (SELECT 1 FROM fp_old o "
                       "WHERE o.fp = n.fp)");
  if (!st)
    goto sql_out;
  sqlite3_bind_int (st, 1, d.fail_on);
  if (vs_rep_step (&r, st) == 1)
    d.new_at_or_above = (uint64_t) sqlite3_column_int64 (st, 0);
  sqlite3_finalize (st);
  st = NULL;
  if (r.errmsg)
    goto sql_out;

  for (i = 0; i < 2; i++)
    if (strcmp (d.side[i].status, "complete") != 0)
      warn (&d, vs_xasprintf ("the %s scan is not complete (status %s): "
                              "what it lacks may be missing, not changed",
                              i ? "new" : "old", d.side[i].status));
  if ((d.side[0].hosts || d.side[1].hosts)
      && (!d.side[0].hosts || !d.side[1].hosts
          || strcmp (d.side[0].hosts, d.side[1].hosts) != 0))
    warn (&d, vs_xasprintf ("the scans are of different machines (hostname "
                            "%s, then %s)",
                            d.side[0].hosts ? d.side[0].hosts : "none",
                            d.side[1].hosts ? d.side[1].hosts : "none"));
  /* The packages and accounts come from the checks: a side scanned with
   * --no-checks has none, and the other's would all look added. */
  for (i = 0; i < 2; i++) {
    const char *db = i ? "main" : "old";
    CLEANUP_FREE char *q = vs_xasprintf ("SELECT (SELECT count (*) FROM "
                                         "%s.operating_systems) > 0 AND "
                                         "(SELECT count (*) FROM %s."
                                         "check_runs WHERE os_id IS NOT "
                                         "NULL) = 0", db, db);

    if (vs_rep_int (&r, q, 0) == 1)
      warn (&d, vs_xasprintf ("the %s scan ran no checks on its operating "
                              "systems (--no-checks?): it recorded no "
                              "packages, accounts or findings of theirs", i ? "new" : "old"));
  }
  if (r.errmsg)
    goto sql_out;

  vs_now_iso (r.generated_at);
  if (vs_rep_emit (&r, out_path, write_diff, &d, errmsg) == -1)
    goto out;
  rc = d.new_at_or_above > 0 ? 1 : 0;
  goto out;

 sql_out:
  *errmsg = r.errmsg ? r.errmsg : vs_xstrdup ("cannot compare the databases");
  r.errmsg = NULL;
 out:
  sqlite3_finalize (st);
  for (i = 0; i < 2; i++) {
    free (d.side[i].path);
    free (d.side[i].started_at);
    free (d.side[i].status);
    free (d.side[i].hosts);
    free (d.side[i].images);
  }
  for (i = 0; i < d.nwarnings; i++)
    free (d.warnings[i]);
  vs_rep_close (&o);
  vs_rep_close (&r);
  return rc;
}
