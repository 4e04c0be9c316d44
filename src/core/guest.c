/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: read files the way the guest sees them (see guest.h).
 *
 * Design notes.  A lookup walks the path one component at a time, as a
 * kernel does, holding the directory it has reached as an O_PATH fd:
 * each step is one openat (fd, name, O_PATH | O_NOFOLLOW) relative to
 * it, so nothing on the host is ever followed and a lookup costs a
 * number of host calls linear in the components it handles.  A symlink
 * met on the way is read with readlinkat (fd, "") and its target spliced
 * in front of what is left: a relative target goes on from the directory
 * the link is in, an absolute one from the guest's root.  A component
 * whose canonical path is a mount point switches to that filesystem's
 * root.
 *
 * The lookup keeps a stack of levels, one per component of the canonical
 * path reached so far (level 0 is "/"), so that ".." is lexical: it
 * drops the last component, never above "/".  The parent's fd is used
 * when still held; else openat (child, "..") when the child is not a
 * mount root, accepted only if it is the parent's device and inode; else
 * the parent is reopened by name from the nearest mount root.
 *
 * Invariants.  Only the VS_GUEST_HELD_FDS deepest directory fds of a
 * lookup are open: a level of kind LV_DIR holds its fd if and only if
 * its index is at least l->low, and the top level always holds one
 * unless it is LV_VIRTUAL (a "/" without a filesystem, or a directory
 * that exists only as the parent of a mount point; nothing but mount
 * points lies below it).  The fds of LV_MOUNT levels belong to the view
 * and are never closed by a lookup.
 *
 * Bounds per lookup: VS_GUEST_MAX_COMPONENTS components (those of link
 * targets included), VS_GUEST_MAX_LINKS symlinks, a canonical path under
 * VS_GUEST_MAX_PATH bytes, a pending path under VS_GUEST_MAX_REST bytes.
 * Every component and every host call is a vs_tick (); a lookup that is
 * told to stop fails with ECANCELED.
 */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/guest.h"
#include "core/source.h"
#include "core/types.h"
#include "base/util.h"

/* Linux's PATH_MAX: a longer canonical path would not resolve in the
 * guest either. */
#define VS_GUEST_MAX_PATH 4096
/* Components one lookup handles, link targets included.  A canonical
 * path has at most VS_GUEST_MAX_PATH / 2 of them; twice that leaves room
 * for "." and ".." and for links that climb, and bounds the work of a
 * crafted chain of links (each up to VS_GUEST_MAX_PATH bytes) to a
 * few thousand host calls. */
#define VS_GUEST_MAX_COMPONENTS 4096
/* The path still to resolve: a link's target spliced in front of the
 * rest.  Four PATH_MAX, so that a few long targets can nest. */
#define VS_GUEST_MAX_REST (4 * VS_GUEST_MAX_PATH)
/* Directory fds one lookup keeps open.  Enough that ".." rarely needs
 * to reopen anything, few enough that several threads' lookups stay far
 * below any fd limit whatever the depth. */
#define VS_GUEST_HELD_FDS 32
/* The longest name a component can have (NAME_MAX). */
#define VS_GUEST_MAX_NAME 255

struct mount {
  char *point;                  /* "/", "/boot" */
  size_t len;
  int fd;                       /* O_PATH directory on the host, or -1 */
  struct vs_source *src;        /* or a filesystem read on the host */
};

struct vs_guest {
  struct mount *m;
  size_t n;
};

/* Host lookups (openat, readlinkat) by every view, for the scan's
 * watchdog (a check that reads guest files is making progress) and for
 * the tests that bound a lookup's work. */
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
    if (g->m[i].fd != -1)
      close (g->m[i].fd);
  }
  free (g->m);
  free (g);
}

static int
add_mount (struct vs_guest *g, const char *mountpoint, const char *host_dir,
           struct vs_source *src)
{
  struct mount *m;
  size_t len = strlen (mountpoint);
  int fd = -1;

