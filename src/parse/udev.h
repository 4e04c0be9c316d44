/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: the programs a udev rule runs.
 *
 * Pure text in, pointers out, like every parser here: an explicit
 * length, never a read past it, pointers into the caller's buffer.
 */
#ifndef VS_PARSE_UDEV_H
#define VS_PARSE_UDEV_H

#include <stddef.h>

struct vs_udev_prog {
  const char *key;              /* RUN, RUN{program}, PROGRAM,
                                   IMPORT{program} */
  size_t key_len;
  const char *value;            /* inside the quotes, escapes kept */
  size_t value_len;
};

/* The programs a rule line runs; at most max, returns how many. */
size_t vs_udev_programs (const char *line, size_t len,
                         struct vs_udev_prog *out, size_t max);

#endif /* VS_PARSE_UDEV_H */
