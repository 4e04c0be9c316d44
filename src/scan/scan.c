/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: one scan, from disk images to a finished evidence database.
 *
 * Order of work: database first (so every later failure is recorded),
 * then the images' headers, the rules (a typo in a rule fails in a second,
 * not after a launch), then the appliance.  The images are hashed on the
 * host by a thread of their own while the appliance starts, and
 * filesystems are walked one after another while worker threads do the
 * per-file work.
 *
 * Each phase is a function of its own; run() calls them in turn, and a
 * phase ends the scan by saying it failed (it said why, and recorded it
 * if it could) or that a stop was asked for.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "parse/accounts.h"
#include "core/appliance.h"
#include "checks/checks.h"
#include "core/story.h"
#include "core/classify.h"
#include "core/guest.h"
#include "base/hash.h"
#include "image/image.h"
#include "parse/ioc.h"
#include "core/osdetect.h"
#include "image/parttable.h"
#include "core/rules.h"
#include "core/serve.h"
#include "core/source.h"
#include "fs/blockdev.h"
#include "fs/child.h"
#include "fs/parts.h"
#include "fs/probe.h"
#include "scan/scan.h"
#include "core/store.h"
#include "base/util.h"
#include "core/walk.h"

#define VS_PASSWD_MAX (4 * 1024 * 1024)

const char *
vs_scan_default_rules (void)
{
  struct stat sb;

  if (stat (VS_RULES_DIR, &sb) == 0 && S_ISDIR (sb.st_mode))
    return VS_RULES_DIR;
  return VS_SRCDIR_RULES;
}

struct state {
  const struct vs_scan_options *o;
  struct vs_scan_result *r;
  struct vs_store *store;
  struct vs_image *images;
  size_t nimages;
  struct vs_rules *rules;
  struct vs_appliance *app;
  struct vs_os *oses;
  size_t nos;
  struct vs_fs *fss;
  size_t nfs;
  /* What the host reads itself (host_filesystems), before it becomes
   * fss (no appliance) or lends its sources to fss (both). */
  struct vs_fs *hfs;
  size_t nhfs;
  int use_appliance;            /* something needs the appliance */
  int launched;                 /* the appliance was launched */
  char *image_problem;                  /* the first a raw image's
                                           partition table showed */
  struct vs_accounts **accounts;        /* one per OS */
  struct vs_walker *walker;
  struct vs_ioc *ioc;
  uint64_t findings[VS_SEV_COUNT];
  int checking;                 /* the checks are running */
  int checked;                  /* the checks ran to the end */
  double start;

  /* Image hashing thread. */
  pthread_t hash_thread;
  int hashing;
  char **hash_errors;

  /* Progress reports. */
  pthread_t progress_thread;
  int progress_on;
  pthread_mutex_t progress_lock;
  pthread_cond_t progress_cond;
  int progress_quit;
  size_t fs_index;
  size_t fs_count;
  const char *volatile phase;   /* shown before the walk starts */

  /* Watchdog: after stall_seconds without progress (guest I/O or
   * host-side work), the stage is asked to stop; a hung appliance is
   * killed, so that the walk fails instead of waiting forever. */
  pthread_t watchdog_thread;
  int watchdog_on;
  int watchdog_quit;
  int stalled;                  /* the appliance was killed for it */
  unsigned stall_seconds;
  char stall_msg[160];          /* the watchdog's reason for a stop */
};

/* How a phase ends. */
enum step {
  STEP_NEXT,                    /* on to the next phase */
  STEP_STOPPED,                 /* a stop was asked for: interrupted */
  STEP_FAILED,                  /* said, and recorded if it could be */
};

/* Waits on the progress condition (its lock held) for ms milliseconds at
 * the most. */
static void
timed_wait (struct state *s, long ms)
{
  struct timespec ts;

  clock_gettime (CLOCK_REALTIME, &ts);
  ts.tv_sec += ms / 1000;
  ts.tv_nsec += (ms % 1000) * 1000 * 1000;
  if (ts.tv_nsec >= 1000 * 1000 * 1000) {
    ts.tv_sec++;
    ts.tv_nsec -= 1000 * 1000 * 1000;
  }
  pthread_cond_timedwait (&s->progress_cond, &s->progress_lock, &ts);
}

/* Sets *quit, wakes the thread and waits for it to end. */
static void
end_thread (struct state *s, pthread_t thread, int *quit)
{
  pthread_mutex_lock (&s->progress_lock);
  *quit = 1;
  pthread_cond_broadcast (&s->progress_cond);
  pthread_mutex_unlock (&s->progress_lock);
  pthread_join (thread, NULL);
}

static void
progress_snapshot (struct state *s, struct vs_scan_progress *p)
{
  struct vs_walk_progress w;

  memset (p, 0, sizeof *p);
  p->elapsed = vs_now_monotonic () - s->start;
  if (!__atomic_load_n (&s->walker, __ATOMIC_ACQUIRE)
      || __atomic_load_n (&s->checking, __ATOMIC_ACQUIRE)) {
    p->phase = s->phase;
    return;
  }
  vs_walker_progress (s->walker, &w);
  p->walking = 1;
  p->fs_index = s->fs_index;
  p->fs_count = s->fs_count;
  p->entries = w.entries;
  p->files = w.files;
  p->bytes = w.bytes;
}

static void *
progress_main (void *opaque)
{
  struct state *s = opaque;
  struct vs_scan_progress p;

  pthread_mutex_lock (&s->progress_lock);
  while (!s->progress_quit) {
    timed_wait (s, 500);
    if (s->progress_quit)
      continue;
    progress_snapshot (s, &p);
    s->o->progress (s->o->progress_opaque, &p);
  }
  pthread_mutex_unlock (&s->progress_lock);
  return NULL;
}

static void
progress_start (struct state *s)
{
  if (!s->o->progress)
    return;
  if (pthread_create (&s->progress_thread, NULL, progress_main, s) == 0)
    s->progress_on = 1;
}

static void
progress_stop (struct state *s)
{
  if (!s->progress_on)
    return;
  end_thread (s, s->progress_thread, &s->progress_quit);
  s->o->progress (s->o->progress_opaque, NULL);
  s->progress_on = 0;
}

/* The stages whose work is the appliance's: a stall there is a hung
 * appliance, and only killing it unblocks the thread waiting on it. */
static int
appliance_stage (const char *stage)
{
  return strncmp (stage, "check", 5) != 0;
}

/* Seconds a stopped check has to end before the appliance it may be
 * waiting on is killed. */
#define VS_STALL_GRACE 10

