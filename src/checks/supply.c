/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: supply checks: where the guest's next update and its next
 * "pip install" get their code, and whether anything checks it.  APT
 * sources and apt.conf, APT and RPM keyrings, yum, dnf and zypper
 * repositories, pip, npm and gem indexes, and package manager proxies.
 *
 * One scale for all (vmscan(1), CHECKS):
 *   nothing  a file a package installed, unchanged, or an entry for a
 *            distribution host (vs_distro_hosts) with the checks on;
 *   low      cannot tell (no package database);
 *   medium   not stock, harmless looking: a repository, index or key of
 *            someone other than the distribution, a proxy, a hook;
 *   high     the next update installs code nobody verified: trusted=yes,
 *            AllowUnauthenticated, gpgcheck off, an index over plain
 *            http, TLS checks off, a changed packaged key, a hook that
 *            downloads and runs (vs_cmd_suspicion).
 * Files are read through the guest view, bounded; a bad file is an
 * errors row and the check goes on.
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
#include "parse/shellcmd.h"
#include "parse/supply.h"
#include "parse/text.h"

#define TITLE_MAX 120
#define T_SUPPLY "T1195.002"
#define T_DEPS "T1195.001"
#define T_HOOK "T1546"
#define T_PROXY "T1090"

const char *const vs_distro_hosts[] = {
  ".debian.org", "debian-archive.trafficmanager.net",
  ".ubuntu.com", ".canonical.com",
  ".fedoraproject.org", ".centos.org", ".redhat.com", ".rockylinux.org",
  ".almalinux.org", ".opensuse.org", ".suse.com", ".amazonlinux.com",
  ".oracle.com", ".kali.org", ".raspberrypi.com", ".raspberrypi.org",
  "packages.cloud.google.com",
  NULL
};

const char *const vs_lang_hosts[] = {
  "pypi.org", "pypi.python.org", "files.pythonhosted.org",
  "registry.npmjs.org", "registry.yarnpkg.com", "rubygems.org",
  "index.rubygems.org", "api.rubygems.org",
  NULL
};

const char *const vs_metadata_hosts[] = {
  "metadata.google.internal", "metadata", "metadata.goog",
  "instance-data", "instance-data.ec2.internal", "metadata.azure.internal",
  "metadata.tencentyun.com",
  NULL
};

const char *const vs_wellknown_hosts[] = {
  ".pypi.org", ".pythonhosted.org", ".npmjs.org", ".npmjs.com",
  ".yarnpkg.com", ".rubygems.org", ".crates.io", ".golang.org", ".go.dev",
  ".github.com", ".githubusercontent.com", ".gitlab.com", ".bitbucket.org",
  ".docker.io", ".docker.com", ".gcr.io", ".quay.io", ".k8s.io", ".ghcr.io",
  ".amazonaws.com", ".cloudfront.net", ".aws.amazon.com", ".azure.com",
  ".windows.net", ".microsoft.com", ".googleapis.com", ".google.com",
  ".gstatic.com", ".letsencrypt.org", ".digicert.com", ".sectigo.com",
  ".launchpad.net", ".launchpadcontent.net", ".snapcraft.io",
  NULL
};

struct sctx {
  struct vs_check_ctx *ctx;
  struct vs_cc_users users;
  struct vs_cc_set homes;       /* canonical homes, each once */
  size_t *home_user;            /* per home: the first account of it */
  uint64_t items[VS_CK_COUNT];
  /* The file being read. */
  const char *path;
  const char *account;
  enum vs_cc_origin origin;
  const char *pkg;
  int failed;
};

/* ---- helpers ---- */

static int
is_false (const char *v, size_t n)
{
  return (n == 1 && v[0] == '0') || (n == 2 && strncasecmp (v, "no", 2) == 0)
    || (n == 5 && strncasecmp (v, "false", 5) == 0)
    || (n == 3 && strncasecmp (v, "off", 3) == 0);
}

static void
unquote (const char **v, size_t *n)
{
  vs_trim (v, n);
  if (*n >= 2 && ((*v)[0] == '"' || (*v)[0] == '\'')
      && (*v)[*n - 1] == (*v)[0]) {
    (*v)++;
    *n -= 2;
  }
}

/* Where a URL points: 1 when its host is in list, 0 when not, -1 when
 * it has no host; *plain for http or ftp. */
static int
url_known (const char *u, size_t n, const char *const *list, int *plain,
           char **host)
{
  const char *h;
  size_t hl;

  *plain = 0;
  if (host)
    *host = NULL;
  if (vs_url_host (u, n, &h, &hl, plain) == -1)
    return -1;
  if (host)
    *host = vs_cc_short (h, hl, 256);
  return vs_host_in (h, hl, list);
}

