/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: the "vmscan baseline" command (baseline.c). */
#ifndef VS_CLI_BASELINE_H
#define VS_CLI_BASELINE_H

/* "vmscan baseline accept|show ...": argv[0] is "baseline".  Returns the
 * exit status: 0 done, 2 an error (one line on stderr). */
int vs_baseline_main (int argc, char **argv);

#endif /* VS_CLI_BASELINE_H */
