/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: kernel persistence checks — what the kernel loads and runs
 * before anything else does: loadable modules no package installed,
 * the lists of modules loaded at boot, modprobe.d commands run when a
 * module loads, initramfs hooks and scripts, and the kernel command
 * line the boot loader passes.
 *
 * The family's begin function reads, once, every kernel module file the
 * walk recorded (names ending in .ko, .ko.xz, .ko.zst or .ko.gz
 * anywhere, and ELF relocatable files in the module trees) with its
 * origin, judged from the package database and the digests in the
 * files table; the other checks look module names up in that list.
 *
 * Severities follow persist.c's scale: info stock, low not stock but
 * ordinary, medium not stock and something an image normally has none
 * of, high when it looks malicious or is a module no package owns.
 * Files are read through the guest view, bounded; a file that cannot be
 * read is an errors row and the check goes on.
 */
#include <config.h>

#include <string.h>
#include <sys/stat.h>

#include "checks/common.h"
#include "checks/checks.h"
#include "checks/filetab.h"
#include "core/guest.h"
#include "core/pkgdb.h"
#include "parse/bootcfg.h"
#include "parse/kmod.h"
#include "parse/shellcmd.h"
#include "parse/text.h"

#define TITLE_CMD 100
#define MAX_MODULES 200000      /* module files kept from the files table */
#define MAX_PARAMS 4096         /* parameters judged per command line */

/* One kernel module file of the image. */
struct kmodule {
  int64_t file_id;
  char *path;
  char *sha256;
  char *magic;
  enum vs_ft_ownership own;
  const char *pkg;              /* owner when packaged (the pkgdb's) */
  int in_tree;                  /* under /lib/modules or /usr/lib/modules */
  int dkms_record;              /* under /var/lib/dkms */
  size_t tree;                  /* 1 + its kernel tree, 0 outside them */
  size_t next;                  /* 1 + the next module of the same name */
};

/* A kernel's module tree, /lib/modules/VERSION or /usr/lib/modules/
 * VERSION: how many module files it has, and how many are stock. */
struct ktree {
  size_t n, stock;
  int reported;
};

struct kctx {
  struct vs_check_ctx *ctx;
  struct kmodule *mods;
  size_t nmods;
  struct vs_cc_set names;       /* module names, '-' as '_' */
  size_t *first;                /* per name: 1 + its first module */
  struct vs_cc_set dkms;        /* names DKMS has a build record of */
  struct vs_cc_set trees;       /* the kernel trees' paths */
  struct ktree *tv;             /* parallel to trees.v */
};

/* A kernel tree with this many module files and not one stock is a
 * kernel installed without the package manager: one finding for the
 * tree, not one per module. */
#define CUSTOM_KERNEL_MODULES 20

static const char *
base_name (const char *path)
{
  const char *s = strrchr (path, '/');

  return s ? s + 1 : path;
}

static int
starts_with (const char *s, const char *prefix)
{
  return strncmp (s, prefix, strlen (prefix)) == 0;
}

/* A module name with '-' folded to '_', as kmod compares them; caller
 * frees. */
static char *
fold_name (const char *s, size_t len)
{
  char *n = vs_xstrndup (s, len), *p;

  for (p = n; *p; p++)
    if (*p == '-')
      *p = '_';
  return n;
}

/* Names of public Linux kernel rootkits, folded. */
static const char *
rootkit_name (const char *name, size_t len)
{
  static const char *const kits[] = {
    "diamorphine", "reptile", "suterusu", "adore", "adore_ng", "knark",
    "kbeast", "ipsecs_kbeast_v1", "enyelkm", "rootfoo", "nuk3gh0st",
    "azazel", "puszek", "sutekh", "brokepkg", "khook", "kovid",
    "singularity", "boopkit", "vlany", "bdvl",
  };
  CLEANUP_FREE char *n = fold_name (name, len);
  size_t i;

  for (i = 0; i < VS_ARRAY_SIZE (kits); i++)
    if (strcmp (n, kits[i]) == 0)
      return kits[i];
  return NULL;
}

/* ---- the module files ---- */

static void
add_module (struct kctx *k, sqlite3_stmt *s)
{
  struct vs_check_ctx *ctx = k->ctx;
  const char *path = (const char *) sqlite3_column_blob (s, 1);
  size_t plen = (size_t) sqlite3_column_bytes (s, 1), nl;
  const char *b;
  struct kmodule *m;
  CLEANUP_FREE char *name = NULL;
  const struct vs_pkg_file *pf;

  if (!path || memchr (path, '\0', plen))
    return;
  k->mods = vs_xrealloc (k->mods, (k->nmods + 1) * sizeof *k->mods);
  m = &k->mods[k->nmods];
  memset (m, 0, sizeof *m);
  m->file_id = sqlite3_column_int64 (s, 0);
  m->path = vs_xstrndup (path, plen);
  m->sha256 = vs_ft_text (s, 4) ? vs_xstrdup (vs_ft_text (s, 4)) : NULL;
  m->magic = vs_ft_text (s, 5) ? vs_xstrdup (vs_ft_text (s, 5)) : NULL;
  m->own = ctx->pkgdb && vs_pkgdb_count (ctx->pkgdb)
    ? vs_ft_ownership (ctx, path, plen, vs_ft_text (s, 2), vs_ft_text (s, 3),
                       vs_ft_text (s, 4))
    : VS_FT_OWN_UNKNOWN;
  pf = ctx->pkgdb ? vs_pkgdb_lookup (ctx->pkgdb, path, plen) : NULL;
  m->pkg = pf ? pf->package : NULL;
  m->in_tree = starts_with (m->path, "/lib/modules/")
    || starts_with (m->path, "/usr/lib/modules/");
  m->dkms_record = starts_with (m->path, "/var/lib/dkms/");
  if (m->in_tree) {
    const char *v = m->path + (m->path[1] == 'u' ? 17 : 13);
    const char *slash = strchr (v, '/');

    if (slash && slash > v) {
      size_t tl = (size_t) (slash - m->path);

      if (vs_cc_set_add (&k->trees, m->path, tl)) {
        k->tv = vs_xrealloc (k->tv, k->trees.n * sizeof *k->tv);
        memset (&k->tv[k->trees.n - 1], 0, sizeof *k->tv);
      }
      m->tree = vs_cc_set_find (&k->trees, m->path, tl);
      k->tv[m->tree - 1].n++;
      if (m->own == VS_FT_OWN_STOCK)
        k->tv[m->tree - 1].stock++;
    }
  }
  b = base_name (m->path);
  nl = vs_kmod_file_module (b, strlen (b));
  if (nl == 0)
    nl = strlen (b);
  name = fold_name (b, nl);
  if (m->dkms_record)
    vs_cc_set_add (&k->dkms, name, strlen (name));
  if (vs_cc_set_add (&k->names, name, strlen (name))) {
    k->first = vs_xrealloc (k->first, k->names.n * sizeof *k->first);
    k->first[k->names.n - 1] = k->nmods + 1;
  }
  else {
    size_t at = vs_cc_set_find (&k->names, name, strlen (name)) - 1;

    m->next = k->first[at];
    k->first[at] = k->nmods + 1;
  }
  k->nmods++;
}

