/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: ext2, ext3 and ext4 read on the host with libext2fs, behind
 * fs/hostfs.h (see fs/hostfs-int.h).
 *
 * libext2fs never opens a host path: it reads through an io_manager of
 * our own whose only source is the struct vs_blockdev it was opened
 * over, and which refuses every write.  The filesystem is opened
 * read-only (never EXT2_FLAG_RW), so the journal is not replayed and
 * nothing is ever written back.  Checksums are verified as the kernel
 * would: a structure whose checksum fails reads as EIO.
 *
 * Everything libext2fs returns is treated as hostile: sizes are capped
 * before anything is allocated from them, and every libext2fs error
 * becomes an errno (mostly EIO), never an abort.
 */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <et/com_err.h>
#include <ext2fs/ext2_ext_attr.h>
#include <ext2fs/ext2_fs.h>
#include <ext2fs/ext2fs.h>

#include "base/util.h"
#include "fs/blockdev.h"
#include "fs/hostfs-int.h"

/* Largest piece read from a file in one libext2fs call, so that a stop
 * request is seen between pieces. */
#define EXT_READ_CHUNK (1024 * 1024)

/* The superblock: its offset on the device and its magic. */
#define EXT_SB_OFFSET 1024
#define EXT_SB_MAGIC_OFFSET (EXT_SB_OFFSET + 56)

/* ---------------------------------------------------------------------
 * The io_manager: libext2fs's only way to the bytes.
 */

/* The device the next channel opens over.  ext2fs_open2 only passes a
 * name to the manager's open, and a name must never be able to point at
 * a host file, so the device is handed over here instead, for the span
 * of one ext2fs_open2 call (a handle is used by one thread at a time,
 * and this is per thread). */
static __thread struct vs_blockdev *ext_pending_dev;

static struct struct_io_manager ext_io_manager;

static errcode_t
ext_io_open (const char *name, int flags, io_channel *channel)
{
  io_channel ch;

  if (flags & IO_FLAG_RW)
    return EXT2_ET_RO_FILSYS;
  if (ext_pending_dev == NULL)
    return EXT2_ET_BAD_DEVICE_NAME;
  ch = calloc (1, sizeof *ch);
  if (ch == NULL)
    return EXT2_ET_NO_MEMORY;
  ch->name = strdup ("vmscan-blockdev");
  if (ch->name == NULL) {
    free (ch);
    return EXT2_ET_NO_MEMORY;
  }
  ch->magic = EXT2_ET_MAGIC_IO_CHANNEL;
  ch->manager = &ext_io_manager;
  ch->block_size = 1024;
  ch->refcount = 1;
  ch->private_data = ext_pending_dev;
  *channel = ch;
  return 0;
}

static errcode_t
ext_io_close (io_channel ch)
{
  if (--ch->refcount > 0)
    return 0;
  free (ch->name);
  free (ch);
  return 0;
}

static errcode_t
ext_io_set_blksize (io_channel ch, int blksize)
{
  if (blksize <= 0 || blksize > 65536)
    return EXT2_ET_INVALID_ARGUMENT;
  ch->block_size = blksize;
  return 0;
}

static errcode_t
ext_io_read_blk64 (io_channel ch, unsigned long long block, int count,
                   void *data)
{
  uint64_t bs = ch->block_size, off, len;

  /* A negative count is a length in bytes. */
  if (count < 0)
    len = -(int64_t) count;
  else {
    if (count != 0 && bs > UINT64_MAX / count)
      return EXT2_ET_LLSEEK_FAILED;
    len = (uint64_t) count * bs;
  }
  if (block > UINT64_MAX / bs || len > SIZE_MAX)
    return EXT2_ET_LLSEEK_FAILED;
  off = block * bs;
  if (vs_blockdev_pread (ch->private_data, data, len, off) == -1)
    return EXT2_ET_SHORT_READ;
  return 0;
}

static errcode_t
ext_io_read_blk (io_channel ch, unsigned long block, int count, void *data)
{
  return ext_io_read_blk64 (ch, block, count, data);
}

static errcode_t
ext_io_write_blk (io_channel ch, unsigned long block, int count,
                  const void *data)
{
  return EXT2_ET_RO_FILSYS;
}

static errcode_t
ext_io_write_blk64 (io_channel ch, unsigned long long block, int count,
                    const void *data)
{
  return EXT2_ET_RO_FILSYS;
}

