/* SPDX-License-Identifier: BSD-3-Clause */
/* libFuzzer target: the guest passwd parser (accounts.c). */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>

#include "parse/accounts.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct vs_accounts *a = vs_accounts_parse ((const char *) data, size);
  uint32_t uid = 0;

  if (size >= 4)
    uid = (uint32_t) data[0] | (uint32_t) data[1] << 8
      | (uint32_t) data[2] << 16 | (uint32_t) data[3] << 24;
  (void) vs_accounts_name (a, uid);
  (void) vs_accounts_name (a, 0);
  vs_accounts_free (a);
  return 0;
}
