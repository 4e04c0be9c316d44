/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: the lines of PAM stacks (/etc/pam.d, /etc/pam.conf).
 *
 * Pure text in, pointers out, like every parser here: an explicit
 * length, never a read past it, pointers into the caller's buffer.
 */
#ifndef VS_PARSE_PAM_H
#define VS_PARSE_PAM_H

#include <stddef.h>

struct vs_pam_line {
  const char *type;             /* auth, account, password, session
                                   (a leading '-' removed) */
  size_t type_len;
  const char *control;          /* required, [success=1 default=ignore],
                                   include, substack, ... */
  size_t control_len;
  const char *module;           /* module path, or the included file */
  size_t module_len;
  const char *args;
  size_t args_len;
  int include;                  /* "@include FILE" or include/substack */
};

/* Parses a line of /etc/pam.d/SERVICE (with_service 0) or /etc/pam.conf
 * (1: a service name first).  Returns 1 with *out, 0 for a blank or
 * comment line, -1 for a line that does not parse. */
int vs_pam_parse (const char *line, size_t len, int with_service,
                  struct vs_pam_line *out);

#endif /* VS_PARSE_PAM_H */
