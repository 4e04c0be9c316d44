/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: the bytes of a disk image, read on the host, read-only.
 *
 * A raw image is read straight from the descriptor vmscan opened it on
 * (pread).  Every other format (qcow2, VMDK, VHD, VHDX) is read through
 * qemu's block layer: core/serve.c runs qemu-storage-daemon in a sandbox,
 * exporting the image read-only over NBD on a private UNIX socket, and a
 * block device here reads that export with libnbd.  A device can be
 * narrowed to a byte range (a partition, from image/parttable.h).
 *
 * Reads are all or nothing: a read that reaches past the end of the
 * device, or that the source cannot serve, fails (EIO, EINVAL); it never
 * returns zeros in place of data it did not get.  Nothing here writes.
 *
 * A device is used by one thread at a time.  Functions return 0 or -1
 * with errno set; the open functions also give a one-line reason.
 */
#ifndef VS_FS_BLOCKDEV_H
#define VS_FS_BLOCKDEV_H

#include <stddef.h>
#include <stdint.h>

struct vs_blockdev;

/* A device over the first size bytes of the file open on fd (a raw
 * image).  fd stays the caller's and must outlive the device. */
int vs_blockdev_open_fd (int fd, uint64_t size, struct vs_blockdev **out,
                         char **errmsg);

/* A device over the NBD export export_name ("" for the default) served
 * on the UNIX socket socket_path; its size is the export's. */
int vs_blockdev_open_nbd (const char *socket_path, const char *export_name,
                          struct vs_blockdev **out, char **errmsg);

/* A device over bytes [offset, offset + size) of parent, which must
 * outlive it.  Fails (EINVAL) if the range is not inside parent. */
int vs_blockdev_slice (struct vs_blockdev *parent, uint64_t offset,
                       uint64_t size, struct vs_blockdev **out,
                       char **errmsg);

uint64_t vs_blockdev_size (const struct vs_blockdev *d);

/* Reads len bytes at off, all of them, or fails. */
int vs_blockdev_pread (struct vs_blockdev *d, void *buf, size_t len,
                       uint64_t off);

/* The descriptors the device reads through (the image's fd, or the
 * connected NBD socket), for a sandbox that must leave them open:
 * returns how many were written to fds (at most max). */
size_t vs_blockdev_fds (const struct vs_blockdev *d, int *fds, size_t max);

/* Accepts NULL. */
void vs_blockdev_free (struct vs_blockdev *d);

#endif /* VS_FS_BLOCKDEV_H */
