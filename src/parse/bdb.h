/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: a reader for Berkeley DB hash databases (pure: bytes in, calls
 * out), enough for the old rpmdb (/var/lib/rpm/Packages of CentOS 7,
 * RHEL 7, Amazon Linux 2).
 *
 * The whole file is in memory.  Page 0 is the metadata page (hash magic
 * 0x061561, page size, byte order); every hash page (type 13, or 2 for
 * hash version 8) holds key/data pairs, a data item either inline or on
 * a chain of overflow pages (type 7).  Pages are visited in file order,
 * not through the buckets: every pair is found once, in no particular
 * order.  The file is hostile: page numbers, offsets, lengths and chains
 * are all checked.  The work is linear in the file: each page is read at
 * most once per walk (Berkeley DB never shares an overflow page between
 * two items, so a chain that comes back to a page already read, its own
 * or another item's, is refused), and the bytes handed out never add up
 * to more than the file holds.  A pair that does not read is skipped and
 * counted.
 */
#ifndef VS_PARSE_BDB_H
#define VS_PARSE_BDB_H

#include <stddef.h>
#include <stdint.h>

/* Largest data item assembled from overflow pages. */
#define VS_BDB_MAX_ITEM (256u << 20)

/* What a walk did, for error messages and for the tests that bound its
 * work. */
struct vs_bdb_stats {
  size_t bad;     /* pairs skipped */
  uint64_t pages; /* pages read (hash and overflow), at most the file's */
  char why[96];   /* why the first skipped pair was skipped, or "" */
};

/* Calls fn for each key/data pair (valid only during the call).  Returns
 * 0, or -1 with *err set (a static message) when the file is not a hash
 * database, fn returned -1, or the scan is stopping (vs_tick; *err is
 * then "stopped").  *st is filled in either case. */
int vs_bdb_hash_walk (const unsigned char *db, size_t len,
                      int (*fn) (const unsigned char *key, size_t klen,
                                 const unsigned char *data, size_t dlen,
                                 void *opaque),
                      void *opaque, struct vs_bdb_stats *st, const char **err);

#endif /* VS_PARSE_BDB_H */
