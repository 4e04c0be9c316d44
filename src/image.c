/* vmscan: host-side checks of a disk image file before qemu sees it.
 *
 * Only headers are read here: a few fixed-size structures at known
 * offsets, each bounds-checked against the file size.  The parsers accept
 * nothing they do not understand: an unknown VMDK create type, a VHD of
 * unknown type or a VHDX without the metadata we look for is refused with
 * a message rather than passed to qemu to interpret.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image.h"
#include "util.h"

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
  size_t done = 0;

  if (off > s->size || len > s->size - off)
    return -1;
  if (s->mem) {
    memcpy (buf, s->mem + off, len);
    return 0;
  }
  while (done < len) {
    ssize_t r = pread (s->fd, (char *) buf + done, len - done,
                       (off_t) (off + done));
    if (r == -1 && errno == EINTR)
      continue;
    if (r <= 0)
      return -1;
    done += (size_t) r;
  }
  return 0;
}

static uint32_t
be32 (const unsigned char *p)
{
  return ((uint32_t) p[0] << 24) | ((uint32_t) p[1] << 16)
    | ((uint32_t) p[2] << 8) | p[3];
}

static uint64_t
be64 (const unsigned char *p)
{
  return ((uint64_t) be32 (p) << 32) | be32 (p + 4);
}

static uint32_t
le32 (const unsigned char *p)
{
  return ((uint32_t) p[3] << 24) | ((uint32_t) p[2] << 16)
    | ((uint32_t) p[1] << 8) | p[0];
}

static uint64_t
le64 (const unsigned char *p)
{
  return ((uint64_t) le32 (p + 4) << 32) | le32 (p);
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

static int
truncated (char **errmsg, const char *what, uint64_t off)
{
  *errmsg = vs_xasprintf ("qcow2 image is truncated: its %s at offset %llu "
                          "lies past the end of the file", what,
                          (unsigned long long) off);
  return -1;
}

/* Every table and data cluster the image points to must be inside the
 * file: a truncated image would otherwise pass its header and fail (or
 * read as zeros) inside the appliance.  L2 tables beyond
 * QCOW2_MAX_L2_BYTES are not read. */
