/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: a scan set against what people accepted before it.
 *
 * The approved baseline (--baseline): a copy of an earlier scan's
 * database that "vmscan baseline accept" wrote, with who approved it,
 * when and why in its approvals table.  Each finding of the new scan is
 * marked new or unchanged by its fingerprint (base/hash.h), and the
 * baseline's findings the new scan lacks are kept in baseline_absent.
 *
 * Suppressions (--suppress, parse/suppress.h): each entry is recorded in
 * the suppressions table with what became of it (applied, stale,
 * expired), and each finding it accepts points at it.
 *
 * Functions return 0, or -1 with *errmsg set (one line, naming the
 * file).  Databases named here are opened read-only; only the scan's own
 * database and the new approved copy are written.
 */
#ifndef VS_CORE_REVIEW_H
#define VS_CORE_REVIEW_H

#include <stdint.h>

#include <sqlite3.h>

#include "parse/suppress.h"

struct vs_baseline {
  char *path;                   /* as given */
  char *sha256;                 /* of the file */
  char *scan_uuid, *started_at;
  char *approved_by, *approved_at, *reason, *ticket;
  char *hostname;               /* of its first OS, or NULL */
  sqlite3 *db;                  /* open read-only until freed */
};

/* Opens path read-only and checks it is an approved baseline: a vmscan
 * database of this schema holding one complete scan and at least one
 * approvals row for that scan. */
int vs_baseline_open (const char *path, struct vs_baseline *b,
                      char **errmsg);
void vs_baseline_close (struct vs_baseline *b);

struct vs_review_counts {
  uint64_t new_, unchanged, absent;     /* against the baseline */
  uint64_t suppressed;                  /* findings an entry accepted */
  uint64_t applied, stale, expired;     /* entries */
  /* Findings by severity that neither a suppression accepted nor the
   * baseline already had (all unsuppressed ones without a baseline):
   * what the exit status and --fail-on look at. */
  uint64_t live[5];
};

/* Marks the findings of scan_id in db against b, fills baseline_absent
 * and the baselines row, and adds to c.  db is the scan's database,
 * written by no one else meanwhile. */
int vs_review_baseline (sqlite3 *db, int64_t scan_id,
                        const struct vs_baseline *b,
                        struct vs_review_counts *c, char **errmsg);

/* One --suppress file, parsed. */
struct vs_suppress_file {
  const char *path;
  struct vs_suppress_list list;
};

/* Reads and parses path (at most 1 MiB); the error names path and line. */
int vs_suppress_file_load (const char *path, struct vs_suppress_file *f,
                           char **errmsg);

/* Records the entries of files in db's suppressions table, points each
 * finding of scan_id the first entry (in file and line order) accepts at
 * it (unless one already accepted it), and adds to c.  Unqualified
 * table names, so that a report can run this on TEMP copies of a
 * read-only database.  An entry whose expiry date is before today
 * ("YYYY-MM-DD", UTC) accepts nothing and is recorded as expired. */
int vs_review_suppress (sqlite3 *db, int64_t scan_id,
                        const struct vs_suppress_file *files, size_t nfiles,
                        const char *today, struct vs_review_counts *c,
                        char **errmsg);

/* Fills c->live from db's findings of scan_id (after the two above). */
int vs_review_live (sqlite3 *db, int64_t scan_id,
                    struct vs_review_counts *c, char **errmsg);

/* vmscan baseline accept: writes a copy of the scan database src (one
 * complete scan of this schema) to dst with one more approvals row (by,
 * reason and ticket, the time now, src's path and SHA-256), after the
 * approvals rows of the baseline dst held before, if any.  dst is
 * replaced atomically (a new file renamed over it) and only when it is
 * missing or is itself an approved baseline.  src is never written. */
struct vs_approval {
  const char *by, *reason, *ticket;
};
int vs_baseline_accept (const char *src, const char *dst,
                        const struct vs_approval *a, char **errmsg);

#endif /* VS_CORE_REVIEW_H */
