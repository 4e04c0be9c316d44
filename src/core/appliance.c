/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: the libguestfs appliance: launch, inspect, mount, expose.
 *
 * State: a handle moves launched -> (inspected) -> mounted -> exposed.
 * While exposed, a child process of ours (the FUSE server) owns the
 * handle: it runs guestfs_mount_local and the FUSE loop, and this process
 * makes no libguestfs call until the child has exited.  The server is a
 * separate process, not a thread, because a process that serves FUSE
 * requests to its own threads cannot be killed: SIGKILL would leave a
 * reading thread waiting forever for an answer from a server that died
 * with it.  The child dies with us (PR_SET_PDEATHSIG), and libguestfs's
 * recovery process kills qemu if we die.  A third process, the reaper,
 * started before anything else, is told on a pipe the paths vmscan
 * makes in /tmp (the view's mount point, the servers' socket folders);
 * it waits for the end of that pipe to close, which happens however we
 * end (SIGKILL included), and then removes them, so that not even an
 * empty directory is left on the host.
 *
 * The appliance's qemu never opens an image: each is served to it over
 * NBD by qemu-storage-daemon in a sandbox (serve.h), started and checked
 * before the appliance is launched, and killed after it is shut down.
 *
 * The appliance's console and qemu's messages are kept (the last
 * VS_LOG_KEEP bytes) so that a failed launch can be explained in one line.
 */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sys/stat.h>
#include <unistd.h>

#include <guestfs.h>

#include "core/appliance.h"
#include "core/serve.h"
#include "core/source.h"
#include "base/util.h"

#define VS_LOG_KEEP 16384

struct vs_appliance {
  const struct vs_image *images;        /* the caller's */
  size_t nimages;
  struct vs_serve **servers;            /* one per image */
  guestfs_h *g;
  const char *backend;
  char version[32];
  char *host_root;
  int exposed;
  pid_t qemu_pid;
  pid_t server_pid;
  pid_t reaper_pid;
  int reaper_fd;                /* its pipe: closes when we end */
  char *last_error;             /* see last_error() */
  int kvm_stuck;                /* a KVM launch made no progress */
  pthread_mutex_t log_lock;
  struct vs_buf log;
};

