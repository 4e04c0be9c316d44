/* vmscan: helpers shared by the persistence and access checks.
 *
 * Bounded reads of guest files that turn problems into errors rows,
 * "is this file stock?" through the package database, evidence
 * shortening, one-call findings, and the guest's accounts with their
 * homes and shells.
 */
#ifndef VS_CHECK_COMMON_H
#define VS_CHECK_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "checks.h"
#include "util.h"

#define VS_CC_MAX_CONFIG (4u << 20)     /* a configuration file */
#define VS_CC_MAX_SCRIPT (1u << 20)     /* a script read for heuristics */
#define VS_CC_EVIDENCE_MAX 512          /* bytes of one line of evidence */
#define VS_CC_MAX_ENTRIES 20000         /* directory entries examined */

/* Reads a guest file whole (at most max bytes).  Returns 0 with *data
 * (NUL-terminated, caller frees) and *len; 1 when the file is absent
 * (silently) or cannot be read (an errors row says why: too big, not a
 * regular file, a symlink loop ...); -1 if the store failed. */
int vs_cc_read (struct vs_check_ctx *ctx, const char *path, size_t max,
                char **data, size_t *len);

/* The same with truncation allowed: a larger file gives its first max
 * bytes. */
int vs_cc_read_head (struct vs_check_ctx *ctx, const char *path, size_t max,
                     char **data, size_t *len);

/* Lists a guest directory (sorted, at most VS_CC_MAX_ENTRIES names; free
 * with vs_guest_free_list).  Returns 0, 1 when absent or unreadable
 * (errors row unless absent), -1 if the store failed. */
int vs_cc_list (struct vs_check_ctx *ctx, const char *path, char ***names,
                size_t *n);

/* Where a guest file comes from. */
enum vs_cc_origin {
  VS_CC_UNKNOWN,                /* no package database */
  VS_CC_UNOWNED,                /* no package owns it */
  VS_CC_STOCK,                  /* packaged, content as the package has it
                                   (or the package recorded no digest) */
  VS_CC_MODIFIED,               /* packaged, content differs */
};

/* The origin of the file at path (symlinks resolved in the guest); the
 * owning package in *package when packaged (valid as long as
 * ctx->pkgdb), else NULL. */
enum vs_cc_origin vs_cc_origin (struct vs_check_ctx *ctx, const char *path,
                                const char **package);

/* A short phrase for an origin: "from package cron", "not from a
 * package", "modified since package cron installed it", "no package
 * database".  Caller frees. */
char *vs_cc_origin_text (enum vs_cc_origin o, const char *package);

/* Appends at most VS_CC_EVIDENCE_MAX bytes of s, exactly (a NUL becomes
 * "\0"), with "..." when shortened. */
void vs_cc_evidence (struct vs_buf *b, const char *s, size_t len);

/* A printable, one-line copy of s shortened to max bytes (for titles);
 * caller frees. */
char *vs_cc_short (const char *s, size_t len, size_t max);

/* Records a finding: category from the check id's first part
 * ("persistence", "access"), the files row of path attached.  account
 * and evidence may be NULL; evidence has evlen bytes (0: strlen).  The
 * title is formatted and made one line.  Returns 0 or -1 (store). */
int vs_cc_report (struct vs_check_ctx *ctx, const char *check_id,
                  enum vs_severity sev, const char *mitre, const char *path,
                  const char *account, const char *evidence, size_t evlen,
                  const char *fmt, ...)
  __attribute__((format (printf, 9, 10)));

/* The guest's accounts as /etc/passwd lists them (every line kept, in
 * order, so that duplicates show). */
struct vs_cc_user {
  char *name;
  char *passwd;                 /* the second field */
  uint32_t uid, gid;
  int uid_ok;                   /* the uid field parsed */
  char *home;
  char *shell;
  unsigned line;
};

struct vs_cc_users {
  struct vs_cc_user *v;
  size_t n;
};

/* Reads /etc/passwd (absent: no accounts).  Returns 0, or -1 if the
 * store failed. */
int vs_cc_users_load (struct vs_check_ctx *ctx, struct vs_cc_users *u);
void vs_cc_users_free (struct vs_cc_users *u);
const struct vs_cc_user *vs_cc_user_find (const struct vs_cc_users *u,
                                          const char *name, size_t len);

/* A list of strings, to remember what was seen. */
struct vs_cc_set {
  char **v;
  size_t n, alloc;
};
/* Adds s (len bytes) unless present; returns 1 if added, 0 if it was
 * there. */
int vs_cc_set_add (struct vs_cc_set *s, const char *str, size_t len);
int vs_cc_set_has (const struct vs_cc_set *s, const char *str, size_t len);
void vs_cc_set_free (struct vs_cc_set *s);

/* Whether name ends with suffix. */
int vs_cc_ends_with (const char *name, const char *suffix);

#endif /* VS_CHECK_COMMON_H */
