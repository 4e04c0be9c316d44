/* SPDX-License-Identifier: BSD-3-Clause */
/* libFuzzer target: the host-side image header checks (image.c), which
 * read attacker-made qcow2, VMDK, VHD and VHDX headers before qemu does. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>

#include "image/image.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static const char *const formats[] = {
    NULL, "raw", "qcow2", "vmdk", "vhd", "vhdx"
  };
  struct vs_image img;
  char *err = NULL;
  size_t i;

  for (i = 0; i < sizeof formats / sizeof formats[0]; i++) {
    if (vs_image_probe_buffer (data, size, formats[i], &img, &err) == -1)
      free (err);
    err = NULL;
  }
  return 0;
}