/* Reads path into *data and fills the file fields of s; returns 0, 1
 * when there is nothing to read (absent, unreadable, or stock when
 * skip_stock), -1 if the store failed. */
static int
open_file (struct sctx *s, const char *path, const char *account,
           char **data, size_t *len, int skip_stock)
{
  int r = vs_cc_read (s->ctx, path, VS_CC_MAX_CONFIG, data, len);

  if (r != 0)
    return r;
  s->path = path;
  s->account = account;
  s->origin = vs_cc_origin (s->ctx, path, &s->pkg);
  if (account && s->origin == VS_CC_UNKNOWN)
    s->origin = VS_CC_UNOWNED;
  if (skip_stock && s->origin == VS_CC_STOCK) {
    free (*data);
    *data = NULL;
    return 1;
  }
  return 0;
}

/* Reports a finding about the current file, titled "KIND in PATH: WHAT
 * — WHY": evidence is "line N: TEXT" then the reasons. */
static int
report (struct sctx *s, enum vs_check_name id, enum vs_severity sev,
        const char *mitre, unsigned line, const char *text, size_t tlen,
        const char *why, const char *kind, const char *what)
{
  struct vs_buf ev = VS_BUF_INIT;
  CLEANUP_FREE char *otext = vs_cc_origin_text (s->origin, s->pkg);
  CLEANUP_FREE char *shown = vs_cc_short (what ? what : "", what
                                          ? strlen (what) : 0, TITLE_MAX);
  int r;

  if (line)
    vs_buf_addf (&ev, "line %u: ", line);
  vs_cc_evidence (&ev, text, tlen);
  vs_buf_addf (&ev, "\n%s (%s)", why, otext);
  r = vs_cc_report (s->ctx, id, sev, mitre, s->path, s->account, ev.data,
                    ev.len, "%s in %s: %s — %s", kind, s->path, shown, why);
  vs_buf_release (&ev);
  if (r == -1)
    s->failed = 1;
  return r;
}

/* Appends a reason to a "; "-separated list. */
static void
because (struct vs_buf *b, const char *why)
{
  if (b->len)
    vs_buf_adds (b, "; ");
  vs_buf_adds (b, why);
}

/* ---- APT sources ---- */

/* A mirror list a "mirror+file:" URI names (Debian's cloud images use
 * /etc/apt/mirrors/debian.list): 1 when every mirror in it is a
 * distribution host, 0 with *host the first that is not (caller frees),
 * -1 when the list cannot be read. */
static int
mirror_list (struct sctx *s, const char *uri, size_t len, char **host,
             int *plain)
{
  CLEANUP_FREE char *path = NULL;
  CLEANUP_FREE char *data = NULL;
  struct vs_line l;
  size_t dlen, pos = 0, i = 12;
  int seen = 0;

  *host = NULL;
  if (len <= 12 || strncasecmp (uri, "mirror+file:", 12) != 0)
    return -1;
  if (len > 14 && uri[12] == '/' && uri[13] == '/')
    i = 14;
  if (i >= len || uri[i] != '/' || memchr (uri + i, '\0', len - i))
    return -1;
  path = vs_xstrndup (uri + i, len - i);
  if (vs_cc_read_head (s->ctx, path, VS_CC_MAX_SCRIPT, &data, &dlen) != 0)
    return -1;
  memset (&l, 0, sizeof l);
  while (vs_line_next (data, dlen, &pos, &l)) {
    const char *p = l.p, *w;
    size_t wl;
    int k;

    if (vs_line_is_comment (l.p, l.len)
        || !vs_next_word (&p, l.p + l.len, &w, &wl) || wl == 0)
      continue;
    seen = 1;
    k = url_known (w, wl, vs_distro_hosts, plain, host);
    if (k != 1) {
      if (!*host)
        *host = vs_cc_short (w, wl, 256);
      return 0;
    }
    free (*host);
    *host = NULL;
  }
  return seen ? 1 : -1;
}

