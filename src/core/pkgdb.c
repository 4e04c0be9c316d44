/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: the guest's package database (see pkgdb.h).
 *
 * Design notes.  Every string (paths, package names, digests) lives in
 * an arena of large chunks that never move, so the pointers handed out
 * in struct vs_pkg_file stay valid until vs_pkgdb_free.  Files are an
 * array; a hash table (open addressing, keyed SipHash) maps a canonical
 * path to the first entry for it, and entries for the same path from
 * other packages are chained through "next", in the order they were
 * added.  Invariant: each path appears once in the table; a package
 * appears at most once in a path's chain; the first entry's "tail" is
 * the chain's last entry; while loading, L->owners maps (first entry,
 * package) to each later entry, so that adding an owner never walks
 * the chain (a path shipped by every one of 100,000 packages costs the
 * same per package as one shipped by one).
 *
 * Work is linear in the database: every loop over guest data counts its
 * turns with vs_tick and ends the load when the scan is stopping (the
 * load then records "reading stopped" and gives no database: half of
 * one would make packaged files look unowned).
 *
 * Canonical paths: a packaged path is split into its directory and its
 * last component; the directory is resolved through the guest's symlinks
 * (vs_guest_realpath) once and cached, the last component is kept as is
 * (a package that ships a symlink owns the link, not its target).  A
 * directory that does not resolve (removed, a loop) is kept as written.
 *
 * dpkg: /var/lib/dpkg/status (packages, conffiles and their md5s),
 * info/<pkg>[:<arch>].list (paths) and .md5sums, and diversions (a file
 * another package diverted is where the diversion put it).  rpm: the
 * SQLite rpmdb, read whole into memory with vs_guest_read and handed to
 * parse-rpmsqlite.c (the guest file is never opened in place), or the
 * Berkeley DB Packages file read by parse-bdb.c.
 */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/bytes.h"
#include "core/guest.h"
#include "core/types.h"
#include "parse/bdb.h"
#include "parse/dpkg.h"
#include "parse/rpm.h"
#include "parse/rpmsqlite.h"
#include "core/pkgdb.h"
#include "base/util.h"

#define ARENA_CHUNK (1u << 20)
#define MAX_STATUS (64u << 20)
#define MAX_LIST (64u << 20)
#define MAX_DIVERSIONS (16u << 20)
/* Diversions kept: a Debian system has a few dozen. */
#define MAX_DIVERSION_COUNT 100000
#define MAX_RPMDB (512u << 20)
/* Errors recorded per database before the rest are only counted. */
#define MAX_ERRORS 50

/* ---- arena ---- */

struct chunk {
  struct chunk *next;
  size_t used, size;
  char data[];
};

struct arena {
  struct chunk *head;
};

static char *
arena_alloc (struct arena *a, size_t n)
{
  struct chunk *c = a->head;

  if (!c || c->size - c->used < n) {
    size_t size = n > ARENA_CHUNK / 4 ? n : ARENA_CHUNK;

    c = vs_xmalloc (sizeof *c + size);
    c->size = size;
    c->used = 0;
    if (size == n && a->head) {
      /* A big one: keep filling the current chunk afterwards. */
      c->next = a->head->next;
      a->head->next = c;
    } else {
      c->next = a->head;
      a->head = c;
    }
  }
  c->used += n;
  return c->data + c->used - n;
}

static char *
arena_strndup (struct arena *a, const char *s, size_t n)
{
  char *p = arena_alloc (a, n + 1);

  memcpy (p, s, n);
  p[n] = '\0';
  return p;
}

static void
arena_free (struct arena *a)
{
  while (a->head) {
    struct chunk *c = a->head;

    a->head = c->next;
    free (c);
  }
}

/* ---- keyed hashing ----
 *
 * The keys of these tables (paths, package names) come from the guest.
 * An unkeyed hash would let a crafted database give thousands of paths
 * one hash value and make every insertion walk all of them, so each
 * table hashes with SipHash-2-4 (Aumasson and Bernstein) under a key of
 * its own (vs_siphash, vs_random_key in util.h). */

/* Both tables below are open-addressed, linear probing, kept at most
 * half full.  Growing one starts here: a zeroed array of twice *cap
 * slots of size bytes (1024 for a table's first, which also gets the
 * table's key); the caller moves the used slots of the old array over
 * with its own find, which sees the new array and the same key, and
 * frees the old. */
static void *
table_grow (size_t *cap, size_t size, unsigned char key[16])
{
  if (!*cap)
    vs_random_key (key);
  *cap = *cap ? 2 * *cap : 1024;
  return vs_xcalloc (*cap, size);
}

/* ---- string map: key bytes to a uint32 value ---- */

struct slot {
  const char *key; /* NULL: empty */
  uint32_t len, hash, val;
};

struct strmap {
  struct slot *s;
  size_t cap, n; /* cap is a power of 2 or 0 */
  unsigned char key[16]; /* set with the first slots */
};

static uint32_t
hash_bytes (const struct strmap *m, const char *p, size_t n)
{
  return (uint32_t)vs_siphash (m->key, p, n);
}

/* Every probe is counted with vs_tick_n (the tests bound a load's work
 * by it); the stop request is honoured by the loops that call this. */