  if (mountpoint[0] != '/') {
    errno = EINVAL;
    return -1;
  }
  while (len > 1 && mountpoint[len - 1] == '/')
    len--;
  if (!src) {
    fd = open (host_dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd == -1)
      return -1;
  }
  g->m = vs_xrealloc (g->m, (g->n + 1) * sizeof *g->m);
  m = &g->m[g->n++];
  m->point = vs_xstrndup (mountpoint, len);
  m->len = len;
  m->fd = fd;
  m->src = src;
  return 0;
}

int
vs_guest_add_mount (struct vs_guest *g, const char *mountpoint,
                    const char *host_dir)
{
  return add_mount (g, mountpoint, host_dir, NULL);
}

int
vs_guest_add_fs (struct vs_guest *g, const char *mountpoint,
                 const char *host_root, const struct vs_fs *fs)
{
  CLEANUP_FREE char *dir = NULL;

  if (fs->src)
    return add_mount (g, mountpoint, NULL, fs->src);
  if (!fs->mounted || !fs->walk_root || !host_root) {
    errno = ENOENT;
    return -1;
  }
  dir = vs_xasprintf ("%s%s", host_root, fs->walk_root);
  return add_mount (g, mountpoint, dir, NULL);
}

int
vs_guest_add_source (struct vs_guest *g, const char *mountpoint,
                     struct vs_source *src)
{
  if (!src) {
    errno = EINVAL;
    return -1;
  }
  return add_mount (g, mountpoint, NULL, src);
}

/* The mount whose point is exactly the canonical path (the first added
 * wins), or NULL. */
static const struct mount *
mount_at (const struct vs_guest *g, const char *path, size_t len)
{
  size_t i;

  for (i = 0; i < g->n; i++)
    if (g->m[i].len == len && memcmp (g->m[i].point, path, len) == 0)
      return &g->m[i];
  return NULL;
}

/* True if a mount point lies strictly below the canonical path. */
static int
mount_below (const struct vs_guest *g, const char *path, size_t len)
{
  size_t i;

  for (i = 0; i < g->n; i++) {
    const struct mount *m = &g->m[i];

    if (m->len > len + 1 && memcmp (m->point, path, len) == 0
        && (len == 1 || m->point[len] == '/'))
      return 1;
  }
  return 0;
}

/* One host call's worth of work: counted, and refused once the scan is
 * to stop. */
static int
tick (void)
{
  if (vs_tick ()) {
    errno = ECANCELED;
    return -1;
  }
  return 0;
}

/* openat with O_NOFOLLOW and O_CLOEXEC always added, counted. */
static int
host_open (int dirfd, const char *name, int flags)
{
  if (tick () == -1)
    return -1;
  __atomic_add_fetch (&activity, 1, __ATOMIC_RELAXED);
  return openat (dirfd, name, flags | O_NOFOLLOW | O_CLOEXEC);
}

enum level_kind {
  LV_DIR,                       /* a directory reached by name */
  LV_MOUNT,                     /* a mount root: the view's fd */
  LV_VIRTUAL,                   /* no directory; only mount points below */
  LV_SRC,                       /* a directory of a source: src, node */
};

struct level {
  size_t end;                   /* the canonical path's length here */
  dev_t dev;                    /* LV_DIR: what fd is (or was) */
  ino_t ino;
  int fd;                       /* -1: not held (LV_DIR) or none */
  enum level_kind kind;
  struct vs_source *src;        /* LV_SRC: the source, and the */
  uint64_t node;                /* directory's inode in it */
};

struct lookup {
  const struct vs_guest *g;
  struct level *lv;
  size_t n, alloc;
  size_t low;                   /* LV_DIR levels from here on hold fds */
  size_t held;                  /* LV_DIR fds open */
  struct vs_buf canon;          /* the canonical path reached */
  /* The object found when it is not a directory (a file, or a symlink
   * not followed): an O_PATH fd, its stat, its name's offset in canon;
   * its directory is the top level.  -1 when the object is the top
   * level itself. */
  int obj_fd;
  struct stat obj_st;
  size_t obj_name;
  /* The same when the object is in a source: obj_src is set, obj_fd -1. */
  struct vs_source *obj_src;
  uint64_t obj_node;
};

