/* SPDX-License-Identifier: BSD-3-Clause */
/* libFuzzer target: what a name says about a file (names.c).  The input
 * is taken as a whole path. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>

#include "parse/names.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *p = (const char *) data, *base, *ext, *comp;
  size_t blen, elen, clen;

  base = vs_name_base (p, size, &blen);
  if (base < p || base + blen != p + size)
    abort ();
  (void) vs_name_kthread_like (base, blen);
  (void) vs_name_edge_space (base, blen);
  (void) vs_name_system_binary (base, blen);
  (void) vs_name_miner (base, blen);
  if (vs_name_document_ext (base, blen, &ext, &elen)
      && ext + elen != base + blen)
    abort ();
  (void) vs_name_blank (base, blen);
  if (vs_name_hidden_component (p, size, &comp, &clen)
      && (comp < p || comp + clen > p + size))
    abort ();
  (void) vs_name_unicode_trick (base, blen);
  (void) vs_name_in_tmp (p, size);
  (void) vs_name_in_system_dir (p, size);
  (void) vs_name_in_any_bin_dir (p, size);
  (void) vs_name_in_home (p, size);
  return 0;
}
