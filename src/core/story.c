/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: findings told as one story (see story.h). */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "core/story.h"
#include "base/util.h"

/* Absolute paths read from one finding's evidence, at most. */
#define MAX_TOKENS 32
/* Bytes of one path in a story's title, at most. */
#define TITLE_PATH_MAX 256
/* Starters and configuration files named in a title, at most. */
#define TITLE_NAMES 3

enum rel { R_RUNS, R_USES, R_SAME };
static const char *const rel_name[] = { "runs", "uses", "same-file" };

struct fnd {
  int64_t id;
  int rank;
  char *check;
  char *category;
  char *path;                   /* NULL when the finding has none */
  size_t plen;
  char *evidence;
  size_t elen;
  int persistence;              /* category persistence */
};

struct link {
  size_t a, b;                  /* indices into the findings */
  enum rel rel;
};

struct story_ctx {
  struct fnd *f;
  size_t n;
  size_t *by_path;              /* indices of findings with a path, sorted */
  size_t npath;
  size_t *parent;               /* union-find */
  struct link *links;
  size_t nlinks;
};

static int
path_cmp (const char *a, size_t al, const char *b, size_t bl)
{
  int c = memcmp (a, b, al < bl ? al : bl);

  return c ? c : al < bl ? -1 : al > bl;
}

static const struct story_ctx *sort_ctx;

static int
cmp_by_path (const void *x, const void *y)
{
  const struct fnd *a = &sort_ctx->f[*(const size_t *) x];
  const struct fnd *b = &sort_ctx->f[*(const size_t *) y];
  int c = path_cmp (a->path, a->plen, b->path, b->plen);

  return c ? c : a->id < b->id ? -1 : a->id > b->id;
}

/* The first index in by_path of a finding at path, or npath. */
static size_t
find_path (const struct story_ctx *c, const char *path, size_t len)
{
  size_t lo = 0, hi = c->npath;

  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    const struct fnd *m = &c->f[c->by_path[mid]];

    if (path_cmp (m->path, m->plen, path, len) < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo < c->npath) {
    const struct fnd *m = &c->f[c->by_path[lo]];

    if (path_cmp (m->path, m->plen, path, len) == 0)
      return lo;
  }
  return c->npath;
}

static size_t
root (struct story_ctx *c, size_t i)
{
  while (c->parent[i] != i) {
    c->parent[i] = c->parent[c->parent[i]];
    i = c->parent[i];
  }
  return i;
}

static void
add_link (struct story_ctx *c, size_t a, size_t b, enum rel rel)
{
  size_t k, ra, rb;

  /* The links of a are the last ones added: no twice the same. */
  for (k = c->nlinks; k > 0 && c->links[k - 1].a == a; k--)
    if (c->links[k - 1].b == b)
      return;
  c->links = vs_xrealloc (c->links, (c->nlinks + 1) * sizeof *c->links);
  c->links[c->nlinks].a = a;
  c->links[c->nlinks].b = b;
  c->links[c->nlinks++].rel = rel;
  ra = root (c, a);
  rb = root (c, b);
  if (ra != rb)
    c->parent[ra > rb ? ra : rb] = ra < rb ? ra : rb;
}

static int
is_sep (char ch)
{
  return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '"'
    || ch == '\'' || ch == ';' || ch == '|' || ch == '&' || ch == '('
    || ch == ')' || ch == '<' || ch == '>' || ch == '=' || ch == '`'
    || ch == ',';
}

/* Whether a path names configuration or data rather than a program:
 * by its extension. */
static int
config_like (const char *t, size_t len)
{
  static const char *const ext[] = {
    ".json", ".conf", ".cfg", ".yaml", ".yml", ".toml", ".ini", ".txt",
    ".xml", ".config",
  };
  size_t i, n;

  for (i = 0; i < VS_ARRAY_SIZE (ext); i++) {
    n = strlen (ext[i]);
    if (len > n && memcmp (t + len - n, ext[i], n) == 0)
      return 1;
  }
  return 0;
}

