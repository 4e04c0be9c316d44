/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests: the guest view resolves symlinks inside the guest and
 * never on the host; the check harness and findings work end to end.
 *
 * The work of a lookup is measured by the host calls it makes: the test
 * is linked with -Wl,--wrap for openat and fstat, so the counts below are
 * of the real system calls, not of anything guest.c counts itself.  A
 * lookup that reopened every prefix from the root (as guest.c once did)
 * makes a number of openat calls quadratic in the depth, and fails the
 * linear bounds. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check-harness.h"
#include "core/guest.h"
#include "core/store.h"
#include "tap.h"
#include "base/util.h"

/* The wrapped system calls (see Makefile.am: tests_unit_guest_LDFLAGS). */
int __real_openat (int dirfd, const char *path, int flags, ...);
int __wrap_openat (int dirfd, const char *path, int flags, ...);
int __real_openat64 (int dirfd, const char *path, int flags, ...);
int __wrap_openat64 (int dirfd, const char *path, int flags, ...);
int __real_fstat (int fd, struct stat *st);
int __wrap_fstat (int fd, struct stat *st);
int __real_fstat64 (int fd, struct stat *st);
int __wrap_fstat64 (int fd, struct stat *st);

static unsigned long openat_calls;
/* When set, openat (fd, "..") fails: a lookup must reopen the parent by
 * name (as it does when the host's ".." is not the parent it came
 * from, a directory linked in two places). */
static int fail_dotdot;
/* When set, fstat fails with EIO on every fd not opened with O_PATH (the
 * file a lookup opens for reading), as a dying appliance might make it. */
static int fail_fstat_of_open_files;

static mode_t
mode_arg (int flags, va_list ap)
{
  return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE
    ? (mode_t) va_arg (ap, int) : 0;
}

int
__wrap_openat (int dirfd, const char *path, int flags, ...)
{
  va_list ap;
  mode_t mode;

  va_start (ap, flags);
  mode = mode_arg (flags, ap);
  va_end (ap);
  openat_calls++;
  if (fail_dotdot && strcmp (path, "..") == 0) {
    errno = EACCES;
    return -1;
  }
  return __real_openat (dirfd, path, flags, mode);
}

int
__wrap_openat64 (int dirfd, const char *path, int flags, ...)
{
  va_list ap;
  mode_t mode;

  va_start (ap, flags);
  mode = mode_arg (flags, ap);
  va_end (ap);
  openat_calls++;
  if (fail_dotdot && strcmp (path, "..") == 0) {
    errno = EACCES;
    return -1;
  }
  return __real_openat64 (dirfd, path, flags, mode);
}

static int
fstat_fails (int fd)
{
  int fl;

  if (!fail_fstat_of_open_files)
    return 0;
  fl = fcntl (fd, F_GETFL);
  return fl != -1 && !(fl & O_PATH);
}

int
__wrap_fstat (int fd, struct stat *st)
{
  if (fstat_fails (fd)) {
    errno = EIO;
    return -1;
  }
  return __real_fstat (fd, st);
}

int
__wrap_fstat64 (int fd, struct stat *st)
{
  if (fstat_fails (fd)) {
    errno = EIO;
    return -1;
  }
  return __real_fstat64 (fd, st);
}

/* Depths of the two chains: DEEP = 4 * SHALLOW. */
#define SHALLOW 250
#define DEEP 1000
/* Symlinks in each chain: one fewer than a lookup may follow. */
#define CHAIN_LINKS 39

/* Builds /cN: a chain of depth directories named "d" with "f" at the
 * bottom.  In CHAIN_LINKS directories spread along it, "s" is a relative
 * link to the "d" beside it; at the bottom, "up" climbs back to /cN with
 * depth "..".  *through gets a path down the chain that takes every "s"
 * instead of its "d"; *updown a path down, up through "up", and down
 * again. */
