/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: the bytes of a disk image, read on the host (fs/blockdev.h).
 *
 * Three kinds of device: a raw file read with pread, an NBD export read
 * with libnbd's synchronous calls (which start no thread), and a slice
 * of another device.  Every read is checked against the device's size
 * before it is issued, so a slice never reads outside its range and an
 * NBD read never asks the server for bytes past the export's end.
 */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libnbd.h>

#include "base/util.h"
#include "fs/blockdev.h"

/* libnbd refuses requests above 64 MiB; ask for at most this much at a
 * time. */
#define VS_NBD_MAX_REQUEST (32u * 1024 * 1024)

enum vs_blockdev_kind {
  VS_BLOCKDEV_FD,
  VS_BLOCKDEV_NBD,
  VS_BLOCKDEV_SLICE,
};

struct vs_blockdev {
  enum vs_blockdev_kind kind;
  uint64_t size;
  int fd;                       /* VS_BLOCKDEV_FD */
  struct nbd_handle *nbd;       /* VS_BLOCKDEV_NBD */
  struct vs_blockdev *parent;   /* VS_BLOCKDEV_SLICE */
  uint64_t offset;              /* VS_BLOCKDEV_SLICE: in parent */
};

static int
fail (char **errmsg, int err, const char *fmt, ...)
  __attribute__((format (printf, 3, 4)));

static int
fail (char **errmsg, int err, const char *fmt, ...)
{
  va_list ap;

  if (errmsg) {
    va_start (ap, fmt);
    *errmsg = vs_xvasprintf (fmt, ap);
    va_end (ap);
  }
  errno = err;
  return -1;
}

int
vs_blockdev_open_fd (int fd, uint64_t size, struct vs_blockdev **out,
                     char **errmsg)
{
  struct vs_blockdev *d;

  if (errmsg)
    *errmsg = NULL;
  if (out == NULL || fd < 0 || size > INT64_MAX)
    return fail (errmsg, EINVAL, "invalid raw device arguments");
  d = vs_xcalloc (1, sizeof *d);
  d->kind = VS_BLOCKDEV_FD;
  d->fd = fd;
  d->size = size;
  *out = d;
  return 0;
}

int
vs_blockdev_open_nbd (const char *socket_path, const char *export_name,
                      struct vs_blockdev **out, char **errmsg)
{
  struct nbd_handle *h;
  struct vs_blockdev *d;
  int64_t size;
  int err;

  if (errmsg)
    *errmsg = NULL;
  if (out == NULL || socket_path == NULL)
    return fail (errmsg, EINVAL, "invalid NBD device arguments");
  h = nbd_create ();
  if (h == NULL)
    return fail (errmsg, nbd_get_errno () ? nbd_get_errno () : ENOMEM,
                 "nbd_create: %s", nbd_get_error ());
  if (nbd_set_export_name (h, export_name ? export_name : "") == -1
      || nbd_connect_unix (h, socket_path) == -1)
    goto nbd_fail;
  size = nbd_get_size (h);
  if (size < 0)
    goto nbd_fail;
  d = vs_xcalloc (1, sizeof *d);
  d->kind = VS_BLOCKDEV_NBD;
  d->fd = -1;
  d->nbd = h;
  d->size = size;
  *out = d;
  return 0;

 nbd_fail:
  err = nbd_get_errno ();
  fail (errmsg, err ? err : EIO, "NBD %s: %s", socket_path, nbd_get_error ());
  nbd_close (h);
  errno = err ? err : EIO;
  return -1;
}

int
vs_blockdev_slice (struct vs_blockdev *parent, uint64_t offset,
                   uint64_t size, struct vs_blockdev **out, char **errmsg)
{
  struct vs_blockdev *d;

  if (errmsg)
    *errmsg = NULL;
  if (parent == NULL || out == NULL)
    return fail (errmsg, EINVAL, "invalid slice arguments");
  /* Written so that offset + size cannot overflow. */
  if (offset > parent->size || size > parent->size - offset)
    return fail (errmsg, EINVAL,
                 "slice of %" PRIu64 " bytes at %" PRIu64
                 " is not inside a device of %" PRIu64 " bytes",
                 size, offset, parent->size);
  d = vs_xcalloc (1, sizeof *d);
  d->kind = VS_BLOCKDEV_SLICE;
  d->fd = -1;
  d->parent = parent;
  d->offset = offset;
  d->size = size;
  *out = d;
  return 0;
}

uint64_t
vs_blockdev_size (const struct vs_blockdev *d)
{
  return d ? d->size : 0;
}

static int
read_fd (int fd, char *buf, size_t len, uint64_t off)
{
  while (len > 0) {
    size_t n = len > (size_t) SSIZE_MAX ? (size_t) SSIZE_MAX : len;
    ssize_t r = pread (fd, buf, n, (off_t) off);

    if (r == -1) {
      if (errno == EINTR)
        continue;
      return -1;
    }
    if (r == 0) {               /* The file is shorter than it was. */
      errno = EIO;
      return -1;
    }
    buf += r;
    len -= r;
    off += r;
  }
  return 0;
}

static int
read_nbd (struct nbd_handle *h, char *buf, size_t len, uint64_t off)
{
  while (len > 0) {
    size_t n = len > VS_NBD_MAX_REQUEST ? VS_NBD_MAX_REQUEST : len;

    if (nbd_pread (h, buf, n, off, 0) == -1) {
      int err = nbd_get_errno ();

      vs_debug ("NBD read of %zu bytes at %" PRIu64 ": %s",
                n, off, nbd_get_error ());
      errno = err && err != EINTR ? err : EIO;
      return -1;
    }
    buf += n;
    len -= n;
    off += n;
  }
  return 0;
}

int
vs_blockdev_pread (struct vs_blockdev *d, void *buf, size_t len,
                   uint64_t off)
{
  if (d == NULL || (buf == NULL && len > 0)) {
    errno = EINVAL;
    return -1;
  }
  /* Slices add their offsets on the way down, each range checked
   * against its own device first. */
  for (;;) {
    if (off > d->size || len > d->size - off) {
      errno = EIO;
      return -1;
    }
    if (d->kind != VS_BLOCKDEV_SLICE)
      break;
    off += d->offset;
    d = d->parent;
  }
  if (len == 0)
    return 0;
  if (d->kind == VS_BLOCKDEV_FD)
    return read_fd (d->fd, buf, len, off);
  return read_nbd (d->nbd, buf, len, off);
}

size_t
vs_blockdev_fds (const struct vs_blockdev *d, int *fds, size_t max)
{
  int fd;

  while (d && d->kind == VS_BLOCKDEV_SLICE)
    d = d->parent;
  if (d == NULL || max == 0)
    return 0;
  if (d->kind == VS_BLOCKDEV_FD)
    fd = d->fd;
  else {
    fd = nbd_aio_get_fd (d->nbd);
    if (fd < 0)
      return 0;
  }
  fds[0] = fd;
  return 1;
}

void
vs_blockdev_free (struct vs_blockdev *d)
{
  if (d == NULL)
    return;
  if (d->kind == VS_BLOCKDEV_NBD)
    nbd_close (d->nbd);
  free (d);
}
