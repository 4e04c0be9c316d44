/* vmscan: a reader for Berkeley DB hash databases (see parse-bdb.h).
 *
 * Layout used here.  Every page starts with a 26-byte header: LSN (8),
 * page number (4 at 8), previous (4 at 12), next (4 at 16), entries (2 at
 * 20), high free offset (2 at 22), level (1 at 24), type (1 at 25).  A
 * hash page's header is followed by "entries" 2-byte offsets of items,
 * pairs of key then data; an item is laid out downwards from the end of
 * the page, so its length is the previous item's offset (or the page
 * size) minus its own.  Its first byte says what it is: 1 inline bytes,
 * 3 an off-page item (page number at 4, total length at 8).  An overflow
 * page holds hf_offset bytes after its header and links to the next.
 * Numbers are in the byte order of the machine that wrote the file,
 * found from the magic.
 */
#include <config.h>

#include <string.h>

#include "parse-bdb.h"
#include "util.h"

#define HASH_MAGIC 0x061561u
#define PAGE_HEADER 26
#define P_HASH_UNSORTED 2
#define P_OVERFLOW 7
#define P_HASHMETA 8
#define P_HASH 13
#define H_KEYDATA 1
#define H_OFFPAGE 3

struct bdb {
  const unsigned char *d;
  size_t len;
  size_t pagesize;
  size_t npages;
  int swap; /* big-endian file */
};

static uint32_t
u32 (const struct bdb *b, const unsigned char *p)
{
  if (b->swap)
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8
           | p[3];
  return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8
         | p[0];
}

static unsigned
u16 (const struct bdb *b, const unsigned char *p)
{
  return b->swap ? (unsigned)(p[0] << 8 | p[1]) : (unsigned)(p[1] << 8 | p[0]);
}

static const unsigned char *
page (const struct bdb *b, uint32_t n)
{
  return n < b->npages ? b->d + (size_t)n * b->pagesize : NULL;
}

/* Assembles an off-page item into a new buffer.  Returns it or NULL. */
static unsigned char *
read_overflow (const struct bdb *b, uint32_t pgno, uint32_t tlen,
               size_t *out_len)
{
  unsigned char *buf;
  size_t got = 0, steps = 0;

  if (tlen == 0 || tlen > VS_BDB_MAX_ITEM || tlen > b->len)
    return NULL;
  buf = vs_xmalloc (tlen);
  while (got < tlen) {
    const unsigned char *p = page (b, pgno);
    size_t n;

    if (!p || ++steps > b->npages || p[25] != P_OVERFLOW)
      goto bad;
    n = u16 (b, p + 22);
    if (n > b->pagesize - PAGE_HEADER || n > tlen - got)
      goto bad;
    memcpy (buf + got, p + PAGE_HEADER, n);
    got += n;
    if (got < tlen && n == 0)
      goto bad;
    pgno = u32 (b, p + 16);
  }
  *out_len = got;
  return buf;
bad:
  free (buf);
  return NULL;
}

/* The bytes of item i of hash page p (inline or assembled); *owned is
 * set when the caller must free them.  NULL if unreadable. */
static const unsigned char *
item (const struct bdb *b, const unsigned char *p, unsigned i, size_t *len,
      unsigned char **owned)
{
  unsigned off = u16 (b, p + PAGE_HEADER + 2 * i);
  unsigned end
      = i == 0 ? (unsigned)b->pagesize : u16 (b, p + PAGE_HEADER + 2 * (i - 1));
  unsigned entries = u16 (b, p + 20);

  *owned = NULL;
  if (off < PAGE_HEADER + 2 * entries || off >= end || end > b->pagesize)
    return NULL;
  if (p[off] == H_KEYDATA) {
    *len = end - off - 1;
    return p + off + 1;
  }
  if (p[off] == H_OFFPAGE && end - off >= 12) {
    *owned = read_overflow (b, u32 (b, p + off + 4), u32 (b, p + off + 8), len);
    return *owned;
  }
  return NULL;
}

int
vs_bdb_hash_walk (const unsigned char *db, size_t len,
                  int (*fn) (const unsigned char *key, size_t klen,
                             const unsigned char *data, size_t dlen,
                             void *opaque),
                  void *opaque, size_t *bad, const char **err)
{
  struct bdb b;
  size_t n;

  memset (&b, 0, sizeof b);
  *bad = 0;
  if (len < 512) {
    *err = "too short for a Berkeley DB file";
    return -1;
  }
  b.d = db;
  b.len = len;
  if (u32 (&b, db + 12) != HASH_MAGIC) {
    b.swap = 1;
    if (u32 (&b, db + 12) != HASH_MAGIC) {
      *err = "not a Berkeley DB hash database";
      return -1;
    }
  }
  b.pagesize = u32 (&b, db + 20);
  if (b.pagesize < 512 || b.pagesize > 65536 || (b.pagesize & (b.pagesize - 1))
      || db[25] != P_HASHMETA) {
    *err = "Berkeley DB page size or metadata page type out of range";
    return -1;
  }
  if (db[24] != 0) {
    *err = "encrypted Berkeley DB database";
    return -1;
  }
  b.npages = len / b.pagesize;
  for (n = 1; n < b.npages; n++) {
    const unsigned char *p = page (&b, (uint32_t)n);
    unsigned entries, i;

    if (p[25] != P_HASH && p[25] != P_HASH_UNSORTED)
      continue;
    entries = u16 (&b, p + 20);
    if (PAGE_HEADER + 2 * (size_t)entries > b.pagesize) {
      (*bad)++;
      continue;
    }
    for (i = 0; i + 1 < entries; i += 2) {
      unsigned char *kown = NULL, *down = NULL;
      const unsigned char *k, *d;
      size_t kl = 0, dl = 0;
      int r = 0;

      k = item (&b, p, i, &kl, &kown);
      d = k ? item (&b, p, i + 1, &dl, &down) : NULL;
      if (k && d)
        r = fn (k, kl, d, dl, opaque);
      else
        (*bad)++;
      free (kown);
      free (down);
      if (r == -1) {
        *err = "stopped";
        return -1;
      }
    }
  }
  return 0;
}
