/* SPDX-License-Identifier: BSD-3-Clause */
/* libFuzzer target: private keys and credentials in text (secrets.c). */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/secrets.h"
#include "base/util.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *d = (const char *) data;
  struct vs_privkey keys[VS_PRIVKEY_MAX];
  struct vs_secret_hit hits[VS_SECRET_MAX_HITS];
  struct vs_buf b = VS_BUF_INIT;
  size_t pos = 0, n, i;
  unsigned mode = size ? (unsigned) data[0] & 3 : 0;

  n = vs_privkey_find (d, size, keys, VS_PRIVKEY_MAX);
  for (i = 0; i < n; i++)
    if (keys[i].type[sizeof keys[i].type - 1] != '\0'
        || keys[i].fingerprint[sizeof keys[i].fingerprint - 1] != '\0')
      abort ();
  while (pos < size) {
    const char *line = d + pos, *end = memchr (line, '\n', size - pos);
    size_t len = end ? (size_t) (end - line) : size - pos;

    pos += len + (end ? 1 : 0);
    n = vs_secret_scan_line (line, len, mode, hits, VS_SECRET_MAX_HITS);
    for (i = 0; i < n; i++) {
      if (hits[i].start + hits[i].len > len
          || (i > 0 && hits[i].start < hits[i - 1].start + hits[i - 1].len))
        abort ();
      vs_secret_redact (&b, line + hits[i].start, hits[i].len);
      vs_secret_add_sha256 (&b, line + hits[i].start, hits[i].len);
      vs_secret_redact_wallet (&b, line + hits[i].start, hits[i].len);
    }
    vs_secret_add_redacted_line (&b, line, len, hits, n, 512);
    vs_buf_setlen (&b, 0);
  }
  vs_buf_release (&b);
  return 0;
}
