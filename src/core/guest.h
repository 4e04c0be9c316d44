/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: read files the way the guest sees them.
 *
 * A guest view maps an operating system's mount points (/, /boot, /home,
 * ...) to the host directories where the appliance's filesystems are
 * visible, or to filesystems read on the host (core/source.h).  Paths are resolved the way the guest's kernel would: one
 * component at a time, symlinks read and followed *inside the guest*
 * (an absolute target restarts at the guest's root, ".." never leaves
 * it), crossing into another filesystem at its mount point, at most
 * VS_GUEST_MAX_LINKS symlinks per lookup.  On the host nothing is ever
 * followed: every open is relative to a directory already reached, with
 * O_NOFOLLOW, so a guest link to /proc or /etc/shadow reaches the guest's
 * file of that name, or nothing.
 *
 * Everything here is bounded: file reads by the caller's limit, listings
 * by VS_GUEST_MAX_ENTRIES, a lookup by a budget of components (4096, link
 * targets included) and links, so that its host calls grow linearly with
 * the path, whatever the depth or the links (guest.c says how).  Every
 * turn of a loop is a vs_tick (); once the scan is to stop, a call fails
 * with ECANCELED.  Functions return 0 or -1 with errno set (ENOENT, ELOOP,
 * ENOTDIR, EISDIR, EFBIG, EINVAL for "not a regular file", ECANCELED, or
 * what the host call said).
 */
#ifndef VS_GUEST_H
#define VS_GUEST_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#define VS_GUEST_MAX_LINKS 40
#define VS_GUEST_MAX_ENTRIES 100000

struct vs_guest;

struct vs_guest *vs_guest_new (void);
void vs_guest_free (struct vs_guest *g);

/* Says that the guest path mountpoint ("/", "/boot", ...) is the host
 * directory host_dir.  "/" must be added for anything to resolve. */
int vs_guest_add_mount (struct vs_guest *g, const char *mountpoint,
                        const char *host_dir);

/* The same for a filesystem read on the host (core/source.h), which
 * stays the caller's and must outlive g.  A view may mix both kinds. */
struct vs_source;
int vs_guest_add_source (struct vs_guest *g, const char *mountpoint,
                         struct vs_source *src);

/* Either of the two for the filesystem fs: its source when it has one,
 * else host_root joined with its walk_root (ENOENT if not mounted). */
struct vs_fs;
int vs_guest_add_fs (struct vs_guest *g, const char *mountpoint,
                     const char *host_root, const struct vs_fs *fs);

/* lstat (follow = 0: the last component is not followed) or stat
 * (follow = 1) of a guest path. */
int vs_guest_stat (struct vs_guest *g, const char *path, int follow,
                   struct stat *st);

/* The guest path with every symlink resolved (caller frees). */
int vs_guest_realpath (struct vs_guest *g, const char *path, char **out);

/* Reads the regular file at path (symlinks followed in the guest) whole
 * when it is at most max bytes; a larger file fails with EFBIG unless
 * truncate_ok, in which case the first max bytes are returned.  *data is
 * NUL-terminated (the NUL is not counted in *len); caller frees. */
int vs_guest_read (struct vs_guest *g, const char *path, size_t max,
                   int truncate_ok, char **data, size_t *len);

/* Lists the directory at path (symlinks followed in the guest): sorted
 * names without "." and "..".  Caller frees with vs_guest_free_list. */
int vs_guest_list (struct vs_guest *g, const char *path, char ***names,
                   size_t *n);
void vs_guest_free_list (char **names, size_t n);

/* Opens the regular file at path for reading (symlinks followed in the
 * guest); returns the fd or -1 (EOPNOTSUPP when the file is in a
 * source: there is no host file to open). */
int vs_guest_open (struct vs_guest *g, const char *path);

/* A counter that grows with every host call a lookup makes (openat,
 * readlinkat; any thread, any view): the scan's watchdog reads it to
 * tell slow checks from a hung appliance. */
uint64_t vs_guest_activity (void);

#endif /* VS_GUEST_H */
