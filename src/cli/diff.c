/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: the "vmscan diff" command: its options, usage and exit status
 * around vs_diff_write() (src/report/diff.c), which does the work.
 */
#include <config.h>

#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/diff.h"
#include "report/report.h"
#include "core/types.h"
#include "base/util.h"

enum {
  OPT_FORMAT = CHAR_MAX + 1,
  OPT_FAIL_ON,
};

static const struct option long_options[] = {
  { "format", required_argument, NULL, OPT_FORMAT },
  { "output", required_argument, NULL, 'o' },
  { "fail-on", required_argument, NULL, OPT_FAIL_ON },
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

static int
diff_usage (int status)
{
  if (status != 0) {
    fprintf (stderr, "Try 'vmscan diff --help' for more information.\n");
    return status;
  }
  printf ("Usage: vmscan diff OLD.db NEW.db [--format FMT] [-o FILE] "
          "[--fail-on SEV]\n"
          "\n"
          "Compares two evidence databases (read-only): files added,\n"
          "removed and changed (type, mode, owner, size, sha256, link\n"
          "target, capabilities), packages added, removed, upgraded and\n"
          "downgraded, accounts and SSH keys added, removed and changed,\n"
          "and findings new and gone, matched by fingerprint (check id,\n"
          "path, account, evidence).\n"
          "\n"
          "Options:\n"
          "      --format FMT    text (default), json, md, html, sarif\n"
          "                      (the findings, with baselineState)\n"
          "  -o, --output FILE   write to FILE (default: stdout); FILE is\n"
          "                      replaced only once all of it is written\n"
          "      --fail-on SEV   exit 1 when a new finding is SEV or above:\n"
          "                      info, low, medium (default), high, critical\n"
          "  -h, --help          print this help and exit\n"
          "\n"
          "Exit status: 0 no new finding at --fail-on or above, 1 such\n"
          "findings, 2 error.  See vmscan(1), DIFF.\n");
  if (fflush (stdout) == EOF)
    return 2;
  return 0;
}

int
vs_diff_main (int argc, char **argv)
{
  const char *format = "text", *out = NULL;
  enum vs_severity fail_on = VS_SEV_MEDIUM;
  char *errmsg = NULL;
  int c, rc;

  signal (SIGPIPE, SIG_IGN);
  optind = 1;
  while ((c = getopt_long (argc, argv, "o:h", long_options, NULL)) != -1) {
    switch (c) {
    case OPT_FORMAT:
      if (!vs_diff_format_valid (optarg)) {
        vs_error ("--format: unknown diff format '%s' (%s)", optarg,
                  VS_DIFF_FORMATS);
        return diff_usage (2);
      }
      format = optarg;
      break;
    case 'o':
      out = optarg;
      break;
    case OPT_FAIL_ON:
      if (vs_severity_parse (optarg, &fail_on) == -1) {
        vs_error ("--fail-on: expected info, low, medium, high or critical, "
                  "not '%s'", optarg);
        return diff_usage (2);
      }
      break;
    case 'h':
      return diff_usage (0);
    default:
      return diff_usage (2);
    }
  }
  if (argc - optind != 2) {
    vs_error ("diff: expected two databases, OLD.db and NEW.db");
    return diff_usage (2);
  }
  rc = vs_diff_write (argv[optind], argv[optind + 1], format, out,
                      (int) fail_on, &errmsg);
  if (rc == -1) {
    vs_error ("%s", errmsg);
    free (errmsg);
    return 2;
  }
  return rc;
}
