/* SPDX-License-Identifier: BSD-3-Clause */
/* libFuzzer target: the os-release and fstab readers of the OS fallback
 * (osdetect.c).  The input is taken as both files; every fstab device
 * spec is matched against a fixed set of filesystems. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/osdetect.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

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
