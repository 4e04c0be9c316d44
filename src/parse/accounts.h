/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: the guest's accounts, read from its /etc/passwd.
 *
 * The file comes from the image and is hostile: lines may be of any
 * length, fields missing, numbers out of range.  Lines that do not parse
 * are skipped; at most VS_ACCOUNTS_MAX entries are kept.
 */
#ifndef VS_ACCOUNTS_H
#define VS_ACCOUNTS_H

#include <stddef.h>
#include <stdint.h>

#define VS_ACCOUNTS_MAX 65536

struct vs_accounts;

/* Parses passwd(5) text.  Never fails; an empty result is fine. */
struct vs_accounts *vs_accounts_parse (const char *data, size_t len);
void vs_accounts_free (struct vs_accounts *a);
size_t vs_accounts_count (const struct vs_accounts *a);

/* The name of uid, or NULL.  Valid as long as a is. */
const char *vs_accounts_name (const struct vs_accounts *a, uint32_t uid);

/* Parses a uid or gid field exactly: 1 to 10 decimal digits, at most
 * UINT32_MAX, nothing else.  Returns 0 with *out, or -1. */
int vs_accounts_parse_id (const char *s, size_t len, uint32_t *out);

#endif /* VS_ACCOUNTS_H */
