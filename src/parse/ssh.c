/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: sshd_config, authorized_keys and key fingerprints (see ssh.h).
 *
 * Only vs_ssh_fingerprint allocates: a temporary for the decoded
 * blob, at most VS_SSH_BLOB_MAX bytes of base64.
 */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/ascii.h"
#include "base/base64.h"
#include "base/hash.h"
#include "base/util.h"
#include "parse/ssh.h"
#include "parse/text.h"

int
vs_sshd_parse (const char *line, size_t len, const char **key, size_t *kl,
               const char **val, size_t *vl)
{
  const char *p, *end;

  if (!vs_line_content (&line, &len))
    return 0;
  p = line;
  end = line + len;
  while (p < end && !vs_is_blank (*p) && *p != '=')
    p++;
  *key = line;
  *kl = (size_t) (p - line);
  while (p < end && vs_is_blank (*p))
    p++;
  if (p < end && *p == '=')
    p++;
  while (p < end && vs_is_blank (*p))
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
    if (!vs_ascii_alnum (w[i]) && !strchr ("@.-_", w[i]))
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
    if (!vs_ascii_alnum (w[i]) && !strchr ("+/=", w[i]))
      return 0;
  return 1;
}

/* The next word of [*p, end) after any blanks, up to a blank: a plain
 * word, quotes and all.  Sets *wl (0 at the end) and advances *p. */
static const char *
plain_word (const char **p, const char *end, size_t *wl)
{
  const char *s = *p, *w;

  while (s < end && vs_is_blank (*s))
    s++;
  w = s;
  while (s < end && !vs_is_blank (*s))
    s++;
  *wl = (size_t) (s - w);
  *p = s;
  return w;
}

/* The end of the option text that starts at p: the first blank (comma
 * 0) or ',' (comma 1) outside double quotes, a backslash inside quotes
 * escaping the next byte; end if there is none. */
static const char *
options_end (const char *p, const char *end, int comma)
{
  int quoted = 0;

  while (p < end && (quoted || !(comma ? *p == ',' : vs_is_blank (*p)))) {
    if (*p == '\\' && quoted && p + 1 < end)
      p++;
    else if (*p == '"')
      quoted = !quoted;
    p++;
  }
  return p;
}

int
vs_authkey_parse (const char *line, size_t len, struct vs_authkey *out)
{
  const char *p, *end, *w;
  size_t wl;

  if (!vs_line_content (&line, &len))
    return 0;
  memset (out, 0, sizeof *out);
  p = line;
  end = line + len;
  /* Words here are plain: no quote handling outside the options. */
  w = plain_word (&p, end, &wl);
  if (!key_type_ok (w, wl)) {
    /* Options, up to the first blank outside double quotes. */
    p = options_end (line, end, 0);
    out->options = line;
    out->options_len = (size_t) (p - line);
    w = plain_word (&p, end, &wl);
    if (!key_type_ok (w, wl))
      return -1;
  }
  out->type = w;
  out->type_len = wl;
  w = plain_word (&p, end, &wl);
  if (!base64_ok (w, wl))
    return -1;
  out->blob = w;
  out->blob_len = wl;
  while (p < end && vs_is_blank (*p))
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

    /* One option: up to a ',' outside quotes. */
    p = options_end (p, end, 1);
    if ((size_t) (p - start) >= nl && vs_memcaseeq (start, nl, name)
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
