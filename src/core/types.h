/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan core: the plain structs that the core, the checks and the
 * store pass to each other (struct vs_image is image/image.h's).
 *
 * Everything else is an opaque handle owned by its own file.  Strings
 * that came from the image (paths, link targets, labels) are byte arrays
 * with an explicit length: they may hold any byte but NUL, and need not
 * be UTF-8.
 */
#ifndef VS_CORE_TYPES_H
#define VS_CORE_TYPES_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "image/image.h"

enum vs_ftype {
  VS_FT_FILE,
  VS_FT_DIR,
  VS_FT_SYMLINK,
  VS_FT_CHR,
  VS_FT_BLK,
  VS_FT_FIFO,
  VS_FT_SOCK,
  VS_FT_UNKNOWN,
};

/* The name stored in files.type for each enum vs_ftype. */
const char *vs_ftype_name (enum vs_ftype t);
/* The enum vs_ftype for an st_mode. */
enum vs_ftype vs_ftype_from_mode (unsigned mode);

/* One directory entry, as recorded in the files table. */
struct vs_entry {
  int64_t fs_id;
  const char *path;             /* guest path, path_len bytes */
  size_t path_len;
  enum vs_ftype type;
  uint64_t size;
  uint32_t mode;
  uint32_t uid, gid;
  struct timespec atime, mtime, ctime;
  int has_btime;
  struct timespec btime;
  uint64_t inode;
  uint64_t nlink;
  const char *link_target;      /* symlinks only; NULL otherwise */
  size_t link_len;
  int has_hashes;               /* regular files that were read whole */
  char md5[33], sha1[41], sha256[65];
  const char *magic, *mime;     /* NULL if not classified */
  int yara_scanned;             /* 1 scanned, 0 skipped, -1 not a file */
  const char *capabilities;     /* decoded security.capability, or NULL */
  /* --deleted: NULL for a live entry, else "entry" (a deleted name whose
   * inode is unallocated: its metadata), "name" (a deleted name whose
   * inode is gone or in use again: the name only, no metadata) or
   * "orphan" (an unallocated inode no name points at). */
  const char *deleted;
};

/* One string match inside a rule match. */
struct vs_string_match {
  char *identifier;
  uint64_t offset;
  uint32_t length;
  char *data_hex;               /* at most the first 64 bytes */
};

/* One rule that matched one file. */
struct vs_rule_match {
  char *rule;
  char *ns;
  char *tags;                   /* space-separated, may be empty */
  char *meta_json;              /* JSON object */
  struct vs_string_match *strings;
  size_t nstrings;
};

struct vs_match_list {
  struct vs_rule_match *m;
  size_t n;
  size_t alloc;
};

/* Frees what the list holds and empties it (the list itself is the
 * caller's). */
void vs_match_list_clear (struct vs_match_list *l);

/* An operating system found by inspection. */
struct vs_os {
  int64_t id;
  char *root;
  char *type, *distro, *product_name, *hostname, *arch;
  char *package_format, *package_management;
  int major, minor;
};

enum vs_fs_status {
  VS_FS_PENDING,
  VS_FS_SCANNED,
  VS_FS_SKIPPED,
  VS_FS_ERROR,
};

/* A filesystem found in the image. */
struct vs_source;

struct vs_fs {
  int64_t id;
  char *device;
  char *type;
  char *label;
  char *uuid;
  int64_t size;                 /* -1 when unknown */
  int os_index;                 /* index into the OS list, or -1 */
  char *os_mountpoint;          /* NULL unless an OS mounts it */
  char *walk_root;              /* appliance path it was mounted on */
  int mounted;
  struct vs_source *src;        /* or read on the host (core/source.h),
                                   then not mounted */
  enum vs_fs_status status;
  char *note;
  uint64_t files, bytes;
};

/* Whether the filesystem can be read: mounted by the appliance, or read
 * on the host. */
static inline int
vs_fs_readable (const struct vs_fs *fs)
{
  return fs->mounted || fs->src != NULL;
}

enum vs_severity {
  VS_SEV_INFO = 0,
  VS_SEV_LOW,
  VS_SEV_MEDIUM,
  VS_SEV_HIGH,
  VS_SEV_CRITICAL,
};
#define VS_SEV_COUNT 5

const char *vs_severity_name (enum vs_severity s);
/* Parses "info", "low", "medium", "high", "critical".  Returns 0 or -1. */
int vs_severity_parse (const char *s, enum vs_severity *out);

/* One finding, as stored in the findings table.  Strings from the image
 * (path, account, evidence) carry a length (0: use strlen) and may hold
 * any byte but NUL.  evidence must already be redacted when it could
 * hold a secret. */
struct vs_finding {
  const char *check_id;         /* stable: "persistence.cron" */
  enum vs_severity severity;
  const char *category;         /* package, persistence, access,
                                   masquerading, cryptominer, secret,
                                   permissions, ioc, malware */
  const char *title;            /* one line */
  const char *path;
  size_t path_len;
  const char *account;
  size_t account_len;
  const char *evidence;
  size_t evidence_len;
  const char *mitre;            /* "T1053.003", or NULL */
  int64_t os_id;                /* 0: none */
  int64_t file_id;              /* 0: none */
  int64_t match_id;             /* 0: none */
};

#endif /* VS_CORE_TYPES_H */