int
vs_kernel_begin (struct vs_check_ctx *ctx)
{
  struct kctx *k;
  sqlite3_stmt *s;
  int rc = SQLITE_DONE;

  if (!ctx->guest)
    return 1;
  k = vs_xcalloc (1, sizeof *k);
  k->ctx = ctx;
  ctx->family = k;
  s = vs_ft_prepare (ctx, "SELECT f.id, f.path, f.md5, f.sha1, f.sha256, "
                     "f.magic" VS_FT_FROM "AND f.type = 'file' AND "
                     "(f.path LIKE '%.ko' OR f.path LIKE '%.ko.xz' OR "
                     "f.path LIKE '%.ko.zst' OR f.path LIKE '%.ko.gz' OR "
                     "((f.path LIKE '/lib/modules/%' OR "
                     "f.path LIKE '/usr/lib/modules/%') AND "
                     "f.magic LIKE 'ELF %relocatable%'))");
  if (!s)
    return ctx->failed ? -1 : 0;
  while (!vs_tick () && (rc = sqlite3_step (s)) == SQLITE_ROW) {
    if (k->nmods >= MAX_MODULES) {
      sqlite3_finalize (s);
      return vs_check_error (ctx, NULL, "more than %d kernel module files, "
                             "the rest not examined", MAX_MODULES) == -1
        ? -1 : 0;
    }
    add_module (k, s);
  }
  sqlite3_finalize (s);
  return ctx->failed ? -1 : 0;
}

void
vs_kernel_end (struct vs_check_ctx *ctx)
{
  struct kctx *k = ctx->family;
  size_t i;

  if (!k)
    return;
  for (i = 0; i < k->nmods; i++) {
    free (k->mods[i].path);
    free (k->mods[i].sha256);
    free (k->mods[i].magic);
  }
  free (k->mods);
  free (k->first);
  free (k->tv);
  vs_cc_set_free (&k->trees);
  vs_cc_set_free (&k->names);
  vs_cc_set_free (&k->dkms);
  free (k);
}

/* Whether the installed copy of a module is a DKMS build. */
static int
is_dkms (struct kctx *k, const struct kmodule *m)
{
  const char *b = base_name (m->path);
  size_t nl = vs_kmod_file_module (b, strlen (b));
  CLEANUP_FREE char *name = fold_name (b, nl ? nl : strlen (b));

  return m->in_tree && vs_cc_set_has (&k->dkms, name, strlen (name));
}

/* The first module file of a name that is not stock (not a DKMS build
 * record), else the first one of that name; NULL when the image has no
 * file of that name. */
static const struct kmodule *
find_module (struct kctx *k, const char *name, size_t len, int *stock)
{
  CLEANUP_FREE char *n = fold_name (name, len);
  size_t at = vs_cc_set_find (&k->names, n, strlen (n)), i;
  const struct kmodule *any = NULL;

  *stock = 1;
  if (at == 0)
    return NULL;
  for (i = k->first[at - 1]; i; i = k->mods[i - 1].next) {
    const struct kmodule *m = &k->mods[i - 1];

    if (m->dkms_record)
      continue;
    if (!any)
      any = m;
    if (m->own == VS_FT_OWN_NONE || m->own == VS_FT_OWN_CHANGED) {
      *stock = 0;
      return m;
    }
  }
  return any;
}

static const char *
own_text (const struct kmodule *m, struct vs_buf *b)
{
  vs_buf_setlen (b, 0);
  switch (m->own) {
  case VS_FT_OWN_UNKNOWN:
    vs_buf_adds (b, "no package database");
    break;
  case VS_FT_OWN_NONE:
    vs_buf_adds (b, "not from a package");
    break;
  case VS_FT_OWN_STOCK:
    vs_buf_addf (b, "from package %s", m->pkg ? m->pkg : "?");
    break;
  case VS_FT_OWN_CHANGED:
    vs_buf_addf (b, "modified since package %s installed it",
                 m->pkg ? m->pkg : "?");
    break;
  }
  return b->data;
}

static int
is_custom_kernel (const struct ktree *t)
{
  return t->stock == 0 && t->n >= CUSTOM_KERNEL_MODULES;
}

/* The one finding for a kernel tree none of whose modules a package
 * installed; m is its first module. */
static int
custom_kernel (struct vs_check_ctx *ctx, struct kctx *k,
               const struct kmodule *m)
{
  const struct ktree *t = &k->tv[m->tree - 1];
  const char *tree = k->trees.v[m->tree - 1];
  CLEANUP_FREE char *ev =
    vs_xasprintf ("%zu module files under %s, none from a package; the "
                  "first: %s, sha256 %s", t->n, tree, m->path,
                  m->sha256 ? m->sha256 : "-");

  return vs_cc_report (ctx, VS_CK_PERSISTENCE_KERNEL_MODULE_UNOWNED,
                       VS_SEV_MEDIUM, "T1547.006", tree, NULL, ev, 0,
                       "kernel %s has %zu modules and none is from a package "
                       "(a kernel installed without the package manager)",
                       base_name (tree), t->n);
}

