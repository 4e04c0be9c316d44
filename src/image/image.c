/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: host-side checks of a disk image file before qemu sees it.
 *
 * Headers are read here, a few fixed-size structures at known offsets,
 * and the allocation tables of the sparse formats (qcow2 L1/L2, VMDK
 * grain directory and tables, VHD and VHDX block tables), every read
 * bounds-checked against the file size through read_at().  Tables are
 * read in chunks or up to a cap, so a crafted size costs bounded memory
 * and time.  Every block a table points to must lie inside the file:
 * qemu reads past the end as zeros, so a truncated image would otherwise
 * be scanned as if the missing data were zeros.
 *
 * The parsers accept nothing they do not understand: an unknown VMDK
 * create type, a VHD of unknown type or a VHDX without the metadata we
 * look for is refused with a message rather than passed to qemu to
 * interpret.  A VMDK's descriptor is read where qemu reads it and as
 * loosely as qemu reads it (keys found anywhere in the text, extent
 * words split on any white space), and refused wherever qemu would open
 * a file other than the image (see check_vmdk).  Without --format,
 * files that plainly are not disk images (too small for one sector,
 * text, executables, pictures, archives) are refused too.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/ascii.h"
#include "base/bytes.h"
#include "image/image.h"
#include "base/util.h"

/* Where the bytes come from: a file descriptor or a memory buffer. */
struct src {
  int fd;
  const unsigned char *mem;
  uint64_t size;
};

/* Reads exactly len bytes at off; returns 0, or -1 if they are not all
 * there. */
static int
read_at (const struct src *s, uint64_t off, void *buf, size_t len)
{
  if (off > s->size || len > s->size - off)
    return -1;
  if (s->mem) {
    memcpy (buf, s->mem + off, len);
    return 0;
  }
  return vs_pread_full (s->fd, buf, len, off);
}

struct fmt {
  const char *name;             /* --format name */
  const char *qemu;             /* qemu driver name */
};

static const struct fmt formats[] = {
  { "raw", "raw" },
  { "qcow2", "qcow2" },
  { "vmdk", "vmdk" },
  { "vhd", "vpc" },
  { "vhdx", "vhdx" },
};

int
vs_image_format_valid (const char *name)
{
  size_t i;

  for (i = 0; i < VS_ARRAY_SIZE (formats); i++)
    if (strcmp (formats[i].name, name) == 0)
      return 1;
  return 0;
}

static void
set_format (struct vs_image *img, const char *name)
{
  size_t i;

  for (i = 0; i < VS_ARRAY_SIZE (formats); i++)
    if (strcmp (formats[i].name, name) == 0) {
      img->format_name = formats[i].name;
      img->format = formats[i].qemu;
      return;
    }
  abort ();
}

#define QCOW2_INCOMPAT_DIRTY    (1ULL << 0)
#define QCOW2_INCOMPAT_CORRUPT  (1ULL << 1)
#define QCOW2_INCOMPAT_DATA_FILE (1ULL << 2)
#define QCOW2_INCOMPAT_KNOWN    0x1fULL

/* The most L2 table bytes check_qcow2_tables reads (1/8192 of the
 * virtual size with 64 KiB clusters: 512 GiB of disk). */
#define QCOW2_MAX_L2_BYTES (64ULL << 20)
#define QCOW2_OFFSET_MASK 0x00fffffffffffe00ULL
#define QCOW2_COMPRESSED (1ULL << 62)

/* Sets *errmsg to "IMAGE is truncated: its WHAT at offset OFF is past
 * the end of the file (SIZE bytes)" and returns -1. */
static int
truncated (char **errmsg, const char *image, const char *what, uint64_t off,
           uint64_t size)
{
  *errmsg = vs_xasprintf ("%s is truncated: its %s at offset %llu is past "
                          "the end of the file (%llu bytes)", image, what,
                          (unsigned long long) off,
                          (unsigned long long) size);
  return -1;
}

/* True if the len bytes at off are not all inside the first end bytes of
 * the file (no overflow whatever the values). */
static int
past (uint64_t off, uint64_t len, uint64_t end)
{
  return off > end || len > end - off;
}

/* A table of n entries of esize bytes at off in the file, read in
 * order, TABLE_CHUNK entries at a time, so that a huge table costs
 * bounded memory.  image and what name it in the truncation message. */
#define TABLE_CHUNK 4096
struct table {
  const struct src *s;
  const char *image, *what;
  uint64_t off, n;
  size_t esize;
  unsigned char *buf;           /* TABLE_CHUNK entries */
};

static void
table_init (struct table *t, const struct src *s, const char *image,
            const char *what, uint64_t off, uint64_t n, size_t esize)
{
  t->s = s;
  t->image = image;
  t->what = what;
  t->off = off;
  t->n = n;
  t->esize = esize;
  t->buf = vs_xmalloc (TABLE_CHUNK * esize);
}

/* Entry i (asked for in order from 0), or NULL with *errmsg set (the
 * table is truncated) if it could not be read. */
static const unsigned char *
table_entry (struct table *t, uint64_t i, char **errmsg)
{
  size_t slot = (size_t) (i % TABLE_CHUNK);

  if (slot == 0) {
    uint64_t k = t->n - i < TABLE_CHUNK ? t->n - i : TABLE_CHUNK;

    if (read_at (t->s, t->off + i * t->esize, t->buf,
                 (size_t) k * t->esize) == -1) {
      truncated (errmsg, t->image, t->what, t->off, t->s->size);
      return NULL;
    }
  }
  return t->buf + slot * t->esize;
}

/* Every table and data cluster the image points to must be inside the
 * file: a truncated image would otherwise pass its header and fail (or
 * read as zeros) inside the appliance.  L2 tables beyond
 * QCOW2_MAX_L2_BYTES are not read. */