static int
apt_source (void *opaque, const struct vs_apt_source *e)
{
  struct sctx *s = opaque;
  struct vs_buf why = VS_BUF_INIT;
  enum vs_severity sev = VS_SEV_INFO;
  CLEANUP_FREE char *host = NULL;
  CLEANUP_FREE char *uri = vs_cc_short (e->uri, e->uri_len, 256);
  int plain, known, r = 0;

  if (!e->enabled)
    return 0;
  s->items[VS_CK_SUPPLY_APT_SOURCE]++;
  if (e->trusted) {
    because (&why, "trusted=yes: its packages are installed without a "
             "signature check");
    sev = VS_SEV_HIGH;
  }
  if (e->allow_insecure || e->allow_downgrade) {
    because (&why, "allow-insecure: an unsigned repository is accepted");
    sev = VS_SEV_HIGH;
  }
  if (e->allow_weak) {
    because (&why, "allow-weak: weak signatures are accepted");
    if (sev < VS_SEV_MEDIUM)
      sev = VS_SEV_MEDIUM;
  }
  known = url_known (e->uri, e->uri_len, vs_distro_hosts, &plain, &host);
  if (known == -1) {
    int m = mirror_list (s, e->uri, e->uri_len, &host, &plain);

    if (m != -1)
      known = m;
  }
  if (known == 0) {
    struct vs_buf b = VS_BUF_INIT;

    vs_buf_addf (&b, "a repository on %s, not a distribution host%s",
                 host, plain ? ", over plain http" : "");
    because (&why, b.data);
    vs_buf_release (&b);
    if (sev < VS_SEV_MEDIUM)
      sev = VS_SEV_MEDIUM;
  }
  else if (known == -1 && !(e->uri_len >= 6
                            && strncasecmp (e->uri, "cdrom:", 6) == 0)) {
    because (&why, "a local or indirect repository (file:, mirror list)");
    if (sev < VS_SEV_MEDIUM)
      sev = VS_SEV_MEDIUM;
  }
  if (e->signed_by && !e->signed_by_inline && e->signed_by_len > 0
      && e->signed_by[0] == '/') {
    CLEANUP_FREE char *key = vs_xstrndup (e->signed_by, e->signed_by_len);
    const char *kpkg;
    enum vs_cc_origin ko;
    struct stat st;

    if (memchr (key, ',', strlen (key)))
      key[strcspn (key, ",")] = '\0';
    if (vs_guest_stat (s->ctx->guest, key, 1, &st) == 0) {
      ko = vs_cc_origin (s->ctx, key, &kpkg);
      if (ko == VS_CC_MODIFIED) {
        because (&why, "signed-by names a packaged key that was changed");
        sev = VS_SEV_HIGH;
      }
      else if (ko == VS_CC_UNOWNED && sev >= VS_SEV_MEDIUM)
        because (&why, "signed-by names a key no package installed");
    }
  }
  if (sev > VS_SEV_INFO) {
    if (s->origin == VS_CC_STOCK)
      sev = VS_SEV_INFO;
    else if (s->origin == VS_CC_UNKNOWN && sev < VS_SEV_HIGH)
      sev = VS_SEV_LOW;
    r = report (s, VS_CK_SUPPLY_APT_SOURCE, sev, T_SUPPLY, e->line, e->text,
                e->text_len, why.data, "APT source", uri);
  }
  vs_buf_release (&why);
  return r;
}

static int
skip_name (const char *name)
{
  return name[0] == '.' || vs_cc_ends_with (name, "~")
    || vs_cc_ends_with (name, ".dpkg-old")
    || vs_cc_ends_with (name, ".dpkg-dist")
    || vs_cc_ends_with (name, ".dpkg-new")
    || vs_cc_ends_with (name, ".disabled")
    || vs_cc_ends_with (name, ".save") || vs_cc_ends_with (name, ".bak");
}

static int
apt_sources_file (struct sctx *s, const char *path, int deb822)
{
  CLEANUP_FREE char *data = NULL;
  size_t len;
  int r = open_file (s, path, NULL, &data, &len, 1);

  if (r != 0)
    return r == -1 ? -1 : 0;
  vs_apt_sources_parse (data, len, deb822, apt_source, s);
  return s->failed ? -1 : 0;
}

static int
apt_sources (struct sctx *s)
{
  struct vs_cc_dir d;
  int r;

  if (apt_sources_file (s, "/etc/apt/sources.list", 0) == -1)
    return -1;
  r = vs_cc_dir_open (s->ctx, "/etc/apt/sources.list.d", &d);
  while (r == 0 && vs_cc_dir_next (&d)) {
    if (skip_name (d.name))
      continue;
    if (vs_cc_ends_with (d.name, ".list"))
      r = apt_sources_file (s, d.path, 0);
    else if (vs_cc_ends_with (d.name, ".sources"))
      r = apt_sources_file (s, d.path, 1);
  }
  vs_cc_dir_close (&d);
  return r;
}

/* ---- apt.conf ---- */

static int
key_ends (const char *key, size_t kl, const char *suffix)
{
  size_t n = strlen (suffix);

  return kl >= n && strncasecmp (key + kl - n, suffix, n) == 0;
}

static int
key_is (const char *key, size_t kl, const char *name)
{
  return kl == strlen (name) && strncasecmp (key, name, kl) == 0;
}

