/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: find operating systems from their own files (see osdetect.h). */
#include <config.h>

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "base/bytes.h"
#include "core/guest.h"
#include "core/osdetect.h"
#include "parse/text.h"
#include "base/util.h"

#define OS_RELEASE_MAX (64 * 1024)
#define FSTAB_MAX (256 * 1024)
#define FIELD_MAX 256

/* A value of an os-release line: quotes removed, the shell escapes \" \\
 * \$ \` undone, at most FIELD_MAX bytes. */
static char *
release_value (const char *v, size_t len)
{
  struct vs_buf b = VS_BUF_INIT;
  char quote = 0;
  size_t i;

  if (len >= 1 && (v[0] == '"' || v[0] == '\'')) {
    quote = v[0];
    v++;
    len--;
    if (len >= 1 && v[len - 1] == quote)
      len--;
  }
  for (i = 0; i < len && b.len < FIELD_MAX; i++) {
    if (quote == '"' && v[i] == '\\' && i + 1 < len
        && strchr ("\"\\$`", v[i + 1]))
      i++;
    vs_buf_addc (&b, v[i]);
  }
  return vs_buf_detach (&b, NULL);
}

static void
set_field (char **field, char *value)
{
  free (*field);
  *field = value && *value ? value : NULL;
  if (!*field)
    free (value);
}

void
vs_os_release_parse (const char *data, size_t len, struct vs_os *os,
                     int *is_linux)
{
  size_t pos = 0;
  struct vs_line l;
  char *name = NULL, *version_id = NULL, *pretty = NULL;

  *is_linux = 1;
  memset (&l, 0, sizeof l);
  while (vs_line_next (data, len, &pos, &l)) {
    const char *p = l.p, *eq;
    size_t n = l.len, kl;

    vs_trim (&p, &n);
    if (vs_line_is_comment (p, n) || !(eq = memchr (p, '=', n)))
      continue;
    kl = (size_t) (eq - p);
    eq++;
    n -= kl + 1;
    if (vs_key_is (p, kl, "ID")) {
      char *id = release_value (eq, n), *c;

      for (c = id; *c; c++)
        *c = (char) tolower ((unsigned char) *c);
      set_field (&os->distro, id);
    }
    else if (vs_key_is (p, kl, "PRETTY_NAME"))
      set_field (&pretty, release_value (eq, n));
    else if (vs_key_is (p, kl, "NAME"))
      set_field (&name, release_value (eq, n));
    else if (vs_key_is (p, kl, "VERSION_ID"))
      set_field (&version_id, release_value (eq, n));
  }
  if (pretty || name) {
    set_field (&os->product_name, pretty ? pretty : name);
    if (pretty)
      free (name);
  }
  if (version_id) {
    char *end;
    long major = strtol (version_id, &end, 10), minor = 0;

    if (end != version_id && major >= 0 && major < 100000) {
      if (*end == '.') {
        minor = strtol (end + 1, NULL, 10);
        if (minor < 0 || minor >= 100000)
          minor = 0;
      }
      os->major = (int) major;
      os->minor = (int) minor;
    }
    free (version_id);
  }
  if (os->distro
      && (strcmp (os->distro, "freebsd") == 0
          || strcmp (os->distro, "netbsd") == 0
          || strcmp (os->distro, "openbsd") == 0
          || strcmp (os->distro, "dragonfly") == 0))
    *is_linux = 0;
}

/* The disk a device is on: "/dev/sda" for "/dev/sda3"; NULL for what
 * is not a partition or disk name (a logical volume). */
static char *
disk_of (const char *dev)
{
  size_t n = strlen (dev);

  if (strncmp (dev, "/dev/sd", 7) != 0 || n < 8)
    return NULL;
  while (n > 8 && isdigit ((unsigned char) dev[n - 1]))
    n--;
  return vs_xstrndup (dev, n);
}

/* The appliance's name for a guest device name: the appliance calls
 * every disk sdX, in order, whatever the guest's driver called it. */
