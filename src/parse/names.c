/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: what a file's name says about it (see names.h).
 *
 * Every function takes a pointer and a length and reads no further; no
 * function relies on a terminating NUL.  Tables are small and searched
 * linearly: names are short and a comparison is a few bytes.
 */
#include <config.h>

#include <stdint.h>
#include <string.h>

#include "parse/names.h"
#include "base/util.h"

static int
eq (const char *s, size_t len, const char *lit)
{
  size_t n = strlen (lit);

  return len == n && memcmp (s, lit, n) == 0;
}

/* Whether s (len bytes) is one of the n C strings of list. */
static int
in_list (const char *s, size_t len, const char *const *list, size_t n)
{
  size_t k;

  for (k = 0; k < n; k++)
    if (eq (s, len, list[k]))
      return 1;
  return 0;
}

static int
prefix (const char *s, size_t len, const char *lit)
{
  size_t n = strlen (lit);

  return len >= n && memcmp (s, lit, n) == 0;
}

const char *
vs_name_base (const char *path, size_t len, size_t *blen)
{
  size_t i = len;

  while (i > 0 && path[i - 1] != '/')
    i--;
  *blen = len - i;
  return path + i;
}

/* Kernel threads as ps shows them, without the brackets.  A name
 * matches a stem alone or followed by digits and the separators the
 * kernel uses ("kworker/0:1H-events", "ksoftirqd/3", "kswapd0"). */
static const char *const kthread_stems[] = {
  "kworker", "kthreadd", "ksoftirqd", "kswapd", "migration", "watchdogd",
  "kdevtmpfs", "khugepaged", "kcompactd", "kauditd", "kblockd",
  "rcu_sched", "rcu_gp", "rcu_par_gp", "rcu_preempt", "jbd2", "kintegrityd",
  "ksmd", "oom_reaper", "writeback", "kstrp", "cpuhp", "khungtaskd",
  "kthrotld", "kpsmoused", "ipv6_addrconf", "mm_percpu_wq", "netns",
  "scsi_eh", "xfsaild", "ext4-rsv-conver",
};

int
vs_name_kthread_like (const char *name, size_t len)
{
  size_t i, k;

  if (len >= 2 && (name[0] == '[' || name[len - 1] == ']'))
    return 1;
  if (len >= 2 && (memchr (name, '[', len) || memchr (name, ']', len)))
    return 1;
  for (k = 0; k < sizeof kthread_stems / sizeof kthread_stems[0]; k++) {
    size_t n = strlen (kthread_stems[k]);

    if (len < n || memcmp (name, kthread_stems[k], n) != 0)
      continue;
    for (i = n; i < len; i++)
      if (!((name[i] >= '0' && name[i] <= '9') || name[i] == ':'
            || name[i] == '-' || name[i] == '_' || name[i] == 'H'
            || name[i] == 'u' || name[i] == '+'))
        break;
    if (i == len)
      return 1;
  }
  return 0;
}

int
vs_name_edge_space (const char *name, size_t len)
{
  if (len == 0)
    return 0;
  return name[0] == ' ' || name[0] == '\t' || name[len - 1] == ' '
    || name[len - 1] == '\t';
}

static const char *const system_names[] = {
  "sshd", "systemd", "init", "cron", "crond", "atd", "anacron", "bash", "sh",
  "dash", "zsh", "ksh", "login", "su", "sudo", "passwd", "dbus-daemon",
  "rsyslogd", "syslogd", "systemd-journald", "systemd-logind",
  "systemd-udevd", "systemd-resolved", "systemd-networkd", "udevd",
  "agetty", "getty", "ps", "ls", "top", "netstat", "ss", "lsof", "kill",
  "ssh", "curl", "wget", "python", "python3", "perl", "nginx", "httpd",
  "apache2", "mysqld", "postgres", "java", "node", "containerd", "dockerd",
  "snapd", "polkitd", "NetworkManager", "auditd", "chronyd", "ntpd",
  "irqbalance", "acpid", "cupsd", "sftp-server", "gpg-agent", "ssh-agent",
};

