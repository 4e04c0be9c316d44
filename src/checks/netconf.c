/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: name resolution and network trust checks: /etc/hosts, the
 * name servers and NSS modules, system-wide proxies and the CA
 * certificates a guest trusts.
 *
 * The scale (vmscan(1), CHECKS): nothing for what a stock image has
 * (the localhost lines, the host's own name, private or well-known
 * public name servers, packaged modules and certificates); low for an
 * ordinary /etc/hosts entry; medium for what someone set up outside the
 * packages (a proxy, an added CA certificate, an unusual public name
 * server); high when lookups of a package mirror, a security host,
 * cloud metadata or a well-known domain go where the image says, or
 * when every lookup loads an NSS module no package installed.
 */
#include <config.h>

#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "checks/checks.h"
#include "checks/common.h"
#include "checks/hostlists.h"
#include "core/guest.h"
#include "parse/ini.h"
#include "parse/netconf.h"
#include "parse/supply.h"
#include "parse/text.h"

#define T_AITM "T1557"
#define T_HOSTS "T1565.001"
#define T_HIJACK "T1574"
#define T_PROXY "T1090"
#define T_CA "T1553.004"

/* Distinct NSS modules looked for in the library folders: a real
 * nsswitch.conf names a dozen; a crafted one cannot make thousands of
 * lookups. */
#define MAX_NSS_MODULES 256

/* Public resolvers an image may name without a question. */
static const char *const public_resolvers[] = {
  "8.8.8.8", "8.8.4.4", "1.1.1.1", "1.0.0.1", "9.9.9.9", "149.112.112.112",
  "208.67.222.222", "208.67.220.220", "2001:4860:4860::8888",
  "2001:4860:4860::8844", "2606:4700:4700::1111", "2606:4700:4700::1001",
  "2620:fe::fe", "2620:fe::9",
};

/* Where the cloud metadata names are meant to point. */
static const char *const metadata_addrs[] = {
  "169.254.169.254", "fd00:ec2::254",
};

struct nctx {
  struct vs_check_ctx *ctx;
  uint64_t items[VS_CK_COUNT];
  const char *path;
  enum vs_cc_origin origin;
  const char *pkg;
  char hostname[256];
  struct vs_cc_set certs;       /* certificates examined, as resolved */
  struct vs_cc_set modules;     /* NSS modules looked for */
  int failed;
};

static int
nreport (struct nctx *n, enum vs_check_name id, enum vs_severity sev,
         const char *mitre, unsigned line, const char *text, size_t tlen,
         const char *why, const char *what)
{
  struct vs_buf ev = VS_BUF_INIT;
  CLEANUP_FREE char *otext = vs_cc_origin_text (n->origin, n->pkg);
  int r;

  if (line)
    vs_buf_addf (&ev, "line %u: ", line);
  vs_cc_evidence (&ev, text, tlen);
  vs_buf_addf (&ev, "\n%s (%s)", why, otext);
  r = vs_cc_report (n->ctx, id, sev, mitre, n->path, NULL, ev.data, ev.len,
                    "%s: %s — %s", n->path, what, why);
  vs_buf_release (&ev);
  if (r == -1)
    n->failed = 1;
  return r;
}

static int
nopen (struct nctx *n, const char *path, char **data, size_t *len)
{
  int r = vs_cc_read (n->ctx, path, VS_CC_MAX_CONFIG, data, len);

  if (r != 0)
    return r;
  n->path = path;
  n->origin = vs_cc_origin (n->ctx, path, &n->pkg);
  if (n->origin == VS_CC_STOCK) {
    free (*data);
    *data = NULL;
    return 1;
  }
  return 0;
}

/* ---- /etc/hosts ---- */

static int
is_local_name (const struct nctx *n, const char *name, size_t len)
{
  size_t hl = strlen (n->hostname);

  if ((len >= 9 && strncasecmp (name, "localhost", 9) == 0)
      || (len >= 4 && strncasecmp (name, "ip6-", 4) == 0))
    return 1;
  return hl > 0 && len >= hl && strncasecmp (name, n->hostname, hl) == 0
    && (len == hl || name[hl] == '.');
}

