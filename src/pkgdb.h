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
struct vs_check_ctx;
struct vs_pkgdb;

/* Digest algorithms a package may record. */
enum vs_pkg_digest {
  VS_PKG_DIGEST_NONE = 0,
  VS_PKG_DIGEST_MD5,
  VS_PKG_DIGEST_SHA1,
  VS_PKG_DIGEST_SHA256,
};

struct vs_pkg_file {
  const char *path;             /* canonical guest path */
  const char *package;
  enum vs_pkg_digest digest_type;
  const char *digest;           /* lowercase hex, or NULL */
  int conffile;
};

/* Loads the package database of the OS behind ctx (ctx->guest, ctx->os).
 * Returns 0 with *out set, or with *out NULL and *note saying why there
 * is none (no package manager, unsupported database format); problems
 * reading single entries are recorded with vs_check_error.  Returns -1
 * only if the store failed. */
int vs_pkgdb_load (struct vs_check_ctx *ctx, struct vs_pkgdb **out,
                   char **note);
void vs_pkgdb_free (struct vs_pkgdb *db);

/* "dpkg" or "rpm". */
const char *vs_pkgdb_kind (const struct vs_pkgdb *db);
size_t vs_pkgdb_packages (const struct vs_pkgdb *db);

/* The package file at a canonical guest path, or NULL. */
const struct vs_pkg_file *vs_pkgdb_lookup (const struct vs_pkgdb *db,
                                           const char *path, size_t len);

/* Every packaged file, in no particular order. */
size_t vs_pkgdb_count (const struct vs_pkgdb *db);
const struct vs_pkg_file *vs_pkgdb_file (const struct vs_pkgdb *db,
                                         size_t i);

#endif /* VS_PKGDB_H */
