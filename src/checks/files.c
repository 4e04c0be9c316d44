/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: checks over the files table: masquerading, permissions and
 * cryptominers (the secrets are in secrets.c, the IOC lists in ioc.c).
 *
 * Each check is one query over what the walk recorded, streamed row by
 * row (an image has up to a million files), with the decision made in C
 * on the row's name, type, mode, magic and hashes.  File contents are
 * read through the guest view only for the few candidates that need it
 * (miner configurations, keys, credential files), bounded by
 * VS_FT_MAX_READ, and only when there is a guest view: the image-wide
 * run (filesystems no OS mounts) has none, so it judges by the table
 * alone.
 *
 * A file is "stock" when the package database owns it and its digest is
 * the package's: stock files never give more than an info finding.
 * Without a package database the checks judge by location and content
 * and stay conservative.
 */
#include <config.h>

#include <errno.h>
#include <string.h>

#include "checks/common.h"
#include "checks/checks.h"
#include "checks/filetab.h"
#include "core/guest.h"
#include "parse/miner.h"
#include "parse/names.h"
#include "parse/secrets.h"
#include "base/util.h"

/* ---- masquerading, miner names ---- */

struct masq_counts {
  uint64_t rows;
};


/* The evidence of a file: its mode, owner, digest and type. */
static char *
file_evidence (const char *magic, int64_t mode, int64_t uid,
               const char *sha256, const char *extra)
{
  CLEANUP_FREE char *m = magic ? vs_printable (magic, strlen (magic)) : NULL;

  if (m && strlen (m) > 120)
    strcpy (m + 117, "...");
  return vs_xasprintf ("%s%smode %04llo uid %lld sha256 %s type %s",
                       extra ? extra : "", extra ? ", " : "",
                       (unsigned long long) (mode & 07777), (long long) uid,
                       sha256 ? sha256 : "-", m ? m : "-");
}

