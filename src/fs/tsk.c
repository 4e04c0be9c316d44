/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: NTFS, FAT12/16/32, exFAT, ISO 9660 and HFS+ read on the host
 * with The Sleuth Kit's libtsk (the reader behind fs/hostfs.h).
 *
 * libtsk reads the image only through a callback over the struct
 * vs_blockdev (tsk_img_open_external): it never opens a host path.  The
 * filesystem is opened at offset 0 of the device with the type asked
 * for; a probe tries the five types in turn (never ext2/3/4, UFS, YAFFS2
 * or XFS, which are not ours: ext belongs to fs/ext.c) and accepts the
 * device when exactly one of them opens.
 *
 * Inode numbers are TSK's metadata addresses: the MFT entry number on
 * NTFS, the catalog node id on HFS+, TSK's virtual numbers on FAT, exFAT
 * and ISO 9660 (the same ones fls and istat print).  The root is
 * TSK's root_inum.
 *
 * What a listing shows is what the operating system's own driver would
 * show, not what a forensic tool shows: only allocated names, without
 * "." and "..", without TSK's virtual files ($MBR, $FAT1, $OrphanFiles),
 * without the NTFS system files of the root (MFT entries 0 to 15, which
 * ntfs-3g hides too) and without the exFAT root's bitmap, up-case table,
 * label and GUID entries, which TSK shows as files "$ALLOC_BITMAP" and
 * so on, nor the FAT volume label, which TSK shows as a file "LABEL
 * (Volume Label Entry)": the directory entry behind each name is read
 * from the image, and only a real file entry (exFAT: type 0x85; FAT: no
 * volume attribute) is listed, so a file that takes one of those names
 * is still shown.  A '/' in a name (legal in HFS+)
 * is shown as ':', as Linux's hfsplus does.
 *
 * Lookup compares one component: an exact byte match first, then, on
 * NTFS, FAT, exFAT and HFS+ (not HFSX, not ISO 9660), a match ignoring
 * the case of ASCII letters, the first in directory order, as the
 * case-insensitive kernel drivers would find the file.  Letters outside
 * ASCII are compared exactly.
 *
 * stat gives TSK's metadata as it is: the type and permission bits TSK
 * makes of the filesystem's attributes, uid/gid (0 where the filesystem
 * has none), the link count, the size, and the access, modification,
 * change and creation times with their nanoseconds (on NTFS those of
 * $STANDARD_INFORMATION).  FAT has no change time: TSK gives 0 there.
 * read goes through tsk_fs_file_read on the file's default data
 * attribute (NTFS: the unnamed $DATA, resident or not; sparse runs read
 * as zeros).  readlink returns the data of what TSK calls a symlink
 * (HFS+); TSK 4.11 does not decode NTFS reparse points, so those are
 * plain files or directories here and readlink on them is EINVAL.  No
 * extended attributes are read: getxattr is always ENODATA.
 *
 * TSK's errors never reach stdout or stderr: each is read with
 * tsk_error_get, cleared with tsk_error_reset and returned as EIO (or
 * ENOENT for an inode TSK says does not exist).  A read of the device
 * that fails, or vs_stopping () while TSK works, makes the callback fail
 * so that TSK gives up; the call then fails with EIO or ECANCELED.  A
 * handle is not safe for concurrent use (neither is TSK's).
 */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <tsk/libtsk.h>

#include "base/util.h"
#include "fs/blockdev.h"
#include "fs/hostfs-int.h"
#include "fs/parts.h"

/* libtsk exports it but its public headers do not declare it: it
 * undoes the tsk_init_lock that tsk_img_open_external did. */
extern void tsk_deinit_lock (tsk_lock_t *);

/* The five kinds this reader serves. */
enum tsk_kind { K_NTFS, K_FAT, K_EXFAT, K_ISO, K_HFS };

/* A read of the file's data is done in pieces of this many bytes so that
 * vs_stopping () is looked at between them. */
#define READ_STEP (1024 * 1024)
/* FAT directories whose subdirectory count is kept (see fat_subdirs). */
#define FAT_NLINK_CACHE 64

struct tsk_priv {
  TSK_IMG_INFO img;             /* first: TSK casts it back */
  struct vs_blockdev *dev;
  TSK_FS_INFO *fs;
  enum tsk_kind kind;
  int casefold;                 /* lookup falls back to ASCII case */
  int read_failed, stopped;     /* what made the callback fail */
  uint64_t dentry_base;         /* (ex)FAT: where TSK's slot numbers start */
  uint32_t sector_size;         /* (ex)FAT: bytes per sector */
  struct {
    uint64_t ino;               /* the directory's inode + 1; 0: empty */
    uint64_t subdirs;
  } nlink_cache[FAT_NLINK_CACHE];
};

static const struct {
  const char *name;
  TSK_FS_TYPE_ENUM type;
  enum tsk_kind kind;
} kinds[] = {
  { "ntfs", TSK_FS_TYPE_NTFS, K_NTFS },
  { "vfat", TSK_FS_TYPE_FAT_DETECT, K_FAT },
  { "exfat", TSK_FS_TYPE_EXFAT, K_EXFAT },
  { "iso9660", TSK_FS_TYPE_ISO9660, K_ISO },
  { "hfsplus", TSK_FS_TYPE_HFS_DETECT, K_HFS },
};
#define NKINDS (sizeof kinds / sizeof kinds[0])

static ssize_t
img_read (TSK_IMG_INFO *img, TSK_OFF_T off, char *buf, size_t len)
{
  struct tsk_priv *p = (struct tsk_priv *) img;
  uint64_t size = vs_blockdev_size (p->dev);

  if (vs_stopping ()) {
    p->stopped = 1;
    return -1;
  }
  if (off < 0 || (uint64_t) off >= size)
    return 0;
  if (len > size - (uint64_t) off)
    len = size - (uint64_t) off;
  if (len > SSIZE_MAX)
    len = SSIZE_MAX;
  if (vs_blockdev_pread (p->dev, buf, len, (uint64_t) off) == -1) {
    p->read_failed = 1;
    return -1;
  }
  return (ssize_t) len;
}

static void
img_close (TSK_IMG_INFO *img)
{
  /* The struct is part of struct tsk_priv, freed by its owner. */
  tsk_deinit_lock (&img->cache_lock);
}

static void
img_stat (TSK_IMG_INFO *img, FILE *fp)
{
}

/* Turns the state TSK and the callback left into errno (and clears
 * TSK's).  Returns -1. */
static int
fail (struct tsk_priv *p, int dflt)
{
  int e = dflt;

  if (p->stopped || vs_stopping ())
    e = ECANCELED;
  else if (p->read_failed)
    e = EIO;
  else if (tsk_error_get_errno () == TSK_ERR_AUX_MALLOC)
    e = ENOMEM;
  p->stopped = p->read_failed = 0;
  tsk_error_reset ();
  errno = e;
  return -1;
}

static struct tsk_priv *
priv_new (struct vs_blockdev *dev)
{
  struct tsk_priv *p = vs_xcalloc (1, sizeof *p);

  p->dev = dev;
  if (tsk_img_open_external (&p->img, (TSK_OFF_T) vs_blockdev_size (dev),
                             512, img_read, img_close, img_stat) == NULL) {
    tsk_error_reset ();
    free (p);
    errno = EIO;
    return NULL;
  }
  return p;
}

static void
priv_free (struct tsk_priv *p)
{
  if (p == NULL)
    return;
  if (p->fs)
    tsk_fs_close (p->fs);
  tsk_img_close (&p->img);
  free (p);
}

/* Opens p's image as the kind k, or returns NULL with TSK's error set. */
static TSK_FS_INFO *
fs_open_kind (struct tsk_priv *p, size_t k)
{
  TSK_FS_INFO *fs;

  tsk_verbose = 0;
  fs = tsk_fs_open_img (&p->img, 0, kinds[k].type);
  if (fs == NULL)
    return NULL;
  /* "vfat" must not open exFAT, nor "exfat" FAT. */
  if ((kinds[k].kind == K_FAT && fs->ftype == TSK_FS_TYPE_EXFAT)
      || (kinds[k].kind == K_EXFAT && fs->ftype != TSK_FS_TYPE_EXFAT)
      || (kinds[k].kind == K_FAT && !TSK_FS_TYPE_ISFAT (fs->ftype))) {
    tsk_fs_close (fs);
    tsk_error_reset ();
    tsk_error_set_errno (TSK_ERR_FS_UNKTYPE);
    return NULL;
  }
  return fs;
}

static int
kind_index (const char *fstype)
{
  size_t i;

  if (fstype == NULL)
    return -1;
  for (i = 0; i < NKINDS; ++i)
    if (strcmp (fstype, kinds[i].name) == 0)
      return (int) i;
  return -1;
}

static int
tsk_handles (const char *fstype)
{
  return kind_index (fstype) >= 0;
}

/* The index of the one kind that opens on dev, -1 if none does, -2 if
 * several do. */
static int
detect (struct tsk_priv *p)
{
  int found = -1;
  size_t i;

  for (i = 0; i < NKINDS; ++i) {
    TSK_FS_INFO *fs = fs_open_kind (p, i);

    if (fs == NULL) {
      tsk_error_reset ();
      if (p->stopped)
        return -1;
      p->read_failed = 0;
      continue;
    }
    tsk_fs_close (fs);
    if (found >= 0)
      return -2;
    found = (int) i;
  }
  return found;
}

static int
tsk_probe (struct vs_blockdev *dev)
{
  struct tsk_priv *p = priv_new (dev);
  int k;

  if (p == NULL)
    return 0;
  k = detect (p);
  priv_free (p);
  tsk_error_reset ();
  return k >= 0;
}

/* Appends the UTF-16LE string s (n units) to b as UTF-8; an unpaired
 * surrogate becomes U+FFFD. */
static void
add_utf16le (struct vs_buf *b, const unsigned char *s, size_t n)
{
  size_t i;

  for (i = 0; i < n; ++i) {
    uint32_t c = s[2 * i] | (uint32_t) s[2 * i + 1] << 8;
    char out[4];
    size_t len;

    if (c == 0)
      break;
    if (c >= 0xd800 && c < 0xdc00 && i + 1 < n) {
      uint32_t lo = s[2 * i + 2] | (uint32_t) s[2 * i + 3] << 8;
      if (lo >= 0xdc00 && lo < 0xe000) {
        c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
        ++i;
      }
      else
        c = 0xfffd;
    }
    else if (c >= 0xd800 && c < 0xe000)
      c = 0xfffd;
    if (c < 0x80) {
      out[0] = c;
      len = 1;
    }
    else if (c < 0x800) {
      out[0] = 0xc0 | c >> 6;
      out[1] = 0x80 | (c & 0x3f);
      len = 2;
    }
    else if (c < 0x10000) {
      out[0] = 0xe0 | c >> 12;
      out[1] = 0x80 | ((c >> 6) & 0x3f);
      out[2] = 0x80 | (c & 0x3f);
      len = 3;
    }
    else {
      out[0] = 0xf0 | c >> 18;
      out[1] = 0x80 | ((c >> 12) & 0x3f);
      out[2] = 0x80 | ((c >> 6) & 0x3f);
      out[3] = 0x80 | (c & 0x3f);
      len = 4;
    }
    vs_buf_add (b, out, len);
  }
}

/* A copy of the n bytes at s without the blanks (and NULs) that pad
 * them at the end, printable. */
static char *
trimmed (const unsigned char *s, size_t n)
{
  while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == 0))
    --n;
  return vs_printable ((const char *) s, n);
}

