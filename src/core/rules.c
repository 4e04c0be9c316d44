/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: YARA rules: compile once, scan buffers from many threads.
 *
 * Rule files are first compiled together; when that fails, each is
 * compiled alone to name every one that does not compile (as LOKI does
 * with its test compile of each file), and the set is compiled again
 * from the others when the caller skips bad files.
 *
 * The external variables and their values follow LOKI's loki.py
 * (Neo23x0/Loki: scan_data and its caller in scan_path; the file types
 * from get_file_type in lib/helpers.py and signature-base's
 * misc/file-type-signatures.txt) and THOR's manual (NextronSystems/
 * thor-manual, usage/custom-signatures.rst, "Additional Attributes").
 *
 * Limits on what a match may record, so that a crafted file cannot make
 * the evidence database explode: at most VS_MAX_STRING_MATCHES matches
 * per string and VS_MAX_RULE_STRINGS string matches per rule are kept,
 * each with at most the first 64 bytes of matched data (hex).
 */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yara.h>

#include "base/hash.h"
#include "core/rules.h"
#include "base/util.h"

#define VS_MAX_STRING_MATCHES 16
#define VS_MAX_RULE_STRINGS 256
#define VS_MAX_DEPTH 16

/* In the order of struct vs_rules_context. */
static const char *const externals[] = {
  "filename", "filepath", "extension", "filetype", "md5", "owner",
};

/* The rule file path and the first error of each file that did not
 * compile. */
struct bad_file {
  char *path;
  char *reason;
};

struct rule_file {
  char *path;
  char *ns;
  char sha256[65];
  uint64_t size;
};

struct vs_rules {
  YR_RULES *rules;
  struct rule_file *files;
  size_t nfiles;
  unsigned nrules;
  struct bad_file *bad;
  size_t nbad;
};

struct vs_rules_scanner {
  YR_SCANNER *scanner;
};

int
vs_rules_init (void)
{
  return yr_initialize () == ERROR_SUCCESS ? 0 : -1;
}

void
vs_rules_cleanup (void)
{
  yr_finalize ();
}

const char *
vs_rules_version (void)
{
  return YR_VERSION;
}

static int
has_rule_suffix (const char *name)
{
  size_t n = strlen (name);

  return (n > 4 && strcmp (name + n - 4, ".yar") == 0)
    || (n > 5 && strcmp (name + n - 5, ".yara") == 0);
}

