/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: the lines of PAM stacks (see pam.h). */
#include <config.h>

#include <string.h>

#include "parse/pam.h"
#include "parse/text.h"

int
vs_pam_parse (const char *line, size_t len, int with_service,
              struct vs_pam_line *out)
{
  const char *p, *end, *w;
  size_t wl;

  if (!vs_line_content (&line, &len))
    return 0;
  memset (out, 0, sizeof *out);
  p = line;
  end = line + len;
  if (with_service && !vs_next_word (&p, end, &w, &wl))
    return -1;
  if (!vs_next_word (&p, end, &w, &wl) || wl == 0)
    return -1;
  if (w[0] == '@') {
    out->type = w;
    out->type_len = wl;
    out->include = 1;
    if (!vs_next_word (&p, end, &out->module, &out->module_len))
      return -1;
    return 1;
  }
  if (w[0] == '-') {
    w++;
    wl--;
  }
  if (wl == 0)
    return -1;
  out->type = w;
  out->type_len = wl;
  while (p < end && vs_is_blank (*p))
    p++;
  if (p >= end)
    return -1;
  if (*p == '[') {
    const char *close = memchr (p, ']', (size_t) (end - p));

    if (!close)
      return -1;
    out->control = p;
    out->control_len = (size_t) (close + 1 - p);
    p = close + 1;
  }
  else {
    vs_next_word (&p, end, &out->control, &out->control_len);
    if (vs_key_is (out->control, out->control_len, "include")
        || vs_key_is (out->control, out->control_len, "substack"))
      out->include = 1;
  }
  if (!vs_next_word (&p, end, &out->module, &out->module_len))
    return -1;
  while (p < end && vs_is_blank (*p))
    p++;
  out->args = p;
  out->args_len = (size_t) (end - p);
  return 1;
}
