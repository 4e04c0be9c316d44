/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for rules.c: compile, external variables, matches and
 * offsets compared with the yara command line tool on the same bytes;
 * then the bundled rules (yara-rules/) through vmscan's own loader: they
 * compile, and on the samples tests/data/rule-samples.sh writes they match
 * exactly as its expected.txt says (tests/test-rules.sh checks the same
 * with the yara command line tool), with the meta vmscan needs. */
#include <config.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/rules.h"
#include "tap.h"
#include "base/util.h"

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
  "    filename == \"evil.sh\" and extension == \".sh\" and owner == \"root\"\n"
  "}\n"
  "rule never { strings: $x = \"not in the data\" condition: $x }\n";

/* Reads a whole file; NULL if it cannot be read. */
static unsigned char *
slurp (const char *path, size_t *len)
{
  FILE *f = fopen (path, "rb");
  unsigned char *p = NULL;
  size_t n = 0, alloc = 0, got;

  if (!f)
    return NULL;
  do {
    if (n == alloc) {
      alloc = alloc ? alloc * 2 : 65536;
      p = vs_xrealloc (p, alloc);
    }
    got = fread (p + n, 1, alloc - n, f);
    n += got;
  } while (got > 0);
  if (ferror (f)) {
    free (p);
    p = NULL;
  }
  fclose (f);
  *len = n;
  return p;
}

/* Whether the list file (one entry a line) holds the line. */
static int
list_has (const char *path, const char *want)
{
  FILE *f = fopen (path, "r");
  char line[1024];
  int found = 0;

  if (!f)
    return 0;
  while (!found && fgets (line, sizeof line, f)) {
    line[strcspn (line, "\n")] = '\0';
    found = strcmp (line, want) == 0;
  }
  fclose (f);
  return found;
}

/* The guest path paths.txt gives for a sample, or NULL. */
static char *
sample_guest_path (const char *paths_txt, const char *name)
{
  FILE *f = fopen (paths_txt, "r");
  char line[1024];
  size_t n = strlen (name);
  char *r = NULL;

  if (!f)
    return NULL;
  while (!r && fgets (line, sizeof line, f)) {
    line[strcspn (line, "\n")] = '\0';
    if (strncmp (line, name, n) == 0 && line[n] == ' ')
      r = vs_xstrdup (line + n + 1);
  }
  fclose (f);
  return r;
}

static int
meta_ok (const char *json)
{
  static const char *const severities[] = {
    "info", "low", "medium", "high", "critical",
  };
  static const char *const categories[] = {
    "cryptominer", "backdoor", "reverse-shell", "webshell", "rootkit",
    "persistence", "test", "tool",
  };
  char want[64];
  size_t i;
  int sev = 0, cat = 0;

  for (i = 0; i < VS_ARRAY_SIZE (severities); i++) {
    snprintf (want, sizeof want, "\"severity\":\"%s\"", severities[i]);
    sev |= strstr (json, want) != NULL;
  }
  for (i = 0; i < VS_ARRAY_SIZE (categories); i++) {
    snprintf (want, sizeof want, "\"category\":\"%s\"", categories[i]);
    cat |= strstr (json, want) != NULL;
  }
  return sev && cat && strstr (json, "\"description\":\"")
    && strstr (json, "\"author\":\"vmscan\"")
    && strstr (json, "\"mitre_attack\":\"T");
}

/* The bundled rules through vs_rules_compile and vs_rules_scan on the
 * samples from tests/data/rule-samples.sh.  Four tests. */
