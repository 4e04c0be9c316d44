/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: a parser for RPM header blobs (see parse-rpm.h).
 *
 * One pass over the index remembers the entries of the tags we want; each
 * is then decoded with its type, offset and count checked against the
 * data store.  String arrays are walked once to check that count strings
 * fit, then indexed.  Any inconsistency in the file arrays (a length that
 * differs from BASENAMES, a DIRINDEXES value out of range) drops the file
 * list but keeps the package's name.  Work is linear in the blob (each
 * array is walked once); every turn of a loop over its entries counts a
 * vs_tick, and a stop request ends the parse ("stopped").
 */
#include <config.h>

#include <string.h>

#include "base/bytes.h"
#include "parse/rpm.h"
#include "base/util.h"

enum {
  T_NULL = 0,
  T_CHAR,
  T_INT8,
  T_INT16,
  T_INT32,
  T_INT64,
  T_STRING,
  T_BIN,
  T_STRING_ARRAY,
  T_I18NSTRING,
};

enum {
  TAG_NAME = 1000,
  TAG_VERSION = 1001,
  TAG_RELEASE = 1002,
  TAG_EPOCH = 1003,
  TAG_FILESIZES = 1028,
  TAG_FILEMODES = 1030,
  TAG_FILEDIGESTS = 1035,
  TAG_FILEFLAGS = 1037,
  TAG_ARCH = 1022,
  TAG_OLDFILENAMES = 1027,
  TAG_DIRINDEXES = 1116,
  TAG_BASENAMES = 1117,
  TAG_DIRNAMES = 1118,
  TAG_LONGFILESIZES = 5008,
  TAG_FILEDIGESTALGO = 5011,
};

struct entry {
  uint32_t type, offset, count;
  int present;
};

enum {
  E_NAME,
  E_VERSION,
  E_RELEASE,
  E_ARCH,
  E_EPOCH,
  E_SIZES,
  E_LONGSIZES,
  E_MODES,
  E_DIGESTS,
  E_FLAGS,
  E_DIRINDEXES,
  E_BASENAMES,
  E_DIRNAMES,
  E_ALGO,
  E_OLDNAMES,
  E_COUNT,
};

static int
tag_slot (uint32_t tag)
{
  switch (tag) {
  case TAG_NAME:
    return E_NAME;
  case TAG_VERSION:
    return E_VERSION;
  case TAG_RELEASE:
    return E_RELEASE;
  case TAG_ARCH:
    return E_ARCH;
  case TAG_EPOCH:
    return E_EPOCH;
  case TAG_FILESIZES:
    return E_SIZES;
  case TAG_LONGFILESIZES:
    return E_LONGSIZES;
  case TAG_FILEMODES:
    return E_MODES;
  case TAG_FILEDIGESTS:
    return E_DIGESTS;
  case TAG_FILEFLAGS:
    return E_FLAGS;
  case TAG_DIRINDEXES:
    return E_DIRINDEXES;
  case TAG_BASENAMES:
    return E_BASENAMES;
  case TAG_DIRNAMES:
    return E_DIRNAMES;
  case TAG_FILEDIGESTALGO:
    return E_ALGO;
  case TAG_OLDFILENAMES:
    return E_OLDNAMES;
  default:
    return -1;
  }
}

struct store {
  const unsigned char *d;
  size_t len;
};

/* Whether count items of size sz fit at offset. */
static int
fits (const struct store *s, uint32_t offset, uint32_t count, size_t sz)
{
  return offset <= s->len && count <= (s->len - offset) / sz;
}

/* The one string of a STRING entry (or the first of an array). */
static const char *
get_string (const struct store *s, const struct entry *e)
{
  const char *p;

  if (!e->present
      || (e->type != T_STRING && e->type != T_STRING_ARRAY
          && e->type != T_I18NSTRING)
      || e->offset >= s->len)
    return NULL;
  p = (const char *)s->d + e->offset;
  if (!memchr (p, '\0', s->len - e->offset))
    return NULL;
  return p;
}

