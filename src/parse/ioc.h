/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: indicator lists given with --ioc.
 *
 * The format (documented in vmscan(1)) is line based: blank lines and
 * lines starting with '#' are ignored; otherwise a line is
 *   md5:HEX | sha1:HEX | sha256:HEX | path:GLOB | HEX
 * optionally followed by whitespace and a free-text label (e.g. the
 * feed's name for it).  A bare HEX of 32, 40 or 64 digits is the hash of
 * that length.  GLOB is an fnmatch(3) pattern matched against the whole
 * guest path, with '*' not crossing '/' and '**' crossing it.
 */
#ifndef VS_IOC_H
#define VS_IOC_H

#include <stddef.h>
#include <stdint.h>

struct vs_ioc;

struct vs_ioc *vs_ioc_new (void);
void vs_ioc_free (struct vs_ioc *ioc);

/* Parses one list (data, len bytes) named name (for messages).  Bad
 * lines are an error: returns -1 with *errmsg "NAME:LINE: why".  Returns
 * the number of indicators added. */
long vs_ioc_parse (struct vs_ioc *ioc, const char *name, const char *data,
                   size_t len, char **errmsg);
/* Reads and parses the file at path (on the host). */
long vs_ioc_load_file (struct vs_ioc *ioc, const char *path,
                       char sha256[65], char **errmsg);

size_t vs_ioc_count (const struct vs_ioc *ioc);

/* The label of the indicator a hash (lowercase hex; kind "md5", "sha1" or
 * "sha256") matches, or NULL.  A matching indicator without a label gives
 * "". */
const char *vs_ioc_match_hash (const struct vs_ioc *ioc, const char *kind,
                               const char *hex);
/* The same for a guest path; *pattern gets the pattern that matched. */
const char *vs_ioc_match_path (const struct vs_ioc *ioc, const char *path,
                               size_t len, const char **pattern);

#endif /* VS_IOC_H */