static errcode_t
ext_io_write_byte (io_channel ch, unsigned long offset, int count,
                   const void *data)
{
  return EXT2_ET_RO_FILSYS;
}

static errcode_t
ext_io_flush (io_channel ch)
{
  return 0;
}

static errcode_t
ext_io_set_option (io_channel ch, const char *option, const char *arg)
{
  return EXT2_ET_INVALID_ARGUMENT;
}

static errcode_t
ext_io_discard (io_channel ch, unsigned long long block,
                unsigned long long count)
{
  return EXT2_ET_RO_FILSYS;
}

static errcode_t
ext_io_zeroout (io_channel ch, unsigned long long block,
                unsigned long long count)
{
  return EXT2_ET_RO_FILSYS;
}

static struct struct_io_manager ext_io_manager = {
  .magic = EXT2_ET_MAGIC_IO_MANAGER,
  .name = "vmscan blockdev I/O manager",
  .open = ext_io_open,
  .close = ext_io_close,
  .set_blksize = ext_io_set_blksize,
  .read_blk = ext_io_read_blk,
  .write_blk = ext_io_write_blk,
  .flush = ext_io_flush,
  .write_byte = ext_io_write_byte,
  .set_option = ext_io_set_option,
  .read_blk64 = ext_io_read_blk64,
  .write_blk64 = ext_io_write_blk64,
  .discard = ext_io_discard,
  .zeroout = ext_io_zeroout,
};

/* ---------------------------------------------------------------------
 * Helpers.
 */

/* The errno of a libext2fs error code. */
static int
ext_errno (errcode_t e)
{
  if (e > 0 && e < 4096)        /* A system errno passed through. */
    return (int) e;
  switch (e) {
  case EXT2_ET_NO_MEMORY:
    return ENOMEM;
  case EXT2_ET_FILE_NOT_FOUND:
    return ENOENT;
  case EXT2_ET_NO_DIRECTORY:
    return ENOTDIR;
  case EXT2_ET_EA_KEY_NOT_FOUND:
  case EXT2_ET_MISSING_EA_FEATURE:
    return ENODATA;
  default:
    return EIO;
  }
}

static int
ext_fail (errcode_t e)
{
  errno = ext_errno (e);
  return -1;
}

static ext2_filsys
ext_fs (struct vs_hostfs *fs)
{
  return fs->priv;
}

/* Reads size bytes of inode ino into buf (what the inode lacks of them
 * zeroed): at least the large struct, at most the inode's own size. */
static int
ext_inode_sized (ext2_filsys efs, uint64_t ino, void *buf, size_t size)
{
  errcode_t e;

  if (ino < 1 || ino > efs->super->s_inodes_count) {
    errno = ENOENT;
    return -1;
  }
  memset (buf, 0, size);
  e = ext2fs_read_inode_full (efs, (ext2_ino_t) ino,
                              (struct ext2_inode *) buf, (int) size);
  if (e)
    return ext_fail (e);
  return 0;
}

/* Reads inode ino whole (the large part too, zeroed when the inode has
 * none). */
static int
ext_inode (ext2_filsys efs, uint64_t ino, struct ext2_inode_large *inode)
{
  return ext_inode_sized (efs, ino, inode, sizeof *inode);
}

/* Checks the superblock on the device before libext2fs sees it: the
 * magic, a sane block size, and a group descriptor table that fits in
 * the device (libext2fs allocates it whole from the claimed counts). */
