/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: the progress line on stderr, drawn from the scan's reports.
 *
 * The line is redrawn in place ("\r", erase to the end of the line) and
 * erased before any diagnostic is printed (the log's clear hook), so
 * that messages never share a line with it.
 */
#ifndef VS_CLI_PROGRESS_H
#define VS_CLI_PROGRESS_H

#include <stddef.h>
#include <stdint.h>

#include "scan/scan.h"

/* What the line remembers between two reports: the read rate is taken
 * over a second or more. */
struct vs_progress_line {
  double last_t;
  uint64_t last_bytes;
  double rate;                  /* bytes a second */
};

/* Starts the rate at time now (seconds, monotonic). */
void vs_progress_line_init (struct vs_progress_line *l, double now);

/* Writes the text of the line for p, seen at time now, to buf (size
 * bytes at least 1).  Returns 0, or -1 if there is nothing to show (buf
 * is then empty). */
int vs_progress_line_format (struct vs_progress_line *l,
                             const struct vs_scan_progress *p, double now,
                             char *buf, size_t size);

/* The struct vs_scan_options progress callback: draws the line on
 * stderr; opaque is a struct vs_progress_line.  Installs the log's clear
 * hook the first time; a NULL report erases the line and removes it. */
void vs_progress_line_show (void *opaque, const struct vs_scan_progress *p);

#endif /* VS_CLI_PROGRESS_H */
