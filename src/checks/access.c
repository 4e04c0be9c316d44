/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: access checks — who can log in to the guest, and how:
 * accounts (passwd, shadow, group), sshd_config, every authorized_keys
 * file, sudoers.
 *
 * An image published for others should hold no way in of its own:
 * cloud-init adds the launching user's key and sudo rule at first boot.
 * So any authorized key is reported (medium; high for root or a forced
 * command), and so is every setting that widens access.  Evidence never
 * holds a password hash: only what kind it is.
 *
 * Every list here is the guest's to make long (accounts, groups and
 * their members, lines, the users of a sudo rule, keys, included files),
 * so each loop over one counts its turns with vs_tick () and stops when
 * told, and each has a cap, past which an errors row says what was not
 * examined.  Names are looked up in hash sets (the accounts index, the
 * groups and administrators sets, the shadow index), never by scanning a
 * list per item: work is linear in what the guest holds, not in the
 * product of two of its lists.  Findings are capped per check id by
 * vs_cc_add (check-common.h); vs_check_access flushes them.
 */
#include <config.h>

#include <errno.h>
#include <fnmatch.h>
#include <string.h>
#include <sys/stat.h>

#include "checks/common.h"
#include "checks/checks.h"
#include "core/guest.h"
#include "parse/passwd.h"
#include "parse/shellcmd.h"
#include "parse/ssh.h"
#include "parse/sudoers.h"
#include "parse/text.h"

#define MAX_INCLUDE_DEPTH 8
#define MAX_INCLUDED_FILES 256
#define MAX_KEYS_PER_FILE 10000
#define MAX_AKF 16
/* Groups read from /etc/group (as many as accounts, VS_CC_MAX_USERS). */
#define MAX_GROUPS 65536
/* The users of sudo rules examined on one system, over every file: real
 * sudoers hold tens; each costs a hash lookup and, past the finding
 * cap, a count, so this bounds the work of 256 files of 4 MiB each to
 * well under a second. */
#define MAX_SUDO_USERS 500000
/* authorized_keys paths looked up per system (accounts times patterns):
 * each is a lookup through the appliance, and a real image has a few
 * accounts with a home; 20000 is every account of a large directory
 * cache with the two default names. */
#define MAX_KEY_PATHS 20000

struct grp {
  char *name;
  char *members;                /* comma-separated, as in the file */
};

struct actx {
  struct vs_check_ctx *ctx;
  struct vs_cc_users users;
  struct grp *groups;
  size_t ngroups;
  struct vs_cc_set group_names;
  struct vs_cc_set admins;      /* members of the administrators' groups */
  /* sshd */
  char *akf[MAX_AKF];           /* AuthorizedKeysFile patterns */
  size_t nakf;
  int akf_set;
  struct vs_cc_set seen_keys;   /* keywords given globally (lowercase) */
  int password_auth;            /* -1 not set, 0 no, 1 yes */
  char *root_login_path;        /* PermitRootLogin yes: where */
  struct vs_buf root_login_ev;
  size_t files;
  uint64_t items;
  struct vs_cc_set visited;     /* files read (canonical): no loops */
  int too_many_files;           /* the MAX_INCLUDED_FILES error is made */
  /* sudoers */
  struct vs_cc_set user_aliases;
  uint64_t sudo_users;          /* users of rules examined */
};

static int
is_admin_group (const char *name, size_t len)
{
  return vs_key_is (name, len, "sudo") || vs_key_is (name, len, "wheel")
    || vs_key_is (name, len, "admin") || vs_key_is (name, len, "root");
}

/* ---- accounts ---- */

static int
load_groups (struct actx *a)
{
  CLEANUP_FREE char *data = NULL;
  struct vs_line l;
  size_t len, pos = 0, alloc = 0;
  int r = vs_cc_read (a->ctx, "/etc/group", VS_CC_MAX_CONFIG, &data, &len);

  if (r != 0)
    return r == -1 ? -1 : 0;
  memset (&l, 0, sizeof l);
  while (r == 0 && vs_line_next (data, len, &pos, &l)) {
    const char *f[4], *p, *end, *w;
    size_t fl[4], wl;

    if (vs_tick ())
      return vs_cc_stop (a->ctx, "/etc/group") == -1 ? -1 : 0;
    if (vs_line_is_comment (l.p, l.len)
        || vs_colon_split (l.p, l.len, f, fl, 4) < 4 || fl[0] == 0)
      continue;
    if (a->ngroups == MAX_GROUPS)
      return vs_check_error (a->ctx, "/etc/group", "/etc/group: more than "
                             "%d groups, the rest not examined (from line "
                             "%u)", MAX_GROUPS, l.no) == -1 ? -1 : 0;
    if (a->ngroups == alloc) {
      alloc = alloc ? 2 * alloc : 64;
      a->groups = vs_xrealloc (a->groups, alloc * sizeof *a->groups);
    }
    a->groups[a->ngroups].name = vs_xstrndup (f[0], fl[0]);
    a->groups[a->ngroups].members = vs_xstrndup (f[3], fl[3]);
    a->ngroups++;
    vs_cc_set_add (&a->group_names, f[0], fl[0]);
    if (!is_admin_group (f[0], fl[0]))
      continue;
    p = f[3];
    end = f[3] + fl[3];
    while (vs_next_item (&p, end, &w, &wl)) {
      if (vs_tick ())
        return vs_cc_stop (a->ctx, "/etc/group") == -1 ? -1 : 0;
      vs_cc_set_add (&a->admins, w, wl);
    }
  }
  return 0;
}

