/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: the suspicion heuristic for shell commands (see shellcmd.h).
 *
 * A fixed set of case-insensitive searches and three bounded scans
 * (command position, a pipe into a shell, a program run from an odd
 * directory), each linear in the command for its fixed words.  Loops
 * over the bytes of one command need no tick: a command is bounded by
 * its file's cap.
 */
#include <config.h>

#include <string.h>

#include "base/util.h"
#include "parse/shellcmd.h"
#include "parse/text.h"

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
  while (i > 0 && vs_is_blank (cmd[i - 1]))
    i--;
  if (i == 0)
    return 1;
  if (strchr (";&|(`{\n", cmd[i - 1]))
    return 1;
  if (cmd[i - 1] == '=' )
    return 0;
  end = i;
  start = end;
  while (start > 0 && !vs_is_blank (cmd[start - 1])
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
    while (j < len && vs_is_blank (cmd[j]))
      j++;
    if (j + 5 < len && memcmp (cmd + j, "sudo ", 5) == 0)
      j += 5;
    /* Skip a directory: /bin/, /usr/bin/ */
    w = j;
    while (w < len && !vs_is_blank (cmd[w]) && !strchr (";&|)\"'", cmd[w]))
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
      if (i > 0 && !vs_is_blank (cmd[i - 1])
          && !strchr (";&|(`{\"'=", cmd[i - 1]))
        continue;
      if (vs_is_blank (cmd[i + n]) || strchr (";&|)\"'", cmd[i + n]))
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
    if (cmd[i + 2] == '/' || cmd[i + 2] == '.' || vs_is_blank (cmd[i + 2]))
      continue;
    j = i + 2;
    while (j < len && !vs_is_blank (cmd[j]) && cmd[j] != '/'
           && !strchr (";&|)\"'", cmd[j]))
      j++;
    if (j >= len || cmd[j] != '/')
      continue;
    start = i;
    while (start > 0 && !vs_is_blank (cmd[start - 1])
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
