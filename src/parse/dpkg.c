/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: parsers for dpkg's database files (see parse-dpkg.h).
 *
 * Everything works on (pointer, length) views of the caller's buffer:
 * a line is the bytes up to the next '\n' or the end, and nothing is
 * ever read outside [data, data + len).  Each parser reads every byte a
 * bounded number of times and counts one vs_tick per line (per record
 * of three lines for diversions), stopping with -1 when it says so.
 */
#include <config.h>

#include <string.h>
#include <strings.h>

#include "base/ascii.h"
#include "parse/dpkg.h"
#include "base/util.h"

struct line {
  const char *s;
  size_t n;
};

/* The next line from *pos, without its '\n'.  Returns 0 at the end. */
static int
next_line (const char *data, size_t len, size_t *pos, struct line *l)
{
  const char *nl;

  if (*pos >= len)
    return 0;
  l->s = data + *pos;
  nl = memchr (l->s, '\n', len - *pos);
  l->n = nl ? (size_t)(nl - l->s) : len - *pos;
  *pos += l->n + (nl ? 1 : 0);
  return 1;
}

static void
trim (const char **s, size_t *n)
{
  while (*n && vs_ascii_blank (**s)) {
    (*s)++;
    (*n)--;
  }
  while (*n && (vs_ascii_blank ((*s)[*n - 1]) || (*s)[*n - 1] == '\r'))
    (*n)--;
}

static int
is_hex (char c)
{
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')
         || (c >= 'A' && c <= 'F');
}

/* Copies 32 hex digits, lowercased, into out.  Returns 0 or -1. */
static int
copy_md5 (const char *s, size_t n, char out[33])
{
  size_t i;

  if (n != 32)
    return -1;
  for (i = 0; i < 32; i++) {
    if (!is_hex (s[i]))
      return -1;
    out[i] = vs_ascii_lower (s[i]);
  }
  out[32] = '\0';
  return 0;
}

/* Splits off the last blank-separated word of s[0..*n). */
static int
last_word (const char *s, size_t *n, const char **w, size_t *wn)
{
  size_t end = *n, start;

  while (end && vs_ascii_blank (s[end - 1]))
    end--;
  if (!end)
    return -1;
  start = end;
  while (start && !vs_ascii_blank (s[start - 1]))
    start--;
  *w = s + start;
  *wn = end - start;
  *n = start;
  return 0;
}

static int
word_is (const char *w, size_t n, const char *lit)
{
  return strlen (lit) == n && memcmp (w, lit, n) == 0;
}

/* Parses one Conffiles continuation line. */
static int
parse_conffile (const char *s, size_t n, struct vs_dpkg_conffile *c)
{
  const char *w;
  size_t wn;
  int i;

  memset (c, 0, sizeof *c);
  trim (&s, &n);
  for (i = 0; i < 3; i++) {
    size_t keep = n;

    if (last_word (s, &n, &w, &wn) == -1)
      return -1;
    if (word_is (w, wn, "obsolete"))
      c->obsolete = 1;
    else if (!word_is (w, wn, "remove-on-upgrade")) {
      n = keep;
      break;
    }
  }
  if (last_word (s, &n, &w, &wn) == -1)
    return -1;
  if (word_is (w, wn, "newconffile"))
    c->md5[0] = '\0';
  else if (copy_md5 (w, wn, c->md5) == -1)
    return -1;
  trim (&s, &n);
  if (n == 0 || s[0] != '/' || n > VS_DPKG_MAX_PATH)
    return -1;
  c->path = s;
  c->path_len = n;
  return 0;
}

/* Whether the Status value says the package's files are on disk. */
static int
status_has_files (const char *s, size_t n)
{
  const char *w = s, *end = s + n;
  int word = 0;

  while (w < end) {
    const char *e = w;

    while (e < end && !vs_ascii_blank (*e))
      e++;
    if (e > w && ++word == 3)
      return !word_is (w, (size_t)(e - w), "not-installed")
             && !word_is (w, (size_t)(e - w), "config-files");
    w = e;
    while (w < end && vs_ascii_blank (*w))
      w++;
  }
  return 0;
}

