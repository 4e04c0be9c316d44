/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: a reader for rpm's SQLite database (rpmdb.sqlite, Fedora 33
 * and later, RHEL 9, openSUSE), bytes in, header blobs out.
 *
 * rpm keeps one row per installed package in Packages(hnum INTEGER
 * PRIMARY KEY, blob BLOB), the header blob of parse-rpm.h, and index
 * tables (Name, Basenames, ...) that vmscan does not read.  The file
 * comes from the image and is hostile: SQLite parses and runs whatever
 * its schema says, so before a row is read the database must look like
 * one rpm made:
 *
 *  - it is opened from memory, read-only (sqlite3_deserialize), on a
 *    connection with every limit set low (below), defensive mode, no
 *    trusted schema, no triggers, views or extensions, nothing attached;
 *  - its schema holds plain tables and indexes only: a view, trigger,
 *    virtual table, generated or hidden column, or an index on Packages
 *    is refused, and Packages must be exactly (hnum INTEGER PRIMARY KEY,
 *    blob) in a rowid table;
 *  - PRAGMA quick_check of Packages must pass, so that no page of it is
 *    reached twice (shared overflow chains would make a scan read the
 *    same bytes for every row);
 *  - every statement runs under a budget of SQLite operations
 *    proportional to the file's size, and vs_tick's stop request.
 */
#ifndef VS_PARSE_RPMSQLITE_H
#define VS_PARSE_RPMSQLITE_H

#include <stddef.h>
#include <stdint.h>

/* Schema entries accepted: rpm 4.16 to 4.19 make 49 (21 tables, their
 * indexes and sqlite_sequence). */
#define VS_RPMSQLITE_MAX_SCHEMA 256
/* Largest value SQLite may build (SQLITE_LIMIT_LENGTH): rpm allows a
 * header of 256 MiB, but the largest of real distributions (kernel-devel,
 * texlive) hold a few MiB; a row cannot make SQLite allocate more. */
#define VS_RPMSQLITE_MAX_BLOB (64 << 20)
/* SQLite operations allowed per byte of the file, and in any case: the
 * checks and a full read of Packages cost about 8 a row, one for every
 * 10 to 100 bytes of a real rpmdb (unit-pkgdb measures it); the base
 * covers a small file's schema checks. */
#define VS_RPMSQLITE_OPS_PER_BYTE 2
#define VS_RPMSQLITE_OPS_BASE 1000000

struct vs_rpmsqlite_stats {
  uint64_t budget; /* in: operations allowed, 0 for the default above */
  uint64_t ops;    /* out: operations run (to the progress handler's step) */
  size_t rows;     /* out: rows handed to fn */
};

/* Calls fn for each row of Packages with a non-empty blob (valid only
 * during the call).  data (len bytes, the whole file) may be changed:
 * a WAL database is read as a rollback one (a -wal file is not
 * applied).  Returns 0, or -1 with *err a message to free, saying why
 * the database was refused or what failed ("stopped" when vs_tick asked
 * to stop), or with *err NULL when fn returned -1.  st may be NULL. */
int vs_rpmsqlite_walk (unsigned char *data, size_t len,
                       int (*fn) (int64_t hnum, const unsigned char *blob,
                                  size_t blob_len, void *opaque),
                       void *opaque, struct vs_rpmsqlite_stats *st, char **err);

#endif /* VS_PARSE_RPMSQLITE_H */