static int
ext_check_super (struct vs_blockdev *dev, char **errmsg)
{
  struct ext2_super_block sb;
  uint64_t blocks, groups, desc;

  if (vs_blockdev_size (dev) < EXT_SB_OFFSET + sizeof sb
      || vs_blockdev_pread (dev, &sb, sizeof sb, EXT_SB_OFFSET) == -1) {
    if (errmsg)
      *errmsg = vs_xstrdup ("cannot read the ext superblock");
    errno = EIO;
    return -1;
  }
  if (ext2fs_le16_to_cpu (sb.s_magic) != EXT2_SUPER_MAGIC) {
    if (errmsg)
      *errmsg = vs_xstrdup ("no ext superblock magic");
    errno = EINVAL;
    return -1;
  }
  blocks = ext2fs_le32_to_cpu (sb.s_blocks_count);
  desc = EXT2_MIN_DESC_SIZE;
  if (ext2fs_le32_to_cpu (sb.s_feature_incompat)
      & EXT4_FEATURE_INCOMPAT_64BIT) {
    blocks |= (uint64_t) ext2fs_le32_to_cpu (sb.s_blocks_count_hi) << 32;
    desc = ext2fs_le16_to_cpu (sb.s_desc_size);
  }
  /* The first data block is 1 with 1 KiB blocks, else 0: mke2fs never
   * writes another, and libext2fs 1.47.0's bitmap reader overruns its
   * buffer on one (found by fuzz/fuzz-hostfs.c). */
  if (ext2fs_le32_to_cpu (sb.s_log_block_size) > 6
      || ext2fs_le32_to_cpu (sb.s_blocks_per_group) == 0
      || desc < EXT2_MIN_DESC_SIZE || desc > 1024
      || ext2fs_le32_to_cpu (sb.s_first_data_block)
         > (ext2fs_le32_to_cpu (sb.s_log_block_size) == 0 ? 1u : 0u)) {
    if (errmsg)
      *errmsg = vs_xstrdup ("ext superblock with impossible geometry");
    errno = EIO;
    return -1;
  }
  groups = blocks / ext2fs_le32_to_cpu (sb.s_blocks_per_group) + 1;
  if (groups > vs_blockdev_size (dev) / desc) {
    /* The descriptor table alone would not fit in the device.  A size
     * claimed a little past the device's end (a truncated image) is let
     * through: its reads past the end fail one by one. */
    if (errmsg)
      *errmsg = vs_xasprintf ("ext superblock claims %" PRIu64
                              " blocks on a device of %" PRIu64 " bytes",
                              blocks, vs_blockdev_size (dev));
    errno = EIO;
    return -1;
  }
  return 0;
}

static char *
ext_type_name (const struct ext2_super_block *sb)
{
  const uint32_t ext3_incompat = EXT2_FEATURE_INCOMPAT_FILETYPE
    | EXT3_FEATURE_INCOMPAT_RECOVER | EXT2_FEATURE_INCOMPAT_META_BG;
  const uint32_t ext3_ro_compat = EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER
    | EXT2_FEATURE_RO_COMPAT_LARGE_FILE | 0x0004 /* btree_dir */;

  /* As blkid names them: a feature ext3 does not know makes it ext4. */
  if ((sb->s_feature_incompat & ~ext3_incompat)
      || (sb->s_feature_ro_compat & ~ext3_ro_compat))
    return vs_xstrdup ("ext4");
  if (sb->s_feature_compat & EXT3_FEATURE_COMPAT_HAS_JOURNAL)
    return vs_xstrdup ("ext3");
  return vs_xstrdup ("ext2");
}

/* ---------------------------------------------------------------------
 * The operations.
 */

static int
ext_handles (const char *fstype)
{
  return strcmp (fstype, "ext2") == 0 || strcmp (fstype, "ext3") == 0
    || strcmp (fstype, "ext4") == 0 || strcmp (fstype, "ext4dev") == 0;
}

static int
ext_probe (struct vs_blockdev *dev)
{
  unsigned char m[2];

  if (vs_blockdev_size (dev) < EXT_SB_OFFSET + 1024
      || vs_blockdev_pread (dev, m, 2, EXT_SB_MAGIC_OFFSET) == -1)
    return 0;
  return (m[0] | m[1] << 8) == EXT2_SUPER_MAGIC;
}

static int
ext_open (struct vs_hostfs *fs, struct vs_blockdev *dev, const char *fstype,
          char **errmsg)
{
  ext2_filsys efs = NULL;
  const struct ext2_super_block *sb;
  const unsigned char *u;
  errcode_t e;

  if (ext_check_super (dev, errmsg) == -1)
    return -1;
  ext_pending_dev = dev;
  /* Read-only: no EXT2_FLAG_RW, so no journal replay, no MMP, no
   * write-back of anything. */
  e = ext2fs_open2 ("vmscan-blockdev", NULL, EXT2_FLAG_64BITS, 0, 0,
                    &ext_io_manager, &efs);
  ext_pending_dev = NULL;
  if (e) {
    if (errmsg)
      *errmsg = vs_xasprintf ("libext2fs: %s", error_message (e));
    return ext_fail (e);
  }
  sb = efs->super;
  fs->priv = efs;
  fs->type = ext_type_name (sb);
  fs->label = vs_xstrndup ((const char *) sb->s_volume_name,
                           strnlen ((const char *) sb->s_volume_name,
                                    sizeof sb->s_volume_name));
  u = sb->s_uuid;
  fs->uuid = vs_xasprintf ("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
                           "%02x%02x%02x%02x%02x%02x",
                           u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7],
                           u[8], u[9], u[10], u[11], u[12], u[13], u[14],
                           u[15]);
  fs->root = EXT2_ROOT_INO;
  return 0;
}