static void *
watchdog_main (void *opaque)
{
  struct state *s = opaque;
  struct vs_walk_progress p;
  uint64_t last = UINT64_MAX;
  double since = vs_now_monotonic ();
  int asked = 0;                /* a stop was asked of the current stage */

  pthread_mutex_lock (&s->progress_lock);
  while (!s->watchdog_quit) {
    const char *stage;
    uint64_t mark;
    double idle;

    timed_wait (s, 1000);
    if (s->watchdog_quit)
      break;
    /* Progress is any of: a new stage, walk counters moving, checks
     * reading guest files, host-side loops turning (vs_tick). */
    stage = vs_stage ();
    mark = (uint64_t) (uintptr_t) stage + vs_guest_activity ()
      + vs_source_activity () + vs_ticks ();
    if (s->walker) {
      vs_walker_progress (s->walker, &p);
      mark += p.entries + p.files + p.bytes;
    }
    if (mark != last) {
      last = mark;
      since = vs_now_monotonic ();
      asked = 0;
      continue;
    }
    idle = vs_now_monotonic () - since;
    if (!asked && idle >= s->stall_seconds) {
      /* Ask the stage to stop: a check that was stopped is recorded and
       * the others go on; a stage of the appliance's ends the scan. */
      asked = 1;
      snprintf (s->stall_msg, sizeof s->stall_msg,
                "no progress for %u s in stage '%s'", s->stall_seconds,
                stage);
      vs_error ("%s: stopping it", s->stall_msg);
      vs_stop_request (s->stall_msg);
      if (!appliance_stage (stage))
        continue;
    }
    else if (!(asked && idle >= s->stall_seconds + VS_STALL_GRACE))
      continue;
    /* An appliance stage stalled, or a stopped check did not end: it is
     * waiting on the appliance, which is not answering. */
    s->stalled = 1;
    vs_error ("the appliance is not answering in stage '%s'; stopping it",
              stage);
    vs_appliance_kill (s->app);
    break;
  }
  pthread_mutex_unlock (&s->progress_lock);
  return NULL;
}

static void
watchdog_start (struct state *s)
{
  const char *env = getenv ("VMSCAN_STALL_TIMEOUT");
  uint64_t n;

  s->stall_seconds = 600;
  if (env && vs_parse_size (env, &n) == 0 && n > 0 && n < 86400)
    s->stall_seconds = (unsigned) n;
  if (pthread_create (&s->watchdog_thread, NULL, watchdog_main, s) == 0)
    s->watchdog_on = 1;
}

static void
watchdog_stop (struct state *s)
{
  if (!s->watchdog_on)
    return;
  end_thread (s, s->watchdog_thread, &s->watchdog_quit);
  s->watchdog_on = 0;
}


/* True if the stop flag is set (a signal: the scan is interrupted). */
static int
stop_asked (const struct state *s)
{
  return s->o->stop && *s->o->stop;
}

/* Says msg, records it as a fatal problem of stage, and returns
 * STEP_FAILED. */
static enum step
fail (struct state *s, const char *stage, const char *msg)
{
  struct vs_store_counts c;

  vs_error ("%s", msg);
  if (s->store && vs_store_add_error (s->store, stage, 0, NULL, 0, msg) == 0) {
    vs_store_counts (s->store, &c);
    vs_store_finish_scan (s->store, "failed", msg,
                          &(struct vs_scan_totals) { 0, 0, c.matches,
                            c.errors, c.findings,
                            vs_severity_name (s->o->fail_on), 0 });
  }
  return STEP_FAILED;
}

/* fail(), then frees msg. */
static enum step
fail_free (struct state *s, const char *stage, char *msg)
{
  fail (s, stage, msg);
  free (msg);
  return STEP_FAILED;
}

/* The database could not be written: says so (nothing can be recorded)
 * and returns STEP_FAILED. */
static enum step
store_failed (struct state *s)
{
  vs_error ("%s", vs_store_errmsg (s->store));
  return STEP_FAILED;
}

/* A problem that does not end the scan: says it, records it for stage
 * and frees it.  Returns -1 only if the store failed. */
static int
note_free (struct state *s, const char *stage, char *msg)
{
  int rc;

  vs_warn ("%s", msg);
  rc = vs_store_add_error (s->store, stage, 0, NULL, 0, msg);
  free (msg);
  return rc;
}

static void *
hash_main (void *opaque)
{
  struct state *s = opaque;
  size_t i;

  /* The file the checks read and qemu serves, never the path again
   * (vs_sha256_fd reads with pread: no offset is shared). */
  for (i = 0; i < s->nimages; i++) {
    if (vs_sha256_fd (s->images[i].fd, s->images[i].sha256) == -1) {
      s->hash_errors[i] = vs_xasprintf ("%s: cannot hash: %s",
                                        s->images[i].path,
                                        strerror (errno));
      s->images[i].sha256[0] = '\0';
    }
    if (stop_asked (s))
      break;
  }
  return NULL;
}

/* A raw image whose partition table runs past its end is truncated (or
 * lies): say so before the appliance makes nothing of it.  Returns -1
 * only if the store failed. */
static int
check_partitions (struct state *s, const struct vs_image *img)
{
  CLEANUP_FREE char *problem = NULL;
  CLEANUP_FREE char *shown = NULL;
  char *msg;

  if (strcmp (img->format, "raw") != 0)
    return 0;
  problem = vs_parttable_check_fd (img->fd, img->file_size);
  if (!problem)
    return 0;
  shown = vs_printable (img->path, strlen (img->path));
  msg = vs_xasprintf ("%s: %s", shown, problem);
  vs_warn ("%s", msg);
  if (!s->image_problem)
    s->image_problem = msg;
  else
    free (msg);
  return vs_store_add_error (s->store, "image", 0, NULL, 0, problem);
}

/* Waits for the image hashes and records them (or why not).  Returns -1
 * only if the store failed. */
static int
record_image_hashes (struct state *s)
{
  size_t i;

  if (s->hashing) {
    pthread_join (s->hash_thread, NULL);
    s->hashing = 0;
  }
  for (i = 0; i < s->nimages; i++) {
    if (s->hash_errors[i]) {
      vs_warn ("%s", s->hash_errors[i]);
      if (vs_store_add_error (s->store, "image", 0, NULL, 0,
                              s->hash_errors[i]) == -1)
        return -1;
    }
    else if (vs_store_set_image_sha256 (s->store, (int) i,
                                        s->images[i].sha256) == -1)
      return -1;
  }
  return 0;
}

/* Why no filesystem could be walked, in one line. */
static char *
nothing_to_scan (const struct state *s)
{
  size_t i, unknown = 0, encrypted = 0, failed = 0, other = 0;
  struct vs_buf b = VS_BUF_INIT;
  const char *sep = "";

  if (s->nfs == 0)
    return vs_xasprintf ("nothing to scan: no partition table, filesystem "
                         "or volume was found on any disk%s%s",
                         s->image_problem ? "; " : " (not a disk image?)",
                         s->image_problem ? s->image_problem : "");
  for (i = 0; i < s->nfs; i++) {
    const struct vs_fs *fs = &s->fss[i];

    if (strcmp (fs->type, "unknown") == 0)
      unknown++;
    else if (strcmp (fs->type, "crypto_LUKS") == 0)
      encrypted++;
    else if (fs->status == VS_FS_ERROR)
      failed++;
    else
      other++;
  }
  vs_buf_adds (&b, "nothing to scan: no filesystem could be mounted (");
  if (unknown) {
    vs_buf_addf (&b, "%zu device%s with no filesystem recognised", unknown,
                 unknown == 1 ? "" : "s");
    sep = ", ";
  }
  if (encrypted) {
    vs_buf_addf (&b, "%s%zu encrypted", sep, encrypted);
    sep = ", ";
  }
  if (failed) {
    vs_buf_addf (&b, "%s%zu that would not mount", sep, failed);
    sep = ", ";
  }
  if (other)
    vs_buf_addf (&b, "%s%zu swap or skipped", sep, other);
  vs_buf_adds (&b, "); see the filesystems table");
  if (s->image_problem)
    vs_buf_addf (&b, "; %s", s->image_problem);
  return vs_buf_detach (&b, NULL);
}

