/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: the libguestfs appliance: launch, inspect, mount, expose.
 *
 * Each image is served by qemu-storage-daemon in a sandbox (serve.h) and
 * added as a read-only raw NBD drive (image.h has the host-side checks
 * that come first).  When a hardware-accelerated launch fails, the
 * launch is retried once under software emulation (TCG) and the user is
 * told once on stderr.
 *
 * Filesystems are mounted read-only inside the appliance, each on its own
 * mount point (/vmscan/N), and the appliance's tree is then exposed to the
 * host through libguestfs's FUSE bridge (mount_local).  The FUSE mount is
 * made in a private mount namespace when vmscan runs as root, so no other
 * process on the host sees it and it vanishes with vmscan.  Guest data is
 * only ever parsed inside the appliance's kernel, never by the host's.
 */
#ifndef VS_APPLIANCE_H
#define VS_APPLIANCE_H

#include <stddef.h>
#include <stdint.h>

#include "core/types.h"

struct vs_appliance;

/* Call once, early, while the process has a single thread: moves vmscan
 * into a private mount namespace where it can.  Returns 1 if it did, 0 if
 * not (not root, say), never fails. */
int vs_appliance_private_namespace (void);

/* Serves each image to the appliance-to-be (serve.h: qemu in a sandbox,
 * checked to open nothing but the image's own file).  images must stay
 * valid until vs_appliance_free.  Returns 0 and writes *out, or -1 with
 * a one-line message in *errmsg (caller frees): the image is refused,
 * and nothing has been launched. */
int vs_appliance_serve (const struct vs_image *images, size_t n,
                        struct vs_appliance **out, char **errmsg);

/* Launches the appliance on the served disks.  Returns 0, or -1 with a
 * one-line message in *errmsg (caller frees); a is then still to be
 * freed. */
int vs_appliance_launch (struct vs_appliance *a, char **errmsg);

/* "kvm" or "tcg" ("none" before a launch). */
/* libguestfs's version, asked of a handle that is not launched (for a
 * scan that needs no appliance). */
const char *vs_appliance_library_version (struct vs_appliance *a);

const char *vs_appliance_backend (const struct vs_appliance *a);
/* The memory, in bytes, libguestfs gives an appliance it launches (its
 * memsize: LIBGUESTFS_MEMSIZE, or the library's default), asked of a
 * handle that is not launched; 0 if libguestfs cannot say. */
uint64_t vs_appliance_memsize (void);
/* libguestfs version, "1.48.6". */
const char *vs_appliance_version (const struct vs_appliance *a);

/* Inspects the disks for operating systems.  Writes a new array into
 * *oses (free with vs_appliance_free_oses).  Inspection failing is not
 * fatal: it returns 0 with no OS and a message in *errmsg. */
int vs_appliance_inspect (struct vs_appliance *a, struct vs_os **oses,
                          size_t *n, char **errmsg);
void vs_appliance_free_oses (struct vs_os *oses, size_t n);

/* Lists every filesystem and fills in what the OSes say of each.  Writes
 * a new array into *fss (free with vs_appliance_free_fss).  On success
 * *errmsg may still hold a warning to record (the listing had to be done
 * device by device). */
int vs_appliance_list_fs (struct vs_appliance *a, const struct vs_os *oses,
                          size_t nos, struct vs_fs **fss, size_t *n,
                          char **errmsg);
void vs_appliance_free_fss (struct vs_fs *fss, size_t n);

/* Mounts every filesystem whose status is pending, read-only (one read
 * on the host too, so that the appliance can take it over should the
 * host's reader fail); one not read on the host that
 * cannot be mounted gets status error and a note.  Then exposes the
 * appliance's tree on a host directory.  Returns -1 only if the host
 * side could not be set up. */
int vs_appliance_mount_all (struct vs_appliance *a, struct vs_fs *fss,
                            size_t n, char **errmsg);

/* The host directory where fs->walk_root is visible: host path of a
 * filesystem = vs_appliance_host_root (a) + fs->walk_root. */
/* The UNIX socket on which image i is served over NBD (export
 * VS_SERVE_EXPORT), for the host's own readers; NULL if none. */
const char *vs_appliance_server_socket (const struct vs_appliance *a,
                                        size_t i);

const char *vs_appliance_host_root (const struct vs_appliance *a);

/* Reports whether the appliance's qemu is still running (safe from any
 * thread). */
int vs_appliance_alive (struct vs_appliance *a);

/* Kills the appliance's qemu (for a hung appliance); reads then fail and
 * vs_appliance_alive() says no.  Safe from any thread. */
void vs_appliance_kill (struct vs_appliance *a);

/* Unmounts, shuts down and closes.  Accepts NULL. */
void vs_appliance_free (struct vs_appliance *a);

#endif /* VS_APPLIANCE_H */
