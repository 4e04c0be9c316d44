/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: the order of Debian and rpm package versions (pkgver.h). */
#include <config.h>

#include <string.h>

#include "parse/pkgver.h"

struct span {
  const char *s;
  size_t n;
};

static int
is_digit (char c)
{
  return c >= '0' && c <= '9';
}

static int
is_alpha (char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Compares two runs of digits as numbers, whatever their length. */
static int
cmp_number (struct span a, struct span b)
{
  while (a.n && a.s[0] == '0') {
    a.s++;
    a.n--;
  }
  while (b.n && b.s[0] == '0') {
    b.s++;
    b.n--;
  }
  if (a.n != b.n)
    return a.n < b.n ? -1 : 1;
  return a.n ? memcmp (a.s, b.s, a.n) : 0;
}

/* Splits "epoch:" off v: the epoch's digits (empty if none) and the
 * rest.  An epoch is what comes before the first ':' when it is all
 * digits. */
static void
split_epoch (struct span v, struct span *epoch, struct span *rest)
{
  const char *c = memchr (v.s, ':', v.n);
  size_t i;

  epoch->s = v.s;
  epoch->n = 0;
  *rest = v;
  if (!c)
    return;
  for (i = 0; v.s + i < c; i++)
    if (!is_digit (v.s[i]))
      return;
  epoch->n = (size_t) (c - v.s);
  rest->s = c + 1;
  rest->n = v.n - epoch->n - 1;
}

/* Splits rest at its last '-' into version and release (release empty
 * and has_rel 0 when there is no '-'). */
static void
split_release (struct span v, struct span *ver, struct span *rel,
               int *has_rel)
{
  size_t i = v.n;

  while (i > 0 && v.s[i - 1] != '-')
    i--;
  *has_rel = i > 0;
  ver->s = v.s;
  ver->n = i > 0 ? i - 1 : v.n;
  rel->s = v.s + i;
  rel->n = i > 0 ? v.n - i : 0;
}

/* ---- Debian ------------------------------------------------------------ */

/* The weight of one character of a non-digit run: '~' lowest, then the
 * end of the run, then letters, then everything else. */
static int
deb_weight (const char *s, size_t n, size_t i)
{
  unsigned char c;

  if (i >= n || is_digit (s[i]))
    return 0;
  c = (unsigned char) s[i];
  if (c == '~')
    return -1;
  if (is_alpha ((char) c))
    return c;
  return c + 256;
}

static int
deb_part (struct span a, struct span b)
{
  size_t i = 0, j = 0;

  while (i < a.n || j < b.n) {
    size_t si, sj;

    /* The non-digit runs, character by character. */
    while ((i < a.n && !is_digit (a.s[i])) || (j < b.n && !is_digit (b.s[j]))) {
      int wa = deb_weight (a.s, a.n, i), wb = deb_weight (b.s, b.n, j);

      if (wa != wb)
        return wa < wb ? -1 : 1;
      i++;
      j++;
    }
    /* The digit runs, as numbers. */
    si = i;
    sj = j;
    while (i < a.n && is_digit (a.s[i]))
      i++;
    while (j < b.n && is_digit (b.s[j]))
      j++;
    {
      int c = cmp_number ((struct span) { a.s + si, i - si },
                          (struct span) { b.s + sj, j - sj });

      if (c)
        return c;
    }
  }
  return 0;
}

/* Compares two [epoch:]version[-release] strings: the epochs as
 * numbers, then version and release with part().  With release_ties, a
 * release missing on one side does not decide (rpm); without, it
 * compares as an empty one (dpkg, where that is what "0" gives). */
static int
cmp_evr (const char *a, size_t alen, const char *b, size_t blen,
         int (*part) (struct span, struct span), int release_ties)
{
  struct span ea, ra, eb, rb, va, rela, vb, relb;
  int ha, hb, c;

  split_epoch ((struct span) { a, alen }, &ea, &ra);
  split_epoch ((struct span) { b, blen }, &eb, &rb);
  if ((c = cmp_number (ea, eb)) != 0)
    return c;
  split_release (ra, &va, &rela, &ha);
  split_release (rb, &vb, &relb, &hb);
  if ((c = part (va, vb)) != 0)
    return c;
  if (release_ties && (!ha || !hb))
    return 0;
  return part (rela, relb);
}

int
vs_pkgver_cmp_deb (const char *a, size_t alen, const char *b, size_t blen)
{
  return cmp_evr (a, alen, b, blen, deb_part, 0);
}

/* ---- rpm --------------------------------------------------------------- */

static int
is_alnum (char c)
{
  return is_digit (c) || is_alpha (c);
}

static int
rpm_part (struct span a, struct span b)
{
  size_t i = 0, j = 0;

  if (a.n == b.n && (a.n == 0 || memcmp (a.s, b.s, a.n) == 0))
    return 0;
  for (;;) {
    size_t si, sj;
    int num;

    while (i < a.n && !is_alnum (a.s[i]) && a.s[i] != '~' && a.s[i] != '^')
      i++;
    while (j < b.n && !is_alnum (b.s[j]) && b.s[j] != '~' && b.s[j] != '^')
      j++;
    /* '~': older than anything, even the end. */
    if ((i < a.n && a.s[i] == '~') || (j < b.n && b.s[j] == '~')) {
      if (!(i < a.n && a.s[i] == '~'))
        return 1;
      if (!(j < b.n && b.s[j] == '~'))
        return -1;
      i++;
      j++;
      continue;
    }
    /* '^': newer than the end, older than anything else. */
    if ((i < a.n && a.s[i] == '^') || (j < b.n && b.s[j] == '^')) {
      if (i >= a.n)
        return -1;
      if (j >= b.n)
        return 1;
      if (a.s[i] != '^')
        return 1;
      if (b.s[j] != '^')
        return -1;
      i++;
      j++;
      continue;
    }
    if (i >= a.n || j >= b.n)
      break;
    si = i;
    sj = j;
    num = is_digit (a.s[i]);
    if (num) {
      while (i < a.n && is_digit (a.s[i]))
        i++;
      while (j < b.n && is_digit (b.s[j]))
        j++;
    }
    else {
      while (i < a.n && is_alpha (a.s[i]))
        i++;
      while (j < b.n && is_alpha (b.s[j]))
        j++;
    }
    /* One side's segment is of the other kind: digits are newer. */
    if (j == sj)
      return num ? 1 : -1;
    if (num) {
      int c = cmp_number ((struct span) { a.s + si, i - si },
                          (struct span) { b.s + sj, j - sj });

      if (c)
        return c;
    }
    else {
      size_t la = i - si, lb = j - sj;
      int c = memcmp (a.s + si, b.s + sj, la < lb ? la : lb);

      if (c)
        return c < 0 ? -1 : 1;
      if (la != lb)
        return la < lb ? -1 : 1;
    }
  }
  if (i >= a.n && j >= b.n)
    return 0;
  return i >= a.n ? -1 : 1;
}

int
vs_pkgver_cmp_rpm (const char *a, size_t alen, const char *b, size_t blen)
{
  return cmp_evr (a, alen, b, blen, rpm_part, 1);
}
