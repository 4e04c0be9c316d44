/* SPDX-License-Identifier: BSD-3-Clause */
/* libFuzzer target: sudoers logical lines and their parse
 * (parse/sudoers.c).  A joined line never passes VS_SUDO_LINE_MAX, and
 * is said to be cut (2) only when the input held more. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>

#include "parse/sudoers.h"
#include "parse/text.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *d = (const char *) data;
  struct vs_buf line = VS_BUF_INIT;
  unsigned lineno = 0, first = 0;
  size_t pos = 0;

  int more;

  while ((more = vs_sudo_next (d, size, &pos, &lineno, &line, &first))) {
    struct vs_sudo_line s;

    if (line.len > VS_SUDO_LINE_MAX || (more == 2 && size <= VS_SUDO_LINE_MAX))
      abort ();
    vs_sudo_parse (line.data ? line.data : "", line.len, &s);
    if (s.kind == VS_SUDO_RULE) {
      const char *p = s.who, *end = s.who + s.who_len, *w;
      size_t wl;

      while (vs_next_item (&p, end, &w, &wl))
        ;
    }
  }
  vs_buf_release (&line);
  return 0;
}