static int
check_qcow2_tables (const struct src *s, const unsigned char *h,
                    char **errmsg)
{
  uint32_t cluster_bits = vs_be32 (h + 20), l1_size = vs_be32 (h + 36);
  uint32_t rc_clusters = vs_be32 (h + 56);
  uint64_t l1_off = vs_be64 (h + 40), rc_off = vs_be64 (h + 48), csize, i, j;
  uint64_t l2_read = 0;
  unsigned char *l1 = NULL, *l2 = NULL;
  int rc = -1;

  if (cluster_bits < 9 || cluster_bits > 21) {
    *errmsg = vs_xasprintf ("qcow2 cluster size 2^%u is not valid",
                            cluster_bits);
    return -1;
  }
  csize = 1ULL << cluster_bits;
  if (rc_off > s->size || (uint64_t) rc_clusters * csize > s->size - rc_off)
    return truncated (errmsg, "qcow2 image", "refcount table", rc_off,
                      s->size);
  if (l1_size > (32U << 20) / 8) {
    *errmsg = vs_xasprintf ("qcow2 L1 table of %u entries is too large",
                            l1_size);
    return -1;
  }
  if (l1_size == 0)
    return 0;
  if (l1_off > s->size || (uint64_t) l1_size * 8 > s->size - l1_off)
    return truncated (errmsg, "qcow2 image", "L1 table", l1_off, s->size);
  l1 = vs_xmalloc ((size_t) l1_size * 8);
  l2 = vs_xmalloc ((size_t) csize);
  if (read_at (s, l1_off, l1, (size_t) l1_size * 8) == -1) {
    truncated (errmsg, "qcow2 image", "L1 table", l1_off, s->size);
    goto out;
  }
  for (i = 0; i < l1_size; i++) {
    uint64_t l2_off = vs_be64 (l1 + 8 * i) & QCOW2_OFFSET_MASK;

    if (!l2_off)
      continue;
    if (l2_off > s->size || csize > s->size - l2_off) {
      truncated (errmsg, "qcow2 image", "L2 table", l2_off, s->size);
      goto out;
    }
    if (l2_read + csize > QCOW2_MAX_L2_BYTES)
      continue;
    l2_read += csize;
    if (read_at (s, l2_off, l2, (size_t) csize) == -1) {
      truncated (errmsg, "qcow2 image", "L2 table", l2_off, s->size);
      goto out;
    }
    for (j = 0; j < csize / 8; j++) {
      uint64_t e = vs_be64 (l2 + 8 * j), off;

      if (e & QCOW2_COMPRESSED) {
        off = e & ((1ULL << (62 - (cluster_bits - 8))) - 1);
        if (off >= s->size) {
          truncated (errmsg, "qcow2 image", "compressed cluster", off,
                     s->size);
          goto out;
        }
        continue;
      }
      off = e & QCOW2_OFFSET_MASK;
      if (off && (off > s->size || csize > s->size - off)) {
        truncated (errmsg, "qcow2 image", "data cluster", off, s->size);
        goto out;
      }
    }
  }
  rc = 0;
 out:
  free (l1);
  free (l2);
  return rc;
}

static int
check_qcow2 (const struct src *s, struct vs_image *img, char **errmsg)
{
  unsigned char h[104];
  uint32_t version;
  uint64_t backing_off, incompat = 0;
  uint32_t backing_len;

  if (read_at (s, 0, h, 72) == -1) {
    *errmsg = vs_xstrdup ("qcow2 header is truncated");
    return -1;
  }
  if (memcmp (h, "QFI\xfb", 4) != 0) {
    *errmsg = vs_xstrdup ("not a qcow2 image (no QFI magic)");
    return -1;
  }
  version = vs_be32 (h + 4);
  if (version != 2 && version != 3) {
    *errmsg = vs_xasprintf ("qcow2 version %u is not supported", version);
    return -1;
  }
  backing_off = vs_be64 (h + 8);
  backing_len = vs_be32 (h + 16);
  if (backing_off != 0) {
    char name[256] = "";
    size_t n = backing_len < sizeof name - 1 ? backing_len : sizeof name - 1;
    CLEANUP_FREE char *shown = NULL;

    if (read_at (s, backing_off, name, n) == -1)
      n = 0;
    name[n] = '\0';
    shown = vs_printable (name, n);
    *errmsg = vs_xasprintf ("qcow2 image has a backing file '%s'; vmscan "
                            "does not open files an image names (flatten "
                            "it with qemu-img convert first)", shown);
    return -1;
  }
  if (vs_be32 (h + 32) != 0) {
    *errmsg = vs_xstrdup ("qcow2 image is encrypted; not supported");
    return -1;
  }
  if (version == 3) {
    if (read_at (s, 0, h, 104) == -1) {
      *errmsg = vs_xstrdup ("qcow2 v3 header is truncated");
      return -1;
    }
    incompat = vs_be64 (h + 72);
    if (incompat & QCOW2_INCOMPAT_DATA_FILE) {
      *errmsg = vs_xstrdup ("qcow2 image keeps its data in an external "
                            "data file; vmscan does not open files an "
                            "image names");
      return -1;
    }
    if (incompat & ~QCOW2_INCOMPAT_KNOWN) {
      *errmsg = vs_xasprintf ("qcow2 image has unknown incompatible "
                              "features 0x%llx",
                              (unsigned long long) incompat);
      return -1;
    }
  }
  if (check_qcow2_tables (s, h, errmsg) == -1)
    return -1;
  img->virtual_size = vs_be64 (h + 24);
  return 0;
}

#define VMDK_GD_AT_END 0xffffffffffffffffULL
#define VMDK_FLAG_RGD (1U << 1)
#define VMDK_FLAG_ZERO_GRAIN (1U << 2)
#define VMDK_FLAG_MARKERS (1U << 17)
#define VMDK_DEFLATE 1
#define VMDK_GTE_ZEROED 1
#define VMDK_MARKER_LEN 12
/* Limits qemu also applies: a grain of at most 1 GiB, at most 512
 * entries in a grain table. */
#define VMDK_MAX_GRAIN_SECTORS 0x200000ULL
#define VMDK_MAX_GTES 512
/* The most grain table bytes check_vmdk_tables reads (with 64 KiB
 * grains: 1 TiB of disk).  Grain tables beyond it are only checked to
 * lie inside the file. */
#define VMDK_MAX_GT_BYTES (64ULL << 20)

/* Checks one grain table (n entries at gt) of grain directory entry gdi.
 * *last_compressed keeps the offset of the compressed grain furthest
 * into the file. */
static int
check_vmdk_gt (const struct src *s, const unsigned char *gt, uint32_t n,
               uint64_t gdi, uint64_t grain, uint64_t capacity,
               int compressed, int zero_grain, uint64_t *last_compressed,
               char **errmsg)
{
  uint32_t j;

  for (j = 0; j < n; j++) {
    uint64_t e = vs_le32 (gt + 4 * j), lba, len;

    if (e == 0 || (zero_grain && e == VMDK_GTE_ZEROED))
      continue;
    if (compressed) {
      if (past (e * 512, VMDK_MARKER_LEN, s->size))
        return truncated (errmsg, "VMDK", "compressed grain", e * 512,
                          s->size);
      if (e * 512 > *last_compressed)
        *last_compressed = e * 512;
      continue;
    }
    /* The last grain need only hold what is left of the disk. */
    lba = (gdi * n + j) * grain;
    len = grain;
    if (lba < capacity && capacity - lba < len)
      len = capacity - lba;
    if (past (e * 512, len * 512, s->size))
      return truncated (errmsg, "VMDK", "grain", e * 512, s->size);
  }
  return 0;
}

/* Every grain table and grain the sparse extent header h points to must
 * be inside the file: qemu would read missing ones as zeros.  A
 * streamOptimized image may keep its real header in a footer at the end
 * of the file. */
static int
check_vmdk_tables (const struct src *s, const unsigned char *h0,
                   struct vs_image *img, char **errmsg)
{
  unsigned char foot[512];
  const unsigned char *h = h0;
  uint64_t capacity, grain, gd_off, rgd_off, gd_n, gd_bytes, span, i;
  uint64_t gt_read = 0, last_compressed = 0;
  uint32_t flags, ngtes;
  int compressed, zero_grain, rc = -1;
  struct table gd;
  unsigned char *gt;

