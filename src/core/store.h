/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: the evidence database (SQLite).
 *
 * The schema is schema.sql (PRAGMA user_version = VS_STORE_SCHEMA_VERSION),
 * documented in vmscan(1).  A store is safe to call from several threads:
 * every call takes the store's lock.  Rows are written in batched
 * transactions; the scan row is committed first with status 'running' so
 * that a database left by a killed scan opens and says so.
 *
 * Every function returns 0 or -1.  After an SQLite failure (a full disk,
 * say) the store is broken: every later call fails, and vs_store_errmsg()
 * says why.  Losing the database is fatal to a scan.
 */
#ifndef VS_STORE_H
#define VS_STORE_H

#include <stdint.h>

#include <sqlite3.h>

#include "core/types.h"

#define VS_STORE_SCHEMA_VERSION 7
/* The oldest schema the reports still read (without scans.openssl_version). */
#define VS_STORE_SCHEMA_OLDEST 2

struct vs_store;

struct vs_scan_info {
  const char *tool_version;
  const char *guestfs_version;
  const char *magic_version;
  const char *yara_version;
  const char *crypto_version;   /* the digest library, vs_hash_library () */
  const char *command_line;
  int yara_enabled;
  uint64_t yara_max_size;
};

struct vs_scan_totals {
  uint64_t files, bytes, matches, errors, findings;
  const char *fail_on;          /* severity name */
  uint64_t matched_files;       /* shown, not stored */
};

/* Creates a new evidence database at path.  It is an error if path exists,
 * unless force is set, in which case an existing regular file there is
 * replaced.  Writes *out on success. */
int vs_store_create (const char *path, int force, struct vs_store **out,
                     char **errmsg);

/* Closes the database.  Accepts NULL. */
void vs_store_free (struct vs_store *st);

/* The message of the last failure, valid until the next call. */
const char *vs_store_errmsg (struct vs_store *st);

int vs_store_begin_scan (struct vs_store *st, const struct vs_scan_info *info);
/* Records how the appliance ran: backend "kvm" or "tcg", libguestfs
 * version. */
int vs_store_set_appliance (struct vs_store *st, const char *backend,
                            const char *guestfs_version);
int vs_store_add_image (struct vs_store *st, int disk_index,
                        const struct vs_image *img);
int vs_store_set_image_sha256 (struct vs_store *st, int disk_index,
                               const char *sha256);
/* These write the new row's id into os->id and fs->id. */
int vs_store_add_os (struct vs_store *st, struct vs_os *os);
int vs_store_add_fs (struct vs_store *st, struct vs_fs *fs,
                     const struct vs_os *os);
int vs_store_update_fs (struct vs_store *st, const struct vs_fs *fs);
/* Batched with the other rows: vs_store_flush() commits them. */
int vs_store_add_rule_file (struct vs_store *st, const char *path,
                            const char *ns, const char *sha256,
                            uint64_t size);

/* Records one directory entry and the rule matches on it (m may be
 * NULL). */
int vs_store_add_file (struct vs_store *st, const struct vs_entry *e,
                       const struct vs_match_list *m);

/* Records an error row.  fs_id 0 means none; path may be NULL. */
int vs_store_add_error (struct vs_store *st, const char *stage,
                        int64_t fs_id, const char *path, size_t path_len,
                        const char *message);

/* Commits what is pending. */
/* Deletes the files of the filesystem fs_id and their YARA matches (a
 * walk that is to be done again another way); its errors stay. */
int vs_store_forget_fs (struct vs_store *st, int64_t fs_id);

int vs_store_flush (struct vs_store *st);

/* Ends the scan: writes status, message (may be NULL), totals and the end
 * time, and commits. */
int vs_store_finish_scan (struct vs_store *st, const char *status,
                          const char *message,
                          const struct vs_scan_totals *totals);

/* Counts kept by the store as rows are written. */
struct vs_store_counts {
  uint64_t errors;              /* rows in errors */
  uint64_t matches;             /* rows in yara_matches */
  uint64_t matched_files;       /* files with at least one match */
  uint64_t findings;            /* rows in findings */
};
void vs_store_counts (struct vs_store *st, struct vs_store_counts *out);

int vs_store_add_finding (struct vs_store *st, const struct vs_finding *f);
/* os_id 0 means the whole image. */
int vs_store_add_check_run (struct vs_store *st, int64_t os_id,
                            const char *check_id, const char *status,
                            uint64_t items, const char *note);
/* One installed package of an OS (format "deb" or "rpm"; the others
 * may be NULL). */
int vs_store_add_package (struct vs_store *st, int64_t os_id,
                          const char *format, const char *name,
                          const char *version, const char *arch,
                          const char *status);
/* One line of an OS's /etc/passwd. */
struct vs_store_account {
  const char *name, *home, *shell;
  int uid_ok, gid_ok;           /* the field parsed */
  uint32_t uid, gid;
  unsigned line;
};
int vs_store_add_account (struct vs_store *st, int64_t os_id,
                          const struct vs_store_account *a);
int vs_store_add_ioc_file (struct vs_store *st, const char *path,
                           const char *sha256, uint64_t entries);

/* schema.sql, the statements that make a new database. */
const char *vs_store_schema_sql (void);

/* The connection and the scan's id, for the checks that read back what
 * the walk recorded.  Only for use from one thread while no other thread
 * writes (after the walk); call vs_store_flush first. */
sqlite3 *vs_store_db (struct vs_store *st);
int64_t vs_store_scan_id (struct vs_store *st);

#endif /* VS_STORE_H */