int
vs_appliance_private_namespace (void)
{
  int old;

  if (geteuid () != 0)
    return 0;
  old = open ("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
  if (old == -1)
    return 0;
  if (unshare (CLONE_NEWNS) == -1) {
    close (old);
    return 0;
  }
  /* Without private propagation our mounts would appear on the host:
   * go back to the host's namespace rather than risk that.  (Source and
   * type are ignored for a propagation change; "none" rather than NULL
   * keeps valgrind from flagging the call.) */
  if (mount ("none", "/", "none", MS_REC | MS_PRIVATE, NULL) == -1) {
    if (setns (old, CLONE_NEWNS) == -1)
      vs_warn ("cannot return to the host mount namespace: %s",
               strerror (errno));
    close (old);
    return 0;
  }
  close (old);
  return 1;
}

/* libguestfs's last error on one line (it can carry the output of the
 * tools it ran, mount's "dmesg(1) may have more information" on a line
 * of its own).  Valid until the next call. */
static const char *
last_error (struct vs_appliance *a)
{
  const char *e = guestfs_last_error (a->g);

  free (a->last_error);
  a->last_error = vs_one_line (e ? e : "unknown error");
  return a->last_error;
}

static void
log_event (guestfs_h *g, void *opaque, uint64_t event, int event_handle,
           int flags, const char *buf, size_t len, const uint64_t *array,
           size_t array_len)
{
  struct vs_appliance *a = opaque;

  pthread_mutex_lock (&a->log_lock);
  vs_buf_add (&a->log, buf, len);
  if (a->log.len > 2 * VS_LOG_KEEP) {
    memmove (a->log.data, a->log.data + a->log.len - VS_LOG_KEEP,
             VS_LOG_KEEP);
    vs_buf_setlen (&a->log, VS_LOG_KEEP);
  }
  pthread_mutex_unlock (&a->log_lock);
  if (vs_verbosity >= 2) {
    vs_log_lock ();
    fwrite (buf, 1, len, stderr);
    vs_log_unlock ();
  }
}

/* The most telling line of the appliance log for a failed launch: the
 * last line from qemu, else the last non-empty line. */
static char *
log_reason (struct vs_appliance *a)
{
  char *best = NULL, *last = NULL, *line, *save = NULL, *copy;

  pthread_mutex_lock (&a->log_lock);
  copy = vs_xstrdup (a->log.data ? a->log.data : "");
  pthread_mutex_unlock (&a->log_lock);
  for (line = strtok_r (copy, "\r\n", &save); line;
       line = strtok_r (NULL, "\r\n", &save)) {
    while (*line == ' ')
      line++;
    if (!*line)
      continue;
    last = line;
    if (strstr (line, "qemu") || strstr (line, "Could not")
        || strstr (line, "error"))
      best = line;
  }
  if (!best)
    best = last;
  best = best ? vs_printable (best, strlen (best)) : NULL;
  free (copy);
  return best;
}

static int
log_mentions (struct vs_appliance *a, const char *what)
{
  int r;

  pthread_mutex_lock (&a->log_lock);
  r = a->log.data && strcasestr (a->log.data, what) != NULL;
  pthread_mutex_unlock (&a->log_lock);
  return r;
}

/* Seconds a hardware-accelerated launch has to reach the appliance's
 * init ("supermin:" on its console; a working KVM takes one or two).
 * On some hosts /dev/kvm opens and qemu then spins in the firmware
 * forever; under software emulation the same point takes about ten
 * seconds, so no bound is set there. */
#define VS_KVM_BOOT_SECONDS 30

struct boot_watch {
  struct vs_appliance *a;
  pthread_mutex_t lock;
  pthread_cond_t cond;
  int done;
};

/* Kills our children that are qemu (the appliance being launched: the
 * direct backend runs it as our child, and its pid is not known to us
 * until the launch returns). */
static void
kill_qemu_children (void)
{
  DIR *d = opendir ("/proc");
  struct dirent *de;
  pid_t self = getpid ();

  if (!d)
    return;
  while ((de = readdir (d)) != NULL) {
    char path[300], buf[512], *p;
    ssize_t len;
    int fd, ppid;

    if (de->d_name[0] < '1' || de->d_name[0] > '9')
      continue;
    snprintf (path, sizeof path, "/proc/%s/stat", de->d_name);
    fd = open (path, O_RDONLY | O_CLOEXEC);
    if (fd == -1)
      continue;
    len = read (fd, buf, sizeof buf - 1);
    close (fd);
    if (len <= 0)
      continue;
    buf[len] = '\0';
    /* pid (comm) state ppid ...: comm may hold anything, so parse from
     * its last ')'. */
    p = strrchr (buf, ')');
    if (!p || sscanf (p + 1, " %*c %d", &ppid) != 1 || ppid != self)
      continue;
    if (strncmp (strchr (buf, '(') + 1, "qemu-system", 11) == 0)
      kill ((pid_t) atoi (de->d_name), SIGKILL);
  }
  closedir (d);
}

static void *
boot_watch_main (void *opaque)
{
  struct boot_watch *bw = opaque;
  double deadline = vs_now_monotonic () + VS_KVM_BOOT_SECONDS;

  pthread_mutex_lock (&bw->lock);
  while (!bw->done) {
    struct timespec ts;

    if (log_mentions (bw->a, "supermin:"))
      break;
    if (vs_now_monotonic () >= deadline) {
      bw->a->kvm_stuck = 1;
      kill_qemu_children ();
      break;
    }
    clock_gettime (CLOCK_REALTIME, &ts);
    ts.tv_nsec += 200 * 1000 * 1000;
    if (ts.tv_nsec >= 1000 * 1000 * 1000) {
      ts.tv_sec++;
      ts.tv_nsec -= 1000 * 1000 * 1000;
    }
    pthread_cond_timedwait (&bw->cond, &bw->lock, &ts);
  }
  pthread_mutex_unlock (&bw->lock);
  return NULL;
}

/* guestfs_launch, with a bound on how long a hardware-accelerated
 * launch may take to boot. */
static int
launch_watched (struct vs_appliance *a, int tcg)
{
  struct boot_watch bw = { .a = a, .done = 0 };
  pthread_t t;
  int watching, r;

  if (tcg)
    return guestfs_launch (a->g);
  pthread_mutex_init (&bw.lock, NULL);
  pthread_cond_init (&bw.cond, NULL);
  watching = pthread_create (&t, NULL, boot_watch_main, &bw) == 0;
  r = guestfs_launch (a->g);
  if (watching) {
    pthread_mutex_lock (&bw.lock);
    bw.done = 1;
    pthread_cond_signal (&bw.cond);
    pthread_mutex_unlock (&bw.lock);
    pthread_join (t, NULL);
  }
  pthread_mutex_destroy (&bw.lock);
  pthread_cond_destroy (&bw.cond);
  return r;
}

/* A KVM that hung once hangs until the host reboots: the verdict is kept,
 * with the boot's id, in a folder of ours under /var/tmp, so that later
 * scans go straight to software emulation. */
#define VS_KVM_VERDICT_DIR "/var/tmp/vmscan-%u"

static int
boot_id (char out[64])
{
  int fd = open ("/proc/sys/kernel/random/boot_id", O_RDONLY | O_CLOEXEC);
  ssize_t n;

  if (fd == -1)
    return -1;
  n = read (fd, out, 63);
  close (fd);
  if (n <= 0)
    return -1;
  out[n] = '\0';
  out[strcspn (out, "\n")] = '\0';
  return 0;
}

/* Opens the verdict file of our folder (made 0700 and owned by us, or
 * refused), with flags for open(2).  Returns an fd or -1. */
static int
open_verdict (int flags)
{
  char dir[64], path[80];
  struct stat sb;
  int dfd, fd;

  snprintf (dir, sizeof dir, VS_KVM_VERDICT_DIR, (unsigned) geteuid ());
  if (mkdir (dir, 0700) == -1 && errno != EEXIST)
    return -1;
  dfd = open (dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dfd == -1)
    return -1;
  if (fstat (dfd, &sb) == -1 || sb.st_uid != geteuid ()
      || (sb.st_mode & 077) != 0) {
    close (dfd);
    return -1;
  }
  snprintf (path, sizeof path, "kvm-hangs");
  fd = openat (dfd, path, flags | O_NOFOLLOW | O_CLOEXEC, 0600);
  close (dfd);
  return fd;
}

static int
kvm_known_stuck (void)
{
  char id[64], seen[64];
  int fd = open_verdict (O_RDONLY);
  ssize_t n;

  if (fd == -1)
    return 0;
  n = read (fd, seen, sizeof seen - 1);
  close (fd);
  if (n <= 0 || boot_id (id) == -1)
    return 0;
  seen[n] = '\0';
  return strcmp (seen, id) == 0;
}

static void
kvm_remember_stuck (void)
{
  char id[64];
  int fd;

  if (boot_id (id) == -1)
    return;
  fd = open_verdict (O_WRONLY | O_CREAT | O_TRUNC);
  if (fd == -1)
    return;
  if (write (fd, id, strlen (id)) < 0)
    vs_debug ("cannot keep the KVM verdict: %s", strerror (errno));
  close (fd);
}

static int
try_launch (struct vs_appliance *a, int tcg, char **errmsg)
{
  size_t i;

  if (a->g)
    guestfs_close (a->g);
  vs_buf_release (&a->log);
  a->g = guestfs_create ();
  if (!a->g) {
    *errmsg = vs_xstrdup ("cannot create a libguestfs handle");
    return -1;
  }
  guestfs_set_error_handler (a->g, NULL, NULL);
  /* Nothing is ever written: no sync at shutdown (which would also be a
   * call into the appliance from a handle the FUSE server used last). */
  guestfs_set_autosync (a->g, 0);
  guestfs_set_event_callback (a->g, log_event, GUESTFS_EVENT_APPLIANCE, 0,
                              a);
  if (vs_verbosity >= 3)
    guestfs_set_verbose (a->g, 1);
  if (tcg) {
    char *settings[] = { (char *) "force_tcg", NULL };

    if (guestfs_set_backend (a->g, "direct") == -1
        || guestfs_set_backend_settings (a->g, settings) == -1) {
      *errmsg = vs_xasprintf ("cannot select software emulation: %s",
                              last_error (a));
      return -1;
    }
  }
  /* Each disk is what its server exports: raw bytes, read-only. */
  for (i = 0; i < a->nimages; i++) {
    CLEANUP_FREE char *server = vs_xasprintf ("unix:%s",
                                              vs_serve_socket (a->servers[i]));
    char *servers[] = { server, NULL };

    if (guestfs_add_drive_opts (a->g, VS_SERVE_EXPORT,
                                GUESTFS_ADD_DRIVE_OPTS_PROTOCOL, "nbd",
                                GUESTFS_ADD_DRIVE_OPTS_SERVER, servers,
                                GUESTFS_ADD_DRIVE_OPTS_READONLY, 1,
                                GUESTFS_ADD_DRIVE_OPTS_FORMAT, "raw",
                                -1) == -1) {
      *errmsg = vs_xasprintf ("%s: %s", a->images[i].path,
                              last_error (a));
      return -1;
    }
  }
  if (launch_watched (a, tcg) == -1) {
    CLEANUP_FREE char *why = log_reason (a);
    const char *e = last_error (a);

    *errmsg = vs_xasprintf ("cannot launch the appliance: %s%s%s",
                            e, why ? ": " : "",
                            why ? why : "");
    return -1;
  }
  return 0;
}

/* True if the user's environment already asks for emulation. */
static int
env_forces_tcg (void)
{
  const char *s = getenv ("LIBGUESTFS_BACKEND_SETTINGS");

  return s && strstr (s, "force_tcg") != NULL;
}

static int start_reaper (struct vs_appliance *a);
static void reap_later (struct vs_appliance *a, char kind, const char *path);

int
vs_appliance_serve (const struct vs_image *images, size_t n,
                    struct vs_appliance **out, char **errmsg)
{
  struct vs_appliance *a = vs_xcalloc (1, sizeof *a);
  size_t i;

  a->reaper_fd = -1;
  a->backend = "none";
  pthread_mutex_init (&a->log_lock, NULL);
  a->images = images;
  a->nimages = n;
  a->servers = vs_xcalloc (n ? n : 1, sizeof *a->servers);
  /* First, so that it holds none of the descriptors made below. */
  if (start_reaper (a) == -1)
    vs_debug ("cannot start the reaper: %s", strerror (errno));
  for (i = 0; i < n; i++) {
    CLEANUP_FREE char *why = NULL;

    if (vs_serve_start (&images[i], &a->servers[i], &why) == -1) {
      *errmsg = vs_xasprintf ("%s: %s", images[i].path, why);
      vs_appliance_free (a);
      return -1;
    }
    reap_later (a, 'F', vs_serve_socket (a->servers[i]));
    reap_later (a, 'D', vs_serve_dir (a->servers[i]));
  }
  *out = a;
  return 0;
}

int
vs_appliance_launch (struct vs_appliance *a, char **errmsg)
{
  struct guestfs_version *v;
  int tcg = env_forces_tcg ();

  if (!tcg && kvm_known_stuck ()) {
    vs_info ("KVM hung earlier since this host booted; using software "
             "emulation, which is slower");
    tcg = 1;
  }
  if (try_launch (a, tcg, errmsg) == -1) {
    /* qemu aborts on some hosts where /dev/kvm exists but does not work
     * ("failed to set MSR"), and spins in the firmware on others (see
     * launch_watched).  Retry without it: the images are already open
     * and checked by their servers, so a failed launch is not about
     * them, and without guestfs_set_verbose the log may not say "kvm"
     * at all. */
    if (tcg || !a->g)
      return -1;
    if (a->kvm_stuck) {
      vs_info ("hardware-accelerated (KVM) launch did not boot in %d s; "
               "retrying under software emulation, which is slower",
               VS_KVM_BOOT_SECONDS);
      kvm_remember_stuck ();
    }
    else
      vs_info ("hardware-accelerated (KVM) launch failed; retrying under "
               "software emulation, which is slower");
    free (*errmsg);
    *errmsg = NULL;
    tcg = 1;
    if (try_launch (a, tcg, errmsg) == -1)
      return -1;
  }
  a->backend = tcg || access ("/dev/kvm", R_OK | W_OK) != 0 ? "tcg" : "kvm";
  a->qemu_pid = guestfs_get_pid (a->g);
  v = guestfs_version (a->g);
  if (v) {
    snprintf (a->version, sizeof a->version, "%lld.%lld.%lld%s",
              (long long) v->major, (long long) v->minor,
              (long long) v->release, v->extra);
    guestfs_free_version (v);
  }
  return 0;
}

const char *
vs_appliance_library_version (struct vs_appliance *a)
{
  guestfs_h *g;
  struct guestfs_version *v;

  if (a->version[0])
    return a->version;
  /* A handle that is never launched knows the library's version. */
  g = guestfs_create ();
  if (!g)
    return "";
  guestfs_set_error_handler (g, NULL, NULL);
  v = guestfs_version (g);
  if (v) {
    snprintf (a->version, sizeof a->version, "%lld.%lld.%lld%s",
              (long long) v->major, (long long) v->minor,
              (long long) v->release, v->extra);
    guestfs_free_version (v);
  }
  guestfs_close (g);
  return a->version;
}

uint64_t
vs_appliance_memsize (void)
{
  guestfs_h *g = guestfs_create ();
  int mib;

  if (!g)
    return 0;
  guestfs_set_error_handler (g, NULL, NULL);
  mib = guestfs_get_memsize (g);
  guestfs_close (g);
  return mib > 0 ? (uint64_t) mib * 1024 * 1024 : 0;
}

const char *
vs_appliance_backend (const struct vs_appliance *a)
{
  return a->backend;
}

const char *
vs_appliance_version (const struct vs_appliance *a)
{
  return a->version;
}

static char *
dup_or_null (char *s)
{
  if (s && (!*s || strcmp (s, "unknown") == 0)) {
    free (s);
    return NULL;
  }
  return s;
}

static void
free_strings (char **v)
{
  size_t i;

  if (!v)
    return;
  for (i = 0; v[i]; i++)
    free (v[i]);
  free (v);
}

int
vs_appliance_inspect (struct vs_appliance *a, struct vs_os **oses,
                      size_t *n, char **errmsg)
{
  char **roots;
  size_t i, count = 0;
  struct vs_os *list;

  *oses = NULL;
  *n = 0;
  roots = guestfs_inspect_os (a->g);
  if (!roots) {
    *errmsg = vs_xasprintf ("inspection failed: %s",
                            last_error (a));
    return 0;
  }
  while (roots[count])
    count++;
  list = vs_xcalloc (count, sizeof *list);
  for (i = 0; i < count; i++) {
    struct vs_os *os = &list[i];
    const char *r = roots[i];

    os->root = vs_xstrdup (r);
    os->type = dup_or_null (guestfs_inspect_get_type (a->g, r));
    os->distro = dup_or_null (guestfs_inspect_get_distro (a->g, r));
    os->product_name = dup_or_null (guestfs_inspect_get_product_name (a->g,
                                                                      r));
    os->hostname = dup_or_null (guestfs_inspect_get_hostname (a->g, r));
    os->arch = dup_or_null (guestfs_inspect_get_arch (a->g, r));
    os->package_format =
      dup_or_null (guestfs_inspect_get_package_format (a->g, r));
    os->package_management =
      dup_or_null (guestfs_inspect_get_package_management (a->g, r));
    os->major = guestfs_inspect_get_major_version (a->g, r);
    os->minor = guestfs_inspect_get_minor_version (a->g, r);
  }
  free_strings (roots);
  *oses = list;
  *n = count;
  return 0;
}

void
vs_appliance_free_oses (struct vs_os *oses, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++) {
    free (oses[i].root);
    free (oses[i].type);
    free (oses[i].distro);
    free (oses[i].product_name);
    free (oses[i].hostname);
    free (oses[i].arch);
    free (oses[i].package_format);
    free (oses[i].package_management);
  }
  free (oses);
}

