/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: the one heuristic that says whether a shell command (a cron
 * job, a unit's ExecStart, a line of a profile script) looks malicious.
 *
 * Pure text in, a static string out; linear in the command for its
 * fixed sets of words.
 */
#ifndef VS_PARSE_SHELLCMD_H
#define VS_PARSE_SHELLCMD_H

#include <stddef.h>

/* Why a shell command (or a line of a script) looks malicious: download
 * and execute, decode and execute, a reverse shell, a program run from a
 * world-writable or hidden directory, a known miner; NULL if it does
 * not.  The reason is a static string. */
const char *vs_cmd_suspicion (const char *cmd, size_t len);

#endif /* VS_PARSE_SHELLCMD_H */
