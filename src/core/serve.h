/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: each image served to the appliance by qemu itself, from the
 * sandbox (sandbox.h), so that qemu opens only what vmscan checked.
 *
 * qemu-storage-daemon opens the image (vmscan's own descriptor, bound at
 * /image in the sandbox) with an explicit driver stack: the format
 * image.c found, over the "file" driver on /image, read-only, with no
 * backing file even if the image names one.  Before anyone is let in,
 * vmscan asks that very process, over QMP, which block nodes it opened
 * (query-named-block-nodes) and refuses the image if qemu opened or
 * would name anything but /image: a backing file, an external data
 * file, a VMDK extent in another file, any driver but the format and
 * "file".  The check is of the open that serves, so the check and the
 * use cannot disagree.  This is defence in depth behind image.c; inside
 * the sandbox there is nothing else to open anyway.
 *
 * The image is then exported read-only over NBD on a UNIX socket in a
 * private 0700 folder (/tmp/vmscan.XXXXXX/nbd), made by vmscan and
 * handed to the daemon already listening.
 */
#ifndef VS_SERVE_H
#define VS_SERVE_H

#include <stddef.h>
#include <sys/types.h>

#include "core/types.h"

struct vs_serve;

/* The NBD export name of every server. */
#define VS_SERVE_EXPORT "vmscan"

/* Starts serving img (img->fd, img->format).  Returns 0 and writes
 * *out, or -1 with a one-line reason in *errmsg (caller frees): the
 * sandbox or the daemon could not be started, qemu could not open the
 * image, or the image names something else. */
int vs_serve_start (const struct vs_image *img, struct vs_serve **out,
                    char **errmsg);

/* The socket's path, and the folder holding it (for a reaper). */
const char *vs_serve_socket (const struct vs_serve *s);
const char *vs_serve_dir (const struct vs_serve *s);

/* The daemon's pid (0 once it has been reaped). */
pid_t vs_serve_pid (const struct vs_serve *s);

/* Kills the daemon, reaps it, removes the socket and its folder.
 * Accepts NULL. */
void vs_serve_free (struct vs_serve *s);

/* The check, on qemu's reply to query-named-block-nodes (a QMP line):
 * 0 if every node is the image's format or the "file" driver on /image
 * and nothing names another file, else -1 with a one-line reason in
 * *errmsg (caller frees).  Exposed for the tests. */
int vs_serve_check_nodes (const char *json, size_t len, const char *format,
                          char **errmsg);

#endif /* VS_SERVE_H */
