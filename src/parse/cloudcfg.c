/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: first-boot configuration read into directives (cloudcfg.h).
 *
 * A YAML document becomes a flat array of nodes: scalars, sequences,
 * mappings and (unexpanded) aliases, each collection with its first
 * child and each node with its next sibling, so that every node is made
 * once from one libyaml event and read a bounded number of times (the
 * extraction below looks at fixed depths only).  A mapping's children
 * alternate key and value.  Scalars live in one arena; node 0 is
 * unused, so that index 0 means "none".
 */
#include <config.h>

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "base/base64.h"
#include "base/util.h"
#include "parse/cloudcfg.h"

enum nt { N_SCALAR, N_SEQ, N_MAP, N_ALIAS };

struct node {
  unsigned char type;
  unsigned line;
  size_t first, last, next;     /* children; the next sibling */
  size_t off, len;              /* a scalar, in the arena */
};

struct tree {
  struct node *v;
  size_t n, alloc;
  struct vs_buf arena;
  size_t root;
};

struct ctx {
  struct vs_ci_doc *doc;
  int flags;                    /* vs_ci_parse's */
  unsigned part;
  int nest;
  size_t parts;
};

static void
set_error (struct vs_ci_doc *doc, unsigned line, const char *fmt, ...)
  __attribute__((format (printf, 3, 4)));

static void
set_error (struct vs_ci_doc *doc, unsigned line, const char *fmt, ...)
{
  va_list ap;

  if (doc->error)
    return;
  va_start (ap, fmt);
  doc->error = vs_xvasprintf (fmt, ap);
  va_end (ap);
  doc->error_line = line;
}

/* ---- the tree ---- */

static size_t
tree_add (struct tree *t, unsigned char type, unsigned line)
{
  struct node *nd;

  if (t->n == t->alloc) {
    t->alloc = t->alloc ? t->alloc * 2 : 64;
    t->v = vs_xrealloc (t->v, t->alloc * sizeof *t->v);
  }
  nd = &t->v[t->n];
  memset (nd, 0, sizeof *nd);
  nd->type = type;
  nd->line = line;
  return t->n++;
}

static void
tree_link (struct tree *t, size_t parent, size_t child)
{
  struct node *p = &t->v[parent];

  if (p->last)
    t->v[p->last].next = child;
  else
    p->first = child;
  p->last = child;
}

/* Builds the first document of data into t.  Returns 0, or -1 with the
 * problem in doc (what was built before it is kept). */
static int
tree_build (const char *data, size_t len, struct tree *t,
            struct vs_ci_doc *doc)
{
  yaml_parser_t parser;
  yaml_event_t ev;
  size_t stack[VS_CI_MAX_DEPTH + 1];
  int depth = 0, rc = 0, done = 0;

  memset (t, 0, sizeof *t);
  tree_add (t, N_SCALAR, 0);    /* node 0: none */
  if (!yaml_parser_initialize (&parser)) {
    set_error (doc, 0, "cannot initialise the YAML parser");
    return -1;
  }
  yaml_parser_set_input_string (&parser, (const unsigned char *) data, len);
  while (!done) {
    size_t id = 0;
    unsigned line;

    if (!yaml_parser_parse (&parser, &ev)) {
      set_error (doc, (unsigned) parser.problem_mark.line + 1,
                 "YAML error: %s", parser.problem ? parser.problem
                 : "unknown");
      rc = -1;
      break;
    }
    line = (unsigned) ev.start_mark.line + 1;
    switch (ev.type) {
    case YAML_SCALAR_EVENT:
    case YAML_ALIAS_EVENT:
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT:
      if (t->n > VS_CI_MAX_NODES) {
        set_error (doc, line, "more than %u YAML nodes, the rest not read",
                   VS_CI_MAX_NODES);
        rc = -1;
        done = 1;
        break;
      }
      if (ev.type == YAML_SCALAR_EVENT) {
        size_t sl = ev.data.scalar.length;

        id = tree_add (t, N_SCALAR, line);
        if (t->arena.len + sl > 2 * (size_t) VS_CI_MAX_INPUT) {
          set_error (doc, line, "YAML scalars too long, the rest not read");
          rc = -1;
          done = 1;
          break;
        }
        t->v[id].off = t->arena.len;
        t->v[id].len = sl;
        vs_buf_add (&t->arena, ev.data.scalar.value, sl);
        vs_buf_addc (&t->arena, '\0');
      }
      else if (ev.type == YAML_ALIAS_EVENT)
        id = tree_add (t, N_ALIAS, line);
      else
        id = tree_add (t, ev.type == YAML_SEQUENCE_START_EVENT ? N_SEQ
                       : N_MAP, line);
      if (depth > 0)
        tree_link (t, stack[depth - 1], id);
      else if (!t->root)
        t->root = id;
      if (ev.type == YAML_SEQUENCE_START_EVENT
          || ev.type == YAML_MAPPING_START_EVENT) {
        if (depth == VS_CI_MAX_DEPTH) {
          set_error (doc, line, "YAML nested deeper than %u, the rest not "
                     "read", VS_CI_MAX_DEPTH);
          rc = -1;
          done = 1;
          break;
        }
        stack[depth++] = id;
      }
      break;
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
      if (depth > 0)
        depth--;
      break;
    case YAML_DOCUMENT_END_EVENT:
    case YAML_STREAM_END_EVENT:
      done = 1;
      break;
    default:
      break;
    }
    yaml_event_delete (&ev);
  }
  yaml_parser_delete (&parser);
  return rc;
}

static void
tree_free (struct tree *t)
{
  free (t->v);
  vs_buf_release (&t->arena);
}

static const char *
sval (const struct tree *t, size_t id, size_t *len)
{
  const struct node *nd = &t->v[id];

  if (!id || nd->type != N_SCALAR) {
    *len = 0;
    return NULL;
  }
  *len = nd->len;
  return t->arena.data + nd->off;
}

static int
is_scalar (const struct tree *t, size_t id)
{
  return id && t->v[id].type == N_SCALAR;
}

