/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: ini-style files: systemd units, .desktop files.
 *
 * Pure text in, pointers out, like every parser here: an explicit
 * length, never a read past it, pointers into the caller's buffer.
 */
#ifndef VS_PARSE_INI_H
#define VS_PARSE_INI_H

#include <stddef.h>

#include "parse/text.h"

struct vs_ini {
  const char *data;
  size_t len, pos;
  const char *section;
  size_t section_len;
  struct vs_line line;
};

struct vs_ini_item {
  const char *section;          /* without brackets, may be empty */
  size_t section_len;
  const char *key;
  size_t key_len;
  const char *value;
  size_t value_len;
  unsigned line;
};

void vs_ini_init (struct vs_ini *ini, const char *data, size_t len);
/* The next key=value; returns 1, or 0 at the end (or when vs_tick ()
 * asks to stop: see vs_stopping ()).  Comments (# ;), blank lines and
 * lines that are not key=value are skipped. */
int vs_ini_next (struct vs_ini *ini, struct vs_ini_item *it);

#endif /* VS_PARSE_INI_H */
