/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: recognise a cryptominer's configuration (see miner.h).
 *
 * A handful of forward scans over the text, each bounded: JSON keys are
 * found as quoted strings followed by ':', command-line options as
 * "-u VALUE", "--user=VALUE".  No JSON parser: a miner's config is often
 * broken JSON, and a starter script is not JSON at all.
 */
#include <config.h>

#include <string.h>

#include "base/ascii.h"
#include "base/util.h"
#include "parse/miner.h"

#define VS_MINER_MAX_VALUE 256

static int
stop (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '"'
    || c == '\'' || c == ',' || c == '}' || c == ']' || c == ';'
    || c == '&' || c == '|' || c == '\0' || c == '`' || c == ')';
}

static size_t
value_len (const char *s, size_t len)
{
  size_t i;

  for (i = 0; i < len && i < VS_MINER_MAX_VALUE && !stop (s[i]); i++)
    ;
  return i;
}

/* The next place of key (case ignored) in t[*pos..len), or NULL.  *pos
 * moves one byte past where it starts, where the next search begins. */
static const char *
next_key (const char *t, size_t len, size_t *pos, const char *key)
{
  const char *p;

  if (*pos >= len || (p = vs_memcasemem (t + *pos, len - *pos, key)) == NULL)
    return NULL;
  *pos = (size_t) (p - t) + 1;
  return p;
}

/* stratum+tcp://, stratum+ssl://, stratum2+tcp://, stratum+tls:// */
static void
find_stratum (const char *t, size_t len, struct vs_miner_config *c)
{
  size_t pos = 0;
  const char *p;

  while ((p = next_key (t, len, &pos, "stratum")) != NULL) {
    size_t at = (size_t) (p - t), j = at + 7, k;

    if (j < len && t[j] >= '0' && t[j] <= '9')
      j++;
    if (j >= len || t[j] != '+')
      continue;
    for (k = j + 1; k < len && k < j + 8 && vs_ascii_lower (t[k]) >= 'a'
         && vs_ascii_lower (t[k]) <= 'z'; k++)
      ;
    if (k == j + 1 || len - k < 4 || memcmp (t + k, "://", 3) != 0
        || stop (t[k + 3]))
      continue;
    c->stratum = 1;
    c->pool = t + at;
    c->pool_len = value_len (t + at, len - at);
    return;
  }
}

/* The string value of JSON key ("key": "value"), or of a bare number
 * when number is set.  Returns a pointer into t and the length. */
static const char *
json_value (const char *t, size_t len, const char *key, size_t *n)
{
  size_t pos = 0, kl = strlen (key);
  const char *p;

  while ((p = next_key (t, len, &pos, key)) != NULL) {
    size_t j = (size_t) (p - t) + kl;

    if (p == t || p[-1] != '"' || j >= len || t[j] != '"')
      continue;
    j++;
    while (j < len && vs_ascii_blank (t[j]))
      j++;
    if (j >= len || t[j] != ':')
      continue;
    j++;
    while (j < len && (t[j] == ' ' || t[j] == '\t' || t[j] == '\n'
                       || t[j] == '\r'))
      j++;
    if (j < len && t[j] == '"')
      j++;
    *n = value_len (t + j, len - j);
    if (*n > 0)
      return t + j;
  }
  return NULL;
}

/* The value of a command-line option: "-u VALUE", "--user=VALUE",
 * "--user VALUE". */
static const char *
option_value (const char *t, size_t len, const char *opt, size_t *n)
{
  size_t pos = 0, ol = strlen (opt);
  const char *p;

  while ((p = next_key (t, len, &pos, opt)) != NULL) {
    size_t j = (size_t) (p - t) + ol;

    if (p > t && p[-1] != ' ' && p[-1] != '\t' && p[-1] != '"'
        && p[-1] != '\'')
      continue;
    if (j >= len || (t[j] != ' ' && t[j] != '='))
      continue;
    j++;
    while (j < len && t[j] == ' ')
      j++;
    if (j < len && (t[j] == '"' || t[j] == '\''))
      j++;
    *n = value_len (t + j, len - j);
    if (*n > 0 && t[j] != '-')
      return t + j;
  }
  return NULL;
}

static int
base58 (char c)
{
  return (c >= '1' && c <= '9') || (c >= 'A' && c <= 'H')
    || (c >= 'J' && c <= 'N') || (c >= 'P' && c <= 'Z')
    || (c >= 'a' && c <= 'k') || (c >= 'm' && c <= 'z');
}

/* A Monero address: 95 (or 106, integrated) base58 characters starting
 * with 4 or 8. */
static const char *
find_monero (const char *t, size_t len, size_t *n)
{
  size_t i = 0;

  while (i < len) {
    size_t j;

    if ((t[i] != '4' && t[i] != '8') || (i > 0 && base58 (t[i - 1]))) {
      i++;
      continue;
    }
    for (j = i; j < len && j - i < 107 && base58 (t[j]); j++)
      ;
    if (j - i == 95 || j - i == 106) {
      *n = j - i;
      return t + i;
    }
    i = j > i ? j : i + 1;
  }
  return NULL;
}

static const char *const pools[] = {
  "minexmr", "supportxmr", "nanopool", "moneroocean", "2miners", "f2pool",
  "c3pool", "hashvault", "xmrpool", "nicehash", "herominers", "minergate",
  "dwarfpool", "monerohash", "unmineable", "prohashing", "ethermine",
  "xmrig.com", "crypto-pool", "viabtc", "antpool", "kryptex",
};

int
vs_miner_parse (const char *text, size_t len, struct vs_miner_config *c)
{
  const char *v, *mon;
  size_t n, k, mn = 0;

  memset (c, 0, sizeof *c);
  c->donate_level = -1;
  find_stratum (text, len, c);
  if (!c->pool && ((v = json_value (text, len, "url", &n)) != NULL
                   || (v = option_value (text, len, "--url", &n)) != NULL)) {
    c->pool = v;
    c->pool_len = n;
  }
  if ((v = json_value (text, len, "wallet", &n)) != NULL
      || (v = json_value (text, len, "user", &n)) != NULL
      || (v = option_value (text, len, "--user", &n)) != NULL
      || (v = option_value (text, len, "-u", &n)) != NULL) {
    c->wallet = v;
    c->wallet_len = n;
  }
  mon = find_monero (text, len, &mn);
  if (mon) {
    c->monero_address = 1;
    if (!c->wallet) {
      c->wallet = mon;
      c->wallet_len = mn;
    }
  }
  if ((v = json_value (text, len, "donate-level", &n)) != NULL
      || (v = option_value (text, len, "--donate-level", &n)) != NULL) {
    int d = 0;

    for (k = 0; k < n && k < 4 && v[k] >= '0' && v[k] <= '9'; k++)
      d = d * 10 + (v[k] - '0');
    if (k > 0)
      c->donate_level = d;
  }
  for (k = 0; k < sizeof pools / sizeof pools[0]; k++)
    if (vs_memcasemem (text, len, pools[k])) {
      c->known_pool = 1;
      break;
    }
  if (c->stratum)
    return 1;
  if ((c->pool || c->wallet)
      && (c->donate_level >= 0 || c->known_pool || c->monero_address))
    return 1;
  return 0;
}
