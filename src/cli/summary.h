/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: what the command line makes of a scan's result: the summary
 * on stdout and the exit status. */
#ifndef VS_CLI_SUMMARY_H
#define VS_CLI_SUMMARY_H

#include <stdio.h>

#include "scan/scan.h"

/* Prints the summary of a complete or interrupted scan to out; db_path
 * is the database it wrote, fail_on the --fail-on severity, baseline the
 * --baseline it was compared with (or NULL). */
void vs_summary_print (FILE *out, const struct vs_scan_result *r,
                       const char *db_path, enum vs_severity fail_on,
                       const struct vs_baseline *baseline);

/* The exit status: 0 complete and no finding at fail_on or above, 1
 * complete with at least one such finding, 2 interrupted or failed.
 * Findings a suppression accepted, and with a baseline those it already
 * had, do not count. */
int vs_summary_exit_status (const struct vs_scan_result *r,
                            enum vs_severity fail_on);

#endif /* VS_CLI_SUMMARY_H */
