/* SPDX-License-Identifier: BSD-3-Clause */
/* libFuzzer target: the Berkeley DB hash reader (parse/bdb.c) feeding
 * the RPM header parser (parse/rpm.c), as the old rpmdb is read.  A walk
 * that reads more pages than the file has is a crash. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/bdb.h"
#include "parse/rpm.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static size_t sink;

static int
on_pair (const unsigned char *key, size_t klen, const unsigned char *data,
         size_t dlen, void *opaque)
{
  struct vs_rpm_header h;
  const char *err;
  size_t i;

  (void)opaque;
  for (i = 0; i < klen; i++)
    sink += key[i];
  for (i = 0; i < dlen; i++)
    sink += data[i];
  if (vs_rpm_header_parse (data, dlen, &h, &err) == 0) {
    sink += strlen (h.name) + h.nfiles;
    vs_rpm_header_clear (&h);
  }
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct vs_bdb_stats st;
  const char *err = NULL;

  vs_bdb_hash_walk (data, size, on_pair, NULL, &st, &err);
  /* Each page is read at most once, whatever the chains say. */
  if (st.pages > size / 512)
    abort ();
  return 0;
}
