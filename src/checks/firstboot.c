/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: first-boot persistence — what an image would do the first
 * time it boots as a cloud instance: cloud-init's configuration
 * (/etc/cloud/cloud.cfg and cloud.cfg.d/NAME.cfg), the user-data,
 * vendor-data and seeds left under /var/lib/cloud with the instance
 * state they came with, cloud-init's script folders, and the other
 * agents' configuration: Ignition configs, the Azure agent's
 * waagent.conf and provisioning data, the Google guest agent's
 * instance_configs.cfg.
 *
 * One scale, as the persistence checks':
 *   info    a file that is stock (a package owns it, content unchanged):
 *           one finding for the file, however many directives it has;
 *   low     no package database to tell (configuration in /etc/cloud),
 *           or a directive that changes little (the default user named,
 *           power state, an unreadable part);
 *   medium  not stock, and a directive that runs commands, writes files,
 *           adds accounts or keys, installs packages or sources, sets
 *           passwords or fetches URLs at boot; a script in a folder;
 *   high    a command or script line that looks malicious
 *           (vs_cmd_suspicion), an SSH key for root or for an account
 *           given sudo, a file written into cron, systemd, ld.so.preload,
 *           sudoers, PAM, profile.d or authorized_keys, root's password
 *           set, or sshd passwords enabled together with root log-in or
 *           a password.
 * Every guest file is read through the guest view, bounded.
 */
#include <config.h>

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "checks/checks.h"
#include "checks/common.h"
#include "core/guest.h"
#include "parse/cloudcfg.h"
#include "parse/ini.h"
#include "parse/shellcmd.h"
#include "parse/text.h"

#define TITLE_CMD 100
#define MAX_EVIDENCE_LINES 8

struct fb {
  struct vs_check_ctx *ctx;
  struct vs_cc_set seen;        /* canonical files read */
  uint64_t items, scripts, agents;
};

static const char *
base_name (const char *path)
{
  const char *s = strrchr (path, '/');

  return s ? s + 1 : path;
}

/* What a script runs: its first suspicious line, else its first
 * commands (comments and blank lines left out). */
struct scan {
  const char *why;
  struct vs_line sus;
  size_t ncmds;
  struct vs_buf cmds;
};

static void
scan_lines (const char *data, size_t len, struct scan *r)
{
  struct vs_line l;
  size_t pos = 0, shown = 0;

  memset (r, 0, sizeof *r);
  memset (&l, 0, sizeof l);
  while (vs_line_next (data, len, &pos, &l)) {
    const char *p = l.p, *why;
    size_t n = l.len;

    vs_trim (&p, &n);
    if (n == 0 || p[0] == '#')
      continue;
    r->ncmds++;
    why = vs_cmd_suspicion (p, n);
    if (why && !r->why) {
      r->why = why;
      r->sus = l;
    }
    if (shown < 3) {
      if (shown++)
        vs_buf_addc (&r->cmds, '\n');
      vs_cc_evidence (&r->cmds, p, n);
    }
  }
}

/* Where a file written at boot would persist: why and the technique. */
static const char *
sensitive_path (const char *p, const char **mitre)
{
  static const struct { const char *prefix, *why, *mitre; } tab[] = {
    { "/etc/cron", "writes a cron job", "T1053.003" },
    { "/var/spool/cron", "writes a crontab", "T1053.003" },
    { "/etc/systemd/", "writes a systemd unit or setting", "T1543.002" },
    { "/lib/systemd/", "writes a systemd unit", "T1543.002" },
    { "/usr/lib/systemd/", "writes a systemd unit", "T1543.002" },
    { "/etc/ld.so.preload", "writes /etc/ld.so.preload", "T1574.006" },
    { "/etc/ld.so.conf", "changes the library path", "T1574.006" },
    { "/etc/sudoers", "writes a sudo rule", "T1548.003" },
    { "/etc/pam.d/", "writes a PAM rule", "T1556.003" },
    { "/etc/profile", "writes a login script", "T1546.004" },
    { "/etc/bash.bashrc", "writes a login script", "T1546.004" },
    { "/etc/rc.local", "writes rc.local", "T1037.004" },
    { "/etc/init.d/", "writes an init script", "T1037.004" },
    { "/etc/update-motd.d/", "writes a login message script", "T1546" },
    { "/etc/udev/rules.d/", "writes a udev rule", "T1546" },
    { "/etc/passwd", "writes the account list", "T1136.001" },
    { "/etc/shadow", "writes the password file", "T1136.001" },
    { "/etc/ssh/sshd_config", "changes sshd's settings", "T1098.004" },
    { "/etc/cloud/", "writes cloud-init's own configuration", "T1037" },
    { "/var/lib/cloud/scripts/", "writes a cloud-init boot script",
      "T1037" },
  };
  size_t i;

  if (strstr (p, "/.ssh/authorized_keys") || strstr (p, "/.ssh/rc")) {
    *mitre = "T1098.004";
    return "writes SSH authorized keys";
  }
  if (strstr (p, "/.bashrc") || strstr (p, "/.profile")) {
    *mitre = "T1546.004";
    return "writes a shell start-up file";
  }
  for (i = 0; i < VS_ARRAY_SIZE (tab); i++)
    if (strncmp (p, tab[i].prefix, strlen (tab[i].prefix)) == 0) {
      *mitre = tab[i].mitre;
      return tab[i].why;
    }
  return NULL;
}

