/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for accounts.c: passwd parsing of hostile input. */
#include <config.h>

#include <string.h>

#include "parse/accounts.h"
#include "tap.h"
#include "base/util.h"

int
main (void)
{
  static const char text[] =
    "root:x:0:0:root:/root:/bin/bash\n"
    "daemon:x:1:1::/usr/sbin:/usr/sbin/nologin\n"
    "broken line without colons\n"
    "neguid:x:-5:0::/:/bin/sh\n"
    "huge:x:99999999999:0::/:/bin/sh\n"
    "toor:x:0:0::/:/bin/sh\n"
    ":x:7:7::/:/bin/sh\n"
    "deploy:x:1000:1000::/home/deploy:/bin/bash\r\n"
    "nonl:x:4242:1";
  struct vs_accounts *a = vs_accounts_parse (text, sizeof text - 1);
  char *big;
  size_t i;
  uint32_t id = 7;

  tap_plan (15);
  tap_is_str (vs_accounts_name (a, 0), "root",
              "uid 0 is the first line with it (root, not toor)");
  tap_is_str (vs_accounts_name (a, 1), "daemon", "uid 1");
  tap_is_str (vs_accounts_name (a, 1000), "deploy", "uid 1000, CRLF line");
  tap_is_str (vs_accounts_name (a, 4242), "nonl", "last line without newline");
  tap_ok (vs_accounts_name (a, 7) == NULL, "empty name skipped");
  tap_ok (vs_accounts_name (a, 5) == NULL, "negative uid skipped");
  tap_ok (vs_accounts_count (a) == 5, "five usable entries (got %zu)",
          vs_accounts_count (a));
  vs_accounts_free (a);

  a = vs_accounts_parse ("", 0);
  tap_ok (a && vs_accounts_count (a) == 0, "empty file");
  vs_accounts_free (a);

  /* The id field parser the checks share. */
  tap_ok (vs_accounts_parse_id ("4294967295", 10, &id) == 0
          && id == 4294967295u, "the largest uid parses");
  tap_ok (vs_accounts_parse_id ("4294967296", 10, &id) == -1,
          "one past the largest uid does not");
  tap_ok (vs_accounts_parse_id ("00000000001", 11, &id) == -1,
          "eleven digits do not");
  tap_ok (vs_accounts_parse_id ("", 0, &id) == -1, "an empty field does not");
  tap_ok (vs_accounts_parse_id ("12a", 3, &id) == -1
          && vs_accounts_parse_id ("-1", 2, &id) == -1,
          "a field with a non-digit does not");
  tap_ok (vs_accounts_parse_id ("1000:", 4, &id) == 0 && id == 1000,
          "only len bytes are read");

  /* A line of a megabyte of colons and digits. */
  big = vs_xmalloc (1 << 20);
  for (i = 0; i < (1 << 20); i++)
    big[i] = (i % 3) ? ':' : '9';
  a = vs_accounts_parse (big, 1 << 20);
  tap_ok (a != NULL, "a megabyte of junk parses without harm");
  vs_accounts_free (a);
  free (big);
  return tap_done ();
}
