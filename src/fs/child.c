/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: a sandboxed child process for the parsers of on-disk
 * structures (see child.h).
 *
 * The child puts its sandbox in place in this order, each step with
 * what the one before left: default signals and its own process group;
 * death with its parent thread; fds 0-2 on /dev/null and every other
 * descriptor closed but the kept ones (before anything could read a
 * descriptor it should not have); its limits, the address-space one
 * measured on itself (it inherits the parent's mappings, which can be
 * large: thread stacks, the rules, a sanitizer's shadow); nobody instead
 * of root; then the seccomp filter, built with libseccomp in the child
 * (it knows its own pid, which the rule for signals to itself needs).
 * It then says "ready" on the socket, or which step failed and why.
 *
 * In the parent every wait has a deadline (poll), every send is
 * non-blocking with MSG_NOSIGNAL, and every end of the child is reaped:
 * after the socket closes the child gets a moment to exit on its own,
 * then SIGKILL, so that a child that closed its socket and went on
 * cannot hold the parent.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <poll.h>
#include <seccomp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fs/child.h"
#include "base/bytes.h"
#include "base/util.h"

#define DEFAULT_CPU 600
#define DEFAULT_TIMEOUT_MS 30000
/* How long the child may take to put its sandbox in place. */
#define START_TIMEOUT_MS 10000
/* How long a child whose socket closed may take to exit by itself. */
#define EXIT_GRACE_MS 1000
/* Who the child becomes when it runs as root. */
#define NOBODY 65534
/* When close_range is missing, descriptors up to this are closed one by
 * one. */
#define FD_SWEEP_MAX 65536

static const char ready_msg[] = "ready";

/* The steps of the child's set-up, for the message when one fails. */
enum step {
  STEP_PGID, STEP_PDEATHSIG, STEP_NULL, STEP_FDS, STEP_STATM,
  STEP_RLIMIT, STEP_PRIVS, STEP_NNP, STEP_FILTER, STEP_LOAD,
};
static const char *const step_names[] = {
  "setpgid", "PR_SET_PDEATHSIG", "opening /dev/null",
  "closing descriptors", "reading /proc/self/statm", "setrlimit",
  "giving up root", "PR_SET_NO_NEW_PRIVS", "building the seccomp filter",
  "loading the seccomp filter",
};

struct failure {
  char tag[4];                  /* "FAIL" */
  int step;
  int err;
};

struct vs_child {
  pid_t pid;                    /* 0 once reaped */
  pid_t parent;
  int fd;                       /* this side's end of the socket */
  struct vs_child_limits lim;
  int held[VS_CHILD_MAX_FDS];
  int held_sock[VS_CHILD_MAX_FDS];
  size_t nheld;
  char hook[32];
  int hook_done;
  unsigned long hook_at;        /* the request it runs on (1: the first) */
  unsigned long requests;       /* child: requests received */
  char *failed;                 /* parent: why the child is gone */
};

static int64_t
now_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- The child's side. ---- */

static void __attribute__((noreturn))
child_fail (struct vs_child *ch, enum step step, int err)
{
  struct failure f;

  memcpy (f.tag, "FAIL", 4);
  f.step = step;
  f.err = err;
  vs_child_send (ch, &f, sizeof f);
  _exit (127);
}

static int
is_kept (const struct vs_child *ch, int fd)
{
  size_t i;

  if (fd == ch->fd)
    return 1;
  for (i = 0; i < ch->nheld; i++)
    if (ch->held[i] == fd)
      return 1;
  return 0;
}

static int
close_from_to (int lo, int hi)
{
  int fd;

  if (lo > hi)
    return 0;
#ifdef SYS_close_range
  if (syscall (SYS_close_range, (unsigned) lo, (unsigned) hi, 0) == 0)
    return 0;
#endif
  if (hi > FD_SWEEP_MAX)
    hi = FD_SWEEP_MAX;
  for (fd = lo; fd <= hi; fd++)
    close (fd);
  return 0;
}

/* fds 0, 1, 2 on /dev/null unless kept; everything else not kept
 * closed.  Returns the highest descriptor left open. */
static int
child_fds (struct vs_child *ch)
{
  int keep[VS_CHILD_MAX_FDS + 4], n = 0, i, j, t, null, lo;

  null = open ("/dev/null", O_RDWR | O_CLOEXEC);
  if (null == -1)
    child_fail (ch, STEP_NULL, errno);
  for (i = 0; i < 3; i++)
    if (!is_kept (ch, i) && i != null && dup2 (null, i) == -1)
      child_fail (ch, STEP_FDS, errno);
  if (null > 2 && !is_kept (ch, null))
    close (null);

  for (i = 0; i < 3; i++)
    keep[n++] = i;
  keep[n++] = ch->fd;
  for (i = 0; i < (int) ch->nheld; i++)
    keep[n++] = ch->held[i];
  for (i = 1; i < n; i++)       /* a few numbers: insertion sort */
    for (j = i; j > 0 && keep[j - 1] > keep[j]; j--) {
      t = keep[j];
      keep[j] = keep[j - 1];
      keep[j - 1] = t;
    }
  lo = 0;
  for (i = 0; i < n; i++) {
    if (keep[i] > lo)
      close_from_to (lo, keep[i] - 1);
    if (keep[i] + 1 > lo)
      lo = keep[i] + 1;
  }
  close_from_to (lo, ~0U >> 1);
  return keep[n - 1];
}

/* The child's address space now, from /proc/self/statm, in bytes. */
static uint64_t
child_vm_size (struct vs_child *ch)
{
  char buf[128];
  ssize_t n;
  uint64_t pages = 0;
  int fd, i;

  fd = open ("/proc/self/statm", O_RDONLY | O_CLOEXEC);
  if (fd == -1)
    child_fail (ch, STEP_STATM, errno);
  n = read (fd, buf, sizeof buf - 1);
  close (fd);
  if (n <= 0)
    child_fail (ch, STEP_STATM, n == 0 ? EIO : errno);
  for (i = 0; i < n && buf[i] >= '0' && buf[i] <= '9'; i++)
    pages = pages * 10 + (uint64_t) (buf[i] - '0');
  if (i == 0)
    child_fail (ch, STEP_STATM, EIO);
  return pages * (uint64_t) sysconf (_SC_PAGESIZE);
}

static void
set_limit (struct vs_child *ch, int resource, rlim_t soft, rlim_t hard)
{
  struct rlimit rl = { soft, hard };

  if (setrlimit (resource, &rl) == -1)
    child_fail (ch, STEP_RLIMIT, errno);
}

static void
child_limits (struct vs_child *ch, int maxfd)
{
  uint64_t vm = child_vm_size (ch);

  set_limit (ch, RLIMIT_AS, vm + ch->lim.mem_bytes, vm + ch->lim.mem_bytes);
  set_limit (ch, RLIMIT_CPU, ch->lim.cpu_seconds, ch->lim.cpu_seconds + 1);
  set_limit (ch, RLIMIT_CORE, 0, 0);
  set_limit (ch, RLIMIT_FSIZE, 0, 0);
  set_limit (ch, RLIMIT_NOFILE, (rlim_t) maxfd + 1, (rlim_t) maxfd + 1);
}

static void
child_drop_root (struct vs_child *ch)
{
  if (geteuid () != 0 && getuid () != 0)
    return;
  if (setgroups (0, NULL) == -1
      || setresgid (NOBODY, NOBODY, NOBODY) == -1
      || setresuid (NOBODY, NOBODY, NOBODY) == -1)
    child_fail (ch, STEP_PRIVS, errno);
  if (getuid () == 0 || geteuid () == 0)
    child_fail (ch, STEP_PRIVS, EPERM);
}

/* Adds rules; the first error wins. */
#define ALLOW(sys, ...) \
  (rc = rc ? rc : seccomp_rule_add (ctx, SCMP_ACT_ALLOW, SCMP_SYS (sys), \
                                    __VA_ARGS__))

static int
allow_on_fd (scmp_filter_ctx ctx, int fd, int sock, int writable)
{
  int rc = 0;

  ALLOW (read, 1, SCMP_A0 (SCMP_CMP_EQ, (scmp_datum_t) fd));
  ALLOW (readv, 1, SCMP_A0 (SCMP_CMP_EQ, (scmp_datum_t) fd));
  ALLOW (pread64, 1, SCMP_A0 (SCMP_CMP_EQ, (scmp_datum_t) fd));
  ALLOW (preadv, 1, SCMP_A0 (SCMP_CMP_EQ, (scmp_datum_t) fd));
  ALLOW (preadv2, 1, SCMP_A0 (SCMP_CMP_EQ, (scmp_datum_t) fd));
  ALLOW (lseek, 1, SCMP_A0 (SCMP_CMP_EQ, (scmp_datum_t) fd));
  ALLOW (fstat, 1, SCMP_A0 (SCMP_CMP_EQ, (scmp_datum_t) fd));
  ALLOW (newfstatat, 2, SCMP_A0 (SCMP_CMP_EQ, (scmp_datum_t) fd),
         SCMP_A3 (SCMP_CMP_MASKED_EQ, AT_EMPTY_PATH, AT_EMPTY_PATH));
  ALLOW (statx, 2, SCMP_A0 (SCMP_CMP_EQ, (scmp_datum_t) fd),
         SCMP_A2 (SCMP_CMP_MASKED_EQ, AT_EMPTY_PATH, AT_EMPTY_PATH));
  ALLOW (fcntl, 2, SCMP_A0 (SCMP_CMP_EQ, (scmp_datum_t) fd),
         SCMP_A1 (SCMP_CMP_EQ, F_GETFL));
  ALLOW (fcntl, 2, SCMP_A0 (SCMP_CMP_EQ, (scmp_datum_t) fd),
         SCMP_A1 (SCMP_CMP_EQ, F_GETFD));
  ALLOW (close, 1, SCMP_A0 (SCMP_CMP_EQ, (scmp_datum_t) fd));
  /* A hint about the reads to come (libblkid gives one). */
  ALLOW (fadvise64, 1, SCMP_A0 (SCMP_CMP_EQ, (scmp_datum_t) fd));
  if (writable) {
    ALLOW (write, 1, SCMP_A0 (SCMP_CMP_EQ, (scmp_datum_t) fd));
    ALLOW (writev, 1, SCMP_A0 (SCMP_CMP_EQ, (scmp_datum_t) fd));
  }
  if (sock) {
    ALLOW (sendto, 1, SCMP_A0 (SCMP_CMP_EQ, (scmp_datum_t) fd));
    ALLOW (sendmsg, 1, SCMP_A0 (SCMP_CMP_EQ, (scmp_datum_t) fd));
    ALLOW (recvfrom, 1, SCMP_A0 (SCMP_CMP_EQ, (scmp_datum_t) fd));
    ALLOW (recvmsg, 1, SCMP_A0 (SCMP_CMP_EQ, (scmp_datum_t) fd));
  }
  return rc;
}

static void
child_seccomp (struct vs_child *ch)
{
  scmp_filter_ctx ctx;
  size_t i;
  int rc = 0, fd;

  if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
    child_fail (ch, STEP_NNP, errno);
  ctx = seccomp_init (SCMP_ACT_KILL_PROCESS);
  if (!ctx)
    child_fail (ch, STEP_FILTER, ENOMEM);

  /* The descriptors: the socket to the parent, the kept ones (sockets
   * among them talk, files are only read), and fds 0-2 on /dev/null,
   * which libraries' messages may go to. */
  rc = allow_on_fd (ctx, ch->fd, 1, 1);
  for (i = 0; i < ch->nheld && !rc; i++)
    rc = allow_on_fd (ctx, ch->held[i], ch->held_sock[i], ch->held_sock[i]);
  for (fd = 0; fd < 3 && !rc; fd++)
    if (!is_kept (ch, fd))
      rc = allow_on_fd (ctx, fd, 0, 1);

  /* Memory, never executable. */
  ALLOW (mmap, 1, SCMP_A2 (SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
  ALLOW (mprotect, 1, SCMP_A2 (SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
  ALLOW (munmap, 0);
  ALLOW (mremap, 0);
  ALLOW (brk, 0);
  ALLOW (madvise, 0);
  /* Time, waiting, threads' locks, randomness. */
  ALLOW (clock_gettime, 0);
  ALLOW (clock_getres, 0);
  ALLOW (gettimeofday, 0);
  ALLOW (time, 0);
  ALLOW (clock_nanosleep, 0);
  ALLOW (nanosleep, 0);
  ALLOW (futex, 0);
  ALLOW (sched_yield, 0);
  ALLOW (getrandom, 0);
  ALLOW (poll, 0);
  ALLOW (ppoll, 0);
  /* Signals, to itself only (abort, raise). */
  ALLOW (rt_sigreturn, 0);
  ALLOW (rt_sigprocmask, 0);
  ALLOW (rt_sigaction, 0);
  ALLOW (sigaltstack, 0);
  ALLOW (restart_syscall, 0);
  ALLOW (tgkill, 1, SCMP_A0 (SCMP_CMP_EQ, (scmp_datum_t) getpid ()));
  /* What C libraries ask about the process (qsort asks sysinfo how much
   * memory there is). */
  ALLOW (getpid, 0);
  ALLOW (gettid, 0);
  ALLOW (getuid, 0);
  ALLOW (geteuid, 0);
  ALLOW (getgid, 0);
  ALLOW (getegid, 0);
  ALLOW (sysinfo, 0);
  ALLOW (prlimit64, 2, SCMP_A0 (SCMP_CMP_EQ, 0), SCMP_A2 (SCMP_CMP_EQ, 0));
  ALLOW (getrlimit, 0);
  ALLOW (exit, 0);
  ALLOW (exit_group, 0);
  /* A terminal check (isatty) fails instead of killing. */
  if (!rc)
    rc = seccomp_rule_add (ctx, SCMP_ACT_ERRNO (ENOTTY), SCMP_SYS (ioctl), 0);
  if (rc) {
    seccomp_release (ctx);
    child_fail (ch, STEP_FILTER, -rc);
  }
  rc = seccomp_load (ctx);
  seccomp_release (ctx);
  if (rc)
    child_fail (ch, STEP_LOAD, -rc);
}

#undef ALLOW

static void __attribute__((noreturn))
child_main (struct vs_child *ch, vs_child_fn *fn, void *opaque)
{
  struct sigaction sa;
  sigset_t none;
  int sig, maxfd;

  /* Default signal handling, nothing blocked; a parent gone away shows
   * as EPIPE, not a signal. */
  memset (&sa, 0, sizeof sa);
  sa.sa_handler = SIG_DFL;
  for (sig = 1; sig < NSIG; sig++)
    if (sig != SIGKILL && sig != SIGSTOP)
      sigaction (sig, &sa, NULL);
  sa.sa_handler = SIG_IGN;
  sigaction (SIGPIPE, &sa, NULL);
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);

  /* libtsk turns FAT's local times into seconds with mktime: in the
   * child that is UTC, as Linux's vfat driver does by default, whatever
   * the host's zone; and a zone given by a rule, not a file, is one glibc
   * never looks up again (with TZ unset it checks /etc/localtime on every
   * call, which the filter forbids). */
  setenv ("TZ", "UTC0", 1);
  tzset ();

  if (setpgid (0, 0) == -1)
    child_fail (ch, STEP_PGID, errno);
  if (prctl (PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) == -1)
    child_fail (ch, STEP_PDEATHSIG, errno);
  if (getppid () != ch->parent)
    _exit (127);                /* the parent is already gone */
  maxfd = child_fds (ch);
  child_limits (ch, maxfd);
  child_drop_root (ch);
  prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);
  child_seccomp (ch);

  if (vs_child_send (ch, ready_msg, sizeof ready_msg - 1) == -1)
    _exit (127);
  _exit (fn (ch, opaque) == 0 ? 0 : 1);
}

/* The test hooks, on the first request, or on the Nth for a hook named
 * "child-NAME@N" (a child that fails part way through a walk). */
static void
run_hook (struct vs_child *ch)
{
  volatile unsigned long spin = 0;
  struct timespec ts = { 3600, 0 };

  ch->hook_done = 1;
  if (strcmp (ch->hook, "child-crash") == 0)
    raise (SIGSEGV);
  else if (strcmp (ch->hook, "child-hang") == 0)
    for (;;)
      nanosleep (&ts, NULL);
  else if (strcmp (ch->hook, "child-spin") == 0)
    for (;;)
      spin++;
  else if (strcmp (ch->hook, "child-alloc") == 0)
    for (;;) {
      /* vs_xmalloc aborts once the limit is reached, as any allocation
       * in a reader would. */
      char *p = vs_xmalloc (1024 * 1024);

      memset (p, 0x5a, 1024 * 1024);
    }
  else if (strcmp (ch->hook, "child-open") == 0) {
    int fd = open ("/etc/hostname", O_RDONLY | O_CLOEXEC);

    vs_child_send (ch, fd >= 0 ? "opened" : "open failed",
                   fd >= 0 ? 6 : 11);
  }
  else if (strcmp (ch->hook, "child-socket") == 0) {
    int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

    vs_child_send (ch, fd >= 0 ? "socket" : "socket failed",
                   fd >= 0 ? 6 : 13);
  }
}

static int
child_read_full (int fd, void *buf, size_t len)
{
  unsigned char *p = buf;
  size_t done = 0;
  ssize_t n;

  while (done < len) {
    n = read (fd, p + done, len - done);
    if (n == -1 && errno == EINTR)
      continue;
    if (n == -1)
      return -1;
    if (n == 0)
      return done == 0 ? 0 : (errno = EIO, -1);
    done += (size_t) n;
  }
  return 1;
}

int
vs_child_recv (struct vs_child *ch, void *buf, size_t size, size_t *len)
{
  unsigned char hdr[4];
  uint32_t n;
  int r;

  r = child_read_full (ch->fd, hdr, sizeof hdr);
  if (r <= 0)
    return r;
  n = vs_le32 (hdr);
  if (n == 0 || n > VS_CHILD_MAX_MSG || n > size) {
    errno = EMSGSIZE;
    return -1;
  }
  r = child_read_full (ch->fd, buf, n);
  if (r <= 0) {
    if (r == 0)
      errno = EIO;
    return -1;
  }
  *len = n;
  ch->requests++;
  if (ch->hook[0] && !ch->hook_done && ch->requests >= ch->hook_at)
    run_hook (ch);
  return 1;
}

int
vs_child_sendv (struct vs_child *ch, const struct iovec *iov, int iovcnt)
{
  struct iovec v[9];
  unsigned char hdr[4];
  struct msghdr mh;
  size_t total = 0;
  ssize_t n;
  int i, cnt;

  if (iovcnt < 0 || iovcnt > 8) {
    errno = EINVAL;
    return -1;
  }
  v[0].iov_base = hdr;
  v[0].iov_len = sizeof hdr;
  for (i = 0; i < iovcnt; i++) {
    v[i + 1] = iov[i];
    total += iov[i].iov_len;
  }
  if (total == 0 || total > VS_CHILD_MAX_MSG) {
    errno = EMSGSIZE;
    return -1;
  }
  vs_put_le32 (hdr, (uint32_t) total);
  cnt = iovcnt + 1;
  i = 0;
  while (i < cnt) {
    memset (&mh, 0, sizeof mh);
    mh.msg_iov = v + i;
    mh.msg_iovlen = (size_t) (cnt - i);
    n = sendmsg (ch->fd, &mh, MSG_NOSIGNAL);
    if (n == -1 && errno == EINTR)
      continue;
    if (n == -1)
      return -1;
    while (i < cnt && (size_t) n >= v[i].iov_len) {
      n -= (ssize_t) v[i].iov_len;
      i++;
    }
    if (i < cnt) {
      v[i].iov_base = (char *) v[i].iov_base + n;
      v[i].iov_len -= (size_t) n;
    }
  }
  return 0;
}

int
vs_child_send (struct vs_child *ch, const void *buf, size_t len)
{
  struct iovec v = { (void *) buf, len };

  return vs_child_sendv (ch, &v, 1);
}

int
vs_child_hook (const struct vs_child *ch, const char *name)
{
  return strcmp (ch->hook, name) == 0;
}

/* ---- The parent's side. ---- */

/* What the end of the child (its wait status) means. */
static char *
describe_status (const struct vs_child *ch, int status)
{
  char mem[32];
  int sig;

  if (WIFEXITED (status))
    return WEXITSTATUS (status) == 0
      ? vs_xstrdup ("sandboxed reader exited")
      : vs_xasprintf ("sandboxed reader exited with status %d",
                      WEXITSTATUS (status));
  if (!WIFSIGNALED (status))
    return vs_xstrdup ("sandboxed reader ended");
  sig = WTERMSIG (status);
  vs_format_size (ch->lim.mem_bytes, mem);
  switch (sig) {
  case SIGSYS:
    return vs_xstrdup ("sandboxed reader was killed by the sandbox "
                       "(SIGSYS: a forbidden system call)");
  case SIGSEGV:
  case SIGBUS:
  case SIGILL:
  case SIGFPE:
    return vs_xasprintf ("sandboxed reader crashed (SIG%s)",
                         sigabbrev_np (sig));
  case SIGABRT:
    return vs_xasprintf ("sandboxed reader aborted (SIGABRT: out of memory "
                         "within its %s limit, or an internal error)", mem);
  case SIGXCPU:
    return vs_xasprintf ("sandboxed reader used up its CPU time limit "
                         "(%u s, SIGXCPU)", ch->lim.cpu_seconds);
  case SIGKILL:
    return vs_xasprintf ("sandboxed reader was killed (SIGKILL: its CPU "
                         "time limit of %u s, or the kernel's out-of-memory "
                         "killer)", ch->lim.cpu_seconds);
  default:
    return vs_xasprintf ("sandboxed reader was killed by signal %d (SIG%s)",
                         sig, sigabbrev_np (sig) ? sigabbrev_np (sig) : "?");
  }
}

/* Waits for the child to end, killing it first if kill_now or if it has
 * not ended within EXIT_GRACE_MS.  Returns its wait status, or -1 if it
 * could not be had (SIGCHLD ignored). */
static int
reap (struct vs_child *ch, int kill_now)
{
  int64_t until = now_ms () + EXIT_GRACE_MS;
  struct timespec ts = { 0, 10 * 1000 * 1000 };
  int status = 0;
  pid_t r;

  if (ch->pid <= 0)
    return -1;
  if (!kill_now)
    for (;;) {
      r = waitpid (ch->pid, &status, WNOHANG);
      if (r == ch->pid || (r == -1 && errno != EINTR)) {
        ch->pid = 0;
        return r == -1 ? -1 : status;
      }
      if (now_ms () >= until)
        break;
      nanosleep (&ts, NULL);
    }
  kill (ch->pid, SIGKILL);
  do
    r = waitpid (ch->pid, &status, 0);
  while (r == -1 && errno == EINTR);
  ch->pid = 0;
  return r == -1 ? -1 : status;
}

/* The child is done for: keeps why (taken), closes the socket, reaps. */
static void
set_failed (struct vs_child *ch, char *why)
{
  if (ch->failed)
    free (why);
  else
    ch->failed = why;
  if (ch->fd >= 0) {
    close (ch->fd);
    ch->fd = -1;
  }
  reap (ch, 1);
}

/* The socket closed or broke: the child ended, or is to be killed. */
static void
child_gone (struct vs_child *ch)
{
  int status;

  if (ch->fd >= 0) {
    close (ch->fd);
    ch->fd = -1;
  }
  status = reap (ch, 0);
  set_failed (ch, status == -1
              ? vs_xstrdup ("sandboxed reader went away")
              : describe_status (ch, status));
}

void
vs_child_kill (struct vs_child *ch, const char *why, ...)
{
  va_list ap;

  va_start (ap, why);
  set_failed (ch, vs_xvasprintf (why, ap));
  va_end (ap);
}

const char *
vs_child_failed (const struct vs_child *ch)
{
  return ch->failed;
}

pid_t
vs_child_pid (const struct vs_child *ch)
{
  return ch->pid;
}

/* Waits for fd to be ready for events until deadline.  Returns 1 when
 * ready, 0 at the deadline. */
static int
wait_fd (int fd, short events, int64_t deadline)
{
  struct pollfd p;
  int64_t left;
  int r;

  for (;;) {
    left = deadline - now_ms ();
    if (left <= 0)
      return 0;
    p.fd = fd;
    p.events = events;
    p.revents = 0;
    r = poll (&p, 1, left > 60000 ? 60000 : (int) left);
    if (r > 0)
      return 1;
    if (r == -1 && errno != EINTR)
      return 1;                 /* let the read or write say what */
  }
}

static void
stalled (struct vs_child *ch, int timeout_ms)
{
  vs_child_kill (ch, "sandboxed reader stalled: no answer in %d ms; "
                 "killed", timeout_ms);
}

/* Returns 0, or -1 once the child has failed (ch->failed says why). */
static int
parent_read_full (struct vs_child *ch, void *buf, size_t len,
                  int64_t deadline, int timeout_ms)
{
  unsigned char *p = buf;
  size_t done = 0;
  ssize_t n;

  while (done < len) {
    if (!wait_fd (ch->fd, POLLIN, deadline)) {
      stalled (ch, timeout_ms);
      return -1;
    }
    n = recv (ch->fd, p + done, len - done, MSG_DONTWAIT);
    if (n == -1 && (errno == EINTR || errno == EAGAIN))
      continue;
    if (n <= 0) {
      child_gone (ch);
      return -1;
    }
    done += (size_t) n;
  }
  return 0;
}

static int
parent_recv (struct vs_child *ch, void **resp, size_t *resplen,
             int timeout_ms, char **errmsg)
{
  unsigned char hdr[4];
  int64_t deadline;
  uint32_t n;
  void *buf;

  if (ch->failed)
    goto failed;
  if (timeout_ms <= 0)
    timeout_ms = (int) ch->lim.timeout_ms;
  deadline = now_ms () + timeout_ms;
  if (parent_read_full (ch, hdr, sizeof hdr, deadline, timeout_ms) == -1)
    goto failed;
  n = vs_le32 (hdr);
  if (n == 0 || n > VS_CHILD_MAX_MSG) {
    vs_child_kill (ch, "sandboxed reader sent a message of %" PRIu32
                   " bytes (1 to %d allowed); killed", n, VS_CHILD_MAX_MSG);
    goto failed;
  }
  buf = vs_xmalloc (n);
  if (parent_read_full (ch, buf, n, deadline, timeout_ms) == -1) {
    free (buf);
    goto failed;
  }
  *resp = buf;
  *resplen = n;
  return 0;

 failed:
  *errmsg = vs_xstrdup (ch->failed);
  return -1;
}

static int
parent_send (struct vs_child *ch, const void *req, size_t reqlen,
             int timeout_ms, char **errmsg)
{
  unsigned char hdr[4];
  struct iovec v[2];
  struct msghdr mh;
  int64_t deadline;
  ssize_t n;
  int i = 0;

  if (ch->failed)
    goto failed;
  if (reqlen == 0 || reqlen > VS_CHILD_MAX_MSG) {
    *errmsg = vs_xasprintf ("a request of %zu bytes for the sandboxed "
                            "reader (1 to %d allowed)", reqlen,
                            VS_CHILD_MAX_MSG);
    return -1;
  }
  if (timeout_ms <= 0)
    timeout_ms = (int) ch->lim.timeout_ms;
  deadline = now_ms () + timeout_ms;
  vs_put_le32 (hdr, (uint32_t) reqlen);
  v[0].iov_base = hdr;
  v[0].iov_len = sizeof hdr;
  v[1].iov_base = (void *) req;
  v[1].iov_len = reqlen;
  while (i < 2) {
    if (!wait_fd (ch->fd, POLLOUT, deadline)) {
      stalled (ch, timeout_ms);
      goto failed;
    }
    memset (&mh, 0, sizeof mh);
    mh.msg_iov = v + i;
    mh.msg_iovlen = (size_t) (2 - i);
    n = sendmsg (ch->fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n == -1 && (errno == EINTR || errno == EAGAIN))
      continue;
    if (n == -1) {
      child_gone (ch);
      goto failed;
    }
    while (i < 2 && (size_t) n >= v[i].iov_len) {
      n -= (ssize_t) v[i].iov_len;
      i++;
    }
    if (i < 2) {
      v[i].iov_base = (char *) v[i].iov_base + n;
      v[i].iov_len -= (size_t) n;
    }
  }
  return 0;

 failed:
  *errmsg = vs_xstrdup (ch->failed);
  return -1;
}

int
vs_child_call (struct vs_child *ch, const void *req, size_t reqlen,
               void **resp, size_t *resplen, int timeout_ms, char **errmsg)
{
  if (parent_send (ch, req, reqlen, timeout_ms, errmsg) == -1)
    return -1;
  return parent_recv (ch, resp, resplen, timeout_ms, errmsg);
}

int
vs_child_more (struct vs_child *ch, void **resp, size_t *resplen,
               int timeout_ms, char **errmsg)
{
  return parent_recv (ch, resp, resplen, timeout_ms, errmsg);
}

int
vs_child_start (vs_child_fn *fn, void *opaque, const int *keep_fds,
                size_t nkeep, const struct vs_child_limits *lim,
                struct vs_child **out, char **errmsg)
{
  struct vs_child *ch;
  const char *hook = getenv ("VMSCAN_TEST_HOOK");
  struct stat sb;
  void *msg = NULL;
  size_t len, i;
  int sv[2];
  pid_t pid;

  if (nkeep > VS_CHILD_MAX_FDS) {
    *errmsg = vs_xasprintf ("too many descriptors for a sandboxed reader "
                            "(%zu, at most %d)", nkeep, VS_CHILD_MAX_FDS);
    return -1;
  }
  ch = vs_xcalloc (1, sizeof *ch);
  ch->fd = -1;
  if (lim)
    ch->lim = *lim;
  if (ch->lim.mem_bytes == 0)
    ch->lim.mem_bytes = VS_CHILD_DEFAULT_MEM;
  if (ch->lim.cpu_seconds == 0)
    ch->lim.cpu_seconds = DEFAULT_CPU;
  if (ch->lim.timeout_ms == 0 || ch->lim.timeout_ms > INT32_MAX)
    ch->lim.timeout_ms = DEFAULT_TIMEOUT_MS;
  for (i = 0; i < nkeep; i++) {
    if (fstat (keep_fds[i], &sb) == -1) {
      *errmsg = vs_xasprintf ("descriptor %d for the sandboxed reader: %s",
                              keep_fds[i], strerror (errno));
      free (ch);
      return -1;
    }
    ch->held[i] = keep_fds[i];
    ch->held_sock[i] = S_ISSOCK (sb.st_mode);
  }
  ch->nheld = nkeep;
  ch->hook_at = 1;
  if (hook && strncmp (hook, "child-", 6) == 0 && strlen (hook) < sizeof ch->hook) {
    char *at;

    strcpy (ch->hook, hook);
    at = strchr (ch->hook, '@');
    if (at) {
      *at = '\0';
      ch->hook_at = strtoul (at + 1, NULL, 10);
      if (ch->hook_at < 1)
        ch->hook_at = 1;
    }
  }
  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1) {
    *errmsg = vs_xasprintf ("socketpair: %s", strerror (errno));
    free (ch);
    return -1;
  }
  ch->parent = getpid ();
  pid = fork ();
  if (pid == -1) {
    *errmsg = vs_xasprintf ("fork: %s", strerror (errno));
    close (sv[0]);
    close (sv[1]);
    free (ch);
    return -1;
  }
  if (pid == 0) {
    close (sv[0]);
    ch->fd = sv[1];
    child_main (ch, fn, opaque);
  }
  close (sv[1]);
  ch->fd = sv[0];
  ch->pid = pid;

  if (parent_recv (ch, &msg, &len, START_TIMEOUT_MS, errmsg) == -1) {
    char *why = *errmsg;

    *errmsg = vs_xasprintf ("cannot start the sandboxed reader: %s", why);
    free (why);
    vs_child_free (ch);
    return -1;
  }
  if (len == sizeof (struct failure) && memcmp (msg, "FAIL", 4) == 0) {
    struct failure f;

    memcpy (&f, msg, sizeof f);
    *errmsg = vs_xasprintf ("cannot make the sandbox for a reader: %s: %s",
                            f.step >= 0
                            && (size_t) f.step < VS_ARRAY_SIZE (step_names)
                            ? step_names[f.step] : "a step",
                            strerror (f.err));
    free (msg);
    vs_child_free (ch);
    return -1;
  }
  if (len != sizeof ready_msg - 1 || memcmp (msg, ready_msg, len) != 0) {
    *errmsg = vs_xstrdup ("cannot start the sandboxed reader: it did not "
                          "say it was ready");
    free (msg);
    vs_child_free (ch);
    return -1;
  }
  free (msg);
  *out = ch;
  return 0;
}

void
vs_child_free (struct vs_child *ch)
{
  if (!ch)
    return;
  if (ch->fd >= 0)
    close (ch->fd);
  reap (ch, 1);
  free (ch->failed);
  free (ch);
}