/* A key line shown short: its options and type with the start of the
 * blob, then the comment (what follows the blob). */
static void
key_evidence (struct vs_buf *ev, const char *k, size_t len)
{
  const char *end = k + len, *p = k, *w, *blob = NULL;
  size_t wl, bl = 0;

  while (vs_next_word (&p, end, &w, &wl))
    if (wl > 60 && !blob) {
      blob = w;
      bl = wl;
      break;
    }
  if (!blob) {
    vs_cc_evidence (ev, k, len);
    return;
  }
  vs_cc_evidence (ev, k, (size_t) (blob - k) + 24);
  vs_buf_addf (ev, "...(%zu bytes)", bl);
  vs_cc_evidence (ev, blob + bl, (size_t) (end - (blob + bl)));
}

/* The facts of a whole document a directive's severity depends on. */
struct docfacts {
  int root_login, pwauth, password_set;
  struct vs_cc_set sudo_users;  /* accounts given sudo */
  struct vs_cc_set key_users;   /* accounts given SSH keys */
  int keys;                     /* top-level keys for the default user */
};

static void
facts (const struct vs_ci_doc *doc, struct docfacts *f)
{
  size_t i;

  memset (f, 0, sizeof *f);
  for (i = 0; i < doc->n; i++) {
    const struct vs_ci_item *it = &doc->v[i];

    if (it->flags & VS_CI_ROOT_LOGIN)
      f->root_login = 1;
    if (it->flags & VS_CI_PWAUTH)
      f->pwauth = 1;
    if (it->kind == VS_CI_PASSWORD && strcmp (it->key, "ssh_pwauth") != 0
        && strcmp (it->key, "disable_root") != 0)
      f->password_set = 1;
    if (it->kind == VS_CI_USER && (it->flags & VS_CI_PASSWD))
      f->password_set = 1;
    if (it->kind == VS_CI_USER && (it->flags & VS_CI_SUDO))
      vs_cc_set_add (&f->sudo_users, it->text, it->text_len);
    if (it->kind == VS_CI_SSH_KEY && !it->account)
      f->keys = 1;
    if (it->kind == VS_CI_SSH_KEY && it->account)
      vs_cc_set_add (&f->key_users, it->account, strlen (it->account));
  }
}

/* Reports one directive of a file that is not stock.  act is the
 * severity of an ordinary directive that acts (medium, or low when no
 * package database can tell); what looks malicious is high whatever
 * act says. */
static int
directive (struct fb *fb, enum vs_check_name id, const char *path,
           const char *what, const char *otext,
           const struct vs_ci_item *it, const struct docfacts *df,
           enum vs_severity act)
{
  struct vs_check_ctx *ctx = fb->ctx;
  struct vs_buf ev = VS_BUF_INIT;
  CLEANUP_FREE char *shown = vs_cc_short (it->text, it->text_len, TITLE_CMD);
  CLEANUP_FREE char *title = NULL;
  CLEANUP_FREE char *partno = it->part ? vs_xasprintf (" part %u", it->part)
    : vs_xstrdup ("");
  const char *why = NULL, *mitre = "T1037", *account = it->account;
  enum vs_severity sev = act;
  int r;

