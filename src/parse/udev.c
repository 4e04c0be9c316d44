/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: the programs a udev rule runs (see udev.h). */
#include <config.h>

#include <string.h>

#include "base/ascii.h"
#include "parse/text.h"
#include "parse/udev.h"

size_t
vs_udev_programs (const char *line, size_t len, struct vs_udev_prog *out,
                  size_t max)
{
  const char *p = line, *end = line + len;
  size_t n = 0;

  vs_trim (&p, &len);
  end = p + len;
  if (len == 0 || p[0] == '#')
    return 0;
  while (p < end && n < max) {
    const char *key, *val;
    size_t kl;
    int assign;

    while (p < end && (vs_is_blank (*p) || *p == ','))
      p++;
    if (p >= end)
      break;
    key = p;
    while (p < end && (vs_ascii_alnum (*p) || strchr ("_{}.-*", *p)))
      p++;
    kl = (size_t) (p - key);
    while (p < end && vs_is_blank (*p))
      p++;
    if (kl == 0 || p >= end)
      break;
    /* The operator. */
    assign = 0;
    if (p + 1 < end && (p[0] == '=' || p[0] == '!') && p[1] == '=')
      p += 2;
    else if (p + 1 < end && strchr ("+-:", p[0]) && p[1] == '=') {
      assign = 1;
      p += 2;
    }
    else if (p[0] == '=') {
      assign = 1;
      p++;
    }
    else
      break;
    while (p < end && vs_is_blank (*p))
      p++;
    if (p >= end || *p != '"')
      break;
    val = ++p;
    while (p < end && *p != '"') {
      if (*p == '\\' && p + 1 < end)
        p++;
      p++;
    }
    if (assign && (vs_key_is (key, kl, "RUN")
                   || vs_key_is (key, kl, "RUN{program}")
                   || vs_key_is (key, kl, "PROGRAM")
                   || vs_key_is (key, kl, "IMPORT{program}"))) {
      out[n].key = key;
      out[n].key_len = kl;
      out[n].value = val;
      out[n].value_len = (size_t) (p - val);
      n++;
    }
    if (p < end)
      p++;                      /* closing quote */
  }
  return n;
}
