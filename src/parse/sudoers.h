/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: sudoers files: logical lines and what each says.
 *
 * Pure text in, pointers out, like every parser here: an explicit
 * length, never a read past it, pointers into the caller's buffer.
 * vs_sudo_next alone allocates, into the caller's buffer.
 */
#ifndef VS_PARSE_SUDOERS_H
#define VS_PARSE_SUDOERS_H

#include <stddef.h>

#include "base/util.h"

/* A logical sudoers line is joined up to this many bytes: sudo's own
 * grammar has no limit, but a real rule is under a few hundred bytes and
 * 64 KiB holds thousands of user names; the rest is cut (and said). */
#define VS_SUDO_LINE_MAX 65536

/* The next logical line of a sudoers file (a line ending in a backslash
 * goes on), in line (reset first); *lineno counts physical lines across
 * calls (start at 0), *first gets the number of the logical line's
 * first one.  Returns 1; 2 when the logical line was longer than 64 KiB
 * (VS_SUDO_LINE_MAX) and line holds its first 64 KiB only; 0 at the
 * end (or when vs_tick () asks to stop). */
int vs_sudo_next (const char *data, size_t len, size_t *pos,
                  unsigned *lineno, struct vs_buf *line, unsigned *first);

enum vs_sudo_kind {
  VS_SUDO_NONE,                 /* blank or comment */
  VS_SUDO_DEFAULTS,
  VS_SUDO_ALIAS,
  VS_SUDO_RULE,
  VS_SUDO_INCLUDE,
  VS_SUDO_INCLUDEDIR,
  VS_SUDO_BAD,
};

struct vs_sudo_line {
  enum vs_sudo_kind kind;
  const char *who;              /* rule: the user list; Defaults: what
                                   follows ':' '@' '!' '>' (or NULL);
                                   alias: its type (User_Alias ...) */
  size_t who_len;
  const char *arg;              /* rule: what follows '='; Defaults: the
                                   parameters; include: the path */
  size_t arg_len;
  int nopasswd;                 /* a NOPASSWD tag */
  int all_cmds;                 /* a command list holds ALL */
  int no_authenticate;          /* Defaults ... !authenticate */
};

void vs_sudo_parse (const char *line, size_t len, struct vs_sudo_line *out);

#endif /* VS_PARSE_SUDOERS_H */