  vs_buf_addf (&ev, "%s%s line %u: %s: ", path, partno, it->line, it->key);
  switch (it->kind) {
  case VS_CI_COMMAND:
    vs_cc_evidence (&ev, it->text, it->text_len);
    why = vs_cmd_suspicion (it->text, it->text_len);
    mitre = strcmp (it->key, "bootcmd") == 0 ? "T1037" : "T1059.004";
    title = vs_xasprintf ("%s %s in %s (%s) runs: %s", what, it->key, path,
                          otext, shown);
    break;
  case VS_CI_SCRIPT: {
    struct scan s;

    scan_lines (it->text, it->text_len, &s);
    if (s.why) {
      why = s.why;
      vs_buf_addf (&ev, "script line %u: ", s.sus.no);
      vs_cc_evidence (&ev, s.sus.p, s.sus.len);
      free (shown);
      shown = vs_cc_short (s.sus.p, s.sus.len, TITLE_CMD);
    }
    else {
      vs_buf_add (&ev, s.cmds.data ? s.cmds.data : "", s.cmds.len);
      free (shown);
      shown = vs_cc_short (s.cmds.data ? s.cmds.data : "", s.cmds.len,
                           TITLE_CMD);
    }
    vs_buf_release (&s.cmds);
    mitre = "T1059.004";
    title = vs_xasprintf ("%s %s in %s%s (%s) runs: %s", what, it->key, path,
                          partno, otext, shown);
    break;
  }
  case VS_CI_WRITE_FILE: {
    const char *m = NULL;

    vs_cc_evidence (&ev, it->text, it->text_len);
    vs_buf_addf (&ev, " (permissions %s, owner %s%s%s%s)",
                 it->mode ? it->mode : "default",
                 it->owner ? it->owner : "default",
                 it->encoding ? ", encoding " : "",
                 it->encoding ? it->encoding : "",
                 it->flags & VS_CI_DEFER ? ", deferred" : "");
    if (it->flags & VS_CI_REMOTE)
      vs_buf_addf (&ev, "\nfrom %s", it->source);
    why = sensitive_path (it->text, &m);
    if (m)
      mitre = m;
    if (it->content) {
      struct scan s;

      scan_lines (it->content, it->content_len, &s);
      if (s.why) {
        if (!why)
          why = s.why;
        vs_buf_addf (&ev, "\ncontent line %u: ", s.sus.no);
        vs_cc_evidence (&ev, s.sus.p, s.sus.len);
      }
      else if (s.cmds.len) {
        vs_buf_adds (&ev, "\ncontent: ");
        vs_buf_add (&ev, s.cmds.data, s.cmds.len);
      }
      vs_buf_release (&s.cmds);
    }
    title = vs_xasprintf ("%s %s in %s (%s) writes %s%s", what, it->key,
                          path, otext, shown,
                          it->flags & VS_CI_APPEND ? " (appends)" : "");
    break;
  }
  case VS_CI_USER: {
    int keys;

    vs_cc_evidence (&ev, it->text, it->text_len);
    if (it->sudo)
      vs_buf_addf (&ev, "; sudo: %s", it->sudo);
    if (it->groups)
      vs_buf_addf (&ev, "; groups: %s", it->groups);
    if (it->flags & VS_CI_PASSWD)
      vs_buf_adds (&ev, "; a password is set (not shown)");
    if (it->flags & VS_CI_UNLOCKED)
      vs_buf_adds (&ev, "; lock_passwd: false");
    account = it->flags & VS_CI_DEFAULT_USER ? NULL : it->text;
    mitre = "T1136.001";
    keys = it->flags & VS_CI_DEFAULT_USER ? df->keys
      : vs_cc_set_has (&df->key_users, it->text, it->text_len);
    if ((it->flags & VS_CI_DEFAULT_USER) && !it->sudo && !it->groups)
      sev = VS_SEV_LOW;                 /* "- default": the stock user */
    if (strcmp (it->text, "root") == 0 && keys)
      why = "gives root SSH keys";
    else if ((it->flags & VS_CI_SUDO) && keys)
      why = "adds an account with sudo and an SSH key";
    else if ((it->flags & VS_CI_SUDO) && (it->flags & VS_CI_PASSWD)
             && (it->flags & VS_CI_UNLOCKED))
      why = "adds an account with sudo and a password";
    title = vs_xasprintf ("%s %s in %s (%s) adds account %s%s%s", what,
                          it->key, path, otext, shown,
                          it->flags & VS_CI_SUDO ? " with sudo" : "",
                          keys ? " and SSH keys" : "");
    break;
  }
  case VS_CI_SSH_KEY:
    key_evidence (&ev, it->text, it->text_len);
    mitre = "T1098.004";
    if (account && strcmp (account, "root") == 0)
      why = "an SSH key for root";
    else if (!account && df->root_login)
      why = "an SSH key for the default user and root (disable_root: false)";
    else if (account && vs_cc_set_has (&df->sudo_users, account,
                                       strlen (account)))
      why = "an SSH key for an account given sudo";
    title = vs_xasprintf ("%s %s in %s (%s) adds an SSH key for %s: %s",
                          what, it->key, path, otext,
                          account ? account : "the default user", shown);
    break;
  case VS_CI_PACKAGE:
    vs_cc_evidence (&ev, it->text, it->text_len);
    mitre = "T1072";
    title = vs_xasprintf ("%s %s in %s (%s) installs %s", what, it->key, path,
                          otext, shown);
    break;
  case VS_CI_APT_SOURCE:
    vs_cc_evidence (&ev, it->text, it->text_len);
    if (it->encoding)
      vs_buf_addf (&ev, " (key: %s)", it->encoding);
    mitre = "T1195.002";
    title = vs_xasprintf ("%s %s in %s (%s) adds a package source: %s", what,
                          it->key, path, otext, shown);
    break;
  case VS_CI_PASSWORD:
    vs_cc_evidence (&ev, it->text, it->text_len);
    mitre = "T1098";
    if (it->flags & VS_CI_ROOT)
      why = "sets root's password";
    else if ((it->flags & VS_CI_PWAUTH) && (df->root_login
                                            || df->password_set))
      why = "turns on SSH passwords and sets a password or root log-in";
    title = vs_xasprintf ("%s %s in %s (%s): %s", what, it->key, path, otext,
                          shown);
    break;
  case VS_CI_URL:
    vs_cc_evidence (&ev, it->text, it->text_len);
    mitre = strcmp (it->key, "phone_home") == 0 ? "T1041" : "T1105";
    why = vs_cmd_suspicion (it->text, it->text_len);
    title = vs_xasprintf ("%s %s in %s (%s) fetches or posts to %s", what,
                          it->key, path, otext, shown);
    break;
  case VS_CI_UNIT: {
    struct vs_ini ini;
    struct vs_ini_item ii;
    size_t lines = 0;

    vs_cc_evidence (&ev, it->text, it->text_len);
    vs_buf_adds (&ev, it->flags & VS_CI_ENABLED ? " [enabled]"
                 : " [not enabled]");
    mitre = "T1543.002";
    if (it->content) {
      vs_ini_init (&ini, it->content, it->content_len);
      while (vs_ini_next (&ini, &ii))
        if (ii.key_len > 4 && memcmp (ii.key, "Exec", 4) == 0) {
          const char *w = vs_cmd_suspicion (ii.value, ii.value_len);

          if (w && !why)
            why = w;
          if (lines++ < MAX_EVIDENCE_LINES) {
            vs_buf_addc (&ev, '\n');
            vs_cc_evidence (&ev, ii.key, (size_t) (ii.value + ii.value_len
                                                    - ii.key));
          }
        }
    }
    if (!(it->flags & VS_CI_ENABLED) && act > VS_SEV_LOW)
      sev = VS_SEV_LOW;
    title = vs_xasprintf ("%s %s in %s (%s) installs unit %s%s", what,
                          it->key, path, otext, shown,
                          it->flags & VS_CI_ENABLED ? ", enabled" : "");
    break;
  }
  case VS_CI_MODULE:
    vs_cc_evidence (&ev, it->text, it->text_len);
    if (strcmp (it->key, "power_state") == 0)
      sev = VS_SEV_LOW;
    why = vs_cmd_suspicion (it->text, it->text_len);
    title = vs_xasprintf ("%s %s in %s (%s) configures: %s", what, it->key,
                          path, otext, shown);
    break;
  default:
    vs_cc_evidence (&ev, it->text, it->text_len);
    sev = VS_SEV_LOW;
    title = vs_xasprintf ("%s in %s%s (%s) not read: %s", what, path, partno,
                          otext, shown);
    break;
  }
  if (why)
    sev = VS_SEV_HIGH;
  r = vs_cc_report (ctx, id, sev, mitre, path, account, ev.data, ev.len,
                    "%s%s%s", title, why ? " — " : "", why ? why : "");
  vs_buf_release (&ev);
  return r;
}

