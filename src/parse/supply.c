/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: APT sources, apt.conf, gemrc sources and URL hosts (see
 * supply.h).
 *
 * Every loop moves forward through the input and counts its turns with
 * vs_tick (), so a guest file of any size costs time linear in its
 * length; the number of entries given to a callback is capped.
 */
#include <config.h>

#include <string.h>
#include <strings.h>

#include "base/util.h"
#include "parse/supply.h"
#include "parse/text.h"

static int
is_space (char c)
{
  return vs_is_blank (c) || c == '\n';
}

/* The next word of [*p, end) split at any white space, newlines
 * included.  Returns 1 and advances *p, or 0. */
static int
next_token (const char **p, const char *end, const char **w, size_t *wl)
{
  const char *s = *p;

  while (s < end && is_space (*s))
    s++;
  if (s == end) {
    *p = s;
    return 0;
  }
  *w = s;
  while (s < end && !is_space (*s))
    s++;
  *wl = (size_t) (s - *w);
  *p = s;
  return 1;
}

static int
eq_nocase (const char *s, size_t len, const char *word)
{
  size_t n = strlen (word);

  return len == n && strncasecmp (s, word, n) == 0;
}

int
vs_apt_is_true (const char *v, size_t len)
{
  return eq_nocase (v, len, "yes") || eq_nocase (v, len, "true")
    || eq_nocase (v, len, "on") || eq_nocase (v, len, "enable")
    || eq_nocase (v, len, "with") || eq_nocase (v, len, "1");
}

/* Applies one option of an entry ("name=value"; "name+=value" and
 * "name-=value" are taken as set). */
static void
apply_option (struct vs_apt_source *s, const char *name, size_t nl,
              const char *val, size_t vl)
{
  if (nl > 0 && (name[nl - 1] == '+' || name[nl - 1] == '-'))
    nl--;
  if (eq_nocase (name, nl, "trusted"))
    s->trusted = vs_apt_is_true (val, vl);
  else if (eq_nocase (name, nl, "allow-insecure"))
    s->allow_insecure = vs_apt_is_true (val, vl);
  else if (eq_nocase (name, nl, "allow-downgrade-to-insecure"))
    s->allow_downgrade = vs_apt_is_true (val, vl);
  else if (eq_nocase (name, nl, "allow-weak"))
    s->allow_weak = vs_apt_is_true (val, vl);
  else if (eq_nocase (name, nl, "signed-by")) {
    s->signed_by = val;
    s->signed_by_len = vl;
  }
  else if (eq_nocase (name, nl, "enabled"))
    s->enabled = vl == 0 || vs_apt_is_true (val, vl);
}

/* One line of the one-line form. */
static int
oneline_entry (const char *p, size_t n, unsigned no, vs_apt_source_fn *fn,
               void *opaque, size_t *count)
{
  struct vs_apt_source s;
  const char *hash = memchr (p, '#', n), *q, *end, *w;
  size_t wl;

  memset (&s, 0, sizeof s);
  s.line = no;
  s.enabled = 1;
  s.text = p;
  s.text_len = n;
  if (hash)
    n = (size_t) (hash - p);
  q = p;
  end = p + n;
  if (!next_token (&q, end, &w, &wl)
      || !(eq_nocase (w, wl, "deb") || eq_nocase (w, wl, "deb-src")))
    return 0;
  s.type = w;
  s.type_len = wl;
  while (q < end && is_space (*q))
    q++;
  if (q < end && *q == '[') {
    const char *close = memchr (q, ']', (size_t) (end - q));
    const char *o, *oend;

    if (!close)
      return 0;
    o = q + 1;
    oend = close;
    while (next_token (&o, oend, &w, &wl)) {
      const char *eq = memchr (w, '=', wl);

      if (eq)
        apply_option (&s, w, (size_t) (eq - w), eq + 1,
                      wl - (size_t) (eq + 1 - w));
    }
    q = close + 1;
  }
  if (!next_token (&q, end, &s.uri, &s.uri_len))
    return 0;
  if (next_token (&q, end, &w, &wl)) {
    s.suite = w;
    s.suite_len = wl;
  }
  if (++*count > VS_SUPPLY_MAX_ENTRIES)
    return 0;
  return fn (opaque, &s);
}

/* A field of a deb822 stanza: its value runs from after the colon to
 * the end of its last continuation line. */
struct field {
  const char *v;
  size_t len;
};

enum { F_TYPES, F_URIS, F_SUITES, F_ENABLED, F_TRUSTED, F_INSECURE,
  F_DOWNGRADE, F_WEAK, F_SIGNED, F_COUNT };