static void
lookup_init (struct lookup *l, const struct vs_guest *g)
{
  const struct mount *root = mount_at (g, "/", 1);

  memset (l, 0, sizeof *l);
  l->g = g;
  l->obj_fd = -1;
  vs_buf_addc (&l->canon, '/');
  l->alloc = 16;
  l->lv = vs_xmalloc (l->alloc * sizeof *l->lv);
  l->lv[0].end = 1;
  l->lv[0].dev = 0;
  l->lv[0].ino = 0;
  l->lv[0].fd = root ? root->fd : -1;
  l->lv[0].kind = root ? LV_MOUNT : LV_VIRTUAL;
  l->lv[0].src = NULL;
  l->lv[0].node = 0;
  if (root && root->src) {
    l->lv[0].kind = LV_SRC;
    l->lv[0].src = root->src;
    l->lv[0].node = vs_source_root (root->src);
  }
  l->n = 1;
}

static void
lookup_free (struct lookup *l)
{
  size_t i;

  for (i = 0; i < l->n; i++)
    if (l->lv[i].kind == LV_DIR && l->lv[i].fd != -1)
      close (l->lv[i].fd);
  if (l->obj_fd != -1)
    close (l->obj_fd);
  free (l->lv);
  vs_buf_release (&l->canon);
}

/* Closes the shallowest LV_DIR fds until at most VS_GUEST_HELD_FDS are
 * open. */
static void
trim (struct lookup *l)
{
  while (l->held > VS_GUEST_HELD_FDS) {
    struct level *v = &l->lv[l->low++];

    if (v->kind == LV_DIR && v->fd != -1) {
      close (v->fd);
      v->fd = -1;
      l->held--;
    }
  }
}

/* Pushes the component just added to canon as a new top level.  fd (an
 * LV_DIR's, which the lookup now owns, or a mount's) and st as found. */
static void
push (struct lookup *l, int fd, enum level_kind kind, const struct stat *st)
{
  struct level *v;

  if (l->n == l->alloc) {
    l->alloc *= 2;
    l->lv = vs_xrealloc (l->lv, l->alloc * sizeof *l->lv);
  }
  v = &l->lv[l->n++];
  v->end = l->canon.len;
  v->dev = st ? st->st_dev : 0;
  v->ino = st ? st->st_ino : 0;
  v->fd = fd;
  v->kind = kind;
  v->src = NULL;
  v->node = 0;
  if (kind == LV_DIR) {
    l->held++;
    trim (l);
  }
}

/* The name of level i (i > 0) inside canon. */
static void
level_name (const struct lookup *l, size_t i, char name[VS_GUEST_MAX_NAME + 1])
{
  size_t start = l->lv[i - 1].end + (l->lv[i - 1].end > 1);
  size_t n = l->lv[i].end - start;

  memcpy (name, l->canon.data + start, n);
  name[n] = '\0';
}

/* Opens again the LV_DIR level t, which holds no fd, from the nearest
 * level below it that does (a mount root: only the deepest LV_DIR levels
 * hold fds), by name. */
static int
reopen (struct lookup *l, size_t t)
{
  size_t a = t, i;

  while (l->lv[a].kind == LV_DIR && l->lv[a].fd == -1)
    a--;
  if (l->lv[a].fd == -1) {
    errno = ENOENT;
    return -1;
  }
  if (a + 1 < l->low)
    l->low = a + 1;
  for (i = a + 1; i <= t; i++) {
    char name[VS_GUEST_MAX_NAME + 1];
    struct stat st;
    int fd;

    level_name (l, i, name);
    fd = host_open (l->lv[i - 1].fd, name, O_PATH | O_DIRECTORY);
    if (fd == -1)
      return -1;
    if (fstat (fd, &st) == -1) {
      close (fd);
      return -1;
    }
    l->lv[i].fd = fd;
    l->lv[i].dev = st.st_dev;
    l->lv[i].ino = st.st_ino;
    l->held++;
    trim (l);
  }
  return 0;
}

