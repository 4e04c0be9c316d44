/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: persistence checks — what the guest runs by itself, and what
 * it would run for someone else: cron and at jobs, systemd units,
 * timers and generators, rc.local and SysV init scripts, shell start-up
 * files, ld.so.preload and ld.so.conf.d, PAM modules, udev rules, motd
 * scripts and XDG autostart entries.
 *
 * Every entry's severity follows one scale:
 *   info    the file is stock (a package owns it and its content is the
 *           package's), or no package database and a vendor location;
 *   low     not stock, but nothing odd about it;
 *   medium  not stock and something an image normally has none of (an
 *           enabled unit, a user crontab, an at job, rc.local commands);
 *   high    a command that looks malicious (vs_cmd_suspicion), whatever
 *           the file, unless the file is stock.
 * Files are read through the guest view, bounded; a file that cannot be
 * read is an errors row and the check goes on.
 */
#include <config.h>

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "checks/common.h"
#include "checks/checks.h"
#include "core/guest.h"
#include "parse/cron.h"
#include "parse/ini.h"
#include "parse/pam.h"
#include "parse/shellcmd.h"
#include "parse/text.h"
#include "parse/udev.h"

#define TITLE_CMD 100           /* bytes of a command shown in a title */
#define MAX_EVIDENCE_LINES 8

struct pctx {
  struct vs_check_ctx *ctx;
  struct vs_cc_users users;
  struct vs_cc_set homes;       /* distinct home directories */
  size_t *home_user;            /* per home: the first user it is of */
};

/* The severity of an entry (see the file comment). */
static enum vs_severity
grade (enum vs_cc_origin o, const char *why, enum vs_severity unowned,
       enum vs_severity unknown)
{
  if (o == VS_CC_STOCK)
    return VS_SEV_INFO;
  if (why)
    return VS_SEV_HIGH;
  if (o == VS_CC_UNKNOWN)
    return unknown;
  return unowned;
}

static int
is_vendor_path (const char *path)
{
  return strncmp (path, "/usr/lib/", 9) == 0 || strncmp (path, "/lib/", 5) == 0
    || strncmp (path, "/lib64/", 7) == 0 || strncmp (path, "/usr/lib64/", 11)
    == 0 || strncmp (path, "/usr/share/", 11) == 0;
}

static const char *
base_name (const char *path)
{
  const char *s = strrchr (path, '/');

  return s ? s + 1 : path;
}

/* What a script runs: its first suspicious line, and its first command
 * lines (comments, blank lines and the #! line left out). */
struct script_scan {
  struct vs_line sus;
  const char *why;
  size_t ncmds;
  struct vs_buf cmds;
};

static void
scan_script (const char *data, size_t len, int rc_local,
             struct script_scan *r)
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
    if (rc_local && (vs_key_is (p, n, "exit 0")
                     || vs_key_is (p, n, "touch /var/lock/subsys/local")))
      continue;
    r->ncmds++;
    why = vs_cmd_suspicion (p, n);
    if (why && !r->why) {
      r->why = why;
      r->sus = l;
    }
    if (shown < 3) {
      if (shown)
        vs_buf_addc (&r->cmds, '\n');
      vs_cc_evidence (&r->cmds, p, n);
      shown++;
    }
  }
}

/* Reports a script (cron.daily, init.d, rc.local, motd, generator):
 * its suspicious line or its first commands. */
static int
report_script (struct pctx *p, enum vs_check_name id, const char *mitre,
               enum vs_severity sev, const char *path, const char *what,
               enum vs_cc_origin o, const char *pkg,
               const struct script_scan *s, const char *extra)
{
  struct vs_buf ev = VS_BUF_INIT;
  CLEANUP_FREE char *otext = vs_cc_origin_text (o, pkg);
  CLEANUP_FREE char *shown = NULL;
  int r;

  if (s->why) {
    vs_buf_addf (&ev, "line %u: ", s->sus.no);
    vs_cc_evidence (&ev, s->sus.p, s->sus.len);
    shown = vs_cc_short (s->sus.p, s->sus.len, TITLE_CMD);
  }
  else {
    vs_buf_add (&ev, s->cmds.data ? s->cmds.data : "", s->cmds.len);
    shown = vs_cc_short (s->cmds.data ? s->cmds.data : "", s->cmds.len,
                         TITLE_CMD);
  }
  r = vs_cc_report (p->ctx, id, sev, mitre, path, NULL, ev.data, ev.len,
                    "%s %s (%s%s) runs: %s%s%s", what, base_name (path),
                    otext, extra ? extra : "", shown,
                    s->why ? " — " : "", s->why ? s->why : "");
  vs_buf_release (&ev);
  return r;
}

/* ---- cron ---- */

static int
cron_file (struct pctx *p, const char *path, int system, const char *owner,
           uint64_t *items)
{
  struct vs_check_ctx *ctx = p->ctx;
  CLEANUP_FREE char *data = NULL;
  const char *pkg;
  enum vs_cc_origin o;
  struct vs_line l;
  size_t len, pos = 0;
  unsigned nbad = 0, firstbad = 0;
  int r, anacron = strcmp (path, "/etc/anacrontab") == 0;

  r = vs_cc_read (ctx, path, VS_CC_MAX_CONFIG, &data, &len);
  if (r != 0)
    return r == -1 ? -1 : 0;
  o = vs_cc_origin (ctx, path, &pkg);
  memset (&l, 0, sizeof l);
  while (vs_line_next (data, len, &pos, &l)) {
    struct vs_cron_line c;
    enum vs_cron_kind k;
    struct vs_buf ev = VS_BUF_INIT;
    CLEANUP_FREE char *cmd = NULL;
    CLEANUP_FREE char *acct = NULL;
    CLEANUP_FREE char *otext = NULL;
    enum vs_severity sev, base;
    const char *why;

    k = anacron ? vs_anacron_parse (l.p, l.len, &c)
      : vs_cron_parse (l.p, l.len, system, &c);
    if (k == VS_CRON_BAD) {
      if (!nbad++)
        firstbad = l.no;
      continue;
    }
    if (k == VS_CRON_ENV && vs_memcasemem (l.p, l.len, "LD_PRELOAD")) {
      c.cmd = l.p;
      c.cmd_len = l.len;
    }
    else if (k != VS_CRON_JOB)
      continue;
    (*items)++;
    why = k == VS_CRON_ENV ? "sets LD_PRELOAD for every job"
      : vs_cmd_suspicion (c.cmd, c.cmd_len);
    base = owner || c.reboot ? VS_SEV_MEDIUM : VS_SEV_LOW;
    sev = grade (o, why, base, base);
    vs_cc_evidence (&ev, l.p, l.len);
    cmd = vs_cc_short (c.cmd, c.cmd_len, TITLE_CMD);
    if (system && !anacron && c.user)
      acct = vs_xstrndup (c.user, c.user_len);
    else if (owner)
      acct = vs_xstrdup (owner);
    otext = vs_cc_origin_text (o, pkg);
    r = vs_cc_report (ctx, VS_CK_PERSISTENCE_CRON, sev, "T1053.003", path, acct,
                      ev.data, ev.len, "cron job%s%s in %s (%s) runs: %s%s%s",
                      acct ? " of " : "", acct ? acct : "", path, otext, cmd,
                      why ? " — " : "", why ? why : "");
    vs_buf_release (&ev);
    if (r == -1)
      return -1;
  }
  if (nbad && vs_check_error (ctx, path, "%s: %u lines are not cron entries "
                              "(the first is line %u)", path, nbad,
                              firstbad) == -1)
    return -1;
  return 0;
}