  if (vs_le64 (h + 56) == VMDK_GD_AT_END) {
    if (s->size < 1024 || read_at (s, s->size - 1024, foot, sizeof foot) == -1
        || memcmp (foot, "KDMV", 4) != 0) {
      *errmsg = vs_xstrdup ("VMDK footer is missing at the end of the file "
                            "(truncated streamOptimized image?)");
      return -1;
    }
    h = foot;
  }
  flags = vs_le32 (h + 8);
  capacity = vs_le64 (h + 12);
  grain = vs_le64 (h + 20);
  ngtes = vs_le32 (h + 44);
  rgd_off = vs_le64 (h + 48);
  gd_off = vs_le64 (h + 56);
  compressed = (h[77] | (h[78] << 8)) == VMDK_DEFLATE;
  zero_grain = (flags & VMDK_FLAG_ZERO_GRAIN) != 0;
  img->virtual_size = capacity <= UINT64_MAX / 512 ? capacity * 512 : 0;

  if (grain == 0 || (grain & (grain - 1)) != 0
      || grain > VMDK_MAX_GRAIN_SECTORS) {
    *errmsg = vs_xasprintf ("VMDK grain size of %llu sectors is not valid",
                            (unsigned long long) grain);
    return -1;
  }
  if (ngtes == 0 || ngtes > VMDK_MAX_GTES) {
    *errmsg = vs_xasprintf ("VMDK grain tables of %u entries are not valid",
                            ngtes);
    return -1;
  }
  if (gd_off == VMDK_GD_AT_END) {
    *errmsg = vs_xstrdup ("VMDK footer does not say where the grain "
                          "directory is");
    return -1;
  }
  span = grain * ngtes;         /* at most 2^30 sectors */
  gd_n = capacity / span + (capacity % span != 0);
  if (gd_n > s->size / 4) {
    *errmsg = vs_xasprintf ("VMDK grain directory of %llu entries is larger "
                            "than the file (%llu bytes): corrupt header",
                            (unsigned long long) gd_n,
                            (unsigned long long) s->size);
    return -1;
  }
  gd_bytes = gd_n * 4;
  if (gd_off > UINT64_MAX / 512 || past (gd_off * 512, gd_bytes, s->size))
    return truncated (errmsg, "VMDK", "grain directory",
                      gd_off > UINT64_MAX / 512 ? gd_off : gd_off * 512,
                      s->size);
  if ((flags & VMDK_FLAG_RGD) && rgd_off != 0
      && (rgd_off > UINT64_MAX / 512
          || past (rgd_off * 512, gd_bytes, s->size)))
    return truncated (errmsg, "VMDK", "redundant grain directory",
                      rgd_off > UINT64_MAX / 512 ? rgd_off : rgd_off * 512,
                      s->size);

  table_init (&gd, s, "VMDK", "grain directory", gd_off * 512, gd_n, 4);
  gt = vs_xmalloc (VMDK_MAX_GTES * 4);
  for (i = 0; i < gd_n; i++) {
    const unsigned char *e;
    uint64_t gt_off;

    if (vs_tick ()) {
      *errmsg = vs_xstrdup ("VMDK table check stopped");
      goto out;
    }
    if (!(e = table_entry (&gd, i, errmsg)))
      goto out;
    gt_off = (uint64_t) vs_le32 (e) * 512;
    if (gt_off == 0)
      continue;
    if (past (gt_off, (uint64_t) ngtes * 4, s->size)) {
      truncated (errmsg, "VMDK", "grain table", gt_off, s->size);
      goto out;
    }
    if (gt_read + ngtes * 4 > VMDK_MAX_GT_BYTES)
      continue;
    gt_read += ngtes * 4;
    vs_tick_n (ngtes);
    if (read_at (s, gt_off, gt, (size_t) ngtes * 4) == -1) {
      truncated (errmsg, "VMDK", "grain table", gt_off, s->size);
      goto out;
    }
    if (check_vmdk_gt (s, gt, ngtes, i, grain, capacity, compressed,
                       zero_grain, &last_compressed, errmsg) == -1)
      goto out;
  }
  /* Compressed grains are written one after another: if the last one is
   * whole, the file was not cut inside the grains. */
  if (last_compressed && (flags & VMDK_FLAG_MARKERS)) {
    unsigned char m[VMDK_MARKER_LEN];

    if (read_at (s, last_compressed, m, sizeof m) == -1
        || past (last_compressed + VMDK_MARKER_LEN, vs_le32 (m + 8), s->size)) {
      truncated (errmsg, "VMDK", "compressed grain", last_compressed,
                 s->size);
      goto out;
    }
  }
  rc = 0;
 out:
  free (gd.buf);
  free (gt);
  return rc;
}

/* What qemu 7.2 (block/vmdk.c) does with the text of a KDMV file, which
 * is what this check must agree with:
 *
 * - A header with capacity 0 and a descriptor offset makes qemu read
 *   the file from that offset as a descriptor file and open every
 *   extent it lists, by name: any file of the host.
 * - Otherwise qemu never parses the embedded descriptor's extents or
 *   create type.  It reads 20 sectors from sector 1, whatever the
 *   header's descriptor offset says, stops at the first NUL, and takes
 *   the first "parentFileNameHint" found anywhere in them (in a comment,
 *   mid-line) as a parent image that it opens.  "CID" and "parentCID"
 *   are found the same way.
 * - Extent lines, where it parses them, are read with sscanf from every
 *   line start: any white space (space, \t, \n, \v, \f, \r) separates
 *   the words, and the words may even run over several lines.
 *
 * vmscan is stricter wherever qemu is lax: capacity 0 is refused; the
 * descriptor must be at sector 1 and no longer than the 20 sectors qemu
 * reads; it is text that a NUL ends inside its sectors, with only NULs
 * after it; "parentFileNameHint" in any case anywhere in those 20
 * sectors (before or after a NUL) is refused; every "parentCID" must be
 * ffffffff; there
 * must be exactly one createType, monolithicSparse or streamOptimized;
 * and every line whose first word, read the way sscanf reads it, is an
 * access mode must be exactly one sparse extent ("RW 2048 SPARSE
 * "name""), with exactly one such line.
 */

/* The sector qemu reads a KDMV file's descriptor from, whatever the
 * header says (qemu's desc_offset of 0x200). */
#define VMDK_DESC_SECTOR 1
/* How much qemu reads there to find the parent and the CIDs (its
 * DESC_SIZE, 20 sectors); a longer descriptor is refused. */
#define VMDK_DESC_MAX_SECTORS 20
#define VMDK_DESC_WINDOW (VMDK_DESC_MAX_SECTORS * 512)
/* qemu reads at most 511 bytes of an extent's file name (%511[...]);
 * a longer one is refused rather than cut where qemu would cut it. */
#define VMDK_EXTENT_NAME_MAX 511
/* How much of a refused extent line the message shows. */
#define VMDK_SHOW_MAX 80