static int
sval_is (const struct tree *t, size_t id, const char *lit)
{
  size_t l = 0;
  const char *s = sval (t, id, &l);

  return s && l == strlen (lit) && memcmp (s, lit, l) == 0;
}

/* A YAML 1.1 boolean: 1 true, 0 false, -1 neither. */
static int
sval_bool (const struct tree *t, size_t id)
{
  static const char *const yes[] = { "true", "yes", "on", "y", "1" };
  static const char *const no[] = { "false", "no", "off", "n", "0" };
  size_t l = 0, i;
  const char *s = sval (t, id, &l);

  if (!s)
    return -1;
  for (i = 0; i < VS_ARRAY_SIZE (yes); i++)
    if (vs_memcaseeq (s, l, yes[i]))
      return 1;
  for (i = 0; i < VS_ARRAY_SIZE (no); i++)
    if (vs_memcaseeq (s, l, no[i]))
      return 0;
  return -1;
}

/* The value of key in mapping id, or 0. */
static size_t
map_get (const struct tree *t, size_t id, const char *key)
{
  size_t k;

  if (!id || t->v[id].type != N_MAP)
    return 0;
  for (k = t->v[id].first; k; k = t->v[t->v[k].next].next) {
    size_t v = t->v[k].next;

    if (!v)
      return 0;
    if (sval_is (t, k, key))
      return v;
  }
  return 0;
}

/* A node as one line of text: a scalar as it is, a sequence's scalars
 * joined with sep (a command given as a list of arguments), anything
 * else empty.  Capped at VS_CI_MAX_TEXT. */
static char *
flat (const struct tree *t, size_t id, const char *sep, size_t *len)
{
  struct vs_buf b = VS_BUF_INIT;
  size_t c;

  if (is_scalar (t, id)) {
    size_t l = 0;
    const char *s = sval (t, id, &l);

    vs_buf_add (&b, s, l < VS_CI_MAX_TEXT ? l : VS_CI_MAX_TEXT);
  }
  else if (id && t->v[id].type == N_SEQ)
    for (c = t->v[id].first; c; c = t->v[c].next) {
      size_t l = 0, room;
      const char *s = sval (t, c, &l);

      if (!s)
        continue;
      if (b.len && b.len + strlen (sep) < VS_CI_MAX_TEXT)
        vs_buf_adds (&b, sep);
      room = b.len < VS_CI_MAX_TEXT ? VS_CI_MAX_TEXT - b.len : 0;
      if (room == 0)
        break;
      vs_buf_add (&b, s, l < room ? l : room);
    }
  vs_buf_addc (&b, '\0');
  *len = b.len - 1;
  return vs_buf_detach (&b, NULL);
}

static char *
flat_or_null (const struct tree *t, size_t id, const char *sep)
{
  size_t l = 0;
  char *s;

  if (!id)
    return NULL;
  s = flat (t, id, sep, &l);
  if (l == 0 && !is_scalar (t, id)) {
    free (s);
    return NULL;
  }
  return s;
}

/* ---- directives ---- */

static struct vs_ci_item *
item_add (struct ctx *c, enum vs_ci_kind kind, const char *key,
          const char *text, size_t len, unsigned line)
{
  struct vs_ci_doc *doc = c->doc;
  struct vs_ci_item *it;

  if (doc->n >= VS_CI_MAX_ITEMS) {
    doc->dropped++;
    return NULL;
  }
  if (doc->n == doc->alloc) {
    doc->alloc = doc->alloc ? doc->alloc * 2 : 16;
    doc->v = vs_xrealloc (doc->v, doc->alloc * sizeof *doc->v);
  }
  it = &doc->v[doc->n++];
  memset (it, 0, sizeof *it);
  it->kind = kind;
  it->key = key;
  if (len > VS_CI_MAX_TEXT)
    len = VS_CI_MAX_TEXT;
  it->text = vs_xstrndup (text ? text : "", text ? len : 0);
  it->text_len = text ? len : 0;
  it->line = line;
  it->part = c->part;
  return it;
}

/* Adds a node's flat text as an item (the item takes s). */
static struct vs_ci_item *
item_take (struct ctx *c, enum vs_ci_kind kind, const char *key, char *s,
           size_t len, unsigned line)
{
  struct vs_ci_item *it = item_add (c, kind, key, s, len, line);

  free (s);
  return it;
}

/* Adds an item whose text is a C string. */
static struct vs_ci_item *
item_adds (struct ctx *c, enum vs_ci_kind kind, const char *key,
           const char *text, unsigned line)
{
  return item_add (c, kind, key, text, strlen (text), line);
}

/* Adds a node's flat text as an item. */
static struct vs_ci_item *
item_flat (struct ctx *c, enum vs_ci_kind kind, const char *key,
           const struct tree *t, size_t id, unsigned line)
{
  size_t l = 0;
  char *s = flat (t, id, " ", &l);

  return item_take (c, kind, key, s, l, line);
}

static void
commands (struct ctx *c, const struct tree *t, size_t id, const char *key)
{
  size_t e, l = 0;

  if (is_scalar (t, id)) {
    char *s = flat (t, id, " ", &l);

    item_take (c, VS_CI_COMMAND, key, s, l, t->v[id].line);
    return;
  }
  if (!id || t->v[id].type != N_SEQ)
    return;
  for (e = t->v[id].first; e; e = t->v[e].next) {
    char *s = flat (t, e, " ", &l);

    if (l)
      item_take (c, VS_CI_COMMAND, key, s, l, t->v[e].line);
    else
      free (s);
  }
}

/* Keeps what base64 decodes to, whitespace skipped; NULL if it is not
 * base64. */
static char *
unbase64 (const char *s, size_t len, size_t *out_len)
{
  char *clean = vs_xmalloc (len + 1), *out;
  size_t n = 0, i;
  long r;

  for (i = 0; i < len; i++)
    if (s[i] != ' ' && s[i] != '\n' && s[i] != '\r' && s[i] != '\t')
      clean[n++] = s[i];
  out = vs_xmalloc (n * 3 / 4 + 4);
  r = vs_base64_decode (clean, n, (unsigned char *) out);
  free (clean);
  if (r < 0) {
    free (out);
    return NULL;
  }
  out[r] = '\0';
  *out_len = (size_t) r;
  return out;
}

