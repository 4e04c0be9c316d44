/* vmscan: read files the way the guest sees them (see guest.h).
 *
 * Design notes.  A lookup keeps the canonical guest path reached so far
 * (no symlinks, no "." or "..") and the components still to go.  Each
 * step opens the candidate afresh from the root of the filesystem whose
 * mount point is the longest prefix of it, one component at a time with
 * O_PATH | O_NOFOLLOW, so nothing on the host is ever followed; the
 * kernel's dentry cache (the FUSE view keeps entries for a day) makes the
 * repeated opens cheap.  A symlink met on the way is read with
 * readlinkat(fd, "") and its target spliced in front of what is left.
 */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guest.h"
#include "util.h"

#define VS_GUEST_MAX_PATH 4096

struct mount {
  char *point;                  /* "/", "/boot" */
  size_t len;
  int fd;                       /* O_PATH directory on the host */
};

struct vs_guest {
  struct mount *m;
  size_t n;
};

/* Successful opens, for the scan's watchdog: a check that reads guest
 * files is making progress. */
static uint64_t activity;

uint64_t
vs_guest_activity (void)
{
  return __atomic_load_n (&activity, __ATOMIC_RELAXED);
}

struct vs_guest *
vs_guest_new (void)
{
  return vs_xcalloc (1, sizeof (struct vs_guest));
}

void
vs_guest_free (struct vs_guest *g)
{
  size_t i;

  if (!g)
    return;
  for (i = 0; i < g->n; i++) {
    free (g->m[i].point);
    close (g->m[i].fd);
  }
  free (g->m);
  free (g);
}

int
vs_guest_add_mount (struct vs_guest *g, const char *mountpoint,
                    const char *host_dir)
{
  struct mount *m;
  size_t len = strlen (mountpoint);
  int fd;

  if (mountpoint[0] != '/') {
    errno = EINVAL;
    return -1;
  }
  while (len > 1 && mountpoint[len - 1] == '/')
    len--;
  fd = open (host_dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd == -1)
    return -1;
  g->m = vs_xrealloc (g->m, (g->n + 1) * sizeof *g->m);
  m = &g->m[g->n++];
  m->point = vs_xstrndup (mountpoint, len);
  m->len = len;
  m->fd = fd;
  return 0;
}

/* The mount whose point is the longest prefix of the canonical path. */
static const struct mount *
find_mount (const struct vs_guest *g, const char *path, size_t len)
{
  const struct mount *best = NULL;
  size_t i;

  for (i = 0; i < g->n; i++) {
    const struct mount *m = &g->m[i];

    if (m->len == 1) {
      if (!best)
        best = m;
      continue;
    }
    if (m->len <= len && memcmp (m->point, path, m->len) == 0
        && (len == m->len || path[m->len] == '/')
        && (!best || m->len > best->len))
      best = m;
  }
  return best;
}

/* Opens the canonical guest path: every component but the last with
 * O_PATH, the last with flags (O_NOFOLLOW always added).  Returns the fd
 * or -1 with errno. */
static int
open_canon (const struct vs_guest *g, const char *path, int flags)
{
  const struct mount *m = find_mount (g, path, strlen (path));
  const char *p;
  int fd;

  if (!m) {
    errno = ENOENT;
    return -1;
  }
  p = path + (m->len == 1 ? 0 : m->len);
  while (*p == '/')
    p++;
  __atomic_add_fetch (&activity, 1, __ATOMIC_RELAXED);
  if (*p == '\0')
    return openat (m->fd, ".", (flags & ~O_NOFOLLOW) | O_CLOEXEC);
  fd = m->fd;
  for (;;) {
    const char *slash = strchr (p, '/');
    size_t n = slash ? (size_t) (slash - p) : strlen (p);
    char name[256];
    int next, last = slash == NULL;

    if (n == 0 || n >= sizeof name) {
      if (fd != m->fd)
        close (fd);
      errno = ENAMETOOLONG;
      return -1;
    }
    memcpy (name, p, n);
    name[n] = '\0';
    next = openat (fd, name, (last ? flags : O_PATH | O_DIRECTORY)
                   | O_NOFOLLOW | O_CLOEXEC);
    if (fd != m->fd)
      close (fd);
    if (next == -1)
      return -1;
    if (last)
      return next;
    fd = next;
    p = slash + 1;
  }
}

/* Resolves path to a canonical guest path in *canon.  follow: whether a
 * symlink as the last component is followed. */
static int
resolve (const struct vs_guest *g, const char *path, int follow,
         struct vs_buf *canon)
{
  struct vs_buf rest = VS_BUF_INIT;
  unsigned links = 0;
  size_t pos = 0;
  int rc = -1;

