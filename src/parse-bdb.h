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
 * are all checked, a chain is followed for at most as many pages as the
 * file has, and a pair that does not read is skipped and counted.
 */
#ifndef VS_PARSE_BDB_H
#define VS_PARSE_BDB_H

#include <stddef.h>

/* Largest data item assembled from overflow pages. */
#define VS_BDB_MAX_ITEM (256u << 20)

/* Calls fn for each key/data pair (valid only during the call).  Returns
 * 0, or -1 with *err set (a static message) when the file is not a hash
 * database or fn returned -1.  *bad counts the pairs skipped. */
int vs_bdb_hash_walk (const unsigned char *db, size_t len,
                      int (*fn) (const unsigned char *key, size_t klen,
                                 const unsigned char *data, size_t dlen,
                                 void *opaque),
                      void *opaque, size_t *bad, const char **err);

#endif /* VS_PARSE_BDB_H */