static void
write_files (struct ctx *c, const struct tree *t, size_t id, const char *key)
{
  size_t e;

  if (!id || t->v[id].type != N_SEQ)
    return;
  for (e = t->v[id].first; e; e = t->v[e].next) {
    size_t path = map_get (t, e, "path"), content = map_get (t, e, "content");
    size_t cl = 0;
    struct vs_ci_item *it;
    const char *cs;
    char *enc;

    if (!path)
      continue;
    it = item_flat (c, VS_CI_WRITE_FILE, key, t, path,
                    t->v[e].line);
    if (!it)
      return;
    it->mode = flat_or_null (t, map_get (t, e, "permissions"), " ");
    it->owner = flat_or_null (t, map_get (t, e, "owner"), " ");
    enc = it->encoding = flat_or_null (t, map_get (t, e, "encoding"), " ");
    if (sval_bool (t, map_get (t, e, "defer")) == 1)
      it->flags |= VS_CI_DEFER;
    if (sval_bool (t, map_get (t, e, "append")) == 1)
      it->flags |= VS_CI_APPEND;
    cs = sval (t, content, &cl);
    if (!cs)
      continue;
    if (enc && (strcmp (enc, "b64") == 0 || strcmp (enc, "base64") == 0)) {
      it->content = unbase64 (cs, cl, &it->content_len);
      if (it->content)
        continue;
    }
    else if (enc && (strstr (enc, "gz") || strstr (enc, "gzip")))
      it->flags |= VS_CI_UNDECODED;
    if (cl > VS_CI_MAX_TEXT)
      cl = VS_CI_MAX_TEXT;
    it->content = vs_xstrndup (cs, cl);
    it->content_len = cl;
  }
}

static void
ssh_keys (struct ctx *c, const struct tree *t, size_t id, const char *key,
          const char *account)
{
  size_t e;

  if (is_scalar (t, id)) {
    struct vs_ci_item *it = item_flat (c, VS_CI_SSH_KEY, key, t, id,
                                       t->v[id].line);

    if (it && account)
      it->account = vs_xstrdup (account);
    return;
  }
  if (!id || t->v[id].type != N_SEQ)
    return;
  for (e = t->v[id].first; e; e = t->v[e].next) {
    struct vs_ci_item *it;

    if (!is_scalar (t, e))
      continue;
    it = item_flat (c, VS_CI_SSH_KEY, key, t, e,
                    t->v[e].line);
    if (it && account)
      it->account = vs_xstrdup (account);
  }
}

/* One account of users: or default_user:. */
static void
user (struct ctx *c, const struct tree *t, size_t e, const char *key,
      int is_default)
{
  struct vs_ci_item *it;
  size_t sudo, name;
  const char *pw[] = { "passwd", "hashed_passwd", "plain_text_passwd" };
  size_t i;
  int lock;

  if (is_scalar (t, e)) {
    /* "default", or a name (comma-separated names in old versions). */
    it = item_flat (c, VS_CI_USER, key, t, e,
                    t->v[e].line);
    if (it && strcmp (it->text, "default") == 0)
      it->flags |= VS_CI_DEFAULT_USER;
    return;
  }
  name = map_get (t, e, "name");
  if (!name && !is_default)
    return;
  if (name)
    it = item_flat (c, VS_CI_USER, key, t, name,
                    t->v[e].line);
  else
    it = item_adds (c, VS_CI_USER, key, "(default user)", t->v[e].line);
  if (!it)
    return;
  if (is_default)
    it->flags |= VS_CI_DEFAULT_USER;
  sudo = map_get (t, e, "sudo");
  if (sudo && sval_bool (t, sudo) != 0 && !sval_is (t, sudo, "null")
      && !sval_is (t, sudo, "~")) {
    it->sudo = flat_or_null (t, sudo, ", ");
    if (it->sudo && it->sudo[0])
      it->flags |= VS_CI_SUDO;
  }
  it->groups = flat_or_null (t, map_get (t, e, "groups"), ", ");
  for (i = 0; i < VS_ARRAY_SIZE (pw); i++)
    if (is_scalar (t, map_get (t, e, pw[i])))
      it->flags |= VS_CI_PASSWD;
  lock = sval_bool (t, map_get (t, e, "lock_passwd"));
  if (lock == 0)
    it->flags |= VS_CI_UNLOCKED;
  {
    CLEANUP_FREE char *acct = vs_xstrdup (it->text);

    ssh_keys (c, t, map_get (t, e, "ssh_authorized_keys"),
              is_default ? "default_user.ssh_authorized_keys"
              : "users.ssh_authorized_keys", is_default && !name ? NULL
              : acct);
    ssh_keys (c, t, map_get (t, e, "ssh_import_id"),
              "users.ssh_import_id", is_default && !name ? NULL : acct);
  }
}

static void
users (struct ctx *c, const struct tree *t, size_t id)
{
  size_t e;

  if (is_scalar (t, id)) {
    user (c, t, id, "users", 0);
    return;
  }
  if (id && t->v[id].type == N_MAP) {
    /* An old form: a mapping of names to settings. */
    for (e = t->v[id].first; e && t->v[e].next; e = t->v[t->v[e].next].next)
      item_flat (c, VS_CI_USER, "users", t, e, t->v[e].line);
    return;
  }
  if (!id || t->v[id].type != N_SEQ)
    return;
  for (e = t->v[id].first; e; e = t->v[e].next)
    user (c, t, e, "users", 0);
}