/* The bytes qemu's sscanf skips as white space (isspace in the C
 * locale). */
static int
vmdk_space (unsigned char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f'
    || c == '\r';
}

static int
vmdk_hex (unsigned char c)
{
  char l = vs_ascii_lower ((char) c);

  return (c >= '0' && c <= '9') || (l >= 'a' && l <= 'f');
}

/* The offset of the first key at or after from in the n bytes at p, NUL
 * bytes and all, compared without case if nocase; n if there is none.
 * At most n * strlen (key) comparisons. */
static size_t
vmdk_find (const unsigned char *p, size_t n, size_t from, const char *key,
           int nocase)
{
  const char *s = (const char *) p, *hit;

  if (from > n)
    return n;
  hit = nocase ? vs_memcasemem (s + from, n - from, key)
    : memmem (s + from, n - from, key, strlen (key));
  return hit ? (size_t) (hit - s) : n;
}

/* True if the word of len bytes at w is an extent access mode, in any
 * case (qemu itself takes only "RW"). */
static int
vmdk_access_word (const unsigned char *w, size_t len)
{
  static const char *const modes[] = { "RW", "RDONLY", "NOACCESS" };
  size_t i;

  for (i = 0; i < VS_ARRAY_SIZE (modes); i++)
    if (vs_memcaseeq ((const char *) w, len, modes[i]))
      return 1;
  return 0;
}

/* True if the extent line from p (its access word) to end (its '\n' or
 * the end of the text) is exactly ACCESS SECTORS SPARSE "NAME", with
 * spaces or tabs between the words and nothing after the name but
 * spaces, tabs and one '\r' at the very end. */
static int
vmdk_sparse_extent (const unsigned char *p, const unsigned char *end)
{
  const unsigned char *name;

  if (end > p && end[-1] == '\r')
    end--;
  while (p < end && !vmdk_space (*p))
    p++;
  if (p == end || (*p != ' ' && *p != '\t'))
    return 0;
  while (p < end && (*p == ' ' || *p == '\t'))
    p++;
  if (p == end || *p < '1' || *p > '9')
    return 0;
  while (p < end && *p >= '0' && *p <= '9')
    p++;
  if (p == end || (*p != ' ' && *p != '\t'))
    return 0;
  while (p < end && (*p == ' ' || *p == '\t'))
    p++;
  if (end - p < 7 || memcmp (p, "SPARSE", 6) != 0
      || (p[6] != ' ' && p[6] != '\t'))
    return 0;
  p += 6;
  while (p < end && (*p == ' ' || *p == '\t'))
    p++;
  if (p == end || *p != '"')
    return 0;
  name = ++p;
  while (p < end && *p != '"' && *p != '\r')
    p++;
  if (p == end || *p != '"' || p == name
      || (size_t) (p - name) > VMDK_EXTENT_NAME_MAX)
    return 0;
  for (p++; p < end; p++)
    if (*p != ' ' && *p != '\t')
      return 0;
  return 1;
}

/* Checks the extent lines of the descriptor text (len bytes, no NUL):
 * every place qemu's sscanf would start reading an extent (a line
 * start, then any white space, newlines included) whose first word is
 * an access mode must hold one sparse extent alone on its line, and
 * there must be exactly one.  Each line is looked at a bounded number of
 * times, so this is linear in len. */
static int
vmdk_check_extents (const unsigned char *text, size_t len, char **errmsg)
{
  size_t pos = 0, q, w, eol, line = 1, at_line;
  unsigned extents = 0;

  while (pos < len) {
    if (vs_tick ()) {
      *errmsg = vs_xstrdup ("VMDK descriptor check stopped");
      return -1;
    }
    /* The words qemu reads from this line start begin at q. */
    for (q = pos, at_line = line; q < len && vmdk_space (text[q]); q++)
      if (text[q] == '\n')
        at_line++;
    if (q == len)
      break;
    for (w = q; w < len && !vmdk_space (text[w]); w++)
      ;
    for (eol = w; eol < len && text[eol] != '\n'; eol++)
      ;
    if (vmdk_access_word (text + q, w - q)) {
      extents++;
      if (!vmdk_sparse_extent (text + q, text + eol)) {
        size_t n = eol - q < VMDK_SHOW_MAX ? eol - q : VMDK_SHOW_MAX;
        CLEANUP_FREE char *shown = NULL;

        if (n && text[q + n - 1] == '\r')
          n--;
        shown = vs_printable ((const char *) text + q, n);

        *errmsg = vs_xasprintf ("VMDK names an extent that is not its own "
                                "sparse data (descriptor line %zu: '%s'); "
                                "vmscan does not open files an image names",
                                at_line, shown);
        return -1;
      }
    }
    line = at_line + 1;
    pos = eol + 1;
  }
  if (extents != 1) {
    *errmsg = vs_xasprintf ("VMDK descriptor lists %u extents; a "
                            "single-file VMDK has one", extents);
    return -1;
  }
  return 0;
}

/* Checks the 20 sectors qemu reads from sector 1 (win, winlen bytes,
 * zeros past the end of the file as qemu reads them), whose first
 * desclen bytes are the descriptor the header names. */
