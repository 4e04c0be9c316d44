/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: tests of fs/tsk.c, the libtsk reader of NTFS, FAT, exFAT,
 * ISO 9660 and HFS+.
 *
 * Each filesystem is made by its own host tools (mkfs.vfat and mcopy,
 * mkntfs and ntfscp, mkfs.exfat, xorriso) from a tree this test writes,
 * then read back through vs_hostfs_tsk_ops and compared with the tree
 * (names, types, sizes, every byte), with blkid (label, UUID) and with
 * the Sleuth Kit's command line (fls -r -p for inode numbers, istat for
 * sizes).  A missing tool skips its cases.  The NTFS image of the shared
 * corpus, when present, is compared with fls and icat.  Then hostile
 * images: garbage, truncated, a FAT chain cut, ended early or looping.
 *
 * The test reaches the reader through fs/hostfs-int.h with a struct
 * vs_hostfs of its own, and brings a raw-fd block device of its own as
 * weak symbols, used only when fs/blockdev.c is not linked.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/util.h"
#include "fs/blockdev.h"
#include "fs/hostfs-int.h"
#include "tap.h"

/* A stand-in for fs/blockdev.c's raw-fd device. */
struct vs_blockdev {
  int fd;
  uint64_t size;
};

__attribute__((weak)) int
vs_blockdev_open_fd (int fd, uint64_t size, struct vs_blockdev **out,
                     char **errmsg)
{
  struct vs_blockdev *d = vs_xcalloc (1, sizeof *d);

  d->fd = fd;
  d->size = size;
  *out = d;
  return 0;
}

__attribute__((weak)) uint64_t
vs_blockdev_size (const struct vs_blockdev *d)
{
  return d->size;
}

__attribute__((weak)) int
vs_blockdev_pread (struct vs_blockdev *d, void *buf, size_t len,
                   uint64_t off)
{
  if (off > d->size || len > d->size - off) {
    errno = EIO;
    return -1;
  }
  return vs_pread_full (d->fd, buf, len, off);
}

__attribute__((weak)) void
vs_blockdev_free (struct vs_blockdev *d)
{
  free (d);
}

static char *work;

/* Runs the shell command made of fmt; returns its exit status. */
static int
run (const char *fmt, ...) __attribute__((format (printf, 1, 2)));

static int
run (const char *fmt, ...)
{
  va_list ap;
  char *cmd;
  int r;

  va_start (ap, fmt);
  cmd = vs_xvasprintf (fmt, ap);
  va_end (ap);
  r = system (cmd);
  free (cmd);
  return r;
}

/* The whole output of the shell command cmd (NUL-terminated). */
static char *
slurp_cmd (const char *cmd, size_t *len)
{
  FILE *fp = popen (cmd, "r");
  struct vs_buf b = VS_BUF_INIT;
  char tmp[65536];
  size_t n;

  if (fp == NULL)
    return NULL;
  while ((n = fread (tmp, 1, sizeof tmp, fp)) > 0)
    vs_buf_add (&b, tmp, n);
  pclose (fp);
  vs_buf_addc (&b, '\0');
  if (len)
    *len = b.len - 1;
  return vs_buf_detach (&b, NULL);
}

static int
have (const char *tool)
{
  return run ("command -v %s > /dev/null 2>&1", tool) == 0;
}

/* The tree: directories (parents first), then files with their sizes. */
static const char *const dirs[] = {
  "dir a", "dir a/sub", "dir a/sub/deeper", "dir a/\xc3\x9c" "n\xc3\xaf" "code dir",
};
#define NDIRS (sizeof dirs / sizeof dirs[0])
#define LONGNAME "long_name_" \
  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx.txt"
static const struct { const char *path; size_t size; int flat; } files[] = {
  { "empty", 0, 1 },
  { "one", 1, 1 },
  { "four k.bin", 4096, 1 },
  { "big file.bin", 100 * 1024, 1 },
  { "na\xc3\xaf" "ve caf\xc3\xa9.txt", 1234, 1 },
  { LONGNAME, 77, 1 },
  { "dir a/sub/deeper/leaf.txt", 300, 0 },
  { "dir a/\xc3\x9c" "n\xc3\xaf" "code dir/x", 10, 0 },
  { "dir a/sub/second", 5000, 0 },
};
#define NFILES (sizeof files / sizeof files[0])

