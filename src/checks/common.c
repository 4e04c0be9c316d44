/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: helpers shared by the persistence and access checks (see
 * check-common.h).
 *
 * "Stock" is decided from the package database and the digests the walk
 * recorded in the files table: a file is stock when a package owns its
 * canonical path and the recorded digest of the algorithm the package
 * uses equals the package's.  Nothing here re-reads a file to hash it.
 *
 * The finding caps: ctx->caps holds, for each (check id, system) a
 * family reported since its last vs_cc_flush, how many findings were
 * recorded and how many counted instead, the highest severity of those,
 * and the category and technique of the first of them.  A family
 * reports a handful of check ids, so a list is searched.
 *
 * The sets and the accounts index are open-addressing hash tables (at
 * most half full, linear probing) over SipHash-2-4 with a random key.
 */
#include <config.h>

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "checks/common.h"
#include "core/guest.h"
#include "parse/accounts.h"
#include "parse/passwd.h"
#include "parse/text.h"
#include "core/pkgdb.h"

static int
read_impl (struct vs_check_ctx *ctx, const char *path, size_t max,
           int truncate_ok, char **data, size_t *len)
{
  if (vs_guest_read (ctx->guest, path, max, truncate_ok, data, len) == 0)
    return 0;
  if (errno == ENOENT || errno == ENOTDIR)
    return 1;
  if (errno == EFBIG)
    return vs_check_error (ctx, path, "%s: larger than %zu bytes, not read",
                           path, max) == -1 ? -1 : 1;
  if (errno == EINVAL)
    return vs_check_error (ctx, path, "%s: not a regular file, not read",
                           path) == -1 ? -1 : 1;
  return vs_check_error (ctx, path, "%s: cannot read: %s", path,
                         strerror (errno)) == -1 ? -1 : 1;
}

int
vs_cc_read (struct vs_check_ctx *ctx, const char *path, size_t max,
            char **data, size_t *len)
{
  return read_impl (ctx, path, max, 0, data, len);
}

int
vs_cc_read_head (struct vs_check_ctx *ctx, const char *path, size_t max,
                 char **data, size_t *len)
{
  return read_impl (ctx, path, max, 1, data, len);
}

int
vs_cc_list (struct vs_check_ctx *ctx, const char *path, char ***names,
            size_t *n)
{
  if (vs_guest_list (ctx->guest, path, names, n) == 0) {
    if (*n > VS_CC_MAX_ENTRIES) {
      size_t i;

      for (i = VS_CC_MAX_ENTRIES; i < *n; i++)
        free ((*names)[i]);
      *n = VS_CC_MAX_ENTRIES;
      if (vs_check_error (ctx, path, "%s: more than %d entries, the rest "
                          "not examined", path, VS_CC_MAX_ENTRIES) == -1) {
        vs_guest_free_list (*names, *n);
        return -1;
      }
    }
    return 0;
  }
  if (errno == ENOENT || errno == ENOTDIR)
    return 1;
  return vs_check_error (ctx, path, "%s: cannot list: %s", path,
                         strerror (errno)) == -1 ? -1 : 1;
}

int
vs_cc_dir_open (struct vs_check_ctx *ctx, const char *dir,
                 struct vs_cc_dir *d)
{
  int r;

  memset (d, 0, sizeof *d);
  d->dir = dir;
  r = vs_cc_list (ctx, dir, &d->names, &d->n);
  if (r != 0) {
    d->names = NULL;
    d->n = 0;
  }
  return r == -1 ? -1 : 0;
}

int
vs_cc_dir_next (struct vs_cc_dir *d)
{
  free (d->path);
  d->path = NULL;
  d->name = NULL;
  if (d->i >= d->n)
    return 0;
  d->name = d->names[d->i++];
  d->path = vs_xasprintf ("%s/%s", d->dir, d->name);
  return 1;
}

void
vs_cc_dir_close (struct vs_cc_dir *d)
{
  free (d->path);
  vs_guest_free_list (d->names, d->n);
  memset (d, 0, sizeof *d);
}

/* The digest the walk recorded for a canonical path, of the column the
 * package's algorithm needs; NULL if none (caller frees). */