/* "..": drops the top level (nothing above "/"). */
static int
up (struct lookup *l)
{
  struct level *child, *parent;

  if (l->n == 1)
    return 0;
  child = &l->lv[l->n - 1];
  parent = &l->lv[l->n - 2];
  if (parent->kind == LV_DIR && parent->fd == -1) {
    int fd = -1;
    struct stat st;

    /* A directory reached by name from its parent has that parent as
     * its ".." on the host, unless the image links a directory in two
     * places; the device and inode say whether it is the one. */
    if (child->kind == LV_DIR) {
      fd = host_open (child->fd, "..", O_PATH | O_DIRECTORY);
      if (fd == -1 && errno == ECANCELED)
        return -1;
      if (fd != -1 && (fstat (fd, &st) == -1 || st.st_dev != parent->dev
                       || st.st_ino != parent->ino)) {
        close (fd);
        fd = -1;
      }
    }
    if (fd != -1) {
      parent->fd = fd;
      l->held++;
      l->low = l->n - 2;
    }
    else if (reopen (l, l->n - 2) == -1)
      return -1;
  }
  child = &l->lv[l->n - 1];
  if (child->kind == LV_DIR && child->fd != -1) {
    close (child->fd);
    l->held--;
  }
  l->n--;
  if (l->low > l->n)
    l->low = l->n;
  vs_buf_setlen (&l->canon, l->lv[l->n - 1].end);
  return 0;
}

/* Back to "/" (an absolute link target). */
static void
to_root (struct lookup *l)
{
  while (l->n > 1) {
    struct level *v = &l->lv[--l->n];

    if (v->kind == LV_DIR && v->fd != -1)
      close (v->fd);
  }
  l->held = 0;
  l->low = 1;
  vs_buf_setlen (&l->canon, 1);
}

/* A symlink met with rest still to resolve from pos: its target (tn
 * bytes) is spliced in front of what is left, and an absolute one goes
 * back to "/".  The link's own component is already off canon. */
static int
splice_link (struct lookup *l, const char *target, size_t tn,
             struct vs_buf *rest, size_t *pos, unsigned *links)
{
  struct vs_buf next = VS_BUF_INIT;

  if (tn == 0 || tn >= VS_GUEST_MAX_PATH || memchr (target, '\0', tn)) {
    errno = ENOENT;
    return -1;
  }
  if (++*links > VS_GUEST_MAX_LINKS) {
    errno = ELOOP;
    return -1;
  }
  if (tn + 1 + (rest->len - *pos) >= VS_GUEST_MAX_REST) {
    errno = ENAMETOOLONG;
    return -1;
  }
  vs_buf_add (&next, target, tn);
  vs_buf_addc (&next, '/');
  vs_buf_add (&next, rest->data + *pos, rest->len - *pos);
  vs_buf_release (rest);
  *rest = next;
  *pos = 0;
  if (target[0] == '/')
    to_root (l);
  return 0;
}

/* One component, name (n bytes, already on canon past save), in the
 * source directory top: what resolve does with an openat, done with the
 * source's lookup.  Returns 0 to go on, 1 when the object is found (the
 * last component, not a directory), -1 on error. */
static int
src_step (struct lookup *l, struct level *top, const char *name, size_t n,
          int more, int follow, size_t save, struct vs_buf *rest,
          size_t *pos, unsigned *links)
{
  struct vs_source *src = top->src;
  uint64_t node;
  struct stat st;

  if (tick () == -1)
    return -1;
  __atomic_add_fetch (&activity, 1, __ATOMIC_RELAXED);
  if (vs_source_lookup (src, top->node, name, n, &node) == -1) {
    if (errno == ENOENT && mount_below (l->g, l->canon.data, l->canon.len)) {
      push (l, -1, LV_VIRTUAL, NULL);
      return 0;
    }
    if (errno == ENOTDIR || errno == EINVAL)
      errno = ENOENT;
    return -1;
  }
  if (vs_source_stat (src, node, &st) == -1)
    return -1;
  if (S_ISLNK (st.st_mode) && (more || follow)) {
    char *target = NULL;
    size_t tn = 0;
    int r;

    vs_buf_setlen (&l->canon, save);
    if (tick () == -1)
      return -1;
    if (vs_source_readlink (src, node, &target, &tn) == -1)
      return -1;
    r = splice_link (l, target, tn, rest, pos, links);
    free (target);
    return r;
  }
  if (S_ISDIR (st.st_mode)) {
    push (l, -1, LV_SRC, &st);
    l->lv[l->n - 1].src = src;
    l->lv[l->n - 1].node = node;
    return 0;
  }
  if (more) {
    errno = ENOTDIR;
    return -1;
  }
  l->obj_src = src;
  l->obj_node = node;
  l->obj_st = st;
  l->obj_name = save + (save > 1);
  return 1;
}

