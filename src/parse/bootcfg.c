/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: boot loader configuration and kernel command lines (see
 * bootcfg.h).  Every function walks its input once: the shell scanner
 * moves forward one byte at a time and never goes back. */
#include <config.h>

#include <string.h>

#include "parse/bootcfg.h"
#include "parse/text.h"

static int
is_space (char c)
{
  return vs_is_blank (c) || c == '\n';
}

int
vs_kparam_next (const char **p, const char *end, struct vs_kparam *out)
{
  const char *s = *p, *start, *eq = NULL;
  int quoted = 0;

  while (s < end && is_space (*s))
    s++;
  if (s >= end) {
    *p = s;
    return 0;
  }
  start = s;
  for (; s < end; s++) {
    if (*s == '"')
      quoted = !quoted;
    else if (!quoted && is_space (*s))
      break;
    else if (*s == '=' && !eq)
      eq = s;
  }
  *p = s;
  memset (out, 0, sizeof *out);
  out->text = start;
  out->text_len = (size_t) (s - start);
  out->key = start;
  if (*start == '"')
    out->key++;
  if (eq) {
    out->key_len = (size_t) (eq - out->key);
    out->value = eq + 1;
    out->value_len = (size_t) (s - eq - 1);
  }
  else
    out->key_len = (size_t) (s - out->key);
  /* A closing quote at the end goes, and an opening one of the value. */
  if (out->value) {
    if (out->value_len && out->value[0] == '"') {
      out->value++;
      out->value_len--;
    }
    if (out->value_len && out->value[out->value_len - 1] == '"')
      out->value_len--;
  }
  else if (out->key_len && out->key[out->key_len - 1] == '"')
    out->key_len--;
  return 1;
}

/* ---- shell assignments ---- */

struct scan {
  const char *d;
  size_t len, i;
  unsigned *lines;
  struct vs_buf *v;
  int *refs;
};

static void
put (struct scan *s, char c)
{
  if (s->v->len < VS_BOOTCFG_MAX_VALUE)
    vs_buf_addc (s->v, c);
}

