/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests of fs/child.c (the sandboxed child) and fs/remote.c (a
 * filesystem served from one), the latter over a fake filesystem kept
 * in this file, since the real readers are not needed to test the
 * proxy.  What the sandbox holds is read from the kernel's own view of
 * the child (/proc/PID/status, /proc/PID/fd), not from vmscan. */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fs/child.h"
#include "fs/remote.h"
#include "base/util.h"
#include "tap.h"

static double
now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- Children for the sandbox's tests. ---- */

/* Answers every request with itself; "pread" with the first 16 bytes
 * of the descriptor given as opaque. */
static int
echo_fn (struct vs_child *ch, void *opaque)
{
  static char buf[VS_CHILD_MAX_MSG];
  int fd = opaque ? *(int *) opaque : -1;
  size_t n;
  int r;

  while ((r = vs_child_recv (ch, buf, sizeof buf, &n)) == 1) {
    if (n == 5 && memcmp (buf, "pread", 5) == 0 && fd >= 0) {
      char data[16];
      ssize_t got = pread (fd, data, sizeof data, 0);

      if (vs_child_send (ch, data, got > 0 ? (size_t) got : 1) == -1)
        return 1;
      continue;
    }
    if (vs_child_send (ch, buf, n) == -1)
      return 1;
  }
  return r == 0 ? 0 : 1;
}

/* Answers nothing: fails at the first request (exit status 1). */
static int
quit_fn (struct vs_child *ch, void *opaque)
{
  char buf[64];
  size_t n;

  vs_child_recv (ch, buf, sizeof buf, &n);
  return 3;
}

/* The value of field (e.g. "Seccomp:") in /proc/pid/status, or -1. */
static long
status_field (pid_t pid, const char *field)
{
  char path[64], line[256];
  FILE *f;
  long v = -1;

  snprintf (path, sizeof path, "/proc/%d/status", (int) pid);
  f = fopen (path, "r");
  if (!f)
    return -1;
  while (fgets (line, sizeof line, f))
    if (strncmp (line, field, strlen (field)) == 0) {
      v = strtol (line + strlen (field), NULL, 10);
      break;
    }
  fclose (f);
  return v;
}

/* The child's open descriptors other than 0-2, as a sorted list. */
static size_t
child_fds (pid_t pid, int *fds, size_t max)
{
  char path[64];
  struct dirent *d;
  size_t n = 0, i, j;
  DIR *dir;

  snprintf (path, sizeof path, "/proc/%d/fd", (int) pid);
  dir = opendir (path);
  if (!dir)
    return (size_t) -1;
  while ((d = readdir (dir)))
    if (d->d_name[0] != '.' && atoi (d->d_name) > 2 && n < max)
      fds[n++] = atoi (d->d_name);
  closedir (dir);
  for (i = 1; i < n; i++)
    for (j = i; j > 0 && fds[j - 1] > fds[j]; j--) {
      int t = fds[j];
      fds[j] = fds[j - 1];
      fds[j - 1] = t;
    }
  return n;
}

/* Starts echo_fn with hook (NULL: none) and calls it once with "hi";
 * returns the error or NULL; *secs the time the call took. */
static char *
hooked_call (const char *hook, const struct vs_child_limits *lim,
             double *secs)
{
  struct vs_child *ch = NULL;
  char *err = NULL;
  void *resp = NULL;
  size_t len;
  double t0;

  if (hook)
    setenv ("VMSCAN_TEST_HOOK", hook, 1);
  if (vs_child_start (echo_fn, NULL, NULL, 0, lim, &ch, &err) == -1) {
    unsetenv ("VMSCAN_TEST_HOOK");
    return err;
  }
  unsetenv ("VMSCAN_TEST_HOOK");
  t0 = now ();
  if (vs_child_call (ch, "hi", 2, &resp, &len, 0, &err) == 0) {
    err = vs_xasprintf ("answered %zu bytes", len);
    free (resp);
  }
  if (secs)
    *secs = now () - t0;
  vs_child_free (ch);
  return err;
}