static char *
appliance_device (const char *spec)
{
  static const char *const prefixes[] = { "/dev/vd", "/dev/xvd", "/dev/hd",
                                          "/dev/sd" };
  size_t i;

  for (i = 0; i < VS_ARRAY_SIZE (prefixes); i++) {
    size_t pl = strlen (prefixes[i]);

    if (strncmp (spec, prefixes[i], pl) == 0 && spec[pl] >= 'a'
        && spec[pl] <= 'z')
      return vs_xasprintf ("/dev/sd%s", spec + pl);
  }
  if (strncmp (spec, "/dev/nvme", 9) == 0) {
    char *end;
    long ctrl = strtol (spec + 9, &end, 10);

    if (end != spec + 9 && ctrl >= 0 && ctrl < 26
        && strncmp (end, "n1", 2) == 0) {
      end += 2;
      if (*end == 'p')
        end++;
      return vs_xasprintf ("/dev/sd%c%s", (char) ('a' + ctrl), end);
    }
  }
  if (strncmp (spec, "/dev/mapper/", 12) == 0) {
    /* VG-LV, with each '-' inside a name doubled. */
    struct vs_buf b = VS_BUF_INIT;
    const char *p = spec + 12;
    int split = 0;

    vs_buf_adds (&b, "/dev/");
    for (; *p; p++) {
      if (*p == '-' && p[1] == '-') {
        vs_buf_addc (&b, '-');
        p++;
      }
      else if (*p == '-' && !split) {
        vs_buf_addc (&b, '/');
        split = 1;
      }
      else
        vs_buf_addc (&b, *p);
    }
    return vs_buf_detach (&b, NULL);
  }
  return vs_xstrdup (spec);
}

int
vs_fstab_match (const struct vs_fs *fss, size_t nfs, size_t root,
                const char *spec)
{
  CLEANUP_FREE char *dev = NULL;
  CLEANUP_FREE char *root_disk = root < nfs ? disk_of (fss[root].device)
    : NULL;
  const char *uuid = NULL, *label = NULL;
  int found = -1, found_on_root = -1, count = 0, count_on_root = 0;
  size_t i;

  if (strncmp (spec, "UUID=", 5) == 0)
    uuid = spec + 5;
  else if (strncmp (spec, "/dev/disk/by-uuid/", 18) == 0)
    uuid = spec + 18;
  else if (strncmp (spec, "LABEL=", 6) == 0)
    label = spec + 6;
  else if (strncmp (spec, "/dev/disk/by-label/", 19) == 0)
    label = spec + 19;
  else if (strncmp (spec, "/dev/", 5) == 0)
    dev = appliance_device (spec);
  else
    return -1;
  if ((uuid && !*uuid) || (label && !*label))
    return -1;

  for (i = 0; i < nfs; i++) {
    const struct vs_fs *fs = &fss[i];
    int hit;

    if (uuid)
      hit = fs->uuid && strcasecmp (fs->uuid, uuid) == 0;
    else if (label)
      hit = fs->label && strcmp (fs->label, label) == 0;
    else
      hit = strcmp (fs->device, dev) == 0;
    if (!hit)
      continue;
    count++;
    found = (int) i;
    if (root_disk) {
      CLEANUP_FREE char *d = disk_of (fs->device);

      if (d && strcmp (d, root_disk) == 0) {
        count_on_root++;
        found_on_root = (int) i;
      }
    }
  }
  if (count == 1)
    return found;
  if (count_on_root == 1)
    return found_on_root;
  return -1;
}

/* An fstab field with its \ooo escapes undone, or NULL if it holds a
 * NUL byte. */
static char *
fstab_field (const char *w, size_t len)
{
  struct vs_buf b = VS_BUF_INIT;
  size_t i;
  char *out;

  for (i = 0; i < len; i++) {
    if (w[i] == '\\' && i + 3 < len && w[i + 1] >= '0' && w[i + 1] <= '3'
        && w[i + 2] >= '0' && w[i + 2] <= '7'
        && w[i + 3] >= '0' && w[i + 3] <= '7') {
      vs_buf_addc (&b, (char) (((w[i + 1] - '0') << 6)
                               | ((w[i + 2] - '0') << 3) | (w[i + 3] - '0')));
      i += 3;
    }
    else
      vs_buf_addc (&b, w[i]);
  }
  out = vs_buf_detach (&b, &len);
  if (strlen (out) != len) {
    free (out);
    return NULL;
  }
  return out;
}