int
vs_kernel_modules (struct vs_check_ctx *ctx)
{
  struct kctx *k = ctx->family;
  uint64_t items = 0, unowned = 0;
  size_t i;
  int r = 0;

  for (i = 0; i < k->nmods && r == 0; i++) {
    const struct kmodule *m = &k->mods[i];
    const char *b = base_name (m->path), *kit, *where;
    size_t nl = vs_kmod_file_module (b, strlen (b));
    struct vs_buf ev = VS_BUF_INIT, ob = VS_BUF_INIT;
    CLEANUP_FREE char *magic = NULL;
    enum vs_severity sev;
    int dkms = is_dkms (k, m);

    items++;
    if (m->own == VS_FT_OWN_STOCK)
      continue;
    kit = rootkit_name (b, nl ? nl : strlen (b));
    if (!kit && m->in_tree && m->own == VS_FT_OWN_UNKNOWN)
      continue;                 /* cannot tell without a package database */
    if (!kit && m->tree && is_custom_kernel (&k->tv[m->tree - 1])) {
      unowned++;
      if (!k->tv[m->tree - 1].reported++)
        r = custom_kernel (ctx, k, m);
      continue;
    }
    if (m->dkms_record)
      sev = VS_SEV_LOW;
    else if (!m->in_tree)
      sev = VS_SEV_HIGH;
    else if (dkms && m->own == VS_FT_OWN_NONE)
      sev = VS_SEV_MEDIUM;
    else
      sev = VS_SEV_HIGH;
    if (kit)
      sev = VS_SEV_HIGH;
    unowned++;
    magic = m->magic ? vs_cc_short (m->magic, strlen (m->magic), 120)
      : vs_xstrdup ("-");
    vs_buf_addf (&ev, "sha256 %s; %s; %s", m->sha256 ? m->sha256 : "-",
                 magic, own_text (m, &ob));
    if (dkms)
      vs_buf_adds (&ev, "; DKMS has a build record of it under "
                   "/var/lib/dkms");
    where = m->dkms_record ? ", in the DKMS build tree"
      : !m->in_tree ? ", outside the module directories" : "";
    r = vs_cc_report (ctx, VS_CK_PERSISTENCE_KERNEL_MODULE_UNOWNED, sev,
                      "T1547.006", m->path, NULL, ev.data, ev.len,
                      "kernel module %s (%s%s)%s%s", b, ob.data, where,
                      kit ? " — named like the rootkit " : "",
                      kit ? kit : "");
    vs_buf_release (&ev);
    vs_buf_release (&ob);
  }
  if (r == -1)
    return -1;
  {
    CLEANUP_FREE char *note =
      vs_xasprintf ("%llu kernel module files, %llu not stock",
                    (unsigned long long) items, (unsigned long long) unowned);

    return vs_check_ran (ctx, VS_CK_PERSISTENCE_KERNEL_MODULE_UNOWNED, "ran",
                         items, note);
  }
}

/* ---- the lists of modules loaded at boot ---- */

/* The files of the directories (*.conf) and the single files, each
 * canonical path once, in the order given. */
static void
collect (struct vs_check_ctx *ctx, const char *const *files, size_t nfiles,
         const char *const *dirs, size_t ndirs, const char *suffix,
         struct vs_cc_set *out, int *failed)
{
  size_t i;

  for (i = 0; i < nfiles + ndirs; i++) {
    struct vs_cc_dir d;

    if (i < nfiles) {
      char *canon = NULL;

      if (vs_guest_realpath (ctx->guest, files[i], &canon) == 0) {
        vs_cc_set_add (out, canon, strlen (canon));
        free (canon);
      }
      continue;
    }
    if (vs_cc_dir_open (ctx, dirs[i - nfiles], &d) == -1) {
      *failed = 1;
      return;
    }
    while (vs_cc_dir_next (&d)) {
      char *canon = NULL;
      struct stat st;

      if (suffix && !vs_cc_ends_with (d.name, suffix))
        continue;
      if (vs_guest_realpath (ctx->guest, d.path, &canon) == -1)
        continue;
      if (vs_guest_stat (ctx->guest, canon, 1, &st) == 0
          && !S_ISDIR (st.st_mode))
        vs_cc_set_add (out, canon, strlen (canon));
      free (canon);
    }
    vs_cc_dir_close (&d);
  }
}

static int
is_vendor (const char *path)
{
  return starts_with (path, "/usr/lib/") || starts_with (path, "/lib/")
    || starts_with (path, "/usr/share/");
}

/* The severity of a line of a configuration file by the file's origin
 * alone: stock info, not from a package medium, and without a package
 * database low (info in the vendor directories). */
static enum vs_severity
by_origin (enum vs_cc_origin o, const char *path)
{
  switch (o) {
  case VS_CC_STOCK:
    return VS_SEV_INFO;
  case VS_CC_UNKNOWN:
    return is_vendor (path) ? VS_SEV_INFO : VS_SEV_LOW;
  default:
    return VS_SEV_MEDIUM;
  }
}