static int
apt_conf_item (void *opaque, const struct vs_aptconf_item *it)
{
  struct sctx *s = opaque;
  const char *k = it->key, *v = it->value, *why = NULL;
  size_t kl = it->key_len, vl = it->value_len;
  enum vs_check_name id = VS_CK_SUPPLY_APT_CONF;
  enum vs_severity sev = VS_SEV_MEDIUM;
  const char *mitre = T_SUPPLY;
  struct vs_buf text = VS_BUF_INIT;
  int r;

  s->items[VS_CK_SUPPLY_APT_CONF]++;
  if ((key_is (k, kl, "APT::Get::AllowUnauthenticated")
       || key_is (k, kl, "Acquire::AllowInsecureRepositories")
       || key_is (k, kl, "Acquire::AllowDowngradeToInsecureRepositories")
       || key_is (k, kl, "APT::Get::AllowInsecureRepositories"))
      && vs_apt_is_true (v, vl)) {
    why = "apt installs packages nobody signed";
    sev = VS_SEV_HIGH;
  }
  else if (key_is (k, kl, "Acquire::AllowWeakRepositories")
           && vs_apt_is_true (v, vl))
    why = "apt accepts weak signatures";
  else if ((key_ends (k, kl, "::Verify-Peer")
            || key_ends (k, kl, "::Verify-Host"))
           && is_false (v, vl))
    why = "TLS certificates of repositories are not checked";
  else if (key_is (k, kl, "Dir::Etc::Trusted")
           || key_is (k, kl, "Dir::Etc::TrustedParts"))
    why = "apt takes its trusted keys from somewhere else";
  else if (kl > 10 && strncasecmp (k, "Dir::Bin::", 10) == 0)
    why = "apt runs another program in place of one of its own";
  else if (key_ends (k, kl, "-Invoke") || key_ends (k, kl, "-Invoke-Success")
           || key_ends (k, kl, "::Pre-Install-Pkgs")
           || key_ends (k, kl, "::Proxy-Auto-Detect")
           || key_ends (k, kl, "::ProxyAutoDetect")) {
    if (vl == 0)
      return 0;
    why = vs_cmd_suspicion (v, vl);
    if (why)
      sev = VS_SEV_HIGH;
    else
      why = "apt or dpkg runs this command";
    if (key_ends (k, kl, "Detect"))
      id = VS_CK_SUPPLY_PROXY, mitre = T_PROXY;
    else
      mitre = T_HOOK;
  }
  else if (kl > 9 && strncasecmp (k, "Acquire::", 9) == 0
           && (key_ends (k, kl, "::Proxy") || vs_memcasemem (k, kl,
                                                            "::Proxy::"))) {
    if (vl == 0 || key_is (v, vl, "DIRECT") || is_false (v, vl))
      return 0;
    id = VS_CK_SUPPLY_PROXY;
    mitre = T_PROXY;
    why = "apt downloads through this proxy";
  }
  if (!why)
    return 0;
  if (s->origin == VS_CC_UNKNOWN && sev < VS_SEV_HIGH)
    sev = VS_SEV_LOW;
  vs_buf_add (&text, k, kl);
  vs_buf_adds (&text, " \"");
  vs_buf_add (&text, v, vl);
  vs_buf_adds (&text, "\"");
  r = report (s, id, sev, mitre, it->line, text.data, text.len, why,
              "apt setting", text.data);
  vs_buf_release (&text);
  return r;
}

static int
apt_conf_file (struct sctx *s, const char *path)
{
  CLEANUP_FREE char *data = NULL;
  size_t len;
  int r = open_file (s, path, NULL, &data, &len, 1);

  if (r != 0)
    return r == -1 ? -1 : 0;
  vs_aptconf_parse (data, len, apt_conf_item, s);
  return s->failed ? -1 : 0;
}

static int
apt_conf (struct sctx *s)
{
  struct vs_cc_dir d;
  int r;

  if (apt_conf_file (s, "/etc/apt/apt.conf") == -1)
    return -1;
  r = vs_cc_dir_open (s->ctx, "/etc/apt/apt.conf.d", &d);
  while (r == 0 && vs_cc_dir_next (&d))
    if (!skip_name (d.name))
      r = apt_conf_file (s, d.path);
  vs_cc_dir_close (&d);
  return r;
}

/* ---- keyrings ---- */

static int
keyring (struct sctx *s, const char *path, const char *what)
{
  struct vs_check_ctx *ctx = s->ctx;
  CLEANUP_FREE char *otext = NULL;
  struct vs_buf ev = VS_BUF_INIT;
  enum vs_severity sev;
  enum vs_cc_origin o;
  const char *pkg;
  struct stat st;
  int r;

  if (vs_guest_stat (ctx->guest, path, 1, &st) == -1 || !S_ISREG (st.st_mode))
    return 0;
  s->items[VS_CK_SUPPLY_KEYRING]++;
  o = vs_cc_origin (ctx, path, &pkg);
  if (o == VS_CC_STOCK)
    return 0;
  sev = o == VS_CC_MODIFIED ? VS_SEV_HIGH
    : o == VS_CC_UNOWNED ? VS_SEV_MEDIUM : VS_SEV_LOW;
  otext = vs_cc_origin_text (o, pkg);
  vs_buf_addf (&ev, "%s, %llu bytes (%s)", path,
               (unsigned long long) st.st_size, otext);
  r = vs_cc_report (ctx, VS_CK_SUPPLY_KEYRING, sev, T_SUPPLY, path, NULL,
                    ev.data, ev.len, "%s %s (%s)", what, path, otext);
  vs_buf_release (&ev);
  return r;
}