/* Every script in dir: read its head, find what it runs, report it with
 * the severity grade() gives (unowned, unknown).  Stock scripts (a
 * package's, unchanged) are listed only when list_stock is set. */
static int
script_dir (struct pctx *p, const char *dir, enum vs_check_name id,
            const char *mitre, const char *what, enum vs_severity unowned,
            enum vs_severity unknown, int list_stock, uint64_t *items)
{
  struct vs_check_ctx *ctx = p->ctx;
  struct vs_cc_dir d;
  int r = vs_cc_dir_open (ctx, dir, &d);

  while (r == 0 && vs_cc_dir_next (&d)) {
    CLEANUP_FREE char *data = NULL;
    struct script_scan s;
    enum vs_cc_origin o;
    const char *pkg;
    size_t len;

    (*items)++;
    o = vs_cc_origin (ctx, d.path, &pkg);
    if (o == VS_CC_STOCK && !list_stock)
      continue;
    r = vs_cc_read_head (ctx, d.path, VS_CC_MAX_SCRIPT, &data, &len);
    if (r != 0) {
      r = r == -1 ? -1 : 0;
      continue;
    }
    scan_script (data, len, 0, &s);
    if (s.ncmds)
      r = report_script (p, id, mitre, grade (o, s.why, unowned, unknown),
                         d.path, what, o, pkg, &s, NULL);
    vs_buf_release (&s.cmds);
  }
  vs_cc_dir_close (&d);
  return r;
}

static int
cron_scripts (struct pctx *p, const char *dir, uint64_t *items)
{
  return script_dir (p, dir, VS_CK_PERSISTENCE_CRON, "T1053.003", base_name (dir),
                     VS_SEV_LOW, VS_SEV_LOW, 1, items);
}

/* The crontabs of a spool directory, one per user (named after it). */
static int
cron_spool (struct pctx *p, const char *dir, uint64_t *items)
{
  struct vs_cc_dir d;
  int r = vs_cc_dir_open (p->ctx, dir, &d);

  while (r == 0 && vs_cc_dir_next (&d)) {
    if (strcmp (d.name, "crontabs") == 0 || strcmp (d.name, "atjobs") == 0
        || strcmp (d.name, "atspool") == 0)
      continue;
    r = cron_file (p, d.path, 0, d.name, items);
  }
  vs_cc_dir_close (&d);
  return r;
}

int
vs_persist_cron (struct vs_check_ctx *ctx)
{
  struct pctx *p = ctx->family;
  static const char *const scripts[] = {
    "/etc/cron.hourly", "/etc/cron.daily", "/etc/cron.weekly",
    "/etc/cron.monthly",
  };
  struct vs_cc_dir d;
  size_t i;
  uint64_t items = 0;
  int r;

  if (cron_file (p, "/etc/crontab", 1, NULL, &items) == -1
      || cron_file (p, "/etc/anacrontab", 1, NULL, &items) == -1)
    return -1;
  r = vs_cc_dir_open (p->ctx, "/etc/cron.d", &d);
  while (r == 0 && vs_cc_dir_next (&d))
    r = cron_file (p, d.path, 1, NULL, &items);
  vs_cc_dir_close (&d);
  if (r == -1 || cron_spool (p, "/var/spool/cron/crontabs", &items) == -1
      || cron_spool (p, "/var/spool/cron", &items) == -1)
    return -1;
  for (i = 0; i < VS_ARRAY_SIZE (scripts); i++)
    if (cron_scripts (p, scripts[i], &items) == -1)
      return -1;
  return vs_check_ran (p->ctx, VS_CK_PERSISTENCE_CRON, "ran", items, NULL);
}

/* ---- at ---- */

static int
at_dir (struct pctx *p, const char *dir, uint64_t *items)
{
  struct vs_check_ctx *ctx = p->ctx;
  struct vs_cc_dir d;
  int r = vs_cc_dir_open (ctx, dir, &d);

  while (r == 0 && vs_cc_dir_next (&d)) {
    CLEANUP_FREE char *data = NULL;
    struct script_scan s;
    struct vs_line l, last;
    struct vs_buf ev = VS_BUF_INIT;
    CLEANUP_FREE char *shown = NULL;
    struct stat st;
    size_t len, pos = 0;

    if (d.name[0] == '.' || strcmp (d.name, "spool") == 0)
      continue;
    if (vs_guest_stat (ctx->guest, d.path, 0, &st) == 0
        && S_ISDIR (st.st_mode))
      continue;
    r = vs_cc_read_head (ctx, d.path, VS_CC_MAX_SCRIPT, &data, &len);
    if (r != 0) {
      r = r == -1 ? -1 : 0;
      continue;
    }
    (*items)++;
    scan_script (data, len, 0, &s);
    /* The job's command comes last, after the environment at sets up. */
    memset (&l, 0, sizeof l);
    memset (&last, 0, sizeof last);
    while (vs_line_next (data, len, &pos, &l))
      if (!vs_line_is_comment (l.p, l.len) && !vs_key_is (l.p, l.len, "}"))
        last = l;
    if (s.why)
      last = s.sus;
    vs_cc_evidence (&ev, last.p ? last.p : "", last.len);
    shown = vs_cc_short (last.p ? last.p : "", last.len, TITLE_CMD);
    r = vs_cc_report (ctx, VS_CK_PERSISTENCE_AT, s.why ? VS_SEV_HIGH
                      : VS_SEV_MEDIUM, "T1053.002", d.path, NULL, ev.data,
                      ev.len, "at job %s runs: %s%s%s", d.name, shown,
                      s.why ? " — " : "", s.why ? s.why : "");
    vs_buf_release (&ev);
    vs_buf_release (&s.cmds);
  }
  vs_cc_dir_close (&d);
  return r;
}

int
vs_persist_at (struct vs_check_ctx *ctx)
{
  struct pctx *p = ctx->family;
  uint64_t items = 0;

  if (at_dir (p, "/var/spool/cron/atjobs", &items) == -1
      || at_dir (p, "/var/spool/at", &items) == -1)
    return -1;
  return vs_check_ran (p->ctx, VS_CK_PERSISTENCE_AT, "ran", items, NULL);
}

/* ---- systemd ---- */

struct sd {
  struct pctx *p;
  struct vs_cc_set dirs;        /* canonical unit directories done */
  struct vs_cc_set enabled;     /* unit names linked from .wants etc. */
  struct vs_cc_set targets;     /* canonical targets of those links */
  struct vs_cc_set units;       /* canonical unit files done */
  uint64_t items, timers, gens;
};

static int
is_unit_name (const char *name)
{
  return vs_cc_ends_with (name, ".service") || vs_cc_ends_with (name, ".timer")
    || vs_cc_ends_with (name, ".socket") || vs_cc_ends_with (name, ".path");
}

static int
is_exec_key (const char *k, size_t kl)
{
  return kl > 4 && memcmp (k, "Exec", 4) == 0;
}