/* Reads and judges one cloud-config, user-data or Ignition file. */
static int
config_file (struct fb *fb, enum vs_check_name id, const char *path,
             const char *what, int flags, int ignition,
             int vendor_dir)
{
  struct vs_check_ctx *ctx = fb->ctx;
  CLEANUP_FREE char *canon = NULL;
  CLEANUP_FREE char *data = NULL;
  CLEANUP_FREE char *otext = NULL;
  struct vs_ci_doc doc;
  struct docfacts df;
  enum vs_cc_origin o;
  enum vs_severity act = VS_SEV_MEDIUM;
  const char *pkg;
  size_t len, i;
  int r;

  if (vs_guest_realpath (ctx->guest, path, &canon) == -1)
    return errno == ELOOP ? (vs_check_error (ctx, path, "%s: symlink loop",
                                             path) == -1 ? -1 : 0) : 0;
  if (!vs_cc_set_add (&fb->seen, canon, strlen (canon)))
    return 0;
  /* A file padded past the cap is read up to it, not skipped. */
  r = vs_cc_read_head (ctx, canon, VS_CI_MAX_INPUT, &data, &len);
  if (r != 0)
    return r == -1 ? -1 : 0;
  if (len >= VS_CI_MAX_INPUT
      && vs_check_error (ctx, canon, "%s: longer than %u bytes, the rest "
                         "not read", canon, VS_CI_MAX_INPUT) == -1)
    return -1;
  if (id == VS_CK_PERSISTENCE_FIRSTBOOT_AGENT)
    fb->agents++;
  else
    fb->items++;
  o = vs_cc_origin (ctx, canon, &pkg);
  otext = vs_cc_origin_text (o, pkg);
  if (ignition)
    vs_ci_parse_ignition (data, len, &doc);
  else
    vs_ci_parse (data, len, flags, &doc);
  if (doc.error && vs_check_error (ctx, canon, "%s: line %u: %s", canon,
                                   doc.error_line, doc.error) == -1) {
    vs_ci_free (&doc);
    return -1;
  }
  if (o == VS_CC_STOCK) {
    r = vs_cc_report (ctx, id, VS_SEV_INFO, "T1037", canon, NULL,
                      vs_ci_format_name (doc.format), 0,
                      "stock %s %s (%s): %zu directives", what, canon,
                      otext, doc.n);
    vs_ci_free (&doc);
    return r;
  }
  /* Without a package database, configuration where a package would put
   * it may well be stock. */
  if (o == VS_CC_UNKNOWN && vendor_dir)
    act = VS_SEV_LOW;
  facts (&doc, &df);
  for (i = 0; i < doc.n && r == 0; i++)
    r = directive (fb, id, canon, what, otext, &doc.v[i], &df, act);
  vs_cc_set_free (&df.sudo_users);
  vs_cc_set_free (&df.key_users);
  vs_ci_free (&doc);
  return r;
}

