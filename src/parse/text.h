/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: the lines and words of guest text files, shared by the
 * configuration parsers (cron, ini, udev, PAM, ssh, sudoers, passwd).
 *
 * Pure text in, pointers out: nothing here reads the guest or the
 * database.  The input is hostile (any bytes, any length, NULs): every
 * function takes an explicit length, never reads past it, and returns
 * pointers into the caller's buffer, valid as long as it is.
 */
#ifndef VS_PARSE_TEXT_H
#define VS_PARSE_TEXT_H

#include <stddef.h>

/* A blank inside a line: space, tab, \r, \v, \f (not \n). */
static inline int
vs_is_blank (char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

struct vs_line {
  const char *p;
  size_t len;                   /* without the '\n' (and a '\r' before) */
  unsigned no;                  /* 1-based */
};

/* The next line of data[0..len) from *pos (start at 0, no = 0 in l).
 * Returns 1 with *l set, 0 at the end. */
int vs_line_next (const char *data, size_t len, size_t *pos,
                  struct vs_line *l);

/* Strips blanks (space, tab, \r, \v, \f) from both ends. */
void vs_trim (const char **p, size_t *len);

/* Whether the trimmed line is blank or a '#' comment. */
int vs_line_is_comment (const char *p, size_t len);

/* Trims the line (as vs_trim) and returns whether anything is left but
 * a '#' comment: the start of each line parser. */
int vs_line_content (const char **p, size_t *len);

/* The next whitespace-separated word of [*p, end); a word in double
 * quotes keeps its blanks (the quotes are not returned).  Returns 1 and
 * advances *p, or 0 when no word is left.  A quoted word may be empty
 * (*wl 0, *w possibly at end): check *wl before reading (*w)[0]. */
int vs_next_word (const char **p, const char *end, const char **w,
                  size_t *wl);

/* The next comma-separated item of [*p, end), trimmed.  Returns 1 and
 * advances *p, or 0 when nothing is left. */
int vs_next_item (const char **p, const char *end, const char **w,
                  size_t *wl);

/* Whether the key (key, kl) equals the C string name. */
int vs_key_is (const char *key, size_t kl, const char *name);

#endif /* VS_PARSE_TEXT_H */
