/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: suppression files (see suppress.h). */
#include <config.h>

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "parse/suppress.h"
#include "base/util.h"

enum key { K_CHECK, K_PATH, K_ACCOUNT, K_FINGERPRINT, K_REASON, K_EXPIRES,
  K_TICKET, K_COUNT };

static const char *const key_names[K_COUNT] = {
  "check", "path", "account", "fingerprint", "reason", "expires", "ticket",
};

static int
is_blank (char c)
{
  return c == ' ' || c == '\t' || c == '\r';
}

static char **
field (struct vs_suppress_entry *e, enum key k)
{
  switch (k) {
  case K_CHECK: return &e->check;
  case K_PATH: return &e->path;
  case K_ACCOUNT: return &e->account;
  case K_FINGERPRINT: return &e->fingerprint;
  case K_REASON: return &e->reason;
  case K_EXPIRES: return &e->expires;
  default: return &e->ticket;
  }
}

static void
entry_clear (struct vs_suppress_entry *e)
{
  int k;

  for (k = 0; k < K_COUNT; k++)
    free (*field (e, (enum key) k));
  memset (e, 0, sizeof *e);
}

static int
leap (int y)
{
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* YYYY-MM-DD, a day that exists. */
static int
valid_date (const char *s)
{
  static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
    30, 31 };
  int i, y, m, d;

  if (strlen (s) != 10 || s[4] != '-' || s[7] != '-')
    return 0;
  for (i = 0; i < 10; i++)
    if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
      return 0;
  y = atoi (s);
  m = (s[5] - '0') * 10 + (s[6] - '0');
  d = (s[8] - '0') * 10 + (s[9] - '0');
  if (y < 1970 || m < 1 || m > 12 || d < 1)
    return 0;
  return d <= days[m - 1] + (m == 2 && leap (y));
}

static int
valid_fingerprint (const char *s)
{
  size_t i;

  for (i = 0; s[i]; i++)
    if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
      return 0;
  return i == 64;
}

/* Reads one VALUE at p (end e) into a new string; moves *pp past it.
 * Returns NULL with *why set on a bad value. */
static char *
read_value (const char **pp, const char *e, const char **why)
{
  const char *p = *pp;
  struct vs_buf b = VS_BUF_INIT;

  if (p < e && *p == '"') {
    for (p++; p < e && *p != '"'; p++) {
      if (*p == '\\') {
        if (p + 1 >= e || (p[1] != '"' && p[1] != '\\')) {
          *why = "a backslash in quotes must be followed by \" or \\";
          goto bad;
        }
        p++;
      }
      if (*p == 0) {
        *why = "a NUL byte";
        goto bad;
      }
      vs_buf_add (&b, p, 1);
    }
    if (p >= e) {
      *why = "a quote is not closed";
      goto bad;
    }
    p++;
    if (p < e && !is_blank (*p)) {
      *why = "no blank after a closing quote";
      goto bad;
    }
  }
  else {
    for (; p < e && !is_blank (*p); p++) {
      if (*p == '"' || *p == '\\' || *p == 0) {
        *why = "a quote, backslash or NUL byte in a value without quotes";
        goto bad;
      }
      vs_buf_add (&b, p, 1);
    }
  }
  *pp = p;
  return vs_buf_detach (&b, NULL);

 bad:
  vs_buf_release (&b);
  return NULL;
}

/* Parses one line [p, e) into ent.  Returns 0, 1 for a line with no
 * entry, or -1 with *errmsg. */