static const char *const field_names[F_COUNT] = {
  "Types", "URIs", "Suites", "Enabled", "Trusted", "Allow-Insecure",
  "Allow-Downgrade-To-Insecure", "Allow-Weak", "Signed-By",
};

static int
stanza_entries (const struct field *f, const char *text, size_t text_len,
                unsigned no, vs_apt_source_fn *fn, void *opaque,
                size_t *count)
{
  struct vs_apt_source s;
  const char *q, *end, *w;
  size_t wl;
  int r;

  if (!f[F_URIS].v)
    return 0;
  memset (&s, 0, sizeof s);
  s.line = no;
  s.deb822 = 1;
  s.enabled = 1;
  s.text = text;
  s.text_len = text_len;
  if (f[F_TYPES].v) {
    q = f[F_TYPES].v;
    if (next_token (&q, q + f[F_TYPES].len, &w, &wl)) {
      s.type = w;
      s.type_len = wl;
    }
  }
  if (f[F_SUITES].v) {
    q = f[F_SUITES].v;
    if (next_token (&q, q + f[F_SUITES].len, &w, &wl)) {
      s.suite = w;
      s.suite_len = wl;
    }
  }
  if (f[F_ENABLED].v) {
    q = f[F_ENABLED].v;
    if (next_token (&q, q + f[F_ENABLED].len, &w, &wl))
      s.enabled = vs_apt_is_true (w, wl);
  }
  {
    static const int flags[] = { F_TRUSTED, F_INSECURE, F_DOWNGRADE, F_WEAK };
    size_t k;

    for (k = 0; k < VS_ARRAY_SIZE (flags); k++) {
      const struct field *g = &f[flags[k]];

      q = g->v;
      if (q && next_token (&q, g->v + g->len, &w, &wl))
        apply_option (&s, field_names[flags[k]],
                      strlen (field_names[flags[k]]), w, wl);
    }
  }
  if (f[F_SIGNED].v) {
    q = f[F_SIGNED].v;
    if (next_token (&q, q + f[F_SIGNED].len, &w, &wl)) {
      s.signed_by = w;
      s.signed_by_len = wl;
      s.signed_by_inline = wl >= 5 && memcmp (w, "-----", 5) == 0;
    }
  }
  q = f[F_URIS].v;
  end = q + f[F_URIS].len;
  while (next_token (&q, end, &s.uri, &s.uri_len)) {
    if (vs_tick ())
      return 0;
    if (++*count > VS_SUPPLY_MAX_ENTRIES)
      return 0;
    r = fn (opaque, &s);
    if (r)
      return r;
  }
  return 0;
}

static int
deb822_parse (const char *data, size_t len, vs_apt_source_fn *fn,
              void *opaque)
{
  struct field f[F_COUNT];
  struct field *cur = NULL;
  struct vs_line l;
  size_t pos = 0, count = 0, start = 0;
  unsigned first = 0;
  int in = 0, r;

  memset (f, 0, sizeof f);
  memset (&l, 0, sizeof l);
  for (;;) {
    int more = vs_line_next (data, len, &pos, &l);
    const char *p = more ? l.p : NULL;
    size_t n = more ? l.len : 0;

    if (more && vs_tick ())
      return 0;
    if (more) {
      const char *t = p;
      size_t tn = n;

      vs_trim (&t, &tn);
      if (tn > 0 && p[0] == '#')
        continue;
      if (tn > 0) {
        if (!in) {
          in = 1;
          first = l.no;
          start = (size_t) (p - data);
        }
        if (vs_is_blank (p[0])) {
          /* A continuation line of the current field. */
          if (cur)
            cur->len = (size_t) (p + n - cur->v);
          continue;
        }
        cur = NULL;
        {
          const char *colon = memchr (p, ':', n);
          size_t k;

          if (!colon)
            continue;
          for (k = 0; k < F_COUNT; k++)
            if (eq_nocase (p, (size_t) (colon - p), field_names[k])) {
              cur = &f[k];
              cur->v = colon + 1;
              cur->len = n - (size_t) (colon + 1 - p);
              break;
            }
        }
        continue;
      }
    }
    /* A blank line or the end: the stanza is complete. */
    if (in) {
      size_t stop = more ? (size_t) (p - data) : len;

      r = stanza_entries (f, data + start, stop - start, first, fn, opaque,
                          &count);
      if (r)
        return r;
      if (count > VS_SUPPLY_MAX_ENTRIES)
        return 0;
      memset (f, 0, sizeof f);
      cur = NULL;
      in = 0;
    }
    if (!more)
      return 0;
  }
}

