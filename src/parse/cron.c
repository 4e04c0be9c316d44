/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: crontab and anacrontab lines (see cron.h). */
#include <config.h>

#include <string.h>

#include "base/ascii.h"
#include "base/util.h"
#include "parse/cron.h"
#include "parse/text.h"

/* Whether the line is NAME=value (blanks allowed around '='). */
static int
is_env (const char *p, size_t len)
{
  size_t i = 0;

  if (len == 0 || !(vs_ascii_alpha (p[0]) || p[0] == '_'))
    return 0;
  while (i < len && (vs_ascii_alnum (p[i]) || p[i] == '_'))
    i++;
  while (i < len && vs_is_blank (p[i]))
    i++;
  return i < len && p[i] == '=';
}

static int
time_field_ok (const char *w, size_t wl)
{
  size_t i;

  if (wl == 0 || wl > 128)
    return 0;
  for (i = 0; i < wl; i++)
    if (!vs_ascii_alnum (w[i]) && !strchr ("*,-/?~", w[i]))
      return 0;
  return 1;
}

/* Trims the line and gives the kind of a blank, comment or NAME=value
 * line; VS_CRON_JOB for a line to parse on. */
static enum vs_cron_kind
line_kind (const char **line, size_t *len)
{
  if (!vs_line_content (line, len))
    return VS_CRON_NONE;
  if (is_env (*line, *len))
    return VS_CRON_ENV;
  return VS_CRON_JOB;
}

/* What follows the schedule in [p, end): a user field (the job id of
 * an anacrontab) if user, then the command, which may not be empty. */
static enum vs_cron_kind
user_and_cmd (const char *p, const char *end, int user,
              struct vs_cron_line *out)
{
  const char *w;
  size_t wl;

  if (user) {
    if (!vs_next_word (&p, end, &w, &wl))
      return VS_CRON_BAD;
    out->user = w;
    out->user_len = wl;
  }
  while (p < end && vs_is_blank (*p))
    p++;
  if (p >= end)
    return VS_CRON_BAD;
  out->cmd = p;
  out->cmd_len = (size_t) (end - p);
  return VS_CRON_JOB;
}

enum vs_cron_kind
vs_cron_parse (const char *line, size_t len, int system,
               struct vs_cron_line *out)
{
  const char *p, *end, *w = NULL;
  size_t wl = 0;
  int i, nfields;
  enum vs_cron_kind kind;

  if ((kind = line_kind (&line, &len)) != VS_CRON_JOB)
    return kind;
  memset (out, 0, sizeof *out);
  p = line;
  end = line + len;
  if (line[0] == '@') {
    static const char *const kw[] = {
      "@reboot", "@yearly", "@annually", "@monthly", "@weekly", "@daily",
      "@midnight", "@hourly",
    };
    size_t k;
    int ok = 0;

    vs_next_word (&p, end, &w, &wl);
    for (k = 0; k < VS_ARRAY_SIZE (kw); k++)
      if (strlen (kw[k]) == wl && memcmp (kw[k], w, wl) == 0)
        ok = 1;
    if (!ok)
      return VS_CRON_BAD;
    out->reboot = wl == 7 && memcmp (w, "@reboot", 7) == 0;
    nfields = 1;
    out->when = w;
    out->when_len = wl;
  }
  else {
    nfields = 5;
    out->when = line;
    for (i = 0; i < nfields; i++) {
      if (!vs_next_word (&p, end, &w, &wl) || !time_field_ok (w, wl))
        return VS_CRON_BAD;
    }
    out->when_len = (size_t) (w + wl - line);
  }
  return user_and_cmd (p, end, system, out);
}

enum vs_cron_kind
vs_anacron_parse (const char *line, size_t len, struct vs_cron_line *out)
{
  const char *p, *end, *w, *first;
  size_t wl;
  enum vs_cron_kind kind;

  if ((kind = line_kind (&line, &len)) != VS_CRON_JOB)
    return kind;
  memset (out, 0, sizeof *out);
  p = line;
  end = line + len;
  if (!vs_next_word (&p, end, &first, &wl) || wl == 0
      || !time_field_ok (first[0] == '@' ? first + 1 : first,
                         first[0] == '@' ? wl - 1 : wl))
    return VS_CRON_BAD;
  if (!vs_next_word (&p, end, &w, &wl) || !time_field_ok (w, wl))
    return VS_CRON_BAD;
  out->when = first;
  out->when_len = (size_t) (w + wl - first);
  return user_and_cmd (p, end, 1, out);
}
