/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for parttable.c: MBR and GPT partitions, and the
 * filesystems in them, against the size of a raw image built in
 * memory. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "image/parttable.h"
#include "tap.h"
#include "base/util.h"

#define MiB (1024 * 1024)

static void
put_le16 (unsigned char *p, uint16_t v)
{
  p[0] = (unsigned char) v;
  p[1] = (unsigned char) (v >> 8);
}

static void
put_le32 (unsigned char *p, uint32_t v)
{
  put_le16 (p, (uint16_t) v);
  put_le16 (p + 2, (uint16_t) (v >> 16));
}

static void
put_le64 (unsigned char *p, uint64_t v)
{
  put_le32 (p, (uint32_t) v);
  put_le32 (p + 4, (uint32_t) (v >> 32));
}

static void
put_be64 (unsigned char *p, uint64_t v)
{
  int i;

  for (i = 0; i < 8; i++)
    p[i] = (unsigned char) (v >> (56 - 8 * i));
}

/* An XFS superblock at off: blocks blocks of bs bytes. */
static void
xfs_at (unsigned char *d, uint64_t off, uint32_t bs, uint64_t blocks)
{
  unsigned char *sb = d + off;

  memcpy (sb, "XFSB", 4);
  sb[4] = (unsigned char) (bs >> 24);
  sb[5] = (unsigned char) (bs >> 16);
  sb[6] = (unsigned char) (bs >> 8);
  sb[7] = (unsigned char) bs;
  put_be64 (sb + 8, blocks);
}

static void
mbr_entry (unsigned char *d, int i, uint8_t type, uint32_t start,
           uint32_t count)
{
  unsigned char *e = d + 446 + 16 * i;

  e[0] = 0;
  e[4] = type;
  put_le32 (e + 8, start);
  put_le32 (e + 12, count);
  d[510] = 0x55;
  d[511] = 0xaa;
}

/* A GPT with sector-byte sectors on a disk of disk_bytes, one partition
 * [first, last]; the backup header where a disk of disk_bytes has it. */
static void
gpt (unsigned char *d, uint64_t sector, uint64_t disk_bytes, uint64_t first,
     uint64_t last)
{
  unsigned char *h = d + sector, *e = d + 2 * sector;

  mbr_entry (d, 0, 0xee, 1, 0xffffffff);
  memcpy (h, "EFI PART", 8);
  put_le64 (h + 32, disk_bytes / sector - 1);
  put_le64 (h + 72, 2);
  put_le32 (h + 80, 128);
  put_le32 (h + 84, 128);
  memset (e, 0x11, 16);               /* a type GUID */
  put_le64 (e + 32, first);
  put_le64 (e + 40, last);
}

/* An ext4 superblock at off saying the filesystem is bytes long. */
static void
ext_at (unsigned char *d, uint64_t off, uint64_t bytes)
{
  unsigned char *sb = d + off + 1024;

  put_le32 (sb + 4, (uint32_t) (bytes / 4096));
  put_le32 (sb + 24, 2);              /* 1024 << 2 = 4096 */
  sb[56] = 0x53;
  sb[57] = 0xef;
}

/* An ext4 superblock at off with the 64bit feature saying the filesystem
 * has blocks blocks of 1024 << log bytes. */
static void
ext64_at (unsigned char *d, uint64_t off, uint64_t blocks, uint32_t log)
{
  unsigned char *sb = d + off + 1024;

  put_le32 (sb + 4, (uint32_t) blocks);
  put_le32 (sb + 24, log);
  put_le32 (sb + 96, 0x80);           /* INCOMPAT_64BIT */
  put_le32 (sb + 0x150, (uint32_t) (blocks >> 32));
  sb[56] = 0x53;
  sb[57] = 0xef;
}

static int
says (const char *msg, const char *needle)
{
  return msg && strstr (msg, needle) != NULL;
}

