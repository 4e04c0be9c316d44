/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: the "vmscan baseline" command.
 *
 * "accept" copies a reviewed scan's database to the approved baseline
 * with who approved it, when and why (core/review.h does the work);
 * "show" prints a baseline's approvals, oldest first.  Nothing moves a
 * baseline but "accept", and "accept" wants a reason.
 */
#include <config.h>

#include <getopt.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "cli/baseline.h"
#include "core/review.h"
#include "base/util.h"

enum {
  OPT_REASON = CHAR_MAX + 1,
  OPT_BY,
  OPT_TICKET,
};

static const struct option long_options[] = {
  { "output", required_argument, NULL, 'o' },
  { "reason", required_argument, NULL, OPT_REASON },
  { "by", required_argument, NULL, OPT_BY },
  { "ticket", required_argument, NULL, OPT_TICKET },
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

static int
baseline_usage (int status)
{
  if (status != 0) {
    fprintf (stderr, "Try 'vmscan baseline --help' for more information.\n");
    return status;
  }
  printf ("Usage: vmscan baseline accept SCAN.db -o APPROVED.db "
          "--reason TEXT [--by NAME]\n"
          "                              [--ticket REF]\n"
          "       vmscan baseline show APPROVED.db\n"
          "\n"
          "accept: approves a reviewed scan.  Writes a copy of SCAN.db (one\n"
          "complete scan, read-only) to APPROVED.db with who approved it,\n"
          "when and why in its approvals table, after the approvals of the\n"
          "baseline APPROVED.db held before (its history).  APPROVED.db is\n"
          "replaced at once, and only if it is missing or an approved\n"
          "baseline itself.  'vmscan --baseline APPROVED.db IMAGE' then\n"
          "tells which findings are new.\n"
          "show: prints the approvals of APPROVED.db, oldest first.\n"
          "\n"
          "Options:\n"
          "  -o, --output DB     the approved baseline to write (accept)\n"
          "      --reason TEXT   why this scan is approved (required)\n"
          "      --by NAME       who approves it (default: $SUDO_USER, or\n"
          "                      the user running vmscan)\n"
          "      --ticket REF    where it was reviewed (a ticket, a change)\n"
          "  -h, --help          print this help and exit\n"
          "\n"
          "Exit status: 0 done, 2 error.  See vmscan(1), BASELINES.\n");
  if (fflush (stdout) == EOF)
    return 2;
  return 0;
}

/* Who runs this: the user sudo was run by, or the real user. */
static char *
default_by (void)
{
  const char *sudo = getenv ("SUDO_USER");
  struct passwd *pw;

  if (sudo && *sudo)
    return vs_xstrdup (sudo);
  pw = getpwuid (getuid ());
  if (pw && pw->pw_name && *pw->pw_name)
    return vs_xstrdup (pw->pw_name);
  return vs_xasprintf ("uid %u", (unsigned) getuid ());
}

static int
show (const char *path)
{
  struct vs_baseline b;
  sqlite3_stmt *s = NULL;
  char *err = NULL;
  int rc;

  if (vs_baseline_open (path, &b, &err) == -1) {
    vs_error ("%s", err);
    free (err);
    return 2;
  }
  if (sqlite3_prepare_v2 (b.db, "SELECT approved_at, approved_by, reason, "
                          "ticket, scan_uuid, source_path, source_sha256 "
                          "FROM approvals ORDER BY id", -1, &s, NULL)
      != SQLITE_OK) {
    vs_error ("%s: %s", path, sqlite3_errmsg (b.db));
    vs_baseline_close (&b);
    return 2;
  }
  while ((rc = sqlite3_step (s)) == SQLITE_ROW) {
    int i;

    for (i = 0; i < 7; i++) {
      const char *t = (const char *) sqlite3_column_text (s, i);
      CLEANUP_FREE char *p = t ? vs_printable (t, (size_t)
                                               sqlite3_column_bytes (s, i))
        : vs_xstrdup ("-");

      printf ("%s%s", i ? "\t" : "", p);
    }
    printf ("\n");
  }
  sqlite3_finalize (s);
  vs_baseline_close (&b);
  if (rc != SQLITE_DONE) {
    vs_error ("%s: reading its approvals failed", path);
    return 2;
  }
  return fflush (stdout) == EOF || ferror (stdout) ? 2 : 0;
}

int
vs_baseline_main (int argc, char **argv)
{
  struct vs_approval a = { NULL, NULL, NULL };
  const char *out = NULL, *verb;
  char *by = NULL, *err = NULL;
  int c, rc;

  signal (SIGPIPE, SIG_IGN);
  if (argc < 2 || strcmp (argv[1], "-h") == 0
      || strcmp (argv[1], "--help") == 0)
    return baseline_usage (argc < 2 ? 2 : 0);
  verb = argv[1];
  if (strcmp (verb, "accept") != 0 && strcmp (verb, "show") != 0) {
    vs_error ("baseline: expected accept or show, not '%s'", verb);
    return baseline_usage (2);
  }
  optind = 1;
  while ((c = getopt_long (argc - 1, argv + 1, "o:h", long_options,
                           NULL)) != -1) {
    switch (c) {
    case 'o':
      out = optarg;
      break;
    case OPT_REASON:
      a.reason = optarg;
      break;
    case OPT_BY:
      a.by = optarg;
      break;
    case OPT_TICKET:
      a.ticket = optarg;
      break;
    case 'h':
      return baseline_usage (0);
    default:
      return baseline_usage (2);
    }
  }
  if (argc - 1 - optind != 1) {
    vs_error ("baseline %s: expected one database", verb);
    return baseline_usage (2);
  }
  if (strcmp (verb, "show") == 0)
    return show (argv[1 + optind]);
  if (!out) {
    vs_error ("baseline accept: say where the approved baseline goes "
              "(-o APPROVED.db)");
    return baseline_usage (2);
  }
  if (!a.reason || !*a.reason) {
    vs_error ("baseline accept: say why this scan is approved (--reason)");
    return baseline_usage (2);
  }
  if (!a.by)
    a.by = by = default_by ();
  rc = vs_baseline_accept (argv[1 + optind], out, &a, &err);
  if (rc == -1) {
    vs_error ("baseline accept: %s", err);
    free (err);
    free (by);
    return 2;
  }
  vs_info ("%s approved by %s as %s", argv[1 + optind], a.by, out);
  free (by);
  return 0;
}