static int
modules_list (struct kctx *k, const char *path, uint64_t *items)
{
  struct vs_check_ctx *ctx = k->ctx;
  CLEANUP_FREE char *data = NULL;
  CLEANUP_FREE char *otext = NULL;
  const char *pkg;
  enum vs_cc_origin o;
  struct vs_line l;
  size_t len, pos = 0;
  int r;

  r = vs_cc_read (ctx, path, VS_CC_MAX_CONFIG, &data, &len);
  if (r != 0)
    return r == -1 ? -1 : 0;
  o = vs_cc_origin (ctx, path, &pkg);
  otext = vs_cc_origin_text (o, pkg);
  memset (&l, 0, sizeof l);
  while (vs_line_next (data, len, &pos, &l)) {
    const char *name, *args, *kit, *why = NULL;
    size_t nlen, alen;
    const struct kmodule *m;
    struct vs_buf ev = VS_BUF_INIT, ob = VS_BUF_INIT;
    CLEANUP_FREE char *shown = NULL;
    enum vs_severity sev;
    int stock;

    if (!vs_kmod_list_entry (l.p, l.len, &name, &nlen, &args, &alen))
      continue;
    (*items)++;
    m = find_module (k, name, nlen, &stock);
    kit = rootkit_name (name, nlen);
    sev = by_origin (o, path);
    if (kit) {
      sev = VS_SEV_HIGH;
      why = "named like a public rootkit";
    }
    else if (m && !stock && !is_dkms (k, m)) {
      sev = VS_SEV_HIGH;
      why = "loads a module no package installed";
    }
    if (sev == VS_SEV_INFO)
      continue;
    vs_buf_addf (&ev, "line %u: ", l.no);
    vs_cc_evidence (&ev, l.p, l.len);
    if (m)
      vs_buf_addf (&ev, "\nmodule file %s (%s)", m->path, own_text (m, &ob));
    else
      vs_buf_adds (&ev, "\nno module file of that name in the image "
                   "(built into the kernel, or missing)");
    shown = vs_cc_short (name, nlen, TITLE_CMD);
    r = vs_cc_report (ctx, VS_CK_PERSISTENCE_KERNEL_MODULES_LOAD, sev,
                      "T1547.006", path, NULL, ev.data, ev.len,
                      "%s (%s) loads kernel module %s at boot%s%s", path,
                      otext, shown, why ? " — " : "", why ? why : "");
    vs_buf_release (&ev);
    vs_buf_release (&ob);
    if (r == -1)
      return -1;
  }
  return 0;
}

int
vs_kernel_modules_load (struct vs_check_ctx *ctx)
{
  struct kctx *k = ctx->family;
  static const char *const files[] = {
    "/etc/modules", "/etc/initramfs-tools/modules",
  };
  static const char *const dirs[] = {
    "/etc/modules-load.d", "/run/modules-load.d",
    "/usr/local/lib/modules-load.d", "/usr/lib/modules-load.d",
    "/lib/modules-load.d",
  };
  struct vs_cc_set all = { NULL, 0, 0 };
  uint64_t items = 0;
  size_t i;
  int r = 0, failed = 0;

  collect (ctx, files, VS_ARRAY_SIZE (files), dirs, VS_ARRAY_SIZE (dirs),
           ".conf", &all, &failed);
  if (failed)
    r = -1;
  for (i = 0; i < all.n && r == 0; i++)
    r = modules_list (k, all.v[i], &items);
  vs_cc_set_free (&all);
  if (r == -1)
    return -1;
  return vs_check_ran (ctx, VS_CK_PERSISTENCE_KERNEL_MODULES_LOAD, "ran",
                       items, NULL);
}

/* ---- modprobe.d ---- */

/* An install command that only keeps the module from loading, the
 * hardening guides' "install cramfs /bin/true". */
static int
is_disabling (const char *cmd, size_t len)
{
  static const char *const noops[] = {
    "/bin/true", "/bin/false", "/usr/bin/true", "/usr/bin/false", "true",
    "false", "/sbin/true", "/bin/echo", "echo",
  };
  const char *p = cmd, *end = cmd + len, *w;
  size_t wl, i;

  if (!vs_next_word (&p, end, &w, &wl))
    return 0;
  for (i = 0; i < VS_ARRAY_SIZE (noops); i++)
    if (vs_key_is (w, wl, noops[i]))
      return !memchr (p, ';', (size_t) (end - p))
        && !memchr (p, '|', (size_t) (end - p))
        && !memchr (p, '&', (size_t) (end - p))
        && !memchr (p, '$', (size_t) (end - p))
        && !memchr (p, '`', (size_t) (end - p));
  return 0;
}