/* Examines one unit file or drop-in; account: the home's owner for
 * per-user units. */
static int
sd_unit (struct sd *sd, const char *path, const char *name, int dropin,
         const char *account)
{
  struct vs_check_ctx *ctx = sd->p->ctx;
  CLEANUP_FREE char *data = NULL;
  CLEANUP_FREE char *otext = NULL;
  CLEANUP_FREE char *shown = NULL;
  struct vs_buf ev = VS_BUF_INIT;
  struct vs_ini ini;
  struct vs_ini_item it;
  const char *why = NULL, *pkg, *first = NULL;
  size_t len, firstlen = 0, lines = 0;
  enum vs_cc_origin o;
  enum vs_severity sev;
  int r, timer = !dropin && vs_cc_ends_with (name, ".timer"), enabled;

  r = vs_cc_read (ctx, path, VS_CC_MAX_CONFIG, &data, &len);
  if (r != 0)
    return r == -1 ? -1 : 0;
  sd->items++;
  vs_ini_init (&ini, data, len);
  while (vs_ini_next (&ini, &it)) {
    int show = 0;

    if (is_exec_key (it.key, it.key_len)) {
      const char *v = it.value;
      size_t vl = it.value_len;
      const char *w;

      show = 1;
      while (vl && strchr ("@-:+!|", *v)) {
        v++;
        vl--;
      }
      w = vs_cmd_suspicion (v, vl);
      if (w && !why)
        why = w;
      if (!first || w) {
        first = v;
        firstlen = vl;
      }
    }
    else if ((vs_key_is (it.key, it.key_len, "Environment")
              || vs_key_is (it.key, it.key_len, "EnvironmentFile"))
             && vs_memcasemem (it.value, it.value_len, "LD_PRELOAD")) {
      show = 1;
      if (!why)
        why = "sets LD_PRELOAD";
    }
    else if (timer && ((it.key_len > 2 && memcmp (it.key, "On", 2) == 0)
                       || vs_key_is (it.key, it.key_len, "Unit")))
      show = 1;
    if (show && lines < MAX_EVIDENCE_LINES) {
      if (lines++)
        vs_buf_addc (&ev, '\n');
      vs_cc_evidence (&ev, it.key, (size_t) (it.value + it.value_len
                                              - it.key));
    }
  }
  if (lines == 0) {
    vs_buf_release (&ev);
    return 0;
  }
  enabled = vs_cc_set_has (&sd->enabled, name, strlen (name))
    || vs_cc_set_has (&sd->enabled, base_name (path),
                      strlen (base_name (path)))
    || vs_cc_set_has (&sd->targets, path, strlen (path));
  o = vs_cc_origin (ctx, path, &pkg);
  if (account && o == VS_CC_UNKNOWN)
    o = VS_CC_UNOWNED;          /* in a home: no package puts it there */
  sev = grade (o, why, enabled ? VS_SEV_MEDIUM : VS_SEV_LOW,
               is_vendor_path (path) ? VS_SEV_INFO
               : enabled ? VS_SEV_MEDIUM : VS_SEV_LOW);
  otext = vs_cc_origin_text (o, pkg);
  shown = first ? vs_cc_short (first, firstlen, TITLE_CMD)
    : vs_xstrdup ("(timer)");
  vs_buf_addf (&ev, "\n[%s]", enabled ? "enabled" : "not enabled");
  if (timer) {
    sd->timers++;
    r = vs_cc_report (ctx, VS_CK_PERSISTENCE_SYSTEMD_TIMER, sev, "T1053.006",
                      path, account, ev.data, ev.len,
                      "systemd timer %s (%s, %s)%s%s", name,
                      enabled ? "enabled" : "not enabled", otext,
                      why ? " — " : "", why ? why : "");
  }
  else
    r = vs_cc_report (ctx, VS_CK_PERSISTENCE_SYSTEMD, sev, "T1543.002", path,
                      account, ev.data, ev.len,
                      "systemd %s %s (%s, %s) runs: %s%s%s",
                      dropin ? "drop-in for" : "unit", name,
                      enabled ? "enabled" : "not enabled", otext, shown,
                      why ? " — " : "", why ? why : "");
  vs_buf_release (&ev);
  return r;
}

/* Pass 1: what .wants/.requires links say is enabled. */
static int
sd_wants (struct sd *sd, const char *dir)
{
  struct vs_check_ctx *ctx = sd->p->ctx;
  struct vs_cc_dir d, links;
  int r = vs_cc_dir_open (ctx, dir, &d);

  while (r == 0 && vs_cc_dir_next (&d)) {
    if (!vs_cc_ends_with (d.name, ".wants")
        && !vs_cc_ends_with (d.name, ".requires")
        && !vs_cc_ends_with (d.name, ".upholds"))
      continue;
    r = vs_cc_dir_open (ctx, d.path, &links);
    while (r == 0 && vs_cc_dir_next (&links)) {
      char *canon = NULL;

      vs_cc_set_add (&sd->enabled, links.name, strlen (links.name));
      if (vs_guest_realpath (ctx->guest, links.path, &canon) == 0) {
        vs_cc_set_add (&sd->targets, canon, strlen (canon));
        free (canon);
      }
    }
    vs_cc_dir_close (&links);
  }
  vs_cc_dir_close (&d);
  return r;
}

/* Pass 2: the unit files and drop-ins of a directory. */
static int
sd_dir (struct sd *sd, const char *dir, const char *account)
{
  struct vs_check_ctx *ctx = sd->p->ctx;
  struct vs_cc_dir d, conf;
  int r = vs_cc_dir_open (ctx, dir, &d);

  while (r == 0 && vs_cc_dir_next (&d)) {
    CLEANUP_FREE char *canon = NULL;

    if (vs_cc_ends_with (d.name, ".d")) {
      CLEANUP_FREE char *unit = vs_xstrndup (d.name, strlen (d.name) - 2);

      r = vs_cc_dir_open (ctx, d.path, &conf);
      while (r == 0 && vs_cc_dir_next (&conf)) {
        CLEANUP_FREE char *cc = NULL;

        if (!vs_cc_ends_with (conf.name, ".conf")
            || vs_guest_realpath (ctx->guest, conf.path, &cc) == -1
            || !vs_cc_set_add (&sd->units, cc, strlen (cc)))
          continue;
        r = sd_unit (sd, cc, unit, 1, account);
      }
      vs_cc_dir_close (&conf);
      continue;
    }
    if (!is_unit_name (d.name))
      continue;
    if (vs_guest_realpath (ctx->guest, d.path, &canon) == -1) {
      if (errno == ELOOP)
        r = vs_check_error (ctx, d.path, "%s: symlink loop", d.path) == -1
          ? -1 : 0;
      continue;
    }
    if (strcmp (canon, "/dev/null") == 0
        || !vs_cc_set_add (&sd->units, canon, strlen (canon)))
      continue;
    r = sd_unit (sd, canon, d.name, 0, account);
  }
  vs_cc_dir_close (&d);
  return r;
}