static int
keyrings (struct sctx *s)
{
  static const struct {
    const char *dir, *what;
    int only_keys;
  } dirs[] = {
    { "/etc/apt/trusted.gpg.d", "APT key trusted for every repository", 1 },
    { "/etc/apt/keyrings", "APT repository key", 0 },
    { "/usr/share/keyrings", "keyring", 0 },
    { "/etc/pki/rpm-gpg", "RPM signing key", 0 },
  };
  size_t i;
  int r;

  r = keyring (s, "/etc/apt/trusted.gpg",
               "legacy APT keyring trusted for every repository");
  for (i = 0; i < VS_ARRAY_SIZE (dirs) && r == 0; i++) {
    struct vs_cc_dir d;

    r = vs_cc_dir_open (s->ctx, dirs[i].dir, &d);
    while (r == 0 && vs_cc_dir_next (&d)) {
      if (dirs[i].only_keys && !vs_cc_ends_with (d.name, ".gpg")
          && !vs_cc_ends_with (d.name, ".asc"))
        continue;
      r = keyring (s, d.path, dirs[i].what);
    }
    vs_cc_dir_close (&d);
  }
  return r;
}

/* ---- yum, dnf, zypper ---- */

struct repo {
  const char *section;
  size_t section_len;
  unsigned line;
  int enabled, gpgcheck, sslverify;
  const char *url;
  size_t url_len;
  unsigned url_line;
};

static int
repo_done (struct sctx *s, const struct repo *p, int main_gpg)
{
  struct vs_buf why = VS_BUF_INIT;
  enum vs_severity sev = VS_SEV_INFO;
  CLEANUP_FREE char *host = NULL;
  CLEANUP_FREE char *name = NULL;
  int known = 1, plain = 0, gpg = p->gpgcheck >= 0 ? p->gpgcheck : main_gpg;
  int r = 0;

  if (!p->section || !p->enabled
      || vs_key_is (p->section, p->section_len, "main"))
    return 0;
  s->items[VS_CK_SUPPLY_RPM_REPO]++;
  if (p->url) {
    known = url_known (p->url, p->url_len, vs_distro_hosts, &plain, &host);
    if (host && strchr (host, '$'))
      known = 1;                /* set by a variable: cannot tell */
  }
  if (gpg == 0) {
    because (&why, "gpgcheck is off: packages are installed without a "
             "signature check");
    sev = known == 1 && !plain ? VS_SEV_MEDIUM : VS_SEV_HIGH;
  }
  if (p->sslverify == 0) {
    because (&why, "sslverify is off");
    if (sev < VS_SEV_MEDIUM)
      sev = VS_SEV_MEDIUM;
  }
  if (known == 0) {
    struct vs_buf b = VS_BUF_INIT;

    vs_buf_addf (&b, "a repository on %s, not a distribution host%s", host,
                 plain ? ", over plain http" : "");
    because (&why, b.data);
    vs_buf_release (&b);
    if (sev < VS_SEV_MEDIUM)
      sev = VS_SEV_MEDIUM;
  }
  if (sev > VS_SEV_INFO) {
    struct vs_buf text = VS_BUF_INIT;

    if (s->origin == VS_CC_UNKNOWN && sev < VS_SEV_HIGH)
      sev = VS_SEV_LOW;
    vs_buf_adds (&text, "[");
    vs_buf_add (&text, p->section, p->section_len);
    vs_buf_adds (&text, "]");
    if (p->url) {
      vs_buf_adds (&text, " ");
      vs_buf_add (&text, p->url, p->url_len);
    }
    if (gpg == 0)
      vs_buf_adds (&text, " gpgcheck=0");
    name = vs_cc_short (p->section, p->section_len, 100);
    r = report (s, VS_CK_SUPPLY_RPM_REPO, sev, T_SUPPLY, p->line, text.data,
                text.len, why.data, "package repository",
                name);
    vs_buf_release (&text);
  }
  vs_buf_release (&why);
  return r;
}

