/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: one filesystem of an image, parsed on the host (fs/hostfs.h).
 *
 * This file only picks the reader and keeps the contract: it checks the
 * caller's arguments, caps a listing at VS_HOSTFS_MAX_ENTRIES and a link
 * target at VS_HOSTFS_MAX_LINK whatever the reader does, and checks that
 * a reader's answer stays inside what it was asked (a read no longer
 * than the buffer, a name without NUL or '/').  The readers are
 * fs/ext.c and fs/tsk.c, over fs/hostfs-int.h.
 */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "fs/blockdev.h"
#include "fs/hostfs-int.h"

/* In the order they are tried when probing: ext first (its superblock
 * magic is cheap and certain), then libtsk for the rest. */
static const struct vs_hostfs_ops *const readers[] = {
  &vs_hostfs_ext_ops,
  &vs_hostfs_tsk_ops,
};
#define N_READERS (sizeof readers / sizeof readers[0])

static int
set_errno (int err)
{
  errno = err;
  return -1;
}

int
vs_hostfs_open (struct vs_blockdev *dev, const char *fstype,
                struct vs_hostfs **out, char **errmsg)
{
  const struct vs_hostfs_ops *ops = NULL;
  struct vs_hostfs *fs;
  size_t i;
  int err;

  if (errmsg)
    *errmsg = NULL;
  if (dev == NULL || out == NULL) {
    if (errmsg)
      *errmsg = vs_xstrdup ("invalid arguments");
    return set_errno (EINVAL);
  }
  *out = NULL;
  for (i = 0; i < N_READERS && ops == NULL; i++) {
    if (fstype ? readers[i]->handles (fstype) : readers[i]->probe (dev))
      ops = readers[i];
  }
  if (ops == NULL) {
    if (errmsg)
      *errmsg = fstype
        ? vs_xasprintf ("no host reader for a %s filesystem", fstype)
        : vs_xstrdup ("no host reader recognises this filesystem");
    return set_errno (ENOTSUP);
  }

  fs = vs_xcalloc (1, sizeof *fs);
  fs->ops = ops;
  fs->dev = dev;
  if (ops->open (fs, dev, fstype, errmsg) == -1) {
    err = errno ? errno : EIO;
    free (fs->type);
    free (fs->label);
    free (fs->uuid);
    free (fs);
    if (errmsg && *errmsg == NULL)
      *errmsg = vs_xasprintf ("%s: %s", ops->name, strerror (err));
    return set_errno (err);
  }
  if (fs->type == NULL)
    fs->type = vs_xstrdup (fstype ? fstype : "");
  if (fs->label == NULL)
    fs->label = vs_xstrdup ("");
  if (fs->uuid == NULL)
    fs->uuid = vs_xstrdup ("");
  *out = fs;
  return 0;
}

const char *
vs_hostfs_type (const struct vs_hostfs *fs)
{
  return fs->type;
}

const char *
vs_hostfs_label (const struct vs_hostfs *fs)
{
  return fs->label;
}

const char *
vs_hostfs_uuid (const struct vs_hostfs *fs)
{
  return fs->uuid;
}

uint64_t
vs_hostfs_root (const struct vs_hostfs *fs)
{
  return fs->root;
}

int
vs_hostfs_stat (struct vs_hostfs *fs, uint64_t ino, struct vs_hostfs_stat *st)
{
  if (fs == NULL || st == NULL)
    return set_errno (EINVAL);
  if (vs_stopping ())
    return set_errno (ECANCELED);
  memset (st, 0, sizeof *st);
  return fs->ops->stat (fs, ino, st);
}

/* Between the reader and the caller's function: counts the entries,
 * drops those the contract says cannot be there, and stops at the cap. */
struct readdir_guard {
  vs_hostfs_dirent_fn *fn;
  void *opaque;
  size_t count;
  int capped;
};

/* Nonzero, and distinct from what the guard passes on (the caller's
 * value); the guard's capped flag says which it was. */
#define GUARD_STOP 1

static int
readdir_guard_fn (void *opaque, const char *name, size_t len, uint64_t ino)
{
  struct readdir_guard *g = opaque;

  if (len == 0 || memchr (name, '\0', len) || memchr (name, '/', len))
    return 0;
  if ((len == 1 && name[0] == '.')
      || (len == 2 && name[0] == '.' && name[1] == '.'))
    return 0;
  if (g->count >= VS_HOSTFS_MAX_ENTRIES) {
    g->capped = 1;
    return GUARD_STOP;
  }
  g->count++;
  return g->fn (g->opaque, name, len, ino);
}

typedef int list_fn (struct vs_hostfs *fs, uint64_t dir,
                      vs_hostfs_dirent_fn *fn, void *opaque);

/* A listing of dir by the reader's op (NULL: ENOTSUP), through the
 * guard. */
