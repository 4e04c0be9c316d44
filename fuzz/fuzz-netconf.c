/* SPDX-License-Identifier: BSD-3-Clause */
/* libFuzzer target: /etc/hosts, resolv.conf and nsswitch.conf
 * (parse/netconf.c) and the address kinds.  Every pointer a callback
 * gets lies inside the input. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>

#include "parse/netconf.h"

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
on_host (void *opaque, const struct vs_hosts_name *h)
{
  (void) opaque;
  inside (h->addr, h->addr_len);
  inside (h->name, h->name_len);
  inside (h->text, h->text_len);
  if (vs_addr_kind (h->addr, h->addr_len) > VS_ADDR_PUBLIC)
    abort ();
  vs_addr_same (h->addr, h->addr_len, "169.254.169.254");
  return 0;
}

static int
on_resolv (void *opaque, const char *kw, size_t kwl, const char *args,
           size_t al, unsigned line)
{
  (void) opaque;
  (void) line;
  inside (kw, kwl);
  inside (args, al);
  return 0;
}

static int
on_nss (void *opaque, const char *db, size_t dbl, const char *svc,
        size_t sl, unsigned line)
{
  (void) opaque;
  (void) line;
  inside (db, dbl);
  inside (svc, sl);
  if (sl == 0)
    abort ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *d = (const char *) data;

  base = d;
  base_len = size;
  vs_hosts_parse (d, size, on_host, NULL);
  vs_resolv_parse (d, size, on_resolv, NULL);
  vs_nsswitch_parse (d, size, on_nss, NULL);
  vs_addr_kind (d, size);
  return 0;
}
