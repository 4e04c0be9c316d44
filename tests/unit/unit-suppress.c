/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: unit tests for suppression files (parse/suppress.c): what a
 * line means, which lines are refused and why, and what an entry
 * matches, each against the file format vmscan(1) documents. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse/suppress.h"
#include "tap.h"

/* Parses text; returns the line of the error (0 when none) and keeps
 * the message in *why. */
static unsigned
parse (const char *text, struct vs_suppress_list *l, char **why)
{
  unsigned line = 0;

  memset (l, 0, sizeof *l);
  *why = NULL;
  if (vs_suppress_parse (text, strlen (text), l, &line, why) == 0)
    return 0;
  return line;
}

static void
refused (const char *text, unsigned want_line, const char *want_why)
{
  struct vs_suppress_list l;
  char *why;
  unsigned line = parse (text, &l, &why);

  tap_ok (line == want_line && why && strstr (why, want_why),
          "refused at line %u (%s): %s", want_line, want_why,
          why ? why : "(accepted)");
  free (why);
  vs_suppress_list_free (&l);
}

int
main (void)
{
  struct vs_suppress_list l;
  char *why;
  char big[VS_SUPPRESS_MAX_LINE + 64];
  const struct vs_suppress_entry *e;

  tap_plan (27);

  /* Comments, blank lines, quoting, every key. */
  tap_ok (parse ("# accepted findings\n\n   \t\n"
                 "check=persistence.cron path=/etc/cron.d/backup* "
                 "reason=\"nightly \\\"backup\\\" job, \\\\ reviewed\" "
                 "expires=2027-02-28 ticket=OPS-12\r\n"
                 "  check=access.* account=deploy reason=ok\n"
                 "check=yara fingerprint="
                 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
                 " reason=x", &l, &why) == 0 && l.n == 3,
          "three entries among comments and blank lines");
  e = &l.v[0];
  tap_ok (e->line == 4 && strcmp (e->check, "persistence.cron") == 0
          && strcmp (e->path, "/etc/cron.d/backup*") == 0
          && strcmp (e->reason, "nightly \"backup\" job, \\ reviewed") == 0
          && strcmp (e->expires, "2027-02-28") == 0
          && strcmp (e->ticket, "OPS-12") == 0 && !e->account,
          "every key of line 4, quotes and backslashes unescaped");
  tap_ok (l.v[1].line == 5 && strcmp (l.v[1].account, "deploy") == 0
          && strcmp (l.v[1].reason, "ok") == 0, "account entry, line 5");

  /* Matching. */
  tap_ok (vs_suppress_matches (e, "persistence.cron", "/etc/cron.d/backup-db",
                               NULL, NULL), "a path glob matches");
  tap_ok (!vs_suppress_matches (e, "persistence.cron",
                                "/etc/cron.d/backup/x", NULL, NULL),
          "'*' does not match '/'");
  tap_ok (!vs_suppress_matches (e, "persistence.systemd",
                                "/etc/cron.d/backup", NULL, NULL),
          "another check does not match");
  tap_ok (!vs_suppress_matches (e, "persistence.cron", NULL, "root", NULL),
          "a finding without a path does not match a path entry");
  tap_ok (vs_suppress_matches (&l.v[1], "access.authorized-keys",
                               "/home/deploy/.ssh/authorized_keys", "deploy",
                               NULL), "a check glob and an account match");
  tap_ok (!vs_suppress_matches (&l.v[1], "access.authorized-keys", NULL,
                                "deployer", NULL), "another account does not");
  tap_ok (vs_suppress_matches (&l.v[2], "yara", "/x", NULL,
                               "0123456789abcdef0123456789abcdef"
                               "0123456789abcdef0123456789abcdef")
          && !vs_suppress_matches (&l.v[2], "yara", "/x", NULL,
                                   "f123456789abcdef0123456789abcdef"
                                   "0123456789abcdef0123456789abcdef"),
          "a fingerprint matches only itself");

  /* Expiry: the date given is the last day it applies. */
  tap_ok (!vs_suppress_expired (e, "2027-02-28")
          && vs_suppress_expired (e, "2027-03-01")
          && !vs_suppress_expired (&l.v[1], "2999-01-01"),
          "expired the day after its date; no date, never");
  vs_suppress_list_free (&l);

  /* Refusals, each naming its line. */
  refused ("check=a path=/x\n", 1, "no reason=");
  refused ("# c\ncheck=a path=/x reason=\"\"\n", 2, "no reason=");
  refused ("path=/x reason=y\n", 1, "no check=");
  refused ("check=a reason=y\n", 1, "none of path=, account= and");
  refused ("check=a path=/x reason=y colour=red\n", 1, "unknown key 'colour'");
  refused ("check=a path=/x path=/y reason=y\n", 1, "path given twice");
  refused ("\n\ncheck=a path=/x reason=\"y\n", 3, "quote is not closed");
  refused ("check=a path=/x reason=\"y\"z\n", 1, "no blank after");
  refused ("check=a path=/x reason=y expires=2027-02-29\n", 1,
           "not a date");
  refused ("check=a path=/x reason=y expires=27-1-1\n", 1, "not a date");
  refused ("check=a fingerprint=ABC reason=y\n", 1, "64 lowercase hex");
  refused ("check=a path=/x reason=\"a\\nb\"\n", 1, "backslash");
  refused ("check=a path=/x\"y reason=z\n", 1, "quote, backslash");
  refused ("check a\n", 1, "not KEY=VALUE");
  memset (big, 'x', sizeof big);
  memcpy (big, "check=a path=/", 14);
  big[sizeof big - 1] = 0;
  refused (big, 1, "longer than");
  tap_ok (parse ("check=a path=/x reason=y expires=2028-02-29\n", &l, &why)
          == 0 && l.n == 1, "a leap day is a date");
  vs_suppress_list_free (&l);
  return tap_done ();
}
