/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: modprobe.d lines and module lists (see kmod.h).  Every
 * function walks its input once. */
#include <config.h>

#include <string.h>

#include "parse/kmod.h"
#include "parse/text.h"

int
vs_kmod_next_line (const char *data, size_t len, size_t *pos,
                   struct vs_buf *out, unsigned *lines, unsigned *first)
{
  size_t p = *pos;

  vs_buf_setlen (out, 0);
  vs_buf_grow (out, 1);
  out->data[0] = '\0';
  if (p >= len)
    return 0;
  *first = ++*lines;
  for (;;) {
    const char *nl = memchr (data + p, '\n', len - p);
    size_t end = nl ? (size_t) (nl - data) : len;
    size_t n = end - p;
    int cont = n > 0 && data[end - 1] == '\\';

    if (cont)
      n--;
    if (out->len < VS_KMOD_MAX_LINE) {
      size_t room = VS_KMOD_MAX_LINE - out->len;

      vs_buf_add (out, data + p, n < room ? n : room);
    }
    p = nl ? end + 1 : len;
    if (!cont || p >= len)
      break;
    ++*lines;
  }
  *pos = p;
  return 1;
}

static const struct {
  const char *word;
  enum vs_kmod_kind kind;
} commands[] = {
  { "install", VS_KMOD_INSTALL }, { "remove", VS_KMOD_REMOVE },
  { "options", VS_KMOD_OPTIONS }, { "blacklist", VS_KMOD_BLACKLIST },
  { "softdep", VS_KMOD_SOFTDEP }, { "alias", VS_KMOD_ALIAS },
};

enum vs_kmod_kind
vs_kmod_parse (const char *line, size_t len, struct vs_kmod_cmd *out)
{
  const char *p = line, *end, *w;
  size_t n = len, wl, i;

  memset (out, 0, sizeof *out);
  out->module = out->rest = "";
  if (!vs_line_content (&p, &n))
    return VS_KMOD_NONE;
  end = p + n;
  w = p;
  while (p < end && !vs_is_blank (*p))
    p++;
  wl = (size_t) (p - w);
  out->word = w;
  out->word_len = wl;
  out->kind = VS_KMOD_OTHER;
  for (i = 0; i < VS_ARRAY_SIZE (commands); i++)
    if (vs_key_is (w, wl, commands[i].word))
      out->kind = commands[i].kind;
  while (p < end && vs_is_blank (*p))
    p++;
  w = p;
  while (p < end && !vs_is_blank (*p))
    p++;
  out->module = w;
  out->module_len = (size_t) (p - w);
  while (p < end && vs_is_blank (*p))
    p++;
  out->rest = p;
  out->rest_len = (size_t) (end - p);
  vs_trim (&out->rest, &out->rest_len);
  return out->kind;
}

int
vs_kmod_list_entry (const char *line, size_t len, const char **name,
                    size_t *name_len, const char **args, size_t *args_len)
{
  const char *p = line, *end, *w;
  size_t n = len;

  *name = *args = "";
  *name_len = *args_len = 0;
  vs_trim (&p, &n);
  if (n == 0 || p[0] == '#' || p[0] == ';')
    return 0;
  end = p + n;
  w = p;
  while (p < end && !vs_is_blank (*p) && *p != '#')
    p++;
  *name = w;
  *name_len = (size_t) (p - w);
  while (p < end && vs_is_blank (*p))
    p++;
  /* A '#' after the name starts a comment in /etc/modules. */
  {
    const char *h = memchr (p, '#', (size_t) (end - p));

    if (h)
      end = h;
  }
  *args = p;
  *args_len = (size_t) (end - p);
  vs_trim (args, args_len);
  return *name_len > 0;
}

static char
fold (char c)
{
  return c == '-' ? '_' : c;
}

int
vs_kmod_name_eq (const char *a, size_t al, const char *b, size_t bl)
{
  size_t i;

  if (al != bl)
    return 0;
  for (i = 0; i < al; i++)
    if (fold (a[i]) != fold (b[i]))
      return 0;
  return 1;
}

size_t
vs_kmod_file_module (const char *name, size_t len)
{
  static const char *const suffixes[] = {
    ".ko", ".ko.xz", ".ko.zst", ".ko.gz",
  };
  size_t i;

  for (i = 0; i < VS_ARRAY_SIZE (suffixes); i++) {
    size_t sl = strlen (suffixes[i]);

    if (len > sl && memcmp (name + len - sl, suffixes[i], sl) == 0)
      return len - sl;
  }
  return 0;
}
