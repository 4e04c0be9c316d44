/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: host-side checks of a disk image file before qemu sees it.
 *
 * The format is read from the file's own header, never guessed by qemu,
 * and the drive is always handed to libguestfs with an explicit format
 * and read-only.  Images that would make qemu open other host files (a
 * qcow2 backing file or external data file, a differencing VHD or VHDX,
 * a VMDK whose extents live in other files) are refused: a crafted image
 * could name any file on the host.
 */
#ifndef VS_IMAGE_H
#define VS_IMAGE_H

#include <stddef.h>
#include <stdint.h>

/* A disk image given on the command line. */
struct vs_image {
  char *path;
  const char *format;           /* libguestfs/qemu name: raw, qcow2, vmdk,
                                   vpc, vhdx */
  const char *format_name;      /* the user's name: raw, qcow2, vmdk, vhd,
                                   vhdx */
  int format_from_user;
  uint64_t file_size;
  uint64_t virtual_size;        /* 0 when unknown */
  char sha256[65];              /* empty until hashed */
  int fd;                       /* the one open() of the image, read-only:
                                   every later read of it, by vmscan or
                                   by qemu, goes through it; -1 if none */
};


/* Fills img for the image at path.  user_format is the --format name
 * (raw, qcow2, vmdk, vhd, vhdx) or NULL to read it from the header.
 * Returns 0, or -1 with a one-line reason in *errmsg (caller frees).
 * The file is opened for the checks and closed again (img->fd is -1). */
int vs_image_probe (const char *path, const char *user_format,
                    struct vs_image *img, char **errmsg);

/* The same on the image already open read-only as fd (path names it in
 * messages).  On success img->fd is fd and belongs to img
 * (vs_image_clear closes it); on failure fd is still the caller's. */
int vs_image_probe_fd (int fd, const char *path, const char *user_format,
                       struct vs_image *img, char **errmsg);

/* The same on a whole image held in memory (for tests and fuzzing). */
int vs_image_probe_buffer (const void *buf, size_t len,
                           const char *user_format, struct vs_image *img,
                           char **errmsg);

/* Frees what vs_image_probe put in img, and closes img->fd. */
void vs_image_clear (struct vs_image *img);

/* True if name is a format --format accepts. */
int vs_image_format_valid (const char *name);

#endif /* VS_IMAGE_H */
