/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: the "vmscan report" command: its options, usage and exit
 * status around vs_report_write() (src/report), which does the work.
 */
#include <config.h>

#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/report.h"
#include "core/review.h"
#include "report/report.h"
#include "base/util.h"

enum {
  OPT_FORMAT = CHAR_MAX + 1,
  OPT_MAX_FILES,
  OPT_SUPPRESS,
};

static const struct option long_options[] = {
  { "format", required_argument, NULL, OPT_FORMAT },
  { "output", required_argument, NULL, 'o' },
  { "max-files", required_argument, NULL, OPT_MAX_FILES },
  { "suppress", required_argument, NULL, OPT_SUPPRESS },
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

static int
report_usage (int status)
{
  if (status != 0) {
    fprintf (stderr, "Try 'vmscan report --help' for more information.\n");
    return status;
  }
  printf ("Usage: vmscan report DB [--format FMT] [-o FILE] "
          "[--suppress FILE]...\n"
          "\n"
          "Writes a report of the evidence database DB, from the database\n"
          "alone (read-only).  Findings come first in every format.\n"
          "\n"
          "Options:\n"
          "      --format FMT  html (default), json, jsonl, csv (the\n"
          "                    findings), csv-files (the files table),\n"
          "                    sarif, bodyfile (for mactime), md,\n"
          "                    summary (counts, exit status and the\n"
          "                    database's sha256, as JSON, for CI),\n"
          "                    cyclonedx, spdx (software bills of\n"
          "                    materials: the installed packages)\n"
          "  -o, --output FILE write to FILE (default: stdout); FILE is\n"
          "                    replaced only once the whole report is\n"
          "                    written\n"
          "      --max-files N html: embed at most N rows in the file\n"
          "                    table (default: %d)\n"
          "      --suppress FILE  accepted findings (format in vmscan(1)),\n"
          "                    applied on top of those the scan applied,\n"
          "                    with today's date for expiry; the database\n"
          "                    is not changed; repeatable\n"
          "  -h, --help        print this help and exit\n"
          "\n"
          "Exit status: 0 written, 2 error.  See vmscan(1), REPORTS.\n",
          VS_REPORT_HTML_MAX_FILES_DEFAULT);
  if (fflush (stdout) == EOF)
    return 2;
  return 0;
}

int
vs_report_main (int argc, char **argv)
{
  const char *format = "html", *out = NULL;
  char *errmsg = NULL;
  struct vs_report_options opts = {
    .html_max_files = VS_REPORT_HTML_MAX_FILES_DEFAULT,
  };
  struct vs_suppress_file *sup = NULL;
  size_t nsup = 0, i;
  uint64_t n;
  int c, rc;

  /* A closed pipe is a write error (EPIPE) that we report, not a
   * signal that kills us with a short report. */
  signal (SIGPIPE, SIG_IGN);
  optind = 1;
  while ((c = getopt_long (argc, argv, "o:h", long_options, NULL)) != -1) {
    switch (c) {
    case OPT_FORMAT:
      if (!vs_report_format_valid (optarg)) {
        vs_error ("--format: unknown report format '%s' (%s)", optarg,
                  VS_REPORT_FORMATS);
        return report_usage (2);
      }
      format = optarg;
      break;
    case 'o':
      out = optarg;
      break;
    case OPT_MAX_FILES:
      if (vs_parse_size (optarg, &n) == -1 || n > SIZE_MAX / 2) {
        vs_error ("--max-files: not a number: '%s'", optarg);
        return report_usage (2);
      }
      opts.html_max_files = (size_t) n;
      break;
    case OPT_SUPPRESS:
      sup = vs_xrealloc (sup, (nsup + 1) * sizeof *sup);
      if (vs_suppress_file_load (optarg, &sup[nsup], &errmsg) == -1) {
        vs_error ("--suppress: %s", errmsg);
        free (errmsg);
        rc = 2;
        goto out;
      }
      nsup++;
      break;
    case 'h':
      rc = report_usage (0);
      goto out;
    default:
      rc = report_usage (2);
      goto out;
    }
  }
  if (argc - optind != 1) {
    vs_error (argc - optind < 1 ? "report: no database given"
              : "report: one database at a time");
    rc = report_usage (2);
    goto out;
  }
  opts.suppress = sup;
  opts.nsuppress = nsup;
  rc = vs_report_write (argv[optind], format, out, &opts, &errmsg);
  if (rc == -1) {
    vs_error ("%s", errmsg);
    free (errmsg);
  }
  rc = rc == -1 ? 2 : 0;

 out:
  for (i = 0; i < nsup; i++)
    vs_suppress_list_free (&sup[i].list);
  free (sup);
  return rc;
}