static int
hosts_name (void *opaque, const struct vs_hosts_name *h)
{
  struct nctx *n = opaque;
  enum vs_addr_kind kind = vs_addr_kind (h->addr, h->addr_len);
  CLEANUP_FREE char *name = vs_cc_short (h->name, h->name_len, 200);
  CLEANUP_FREE char *addr = vs_cc_short (h->addr, h->addr_len, 64);
  CLEANUP_FREE char *what = NULL;
  const char *kindtext = NULL;
  size_t k;

  n->items[VS_CK_NET_HOSTS]++;
  if (vs_host_in (h->name, h->name_len, vs_metadata_hosts)) {
    for (k = 0; k < VS_ARRAY_SIZE (metadata_addrs); k++)
      if (vs_addr_same (h->addr, h->addr_len, metadata_addrs[k]))
        return 0;
    kindtext = "the cloud metadata service";
  }
  else if (vs_host_in (h->name, h->name_len, vs_distro_hosts))
    kindtext = "a package mirror or security update host";
  else if (vs_host_in (h->name, h->name_len, vs_wellknown_hosts))
    kindtext = "a well-known domain";
  if (kindtext) {
    CLEANUP_FREE char *why = vs_xasprintf ("lookups of %s (%s) go to %s%s",
                                           name, kindtext, addr,
                                           kind == VS_ADDR_LOOPBACK
                                           || kind == VS_ADDR_UNSPECIFIED
                                           ? " (blocked)" : "");

    what = vs_xasprintf ("maps %s to %s", name, addr);
    return nreport (n, VS_CK_NET_HOSTS, VS_SEV_HIGH, T_HOSTS, h->line,
                    h->text, h->text_len, why, what);
  }
  if (kind == VS_ADDR_LOOPBACK || kind == VS_ADDR_UNSPECIFIED
      || is_local_name (n, h->name, h->name_len)
      || (h->addr_len >= 5 && (strncasecmp (h->addr, "ff02:", 5) == 0
                               || strncasecmp (h->addr, "fe00:", 5) == 0)))
    return 0;
  what = vs_xasprintf ("an entry for %s", name);
  return nreport (n, VS_CK_NET_HOSTS, VS_SEV_LOW, T_HOSTS, h->line, h->text,
                  h->text_len, "a name the image resolves without DNS", what);
}

static int
hosts (struct nctx *n)
{
  CLEANUP_FREE char *data = NULL;
  CLEANUP_FREE char *hn = NULL;
  size_t len, hlen;
  int r;

  n->hostname[0] = '\0';
  r = vs_cc_read (n->ctx, "/etc/hostname", 4096, &hn, &hlen);
  if (r == -1)
    return -1;
  if (r == 0) {
    struct vs_line l;
    size_t pos = 0;
    const char *p, *w;
    size_t wl;

    /* The first word of the first line. */
    memset (&l, 0, sizeof l);
    if (vs_line_next (hn, hlen, &pos, &l)) {
      p = l.p;
      if (vs_next_word (&p, l.p + l.len, &w, &wl) && wl > 0
          && wl < sizeof n->hostname && !memchr (w, '\0', wl)) {
        memcpy (n->hostname, w, wl);
        n->hostname[wl] = '\0';
      }
    }
  }
  r = nopen (n, "/etc/hosts", &data, &len);
  if (r != 0)
    return r == -1 ? -1 : 0;
  vs_hosts_parse (data, len, hosts_name, n);
  return n->failed ? -1 : 0;
}

/* ---- name servers and NSS ---- */

/* Judges one name server address (text as written, with an optional
 * "#name", ":port" after an IPv4 address, or "[v6]:port"). */
static int
nameserver (struct nctx *n, const char *a, size_t al, unsigned line,
            const char *text, size_t tlen)
{
  const char *hash = memchr (a, '#', al);
  CLEANUP_FREE char *shown = NULL;
  CLEANUP_FREE char *what = NULL;
  size_t k;

  if (hash)
    al = (size_t) (hash - a);
  if (al > 0 && a[0] == '[') {
    const char *close = memchr (a, ']', al);

    if (!close)
      return 0;
    a++;
    al = (size_t) (close - a);
  }
  else if (al > 0 && memchr (a, '.', al)) {
    const char *colon = memchr (a, ':', al);

    if (colon)
      al = (size_t) (colon - a);
  }
  n->items[VS_CK_NET_RESOLVER]++;
  if (vs_addr_kind (a, al) != VS_ADDR_PUBLIC)
    return 0;
  for (k = 0; k < VS_ARRAY_SIZE (public_resolvers); k++)
    if (vs_addr_same (a, al, public_resolvers[k]))
      return 0;
  shown = vs_cc_short (a, al, 64);
  what = vs_xasprintf ("name server %s", shown);
  return nreport (n, VS_CK_NET_RESOLVER, VS_SEV_MEDIUM, T_AITM, line, text,
                  tlen, "every name is looked up at a public server that is "
                  "not a well-known resolver", what);
}

