/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: suppression files (--suppress), the findings a person has
 * reviewed and accepted.
 *
 * One entry per line, as KEY=VALUE fields separated by blanks; '#'
 * starts a comment line, blank lines are ignored:
 *
 *   check=persistence.cron path=/etc/cron.d/backup reason="our backup" \
 *     expires=2027-03-31 ticket=OPS-1234
 *
 * (on one line).  A VALUE is a run of bytes without blanks, quotes or
 * backslashes, or a double-quoted string in which \" and \\ stand for
 * themselves.  Keys:
 *
 *   check        required: a check id or a glob of them (persistence.*)
 *   path         a guest path or a glob (fnmatch(3) with FNM_PATHNAME:
 *                '*' and '?' never match '/')
 *   account      an account name or a glob
 *   fingerprint  a finding's fingerprint (64 lowercase hex digits)
 *   reason       required, not empty: why it is accepted
 *   expires      YYYY-MM-DD, the last day (UTC) the entry applies
 *   ticket       a reference to where it was reviewed
 *
 * An entry needs at least one of path, account and fingerprint (to
 * accept a whole check, skip it with --skip-check); it matches a finding
 * whose check id and every field it gives match.  A key given twice, an
 * unknown key, a bad value or an unterminated quote is an error naming
 * the line.  Lines are at most VS_SUPPRESS_MAX_LINE bytes, files at most
 * VS_SUPPRESS_MAX_ENTRIES entries; parsing is linear in the input.
 */
#ifndef VS_PARSE_SUPPRESS_H
#define VS_PARSE_SUPPRESS_H

#include <stddef.h>

#define VS_SUPPRESS_MAX_LINE 4096
#define VS_SUPPRESS_MAX_ENTRIES 10000

struct vs_suppress_entry {
  unsigned line;                /* from 1 */
  char *check, *path, *account, *fingerprint;
  char *reason, *expires, *ticket;      /* NULL where not given */
};

struct vs_suppress_list {
  struct vs_suppress_entry *v;
  size_t n;
};

/* Parses buf (len bytes, no NUL needed) and appends its entries to l.
 * Returns 0, or -1 with *errmsg (why, without the line) and *line (the
 * bad line, from 1) set, in which case l holds the entries before it. */
int vs_suppress_parse (const char *buf, size_t len,
                       struct vs_suppress_list *l, unsigned *line,
                       char **errmsg);

void vs_suppress_list_free (struct vs_suppress_list *l);

/* Whether entry e matches a finding of check check_id at path (or NULL)
 * concerning account (or NULL) with the given fingerprint (or NULL).
 * The expiry date is not looked at. */
int vs_suppress_matches (const struct vs_suppress_entry *e,
                         const char *check_id, const char *path,
                         const char *account, const char *fingerprint);

/* Whether e has expired on day today ("YYYY-MM-DD"): its expiry date is
 * before today. */
int vs_suppress_expired (const struct vs_suppress_entry *e,
                         const char *today);

#endif /* VS_PARSE_SUPPRESS_H */