/* Fills the totals of a scan that got this far. */
static void
totals (struct state *s, const struct vs_walk_progress *p,
        struct vs_scan_totals *t)
{
  struct vs_store_counts c;

  vs_store_counts (s->store, &c);
  t->files = p->files;
  t->bytes = p->bytes;
  t->matches = c.matches;
  t->errors = c.errors;
  t->findings = c.findings;
  t->fail_on = vs_severity_name (s->o->fail_on);
  t->matched_files = c.matched_files;
}

/* load_accounts for a filesystem read on the host: the same lookups,
 * one component at a time, nothing followed. */
static void
source_accounts (struct state *s, const struct vs_fs *fs)
{
  struct vs_source *src = fs->src;
  uint64_t etc, ino;
  struct stat sb;
  size_t got = 0;
  char *buf;

  if (vs_source_lookup (src, vs_source_root (src), "etc", 3, &etc) == -1
      || vs_source_stat (src, etc, &sb) == -1 || !S_ISDIR (sb.st_mode)
      || vs_source_lookup (src, etc, "passwd", 6, &ino) == -1
      || vs_source_stat (src, ino, &sb) == -1 || !S_ISREG (sb.st_mode)
      || sb.st_size > VS_PASSWD_MAX)
    return;
  buf = vs_xmalloc ((size_t) sb.st_size + 1);
  if (vs_source_read (src, ino, 0, buf, (size_t) sb.st_size, &got) == 0) {
    size_t i = (size_t) fs->os_index;

    vs_accounts_free (s->accounts[i]);
    s->accounts[i] = vs_accounts_parse (buf, got);
  }
  free (buf);
}

/* Loads the accounts of each OS from its root filesystem's /etc/passwd,
 * opening one component at a time without following symlinks. */
static void
load_accounts (struct state *s)
{
  size_t i, k;

  s->accounts = vs_xcalloc (s->nos ? s->nos : 1, sizeof *s->accounts);
  for (k = 0; k < s->nfs; k++) {
    struct vs_fs *fs = &s->fss[k];
    CLEANUP_FREE char *root = NULL;
    int dfd, etc, fd;
    struct stat sb;

    if (!vs_fs_readable (fs) || fs->os_index < 0 || !fs->os_mountpoint
        || strcmp (fs->os_mountpoint, "/") != 0)
      continue;
    if (fs->src) {
      source_accounts (s, fs);
      continue;
    }
    root = vs_xasprintf ("%s%s", vs_appliance_host_root (s->app),
                         fs->walk_root);
    dfd = open (root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dfd == -1)
      continue;
    etc = openat (dfd, "etc", O_RDONLY | O_DIRECTORY | O_NOFOLLOW
                  | O_CLOEXEC);
    close (dfd);
    if (etc == -1)
      continue;
    fd = openat (etc, "passwd", O_RDONLY | O_NOFOLLOW | O_NONBLOCK
                 | O_CLOEXEC);
    close (etc);
    if (fd == -1)
      continue;
    if (fstat (fd, &sb) == 0 && S_ISREG (sb.st_mode)
        && sb.st_size <= VS_PASSWD_MAX) {
      char *buf = vs_xmalloc ((size_t) sb.st_size + 1);
      ssize_t n = pread (fd, buf, (size_t) sb.st_size, 0);

      if (n >= 0) {
        i = (size_t) fs->os_index;
        vs_accounts_free (s->accounts[i]);
        s->accounts[i] = vs_accounts_parse (buf, (size_t) n);
      }
      free (buf);
    }
    close (fd);
  }
}

/* Phase: the database, and what this scan runs with. */
static enum step
open_store (struct state *s)
{
  const struct vs_scan_options *o = s->o;
  struct vs_scan_info info;
  char *err = NULL;

  if (vs_store_create (o->db_path, o->force, &s->store, &err) == -1)
    return fail_free (s, "store", err);       /* no store: said only */
  memset (&info, 0, sizeof info);
  info.tool_version = PACKAGE_VERSION;
  info.magic_version = vs_classify_version ();
  info.yara_version = o->yara ? vs_rules_version () : NULL;
  info.crypto_version = vs_hash_library ();
  info.command_line = o->command_line;
  info.yara_enabled = o->yara;
  info.yara_max_size = o->yara_max_size;
  if (vs_store_begin_scan (s->store, &info) == -1)
    return store_failed (s);
  return STEP_NEXT;
}

/* Phase: check every image's header before qemu sees any of them.  Each
 * is opened once, here; all else reads that descriptor. */
static enum step
probe_images (struct state *s)
{
  const struct vs_scan_options *o = s->o;
  char *err = NULL;
  size_t i;

  s->images = vs_xcalloc (o->nimages, sizeof *s->images);
  s->hash_errors = vs_xcalloc (o->nimages, sizeof *s->hash_errors);
  for (i = 0; i < o->nimages; i++) {
    int fd = open (o->images[i], O_RDONLY | O_CLOEXEC | O_NOCTTY
                   | O_NONBLOCK);

    if (fd == -1)
      err = vs_xasprintf ("%s: %s", o->images[i], strerror (errno));
    if (fd == -1 || vs_image_probe_fd (fd, o->images[i], o->format,
                                       &s->images[i], &err) == -1) {
      if (fd != -1)
        close (fd);
      return fail_free (s, "image", err);
    }
    s->nimages++;
    if (vs_store_add_image (s->store, (int) i, &s->images[i]) == -1)
      return store_failed (s);
    if (check_partitions (s, &s->images[i]) == -1)
      return store_failed (s);
  }
  return STEP_NEXT;
}

/* Phase: qemu opens the images, in a sandbox, and is asked what it
 * opened. */
static enum step
serve_images (struct state *s)
{
  char *err = NULL;

  if (vs_appliance_serve (s->images, s->nimages, &s->app, &err) == -1)
    return fail_free (s, "image", err);
  return STEP_NEXT;
}

/* ---- The host data path: what the host reads itself. ---- */

/* libguestfs's name for drive i: sda ... sdz, sdaa ... */
static void
drive_name (size_t i, char out[16])
{
  char letters[8];
  size_t n = 0, k;

  do {
    letters[n++] = (char) ('a' + i % 26);
    i = i / 26;
  } while (i-- > 0 && n < sizeof letters - 1);
  memcpy (out, "/dev/sd", 7);
  for (k = 0; k < n; k++)
    out[7 + k] = letters[n - 1 - k];
  out[7 + n] = '\0';
}