/* Every script of a cloud-init script folder. */
static int
script_dir (struct fb *fb, const char *dir, const char *when)
{
  struct vs_check_ctx *ctx = fb->ctx;
  struct vs_cc_dir d;
  int r = vs_cc_dir_open (ctx, dir, &d);

  while (r == 0 && vs_cc_dir_next (&d)) {
    CLEANUP_FREE char *data = NULL;
    CLEANUP_FREE char *canon = NULL;
    CLEANUP_FREE char *otext = NULL;
    CLEANUP_FREE char *shown = NULL;
    struct vs_buf ev = VS_BUF_INIT;
    struct scan s;
    struct stat st;
    enum vs_cc_origin o;
    enum vs_severity sev;
    const char *pkg;
    size_t len;
    int exec;

    if (vs_guest_stat (ctx->guest, d.path, 1, &st) == 0
        && S_ISDIR (st.st_mode))
      continue;                 /* scripts/vendor: read on its own */
    if (vs_guest_realpath (ctx->guest, d.path, &canon) == -1
        || !vs_cc_set_add (&fb->seen, canon, strlen (canon)))
      continue;
    r = vs_cc_read_head (ctx, canon, VS_CC_MAX_SCRIPT, &data, &len);
    if (r != 0) {
      r = r == -1 ? -1 : 0;
      continue;
    }
    fb->scripts++;
    o = vs_cc_origin (ctx, canon, &pkg);
    if (o == VS_CC_STOCK)
      continue;
    exec = vs_guest_stat (ctx->guest, canon, 1, &st) == 0
      && (st.st_mode & 0111);
    scan_lines (data, len, &s);
    if (s.ncmds == 0) {
      vs_buf_release (&s.cmds);
      continue;
    }
    otext = vs_cc_origin_text (o, pkg);
    if (s.why) {
      vs_buf_addf (&ev, "line %u: ", s.sus.no);
      vs_cc_evidence (&ev, s.sus.p, s.sus.len);
      shown = vs_cc_short (s.sus.p, s.sus.len, TITLE_CMD);
    }
    else {
      vs_buf_add (&ev, s.cmds.data, s.cmds.len);
      shown = vs_cc_short (s.cmds.data, s.cmds.len, TITLE_CMD);
    }
    vs_buf_addf (&ev, "\n[%s]", exec ? "executable" : "not executable");
    sev = s.why ? VS_SEV_HIGH : exec ? VS_SEV_MEDIUM : VS_SEV_LOW;
    r = vs_cc_report (ctx, VS_CK_PERSISTENCE_CLOUD_INIT_SCRIPTS, sev, "T1037",
                      canon, NULL, ev.data, ev.len,
                      "cloud-init %s script %s (%s%s) runs: %s%s%s", when,
                      d.name, otext, exec ? "" : ", not executable", shown,
                      s.why ? " — " : "", s.why ? s.why : "");
    vs_buf_release (&ev);
    vs_buf_release (&s.cmds);
  }
  vs_cc_dir_close (&d);
  return r;
}

