/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: YARA rules: compile once, scan buffers from many threads.
 *
 * A rule set is compiled from rule files and folders of them (every
 * *.yar and *.yara below a folder, in name order).  Each file gets its own
 * namespace, named for the file, so that two files may use the same rule
 * name.
 *
 * External variables follow the convention of LOKI and THOR, for which
 * the widely shared public rule sets (signature-base and others) are
 * written: filename, filepath, extension, filetype, md5 and owner are
 * defined for every rule file and set for every file scanned, as
 * struct vs_rules_context says.  vmscan(1), "YARA EXTERNAL VARIABLES",
 * documents them and where the convention comes from.
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

/* What the external variables are set to for one file.  NULL is "". */
struct vs_rules_context {
  const char *filename;         /* base name */
  const char *filepath;         /* the folder it is in, no trailing '/';
                                   "/" for a file in the root */
  const char *extension;        /* ".jpg": from the name's last dot, lower
                                   case; "" for none (vs_rules_names) */
  const char *filetype;         /* vs_rules_filetype() of the first bytes */
  const char *md5;              /* lower-case hex, or "" if not known */
  const char *owner;            /* account name, or the uid in decimal */
};

/* The longest filename and filepath (in bytes) given to YARA: longer
 * ones are cut there. */
#define VS_RULES_NAME_MAX 1024
#define VS_RULES_PATH_MAX 4096

/* Buffers for the name parts of a context. */
struct vs_rules_names {
  char filename[VS_RULES_NAME_MAX + 1];
  char filepath[VS_RULES_PATH_MAX + 1];
  char extension[VS_RULES_NAME_MAX + 1];
};

/* Splits the guest path (len bytes, not necessarily NUL-terminated;
 * it ends at a NUL if it holds one) into filename, filepath and
 * extension as LOKI and THOR set them, into n, and points ctx's three
 * fields at them.  The extension is what Python's os.path.splitext gives
 * (LOKI uses it): from the last dot of the name to its end, unless the
 * name has only dots before that one (".bashrc" has none; "a." has
 * "."), with ASCII letters in lower case. */
void vs_rules_names (const char *path, size_t len, struct vs_rules_names *n,
                     struct vs_rules_context *ctx);

/* The file type LOKI gives a file that starts with the len bytes at buf
 * (only the first 16 matter): "ELF", "EXE", "JPEG", "ZIP", ... or
 * "UNKNOWN".  The names and signatures are those of signature-base's
 * misc/file-type-signatures.txt, which LOKI reads; vmscan(1) lists them. */
const char *vs_rules_filetype (const void *buf, size_t len);

/* The signature table behind vs_rules_filetype, for tests and docs. */
size_t vs_rules_filetype_count (void);
void vs_rules_filetype_entry (size_t i, const void **magic, size_t *len,
                              const char **type);

/* How a number in a rule's meta is read as a severity (vmscan(1),
 * "SEVERITY OF A YARA MATCH"). */
enum vs_rules_scale {
  VS_RULES_SEVERITY_NUMBER,     /* Elastic's "severity", 0 to 100 */
  VS_RULES_SCORE,               /* LOKI's and THOR's "score", 0 to 100 */
};

/* The vmscan severity of the number n on scale (out of range: the
 * nearest end). */
enum vs_severity vs_rules_number_severity (enum vs_rules_scale scale,
                                           long long n);

int vs_rules_init (void);
void vs_rules_cleanup (void);
const char *vs_rules_version (void);

/* Compiles the rules in paths (files or folders).  Every rule file is
 * tried: when some do not compile, then without skip_bad it returns -1
 * with one line per failing file, "FILE:LINE: message" (lines separated
 * by '\n', no final one) in *errmsg (caller frees) and *nbad set to
 * their number; with skip_bad those files are left out, listed by
 * vs_rules_bad(), and the others compiled (-1 if none is left).  A rule
 * file that cannot be read counts as one that does not compile.  Other
 * failures (a path given that does not exist, a folder without rule
 * files) return -1 with *nbad 0.  Writes *out on success. */
int vs_rules_compile (const char *const *paths, size_t npaths, int skip_bad,
                      struct vs_rules **out, size_t *nbad, char **errmsg);
void vs_rules_free (struct vs_rules *r);

/* The rule files used, for provenance. */
size_t vs_rules_nfiles (const struct vs_rules *r);
void vs_rules_file (const struct vs_rules *r, size_t i, const char **path,
                    const char **ns, const char **sha256, uint64_t *size);
unsigned vs_rules_count (const struct vs_rules *r);

/* The rule files left out with skip_bad: the path and the reason,
 * "FILE:LINE: message". */
size_t vs_rules_nbad (const struct vs_rules *r);
void vs_rules_bad (const struct vs_rules *r, size_t i, const char **path,
                   const char **reason);

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