static char *
recorded_digest (struct vs_check_ctx *ctx, const char *canon,
                 enum vs_pkg_digest type)
{
  static const char *const sql[] = {
    NULL,
    "SELECT f.md5 FROM files f JOIN filesystems s ON s.id = f.fs_id "
    "WHERE f.scan_id = ? AND f.path = ? AND s.os_id IS ? "
    "AND f.deleted IS NULL LIMIT 1",
    "SELECT f.sha1 FROM files f JOIN filesystems s ON s.id = f.fs_id "
    "WHERE f.scan_id = ? AND f.path = ? AND s.os_id IS ? "
    "AND f.deleted IS NULL LIMIT 1",
    "SELECT f.sha256 FROM files f JOIN filesystems s ON s.id = f.fs_id "
    "WHERE f.scan_id = ? AND f.path = ? AND s.os_id IS ? "
    "AND f.deleted IS NULL LIMIT 1",
  };
  sqlite3_stmt *s = NULL;
  char *v = NULL;

  if ((unsigned) type >= VS_ARRAY_SIZE (sql) || !sql[type])
    return NULL;
  if (sqlite3_prepare_v2 (ctx->db, sql[type], -1, &s, NULL) != SQLITE_OK)
    return NULL;
  sqlite3_bind_int64 (s, 1, ctx->scan_id);
  sqlite3_bind_text (s, 2, canon, -1, SQLITE_TRANSIENT);
  if (ctx->os)
    sqlite3_bind_int64 (s, 3, ctx->os->id);
  else
    sqlite3_bind_null (s, 3);
  if (sqlite3_step (s) == SQLITE_ROW
      && sqlite3_column_type (s, 0) == SQLITE_TEXT)
    v = vs_xstrdup ((const char *) sqlite3_column_text (s, 0));
  sqlite3_finalize (s);
  return v;
}

enum vs_cc_origin
vs_cc_origin (struct vs_check_ctx *ctx, const char *path,
              const char **package)
{
  const struct vs_pkg_file *pf;
  CLEANUP_FREE char *canon = NULL;
  CLEANUP_FREE char *have = NULL;

  *package = NULL;
  if (!ctx->pkgdb)
    return VS_CC_UNKNOWN;
  if (vs_guest_realpath (ctx->guest, path, &canon) == -1)
    canon = vs_xstrdup (path);
  pf = vs_pkgdb_lookup (ctx->pkgdb, canon, strlen (canon));
  if (!pf)
    return VS_CC_UNOWNED;
  *package = pf->package;
  if (!pf->digest || pf->digest_type == VS_PKG_DIGEST_NONE)
    return VS_CC_STOCK;
  have = recorded_digest (ctx, canon, pf->digest_type);
  if (!have)
    return VS_CC_STOCK;         /* not hashed by the walk: cannot tell */
  return strcmp (have, pf->digest) == 0 ? VS_CC_STOCK : VS_CC_MODIFIED;
}

char *
vs_cc_origin_text (enum vs_cc_origin o, const char *package)
{
  switch (o) {
  case VS_CC_UNKNOWN:
    return vs_xstrdup ("no package database");
  case VS_CC_UNOWNED:
    return vs_xstrdup ("not from a package");
  case VS_CC_STOCK:
    return vs_xasprintf ("from package %s", package ? package : "?");
  case VS_CC_MODIFIED:
    return vs_xasprintf ("modified since package %s installed it",
                         package ? package : "?");
  }
  return vs_xstrdup ("?");
}

void
vs_cc_evidence (struct vs_buf *b, const char *s, size_t len)
{
  size_t i, n = len > VS_CC_EVIDENCE_MAX ? VS_CC_EVIDENCE_MAX : len;

  for (i = 0; i < n; i++) {
    if (s[i] == '\0')
      vs_buf_add (b, "\\0", 2);
    else
      vs_buf_addc (b, s[i]);
  }
  if (n < len)
    vs_buf_adds (b, "...");
}

char *
vs_cc_short (const char *s, size_t len, size_t max)
{
  struct vs_buf b = VS_BUF_INIT;
  int cut = len > max;

  vs_buf_add_printable (&b, s, cut ? max : len);
  if (cut)
    vs_buf_adds (&b, "...");
  return vs_buf_detach (&b, NULL);
}