int
vs_files_names (struct vs_check_ctx *ctx)
{
  sqlite3_stmt *s = vs_ft_prepare (ctx, "SELECT f.id, f.path, f.type, f.mode, "
                             "f.uid, f.magic, f.md5, f.sha1, f.sha256"
                             VS_FT_FROM "AND f.type IN ('file', 'dir')");
  uint64_t rows = 0;
  int rc = SQLITE_DONE;

  if (!s)
    return ctx->failed ? -1 : 0;
  while (!vs_tick () && (rc = sqlite3_step (s)) == SQLITE_ROW) {
    int64_t id = sqlite3_column_int64 (s, 0);
    const char *path = (const char *) sqlite3_column_blob (s, 1);
    size_t plen = (size_t) sqlite3_column_bytes (s, 1);
    int is_dir = strcmp (vs_ft_text (s, 2), "dir") == 0;
    int64_t mode = sqlite3_column_int64 (s, 3);
    int64_t uid = sqlite3_column_int64 (s, 4);
    const char *magic = vs_ft_text (s, 5);
    const char *sha256 = vs_ft_text (s, 8);
    const char *account = vs_ft_account (ctx, uid);
    const char *base, *ext, *comp;
    size_t blen, elen, clen;
    int elf, runs, hidden;
    enum vs_name_trick trick;
    enum vs_ft_ownership own = VS_FT_OWN_UNKNOWN;
    CLEANUP_FREE char *ev = NULL;
    CLEANUP_FREE char *name = NULL;
    CLEANUP_FREE char *title = NULL;

    rows++;
    if (!path)
      continue;
    base = vs_name_base (path, plen, &blen);
    elf = !is_dir && vs_ft_is_elf_exec (magic);
    runs = elf || (!is_dir && vs_ft_is_script (magic) && (mode & 0111));
    if (runs && ctx->pkgdb)
      own = vs_ft_ownership (ctx, path, plen, vs_ft_text (s, 6), vs_ft_text (s, 7),
                       sha256);
    if (own == VS_FT_OWN_STOCK)
      continue;
    name = vs_printable (base, blen);

    trick = vs_name_unicode_trick (base, blen);
    if (trick != VS_NAME_PLAIN) {
      ev = vs_xasprintf ("name \"%s\"", name);
      if (vs_ft_add (ctx, VS_CK_MASQUERADING_UNICODE,
                            trick == VS_NAME_BIDI ? VS_SEV_HIGH
                            : VS_SEV_MEDIUM, "masquerading",
                            trick == VS_NAME_BIDI ? "T1036.002" : "T1036",
                            id, path, plen, account, ev,
                            trick == VS_NAME_BIDI
                            ? "name with a right-to-left override character"
                            : trick == VS_NAME_INVISIBLE
                            ? "name with an invisible character"
                            : "name mixing Latin and Cyrillic or Greek "
                            "letters (lookalikes)") == -1)
        break;
      free (ev);
      ev = NULL;
    }

    if (vs_name_miner (base, blen)) {
      ev = file_evidence (magic, mode, uid, sha256, NULL);
      title = vs_xasprintf ("%s named like a cryptominer: %s",
                            is_dir ? "directory" : runs ? "program" : "file",
                            name);
      if (vs_ft_add (ctx, VS_CK_CRYPTOMINER_BINARY,
                            is_dir || runs || (mode & 0111) ? VS_SEV_HIGH
                            : VS_SEV_MEDIUM, "cryptominer", "T1496", id,
                            path, plen, account, ev, title) == -1)
        break;
      free (ev);
      free (title);
      ev = title = NULL;
    }

    if (is_dir) {
      if (vs_name_blank (base, blen) || vs_name_edge_space (base, blen)) {
        ev = vs_xasprintf ("directory name \"%s\"", name);
        if (vs_ft_add (ctx, VS_CK_MASQUERADING_HIDDEN, VS_SEV_HIGH,
                              "masquerading", "T1564.001", id, path, plen,
                              account, ev, "directory named to be "
                              "overlooked (only dots and spaces, or "
                              "spaces at an end)") == -1)
          break;
      }
      continue;
    }
    if (!runs)
      continue;

    if (vs_name_document_ext (base, blen, &ext, &elen)) {
      CLEANUP_FREE char *e = vs_printable (ext, elen);

      ev = file_evidence (magic, mode, uid, sha256, NULL);
      title = vs_xasprintf ("%s named like a .%s document",
                            elf ? "ELF program" : "script", e);
      if (vs_ft_add (ctx, VS_CK_MASQUERADING_EXTENSION, VS_SEV_HIGH,
                            "masquerading", "T1036.008", id, path, plen,
                            account, ev, title) == -1)
        break;
      free (ev);
      free (title);
      ev = title = NULL;
    }

    hidden = vs_name_hidden_component (path, plen, &comp, &clen);
    if (vs_name_in_tmp (path, plen)) {
      ev = file_evidence (magic, mode, uid, sha256, NULL);
      if (vs_ft_add (ctx, VS_CK_MASQUERADING_TMP,
                            elf ? VS_SEV_HIGH : VS_SEV_MEDIUM,
                            "masquerading", "T1105", id, path, plen,
                            account, ev, elf
                            ? "ELF program in a temporary directory"
                            : "executable script in a temporary "
                            "directory") == -1)
        break;
      free (ev);
      ev = NULL;
    }
    else if (hidden && elf) {
      CLEANUP_FREE char *c = vs_printable (comp, clen);

      ev = file_evidence (magic, mode, uid, sha256, NULL);
      title = vs_xasprintf ("ELF program hidden under \"%s\"", c);
      if (vs_ft_add (ctx, VS_CK_MASQUERADING_HIDDEN, VS_SEV_HIGH,
                            "masquerading", "T1564.001", id, path, plen,
                            account, ev, title) == -1)
        break;
      free (ev);
      free (title);
      ev = title = NULL;
    }

    if (vs_name_kthread_like (base, blen) || vs_name_edge_space (base, blen)) {
      ev = file_evidence (magic, mode, uid, sha256, NULL);
      title = vs_xasprintf ("program named like a kernel thread or with "
                            "padded spaces: \"%s\"", name);
      if (vs_ft_add (ctx, VS_CK_MASQUERADING_KTHREAD, VS_SEV_HIGH,
                            "masquerading", "T1036.005", id, path, plen,
                            account, ev, title) == -1)
        break;
      free (ev);
      free (title);
      ev = title = NULL;
    }
    else if (elf && vs_name_system_binary (base, blen)
             && !vs_name_in_any_bin_dir (path, plen)) {
      ev = file_evidence (magic, mode, uid, sha256, NULL);
      title = vs_xasprintf ("ELF program named like the system's %s "
                            "outside the system directories", name);
      if (vs_ft_add (ctx, VS_CK_MASQUERADING_SYSTEM_NAME, VS_SEV_HIGH,
                            "masquerading", "T1036.005", id, path, plen,
                            account, ev, title) == -1)
        break;
    }
  }
  sqlite3_finalize (s);
  if (ctx->failed)
    return -1;
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    vs_check_error (ctx, NULL, "masquerading: %s", sqlite3_errmsg (ctx->db));
  if (vs_check_ran (ctx, VS_CK_MASQUERADING_UNICODE, "ran", rows, NULL) == -1
      || vs_check_ran (ctx, VS_CK_MASQUERADING_EXTENSION, "ran", rows, NULL)
      == -1
      || vs_check_ran (ctx, VS_CK_MASQUERADING_TMP, "ran", rows, NULL) == -1
      || vs_check_ran (ctx, VS_CK_MASQUERADING_HIDDEN, "ran", rows, NULL) == -1
      || vs_check_ran (ctx, VS_CK_MASQUERADING_KTHREAD, "ran", rows, NULL) == -1
      || vs_check_ran (ctx, VS_CK_MASQUERADING_SYSTEM_NAME, "ran", rows, NULL)
      == -1
      || vs_check_ran (ctx, VS_CK_CRYPTOMINER_BINARY, "ran", rows, NULL) == -1)
    return -1;
  return 0;
}

