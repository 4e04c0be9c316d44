/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for the parts of rules.c that follow LOKI's and THOR's
 * convention: the name parts of a guest path, the file type from the
 * first bytes, the severity of a number in a rule's meta, and rule
 * files that do not compile.  Rules in the style of signature-base's
 * cloaked-file rule are matched by vmscan's loader with the variables it
 * sets and by the yara command line given LOKI's values (written out
 * here, not computed by vmscan), and must give the same rules. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/rules.h"
#include "tap.h"
#include "base/util.h"

/* One name case: guest path, then LOKI's filename, filepath and
 * extension (os.path.basename, os.path.split()[0] and
 * os.path.splitext()[1].lower() of the path), except in the last case:
 * vmscan passes the name's bytes and lowers ASCII letters only (LOKI
 * would replace each non-ASCII character of the name with '?', and lower
 * the extension's Unicode letters). */
static const struct {
  const char *path, *filename, *filepath, *extension;
} name_cases[] = {
  { "/srv/img/x.JPG", "x.JPG", "/srv/img", ".jpg" },
  { "/x.jpeg", "x.jpeg", "/", ".jpeg" },
  { "/home/u/.bashrc", ".bashrc", "/home/u", "" },
  { "/a/b.", "b.", "/a", "." },
  { "/a/backup.tar.GZ", "backup.tar.GZ", "/a", ".gz" },
  { "/a/..hidden", "..hidden", "/a", "" },
  { "/a/...x.Y", "...x.Y", "/a", ".y" },
  { "/a.d/noext", "noext", "/a.d", "" },
  { "/a/\xc3\x84.\xc3\x84X", "\xc3\x84.\xc3\x84X", "/a", ".\xc3\x84x" },
};

static void
test_names (void)
{
  size_t i;
  struct vs_rules_names n;
  struct vs_rules_context ctx;
  char *longname;
  static const char with_nul[] = "/etc/a.SH\0.jpg";

  for (i = 0; i < VS_ARRAY_SIZE (name_cases); i++) {
    memset (&ctx, 0, sizeof ctx);
    vs_rules_names (name_cases[i].path, strlen (name_cases[i].path), &n,
                    &ctx);
    tap_ok (strcmp (ctx.filename, name_cases[i].filename) == 0
            && strcmp (ctx.filepath, name_cases[i].filepath) == 0
            && strcmp (ctx.extension, name_cases[i].extension) == 0,
            "names of %s: [%s] [%s] [%s]", name_cases[i].path,
            ctx.filename, ctx.filepath, ctx.extension);
  }

  /* A NUL ends the path; a long name is cut at VS_RULES_NAME_MAX. */
  vs_rules_names (with_nul, sizeof with_nul - 1, &n, &ctx);
  tap_ok (strcmp (ctx.filename, "a.SH") == 0
          && strcmp (ctx.extension, ".sh") == 0, "a NUL ends the path");
  longname = malloc (3 * VS_RULES_PATH_MAX);
  memset (longname, 'a', 3 * VS_RULES_PATH_MAX);
  longname[0] = '/';
  longname[2 * VS_RULES_PATH_MAX] = '/';
  memcpy (longname + 3 * VS_RULES_PATH_MAX - 4, ".EXE", 4);
  vs_rules_names (longname, 3 * VS_RULES_PATH_MAX, &n, &ctx);
  tap_ok (strlen (ctx.filename) == VS_RULES_NAME_MAX
          && strlen (ctx.filepath) == VS_RULES_PATH_MAX
          && strcmp (ctx.extension, ".exe") == 0,
          "long names are cut (%zu, %zu, %s)", strlen (ctx.filename),
          strlen (ctx.filepath), ctx.extension);
  free (longname);
}

static void
test_filetype (void)
{
  static const struct {
    const char *bytes;
    size_t len;
    const char *type;
  } cases[] = {
    { "\x7f" "ELF\x02\x01\x01", 7, "ELF" },
    { "\xff\xd8\xff\xe0\0\x10JFIF", 10, "JPEG" },
    { "MZ\x90\0", 4, "EXE" },
    { "PK\x03\x04\x14\0\x06\0", 8, "Office" },
    { "PK\x03\x04\x0a\0", 6, "ZIP" },
    { "#!/bin/sh\n", 10, "UNIX SCRIPT" },
    { "#!perl\n", 7, "Script" },
    { "<?php echo 1;", 13, "PHP" },
    { "\xff\xfe<\0%\0@\0", 8, "JSP" },
    { "\xff\xfe", 2, "Windows Registry File" },
    { "CWS\x0a", 4, "CWS" },
    { "\x7f", 1, "UNKNOWN" },
    { "", 0, "UNKNOWN" },
    { "hello", 5, "UNKNOWN" },
  };
  size_t i, j, n = vs_rules_filetype_count ();
  int hidden = 0;

  for (i = 0; i < VS_ARRAY_SIZE (cases); i++)
    tap_is_str (vs_rules_filetype (cases[i].bytes, cases[i].len),
                cases[i].type, "file type %zu is %s", i, cases[i].type);

  /* No signature is hidden by one before it that it begins with. */
  for (i = 0; i < n; i++)
    for (j = 0; j < i; j++) {
      const void *mi, *mj;
      size_t li, lj;
      const char *ti, *tj;

      vs_rules_filetype_entry (i, &mi, &li, &ti);
      vs_rules_filetype_entry (j, &mj, &lj, &tj);
      if (lj <= li && memcmp (mi, mj, lj) == 0) {
        printf ("# %s (%zu) is hidden by %s (%zu)\n", ti, i, tj, j);
        hidden++;
      }
    }
  tap_ok (n > 50 && hidden == 0, "%zu signatures, none hidden", n);
}

