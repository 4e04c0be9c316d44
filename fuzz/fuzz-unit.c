/* SPDX-License-Identifier: BSD-3-Clause */
/* libFuzzer target: ini-style files (systemd units, .desktop), udev
 * rule lines and PAM lines (parse/ini.c, parse/udev.c, parse/pam.c). */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>

#include "parse/ini.h"
#include "parse/pam.h"
#include "parse/shellcmd.h"
#include "parse/text.h"
#include "parse/udev.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *d = (const char *) data;
  struct vs_ini ini;
  struct vs_ini_item it;
  struct vs_line l = { NULL, 0, 0 };
  size_t pos = 0;

  vs_ini_init (&ini, d, size);
  while (vs_ini_next (&ini, &it))
    (void) vs_cmd_suspicion (it.value, it.value_len);
  while (vs_line_next (d, size, &pos, &l)) {
    struct vs_udev_prog p[8];
    struct vs_pam_line pl;
    size_t n = vs_udev_programs (l.p, l.len, p, 8), i;

    for (i = 0; i < n; i++)
      (void) vs_cmd_suspicion (p[i].value, p[i].value_len);
    (void) vs_pam_parse (l.p, l.len, l.no & 1, &pl);
  }
  return 0;
}