static int
modprobe_file (struct kctx *k, const char *path, uint64_t *items)
{
  struct vs_check_ctx *ctx = k->ctx;
  CLEANUP_FREE char *data = NULL;
  CLEANUP_FREE char *otext = NULL;
  struct vs_buf line = VS_BUF_INIT;
  const char *pkg;
  enum vs_cc_origin o;
  size_t len, pos = 0;
  unsigned lines = 0, first;
  int r;

  r = vs_cc_read (ctx, path, VS_CC_MAX_CONFIG, &data, &len);
  if (r != 0)
    return r == -1 ? -1 : 0;
  o = vs_cc_origin (ctx, path, &pkg);
  otext = vs_cc_origin_text (o, pkg);
  r = 0;
  while (r == 0 && vs_kmod_next_line (data, len, &pos, &line, &lines,
                                      &first)) {
    struct vs_kmod_cmd c;
    struct vs_buf ev = VS_BUF_INIT, ob = VS_BUF_INIT;
    CLEANUP_FREE char *mod = NULL;
    CLEANUP_FREE char *shown = NULL;
    enum vs_severity sev;
    const char *why = NULL;

    switch (vs_kmod_parse (line.data, line.len, &c)) {
    case VS_KMOD_INSTALL:
    case VS_KMOD_REMOVE:
      (*items)++;
      why = vs_cmd_suspicion (c.rest, c.rest_len);
      if (o == VS_CC_STOCK)
        sev = VS_SEV_INFO;
      else if (why)
        sev = VS_SEV_HIGH;
      else if (is_disabling (c.rest, c.rest_len))
        sev = VS_SEV_LOW;
      else
        sev = by_origin (o, path);
      vs_buf_addf (&ev, "line %u: ", first);
      vs_cc_evidence (&ev, line.data, line.len);
      mod = vs_cc_short (c.module, c.module_len, TITLE_CMD);
      shown = vs_cc_short (c.rest, c.rest_len, TITLE_CMD);
      r = vs_cc_report (ctx, VS_CK_PERSISTENCE_MODPROBE, sev, "T1547.006",
                        path, NULL, ev.data, ev.len,
                        "modprobe.d %s line in %s (%s) runs when module %s "
                        "%s: %s%s%s",
                        c.kind == VS_KMOD_INSTALL ? "install" : "remove",
                        path, otext, mod,
                        c.kind == VS_KMOD_INSTALL ? "loads" : "unloads",
                        shown, why ? " — " : "", why ? why : "");
      break;
    case VS_KMOD_SOFTDEP:
      {
        const char *p = c.rest, *end = c.rest + c.rest_len, *w;
        size_t wl;

        (*items)++;
        while (r == 0 && vs_next_word (&p, end, &w, &wl)) {
          const struct kmodule *m;
          int stock;

          if (wl && w[wl - 1] == ':')
            continue;
          m = find_module (k, w, wl, &stock);
          if (!m || stock || is_dkms (k, m) || o == VS_CC_STOCK)
            continue;
          vs_buf_addf (&ev, "line %u: ", first);
          vs_cc_evidence (&ev, line.data, line.len);
          vs_buf_addf (&ev, "\nmodule file %s (%s)", m->path,
                       own_text (m, &ob));
          shown = vs_cc_short (w, wl, TITLE_CMD);
          r = vs_cc_report (ctx, VS_CK_PERSISTENCE_MODPROBE, VS_SEV_HIGH,
                            "T1547.006", path, NULL, ev.data, ev.len,
                            "modprobe.d softdep in %s (%s) loads module %s, "
                            "which no package installed", path, otext, shown);
          break;
        }
      }
      break;
    default:
      break;
    }
    vs_buf_release (&ev);
    vs_buf_release (&ob);
  }
  vs_buf_release (&line);
  return r;
}

int
vs_kernel_modprobe (struct vs_check_ctx *ctx)
{
  struct kctx *k = ctx->family;
  static const char *const files[] = { "/etc/modprobe.conf" };
  static const char *const dirs[] = {
    "/etc/modprobe.d", "/run/modprobe.d", "/usr/local/lib/modprobe.d",
    "/lib/modprobe.d", "/usr/lib/modprobe.d",
  };
  struct vs_cc_set all = { NULL, 0, 0 };
  uint64_t items = 0;
  size_t i;
  int r = 0, failed = 0;

  collect (ctx, files, VS_ARRAY_SIZE (files), dirs, VS_ARRAY_SIZE (dirs),
           ".conf", &all, &failed);
  if (failed)
    r = -1;
  for (i = 0; i < all.n && r == 0; i++)
    r = modprobe_file (k, all.v[i], &items);
  vs_cc_set_free (&all);
  if (r == -1)
    return -1;
  return vs_check_ran (ctx, VS_CK_PERSISTENCE_MODPROBE, "ran", items, NULL);
}

/* ---- initramfs ---- */

/* A script or configuration file of the initramfs: reported unless
 * stock.  script: a hook or boot script (medium when not from a
 * package), else configuration (low). */
static int
initramfs_file (struct kctx *k, const char *path, int script,
                uint64_t *items)
{
  struct vs_check_ctx *ctx = k->ctx;
  CLEANUP_FREE char *data = NULL;
  CLEANUP_FREE char *otext = NULL;
  CLEANUP_FREE char *shown = NULL;
  struct vs_buf ev = VS_BUF_INIT;
  struct vs_line l, sus;
  const char *pkg, *why = NULL;
  enum vs_cc_origin o;
  enum vs_severity sev;
  size_t len, pos = 0, ncmds = 0;
  int r;

  (*items)++;
  o = vs_cc_origin (ctx, path, &pkg);
  if (o == VS_CC_STOCK)
    return 0;
  r = vs_cc_read_head (ctx, path, VS_CC_MAX_SCRIPT, &data, &len);
  if (r != 0)
    return r == -1 ? -1 : 0;
  memset (&l, 0, sizeof l);
  memset (&sus, 0, sizeof sus);
  while (vs_line_next (data, len, &pos, &l)) {
    const char *p = l.p, *w;
    size_t n = l.len;

    if (!vs_line_content (&p, &n))
      continue;
    w = vs_cmd_suspicion (p, n);
    if (w && !why) {
      why = w;
      sus = l;
    }
    if (ncmds++ < 3) {
      if (ev.len)
        vs_buf_addc (&ev, '\n');
      vs_buf_addf (&ev, "line %u: ", l.no);
      vs_cc_evidence (&ev, p, n);
    }
  }
  if (ncmds == 0) {
    vs_buf_release (&ev);
    return 0;
  }
  if (why) {
    sev = VS_SEV_HIGH;
    vs_buf_setlen (&ev, 0);
    vs_buf_addf (&ev, "line %u: ", sus.no);
    vs_cc_evidence (&ev, sus.p, sus.len);
    shown = vs_cc_short (sus.p, sus.len, TITLE_CMD);
  }
  else {
    sev = o == VS_CC_UNKNOWN ? (is_vendor (path) ? VS_SEV_INFO : VS_SEV_LOW)
      : script ? VS_SEV_MEDIUM : VS_SEV_LOW;
    shown = NULL;
  }
  otext = vs_cc_origin_text (o, pkg);
  if (sev > VS_SEV_INFO)
    r = vs_cc_report (ctx, VS_CK_PERSISTENCE_INITRAMFS, sev, "T1037", path,
                      NULL, ev.data, ev.len, "initramfs %s %s (%s)%s%s%s%s",
                      script ? "script" : "configuration", path, otext,
                      shown ? " runs: " : "", shown ? shown : "",
                      why ? " — " : "", why ? why : "");
  vs_buf_release (&ev);
  return r;
}

/* The regular files of dir, and one level below it when nested (the
 * scripts/PHASE/ and modules.d/MODULE/ folders). */