static int
resolv_line (void *opaque, const char *kw, size_t kwl, const char *args,
             size_t al, unsigned line)
{
  struct nctx *n = opaque;
  const char *p = args, *w;
  size_t wl;

  if (!vs_key_is (kw, kwl, "nameserver"))
    return 0;
  if (vs_next_word (&p, args + al, &w, &wl) && wl > 0)
    return nameserver (n, w, wl, line, kw, (size_t) (args + al - kw));
  return 0;
}

static int
resolved_file (struct nctx *n, const char *path)
{
  CLEANUP_FREE char *data = NULL;
  struct vs_ini ini;
  struct vs_ini_item it;
  size_t len;
  int r = nopen (n, path, &data, &len);

  if (r != 0)
    return r == -1 ? -1 : 0;
  vs_ini_init (&ini, data, len);
  while (r == 0 && vs_ini_next (&ini, &it)) {
    const char *p = it.value, *w;
    size_t wl;

    if (!vs_key_is (it.key, it.key_len, "DNS")
        && !vs_key_is (it.key, it.key_len, "FallbackDNS"))
      continue;
    while (r == 0 && vs_next_word (&p, it.value + it.value_len, &w, &wl))
      if (wl > 0)
        r = nameserver (n, w, wl, it.line, it.key,
                        (size_t) (it.value + it.value_len - it.key));
  }
  return r;
}

static int
nss_service (void *opaque, const char *db, size_t dbl, const char *svc,
             size_t sl, unsigned line)
{
  static const char *const dirs[] = {
    "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu",
    "/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
    "/lib/i386-linux-gnu", "/usr/lib/i386-linux-gnu", "/lib64", "/usr/lib64",
    "/lib", "/usr/lib",
  };
  struct nctx *n = opaque;
  CLEANUP_FREE char *name = NULL;
  size_t i, k;

  (void) db;
  (void) dbl;
  n->items[VS_CK_NET_RESOLVER]++;
  if (sl > 64)
    return 0;
  for (i = 0; i < sl; i++)
    if (!(svc[i] == '_' || svc[i] == '-' || (svc[i] >= 'a' && svc[i] <= 'z')
          || (svc[i] >= 'A' && svc[i] <= 'Z')
          || (svc[i] >= '0' && svc[i] <= '9')))
      return 0;
  if (n->modules.n >= MAX_NSS_MODULES
      || !vs_cc_set_add (&n->modules, svc, sl))
    return 0;
  name = vs_xstrndup (svc, sl);
  for (k = 0; k < VS_ARRAY_SIZE (dirs); k++) {
    CLEANUP_FREE char *lib = vs_xasprintf ("%s/libnss_%s.so.2", dirs[k], name);
    struct stat st;
    enum vs_cc_origin o;
    const char *pkg;

    if (vs_guest_stat (n->ctx->guest, lib, 1, &st) == -1
        || !S_ISREG (st.st_mode))
      continue;
    o = vs_cc_origin (n->ctx, lib, &pkg);
    if (o == VS_CC_UNOWNED || o == VS_CC_MODIFIED) {
      CLEANUP_FREE char *otext = vs_cc_origin_text (o, pkg);
      CLEANUP_FREE char *why = vs_xasprintf ("every lookup loads %s (%s)",
                                             lib, otext);
      CLEANUP_FREE char *what = vs_xasprintf ("NSS module %s", name);

      return nreport (n, VS_CK_NET_RESOLVER, VS_SEV_HIGH, T_HIJACK, line,
                      svc, sl, why, what);
    }
    return 0;
  }
  return 0;
}

