/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: walk a filesystem tree and classify every file in it.
 *
 * Design notes.  The walker (the caller's thread) reads each directory
 * in batches of up to VS_DIR_BATCH names (a small directory is one
 * batch), sorts each batch bytewise, lstat()s each name relative to the
 * directory's fd, records non-regular entries itself and queues regular
 * files.  A listing that fails part way is walked as far as it went and
 * an error row says where it stopped; a listing with fewer subdirectories
 * than the directory's link count gets an error row too.  A queued job
 * carries a duplicate of its directory's fd and the name, so a worker
 * opens it with openat(O_NOFOLLOW) and never resolves a path: no length
 * limit, no symlink in between.  The queue holds at most VS_QUEUE jobs,
 * so open fds are bounded too.
 *
 * A worker checks with fstat() that what it opened is the regular file
 * the walker saw (same inode), asks libmagic, then reads the file once in
 * VS_CHUNK pieces for the hashes, keeping a copy for YARA when the file is
 * no larger than yara_max_size.  A read error makes an error row and the
 * entry is recorded without hashes: a hash of part of a file would be a
 * lie.
 *
 * Sparse files: the block count (st_blocks) is the guest's word, so it
 * is only a first filter.  While a file over --sparse-limit is read, the
 * bytes that came back as whole blocks of zeros are counted, and once
 * they pass the limit the file is read no further: it is recorded, with
 * an error row saying how far it was read and why, and without hashes or
 * YARA, as a file the block count had already ruled out.  A file larger
 * than its filesystem is read the same way, and once more bytes that are
 * not zeros have come back than the filesystem holds, its blocks must be
 * shared (crafted overlapping extents or block maps, which could make a
 * small image hold a file of terabytes of data): it is read no further.
 *
 * Every loop whose length the guest decides (names in a directory,
 * chunks of a file) counts its turns with vs_tick () and ends the walk
 * when that says to stop.
 *
 * Invariant: w->pending counts jobs queued and not yet recorded;
 * vs_walker_walk() returns only when it is 0.
 */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "parse/accounts.h"
#include "core/classify.h"
#include "base/hash.h"
#include "core/rules.h"
#include "core/source.h"
#include "core/store.h"
#include "base/util.h"
#include "core/walk.h"

#define VS_QUEUE 256
#define VS_CHUNK (1024 * 1024)
#define VS_MAX_DEPTH 4096
/* The longest symlink target read.  Linux gives at most PATH_MAX - 1
 * bytes (through FUSE, a page less one): a link whose size says more is
 * not believed, and no buffer is sized from it. */
#define VS_MAX_LINK (1024 * 1024)
/* The first buffer for a link target whose size is not believed. */
#define VS_LINK_GUESS 4096
/* Names one batch of a directory's listing holds.  A directory can hold
 * millions of entries (billions with ext4's large_dir): it is walked in
 * batches of this many, each sorted, so that memory stays bounded. */
#define VS_DIR_BATCH 65536
/* Zeros are counted in blocks of this size (the usual filesystem block,
 * the unit in which holes come), at the block's offset in the chunk. */
#define VS_ZERO_BLOCK 4096
#define VS_YARA_TIMEOUT 120

struct job {
  struct vs_fs *fs;
  const struct vs_accounts *accounts;
  struct vs_source *src;        /* a source's file: node, no dirfd */
  uint64_t node;
  int dirfd;
  char *name;
  size_t name_len;
  char *path;
  size_t path_len;
  struct stat st;
  const char *deleted;          /* --deleted: files.deleted, else NULL */
  int has_btime;                /* --deleted: the inode's birth time */
  struct timespec btime;
};

struct worker {
  struct vs_walker *w;
  pthread_t thread;
  struct vs_classifier *magic;
  struct vs_rules_scanner *scanner;
  unsigned char *chunk;
  unsigned char *whole;
  size_t whole_alloc;
  /* A source's file has no host file for libmagic to read: its bytes
   * are put in this memory file as they are read (all of them up to
   * mem_max, else the first chunk, the rest left a hole), and YARA
   * scans a map of it. */
  int memfd;
};

struct vs_walker {
  struct vs_walk_config cfg;
  pthread_mutex_t lock;
  pthread_cond_t not_empty, not_full, idle;
  struct job *queue[VS_QUEUE];
  size_t head, count;
  size_t pending;
  int quit;
  int failed;                   /* the store failed: stop everything */
  int lost;                     /* the appliance died: stop everything */
  struct worker *workers;
  unsigned nworkers;
  uint64_t entries, files, bytes, yara_skipped, queued;
  uint64_t deleted, deleted_read;
};

/* The guest path of a child: prefix joined with name. */
static void
path_join (struct vs_buf *out, const char *prefix, size_t plen,
              const char *name, size_t nlen)
{
  vs_buf_setlen (out, 0);
  vs_buf_add (out, prefix, plen);
  if (out->len == 0 || out->data[out->len - 1] != '/')
    vs_buf_addc (out, '/');
  vs_buf_add (out, name, nlen);
}

static void
entry_from_stat (struct vs_entry *e, const struct vs_fs *fs,
                 const char *path, size_t path_len, const struct stat *st)
{
  memset (e, 0, sizeof *e);
  e->fs_id = fs->id;
  e->path = path;
  e->path_len = path_len;
  e->type = vs_ftype_from_mode (st->st_mode);
  e->size = (uint64_t) st->st_size;
  e->mode = st->st_mode;
  e->uid = st->st_uid;
  e->gid = st->st_gid;
  e->atime = st->st_atim;
  e->mtime = st->st_mtim;
  e->ctime = st->st_ctim;
  e->inode = st->st_ino;
  e->nlink = st->st_nlink;
  e->yara_scanned = -1;
}

static void
count (struct vs_walker *w, uint64_t *counter, uint64_t n)
{
  __atomic_add_fetch (counter, n, __ATOMIC_RELAXED);
}

/* Records an error row and warns.  Returns -1 only if the store failed. */
static int
record_error (struct vs_walker *w, const char *stage, const struct vs_fs *fs,
              const char *path, size_t path_len, const char *msg)
{
  CLEANUP_FREE char *shown = path ? vs_printable (path, path_len) : NULL;

  vs_warn ("%s%s%s", shown ? shown : "", shown ? ": " : "", msg);
  if (vs_store_add_error (w->cfg.store, stage, fs ? fs->id : 0, path,
                          path_len, msg) == -1) {
    w->failed = 1;
    return -1;
  }
  return 0;
}

static int
store_entry (struct vs_walker *w, const struct vs_entry *e,
             const struct vs_match_list *m)
{
  if (vs_store_add_file (w->cfg.store, e, m) == -1) {
    w->failed = 1;
    return -1;
  }
  if (e->deleted) {
    count (w, &w->deleted, 1);
    if (e->has_hashes)
      count (w, &w->deleted_read, 1);
  }
  else
    count (w, &w->entries, 1);
  return 0;
}

static int
stopping (struct vs_walker *w)
{
  return w->failed || w->lost || (w->cfg.stop && *w->cfg.stop)
    || vs_stopping ();
}

/* Bytes of buf that lie in VS_ZERO_BLOCK blocks of nothing but zeros. */
static size_t
zero_bytes (const unsigned char *buf, size_t n)
{
  size_t off, zeros = 0;

  for (off = 0; off < n; off += VS_ZERO_BLOCK) {
    size_t len = n - off < VS_ZERO_BLOCK ? n - off : VS_ZERO_BLOCK;

    if (buf[off] == 0 && memcmp (buf + off, buf + off + 1, len - 1) == 0)
      zeros += len;
  }
  return zeros;
}

/* After any error: if the appliance is gone, stop the walk rather than
 * record every remaining file as unreadable.  (A dead appliance shows up
 * as EIO, ENOTCONN or, through libguestfs's error mapping, EINVAL: the
 * errno says little, the process table says it all.) */
static void
check_alive (struct vs_walker *w)
{
  if (w->cfg.alive && !w->cfg.alive (w->cfg.alive_opaque))
    w->lost = 1;
}

int
vs_walker_lost (struct vs_walker *w)
{
  return w->lost;
}

/* The YARA external variables for a file (core/rules.h): the name parts
 * from its guest path, the type from the bytes YARA scans, the md5
 * computed in the same pass, the owner's account name. */
static void
rules_context (const struct job *j, const void *data, size_t len,
               const char *md5, struct vs_rules_context *ctx,
               struct vs_rules_names *names, char owner[16])
{
  const char *name;

  vs_rules_names (j->path, j->path_len, names, ctx);
  ctx->filetype = vs_rules_filetype (data, len);
  ctx->md5 = md5;
  name = vs_accounts_name (j->accounts, j->st.st_uid);
  if (!name) {
    snprintf (owner, 16, "%u", (unsigned) j->st.st_uid);
    name = owner;
  }
  ctx->owner = name;
}

/* VS_WALK_MEM_WHOLE (walk.h): a source's file is kept whole for
 * libmagic, whose ELF reader looks at headers anywhere in the file. */
#define VS_MEM_WHOLE VS_WALK_MEM_WHOLE

/* What a source's job fails with once its child is gone: the walk of
 * that filesystem ends (vs_walker_walk_source says why), its files are
 * not recorded as unreadable one by one. */
static int
source_lost (struct vs_walker *w, const struct job *j)
{
  (void) w;
  return j->src && vs_source_error (j->src) != NULL;
}

/* Opens the job's file and checks it is the one the walk saw; *st is
 * its stat.  Returns the fd (-2 for a source's file, which has none),
 * or -1 after recording why. */
static int
open_job (struct worker *wk, struct job *j, struct stat *st,
          struct vs_entry *e)
{
  struct vs_walker *w = wk->w;
  int fd;

  if (j->src) {
    if (vs_source_stat (j->src, j->node, st) == -1) {
      CLEANUP_FREE char *m = vs_xasprintf ("cannot stat: %s",
                                           strerror (errno));
      if (source_lost (w, j))
        return -1;
      record_error (w, "read", j->fs, j->path, j->path_len, m);
      store_entry (w, e, NULL);
      return -1;
    }
    if (!S_ISREG (st->st_mode)) {
      record_error (w, "read", j->fs, j->path, j->path_len,
                    "changed between listing and opening; not read");
      store_entry (w, e, NULL);
      return -1;
    }
    if (ftruncate (wk->memfd, 0) == -1) {
      CLEANUP_FREE char *m = vs_xasprintf ("memory file: %s",
                                           strerror (errno));
      record_error (w, "read", j->fs, j->path, j->path_len, m);
      store_entry (w, e, NULL);
      return -1;
    }
    return -2;
  }
  fd = openat (j->dirfd, j->name,
               O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd == -1) {
    CLEANUP_FREE char *m = vs_xasprintf ("cannot open: %s",
                                         strerror (errno));
    check_alive (w);
    if (w->lost)
      return -1;
    record_error (w, "read", j->fs, j->path, j->path_len, m);
    store_entry (w, e, NULL);
    return -1;
  }
  if (fstat (fd, st) == -1 || !S_ISREG (st->st_mode)
      || st->st_ino != j->st.st_ino) {
    record_error (w, "read", j->fs, j->path, j->path_len,
                  "changed between listing and opening; not read");
    close (fd);
    store_entry (w, e, NULL);
    return -1;
  }
  return fd;
}

/* Reads the chunk at off: from fd, or from the job's source.  Returns
 * the bytes read (0 at the end) or -1 with errno. */
static ssize_t
read_chunk (struct worker *wk, const struct job *j, int fd, uint64_t off)
{
  size_t got = 0;

  if (fd >= 0)
    return pread (fd, wk->chunk, VS_CHUNK, (off_t) off);
  if (vs_source_read (j->src, j->node, off, wk->chunk, VS_CHUNK, &got) == -1)
    return -1;
  return (ssize_t) got;
}

/* Writes a source's chunk into the memory file when it is to be kept. */
static void
keep_chunk (struct worker *wk, uint64_t off, size_t n, uint64_t mem_max)
{
  size_t done = 0;

  if (off > mem_max || (off > 0 && off + n > mem_max))
    return;
  while (done < n) {
    ssize_t r = pwrite (wk->memfd, wk->chunk + done, n - done,
                        (off_t) (off + done));

    if (r <= 0)
      return;                   /* libmagic then sees zeros there */
    done += (size_t) r;
  }
}

static void
process (struct worker *wk, struct job *j)
{
  struct vs_walker *w = wk->w;
  struct vs_entry e;
  struct vs_match_list matches = { NULL, 0, 0 };
  struct vs_hash h;
  struct stat st;
  CLEANUP_FREE char *magic = NULL;
  CLEANUP_FREE char *mime = NULL;
  CLEANUP_FREE char *caps = NULL;
  char *err = NULL;
  uint64_t off = 0, zeros = 0, mem_max = 0;
  uint64_t fs_size;
  int fd, want_yara, read_ok = 1, count_zeros, over_sparse, over_fs;
  size_t whole_len = 0, nchunks = 0;
  void *map = NULL;

  entry_from_stat (&e, j->fs, j->path, j->path_len, &j->st);
  e.yara_scanned = 0;
  e.deleted = j->deleted;
  e.has_btime = j->has_btime;
  e.btime = j->btime;
  if (w->cfg.sparse_limit && (uint64_t) j->st.st_size > w->cfg.sparse_limit
      && (uint64_t) j->st.st_blocks * 512 < (uint64_t) j->st.st_size / 2) {
    CLEANUP_FREE char *m =
      vs_xasprintf ("not read: a sparse file of %llu bytes with %llu "
                    "allocated, over the --sparse-limit of %llu bytes",
                    (unsigned long long) j->st.st_size,
                    (unsigned long long) j->st.st_blocks * 512,
                    (unsigned long long) w->cfg.sparse_limit);

    record_error (w, "read", j->fs, j->path, j->path_len, m);
    store_entry (w, &e, NULL);
    count (w, &w->files, 1);
    __atomic_add_fetch (&j->fs->files, 1, __ATOMIC_RELAXED);
    return;
  }
  fd = open_job (wk, j, &st, &e);
  if (fd == -1)
    return;

  want_yara = wk->scanner != NULL
    && (uint64_t) st.st_size <= w->cfg.yara_max_size;
  if (j->src) {
    mem_max = VS_MEM_WHOLE;
    if (wk->scanner && w->cfg.yara_max_size > mem_max)
      mem_max = w->cfg.yara_max_size;
  }
  over_sparse = w->cfg.sparse_limit
    && (uint64_t) st.st_size > w->cfg.sparse_limit;
  fs_size = j->fs->size > 0 ? (uint64_t) j->fs->size : 0;
  over_fs = fs_size && (uint64_t) st.st_size > fs_size;
  count_zeros = over_sparse || over_fs;
  vs_hash_init (&h);
  for (;;) {
    ssize_t n;

    if (vs_tick ()) {
      read_ok = 0;
      break;
    }
    /* A source's file has the size its inode gives and the child reads
     * no further: the call that would only say "end of file" is not
     * made.  (An fd is read until it says so: through FUSE a short read
     * is how an error part way often looks.) */
    if (j->src && off >= (uint64_t) st.st_size)
      break;
    n = read_chunk (wk, j, fd, off);
    if (n == -1 && errno == EINTR)
      continue;
    if (n == -1) {
      CLEANUP_FREE char *m = vs_xasprintf ("read error at offset %llu: %s",
                                           (unsigned long long) off,
                                           strerror (errno));
      if (fd >= 0)
        check_alive (w);
      if (w->lost || source_lost (w, j)) {
        vs_hash_discard (&h);
        if (fd >= 0)
          close (fd);
        return;
      }
      record_error (w, "read", j->fs, j->path, j->path_len, m);
      read_ok = 0;
      break;
    }
    if (n == 0)
      break;
    if (count_zeros) {
      uint64_t upto = off + (uint64_t) n;
      CLEANUP_FREE char *why = NULL;

      zeros += zero_bytes (wk->chunk, (size_t) n);
      if (over_fs && upto - zeros > fs_size)
        why = vs_xasprintf ("not read past %llu of its %llu bytes: %llu "
                            "bytes of data read, more than its filesystem "
                            "holds (%llu bytes), so its blocks are shared "
                            "(crafted overlapping extents); not hashed",
                            (unsigned long long) upto,
                            (unsigned long long) st.st_size,
                            (unsigned long long) (upto - zeros),
                            (unsigned long long) fs_size);
      else if (over_sparse && zeros > w->cfg.sparse_limit)
        why = vs_xasprintf ("not read past %llu of its %llu bytes: %llu "
                            "bytes of zeros read, over the --sparse-limit "
                            "of %llu bytes (its block count says %llu "
                            "allocated); not hashed",
                            (unsigned long long) upto,
                            (unsigned long long) st.st_size,
                            (unsigned long long) zeros,
                            (unsigned long long) w->cfg.sparse_limit,
                            (unsigned long long) st.st_blocks * 512);
      if (why) {
        count (w, &w->bytes, (uint64_t) n);
        __atomic_add_fetch (&j->fs->bytes, (uint64_t) n, __ATOMIC_RELAXED);
        record_error (w, "read", j->fs, j->path, j->path_len, why);
        read_ok = 0;
        break;
      }
    }
    vs_hash_update (&h, wk->chunk, (size_t) n);
    if (j->src && (off == 0 || (uint64_t) st.st_size <= mem_max))
      keep_chunk (wk, off, (size_t) n, mem_max);
    else if (want_yara) {
      if (whole_len + (size_t) n > w->cfg.yara_max_size)
        want_yara = 0;          /* grew while we read it */
      else {
        if (whole_len + (size_t) n > wk->whole_alloc) {
          size_t want = whole_len + (size_t) n;

          if (want < (size_t) st.st_size)
            want = (size_t) st.st_size;
          wk->whole = vs_xrealloc (wk->whole, want);
          wk->whole_alloc = want;
        }
        memcpy (wk->whole + whole_len, wk->chunk, (size_t) n);
        whole_len += (size_t) n;
      }
    }
    off += (uint64_t) n;
    nchunks++;
    count (w, &w->bytes, (uint64_t) n);
    if (!j->deleted)
      __atomic_add_fetch (&j->fs->bytes, (uint64_t) n, __ATOMIC_RELAXED);
    if (stopping (w)) {
      read_ok = 0;
      break;
    }
  }
  if (j->src) {
    /* The memory file has the file's size (what is not kept, a hole),
     * its permission bits (libmagic shows setuid and the like) and, up
     * to mem_max, its bytes. */
    if (ftruncate (wk->memfd, st.st_size) == -1
        || fchmod (wk->memfd, st.st_mode & 07777) == -1)
      vs_debug ("memory file: %s", strerror (errno));
    if (want_yara && off > w->cfg.yara_max_size)
      want_yara = 0;
    if (want_yara && nchunks == 1)
      whole_len = (size_t) off;   /* one chunk: wk->chunk holds it all */
    else if (want_yara && off > 0) {
      map = mmap (NULL, (size_t) off, PROT_READ, MAP_SHARED, wk->memfd, 0);
      if (map == MAP_FAILED)
        map = NULL;
      else
        whole_len = (size_t) off;
    }
  }

  /* libmagic last: its reads (the head, and an ELF file's headers at
   * scattered offsets) now come from the page cache, not the
   * appliance. */
  if (vs_classify_fd (wk->magic, fd >= 0 ? fd : wk->memfd, &st, &magic,
                      &mime, &err) == -1) {
    if (fd >= 0)
      check_alive (w);
    if (w->lost) {
      vs_hash_discard (&h);
      free (err);
      if (fd >= 0)
        close (fd);
      if (map)
        munmap (map, whole_len);
      return;
    }
    record_error (w, "magic", j->fs, j->path, j->path_len, err);
    free (err);
    err = NULL;
  }
  e.magic = magic;
  e.mime = mime;
  {
    unsigned char cap[64];
    ssize_t cn = -1;
    size_t got = 0;

    if (fd >= 0)
      cn = fgetxattr (fd, "security.capability", cap, sizeof cap);
    else if (vs_source_getxattr (j->src, j->node, "security.capability",
                                 cap, sizeof cap, &got) == 0)
      cn = (ssize_t) got;
    if (cn > 0) {
      caps = vs_caps_format (cap, (size_t) cn);
      e.capabilities = caps;
    }
  }

  if (fd >= 0)
    close (fd);

  /* The image is mounted read-only, so a file cannot shrink or grow
   * while it is read: fewer bytes than its size means the rest could not
   * be read.  (Through FUSE an I/O error part way often arrives as a
   * short read, which the kernel takes for the end of the file, not as
   * an error.)  A hash of part of a file would pass for the file's. */
  if (read_ok && off != (uint64_t) st.st_size) {
    CLEANUP_FREE char *m =
      vs_xasprintf ("read %llu of its %llu bytes; the rest could not be "
                    "read (I/O error or damage in the image); not hashed",
                    (unsigned long long) off,
                    (unsigned long long) st.st_size);

    if (fd >= 0)
      check_alive (w);
    if (w->lost || source_lost (w, j)) {
      vs_hash_discard (&h);
      if (map)
        munmap (map, whole_len);
      return;
    }
    record_error (w, "read", j->fs, j->path, j->path_len, m);
    read_ok = 0;
  }
  if (read_ok) {
    e.has_hashes = 1;
    vs_hash_final (&h, e.md5, e.sha1, e.sha256);
  }
  else
    vs_hash_discard (&h);
  if (read_ok && want_yara) {
    struct vs_rules_context ctx;
    struct vs_rules_names names;
    char owner[16];
    const unsigned char *data = map ? map
      : (j->src && nchunks == 1) || !whole_len ? wk->chunk : wk->whole;

    rules_context (j, data, whole_len, e.has_hashes ? e.md5 : "", &ctx,
                   &names, owner);
    if (vs_rules_scan (wk->scanner, data, whole_len, &ctx, &matches,
                       &err) == -1) {
      record_error (w, "yara", j->fs, j->path, j->path_len, err);
      free (err);
    }
    else
      e.yara_scanned = 1;
  }
  else if (wk->scanner && read_ok)
    count (w, &w->yara_skipped, 1);
  if (map)
    munmap (map, whole_len);

  /* Do not keep a huge buffer around after a huge file. */
  if (wk->whole_alloc > 4 * VS_CHUNK) {
    free (wk->whole);
    wk->whole = NULL;
    wk->whole_alloc = 0;
  }
  if (j->src && (uint64_t) st.st_size > 4 * VS_CHUNK
      && ftruncate (wk->memfd, 0) == -1)
    vs_debug ("memory file: %s", strerror (errno));
  store_entry (w, &e, &matches);
  vs_match_list_clear (&matches);
  if (j->deleted)
    return;
  count (w, &w->files, 1);
  __atomic_add_fetch (&j->fs->files, 1, __ATOMIC_RELAXED);
}

static void
job_free (struct job *j)
{
  if (!j)
    return;
  if (j->dirfd >= 0)
    close (j->dirfd);
  free (j->name);
  free (j->path);
  free (j);
}

static void *
worker_main (void *opaque)
{
  struct worker *wk = opaque;
  struct vs_walker *w = wk->w;
  sigset_t set;

  /* Signals are the main thread's business. */
  sigemptyset (&set);
  sigaddset (&set, SIGINT);
  sigaddset (&set, SIGTERM);
  sigaddset (&set, SIGHUP);
  pthread_sigmask (SIG_BLOCK, &set, NULL);

  for (;;) {
    struct job *j;

    pthread_mutex_lock (&w->lock);
    while (w->count == 0 && !w->quit)
      pthread_cond_wait (&w->not_empty, &w->lock);
    if (w->count == 0 && w->quit) {
      pthread_mutex_unlock (&w->lock);
      return NULL;
    }
    j = w->queue[w->head];
    w->head = (w->head + 1) % VS_QUEUE;
    w->count--;
    pthread_cond_signal (&w->not_full);
    pthread_mutex_unlock (&w->lock);

    if (!stopping (w))
      process (wk, j);
    job_free (j);

    pthread_mutex_lock (&w->lock);
    if (--w->pending == 0)
      pthread_cond_broadcast (&w->idle);
    pthread_mutex_unlock (&w->lock);
  }
}

int
vs_walker_new (const struct vs_walk_config *cfg, struct vs_walker **out,
               char **errmsg)
{
  struct vs_walker *w = vs_xcalloc (1, sizeof *w);
  unsigned i;

  w->cfg = *cfg;
  if (w->cfg.jobs < 1)
    w->cfg.jobs = 1;
  pthread_mutex_init (&w->lock, NULL);
  pthread_cond_init (&w->not_empty, NULL);
  pthread_cond_init (&w->not_full, NULL);
  pthread_cond_init (&w->idle, NULL);
  w->workers = vs_xcalloc (w->cfg.jobs, sizeof *w->workers);
  for (i = 0; i < w->cfg.jobs; i++)
    w->workers[i].memfd = -1;
  for (i = 0; i < w->cfg.jobs; i++) {
    struct worker *wk = &w->workers[i];

    wk->w = w;
    wk->chunk = vs_xmalloc (VS_CHUNK);
    wk->memfd = memfd_create ("vmscan-file", MFD_CLOEXEC);
    if (wk->memfd == -1) {
      *errmsg = vs_xasprintf ("memfd_create: %s", strerror (errno));
      goto err;
    }
    if (vs_classifier_new (&wk->magic, errmsg) == -1)
      goto err;
    if (cfg->rules && vs_rules_scanner_new (cfg->rules, VS_YARA_TIMEOUT,
                                            &wk->scanner, errmsg) == -1)
      goto err;
  }
  for (i = 0; i < w->cfg.jobs; i++) {
    if (pthread_create (&w->workers[i].thread, NULL, worker_main,
                        &w->workers[i]) != 0) {
      *errmsg = vs_xstrdup ("cannot start worker threads");
      goto err;
    }
    w->nworkers++;
  }
  *out = w;
  return 0;

 err:
  vs_walker_free (w);
  return -1;
}

static int
enqueue (struct vs_walker *w, struct job *j)
{
  pthread_mutex_lock (&w->lock);
  while (w->count == VS_QUEUE && !stopping (w))
    pthread_cond_wait (&w->not_full, &w->lock);
  if (stopping (w)) {
    pthread_mutex_unlock (&w->lock);
    job_free (j);
    return -1;
  }
  w->queue[(w->head + w->count) % VS_QUEUE] = j;
  w->count++;
  w->pending++;
  pthread_cond_signal (&w->not_empty);
  pthread_mutex_unlock (&w->lock);
  count (w, &w->queued, 1);
  return 0;
}

/* Reads a symlink's target whole (up to VS_MAX_LINK bytes).  hint is
 * the link's size as the guest states it: used for the first buffer
 * only when it is under the cap. */
static char *
read_link (int dirfd, const char *name, uint64_t hint, size_t *len)
{
  size_t size = hint >= VS_MAX_LINK ? VS_LINK_GUESS
    : hint + 1 < 256 ? 256 : (size_t) hint + 1;

  for (;;) {
    char *buf = vs_xmalloc (size);
    ssize_t n = readlinkat (dirfd, name, buf, size);

    if (n == -1) {
      free (buf);
      return NULL;
    }
    if ((size_t) n < size) {
      *len = (size_t) n;
      return buf;
    }
    free (buf);
    if (size >= VS_MAX_LINK) {
      errno = ENAMETOOLONG;
      return NULL;
    }
    size = 2 * size > VS_MAX_LINK ? VS_MAX_LINK : 2 * size;
  }
}

struct name {
  char *s;
  size_t len;
  uint64_t ino;                 /* a source's listing only */
};

static int
cmp_name (const void *a, const void *b)
{
  const struct name *x = a, *y = b;
  size_t n = x->len < y->len ? x->len : y->len;
  int c = memcmp (x->s, y->s, n);

  if (c)
    return c;
  return x->len < y->len ? -1 : x->len > y->len;
}

/* A directory being listed, batch by batch. */
struct dir_list {
  DIR *d;
  uint64_t seen;                /* names returned so far */
  int done;                     /* the end was reached, or an error */
  int error;                    /* errno of the readdir that failed, or 0 */
};

static int
dir_open (int dirfd, struct dir_list *l)
{
  int fd = dup (dirfd);

  memset (l, 0, sizeof *l);
  if (fd == -1)
    return -1;
  l->d = fdopendir (fd);
  if (!l->d) {
    close (fd);
    return -1;
  }
  rewinddir (l->d);
  return 0;
}

static void
dir_close (struct dir_list *l)
{
  if (l->d)
    closedir (l->d);
  l->d = NULL;
}

/* Reads the next VS_DIR_BATCH names at most, sorted, into *out (caller
 * frees).  A readdir that fails ends the listing with l->error set; the
 * names read before it are returned all the same. */
static void
dir_batch (struct dir_list *l, struct name **out, size_t *n)
{
  struct dirent *de;
  struct name *v = NULL;
  size_t count = 0, alloc = 0;

  while (count < VS_DIR_BATCH) {
    if (vs_tick ()) {
      l->error = ECANCELED;
      break;
    }
    errno = 0;
    de = readdir (l->d);
    if (!de) {
      l->error = errno;
      break;
    }
    if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
      continue;
    if (count == alloc) {
      alloc = alloc ? alloc * 2 : 32;
      v = vs_xrealloc (v, alloc * sizeof *v);
    }
    v[count].len = strlen (de->d_name);
    v[count].s = vs_xmemdup (de->d_name, v[count].len + 1);
    count++;
  }
  if (count < VS_DIR_BATCH)
    l->done = 1;
  if (count)
    qsort (v, count, sizeof *v, cmp_name);
  l->seen += count;
  *out = v;
  *n = count;
}

struct walk_ctx {
  struct vs_walker *w;
  struct vs_fs *fs;
  const struct vs_accounts *accounts;
};

/* What a directory's listing showed, to compare with its link count. */
struct dir_count {
  uint64_t subdirs;             /* entries that are directories */
  uint64_t unknown;             /* entries that could not be stat()ed */
};

static int walk_dir (struct walk_ctx *c, int dirfd, const char *path,
                     size_t path_len, unsigned depth, nlink_t nlink);

/* A directory's link count is 2 plus its subdirectories on the
 * filesystems that keep it so (ext2-4, XFS, FAT; btrfs and NTFS say 1).
 * The appliance ends a listing without a word at a name the kernel
 * will not list (one holding '/'), hiding every entry after it, and the
 * host's readers leave such a name out: fewer subdirectories than the
 * count says is the trace that is left.  Called after a listing that
 * did not fail; returns -1 only if the store failed. */
static int
check_link_count (struct vs_walker *w, const struct vs_fs *fs,
                  const char *path, size_t path_len, nlink_t nlink,
                  const struct dir_count *dc)
{
  CLEANUP_FREE char *m = NULL;

  if (nlink <= 2 || dc->subdirs + dc->unknown >= (uint64_t) nlink - 2)
    return 0;
  m = vs_xasprintf ("its link count says %llu subdirectories, its listing "
                    "shows %llu: entries are missing from the listing (a "
                    "name that cannot be listed, or damage)",
                    (unsigned long long) nlink - 2,
                    (unsigned long long) (dc->subdirs + dc->unknown));
  return record_error (w, "walk", fs, path, path_len, m);
}

/* Handles one name in a directory.  Returns -1 only to stop the walk. */
static int
visit (struct walk_ctx *c, int dirfd, const char *name, size_t name_len,
       const char *path, size_t path_len, unsigned depth,
       struct dir_count *dc)
{
  struct vs_walker *w = c->w;
  struct stat st;
  struct vs_entry e;
  CLEANUP_FREE char *target = NULL;
  size_t target_len = 0;
  int subfd, r;

  if (fstatat (dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == -1) {
    CLEANUP_FREE char *m = vs_xasprintf ("cannot stat: %s",
                                         strerror (errno));
    check_alive (w);
    if (w->lost)
      return -1;
    dc->unknown++;
    return record_error (w, "walk", c->fs, path, path_len, m);
  }
  if (S_ISDIR (st.st_mode))
    dc->subdirs++;
  if (S_ISREG (st.st_mode)) {
    struct job *j = vs_xcalloc (1, sizeof *j);

    j->fs = c->fs;
    j->accounts = c->accounts;
    j->dirfd = fcntl (dirfd, F_DUPFD_CLOEXEC, 0);
    j->name = vs_xmemdup (name, name_len + 1);
    j->name_len = name_len;
    j->path = vs_xmemdup (path, path_len + 1);
    j->path_len = path_len;
    j->st = st;
    if (j->dirfd == -1) {
      CLEANUP_FREE char *m = vs_xasprintf ("cannot open: %s",
                                           strerror (errno));

      job_free (j);
      entry_from_stat (&e, c->fs, path, path_len, &st);
      e.yara_scanned = 0;
      if (record_error (w, "read", c->fs, path, path_len, m) == -1)
        return -1;
      return store_entry (w, &e, NULL);
    }
    return enqueue (w, j);
  }

  entry_from_stat (&e, c->fs, path, path_len, &st);
  if (S_ISLNK (st.st_mode)) {
    target = read_link (dirfd, name, (uint64_t) st.st_size, &target_len);
    if (!target) {
      CLEANUP_FREE char *m = vs_xasprintf ("cannot read link: %s",
                                           strerror (errno));
      if (record_error (w, "walk", c->fs, path, path_len, m) == -1)
        return -1;
    }
    else if ((uint64_t) st.st_size != target_len) {
      CLEANUP_FREE char *m =
        vs_xasprintf ("symlink size says %llu bytes, its target has %zu "
                      "(damaged or crafted inode)",
                      (unsigned long long) st.st_size, target_len);

      if (record_error (w, "walk", c->fs, path, path_len, m) == -1)
        return -1;
    }
    e.link_target = target;
    e.link_len = target_len;
  }
  if (store_entry (w, &e, NULL) == -1)
    return -1;
  if (!S_ISDIR (st.st_mode))
    return 0;

  if (depth >= VS_MAX_DEPTH)
    return record_error (w, "walk", c->fs, path, path_len,
                         "directories nested too deep; not descended");
  subfd = openat (dirfd, name,
                  O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (subfd == -1) {
    CLEANUP_FREE char *m = vs_xasprintf ("cannot open directory: %s",
                                         strerror (errno));
    return record_error (w, "walk", c->fs, path, path_len, m);
  }
  r = walk_dir (c, subfd, path, path_len, depth + 1, st.st_nlink);
  close (subfd);
  return r;
}

static int
walk_dir (struct walk_ctx *c, int dirfd, const char *path, size_t path_len,
          unsigned depth, nlink_t nlink)
{
  struct dir_count dc = { 0, 0 };
  struct dir_list l;
  struct name *names = NULL;
  size_t n = 0, i;
  struct vs_buf child = VS_BUF_INIT;
  int r = 0;

  if (dir_open (dirfd, &l) == -1) {
    CLEANUP_FREE char *m = vs_xasprintf ("cannot list directory: %s",
                                         strerror (errno));
    check_alive (c->w);
    if (c->w->lost)
      return -1;
    return record_error (c->w, "walk", c->fs, path, path_len, m);
  }
  while (r == 0 && !l.done) {
    dir_batch (&l, &names, &n);
    /* Hold no listing open while walking below when it is complete (the
     * usual case): one fd per level of depth, not two. */
    if (l.done)
      dir_close (&l);
    if (l.error == ECANCELED)
      r = -1;
    else if (l.error) {
      /* What was read is walked; what the failure hides is said. */
      CLEANUP_FREE char *m =
        l.seen ? vs_xasprintf ("cannot list directory past its first %llu "
                               "entries: %s; the rest not recorded",
                               (unsigned long long) l.seen,
                               strerror (l.error))
        : vs_xasprintf ("cannot list directory: %s", strerror (l.error));

      check_alive (c->w);
      r = c->w->lost ? -1
        : record_error (c->w, "walk", c->fs, path, path_len, m);
    }
    for (i = 0; i < n; i++) {
      if (r == 0 && (vs_tick () || stopping (c->w)))
        r = -1;
      if (r == 0) {
        path_join (&child, path, path_len, names[i].s, names[i].len);
        r = visit (c, dirfd, names[i].s, names[i].len, child.data,
                   child.len, depth, &dc);
      }
      free (names[i].s);
    }
    free (names);
  }
  dir_close (&l);
  vs_buf_release (&child);

  if (r == 0 && !l.error)
    r = check_link_count (c->w, c->fs, path, path_len, nlink, &dc);
  return r;
}

int
vs_walker_walk (struct vs_walker *w, struct vs_fs *fs, const char *host_dir,
                const struct vs_accounts *accounts)
{
  struct walk_ctx c = { w, fs, accounts };
  const char *prefix = fs->os_mountpoint ? fs->os_mountpoint : "/";
  struct stat st;
  struct vs_entry e;
  int rootfd, r;

  fs->files = fs->bytes = 0;
  rootfd = open (host_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (rootfd == -1 || fstat (rootfd, &st) == -1) {
    CLEANUP_FREE char *m = vs_xasprintf ("cannot open the filesystem's "
                                         "root: %s", strerror (errno));
    if (rootfd != -1)
      close (rootfd);
    fs->status = VS_FS_ERROR;
    free (fs->note);
    fs->note = vs_xstrdup (m);
    return record_error (w, "walk", fs, NULL, 0, m);
  }
  entry_from_stat (&e, fs, prefix, strlen (prefix), &st);
  r = store_entry (w, &e, NULL);
  if (r == 0)
    r = walk_dir (&c, rootfd, prefix, strlen (prefix), 1, st.st_nlink);
  close (rootfd);

  /* Wait for this filesystem's files to be done. */
  pthread_mutex_lock (&w->lock);
  while (w->pending > 0)
    pthread_cond_wait (&w->idle, &w->lock);
  pthread_mutex_unlock (&w->lock);

  if (w->failed || w->lost)
    return -1;
  if (r == -1 || stopping (w))
    return -1;
  fs->status = VS_FS_SCANNED;
  return 0;
}

/* ---- The same walk over a source (core/source.h). ---- */

struct src_list {
  struct name *v;
  size_t n, alloc;
};

static int
src_collect (void *opaque, const char *name, size_t len, uint64_t ino)
{
  struct src_list *l = opaque;

  if (vs_tick ())
    return 1;
  if (l->n == l->alloc) {
    l->alloc = l->alloc ? 2 * l->alloc : 32;
    l->v = vs_xrealloc (l->v, l->alloc * sizeof *l->v);
  }
  l->v[l->n].s = vs_xstrndup (name, len);
  l->v[l->n].len = len;
  l->v[l->n].ino = ino;
  l->n++;
  return 0;
}

/* A set of inode numbers (open addressing, 0 for empty, as no file has
 * inode 0). */
struct ino_set {
  uint64_t *v;
  size_t n, alloc;
};

/* Adds ino to the set; 0 if it was there already. */
static int
ino_add (struct ino_set *set, uint64_t ino)
{
  size_t i, mask;

  if (ino == 0)
    return 1;
  if (2 * (set->n + 1) > set->alloc) {
    size_t n = set->alloc ? 2 * set->alloc : 1024, k;
    uint64_t *v = vs_xcalloc (n, sizeof *v);

    for (k = 0; k < set->alloc; k++)
      if (set->v[k]) {
        for (i = (size_t) (set->v[k] * 0x9e3779b97f4a7c15ULL) & (n - 1);
             v[i]; i = (i + 1) & (n - 1))
          ;
        v[i] = set->v[k];
      }
    free (set->v);
    set->v = v;
    set->alloc = n;
  }
  mask = set->alloc - 1;
  for (i = (size_t) (ino * 0x9e3779b97f4a7c15ULL) & mask; set->v[i];
       i = (i + 1) & mask)
    if (set->v[i] == ino)
      return 0;
  set->v[i] = ino;
  set->n++;
  return 1;
}

static int
ino_has (const struct ino_set *set, uint64_t ino)
{
  size_t i, mask;

  if (ino == 0 || set->alloc == 0)
    return 0;
  mask = set->alloc - 1;
  for (i = (size_t) (ino * 0x9e3779b97f4a7c15ULL) & mask; set->v[i];
       i = (i + 1) & mask)
    if (set->v[i] == ino)
      return 1;
  return 0;
}

struct src_walk {
  struct walk_ctx c;
  struct vs_source *src;
  /* The directories entered so far: a crafted filesystem can give a
   * directory a second name, even inside itself.  A kernel lets a
   * directory have one name only; so does this walk. */
  struct ino_set dirs;
  /* --deleted: the inodes deleted names point at (not orphans). */
  struct ino_set named;
  const char *prefix;
};

static int
dir_enter (struct src_walk *sw, uint64_t ino)
{
  return ino_add (&sw->dirs, ino);
}

static int walk_src_dir (struct src_walk *sw, uint64_t dir, const char *path,
                         size_t path_len, unsigned depth, nlink_t nlink);

/* The source is gone: the walk of its filesystem ends here. */
static int
src_gone (struct src_walk *sw)
{
  return vs_source_error (sw->src) != NULL;
}

/* The job that reads the source's regular file nm at path. */
static struct job *
src_job (const struct src_walk *sw, const struct name *nm, const char *path,
         size_t path_len, const struct stat *st)
{
  struct job *j = vs_xcalloc (1, sizeof *j);

  j->fs = sw->c.fs;
  j->accounts = sw->c.accounts;
  j->src = sw->src;
  j->node = nm->ino;
  j->dirfd = -1;
  j->name = vs_xmemdup (nm->s, nm->len + 1);
  j->name_len = nm->len;
  j->path = vs_xmemdup (path, path_len + 1);
  j->path_len = path_len;
  j->st = *st;
  return j;
}

static int
visit_src (struct src_walk *sw, const struct name *nm, const char *path,
           size_t path_len, unsigned depth, struct dir_count *dc)
{
  struct vs_walker *w = sw->c.w;
  struct stat st;
  struct vs_entry e;
  char *target = NULL;
  size_t target_len = 0;
  int r;

  if (vs_source_stat (sw->src, nm->ino, &st) == -1) {
    CLEANUP_FREE char *m = vs_xasprintf ("cannot stat: %s",
                                         strerror (errno));
    if (src_gone (sw) || errno == ECANCELED)
      return -1;
    dc->unknown++;
    return record_error (w, "walk", sw->c.fs, path, path_len, m);
  }
  if (S_ISDIR (st.st_mode) && !dir_enter (sw, nm->ino)) {
    /* What the appliance's kernel does with a second name of a
     * directory (it fails the lookup): no row, an error. */
    CLEANUP_FREE char *m =
      vs_xasprintf ("a second name of directory inode %llu, which was "
                    "already walked (a directory hard link, which only a "
                    "crafted filesystem holds); not recorded or descended",
                    (unsigned long long) nm->ino);
    dc->unknown++;
    return record_error (w, "walk", sw->c.fs, path, path_len, m);
  }
  if (S_ISDIR (st.st_mode))
    dc->subdirs++;
  if (S_ISREG (st.st_mode))
    return enqueue (w, src_job (sw, nm, path, path_len, &st));

  entry_from_stat (&e, sw->c.fs, path, path_len, &st);
  if (S_ISLNK (st.st_mode)) {
    if (vs_source_readlink (sw->src, nm->ino, &target, &target_len) == -1) {
      CLEANUP_FREE char *m = vs_xasprintf ("cannot read link: %s",
                                           strerror (errno));
      target = NULL;
      if (src_gone (sw))
        return -1;
      if (record_error (w, "walk", sw->c.fs, path, path_len, m) == -1)
        return -1;
    }
    else if ((uint64_t) st.st_size != target_len) {
      CLEANUP_FREE char *m =
        vs_xasprintf ("symlink size says %llu bytes, its target has %zu "
                      "(damaged or crafted inode)",
                      (unsigned long long) st.st_size, target_len);

      if (record_error (w, "walk", sw->c.fs, path, path_len, m) == -1) {
        free (target);
        return -1;
      }
    }
    e.link_target = target;
    e.link_len = target_len;
  }
  r = store_entry (w, &e, NULL);
  free (target);
  if (r == -1 || !S_ISDIR (st.st_mode))
    return r;
  if (depth >= VS_MAX_DEPTH)
    return record_error (w, "walk", sw->c.fs, path, path_len,
                         "directories nested too deep; not descended");
  return walk_src_dir (sw, nm->ino, path, path_len, depth + 1, st.st_nlink);
}

/* --deleted: records the deleted entry nm (kind "entry", "name" or
 * "orphan") at path; a regular file whose blocks are all still free is
 * read, hashed, typed and scanned like a live one. */
static int
visit_deleted (struct src_walk *sw, const struct name *nm, const char *kind,
               const char *path, size_t path_len)
{
  struct vs_walker *w = sw->c.w;
  struct vs_hostfs_stat h;
  struct stat st;
  struct vs_entry e;
  char *target = NULL;
  size_t target_len = 0;
  int r;

  memset (&st, 0, sizeof st);
  if (nm->ino == 0 || vs_source_hstat (sw->src, nm->ino, &h) == -1
      || !h.deleted || vs_source_stat (sw->src, nm->ino, &st) == -1) {
    if (src_gone (sw) || (errno == ECANCELED && nm->ino))
      return -1;
    if (strcmp (kind, "orphan") == 0)
      return 0;                 /* in use again since it was listed */
    /* The name alone: its inode is gone, or holds another file now. */
    memset (&e, 0, sizeof e);
    e.fs_id = sw->c.fs->id;
    e.path = path;
    e.path_len = path_len;
    e.type = VS_FT_UNKNOWN;
    e.inode = nm->ino;
    e.yara_scanned = -1;
    e.deleted = "name";
    return store_entry (w, &e, NULL);
  }
  if (S_ISREG (st.st_mode) && h.content == VS_HOSTFS_CONTENT_INTACT) {
    struct job *j = src_job (sw, nm, path, path_len, &st);

    j->deleted = kind;
    j->has_btime = h.has_btime;
    j->btime = h.btime;
    return enqueue (w, j);
  }
  entry_from_stat (&e, sw->c.fs, path, path_len, &st);
  e.deleted = kind;
  e.has_btime = h.has_btime;
  e.btime = h.btime;
  if (S_ISLNK (st.st_mode)
      && vs_source_readlink (sw->src, nm->ino, &target, &target_len) == 0) {
    e.link_target = target;
    e.link_len = target_len;
  }
  else if (src_gone (sw))
    return -1;
  r = store_entry (w, &e, NULL);
  free (target);
  return r;
}

/* --deleted: the deleted entries of the directory dir at path.  Not
 * descended: a deleted directory's blocks may hold anything now. */
static int
walk_deleted (struct src_walk *sw, uint64_t dir, const char *path,
              size_t path_len)
{
  struct vs_walker *w = sw->c.w;
  struct src_list l = { NULL, 0, 0 };
  struct vs_buf child = VS_BUF_INIT;
  size_t i;
  int r = 0, lr;

  lr = vs_source_readdir_deleted (sw->src, dir, src_collect, &l);
  if (lr == 1 || (lr == -1 && errno == ECANCELED))
    r = -1;
  else if (lr == -1 && errno != ENOTSUP) {
    CLEANUP_FREE char *m =
      vs_xasprintf ("cannot list the directory's deleted entries: %s",
                    strerror (errno));

    r = src_gone (sw) ? -1
      : record_error (w, "walk", sw->c.fs, path, path_len, m);
  }
  if (l.n)
    qsort (l.v, l.n, sizeof *l.v, cmp_name);
  for (i = 0; i < l.n; i++) {
    if (r == 0 && (vs_tick () || stopping (w)))
      r = -1;
    if (r == 0) {
      ino_add (&sw->named, l.v[i].ino);
      path_join (&child, path, path_len, l.v[i].s, l.v[i].len);
      r = visit_deleted (sw, &l.v[i], "entry", child.data, child.len);
    }
    free (l.v[i].s);
  }
  free (l.v);
  vs_buf_release (&child);
  return r;
}

/* --deleted: the unallocated inodes no deleted name points at, under
 * PREFIX/$OrphanFiles (The Sleuth Kit's name for them), step by step. */
static int
walk_orphans (struct src_walk *sw)
{
  struct vs_walker *w = sw->c.w;
  struct vs_buf dir = VS_BUF_INIT, child = VS_BUF_INIT;
  uint64_t cursor = 0;
  int r = 0;

  path_join (&dir, sw->prefix, strlen (sw->prefix), "$OrphanFiles", 12);
  while (r == 0 && cursor != VS_HOSTFS_ORPHANS_DONE) {
    struct src_list l = { NULL, 0, 0 };
    size_t i;
    int lr;

    if (vs_tick () || stopping (w)) {
      r = -1;
      break;
    }
    lr = vs_source_orphans (sw->src, &cursor, src_collect, &l);
    if (lr == 1 || (lr == -1 && errno == ECANCELED))
      r = -1;
    else if (lr == -1) {
      CLEANUP_FREE char *m =
        vs_xasprintf ("cannot list the unallocated inodes: %s",
                      strerror (errno));

      if (errno != ENOTSUP)
        r = src_gone (sw) ? -1
          : record_error (w, "walk", sw->c.fs, NULL, 0, m);
      cursor = VS_HOSTFS_ORPHANS_DONE;
    }
    for (i = 0; i < l.n; i++) {
      if (r == 0 && (vs_tick () || stopping (w)))
        r = -1;
      if (r == 0 && !ino_has (&sw->named, l.v[i].ino)
          && !ino_has (&sw->dirs, l.v[i].ino)) {
        path_join (&child, dir.data, dir.len, l.v[i].s, l.v[i].len);
        r = visit_deleted (sw, &l.v[i], "orphan", child.data, child.len);
      }
      free (l.v[i].s);
    }
    free (l.v);
  }
  vs_buf_release (&dir);
  vs_buf_release (&child);
  return r;
}

static int
walk_src_dir (struct src_walk *sw, uint64_t dir, const char *path,
              size_t path_len, unsigned depth, nlink_t nlink)
{
  struct vs_walker *w = sw->c.w;
  struct dir_count dc = { 0, 0 };
  struct src_list l = { NULL, 0, 0 };
  struct vs_buf child = VS_BUF_INIT;
  size_t i;
  int r = 0, lr;

  lr = vs_source_readdir (sw->src, dir, src_collect, &l);
  if (lr == 1 || (lr == -1 && errno == ECANCELED))
    r = -1;
  else if (lr == -1) {
    CLEANUP_FREE char *m =
      l.n ? vs_xasprintf ("cannot list directory past its first %zu "
                          "entries: %s; the rest not recorded", l.n,
                          strerror (errno))
      : vs_xasprintf ("cannot list directory: %s", strerror (errno));

    r = src_gone (sw) ? -1
      : record_error (w, "walk", sw->c.fs, path, path_len, m);
  }
  if (l.n)
    qsort (l.v, l.n, sizeof *l.v, cmp_name);
  for (i = 0; i < l.n; i++) {
    if (r == 0 && (vs_tick () || stopping (w)))
      r = -1;
    if (r == 0) {
      path_join (&child, path, path_len, l.v[i].s, l.v[i].len);
      r = visit_src (sw, &l.v[i], child.data, child.len, depth, &dc);
    }
    free (l.v[i].s);
  }
  free (l.v);
  vs_buf_release (&child);
  if (r == 0 && lr == 0)
    r = check_link_count (w, sw->c.fs, path, path_len, nlink, &dc);
  if (r == 0 && w->cfg.deleted)
    r = walk_deleted (sw, dir, path, path_len);
  return r;
}

int
vs_walker_walk_source (struct vs_walker *w, struct vs_fs *fs,
                       struct vs_source *src,
                       const struct vs_accounts *accounts)
{
  const char *prefix = fs->os_mountpoint ? fs->os_mountpoint : "/";
  struct src_walk sw = { { w, fs, accounts }, src, { NULL, 0, 0 },
                         { NULL, 0, 0 }, prefix };
  struct stat st;
  struct vs_entry e;
  int r;

  fs->files = fs->bytes = 0;
  if (vs_source_stat (src, vs_source_root (src), &st) == -1) {
    CLEANUP_FREE char *m =
      src_gone (&sw) ? vs_xasprintf ("the host reader of this filesystem "
                                     "failed before its root was read (%s)",
                                     vs_source_error (src))
      : vs_xasprintf ("cannot read the filesystem's root: %s",
                      strerror (errno));
    fs->status = VS_FS_ERROR;
    free (fs->note);
    fs->note = vs_xstrdup (m);
    return record_error (w, "walk", fs, NULL, 0, m);
  }
  entry_from_stat (&e, fs, prefix, strlen (prefix), &st);
  r = store_entry (w, &e, NULL);
  dir_enter (&sw, vs_source_root (src));
  if (r == 0)
    r = walk_src_dir (&sw, vs_source_root (src), prefix, strlen (prefix), 1,
                      st.st_nlink);
  if (r == 0 && w->cfg.deleted && !src_gone (&sw))
    r = walk_orphans (&sw);
  free (sw.dirs.v);
  free (sw.named.v);

  pthread_mutex_lock (&w->lock);
  while (w->pending > 0)
    pthread_cond_wait (&w->idle, &w->lock);
  pthread_mutex_unlock (&w->lock);

  if (w->failed)
    return -1;
  if (src_gone (&sw)) {
    /* Said once, for the filesystem: the child's reason. */
    CLEANUP_FREE char *m =
      vs_xasprintf ("the host reader of this filesystem failed after %llu "
                    "files (%s); the walk of it is incomplete",
                    (unsigned long long) fs->files, vs_source_error (src));

    fs->status = VS_FS_ERROR;
    free (fs->note);
    fs->note = vs_xstrdup (m);
    return record_error (w, "walk", fs, NULL, 0, m);
  }
  if (r == -1 || stopping (w))
    return -1;
  fs->status = VS_FS_SCANNED;
  return 0;
}

void
vs_walker_forget (struct vs_walker *w, const struct vs_walk_progress *p)
{
  __atomic_sub_fetch (&w->entries, p->entries, __ATOMIC_RELAXED);
  __atomic_sub_fetch (&w->files, p->files, __ATOMIC_RELAXED);
  __atomic_sub_fetch (&w->bytes, p->bytes, __ATOMIC_RELAXED);
  __atomic_sub_fetch (&w->yara_skipped, p->yara_skipped, __ATOMIC_RELAXED);
  __atomic_sub_fetch (&w->queued, p->queued, __ATOMIC_RELAXED);
  __atomic_sub_fetch (&w->deleted, p->deleted, __ATOMIC_RELAXED);
  __atomic_sub_fetch (&w->deleted_read, p->deleted_read, __ATOMIC_RELAXED);
}

void
vs_walker_progress (struct vs_walker *w, struct vs_walk_progress *p)
{
  p->entries = __atomic_load_n (&w->entries, __ATOMIC_RELAXED);
  p->files = __atomic_load_n (&w->files, __ATOMIC_RELAXED);
  p->bytes = __atomic_load_n (&w->bytes, __ATOMIC_RELAXED);
  p->yara_skipped = __atomic_load_n (&w->yara_skipped, __ATOMIC_RELAXED);
  p->queued = __atomic_load_n (&w->queued, __ATOMIC_RELAXED);
  p->deleted = __atomic_load_n (&w->deleted, __ATOMIC_RELAXED);
  p->deleted_read = __atomic_load_n (&w->deleted_read, __ATOMIC_RELAXED);
}

void
vs_walker_free (struct vs_walker *w)
{
  unsigned i;

  if (!w)
    return;
  pthread_mutex_lock (&w->lock);
  w->quit = 1;
  pthread_cond_broadcast (&w->not_empty);
  pthread_cond_broadcast (&w->not_full);
  pthread_mutex_unlock (&w->lock);
  for (i = 0; i < w->nworkers; i++)
    pthread_join (w->workers[i].thread, NULL);
  for (i = 0; i < w->cfg.jobs; i++) {
    vs_classifier_free (w->workers[i].magic);
    vs_rules_scanner_free (w->workers[i].scanner);
    free (w->workers[i].chunk);
    free (w->workers[i].whole);
    if (w->workers[i].memfd >= 0)
      close (w->workers[i].memfd);
  }
  while (w->count) {
    job_free (w->queue[w->head]);
    w->head = (w->head + 1) % VS_QUEUE;
    w->count--;
  }
  free (w->workers);
  pthread_mutex_destroy (&w->lock);
  pthread_cond_destroy (&w->not_empty);
  pthread_cond_destroy (&w->not_full);
  pthread_cond_destroy (&w->idle);
  free (w);
}
