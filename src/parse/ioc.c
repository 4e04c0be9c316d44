/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: indicator lists given with --ioc (see ioc.h for the format).
 *
 * Hashes are kept in one sorted array per kind and found by binary
 * search; path patterns are tried in order.  The list file comes from the
 * user, not the image, but is still parsed with bounds: lines of any
 * length, any bytes.
 */
#include <config.h>

#include <errno.h>
#include <string.h>

#include "base/hash.h"
#include "parse/ioc.h"
#include "base/util.h"

#define VS_IOC_MAX_FILE (256 * 1024 * 1024)

enum kind { K_MD5, K_SHA1, K_SHA256, K_COUNT };
static const char *const kind_names[K_COUNT] = { "md5", "sha1", "sha256" };
static const size_t kind_len[K_COUNT] = { 32, 40, 64 };

struct hash_ioc {
  char hex[65];
  char *label;
};

struct path_ioc {
  char *pattern;
  char *label;
};

struct vs_ioc {
  struct hash_ioc *h[K_COUNT];
  size_t nh[K_COUNT], ah[K_COUNT];
  int sorted[K_COUNT];
  struct path_ioc *p;
  size_t np, ap;
};

struct vs_ioc *
vs_ioc_new (void)
{
  return vs_xcalloc (1, sizeof (struct vs_ioc));
}

void
vs_ioc_free (struct vs_ioc *ioc)
{
  size_t i, k;

  if (!ioc)
    return;
  for (k = 0; k < K_COUNT; k++) {
    for (i = 0; i < ioc->nh[k]; i++)
      free (ioc->h[k][i].label);
    free (ioc->h[k]);
  }
  for (i = 0; i < ioc->np; i++) {
    free (ioc->p[i].pattern);
    free (ioc->p[i].label);
  }
  free (ioc->p);
  free (ioc);
}

size_t
vs_ioc_count (const struct vs_ioc *ioc)
{
  size_t n = ioc->np, k;

  for (k = 0; k < K_COUNT; k++)
    n += ioc->nh[k];
  return n;
}

static int
cmp_hash (const void *a, const void *b)
{
  return strcmp (((const struct hash_ioc *) a)->hex,
                 ((const struct hash_ioc *) b)->hex);
}

static int
is_hex (const char *s, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++)
    if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')
          || (s[i] >= 'A' && s[i] <= 'F')))
      return 0;
  return 1;
}

static void
add_hash (struct vs_ioc *ioc, enum kind k, const char *hex, const char *label,
          size_t label_len)
{
  struct hash_ioc *h;
  size_t i;

  if (ioc->nh[k] == ioc->ah[k]) {
    ioc->ah[k] = ioc->ah[k] ? 2 * ioc->ah[k] : 64;
    ioc->h[k] = vs_xrealloc (ioc->h[k], ioc->ah[k] * sizeof *ioc->h[k]);
  }
  h = &ioc->h[k][ioc->nh[k]++];
  for (i = 0; i < kind_len[k]; i++)
    h->hex[i] = (char) (hex[i] >= 'A' && hex[i] <= 'F' ? hex[i] + 32 : hex[i]);
  h->hex[kind_len[k]] = '\0';
  h->label = vs_xstrndup (label, label_len);
  ioc->sorted[k] = 0;
}

static int
bad_line (char **errmsg, const char *name, size_t lineno, const char *why)
{
  CLEANUP_FREE char *p = vs_printable (name, strlen (name));

  *errmsg = vs_xasprintf ("%s:%zu: %s", p, lineno, why);
  return -1;
}

long
vs_ioc_parse (struct vs_ioc *ioc, const char *name, const char *data,
              size_t len, char **errmsg)
{
  size_t pos = 0, lineno = 0;
  long added = 0;
  unsigned k;

  *errmsg = NULL;
  while (pos < len) {
    const char *line = data + pos, *end = memchr (line, '\n', len - pos);
    size_t n = end ? (size_t) (end - line) : len - pos;
    size_t tok, rest;
    const char *value, *label;
    size_t vlen;
    int kind = -1;

    pos += n + (end ? 1 : 0);
    lineno++;
    if (n > 0 && line[n - 1] == '\r')
      n--;
    while (n > 0 && (*line == ' ' || *line == '\t')) {
      line++;
      n--;
    }
    if (n == 0 || *line == '#')
      continue;
    if (memchr (line, '\0', n))
      return bad_line (errmsg, name, lineno, "NUL byte in the line");
    for (tok = 0; tok < n && line[tok] != ' ' && line[tok] != '\t'; tok++)
      ;
    rest = tok;
    while (rest < n && (line[rest] == ' ' || line[rest] == '\t'))
      rest++;
    label = line + rest;
    value = line;
    vlen = tok;
    if (vlen > 5 && memcmp (value, "path:", 5) == 0) {
      struct path_ioc *p;

      if (value[5] != '/')
        return bad_line (errmsg, name, lineno,
                         "a path pattern must start with '/'");
      if (ioc->np == ioc->ap) {
        ioc->ap = ioc->ap ? 2 * ioc->ap : 16;
        ioc->p = vs_xrealloc (ioc->p, ioc->ap * sizeof *ioc->p);
      }
      p = &ioc->p[ioc->np++];
      p->pattern = vs_xstrndup (value + 5, vlen - 5);
      p->label = vs_xstrndup (label, n - rest);
      added++;
      continue;
    }
    for (k = 0; k < K_COUNT; k++) {
      size_t kl = strlen (kind_names[k]);

      if (vlen > kl + 1 && memcmp (value, kind_names[k], kl) == 0
          && value[kl] == ':') {
        kind = (int) k;
        value += kl + 1;
        vlen -= kl + 1;
        break;
      }
    }
    if (kind == -1)
      for (k = 0; k < K_COUNT; k++)
        if (vlen == kind_len[k])
          kind = (int) k;
    if (kind == -1 || vlen != kind_len[kind] || !is_hex (value, vlen))
      return bad_line (errmsg, name, lineno, "not an indicator: expected "
                       "md5:, sha1:, sha256: or path: and a value, or a "
                       "hash of 32, 40 or 64 hex digits");
    add_hash (ioc, (enum kind) kind, value, label, n - rest);
    added++;
  }
  return added;
}

