/* vmscan: checks over the files table: masquerading, permissions,
 * cryptominers, secrets and IOC lists.
 *
 * Each check is one query over what the walk recorded, streamed row by
 * row (an image has up to a million files), with the decision made in C
 * on the row's name, type, mode, magic and hashes.  File contents are
 * read through the guest view only for the few candidates that need it
 * (miner configurations, keys, credential files), bounded by
 * VS_FILES_MAX_READ, and only when there is a guest view: the image-wide
 * run (filesystems no OS mounts) has none, so it judges by the table
 * alone.
 *
 * A file is "stock" when the package database owns it and its digest is
 * the package's: stock files never give more than an info finding.
 * Without a package database the checks judge by location and content
 * and stay conservative.
 *
 * Secrets are never stored: evidence holds redacted forms and SHA-256
 * digests only (secrets.h).
 */
#include <config.h>

#include <errno.h>
#include <string.h>

#include "parse/accounts.h"
#include "checks/common.h"
#include "checks/checks.h"
#include "core/guest.h"
#include "parse/ioc.h"
#include "parse/miner.h"
#include "parse/names.h"
#include "core/pkgdb.h"
#include "parse/secrets.h"
#include "base/util.h"

#define VS_FILES_MAX_READ (1024 * 1024)         /* a candidate file */
#define VS_FILES_MAX_HISTORY (4 * 1024 * 1024)  /* a history: its head */
#define VS_FILES_MAX_CANDIDATES 20000           /* files read per check */
#define VS_FILES_MAX_PER_FILE 20                /* findings per file */
#define VS_FILES_EVIDENCE 512                   /* bytes of a line kept */

/* ---- helpers ---- */

/* Prepares sql, which uses ?1 for the scan and ?2 for the OS (NULL for
 * the image-wide run). */
static sqlite3_stmt *
prepare (struct vs_check_ctx *ctx, const char *sql)
{
  sqlite3_stmt *s = NULL;

  if (sqlite3_prepare_v2 (ctx->db, sql, -1, &s, NULL) != SQLITE_OK) {
    vs_check_error (ctx, NULL, "files query: %s", sqlite3_errmsg (ctx->db));
    return NULL;
  }
  sqlite3_bind_int64 (s, 1, ctx->scan_id);
  if (ctx->os)
    sqlite3_bind_int64 (s, 2, ctx->os->id);
  else
    sqlite3_bind_null (s, 2);
  return s;
}

#define FILES_FROM " FROM files f JOIN filesystems s ON s.id = f.fs_id " \
  "WHERE f.scan_id = ?1 AND s.os_id IS ?2 "

static const char *
col_text (sqlite3_stmt *s, int i)
{
  return (const char *) sqlite3_column_text (s, i);
}

enum ownership { OWN_UNKNOWN, OWN_NONE, OWN_STOCK, OWN_CHANGED };

/* Whether the package database owns the file and its digest matches. */
static enum ownership
ownership (struct vs_check_ctx *ctx, const char *path, size_t len,
           const char *md5, const char *sha1, const char *sha256)
{
  const struct vs_pkg_file *pf;
  const char *have = NULL;

  if (!ctx->pkgdb)
    return OWN_UNKNOWN;
  pf = vs_pkgdb_lookup (ctx->pkgdb, path, len);
  if (!pf)
    return OWN_NONE;
  switch (pf->digest_type) {
  case VS_PKG_DIGEST_MD5: have = md5; break;
  case VS_PKG_DIGEST_SHA1: have = sha1; break;
  case VS_PKG_DIGEST_SHA256: have = sha256; break;
  default: return OWN_STOCK;    /* the package recorded no digest */
  }
  if (!pf->digest || !have)
    return OWN_STOCK;
  return strcmp (pf->digest, have) == 0 ? OWN_STOCK : OWN_CHANGED;
}

static const char *
account_of (struct vs_check_ctx *ctx, int64_t uid)
{
  if (!ctx->accounts || uid < 0 || uid > UINT32_MAX)
    return NULL;
  return vs_accounts_name (ctx->accounts, (uint32_t) uid);
}

/* A path as a C string for the guest view (paths hold no NUL). */
static char *
path_dup (const char *p, size_t len)
{
  return vs_xstrndup (p, len);
}

/* Reads a candidate through the guest view.  Returns 0, or -1 after
 * recording why (too big, gone, not a regular file, a symlink loop). */
