/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: each image served to the appliance by qemu-storage-daemon in
 * the sandbox (see serve.h).
 *
 * The daemon gets three descriptors and nothing else: the NBD socket,
 * already bound and listening (3), one end of a socket pair for its QMP
 * monitor (4), and a pipe for its stderr that never blocks it (writes
 * beyond what the pipe holds are lost, not waited for).  Its options
 * are processed in order and it serves nothing until all are, so the
 * QMP greeting means the image is open and the export made; EOF before
 * it means the daemon failed, and its stderr says why.
 *
 * The replies are read by a small JSON reader: a line of at most
 * VS_QMP_MAX_LINE bytes, nesting at most VS_JSON_MAX_DEPTH, one pass.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/sandbox.h"
#include "core/serve.h"
#include "base/util.h"

/* A QMP reply for a few block nodes is a few KiB; a reply longer than
 * this is not one vmscan would accept anyway (see VS_SERVE_MAX_NODES). */
#define VS_QMP_MAX_LINE (1024 * 1024)
/* qemu's replies nest five deep; anything past this is not qemu's. */
#define VS_JSON_MAX_DEPTH 32
/* The image's format node, its file, and a few more "file" nodes on
 * /image (a VMDK may name its own file as an extent): more than this is
 * not a single-file image. */
#define VS_SERVE_MAX_NODES 16
/* From start to a checked, listening server.  The daemon opens an image
 * in milliseconds; this bounds a host too loaded to run it, not work. */
#define VS_SERVE_TIMEOUT 60.0
/* How much of the daemon's stderr is kept for a message. */
#define VS_SERVE_STDERR_KEEP 4096
/* Connections waiting to be accepted: libguestfs makes two (qemu-img
 * for the overlay, then qemu). */
#define VS_SERVE_BACKLOG 8

struct vs_serve {
  pid_t pid;
  char *dir;
  char *sock;
  int err;                      /* read end of the daemon's stderr */
};

/* A JSON value.  Strings are NUL-terminated (a \u0000 is refused: qemu
 * never sends one). */
enum jt { J_NULL, J_FALSE, J_TRUE, J_NUM, J_STR, J_ARR, J_OBJ };
struct jv {
  enum jt t;
  char *s;                      /* J_STR: decoded; J_NUM: its text */
  struct jv *v;                 /* J_ARR, J_OBJ: the values */
  char **k;                     /* J_OBJ: the keys */
  size_t n, alloc;
};

struct jp {
  const char *p, *end;
  int stopped;
};

static void
jv_free (struct jv *v)
{
  size_t i;

  free (v->s);
  for (i = 0; i < v->n; i++) {
    jv_free (&v->v[i]);
    if (v->k)
      free (v->k[i]);
  }
  free (v->v);
  free (v->k);
  memset (v, 0, sizeof *v);
}

static void
skip_ws (struct jp *j)
{
  while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n'
                           || *j->p == '\r'))
    j->p++;
}

static int
hex4 (const char *p, unsigned *out)
{
  unsigned v = 0;
  int i;

  for (i = 0; i < 4; i++) {
    char c = p[i];

    v <<= 4;
    if (c >= '0' && c <= '9')
      v |= (unsigned) (c - '0');
    else if (c >= 'a' && c <= 'f')
      v |= (unsigned) (c - 'a' + 10);
    else if (c >= 'A' && c <= 'F')
      v |= (unsigned) (c - 'A' + 10);
    else
      return -1;
  }
  *out = v;
  return 0;
}