struct stanza {
  struct vs_dpkg_package p;
  struct vs_dpkg_conffile *cf;
  size_t ncf, alloc;
  int in_conffiles;
  int any;
  unsigned seen;                /* the FIELD_ bits of the fields read */
  int dup;                      /* one of them came twice */
};

/* The fields the parser reads; dpkg refuses a stanza that repeats one
 * ("duplicate value for field"), and so does this parser: a second
 * Package line must not rename a package behind the first. */
enum {
  FIELD_PACKAGE = 1u, FIELD_ARCH = 2u, FIELD_VERSION = 4u,
  FIELD_STATUS = 8u, FIELD_CONFFILES = 16u,
};

/* Notes that field f was read; a second time marks the stanza bad. */
static void
seen (struct stanza *st, unsigned f)
{
  if (st->seen & f)
    st->dup = 1;
  st->seen |= f;
}

static int
emit (struct stanza *st, int (*fn) (const struct vs_dpkg_package *, void *),
      void *opaque, size_t *bad)
{
  int r = 0;

  if (st->dup) {
    if (bad)
      (*bad)++;
  } else if (st->p.name) {
    st->p.has_files
        = st->p.status ? status_has_files (st->p.status, st->p.status_len) : 0;
    st->p.conffiles = st->cf;
    st->p.nconffiles = st->ncf;
    r = fn (&st->p, opaque);
  } else if (st->any && bad)
    (*bad)++;
  memset (&st->p, 0, sizeof st->p);
  st->ncf = 0;
  st->in_conffiles = 0;
  st->any = 0;
  st->seen = 0;
  st->dup = 0;
  return r;
}

int
vs_dpkg_parse_status (const char *data, size_t len,
                      int (*fn) (const struct vs_dpkg_package *p, void *opaque),
                      void *opaque, size_t *bad)
{
  struct stanza st;
  struct line l;
  size_t pos = 0;
  int rc = 0;

  memset (&st, 0, sizeof st);
  while (next_line (data, len, &pos, &l)) {
    const char *colon, *v;
    size_t name_n, vn;

    if (vs_tick ()) {
      rc = -1;
      goto out;
    }
    if (l.n == 0 || (l.n == 1 && l.s[0] == '\r')) {
      if (emit (&st, fn, opaque, bad) == -1) {
        rc = -1;
        goto out;
      }
      continue;
    }
    st.any = 1;
    if (vs_ascii_blank (l.s[0])) {
      if (st.in_conffiles) {
        if (st.ncf >= VS_DPKG_MAX_CONFFILES) {
          if (bad)
            (*bad)++;
          continue;
        }
        if (st.ncf == st.alloc) {
          st.alloc = st.alloc ? 2 * st.alloc : 16;
          st.cf = vs_xrealloc (st.cf, st.alloc * sizeof *st.cf);
        }
        if (parse_conffile (l.s, l.n, &st.cf[st.ncf]) == 0)
          st.ncf++;
        else if (bad)
          (*bad)++;
      }
      continue;
    }
    st.in_conffiles = 0;
    colon = memchr (l.s, ':', l.n);
    if (!colon) {
      if (bad)
        (*bad)++;
      continue;
    }
    name_n = (size_t)(colon - l.s);
    v = colon + 1;
    vn = l.n - name_n - 1;
    trim (&v, &vn);
    if (name_n == 7 && strncasecmp (l.s, "Package", 7) == 0) {
      seen (&st, FIELD_PACKAGE);
      if (vn) {
        st.p.name = v;
        st.p.name_len = vn;
      }
    } else if (name_n == 12 && strncasecmp (l.s, "Architecture", 12) == 0) {
      seen (&st, FIELD_ARCH);
      st.p.arch = v;
      st.p.arch_len = vn;
    } else if (name_n == 7 && strncasecmp (l.s, "Version", 7) == 0) {
      seen (&st, FIELD_VERSION);
      st.p.version = v;
      st.p.version_len = vn;
    } else if (name_n == 6 && strncasecmp (l.s, "Status", 6) == 0) {
      seen (&st, FIELD_STATUS);
      st.p.status = v;
      st.p.status_len = vn;
    } else if (name_n == 9 && strncasecmp (l.s, "Conffiles", 9) == 0) {
      seen (&st, FIELD_CONFFILES);
      st.in_conffiles = 1;
      st.ncf = 0;
    }
  }
  if (emit (&st, fn, opaque, bad) == -1)
    rc = -1;
out:
  free (st.cf);
  return rc;
}