static struct slot *
map_find (const struct strmap *m, const char *key, size_t len, uint32_t h)
{
  size_t i, probes = 0;
  struct slot *s;

  if (!m->cap)
    return NULL;
  for (i = h & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
    s = &m->s[i];
    probes++;
    if (!s->key)
      break;
    if (s->hash == h && s->len == len && memcmp (s->key, key, len) == 0)
      break;
  }
  (void)vs_tick_n (probes);
  return s;
}

/* The value for key, or 0 (values stored are never 0). */
static uint32_t
map_get (const struct strmap *m, const char *key, size_t len)
{
  struct slot *s;

  if (!m->cap)
    return 0;
  s = map_find (m, key, len, hash_bytes (m, key, len));
  return s->key ? s->val : 0;
}

/* Inserts key (which must stay valid: an arena string) with val != 0;
 * key must not be present. */
static void
map_put (struct strmap *m, const char *key, size_t len, uint32_t val)
{
  struct slot *s;
  uint32_t h;

  if (2 * (m->n + 1) > m->cap) {
    struct slot *old = m->s;
    size_t i, old_cap = m->cap;

    m->s = table_grow (&m->cap, sizeof *m->s, m->key);
    for (i = 0; i < old_cap; i++)
      if (old[i].key)
        *map_find (m, old[i].key, old[i].len, old[i].hash) = old[i];
    free (old);
  }
  h = hash_bytes (m, key, len);
  s = map_find (m, key, len, h);
  s->key = key;
  s->len = (uint32_t)len;
  s->hash = h;
  s->val = val;
  m->n++;
}

static void
map_free (struct strmap *m)
{
  free (m->s);
  memset (m, 0, sizeof *m);
}

/* ---- owner map: (first entry of a path, package) to its entry ---- */

struct owner_slot {
  const char *pkg;
  uint32_t head, val; /* val 0: empty */
};

struct ownermap {
  struct owner_slot *s;
  size_t cap, n; /* cap is a power of 2 or 0 */
  unsigned char key[16];
};

static size_t
owner_hash (const struct ownermap *m, uint32_t head, const char *pkg)
{
  uint64_t w[2];

  w[0] = head;
  w[1] = (uint64_t)(uintptr_t)pkg;
  return (size_t)vs_siphash (m->key, w, sizeof w);
}

static struct owner_slot *
owner_find (const struct ownermap *m, uint32_t head, const char *pkg)
{
  size_t i, probes = 0;
  struct owner_slot *s;

  for (i = owner_hash (m, head, pkg) & (m->cap - 1);;
       i = (i + 1) & (m->cap - 1)) {
    s = &m->s[i];
    probes++;
    if (!s->val || (s->head == head && s->pkg == pkg))
      break;
  }
  (void)vs_tick_n (probes);
  return s;
}

/* The entry (index + 1) of package pkg for the path whose first entry is
 * head, or 0. */
static uint32_t
owner_get (const struct ownermap *m, uint32_t head, const char *pkg)
{
  return m->cap ? owner_find (m, head, pkg)->val : 0;
}

static void
owner_put (struct ownermap *m, uint32_t head, const char *pkg, uint32_t val)
{
  struct owner_slot *s;

  if (2 * (m->n + 1) > m->cap) {
    struct owner_slot *old = m->s;
    size_t i, old_cap = m->cap;

    m->s = table_grow (&m->cap, sizeof *m->s, m->key);
    for (i = 0; i < old_cap; i++)
      if (old[i].val)
        *owner_find (m, old[i].head, old[i].pkg) = old[i];
    free (old);
  }
  s = owner_find (m, head, pkg);
  s->pkg = pkg;
  s->head = head;
  s->val = val;
  m->n++;
}

/* ---- the database ---- */

struct file {
  struct vs_pkg_file pub; /* first: a vs_pkg_file * is a file * */
  uint32_t path_len;
  uint32_t next; /* next owner of the path: index + 1 */
  uint32_t tail; /* first entry of a path: its last owner's, or 0 */
};

struct vs_pkgdb {
  const char *kind;
  struct arena arena;
  struct file *files;
  size_t nfiles, alloc;
  struct strmap paths;    /* canonical path -> file index + 1 */
  struct strmap packages; /* name -> 1-based package number */
  char **package_names;
  size_t npackages, names_alloc; /* names interned */
  size_t installed;              /* packages installed */
  struct vs_pkg *pkgs;           /* the installed ones (installed of them) */
  size_t pkgs_alloc;
};

struct diversion {
  const char *to;  /* canonical, in the arena */
  const char *pkg; /* interned, NULL for a local one */
};

/* What a load needs on the way. */
struct loader {
  struct vs_guest *guest;
  const struct vs_os *os;
  vs_pkgdb_error_fn *on_error;
  void *opaque;
  int failed; /* on_error said the store failed */
  struct vs_pkgdb *db;
  const char *source; /* file being read, for errors */
  struct strmap dirs; /* directory -> canonical, 1-based */
  char **dir_canon;
  size_t ndirs, dirs_alloc;
  struct strmap div_map; /* canonical path -> 1-based diversion */
  struct diversion *divs;
  size_t ndivs, divs_alloc;
  struct ownermap owners; /* the entries of a path after its first */
  const char *pkg;        /* package being read */
  struct vs_buf path;     /* scratch */
  struct vs_buf canon;
  size_t errors; /* recorded */
  size_t errors_dropped;
  int full;      /* VS_PKGDB_MAX_FILES reached */
  int pkgs_full; /* VS_PKGDB_MAX_PACKAGES reached */
  int stopped;   /* vs_tick asked to stop */
};

