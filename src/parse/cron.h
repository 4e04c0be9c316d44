/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: crontab and anacrontab lines.
 *
 * Pure text in, pointers out, like every parser here: an explicit
 * length, never a read past it, pointers into the caller's buffer.
 */
#ifndef VS_PARSE_CRON_H
#define VS_PARSE_CRON_H

#include <stddef.h>

enum vs_cron_kind {
  VS_CRON_NONE,                 /* blank or comment */
  VS_CRON_ENV,                  /* NAME=value */
  VS_CRON_JOB,
  VS_CRON_BAD,
};

struct vs_cron_line {
  const char *when;             /* "@reboot" or the five time fields */
  size_t when_len;
  const char *user;             /* system crontabs, NULL otherwise */
  size_t user_len;
  const char *cmd;
  size_t cmd_len;
  int reboot;                   /* @reboot */
};

/* Parses one crontab line; system: the line has a user field
 * (/etc/crontab, /etc/cron.d). */
enum vs_cron_kind vs_cron_parse (const char *line, size_t len, int system,
                                 struct vs_cron_line *out);

/* Parses one anacrontab line (period delay job-id command); the period
 * and delay go in when, the job id in user. */
enum vs_cron_kind vs_anacron_parse (const char *line, size_t len,
                                    struct vs_cron_line *out);

#endif /* VS_PARSE_CRON_H */