static int
sd_generators (struct sd *sd, const char *dir)
{
  struct vs_check_ctx *ctx = sd->p->ctx;
  struct vs_cc_dir d;
  int r = vs_cc_dir_open (ctx, dir, &d);

  while (r == 0 && vs_cc_dir_next (&d)) {
    CLEANUP_FREE char *canon = NULL;
    CLEANUP_FREE char *data = NULL;
    struct script_scan s;
    enum vs_cc_origin o;
    enum vs_severity sev;
    const char *pkg;
    size_t len;

    if (vs_guest_realpath (ctx->guest, d.path, &canon) == -1
        || !vs_cc_set_add (&sd->units, canon, strlen (canon)))
      continue;
    sd->gens++;
    o = vs_cc_origin (ctx, canon, &pkg);
    if (o == VS_CC_STOCK)
      continue;
    r = vs_cc_read_head (ctx, canon, VS_CC_MAX_SCRIPT, &data, &len);
    if (r != 0) {
      r = r == -1 ? -1 : 0;
      continue;
    }
    scan_script (data, len, 0, &s);
    sev = grade (o, s.why, VS_SEV_MEDIUM,
                 is_vendor_path (canon) ? VS_SEV_INFO : VS_SEV_MEDIUM);
    if (sev > VS_SEV_INFO)
      r = report_script (sd->p, VS_CK_PERSISTENCE_SYSTEMD_GENERATOR, "T1543.002",
                         sev, canon, "systemd generator", o, pkg, &s, NULL);
    vs_buf_release (&s.cmds);
  }
  vs_cc_dir_close (&d);
  return r;
}

int
vs_persist_systemd (struct vs_check_ctx *ctx)
{
  struct pctx *p = ctx->family;
  static const char *const dirs[] = {
    "/etc/systemd/system", "/usr/local/lib/systemd/system",
    "/lib/systemd/system", "/usr/lib/systemd/system",
    "/etc/systemd/user", "/usr/local/lib/systemd/user",
    "/lib/systemd/user", "/usr/lib/systemd/user",
  };
  static const char *const gens[] = {
    "/etc/systemd/system-generators", "/usr/local/lib/systemd/system-generators",
    "/lib/systemd/system-generators", "/usr/lib/systemd/system-generators",
    "/etc/systemd/user-generators", "/usr/local/lib/systemd/user-generators",
    "/lib/systemd/user-generators", "/usr/lib/systemd/user-generators",
  };
  static const char *const homedirs[] = {
    ".config/systemd/user", ".local/share/systemd/user",
  };
  struct vs_cc_set all = { NULL, 0, 0 };
  char **owners = NULL;
  struct sd sd;
  size_t i, j;
  int r = 0;

  memset (&sd, 0, sizeof sd);
  sd.p = p;
  /* Every directory, canonical, once; per-user ones remember the
   * account. */
  for (i = 0; i < VS_ARRAY_SIZE (dirs) + p->users.n * 2; i++) {
    CLEANUP_FREE char *d = NULL;
    char *canon = NULL;
    const char *acct = "";

    if (i < VS_ARRAY_SIZE (dirs))
      d = vs_xstrdup (dirs[i]);
    else {
      const struct vs_cc_user *u = &p->users.v[(i - VS_ARRAY_SIZE (dirs)) / 2];

      if (u->home[0] != '/')
        continue;
      d = vs_xasprintf ("%s/%s", strcmp (u->home, "/") ? u->home : "",
                        homedirs[(i - VS_ARRAY_SIZE (dirs)) % 2]);
      acct = u->name;
    }
    if (vs_guest_realpath (p->ctx->guest, d, &canon) == -1)
      continue;
    if (vs_cc_set_add (&all, canon, strlen (canon))) {
      owners = vs_xrealloc (owners, all.n * sizeof *owners);
      owners[all.n - 1] = vs_xstrdup (acct);
    }
    free (canon);
  }
  for (i = 0; i < all.n && r == 0; i++)
    r = sd_wants (&sd, all.v[i]);
  for (i = 0; i < all.n && r == 0; i++)
    r = sd_dir (&sd, all.v[i], owners[i][0] ? owners[i] : NULL);
  /* Units enabled through a link to a file outside those directories. */
  for (j = 0; j < sd.targets.n && r == 0; j++)
    if (is_unit_name (base_name (sd.targets.v[j]))
        && vs_cc_set_add (&sd.units, sd.targets.v[j],
                          strlen (sd.targets.v[j])))
      r = sd_unit (&sd, sd.targets.v[j], base_name (sd.targets.v[j]), 0,
                   NULL);
  for (i = 0; i < VS_ARRAY_SIZE (gens) && r == 0; i++)
    r = sd_generators (&sd, gens[i]);
  if (r == 0)
    r = vs_check_ran (p->ctx, VS_CK_PERSISTENCE_SYSTEMD, "ran", sd.items, NULL);
  if (r == 0)
    r = vs_check_ran (p->ctx, VS_CK_PERSISTENCE_SYSTEMD_TIMER, "ran", sd.timers,
                      NULL);
  if (r == 0)
    r = vs_check_ran (p->ctx, VS_CK_PERSISTENCE_SYSTEMD_GENERATOR, "ran",
                      sd.gens, NULL);
  for (i = 0; i < all.n; i++)
    free (owners[i]);
  free (owners);
  vs_cc_set_free (&all);
  vs_cc_set_free (&sd.dirs);
  vs_cc_set_free (&sd.enabled);
  vs_cc_set_free (&sd.targets);
  vs_cc_set_free (&sd.units);
  return r;
}

/* ---- rc.local and SysV init ---- */

int
vs_persist_rc (struct vs_check_ctx *ctx)
{
  struct pctx *p = ctx->family;
  static const char *const files[] = { "/etc/rc.local", "/etc/rc.d/rc.local" };
  struct vs_cc_set seen = { NULL, 0, 0 };
  uint64_t items = 0;
  size_t i;
  int r = 0;

  for (i = 0; i < VS_ARRAY_SIZE (files) && r == 0; i++) {
    CLEANUP_FREE char *canon = NULL;
    CLEANUP_FREE char *data = NULL;
    struct script_scan s;
    struct stat st;
    enum vs_cc_origin o;
    const char *pkg;
    size_t len;
    int exec;

    if (vs_guest_realpath (ctx->guest, files[i], &canon) == -1
        || !vs_cc_set_add (&seen, canon, strlen (canon)))
      continue;
    r = vs_cc_read_head (ctx, canon, VS_CC_MAX_SCRIPT, &data, &len);
    if (r != 0) {
      r = r == -1 ? -1 : 0;
      continue;
    }
    items++;
    exec = vs_guest_stat (ctx->guest, canon, 1, &st) == 0
      && (st.st_mode & 0111);
    scan_script (data, len, 1, &s);
    if (s.ncmds) {
      o = vs_cc_origin (ctx, canon, &pkg);
      r = report_script (p, VS_CK_PERSISTENCE_RC_LOCAL, "T1037.004",
                         grade (o, s.why, VS_SEV_MEDIUM, VS_SEV_MEDIUM),
                         canon, "boot script", o, pkg, &s,
                         exec ? ", executable" : ", not executable");
    }
    vs_buf_release (&s.cmds);
  }
  vs_cc_set_free (&seen);
  if (r == 0)
    r = vs_check_ran (ctx, VS_CK_PERSISTENCE_RC_LOCAL, "ran", items, NULL);
  return r;
}