static void
add_utf8 (struct vs_buf *b, unsigned cp)
{
  if (cp < 0x80)
    vs_buf_addc (b, (char) cp);
  else if (cp < 0x800) {
    vs_buf_addc (b, (char) (0xc0 | cp >> 6));
    vs_buf_addc (b, (char) (0x80 | (cp & 0x3f)));
  }
  else if (cp < 0x10000) {
    vs_buf_addc (b, (char) (0xe0 | cp >> 12));
    vs_buf_addc (b, (char) (0x80 | ((cp >> 6) & 0x3f)));
    vs_buf_addc (b, (char) (0x80 | (cp & 0x3f)));
  }
  else {
    vs_buf_addc (b, (char) (0xf0 | cp >> 18));
    vs_buf_addc (b, (char) (0x80 | ((cp >> 12) & 0x3f)));
    vs_buf_addc (b, (char) (0x80 | ((cp >> 6) & 0x3f)));
    vs_buf_addc (b, (char) (0x80 | (cp & 0x3f)));
  }
}

/* A string at j->p (on the opening quote). */
static char *
jparse_string (struct jp *j)
{
  struct vs_buf b = VS_BUF_INIT;

  j->p++;
  vs_buf_adds (&b, "");
  while (j->p < j->end && *j->p != '"') {
    unsigned char c = (unsigned char) *j->p;
    unsigned cp, lo;

    if (c < 0x20)
      goto bad;
    if (c != '\\') {
      vs_buf_addc (&b, (char) c);
      j->p++;
      continue;
    }
    if (j->end - j->p < 2)
      goto bad;
    c = (unsigned char) j->p[1];
    j->p += 2;
    switch (c) {
    case '"': case '\\': case '/': vs_buf_addc (&b, (char) c); break;
    case 'b': vs_buf_addc (&b, '\b'); break;
    case 'f': vs_buf_addc (&b, '\f'); break;
    case 'n': vs_buf_addc (&b, '\n'); break;
    case 'r': vs_buf_addc (&b, '\r'); break;
    case 't': vs_buf_addc (&b, '\t'); break;
    case 'u':
      if (j->end - j->p < 4 || hex4 (j->p, &cp) == -1 || cp == 0)
        goto bad;
      j->p += 4;
      if (cp >= 0xd800 && cp < 0xdc00 && j->end - j->p >= 6
          && j->p[0] == '\\' && j->p[1] == 'u' && hex4 (j->p + 2, &lo) == 0
          && lo >= 0xdc00 && lo < 0xe000) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        j->p += 6;
      }
      else if (cp >= 0xd800 && cp < 0xe000)
        cp = 0xfffd;
      add_utf8 (&b, cp);
      break;
    default:
      goto bad;
    }
  }
  if (j->p >= j->end)
    goto bad;
  j->p++;
  return vs_buf_detach (&b, NULL);

 bad:
  vs_buf_release (&b);
  return NULL;
}

static int
jparse_number (struct jp *j, struct jv *out)
{
  const char *start = j->p;

  if (j->p < j->end && *j->p == '-')
    j->p++;
  if (j->p >= j->end || *j->p < '0' || *j->p > '9')
    return -1;
  while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
    j->p++;
  if (j->p < j->end && *j->p == '.') {
    j->p++;
    if (j->p >= j->end || *j->p < '0' || *j->p > '9')
      return -1;
    while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
      j->p++;
  }
  if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
    j->p++;
    if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
      j->p++;
    if (j->p >= j->end || *j->p < '0' || *j->p > '9')
      return -1;
    while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
      j->p++;
  }
  out->t = J_NUM;
  out->s = vs_xstrndup (start, (size_t) (j->p - start));
  return 0;
}

static int
jparse_word (struct jp *j, const char *w, enum jt t, struct jv *out)
{
  size_t n = strlen (w);

  if ((size_t) (j->end - j->p) < n || memcmp (j->p, w, n) != 0)
    return -1;
  j->p += n;
  out->t = t;
  return 0;
}

static void
jv_push (struct jv *v, char *key, const struct jv *val)
{
  if (v->n == v->alloc) {
    v->alloc = v->alloc ? 2 * v->alloc : 4;
    v->v = vs_xrealloc (v->v, v->alloc * sizeof *v->v);
    if (v->t == J_OBJ)
      v->k = vs_xrealloc (v->k, v->alloc * sizeof *v->k);
  }
  v->v[v->n] = *val;
  if (v->t == J_OBJ)
    v->k[v->n] = key;
  v->n++;
}

