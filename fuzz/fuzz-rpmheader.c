/* SPDX-License-Identifier: BSD-3-Clause */
/* libFuzzer target: the RPM header blob parser (parse/rpm.c).  Every
 * string of the result is read to its NUL so that ASan sees a string
 * that runs off the blob. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/rpm.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static size_t sink;

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct vs_rpm_header h;
  const char *err = NULL;
  size_t i;

  if (vs_rpm_header_parse (data, size, &h, &err) == -1)
    return 0;
  sink += strlen (h.name);
  if (h.version)
    sink += strlen (h.version);
  if (h.release)
    sink += strlen (h.release);
  if (h.arch)
    sink += strlen (h.arch);
  for (i = 0; i < h.nfiles; i++)
    sink += strlen (h.files[i].dir) + strlen (h.files[i].base)
            + strlen (h.files[i].digest) + h.files[i].mode + h.files[i].flags;
  vs_rpm_header_clear (&h);
  return 0;
}
