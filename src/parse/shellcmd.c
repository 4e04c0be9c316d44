/* vmscan: parsers for the guest configuration read by the persistence
 * and access checks (see parse-config.h).
 *
 * Every function works on (pointer, length) and returns pointers into
 * its input; none allocates except vs_sudo_next (into the caller's
 * buffer) and vs_ssh_fingerprint (a bounded temporary).  Loops advance
 * by at least one byte per turn and stop at the given end, so each is
 * linear in its input.  A loop over records the guest can multiply
 * (lines passed over, the items of a line, a key's options) counts each
 * turn with vs_tick () and, when told to stop, ends as at the end of its
 * input; the caller's own loop sees the stop at its next vs_tick () and
 * reports it.  Loops over the bytes of one line need no tick: a line is
 * bounded by its file's cap (or VS_SUDO_LINE_MAX).
 */
#include <config.h>

#include <string.h>

#include "base/hash.h"
#include "parse/config.h"

static int
is_blank (char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static int
is_alpha (char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_digit (char c)
{
  return c >= '0' && c <= '9';
}

static int
is_alnum (char c)
{
  return is_alpha (c) || is_digit (c);
}

static char
lower (char c)
{
  return c >= 'A' && c <= 'Z' ? (char) (c - 'A' + 'a') : c;
}

int
vs_line_next (const char *data, size_t len, size_t *pos, struct vs_line *l)
{
  const char *s, *nl;
  size_t n;

  if (*pos >= len)
    return 0;
  s = data + *pos;
  nl = memchr (s, '\n', len - *pos);
  n = nl ? (size_t) (nl - s) : len - *pos;
  *pos += n + (nl ? 1 : 0);
  if (n && s[n - 1] == '\r')
    n--;
  l->p = s;
  l->len = n;
  l->no++;
  return 1;
}

void
vs_trim (const char **p, size_t *len)
{
  while (*len && is_blank (**p)) {
    (*p)++;
    (*len)--;
  }
  while (*len && is_blank ((*p)[*len - 1]))
    (*len)--;
}

int
vs_line_is_comment (const char *p, size_t len)
{
  vs_trim (&p, &len);
  return len == 0 || p[0] == '#';
}

int
vs_next_word (const char **p, const char *end, const char **w, size_t *wl)
{
  const char *s = *p;

  while (s < end && is_blank (*s))
    s++;
  if (s >= end) {
    *p = s;
    return 0;
  }
  if (*s == '"') {
    const char *q = memchr (s + 1, '"', (size_t) (end - s - 1));

    *w = s + 1;
    if (!q)
      q = end;
    *wl = (size_t) (q - s - 1);
    *p = q < end ? q + 1 : end;
    return 1;
  }
  *w = s;
  while (s < end && !is_blank (*s))
    s++;
  *wl = (size_t) (s - *w);
  *p = s;
  return 1;
}

int
vs_next_item (const char **p, const char *end, const char **w, size_t *wl)
{
  const char *s = *p, *c;

  while (s < end && (is_blank (*s) || *s == ','))
    s++;
  if (s >= end) {
    *p = s;
    return 0;
  }
  c = memchr (s, ',', (size_t) (end - s));
  if (!c)
    c = end;
  *w = s;
  *wl = (size_t) (c - s);
  vs_trim (w, wl);
  *p = c;
  return 1;
}

const char *
vs_memcasemem (const char *s, size_t len, const char *needle)
{
  size_t n = strlen (needle), i, j;

  if (n == 0)
    return s;
  if (n > len)
    return NULL;
  for (i = 0; i + n <= len; i++) {
    for (j = 0; j < n; j++)
      if (lower (s[i + j]) != lower (needle[j]))
        break;
    if (j == n)
      return s + i;
  }
  return NULL;
}

/* ---- the suspicion heuristic ---- */

/* Whether position i of cmd starts a word in command position: at the
 * start, after a shell operator, or after a word that runs its argument
 * (nohup, exec, sh ...). */
static int
command_position (const char *cmd, size_t i)
{
  static const char *const runners[] = {
    "nohup", "exec", "sh", "bash", "dash", "setsid", "nice", "timeout",
    "sudo", "su", "eval", "source", ".", "/bin/sh", "/bin/bash",
    "/usr/bin/nohup", "/usr/bin/setsid", "env", "-c",
  };
  size_t end, start, k;

  /* Step over an opening quote. */
  while (i > 0 && (cmd[i - 1] == '"' || cmd[i - 1] == '\''))
    i--;
  while (i > 0 && is_blank (cmd[i - 1]))
    i--;
  if (i == 0)
    return 1;
  if (strchr (";&|(`{\n", cmd[i - 1]))
    return 1;
  if (cmd[i - 1] == '=' )
    return 0;
  end = i;
  start = end;
  while (start > 0 && !is_blank (cmd[start - 1])
         && !strchr (";&|(`{\"'", cmd[start - 1]))
    start--;
  for (k = 0; k < VS_ARRAY_SIZE (runners); k++)
    if (strlen (runners[k]) == end - start
        && memcmp (runners[k], cmd + start, end - start) == 0)
      return 1;
  /* chmod +x DIR/file: made executable there. */
  if (end - start == 2 && memcmp (cmd + start, "+x", 2) == 0)
    return 1;
  return 0;
}

/* Whether cmd pipes into a shell or interpreter ("| sh", "|/bin/bash"). */
static int
pipes_to_shell (const char *cmd, size_t len)
{
  static const char *const shells[] = {
    "sh", "bash", "dash", "zsh", "ksh", "ash", "python", "python2",
    "python3", "perl", "php", "ruby",
  };
  size_t i, k;

  for (i = 0; i < len; i++) {
    size_t j, w;

    if (cmd[i] != '|' || (i + 1 < len && cmd[i + 1] == '|')
        || (i > 0 && cmd[i - 1] == '|'))
      continue;
    j = i + 1;
    while (j < len && is_blank (cmd[j]))
      j++;
    if (j + 5 < len && memcmp (cmd + j, "sudo ", 5) == 0)
      j += 5;
    /* Skip a directory: /bin/, /usr/bin/ */
    w = j;
    while (w < len && !is_blank (cmd[w]) && !strchr (";&|)\"'", cmd[w]))
      w++;
    {
      size_t b = j;
      size_t m;

      for (m = j; m < w; m++)
        if (cmd[m] == '/')
          b = m + 1;
      for (k = 0; k < VS_ARRAY_SIZE (shells); k++)
        if (strlen (shells[k]) == w - b
            && memcmp (shells[k], cmd + b, w - b) == 0)
          return 1;
    }
  }
  return 0;
}

/* Whether a program is run from (or made executable in) a
 * world-writable directory, or from a hidden directory. */
static const char *
runs_from_odd_place (const char *cmd, size_t len)
{
  static const char *const dirs[] = { "/tmp/", "/var/tmp/", "/dev/shm/" };
  size_t i, k;

  for (k = 0; k < VS_ARRAY_SIZE (dirs); k++) {
    size_t n = strlen (dirs[k]);

    for (i = 0; i + n < len; i++) {
      if (memcmp (cmd + i, dirs[k], n) != 0)
        continue;
      if (i > 0 && !is_blank (cmd[i - 1])
          && !strchr (";&|(`{\"'=", cmd[i - 1]))
        continue;
      if (is_blank (cmd[i + n]) || strchr (";&|)\"'", cmd[i + n]))
        continue;
      if (command_position (cmd, i))
        return "runs a program from a world-writable directory";
    }
  }
  /* A hidden directory: "/.name/" in a word in command position. */
  for (i = 0; i + 2 < len; i++) {
    size_t start, j;

    if (cmd[i] != '/' || cmd[i + 1] != '.')
      continue;
    if (cmd[i + 2] == '/' || cmd[i + 2] == '.' || is_blank (cmd[i + 2]))
      continue;
    j = i + 2;
    while (j < len && !is_blank (cmd[j]) && cmd[j] != '/'
           && !strchr (";&|)\"'", cmd[j]))
      j++;
    if (j >= len || cmd[j] != '/')
      continue;
    start = i;
    while (start > 0 && !is_blank (cmd[start - 1])
           && !strchr (";&|(`{\"'=", cmd[start - 1]))
      start--;
    if (command_position (cmd, start))
      return "runs a program from a hidden directory";
  }
  return NULL;
}

const char *
vs_cmd_suspicion (const char *cmd, size_t len)
{
  static const char *const miners[] = {
    "xmrig", "kinsing", "kdevtmpfsi", "xmr-stak", "minerd", "cpuminer",
    "ccminer", "nbminer", "cryptonight", "supportxmr", "minexmr",
    "moneroocean", "nanopool.org", "c3pool", "xmrpool", "monerohash",
    "kthreaddi", "dbused",
  };
  static const char *const fetchers[] = {
    "curl", "wget", "fetch ", "tftp", "lwp-download", "/dev/tcp/",
  };
  int fetch = 0;
  size_t k;

  for (k = 0; k < VS_ARRAY_SIZE (miners); k++)
    if (vs_memcasemem (cmd, len, miners[k]))
      return "names a known cryptominer";
  if (vs_memcasemem (cmd, len, "stratum+tcp://")
      || vs_memcasemem (cmd, len, "stratum+ssl://")
      || vs_memcasemem (cmd, len, "stratum2+tcp://"))
    return "connects to a mining pool (stratum)";
  if (vs_memcasemem (cmd, len, "/dev/tcp/")
      || vs_memcasemem (cmd, len, "/dev/udp/"))
    return "opens a network connection through /dev/tcp (reverse shell)";
  if (vs_memcasemem (cmd, len, "nc -e") || vs_memcasemem (cmd, len, "nc -c ")
      || vs_memcasemem (cmd, len, "ncat -e")
      || vs_memcasemem (cmd, len, "netcat -e")
      || vs_memcasemem (cmd, len, "-e /bin/sh")
      || vs_memcasemem (cmd, len, "-e /bin/bash"))
    return "runs a shell over netcat (reverse shell)";
  if (vs_memcasemem (cmd, len, "socat") && vs_memcasemem (cmd, len, "exec:"))
    return "runs a shell over socat (reverse shell)";
  if (vs_memcasemem (cmd, len, "mkfifo")
      && (vs_memcasemem (cmd, len, "nc ")
          || vs_memcasemem (cmd, len, "telnet ")))
    return "pipes a shell through a fifo to the network (reverse shell)";
  if ((vs_memcasemem (cmd, len, "python") || vs_memcasemem (cmd, len, "perl")
       || vs_memcasemem (cmd, len, "ruby") || vs_memcasemem (cmd, len, "php"))
      && vs_memcasemem (cmd, len, "socket")
      && (vs_memcasemem (cmd, len, "connect")
          || vs_memcasemem (cmd, len, "pty.spawn")
          || vs_memcasemem (cmd, len, "/bin/sh")))
    return "opens a socket from a script interpreter (reverse shell)";
  for (k = 0; k < VS_ARRAY_SIZE (fetchers); k++)
    if (vs_memcasemem (cmd, len, fetchers[k]))
      fetch = 1;
  if (pipes_to_shell (cmd, len)) {
    if (fetch)
      return "downloads a script and runs it";
    if (vs_memcasemem (cmd, len, "base64") || vs_memcasemem (cmd, len, "xxd")
        || vs_memcasemem (cmd, len, "openssl enc"))
      return "decodes a payload and runs it";
  }
  if (fetch && (vs_memcasemem (cmd, len, "$(curl")
                || vs_memcasemem (cmd, len, "$(wget")
                || vs_memcasemem (cmd, len, "`curl")
                || vs_memcasemem (cmd, len, "`wget")))
    return "downloads a script and runs it";
  if (fetch && vs_memcasemem (cmd, len, "chmod")
      && (vs_memcasemem (cmd, len, "+x") || vs_memcasemem (cmd, len, "777")
          || vs_memcasemem (cmd, len, "755")))
    return "downloads a program and makes it executable";
  if (vs_memcasemem (cmd, len, "base64 -d") && vs_memcasemem (cmd, len, "eval"))
    return "decodes a payload and runs it";
  if (vs_memcasemem (cmd, len, "chattr +i")
      || vs_memcasemem (cmd, len, "chattr +a"))
    return "makes files immutable (chattr)";
  if (vs_memcasemem (cmd, len, "HISTFILE=/dev/null")
      || vs_memcasemem (cmd, len, "unset HISTFILE"))
    return "disables the shell history";
  return runs_from_odd_place (cmd, len);
}

int
vs_is_login_shell (const char *shell, size_t len)
{
  static const char *const no[] = {
    "nologin", "false", "sync", "shutdown", "halt", "true",
  };
  const char *b = shell;
  size_t i, bl;

  vs_trim (&shell, &len);
  if (len == 0)
    return 1;                   /* passwd(5): empty means /bin/sh */
  b = shell;
  for (i = 0; i < len; i++)
    if (shell[i] == '/')
      b = shell + i + 1;
  bl = len - (size_t) (b - shell);
  for (i = 0; i < VS_ARRAY_SIZE (no); i++)
    if (strlen (no[i]) == bl && memcmp (no[i], b, bl) == 0)
      return 0;
  return 1;
}

/* ---- cron ---- */

/* Whether the line is NAME=value (blanks allowed around '='). */
static int
is_env (const char *p, size_t len)
{
  size_t i = 0;

  if (len == 0 || !(is_alpha (p[0]) || p[0] == '_'))
    return 0;
  while (i < len && (is_alnum (p[i]) || p[i] == '_'))
    i++;
  while (i < len && is_blank (p[i]))
    i++;
  return i < len && p[i] == '=';
}

static int
time_field_ok (const char *w, size_t wl)
{
  size_t i;

  if (wl == 0 || wl > 128)
    return 0;
  for (i = 0; i < wl; i++)
    if (!is_alnum (w[i]) && !strchr ("*,-/?~", w[i]))
      return 0;
  return 1;
}

enum vs_cron_kind
vs_cron_parse (const char *line, size_t len, int system,
               struct vs_cron_line *out)
{
  const char *p, *end, *w = NULL;
  size_t wl = 0;
  int i, nfields;

  vs_trim (&line, &len);
  if (len == 0 || line[0] == '#')
    return VS_CRON_NONE;
  if (is_env (line, len))
    return VS_CRON_ENV;
  memset (out, 0, sizeof *out);
  p = line;
  end = line + len;
  if (line[0] == '@') {
    static const char *const kw[] = {
      "@reboot", "@yearly", "@annually", "@monthly", "@weekly", "@daily",
      "@midnight", "@hourly",
    };
    size_t k;
    int ok = 0;

    vs_next_word (&p, end, &w, &wl);
    for (k = 0; k < VS_ARRAY_SIZE (kw); k++)
      if (strlen (kw[k]) == wl && memcmp (kw[k], w, wl) == 0)
        ok = 1;
    if (!ok)
      return VS_CRON_BAD;
    out->reboot = wl == 7 && memcmp (w, "@reboot", 7) == 0;
    nfields = 1;
    out->when = w;
    out->when_len = wl;
  }
  else {
    nfields = 5;
    out->when = line;
    for (i = 0; i < nfields; i++) {
      if (!vs_next_word (&p, end, &w, &wl) || !time_field_ok (w, wl))
        return VS_CRON_BAD;
    }
    out->when_len = (size_t) (w + wl - line);
  }
  if (system) {
    if (!vs_next_word (&p, end, &w, &wl))
      return VS_CRON_BAD;
    out->user = w;
    out->user_len = wl;
  }
  while (p < end && is_blank (*p))
    p++;
  if (p >= end)
    return VS_CRON_BAD;
  out->cmd = p;
  out->cmd_len = (size_t) (end - p);
  return VS_CRON_JOB;
}

enum vs_cron_kind
vs_anacron_parse (const char *line, size_t len, struct vs_cron_line *out)
{
  const char *p, *end, *w, *first;
  size_t wl;

  vs_trim (&line, &len);
  if (len == 0 || line[0] == '#')
    return VS_CRON_NONE;
  if (is_env (line, len))
    return VS_CRON_ENV;
  memset (out, 0, sizeof *out);
  p = line;
  end = line + len;
  if (!vs_next_word (&p, end, &first, &wl) || wl == 0
      || !time_field_ok (first[0] == '@' ? first + 1 : first,
                         first[0] == '@' ? wl - 1 : wl))
    return VS_CRON_BAD;
  if (!vs_next_word (&p, end, &w, &wl) || !time_field_ok (w, wl))
    return VS_CRON_BAD;
  out->when = first;
  out->when_len = (size_t) (w + wl - first);
  if (!vs_next_word (&p, end, &w, &wl))
    return VS_CRON_BAD;
  out->user = w;
  out->user_len = wl;
  while (p < end && is_blank (*p))
    p++;
  if (p >= end)
    return VS_CRON_BAD;
  out->cmd = p;
  out->cmd_len = (size_t) (end - p);
  return VS_CRON_JOB;
}

/* ---- ini ---- */

void
vs_ini_init (struct vs_ini *ini, const char *data, size_t len)
{
  memset (ini, 0, sizeof *ini);
  ini->data = data;
  ini->len = len;
  ini->section = "";
}

int
vs_ini_next (struct vs_ini *ini, struct vs_ini_item *it)
{
  while (vs_line_next (ini->data, ini->len, &ini->pos, &ini->line)) {
    const char *p = ini->line.p, *eq;
    size_t len = ini->line.len;

    if (vs_tick ())
      return 0;
    vs_trim (&p, &len);
    if (len == 0 || p[0] == '#' || p[0] == ';')
      continue;
    if (p[0] == '[') {
      const char *close = memchr (p, ']', len);

      if (close) {
        ini->section = p + 1;
        ini->section_len = (size_t) (close - p - 1);
      }
      continue;
    }
    eq = memchr (p, '=', len);
    if (!eq || eq == p)
      continue;
    it->section = ini->section;
    it->section_len = ini->section_len;
    it->key = p;
    it->key_len = (size_t) (eq - p);
    vs_trim (&it->key, &it->key_len);
    it->value = eq + 1;
    it->value_len = len - (size_t) (eq + 1 - p);
    vs_trim (&it->value, &it->value_len);
    it->line = ini->line.no;
    return 1;
  }
  return 0;
}

int
vs_key_is (const char *key, size_t kl, const char *name)
{
  return strlen (name) == kl && memcmp (key, name, kl) == 0;
}

/* ---- udev ---- */

size_t
vs_udev_programs (const char *line, size_t len, struct vs_udev_prog *out,
                  size_t max)
{
  const char *p = line, *end = line + len;
  size_t n = 0;

  vs_trim (&p, &len);
  end = p + len;
  if (len == 0 || p[0] == '#')
    return 0;
  while (p < end && n < max) {
    const char *key, *val;
    size_t kl;
    int assign;

    while (p < end && (is_blank (*p) || *p == ','))
      p++;
    if (p >= end)
      break;
    key = p;
    while (p < end && (is_alnum (*p) || strchr ("_{}.-*", *p)))
      p++;
    kl = (size_t) (p - key);
    while (p < end && is_blank (*p))
      p++;
    if (kl == 0 || p >= end)
      break;
    /* The operator. */
    assign = 0;
    if (p + 1 < end && (p[0] == '=' || p[0] == '!') && p[1] == '=')
      p += 2;
    else if (p + 1 < end && strchr ("+-:", p[0]) && p[1] == '=') {
      assign = 1;
      p += 2;
    }
    else if (p[0] == '=') {
      assign = 1;
      p++;
    }
    else
      break;
    while (p < end && is_blank (*p))
      p++;
    if (p >= end || *p != '"')
      break;
    val = ++p;
    while (p < end && *p != '"') {
      if (*p == '\\' && p + 1 < end)
        p++;
      p++;
    }
    if (assign && (vs_key_is (key, kl, "RUN")
                   || vs_key_is (key, kl, "RUN{program}")
                   || vs_key_is (key, kl, "PROGRAM")
                   || vs_key_is (key, kl, "IMPORT{program}"))) {
      out[n].key = key;
      out[n].key_len = kl;
      out[n].value = val;
      out[n].value_len = (size_t) (p - val);
      n++;
    }
    if (p < end)
      p++;                      /* closing quote */
  }
  return n;
}

/* ---- PAM ---- */

int
vs_pam_parse (const char *line, size_t len, int with_service,
              struct vs_pam_line *out)
{
  const char *p, *end, *w;
  size_t wl;

  vs_trim (&line, &len);
  if (len == 0 || line[0] == '#')
    return 0;
  memset (out, 0, sizeof *out);
  p = line;
  end = line + len;
  if (with_service && !vs_next_word (&p, end, &w, &wl))
    return -1;
  if (!vs_next_word (&p, end, &w, &wl) || wl == 0)
    return -1;
  if (w[0] == '@') {
    out->type = w;
    out->type_len = wl;
    out->include = 1;
    if (!vs_next_word (&p, end, &out->module, &out->module_len))
      return -1;
    return 1;
  }
  if (w[0] == '-') {
    w++;
    wl--;
  }
  if (wl == 0)
    return -1;
  out->type = w;
  out->type_len = wl;
  while (p < end && is_blank (*p))
    p++;
  if (p >= end)
    return -1;
  if (*p == '[') {
    const char *close = memchr (p, ']', (size_t) (end - p));

    if (!close)
      return -1;
    out->control = p;
    out->control_len = (size_t) (close + 1 - p);
    p = close + 1;
  }
  else {
    vs_next_word (&p, end, &out->control, &out->control_len);
    if (vs_key_is (out->control, out->control_len, "include")
        || vs_key_is (out->control, out->control_len, "substack"))
      out->include = 1;
  }
  if (!vs_next_word (&p, end, &out->module, &out->module_len))
    return -1;
  while (p < end && is_blank (*p))
    p++;
  out->args = p;
  out->args_len = (size_t) (end - p);
  return 1;
}

/* ---- sshd_config ---- */

int
vs_sshd_parse (const char *line, size_t len, const char **key, size_t *kl,
               const char **val, size_t *vl)
{
  const char *p, *end;

  vs_trim (&line, &len);
  if (len == 0 || line[0] == '#')
    return 0;
  p = line;
  end = line + len;
  while (p < end && !is_blank (*p) && *p != '=')
    p++;
  *key = line;
  *kl = (size_t) (p - line);
  while (p < end && is_blank (*p))
    p++;
  if (p < end && *p == '=')
    p++;
  while (p < end && is_blank (*p))
    p++;
  *val = p;
  *vl = (size_t) (end - p);
  return *kl > 0;
}

/* ---- authorized_keys ---- */

static int
key_type_ok (const char *w, size_t wl)
{
  size_t i;

  if (wl < 5 || wl > 64)
    return 0;
  if (!(strncmp (w, "ssh-", 4) == 0 || (wl > 11 && !strncmp (w, "ecdsa-sha2-", 11))
        || (wl > 3 && strncmp (w, "sk-", 3) == 0)))
    return 0;
  for (i = 0; i < wl; i++)
    if (!is_alnum (w[i]) && !strchr ("@.-_", w[i]))
      return 0;
  return 1;
}

static int
base64_ok (const char *w, size_t wl)
{
  size_t i;

  if (wl == 0)
    return 0;
  for (i = 0; i < wl; i++)
    if (!is_alnum (w[i]) && !strchr ("+/=", w[i]))
      return 0;
  return 1;
}

int
vs_authkey_parse (const char *line, size_t len, struct vs_authkey *out)
{
  const char *p, *end, *w;
  size_t wl;

  vs_trim (&line, &len);
  if (len == 0 || line[0] == '#')
    return 0;
  memset (out, 0, sizeof *out);
  p = line;
  end = line + len;
  /* Words here are plain: no quote handling outside the options. */
  while (p < end && !is_blank (*p))
    p++;
  w = line;
  wl = (size_t) (p - line);
  if (!key_type_ok (w, wl)) {
    int quoted = 0;

    /* Options, up to the first blank outside double quotes. */
    p = line;
    while (p < end && (quoted || !is_blank (*p))) {
      if (*p == '\\' && quoted && p + 1 < end)
        p++;
      else if (*p == '"')
        quoted = !quoted;
      p++;
    }
    out->options = line;
    out->options_len = (size_t) (p - line);
    while (p < end && is_blank (*p))
      p++;
    w = p;
    while (p < end && !is_blank (*p))
      p++;
    wl = (size_t) (p - w);
    if (!key_type_ok (w, wl))
      return -1;
  }
  out->type = w;
  out->type_len = wl;
  while (p < end && is_blank (*p))
    p++;
  w = p;
  while (p < end && !is_blank (*p))
    p++;
  wl = (size_t) (p - w);
  if (!base64_ok (w, wl))
    return -1;
  out->blob = w;
  out->blob_len = wl;
  while (p < end && is_blank (*p))
    p++;
  if (p < end) {
    out->comment = p;
    out->comment_len = (size_t) (end - p);
  }
  return 1;
}

int
vs_authkey_option (const char *opts, size_t len, const char *name,
                   const char **val, size_t *vl)
{
  const char *p = opts, *end = opts + len;
  size_t nl = strlen (name);

  while (p < end && !vs_tick ()) {
    const char *start = p;
    int quoted = 0;

    /* One option: up to a ',' outside quotes. */
    while (p < end && (quoted || *p != ',')) {
      if (*p == '\\' && quoted && p + 1 < end)
        p++;
      else if (*p == '"')
        quoted = !quoted;
      p++;
    }
    if ((size_t) (p - start) >= nl
        && vs_memcasemem (start, nl, name) == start
        && ((size_t) (p - start) == nl || start[nl] == '=')) {
      const char *v = start + nl;
      size_t l = (size_t) (p - v);

      if (l && *v == '=') {
        v++;
        l--;
      }
      if (l >= 2 && v[0] == '"' && v[l - 1] == '"') {
        v++;
        l -= 2;
      }
      *val = v;
      *vl = l;
      return 1;
    }
    if (p < end)
      p++;
  }
  return 0;
}

long
vs_base64_decode (const char *s, size_t len, unsigned char *out)
{
  uint32_t acc = 0;
  size_t i, n = 0;
  int bits = 0;

  while (len && s[len - 1] == '=')
    len--;
  for (i = 0; i < len; i++) {
    int v = vs_base64_value ((unsigned char) s[i]);

    if (v < 0)
      return -1;
    acc = (acc << 6) | (uint32_t) v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = (unsigned char) (acc >> bits);
    }
  }
  if (bits >= 6)
    return -1;                  /* a single dangling character */
  return (long) n;
}

#define VS_SSH_BLOB_MAX 16384

int
vs_ssh_fingerprint (const char *b64, size_t len, char fp[VS_SSH_FP_LEN],
                    char type[65])
{
  unsigned char *raw;
  long n;
  uint32_t tl;

  if (len == 0 || len > VS_SSH_BLOB_MAX)
    return -1;
  raw = vs_xmalloc (len * 3 / 4 + 3);
  n = vs_base64_decode (b64, len, raw);
  if (n < 4) {
    free (raw);
    return -1;
  }
  tl = (uint32_t) raw[0] << 24 | (uint32_t) raw[1] << 16
    | (uint32_t) raw[2] << 8 | raw[3];
  if (tl == 0 || tl > 64 || tl > (uint32_t) n - 4) {
    free (raw);
    return -1;
  }
  memcpy (type, raw + 4, tl);
  type[tl] = '\0';
  vs_ssh_fingerprint_blob (raw, (size_t) n, fp);
  free (raw);
  return 0;
}

/* ---- sudoers ---- */

int
vs_sudo_next (const char *data, size_t len, size_t *pos, unsigned *lineno,
              struct vs_buf *line, unsigned *first)
{
  struct vs_line l;
  int any = 0, cut = 0;

  vs_buf_setlen (line, 0);
  l.no = *lineno;
  while (vs_line_next (data, len, pos, &l)) {
    size_t n = l.len, room = VS_SUDO_LINE_MAX - line->len;
    int more = n && l.p[n - 1] == '\\';

    if (!any)
      *first = l.no;
    any = 1;
    if (more)
      n--;
    /* Only ever a prefix: once cut, nothing later is joined on. */
    if (!cut) {
      if (n > room) {
        n = room;
        cut = 1;
      }
      vs_buf_add (line, l.p, n);
    }
    if (!more)
      break;
    if (!cut) {
      if (line->len < VS_SUDO_LINE_MAX)
        vs_buf_addc (line, ' ');
      else
        cut = 1;
    }
    if (vs_tick ())
      break;
  }
  *lineno = l.no;
  return any ? (cut ? 2 : 1) : 0;
}

static int
starts_word (const char *p, size_t len, const char *w)
{
  size_t n = strlen (w);

  return len >= n && memcmp (p, w, n) == 0
    && (len == n || is_blank (p[n]));
}

void
vs_sudo_parse (const char *line, size_t len, struct vs_sudo_line *out)
{
  static const char *const aliases[] = {
    "User_Alias", "Runas_Alias", "Host_Alias", "Cmnd_Alias", "Cmd_Alias",
  };
  const char *p, *end, *eq;
  size_t i, k;

  memset (out, 0, sizeof *out);
  vs_trim (&line, &len);
  if (len == 0) {
    out->kind = VS_SUDO_NONE;
    return;
  }
  if (starts_word (line, len, "#include") || starts_word (line, len, "@include")
      || starts_word (line, len, "#includedir")
      || starts_word (line, len, "@includedir")) {
    int dir = len > 8 && line[8] == 'd';

    out->kind = dir ? VS_SUDO_INCLUDEDIR : VS_SUDO_INCLUDE;
    out->arg = line + (dir ? 11 : 8);
    out->arg_len = len - (dir ? 11 : 8);
    vs_trim (&out->arg, &out->arg_len);
    if (out->arg_len >= 2 && out->arg[0] == '"'
        && out->arg[out->arg_len - 1] == '"') {
      out->arg++;
      out->arg_len -= 2;
    }
    return;
  }
  if (line[0] == '#' && !(len > 1 && is_digit (line[1]))) {
    out->kind = VS_SUDO_NONE;
    return;
  }
  /* Drop a trailing comment: '#' after a blank, not a uid. */
  for (i = 1; i < len; i++)
    if (line[i] == '#' && is_blank (line[i - 1])
        && !(i + 1 < len && is_digit (line[i + 1]))) {
      len = i;
      vs_trim (&line, &len);
      break;
    }
  end = line + len;
  if (len >= 8 && memcmp (line, "Defaults", 8) == 0
      && (len == 8 || is_blank (line[8]) || strchr (":@!>", line[8]))) {
    p = line + 8;
    out->kind = VS_SUDO_DEFAULTS;
    if (p < end && !is_blank (*p)) {
      out->who = ++p;
      while (p < end && !is_blank (*p))
        p++;
      out->who_len = (size_t) (p - out->who);
    }
    out->arg = p;
    out->arg_len = (size_t) (end - p);
    vs_trim (&out->arg, &out->arg_len);
    {
      const char *a = out->arg, *ae = out->arg + out->arg_len, *w;
      size_t wl;

      while (vs_next_item (&a, ae, &w, &wl) && !vs_tick ())
        if (vs_key_is (w, wl, "!authenticate")
            || (wl > 14 && memcmp (w, "!authenticate", 13) == 0
                && is_blank (w[13])))
          out->no_authenticate = 1;
    }
    return;
  }
  for (k = 0; k < VS_ARRAY_SIZE (aliases); k++)
    if (starts_word (line, len, aliases[k])) {
      out->kind = VS_SUDO_ALIAS;
      out->who = aliases[k];
      out->who_len = strlen (aliases[k]);
      out->arg = line + out->who_len;
      out->arg_len = len - out->who_len;
      vs_trim (&out->arg, &out->arg_len);
      return;
    }
  /* A user specification: users hosts = [(runas)] [TAG:] cmnd, ... */
  eq = memchr (line, '=', len);
  if (!eq) {
    out->kind = VS_SUDO_BAD;
    return;
  }
  {
    const char *left = line, *h;
    size_t ll = (size_t) (eq - line);

    vs_trim (&left, &ll);
    h = left + ll;
    while (h > left && !is_blank (h[-1]))
      h--;
    while (h > left && is_blank (h[-1]))
      h--;
    /* A host list may be "host1, host2": step back over commas. */
    while (h > left && h[-1] == ',') {
      h--;
      while (h > left && is_blank (h[-1]))
        h--;
      while (h > left && !is_blank (h[-1]))
        h--;
      while (h > left && is_blank (h[-1]))
        h--;
    }
    if (h == left) {
      out->kind = VS_SUDO_BAD;
      return;
    }
    out->kind = VS_SUDO_RULE;
    out->who = left;
    out->who_len = (size_t) (h - left);
  }
  out->arg = eq + 1;
  out->arg_len = (size_t) (end - eq - 1);
  vs_trim (&out->arg, &out->arg_len);
  if (vs_memcasemem (out->arg, out->arg_len, "NOPASSWD:"))
    out->nopasswd = 1;
  /* ALL as a command: a word "ALL" outside parentheses, not followed
   * by '=' (then it is the host list of another spec). */
  p = out->arg;
  end = out->arg + out->arg_len;
  {
    int depth = 0;

    while (p < end) {
      const char *w;

      if (*p == '(') {
        depth++;
        p++;
        continue;
      }
      if (*p == ')') {
        if (depth)
          depth--;
        p++;
        continue;
      }
      if (!is_alnum (*p) && *p != '_' && *p != '!') {
        p++;
        continue;
      }
      w = p;
      while (p < end && (is_alnum (*p) || *p == '_' || *p == '!' || *p == '-'
                         || *p == '/' || *p == '.'))
        p++;
      if (depth == 0 && p - w == 3 && memcmp (w, "ALL", 3) == 0) {
        const char *q = p;

        while (q < end && is_blank (*q))
          q++;
        if (q >= end || *q != '=')
          out->all_cmds = 1;
      }
    }
  }
}

/* ---- passwd, shadow, group ---- */

size_t
vs_colon_split (const char *line, size_t len, const char **f, size_t *fl,
                size_t max)
{
  size_t i, start = 0, k = 0;

  for (i = 0; i <= len; i++) {
    if (i == len || line[i] == ':') {
      if (k < max) {
        f[k] = line + start;
        fl[k] = i - start;
      }
      k++;
      start = i + 1;
    }
  }
  return k;
}

const char *
vs_shadow_describe (const char *pw, size_t len, int *usable)
{
  static const struct {
    const char *prefix, *name;
  } algos[] = {
    { "$y$", "yescrypt" }, { "$gy$", "gost-yescrypt" },
    { "$7$", "scrypt" }, { "$6$", "sha512crypt" },
    { "$5$", "sha256crypt" }, { "$2a$", "bcrypt" }, { "$2b$", "bcrypt" },
    { "$2y$", "bcrypt" }, { "$1$", "md5crypt" }, { "$sha1$", "sha1crypt" },
    { "$md5", "sunmd5" },
  };
  size_t i;

  *usable = 0;
  if (len == 0) {
    *usable = 1;
    return "empty";
  }
  if (pw[0] == '!' || pw[0] == '*')
    return "locked";
  for (i = 0; i < VS_ARRAY_SIZE (algos); i++) {
    size_t n = strlen (algos[i].prefix);

    if (len > n && memcmp (pw, algos[i].prefix, n) == 0) {
      *usable = 1;
      return algos[i].name;
    }
  }
  if (len == 13) {
    for (i = 0; i < len; i++)
      if (!is_alnum (pw[i]) && pw[i] != '.' && pw[i] != '/')
        break;
    if (i == len) {
      *usable = 1;
      return "descrypt";
    }
  }
  if (len == 1 && pw[0] == 'x')
    return "no password (x)";
  return "unrecognised format";
}