/* One instance's folder: its user-data and vendor-data, its scripts,
 * and the state that says an instance booted from this disk. */
static int
instance (struct fb *fb, const char *dir, const char *name)
{
  static const char *const data[][2] = {
    { "user-data.txt", "user-data" },
    { "vendor-data.txt", "vendor-data" },
    { "vendor-data2.txt", "vendor-data" },
  };
  struct vs_check_ctx *ctx = fb->ctx;
  struct vs_buf ev = VS_BUF_INIT;
  struct vs_cc_dir d;
  struct stat st;
  size_t i, shown = 0, n = 0;
  int r = 0, have_ud = 0;

  for (i = 0; i < VS_ARRAY_SIZE (data) && r == 0; i++) {
    CLEANUP_FREE char *p = vs_xasprintf ("%s/%s", dir, data[i][0]);

    if (vs_guest_stat (ctx->guest, p, 1, &st) == 0 && i == 0)
      have_ud = 1;
    r = config_file (fb, VS_CK_PERSISTENCE_CLOUD_INIT, p, data[i][1], 0, 0,
                     0);
  }
  /* cloud-config.txt is user-data's cloud-config merged: read it only
   * when the user-data it came from is gone. */
  if (r == 0 && !have_ud) {
    CLEANUP_FREE char *p = vs_xasprintf ("%s/cloud-config.txt", dir);

    r = config_file (fb, VS_CK_PERSISTENCE_CLOUD_INIT, p, "cloud-config",
                     VS_CI_YAML_DEFAULT, 0, 0);
  }
  if (r == 0) {
    CLEANUP_FREE char *p = vs_xasprintf ("%s/scripts", dir);
    CLEANUP_FREE char *v = vs_xasprintf ("%s/scripts/vendor", dir);

    r = script_dir (fb, p, "instance");
    if (r == 0)
      r = script_dir (fb, v, "instance vendor");
  }
  if (r != 0)
    return r;
  /* The state itself. */
  r = vs_cc_dir_open (ctx, dir, &d);
  while (r == 0 && vs_cc_dir_next (&d)) {
    n++;
    if (shown++ < 12) {
      if (ev.len)
        vs_buf_adds (&ev, ", ");
      vs_cc_evidence (&ev, d.name, strlen (d.name));
    }
  }
  vs_cc_dir_close (&d);
  if (r == 0 && n)
    r = vs_cc_report (ctx, VS_CK_PERSISTENCE_CLOUD_INIT, VS_SEV_LOW, "T1037",
                      dir, NULL, ev.data, ev.len,
                      "cloud-init state of instance %s left in the image "
                      "(%zu entries): it booted before it was captured",
                      name, n);
  vs_buf_release (&ev);
  return r;
}

