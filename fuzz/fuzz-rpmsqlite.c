/* SPDX-License-Identifier: BSD-3-Clause */
/* libFuzzer target: the rpmdb.sqlite reader (parse/rpmsqlite.c) feeding
 * the RPM header parser (parse/rpm.c), as Fedora's rpmdb is read.  The
 * input is the database file; a run that uses more SQLite operations
 * than the budget of its size is a crash. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/rpm.h"
#include "parse/rpmsqlite.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static size_t sink;

static int
on_row (int64_t hnum, const unsigned char *blob, size_t len, void *opaque)
{
  struct vs_rpm_header h;
  const char *err;

  (void)opaque;
  sink += (size_t)hnum + len;
  if (vs_rpm_header_parse (blob, len, &h, &err) == 0) {
    sink += strlen (h.name) + h.nfiles;
    vs_rpm_header_clear (&h);
  }
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct vs_rpmsqlite_stats st;
  unsigned char *copy;
  char *err = NULL;

  /* The reader may rewrite the header's WAL bytes. */
  copy = malloc (size ? size : 1);
  if (!copy)
    return 0;
  memcpy (copy, data, size);
  memset (&st, 0, sizeof st);
  vs_rpmsqlite_walk (copy, size, on_row, NULL, &st, &err);
  free (err);
  free (copy);
  /* The progress handler stops at the budget, one step past it at most. */
  if (st.ops > VS_RPMSQLITE_OPS_BASE
                   + (uint64_t)VS_RPMSQLITE_OPS_PER_BYTE * size + 1000)
    abort ();
  return 0;
}