static int
is_name_start (char c)
{
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static int
is_name_char (char c)
{
  return is_name_start (c) || (c >= '0' && c <= '9');
}

/* At a '$': skips a variable reference ($NAME, ${...}, $(...)) and
 * notes it, or keeps a lone '$'.  inq: inside double quotes. */
static void
dollar (struct scan *s, int inq)
{
  char c;

  s->i++;
  if (s->i >= s->len) {
    put (s, '$');
    return;
  }
  c = s->d[s->i];
  if (is_name_start (c) || (c >= '0' && c <= '9') || c == '?' || c == '@'
      || c == '*' || c == '#' || c == '$') {
    if (is_name_start (c))
      while (s->i < s->len && is_name_char (s->d[s->i]))
        s->i++;
    else
      s->i++;
    *s->refs = 1;
    return;
  }
  if (c == '{' || c == '(') {
    char close = c == '{' ? '}' : ')';

    while (s->i < s->len && s->d[s->i] != close
           && !(inq && s->d[s->i] == '"')) {
      if (s->d[s->i] == '\n')
        ++*s->lines;
      s->i++;
    }
    if (s->i < s->len && s->d[s->i] == close)
      s->i++;
    *s->refs = 1;
    return;
  }
  put (s, '$');
}

/* At a '`': skips the command substitution. */
static void
backquote (struct scan *s)
{
  s->i++;
  while (s->i < s->len && s->d[s->i] != '`') {
    if (s->d[s->i] == '\n')
      ++*s->lines;
    s->i++;
  }
  if (s->i < s->len)
    s->i++;
  *s->refs = 1;
}

/* Reads one shell word from s->i into s->v. */
static void
word (struct scan *s)
{
  while (s->i < s->len) {
    char c = s->d[s->i];

    if (vs_is_blank (c) || c == '\n' || c == ';' || c == '&' || c == '|')
      return;
    if (c == '\'') {
      s->i++;
      while (s->i < s->len && s->d[s->i] != '\'') {
        if (s->d[s->i] == '\n')
          ++*s->lines;
        put (s, s->d[s->i++]);
      }
      if (s->i < s->len)
        s->i++;
    }
    else if (c == '"') {
      s->i++;
      while (s->i < s->len && s->d[s->i] != '"') {
        char q = s->d[s->i];

        if (q == '\\' && s->i + 1 < s->len) {
          char e = s->d[s->i + 1];

          if (e == '\n') {
            ++*s->lines;
            s->i += 2;
            continue;
          }
          if (e == '"' || e == '\\' || e == '$' || e == '`') {
            put (s, e);
            s->i += 2;
            continue;
          }
        }
        if (q == '$') {
          dollar (s, 1);
          continue;
        }
        if (q == '`') {
          backquote (s);
          continue;
        }
        if (q == '\n')
          ++*s->lines;
        put (s, q);
        s->i++;
      }
      if (s->i < s->len)
        s->i++;
    }
    else if (c == '\\') {
      s->i++;
      if (s->i < s->len) {
        if (s->d[s->i] == '\n')
          ++*s->lines;
        else
          put (s, s->d[s->i]);
        s->i++;
      }
    }
    else if (c == '$')
      dollar (s, 0);
    else if (c == '`')
      backquote (s);
    else {
      put (s, c);
      s->i++;
    }
  }
}

/* Moves s->i past the end of the current line. */
static void
skip_line (struct scan *s)
{
  const char *nl = memchr (s->d + s->i, '\n', s->len - s->i);

  s->i = nl ? (size_t) (nl - s->d) + 1 : s->len;
  ++*s->lines;
}

int
vs_sh_next_assign (const char *data, size_t len, size_t *pos,
                   unsigned *lines, struct vs_sh_assign *out,
                   struct vs_buf *value)
{
  struct scan s;
  int refs = 0;

  s.d = data;
  s.len = len;
  s.i = *pos;
  s.lines = lines;
  s.v = value;
  s.refs = &refs;
  vs_buf_setlen (value, 0);
  vs_buf_grow (value, 1);
  value->data[0] = '\0';
  while (s.i < s.len) {
    size_t n0, at;
    unsigned line = *lines + 1;

    while (s.i < s.len && vs_is_blank (s.d[s.i]))
      s.i++;
    if (s.len - s.i > 7 && memcmp (s.d + s.i, "export", 6) == 0
        && vs_is_blank (s.d[s.i + 6])) {
      s.i += 7;
      while (s.i < s.len && vs_is_blank (s.d[s.i]))
        s.i++;
    }
    if (s.i >= s.len || !is_name_start (s.d[s.i])) {
      if (s.i < s.len)
        skip_line (&s);
      continue;
    }
    n0 = s.i;
    while (s.i < s.len && is_name_char (s.d[s.i]))
      s.i++;
    at = s.i;
    memset (out, 0, sizeof *out);
    if (s.i + 1 < s.len && s.d[s.i] == '+' && s.d[s.i + 1] == '=') {
      out->append = 1;
      s.i += 2;
    }
    else if (s.i < s.len && s.d[s.i] == '=')
      s.i++;
    else {
      skip_line (&s);
      continue;
    }
    out->name = s.d + n0;
    out->name_len = at - n0;
    out->line = line;
    word (&s);
    out->refs = refs;
    /* The rest of the line (another command, a comment) is not read. */
    if (s.i < s.len)
      skip_line (&s);
    *pos = s.i;
    return 1;
  }
  *pos = s.i;
  return 0;
}

/* ---- grub.cfg and loader entries ---- */

/* The first word of a trimmed line and what follows it, trimmed. */
static int
first_word (const char *line, size_t len, const char **w, size_t *wl,
            const char **rest, size_t *rl)
{
  const char *p = line, *end;
  size_t n = len;

  if (!vs_line_content (&p, &n))
    return 0;
  end = p + n;
  *w = p;
  while (p < end && !vs_is_blank (*p))
    p++;
  *wl = (size_t) (p - *w);
  *rest = p;
  *rl = (size_t) (end - p);
  vs_trim (rest, rl);
  return 1;
}

int
vs_grubcfg_linux (const char *line, size_t len, const char **args,
                  size_t *args_len)
{
  const char *w, *rest, *end;
  size_t wl, rl;

  if (!first_word (line, len, &w, &wl, &rest, &rl)
      || !(vs_key_is (w, wl, "linux") || vs_key_is (w, wl, "linux16")
           || vs_key_is (w, wl, "linuxefi") || vs_key_is (w, wl, "kernel")))
    return 0;
  end = rest + rl;
  /* The kernel's path, then its arguments. */
  while (rest < end && !vs_is_blank (*rest))
    rest++;
  rl = (size_t) (end - rest);
  vs_trim (&rest, &rl);
  *args = rest;
  *args_len = rl;
  return 1;
}

int
vs_bls_options (const char *line, size_t len, const char **args,
                size_t *args_len)
{
  const char *w;
  size_t wl;

  if (!first_word (line, len, &w, &wl, args, args_len)
      || !vs_key_is (w, wl, "options"))
    return 0;
  return 1;
}
