/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: the lines and words of guest text files (see text.h).
 *
 * Loops advance by at least one byte per turn and stop at the given
 * end, so each is linear in its input.
 */
#include <config.h>

#include <string.h>

#include "parse/text.h"

int
vs_line_next (const char *data, size_t len, size_t *pos, struct vs_line *l)
{
  const char *s, *nl;
  size_t n;

  if (*pos >= len)
    return 0;
  s = data + *pos;
  nl = memchr (s, '\n', len - *pos);
  n = nl ? (size_t) (nl - s) : len - *pos;
  *pos += n + (nl ? 1 : 0);
  if (n && s[n - 1] == '\r')
    n--;
  l->p = s;
  l->len = n;
  l->no++;
  return 1;
}

void
vs_trim (const char **p, size_t *len)
{
  while (*len && vs_is_blank (**p)) {
    (*p)++;
    (*len)--;
  }
  while (*len && vs_is_blank ((*p)[*len - 1]))
    (*len)--;
}

int
vs_line_content (const char **p, size_t *len)
{
  vs_trim (p, len);
  return *len > 0 && (*p)[0] != '#';
}

int
vs_line_is_comment (const char *p, size_t len)
{
  return !vs_line_content (&p, &len);
}

int
vs_next_word (const char **p, const char *end, const char **w, size_t *wl)
{
  const char *s = *p;

  while (s < end && vs_is_blank (*s))
    s++;
  if (s >= end) {
    *p = s;
    return 0;
  }
  if (*s == '"') {
    const char *q = memchr (s + 1, '"', (size_t) (end - s - 1));

    *w = s + 1;
    if (!q)
      q = end;
    *wl = (size_t) (q - s - 1);
    *p = q < end ? q + 1 : end;
    return 1;
  }
  *w = s;
  while (s < end && !vs_is_blank (*s))
    s++;
  *wl = (size_t) (s - *w);
  *p = s;
  return 1;
}

int
vs_next_item (const char **p, const char *end, const char **w, size_t *wl)
{
  const char *s = *p, *c;

  while (s < end && (vs_is_blank (*s) || *s == ','))
    s++;
  if (s >= end) {
    *p = s;
    return 0;
  }
  c = memchr (s, ',', (size_t) (end - s));
  if (!c)
    c = end;
  *w = s;
  *wl = (size_t) (c - s);
  vs_trim (w, wl);
  *p = c;
  return 1;
}

int
vs_key_is (const char *key, size_t kl, const char *name)
{
  return strlen (name) == kl && memcmp (key, name, kl) == 0;
}
