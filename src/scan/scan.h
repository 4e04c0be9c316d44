/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: one scan, from disk images to a finished evidence database.
 *
 * vs_scan_run() does the whole job the CLI asks for, phase by phase, and
 * says how it ended: complete, interrupted by the stop flag, or failed
 * (the error was said on stderr, and the database says how far it got).
 * What the summary shows is left in a struct vs_scan_result; what to
 * print, and the exit status, are the caller's.  Progress is reported
 * through a callback, about twice a second.
 */
#ifndef VS_SCAN_H
#define VS_SCAN_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/review.h"
#include "core/types.h"

/* What the progress callback is shown. */
struct vs_scan_progress {
  int walking;                  /* the walk counts below are live */
  const char *phase;            /* else what the scan does (may be NULL) */
  double elapsed;               /* seconds since the scan began */
  size_t fs_index;              /* the filesystem walked, from 0 */
  size_t fs_count;              /* of this many to walk */
  uint64_t entries, files, bytes;
};

/* Called from a thread of the scan's with a snapshot, and once with NULL
 * when the progress display is over (what it drew is to go). */
typedef void vs_scan_progress_fn (void *opaque,
                                  const struct vs_scan_progress *p);

/* Where the filesystems' bytes are read (--data-path). */
enum vs_data_path {
  VS_DATA_PATH_AUTO,            /* on the host what it reads, the rest
                                   through the appliance, launched only
                                   when something needs it */
  VS_DATA_PATH_HOST,            /* on the host only; no appliance */
  VS_DATA_PATH_APPLIANCE,       /* everything through the appliance */
};

struct vs_scan_options {
  char *const *images;
  size_t nimages;
  const char *format;           /* NULL: read it from each image */
  const char *db_path;
  int force;                    /* replace an existing database */
  const char *const *rule_paths;        /* NULL: the bundled rules */
  size_t nrule_paths;
  int skip_bad_rules;           /* leave out rule files that do not
                                   compile (recorded as errors) */
  int yara;
  uint64_t yara_max_size;
  uint64_t sparse_limit;        /* see struct vs_walk_config */
  unsigned jobs;
  enum vs_data_path data_path;
  int deleted;                  /* --deleted (struct vs_walk_config) */
  vs_scan_progress_fn *progress;        /* NULL: no progress reports */
  void *progress_opaque;
  int checks;                   /* run the checks (YARA findings always) */
  const char *const *ioc_paths;
  size_t nioc_paths;
  const char *const *skip_checks;       /* --skip-check ids */
  size_t nskip_checks;
  enum vs_severity fail_on;     /* recorded as the scan's threshold */
  const struct vs_baseline *baseline;   /* --baseline, opened; or NULL */
  const struct vs_suppress_file *suppress;      /* --suppress, parsed */
  size_t nsuppress;
  const char *command_line;
  volatile sig_atomic_t *stop;
};

enum vs_scan_status {
  VS_SCAN_COMPLETE,             /* every phase ran; the findings are made */
  VS_SCAN_INTERRUPTED,          /* the stop flag ended it; recorded so */
  VS_SCAN_FAILED,               /* it could not be completed */
};

#define VS_SCAN_STORIES 5

/* One image, as the summary names it. */
struct vs_scan_image {
  char *path;
  const char *format_name;      /* static */
  uint64_t virtual_size;
};

/* What a complete or interrupted scan found; after a failed one only
 * status is meaningful. */
struct vs_scan_result {
  enum vs_scan_status status;
  struct vs_scan_image *images;
  size_t nimages;
  struct vs_os *oses;
  size_t nos;
  int appliance;                /* the appliance was set up */
  int tcg;                      /* it ran under software emulation */
  size_t fs_scanned, fs_skipped, fs_failed;
  size_t fs_host, fs_appliance; /* read on the host, by the appliance */
  uint64_t entries, files, bytes;
  int deleted_asked;            /* --deleted */
  uint64_t deleted, deleted_read;       /* deleted rows; read whole */
  int yara;                     /* YARA rules were compiled */
  unsigned yara_rules;
  uint64_t matches, matched_files, yara_skipped;
  int checked;                  /* the checks ran to the end */
  uint64_t findings[VS_SEV_COUNT];      /* by severity, if checked */
  int reviewed;                 /* the baseline and suppressions applied */
  struct vs_review_counts review;       /* their counts; review.live is
                                         * what --fail-on looks at */
  /* The stories (core/story.h), worst first: how many, and the first
   * VS_SCAN_STORIES of them. */
  uint64_t nstories;
  size_t nshown;
  struct vs_scan_story {
    int rank;
    char *title;
    uint64_t findings;
  } stories[VS_SCAN_STORIES];
  uint64_t errors;              /* rows in the errors table */
  double elapsed;               /* seconds, until the database was done */
};

/* The directory of the bundled rules this vmscan uses. */
const char *vs_scan_default_rules (void);

/* Runs the scan; fills *r (free with vs_scan_result_free) and returns
 * r->status. */
enum vs_scan_status vs_scan_run (const struct vs_scan_options *o,
                                 struct vs_scan_result *r);

void vs_scan_result_free (struct vs_scan_result *r);

/* How much memory a scan with options o may take, in bytes, for
 * deciding how many to run at once (--jobs-images): the appliance's
 * (vs_appliance_memsize; not with VS_DATA_PATH_HOST, counted with
 * VS_DATA_PATH_AUTO, which may need it), the bound of a sandboxed host
 * reader (VS_CHILD_DEFAULT_MEM), and what each of o->jobs worker
 * threads holds at most (VS_WALK_MEM_WHOLE, or yara_max_size when YARA
 * keeps more).  An estimate of what is reserved, not of what is used:
 * a small image takes far less. */
uint64_t vs_scan_memory_estimate (const struct vs_scan_options *o);

#endif /* VS_SCAN_H */
