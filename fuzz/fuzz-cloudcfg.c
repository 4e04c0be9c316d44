/* SPDX-License-Identifier: BSD-3-Clause */
/* libFuzzer target: cloud-init user-data and cloud-config, and Ignition
 * configs (parse/cloudcfg.c): every directive's strings are walked, so
 * that a length that lies shows under AddressSanitizer. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/cloudcfg.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static size_t
walk (const struct vs_ci_doc *doc)
{
  size_t i, sum = 0;

  for (i = 0; i < doc->n; i++) {
    const struct vs_ci_item *it = &doc->v[i];

    sum += strlen (it->key) + it->text_len + it->content_len;
    if (it->text_len && it->text[it->text_len - 1] == 'x')
      sum++;
    if (it->content_len && it->content[it->content_len - 1] == 'x')
      sum++;
    if (it->account)
      sum += strlen (it->account);
    if (it->mode)
      sum += strlen (it->mode);
    if (it->sudo)
      sum += strlen (it->sudo);
    if (it->groups)
      sum += strlen (it->groups);
    if (it->source)
      sum += strlen (it->source);
  }
  return sum + strlen (vs_ci_format_name (doc->format));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *d = (const char *) data;
  struct vs_ci_doc doc;
  volatile size_t sink;

  vs_ci_parse (d, size, (int) (size & 3), &doc);
  sink = walk (&doc);
  vs_ci_free (&doc);
  vs_ci_parse_ignition (d, size, &doc);
  sink = walk (&doc);
  vs_ci_free (&doc);
  (void) sink;
  return 0;
}