/* Finds which OS mounts device, and where.  An OS's root device is its
 * "/" whatever its fstab says: two disks cloned from one image carry
 * the same labels and UUIDs, and libguestfs resolves LABEL=... in both
 * fstabs to the same one device.  For the same reason an fstab entry
 * that resolves to another OS's root is not believed. */
static void
find_os_mount (struct vs_appliance *a, const struct vs_os *oses, size_t nos,
               struct vs_fs *fs)
{
  size_t i, j;

  for (i = 0; i < nos; i++)
    if (strcmp (oses[i].root, fs->device) == 0) {
      fs->os_mountpoint = vs_xstrdup ("/");
      fs->os_index = (int) i;
      return;
    }
  for (i = 0; i < nos; i++) {
    char **mps = guestfs_inspect_get_mountpoints (a->g, oses[i].root);

    for (j = 0; mps && mps[j] && mps[j + 1]; j += 2) {
      if (strcmp (mps[j + 1], fs->device) == 0 && !fs->os_mountpoint
          && strcmp (mps[j], "/") != 0) {
        fs->os_mountpoint = vs_xstrdup (mps[j]);
        fs->os_index = (int) i;
      }
    }
    free_strings (mps);
  }
}

/* list_filesystems leaves out encrypted volumes: find LUKS devices and
 * partitions ourselves and append them as (device, "crypto_LUKS") pairs,
 * so that what could not be scanned is on record. */