/* ---- bounded findings ---- */

struct cap_entry {
  char *check_id;
  int64_t os_id;
  uint64_t recorded, dropped;
  enum vs_severity worst;       /* of the dropped */
  char *category, *mitre;       /* of the first dropped */
};

struct vs_cc_caps {
  struct cap_entry *v;
  size_t n;
};

static int64_t
finding_os (const struct vs_check_ctx *ctx, int64_t os_id)
{
  return os_id ? os_id : ctx->os ? ctx->os->id : 0;
}

static struct cap_entry *
cap_entry (struct vs_check_ctx *ctx, const char *check_id, int64_t os_id)
{
  struct vs_cc_caps *c = ctx->caps;
  struct cap_entry *e;
  size_t i;

  if (!c)
    c = ctx->caps = vs_xcalloc (1, sizeof *c);
  for (i = 0; i < c->n; i++)
    if (c->v[i].os_id == os_id && strcmp (c->v[i].check_id, check_id) == 0)
      return &c->v[i];
  c->v = vs_xrealloc (c->v, (c->n + 1) * sizeof *c->v);
  e = &c->v[c->n++];
  memset (e, 0, sizeof *e);
  e->check_id = vs_xstrdup (check_id);
  e->os_id = os_id;
  return e;
}

/* Counts a finding that is over its check id's cap and returns 1, or
 * returns 0 when it is to be recorded. */
static int
cap_over (struct cap_entry *e, enum vs_severity sev, const char *category,
          const char *mitre)
{
  if (e->recorded < VS_CC_MAX_FINDINGS)
    return 0;
  if (e->dropped++ == 0) {
    e->category = category ? vs_xstrdup (category) : NULL;
    e->mitre = mitre ? vs_xstrdup (mitre) : NULL;
    e->worst = sev;
  }
  else if (sev > e->worst)
    e->worst = sev;
  return 1;
}

/* s (*len bytes) cut to max bytes, not inside a UTF-8 sequence, with a
 * marker: the count of bytes left out (counted) or "...".  Returns s
 * when it fits, else b's data; *len is updated. */
static const char *
cut (struct vs_buf *b, const char *s, size_t *len, size_t max, int counted)
{
  size_t n = max, k;

  if (*len <= max)
    return s;
  for (k = 0; k < 3 && n > 0 && ((unsigned char) s[n] & 0xc0) == 0x80; k++)
    n--;
  vs_buf_setlen (b, 0);
  vs_buf_add (b, s, n);
  if (counted)
    vs_buf_addf (b, "... [%zu more bytes not recorded]", *len - n);
  else
    vs_buf_adds (b, "...");
  *len = b->len;
  return b->data;
}

/* Records f with its strings cut to their caps; the files row of
 * lookup (if not NULL) is attached. */
static int
add_bounded (struct vs_check_ctx *ctx, struct cap_entry *e,
             const struct vs_finding *f, const char *lookup)
{
  struct vs_finding g = *f;
  struct vs_buf tb = VS_BUF_INIT, ab = VS_BUF_INIT, pb = VS_BUF_INIT;
  struct vs_buf eb = VS_BUF_INIT;
  size_t tl;
  int r;

  if (g.title) {
    tl = strlen (g.title);
    g.title = cut (&tb, g.title, &tl, VS_CC_MAX_TITLE, 0);
  }
  if (g.account) {
    if (!g.account_len)
      g.account_len = strlen (g.account);
    g.account = cut (&ab, g.account, &g.account_len, VS_CC_MAX_ACCOUNT, 0);
  }
  if (g.path) {
    if (!g.path_len)
      g.path_len = strlen (g.path);
    g.path = cut (&pb, g.path, &g.path_len, VS_CC_MAX_PATH, 0);
  }
  if (g.evidence) {
    if (!g.evidence_len)
      g.evidence_len = strlen (g.evidence);
    g.evidence = cut (&eb, g.evidence, &g.evidence_len, VS_CC_MAX_EVIDENCE,
                      1);
  }
  if (lookup && !g.file_id)
    g.file_id = vs_check_file_id (ctx, lookup, strlen (lookup));
  r = vs_check_add (ctx, &g);
  if (r == 0)
    e->recorded++;
  vs_buf_release (&tb);
  vs_buf_release (&ab);
  vs_buf_release (&pb);
  vs_buf_release (&eb);
  return r;
}

