/* SPDX-License-Identifier: BSD-3-Clause */
/* libFuzzer target: APT sources in both forms, apt.conf and gemrc
 * sources (parse/supply.c).  Every pointer a callback gets lies inside
 * the input, every apt.conf key within its cap, and the host of every
 * URI inside the URI. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/supply.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static const char *base;
static size_t base_len;

static void
inside (const char *p, size_t len)
{
  if (len && (p < base || p + len > base + base_len))
    abort ();
}

static int
on_source (void *opaque, const struct vs_apt_source *s)
{
  const char *h;
  size_t hl;
  int plain;

  (void) opaque;
  inside (s->uri, s->uri_len);
  inside (s->text, s->text_len);
  if (s->suite)
    inside (s->suite, s->suite_len);
  if (s->signed_by)
    inside (s->signed_by, s->signed_by_len);
  if (vs_url_host (s->uri, s->uri_len, &h, &hl, &plain) == 0) {
    if (h < s->uri || h + hl > s->uri + s->uri_len || hl == 0)
      abort ();
  }
  return 0;
}

static int
on_conf (void *opaque, const struct vs_aptconf_item *it)
{
  (void) opaque;
  if (it->key_len >= VS_APTCONF_MAX_KEY || strlen (it->key) != it->key_len)
    abort ();
  inside (it->value, it->value_len);
  return 0;
}

static int
on_gem (void *opaque, const char *src, size_t len, unsigned line)
{
  (void) opaque;
  (void) line;
  inside (src, len);
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static const char *const list[] = { ".debian.org", "pypi.org", NULL };
  const char *d = (const char *) data;

  base = d;
  base_len = size;
  vs_apt_sources_parse (d, size, 0, on_source, NULL);
  vs_apt_sources_parse (d, size, 1, on_source, NULL);
  vs_aptconf_parse (d, size, on_conf, NULL);
  vs_gemrc_sources (d, size, on_gem, NULL);
  vs_host_in (d, size, list);
  return 0;
}
