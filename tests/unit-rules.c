/* Unit tests for rules.c: compile, external variables, matches and
 * offsets compared with the yara command line tool on the same bytes. */
#include <config.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "rules.h"
#include "tap.h"
#include "util.h"

static const char rules_text[] =
  "rule two_strings : tagA tagB {\n"
  "  meta:\n"
  "    description = \"test \\\"quoted\\\"\"\n"
  "    severity = \"high\"\n"
  "    score = 75\n"
  "    active = true\n"
  "  strings:\n"
  "    $a = \"needle\"\n"
  "    $b = { DE AD BE EF }\n"
  "  condition:\n"
  "    $a and $b\n"
  "}\n"
  "rule by_name {\n"
  "  condition:\n"
  "    filename == \"evil.sh\" and extension == \"sh\" and owner == \"root\"\n"
  "}\n"
  "rule never { strings: $x = \"not in the data\" condition: $x }\n";

int
main (void)
{
  char dir[] = "/tmp/vmscan-unit-rules.XXXXXX";
  char *rules_path, *data_path, *bad_path, *err = NULL;
  const char *paths[1];
  struct vs_rules *r = NULL;
  struct vs_rules_scanner *s = NULL;
  struct vs_match_list m = { NULL, 0, 0 };
  struct vs_rules_context ctx = { "evil.sh", "/tmp/evil.sh", "sh", "TEXT",
                                  "root" };
  static const unsigned char data[] =
    "xx needle yy \xde\xad\xbe\xef zz needle";
  FILE *f;
  char line[512], want[512];
  size_t i;
  int found;

  tap_plan (11);
  if (!mkdtemp (dir))
    tap_skip_all ("cannot make a temporary directory");
  rules_path = vs_xasprintf ("%s/test.yar", dir);
  data_path = vs_xasprintf ("%s/data", dir);
  bad_path = vs_xasprintf ("%s/bad.yar", dir);
  f = fopen (rules_path, "w");
  fputs (rules_text, f);
  fclose (f);
  f = fopen (data_path, "wb");
  fwrite (data, 1, sizeof data - 1, f);
  fclose (f);
  f = fopen (bad_path, "w");
  fputs ("rule broken { condition: nosuchthing }\n", f);
  fclose (f);

  tap_ok (vs_rules_init () == 0, "initialise YARA");
  paths[0] = rules_path;
  tap_ok (vs_rules_compile (paths, 1, &r, &err) == 0, "compile: %s",
          err ? err : "ok");
  tap_ok (r && vs_rules_count (r) == 3, "three rules");
  tap_ok (vs_rules_scanner_new (r, 10, &s, &err) == 0, "scanner");
  tap_ok (vs_rules_scan (s, data, sizeof data - 1, &ctx, &m, &err) == 0
          && m.n == 2, "two rules match (got %zu)", m.n);
  tap_is_str (m.n ? m.m[0].tags : NULL, "tagA tagB", "tags");
  tap_is_str (m.n ? m.m[0].meta_json : NULL,
              "{\"description\":\"test \\\"quoted\\\"\",\"severity\":\"high\","
              "\"score\":75,\"active\":true}", "meta as JSON");

  /* Every string match must be one yara -s prints for the same data. */
  {
    char *cmd = vs_xasprintf ("yara -s -d filename=evil.sh -d filepath=/tmp/evil.sh "
                              "-d extension=sh -d filetype=TEXT -d owner=root "
                              "'%s' '%s' 2>&1", rules_path,
                              data_path);
    FILE *p = popen (cmd, "r");
    size_t lines = 0, matched = 0;
    int ok = 1;

    free (cmd);
    if (!p || !m.n) {
      tap_ok (0, "run yara -s");
    }
    else {
      char *out = NULL;
      size_t outlen = 0;
      FILE *mem = open_memstream (&out, &outlen);

      while (fgets (line, sizeof line, p)) {
        fputs (line, mem);
        if (line[0] == '0' && line[1] == 'x')
          lines++;
      }
      fclose (mem);
      pclose (p);
      for (i = 0; i < m.m[0].nstrings; i++) {
        snprintf (want, sizeof want, "0x%llx:%s:",
                  (unsigned long long) m.m[0].strings[i].offset,
                  m.m[0].strings[i].identifier);
        found = strstr (out, want) != NULL;
        matched += found;
        ok &= found;
      }
      tap_ok (ok && matched == lines && lines == 3,
              "string matches equal yara -s (%zu of %zu lines)", matched,
              lines);
      free (out);
    }
  }
  vs_match_list_clear (&m);

  ctx.owner = "nobody";
  tap_ok (vs_rules_scan (s, data, sizeof data - 1, &ctx, &m, &err) == 0
          && m.n == 1, "owner variable changes the result");
  vs_match_list_clear (&m);
  vs_rules_scanner_free (s);
  vs_rules_free (r);

  paths[0] = bad_path;
  r = NULL;
  tap_ok (vs_rules_compile (paths, 1, &r, &err) == -1 && err
          && strstr (err, "bad.yar:1:"), "compile error names file and line: "
          "%s", err ? err : "");
  free (err);
  err = NULL;

  paths[0] = dir;
  unlink (bad_path);
  tap_ok (vs_rules_compile (paths, 1, &r, &err) == 0
          && vs_rules_nfiles (r) == 1, "a folder of rules");
  vs_rules_free (r);
  vs_rules_cleanup ();

  unlink (rules_path);
  unlink (data_path);
  rmdir (dir);
  free (rules_path);
  free (data_path);
  free (bad_path);
  return tap_done ();
}