/* An on-disk time: the signed 32-bit seconds, widened by the epoch
 * bits of its extra field when the inode has one. */
static void
ext_time (struct timespec *ts, uint32_t lo, int has_extra, uint32_t extra)
{
  int64_t sec = (int32_t) lo;
  long nsec = 0;

  if (has_extra) {
    sec += (int64_t) (extra & EXT4_EPOCH_MASK) << 32;
    nsec = extra >> EXT4_EPOCH_BITS;
    if (nsec > 999999999)
      nsec = 0;
  }
  ts->tv_sec = (time_t) sec;
  ts->tv_nsec = nsec;
}

/* Loads the inode and block bitmaps, once (only --deleted needs them).
 * 0, or -1 when they cannot be read (checksums, damage). */
static int
ext_bitmaps (ext2_filsys efs)
{
  if (efs->inode_map && efs->block_map)
    return 0;
  if (ext2fs_read_bitmaps (efs) != 0)
    return -1;
  return 0;
}

/* Whether the inode bitmap marks ino in use; 1 when the bitmap cannot be
 * read (an inode is then taken for live, as the kernel would show it). */
static int
ext_in_use (ext2_filsys efs, uint64_t ino)
{
  if (ext_bitmaps (efs) == -1)
    return 1;
  return ext2fs_test_inode_bitmap2 (efs->inode_map, (ext2_ino_t) ino) != 0;
}

struct ext_blocks {
  blk64_t seen, max;
  int reused;
};

static int
ext_content_block (ext2_filsys efs, blk64_t *blocknr, e2_blkcnt_t blockcnt,
                   blk64_t ref_blk, int ref_offset, void *priv)
{
  struct ext_blocks *b = priv;

  (void) blockcnt;
  (void) ref_blk;
  (void) ref_offset;
  if (vs_stopping ())
    return BLOCK_ABORT;
  /* A block outside the filesystem, in use again, or more blocks than
   * the filesystem has (a crafted map naming blocks twice): the bytes
   * are not the deleted file's. */
  if (*blocknr < efs->super->s_first_data_block
      || *blocknr >= ext2fs_blocks_count (efs->super)
      || ++b->seen > b->max
      || ext2fs_test_block_bitmap2 (efs->block_map, *blocknr)) {
    b->reused = 1;
    return BLOCK_ABORT;
  }
  return 0;
}

/* What is left of the deleted regular file ino's bytes (in is its
 * inode): whether every block it still maps is free. */
static int
ext_content (ext2_filsys efs, uint64_t ino, struct ext2_inode_large *in)
{
  struct ext_blocks b = { 0, 0, 0 };
  errcode_t e;

  if (in->i_flags & EXT4_INLINE_DATA_FL)
    return VS_HOSTFS_CONTENT_INTACT;    /* in the inode itself */
  if (EXT2_I_SIZE (in) == 0 || ext_bitmaps (efs) == -1
      || !ext2fs_inode_has_valid_blocks2 (efs, (struct ext2_inode *) in))
    return VS_HOSTFS_CONTENT_NONE;
  b.max = ext2fs_blocks_count (efs->super);
  e = ext2fs_block_iterate3 (efs, (ext2_ino_t) ino,
                             BLOCK_FLAG_READ_ONLY | BLOCK_FLAG_DATA_ONLY,
                             NULL, ext_content_block, &b);
  if (b.reused)
    return VS_HOSTFS_CONTENT_REUSED;
  if (e || b.seen == 0)
    return VS_HOSTFS_CONTENT_NONE;
  return VS_HOSTFS_CONTENT_INTACT;
}

