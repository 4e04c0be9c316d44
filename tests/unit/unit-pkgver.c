/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: unit tests for the package version order (parse/pkgver.c),
 * against dpkg --compare-versions and rpm's own rpm.vercmp on the same
 * pairs: a few chosen ones and many made at random. */
#include <config.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parse/pkgver.h"
#include "tap.h"

#define NRANDOM 400

static const char *const chosen[][2] = {
  { "1.0", "1.0" }, { "1.0", "1.1" }, { "1.0~rc1", "1.0" },
  { "1.0~~", "1.0~" }, { "1.0a", "1.0" }, { "1.0+b1", "1.0" },
  { "2:1.0", "1:9.9" }, { "1.0-1", "1.0-2" }, { "1.0-10", "1.0-9" },
  { "1.001", "1.1" }, { "1.2.3-4+deb12u1", "1.2.3-4" },
  { "0:1.0", "1.0" }, { "1.0.", "1.0" }, { "10", "9" }, { "1a", "1b" },
  { "1.0^", "1.0" }, { "1.0^1", "1.0.1" }, { "5.14.0-70.el9", "5.14.0-162.el9" },
  { "1.0-1.el9", "1.0-1.el9_1" }, { "a", "1" }, { "1.0", "1_0" },
};

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static unsigned
rnd (unsigned n)
{
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (unsigned) (rng % n);
}

/* A version dpkg accepts: [epoch:]digit[chars][-revision]. */
static void
make_version (char *out, size_t size, int rpm)
{
  static const char up[] = "0123456789012345abcz.~+";
  static const char up_rpm[] = "0123456789012345abcz.~^_";
  const char *set = rpm ? up_rpm : up;
  size_t n = 0, len = 1 + rnd (8), i;

  if (rnd (4) == 0)
    n += (size_t) snprintf (out + n, size - n, "%u:", rnd (3));
  out[n++] = (char) ('0' + rnd (10));
  for (i = 0; i < len && n + 12 < size; i++)
    out[n++] = set[rnd ((unsigned) strlen (set))];
  if (rnd (2)) {
    out[n++] = '-';
    out[n++] = (char) ('0' + rnd (10));
    for (i = rnd (4); i > 0 && n + 2 < size; i--)
      out[n++] = set[rnd ((unsigned) strlen (set))];
  }
  out[n] = '\0';
}

static int
sign (int c)
{
  return c < 0 ? -1 : c > 0;
}

/* dpkg's answer: -1, 0, 1, or 2 when it cannot say. */
static int
dpkg_cmp (const char *a, const char *b)
{
  char cmd[256];
  int lt, eq;

  snprintf (cmd, sizeof cmd, "dpkg --compare-versions '%s' lt '%s' "
            "2>/dev/null", a, b);
  lt = system (cmd);
  snprintf (cmd, sizeof cmd, "dpkg --compare-versions '%s' eq '%s' "
            "2>/dev/null", a, b);
  eq = system (cmd);
  if (lt == -1 || eq == -1 || !WIFEXITED (lt) || !WIFEXITED (eq)
      || WEXITSTATUS (lt) > 1 || WEXITSTATUS (eq) > 1)
    return 2;
  return WEXITSTATUS (lt) == 0 ? -1 : WEXITSTATUS (eq) == 0 ? 0 : 1;
}

int
main (void)
{
  static char va[NRANDOM][40], vb[NRANDOM][40];
  size_t nchosen = sizeof chosen / sizeof chosen[0], i;
  int have_dpkg = system ("command -v dpkg >/dev/null 2>&1") == 0;
  int have_rpm = system ("command -v rpm >/dev/null 2>&1") == 0;

  tap_plan (4);

  /* Debian, chosen pairs and random ones. */
  if (!have_dpkg) {
    tap_skip ("dpkg not installed");
    tap_skip ("dpkg not installed");
  }
  else {
    for (int pass = 0; pass < 2; pass++) {
      size_t n = pass ? NRANDOM : nchosen, bad = 0, asked = 0;

      for (i = 0; i < n; i++) {
        const char *a, *b;
        int want, got;

        if (pass) {
          make_version (va[i], sizeof va[i], 0);
          make_version (vb[i], sizeof vb[i], 0);
          a = va[i];
          b = vb[i];
        }
        else {
          a = chosen[i][0];
          b = chosen[i][1];
        }
        if ((want = dpkg_cmp (a, b)) == 2)
          continue;             /* dpkg refuses the syntax */
        asked++;
        got = sign (vs_pkgver_cmp_deb (a, strlen (a), b, strlen (b)));
        if (got != want && bad++ < 5)
          printf ("# deb %s vs %s: dpkg %d, vmscan %d\n", a, b, want, got);
      }
      tap_ok (bad == 0 && asked > n / 2, "deb: %s pairs ordered as dpkg "
              "--compare-versions orders them (%zu asked, %zu differ)",
              pass ? "random" : "chosen", asked, bad);
    }
  }

  /* rpm: every pair in one rpm --eval of a Lua chunk. */
  if (!have_rpm) {
    tap_skip ("rpm not installed");
    tap_skip ("rpm not installed");
  }
  else {
    for (int pass = 0; pass < 2; pass++) {
      size_t n = pass ? NRANDOM : nchosen, bad = 0, asked = 0;
      char script[] = "/tmp/vmscan-pkgver-XXXXXX";
      int fd = mkstemp (script);
      FILE *fp = fd >= 0 ? fdopen (fd, "w") : NULL;
      char cmd[128], line[64];

      for (i = 0; fp && i < n; i++) {
        if (pass) {
          make_version (va[i], sizeof va[i], 1);
          make_version (vb[i], sizeof vb[i], 1);
        }
        else {
          snprintf (va[i], sizeof va[i], "%s", chosen[i][0]);
          snprintf (vb[i], sizeof vb[i], "%s", chosen[i][1]);
        }
        /* rpm.vercmp compares whole EVR strings as rpm -q does. */
        fprintf (fp, "%%{lua: print(rpm.vercmp('%s', '%s'))}\n", va[i],
                 vb[i]);
      }
      if (!fp || fclose (fp) != 0) {
        tap_ok (0, "rpm: cannot write the script");
        continue;
      }
      snprintf (cmd, sizeof cmd, "rpm --eval \"$(cat %s)\" 2>/dev/null",
                script);
      fp = popen (cmd, "r");
      for (i = 0; fp && i < n && fgets (line, sizeof line, fp); i++) {
        int want = sign (atoi (line));
        int got = sign (vs_pkgver_cmp_rpm (va[i], strlen (va[i]), vb[i],
                                           strlen (vb[i])));

        asked++;
        if (got != want && bad++ < 5)
          printf ("# rpm %s vs %s: rpm %d, vmscan %d\n", va[i], vb[i], want,
                  got);
      }
      if (fp)
        pclose (fp);
      unlink (script);
      tap_ok (bad == 0 && asked == n, "rpm: %s pairs ordered as rpm.vercmp "
              "orders them (%zu asked, %zu differ)",
              pass ? "random" : "chosen", asked, bad);
    }
  }
  return tap_done ();
}