static void
test_bundled (const char *tmpdir)
{
  const char *srcdir = getenv ("top_srcdir");
  const char *paths[1] = { VS_SRCDIR_RULES };
  char *top = srcdir && *srcdir ? vs_xstrdup (srcdir)
    : vs_xasprintf ("%s/..", VS_SRCDIR_RULES);
  char *samples = vs_xasprintf ("%s/samples", tmpdir);
  char *expected = vs_xasprintf ("%s/expected.txt", samples);
  char *paths_txt = vs_xasprintf ("%s/paths.txt", samples);
  char *cmd, *err = NULL;
  struct vs_rules *r = NULL;
  struct vs_rules_scanner *s = NULL;
  struct vs_match_list m = { NULL, 0, 0 };
  size_t nyar = 0, nexpected = 0, nfound = 0, nunexpected = 0, nmatches = 0;
  size_t nbadmeta = 0, nbad = 0, i;
  int ok, rc;
  DIR *d;
  struct dirent *de;
  FILE *f;
  char line[1024];

  d = opendir (VS_SRCDIR_RULES);
  while (d && (de = readdir (d)) != NULL) {
    size_t n = strlen (de->d_name);

    if (de->d_name[0] != '.' && n > 4
        && strcmp (de->d_name + n - 4, ".yar") == 0)
      nyar++;
  }
  if (d)
    closedir (d);
  ok = vs_rules_compile (paths, 1, 0, &r, &nbad, &err) == 0;
  tap_ok (ok && vs_rules_nfiles (r) == nyar && nyar > 0
          && vs_rules_count (r) >= nyar,
          "bundled rules compile with vmscan's loader (%zu files, "
          "%u rules)%s%s",
          r ? vs_rules_nfiles (r) : 0, r ? vs_rules_count (r) : 0,
          err ? ": " : "", err ? err : "");
  free (err);
  err = NULL;

  cmd = vs_xasprintf ("sh '%s/tests/data/rule-samples.sh' '%s' >/dev/null 2>&1",
                      top, samples);
  rc = r ? system (cmd) : -1;
  free (cmd);
  if (rc != 0 || vs_rules_scanner_new (r, 10, &s, &err) == -1) {
    tap_ok (0, "tests/data/rule-samples.sh wrote the samples%s%s",
            err ? ": " : "", err ? err : "");
    free (err);
    tap_skip ("no samples");
    tap_skip ("no samples");
    goto out;
  }

  /* Scan each sample as vmscan would, keeping "RULE NAME" lines. */
  {
    char *found_path = vs_xasprintf ("%s/found.txt", tmpdir);
    FILE *found = fopen (found_path, "w");

    d = opendir (samples);
    while (found && d && (de = readdir (d)) != NULL) {
      char *path = vs_xasprintf ("%s/%s", samples, de->d_name);
      char *gpath = sample_guest_path (paths_txt, de->d_name);
      struct vs_rules_context ctx;
      struct vs_rules_names names;
      struct stat sb;
      unsigned char *data;
      size_t len;

      if (stat (path, &sb) == 0 && S_ISREG (sb.st_mode)
          && strcmp (de->d_name, "expected.txt") != 0
          && strcmp (de->d_name, "paths.txt") != 0
          && strcmp (de->d_name, "skipped.txt") != 0
          && (data = slurp (path, &len)) != NULL) {
        if (!gpath)
          gpath = vs_xasprintf ("/srv/samples/%s", de->d_name);
        vs_rules_names (gpath, strlen (gpath), &names, &ctx);
        ctx.filetype = vs_rules_filetype (data, len);
        ctx.md5 = "";
        ctx.owner = "root";
        if (vs_rules_scan (s, data, len, &ctx, &m, &err) == -1) {
          printf ("# %s: %s\n", de->d_name, err);
          free (err);
          err = NULL;
        }
        for (i = 0; i < m.n; i++) {
          nmatches++;
          if (!meta_ok (m.m[i].meta_json)) {
            nbadmeta++;
            printf ("# %s: meta %s\n", m.m[i].rule, m.m[i].meta_json);
          }
          fprintf (found, "%s %s\n", m.m[i].rule, de->d_name);
          snprintf (line, sizeof line, "%s %s", m.m[i].rule, de->d_name);
          if (!list_has (expected, line)) {
            nunexpected++;
            printf ("# unexpected: %s\n", line);
          }
        }
        vs_match_list_clear (&m);
        free (data);
      }
      free (gpath);
      free (path);
    }
    if (d)
      closedir (d);
    if (found)
      fclose (found);

    f = fopen (expected, "r");
    while (f && fgets (line, sizeof line, f)) {
      line[strcspn (line, "\n")] = '\0';
      nexpected++;
      if (list_has (found_path, line))
        nfound++;
      else
        printf ("# not matched: %s\n", line);
    }
    if (f)
      fclose (f);
    unlink (found_path);
    free (found_path);
  }
  tap_ok (nexpected > 0, "rule-samples.sh wrote %zu expected matches",
          nexpected);
  tap_ok (nfound == nexpected && nunexpected == 0,
          "vmscan's loader matches the samples as expected.txt says "
          "(%zu of %zu, %zu unexpected)", nfound, nexpected, nunexpected);
  tap_ok (nmatches > 0 && nbadmeta == 0,
          "every match has description, author, severity, mitre_attack, "
          "category (%zu of %zu bad)", nbadmeta, nmatches);

 out:
  vs_rules_scanner_free (s);
  vs_rules_free (r);
  cmd = vs_xasprintf ("rm -rf '%s'", samples);
  if (system (cmd) != 0)
    printf ("# could not remove %s\n", samples);
  free (cmd);
  free (paths_txt);
  free (expected);
  free (samples);
  free (top);
}

int
main (void)
{
  char dir[] = "/tmp/vmscan-unit-rules.XXXXXX";
  char *rules_path, *data_path, *bad_path, *err = NULL;
  const char *paths[1];
  struct vs_rules *r = NULL;
  struct vs_rules_scanner *s = NULL;
  struct vs_match_list m = { NULL, 0, 0 };
  struct vs_rules_context ctx = { "evil.sh", "/tmp", ".sh", "UNKNOWN",
                                  "", "root" };
  static const unsigned char data[] =
    "xx needle yy \xde\xad\xbe\xef zz needle";
  FILE *f;
  char line[512], want[512];
  size_t i, nbad = 0;
  int found;

  tap_plan (15);
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
  tap_ok (vs_rules_compile (paths, 1, 0, &r, &nbad, &err) == 0, "compile: %s",
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
    char *cmd = vs_xasprintf ("yara -s -d filename=evil.sh -d filepath=/tmp "
                              "-d extension=.sh -d filetype=UNKNOWN -d md5= "
                              "-d owner=root "
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
  tap_ok (vs_rules_compile (paths, 1, 0, &r, &nbad, &err) == -1 && err
          && strstr (err, "bad.yar:1:"), "compile error names file and line: "
          "%s", err ? err : "");
  free (err);
  err = NULL;

  paths[0] = dir;
  unlink (bad_path);
  tap_ok (vs_rules_compile (paths, 1, 0, &r, &nbad, &err) == 0
          && vs_rules_nfiles (r) == 1, "a folder of rules");
  vs_rules_free (r);

  test_bundled (dir);
  vs_rules_cleanup ();

  unlink (rules_path);
  unlink (data_path);
  rmdir (dir);
  free (rules_path);
  free (data_path);
  free (bad_path);
  return tap_done ();
}