static void
make_chain (struct vs_test_guest *t, unsigned depth, char **through,
            char **updown)
{
  struct vs_buf dir = VS_BUF_INIT, via = VS_BUF_INIT, up = VS_BUF_INIT;
  char *p;
  unsigned i, step = depth / (CHAIN_LINKS + 1);

  vs_buf_addf (&dir, "/c%u", depth);
  vs_buf_addf (&via, "/c%u", depth);
  for (i = 1; i <= depth; i++) {
    if (i % step == 0 && i / step <= CHAIN_LINKS) {
      p = vs_xasprintf ("%s/s", dir.data);
      vs_test_symlink (t, p, "d");
      free (p);
      vs_buf_adds (&via, "/s");
    }
    else
      vs_buf_adds (&via, "/d");
    vs_buf_adds (&dir, "/d");
    vs_buf_adds (&up, "../");
  }
  p = vs_xasprintf ("%s/f", dir.data);
  vs_test_write (t, p, "bottom\n", 0644);
  free (p);
  p = vs_xasprintf ("%s/up", dir.data);
  vs_test_symlink (t, p, up.data);
  free (p);
  /* dir is "/cN" and depth "/d": the "/d"s are its last 2 * depth bytes. */
  *updown = vs_xasprintf ("%s/up%s/f", dir.data,
                          dir.data + dir.len - 2 * depth);
  vs_buf_adds (&via, "/f");
  *through = vs_buf_detach (&via, NULL);
  vs_buf_release (&dir);
  vs_buf_release (&up);
}

/* The lowest fd number free: a leaked fd would take it. */
static int
lowest_free_fd (void)
{
  int fd = open ("/dev/null", O_RDONLY | O_CLOEXEC);

  if (fd != -1)
    close (fd);
  return fd;
}

struct cost {
  unsigned long opens;
  uint64_t ticks;
  int ok;
};

/* Reads path (which must hold "bottom\n") and counts the work. */
static struct cost
read_cost (struct vs_guest *g, const char *path)
{
  struct cost c;
  unsigned long o = openat_calls;
  uint64_t k = vs_ticks ();
  char *data = NULL;
  size_t len;

  c.ok = vs_guest_read (g, path, 100, 0, &data, &len) == 0
    && strcmp (data, "bottom\n") == 0;
  c.opens = openat_calls - o;
  c.ticks = vs_ticks () - k;
  free (data);
  return c;
}