/* Resolves path into l.  follow: whether a symlink as the last component
 * is followed. */
static int
resolve (struct lookup *l, const char *path, int follow)
{
  struct vs_buf rest = VS_BUF_INIT;
  unsigned links = 0, components = 0;
  size_t pos = 0;
  int rc = -1;

  if (strlen (path) >= VS_GUEST_MAX_PATH) {
    errno = ENAMETOOLONG;
    return -1;
  }
  vs_buf_adds (&rest, path);
  for (;;) {
    struct level *top = &l->lv[l->n - 1];
    const struct mount *m;
    char name[VS_GUEST_MAX_NAME + 1];
    size_t start, n, save, p2;
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
    if (++components > VS_GUEST_MAX_COMPONENTS) {
      errno = ELOOP;
      goto out;
    }
    if (tick () == -1)
      goto out;
    if (n == 1 && rest.data[start] == '.')
      continue;
    if (n == 2 && rest.data[start] == '.' && rest.data[start + 1] == '.') {
      if (up (l) == -1)
        goto out;
      continue;
    }
    if (n > VS_GUEST_MAX_NAME) {
      errno = ENAMETOOLONG;
      goto out;
    }
    memcpy (name, rest.data + start, n);
    name[n] = '\0';
    for (p2 = pos; p2 < rest.len && rest.data[p2] == '/'; p2++)
      ;
    more = p2 < rest.len;

    save = l->canon.len;
    if (save > 1)
      vs_buf_addc (&l->canon, '/');
    vs_buf_add (&l->canon, name, n);
    if (l->canon.len >= VS_GUEST_MAX_PATH) {
      errno = ENAMETOOLONG;
      goto out;
    }
    m = mount_at (l->g, l->canon.data, l->canon.len);
    if (m && m->src) {
      push (l, -1, LV_SRC, NULL);
      l->lv[l->n - 1].src = m->src;
      l->lv[l->n - 1].node = vs_source_root (m->src);
      continue;
    }
    if (m) {
      push (l, m->fd, LV_MOUNT, NULL);
      continue;
    }
    if (top->kind == LV_SRC) {
      int r = src_step (l, top, name, n, more, follow, save, &rest, &pos,
                        &links);

      if (r == -1)
        goto out;
      if (r == 1)
        break;
      continue;
    }
    fd = -1;
    if (top->fd != -1) {
      fd = host_open (top->fd, name, O_PATH);
      if (fd == -1 && errno != ENOENT)
        goto out;
    }
    if (fd == -1) {
      if (mount_below (l->g, l->canon.data, l->canon.len)) {
        push (l, -1, LV_VIRTUAL, NULL);
        continue;
      }
      errno = ENOENT;
      goto out;
    }
    if (fstat (fd, &st) == -1) {
      close (fd);
      goto out;
    }
    if (S_ISLNK (st.st_mode) && (more || follow)) {
      char target[VS_GUEST_MAX_PATH];
      ssize_t tn = -1;

      if (tick () == 0) {
        __atomic_add_fetch (&activity, 1, __ATOMIC_RELAXED);
        tn = readlinkat (fd, "", target, sizeof target);
      }
      close (fd);
      vs_buf_setlen (&l->canon, save);
      if (tn == -1)
        goto out;
      if ((size_t) tn >= sizeof target) {
        errno = ENOENT;
        goto out;
      }
      if (splice_link (l, target, (size_t) tn, &rest, &pos, &links) == -1)
        goto out;
      continue;
    }
    if (S_ISDIR (st.st_mode)) {
      push (l, fd, LV_DIR, &st);
      continue;
    }
    if (more) {
      close (fd);
      errno = ENOTDIR;
      goto out;
    }
    l->obj_fd = fd;
    l->obj_st = st;
    l->obj_name = save + (save > 1);
    break;
  }
  if (l->obj_fd == -1 && !l->obj_src && l->lv[l->n - 1].fd == -1
      && l->lv[l->n - 1].kind != LV_SRC) {
    errno = ENOENT;
    goto out;
  }
  rc = 0;
 out:
  vs_buf_release (&rest);
  return rc;
}

