/* SPDX-License-Identifier: BSD-3-Clause */
/* libFuzzer target: the ext2/3/4 reader (fs/ext.c over libext2fs,
 * behind fs/hostfs.h), in the process, without the sandbox that runs it
 * in a scan.  The input is a filesystem image; the target opens it as
 * the child would, walks the tree (bounded: a few levels and entries),
 * stats, reads links, files, a capability, and, as --deleted does, each
 * directory's deleted entries and the unallocated inodes.
 *
 * libtsk's reader (fs/tsk.c) is left out: libtsk 4.11 itself trips
 * AddressSanitizer within minutes on mutated FAT images (an overlapping
 * strncpy in tsk_fs_name_copy, from its orphan search), a fault in the
 * library that only the sandbox contains; here it would hide ours. */
#include <config.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs/blockdev.h"
#include "fs/hostfs-int.h"

/* No libtsk reader in this target (see above). */
static int
no_tsk (const char *fstype)
{
  (void) fstype;
  return 0;
}

static int
no_probe (struct vs_blockdev *dev)
{
  (void) dev;
  return 0;
}

const struct vs_hostfs_ops vs_hostfs_tsk_ops = {
  .name = "none", .handles = no_tsk, .probe = no_probe,
};

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define MAX_DEPTH 6
#define MAX_VISITS 400

struct walk {
  struct vs_hostfs *fs;
  unsigned visits;
  char buf[65536];
};

static void visit (struct walk *w, uint64_t ino, unsigned depth);

static int
entry (void *opaque, const char *name, size_t len, uint64_t ino)
{
  struct walk *w = opaque;
  uint64_t found;

  (void) name;
  (void) len;
  if (w->visits >= MAX_VISITS)
    return 1;
  /* A lookup of what the listing gave must not crash either. */
  if (len <= 255)
    vs_hostfs_lookup (w->fs, vs_hostfs_root (w->fs), name, len, &found);
  return 0;
}

struct kids {
  uint64_t ino[32];
  size_t n;
};

static int
collect (void *opaque, const char *name, size_t len, uint64_t ino)
{
  struct kids *k = opaque;

  (void) name;
  (void) len;
  if (k->n < 32)
    k->ino[k->n++] = ino;
  return k->n >= 32;
}

static void
visit (struct walk *w, uint64_t ino, unsigned depth)
{
  struct vs_hostfs_stat st;
  struct kids k = { { 0 }, 0 }, d = { { 0 }, 0 };
  size_t got, i;
  char *target;

  if (++w->visits > MAX_VISITS || vs_hostfs_stat (w->fs, ino, &st) == -1)
    return;
  vs_hostfs_getxattr (w->fs, ino, "security.capability", w->buf, 64, &got);
  switch (st.mode & S_IFMT) {
  case S_IFLNK:
    if (vs_hostfs_readlink (w->fs, ino, &target, &got) == 0)
      free (target);
    return;
  case S_IFREG:
    vs_hostfs_read (w->fs, ino, 0, w->buf, sizeof w->buf, &got);
    if (st.size > sizeof w->buf)
      vs_hostfs_read (w->fs, ino, st.size - 100, w->buf, 200, &got);
    return;
  case S_IFDIR:
    if (depth >= MAX_DEPTH)
      return;
    vs_hostfs_readdir (w->fs, ino, entry, w);
    vs_hostfs_readdir (w->fs, ino, collect, &k);
    vs_hostfs_readdir_deleted (w->fs, ino, collect, &d);
    for (i = 0; i < k.n; i++)
      visit (w, k.ino[i], depth + 1);
    for (i = 0; i < d.n; i++)
      visit (w, d.ino[i], MAX_DEPTH);
    return;
  default:
    return;
  }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static struct walk w;
  struct vs_blockdev *dev = NULL;
  char *err = NULL;
  uint64_t cursor = 0;
  unsigned steps;
  int fd;

  fd = memfd_create ("fuzz-hostfs", MFD_CLOEXEC);
  if (fd == -1)
    return 0;
  if (write (fd, data, size) != (ssize_t) size
      || vs_blockdev_open_fd (fd, size, &dev, &err) == -1) {
    free (err);
    close (fd);
    return 0;
  }
  memset (&w, 0, sizeof w);
  if (vs_hostfs_open (dev, NULL, &w.fs, &err) == 0) {
    visit (&w, vs_hostfs_root (w.fs), 0);
    for (steps = 0; steps < 64 && cursor != VS_HOSTFS_ORPHANS_DONE; steps++) {
      struct kids o = { { 0 }, 0 };
      size_t i;

      if (vs_hostfs_orphans (w.fs, &cursor, collect, &o) != 0)
        break;
      for (i = 0; i < o.n; i++)
        visit (&w, o.ino[i], MAX_DEPTH);
    }
    vs_hostfs_close (w.fs);
  }
  free (err);
  vs_blockdev_free (dev);
  close (fd);
  return 0;
}