/* One value; recursion is bounded by VS_JSON_MAX_DEPTH, and every byte
 * is looked at once. */
static int
jparse_value (struct jp *j, struct jv *out, int depth)
{
  memset (out, 0, sizeof *out);
  if (vs_tick ()) {
    j->stopped = 1;
    return -1;
  }
  skip_ws (j);
  if (j->p >= j->end)
    return -1;
  switch (*j->p) {
  case '"':
    out->t = J_STR;
    out->s = jparse_string (j);
    return out->s ? 0 : -1;
  case 't':
    return jparse_word (j, "true", J_TRUE, out);
  case 'f':
    return jparse_word (j, "false", J_FALSE, out);
  case 'n':
    return jparse_word (j, "null", J_NULL, out);
  case '[':
  case '{': {
    char close = *j->p == '[' ? ']' : '}';

    if (depth >= VS_JSON_MAX_DEPTH)
      return -1;
    out->t = close == ']' ? J_ARR : J_OBJ;
    j->p++;
    skip_ws (j);
    if (j->p < j->end && *j->p == close) {
      j->p++;
      return 0;
    }
    for (;;) {
      char *key = NULL;
      struct jv val;

      if (out->t == J_OBJ) {
        skip_ws (j);
        if (j->p >= j->end || *j->p != '"'
            || (key = jparse_string (j)) == NULL)
          return -1;
        skip_ws (j);
        if (j->p >= j->end || *j->p != ':') {
          free (key);
          return -1;
        }
        j->p++;
      }
      if (jparse_value (j, &val, depth + 1) == -1) {
        jv_free (&val);
        free (key);
        return -1;
      }
      jv_push (out, key, &val);
      skip_ws (j);
      if (j->p < j->end && *j->p == ',') {
        j->p++;
        continue;
      }
      if (j->p < j->end && *j->p == close) {
        j->p++;
        return 0;
      }
      return -1;
    }
  }
  default:
    return jparse_number (j, out);
  }
}

/* Parses the whole of text; returns 0, or -1 (*out is then empty). */
static int
jparse (const char *text, size_t len, struct jv *out)
{
  struct jp j = { text, text + len, 0 };

  if (jparse_value (&j, out, 0) == -1) {
    jv_free (out);
    return -1;
  }
  skip_ws (&j);
  if (j.p != j.end) {
    jv_free (out);
    return -1;
  }
  return 0;
}

static const struct jv *
jget (const struct jv *o, const char *key)
{
  size_t i;

  if (o->t != J_OBJ)
    return NULL;
  for (i = 0; i < o->n; i++)
    if (strcmp (o->k[i], key) == 0)
      return &o->v[i];
  return NULL;
}

static const char *
jstr (const struct jv *o, const char *key)
{
  const struct jv *v = jget (o, key);

  return v && v->t == J_STR ? v->s : NULL;
}

/* A name qemu gave, for a message: printable, and cut at 200 bytes. */
static char *
shown (const char *s)
{
  size_t n = strlen (s);

  return vs_printable (s, n > 200 ? 200 : n);
}

/* Looks through everything qemu says of one node for a name of another
 * file.  Returns 0, or -1 with *errmsg. */
