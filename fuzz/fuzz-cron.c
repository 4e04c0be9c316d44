/* SPDX-License-Identifier: BSD-3-Clause */
/* libFuzzer target: crontab and anacrontab lines, and the command
 * suspicion heuristic (parse/cron.c, parse/shellcmd.c). */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>

#include "parse/cron.h"
#include "parse/passwd.h"
#include "parse/shellcmd.h"
#include "parse/text.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *d = (const char *) data;
  struct vs_line l = { NULL, 0, 0 };
  size_t pos = 0;

  while (vs_line_next (d, size, &pos, &l)) {
    struct vs_cron_line c;

    if (vs_cron_parse (l.p, l.len, l.no & 1, &c) == VS_CRON_JOB)
      (void) vs_cmd_suspicion (c.cmd, c.cmd_len);
    (void) vs_anacron_parse (l.p, l.len, &c);
    (void) vs_is_login_shell (l.p, l.len);
  }
  (void) vs_cmd_suspicion (d, size);
  return 0;
}