  vs_buf_setlen (canon, 0);
  vs_buf_addc (canon, '/');
  if (strlen (path) >= VS_GUEST_MAX_PATH) {
    errno = ENAMETOOLONG;
    return -1;
  }
  vs_buf_adds (&rest, path);
  for (;;) {
    size_t start, n, save;
    struct stat st;
    int fd, more;

    while (pos < rest.len && rest.data[pos] == '/')
      pos++;
    if (pos >= rest.len)
      break;
    start = pos;
    while (pos < rest.len && rest.data[pos] != '/')
      pos++;
    n = pos - start;
    if (n == 1 && rest.data[start] == '.')
      continue;
    if (n == 2 && rest.data[start] == '.' && rest.data[start + 1] == '.') {
      char *s = strrchr (canon->data, '/');

      vs_buf_setlen (canon, s > canon->data ? (size_t) (s - canon->data)
                     : 1);
      continue;
    }
    save = canon->len;
    if (canon->len > 1)
      vs_buf_addc (canon, '/');
    vs_buf_add (canon, rest.data + start, n);
    fd = open_canon (g, canon->data, O_PATH);
    if (fd == -1)
      goto out;
    if (fstat (fd, &st) == -1) {
      close (fd);
      goto out;
    }
    {
      size_t p2 = pos;

      while (p2 < rest.len && rest.data[p2] == '/')
        p2++;
      more = p2 < rest.len;
    }
    if (S_ISLNK (st.st_mode) && (more || follow)) {
      char target[VS_GUEST_MAX_PATH];
      ssize_t tn;
      struct vs_buf next = VS_BUF_INIT;

      tn = readlinkat (fd, "", target, sizeof target);
      close (fd);
      if (tn == -1)
        goto out;
      if (tn == 0 || (size_t) tn >= sizeof target
          || memchr (target, '\0', (size_t) tn)) {
        errno = ENOENT;
        goto out;
      }
      if (++links > VS_GUEST_MAX_LINKS) {
        errno = ELOOP;
        goto out;
      }
      vs_buf_add (&next, target, (size_t) tn);
      vs_buf_addc (&next, '/');
      vs_buf_add (&next, rest.data + pos, rest.len - pos);
      if (next.len >= 4 * VS_GUEST_MAX_PATH) {
        vs_buf_release (&next);
        errno = ENAMETOOLONG;
        goto out;
      }
      vs_buf_release (&rest);
      rest = next;
      pos = 0;
      if (target[0] == '/')
        vs_buf_setlen (canon, 1);
      else
        vs_buf_setlen (canon, save);
      continue;
    }
    close (fd);
    if (more && !S_ISDIR (st.st_mode)) {
      errno = ENOTDIR;
      goto out;
    }
    if (canon->len >= VS_GUEST_MAX_PATH) {
      errno = ENAMETOOLONG;
      goto out;
    }
  }
  rc = 0;
 out:
  vs_buf_release (&rest);
  return rc;
}

int
vs_guest_stat (struct vs_guest *g, const char *path, int follow,
               struct stat *st)
{
  struct vs_buf canon = VS_BUF_INIT;
  int fd, rc = -1;

  if (resolve (g, path, follow, &canon) == 0
      && (fd = open_canon (g, canon.data, O_PATH)) != -1) {
    rc = fstat (fd, st);
    close (fd);
  }
  vs_buf_release (&canon);
  return rc;
}

int
vs_guest_realpath (struct vs_guest *g, const char *path, char **out)
{
  struct vs_buf canon = VS_BUF_INIT;

  if (resolve (g, path, 1, &canon) == -1) {
    vs_buf_release (&canon);
    return -1;
  }
  *out = vs_buf_detach (&canon, NULL);
  return 0;
}

int
vs_guest_open (struct vs_guest *g, const char *path)
{
  struct vs_buf canon = VS_BUF_INIT;
  struct stat st;
  int fd = -1;

  if (resolve (g, path, 1, &canon) == 0)
    fd = open_canon (g, canon.data, O_RDONLY | O_NONBLOCK);
  vs_buf_release (&canon);
  if (fd == -1)
    return -1;
  if (fstat (fd, &st) == -1 || !S_ISREG (st.st_mode)) {
    int e = S_ISDIR (st.st_mode) ? EISDIR : EINVAL;

    close (fd);
    errno = e;
    return -1;
  }
  return fd;
}

int
vs_guest_read (struct vs_guest *g, const char *path, size_t max,
               int truncate_ok, char **data, size_t *len)
{
  struct stat st;
  size_t want, got = 0;
  char *buf;
  int fd = vs_guest_open (g, path);

  if (fd == -1)
    return -1;
  if (fstat (fd, &st) == -1) {
    close (fd);
    return -1;
  }
  if ((uint64_t) st.st_size > max && !truncate_ok) {
    close (fd);
    errno = EFBIG;
    return -1;
  }
  want = (uint64_t) st.st_size > max ? max : (size_t) st.st_size;
  buf = vs_xmalloc (want + 1);
  while (got < want) {
    ssize_t r = read (fd, buf + got, want - got);

    if (r == -1 && errno == EINTR)
      continue;
    if (r == -1) {
      int e = errno;

      free (buf);
      close (fd);
      errno = e;
      return -1;
    }
    if (r == 0)
      break;
    got += (size_t) r;
  }
  close (fd);
  buf[got] = '\0';
  *data = buf;
  *len = got;
  return 0;
}

static int
cmp_names (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

int
vs_guest_list (struct vs_guest *g, const char *path, char ***names,
               size_t *n)
{
  struct vs_buf canon = VS_BUF_INIT;
  struct dirent *d;
  char **v = NULL;
  size_t cnt = 0, alloc = 0;
  DIR *dir;
  int fd = -1;

  if (resolve (g, path, 1, &canon) == 0)
    fd = open_canon (g, canon.data, O_RDONLY | O_DIRECTORY);
  vs_buf_release (&canon);
  if (fd == -1)
    return -1;
  dir = fdopendir (fd);
  if (!dir) {
    close (fd);
    return -1;
  }
  while ((d = readdir (dir)) != NULL && cnt < VS_GUEST_MAX_ENTRIES) {
    if (strcmp (d->d_name, ".") == 0 || strcmp (d->d_name, "..") == 0)
      continue;
    if (cnt == alloc) {
      alloc = alloc ? 2 * alloc : 32;
      v = vs_xrealloc (v, alloc * sizeof *v);
    }
    v[cnt++] = vs_xstrdup (d->d_name);
  }
  closedir (dir);
  if (cnt)
    qsort (v, cnt, sizeof *v, cmp_names);
  *names = v;
  *n = cnt;
  return 0;
}

void
vs_guest_free_list (char **names, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++)
    free (names[i]);
  free (names);
}