/* The whole of image i as a block device: its own descriptor when raw,
 * else a connection of our own to its server (qemu's block layer). */
static int
image_dev (struct state *s, size_t i, struct vs_blockdev **dev, char **err)
{
  const struct vs_image *img = &s->images[i];
  const char *sock;

  if (strcmp (img->format, "raw") == 0)
    return vs_blockdev_open_fd (img->fd, img->virtual_size
                                ? img->virtual_size : img->file_size,
                                dev, err);
  sock = vs_appliance_server_socket (s->app, i);
  if (!sock) {
    *err = vs_xstrdup ("the image has no server");
    return -1;
  }
  return vs_blockdev_open_nbd (sock, VS_SERVE_EXPORT, dev, err);
}

/* The filesystem types the host reads (fs/hostfs.h). */
static int
host_reads (const char *type)
{
  static const char *const types[] = {
    "ext2", "ext3", "ext4", "vfat", "ntfs", "exfat", "iso9660", "hfsplus",
  };
  size_t i;

  for (i = 0; i < VS_ARRAY_SIZE (types); i++)
    if (strcmp (type, types[i]) == 0)
      return 1;
  return 0;
}

/* Says why the host does not read something, once, on stderr and in the
 * errors table when it is a failure (not merely a kind of filesystem it
 * does not read). */
static int
host_failed (struct state *s, const char *device, const char *what,
             const char *why)
{
  CLEANUP_FREE char *m = vs_xasprintf ("%s: %s on the host (%s)%s", device,
                                       what, why, s->o->data_path
                                       == VS_DATA_PATH_HOST ? ""
                                       : "; it is read through the "
                                       "appliance");

  vs_warn ("%s", m);
  return vs_store_add_error (s->store, "host", 0, NULL, 0, m);
}

static struct vs_fs *
host_add (struct state *s, const char *device, const char *type,
          uint64_t size)
{
  struct vs_fs *f;

  s->hfs = vs_xrealloc (s->hfs, (s->nhfs + 1) * sizeof *s->hfs);
  f = &s->hfs[s->nhfs++];
  memset (f, 0, sizeof *f);
  f->device = vs_xstrdup (device);
  f->type = vs_xstrdup (type);
  f->size = size > INT64_MAX ? -1 : (int64_t) size;
  f->os_index = -1;
  f->status = VS_FS_PENDING;
  return f;
}

static char *
nonempty (const char *v)
{
  return v && *v ? vs_xstrdup (v) : NULL;
}

/* One partition (or a whole disk) of image i: what it holds, and a
 * reader when the host reads that.  Clears *all when the appliance is
 * needed for it.  Returns -1 only if the store failed. */
static int
host_volume (struct state *s, size_t i, const char *device, uint64_t start,
             uint64_t size, int whole, int *all)
{
  struct vs_blockdev *base = NULL, *dev = NULL;
  struct vs_source *src;
  struct vs_fs *f;
  char type[VS_PROBE_MAX_TYPE + 1];
  char *err = NULL;
  int rc;

  if (image_dev (s, i, &base, &err) == -1
      || vs_blockdev_slice (base, start, size, &dev, &err) == -1
      || vs_probe_type (dev, NULL, type, &err) == -1) {
    *all = 0;
    rc = host_failed (s, device, "cannot be probed", err);
    free (err);
    vs_blockdev_free (dev);
    vs_blockdev_free (base);
    return rc;
  }
  if (!type[0] && whole) {
    /* A disk with neither a table nor a filesystem: nothing, as for
     * libguestfs, which lists no such device. */
    vs_blockdev_free (dev);
    vs_blockdev_free (base);
    return 0;
  }
  f = host_add (s, device, type[0] ? type : "unknown", size);
  if (!type[0] || strcmp (type, "swap") == 0) {
    f->status = VS_FS_SKIPPED;
    f->note = vs_xstrdup (type[0] ? "swap space"
                          : "no filesystem recognised");
    vs_blockdev_free (dev);
    vs_blockdev_free (base);
    return 0;
  }
  if (!host_reads (type)) {
    *all = 0;
    f->status = VS_FS_SKIPPED;
    f->note = vs_xasprintf ("%s is read only through the appliance "
                            "(--data-path host)", type);
    vs_blockdev_free (dev);
    vs_blockdev_free (base);
    return 0;
  }
  if (vs_source_open (dev, base, type, &src, &err) == -1) {
    *all = 0;
    f->status = VS_FS_ERROR;
    f->note = vs_xasprintf ("the host reader cannot open it: %s", err);
    rc = host_failed (s, device, "cannot be read", err);
    free (err);
    return rc;
  }
  f->src = src;
  f->label = nonempty (vs_source_label (src));
  f->uuid = nonempty (vs_source_uuid (src));
  return 0;
}

/* The partitions of image i, or the whole disk when it has no table. */
static int
host_image (struct state *s, size_t i, int *all)
{
  struct vs_part parts[VS_PARTS_MAX];
  enum vs_parts_kind kind;
  struct vs_blockdev *dev = NULL;
  char *err = NULL, name[16], part[24];
  uint64_t size;
  size_t n = 0, k;
  int rc;

  drive_name (i, name);
  if (image_dev (s, i, &dev, &err) == -1
      || vs_parts_list (dev, NULL, parts, &n, &kind, &err) == -1) {
    *all = 0;
    rc = host_failed (s, name, "its partitions cannot be read", err);
    free (err);
    vs_blockdev_free (dev);
    return rc;
  }
  size = vs_blockdev_size (dev);
  vs_blockdev_free (dev);
  if (kind == VS_PARTS_OTHER) {
    *all = 0;
    return host_failed (s, name, "its partition table is not read",
                        "a kind other than MBR or GPT");
  }
  if (kind == VS_PARTS_NONE)
    return host_volume (s, i, name, 0, size, 1, all);
  for (k = 0; k < n; k++) {
    snprintf (part, sizeof part, "%s%u", name, parts[k].number);
    if (host_volume (s, i, part, parts[k].start, parts[k].size, 0,
                     all) == -1)
      return -1;
    if (stop_asked (s))
      break;
  }
  return 0;
}

static void
free_hfs (struct state *s)
{
  if (s->hfs)
    vs_appliance_free_fss (s->hfs, s->nhfs);
  s->hfs = NULL;
  s->nhfs = 0;
}

/* Phase: the partitions and filesystems the host reads itself (none
 * with --data-path appliance).  With auto, the appliance is launched
 * only when something needs it. */
static enum step
host_filesystems (struct state *s)
{
  const struct vs_scan_options *o = s->o;
  size_t i;
  int all = 1;

  s->use_appliance = 1;
  if (o->data_path == VS_DATA_PATH_APPLIANCE)
    return STEP_NEXT;
  s->phase = "reading the disks on the host";
  vs_stage_set ("host");
  for (i = 0; i < s->nimages && !stop_asked (s); i++)
    if (host_image (s, i, &all) == -1)
      return store_failed (s);
  s->use_appliance = o->data_path == VS_DATA_PATH_AUTO && !all;
  if (s->use_appliance)
    vs_debug ("the appliance is needed for part of the images");
  else
    vs_debug ("the host reads every filesystem; no appliance");
  return stop_asked (s) ? STEP_STOPPED : STEP_NEXT;
}

