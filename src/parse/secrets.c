/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: find secrets in text without keeping them (see secrets.h).
 *
 * Private keys: PEM blocks are recognised by their armour; an OpenSSH
 * key's body is decoded (at most VS_KEY_MAX_BODY bytes) to read its
 * cipher and its public key, whose SHA-256 is the fingerprint ssh-keygen
 * prints; a PuTTY key's public lines likewise.  The private part is never
 * decoded.
 *
 * Lines: a fixed set of recognisers, each a bounded forward scan; hits
 * that overlap an earlier one are dropped, so a line gives at most
 * VS_SECRET_MAX_HITS spans in order.
 */
#include <config.h>

#include <stdint.h>
#include <string.h>

#include "base/ascii.h"
#include "base/hash.h"
#include "base/base64.h"
#include "parse/secrets.h"
#include "base/util.h"

#define VS_KEY_MAX_BODY (64 * 1024)
#define VS_SECRET_MAX_VALUE 4096

static const char *
find (const char *s, size_t len, const char *needle)
{
  size_t n = strlen (needle);

  if (n == 0 || len < n)
    return NULL;
  return memmem (s, len, needle, n);
}

/* ---- base64 ---- */

/* Decodes base64 from s (len bytes), skipping whitespace and the
 * two-byte escape "\n" of JSON strings, stopping at '=' or another byte;
 * writes at most max bytes.  Returns the number written. */
static size_t
b64_decode (const char *s, size_t len, unsigned char *out, size_t max)
{
  uint32_t acc = 0;
  int bits = 0;
  size_t i, n = 0;

  for (i = 0; i < len && n < max; i++) {
    unsigned char c = (unsigned char) s[i];
    int v;

    if (c == ' ' || c == '\n' || c == '\r' || c == '\t')
      continue;
    if (c == '\\' && i + 1 < len && s[i + 1] == 'n') {
      i++;
      continue;
    }
    v = vs_base64_value (c);
    if (v < 0)
      break;
    acc = (acc << 6) | (uint32_t) v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = (unsigned char) (acc >> bits);
      acc &= (1u << bits) - 1;
    }
  }
  return n;
}

/* ---- SSH wire format ---- */

struct reader {
  const unsigned char *p;
  size_t len, pos;
};

static int
read_u32 (struct reader *r, uint32_t *v)
{
  if (r->len - r->pos < 4)
    return -1;
  *v = (uint32_t) r->p[r->pos] << 24 | (uint32_t) r->p[r->pos + 1] << 16
    | (uint32_t) r->p[r->pos + 2] << 8 | r->p[r->pos + 3];
  r->pos += 4;
  return 0;
}

static int
read_string (struct reader *r, const unsigned char **s, size_t *n)
{
  uint32_t l;

  if (read_u32 (r, &l) == -1 || l > r->len - r->pos)
    return -1;
  *s = r->p + r->pos;
  *n = l;
  r->pos += l;
  return 0;
}

/* Copies a key type name ("ssh-ed25519") if it is plain printable ASCII. */
static void
set_type (char type[48], const unsigned char *s, size_t n)
{
  size_t i;

  if (n == 0 || n >= 48)
    goto unknown;
  for (i = 0; i < n; i++)
    if (s[i] <= 0x20 || s[i] >= 0x7f)
      goto unknown;
  memcpy (type, s, n);
  type[n] = '\0';
  return;
 unknown:
  strcpy (type, "unknown");
}

/* The public key blob's type and fingerprint. */
static void
describe_public (struct vs_privkey *k, const unsigned char *blob, size_t n)
{
  struct reader r = { blob, n, 0 };
  const unsigned char *t;
  size_t tn;

  vs_ssh_fingerprint_blob (blob, n, k->fingerprint);
  if (read_string (&r, &t, &tn) == 0)
    set_type (k->type, t, tn);
  else
    strcpy (k->type, "unknown");
}