/* The shadow password fields by account name: the first line of each
 * name that passwd has (so no more than the accounts), as a set of names
 * and the fields beside it (pointing into the file's data). */
struct shadow_index {
  struct vs_cc_set names;
  const char **pw;
  size_t *pwl;
};

static int
shadow_index (struct actx *a, const char *data, size_t len,
              struct shadow_index *si)
{
  struct vs_line l;
  size_t pos = 0, alloc = 0;

  memset (si, 0, sizeof *si);
  memset (&l, 0, sizeof l);
  while (vs_line_next (data, len, &pos, &l)) {
    const char *f[2];
    size_t flen[2];

    if (vs_tick ())
      return vs_cc_stop (a->ctx, "/etc/shadow") == -1 ? -1 : 0;
    if (vs_colon_split (l.p, l.len, f, flen, 2) < 2
        || !vs_cc_user_find (&a->users, f[0], flen[0])
        || !vs_cc_set_add (&si->names, f[0], flen[0]))
      continue;
    if (si->names.n > alloc) {
      alloc = alloc ? 2 * alloc : 64;
      si->pw = vs_xrealloc (si->pw, alloc * sizeof *si->pw);
      si->pwl = vs_xrealloc (si->pwl, alloc * sizeof *si->pwl);
    }
    si->pw[si->names.n - 1] = f[1];
    si->pwl[si->names.n - 1] = flen[1];
  }
  return 0;
}

static void
shadow_index_free (struct shadow_index *si)
{
  vs_cc_set_free (&si->names);
  free (si->pw);
  free (si->pwl);
}

/* The shadow password field of name, or NULL. */
static const char *
shadow_field (const struct shadow_index *si, const char *name, size_t *fl)
{
  size_t k = vs_cc_set_find (&si->names, name, strlen (name));

  if (!k)
    return NULL;
  *fl = si->pwl[k - 1];
  return si->pw[k - 1];
}

/* For each account, the position of the first account with its uid
 * (its own when none comes before, or its uid did not parse): the
 * accounts sorted by (uid, position), in O(n log n).  Caller frees. */
struct uid_pos {
  uint32_t uid;
  size_t i;
};

static int
cmp_uid_pos (const void *x, const void *y)
{
  const struct uid_pos *a = x, *b = y;

  if (a->uid != b->uid)
    return a->uid < b->uid ? -1 : 1;
  return a->i < b->i ? -1 : a->i > b->i;
}

static size_t *
first_of_uid (const struct vs_cc_users *users)
{
  size_t n = users->n, i, k = 0;
  struct uid_pos *order = vs_xmalloc ((n ? n : 1) * sizeof *order);
  size_t *first = vs_xmalloc ((n ? n : 1) * sizeof *first);

  for (i = 0; i < n; i++) {
    first[i] = i;
    if (users->v[i].uid_ok) {
      order[k].uid = users->v[i].uid;
      order[k].i = i;
      k++;
    }
  }
  qsort (order, k, sizeof *order, cmp_uid_pos);
  for (i = 1; i < k; i++)
    if (order[i].uid == order[i - 1].uid)
      first[order[i].i] = first[order[i - 1].i];
  free (order);
  return first;
}