int
vs_name_system_binary (const char *name, size_t len)
{
  return in_list (name, len, system_names, VS_ARRAY_SIZE (system_names));
}

static const char *const miner_names[] = {
  "xmrig", "xmr-stak", "xmrstak", "kdevtmpfsi", "kinsing", "minerd",
  "cpuminer", "ccminer", "nbminer", "t-rex", "ethminer", "lolminer",
  "phoenixminer", "nanominer", "gminer", "teamredminer", "srbminer",
  "xmr-node-proxy", "cgminer", "bfgminer", "sgminer", "moneroocean",
};

int
vs_name_miner (const char *name, size_t len)
{
  size_t k, n;

  for (k = 0; k < sizeof miner_names / sizeof miner_names[0]; k++) {
    n = strlen (miner_names[k]);
    if (len < n)
      continue;
    if (!vs_memcaseeq (name, n, miner_names[k]))
      continue;
    if (len == n || name[n] == '-' || name[n] == '_' || name[n] == '.')
      return 1;
  }
  return 0;
}

/* Extensions of things that are never programs.  ".conf" is not here: a
 * shell fragment named .conf is common and harmless. */
static const char *const document_exts[] = {
  "jpg", "jpeg", "png", "gif", "bmp", "ico", "tif", "tiff", "webp", "pdf",
  "txt", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods", "rtf",
  "csv", "mp3", "mp4", "avi", "mkv", "mov", "wav", "log", "zip", "rar",
  "7z", "tar", "gz", "tgz",
};

int
vs_name_document_ext (const char *name, size_t len, const char **ext,
                      size_t *ext_len)
{
  size_t i = len, k;

  while (i > 0 && name[i - 1] != '.')
    i--;
  if (i <= 1)                   /* no dot, or a hidden name's only dot */
    return 0;
  for (k = 0; k < sizeof document_exts / sizeof document_exts[0]; k++)
    if (vs_memcaseeq (name + i, len - i, document_exts[k])) {
      *ext = name + i;
      *ext_len = len - i;
      return 1;
    }
  return 0;
}

int
vs_name_blank (const char *name, size_t len)
{
  size_t i;

  if (len == 0 || eq (name, len, ".") || eq (name, len, ".."))
    return 0;
  for (i = 0; i < len; i++)
    if (name[i] != '.' && name[i] != ' ')
      return 0;
  return 1;
}

/* Hidden directories that hold programs on clean systems: language
 * toolchains and caches in home directories, debug symbols, snapshots. */
static const char *const hidden_benign[] = {
  ".cache", ".local", ".cargo", ".rustup", ".vscode-server", ".vscode",
  ".nvm", ".pyenv", ".npm", ".node-gyp", ".gradle", ".m2", ".sdkman",
  ".dotnet", ".conda", ".build-id", ".snapshots", ".mozilla", ".java",
  ".cursor-server", ".rbenv", ".gem", ".bundle", ".venv", ".virtualenvs",
  ".deno", ".bun", ".julia", ".ghcup", ".cabal", ".stack", ".opam",
  ".terraform.d", ".terraform", ".kube", ".minikube", ".docker",
};

int
vs_name_hidden_benign (const char *name, size_t len)
{
  return in_list (name, len, hidden_benign, VS_ARRAY_SIZE (hidden_benign));
}

/* The next component (c, n) of path[*i..end), past any '/' before it.
 * Returns 0 when none is left; *i moves to the end of the component. */
static int
next_component (const char *path, size_t end, size_t *i, const char **c,
                size_t *n)
{
  size_t j;

  while (*i < end && path[*i] == '/')
    (*i)++;
  for (j = *i; j < end && path[j] != '/'; j++)
    ;
  *c = path + *i;
  *n = j - *i;
  *i = j;
  return *n > 0;
}

