/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: the partitions of a disk, read in a sandbox (see parts.h).
 *
 * The child answers one request with one message: u32 kind, u32 count,
 * then count entries of u32 number, u64 start, u64 size (little-endian).
 * The parent believes none of it until checked: the count against the
 * message's size and VS_PARTS_MAX, each number from 1 to 255 and given
 * once, each partition non-empty and inside the disk.
 */
#include <config.h>

#include <errno.h>
#include <string.h>

#include "fs/blockdev.h"
#include "fs/parts.h"
#include "base/bytes.h"
#include "base/util.h"

#define HDR 8
#define ENTRY 20

struct lister {
  struct vs_blockdev *dev;
};

static int
serve (struct vs_child *ch, void *opaque)
{
  struct lister *l = opaque;
  struct vs_part parts[VS_PARTS_MAX];
  unsigned char msg[HDR + VS_PARTS_MAX * ENTRY], req[16];
  enum vs_parts_kind kind;
  size_t n = 0, i, len;

  if (vs_child_recv (ch, req, sizeof req, &len) <= 0)
    return 1;
  if (vs_tsk_partitions (l->dev, parts, VS_PARTS_MAX, &n, &kind) == -1) {
    kind = VS_PARTS_NONE;
    n = 0;
  }
  vs_put_le32 (msg, (uint32_t) kind);
  vs_put_le32 (msg + 4, (uint32_t) n);
  for (i = 0; i < n; i++) {
    unsigned char *e = msg + HDR + i * ENTRY;

    vs_put_le32 (e, parts[i].number);
    vs_put_le64 (e + 4, parts[i].start);
    vs_put_le64 (e + 12, parts[i].size);
  }
  return vs_child_send (ch, msg, HDR + n * ENTRY) == -1;
}

int
vs_parts_list (struct vs_blockdev *dev, const struct vs_child_limits *lim,
               struct vs_part *parts, size_t *n, enum vs_parts_kind *kind,
               char **errmsg)
{
  struct lister l = { dev };
  struct vs_child *ch = NULL;
  int fds[VS_CHILD_MAX_FDS];
  size_t nfds, len = 0, i, j, count;
  unsigned char *msg = NULL;
  uint64_t size = vs_blockdev_size (dev);
  uint32_t k;

  *n = 0;
  nfds = vs_blockdev_fds (dev, fds, VS_CHILD_MAX_FDS);
  if (nfds > VS_CHILD_MAX_FDS)
    nfds = VS_CHILD_MAX_FDS;
  if (vs_child_start (serve, &l, fds, nfds, lim, &ch, errmsg) == -1)
    return -1;
  if (vs_child_call (ch, "L", 1, (void **) &msg, &len, 0, errmsg) == -1) {
    vs_child_free (ch);
    return -1;
  }
  vs_child_free (ch);
  if (len < HDR)
    goto bad;
  k = vs_le32 (msg);
  count = vs_le32 (msg + 4);
  if (k > VS_PARTS_OTHER || count > VS_PARTS_MAX
      || len != HDR + count * ENTRY)
    goto bad;
  for (i = 0; i < count; i++) {
    const unsigned char *e = msg + HDR + i * ENTRY;

    parts[i].number = vs_le32 (e);
    parts[i].start = vs_le64 (e + 4);
    parts[i].size = vs_le64 (e + 12);
    if (parts[i].number < 1 || parts[i].number > 255 || parts[i].size == 0
        || parts[i].start > size || parts[i].size > size - parts[i].start)
      goto bad;
    for (j = 0; j < i; j++)
      if (parts[j].number == parts[i].number)
        goto bad;
  }
  *kind = (enum vs_parts_kind) k;
  *n = count;
  free (msg);
  return 0;

 bad:
  free (msg);
  *errmsg = vs_xstrdup ("the partition table reader gave a malformed "
                        "answer");
  errno = EIO;
  return -1;
}
