/* SPDX-License-Identifier: BSD-3-Clause */
/* libFuzzer target: the kernel configuration parsers: modprobe.d
 * logical lines and commands, module lists, shell assignments of
 * /etc/default/grub, grub.cfg linux lines, loader entry options and
 * kernel parameters (parse/kmod.c, parse/bootcfg.c). */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>

#include "parse/bootcfg.h"
#include "parse/kmod.h"
#include "parse/shellcmd.h"
#include "parse/text.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
params (const char *p, size_t len)
{
  const char *end = p + len;
  struct vs_kparam kp;

  while (vs_kparam_next (&p, end, &kp))
    if (kp.value)
      (void) vs_cmd_suspicion (kp.value, kp.value_len);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *d = (const char *) data;
  struct vs_buf b = VS_BUF_INIT;
  struct vs_line l = { NULL, 0, 0 };
  struct vs_sh_assign a;
  size_t pos = 0;
  unsigned lines = 0, first;

  while (vs_kmod_next_line (d, size, &pos, &b, &lines, &first)) {
    struct vs_kmod_cmd c;

    if (vs_kmod_parse (b.data, b.len, &c) == VS_KMOD_INSTALL)
      (void) vs_cmd_suspicion (c.rest, c.rest_len);
    (void) vs_kmod_name_eq (c.module, c.module_len, c.rest, c.rest_len);
  }
  pos = 0;
  while (vs_line_next (d, size, &pos, &l)) {
    const char *n, *args;
    size_t nl, al;

    if (vs_kmod_list_entry (l.p, l.len, &n, &nl, &args, &al))
      (void) vs_kmod_file_module (n, nl);
    if (vs_grubcfg_linux (l.p, l.len, &args, &al))
      params (args, al);
    if (vs_bls_options (l.p, l.len, &args, &al))
      params (args, al);
  }
  pos = lines = 0;
  while (vs_sh_next_assign (d, size, &pos, &lines, &a, &b))
    params (b.data, b.len);
  params (d, size);
  vs_buf_release (&b);
  return 0;
}