const char *
vs_pkgdb_kind (const struct vs_pkgdb *db)
{
  return db ? db->kind : "none";
}

size_t
vs_pkgdb_packages (const struct vs_pkgdb *db)
{
  return db ? db->installed : 0;
}

const struct vs_pkg *
vs_pkgdb_package (const struct vs_pkgdb *db, size_t i)
{
  return db && i < db->installed ? &db->pkgs[i] : NULL;
}

size_t
vs_pkgdb_count (const struct vs_pkgdb *db)
{
  return db ? db->nfiles : 0;
}

const struct vs_pkg_file *
vs_pkgdb_file (const struct vs_pkgdb *db, size_t i)
{
  return db && i < db->nfiles ? &db->files[i].pub : NULL;
}

const struct vs_pkg_file *
vs_pkgdb_lookup (const struct vs_pkgdb *db, const char *path, size_t len)
{
  uint32_t v;

  if (!db)
    return NULL;
  v = map_get (&db->paths, path, len);
  return v ? &db->files[v - 1].pub : NULL;
}

const struct vs_pkg_file *
vs_pkgdb_next_owner (const struct vs_pkgdb *db, const struct vs_pkg_file *f)
{
  const struct file *e = (const struct file *)f;

  return e->next ? &db->files[e->next - 1].pub : NULL;
}

size_t
vs_pkgdb_index (const struct vs_pkgdb *db, const struct vs_pkg_file *f)
{
  return (size_t)((const struct file *)f - db->files);
}

int
vs_pkgdb_is_stock (const struct vs_pkgdb *db, const char *path, size_t len,
                   const char *md5, const char *sha1, const char *sha256)
{
  const struct vs_pkg_file *f;

  for (f = vs_pkgdb_lookup (db, path, len); f;
       f = vs_pkgdb_next_owner (db, f)) {
    const char *have = f->digest_type == VS_PKG_DIGEST_MD5      ? md5
                       : f->digest_type == VS_PKG_DIGEST_SHA1   ? sha1
                       : f->digest_type == VS_PKG_DIGEST_SHA256 ? sha256
                                                                : NULL;

    if (f->digest && have && strcasecmp (f->digest, have) == 0)
      return 1;
  }
  return 0;
}

void
vs_pkgdb_free (struct vs_pkgdb *db)
{
  if (!db)
    return;
  arena_free (&db->arena);
  map_free (&db->paths);
  map_free (&db->packages);
  free (db->files);
  free (db->package_names);
  free (db->pkgs);
  free (db);
}

/* Hands one problem to the caller's callback; -1 (and L->failed from
 * then on) if it says the store failed. */
static int
report (struct loader *L, const char *path, const char *msg)
{
  if (L->on_error && L->on_error (L->opaque, path, msg) == -1) {
    L->failed = 1;
    return -1;
  }
  return 0;
}

static int report_fmt (struct loader *L, const char *path, const char *fmt,
                       ...) __attribute__ ((format (printf, 3, 4)));

static int
report_fmt (struct loader *L, const char *path, const char *fmt, ...)
{
  CLEANUP_FREE char *msg = NULL;
  va_list ap;

  va_start (ap, fmt);
  msg = vs_xvasprintf (fmt, ap);
  va_end (ap);
  return report (L, path, msg);
}

/* Records a problem with the database; past MAX_ERRORS they are only
 * counted (one summary at the end).  Returns -1 if the store failed. */