static int
names_other (const struct jv *v, char **errmsg)
{
  static const char *const backing[] = {
    "backing-filename", "full-backing-filename", "backing_file",
    "backing-image",
  };
  size_t i, b;

  if (v->t != J_OBJ && v->t != J_ARR)
    return 0;
  for (i = 0; i < v->n; i++) {
    const struct jv *val = &v->v[i];

    if (v->t == J_OBJ) {
      const char *k = v->k[i];
      CLEANUP_FREE char *name = val->t == J_STR ? shown (val->s) : NULL;

      for (b = 0; b < VS_ARRAY_SIZE (backing); b++)
        if (strcmp (k, backing[b]) == 0) {
          *errmsg = vs_xasprintf ("qemu finds a backing file%s%s%s in the "
                                  "image; vmscan does not open files an "
                                  "image names", name ? " '" : "",
                                  name ? name : "", name ? "'" : "");
          return -1;
        }
      if (strcmp (k, "backing_file_depth") == 0 && val->t == J_NUM
          && strcmp (val->s, "0") != 0) {
        *errmsg = vs_xstrdup ("qemu finds a backing file in the image; "
                              "vmscan does not open files an image names");
        return -1;
      }
      if (strcmp (k, "data-file") == 0) {
        *errmsg = vs_xasprintf ("qemu finds an external data file%s%s%s "
                                "in the image; vmscan does not open files "
                                "an image names", name ? " '" : "",
                                name ? name : "", name ? "'" : "");
        return -1;
      }
      /* A "json:" name is qemu's spelling of the options vmscan gave;
       * the nodes it opened are each checked on their own. */
      if (strcmp (k, "filename") == 0 && val->t == J_STR
          && strncmp (val->s, "json:", 5) != 0
          && strcmp (val->s, VS_SANDBOX_IMAGE) != 0) {
        *errmsg = vs_xasprintf ("qemu finds another file, '%s', named in "
                                "the image; vmscan does not open files an "
                                "image names", name);
        return -1;
      }
    }
    if (names_other (val, errmsg) == -1)
      return -1;
  }
  return 0;
}

int
vs_serve_check_nodes (const char *json, size_t len, const char *format,
                      char **errmsg)
{
  struct jv top;
  const struct jv *ret, *err;
  size_t i, nformat = 0;
  int rc = -1;

  if (jparse (json, len, &top) == -1 || top.t != J_OBJ) {
    *errmsg = vs_xstrdup (vs_stopping () ? "stopped"
                          : "qemu's list of block nodes is not valid JSON");
    jv_free (&top);
    return -1;
  }
  if ((err = jget (&top, "error")) != NULL) {
    const char *desc = jstr (err, "desc");
    CLEANUP_FREE char *d = shown (desc ? desc : "no reason given");

    *errmsg = vs_xasprintf ("qemu cannot list its block nodes: %s", d);
    goto out;
  }
  ret = jget (&top, "return");
  if (!ret || ret->t != J_ARR || ret->n == 0) {
    *errmsg = vs_xstrdup ("qemu lists no block node for the image");
    goto out;
  }
  if (ret->n > VS_SERVE_MAX_NODES) {
    *errmsg = vs_xasprintf ("qemu opens %zu block nodes for the image; a "
                            "single-file image needs a few", ret->n);
    goto out;
  }
  for (i = 0; i < ret->n; i++) {
    const struct jv *node = &ret->v[i];
    const char *drv = jstr (node, "drv"), *file = jstr (node, "file");
    CLEANUP_FREE char *d = drv ? shown (drv) : NULL;
    CLEANUP_FREE char *f = file ? shown (file) : NULL;

    if (!drv) {
      *errmsg = vs_xstrdup ("qemu lists a block node without a driver");
      goto out;
    }
    if (strcmp (drv, format) == 0)
      nformat++;
    else if (strcmp (drv, "file") != 0) {
      *errmsg = vs_xasprintf ("qemu opens a '%s' block node%s%s%s for the "
                              "image; vmscan lets it open only the image",
                              d, f ? " on '" : "", f ? f : "", f ? "'" : "");
      goto out;
    }
    else if (!file || strcmp (file, VS_SANDBOX_IMAGE) != 0) {
      *errmsg = vs_xasprintf ("qemu opens another file, '%s', for the "
                              "image; vmscan does not open files an image "
                              "names", f ? f : "?");
      goto out;
    }
    if (names_other (node, errmsg) == -1)
      goto out;
  }
  if (nformat != 1) {
    *errmsg = vs_xasprintf ("qemu opens %zu '%s' block nodes for the "
                            "image; vmscan expects one", nformat, format);
    goto out;
  }
  rc = 0;
 out:
  jv_free (&top);
  return rc;
}

