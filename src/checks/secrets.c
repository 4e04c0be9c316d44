/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: the secrets checks: private keys, host keys, credential files,
 * histories and environment files left in the image.
 *
 * Secrets are never stored: evidence holds redacted forms and SHA-256
 * digests only (parse/secrets.h).  Without a guest view (filesystems no
 * OS mounts) nothing is read and the checks say skipped.
 */
#include <config.h>

#include <errno.h>
#include <string.h>

#include "checks/common.h"
#include "checks/checks.h"
#include "checks/filetab.h"
#include "core/guest.h"
#include "parse/names.h"
#include "parse/secrets.h"
#include "base/util.h"

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
      && vs_ft_contains_ci (path, len, "/.config/gcloud/legacy_credentials/")) {
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
  if (blen > 4 && vs_ft_ends_with_ci (base, blen, ".env")) {
    r.kind = SF_ENV;
    return r;
  }
  if ((magic && strstr (magic, "private key"))
      || vs_ft_ends_with_ci (base, blen, ".key") || vs_ft_ends_with_ci (base, blen, ".pem")
      || vs_ft_ends_with_ci (base, blen, ".ppk")
      || ((blen >= 6 && memcmp (base, "id_", 3) == 0)
          && !vs_ft_ends_with_ci (base, blen, ".pub")))
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
    && vs_ft_ends_with_ci (base, blen, "_key");
}

static int
report_keys (struct vs_check_ctx *ctx, int64_t id, const char *path,
             size_t plen, int64_t uid, const char *sha256, const char *data,
             size_t len, enum vs_ft_ownership own, struct vs_buf *host_keys,
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
    if (own == VS_FT_OWN_STOCK) {
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
    else if (own == VS_FT_OWN_UNKNOWN
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
    r = vs_ft_add (ctx, VS_CK_SECRET_PRIVATE_KEY, sev, "secret",
                          "T1552.004", id, path, plen, vs_ft_account (ctx, uid),
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
    if (reported == VS_FT_MAX_PER_FILE) {
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
    vs_secret_add_redacted_line (&ev, line, n, hits, nh, VS_FT_EVIDENCE);
    for (i = 0; i < nh; i++) {
      vs_buf_addf (&ev, " [%s ", vs_secret_kind_name (hits[i].kind));
      vs_secret_add_sha256 (&ev, line + hits[i].start, hits[i].len);
      vs_buf_addc (&ev, ']');
    }
    title = vs_xasprintf ("%s in %s", vs_secret_kind_name (hits[0].kind),
                          info.kind == SF_CREDENTIALS ? "a credential file"
                          : info.kind == SF_HISTORY ? "a command history"
                          : "an environment or shell start file");
    r = vs_ft_add (ctx, secret_check_id (info.kind), sev, "secret",
                          info.kind == SF_HISTORY ? "T1552.003"
                          : "T1552.001", id, path, plen,
                          vs_ft_account (ctx, uid), ev.data, title);
    vs_buf_release (&ev);
    if (r == -1)
      return -1;
    reported++;
  }
  if (more) {
    CLEANUP_FREE char *ev = vs_xasprintf ("%zu more lines with credentials "
                                          "not reported one by one", more);

    if (vs_ft_add (ctx, secret_check_id (info.kind), VS_SEV_MEDIUM,
                          "secret", info.kind == SF_HISTORY ? "T1552.003"
                          : "T1552.001", id, path, plen,
                          vs_ft_account (ctx, uid), ev, "more credentials in "
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
  s = vs_ft_prepare (ctx, "SELECT f.id, f.path, f.type, f.size, f.magic, f.uid, "
               "f.md5, f.sha1, f.sha256, f.link_target" VS_FT_FROM);
  if (!s)
    return ctx->failed ? -1 : 0;
  while (!vs_tick () && (rc = sqlite3_step (s)) == SQLITE_ROW) {
    int64_t id = sqlite3_column_int64 (s, 0);
    const char *path = (const char *) sqlite3_column_blob (s, 1);
    size_t plen = (size_t) sqlite3_column_bytes (s, 1);
    const char *type = vs_ft_text (s, 2);
    int64_t size = sqlite3_column_int64 (s, 3);
    const char *magic = vs_ft_text (s, 4);
    int64_t uid = sqlite3_column_int64 (s, 5);
    const char *sha256 = vs_ft_text (s, 8);
    const char *target = vs_ft_text (s, 9);
    struct secret_file_info info;
    enum vs_ft_ownership own;
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
    if (info.kind == SF_KEY && size > VS_FT_MAX_READ) {
      CLEANUP_FREE char *p = vs_printable (path, plen);

      if (vs_check_error (ctx, path, "%s: %lld bytes, too large to be "
                          "read for keys", p, (long long) size) == -1)
        break;
      continue;
    }
    own = vs_ft_ownership (ctx, path, plen, vs_ft_text (s, 6), vs_ft_text (s, 7),
                     sha256);
    if (own == VS_FT_OWN_STOCK && info.kind != SF_KEY)
      continue;
    if (read >= VS_FT_MAX_CANDIDATES) {
      vs_check_error (ctx, NULL, "secrets: more than %d candidate files, "
                      "the rest not read", VS_FT_MAX_CANDIDATES);
      break;
    }
    read++;
    cpath = vs_ft_path_dup (path, plen);
    max = info.kind == SF_HISTORY ? VS_FT_MAX_HISTORY : VS_FT_MAX_READ;
    if (vs_ft_read (ctx, cpath, max, info.kind == SF_HISTORY, &data,
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