/* The label and UUID as blkid gives them, where they are cheap to read:
 * the boot sector of FAT, exFAT and NTFS, the primary volume descriptor
 * of ISO 9660, the label entry of the exFAT root and the $Volume name of
 * NTFS.  HFS+ gives none.  A read that fails leaves "". */
static void
read_ids (struct vs_hostfs *fs, struct tsk_priv *p)
{
  unsigned char b[1024];        /* the ISO 9660 descriptor needs 830 */
  struct vs_buf lb = VS_BUF_INIT;

  fs->label = fs->uuid = NULL;
  switch (p->kind) {
  case K_FAT:
    if (vs_blockdev_pread (p->dev, b, 512, 0) == 0) {
      /* FAT32 has its extended boot record at 64, FAT12/16 at 36. */
      size_t ebr = p->fs->ftype == TSK_FS_TYPE_FAT32 ? 64 : 36;
      if (b[ebr + 2] == 0x29) {
        fs->uuid = vs_xasprintf ("%02X%02X-%02X%02X", b[ebr + 6],
                                 b[ebr + 5], b[ebr + 4], b[ebr + 3]);
        fs->label = trimmed (b + ebr + 7, 11);
        if (strcmp (fs->label, "NO NAME") == 0)
          fs->label[0] = '\0';
      }
    }
    break;
  case K_EXFAT:
    if (vs_blockdev_pread (p->dev, b, 512, 0) == 0) {
      uint32_t spc = 1u << (b[109] & 31);
      uint32_t root = b[96] | b[97] << 8 | b[98] << 16
        | (uint32_t) b[99] << 24;
      uint64_t off;
      size_t i;

      fs->uuid = vs_xasprintf ("%02X%02X-%02X%02X", b[103], b[102],
                               b[101], b[100]);
      /* The label entry (0x83) is among the first of the root. */
      off = (p->dentry_base + (uint64_t) (root - 2) * spc) * p->sector_size;
      if (root >= 2
          && vs_blockdev_pread (p->dev, b, 512, off) == 0)
        for (i = 0; i < 512; i += 32)
          if (b[i] == 0x83) {
            add_utf16le (&lb, b + i + 2, b[i + 1] > 11 ? 11 : b[i + 1]);
            break;
          }
    }
    break;
  case K_NTFS:
    if (vs_blockdev_pread (p->dev, b, 512, 0) == 0) {
      TSK_FS_FILE *f;

      fs->uuid = vs_xasprintf ("%02X%02X%02X%02X%02X%02X%02X%02X",
                               b[0x4f], b[0x4e], b[0x4d], b[0x4c],
                               b[0x4b], b[0x4a], b[0x49], b[0x48]);
      f = tsk_fs_file_open_meta (p->fs, NULL, 3);     /* $Volume */
      if (f) {
        const TSK_FS_ATTR *a =
          tsk_fs_file_attr_get_type (f, TSK_FS_ATTR_TYPE_NTFS_VNAME, 0, 0);
        if (a && (a->flags & TSK_FS_ATTR_RES) && a->rd.buf
            && a->size <= 512 && a->size <= (TSK_OFF_T) a->rd.buf_size)
          add_utf16le (&lb, a->rd.buf, a->size / 2);
        tsk_fs_file_close (f);
      }
      tsk_error_reset ();
    }
    break;
  case K_ISO:
    if (vs_blockdev_pread (p->dev, b, sizeof b, 16 * 2048) == 0
        && b[0] == 1 && memcmp (b + 1, "CD001", 5) == 0) {
      const unsigned char *t = b + 813;     /* creation date and time */
      fs->label = trimmed (b + 40, 32);
      if (t[0] != '0' || memcmp (t, "0000000000000000", 16) != 0)
        fs->uuid = vs_xasprintf ("%.4s-%.2s-%.2s-%.2s-%.2s-%.2s-%.2s",
                                 t, t + 4, t + 6, t + 8, t + 10, t + 12,
                                 t + 14);
    }
    break;
  case K_HFS:
    break;
  }
  if (fs->label == NULL) {
    vs_buf_addc (&lb, '\0');
    fs->label = vs_printable (lb.data, strlen (lb.data));
  }
  vs_buf_release (&lb);
  if (fs->uuid == NULL)
    fs->uuid = vs_xstrdup ("");
}