static int
vmdk_check_descriptor (const unsigned char *win, size_t winlen,
                       size_t desclen, char **errmsg)
{
  static const char *const types[] = { "monolithicSparse",
                                       "streamOptimized" };
  size_t text, i, at, klen;
  const unsigned char *v, *vend;
  unsigned ncreate = 0;

  /* Text, then at least one NUL and only NULs to the end of the
   * descriptor: qemu stops at the first NUL, vmscan must not read
   * further than it does nor miss what it reads. */
  text = 0;
  while (text < desclen && win[text] != '\0')
    text++;
  if (text == desclen) {
    *errmsg = vs_xasprintf ("VMDK descriptor of %zu sectors has no NUL "
                            "to end its text", desclen / 512);
    return -1;
  }
  for (i = text; i < desclen; i++)
    if (win[i] != '\0') {
      *errmsg = vs_xasprintf ("VMDK descriptor has a NUL byte at offset "
                              "%zu and text after it; qemu stops reading "
                              "at the NUL", (size_t) 512 + text);
      return -1;
    }
  if (vs_tick_n (winlen / 512)) {
    *errmsg = vs_xstrdup ("VMDK descriptor check stopped");
    return -1;
  }

  at = vmdk_find (win, winlen, 0, "parentFileNameHint", 1);
  if (at < winlen) {
    size_t n = 0, max = winlen - at < VMDK_SHOW_MAX ? winlen - at
      : VMDK_SHOW_MAX;
    CLEANUP_FREE char *shown = NULL;

    while (n < max && win[at + n] != '\0' && win[at + n] != '\n'
           && win[at + n] != '\r')
      n++;
    shown = vs_printable ((const char *) win + at, n);
    *errmsg = vs_xasprintf ("VMDK is a delta disk ('%s' at offset %zu); "
                            "vmscan does not open files an image names",
                            shown, (size_t) 512 + at);
    return -1;
  }

  klen = strlen ("parentCID");
  for (at = vmdk_find (win, winlen, 0, "parentCID", 0); at < winlen;
       at = vmdk_find (win, winlen, at + 1, "parentCID", 0)) {
    const unsigned char *c = win + at + klen;
    size_t left = winlen - at - klen;

    if (left < 9 || c[0] != '=' || vmdk_find (c + 1, 8, 0, "ffffffff", 1)
        != 0 || (left > 9 && vmdk_hex (c[9]))) {
      *errmsg = vs_xstrdup ("VMDK names a parent disk (its parentCID is "
                            "not ffffffff); vmscan does not open files an "
                            "image names");
      return -1;
    }
  }

  klen = strlen ("createType");
  v = vend = NULL;
  for (at = vmdk_find (win, winlen, 0, "createType", 0); at < winlen;
       at = vmdk_find (win, winlen, at + 1, "createType", 0)) {
    ncreate++;
    v = win + at + klen;
    if (at + klen + 2 > text || v[0] != '=' || v[1] != '"'
        || (vend = memchr (v + 2, '"', text - at - klen - 2)) == NULL) {
      *errmsg = vs_xstrdup ("VMDK descriptor has a createType that is not "
                            "createType=\"TYPE\"");
      return -1;
    }
    v += 2;
  }
  if (ncreate != 1) {
    *errmsg = vs_xasprintf ("VMDK descriptor names createType %u times; "
                            "it must name it once", ncreate);
    return -1;
  }
  for (i = 0; i < VS_ARRAY_SIZE (types); i++)
    if ((size_t) (vend - v) == strlen (types[i])
        && memcmp (v, types[i], strlen (types[i])) == 0)
      break;
  if (i == VS_ARRAY_SIZE (types)) {
    size_t n = (size_t) (vend - v);
    CLEANUP_FREE char *shown = vs_printable ((const char *) v,
                                             n < VMDK_SHOW_MAX
                                             ? n : VMDK_SHOW_MAX);

    *errmsg = vs_xasprintf ("VMDK create type '%s' keeps data in other "
                            "files; only monolithicSparse and "
                            "streamOptimized are supported", shown);
    return -1;
  }
  return vmdk_check_extents (win, text, errmsg);
}

static int
check_vmdk (const struct src *s, struct vs_image *img, char **errmsg)
{
  unsigned char h[512];
  uint64_t desc_off, desc_len, capacity;
  unsigned char *win;
  size_t winlen;
  int r;

  memset (h, 0, sizeof h);
  if (read_at (s, 0, h, s->size < sizeof h ? (size_t) s->size : sizeof h)
      == -1) {
    *errmsg = vs_xstrdup ("cannot read the VMDK header");
    return -1;
  }
  if (memcmp (h, "# Disk DescriptorFile", 21) == 0) {
    *errmsg = vs_xstrdup ("VMDK descriptor file: its data is in other "
                          "files it names; give vmscan the extent "
                          "(--format raw for a flat extent) or convert "
                          "with qemu-img convert");
    return -1;
  }
  if (memcmp (h, "COWD", 4) == 0) {
    *errmsg = vs_xstrdup ("ESX COWD sparse VMDK is not supported");
    return -1;
  }
  if (memcmp (h, "KDMV", 4) != 0) {
    *errmsg = vs_xstrdup ("not a VMDK image (no KDMV magic)");
    return -1;
  }
  if (s->size < sizeof h) {
    *errmsg = vs_xstrdup ("VMDK header is truncated");
    return -1;
  }
  capacity = vs_le64 (h + 12);
  desc_off = vs_le64 (h + 28);
  desc_len = vs_le64 (h + 36);
  if (capacity == 0) {
    *errmsg = vs_xstrdup ("VMDK header gives a capacity of 0: qemu would "
                          "read its descriptor as a descriptor file and "
                          "open the files it names; vmscan does not open "
                          "files an image names");
    return -1;
  }
  img->virtual_size = capacity <= UINT64_MAX / 512 ? capacity * 512 : 0;
  if (desc_off == 0 || desc_len == 0) {
    *errmsg = vs_xstrdup ("VMDK has no embedded descriptor; not "
                          "supported");
    return -1;
  }
  if (desc_off != VMDK_DESC_SECTOR) {
    *errmsg = vs_xasprintf ("VMDK descriptor is at sector %llu, not at "
                            "sector %d where qemu reads it",
                            (unsigned long long) desc_off,
                            VMDK_DESC_SECTOR);
    return -1;
  }
  if (desc_len > VMDK_DESC_MAX_SECTORS) {
    *errmsg = vs_xasprintf ("VMDK descriptor of %llu sectors is longer "
                            "than the %d qemu reads",
                            (unsigned long long) desc_len,
                            VMDK_DESC_MAX_SECTORS);
    return -1;
  }
  if (past (VMDK_DESC_SECTOR * 512, desc_len * 512, s->size)) {
    *errmsg = vs_xstrdup ("VMDK descriptor is truncated");
    return -1;
  }
  /* All of what qemu reads, zeros past the end of the file as qemu
   * reads them. */
  win = vs_xcalloc (1, VMDK_DESC_WINDOW);
  winlen = s->size - VMDK_DESC_SECTOR * 512 < VMDK_DESC_WINDOW
    ? (size_t) (s->size - VMDK_DESC_SECTOR * 512) : VMDK_DESC_WINDOW;
  if (read_at (s, VMDK_DESC_SECTOR * 512, win, winlen) == -1) {
    free (win);
    *errmsg = vs_xstrdup ("VMDK descriptor is truncated");
    return -1;
  }
  r = vmdk_check_descriptor (win, VMDK_DESC_WINDOW, (size_t) desc_len * 512,
                             errmsg);
  free (win);
  if (r == -1)
    return -1;
  return check_vmdk_tables (s, h, img, errmsg);
}

static int
vhd_footer_ok (const unsigned char *f)
{
  uint32_t sum = 0, want = vs_be32 (f + 64);
  int i;

  for (i = 0; i < 512; i++)
    if (i < 64 || i >= 68)
      sum += f[i];
  return (uint32_t) ~sum == want;
}

#define VHD_UNUSED 0xffffffffU

/* Every block the dynamic header dh points to (bitmap and data) must lie
 * inside the file, before the footer in its last 512 bytes: qemu would
 * read a missing block as zeros. */