/* ---- permissions ---- */

/* Capabilities that amount to root. */
static int
caps_dangerous (const char *caps)
{
  static const char *const bad[] = {
    "cap_setuid", "cap_setgid", "cap_sys_admin", "cap_dac_override",
    "cap_dac_read_search", "cap_sys_ptrace", "cap_sys_module", "cap_setfcap",
    "cap_chown", "cap_fowner", "cap_sys_rawio", "cap_bpf",
  };
  size_t k;

  for (k = 0; k < sizeof bad / sizeof bad[0]; k++) {
    const char *p = caps;
    size_t n = strlen (bad[k]);

    while ((p = strstr (p, bad[k])) != NULL) {
      if (p[n] == ',' || p[n] == '=' || p[n] == '+' || p[n] == '\0'
          || p[n] == ' ')
        return 1;
      p += n;
    }
  }
  return 0;
}

/* Programs that ship with capabilities on common distributions, and the
 * capabilities they have there. */
static int
caps_expected (const char *base, size_t blen, const char *caps)
{
  static const struct {
    const char *name, *caps;
  } known[] = {
    { "ping", "cap_net_raw" }, { "ping6", "cap_net_raw" },
    { "arping", "cap_net_raw" }, { "clockdiff", "cap_net_raw" },
    { "mtr-packet", "cap_net_raw" }, { "fping", "cap_net_raw" },
    { "newuidmap", "cap_setuid" }, { "newgidmap", "cap_setgid" },
    { "gnome-keyring-daemon", "cap_ipc_lock" },
    { "dumpcap", "cap_net_admin,cap_net_raw" },
    { "gst-ptp-helper", "cap_net_admin,cap_net_bind_service" },
    { "systemd-detect-virt", "cap_dac_override,cap_sys_ptrace" },
  };
  size_t k;

  for (k = 0; k < sizeof known / sizeof known[0]; k++) {
    size_t n = strlen (known[k].caps);

    if (strlen (known[k].name) == blen
        && memcmp (base, known[k].name, blen) == 0
        && strncmp (caps, known[k].caps, n) == 0 && caps[n] == '=')
      return 1;
  }
  return 0;
}