static int
resolver (struct nctx *n)
{
  CLEANUP_FREE char *data = NULL;
  struct vs_cc_dir d;
  size_t len;
  int r;

  r = nopen (n, "/etc/resolv.conf", &data, &len);
  if (r == -1)
    return -1;
  if (r == 0) {
    vs_resolv_parse (data, len, resolv_line, n);
    free (data);
    data = NULL;
    if (n->failed)
      return -1;
  }
  if (resolved_file (n, "/etc/systemd/resolved.conf") == -1)
    return -1;
  r = vs_cc_dir_open (n->ctx, "/etc/systemd/resolved.conf.d", &d);
  while (r == 0 && vs_cc_dir_next (&d))
    if (vs_cc_ends_with (d.name, ".conf"))
      r = resolved_file (n, d.path);
  vs_cc_dir_close (&d);
  if (r == -1)
    return -1;
  /* nsswitch.conf itself is written at install time (no package owns it
   * on Debian): what it names is judged, not the file. */
  r = vs_cc_read (n->ctx, "/etc/nsswitch.conf", VS_CC_MAX_CONFIG, &data, &len);
  if (r != 0)
    return r == -1 ? -1 : 0;
  n->path = "/etc/nsswitch.conf";
  n->origin = vs_cc_origin (n->ctx, n->path, &n->pkg);
  vs_nsswitch_parse (data, len, nss_service, n);
  return n->failed ? -1 : 0;
}

/* ---- proxies ---- */

/* The value of a proxy variable set on this line ("export
 * https_proxy=http://...", "http_proxy = ..." in wgetrc, or inside
 * systemd's DefaultEnvironment=), or NULL. */
static const char *
proxy_value (const char *p, size_t n, size_t *vl)
{
  static const char *const names[] = {
    "http_proxy", "https_proxy", "ftp_proxy", "all_proxy",
  };
  size_t k;

  for (k = 0; k < VS_ARRAY_SIZE (names); k++) {
    const char *at = vs_memcasemem (p, n, names[k]);
    size_t nl = strlen (names[k]);

    while (at) {
      const char *q = at + nl, *end = p + n, *v;
      int word_start = at == p || !((at[-1] >= 'a' && at[-1] <= 'z')
                                    || (at[-1] >= 'A' && at[-1] <= 'Z')
                                    || (at[-1] >= '0' && at[-1] <= '9')
                                    || at[-1] == '_');

      while (q < end && vs_is_blank (*q))
        q++;
      if (word_start && q < end && *q == '=') {
        q++;
        while (q < end && vs_is_blank (*q))
          q++;
        v = q;
        while (q < end && !vs_is_blank (*q) && *q != ';')
          q++;
        *vl = (size_t) (q - v);
        if (*vl >= 2 && (v[0] == '"' || v[0] == '\'')) {
          v++;
          *vl -= 1;
          if (*vl > 0 && (v[*vl - 1] == '"' || v[*vl - 1] == '\''))
            (*vl)--;
        }
        if (*vl > 0)
          return v;
      }
      at = vs_memcasemem (at + nl, (size_t) (end - at - nl), names[k]);
    }
  }
  return NULL;
}

static int
proxy_file (struct nctx *n, const char *path)
{
  CLEANUP_FREE char *data = NULL;
  struct vs_line l;
  size_t len, pos = 0;
  int r = nopen (n, path, &data, &len);

  if (r != 0)
    return r == -1 ? -1 : 0;
  memset (&l, 0, sizeof l);
  while (r == 0 && vs_line_next (data, len, &pos, &l)) {
    const char *t = l.p, *v;
    size_t tn = l.len, vl;

    vs_trim (&t, &tn);
    if (tn == 0 || t[0] == '#')
      continue;
    n->items[VS_CK_NET_PROXY]++;
    v = proxy_value (t, tn, &vl);
    if (v) {
      CLEANUP_FREE char *shown = vs_cc_short (v, vl, 200);
      CLEANUP_FREE char *what = vs_xasprintf ("proxy %s", shown);

      r = nreport (n, VS_CK_NET_PROXY, n->origin == VS_CC_UNKNOWN
                   ? VS_SEV_LOW : VS_SEV_MEDIUM, T_PROXY, l.no, l.p, l.len,
                   "programs that honour the proxy variables send their "
                   "traffic through this proxy", what);
    }
  }
  return r;
}

static int
proxies (struct nctx *n)
{
  static const char *const files[] = {
    "/etc/environment", "/etc/profile", "/etc/bash.bashrc", "/etc/wgetrc",
    "/etc/systemd/system.conf",
  };
  struct vs_cc_dir d;
  size_t i;
  int r = 0;

  for (i = 0; i < VS_ARRAY_SIZE (files) && r == 0; i++)
    r = proxy_file (n, files[i]);
  if (r == 0) {
    r = vs_cc_dir_open (n->ctx, "/etc/profile.d", &d);
    while (r == 0 && vs_cc_dir_next (&d))
      r = proxy_file (n, d.path);
    vs_cc_dir_close (&d);
  }
  return r;
}