/* The most bytes of an inode ext_stat reads whole, to see its in-inode
 * attributes; a filesystem with larger inodes is asked for them. */
#define EXT_RAW_INODE 1024

/* Whether the inode certainly holds no extended attribute: the tests
 * libext2fs's ext2fs_xattrs_read makes before it reads any, an
 * attribute block and the in-inode area's magic.  raw is the whole
 * inode (isize bytes), or NULL when it was too large to read whole. */
static int
ext_no_xattrs (ext2_filsys efs, const struct ext2_inode_large *in,
               const unsigned char *raw, size_t isize)
{
  size_t at;
  uint32_t magic;

  if (!ext2fs_has_feature_xattr (efs->super))
    return 1;
  if (ext2fs_file_acl_block (efs, (struct ext2_inode *) (void *) in) != 0
      || !raw)
    return 0;
  if (in->i_extra_isize < sizeof in->i_extra_isize
      || isize <= EXT2_GOOD_OLD_INODE_SIZE + (size_t) in->i_extra_isize
                  + sizeof magic)
    return 1;                   /* no room for in-inode attributes */
  if (in->i_extra_isize & 3)
    return 0;                   /* corrupt: let getxattr say so */
  at = EXT2_GOOD_OLD_INODE_SIZE + in->i_extra_isize;
  memcpy (&magic, raw + at, sizeof magic);
  return ext2fs_le32_to_cpu (magic) != EXT2_EXT_ATTR_MAGIC;
}

static int
ext_stat (struct vs_hostfs *fs, uint64_t ino, struct vs_hostfs_stat *st)
{
  ext2_filsys efs = ext_fs (fs);
  union {
    struct ext2_inode_large in;
    unsigned char raw[EXT_RAW_INODE];
  } u;
  struct ext2_inode_large in;
  size_t extra = 0, isize = EXT2_INODE_SIZE (efs->super);
  int whole = isize >= sizeof u.in && isize <= sizeof u.raw;

  if (ext_inode_sized (efs, ino, &u, whole ? isize : sizeof u.in) == -1)
    return -1;
  in = u.in;
  st->no_xattrs = ext_no_xattrs (efs, &in, whole ? u.raw : NULL, isize);
  /* How much of the large part the inode really has. */
  if (EXT2_INODE_SIZE (efs->super) > EXT2_GOOD_OLD_INODE_SIZE
      && in.i_extra_isize <= EXT2_INODE_SIZE (efs->super)
                             - EXT2_GOOD_OLD_INODE_SIZE)
    extra = EXT2_GOOD_OLD_INODE_SIZE + in.i_extra_isize;
#define HAS(field) \
  (extra >= offsetof (struct ext2_inode_large, field) + sizeof in.field)

  st->ino = ino;
  st->mode = in.i_mode;
  st->uid = inode_uid (in);
  st->gid = inode_gid (in);
  st->nlink = in.i_links_count;
  st->size = EXT2_I_SIZE (&in);
  st->blocks = ext2fs_get_stat_i_blocks (efs, (struct ext2_inode *) &in);
  ext_time (&st->atime, in.i_atime, HAS (i_atime_extra), in.i_atime_extra);
  ext_time (&st->mtime, in.i_mtime, HAS (i_mtime_extra), in.i_mtime_extra);
  ext_time (&st->ctime, in.i_ctime, HAS (i_ctime_extra), in.i_ctime_extra);
  if (HAS (i_crtime)) {
    st->has_btime = 1;
    ext_time (&st->btime, in.i_crtime, HAS (i_crtime_extra),
              in.i_crtime_extra);
  }
#undef HAS
  /* The bitmaps are read only once deleted entries were asked for (a
   * live walk never needs them): until then, what the inode says. */
  st->deleted = (in.i_links_count == 0 || in.i_dtime != 0)
    && (!efs->priv_data || !ext_in_use (efs, ino));
  if (st->deleted && S_ISREG (st->mode) && efs->priv_data)
    st->content = ext_content (efs, ino, &in);
  return 0;
}

/* Checks that ino is an inode of the type fmt (S_IFDIR...). */
static int
ext_inode_of_type (ext2_filsys efs, uint64_t ino, unsigned fmt,
                   struct ext2_inode_large *in, int err)
{
  if (ext_inode (efs, ino, in) == -1)
    return -1;
  if ((in->i_mode & S_IFMT) != fmt) {
    errno = err;
    return -1;
  }
  return 0;
}

