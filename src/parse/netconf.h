/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: the files that say how a guest finds other hosts: /etc/hosts,
 * resolv.conf and nsswitch.conf, and the kind of an address.
 *
 * Pure text in, callbacks out, like every parser here: an explicit
 * length, never a read past it, pointers into the caller's buffer
 * (valid during the call), linear in the input, at most
 * VS_NETCONF_MAX_ENTRIES calls of a callback per file.
 */
#ifndef VS_PARSE_NETCONF_H
#define VS_PARSE_NETCONF_H

#include <stddef.h>

#define VS_NETCONF_MAX_ENTRIES 20000

/* One name of a line of /etc/hosts ("ADDRESS NAME [ALIAS...]"). */
struct vs_hosts_name {
  const char *addr;
  size_t addr_len;
  const char *name;
  size_t name_len;
  const char *text;             /* the line, for evidence */
  size_t text_len;
  unsigned line;
};
typedef int vs_hosts_fn (void *opaque, const struct vs_hosts_name *h);

/* Calls fn for each name of each entry (comments after '#' left out).
 * Returns the callback's non-zero value, or 0. */
int vs_hosts_parse (const char *data, size_t len, vs_hosts_fn *fn,
                    void *opaque);

/* One "KEYWORD ARGS" line of resolv.conf (nameserver, search, domain,
 * options ...): args trimmed, may be empty. */
typedef int vs_resolv_fn (void *opaque, const char *kw, size_t kwl,
                          const char *args, size_t al, unsigned line);
int vs_resolv_parse (const char *data, size_t len, vs_resolv_fn *fn,
                     void *opaque);

/* One service of a database line of nsswitch.conf ("hosts: files dns"),
 * action groups ("[NOTFOUND=return]") left out. */
typedef int vs_nss_fn (void *opaque, const char *db, size_t dbl,
                       const char *svc, size_t sl, unsigned line);
int vs_nsswitch_parse (const char *data, size_t len, vs_nss_fn *fn,
                       void *opaque);

/* What an address is. */
enum vs_addr_kind {
  VS_ADDR_BAD,                  /* not an IPv4 or IPv6 address */
  VS_ADDR_UNSPECIFIED,          /* 0.0.0.0, :: */
  VS_ADDR_LOOPBACK,             /* 127/8, ::1 */
  VS_ADDR_LINK_LOCAL,           /* 169.254/16, fe80::/10 */
  VS_ADDR_PRIVATE,              /* RFC 1918, 100.64/10 (shared), fc00::/7 */
  VS_ADDR_PUBLIC,               /* anything else */
};

/* The kind of the address text (len bytes; an IPv6 zone "%eth0" is
 * allowed). */
enum vs_addr_kind vs_addr_kind (const char *a, size_t len);

/* Whether the address text a (len bytes) is the same address as b (a C
 * string), whatever their spellings ("::1" and "0::1"). */
int vs_addr_same (const char *a, size_t len, const char *b);

#endif /* VS_PARSE_NETCONF_H */