int
vs_access_accounts (struct vs_check_ctx *ctx)
{
  struct actx *a = ctx->family;
  CLEANUP_FREE char *shadow = NULL;
  CLEANUP_FREE size_t *first_uid = NULL;
  struct shadow_index si;
  size_t slen = 0, i;
  int r, have_shadow;

  memset (&si, 0, sizeof si);
  r = vs_cc_read (ctx, "/etc/shadow", VS_CC_MAX_CONFIG, &shadow, &slen);
  if (r == -1)
    return -1;
  have_shadow = r == 0;
  if (have_shadow && shadow_index (a, shadow, slen, &si) == -1) {
    shadow_index_free (&si);
    return -1;
  }
  first_uid = first_of_uid (&a->users);
  r = 0;
  for (i = 0; i < a->users.n && r == 0; i++) {
    const struct vs_cc_user *u = &a->users.v[i], *same_name, *dup = NULL;
    const char *pw = u->passwd, *desc;
    size_t pwl = strlen (u->passwd);
    int usable, login = vs_is_login_shell (u->shell, strlen (u->shell));
    struct vs_buf ev = VS_BUF_INIT;

    if (vs_tick ()) {
      r = vs_cc_stop (ctx, "/etc/passwd");
      break;
    }
    if (have_shadow && vs_key_is (pw, pwl, "x")) {
      pw = shadow_field (&si, u->name, &pwl);
      if (!pw) {
        pw = "!";
        pwl = 1;
      }
    }
    desc = vs_shadow_describe (pw, pwl, &usable);
    /* name:password-kind:uid:gid::home:shell, never the hash. */
    vs_cc_evidence (&ev, u->name, strlen (u->name));
    vs_buf_addf (&ev, ":<%s>:%s%u:%u:", desc, u->uid_ok ? "" : "?",
                 u->uid, u->gid);
    vs_cc_evidence (&ev, u->home, strlen (u->home));
    vs_buf_addc (&ev, ':');
    vs_cc_evidence (&ev, u->shell, strlen (u->shell));
    a->items++;
    if (u->uid_ok && u->uid == 0 && strcmp (u->name, "root") != 0)
      r = vs_cc_report (ctx, VS_CK_ACCESS_UID0, VS_SEV_CRITICAL, "T1136.001",
                        "/etc/passwd", u->name, ev.data, ev.len,
                        "account %s has uid 0: a second root", u->name);
    if (r == 0 && usable && pwl == 0 && login)
      r = vs_cc_report (ctx, VS_CK_ACCESS_EMPTY_PASSWORD, VS_SEV_HIGH,
                        "T1078.003", have_shadow ? "/etc/shadow"
                        : "/etc/passwd", u->name, ev.data, ev.len,
                        "account %s has an empty password and a login shell",
                        u->name);
    else if (r == 0 && usable && login)
      r = vs_cc_report (ctx, VS_CK_ACCESS_PASSWORD_SET, VS_SEV_LOW, "T1078.003",
                        have_shadow ? "/etc/shadow" : "/etc/passwd", u->name,
                        ev.data, ev.len, "account %s has a password (%s) "
                        "set in the image", u->name, desc);
    if (r == 0 && u->uid_ok && ((u->uid > 0 && u->uid < 1000)
                                || u->uid == 65534)
        && login && !vs_key_is (u->shell, strlen (u->shell), ""))
      r = vs_cc_report (ctx, VS_CK_ACCESS_SYSTEM_SHELL, VS_SEV_MEDIUM,
                        "T1078.003", "/etc/passwd", u->name, ev.data, ev.len,
                        "system account %s (uid %u) has a login shell %s",
                        u->name, u->uid, u->shell);
    if (r == 0 && u->gid == 0 && u->uid != 0)
      r = vs_cc_report (ctx, VS_CK_ACCESS_ADMIN_GROUP, VS_SEV_MEDIUM, "T1098",
                        "/etc/passwd", u->name, ev.data, ev.len,
                        "account %s has the root group as its primary group",
                        u->name);
    /* The first earlier account with the same name or (not 0) uid; the
     * name is said when both point at the same one. */
    same_name = vs_cc_user_find (&a->users, u->name, strlen (u->name));
    if (same_name == u)
      same_name = NULL;
    if (u->uid_ok && u->uid != 0 && first_uid[i] != i)
      dup = &a->users.v[first_uid[i]];
    if (r == 0 && same_name && (!dup || same_name <= dup))
      r = vs_cc_report (ctx, VS_CK_ACCESS_DUPLICATE_ACCOUNT, VS_SEV_MEDIUM,
                        "T1136.001", "/etc/passwd", u->name, ev.data,
                        ev.len, "account %s is listed twice (lines %u and "
                        "%u)", u->name, same_name->line, u->line);
    else if (r == 0 && dup)
      r = vs_cc_report (ctx, VS_CK_ACCESS_DUPLICATE_ACCOUNT, VS_SEV_MEDIUM,
                        "T1136.001", "/etc/passwd", u->name, ev.data,
                        ev.len, "accounts %s and %s share uid %u", dup->name,
                        u->name, u->uid);
    vs_buf_release (&ev);
  }
  shadow_index_free (&si);
  if (r != 0)
    return r == -1 ? -1 : 0;
  for (i = 0; i < a->ngroups; i++) {
    const struct grp *g = &a->groups[i];
    const char *p = g->members, *end = p + strlen (p), *w;
    size_t wl;

    if (!is_admin_group (g->name, strlen (g->name)))
      continue;
    while (vs_next_item (&p, end, &w, &wl)) {
      struct vs_buf ev = VS_BUF_INIT;
      CLEANUP_FREE char *who = NULL;

      if (vs_tick ())
        return vs_cc_stop (ctx, "/etc/group") == -1 ? -1 : 0;
      who = vs_xstrndup (w, wl);
      vs_buf_addf (&ev, "%s:x:...:", g->name);
      vs_cc_evidence (&ev, g->members, strlen (g->members));
      r = vs_cc_report (ctx, VS_CK_ACCESS_ADMIN_GROUP, VS_SEV_MEDIUM, "T1098",
                        "/etc/group", who, ev.data, ev.len,
                        "%s is a member of the administrators' group %s",
                        who, g->name);
      vs_buf_release (&ev);
      if (r == -1)
        return -1;
    }
  }
  {
    static const enum vs_check_name ids[] = {
      VS_CK_ACCESS_UID0, VS_CK_ACCESS_EMPTY_PASSWORD,
      VS_CK_ACCESS_PASSWORD_SET, VS_CK_ACCESS_SYSTEM_SHELL,
      VS_CK_ACCESS_DUPLICATE_ACCOUNT, VS_CK_ACCESS_ADMIN_GROUP,
    };

    for (i = 0; i < VS_ARRAY_SIZE (ids); i++)
      if (vs_check_ran (ctx, ids[i], "ran", ids[i] == VS_CK_ACCESS_ADMIN_GROUP
                        ? a->users.n + a->ngroups : a->users.n, NULL) == -1)
        return -1;
  }
  return 0;
}

/* ---- sshd_config ---- */

static int sshd_file (struct actx *a, const char *path, int depth,
                      int in_match);

static int
sshd_report (struct actx *a, const char *path, const struct vs_line *l,
             enum vs_severity sev, const char *mitre, int in_match,
             const char *what)
{
  struct vs_buf ev = VS_BUF_INIT;
  int r;

  vs_buf_addf (&ev, "line %u: ", l->no);
  vs_cc_evidence (&ev, l->p, l->len);
  r = vs_cc_report (a->ctx, VS_CK_ACCESS_SSHD_CONFIG, sev, mitre, path, NULL,
                    ev.data, ev.len, "sshd: %s%s", what,
                    in_match ? " (in a Match block)" : "");
  vs_buf_release (&ev);
  return r;
}

