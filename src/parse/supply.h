/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: the files that say where a guest's packages come from: APT
 * sources in the one-line form and in deb822 stanzas, apt.conf's nested
 * keys, and the :sources: list of a gemrc.
 *
 * Pure text in, callbacks out, like every parser here: an explicit
 * length, never a read past it, pointers into the caller's buffer
 * (valid during the call), linear in the input, every count capped.
 */
#ifndef VS_PARSE_SUPPLY_H
#define VS_PARSE_SUPPLY_H

#include <stddef.h>

/* Entries reported per file; the rest are not parsed. */
#define VS_SUPPLY_MAX_ENTRIES 10000
/* Bytes of an apt.conf key with its parents ("A::B::C"); a longer one is
 * cut (and cannot match a key vmscan looks for). */
#define VS_APTCONF_MAX_KEY 512
/* Nesting of apt.conf blocks followed; deeper blocks are skipped. */
#define VS_APTCONF_MAX_DEPTH 32

/* One repository of an APT sources file: one URI of one entry. */
struct vs_apt_source {
  unsigned line;                /* where the entry starts */
  int deb822;
  int enabled;                  /* 0 for "Enabled: no" */
  int trusted;                  /* trusted=yes */
  int allow_insecure;           /* allow-insecure=yes */
  int allow_downgrade;          /* allow-downgrade-to-insecure=yes */
  int allow_weak;               /* allow-weak=yes */
  const char *type;             /* "deb" or "deb-src" (the first type) */
  size_t type_len;
  const char *uri;
  size_t uri_len;
  const char *suite;            /* may be NULL */
  size_t suite_len;
  const char *signed_by;        /* the value, or NULL; for deb822 an
                                   inline key is its first line */
  size_t signed_by_len;
  int signed_by_inline;         /* Signed-By holds the key itself */
  const char *text;             /* the entry's text (the line, or the
                                   stanza) for evidence */
  size_t text_len;
};

/* Called once per repository; a non-zero return stops the parse. */
typedef int vs_apt_source_fn (void *opaque, const struct vs_apt_source *s);

/* Parses an APT sources file: deb822 non-zero for a .sources file, else
 * the one-line form of sources.list.  Returns the callback's non-zero
 * value, or 0 at the end (or after VS_SUPPLY_MAX_ENTRIES, or when
 * vs_tick () asks to stop). */
int vs_apt_sources_parse (const char *data, size_t len, int deb822,
                          vs_apt_source_fn *fn, void *opaque);

/* Whether an apt option or setting value means yes ("yes", "true",
 * "on", "enable", "with", "1"; any case). */
int vs_apt_is_true (const char *v, size_t len);

/* One setting of apt.conf: key is the full name ("Acquire::http::Proxy",
 * NUL-terminated, as written but a NUL byte as '?': compare without
 * case), value the unquoted value (may be empty).  A list item
 * ("DPkg::Pre-Invoke { "cmd"; };") has the list's name as key. */
struct vs_aptconf_item {
  const char *key;
  size_t key_len;
  const char *value;
  size_t value_len;
  unsigned line;
};

typedef int vs_aptconf_fn (void *opaque, const struct vs_aptconf_item *it);

/* Parses an apt.conf file (comments //, / * * / and # lines; #include
 * and #clear are skipped).  Returns the callback's non-zero value, or
 * 0. */
int vs_aptconf_parse (const char *data, size_t len, vs_aptconf_fn *fn,
                      void *opaque);

/* Calls fn (opaque, source, len, line) for each item of the :sources:
 * list of a gemrc (YAML: a block list of "- URL" lines, or a flow list
 * "[a, b]").  Returns the callback's non-zero value, or 0. */
typedef int vs_gemrc_fn (void *opaque, const char *src, size_t len,
                         unsigned line);
int vs_gemrc_sources (const char *data, size_t len, vs_gemrc_fn *fn,
                      void *opaque);

/* The host of a URL ("scheme://[user@]host[:port]/..."): *host and
 * *hlen (without brackets for an IPv6 address), and whether the scheme
 * is plain http (or ftp) in *plain.  Returns 0, or -1 when the text has
 * no "scheme://host". */
int vs_url_host (const char *url, size_t len, const char **host,
                 size_t *hlen, int *plain);

/* Whether host (hlen bytes, any case, a trailing dot allowed) is one of
 * the names in list or under one of them: a list entry ".example.org"
 * matches example.org and every name under it, "example.org" only
 * itself.  list ends with NULL. */
int vs_host_in (const char *host, size_t hlen, const char *const *list);

#endif /* VS_PARSE_SUPPLY_H */
