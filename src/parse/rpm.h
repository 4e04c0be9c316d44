/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: a parser for RPM header blobs (pure: bytes in, struct out).
 *
 * An rpmdb (SQLite table Packages, Berkeley DB or ndb) stores each
 * installed package as a header blob without the 8-byte magic:
 *
 *   be32 il, be32 dl, il x { be32 tag, be32 type, be32 offset,
 *   be32 count }, dl bytes of data
 *
 * The blob comes from the image and is hostile: every index entry's
 * offset and count is checked against the data store, every string must
 * end with a NUL inside it, and the file arrays must agree in length.
 * What a parsed header holds points into the caller's blob, which must
 * outlive it.
 */
#ifndef VS_PARSE_RPM_H
#define VS_PARSE_RPM_H

#include <stddef.h>
#include <stdint.h>

/* Bounds: rpm itself refuses more than 0xffff tags and 256 MiB of
 * data. */
#define VS_RPM_MAX_TAGS 0xffff
#define VS_RPM_MAX_DATA (256u << 20)
#define VS_RPM_MAX_FILES 1000000

/* FILEFLAGS bits. */
#define VS_RPMFILE_CONFIG 1u
#define VS_RPMFILE_DOC 2u
#define VS_RPMFILE_GHOST 64u
#define VS_RPMFILE_LICENSE 128u

/* FILEDIGESTALGO values (PGP hash algorithm numbers). */
#define VS_RPM_ALGO_MD5 1
#define VS_RPM_ALGO_SHA1 2
#define VS_RPM_ALGO_SHA256 8

struct vs_rpm_file {
  const char *dir;    /* "/usr/bin/" (DIRNAMES end with '/') */
  const char *base;   /* "ls" */
  const char *digest; /* hex as recorded, "" for none */
  unsigned mode;      /* st_mode, 0 when not recorded */
  uint32_t flags;     /* VS_RPMFILE_* */
  uint64_t size;
};

struct vs_rpm_header {
  const char *name, *version, *release, *arch; /* NULL when absent */
  int has_epoch;        /* EPOCH was recorded (0 is a valid epoch) */
  uint32_t epoch;
  uint32_t digest_algo; /* VS_RPM_ALGO_*; MD5 when absent */
  struct vs_rpm_file *files;
  size_t nfiles;
};

/* Parses blob.  Returns 0, or -1 with *err set to a static message (the
 * header is then empty; "stopped" when vs_tick asked to stop).  A header
 * without files is fine. */
int vs_rpm_header_parse (const unsigned char *blob, size_t len,
                         struct vs_rpm_header *h, const char **err);
void vs_rpm_header_clear (struct vs_rpm_header *h);

#endif /* VS_PARSE_RPM_H */