static int
tsk_open (struct vs_hostfs *fs, struct vs_blockdev *dev, const char *fstype,
          char **errmsg)
{
  struct tsk_priv *p;
  int k = -1;

  *errmsg = NULL;
  if (fstype != NULL && (k = kind_index (fstype)) < 0) {
    *errmsg = vs_xasprintf ("libtsk does not read %s", fstype);
    errno = ENOTSUP;
    return -1;
  }
  p = priv_new (dev);
  if (p == NULL) {
    *errmsg = vs_xstrdup ("libtsk: cannot set up the image");
    return -1;
  }
  if (k < 0) {
    k = detect (p);
    if (k < 0) {
      int e = p->stopped ? ECANCELED : ENOTSUP;
      *errmsg = vs_xstrdup (k == -2
                            ? "libtsk: more than one filesystem type matches"
                            : "libtsk: no filesystem it reads");
      priv_free (p);
      errno = e;
      return -1;
    }
  }
  p->kind = kinds[k].kind;
  p->fs = fs_open_kind (p, (size_t) k);
  if (p->fs == NULL) {
    const char *why = tsk_error_get ();
    char *line = vs_one_line (why ? why : "unknown error");
    char *pr = vs_printable (line, strlen (line) > 200 ? 200 : strlen (line));

    *errmsg = vs_xasprintf ("libtsk cannot open %s: %s", kinds[k].name, pr);
    free (pr);
    free (line);
    fail (p, EIO);
    k = errno;
    priv_free (p);
    errno = k;
    return -1;
  }

  switch (p->kind) {
  case K_NTFS: case K_FAT: case K_EXFAT:
    p->casefold = 1;
    break;
  case K_HFS: {
    /* HFS+ ("H+") is case-insensitive; HFSX ("HX") normally is not. */
    unsigned char sig[2];
    p->casefold = vs_blockdev_pread (dev, sig, 2, 1024) == 0
      && sig[0] == 'H' && sig[1] == '+';
    break;
  }
  case K_ISO:
    p->casefold = 0;
    break;
  }
  if (p->kind == K_EXFAT || p->kind == K_FAT) {
    unsigned char b[512];

    if (vs_blockdev_pread (dev, b, sizeof b, 0) == -1) {
      *errmsg = vs_xstrdup ("libtsk: cannot read the FAT boot sector");
      priv_free (p);
      errno = EIO;
      return -1;
    }
    if (p->kind == K_EXFAT) {
      p->dentry_base = b[88] | b[89] << 8 | b[90] << 16
        | (uint32_t) b[91] << 24;
      p->sector_size = 1u << (b[108] & 31);
    }
    else {
      uint32_t fatsz = b[22] | b[23] << 8;
      if (fatsz == 0)
        fatsz = b[36] | b[37] << 8 | b[38] << 16 | (uint32_t) b[39] << 24;
      p->dentry_base = (b[14] | b[15] << 8) + (uint64_t) b[16] * fatsz;
      p->sector_size = b[11] | b[12] << 8;
    }
  }

  fs->priv = p;
  fs->type = vs_xstrdup (kinds[k].name);
  fs->root = p->fs->root_inum;
  read_ids (fs, p);
  tsk_error_reset ();
  return 0;
}