int
vs_persist_initd (struct vs_check_ctx *ctx)
{
  struct pctx *p = ctx->family;
  static const char *const rcdirs[] = {
    "/etc/rc0.d", "/etc/rc1.d", "/etc/rc2.d", "/etc/rc3.d", "/etc/rc4.d",
    "/etc/rc5.d", "/etc/rc6.d", "/etc/rcS.d",
    "/etc/rc.d/rc0.d", "/etc/rc.d/rc1.d", "/etc/rc.d/rc2.d",
    "/etc/rc.d/rc3.d", "/etc/rc.d/rc4.d", "/etc/rc.d/rc5.d",
    "/etc/rc.d/rc6.d",
  };
  CLEANUP_FREE char *initd = NULL;
  size_t i;
  uint64_t items = 0;
  int r;

  if (vs_guest_realpath (ctx->guest, "/etc/init.d", &initd) == -1
      && vs_guest_realpath (ctx->guest, "/etc/rc.d/init.d", &initd) == -1)
    initd = vs_xstrdup ("/etc/init.d");
  r = script_dir (p, initd, VS_CK_PERSISTENCE_INITD, "T1037.004", "init script",
                  VS_SEV_MEDIUM, VS_SEV_INFO, 0, &items);
  /* Start links that lead anywhere but to an init script. */
  for (i = 0; r == 0 && i < VS_ARRAY_SIZE (rcdirs); i++) {
    struct vs_cc_dir d;

    r = vs_cc_dir_open (ctx, rcdirs[i], &d);
    while (r == 0 && vs_cc_dir_next (&d)) {
      CLEANUP_FREE char *canon = NULL;
      size_t il = strlen (initd);
      const char *why;

      if (d.name[0] != 'S' && d.name[0] != 'K')
        continue;
      items++;
      if (vs_guest_realpath (ctx->guest, d.path, &canon) == -1)
        continue;               /* dangling: runs nothing */
      if (strncmp (canon, initd, il) == 0 && canon[il] == '/')
        continue;
      why = vs_cmd_suspicion (canon, strlen (canon));
      r = vs_cc_report (ctx, VS_CK_PERSISTENCE_INITD, why ? VS_SEV_HIGH
                        : VS_SEV_MEDIUM, "T1037.004", d.path, NULL, canon,
                        0, "runlevel link %s runs %s, not an init script%s%s",
                        d.name, canon, why ? " — " : "", why ? why : "");
    }
    vs_cc_dir_close (&d);
  }
  if (r == 0)
    r = vs_check_ran (ctx, VS_CK_PERSISTENCE_INITD, "ran", items, NULL);
  return r;
}

/* ---- shell start-up files ---- */

/* A start-up file trick that is not in the suspicion heuristic. */
static const char *
shell_trick (const char *l, size_t n, enum vs_severity *sev)
{
  static const char *const wrapped[] = {
    "sudo", "su", "ssh", "passwd", "scp", "gpg", "mysql", "psql",
  };
  size_t k;

  if (vs_memcasemem (l, n, "LD_PRELOAD")) {
    *sev = VS_SEV_HIGH;
    return "sets LD_PRELOAD";
  }
  if (vs_memcasemem (l, n, "PROMPT_COMMAND")) {
    *sev = VS_SEV_MEDIUM;
    return "sets PROMPT_COMMAND (runs before every prompt)";
  }
  if (n > 5 && memcmp (l, "trap ", 5) == 0
      && (vs_memcasemem (l, n, "DEBUG") || vs_memcasemem (l, n, "EXIT"))) {
    *sev = VS_SEV_MEDIUM;
    return "sets a trap that runs with every command or on exit";
  }
  if (n > 6 && memcmp (l, "alias ", 6) == 0)
    for (k = 0; k < VS_ARRAY_SIZE (wrapped); k++) {
      size_t wl = strlen (wrapped[k]);

      if (n > 6 + wl && memcmp (l + 6, wrapped[k], wl) == 0
          && l[6 + wl] == '=') {
        *sev = VS_SEV_MEDIUM;
        return "wraps a command that takes passwords or keys in an alias";
      }
    }
  return NULL;
}

static int
shell_file (struct pctx *p, const char *path, const char *account,
            uint64_t *items)
{
  struct vs_check_ctx *ctx = p->ctx;
  CLEANUP_FREE char *data = NULL;
  enum vs_cc_origin o = VS_CC_UNKNOWN;
  const char *pkg = NULL;
  struct vs_line l;
  size_t len, pos = 0;
  int r, looked = 0;

  r = vs_cc_read (ctx, path, VS_CC_MAX_CONFIG, &data, &len);
  if (r != 0)
    return r == -1 ? -1 : 0;
  memset (&l, 0, sizeof l);
  while (vs_line_next (data, len, &pos, &l)) {
    const char *t = l.p, *why;
    size_t n = l.len;
    enum vs_severity sev = VS_SEV_HIGH;
    struct vs_buf ev = VS_BUF_INIT;
    CLEANUP_FREE char *otext = NULL;
    CLEANUP_FREE char *shown = NULL;

    vs_trim (&t, &n);
    if (n == 0 || t[0] == '#')
      continue;
    (*items)++;
    why = vs_cmd_suspicion (t, n);
    if (!why)
      why = shell_trick (t, n, &sev);
    if (!why)
      continue;
    if (!looked) {
      o = vs_cc_origin (ctx, path, &pkg);
      if (account && o == VS_CC_UNKNOWN)
        o = VS_CC_UNOWNED;
      looked = 1;
    }
    if (o == VS_CC_STOCK)
      sev = VS_SEV_INFO;
    else if (o == VS_CC_UNKNOWN && sev < VS_SEV_HIGH)
      sev = VS_SEV_LOW;
    otext = vs_cc_origin_text (o, pkg);
    vs_buf_addf (&ev, "line %u: ", l.no);
    vs_cc_evidence (&ev, l.p, l.len);
    shown = vs_cc_short (t, n, TITLE_CMD);
    r = vs_cc_report (ctx, VS_CK_PERSISTENCE_SHELL_STARTUP, sev, "T1546.004",
                      path, account, ev.data, ev.len,
                      "shell start-up file %s (%s): %s — %s", path, otext,
                      shown, why);
    vs_buf_release (&ev);
    if (r == -1)
      return -1;
  }
  return 0;
}