static void
chpasswd (struct ctx *c, const struct tree *t, size_t id)
{
  size_t list = map_get (t, id, "list"), us = map_get (t, id, "users"), e;

  /* "name:password" lines, or a list of them; only names are kept. */
  if (list) {
    size_t l = 0;
    CLEANUP_FREE char *s = flat (t, list, "\n", &l);
    const char *p = s;

    while (p && *p) {
      const char *nl = strchr (p, '\n'), *colon;
      size_t n = nl ? (size_t) (nl - p) : strlen (p);

      while (n && (*p == ' ' || *p == '\t')) {
        p++;
        n--;
      }
      colon = memchr (p, ':', n);
      if (colon && colon > p) {
        struct vs_ci_item *it;
        CLEANUP_FREE char *what = vs_xasprintf ("sets the password of %.*s",
                                                (int) (colon - p), p);

        it = item_add (c, VS_CI_PASSWORD, "chpasswd", what, strlen (what),
                       t->v[list].line);
        if (it) {
          it->account = vs_xstrndup (p, (size_t) (colon - p));
          if (strcmp (it->account, "root") == 0)
            it->flags |= VS_CI_ROOT;
        }
      }
      p = nl ? nl + 1 : NULL;
    }
  }
  if (us && t->v[us].type == N_SEQ)
    for (e = t->v[us].first; e; e = t->v[e].next) {
      size_t l = 0;
      CLEANUP_FREE char *name = flat (t, map_get (t, e, "name"), " ", &l);
      CLEANUP_FREE char *what = NULL;
      struct vs_ci_item *it;

      if (!l)
        continue;
      what = vs_xasprintf ("sets the password of %s", name);
      it = item_add (c, VS_CI_PASSWORD, "chpasswd", what, strlen (what),
                     t->v[e].line);
      if (it) {
        it->account = vs_xstrdup (name);
        if (strcmp (name, "root") == 0)
          it->flags |= VS_CI_ROOT;
      }
    }
}

static void
packages (struct ctx *c, const struct tree *t, size_t id)
{
  size_t e, l = 0;

  if (!id || t->v[id].type != N_SEQ)
    return;
  for (e = t->v[id].first; e; e = t->v[e].next) {
    char *s = flat (t, e, "=", &l);

    if (l)
      item_take (c, VS_CI_PACKAGE, "packages", s, l, t->v[e].line);
    else
      free (s);
  }
}

static void
apt (struct ctx *c, const struct tree *t, size_t id)
{
  size_t src = map_get (t, id, "sources"), e;
  static const char *const whole[] = { "sources_list", "proxy", "http_proxy",
                                       "https_proxy", "conf" };
  size_t i;

  for (i = 0; i < VS_ARRAY_SIZE (whole); i++) {
    size_t v = map_get (t, id, whole[i]), l = 0;
    char *s;

    if (!v)
      continue;
    s = flat (t, v, " ", &l);
    if (!l) {
      free (s);
      continue;
    }
    {
      CLEANUP_FREE char *what = vs_xasprintf ("apt %s: %s", whole[i], s);

      item_add (c, VS_CI_APT_SOURCE, "apt", what, strlen (what),
                t->v[v].line);
    }
    free (s);
  }
  if (!src || t->v[src].type != N_MAP)
    return;
  for (e = t->v[src].first; e && t->v[e].next; e = t->v[t->v[e].next].next) {
    size_t v = t->v[e].next, line = map_get (t, v, "source"), l = 0;
    struct vs_ci_item *it;
    char *s = flat (t, line ? line : e, " ", &l);

    it = item_take (c, VS_CI_APT_SOURCE, "apt.sources", s, l, t->v[e].line);
    if (!it)
      return;
    it->owner = flat_or_null (t, e, " ");       /* the entry's name */
    if (map_get (t, v, "key"))
      it->encoding = vs_xstrdup ("key given inline");
    else if (map_get (t, v, "keyid"))
      it->encoding = flat_or_null (t, map_get (t, v, "keyid"), " ");
  }
}

/* Directives that install or run something through a module of its own
 * (shown as the directive, not read further). */
static const char *const modules[] = {
  "ansible", "chef", "puppet", "salt_minion", "mcollective", "snap",
  "ca_certs", "ca-certs", "yum_repos", "zypper", "power_state",
  "landscape", "rh_subscription", "ubuntu_advantage", "lxd",
  "rightscale_userdata", "seed_random", "ssh_keys", "random_seed",
  "bootcmd_extra", "spacewalk", "wireguard", "ntp",
};

static void
cloud_config_tree (struct ctx *c, const struct tree *t, size_t root)
{
  size_t k;

  if (!root || t->v[root].type != N_MAP)
    return;
  for (k = t->v[root].first; k && t->v[k].next;
       k = t->v[t->v[k].next].next) {
    size_t v = t->v[k].next, l = 0, i;
    unsigned line = t->v[k].line;
    const char *key;

    key = sval (t, k, &l);
    if (!key)
      continue;
    if (strcmp (key, "runcmd") == 0)
      commands (c, t, v, "runcmd");
    else if (strcmp (key, "bootcmd") == 0)
      commands (c, t, v, "bootcmd");
    else if (strcmp (key, "write_files") == 0)
      write_files (c, t, v, "write_files");
    else if (strcmp (key, "users") == 0)
      users (c, t, v);
    else if (strcmp (key, "system_info") == 0) {
      size_t du = map_get (t, v, "default_user");

      if (du)
        user (c, t, du, "system_info.default_user", 1);
    }
    else if (strcmp (key, "ssh_authorized_keys") == 0)
      ssh_keys (c, t, v, "ssh_authorized_keys", NULL);
    else if (strcmp (key, "packages") == 0)
      packages (c, t, v);
    else if (strcmp (key, "apt") == 0)
      apt (c, t, v);
    else if (strcmp (key, "chpasswd") == 0)
      chpasswd (c, t, v);
    else if (strcmp (key, "password") == 0 && is_scalar (t, v)) {
      item_adds (c, VS_CI_PASSWORD, "password",
                 "sets the default user's password", line);
    }
    else if (strcmp (key, "ssh_pwauth") == 0) {
      int b = sval_bool (t, v);
      struct vs_ci_item *it;

      if (b == 0)
        continue;
      it = item_adds (c, VS_CI_PASSWORD, "ssh_pwauth", b == 1
                      ? "ssh_pwauth: true (sshd accepts passwords)"
                      : "ssh_pwauth set", line);
      if (it && b == 1)
        it->flags |= VS_CI_PWAUTH;
    }
    else if (strcmp (key, "disable_root") == 0) {
      struct vs_ci_item *it;

      if (sval_bool (t, v) != 0)
        continue;
      it = item_adds (c, VS_CI_PASSWORD, "disable_root",
                      "disable_root: false (root may log in with the keys)",
                      line);
      if (it)
        it->flags |= VS_CI_ROOT_LOGIN;
    }
    else if (strcmp (key, "phone_home") == 0) {
      size_t u = map_get (t, v, "url");
      char *s = flat (t, u, " ", &l);

      item_take (c, VS_CI_URL, "phone_home", s, l, line);
    }
    else
      for (i = 0; i < VS_ARRAY_SIZE (modules); i++)
        if (strcmp (key, modules[i]) == 0) {
          CLEANUP_FREE char *what = NULL;
          char *s = flat (t, v, " ", &l);

          what = l ? vs_xasprintf ("%s: %s", key, s)
            : vs_xasprintf ("%s: (settings)", key);
          free (s);
          item_add (c, VS_CI_MODULE, modules[i], what, strlen (what), line);
          break;
        }
  }
}

