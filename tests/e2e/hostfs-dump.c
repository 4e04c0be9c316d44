/* SPDX-License-Identifier: BSD-3-Clause */
/* Test helper: lists a filesystem as src/fs/hostfs.h reads it, for
 * tests/e2e/test-hostfs.sh to compare with the tree it was made from
 * and with debugfs.
 *
 *   hostfs-dump [--remote] [--type TYPE] [--offset N --size N] [--max-read N] IMAGE
 *   hostfs-dump [--type TYPE] [--offset N --size N] [--max-read N] \
 *               --nbd SOCKET
 *
 * Opens IMAGE read-only (or the NBD export on SOCKET), narrows it to a
 * slice if asked, opens the filesystem by TYPE or by probing, and walks
 * it from the root; with --remote the filesystem is opened and read in
 * the sandboxed child of fs/remote.h instead.  Prints, tab-separated:
 *
 *   fs TYPE LABEL-HEX UUID
 *   e PATH-HEX INO KIND MODE UID GID NLINK SIZE BLOCKS MTIME DATA XATTR
 *   err PATH-HEX WHAT ERRNO-NAME
 *
 * KIND is one of f d l p c b s; DATA is a regular file's sha256 (of at
 * most --max-read bytes, then "capped:" before it), a symlink's target
 * in hex, or "-"; XATTR is security.capability in hex or "-".  Each
 * entry is also looked up by name in its directory; a different inode
 * is an error line.  Exits 0, 1 if any error line was printed, 2 if the
 * filesystem could not be opened (its reason on stderr).
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/hash.h"
#include "base/util.h"
#include "fs/blockdev.h"
#include "fs/hostfs.h"
#include "fs/remote.h"

#define MAX_DEPTH 64

static struct vs_hostfs *fs;
static struct vs_remote *rfs;   /* --remote: the same, through the child */

/* Each call goes to the filesystem opened here, or with --remote to the
 * one the sandboxed child opened. */
static int
h_stat (uint64_t ino, struct vs_hostfs_stat *st)
{
  return rfs ? vs_remote_stat (rfs, ino, st) : vs_hostfs_stat (fs, ino, st);
}

static int
h_readdir (uint64_t dir, vs_hostfs_dirent_fn *fn, void *opaque)
{
  return rfs ? vs_remote_readdir (rfs, dir, fn, opaque)
    : vs_hostfs_readdir (fs, dir, fn, opaque);
}

static int
h_lookup (uint64_t dir, const char *name, size_t len, uint64_t *ino)
{
  return rfs ? vs_remote_lookup (rfs, dir, name, len, ino)
    : vs_hostfs_lookup (fs, dir, name, len, ino);
}

static int
h_readlink (uint64_t ino, char **target, size_t *len)
{
  return rfs ? vs_remote_readlink (rfs, ino, target, len)
    : vs_hostfs_readlink (fs, ino, target, len);
}

static int
h_read (uint64_t ino, uint64_t off, void *buf, size_t len, size_t *got)
{
  return rfs ? vs_remote_read (rfs, ino, off, buf, len, got)
    : vs_hostfs_read (fs, ino, off, buf, len, got);
}

static int
h_getxattr (uint64_t ino, const char *name, void *buf, size_t len,
            size_t *got)
{
  return rfs ? vs_remote_getxattr (rfs, ino, name, buf, len, got)
    : vs_hostfs_getxattr (fs, ino, name, buf, len, got);
}
static uint64_t max_read = UINT64_MAX;
static int errors;

static void
put_hex (const void *p, size_t len)
{
  const unsigned char *s = p;
  size_t i;

  if (len == 0)
    fputs ("-", stdout);
  for (i = 0; i < len; i++)
    printf ("%02x", s[i]);
}

static void
error_line (const struct vs_buf *path, const char *what, int err)
{
  printf ("err\t");
  put_hex (path->data, path->len);
  printf ("\t%s\t%s\n", what, strerrorname_np (err) ? strerrorname_np (err)
          : "?");
  errors++;
}