struct ext_readdir {
  vs_hostfs_dirent_fn *fn;
  void *opaque;
  int ret;                      /* the caller's nonzero value */
  int err;                      /* an errno that stopped the listing */
  ext2_ino_t max_ino;           /* deleted entries: the last inode */
};

static int
ext_readdir_entry (ext2_ino_t dir, int entry, struct ext2_dir_entry *dirent,
                   int offset, int blocksize, char *buf, void *priv)
{
  struct ext_readdir *r = priv;
  uint64_t ino = dirent->inode;
  int len;

  (void) dir;
  (void) offset;
  (void) blocksize;
  (void) buf;
  if (vs_stopping ()) {
    r->err = ECANCELED;
    return DIRENT_ABORT;
  }
  if (entry == DIRENT_DOT_FILE || entry == DIRENT_DOT_DOT_FILE)
    return 0;
  if (r->max_ino) {
    /* Deleted entries only, with the inode they named while it can
     * be one. */
    if (entry != DIRENT_DELETED_FILE)
      return 0;
    if (ino > r->max_ino)
      ino = 0;
  }
  else if (entry == DIRENT_DELETED_FILE || ino == 0)
    return 0;
  len = ext2fs_dirent_name_len (dirent);
  /* libext2fs has checked that the name fits in its record. */
  if (len <= 0)
    return 0;
  r->ret = r->fn (r->opaque, dirent->name, len, ino);
  return r->ret ? DIRENT_ABORT : 0;
}

/* Lists dir: its live entries, or (deleted) the names left in its blocks
 * by removed entries, which libext2fs finds in the slack of the entry
 * before them, as debugfs's "ls -d" shows them. */
static int
ext_list (struct vs_hostfs *fs, uint64_t dir, int deleted,
          vs_hostfs_dirent_fn *fn, void *opaque)
{
  ext2_filsys efs = ext_fs (fs);
  struct ext2_inode_large in;
  struct ext_readdir r = { fn, opaque, 0, 0,
                           deleted ? efs->super->s_inodes_count : 0 };
  errcode_t e;

  if (deleted)
    efs->priv_data = efs;       /* deleted entries asked for */
  if (ext_inode_of_type (efs, dir, S_IFDIR, &in, ENOTDIR) == -1)
    return -1;
  e = ext2fs_dir_iterate2 (efs, (ext2_ino_t) dir,
                           deleted ? DIRENT_FLAG_INCLUDE_REMOVED : 0, NULL,
                           ext_readdir_entry, &r);
  if (r.err) {
    errno = r.err;
    return -1;
  }
  if (r.ret)
    return r.ret;
  if (e) {
    /* A hostile directory block is an I/O error, whatever libext2fs
     * called it. */
    errno = ext_errno (e) == ENOMEM ? ENOMEM : EIO;
    return -1;
  }
  return 0;
}

static int
ext_readdir (struct vs_hostfs *fs, uint64_t dir, vs_hostfs_dirent_fn *fn,
             void *opaque)
{
  return ext_list (fs, dir, 0, fn, opaque);
}

static int
ext_readdir_deleted (struct vs_hostfs *fs, uint64_t dir,
                     vs_hostfs_dirent_fn *fn, void *opaque)
{
  return ext_list (fs, dir, 1, fn, opaque);
}

/* Block groups one step of the orphan listing reads. */
#define EXT_ORPHAN_GROUPS 16

/* Unallocated inodes that still hold a file (a mode), group by group
 * from the group *cursor. */
