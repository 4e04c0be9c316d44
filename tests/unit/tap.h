/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: a minimal TAP (Test Anything Protocol) producer for unit tests.
 *
 * Header-only; include it in exactly one file of each test program.
 * Output goes to stdout, as the automake TAP driver expects; diagnostics
 * are "# " comment lines.
 *
 * Usage:
 *
 *   int
 *   main (void)
 *   {
 *     tap_plan (2);
 *     tap_ok (1 + 1 == 2, "addition");
 *     tap_is_str (s, "abc", "parsed %s", input);
 *     return tap_done ();
 *   }
 */
#ifndef VS_TAP_H
#define VS_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_count;    /* tests run so far */
static int tap_failed;   /* of which failed */
static int tap_planned = -1;

/* Announces that n tests will follow ("1..n").  Call it first. */
static inline void
tap_plan (int n)
{
  tap_planned = n;
  printf ("1..%d\n", n);
  fflush (stdout);
}

static inline int
tap_vresult (int cond, const char *fmt, va_list ap)
  __attribute__((format (printf, 2, 0)));

static inline int
tap_vresult (int cond, const char *fmt, va_list ap)
{
  tap_count++;
  if (!cond)
    tap_failed++;
  printf ("%sok %d - ", cond ? "" : "not ", tap_count);
  vprintf (fmt, ap);
  putchar ('\n');
  fflush (stdout);
  return cond;
}

/* Reports one test, passed if cond is nonzero, described by the
 * printf-style fmt.  Returns cond (as 0 or 1). */
static inline int
tap_ok (int cond, const char *fmt, ...)
  __attribute__((format (printf, 2, 3)));

static inline int
tap_ok (int cond, const char *fmt, ...)
{
  va_list ap;

  va_start (ap, fmt);
  tap_vresult (cond != 0, fmt, ap);
  va_end (ap);
  return cond != 0;
}

/* Reports one test, passed if the strings got and want are equal (two
 * NULLs are equal).  On failure both are printed as diagnostics. */
static inline int
tap_is_str (const char *got, const char *want, const char *fmt, ...)
  __attribute__((format (printf, 3, 4)));

static inline int
tap_is_str (const char *got, const char *want, const char *fmt, ...)
{
  va_list ap;
  int cond;

  if (got && want)
    cond = strcmp (got, want) == 0;
  else
    cond = got == want;
  va_start (ap, fmt);
  tap_vresult (cond, fmt, ap);
  va_end (ap);
  if (!cond) {
    printf ("# got: %s%s%s\n", got ? "\"" : "", got ? got : "NULL",
            got ? "\"" : "");
    printf ("# want: %s%s%s\n", want ? "\"" : "", want ? want : "NULL",
            want ? "\"" : "");
    fflush (stdout);
  }
  return cond;
}

/* Reports one test as skipped ("ok N # SKIP reason"); it counts as
 * passed. */
static inline void
tap_skip (const char *reason)
{
  tap_count++;
  printf ("ok %d # SKIP %s\n", tap_count, reason);
  fflush (stdout);
}

/* Skips the whole program ("1..0 # SKIP reason") and exits with 0.  Call
 * it instead of tap_plan(), before any test. */
static inline void
tap_skip_all (const char *reason)
{
  printf ("1..0 # SKIP %s\n", reason);
  fflush (stdout);
  exit (0);
}

/* Returns the exit status for main(): 0 if every test passed and as many
 * ran as were planned, else 1 (with a diagnostic for a wrong count). */
static inline int
tap_done (void)
{
  if (tap_planned >= 0 && tap_count != tap_planned) {
    printf ("# planned %d tests but ran %d\n", tap_planned, tap_count);
    fflush (stdout);
    return 1;
  }
  if (tap_failed)
    printf ("# failed %d of %d tests\n", tap_failed, tap_count);
  fflush (stdout);
  return tap_failed ? 1 : 0;
}

#endif /* VS_TAP_H */
