/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: a host filesystem (fs/hostfs.h) read in a sandboxed child.
 *
 * vs_remote_open starts a child (fs/child.h) that holds only the
 * descriptors the block device reads through (the image's, or the NBD
 * socket the parent already connected), opens the filesystem there with
 * vs_hostfs_open, after its sandbox is in place, and answers the calls
 * below, which mirror fs/hostfs.h, over a small binary protocol
 * (remote.c).  The parent checks every answer before it uses it (the
 * child is taken to be compromised: its lengths, counts, names and
 * errno values), and an answer that breaks the protocol kills the child.
 *
 * While a remote is open the parent must not read through dev itself:
 * the child reads the same descriptors (for NBD, the same connection).
 * dev must outlive the remote.  Once the child has failed (crashed,
 * stalled, hit a limit, broke the protocol) every call fails with EIO
 * and vs_remote_error says why.  A remote is used by one thread at a
 * time; start it from a thread that outlives it (see fs/child.h).
 */
#ifndef VS_FS_REMOTE_H
#define VS_FS_REMOTE_H

#include <stddef.h>
#include <stdint.h>

#include "fs/child.h"
#include "fs/hostfs.h"

/* The most bytes one read asks the child for; longer reads are made of
 * several. */
#define VS_REMOTE_CHUNK (1024 * 1024)
/* The longest name a listing or a lookup carries, in bytes. */
#define VS_REMOTE_MAX_NAME 4096
/* The longest extended attribute value asked for (Linux's own limit). */
#define VS_REMOTE_MAX_XATTR 65536

struct vs_remote;

/* What the child calls: fs/remote-default.c's table calls
 * vs_blockdev_fds and the vs_hostfs_* functions; a test gives its own. */
struct vs_remote_backend {
  size_t (*dev_fds) (const struct vs_blockdev *dev, int *fds, size_t max);
  int (*open) (struct vs_blockdev *dev, const char *fstype,
               struct vs_hostfs **out, char **errmsg);
  const char *(*type) (const struct vs_hostfs *fs);
  const char *(*label) (const struct vs_hostfs *fs);
  const char *(*uuid) (const struct vs_hostfs *fs);
  uint64_t (*root) (const struct vs_hostfs *fs);
  int (*stat) (struct vs_hostfs *fs, uint64_t ino, struct vs_hostfs_stat *st);
  int (*readdir) (struct vs_hostfs *fs, uint64_t dir, vs_hostfs_dirent_fn *fn,
                  void *opaque);
  int (*lookup) (struct vs_hostfs *fs, uint64_t dir, const char *name,
                 size_t len, uint64_t *ino);
  int (*readlink) (struct vs_hostfs *fs, uint64_t ino, char **target,
                   size_t *len);
  int (*read) (struct vs_hostfs *fs, uint64_t ino, uint64_t off, void *buf,
               size_t len, size_t *got);
  int (*getxattr) (struct vs_hostfs *fs, uint64_t ino, const char *name,
                   void *buf, size_t len, size_t *got);
  void (*close) (struct vs_hostfs *fs);
  /* --deleted; NULL: the child answers ENOTSUP. */
  int (*readdir_deleted) (struct vs_hostfs *fs, uint64_t dir,
                          vs_hostfs_dirent_fn *fn, void *opaque);
  int (*orphans) (struct vs_hostfs *fs, uint64_t *cursor,
                  vs_hostfs_dirent_fn *fn, void *opaque);
};

/* The real readers (fs/remote-default.c). */
extern const struct vs_remote_backend vs_remote_hostfs_backend;

/* Opens the filesystem of type fstype (NULL: find out) that fills dev
 * in a sandboxed child under lim (NULL: the defaults).  Returns 0, or -1
 * with a one-line reason in *errmsg (caller frees; errno ENOTSUP for a
 * filesystem no reader handles, EIO for a child that failed). */
int vs_remote_open (struct vs_blockdev *dev, const char *fstype,
                    const struct vs_child_limits *lim,
                    struct vs_remote **out, char **errmsg);
/* The same with the backend be in the child. */
int vs_remote_open_backend (const struct vs_remote_backend *be,
                            struct vs_blockdev *dev, const char *fstype,
                            const struct vs_child_limits *lim,
                            struct vs_remote **out, char **errmsg);

/* As vs_hostfs_type, _label, _uuid, _root (what the child said, checked
 * and capped). */
const char *vs_remote_type (const struct vs_remote *r);
const char *vs_remote_label (const struct vs_remote *r);
const char *vs_remote_uuid (const struct vs_remote *r);
uint64_t vs_remote_root (const struct vs_remote *r);

/* As the vs_hostfs_* calls of the same names. */
int vs_remote_stat (struct vs_remote *r, uint64_t ino,
                    struct vs_hostfs_stat *st);
int vs_remote_readdir (struct vs_remote *r, uint64_t dir,
                       vs_hostfs_dirent_fn *fn, void *opaque);
/* A listing's entry with its stat: st is what vs_remote_stat would give
 * (checked the same way), NULL when the child could not stat it
 * (vs_remote_stat then says why).  Returns as vs_hostfs_dirent_fn. */
typedef int vs_remote_plus_fn (void *opaque, const char *name, size_t len,
                               uint64_t ino, const struct vs_hostfs_stat *st);
/* As vs_remote_readdir, each entry with its stat: a walk's listing and
 * its lstat calls in one exchange with the child. */
int vs_remote_readdir_plus (struct vs_remote *r, uint64_t dir,
                            vs_remote_plus_fn *fn, void *opaque);
int vs_remote_readdir_deleted (struct vs_remote *r, uint64_t dir,
                               vs_hostfs_dirent_fn *fn, void *opaque);
int vs_remote_orphans (struct vs_remote *r, uint64_t *cursor,
                       vs_hostfs_dirent_fn *fn, void *opaque);
int vs_remote_lookup (struct vs_remote *r, uint64_t dir, const char *name,
                      size_t len, uint64_t *ino);
int vs_remote_readlink (struct vs_remote *r, uint64_t ino, char **target,
                        size_t *len);
int vs_remote_read (struct vs_remote *r, uint64_t ino, uint64_t off,
                    void *buf, size_t len, size_t *got);
int vs_remote_getxattr (struct vs_remote *r, uint64_t ino, const char *name,
                        void *buf, size_t len, size_t *got);

/* NULL while the child serves, else why it is gone (a call then failed
 * with EIO). */
const char *vs_remote_error (const struct vs_remote *r);

/* Ends the child.  Accepts NULL.  The device stays the caller's. */
void vs_remote_close (struct vs_remote *r);

#endif /* VS_FS_REMOTE_H */