static int
sshd_include (struct actx *a, const char *from, const char *pat,
              size_t plen, int depth, int in_match)
{
  CLEANUP_FREE char *full = NULL;
  struct vs_cc_dir d;
  char *slash;
  int r;

  if (plen == 0 || memchr (pat, '\0', plen))
    return 0;
  full = pat[0] == '/' ? vs_xstrndup (pat, plen)
    : vs_xasprintf ("/etc/ssh/%.*s", (int) plen, pat);
  if (!strpbrk (full, "*?["))
    return sshd_file (a, full, depth + 1, in_match);
  slash = strrchr (full, '/');
  *slash = '\0';
  if (strpbrk (full, "*?["))
    return vs_check_error (a->ctx, from, "%s: Include %s: wildcards in "
                           "directories not followed", from, full) == -1
      ? -1 : 0;
  /* "/" is listed for full "", and its entries are "/NAME". */
  r = vs_cc_dir_open (a->ctx, full[0] ? full : "/", &d);
  while (r == 0 && vs_cc_dir_next (&d)) {
    if (vs_tick ()) {
      r = vs_cc_stop (a->ctx, full);
      break;
    }
    if (fnmatch (slash + 1, d.name, FNM_PERIOD) == 0)
      r = sshd_file (a, full[0] ? d.path : d.path + 1, depth + 1, in_match);
  }
  vs_cc_dir_close (&d);
  return r == -1 ? -1 : 0;
}

/* Whether an included file may be read: 1 yes, 0 no (an errors row
 * says why: too deep, too many (said once), already read), -1 store. */
static int
may_include (struct actx *a, const char *path, int depth)
{
  struct vs_check_ctx *ctx = a->ctx;
  CLEANUP_FREE char *canon = NULL;

  if (depth > MAX_INCLUDE_DEPTH)
    return vs_check_error (ctx, path, "%s: includes nested more than %d "
                           "deep, not read", path, MAX_INCLUDE_DEPTH) == -1
      ? -1 : 0;
  if (a->files >= MAX_INCLUDED_FILES) {
    if (a->too_many_files++)
      return 0;
    return vs_check_error (ctx, path, "%s: more than %d files included, "
                           "this and the rest not read", path,
                           MAX_INCLUDED_FILES) == -1 ? -1 : 0;
  }
  if (vs_guest_realpath (ctx->guest, path, &canon) == 0
      && !vs_cc_set_add (&a->visited, canon, strlen (canon)))
    return vs_check_error (ctx, path, "%s: already read (an include "
                           "loop), not read again", path) == -1 ? -1 : 0;
  a->files++;
  return 1;
}

