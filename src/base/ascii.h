/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: ASCII character classes, independent of the locale.
 *
 * Guest text is bytes in no known encoding: these look at ASCII alone
 * and take any char, negative ones included, where <ctype.h> would need
 * an unsigned char and would follow the locale.
 */
#ifndef VS_ASCII_H
#define VS_ASCII_H

static inline int
vs_ascii_alpha (char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline int
vs_ascii_digit (char c)
{
  return c >= '0' && c <= '9';
}

static inline int
vs_ascii_alnum (char c)
{
  return vs_ascii_alpha (c) || vs_ascii_digit (c);
}

/* A blank as C's isblank has it: space or tab. */
static inline int
vs_ascii_blank (char c)
{
  return c == ' ' || c == '\t';
}

/* The lowercase of an ASCII capital; any other byte as it is. */
static inline char
vs_ascii_lower (char c)
{
  return c >= 'A' && c <= 'Z' ? (char) (c - 'A' + 'a') : c;
}

#endif /* VS_ASCII_H */