static int
initramfs_dir (struct kctx *k, const char *dir, int nested, int script,
               const char *suffix, struct vs_cc_set *seen, uint64_t *items)
{
  struct vs_check_ctx *ctx = k->ctx;
  struct vs_cc_dir d;
  int r = vs_cc_dir_open (ctx, dir, &d);

  while (r == 0 && vs_cc_dir_next (&d)) {
    CLEANUP_FREE char *canon = NULL;
    struct stat st;

    if (vs_guest_realpath (ctx->guest, d.path, &canon) == -1
        || vs_guest_stat (ctx->guest, canon, 1, &st) == -1)
      continue;
    if (S_ISDIR (st.st_mode)) {
      if (nested)
        r = initramfs_dir (k, canon, 0, script, suffix, seen, items);
      continue;
    }
    if (!S_ISREG (st.st_mode) || (suffix && !vs_cc_ends_with (d.name, suffix))
        || !vs_cc_set_add (seen, canon, strlen (canon)))
      continue;
    r = initramfs_file (k, canon, script, items);
  }
  vs_cc_dir_close (&d);
  return r;
}

int
vs_kernel_initramfs (struct vs_check_ctx *ctx)
{
  struct kctx *k = ctx->family;
  static const struct {
    const char *dir;
    int nested, script;
    const char *suffix;
  } dirs[] = {
    { "/etc/initramfs-tools/hooks", 0, 1, NULL },
    { "/etc/initramfs-tools/scripts", 1, 1, NULL },
    { "/usr/share/initramfs-tools/hooks", 0, 1, NULL },
    { "/usr/share/initramfs-tools/scripts", 1, 1, NULL },
    { "/etc/initramfs-tools/conf.d", 0, 0, NULL },
    { "/usr/share/initramfs-tools/conf.d", 0, 0, NULL },
    { "/usr/share/initramfs-tools/conf-hooks.d", 0, 0, NULL },
    { "/usr/lib/dracut/modules.d", 1, 1, NULL },
    { "/etc/dracut.conf.d", 0, 0, ".conf" },
    { "/usr/lib/dracut/dracut.conf.d", 0, 0, ".conf" },
  };
  static const char *const files[] = {
    "/etc/initramfs-tools/initramfs.conf", "/etc/dracut.conf",
  };
  struct vs_cc_set seen = { NULL, 0, 0 };
  uint64_t items = 0;
  size_t i;
  int r = 0;

  for (i = 0; i < VS_ARRAY_SIZE (files) && r == 0; i++) {
    CLEANUP_FREE char *canon = NULL;

    if (vs_guest_realpath (ctx->guest, files[i], &canon) == 0
        && vs_cc_set_add (&seen, canon, strlen (canon)))
      r = initramfs_file (k, canon, 0, &items);
  }
  for (i = 0; i < VS_ARRAY_SIZE (dirs) && r == 0; i++)
    r = initramfs_dir (k, dirs[i].dir, dirs[i].nested, dirs[i].script,
                       dirs[i].suffix, &seen, &items);
  vs_cc_set_free (&seen);
  if (r == -1)
    return -1;
  return vs_check_ran (ctx, VS_CK_PERSISTENCE_INITRAMFS, "ran", items, NULL);
}

/* ---- the kernel command line ---- */

struct cmdline {
  struct kctx *k;
  struct vs_cc_set seen;        /* "PATH\nPARAMETER" reported */
  uint64_t items;
};

static int
is_standard_init (const char *v, size_t n)
{
  static const char *const inits[] = {
    "/sbin/init", "/usr/sbin/init", "/bin/init", "/usr/bin/init",
    "/lib/systemd/systemd", "/usr/lib/systemd/systemd", "/bin/systemd",
    "/init", "/sbin/upstart",
  };
  size_t i;

  for (i = 0; i < VS_ARRAY_SIZE (inits); i++)
    if (vs_key_is (v, n, inits[i]))
      return 1;
  return 0;
}

static int
is_shell (const char *v, size_t n)
{
  static const char *const shells[] = {
    "/bin/sh", "/bin/bash", "/usr/bin/sh", "/usr/bin/bash", "/bin/dash",
    "/usr/bin/dash", "/bin/busybox", "/bin/zsh", "/usr/bin/zsh",
  };
  size_t i;

  for (i = 0; i < VS_ARRAY_SIZE (shells); i++)
    if (vs_key_is (v, n, shells[i]))
      return 1;
  return 0;
}

static int
is_off (const char *v, size_t n)
{
  return v && (vs_key_is (v, n, "0") || vs_key_is (v, n, "off")
               || vs_key_is (v, n, "n") || vs_key_is (v, n, "no")
               || vs_key_is (v, n, "false"));
}

static int
is_on (const char *v, size_t n)
{
  return !v || vs_key_is (v, n, "1") || vs_key_is (v, n, "on")
    || vs_key_is (v, n, "y") || vs_key_is (v, n, "yes")
    || vs_key_is (v, n, "true");
}

/* What a kernel parameter does that matters here: a severity (info:
 * nothing to report), why, and the technique.  rescue is set for the
 * parameters that boot to a rescue shell, which grub.cfg's recovery
 * entries carry. */