static int
ext_orphans (struct vs_hostfs *fs, uint64_t *cursor, vs_hostfs_dirent_fn *fn,
             void *opaque)
{
  ext2_filsys efs = ext_fs (fs);
  ext2_inode_scan scan = NULL;
  struct ext2_inode_large in;
  uint64_t g = *cursor, last;
  ext2_ino_t ino, end, first = EXT2_FIRST_INO (efs->super);
  errcode_t e;
  int r = 0;

  efs->priv_data = efs;         /* deleted entries asked for */
  if (g >= efs->group_desc_count) {
    *cursor = VS_HOSTFS_ORPHANS_DONE;
    return 0;
  }
  if (ext_bitmaps (efs) == -1) {
    errno = EIO;
    return -1;
  }
  last = g + EXT_ORPHAN_GROUPS;
  if (last > efs->group_desc_count)
    last = efs->group_desc_count;
  end = (ext2_ino_t) (last * efs->super->s_inodes_per_group);
  if (end > efs->super->s_inodes_count || end == 0)
    end = efs->super->s_inodes_count;
  e = ext2fs_open_inode_scan (efs, 0, &scan);
  if (e)
    return ext_fail (e);
  ext2fs_inode_scan_flags (scan, EXT2_SF_SKIP_MISSING_ITABLE
                           | EXT2_SF_DO_LAZY, 0);
  e = ext2fs_inode_scan_goto_blockgroup (scan, (int) g);
  while (e == 0 && r == 0) {
    if (vs_stopping ()) {
      ext2fs_close_inode_scan (scan);
      errno = ECANCELED;
      return -1;
    }
    memset (&in, 0, sizeof in);
    e = ext2fs_get_next_inode_full (scan, &ino, (struct ext2_inode *) &in,
                                    sizeof in);
    if (e == EXT2_ET_INODE_CSUM_INVALID || e == EXT2_ET_INODE_IS_GARBAGE
        || e == EXT2_ET_BAD_BLOCK_IN_INODE_TABLE) {
      e = 0;                    /* that inode is not believed */
      continue;
    }
    if (e || ino == 0 || ino > end)
      break;
    if (ino < first || in.i_mode == 0
        || ext2fs_test_inode_bitmap2 (efs->inode_map, ino))
      continue;
    {
      char name[32];
      int n = snprintf (name, sizeof name, "OrphanFile-%u", (unsigned) ino);

      r = fn (opaque, name, (size_t) n, ino);
    }
  }
  ext2fs_close_inode_scan (scan);
  if (r)
    return r;
  if (e) {
    errno = ext_errno (e) == ENOMEM ? ENOMEM : EIO;
    return -1;
  }
  *cursor = last >= efs->group_desc_count ? VS_HOSTFS_ORPHANS_DONE : last;
  return 0;
}

static int
ext_lookup (struct vs_hostfs *fs, uint64_t dir, const char *name,
            size_t len, uint64_t *ino)
{
  ext2_filsys efs = ext_fs (fs);
  struct ext2_inode_large in;
  ext2_ino_t found = 0;
  errcode_t e;

  if (len > EXT2_NAME_LEN) {
    errno = ENOENT;
    return -1;
  }
  if (ext_inode_of_type (efs, dir, S_IFDIR, &in, ENOTDIR) == -1)
    return -1;
  e = ext2fs_lookup (efs, (ext2_ino_t) dir, name, (int) len, NULL, &found);
  if (e) {
    errno = ext_errno (e) == ENOENT ? ENOENT
      : ext_errno (e) == ENOMEM ? ENOMEM : EIO;
    return -1;
  }
  if (found == 0) {
    errno = ENOENT;
    return -1;
  }
  *ino = found;
  return 0;
}

/* Reads up to len bytes of ino at off through libext2fs's file layer,
 * which knows extents, block maps, inline data and holes. */
static int
ext_file_read (ext2_filsys efs, uint64_t ino, uint64_t off, char *buf,
               size_t len, size_t *got)
{
  ext2_file_t file;
  errcode_t e;
  size_t done = 0;
  unsigned int n;

  *got = 0;
  e = ext2fs_file_open (efs, (ext2_ino_t) ino, 0, &file);
  if (e)
    return ext_fail (e);
  e = ext2fs_file_llseek (file, off, EXT2_SEEK_SET, NULL);
  while (e == 0 && done < len) {
    size_t want = len - done > EXT_READ_CHUNK ? EXT_READ_CHUNK : len - done;

    if (vs_stopping ()) {
      ext2fs_file_close (file);
      errno = ECANCELED;
      return -1;
    }
    n = 0;
    e = ext2fs_file_read (file, buf + done, (unsigned int) want, &n);
    if (e || n == 0)
      break;
    done += n;
  }
  ext2fs_file_close (file);
  if (e) {
    errno = ext_errno (e) == ENOMEM ? ENOMEM : EIO;
    return -1;
  }
  *got = done;
  return 0;
}

