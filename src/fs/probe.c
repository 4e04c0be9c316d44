/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: what a partition holds (see probe.h). */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <blkid.h>

#include "fs/blockdev.h"
#include "fs/probe.h"
#include "base/util.h"

struct prober {
  int fd;
};

static int
serve (struct vs_child *ch, void *opaque)
{
  struct prober *p = opaque;
  char req[8], type[VS_PROBE_MAX_TYPE + 1] = "";
  const char *v = NULL;
  blkid_probe pr;
  size_t len;
  int r;

  if (vs_child_recv (ch, req, sizeof req, &len) <= 0)
    return 1;
  pr = blkid_new_probe ();
  if (pr && blkid_probe_set_device (pr, p->fd, 0, 0) == 0) {
    blkid_probe_enable_superblocks (pr, 1);
    blkid_probe_set_superblocks_flags (pr, BLKID_SUBLKS_TYPE);
    r = blkid_do_safeprobe (pr);
    if (r == 0 && blkid_probe_lookup_value (pr, "TYPE", &v, NULL) == 0 && v)
      snprintf (type, sizeof type, "%s", v);
  }
  if (pr)
    blkid_free_probe (pr);
  return vs_child_send (ch, type, strlen (type)) == -1;
}

/* Copies len bytes at off of dev to the same offset of fd. */
static int
copy_span (struct vs_blockdev *dev, int fd, uint64_t off, size_t len,
           unsigned char *buf)
{
  size_t done = 0;

  if (vs_blockdev_pread (dev, buf, len, off) == -1)
    return -1;
  while (done < len) {
    ssize_t w = pwrite (fd, buf + done, len - done, (off_t) (off + done));

    if (w <= 0)
      return -1;
    done += (size_t) w;
  }
  return 0;
}

int
vs_probe_type (struct vs_blockdev *dev, const struct vs_child_limits *lim,
               char type[VS_PROBE_MAX_TYPE + 1], char **errmsg)
{
  uint64_t size = vs_blockdev_size (dev);
  size_t head = size < VS_PROBE_SPAN ? (size_t) size : VS_PROBE_SPAN, tail;
  unsigned char *buf = NULL;
  struct prober p;
  struct vs_child *ch = NULL;
  char *resp = NULL;
  size_t len = 0, i;
  int rc = -1;

  type[0] = '\0';
  p.fd = memfd_create ("vmscan-probe", MFD_CLOEXEC);
  if (p.fd == -1) {
    *errmsg = vs_xasprintf ("memfd_create: %s", strerror (errno));
    return -1;
  }
  buf = vs_xmalloc (VS_PROBE_SPAN);
  tail = size - head < VS_PROBE_SPAN ? (size_t) (size - head)
    : VS_PROBE_SPAN;
  if (ftruncate (p.fd, (off_t) size) == -1
      || copy_span (dev, p.fd, 0, head, buf) == -1
      || (tail && copy_span (dev, p.fd, size - tail, tail, buf) == -1)) {
    *errmsg = vs_xasprintf ("cannot read the device to probe it: %s",
                            strerror (errno));
    goto out;
  }
  if (vs_child_start (serve, &p, &p.fd, 1, lim, &ch, errmsg) == -1)
    goto out;
  if (vs_child_call (ch, "P", 1, (void **) &resp, &len, 0, errmsg) == -1)
    goto out;
  if (len > VS_PROBE_MAX_TYPE)
    goto bad;
  for (i = 0; i < len; i++)
    if (resp[i] < 0x21 || resp[i] > 0x7e)
      goto bad;
  memcpy (type, resp, len);
  type[len] = '\0';
  rc = 0;
  goto out;

 bad:
  *errmsg = vs_xstrdup ("the probe gave a malformed type name");
 out:
  vs_child_free (ch);
  free (resp);
  free (buf);
  close (p.fd);
  return rc;
}
