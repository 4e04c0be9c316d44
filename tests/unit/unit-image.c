/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for image.c on headers built in memory.  The shell test
 * test-bad-images.sh covers images made by qemu-img and the shared
 * corpus. */
#include <config.h>

#include <string.h>

#include "image/image.h"
#include "tap.h"
#include "base/util.h"

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

/* Expects buf refused with a message holding needle. */
static void
refused (const void *buf, size_t len, const char *needle, const char *what)
{
  struct vs_image img;
  char *e = probe (buf, len, NULL, &img);

  tap_ok (e && strstr (e, needle), "%s refused: %s", what,
          e ? e : "(accepted)");
  free (e);
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
put_le16 (unsigned char *p, uint16_t v)
{
  p[0] = v; p[1] = v >> 8;
}

static void
put_le32 (unsigned char *p, uint32_t v)
{
  put_le16 (p, (uint16_t) v);
  put_le16 (p + 2, v >> 16);
}

static void
put_le64 (unsigned char *p, uint64_t v)
{
  put_le32 (p, (uint32_t) v);
  put_le32 (p + 4, v >> 32);
}

static void
vhd_footer (unsigned char *f, uint32_t type, uint64_t size, uint64_t dyn)
{
  uint32_t sum = 0;
  int i;

  memset (f, 0, 512);
  memcpy (f, "conectix", 8);
  put_be64 (f + 16, dyn);
  put_be64 (f + 48, size);
  put_be32 (f + 60, type);
  for (i = 0; i < 512; i++)
    sum += f[i];
  put_be32 (f + 64, ~sum);
}

static void
make_vhd_footer (unsigned char *f, uint32_t type)
{
  vhd_footer (f, type, 8ULL << 20, 0);
}

/* A dynamic VHD of 8 KiB in 4 KiB blocks: footer copy, dynamic header
 * at 512, BAT at 1536, block 0 (512 bytes of bitmap, 4 KiB of data) at
 * 2048, block 1 not allocated, footer at 6656.  Returns the size. */
static size_t
make_vhd_dynamic (unsigned char *b)
{
  memset (b, 0, 8192);
  vhd_footer (b, 3, 8192, 512);
  memcpy (b + 512, "cxsparse", 8);
  put_be64 (b + 520, ~0ULL);
  put_be64 (b + 528, 1536);             /* table offset */
  put_be32 (b + 536, 0x00010000);       /* header version */
  put_be32 (b + 540, 2);                /* max table entries */
  put_be32 (b + 544, 4096);             /* block size */
  memset (b + 1536, 0xff, 512);
  put_be32 (b + 1536, 2048 / 512);
  memset (b + 2560, 0x5a, 4096);
  memcpy (b + 6656, b, 512);
  return 7168;
}

/* The footer of the dynamic VHD in b, moved to the end of len bytes. */
static void
vhd_move_footer (unsigned char *b, size_t len)
{
  memcpy (b + len - 512, b, 512);
}

/* A monolithicSparse VMDK of 1 MiB in 4 KiB grains: header, descriptor
 * at sector 1, redundant GD at 2, GD at 3, one grain table at 4-7, grains
 * 0 and 1 at sectors 8 and 16.  Returns the size. */
static size_t
make_vmdk (unsigned char *b)
{
  memset (b, 0, 12288);
  memcpy (b, "KDMV", 4);
  put_le32 (b + 4, 1);
  put_le32 (b + 8, 3);                  /* newline test, redundant GD */
  put_le64 (b + 12, 2048);              /* capacity */
  put_le64 (b + 20, 8);                 /* grain size */
  put_le64 (b + 28, 1);                 /* descriptor offset */
  put_le64 (b + 36, 1);                 /* descriptor size */
  put_le32 (b + 44, 512);               /* GTEs per GT */
  put_le64 (b + 48, 2);                 /* redundant GD */
  put_le64 (b + 56, 3);                 /* GD */
  put_le64 (b + 64, 8);                 /* overhead */
  strcpy ((char *) b + 512, "# Disk DescriptorFile\nversion=1\n"
          "CID=fffffffe\nparentCID=ffffffff\n"
          "createType=\"monolithicSparse\"\n"
          "RW 2048 SPARSE \"test.vmdk\"\n");
  put_le32 (b + 1024, 4);
  put_le32 (b + 1536, 4);
  put_le32 (b + 2048, 8);
  put_le32 (b + 2052, 16);
  memset (b + 4096, 0x5a, 8192);
  return 12288;
}

/* A streamOptimized VMDK whose header says the grain directory is in
 * the footer: GD at sector 3, grain table at 4-7, one compressed grain
 * (marker and 100 bytes) at 8, footer marker, footer, end of stream.
 * Returns the size. */
static size_t
make_vmdk_stream (unsigned char *b)
{
  memset (b, 0, 6144);
  memcpy (b, "KDMV", 4);
  put_le32 (b + 4, 3);
  put_le32 (b + 8, 1 | (1U << 16) | (1U << 17));
  put_le64 (b + 12, 2048);
  put_le64 (b + 20, 128);
  put_le64 (b + 28, 1);
  put_le64 (b + 36, 1);
  put_le32 (b + 44, 512);
  put_le64 (b + 56, ~0ULL);             /* GD at end */
  put_le16 (b + 77, 1);                 /* deflate */
  strcpy ((char *) b + 512, "# Disk DescriptorFile\nversion=1\n"
          "createType=\"streamOptimized\"\n"
          "RDONLY 2048 SPARSE \"test.vmdk\"\n");
  put_le32 (b + 1536, 4);
  put_le32 (b + 2048, 8);
  put_le64 (b + 4096, 0);               /* grain marker: LBA, size */
  put_le32 (b + 4104, 100);
  put_le32 (b + 4620, 3);               /* footer marker */
  memcpy (b + 5120, b, 512);
  put_le64 (b + 5120 + 56, 3);
  return 6144;
}

/* A monolithicSparse VMDK of 1 MiB laid out as qemu-img lays it out:
 * header, a descriptor of desc_sectors sectors at sector 1 holding the
 * len bytes of text (NULs and all), a grain directory at sector 21 with
 * no grain table (the disk reads as zeros).  Returns the size. */
static size_t
make_vmdk_desc (unsigned char *b, const char *text, size_t len,
                uint64_t desc_sectors)
{
  memset (b, 0, 22 * 512);
  memcpy (b, "KDMV", 4);
  put_le32 (b + 4, 1);
  put_le32 (b + 8, 1);
  put_le64 (b + 12, 2048);              /* capacity */
  put_le64 (b + 20, 8);                 /* grain size */
  put_le64 (b + 28, 1);                 /* descriptor offset */
  put_le64 (b + 36, desc_sectors);
  put_le32 (b + 44, 512);               /* GTEs per GT */
  put_le64 (b + 56, 21);                /* GD */
  put_le64 (b + 64, 22);                /* overhead */
  memcpy (b + 512, text, len < 20 * 512 ? len : 20 * 512);
  return 22 * 512;
}

/* The descriptor qemu-img 7.2 writes, with the line ending eol. */
static const char *
qemu_descriptor (const char *type, const char *eol)
{
  static char d[2048];

  snprintf (d, sizeof d, "# Disk DescriptorFile%sversion=1%s"
            "CID=4a770281%sparentCID=ffffffff%screateType=\"%s\"%s%s"
            "# Extent description%sRW 2048 SPARSE \"t.vmdk\"%s%s"
            "# The Disk Data Base%s#DDB%s%s"
            "ddb.virtualHWVersion = \"4\"%sddb.geometry.cylinders = \"2\"%s"
            "ddb.adapterType = \"ide\"%s", eol, eol, eol, eol, type, eol,
            eol, eol, eol, eol, eol, eol, eol, eol, eol, eol);
  return d;
}

/* Expects the qemu-img descriptor with before inserted after its
 * parentCID line and after inserted after its extent line refused with
 * needle. */
static void
vmdk_desc_refused (const char *before, const char *after, const char *eol,
                   const char *needle, const char *what)
{
  static unsigned char b[22 * 512];
  char text[4096];
  const char *d = qemu_descriptor ("monolithicSparse", eol), *p, *q;
  size_t len;

  p = strstr (d, "createType");
  q = strstr (d, "# The Disk");
  snprintf (text, sizeof text, "%.*s%s%.*s%s%s", (int) (p - d), d, before,
            (int) (q - p), p, after, q);
  len = make_vmdk_desc (b, text, strlen (text), 20);
  refused (b, len, needle, what);
}

static const unsigned char vhdx_bat_guid[16] = {
  0x66, 0x77, 0xc2, 0x2d, 0x23, 0xf6, 0x00, 0x42,
  0x9d, 0x64, 0x11, 0x5e, 0x9b, 0xfd, 0x4a, 0x08
};
static const unsigned char vhdx_meta_guid[16] = {
  0x06, 0xa2, 0x7c, 0x8b, 0x90, 0x47, 0x9a, 0x4b,
  0xb8, 0xfe, 0x57, 0x5f, 0x05, 0x0f, 0x88, 0x6e
};
static const unsigned char vhdx_params_guid[16] = {
  0x37, 0x67, 0xa1, 0xca, 0x36, 0xfa, 0x43, 0x4d,
  0xb3, 0xb6, 0x33, 0xf0, 0xaa, 0x44, 0xe7, 0x6b
};
static const unsigned char vhdx_size_guid[16] = {
  0x24, 0x42, 0xa5, 0x2f, 0x1b, 0xcd, 0x76, 0x48,
  0xb2, 0x11, 0x5d, 0xbe, 0xd8, 0x3b, 0xf4, 0xb8
};
static const unsigned char vhdx_lss_guid[16] = {
  0x1d, 0xbf, 0x41, 0x81, 0x6f, 0xa9, 0x09, 0x47,
  0xba, 0x47, 0xf2, 0x33, 0xa8, 0xfa, 0xab, 0x5f
};

#define VHDX_META (320 * 1024)
#define VHDX_BAT (384 * 1024)

static void
vhdx_meta_item (unsigned char *b, int i, const unsigned char *guid,
                uint32_t off, uint32_t len)
{
  unsigned char *e = b + VHDX_META + 32 + 32 * i;

  memcpy (e, guid, 16);
  put_le32 (e + 16, off);
  put_le32 (e + 20, len);
}

/* A VHDX of vsize bytes in 1 MiB blocks, 512-byte sectors: region table
 * at 192 KiB, metadata at 320 KiB, a 64 KiB BAT at 384 KiB, payload
 * block 0 present at 1 MiB.  Returns the size (2 MiB). */
static size_t
make_vhdx (unsigned char *b, uint64_t vsize)
{
  memset (b, 0, 2 << 20);
  memcpy (b, "vhdxfile", 8);
  memcpy (b + 192 * 1024, "regi", 4);
  put_le32 (b + 192 * 1024 + 8, 2);
  memcpy (b + 192 * 1024 + 16, vhdx_bat_guid, 16);
  put_le64 (b + 192 * 1024 + 32, VHDX_BAT);
  put_le32 (b + 192 * 1024 + 40, 64 * 1024);
  memcpy (b + 192 * 1024 + 48, vhdx_meta_guid, 16);
  put_le64 (b + 192 * 1024 + 64, VHDX_META);
  put_le32 (b + 192 * 1024 + 72, 64 * 1024);
  memcpy (b + VHDX_META, "metadata", 8);
  put_le16 (b + VHDX_META + 10, 3);
  vhdx_meta_item (b, 0, vhdx_params_guid, 4096, 8);
  vhdx_meta_item (b, 1, vhdx_size_guid, 4104, 8);
  vhdx_meta_item (b, 2, vhdx_lss_guid, 4112, 4);
  put_le32 (b + VHDX_META + 4096, 1 << 20);
  put_le64 (b + VHDX_META + 4104, vsize);
  put_le32 (b + VHDX_META + 4112, 512);
  put_le64 (b + VHDX_BAT, (1ULL << 20) | 6);
  memset (b + (1 << 20), 0x5a, 1 << 20);
  return 2 << 20;
}

/* Fills n bytes at b with text, repeating line. */
static void
fill_text (unsigned char *b, size_t n, const char *line)
{
  size_t i, len = strlen (line);

  for (i = 0; i < n; i++)
    b[i] = line[i % len];
}

/* With file arguments: probes each file (format read from its header)
 * and reports whether it was accepted.  test-bad-images.sh uses this on
 * the images qemu-img makes. */
static int
probe_files (int argc, char **argv)
{
  int i;

  tap_plan (argc - 1);
  for (i = 1; i < argc; i++) {
    struct vs_image img;
    char *err = NULL;

    if (vs_image_probe (argv[i], NULL, &img, &err) == 0) {
      tap_ok (1, "accepted: %s as %s", argv[i], img.format_name);
      vs_image_clear (&img);
    }
    else
      tap_ok (0, "accepted: %s", err ? err : argv[i]);
    free (err);
  }
  return tap_done ();
}

int
main (int argc, char **argv)
{
  static unsigned char buf[65536], big[2 << 20];
  struct vs_image img;
  char text[4096];
  size_t len;
  int i;
  char *e;

  if (argc > 1)
    return probe_files (argc, argv);

  tap_plan (97);

  memset (buf, 0, sizeof buf);
  e = probe (buf, 4096, NULL, &img);
  tap_ok (!e && strcmp (img.format_name, "raw") == 0
          && img.virtual_size == 4096, "zeros are a raw image");
  free (e);

  refused (buf, 0, "empty", "empty image");

  make_qcow2 (buf, 3);
  e = probe (buf, 4096, NULL, &img);
  tap_ok (!e && strcmp (img.format, "qcow2") == 0
          && img.virtual_size == 1ULL << 30, "plain qcow2 v3 accepted");
  free (e);

  make_qcow2 (buf, 3);
  put_be64 (buf + 8, 512);
  put_be32 (buf + 16, 11);
  memcpy (buf + 512, "/etc/shadow", 11);
  refused (buf, 4096, "backing file '/etc/shadow'", "qcow2 with a backing file");

  make_qcow2 (buf, 3);
  put_be64 (buf + 72, 1ULL << 2);
  refused (buf, 4096, "external data file", "qcow2 with an external data file");

  make_qcow2 (buf, 3);
  refused (buf, 50, "truncated", "truncated qcow2");

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
  refused (buf, 4096, "descriptor", "VMDK descriptor");

  memset (buf, 0, sizeof buf);
  buf[0] = 0x1f;
  buf[1] = 0x8b;
  refused (buf, 4096, "gzip", "gzip file");

  memset (buf, 0, sizeof buf);
  memcpy (buf + 257, "ustar", 5);
  refused (buf, 4096, "OVA", "tar archive");

  memset (buf, 0, sizeof buf);
  memcpy (buf, "vhdxfile", 8);
  e = probe (buf, 4096, NULL, &img);
  tap_ok (e && strstr (e, "region table"), "VHDX without regions refused: "
          "%s", e);
  free (e);

  /* VMDK grain directory, grain tables and grains. */
  len = make_vmdk (buf);
  e = probe (buf, len, NULL, &img);
  tap_ok (!e && strcmp (img.format, "vmdk") == 0
          && img.virtual_size == 1 << 20, "monolithicSparse VMDK accepted: "
          "%s", e ? e : "ok");
  free (e);

  e = probe (buf, len - 512, NULL, &img);
  tap_ok (e && strstr (e, "VMDK is truncated: its grain at offset 8192 is "
                       "past the end of the file (11776 bytes)"),
          "VMDK cut inside its last grain refused: %s", e);
  free (e);

  make_vmdk (buf);
  put_le32 (buf + 1536, 200);
  refused (buf, len, "its grain table at offset 102400", "VMDK grain table past the end");

  make_vmdk (buf);
  put_le64 (buf + 56, 1000);
  refused (buf, len, "its grain directory at offset 512000", "VMDK grain directory past the end");

  make_vmdk (buf);
  put_le64 (buf + 48, 1ULL << 60);
  refused (buf, len, "redundant grain directory", "VMDK redundant grain directory past the end");

  make_vmdk (buf);
  put_le32 (buf + 2052, 0xffffffff);
  refused (buf, len, "grain at offset 2199023255040", "VMDK grain at a huge offset");

  make_vmdk (buf);
  put_le64 (buf + 20, 3);
  refused (buf, len, "grain size of 3 sectors is not valid", "VMDK grain size not a power of two");

  make_vmdk (buf);
  put_le64 (buf + 20, 0);
  e = probe (buf, len, NULL, &img);
  tap_ok (e && strstr (e, "grain size of 0"), "VMDK grain size 0 refused: "
          "%s", e);
  free (e);

  make_vmdk (buf);
  put_le32 (buf + 44, 0);
  refused (buf, len, "grain tables of 0 entries", "VMDK with 0 entries per grain table");

  make_vmdk (buf);
  put_le64 (buf + 12, 1ULL << 50);
  refused (buf, len, "larger than the file", "VMDK grain directory larger than the file");

  len = make_vmdk_stream (buf);
  e = probe (buf, len, NULL, &img);
  tap_ok (!e && img.virtual_size == 1 << 20, "streamOptimized VMDK with "
          "its grain directory in the footer accepted: %s", e ? e : "ok");
  free (e);

  e = probe (buf, len - 1024, NULL, &img);
  tap_ok (e && strstr (e, "footer is missing"),
          "streamOptimized VMDK without its footer refused: %s", e);
  free (e);

  put_le32 (buf + 4104, 5000);
  refused (buf, len, "its compressed grain at offset 4096", "VMDK compressed grain running past the end");

  make_vmdk_stream (buf);
  put_le32 (buf + 2048, 12);
  refused (buf, len, "its compressed grain at offset 6144", "VMDK compressed grain past the end");

  make_vmdk_stream (buf);
  put_le64 (buf + 5120 + 56, ~0ULL);
  refused (buf, len, "footer does not say", "VMDK footer without a grain directory");

  /* The VMDK descriptor read as qemu reads it (issue 10): every way
   * qemu would open another file is refused. */
  for (i = 0; i < 2; i++) {
    const char *eol = i ? "\r\n" : "\n";
    const char *how = i ? " (CRLF)" : "";
    char what[128];

    len = make_vmdk_desc (buf, qemu_descriptor ("monolithicSparse", eol),
                          strlen (qemu_descriptor ("monolithicSparse", eol)),
                          20);
    e = probe (buf, len, NULL, &img);
    tap_ok (!e && img.virtual_size == 1 << 20, "qemu-img monolithicSparse "
            "descriptor%s accepted: %s", how, e ? e : "ok");
    free (e);
    len = make_vmdk_desc (buf, qemu_descriptor ("streamOptimized", eol),
                          strlen (qemu_descriptor ("streamOptimized", eol)),
                          20);
    e = probe (buf, len, NULL, &img);
    tap_ok (!e, "qemu-img streamOptimized descriptor%s accepted: %s", how,
            e ? e : "ok");
    free (e);

    /* Capacity 0: qemu reads the descriptor as a descriptor file. */
    snprintf (text, sizeof text, "# Disk DescriptorFile%sversion=1%s"
              "CID=fffffffe%sparentCID=ffffffff%s"
              "createType=\"monolithicFlat\"%s"
              "RW 2048 FLAT \"/dev/sda\" 0%s", eol, eol, eol, eol, eol, eol);
    len = make_vmdk_desc (buf, text, strlen (text), 20);
    put_le64 (buf + 12, 0);
    snprintf (what, sizeof what, "VMDK of capacity 0 with a FLAT extent%s",
              how);
    refused (buf, len, "capacity of 0", what);

    /* The same, dressed to pass the old line-start reading. */
    snprintf (text, sizeof text, "# Disk DescriptorFile%sversion=1%s"
              "#createType=\"monolithicFlat\"%s"
              "createType=\"monolithicSparse\"%s"
              "RW\t2048 FLAT \"/dev/sda\" 0%sRW 2048 SPARSE \"x.vmdk\"%s",
              eol, eol, eol, eol, eol, eol);
    len = make_vmdk_desc (buf, text, strlen (text), 20);
    put_le64 (buf + 12, 0);
    snprintf (what, sizeof what, "VMDK of capacity 0 in disguise%s", how);
    refused (buf, len, "capacity of 0", what);
    put_le64 (buf + 12, 2048);
    snprintf (what, sizeof what, "VMDK with two createTypes%s", how);
    refused (buf, len, "names createType 2 times", what);

    snprintf (what, sizeof what, "VMDK with a parentFileNameHint in a "
              "comment%s", how);
    snprintf (text, sizeof text, "# parentFileNameHint=\"/x\"%s", eol);
    vmdk_desc_refused (text, "", eol, "delta disk ('parentFileNameHint="
                       "\"/x\"", what);
    snprintf (what, sizeof what, "VMDK with a parentFileNameHint mid-line%s",
              how);
    snprintf (text, sizeof text, "ddb.uuid = \"parentFileNameHint=\"/x\"%s",
              eol);
    vmdk_desc_refused ("", text, eol, "delta disk", what);
    snprintf (what, sizeof what, "VMDK with a parentfilenamehint in lower "
              "case%s", how);
    snprintf (text, sizeof text, "parentfilenamehint=\"/x\"%s", eol);
    vmdk_desc_refused (text, "", eol, "delta disk", what);

    snprintf (what, sizeof what, "VMDK with a second parentCID naming a "
              "parent%s", how);
    snprintf (text, sizeof text, "#parentCID=1234abcd%s", eol);
    vmdk_desc_refused (text, "", eol, "parentCID", what);

    snprintf (what, sizeof what, "VMDK with an RW<tab> FLAT extent%s", how);
    snprintf (text, sizeof text, "RW\t2048 FLAT \"/dev/sda\" 0%s", eol);
    vmdk_desc_refused ("", text, eol, "not its own sparse data", what);
    snprintf (what, sizeof what, "VMDK with an RW<ff> FLAT extent%s", how);
    snprintf (text, sizeof text, "RW\f2048 FLAT \"/dev/sda\" 0%s", eol);
    vmdk_desc_refused ("", text, eol, "not its own sparse data", what);
    snprintf (what, sizeof what, "VMDK with an RW<vt> VMFS extent after "
              "white space%s", how);
    snprintf (text, sizeof text, "%s \f RW\v2048\vVMFS\v\"/dev/sda\"%s",
              eol, eol);
    vmdk_desc_refused ("", text, eol, "not its own sparse data", what);
    snprintf (what, sizeof what, "VMDK with a FLAT extent over three "
              "lines%s", how);
    snprintf (text, sizeof text, "RW%s2048%sFLAT \"/dev/sda\" 0%s", eol, eol,
              eol);
    vmdk_desc_refused ("", text, eol, "not its own sparse data", what);
    snprintf (what, sizeof what, "VMDK with a VMFSSPARSE\"name\" extent%s",
              how);
    snprintf (text, sizeof text, "RW 2048 VMFSSPARSE\"/x.vmdk\"%s", eol);
    vmdk_desc_refused ("", text, eol, "not its own sparse data", what);
    snprintf (what, sizeof what, "VMDK with an rdonly FLAT extent%s", how);
    snprintf (text, sizeof text, "rdonly 2048 FLAT \"/dev/sda\" 0%s", eol);
    vmdk_desc_refused ("", text, eol, "not its own sparse data", what);
    snprintf (what, sizeof what, "VMDK with two sparse extents%s", how);
    snprintf (text, sizeof text, "RW 2048 SPARSE \"u.vmdk\"%s", eol);
    vmdk_desc_refused ("", text, eol, "lists 2 extents", what);
  }

  /* qemu reads the parent hint from sector 1 whatever the header says. */
  snprintf (text, sizeof text, "# Disk DescriptorFile\nversion=1\n"
            "parentFileNameHint=\"/x\"\n");
  len = make_vmdk_desc (buf, text, strlen (text), 1);
  memcpy (buf + len, qemu_descriptor ("monolithicSparse", "\n"),
          strlen (qemu_descriptor ("monolithicSparse", "\n")));
  put_le64 (buf + 28, len / 512);
  refused (buf, len + 1024, "not at sector 1", "VMDK whose parent hint is in "
           "sector 1 and its descriptor elsewhere");

  /* ... and all 20 sectors of it, past the descriptor and past a NUL. */
  len = make_vmdk_desc (buf, qemu_descriptor ("monolithicSparse", "\n"),
                        strlen (qemu_descriptor ("monolithicSparse", "\n")),
                        2);
  strcpy ((char *) buf + 512 + 19 * 512, "parentFileNameHint=\"/x\"");
  refused (buf, len, "at offset 10240", "VMDK with a parent hint in sector "
           "20, after its descriptor of 2 sectors");

  len = make_vmdk_desc (buf, qemu_descriptor ("monolithicSparse", "\n"),
                        strlen (qemu_descriptor ("monolithicSparse", "\n")),
                        20);
  strcpy ((char *) buf + 512 + 4096, "# more text\n");
  refused (buf, len, "NUL byte at offset", "VMDK descriptor with text after "
           "a NUL");

  memset (text, '#', 600);
  memcpy (text, qemu_descriptor ("monolithicSparse", "\n"), 150);
  len = make_vmdk_desc (buf, text, 600, 1);
  refused (buf, len, "descriptor of 1 sectors has no NUL",
           "VMDK descriptor that fills its sector with no NUL");

  len = make_vmdk_desc (buf, qemu_descriptor ("monolithicSparse", "\n"),
                        strlen (qemu_descriptor ("monolithicSparse", "\n")),
                        21);
  refused (buf, len, "longer than the 20", "VMDK descriptor of 21 sectors");

  len = make_vmdk_desc (buf, qemu_descriptor ("twoGbMaxExtentFlat", "\n"),
                        strlen (qemu_descriptor ("twoGbMaxExtentFlat", "\n")),
                        20);
  refused (buf, len, "create type 'twoGbMaxExtentFlat'", "VMDK of another "
           "create type");

  /* Dynamic VHD block table. */
  len = make_vhd_dynamic (buf);
  e = probe (buf, len, NULL, &img);
  tap_ok (!e && strcmp (img.format, "vpc") == 0 && img.virtual_size == 8192,
          "dynamic VHD accepted: %s", e ? e : "ok");
  free (e);

  make_vhd_dynamic (buf);
  put_be32 (buf + 1540, 6656 / 512);
  e = probe (buf, len, NULL, &img);
  tap_ok (e && strstr (e, "VHD is truncated or corrupt: block 1 at offset "
                       "6656 is past the end of the file (7168 bytes)"),
          "VHD block over the footer refused: %s", e);
  free (e);

  make_vhd_dynamic (buf);
  vhd_move_footer (buf, 4096);
  refused (buf, 4096, "block 0 at offset 2048", "VHD cut inside a block, footer put back,");

  make_vhd_dynamic (buf);
  put_be64 (buf + 528, 1ULL << 40);
  refused (buf, len, "its block allocation table at offset", "VHD block table past the end");

  make_vhd_dynamic (buf);
  put_be32 (buf + 540, 0x40000000);
  refused (buf, len, "larger than its disk", "VHD block table larger than the disk needs");

  make_vhd_dynamic (buf);
  put_be32 (buf + 544, 3000);
  refused (buf, len, "block size 3000 is not valid", "VHD block size not a power of two");

  /* VHDX block table. */
  len = make_vhdx (big, 2 << 20);
  e = probe (big, len, NULL, &img);
  tap_ok (!e && strcmp (img.format, "vhdx") == 0
          && img.virtual_size == 2 << 20, "VHDX accepted: %s",
          e ? e : "ok");
  free (e);

  e = probe (big, len - 4096, NULL, &img);
  tap_ok (e && strstr (e, "VHDX is truncated: its payload block 0 at "
                       "offset 1048576 is past the end of the file"),
          "VHDX cut inside a block refused: %s", e);
  free (e);

  make_vhdx (big, 2 << 20);
  put_le64 (big + VHDX_BAT + 8, (1ULL << 63) | 7);
  refused (big, len, "payload block 1 at offset", "VHDX partially present block past the end");

  make_vhdx (big, 2 << 20);
  put_le64 (big + VHDX_BAT + 8, (64ULL << 20) | 2);
  e = probe (big, len, NULL, &img);
  tap_ok (!e, "VHDX zero block with a stray offset accepted: %s",
          e ? e : "ok");
  free (e);

  /* 4097 blocks: entry 4096 is the first sector bitmap entry. */
  make_vhdx (big, 4097ULL << 20);
  put_le64 (big + VHDX_BAT + 8 * 4096, (100ULL << 20) | 6);
  refused (big, len, "its sector bitmap block 0 at offset 104857600", "VHDX sector bitmap block past the end");

  put_le64 (big + VHDX_BAT + 8 * 4096, (100ULL << 20) | 2);
  put_le64 (big + VHDX_BAT + 8 * 4097, (1ULL << 20) | 6);
  e = probe (big, len, NULL, &img);
  tap_ok (!e, "VHDX with 4097 blocks and an absent sector bitmap "
          "accepted: %s", e ? e : "ok");
  free (e);

  make_vhdx (big, 2 << 20);
  put_le32 (big + VHDX_META + 4096, 3 << 20);
  refused (big, len, "block size 3145728 is not valid", "VHDX block size not a power of two");

  make_vhdx (big, 2 << 20);
  put_le32 (big + 192 * 1024 + 40, 8);
  e = probe (big, len, NULL, &img);
  tap_ok (e && strstr (e, "too small"), "VHDX block table too small for "
          "the disk refused: %s", e);
  free (e);

  make_vhdx (big, 2 << 20);
  put_le64 (big + 192 * 1024 + 32, 3 << 20);
  refused (big, len, "its block table region at offset 3145728", "VHDX block table region past the end");

  make_vhdx (big, 1ULL << 50);
  e = probe (big, len, NULL, &img);
  tap_ok (e && strstr (e, "larger than 64 TiB"), "VHDX of 1 PiB refused: "
          "%s", e);
  free (e);

  /* Files that are not disk images. */
  memset (buf, 0, sizeof buf);
  e = probe (buf, 100, NULL, &img);
  tap_ok (e && strstr (e, "image is 100 bytes, smaller than one disk "
                       "sector: not a disk image"),
          "file of 100 bytes refused: %s", e);
  free (e);

  e = probe (buf, 100, "raw", &img);
  tap_ok (!e, "file of 100 bytes accepted with --format raw");
  free (e);

  fill_text (buf, 8192, "just some text,\tnot a disk\r\n");
  refused (buf, 8192, "text file, not a disk image", "text file");

  fill_text (buf, 4097, "gr\xc3\xbc\xc3\x9f dich, \xe2\x82\xac\n\f");
  refused (buf, 4097, "text file", "UTF-8 text file");

  buf[100] = 0xff;
  e = probe (buf, 4097, NULL, &img);
  tap_ok (!e, "text with one byte that is not UTF-8 accepted as raw");
  free (e);

  memset (buf, 0, sizeof buf);
  memcpy (buf, "\x7f" "ELF\x02\x01\x01", 7);
  refused (buf, 4096, "ELF executable, not a disk image", "ELF file");

  memset (buf, 0, sizeof buf);
  memcpy (buf, "\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
  refused (buf, 4096, "PNG image, not a disk image", "PNG file");

  memset (buf, 0, sizeof buf);
  memcpy (buf, "SQLite format 3", 16);
  refused (buf, 4096, "SQLite database", "SQLite file");

  memset (buf, 0, sizeof buf);
  memcpy (buf, "PK\x03\x04", 4);
  e = probe (buf, 40, NULL, &img);
  tap_ok (e && strstr (e, "ZIP archive"), "small ZIP file refused as ZIP: "
          "%s", e);
  free (e);

  /* Boot code that reads as text, then a partition table. */
  memset (buf, 0, sizeof buf);
  fill_text (buf, 440, "Missing operating system. ");
  buf[446] = 0x80;
  buf[450] = 0x83;
  put_le32 (buf + 454, 2048);
  put_le32 (buf + 458, 4096);
  buf[510] = 0x55;
  buf[511] = 0xaa;
  e = probe (buf, 8192, NULL, &img);
  tap_ok (!e && strcmp (img.format, "raw") == 0, "MBR disk accepted as raw");
  free (e);

  memset (buf, 0, sizeof buf);
  memcpy (buf, "\xeb\x3c\x90mkfs.fat\0\x02\x04\x04\0\x02\0\x02", 19);
  memcpy (buf + 43, "NO NAME    FAT16   ", 19);
  buf[510] = 0x55;
  buf[511] = 0xaa;
  e = probe (buf, 8192, NULL, &img);
  tap_ok (!e, "bare FAT filesystem accepted as raw");
  free (e);

  memset (buf, 0, sizeof buf);
  memcpy (buf, "XFSB\0\0\x10\0", 8);
  e = probe (buf, 8192, NULL, &img);
  tap_ok (!e, "bare XFS filesystem accepted as raw");
  free (e);

  memset (buf, 0, sizeof buf);
  memcpy (buf + 32768, "\x01" "CD001\x01", 7);
  fill_text (buf + 32775, 1000, "LINUX ");
  e = probe (buf, 36864, NULL, &img);
  tap_ok (!e, "ISO 9660 image accepted as raw");
  free (e);

  memset (buf, 0, sizeof buf);
  e = probe (buf, 512, NULL, &img);
  tap_ok (!e && img.virtual_size == 512, "one zero sector accepted as raw");
  free (e);

  return tap_done ();
}