static int
cmp_str (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* Adds every rule file below dir (sorted) to the list. */
static int
collect_dir (const char *dir, int depth, char ***list, size_t *n,
             char **errmsg)
{
  DIR *d;
  struct dirent *de;
  char **names = NULL;
  size_t nnames = 0, i;
  int r = 0;

  if (depth > VS_MAX_DEPTH) {
    *errmsg = vs_xasprintf ("%s: rule folders nested too deep", dir);
    return -1;
  }
  d = opendir (dir);
  if (!d) {
    *errmsg = vs_xasprintf ("%s: %s", dir, strerror (errno));
    return -1;
  }
  while ((de = readdir (d)) != NULL) {
    if (de->d_name[0] == '.')
      continue;
    names = vs_xrealloc (names, (nnames + 1) * sizeof *names);
    names[nnames++] = vs_xasprintf ("%s/%s", dir, de->d_name);
  }
  closedir (d);
  qsort (names, nnames, sizeof *names, cmp_str);
  for (i = 0; i < nnames; i++) {
    struct stat sb;

    if (r == 0 && stat (names[i], &sb) == 0) {
      if (S_ISDIR (sb.st_mode))
        r = collect_dir (names[i], depth + 1, list, n, errmsg);
      else if (S_ISREG (sb.st_mode) && has_rule_suffix (names[i])) {
        *list = vs_xrealloc (*list, (*n + 1) * sizeof **list);
        (*list)[(*n)++] = names[i];
        names[i] = NULL;
      }
    }
    free (names[i]);
  }
  free (names);
  return r;
}

/* The namespace for a rule file: its base name without the suffix, made
 * unique among the files already added. */
static int
namespace_taken (const struct vs_rules *r, const char *ns)
{
  size_t i;

  for (i = 0; i < r->nfiles; i++)
    if (strcmp (r->files[i].ns, ns) == 0)
      return 1;
  return 0;
}

static char *
make_namespace (const struct vs_rules *r, const char *path)
{
  const char *base = strrchr (path, '/');
  char *stem, *dot, *ns;
  unsigned k = 1;

  base = base ? base + 1 : path;
  stem = vs_xstrdup (base);
  dot = strrchr (stem, '.');
  if (dot && dot != stem)
    *dot = '\0';
  ns = vs_xstrdup (stem);
  while (namespace_taken (r, ns)) {
    free (ns);
    ns = vs_xasprintf ("%s_%u", stem, ++k);
  }
  free (stem);
  return ns;
}

struct compile_state {
  char *first_error;
  unsigned warnings;
};

static void
compiler_callback (int level, const char *file, int line,
                   const YR_RULE *rule, const char *message, void *opaque)
{
  struct compile_state *cs = opaque;

  (void) rule;
  if (level == YARA_ERROR_LEVEL_ERROR) {
    if (!cs->first_error)
      cs->first_error = vs_xasprintf ("%s:%d: %s", file ? file : "?", line,
                                      message);
  }
  else {
    cs->warnings++;
    vs_debug ("rules: %s:%d: warning: %s", file ? file : "?", line, message);
  }
}

/* A compiler with the external variables defined (their values when no
 * file is scanned: "" as LOKI defines them for compiling). */
static YR_COMPILER *
new_compiler (struct compile_state *cs)
{
  YR_COMPILER *c;
  size_t i;

  if (yr_compiler_create (&c) != ERROR_SUCCESS)
    return NULL;
  yr_compiler_set_callback (c, compiler_callback, cs);
  for (i = 0; i < VS_ARRAY_SIZE (externals); i++)
    if (yr_compiler_define_string_variable (c, externals[i], "")
        != ERROR_SUCCESS) {
      yr_compiler_destroy (c);
      return NULL;
    }
  return c;
}

/* Adds the rule file rf to the compiler.  Returns the number of errors;
 * the first is in cs->first_error.  *read_err is set when the file
 * cannot be opened (errno). */
static int
add_file (YR_COMPILER *c, const struct rule_file *rf, int *read_err)
{
  int fd = open (rf->path, O_RDONLY | O_CLOEXEC);
  int errors;

  *read_err = 0;
  if (fd == -1) {
    *read_err = 1;
    return 1;
  }
  errors = yr_compiler_add_fd (c, fd, rf->ns, rf->path);
  close (fd);
  return errors;
}

/* Compiles every file not marked skip[] into r->rules.  Returns 0, or
 * -1 with the first error in *errmsg. */
static int
compile_set (struct vs_rules *r, const unsigned char *skip, char **errmsg)
{
  struct compile_state cs = { NULL, 0 };
  YR_COMPILER *c = new_compiler (&cs);
  size_t i;
  int read_err;

  if (!c) {
    *errmsg = vs_xstrdup ("YARA: cannot create a compiler");
    return -1;
  }
  for (i = 0; i < r->nfiles; i++) {
    if (skip && skip[i])
      continue;
    if (add_file (c, &r->files[i], &read_err) > 0) {
      if (read_err)
        *errmsg = vs_xasprintf ("%s: %s", r->files[i].path,
                                strerror (errno));
      else
        *errmsg = cs.first_error ? cs.first_error
          : vs_xasprintf ("%s: cannot compile", r->files[i].path);
      cs.first_error = NULL;
      yr_compiler_destroy (c);
      return -1;
    }
  }
  if (yr_compiler_get_rules (c, &r->rules) != ERROR_SUCCESS) {
    free (cs.first_error);
    yr_compiler_destroy (c);
    *errmsg = vs_xstrdup ("YARA: cannot build the rule set");
    return -1;
  }
  yr_compiler_destroy (c);
  return 0;
}

/* Records path as a bad file, with reason (taken). */
static void
add_bad (struct vs_rules *r, const char *path, char *reason)
{
  struct bad_file *b;

  r->bad = vs_xrealloc (r->bad, (r->nbad + 1) * sizeof *r->bad);
  b = &r->bad[r->nbad++];
  b->path = vs_xstrdup (path);
  b->reason = reason;
}

static int
cmp_bad (const void *a, const void *b)
{
  return strcmp (((const struct bad_file *) a)->path,
                 ((const struct bad_file *) b)->path);
}

/* Compiles each file on its own; marks the ones that fail in bad[] and
 * records them in r->bad.  Returns -1 only when YARA fails. */
static int
find_bad_files (struct vs_rules *r, unsigned char *bad, char **errmsg)
{
  size_t i;

  for (i = 0; i < r->nfiles; i++) {
    struct compile_state cs = { NULL, 0 };
    YR_COMPILER *c = new_compiler (&cs);
    int read_err;

    if (!c) {
      *errmsg = vs_xstrdup ("YARA: cannot create a compiler");
      return -1;
    }
    if (add_file (c, &r->files[i], &read_err) > 0) {
      char *reason;

      if (read_err)
        reason = vs_xasprintf ("%s: %s", r->files[i].path, strerror (errno));
      else
        reason = cs.first_error ? cs.first_error
          : vs_xasprintf ("%s: cannot compile", r->files[i].path);
      cs.first_error = NULL;
      add_bad (r, r->files[i].path, reason);
      bad[i] = 1;
    }
    free (cs.first_error);
    yr_compiler_destroy (c);
  }
  return 0;
}

int
vs_rules_compile (const char *const *paths, size_t npaths, int skip_bad,
                  struct vs_rules **out, size_t *nbad, char **errmsg)
{
  struct vs_rules *r = vs_xcalloc (1, sizeof *r);
  char **files = NULL;
  unsigned char *bad = NULL;
  size_t nfiles = 0, unreadable, i;
  YR_RULE *rule;
  char *first = NULL;

  *nbad = 0;
  for (i = 0; i < npaths; i++) {
    struct stat sb;

    if (stat (paths[i], &sb) == -1) {
      *errmsg = vs_xasprintf ("%s: %s", paths[i], strerror (errno));
      goto err;
    }
    if (S_ISDIR (sb.st_mode)) {
      size_t before = nfiles;

      if (collect_dir (paths[i], 0, &files, &nfiles, errmsg) == -1)
        goto err;
      if (nfiles == before) {
        *errmsg = vs_xasprintf ("%s: no *.yar or *.yara files", paths[i]);
        goto err;
      }
    }
    else {
      files = vs_xrealloc (files, (nfiles + 1) * sizeof *files);
      files[nfiles++] = vs_xstrdup (paths[i]);
    }
  }

  /* Provenance first: path, namespace, hash and size of every file.  A
   * file that cannot be read is a bad one. */
  r->files = vs_xcalloc (nfiles ? nfiles : 1, sizeof *r->files);
  for (i = 0; i < nfiles; i++) {
    struct rule_file *rf = &r->files[r->nfiles];
    struct stat sb;
    int fd = open (files[i], O_RDONLY | O_CLOEXEC);

    if (fd == -1 || fstat (fd, &sb) == -1
        || vs_sha256_fd (fd, rf->sha256) == -1) {
      add_bad (r, files[i], vs_xasprintf ("%s: %s", files[i],
                                          strerror (errno)));
      if (fd != -1)
        close (fd);
      continue;
    }
    close (fd);
    rf->path = vs_xstrdup (files[i]);
    rf->ns = make_namespace (r, files[i]);
    rf->size = (uint64_t) sb.st_size;
    r->nfiles++;
  }
  unreadable = r->nbad;

  /* All together; when that fails, each alone to find every bad one,
   * and with skip_bad the others together again. */
  if ((r->nfiles > 0 || r->nbad == 0)
      && compile_set (r, NULL, &first) == -1) {
    bad = vs_xcalloc (r->nfiles, 1);
    if (find_bad_files (r, bad, errmsg) == -1)
      goto err;
    if (r->nbad == unreadable) {
      /* Each compiles alone but not all together. */
      *errmsg = first;
      first = NULL;
      goto err;
    }
    free (first);
    first = NULL;
    if (skip_bad && r->nbad - unreadable < r->nfiles) {
      size_t k = 0;

      if (compile_set (r, bad, errmsg) == -1)
        goto err;
      /* The files left out are not part of the set's provenance. */
      for (i = 0; i < r->nfiles; i++) {
        if (bad[i]) {
          free (r->files[i].path);
          free (r->files[i].ns);
        }
        else
          r->files[k++] = r->files[i];
      }
      r->nfiles = k;
    }
  }
  if (r->nbad > 0) {
    qsort (r->bad, r->nbad, sizeof *r->bad, cmp_bad);
    if (!skip_bad || !r->rules) {
      struct vs_buf b = VS_BUF_INIT;

      for (i = 0; i < r->nbad; i++) {
        if (i)
          vs_buf_addc (&b, '\n');
        vs_buf_adds (&b, r->bad[i].reason);
      }
      *nbad = r->nbad;
      *errmsg = vs_buf_detach (&b, NULL);
      goto err;
    }
  }
  yr_rules_foreach (r->rules, rule)
    r->nrules++;
  for (i = 0; i < nfiles; i++)
    free (files[i]);
  free (files);
  free (bad);
  *out = r;
  return 0;

 err:
  free (first);
  for (i = 0; i < nfiles; i++)
    free (files[i]);
  free (files);
  free (bad);
  vs_rules_free (r);
  return -1;
}

void
vs_rules_free (struct vs_rules *r)
{
  size_t i;

  if (!r)
    return;
  if (r->rules)
    yr_rules_destroy (r->rules);
  for (i = 0; i < r->nfiles; i++) {
    free (r->files[i].path);
    free (r->files[i].ns);
  }
  free (r->files);
  for (i = 0; i < r->nbad; i++) {
    free (r->bad[i].path);
    free (r->bad[i].reason);
  }
  free (r->bad);
  free (r);
}

size_t
vs_rules_nfiles (const struct vs_rules *r)
{
  return r->nfiles;
}

void
vs_rules_file (const struct vs_rules *r, size_t i, const char **path,
               const char **ns, const char **sha256, uint64_t *size)
{
  *path = r->files[i].path;
  *ns = r->files[i].ns;
  *sha256 = r->files[i].sha256;
  *size = r->files[i].size;
}

unsigned
vs_rules_count (const struct vs_rules *r)
{
  return r->nrules;
}

size_t
vs_rules_nbad (const struct vs_rules *r)
{
  return r->nbad;
}

void
vs_rules_bad (const struct vs_rules *r, size_t i, const char **path,
              const char **reason)
{
  *path = r->bad[i].path;
  *reason = r->bad[i].reason;
}

/* Copies at most max bytes of src (n long, or up to a NUL) to dst and
 * terminates it. */
static void
copy_capped (char *dst, const char *src, size_t n, size_t max)
{
  const char *nul = memchr (src, '\0', n);

  if (nul)
    n = (size_t) (nul - src);
  if (n > max)
    n = max;
  memcpy (dst, src, n);
  dst[n] = '\0';
}

void
vs_rules_names (const char *path, size_t len, struct vs_rules_names *n,
                struct vs_rules_context *ctx)
{
  const char *nul = path ? memchr (path, '\0', len) : NULL;
  const char *slash, *name, *dot = NULL, *p;
  size_t name_len, dir_len;

  if (!path)
    len = 0;
  if (nul)
    len = (size_t) (nul - path);
  slash = len ? memrchr (path, '/', len) : NULL;
  name = slash ? slash + 1 : path;
  name_len = len - (size_t) (name - path);

  /* The folder: what is before the last '/', or "/" for the root. */
  if (!slash)
    dir_len = 0;
  else if (slash == path)
    dir_len = 1;
  else
    dir_len = (size_t) (slash - path);
  copy_capped (n->filepath, path ? path : "", dir_len, VS_RULES_PATH_MAX);
  copy_capped (n->filename, name ? name : "", name_len, VS_RULES_NAME_MAX);

  /* The extension, as os.path.splitext: the last dot counts when
   * something other than a dot comes before it in the name. */
  if (name_len)
    dot = memrchr (name, '.', name_len);
  if (dot) {
    for (p = name; p < dot && *p == '.'; p++)
      ;
    if (p == dot)
      dot = NULL;
  }
  if (dot) {
    size_t i, k = (size_t) (name + name_len - dot);

    if (k > VS_RULES_NAME_MAX)
      k = VS_RULES_NAME_MAX;
    for (i = 0; i < k; i++)
      n->extension[i] = (char) (dot[i] >= 'A' && dot[i] <= 'Z'
                                ? dot[i] + ('a' - 'A') : dot[i]);
    n->extension[k] = '\0';
  }
  else
    n->extension[0] = '\0';
  ctx->filename = n->filename;
  ctx->filepath = n->filepath;
  ctx->extension = n->extension;
}

/* File types by their first bytes, with the names LOKI gives them (the
 * list in signature-base's misc/file-type-signatures.txt, where a
 * signature listed twice keeps its first place and its last name, as a
 * Python dict does).  The first that matches wins; a signature that
 * begins with another comes before it, so that order is also "the
 * longest that matches", and tests/unit/unit-rules.c checks that none is
 * hidden by one before it. */
static const struct {
  const char *magic;
  size_t len;
  const char *type;
} filetypes[] = {
#define FT(m, t) { m, sizeof m - 1, t }
  FT ("\x1f\x8b\x08", "GZIP"),
  FT ("%PDF", "PDF"),
  FT ("0\0\0\0LfLe", "EVT"),
  FT ("PK\x03\x04\x14\0\x06\0", "Office"),
  FT ("PK\x03\x04\x14\0\x08\0", "JAR"),
  FT ("PKSpX", "PKSFX"),
  FT ("7z\xbc\xaf\x27\x1c", "7Zip"),
  FT ("Function", "VBS"),
  FT ("BZh", "BZip2"),
  FT ("_'\xa8\x89", "JAR"),
  FT ("\xff\xd8\xff", "JPEG"),
  FT ("PK\x05\x06", "PKZIP"),
  FT ("Rar!\x1a\x07", "RAR"),
  FT ("WinZip", "WinZIP"),
  FT ("regf", "Registry Hive"),
  FT ("{\\rtf1", "RTF"),
  FT ("ustar", "TAR"),
  FT ("\xd4\xc3\xb2\xa1", "WINPCAP"),
  FT ("\xa1\xb2\xc3\xd4", "LIBPCAP"),
  FT ("\xa1\xb2\xcd\x34", "LIBPCAP"),
  FT ("\xca\xfe\xba\xbe", "Class"),
  FT ("\xffKEYB   ", "SYS Keyboard Driver"),
  FT ("\xff\xfe<\0?\0x\0m\0l", "Windows At Job"),
  FT ("<?php", "PHP"),
  FT ("\x0d" "DOC", "DOC"),
  FT ("# Disk D", "VMDK"),
  FT ("ElfFil", "EVTX"),
  FT ("AES", "AESCrypt"),
  FT ("COWD", "VMDK"),
  FT ("<?xm", "XML"),
  FT ("<?XM", "XML"),
  FT ("CWS", "CWS"),
  FT ("ZWS", "ZWS"),
  FT ("GIF", "GIF"),
  FT ("FILE", "NTFS MFT"),
  FT ("JARCS\0", "JARCS"),
  FT ("KDM", "VMDK"),
  FT ("L\0\0\0\x01\x14\x02\0", "LNK"),
  FT ("MSCF", "CAB"),
  FT ("PK\x03\x04", "ZIP"),
  FT ("\xff\xfe<\0%\0@", "JSP"),
  FT ("_CASE_", "Encase File"),
  FT ("conectix", "VHD"),
  FT ("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "OLE"),
  FT ("\xff\xff\xff\xff", "SYS"),
  FT ("#!/", "UNIX SCRIPT"),
  FT ("MDMP", "MDMP"),
  FT ("FWS", "FWS (Flash)"),
  FT ("\x7f" "E", "ELF"),
  FT ("#!", "Script"),
  FT ("\x60\xea", "ARJ"),
  FT ("\x1f\x9d", "TARZ"),
  FT ("\x1f\xa0", "TARZ"),
  FT ("<%", "JSP"),
  FT ("MZ", "EXE"),
  FT ("\xff\xfe", "Windows Registry File"),
  FT ("\xe8", "SYS"),
  FT ("\xe9", "SYS"),
  FT ("\xeb", "SYS"),
#undef FT
};

const char *
vs_rules_filetype (const void *buf, size_t len)
{
  size_t i;

  for (i = 0; i < VS_ARRAY_SIZE (filetypes); i++)
    if (len >= filetypes[i].len
        && memcmp (buf, filetypes[i].magic, filetypes[i].len) == 0)
      return filetypes[i].type;
  return "UNKNOWN";
}

size_t
vs_rules_filetype_count (void)
{
  return VS_ARRAY_SIZE (filetypes);
}

void
vs_rules_filetype_entry (size_t i, const void **magic, size_t *len,
                         const char **type)
{
  *magic = filetypes[i].magic;
  *len = filetypes[i].len;
  *type = filetypes[i].type;
}

/* The bands: the lowest number of each level, info first.  Elastic's
 * detection rules give each severity a default risk score (low 21,
 * medium 47, high 73, critical 99); a number belongs to the level whose
 * default is the nearest at or above it, and 0 is info.  LOKI and THOR
 * report a total score of 40 as a notice and 60 as a warning; THOR
 * alerts when a score above 75 is part of it and gives 75 to a rule
 * without a score; 90 and above, signature-base's strongest rules, is
 * critical. */
enum vs_severity
vs_rules_number_severity (enum vs_rules_scale scale, long long n)
{
  static const long long elastic[VS_SEV_COUNT] = { 0, 1, 22, 48, 74 };
  static const long long score[VS_SEV_COUNT] = { 0, 40, 60, 75, 90 };
  const long long *band = scale == VS_RULES_SCORE ? score : elastic;
  int level;

  for (level = VS_SEV_COUNT - 1; level > 0; level--)
    if (n >= band[level])
      break;
  return (enum vs_severity) level;
}

int
vs_rules_scanner_new (struct vs_rules *r, int timeout,
                      struct vs_rules_scanner **out, char **errmsg)
{
  struct vs_rules_scanner *s = vs_xcalloc (1, sizeof *s);

  if (yr_scanner_create (r->rules, &s->scanner) != ERROR_SUCCESS) {
    free (s);
    *errmsg = vs_xstrdup ("YARA: cannot create a scanner");
    return -1;
  }
  yr_scanner_set_timeout (s->scanner, timeout);
  *out = s;
  return 0;
}

void
vs_rules_scanner_free (struct vs_rules_scanner *s)
{
  if (!s)
    return;
  if (s->scanner)
    yr_scanner_destroy (s->scanner);
  free (s);
}

struct scan_state {
  struct vs_match_list *out;
  int too_many;
};

static void
add_meta (struct vs_buf *b, const YR_META *meta, int first)
{
  if (!first)
    vs_buf_addc (b, ',');
  if (meta->type != META_TYPE_INTEGER && meta->type != META_TYPE_BOOLEAN) {
    /* A string, with NAME_hex beside it when it is not valid UTF-8. */
    vs_buf_add_json_member (b, meta->identifier, meta->string,
                            strlen (meta->string), 0);
    return;
  }
  vs_buf_add_json_string (b, meta->identifier, strlen (meta->identifier), 0);
  vs_buf_addc (b, ':');
  if (meta->type == META_TYPE_INTEGER)
    vs_buf_addf (b, "%lld", (long long) meta->integer);
  else
    vs_buf_adds (b, meta->integer ? "true" : "false");
}

static void
record_rule (YR_SCAN_CONTEXT *ctx, const YR_RULE *rule,
             struct vs_match_list *out)
{
  struct vs_rule_match *m;
  struct vs_buf b = VS_BUF_INIT;
  const char *tag;
  const YR_META *meta;
  const YR_STRING *string;
  int first = 1;

  if (out->n == out->alloc) {
    out->alloc = out->alloc ? out->alloc * 2 : 4;
    out->m = vs_xrealloc (out->m, out->alloc * sizeof *out->m);
  }
  m = &out->m[out->n++];
  memset (m, 0, sizeof *m);
  m->rule = vs_xstrdup (rule->identifier);
  m->ns = vs_xstrdup (rule->ns->name);

  yr_rule_tags_foreach (rule, tag) {
    if (b.len)
      vs_buf_addc (&b, ' ');
    vs_buf_adds (&b, tag);
  }
  m->tags = vs_buf_detach (&b, NULL);

  vs_buf_addc (&b, '{');
  yr_rule_metas_foreach (rule, meta) {
    add_meta (&b, meta, first);
    first = 0;
  }
  vs_buf_addc (&b, '}');
  m->meta_json = vs_buf_detach (&b, NULL);

  yr_rule_strings_foreach (rule, string) {
    const YR_MATCH *match;
    unsigned per_string = 0;

    yr_string_matches_foreach (ctx, string, match) {
      struct vs_string_match *sm;
      int32_t i, n;

      if (per_string++ >= VS_MAX_STRING_MATCHES
          || m->nstrings >= VS_MAX_RULE_STRINGS)
        break;
      m->strings = vs_xrealloc (m->strings,
                                (m->nstrings + 1) * sizeof *m->strings);
      sm = &m->strings[m->nstrings++];
      sm->identifier = vs_xstrdup (string->identifier);
      sm->offset = (uint64_t) (match->base + match->offset);
      sm->length = (uint32_t) match->match_length;
      n = match->data_length < 64 ? match->data_length : 64;
      for (i = 0; i < n; i++)
        vs_buf_addf (&b, "%02x", match->data[i]);
      sm->data_hex = vs_buf_detach (&b, NULL);
    }
  }
}

static int
scan_callback (YR_SCAN_CONTEXT *ctx, int message, void *data, void *opaque)
{
  struct scan_state *st = opaque;

  switch (message) {
  case CALLBACK_MSG_RULE_MATCHING:
    record_rule (ctx, data, st->out);
    break;
  case CALLBACK_MSG_TOO_MANY_MATCHES:
    st->too_many = 1;
    break;
  default:
    break;
  }
  return CALLBACK_CONTINUE;
}

int
vs_rules_scan (struct vs_rules_scanner *s, const void *buf, size_t len,
               const struct vs_rules_context *ctx,
               struct vs_match_list *out, char **errmsg)
{
  struct scan_state st = { out, 0 };
  const char *values[VS_ARRAY_SIZE (externals)];
  size_t i;
  int r;

  values[0] = ctx->filename;
  values[1] = ctx->filepath;
  values[2] = ctx->extension;
  values[3] = ctx->filetype;
  values[4] = ctx->md5;
  values[5] = ctx->owner;
  for (i = 0; i < VS_ARRAY_SIZE (externals); i++)
    if (yr_scanner_define_string_variable (s->scanner, externals[i],
                                           values[i] ? values[i] : "")
        != ERROR_SUCCESS) {
      *errmsg = vs_xasprintf ("YARA: cannot set the variable %s",
                              externals[i]);
      return -1;
    }
  yr_scanner_set_callback (s->scanner, scan_callback, &st);
  r = yr_scanner_scan_mem (s->scanner, buf, len);
  if (r == ERROR_SCAN_TIMEOUT) {
    *errmsg = vs_xstrdup ("YARA scan timed out");
    return -1;
  }
  if (r == ERROR_TOO_MANY_MATCHES) {
    *errmsg = vs_xstrdup ("YARA: too many matches; scan stopped");
    return -1;
  }
  if (r != ERROR_SUCCESS) {
    *errmsg = vs_xasprintf ("YARA scan failed (error %d)", r);
    return -1;
  }
  if (st.too_many)
    vs_debug ("YARA: a string had too many matches; some not recorded");
  return 0;
}