static void
parse_openssh (struct vs_privkey *k, const char *body, size_t len)
{
  static const char magic[] = "openssh-key-v1";
  unsigned char *buf = vs_xmalloc (VS_KEY_MAX_BODY);
  size_t n = b64_decode (body, len, buf, VS_KEY_MAX_BODY);
  struct reader r = { buf, n, sizeof magic };
  const unsigned char *cipher, *kdf, *opts, *pub;
  size_t cn, kn, on, pn;
  uint32_t nkeys;

  strcpy (k->type, "openssh");
  k->encrypted = 0;
  if (n < sizeof magic || memcmp (buf, magic, sizeof magic) != 0
      || read_string (&r, &cipher, &cn) == -1
      || read_string (&r, &kdf, &kn) == -1
      || read_string (&r, &opts, &on) == -1
      || read_u32 (&r, &nkeys) == -1) {
    free (buf);
    return;
  }
  k->encrypted = !(cn == 4 && memcmp (cipher, "none", 4) == 0);
  if (nkeys >= 1 && read_string (&r, &pub, &pn) == 0)
    describe_public (k, pub, pn);
  free (buf);
}

/* The label between "-----BEGIN " and "-----" if it ends with "PRIVATE
 * KEY". */
static int
pem_label (const char *p, size_t left, const char **label, size_t *n)
{
  const char *end;
  size_t max = left < 80 ? left : 80;

  if (max < 11 || memcmp (p, "-----BEGIN ", 11) != 0)
    return 0;
  end = find (p + 11, max - 11, "-----");
  if (!end)
    return 0;
  *label = p + 11;
  *n = (size_t) (end - *label);
  return *n >= 11 && memcmp (*label + *n - 11, "PRIVATE KEY", 11) == 0;
}

static void
parse_pem (struct vs_privkey *k, const char *label, size_t n,
           const char *body, size_t len)
{
  size_t tn = n - 11;

  while (tn > 0 && label[tn - 1] == ' ')
    tn--;
  if (tn == 0)
    strcpy (k->type, "PKCS#8");
  else if (tn == 9 && memcmp (label, "ENCRYPTED", 9) == 0) {
    strcpy (k->type, "PKCS#8");
    k->encrypted = 1;
  }
  else
    set_type (k->type, (const unsigned char *) label, tn);
  if (find (body, len < 512 ? len : 512, "ENCRYPTED"))
    k->encrypted = 1;
}

static void
parse_putty (struct vs_privkey *k, const char *p, size_t len)
{
  const char *nl = memchr (p, '\n', len), *t, *enc, *pl;
  size_t line = nl ? (size_t) (nl - p) : len, window = len < 65536 ? len
    : 65536;

  k->format = VS_PRIVKEY_PUTTY;
  t = memchr (p, ':', line);
  if (t) {
    t++;
    while (t < p + line && *t == ' ')
      t++;
    set_type (k->type, (const unsigned char *) t,
              (size_t) (p + line - t) - (p[line - 1] == '\r'));
  }
  else
    strcpy (k->type, "unknown");
  enc = find (p, window, "\nEncryption: ");
  if (enc)
    k->encrypted = !(window - (size_t) (enc - p) >= 17
                     && memcmp (enc + 13, "none", 4) == 0);
  pl = find (p, window, "\nPublic-Lines: ");
  if (pl) {
    const char *q = pl + 15, *lim = p + window, *start;
    unsigned lines = 0;
    unsigned char *buf;
    size_t n;

    while (q < lim && *q >= '0' && *q <= '9' && lines < 1000)
      lines = lines * 10 + (unsigned) (*q++ - '0');
    q = memchr (q, '\n', (size_t) (lim - q));
    if (!q || lines == 0)
      return;
    start = ++q;
    /* The body is exactly that many lines. */
    while (lines > 0 && q < lim) {
      const char *e = memchr (q, '\n', (size_t) (lim - q));

      q = e ? e + 1 : lim;
      lines--;
    }
    buf = vs_xmalloc (VS_KEY_MAX_BODY);
    n = b64_decode (start, (size_t) (q - start), buf, VS_KEY_MAX_BODY);
    if (n > 0)
      vs_ssh_fingerprint_blob (buf, n, k->fingerprint);
    free (buf);
  }
}

