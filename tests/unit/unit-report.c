/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: unit tests of the report escapers (report/escape.h): each
 * output context against strings a hostile image could hold.  The
 * Markdown escaper is also checked by rendering: every string over a
 * small alphabet of troublesome characters ('@', '`', '\\', '|', '.',
 * 'x', up to 5 long) goes through cmark-gfm with GitHub's extensions,
 * as a paragraph and as a table cell, and the rendered text must be
 * exactly its display form. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/escape.h"
#include "report/report.h"
#include "tap.h"

typedef void (*escaper) (struct vs_buf *, const char *, size_t);

static char *
esc (escaper fn, const char *s, size_t len)
{
  struct vs_buf b = VS_BUF_INIT;

  fn (&b, s, len);
  return vs_buf_detach (&b, NULL);
}

static void
is (escaper fn, const char *in, size_t len, const char *want,
    const char *what)
{
  char *got = esc (fn, in, len);

  tap_is_str (got, want, "%s", what);
  free (got);
}

static void
json0 (struct vs_buf *b, const char *s, size_t len)
{
  vs_buf_add_json_string (b, s, len, 0);
}

static void
json1 (struct vs_buf *b, const char *s, size_t len)
{
  vs_buf_add_json_string (b, s, len, 1);
}

#define S(x) x, sizeof (x) - 1

/* ---- Markdown through cmark-gfm ---- */

#define MD_ALPHABET "@`\\|.x"
#define MD_MAX_LEN 5

/* The i-th string over MD_ALPHABET (all of length 1, then of 2, ...);
 * returns its length, or 0 past the last. */
static size_t
md_case (size_t i, char out[MD_MAX_LEN + 1])
{
  size_t k = strlen (MD_ALPHABET), n, count = k, j;

  for (n = 1; n <= MD_MAX_LEN; n++, count *= k) {
    if (i < count) {
      for (j = 0; j < n; j++) {
        out[n - 1 - j] = MD_ALPHABET[i % k];
        i /= k;
      }
      out[n] = '\0';
      return n;
    }
    i -= count;
  }
  return 0;
}

/* The display form of a string over MD_ALPHABET, by the header's rule
 * (only the backslash changes), between the 'a' and 'z' each case is
 * written between. */
static void
md_want (struct vs_buf *b, const char *s)
{
  vs_buf_setlen (b, 0);
  vs_buf_addc (b, 'a');
  for (; *s; s++)
    vs_buf_adds (b, *s == '\\' ? "\\\\" : (char[2]) { *s, 0 });
  vs_buf_addc (b, 'z');
}

/* Renders md with cmark-gfm (tables, autolinks, strikethrough) into out;
 * returns 0, or -1 if it cannot be run. */
static int
cmark (const struct vs_buf *md, struct vs_buf *out)
{
  char tmpl[] = "/tmp/vmscan-md-XXXXXX";
  char buf[65536], *cmd;
  size_t n;
  FILE *f;
  int fd = mkstemp (tmpl), st;

  if (fd == -1)
    return -1;
  if (write (fd, md->data, md->len) != (ssize_t) md->len) {
    close (fd);
    unlink (tmpl);
    return -1;
  }
  close (fd);
  cmd = vs_xasprintf ("cmark-gfm -e table -e autolink -e strikethrough "
                      "--to html %s", tmpl);
  f = popen (cmd, "r");
  free (cmd);
  if (!f) {
    unlink (tmpl);
    return -1;
  }
  while ((n = fread (buf, 1, sizeof buf, f)) > 0)
    vs_buf_add (out, buf, n);
  st = pclose (f);
  unlink (tmpl);
  return st == 0 ? 0 : -1;
}

/* The text of the HTML between open and close, starting at *pos: tags
 * dropped, cmark's character references decoded.  Returns 0, or -1 when
 * there is no more. */