static void
test_sandbox (void)
{
  char tmpl[] = "/tmp/unit-child-XXXXXX";
  struct vs_child *ch = NULL;
  struct vs_child_limits lim;
  char *err = NULL, *big;
  void *resp = NULL;
  size_t len, nfds, i;
  int fd, other, fds[16], ok;
  pid_t pid;
  double secs;

  /* A file to hand the child, and one not to. */
  fd = mkstemp (tmpl);
  if (fd == -1 || write (fd, "0123456789abcdef", 16) != 16)
    abort ();
  unlink (tmpl);
  other = open ("/etc/hostname", O_RDONLY | O_CLOEXEC);
  if (other == -1)
    other = open ("/dev/null", O_RDONLY);   /* no CLOEXEC: inherited */

  tap_ok (vs_child_start (echo_fn, &fd, &fd, 1, NULL, &ch, &err) == 0,
          "a child starts (%s)", err ? err : "ok");
  free (err);
  err = NULL;
  if (!ch) {
    for (i = 0; i < 12; i++)
      tap_skip ("the child did not start");
    return;
  }
  pid = vs_child_pid (ch);
  tap_ok (vs_child_call (ch, "hello", 5, &resp, &len, 0, &err) == 0
          && len == 5 && memcmp (resp, "hello", 5) == 0,
          "a request comes back (echo)");
  free (resp);
  resp = NULL;
  big = vs_xmalloc (VS_CHILD_MAX_MSG);
  for (i = 0; i < VS_CHILD_MAX_MSG; i++)
    big[i] = (char) (i * 7);
  tap_ok (vs_child_call (ch, big, VS_CHILD_MAX_MSG, &resp, &len, 0, &err)
          == 0 && len == VS_CHILD_MAX_MSG
          && memcmp (resp, big, len) == 0,
          "a message of the largest size comes back whole");
  free (resp);
  resp = NULL;
  free (big);
  tap_ok (vs_child_call (ch, "pread", 5, &resp, &len, 0, &err) == 0
          && len == 16 && memcmp (resp, "0123456789abcdef", 16) == 0,
          "the child reads the descriptor it was given");
  free (resp);
  resp = NULL;

  /* The kernel's view of the child. */
  tap_ok (status_field (pid, "Seccomp:") == 2
          && status_field (pid, "NoNewPrivs:") == 1,
          "the child runs under a seccomp filter with no new privileges "
          "(Seccomp %ld, NoNewPrivs %ld)", status_field (pid, "Seccomp:"),
          status_field (pid, "NoNewPrivs:"));
  if (getuid () == 0)
    tap_ok (status_field (pid, "Uid:") == 65534
            && status_field (pid, "Gid:") == 65534
            && status_field (pid, "Groups:") <= 0,
            "root's child runs as nobody (uid %ld, gid %ld)",
            status_field (pid, "Uid:"), status_field (pid, "Gid:"));
  else
    tap_ok (status_field (pid, "Uid:") == (long) getuid (),
            "the child keeps the caller's user (not root)");
  nfds = child_fds (pid, fds, 16);
  ok = nfds == 2 && (fds[0] == fd || fds[1] == fd);
  for (i = 0; i < nfds && nfds != (size_t) -1; i++)
    if (fds[i] == other)
      ok = 0;
  tap_ok (ok, "the child holds its socket and the given descriptor only "
          "(%zu above 2)", nfds);
  vs_child_free (ch);
  ch = NULL;
  close (other);

  /* What the sandbox forbids, and what goes wrong in a child. */
  err = hooked_call ("child-open", NULL, NULL);
  tap_ok (err && strstr (err, "SIGSYS"), "opening a file kills the child "
          "(SIGSYS): %s", err ? err : "no error");
  free (err);
  err = hooked_call ("child-socket", NULL, NULL);
  tap_ok (err && strstr (err, "SIGSYS"), "making a socket kills the child "
          "(SIGSYS): %s", err ? err : "no error");
  free (err);
  err = hooked_call ("child-crash", NULL, NULL);
  tap_ok (err && strstr (err, "SIGSEGV"), "a crash is reported: %s",
          err ? err : "no error");
  free (err);

  memset (&lim, 0, sizeof lim);
  lim.timeout_ms = 500;
  err = hooked_call ("child-hang", &lim, &secs);
  tap_ok (err && strstr (err, "stalled") && secs < 1.5,
          "a hang is reported in %.2f s: %s", secs, err ? err : "no error");
  free (err);

  memset (&lim, 0, sizeof lim);
  lim.mem_bytes = 64 * 1024 * 1024;
  err = hooked_call ("child-alloc", &lim, &secs);
#ifdef __SANITIZE_ADDRESS__
  /* AddressSanitizer's own report of the failed allocation makes system
   * calls the filter forbids. */
  tap_ok (err && (strstr (err, "SIGSYS")
                  || (strstr (err, "memory") && strstr (err, "64"))),
#else
  tap_ok (err && strstr (err, "memory") && strstr (err, "64"),
#endif
          "the memory limit ends a child that allocates (%.2f s): %s", secs,
          err ? err : "no error");
  free (err);

  memset (&lim, 0, sizeof lim);
  lim.cpu_seconds = 1;
  lim.timeout_ms = 10000;
  err = hooked_call ("child-spin", &lim, &secs);
  tap_ok (err && strstr (err, "CPU") && secs < 9,
          "the CPU limit ends a child that spins (%.2f s): %s", secs,
          err ? err : "no error");
  free (err);
}

static void
test_after (void)
{
  struct vs_child *ch = NULL;
  char *err = NULL, *err2 = NULL;
  void *resp = NULL;
  size_t len;
  int status;

  /* An exit is reported with its status, and said again. */
  if (vs_child_start (quit_fn, NULL, NULL, 0, NULL, &ch, &err) == 0) {
    int r1 = vs_child_call (ch, "x", 1, &resp, &len, 0, &err);
    int r2 = vs_child_call (ch, "x", 1, &resp, &len, 0, &err2);

    tap_ok (r1 == -1 && r2 == -1 && err && strstr (err, "exited with status 1")
            && err2 && strcmp (err, err2) == 0,
            "an exit is reported, and every later call fails alike: %s",
            err ? err : "no error");
    vs_child_free (ch);
  }
  else
    tap_ok (0, "a child starts: %s", err);
  free (err);
  free (err2);
  err = NULL;

  /* After all that, the parent starts a new one. */
  err = hooked_call (NULL, NULL, NULL);
  tap_ok (err && strcmp (err, "answered 2 bytes") == 0,
          "a new child serves after the failed ones");
  free (err);

  errno = 0;
  tap_ok (waitpid (-1, &status, WNOHANG) == -1 && errno == ECHILD,
          "no child is left, zombie or running");
}

/* ---- A fake filesystem for the remote's tests. ---- */

/* The test's own block device: the raw descriptor of a file. */
struct vs_blockdev {
  int fd;
};

#define MANY 5000
#define BIG_SIZE (3 * 1024 * 1024 + 123)

/* How the fake misbehaves, set before the child starts. */
static int fake_evil;
enum { EVIL_NONE, EVIL_SLASH_NAME, EVIL_STAT_NSEC };

struct fake_node {
  uint64_t ino;
  uint64_t parent;
  const char *name;
  uint32_t mode;
  const char *data;             /* a file's bytes, a link's target */
};

static const struct fake_node nodes[] = {
  { 2, 0, "", S_IFDIR | 0755, NULL },
  { 3, 2, "etc", S_IFDIR | 0755, NULL },
  { 4, 2, "hello.txt", S_IFREG | 0644, "Hello, world\n" },
  { 5, 2, "link", S_IFLNK | 0777, "hello.txt" },
  { 6, 2, "big.bin", S_IFREG | 0600, NULL },
  { 7, 3, "passwd", S_IFREG | 0644, "root:x:0:0::/root:/bin/sh\n" },
  { 8, 2, "many", S_IFDIR | 0700, NULL },
  { 9, 3, "broken", S_IFREG | 0644, "" },     /* its stat fails */
};

struct vs_hostfs {
  struct vs_blockdev *dev;
};

static unsigned char
big_byte (uint64_t i)
{
  return (unsigned char) ((i * 131) ^ (i >> 11));
}

static const struct fake_node *
node (uint64_t ino)
{
  size_t i;

  for (i = 0; i < VS_ARRAY_SIZE (nodes); i++)
    if (nodes[i].ino == ino)
      return &nodes[i];
  return NULL;
}

static size_t
fake_fds (const struct vs_blockdev *dev, int *fds, size_t max)
{
  if (max < 1)
    return 0;
  fds[0] = dev->fd;
  return 1;
}

static int
fake_open (struct vs_blockdev *dev, const char *fstype, struct vs_hostfs **out,
           char **errmsg)
{
  char magic[6];

  /* The superblock is read from the device, inside the sandbox. */
  if (pread (dev->fd, magic, 6, 0) != 6 || memcmp (magic, "FAKEFS", 6) != 0) {
    *errmsg = vs_xstrdup ("no fake filesystem \x1b[31mhere");
    errno = ENOTSUP;
    return -1;
  }
  *out = vs_xcalloc (1, sizeof **out);
  (*out)->dev = dev;
  return 0;
}

static const char *
fake_type (const struct vs_hostfs *fs)
{
  return "fakefs";
}

static const char *
fake_label (const struct vs_hostfs *fs)
{
  return "LABEL";
}

static const char *
fake_uuid (const struct vs_hostfs *fs)
{
  return "1234-5678";
}

static uint64_t
fake_root (const struct vs_hostfs *fs)
{
  return 2;
}

static int
fake_stat (struct vs_hostfs *fs, uint64_t ino, struct vs_hostfs_stat *st)
{
  const struct fake_node *n = node (ino);

  if (!n && !(ino >= 1000 && ino < 1000 + MANY)) {
    errno = ENOENT;
    return -1;
  }
  if (ino == 9) {
    errno = EIO;
    return -1;
  }
  memset (st, 0, sizeof *st);
  st->no_xattrs = ino != 4;     /* hello.txt has two */
  st->ino = ino;
  st->mode = n ? n->mode : S_IFREG | 0600;
  st->uid = 1000;
  st->gid = 100;
  st->nlink = 1;
  st->size = !n ? 0 : ino == 6 ? BIG_SIZE : n->data ? strlen (n->data) : 4096;
  st->blocks = (st->size + 511) / 512;
  st->mtime.tv_sec = 1700000000;
  st->mtime.tv_nsec = fake_evil == EVIL_STAT_NSEC ? 1000000000 : 5;
  st->has_btime = 1;
  st->btime.tv_sec = -1;
  return 0;
}

static int
fake_readdir (struct vs_hostfs *fs, uint64_t dir, vs_hostfs_dirent_fn *fn,
              void *opaque)
{
  size_t i;
  int r;

  if (!node (dir) || !S_ISDIR (node (dir)->mode)) {
    errno = node (dir) ? ENOTDIR : ENOENT;
    return -1;
  }
  if (dir == 8) {
    for (i = 0; i < MANY; i++) {
      char name[16];

      snprintf (name, sizeof name, "f%05zu", i);
      if ((r = fn (opaque, name, strlen (name), 1000 + i)) != 0)
        return r;
    }
    return 0;
  }
  if (fake_evil == EVIL_SLASH_NAME)
    return fn (opaque, "../etc", 6, 3);
  for (i = 0; i < VS_ARRAY_SIZE (nodes); i++)
    if (nodes[i].parent == dir
        && (r = fn (opaque, nodes[i].name, strlen (nodes[i].name),
                    nodes[i].ino)) != 0)
      return r;
  return 0;
}

static int
fake_lookup (struct vs_hostfs *fs, uint64_t dir, const char *name,
             size_t len, uint64_t *ino)
{
  size_t i;

  for (i = 0; i < VS_ARRAY_SIZE (nodes); i++)
    if (nodes[i].parent == dir && strlen (nodes[i].name) == len
        && memcmp (nodes[i].name, name, len) == 0) {
      *ino = nodes[i].ino;
      return 0;
    }
  errno = ENOENT;
  return -1;
}

static int
fake_readlink (struct vs_hostfs *fs, uint64_t ino, char **target,
               size_t *len)
{
  const struct fake_node *n = node (ino);

  if (!n || !S_ISLNK (n->mode)) {
    errno = EINVAL;
    return -1;
  }
  *len = strlen (n->data);
  *target = vs_xstrdup (n->data);
  return 0;
}

static int
fake_read (struct vs_hostfs *fs, uint64_t ino, uint64_t off, void *buf,
           size_t len, size_t *got)
{
  const struct fake_node *n = node (ino);
  uint64_t size, i;

  if (!n || !S_ISREG (n->mode)) {
    errno = EINVAL;
    return -1;
  }
  size = ino == 6 ? BIG_SIZE : strlen (n->data);
  *got = off >= size ? 0 : size - off < len ? (size_t) (size - off) : len;
  for (i = 0; i < *got; i++)
    ((unsigned char *) buf)[i] = ino == 6 ? big_byte (off + i)
      : (unsigned char) n->data[off + i];
  return 0;
}

static int
fake_getxattr (struct vs_hostfs *fs, uint64_t ino, const char *name,
               void *buf, size_t len, size_t *got)
{
  static const char cap[] = "\x01\x00\x00\x02 capability byte";
  const char *v = NULL;
  size_t vlen = 0;

  if (ino == 4 && strcmp (name, "user.test") == 0) {
    v = "value";
    vlen = 5;
  }
  else if (ino == 4 && strcmp (name, "security.capability") == 0) {
    v = cap;
    vlen = sizeof cap - 1;
  }
  if (!v) {
    errno = ENODATA;
    return -1;
  }
  *got = vlen;
  if (vlen > len) {
    errno = EFBIG;
    return -1;
  }
  memcpy (buf, v, vlen);
  return 0;
}

static void
fake_close (struct vs_hostfs *fs)
{
  free (fs);
}

static const struct vs_remote_backend fake_backend = {
  fake_fds, fake_open, fake_type, fake_label, fake_uuid, fake_root,
  fake_stat, fake_readdir, fake_lookup, fake_readlink, fake_read,
  fake_getxattr, fake_close,
  NULL, NULL,                   /* no deleted entries: ENOTSUP */
};

struct names {
  struct vs_buf b;
  size_t count, stop_at;
  int bad;
  struct vs_remote *r;          /* collect_plus: compared with its stat */
};

static int
collect (void *opaque, const char *name, size_t len, uint64_t ino)
{
  struct names *n = opaque;

  vs_buf_add (&n->b, name, len);
  vs_buf_addf (&n->b, "=%llu;", (unsigned long long) ino);
  n->count++;
  return n->stop_at && n->count == n->stop_at ? 42 : 0;
}

static int
same_stat (const struct vs_hostfs_stat *a, const struct vs_hostfs_stat *b)
{
  return a->ino == b->ino && a->mode == b->mode && a->uid == b->uid
    && a->gid == b->gid && a->nlink == b->nlink && a->size == b->size
    && a->blocks == b->blocks && a->mtime.tv_sec == b->mtime.tv_sec
    && a->mtime.tv_nsec == b->mtime.tv_nsec && a->has_btime == b->has_btime
    && a->btime.tv_sec == b->btime.tv_sec && a->deleted == b->deleted
    && a->content == b->content && a->no_xattrs == b->no_xattrs;
}

/* A PLUS entry: its name as collect records it, "!" when it came
 * without a stat; a stat that differs from the fake's own is bad. */
static int
collect_plus (void *opaque, const char *name, size_t len, uint64_t ino,
              const struct vs_hostfs_stat *st)
{
  struct names *n = opaque;
  struct vs_hostfs_stat want;

  if (st && (fake_stat (NULL, ino, &want) == -1 || !same_stat (st, &want)))
    n->bad = 1;
  if (!st)
    vs_buf_addc (&n->b, '!');
  return collect (opaque, name, len, ino);
}

static struct vs_remote *
open_fake (struct vs_blockdev *dev, const char *hook, int evil, char **err)
{
  struct vs_remote *r = NULL;

  if (hook)
    setenv ("VMSCAN_TEST_HOOK", hook, 1);
  fake_evil = evil;
  if (vs_remote_open_backend (&fake_backend, dev, NULL, NULL, &r, err) == -1)
    r = NULL;
  fake_evil = EVIL_NONE;
  unsetenv ("VMSCAN_TEST_HOOK");
  return r;
}

static void
test_remote (void)
{
  char tmpl[] = "/tmp/unit-child-dev-XXXXXX";
  struct vs_blockdev dev, nodev;
  struct vs_remote *r;
  struct vs_hostfs_stat st;
  struct names n;
  char *err = NULL, *target = NULL, xbuf[64];
  unsigned char *buf;
  size_t got = 0, len = 0, i;
  uint64_t ino = 0;
  int ok, rc;

  dev.fd = mkstemp (tmpl);
  if (dev.fd == -1 || write (dev.fd, "FAKEFS", 6) != 6)
    abort ();
  unlink (tmpl);
  nodev.fd = open ("/dev/zero", O_RDONLY | O_CLOEXEC);

  r = open_fake (&nodev, NULL, EVIL_NONE, &err);
  tap_ok (!r && errno == ENOTSUP && err
          && strcmp (err, "no fake filesystem \\x1b[31mhere") == 0,
          "a filesystem the child cannot open: its reason, made printable "
          "(%s)", err ? err : "none");
  free (err);
  err = NULL;
  close (nodev.fd);

  r = open_fake (&dev, NULL, EVIL_NONE, &err);
  tap_ok (r != NULL, "the fake filesystem opens in the child (%s)",
          err ? err : "ok");
  free (err);
  err = NULL;
  if (!r) {
    for (i = 0; i < 23; i++)
      tap_skip ("the remote did not open");
    return;
  }
  tap_ok (strcmp (vs_remote_type (r), "fakefs") == 0
          && strcmp (vs_remote_label (r), "LABEL") == 0
          && strcmp (vs_remote_uuid (r), "1234-5678") == 0
          && vs_remote_root (r) == 2, "type, label, uuid and root");

  memset (&st, 0, sizeof st);
  rc = vs_remote_stat (r, 6, &st);
  tap_ok (rc == 0 && st.ino == 6 && st.mode == (S_IFREG | 0600)
          && st.uid == 1000 && st.gid == 100 && st.size == BIG_SIZE
          && st.blocks == (BIG_SIZE + 511) / 512
          && st.mtime.tv_sec == 1700000000 && st.mtime.tv_nsec == 5
          && st.has_btime == 1 && st.btime.tv_sec == -1 && !st.deleted,
          "stat comes back field by field");
  tap_ok (vs_remote_stat (r, 99, &st) == -1 && errno == ENOENT,
          "stat of no inode: ENOENT");

  memset (&n, 0, sizeof n);
  rc = vs_remote_readdir (r, 2, collect, &n);
  tap_ok (rc == 0 && n.b.data
          && strcmp (n.b.data, "etc=3;hello.txt=4;link=5;big.bin=6;"
                     "many=8;") == 0, "readdir of the root: %s",
          n.b.data ? n.b.data : "");
  vs_buf_release (&n.b);

  memset (&n, 0, sizeof n);
  rc = vs_remote_readdir (r, 8, collect, &n);
  ok = rc == 0 && n.count == MANY;
  if (ok) {
    char want[32];

    snprintf (want, sizeof want, "f%05d=%d;", MANY - 1, 1000 + MANY - 1);
    ok = strstr (n.b.data, "f00000=1000;f00001=1001;") == n.b.data
      && strcmp (n.b.data + n.b.len - strlen (want), want) == 0;
  }
  tap_ok (ok, "a listing of %d entries, in several batches, in order "
          "(%zu)", MANY, n.count);
  vs_buf_release (&n.b);

  memset (&n, 0, sizeof n);
  n.stop_at = 10;
  rc = vs_remote_readdir (r, 8, collect, &n);
  tap_ok (rc == 42 && n.count == 10
          && vs_remote_lookup (r, 2, "link", 4, &ino) == 0 && ino == 5,
          "a listing stopped early returns the stop value, and the next "
          "call is answered right");
  vs_buf_release (&n.b);
  tap_ok (vs_remote_readdir (r, 4, collect, &n) == -1 && errno == ENOTDIR,
          "readdir of a file: ENOTDIR");
  vs_buf_release (&n.b);

  /* The same listings with their stats (what a source's walk asks). */
  memset (&n, 0, sizeof n);
  rc = vs_remote_readdir_plus (r, 2, collect_plus, &n);
  tap_ok (rc == 0 && !n.bad && n.b.data
          && strcmp (n.b.data, "etc=3;hello.txt=4;link=5;big.bin=6;"
                     "many=8;") == 0, "a listing with stats: the same "
          "entries, each stat as the reader gave it: %s",
          n.b.data ? n.b.data : "");
  vs_buf_release (&n.b);
  memset (&n, 0, sizeof n);
  rc = vs_remote_readdir_plus (r, 3, collect_plus, &n);
  tap_ok (rc == 0 && !n.bad && n.b.data
          && strcmp (n.b.data, "passwd=7;!broken=9;") == 0
          && vs_remote_stat (r, 9, &st) == -1 && errno == EIO
          && vs_remote_error (r) == NULL,
          "an entry whose stat fails comes without one, and stat then "
          "gives the error: %s", n.b.data ? n.b.data : "");
  vs_buf_release (&n.b);
  memset (&n, 0, sizeof n);
  rc = vs_remote_readdir_plus (r, 8, collect_plus, &n);
  ok = rc == 0 && !n.bad && n.count == MANY;
  vs_buf_release (&n.b);
  memset (&n, 0, sizeof n);
  n.stop_at = 7;
  rc = vs_remote_readdir_plus (r, 8, collect_plus, &n);
  tap_ok (ok && rc == 42 && n.count == 7
          && vs_remote_lookup (r, 2, "link", 4, &ino) == 0 && ino == 5,
          "%d entries with their stats in several batches; stopped early, "
          "the next call is answered right", MANY);
  vs_buf_release (&n.b);
  ok = vs_remote_stat (r, 4, &st) == 0 && !st.no_xattrs
    && vs_remote_stat (r, 7, &st) == 0 && st.no_xattrs;
  tap_ok (ok, "a stat says whether the inode holds no attribute");

  tap_ok (vs_remote_lookup (r, 3, "passwd", 6, &ino) == 0 && ino == 7
          && vs_remote_lookup (r, 2, "nothing", 7, &ino) == -1
          && errno == ENOENT, "lookup finds passwd, and ENOENT for none");

  rc = vs_remote_readlink (r, 5, &target, &len);
  tap_ok (rc == 0 && len == 9 && strcmp (target, "hello.txt") == 0
          && vs_remote_readlink (r, 4, &target, &len) == -1
          && errno == EINVAL, "readlink of a link, and EINVAL for a file");
  free (target);

  buf = vs_xmalloc (BIG_SIZE + 100);
  rc = vs_remote_read (r, 4, 0, buf, 100, &got);
  tap_ok (rc == 0 && got == 13 && memcmp (buf, "Hello, world\n", 13) == 0,
          "a small file reads whole, short at its end");
  rc = vs_remote_read (r, 6, 0, buf, BIG_SIZE + 100, &got);
  ok = rc == 0 && got == BIG_SIZE;
  for (i = 0; ok && i < BIG_SIZE; i++)
    ok = buf[i] == big_byte (i);
  tap_ok (ok, "a 3 MiB file reads whole in 1 MiB chunks (%zu bytes)", got);
  rc = vs_remote_read (r, 6, BIG_SIZE - 10, buf, 1000, &got);
  ok = rc == 0 && got == 10;
  for (i = 0; ok && i < 10; i++)
    ok = buf[i] == big_byte (BIG_SIZE - 10 + i);
  tap_ok (ok, "a read at an offset near the end");
  free (buf);

  rc = vs_remote_getxattr (r, 4, "user.test", xbuf, sizeof xbuf, &got);
  ok = rc == 0 && got == 5 && memcmp (xbuf, "value", 5) == 0;
  got = 0;
  ok = ok && vs_remote_getxattr (r, 4, "security.capability", xbuf, 4, &got)
    == -1 && errno == EFBIG && got == 20;
  ok = ok && vs_remote_getxattr (r, 4, "user.none", xbuf, sizeof xbuf, &got)
    == -1 && errno == ENODATA;
  tap_ok (ok, "getxattr: a value, EFBIG with its length, ENODATA");

  memset (&n, 0, sizeof n);
  ino = 0;
  ok = vs_remote_readdir_deleted (r, 2, collect, &n) == -1
    && errno == ENOTSUP && n.count == 0;
  ok = ok && vs_remote_orphans (r, &ino, collect, &n) == -1
    && errno == ENOTSUP && n.count == 0 && ino == 0;
  ino = VS_HOSTFS_ORPHANS_DONE;
  ok = ok && vs_remote_orphans (r, &ino, collect, &n) == -1
    && errno == EINVAL;
  tap_ok (ok, "a reader without deleted entries: ENOTSUP for both "
          "listings, the cursor left alone; a finished cursor: EINVAL");
  vs_buf_release (&n.b);
  tap_ok (vs_remote_error (r) == NULL, "the child still serves");
  vs_remote_close (r);

  /* A child that answers wrong is stopped. */
  r = open_fake (&dev, "child-overlong", EVIL_NONE, &err);
  buf = vs_xmalloc (64);
  rc = r ? vs_remote_read (r, 4, 0, buf, 64, &got) : 0;
  tap_ok (r && rc == -1 && errno == EIO && vs_remote_error (r)
          && strstr (vs_remote_error (r), "80 bytes for a read of 64")
          && vs_remote_stat (r, 2, &st) == -1 && errno == EIO,
          "a child answering more than asked is killed: %s",
          r && vs_remote_error (r) ? vs_remote_error (r) : "no error");
  free (buf);
  vs_remote_close (r);
  free (err);
  err = NULL;

  r = open_fake (&dev, NULL, EVIL_SLASH_NAME, &err);
  memset (&n, 0, sizeof n);
  rc = r ? vs_remote_readdir (r, 2, collect, &n) : 0;
  tap_ok (r && rc == -1 && errno == EIO && n.count == 0
          && vs_remote_error (r) && strstr (vs_remote_error (r), "name"),
          "a name holding '/' is refused before the caller sees it");
  vs_buf_release (&n.b);
  vs_remote_close (r);
  free (err);
  err = NULL;

  r = open_fake (&dev, NULL, EVIL_STAT_NSEC, &err);
  tap_ok (r && vs_remote_stat (r, 2, &st) == -1 && errno == EIO
          && vs_remote_error (r), "a stat with 10^9 nanoseconds is refused");
  vs_remote_close (r);
  free (err);
  err = NULL;
  r = open_fake (&dev, NULL, EVIL_STAT_NSEC, &err);
  memset (&n, 0, sizeof n);
  rc = r ? vs_remote_readdir_plus (r, 2, collect_plus, &n) : 0;
  tap_ok (r && rc == -1 && errno == EIO && n.count == 0
          && vs_remote_error (r) && strstr (vs_remote_error (r), "stat"),
          "a listing carrying such a stat is refused before the caller "
          "sees an entry: %s", r && vs_remote_error (r)
          ? vs_remote_error (r) : "no error");
  vs_buf_release (&n.b);
  vs_remote_close (r);
  free (err);
  err = NULL;

  r = open_fake (&dev, "child-crash", EVIL_NONE, &err);
  tap_ok (!r && err && strstr (err, "SIGSEGV"),
          "a child crashing as the filesystem opens: %s", err ? err : "");
  free (err);
  close (dev.fd);
}

int
main (void)
{
  int status;

  tap_plan (43);
  test_sandbox ();
  test_after ();
  test_remote ();
  errno = 0;
  tap_ok (waitpid (-1, &status, WNOHANG) == -1 && errno == ECHILD,
          "no child is left after the remote's tests");
  return tap_done ();
}