/* The mode of a directory recorded by the walk, or -1. */
static int64_t
dir_mode (struct vs_check_ctx *ctx, sqlite3_stmt *q, const char *path,
          size_t len)
{
  int64_t m = -1;

  if (!q)
    return -1;
  sqlite3_reset (q);
  sqlite3_bind_text (q, 3, path, (int) len, SQLITE_TRANSIENT);
  if (sqlite3_step (q) == SQLITE_ROW)
    m = sqlite3_column_int64 (q, 0);
  return m;
}

static int
writable_place (struct vs_check_ctx *ctx, sqlite3_stmt *q, const char *path,
                size_t len)
{
  size_t d = len;
  int64_t m;

  if (vs_name_in_tmp (path, len) || vs_name_in_home (path, len))
    return 1;
  while (d > 0 && path[d - 1] != '/')
    d--;
  if (d <= 1)
    return 0;
  m = dir_mode (ctx, q, path, d - 1);
  return m >= 0 && (m & 02);
}

/* System paths where nothing should be writable by everyone. */
static int
system_path (const char *p, size_t len)
{
  static const char *const dirs[] = {
    "/etc", "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32",
    "/boot", "/opt", "/var/lib", "/root", "/var/spool/cron",
  };
  size_t k;

  for (k = 0; k < sizeof dirs / sizeof dirs[0]; k++) {
    size_t n = strlen (dirs[k]);

    if (len >= n && memcmp (p, dirs[k], n) == 0 && (len == n || p[n] == '/'))
      return 1;
  }
  return 0;
}

/* World-writable files that anyone could turn into root's code. */
static int
sensitive_path (const char *p, size_t len, int64_t mode)
{
  static const char *const pfx[] = {
    "/etc/passwd", "/etc/shadow", "/etc/group", "/etc/sudoers",
    "/etc/ld.so.", "/etc/cron", "/etc/systemd/", "/etc/profile",
    "/etc/rc.local", "/etc/pam.d/", "/etc/init.d/", "/etc/ssh/",
    "/root/", "/var/spool/cron/", "/usr/lib/systemd/", "/lib/systemd/",
    "/etc/bash.bashrc", "/etc/environment",
  };
  size_t k;

  if (mode & 0111)
    return 1;
  for (k = 0; k < sizeof pfx / sizeof pfx[0]; k++) {
    size_t n = strlen (pfx[k]);

    if (len >= n && memcmp (p, pfx[k], n) == 0)
      return 1;
  }
  return 0;
}