int
vs_persist_shell (struct vs_check_ctx *ctx)
{
  struct pctx *p = ctx->family;
  static const char *const sys[] = {
    "/etc/profile", "/etc/bash.bashrc", "/etc/bashrc", "/etc/environment",
    "/etc/bash.bash_logout", "/etc/zshrc", "/etc/zprofile", "/etc/zshenv",
    "/etc/zlogin", "/etc/zsh/zshrc", "/etc/zsh/zprofile", "/etc/zsh/zshenv",
    "/etc/zsh/zlogin", "/etc/csh.cshrc", "/etc/csh.login",
  };
  static const char *const user[] = {
    ".bashrc", ".bash_profile", ".bash_login", ".profile", ".bash_logout",
    ".zshrc", ".zprofile", ".zshenv", ".zlogin", ".cshrc", ".tcshrc",
    ".login",
  };
  struct vs_cc_set homes = { NULL, 0, 0 };
  struct vs_cc_dir d;
  size_t i, k;
  uint64_t items = 0;
  int r = 0;

  for (i = 0; i < VS_ARRAY_SIZE (sys) && r == 0; i++)
    r = shell_file (p, sys[i], NULL, &items);
  if (r == 0) {
    r = vs_cc_dir_open (ctx, "/etc/profile.d", &d);
    while (r == 0 && vs_cc_dir_next (&d))
      r = shell_file (p, d.path, NULL, &items);
    vs_cc_dir_close (&d);
  }
  for (i = 0; i < p->users.n && r == 0; i++) {
    const struct vs_cc_user *u = &p->users.v[i];
    CLEANUP_FREE char *canon = NULL;

    if (u->home[0] != '/'
        || vs_guest_realpath (ctx->guest, u->home, &canon) == -1
        || !vs_cc_set_add (&homes, canon, strlen (canon)))
      continue;
    for (k = 0; k < VS_ARRAY_SIZE (user) && r == 0; k++) {
      CLEANUP_FREE char *path = vs_xasprintf ("%s/%s",
                                              strcmp (canon, "/") ? canon
                                              : "", user[k]);

      r = shell_file (p, path, u->name, &items);
    }
  }
  vs_cc_set_free (&homes);
  if (r == 0)
    r = vs_check_ran (ctx, VS_CK_PERSISTENCE_SHELL_STARTUP, "ran", items, NULL);
  return r;
}

/* ---- the dynamic linker ---- */

int
vs_persist_preload (struct vs_check_ctx *ctx)
{
  const char *path = "/etc/ld.so.preload";
  CLEANUP_FREE char *data = NULL;
  struct vs_line l;
  size_t len, pos = 0;
  uint64_t items = 0;
  int r;

  r = vs_cc_read (ctx, path, VS_CC_MAX_CONFIG, &data, &len);
  if (r == -1)
    return -1;
  memset (&l, 0, sizeof l);
  while (r == 0 && vs_line_next (data, len, &pos, &l)) {
    const char *q = l.p, *end = l.p + l.len, *w;
    size_t wl;

    if (vs_line_is_comment (l.p, l.len))
      continue;
    while (r == 0 && vs_next_word (&q, end, &w, &wl)) {
      struct vs_buf ev = VS_BUF_INIT;
      CLEANUP_FREE char *lib = NULL;
      CLEANUP_FREE char *otext = NULL;
      CLEANUP_FREE char *shown = NULL;
      enum vs_cc_origin o;
      const char *pkg;
      struct stat st;
      int exists;

      /* Entries are separated by blanks or ':'. */
      {
        const char *c = memchr (w, ':', wl);

        if (c) {
          q = c + 1;
          wl = (size_t) (c - w);
        }
      }
      if (wl == 0)
        continue;
      items++;
      lib = vs_xstrndup (w, wl);
      exists = memchr (w, '\0', wl) == NULL
        && vs_guest_stat (ctx->guest, lib, 1, &st) == 0;
      o = exists ? vs_cc_origin (ctx, lib, &pkg) : VS_CC_UNKNOWN;
      otext = exists ? vs_cc_origin_text (o, pkg) : vs_xstrdup ("missing");
      vs_cc_evidence (&ev, w, wl);
      vs_buf_addf (&ev, " (%s%s)", exists ? "exists, " : "", otext);
      shown = vs_cc_short (w, wl, TITLE_CMD);
      r = vs_cc_report (ctx, VS_CK_PERSISTENCE_LD_PRELOAD, VS_SEV_HIGH,
                        "T1574.006", path, NULL, ev.data, ev.len,
                        "/etc/ld.so.preload loads %s into every program "
                        "(%s)", shown, otext);
      vs_buf_release (&ev);
    }
  }
  if (r == -1)
    return -1;
  return vs_check_ran (ctx, VS_CK_PERSISTENCE_LD_PRELOAD, "ran", items, NULL);
}

static int
ldconf_file (struct pctx *p, const char *path, uint64_t *items)
{
  struct vs_check_ctx *ctx = p->ctx;
  CLEANUP_FREE char *data = NULL;
  CLEANUP_FREE char *otext = NULL;
  struct vs_buf ev = VS_BUF_INIT;
  const char *why = NULL, *pkg;
  enum vs_cc_origin o;
  enum vs_severity sev;
  struct vs_line l;
  size_t len, pos = 0, dirs = 0;
  int r;

  r = vs_cc_read (ctx, path, VS_CC_MAX_CONFIG, &data, &len);
  if (r != 0)
    return r == -1 ? -1 : 0;
  (*items)++;
  o = vs_cc_origin (ctx, path, &pkg);
  if (o == VS_CC_STOCK)
    return 0;
  memset (&l, 0, sizeof l);
  while (vs_line_next (data, len, &pos, &l)) {
    const char *t = l.p;
    size_t n = l.len;

    vs_trim (&t, &n);
    if (n == 0 || t[0] == '#' || (n > 8 && memcmp (t, "include ", 8) == 0))
      continue;
    if (!why && (vs_memcasemem (t, n, "/tmp") || vs_memcasemem (t, n, "/dev/shm")
                 || vs_memcasemem (t, n, "/var/tmp") || vs_memcasemem (t, n, "/.")))
      why = "adds a world-writable or hidden directory to the library path";
    if (dirs++ < MAX_EVIDENCE_LINES) {
      if (ev.len)
        vs_buf_addc (&ev, '\n');
      vs_cc_evidence (&ev, t, n);
    }
  }
  if (dirs == 0) {
    vs_buf_release (&ev);
    return 0;
  }
  sev = grade (o, why, VS_SEV_MEDIUM, VS_SEV_LOW);
  otext = vs_cc_origin_text (o, pkg);
  r = vs_cc_report (ctx, VS_CK_PERSISTENCE_LD_SO_CONF, sev, "T1574.006", path,
                    NULL, ev.data, ev.len,
                    "library search path set in %s (%s)%s%s", path, otext,
                    why ? " — " : "", why ? why : "");
  vs_buf_release (&ev);
  return r;
}

int
vs_persist_ldconf (struct vs_check_ctx *ctx)
{
  struct pctx *p = ctx->family;
  struct vs_cc_dir d;
  uint64_t items = 0;
  int r;

  if (ldconf_file (p, "/etc/ld.so.conf", &items) == -1)
    return -1;
  r = vs_cc_dir_open (p->ctx, "/etc/ld.so.conf.d", &d);
  while (r == 0 && vs_cc_dir_next (&d))
    if (vs_cc_ends_with (d.name, ".conf"))
      r = ldconf_file (p, d.path, &items);
  vs_cc_dir_close (&d);
  if (r == -1)
    return -1;
  return vs_check_ran (p->ctx, VS_CK_PERSISTENCE_LD_SO_CONF, "ran", items, NULL);
}

/* ---- PAM ---- */

static const char *const pam_dirs[] = {
  "/lib/x86_64-linux-gnu/security", "/usr/lib/x86_64-linux-gnu/security",
  "/lib/aarch64-linux-gnu/security", "/usr/lib/aarch64-linux-gnu/security",
  "/lib64/security", "/usr/lib64/security", "/lib/security",
  "/usr/lib/security",
};

