/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: find operating systems from their own files.
 *
 * libguestfs inspection is the first way vmscan learns which filesystem
 * is an OS's root and where its other filesystems mount.  It can fail
 * for every disk because of one bad disk (a partition table pointing
 * past its end makes its filesystem listing fail), and it does not know
 * every distribution.  Then the checks, which run per OS, would not run
 * at all.  This is the fallback: each mounted filesystem that no OS
 * claims is looked at through a guest view (symlinks resolved inside the
 * guest, never on the host): a root has /etc/os-release, or /etc/passwd
 * with /etc/shadow or an /etc/os-release link (into a /usr of its own)
 * beside it.  Its /etc/fstab then says where the other filesystems
 * mount, matched by UUID, label or device name.
 */
#ifndef VS_OSDETECT_H
#define VS_OSDETECT_H

#include <stddef.h>

#include "core/types.h"

/* Looks at every filesystem in fss that is mounted and has no OS
 * (os_index < 0); host_root + fs->walk_root is where each is visible.
 * Appends what it finds to *oses (a vs_xrealloc'd array of *nos,
 * possibly NULL and 0) and sets os_index and os_mountpoint of the roots
 * and of the filesystems their fstab mounts.  Returns how many OSes it
 * added. */
size_t vs_os_detect (const char *host_root, struct vs_fs *fss, size_t nfs,
                     struct vs_os **oses, size_t *nos);

/* Fills distro, product_name, major and minor of os from the text of an
 * os-release file (KEY=value lines, values optionally quoted).  Sets
 * *is_linux to 0 for the BSDs, which have one too.  Exposed for tests. */
void vs_os_release_parse (const char *data, size_t len, struct vs_os *os,
                          int *is_linux);

/* Which filesystem an fstab device spec names (UUID=, LABEL=,
 * /dev/disk/by-uuid/, /dev/disk/by-label/, /dev/sdXN and the vd, xvd and
 * hd names of the same disk, /dev/mapper/VG-LV, /dev/VG/LV), or -1 if
 * none or more than one that cannot be told apart.  root is the index of
 * the OS's root filesystem: of two matches, the one on the root's disk
 * wins.  Exposed for tests. */
int vs_fstab_match (const struct vs_fs *fss, size_t nfs, size_t root,
                    const char *spec);

/* The (device spec, mount point) pairs of an fstab, \ooo escapes
 * undone, without comments, lines that are not entries, and mount points
 * that are relative, "/", hold "." or ".." components or control
 * characters; trailing slashes removed.  *pairs holds 2 * n strings and
 * a NULL (caller frees each and the array).  At most
 * VS_FSTAB_MAX_ENTRIES entries.  Exposed for tests. */
#define VS_FSTAB_MAX_ENTRIES 4096
size_t vs_fstab_entries (const char *data, size_t len, char ***pairs);

#endif /* VS_OSDETECT_H */