int
vs_files_permissions (struct vs_check_ctx *ctx)
{
  sqlite3_stmt *s = vs_ft_prepare (ctx, "SELECT f.id, f.path, f.type, f.mode, "
                             "f.uid, f.magic, f.md5, f.sha1, f.sha256, "
                             "f.capabilities" VS_FT_FROM
                             "AND ((f.type = 'file' AND (f.mode & 3072) != 0)"
                             " OR f.capabilities IS NOT NULL"
                             " OR (f.type IN ('file', 'dir')"
                             " AND (f.mode & 2) != 0))");
  sqlite3_stmt *q = vs_ft_prepare (ctx, "SELECT f.mode" VS_FT_FROM
                             "AND f.path = ?3 AND f.type = 'dir' LIMIT 1");
  uint64_t nsuid = 0, ncaps = 0, nww = 0;
  int rc = SQLITE_DONE;

  if (!s) {
    sqlite3_finalize (q);
    return ctx->failed ? -1 : 0;
  }
  while (!vs_tick () && (rc = sqlite3_step (s)) == SQLITE_ROW) {
    int64_t id = sqlite3_column_int64 (s, 0);
    const char *path = (const char *) sqlite3_column_blob (s, 1);
    size_t plen = (size_t) sqlite3_column_bytes (s, 1);
    const char *type = vs_ft_text (s, 2);
    int64_t mode = sqlite3_column_int64 (s, 3);
    int64_t uid = sqlite3_column_int64 (s, 4);
    const char *magic = vs_ft_text (s, 5);
    const char *sha256 = vs_ft_text (s, 8);
    const char *caps = vs_ft_text (s, 9);
    const char *account = vs_ft_account (ctx, uid);
    int is_file = strcmp (type, "file") == 0;
    enum vs_ft_ownership own;
    const char *base;
    size_t blen;

    if (!path)
      continue;
    base = vs_name_base (path, plen, &blen);
    own = vs_ft_ownership (ctx, path, plen, vs_ft_text (s, 6), vs_ft_text (s, 7),
                     sha256);

    if (is_file && (mode & 06000)) {
      enum vs_severity sev = VS_SEV_INFO;
      const char *title = NULL;

      nsuid++;
      if (writable_place (ctx, q, path, plen)) {
        sev = VS_SEV_CRITICAL;
        title = "set-user-ID or set-group-ID program in a place users "
          "can write to";
      }
      else if (own == VS_FT_OWN_NONE) {
        sev = VS_SEV_HIGH;
        title = "set-user-ID or set-group-ID program that no package owns";
      }
      else if (own == VS_FT_OWN_CHANGED) {
        sev = VS_SEV_HIGH;
        title = "set-user-ID or set-group-ID program that differs from "
          "its package";
      }
      else if (own == VS_FT_OWN_UNKNOWN) {
        if (vs_name_in_system_dir (path, plen)) {
          sev = VS_SEV_LOW;
          title = "set-user-ID or set-group-ID program (not verified: "
            "no package database)";
        }
        else {
          sev = VS_SEV_HIGH;
          title = "set-user-ID or set-group-ID program outside the "
            "system directories";
        }
      }
      if (title) {
        CLEANUP_FREE char *ev = file_evidence (magic, mode, uid, sha256,
                                               NULL);

        if (vs_ft_add (ctx, VS_CK_PERMISSIONS_SUID, sev, "permissions",
                              "T1548.001", id, path, plen, account, ev,
                              title) == -1)
          break;
      }
    }

    if (caps) {
      int bad = caps_dangerous (caps);
      int expected = caps_expected (base, blen, caps);
      enum vs_severity sev;
      const char *title;
      CLEANUP_FREE char *extra = NULL;
      CLEANUP_FREE char *ev = NULL;

      ncaps++;
      if (writable_place (ctx, q, path, plen)) {
        sev = bad ? VS_SEV_CRITICAL : VS_SEV_HIGH;
        title = "program with file capabilities in a place users can "
          "write to";
      }
      else if (own == VS_FT_OWN_STOCK) {
        sev = VS_SEV_INFO;
        title = "packaged program with file capabilities";
      }
      else if (own == VS_FT_OWN_CHANGED) {
        sev = VS_SEV_HIGH;
        title = "program with file capabilities that differs from its "
          "package";
      }
      else if (own == VS_FT_OWN_NONE) {
        sev = bad ? VS_SEV_HIGH : VS_SEV_MEDIUM;
        title = bad ? "program no package owns with capabilities that "
          "amount to root" : "program no package owns with file "
          "capabilities";
      }
      else if (vs_name_in_system_dir (path, plen)) {
        sev = expected ? VS_SEV_INFO : bad ? VS_SEV_MEDIUM : VS_SEV_LOW;
        title = expected ? "program with its usual file capabilities "
          "(not verified: no package database)" : "program with file "
          "capabilities (not verified: no package database)";
      }
      else {
        sev = bad ? VS_SEV_HIGH : VS_SEV_MEDIUM;
        title = "program with file capabilities outside the system "
          "directories";
      }
      extra = vs_xasprintf ("capabilities %s", caps);
      ev = file_evidence (magic, mode, uid, sha256, extra);
      if (vs_ft_add (ctx, VS_CK_PERMISSIONS_CAPABILITIES, sev,
                            "permissions", bad ? "T1548.001" : "T1554", id,
                            path, plen, account, ev, title) == -1)
        break;
    }

    if ((mode & 02) && (is_file || strcmp (type, "dir") == 0)
        && system_path (path, plen)
        && (is_file || !(mode & 01000))) {
      enum vs_severity sev = VS_SEV_MEDIUM;
      CLEANUP_FREE char *ev = file_evidence (magic, mode, uid, sha256,
                                             NULL);

      nww++;
      if (is_file && sensitive_path (path, plen, mode))
        sev = VS_SEV_HIGH;
      if (vs_ft_add (ctx, VS_CK_PERMISSIONS_WORLD_WRITABLE, sev,
                            "permissions", "T1222.002", id, path, plen,
                            account, ev, is_file
                            ? "world-writable file in a system directory"
                            : "world-writable directory without the "
                            "sticky bit in a system directory") == -1)
        break;
    }
  }
  sqlite3_finalize (s);
  sqlite3_finalize (q);
  if (ctx->failed)
    return -1;
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    vs_check_error (ctx, NULL, "permissions: %s", sqlite3_errmsg (ctx->db));
  if (vs_check_ran (ctx, VS_CK_PERMISSIONS_SUID, "ran", nsuid,
                    ctx->pkgdb ? NULL : "no package database: "
                    "set-user-ID programs not verified") == -1
      || vs_check_ran (ctx, VS_CK_PERMISSIONS_CAPABILITIES, "ran", ncaps, NULL)
      == -1
      || vs_check_ran (ctx, VS_CK_PERMISSIONS_WORLD_WRITABLE, "ran", nww, NULL)
      == -1)
    return -1;
  return 0;
}

