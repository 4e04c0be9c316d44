/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: a filesystem read on the host (see source.h).
 *
 * A thin lock around a struct vs_remote: the remote is one child
 * answering one request at a time, and the walk's workers and the
 * checks call from several threads.  The lock is held for one call
 * only, so a worker hashing a chunk does not hold up one reading the
 * next.
 *
 * The image is read-only, so an inode's stat and a directory entry's
 * inode (or its absence) never change: the last answers are kept in two direct-mapped
 * caches of VS_SOURCE_CACHE slots each (a slot's old answer is replaced
 * by the next that maps to it), and a call they answer costs no round
 * trip to the child.  A listing brings its entries' stats with it
 * (vs_remote_readdir_plus) into the stat cache, so the walk's lstat of
 * each entry, and its second when it reads a file, are hits, and the
 * checks look up the same directories again and again (/etc, /usr/lib,
 * /var/lib/dpkg/info): most of those are hits too.  A stat that says
 * the inode holds no extended attribute answers getxattr (ENODATA)
 * without a call: most files have none, and the walk asks each for its
 * capabilities.
 */
#include <config.h>

#include <errno.h>
#include <pthread.h>
#include <string.h>

#include "core/source.h"
#include "fs/blockdev.h"
#include "fs/remote.h"
#include "base/util.h"

#define VS_SOURCE_CACHE 16384
/* Names longer than this are not cached (they are rare). */
#define VS_SOURCE_CACHE_NAME 64

struct stat_slot {
  uint64_t ino;                 /* + 1: 0 is an empty slot */
  struct vs_hostfs_stat st;
};

struct lookup_slot {
  uint64_t dir;                 /* + 1: 0 is an empty slot */
  uint64_t ino;
  unsigned char len;
  unsigned char absent;         /* the directory has no such name */
  char name[VS_SOURCE_CACHE_NAME];
};

struct vs_source {
  pthread_mutex_t lock;
  struct stat_slot *stats;
  struct lookup_slot *lookups;
  struct vs_blockdev *dev;
  struct vs_blockdev *base;     /* what dev is a slice of, or NULL */
  struct vs_remote *r;
  dev_t id;
  char *error;
};

static uint64_t activity;
static unsigned next_id = 1;

uint64_t
vs_source_activity (void)
{
  return __atomic_load_n (&activity, __ATOMIC_RELAXED);
}

int
vs_source_open (struct vs_blockdev *dev, struct vs_blockdev *base,
                const char *fstype, struct vs_source **out, char **errmsg)
{
  struct vs_source *s;
  struct vs_remote *r;

  if (vs_remote_open (dev, fstype, NULL, &r, errmsg) == -1) {
    int e = errno;

    vs_blockdev_free (dev);
    vs_blockdev_free (base);
    errno = e;
    return -1;
  }
  s = vs_xcalloc (1, sizeof *s);
  pthread_mutex_init (&s->lock, NULL);
  s->stats = vs_xcalloc (VS_SOURCE_CACHE, sizeof *s->stats);
  s->lookups = vs_xcalloc (VS_SOURCE_CACHE, sizeof *s->lookups);
  s->dev = dev;
  s->base = base;
  s->r = r;
  /* Far from what a host filesystem's st_dev looks like. */
  s->id = (dev_t) (0x7f000000u
                   + __atomic_fetch_add (&next_id, 1, __ATOMIC_RELAXED));
  *out = s;
  return 0;
}

void
vs_source_free (struct vs_source *s)
{
  if (!s)
    return;
  vs_remote_close (s->r);
  vs_blockdev_free (s->dev);
  vs_blockdev_free (s->base);
  pthread_mutex_destroy (&s->lock);
  free (s->stats);
  free (s->lookups);
  free (s->error);
  free (s);
}

const char *
vs_source_type (const struct vs_source *s)
{
  return vs_remote_type (s->r);
}

const char *
vs_source_label (const struct vs_source *s)
{
  return vs_remote_label (s->r);
}

const char *
vs_source_uuid (const struct vs_source *s)
{
  return vs_remote_uuid (s->r);
}

uint64_t
vs_source_root (const struct vs_source *s)
{
  return vs_remote_root (s->r);
}

uint64_t
vs_source_size (const struct vs_source *s)
{
  return vs_blockdev_size (s->dev);
}

/* Runs one call under the lock; keeps errno. */
#define LOCKED(s, call)                                 \
  do {                                                  \
    int rc_, e_;                                        \
    if (vs_tick ()) {                                   \
      errno = ECANCELED;                                \
      return -1;                                        \
    }                                                   \
    pthread_mutex_lock (&(s)->lock);                    \
    rc_ = (call);                                       \
    e_ = errno;                                         \
    pthread_mutex_unlock (&(s)->lock);                  \
    __atomic_add_fetch (&activity, 1, __ATOMIC_RELAXED); \
    errno = e_;                                         \
    return rc_;                                         \
  } while (0)

static size_t
stat_slot (uint64_t ino)
{
  return (size_t) ((ino * 0x9e3779b97f4a7c15ULL) >> 40) % VS_SOURCE_CACHE;
}

static size_t
lookup_slot (uint64_t dir, const char *name, size_t len)
{
  uint64_t h = 1469598103934665603ULL ^ dir;
  size_t i;

  for (i = 0; i < len; i++)
    h = (h ^ (unsigned char) name[i]) * 1099511628211ULL;
  return (size_t) (h % VS_SOURCE_CACHE);
}