static int
sshd_file (struct actx *a, const char *path, int depth, int in_match)
{
  struct vs_check_ctx *ctx = a->ctx;
  CLEANUP_FREE char *data = NULL;
  struct vs_line l;
  size_t len, pos = 0;
  int r = may_include (a, path, depth);

  if (r != 1)
    return r;
  r = vs_cc_read (ctx, path, VS_CC_MAX_CONFIG, &data, &len);
  if (r != 0)
    return r == -1 ? -1 : 0;
  memset (&l, 0, sizeof l);
  while (vs_line_next (data, len, &pos, &l)) {
    const char *k, *v, *w;
    size_t kl, vl, wl, i;
    char key[40];
    int first, yes;

    if (vs_tick ())
      return vs_cc_stop (ctx, path) == -1 ? -1 : 0;
    if (!vs_sshd_parse (l.p, l.len, &k, &kl, &v, &vl) || kl >= sizeof key)
      continue;
    a->items++;
    for (i = 0; i < kl; i++)
      key[i] = (char) (k[i] >= 'A' && k[i] <= 'Z' ? k[i] - 'A' + 'a' : k[i]);
    key[kl] = '\0';
    if (strcmp (key, "match") == 0) {
      in_match = !(vl == 3 && vs_memcasemem (v, vl, "all") == v);
      continue;
    }
    if (strcmp (key, "include") == 0) {
      const char *p = v, *end = v + vl;

      while (vs_next_word (&p, end, &w, &wl)) {
        if (vs_tick ())
          return vs_cc_stop (ctx, path) == -1 ? -1 : 0;
        if (sshd_include (a, path, w, wl, depth, in_match) == -1)
          return -1;
      }
      continue;
    }
    /* sshd keeps the first value of a keyword outside Match. */
    first = in_match || vs_cc_set_add (&a->seen_keys, key, kl);
    if (!first)
      continue;
    yes = vl >= 3 && vs_memcasemem (v, vl, "yes") == v
      && (vl == 3 || v[3] == ' ' || v[3] == '\t');
    r = 0;
    if (strcmp (key, "permitrootlogin") == 0 && yes) {
      if (!a->root_login_path) {
        a->root_login_path = vs_xstrdup (path);
        vs_buf_addf (&a->root_login_ev, "line %u: ", l.no);
        vs_cc_evidence (&a->root_login_ev, l.p, l.len);
      }
    }
    else if (strcmp (key, "passwordauthentication") == 0) {
      if (!in_match)
        a->password_auth = yes;
      if (yes)
        r = sshd_report (a, path, &l, VS_SEV_MEDIUM, "T1021.004", in_match,
                         "password logins allowed (PasswordAuthentication "
                         "yes)");
    }
    else if (strcmp (key, "permitemptypasswords") == 0 && yes)
      r = sshd_report (a, path, &l, VS_SEV_HIGH, "T1021.004", in_match,
                       "accounts with empty passwords may log in "
                       "(PermitEmptyPasswords yes)");
    else if (strcmp (key, "permituserenvironment") == 0 && yes)
      r = sshd_report (a, path, &l, VS_SEV_MEDIUM, "T1098.004", in_match,
                       "users may set environment variables such as "
                       "LD_PRELOAD from authorized_keys "
                       "(PermitUserEnvironment yes)");
    else if ((strcmp (key, "authorizedkeyscommand") == 0
              || strcmp (key, "authorizedprincipalscommand") == 0)
             && !vs_key_is (v, vl, "none")) {
      const char *why = vs_cmd_suspicion (v, vl);

      r = sshd_report (a, path, &l, why ? VS_SEV_HIGH : VS_SEV_MEDIUM,
                       "T1098.004", in_match,
                       why ? "a program decides which keys may log in, and "
                       "it looks malicious"
                       : "a program decides which keys may log in");
    }
    else if (strcmp (key, "authorizedkeysfile") == 0) {
      const char *p = v, *end = v + vl;

      while (r == 0 && vs_next_word (&p, end, &w, &wl)) {
        int odd = wl && w[0] == '/' && !(wl >= 2 && w[0] == '%'
                                         && w[1] == 'h');
        int bad = vs_memcasemem (w, wl, "/tmp") || vs_memcasemem (w, wl,
                                                                   "/dev/shm")
          || vs_memcasemem (w, wl, "/var/tmp");

        if (vs_tick ())
          return vs_cc_stop (ctx, path) == -1 ? -1 : 0;

        if (!in_match && !a->akf_set && a->nakf < MAX_AKF
            && !vs_key_is (w, wl, "none"))
          a->akf[a->nakf++] = vs_xstrndup (w, wl);
        if (odd || bad)
          r = sshd_report (a, path, &l, bad ? VS_SEV_HIGH : VS_SEV_MEDIUM,
                           "T1098.004", in_match,
                           "authorized keys are read from outside the "
                           "home directories");
      }
      if (!in_match)
        a->akf_set = 1;
    }
    else if (strcmp (key, "gatewayports") == 0 && !vs_key_is (v, vl, "no"))
      r = sshd_report (a, path, &l, VS_SEV_LOW, "T1021.004", in_match,
                       "forwarded ports listen on every address "
                       "(GatewayPorts)");
    else if (strcmp (key, "permittunnel") == 0 && !vs_key_is (v, vl, "no"))
      r = sshd_report (a, path, &l, VS_SEV_LOW, "T1021.004", in_match,
                       "tunnel devices allowed (PermitTunnel)");
    else if (strcmp (key, "usepam") == 0 && vs_key_is (v, vl, "no"))
      r = sshd_report (a, path, &l, VS_SEV_LOW, "T1021.004", in_match,
                       "PAM not used (UsePAM no): account checks skipped");
    else if (strcmp (key, "x11forwarding") == 0 && yes)
      r = sshd_report (a, path, &l, VS_SEV_INFO, "T1021.004", in_match,
                       "X11 forwarding allowed");
    if (r == -1)
      return -1;
  }
  return 0;
}

static int
check_sshd (struct actx *a)
{
  struct vs_check_ctx *ctx = a->ctx;
  struct stat st;
  int r;

  a->password_auth = -1;
  if (vs_guest_stat (ctx->guest, "/etc/ssh/sshd_config", 1, &st) == -1
      && errno == ENOENT)
    return vs_check_ran (ctx, VS_CK_ACCESS_SSHD_CONFIG, "skipped", 0,
                         "no /etc/ssh/sshd_config");
  if (sshd_file (a, "/etc/ssh/sshd_config", 0, 0) == -1)
    return -1;
  if (a->root_login_path) {
    int pw = a->password_auth != 0;

    r = vs_cc_report (ctx, VS_CK_ACCESS_SSHD_CONFIG,
                      pw ? VS_SEV_HIGH : VS_SEV_MEDIUM, "T1021.004",
                      a->root_login_path, "root", a->root_login_ev.data,
                      a->root_login_ev.len, "sshd: root may log in%s "
                      "(PermitRootLogin yes)",
                      pw ? " with a password" : "");
    if (r == -1)
      return -1;
  }
  if (a->password_auth == -1
      && vs_cc_report (ctx, VS_CK_ACCESS_SSHD_CONFIG, VS_SEV_LOW, "T1021.004",
                       "/etc/ssh/sshd_config", NULL,
                       "PasswordAuthentication not set", 0,
                       "sshd: password logins allowed by default "
                       "(PasswordAuthentication not set)") == -1)
    return -1;
  return vs_check_ran (ctx, VS_CK_ACCESS_SSHD_CONFIG, "ran", a->items, NULL);
}

/* ---- authorized_keys ---- */

/* Expands %h %u %U %% in an AuthorizedKeysFile pattern; relative paths
 * are relative to the home. */