/* Ties persistence finding i to the findings about the absolute paths
 * its evidence names: a configuration or data file (by its extension)
 * it uses, anything else it runs. */
static void
link_evidence (struct story_ctx *c, size_t i)
{
  const struct fnd *f = &c->f[i];
  const char *p = f->evidence, *e = f->evidence + f->elen;
  int tokens = 0;

  while (p < e && tokens < MAX_TOKENS) {
    const char *t;
    size_t len, k;

    while (p < e && is_sep (*p))
      p++;
    t = p;
    while (p < e && !is_sep (*p))
      p++;
    len = (size_t) (p - t);
    if (len < 2 || t[0] != '/')
      continue;
    /* "2>/dev/null" and the like are not the program. */
    if (len >= 5 && memcmp (t, "/dev/", 5) == 0)
      continue;
    tokens++;
    if (f->path && path_cmp (t, len, f->path, f->plen) == 0)
      continue;
    for (k = find_path (c, t, len); k < c->npath
           && path_cmp (c->f[c->by_path[k]].path, c->f[c->by_path[k]].plen,
                        t, len) == 0; k++)
      if (c->by_path[k] != i)
        add_link (c, i, c->by_path[k], config_like (t, len) ? R_USES
                  : R_RUNS);
  }
}

static const char *
noun (const char *check, const char *category)
{
  static const char *const names[][2] = {
    { "cryptominer", "a miner" }, { "malware", "malware" },
    { "masquerading", "a disguised program" },
    { "persistence", "a persistence entry" },
    { "package", "a changed packaged file" },
    { "access", "an access change" }, { "secret", "a secret" },
    { "permissions", "a permission change" },
    { "ioc", "an indicator match" },
  };
  size_t i;

  if (check && strcmp (check, "package.unowned") == 0)
    return "a program no package owns";
  for (i = 0; i < VS_ARRAY_SIZE (names); i++)
    if (category && strcmp (category, names[i][0]) == 0)
      return names[i][1];
  return "a finding";
}

/* How telling a category is of what a story is about. */
static int
weight (const char *category)
{
  static const char *const order[] = {
    "cryptominer", "malware", "masquerading", "ioc", "package",
  };
  size_t i;

  for (i = 0; i < VS_ARRAY_SIZE (order); i++)
    if (category && strcmp (category, order[i]) == 0)
      return (int) (VS_ARRAY_SIZE (order) - i);
  return 0;
}

static void
add_path (struct vs_buf *b, const char *p, size_t len)
{
  vs_buf_add (b, p, len < TITLE_PATH_MAX ? len : TITLE_PATH_MAX);
  if (len > TITLE_PATH_MAX)
    vs_buf_adds (b, "...");
}

/* Appends the distinct paths of findings idx[0..n): "A", "A and B",
 * "A, B and C", or the first TITLE_NAMES and how many more. */
static void
add_names (struct vs_buf *b, const struct story_ctx *c, const size_t *idx,
           size_t n)
{
  size_t *d = vs_xcalloc (n ? n : 1, sizeof *d);
  size_t i, j, nd = 0, shown;

  for (i = 0; i < n; i++) {
    const struct fnd *f = &c->f[idx[i]];
    int seen = 0;

    for (j = 0; j < nd && !seen; j++)
      seen = path_cmp (c->f[d[j]].path, c->f[d[j]].plen, f->path,
                       f->plen) == 0;
    if (!seen)
      d[nd++] = idx[i];
  }
  shown = nd < TITLE_NAMES ? nd : TITLE_NAMES;
  for (i = 0; i < shown; i++) {
    if (i)
      vs_buf_adds (b, i + 1 == shown && nd == shown ? " and " : ", ");
    add_path (b, c->f[d[i]].path, c->f[d[i]].plen);
  }
  if (nd > shown)
    vs_buf_addf (b, " and %zu more", nd - shown);
  free (d);
}

struct story {
  size_t root;
  int rank;
  size_t count;
  int64_t first_id;
};

