/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: file type by content (libmagic).
 *
 * A classifier wraps two libmagic cookies, one for the description that
 * "file -b" prints and one for the MIME type that "file -b --mime"
 * prints.  Cookies are not thread-safe: each worker thread owns one
 * classifier.
 */
#ifndef VS_CLASSIFY_H
#define VS_CLASSIFY_H

#include <stddef.h>
#include <sys/stat.h>

struct vs_classifier;

/* Loads the default magic database.  Returns 0 and writes *out, or -1
 * with a message in *errmsg (caller frees). */
int vs_classifier_new (struct vs_classifier **out, char **errmsg);

/* Accepts NULL. */
void vs_classifier_free (struct vs_classifier *c);

/* Classifies the open regular file fd, whose fstat() is st, reading it
 * from its start, as "file" would.  Writes new strings into *desc and
 * *mime (caller frees); returns 0, or -1 with a message in *errmsg. */
int vs_classify_fd (struct vs_classifier *c, int fd, const struct stat *st,
                    char **desc, char **mime, char **errmsg);

/* libmagic's version as "5.44". */
const char *vs_classify_version (void);

/* A short upper-case file type for YARA's "filetype" external variable,
 * derived from a libmagic description: "ELF", "EXE", "ZIP", "PDF",
 * "SCRIPT", "TEXT", ... or "" when none fits.  Static string. */
const char *vs_classify_short_type (const char *desc);

#endif /* VS_CLASSIFY_H */