/* Looks path up into l (which the caller frees with lookup_free, on
 * failure too). */
static int
lookup (struct lookup *l, const struct vs_guest *g, const char *path,
        int follow)
{
  lookup_init (l, g);
  return resolve (l, path, follow);
}

/* The stat of what l found. */
static int
found_stat (const struct lookup *l, struct stat *st)
{
  const struct level *top = &l->lv[l->n - 1];

  if (l->obj_fd != -1 || l->obj_src) {
    *st = l->obj_st;
    return 0;
  }
  if (top->kind == LV_SRC)
    return vs_source_stat (top->src, top->node, st);
  return fstat (top->fd, st);
}

/* Opens what l found with flags (O_NOFOLLOW and O_CLOEXEC added) and
 * checks that it is what the lookup saw. */
static int
found_open (const struct lookup *l, int flags)
{
  const struct level *top = &l->lv[l->n - 1];
  struct stat st;
  int fd;

  if (l->obj_fd == -1)
    return host_open (top->fd, ".", flags);
  fd = host_open (top->fd, l->canon.data + l->obj_name, flags);
  if (fd == -1)
    return -1;
  if (fstat (fd, &st) == -1) {
    int e = errno;

    close (fd);
    errno = e;
    return -1;
  }
  if (st.st_dev != l->obj_st.st_dev || st.st_ino != l->obj_st.st_ino) {
    close (fd);
    errno = ENOENT;             /* not what the lookup found */
    return -1;
  }
  return fd;
}

int
vs_guest_stat (struct vs_guest *g, const char *path, int follow,
               struct stat *st)
{
  struct lookup l;
  int rc = -1;

  if (lookup (&l, g, path, follow) == 0)
    rc = found_stat (&l, st);
  lookup_free (&l);
  return rc;
}

int
vs_guest_realpath (struct vs_guest *g, const char *path, char **out)
{
  struct lookup l;

  if (lookup (&l, g, path, 1) == -1) {
    lookup_free (&l);
    return -1;
  }
  *out = vs_buf_detach (&l.canon, NULL);
  lookup_free (&l);
  return 0;
}

/* Looks up the regular file at path (symlinks followed) into l, with
 * its stat in *st. */
static int
find_file (struct lookup *l, struct vs_guest *g, const char *path,
           struct stat *st)
{
  if (lookup (l, g, path, 1) == -1 || found_stat (l, st) == -1)
    return -1;
  if (S_ISDIR (st->st_mode)) {
    errno = EISDIR;
    return -1;
  }
  if (!S_ISREG (st->st_mode)) {
    errno = EINVAL;
    return -1;
  }
  return 0;
}

int
vs_guest_open (struct vs_guest *g, const char *path)
{
  struct lookup l;
  struct stat st;
  int fd = -1, e;

  if (find_file (&l, g, path, &st) == 0) {
    if (l.obj_src)
      errno = EOPNOTSUPP;       /* no host file to give */
    else
      fd = found_open (&l, O_RDONLY | O_NONBLOCK | O_NOCTTY);
  }
  e = errno;
  lookup_free (&l);
  errno = e;
  return fd;
}

/* Reads up to want bytes of what l found (an fd opened on the host, or
 * a source's file) into buf; *got is less only at its end. */
static int
read_found (struct lookup *l, char *buf, size_t want, size_t *got)
{
  int fd;

  *got = 0;
  if (l->obj_src) {
    while (*got < want) {
      size_t n = 0, ask = want - *got > 1048576 ? 1048576 : want - *got;

      if (tick () == -1
          || vs_source_read (l->obj_src, l->obj_node, *got, buf + *got, ask,
                             &n) == -1)
        return -1;
      *got += n;
      if (n < ask)
        break;
    }
    return 0;
  }
  fd = found_open (l, O_RDONLY | O_NONBLOCK | O_NOCTTY);
  if (fd == -1)
    return -1;
  while (*got < want) {
    ssize_t r;

    if (tick () == -1)
      goto fail;
    r = read (fd, buf + *got, want - *got);
    if (r == -1 && errno == EINTR)
      continue;
    if (r == -1)
      goto fail;
    if (r == 0)
      break;
    *got += (size_t) r;
  }
  close (fd);
  return 0;

 fail:
  {
    int e = errno;

    close (fd);
    errno = e;
    return -1;
  }
}