static int
read_candidate (struct vs_check_ctx *ctx, const char *path, size_t max,
                int truncate_ok, char **data, size_t *len)
{
  if (!ctx->guest)
    return -1;
  if (vs_guest_read (ctx->guest, path, max, truncate_ok, data, len) == -1) {
    if (errno == EFBIG)
      vs_check_error (ctx, path, "%s: larger than %zu bytes, not read",
                      path, max);
    else if (errno == EINVAL)
      vs_check_error (ctx, path, "%s: not a regular file, not read", path);
    else
      vs_check_error (ctx, path, "%s: cannot read: %s", path,
                      strerror (errno));
    return -1;
  }
  return 0;
}

static int
magic_is_elf (const char *magic)
{
  return magic && strncmp (magic, "ELF ", 4) == 0;
}

/* An ELF file that runs: not an object file or a core dump. */
static int
magic_is_elf_exec (const char *magic)
{
  return magic_is_elf (magic) && !strstr (magic, "relocatable")
    && !strstr (magic, "core file");
}

static int
magic_is_script (const char *magic)
{
  return magic && strstr (magic, "script") != NULL
    && strstr (magic, "text") != NULL;
}

static int
magic_is_text (const char *magic, const char *mime)
{
  return (mime && (strncmp (mime, "text/", 5) == 0
                   || strncmp (mime, "application/json", 16) == 0))
    || (magic && strstr (magic, "text"));
}

/* ---- masquerading, miner names ---- */

struct masq_counts {
  uint64_t rows;
};

