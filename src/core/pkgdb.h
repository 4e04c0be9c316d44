/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: the guest's package database (dpkg or rpm), read on the host.
 *
 * Loaded once per operating system from the guest view.  It knows every
 * file each package installed (paths canonicalised through the guest's
 * symlinks, so /bin/ls of a usrmerged Debian is /usr/bin/ls), the digest
 * the package recorded for it, and whether it is a conffile.  The data is
 * hostile: every parser is bounded and skips what it cannot read.
 */
#ifndef VS_PKGDB_H
#define VS_PKGDB_H

#include <stddef.h>
#include <stdint.h>

struct vs_guest;
struct vs_os;
struct vs_pkgdb;

/* Digest algorithms a package may record. */
enum vs_pkg_digest {
  VS_PKG_DIGEST_NONE = 0,
  VS_PKG_DIGEST_MD5,
  VS_PKG_DIGEST_SHA1,
  VS_PKG_DIGEST_SHA256,
};

struct vs_pkg_file {
  const char *path; /* canonical guest path */
  const char *package;
  enum vs_pkg_digest digest_type;
  const char *digest; /* lowercase hex, or NULL */
  int conffile;
};

/* Where a load reports a problem reading the database: path is the
 * guest file it concerns (NULL for the database as a whole), msg one
 * line.  Returns 0 to go on, or -1 if it could not record it (the store
 * failed), which fails the load. */
typedef int vs_pkgdb_error_fn (void *opaque, const char *path,
                               const char *msg);

/* Loads the package database of the OS os (may be NULL: then whichever
 * database the guest has) through the guest view.  Returns 0 with *out
 * set, or with *out NULL and *note saying why there is none (no package
 * manager, unsupported database format); problems reading single
 * entries go to on_error (may be NULL).  Returns -1 only if on_error
 * failed. */
int vs_pkgdb_load (struct vs_guest *guest, const struct vs_os *os,
                   vs_pkgdb_error_fn *on_error, void *opaque,
                   struct vs_pkgdb **out, char **note);
void vs_pkgdb_free (struct vs_pkgdb *db);

/* One installed package, as its database records it.  Strings are
 * NUL-terminated copies of the guest's bytes (cut at a NUL they held);
 * any may be NULL when the database left them out. */
struct vs_pkg {
  const char *name;
  const char *version; /* dpkg: Version; rpm: [epoch:]version-release */
  const char *arch;
  const char *status;  /* dpkg: Status; rpm: NULL */
};

/* The accessors below accept db NULL (no database: nothing owned). */

/* "dpkg" or "rpm" ("none" for NULL). */
const char *vs_pkgdb_kind (const struct vs_pkgdb *db);
size_t vs_pkgdb_packages (const struct vs_pkgdb *db);
/* The i-th installed package, in the database's order, i below
 * vs_pkgdb_packages (db). */
const struct vs_pkg *vs_pkgdb_package (const struct vs_pkgdb *db, size_t i);

/* The package file at a canonical guest path, or NULL. */
const struct vs_pkg_file *vs_pkgdb_lookup (const struct vs_pkgdb *db,
                                           const char *path, size_t len);

/* Every packaged file, in no particular order.  A path that several
 * packages ship (Multi-Arch: same, multilib) has one entry per package:
 * vs_pkgdb_lookup returns the first, vs_pkgdb_next_owner the others. */
size_t vs_pkgdb_count (const struct vs_pkgdb *db);
const struct vs_pkg_file *vs_pkgdb_file (const struct vs_pkgdb *db, size_t i);

/* The next package's entry for the same path as f, or NULL. */
const struct vs_pkg_file *vs_pkgdb_next_owner (const struct vs_pkgdb *db,
                                               const struct vs_pkg_file *f);

/* The index of f (as for vs_pkgdb_file). */
size_t vs_pkgdb_index (const struct vs_pkgdb *db, const struct vs_pkg_file *f);

/* Whether the content at path is what a package shipped there: some
 * owner recorded a digest and it equals the matching one given (lowercase
 * hex as in the files table; any may be NULL).  Returns 1 stock, 0 not
 * (unowned, no digest recorded, or different). */
int vs_pkgdb_is_stock (const struct vs_pkgdb *db, const char *path, size_t len,
                       const char *md5, const char *sha1, const char *sha256);

/* Bounds on what a hostile database can make vmscan hold. */
#define VS_PKGDB_MAX_FILES 2000000
#define VS_PKGDB_MAX_PACKAGES 200000
/* Longest package version, architecture or status kept. */
#define VS_PKG_MAX_FIELD 1024

#endif /* VS_PKGDB_H */
