/* SPDX-License-Identifier: BSD-3-Clause */
/* libFuzzer target: the order of package versions (pkgver.c).  The
 * input is two versions split at its first NUL (or at its middle).  An
 * order must be one: a version equals itself, and swapping the two
 * versions swaps the answer. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/pkgver.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static int
sign (int c)
{
  return c < 0 ? -1 : c > 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *p = (const char *) data;
  const char *nul = memchr (p, '\0', size);
  size_t alen = nul ? (size_t) (nul - p) : size / 2;
  const char *b = nul ? nul + 1 : p + alen;
  size_t blen = size - (size_t) (b - p);

  if (vs_pkgver_cmp_deb (p, alen, p, alen) != 0
      || vs_pkgver_cmp_rpm (p, alen, p, alen) != 0)
    abort ();
  if (sign (vs_pkgver_cmp_deb (p, alen, b, blen))
      != -sign (vs_pkgver_cmp_deb (b, blen, p, alen)))
    abort ();
  if (sign (vs_pkgver_cmp_rpm (p, alen, b, blen))
      != -sign (vs_pkgver_cmp_rpm (b, blen, p, alen)))
    abort ();
  return 0;
}