static int
parse_line (const char *p, const char *e, struct vs_suppress_entry *ent,
            char **errmsg)
{
  const char *why = NULL;

  while (p < e && is_blank (*p))
    p++;
  if (p == e || *p == '#')
    return 1;
  while (p < e) {
    const char *k = p;
    size_t klen;
    char *v, **slot;
    int key;

    while (p < e && *p != '=' && !is_blank (*p))
      p++;
    klen = (size_t) (p - k);
    if (p == e || *p != '=') {
      CLEANUP_FREE char *name = vs_printable (k, klen);

      *errmsg = vs_xasprintf ("'%s' is not KEY=VALUE", name);
      return -1;
    }
    for (key = 0; key < K_COUNT; key++)
      if (strlen (key_names[key]) == klen
          && memcmp (key_names[key], k, klen) == 0)
        break;
    if (key == K_COUNT) {
      CLEANUP_FREE char *name = vs_printable (k, klen);

      *errmsg = vs_xasprintf ("unknown key '%s' (known: check, path, "
                              "account, fingerprint, reason, expires, "
                              "ticket)", name);
      return -1;
    }
    p++;
    v = read_value (&p, e, &why);
    if (!v) {
      *errmsg = vs_xasprintf ("%s: %s", key_names[key], why);
      return -1;
    }
    slot = field (ent, (enum key) key);
    if (*slot) {
      free (v);
      *errmsg = vs_xasprintf ("%s given twice", key_names[key]);
      return -1;
    }
    *slot = v;
    while (p < e && is_blank (*p))
      p++;
  }
  if (!ent->check || !ent->check[0])
    why = "no check= (a check id or a glob of them)";
  else if (!ent->reason || !ent->reason[0])
    why = "no reason= (say why this finding is accepted)";
  else if (!ent->path && !ent->account && !ent->fingerprint)
    why = "none of path=, account= and fingerprint= (to accept a whole "
      "check, use --skip-check)";
  else if (ent->expires && !valid_date (ent->expires))
    why = "expires= is not a date YYYY-MM-DD";
  else if (ent->fingerprint && !valid_fingerprint (ent->fingerprint))
    why = "fingerprint= is not 64 lowercase hex digits";
  if (why) {
    *errmsg = vs_xstrdup (why);
    return -1;
  }
  return 0;
}

int
vs_suppress_parse (const char *buf, size_t len, struct vs_suppress_list *l,
                   unsigned *line, char **errmsg)
{
  const char *p = buf, *end = buf + len;
  unsigned n = 0;

  while (p < end) {
    const char *nl = memchr (p, '\n', (size_t) (end - p));
    const char *e = nl ? nl : end;
    struct vs_suppress_entry ent;
    char *why = NULL;
    int rc;

    n++;
    memset (&ent, 0, sizeof ent);
    if ((size_t) (e - p) > VS_SUPPRESS_MAX_LINE) {
      *line = n;
      *errmsg = vs_xasprintf ("longer than %d bytes",
                              VS_SUPPRESS_MAX_LINE);
      return -1;
    }
    rc = parse_line (p, e, &ent, &why);
    if (rc == -1) {
      entry_clear (&ent);
      *line = n;
      *errmsg = why;
      return -1;
    }
    if (rc == 0) {
      if (l->n >= VS_SUPPRESS_MAX_ENTRIES) {
        entry_clear (&ent);
        *line = n;
        *errmsg = vs_xasprintf ("more than %d entries",
                                VS_SUPPRESS_MAX_ENTRIES);
        return -1;
      }
      ent.line = n;
      l->v = vs_xrealloc (l->v, (l->n + 1) * sizeof *l->v);
      l->v[l->n++] = ent;
    }
    p = nl ? nl + 1 : end;
  }
  return 0;
}

void
vs_suppress_list_free (struct vs_suppress_list *l)
{
  size_t i;

  for (i = 0; i < l->n; i++)
    entry_clear (&l->v[i]);
  free (l->v);
  l->v = NULL;
  l->n = 0;
}

int
vs_suppress_matches (const struct vs_suppress_entry *e, const char *check_id,
                     const char *path, const char *account,
                     const char *fingerprint)
{
  if (!check_id || fnmatch (e->check, check_id, 0) != 0)
    return 0;
  if (e->path && (!path || fnmatch (e->path, path, FNM_PATHNAME) != 0))
    return 0;
  if (e->account && (!account || fnmatch (e->account, account, 0) != 0))
    return 0;
  if (e->fingerprint && (!fingerprint
                         || strcmp (e->fingerprint, fingerprint) != 0))
    return 0;
  return 1;
}

int
vs_suppress_expired (const struct vs_suppress_entry *e, const char *today)
{
  return e->expires && strcmp (e->expires, today) < 0;
}