static int load_error (struct loader *L, const char *path, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

static int
load_error (struct loader *L, const char *path, const char *fmt, ...)
{
  CLEANUP_FREE char *msg = NULL;
  va_list ap;

  if (L->errors >= MAX_ERRORS) {
    L->errors_dropped++;
    return 0;
  }
  L->errors++;
  va_start (ap, fmt);
  msg = vs_xvasprintf (fmt, ap);
  va_end (ap);
  return report (L, path, msg);
}

/* A copy of len bytes of guest text in the arena (cut at a NUL, and at
 * VS_PKG_MAX_FIELD bytes: a field of a hostile stanza can be as long as
 * the file), or NULL for NULL. */
static const char *
arena_text (struct arena *a, const char *s, size_t len)
{
  if (!s)
    return NULL;
  return arena_strndup (a, s, strnlen (s, len < VS_PKG_MAX_FIELD ? len
                                                  : VS_PKG_MAX_FIELD));
}

/* Counts one more installed package and keeps what identifies it. */
static void
add_installed (struct vs_pkgdb *db, const char *name, const char *version,
               const char *arch, const char *status)
{
  struct vs_pkg *p;

  if (db->installed == db->pkgs_alloc) {
    db->pkgs_alloc = db->pkgs_alloc ? 2 * db->pkgs_alloc : 256;
    db->pkgs = vs_xrealloc (db->pkgs, db->pkgs_alloc * sizeof *db->pkgs);
  }
  p = &db->pkgs[db->installed++];
  p->name = name;
  p->version = version;
  p->arch = arch;
  p->status = status;
}

/* The interned name of a package, added if new (counting it); NULL
 * once VS_PKGDB_MAX_PACKAGES names are known (noted in L). */
static const char *
intern_package (struct loader *L, const char *name, size_t len)
{
  struct vs_pkgdb *db = L->db;
  uint32_t v = map_get (&db->packages, name, len);
  char *s;

  if (v)
    return db->package_names[v - 1];
  if (db->npackages >= VS_PKGDB_MAX_PACKAGES) {
    L->pkgs_full = 1;
    return NULL;
  }
  s = arena_strndup (&db->arena, name, len);
  if (db->npackages == db->names_alloc) {
    db->names_alloc = db->names_alloc ? 2 * db->names_alloc : 256;
    db->package_names
        = vs_xrealloc (db->package_names, db->names_alloc * sizeof (char *));
  }
  db->package_names[db->npackages++] = s;
  map_put (&db->packages, s, len, (uint32_t)db->npackages);
  return s;
}

/* The canonical form of the directory dir (len bytes, absolute, no
 * trailing slash, not "/"). */
static const char *
canonical_dir (struct loader *L, const char *dir, size_t len)
{
  uint32_t v = map_get (&L->dirs, dir, len);
  const char *key;
  char *c = NULL, *tmp;

  if (v)
    return L->dir_canon[v - 1];
  tmp = vs_xstrndup (dir, len);
  if (vs_guest_realpath (L->guest, tmp, &c) == -1) {
    c = tmp;
    tmp = NULL;
  }
  free (tmp);
  key = arena_strndup (&L->db->arena, dir, len);
  if (L->ndirs == L->dirs_alloc) {
    L->dirs_alloc = L->dirs_alloc ? 2 * L->dirs_alloc : 256;
    L->dir_canon = vs_xrealloc (L->dir_canon, L->dirs_alloc * sizeof (char *));
  }
  L->dir_canon[L->ndirs++] = arena_strndup (&L->db->arena, c, strlen (c));
  free (c);
  map_put (&L->dirs, key, len, (uint32_t)L->ndirs);
  return L->dir_canon[L->ndirs - 1];
}

/* Puts the canonical form of path (len bytes) into L->canon.  Returns 0,
 * or -1 for a path that names no file (empty, ".", "..", a NUL). */
static int
canonicalise (struct loader *L, const char *path, size_t len)
{
  const char *base, *slash;
  size_t blen;

  if (len == 0 || len > VS_DPKG_MAX_PATH || path[0] != '/'
      || memchr (path, '\0', len))
    return -1;
  while (len > 1 && path[len - 1] == '/')
    len--;
  slash = path + len - 1;
  while (*slash != '/')
    slash--;
  base = slash + 1;
  blen = len - (size_t)(base - path);
  if (blen == 0 || (blen == 1 && base[0] == '.')
      || (blen == 2 && base[0] == '.' && base[1] == '.'))
    return -1;
  vs_buf_setlen (&L->canon, 0);
  if (slash > path) {
    const char *d = canonical_dir (L, path, (size_t)(slash - path));

    vs_buf_adds (&L->canon, d);
  }
  if (L->canon.len != 1)
    vs_buf_addc (&L->canon, '/');
  vs_buf_add (&L->canon, base, blen);
  return 0;
}

static enum vs_pkg_digest
digest_kind (const char *hex, enum vs_pkg_digest want)
{
  size_t n = strlen (hex), i;

  if ((want == VS_PKG_DIGEST_MD5 && n != 32)
      || (want == VS_PKG_DIGEST_SHA1 && n != 40)
      || (want == VS_PKG_DIGEST_SHA256 && n != 64))
    return VS_PKG_DIGEST_NONE;
  for (i = 0; i < n; i++) {
    char c = hex[i];

    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')
          || (c >= 'A' && c <= 'F')))
      return VS_PKG_DIGEST_NONE;
  }
  return want;
}

/* Adds that package pkg owns the canonical path in L->canon, with a
 * digest (may be NULL) and the conffile flag; merges with what the
 * package already said about the path.  O(1): the path's first entry is
 * found in db->paths, another package's entry for it in L->owners, and
 * a new entry goes after the first entry's "tail". */