static void
content (size_t i, unsigned char *buf, size_t n)
{
  uint32_t x = 0x9e3779b9u * (uint32_t) (i + 1);
  size_t k;

  for (k = 0; k < n; ++k) {
    x = x * 1103515245u + 12345u;
    buf[k] = x >> 16;
  }
}

static void
make_tree (const char *root, int flat)
{
  size_t i;

  mkdir (root, 0755);
  for (i = 0; i < NDIRS && !flat; ++i) {
    char *p = vs_xasprintf ("%s/%s", root, dirs[i]);
    mkdir (p, 0755);
    free (p);
  }
  for (i = 0; i < NFILES; ++i) {
    char *p;
    unsigned char *buf;
    FILE *fp;

    if (flat && !files[i].flat)
      continue;
    p = vs_xasprintf ("%s/%s", root, files[i].path);
    buf = vs_xmalloc (files[i].size + 1);
    content (i, buf, files[i].size);
    fp = fopen (p, "wb");
    if (fp) {
      fwrite (buf, 1, files[i].size, fp);
      fclose (fp);
    }
    free (buf);
    free (p);
  }
}

/* One filesystem opened through the reader. */
struct t_fs {
  struct vs_hostfs fs;
  struct vs_blockdev *dev;
  int fd;
};

static int
t_open (struct t_fs *t, const char *img, const char *fstype, char **err)
{
  struct stat st;

  memset (t, 0, sizeof *t);
  *err = NULL;
  t->fd = open (img, O_RDONLY | O_CLOEXEC);
  if (t->fd == -1 || fstat (t->fd, &st) == -1) {
    *err = vs_xstrdup ("cannot open the image");
    return -1;
  }
  vs_blockdev_open_fd (t->fd, st.st_size, &t->dev, err);
  t->fs.ops = &vs_hostfs_tsk_ops;
  t->fs.dev = t->dev;
  if (vs_hostfs_tsk_ops.open (&t->fs, t->dev, fstype, err) == -1) {
    int e = errno;
    vs_blockdev_free (t->dev);
    close (t->fd);
    errno = e;
    return -1;
  }
  return 0;
}

static void
t_close (struct t_fs *t)
{
  vs_hostfs_tsk_ops.close (&t->fs);
  free (t->fs.type);
  free (t->fs.label);
  free (t->fs.uuid);
  vs_blockdev_free (t->dev);
  close (t->fd);
}

static int
t_probe (const char *img)
{
  struct stat st;
  struct vs_blockdev *dev;
  char *err = NULL;
  int fd = open (img, O_RDONLY | O_CLOEXEC), r;

  if (fd == -1 || fstat (fd, &st) == -1)
    return -1;
  vs_blockdev_open_fd (fd, st.st_size, &dev, &err);
  r = vs_hostfs_tsk_ops.probe (dev);
  vs_blockdev_free (dev);
  close (fd);
  return r;
}

/* Resolves the slash-separated path from the root; 0 if not found. */
static int
resolve (struct t_fs *t, const char *path, uint64_t *ino)
{
  uint64_t cur = t->fs.root;
  const char *s = path;

  while (*s) {
    const char *e = strchr (s, '/');
    size_t n = e ? (size_t) (e - s) : strlen (s);
    if (vs_hostfs_tsk_ops.lookup (&t->fs, cur, s, n, &cur) == -1)
      return -1;
    s += n;
    if (*s == '/')
      ++s;
  }
  *ino = cur;
  return 0;
}

struct names { struct vs_buf b; size_t n; };

static int
collect (void *opaque, const char *name, size_t len, uint64_t ino)
{
  struct names *nm = opaque;

  vs_buf_add (&nm->b, name, len);
  vs_buf_addc (&nm->b, '\n');
  nm->n++;
  return 0;
}

