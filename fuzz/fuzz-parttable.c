/* SPDX-License-Identifier: BSD-3-Clause */
/* libFuzzer target: the MBR, GPT and filesystem-size reader that checks
 * a raw image against its size (parttable.c).  The input is the image. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>

#include "image/parttable.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  free (vs_parttable_check_buffer (data, size));
  return 0;
}
