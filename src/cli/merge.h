/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: the "vmscan merge" command (merge.c). */
#ifndef VS_CLI_MERGE_H
#define VS_CLI_MERGE_H

/* The "vmscan merge" command: argv[0] is "merge".  Returns the exit
 * status: 0 merged, 2 an error (one line on stderr; OUT as it was). */
int vs_merge_main (int argc, char **argv);

#endif /* VS_CLI_MERGE_H */