static int
cmp_str (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* The newline-separated names in s, sorted, joined by '|'. */
static char *
sorted (const char *s)
{
  char *copy = vs_xstrdup (s), *tok, *save, **v = NULL;
  size_t n = 0, i;
  struct vs_buf b = VS_BUF_INIT;

  for (tok = strtok_r (copy, "\n", &save); tok;
       tok = strtok_r (NULL, "\n", &save)) {
    v = vs_xrealloc (v, (n + 1) * sizeof *v);
    v[n++] = tok;
  }
  if (n)
    qsort (v, n, sizeof *v, cmp_str);
  for (i = 0; i < n; ++i) {
    vs_buf_adds (&b, v[i]);
    vs_buf_addc (&b, '|');
  }
  vs_buf_addc (&b, '\0');
  free (v);
  free (copy);
  return vs_buf_detach (&b, NULL);
}

/* The names the tree holds in the directory dir ("" for the root). */
static char *
expected_names (const char *dir, int flat)
{
  struct vs_buf b = VS_BUF_INIT;
  size_t i, dl = strlen (dir);
  char *r;

  for (i = 0; i < NDIRS + NFILES; ++i) {
    const char *p = i < NDIRS ? dirs[i] : files[i - NDIRS].path;
    const char *rest;

    if (flat && (i < NDIRS || !files[i - NDIRS].flat))
      continue;
    if (dl == 0)
      rest = p;
    else if (strncmp (p, dir, dl) == 0 && p[dl] == '/')
      rest = p + dl + 1;
    else
      continue;
    if (strchr (rest, '/') == NULL) {
      vs_buf_adds (&b, rest);
      vs_buf_addc (&b, '\n');
    }
  }
  vs_buf_addc (&b, '\0');
  r = sorted (b.data);
  vs_buf_release (&b);
  return r;
}

/* The inode fls -r -p gives the allocated path, or 0. */
static uint64_t
fls_inode (const char *fls, const char *path)
{
  const char *line = fls;

  while (line && *line) {
    const char *nl = strchr (line, '\n');
    const char *tab = strchr (line, '\t');
    size_t ll = nl ? (size_t) (nl - line) : strlen (line);

    if (tab && tab < line + ll && !memchr (line, '*', tab - line)
        && (size_t) (line + ll - tab - 1) == strlen (path)
        && memcmp (tab + 1, path, strlen (path)) == 0) {
      const char *sp = strchr (line, ' ');
      if (sp && sp < tab)
        return strtoull (sp + 1, NULL, 10);
    }
    line = nl ? nl + 1 : NULL;
  }
  return 0;
}

/* Reads the regular file ino in odd-sized pieces into a new buffer. */
static unsigned char *
read_all (struct t_fs *t, uint64_t ino, uint64_t size, int *ok)
{
  unsigned char *buf = vs_xmalloc (size + 1);
  uint64_t off = 0;

  *ok = 1;
  while (off < size) {
    size_t got = 0, want = size - off > 7001 ? 7001 : size - off;
    if (vs_hostfs_tsk_ops.read (&t->fs, ino, off, buf + off, want, &got)
        == -1 || got != want) {
      *ok = 0;
      break;
    }
    off += got;
  }
  if (*ok) {
    size_t got = 1;
    char c;
    /* At the end: nothing more. */
    if (vs_hostfs_tsk_ops.read (&t->fs, ino, size, &c, 1, &got) == -1
        || got != 0)
      *ok = 0;
  }
  return buf;
}

/* Compares the image img of type fstype with the tree. */
static void
check_image (const char *what, const char *img, const char *fstype,
             int flat, int casefold)
{
  struct t_fs t;
  char *err, *out, *fls, *cmd;
  size_t i;
  int ok, okn, oki, oks, okr;

  if (t_open (&t, img, fstype, &err) == -1) {
    tap_ok (0, "%s: opens (%s)", what, err ? err : "?");
    free (err);
    return;
  }
  tap_is_str (t.fs.type, fstype, "%s: type", what);
  tap_ok (t_probe (img) == 1, "%s: probe says yes", what);
  {
    struct t_fs t2;
    char *e2;
    if (t_open (&t2, img, NULL, &e2) == 0) {
      tap_is_str (t2.fs.type, fstype, "%s: detected type", what);
      t_close (&t2);
    }
    else {
      tap_ok (0, "%s: opens without a type (%s)", what, e2);
      free (e2);
    }
  }
  if (have ("blkid")) {
    cmd = vs_xasprintf ("blkid -p -o value -s LABEL '%s'", img);
    out = slurp_cmd (cmd, NULL);
    free (cmd);
    out[strcspn (out, "\n")] = '\0';
    tap_is_str (t.fs.label, out, "%s: label as blkid", what);
    free (out);
    cmd = vs_xasprintf ("blkid -p -o value -s UUID '%s'", img);
    out = slurp_cmd (cmd, NULL);
    free (cmd);
    out[strcspn (out, "\n")] = '\0';
    tap_is_str (t.fs.uuid, out, "%s: UUID as blkid", what);
    free (out);
  }
  else
    tap_skip ("no blkid");

  /* Every directory lists exactly the tree's names. */
  ok = 1;
  for (i = 0; i <= NDIRS; ++i) {
    const char *d = i == 0 ? "" : dirs[i - 1];
    uint64_t ino;
    struct names nm = { VS_BUF_INIT, 0 };
    char *want, *got;

    if (flat && i > 0)
      break;
    if (resolve (&t, d, &ino) == -1) {
      printf ("# %s: cannot resolve directory '%s': %s\n", what, d,
              strerror (errno));
      ok = 0;
      continue;
    }
    vs_buf_addc (&nm.b, '\0');
    nm.b.len = 0;
    if (vs_hostfs_tsk_ops.readdir (&t.fs, ino, collect, &nm) == -1) {
      printf ("# %s: readdir '%s': %s\n", what, d, strerror (errno));
      ok = 0;
    }
    vs_buf_addc (&nm.b, '\0');
    got = sorted (nm.b.data);
    want = expected_names (d, flat);
    if (strcmp (got, want) != 0) {
      printf ("# %s: dir '%s'\n#   got  %s\n#   want %s\n", what, d, got,
              want);
      ok = 0;
    }
    free (got);
    free (want);
    vs_buf_release (&nm.b);
  }
  tap_ok (ok, "%s: every directory lists the tree's names", what);

  /* Every file: type, size, bytes; inode as fls, size as istat. */
  cmd = vs_xasprintf ("fls -r -p '%s' 2>/dev/null", img);
  fls = slurp_cmd (cmd, NULL);
  free (cmd);
  okn = oki = oks = okr = 1;
  for (i = 0; i < NFILES; ++i) {
    uint64_t ino, fino;
    struct vs_hostfs_stat st;
    unsigned char *want, *got;
    int rok;

    if (flat && !files[i].flat)
      continue;
    if (resolve (&t, files[i].path, &ino) == -1) {
      printf ("# %s: lookup '%s': %s\n", what, files[i].path,
              strerror (errno));
      okn = 0;
      continue;
    }
    fino = fls_inode (fls, files[i].path);
    if (fino != ino) {
      printf ("# %s: '%s' inode %llu, fls %llu\n", what, files[i].path,
              (unsigned long long) ino, (unsigned long long) fino);
      oki = 0;
    }
    if (vs_hostfs_tsk_ops.stat (&t.fs, ino, &st) == -1
        || !S_ISREG (st.mode) || st.size != files[i].size
        || st.ino != ino || st.deleted) {
      printf ("# %s: stat '%s' wrong\n", what, files[i].path);
      oks = 0;
      continue;
    }
    cmd = vs_xasprintf ("istat '%s' %llu 2>/dev/null | "
                        "sed -n 's/^Size: //p; s/^Type: .DATA .*[^_]size: *\\([0-9]*\\).*/\\1/p'",
                        img, (unsigned long long) ino);
    out = slurp_cmd (cmd, NULL);
    free (cmd);
    if (strtoull (out, NULL, 10) != st.size) {
      printf ("# %s: '%s' istat size %s", what, files[i].path, out);
      oks = 0;
    }
    free (out);
    want = vs_xmalloc (files[i].size + 1);
    content (i, want, files[i].size);
    got = read_all (&t, ino, st.size, &rok);
    if (!rok || memcmp (got, want, files[i].size) != 0) {
      printf ("# %s: '%s' bytes differ\n", what, files[i].path);
      okr = 0;
    }
    free (want);
    free (got);
  }
  tap_ok (okn, "%s: every file is found by lookup", what);
  tap_ok (oki, "%s: inode numbers as fls -r -p", what);
  tap_ok (oks, "%s: type and size (and istat's size)", what);
  tap_ok (okr, "%s: every byte as written", what);
  free (fls);

  /* The other calls' errors. */
  {
    uint64_t f, d = t.fs.root, x;
    char buf[8], *target;
    size_t got, len;
    struct vs_hostfs_stat st;
    struct names nm = { VS_BUF_INIT, 0 };

    ok = resolve (&t, "big file.bin", &f) == 0;
    ok = ok && vs_hostfs_tsk_ops.lookup (&t.fs, d, "nosuch", 6, &x) == -1
      && errno == ENOENT;
    ok = ok && vs_hostfs_tsk_ops.readdir (&t.fs, f, collect, &nm) == -1
      && errno == ENOTDIR;
    ok = ok && vs_hostfs_tsk_ops.read (&t.fs, d, 0, buf, 1, &got) == -1
      && errno == EINVAL;
    ok = ok && vs_hostfs_tsk_ops.readlink (&t.fs, f, &target, &len) == -1
      && errno == EINVAL;
    ok = ok && vs_hostfs_tsk_ops.getxattr (&t.fs, f, "user.x", buf, 8, &got)
      == -1 && errno == ENODATA;
    ok = ok && vs_hostfs_tsk_ops.stat (&t.fs, d, &st) == 0
      && S_ISDIR (st.mode) && st.ino == d;
    vs_buf_release (&nm.b);
    tap_ok (ok, "%s: ENOENT, ENOTDIR, EINVAL, ENODATA where due", what);
    x = 0;
    ok = vs_hostfs_tsk_ops.lookup (&t.fs, d, "BIG FILE.BIN", 12, &x) == 0
      && x == f;
    tap_ok (casefold ? ok : !ok && errno == ENOENT,
            "%s: lookup %s case", what, casefold ? "ignores" : "keeps");
  }
  t_close (&t);
}

/* Writes the 16-bit FAT entry n of the FAT16 image at fd (every copy). */
static void
fat16_set (int fd, unsigned n, unsigned v)
{
  unsigned char bs[512], e[2] = { v & 0xff, v >> 8 };
  unsigned rsv, nfats, fatsz, k;

  if (pread (fd, bs, 512, 0) != 512)
    return;
  rsv = bs[14] | bs[15] << 8;
  nfats = bs[16];
  fatsz = bs[22] | bs[23] << 8;
  for (k = 0; k < nfats; ++k)
    if (pwrite (fd, e, 2, (off_t) (rsv + k * fatsz) * 512 + n * 2) != 2)
      return;
}

static unsigned
fat16_get (int fd, unsigned n)
{
  unsigned char bs[512], e[2];
  unsigned rsv;

  if (pread (fd, bs, 512, 0) != 512)
    return 0;
  rsv = bs[14] | bs[15] << 8;
  if (pread (fd, e, 2, (off_t) rsv * 512 + n * 2) != 2)
    return 0;
  return e[0] | e[1] << 8;
}

/* The first cluster of the FAT16 image's root file name (8.3 search of
 * its long-name-less entry is not needed: ask istat). */
static unsigned
fat16_first_cluster (const char *img, uint64_t ino)
{
  char *cmd = vs_xasprintf ("istat '%s' %llu 2>/dev/null | "
                            "sed -n '/^Sectors:/{n;p;}'", img,
                            (unsigned long long) ino);
  char *out = slurp_cmd (cmd, NULL);
  unsigned long sect = strtoul (out, NULL, 10);
  unsigned char bs[512];
  unsigned rsv, nfats, fatsz, rootent, spc, data;
  int fd = open (img, O_RDONLY);

  free (cmd);
  free (out);
  if (fd == -1 || pread (fd, bs, 512, 0) != 512) {
    if (fd != -1)
      close (fd);
    return 0;
  }
  close (fd);
  spc = bs[13];
  rsv = bs[14] | bs[15] << 8;
  nfats = bs[16];
  rootent = bs[17] | bs[18] << 8;
  fatsz = bs[22] | bs[23] << 8;
  data = rsv + nfats * fatsz + (rootent * 32 + 511) / 512;
  if (sect < data || spc == 0)
    return 0;
  return (sect - data) / spc + 2;
}

/* Opens img as vfat and reads "big file.bin": 0 if all of it reads, else
 * errno. */
static int
read_big (const char *img)
{
  struct t_fs t;
  char *err;
  uint64_t ino;
  int ok, e = 0;
  unsigned char *b;

  if (t_open (&t, img, "vfat", &err) == -1) {
    free (err);
    return errno ? errno : EIO;
  }
  if (resolve (&t, "big file.bin", &ino) == -1)
    e = errno;
  else {
    b = read_all (&t, ino, 100 * 1024, &ok);
    if (!ok)
      e = errno;
    free (b);
  }
  t_close (&t);
  return e;
}

static void
hostile (const char *fat16)
{
  char *img = vs_xasprintf ("%s/garbage.img", work);
  char *err;
  struct t_fs t;
  int fd, r;
  unsigned char *junk = vs_xmalloc (1024 * 1024);

  content (99, junk, 1024 * 1024);
  fd = open (img, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  r = write (fd, junk, 1024 * 1024) == 1024 * 1024;
  close (fd);
  free (junk);
  tap_ok (r && t_probe (img) == 0, "garbage: probe says no");
  r = t_open (&t, img, NULL, &err);
  tap_ok (r == -1 && errno == ENOTSUP && err, "garbage: open fails (%s)",
          err ? err : "");
  free (err);
  r = t_open (&t, img, "ntfs", &err);
  tap_ok (r == -1 && err, "garbage as ntfs: open fails (%s)", err ? err : "");
  free (err);
  r = t_open (&t, img, "ext4", &err);
  tap_ok (r == -1 && errno == ENOTSUP && !vs_hostfs_tsk_ops.handles ("ext4")
          && vs_hostfs_tsk_ops.handles ("vfat"), "ext4 is not libtsk's");
  free (err);
  free (img);

  if (fat16 == NULL) {
    tap_skip ("no FAT16 image");
    tap_skip ("no FAT16 image");
    tap_skip ("no FAT16 image");
    tap_skip ("no FAT16 image");
    return;
  }

  /* Truncated: the boot sector is there, the rest is not. */
  img = vs_xasprintf ("%s/trunc.img", work);
  run ("head -c 65536 '%s' > '%s'", fat16, img);
  r = t_open (&t, img, "vfat", &err);
  if (r == 0) {
    /* The root directory is inside, the file's data is not. */
    int e;
    t_close (&t);
    e = read_big (img);
    tap_ok (e == EIO, "truncated: reading past the end fails with EIO (%s)",
            strerror (e));
  }
  else {
    tap_ok (err != NULL, "truncated: open fails cleanly (%s)", err);
    free (err);
  }
  free (img);

  /* The chain of "big file.bin" (100 KiB, several clusters) cut after
   * its second cluster: marked free, bad, or pointing back. */
  {
    static const struct { const char *how; int v; } cuts[] = {
      { "free", 0x0000 }, { "beyond the end", 0xfff0 }, { "looping", -1 },
    };
    struct t_fs t0;
    uint64_t ino = 0;
    unsigned c1 = 0;
    size_t k;

    if (t_open (&t0, fat16, "vfat", &err) == 0) {
      if (resolve (&t0, "big file.bin", &ino) == -1)
        ino = 0;
      t_close (&t0);
    }
    else
      free (err);
    if (ino)
      c1 = fat16_first_cluster (fat16, ino);
    for (k = 0; k < sizeof cuts / sizeof cuts[0]; ++k) {
      unsigned c2;
      int e;

      img = vs_xasprintf ("%s/cut%zu.img", work, k);
      run ("cp '%s' '%s'", fat16, img);
      fd = open (img, O_RDWR);
      c2 = c1 && fd != -1 ? fat16_get (fd, c1) : 0;
      if (c2 >= 2 && c2 < 0xfff0) {
        fat16_set (fd, c2, cuts[k].v == -1 ? c1 : (unsigned) cuts[k].v);
        close (fd);
        e = read_big (img);
        tap_ok (e == EIO, "cut FAT chain (%s): read fails with EIO (%s)",
                cuts[k].how, strerror (e));
      }
      else {
        if (fd != -1)
          close (fd);
        tap_ok (0, "cut FAT chain: cannot find the chain (%u, %u)", c1, c2);
      }
      free (img);
    }
  }
}

/* Appends every path under dir (prefix, "" for the root) to out, one a
 * line, walking at most depth levels.  Returns 0 or -1. */
static int
walk (struct t_fs *t, uint64_t dir, const char *prefix, int depth,
      struct vs_buf *out)
{
  struct names nm = { VS_BUF_INIT, 0 };
  char *line, *save;
  int r = 0;

  if (depth == 0)
    return -1;
  if (vs_hostfs_tsk_ops.readdir (&t->fs, dir, collect, &nm) == -1)
    return -1;
  vs_buf_addc (&nm.b, '\0');
  for (line = strtok_r (nm.b.data, "\n", &save); line && r == 0;
       line = strtok_r (NULL, "\n", &save)) {
    char *path = vs_xasprintf ("%s%s%s", prefix, *prefix ? "/" : "", line);
    uint64_t ino;
    struct vs_hostfs_stat st;

    vs_buf_adds (out, path);
    vs_buf_addc (out, '\n');
    if (vs_hostfs_tsk_ops.lookup (&t->fs, dir, line, strlen (line), &ino)
        == -1 || vs_hostfs_tsk_ops.stat (&t->fs, ino, &st) == -1)
      r = -1;
    else if (S_ISDIR (st.mode))
      r = walk (t, ino, path, depth - 1, out);
    free (path);
  }
  vs_buf_release (&nm.b);
  return r;
}

/* The shared corpus's NTFS volume against fls and icat. */
static void
corpus_ntfs (void)
{
  const char *dir = getenv ("VMSCAN_SHARED_CORPUS");
  char *src, *img, *fls, *line, *save;
  struct t_fs t;
  int ok = 1, n = 0;

  if (dir == NULL)
    dir = "../shared/corpus";
  src = vs_xasprintf ("%s/windows_volume.qcow2", dir);
  if (access (src, R_OK) != 0 || !have ("qemu-img")) {
    tap_skip ("corpus: windows_volume.qcow2 or qemu-img absent");
    tap_skip ("corpus: windows_volume.qcow2 or qemu-img absent");
    tap_skip ("corpus: windows_volume.qcow2 or qemu-img absent");
    free (src);
    return;
  }
  img = vs_xasprintf ("%s/windows_volume.raw", work);
  if (run ("qemu-img convert -O raw '%s' '%s' 2>/dev/null", src, img) != 0
      || t_open (&t, img, NULL, &line) != 0) {
    tap_ok (0, "corpus: windows_volume opens as ntfs");
    tap_skip ("corpus: no image");
    tap_skip ("corpus: no image");
    free (src);
    free (img);
    return;
  }
  tap_is_str (t.fs.type, "ntfs", "corpus: windows_volume is ntfs");
  line = vs_xasprintf ("fls -r -p -u '%s' 2>/dev/null", img);
  fls = slurp_cmd (line, NULL);
  free (line);
  /* Every allocated regular file fls lists (outside the system files)
   * resolves to its inode and reads as icat gives it. */
  for (line = strtok_r (fls, "\n", &save); line;
       line = strtok_r (NULL, "\n", &save)) {
    char *tab = strchr (line, '\t'), *path, *cmd, *want;
    uint64_t ino, fino = strtoull (line + 4, NULL, 10);
    struct vs_hostfs_stat st;
    size_t wlen;
    unsigned char *got;
    int rok;

    if (strncmp (line, "r/r ", 4) != 0 || tab == NULL)
      continue;
    path = tab + 1;
    if (path[0] == '$' || strchr (path, ':'))
      continue;                 /* system files, named streams */
    if (resolve (&t, path, &ino) == -1 || ino != fino
        || vs_hostfs_tsk_ops.stat (&t.fs, ino, &st) == -1) {
      printf ("# corpus: '%s' (fls %llu) not found\n", path,
              (unsigned long long) fino);
      ok = 0;
      continue;
    }
    cmd = vs_xasprintf ("icat '%s' %llu 2>/dev/null", img,
                        (unsigned long long) ino);
    want = slurp_cmd (cmd, &wlen);
    free (cmd);
    got = read_all (&t, ino, st.size, &rok);
    if (!rok || wlen != st.size || memcmp (got, want, wlen) != 0) {
      printf ("# corpus: '%s' bytes differ from icat\n", path);
      ok = 0;
    }
    free (got);
    free (want);
    ++n;
  }
  free (fls);
  tap_ok (ok && n > 0, "corpus: %d files as fls and icat", n);
  /* The whole tree, as fls lists it without system files and streams. */
  {
    struct vs_buf mine = VS_BUF_INIT, theirs = VS_BUF_INIT;
    char *a, *b;

    line = vs_xasprintf ("fls -r -p -u '%s' 2>/dev/null", img);
    fls = slurp_cmd (line, NULL);
    free (line);
    for (line = strtok_r (fls, "\n", &save); line;
         line = strtok_r (NULL, "\n", &save)) {
      char *tab = strchr (line, '\t');
      if (tab && tab[1] != '$' && !strchr (tab + 1, ':')) {
        vs_buf_adds (&theirs, tab + 1);
        vs_buf_addc (&theirs, '\n');
      }
    }
    free (fls);
    vs_buf_addc (&theirs, '\0');
    ok = walk (&t, t.fs.root, "", 32, &mine) == 0;
    vs_buf_addc (&mine, '\0');
    a = sorted (mine.data);
    b = sorted (theirs.data);
    if (strcmp (a, b) != 0)
      printf ("# corpus tree\n#   got  %s\n#   fls  %s\n", a, b);
    tap_ok (ok && strcmp (a, b) == 0 && strchr (a, '/'),
            "corpus: the tree as fls -r -p lists it");
    free (a);
    free (b);
    vs_buf_release (&mine);
    vs_buf_release (&theirs);
  }
  t_close (&t);
  free (src);
  free (img);
}

int
main (void)
{
  const char *tmp = getenv ("TMPDIR");
  char *tree, *flat, *img, *fat16 = NULL;

  work = vs_xasprintf ("%s/unit-hostfs-tsk.XXXXXX", tmp ? tmp : "/tmp");
  if (mkdtemp (work) == NULL)
    tap_skip_all ("cannot make a work folder");
  tree = vs_xasprintf ("%s/tree", work);
  flat = vs_xasprintf ("%s/flat", work);
  make_tree (tree, 0);
  make_tree (flat, 1);

  if (!have ("fls") || !have ("istat")) {
    tap_skip ("sleuthkit's fls/istat absent: no fs cases");
  }
  else {
    if (have ("mkfs.vfat") && have ("mcopy")) {
      int bits[] = { 32, 16 };
      size_t k;

      for (k = 0; k < 2; ++k) {
        char *what = vs_xasprintf ("FAT%d", bits[k]);
        img = vs_xasprintf ("%s/fat%d.img", work, bits[k]);
        if (run ("truncate -s %dM '%s' && mkfs.vfat -F %d -n FAT%dTEST "
                 "-i 12ab34c%d '%s' >/dev/null && cd '%s' && "
                 "mcopy -s -i '%s' * ::/", bits[k] == 32 ? 40 : 16, img,
                 bits[k], bits[k], (int) k, img, tree, img) == 0) {
          check_image (what, img, "vfat", 0, 1);
          if (bits[k] == 16)
            fat16 = vs_xstrdup (img);
        }
        else
          tap_ok (0, "%s: made", what);
        free (img);
        free (what);
      }
    }
    else
      tap_skip ("mkfs.vfat or mcopy absent");

    if (have ("mkntfs") && have ("ntfscp")) {
      size_t i;
      int r;
      img = vs_xasprintf ("%s/ntfs.img", work);
      r = run ("truncate -s 16M '%s' && mkntfs -q -F -Q -L NTFSTEST '%s' "
               ">/dev/null 2>&1", img, img);
      for (i = 0; i < NFILES && r == 0; ++i)
        if (files[i].flat)
          r = run ("ntfscp -q '%s' '%s/%s' '%s' >/dev/null 2>&1",
                   img, flat, files[i].path, files[i].path);
      if (r == 0)
        check_image ("NTFS", img, "ntfs", 1, 1);
      else
        tap_ok (0, "NTFS: made");
      free (img);
    }
    else
      tap_skip ("mkntfs or ntfscp absent");

    if (have ("xorriso")) {
      img = vs_xasprintf ("%s/iso.img", work);
      if (run ("xorriso -as mkisofs -quiet -R -J -joliet-long -V ISOTEST "
               "-o '%s' '%s' >/dev/null 2>&1", img, tree) == 0)
        check_image ("ISO 9660", img, "iso9660", 0, 0);
      else
        tap_ok (0, "ISO 9660: made");
      free (img);
    }
    else
      tap_skip ("xorriso absent");
  }

  /* exFAT: Debian 12 has no tool that writes files into an unmounted
   * exFAT, so only the empty filesystem is compared. */
  if (have ("mkfs.exfat")) {
    struct t_fs t;
    char *err;
    struct names nm = { VS_BUF_INIT, 0 };

    img = vs_xasprintf ("%s/exfat.img", work);
    if (run ("truncate -s 8M '%s' && mkfs.exfat -L EXFATTEST '%s' "
             ">/dev/null 2>&1", img, img) == 0
        && t_open (&t, img, "exfat", &err) == 0) {
      int r = vs_hostfs_tsk_ops.readdir (&t.fs, t.fs.root, collect, &nm);
      tap_ok (r == 0 && nm.n == 0 && strcmp (t.fs.type, "exfat") == 0,
              "exFAT: opens, an empty root (no $ALLOC_BITMAP), %zu", nm.n);
      tap_is_str (t.fs.label, "EXFATTEST", "exFAT: label");
      tap_ok (t_probe (img) == 1, "exFAT: probe says yes");
      t_close (&t);
    }
    else
      tap_ok (0, "exFAT: made and opened");
    vs_buf_release (&nm.b);
    free (img);
  }
  else
    tap_skip ("mkfs.exfat absent");

  tap_skip ("HFS+: Debian 12 has no mkfs.hfsplus (hfsprogs)");

  corpus_ntfs ();
  hostile (fat16);

  free (fat16);
  if (getenv ("KEEP") == NULL)
    run ("rm -rf '%s'", work);
  free (work);
  free (tree);
  free (flat);
  printf ("1..%d\n", tap_count);
  return tap_done ();
}