static char **
add_encrypted (struct vs_appliance *a, char **list, size_t *count)
{
  char **devs = guestfs_list_devices (a->g);
  char **parts = guestfs_list_partitions (a->g);
  char **sets[2] = { devs, parts };
  size_t k, i, j;

  for (k = 0; k < 2; k++) {
    for (i = 0; sets[k] && sets[k][i]; i++) {
      const char *d = sets[k][i];
      int known = 0;
      char *type;

      for (j = 0; j < *count; j += 2)
        if (strcmp (list[j], d) == 0)
          known = 1;
      if (known)
        continue;
      type = guestfs_vfs_type (a->g, d);
      if (type && strcmp (type, "crypto_LUKS") == 0) {
        list = vs_xrealloc (list, (*count + 3) * sizeof *list);
        list[(*count)++] = vs_xstrdup (d);
        list[(*count)++] = vs_xstrdup ("crypto_LUKS");
        list[*count] = NULL;
      }
      free (type);
    }
  }
  free_strings (devs);
  free_strings (parts);
  return list;
}

/* What list_filesystems returns, (device, type) pairs, made one device
 * at a time: devices, partitions, logical volumes, with the type from
 * vfs_type.  Whole disks with a partition table, LVM physical volumes and
 * anything vfs_type cannot name are left out. */