int
vs_firstboot_cloud_init (struct vs_check_ctx *ctx)
{
  static const char *const folders[][2] = {
    { "/var/lib/cloud/scripts/per-boot", "per-boot" },
    { "/var/lib/cloud/scripts/per-instance", "per-instance" },
    { "/var/lib/cloud/scripts/per-once", "per-once" },
    { "/var/lib/cloud/scripts/vendor", "vendor" },
  };
  struct fb fb;
  struct vs_cc_dir d;
  size_t i;
  int r;

  memset (&fb, 0, sizeof fb);
  fb.ctx = ctx;
  r = config_file (&fb, VS_CK_PERSISTENCE_CLOUD_INIT, "/etc/cloud/cloud.cfg",
                   "cloud-init configuration", VS_CI_YAML_DEFAULT, 0, 1);
  if (r == 0)
    r = vs_cc_dir_open (ctx, "/etc/cloud/cloud.cfg.d", &d);
  else
    memset (&d, 0, sizeof d);
  while (r == 0 && vs_cc_dir_next (&d))
    if (vs_cc_ends_with (d.name, ".cfg"))
      r = config_file (&fb, VS_CK_PERSISTENCE_CLOUD_INIT, d.path,
                       "cloud-init drop-in", VS_CI_YAML_DEFAULT, 0, 1);
  vs_cc_dir_close (&d);
  /* Seeds: what a NoCloud (or other) source would read at first boot. */
  if (r == 0)
    r = vs_cc_dir_open (ctx, "/var/lib/cloud/seed", &d);
  while (r == 0 && vs_cc_dir_next (&d)) {
    CLEANUP_FREE char *u = vs_xasprintf ("%s/user-data", d.path);
    CLEANUP_FREE char *v = vs_xasprintf ("%s/vendor-data", d.path);

    r = config_file (&fb, VS_CK_PERSISTENCE_CLOUD_INIT, u, "seed user-data",
                     0, 0, 0);
    if (r == 0)
      r = config_file (&fb, VS_CK_PERSISTENCE_CLOUD_INIT, v,
                       "seed vendor-data", 0, 0, 0);
  }
  vs_cc_dir_close (&d);
  /* Instances (/var/lib/cloud/instance links to one of them). */
  if (r == 0)
    r = vs_cc_dir_open (ctx, "/var/lib/cloud/instances", &d);
  while (r == 0 && vs_cc_dir_next (&d)) {
    CLEANUP_FREE char *canon = NULL;

    if (vs_guest_realpath (ctx->guest, d.path, &canon) == -1
        || !vs_cc_set_add (&fb.seen, canon, strlen (canon)))
      continue;
    r = instance (&fb, canon, d.name);
  }
  vs_cc_dir_close (&d);
  if (r == 0) {
    CLEANUP_FREE char *canon = NULL;

    if (vs_guest_realpath (ctx->guest, "/var/lib/cloud/instance", &canon)
        == 0 && vs_cc_set_add (&fb.seen, canon, strlen (canon)))
      r = instance (&fb, canon, base_name (canon));
  }
  for (i = 0; i < VS_ARRAY_SIZE (folders) && r == 0; i++)
    r = script_dir (&fb, folders[i][0], folders[i][1]);
  if (r == 0)
    r = vs_check_ran (ctx, VS_CK_PERSISTENCE_CLOUD_INIT, "ran", fb.items,
                      NULL);
  if (r == 0)
    r = vs_check_ran (ctx, VS_CK_PERSISTENCE_CLOUD_INIT_SCRIPTS, "ran",
                      fb.scripts, NULL);
  vs_cc_set_free (&fb.seen);
  return r;
}

/* ---- the other agents ---- */

/* Settings of an ini-style agent file (waagent.conf has no sections,
 * "Key=value" lines; instance_configs.cfg has sections) that are worth
 * a line, with the severity when the file is not stock. */
struct setting {
  const char *key, *value, *why;
  enum vs_severity sev;
};

static int
agent_settings (struct fb *fb, const char *path, const char *agent,
                const struct setting *tab, size_t ntab)
{
  struct vs_check_ctx *ctx = fb->ctx;
  CLEANUP_FREE char *data = NULL;
  CLEANUP_FREE char *otext = NULL;
  enum vs_cc_origin o;
  const char *pkg;
  struct vs_line l;
  size_t len, pos = 0;
  int r;

  r = vs_cc_read (ctx, path, VS_CC_MAX_CONFIG, &data, &len);
  if (r != 0)
    return r == -1 ? -1 : 0;
  fb->agents++;
  o = vs_cc_origin (ctx, path, &pkg);
  if (o == VS_CC_STOCK)
    return 0;
  otext = vs_cc_origin_text (o, pkg);
  memset (&l, 0, sizeof l);
  while (r == 0 && vs_line_next (data, len, &pos, &l)) {
    const char *p = l.p, *eq;
    size_t n = l.len, k, i;

    vs_trim (&p, &n);
    if (n == 0 || p[0] == '#' || p[0] == '[')
      continue;
    eq = memchr (p, '=', n);
    if (!eq)
      continue;
    k = (size_t) (eq - p);
    while (k && (p[k - 1] == ' ' || p[k - 1] == '\t'))
      k--;
    for (i = 0; i < ntab; i++) {
      const char *v = eq + 1, *why;
      size_t vl = n - (size_t) (v - p);
      struct vs_buf ev = VS_BUF_INIT;
      enum vs_severity sev = tab[i].sev;

      if (!vs_memcaseeq (p, k, tab[i].key))
        continue;
      vs_trim (&v, &vl);
      if (tab[i].value && !vs_memcaseeq (v, vl, tab[i].value))
        continue;
      if (o == VS_CC_UNKNOWN && sev > VS_SEV_LOW)
        sev = VS_SEV_LOW;
      why = vs_cmd_suspicion (v, vl);
      if (why)
        sev = VS_SEV_HIGH;
      vs_buf_addf (&ev, "line %u: ", l.no);
      vs_cc_evidence (&ev, l.p, l.len);
      r = vs_cc_report (ctx, VS_CK_PERSISTENCE_FIRSTBOOT_AGENT, sev, "T1037",
                        path, NULL, ev.data, ev.len, "%s setting in %s (%s): "
                        "%s%s%s", agent, path, otext, tab[i].why,
                        why ? " — " : "", why ? why : "");
      vs_buf_release (&ev);
      break;
    }
  }
  return r;
}

