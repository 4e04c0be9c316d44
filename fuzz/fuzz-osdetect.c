/* SPDX-License-Identifier: BSD-3-Clause */
/* libFuzzer target: the os-release and fstab readers of the OS fallback
 * (osdetect.c).  The input is taken as both files; every fstab device
 * spec is matched against a fixed set of filesystems. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/osdetect.h"
#include "core/source.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* The guest view links against the host readers (core/source.h), which
 * this target does not use: it has no filesystem read on the host, only
 * parsers.  Stubs keep the sandboxed readers and their libraries out of
 * the fuzzing build. */
uint64_t
vs_source_root (const struct vs_source *s)
{
  (void) s;
  return 0;
}

int
vs_source_lookup (struct vs_source *s, uint64_t dir, const char *name,
                  size_t len, uint64_t *ino)
{
  (void) s, (void) dir, (void) name, (void) len, (void) ino;
  abort ();
}

int
vs_source_stat (struct vs_source *s, uint64_t ino, struct stat *st)
{
  (void) s, (void) ino, (void) st;
  abort ();
}

int
vs_source_readlink (struct vs_source *s, uint64_t ino, char **target,
                    size_t *len)
{
  (void) s, (void) ino, (void) target, (void) len;
  abort ();
}

int
vs_source_read (struct vs_source *s, uint64_t ino, uint64_t off, void *buf,
                size_t len, size_t *got)
{
  (void) s, (void) ino, (void) off, (void) buf, (void) len, (void) got;
  abort ();
}

int
vs_source_readdir (struct vs_source *s, uint64_t dir, vs_hostfs_dirent_fn *fn,
                   void *opaque)
{
  (void) s, (void) dir, (void) fn, (void) opaque;
  abort ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct vs_fs fss[4];
  struct vs_os os;
  char **pairs;
  size_t n, i;
  int is_linux;

  memset (&os, 0, sizeof os);
  vs_os_release_parse ((const char *) data, size, &os, &is_linux);
  if (os.major < 0 || os.minor < 0)
    abort ();
  free (os.distro);
  free (os.product_name);

  memset (fss, 0, sizeof fss);
  fss[0].device = (char *) "/dev/sda1";
  fss[0].uuid = (char *) "1111-2222";
  fss[1].device = (char *) "/dev/sda2";
  fss[1].label = (char *) "boot";
  fss[2].device = (char *) "/dev/sdb1";
  fss[2].label = (char *) "boot";
  fss[3].device = (char *) "/dev/vg/lv";
  n = vs_fstab_entries ((const char *) data, size, &pairs);
  for (i = 0; i < n; i++) {
    int k = vs_fstab_match (fss, 4, 0, pairs[2 * i]);

    if (k < -1 || k >= 4 || pairs[2 * i + 1][0] != '/')
      abort ();
    free (pairs[2 * i]);
    free (pairs[2 * i + 1]);
  }
  if (pairs[2 * n] != NULL)
    abort ();
  free (pairs);
  return 0;
}
