/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests: the --ioc list parser and its path patterns (ioc.c). */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "parse/ioc.h"
#include "tap.h"
#include "base/util.h"

static int
matches (const char *pattern, const char *path)
{
  struct vs_ioc *ioc = vs_ioc_new ();
  char *line = vs_xasprintf ("path:%s label", pattern), *err = NULL;
  const char *pat = NULL;
  int r = -1;

  if (vs_ioc_parse (ioc, "t", line, strlen (line), &err) == 1)
    r = vs_ioc_match_path (ioc, path, strlen (path), &pat) != NULL;
  free (err);
  free (line);
  vs_ioc_free (ioc);
  return r;
}

static char *
parse_error (const char *text)
{
  struct vs_ioc *ioc = vs_ioc_new ();
  char *err = NULL;

  if (vs_ioc_parse (ioc, "feed.txt", text, strlen (text), &err) != -1) {
    free (err);
    err = NULL;
  }
  vs_ioc_free (ioc);
  return err;
}

int
main (void)
{
  struct vs_ioc *ioc = vs_ioc_new ();
  const char *list =
    "# a feed\n"
    "\n"
    "   # indented comment\n"
    "44d88612fea8a8f36de82e1278abb02f eicar md5\r\n"
    "sha1:3395856CE81F2B7382DEE72602F798B642F14140\n"
    "sha256:275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f\tEICAR test\n"
    "0123456789abcdef0123456789abcdef01234567\n"
    "path:/tmp/.X11-unix/* hidden in X11 dir\n";
  const char *pat = NULL, *label;
  char *err = NULL, *e;
  long n;
  double t0;

  tap_plan (37);
  n = vs_ioc_parse (ioc, "feed.txt", list, strlen (list), &err);
  tap_ok (n == 5 && !err, "5 indicators parsed, comments and blanks "
          "skipped (%ld)", n);
  tap_ok (vs_ioc_count (ioc) == 5, "count");
  tap_is_str (vs_ioc_match_hash (ioc, "md5",
                                 "44d88612fea8a8f36de82e1278abb02f"),
              "eicar md5", "bare md5 with label (CR stripped)");
  tap_is_str (vs_ioc_match_hash (ioc, "sha1",
                                 "3395856ce81f2b7382dee72602f798b642f14140"),
              "", "sha1: prefix, upper case folded, no label gives \"\"");
  tap_is_str (vs_ioc_match_hash (ioc, "sha256", "275a021bbfb6489e54d471899f7"
                                 "db9d1663fc695ec2fe2a2c4538aabf651fd0f"),
              "EICAR test", "sha256 with a tab before the label");
  tap_ok (vs_ioc_match_hash (ioc, "sha1", "0123456789abcdef0123456789abcdef"
                             "01234567") != NULL, "bare 40 digits is sha1");
  tap_ok (vs_ioc_match_hash (ioc, "md5", "00000000000000000000000000000000")
          == NULL, "unknown hash does not match");
  tap_ok (vs_ioc_match_hash (ioc, "sha256", "abc") == NULL,
          "wrong length does not match");
  tap_ok (vs_ioc_match_hash (ioc, "crc32", "abc") == NULL, "unknown kind");
  label = vs_ioc_match_path (ioc, "/tmp/.X11-unix/x", 16, &pat);
  tap_is_str (label, "hidden in X11 dir", "path pattern label");
  tap_is_str (pat, "/tmp/.X11-unix/*", "and the pattern that matched");
  vs_ioc_free (ioc);

  e = parse_error ("# ok\nmd5:1234\n");
  tap_is_str (e, "feed.txt:2: not an indicator: expected md5:, sha1:, "
              "sha256: or path: and a value, or a hash of 32, 40 or 64 hex "
              "digits", "short hash: error names file and line");
  free (e);
  e = parse_error ("path:tmp/x\n");
  tap_ok (e && strstr (e, "must start with '/'"), "relative path pattern");
  free (e);
  e = parse_error ("44d88612fea8a8f36de82e1278abb0zz\n");
  tap_ok (e != NULL, "non-hex digits refused");
  free (e);
  e = parse_error ("44d88612fea8a8f36de82e1278abb02f\0x\n");
  tap_ok (e == NULL, "a NUL ends the C string given (test helper)");
  free (e);
  {
    struct vs_ioc *i2 = vs_ioc_new ();
    static const char nul[] = "md5:44d88612fea8a8f36de82e1278abb02f a\0b\n";

    tap_ok (vs_ioc_parse (i2, "n", nul, sizeof nul - 1, &err) == -1
            && err && strstr (err, "NUL"), "NUL byte in a line refused");
    free (err);
    err = NULL;
    vs_ioc_free (i2);
  }

  tap_ok (matches ("/tmp/*", "/tmp/a") == 1, "'*' matches a name");
  tap_ok (matches ("/tmp/*", "/tmp/a/b") == 0, "'*' does not cross '/'");
  tap_ok (matches ("/tmp/**", "/tmp/a/b/c") == 1, "'**' crosses '/'");
  tap_ok (matches ("/**/xmrig", "/opt/x/y/xmrig") == 1,
          "'**' in the middle");
  tap_ok (matches ("/**/xmrig", "/opt/x/y/xmrig2") == 0,
          "the rest must still match");
  tap_ok (matches ("/tmp/a?c", "/tmp/abc") == 1, "'?' one byte");
  tap_ok (matches ("/tmp/a?c", "/tmp/a/c") == 0, "'?' not '/'");
  tap_ok (matches ("/tmp/[a-c]x", "/tmp/bx") == 1, "set with a range");
  tap_ok (matches ("/tmp/[a-c]x", "/tmp/dx") == 0, "outside the range");
  tap_ok (matches ("/tmp/[!a-c]x", "/tmp/dx") == 1, "negated set");
  tap_ok (matches ("/tmp/[^a-c]x", "/tmp/ax") == 0, "'^' negates too");
  tap_ok (matches ("/tmp/[]]", "/tmp/]") == 1, "']' first in a set");
  tap_ok (matches ("/tmp/[/]", "/tmp//") == 0, "a set never matches '/'");
  tap_ok (matches ("/tmp/\\*", "/tmp/*") == 1, "escaped '*' is literal");
  tap_ok (matches ("/tmp/\\*", "/tmp/a") == 0, "and only literal");
  tap_ok (matches ("/tmp/[abc", "/tmp/[abc") == 1,
          "unterminated '[' is literal");
  tap_ok (matches ("/x*y*z", "/xAyBz") == 1, "several stars");
  tap_ok (matches ("/tmp/*.sh", "/tmp/.x/a.sh") == 0,
          "'*' stops at '/' even with a match further on");
  tap_ok (matches ("/a/**/b/*/c", "/a/x/y/b/z/c") == 1,
          "'**' then '*' backtracks");

  /* Hostile: a pattern of many stars against a long path that almost
   * matches must not take exponential time. */
  {
    struct vs_buf p = VS_BUF_INIT, s = VS_BUF_INIT;
    int i, r1, r2;

    vs_buf_adds (&p, "/");
    for (i = 0; i < 40; i++)
      vs_buf_adds (&p, "*a");
    vs_buf_adds (&p, "b");
    vs_buf_adds (&s, "/");
    for (i = 0; i < 4000; i++)
      vs_buf_addc (&s, 'a');
    t0 = vs_now_monotonic ();
    r1 = matches (p.data, s.data);
    vs_buf_setlen (&p, 0);
    vs_buf_adds (&p, "/");
    for (i = 0; i < 40; i++)
      vs_buf_adds (&p, "**a");
    vs_buf_adds (&p, "b");
    r2 = matches (p.data, s.data);
    tap_ok (r1 == 0 && r2 == 0 && vs_now_monotonic () - t0 < 2.0,
            "40 stars against 4000 bytes: no match, in %.3fs",
            vs_now_monotonic () - t0);
    vs_buf_release (&p);
    vs_buf_release (&s);
  }
  {
    /* A very long line: parsed without trouble. */
    size_t big = 1 << 20;
    char *line = vs_xmalloc (big + 1);
    struct vs_ioc *i3 = vs_ioc_new ();

    memcpy (line, "path:/", 6);
    memset (line + 6, '*', big - 6);
    line[big] = '\0';
    t0 = vs_now_monotonic ();
    tap_ok (vs_ioc_parse (i3, "big", line, big, &err) == 1
            && vs_ioc_match_path (i3, "/x/y", 4, NULL) != NULL
            && vs_now_monotonic () - t0 < 2.0,
            "a 1 MiB pattern of stars parses and matches quickly");
    free (err);
    err = NULL;
    vs_ioc_free (i3);
    free (line);
  }
  return tap_done ();
}