static enum vs_severity
judge (const struct vs_kparam *kp, const char **why, const char **mitre,
       int *rescue)
{
  const char *k = kp->key, *v = kp->value;
  size_t kl = kp->key_len, vl = kp->value_len;

  *mitre = "T1562.001";
  *rescue = 0;
  if (vs_key_is (k, kl, "init") || vs_key_is (k, kl, "rdinit")) {
    *mitre = "T1037";
    if (!v || is_standard_init (v, vl))
      return VS_SEV_INFO;
    *why = vs_cmd_suspicion (v, vl);
    if (!*why)
      *why = is_shell (v, vl) ? "boots to a root shell, no password asked"
        : "runs another program as the first process, instead of init";
    return VS_SEV_HIGH;
  }
  if (vs_key_is (k, kl, "systemd.run")) {
    *mitre = "T1037";
    *why = v ? vs_cmd_suspicion (v, vl) : NULL;
    if (*why)
      return VS_SEV_HIGH;
    *why = "systemd runs this command at every boot";
    return VS_SEV_MEDIUM;
  }
  if (vs_key_is (k, kl, "systemd.debug_shell")
      || vs_key_is (k, kl, "systemd.debug-shell")) {
    *mitre = "T1037";
    if (!is_on (v, vl))
      return VS_SEV_INFO;
    *why = "a root shell on tty9 at every boot, no password asked";
    return VS_SEV_HIGH;
  }
  if ((vs_key_is (k, kl, "selinux") || vs_key_is (k, kl, "apparmor")
       || vs_key_is (k, kl, "enforcing")) && is_off (v, vl)) {
    *why = "turns a mandatory access control module off";
    return VS_SEV_MEDIUM;
  }
  if (vs_key_is (k, kl, "security") && v
      && !vs_key_is (v, vl, "selinux") && !vs_key_is (v, vl, "apparmor")
      && !vs_key_is (v, vl, "smack") && !vs_key_is (v, vl, "tomoyo")) {
    *why = "selects no mandatory access control module";
    return VS_SEV_MEDIUM;
  }
  if (vs_key_is (k, kl, "lsm") && v
      && !vs_memcasemem (v, vl, "apparmor") && !vs_memcasemem (v, vl, "selinux")
      && !vs_memcasemem (v, vl, "smack") && !vs_memcasemem (v, vl, "tomoyo")) {
    *why = "the security modules listed leave out every mandatory access "
      "control module";
    return VS_SEV_MEDIUM;
  }
  if ((vs_key_is (k, kl, "module.sig_enforce") && is_off (v, vl))
      || (vs_key_is (k, kl, "loadpin.enforce") && is_off (v, vl))) {
    *why = "lets the kernel load unsigned modules";
    return VS_SEV_MEDIUM;
  }
  if ((vs_key_is (k, kl, "ima_appraise") && v
       && (vs_key_is (v, vl, "off") || vs_key_is (v, vl, "fix")
           || vs_key_is (v, vl, "log")))
      || (vs_key_is (k, kl, "evm") && v && vs_key_is (v, vl, "fix"))
      || (vs_key_is (k, kl, "ima") && is_off (v, vl))) {
    *why = "turns integrity appraisal off";
    return VS_SEV_MEDIUM;
  }
  if (vs_key_is (k, kl, "lockdown") && v && vs_key_is (v, vl, "none")) {
    *why = "turns kernel lockdown off";
    return VS_SEV_MEDIUM;
  }
  if (vs_key_is (k, kl, "audit") && is_off (v, vl)) {
    *mitre = "T1562.012";
    *why = "turns the audit system off";
    return VS_SEV_MEDIUM;
  }
  if ((vs_key_is (k, kl, "mitigations") && v && vs_key_is (v, vl, "off"))
      || vs_key_is (k, kl, "nokaslr") || vs_key_is (k, kl, "nopti")
      || (vs_key_is (k, kl, "pti") && v && vs_key_is (v, vl, "off"))
      || vs_key_is (k, kl, "nosmap") || vs_key_is (k, kl, "nosmep")
      || vs_key_is (k, kl, "nospectre_v2")
      || (vs_key_is (k, kl, "spectre_v2") && v && vs_key_is (v, vl, "off"))) {
    *why = "turns exploit mitigations off";
    return VS_SEV_LOW;
  }
  if ((!v && (vs_key_is (k, kl, "single") || vs_key_is (k, kl, "emergency")
              || vs_key_is (k, kl, "rescue") || vs_key_is (k, kl, "S")
              || vs_key_is (k, kl, "1") || vs_key_is (k, kl, "rd.break")))
      || (vs_key_is (k, kl, "systemd.unit") && v
          && (vs_key_is (v, vl, "rescue.target")
              || vs_key_is (v, vl, "emergency.target")))
      || (vs_key_is (k, kl, "rd.shell") && is_on (v, vl))) {
    *mitre = "T1037";
    *rescue = 1;
    *why = "boots to a rescue shell";
    return VS_SEV_LOW;
  }
  return VS_SEV_INFO;
}

/* Judges the parameters of one command line found at path (line no);
 * what: where it was found, for the title; grubcfg: a grub.cfg, whose
 * recovery entries boot to a rescue shell. */
static int
judge_cmdline (struct cmdline *c, const char *path, unsigned no,
               const char *what, const char *args, size_t alen, int grubcfg,
               const char *otext)
{
  struct vs_check_ctx *ctx = c->k->ctx;
  const char *p = args, *end = args + alen;
  struct vs_kparam kp;
  size_t n = 0;
  int r = 0;

  while (r == 0 && n++ < MAX_PARAMS && vs_kparam_next (&p, end, &kp)) {
    const char *why = NULL, *mitre;
    enum vs_severity sev;
    int rescue;
    struct vs_buf key = VS_BUF_INIT, ev = VS_BUF_INIT;
    CLEANUP_FREE char *shown = NULL;

    c->items++;
    sev = judge (&kp, &why, &mitre, &rescue);
    if (sev == VS_SEV_INFO || (rescue && grubcfg))
      continue;
    vs_buf_addf (&key, "%s\n", path);
    vs_buf_add (&key, kp.text, kp.text_len);
    if (!vs_cc_set_add (&c->seen, key.data, key.len)) {
      vs_buf_release (&key);
      continue;
    }
    vs_buf_release (&key);
    vs_buf_addf (&ev, "line %u: ", no);
    vs_cc_evidence (&ev, args, alen);
    shown = vs_cc_short (kp.text, kp.text_len, TITLE_CMD);
    r = vs_cc_report (ctx, VS_CK_PERSISTENCE_BOOT_CMDLINE, sev, mitre, path,
                      NULL, ev.data, ev.len,
                      "kernel command line in %s (%s, %s) has %s — %s",
                      path, what, otext, shown, why);
    vs_buf_release (&ev);
  }
  return r;
}