/* ---- cryptominer configurations ---- */

/* Places where a miner's starter lives: cron, systemd, init scripts. */
static int
starter_place (const char *p, size_t len)
{
  static const char *const pfx[] = {
    "/etc/cron", "/var/spool/cron/", "/etc/systemd/system/",
    "/etc/init.d/", "/etc/rc.local", "/etc/rc.d/", "/etc/profile.d/",
  };
  size_t k;

  for (k = 0; k < sizeof pfx / sizeof pfx[0]; k++) {
    size_t n = strlen (pfx[k]);

    if (len >= n && memcmp (p, pfx[k], n) == 0)
      return 1;
  }
  return 0;
}

static int
miner_candidate (const char *path, size_t plen, int64_t size,
                 const char *magic, const char *mime, int yara)
{
  const char *base, *comp;
  size_t blen, clen;

  if (yara)
    return size <= VS_FT_MAX_READ;
  if (size > 256 * 1024)
    return 0;
  base = vs_name_base (path, plen, &blen);
  if ((vs_ft_contains_ci (base, blen, "config") || vs_ft_contains_ci (base, blen, "pool")
       || vs_name_miner (base, blen))
      && (vs_ft_ends_with_ci (base, blen, ".json") || vs_ft_ends_with_ci (base, blen,
                                                              ".conf")
          || vs_ft_ends_with_ci (base, blen, ".cfg") || vs_ft_ends_with_ci (base, blen,
                                                                ".ini")
          || vs_ft_ends_with_ci (base, blen, ".yaml") || vs_ft_ends_with_ci (base, blen,
                                                                 ".yml")
          || vs_ft_ends_with_ci (base, blen, ".toml") || vs_ft_ends_with_ci (base, blen,
                                                                 ".txt")
          || !memchr (base, '.', blen)))
    return vs_ft_is_text (magic, mime);
  if (!vs_ft_is_text (magic, mime))
    return 0;
  return vs_name_in_tmp (path, plen) || starter_place (path, plen)
    || vs_name_hidden_component (path, plen, &comp, &clen);
}

