/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: the real readers behind a remote filesystem (see remote.h).
 *
 * Kept apart from remote.c so that a program (a unit test) can use the
 * remote machinery with its own backend without linking the readers:
 * a static library member is only linked when something asks for it.
 */
#include <config.h>

#include "fs/remote.h"
#include "fs/blockdev.h"
#include "fs/hostfs.h"

const struct vs_remote_backend vs_remote_hostfs_backend = {
  .dev_fds = vs_blockdev_fds,
  .open = vs_hostfs_open,
  .type = vs_hostfs_type,
  .label = vs_hostfs_label,
  .uuid = vs_hostfs_uuid,
  .root = vs_hostfs_root,
  .stat = vs_hostfs_stat,
  .readdir = vs_hostfs_readdir,
  .readdir_deleted = vs_hostfs_readdir_deleted,
  .orphans = vs_hostfs_orphans,
  .lookup = vs_hostfs_lookup,
  .readlink = vs_hostfs_readlink,
  .read = vs_hostfs_read,
  .getxattr = vs_hostfs_getxattr,
  .close = vs_hostfs_close,
};

int
vs_remote_open (struct vs_blockdev *dev, const char *fstype,
                const struct vs_child_limits *lim, struct vs_remote **out,
                char **errmsg)
{
  return vs_remote_open_backend (&vs_remote_hostfs_backend, dev, fstype, lim,
                                 out, errmsg);
}
