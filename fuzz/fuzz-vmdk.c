/* SPDX-License-Identifier: BSD-3-Clause */
/* libFuzzer target: the VMDK descriptor check in image.c, held against
 * an oracle of when qemu 7.2 would open a file other than the image.
 *
 * The input's first byte picks the header (bit 0: capacity 0; bit 1:
 * descriptor at sector 2 instead of 1; bits 2-7: a descriptor of
 * 1 + (v % 21) sectors), the rest is written from sector 1 on, over the
 * 20 sectors qemu reads there.  A grain directory with no grain table
 * follows at sector 21, so that an image whose text passes is accepted.
 *
 * The oracle is kept simple and apart from image.c: it reads the text
 * with the C library the way qemu does (strstr for the parent hint,
 * sscanf from every line start for extents) and says "qemu would open
 * another file" when the parent hint is there, when a line makes an RW
 * extent of any type but SPARSE, or when the header sends qemu to its
 * descriptor-file reading (capacity 0) and a SPARSE extent names a file
 * other than the image.  If it says so and vmscan accepted the image,
 * the target aborts.
 */
#include <config.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image/image.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define SECTOR 512
/* qemu reads 20 sectors from sector 1 for the parent hint. */
#define WINDOW (20 * SECTOR)
/* Header, the 20 sectors, one sector of grain directory. */
#define IMAGE_SIZE (22 * SECTOR)
/* The name the image has, as a descriptor-file extent would give it. */
#define IMAGE_NAME "fuzz.vmdk"

static void
le32 (unsigned char *p, uint32_t v)
{
  p[0] = v;
  p[1] = v >> 8;
  p[2] = v >> 16;
  p[3] = v >> 24;
}

static void
le64 (unsigned char *p, uint64_t v)
{
  le32 (p, (uint32_t) v);
  le32 (p + 4, v >> 32);
}

static uint64_t
get_le64 (const unsigned char *p)
{
  uint64_t v = 0;
  int i;

  for (i = 7; i >= 0; i--)
    v = (v << 8) | p[i];
  return v;
}

/* True if qemu, given img (IMAGE_SIZE bytes), could open a file other
 * than img, or take an extent that is not the image's own sparse data. */
static int
qemu_would_open (const unsigned char *img, const char **why)
{
  static char win[WINDOW + 1], text[IMAGE_SIZE + 1];
  static const char *const types[] = { "FLAT", "SPARSE", "VMFS",
                                       "VMFSSPARSE", "SESPARSE" };
  uint64_t capacity = get_le64 (img + 12), off = get_le64 (img + 28);
  int descriptor_file = capacity == 0 && off != 0;
  const char *p;
  size_t i;

  memcpy (win, img + SECTOR, WINDOW);
  win[WINDOW] = '\0';
  if (strstr (win, "parentFileNameHint")) {
    *why = "parentFileNameHint in the 20 sectors from sector 1";
    return 1;
  }

  memset (text, 0, sizeof text);
  if (off < IMAGE_SIZE / SECTOR)
    memcpy (text, img + off * SECTOR, IMAGE_SIZE - off * SECTOR);
  for (p = text; *p; p = strchr (p, '\n') ? strchr (p, '\n') + 1
         : p + strlen (p)) {
    char access[11], type[11], name[512];
    long long sectors = 0, flat_off = -1;
    int m = sscanf (p, "%10s %lld %10s \"%511[^\n\r\"]\" %lld", access,
                    &sectors, type, name, &flat_off);

    if (m < 4 || strcmp (access, "RW") != 0 || sectors <= 0)
      continue;
    for (i = 0; i < sizeof types / sizeof types[0]; i++)
      if (strcmp (type, types[i]) == 0)
        break;
    if (i == sizeof types / sizeof types[0])
      continue;
    if (strcmp (type, "SPARSE") != 0) {
      *why = "an RW extent that is not SPARSE";
      return 1;
    }
    if (descriptor_file && strcmp (name, IMAGE_NAME) != 0) {
      *why = "capacity 0 and a SPARSE extent naming another file";
      return 1;
    }
  }
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static unsigned char img[IMAGE_SIZE];
  struct vs_image vi;
  char *err = NULL;
  const char *why = NULL;
  unsigned pick;
  size_t n;
  int accepted;

  if (size < 1)
    return 0;
  pick = data[0];
  memset (img, 0, sizeof img);
  memcpy (img, "KDMV", 4);
  le32 (img + 4, 1);
  le32 (img + 8, 1);
  le64 (img + 12, (pick & 1) ? 0 : 2048);       /* capacity */
  le64 (img + 20, 8);                           /* grain */
  le64 (img + 28, (pick & 2) ? 2 : 1);          /* descriptor offset */
  le64 (img + 36, 1 + (pick >> 2) % 21);        /* descriptor size */
  le32 (img + 44, 512);                         /* GTEs per GT */
  le64 (img + 56, 21);                          /* grain directory */
  le64 (img + 64, 22);                          /* overhead */
  n = size - 1 < WINDOW ? size - 1 : WINDOW;
  memcpy (img + SECTOR, data + 1, n);

  accepted = vs_image_probe_buffer (img, sizeof img, NULL, &vi, &err) == 0;
  free (err);
  if (accepted && qemu_would_open (img, &why)) {
    fprintf (stderr, "fuzz-vmdk: vmscan accepted a VMDK for which qemu "
             "would open another file: %s\n", why);
    abort ();
  }
  return 0;
}
