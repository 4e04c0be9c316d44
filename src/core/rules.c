/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: YARA rules: compile once, scan buffers from many threads.
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

static const char *const externals[] = {
  "filename", "filepath", "extension", "filetype", "owner",
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

int
vs_rules_compile (const char *const *paths, size_t npaths,
                  struct vs_rules **out, char **errmsg)
{
  struct vs_rules *r = vs_xcalloc (1, sizeof *r);
  YR_COMPILER *compiler = NULL;
  struct compile_state cs = { NULL, 0 };
  char **files = NULL;
  size_t nfiles = 0, i;
  YR_RULE *rule;

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

  if (yr_compiler_create (&compiler) != ERROR_SUCCESS) {
    *errmsg = vs_xstrdup ("YARA: cannot create a compiler");
    goto err;
  }
  yr_compiler_set_callback (compiler, compiler_callback, &cs);
  for (i = 0; i < VS_ARRAY_SIZE (externals); i++)
    yr_compiler_define_string_variable (compiler, externals[i], "");

  r->files = vs_xcalloc (nfiles, sizeof *r->files);
  for (i = 0; i < nfiles; i++) {
    struct rule_file *rf = &r->files[r->nfiles];
    struct stat sb;
    int fd = open (files[i], O_RDONLY | O_CLOEXEC);
    int errors;

    if (fd == -1 || fstat (fd, &sb) == -1
        || vs_sha256_fd (fd, rf->sha256) == -1
        || lseek (fd, 0, SEEK_SET) == -1) {
      *errmsg = vs_xasprintf ("%s: %s", files[i], strerror (errno));
      if (fd != -1)
        close (fd);
      goto err;
    }
    rf->path = vs_xstrdup (files[i]);
    rf->ns = make_namespace (r, files[i]);
    rf->size = (uint64_t) sb.st_size;
    r->nfiles++;
    errors = yr_compiler_add_fd (compiler, fd, rf->ns, files[i]);
    close (fd);
    if (errors > 0) {
      *errmsg = cs.first_error ? cs.first_error
        : vs_xasprintf ("%s: cannot compile", files[i]);
      cs.first_error = NULL;
      goto err;
    }
  }
  if (yr_compiler_get_rules (compiler, &r->rules) != ERROR_SUCCESS) {
    *errmsg = vs_xstrdup ("YARA: cannot build the rule set");
    goto err;
  }
  yr_rules_foreach (r->rules, rule)
    r->nrules++;
  yr_compiler_destroy (compiler);
  for (i = 0; i < nfiles; i++)
    free (files[i]);
  free (files);
  *out = r;
  return 0;

 err:
  free (cs.first_error);
  if (compiler)
    yr_compiler_destroy (compiler);
  for (i = 0; i < nfiles; i++)
    free (files[i]);
  free (files);
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
  values[4] = ctx->owner;
  for (i = 0; i < VS_ARRAY_SIZE (externals); i++)
    yr_scanner_define_string_variable (s->scanner, externals[i],
                                       values[i] ? values[i] : "");
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