/* Indexes the count strings of a STRING_ARRAY entry (caller frees). */
static const char **
get_strings (const struct store *s, const struct entry *e)
{
  const char **v;
  size_t off, i;

  if (!e->present || (e->type != T_STRING_ARRAY && e->type != T_I18NSTRING)
      || e->offset >= s->len || e->count > VS_RPM_MAX_FILES
      || e->count > s->len - e->offset)
    return NULL;
  v = vs_xmalloc ((e->count ? e->count : 1) * sizeof *v);
  off = e->offset;
  for (i = 0; i < e->count; i++) {
    const unsigned char *nul;

    if (vs_tick () || off >= s->len
        || !(nul = memchr (s->d + off, '\0', s->len - off))) {
      free (v);
      return NULL;
    }
    v[i] = (const char *)s->d + off;
    off = (size_t)(nul - s->d) + 1;
  }
  return v;
}

/* Reads the integer array of an entry as uint64 values (caller frees);
 * INT16, INT32 or INT64 as found. */
static uint64_t *
get_ints (const struct store *s, const struct entry *e)
{
  size_t sz, i;
  uint64_t *v;

  if (!e->present || e->count > VS_RPM_MAX_FILES)
    return NULL;
  switch (e->type) {
  case T_INT16:
    sz = 2;
    break;
  case T_INT32:
    sz = 4;
    break;
  case T_INT64:
    sz = 8;
    break;
  default:
    return NULL;
  }
  if (!fits (s, e->offset, e->count, sz))
    return NULL;
  v = vs_xmalloc ((e->count ? e->count : 1) * sizeof *v);
  for (i = 0; i < e->count; i++) {
    const unsigned char *p = s->d + e->offset + i * sz;

    if (vs_tick ()) {
      free (v);
      return NULL;
    }
    v[i] = sz == 2   ? (uint64_t)(p[0] << 8 | p[1])
           : sz == 4 ? vs_be32 (p)
                     : vs_be64 (p);
  }
  return v;
}

/* Fills h->files.  Returns 0, or -1 if the arrays disagree. */
static int
get_files (const struct store *s, const struct entry *e,
           struct vs_rpm_header *h)
{
  const char **base = NULL, **dirs = NULL, **digests = NULL;
  uint64_t *dirindex = NULL, *modes = NULL, *flags = NULL, *sizes = NULL;
  size_t n, i;
  int rc = -1;

  if (e[E_BASENAMES].present) {
    base = get_strings (s, &e[E_BASENAMES]);
    dirs = get_strings (s, &e[E_DIRNAMES]);
    dirindex = get_ints (s, &e[E_DIRINDEXES]);
    if (!base || !dirs || !dirindex)
      goto out;
    n = e[E_BASENAMES].count;
    if (e[E_DIRINDEXES].count != n)
      goto out;
    for (i = 0; i < n; i++)
      if (vs_tick () || dirindex[i] >= e[E_DIRNAMES].count)
        goto out;
  } else if (e[E_OLDNAMES].present) {
    /* Old headers: whole paths; the "dir" is then empty. */
    base = get_strings (s, &e[E_OLDNAMES]);
    if (!base)
      goto out;
    n = e[E_OLDNAMES].count;
  } else
    return 0;
  if (e[E_DIGESTS].present) {
    digests = get_strings (s, &e[E_DIGESTS]);
    if (!digests || e[E_DIGESTS].count != n)
      goto out;
  }
  if (e[E_MODES].present) {
    modes = get_ints (s, &e[E_MODES]);
    if (!modes || e[E_MODES].count != n)
      goto out;
  }
  if (e[E_FLAGS].present) {
    flags = get_ints (s, &e[E_FLAGS]);
    if (!flags || e[E_FLAGS].count != n)
      goto out;
  }
  if (e[E_LONGSIZES].present) {
    sizes = get_ints (s, &e[E_LONGSIZES]);
    if (!sizes || e[E_LONGSIZES].count != n)
      goto out;
  } else if (e[E_SIZES].present) {
    sizes = get_ints (s, &e[E_SIZES]);
    if (!sizes || e[E_SIZES].count != n)
      goto out;
  }
  h->files = vs_xcalloc (n ? n : 1, sizeof *h->files);
  h->nfiles = n;
  for (i = 0; i < n; i++) {
    struct vs_rpm_file *f = &h->files[i];

    if (vs_tick ()) {
      free (h->files);
      h->files = NULL;
      h->nfiles = 0;
      goto out;
    }
    f->dir = dirs ? dirs[dirindex[i]] : "";
    f->base = base[i];
    f->digest = digests ? digests[i] : "";
    f->mode = modes ? (unsigned)(modes[i] & 0xffff) : 0;
    f->flags = flags ? (uint32_t)flags[i] : 0;
    f->size = sizes ? sizes[i] : 0;
  }
  rc = 0;
out:
  free (base);
  free (dirs);
  free (digests);
  free (dirindex);
  free (modes);
  free (flags);
  free (sizes);
  return rc;
}

