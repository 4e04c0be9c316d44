/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: helpers shared by the persistence and access checks.
 *
 * Bounded reads of guest files that turn problems into errors rows,
 * "is this file stock?" through the package database, evidence
 * shortening, one-call findings, and the guest's accounts with their
 * homes and shells.
 *
 * Findings are bounded here, once, for every check that reports
 * through vs_cc_add or vs_cc_report: at most VS_CC_MAX_FINDINGS per
 * check id on one system are recorded, and the rest are counted into
 * one more finding of the same check id, "N more findings of CHECK-ID
 * not recorded", at the highest severity among them (so --fail-on still
 * sees them), written by vs_cc_flush.  Each finding's evidence, title,
 * account and path are cut to a byte cap, with a marker.  A hostile
 * image can otherwise make millions of findings (one per item of a
 * sudoers line) and gigabytes of evidence.
 */
#ifndef VS_CHECK_COMMON_H
#define VS_CHECK_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "checks/checks.h"
#include "base/util.h"

#define VS_CC_MAX_CONFIG (4u << 20)     /* a configuration file */
#define VS_CC_MAX_SCRIPT (1u << 20)     /* a script read for heuristics */
#define VS_CC_EVIDENCE_MAX 512          /* bytes of one line of evidence */
#define VS_CC_MAX_ENTRIES 20000         /* directory entries examined */

/* Findings recorded per check id per operating system: enough to show a
 * responder every instance on any real image (a busy server has a few
 * dozen keys or sudo rules) and the pattern on a hostile one, while
 * 1000 findings of VS_CC_MAX_EVIDENCE bytes keep a check id under about
 * 5 MB of evidence. */
#define VS_CC_MAX_FINDINGS 1000
/* Bytes of evidence kept per finding: several lines of
 * VS_CC_EVIDENCE_MAX bytes; more is cut, ending in
 * "... [N more bytes not recorded]". */
#define VS_CC_MAX_EVIDENCE 4096
/* A title is one line for people; an account name is at most 32 bytes
 * on Linux (useradd) and 256 anywhere (LOGIN_NAME_MAX); a path the
 * kernel can open is under PATH_MAX (4096).  Longer ones come from
 * crafted configuration and are cut, ending in "...". */
#define VS_CC_MAX_TITLE 512
#define VS_CC_MAX_ACCOUNT 256
#define VS_CC_MAX_PATH 4096

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

/* A walk over the entries of a guest directory, in the order and
 * within the cap of vs_cc_list:
 *
 *   struct vs_cc_dir d;
 *   int r = vs_cc_dir_open (ctx, dir, &d);
 *
 *   while (r == 0 && vs_cc_dir_next (&d))
 *     r = ... d.name, d.path ...;
 *   vs_cc_dir_close (&d);
 *
 * vs_cc_dir_open returns 0, or -1 if the store failed; a directory that
 * is absent or cannot be listed (an errors row says why, as vs_cc_list
 * writes it) has no entries.  vs_cc_dir_next returns 1 with the next
 * entry's name and path ("DIR/NAME", DIR as given), or 0 at the end;
 * both are valid until the next call. */
struct vs_cc_dir {
  const char *name;
  char *path;
  /* Private. */
  const char *dir;
  char **names;
  size_t n, i;
};
int vs_cc_dir_open (struct vs_check_ctx *ctx, const char *dir,
                    struct vs_cc_dir *d);
int vs_cc_dir_next (struct vs_cc_dir *d);
void vs_cc_dir_close (struct vs_cc_dir *d);

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

/* Records a finding as vs_check_add does, within the bounds above: the
 * first VS_CC_MAX_FINDINGS of f->check_id on f's system (f->os_id, else
 * the context's) are recorded, the rest counted for vs_cc_flush; the
 * evidence, title, account and path are cut to their caps (at a UTF-8
 * character boundary).  Returns 0 (recorded or counted), or -1 when the
 * store failed. */
int vs_cc_add (struct vs_check_ctx *ctx, const struct vs_finding *f);

/* Writes the one finding per check id that counts what vs_cc_add did
 * not record, and forgets the counts.  A check family that reports
 * through vs_cc_add or vs_cc_report calls it before it returns, on
 * every path.  Returns 0, or -1 when the store failed. */
int vs_cc_flush (struct vs_check_ctx *ctx);

/* Records a finding through vs_cc_add: category from the check id's
 * first part ("persistence", "access"), the files row of path attached.
 * account and evidence may be NULL; evidence has evlen bytes (0:
 * strlen).  The title is formatted and made one line.  Returns 0 or -1
 * (store). */
int vs_cc_report (struct vs_check_ctx *ctx, enum vs_check_name check,
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
  size_t *index;                /* private: names to 1 + position */
  size_t index_cap;
};

/* Reads /etc/passwd (absent: no accounts; past VS_CC_MAX_USERS
 * accounts, an errors row and the rest not read).  Returns 0, or -1 if
 * the store failed. */
int vs_cc_users_load (struct vs_check_ctx *ctx, struct vs_cc_users *u);
void vs_cc_users_free (struct vs_cc_users *u);
/* The first account named name (len bytes), or NULL; constant time. */
const struct vs_cc_user *vs_cc_user_find (const struct vs_cc_users *u,
                                          const char *name, size_t len);

/* A set of strings, to remember what was seen: v holds them in the order
 * they were added (v[0] .. v[n - 1], each cut at a NUL it held), and a
 * hash index, private, follows them in the same allocation, so that
 * adding and finding take constant time whatever the guest holds (the
 * hash is keyed with a random key per process: a guest cannot make its
 * strings collide).  Initialise with { NULL, 0, 0 }. */
struct vs_cc_set {
  char **v;
  size_t n, alloc;
};
/* Adds s (len bytes) unless present; returns 1 if added, 0 if it was
 * there. */
int vs_cc_set_add (struct vs_cc_set *s, const char *str, size_t len);
int vs_cc_set_has (const struct vs_cc_set *s, const char *str, size_t len);
/* 1 + the position of str in s->v, or 0 when absent. */
size_t vs_cc_set_find (const struct vs_cc_set *s, const char *str,
                       size_t len);
void vs_cc_set_free (struct vs_cc_set *s);

/* The keyed hash the sets and the accounts index use: SipHash-2-4 with a
 * key drawn at random once per process. */
uint64_t vs_cc_hash (const char *s, size_t len);

/* For a loop over guest data (in path, may be NULL) that vs_tick () told
 * to stop: records an errors row saying the rest was not examined, and
 * returns 1, or -1 if the store failed.  The loop then ends. */
int vs_cc_stop (struct vs_check_ctx *ctx, const char *path);

/* Whether name ends with suffix. */
int vs_cc_ends_with (const char *name, const char *suffix);

#endif /* VS_CHECK_COMMON_H */