static char **
list_one_by_one (struct vs_appliance *a, size_t *count)
{
  char **devs = guestfs_list_devices (a->g);
  char **parts = guestfs_list_partitions (a->g);
  char **lvs = guestfs_lvs (a->g);
  char **sets[3] = { devs, parts, lvs };
  char **list = vs_xcalloc (1, sizeof *list);
  size_t k, i;

  *count = 0;
  for (k = 0; k < 3; k++) {
    for (i = 0; sets[k] && sets[k][i]; i++) {
      char *type = guestfs_vfs_type (a->g, sets[k][i]);

      if (type && *type && strcmp (type, "LVM2_member") != 0) {
        list = vs_xrealloc (list, (*count + 3) * sizeof *list);
        list[(*count)++] = vs_xstrdup (sets[k][i]);
        list[(*count)++] = type;
        list[*count] = NULL;
      }
      else
        free (type);
    }
  }
  free_strings (devs);
  free_strings (parts);
  free_strings (lvs);
  return list;
}

int
vs_appliance_list_fs (struct vs_appliance *a, const struct vs_os *oses,
                      size_t nos, struct vs_fs **fss, size_t *n,
                      char **errmsg)
{
  char **list = guestfs_list_filesystems (a->g);
  size_t count = 0, i;
  struct vs_fs *out;

  *errmsg = NULL;
  if (!list) {
    /* One bad disk (a partition table pointing past its end, say) makes
     * list_filesystems fail for all of them: look at each device,
     * partition and logical volume ourselves, and say so. */
    *errmsg = vs_xasprintf ("cannot list filesystems (%s); each device "
                            "was examined on its own instead",
                            last_error (a));
    list = list_one_by_one (a, &count);
  }
  else
    while (list[count])
      count++;
  list = add_encrypted (a, list, &count);
  count /= 2;
  out = vs_xcalloc (count, sizeof *out);
  for (i = 0; i < count; i++) {
    struct vs_fs *fs = &out[i];
    const char *type = list[2 * i + 1];

    fs->device = vs_xstrdup (list[2 * i]);
    fs->type = vs_xstrdup (type);
    fs->os_index = -1;
    fs->size = -1;
    fs->status = VS_FS_PENDING;
    if (strncmp (fs->device, "btrfsvol:", 9) == 0) {
      fs->status = VS_FS_SKIPPED;
      fs->note = vs_xstrdup ("btrfs subvolume: walked through the "
                             "filesystem's top level");
    }
    else {
      int64_t size = guestfs_blockdev_getsize64 (a->g, fs->device);

      fs->size = size >= 0 ? size : -1;
    }
    if (strcmp (type, "swap") == 0) {
      fs->status = VS_FS_SKIPPED;
      fs->note = vs_xstrdup ("swap space");
    }
    else if (strcmp (type, "unknown") == 0) {
      fs->status = VS_FS_SKIPPED;
      fs->note = vs_xstrdup ("no filesystem recognised");
    }
    else if (strcmp (type, "crypto_LUKS") == 0) {
      fs->status = VS_FS_ERROR;
      fs->note = vs_xstrdup ("LUKS-encrypted volume and no key given; "
                             "contents not scanned");
    }
    if (fs->status == VS_FS_PENDING) {
      fs->label = dup_or_null (guestfs_vfs_label (a->g, fs->device));
      fs->uuid = dup_or_null (guestfs_vfs_uuid (a->g, fs->device));
      find_os_mount (a, oses, nos, fs);
    }
  }
  free_strings (list);
  *fss = out;
  *n = count;
  return 0;
}