static void
test_severity (void)
{
  static const struct {
    enum vs_rules_scale scale;
    long long n;
    enum vs_severity want;
  } cases[] = {
    { VS_RULES_SEVERITY_NUMBER, -5, VS_SEV_INFO },
    { VS_RULES_SEVERITY_NUMBER, 0, VS_SEV_INFO },
    { VS_RULES_SEVERITY_NUMBER, 1, VS_SEV_LOW },
    { VS_RULES_SEVERITY_NUMBER, 21, VS_SEV_LOW },
    { VS_RULES_SEVERITY_NUMBER, 22, VS_SEV_MEDIUM },
    { VS_RULES_SEVERITY_NUMBER, 47, VS_SEV_MEDIUM },
    { VS_RULES_SEVERITY_NUMBER, 48, VS_SEV_HIGH },
    { VS_RULES_SEVERITY_NUMBER, 50, VS_SEV_HIGH },
    { VS_RULES_SEVERITY_NUMBER, 73, VS_SEV_HIGH },
    { VS_RULES_SEVERITY_NUMBER, 74, VS_SEV_CRITICAL },
    { VS_RULES_SEVERITY_NUMBER, 100, VS_SEV_CRITICAL },
    { VS_RULES_SEVERITY_NUMBER, 1000, VS_SEV_CRITICAL },
    { VS_RULES_SCORE, 0, VS_SEV_INFO },
    { VS_RULES_SCORE, 39, VS_SEV_INFO },
    { VS_RULES_SCORE, 40, VS_SEV_LOW },
    { VS_RULES_SCORE, 59, VS_SEV_LOW },
    { VS_RULES_SCORE, 60, VS_SEV_MEDIUM },
    { VS_RULES_SCORE, 74, VS_SEV_MEDIUM },
    { VS_RULES_SCORE, 75, VS_SEV_HIGH },
    { VS_RULES_SCORE, 80, VS_SEV_HIGH },
    { VS_RULES_SCORE, 89, VS_SEV_HIGH },
    { VS_RULES_SCORE, 90, VS_SEV_CRITICAL },
    { VS_RULES_SCORE, 100, VS_SEV_CRITICAL },
  };
  size_t i;
  int bad = 0;

  for (i = 0; i < VS_ARRAY_SIZE (cases); i++) {
    enum vs_severity got = vs_rules_number_severity (cases[i].scale,
                                                     cases[i].n);

    if (got != cases[i].want) {
      printf ("# %s %lld: %s, not %s\n",
              cases[i].scale == VS_RULES_SCORE ? "score" : "severity",
              cases[i].n, vs_severity_name (got),
              vs_severity_name (cases[i].want));
      bad++;
    }
  }
  tap_ok (bad == 0, "numeric severities and scores map to the table "
          "(%d wrong)", bad);
}

/* Rules in the style of signature-base's generic anomaly rules. */
static const char cloak_rules[] =
  "rule known_type_named_as_jpeg {\n"
  "  meta:\n"
  "    score = 60\n"
  "  condition:\n"
  "    (extension == \".jpg\" or extension == \".jpeg\") and\n"
  "    (filetype == \"EXE\" or filetype == \"ELF\" or filetype == \"PHP\")\n"
  "}\n"
  "rule elf_not_named_bin {\n"
  "  condition:\n"
  "    filetype == \"ELF\" and not extension == \".bin\"\n"
  "}\n"
  "rule in_image_folder {\n"
  "  condition:\n"
  "    filepath == \"/srv/img\" and filename matches /^x\\./\n"
  "}\n"
  "rule md5_and_owner {\n"
  "  condition:\n"
  "    md5 == \"00112233445566778899aabbccddeeff\" and owner == \"root\"\n"
  "}\n";