static void content (struct ctx *c, const char *data, size_t len,
                     int yaml_default);
static void mime (struct ctx *c, const char *data, size_t len);

static void
cloud_config (struct ctx *c, const char *data, size_t len)
{
  struct tree t;

  tree_build (data, len, &t, c->doc);
  cloud_config_tree (c, &t, t.root);
  tree_free (&t);
}

/* "#cloud-config-archive": a list of parts, each a string or a mapping
 * with type and content. */
static void
archive (struct ctx *c, const char *data, size_t len)
{
  struct tree t;
  size_t e;
  unsigned saved = c->part;

  tree_build (data, len, &t, c->doc);
  if (t.root && t.v[t.root].type == N_SEQ && c->nest < VS_CI_MAX_NEST) {
    c->nest++;
    for (e = t.v[t.root].first; e; e = t.v[e].next) {
      size_t cn = is_scalar (&t, e) ? e : map_get (&t, e, "content"), l = 0;
      const char *s = sval (&t, cn, &l);
      size_t ty = map_get (&t, e, "type");

      if (!s)
        continue;
      if (++c->parts > VS_CI_MAX_PARTS) {
        set_error (c->doc, t.v[e].line, "more than %u parts, the rest not "
                   "read", VS_CI_MAX_PARTS);
        break;
      }
      c->part = (unsigned) c->parts;
      if (sval_is (&t, ty, "text/x-shellscript")
          || sval_is (&t, ty, "text/cloud-boothook"))
        item_add (c, VS_CI_SCRIPT, "cloud-config-archive", s, l, 1);
      else if (sval_is (&t, ty, "text/cloud-config"))
        cloud_config (c, s, l);
      else
        content (c, s, l, 0);
    }
    c->nest--;
  }
  c->part = saved;
  tree_free (&t);
}

/* The value of a MIME header parameter (boundary="x"), or NULL. */
static char *
mime_param (const char *h, size_t hl, const char *name)
{
  const char *p = vs_memcasemem (h, hl, name), *end = h + hl, *s;
  size_t nl = strlen (name);

  if (!p || (size_t) (end - p) <= nl || p[nl] != '=')
    return NULL;
  p += nl + 1;
  if (p < end && *p == '"') {
    s = ++p;
    while (p < end && *p != '"')
      p++;
  }
  else {
    s = p;
    while (p < end && *p != ';' && *p != ' ' && *p != '\r' && *p != '\n'
           && *p != '\t')
      p++;
  }
  if (p == s || p - s > 200)
    return NULL;
  return vs_xstrndup (s, (size_t) (p - s));
}

/* The headers of a message or part: up to the first empty line.  Sets
 * *body to where the body starts. */
static size_t
mime_headers (const char *data, size_t len, size_t *body)
{
  size_t i = 0;

  while (i < len) {
    const char *nl = memchr (data + i, '\n', len - i);
    size_t ll = nl ? (size_t) (nl - (data + i)) : len - i;

    if (ll == 0 || (ll == 1 && data[i] == '\r')) {
      *body = nl ? i + ll + 1 : len;
      return i;
    }
    i += ll + (nl ? 1 : 0);
  }
  *body = len;
  return len;
}

/* The value of header name (up to the line's end), or NULL. */
static const char *
mime_header (const char *h, size_t hl, const char *name, size_t *vl)
{
  size_t i = 0, nl = strlen (name);

  while (i < hl) {
    const char *eol = memchr (h + i, '\n', hl - i);
    size_t ll = eol ? (size_t) (eol - (h + i)) : hl - i;

    if (ll > nl && h[i + nl] == ':' && vs_memcaseeq (h + i, nl, name)) {
      const char *v = h + i + nl + 1;
      const char *e = h + i + ll;

      while (v < e && (*v == ' ' || *v == '\t'))
        v++;
      /* Folded continuation lines belong to the header. */
      while (eol && (size_t) (eol + 1 - h) < hl
             && (eol[1] == ' ' || eol[1] == '\t')) {
        const char *next = memchr (eol + 1, '\n', hl - (size_t) (eol + 1 - h));

        e = next ? next : h + hl;
        eol = next;
      }
      *vl = (size_t) (e - v);
      return v;
    }
    i += ll + 1;
  }
  return NULL;
}

