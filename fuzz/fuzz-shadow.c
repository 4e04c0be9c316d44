/* SPDX-License-Identifier: BSD-3-Clause */
/* libFuzzer target: passwd, shadow and group lines (colon fields) and
 * the password field description (parse/passwd.c). */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>

#include "parse/passwd.h"
#include "parse/text.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *d = (const char *) data;
  struct vs_line l = { NULL, 0, 0 };
  size_t pos = 0;

  while (vs_line_next (d, size, &pos, &l)) {
    const char *f[7];
    size_t fl[7];
    int usable;
    size_t n = vs_colon_split (l.p, l.len, f, fl, 7);

    if (n >= 2)
      (void) vs_shadow_describe (f[1], fl[1], &usable);
    if (n >= 7)
      (void) vs_is_login_shell (f[6], fl[6]);
    (void) vs_line_is_comment (l.p, l.len);
  }
  return 0;
}