static int
grub_defaults (struct cmdline *c, const char *path)
{
  struct vs_check_ctx *ctx = c->k->ctx;
  CLEANUP_FREE char *data = NULL;
  CLEANUP_FREE char *otext = NULL;
  struct vs_buf value = VS_BUF_INIT;
  struct vs_sh_assign a;
  const char *pkg;
  size_t len, pos = 0;
  unsigned lines = 0;
  int r;

  r = vs_cc_read (ctx, path, VS_CC_MAX_CONFIG, &data, &len);
  if (r != 0)
    return r == -1 ? -1 : 0;
  otext = vs_cc_origin_text (vs_cc_origin (ctx, path, &pkg), pkg);
  r = 0;
  while (r == 0 && vs_sh_next_assign (data, len, &pos, &lines, &a, &value)) {
    CLEANUP_FREE char *name = NULL;

    if (!vs_key_is (a.name, a.name_len, "GRUB_CMDLINE_LINUX")
        && !vs_key_is (a.name, a.name_len, "GRUB_CMDLINE_LINUX_DEFAULT"))
      continue;
    name = vs_xstrndup (a.name, a.name_len);
    r = judge_cmdline (c, path, a.line, name, value.data, value.len, 0,
                       otext);
  }
  vs_buf_release (&value);
  return r;
}

/* A file of lines, each judged when pick gives its command line. */
static int
cmdline_lines (struct cmdline *c, const char *path, const char *what,
               int (*pick) (const char *, size_t, const char **, size_t *),
               int grubcfg)
{
  struct vs_check_ctx *ctx = c->k->ctx;
  CLEANUP_FREE char *data = NULL;
  CLEANUP_FREE char *otext = NULL;
  const char *pkg;
  struct vs_line l;
  size_t len, pos = 0;
  int r;

  r = vs_cc_read_head (ctx, path, VS_CC_MAX_CONFIG, &data, &len);
  if (r != 0)
    return r == -1 ? -1 : 0;
  otext = vs_cc_origin_text (vs_cc_origin (ctx, path, &pkg), pkg);
  r = 0;
  memset (&l, 0, sizeof l);
  while (r == 0 && vs_line_next (data, len, &pos, &l)) {
    const char *args;
    size_t alen;

    if (pick (l.p, l.len, &args, &alen))
      r = judge_cmdline (c, path, l.no, what, args, alen, grubcfg, otext);
  }
  return r;
}

static int
whole_line (const char *line, size_t len, const char **args, size_t *alen)
{
  *args = line;
  *alen = len;
  return !vs_line_is_comment (line, len);
}

static int
grubenv_line (const char *line, size_t len, const char **args, size_t *alen)
{
  if (len < 11 || memcmp (line, "kernelopts=", 11) != 0)
    return 0;
  *args = line + 11;
  *alen = len - 11;
  return 1;
}

int
vs_kernel_cmdline (struct vs_check_ctx *ctx)
{
  struct cmdline c;
  static const char *const grubcfgs[] = {
    "/boot/grub/grub.cfg", "/boot/grub2/grub.cfg",
  };
  static const char *const grubenvs[] = {
    "/boot/grub/grubenv", "/boot/grub2/grubenv",
  };
  static const char *const entries[] = {
    "/boot/loader/entries", "/efi/loader/entries",
    "/boot/efi/loader/entries",
  };
  struct vs_cc_set done = { NULL, 0, 0 };
  struct vs_cc_dir d;
  size_t i;
  int r;

  memset (&c, 0, sizeof c);
  c.k = ctx->family;
  r = grub_defaults (&c, "/etc/default/grub");
  if (r == 0) {
    r = vs_cc_dir_open (ctx, "/etc/default/grub.d", &d);
    while (r == 0 && vs_cc_dir_next (&d))
      if (vs_cc_ends_with (d.name, ".cfg"))
        r = grub_defaults (&c, d.path);
    vs_cc_dir_close (&d);
  }
  if (r == 0)
    r = cmdline_lines (&c, "/etc/kernel/cmdline", "/etc/kernel/cmdline",
                       whole_line, 0);
  for (i = 0; i < VS_ARRAY_SIZE (grubcfgs) && r == 0; i++) {
    CLEANUP_FREE char *canon = NULL;

    if (vs_guest_realpath (ctx->guest, grubcfgs[i], &canon) == 0
        && vs_cc_set_add (&done, canon, strlen (canon)))
      r = cmdline_lines (&c, canon, "a linux line", vs_grubcfg_linux, 1);
  }
  for (i = 0; i < VS_ARRAY_SIZE (grubenvs) && r == 0; i++) {
    CLEANUP_FREE char *canon = NULL;

    if (vs_guest_realpath (ctx->guest, grubenvs[i], &canon) == 0
        && vs_cc_set_add (&done, canon, strlen (canon)))
      r = cmdline_lines (&c, canon, "kernelopts", grubenv_line, 0);
  }
  for (i = 0; i < VS_ARRAY_SIZE (entries) && r == 0; i++) {
    CLEANUP_FREE char *canon = NULL;

    if (vs_guest_realpath (ctx->guest, entries[i], &canon) == -1
        || !vs_cc_set_add (&done, canon, strlen (canon)))
      continue;
    r = vs_cc_dir_open (ctx, canon, &d);
    while (r == 0 && vs_cc_dir_next (&d))
      if (vs_cc_ends_with (d.name, ".conf"))
        r = cmdline_lines (&c, d.path, "a boot loader entry",
                           vs_bls_options, 0);
    vs_cc_dir_close (&d);
  }
  vs_cc_set_free (&done);
  vs_cc_set_free (&c.seen);
  if (r == -1)
    return -1;
  return vs_check_ran (ctx, VS_CK_PERSISTENCE_BOOT_CMDLINE, "ran", c.items,
                       NULL);
}