/* Phase: compile the YARA rules and record their files. */
static enum step
load_rules (struct state *s)
{
  const struct vs_scan_options *o = s->o;
  const char *default_rules[1];
  const char *const *rule_paths = o->rule_paths;
  size_t nrule_paths = o->nrule_paths, i, nbad = 0;
  char *err = NULL;

  if (!o->yara)
    return STEP_NEXT;
  if (!rule_paths) {
    default_rules[0] = vs_scan_default_rules ();
    rule_paths = default_rules;
    nrule_paths = 1;
  }
  if (vs_rules_compile (rule_paths, nrule_paths, o->skip_bad_rules,
                        &s->rules, &nbad, &err) == -1) {
    char *m;

    if (nbad == 0) {
      m = vs_xasprintf ("rules: %s", err);
      free (err);
      return fail_free (s, "rules", m);
    }
    /* Every file that does not compile, one line each, then why the
     * scan stops. */
    {
      char *line = err, *nl;

      do {
        nl = strchr (line, '\n');
        if (nl)
          *nl = '\0';
        vs_error ("rules: %s", line);
        if (s->store && vs_store_add_error (s->store, "rules", 0, NULL, 0,
                                            line) == -1) {
          free (err);
          return store_failed (s);
        }
        line = nl ? nl + 1 : NULL;
      } while (line);
    }
    free (err);
    m = vs_xasprintf ("rules: %zu rule file%s did not compile%s", nbad,
                      nbad == 1 ? "" : "s",
                      o->skip_bad_rules ? " (no other rule file is left)"
                      : "; --skip-bad-rules leaves them out");
    return fail_free (s, "rules", m);
  }
  for (i = 0; i < vs_rules_nbad (s->rules); i++) {
    const char *path, *reason;

    vs_rules_bad (s->rules, i, &path, &reason);
    (void) path;
    if (note_free (s, "rules", vs_xasprintf ("rule file left out: %s",
                                             reason)) == -1)
      return store_failed (s);
  }
  for (i = 0; i < vs_rules_nfiles (s->rules); i++) {
    const char *path, *ns, *sha;
    uint64_t size;

    vs_rules_file (s->rules, i, &path, &ns, &sha, &size);
    if (vs_store_add_rule_file (s->store, path, ns, sha, size) == -1)
      return store_failed (s);
  }
  if (vs_store_flush (s->store) == -1)
    return store_failed (s);
  vs_debug ("%u YARA rules from %zu files", vs_rules_count (s->rules),
            vs_rules_nfiles (s->rules));
  return STEP_NEXT;
}

/* Phase: load the --ioc lists and record their files. */
static enum step
load_iocs (struct state *s)
{
  const struct vs_scan_options *o = s->o;
  char *err = NULL;
  size_t i;

  if (o->nioc_paths)
    s->ioc = vs_ioc_new ();
  for (i = 0; i < o->nioc_paths; i++) {
    char sha[65];
    long n = vs_ioc_load_file (s->ioc, o->ioc_paths[i], sha, &err);

    if (n < 0) {
      char *m = vs_xasprintf ("IOC list: %s", err);

      free (err);
      return fail_free (s, "ioc", m);
    }
    if (vs_store_add_ioc_file (s->store, o->ioc_paths[i], sha,
                               (uint64_t) n) == -1)
      return store_failed (s);
  }
  return STEP_NEXT;
}

/* Launches the appliance and records its backend. */
static enum step
start_appliance (struct state *s)
{
  char *err = NULL;

  s->phase = "starting the appliance";
  vs_stage_set ("launch");
  vs_debug ("launching the appliance");
  if (vs_appliance_launch (s->app, &err) == -1)
    return fail_free (s, "launch", err);
  s->launched = 1;
  if (vs_store_set_appliance (s->store, vs_appliance_backend (s->app),
                              vs_appliance_version (s->app)) == -1)
    return store_failed (s);
  return STEP_NEXT;
}

/* Phase: start hashing the images, then the appliance and the watchdog
 * (and the progress reports, which show the launch). */
static enum step
launch (struct state *s)
{
  if (pthread_create (&s->hash_thread, NULL, hash_main, s) == 0)
    s->hashing = 1;

  if (!s->use_appliance) {
    if (vs_store_set_appliance (s->store, "none",
                                vs_appliance_library_version (s->app)) == -1)
      return store_failed (s);
    progress_start (s);
    watchdog_start (s);
    return stop_asked (s) ? STEP_STOPPED : STEP_NEXT;
  }
  progress_start (s);
  if (start_appliance (s) != STEP_NEXT)
    return STEP_FAILED;
  watchdog_start (s);
  return stop_asked (s) ? STEP_STOPPED : STEP_NEXT;
}

/* Phase: libguestfs inspection, for the operating systems. */
static enum step
inspect (struct state *s)
{
  char *err = NULL;
  size_t i;

  if (!s->launched)
    return STEP_NEXT;
  s->phase = "inspecting the disks";
  vs_stage_set ("inspect");
  vs_debug ("inspecting");
  vs_appliance_inspect (s->app, &s->oses, &s->nos, &err);
  if (err && note_free (s, "inspect", err) == -1)
    return store_failed (s);
  for (i = 0; i < s->nos; i++)
    if (vs_store_add_os (s->store, &s->oses[i]) == -1)
      return store_failed (s);
  return STEP_NEXT;
}

/* The filesystems the appliance listed that the host reads take the
 * host's reader (and are not mounted); the host's other findings go. */
static void
adopt_sources (struct state *s)
{
  size_t i, k;

  for (i = 0; i < s->nfs; i++) {
    struct vs_fs *fs = &s->fss[i];

    if (fs->status != VS_FS_PENDING)
      continue;
    for (k = 0; k < s->nhfs; k++) {
      struct vs_fs *h = &s->hfs[k];

      if (h->src && strcmp (h->device, fs->device) == 0
          && strcmp (h->type, fs->type) == 0) {
        fs->src = h->src;
        h->src = NULL;
        break;
      }
    }
  }
  free_hfs (s);
}

/* Phase: list the filesystems and mount them; then look for the
 * operating systems inspection missed among them. */
