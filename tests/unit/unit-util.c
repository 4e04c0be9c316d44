/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for util.c: escaping for terminals, JSON and shells, sizes. */
#include <config.h>

#include <string.h>

#include "tap.h"
#include "base/util.h"

static char *
printable (const char *s, size_t n)
{
  return vs_printable (s, n);
}

static char *
json (const char *s, size_t n)
{
  struct vs_buf b = VS_BUF_INIT;

  vs_buf_add_json_string (&b, s, n, 0);
  return vs_buf_detach (&b, NULL);
}

static char *
json_member (const char *name, const char *s, size_t n)
{
  struct vs_buf b = VS_BUF_INIT;

  vs_buf_add_json_member (&b, name, s, n, 0);
  return vs_buf_detach (&b, NULL);
}

static char *
shell (const char *s)
{
  struct vs_buf b = VS_BUF_INIT;

  vs_buf_add_shell_quoted (&b, s);
  return vs_buf_detach (&b, NULL);
}

int
main (void)
{
  char *s;
  uint64_t n = 0;
  char size[32];

  tap_plan (36);

  s = printable ("a\nb\tc\\d", 7);
  tap_is_str (s, "a\\nb\\tc\\\\d", "printable escapes newline, tab, backslash");
  free (s);
  s = printable ("\xff\xfe" "x", 3);
  tap_is_str (s, "\\xff\\xfex", "printable escapes invalid UTF-8");
  free (s);
  s = printable ("caf\xc3\xa9", 5);
  tap_is_str (s, "caf\xc3\xa9", "printable keeps valid UTF-8");
  free (s);
  s = printable ("\x1b[31m", 5);
  tap_is_str (s, "\\x1b[31m", "printable escapes terminal escape sequences");
  free (s);
  s = printable ("\xc2\x9b" "1m", 4);
  tap_is_str (s, "\\xc2\\x9b1m", "printable escapes C1 control characters");
  free (s);
  s = printable ("", 0);
  tap_is_str (s, "", "printable of nothing is an empty string");
  free (s);
  s = printable ("\xed\xa0\x80", 3);
  tap_is_str (s, "\\xed\\xa0\\x80", "printable rejects UTF-16 surrogates");
  free (s);

  s = json ("a\"b\\c\n", 6);
  tap_is_str (s, "\"a\\\"b\\\\c\\n\"", "json escapes quote, backslash, newline");
  free (s);
  s = json ("\x01\xff", 2);
  tap_is_str (s, "\"\\u0001\xef\xbf\xbd\"",
              "json escapes control characters, a bad byte is U+FFFD");
  free (s);
  /* The byte 0xe9 is not "\u00e9" (which reads back as a valid "é"). */
  s = json ("caf\xe9", 4);
  tap_is_str (s, "\"caf\xef\xbf\xbd\"",
              "json: a bad byte never reads back as another character");
  free (s);
  s = json ("caf\xc3\xa9 \xe2\x80\xa8", 9);
  tap_is_str (s, "\"caf\xc3\xa9 \\u2028\"",
              "json keeps valid UTF-8, escapes U+2028");
  free (s);
  s = json_member ("k", "caf\xe9", 4);
  tap_is_str (s, "\"k\":\"caf\xef\xbf\xbd\",\"k_hex\":\"636166e9\"",
              "json member: bad bytes get NAME_hex with the exact bytes");
  free (s);
  s = json_member ("k", "a\0b", 3);
  tap_is_str (s, "\"k\":\"a\\u0000b\",\"k_hex\":\"610062\"",
              "json member: a NUL gets NAME_hex too");
  free (s);
  s = json_member ("k", "caf\xc3\xa9", 5);
  tap_is_str (s, "\"k\":\"caf\xc3\xa9\"", "json member: valid text, no _hex");
  free (s);
  s = json ("</script>", 9);
  tap_is_str (s, "\"</script>\"", "json leaves plain ASCII alone");
  free (s);

  s = shell ("plain-word_1.txt");
  tap_is_str (s, "plain-word_1.txt", "shell: plain word unquoted");
  free (s);
  s = shell ("it's here");
  tap_is_str (s, "'it'\\''s here'", "shell: quotes and escapes a quote");
  free (s);
  s = shell ("");
  tap_is_str (s, "''", "shell: empty string quoted");
  free (s);

  tap_ok (vs_parse_size ("64M", &n) == 0 && n == 64ULL << 20, "size 64M");
  tap_ok (vs_parse_size ("1GiB", &n) == 0 && n == 1ULL << 30, "size 1GiB");
  tap_ok (vs_parse_size ("123", &n) == 0 && n == 123, "size 123");
  tap_ok (vs_parse_size ("-1", &n) == -1, "negative size refused");
  tap_ok (vs_parse_size ("12X", &n) == -1, "bad suffix refused");
  tap_ok (vs_parse_size ("99999999999999999999T", &n) == -1,
          "overflowing size refused");
  tap_ok (vs_parse_size ("", &n) == -1, "empty size refused");

  vs_format_size (512, size);
  tap_is_str (size, "512 bytes", "format 512");
  vs_format_size (3 * 1024 * 1024 / 2, size);
  tap_is_str (size, "1.5 MiB", "format 1.5 MiB");
  {
    struct vs_buf b = VS_BUF_INIT;
    int i;

    for (i = 0; i < 1000; i++)
      vs_buf_addf (&b, "%d,", i);
    tap_ok (b.len == strlen (b.data) && strncmp (b.data, "0,1,2,", 6) == 0
            && strcmp (b.data + b.len - 4, "999,") == 0,
            "buffer grows through many appends");
    vs_buf_release (&b);
  }
  {
    /* security.capability values as setcap(8) writes them. */
    static const unsigned char raw_ep[20] = {
      0x01, 0, 0, 0x02, 0x00, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
    };
    static const unsigned char two_p[20] = {
      0x00, 0, 0, 0x02, 0x00, 0x30, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
    };
    static const unsigned char hi_eip[24] = {
      0x01, 0, 0, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0x40, 0, 0, 0, 0x40, 0, 0,
      0, 0xe8, 0x03, 0, 0
    };
    char *c;

    c = vs_caps_format (raw_ep, sizeof raw_ep);
    tap_is_str (c, "cap_net_raw=ep", "capability v2, one cap, ep");
    free (c);
    c = vs_caps_format (two_p, sizeof two_p);
    tap_is_str (c, "cap_net_admin,cap_net_raw=p", "two caps, permitted");
    free (c);
    c = vs_caps_format (hi_eip, sizeof hi_eip);
    tap_is_str (c, "cap_perfmon=eip [rootid=1000]",
                "v3, high word, all flags, rootid");
    free (c);
    c = vs_caps_format (raw_ep, 7);
    tap_is_str (c, "invalid (7 bytes)", "short value refused");
    free (c);
    c = vs_caps_format (hi_eip, 20);
    tap_is_str (c, "invalid (20 bytes)", "v3 magic with v2 length refused");
    free (c);
  }
  {
    char *c = vs_one_line ("mount: /sysroot/x: wrong fs type.\n"
                           "       dmesg(1) may have more information.\n");

    tap_is_str (c, "mount: /sysroot/x: wrong fs type. dmesg(1) may have "
                "more information.", "a two-line tool message made one line");
    free (c);
    c = vs_one_line ("  a  b\t c \r\n\r\n d  ");
    tap_is_str (c, "a  b\t c d", "blanks inside a line kept, ends trimmed");
    free (c);
    c = vs_one_line ("\n \n");
    tap_is_str (c, "", "only blanks: empty");
    free (c);
  }
  return tap_done ();
}