static int
cmp_story (const void *x, const void *y)
{
  const struct story *a = x, *b = y;

  if (a->rank != b->rank)
    return b->rank - a->rank;
  if (a->count != b->count)
    return a->count < b->count ? 1 : -1;
  return a->first_id < b->first_id ? -1 : a->first_id > b->first_id;
}

/* The title and subject of the story whose findings have root r. */
static char *
story_title (struct story_ctx *c, size_t r, const char **subject,
             size_t *subject_len)
{
  struct vs_buf b = VS_BUF_INIT;
  size_t i, best = SIZE_MAX, *starters = NULL, *configs = NULL;
  size_t nstart = 0, nconf = 0;
  int best_w = -1, best_rank = -1;

  /* The subject: what is run, else the worst finding with a path. */
  for (i = 0; i < c->nlinks; i++) {
    const struct fnd *t = &c->f[c->links[i].b];
    int w = weight (t->category);

    if (c->links[i].rel != R_RUNS || root (c, c->links[i].a) != r)
      continue;
    if (w > best_w || (w == best_w && t->rank > best_rank)) {
      best = c->links[i].b;
      best_w = w;
      best_rank = t->rank;
    }
  }
  if (best == SIZE_MAX)
    for (i = 0; i < c->n; i++) {
      const struct fnd *t = &c->f[i];
      int w = weight (t->category);

      if (root (c, i) != r || !t->path)
        continue;
      if (t->rank > best_rank || (t->rank == best_rank && w > best_w)) {
        best = i;
        best_w = w;
        best_rank = t->rank;
      }
    }
  if (best == SIZE_MAX) {
    *subject = NULL;
    *subject_len = 0;
    return vs_xstrdup ("findings tied together");
  }
  /* The most telling finding about the subject's path names it. */
  for (i = 0; i < c->n; i++)
    if (root (c, i) == r && c->f[i].path
        && path_cmp (c->f[i].path, c->f[i].plen, c->f[best].path,
                     c->f[best].plen) == 0
        && weight (c->f[i].category) > weight (c->f[best].category))
      best = i;
  *subject = c->f[best].path;
  *subject_len = c->f[best].plen;
  vs_buf_adds (&b, noun (c->f[best].check, c->f[best].category));
  vs_buf_adds (&b, " at ");
  add_path (&b, c->f[best].path, c->f[best].plen);

  for (i = 0; i < c->nlinks; i++) {
    const struct link *l = &c->links[i];
    const struct fnd *t = &c->f[l->b];

    if (root (c, l->a) != r || !t->path || !c->f[l->a].path)
      continue;
    if (l->rel == R_RUNS && path_cmp (t->path, t->plen, *subject,
                                      *subject_len) == 0) {
      starters = vs_xrealloc (starters, (nstart + 1) * sizeof *starters);
      starters[nstart++] = l->a;
    }
    else if (l->rel == R_USES && path_cmp (t->path, t->plen, *subject,
                                           *subject_len) != 0) {
      configs = vs_xrealloc (configs, (nconf + 1) * sizeof *configs);
      configs[nconf++] = l->b;
    }
  }
  if (nstart) {
    vs_buf_adds (&b, ", started by ");
    add_names (&b, c, starters, nstart);
  }
  if (nconf) {
    vs_buf_adds (&b, ", configured by ");
    add_names (&b, c, configs, nconf);
  }
  free (starters);
  free (configs);
  return vs_buf_detach (&b, NULL);
}

static int
fail (sqlite3 *db, const char *what, char **errmsg)
{
  *errmsg = vs_xasprintf ("evidence database: %s: %s", what,
                          sqlite3_errmsg (db));
  return -1;
}

static char *
col_copy (sqlite3_stmt *s, int i, size_t *len)
{
  const char *t = (const char *) sqlite3_column_text (s, i);
  size_t n = t ? (size_t) sqlite3_column_bytes (s, i) : 0;
  char *r;

  if (len)
    *len = n;
  if (!t)
    return NULL;
  r = vs_xmalloc (n + 1);
  memcpy (r, t, n);
  r[n] = 0;
  return r;
}