static int
guarded_list (struct vs_hostfs *fs, list_fn *op, uint64_t dir,
              vs_hostfs_dirent_fn *fn, void *opaque)
{
  struct readdir_guard g = { fn, opaque, 0, 0 };
  int r;

  if (vs_stopping ())
    return set_errno (ECANCELED);
  if (op == NULL)
    return set_errno (ENOTSUP);
  r = op (fs, dir, readdir_guard_fn, &g);
  if (g.capped) {
    vs_debug ("hostfs: directory %" PRIu64 " has more than %d entries",
              dir, VS_HOSTFS_MAX_ENTRIES);
    return set_errno (EFBIG);
  }
  return r;
}

int
vs_hostfs_readdir (struct vs_hostfs *fs, uint64_t dir,
                   vs_hostfs_dirent_fn *fn, void *opaque)
{
  if (fs == NULL || fn == NULL)
    return set_errno (EINVAL);
  return guarded_list (fs, fs->ops->readdir, dir, fn, opaque);
}

int
vs_hostfs_readdir_deleted (struct vs_hostfs *fs, uint64_t dir,
                           vs_hostfs_dirent_fn *fn, void *opaque)
{
  if (fs == NULL || fn == NULL)
    return set_errno (EINVAL);
  return guarded_list (fs, fs->ops->readdir_deleted, dir, fn, opaque);
}

int
vs_hostfs_orphans (struct vs_hostfs *fs, uint64_t *cursor,
                   vs_hostfs_dirent_fn *fn, void *opaque)
{
  struct readdir_guard g = { fn, opaque, 0, 0 };
  uint64_t was;
  int r;

  if (fs == NULL || fn == NULL || cursor == NULL
      || *cursor == VS_HOSTFS_ORPHANS_DONE)
    return set_errno (EINVAL);
  if (vs_stopping ())
    return set_errno (ECANCELED);
  if (fs->ops->orphans == NULL)
    return set_errno (ENOTSUP);
  was = *cursor;
  r = fs->ops->orphans (fs, cursor, readdir_guard_fn, &g);
  if (g.capped)
    return set_errno (EFBIG);
  /* Every step moves on: the caller's loop ends. */
  if (r == 0 && *cursor <= was)
    *cursor = VS_HOSTFS_ORPHANS_DONE;
  return r;
}

int
vs_hostfs_lookup (struct vs_hostfs *fs, uint64_t dir, const char *name,
                  size_t len, uint64_t *ino)
{
  if (fs == NULL || name == NULL || ino == NULL || len == 0 || len > 255
      || memchr (name, '\0', len) || memchr (name, '/', len))
    return set_errno (EINVAL);
  if (vs_stopping ())
    return set_errno (ECANCELED);
  return fs->ops->lookup (fs, dir, name, len, ino);
}

int
vs_hostfs_readlink (struct vs_hostfs *fs, uint64_t ino, char **target,
                    size_t *len)
{
  char *t = NULL;
  size_t n = 0;

  if (fs == NULL || target == NULL || len == NULL)
    return set_errno (EINVAL);
  if (vs_stopping ())
    return set_errno (ECANCELED);
  if (fs->ops->readlink (fs, ino, &t, &n) == -1)
    return -1;
  if (t == NULL || n > VS_HOSTFS_MAX_LINK || strlen (t) != n) {
    /* A reader that broke the cap, or a target with a NUL inside. */
    free (t);
    return set_errno (t == NULL ? EIO : n > VS_HOSTFS_MAX_LINK ? EFBIG : EIO);
  }
  *target = t;
  *len = n;
  return 0;
}

int
vs_hostfs_read (struct vs_hostfs *fs, uint64_t ino, uint64_t off,
                void *buf, size_t len, size_t *got)
{
  size_t n = 0;

  if (fs == NULL || got == NULL || (buf == NULL && len > 0))
    return set_errno (EINVAL);
  *got = 0;
  if (vs_stopping ())
    return set_errno (ECANCELED);
  if (fs->ops->read (fs, ino, off, buf, len, &n) == -1)
    return -1;
  if (n > len)
    return set_errno (EIO);
  *got = n;
  return 0;
}

int
vs_hostfs_getxattr (struct vs_hostfs *fs, uint64_t ino, const char *name,
                    void *buf, size_t len, size_t *got)
{
  if (fs == NULL || name == NULL || name[0] == '\0' || got == NULL
      || (buf == NULL && len > 0))
    return set_errno (EINVAL);
  *got = 0;
  if (vs_stopping ())
    return set_errno (ECANCELED);
  return fs->ops->getxattr (fs, ino, name, buf, len, got);
}

void
vs_hostfs_close (struct vs_hostfs *fs)
{
  if (fs == NULL)
    return;
  fs->ops->close (fs);
  free (fs->type);
  free (fs->label);
  free (fs->uuid);
  free (fs);
}
