/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: the "vmscan diff" command (diff.c). */
#ifndef VS_CLI_DIFF_H
#define VS_CLI_DIFF_H

/* The "vmscan diff" command: argv[0] is "diff".  Returns the exit
 * status: 0 nothing new at or above --fail-on, 1 something new, 2 an
 * error (one line on stderr). */
int vs_diff_main (int argc, char **argv);

#endif /* VS_CLI_DIFF_H */