void
vs_appliance_free_fss (struct vs_fs *fss, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++) {
    free (fss[i].device);
    free (fss[i].type);
    free (fss[i].label);
    free (fss[i].uuid);
    free (fss[i].os_mountpoint);
    free (fss[i].walk_root);
    free (fss[i].note);
    vs_source_free (fss[i].src);
  }
  free (fss);
}

/* Mount options to try in turn: read-only first, then read-only without
 * journal replay for filesystems whose dirty journal stops a plain
 * read-only mount. */
static const char *const *
mount_options_for (const char *type)
{
  static const char *const ext[] = { "ro", "ro,noload", NULL };
  static const char *const xfs[] = { "ro", "ro,norecovery", NULL };
  static const char *const btrfs[] = { "ro,subvolid=5", "ro", NULL };
  static const char *const plain[] = { "ro", NULL };

  if (strncmp (type, "ext", 3) == 0)
    return ext;
  if (strcmp (type, "xfs") == 0)
    return xfs;
  if (strcmp (type, "btrfs") == 0)
    return btrfs;
  return plain;
}

static void unmount_view (const char *dir);

/* What the reaper can be told: "F" and a file to unlink, "D" and a
 * directory to remove (detaching a mount on it first if need be), each
 * path ending with a NUL.  vmscan makes a few such paths, each short:
 * this holds many times what it tells. */
#define VS_REAPER_BUF 8192

/* The reaper, in a child: keeps what it is told until the scan process
 * ends (the other end of fd closes with it, however it ends), then
 * removes the files, then the directories, last made first.  Only
 * async-signal-safe calls: the scan has threads. */
