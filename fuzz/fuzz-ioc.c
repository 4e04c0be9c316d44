/* libFuzzer target: the --ioc list parser and the path pattern matcher
 * (ioc.c).  The input is split at the first NUL: before it an IOC list,
 * after it a path to match against the list's patterns. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ioc.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *text = (const char *) data;
  const char *nul = memchr (text, '\0', size);
  size_t list_len = nul ? (size_t) (nul - text) : size;
  struct vs_ioc *ioc = vs_ioc_new ();
  char *err = NULL;
  const char *pattern = NULL;

  if (vs_ioc_parse (ioc, "fuzz", text, list_len, &err) >= 0 && nul) {
    const char *path = nul + 1;
    size_t path_len = size - list_len - 1;

    (void) vs_ioc_match_path (ioc, path, path_len, &pattern);
    if (path_len == 64)
      (void) vs_ioc_match_hash (ioc, "sha256", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
  }
  free (err);
  vs_ioc_free (ioc);
  return 0;
}
