/* SPDX-License-Identifier: BSD-3-Clause */
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
 *
 * Invariants that keep a walk linear in the file: the outer loop reads
 * each hash page once; "seen" has a bit per page, set when an overflow
 * page is read, and a chain that reaches a set bit is refused; the items
 * of one hash page are disjoint (each ends where the previous begins);
 * so the bytes handed out add up to at most the file's length, which
 * "out_left" enforces before anything is allocated.
 */
#include <config.h>

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "parse/bdb.h"
#include "base/util.h"

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
  int swap;            /* big-endian file */
  unsigned char *seen; /* a bit per page: overflow page already read */
  size_t out_left;     /* bytes that may still be handed out */
  int stop;            /* vs_tick asked to stop */
  struct vs_bdb_stats *st;
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

/* Keeps the reason of the first pair skipped. */
static void why (struct bdb *b, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));

static void
why (struct bdb *b, const char *fmt, ...)
{
  va_list ap;

  if (b->st->why[0])
    return;
  va_start (ap, fmt);
  vsnprintf (b->st->why, sizeof b->st->why, fmt, ap);
  va_end (ap);
}

/* Assembles an off-page item into a new buffer.  Returns it or NULL. */
static unsigned char *
read_overflow (struct bdb *b, uint32_t pgno, uint32_t tlen, size_t *out_len)
{
  unsigned char *buf;
  size_t got = 0;

  if (tlen == 0 || tlen > VS_BDB_MAX_ITEM || tlen > b->out_left) {
    why (b,
         "item of %" PRIu32 " bytes on overflow page %" PRIu32
         " is longer than the rest of the file",
         tlen, pgno);
    return NULL;
  }
  buf = vs_xmalloc (tlen);
  while (got < tlen) {
    const unsigned char *p = page (b, pgno);
    size_t n;

    if (vs_tick ()) {
      b->stop = 1;
      goto bad;
    }
    if (!p) {
      why (b, "overflow chain runs to page %" PRIu32 ", past the end", pgno);
      goto bad;
    }
    if (p[25] != P_OVERFLOW) {
      why (b, "overflow chain runs to page %" PRIu32 ", not an overflow page",
           pgno);
      goto bad;
    }
    if (b->seen[pgno / 8] & (1u << (pgno % 8))) {
      why (b,
           "overflow page %" PRIu32 " reached twice (a cycle or a shared "
           "chain)",
           pgno);
      goto bad;
    }
    b->seen[pgno / 8] |= (unsigned char)(1u << (pgno % 8));
    b->st->pages++;
    n = u16 (b, p + 22);
    if (n == 0 || n > b->pagesize - PAGE_HEADER || n > tlen - got) {
      why (b,
           "overflow page %" PRIu32 " holds %zu bytes, not what its item "
           "needs",
           pgno, n);
      goto bad;
    }
    memcpy (buf + got, p + PAGE_HEADER, n);
    got += n;
    pgno = u32 (b, p + 16);
  }
  b->out_left -= got;
  *out_len = got;
  return buf;
bad:
  free (buf);
  return NULL;
}

/* The bytes of item i of hash page p (page number pgno), inline or
 * assembled; *owned is set when the caller must free them.  NULL if
 * unreadable. */
static const unsigned char *
item (struct bdb *b, const unsigned char *p, uint32_t pgno, unsigned i,
      size_t *len, unsigned char **owned)
{
  unsigned off = u16 (b, p + PAGE_HEADER + 2 * i);
  unsigned end
      = i == 0 ? (unsigned)b->pagesize : u16 (b, p + PAGE_HEADER + 2 * (i - 1));
  unsigned entries = u16 (b, p + 20);

  *owned = NULL;
  if (off < PAGE_HEADER + 2 * entries || off >= end || end > b->pagesize) {
    why (b, "item %u of hash page %" PRIu32 " out of place", i, pgno);
    return NULL;
  }
  if (p[off] == H_KEYDATA) {
    /* Items of a page are disjoint and each page is read once, so this
     * never goes below 0 (see the design notes). */
    *len = end - off - 1;
    b->out_left -= *len;
    return p + off + 1;
  }
  if (p[off] == H_OFFPAGE && end - off >= 12) {
    *owned = read_overflow (b, u32 (b, p + off + 4), u32 (b, p + off + 8), len);
    return *owned;
  }
  why (b, "item %u of hash page %" PRIu32 " of unknown type %u", i, pgno,
       p[off]);
  return NULL;
}

int
vs_bdb_hash_walk (const unsigned char *db, size_t len,
                  int (*fn) (const unsigned char *key, size_t klen,
                             const unsigned char *data, size_t dlen,
                             void *opaque),
                  void *opaque, struct vs_bdb_stats *st, const char **err)
{
  struct bdb b;
  size_t n;
  int rc = 0;

  memset (&b, 0, sizeof b);
  memset (st, 0, sizeof *st);
  b.st = st;
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
  /* At most 2^32 pages can be numbered; the file is smaller anyway. */
  b.npages = len / b.pagesize;
  if (b.npages > UINT32_MAX)
    b.npages = UINT32_MAX;
  b.seen = vs_xcalloc (b.npages / 8 + 1, 1);
  b.out_left = len;
  st->pages = 1; /* the metadata page */
  for (n = 1; n < b.npages; n++) {
    const unsigned char *p = page (&b, (uint32_t)n);
    unsigned entries, i;

    if (vs_tick ()) {
      b.stop = 1;
      break;
    }
    if (p[25] != P_HASH && p[25] != P_HASH_UNSORTED)
      continue;
    st->pages++;
    entries = u16 (&b, p + 20);
    if (PAGE_HEADER + 2 * (size_t)entries > b.pagesize) {
      why (&b, "hash page %zu has %u entries, more than fit", n, entries);
      st->bad++;
      continue;
    }
    for (i = 0; i + 1 < entries; i += 2) {
      unsigned char *kown = NULL, *down = NULL;
      const unsigned char *k, *d;
      size_t kl = 0, dl = 0;
      int r = 0;

      if (vs_tick ()) {
        b.stop = 1;
        break;
      }
      k = item (&b, p, (uint32_t)n, i, &kl, &kown);
      d = k ? item (&b, p, (uint32_t)n, i + 1, &dl, &down) : NULL;
      if (k && d)
        r = fn (k, kl, d, dl, opaque);
      else if (!b.stop)
        st->bad++;
      free (kown);
      free (down);
      if (r == -1 || b.stop) {
        b.stop = 1;
        break;
      }
    }
    if (b.stop)
      break;
  }
  if (b.stop) {
    *err = "stopped";
    rc = -1;
  }
  free (b.seen);
  return rc;
}