struct pam {
  struct pctx *p;
  struct vs_cc_set modules;     /* canonical module paths examined */
  struct vs_cc_set missing;     /* names not found */
  uint64_t items;
};

static int
pam_module (struct pam *pm, const char *file, const struct vs_line *l,
            const struct vs_pam_line *pl)
{
  struct vs_check_ctx *ctx = pm->p->ctx;
  CLEANUP_FREE char *mod = vs_xstrndup (pl->module, pl->module_len);
  CLEANUP_FREE char *canon = NULL;
  CLEANUP_FREE char *otext = NULL;
  struct vs_buf ev = VS_BUF_INIT;
  const char *b = base_name (mod), *pkg, *why = NULL;
  enum vs_cc_origin o;
  enum vs_severity sev = VS_SEV_INFO;
  int r = 0, standard = 0;
  size_t i;

  if (memchr (pl->module, '\0', pl->module_len))
    return 0;
  vs_buf_addf (&ev, "%s:%u: ", file, l->no);
  vs_cc_evidence (&ev, l->p, l->len);
  /* pam_exec runs a program at every authentication. */
  if (strcmp (b, "pam_exec.so") == 0) {
    const char *w = vs_cmd_suspicion (pl->args, pl->args_len);
    CLEANUP_FREE char *shown = vs_cc_short (pl->args, pl->args_len,
                                            TITLE_CMD);

    o = vs_cc_origin (ctx, file, &pkg);
    r = vs_cc_report (ctx, VS_CK_PERSISTENCE_PAM_EXEC, grade (o, w, VS_SEV_MEDIUM,
                                                          VS_SEV_MEDIUM),
                      "T1556.003", file, NULL, ev.data, ev.len,
                      "PAM runs a program through pam_exec: %s%s%s", shown,
                      w ? " — " : "", w ? w : "");
    if (r == -1)
      goto out;
  }
  /* "auth sufficient pam_permit.so" lets anyone in. */
  if (strcmp (b, "pam_permit.so") == 0
      && vs_key_is (pl->type, pl->type_len, "auth")
      && (vs_key_is (pl->control, pl->control_len, "sufficient")
          || vs_memcasemem (pl->control, pl->control_len, "success=done"))) {
    o = vs_cc_origin (ctx, file, &pkg);
    r = vs_cc_report (ctx, VS_CK_PERSISTENCE_PAM, o == VS_CC_STOCK ? VS_SEV_INFO
                      : VS_SEV_HIGH, "T1556.003", file, NULL, ev.data, ev.len,
                      "PAM accepts any password: pam_permit.so is "
                      "sufficient for auth in %s", file);
    if (r == -1)
      goto out;
  }
  /* Find the module file. */
  if (mod[0] == '/') {
    if (vs_guest_realpath (ctx->guest, mod, &canon) == -1)
      canon = NULL;
  }
  else
    for (i = 0; i < VS_ARRAY_SIZE (pam_dirs) && !canon; i++) {
      CLEANUP_FREE char *c = vs_xasprintf ("%s/%s", pam_dirs[i], mod);
      struct stat st;

      if (vs_guest_stat (ctx->guest, c, 1, &st) == 0 && S_ISREG (st.st_mode))
        vs_guest_realpath (ctx->guest, c, &canon);
    }
  if (!canon) {
    vs_cc_set_add (&pm->missing, mod, strlen (mod));
    goto out;
  }
  if (!vs_cc_set_add (&pm->modules, canon, strlen (canon)))
    goto out;
  pm->items++;
  for (i = 0; i < VS_ARRAY_SIZE (pam_dirs); i++) {
    size_t dl = strlen (pam_dirs[i]);

    if (strncmp (canon, pam_dirs[i], dl) == 0 && canon[dl] == '/')
      standard = 1;
  }
  /* Paths are canonical: /lib may be /usr/lib on a usrmerged system. */
  if (strstr (canon, "/security/") && is_vendor_path (canon))
    standard = 1;
  o = vs_cc_origin (ctx, canon, &pkg);
  if (o == VS_CC_UNOWNED || o == VS_CC_MODIFIED)
    sev = VS_SEV_HIGH;
  else if (!standard) {
    sev = VS_SEV_HIGH;
    why = "outside the PAM module directories";
  }
  if (sev > VS_SEV_INFO) {
    otext = vs_cc_origin_text (o, pkg);
    vs_buf_addf (&ev, "\nmodule %s", canon);
    r = vs_cc_report (ctx, VS_CK_PERSISTENCE_PAM, sev, "T1556.003", canon, NULL,
                      ev.data, ev.len, "PAM module %s (%s)%s%s", canon, otext,
                      why ? " — " : "", why ? why : "");
  }
 out:
  vs_buf_release (&ev);
  return r;
}

static int
pam_file (struct pam *pm, const char *path, int with_service)
{
  struct vs_check_ctx *ctx = pm->p->ctx;
  CLEANUP_FREE char *data = NULL;
  struct vs_line l;
  size_t len, pos = 0;
  int r;

  r = vs_cc_read (ctx, path, VS_CC_MAX_CONFIG, &data, &len);
  if (r != 0)
    return r == -1 ? -1 : 0;
  memset (&l, 0, sizeof l);
  while (vs_line_next (data, len, &pos, &l)) {
    struct vs_pam_line pl;

    if (vs_pam_parse (l.p, l.len, with_service, &pl) != 1 || pl.include)
      continue;
    if (pam_module (pm, path, &l, &pl) == -1)
      return -1;
  }
  return 0;
}

int
vs_persist_pam (struct vs_check_ctx *ctx)
{
  struct pctx *p = ctx->family;
  struct pam pm;
  struct vs_cc_dir d;
  int r;

  memset (&pm, 0, sizeof pm);
  pm.p = p;
  r = pam_file (&pm, "/etc/pam.conf", 1);
  if (r == 0) {
    r = vs_cc_dir_open (p->ctx, "/etc/pam.d", &d);
    while (r == 0 && vs_cc_dir_next (&d))
      r = pam_file (&pm, d.path, 0);
    vs_cc_dir_close (&d);
  }
  if (r == 0) {
    CLEANUP_FREE char *note = NULL;

    if (pm.missing.n)
      note = vs_xasprintf ("%zu referenced modules not found (first: %s)",
                           pm.missing.n, pm.missing.v[0]);
    r = vs_check_ran (p->ctx, VS_CK_PERSISTENCE_PAM, "ran", pm.items, note);
    if (r == 0)
      r = vs_check_ran (p->ctx, VS_CK_PERSISTENCE_PAM_EXEC, "ran", pm.items,
                        NULL);
  }
  vs_cc_set_free (&pm.modules);
  vs_cc_set_free (&pm.missing);
  return r;
}

/* ---- udev, motd, XDG autostart ---- */

