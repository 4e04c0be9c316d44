/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: the checks an incident responder runs on a Linux image.
 *
 * After the walk, with every filesystem still mounted, vs_checks_run()
 * runs each check on each operating system found: package integrity,
 * persistence, access, masquerading, cryptominers, secrets, permissions,
 * IOC lists, and turns YARA matches into findings.  A check reads the
 * guest through a struct vs_guest (symlinks resolved inside the guest,
 * never on the host) and what the walk recorded through the evidence
 * database.  Every finding goes into the findings table.
 *
 * Checks never fail the scan: a file they cannot read or parse is an
 * errors row and the check goes on.  Only a store failure stops them.
 */
#ifndef VS_CHECKS_H
#define VS_CHECKS_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "core/types.h"
#include "checks/registry.h"

struct vs_store;
struct vs_guest;
struct vs_accounts;
struct vs_ioc;
struct vs_pkgdb;
struct vs_cc_caps;

/* What every check gets. */
struct vs_check_ctx {
  struct vs_store *store;
  sqlite3 *db;                  /* the evidence database, to read what the
                                   walk recorded (scan_id below); every
                                   row of the walk is committed */
  int64_t scan_id;
  const struct vs_os *os;       /* NULL for image-wide checks */
  struct vs_guest *guest;       /* the OS's view; NULL for image-wide */
  const struct vs_accounts *accounts;  /* the OS's passwd, may be NULL */
  struct vs_pkgdb *pkgdb;       /* packaged files, or NULL if the OS has no
                                   package database vmscan can read */
  const struct vs_ioc *ioc;     /* --ioc lists, or NULL */
  int failed;                   /* set when the store failed */
  uint64_t counts[VS_SEV_COUNT];
  struct vs_cc_caps *caps;      /* check-common.c: findings per check id
                                   not yet flushed (vs_cc_flush); NULL
                                   between check families */
  void *family;                 /* what the running family's checks
                                   share (its begin function makes it) */
  const unsigned char *skip;    /* VS_CK_COUNT flags: the checks not to
                                   run (--skip-check), or NULL */
};

/* Records a finding (f->os_id defaults to the context's OS).  A finding
 * of a check the user skipped is left out.  Returns 0, or -1 when the
 * store failed (ctx->failed is then set). */
int vs_check_add (struct vs_check_ctx *ctx, const struct vs_finding *f);

/* The same, with the title formatted (title in f is ignored). */
int vs_check_addf (struct vs_check_ctx *ctx, const struct vs_finding *f,
                   const char *title_fmt, ...)
  __attribute__((format (printf, 3, 4)));

/* Records that a check ran (status "ran", "skipped" or "error") on the
 * context's OS, how many items it examined, and a note (may be NULL).
 * For a check the user skipped, the row says "skipped", "--skip-check". */
int vs_check_ran (struct vs_check_ctx *ctx, enum vs_check_name check,
                  const char *status, uint64_t items, const char *note);

/* Whether the user skipped check. */
int vs_check_skipped (const struct vs_check_ctx *ctx,
                      enum vs_check_name check);

/* Records a problem reading or parsing a guest file (an errors row with
 * stage "check") and goes on. */
int vs_check_error (struct vs_check_ctx *ctx, const char *path,
                    const char *fmt, ...)
  __attribute__((format (printf, 3, 4)));

/* vs_check_error as a vs_pkgdb_error_fn: opaque is the check context. */
int vs_check_pkgdb_error (void *opaque, const char *path, const char *msg);

/* The files row id for a guest path in this scan, or 0. */
int64_t vs_check_file_id (struct vs_check_ctx *ctx, const char *path,
                          size_t len);

/* What vs_checks_run needs from the scan. */
struct vs_checks_config {
  struct vs_store *store;
  const struct vs_os *oses;
  size_t nos;
  const struct vs_fs *fss;
  size_t nfs;
  const char *host_root;        /* the appliance's root on the host */
  struct vs_accounts *const *accounts;  /* one per OS, entries may be NULL */
  const struct vs_ioc *ioc;     /* NULL: no --ioc */
  volatile sig_atomic_t *stop;  /* set to stop early (may be NULL) */
  int checks;                   /* 0: only turn YARA matches into findings */
  const char *const *skip_checks;       /* check ids not to run */
  size_t nskip_checks;
};

/* Runs every check of the registry (list.h) on every OS, then the
 * image-wide ones; counts the findings by severity into counts.  Returns
 * 0, or -1 if the store failed or the run was stopped. */
int vs_checks_run (const struct vs_checks_config *cfg,
                   uint64_t counts[VS_SEV_COUNT]);

/* Runs the checks of one family of the registry, in its order, as
 * vs_checks_run does but outside a stage.  vs_check_files, _secrets and
 * _ioc also run once with ctx->os and ctx->guest NULL, for the files of
 * filesystems that no OS mounts (select them with "filesystems.os_id
 * IS ?" bound to NULL); the others run only per OS.  Each returns 0, or
 * -1 only when the store failed. */
int vs_check_family (struct vs_check_ctx *ctx,
                     enum vs_check_family_name family);
int vs_check_packages (struct vs_check_ctx *ctx);
int vs_check_persistence (struct vs_check_ctx *ctx);
int vs_check_firstboot (struct vs_check_ctx *ctx);
int vs_check_access (struct vs_check_ctx *ctx);
int vs_check_files (struct vs_check_ctx *ctx);
int vs_check_secrets (struct vs_check_ctx *ctx);
int vs_check_ioc (struct vs_check_ctx *ctx);
int vs_check_yara (struct vs_check_ctx *ctx);

#endif /* VS_CHECKS_H */
