/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: walk a filesystem tree and classify every file in it.
 *
 * One thread (the caller) walks directories; VS worker threads open,
 * hash, classify and YARA-scan regular files; both record into the
 * evidence store.  The walk happens on the host's view of the appliance's
 * filesystems (see appliance.h) and never follows a symlink: every open
 * is relative to a directory already reached, with O_NOFOLLOW, and
 * nothing but directories and regular files is ever opened.
 *
 * Memory is bounded: file data is read in fixed chunks; a file is held
 * whole only when YARA scans it (at most yara_max_size bytes per worker);
 * the job queue is bounded.
 */
#ifndef VS_WALK_H
#define VS_WALK_H

#include <signal.h>
#include <stdint.h>

#include "core/types.h"

struct vs_store;
struct vs_rules;
struct vs_accounts;
struct vs_walker;

/* The most of a source's file a worker keeps whole in its memory file
 * for libmagic, when YARA (yara_max_size) does not need more: with the
 * reading buffer, what one worker thread holds at most. */
#define VS_WALK_MEM_WHOLE (64 * 1024 * 1024)

struct vs_walk_config {
  struct vs_store *store;
  struct vs_rules *rules;       /* NULL: no YARA */
  uint64_t yara_max_size;
  /* A file larger than this of which less than half is allocated is not
   * read (0: no limit): a crafted filesystem can hold a 16 TiB file of
   * holes, hours of zeros through the appliance. */
  uint64_t sparse_limit;
  unsigned jobs;                /* worker threads, at least 1 */
  /* --deleted: also record a source's deleted entries and orphans
   * (files.deleted), and read those whose blocks are still free. */
  int deleted;
  volatile sig_atomic_t *stop;  /* set to end the walk early */
  /* Asked after an I/O error: is the data source still there?  When it
   * says no, the walk stops and vs_walker_lost() is true. */
  int (*alive) (void *opaque);
  void *alive_opaque;
};

struct vs_walk_progress {
  uint64_t entries;             /* directory entries recorded */
  uint64_t files;               /* regular files done */
  uint64_t bytes;               /* bytes of regular files read */
  uint64_t yara_skipped;        /* files too large for YARA */
  uint64_t queued;              /* regular files found so far */
  uint64_t deleted;             /* deleted entries recorded (--deleted) */
  uint64_t deleted_read;        /* of them, regular files read whole */
};

/* Starts the workers.  Returns 0 and writes *out, or -1 with a message in
 * *errmsg (caller frees). */
int vs_walker_new (const struct vs_walk_config *cfg, struct vs_walker **out,
                   char **errmsg);

/* Walks the filesystem fs, visible on the host at host_dir, recording
 * each entry under the guest path prefix (fs->os_mountpoint or "/").
 * accounts (may be NULL) names owners for YARA's "owner" variable.
 * Returns when every file of fs is recorded, with fs->files and fs->bytes
 * set.  Returns 0, or -1 if the walk had to stop (interrupted, or the
 * store failed); problems with single entries are recorded, not
 * returned. */
int vs_walker_walk (struct vs_walker *w, struct vs_fs *fs,
                    const char *host_dir, const struct vs_accounts *accounts);

/* The same for a filesystem read on the host (core/source.h).  When the
 * source's child fails part way, the filesystem's status is VS_FS_ERROR
 * with the reason in fs->note and an errors row, and 0 is returned: the
 * other filesystems go on. */
struct vs_source;
int vs_walker_walk_source (struct vs_walker *w, struct vs_fs *fs,
                           struct vs_source *src,
                           const struct vs_accounts *accounts);

/* True if the walk stopped because the data source went away. */
int vs_walker_lost (struct vs_walker *w);

/* A snapshot of the counters (safe from any thread). */
void vs_walker_progress (struct vs_walker *w, struct vs_walk_progress *p);

/* Takes p (what one filesystem's walk added, measured around it) off
 * the counters: a walk whose rows were deleted to be done again. */
void vs_walker_forget (struct vs_walker *w, const struct vs_walk_progress *p);

/* Stops the workers and frees.  Accepts NULL. */
void vs_walker_free (struct vs_walker *w);

#endif /* VS_WALK_H */