size_t
vs_privkey_find (const char *data, size_t len, struct vs_privkey *keys,
                 size_t max)
{
  size_t found = 0, pos = 0;

  while (pos < len && found < max) {
    const char *p = data + pos, *label, *end;
    size_t left = len - pos, n;
    struct vs_privkey *k = &keys[found];

    if (*p != '-' && *p != 'P') {
      const char *a = memchr (p, '-', left), *b = memchr (p, 'P', left);
      const char *next = a && (!b || a < b) ? a : b;

      if (!next)
        break;
      pos = (size_t) (next - data);
      continue;
    }
    memset (k, 0, sizeof *k);
    k->offset = pos;
    if (pem_label (p, left, &label, &n)) {
      const char *body = label + n + 5;
      size_t blen = (size_t) (data + len - body);

      end = find (body, blen, "-----END ");
      if (end)
        blen = (size_t) (end - body);
      if (n == 19 && memcmp (label, "OPENSSH PRIVATE KEY", 19) == 0) {
        k->format = VS_PRIVKEY_OPENSSH;
        parse_openssh (k, body, blen);
      }
      else {
        k->format = VS_PRIVKEY_PEM;
        parse_pem (k, label, n, body, blen);
      }
      found++;
      pos = (size_t) (body - data) + blen;
      continue;
    }
    if (left > 20 && memcmp (p, "PuTTY-User-Key-File-", 20) == 0
        && (pos == 0 || data[pos - 1] == '\n')) {
      parse_putty (k, p, left);
      found++;
      pos += 20;
      continue;
    }
    pos++;
  }
  return found;
}

/* ---- lines ---- */

static const char *const kind_names[VS_SECRET_KIND_COUNT] = {
  "aws-access-key-id", "aws-secret-access-key", "aws-session-token",
  "github-token", "gitlab-token", "slack-token", "google-api-key",
  "bearer-token", "url-password", "password", "token", "docker-auth",
  "private-key",
};

const char *
vs_secret_kind_name (enum vs_secret_kind kind)
{
  return (unsigned) kind < VS_SECRET_KIND_COUNT ? kind_names[kind] : "?";
}

int
vs_secret_kind_cloud (enum vs_secret_kind kind)
{
  switch (kind) {
  case VS_SECRET_AWS_KEY_ID: case VS_SECRET_AWS_SECRET:
  case VS_SECRET_AWS_SESSION: case VS_SECRET_GITHUB: case VS_SECRET_GITLAB:
  case VS_SECRET_SLACK: case VS_SECRET_GOOGLE_API:
  case VS_SECRET_DOCKER_AUTH: case VS_SECRET_PRIVATE_KEY:
    return 1;
  default:
    return 0;
  }
}