static char *
expand_akf (const char *pat, const struct vs_cc_user *u)
{
  struct vs_buf b = VS_BUF_INIT;
  const char *p;

  if (pat[0] != '/' && pat[0] != '%') {
    vs_buf_adds (&b, strcmp (u->home, "/") ? u->home : "");
    vs_buf_addc (&b, '/');
  }
  for (p = pat; *p; p++) {
    if (*p != '%' || !p[1]) {
      vs_buf_addc (&b, *p);
      continue;
    }
    p++;
    if (*p == 'h')
      vs_buf_adds (&b, u->home);
    else if (*p == 'u')
      vs_buf_adds (&b, u->name);
    else if (*p == 'U')
      vs_buf_addf (&b, "%u", u->uid);
    else
      vs_buf_addc (&b, *p);
  }
  return vs_buf_detach (&b, NULL);
}

static int
keys_file (struct actx *a, const char *path, const struct vs_cc_user *u,
           uint64_t *items)
{
  struct vs_check_ctx *ctx = a->ctx;
  CLEANUP_FREE char *data = NULL;
  struct vs_line l;
  size_t len, pos = 0, keys = 0;
  unsigned bad = 0, firstbad = 0;
  int r;

  r = vs_cc_read (ctx, path, VS_CC_MAX_CONFIG, &data, &len);
  if (r != 0)
    return r == -1 ? -1 : 0;
  memset (&l, 0, sizeof l);
  while (vs_line_next (data, len, &pos, &l)) {
    struct vs_authkey k;
    struct vs_buf ev = VS_BUF_INIT;
    char fp[VS_SSH_FP_LEN], type[65];
    const char *cmd = NULL, *from = NULL;
    size_t cl = 0, fl = 0;
    CLEANUP_FREE char *comment = NULL;
    int rc, root;
    enum vs_severity sev;

    if (vs_tick ())
      return vs_cc_stop (ctx, path) == -1 ? -1 : 0;
    if (keys == MAX_KEYS_PER_FILE) {
      if (vs_check_error (ctx, path, "%s: more than %d keys, the rest not "
                          "examined (from line %u)", path, MAX_KEYS_PER_FILE,
                          l.no) == -1)
        return -1;
      break;
    }
    rc = vs_authkey_parse (l.p, l.len, &k);
    if (rc == 0)
      continue;
    if (rc == -1) {
      if (!bad++)
        firstbad = l.no;
      continue;
    }
    keys++;
    (*items)++;
    if (vs_ssh_fingerprint (k.blob, k.blob_len, fp, type) == -1) {
      if (!bad++)
        firstbad = l.no;
      strcpy (fp, "(key blob does not decode)");
    }
    if (k.options) {
      vs_authkey_option (k.options, k.options_len, "command", &cmd, &cl);
      vs_authkey_option (k.options, k.options_len, "from", &from, &fl);
    }
    root = u->uid_ok && u->uid == 0;
    sev = root || cmd ? VS_SEV_HIGH : VS_SEV_MEDIUM;
    vs_cc_evidence (&ev, k.type, k.type_len);
    vs_buf_addf (&ev, " %s", fp);
    if (k.comment) {
      vs_buf_addc (&ev, ' ');
      vs_cc_evidence (&ev, k.comment, k.comment_len);
    }
    if (k.options) {
      vs_buf_adds (&ev, " options: ");
      vs_cc_evidence (&ev, k.options, k.options_len);
    }
    comment = k.comment ? vs_cc_short (k.comment, k.comment_len, 60)
      : vs_xstrdup ("no comment");
    r = vs_cc_report (ctx, VS_CK_ACCESS_AUTHORIZED_KEYS, sev, "T1098.004", path,
                      u->name, ev.data, ev.len,
                      "SSH key %s (%s) may log in as %s%s%s", fp, comment,
                      u->name, cmd ? ", with a forced command" : "",
                      from ? ", from restricted addresses" : "");
    vs_buf_release (&ev);
    if (r == -1)
      return -1;
  }
  if (bad && vs_check_error (ctx, path, "%s: %u lines are not keys (the "
                             "first is line %u)", path, bad, firstbad) == -1)
    return -1;
  return 0;
}

static int
check_keys (struct actx *a)
{
  struct vs_check_ctx *ctx = a->ctx;
  struct vs_cc_set seen = { NULL, 0, 0 };
  struct vs_cc_set tried = { NULL, 0, 0 };
  static const char *const defaults[] = {
    ".ssh/authorized_keys", ".ssh/authorized_keys2",
  };
  uint64_t items = 0;
  size_t i, k;
  int r = 0, capped = 0;

  for (i = 0; i < a->users.n && r == 0 && !capped; i++) {
    const struct vs_cc_user *u = &a->users.v[i];
    size_t np = a->nakf + VS_ARRAY_SIZE (defaults);

    if (u->home[0] != '/')
      continue;
    for (k = 0; k < np && r == 0; k++) {
      const char *pat = k < a->nakf ? a->akf[k]
        : defaults[k - a->nakf];
      CLEANUP_FREE char *path = expand_akf (pat, u);
      CLEANUP_FREE char *canon = NULL;

      if (vs_tick ()) {
        r = vs_cc_stop (ctx, path);
        break;
      }
      /* Accounts that share a home share its files: resolve each path
       * once. */
      if (!vs_cc_set_add (&tried, path, strlen (path)))
        continue;
      if (tried.n > MAX_KEY_PATHS) {
        r = vs_check_error (ctx, path, "%s: more than %d authorized_keys "
                            "paths, the rest not examined (from account %s)",
                            path, MAX_KEY_PATHS, u->name);
        capped = 1;
        break;
      }
      if (vs_guest_realpath (ctx->guest, path, &canon) == -1) {
        if (errno == ELOOP)
          r = vs_check_error (ctx, path, "%s: symlink loop", path) == -1
            ? -1 : 0;
        continue;
      }
      if (!vs_cc_set_add (&seen, canon, strlen (canon)))
        continue;
      r = keys_file (a, canon, u, &items);
    }
  }
  /* Keys in a home that no account names (a user deleted from passwd,
   * or a home made by hand) still let someone in once an account
   * points there: look in every directory under /home too. */
  if (r == 0) {
    struct vs_cc_dir d;

    r = vs_cc_dir_open (ctx, "/home", &d);
    while (r == 0 && vs_cc_dir_next (&d)) {
      struct vs_cc_user orphan;
      CLEANUP_FREE char *who = vs_xasprintf ("(home %s)", d.name);

      memset (&orphan, 0, sizeof orphan);
      orphan.name = who;
      orphan.home = d.path;
      orphan.passwd = (char *) "";
      orphan.shell = (char *) "";
      for (k = 0; k < VS_ARRAY_SIZE (defaults) && r == 0; k++) {
        CLEANUP_FREE char *path = expand_akf (defaults[k], &orphan);
        CLEANUP_FREE char *canon = NULL;

        if (vs_tick ()) {
          r = vs_cc_stop (ctx, "/home");
          break;
        }
        if (vs_guest_realpath (ctx->guest, path, &canon) == -1
            || !vs_cc_set_add (&seen, canon, strlen (canon)))
          continue;
        r = keys_file (a, canon, &orphan, &items);
      }
    }
    vs_cc_dir_close (&d);
  }
  vs_cc_set_free (&seen);
  vs_cc_set_free (&tried);
  if (r != 0)
    return r == -1 ? -1 : 0;
  return vs_check_ran (ctx, VS_CK_ACCESS_AUTHORIZED_KEYS, "ran", items, NULL);
}