/* Runs yara with LOKI's values for one file; returns the matching rule
 * names, space separated and sorted, or NULL. */
static char *
yara_cli (const char *rules, const char *data, const char *filename,
          const char *filepath, const char *extension, const char *filetype,
          const char *md5)
{
  char *cmd = vs_xasprintf ("yara -d 'filename=%s' -d 'filepath=%s' "
                            "-d 'extension=%s' -d 'filetype=%s' "
                            "-d 'md5=%s' -d owner=root '%s' '%s' "
                            "| cut -d' ' -f1 | LC_ALL=C sort | tr '\\n' ' '",
                            filename, filepath, extension, filetype, md5,
                            rules, data);
  FILE *p = popen (cmd, "r");
  char buf[1024];
  size_t n = 0;

  free (cmd);
  if (!p)
    return NULL;
  n = fread (buf, 1, sizeof buf - 1, p);
  buf[n] = '\0';
  if (pclose (p) != 0)
    return NULL;
  return vs_xstrdup (buf);
}

/* The same through vmscan's loader and context. */
static char *
vmscan_scan (struct vs_rules_scanner *s, const char *bytes, size_t len,
             const char *guest_path, const char *md5)
{
  struct vs_rules_names n;
  struct vs_rules_context ctx;
  struct vs_match_list m = { NULL, 0, 0 };
  struct vs_buf b = VS_BUF_INIT;
  char *err = NULL;
  size_t i, j;

  vs_rules_names (guest_path, strlen (guest_path), &n, &ctx);
  ctx.filetype = vs_rules_filetype (bytes, len);
  ctx.md5 = md5;
  ctx.owner = "root";
  if (vs_rules_scan (s, bytes, len, &ctx, &m, &err) == -1) {
    printf ("# %s\n", err);
    free (err);
    return NULL;
  }
  /* Sorted by name, as sort(1) in the C locale. */
  for (i = 1; i < m.n; i++)
    for (j = i; j > 0 && strcmp (m.m[j - 1].rule, m.m[j].rule) > 0; j--) {
      struct vs_rule_match t = m.m[j];

      m.m[j] = m.m[j - 1];
      m.m[j - 1] = t;
    }
  for (i = 0; i < m.n; i++) {
    vs_buf_adds (&b, m.m[i].rule);
    vs_buf_addc (&b, ' ');
  }
  vs_match_list_clear (&m);
  return vs_buf_detach (&b, NULL);
}

static void
write_file (const char *path, const void *p, size_t n)
{
  FILE *f = fopen (path, "wb");

  if (!f || fwrite (p, 1, n, f) != n || fclose (f) != 0)
    tap_skip_all (path);
}

static void
test_cloaked (const char *dir)
{
  static const char elf[] = "\x7f" "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0";
  static const char jpeg[] = "\xff\xd8\xff\xe0\0\x10JFIF\0\x01\x01\0\0\x01";
  static const char php[] = "<?php system($_GET['c']); ?>";
  /* Guest path, the bytes, the md5 vmscan would have, LOKI's values
   * for yara, and the rules both must match. */
  static const struct {
    const char *path;
    const char *bytes;
    size_t len;
    const char *md5;
    const char *filename, *filepath, *extension, *filetype;
    const char *want;
  } cases[] = {
    { "/srv/img/x.jpg", elf, sizeof elf - 1, "", "x.jpg", "/srv/img",
      ".jpg", "ELF",
      "elf_not_named_bin in_image_folder known_type_named_as_jpeg " },
    { "/srv/img/x.jpg", jpeg, sizeof jpeg - 1, "", "x.jpg", "/srv/img",
      ".jpg", "JPEG", "in_image_folder " },
    { "/srv/img/y.JPEG", php, sizeof php - 1, "", "y.JPEG", "/srv/img",
      ".jpeg", "PHP", "known_type_named_as_jpeg " },
    { "/opt/x.bin", elf, sizeof elf - 1,
      "00112233445566778899aabbccddeeff", "x.bin", "/opt", ".bin", "ELF",
      "md5_and_owner " },
    { "/x.jpeg", elf, sizeof elf - 1, "", "x.jpeg", "/", ".jpeg", "ELF",
      "elf_not_named_bin known_type_named_as_jpeg " },
  };
  char *rules = vs_xasprintf ("%s/cloak.yar", dir);
  char *data = vs_xasprintf ("%s/data", dir);
  const char *paths[1] = { rules };
  struct vs_rules *r = NULL;
  struct vs_rules_scanner *s = NULL;
  char *err = NULL;
  size_t i, nbad;

  write_file (rules, cloak_rules, sizeof cloak_rules - 1);
  if (vs_rules_compile (paths, 1, 0, &r, &nbad, &err) == -1
      || vs_rules_scanner_new (r, 10, &s, &err) == -1) {
    tap_ok (0, "compile the cloaking rules: %s", err);
    free (err);
    return;
  }
  for (i = 0; i < VS_ARRAY_SIZE (cases); i++) {
    char *got, *cli;

    write_file (data, cases[i].bytes, cases[i].len);
    got = vmscan_scan (s, cases[i].bytes, cases[i].len, cases[i].path,
                       cases[i].md5);
    cli = yara_cli (rules, data, cases[i].filename, cases[i].filepath,
                    cases[i].extension, cases[i].filetype, cases[i].md5);
    tap_ok (got && cli && strcmp (got, cli) == 0
            && strcmp (got, cases[i].want) == 0,
            "%s (%s): vmscan [%s], yara with LOKI's values [%s]",
            cases[i].path, cases[i].filetype, got ? got : "(failed)",
            cli ? cli : "(failed)");
    free (got);
    free (cli);
  }
  vs_rules_scanner_free (s);
  vs_rules_free (r);
  unlink (rules);
  unlink (data);
  free (rules);
  free (data);
}

