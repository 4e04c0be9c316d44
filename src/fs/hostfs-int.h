/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: what a host filesystem reader provides (fs/ext.c, fs/tsk.c)
 * behind the calls of fs/hostfs.h.  Only fs/ includes this.
 *
 * fs/hostfs.c picks the reader (by type name, or by probing when none is
 * given), allocates struct vs_hostfs, calls open, and passes every later
 * call through after checking what the contract promises the caller
 * (arguments, caps); a reader fills priv, type, label, uuid and root in
 * open, and frees priv in close.  The operations have the meanings and
 * errno values fs/hostfs.h gives.
 */
#ifndef VS_FS_HOSTFS_INT_H
#define VS_FS_HOSTFS_INT_H

#include "fs/hostfs.h"

struct vs_hostfs_ops {
  const char *name;             /* "libext2fs", "libtsk" */
  /* 1 if this reader reads the filesystem type fstype ("ext4", ...). */
  int (*handles) (const char *fstype);
  /* 1 if dev holds a filesystem this reader can open (no fstype given). */
  int (*probe) (struct vs_blockdev *dev);
  int (*open) (struct vs_hostfs *fs, struct vs_blockdev *dev,
               const char *fstype, char **errmsg);
  int (*stat) (struct vs_hostfs *fs, uint64_t ino,
               struct vs_hostfs_stat *st);
  int (*readdir) (struct vs_hostfs *fs, uint64_t dir,
                  vs_hostfs_dirent_fn *fn, void *opaque);
  int (*readdir_deleted) (struct vs_hostfs *fs, uint64_t dir,
                          vs_hostfs_dirent_fn *fn, void *opaque);
  int (*orphans) (struct vs_hostfs *fs, uint64_t *cursor,
                  vs_hostfs_dirent_fn *fn, void *opaque);
  int (*lookup) (struct vs_hostfs *fs, uint64_t dir, const char *name,
                 size_t len, uint64_t *ino);
  int (*readlink) (struct vs_hostfs *fs, uint64_t ino, char **target,
                   size_t *len);
  int (*read) (struct vs_hostfs *fs, uint64_t ino, uint64_t off, void *buf,
               size_t len, size_t *got);
  int (*getxattr) (struct vs_hostfs *fs, uint64_t ino, const char *name,
                   void *buf, size_t len, size_t *got);
  void (*close) (struct vs_hostfs *fs);
};

struct vs_hostfs {
  const struct vs_hostfs_ops *ops;
  struct vs_blockdev *dev;
  void *priv;
  char *type, *label, *uuid;    /* malloc'd by open; freed by hostfs.c */
  uint64_t root;
};

extern const struct vs_hostfs_ops vs_hostfs_ext_ops;   /* fs/ext.c */
extern const struct vs_hostfs_ops vs_hostfs_tsk_ops;   /* fs/tsk.c */

#endif /* VS_FS_HOSTFS_INT_H */