int
vs_persist_udev (struct vs_check_ctx *ctx)
{
  static const char *const dirs[] = {
    "/etc/udev/rules.d", "/usr/local/lib/udev/rules.d", "/lib/udev/rules.d",
    "/usr/lib/udev/rules.d",
  };
  struct vs_cc_set seen = { NULL, 0, 0 };
  uint64_t items = 0;
  size_t i;
  int r = 0;

  for (i = 0; i < VS_ARRAY_SIZE (dirs) && r == 0; i++) {
    struct vs_cc_dir d;

    r = vs_cc_dir_open (ctx, dirs[i], &d);
    while (r == 0 && vs_cc_dir_next (&d)) {
      CLEANUP_FREE char *canon = NULL;
      CLEANUP_FREE char *data = NULL;
      CLEANUP_FREE char *otext = NULL;
      enum vs_cc_origin o;
      const char *pkg;
      struct vs_line l;
      size_t len, pos = 0;

      if (!vs_cc_ends_with (d.name, ".rules")
          || vs_guest_realpath (ctx->guest, d.path, &canon) == -1
          || !vs_cc_set_add (&seen, canon, strlen (canon)))
        continue;
      items++;
      o = vs_cc_origin (ctx, canon, &pkg);
      if (o == VS_CC_STOCK)
        continue;
      r = vs_cc_read (ctx, canon, VS_CC_MAX_CONFIG, &data, &len);
      if (r != 0) {
        r = r == -1 ? -1 : 0;
        continue;
      }
      otext = vs_cc_origin_text (o, pkg);
      memset (&l, 0, sizeof l);
      while (r == 0 && vs_line_next (data, len, &pos, &l)) {
        struct vs_udev_prog progs[8];
        size_t np = vs_udev_programs (l.p, l.len, progs, 8), k;

        for (k = 0; k < np && r == 0; k++) {
          const char *why = vs_cmd_suspicion (progs[k].value,
                                              progs[k].value_len);
          enum vs_severity sev = grade (o, why, VS_SEV_MEDIUM,
                                        is_vendor_path (canon) ? VS_SEV_INFO
                                        : VS_SEV_LOW);
          struct vs_buf ev = VS_BUF_INIT;
          CLEANUP_FREE char *shown = NULL;

          if (sev == VS_SEV_INFO)
            continue;
          vs_buf_addf (&ev, "line %u: ", l.no);
          vs_cc_evidence (&ev, l.p, l.len);
          shown = vs_cc_short (progs[k].value, progs[k].value_len, TITLE_CMD);
          r = vs_cc_report (ctx, VS_CK_PERSISTENCE_UDEV, sev, "T1546", canon,
                            NULL, ev.data, ev.len,
                            "udev rule in %s (%s) runs: %s%s%s", canon, otext,
                            shown, why ? " — " : "", why ? why : "");
          vs_buf_release (&ev);
        }
      }
    }
    vs_cc_dir_close (&d);
  }
  vs_cc_set_free (&seen);
  if (r == 0)
    r = vs_check_ran (ctx, VS_CK_PERSISTENCE_UDEV, "ran", items, NULL);
  return r;
}

int
vs_persist_motd (struct vs_check_ctx *ctx)
{
  struct pctx *p = ctx->family;
  uint64_t items = 0;

  if (script_dir (p, "/etc/update-motd.d", VS_CK_PERSISTENCE_MOTD, "T1546",
                  "login message script", VS_SEV_MEDIUM, VS_SEV_LOW, 0,
                  &items) == -1)
    return -1;
  return vs_check_ran (p->ctx, VS_CK_PERSISTENCE_MOTD, "ran", items, NULL);
}

static int
xdg_dir (struct pctx *p, const char *dir, const char *account,
         uint64_t *items)
{
  struct vs_check_ctx *ctx = p->ctx;
  struct vs_cc_dir d;
  int r = vs_cc_dir_open (ctx, dir, &d);

  while (r == 0 && vs_cc_dir_next (&d)) {
    CLEANUP_FREE char *data = NULL;
    CLEANUP_FREE char *otext = NULL;
    CLEANUP_FREE char *shown = NULL;
    struct vs_buf ev = VS_BUF_INIT;
    struct vs_ini ini;
    struct vs_ini_item it;
    enum vs_cc_origin o;
    const char *pkg, *why = NULL;
    size_t len;

    if (!vs_cc_ends_with (d.name, ".desktop"))
      continue;
    r = vs_cc_read (ctx, d.path, VS_CC_MAX_CONFIG, &data, &len);
    if (r != 0) {
      r = r == -1 ? -1 : 0;
      continue;
    }
    (*items)++;
    vs_ini_init (&ini, data, len);
    while (vs_ini_next (&ini, &it))
      if (vs_key_is (it.key, it.key_len, "Exec")
          && vs_key_is (it.section, it.section_len, "Desktop Entry")) {
        vs_cc_evidence (&ev, it.key, (size_t) (it.value + it.value_len
                                                - it.key));
        shown = vs_cc_short (it.value, it.value_len, TITLE_CMD);
        why = vs_cmd_suspicion (it.value, it.value_len);
        break;
      }
    if (!shown) {
      vs_buf_release (&ev);
      continue;
    }
    o = vs_cc_origin (ctx, d.path, &pkg);
    if (account && o == VS_CC_UNKNOWN)
      o = VS_CC_UNOWNED;
    otext = vs_cc_origin_text (o, pkg);
    r = vs_cc_report (ctx, VS_CK_PERSISTENCE_XDG_AUTOSTART,
                      grade (o, why, VS_SEV_MEDIUM, VS_SEV_LOW), "T1547.013",
                      d.path, account, ev.data, ev.len,
                      "desktop autostart %s (%s) runs: %s%s%s", d.name,
                      otext, shown, why ? " — " : "", why ? why : "");
    vs_buf_release (&ev);
  }
  vs_cc_dir_close (&d);
  return r;
}

int
vs_persist_xdg (struct vs_check_ctx *ctx)
{
  struct pctx *p = ctx->family;
  uint64_t items = 0;
  size_t i;

  if (xdg_dir (p, "/etc/xdg/autostart", NULL, &items) == -1)
    return -1;
  for (i = 0; i < p->homes.n; i++) {
    CLEANUP_FREE char *d = vs_xasprintf ("%s/.config/autostart",
                                         strcmp (p->homes.v[i], "/")
                                         ? p->homes.v[i] : "");
    const struct vs_cc_user *u = &p->users.v[p->home_user[i]];

    if (xdg_dir (p, d, u->name, &items) == -1)
      return -1;
  }
  return vs_check_ran (p->ctx, VS_CK_PERSISTENCE_XDG_AUTOSTART, "ran", items,
                       NULL);
}

/* What the persistence checks share: the accounts and their homes. */
int
vs_persist_begin (struct vs_check_ctx *ctx)
{
  struct pctx *p;
  size_t i;

  if (!ctx->guest)
    return 1;
  p = vs_xcalloc (1, sizeof *p);
  p->ctx = ctx;
  ctx->family = p;
  if (vs_cc_users_load (ctx, &p->users) == -1)
    return -1;
  p->home_user = vs_xcalloc (p->users.n + 1, sizeof *p->home_user);
  for (i = 0; i < p->users.n; i++)
    if (p->users.v[i].home[0] == '/'
        && vs_cc_set_add (&p->homes, p->users.v[i].home,
                          strlen (p->users.v[i].home)))
      p->home_user[p->homes.n - 1] = i;
  return 0;
}

void
vs_persist_end (struct vs_check_ctx *ctx)
{
  struct pctx *p = ctx->family;

  if (!p)
    return;
  vs_cc_users_free (&p->users);
  vs_cc_set_free (&p->homes);
  free (p->home_user);
  free (p);
}