int
vs_cc_add (struct vs_check_ctx *ctx, const struct vs_finding *f)
{
  struct vs_finding g = *f;
  struct cap_entry *e;

  if (ctx->failed)
    return -1;
  if ((unsigned) g.severity >= VS_SEV_COUNT)
    g.severity = VS_SEV_INFO;
  e = cap_entry (ctx, g.check_id, finding_os (ctx, g.os_id));
  if (cap_over (e, g.severity, g.category, g.mitre))
    return 0;
  return add_bounded (ctx, e, &g, NULL);
}

/* The category of a check id: its first part ("access"). */
static void
category_of (const char *check_id, char out[32])
{
  const char *dot = strchr (check_id, '.');
  size_t cl = dot ? (size_t) (dot - check_id) : strlen (check_id);

  if (cl >= 32)
    cl = 31;
  memcpy (out, check_id, cl);
  out[cl] = '\0';
}

int
vs_cc_flush (struct vs_check_ctx *ctx)
{
  struct vs_cc_caps *c = ctx->caps;
  size_t i;
  int rc = 0;

  if (!c)
    return ctx->failed ? -1 : 0;
  for (i = 0; i < c->n; i++) {
    struct cap_entry *e = &c->v[i];
    struct vs_finding f;
    CLEANUP_FREE char *title = NULL;
    CLEANUP_FREE char *ev = NULL;
    char category[32];

    if (e->dropped && rc == 0) {
      category_of (e->check_id, category);
      title = vs_xasprintf ("%llu more finding%s of %s not recorded",
                            (unsigned long long) e->dropped,
                            e->dropped == 1 ? "" : "s", e->check_id);
      ev = vs_xasprintf ("the first %d findings of %s on this system are "
                         "recorded; this one counts the other %llu, at the "
                         "highest severity among them (%s)",
                         VS_CC_MAX_FINDINGS, e->check_id,
                         (unsigned long long) e->dropped,
                         vs_severity_name (e->worst));
      memset (&f, 0, sizeof f);
      f.check_id = e->check_id;
      f.severity = e->worst;
      f.category = e->category ? e->category : category;
      f.title = title;
      f.evidence = ev;
      f.mitre = e->mitre;
      f.os_id = e->os_id;
      if (vs_check_add (ctx, &f) == -1)
        rc = -1;
    }
    free (e->check_id);
    free (e->category);
    free (e->mitre);
  }
  free (c->v);
  free (c);
  ctx->caps = NULL;
  return rc || ctx->failed ? -1 : 0;
}

int
vs_cc_report (struct vs_check_ctx *ctx, enum vs_check_name check,
              enum vs_severity sev, const char *mitre, const char *path,
              const char *account, const char *evidence, size_t evlen,
              const char *fmt, ...)
{
  const char *check_id = vs_check_id (check);
  struct vs_finding f;
  struct cap_entry *e;
  CLEANUP_FREE char *title = NULL;
  char category[32];
  size_t i;
  va_list ap;

  if (ctx->failed)
    return -1;
  if ((unsigned) sev >= VS_SEV_COUNT)
    sev = VS_SEV_INFO;
  category_of (check_id, category);
  /* Over the cap: counted before anything is formatted or looked up. */
  e = cap_entry (ctx, check_id, finding_os (ctx, 0));
  if (cap_over (e, sev, category, mitre))
    return 0;
  va_start (ap, fmt);
  title = vs_xvasprintf (fmt, ap);
  va_end (ap);
  for (i = 0; title[i]; i++)
    if ((unsigned char) title[i] < 0x20 || title[i] == 0x7f)
      title[i] = ' ';
  memset (&f, 0, sizeof f);
  f.check_id = check_id;
  f.severity = sev;
  f.category = category;
  f.title = title;
  f.path = path;
  f.account = account;
  f.evidence = evidence;
  f.evidence_len = evidence ? (evlen ? evlen : strlen (evidence)) : 0;
  f.mitre = mitre;
  return add_bounded (ctx, e, &f, path);
}