/* ---- sudoers ---- */

static int sudoers_file (struct actx *a, const char *path, int depth,
                         uint64_t *items);

static int
sudoers_dir (struct actx *a, const char *dir, int depth, uint64_t *items)
{
  struct vs_cc_dir d;
  int r = vs_cc_dir_open (a->ctx, dir, &d);

  while (r == 0 && vs_cc_dir_next (&d)) {
    if (vs_tick ()) {
      r = vs_cc_stop (a->ctx, dir) == -1 ? -1 : 0;
      break;
    }
    /* sudo skips names with a '.' or ending in '~'. */
    if (strchr (d.name, '.') || vs_cc_ends_with (d.name, "~"))
      continue;
    r = sudoers_file (a, d.path, depth + 1, items);
  }
  vs_cc_dir_close (&d);
  return r;
}

/* What a sudoers user item is: 1 an administrator, 0 someone else,
 * -1 unknown (no such user or group).  Constant time: hash lookups. */
static int
sudo_who (struct actx *a, const char *w, size_t wl)
{
  if (wl && w[0] == '!') {
    w++;
    wl--;
  }
  if (wl == 0)
    return 0;
  if (vs_key_is (w, wl, "root"))
    return 1;
  if (vs_key_is (w, wl, "ALL") || w[0] == '+' || w[0] == '#'
      || (wl > 1 && w[0] == '%' && (w[1] == ':' || w[1] == '#')))
    return 0;
  if (w[0] == '%')
    return is_admin_group (w + 1, wl - 1) ? 1
      : vs_cc_set_has (&a->group_names, w + 1, wl - 1) ? 0 : -1;
  if (vs_cc_set_has (&a->user_aliases, w, wl))
    return 0;
  if (!vs_cc_user_find (&a->users, w, wl))
    return -1;
  return vs_cc_set_has (&a->admins, w, wl) ? 1 : 0;
}

/* The findings of one rule's users (s->who). */
static int
sudo_rule (struct actx *a, const char *path, unsigned line,
           const struct vs_sudo_line *s, const struct vs_buf *ev)
{
  const char *p = s->who, *end = s->who + s->who_len, *w;
  size_t wl;
  int r = 0;

  while (r == 0 && vs_next_item (&p, end, &w, &wl)) {
    CLEANUP_FREE char *who = NULL;
    int kind;
    enum vs_severity sev = VS_SEV_INFO;
    const char *what = NULL;

    if (vs_tick ())
      return vs_cc_stop (a->ctx, path);
    if (a->sudo_users >= MAX_SUDO_USERS) {
      if (a->sudo_users++ > MAX_SUDO_USERS)
        return 0;               /* said once */
      return vs_check_error (a->ctx, path, "%s: more than %d users in sudo "
                             "rules, the rest not examined (from line %u)",
                             path, MAX_SUDO_USERS, line) == -1 ? -1 : 0;
    }
    a->sudo_users++;
    kind = sudo_who (a, w, wl);
    if (s->nopasswd && s->all_cmds) {
      sev = kind == 1 ? VS_SEV_MEDIUM : VS_SEV_HIGH;
      what = "may run any command as root without a password";
    }
    else if (s->nopasswd) {
      sev = VS_SEV_MEDIUM;
      what = "may run commands without a password";
    }
    else if (kind == 0 && s->all_cmds) {
      sev = VS_SEV_LOW;
      what = "may run any command as root";
    }
    if (kind == -1) {
      if (sev < VS_SEV_MEDIUM)
        sev = VS_SEV_MEDIUM;
      if (!what)
        what = "has a sudo rule";
    }
    if (!what)
      continue;
    who = vs_xstrndup (w, wl);
    r = vs_cc_report (a->ctx, VS_CK_ACCESS_SUDOERS, sev, "T1548.003", path, who,
                      ev->data, ev->len, "sudoers: %s%s %s", who,
                      kind == -1 ? " (no such user or group)" : "", what);
  }
  return r;
}