static int
repo_file (struct sctx *s, const char *path, int *main_gpg)
{
  CLEANUP_FREE char *data = NULL;
  struct vs_ini ini;
  struct vs_ini_item it;
  struct repo p;
  size_t len;
  int r = open_file (s, path, NULL, &data, &len, 1), g = 1;

  if (r != 0)
    return r == -1 ? -1 : 0;
  if (!main_gpg)
    main_gpg = &g;
  memset (&p, 0, sizeof p);
  vs_ini_init (&ini, data, len);
  while (vs_ini_next (&ini, &it)) {
    const char *v = it.value;
    size_t vl = it.value_len;

    if (it.section != p.section) {
      if (repo_done (s, &p, *main_gpg) == -1)
        return -1;
      memset (&p, 0, sizeof p);
      p.section = it.section;
      p.section_len = it.section_len;
      p.line = it.line > 1 ? it.line - 1 : it.line;
      p.enabled = 1;
      p.gpgcheck = -1;
      p.sslverify = -1;
    }
    unquote (&v, &vl);
    if (vs_key_is (it.key, it.key_len, "enabled"))
      p.enabled = !is_false (v, vl);
    else if (vs_key_is (it.key, it.key_len, "gpgcheck")
             || vs_key_is (it.key, it.key_len, "pkg_gpgcheck")) {
      p.gpgcheck = !is_false (v, vl);
      if (vs_key_is (p.section, p.section_len, "main") && !p.gpgcheck) {
        *main_gpg = 0;
        if (report (s, VS_CK_SUPPLY_RPM_REPO, VS_SEV_HIGH, T_SUPPLY, it.line,
                    it.key, (size_t) (it.value + it.value_len - it.key),
                    "signature checks off for every repository that does "
                    "not turn them on", "package manager setting",
                    "[main] gpgcheck=0") == -1)
          return -1;
      }
    }
    else if (vs_key_is (it.key, it.key_len, "sslverify")
             || vs_key_is (it.key, it.key_len, "ssl_verify"))
      p.sslverify = !is_false (v, vl);
    else if (!p.url && (vs_key_is (it.key, it.key_len, "baseurl")
                        || vs_key_is (it.key, it.key_len, "mirrorlist")
                        || vs_key_is (it.key, it.key_len, "metalink"))) {
      const char *w, *q = v, *end = v + vl;
      size_t wl;

      if (vs_next_word (&q, end, &w, &wl) && wl > 0) {
        p.url = w;
        p.url_len = wl;
        p.url_line = it.line;
      }
    }
    else if (vs_key_is (it.key, it.key_len, "proxy") && vl > 0
             && !vs_key_is (v, vl, "_none_")) {
      if (report (s, VS_CK_SUPPLY_PROXY, VS_SEV_MEDIUM, T_PROXY, it.line,
                  it.key, (size_t) (it.value + it.value_len - it.key),
                  "the package manager downloads through this proxy",
                  "package manager proxy",
                  "proxy") == -1)
        return -1;
    }
  }
  return repo_done (s, &p, *main_gpg);
}

static int
rpm_repos (struct sctx *s)
{
  static const char *const dirs[] = {
    "/etc/yum.repos.d", "/etc/zypp/repos.d", "/etc/distro.repos.d",
  };
  int main_gpg = 1, r = 0;
  size_t i;

  if (repo_file (s, "/etc/yum.conf", &main_gpg) == -1
      || repo_file (s, "/etc/dnf/dnf.conf", &main_gpg) == -1)
    return -1;
  for (i = 0; i < VS_ARRAY_SIZE (dirs) && r == 0; i++) {
    struct vs_cc_dir d;

    r = vs_cc_dir_open (s->ctx, dirs[i], &d);
    while (r == 0 && vs_cc_dir_next (&d))
      if (vs_cc_ends_with (d.name, ".repo")) {
        int g = main_gpg;

        r = repo_file (s, d.path, &g);
      }
    vs_cc_dir_close (&d);
  }
  return r;
}

/* ---- pip, npm, gem ---- */

/* Judges one index URL of a language's package manager. */
static int
lang_url (struct sctx *s, const char *tool, const char *u, size_t ul,
          unsigned line, const char *text, size_t tlen)
{
  CLEANUP_FREE char *host = NULL;
  struct vs_buf why = VS_BUF_INIT;
  enum vs_severity sev;
  int plain, known, r;

  s->items[VS_CK_SUPPLY_LANG_INDEX]++;
  known = url_known (u, ul, vs_lang_hosts, &plain, &host);
  if (known == 1 && !plain)
    return 0;
  if (known == -1)
    vs_buf_addf (&why, "%s takes packages from a path or a URL it cannot "
                 "place", tool);
  else
    vs_buf_addf (&why, "%s takes packages from %s%s", tool, host,
                 plain ? " over plain http, unverified" : "");
  sev = plain ? VS_SEV_HIGH : VS_SEV_MEDIUM;
  if (s->origin == VS_CC_STOCK)
    sev = VS_SEV_INFO;
  r = report (s, VS_CK_SUPPLY_LANG_INDEX, sev, T_DEPS, line, text, tlen,
              why.data, "package index", host ? host : tool);
  vs_buf_release (&why);
  return r;
}