static void
tsk_close (struct vs_hostfs *fs)
{
  priv_free (fs->priv);
  fs->priv = NULL;
}

/* Opens the metadata of ino.  NULL with errno set on failure. */
static TSK_FS_FILE *
open_meta (struct tsk_priv *p, uint64_t ino)
{
  TSK_FS_FILE *f;

  if (ino < p->fs->first_inum || ino > p->fs->last_inum) {
    errno = ENOENT;
    return NULL;
  }
  f = tsk_fs_file_open_meta (p->fs, NULL, (TSK_INUM_T) ino);
  if (f == NULL || f->meta == NULL) {
    int e = EIO;
    if (tsk_error_get_errno () == TSK_ERR_FS_INODE_NUM)
      e = ENOENT;
    if (f)
      tsk_fs_file_close (f);
    fail (p, e);
    return NULL;
  }
  return f;
}

static uint32_t
ifmt (TSK_FS_META_TYPE_ENUM t)
{
  switch (t) {
  case TSK_FS_META_TYPE_REG: case TSK_FS_META_TYPE_VIRT:
    return S_IFREG;
  case TSK_FS_META_TYPE_DIR: case TSK_FS_META_TYPE_VIRT_DIR:
    return S_IFDIR;
  case TSK_FS_META_TYPE_FIFO: return S_IFIFO;
  case TSK_FS_META_TYPE_CHR: return S_IFCHR;
  case TSK_FS_META_TYPE_BLK: return S_IFBLK;
  case TSK_FS_META_TYPE_LNK: return S_IFLNK;
  case TSK_FS_META_TYPE_SOCK: return S_IFSOCK;
  default: return 0;
  }
}

static struct timespec
ts (time_t s, uint32_t ns)
{
  struct timespec t;

  t.tv_sec = s;
  t.tv_nsec = ns < 1000000000 ? ns : 0;
  return t;
}

static int entry_kind (struct tsk_priv *p, const TSK_FS_DIR *d,
                       const TSK_FS_NAME *n, int deleted, int *err);
#define shown(p, d, n, err) entry_kind (p, d, n, 0, err)
static int tsk_content (struct tsk_priv *p, TSK_FS_FILE *f);

/* The subdirectories of the FAT directory dir, as Linux counts them for
 * its link count (every entry that is a directory but "." and ".."); 0
 * if it cannot be listed.  The last few answers are kept: a lookup stats
 * every directory on its way. */