int
main (void)
{
  size_t len = 8 * MiB;
  unsigned char *d = vs_xcalloc (1, len);
  char *m;

  tap_plan (21);

  m = vs_parttable_check_buffer (d, len);
  tap_ok (m == NULL, "all zeros: nothing to say");
  free (m);

  mbr_entry (d, 0, 0x83, 2048, (uint32_t) (len / 512 - 2048));
  m = vs_parttable_check_buffer (d, len);
  tap_ok (m == NULL, "an MBR partition that fits");
  free (m);
  m = vs_parttable_check_buffer (d, len - 4096);
  tap_ok (says (m, "partition 1 ends at byte 8388608")
          && says (m, "(8384512 bytes)") && says (m, "truncated"),
          "the same image cut short: %s", m ? m : "(none)");
  free (m);

  ext_at (d, 2048 * 512, 2 * MiB);
  m = vs_parttable_check_buffer (d, len);
  tap_ok (m == NULL, "an ext4 filesystem inside its partition");
  free (m);
  ext_at (d, 2048 * 512, 16 * MiB);
  m = vs_parttable_check_buffer (d, len);
  tap_ok (says (m, "ext filesystem in partition 1 ends at byte 17825792"),
          "an ext4 filesystem larger than what is left: %s",
          m ? m : "(none)");
  free (m);

  memset (d, 0, len);
  mbr_entry (d, 0, 0xee, 1, 0xffffffff);
  m = vs_parttable_check_buffer (d, len);
  tap_ok (says (m, "no GPT header"), "a protective MBR with no GPT");
  free (m);

  memset (d, 0, len);
  gpt (d, 512, len, 2048, len / 512 - 34);
  m = vs_parttable_check_buffer (d, len);
  tap_ok (m == NULL, "a GPT that fits");
  free (m);
  m = vs_parttable_check_buffer (d, len / 2);
  tap_ok (says (m, "backup header is at byte 8388096"),
          "a GPT cut in half: its backup header: %s", m ? m : "(none)");
  free (m);
  memset (d, 0, len);
  gpt (d, 512, len, 2048, 4 * len / 512);
  m = vs_parttable_check_buffer (d, len);
  tap_ok (says (m, "GPT partition 1 ends at byte 33554944"),
          "a GPT partition past the end: %s", m ? m : "(none)");
  free (m);
  memset (d, 0, len);
  gpt (d, 512, len, 2048, len / 512 - 34);
  put_le32 (d + 512 + 84, 100);
  m = vs_parttable_check_buffer (d, len);
  tap_ok (says (m, "corrupt"), "a GPT entry size that is not a multiple of 8");
  free (m);
  put_le32 (d + 512 + 84, 128);
  put_le32 (d + 512 + 80, 0xffffffff);
  m = vs_parttable_check_buffer (d, len);
  tap_ok (says (m, "corrupt"), "a GPT with 4 billion entries");
  free (m);
  put_le32 (d + 512 + 80, 128);
  put_le64 (d + 512 + 72, UINT64_MAX / 2);
  m = vs_parttable_check_buffer (d, len);
  tap_ok (says (m, "corrupt") || says (m, "past the end"),
          "a GPT entry array at an absurd LBA");
  free (m);

  memset (d, 0, len);
  gpt (d, 4096, len, 256, len / 4096 - 6);
  m = vs_parttable_check_buffer (d, len);
  tap_ok (m == NULL, "a GPT with 4096-byte sectors that fits");
  free (m);

  /* A FAT boot sector ends with 55 AA too: its boot code is not a
   * partition table. */
  memset (d, 0, len);
  memset (d + 446, 0x7f, 64);
  memcpy (d + 0x36, "FAT16   ", 8);
  put_le16 (d + 11, 512);
  put_le16 (d + 19, (uint16_t) (len / 512));
  d[510] = 0x55;
  d[511] = 0xaa;
  m = vs_parttable_check_buffer (d, len);
  tap_ok (m == NULL, "a FAT filesystem as the whole disk, which fits");
  free (m);
  put_le16 (d + 19, 0);
  put_le32 (d + 32, (uint32_t) (2 * len / 512));
  m = vs_parttable_check_buffer (d, len);
  tap_ok (says (m, "FAT filesystem that is the whole disk ends at byte "
                "16777216"), "a FAT filesystem twice the image: %s",
          m ? m : "(none)");
  free (m);

  memset (d, 0, len);
  memcpy (d, "XFSB", 4);
  d[6] = 0x10;                          /* block size 4096 */
  d[14] = 0x10;                         /* 4096 blocks: 16 MiB */
  m = vs_parttable_check_buffer (d, len);
  tap_ok (says (m, "XFS filesystem that is the whole disk"),
          "an XFS filesystem larger than the image: %s", m ? m : "(none)");
  free (m);

  /* Numbers near 2^64: a start plus a length that wraps must not come out
   * inside the image. */
  memset (d, 0, len);
  gpt (d, 512, len, 2048, len / 512 - 34);
  put_le64 (d + 512 + 32, UINT64_MAX / 512 + 1);
  m = vs_parttable_check_buffer (d, len);
  tap_ok (says (m, "backup header is beyond byte 18446744073709551615")
          && says (m, "(8388608 bytes)"),
          "a GPT backup header LBA whose byte offset passes 2^64: %s",
          m ? m : "(none)");
  free (m);
  memset (d, 0, len);
  gpt (d, 512, len, 2048, UINT64_MAX / 512);
  m = vs_parttable_check_buffer (d, len);
  tap_ok (says (m, "GPT partition 1 ends beyond byte 18446744073709551615"),
          "a GPT partition whose last LBA passes 2^64 in bytes: %s",
          m ? m : "(none)");
  free (m);
  /* ext: 2^48 - 1 blocks of 64 KiB is 2^64 - 2^16 bytes; from 1 MiB
   * that wraps to 983040, inside an 8 MiB image. */
  memset (d, 0, len);
  gpt (d, 512, len, 2048, len / 512 - 34);
  ext64_at (d, 2048 * 512, (UINT64_C (1) << 48) - 1, 6);
  m = vs_parttable_check_buffer (d, len);
  tap_ok (says (m, "ext filesystem in GPT partition 1 ends beyond byte "
                "18446744073709551615") && says (m, "truncated"),
          "an ext size that wraps 2^64 from its partition's start still "
          "warns: %s", m ? m : "(none)");
  free (m);
  /* XFS in an MBR partition: 2^48 - 1 blocks of 64 KiB. */
  memset (d, 0, len);
  mbr_entry (d, 0, 0x83, 2048, (uint32_t) (len / 512 - 2048));
  xfs_at (d, 2048 * 512, 65536, (UINT64_C (1) << 48) - 1);
  m = vs_parttable_check_buffer (d, len);
  tap_ok (says (m, "XFS filesystem in partition 1 ends beyond byte "
                "18446744073709551615"),
          "an XFS size that wraps 2^64 from its partition's start still "
          "warns: %s", m ? m : "(none)");
  free (m);
  /* An end just under 2^64 is shown exactly: (2^48 - 2^32 - 1) * 2^16
   * + 2^20. */
  memset (d, 0, len);
  mbr_entry (d, 0, 0x83, 2048, (uint32_t) (len / 512 - 2048));
  xfs_at (d, 2048 * 512, 65536, (UINT64_C (1) << 48) - (UINT64_C (1) << 32)
          - 1);
  m = vs_parttable_check_buffer (d, len);
  tap_ok (says (m, "XFS filesystem in partition 1 ends at byte "
                "18446462598733824000"),
          "an XFS end just under 2^64 is exact: %s", m ? m : "(none)");
  free (m);

  free (d);
  return tap_done ();
}
