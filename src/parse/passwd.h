/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: the fields of passwd, shadow and group lines.
 *
 * Pure text in, pointers out, like every parser here: an explicit
 * length, never a read past it, pointers into the caller's buffer.
 */
#ifndef VS_PARSE_PASSWD_H
#define VS_PARSE_PASSWD_H

#include <stddef.h>

/* Whether a login shell is one a person could log in with (not
 * nologin, false, sync, shutdown, halt, empty). */
int vs_is_login_shell (const char *shell, size_t len);

/* Splits a line at ':' into at most max fields; returns how many fields
 * the line has (which may be more than max). */
size_t vs_colon_split (const char *line, size_t len, const char **f,
                       size_t *fl, size_t max);

/* What a shadow password field says, without the hash: "empty",
 * "locked", "no password", or the algorithm ("sha512crypt",
 * "yescrypt", ...).  *usable: a password can log in with it. */
const char *vs_shadow_describe (const char *pw, size_t len, int *usable);

#endif /* VS_PARSE_PASSWD_H */