static uint64_t
fat_subdirs (struct tsk_priv *p, uint64_t dir)
{
  size_t slot = (size_t) (dir % FAT_NLINK_CACHE), i, n;
  TSK_FS_DIR *d;
  uint64_t count = 0;
  int err = 0;

  if (p->nlink_cache[slot].ino == dir + 1)
    return p->nlink_cache[slot].subdirs;
  d = tsk_fs_dir_open_meta (p->fs, (TSK_INUM_T) dir);
  if (d == NULL) {
    tsk_error_reset ();
    return 0;
  }
  n = tsk_fs_dir_getsize (d);
  for (i = 0; i < n && !err && !vs_stopping (); ++i) {
    const TSK_FS_NAME *e = tsk_fs_dir_get_name (d, i);

    if (e && e->type == TSK_FS_NAME_TYPE_DIR && shown (p, d, e, &err))
      count++;
  }
  tsk_fs_dir_close (d);
  tsk_error_reset ();
  p->nlink_cache[slot].ino = dir + 1;
  p->nlink_cache[slot].subdirs = count;
  return count;
}

/* FAT keeps no owner, permissions, link count or change time.  What
 * Linux's vfat driver shows for them when mounted as the appliance
 * mounts it (read-only, owner 0, umask 022: 0755, without the write bits
 * for a read-only file; a directory's link count 2 plus its
 * subdirectories; the change time the modification time), so that both
 * data paths record the same and the checks judge the same modes. */
static void
fat_view (struct tsk_priv *p, struct vs_hostfs_stat *st)
{
  int ro = (st->mode & 0222) == 0;

  st->uid = st->gid = 0;
  st->ctime = st->mtime;
  if ((st->mode & S_IFMT) == S_IFDIR) {
    st->mode = S_IFDIR | 0755;
    st->nlink = 2 + fat_subdirs (p, st->ino);
  }
  else {
    st->mode = S_IFREG | (ro ? 0555 : 0755);
    st->nlink = 1;
  }
}

/* NTFS keeps owners and permissions as security descriptors, which
 * neither reader maps.  What ntfs-3g shows, mounted as the appliance
 * mounts it (read-only, no permission mapping: owner 0; a directory
 * 0777 and the size of its index allocation, 0 when the index fits in
 * the MFT record), so that both data paths record the same. */
static void
ntfs_view (TSK_FS_FILE *f, struct vs_hostfs_stat *st)
{
  st->uid = st->gid = 0;
  if ((st->mode & S_IFMT) == S_IFDIR) {
    const TSK_FS_ATTR *ia =
      tsk_fs_file_attr_get_type (f, TSK_FS_ATTR_TYPE_NTFS_IDXALLOC, 0, 0);

    st->mode = S_IFDIR | 0777;
    st->size = ia && ia->size > 0 ? (uint64_t) ia->size : 0;
    tsk_error_reset ();
  }
}

static int
tsk_stat (struct vs_hostfs *fs, uint64_t ino, struct vs_hostfs_stat *st)
{
  struct tsk_priv *p = fs->priv;
  TSK_FS_FILE *f = open_meta (p, ino);
  const TSK_FS_META *m;
  const TSK_FS_ATTR *a;
  uint32_t type;

  if (f == NULL)
    return -1;
  m = f->meta;
  type = ifmt (m->type);
  if (type == 0) {
    tsk_fs_file_close (f);
    errno = EIO;
    return -1;
  }
  memset (st, 0, sizeof *st);
  st->ino = ino;
  st->mode = type | ((uint32_t) m->mode & 07777);
  st->uid = m->uid;
  st->gid = m->gid;
  st->nlink = m->nlink > 0 ? (uint64_t) m->nlink : 1;
  st->size = m->size > 0 ? (uint64_t) m->size : 0;
  st->atime = ts (m->atime, m->atime_nano);
  st->mtime = ts (m->mtime, m->mtime_nano);
  st->ctime = ts (m->ctime, m->ctime_nano);
  st->has_btime = p->kind != K_ISO || m->crtime != 0;
  if (st->has_btime)
    st->btime = ts (m->crtime, m->crtime_nano);
  st->deleted = (m->flags & TSK_FS_META_FLAG_ALLOC) == 0;
  if (st->deleted && type == S_IFREG)
    st->content = tsk_content (p, f);
  st->no_xattrs = 1;            /* tsk_getxattr has none to give */
  /* What the default data attribute occupies on disk. */
  a = tsk_fs_file_attr_get (f);
  if (a && (a->flags & TSK_FS_ATTR_NONRES) && a->nrd.allocsize > 0)
    st->blocks = ((uint64_t) a->nrd.allocsize + 511) / 512;
  if (p->kind == K_NTFS)
    ntfs_view (f, st);
  tsk_fs_file_close (f);
  tsk_error_reset ();
  if (p->kind == K_FAT)
    fat_view (p, st);
  return 0;
}

/* Whether the entry n of a directory is one the OS would show (deleted
 * 0), or a deleted entry worth recording (deleted 1). */