static void
test_bad_files (const char *dir)
{
  char *sub = vs_xasprintf ("%s/set", dir);
  char *files[4];
  static const char *const text[4] = {
    "rule good_one { condition: filesize > 0 and extension == \".exe\" }\n",
    "rule broken_syntax { condition: \n",
    "rule good_two { meta: score = 80 condition: md5 != \"\" }\n",
    "rule\nbroken_ident { condition: no_such_variable }\n",
  };
  static const char *const names[4] = {
    "a-good.yar", "b-bad.yar", "c-good.yara", "d-bad.yar",
  };
  const char *paths[1] = { sub };
  struct vs_rules *r = NULL;
  char *err = NULL, *nl;
  size_t i, nbad = 0;
  int ok;

  if (mkdir (sub, 0700) == -1)
    tap_skip_all ("cannot make a folder");
  for (i = 0; i < 4; i++) {
    files[i] = vs_xasprintf ("%s/%s", sub, names[i]);
    write_file (files[i], text[i], strlen (text[i]));
  }

  ok = vs_rules_compile (paths, 1, 0, &r, &nbad, &err) == -1;
  nl = err ? strchr (err, '\n') : NULL;
  tap_ok (ok && nbad == 2 && err && nl && !strchr (nl + 1, '\n')
          && strncmp (err, files[1], strlen (files[1])) == 0
          && strncmp (nl + 1, files[3], strlen (files[3])) == 0
          && strstr (nl + 1, "d-bad.yar:2: "),
          "without skipping: both bad files, one line each: [%s]",
          err ? err : "");
  free (err);
  err = NULL;

  ok = vs_rules_compile (paths, 1, 1, &r, &nbad, &err) == 0;
  tap_ok (ok && vs_rules_nfiles (r) == 2 && vs_rules_count (r) == 2
          && vs_rules_nbad (r) == 2,
          "skipping: two files, two rules, two left out%s%s",
          err ? ": " : "", err ? err : "");
  if (ok && vs_rules_nbad (r) == 2) {
    const char *path, *reason;

    vs_rules_bad (r, 1, &path, &reason);
    tap_ok (strcmp (path, files[3]) == 0 && strstr (reason, "d-bad.yar:2: ")
            && strstr (reason, "no_such_variable"),
            "a left-out file and its reason: %s", reason);
  }
  else
    tap_ok (0, "a left-out file and its reason");
  vs_rules_free (r);
  free (err);

  /* Nothing left: an error even when skipping. */
  for (i = 0; i < 4; i += 2)
    unlink (files[i]);
  r = NULL;
  err = NULL;
  tap_ok (vs_rules_compile (paths, 1, 1, &r, &nbad, &err) == -1
          && nbad == 2, "skipping, with no good file left: an error");
  free (err);
  for (i = 0; i < 4; i++) {
    unlink (files[i]);
    free (files[i]);
  }
  rmdir (sub);
  free (sub);
}

int
main (void)
{
  char dir[] = "/tmp/vmscan-unit-rules-ext.XXXXXX";

  tap_plan ((int) VS_ARRAY_SIZE (name_cases) + 2 + 14 + 1 + 1 + 5 + 4);
  if (!mkdtemp (dir))
    tap_skip_all ("cannot make a temporary directory");
  if (system ("yara --version >/dev/null 2>&1") != 0)
    tap_skip_all ("no yara command line tool");
  if (vs_rules_init () == -1)
    tap_skip_all ("cannot initialise YARA");
  test_names ();
  test_filetype ();
  test_severity ();
  test_cloaked (dir);
  test_bad_files (dir);
  vs_rules_cleanup ();
  rmdir (dir);
  return tap_done ();
}
