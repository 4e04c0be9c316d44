/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: /etc/hosts, resolv.conf, nsswitch.conf and addresses (see
 * netconf.h).
 *
 * One pass over the lines, each turn counted with vs_tick (); an
 * address is copied into a small buffer on the stack before inet_pton
 * reads it.
 */
#include <config.h>

#include <arpa/inet.h>
#include <string.h>

#include "base/util.h"
#include "parse/netconf.h"
#include "parse/text.h"

/* The line without its '#' comment, trimmed; 0 when nothing is left. */
static int
content (const char **p, size_t *n)
{
  const char *hash = memchr (*p, '#', *n);

  if (hash)
    *n = (size_t) (hash - *p);
  vs_trim (p, n);
  return *n > 0;
}

int
vs_hosts_parse (const char *data, size_t len, vs_hosts_fn *fn, void *opaque)
{
  struct vs_line l;
  size_t pos = 0, count = 0;
  int r;

  memset (&l, 0, sizeof l);
  while (vs_line_next (data, len, &pos, &l)) {
    struct vs_hosts_name h;
    const char *p = l.p, *end;
    size_t n = l.len;

    if (vs_tick ())
      return 0;
    if (!content (&p, &n))
      continue;
    end = p + n;
    memset (&h, 0, sizeof h);
    h.text = l.p;
    h.text_len = l.len;
    h.line = l.no;
    if (!vs_next_word (&p, end, &h.addr, &h.addr_len) || h.addr_len == 0)
      continue;
    while (vs_next_word (&p, end, &h.name, &h.name_len)) {
      if (h.name_len == 0)
        continue;
      if (++count > VS_NETCONF_MAX_ENTRIES)
        return 0;
      r = fn (opaque, &h);
      if (r)
        return r;
    }
  }
  return 0;
}

int
vs_resolv_parse (const char *data, size_t len, vs_resolv_fn *fn,
                 void *opaque)
{
  struct vs_line l;
  size_t pos = 0, count = 0;
  int r;

  memset (&l, 0, sizeof l);
  while (vs_line_next (data, len, &pos, &l)) {
    const char *p = l.p, *end, *kw;
    size_t n = l.len, kwl;

    if (vs_tick ())
      return 0;
    /* resolv.conf takes ';' as a comment too. */
    if (n > 0 && l.p[0] == ';')
      continue;
    if (!content (&p, &n))
      continue;
    end = p + n;
    if (!vs_next_word (&p, end, &kw, &kwl) || kwl == 0)
      continue;
    n = (size_t) (end - p);
    vs_trim (&p, &n);
    if (++count > VS_NETCONF_MAX_ENTRIES)
      return 0;
    r = fn (opaque, kw, kwl, p, n, l.no);
    if (r)
      return r;
  }
  return 0;
}

int
vs_nsswitch_parse (const char *data, size_t len, vs_nss_fn *fn, void *opaque)
{
  struct vs_line l;
  size_t pos = 0, count = 0;
  int r;

  memset (&l, 0, sizeof l);
  while (vs_line_next (data, len, &pos, &l)) {
    const char *p = l.p, *end, *colon, *db, *w;
    size_t n = l.len, dbl, wl;
    int group = 0;

    if (vs_tick ())
      return 0;
    if (!content (&p, &n))
      continue;
    colon = memchr (p, ':', n);
    if (!colon)
      continue;
    db = p;
    dbl = (size_t) (colon - p);
    vs_trim (&db, &dbl);
    end = p + n;
    p = colon + 1;
    while (vs_next_word (&p, end, &w, &wl)) {
      if (wl == 0)
        continue;
      /* An action group: "[" ... "]", which may hold blanks. */
      if (group || w[0] == '[') {
        group = w[wl - 1] != ']';
        continue;
      }
      if (++count > VS_NETCONF_MAX_ENTRIES)
        return 0;
      r = fn (opaque, db, dbl, w, wl, l.no);
      if (r)
        return r;
    }
  }
  return 0;
}

/* The address in binary: 4 or 16 bytes into out, or 0. */
static size_t
to_binary (const char *a, size_t len, unsigned char out[16])
{
  char buf[64];
  const char *pct = memchr (a, '%', len);

  if (pct)
    len = (size_t) (pct - a);
  if (len == 0 || len >= sizeof buf || memchr (a, '\0', len))
    return 0;
  memcpy (buf, a, len);
  buf[len] = '\0';
  if (inet_pton (AF_INET, buf, out) == 1)
    return 4;
  if (inet_pton (AF_INET6, buf, out) == 1)
    return 16;
  return 0;
}

static enum vs_addr_kind
v4_kind (const unsigned char *b)
{
  if (b[0] == 0 && b[1] == 0 && b[2] == 0 && b[3] == 0)
    return VS_ADDR_UNSPECIFIED;
  if (b[0] == 127)
    return VS_ADDR_LOOPBACK;
  if (b[0] == 169 && b[1] == 254)
    return VS_ADDR_LINK_LOCAL;
  if (b[0] == 10 || (b[0] == 172 && (b[1] & 0xf0) == 16)
      || (b[0] == 192 && b[1] == 168) || (b[0] == 100 && (b[1] & 0xc0) == 64))
    return VS_ADDR_PRIVATE;
  return VS_ADDR_PUBLIC;
}

enum vs_addr_kind
vs_addr_kind (const char *a, size_t len)
{
  static const unsigned char mapped[12] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
  };
  unsigned char b[16];
  size_t n = to_binary (a, len, b);
  size_t i;
  int zero = 1;

  if (n == 0)
    return VS_ADDR_BAD;
  if (n == 4)
    return v4_kind (b);
  if (memcmp (b, mapped, 12) == 0)
    return v4_kind (b + 12);
  for (i = 0; i < 15; i++)
    if (b[i])
      zero = 0;
  if (zero && b[15] == 0)
    return VS_ADDR_UNSPECIFIED;
  if (zero && b[15] == 1)
    return VS_ADDR_LOOPBACK;
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
    return VS_ADDR_LINK_LOCAL;
  if ((b[0] & 0xfe) == 0xfc)
    return VS_ADDR_PRIVATE;
  return VS_ADDR_PUBLIC;
}

int
vs_addr_same (const char *a, size_t len, const char *b)
{
  unsigned char x[16], y[16];
  size_t nx = to_binary (a, len, x), ny = to_binary (b, strlen (b), y);

  return nx > 0 && nx == ny && memcmp (x, y, nx) == 0;
}