/* QMP, one line at a time, under a deadline. */
struct qmp {
  int fd;
  struct vs_buf in;
  double deadline;
};

/* The next reply or greeting (events are skipped), or NULL with *errmsg
 * ("" when the daemon closed the connection: the caller says why). */
static char *
qmp_read (struct qmp *q, size_t *len, char **errmsg)
{
  for (;;) {
    char *nl = q->in.data ? memchr (q->in.data, '\n', q->in.len) : NULL;
    struct pollfd pfd = { q->fd, POLLIN, 0 };
    double left;
    char buf[65536];
    ssize_t n;
    int r;

    if (nl) {
      size_t l = (size_t) (nl - q->in.data) + 1;
      char *line = vs_xstrndup (q->in.data, l);
      struct jv v;
      int event;

      memmove (q->in.data, q->in.data + l, q->in.len - l);
      vs_buf_setlen (&q->in, q->in.len - l);
      event = jparse (line, l, &v) == 0 && jget (&v, "event") != NULL;
      jv_free (&v);
      if (!event) {
        *len = l;
        return line;
      }
      free (line);
      continue;
    }
    if (q->in.len > VS_QMP_MAX_LINE) {
      *errmsg = vs_xasprintf ("qemu's answer is longer than %d bytes",
                              VS_QMP_MAX_LINE);
      return NULL;
    }
    left = q->deadline - vs_now_monotonic ();
    if (left <= 0) {
      *errmsg = vs_xasprintf ("qemu-storage-daemon did not answer within "
                              "%.0f s", VS_SERVE_TIMEOUT);
      return NULL;
    }
    r = poll (&pfd, 1, (int) (left * 1000) + 1);
    if (r == -1 && errno == EINTR)
      continue;
    if (r == -1) {
      *errmsg = vs_xasprintf ("poll: %s", strerror (errno));
      return NULL;
    }
    if (r == 0)
      continue;
    n = read (q->fd, buf, sizeof buf);
    if (n == -1 && (errno == EINTR || errno == EAGAIN))
      continue;
    if (n <= 0) {
      *errmsg = vs_xstrdup ("");
      return NULL;
    }
    vs_buf_add (&q->in, buf, (size_t) n);
  }
}

static int
qmp_send (struct qmp *q, const char *cmd, char **errmsg)
{
  size_t len = strlen (cmd), done = 0;

  while (done < len) {
    ssize_t n = send (q->fd, cmd + done, len - done, MSG_NOSIGNAL);

    if (n == -1 && errno == EINTR)
      continue;
    if (n <= 0) {
      *errmsg = vs_xstrdup ("");
      return -1;
    }
    done += (size_t) n;
  }
  return 0;
}

/* What the daemon wrote on stderr, on one line, without its name and
 * the options vmscan gave it.  Caller frees. */