static int
entry_kind (struct tsk_priv *p, const TSK_FS_DIR *d, const TSK_FS_NAME *n,
            int deleted, int *err)
{
  const char *s = n->name;

  *err = 0;
  if (s == NULL || s[0] == '\0'
      || ((n->flags & TSK_FS_NAME_FLAG_UNALLOC) != 0) != (deleted != 0))
    return 0;
  if (strcmp (s, ".") == 0 || strcmp (s, "..") == 0)
    return 0;
  if (n->type == TSK_FS_NAME_TYPE_VIRT || n->type == TSK_FS_NAME_TYPE_VIRT_DIR)
    return 0;
  if (n->meta_addr < p->fs->first_inum || n->meta_addr > p->fs->last_inum)
    return deleted;
  if (p->kind == K_NTFS && d->addr == p->fs->root_inum && n->meta_addr < 16)
    return 0;
  if ((p->kind == K_EXFAT || p->kind == K_FAT) && n->meta_addr >= 3) {
    /* TSK numbers a FAT or exFAT directory entry by its 32-byte slot,
     * counting from the first sector after the FATs (exFAT: the start
     * of the cluster heap), plus 3. */
    uint64_t slot = n->meta_addr - 3, per = p->sector_size / 32;
    uint64_t off = (p->dentry_base + slot / per) * p->sector_size
      + (slot % per) * 32;
    unsigned char e[32];

    if (per == 0 || vs_blockdev_pread (p->dev, e, 32, off) == -1) {
      *err = EIO;
      return 0;
    }
    /* exFAT: only a file entry (0x85) is a file.  FAT: a volume label
     * (attribute 0x08, not a long-name part 0x0f) is none. */
    if (p->kind == K_EXFAT && e[0] != (deleted ? 0x05 : 0x85))
      return 0;
    if (p->kind == K_FAT && (e[11] & 0x08) && e[11] != 0x0f)
      return 0;
  }
  return 1;
}

/* The entry's name as shown: TSK's, with '/' made ':'.  Fills buf (of
 * size TSK gives the name at most) and returns its length. */
static size_t
shown_name (const TSK_FS_NAME *n, char **out)
{
  size_t len = strlen (n->name), i;
  char *s = vs_xmemdup (n->name, len + 1);

  for (i = 0; i < len; ++i)
    if (s[i] == '/')
      s[i] = ':';
  *out = s;
  return len;
}

/* Opens the directory dir.  NULL with errno set on failure. */
static TSK_FS_DIR *
open_dir (struct tsk_priv *p, uint64_t dir)
{
  TSK_FS_FILE *f = open_meta (p, dir);
  TSK_FS_DIR *d;
  int isdir;

  if (f == NULL)
    return NULL;
  isdir = f->meta->type == TSK_FS_META_TYPE_DIR;
  tsk_fs_file_close (f);
  if (!isdir) {
    tsk_error_reset ();
    errno = ENOTDIR;
    return NULL;
  }
  d = tsk_fs_dir_open_meta (p->fs, (TSK_INUM_T) dir);
  if (d == NULL) {
    fail (p, EIO);
    return NULL;
  }
  return d;
}

/* Calls fn for each entry of the directory dir that is shown, with its
 * name as shown, until fn returns nonzero (then returns that).  Fails
 * with EFBIG past VS_HOSTFS_MAX_ENTRIES entries. */
static int
each_entry (struct tsk_priv *p, uint64_t dir, int deleted,
            vs_hostfs_dirent_fn *fn, void *opaque)
{
  TSK_FS_DIR *d = open_dir (p, dir);
  size_t i, n, count = 0;
  int r = 0, err = 0;

  if (d == NULL)
    return -1;
  n = tsk_fs_dir_getsize (d);
  for (i = 0; i < n && r == 0 && err == 0; ++i) {
    const TSK_FS_NAME *e;
    char *name;
    size_t len;

    if (vs_stopping ()) {
      err = ECANCELED;
      break;
    }
    e = tsk_fs_dir_get_name (d, i);
    if (e == NULL || !entry_kind (p, d, e, deleted, &err))
      continue;
    if (++count > VS_HOSTFS_MAX_ENTRIES) {
      err = EFBIG;
      break;
    }
    len = shown_name (e, &name);
    r = fn (opaque, name, len,
            e->meta_addr < p->fs->first_inum || e->meta_addr > p->fs->last_inum
            ? 0 : e->meta_addr);
    free (name);
  }
  tsk_fs_dir_close (d);
  tsk_error_reset ();
  if (err) {
    errno = err;
    return -1;
  }
  return r;
}

static int
tsk_readdir (struct vs_hostfs *fs, uint64_t dir, vs_hostfs_dirent_fn *fn,
             void *opaque)
{
  return each_entry (fs->priv, dir, 0, fn, opaque);
}

/* The names TSK finds left behind in dir: FAT entries marked deleted
 * (TSK puts '_' for the lost first character, as fls shows them), NTFS
 * index entries in the slack of $I30, and the like. */
static int
tsk_readdir_deleted (struct vs_hostfs *fs, uint64_t dir,
                     vs_hostfs_dirent_fn *fn, void *opaque)
{
  return each_entry (fs->priv, dir, 1, fn, opaque);
}

/* TSK's own orphan directory ($OrphanFiles, the last inode number): the
 * unallocated metadata no name points at, named OrphanFile-N by TSK.
 * One step: TSK finds them all at once. */