static int
check_qcow2_tables (const struct src *s, const unsigned char *h,
                    char **errmsg)
{
  uint32_t cluster_bits = be32 (h + 20), l1_size = be32 (h + 36);
  uint32_t rc_clusters = be32 (h + 56);
  uint64_t l1_off = be64 (h + 40), rc_off = be64 (h + 48), csize, i, j;
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
    return truncated (errmsg, "refcount table", rc_off);
  if (l1_size > (32U << 20) / 8) {
    *errmsg = vs_xasprintf ("qcow2 L1 table of %u entries is too large",
                            l1_size);
    return -1;
  }
  if (l1_size == 0)
    return 0;
  if (l1_off > s->size || (uint64_t) l1_size * 8 > s->size - l1_off)
    return truncated (errmsg, "L1 table", l1_off);
  l1 = vs_xmalloc ((size_t) l1_size * 8);
  l2 = vs_xmalloc ((size_t) csize);
  if (read_at (s, l1_off, l1, (size_t) l1_size * 8) == -1) {
    truncated (errmsg, "L1 table", l1_off);
    goto out;
  }
  for (i = 0; i < l1_size; i++) {
    uint64_t l2_off = be64 (l1 + 8 * i) & QCOW2_OFFSET_MASK;

    if (!l2_off)
      continue;
    if (l2_off > s->size || csize > s->size - l2_off) {
      truncated (errmsg, "L2 table", l2_off);
      goto out;
    }
    if (l2_read + csize > QCOW2_MAX_L2_BYTES)
      continue;
    l2_read += csize;
    if (read_at (s, l2_off, l2, (size_t) csize) == -1) {
      truncated (errmsg, "L2 table", l2_off);
      goto out;
    }
    for (j = 0; j < csize / 8; j++) {
      uint64_t e = be64 (l2 + 8 * j), off;

      if (e & QCOW2_COMPRESSED) {
        off = e & ((1ULL << (62 - (cluster_bits - 8))) - 1);
        if (off >= s->size) {
          truncated (errmsg, "compressed cluster", off);
          goto out;
        }
        continue;
      }
      off = e & QCOW2_OFFSET_MASK;
      if (off && (off > s->size || csize > s->size - off)) {
        truncated (errmsg, "data cluster", off);
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
  version = be32 (h + 4);
  if (version != 2 && version != 3) {
    *errmsg = vs_xasprintf ("qcow2 version %u is not supported", version);
    return -1;
  }
  backing_off = be64 (h + 8);
  backing_len = be32 (h + 16);
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
  if (be32 (h + 32) != 0) {
    *errmsg = vs_xstrdup ("qcow2 image is encrypted; not supported");
    return -1;
  }
  if (version == 3) {
    if (read_at (s, 0, h, 104) == -1) {
      *errmsg = vs_xstrdup ("qcow2 v3 header is truncated");
      return -1;
    }
    incompat = be64 (h + 72);
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
  img->virtual_size = be64 (h + 24);
  return 0;
}

/* Finds "key" at the start of a line in the descriptor text and copies
 * its value (without quotes) into out. */
static int
desc_value (const char *desc, const char *key, char *out, size_t outlen)
{
  const char *p = desc;
  size_t klen = strlen (key);

  while (p && *p) {
    while (*p == ' ' || *p == '\t')
      p++;
    if (strncmp (p, key, klen) == 0) {
      const char *v = p + klen, *end;
      size_t n;

      while (*v == ' ' || *v == '\t')
        v++;
      if (*v != '=')
        goto next;
      v++;
      while (*v == ' ' || *v == '\t')
        v++;
      if (*v == '"')
        v++;
      end = v;
      while (*end && *end != '"' && *end != '\n' && *end != '\r')
        end++;
      n = (size_t) (end - v);
      if (n >= outlen)
        n = outlen - 1;
      memcpy (out, v, n);
      out[n] = '\0';
      return 0;
    }
  next:
    p = strchr (p, '\n');
    if (p)
      p++;
  }
  return -1;
}

static int
check_vmdk (const struct src *s, struct vs_image *img, char **errmsg)
{
  unsigned char h[512];
  uint64_t desc_off, desc_len;
  CLEANUP_FREE char *desc = NULL;
  char value[256];
  const char *p;
  unsigned extents = 0;

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
  img->virtual_size = le64 (h + 12) * 512;
  desc_off = le64 (h + 28);
  desc_len = le64 (h + 36);
  if (desc_off == 0 || desc_len == 0 || desc_len > 2048) {
    *errmsg = vs_xstrdup ("VMDK has no embedded descriptor; not "
                          "supported");
    return -1;
  }
  desc = vs_xcalloc (1, desc_len * 512 + 1);
  if (desc_off > UINT64_MAX / 512
      || read_at (s, desc_off * 512, desc, desc_len * 512) == -1) {
    *errmsg = vs_xstrdup ("VMDK descriptor is truncated");
    return -1;
  }
  if (desc_value (desc, "createType", value, sizeof value) == -1
      || (strcmp (value, "monolithicSparse") != 0
          && strcmp (value, "streamOptimized") != 0)) {
    *errmsg = vs_xasprintf ("VMDK create type '%s' keeps data in other "
                            "files; only monolithicSparse and "
                            "streamOptimized are supported",
                            desc_value (desc, "createType", value,
                                        sizeof value) == 0 ? value : "?");
    return -1;
  }
  if (desc_value (desc, "parentFileNameHint", value, sizeof value) == 0) {
    CLEANUP_FREE char *shown = vs_printable (value, strlen (value));

    *errmsg = vs_xasprintf ("VMDK is a delta disk of parent '%s'; vmscan "
                            "does not open files an image names", shown);
    return -1;
  }
  if (desc_value (desc, "parentCID", value, sizeof value) == 0
      && strcasecmp (value, "ffffffff") != 0) {
    *errmsg = vs_xstrdup ("VMDK names a parent disk; vmscan does not "
                          "open files an image names");
    return -1;
  }
  /* Every extent line must be a sparse extent: the file itself. */
  for (p = desc; p && *p; p = strchr (p, '\n') ? strchr (p, '\n') + 1 : NULL) {
    while (*p == ' ' || *p == '\t')
      p++;
    if (strncmp (p, "RW ", 3) == 0 || strncmp (p, "RDONLY ", 7) == 0
        || strncmp (p, "NOACCESS ", 9) == 0) {
      const char *t = strchr (p, ' ');

      extents++;
      t = t ? strchr (t + 1, ' ') : NULL;
      if (!t || strncmp (t + 1, "SPARSE ", 7) != 0) {
        *errmsg = vs_xstrdup ("VMDK names an extent that is not its own "
                              "sparse data; vmscan does not open files an "
                              "image names");
        return -1;
      }
    }
  }
  if (extents != 1) {
    *errmsg = vs_xasprintf ("VMDK descriptor lists %u extents; a "
                            "single-file VMDK has one", extents);
    return -1;
  }
  return 0;
}

static int
vhd_footer_ok (const unsigned char *f)
{
  uint32_t sum = 0, want = be32 (f + 64);
  int i;

  for (i = 0; i < 512; i++)
    if (i < 64 || i >= 68)
      sum += f[i];
  return (uint32_t) ~sum == want;
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
  type = be32 (f + 60);
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
  img->virtual_size = be64 (f + 48);
  if (type == 3) {
    unsigned char dh[1024];
    uint64_t dyn = be64 (f + 16);

    if (read_at (s, dyn, dh, sizeof dh) == -1
        || memcmp (dh, "cxsparse", 8) != 0) {
      *errmsg = vs_xstrdup ("dynamic VHD header is missing or truncated");
      return -1;
    }
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

static int
check_vhdx (const struct src *s, struct vs_image *img, char **errmsg)
{
  unsigned char rt[16 + 32 * 64], mt[32 + 32 * 2047];
  uint32_t nregions, nentries, i;
  uint64_t meta_off = 0;
  int have_params = 0;

  if (read_at (s, 192 * 1024, rt, 16) == -1
      || memcmp (rt, "regi", 4) != 0) {
    *errmsg = vs_xstrdup ("VHDX region table is missing (truncated or "
                          "corrupt image)");
    return -1;
  }
  nregions = le32 (rt + 8);
  if (nregions > 64
      || read_at (s, 192 * 1024, rt, 16 + 32 * nregions) == -1) {
    *errmsg = vs_xstrdup ("VHDX region table is corrupt");
    return -1;
  }
  for (i = 0; i < nregions; i++) {
    const unsigned char *e = rt + 16 + 32 * i;

    if (memcmp (e, vhdx_metadata_region, 16) == 0)
      meta_off = le64 (e + 16);
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
    uint32_t off = le32 (e + 16), len = le32 (e + 20);
    unsigned char v[8];

    if (memcmp (e, vhdx_file_parameters, 16) == 0) {
      if (len < 8 || read_at (s, meta_off + off, v, 8) == -1) {
        *errmsg = vs_xstrdup ("VHDX file parameters are corrupt");
        return -1;
      }
      have_params = 1;
      if (le32 (v + 4) & 2) {
        *errmsg = vs_xstrdup ("differencing VHDX: its data depends on a "
                              "parent image in another file; vmscan does "
                              "not open files an image names");
        return -1;
      }
    }
    else if (memcmp (e, vhdx_virtual_disk_size, 16) == 0) {
      if (len >= 8 && read_at (s, meta_off + off, v, 8) == 0)
        img->virtual_size = le64 (v);
    }
  }
  if (!have_params) {
    *errmsg = vs_xstrdup ("VHDX has no file parameters metadata");
    return -1;
  }
  return 0;
}

/* Recognises formats we refuse outright, and compressed files. */
static const char *
refused_kind (const unsigned char *h, size_t n)
{
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
  return NULL;
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
  struct stat sb;
  struct src s = { -1, NULL, 0 };
  int r;

  memset (img, 0, sizeof *img);
  s.fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (s.fd == -1) {
    *errmsg = vs_xasprintf ("%s: %s", path, strerror (errno));
    return -1;
  }
  if (fstat (s.fd, &sb) == -1) {
    *errmsg = vs_xasprintf ("%s: %s", path, strerror (errno));
    close (s.fd);
    return -1;
  }
  if (S_ISDIR (sb.st_mode)) {
    *errmsg = vs_xasprintf ("%s: is a directory, not a disk image", path);
    close (s.fd);
    return -1;
  }
  if (!S_ISREG (sb.st_mode)) {
    *errmsg = vs_xasprintf ("%s: not a regular file", path);
    close (s.fd);
    return -1;
  }
  s.size = (uint64_t) sb.st_size;
  r = probe (&s, user_format, img, errmsg);
  close (s.fd);
  if (r == -1) {
    char *m = vs_xasprintf ("%s: %s", path, *errmsg);

    free (*errmsg);
    *errmsg = m;
    return -1;
  }
  img->path = vs_xstrdup (path);
  return 0;
}

int
vs_image_probe_buffer (const void *buf, size_t len, const char *user_format,
                       struct vs_image *img, char **errmsg)
{
  struct src s = { -1, buf, len };

  memset (img, 0, sizeof *img);
  return probe (&s, user_format, img, errmsg);
}

void
vs_image_clear (struct vs_image *img)
{
  free (img->path);
  img->path = NULL;
}