static int
lang_setting (struct sctx *s, enum vs_check_name id, enum vs_severity sev,
              const char *mitre, const struct vs_ini_item *it,
              const char *why)
{
  CLEANUP_FREE char *key = vs_cc_short (it->key, it->key_len, 100);

  if (s->origin == VS_CC_STOCK)
    sev = VS_SEV_INFO;
  return report (s, id, sev, mitre, it->line, it->key,
                 (size_t) (it->value + it->value_len - it->key), why,
                 "package manager setting", key);
}

static int
key_norm_is (const char *k, size_t kl, const char *name)
{
  size_t i;

  if (kl != strlen (name))
    return 0;
  for (i = 0; i < kl; i++) {
    char a = k[i] == '_' ? '-' : k[i];

    if ((a | 0x20) != (name[i] | 0x20))
      return 0;
  }
  return 1;
}

static int
pip_file (struct sctx *s, const char *path, const char *account)
{
  CLEANUP_FREE char *data = NULL;
  struct vs_ini ini;
  struct vs_ini_item it;
  size_t len;
  int r = open_file (s, path, account, &data, &len, 0);

  if (r != 0)
    return r == -1 ? -1 : 0;
  vs_ini_init (&ini, data, len);
  while (r == 0 && vs_ini_next (&ini, &it)) {
    const char *v = it.value;
    size_t vl = it.value_len;

    unquote (&v, &vl);
    if (key_norm_is (it.key, it.key_len, "index-url")
        || key_norm_is (it.key, it.key_len, "extra-index-url")
        || key_norm_is (it.key, it.key_len, "find-links")) {
      const char *q = v, *w;
      size_t wl;

      while (r == 0 && vs_next_word (&q, v + vl, &w, &wl))
        if (wl > 0)
          r = lang_url (s, "pip", w, wl, it.line, it.key,
                        (size_t) (it.value + it.value_len - it.key));
    }
    else if (key_norm_is (it.key, it.key_len, "trusted-host") && vl > 0)
      r = lang_setting (s, VS_CK_SUPPLY_LANG_INDEX, VS_SEV_HIGH, T_DEPS, &it,
                        "pip does not check the TLS certificates of these "
                        "hosts");
    else if (key_norm_is (it.key, it.key_len, "proxy") && vl > 0)
      r = lang_setting (s, VS_CK_SUPPLY_PROXY, VS_SEV_MEDIUM, T_PROXY, &it,
                        "pip downloads through this proxy");
  }
  return r;
}

static int
npm_file (struct sctx *s, const char *path, const char *account)
{
  CLEANUP_FREE char *data = NULL;
  struct vs_ini ini;
  struct vs_ini_item it;
  size_t len;
  int r = open_file (s, path, account, &data, &len, 0);

  if (r != 0)
    return r == -1 ? -1 : 0;
  vs_ini_init (&ini, data, len);
  while (r == 0 && vs_ini_next (&ini, &it)) {
    const char *v = it.value;
    size_t vl = it.value_len;

    unquote (&v, &vl);
    if (vs_key_is (it.key, it.key_len, "registry")
        || key_ends (it.key, it.key_len, ":registry"))
      r = lang_url (s, "npm", v, vl, it.line, it.key,
                    (size_t) (it.value + it.value_len - it.key));
    else if (vs_key_is (it.key, it.key_len, "strict-ssl") && is_false (v, vl))
      r = lang_setting (s, VS_CK_SUPPLY_LANG_INDEX, VS_SEV_HIGH, T_DEPS, &it,
                        "npm does not check the registry's TLS certificate");
    else if ((vs_key_is (it.key, it.key_len, "proxy")
              || vs_key_is (it.key, it.key_len, "https-proxy")) && vl > 0
             && !is_false (v, vl) && !vs_key_is (v, vl, "null"))
      r = lang_setting (s, VS_CK_SUPPLY_PROXY, VS_SEV_MEDIUM, T_PROXY, &it,
                        "npm downloads through this proxy");
  }
  return r;
}

static int
gem_source (void *opaque, const char *src, size_t len, unsigned line)
{
  struct sctx *s = opaque;

  if (lang_url (s, "gem", src, len, line, src, len) == -1)
    s->failed = 1;
  return s->failed;
}