static enum step
mount_filesystems (struct state *s)
{
  char *err = NULL;
  size_t i, before;

  if (!s->launched) {
    /* The host reads everything: its filesystems are the scan's, and
     * the operating systems come from their own files. */
    s->fss = s->hfs;
    s->nfs = s->nhfs;
    s->hfs = NULL;
    s->nhfs = 0;
    vs_os_detect (NULL, s->fss, s->nfs, &s->oses, &s->nos);
    for (i = 0; i < s->nos; i++)
      if (vs_store_add_os (s->store, &s->oses[i]) == -1)
        return store_failed (s);
    return STEP_NEXT;
  }
  s->phase = "listing and mounting filesystems";
  vs_stage_set ("mount");
  vs_debug ("listing filesystems");
  if (vs_appliance_list_fs (s->app, s->oses, s->nos, &s->fss, &s->nfs,
                            &err) == -1)
    return fail_free (s, "mount", err);
  if (err && note_free (s, "mount", err) == -1)
    return store_failed (s);
  err = NULL;
  adopt_sources (s);
  vs_debug ("mounting %zu filesystems", s->nfs);
  if (vs_appliance_mount_all (s->app, s->fss, s->nfs, &err) == -1)
    return fail_free (s, "mount", err);
  /* Inspection can fail for every disk because of one, and does not
   * know every distribution: look for roots among the filesystems no OS
   * claims. */
  before = s->nos;
  vs_os_detect (vs_appliance_host_root (s->app), s->fss, s->nfs,
                &s->oses, &s->nos);
  for (i = before; i < s->nos; i++) {
    vs_warn ("%s: operating system found from its own files (%s), not by "
             "libguestfs inspection", s->oses[i].root,
             s->oses[i].distro ? s->oses[i].distro : "no os-release");
    if (vs_store_add_os (s->store, &s->oses[i]) == -1)
      return store_failed (s);
  }
  return STEP_NEXT;
}

/* Phase: record the filesystems; fails if none is mounted.  Then reads
 * the accounts of each OS. */
static enum step
record_filesystems (struct state *s)
{
  size_t i;

  for (i = 0; i < s->nfs; i++) {
    struct vs_fs *fs = &s->fss[i];

    if (vs_store_add_fs (s->store, fs, fs->os_index >= 0
                         ? &s->oses[fs->os_index] : NULL) == -1)
      return store_failed (s);
    if (fs->status == VS_FS_ERROR) {
      vs_warn ("%s: %s", fs->device, fs->note);
      if (vs_store_add_error (s->store, "mount", fs->id, NULL, 0,
                              fs->note) == -1)
        return store_failed (s);
    }
  }
  s->fs_count = 0;
  for (i = 0; i < s->nfs; i++)
    if (vs_fs_readable (&s->fss[i]))
      s->fs_count++;
  if (s->fs_count == 0) {
    /* The image's hash is evidence even of a scan that found nothing. */
    if (record_image_hashes (s) == -1)
      return store_failed (s);
    return fail_free (s, "mount", nothing_to_scan (s));
  }
  load_accounts (s);
  return STEP_NEXT;
}

static int
appliance_alive (void *opaque)
{
  return vs_appliance_alive (opaque);
}

/* Walks fs on the host or through the appliance; *added is what it
 * added to the walker's counters. */
static int
walk_fs (struct state *s, struct vs_fs *fs, struct vs_walk_progress *added)
{
  const struct vs_accounts *acc = fs->os_index >= 0
    ? s->accounts[fs->os_index] : NULL;
  struct vs_walk_progress before, after;
  CLEANUP_FREE char *dir = NULL;
  int rc;

  vs_debug ("walking %s (%s) %s", fs->device, fs->type,
            fs->src ? "on the host" : "through the appliance");
  vs_walker_progress (s->walker, &before);
  if (fs->src)
    rc = vs_walker_walk_source (s->walker, fs, fs->src, acc);
  else {
    /* Through the appliance only what its kernel shows: no deleted
     * entries.  Said once, on the filesystem, so that no one takes the
     * absence of deleted rows for an absence of deleted files. */
    if (s->o->deleted
        && vs_store_add_error (s->store, "walk", fs->id, NULL, 0,
                               "--deleted: read through the appliance, "
                               "which shows no deleted entries; none "
                               "looked for") == -1)
      return -1;
    dir = vs_xasprintf ("%s%s", vs_appliance_host_root (s->app),
                        fs->walk_root);
    rc = vs_walker_walk (s->walker, fs, dir, acc);
  }
  vs_walker_progress (s->walker, &after);
  added->entries = after.entries - before.entries;
  added->files = after.files - before.files;
  added->bytes = after.bytes - before.bytes;
  added->yara_skipped = after.yara_skipped - before.yara_skipped;
  added->queued = after.queued - before.queued;
  added->deleted = after.deleted - before.deleted;
  added->deleted_read = after.deleted_read - before.deleted_read;
  return rc;
}

/* True when the host's reader of fs failed (its child crashed, stalled,
 * hit a limit or broke the protocol). */
static int
host_lost (const struct vs_fs *fs)
{
  return fs->src && fs->status == VS_FS_ERROR
    && vs_source_error (fs->src) != NULL;
}

/* The filesystems whose host reader failed are read again through the
 * appliance, launched now if it is not running yet: their rows from the
 * host are deleted (an errors row says what happened), and the walk is
 * done again.  Not with --data-path host: they stay failed. */
static enum step
read_again (struct state *s, const struct vs_walk_progress *added)
{
  CLEANUP_FREE char *retry = NULL;
  size_t i, n = 0;
  char *err = NULL;
  int rc;

  retry = vs_xcalloc (s->nfs ? s->nfs : 1, 1);
  for (i = 0; i < s->nfs; i++)
    if (host_lost (&s->fss[i])) {
      retry[i] = 1;
      n++;
    }
  if (n == 0 || s->o->data_path == VS_DATA_PATH_HOST)
    return STEP_NEXT;
  vs_warn ("the host reader failed on %zu filesystem%s; %s through the "
           "appliance", n, n == 1 ? "" : "s", n == 1 ? "it is read"
           : "they are read");
  for (i = 0; i < s->nfs; i++)
    if (retry[i]) {
      vs_source_free (s->fss[i].src);
      s->fss[i].src = NULL;
      s->fss[i].status = VS_FS_PENDING;
    }
  if (!s->launched) {
    enum step st = start_appliance (s);

    if (st != STEP_NEXT)
      return st;
    /* Only the pending ones are mounted: those retried. */
    vs_stage_set ("mount");
    if (vs_appliance_mount_all (s->app, s->fss, s->nfs, &err) == -1)
      return fail_free (s, "mount", err);
  }
  vs_stage_set ("walk");
  for (i = 0; i < s->nfs && !stop_asked (s); i++) {
    struct vs_fs *fs = &s->fss[i];
    struct vs_walk_progress again;

    if (!retry[i])
      continue;
    if (!fs->mounted) {
      CLEANUP_FREE char *m = vs_xasprintf ("%s: the appliance cannot mount "
                                           "it either: %s", fs->device,
                                           fs->note ? fs->note : "");

      fs->status = VS_FS_ERROR;
      vs_warn ("%s", m);
      if (vs_store_add_error (s->store, "mount", fs->id, NULL, 0, m) == -1
          || vs_store_update_fs (s->store, fs) == -1)
        return store_failed (s);
      continue;
    }
    if (vs_store_forget_fs (s->store, fs->id) == -1)
      return store_failed (s);
    vs_walker_forget (s->walker, &added[i]);
    fs->status = VS_FS_PENDING;
    rc = walk_fs (s, fs, &again);
    if (fs->status == VS_FS_SCANNED) {
      CLEANUP_FREE char *why = fs->note;

      fs->note = vs_xasprintf ("%s%sread again through the appliance",
                               why ? why : "", why ? "; " : "");
    }
    if (vs_store_update_fs (s->store, fs) == -1)
      return store_failed (s);
    if (rc == -1)
      break;
  }
  return STEP_NEXT;
}

