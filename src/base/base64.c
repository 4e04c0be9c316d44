/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: base64 (see base64.h).  Every loop is one pass over its
 * input. */
#include <config.h>

#include <stdint.h>

#include "base/base64.h"

int
vs_base64_value (unsigned char c)
{
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  if (c == '+')
    return 62;
  if (c == '/')
    return 63;
  return -1;
}

void
vs_base64_encode_nopad (const unsigned char *in, size_t n, char *out)
{
  static const char tbl[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  uint32_t acc = 0;
  size_t i, o = 0;
  int bits = 0;

  for (i = 0; i < n; i++) {
    acc = (acc << 8) | in[i];
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out[o++] = tbl[(acc >> bits) & 63];
    }
    acc &= (1u << bits) - 1;
  }
  if (bits > 0)
    out[o++] = tbl[(acc << (6 - bits)) & 63];
  out[o] = '\0';
}

long
vs_base64_decode (const char *s, size_t len, unsigned char *out)
{
  uint32_t acc = 0;
  size_t i, n = 0;
  int bits = 0;

  while (len && s[len - 1] == '=')
    len--;
  for (i = 0; i < len; i++) {
    int v = vs_base64_value ((unsigned char) s[i]);

    if (v < 0)
      return -1;
    acc = (acc << 6) | (uint32_t) v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = (unsigned char) (acc >> bits);
    }
  }
  if (bits >= 6)
    return -1;                  /* a single dangling character */
  return (long) n;
}