static void
add_owned (struct loader *L, const char *pkg, enum vs_pkg_digest type,
           const char *digest, int conffile)
{
  struct vs_pkgdb *db = L->db;
  const char *path = L->canon.data;
  size_t len = L->canon.len;
  uint32_t head, mine = 0, idx;
  struct file *f;

  if (digest && digest_kind (digest, type) == VS_PKG_DIGEST_NONE)
    digest = NULL;
  head = map_get (&db->paths, path, len);
  if (head)
    mine = db->files[head - 1].pub.package == pkg
               ? head
               : owner_get (&L->owners, head, pkg);
  if (mine) {
    f = &db->files[mine - 1];
    if (digest && (!f->pub.digest || conffile)) {
      f->pub.digest = arena_strndup (&db->arena, digest, strlen (digest));
      f->pub.digest_type = type;
    }
    if (conffile)
      f->pub.conffile = 1;
    return;
  }
  if (db->nfiles >= VS_PKGDB_MAX_FILES) {
    L->full = 1;
    return;
  }
  if (db->nfiles == db->alloc) {
    db->alloc = db->alloc ? 2 * db->alloc : 4096;
    db->files = vs_xrealloc (db->files, db->alloc * sizeof *db->files);
  }
  idx = (uint32_t)db->nfiles + 1;
  f = &db->files[db->nfiles];
  memset (f, 0, sizeof *f);
  f->path_len = (uint32_t)len;
  f->pub.package = pkg;
  f->pub.conffile = conffile;
  if (digest) {
    f->pub.digest = arena_strndup (&db->arena, digest, strlen (digest));
    f->pub.digest_type = type;
  }
  if (head) {
    struct file *first = &db->files[head - 1];

    f->pub.path = first->pub.path;
    db->files[(first->tail ? first->tail : head) - 1].next = idx;
    first->tail = idx;
    owner_put (&L->owners, head, pkg, idx);
  } else {
    f->pub.path = arena_strndup (&db->arena, path, len);
    map_put (&db->paths, f->pub.path, len, idx);
  }
  db->nfiles++;
}

/* Where a dpkg package's file at the canonical path in L->canon really
 * is: somewhere else when another package (or the admin) diverted it. */
static void
apply_diversion (struct loader *L, const char *pkg)
{
  uint32_t v;
  const struct diversion *d;

  if (!L->ndivs)
    return;
  v = map_get (&L->div_map, L->canon.data, L->canon.len);
  if (!v)
    return;
  d = &L->divs[v - 1];
  if (d->pkg == pkg)
    return;
  vs_buf_setlen (&L->canon, 0);
  vs_buf_adds (&L->canon, d->to);
}

/* Counts a turn of a loop over guest data (vs_tick) and notes a stop
 * request; returns nonzero when the load is to end. */
static int
tick (struct loader *L)
{
  if (vs_tick ())
    L->stopped = 1;
  return L->stopped;
}

/* ---- dpkg ---- */

static int
on_diversion (const char *from, size_t from_len, const char *to, size_t to_len,
              const char *pkg, size_t pkg_len, void *opaque)
{
  struct loader *L = opaque;
  const char *owner = NULL, *cto;

  if (L->ndivs >= MAX_DIVERSION_COUNT)
    return -1;
  if (!(pkg_len == 1 && pkg[0] == ':')
      && !(owner = intern_package (L, pkg, pkg_len)))
    return 0;
  if (canonicalise (L, to, to_len) == -1)
    return 0;
  cto = arena_strndup (&L->db->arena, L->canon.data, L->canon.len);
  if (canonicalise (L, from, from_len) == -1
      || map_get (&L->div_map, L->canon.data, L->canon.len))
    return 0;
  if (L->ndivs == L->divs_alloc) {
    L->divs_alloc = L->divs_alloc ? 2 * L->divs_alloc : 64;
    L->divs = vs_xrealloc (L->divs, L->divs_alloc * sizeof *L->divs);
  }
  L->divs[L->ndivs].to = cto;
  L->divs[L->ndivs].pkg = owner;
  L->ndivs++;
  map_put (&L->div_map,
           arena_strndup (&L->db->arena, L->canon.data, L->canon.len),
           L->canon.len, (uint32_t)L->ndivs);
  return 0;
}

static int
on_package (const struct vs_dpkg_package *p, void *opaque)
{
  struct loader *L = opaque;
  const char *name;
  size_t i;

  if (!p->has_files && !p->nconffiles)
    return 0;
  name = intern_package (L, p->name, p->name_len);
  if (!name)
    return 0;
  if (p->has_files) {
    struct arena *a = &L->db->arena;

    add_installed (L->db, name, arena_text (a, p->version, p->version_len),
                   arena_text (a, p->arch, p->arch_len),
                   arena_text (a, p->status, p->status_len));
  }
  for (i = 0; i < p->nconffiles && !L->full; i++) {
    const struct vs_dpkg_conffile *c = &p->conffiles[i];

    if (tick (L))
      return -1;
    if (c->obsolete || canonicalise (L, c->path, c->path_len) == -1)
      continue;
    apply_diversion (L, name);
    add_owned (L, name, VS_PKG_DIGEST_MD5, c->md5[0] ? c->md5 : NULL, 1);
  }
  return 0;
}

static int
on_list_path (const char *path, size_t len, void *opaque)
{
  struct loader *L = opaque;

  if (canonicalise (L, path, len) == 0) {
    apply_diversion (L, L->pkg);
    add_owned (L, L->pkg, VS_PKG_DIGEST_NONE, NULL, 0);
  }
  return L->full || L->stopped ? -1 : 0;
}

static int
on_md5sum (const char *md5, const char *path, size_t len, void *opaque)
{
  struct loader *L = opaque;

  vs_buf_setlen (&L->path, 0);
  vs_buf_addc (&L->path, '/');
  vs_buf_add (&L->path, path, len);
  if (canonicalise (L, L->path.data, L->path.len) == 0) {
    apply_diversion (L, L->pkg);
    add_owned (L, L->pkg, VS_PKG_DIGEST_MD5, md5, 0);
  }
  return L->full || L->stopped ? -1 : 0;
}