/* Accounts read from /etc/passwd: a real system has tens, a directory
 * server's local cache a few thousand; the uid space allows no more than
 * this many distinct ones to matter to a responder in one image. */
#define VS_CC_MAX_USERS 65536

static void users_index (struct vs_cc_users *u);

int
vs_cc_stop (struct vs_check_ctx *ctx, const char *path)
{
  const char *why = vs_stop_reason ();

  return vs_check_error (ctx, path, "%s: stopped (%s), the rest not "
                         "examined", path ? path : "checks",
                         why ? why : "stop requested") == -1 ? -1 : 1;
}

int
vs_cc_users_load (struct vs_check_ctx *ctx, struct vs_cc_users *u)
{
  CLEANUP_FREE char *data = NULL;
  struct vs_line l;
  size_t len, pos = 0, alloc = 0;
  int r;

  memset (u, 0, sizeof *u);
  r = vs_cc_read (ctx, "/etc/passwd", VS_CC_MAX_CONFIG, &data, &len);
  if (r != 0)
    return r == -1 ? -1 : 0;
  memset (&l, 0, sizeof l);
  r = 0;
  while (r == 0 && vs_line_next (data, len, &pos, &l)) {
    const char *f[7];
    size_t fl[7], k;
    struct vs_cc_user *e;

    if (vs_tick ()) {
      r = vs_cc_stop (ctx, "/etc/passwd");
      break;
    }
    if (vs_line_is_comment (l.p, l.len))
      continue;
    k = vs_colon_split (l.p, l.len, f, fl, 7);
    if (k < 4 || fl[0] == 0 || memchr (f[0], '\0', fl[0]))
      continue;
    if (u->n == VS_CC_MAX_USERS) {
      r = vs_check_error (ctx, "/etc/passwd", "/etc/passwd: more than %d "
                          "accounts, the rest not examined (from line %u)",
                          VS_CC_MAX_USERS, l.no) == -1 ? -1 : 1;
      break;
    }
    if (u->n == alloc) {
      alloc = alloc ? 2 * alloc : 32;
      u->v = vs_xrealloc (u->v, alloc * sizeof *u->v);
    }
    e = &u->v[u->n++];
    memset (e, 0, sizeof *e);
    e->name = vs_xstrndup (f[0], fl[0]);
    e->passwd = vs_xstrndup (f[1], fl[1]);
    e->uid_ok = vs_accounts_parse_id (f[2], fl[2], &e->uid) == 0;
    if (vs_accounts_parse_id (f[3], fl[3], &e->gid) == -1)
      e->gid = UINT32_MAX;
    e->home = vs_xstrndup (k > 5 ? f[5] : "", k > 5 ? fl[5] : 0);
    e->shell = vs_xstrndup (k > 6 ? f[6] : "", k > 6 ? fl[6] : 0);
    e->line = l.no;
  }
  users_index (u);
  return r == -1 ? -1 : 0;
}

/* ---- the keyed hash ---- */

static unsigned char hash_key[16];
static pthread_once_t hash_once = PTHREAD_ONCE_INIT;

static void
hash_key_init (void)
{
  vs_random_key (hash_key);
}

uint64_t
vs_cc_hash (const char *s, size_t len)
{
  pthread_once (&hash_once, hash_key_init);
  return vs_siphash (hash_key, s, len);
}

/* Whether the NUL-terminated stored string equals str (len bytes, no
 * NUL), reading neither past its end. */
static int
same (const char *stored, const char *str, size_t len)
{
  return strncmp (stored, str, len) == 0 && stored[len] == '\0';
}

/* ---- accounts ---- */

/* The slot of name in an index of cap slots (a power of 2) over u->v:
 * the one holding it, or the empty one where it would go. */
static size_t
users_slot (const struct vs_cc_users *u, const size_t *index, size_t cap,
            const char *name, size_t len)
{
  size_t i = (size_t) vs_cc_hash (name, len) & (cap - 1);

  /* Each probe past the first is counted (a table at most half full
   * ends a probe soon; the count shows if it does not). */
  while (index[i] && !same (u->v[index[i] - 1].name, name, len)) {
    (void) vs_tick ();
    i = (i + 1) & (cap - 1);
  }
  return i;
}

