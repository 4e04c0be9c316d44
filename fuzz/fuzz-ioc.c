/* SPDX-License-Identifier: BSD-3-Clause */
/* libFuzzer target: the --ioc list parser and its path patterns (ioc.c).
 * The input is split at the first NUL: the list before, a path (or a
 * hash) after it. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/ioc.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *d = (const char *) data;
  const char *nul = memchr (d, '\0', size);
  size_t listlen = nul ? (size_t) (nul - d) : size;
  const char *path = nul ? nul + 1 : "/tmp/x";
  size_t plen = nul ? size - listlen - 1 : 6;
  struct vs_ioc *ioc = vs_ioc_new ();
  char *err = NULL, *hex;
  const char *pat;

  if (vs_ioc_parse (ioc, "fuzz", d, listlen, &err) >= 0) {
    (void) vs_ioc_match_path (ioc, path, plen, &pat);
    hex = malloc (plen + 1);
    memcpy (hex, path, plen);
    hex[plen] = '\0';
    (void) vs_ioc_match_hash (ioc, "md5", hex);
    (void) vs_ioc_match_hash (ioc, "sha1", hex);
    (void) vs_ioc_match_hash (ioc, "sha256", hex);
    free (hex);
  }
  free (err);
  vs_ioc_free (ioc);
  return 0;
}