/* The next line of a list or md5sums file, without a '\r' at its end,
 * empty lines skipped: 1, 0 at the end, -1 when vs_tick () asks to
 * stop (a turn for every line). */
static int
next_list_line (const char *data, size_t len, size_t *pos, struct line *l)
{
  while (next_line (data, len, pos, l)) {
    if (vs_tick ())
      return -1;
    if (l->n && l->s[l->n - 1] == '\r')
      l->n--;
    if (l->n)
      return 1;
  }
  return 0;
}

int
vs_dpkg_parse_list (const char *data, size_t len,
                    int (*fn) (const char *path, size_t path_len, void *opaque),
                    void *opaque, size_t *bad)
{
  struct line l;
  size_t pos = 0;
  int r;

  while ((r = next_list_line (data, len, &pos, &l)) == 1) {
    if (l.s[0] != '/' || l.n > VS_DPKG_MAX_PATH) {
      if (bad)
        (*bad)++;
      continue;
    }
    if (l.n == 2 && l.s[1] == '.')
      continue;
    if (fn (l.s, l.n, opaque) == -1)
      return -1;
  }
  return r;
}

int
vs_dpkg_parse_md5sums (const char *data, size_t len,
                       int (*fn) (const char *md5, const char *path,
                                  size_t path_len, void *opaque),
                       void *opaque, size_t *bad)
{
  struct line l;
  size_t pos = 0;
  int r;

  while ((r = next_list_line (data, len, &pos, &l)) == 1) {
    char md5[33];
    const char *p;
    size_t n;

    /* "<32 hex><blank><blank or '*'><path>" */
    if (l.n < 35 || copy_md5 (l.s, 32, md5) == -1 || !vs_ascii_blank (l.s[32])
        || !(vs_ascii_blank (l.s[33]) || l.s[33] == '*')) {
      if (bad)
        (*bad)++;
      continue;
    }
    p = l.s + 34;
    n = l.n - 34;
    if (n >= 2 && p[0] == '.' && p[1] == '/') {
      p += 2;
      n -= 2;
    }
    while (n && p[0] == '/') {
      p++;
      n--;
    }
    if (n == 0 || n > VS_DPKG_MAX_PATH) {
      if (bad)
        (*bad)++;
      continue;
    }
    if (fn (md5, p, n, opaque) == -1)
      return -1;
  }
  return r;
}

int
vs_dpkg_parse_diversions (const char *data, size_t len,
                          int (*fn) (const char *from, size_t from_len,
                                     const char *to, size_t to_len,
                                     const char *pkg, size_t pkg_len,
                                     void *opaque),
                          void *opaque, size_t *bad)
{
  struct line l[3];
  size_t pos = 0;

  for (;;) {
    int i;

    if (vs_tick ())
      return -1;
    for (i = 0; i < 3; i++) {
      if (!next_line (data, len, &pos, &l[i])) {
        if (i && bad)
          (*bad)++;
        return 0;
      }
      if (l[i].n && l[i].s[l[i].n - 1] == '\r')
        l[i].n--;
    }
    if (l[0].n == 0 || l[0].s[0] != '/' || l[0].n > VS_DPKG_MAX_PATH
        || l[1].n == 0 || l[1].s[0] != '/' || l[1].n > VS_DPKG_MAX_PATH
        || l[2].n == 0) {
      if (bad)
        (*bad)++;
      continue;
    }
    if (fn (l[0].s, l[0].n, l[1].s, l[1].n, l[2].s, l[2].n, opaque) == -1)
      return -1;
  }
}
