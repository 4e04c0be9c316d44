/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: sudoers files (see sudoers.h).
 *
 * A logical line is joined into the caller's buffer, at most
 * VS_SUDO_LINE_MAX bytes; the loops over its physical lines and over
 * the items of a Defaults line count their turns with vs_tick ().
 */
#include <config.h>

#include <string.h>

#include "base/ascii.h"
#include "base/util.h"
#include "parse/sudoers.h"
#include "parse/text.h"

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
    && (len == n || vs_is_blank (p[n]));
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
  if (line[0] == '#' && !(len > 1 && vs_ascii_digit (line[1]))) {
    out->kind = VS_SUDO_NONE;
    return;
  }
  /* Drop a trailing comment: '#' after a blank, not a uid. */
  for (i = 1; i < len; i++)
    if (line[i] == '#' && vs_is_blank (line[i - 1])
        && !(i + 1 < len && vs_ascii_digit (line[i + 1]))) {
      len = i;
      vs_trim (&line, &len);
      break;
    }
  end = line + len;
  if (len >= 8 && memcmp (line, "Defaults", 8) == 0
      && (len == 8 || vs_is_blank (line[8]) || strchr (":@!>", line[8]))) {
    p = line + 8;
    out->kind = VS_SUDO_DEFAULTS;
    if (p < end && !vs_is_blank (*p)) {
      out->who = ++p;
      while (p < end && !vs_is_blank (*p))
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
                && vs_is_blank (w[13])))
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
    while (h > left && !vs_is_blank (h[-1]))
      h--;
    while (h > left && vs_is_blank (h[-1]))
      h--;
    /* A host list may be "host1, host2": step back over commas. */
    while (h > left && h[-1] == ',') {
      h--;
      while (h > left && vs_is_blank (h[-1]))
        h--;
      while (h > left && !vs_is_blank (h[-1]))
        h--;
      while (h > left && vs_is_blank (h[-1]))
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
      if (!vs_ascii_alnum (*p) && *p != '_' && *p != '!') {
        p++;
        continue;
      }
      w = p;
      while (p < end && (vs_ascii_alnum (*p) || *p == '_' || *p == '!' || *p == '-'
                         || *p == '/' || *p == '.'))
        p++;
      if (depth == 0 && p - w == 3 && memcmp (w, "ALL", 3) == 0) {
        const char *q = p;

        while (q < end && vs_is_blank (*q))
          q++;
        if (q >= end || *q != '=')
          out->all_cmds = 1;
      }
    }
  }
}
