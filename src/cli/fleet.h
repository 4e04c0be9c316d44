/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: --jobs-images N, several machines in one call (fleet.c).
 *
 * Each image is a machine of its own, scanned by a child vmscan (this
 * program again, /proc/self/exe) with the scan's options and its own
 * database FLEET.d/NNN-NAME.db beside FLEET.db; at most N run at once,
 * fewer when the memory available does not hold N scans
 * (vs_scan_memory_estimate); then the databases of the scans that
 * finished are merged into FLEET.db (core/merge.h).
 */
#ifndef VS_CLI_FLEET_H
#define VS_CLI_FLEET_H

#include <getopt.h>
#include <stddef.h>
#include <stdint.h>

#include "scan/scan.h"

/* The most scans --jobs-images runs at once. */
#define VS_FLEET_MAX_JOBS 256

struct vs_fleet {
  const char *db;               /* -o FLEET.db */
  char *const *images;
  size_t nimages;
  unsigned jobs;                /* --jobs-images N */
  const struct vs_scan_options *o;      /* the scan's options, parsed */
  char *const *reports;         /* --report specs */
  size_t nreports;
  /* The command line as given, for the children's, and the options it
   * was parsed with. */
  int argc;
  char *const *argv;
  const struct option *long_options;
  const char *optstring;
};

/* Scans the fleet and merges it; returns the exit status: 2 if any
 * image's scan failed (each named on stderr) or the merge did, else 1
 * if any image had a finding at --fail-on or above, else 0. */
int vs_fleet_main (const struct vs_fleet *f);

/* What vs_fleet_main is made of, for the tests. */

/* The folder of the per-image databases: FLEET.db's name with ".db"
 * replaced by ".d" (or ".d" added).  The caller frees it. */
char *vs_fleet_dir (const char *db);

/* The database of image i (from 0) of n in dir: "dir/NNN-NAME.db", NNN
 * i + 1 with at least three digits, NAME the image's file name with
 * every byte but letters, digits, '.', '_' and '-' made '_', at most 64
 * of them.  The caller frees it. */
char *vs_fleet_image_db (const char *dir, size_t i, size_t n,
                         const char *image);

/* The argument vector of the child that scans image into db: argv[0],
 * then every option of argv (parsed again with long_options and
 * optstring) in its long form, "--name" or "--name=VALUE", but those
 * the child is given its own of (--output, --jobs-images, --progress,
 * --no-progress), then --no-progress, --output=db, "--" and the image.
 * NULL-terminated; free with vs_fleet_argv_free.  NULL if argv does not
 * parse. */
char **vs_fleet_child_argv (int argc, char *const *argv,
                            const struct option *long_options,
                            const char *optstring, const char *db,
                            const char *image);
void vs_fleet_argv_free (char **v);

/* How many scans to run at once: want, but no more than the memory
 * available holds at per_scan bytes each (at least one); avail or
 * per_scan 0 (unknown) bound nothing. */
unsigned vs_fleet_fit (unsigned want, uint64_t avail, uint64_t per_scan);

/* MemAvailable of /proc/meminfo, in bytes; 0 if unknown. */
uint64_t vs_fleet_mem_available (void);

#endif /* VS_CLI_FLEET_H */
