/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: YARA rules: compile once, scan buffers from many threads.
 *
 * A rule set is compiled from rule files and folders of them (every
 * *.yar and *.yara below a folder, in name order).  Each file gets its own
 * namespace, named for the file, so that two files may use the same rule
 * name.  The external variables filename, filepath, extension, filetype
 * and owner are defined (as used by widely shared public rule sets), and
 * set for every file scanned.
 *
 * vs_rules_init() must be called once before anything else here, and
 * vs_rules_cleanup() once at the end.  A compiled set may be shared by
 * threads; a scanner may not: each thread makes its own.
 */
#ifndef VS_RULES_H
#define VS_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "core/types.h"

struct vs_rules;
struct vs_rules_scanner;

/* What the external variables are set to for one file. */
struct vs_rules_context {
  const char *filename;         /* base name */
  const char *filepath;         /* guest path */
  const char *extension;        /* after the last dot, lower case, or "" */
  const char *filetype;         /* vs_classify_short_type() */
  const char *owner;            /* account name, or the uid in decimal */
};

int vs_rules_init (void);
void vs_rules_cleanup (void);
const char *vs_rules_version (void);

/* Compiles the rules in paths (files or folders).  Returns 0 and writes
 * *out, or -1 with "FILE:LINE: message" in *errmsg (caller frees). */
int vs_rules_compile (const char *const *paths, size_t npaths,
                      struct vs_rules **out, char **errmsg);
void vs_rules_free (struct vs_rules *r);

/* The rule files used, for provenance. */
size_t vs_rules_nfiles (const struct vs_rules *r);
void vs_rules_file (const struct vs_rules *r, size_t i, const char **path,
                    const char **ns, const char **sha256, uint64_t *size);
unsigned vs_rules_count (const struct vs_rules *r);

/* Per-thread scanner.  timeout is in seconds per file. */
int vs_rules_scanner_new (struct vs_rules *r, int timeout,
                          struct vs_rules_scanner **out, char **errmsg);
void vs_rules_scanner_free (struct vs_rules_scanner *s);

/* Scans len bytes at buf, appending one vs_rule_match per matching rule
 * to *out.  Returns 0, or -1 with a message (a timeout, too many
 * matches) in *errmsg; matches found before the failure are kept. */
int vs_rules_scan (struct vs_rules_scanner *s, const void *buf, size_t len,
                   const struct vs_rules_context *ctx,
                   struct vs_match_list *out, char **errmsg);

#endif /* VS_RULES_H */