static int
html_text (const char *html, size_t *pos, const char *open,
           const char *close, struct vs_buf *text)
{
  const char *p = strstr (html + *pos, open), *end;

  vs_buf_setlen (text, 0);
  if (!p || !(end = strstr (p + strlen (open), close)))
    return -1;
  for (p += strlen (open); p < end;) {
    static const struct { const char *ref; char c; } refs[] = {
      { "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' },
      { "&quot;", '"' }, { "&#39;", '\'' },
    };
    size_t k;

    if (*p == '<') {
      while (p < end && *p != '>')
        p++;
      p++;
      continue;
    }
    for (k = 0; k < VS_ARRAY_SIZE (refs); k++)
      if (strncmp (p, refs[k].ref, strlen (refs[k].ref)) == 0)
        break;
    if (k < VS_ARRAY_SIZE (refs)) {
      vs_buf_addc (text, refs[k].c);
      p += strlen (refs[k].ref);
    }
    else
      vs_buf_addc (text, *p++);
  }
  *pos = (size_t) (end - html) + strlen (close);
  return 0;
}

/* Every case as a paragraph (table 0) or as the cells of one table;
 * returns how many rendered to something other than their display
 * form (-1: cmark-gfm did not run). */
static long
md_round_trip (int table, char *first_bad, size_t bad_size)
{
  struct vs_buf md = VS_BUF_INIT, out = VS_BUF_INIT, text = VS_BUF_INIT;
  struct vs_buf want = VS_BUF_INIT;
  char c[MD_MAX_LEN + 1];
  size_t i, pos = 0;
  long bad = 0;

  if (table)
    vs_buf_adds (&md, "| h |\n|---|\n");
  for (i = 0; md_case (i, c); i++) {
    vs_buf_adds (&md, table ? "| a" : "a");
    vs_report_add_md (&md, c, strlen (c));
    vs_buf_adds (&md, table ? "z |\n" : "z\n\n");
  }
  if (cmark (&md, &out) == -1) {
    bad = -1;
    goto done;
  }
  if (strstr (out.data, "<a ") || strstr (out.data, "<a>")) {
    snprintf (first_bad, bad_size, "a link was made");
    bad++;
  }
  for (i = 0; md_case (i, c); i++) {
    md_want (&want, c);
    if (html_text (out.data, &pos, table ? "<td>" : "<p>",
                   table ? "</td>" : "</p>", &text) == -1
        || strcmp (text.data, want.data) != 0) {
      if (!bad++)
        snprintf (first_bad, bad_size, "\"%s\" rendered as \"%s\"", c,
                  text.data ? text.data : "(nothing)");
    }
  }
 done:
  vs_buf_release (&md);
  vs_buf_release (&out);
  vs_buf_release (&text);
  vs_buf_release (&want);
  return bad;
}

int
main (void)
{
  char mode[11];
  char *p;

  tap_plan (46);

  /* Display form. */
  is (vs_report_add_display, S ("/etc/passwd"), "/etc/passwd",
      "display: plain path unchanged");
  is (vs_report_add_display, S ("a\nb\tc\rd\\e"), "a\\nb\\tc\\rd\\\\e",
      "display: newline, tab, CR, backslash");
  is (vs_report_add_display, S ("x\x01\x7f\x1b"), "x\\x01\\x7f\\x1b",
      "display: other control characters as \\xNN");
  is (vs_report_add_display, S ("bad\xff\xfe"), "bad\\xff\\xfe",
      "display: invalid bytes as \\xNN");
  is (vs_report_add_display, S ("t\xe2\x80"), "t\\xe2\\x80",
      "display: a truncated sequence, byte by byte");
  is (vs_report_add_display, S ("\xc0\xaf"), "\\xc0\\xaf",
      "display: an overlong form is invalid");
  is (vs_report_add_display, S ("\xed\xa0\x80"), "\\xed\\xa0\\x80",
      "display: a surrogate is invalid");
  is (vs_report_add_display, S ("c1\xc2\x85"), "c1\\xc2\\x85",
      "display: a C1 control as its bytes");
  is (vs_report_add_display, S ("rtl\xe2\x80\xaetxt.exe"),
      "rtl\\u{202e}txt.exe", "display: right-to-left override shown");
  is (vs_report_add_display, S ("ls\xe2\x80\xa8\xef\xbb\xbf"),
      "ls\\u{2028}\\u{feff}", "display: U+2028 and BOM shown");
  is (vs_report_add_display, S ("na\xc3\xafve \xe6\xbc\xa2"),
      "na\xc3\xafve \xe6\xbc\xa2", "display: printable UTF-8 kept");
  is (vs_report_add_display, "a\0b", 3, "a\\x00b",
      "display: an embedded NUL");

  /* HTML. */
  is (vs_report_add_html, S ("<script>alert(1)</script>"),
      "&lt;script&gt;alert(1)&lt;/script&gt;", "html: script tag");
  is (vs_report_add_html, S ("\"><img src=x onerror='a'>&"),
      "&quot;&gt;&lt;img src=x onerror=&#39;a&#39;&gt;&amp;",
      "html: attribute breakout");
  is (vs_report_add_html, S ("<\xff\n"), "&lt;\\xff\\n",
      "html: display form first");

  /* JSON. */
  is (json0, S ("a\"b\\c\n\x01"), "\"a\\\"b\\\\c\\n\\u0001\"",
      "json: quote, backslash, controls");
  is (json0, S ("x\xff"), "\"x\xef\xbf\xbd\"", "json: bad byte as U+FFFD");
  is (json0, S ("\xe2\x80\xa8\xe2\x80\xa9"), "\"\\u2028\\u2029\"",
      "json: U+2028, U+2029 escaped");
  is (json0, S ("</script>"), "\"</script>\"", "json: < kept outside html");
  is (json1, S ("</script><!--&"), "\"\\u003c/script\\u003e\\u003c!--"
      "\\u0026\"", "json: script_safe escapes < > &");

  /* CSV. */
  is (vs_report_add_csv, S ("a,b\"c\nd"), "\"a,b\"\"c\nd\"",
      "csv: quoted, quote doubled, newline kept");
  is (vs_report_add_csv, S ("=1+2"), "\"'=1+2\"", "csv: = guarded");
  is (vs_report_add_csv, S ("-x"), "\"'-x\"", "csv: - guarded");
  is (vs_report_add_csv, S ("'quoted"), "\"''quoted\"",
      "csv: a leading quote is guarded too (round trip)");
  is (vs_report_add_csv, S ("/a=b"), "\"/a=b\"", "csv: = inside kept");
  is (vs_report_add_csv, S ("\xff"), "\"\xef\xbf\xbd\"",
      "csv: bad byte as U+FFFD");

  /* Markdown. */
  is (vs_report_add_md, S ("a|b`c*[x](y)<b>"),
      "a\\|b\\`c\\*\\[x\\]\\(y\\)&lt;b&gt;", "md: pipes, code, links, html");
  is (vs_report_add_md, S ("a\nb"), "a\\\\nb",
      "md: newline as a visible, escaped \\n");
  is (vs_report_add_md, S ("x@@y@z"), "x`@@`y`@`z",
      "md: each run of @ in one code span");
  is (vs_report_add_md, S ("`@@`"), "\\``@@`\\`",
      "md: backticks around @@ escaped, outside the span");
  {
    char why[256] = "";
    long bad = md_round_trip (0, why, sizeof why);

    if (bad == -1)
      tap_skip ("cmark-gfm cannot be run (apt-get install cmark-gfm)");
    else
      tap_ok (bad == 0, "md: every string of @ ` \\ | . x up to %d long "
              "renders (cmark-gfm, paragraph) as its display form (%ld "
              "wrong%s%s)", MD_MAX_LEN, bad, bad ? ", first: " : "", why);
    bad = md_round_trip (1, why, sizeof why);
    if (bad == -1)
      tap_skip ("cmark-gfm cannot be run (apt-get install cmark-gfm)");
    else
      tap_ok (bad == 0, "md: the same in table cells (%ld wrong%s%s)", bad,
              bad ? ", first: " : "", why);
  }

  /* Bodyfile. */
  is (vs_report_add_body, S ("a|b%41\nc"), "a%7Cb%2541\\nc",
      "body: | and % percent-encoded, newline shown");

  /* URI. */
  is (vs_report_add_uri_path, S ("/etc/a b#c?d%\xff"),
      "etc/a%20b%23c%3Fd%25%FF", "uri: relative, percent-encoded bytes");
  is (vs_report_add_uri_path, S ("/usr/bin/x-1.2_~"), "usr/bin/x-1.2_~",
      "uri: unreserved and / kept");
  is (vs_report_add_uri_path, S ("/etc/ssh/../../../../etc/shadow"),
      "etc/shadow", "uri: .. never climbs above the root");
  is (vs_report_add_uri_path, S ("/etc/ssh/../.."), "",
      "uri: a path that ends at the root is the root");
  is (vs_report_add_uri_path, S ("//a/./b//c/.//"), "a/b/c",
      "uri: ., empty segments and repeated / dropped");
  is (vs_report_add_uri_path, S ("/a/b/../.../..c/c../."), "a/.../..c/c..",
      "uri: only . and .. themselves are dot segments");
  is (vs_report_add_uri_path, S ("../x:y/%2e%2E/\xff"), "x%3Ay/%252e%252E/%FF",
      "uri: relative start, a colon, an encoded dot and a bad byte");

  /* Modes. */
  vs_report_mode_string (0100755, mode);
  tap_is_str (mode, "-rwxr-xr-x", "mode: regular file");
  vs_report_mode_string (041777, mode);
  tap_is_str (mode, "drwxrwxrwt", "mode: sticky directory");
  vs_report_mode_string (0104750, mode);
  tap_is_str (mode, "-rwsr-x---", "mode: setuid");
  vs_report_mode_string (0120777, mode);
  tap_is_str (mode, "lrwxrwxrwx", "mode: symlink");

  /* Default report names. */
  p = vs_report_default_path ("/x/scan.db", "csv-files");
  tap_is_str (p, "/x/scan.files.csv", "default path: .db replaced");
  free (p);
  p = vs_report_default_path ("scan", "html");
  tap_is_str (p, "scan.html", "default path: suffix added");
  free (p);
  return tap_done ();
}