int
vs_name_hidden_component (const char *path, size_t len, const char **comp,
                          size_t *comp_len)
{
  const char *c;
  size_t i = 0, n;

  while (next_component (path, len, &i, &c, &n))
    if (c[0] == '.' && !eq (c, n, ".") && !eq (c, n, "..")
        && !vs_name_hidden_benign (c, n)) {
      *comp = c;
      *comp_len = n;
      return 1;
    }
  return 0;
}

enum vs_name_trick
vs_name_unicode_trick (const char *name, size_t len)
{
  const unsigned char *s = (const unsigned char *) name;
  int latin = 0, other = 0, invisible = 0;
  size_t i = 0;

  while (i < len) {
    uint32_t cp;
    size_t n = vs_utf8_decode (s + i, len - i, &cp);

    if (n == 0) {
      i++;
      continue;
    }
    i += n;
    if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069)
        || cp == 0x200e || cp == 0x200f || cp == 0x061c)
      return VS_NAME_BIDI;
    if ((cp >= 0x200b && cp <= 0x200d) || cp == 0x2060 || cp == 0xfeff
        || cp == 0x00ad || cp == 0x180e || cp == 0x3164 || cp == 0x115f
        || cp == 0x1160)
      invisible = 1;
    else if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z'))
      latin = 1;
    else if ((cp >= 0x0370 && cp <= 0x03ff) || (cp >= 0x0400 && cp <= 0x04ff))
      other = 1;                /* Greek and Cyrillic: the usual lookalikes */
  }
  if (invisible)
    return VS_NAME_INVISIBLE;
  if (latin && other)
    return VS_NAME_MIXED_SCRIPT;
  return VS_NAME_PLAIN;
}

/* 1 if path is dir or below it. */
static int
under (const char *path, size_t len, const char *dir)
{
  size_t n = strlen (dir);

  return len >= n && memcmp (path, dir, n) == 0
    && (len == n || path[n] == '/');
}

int
vs_name_in_tmp (const char *path, size_t len)
{
  return under (path, len, "/tmp") || under (path, len, "/var/tmp")
    || under (path, len, "/dev/shm");
}

int
vs_name_in_system_dir (const char *path, size_t len)
{
  static const char *const dirs[] = {
    "/usr/bin", "/usr/sbin", "/bin", "/sbin", "/usr/libexec",
    "/usr/local/bin", "/usr/local/sbin", "/usr/local/lib", "/usr/games",
  };
  static const char *const lib_prefixes[] = { "/usr/lib", "/lib" };
  size_t k;

  for (k = 0; k < sizeof dirs / sizeof dirs[0]; k++)
    if (under (path, len, dirs[k]))
      return 1;
  /* /usr/lib, /usr/lib64, /usr/lib32, /usr/libx32, /lib, /lib64 ... */
  for (k = 0; k < 2; k++) {
    size_t n = strlen (lib_prefixes[k]), i;

    if (!prefix (path, len, lib_prefixes[k]))
      continue;
    for (i = n; i < len && path[i] != '/'; i++)
      if (!((path[i] >= '0' && path[i] <= '9') || path[i] == 'x'))
        break;
    if (i < len && path[i] == '/')
      return 1;
  }
  return 0;
}

int
vs_name_in_any_bin_dir (const char *path, size_t len)
{
  const char *c;
  size_t i = 0, end, n;

  /* Directory components only: stop before the last one. */
  end = len;
  while (end > 0 && path[end - 1] != '/')
    end--;
  while (next_component (path, end, &i, &c, &n))
    if (eq (c, n, "bin") || eq (c, n, "sbin") || eq (c, n, "libexec")
        || eq (c, n, "lib") || eq (c, n, "lib32") || eq (c, n, "lib64"))
      return 1;
  return 0;
}

int
vs_name_in_home (const char *path, size_t len)
{
  return under (path, len, "/root") || (prefix (path, len, "/home/")
                                        && len > 6);
}
