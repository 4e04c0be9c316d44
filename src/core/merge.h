/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: evidence databases merged into one fleet database (vmscan
 * merge, --jobs-images).
 *
 * OUT gets the scan database's schema (schema.sql, the same user_version)
 * and a few views for fleet queries (fleet_images, fleet_files,
 * fleet_findings; vmscan(1), FLEETS).  Every scan of every input is
 * copied into it with all its rows, every table of the schema, its ids
 * moved past OUT's own, unless a scan with the same key is in OUT
 * already: merging twice adds nothing.  A scan's key is its scans.uuid;
 * a scan without one (the column may be NULL, a scan that found no
 * random bytes) is keyed by the SHA-256 of its started_at and its
 * images' sha256 in disk order.  The approvals table, which names scans
 * by uuid and no scan owns, gets each input row that OUT does not hold
 * already, equal in every column but its id.
 *
 * Inputs are opened read-only and never written.  Each must be a vmscan
 * evidence database of schema VS_STORE_SCHEMA_VERSION (older ones have no
 * scans.uuid to key their scans by); an input may itself be a merged
 * database.  Every input is checked before anything is written: a
 * missing one, one that is not SQLite, one of another schema or OUT
 * itself leaves OUT as it was.  A new OUT is built under a temporary
 * name beside it and takes its name only once every input is in: all
 * or nothing.  An existing OUT takes each input in a transaction of its
 * own; a failure while copying (a full disk) rolls that input back,
 * keeps the ones before it, and merging the same inputs again finishes
 * the job.
 */
#ifndef VS_MERGE_H
#define VS_MERGE_H

#include <stddef.h>
#include <stdint.h>

/* What each merged input's scans became: told once the input is
 * committed.  scan is the scan's key (its uuid as stored: untrusted
 * bytes, to be made printable), added 1 if its rows were copied, 0 if
 * OUT holds that scan already. */
typedef void vs_merge_scan_fn (void *opaque, const char *input,
                               const char *scan, int added);

struct vs_merge_totals {
  uint64_t scans_added;         /* scans copied */
  uint64_t scans_skipped;       /* scans OUT held already */
  uint64_t rows;                /* rows added, every table */
};

/* Flags of vs_merge. */
#define VS_MERGE_REPLACE 1      /* build OUT afresh even if it exists,
                                   and rename it over the old one once
                                   done */

/* Merges the evidence databases inputs[0..n) into out_path (created if
 * missing; it must otherwise be a vmscan database of the current
 * schema).  fn (may be NULL) is told of every scan.  Returns 0 and
 * fills *totals (may be NULL), or -1 and writes *errmsg (one line
 * naming the file, no prefix; the caller frees it). */
int vs_merge (const char *out_path, const char *const *inputs, size_t n,
              unsigned flags, vs_merge_scan_fn *fn, void *opaque,
              struct vs_merge_totals *totals, char **errmsg);

#endif /* VS_MERGE_H */