static void
users_index (struct vs_cc_users *u)
{
  size_t cap = 64, i;

  while (cap < 2 * u->n)
    cap *= 2;
  u->index = vs_xcalloc (cap, sizeof *u->index);
  u->index_cap = cap;
  for (i = 0; i < u->n; i++) {
    const char *nm = u->v[i].name;
    size_t k = users_slot (u, u->index, cap, nm, strlen (nm));

    if (!u->index[k])           /* the first account of a name wins */
      u->index[k] = i + 1;
  }
}

void
vs_cc_users_free (struct vs_cc_users *u)
{
  size_t i;

  for (i = 0; i < u->n; i++) {
    free (u->v[i].name);
    free (u->v[i].passwd);
    free (u->v[i].home);
    free (u->v[i].shell);
  }
  free (u->v);
  free (u->index);
  memset (u, 0, sizeof *u);
}

const struct vs_cc_user *
vs_cc_user_find (const struct vs_cc_users *u, const char *name, size_t len)
{
  size_t k;

  if (!u->index || memchr (name, '\0', len))
    return NULL;
  k = users_slot (u, u->index, u->index_cap, name, len);
  return u->index[k] ? &u->v[u->index[k] - 1] : NULL;
}

/* ---- sets ---- */

#define SET_FIRST 32            /* strings room is made for first */

/* The hash index after the strings: 2 * alloc slots, 1 + position. */
static size_t *
set_index (const struct vs_cc_set *s)
{
  return (size_t *) (void *) (s->v + s->alloc);
}

static size_t
set_slot (const struct vs_cc_set *s, const char *str, size_t len)
{
  size_t mask = 2 * s->alloc - 1, *index = set_index (s);
  size_t i = (size_t) vs_cc_hash (str, len) & mask;

  while (index[i] && !same (s->v[index[i] - 1], str, len)) {
    (void) vs_tick ();          /* counted, as in users_slot */
    i = (i + 1) & mask;
  }
  return i;
}

size_t
vs_cc_set_find (const struct vs_cc_set *s, const char *str, size_t len)
{
  if (!s->alloc || memchr (str, '\0', len))
    return 0;
  return set_index (s)[set_slot (s, str, len)];
}

int
vs_cc_set_has (const struct vs_cc_set *s, const char *str, size_t len)
{
  return vs_cc_set_find (s, str, len) != 0;
}

int
vs_cc_set_add (struct vs_cc_set *s, const char *str, size_t len)
{
  size_t i, k, *index;
  char *copy;

  if (vs_cc_set_find (s, str, len))
    return 0;
  if (s->n == s->alloc) {
    size_t alloc = s->alloc ? 2 * s->alloc : SET_FIRST;

    if (alloc > SIZE_MAX / (3 * sizeof (size_t)))
      abort ();
    s->v = vs_xrealloc (s->v, alloc * sizeof *s->v
                        + 2 * alloc * sizeof (size_t));
    s->alloc = alloc;
    index = set_index (s);
    memset (index, 0, 2 * alloc * sizeof *index);
    for (i = 0; i < s->n; i++) {
      k = set_slot (s, s->v[i], strlen (s->v[i]));
      if (!index[k])
        index[k] = i + 1;
    }
  }
  copy = vs_xstrndup (str, len);        /* cut at a NUL it holds */
  s->v[s->n++] = copy;
  k = set_slot (s, copy, strlen (copy));
  index = set_index (s);
  if (!index[k])
    index[k] = s->n;
  return 1;
}

void
vs_cc_set_free (struct vs_cc_set *s)
{
  size_t i;

  for (i = 0; i < s->n; i++)
    free (s->v[i]);
  free (s->v);
  memset (s, 0, sizeof *s);
}

int
vs_cc_ends_with (const char *name, const char *suffix)
{
  size_t n = strlen (name), k = strlen (suffix);

  return n >= k && strcmp (name + n - k, suffix) == 0;
}
