/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: a raw image's partition table against its size (see
 * parttable.h).
 *
 * Every number here comes from the image, so every sum and product of
 * them is overflow-checked: a start and a length that wrap past 2^64
 * must not come out "inside the image" and hide a truncation.  Ends
 * that do not fit in 64 bits saturate to UINT64_MAX (which is past any
 * image) and are shown as such.
 */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "base/bytes.h"
#include "image/parttable.h"
#include "base/util.h"

/* The largest GPT partition entry array read (128 entries of 128 bytes
 * is the usual 16 KiB; no real disk has more than a few thousand). */
#define GPT_MAX_TABLE (1024 * 1024)
/* A superblock is read this far past a filesystem's start at most (ext's
 * is at 1024, 512 bytes read). */
#define FS_PROBE_SPAN 1536

/* a + b, or UINT64_MAX when the sum does not fit. */
static uint64_t
sat_add (uint64_t a, uint64_t b)
{
  return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* a * b, or UINT64_MAX when the product does not fit. */
static uint64_t
sat_mul (uint64_t a, uint64_t b)
{
  return b && a > UINT64_MAX / b ? UINT64_MAX : a * b;
}

/* "at byte N", or "beyond byte 18446744073709551615" for a saturated
 * end. */
static void
byte_text (uint64_t end, char out[48])
{
  snprintf (out, 48, "%s byte %llu", end == UINT64_MAX ? "beyond" : "at",
            (unsigned long long) end);
}

static char *
past_end (const char *what, unsigned index, uint64_t end, uint64_t size)
{
  char at[48];

  byte_text (end, at);
  return vs_xasprintf ("%s %u ends %s, past the end of the "
                       "image (%llu bytes): the image is truncated, or its "
                       "partition table is wrong", what, index, at,
                       (unsigned long long) size);
}

/* Whether a boot sector carries a FAT type label (FAT12/FAT16 at 0x36,
 * FAT32 at 0x52). */
static int
is_fat (const unsigned char *s)
{
  return memcmp (s + 0x36, "FAT", 3) == 0
    || memcmp (s + 0x52, "FAT32", 5) == 0;
}

/* The size in bytes a filesystem starting at off says it has (ext2/3/4,
 * XFS, NTFS, FAT), or 0 if there is none of these there, or its size
 * field is implausible. */
static uint64_t
fs_size (vs_read_at_fn read_at, void *opaque, uint64_t off,
         const char **type)
{
  unsigned char b[512];

  if (off > UINT64_MAX - FS_PROBE_SPAN)
    return 0;
  if (read_at (opaque, off + 1024, b, sizeof b) == 0
      && b[56] == 0x53 && b[57] == 0xef) {
    uint64_t blocks = vs_le32 (b + 4);
    uint32_t log = vs_le32 (b + 24);

    if (vs_le32 (b + 96) & 0x80)   /* 64bit: blocks_count_hi */
      blocks |= (uint64_t) vs_le32 (b + 0x150) << 32;
    *type = "ext";
    /* Under 2^48 blocks of at most 64 KiB: under 2^64 bytes. */
    return log <= 6 && blocks < (UINT64_C (1) << 48) ? blocks << (10 + log)
      : 0;
  }
  if (read_at (opaque, off, b, sizeof b) == -1)
    return 0;
  if (memcmp (b, "XFSB", 4) == 0) {
    uint32_t bs = vs_be32 (b + 4);
    uint64_t blocks = vs_be64 (b + 8);

    *type = "XFS";
    return bs >= 512 && bs <= 65536 && blocks < (UINT64_C (1) << 48)
      ? blocks * bs : 0;
  }
  if (memcmp (b + 3, "NTFS    ", 8) == 0) {
    uint16_t bps = vs_le16 (b + 11);
    uint64_t sectors = vs_le64 (b + 40);

    *type = "NTFS";
    return bps >= 256 && bps <= 4096 && sectors < (UINT64_C (1) << 48)
      ? sectors * bps : 0;
  }
  if (b[510] == 0x55 && b[511] == 0xaa && is_fat (b)) {
    uint16_t bps = vs_le16 (b + 11);
    uint64_t sectors = vs_le16 (b + 19) ? vs_le16 (b + 19) : vs_le32 (b + 32);

    *type = "FAT";
    return bps >= 512 && bps <= 4096 ? sectors * bps : 0;
  }
  return 0;
}

/* The filesystem at off, if its end is past size. */
static char *
check_fs (vs_read_at_fn read_at, void *opaque, uint64_t off, uint64_t size,
          const char *where)
{
  const char *type = NULL;
  uint64_t n = fs_size (read_at, opaque, off, &type);
  char at[48];

  if (n == 0 || (off <= size && n <= size - off))
    return NULL;
  byte_text (sat_add (off, n), at);
  return vs_xasprintf ("the %s filesystem %s ends %s, past the "
                       "end of the image (%llu bytes): the image is "
                       "truncated", type, where, at,
                       (unsigned long long) size);
}

/* Whether sector 0 is a filesystem's boot sector rather than an MBR:
 * FAT, NTFS and exFAT end theirs with 55 AA too. */
static int
is_boot_sector (const unsigned char *s)
{
  return memcmp (s + 3, "NTFS    ", 8) == 0
    || memcmp (s + 3, "EXFAT   ", 8) == 0 || is_fat (s);
}

/* A GPT with sectors of sector bytes, if its header is there. */
static char *
check_gpt (vs_read_at_fn read_at, void *opaque, uint64_t size,
           uint64_t sector, int *found)
{
  unsigned char h[92], *table;
  uint64_t entries_lba, alternate, alt_end, table_len;
  uint32_t n, esize, i;
  char *problem = NULL;
  char at[48];

  *found = 0;
  if (read_at (opaque, sector, h, sizeof h) == -1
      || memcmp (h, "EFI PART", 8) != 0)
    return NULL;
  *found = 1;
  alternate = vs_le64 (h + 32);
  entries_lba = vs_le64 (h + 72);
  n = vs_le32 (h + 80);
  esize = vs_le32 (h + 84);
  alt_end = sat_mul (sat_add (alternate, 1), sector);
  if (alt_end > size) {
    byte_text (sat_mul (alternate, sector), at);
    return vs_xasprintf ("the GPT's backup header is %s, past "
                         "the end of the image (%llu bytes): the image is "
                         "truncated", at, (unsigned long long) size);
  }
  if (esize < 128 || esize > 4096 || esize % 8 != 0 || n == 0
      || (uint64_t) n * esize > GPT_MAX_TABLE
      || entries_lba >= UINT64_MAX / sector)
    return vs_xstrdup ("the GPT header is corrupt (its partition entry "
                       "array is impossible)");
  table_len = (uint64_t) n * esize;
  table = vs_xmalloc ((size_t) table_len);
  if (read_at (opaque, entries_lba * sector, table, (size_t) table_len)
      == -1) {
    free (table);
    return vs_xasprintf ("the GPT's partition entries (at byte %llu) are "
                         "past the end of the image (%llu bytes): the "
                         "image is truncated",
                         (unsigned long long) (entries_lba * sector),
                         (unsigned long long) size);
  }
  for (i = 0; i < n && !problem; i++) {
    const unsigned char *e = table + (size_t) i * esize;
    static const unsigned char zero[16];
    uint64_t last = vs_le64 (e + 40);
    uint64_t end = sat_mul (sat_add (last, 1), sector);

    if (vs_tick ()) {
      problem = vs_xstrdup ("the partition table check was stopped");
      break;
    }
    if (memcmp (e, zero, 16) == 0)
      continue;
    if (end > size)
      problem = past_end ("GPT partition", i + 1, end, size);
    else if (vs_le64 (e + 32) <= last) {
      CLEANUP_FREE char *where = vs_xasprintf ("in GPT partition %u",
                                               i + 1);

      problem = check_fs (read_at, opaque,
                          sat_mul (vs_le64 (e + 32), sector), size,
                          where);
    }
  }
  free (table);
  return problem;
}

char *
vs_parttable_check (vs_read_at_fn read_at, void *opaque, uint64_t size)
{
  unsigned char s[512];
  unsigned i, used = 0, protective = 0;
  char *problem;
  int found;

  if (read_at (opaque, 0, s, sizeof s) == -1)
    return NULL;
  /* A GPT, with 512- or 4096-byte sectors. */
  problem = check_gpt (read_at, opaque, size, 512, &found);
  if (found)
    return problem;
  problem = check_gpt (read_at, opaque, size, 4096, &found);
  if (found)
    return problem;

  if (s[510] != 0x55 || s[511] != 0xaa || is_boot_sector (s))
    return check_fs (read_at, opaque, 0, size, "that is the whole disk");
  for (i = 0; i < 4; i++) {
    const unsigned char *e = s + 446 + 16 * i;

    if (e[0] != 0 && e[0] != 0x80)  /* boot code, not a partition table */
      return check_fs (read_at, opaque, 0, size, "that is the whole disk");
    if (e[4] != 0)
      used++;
    if (e[4] == 0xee)
      protective = 1;
  }
  if (!used)
    return check_fs (read_at, opaque, 0, size, "that is the whole disk");
  if (protective)
    return vs_xstrdup ("the MBR says the disk has a GPT, but there is no "
                       "GPT header: the image is corrupt");
  for (i = 0; i < 4; i++) {
    const unsigned char *e = s + 446 + 16 * i;
    uint64_t end = sat_mul ((uint64_t) vs_le32 (e + 8) + vs_le32 (e + 12),
                            512);

    if (e[4] != 0 && end > size)
      return past_end ("partition", i + 1, end, size);
  }
  for (i = 0; i < 4; i++) {
    const unsigned char *e = s + 446 + 16 * i;
    CLEANUP_FREE char *where = vs_xasprintf ("in partition %u", i + 1);

    if (e[4] != 0 && e[4] != 0x05 && e[4] != 0x0f && e[4] != 0x85
        && (problem = check_fs (read_at, opaque,
                                (uint64_t) vs_le32 (e + 8) * 512, size,
                                where)) != NULL)
      return problem;
  }
  return NULL;
}

struct mem {
  const unsigned char *p;
  size_t len;
};

static int
mem_read_at (void *opaque, uint64_t off, void *buf, size_t len)
{
  struct mem *m = opaque;

  if (off > m->len || len > m->len - off)
    return -1;
  memcpy (buf, m->p + off, len);
  return 0;
}

char *
vs_parttable_check_buffer (const void *buf, size_t len)
{
  struct mem m = { buf, len };

  return vs_parttable_check (mem_read_at, &m, len);
}

static int
fd_read_at (void *opaque, uint64_t off, void *buf, size_t len)
{
  return vs_pread_full (*(int *) opaque, buf, len, off);
}

char *
vs_parttable_check_fd (int fd, uint64_t size)
{
  return vs_parttable_check (fd_read_at, &fd, size);
}
