/* SPDX-License-Identifier: BSD-3-Clause */
/* libFuzzer target: sshd_config lines, authorized_keys lines, their
 * options and key fingerprints (parse/ssh.c). */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>

#include "parse/ssh.h"
#include "parse/text.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *d = (const char *) data;
  struct vs_line l = { NULL, 0, 0 };
  size_t pos = 0;

  while (vs_line_next (d, size, &pos, &l)) {
    struct vs_authkey k;
    const char *key, *val, *w, *p, *end;
    size_t kl, vl, wl;
    char fp[VS_SSH_FP_LEN], type[65];

    if (vs_sshd_parse (l.p, l.len, &key, &kl, &val, &vl)) {
      p = val;
      end = val + vl;
      while (vs_next_word (&p, end, &w, &wl))
        ;
    }
    if (vs_authkey_parse (l.p, l.len, &k) == 1) {
      (void) vs_ssh_fingerprint (k.blob, k.blob_len, fp, type);
      if (k.options) {
        (void) vs_authkey_option (k.options, k.options_len, "command", &w,
                                  &wl);
        (void) vs_authkey_option (k.options, k.options_len, "from", &w, &wl);
      }
    }
  }
  return 0;
}