static int
tsk_orphans (struct vs_hostfs *fs, uint64_t *cursor, vs_hostfs_dirent_fn *fn,
             void *opaque)
{
  struct tsk_priv *p = fs->priv;
  TSK_FS_DIR *d;
  size_t i, n, count = 0;
  int r = 0;

  if (p->kind == K_ISO || p->kind == K_HFS) {
    *cursor = VS_HOSTFS_ORPHANS_DONE;
    return 0;
  }
  d = tsk_fs_dir_open_meta (p->fs, TSK_FS_ORPHANDIR_INUM (p->fs));
  if (d == NULL) {
    fail (p, EIO);
    return -1;
  }
  n = tsk_fs_dir_getsize (d);
  for (i = 0; i < n && r == 0; ++i) {
    const TSK_FS_NAME *e = tsk_fs_dir_get_name (d, i);
    char *name;
    size_t len;

    if (vs_stopping ()) {
      tsk_fs_dir_close (d);
      tsk_error_reset ();
      errno = ECANCELED;
      return -1;
    }
    if (e == NULL || e->name == NULL || e->name[0] == '\0'
        || e->meta_addr < p->fs->first_inum
        || e->meta_addr >= TSK_FS_ORPHANDIR_INUM (p->fs)
        || e->type == TSK_FS_NAME_TYPE_VIRT
        || e->type == TSK_FS_NAME_TYPE_VIRT_DIR)
      continue;
    if (++count > VS_HOSTFS_MAX_ENTRIES)
      break;
    len = shown_name (e, &name);
    r = fn (opaque, name, len, e->meta_addr);
    free (name);
  }
  tsk_fs_dir_close (d);
  tsk_error_reset ();
  *cursor = VS_HOSTFS_ORPHANS_DONE;
  return r;
}

struct tsk_blocks {
  uint64_t seen, max;
  int reused;
};

static TSK_WALK_RET_ENUM
content_block (TSK_FS_FILE *f, TSK_OFF_T off, TSK_DADDR_T addr, char *buf,
               size_t size, TSK_FS_BLOCK_FLAG_ENUM flags, void *priv)
{
  struct tsk_blocks *b = priv;

  (void) f;
  (void) off;
  (void) addr;
  (void) buf;
  (void) size;
  if (vs_stopping ())
    return TSK_WALK_STOP;
  if (flags & TSK_FS_BLOCK_FLAG_SPARSE)
    return TSK_WALK_CONT;
  b->seen++;
  if ((flags & TSK_FS_BLOCK_FLAG_RES) == 0
      && ((flags & TSK_FS_BLOCK_FLAG_ALLOC) || b->seen > b->max)) {
    b->reused = 1;
    return TSK_WALK_STOP;
  }
  return TSK_WALK_CONT;
}

/* What is left of the deleted regular file f's bytes: TSK's map of them
 * (for FAT, the clusters that follow its first, as TSK recovers them),
 * and whether any of those blocks is in use again. */
static int
tsk_content (struct tsk_priv *p, TSK_FS_FILE *f)
{
  struct tsk_blocks b = { 0, 0, 0 };
  uint8_t rc;

  if (f->meta->size <= 0)
    return VS_HOSTFS_CONTENT_NONE;
  b.max = (uint64_t) p->fs->block_count;
  rc = tsk_fs_file_walk (f, TSK_FS_FILE_WALK_FLAG_AONLY, content_block, &b);
  tsk_error_reset ();
  if (b.reused)
    return VS_HOSTFS_CONTENT_REUSED;
  if (rc != 0 || b.seen == 0)
    return VS_HOSTFS_CONTENT_NONE;
  return VS_HOSTFS_CONTENT_INTACT;
}

/* Whether a and b (len bytes each) are equal but for ASCII case. */
static int
ascii_caseeq (const char *a, const char *b, size_t len)
{
  size_t i;

  for (i = 0; i < len; ++i) {
    unsigned char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z')
      x += 'a' - 'A';
    if (y >= 'A' && y <= 'Z')
      y += 'a' - 'A';
    if (x != y)
      return 0;
  }
  return 1;
}

struct match {
  const char *name;
  size_t len;
  int casefold;
  int folded;                   /* a case-insensitive match was seen */
  uint64_t ino, folded_ino;
};

static int
match_entry (void *opaque, const char *name, size_t len, uint64_t ino)
{
  struct match *m = opaque;

  if (len != m->len)
    return 0;
  if (memcmp (name, m->name, len) == 0) {
    m->ino = ino;
    return 1;
  }
  if (m->casefold && !m->folded && ascii_caseeq (name, m->name, len)) {
    m->folded = 1;
    m->folded_ino = ino;
  }
  return 0;
}

static int
tsk_lookup (struct vs_hostfs *fs, uint64_t dir, const char *name,
            size_t len, uint64_t *ino)
{
  struct tsk_priv *p = fs->priv;
  struct match m = { name, len, p->casefold, 0, 0, 0 };
  int r;

  if (len == 0 || memchr (name, '/', len) || memchr (name, '\0', len)) {
    errno = EINVAL;
    return -1;
  }
  r = each_entry (p, dir, 0, match_entry, &m);
  if (r == -1)
    return -1;
  if (r == 1) {
    *ino = m.ino;
    return 0;
  }
  if (m.folded) {
    *ino = m.folded_ino;
    return 0;
  }
  errno = ENOENT;
  return -1;
}

/* Reads len bytes at off of f's default data into buf (all of them, the
 * caller has cut len to the size). */
static int
read_data (struct tsk_priv *p, TSK_FS_FILE *f, uint64_t off, char *buf,
           size_t len)
{
  size_t done = 0;

  while (done < len) {
    size_t step = len - done > READ_STEP ? READ_STEP : len - done;
    ssize_t r;

    if (vs_stopping ()) {
      errno = ECANCELED;
      return -1;
    }
    r = tsk_fs_file_read (f, (TSK_OFF_T) (off + done), buf + done, step,
                          TSK_FS_FILE_READ_FLAG_NONE);
    if (r <= 0)
      return fail (p, EIO);
    done += (size_t) r;
  }
  return 0;
}