long
vs_ioc_load_file (struct vs_ioc *ioc, const char *path, char sha256[65],
                  char **errmsg)
{
  char *buf = NULL;
  size_t got = 0;
  long n;
  int rc;

  *errmsg = NULL;
  rc = vs_read_host_file (path, VS_IOC_MAX_FILE, &buf, &got, errmsg);
  if (rc == VS_READ_NOT_REGULAR || rc == VS_READ_TOO_BIG)
    *errmsg = vs_xasprintf ("%s: not a regular file of at most 256 MiB",
                            path);
  if (rc != 0)
    return -1;
  {
    struct vs_sha256 h;

    vs_sha256_init (&h);
    vs_sha256_update (&h, buf, got);
    vs_sha256_final_hex (&h, sha256);
  }
  n = vs_ioc_parse (ioc, path, buf, got, errmsg);
  free (buf);
  return n;
}

const char *
vs_ioc_match_hash (const struct vs_ioc *ioc, const char *kind,
                   const char *hex)
{
  struct vs_ioc *w = (struct vs_ioc *) ioc;
  struct hash_ioc key, *hit;
  unsigned k;

  for (k = 0; k < K_COUNT; k++)
    if (strcmp (kind, kind_names[k]) == 0)
      break;
  if (k == K_COUNT || !hex || strlen (hex) != kind_len[k] || !ioc->nh[k])
    return NULL;
  /* Sorted lazily on first use; matching happens on one thread. */
  if (!w->sorted[k]) {
    qsort (w->h[k], w->nh[k], sizeof *w->h[k], cmp_hash);
    w->sorted[k] = 1;
  }
  memcpy (key.hex, hex, kind_len[k] + 1);
  hit = bsearch (&key, w->h[k], w->nh[k], sizeof *w->h[k], cmp_hash);
  return hit ? hit->label : NULL;
}

/* Matches a pattern: '*' any run of bytes but '/', '**' any run of bytes,
 * '?' one byte but '/', '[...]' a set ('!' or '^' negates, ranges a-z),
 * '\' quotes the next byte.  Iterative with one backtrack point per star
 * kind, so a hostile path cannot make it exponential. */
static int
set_match (const char **pp, unsigned char c)
{
  const char *p = *pp + 1;
  int neg = 0, hit = 0;

  if (*p == '!' || *p == '^') {
    neg = 1;
    p++;
  }
  if (*p == ']') {
    hit |= c == ']';
    p++;
  }
  while (*p && *p != ']') {
    unsigned char lo = (unsigned char) *p, hi = lo;

    if (p[1] == '-' && p[2] && p[2] != ']') {
      hi = (unsigned char) p[2];
      p += 3;
    }
    else
      p++;
    if (c >= lo && c <= hi)
      hit = 1;
  }
  if (*p != ']')
    return -1;                  /* unterminated: treat '[' literally */
  *pp = p + 1;
  return hit != neg;
}

static int
glob_match (const char *pat, const char *s, size_t len)
{
  const char *p = pat, *star_p = NULL, *dstar_p = NULL;
  size_t i = 0, star_i = 0, dstar_i = 0;

  for (;;) {
    if (*p == '*' && p[1] == '*') {
      while (*p == '*')
        p++;
      dstar_p = p;
      dstar_i = i;
      star_p = NULL;
      continue;
    }
    if (*p == '*') {
      p++;
      star_p = p;
      star_i = i;
      continue;
    }
    if (i == len && *p == '\0')
      return 1;
    if (i < len && *p) {
      unsigned char c = (unsigned char) s[i];

      if (*p == '?' && c != '/') {
        p++;
        i++;
        continue;
      }
      if (*p == '[') {
        const char *q = p;
        int r = set_match (&q, c);

        if (r == 1 && c != '/') {
          p = q;
          i++;
          continue;
        }
        if (r == -1 && c == '[') {
          p++;
          i++;
          continue;
        }
      }
      else if (*p == '\\' && p[1] && (unsigned char) p[1] == c) {
        p += 2;
        i++;
        continue;
      }
      else if (*p != '?' && *p != '\\' && (unsigned char) *p == c) {
        p++;
        i++;
        continue;
      }
    }
    /* Mismatch: widen the innermost star, then the double star. */
    if (star_p && star_i < len && s[star_i] != '/') {
      p = star_p;
      i = ++star_i;
      continue;
    }
    if (dstar_p && dstar_i < len) {
      p = dstar_p;
      i = ++dstar_i;
      star_p = NULL;
      continue;
    }
    return 0;
  }
}

const char *
vs_ioc_match_path (const struct vs_ioc *ioc, const char *path, size_t len,
                   const char **pattern)
{
  size_t i;

  for (i = 0; i < ioc->np; i++)
    if (glob_match (ioc->p[i].pattern, path, len)) {
      if (pattern)
        *pattern = ioc->p[i].pattern;
      return ioc->p[i].label;
    }
  return NULL;
}