static int
check_vhd_bat (const struct src *s, const unsigned char *dh,
               uint64_t virtual_size, char **errmsg)
{
  uint64_t bat_off = vs_be64 (dh + 16), end = s->size - 512, need, blen, i;
  uint32_t entries = vs_be32 (dh + 28), bsize = vs_be32 (dh + 32);
  struct table bat;
  int rc = -1;

  if (bsize < 512 || (bsize & (bsize - 1)) != 0) {
    *errmsg = vs_xasprintf ("dynamic VHD block size %u is not valid", bsize);
    return -1;
  }
  need = virtual_size / bsize + (virtual_size % bsize != 0);
  if (entries > need) {
    *errmsg = vs_xasprintf ("dynamic VHD block table of %u entries is "
                            "larger than its disk of %llu bytes needs "
                            "(corrupt header)", entries,
                            (unsigned long long) virtual_size);
    return -1;
  }
  if (past (bat_off, (uint64_t) entries * 4, end))
    return truncated (errmsg, "VHD", "block allocation table", bat_off,
                      s->size);
  /* A block is its sector bitmap, rounded up to a sector, then data. */
  blen = ((uint64_t) bsize / 512 / 8 + 511) / 512 * 512 + bsize;
  table_init (&bat, s, "VHD", "block allocation table", bat_off, entries, 4);
  for (i = 0; i < entries; i++) {
    const unsigned char *p = table_entry (&bat, i, errmsg);
    uint32_t e;

    if (!p)
      goto out;
    e = vs_be32 (p);
    if (e != VHD_UNUSED && past ((uint64_t) e * 512, blen, end)) {
      *errmsg = vs_xasprintf ("VHD is truncated or corrupt: block %llu at "
                              "offset %llu is past the end of the file "
                              "(%llu bytes)", (unsigned long long) i,
                              (unsigned long long) e * 512,
                              (unsigned long long) s->size);
      goto out;
    }
  }
  rc = 0;
 out:
  free (bat.buf);
  return rc;
}

static int
check_vhd (const struct src *s, struct vs_image *img, char **errmsg)
{
  unsigned char f[512];
  uint32_t type;

  if (s->size < 512 || read_at (s, s->size - 512, f, 512) == -1
      || memcmp (f, "conectix", 8) != 0) {
    /* A dynamic VHD keeps a copy of the footer at the start; without the
     * one at the end it is truncated. */
    *errmsg = vs_xstrdup ("VHD footer is missing at the end of the file "
                          "(truncated image?)");
    return -1;
  }
  if (!vhd_footer_ok (f)) {
    *errmsg = vs_xstrdup ("VHD footer checksum is wrong (corrupt or "
                          "tampered image)");
    return -1;
  }
  type = vs_be32 (f + 60);
  switch (type) {
  case 2:                       /* fixed */
  case 3:                       /* dynamic */
    break;
  case 4:
    *errmsg = vs_xstrdup ("differencing VHD: its data depends on a parent "
                          "image in another file; vmscan does not open "
                          "files an image names (merge it first)");
    return -1;
  default:
    *errmsg = vs_xasprintf ("VHD disk type %u is not supported", type);
    return -1;
  }
  img->virtual_size = vs_be64 (f + 48);
  if (type == 3) {
    unsigned char dh[1024];
    uint64_t dyn = vs_be64 (f + 16);

    if (read_at (s, dyn, dh, sizeof dh) == -1
        || memcmp (dh, "cxsparse", 8) != 0) {
      *errmsg = vs_xstrdup ("dynamic VHD header is missing or truncated");
      return -1;
    }
    return check_vhd_bat (s, dh, img->virtual_size, errmsg);
  }
  return 0;
}

/* VHDX GUIDs as they are stored on disk (little-endian fields). */
static const unsigned char vhdx_metadata_region[16] = {
  0x06, 0xa2, 0x7c, 0x8b, 0x90, 0x47, 0x9a, 0x4b,
  0xb8, 0xfe, 0x57, 0x5f, 0x05, 0x0f, 0x88, 0x6e
};
static const unsigned char vhdx_file_parameters[16] = {
  0x37, 0x67, 0xa1, 0xca, 0x36, 0xfa, 0x43, 0x4d,
  0xb3, 0xb6, 0x33, 0xf0, 0xaa, 0x44, 0xe7, 0x6b
};
static const unsigned char vhdx_virtual_disk_size[16] = {
  0x24, 0x42, 0xa5, 0x2f, 0x1b, 0xcd, 0x76, 0x48,
  0xb2, 0x11, 0x5d, 0xbe, 0xd8, 0x3b, 0xf4, 0xb8
};

static const unsigned char vhdx_bat_region[16] = {
  0x66, 0x77, 0xc2, 0x2d, 0x23, 0xf6, 0x00, 0x42,
  0x9d, 0x64, 0x11, 0x5e, 0x9b, 0xfd, 0x4a, 0x08
};
static const unsigned char vhdx_logical_sector_size[16] = {
  0x1d, 0xbf, 0x41, 0x81, 0x6f, 0xa9, 0x09, 0x47,
  0xba, 0x47, 0xf2, 0x33, 0xa8, 0xfa, 0xab, 0x5f
};

#define VHDX_MB (1ULL << 20)
#define VHDX_MAX_SIZE (64ULL << 40)
#define VHDX_PAYLOAD_FULLY_PRESENT 6
#define VHDX_PAYLOAD_PARTIALLY_PRESENT 7
#define VHDX_SB_PRESENT 6

/* Every present payload block and sector bitmap block in the BAT (at
 * bat_off, bat_len bytes long) must lie inside the file: qemu would read
 * a missing one as zeros.  The BAT interleaves chunk_ratio payload
 * entries with one sector bitmap entry ([MS-VHDX] 2.5). */
static int
check_vhdx_bat (const struct src *s, uint64_t bat_off, uint64_t bat_len,
                uint32_t bsize, uint32_t lss, uint64_t vsize, char **errmsg)
{
  uint64_t ratio, blocks, entries, i;
  struct table bat;
  char what[64];
  int rc = -1;

  if (bsize < VHDX_MB || bsize > 256 * VHDX_MB
      || (bsize & (bsize - 1)) != 0) {
    *errmsg = vs_xasprintf ("VHDX block size %u is not valid", bsize);
    return -1;
  }
  if (lss != 512 && lss != 4096) {
    *errmsg = vs_xasprintf ("VHDX logical sector size %u is not valid", lss);
    return -1;
  }
  if (vsize > VHDX_MAX_SIZE) {
    *errmsg = vs_xasprintf ("VHDX virtual size %llu is larger than 64 TiB",
                            (unsigned long long) vsize);
    return -1;
  }
  ratio = (8ULL * VHDX_MB * lss) / bsize;       /* 16 .. 32768 */
  blocks = vsize / bsize + (vsize % bsize != 0);
  entries = blocks ? blocks + (blocks - 1) / ratio : 0;
  if (entries > bat_len / 8) {
    *errmsg = vs_xasprintf ("VHDX block table of %llu bytes is too small "
                            "for its disk of %llu bytes (corrupt image)",
                            (unsigned long long) bat_len,
                            (unsigned long long) vsize);
    return -1;
  }
  if (past (bat_off, bat_len, s->size))
    return truncated (errmsg, "VHDX", "block table region", bat_off,
                      s->size);
  table_init (&bat, s, "VHDX", "block table region", bat_off, entries, 8);
  for (i = 0; i < entries; i++) {
    const unsigned char *p = table_entry (&bat, i, errmsg);
    uint64_t e, off, len;
    unsigned state;
    int bitmap = (i + 1) % (ratio + 1) == 0;

    if (!p)
      goto out;
    e = vs_le64 (p);
    state = e & 7;
    off = (e >> 20) * VHDX_MB;  /* 44 bits of megabytes: no overflow */
    if (bitmap) {
      if (state != VHDX_SB_PRESENT)
        continue;
      len = VHDX_MB;
      snprintf (what, sizeof what, "sector bitmap block %llu",
                (unsigned long long) (i / (ratio + 1)));
    }
    else {
      if (state != VHDX_PAYLOAD_FULLY_PRESENT
          && state != VHDX_PAYLOAD_PARTIALLY_PRESENT)
        continue;
      len = bsize;
      snprintf (what, sizeof what, "payload block %llu",
                (unsigned long long) (i - i / (ratio + 1)));
    }
    if (past (off, len, s->size)) {
      truncated (errmsg, "VHDX", what, off, s->size);
      goto out;
    }
  }
  rc = 0;
 out:
  free (bat.buf);
  return rc;
}