static char
kind_of (uint32_t mode)
{
  switch (mode & S_IFMT) {
  case S_IFREG: return 'f';
  case S_IFDIR: return 'd';
  case S_IFLNK: return 'l';
  case S_IFIFO: return 'p';
  case S_IFCHR: return 'c';
  case S_IFBLK: return 'b';
  case S_IFSOCK: return 's';
  default: return '?';
  }
}

/* Prints the sha256 of the file, reading it as a consumer would: in
 * pieces, a short read only at the end. */
static int
put_sha256 (uint64_t ino, uint64_t size)
{
  static char buf[65536];
  struct vs_sha256 h;
  char hex[65];
  uint64_t off = 0;
  size_t got;

  vs_sha256_init (&h);
  while (off < max_read) {
    size_t want = sizeof buf;

    if (max_read - off < want)
      want = max_read - off;
    if (h_read (ino, off, buf, want, &got) == -1) {
      int e = errno;

      vs_sha256_final_hex (&h, hex);
      fputs ("-", stdout);
      errno = e;
      return -1;
    }
    vs_sha256_update (&h, buf, got);
    off += got;
    if (got < want)
      break;
  }
  vs_sha256_final_hex (&h, hex);
  if (off != size && off == max_read)
    fputs ("capped:", stdout);
  else if (off != size) {
    printf ("short:%" PRIu64 ":", off);
  }
  fputs (hex, stdout);
  return 0;
}

struct dir_ctx {
  struct vs_buf *path;
  uint64_t dir;
  int depth;
};

static void walk (struct vs_buf *path, uint64_t dir, int depth);

static int
entry (void *opaque, const char *name, size_t len, uint64_t ino)
{
  struct dir_ctx *c = opaque;
  struct vs_hostfs_stat st;
  size_t old = c->path->len;
  uint64_t again = 0;
  char cap[256];
  size_t caplen;
  const char *what = NULL;      /* an error to print after the line */
  int what_err = 0;

  vs_buf_addc (c->path, '/');
  vs_buf_add (c->path, name, len);
  if (h_lookup (c->dir, name, len, &again) == -1)
    error_line (c->path, "lookup", errno);
  else if (again != ino)
    error_line (c->path, "lookup-mismatch", EIO);

  if (h_stat (ino, &st) == -1) {
    error_line (c->path, "stat", errno);
    goto out;
  }
  printf ("e\t");
  put_hex (c->path->data, c->path->len);
  printf ("\t%" PRIu64 "\t%c\t%o\t%" PRIu32 "\t%" PRIu32 "\t%" PRIu64
          "\t%" PRIu64 "\t%" PRIu64 "\t%lld.%09ld\t",
          st.ino, kind_of (st.mode), st.mode & 07777, st.uid, st.gid,
          st.nlink, st.size, st.blocks, (long long) st.mtime.tv_sec,
          st.mtime.tv_nsec);
  if (S_ISREG (st.mode)) {
    if (put_sha256 (ino, st.size) == -1) {
      what = "read";
      what_err = errno;
    }
  }
  else if (S_ISLNK (st.mode)) {
    char *t;
    size_t tlen;

    if (h_readlink (ino, &t, &tlen) == -1) {
      what = "readlink";
      what_err = errno;
      fputs ("-", stdout);
    }
    else {
      put_hex (t, tlen);
      free (t);
    }
  }
  else
    fputs ("-", stdout);
  putchar ('\t');
  if (h_getxattr (ino, "security.capability", cap, sizeof cap,
                          &caplen) == 0)
    put_hex (cap, caplen);
  else {
    fputs ("-", stdout);
    if (errno != ENODATA && what == NULL) {
      what = "getxattr";
      what_err = errno;
    }
  }
  /* What the reader says of the inode's attributes without reading them
   * (a source answers getxattr from it). */
  printf ("\t%d\n", st.no_xattrs != 0);
  if (what)
    error_line (c->path, what, what_err);
  if (S_ISDIR (st.mode))
    walk (c->path, ino, c->depth + 1);
 out:
  vs_buf_setlen (c->path, old);
  return 0;
}

