/* Unit tests for image.c on headers built in memory.  The shell test
 * test-bad-images.sh covers images made by qemu-img and the shared
 * corpus. */
#include <config.h>

#include <string.h>

#include "image.h"
#include "tap.h"
#include "util.h"

static void
put_be32 (unsigned char *p, uint32_t v)
{
  p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v;
}

static void
put_be64 (unsigned char *p, uint64_t v)
{
  put_be32 (p, v >> 32);
  put_be32 (p + 4, (uint32_t) v);
}

/* Probes buf; returns the error message (to free) or NULL if accepted. */
static char *
probe (const void *buf, size_t len, const char *fmt, struct vs_image *img)
{
  char *err = NULL;

  if (vs_image_probe_buffer (buf, len, fmt, img, &err) == 0)
    return NULL;
  return err ? err : vs_xstrdup ("(no message)");
}

static void
make_qcow2 (unsigned char *h, int version)
{
  memset (h, 0, 4096);
  memcpy (h, "QFI\xfb", 4);
  put_be32 (h + 4, version);
  put_be32 (h + 20, 16);                /* cluster bits */
  put_be64 (h + 24, 1ULL << 30);        /* virtual size */
  put_be32 (h + 100, 104);              /* header length */
}

static void
make_vhd_footer (unsigned char *f, uint32_t type)
{
  uint32_t sum = 0;
  int i;

  memset (f, 0, 512);
  memcpy (f, "conectix", 8);
  put_be64 (f + 48, 8ULL << 20);
  put_be32 (f + 60, type);
  for (i = 0; i < 512; i++)
    sum += f[i];
  put_be32 (f + 64, ~sum);
}

int
main (void)
{
  static unsigned char buf[65536];
  struct vs_image img;
  char *e;

  tap_plan (14);

  memset (buf, 0, sizeof buf);
  e = probe (buf, 4096, NULL, &img);
  tap_ok (!e && strcmp (img.format_name, "raw") == 0
          && img.virtual_size == 4096, "zeros are a raw image");
  free (e);

  e = probe (buf, 0, NULL, &img);
  tap_ok (e && strstr (e, "empty"), "empty image refused: %s", e);
  free (e);

  make_qcow2 (buf, 3);
  e = probe (buf, 4096, NULL, &img);
  tap_ok (!e && strcmp (img.format, "qcow2") == 0
          && img.virtual_size == 1ULL << 30, "plain qcow2 v3 accepted");
  free (e);

  make_qcow2 (buf, 3);
  put_be64 (buf + 8, 512);
  put_be32 (buf + 16, 11);
  memcpy (buf + 512, "/etc/shadow", 11);
  e = probe (buf, 4096, NULL, &img);
  tap_ok (e && strstr (e, "backing file '/etc/shadow'"),
          "qcow2 with a backing file refused: %s", e);
  free (e);

  make_qcow2 (buf, 3);
  put_be64 (buf + 72, 1ULL << 2);
  e = probe (buf, 4096, NULL, &img);
  tap_ok (e && strstr (e, "external data file"),
          "qcow2 with an external data file refused: %s", e);
  free (e);

  make_qcow2 (buf, 3);
  e = probe (buf, 50, NULL, &img);
  tap_ok (e && strstr (e, "truncated"), "truncated qcow2 refused: %s", e);
  free (e);

  make_qcow2 (buf, 3);
  e = probe (buf, 4096, "raw", &img);
  tap_ok (!e && strcmp (img.format, "raw") == 0 && img.format_from_user,
          "--format raw on qcow2 bytes reads them raw (no backing file "
          "can be opened)");
  free (e);

  memset (buf, 0, sizeof buf);
  make_vhd_footer (buf + 8192 - 512, 2);
  e = probe (buf, 8192, NULL, &img);
  tap_ok (!e && strcmp (img.format, "vpc") == 0
          && img.virtual_size == 8ULL << 20, "fixed VHD accepted");
  free (e);

  buf[8192 - 512 + 30] ^= 1;
  e = probe (buf, 8192, NULL, &img);
  tap_ok (e && strstr (e, "checksum"), "VHD with bad checksum refused: %s",
          e);
  free (e);

  memset (buf, 0, sizeof buf);
  make_vhd_footer (buf + 8192 - 512, 4);
  memcpy (buf, buf + 8192 - 512, 512);
  e = probe (buf, 8192, NULL, &img);
  tap_ok (e && strstr (e, "differencing"), "differencing VHD refused: %s",
          e);
  free (e);

  memset (buf, 0, sizeof buf);
  strcpy ((char *) buf, "# Disk DescriptorFile\nversion=1\n"
          "RW 2048 FLAT \"/dev/sda\" 0\n");
  e = probe (buf, 4096, NULL, &img);
  tap_ok (e && strstr (e, "descriptor"), "VMDK descriptor refused: %s", e);
  free (e);

  memset (buf, 0, sizeof buf);
  buf[0] = 0x1f;
  buf[1] = 0x8b;
  e = probe (buf, 4096, NULL, &img);
  tap_ok (e && strstr (e, "gzip"), "gzip file refused: %s", e);
  free (e);

  memset (buf, 0, sizeof buf);
  memcpy (buf + 257, "ustar", 5);
  e = probe (buf, 4096, NULL, &img);
  tap_ok (e && strstr (e, "OVA"), "tar archive refused: %s", e);
  free (e);

  memset (buf, 0, sizeof buf);
  memcpy (buf, "vhdxfile", 8);
  e = probe (buf, 4096, NULL, &img);
  tap_ok (e && strstr (e, "region table"), "VHDX without regions refused: "
          "%s", e);
  free (e);

  return tap_done ();
}