static int
load (sqlite3 *db, int64_t scan_id, struct story_ctx *c, char **errmsg)
{
  sqlite3_stmt *s;
  int rc;

  if (sqlite3_prepare_v2 (db, "SELECT id, severity_rank, category, path, "
                          "evidence, check_id FROM findings WHERE scan_id = ? ORDER "
                          "BY id", -1, &s, NULL) != SQLITE_OK)
    return fail (db, "reading the findings", errmsg);
  sqlite3_bind_int64 (s, 1, scan_id);
  while ((rc = sqlite3_step (s)) == SQLITE_ROW) {
    struct fnd *f;

    c->f = vs_xrealloc (c->f, (c->n + 1) * sizeof *c->f);
    f = &c->f[c->n++];
    memset (f, 0, sizeof *f);
    f->id = sqlite3_column_int64 (s, 0);
    f->rank = sqlite3_column_int (s, 1);
    f->category = col_copy (s, 2, NULL);
    f->path = col_copy (s, 3, &f->plen);
    f->evidence = col_copy (s, 4, &f->elen);
    f->check = col_copy (s, 5, NULL);
    f->persistence = f->category && strcmp (f->category, "persistence") == 0;
  }
  sqlite3_finalize (s);
  if (rc != SQLITE_DONE)
    return fail (db, "reading the findings", errmsg);
  return 0;
}

static int
write_stories (sqlite3 *db, int64_t scan_id, struct story_ctx *c,
               uint64_t *nstories, char **errmsg)
{
  struct story *st = NULL;
  size_t nst = 0, i, k;
  int64_t *story_of = vs_xcalloc (c->n ? c->n : 1, sizeof *story_of);
  int *chain = vs_xcalloc (c->n ? c->n : 1, sizeof *chain);
  int *kind = vs_xcalloc (c->n ? c->n : 1, sizeof *kind);
  size_t *count = vs_xcalloc (c->n ? c->n : 1, sizeof *count);
  int *rank = vs_xcalloc (c->n ? c->n : 1, sizeof *rank);
  sqlite3_stmt *s = NULL, *l = NULL;
  int ret = -1;

  for (i = 0; i < c->n; i++)
    rank[i] = -1;
  for (i = 0; i < c->n; i++) {
    size_t r = root (c, i);

    count[r]++;
    if (c->f[i].rank > rank[r])
      rank[r] = c->f[i].rank;
    if (weight (c->f[i].category) >= 3)
      kind[r] = 1;
  }
  for (i = 0; i < c->nlinks; i++)
    if (c->links[i].rel != R_SAME)
      chain[root (c, c->links[i].a)] = 1;
  for (i = 0; i < c->n; i++)
    if (root (c, i) == i && count[i] >= 2 && rank[i] >= 2
        && (chain[i] || kind[i])) {
      st = vs_xrealloc (st, (nst + 1) * sizeof *st);
      st[nst].root = i;
      st[nst].rank = rank[i];
      st[nst].count = count[i];
      st[nst++].first_id = c->f[i].id;
    }
  if (nst)
    qsort (st, nst, sizeof *st, cmp_story);

  if (sqlite3_exec (db, "SAVEPOINT vs_story", NULL, NULL, NULL) != SQLITE_OK)
    goto sql;
  if (sqlite3_prepare_v2 (db, "INSERT INTO stories (scan_id, severity, "
                          "severity_rank, title, subject_path, findings) "
                          "VALUES (?,?,?,?,?,?)", -1, &s, NULL) != SQLITE_OK
      || sqlite3_prepare_v2 (db, "INSERT INTO finding_links (scan_id, "
                             "story_id, finding_id, linked_id, relation) "
                             "VALUES (?,?,?,?,?)", -1, &l, NULL)
      != SQLITE_OK)
    goto sql;
  for (k = 0; k < nst; k++) {
    static const char *const sev[5] = { "info", "low", "medium", "high",
      "critical" };
    const char *subject;
    size_t sublen;
    char *title = story_title (c, st[k].root, &subject, &sublen);
    int r = st[k].rank < 0 ? 0 : st[k].rank > 4 ? 4 : st[k].rank;

    sqlite3_bind_int64 (s, 1, scan_id);
    sqlite3_bind_text (s, 2, sev[r], -1, SQLITE_STATIC);
    sqlite3_bind_int (s, 3, r);
    sqlite3_bind_text64 (s, 4, title, strlen (title), free, SQLITE_UTF8);
    if (subject)
      sqlite3_bind_text64 (s, 5, subject, sublen, SQLITE_TRANSIENT,
                           SQLITE_UTF8);
    else
      sqlite3_bind_null (s, 5);
    sqlite3_bind_int64 (s, 6, (int64_t) st[k].count);
    if (sqlite3_step (s) != SQLITE_DONE)
      goto sql;
    sqlite3_reset (s);
    story_of[st[k].root] = sqlite3_last_insert_rowid (db);
  }
  for (i = 0; i < c->nlinks; i++) {
    int64_t sid = story_of[root (c, c->links[i].a)];

    sqlite3_bind_int64 (l, 1, scan_id);
    if (sid)
      sqlite3_bind_int64 (l, 2, sid);
    else
      sqlite3_bind_null (l, 2);
    sqlite3_bind_int64 (l, 3, c->f[c->links[i].a].id);
    sqlite3_bind_int64 (l, 4, c->f[c->links[i].b].id);
    sqlite3_bind_text (l, 5, rel_name[c->links[i].rel], -1, SQLITE_STATIC);
    if (sqlite3_step (l) != SQLITE_DONE)
      goto sql;
    sqlite3_reset (l);
  }
  if (sqlite3_exec (db, "RELEASE vs_story", NULL, NULL, NULL) != SQLITE_OK)
    goto sql;
  *nstories = nst;
  ret = 0;
  goto out;

 sql:
  fail (db, "writing the stories", errmsg);
  sqlite3_exec (db, "ROLLBACK TO vs_story; RELEASE vs_story", NULL, NULL,
                NULL);
 out:
  sqlite3_finalize (s);
  sqlite3_finalize (l);
  free (st);
  free (story_of);
  free (chain);
  free (kind);
  free (count);
  free (rank);
  return ret;
}