/* One part of a multipart message (headers and body). */
static void
mime_part (struct ctx *c, const char *part, size_t plen)
{
  size_t pb, ph, tl = 0, el = 0, dl;
  const char *pt, *te, *b;
  CLEANUP_FREE char *dec = NULL;
  size_t blen;

  ph = mime_headers (part, plen, &pb);
  pt = mime_header (part, ph, "Content-Type", &tl);
  te = mime_header (part, ph, "Content-Transfer-Encoding", &el);
  b = part + pb;
  blen = plen - pb;
  if (te && vs_memcasemem (te, el, "base64")) {
    dec = unbase64 (b, blen, &dl);
    if (dec) {
      b = dec;
      blen = dl;
    }
  }
  if (pt && vs_memcasemem (pt, tl, "multipart/"))
    mime (c, part, plen);
  else if (pt && (vs_memcasemem (pt, tl, "text/x-shellscript")
                  || vs_memcasemem (pt, tl, "text/cloud-boothook")))
    item_add (c, VS_CI_SCRIPT, "MIME part", b, blen, 1);
  else if (pt && vs_memcasemem (pt, tl, "text/cloud-config"))
    cloud_config (c, b, blen);
  else
    content (c, b, blen, 0);    /* x-include-url, or by its first line */
}

static void
mime (struct ctx *c, const char *data, size_t len)
{
  size_t body, hl = mime_headers (data, len, &body), vl = 0, pos, bl;
  const char *ct = mime_header (data, hl, "Content-Type", &vl);
  CLEANUP_FREE char *boundary = ct ? mime_param (ct, vl, "boundary") : NULL;
  CLEANUP_FREE char *delim = NULL;
  const char *part = NULL;
  unsigned saved = c->part;
  int stop = 0;

  if (!ct)
    return;
  if (c->nest >= VS_CI_MAX_NEST) {
    set_error (c->doc, 1, "MIME parts nested deeper than %u",
               VS_CI_MAX_NEST);
    return;
  }
  if (!boundary) {
    /* A single part: its body by its own type. */
    c->nest++;
    if (vs_memcasemem (ct, vl, "text/x-shellscript")
        || vs_memcasemem (ct, vl, "text/cloud-boothook"))
      item_add (c, VS_CI_SCRIPT, "MIME part", data + body, len - body, 1);
    else if (vs_memcasemem (ct, vl, "text/cloud-config"))
      cloud_config (c, data + body, len - body);
    else if (!vs_memcasemem (ct, vl, "multipart/"))
      content (c, data + body, len - body, 0);
    c->nest--;
    return;
  }
  c->nest++;
  delim = vs_xasprintf ("--%s", boundary);
  bl = strlen (delim);
  pos = body;
  /* Each line that starts with the delimiter ends a part and may start
   * another; one pass over the body.  A part the input ends in, with no
   * closing delimiter, counts as well. */
  while (!stop) {
    const char *nl = pos < len ? memchr (data + pos, '\n', len - pos) : NULL;
    size_t ll = pos < len ? (nl ? (size_t) (nl - (data + pos)) : len - pos)
      : 0;
    size_t next = pos + ll + (nl ? 1 : 0);
    int at_end = pos >= len;
    int delim_line = !at_end && ll >= bl
      && memcmp (data + pos, delim, bl) == 0;
    int last = at_end || (delim_line && ll >= bl + 2
                          && data[pos + bl] == '-'
                          && data[pos + bl + 1] == '-');

    if (delim_line || at_end) {
      if (part) {
        if (++c->parts > VS_CI_MAX_PARTS) {
          set_error (c->doc, 1, "more than %u parts, the rest not read",
                     VS_CI_MAX_PARTS);
          break;
        }
        c->part = (unsigned) c->parts;
        mime_part (c, part, (size_t) (data + (at_end ? len : pos) - part));
      }
      part = last ? NULL : data + next;
      if (last)
        stop = 1;
    }
    pos = next;
  }
  c->nest--;
  c->part = saved;
}

static int
starts (const char *data, size_t len, const char *lit)
{
  size_t l = strlen (lit);

  return len >= l && memcmp (data, lit, l) == 0;
}

static void
includes (struct ctx *c, const char *data, size_t len)
{
  size_t pos = 0;
  unsigned no = 0;

  while (pos < len) {
    const char *nl = memchr (data + pos, '\n', len - pos);
    size_t ll = nl ? (size_t) (nl - (data + pos)) : len - pos;
    const char *s = data + pos;

    no++;
    pos += ll + (nl ? 1 : 0);
    while (ll && (*s == ' ' || *s == '\t')) {
      s++;
      ll--;
    }
    while (ll && (s[ll - 1] == '\r' || s[ll - 1] == ' '))
      ll--;
    if (ll == 0 || *s == '#')
      continue;
    item_add (c, VS_CI_URL, "#include", s, ll, no);
  }
}