int
vs_apt_sources_parse (const char *data, size_t len, int deb822,
                      vs_apt_source_fn *fn, void *opaque)
{
  struct vs_line l;
  size_t pos = 0, count = 0;
  int r;

  if (deb822)
    return deb822_parse (data, len, fn, opaque);
  memset (&l, 0, sizeof l);
  while (vs_line_next (data, len, &pos, &l)) {
    const char *p = l.p;
    size_t n = l.len;

    if (vs_tick ())
      return 0;
    vs_trim (&p, &n);
    if (n == 0 || p[0] == '#')
      continue;
    r = oneline_entry (p, n, l.no, fn, opaque, &count);
    if (r)
      return r;
    if (count > VS_SUPPLY_MAX_ENTRIES)
      return 0;
  }
  return 0;
}

/* ---- apt.conf ---- */

struct aptconf {
  const char *data;
  size_t len, pos;
  unsigned line;
  char key[VS_APTCONF_MAX_KEY];
  size_t klen;
  size_t stack[VS_APTCONF_MAX_DEPTH];
  size_t depth, over;
  size_t count;
};

/* Appends "::" and word to the key (cut at the cap; a NUL becomes
 * '?'). */
static void
key_push (struct aptconf *a, const char *w, size_t wl)
{
  size_t room;

  if (a->klen > 0 && wl > 0) {
    if (a->klen + 2 < sizeof a->key) {
      memcpy (a->key + a->klen, "::", 2);
      a->klen += 2;
    }
  }
  room = sizeof a->key - 1 - a->klen;
  if (wl > room)
    wl = room;
  /* A NUL in the guest's key would end it early: it becomes '?'. */
  for (; wl > 0; wl--, w++)
    a->key[a->klen++] = *w ? *w : '?';
  a->key[a->klen] = '\0';
}

static int
emit (struct aptconf *a, const char *k, size_t kl, const char *v, size_t vl,
      unsigned line, vs_aptconf_fn *fn, void *opaque)
{
  struct vs_aptconf_item it;
  size_t saved = a->klen;
  int r;

  if (a->over || (!k && !v))
    return 0;
  if (++a->count > VS_SUPPLY_MAX_ENTRIES)
    return 0;
  if (k)
    key_push (a, k, kl);
  it.key = a->key;
  it.key_len = a->klen;
  it.value = v ? v : "";
  it.value_len = v ? vl : 0;
  it.line = line;
  r = fn (opaque, &it);
  a->klen = saved;
  a->key[saved] = '\0';
  return r;
}

int
vs_aptconf_parse (const char *data, size_t len, vs_aptconf_fn *fn,
                  void *opaque)
{
  struct aptconf a;
  const char *k = NULL, *v = NULL;
  size_t kl = 0, vl = 0, i = 0;
  unsigned kline = 1, line = 1;
  int r;

  memset (&a, 0, sizeof a);
  a.data = data;
  a.len = len;
  while (i < len) {
    char c = data[i];

    if (vs_tick ())
      return 0;
    if (c == '\n') {
      line++;
      i++;
      continue;
    }
    if (is_space (c)) {
      i++;
      continue;
    }
    if (c == '#' || (c == '/' && i + 1 < len && data[i + 1] == '/')) {
      while (i < len && data[i] != '\n')
        i++;
      continue;
    }
    if (c == '/' && i + 1 < len && data[i + 1] == '*') {
      i += 2;
      while (i < len && !(data[i] == '*' && i + 1 < len
                          && data[i + 1] == '/')) {
        if (data[i] == '\n')
          line++;
        i++;
      }
      i = i + 2 < len ? i + 2 : len;
      continue;
    }
    if (c == '"') {
      const char *s = data + i + 1;
      const char *e = memchr (s, '"', len - i - 1);
      size_t sl = e ? (size_t) (e - s) : len - i - 1;
      size_t j;

      for (j = 0; j < sl; j++)
        if (s[j] == '\n')
          line++;
      if (!v) {
        v = s;
        vl = sl;
        if (!k)
          kline = line;
      }
      i += 1 + sl + (e ? 1 : 0);
      continue;
    }
    if (c == ';' || c == '}') {
      r = emit (&a, k, kl, v, vl, kline, fn, opaque);
      if (r)
        return r;
      k = v = NULL;
      if (c == '}') {
        if (a.over)
          a.over--;
        else if (a.depth > 0) {
          a.depth--;
          a.klen = a.stack[a.depth];
          a.key[a.klen] = '\0';
        }
      }
      i++;
      continue;
    }
    if (c == '{') {
      if (a.over || a.depth == VS_APTCONF_MAX_DEPTH)
        a.over++;
      else {
        a.stack[a.depth++] = a.klen;
        if (k)
          key_push (&a, k, kl);
      }
      k = v = NULL;
      i++;
      continue;
    }
    {
      size_t st = i;

      while (i < len && !is_space (data[i]) && data[i] != '{'
             && data[i] != '}' && data[i] != ';' && data[i] != '"'
             && !(data[i] == '/' && i + 1 < len
                  && (data[i + 1] == '/' || data[i + 1] == '*')))
        i++;
      if (!k && !v) {
        k = data + st;
        kl = i - st;
        kline = line;
      }
      else if (k && !v) {
        v = data + st;
        vl = i - st;
      }
    }
  }
  return emit (&a, k, kl, v, vl, kline, fn, opaque);
}

