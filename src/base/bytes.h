/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: integers stored in a byte order, read from unaligned bytes.
 * Image headers, partition tables, rpm headers and capability xattrs are
 * all read through these; the sandboxed readers' messages are also
 * written with them. */
#ifndef VS_BYTES_H
#define VS_BYTES_H

#include <stdint.h>

static inline uint16_t
vs_le16 (const unsigned char *p)
{
  return (uint16_t) (p[0] | p[1] << 8);
}

static inline uint32_t
vs_le32 (const unsigned char *p)
{
  return (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16
    | (uint32_t) p[3] << 24;
}

static inline uint64_t
vs_le64 (const unsigned char *p)
{
  return (uint64_t) vs_le32 (p) | (uint64_t) vs_le32 (p + 4) << 32;
}

static inline uint32_t
vs_be32 (const unsigned char *p)
{
  return (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16
    | (uint32_t) p[2] << 8 | p[3];
}

static inline uint64_t
vs_be64 (const unsigned char *p)
{
  return (uint64_t) vs_be32 (p) << 32 | vs_be32 (p + 4);
}

/* The other way: v stored little-endian at p (a message's header). */
static inline void
vs_put_le32 (unsigned char *p, uint32_t v)
{
  p[0] = (unsigned char) v;
  p[1] = (unsigned char) (v >> 8);
  p[2] = (unsigned char) (v >> 16);
  p[3] = (unsigned char) (v >> 24);
}

static inline void
vs_put_le64 (unsigned char *p, uint64_t v)
{
  vs_put_le32 (p, (uint32_t) v);
  vs_put_le32 (p + 4, (uint32_t) (v >> 32));
}

#endif /* VS_BYTES_H */