int
vs_files_miner_configs (struct vs_check_ctx *ctx)
{
  sqlite3_stmt *s;
  uint64_t read = 0, seen = 0;
  int rc = SQLITE_DONE;

  if (!ctx->guest)
    return vs_check_ran (ctx, VS_CK_CRYPTOMINER_CONFIG, "skipped", 0,
                         "no operating system mounts these filesystems: "
                         "contents not read");
  s = vs_ft_prepare (ctx, "SELECT f.id, f.path, f.size, f.magic, f.mime, f.uid, "
               "f.md5, f.sha1, f.sha256, EXISTS (SELECT 1 FROM yara_matches m "
               "WHERE m.file_id = f.id AND (m.rule LIKE '%miner%' OR "
               "json_extract(m.meta, '$.category') = 'cryptominer'))"
               VS_FT_FROM "AND f.type = 'file' AND f.size > 0");
  if (!s)
    return ctx->failed ? -1 : 0;
  while (!vs_tick () && (rc = sqlite3_step (s)) == SQLITE_ROW) {
    int64_t id = sqlite3_column_int64 (s, 0);
    const char *path = (const char *) sqlite3_column_blob (s, 1);
    size_t plen = (size_t) sqlite3_column_bytes (s, 1);
    int64_t size = sqlite3_column_int64 (s, 2);
    int64_t uid = sqlite3_column_int64 (s, 5);
    struct vs_miner_config mc;
    struct vs_buf ev = VS_BUF_INIT;
    CLEANUP_FREE char *cpath = NULL;
    CLEANUP_FREE char *data = NULL;
    size_t len;
    int r;

    seen++;
    if (!path || !miner_candidate (path, plen, size, vs_ft_text (s, 3),
                                   vs_ft_text (s, 4),
                                   sqlite3_column_int (s, 9)))
      continue;
    if (vs_ft_ownership (ctx, path, plen, vs_ft_text (s, 6), vs_ft_text (s, 7),
                   vs_ft_text (s, 8)) == VS_FT_OWN_STOCK)
      continue;
    if (read >= VS_FT_MAX_CANDIDATES) {
      vs_check_error (ctx, NULL, "cryptominer: more than %d candidate "
                      "files, the rest not read", VS_FT_MAX_CANDIDATES);
      break;
    }
    read++;
    cpath = vs_ft_path_dup (path, plen);
    if (vs_ft_read (ctx, cpath, VS_FT_MAX_READ, 0, &data, &len) == -1)
      continue;
    if (!vs_miner_parse (data, len, &mc))
      continue;
    vs_buf_adds (&ev, "pool ");
    if (mc.pool) {
      size_t n = mc.pool_len > 200 ? 200 : mc.pool_len;

      vs_buf_add_printable (&ev, mc.pool, n);
    }
    else
      vs_buf_adds (&ev, "-");
    vs_buf_adds (&ev, ", wallet ");
    if (mc.wallet)
      vs_secret_redact_wallet (&ev, mc.wallet, mc.wallet_len);
    else
      vs_buf_adds (&ev, "-");
    if (mc.donate_level >= 0)
      vs_buf_addf (&ev, ", donate-level %d", mc.donate_level);
    r = vs_ft_add (ctx, VS_CK_CRYPTOMINER_CONFIG, VS_SEV_HIGH,
                          "cryptominer", "T1496", id, path, plen,
                          vs_ft_account (ctx, uid), ev.data,
                          mc.stratum ? "cryptominer pool configuration "
                          "(stratum URL)" : "cryptominer configuration");
    vs_buf_release (&ev);
    if (r == -1)
      break;
  }
  sqlite3_finalize (s);
  if (ctx->failed)
    return -1;
  return vs_check_ran (ctx, VS_CK_CRYPTOMINER_CONFIG, "ran", read, NULL);
}

