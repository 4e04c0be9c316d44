/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: integers stored in a byte order, read from unaligned bytes.
 * Image headers, partition tables, rpm headers and capability xattrs are
 * all read through these. */
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

#endif /* VS_BYTES_H */