static void
walk (struct vs_buf *path, uint64_t dir, int depth)
{
  struct dir_ctx c = { path, dir, depth };

  if (depth > MAX_DEPTH) {
    error_line (path, "depth", ELOOP);
    return;
  }
  if (h_readdir (dir, entry, &c) != 0)
    error_line (path, "readdir", errno);
}

int
main (int argc, char **argv)
{
  const char *type = NULL, *nbd = NULL;
  uint64_t offset = 0, size = 0;
  int have_slice = 0, remote = 0, i, fd = -1;
  struct vs_blockdev *dev = NULL, *slice = NULL;
  struct vs_buf path = VS_BUF_INIT;
  char *err = NULL;
  struct stat sb;

  for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1] == '-'; i += 2) {
    if (i + 1 >= argc && strcmp (argv[i], "--remote") != 0)
      goto usage;
    if (strcmp (argv[i], "--type") == 0)
      type = argv[i + 1];
    else if (strcmp (argv[i], "--nbd") == 0)
      nbd = argv[i + 1];
    else if (strcmp (argv[i], "--offset") == 0) {
      offset = strtoull (argv[i + 1], NULL, 0);
      have_slice = 1;
    }
    else if (strcmp (argv[i], "--size") == 0) {
      size = strtoull (argv[i + 1], NULL, 0);
      have_slice = 1;
    }
    else if (strcmp (argv[i], "--max-read") == 0)
      max_read = strtoull (argv[i + 1], NULL, 0);
    else if (strcmp (argv[i], "--remote") == 0) {
      remote = 1;
      i--;                      /* takes no value */
    }
    else
      goto usage;
  }
  if (nbd ? i != argc : i != argc - 1)
    goto usage;

  if (nbd) {
    if (vs_blockdev_open_nbd (nbd, "", &dev, &err) == -1)
      goto fail;
  }
  else {
    fd = open (argv[i], O_RDONLY | O_CLOEXEC);
    if (fd == -1 || fstat (fd, &sb) == -1) {
      perror (argv[i]);
      return 2;
    }
    if (vs_blockdev_open_fd (fd, sb.st_size, &dev, &err) == -1)
      goto fail;
  }
  if (have_slice) {
    if (vs_blockdev_slice (dev, offset, size, &slice, &err) == -1)
      goto fail;
  }
  if (remote) {
    if (vs_remote_open (slice ? slice : dev, type, NULL, &rfs, &err) == -1)
      goto fail;
    printf ("fs\t%s\t", vs_remote_type (rfs));
    put_hex (vs_remote_label (rfs), strlen (vs_remote_label (rfs)));
    printf ("\t%s\n", vs_remote_uuid (rfs));
    walk (&path, vs_remote_root (rfs), 0);
    if (vs_remote_error (rfs)) {
      fprintf (stderr, "hostfs-dump: the child failed: %s\n",
               vs_remote_error (rfs));
      errors++;
    }
    vs_remote_close (rfs);
  }
  else {
    if (vs_hostfs_open (slice ? slice : dev, type, &fs, &err) == -1)
      goto fail;
    printf ("fs\t%s\t", vs_hostfs_type (fs));
    put_hex (vs_hostfs_label (fs), strlen (vs_hostfs_label (fs)));
    printf ("\t%s\n", vs_hostfs_uuid (fs));
    walk (&path, vs_hostfs_root (fs), 0);
    vs_hostfs_close (fs);
  }
  vs_blockdev_free (slice);
  vs_blockdev_free (dev);
  vs_buf_release (&path);
  if (fd >= 0)
    close (fd);
  return errors ? 1 : 0;

 fail:
  fprintf (stderr, "hostfs-dump: %s (%s)\n", err ? err : "failed",
           strerrorname_np (errno) ? strerrorname_np (errno) : "?");
  free (err);
  vs_blockdev_free (slice);
  vs_blockdev_free (dev);
  if (fd >= 0)
    close (fd);
  return 2;

 usage:
  fprintf (stderr, "usage: hostfs-dump [--type T] [--offset N --size N] "
           "[--max-read N] [--remote] IMAGE | --nbd SOCKET\n");
  return 2;
}