int
vs_story_build (sqlite3 *db, int64_t scan_id, uint64_t *nstories,
                char **errmsg)
{
  struct story_ctx c;
  size_t i;
  int ret = -1;

  memset (&c, 0, sizeof c);
  *nstories = 0;
  if (load (db, scan_id, &c, errmsg) == -1)
    goto out;
  c.parent = vs_xcalloc (c.n ? c.n : 1, sizeof *c.parent);
  c.by_path = vs_xcalloc (c.n ? c.n : 1, sizeof *c.by_path);
  for (i = 0; i < c.n; i++) {
    c.parent[i] = i;
    if (c.f[i].path)
      c.by_path[c.npath++] = i;
  }
  sort_ctx = &c;
  qsort (c.by_path, c.npath, sizeof *c.by_path, cmp_by_path);
  sort_ctx = NULL;

  /* Findings about one same path, then what persistence entries run. */
  for (i = 1; i < c.npath; i++) {
    const struct fnd *a = &c.f[c.by_path[i - 1]], *b = &c.f[c.by_path[i]];

    if (path_cmp (a->path, a->plen, b->path, b->plen) == 0)
      add_link (&c, c.by_path[i - 1], c.by_path[i], R_SAME);
  }
  for (i = 0; i < c.n; i++)
    if (c.f[i].persistence && c.f[i].evidence)
      link_evidence (&c, i);
  ret = write_stories (db, scan_id, &c, nstories, errmsg);

 out:
  for (i = 0; i < c.n; i++) {
    free (c.f[i].check);
    free (c.f[i].category);
    free (c.f[i].path);
    free (c.f[i].evidence);
  }
  free (c.f);
  free (c.by_path);
  free (c.parent);
  free (c.links);
  return ret;
}