/* Whether an fstab mount point is one vmscan will use: absolute, not
 * "/", no "." or ".." component, no control character.  Trailing
 * slashes are removed in place. */
static int
mountpoint_ok (char *mp)
{
  size_t n = strlen (mp);
  const char *p;

  while (n > 1 && mp[n - 1] == '/')
    mp[--n] = '\0';
  if (mp[0] != '/' || n < 2 || n > 1024)
    return 0;
  for (p = mp; *p; p++)
    if ((unsigned char) *p < 0x20 || *p == 0x7f)
      return 0;
  for (p = mp; p; p = strchr (p + 1, '/')) {
    if (strncmp (p, "/./", 3) == 0 || strcmp (p, "/.") == 0
        || strncmp (p, "/../", 4) == 0 || strcmp (p, "/..") == 0
        || strncmp (p, "//", 2) == 0)
      return 0;
  }
  return 1;
}

size_t
vs_fstab_entries (const char *data, size_t len, char ***pairs)
{
  size_t pos = 0, n = 0;
  struct vs_line l;

  *pairs = vs_xcalloc (1, sizeof **pairs);
  memset (&l, 0, sizeof l);
  while (vs_line_next (data, len, &pos, &l) && n < VS_FSTAB_MAX_ENTRIES) {
    const char *p = l.p, *end = l.p + l.len, *w1, *w2;
    size_t n1, n2;
    char *spec, *mp;

    if (vs_line_is_comment (l.p, l.len)
        || !vs_next_word (&p, end, &w1, &n1)
        || !vs_next_word (&p, end, &w2, &n2) || !n1 || !n2)
      continue;
    spec = fstab_field (w1, n1);
    mp = fstab_field (w2, n2);
    if (!spec || !mp || !mountpoint_ok (mp)) {
      free (spec);
      free (mp);
      continue;
    }
    *pairs = vs_xrealloc (*pairs, (2 * n + 3) * sizeof **pairs);
    (*pairs)[2 * n] = spec;
    (*pairs)[2 * n + 1] = mp;
    (*pairs)[2 * n + 2] = NULL;
    n++;
  }
  return n;
}

/* Gives the OS os_index the filesystems its fstab mounts, and adds them
 * to its guest view. */
static void
apply_fstab (struct vs_guest *g, const char *host_root, struct vs_fs *fss,
             size_t nfs, size_t root, int os_index)
{
  CLEANUP_FREE char *data = NULL;
  char **pairs;
  size_t len, n, i;

  if (vs_guest_read (g, "/etc/fstab", FSTAB_MAX, 1, &data, &len) == -1)
    return;
  n = vs_fstab_entries (data, len, &pairs);
  for (i = 0; i < n; i++) {
    const char *spec = pairs[2 * i], *mp = pairs[2 * i + 1];
    int k = vs_fstab_match (fss, nfs, root, spec);

    if (k < 0 || (size_t) k == root || fss[k].os_index >= 0
        || !vs_fs_readable (&fss[k]) || (!fss[k].src && !fss[k].walk_root))
      continue;
    fss[k].os_index = os_index;
    fss[k].os_mountpoint = vs_xstrdup (mp);
    vs_guest_add_fs (g, mp, host_root, &fss[k]);
  }
  for (i = 0; i < 2 * n; i++)
    free (pairs[i]);
  free (pairs);
}

/* The architecture an ELF header names. */
static const char *
elf_arch (const unsigned char *h, size_t n)
{
  unsigned machine;
  int is64, le;

  if (n < 20 || memcmp (h, "\177ELF", 4) != 0)
    return NULL;
  is64 = h[4] == 2;
  le = h[5] == 1;
  machine = le ? vs_le16 (h + 18) : (unsigned) (h[18] << 8 | h[19]);
  switch (machine) {
  case 3: return "i386";
  case 0x3e: return "x86_64";
  case 0x28: return "armv7l";
  case 0xb7: return "aarch64";
  case 0xf3: return is64 ? "riscv64" : "riscv32";
  case 0x14: return "ppc";
  case 0x15: return le ? "ppc64le" : "ppc64";
  case 0x16: return "s390x";
  case 0x08: return is64 ? "mips64" : "mips";
  default: return NULL;
  }
}

