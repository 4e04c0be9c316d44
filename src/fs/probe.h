/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: what a partition holds, named by libblkid in a sandbox.
 *
 * The parent copies the first and the last VS_PROBE_SPAN bytes of the
 * device into a memory file the size of the device (the middle a hole:
 * every superblock libblkid looks for lies in one or the other), and a
 * sandboxed child (fs/child.h) holding only that file runs libblkid's
 * superblock probe on it.  The answer is the type name libguestfs gives
 * too ("ext4", "xfs", "LVM2_member", "crypto_LUKS", "swap", ...), "" for
 * nothing recognised (or more than one thing, which libblkid will not
 * choose between either).
 */
#ifndef VS_FS_PROBE_H
#define VS_FS_PROBE_H

#include <stddef.h>

#include "fs/child.h"

struct vs_blockdev;

#define VS_PROBE_SPAN (1024 * 1024)
/* The longest type name kept. */
#define VS_PROBE_MAX_TYPE 63

/* Writes the type (at most VS_PROBE_MAX_TYPE printable ASCII bytes) into
 * type[VS_PROBE_MAX_TYPE + 1].  Returns 0, or -1 with a one-line reason
 * in *errmsg (caller frees). */
int vs_probe_type (struct vs_blockdev *dev, const struct vs_child_limits *lim,
                   char type[VS_PROBE_MAX_TYPE + 1], char **errmsg);

#endif /* VS_FS_PROBE_H */