int
main (void)
{
  struct vs_test_guest t;
  struct vs_guest *g;
  char *data = NULL, *rp = NULL, **names = NULL;
  size_t len, n = 0;
  struct stat st;
  struct vs_finding f;
  char *via_s, *via_d, *updown_s, *updown_d;
  int fd0;

  tap_plan (29);
  vs_test_guest_init (&t);
  vs_test_write (&t, "/etc/passwd", "root:x:0:0:root:/root:/bin/bash\n",
                 0644);
  vs_test_write (&t, "/usr/bin/ls", "ls binary", 0755);
  vs_test_symlink (&t, "/bin", "usr/bin");
  vs_test_symlink (&t, "/etc/abs", "/etc/passwd");
  vs_test_symlink (&t, "/etc/up", "../../../../etc/passwd");
  vs_test_symlink (&t, "/etc/hostfile", "/proc/self/environ");
  vs_test_symlink (&t, "/loop1", "loop2");
  vs_test_symlink (&t, "/loop2", "loop1");
  vs_test_write (&t, "/boot-on-root/x", "hidden by the mount", 0644);
  make_chain (&t, SHALLOW, &via_s, &updown_s);
  make_chain (&t, DEEP, &via_d, &updown_d);
  {
    /* Absolute links that each expand to a long path: together far more
     * components than a lookup may handle. */
    struct vs_buf target = VS_BUF_INIT;
    unsigned i;

    /* /c1000/d (x 600) then ".." (x 590) is /c1000/d (x 10): the link
     * leads to itself through about 1,200 components each time. */
    vs_buf_adds (&target, "/c1000");
    for (i = 0; i < 600; i++)
      vs_buf_adds (&target, "/d");
    for (i = 0; i < 590; i++)
      vs_buf_adds (&target, "/..");
    vs_buf_adds (&target, "/a1");
    vs_test_symlink (&t, "/c1000/d/d/d/d/d/d/d/d/d/d/a1", target.data);
    vs_buf_release (&target);
  }
  vs_test_guest_scan (&t, "debian", "deb");
  g = t.ctx.guest;

  tap_ok (vs_guest_read (g, "/bin/ls", 100, 0, &data, &len) == 0
          && len == 9 && strcmp (data, "ls binary") == 0,
          "relative symlink in the middle resolved in the guest");
  free (data);
  tap_ok (vs_guest_realpath (g, "/bin/ls", &rp) == 0
          && strcmp (rp, "/usr/bin/ls") == 0, "realpath /bin/ls");
  free (rp);
  tap_ok (vs_guest_read (g, "/etc/abs", 100, 0, &data, &len) == 0
          && strncmp (data, "root:", 5) == 0,
          "absolute symlink restarts at the guest root");
  free (data);
  tap_ok (vs_guest_read (g, "/etc/up", 100, 0, &data, &len) == 0
          && strncmp (data, "root:", 5) == 0, "'..' never leaves the guest");
  free (data);
  errno = 0;
  tap_ok (vs_guest_read (g, "/etc/hostfile", 100, 0, &data, &len) == -1
          && errno == ENOENT,
          "a link to /proc/self/environ reaches nothing on the host");
  errno = 0;
  tap_ok (vs_guest_stat (g, "/loop1", 1, &st) == -1 && errno == ELOOP,
          "symlink loop gives ELOOP");
  tap_ok (vs_guest_stat (g, "/loop1", 0, &st) == 0 && S_ISLNK (st.st_mode),
          "lstat of a link does not follow it");
  errno = 0;
  tap_ok (vs_guest_read (g, "/etc/passwd", 4, 0, &data, &len) == -1
          && errno == EFBIG, "file over the limit refused");
  tap_ok (vs_guest_read (g, "/etc/passwd", 4, 1, &data, &len) == 0
          && len == 4 && strcmp (data, "root") == 0,
          "or truncated when asked");
  free (data);
  tap_ok (vs_guest_list (g, "/etc", &names, &n) == 0 && n == 4
          && strcmp (names[0], "abs") == 0, "directory listing sorted");
  vs_guest_free_list (names, n);
  errno = 0;
  tap_ok (vs_guest_read (g, "/etc", 100, 0, &data, &len) == -1
          && errno == EISDIR, "a directory is not read as a file");

  /* A second filesystem mounted at /boot-on-root hides the directory. */
  {
    char *other = vs_xasprintf ("%s/otherfs", t.tmp);

    mkdir (other, 0755);
    tap_ok (vs_guest_add_mount (g, "/boot-on-root", other) == 0
            && vs_guest_stat (g, "/boot-on-root/x", 0, &st) == -1
            && errno == ENOENT, "a mount point switches filesystems");
    free (other);
  }
  fd0 = lowest_free_fd ();      /* the view holds that mount's fd */

  /* Linear lookups: a chain 4 times as deep costs at most 4.5 times the
   * host calls and ticks, and the calls are bounded by the components
   * the test put in the path (each "s" adds one for its target). */
  {
    struct cost a = read_cost (g, via_s), b = read_cost (g, via_d);

    tap_ok (a.ok && b.ok, "a file %u and %u directories down, through %d "
            "links each, is read", SHALLOW, DEEP, CHAIN_LINKS);
    printf ("# depth %u: %lu openat, %llu ticks; depth %u: %lu openat, "
            "%llu ticks\n", SHALLOW, a.opens, (unsigned long long) a.ticks,
            DEEP, b.opens, (unsigned long long) b.ticks);
    tap_ok (b.opens <= 4.5 * a.opens + 16 && b.ticks <= 4.5 * a.ticks + 16,
            "4 times deeper costs at most 4.5 times the host calls and ticks");
    tap_ok (b.opens <= 2 * (DEEP + 2 + CHAIN_LINKS) + 16,
            "host calls bounded by the components (%lu for %u)", b.opens,
            DEEP + 2 + CHAIN_LINKS);
    a = read_cost (g, updown_s);
    b = read_cost (g, updown_d);
    tap_ok (a.ok && b.ok, "down %u, up by '..' %u times, down again: read",
            DEEP, DEEP);
    printf ("# down-up-down %u: %lu openat; %u: %lu openat\n", SHALLOW,
            a.opens, DEEP, b.opens);
    tap_ok (b.opens <= 4.5 * a.opens + 16
            && b.opens <= 2 * (3 * DEEP + 4) + 16,
            "'..' costs one host call at most (%lu for %u components)",
            b.opens, 3 * DEEP + 4);
  }
  {
    unsigned long o = openat_calls;

    errno = 0;
    tap_ok (vs_guest_stat (g, "/c1000/d/d/d/d/d/d/d/d/d/d/a1", 1, &st) == -1
            && errno == ELOOP,
            "links expanding past the component budget give ELOOP");
    tap_ok (openat_calls - o <= 4096 + 100,
            "after at most the budget of host calls (%lu)", openat_calls - o);
  }
  tap_ok (vs_guest_realpath (g, updown_d, &rp) == 0
          && strlen (rp) == strlen ("/c1000/f") + 2 * DEEP
          && strncmp (rp, "/c1000/d/d/", 11) == 0,
          "realpath through '..' many levels up is canonical");
  {
    char *rp2 = NULL;
    struct cost c;

    fail_dotdot = 1;
    c = read_cost (g, updown_d);
    tap_ok (c.ok && vs_guest_realpath (g, updown_d, &rp2) == 0
            && strcmp (rp, rp2) == 0,
            "'..' with the parent reopened by name: the same file and path "
            "(%lu openat)", c.opens);
    fail_dotdot = 0;
    free (rp2);
  }
  free (rp);
  rp = NULL;
  errno = 0;
  tap_ok (vs_guest_realpath (g, "/c250/d/../../../../../etc/./abs", &rp) == 0
          && strcmp (rp, "/etc/passwd") == 0, "'..' stops at the guest root");
  free (rp);

  /* The scan is told to stop: a lookup ends, ECANCELED. */
  vs_stop_request ("test");
  errno = 0;
  tap_ok (vs_guest_read (g, via_s, 100, 0, &data, &len) == -1
          && errno == ECANCELED, "a lookup stops when the scan must stop");
  vs_stop_reset ();

  /* fstat of the opened file fails: an error, never a stat unset. */
  fail_fstat_of_open_files = 1;
  errno = 0;
  {
    int fd = vs_guest_open (g, "/etc/passwd");
    int e = errno;

    fail_fstat_of_open_files = 0;
    tap_ok (fd == -1 && e == EIO, "vs_guest_open reports a failed fstat "
            "(fd %d, %s)", fd, strerror (e));
    if (fd != -1)
      close (fd);
  }
  tap_ok (lowest_free_fd () == fd0, "no fd left open by the lookups");
  free (via_s);
  free (via_d);
  free (updown_s);
  free (updown_d);

  tap_ok (vs_check_file_id (&t.ctx, "/usr/bin/ls", 11) > 0,
          "files row found by guest path");
  memset (&f, 0, sizeof f);
  f.check_id = "test";
  f.severity = VS_SEV_CRITICAL;
  f.category = "test";
  tap_ok (vs_check_addf (&t.ctx, &f, "title %d", 42) == 0
          && t.ctx.counts[VS_SEV_CRITICAL] == 1, "finding counted");
  data = vs_test_text (&t, "SELECT title || '|' || os_id FROM findings");
  tap_is_str (data, "title 42|1", "finding stored with the OS");
  free (data);
  tap_ok (vs_test_count (&t, "SELECT count(*) FROM files WHERE path = "
                         "'/etc/hostfile' AND type = 'symlink'") == 1,
          "the walk recorded the tree");
  vs_test_guest_free (&t);
  return tap_done ();
}
