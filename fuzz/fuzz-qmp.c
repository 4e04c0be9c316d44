/* SPDX-License-Identifier: BSD-3-Clause */
/* libFuzzer target: the reader of qemu's QMP replies and the check of
 * the block nodes it lists (serve.c).  qemu-storage-daemon runs on a
 * hostile image; should it be subverted, this reader is what it talks
 * to. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>

#include "core/serve.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static const char *const formats[] = { "raw", "qcow2", "vmdk" };
  char *err = NULL;
  size_t i;

  for (i = 0; i < sizeof formats / sizeof formats[0]; i++) {
    if (vs_serve_check_nodes ((const char *) data, size, formats[i],
                              &err) == -1)
      free (err);
    err = NULL;
  }
  return 0;
}
