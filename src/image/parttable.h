/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: a raw image's partition table against the image's size.
 *
 * A truncated raw image keeps its partition table: the partitions it
 * lists then run past the end of the file, and the appliance's kernel
 * drops or cuts them, so the scan finds nothing, or a filesystem that
 * will not mount, with nothing to say why.  Reading the MBR or GPT on
 * the host names the problem.  (Other formats hold their partition
 * table inside data only qemu decodes; their own tables are checked in
 * image.c.)
 */
#ifndef VS_PARTTABLE_H
#define VS_PARTTABLE_H

#include <stddef.h>
#include <stdint.h>

/* Reads len bytes at off into buf; returns 0, or -1 if they are not all
 * there. */
typedef int (*vs_read_at_fn) (void *opaque, uint64_t off, void *buf,
                              size_t len);

/* Checks the MBR or GPT of a raw disk of size bytes.  Returns NULL when
 * there is no partition table or every partition (and a GPT's backup
 * header) lies inside the disk; else a one-line description of the first
 * problem (caller frees). */
char *vs_parttable_check (vs_read_at_fn read_at, void *opaque,
                          uint64_t size);

/* The same on a disk held in memory. */
char *vs_parttable_check_buffer (const void *buf, size_t len);

/* The same on an open file. */
char *vs_parttable_check_fd (int fd, uint64_t size);

#endif /* VS_PARTTABLE_H */
