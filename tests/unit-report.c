/* vmscan: unit tests of the report escapers (report-escape.h): each
 * output context against strings a hostile image could hold. */
#include <config.h>

#include <string.h>

#include "report-escape.h"
#include "report.h"
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
  vs_report_add_json (b, s, len, 0);
}

static void
json1 (struct vs_buf *b, const char *s, size_t len)
{
  vs_report_add_json (b, s, len, 1);
}

#define S(x) x, sizeof (x) - 1

int
main (void)
{
  char mode[11];
  char *p;

  tap_plan (37);

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

  /* Bodyfile. */
  is (vs_report_add_body, S ("a|b%41\nc"), "a%7Cb%2541\\nc",
      "body: | and % percent-encoded, newline shown");

  /* URI. */
  is (vs_report_add_uri_path, S ("/etc/a b#c?d%\xff"),
      "etc/a%20b%23c%3Fd%25%FF", "uri: relative, percent-encoded bytes");
  is (vs_report_add_uri_path, S ("/usr/bin/x-1.2_~"), "usr/bin/x-1.2_~",
      "uri: unreserved and / kept");

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
