/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan tests: a fake guest for the checks.
 *
 * Builds a guest tree in a temporary directory on the host, records it
 * in a fresh evidence database with the real walker (hashes, magic, no
 * YARA), and sets up a struct vs_check_ctx on it, so that a check
 * function can be run exactly as a scan would run it, without the
 * appliance.  Usage:
 *
 *   struct vs_test_guest t;
 *   vs_test_guest_init (&t);
 *   vs_test_write (&t, "/etc/passwd", "root:x:0:0::/root:/bin/bash\n", 0644);
 *   vs_test_symlink (&t, "/bin", "usr/bin");
 *   vs_test_guest_scan (&t, "debian", "deb");
 *   vs_check_access (&t.ctx);
 *   n = vs_test_count (&t, "SELECT count(*) FROM findings WHERE ...");
 *   vs_test_guest_free (&t);
 */
#ifndef VS_CHECK_HARNESS_H
#define VS_CHECK_HARNESS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "checks/checks.h"

struct vs_test_guest {
  char *tmp;                    /* temporary directory */
  char *root;                   /* the guest's "/" on the host */
  char *db_path;
  struct vs_store *store;
  struct vs_os os;
  struct vs_fs fs;
  struct vs_accounts *accounts;
  struct vs_check_ctx ctx;
};

/* Makes the temporary guest; exits with a TAP bail-out on failure. */
void vs_test_guest_init (struct vs_test_guest *t);

/* Writes a file in the guest (parents made 0755); data may hold NULs
 * when len is given (len 0: strlen). */
void vs_test_write (struct vs_test_guest *t, const char *path,
                    const char *data, mode_t mode);
void vs_test_write_len (struct vs_test_guest *t, const char *path,
                        const char *data, size_t len, mode_t mode);
void vs_test_mkdir (struct vs_test_guest *t, const char *path, mode_t mode);
void vs_test_symlink (struct vs_test_guest *t, const char *path,
                      const char *target);
/* chown/chmod without following a symlink. */
void vs_test_chown (struct vs_test_guest *t, const char *path, uid_t uid,
                    gid_t gid);

/* The md5 of data as lowercase hex (what dpkg's files record). */
void vs_test_md5_hex (const char *data, size_t len, char out[33]);

/* One file a package of vs_test_dpkg ships. */
struct vs_test_pkgfile {
  const char *pkg;              /* as in vs_test_dpkg's pkgs */
  const char *path;             /* as the package lists it */
  const char *data;             /* its bytes */
  size_t len;                   /* 0: strlen (data) */
  int conffile;                 /* a conffile (md5 in status), else in
                                 * the package's md5sums */
};

/* Writes a dpkg database (not the files themselves): for each of pkgs,
 * "name" or "name:arch" (arch "all" when none), a stanza in
 * /var/lib/dpkg/status (installed, version 1.0-1, then fields, its
 * Conffiles with their md5), info/PKG.list (list_dirs, then its files)
 * and info/PKG.md5sums, PKG as given ("libc6:amd64.list", as dpkg names
 * a multi-arch package's); extra_status (NULL: none) ends the status
 * file as it is. */
void vs_test_dpkg (struct vs_test_guest *t, const char *const *pkgs,
                   size_t npkgs, const struct vs_test_pkgfile *files,
                   size_t nfiles, const char *list_dirs, const char *fields,
                   const char *extra_status);

/* Records the tree (an OS with this distro and package format, "/" on
 * one filesystem) and fills t->ctx: store, db, scan id, os, guest view,
 * accounts from the guest's /etc/passwd, pkgdb NULL (call vs_pkgdb_load
 * yourself if the check needs it), ioc NULL. */
void vs_test_guest_scan (struct vs_test_guest *t, const char *distro,
                         const char *package_format);

/* The first column of the first row of sql as an integer (-1 if none)
 * or as text (NULL if none; free it). */
int64_t vs_test_count (struct vs_test_guest *t, const char *sql);
char *vs_test_text (struct vs_test_guest *t, const char *sql);

/* Prints every finding as a TAP diagnostic ("# ..."), for debugging. */
void vs_test_dump_findings (struct vs_test_guest *t);

/* The findings of category with every one of these fields (evidence: a
 * substring; mitre NULL for none); when there is none, every finding is
 * printed as a diagnostic. */
int64_t vs_test_nfind (struct vs_test_guest *t, const char *category,
                       const char *check, const char *sev,
                       const char *path, const char *ev,
                       const char *mitre);

/* Frees everything and removes the temporary directory. */
void vs_test_guest_free (struct vs_test_guest *t);

#endif /* VS_CHECK_HARNESS_H */
