/* SPDX-License-Identifier: BSD-3-Clause */
/* libFuzzer target: suppression files (parse/suppress.c).  Whatever the
 * input, the parse ends; an accepted entry has a check, a reason and
 * something to match, its line is within the input, and matching it
 * against its own fields never fails to end. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/suppress.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct vs_suppress_list l;
  char *why = NULL;
  unsigned line = 0;
  size_t i, lines = 1;

  for (i = 0; i < size; i++)
    lines += data[i] == '\n';
  memset (&l, 0, sizeof l);
  if (vs_suppress_parse ((const char *) data, size, &l, &line, &why) == -1) {
    if (!why || line == 0 || line > lines)
      abort ();
    free (why);
  }
  for (i = 0; i < l.n; i++) {
    const struct vs_suppress_entry *e = &l.v[i];

    if (!e->check || !e->reason || !e->reason[0]
        || (!e->path && !e->account && !e->fingerprint)
        || e->line == 0 || e->line > lines)
      abort ();
    vs_suppress_matches (e, e->check, e->path, e->account, e->fingerprint);
    vs_suppress_expired (e, "2026-12-04");
  }
  vs_suppress_list_free (&l);
  return 0;
}
