/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: parsers for dpkg's database files (pure: text in, calls out).
 *
 * The files come from the image and are hostile: any bytes, lines of any
 * length, fields missing or repeated.  Every function here walks the
 * buffer once, never reads past data + len, and hands the caller pointers
 * into data with explicit lengths (not NUL-terminated; they may hold any
 * byte but '\n').  What does not parse is skipped and counted in *bad
 * when bad is not NULL.  A callback returns 0 to go on, -1 to stop; the
 * parser then returns -1, else 0.  The work is linear in len; every line
 * is counted with vs_tick, and when it asks the scan to stop the parser
 * returns -1 too (vs_stopping () tells the two apart).
 */
#ifndef VS_PARSE_DPKG_H
#define VS_PARSE_DPKG_H

#include <stddef.h>

/* Longest path accepted in a .list, .md5sums, diversions or Conffiles
 * line; longer lines are skipped. */
#define VS_DPKG_MAX_PATH 4096
/* Most conffiles kept for one package stanza. */
#define VS_DPKG_MAX_CONFFILES 65536

/* One line of a stanza's Conffiles field: " /etc/foo <md5>[ obsolete]". */
struct vs_dpkg_conffile {
  const char *path;
  size_t path_len;
  char md5[33]; /* lowercase hex, "" for "newconffile" */
  int obsolete; /* no longer shipped by the package */
};

/* One stanza of /var/lib/dpkg/status. */
struct vs_dpkg_package {
  const char *name; /* Package: */
  size_t name_len;
  const char *arch; /* Architecture:, or NULL */
  size_t arch_len;
  const char *version; /* Version:, or NULL */
  size_t version_len;
  const char *status; /* Status: "install ok installed" */
  size_t status_len;
  int has_files; /* its files are on disk: the state (third
                    word of Status) is neither not-installed
                    nor config-files */
  const struct vs_dpkg_conffile *conffiles;
  size_t nconffiles;
};

/* Calls fn for each stanza with a Package field.  A stanza that repeats
 * one of the fields above (dpkg refuses those) is skipped and counted in
 * *bad. */
int vs_dpkg_parse_status (const char *data, size_t len,
                          int (*fn) (const struct vs_dpkg_package *p,
                                     void *opaque),
                          void *opaque, size_t *bad);

/* Calls fn for each path of a package's .list file (absolute paths; the
 * root "/." is left out). */
int vs_dpkg_parse_list (const char *data, size_t len,
                        int (*fn) (const char *path, size_t path_len,
                                   void *opaque),
                        void *opaque, size_t *bad);

/* Calls fn for each "<md5>  <path>" line of a .md5sums file: md5 in
 * lowercase hex, path relative as written (a leading "./" or "/" is
 * removed). */
int vs_dpkg_parse_md5sums (const char *data, size_t len,
                           int (*fn) (const char *md5, const char *path,
                                      size_t path_len, void *opaque),
                           void *opaque, size_t *bad);

/* Calls fn for each diversion of /var/lib/dpkg/diversions (three lines:
 * the diverted path, where it went, the package that diverted it, ":"
 * for a local diversion). */
int vs_dpkg_parse_diversions (const char *data, size_t len,
                              int (*fn) (const char *from, size_t from_len,
                                         const char *to, size_t to_len,
                                         const char *pkg, size_t pkg_len,
                                         void *opaque),
                              void *opaque, size_t *bad);

#endif /* VS_PARSE_DPKG_H */
