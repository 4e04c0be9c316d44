/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: where the kernel command line is written down in a boot
 * loader's configuration: the shell assignments of /etc/default/grub
 * (and of dracut.conf, which has the same syntax), the linux lines of a
 * grub.cfg, the options lines of a systemd-boot (Boot Loader
 * Specification) entry, and the command line itself, split into its
 * parameters as the kernel splits it.
 *
 * Pure text in, pointers or a caller's buffer out, like every parser
 * here: an explicit length, never a read past it, linear in the input.
 */
#ifndef VS_PARSE_BOOTCFG_H
#define VS_PARSE_BOOTCFG_H

#include <stddef.h>

#include "base/util.h"

/* A value longer than this is cut (the rest of it skipped). */
#define VS_BOOTCFG_MAX_VALUE (64u * 1024)

/* One kernel parameter: key, and value after the first '=' (NULL when
 * there is no '='), double quotes around the value (or the whole
 * parameter) left out. */
struct vs_kparam {
  const char *key;
  size_t key_len;
  const char *value;
  size_t value_len;
  const char *text;             /* the parameter as written */
  size_t text_len;
};

/* The next parameter of the command line [*p, end): blanks and newlines
 * separate parameters, except inside double quotes.  Returns 1 and
 * advances *p, or 0 when none is left. */
int vs_kparam_next (const char **p, const char *end, struct vs_kparam *out);

/* One shell variable assignment, NAME=WORD, NAME+=WORD or export
 * NAME=WORD at the start of a line. */
struct vs_sh_assign {
  const char *name;
  size_t name_len;
  unsigned line;                /* 1-based, where it starts */
  int append;                   /* += */
  int refs;                     /* the word referred to variables or ran
                                   commands ($NAME, ${...}, $(...), `...`):
                                   they are left out of the value */
};

/* The next assignment of the shell file data[0..len) from *pos (start at
 * 0; *lines counts the lines passed, start at 0): the value, unquoted as
 * sh would (single quotes, double quotes, backslashes; a quoted value
 * may span lines), into value (emptied first, NUL-terminated, at most
 * VS_BOOTCFG_MAX_VALUE bytes).  Lines that are not assignments (if, fi,
 * comments ...) are passed over.  Returns 1, or 0 at the end. */
int vs_sh_next_assign (const char *data, size_t len, size_t *pos,
                       unsigned *lines, struct vs_sh_assign *out,
                       struct vs_buf *value);

/* If the line is a grub.cfg "linux", "linux16", "linuxefi" or "kernel"
 * command, the arguments after the kernel's path: returns 1 with *args,
 * *args_len (trimmed), else 0. */
int vs_grubcfg_linux (const char *line, size_t len, const char **args,
                      size_t *args_len);

/* If the line is the "options" line of a Boot Loader Specification
 * entry, its value: returns 1 with *args, *args_len (trimmed), else 0. */
int vs_bls_options (const char *line, size_t len, const char **args,
                    size_t *args_len);

#endif /* VS_PARSE_BOOTCFG_H */