static int
check_vhdx (const struct src *s, struct vs_image *img, char **errmsg)
{
  unsigned char rt[16 + 32 * 64], mt[32 + 32 * 2047];
  uint32_t nregions, nentries, i, bsize = 0, lss = 0;
  uint64_t meta_off = 0, bat_off = 0, bat_len = 0;
  int have_params = 0, have_size = 0;

  if (read_at (s, 192 * 1024, rt, 16) == -1
      || memcmp (rt, "regi", 4) != 0) {
    *errmsg = vs_xstrdup ("VHDX region table is missing (truncated or "
                          "corrupt image)");
    return -1;
  }
  nregions = vs_le32 (rt + 8);
  if (nregions > 64
      || read_at (s, 192 * 1024, rt, 16 + 32 * nregions) == -1) {
    *errmsg = vs_xstrdup ("VHDX region table is corrupt");
    return -1;
  }
  for (i = 0; i < nregions; i++) {
    const unsigned char *e = rt + 16 + 32 * i;

    if (memcmp (e, vhdx_metadata_region, 16) == 0)
      meta_off = vs_le64 (e + 16);
    else if (memcmp (e, vhdx_bat_region, 16) == 0) {
      bat_off = vs_le64 (e + 16);
      bat_len = vs_le32 (e + 24);
    }
  }
  if (meta_off == 0 || read_at (s, meta_off, mt, 32) == -1
      || memcmp (mt, "metadata", 8) != 0) {
    *errmsg = vs_xstrdup ("VHDX metadata region is missing or corrupt");
    return -1;
  }
  nentries = mt[10] | ((uint32_t) mt[11] << 8);
  if (nentries > 2047 || read_at (s, meta_off, mt, 32 + 32 * nentries) == -1) {
    *errmsg = vs_xstrdup ("VHDX metadata table is corrupt");
    return -1;
  }
  for (i = 0; i < nentries; i++) {
    const unsigned char *e = mt + 32 + 32 * i;
    uint32_t off = vs_le32 (e + 16), len = vs_le32 (e + 20);
    unsigned char v[8];

    if (memcmp (e, vhdx_file_parameters, 16) == 0) {
      if (len < 8 || read_at (s, meta_off + off, v, 8) == -1) {
        *errmsg = vs_xstrdup ("VHDX file parameters are corrupt");
        return -1;
      }
      have_params = 1;
      bsize = vs_le32 (v);
      if (vs_le32 (v + 4) & 2) {
        *errmsg = vs_xstrdup ("differencing VHDX: its data depends on a "
                              "parent image in another file; vmscan does "
                              "not open files an image names");
        return -1;
      }
    }
    else if (memcmp (e, vhdx_virtual_disk_size, 16) == 0) {
      if (len >= 8 && read_at (s, meta_off + off, v, 8) == 0) {
        img->virtual_size = vs_le64 (v);
        have_size = 1;
      }
    }
    else if (memcmp (e, vhdx_logical_sector_size, 16) == 0) {
      if (len >= 4 && read_at (s, meta_off + off, v, 4) == 0)
        lss = vs_le32 (v);
    }
  }
  if (!have_params) {
    *errmsg = vs_xstrdup ("VHDX has no file parameters metadata");
    return -1;
  }
  if (!have_size || lss == 0) {
    *errmsg = vs_xstrdup ("VHDX metadata lacks the virtual disk size or "
                          "the logical sector size");
    return -1;
  }
  if (bat_off == 0) {
    *errmsg = vs_xstrdup ("VHDX region table has no block table (BAT) "
                          "region");
    return -1;
  }
  return check_vhdx_bat (s, bat_off, bat_len, bsize, lss, img->virtual_size,
                         errmsg);
}

/* Headers of common files that are not disk images.  None can begin a
 * raw disk: boot code, a partition table or a filesystem superblock. */
static const struct {
  const char *magic;
  size_t len;
  const char *what;
} non_disks[] = {
  { "\x7f" "ELF", 4, "ELF executable, not a disk image" },
  { "%PDF-", 5, "PDF document, not a disk image" },
  { "\x89PNG\r\n\x1a\n", 8, "PNG image, not a disk image" },
  { "\xff\xd8\xff", 3, "JPEG image, not a disk image" },
  { "GIF87a", 6, "GIF image, not a disk image" },
  { "GIF89a", 6, "GIF image, not a disk image" },
  { "PK\x03\x04", 4, "ZIP archive, not a disk image; extract the disk "
    "image and scan that" },
  { "PK\x05\x06", 4, "ZIP archive (empty), not a disk image" },
  { "7z\xbc\xaf\x27\x1c", 6, "7-zip archive, not a disk image; extract the "
    "disk image and scan that" },
  { "Rar!\x1a\x07", 6, "RAR archive, not a disk image; extract the disk "
    "image and scan that" },
  { "SQLite format 3", 16, "SQLite database, not a disk image" },
};

/* Recognises formats we refuse outright, compressed files and archives,
 * and common files that are not disk images. */
static const char *
refused_kind (const unsigned char *h, size_t n)
{
  size_t i;

  if (n >= 4 && memcmp (h, "QED\0", 4) == 0)
    return "QED images are not supported (convert with qemu-img convert)";
  if (n >= 64 && memcmp (h + 0x40, "\x7f\x10\xda\xbe", 4) == 0)
    return "VirtualBox VDI images are not supported (convert with "
      "qemu-img convert)";
  if (n >= 2 && h[0] == 0x1f && h[1] == 0x8b)
    return "file is gzip-compressed; decompress it first";
  if (n >= 6 && memcmp (h, "\xfd" "7zXZ\0", 6) == 0)
    return "file is xz-compressed; decompress it first";
  if (n >= 3 && memcmp (h, "BZh", 3) == 0)
    return "file is bzip2-compressed; decompress it first";
  if (n >= 4 && memcmp (h, "\x28\xb5\x2f\xfd", 4) == 0)
    return "file is zstd-compressed; decompress it first";
  if (n >= 262 && memcmp (h + 257, "ustar", 5) == 0)
    return "file is a tar archive (an OVA?); extract the disk image "
      "(tar xf) and scan that";
  for (i = 0; i < VS_ARRAY_SIZE (non_disks); i++)
    if (n >= non_disks[i].len
        && memcmp (h, non_disks[i].magic, non_disks[i].len) == 0)
      return non_disks[i].what;
  return NULL;
}

