/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: the files that say which kernel modules load and how:
 * modprobe.d configuration (kmod's "install", "remove", "options",
 * "blacklist", "softdep", "alias" commands, one per logical line, a
 * backslash at the end of a line continuing it) and the module lists of
 * /etc/modules, /etc/initramfs-tools/modules and modules-load.d (a
 * module name per line, then its arguments in the first two).
 *
 * Pure text in, pointers or a caller's buffer out, like every parser
 * here: an explicit length, never a read past it, linear in the input.
 */
#ifndef VS_PARSE_KMOD_H
#define VS_PARSE_KMOD_H

#include <stddef.h>

#include "base/util.h"

/* A logical line longer than this is cut (the rest of it skipped). */
#define VS_KMOD_MAX_LINE (64u * 1024)

/* The next logical line of data[0..len) from *pos (start at 0): the
 * physical lines joined where one ends in a backslash, the backslash
 * and newline dropped, into out (emptied first, NUL-terminated, at most
 * VS_KMOD_MAX_LINE bytes; a NUL in the data is kept).  *lines counts
 * the physical lines read (start at 0); *first is set to the 1-based
 * number of the logical line's first one.  Returns 1, or 0 at the end. */
int vs_kmod_next_line (const char *data, size_t len, size_t *pos,
                       struct vs_buf *out, unsigned *lines,
                       unsigned *first);

enum vs_kmod_kind {
  VS_KMOD_NONE,                 /* blank or comment */
  VS_KMOD_INSTALL,              /* install MODULE COMMAND... */
  VS_KMOD_REMOVE,               /* remove MODULE COMMAND... */
  VS_KMOD_OPTIONS,              /* options MODULE OPTION... */
  VS_KMOD_BLACKLIST,            /* blacklist MODULE */
  VS_KMOD_SOFTDEP,              /* softdep MODULE pre: ... post: ... */
  VS_KMOD_ALIAS,                /* alias WILDCARD MODULE */
  VS_KMOD_OTHER,                /* another or an unknown command */
};

struct vs_kmod_cmd {
  enum vs_kmod_kind kind;
  const char *word;             /* the command as written */
  size_t word_len;
  const char *module;           /* the second word (may be empty) */
  size_t module_len;
  const char *rest;             /* what follows it, trimmed */
  size_t rest_len;
};

/* Parses one logical line of a modprobe.d file. */
enum vs_kmod_kind vs_kmod_parse (const char *line, size_t len,
                                 struct vs_kmod_cmd *out);

/* One entry of a module list: the module name and its arguments
 * (trimmed; empty for modules-load.d, which takes none).  Returns 1 for
 * an entry, 0 for a blank line or a comment ('#', and ';' as
 * modules-load.d allows). */
int vs_kmod_list_entry (const char *line, size_t len, const char **name,
                        size_t *name_len, const char **args,
                        size_t *args_len);

/* Whether two module names are the same module: kmod treats '-' and '_'
 * alike. */
int vs_kmod_name_eq (const char *a, size_t al, const char *b, size_t bl);

/* The module name of a module file name ("nf_nat-ftp.ko.zst" gives
 * "nf_nat-ftp"): len of the name without its .ko, .ko.xz, .ko.zst or
 * .ko.gz suffix, or 0 when the name has none of them. */
size_t vs_kmod_file_module (const char *name, size_t len);

#endif /* VS_PARSE_KMOD_H */
