/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: what the checks over the files table share: the file checks
 * (files.c: masquerading, permissions, cryptominers), the secrets
 * (secrets.c) and the IOC lists (ioc.c).
 *
 * Each check is one query over what the walk recorded, streamed row by
 * row, selecting the files of the context's OS, or of the filesystems no
 * OS mounts when ctx->os is NULL.  File contents are read through the
 * guest view only for the few candidates that need it, bounded by
 * VS_FT_MAX_READ, and only when there is a guest view.
 */
#ifndef VS_CHECK_FILETAB_H
#define VS_CHECK_FILETAB_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "checks/checks.h"

#define VS_FT_MAX_READ (1024 * 1024)         /* a candidate file */
#define VS_FT_MAX_HISTORY (4 * 1024 * 1024)  /* a history: its head */
#define VS_FT_MAX_CANDIDATES 20000           /* files read per check */
#define VS_FT_MAX_PER_FILE 20                /* findings per file */
#define VS_FT_EVIDENCE 512                   /* bytes of a line kept */

/* The FROM and WHERE of a query over the live files of this run: ?1
 * the scan, ?2 the OS (NULL for the image-wide run).  Deleted entries
 * (--deleted) are not part of the system the checks judge. */
#define VS_FT_FROM_ALL " FROM files f JOIN filesystems s ON s.id = f.fs_id " \
  "WHERE f.scan_id = ?1 AND s.os_id IS ?2 "
#define VS_FT_FROM VS_FT_FROM_ALL "AND f.deleted IS NULL "

/* Prepares sql (which uses VS_FT_FROM) with its parameters bound, or
 * records an errors row and returns NULL. */
sqlite3_stmt *vs_ft_prepare (struct vs_check_ctx *ctx, const char *sql);
const char *vs_ft_text (sqlite3_stmt *s, int i);

enum vs_ft_ownership {
  VS_FT_OWN_UNKNOWN, VS_FT_OWN_NONE, VS_FT_OWN_STOCK, VS_FT_OWN_CHANGED,
};

/* Whether the package database owns the file and its digest matches. */
enum vs_ft_ownership vs_ft_ownership (struct vs_check_ctx *ctx,
                                      const char *path, size_t len,
                                      const char *md5, const char *sha1,
                                      const char *sha256);
/* The name of the account with this uid, or NULL. */
const char *vs_ft_account (struct vs_check_ctx *ctx, int64_t uid);
char *vs_ft_path_dup (const char *p, size_t len);
/* Reads a candidate through the guest view.  Returns 0, or -1 after
 * recording why (too big, gone, not a regular file, a symlink loop). */
int vs_ft_read (struct vs_check_ctx *ctx, const char *path, size_t max,
                int truncate_ok, char **data, size_t *len);

/* What libmagic's description (and MIME type) says a file is. */
int vs_ft_is_elf (const char *magic);
int vs_ft_is_elf_exec (const char *magic);
int vs_ft_is_script (const char *magic);
int vs_ft_is_text (const char *magic, const char *mime);

/* Records a finding about a file through vs_cc_add (capped per check
 * id, evidence bounded). */
int vs_ft_add (struct vs_check_ctx *ctx, enum vs_check_name check,
               enum vs_severity sev, const char *category, const char *mitre,
               int64_t file_id, const char *path, size_t plen,
               const char *account, const char *evidence, const char *title);

/* Whether s (len bytes) ends with, or holds, a lowercase ASCII string,
 * ignoring ASCII case. */
int vs_ft_ends_with_ci (const char *s, size_t len, const char *suffix);
int vs_ft_contains_ci (const char *s, size_t len, const char *needle);

#endif /* VS_CHECK_FILETAB_H */
