/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: the "vmscan report" command (report.c). */
#ifndef VS_CLI_REPORT_H
#define VS_CLI_REPORT_H

/* The "vmscan report" command: argv[0] is "report".  Prints errors as
 * one line on stderr.  Returns the exit status: 0, or 2 on any error. */
int vs_report_main (int argc, char **argv);

#endif /* VS_CLI_REPORT_H */