static int
gem_file (struct sctx *s, const char *path, const char *account)
{
  CLEANUP_FREE char *data = NULL;
  struct vs_line l;
  size_t len, pos = 0;
  int r = open_file (s, path, account, &data, &len, 0);

  if (r != 0)
    return r == -1 ? -1 : 0;
  vs_gemrc_sources (data, len, gem_source, s);
  memset (&l, 0, sizeof l);
  while (!s->failed && vs_line_next (data, len, &pos, &l)) {
    const char *p = l.p;
    size_t n = l.len;

    vs_trim (&p, &n);
    if (n > 17 && memcmp (p, ":ssl_verify_mode:", 17) == 0) {
      const char *v = p + 17;
      size_t vl = n - 17;

      vs_trim (&v, &vl);
      if (vl == 1 && v[0] == '0')
        report (s, VS_CK_SUPPLY_LANG_INDEX,
                s->origin == VS_CC_STOCK ? VS_SEV_INFO : VS_SEV_HIGH, T_DEPS,
                l.no, p, n, "gem does not check TLS certificates",
                "package manager setting", ":ssl_verify_mode");
    }
  }
  return s->failed ? -1 : 0;
}

static int
lang_indexes (struct sctx *s)
{
  static const char *const pip_sys[] = { "/etc/pip.conf",
    "/etc/xdg/pip/pip.conf" };
  static const char *const npm_sys[] = { "/etc/npmrc", "/usr/etc/npmrc",
    "/usr/local/etc/npmrc" };
  size_t i;

  for (i = 0; i < VS_ARRAY_SIZE (pip_sys); i++)
    if (pip_file (s, pip_sys[i], NULL) == -1)
      return -1;
  for (i = 0; i < VS_ARRAY_SIZE (npm_sys); i++)
    if (npm_file (s, npm_sys[i], NULL) == -1)
      return -1;
  if (gem_file (s, "/etc/gemrc", NULL) == -1)
    return -1;
  for (i = 0; i < s->homes.n; i++) {
    const char *h = strcmp (s->homes.v[i], "/") ? s->homes.v[i] : "";
    const struct vs_cc_user *u = &s->users.v[s->home_user[i]];
    CLEANUP_FREE char *a = vs_xasprintf ("%s/.pip/pip.conf", h);
    CLEANUP_FREE char *b = vs_xasprintf ("%s/.config/pip/pip.conf", h);
    CLEANUP_FREE char *c = vs_xasprintf ("%s/.npmrc", h);
    CLEANUP_FREE char *d = vs_xasprintf ("%s/.gemrc", h);

    if (pip_file (s, a, u->name) == -1 || pip_file (s, b, u->name) == -1
        || npm_file (s, c, u->name) == -1 || gem_file (s, d, u->name) == -1)
      return -1;
  }
  return 0;
}

/* ---- the family ---- */

int
vs_supply_files (struct vs_check_ctx *ctx)
{
  static const enum vs_check_name ids[] = {
    VS_CK_SUPPLY_APT_SOURCE, VS_CK_SUPPLY_APT_CONF, VS_CK_SUPPLY_KEYRING,
    VS_CK_SUPPLY_RPM_REPO, VS_CK_SUPPLY_LANG_INDEX, VS_CK_SUPPLY_PROXY,
  };
  struct sctx *s = ctx->family;
  size_t i;

  if (apt_sources (s) == -1 || apt_conf (s) == -1 || keyrings (s) == -1
      || rpm_repos (s) == -1 || lang_indexes (s) == -1)
    return -1;
  for (i = 0; i < VS_ARRAY_SIZE (ids); i++)
    if (vs_check_ran (ctx, ids[i], "ran", s->items[ids[i]], NULL) == -1)
      return -1;
  return 0;
}

/* What the supply checks share: the accounts and their homes, each
 * home once as the guest resolves it. */
int
vs_supply_begin (struct vs_check_ctx *ctx)
{
  struct sctx *s;
  size_t i;

  if (!ctx->guest)
    return 1;
  s = vs_xcalloc (1, sizeof *s);
  s->ctx = ctx;
  ctx->family = s;
  if (vs_cc_users_load (ctx, &s->users) == -1)
    return -1;
  s->home_user = vs_xcalloc (s->users.n + 1, sizeof *s->home_user);
  for (i = 0; i < s->users.n; i++) {
    CLEANUP_FREE char *canon = NULL;

    if (s->users.v[i].home[0] == '/'
        && vs_guest_realpath (ctx->guest, s->users.v[i].home, &canon) == 0
        && vs_cc_set_add (&s->homes, canon, strlen (canon)))
      s->home_user[s->homes.n - 1] = i;
  }
  return 0;
}

void
vs_supply_end (struct vs_check_ctx *ctx)
{
  struct sctx *s = ctx->family;

  if (!s)
    return;
  vs_cc_users_free (&s->users);
  vs_cc_set_free (&s->homes);
  free (s->home_user);
  free (s);
}