static int
sudoers_file (struct actx *a, const char *path, int depth, uint64_t *items)
{
  struct vs_check_ctx *ctx = a->ctx;
  CLEANUP_FREE char *data = NULL;
  struct vs_buf line = VS_BUF_INIT;
  unsigned lineno = 0, first = 0;
  size_t len, pos = 0;
  int r = may_include (a, path, depth), more;

  if (r != 1)
    return r;
  r = vs_cc_read (ctx, path, VS_CC_MAX_CONFIG, &data, &len);
  if (r != 0)
    return r == -1 ? -1 : 0;
  r = 0;
  while (r == 0
         && (more = vs_sudo_next (data, len, &pos, &lineno, &line, &first))) {
    struct vs_sudo_line s;
    struct vs_buf ev = VS_BUF_INIT;

    if (vs_tick ()) {
      r = vs_cc_stop (ctx, path);
      break;
    }
    if (more == 2
        && vs_check_error (ctx, path, "%s: line %u: longer than %u bytes, "
                           "only its start examined", path, first,
                           (unsigned) VS_SUDO_LINE_MAX) == -1) {
      r = -1;
      break;
    }
    vs_sudo_parse (line.data ? line.data : "", line.len, &s);
    if (s.kind == VS_SUDO_NONE || s.kind == VS_SUDO_BAD)
      continue;
    vs_buf_addf (&ev, "line %u: ", first);
    vs_cc_evidence (&ev, line.data, line.len);
    if (s.kind == VS_SUDO_INCLUDE || s.kind == VS_SUDO_INCLUDEDIR) {
      CLEANUP_FREE char *inc = NULL;

      if (memchr (s.arg, '\0', s.arg_len) || s.arg_len == 0) {
        vs_buf_release (&ev);
        continue;
      }
      if (s.arg[0] == '/')
        inc = vs_xstrndup (s.arg, s.arg_len);
      else {
        CLEANUP_FREE char *d = vs_xstrdup (path);

        *strrchr (d, '/') = '\0';
        inc = vs_xasprintf ("%s/%.*s", d, (int) s.arg_len, s.arg);
      }
      r = s.kind == VS_SUDO_INCLUDE ? sudoers_file (a, inc, depth + 1, items)
        : sudoers_dir (a, inc, depth, items);
    }
    else if (s.kind == VS_SUDO_ALIAS) {
      if (vs_key_is (s.who, s.who_len, "User_Alias")) {
        const char *eq = memchr (s.arg, '=', s.arg_len);
        const char *nm = s.arg;
        size_t nl = eq ? (size_t) (eq - s.arg) : 0;

        vs_trim (&nm, &nl);
        if (nl)
          vs_cc_set_add (&a->user_aliases, nm, nl);
      }
    }
    else if (s.kind == VS_SUDO_DEFAULTS) {
      (*items)++;
      if (s.no_authenticate)
        r = vs_cc_report (ctx, VS_CK_ACCESS_SUDOERS, VS_SEV_HIGH, "T1548.003",
                          path, NULL, ev.data, ev.len,
                          "sudo asks no password%s (Defaults !authenticate)",
                          s.who ? " for some users" : " from anyone");
    }
    else if (s.kind == VS_SUDO_RULE) {
      (*items)++;
      r = sudo_rule (a, path, first, &s, &ev);
    }
    vs_buf_release (&ev);
  }
  vs_buf_release (&line);
  return r == -1 ? -1 : 0;
}

int
vs_access_sudoers (struct vs_check_ctx *ctx)
{
  struct actx *a = ctx->family;
  uint64_t items = 0;

  a->files = 0;
  a->too_many_files = 0;
  if (sudoers_file (a, "/etc/sudoers", 0, &items) == -1)
    return -1;
  return vs_check_ran (a->ctx, VS_CK_ACCESS_SUDOERS, "ran", items, NULL);
}

/* sshd_config first: the authorized_keys files are those it names. */
int
vs_access_sshd_keys (struct vs_check_ctx *ctx)
{
  struct actx *a = ctx->family;

  return check_sshd (a) == -1 || check_keys (a) == -1 ? -1 : 0;
}

/* What the access checks share: the accounts and the groups. */
int
vs_access_begin (struct vs_check_ctx *ctx)
{
  struct actx *a;

  if (!ctx->guest)
    return 1;
  a = vs_xcalloc (1, sizeof *a);
  a->ctx = ctx;
  ctx->family = a;
  return vs_cc_users_load (ctx, &a->users) == -1 || load_groups (a) == -1
    ? -1 : 0;
}

void
vs_access_end (struct vs_check_ctx *ctx)
{
  struct actx *a = ctx->family;
  size_t i;

  if (!a)
    return;
  vs_cc_users_free (&a->users);
  for (i = 0; i < a->ngroups; i++) {
    free (a->groups[i].name);
    free (a->groups[i].members);
  }
  free (a->groups);
  for (i = 0; i < a->nakf; i++)
    free (a->akf[i]);
  free (a->root_login_path);
  vs_buf_release (&a->root_login_ev);
  vs_cc_set_free (&a->seen_keys);
  vs_cc_set_free (&a->user_aliases);
  vs_cc_set_free (&a->visited);
  vs_cc_set_free (&a->group_names);
  vs_cc_set_free (&a->admins);
  free (a);
}
