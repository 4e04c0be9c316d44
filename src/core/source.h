/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: a filesystem read on the host, shared by the scan's threads.
 *
 * A source is one filesystem of an image parsed in user space by a
 * sandboxed child (fs/remote.h), over a block device it owns.  It is
 * what the walk (core/walk.h) and the guest view (core/guest.h) read
 * when a filesystem takes the host data path, in place of the host
 * directory where the appliance shows a filesystem it mounted: the same
 * operations (lstat, list a directory, look a name up, read a link,
 * read a file in chunks), by inode number, nothing ever followed.
 *
 * Calls may come from any thread; they are serialised on the one child.
 * Once the child has failed (crashed, stalled, hit a limit, broke the
 * protocol) every call fails with EIO and vs_source_error says why.
 * Functions return 0 or -1 with errno set, as fs/hostfs.h's.
 */
#ifndef VS_SOURCE_H
#define VS_SOURCE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "fs/hostfs.h"

struct vs_blockdev;
struct vs_source;

/* Opens the filesystem of type fstype (NULL: find out) that fills dev in
 * a sandboxed child.  dev, and base (the device dev is a slice of, or
 * NULL), become the source's (freed with it, on failure too).  Returns 0, or -1 with a one-line reason in *errmsg
 * (caller frees) and errno ENOTSUP for a filesystem no host reader
 * handles. */
int vs_source_open (struct vs_blockdev *dev, struct vs_blockdev *base,
                    const char *fstype, struct vs_source **out,
                    char **errmsg);

/* Accepts NULL. */
void vs_source_free (struct vs_source *s);

/* As the child found them; valid until vs_source_free.  The type is
 * libguestfs's name ("ext4", "vfat", "ntfs", ...). */
const char *vs_source_type (const struct vs_source *s);
const char *vs_source_label (const struct vs_source *s);
const char *vs_source_uuid (const struct vs_source *s);
uint64_t vs_source_root (const struct vs_source *s);
uint64_t vs_source_size (const struct vs_source *s);

/* lstat of the inode ino, as struct stat: st_dev is a number that tells
 * this source from every other of the process. */
int vs_source_stat (struct vs_source *s, uint64_t ino, struct stat *st);

/* As vs_hostfs_stat, with what struct stat has no room for (birth time,
 * deleted). */
int vs_source_hstat (struct vs_source *s, uint64_t ino,
                     struct vs_hostfs_stat *st);

/* The entries of the directory dir; fn must not call the source. */
int vs_source_readdir (struct vs_source *s, uint64_t dir,
                       vs_hostfs_dirent_fn *fn, void *opaque);
/* As vs_hostfs_readdir_deleted and vs_hostfs_orphans (--deleted); fn
 * must not call the source. */
int vs_source_readdir_deleted (struct vs_source *s, uint64_t dir,
                               vs_hostfs_dirent_fn *fn, void *opaque);
int vs_source_orphans (struct vs_source *s, uint64_t *cursor,
                       vs_hostfs_dirent_fn *fn, void *opaque);
int vs_source_lookup (struct vs_source *s, uint64_t dir, const char *name,
                      size_t len, uint64_t *ino);
int vs_source_readlink (struct vs_source *s, uint64_t ino, char **target,
                        size_t *len);
int vs_source_read (struct vs_source *s, uint64_t ino, uint64_t off,
                    void *buf, size_t len, size_t *got);
int vs_source_getxattr (struct vs_source *s, uint64_t ino, const char *name,
                        void *buf, size_t len, size_t *got);

/* NULL while the child serves, else why it stopped (copied: valid until
 * vs_source_free). */
const char *vs_source_error (struct vs_source *s);

/* Calls answered by every source so far (the scan's watchdog reads it,
 * as it reads vs_guest_activity). */
uint64_t vs_source_activity (void);

#endif /* VS_SOURCE_H */
