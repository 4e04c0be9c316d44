/* SPDX-License-Identifier: BSD-3-Clause */
/* libFuzzer target: cryptominer configurations (miner.c). */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>

#include "parse/miner.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *d = (const char *) data;
  struct vs_miner_config c;

  (void) vs_miner_parse (d, size, &c);
  /* Every span must lie inside the input. */
  if (c.pool && (c.pool < d || c.pool + c.pool_len > d + size))
    abort ();
  if (c.wallet && (c.wallet < d || c.wallet + c.wallet_len > d + size))
    abort ();
  return 0;
}