static int
has_suffix (const char *s, const char *suffix, size_t *stem)
{
  size_t n = strlen (s), m = strlen (suffix);

  if (n <= m || strcmp (s + n - m, suffix) != 0)
    return 0;
  *stem = n - m;
  return 1;
}

/* Reads one info/ file and hands it to its parser. */
static int
read_info_file (struct loader *L, const char *dir, const char *name,
                int md5sums)
{
  CLEANUP_FREE char *path = vs_xasprintf ("%s/%s", dir, name);
  CLEANUP_FREE char *data = NULL;
  size_t len, bad = 0;

  if (vs_guest_read (L->guest, path, MAX_LIST, 0, &data, &len) == -1)
    return load_error (L, path, "dpkg: cannot read %s: %s", path,
                       strerror (errno));
  if (md5sums)
    vs_dpkg_parse_md5sums (data, len, on_md5sum, L, &bad);
  else
    vs_dpkg_parse_list (data, len, on_list_path, L, &bad);
  if (vs_stopping ())
    L->stopped = 1;
  if (bad)
    return load_error (L, path, "dpkg: %zu lines of %s skipped", bad, path);
  return 0;
}

static int
load_dpkg (struct loader *L, char **note)
{
  static const char info[] = "/var/lib/dpkg/info";
  CLEANUP_FREE char *data = NULL;
  char **names = NULL;
  size_t len, n = 0, i, bad = 0;
  int pass;

  L->db->kind = "dpkg";
  if (vs_guest_read (L->guest, "/var/lib/dpkg/diversions", MAX_DIVERSIONS,
                     0, &data, &len)
      == 0) {
    vs_dpkg_parse_diversions (data, len, on_diversion, L, &bad);
    free (data);
    data = NULL;
    if (vs_stopping ())
      L->stopped = 1;
    if (L->stopped)
      return 0;
    if (bad
        && load_error (L, "/var/lib/dpkg/diversions",
                       "dpkg: %zu diversions skipped", bad)
               == -1)
      return -1;
    if (L->ndivs >= MAX_DIVERSION_COUNT
        && load_error (L, "/var/lib/dpkg/diversions",
                       "dpkg: more than %d diversions, the rest ignored",
                       MAX_DIVERSION_COUNT)
               == -1)
      return -1;
  }
  if (vs_guest_read (L->guest, "/var/lib/dpkg/status", MAX_STATUS, 0,
                     &data, &len)
      == -1) {
    *note = vs_xasprintf ("dpkg: cannot read /var/lib/dpkg/status: %s",
                          strerror (errno));
    return load_error (L, "/var/lib/dpkg/status", "%s", *note);
  }
  bad = 0;
  vs_dpkg_parse_status (data, len, on_package, L, &bad);
  if (vs_stopping ())
    L->stopped = 1;
  if (L->stopped)
    return 0;
  if (bad
      && load_error (L, "/var/lib/dpkg/status",
                     "dpkg: %zu stanzas or lines skipped", bad)
             == -1)
    return -1;
  if (vs_guest_list (L->guest, info, &names, &n) == -1)
    return load_error (L, info, "dpkg: cannot list %s: %s", info,
                       strerror (errno));
  /* .list first, so that the owner of each path is known before the
   * digests; then .md5sums. */
  for (pass = 0; pass < 2 && !L->full && !L->stopped; pass++) {
    for (i = 0; i < n && !L->full; i++) {
      size_t stem;
      const char *colon;

      if (tick (L))
        break;
      if (!has_suffix (names[i], pass ? ".md5sums" : ".list", &stem))
        continue;
      colon = memchr (names[i], ':', stem);
      L->pkg = intern_package (L, names[i],
                               colon ? (size_t)(colon - names[i]) : stem);
      if (!L->pkg)
        continue;
      if (read_info_file (L, info, names[i], pass) == -1) {
        vs_guest_free_list (names, n);
        return -1;
      }
      if (L->failed)
        break;
    }
  }
  vs_guest_free_list (names, n);
  return 0;
}

/* ---- rpm ---- */

static enum vs_pkg_digest
rpm_digest_type (uint32_t algo)
{
  switch (algo) {
  case VS_RPM_ALGO_MD5:
    return VS_PKG_DIGEST_MD5;
  case VS_RPM_ALGO_SHA1:
    return VS_PKG_DIGEST_SHA1;
  case VS_RPM_ALGO_SHA256:
    return VS_PKG_DIGEST_SHA256;
  default:
    return VS_PKG_DIGEST_NONE;
  }
}