/* Whether data is base64 and whitespace only (and some of it). */
static int
all_base64 (const char *data, size_t len)
{
  size_t i, n = 0;

  for (i = 0; i < len; i++) {
    unsigned char ch = (unsigned char) data[i];

    if (ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t')
      continue;
    if (ch != '=' && vs_base64_value (ch) < 0)
      return 0;
    n++;
  }
  return n >= 8;
}

/* One input or part, by what it starts with. */
static void
content (struct ctx *c, const char *data, size_t len, int yaml_default)
{
  struct vs_ci_doc *doc = c->doc;
  enum vs_ci_format f;
  size_t i = 0;

  while (i < len && (data[i] == ' ' || data[i] == '\n' || data[i] == '\r'
                     || data[i] == '\t'))
    i++;
  if (i == len) {
    if (c->nest == 0)
      doc->format = VS_CI_FMT_EMPTY;
    return;
  }
  /* A Jinja template's header line: what follows is read as it is (not
   * rendered).  A loop, not a call: the header may repeat. */
  while (starts (data, len, "## template: jinja")) {
    const char *nl = memchr (data, '\n', len);

    if (!nl)
      return;
    len -= (size_t) (nl + 1 - data);
    data = nl + 1;
  }
  if (starts (data, len, "#cloud-config-archive"))
    f = VS_CI_FMT_ARCHIVE;
  else if (starts (data, len, "#cloud-config"))
    f = VS_CI_FMT_CLOUD_CONFIG;
  else if (starts (data, len, "#!"))
    f = VS_CI_FMT_SCRIPT;
  else if (starts (data, len, "#cloud-boothook"))
    f = VS_CI_FMT_BOOTHOOK;
  else if (starts (data, len, "#include"))
    f = VS_CI_FMT_INCLUDE;
  else if (vs_memcaseeq (data, len < 13 ? len : 13, "content-type:")
           || vs_memcaseeq (data, len < 13 ? len : 13, "mime-version:"))
    f = VS_CI_FMT_MIME;
  else if (len >= 2 && (unsigned char) data[0] == 0x1f
           && (unsigned char) data[1] == 0x8b) {
    f = VS_CI_FMT_OTHER;
    item_adds (c, VS_CI_UNPARSED, "user-data", "gzip-compressed, not read",
               1);
  }
  else if (c->nest == 0 && (c->flags & VS_CI_MAYBE_BASE64)
           && all_base64 (data, len)) {
    size_t dl;
    CLEANUP_FREE char *dec = unbase64 (data, len, &dl);

    if (dec) {
      c->flags &= ~VS_CI_MAYBE_BASE64;
      content (c, dec, dl, yaml_default);
      return;
    }
    f = VS_CI_FMT_OTHER;
  }
  else if (yaml_default)
    f = VS_CI_FMT_CLOUD_CONFIG;
  else {
    f = VS_CI_FMT_OTHER;
    item_adds (c, VS_CI_UNPARSED, "user-data",
               "not a format cloud-init runs", 1);
  }
  if (c->nest == 0)
    doc->format = f;
  switch (f) {
  case VS_CI_FMT_ARCHIVE:
    archive (c, data, len);
    break;
  case VS_CI_FMT_CLOUD_CONFIG:
    cloud_config (c, data, len);
    break;
  case VS_CI_FMT_SCRIPT:
    item_add (c, VS_CI_SCRIPT, "user-data script", data, len, 1);
    break;
  case VS_CI_FMT_BOOTHOOK:
    item_add (c, VS_CI_SCRIPT, "cloud-boothook", data, len, 1);
    break;
  case VS_CI_FMT_INCLUDE:
    includes (c, data, len);
    break;
  case VS_CI_FMT_MIME:
    mime (c, data, len);
    break;
  default:
    break;
  }
}

int
vs_ci_parse (const char *data, size_t len, int flags,
             struct vs_ci_doc *doc)
{
  struct ctx c;

  memset (doc, 0, sizeof *doc);
  memset (&c, 0, sizeof c);
  c.doc = doc;
  if (len > VS_CI_MAX_INPUT) {
    set_error (doc, 0, "longer than %u bytes, the rest not read",
               VS_CI_MAX_INPUT);
    len = VS_CI_MAX_INPUT;
  }
  c.flags = flags;
  content (&c, data, len, flags & VS_CI_YAML_DEFAULT);
  if (doc->dropped)
    set_error (doc, 0, "more than %u directives, %zu not kept",
               VS_CI_MAX_ITEMS, doc->dropped);
  return doc->error ? -1 : 0;
}

/* ---- Ignition ---- */

/* A data: URL's bytes ("data:,text%20here", "data:;base64,...");
 * NULL for a URL of another scheme. */
static char *
data_url (const char *s, size_t len, size_t *out_len)
{
  const char *comma;
  struct vs_buf b = VS_BUF_INIT;
  size_t i;

  if (len < 5 || memcmp (s, "data:", 5) != 0)
    return NULL;
  comma = memchr (s, ',', len);
  if (!comma)
    return NULL;
  i = (size_t) (comma + 1 - s);
  if (vs_memcasemem (s, (size_t) (comma - s), ";base64"))
    return unbase64 (comma + 1, len - i, out_len);
  for (; i < len && b.len < VS_CI_MAX_TEXT; i++) {
    if (s[i] == '%' && i + 2 < len) {
      char hex[3] = { s[i + 1], s[i + 2], 0 };
      char *end;
      long v = strtol (hex, &end, 16);

      if (end == hex + 2) {
        vs_buf_addc (&b, (char) v);
        i += 2;
        continue;
      }
    }
    vs_buf_addc (&b, s[i]);
  }
  vs_buf_addc (&b, '\0');
  *out_len = b.len - 1;
  return vs_buf_detach (&b, NULL);
}

static void
ign_files (struct ctx *c, const struct tree *t, size_t files)
{
  size_t e;

  if (!files || t->v[files].type != N_SEQ)
    return;
  for (e = t->v[files].first; e; e = t->v[e].next) {
    size_t path = map_get (t, e, "path"), cont = map_get (t, e, "contents");
    size_t src = map_get (t, cont, "source"), mode = map_get (t, e, "mode");
    size_t l = 0, sl;
    const char *s;
    struct vs_ci_item *it;

    if (!path)
      continue;
    it = item_flat (c, VS_CI_WRITE_FILE, "storage.files", t, path,
                    t->v[e].line);
    if (!it)
      return;
    if (is_scalar (t, mode)) {
      const char *m = sval (t, mode, &l);
      char *end;
      long v = strtol (m, &end, 10);

      if (*m && !*end && v >= 0 && v <= 07777)
        it->mode = vs_xasprintf ("%04lo", v);
    }
    it->owner = flat_or_null (t, map_get (t, map_get (t, e, "user"), "name"),
                              " ");
    if (sval_bool (t, map_get (t, e, "append")) == 1
        || map_get (t, e, "append"))
      it->flags |= VS_CI_APPEND;
    if (map_get (t, cont, "compression")
        && !sval_is (t, map_get (t, cont, "compression"), ""))
      it->flags |= VS_CI_UNDECODED;
    s = sval (t, src, &sl);
    if (!s)
      continue;
    it->content = data_url (s, sl, &it->content_len);
    if (!it->content) {
      it->flags |= VS_CI_REMOTE;
      it->source = vs_xstrndup (s, sl < 4096 ? sl : 4096);
    }
  }
}

static void
ign_units (struct ctx *c, const struct tree *t, size_t units)
{
  size_t e, d;

  if (!units || t->v[units].type != N_SEQ)
    return;
  for (e = t->v[units].first; e; e = t->v[e].next) {
    size_t name = map_get (t, e, "name"), l = 0, cl;
    size_t dropins = map_get (t, e, "dropins");
    const char *cs = sval (t, map_get (t, e, "contents"), &cl);
    struct vs_ci_item *it;
    CLEANUP_FREE char *un = NULL;

    if (!name)
      continue;
    it = item_flat (c, VS_CI_UNIT, "systemd.units", t, name, t->v[e].line);
    if (!it)
      return;
    if (sval_bool (t, map_get (t, e, "enabled")) == 1)
      it->flags |= VS_CI_ENABLED;
    if (cs) {
      it->content = vs_xstrndup (cs, cl < VS_CI_MAX_TEXT ? cl
                                 : VS_CI_MAX_TEXT);
      it->content_len = strlen (it->content);
    }
    if (!dropins || t->v[dropins].type != N_SEQ)
      continue;
    un = vs_xstrdup (it->text);
    /* it is not used below: adding items may move the array. */
    for (d = t->v[dropins].first; d; d = t->v[d].next) {
      size_t dn = map_get (t, d, "name");
      CLEANUP_FREE char *dname = flat (t, dn, " ", &l);
      CLEANUP_FREE char *full = vs_xasprintf ("%s.d/%s", un, dname);
      struct vs_ci_item *di;

      cs = sval (t, map_get (t, d, "contents"), &cl);
      di = item_add (c, VS_CI_UNIT, "systemd.units.dropins", full,
                     strlen (full), t->v[d].line);
      if (!di)
        return;
      di->flags |= VS_CI_ENABLED;
      if (cs) {
        di->content = vs_xstrndup (cs, cl < VS_CI_MAX_TEXT ? cl
                                   : VS_CI_MAX_TEXT);
        di->content_len = strlen (di->content);
      }
    }
  }
}

static void
ign_users (struct ctx *c, const struct tree *t, size_t us)
{
  size_t e;

  if (!us || t->v[us].type != N_SEQ)
    return;
  for (e = t->v[us].first; e; e = t->v[e].next) {
    size_t name = map_get (t, e, "name");
    struct vs_ci_item *it;
    CLEANUP_FREE char *acct = NULL;

    if (!name)
      continue;
    it = item_flat (c, VS_CI_USER, "passwd.users", t, name, t->v[e].line);
    if (!it)
      return;
    it->groups = flat_or_null (t, map_get (t, e, "groups"), ", ");
    if (it->groups && (strstr (it->groups, "sudo")
                       || strstr (it->groups, "wheel")))
      it->flags |= VS_CI_SUDO;
    if (map_get (t, e, "passwordHash"))
      it->flags |= VS_CI_PASSWD;
    acct = vs_xstrdup (it->text);
    ssh_keys (c, t, map_get (t, e, "sshAuthorizedKeys"),
              "passwd.users.sshAuthorizedKeys", acct);
  }
}

static void
ign_configs (struct ctx *c, const struct tree *t, size_t cfg)
{
  size_t merge = map_get (t, cfg, "merge"), rep = map_get (t, cfg, "replace");
  size_t e;

  if (merge && t->v[merge].type == N_SEQ)
    for (e = t->v[merge].first; e; e = t->v[e].next)
      item_flat (c, VS_CI_URL, "ignition.config.merge", t,
                 map_get (t, e, "source"),
                 t->v[e].line);
  if (rep && map_get (t, rep, "source"))
    item_flat (c, VS_CI_URL, "ignition.config.replace", t,
               map_get (t, rep, "source"),
               t->v[rep].line);
}

int
vs_ci_parse_ignition (const char *data, size_t len, struct vs_ci_doc *doc)
{
  struct ctx c;
  struct tree t;
  size_t root;

  memset (doc, 0, sizeof *doc);
  memset (&c, 0, sizeof c);
  c.doc = doc;
  doc->format = VS_CI_FMT_IGNITION;
  if (len > VS_CI_MAX_INPUT) {
    set_error (doc, 0, "longer than %u bytes, the rest not read",
               VS_CI_MAX_INPUT);
    len = VS_CI_MAX_INPUT;
  }
  tree_build (data, len, &t, doc);
  root = t.root;
  if (root && t.v[root].type == N_MAP) {
    ign_configs (&c, &t, map_get (&t, map_get (&t, root, "ignition"),
                                  "config"));
    ign_files (&c, &t, map_get (&t, map_get (&t, root, "storage"), "files"));
    ign_units (&c, &t, map_get (&t, map_get (&t, root, "systemd"), "units"));
    ign_users (&c, &t, map_get (&t, map_get (&t, root, "passwd"), "users"));
  }
  else if (!doc->error && root)
    set_error (doc, 1, "not an Ignition config (no JSON object)");
  tree_free (&t);
  if (doc->dropped)
    set_error (doc, 0, "more than %u directives, %zu not kept",
               VS_CI_MAX_ITEMS, doc->dropped);
  return doc->error ? -1 : 0;
}

const char *
vs_ci_format_name (enum vs_ci_format f)
{
  switch (f) {
  case VS_CI_FMT_EMPTY: return "empty";
  case VS_CI_FMT_CLOUD_CONFIG: return "cloud-config";
  case VS_CI_FMT_SCRIPT: return "shell script";
  case VS_CI_FMT_BOOTHOOK: return "cloud-boothook";
  case VS_CI_FMT_INCLUDE: return "#include list";
  case VS_CI_FMT_ARCHIVE: return "cloud-config-archive";
  case VS_CI_FMT_MIME: return "MIME multipart";
  case VS_CI_FMT_IGNITION: return "Ignition config";
  default: return "unrecognised";
  }
}

void
vs_ci_free (struct vs_ci_doc *doc)
{
  size_t i;

  if (!doc)
    return;
  for (i = 0; i < doc->n; i++) {
    struct vs_ci_item *it = &doc->v[i];

    free (it->text);
    free (it->account);
    free (it->content);
    free (it->mode);
    free (it->owner);
    free (it->encoding);
    free (it->sudo);
    free (it->groups);
    free (it->source);
  }
  free (doc->v);
  free (doc->error);
  memset (doc, 0, sizeof *doc);
}