/* Phase: walk every filesystem, one after another; then read through
 * the appliance those the host's reader failed on. */
static enum step
walk (struct state *s)
{
  const struct vs_scan_options *o = s->o;
  struct vs_walk_config wc;
  struct vs_walk_progress p;
  struct vs_walker *walker;
  CLEANUP_FREE struct vs_walk_progress *added = NULL;
  char *err = NULL;
  size_t i;
  int rc = 0;

  memset (&wc, 0, sizeof wc);
  wc.store = s->store;
  wc.rules = s->rules;
  wc.yara_max_size = o->yara_max_size;
  wc.sparse_limit = o->sparse_limit;
  wc.deleted = o->deleted;
  wc.jobs = o->jobs;
  wc.stop = o->stop;
  wc.alive = appliance_alive;
  wc.alive_opaque = s->app;
  if (vs_walker_new (&wc, &walker, &err) == -1)
    return fail_free (s, "walk", err);
  /* The progress thread reads s->walker. */
  __atomic_store_n (&s->walker, walker, __ATOMIC_RELEASE);
  vs_stage_set ("walk");
  added = vs_xcalloc (s->nfs ? s->nfs : 1, sizeof *added);
  for (i = 0; i < s->nfs; i++) {
    struct vs_fs *fs = &s->fss[i];

    if (!vs_fs_readable (fs))
      continue;
    rc = walk_fs (s, fs, &added[i]);
    if (vs_store_update_fs (s->store, fs) == -1)
      return store_failed (s);
    if (rc == -1)
      break;
    s->fs_index++;
  }
  if (rc == 0 && !stop_asked (s) && !vs_walker_lost (s->walker)
      && read_again (s, added) == STEP_FAILED)
    return STEP_FAILED;
  vs_walker_progress (s->walker, &p);
  if (vs_store_flush (s->store) == -1)
    return store_failed (s);
  if (vs_walker_lost (s->walker))
    return fail_free (s, "walk",
                      vs_xasprintf ("the appliance %s during the walk, "
                                    "after %llu files; the scan is "
                                    "incomplete", s->stalled
                                    ? "hung and was stopped" : "stopped",
                                    (unsigned long long) p.files));
  return stop_asked (s) ? STEP_STOPPED : STEP_NEXT;
}

/* A host reader that failed while the checks read its filesystem (the
 * walk had finished): the checks that read it recorded their errors;
 * this says why, once, on the filesystem.  Returns -1 only if the store
 * failed. */
static int
sources_lost_in_checks (struct state *s)
{
  size_t i;

  for (i = 0; i < s->nfs; i++) {
    struct vs_fs *fs = &s->fss[i];
    CLEANUP_FREE char *m = NULL;

    if (!fs->src || fs->status != VS_FS_SCANNED
        || !vs_source_error (fs->src))
      continue;
    m = vs_xasprintf ("the host reader of this filesystem failed during "
                      "the checks (%s): checks that read it after that "
                      "recorded errors", vs_source_error (fs->src));
    vs_warn ("%s: %s", fs->device, m);
    if (vs_store_add_error (s->store, "check", fs->id, NULL, 0, m) == -1)
      return -1;
  }
  return 0;
}

/* Phase: record the image hashes, then run the checks; the progress
 * reports and the watchdog end with them. */
static enum step
check (struct state *s)
{
  const struct vs_scan_options *o = s->o;
  struct vs_checks_config cc;
  int rc;

  if (record_image_hashes (s) == -1)
    return store_failed (s);

  s->phase = "running the checks";
  vs_stage_set ("check");
  __atomic_store_n (&s->checking, 1, __ATOMIC_RELEASE);
  vs_debug ("running the checks");
  memset (&cc, 0, sizeof cc);
  cc.store = s->store;
  cc.oses = s->oses;
  cc.nos = s->nos;
  cc.fss = s->fss;
  cc.nfs = s->nfs;
  cc.host_root = s->launched ? vs_appliance_host_root (s->app) : NULL;
  cc.accounts = s->accounts;
  cc.ioc = s->ioc;
  cc.stop = o->stop;
  cc.checks = o->checks;
  cc.skip_checks = o->skip_checks;
  cc.nskip_checks = o->nskip_checks;
  rc = vs_checks_run (&cc, s->findings);
  progress_stop (s);
  watchdog_stop (s);
  if (sources_lost_in_checks (s) == -1)
    return store_failed (s);
  if (rc == -1 && stop_asked (s))
    return STEP_STOPPED;
  if (s->stalled || !vs_appliance_alive (s->app))
    return fail (s, "check", s->stalled
                 ? "the appliance hung during the checks and was "
                 "stopped; the findings are incomplete"
                 : "the appliance stopped during the checks; the "
                 "findings are incomplete");
  if (rc == -1)
    return store_failed (s);
  s->checked = 1;
  return STEP_NEXT;
}

/* The first stories, for the summary. */
static int
load_stories (struct state *s, sqlite3 *db, int64_t scan_id, char **err)
{
  struct vs_scan_result *r = s->r;
  sqlite3_stmt *st;
  int rc;

  if (sqlite3_prepare_v2 (db, "SELECT severity_rank, title, findings FROM "
                          "stories WHERE scan_id = ? ORDER BY id LIMIT ?",
                          -1, &st, NULL) != SQLITE_OK) {
    *err = vs_xasprintf ("evidence database: %s", sqlite3_errmsg (db));
    return -1;
  }
  sqlite3_bind_int64 (st, 1, scan_id);
  sqlite3_bind_int (st, 2, VS_SCAN_STORIES);
  while ((rc = sqlite3_step (st)) == SQLITE_ROW && r->nshown < VS_SCAN_STORIES) {
    const char *t = (const char *) sqlite3_column_text (st, 1);
    struct vs_scan_story *y = &r->stories[r->nshown++];

    y->rank = sqlite3_column_int (st, 0);
    y->title = vs_xstrndup (t ? t : "", t ? (size_t) sqlite3_column_bytes (st, 1)
                            : 0);
    y->findings = (uint64_t) sqlite3_column_int64 (st, 2);
  }
  sqlite3_finalize (st);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
    *err = vs_xasprintf ("evidence database: %s", sqlite3_errmsg (db));
    return -1;
  }
  return 0;
}

/* Phase: the findings set against the approved baseline and the
 * suppression files, counted for --fail-on, and told as stories. */