int
vs_guest_read (struct vs_guest *g, const char *path, size_t max,
               int truncate_ok, char **data, size_t *len)
{
  struct lookup l;
  struct stat st;
  size_t want, got = 0;
  char *buf = NULL;
  int rc = -1, e;

  if (find_file (&l, g, path, &st) == -1)
    goto out;
  if ((uint64_t) st.st_size > max && !truncate_ok) {
    errno = EFBIG;
    goto out;
  }
  want = (uint64_t) st.st_size > max ? max : (size_t) st.st_size;
  buf = vs_xmalloc (want + 1);
  if (read_found (&l, buf, want, &got) == -1)
    goto out;
  buf[got] = '\0';
  *data = buf;
  *len = got;
  buf = NULL;
  rc = 0;
 out:
  e = errno;
  free (buf);
  lookup_free (&l);
  errno = e;
  return rc;
}

static int
cmp_names (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

struct names {
  char **v;
  size_t n, alloc;
};

static void
names_add (struct names *nm, const char *name, size_t len)
{
  if (nm->n == nm->alloc) {
    nm->alloc = nm->alloc ? 2 * nm->alloc : 32;
    nm->v = vs_xrealloc (nm->v, nm->alloc * sizeof *nm->v);
  }
  nm->v[nm->n++] = vs_xstrndup (name, len);
}

static int
src_entry (void *opaque, const char *name, size_t len, uint64_t ino)
{
  struct names *nm = opaque;

  (void) ino;
  if (vs_tick ())
    return 1;
  if (nm->n == VS_GUEST_MAX_ENTRIES)
    return 2;
  names_add (nm, name, len);
  return 0;
}

/* Lists the source directory top into nm. */
static int
list_source (const struct level *top, struct names *nm)
{
  int r = vs_source_readdir (top->src, top->node, src_entry, nm);

  if (r == 1) {
    errno = ECANCELED;
    return -1;
  }
  return r == -1 ? -1 : 0;
}

/* Lists the host directory fd (closed) into nm. */
static int
list_host (int fd, struct names *nm)
{
  struct dirent *d;
  DIR *dir = fdopendir (fd);
  int e;

  if (!dir) {
    close (fd);
    return -1;
  }
  for (;;) {
    if (tick () == -1)
      goto fail;
    errno = 0;
    d = readdir (dir);
    if (!d) {
      if (errno)
        goto fail;
      break;
    }
    if (strcmp (d->d_name, ".") == 0 || strcmp (d->d_name, "..") == 0)
      continue;
    if (nm->n == VS_GUEST_MAX_ENTRIES)
      break;
    names_add (nm, d->d_name, strlen (d->d_name));
  }
  closedir (dir);
  return 0;

 fail:
  e = errno;
  closedir (dir);
  errno = e;
  return -1;
}

int
vs_guest_list (struct vs_guest *g, const char *path, char ***names,
               size_t *n)
{
  struct lookup l;
  struct names nm = { NULL, 0, 0 };
  int rc = -1, e, fd;

  if (lookup (&l, g, path, 1) == 0) {
    const struct level *top = &l.lv[l.n - 1];

    if (l.obj_fd != -1 || l.obj_src)
      errno = ENOTDIR;
    else if (top->kind == LV_SRC)
      rc = list_source (top, &nm);
    else if ((fd = found_open (&l, O_RDONLY | O_DIRECTORY)) != -1)
      rc = list_host (fd, &nm);
  }
  e = errno;
  lookup_free (&l);
  if (rc == -1) {
    vs_guest_free_list (nm.v, nm.n);
    errno = e;
    return -1;
  }
  if (nm.n)
    qsort (nm.v, nm.n, sizeof *nm.v, cmp_names);
  *names = nm.v;
  *n = nm.n;
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