/* Adds one package's header blob.  Returns -1 if the store failed. */
static int
add_rpm_header (struct loader *L, const unsigned char *blob, size_t len,
                const char *src, int64_t hnum)
{
  struct vs_rpm_header h;
  const char *err = NULL, *name;
  enum vs_pkg_digest type;
  size_t i, skipped = 0;

  if (L->db->installed >= VS_PKGDB_MAX_PACKAGES) {
    L->pkgs_full = 1;
    return 0;
  }
  if (vs_rpm_header_parse (blob, len, &h, &err) == -1) {
    if (vs_stopping ()) {
      L->stopped = 1;
      return 0;
    }
    return load_error (L, src, "rpm: package %lld: %s", (long long)hnum, err);
  }
  /* Not interned: two installed instances of one name (multilib
   * x86_64 and i686, two kernels) stay apart in a path's chain, so that
   * a file matching either one is stock. */
  name = arena_strndup (&L->db->arena, h.name, strlen (h.name));
  {
    CLEANUP_FREE char *evr = NULL;

    /* Versions are short; a hostile one is cut, not copied whole. */
    if (h.version && h.has_epoch)
      evr = vs_xasprintf ("%" PRIu32 ":%.256s%s%.256s", h.epoch, h.version,
                          h.release ? "-" : "", h.release ? h.release : "");
    else if (h.version)
      evr = vs_xasprintf ("%.256s%s%.256s", h.version, h.release ? "-" : "",
                          h.release ? h.release : "");
    add_installed (L->db, name,
                   evr ? arena_strndup (&L->db->arena, evr, strlen (evr))
                       : NULL,
                   h.arch ? arena_strndup (&L->db->arena, h.arch,
                                           strnlen (h.arch, 256))
                          : NULL,
                   NULL);
  }
  type = rpm_digest_type (h.digest_algo);
  for (i = 0; i < h.nfiles && !L->full; i++) {
    const struct vs_rpm_file *f = &h.files[i];
    int reg = f->mode == 0 || S_ISREG (f->mode);
    /* Many files may share one directory string: measure it only up to
     * the longest path kept, not to its NUL. */
    size_t dlen = strnlen (f->dir, VS_DPKG_MAX_PATH + 1);
    size_t blen = strnlen (f->base, VS_DPKG_MAX_PATH + 1);

    if (tick (L))
      break;
    if (dlen + blen > VS_DPKG_MAX_PATH) {
      skipped++;
      continue;
    }
    vs_buf_setlen (&L->path, 0);
    vs_buf_add (&L->path, f->dir, dlen);
    vs_buf_add (&L->path, f->base, blen);
    if (canonicalise (L, L->path.data, L->path.len) == -1)
      continue;
    add_owned (L, name, type,
               reg && !(f->flags & VS_RPMFILE_GHOST) && f->digest[0]
                       && type != VS_PKG_DIGEST_NONE
                   ? f->digest
                   : NULL,
               (f->flags & VS_RPMFILE_CONFIG) != 0);
  }
  vs_rpm_header_clear (&h);
  if (skipped)
    return load_error (L, src,
                       "rpm: package %lld: %zu paths longer than %d bytes "
                       "skipped",
                       (long long)hnum, skipped, VS_DPKG_MAX_PATH);
  return 0;
}

static int
on_sqlite_row (int64_t hnum, const unsigned char *blob, size_t len,
               void *opaque)
{
  struct loader *L = opaque;

  if (add_rpm_header (L, blob, len, L->source, hnum) == -1)
    return -1;
  return L->full || L->pkgs_full || L->stopped ? -1 : 0;
}

static int
load_rpm_sqlite (struct loader *L, const char *path, char **note)
{
  CLEANUP_FREE char *data = NULL;
  CLEANUP_FREE char *err = NULL;
  struct vs_rpmsqlite_stats st;
  size_t len;

  L->db->kind = "rpm";
  if (vs_guest_read (L->guest, path, MAX_RPMDB, 0, &data, &len) == -1) {
    *note = vs_xasprintf ("rpm: cannot read %s: %s", path, strerror (errno));
    return load_error (L, path, "%s", *note);
  }
  L->source = path;
  memset (&st, 0, sizeof st);
  if (vs_rpmsqlite_walk ((unsigned char *)data, len, on_sqlite_row, L, &st,
                         &err)
          == 0
      || !err) {
    if (L->failed)
      return -1;
    if (st.rows && !L->db->installed && !L->stopped && !*note)
      *note = vs_xasprintf ("rpm: no package of %s could be read", path);
    return 0;
  }
  if (strcmp (err, "stopped") == 0) {
    L->stopped = 1;
    return 0;
  }
  if (!L->db->nfiles && !*note)
    *note = vs_xasprintf ("rpm: %s: %s", path, err);
  return load_error (L, path, "rpm: %s: %s", path, err);
}

struct bdb_load {
  struct loader *L;
  const char *path;
  int64_t n;
};

static int
on_bdb_pair (const unsigned char *key, size_t klen, const unsigned char *data,
             size_t dlen, void *opaque)
{
  struct bdb_load *B = opaque;

  (void)key;
  B->n++;
  /* Key 0 holds rpm's next-instance counter, not a header. */
  if (klen != 4 || dlen < 16)
    return 0;
  if (add_rpm_header (B->L, data, dlen, B->path, B->n) == -1)
    return -1;
  return B->L->full || B->L->pkgs_full || B->L->stopped ? -1 : 0;
}