static enum step
review (struct state *s)
{
  const struct vs_scan_options *o = s->o;
  struct vs_review_counts *c = &s->r->review;
  sqlite3 *db = vs_store_db (s->store);
  int64_t scan_id = vs_store_scan_id (s->store);
  char *err = NULL;
  char today[32];

  if (vs_store_flush (s->store) == -1)
    return store_failed (s);
  s->phase = "comparing with the baseline";
  vs_now_iso (today);
  today[10] = 0;
  if ((o->baseline && vs_review_baseline (db, scan_id, o->baseline, c,
                                          &err) == -1)
      || (o->nsuppress && vs_review_suppress (db, scan_id, o->suppress,
                                              o->nsuppress, today, c,
                                              &err) == -1)
      || vs_review_live (db, scan_id, c, &err) == -1)
    return fail_free (s, "review", err);
  s->r->reviewed = 1;
  if (vs_story_build (db, scan_id, &s->r->nstories, &err) == -1
      || load_stories (s, db, scan_id, &err) == -1)
    return fail_free (s, "review", err);
  return STEP_NEXT;
}

/* Fills what the summary shows of a scan that got this far. */
static void
fill_result (struct state *s, const struct vs_walk_progress *p,
             const struct vs_scan_totals *t)
{
  struct vs_scan_result *r = s->r;
  size_t i;

  r->images = vs_xcalloc (s->nimages ? s->nimages : 1, sizeof *r->images);
  for (i = 0; i < s->nimages; i++) {
    r->images[i].path = vs_xstrdup (s->images[i].path);
    r->images[i].format_name = s->images[i].format_name;
    r->images[i].virtual_size = s->images[i].virtual_size;
  }
  r->nimages = s->nimages;
  /* The OSes are the result's now. */
  r->oses = s->oses;
  r->nos = s->nos;
  s->oses = NULL;
  s->nos = 0;
  r->appliance = s->launched;
  r->tcg = s->launched && strcmp (vs_appliance_backend (s->app), "tcg") == 0;
  for (i = 0; i < s->nfs; i++) {
    if (s->fss[i].src)
      r->fs_host++;
    else if (s->fss[i].mounted)
      r->fs_appliance++;
    switch (s->fss[i].status) {
    case VS_FS_SCANNED: r->fs_scanned++; break;
    case VS_FS_SKIPPED: r->fs_skipped++; break;
    default: r->fs_failed++; break;
    }
  }
  r->entries = p->entries;
  r->deleted_asked = s->o->deleted;
  r->deleted = p->deleted;
  r->deleted_read = p->deleted_read;
  r->files = t->files;
  r->bytes = t->bytes;
  r->yara = s->rules != NULL;
  r->yara_rules = s->rules ? vs_rules_count (s->rules) : 0;
  r->matches = t->matches;
  r->matched_files = t->matched_files;
  r->yara_skipped = p->yara_skipped;
  r->checked = s->checked;
  memcpy (r->findings, s->findings, sizeof r->findings);
  r->errors = t->errors;
  r->elapsed = vs_now_monotonic () - s->start;
}

/* The end of a scan that ran to the end (status complete) or was
 * stopped (interrupted): its totals go to the database and the
 * result. */
static enum vs_scan_status
finish (struct state *s, enum vs_scan_status status)
{
  struct vs_walk_progress p;
  struct vs_scan_totals t = { 0, 0, 0, 0, 0, NULL, 0 };
  int stopped = status == VS_SCAN_INTERRUPTED;

  progress_stop (s);
  if (s->walker)
    vs_walker_progress (s->walker, &p);
  else
    memset (&p, 0, sizeof p);
  totals (s, &p, &t);
  if (stopped)
    vs_error ("interrupted; the database records the scan as interrupted");
  if (vs_store_finish_scan (s->store, stopped ? "interrupted" : "complete",
                            stopped ? "interrupted by a signal" : NULL,
                            &t) == -1) {
    store_failed (s);
    return VS_SCAN_FAILED;
  }
  fill_result (s, &p, &t);
  return status;
}

static void
cleanup (struct state *s)
{
  size_t i;

  progress_stop (s);
  watchdog_stop (s);
  vs_walker_free (s->walker);
  if (s->hashing) {
    pthread_join (s->hash_thread, NULL);
    s->hashing = 0;
  }
  /* The sources' children end before the images' servers do. */
  free_hfs (s);
  if (s->fss)
    vs_appliance_free_fss (s->fss, s->nfs);
  s->fss = NULL;
  vs_appliance_free (s->app);
  if (s->accounts) {
    for (i = 0; i < (s->nos ? s->nos : 1); i++)
      vs_accounts_free (s->accounts[i]);
    free (s->accounts);
  }
  if (s->oses)
    vs_appliance_free_oses (s->oses, s->nos);
  vs_rules_free (s->rules);
  vs_ioc_free (s->ioc);
  for (i = 0; i < s->nimages; i++)
    vs_image_clear (&s->images[i]);
  if (s->hash_errors)
    for (i = 0; i < s->nimages; i++)
      free (s->hash_errors[i]);
  free (s->hash_errors);
  free (s->images);
  free (s->image_problem);
  vs_store_free (s->store);
}

/* The phases, in order. */
static enum step (*const phases[]) (struct state *) = {
  open_store, probe_images, serve_images, host_filesystems, load_rules,
  load_iocs, launch, inspect, mount_filesystems, record_filesystems, walk,
  check, review,
};

static enum vs_scan_status
run (struct state *s)
{
  size_t i;

  for (i = 0; i < sizeof phases / sizeof phases[0]; i++) {
    switch (phases[i] (s)) {
    case STEP_NEXT:
      break;
    case STEP_STOPPED:
      return finish (s, VS_SCAN_INTERRUPTED);
    case STEP_FAILED:
      return VS_SCAN_FAILED;
    }
  }
  return finish (s, VS_SCAN_COMPLETE);
}

enum vs_scan_status
vs_scan_run (const struct vs_scan_options *o, struct vs_scan_result *r)
{
  struct state s;

  memset (r, 0, sizeof *r);
  memset (&s, 0, sizeof s);
  pthread_mutex_init (&s.progress_lock, NULL);
  pthread_cond_init (&s.progress_cond, NULL);
  s.o = o;
  s.r = r;
  s.start = vs_now_monotonic ();
  r->status = run (&s);
  cleanup (&s);
  pthread_mutex_destroy (&s.progress_lock);
  pthread_cond_destroy (&s.progress_cond);
  return r->status;
}

void
vs_scan_result_free (struct vs_scan_result *r)
{
  size_t i;

  for (i = 0; i < r->nimages; i++)
    free (r->images[i].path);
  free (r->images);
  for (i = 0; i < r->nshown; i++)
    free (r->stories[i].title);
  if (r->oses)
    vs_appliance_free_oses (r->oses, r->nos);
  memset (r, 0, sizeof *r);
}

uint64_t
vs_scan_memory_estimate (const struct vs_scan_options *o)
{
  uint64_t worker = VS_WALK_MEM_WHOLE, est = VS_CHILD_DEFAULT_MEM;

  if (o->yara && o->yara_max_size > worker)
    worker = o->yara_max_size;
  est += worker * (o->jobs ? o->jobs : 1);
  if (o->data_path != VS_DATA_PATH_HOST)
    est += vs_appliance_memsize ();
  return est;
}
