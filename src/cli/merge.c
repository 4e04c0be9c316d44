/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: the "vmscan merge" command: its options, usage and exit status
 * around vs_merge() (src/core/merge.c), which does the work.
 */
#include <config.h>

#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/merge.h"
#include "core/merge.h"
#include "base/util.h"

static const struct option long_options[] = {
  { "quiet", no_argument, NULL, 'q' },
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

static int
merge_usage (int status)
{
  if (status != 0) {
    fprintf (stderr, "Try 'vmscan merge --help' for more information.\n");
    return status;
  }
  printf ("Usage: vmscan merge [-q] OUT.db IN.db...\n"
          "\n"
          "Copies every scan of each evidence database IN.db (opened\n"
          "read-only; a scan's or a merged one) into the fleet database\n"
          "OUT.db, created if it does not exist.  A scan OUT.db holds\n"
          "already (the same scans.uuid) is skipped, so merging again adds\n"
          "nothing; two scans of one image are two scans.  OUT.db gets the\n"
          "views fleet_images, fleet_files and fleet_findings, each row\n"
          "with its image's sha256 and path.\n"
          "\n"
          "Options:\n"
          "  -q, --quiet    print nothing but errors\n"
          "  -h, --help     print this help and exit\n"
          "\n"
          "Exit status: 0 merged (or nothing new to merge), 2 error (an\n"
          "input missing, not a database of this vmscan's schema, or\n"
          "OUT.db itself: OUT.db is then left as it was).  See vmscan(1),\n"
          "FLEETS.\n");
  if (fflush (stdout) == EOF)
    return 2;
  return 0;
}

/* Prints one line per scan: merged, or already merged. */
static void
tell_scan (void *opaque, const char *input, const char *scan, int added)
{
  char *p = vs_printable (input, strlen (input));
  char *k = vs_printable (scan, strlen (scan));

  (void) opaque;
  printf ("%s: scan %s: %s\n", p, k, added ? "merged" : "already merged");
  free (p);
  free (k);
}

int
vs_merge_main (int argc, char **argv)
{
  struct vs_merge_totals t;
  char *errmsg = NULL, *out;
  int c, quiet = 0;

  signal (SIGPIPE, SIG_IGN);
  optind = 1;
  while ((c = getopt_long (argc, argv, "qh", long_options, NULL)) != -1) {
    switch (c) {
    case 'q':
      quiet = 1;
      break;
    case 'h':
      return merge_usage (0);
    default:
      return merge_usage (2);
    }
  }
  if (argc - optind < 2) {
    vs_error ("merge: expected OUT.db and at least one IN.db");
    return merge_usage (2);
  }
  if (vs_merge (argv[optind], (const char *const *) argv + optind + 1,
                (size_t) (argc - optind - 1), 0, quiet ? NULL : tell_scan,
                NULL, &t, &errmsg) == -1) {
    vs_error ("merge: %s", errmsg);
    free (errmsg);
    return 2;
  }
  if (!quiet) {
    out = vs_printable (argv[optind], strlen (argv[optind]));
    printf ("%s: %" PRIu64 " scan%s merged, %" PRIu64 " already there, %"
            PRIu64 " rows added\n", out, t.scans_added,
            t.scans_added == 1 ? "" : "s", t.scans_skipped, t.rows);
    free (out);
  }
  if (fflush (stdout) == EOF || ferror (stdout)) {
    vs_error ("merge: cannot write to standard output");
    return 2;
  }
  return 0;
}
