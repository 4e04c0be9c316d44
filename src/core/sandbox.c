/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: a sandbox for qemu's user-space tools (see sandbox.h).
 *
 * Everything the child needs is worked out before the fork (paths,
 * flags, the image's path and identity), because the child of a process
 * with threads may make only async-signal-safe calls: after fork it
 * makes system calls and nothing else.  A step that fails in the child
 * writes its number and errno on a close-on-exec pipe and exits; the
 * pipe closing without a word means the exec succeeded.
 *
 * The image is bound from vmscan's descriptor itself: open_tree(2)
 * clones a mount of just that file before the fork, and the child
 * attaches it with move_mount(2); no path is looked up.  (A plain bind
 * of /proc/self/fd/N fails once the child has its own mount namespace:
 * the source must be a mount of the caller's namespace.)  Without root,
 * open_tree is not allowed: the child then finds the image again by the
 * name the kernel gives for the descriptor and checks it is the same
 * device and inode before binding it.
 *
 * The child: its own process group (a ^C is for vmscan to handle in
 * order), killed when vmscan dies, new mount, network, IPC and UTS
 * namespaces (and a user namespace when not root), every mount private,
 * a tmpfs on /tmp built into the new root, pivot_root into it, the old
 * root detached, the new root made read-only, capabilities and new
 * privileges given up, every other descriptor closed at exec.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/sandbox.h"
#include "base/util.h"

/* The tmpfs mounted on it becomes the new root; any directory of the
 * host would do, and /tmp is always there. */
#define STAGE "/tmp"
/* The new root holds a few directories, empty files as mount points and
 * symlinks: 64 KiB and 64 inodes are ample, and a tool that wanted to
 * write there could not fill the host's memory (it is read-only anyway
 * once built). */
#define STAGE_OPTIONS "mode=0755,size=64k,nr_inodes=64"
/* Top-level entries of the host's root a tool may need to exec: on a
 * merged-/usr system they are symlinks into /usr, elsewhere
 * directories, bound read-only like /usr. */
static const char *const top_entries[] = {
  "bin", "sbin", "lib", "lib32", "lib64", "libx32",
};
static const char *const devices[] = { "null", "zero", "urandom" };
/* Descriptors are moved above this while being renumbered, so that none
 * overwrites another not yet moved. */
#define FD_SCRATCH 32
/* When close_range is missing, descriptors up to this are marked
 * close-on-exec one by one (vmscan opens far fewer). */
#define FD_SWEEP_MAX 65536
/* From <linux/mount.h>, which older C libraries' <sys/mount.h> do not
 * have and cannot be included with. */
#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef MOVE_MOUNT_F_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH 0x4
#endif

/* The steps of the child, for the message when one fails. */
enum step {
  STEP_PGID, STEP_PDEATHSIG, STEP_UNSHARE, STEP_SETGROUPS, STEP_UIDMAP,
  STEP_GIDMAP, STEP_PRIVATE, STEP_REOPEN, STEP_SAME, STEP_TMPFS, STEP_DIR,
  STEP_SYMLINK, STEP_BIND, STEP_REMOUNT, STEP_FILE, STEP_PIVOT,
  STEP_DETACH, STEP_ROOT_RO, STEP_CAPS, STEP_NNP, STEP_FDS, STEP_EXEC,
  STEP_ATTACH,
};
static const char *const step_names[] = {
  "setpgid", "PR_SET_PDEATHSIG", "unshare", "setgroups", "uid_map",
  "gid_map", "making mounts private", "opening the image again by its path",
  "checking the image is the file vmscan opened", "mounting the tmpfs root",
  "mkdir", "symlink", "bind mount", "read-only remount",
  "making a mount point", "pivot_root", "detaching the old root",
  "making the root read-only", "dropping capabilities",
  "PR_SET_NO_NEW_PRIVS", "renumbering descriptors", "exec",
  "attaching the image (move_mount)",
};

struct report {
  int step;
  int err;
};

/* A bind to make: source on the host, target in the new root. */
struct bind {
  char *source;
  char *target;
  unsigned long flags;          /* the source's own mount flags */
  int is_file;                  /* make an empty file, not a directory */
  int readonly;
};

/* A symlink to make in the new root. */
struct link {
  char *target;                 /* what it points to */
  char *path;
};

struct plan {
  int root;                     /* vmscan runs as root */
  int unshare_flags;
  char uid_map[64], gid_map[64];
  struct bind binds[VS_ARRAY_SIZE (top_entries) + 1
                    + VS_ARRAY_SIZE (devices)];
  size_t nbinds;
  struct link links[VS_ARRAY_SIZE (top_entries)];
  size_t nlinks;
  char *dev_dir;
  int image_tree;               /* open_tree clone of the image, or -1 */
  char *image_path;             /* the kernel's name for the image */
  char *image_target;
  unsigned long image_flags;
  dev_t image_dev;
  ino_t image_ino;
  int keep_dac_override;
  int last_cap;
  pid_t parent;
};

/* Mount flags a bind of a mount with these statvfs flags must keep (in
 * a user namespace they are locked: a remount without them fails). */
static unsigned long
mount_flags (unsigned long f)
{
  unsigned long m = 0;

  if (f & ST_RDONLY)
    m |= MS_RDONLY;
  if (f & ST_NOSUID)
    m |= MS_NOSUID;
  if (f & ST_NODEV)
    m |= MS_NODEV;
  if (f & ST_NOEXEC)
    m |= MS_NOEXEC;
  if (f & ST_NOATIME)
    m |= MS_NOATIME;
  if (f & ST_NODIRATIME)
    m |= MS_NODIRATIME;
  if (f & ST_RELATIME)
    m |= MS_RELATIME;
  return m;
}

static void
plan_free (struct plan *p)
{
  size_t i;

  for (i = 0; i < p->nbinds; i++) {
    free (p->binds[i].source);
    free (p->binds[i].target);
  }
  for (i = 0; i < p->nlinks; i++) {
    free (p->links[i].target);
    free (p->links[i].path);
  }
  free (p->dev_dir);
  free (p->image_path);
  free (p->image_target);
  if (p->image_tree >= 0)
    close (p->image_tree);
  p->image_tree = -1;
}

static int
add_dir_bind (struct plan *p, const char *source, char **errmsg)
{
  struct statvfs sv;
  struct bind *b = &p->binds[p->nbinds];

  if (statvfs (source, &sv) == -1) {
    *errmsg = vs_xasprintf ("cannot make the sandbox for qemu: %s: %s",
                            source, strerror (errno));
    return -1;
  }
  b->source = vs_xstrdup (source);
  b->target = vs_xasprintf ("%s%s", STAGE, source);
  b->flags = mount_flags (sv.f_flag);
  b->readonly = 1;
  p->nbinds++;
  return 0;
}

/* The highest capability number the kernel knows. */
static int
last_cap (void)
{
  char buf[16];
  int fd = open ("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);
  ssize_t n = -1;

  if (fd != -1) {
    n = read (fd, buf, sizeof buf - 1);
    close (fd);
  }
  if (n <= 0)
    return 63;                  /* drops past the last fail harmlessly */
  buf[n] = '\0';
  return atoi (buf);
}

static int
make_plan (const struct vs_sandbox_cmd *c, struct plan *p, char **errmsg)
{
  char link[64], buf[PATH_MAX];
  struct stat sb;
  struct statvfs sv;
  ssize_t n;
  size_t i;

  memset (p, 0, sizeof *p);
  p->image_tree = -1;
  p->parent = getpid ();
  p->root = geteuid () == 0;
  p->unshare_flags = CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS;
  if (!p->root) {
    p->unshare_flags |= CLONE_NEWUSER;
    snprintf (p->uid_map, sizeof p->uid_map, "%u %u 1\n",
              (unsigned) geteuid (), (unsigned) geteuid ());
    snprintf (p->gid_map, sizeof p->gid_map, "%u %u 1\n",
              (unsigned) getegid (), (unsigned) getegid ());
  }
  p->last_cap = last_cap ();

  if (lstat (STAGE, &sb) == -1 || !S_ISDIR (sb.st_mode)) {
    *errmsg = vs_xstrdup ("cannot make the sandbox for qemu: " STAGE
                          " is not a directory");
    return -1;
  }
  if (add_dir_bind (p, "/usr", errmsg) == -1)
    return -1;
  for (i = 0; i < VS_ARRAY_SIZE (top_entries); i++) {
    CLEANUP_FREE char *path = vs_xasprintf ("/%s", top_entries[i]);

    if (lstat (path, &sb) == -1)
      continue;
    if (S_ISLNK (sb.st_mode)) {
      n = readlink (path, buf, sizeof buf - 1);
      if (n <= 0)
        continue;
      buf[n] = '\0';
      p->links[p->nlinks].target = vs_xstrdup (buf);
      p->links[p->nlinks].path = vs_xasprintf ("%s%s", STAGE, path);
      p->nlinks++;
    }
    else if (S_ISDIR (sb.st_mode) && add_dir_bind (p, path, errmsg) == -1)
      return -1;
  }
  p->dev_dir = vs_xstrdup (STAGE "/dev");
  for (i = 0; i < VS_ARRAY_SIZE (devices); i++) {
    struct bind *b = &p->binds[p->nbinds++];

    b->source = vs_xasprintf ("/dev/%s", devices[i]);
    b->target = vs_xasprintf ("%s/dev/%s", STAGE, devices[i]);
    b->is_file = 1;
  }

  /* The image: the kernel's name for the file behind the descriptor,
   * and what it must still be when the child finds it by that name. */
  snprintf (link, sizeof link, "/proc/self/fd/%d", c->image_fd);
  n = readlink (link, buf, sizeof buf - 1);
  if (n <= 0 || buf[0] != '/') {
    *errmsg = vs_xasprintf ("cannot make the sandbox for qemu: the image "
                            "has no path (%s)",
                            n == -1 ? strerror (errno) : "not a file");
    return -1;
  }
  buf[n] = '\0';
  if (fstat (c->image_fd, &sb) == -1 || fstatvfs (c->image_fd, &sv) == -1) {
    *errmsg = vs_xasprintf ("cannot make the sandbox for qemu: %s",
                            strerror (errno));
    return -1;
  }
  p->image_path = vs_xstrdup (buf);
  p->image_target = vs_xstrdup (STAGE VS_SANDBOX_IMAGE);
#ifdef SYS_open_tree
  if (p->root)
    p->image_tree = (int) syscall (SYS_open_tree, c->image_fd, "",
                                   OPEN_TREE_CLONE | AT_EMPTY_PATH
                                   | O_CLOEXEC);
#endif
  p->image_flags = mount_flags (sv.f_flag);
  p->image_dev = sb.st_dev;
  p->image_ino = sb.st_ino;
  /* Root without capabilities reads a file only as its owner, group or
   * anyone: keep the one capability that lets it read the image when
   * those bits would not (a user's image scanned by root).  Nothing
   * else in the sandbox is writable, so it gives nothing more. */
  p->keep_dac_override = p->root
    && !((sb.st_uid == 0 && (sb.st_mode & S_IRUSR))
         || (sb.st_gid == 0 && (sb.st_mode & S_IRGRP))
         || (sb.st_mode & S_IROTH));
  return 0;
}

/* Child-side helpers: system calls only. */

static void __attribute__((noreturn))
child_fail (int fd, enum step step, int err)
{
  struct report r = { (int) step, err };

  (void) !write (fd, &r, sizeof r);
  _exit (127);
}

static int
write_file (const char *path, const char *s)
{
  int fd = open (path, O_WRONLY | O_CLOEXEC);
  ssize_t n;

  if (fd == -1)
    return -1;
  n = write (fd, s, strlen (s));
  close (fd);
  return n == (ssize_t) strlen (s) ? 0 : -1;
}

/* "/proc/self/fd/N" into buf (at least 32 bytes). */
static void
fd_path (char *buf, int fd)
{
  static const char prefix[] = "/proc/self/fd/";
  char digits[16];
  size_t n = 0, i;

  do {
    digits[n++] = (char) ('0' + fd % 10);
    fd /= 10;
  } while (fd > 0);
  memcpy (buf, prefix, sizeof prefix - 1);
  for (i = 0; i < n; i++)
    buf[sizeof prefix - 1 + i] = digits[n - 1 - i];
  buf[sizeof prefix - 1 + n] = '\0';
}

static int
make_mount_point (const char *path, int is_file)
{
  int fd;

  if (!is_file)
    return mkdir (path, 0755);
  fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd == -1)
    return -1;
  close (fd);
  return 0;
}

static void
drop_caps (const struct plan *p, int errfd)
{
  struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct d[2];
  int cap;

  for (cap = 0; cap <= p->last_cap; cap++) {
    if (cap == CAP_DAC_OVERRIDE && p->keep_dac_override)
      continue;
    if (prctl (PR_CAPBSET_DROP, cap, 0, 0, 0) == -1 && errno != EINVAL)
      child_fail (errfd, STEP_CAPS, errno);
  }
  /* Root's capabilities after exec come from the bounding set, the
   * inheritable set and the ambient set: empty the other two. */
  if (syscall (SYS_capget, &h, d) == -1)
    child_fail (errfd, STEP_CAPS, errno);
  d[0].inheritable = d[1].inheritable = 0;
  if (syscall (SYS_capset, &h, d) == -1)
    child_fail (errfd, STEP_CAPS, errno);
  if (prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) == -1
      && errno != EINVAL)
    child_fail (errfd, STEP_CAPS, errno);
}

/* Gives the tool its descriptors (stdin /dev/null, stdout, stderr, then
 * c->fds as 3, 4, ...), and marks every other close-on-exec.  Returns
 * the error pipe's new number. */
static int
renumber_fds (const struct vs_sandbox_cmd *c, int errfd)
{
  int src[3 + VS_SANDBOX_MAX_FDS], tmp[3 + VS_SANDBOX_MAX_FDS];
  int n = 3 + (int) c->nfds, i, null, newerr;
  struct rlimit rl;

  null = open ("/dev/null", O_RDWR | O_CLOEXEC);
  if (null == -1)
    child_fail (errfd, STEP_FDS, errno);
  src[0] = null;
  src[1] = c->out_fd >= 0 ? c->out_fd : null;
  src[2] = c->err_fd >= 0 ? c->err_fd : null;
  for (i = 0; i < (int) c->nfds; i++)
    src[3 + i] = c->fds[i];
  newerr = fcntl (errfd, F_DUPFD_CLOEXEC, FD_SCRATCH);
  if (newerr == -1)
    child_fail (errfd, STEP_FDS, errno);
  errfd = newerr;
  for (i = 0; i < n; i++) {
    tmp[i] = fcntl (src[i], F_DUPFD_CLOEXEC, FD_SCRATCH);
    if (tmp[i] == -1)
      child_fail (errfd, STEP_FDS, errno);
  }
  for (i = 0; i < n; i++)
    if (dup2 (tmp[i], i) == -1)
      child_fail (errfd, STEP_FDS, errno);
  /* Everything from n up closes at exec, the error pipe included. */
#ifdef SYS_close_range
  if (syscall (SYS_close_range, (unsigned) n, ~0U, 4 /* CLOEXEC */) == 0)
    return errfd;
#endif
  if (getrlimit (RLIMIT_NOFILE, &rl) == -1 || rl.rlim_cur > FD_SWEEP_MAX)
    rl.rlim_cur = FD_SWEEP_MAX;
  for (i = n; i < (int) rl.rlim_cur; i++)
    fcntl (i, F_SETFD, FD_CLOEXEC);
  return errfd;
}

static void __attribute__((noreturn))
child (const struct vs_sandbox_cmd *c, const struct plan *p, int errfd)
{
  static char *const envp[] = { (char *) "PATH=/usr/bin:/bin",
                                (char *) "LC_ALL=C", NULL };
  struct sigaction sa;
  sigset_t all;
  char proc[32];
  struct stat sb;
  size_t i;
  int sig, image;

  /* Default signal handling, nothing blocked, but a client that goes
   * away must not kill a server. */
  memset (&sa, 0, sizeof sa);
  sa.sa_handler = SIG_DFL;
  for (sig = 1; sig < NSIG; sig++)
    if (sig != SIGKILL && sig != SIGSTOP)
      sigaction (sig, &sa, NULL);
  sa.sa_handler = SIG_IGN;
  sigaction (SIGPIPE, &sa, NULL);
  sigemptyset (&all);
  sigprocmask (SIG_SETMASK, &all, NULL);

  if (setpgid (0, 0) == -1)
    child_fail (errfd, STEP_PGID, errno);
  if (prctl (PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) == -1)
    child_fail (errfd, STEP_PDEATHSIG, errno);
  if (getppid () != p->parent)
    _exit (127);                /* vmscan is already gone */
  if (unshare (p->unshare_flags) == -1)
    child_fail (errfd, STEP_UNSHARE, errno);
  if (!p->root) {
    if (write_file ("/proc/self/setgroups", "deny") == -1)
      child_fail (errfd, STEP_SETGROUPS, errno);
    if (write_file ("/proc/self/uid_map", p->uid_map) == -1)
      child_fail (errfd, STEP_UIDMAP, errno);
    if (write_file ("/proc/self/gid_map", p->gid_map) == -1)
      child_fail (errfd, STEP_GIDMAP, errno);
  }
  if (mount ("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) == -1)
    child_fail (errfd, STEP_PRIVATE, errno);

  /* Before the tmpfs can hide it (the image may be under /tmp). */
  image = -1;
  if (p->image_tree < 0) {
    image = open (p->image_path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (image == -1)
      child_fail (errfd, STEP_REOPEN, errno);
    if (fstat (image, &sb) == -1)
      child_fail (errfd, STEP_REOPEN, errno);
    if (sb.st_dev != p->image_dev || sb.st_ino != p->image_ino)
      child_fail (errfd, STEP_SAME, ESTALE);
  }

  if (mount ("vmscan", STAGE, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
             STAGE_OPTIONS) == -1)
    child_fail (errfd, STEP_TMPFS, errno);
  for (i = 0; i < p->nlinks; i++)
    if (symlink (p->links[i].target, p->links[i].path) == -1)
      child_fail (errfd, STEP_SYMLINK, errno);
  if (mkdir (p->dev_dir, 0755) == -1)
    child_fail (errfd, STEP_DIR, errno);
  for (i = 0; i < p->nbinds; i++) {
    const struct bind *b = &p->binds[i];

    if (make_mount_point (b->target, b->is_file) == -1)
      child_fail (errfd, b->is_file ? STEP_FILE : STEP_DIR, errno);
    if (mount (b->source, b->target, NULL, MS_BIND | MS_REC, NULL) == -1)
      child_fail (errfd, STEP_BIND, errno);
    if (b->readonly
        && mount (NULL, b->target, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY
                  | MS_NOSUID | MS_NODEV | b->flags, NULL) == -1)
      child_fail (errfd, STEP_REMOUNT, errno);
  }
  if (make_mount_point (p->image_target, 1) == -1)
    child_fail (errfd, STEP_FILE, errno);
  if (image >= 0) {
    fd_path (proc, image);
    if (mount (proc, p->image_target, NULL, MS_BIND, NULL) == -1)
      child_fail (errfd, STEP_BIND, errno);
    close (image);
  }
#ifdef SYS_move_mount
  else if (syscall (SYS_move_mount, p->image_tree, "", AT_FDCWD,
                    p->image_target, MOVE_MOUNT_F_EMPTY_PATH) == -1)
    child_fail (errfd, STEP_ATTACH, errno);
#endif
  if (mount (NULL, p->image_target, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY
             | MS_NOSUID | MS_NODEV | MS_NOEXEC | p->image_flags, NULL) == -1)
    child_fail (errfd, STEP_REMOUNT, errno);

  if (chdir (STAGE) == -1 || syscall (SYS_pivot_root, ".", ".") == -1)
    child_fail (errfd, STEP_PIVOT, errno);
  if (umount2 (".", MNT_DETACH) == -1 || chdir ("/") == -1)
    child_fail (errfd, STEP_DETACH, errno);
  if (mount (NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID
             | MS_NODEV | MS_NOEXEC, NULL) == -1)
    child_fail (errfd, STEP_ROOT_RO, errno);

  drop_caps (p, errfd);
  if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
    child_fail (errfd, STEP_NNP, errno);
  errfd = renumber_fds (c, errfd);
  execve (c->argv[0], (char *const *) c->argv, envp);
  child_fail (errfd, STEP_EXEC, errno);
}

int
vs_sandbox_spawn (const struct vs_sandbox_cmd *c, pid_t *pid, char **errmsg)
{
  struct plan p;
  struct report r;
  int pipefd[2];
  pid_t child_pid;
  ssize_t n;

  if (c->nfds > VS_SANDBOX_MAX_FDS) {
    *errmsg = vs_xstrdup ("too many descriptors for a sandboxed tool");
    return -1;
  }
  if (make_plan (c, &p, errmsg) == -1) {
    plan_free (&p);
    return -1;
  }
  if (pipe2 (pipefd, O_CLOEXEC) == -1) {
    *errmsg = vs_xasprintf ("pipe: %s", strerror (errno));
    plan_free (&p);
    return -1;
  }
  fflush (NULL);
  child_pid = fork ();
  if (child_pid == -1) {
    *errmsg = vs_xasprintf ("fork: %s", strerror (errno));
    close (pipefd[0]);
    close (pipefd[1]);
    plan_free (&p);
    return -1;
  }
  if (child_pid == 0) {
    close (pipefd[0]);
    child (c, &p, pipefd[1]);
  }
  close (pipefd[1]);
  do
    n = read (pipefd[0], &r, sizeof r);
  while (n == -1 && errno == EINTR);
  close (pipefd[0]);
  if (n != 0) {
    const char *what = n == (ssize_t) sizeof r && r.step >= 0
      && (size_t) r.step < VS_ARRAY_SIZE (step_names)
      ? step_names[r.step] : "the child failed";

    waitpid (child_pid, NULL, 0);
    if (n == (ssize_t) sizeof r && r.step == STEP_SAME)
      *errmsg = vs_xasprintf ("cannot make the sandbox for qemu: %s is no "
                              "longer the file vmscan opened", p.image_path);
    else if (n == (ssize_t) sizeof r && r.step == STEP_EXEC)
      *errmsg = vs_xasprintf ("cannot run %s in the sandbox: %s",
                              c->argv[0], strerror (r.err));
    else
      *errmsg = vs_xasprintf ("cannot make the sandbox for qemu: %s: %s",
                              what, n == (ssize_t) sizeof r
                              ? strerror (r.err) : "no reason given");
    plan_free (&p);
    return -1;
  }
  plan_free (&p);
  *pid = child_pid;
  return 0;
}

char *
vs_sandbox_find_tool (const char *name, char **errmsg)
{
  const char *path = getenv ("PATH");
  CLEANUP_FREE char *copy = vs_xstrdup (path && *path ? path
                                        : "/usr/bin:/bin");
  char *dir, *save = NULL, real[PATH_MAX];

  for (dir = strtok_r (copy, ":", &save); dir;
       dir = strtok_r (NULL, ":", &save)) {
    CLEANUP_FREE char *cand = NULL;

    if (dir[0] != '/')
      continue;
    cand = vs_xasprintf ("%s/%s", dir, name);
    if (access (cand, X_OK) != 0 || !realpath (cand, real))
      continue;
    if (strncmp (real, "/usr/", 5) != 0) {
      *errmsg = vs_xasprintf ("%s is at %s, outside /usr, where the "
                              "sandbox cannot run it", name, real);
      return NULL;
    }
    return vs_xstrdup (real);
  }
  *errmsg = vs_xasprintf ("%s not found (Debian: apt-get install "
                          "qemu-utils)", name);
  return NULL;
}