/* ---- gemrc ---- */

static int
gem_item (const char *p, size_t n, unsigned no, vs_gemrc_fn *fn,
          void *opaque)
{
  vs_trim (&p, &n);
  if (n >= 2 && (p[0] == '"' || p[0] == '\'') && p[n - 1] == p[0]) {
    p++;
    n -= 2;
  }
  if (n == 0)
    return 0;
  return fn (opaque, p, n, no);
}

int
vs_gemrc_sources (const char *data, size_t len, vs_gemrc_fn *fn,
                  void *opaque)
{
  struct vs_line l;
  size_t pos = 0, count = 0;
  int in = 0, r;

  memset (&l, 0, sizeof l);
  while (vs_line_next (data, len, &pos, &l)) {
    const char *p = l.p;
    size_t n = l.len;

    if (vs_tick ())
      return 0;
    vs_trim (&p, &n);
    if (n == 0 || p[0] == '#')
      continue;
    if (n >= 9 && memcmp (p, ":sources:", 9) == 0) {
      const char *q = p + 9;
      size_t qn = n - 9;

      vs_trim (&q, &qn);
      in = 1;
      if (qn > 0 && q[0] == '[') {
        const char *end = memchr (q, ']', qn);
        const char *it, *qe = end ? end : q + qn;

        q++;
        in = 0;
        while (vs_next_item (&q, qe, &it, &qn)) {
          if (++count > VS_SUPPLY_MAX_ENTRIES)
            return 0;
          r = gem_item (it, qn, l.no, fn, opaque);
          if (r)
            return r;
        }
      }
      continue;
    }
    if (!in)
      continue;
    if (p[0] == '-') {
      if (++count > VS_SUPPLY_MAX_ENTRIES)
        return 0;
      r = gem_item (p + 1, n - 1, l.no, fn, opaque);
      if (r)
        return r;
    }
    else if (!vs_is_blank (l.p[0]))
      in = 0;
  }
  return 0;
}

/* ---- URLs and hosts ---- */

int
vs_url_host (const char *url, size_t len, const char **host, size_t *hlen,
             int *plain)
{
  const char *sep = NULL, *a, *end, *at;
  size_t i, sl;

  for (i = 0; i + 3 <= len; i++)
    if (memcmp (url + i, "://", 3) == 0) {
      sep = url + i;
      break;
    }
    else if (url[i] == '/' || is_space (url[i]))
      break;
  if (!sep)
    return -1;
  sl = (size_t) (sep - url);
  *plain = (sl >= 4 && strncasecmp (sep - 4, "http", 4) == 0)
    || (sl >= 3 && strncasecmp (sep - 3, "ftp", 3) == 0);
  a = sep + 3;
  end = a;
  while (end < url + len && *end != '/' && *end != '?' && *end != '#'
         && !is_space (*end))
    end++;
  at = NULL;
  for (i = 0; a + i < end; i++)
    if (a[i] == '@')
      at = a + i;
  if (at)
    a = at + 1;
  if (a < end && *a == '[') {
    const char *close = memchr (a, ']', (size_t) (end - a));

    if (!close)
      return -1;
    *host = a + 1;
    *hlen = (size_t) (close - a - 1);
  }
  else {
    const char *colon = memchr (a, ':', (size_t) (end - a));

    *host = a;
    *hlen = (size_t) ((colon ? colon : end) - a);
  }
  return *hlen > 0 ? 0 : -1;
}

int
vs_host_in (const char *host, size_t hlen, const char *const *list)
{
  size_t k;

  if (hlen > 0 && host[hlen - 1] == '.')
    hlen--;
  for (k = 0; list[k]; k++) {
    const char *e = list[k];
    size_t el = strlen (e);

    if (e[0] == '.') {
      if (hlen == el - 1 && strncasecmp (host, e + 1, hlen) == 0)
        return 1;
      if (hlen > el && strncasecmp (host + hlen - el, e, el) == 0)
        return 1;
    }
    else if (hlen == el && strncasecmp (host, e, el) == 0)
      return 1;
  }
  return 0;
}