static int
load_rpm_bdb (struct loader *L, const char *path, char **note)
{
  CLEANUP_FREE char *data = NULL;
  struct bdb_load B;
  struct vs_bdb_stats st;
  const char *err = NULL;
  size_t len;

  L->db->kind = "rpm";
  if (vs_guest_read (L->guest, path, MAX_RPMDB, 0, &data, &len) == -1) {
    *note = vs_xasprintf ("rpm: cannot read %s: %s", path, strerror (errno));
    return load_error (L, path, "%s", *note);
  }
  B.L = L;
  B.path = path;
  B.n = 0;
  if (vs_bdb_hash_walk ((const unsigned char *)data, len, on_bdb_pair, &B, &st,
                        &err)
      == -1) {
    if (L->failed)
      return -1;
    if (vs_stopping ())
      L->stopped = 1;
    if (L->stopped)
      return 0;
    if (!L->full && !L->pkgs_full) {
      *note = vs_xasprintf ("rpm: %s: %s", path, err);
      return load_error (L, path, "%s", *note);
    }
  }
  if (st.bad
      && load_error (L, path, "rpm: %zu entries of %s unreadable (%s)", st.bad,
                     path, st.why)
             == -1)
    return -1;
  if (st.bad && !L->db->installed && !*note)
    *note = vs_xasprintf ("rpm: no package of %s could be read", path);
  return 0;
}

/* ---- loading ---- */

static int
exists (struct loader *L, const char *path)
{
  struct stat st;

  return vs_guest_stat (L->guest, path, 1, &st) == 0 && S_ISREG (st.st_mode);
}

static int
load (struct loader *L, char **note)
{
  static const char *const sqlite_dbs[] = {
    "/usr/lib/sysimage/rpm/rpmdb.sqlite",
    "/var/lib/rpm/rpmdb.sqlite",
  };
  static const char *const bdb[] = {
    "/var/lib/rpm/Packages",
    "/usr/lib/sysimage/rpm/Packages",
  };
  static const char *const ndb[] = {
    "/usr/lib/sysimage/rpm/Packages.db",
    "/var/lib/rpm/Packages.db",
  };
  const char *fmt = L->os ? L->os->package_format : NULL;
  int dpkg = exists (L, "/var/lib/dpkg/status");
  int rpm_first = fmt && strcmp (fmt, "rpm") == 0;
  size_t i;

  if (dpkg && !rpm_first)
    return load_dpkg (L, note);
  for (i = 0; i < VS_ARRAY_SIZE (sqlite_dbs); i++)
    if (exists (L, sqlite_dbs[i]))
      return load_rpm_sqlite (L, sqlite_dbs[i], note);
  if (dpkg)
    return load_dpkg (L, note);
  for (i = 0; i < VS_ARRAY_SIZE (bdb); i++)
    if (exists (L, bdb[i]))
      return load_rpm_bdb (L, bdb[i], note);
  for (i = 0; i < VS_ARRAY_SIZE (ndb); i++)
    if (exists (L, ndb[i])) {
      *note = vs_xasprintf ("rpm ndb format not supported (%s)", ndb[i]);
      return 0;
    }
  *note = vs_xstrdup ("no dpkg or rpm database found");
  return 0;
}

int
vs_pkgdb_load (struct vs_guest *guest, const struct vs_os *os,
               vs_pkgdb_error_fn *on_error, void *opaque,
               struct vs_pkgdb **out, char **note)
{
  struct loader L;
  int rc;

  *out = NULL;
  *note = NULL;
  if (!guest) {
    *note = vs_xstrdup ("no guest view");
    return 0;
  }
  memset (&L, 0, sizeof L);
  L.guest = guest;
  L.os = os;
  L.on_error = on_error;
  L.opaque = opaque;
  L.db = vs_xcalloc (1, sizeof *L.db);
  rc = load (&L, note);
  if (rc == 0 && (L.stopped || vs_stopping ())) {
    /* What was read so far would make packaged files look unowned (a
     * stop also makes the guest reads fail, so the loader may not have
     * seen it). */
    rc = load_error (&L, NULL, "package database: reading stopped (%s)",
                     vs_stop_reason () ? vs_stop_reason () : "stopped");
    free (*note);
    *note = vs_xstrdup ("package database: reading stopped");
  }
  if (rc == 0 && L.pkgs_full)
    rc = load_error (&L, NULL,
                     "package database: more than %d packages, "
                     "the rest ignored",
                     VS_PKGDB_MAX_PACKAGES);
  if (rc == 0 && L.full)
    rc = load_error (&L, NULL,
                     "package database: more than %d files, "
                     "the rest ignored",
                     VS_PKGDB_MAX_FILES);
  if (rc == 0 && L.errors_dropped)
    rc = report_fmt (&L, NULL,
                     "package database: %zu more problems not recorded",
                     L.errors_dropped);
  map_free (&L.dirs);
  map_free (&L.div_map);
  free (L.dir_canon);
  free (L.divs);
  free (L.owners.s);
  vs_buf_release (&L.path);
  vs_buf_release (&L.canon);
  if (rc == -1 || L.failed) {
    vs_pkgdb_free (L.db);
    return -1;
  }
  /* A note says why there is no usable database. */
  if (*note || !L.db->kind) {
    vs_pkgdb_free (L.db);
    return 0;
  }
  *out = L.db;
  return 0;
}
