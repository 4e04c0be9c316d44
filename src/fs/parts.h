/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: the partitions of a disk, read on the host in a sandbox.
 *
 * libtsk's volume system code (MBR with its extended partitions, GPT)
 * reads the table, in a sandboxed child (fs/child.h) like the
 * filesystem readers; the parent checks what the child says (numbers,
 * starts and sizes inside the disk, no number twice) before using it.
 * Partitions are numbered as Linux numbers them, so that a partition
 * read on the host has the device name the appliance would give it.
 */
#ifndef VS_FS_PARTS_H
#define VS_FS_PARTS_H

#include <stddef.h>
#include <stdint.h>

#include "fs/child.h"

struct vs_blockdev;

/* The most partitions read from one disk. */
#define VS_PARTS_MAX 128

enum vs_parts_kind {
  VS_PARTS_NONE,                /* no table libtsk knows */
  VS_PARTS_MBR,
  VS_PARTS_GPT,
  VS_PARTS_OTHER,               /* BSD, Sun, Apple: not named here */
};

struct vs_part {
  unsigned number;              /* 1, 2, ... as in /dev/sda1 */
  uint64_t start, size;         /* bytes */
};

/* Lists the partitions of dev in a sandboxed child under lim (NULL: the
 * defaults), in table order, at most VS_PARTS_MAX.  Returns 0, or -1 with
 * a one-line reason in *errmsg (caller frees). */
int vs_parts_list (struct vs_blockdev *dev, const struct vs_child_limits *lim,
                   struct vs_part *parts, size_t *n,
                   enum vs_parts_kind *kind, char **errmsg);

/* What the child runs (fs/tsk.c): the same without the sandbox. */
int vs_tsk_partitions (struct vs_blockdev *dev, struct vs_part *out,
                       size_t max, size_t *n, enum vs_parts_kind *kind);

#endif /* VS_FS_PARTS_H */
