/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: the IOC checks: files whose digest or path an --ioc list
 * names. */
#include <config.h>

#include <errno.h>
#include <string.h>

#include "checks/common.h"
#include "checks/checks.h"
#include "checks/filetab.h"
#include "core/guest.h"
#include "parse/ioc.h"
#include "base/util.h"

int
vs_ioc_files (struct vs_check_ctx *ctx)
{
  sqlite3_stmt *s;
  uint64_t rows = 0;
  int rc = SQLITE_DONE;

  if (!ctx->ioc || vs_ioc_count (ctx->ioc) == 0)
    return vs_check_ran (ctx, VS_CK_IOC, "skipped", 0, "no --ioc list given");
  /* Deleted files too: an indicator's file that was removed is evidence
   * all the same (the title says it was deleted). */
  s = vs_ft_prepare (ctx, "SELECT f.id, f.path, f.uid, f.md5, f.sha1, "
                     "f.sha256, f.deleted" VS_FT_FROM_ALL);
  if (!s)
    return ctx->failed ? -1 : 0;
  while (!vs_tick () && (rc = sqlite3_step (s)) == SQLITE_ROW) {
    static const char *const kinds[] = { "sha256", "sha1", "md5" };
    int64_t id = sqlite3_column_int64 (s, 0);
    const char *path = (const char *) sqlite3_column_blob (s, 1);
    size_t plen = (size_t) sqlite3_column_bytes (s, 1);
    const char *account = vs_ft_account (ctx, sqlite3_column_int64 (s, 2));
    const char *label, *pattern = NULL;
    size_t k;

    rows++;
    if (!path)
      continue;
    for (k = 0; k < 3; k++) {
      const char *hex = vs_ft_text (s, 5 - (int) k);
      CLEANUP_FREE char *ev = NULL;
      CLEANUP_FREE char *title = NULL;

      if (!hex || !(label = vs_ioc_match_hash (ctx->ioc, kinds[k], hex)))
        continue;
      ev = vs_xasprintf ("%s:%s%s%s", kinds[k], hex, *label ? " " : "",
                         label);
      title = vs_xasprintf ("%sfile matches an indicator%s%.120s",
                            vs_ft_text (s, 6) ? "deleted " : "",
                            *label ? ": " : "", label);
      if (vs_ft_add (ctx, VS_CK_IOC_HASH, VS_SEV_HIGH, "ioc", NULL, id,
                            path, plen, account, ev, title) == -1)
        goto out;
      break;                    /* one finding per file for its hashes */
    }
    if ((label = vs_ioc_match_path (ctx->ioc, path, plen, &pattern))) {
      CLEANUP_FREE char *ev = vs_xasprintf ("path:%s%s%s", pattern,
                                            *label ? " " : "", label);
      CLEANUP_FREE char *title = vs_xasprintf ("%spath matches an "
                                               "indicator%s%.120s",
                                               vs_ft_text (s, 6)
                                               ? "deleted file's " : "",
                                               *label ? ": " : "", label);

      if (vs_ft_add (ctx, VS_CK_IOC_PATH, VS_SEV_HIGH, "ioc", NULL, id,
                            path, plen, account, ev, title) == -1)
        goto out;
    }
  }
 out:
  sqlite3_finalize (s);
  if (ctx->failed)
    return -1;
  if (vs_check_ran (ctx, VS_CK_IOC_HASH, "ran", rows, NULL) == -1
      || vs_check_ran (ctx, VS_CK_IOC_PATH, "ran", rows, NULL) == -1)
    return -1;
  return 0;
}
