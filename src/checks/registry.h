/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: the registry of checks (the list is in list.h).
 *
 * Every check id vmscan writes, into findings and check_runs, is named
 * here once: code names a check by its VS_CK_* constant and gets its id
 * from vs_check_id, and the runner (checks.c) runs the families and
 * their checks in the order the list gives, so that the list is the
 * whole of what runs.  vmscan --list-checks prints it.
 */
#ifndef VS_CHECK_REGISTRY_H
#define VS_CHECK_REGISTRY_H

#include <stddef.h>

struct vs_check_ctx;

/* Where a check runs (see list.h). */
enum vs_check_scope {
  VS_SCOPE_OS,                  /* each Linux operating system */
  VS_SCOPE_OS_FS,               /* and the filesystems no OS mounts */
  VS_SCOPE_IMAGE,               /* once for the image, always */
};

/* The checks, VS_CK_OS .. VS_CK_YARA, in the order of the list. */
enum vs_check_name {
#define VS_CHECK(NAME, id, FAMILY, SCOPE, run, category, description) \
  VS_CK_##NAME,
#include "checks/list.h"
  VS_CK_COUNT
};

/* The families, VS_FAM_GROUPS .. VS_FAM_YARA. */
enum vs_check_family_name {
#define VS_CHECK_FAMILY(NAME, stage, begin, end) VS_FAM_##NAME,
#include "checks/list.h"
  VS_FAM_COUNT
};

/* A function that runs checks: returns 0, or -1 only when the store
 * failed (ctx->failed). */
typedef int vs_check_fn (struct vs_check_ctx *ctx);

/* What makes and frees the state a family's checks share (ctx->family).
 * begin returns 0, 1 when the family has nothing to examine (its checks
 * then do not run and write nothing), or -1 when the store failed. */
typedef int vs_check_begin_fn (struct vs_check_ctx *ctx);
typedef void vs_check_end_fn (struct vs_check_ctx *ctx);

struct vs_check_def {
  const char *id;               /* the check_id, e.g. persistence.cron */
  enum vs_check_family_name family;
  enum vs_check_scope scope;
  vs_check_fn *run;             /* NULL: a row for a group, not a check */
  const char *category;
  const char *description;      /* one line */
};

struct vs_check_family_def {
  const char *stage;            /* NULL: no check of its own */
  vs_check_begin_fn *begin;
  vs_check_end_fn *end;
};

extern const struct vs_check_def vs_check_defs[VS_CK_COUNT];
extern const struct vs_check_family_def vs_check_families[VS_FAM_COUNT];

/* The check id of a check: vs_check_defs[c].id. */
const char *vs_check_id (enum vs_check_name c);

/* The check whose id is id, or -1. */
int vs_check_find (const char *id);

/* "os", "os+unmounted" or "image". */
const char *vs_check_scope_name (enum vs_check_scope s);

/* The functions list.h names, each in its family's file. */
vs_check_fn vs_pkgdb_read, vs_yara_matches;                   /* checks.c */
vs_check_fn vs_packages_files;                              /* packages.c */
vs_check_begin_fn vs_persist_begin;                          /* persist.c */
vs_check_end_fn vs_persist_end;
vs_check_fn vs_persist_cron, vs_persist_at, vs_persist_systemd,
  vs_persist_rc, vs_persist_initd, vs_persist_shell, vs_persist_preload,
  vs_persist_ldconf, vs_persist_pam, vs_persist_udev, vs_persist_motd,
  vs_persist_xdg;
vs_check_begin_fn vs_kernel_begin;                            /* kernel.c */
vs_check_end_fn vs_kernel_end;
vs_check_fn vs_kernel_modules, vs_kernel_modules_load, vs_kernel_modprobe,
  vs_kernel_initramfs, vs_kernel_cmdline;
vs_check_fn vs_firstboot_cloud_init,                      /* firstboot.c */
  vs_firstboot_agents;
vs_check_begin_fn vs_access_begin;                            /* access.c */
vs_check_end_fn vs_access_end;
vs_check_fn vs_access_accounts, vs_access_sshd_keys, vs_access_sudoers;
vs_check_fn vs_files_names, vs_files_permissions,            /* files.c */
  vs_files_miner_configs;
vs_check_fn vs_secrets_files;                                /* secrets.c */
vs_check_fn vs_ioc_files;                                    /* ioc.c */
vs_check_begin_fn vs_supply_begin;                            /* supply.c */
vs_check_end_fn vs_supply_end;
vs_check_fn vs_supply_files;
vs_check_fn vs_net_files;                                /* netconf.c */

#endif /* VS_CHECK_REGISTRY_H */