static int
add_file_finding (struct vs_check_ctx *ctx, enum vs_check_name check,
                  enum vs_severity sev, const char *category,
                  const char *mitre, int64_t file_id, const char *path,
                  size_t plen, const char *account, const char *evidence,
                  const char *title)
{
  struct vs_finding f;

  memset (&f, 0, sizeof f);
  f.check_id = vs_check_id (check);
  f.severity = sev;
  f.category = category;
  f.mitre = mitre;
  f.file_id = file_id;
  f.path = path;
  f.path_len = plen;
  f.account = account;
  f.evidence = evidence;
  f.title = title;
  return vs_cc_add (ctx, &f);   /* capped per check id, evidence bounded */
}

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
  sqlite3_stmt *s = prepare (ctx, "SELECT f.id, f.path, f.type, f.mode, "
                             "f.uid, f.magic, f.md5, f.sha1, f.sha256"
                             FILES_FROM "AND f.type IN ('file', 'dir')");
  uint64_t rows = 0;
  int rc = SQLITE_DONE;

  if (!s)
    return ctx->failed ? -1 : 0;
  while (!vs_tick () && (rc = sqlite3_step (s)) == SQLITE_ROW) {
    int64_t id = sqlite3_column_int64 (s, 0);
    const char *path = (const char *) sqlite3_column_blob (s, 1);
    size_t plen = (size_t) sqlite3_column_bytes (s, 1);
    int is_dir = strcmp (col_text (s, 2), "dir") == 0;
    int64_t mode = sqlite3_column_int64 (s, 3);
    int64_t uid = sqlite3_column_int64 (s, 4);
    const char *magic = col_text (s, 5);
    const char *sha256 = col_text (s, 8);
    const char *account = account_of (ctx, uid);
    const char *base, *ext, *comp;
    size_t blen, elen, clen;
    int elf, runs, hidden;
    enum vs_name_trick trick;
    enum ownership own = OWN_UNKNOWN;
    CLEANUP_FREE char *ev = NULL;
    CLEANUP_FREE char *name = NULL;
    CLEANUP_FREE char *title = NULL;

    rows++;
    if (!path)
      continue;
    base = vs_name_base (path, plen, &blen);
    elf = !is_dir && magic_is_elf_exec (magic);
    runs = elf || (!is_dir && magic_is_script (magic) && (mode & 0111));
    if (runs && ctx->pkgdb)
      own = ownership (ctx, path, plen, col_text (s, 6), col_text (s, 7),
                       sha256);
    if (own == OWN_STOCK)
      continue;
    name = vs_printable (base, blen);

    trick = vs_name_unicode_trick (base, blen);
    if (trick != VS_NAME_PLAIN) {
      ev = vs_xasprintf ("name \"%s\"", name);
      if (add_file_finding (ctx, VS_CK_MASQUERADING_UNICODE,
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
      if (add_file_finding (ctx, VS_CK_CRYPTOMINER_BINARY,
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
        if (add_file_finding (ctx, VS_CK_MASQUERADING_HIDDEN, VS_SEV_HIGH,
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
      if (add_file_finding (ctx, VS_CK_MASQUERADING_EXTENSION, VS_SEV_HIGH,
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
      if (add_file_finding (ctx, VS_CK_MASQUERADING_TMP,
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
      if (add_file_finding (ctx, VS_CK_MASQUERADING_HIDDEN, VS_SEV_HIGH,
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
      if (add_file_finding (ctx, VS_CK_MASQUERADING_KTHREAD, VS_SEV_HIGH,
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
      if (add_file_finding (ctx, VS_CK_MASQUERADING_SYSTEM_NAME, VS_SEV_HIGH,
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
  sqlite3_stmt *s = prepare (ctx, "SELECT f.id, f.path, f.type, f.mode, "
                             "f.uid, f.magic, f.md5, f.sha1, f.sha256, "
                             "f.capabilities" FILES_FROM
                             "AND ((f.type = 'file' AND (f.mode & 3072) != 0)"
                             " OR f.capabilities IS NOT NULL"
                             " OR (f.type IN ('file', 'dir')"
                             " AND (f.mode & 2) != 0))");
  sqlite3_stmt *q = prepare (ctx, "SELECT f.mode" FILES_FROM
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
    const char *type = col_text (s, 2);
    int64_t mode = sqlite3_column_int64 (s, 3);
    int64_t uid = sqlite3_column_int64 (s, 4);
    const char *magic = col_text (s, 5);
    const char *sha256 = col_text (s, 8);
    const char *caps = col_text (s, 9);
    const char *account = account_of (ctx, uid);
    int is_file = strcmp (type, "file") == 0;
    enum ownership own;
    const char *base;
    size_t blen;

    if (!path)
      continue;
    base = vs_name_base (path, plen, &blen);
    own = ownership (ctx, path, plen, col_text (s, 6), col_text (s, 7),
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
      else if (own == OWN_NONE) {
        sev = VS_SEV_HIGH;
        title = "set-user-ID or set-group-ID program that no package owns";
      }
      else if (own == OWN_CHANGED) {
        sev = VS_SEV_HIGH;
        title = "set-user-ID or set-group-ID program that differs from "
          "its package";
      }
      else if (own == OWN_UNKNOWN) {
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

        if (add_file_finding (ctx, VS_CK_PERMISSIONS_SUID, sev, "permissions",
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
      else if (own == OWN_STOCK) {
        sev = VS_SEV_INFO;
        title = "packaged program with file capabilities";
      }
      else if (own == OWN_CHANGED) {
        sev = VS_SEV_HIGH;
        title = "program with file capabilities that differs from its "
          "package";
      }
      else if (own == OWN_NONE) {
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
      if (add_file_finding (ctx, VS_CK_PERMISSIONS_CAPABILITIES, sev,
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
      if (add_file_finding (ctx, VS_CK_PERMISSIONS_WORLD_WRITABLE, sev,
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

static int
ends_with_ci (const char *s, size_t len, const char *suffix)
{
  size_t n = strlen (suffix), i;

  if (len < n)
    return 0;
  for (i = 0; i < n; i++) {
    char c = s[len - n + i];

    if (c >= 'A' && c <= 'Z')
      c = (char) (c + 32);
    if (c != suffix[i])
      return 0;
  }
  return 1;
}

static int
contains_ci (const char *s, size_t len, const char *needle)
{
  size_t n = strlen (needle), i, j;

  for (i = 0; i + n <= len; i++) {
    for (j = 0; j < n; j++) {
      char c = s[i + j];

      if (c >= 'A' && c <= 'Z')
        c = (char) (c + 32);
      if (c != needle[j])
        break;
    }
    if (j == n)
      return 1;
  }
  return 0;
}

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
    return size <= VS_FILES_MAX_READ;
  if (size > 256 * 1024)
    return 0;
  base = vs_name_base (path, plen, &blen);
  if ((contains_ci (base, blen, "config") || contains_ci (base, blen, "pool")
       || vs_name_miner (base, blen))
      && (ends_with_ci (base, blen, ".json") || ends_with_ci (base, blen,
                                                              ".conf")
          || ends_with_ci (base, blen, ".cfg") || ends_with_ci (base, blen,
                                                                ".ini")
          || ends_with_ci (base, blen, ".yaml") || ends_with_ci (base, blen,
                                                                 ".yml")
          || ends_with_ci (base, blen, ".toml") || ends_with_ci (base, blen,
                                                                 ".txt")
          || !memchr (base, '.', blen)))
    return magic_is_text (magic, mime);
  if (!magic_is_text (magic, mime))
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
  s = prepare (ctx, "SELECT f.id, f.path, f.size, f.magic, f.mime, f.uid, "
               "f.md5, f.sha1, f.sha256, EXISTS (SELECT 1 FROM yara_matches m "
               "WHERE m.file_id = f.id AND (m.rule LIKE '%miner%' OR "
               "json_extract(m.meta, '$.category') = 'cryptominer'))"
               FILES_FROM "AND f.type = 'file' AND f.size > 0");
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
    if (!path || !miner_candidate (path, plen, size, col_text (s, 3),
                                   col_text (s, 4),
                                   sqlite3_column_int (s, 9)))
      continue;
    if (ownership (ctx, path, plen, col_text (s, 6), col_text (s, 7),
                   col_text (s, 8)) == OWN_STOCK)
      continue;
    if (read >= VS_FILES_MAX_CANDIDATES) {
      vs_check_error (ctx, NULL, "cryptominer: more than %d candidate "
                      "files, the rest not read", VS_FILES_MAX_CANDIDATES);
      break;
    }
    read++;
    cpath = path_dup (path, plen);
    if (read_candidate (ctx, cpath, VS_FILES_MAX_READ, 0, &data, &len) == -1)
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
    r = add_file_finding (ctx, VS_CK_CRYPTOMINER_CONFIG, VS_SEV_HIGH,
                          "cryptominer", "T1496", id, path, plen,
                          account_of (ctx, uid), ev.data,
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

/* ---- secrets ---- */

enum secret_file {
  SF_NONE,
  SF_KEY,                       /* by name or magic: may hold a key */
  SF_CREDENTIALS,               /* a tool's credential store */
  SF_HISTORY,                   /* a shell or client history */
  SF_ENV,                       /* environment and shell start files */
};

struct secret_file_info {
  enum secret_file kind;
  unsigned mode;                /* VS_SCAN_* */
};

static int
path_ends (const char *p, size_t len, const char *suffix)
{
  size_t n = strlen (suffix);

  return len >= n && memcmp (p + len - n, suffix, n) == 0
    && (len == n || suffix[0] == '/' || p[len - n - 1] == '/');
}

static struct secret_file_info
secret_file_kind (const char *path, size_t len, const char *magic)
{
  static const char *const creds[] = {
    "/.aws/credentials", "/.aws/config", ".git-credentials", ".netrc",
    ".pgpass", "/.docker/config.json", "/.kube/config", ".s3cfg", ".boto",
    "/.config/gcloud/application_default_credentials.json",
    "/.config/gcloud/credentials.db", "/.config/gcloud/access_tokens.db",
    "/.azure/accessTokens.json", "/.azure/msal_token_cache.json",
    "/.config/rclone/rclone.conf", ".my.cnf", ".npmrc", ".pypirc",
    "/.config/hub", "/.config/gh/hosts.yml", "/.vault-token",
  };
  static const char *const histories[] = {
    ".bash_history", ".zsh_history", ".sh_history", ".ash_history",
    ".history", ".mysql_history", ".psql_history", ".python_history",
    ".rediscli_history", ".node_repl_history", ".sqlite_history",
    ".mongosh_history", ".dbshell", ".lesshst",
  };
  static const char *const envs[] = {
    ".env", ".envrc", ".bashrc", ".profile", ".bash_profile", ".zshrc",
    ".zprofile", ".bash_login", "/etc/environment",
  };
  struct secret_file_info r = { SF_NONE, 0 };
  const char *base;
  size_t blen, k;

  base = vs_name_base (path, len, &blen);
  for (k = 0; k < sizeof creds / sizeof creds[0]; k++)
    if (path_ends (path, len, creds[k])) {
      r.kind = SF_CREDENTIALS;
      if (strcmp (creds[k], ".netrc") == 0)
        r.mode = VS_SCAN_NETRC;
      else if (strcmp (creds[k], ".pgpass") == 0)
        r.mode = VS_SCAN_PGPASS;
      return r;
    }
  if (path_ends (path, len, "/adc.json")
      && contains_ci (path, len, "/.config/gcloud/legacy_credentials/")) {
    r.kind = SF_CREDENTIALS;
    return r;
  }
  for (k = 0; k < sizeof histories / sizeof histories[0]; k++)
    if (path_ends (path, len, histories[k])) {
      r.kind = SF_HISTORY;
      return r;
    }
  for (k = 0; k < sizeof envs / sizeof envs[0]; k++)
    if (path_ends (path, len, envs[k])) {
      /* Shell start files only in home directories: /etc/skel's are
       * stock templates. */
      if (envs[k][0] == '.' && strcmp (envs[k], ".env") != 0
          && !vs_name_in_home (path, len))
        break;
      r.kind = SF_ENV;
      return r;
    }
  if (blen > 4 && ends_with_ci (base, blen, ".env")) {
    r.kind = SF_ENV;
    return r;
  }
  if ((magic && strstr (magic, "private key"))
      || ends_with_ci (base, blen, ".key") || ends_with_ci (base, blen, ".pem")
      || ends_with_ci (base, blen, ".ppk")
      || ((blen >= 6 && memcmp (base, "id_", 3) == 0)
          && !ends_with_ci (base, blen, ".pub")))
    r.kind = SF_KEY;
  return r;
}

static int
host_key_path (const char *p, size_t len)
{
  const char *base;
  size_t blen;

  if (len < 9 || memcmp (p, "/etc/ssh/", 9) != 0)
    return 0;
  base = vs_name_base (p, len, &blen);
  return base == p + 9 && blen > 13 && memcmp (base, "ssh_host_", 9) == 0
    && ends_with_ci (base, blen, "_key");
}

static int
report_keys (struct vs_check_ctx *ctx, int64_t id, const char *path,
             size_t plen, int64_t uid, const char *sha256, const char *data,
             size_t len, enum ownership own, struct vs_buf *host_keys,
             uint64_t *nhost)
{
  struct vs_privkey keys[VS_PRIVKEY_MAX];
  size_t n = vs_privkey_find (data, len, keys, VS_PRIVKEY_MAX), i;

  for (i = 0; i < n; i++) {
    struct vs_privkey *k = &keys[i];
    struct vs_buf ev = VS_BUF_INIT;
    enum vs_severity sev;
    const char *title;
    int r;

    vs_buf_addf (&ev, "%s %s key, %s", k->format == VS_PRIVKEY_OPENSSH
                 ? "OpenSSH" : k->format == VS_PRIVKEY_PUTTY ? "PuTTY"
                 : "PEM", k->type, k->encrypted ? "encrypted"
                 : "not encrypted");
    if (k->fingerprint[0])
      vs_buf_addf (&ev, ", %s", k->fingerprint);
    else
      vs_buf_addf (&ev, ", file sha256:%s", sha256 ? sha256 : "-");
    if (host_key_path (path, plen)) {
      if (host_keys->len)
        vs_buf_adds (host_keys, "; ");
      vs_buf_add_printable (host_keys, path, plen);
      vs_buf_adds (host_keys, ": ");
      vs_buf_add (host_keys, ev.data, ev.len);
      (*nhost)++;
      vs_buf_release (&ev);
      continue;
    }
    if (own == OWN_STOCK) {
      sev = VS_SEV_INFO;
      title = "private key shipped by a package";
    }
    else if (plen == 38 && memcmp (path, "/etc/ssl/private/ssl-cert-snakeoil"
                                   ".key", 38) == 0) {
      sev = VS_SEV_INFO;
      title = "the distribution's self-signed (snakeoil) TLS key";
    }
    else if (vs_name_in_home (path, plen)) {
      sev = k->encrypted ? VS_SEV_MEDIUM : VS_SEV_HIGH;
      title = k->encrypted ? "encrypted private key in a home directory"
        : "unencrypted private key in a home directory";
    }
    else if (own == OWN_UNKNOWN
             && ((plen > 11 && memcmp (path, "/usr/share/", 11) == 0)
                 || (plen > 9 && memcmp (path, "/usr/lib/", 9) == 0))) {
      sev = VS_SEV_LOW;
      title = "private key under /usr (likely a test or example key)";
    }
    else {
      sev = k->encrypted ? VS_SEV_LOW : VS_SEV_MEDIUM;
      title = k->encrypted ? "encrypted private key left in the image"
        : "unencrypted private key left in the image";
    }
    r = add_file_finding (ctx, VS_CK_SECRET_PRIVATE_KEY, sev, "secret",
                          "T1552.004", id, path, plen, account_of (ctx, uid),
                          ev.data, title);
    vs_buf_release (&ev);
    if (r == -1)
      return -1;
  }
  return 0;
}

static enum vs_check_name
secret_check_id (enum secret_file kind)
{
  switch (kind) {
  case SF_CREDENTIALS: return VS_CK_SECRET_CREDENTIALS;
  case SF_HISTORY: return VS_CK_SECRET_HISTORY;
  default: return VS_CK_SECRET_ENV;
  }
}

/* Scans a credential store, history or environment file line by line. */
static int
report_lines (struct vs_check_ctx *ctx, int64_t id, const char *path,
              size_t plen, int64_t uid, struct secret_file_info info,
              const char *data, size_t len)
{
  size_t pos = 0, lineno = 0, reported = 0, more = 0;

  while (pos < len) {
    const char *line = data + pos, *end = memchr (line, '\n', len - pos);
    size_t n = end ? (size_t) (end - line) : len - pos;
    struct vs_secret_hit hits[VS_SECRET_MAX_HITS];
    size_t nh, i;
    int cloud = 0, aws = 0;
    enum vs_severity sev;
    struct vs_buf ev = VS_BUF_INIT;
    CLEANUP_FREE char *title = NULL;
    int r;

    pos += n + (end ? 1 : 0);
    lineno++;
    nh = vs_secret_scan_line (line, n, info.mode, hits, VS_SECRET_MAX_HITS);
    if (nh == 0)
      continue;
    if (reported == VS_FILES_MAX_PER_FILE) {
      more++;
      continue;
    }
    for (i = 0; i < nh; i++) {
      cloud |= vs_secret_kind_cloud (hits[i].kind);
      aws |= hits[i].kind == VS_SECRET_AWS_SECRET
        || hits[i].kind == VS_SECRET_AWS_KEY_ID
        || hits[i].kind == VS_SECRET_PRIVATE_KEY;
    }
    if (info.kind == SF_CREDENTIALS)
      sev = VS_SEV_HIGH;
    else if (info.kind == SF_HISTORY)
      sev = aws ? VS_SEV_HIGH : VS_SEV_MEDIUM;
    else
      sev = cloud ? VS_SEV_HIGH : VS_SEV_MEDIUM;
    vs_buf_addf (&ev, "line %zu: ", lineno);
    vs_secret_add_redacted_line (&ev, line, n, hits, nh, VS_FILES_EVIDENCE);
    for (i = 0; i < nh; i++) {
      vs_buf_addf (&ev, " [%s ", vs_secret_kind_name (hits[i].kind));
      vs_secret_add_sha256 (&ev, line + hits[i].start, hits[i].len);
      vs_buf_addc (&ev, ']');
    }
    title = vs_xasprintf ("%s in %s", vs_secret_kind_name (hits[0].kind),
                          info.kind == SF_CREDENTIALS ? "a credential file"
                          : info.kind == SF_HISTORY ? "a command history"
                          : "an environment or shell start file");
    r = add_file_finding (ctx, secret_check_id (info.kind), sev, "secret",
                          info.kind == SF_HISTORY ? "T1552.003"
                          : "T1552.001", id, path, plen,
                          account_of (ctx, uid), ev.data, title);
    vs_buf_release (&ev);
    if (r == -1)
      return -1;
    reported++;
  }
  if (more) {
    CLEANUP_FREE char *ev = vs_xasprintf ("%zu more lines with credentials "
                                          "not reported one by one", more);

    if (add_file_finding (ctx, secret_check_id (info.kind), VS_SEV_MEDIUM,
                          "secret", info.kind == SF_HISTORY ? "T1552.003"
                          : "T1552.001", id, path, plen,
                          account_of (ctx, uid), ev, "more credentials in "
                          "the same file") == -1)
      return -1;
  }
  return 0;
}

int
vs_secrets_files (struct vs_check_ctx *ctx)
{
  sqlite3_stmt *s;
  struct vs_buf host_keys = VS_BUF_INIT;
  uint64_t nkeys = 0, nfiles[5] = { 0 }, nhost = 0, read = 0;
  int rc = SQLITE_DONE;

  if (!ctx->guest) {
    static const enum vs_check_name ids[] = {
      VS_CK_SECRET_PRIVATE_KEY, VS_CK_SECRET_HOST_KEYS,
      VS_CK_SECRET_CREDENTIALS, VS_CK_SECRET_HISTORY, VS_CK_SECRET_ENV,
    };
    size_t k;

    for (k = 0; k < sizeof ids / sizeof ids[0]; k++)
      if (vs_check_ran (ctx, ids[k], "skipped", 0, "no operating system "
                        "mounts these filesystems: contents not read")
          == -1)
        return -1;
    return 0;
  }
  s = prepare (ctx, "SELECT f.id, f.path, f.type, f.size, f.magic, f.uid, "
               "f.md5, f.sha1, f.sha256, f.link_target" FILES_FROM);
  if (!s)
    return ctx->failed ? -1 : 0;
  while (!vs_tick () && (rc = sqlite3_step (s)) == SQLITE_ROW) {
    int64_t id = sqlite3_column_int64 (s, 0);
    const char *path = (const char *) sqlite3_column_blob (s, 1);
    size_t plen = (size_t) sqlite3_column_bytes (s, 1);
    const char *type = col_text (s, 2);
    int64_t size = sqlite3_column_int64 (s, 3);
    const char *magic = col_text (s, 4);
    int64_t uid = sqlite3_column_int64 (s, 5);
    const char *sha256 = col_text (s, 8);
    const char *target = col_text (s, 9);
    struct secret_file_info info;
    enum ownership own;
    CLEANUP_FREE char *cpath = NULL;
    CLEANUP_FREE char *data = NULL;
    size_t len, max;
    int r;

    if (!path)
      continue;
    info = secret_file_kind (path, plen, magic);
    if (info.kind == SF_NONE)
      continue;
    /* Keys are looked for in regular files; the other kinds also through
     * a symlink, which the guest view follows inside the guest. */
    if (strcmp (type, "file") != 0) {
      if (info.kind == SF_KEY)
        continue;
      if (strcmp (type, "symlink") == 0) {
        if (target && strcmp (target, "/dev/null") == 0)
          continue;
      }
      else {
        CLEANUP_FREE char *p = vs_printable (path, plen);

        if (vs_check_error (ctx, path, "%s: a %s, not a regular file: not "
                            "read", p, type) == -1)
          break;
        continue;
      }
    }
    if (info.kind == SF_KEY && size > VS_FILES_MAX_READ) {
      CLEANUP_FREE char *p = vs_printable (path, plen);

      if (vs_check_error (ctx, path, "%s: %lld bytes, too large to be "
                          "read for keys", p, (long long) size) == -1)
        break;
      continue;
    }
    own = ownership (ctx, path, plen, col_text (s, 6), col_text (s, 7),
                     sha256);
    if (own == OWN_STOCK && info.kind != SF_KEY)
      continue;
    if (read >= VS_FILES_MAX_CANDIDATES) {
      vs_check_error (ctx, NULL, "secrets: more than %d candidate files, "
                      "the rest not read", VS_FILES_MAX_CANDIDATES);
      break;
    }
    read++;
    cpath = path_dup (path, plen);
    max = info.kind == SF_HISTORY ? VS_FILES_MAX_HISTORY : VS_FILES_MAX_READ;
    if (read_candidate (ctx, cpath, max, info.kind == SF_HISTORY, &data,
                        &len) == -1)
      continue;
    if (info.kind == SF_HISTORY && len == max)
      vs_check_error (ctx, path, "%s: only the first %zu bytes read",
                      cpath, max);
    nfiles[info.kind]++;
    if (info.kind == SF_KEY) {
      nkeys++;
      r = report_keys (ctx, id, path, plen, uid, sha256, data, len, own,
                       &host_keys, &nhost);
    }
    else {
      r = report_lines (ctx, id, path, plen, uid, info, data, len);
      /* A key inside a credential file (a service account's JSON). */
      if (r == 0 && info.kind == SF_CREDENTIALS)
        r = report_keys (ctx, id, path, plen, uid, sha256, data, len, own,
                         &host_keys, &nhost);
    }
    if (r == -1)
      break;
  }
  sqlite3_finalize (s);
  if (!ctx->failed && nhost > 0) {
    struct vs_finding f;
    CLEANUP_FREE char *title = NULL;

    title = vs_xasprintf ("%llu SSH host keys baked into the image: every "
                          "instance made from it shares them",
                          (unsigned long long) nhost);
    memset (&f, 0, sizeof f);
    f.check_id = vs_check_id (VS_CK_SECRET_HOST_KEYS);
    f.severity = VS_SEV_MEDIUM;
    f.category = "secret";
    f.mitre = "T1552.004";
    f.path = "/etc/ssh";
    f.evidence = host_keys.data;
    f.title = title;
    vs_cc_add (ctx, &f);
  }
  vs_buf_release (&host_keys);
  if (ctx->failed)
    return -1;
  if (vs_check_ran (ctx, VS_CK_SECRET_PRIVATE_KEY, "ran", nkeys, NULL) == -1
      || vs_check_ran (ctx, VS_CK_SECRET_HOST_KEYS, "ran", nhost, NULL) == -1
      || vs_check_ran (ctx, VS_CK_SECRET_CREDENTIALS, "ran",
                       nfiles[SF_CREDENTIALS], NULL) == -1
      || vs_check_ran (ctx, VS_CK_SECRET_HISTORY, "ran", nfiles[SF_HISTORY],
                       NULL) == -1
      || vs_check_ran (ctx, VS_CK_SECRET_ENV, "ran", nfiles[SF_ENV], NULL) == -1)
    return -1;
  return 0;
}

/* ---- IOC lists ---- */

int
vs_ioc_files (struct vs_check_ctx *ctx)
{
  sqlite3_stmt *s;
  uint64_t rows = 0;
  int rc = SQLITE_DONE;

  if (!ctx->ioc || vs_ioc_count (ctx->ioc) == 0)
    return vs_check_ran (ctx, VS_CK_IOC, "skipped", 0, "no --ioc list given");
  s = prepare (ctx, "SELECT f.id, f.path, f.uid, f.md5, f.sha1, f.sha256"
               FILES_FROM);
  if (!s)
    return ctx->failed ? -1 : 0;
  while (!vs_tick () && (rc = sqlite3_step (s)) == SQLITE_ROW) {
    static const char *const kinds[] = { "sha256", "sha1", "md5" };
    int64_t id = sqlite3_column_int64 (s, 0);
    const char *path = (const char *) sqlite3_column_blob (s, 1);
    size_t plen = (size_t) sqlite3_column_bytes (s, 1);
    const char *account = account_of (ctx, sqlite3_column_int64 (s, 2));
    const char *label, *pattern = NULL;
    size_t k;

    rows++;
    if (!path)
      continue;
    for (k = 0; k < 3; k++) {
      const char *hex = col_text (s, 5 - (int) k);
      CLEANUP_FREE char *ev = NULL;
      CLEANUP_FREE char *title = NULL;

      if (!hex || !(label = vs_ioc_match_hash (ctx->ioc, kinds[k], hex)))
        continue;
      ev = vs_xasprintf ("%s:%s%s%s", kinds[k], hex, *label ? " " : "",
                         label);
      title = vs_xasprintf ("file matches an indicator%s%.120s",
                            *label ? ": " : "", label);
      if (add_file_finding (ctx, VS_CK_IOC_HASH, VS_SEV_HIGH, "ioc", NULL, id,
                            path, plen, account, ev, title) == -1)
        goto out;
      break;                    /* one finding per file for its hashes */
    }
    if ((label = vs_ioc_match_path (ctx->ioc, path, plen, &pattern))) {
      CLEANUP_FREE char *ev = vs_xasprintf ("path:%s%s%s", pattern,
                                            *label ? " " : "", label);
      CLEANUP_FREE char *title = vs_xasprintf ("path matches an indicator"
                                               "%s%.120s", *label ? ": "
                                               : "", label);

      if (add_file_finding (ctx, VS_CK_IOC_PATH, VS_SEV_HIGH, "ioc", NULL, id,
                            path, plen, account, ev, title) == -1)
        goto out;
    }
  }
 out:
  sqlite3_finalize (s);
  if (ctx->failed)
    return -1;
  if (vs_check_ran (ctx, VS_CK_IOC_HASH, "ran", rows, NULL) == -1
      || vs_check_ran (ctx, VS_CK_IOC_PATH, "ran", rows, NULL) == -1)
    return -1;
  return 0;
}