static int
is_upper_digit (char c)
{
  return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

struct hits {
  struct vs_secret_hit *h;
  size_t n, max;
};

/* Adds a hit unless it overlaps one already there; keeps them sorted. */
static void
add_hit (struct hits *hs, enum vs_secret_kind kind, size_t start, size_t len)
{
  size_t i, j;

  if (len == 0)
    return;
  for (i = 0; i < hs->n; i++)
    if (start < hs->h[i].start + hs->h[i].len
        && hs->h[i].start < start + len)
      return;
  if (hs->n == hs->max)
    return;
  for (i = 0; i < hs->n && hs->h[i].start < start; i++)
    ;
  for (j = hs->n; j > i; j--)
    hs->h[j] = hs->h[j - 1];
  hs->h[i].kind = kind;
  hs->h[i].start = start;
  hs->h[i].len = len;
  hs->n++;
}

/* Length of the run at s of bytes in class, at most max. */
static size_t
run (const char *s, size_t len, int (*cls) (char), size_t max)
{
  size_t i;

  for (i = 0; i < len && i < max && cls (s[i]); i++)
    ;
  return i;
}

static int
cls_alnum (char c)
{
  return vs_ascii_alnum (c);
}

static int
cls_alnum_us (char c)
{
  return vs_ascii_alnum (c) || c == '_';
}

static int
cls_alnum_dash (char c)
{
  return vs_ascii_alnum (c) || c == '-';
}

static int
cls_alnum_us_dash (char c)
{
  return vs_ascii_alnum (c) || c == '_' || c == '-';
}

static int
cls_upper_digit (char c)
{
  return is_upper_digit (c);
}

static int
cls_token (char c)
{
  return vs_ascii_alnum (c) || c == '.' || c == '_' || c == '~' || c == '+'
    || c == '/' || c == '=' || c == '-';
}

/* Tokens with a fixed prefix: prefix, then at least min bytes of cls. */
static void
scan_prefixed (struct hits *hs, const char *line, size_t len,
               const char *pfx, int (*cls) (char), size_t min,
               enum vs_secret_kind kind)
{
  size_t pl = strlen (pfx), pos = 0;
  const char *p;

  while (pos < len && (p = find (line + pos, len - pos, pfx)) != NULL) {
    size_t at = (size_t) (p - line), r;

    pos = at + 1;
    if (at > 0 && (vs_ascii_alnum (line[at - 1]) || line[at - 1] == '_'))
      continue;
    r = run (line + at + pl, len - at - pl, cls, VS_SECRET_MAX_VALUE);
    if (r >= min) {
      add_hit (hs, kind, at, pl + r);
      pos = at + pl + r;
    }
  }
}

static void
scan_aws_key_ids (struct hits *hs, const char *line, size_t len)
{
  static const char *const pfx[] = { "AKIA", "ASIA", "AGPA", "AIDA", "AROA",
                                     "ANPA", "ANVA", "AIPA" };
  size_t i, k;

  for (i = 0; i + 20 <= len; i++) {
    if (line[i] != 'A' || (i > 0 && vs_ascii_alnum (line[i - 1])))
      continue;
    for (k = 0; k < sizeof pfx / sizeof pfx[0]; k++)
      if (memcmp (line + i, pfx[k], 4) == 0)
        break;
    if (k == sizeof pfx / sizeof pfx[0])
      continue;
    if (run (line + i + 4, len - i - 4, cls_upper_digit, 17) == 16
        && (i + 20 == len || !vs_ascii_alnum (line[i + 20]))) {
      add_hit (hs, VS_SECRET_AWS_KEY_ID, i, 20);
      i += 19;
    }
  }
}

/* Values that stand for no secret: variables, placeholders, booleans. */
static int
placeholder (const char *v, size_t n)
{
  static const char *const words[] = {
    "null", "none", "true", "false", "prompt", "undefined", "password",
    "secret", "token", "yes", "no", "empty", "required", "optional",
  };
  size_t i, k;

  if (n == 0 || v[0] == '$' || v[0] == '<' || v[0] == '%' || v[0] == '{'
      || v[0] == '-' || v[0] == '(' || v[0] == '`')
    return 1;
  for (i = 0; i < n && (v[i] == '*' || v[i] == 'x' || v[i] == 'X'
                        || v[i] == '.'); i++)
    ;
  if (i == n)
    return 1;
  for (k = 0; k < sizeof words / sizeof words[0]; k++)
    if (vs_memcaseeq (v, n, words[k]))
      return 1;
  return 0;
}

static int
value_end (char c)
{
  return c == ' ' || c == '\t' || c == ';' || c == '&' || c == '|'
    || c == ',' || c == '}' || c == ')' || c == '"' || c == '\'' || c == '\0'
    || c == '\r' || c == ']';
}

/* key = value, key: value, "key": "value", and for keys starting with
 * "--" also "--key value".  The key is matched case-insensitively
 * wherever it ends a word of the line (DB_PASSWORD, client_secret). */
static void
scan_assign (struct hits *hs, const char *line, size_t len, const char *key,
             enum vs_secret_kind kind, size_t min)
{
  size_t kl = strlen (key), pos = 0;
  const char *p;
  int dashes = key[0] == '-' && key[1] == '-';

  while (pos < len && (p = vs_memcasemem (line + pos, len - pos, key)) != NULL) {
    size_t j = (size_t) (p - line) + kl, start, n;
    char q = 0;
    int sep = 0;

    pos = (size_t) (p - line) + 1;
    if (j < len && (line[j] == '"' || line[j] == '\''))
      j++;
    while (j < len && (line[j] == ' ' || line[j] == '\t'))
      j++;
    if (j < len && (line[j] == '=' || line[j] == ':')) {
      if (line[j] == ':' && j + 2 < len && line[j + 1] == '/'
          && line[j + 2] == '/')
        continue;
      sep = 1;
      j++;
    }
    if (!sep && !(dashes && j > (size_t) (p - line) + kl))
      continue;
    while (j < len && (line[j] == ' ' || line[j] == '\t'))
      j++;
    if (j < len && (line[j] == '"' || line[j] == '\''))
      q = line[j++];
    start = j;
    if (q) {
      const char *e = memchr (line + j, q, len - j);

      n = e ? (size_t) (e - (line + j)) : len - j;
    }
    else {
      for (n = 0; j + n < len && !value_end (line[j + n]); n++)
        ;
    }
    if (n >= min && !placeholder (line + start, n)) {
      add_hit (hs, kind, start, n);
      pos = start + n;
    }
  }
}

static void
scan_bearer (struct hits *hs, const char *line, size_t len)
{
  size_t pos = 0;
  const char *p;

  while (pos < len && (p = vs_memcasemem (line + pos, len - pos, "bearer ")) != NULL) {
    size_t at = (size_t) (p - line) + 7, r;

    while (at < len && line[at] == ' ')
      at++;
    r = run (line + at, len - at, cls_token, VS_SECRET_MAX_VALUE);
    if (r >= 8 && !placeholder (line + at, r))
      add_hit (hs, VS_SECRET_BEARER, at, r);
    pos = at + r + 1;
  }
}

static void
scan_url_password (struct hits *hs, const char *line, size_t len)
{
  size_t pos = 0;
  const char *p;

  while (pos < len && (p = find (line + pos, len - pos, "://")) != NULL) {
    size_t at = (size_t) (p - line) + 3, i, colon = 0;

    pos = at;
    for (i = at; i < len && i < at + 512; i++) {
      char c = line[i];

      if (c == '@' || c == '/' || c == ' ' || c == '\t' || c == '"'
          || c == '\'' || c == '\0')
        break;
      if (c == ':' && !colon)
        colon = i;
    }
    if (i < len && line[i] == '@' && colon && i > colon + 1
        && !placeholder (line + colon + 1, i - colon - 1)) {
      add_hit (hs, VS_SECRET_URL_PASSWORD, colon + 1, i - colon - 1);
      pos = i + 1;
    }
  }
}

/* mysql -pSECRET, mysqldump -pSECRET, sshpass -p SECRET. */
static void
scan_dash_p (struct hits *hs, const char *line, size_t len)
{
  int mysql = vs_memcasemem (line, len, "mysql") || vs_memcasemem (line, len, "mariadb");
  int sshpass = find (line, len, "sshpass") != NULL;
  size_t pos = 0;
  const char *p;

  if (!mysql && !sshpass)
    return;
  while (pos < len && (p = find (line + pos, len - pos, " -p")) != NULL) {
    size_t j = (size_t) (p - line) + 3, start, n;

    pos = j;
    if (j < len && line[j] == ' ') {
      if (!sshpass)
        continue;
      while (j < len && line[j] == ' ')
        j++;
    }
    if (j < len && (line[j] == '\'' || line[j] == '"')) {
      char q = line[j++];
      const char *e = memchr (line + j, q, len - j);

      start = j;
      n = e ? (size_t) (e - (line + j)) : len - j;
    }
    else {
      start = j;
      for (n = 0; j + n < len && !value_end (line[j + n]); n++)
        ;
    }
    if (n > 0 && !placeholder (line + start, n))
      add_hit (hs, VS_SECRET_PASSWORD, start, n);
  }
}

static void
scan_pgpass (struct hits *hs, const char *line, size_t len)
{
  size_t i, fields = 0;

  if (len == 0 || line[0] == '#')
    return;
  for (i = 0; i < len; i++) {
    if (line[i] == '\\') {
      i++;
      continue;
    }
    if (line[i] == ':' && ++fields == 4) {
      size_t n = len - i - 1;

      if (n > 0 && line[len - 1] == '\r')
        n--;
      if (n > 0)
        add_hit (hs, VS_SECRET_PASSWORD, i + 1, n);
      return;
    }
  }
}

static void
scan_netrc (struct hits *hs, const char *line, size_t len)
{
  size_t pos = 0;
  const char *p;

  while (pos < len && (p = find (line + pos, len - pos, "password")) != NULL) {
    size_t j = (size_t) (p - line) + 8, n;

    pos = j;
    if ((p > line && !(p[-1] == ' ' || p[-1] == '\t'))
        || j >= len || (line[j] != ' ' && line[j] != '\t'))
      continue;
    while (j < len && (line[j] == ' ' || line[j] == '\t'))
      j++;
    for (n = 0; j + n < len && line[j + n] != ' ' && line[j + n] != '\t'
         && line[j + n] != '\r'; n++)
      ;
    if (n > 0)
      add_hit (hs, VS_SECRET_PASSWORD, j, n);
    pos = j + n;
  }
}

size_t
vs_secret_scan_line (const char *line, size_t len, unsigned mode,
                     struct vs_secret_hit *hits, size_t max)
{
  struct hits hs = { hits, 0, max };

  if (max == 0)
    return 0;
  /* The most specific first: a later hit overlapping is dropped. */
  scan_aws_key_ids (&hs, line, len);
  scan_assign (&hs, line, len, "aws_secret_access_key",
               VS_SECRET_AWS_SECRET, 16);
  scan_assign (&hs, line, len, "secretaccesskey", VS_SECRET_AWS_SECRET, 16);
  scan_assign (&hs, line, len, "aws_session_token", VS_SECRET_AWS_SESSION,
               16);
  scan_prefixed (&hs, line, len, "github_pat_", cls_alnum_us, 22,
                 VS_SECRET_GITHUB);
  scan_prefixed (&hs, line, len, "ghp_", cls_alnum, 30, VS_SECRET_GITHUB);
  scan_prefixed (&hs, line, len, "gho_", cls_alnum, 30, VS_SECRET_GITHUB);
  scan_prefixed (&hs, line, len, "ghu_", cls_alnum, 30, VS_SECRET_GITHUB);
  scan_prefixed (&hs, line, len, "ghs_", cls_alnum, 30, VS_SECRET_GITHUB);
  scan_prefixed (&hs, line, len, "ghr_", cls_alnum, 30, VS_SECRET_GITHUB);
  scan_prefixed (&hs, line, len, "glpat-", cls_alnum_us_dash, 20,
                 VS_SECRET_GITLAB);
  scan_prefixed (&hs, line, len, "xoxb-", cls_alnum_dash, 10,
                 VS_SECRET_SLACK);
  scan_prefixed (&hs, line, len, "xoxp-", cls_alnum_dash, 10,
                 VS_SECRET_SLACK);
  scan_prefixed (&hs, line, len, "xoxa-", cls_alnum_dash, 10,
                 VS_SECRET_SLACK);
  scan_prefixed (&hs, line, len, "xoxs-", cls_alnum_dash, 10,
                 VS_SECRET_SLACK);
  scan_prefixed (&hs, line, len, "AIza", cls_alnum_us_dash, 35,
                 VS_SECRET_GOOGLE_API);
  scan_bearer (&hs, line, len);
  scan_url_password (&hs, line, len);
  if (mode & VS_SCAN_PGPASS)
    scan_pgpass (&hs, line, len);
  if (mode & VS_SCAN_NETRC)
    scan_netrc (&hs, line, len);
  scan_dash_p (&hs, line, len);
  scan_assign (&hs, line, len, "\"auth", VS_SECRET_DOCKER_AUTH, 8);
  scan_assign (&hs, line, len, "private_key", VS_SECRET_PRIVATE_KEY, 16);
  scan_assign (&hs, line, len, "client-key-data", VS_SECRET_PRIVATE_KEY, 16);
  scan_assign (&hs, line, len, "password", VS_SECRET_PASSWORD, 1);
  scan_assign (&hs, line, len, "passwd", VS_SECRET_PASSWORD, 1);
  scan_assign (&hs, line, len, "_pass", VS_SECRET_PASSWORD, 1);
  scan_assign (&hs, line, len, "--pass", VS_SECRET_PASSWORD, 1);
  scan_assign (&hs, line, len, "_pwd", VS_SECRET_PASSWORD, 1);
  scan_assign (&hs, line, len, "token", VS_SECRET_TOKEN, 3);
  scan_assign (&hs, line, len, "secret", VS_SECRET_TOKEN, 3);
  scan_assign (&hs, line, len, "api_key", VS_SECRET_TOKEN, 3);
  scan_assign (&hs, line, len, "apikey", VS_SECRET_TOKEN, 3);
  scan_assign (&hs, line, len, "api-key", VS_SECRET_TOKEN, 3);
  scan_assign (&hs, line, len, "access_key", VS_SECRET_TOKEN, 3);
  scan_assign (&hs, line, len, "secret_key", VS_SECRET_TOKEN, 3);
  return hs.n;
}

/* Known prefixes kept in the redacted form. */
static size_t
known_prefix (const char *s, size_t len)
{
  static const char *const pfx[] = {
    "github_pat_", "glpat-", "AKIA", "ASIA", "AGPA", "AIDA", "AROA", "ANPA",
    "ANVA", "AIPA", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "xoxb-",
    "xoxp-", "xoxa-", "xoxs-", "AIza",
  };
  size_t k;

  for (k = 0; k < sizeof pfx / sizeof pfx[0]; k++) {
    size_t n = strlen (pfx[k]);

    if (len >= n && memcmp (s, pfx[k], n) == 0)
      return n;
  }
  return 0;
}

void
vs_secret_redact (struct vs_buf *b, const char *s, size_t len)
{
  size_t pfx = known_prefix (s, len), stars, i;

  if (pfx == 0 && len >= 24)
    pfx = 4;
  if (len < 16) {
    vs_buf_addf (b, "****(%zu bytes)", len);
    return;
  }
  vs_buf_add_printable (b, s, pfx);
  stars = len - pfx - 4;
  if (stars > 32)
    stars = 32;
  for (i = 0; i < stars; i++)
    vs_buf_addc (b, '*');
  vs_buf_add_printable (b, s + len - 4, 4);
}

void
vs_secret_add_sha256 (struct vs_buf *b, const char *s, size_t len)
{
  struct vs_sha256 h;
  char hex[65];

  vs_sha256_init (&h);
  vs_sha256_update (&h, s, len);
  vs_sha256_final_hex (&h, hex);
  vs_buf_addf (b, "sha256:%s", hex);
}

void
vs_secret_add_redacted_line (struct vs_buf *b, const char *line, size_t len,
                             const struct vs_secret_hit *hits, size_t n,
                             size_t max)
{
  struct vs_buf tmp = VS_BUF_INIT;
  size_t pos = 0, i;

  for (i = 0; i < n; i++) {
    if (hits[i].start < pos || hits[i].start + hits[i].len > len)
      continue;
    vs_buf_add (&tmp, line + pos, hits[i].start - pos);
    vs_secret_redact (&tmp, line + hits[i].start, hits[i].len);
    pos = hits[i].start + hits[i].len;
    if (tmp.len > max)
      break;
  }
  if (pos < len && tmp.len <= max)
    vs_buf_add (&tmp, line + pos, len - pos > max ? max : len - pos);
  if (tmp.len > max) {
    /* Do not cut a UTF-8 sequence: printable escapes what is cut. */
    vs_buf_add_printable (b, tmp.data, max);
    vs_buf_adds (b, "...");
  }
  else if (tmp.data)
    vs_buf_add_printable (b, tmp.data, tmp.len);
  vs_buf_release (&tmp);
}

void
vs_secret_redact_wallet (struct vs_buf *b, const char *s, size_t len)
{
  if (len <= 12) {
    vs_buf_adds (b, "****");
    return;
  }
  vs_buf_add_printable (b, s, 6);
  vs_buf_adds (b, "...");
  vs_buf_add_printable (b, s + len - 4, 4);
}
