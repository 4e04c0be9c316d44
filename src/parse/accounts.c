/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: the guest's accounts, read from its /etc/passwd.
 *
 * Entries are kept sorted by uid for lookup; for a uid listed twice the
 * first line wins, as getpwuid(3) would have it.
 */
#include <config.h>

#include <string.h>

#include "parse/accounts.h"
#include "base/util.h"

struct account {
  uint32_t uid;
  unsigned line;
  char *name;
};

struct vs_accounts {
  struct account *v;
  size_t n;
};

static int
cmp_account (const void *a, const void *b)
{
  const struct account *x = a, *y = b;

  if (x->uid != y->uid)
    return x->uid < y->uid ? -1 : 1;
  return x->line < y->line ? -1 : x->line > y->line;
}

int
vs_accounts_parse_id (const char *s, size_t len, uint32_t *out)
{
  uint64_t v = 0;
  size_t i;

  if (len == 0 || len > 10)
    return -1;
  for (i = 0; i < len; i++) {
    if (s[i] < '0' || s[i] > '9')
      return -1;
    v = v * 10 + (uint64_t) (s[i] - '0');
  }
  if (v > UINT32_MAX)
    return -1;
  *out = (uint32_t) v;
  return 0;
}

struct vs_accounts *
vs_accounts_parse (const char *data, size_t len)
{
  struct vs_accounts *a = vs_xcalloc (1, sizeof *a);
  size_t pos = 0, alloc = 0;
  unsigned line = 0;

  while (pos < len && a->n < VS_ACCOUNTS_MAX) {
    const char *l = data + pos, *nl = memchr (l, '\n', len - pos);
    size_t ll = nl ? (size_t) (nl - l) : len - pos;
    const char *f[4];
    size_t fl[4], k = 0, i, start = 0;
    uint32_t uid;

    pos += ll + (nl ? 1 : 0);
    line++;
    /* Split the first four fields: name:passwd:uid:gid */
    for (i = 0; i <= ll && k < 4; i++) {
      if (i == ll || l[i] == ':') {
        f[k] = l + start;
        fl[k] = i - start;
        k++;
        start = i + 1;
      }
    }
    if (k < 3 || fl[0] == 0 || memchr (f[0], '\0', fl[0]))
      continue;
    if (vs_accounts_parse_id (f[2], fl[2], &uid) == -1)
      continue;
    if (a->n == alloc) {
      alloc = alloc ? alloc * 2 : 32;
      a->v = vs_xrealloc (a->v, alloc * sizeof *a->v);
    }
    a->v[a->n].uid = uid;
    a->v[a->n].line = line;
    a->v[a->n].name = vs_xstrndup (f[0], fl[0]);
    a->n++;
  }
  if (a->n)
    qsort (a->v, a->n, sizeof *a->v, cmp_account);
  return a;
}

void
vs_accounts_free (struct vs_accounts *a)
{
  size_t i;

  if (!a)
    return;
  for (i = 0; i < a->n; i++)
    free (a->v[i].name);
  free (a->v);
  free (a);
}

size_t
vs_accounts_count (const struct vs_accounts *a)
{
  return a ? a->n : 0;
}

const char *
vs_accounts_name (const struct vs_accounts *a, uint32_t uid)
{
  size_t lo = 0, hi;

  if (!a)
    return NULL;
  hi = a->n;
  /* First entry with this uid (lowest line). */
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;

    if (a->v[mid].uid < uid)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo < a->n && a->v[lo].uid == uid)
    return a->v[lo].name;
  return NULL;
}
