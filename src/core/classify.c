/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: file type by content (libmagic).
 *
 * Both cookies are opened with the flags "file" uses by default (plus
 * MAGIC_SYMLINK, only to see through our own /proc/self/fd link), so that
 * the description matches what "file -b" prints for the same file.
 * Compressed files are not looked into (no MAGIC_COMPRESS), symlinks are
 * never followed (we only ever hand over an open regular file).
 */
#include <config.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <magic.h>

#include "core/classify.h"
#include "base/util.h"

struct vs_classifier {
  magic_t desc;
  magic_t mime;
};

static int
open_cookie (int flags, magic_t *out, char **errmsg)
{
  magic_t m = magic_open (flags);

  if (!m) {
    *errmsg = vs_xstrdup ("libmagic: cannot allocate a cookie");
    return -1;
  }
  if (magic_load (m, NULL) == -1) {
    *errmsg = vs_xasprintf ("libmagic: cannot load the magic database: %s",
                            magic_error (m) ? magic_error (m) : "unknown");
    magic_close (m);
    return -1;
  }
  *out = m;
  return 0;
}

int
vs_classifier_new (struct vs_classifier **out, char **errmsg)
{
  struct vs_classifier *c = vs_xcalloc (1, sizeof *c);

  if (open_cookie (MAGIC_SYMLINK, &c->desc, errmsg) == -1
      || open_cookie (MAGIC_MIME | MAGIC_SYMLINK, &c->mime, errmsg) == -1) {
    vs_classifier_free (c);
    return -1;
  }
  *out = c;
  return 0;
}

void
vs_classifier_free (struct vs_classifier *c)
{
  if (!c)
    return;
  if (c->desc)
    magic_close (c->desc);
  if (c->mime)
    magic_close (c->mime);
  free (c);
}

static int
result (magic_t m, const char *r, char **out, char **errmsg)
{
  if (!r) {
    const char *e = magic_error (m);

    *errmsg = vs_xasprintf ("libmagic: %s", e ? e : "unknown error");
    return -1;
  }
  *out = vs_xstrdup (r);
  return 0;
}

int
vs_classify_fd (struct vs_classifier *c, int fd, const struct stat *st,
                char **desc, char **mime, char **errmsg)
{
  CLEANUP_FREE char *d = NULL;
  char path[64];

  /* "file" looks at the mode and size before the bytes: it prefixes
   * "setuid", "setgid", "sticky" and calls an empty file "empty" with
   * MIME type inode/x-empty.  libmagic does that only when it is given a
   * name, so for those files it gets one: our own descriptor's link in
   * /proc/self/fd, which is the very file we opened, not a guest path.
   * Every other file is read through the descriptor, which saves a second
   * open. */
  if (st->st_size == 0 || (st->st_mode & (S_ISUID | S_ISGID | S_ISVTX))) {
    snprintf (path, sizeof path, "/proc/self/fd/%d", fd);
    if (result (c->desc, magic_file (c->desc, path), &d, errmsg) == -1)
      return -1;
    if (result (c->mime, magic_file (c->mime, path), mime, errmsg) == -1)
      return -1;
  }
  else {
    if (lseek (fd, 0, SEEK_SET) == -1
        || result (c->desc, magic_descriptor (c->desc, fd), &d,
                   errmsg) == -1)
      return -1;
    if (lseek (fd, 0, SEEK_SET) == -1
        || result (c->mime, magic_descriptor (c->mime, fd), mime,
                   errmsg) == -1)
      return -1;
  }
  *desc = d;
  d = NULL;
  return 0;
}

const char *
vs_classify_version (void)
{
  static char v[16];

  if (!v[0]) {
    int n = magic_version ();

    snprintf (v, sizeof v, "%d.%02d", n / 100, n % 100);
  }
  return v;
}

const char *
vs_classify_short_type (const char *desc)
{
  static const struct {
    const char *prefix;
    const char *type;
  } map[] = {
    { "ELF ", "ELF" },
    { "setuid ELF ", "ELF" },
    { "setgid ELF ", "ELF" },
    { "setuid, setgid ELF ", "ELF" },
    { "PE32", "EXE" },
    { "MS-DOS executable", "EXE" },
    { "Mach-O", "MACHO" },
    { "Zip archive", "ZIP" },
    { "Java archive", "JAVA" },
    { "compiled Java class", "JAVA" },
    { "PDF document", "PDF" },
    { "gzip compressed", "GZIP" },
    { "XZ compressed", "XZ" },
    { "bzip2 compressed", "BZIP2" },
    { "POSIX tar archive", "TAR" },
    { "RAR archive", "RAR" },
    { "7-zip archive", "7Z" },
    { "PNG image", "PNG" },
    { "GIF image", "GIF" },
    { "JPEG image", "JPEG" },
    { "PHP script", "PHP" },
    { "Python script", "PYTHON" },
    { "Perl script", "PERL" },
    { "POSIX shell script", "SCRIPT" },
    { "Bourne-Again shell script", "SCRIPT" },
    { "a /", "SCRIPT" },
    { "HTML document", "HTML" },
    { "JSON", "JSON" },
    { "Debian binary package", "DEB" },
    { "RPM ", "RPM" },
  };
  size_t i;

  if (!desc)
    return "";
  for (i = 0; i < VS_ARRAY_SIZE (map); i++)
    if (strncmp (desc, map[i].prefix, strlen (map[i].prefix)) == 0)
      return map[i].type;
  if (strstr (desc, "text"))
    return "TEXT";
  return "";
}
