/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: a host filesystem read in a sandboxed child (see remote.h).
 *
 * The protocol, every integer little-endian.  A request is a 32-byte
 * header, then namelen bytes of name (a lookup's entry, an attribute's
 * name):
 *
 *   u32 op, u32 namelen, u64 ino, u64 off, u64 len
 *
 * An answer is a 24-byte header, then a payload:
 *
 *   u32 status (0, or an errno value), u32 flags, u64 a, u64 b
 *
 *   INFO      a: root; payload type, label, uuid, each NUL-ended; on an
 *             error the payload is the reason
 *   STAT      payload: 19 u64 (struct vs_hostfs_stat, times as seconds
 *             and nanoseconds)
 *   READDIR   several answers: flags MORE while more follow, a: the
 *             entries in the payload, each u64 ino, u32 len, len bytes;
 *             the last (no MORE) carries the listing's status
 *   PLUS      as READDIR, each entry u64 ino, u32 len, u32 has_stat, len
 *             bytes, then (has_stat 1) its stat as STAT's payload; an
 *             entry whose stat failed has none (STAT then gives the
 *             error): a walk's listing and its lstat calls in one
 *   LOOKUP    a: the inode
 *   READLINK  payload: the target
 *   READ      payload: the bytes read (len at most VS_REMOTE_CHUNK)
 *   GETXATTR  a: the value's whole length; payload: the value (none
 *             with EFBIG)
 *   DELETED   as READDIR, the directory's deleted entries (ino 0 allowed)
 *   ORPHANS   as READDIR, one step from the cursor in the request's ino;
 *             the last answer's b is the next cursor, past the request's
 *             (VS_HOSTFS_ORPHANS_DONE at the end)
 *
 * The parent checks each answer against its request: its size, the
 * lengths inside it, names (no NUL, no '/', not "." or ".."), the
 * errno (one of hostfs.h's, else EIO), times, flags.  An answer that
 * fails a check kills the child.
 */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include "fs/remote.h"
#include "base/bytes.h"
#include "base/util.h"

enum op {
  OP_INFO = 1, OP_STAT, OP_READDIR, OP_LOOKUP, OP_READLINK, OP_READ,
  OP_GETXATTR, OP_DELETED, OP_ORPHANS, OP_PLUS,
};

#define REQ_HDR 32
#define RESP_HDR 24
#define FLAG_MORE 1u
#define STAT_FIELDS 19
/* A listing is sent in batches of about this many bytes. */
#define BATCH_BYTES (64 * 1024)
/* The most bytes of a type name, label, UUID or open error kept. */
#define MAX_INFO 256
#define MAX_REASON 512

struct vs_remote {
  struct vs_child *ch;
  char *type, *label, *uuid;
  uint64_t root;
};

/* ---- The child: the server. ---- */

struct server {
  const struct vs_remote_backend *be;
  struct vs_blockdev *dev;
  const char *fstype;
  struct vs_child *ch;
  struct vs_hostfs *fs;
  char *open_err;
  int open_errno;
};

static int
reply (struct server *s, uint32_t status, uint32_t flags, uint64_t a,
       uint64_t b, const void *payload, size_t len)
{
  unsigned char h[RESP_HDR];
  struct iovec v[2];

  memset (h, 0, sizeof h);
  vs_put_le32 (h, status);
  vs_put_le32 (h + 4, flags);
  vs_put_le64 (h + 8, a);
  vs_put_le64 (h + 16, b);
  v[0].iov_base = h;
  v[0].iov_len = sizeof h;
  v[1].iov_base = (void *) payload;
  v[1].iov_len = len;
  return vs_child_sendv (s->ch, v, len ? 2 : 1);
}

static uint32_t
err_of (int rc)
{
  return rc == 0 ? 0 : errno > 0 ? (uint32_t) errno : EIO;
}

static int
serve_info (struct server *s)
{
  struct vs_buf b = VS_BUF_INIT;
  const char *f[3];
  int i, rc;

  if (!s->fs) {
    const char *why = s->open_err ? s->open_err : "cannot open";

    return reply (s, (uint32_t) s->open_errno, 0, 0, 0, why,
                  strnlen (why, MAX_REASON));
  }
  f[0] = s->be->type (s->fs);
  f[1] = s->be->label (s->fs);
  f[2] = s->be->uuid (s->fs);
  for (i = 0; i < 3; i++) {
    vs_buf_add (&b, f[i] ? f[i] : "", f[i] ? strnlen (f[i], MAX_INFO) : 0);
    vs_buf_addc (&b, '\0');
  }
  rc = reply (s, 0, 0, s->be->root (s->fs), 0, b.data, b.len);
  vs_buf_release (&b);
  return rc;
}

/* A stat as the wire carries it, STAT_FIELDS u64 at p. */
static void
stat_encode (const struct vs_hostfs_stat *sp, unsigned char *p)
{
  const struct vs_hostfs_stat st = *sp;
  uint64_t f[STAT_FIELDS];
  int i;

  f[0] = st.ino;
  f[1] = st.mode;
  f[2] = st.uid;
  f[3] = st.gid;
  f[4] = st.nlink;
  f[5] = st.size;
  f[6] = st.blocks;
  f[7] = (uint64_t) st.atime.tv_sec;
  f[8] = (uint64_t) st.atime.tv_nsec;
  f[9] = (uint64_t) st.mtime.tv_sec;
  f[10] = (uint64_t) st.mtime.tv_nsec;
  f[11] = (uint64_t) st.ctime.tv_sec;
  f[12] = (uint64_t) st.ctime.tv_nsec;
  f[13] = st.has_btime != 0;
  f[14] = (uint64_t) st.btime.tv_sec;
  f[15] = (uint64_t) st.btime.tv_nsec;
  f[16] = st.deleted != 0;
  f[17] = (uint64_t) st.content;
  f[18] = st.no_xattrs != 0;
  for (i = 0; i < STAT_FIELDS; i++)
    vs_put_le64 (p + 8 * i, f[i]);
}

static int
serve_stat (struct server *s, uint64_t ino)
{
  struct vs_hostfs_stat st;
  unsigned char p[STAT_FIELDS * 8];

  memset (&st, 0, sizeof st);
  if (s->be->stat (s->fs, ino, &st) == -1)
    return reply (s, err_of (-1), 0, 0, 0, NULL, 0);
  stat_encode (&st, p);
  return reply (s, 0, 0, 0, 0, p, sizeof p);
}

struct batch {
  struct server *s;
  struct vs_buf b;
  uint64_t count;
  int send_failed;
  int too_long;
  int plus;                     /* PLUS: each entry with its stat */
  uint64_t next;                /* ORPHANS: the cursor after this step */
};

static int
batch_flush (struct batch *bt, uint32_t status, uint32_t flags)
{
  int rc = reply (bt->s, status, flags, bt->count, bt->next, bt->b.data,
                  bt->b.len);

  vs_buf_setlen (&bt->b, 0);
  bt->count = 0;
  return rc;
}

static int
batch_add (void *opaque, const char *name, size_t len, uint64_t ino)
{
  struct batch *bt = opaque;
  unsigned char h[16];
  unsigned char p[STAT_FIELDS * 8];
  struct vs_hostfs_stat st;
  int has_stat = 0;

  if (len > VS_REMOTE_MAX_NAME) {
    bt->too_long = 1;
    return 1;
  }
  if (bt->plus) {
    memset (&st, 0, sizeof st);
    has_stat = bt->s->be->stat (bt->s->fs, ino, &st) == 0;
    if (has_stat)
      stat_encode (&st, p);
  }
  vs_put_le64 (h, ino);
  vs_put_le32 (h + 8, (uint32_t) len);
  vs_put_le32 (h + 12, (uint32_t) has_stat);
  vs_buf_add (&bt->b, h, bt->plus ? 16 : 12);
  vs_buf_add (&bt->b, name, len);
  if (has_stat)
    vs_buf_add (&bt->b, p, sizeof p);
  bt->count++;
  if (bt->b.len >= BATCH_BYTES && batch_flush (bt, 0, FLAG_MORE) == -1) {
    bt->send_failed = 1;
    return 1;
  }
  return 0;
}

static int
serve_readdir (struct server *s, uint32_t op, uint64_t dir)
{
  struct batch bt;
  uint32_t status;
  int rc;

  memset (&bt, 0, sizeof bt);
  bt.s = s;
  bt.plus = op == OP_PLUS;
  if (op == OP_READDIR || op == OP_PLUS)
    rc = s->be->readdir (s->fs, dir, batch_add, &bt);
  else if ((op == OP_DELETED && !s->be->readdir_deleted)
           || (op == OP_ORPHANS && !s->be->orphans)) {
    errno = ENOTSUP;
    rc = -1;
  }
  else if (op == OP_DELETED)
    rc = s->be->readdir_deleted (s->fs, dir, batch_add, &bt);
  else {
    bt.next = dir;
    rc = s->be->orphans (s->fs, &bt.next, batch_add, &bt);
  }
  if (bt.send_failed) {
    vs_buf_release (&bt.b);
    return -1;
  }
  status = bt.too_long ? ENAMETOOLONG : rc == -1 ? err_of (-1)
    : rc != 0 ? EIO : 0;
  rc = batch_flush (&bt, status, 0);
  vs_buf_release (&bt.b);
  return rc;
}

static int
serve_lookup (struct server *s, uint64_t dir, const char *name, size_t len)
{
  uint64_t ino = 0;

  if (s->be->lookup (s->fs, dir, name, len, &ino) == -1)
    return reply (s, err_of (-1), 0, 0, 0, NULL, 0);
  return reply (s, 0, 0, ino, 0, NULL, 0);
}

static int
serve_readlink (struct server *s, uint64_t ino)
{
  char *target = NULL;
  size_t len = 0;
  int rc;

  if (s->be->readlink (s->fs, ino, &target, &len) == -1)
    return reply (s, err_of (-1), 0, 0, 0, NULL, 0);
  if (len > VS_HOSTFS_MAX_LINK)
    rc = reply (s, EIO, 0, 0, 0, NULL, 0);
  else
    rc = reply (s, 0, 0, len, 0, target, len);
  free (target);
  return rc;
}

static int
serve_read (struct server *s, uint64_t ino, uint64_t off, uint64_t len)
{
  size_t got = 0, n = len > VS_REMOTE_CHUNK ? VS_REMOTE_CHUNK : (size_t) len;
  /* Room past what was asked for, for the overlong hook. */
  char *buf = vs_xmalloc (n + 16);
  int rc;

  if (s->be->read (s->fs, ino, off, buf, n, &got) == -1)
    rc = reply (s, err_of (-1), 0, 0, 0, NULL, 0);
  else if (got > n)
    rc = reply (s, EIO, 0, 0, 0, NULL, 0);
  else {
    /* The test of the parent's checks: a compromised child answering
     * more than it was asked. */
    if (vs_child_hook (s->ch, "child-overlong")) {
      memset (buf + got, 'X', n + 16 - got);
      got = n + 16;
    }
    rc = reply (s, 0, 0, got, 0, buf, got);
  }
  free (buf);
  return rc;
}

static int
serve_getxattr (struct server *s, uint64_t ino, const char *name,
                uint64_t len)
{
  size_t got = 0, n = len > VS_REMOTE_MAX_XATTR ? VS_REMOTE_MAX_XATTR
    : (size_t) len;
  char *buf = vs_xmalloc (n + 1), *cname = vs_xstrdup (name);
  int rc;

  if (s->be->getxattr (s->fs, ino, cname, buf, n, &got) == -1)
    rc = reply (s, err_of (-1), 0, errno == EFBIG ? got : 0, 0, NULL, 0);
  else if (got > n)
    rc = reply (s, EIO, 0, 0, 0, NULL, 0);
  else
    rc = reply (s, 0, 0, got, 0, buf, got);
  free (buf);
  free (cname);
  return rc;
}

static int
serve (struct vs_child *ch, void *opaque)
{
  struct server *s = opaque;
  unsigned char req[REQ_HDR + VS_REMOTE_MAX_NAME + 1];
  char name[VS_REMOTE_MAX_NAME + 1];
  uint32_t op, namelen;
  uint64_t ino, off, len;
  size_t n;
  int r, rc;

  s->ch = ch;
  if (s->be->open (s->dev, s->fstype, &s->fs, &s->open_err) == -1) {
    s->open_errno = errno > 0 ? errno : EIO;
    s->fs = NULL;
  }
  for (;;) {
    r = vs_child_recv (ch, req, sizeof req, &n);
    if (r <= 0)
      break;
    if (n < REQ_HDR)
      return 1;
    op = vs_le32 (req);
    namelen = vs_le32 (req + 4);
    ino = vs_le64 (req + 8);
    off = vs_le64 (req + 16);
    len = vs_le64 (req + 24);
    if (namelen != n - REQ_HDR || namelen > VS_REMOTE_MAX_NAME)
      return 1;
    memcpy (name, req + REQ_HDR, namelen);
    name[namelen] = '\0';
    if (op != OP_INFO && !s->fs)
      rc = reply (s, EIO, 0, 0, 0, NULL, 0);
    else
      switch (op) {
      case OP_INFO: rc = serve_info (s); break;
      case OP_STAT: rc = serve_stat (s, ino); break;
      case OP_READDIR: case OP_DELETED: case OP_ORPHANS: case OP_PLUS:
        rc = serve_readdir (s, op, ino);
        break;
      case OP_LOOKUP: rc = serve_lookup (s, ino, name, namelen); break;
      case OP_READLINK: rc = serve_readlink (s, ino); break;
      case OP_READ: rc = serve_read (s, ino, off, len); break;
      case OP_GETXATTR: rc = serve_getxattr (s, ino, name, len); break;
      default: rc = reply (s, EINVAL, 0, 0, 0, NULL, 0); break;
      }
    if (rc == -1)
      return 1;
  }
  if (s->fs)
    s->be->close (s->fs);
  return r == 0 ? 0 : 1;
}

/* ---- The parent: the client. ---- */

/* An answer, its header parsed. */
struct answer {
  unsigned char *msg;
  size_t len;
  uint32_t status, flags;
  uint64_t a, b;
  const unsigned char *payload;
  size_t plen;
};

/* The errno values a reader may give (hostfs.h); anything else from the
 * child becomes EIO. */
static int
known_errno (uint32_t e)
{
  static const int known[] = {
    ENOENT, ENOTDIR, EINVAL, EIO, EFBIG, ENODATA, ENOMEM, ECANCELED,
    ENOTSUP, ENAMETOOLONG, ELOOP, ERANGE, EISDIR,
  };
  size_t i;

  for (i = 0; i < VS_ARRAY_SIZE (known); i++)
    if (e == (uint32_t) known[i])
      return known[i];
  return EIO;
}

/* An answer that says the call failed: frees it, sets errno. */
static int
answer_error (struct answer *an)
{
  free (an->msg);
  an->msg = NULL;
  errno = known_errno (an->status);
  return -1;
}

/* Parses the answer in msg (taken).  Returns 0, or -1 when it is too
 * short (the child is killed). */
static int
parse_answer (struct vs_remote *r, unsigned char *msg, size_t len,
              struct answer *an)
{
  memset (an, 0, sizeof *an);
  an->msg = msg;
  an->len = len;
  if (len < RESP_HDR) {
    vs_child_kill (r->ch, "sandboxed reader sent an answer of %zu bytes, "
                   "shorter than its header; killed", len);
    free (msg);
    an->msg = NULL;
    errno = EIO;
    return -1;
  }
  an->status = vs_le32 (msg);
  an->flags = vs_le32 (msg + 4);
  an->a = vs_le64 (msg + 8);
  an->b = vs_le64 (msg + 16);
  an->payload = msg + RESP_HDR;
  an->plen = len - RESP_HDR;
  if (an->flags & ~FLAG_MORE) {
    vs_child_kill (r->ch, "sandboxed reader sent unknown flags 0x%" PRIx32
                   "; killed", an->flags);
    free (msg);
    an->msg = NULL;
    errno = EIO;
    return -1;
  }
  return 0;
}

/* The answer broke the protocol: kills the child; EIO. */
static int
bad_answer (struct vs_remote *r, struct answer *an, const char *what)
{
  vs_child_kill (r->ch, "sandboxed reader broke the protocol: %s; killed",
                 what);
  free (an->msg);
  an->msg = NULL;
  errno = EIO;
  return -1;
}

static int
call (struct vs_remote *r, uint32_t op, uint64_t ino, uint64_t off,
      uint64_t len, const char *name, size_t namelen, struct answer *an)
{
  unsigned char req[REQ_HDR + VS_REMOTE_MAX_NAME];
  void *msg = NULL;
  size_t mlen = 0;
  char *err = NULL;

  memset (an, 0, sizeof *an);
  if (namelen > VS_REMOTE_MAX_NAME) {
    errno = ENAMETOOLONG;
    return -1;
  }
  memset (req, 0, REQ_HDR);
  vs_put_le32 (req, op);
  vs_put_le32 (req + 4, (uint32_t) namelen);
  vs_put_le64 (req + 8, ino);
  vs_put_le64 (req + 16, off);
  vs_put_le64 (req + 24, len);
  if (namelen)
    memcpy (req + REQ_HDR, name, namelen);
  if (vs_child_call (r->ch, req, REQ_HDR + namelen, &msg, &mlen, 0,
                     &err) == -1) {
    free (err);                 /* vs_remote_error has it */
    errno = EIO;
    return -1;
  }
  if (parse_answer (r, msg, mlen, an) == -1)
    return -1;
  if (an->flags && op != OP_READDIR && op != OP_DELETED && op != OP_ORPHANS
      && op != OP_PLUS)
    return bad_answer (r, an, "a continued answer to a single request");
  return 0;
}

/* Checks a name of a listing. */
static int
name_ok (const unsigned char *s, size_t len)
{
  if (len == 0 || len > VS_REMOTE_MAX_NAME)
    return 0;
  if (memchr (s, '\0', len) || memchr (s, '/', len))
    return 0;
  if ((len == 1 && s[0] == '.') || (len == 2 && s[0] == '.' && s[1] == '.'))
    return 0;
  return 1;
}

/* Copies a NUL-ended string out of *p (at most end), capped at MAX_INFO
 * bytes; NULL when there is no NUL. */
static char *
take_string (const unsigned char **p, const unsigned char *end)
{
  const unsigned char *nul = memchr (*p, '\0', (size_t) (end - *p));
  char *s;

  if (!nul || nul - *p > MAX_INFO)
    return NULL;
  s = vs_xstrndup ((const char *) *p, (size_t) (nul - *p));
  *p = nul + 1;
  return s;
}

int
vs_remote_open_backend (const struct vs_remote_backend *be,
                        struct vs_blockdev *dev, const char *fstype,
                        const struct vs_child_limits *lim,
                        struct vs_remote **out, char **errmsg)
{
  struct server s;
  struct vs_remote *r;
  struct answer an;
  int fds[VS_CHILD_MAX_FDS];
  const unsigned char *p, *end;
  size_t nfds;

  nfds = be->dev_fds (dev, fds, VS_CHILD_MAX_FDS);
  if (nfds > VS_CHILD_MAX_FDS)
    nfds = VS_CHILD_MAX_FDS;
  memset (&s, 0, sizeof s);
  s.be = be;
  s.dev = dev;
  s.fstype = fstype;
  r = vs_xcalloc (1, sizeof *r);
  /* s is copied into the child by the fork; the parent's copy is not
   * used after the start. */
  if (vs_child_start (serve, &s, fds, nfds, lim, &r->ch, errmsg) == -1) {
    free (r);
    errno = EIO;
    return -1;
  }
  if (call (r, OP_INFO, 0, 0, 0, NULL, 0, &an) == -1) {
    *errmsg = vs_xasprintf ("cannot open the filesystem: %s",
                            vs_remote_error (r) ? vs_remote_error (r)
                            : strerror (errno));
    vs_remote_close (r);
    errno = EIO;
    return -1;
  }
  if (an.status != 0) {
    CLEANUP_FREE char *why =
      vs_printable ((const char *) an.payload,
                    an.plen > MAX_REASON ? MAX_REASON : an.plen);
    int e = known_errno (an.status);

    *errmsg = vs_xstrdup (an.plen ? why : strerror (e));
    free (an.msg);
    vs_remote_close (r);
    errno = e;
    return -1;
  }
  p = an.payload;
  end = an.payload + an.plen;
  r->type = take_string (&p, end);
  r->label = r->type ? take_string (&p, end) : NULL;
  r->uuid = r->label ? take_string (&p, end) : NULL;
  r->root = an.a;
  if (!r->uuid || p != end) {
    bad_answer (r, &an, "a malformed description of the filesystem");
    *errmsg = vs_xstrdup (vs_remote_error (r));
    vs_remote_close (r);
    errno = EIO;
    return -1;
  }
  free (an.msg);
  *out = r;
  return 0;
}

const char *
vs_remote_type (const struct vs_remote *r)
{
  return r->type;
}

const char *
vs_remote_label (const struct vs_remote *r)
{
  return r->label;
}

const char *
vs_remote_uuid (const struct vs_remote *r)
{
  return r->uuid;
}

uint64_t
vs_remote_root (const struct vs_remote *r)
{
  return r->root;
}

const char *
vs_remote_error (const struct vs_remote *r)
{
  return vs_child_failed (r->ch);
}

/* Decodes the STAT_FIELDS u64 at p, the stat of ino.  Returns -1 when
 * a value is impossible (the caller kills the child). */
static int
stat_decode (const unsigned char *p, uint64_t ino, struct vs_hostfs_stat *st)
{
  uint64_t f[STAT_FIELDS];
  int i;

  for (i = 0; i < STAT_FIELDS; i++)
    f[i] = vs_le64 (p + 8 * i);
  if (f[0] != ino || f[1] > UINT32_MAX || f[2] > UINT32_MAX
      || f[3] > UINT32_MAX || f[8] >= 1000000000 || f[10] >= 1000000000
      || f[12] >= 1000000000 || f[15] >= 1000000000 || f[13] > 1
      || f[16] > 1 || f[17] > VS_HOSTFS_CONTENT_NONE || f[18] > 1
      || (f[17] && (!f[16] || (f[1] & S_IFMT) != S_IFREG)))
    return -1;
  memset (st, 0, sizeof *st);
  st->ino = f[0];
  st->mode = (uint32_t) f[1];
  st->uid = (uint32_t) f[2];
  st->gid = (uint32_t) f[3];
  st->nlink = f[4];
  st->size = f[5];
  st->blocks = f[6];
  st->atime.tv_sec = (time_t) (int64_t) f[7];
  st->atime.tv_nsec = (long) f[8];
  st->mtime.tv_sec = (time_t) (int64_t) f[9];
  st->mtime.tv_nsec = (long) f[10];
  st->ctime.tv_sec = (time_t) (int64_t) f[11];
  st->ctime.tv_nsec = (long) f[12];
  st->has_btime = (int) f[13];
  st->btime.tv_sec = (time_t) (int64_t) f[14];
  st->btime.tv_nsec = (long) f[15];
  st->deleted = (int) f[16];
  st->content = (int) f[17];
  st->no_xattrs = (int) f[18];
  return 0;
}

int
vs_remote_stat (struct vs_remote *r, uint64_t ino, struct vs_hostfs_stat *st)
{
  struct answer an;

  if (call (r, OP_STAT, ino, 0, 0, NULL, 0, &an) == -1)
    return -1;
  if (an.status)
    return answer_error (&an);
  if (an.plen != STAT_FIELDS * 8)
    return bad_answer (r, &an, "a stat of the wrong size");
  if (stat_decode (an.payload, ino, st) == -1)
    return bad_answer (r, &an, "a stat with impossible values");
  free (an.msg);
  return 0;
}

/* A listing (READDIR, DELETED, ORPHANS); *next, for ORPHANS, the
 * cursor the last answer gave. */
static int
listing (struct vs_remote *r, uint32_t op, uint64_t dir,
         vs_hostfs_dirent_fn *fn, vs_remote_plus_fn *plus, void *opaque,
         uint64_t *next)
{
  size_t hlen = op == OP_PLUS ? 16 : 12;
  struct answer an;
  uint64_t total = 0, i;
  const unsigned char *p, *end;
  void *msg;
  size_t mlen;
  char *err = NULL;
  int stop = 0;

  if (call (r, op, dir, 0, 0, NULL, 0, &an) == -1)
    return -1;
  for (;;) {
    /* Every batch is checked whole, even after fn asked to stop, so
     * that the next answer read is the next request's. */
    p = an.payload;
    end = an.payload + an.plen;
    if (an.a > an.plen / hlen)
      return bad_answer (r, &an, "a batch counting more entries than it "
                         "holds");
    for (i = 0; i < an.a; i++) {
      uint64_t ino;
      uint32_t len, has_stat = 0;
      const unsigned char *name;
      struct vs_hostfs_stat st;

      if ((size_t) (end - p) < hlen)
        return bad_answer (r, &an, "an entry cut short");
      ino = vs_le64 (p);
      len = vs_le32 (p + 8);
      if (op == OP_PLUS)
        has_stat = vs_le32 (p + 12);
      p += hlen;
      if (len > (size_t) (end - p) || !name_ok (p, len))
        return bad_answer (r, &an, "an entry with an impossible name");
      if (ino == 0 && op != OP_DELETED)
        return bad_answer (r, &an, "an entry of inode 0");
      if (++total > VS_HOSTFS_MAX_ENTRIES)
        return bad_answer (r, &an, "a directory past the entry limit");
      name = p;
      p += len;
      if (has_stat > 1
          || (has_stat && (size_t) (end - p) < STAT_FIELDS * 8))
        return bad_answer (r, &an, "an entry's stat cut short");
      if (has_stat && stat_decode (p, ino, &st) == -1)
        return bad_answer (r, &an, "a stat with impossible values");
      if (has_stat)
        p += STAT_FIELDS * 8;
      if (!stop)
        stop = plus ? plus (opaque, (const char *) name, len, ino,
                            has_stat ? &st : NULL)
          : fn (opaque, (const char *) name, len, ino);
    }
    if (p != end)
      return bad_answer (r, &an, "bytes after a batch's entries");
    if (!(an.flags & FLAG_MORE))
      break;
    free (an.msg);
    if (vs_child_more (r->ch, &msg, &mlen, 0, &err) == -1) {
      free (err);
      errno = EIO;
      return -1;
    }
    if (parse_answer (r, msg, mlen, &an) == -1)
      return -1;
    if ((an.flags & FLAG_MORE) && an.status)
      return bad_answer (r, &an, "an error in the middle of a listing");
  }
  if (!stop && an.status)
    return answer_error (&an);
  if (op == OP_ORPHANS && !an.status && an.b <= dir)
    return bad_answer (r, &an, "an orphan listing that does not move on");
  if (next)
    *next = an.b;
  free (an.msg);
  return stop;
}

int
vs_remote_readdir (struct vs_remote *r, uint64_t dir,
                   vs_hostfs_dirent_fn *fn, void *opaque)
{
  return listing (r, OP_READDIR, dir, fn, NULL, opaque, NULL);
}

int
vs_remote_readdir_plus (struct vs_remote *r, uint64_t dir,
                        vs_remote_plus_fn *fn, void *opaque)
{
  return listing (r, OP_PLUS, dir, NULL, fn, opaque, NULL);
}

int
vs_remote_readdir_deleted (struct vs_remote *r, uint64_t dir,
                           vs_hostfs_dirent_fn *fn, void *opaque)
{
  return listing (r, OP_DELETED, dir, fn, NULL, opaque, NULL);
}

int
vs_remote_orphans (struct vs_remote *r, uint64_t *cursor,
                   vs_hostfs_dirent_fn *fn, void *opaque)
{
  uint64_t next = VS_HOSTFS_ORPHANS_DONE;
  int rc;

  if (*cursor == VS_HOSTFS_ORPHANS_DONE) {
    errno = EINVAL;
    return -1;
  }
  rc = listing (r, OP_ORPHANS, *cursor, fn, NULL, opaque, &next);
  if (rc == 0)
    *cursor = next;
  return rc;
}

int
vs_remote_lookup (struct vs_remote *r, uint64_t dir, const char *name,
                  size_t len, uint64_t *ino)
{
  struct answer an;

  if (len == 0 || memchr (name, '\0', len) || memchr (name, '/', len)) {
    errno = EINVAL;
    return -1;
  }
  if (call (r, OP_LOOKUP, dir, 0, 0, name, len, &an) == -1)
    return -1;
  if (an.status)
    return answer_error (&an);
  if (an.plen != 0)
    return bad_answer (r, &an, "a payload with a lookup");
  *ino = an.a;
  free (an.msg);
  return 0;
}

int
vs_remote_readlink (struct vs_remote *r, uint64_t ino, char **target,
                    size_t *len)
{
  struct answer an;

  if (call (r, OP_READLINK, ino, 0, 0, NULL, 0, &an) == -1)
    return -1;
  if (an.status)
    return answer_error (&an);
  if (an.plen > VS_HOSTFS_MAX_LINK || an.a != an.plen)
    return bad_answer (r, &an, "a link target of an impossible length");
  *target = vs_xmalloc (an.plen + 1);
  memcpy (*target, an.payload, an.plen);
  (*target)[an.plen] = '\0';
  *len = an.plen;
  free (an.msg);
  return 0;
}

int
vs_remote_read (struct vs_remote *r, uint64_t ino, uint64_t off, void *buf,
                size_t len, size_t *got)
{
  struct answer an;
  size_t done = 0, ask;

  *got = 0;
  while (done < len) {
    ask = len - done > VS_REMOTE_CHUNK ? VS_REMOTE_CHUNK : len - done;
    if (off + done < off) {
      errno = EINVAL;
      return -1;
    }
    if (call (r, OP_READ, ino, off + done, ask, NULL, 0, &an) == -1)
      return -1;
    if (an.status)
      return answer_error (&an);
    if (an.plen > ask || an.a != an.plen) {
      char what[96];

      snprintf (what, sizeof what, "%zu bytes for a read of %zu", an.plen,
                ask);
      return bad_answer (r, &an, what);
    }
    memcpy ((char *) buf + done, an.payload, an.plen);
    done += an.plen;
    free (an.msg);
    *got = done;
    if (an.plen < ask)
      break;                    /* the end of the file */
  }
  return 0;
}

int
vs_remote_getxattr (struct vs_remote *r, uint64_t ino, const char *name,
                    void *buf, size_t len, size_t *got)
{
  struct answer an;
  size_t namelen = strlen (name),
    ask = len > VS_REMOTE_MAX_XATTR ? VS_REMOTE_MAX_XATTR : len;

  if (namelen == 0) {
    errno = EINVAL;
    return -1;
  }
  if (call (r, OP_GETXATTR, ino, 0, ask, name, namelen, &an) == -1)
    return -1;
  if (an.status) {
    if (an.plen != 0)
      return bad_answer (r, &an, "a payload with an error");
    if (known_errno (an.status) == EFBIG)
      *got = an.a;
    return answer_error (&an);
  }
  if (an.plen > ask || an.a != an.plen)
    return bad_answer (r, &an, "an attribute value of an impossible length");
  memcpy (buf, an.payload, an.plen);
  *got = an.plen;
  free (an.msg);
  return 0;
}

void
vs_remote_close (struct vs_remote *r)
{
  if (!r)
    return;
  vs_child_free (r->ch);
  free (r->type);
  free (r->label);
  free (r->uuid);
  free (r);
}
