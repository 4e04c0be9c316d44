/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan core: the names of the enums in core/types.h (the store, the
 * walk and the checks name file types and severities through these),
 * and freeing a match list.
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/util.h"
#include "core/types.h"

const char *
vs_ftype_name (enum vs_ftype t)
{
  static const char *const names[] = {
    [VS_FT_FILE] = "file", [VS_FT_DIR] = "dir", [VS_FT_SYMLINK] = "symlink",
    [VS_FT_CHR] = "chardev", [VS_FT_BLK] = "blockdev", [VS_FT_FIFO] = "fifo",
    [VS_FT_SOCK] = "socket", [VS_FT_UNKNOWN] = "unknown",
  };

  return (unsigned) t < VS_ARRAY_SIZE (names) ? names[t] : "unknown";
}

enum vs_ftype
vs_ftype_from_mode (unsigned mode)
{
  switch (mode & S_IFMT) {
  case S_IFREG: return VS_FT_FILE;
  case S_IFDIR: return VS_FT_DIR;
  case S_IFLNK: return VS_FT_SYMLINK;
  case S_IFCHR: return VS_FT_CHR;
  case S_IFBLK: return VS_FT_BLK;
  case S_IFIFO: return VS_FT_FIFO;
  case S_IFSOCK: return VS_FT_SOCK;
  default: return VS_FT_UNKNOWN;
  }
}

void
vs_match_list_clear (struct vs_match_list *l)
{
  size_t i, j;

  for (i = 0; i < l->n; i++) {
    struct vs_rule_match *m = &l->m[i];

    for (j = 0; j < m->nstrings; j++) {
      free (m->strings[j].identifier);
      free (m->strings[j].data_hex);
    }
    free (m->strings);
    free (m->rule);
    free (m->ns);
    free (m->tags);
    free (m->meta_json);
  }
  free (l->m);
  l->m = NULL;
  l->n = l->alloc = 0;
}

static const char *const severity_names[VS_SEV_COUNT] = {
  "info", "low", "medium", "high", "critical"
};

const char *
vs_severity_name (enum vs_severity sev)
{
  return (unsigned) sev < VS_SEV_COUNT ? severity_names[sev] : "info";
}

int
vs_severity_parse (const char *s, enum vs_severity *out)
{
  unsigned i;

  for (i = 0; i < VS_SEV_COUNT; i++)
    if (strcmp (s, severity_names[i]) == 0) {
      *out = (enum vs_severity) i;
      return 0;
    }
  return -1;
}
