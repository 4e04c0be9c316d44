/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: one filesystem of an image, parsed on the host in user space.
 *
 * ext2/3/4 are read with libext2fs (fs/ext.c); NTFS, FAT, exFAT,
 * ISO 9660 and HFS+ with The Sleuth Kit's libtsk (fs/tsk.c).  Nothing is
 * mounted and nothing is written: both read the image through a
 * struct vs_blockdev.
 *
 * The interface is by inode number, one step at a time, so that the
 * caller resolves paths and symlinks itself, inside the guest (the rules
 * of core/guest.h): lookup never follows a symlink, readlink only
 * returns the target's bytes.
 *
 * The filesystem is hostile: names may hold any byte but NUL and '/',
 * sizes and counts can lie, directories can loop.  Every call is bounded:
 * a listing by VS_HOSTFS_MAX_ENTRIES, a link target by
 * VS_HOSTFS_MAX_LINK, a read by the caller's buffer; nothing a guest
 * structure claims is allocated before it is capped.  Functions return 0
 * or -1 with errno set (ENOENT, ENOTDIR, EINVAL, EIO for a structure that
 * cannot be read, EFBIG, ENODATA, ENOMEM, ECANCELED once vs_stopping ()).
 * A handle is used by one thread at a time.
 */
#ifndef VS_FS_HOSTFS_H
#define VS_FS_HOSTFS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct vs_blockdev;
struct vs_hostfs;

#define VS_HOSTFS_MAX_ENTRIES 1000000   /* per directory */
#define VS_HOSTFS_MAX_LINK 4096         /* bytes of a symlink target */

/* What lstat gives, as the filesystem records it. */
struct vs_hostfs_stat {
  uint64_t ino;
  uint32_t mode;                /* S_IFMT type bits and permissions */
  uint32_t uid, gid;
  uint64_t nlink;
  uint64_t size;                /* bytes (a symlink: its target's) */
  uint64_t blocks;              /* 512-byte units the file occupies */
  struct timespec atime, mtime, ctime;
  int has_btime;                /* the filesystem records a birth time */
  struct timespec btime;
  int deleted;                  /* an unallocated inode (--deleted) */
  int content;                  /* a deleted regular file's blocks: one of
                                 * enum vs_hostfs_content; 0 otherwise */
  int no_xattrs;                /* the inode holds no extended attribute:
                                 * getxattr of any name gives ENODATA */
};

/* Whether a deleted regular file's bytes can still be read as its own. */
enum vs_hostfs_content {
  VS_HOSTFS_CONTENT_LIVE = 0,   /* not a deleted regular file */
  VS_HOSTFS_CONTENT_INTACT,     /* every block it maps is free: its bytes */
  VS_HOSTFS_CONTENT_REUSED,     /* a block it maps is in use again */
  VS_HOSTFS_CONTENT_NONE,       /* it maps no blocks (they were cleared) */
};

/* The cursor vs_hostfs_orphans gives back once every inode was seen. */
#define VS_HOSTFS_ORPHANS_DONE UINT64_MAX

/* Called once per directory entry, without "." and "..": name is len
 * bytes (no NUL inside, not terminated), ino its inode.  Returns 0 to
 * go on, anything else to stop the listing (vs_hostfs_readdir then
 * returns that value). */
typedef int vs_hostfs_dirent_fn (void *opaque, const char *name, size_t len,
                                 uint64_t ino);

/* Opens the filesystem that fills dev.  fstype is the name libguestfs
 * and blkid use ("ext2", "ext3", "ext4", "ntfs", "vfat", "exfat",
 * "iso9660", "hfsplus"), or NULL to find out.  Fails with a one-line
 * reason, and ENOTSUP for a filesystem no host reader handles. */
int vs_hostfs_open (struct vs_blockdev *dev, const char *fstype,
                    struct vs_hostfs **out, char **errmsg);

/* The type name as for vs_hostfs_open, its label and UUID (may be "").
 * Valid until vs_hostfs_close. */
const char *vs_hostfs_type (const struct vs_hostfs *fs);
const char *vs_hostfs_label (const struct vs_hostfs *fs);
const char *vs_hostfs_uuid (const struct vs_hostfs *fs);

/* The root directory's inode. */
uint64_t vs_hostfs_root (const struct vs_hostfs *fs);

int vs_hostfs_stat (struct vs_hostfs *fs, uint64_t ino,
                    struct vs_hostfs_stat *st);

/* The entries of the directory dir, in the filesystem's order. */
int vs_hostfs_readdir (struct vs_hostfs *fs, uint64_t dir,
                       vs_hostfs_dirent_fn *fn, void *opaque);

/* The deleted entries of the directory dir (names a directory block
 * still holds, with the inode they named, 0 when that is gone), in the
 * filesystem's order.  Names that cannot be one (empty, with '/' or NUL,
 * "." and "..") are left out.  ENOTSUP from a reader that sees none. */
int vs_hostfs_readdir_deleted (struct vs_hostfs *fs, uint64_t dir,
                               vs_hostfs_dirent_fn *fn, void *opaque);

/* One step of the listing of unallocated inodes that still hold a file
 * (orphans: the caller leaves out those a deleted entry names), each
 * given to fn with a name "OrphanFile-INODE".  Start with *cursor 0;
 * each call handles a bounded part of the inode table and moves *cursor
 * on, to VS_HOSTFS_ORPHANS_DONE after the last.  ENOTSUP from a reader
 * that sees none. */
int vs_hostfs_orphans (struct vs_hostfs *fs, uint64_t *cursor,
                       vs_hostfs_dirent_fn *fn, void *opaque);

/* The inode of the entry name (len bytes) of the directory dir; a
 * symlink is not followed. */
int vs_hostfs_lookup (struct vs_hostfs *fs, uint64_t dir, const char *name,
                      size_t len, uint64_t *ino);

/* The target of the symlink ino: *len bytes at *target, NUL-terminated
 * (the NUL not counted); caller frees.  EINVAL if ino is not a symlink. */
int vs_hostfs_readlink (struct vs_hostfs *fs, uint64_t ino, char **target,
                        size_t *len);

/* Reads up to len bytes of the regular file ino at offset off into buf;
 * *got is less than len only at the end of the file.  Holes read as
 * zeros, as the filesystem defines them.  EINVAL if not a regular file. */
int vs_hostfs_read (struct vs_hostfs *fs, uint64_t ino, uint64_t off,
                    void *buf, size_t len, size_t *got);

/* The value of the extended attribute name ("security.capability") of
 * ino: at most len bytes into buf, its whole length in *got (EFBIG when
 * larger than len).  ENODATA when the inode has none of that name. */
int vs_hostfs_getxattr (struct vs_hostfs *fs, uint64_t ino, const char *name,
                        void *buf, size_t len, size_t *got);

/* Accepts NULL.  The device stays the caller's. */
void vs_hostfs_close (struct vs_hostfs *fs);

#endif /* VS_FS_HOSTFS_H */