/* ---- CA certificates ---- */

static int
ca_file (struct nctx *n, const char *path, int always)
{
  struct vs_check_ctx *ctx = n->ctx;
  CLEANUP_FREE char *canon = NULL;
  CLEANUP_FREE char *otext = NULL;
  struct vs_buf ev = VS_BUF_INIT;
  enum vs_cc_origin o;
  const char *pkg;
  struct stat st;
  int r;

  if (vs_guest_stat (ctx->guest, path, 1, &st) == -1 || !S_ISREG (st.st_mode)
      || vs_guest_realpath (ctx->guest, path, &canon) == -1)
    return 0;
  /* A certificate and the links to it (its name, its hash) are one
   * certificate, reported once at the file itself. */
  if (!vs_cc_set_add (&n->certs, canon, strlen (canon)))
    return 0;
  n->items[VS_CK_NET_CA_CERT]++;
  o = vs_cc_origin (ctx, canon, &pkg);
  if (o == VS_CC_STOCK || (o == VS_CC_UNKNOWN && !always))
    return 0;
  otext = vs_cc_origin_text (o, pkg);
  if (strcmp (canon, path) != 0)
    vs_buf_addf (&ev, "%s -> ", path);
  vs_buf_addf (&ev, "%s, %llu bytes (%s)", canon,
               (unsigned long long) st.st_size, otext);
  r = vs_cc_report (ctx, VS_CK_NET_CA_CERT, VS_SEV_MEDIUM, T_CA, canon, NULL,
                    ev.data, ev.len, "CA certificate %s trusted by the "
                    "system (%s)", canon, otext);
  vs_buf_release (&ev);
  return r;
}

/* The certificates in dir and in its folders one level down. */
static int
ca_dir (struct nctx *n, const char *dir, int always, int skip_bundles)
{
  struct vs_cc_dir d;
  int r = vs_cc_dir_open (n->ctx, dir, &d);

  while (r == 0 && vs_cc_dir_next (&d)) {
    struct stat st;

    if (skip_bundles && (strcmp (d.name, "ca-certificates.crt") == 0
                         || strcmp (d.name, "ca-bundle.crt") == 0
                         || strcmp (d.name, "ca-bundle.trust.crt") == 0))
      continue;
    if (vs_guest_stat (n->ctx->guest, d.path, 0, &st) == 0
        && S_ISDIR (st.st_mode)) {
      struct vs_cc_dir sub;

      if (skip_bundles)
        continue;
      r = vs_cc_dir_open (n->ctx, d.path, &sub);
      while (r == 0 && vs_cc_dir_next (&sub))
        r = ca_file (n, sub.path, always);
      vs_cc_dir_close (&sub);
      continue;
    }
    r = ca_file (n, d.path, always);
  }
  vs_cc_dir_close (&d);
  return r;
}

static int
ca_certs (struct nctx *n)
{
  if (ca_dir (n, "/usr/local/share/ca-certificates", 1, 0) == -1
      || ca_dir (n, "/etc/pki/ca-trust/source/anchors", 1, 0) == -1
      || ca_dir (n, "/usr/share/pki/ca-trust-source/anchors", 0, 0) == -1
      || ca_dir (n, "/usr/share/ca-certificates", 0, 0) == -1
      || ca_dir (n, "/etc/ssl/certs", 0, 1) == -1)
    return -1;
  return 0;
}

int
vs_net_files (struct vs_check_ctx *ctx)
{
  static const enum vs_check_name ids[] = {
    VS_CK_NET_HOSTS, VS_CK_NET_RESOLVER, VS_CK_NET_PROXY, VS_CK_NET_CA_CERT,
  };
  struct nctx n;
  size_t i;

  if (!ctx->guest)
    return 0;
  memset (&n, 0, sizeof n);
  n.ctx = ctx;
  if (hosts (&n) == -1 || resolver (&n) == -1 || proxies (&n) == -1
      || ca_certs (&n) == -1) {
    vs_cc_set_free (&n.certs);
    vs_cc_set_free (&n.modules);
    return -1;
  }
  vs_cc_set_free (&n.certs);
  vs_cc_set_free (&n.modules);
  for (i = 0; i < VS_ARRAY_SIZE (ids); i++)
    if (vs_check_ran (ctx, ids[i], "ran", n.items[ids[i]], NULL) == -1)
      return -1;
  return 0;
}