/* True if the n bytes at p are text: no NUL, no control character but
 * tab, newline, form feed and carriage return, and any byte above 0x7f
 * part of a UTF-8 sequence (one cut off at the end of the buffer
 * counts).  A disk's first sector (boot code, a partition table, a
 * filesystem superblock or zeros) never is. */
static int
is_text (const unsigned char *p, size_t n)
{
  size_t i = 0, k, more;

  while (i < n) {
    unsigned char c = p[i];

    if (c < 0x80) {
      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\f' && c != '\r')
          || c == 0x7f)
        return 0;
      i++;
      continue;
    }
    if (c >= 0xc2 && c <= 0xdf)
      more = 1;
    else if (c >= 0xe0 && c <= 0xef)
      more = 2;
    else if (c >= 0xf0 && c <= 0xf4)
      more = 3;
    else
      return 0;
    for (k = 1; k <= more && i + k < n; k++)
      if ((p[i + k] & 0xc0) != 0x80)
        return 0;
    i += k;
  }
  return 1;
}

/* Files with no disk image format header that plainly are not disks
 * either: smaller than a sector, or text.  Returns 0, or -1 with
 * *errmsg set. */
static int
check_not_disk (const struct src *s, char **errmsg)
{
  unsigned char buf[4096];
  size_t n = s->size < sizeof buf ? (size_t) s->size : sizeof buf;

  if (s->size < 512) {
    *errmsg = vs_xasprintf ("image is %llu bytes, smaller than one disk "
                            "sector: not a disk image",
                            (unsigned long long) s->size);
    return -1;
  }
  if (read_at (s, 0, buf, n) == -1) {
    *errmsg = vs_xstrdup ("cannot read the image header");
    return -1;
  }
  if (is_text (buf, n)) {
    *errmsg = vs_xstrdup ("text file, not a disk image");
    return -1;
  }
  return 0;
}

static int
probe (const struct src *s, const char *user_format, struct vs_image *img,
       char **errmsg)
{
  unsigned char h[512];
  size_t n = s->size < sizeof h ? (size_t) s->size : sizeof h;
  const char *fmt = user_format, *why;
  unsigned char tail[512];

  img->file_size = s->size;
  img->virtual_size = 0;
  if (s->size == 0) {
    *errmsg = vs_xstrdup ("image is empty (0 bytes)");
    return -1;
  }
  memset (h, 0, sizeof h);
  if (read_at (s, 0, h, n) == -1) {
    *errmsg = vs_xstrdup ("cannot read the image header");
    return -1;
  }
  if (user_format && !vs_image_format_valid (user_format)) {
    *errmsg = vs_xasprintf ("unknown format '%s' (raw, qcow2, vmdk, vhd, "
                            "vhdx)", user_format);
    return -1;
  }
  if (!fmt) {
    if ((why = refused_kind (h, n)) != NULL) {
      *errmsg = vs_xstrdup (why);
      return -1;
    }
    if (n >= 4 && memcmp (h, "QFI\xfb", 4) == 0)
      fmt = "qcow2";
    else if (n >= 4 && (memcmp (h, "KDMV", 4) == 0
                        || memcmp (h, "COWD", 4) == 0))
      fmt = "vmdk";
    else if (n >= 21 && memcmp (h, "# Disk DescriptorFile", 21) == 0)
      fmt = "vmdk";
    else if (n >= 8 && memcmp (h, "vhdxfile", 8) == 0)
      fmt = "vhdx";
    else if (n >= 8 && memcmp (h, "conectix", 8) == 0)
      fmt = "vhd";
    else if (s->size >= 512 && read_at (s, s->size - 512, tail, 512) == 0
             && memcmp (tail, "conectix", 8) == 0)
      fmt = "vhd";              /* fixed VHD: footer only */
    else if (check_not_disk (s, errmsg) == -1)
      return -1;
    else
      fmt = "raw";
  }
  set_format (img, fmt);
  img->format_from_user = user_format != NULL;

  if (strcmp (fmt, "qcow2") == 0)
    return check_qcow2 (s, img, errmsg);
  if (strcmp (fmt, "vmdk") == 0)
    return check_vmdk (s, img, errmsg);
  if (strcmp (fmt, "vhd") == 0)
    return check_vhd (s, img, errmsg);
  if (strcmp (fmt, "vhdx") == 0) {
    if (n < 8 || memcmp (h, "vhdxfile", 8) != 0) {
      *errmsg = vs_xstrdup ("not a VHDX image (no vhdxfile signature)");
      return -1;
    }
    return check_vhdx (s, img, errmsg);
  }
  /* raw: whatever the bytes are, qemu reads them as they are. */
  img->virtual_size = s->size;
  return 0;
}

int
vs_image_probe (const char *path, const char *user_format,
                struct vs_image *img, char **errmsg)
{
  int fd, r;

  memset (img, 0, sizeof *img);
  img->fd = -1;
  fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd == -1) {
    *errmsg = vs_xasprintf ("%s: %s", path, strerror (errno));
    return -1;
  }
  r = vs_image_probe_fd (fd, path, user_format, img, errmsg);
  close (fd);
  img->fd = -1;
  return r;
}

int
vs_image_probe_buffer (const void *buf, size_t len, const char *user_format,
                       struct vs_image *img, char **errmsg)
{
  struct src s = { -1, buf, len };

  memset (img, 0, sizeof *img);
  img->fd = -1;
  return probe (&s, user_format, img, errmsg);
}

void
vs_image_clear (struct vs_image *img)
{
  free (img->path);
  img->path = NULL;
  if (img->fd >= 0)
    close (img->fd);
  img->fd = -1;
}

int
vs_image_probe_fd (int fd, const char *path, const char *user_format,
                   struct vs_image *img, char **errmsg)
{
  struct stat sb;
  struct src s = { fd, NULL, 0 };

  memset (img, 0, sizeof *img);
  img->fd = -1;
  if (fstat (fd, &sb) == -1) {
    *errmsg = vs_xasprintf ("%s: %s", path, strerror (errno));
    return -1;
  }
  if (S_ISDIR (sb.st_mode)) {
    *errmsg = vs_xasprintf ("%s: is a directory, not a disk image", path);
    return -1;
  }
  if (!S_ISREG (sb.st_mode)) {
    *errmsg = vs_xasprintf ("%s: not a regular file", path);
    return -1;
  }
  s.size = (uint64_t) sb.st_size;
  if (probe (&s, user_format, img, errmsg) == -1) {
    char *m = vs_xasprintf ("%s: %s", path, *errmsg);

    free (*errmsg);
    *errmsg = m;
    return -1;
  }
  img->path = vs_xstrdup (path);
  img->fd = fd;
  return 0;
}