static int
ignition_dir (struct fb *fb, const char *dir, int depth)
{
  struct vs_check_ctx *ctx = fb->ctx;
  struct vs_cc_dir d;
  int r = vs_cc_dir_open (ctx, dir, &d);

  while (r == 0 && vs_cc_dir_next (&d)) {
    struct stat st;

    if (depth > 0 && vs_guest_stat (ctx->guest, d.path, 1, &st) == 0
        && S_ISDIR (st.st_mode))
      r = ignition_dir (fb, d.path, depth - 1);
    else if (vs_cc_ends_with (d.name, ".ign"))
      r = config_file (fb, VS_CK_PERSISTENCE_FIRSTBOOT_AGENT, d.path,
                       "Ignition config", 0, 1, 0);
  }
  vs_cc_dir_close (&d);
  return r;
}

int
vs_firstboot_agents (struct vs_check_ctx *ctx)
{
  static const struct setting waagent[] = {
    { "Provisioning.ExecuteCustomData", "y",
      "runs the custom data given at provisioning", VS_SEV_MEDIUM },
    { "Provisioning.DecodeCustomData", "y",
      "decodes the custom data given at provisioning", VS_SEV_LOW },
    { "Provisioning.RegenerateSshHostKeyPair", "n",
      "keeps the image's SSH host keys on every instance", VS_SEV_MEDIUM },
    { "Provisioning.DeleteRootPassword", "n",
      "keeps root's password from the image", VS_SEV_MEDIUM },
    { "Provisioning.Agent", NULL, "names the provisioning agent",
      VS_SEV_INFO },
  };
  static const struct setting gce[] = {
    { "startup", "true", "runs metadata startup scripts", VS_SEV_INFO },
    { "run_dir", NULL, "runs metadata scripts from a folder of its own",
      VS_SEV_MEDIUM },
    { "default_shell", NULL, "runs metadata scripts with another shell",
      VS_SEV_MEDIUM },
    { "deprovision_remove", "false", "keeps accounts it made",
      VS_SEV_LOW },
    { "groups", NULL, "gives the accounts it makes these groups",
      VS_SEV_MEDIUM },
  };
  static const char *const ign[] = {
    "/usr/lib/ignition/user.ign", "/boot/ignition/config.ign",
    "/etc/ignition/config.ign",
  };
  struct fb fb;
  struct stat st;
  size_t i;
  int r = 0;

  memset (&fb, 0, sizeof fb);
  fb.ctx = ctx;
  for (i = 0; i < VS_ARRAY_SIZE (ign) && r == 0; i++)
    r = config_file (&fb, VS_CK_PERSISTENCE_FIRSTBOOT_AGENT, ign[i],
                     "Ignition config", 0, 1, 0);
  if (r == 0)
    r = ignition_dir (&fb, "/usr/lib/ignition/base.d", 0);
  if (r == 0)
    r = ignition_dir (&fb, "/usr/lib/ignition/base.platform.d", 1);
  if (r == 0)
    r = ignition_dir (&fb, "/boot/ignition", 0);
  if (r == 0)
    r = agent_settings (&fb, "/etc/waagent.conf", "Azure agent", waagent,
                        VS_ARRAY_SIZE (waagent));
  /* Azure's provisioning data: custom data is user-data. */
  if (r == 0)
    r = config_file (&fb, VS_CK_PERSISTENCE_FIRSTBOOT_AGENT,
                     "/var/lib/waagent/CustomData", "Azure custom data",
                     VS_CI_MAYBE_BASE64, 0, 0);
  if (r == 0 && vs_guest_stat (ctx->guest, "/var/lib/waagent/ovf-env.xml",
                               1, &st) == 0)
    r = vs_cc_report (ctx, VS_CK_PERSISTENCE_FIRSTBOOT_AGENT, VS_SEV_MEDIUM,
                      "T1552.001", "/var/lib/waagent/ovf-env.xml", NULL,
                      "ovf-env.xml", 0, "Azure provisioning data left in the "
                      "image (it may hold the account, its password or key "
                      "and the custom data)");
  for (i = 0; i < 2 && r == 0; i++)
    r = agent_settings (&fb, i ? "/etc/default/instance_configs.cfg.distro"
                        : "/etc/default/instance_configs.cfg",
                        "Google guest agent", gce, VS_ARRAY_SIZE (gce));
  if (r == 0)
    r = vs_check_ran (ctx, VS_CK_PERSISTENCE_FIRSTBOOT_AGENT, "ran",
                      fb.agents, NULL);
  vs_cc_set_free (&fb.seen);
  return r;
}
