/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: the fields of passwd, shadow and group lines (see passwd.h). */
#include <config.h>

#include <string.h>

#include "base/ascii.h"
#include "base/util.h"
#include "parse/passwd.h"
#include "parse/text.h"

int
vs_is_login_shell (const char *shell, size_t len)
{
  static const char *const no[] = {
    "nologin", "false", "sync", "shutdown", "halt", "true",
  };
  const char *b = shell;
  size_t i, bl;

  vs_trim (&shell, &len);
  if (len == 0)
    return 1;                   /* passwd(5): empty means /bin/sh */
  b = shell;
  for (i = 0; i < len; i++)
    if (shell[i] == '/')
      b = shell + i + 1;
  bl = len - (size_t) (b - shell);
  for (i = 0; i < VS_ARRAY_SIZE (no); i++)
    if (strlen (no[i]) == bl && memcmp (no[i], b, bl) == 0)
      return 0;
  return 1;
}

size_t
vs_colon_split (const char *line, size_t len, const char **f, size_t *fl,
                size_t max)
{
  size_t i, start = 0, k = 0;

  for (i = 0; i <= len; i++) {
    if (i == len || line[i] == ':') {
      if (k < max) {
        f[k] = line + start;
        fl[k] = i - start;
      }
      k++;
      start = i + 1;
    }
  }
  return k;
}

const char *
vs_shadow_describe (const char *pw, size_t len, int *usable)
{
  static const struct {
    const char *prefix, *name;
  } algos[] = {
    { "$y$", "yescrypt" }, { "$gy$", "gost-yescrypt" },
    { "$7$", "scrypt" }, { "$6$", "sha512crypt" },
    { "$5$", "sha256crypt" }, { "$2a$", "bcrypt" }, { "$2b$", "bcrypt" },
    { "$2y$", "bcrypt" }, { "$1$", "md5crypt" }, { "$sha1$", "sha1crypt" },
    { "$md5", "sunmd5" },
  };
  size_t i;

  *usable = 0;
  if (len == 0) {
    *usable = 1;
    return "empty";
  }
  if (pw[0] == '!' || pw[0] == '*')
    return "locked";
  for (i = 0; i < VS_ARRAY_SIZE (algos); i++) {
    size_t n = strlen (algos[i].prefix);

    if (len > n && memcmp (pw, algos[i].prefix, n) == 0) {
      *usable = 1;
      return algos[i].name;
    }
  }
  if (len == 13) {
    for (i = 0; i < len; i++)
      if (!vs_ascii_alnum (pw[i]) && pw[i] != '.' && pw[i] != '/')
        break;
    if (i == len) {
      *usable = 1;
      return "descrypt";
    }
  }
  if (len == 1 && pw[0] == 'x')
    return "no password (x)";
  return "unrecognised format";
}
