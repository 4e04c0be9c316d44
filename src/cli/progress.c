/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: the progress line on stderr (see progress.h). */
#include <config.h>

#include <stdio.h>

#include "cli/progress.h"
#include "base/util.h"

/* Set while a progress line is on the terminal. */
static int line_shown;

static void
clear_line (void)
{
  if (line_shown) {
    fputs ("\r\033[K", stderr);
    line_shown = 0;
  }
}

void
vs_progress_line_init (struct vs_progress_line *l, double now)
{
  l->last_t = now;
  l->last_bytes = 0;
  l->rate = 0;
}

int
vs_progress_line_format (struct vs_progress_line *l,
                         const struct vs_scan_progress *p, double now,
                         char *buf, size_t size)
{
  char done[32];

  buf[0] = '\0';
  if (!p->walking) {
    if (!p->phase)
      return -1;
    snprintf (buf, size, "%s (%.0f s)", p->phase, p->elapsed);
    return 0;
  }
  if (now - l->last_t >= 1.0) {
    l->rate = (double) (p->bytes - l->last_bytes) / (now - l->last_t);
    l->last_t = now;
    l->last_bytes = p->bytes;
  }
  vs_format_size (p->bytes, done);
  snprintf (buf, size, "filesystem %zu/%zu: %llu entries, %llu files, "
            "%s read, %.1f MiB/s", p->fs_index + 1, p->fs_count,
            (unsigned long long) p->entries, (unsigned long long) p->files,
            done, l->rate / (1024.0 * 1024.0));
  return 0;
}

void
vs_progress_line_show (void *opaque, const struct vs_scan_progress *p)
{
  static int hooked;
  char line[256];

  /* The hook is set and cleared with the log's lock held: every other
   * thread reads it with that lock held. */
  if (!p) {
    if (hooked) {
      vs_log_lock ();           /* erases the line */
      vs_log_set_clear_hook (NULL);
      vs_log_unlock ();
      hooked = 0;
    }
    return;
  }
  if (vs_progress_line_format (opaque, p, vs_now_monotonic (), line,
                               sizeof line) == -1)
    return;
  vs_log_lock ();
  if (!hooked) {
    vs_log_set_clear_hook (clear_line);
    hooked = 1;
  }
  fprintf (stderr, "\r\033[K%s", line);
  line_shown = 1;
  vs_log_unlock ();
}
