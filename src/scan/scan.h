/* vmscan: one scan, from disk images to a finished evidence database.
 *
 * vs_scan_run() does the whole job the CLI asks for and returns the exit
 * status: 0 scanned and no finding at or above the fail_on severity, 1
 * scanned and at least one such finding, 2 the scan could not be
 * completed (the database says how far it got).
 */
#ifndef VS_SCAN_H
#define VS_SCAN_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/types.h"

struct vs_scan_options {
  char *const *images;
  size_t nimages;
  const char *format;           /* NULL: read it from each image */
  const char *db_path;
  int force;                    /* replace an existing database */
  const char *const *rule_paths;        /* NULL: the bundled rules */
  size_t nrule_paths;
  int yara;
  uint64_t yara_max_size;
  uint64_t sparse_limit;        /* see struct vs_walk_config */
  unsigned jobs;
  int progress;                 /* show a progress line on stderr */
  int checks;                   /* run the checks (YARA findings always) */
  const char *const *ioc_paths;
  size_t nioc_paths;
  const char *const *skip_checks;       /* --skip-check ids */
  size_t nskip_checks;
  enum vs_severity fail_on;     /* exit 1 at this severity or above */
  const char *command_line;
  volatile sig_atomic_t *stop;
};

/* The directory of the bundled rules this vmscan uses. */
const char *vs_scan_default_rules (void);

int vs_scan_run (const struct vs_scan_options *o, FILE *summary);

#endif /* VS_SCAN_H */