int
vs_rpm_header_parse (const unsigned char *blob, size_t len,
                     struct vs_rpm_header *h, const char **err)
{
  struct entry e[E_COUNT];
  struct store s;
  uint32_t il, dl, i;
  uint64_t *algo;

  memset (h, 0, sizeof *h);
  memset (e, 0, sizeof e);
  if (len < 8) {
    *err = "header shorter than its 8-byte preamble";
    return -1;
  }
  il = vs_be32 (blob);
  dl = vs_be32 (blob + 4);
  if (il == 0 || il > VS_RPM_MAX_TAGS || dl > VS_RPM_MAX_DATA) {
    *err = "header index or data size out of range";
    return -1;
  }
  if ((uint64_t)8 + (uint64_t)il * 16 + dl > len) {
    *err = "header longer than its blob";
    return -1;
  }
  s.d = blob + 8 + (size_t)il * 16;
  s.len = dl;
  for (i = 0; i < il; i++) {
    const unsigned char *p = blob + 8 + (size_t)i * 16;
    int slot = tag_slot (vs_be32 (p));

    if (vs_tick ()) {
      *err = "stopped";
      return -1;
    }
    if (slot < 0 || e[slot].present)
      continue;
    e[slot].type = vs_be32 (p + 4);
    e[slot].offset = vs_be32 (p + 8);
    e[slot].count = vs_be32 (p + 12);
    e[slot].present = 1;
  }
  h->name = get_string (&s, &e[E_NAME]);
  h->version = get_string (&s, &e[E_VERSION]);
  h->release = get_string (&s, &e[E_RELEASE]);
  h->arch = get_string (&s, &e[E_ARCH]);
  if ((algo = get_ints (&s, &e[E_EPOCH])) != NULL) {
    if (e[E_EPOCH].count >= 1 && algo[0] <= UINT32_MAX) {
      h->has_epoch = 1;
      h->epoch = (uint32_t)algo[0];
    }
    free (algo);
  }
  h->digest_algo = VS_RPM_ALGO_MD5;
  if ((algo = get_ints (&s, &e[E_ALGO])) != NULL) {
    if (e[E_ALGO].count >= 1)
      h->digest_algo = (uint32_t)algo[0];
    free (algo);
  }
  if (!h->name) {
    *err = vs_stopping () ? "stopped" : "header without a package name";
    vs_rpm_header_clear (h);
    return -1;
  }
  if (get_files (&s, e, h) == -1) {
    *err = vs_stopping () ? "stopped"
                          : "header file arrays out of range or inconsistent";
    vs_rpm_header_clear (h);
    return -1;
  }
  return 0;
}

void
vs_rpm_header_clear (struct vs_rpm_header *h)
{
  free (h->files);
  memset (h, 0, sizeof *h);
}