static int
tsk_readlink (struct vs_hostfs *fs, uint64_t ino, char **target,
              size_t *len)
{
  struct tsk_priv *p = fs->priv;
  TSK_FS_FILE *f = open_meta (p, ino);
  uint64_t size;
  char *s;

  if (f == NULL)
    return -1;
  if (f->meta->type != TSK_FS_META_TYPE_LNK) {
    tsk_fs_file_close (f);
    errno = EINVAL;
    return -1;
  }
  size = f->meta->size > 0 ? (uint64_t) f->meta->size : 0;
  if (size == 0 || size > VS_HOSTFS_MAX_LINK) {
    tsk_fs_file_close (f);
    errno = EIO;
    return -1;
  }
  s = vs_xmalloc (size + 1);
  if (read_data (p, f, 0, s, size) == -1) {
    int e = errno;
    free (s);
    tsk_fs_file_close (f);
    errno = e;
    return -1;
  }
  tsk_fs_file_close (f);
  if (memchr (s, '\0', size)) {
    free (s);
    errno = EIO;
    return -1;
  }
  s[size] = '\0';
  *target = s;
  *len = size;
  return 0;
}

static int
tsk_read (struct vs_hostfs *fs, uint64_t ino, uint64_t off, void *buf,
          size_t len, size_t *got)
{
  struct tsk_priv *p = fs->priv;
  TSK_FS_FILE *f = open_meta (p, ino);
  uint64_t size;
  int r;

  *got = 0;
  if (f == NULL)
    return -1;
  if (f->meta->type != TSK_FS_META_TYPE_REG) {
    tsk_fs_file_close (f);
    errno = EINVAL;
    return -1;
  }
  size = f->meta->size > 0 ? (uint64_t) f->meta->size : 0;
  if (off >= size || len == 0) {
    tsk_fs_file_close (f);
    return 0;
  }
  if (len > size - off)
    len = size - off;
  r = read_data (p, f, off, buf, len);
  if (r == -1) {
    int e = errno;
    tsk_fs_file_close (f);
    errno = e;
    return -1;
  }
  tsk_fs_file_close (f);
  *got = len;
  return 0;
}

static int
tsk_getxattr (struct vs_hostfs *fs, uint64_t ino, const char *name,
              void *buf, size_t len, size_t *got)
{
  *got = 0;
  errno = ENODATA;
  return -1;
}

const struct vs_hostfs_ops vs_hostfs_tsk_ops = {
  .name = "libtsk",
  .handles = tsk_handles,
  .probe = tsk_probe,
  .open = tsk_open,
  .stat = tsk_stat,
  .readdir = tsk_readdir,
  .readdir_deleted = tsk_readdir_deleted,
  .orphans = tsk_orphans,
  .lookup = tsk_lookup,
  .readlink = tsk_readlink,
  .read = tsk_read,
  .getxattr = tsk_getxattr,
  .close = tsk_close,
};

/* ---- Partition tables (fs/parts.h), with libtsk's volume systems. ---- */

int
vs_tsk_partitions (struct vs_blockdev *dev, struct vs_part *out, size_t max,
                   size_t *n, enum vs_parts_kind *kind)
{
  struct tsk_priv *p = priv_new (dev);
  TSK_VS_INFO *vs;
  TSK_PNUM_T i;

  *n = 0;
  *kind = VS_PARTS_NONE;
  if (!p)
    return -1;
  tsk_verbose = 0;
  vs = tsk_vs_open (&p->img, 0, TSK_VS_TYPE_DETECT);
  if (vs == NULL) {
    /* No table (a filesystem fills the disk), or one libtsk cannot
     * choose between: the caller tells them apart by what opens. */
    tsk_error_reset ();
    priv_free (p);
    return 0;
  }
  switch (vs->vstype) {
  case TSK_VS_TYPE_DOS: *kind = VS_PARTS_MBR; break;
  case TSK_VS_TYPE_GPT: *kind = VS_PARTS_GPT; break;
  default: *kind = VS_PARTS_OTHER; break;
  }
  for (i = 0; i < vs->part_count && *n < max; i++) {
    const TSK_VS_PART_INFO *pi = tsk_vs_part_get (vs, i);
    uint64_t start, len;
    unsigned number;

    if (!pi || !(pi->flags & TSK_VS_PART_FLAG_ALLOC))
      continue;
    /* Linux's numbers: an MBR's primary slots are 1 to 4 and the
     * logical partition of the k-th extended table is 4 + k; a GPT's
     * entry i is i + 1. */
    if (*kind == VS_PARTS_MBR)
      number = pi->table_num <= 0 ? (unsigned) pi->slot_num + 1
        : 4 + (unsigned) pi->table_num;
    else
      number = (unsigned) pi->slot_num + 1;
    if (pi->slot_num < 0 || pi->len == 0)
      continue;
    start = (uint64_t) pi->start * vs->block_size;
    len = (uint64_t) pi->len * vs->block_size;
    out[*n].number = number;
    out[*n].start = start;
    out[*n].size = len;
    (*n)++;
  }
  tsk_vs_close (vs);
  priv_free (p);
  return 0;
}