static void __attribute__((noreturn))
reaper (int fd)
{
  static char buf[VS_REAPER_BUF + 1];
  struct sigaction sa;
  size_t len = 0, i, end;
  char kind;

  memset (&sa, 0, sizeof sa);
  sa.sa_handler = SIG_IGN;
  sigaction (SIGINT, &sa, NULL);
  sigaction (SIGTERM, &sa, NULL);
  sigaction (SIGHUP, &sa, NULL);
  sigaction (SIGPIPE, &sa, NULL);
  /* Hold nothing of the scan's open (a listening socket kept open here
   * would leave clients of a dead server waiting). */
#ifdef SYS_close_range
  if (fd > 0)
    syscall (SYS_close_range, 0U, (unsigned) fd - 1, 0);
  syscall (SYS_close_range, (unsigned) fd + 1, ~0U, 0);
#endif
  for (;;) {
    ssize_t n = read (fd, buf + len, len < VS_REAPER_BUF
                      ? VS_REAPER_BUF - len : 1);

    if (n == -1 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    if (len < VS_REAPER_BUF)
      len += (size_t) n;
  }
  buf[len] = '\0';
  for (kind = 'F'; kind; kind = kind == 'F' ? 'D' : 0) {
    /* Last told first: the paths inside a directory go before it. */
    end = len;
    while (end > 0) {
      i = end - 1;
      while (i > 0 && buf[i - 1] != '\0')
        i--;
      if (buf[i] == kind && buf[i + 1] == '/') {
        const char *path = buf + i + 1;

        if (kind == 'F')
          unlink (path);
        else if (rmdir (path) == -1 && errno != ENOENT) {
          unmount_view (path);
          rmdir (path);
        }
      }
      end = i;
    }
  }
  _exit (0);
}

/* Starts the reaper.  Returns 0, or -1 (the scan goes on: only a kill
 * would leave its paths behind). */
static int
start_reaper (struct vs_appliance *a)
{
  int p[2];

  if (pipe2 (p, O_CLOEXEC) == -1)
    return -1;
  a->reaper_pid = fork ();
  if (a->reaper_pid == -1) {
    a->reaper_pid = 0;
    close (p[0]);
    close (p[1]);
    return -1;
  }
  if (a->reaper_pid == 0) {
    close (p[1]);
    reaper (p[0]);
  }
  close (p[0]);
  a->reaper_fd = p[1];
  return 0;
}

/* Tells the reaper to remove path (kind 'F' a file, 'D' a directory)
 * when we end. */
static void
reap_later (struct vs_appliance *a, char kind, const char *path)
{
  CLEANUP_FREE char *msg = NULL;
  size_t len;

  if (a->reaper_fd < 0 || !path)
    return;
  msg = vs_xasprintf ("%c%s", kind, path);
  len = strlen (msg) + 1;
  if (write (a->reaper_fd, msg, len) != (ssize_t) len)
    vs_debug ("cannot tell the reaper about %s: %s", path,
              strerror (errno));
}

/* The FUSE server, in the child: expose the appliance's tree on dir, say
 * so on the pipe, serve until unmounted. */
static void __attribute__((noreturn))
fuse_server (struct vs_appliance *a, pid_t parent, int ready)
{
  struct sigaction sa;
  char status = 'R';

  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (getppid () != parent)
    _exit (1);
  /* Interrupts are for the scan to handle in order; we end when it
   * unmounts us, or when it dies. */
  memset (&sa, 0, sizeof sa);
  sa.sa_handler = SIG_IGN;
  sigaction (SIGINT, &sa, NULL);
  sigaction (SIGTERM, &sa, NULL);
  sigaction (SIGHUP, &sa, NULL);
  if (guestfs_mount_local (a->g, a->host_root,
                           GUESTFS_MOUNT_LOCAL_READONLY, 1,
                           GUESTFS_MOUNT_LOCAL_OPTIONS,
                           "use_ino,nodev,nosuid,noexec,kernel_cache,"
                           "entry_timeout=86400,attr_timeout=86400,"
                           "negative_timeout=86400",
                           GUESTFS_MOUNT_LOCAL_CACHETIMEOUT, 86400,
                           -1) == -1) {
    const char *e = last_error (a);

    status = 'E';
    if (write (ready, &status, 1) == 1)
      (void) !write (ready, e, strlen (e));
    _exit (1);
  }
  if (write (ready, &status, 1) != 1)
    _exit (1);
  close (ready);
  guestfs_mount_local_run (a->g);
  _exit (0);
}

int
vs_appliance_mount_all (struct vs_appliance *a, struct vs_fs *fss, size_t n,
                        char **errmsg)
{
  size_t i;
  char tmpl[] = "/tmp/vmscan.XXXXXX";

  if (guestfs_mkmountpoint (a->g, "/vmscan") == -1) {
    *errmsg = vs_xasprintf ("cannot make a mount point in the appliance: "
                            "%s", last_error (a));
    return -1;
  }
  for (i = 0; i < n; i++) {
    if (fss[i].status != VS_FS_PENDING)
      continue;
    fss[i].walk_root = vs_xasprintf ("/vmscan/%zu", i);
    if (guestfs_mkmountpoint (a->g, fss[i].walk_root) == -1) {
      *errmsg = vs_xasprintf ("cannot make a mount point in the "
                              "appliance: %s", last_error (a));
      return -1;
    }
  }
  for (i = 0; i < n; i++) {
    const char *const *opts;
    struct vs_fs *fs = &fss[i];

    if (fs->status != VS_FS_PENDING)
      continue;
    for (opts = mount_options_for (fs->type); *opts; opts++) {
      if (guestfs_mount_options (a->g, *opts, fs->device,
                                 fs->walk_root) == 0) {
        fs->mounted = 1;
        if (opts != mount_options_for (fs->type)) {
          free (fs->note);
          fs->note = vs_xasprintf ("mounted with %s", *opts);
        }
        break;
      }
    }
    if (!fs->mounted && fs->src)
      vs_debug ("%s: the appliance cannot mount it (%s); read on the host",
                fs->device, last_error (a));
    else if (!fs->mounted) {
      fs->status = VS_FS_ERROR;
      free (fs->note);
      fs->note = vs_xasprintf ("cannot mount: %s",
                               last_error (a));
    }
  }

  /* With nothing mounted there is nothing to expose (and the FUSE
   * server, finding no filesystem, may not stay up). */
  for (i = 0; i < n && !fss[i].mounted; i++)
    ;
  if (i == n)
    return 0;

  if (!mkdtemp (tmpl)) {
    *errmsg = vs_xasprintf ("cannot make a temporary directory: %s",
                            strerror (errno));
    return -1;
  }
  a->host_root = vs_xstrdup (tmpl);
  reap_later (a, 'D', a->host_root);
  {
    int ready[2];
    pid_t parent = getpid ();
    char buf[512];
    ssize_t got;

    if (pipe2 (ready, O_CLOEXEC) == -1) {
      *errmsg = vs_xasprintf ("pipe: %s", strerror (errno));
      return -1;
    }
    fflush (NULL);
    a->server_pid = fork ();
    if (a->server_pid == -1) {
      *errmsg = vs_xasprintf ("fork: %s", strerror (errno));
      close (ready[0]);
      close (ready[1]);
      return -1;
    }
    if (a->server_pid == 0) {
      close (ready[0]);
      if (a->reaper_fd >= 0)
        close (a->reaper_fd);
      fuse_server (a, parent, ready[1]);
    }
    close (ready[1]);
    do
      got = read (ready[0], buf, sizeof buf - 1);
    while (got == -1 && errno == EINTR);
    close (ready[0]);
    if (got <= 0 || buf[0] != 'R') {
      CLEANUP_FREE char *e = got > 1 ? vs_printable (buf + 1,
                                                     (size_t) got - 1)
        : NULL;

      *errmsg = vs_xasprintf ("cannot expose the appliance's filesystems "
                              "to vmscan (FUSE): %s",
                              e ? e : "the FUSE server failed");
      waitpid (a->server_pid, NULL, 0);
      a->server_pid = 0;
      rmdir (a->host_root);
      return -1;
    }
  }
  a->exposed = 1;
  return 0;
}

const char *
vs_appliance_host_root (const struct vs_appliance *a)
{
  return a->host_root;
}

const char *
vs_appliance_server_socket (const struct vs_appliance *a, size_t i)
{
  return i < a->nimages && a->servers[i] ? vs_serve_socket (a->servers[i])
    : NULL;
}

/* Whether pid is running: a dead child not yet reaped is a zombie, state
 * Z in /proc/PID/stat.  Looks only at /proc, so it is safe from any
 * thread at any time. */
static int
process_alive (pid_t pid)
{
  char path[64], buf[512];
  const char *p;
  ssize_t n;
  int fd;

  snprintf (path, sizeof path, "/proc/%d/stat", (int) pid);
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd == -1)
    return 0;
  n = read (fd, buf, sizeof buf - 1);
  close (fd);
  if (n <= 0)
    return 0;
  buf[n] = '\0';
  p = strrchr (buf, ')');
  return !(p && p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X'));
}

int
vs_appliance_alive (struct vs_appliance *a)
{
  size_t i;

  if (!a)
    return 1;
  if (a->qemu_pid > 0 && !process_alive (a->qemu_pid))
    return 0;
  if (a->server_pid > 0 && !process_alive (a->server_pid))
    return 0;
  for (i = 0; i < a->nimages; i++)
    if (a->servers[i] && vs_serve_pid (a->servers[i]) > 0
        && !process_alive (vs_serve_pid (a->servers[i])))
      return 0;
  return 1;
}

void
vs_appliance_kill (struct vs_appliance *a)
{
  if (a && a->qemu_pid > 0)
    kill (a->qemu_pid, SIGKILL);
}

/* Unmounts the FUSE view: directly when we may (root, in our own mount
 * namespace), else with fusermount. */
static void
unmount_view (const char *dir)
{
  static const char *const tools[] = { "fusermount3", "fusermount" };
  size_t i;

  if (umount2 (dir, MNT_DETACH) == 0)
    return;
  for (i = 0; i < VS_ARRAY_SIZE (tools); i++) {
    pid_t pid = fork ();
    int status;

    if (pid == 0) {
      int devnull = open ("/dev/null", O_RDWR);

      if (devnull != -1) {
        dup2 (devnull, 1);
        dup2 (devnull, 2);
      }
      execlp (tools[i], tools[i], "-u", "-z", dir, (char *) NULL);
      _exit (127);
    }
    if (pid > 0 && waitpid (pid, &status, 0) == pid && WIFEXITED (status)
        && WEXITSTATUS (status) == 0)
      return;
  }
}

void
vs_appliance_free (struct vs_appliance *a)
{
  size_t i;

  if (!a)
    return;
  if (a->exposed) {
    int k, status;

    unmount_view (a->host_root);
    /* The server leaves its loop when unmounted; give it a few seconds,
     * then make sure. */
    for (k = 0; k < 100; k++) {
      if (waitpid (a->server_pid, &status, WNOHANG) == a->server_pid)
        break;
      usleep (50 * 1000);
    }
    if (k == 100) {
      kill (a->server_pid, SIGKILL);
      waitpid (a->server_pid, &status, 0);
    }
    a->exposed = 0;
  }
  if (a->host_root) {
    rmdir (a->host_root);
    free (a->host_root);
  }
  if (a->g) {
    guestfs_shutdown (a->g);
    guestfs_close (a->g);
  }
  /* The servers go once no qemu can ask them for more. */
  for (i = 0; i < a->nimages; i++)
    vs_serve_free (a->servers[i]);
  free (a->servers);
  if (a->reaper_pid > 0) {
    close (a->reaper_fd);
    waitpid (a->reaper_pid, NULL, 0);
  }
  vs_buf_release (&a->log);
  free (a->last_error);
  pthread_mutex_destroy (&a->log_lock);
  free (a);
}