static char *
guess_arch (struct vs_guest *g)
{
  static const char *const bins[] = { "/bin/sh", "/usr/bin/sh", "/bin/ls",
                                      "/usr/bin/ls", "/bin/busybox" };
  size_t i;

  for (i = 0; i < VS_ARRAY_SIZE (bins); i++) {
    CLEANUP_FREE char *data = NULL;
    size_t len;
    const char *arch;

    if (vs_guest_read (g, bins[i], 64, 1, &data, &len) == 0
        && (arch = elf_arch ((const unsigned char *) data, len)) != NULL)
      return vs_xstrdup (arch);
  }
  return NULL;
}

/* The first line of /etc/hostname, if it is a plausible host name. */
static char *
read_hostname (struct vs_guest *g)
{
  CLEANUP_FREE char *data = NULL;
  size_t len, i;
  const char *p;

  if (vs_guest_read (g, "/etc/hostname", 4096, 1, &data, &len) == -1)
    return NULL;
  p = data;
  vs_trim (&p, &len);
  for (i = 0; i < len && p[i] != '\n'; i++)
    if (!isalnum ((unsigned char) p[i]) && p[i] != '-' && p[i] != '.'
        && p[i] != '_')
      return NULL;
  return i > 0 && i <= FIELD_MAX ? vs_xstrndup (p, i) : NULL;
}

static int
exists (struct vs_guest *g, const char *path, mode_t type)
{
  struct stat st;

  return vs_guest_stat (g, path, 1, &st) == 0
    && (type == 0 || (st.st_mode & S_IFMT) == type);
}

size_t
vs_os_detect (const char *host_root, struct vs_fs *fss, size_t nfs,
              struct vs_os **oses, size_t *nos)
{
  size_t i, added = 0;

  for (i = 0; i < nfs; i++) {
    struct vs_fs *fs = &fss[i];
    struct vs_guest *g;
    struct vs_os *os;
    CLEANUP_FREE char *release = NULL;
    size_t len;
    struct stat st;
    int has_release, is_linux = 1;

    if (!vs_fs_readable (fs) || fs->os_index >= 0
        || (!fs->src && !fs->walk_root))
      continue;
    g = vs_guest_new ();
    vs_guest_add_fs (g, "/", host_root, fs);
    /* A root: an os-release, or a passwd file with a shadow file or an
     * os-release link (into a /usr not yet in place) beside it. */
    has_release = exists (g, "/etc/os-release", S_IFREG)
      || exists (g, "/usr/lib/os-release", S_IFREG);
    if (!has_release
        && !(exists (g, "/etc/passwd", S_IFREG)
             && (exists (g, "/etc/shadow", S_IFREG)
                 || vs_guest_stat (g, "/etc/os-release", 0, &st) == 0))) {
      vs_guest_free (g);
      continue;
    }

    *oses = vs_xrealloc (*oses, (*nos + 1) * sizeof **oses);
    os = &(*oses)[*nos];
    memset (os, 0, sizeof *os);
    os->root = vs_xstrdup (fs->device);
    fs->os_index = (int) *nos;
    free (fs->os_mountpoint);
    fs->os_mountpoint = vs_xstrdup ("/");
    apply_fstab (g, host_root, fss, nfs, i, fs->os_index);

    /* Read with every filesystem in place: /etc/os-release is often a
     * link into /usr, which may be a filesystem of its own. */
    if (vs_guest_read (g, "/etc/os-release", OS_RELEASE_MAX, 1, &release,
                       &len) == 0
        || vs_guest_read (g, "/usr/lib/os-release", OS_RELEASE_MAX, 1,
                          &release, &len) == 0)
      vs_os_release_parse (release, len, os, &is_linux);
    os->type = vs_xstrdup (is_linux ? "linux" : os->distro);
    os->hostname = read_hostname (g);
    os->arch = guess_arch (g);
    if (exists (g, "/var/lib/dpkg/status", S_IFREG)) {
      os->package_format = vs_xstrdup ("deb");
      os->package_management = vs_xstrdup ("apt");
    }
    else if (exists (g, "/var/lib/rpm", S_IFDIR)
             || exists (g, "/usr/lib/sysimage/rpm", S_IFDIR))
      os->package_format = vs_xstrdup ("rpm");
    vs_guest_free (g);
    (*nos)++;
    added++;
  }
  return added;
}