static char *
daemon_said (struct vs_serve *s, const char *blockdev)
{
  char buf[VS_SERVE_STDERR_KEEP + 1];
  size_t got = 0;
  CLEANUP_FREE char *line = NULL;
  CLEANUP_FREE char *opt = vs_xasprintf ("--blockdev %s: ", blockdev);
  char *p, *q;

  while (got < VS_SERVE_STDERR_KEEP) {
    ssize_t n = read (s->err, buf + got, VS_SERVE_STDERR_KEEP - got);

    if (n == -1 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    got += (size_t) n;
  }
  buf[got] = '\0';
  line = vs_one_line (buf);
  p = line;
  if (strncmp (p, "qemu-storage-daemon: ", 21) == 0)
    p += 21;
  if ((q = strstr (p, opt)) != NULL)
    p = q + strlen (opt);
  return *p ? vs_printable (p, strlen (p)) : NULL;
}

/* The daemon is gone or failed: reap it and say why, in *errmsg. */
static void
daemon_failed (struct vs_serve *s, const char *blockdev, const char *why,
               char **errmsg)
{
  CLEANUP_FREE char *said = NULL;
  int status = 0;

  if (s->pid > 0) {
    kill (s->pid, SIGKILL);
    waitpid (s->pid, &status, 0);
    s->pid = 0;
  }
  said = daemon_said (s, blockdev);
  if (why && *why)
    *errmsg = vs_xasprintf ("qemu cannot serve the image: %s%s%s", why,
                            said ? ": " : "", said ? said : "");
  else
    *errmsg = vs_xasprintf ("qemu cannot open the image: %s",
                            said ? said : "qemu-storage-daemon failed");
}

/* The -blockdev options: the format over the file driver on the image,
 * read-only, never a backing file.  vpc and vhdx have no backing files
 * and refuse the option. */
static char *
blockdev_json (const char *format)
{
  int backing = strcmp (format, "qcow2") == 0 || strcmp (format, "vmdk") == 0;

  return vs_xasprintf ("{\"node-name\":\"img\",\"driver\":\"%s\","
                       "\"read-only\":true,%s\"file\":{\"driver\":\"file\","
                       "\"filename\":\"" VS_SANDBOX_IMAGE "\","
                       "\"read-only\":true,\"locking\":\"off\"}}",
                       format, backing ? "\"backing\":null," : "");
}

int
vs_serve_start (const struct vs_image *img, struct vs_serve **out,
                char **errmsg)
{
  struct vs_serve *s = vs_xcalloc (1, sizeof *s);
  CLEANUP_FREE char *tool = NULL, *blockdev = NULL;
  char tmpl[] = "/tmp/vmscan.XXXXXX";
  struct sockaddr_un sa;
  struct qmp q = { -1, VS_BUF_INIT, 0 };
  int lfd = -1, qp[2] = { -1, -1 }, ep[2] = { -1, -1 };
  char *line = NULL;
  size_t len;
  int i;

  s->err = -1;
  for (i = 0; img->format[i]; i++)
    if (!((img->format[i] >= 'a' && img->format[i] <= 'z')
          || (img->format[i] >= '0' && img->format[i] <= '9'))) {
      *errmsg = vs_xasprintf ("format '%s' is not a qemu driver name",
                              img->format);
      goto fail;
    }
  tool = vs_sandbox_find_tool ("qemu-storage-daemon", errmsg);
  if (!tool)
    goto fail;
  if (!mkdtemp (tmpl)) {
    *errmsg = vs_xasprintf ("cannot make a temporary directory: %s",
                            strerror (errno));
    goto fail;
  }
  s->dir = vs_xstrdup (tmpl);
  s->sock = vs_xasprintf ("%s/nbd", s->dir);
  memset (&sa, 0, sizeof sa);
  sa.sun_family = AF_UNIX;
  if (strlen (s->sock) >= sizeof sa.sun_path) {
    *errmsg = vs_xasprintf ("%s: socket path too long", s->sock);
    goto fail;
  }
  strcpy (sa.sun_path, s->sock);
  lfd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (lfd == -1 || bind (lfd, (struct sockaddr *) &sa, sizeof sa) == -1
      || listen (lfd, VS_SERVE_BACKLOG) == -1) {
    *errmsg = vs_xasprintf ("%s: %s", s->sock, strerror (errno));
    goto fail;
  }
  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, qp) == -1
      || pipe2 (ep, O_CLOEXEC | O_NONBLOCK) == -1) {
    *errmsg = vs_xasprintf ("socketpair: %s", strerror (errno));
    goto fail;
  }
  blockdev = blockdev_json (img->format);
  {
    const char *argv[] = {
      tool,
      "--blockdev", blockdev,
      "--nbd-server", "addr.type=fd,addr.str=3",
      "--export", "type=nbd,id=vmscan,node-name=img,name=" VS_SERVE_EXPORT
      ",writable=off",
      "--chardev", "socket,id=qmp,fd=4",
      "--monitor", "chardev=qmp",
      NULL
    };
    int fds[2] = { lfd, qp[1] };
    struct vs_sandbox_cmd cmd = { argv, img->fd, fds, 2, -1, ep[1] };

    if (vs_sandbox_spawn (&cmd, &s->pid, errmsg) == -1)
      goto fail;
  }
  /* Only the daemon holds these now: if it dies, a client is refused
   * rather than left waiting. */
  close (lfd);
  lfd = -1;
  close (qp[1]);
  qp[1] = -1;
  close (ep[1]);
  ep[1] = -1;
  s->err = ep[0];
  ep[0] = -1;
  q.fd = qp[0];
  q.deadline = vs_now_monotonic () + VS_SERVE_TIMEOUT;

  line = qmp_read (&q, &len, errmsg);
  if (!line)
    goto daemon;
  free (line);
  if (qmp_send (&q, "{\"execute\":\"qmp_capabilities\"}\n", errmsg) == -1
      || (line = qmp_read (&q, &len, errmsg)) == NULL)
    goto daemon;
  free (line);
  if (qmp_send (&q, "{\"execute\":\"query-named-block-nodes\","
                "\"arguments\":{\"flat\":true}}\n", errmsg) == -1
      || (line = qmp_read (&q, &len, errmsg)) == NULL)
    goto daemon;
  {
    size_t l = len;

    while (l > 0 && (line[l - 1] == '\n' || line[l - 1] == '\r'))
      l--;
    vs_debug ("%s: qemu's block nodes: %.*s", img->path,
              (int) (l > 2000 ? 2000 : l), line);
  }
  if (vs_serve_check_nodes (line, len, img->format, errmsg) == -1) {
    free (line);
    goto fail;
  }
  free (line);
  close (q.fd);
  vs_buf_release (&q.in);
  *out = s;
  return 0;

 daemon:
  {
    CLEANUP_FREE char *why = *errmsg;

    *errmsg = NULL;
    daemon_failed (s, blockdev, why, errmsg);
  }
 fail:
  if (q.fd >= 0)
    close (q.fd);
  else if (qp[0] >= 0)
    close (qp[0]);
  vs_buf_release (&q.in);
  if (lfd >= 0)
    close (lfd);
  if (qp[1] >= 0)
    close (qp[1]);
  if (ep[0] >= 0)
    close (ep[0]);
  if (ep[1] >= 0)
    close (ep[1]);
  vs_serve_free (s);
  return -1;
}

const char *
vs_serve_socket (const struct vs_serve *s)
{
  return s->sock;
}

const char *
vs_serve_dir (const struct vs_serve *s)
{
  return s->dir;
}

pid_t
vs_serve_pid (const struct vs_serve *s)
{
  return s->pid;
}

void
vs_serve_free (struct vs_serve *s)
{
  if (!s)
    return;
  if (s->pid > 0) {
    kill (s->pid, SIGKILL);
    waitpid (s->pid, NULL, 0);
  }
  if (s->err >= 0) {
    if (vs_verbosity >= 1) {
      char buf[VS_SERVE_STDERR_KEEP + 1];
      ssize_t n = read (s->err, buf, VS_SERVE_STDERR_KEEP);

      if (n > 0) {
        CLEANUP_FREE char *line = NULL;

        buf[n] = '\0';
        line = vs_one_line (buf);
        vs_debug ("qemu-storage-daemon said: %s", line);
      }
    }
    close (s->err);
  }
  if (s->sock)
    unlink (s->sock);
  if (s->dir)
    rmdir (s->dir);
  free (s->sock);
  free (s->dir);
  free (s);
}
