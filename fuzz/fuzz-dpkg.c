/* SPDX-License-Identifier: BSD-3-Clause */
/* libFuzzer target: the dpkg database parsers (parse/dpkg.c).  The first
 * byte chooses the parser (status, .list, .md5sums, diversions); the
 * callbacks touch every byte they are given so that ASan sees a read out
 * of bounds. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/dpkg.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static unsigned sink;

static void
touch (const char *p, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++)
    sink += (unsigned char)p[i];
}

static int
on_package (const struct vs_dpkg_package *p, void *opaque)
{
  size_t i;

  (void)opaque;
  touch (p->name, p->name_len);
  if (p->arch)
    touch (p->arch, p->arch_len);
  if (p->status)
    touch (p->status, p->status_len);
  for (i = 0; i < p->nconffiles; i++) {
    touch (p->conffiles[i].path, p->conffiles[i].path_len);
    touch (p->conffiles[i].md5, strlen (p->conffiles[i].md5));
  }
  return 0;
}

static int
on_path (const char *path, size_t len, void *opaque)
{
  (void)opaque;
  touch (path, len);
  return 0;
}

static int
on_md5 (const char *md5, const char *path, size_t len, void *opaque)
{
  (void)opaque;
  touch (md5, strlen (md5));
  touch (path, len);
  return 0;
}

static int
on_div (const char *a, size_t an, const char *b, size_t bn, const char *c,
        size_t cn, void *opaque)
{
  (void)opaque;
  touch (a, an);
  touch (b, bn);
  touch (c, cn);
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *text = (const char *)data + 1;
  size_t bad = 0;

  if (size < 1)
    return 0;
  switch (data[0] % 4) {
  case 0:
    vs_dpkg_parse_status (text, size - 1, on_package, NULL, &bad);
    break;
  case 1:
    vs_dpkg_parse_list (text, size - 1, on_path, NULL, &bad);
    break;
  case 2:
    vs_dpkg_parse_md5sums (text, size - 1, on_md5, NULL, &bad);
    break;
  default:
    vs_dpkg_parse_diversions (text, size - 1, on_div, NULL, &bad);
    break;
  }
  return 0;
}
