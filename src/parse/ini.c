/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: ini-style files: systemd units, .desktop files (see ini.h).
 *
 * A guest can make a file of many lines: each turn of the loop over
 * them counts with vs_tick ().
 */
#include <config.h>

#include <string.h>

#include "base/util.h"
#include "parse/ini.h"

void
vs_ini_init (struct vs_ini *ini, const char *data, size_t len)
{
  memset (ini, 0, sizeof *ini);
  ini->data = data;
  ini->len = len;
  ini->section = "";
}

int
vs_ini_next (struct vs_ini *ini, struct vs_ini_item *it)
{
  while (vs_line_next (ini->data, ini->len, &ini->pos, &ini->line)) {
    const char *p = ini->line.p, *eq;
    size_t len = ini->line.len;

    if (vs_tick ())
      return 0;
    vs_trim (&p, &len);
    if (len == 0 || p[0] == '#' || p[0] == ';')
      continue;
    if (p[0] == '[') {
      const char *close = memchr (p, ']', len);

      if (close) {
        ini->section = p + 1;
        ini->section_len = (size_t) (close - p - 1);
      }
      continue;
    }
    eq = memchr (p, '=', len);
    if (!eq || eq == p)
      continue;
    it->section = ini->section;
    it->section_len = ini->section_len;
    it->key = p;
    it->key_len = (size_t) (eq - p);
    vs_trim (&it->key, &it->key_len);
    it->value = eq + 1;
    it->value_len = len - (size_t) (eq + 1 - p);
    vs_trim (&it->value, &it->value_len);
    it->line = ini->line.no;
    return 1;
  }
  return 0;
}
