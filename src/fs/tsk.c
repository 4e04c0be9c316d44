/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: placeholder for the libtsk reader (fs/tsk.c), so that the fs
 * layer links before the real reader is merged: it handles no type and
 * recognises no filesystem, so vs_hostfs_open fails with ENOTSUP for
 * everything that is not ext.  The real fs/tsk.c replaces this file. */
#include <config.h>

#include <errno.h>

#include "fs/hostfs-int.h"

static int
tsk_none_handles (const char *fstype)
{
  return 0;
}

static int
tsk_none_probe (struct vs_blockdev *dev)
{
  return 0;
}

static int
tsk_none_open (struct vs_hostfs *fs, struct vs_blockdev *dev,
               const char *fstype, char **errmsg)
{
  errno = ENOTSUP;
  return -1;
}

const struct vs_hostfs_ops vs_hostfs_tsk_ops = {
  .name = "libtsk",
  .handles = tsk_none_handles,
  .probe = tsk_none_probe,
  .open = tsk_none_open,
};