static int
ext_readlink (struct vs_hostfs *fs, uint64_t ino, char **target,
              size_t *len)
{
  ext2_filsys efs = ext_fs (fs);
  struct ext2_inode_large in;
  uint64_t size;
  size_t got;
  char *t;

  if (ext_inode_of_type (efs, ino, S_IFLNK, &in, EINVAL) == -1)
    return -1;
  size = EXT2_I_SIZE (&in);
  if (size == 0) {              /* The kernel refuses these too. */
    errno = EIO;
    return -1;
  }
  /* As Linux reads a target: at most a page less one byte, whatever the
   * inode's size says (a crafted one may say 2^40), and up to the first
   * NUL; the caller sees the size disagree. */
  if (size > VS_HOSTFS_MAX_LINK - 1)
    size = VS_HOSTFS_MAX_LINK - 1;
  t = vs_xmalloc (size + 1);
  if (!(in.i_flags & EXT4_INLINE_DATA_FL)
      && ext2fs_is_fast_symlink ((struct ext2_inode *) &in)) {
    /* The target sits in i_block itself. */
    if (size >= sizeof in.i_block) {
      free (t);
      errno = EIO;
      return -1;
    }
    memcpy (t, in.i_block, size);
  }
  else if (ext_file_read (efs, ino, 0, t, size, &got) == -1
           || got != size) {
    if (errno != ECANCELED && errno != ENOMEM)
      errno = EIO;
    free (t);
    return -1;
  }
  t[size] = '\0';
  size = strlen (t);
  if (size == 0) {
    free (t);
    errno = EIO;
    return -1;
  }
  *target = t;
  *len = size;
  return 0;
}

static int
ext_read (struct vs_hostfs *fs, uint64_t ino, uint64_t off, void *buf,
          size_t len, size_t *got)
{
  ext2_filsys efs = ext_fs (fs);
  struct ext2_inode_large in;
  uint64_t size;

  *got = 0;
  if (ext_inode_of_type (efs, ino, S_IFREG, &in, EINVAL) == -1)
    return -1;
  size = EXT2_I_SIZE (&in);
  if (off >= size || len == 0)
    return 0;
  if (len > size - off)
    len = size - off;
  return ext_file_read (efs, ino, off, buf, len, got);
}

static int
ext_getxattr (struct vs_hostfs *fs, uint64_t ino, const char *name,
              void *buf, size_t len, size_t *got)
{
  ext2_filsys efs = ext_fs (fs);
  struct ext2_inode_large in;
  struct ext2_xattr_handle *h = NULL;
  void *value = NULL;
  size_t vlen = 0;
  errcode_t e;
  int r = -1;

  *got = 0;
  if (ext_inode (efs, ino, &in) == -1)
    return -1;
  if (!ext2fs_has_feature_xattr (efs->super)) {
    errno = ENODATA;
    return -1;
  }
  e = ext2fs_xattrs_open (efs, (ext2_ino_t) ino, &h);
  if (e)
    return ext_fail (e);
  e = ext2fs_xattrs_read (h);
  if (e == 0)
    e = ext2fs_xattr_get (h, name, &value, &vlen);
  if (e) {
    errno = ext_errno (e) == ENODATA ? ENODATA
      : ext_errno (e) == ENOMEM ? ENOMEM : EIO;
    goto out;
  }
  *got = vlen;
  if (vlen > len) {
    if (len > 0)
      memcpy (buf, value, len);
    errno = EFBIG;
    goto out;
  }
  if (vlen > 0)
    memcpy (buf, value, vlen);
  r = 0;
 out:
  if (value)
    ext2fs_free_mem (&value);
  ext2fs_xattrs_close (&h);
  return r;
}

static void
ext_close (struct vs_hostfs *fs)
{
  if (fs->priv)
    ext2fs_close_free ((ext2_filsys *) &fs->priv);
  fs->priv = NULL;
}

const struct vs_hostfs_ops vs_hostfs_ext_ops = {
  .name = "libext2fs",
  .handles = ext_handles,
  .probe = ext_probe,
  .open = ext_open,
  .stat = ext_stat,
  .readdir = ext_readdir,
  .readdir_deleted = ext_readdir_deleted,
  .orphans = ext_orphans,
  .lookup = ext_lookup,
  .readlink = ext_readlink,
  .read = ext_read,
  .getxattr = ext_getxattr,
  .close = ext_close,
};