static int
cached_stat (struct vs_source *s, uint64_t ino, struct vs_hostfs_stat *st)
{
  struct stat_slot *c = &s->stats[stat_slot (ino)];
  int rc;

  if (c->ino == ino + 1) {
    *st = c->st;
    return 0;
  }
  rc = vs_remote_stat (s->r, ino, st);
  if (rc == 0 && ino + 1 != 0) {
    c->ino = ino + 1;
    c->st = *st;
  }
  return rc;
}

int
vs_source_hstat (struct vs_source *s, uint64_t ino,
                 struct vs_hostfs_stat *st)
{
  LOCKED (s, cached_stat (s, ino, st));
}

int
vs_source_stat (struct vs_source *s, uint64_t ino, struct stat *st)
{
  struct vs_hostfs_stat h;

  if (vs_source_hstat (s, ino, &h) == -1)
    return -1;
  memset (st, 0, sizeof *st);
  st->st_dev = s->id;
  st->st_ino = (ino_t) h.ino;
  st->st_mode = (mode_t) h.mode;
  st->st_uid = (uid_t) h.uid;
  st->st_gid = (gid_t) h.gid;
  st->st_nlink = (nlink_t) h.nlink;
  st->st_size = h.size > (uint64_t) INT64_MAX ? INT64_MAX : (off_t) h.size;
  st->st_blocks = h.blocks > (uint64_t) INT64_MAX ? INT64_MAX
    : (blkcnt_t) h.blocks;
  st->st_blksize = 4096;
  st->st_atim = h.atime;
  st->st_mtim = h.mtime;
  st->st_ctim = h.ctime;
  return 0;
}

struct plus_ctx {
  struct vs_source *s;
  vs_hostfs_dirent_fn *fn;
  void *opaque;
};

/* An entry of a listing: its stat into the cache, then the caller's fn
 * (under the lock, as every listing callback is). */
static int
plus_entry (void *opaque, const char *name, size_t len, uint64_t ino,
            const struct vs_hostfs_stat *st)
{
  struct plus_ctx *c = opaque;

  if (st && ino + 1 != 0) {
    struct stat_slot *slot = &c->s->stats[stat_slot (ino)];

    slot->ino = ino + 1;
    slot->st = *st;
  }
  return c->fn (c->opaque, name, len, ino);
}

int
vs_source_readdir (struct vs_source *s, uint64_t dir,
                   vs_hostfs_dirent_fn *fn, void *opaque)
{
  struct plus_ctx c = { s, fn, opaque };

  LOCKED (s, vs_remote_readdir_plus (s->r, dir, plus_entry, &c));
}

int
vs_source_readdir_deleted (struct vs_source *s, uint64_t dir,
                           vs_hostfs_dirent_fn *fn, void *opaque)
{
  LOCKED (s, vs_remote_readdir_deleted (s->r, dir, fn, opaque));
}

int
vs_source_orphans (struct vs_source *s, uint64_t *cursor,
                   vs_hostfs_dirent_fn *fn, void *opaque)
{
  LOCKED (s, vs_remote_orphans (s->r, cursor, fn, opaque));
}

static int
cached_lookup (struct vs_source *s, uint64_t dir, const char *name,
               size_t len, uint64_t *ino)
{
  struct lookup_slot *c = NULL;
  int rc;

  if (len <= VS_SOURCE_CACHE_NAME && dir + 1 != 0) {
    c = &s->lookups[lookup_slot (dir, name, len)];
    if (c->dir == dir + 1 && c->len == len
        && memcmp (c->name, name, len) == 0) {
      if (c->absent) {
        errno = ENOENT;
        return -1;
      }
      *ino = c->ino;
      return 0;
    }
  }
  rc = vs_remote_lookup (s->r, dir, name, len, ino);
  if (c && (rc == 0 || errno == ENOENT)) {
    c->dir = dir + 1;
    c->ino = rc == 0 ? *ino : 0;
    c->absent = rc != 0;
    c->len = (unsigned char) len;
    memcpy (c->name, name, len);
  }
  return rc;
}

int
vs_source_lookup (struct vs_source *s, uint64_t dir, const char *name,
                  size_t len, uint64_t *ino)
{
  LOCKED (s, cached_lookup (s, dir, name, len, ino));
}

int
vs_source_readlink (struct vs_source *s, uint64_t ino, char **target,
                    size_t *len)
{
  LOCKED (s, vs_remote_readlink (s->r, ino, target, len));
}

int
vs_source_read (struct vs_source *s, uint64_t ino, uint64_t off, void *buf,
                size_t len, size_t *got)
{
  LOCKED (s, vs_remote_read (s->r, ino, off, buf, len, got));
}

static int
cached_getxattr (struct vs_source *s, uint64_t ino, const char *name,
                 void *buf, size_t len, size_t *got)
{
  const struct stat_slot *c = &s->stats[stat_slot (ino)];

  if (c->ino == ino + 1 && c->st.no_xattrs) {
    *got = 0;
    errno = ENODATA;
    return -1;
  }
  return vs_remote_getxattr (s->r, ino, name, buf, len, got);
}

int
vs_source_getxattr (struct vs_source *s, uint64_t ino, const char *name,
                    void *buf, size_t len, size_t *got)
{
  LOCKED (s, cached_getxattr (s, ino, name, buf, len, got));
}

const char *
vs_source_error (struct vs_source *s)
{
  const char *e;

  pthread_mutex_lock (&s->lock);
  e = vs_remote_error (s->r);
  if (e && !s->error)
    s->error = vs_xstrdup (e);
  pthread_mutex_unlock (&s->lock);
  return s->error;
}
