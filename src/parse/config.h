/* vmscan: parsers for the guest configuration that persistence and
 * access checks read: crontabs, systemd units (and other ini-style
 * files), udev rules, PAM stacks, sshd_config, authorized_keys, sudoers,
 * passwd/shadow/group; and the one heuristic that says whether a shell
 * command looks malicious.
 *
 * Pure text in, pointers out: nothing here reads the guest or the
 * database, so a libFuzzer target links this file with util.c and
 * hash.c alone.  The input is hostile (any bytes, any length, NULs):
 * every function takes an explicit length, never reads past it, and
 * returns pointers into the caller's buffer, valid as long as it is.
 */
#ifndef VS_PARSE_CONFIG_H
#define VS_PARSE_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "base/util.h"

/* ---- lines ---- */

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

/* Case-insensitive search of needle (a C string) in s[0..len). */
const char *vs_memcasemem (const char *s, size_t len, const char *needle);

/* ---- the suspicion heuristic ---- */

/* Why a shell command (or a line of a script) looks malicious: download
 * and execute, decode and execute, a reverse shell, a program run from a
 * world-writable or hidden directory, a known miner; NULL if it does
 * not.  The reason is a static string. */
const char *vs_cmd_suspicion (const char *cmd, size_t len);

/* Whether a login shell is one a person could log in with (not
 * nologin, false, sync, shutdown, halt, empty). */
int vs_is_login_shell (const char *shell, size_t len);

/* ---- cron ---- */

enum vs_cron_kind {
  VS_CRON_NONE,                 /* blank or comment */
  VS_CRON_ENV,                  /* NAME=value */
  VS_CRON_JOB,
  VS_CRON_BAD,
};

struct vs_cron_line {
  const char *when;             /* "@reboot" or the five time fields */
  size_t when_len;
  const char *user;             /* system crontabs, NULL otherwise */
  size_t user_len;
  const char *cmd;
  size_t cmd_len;
  int reboot;                   /* @reboot */
};

/* Parses one crontab line; system: the line has a user field
 * (/etc/crontab, /etc/cron.d). */
enum vs_cron_kind vs_cron_parse (const char *line, size_t len, int system,
                                 struct vs_cron_line *out);

/* Parses one anacrontab line (period delay job-id command); the period
 * and delay go in when, the job id in user. */
enum vs_cron_kind vs_anacron_parse (const char *line, size_t len,
                                    struct vs_cron_line *out);

/* ---- ini-style files: systemd units, .desktop files ---- */

struct vs_ini {
  const char *data;
  size_t len, pos;
  const char *section;
  size_t section_len;
  struct vs_line line;
};

struct vs_ini_item {
  const char *section;          /* without brackets, may be empty */
  size_t section_len;
  const char *key;
  size_t key_len;
  const char *value;
  size_t value_len;
  unsigned line;
};

void vs_ini_init (struct vs_ini *ini, const char *data, size_t len);
/* The next key=value; returns 1, or 0 at the end (or when vs_tick ()
 * asks to stop: see vs_stopping ()).  Comments (# ;), blank lines and
 * lines that are not key=value are skipped. */
int vs_ini_next (struct vs_ini *ini, struct vs_ini_item *it);

/* Whether the key (key, kl) equals the C string name. */
int vs_key_is (const char *key, size_t kl, const char *name);

/* ---- udev rules ---- */

struct vs_udev_prog {
  const char *key;              /* RUN, RUN{program}, PROGRAM,
                                   IMPORT{program} */
  size_t key_len;
  const char *value;            /* inside the quotes, escapes kept */
  size_t value_len;
};

/* The programs a rule line runs; at most max, returns how many. */
size_t vs_udev_programs (const char *line, size_t len,
                         struct vs_udev_prog *out, size_t max);

/* ---- PAM ---- */

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

/* ---- sshd_config ---- */

/* Splits "Keyword value" or "Keyword=value".  Returns 1 with the
 * keyword and the trimmed rest, 0 for a blank or comment line. */
int vs_sshd_parse (const char *line, size_t len, const char **key,
                   size_t *kl, const char **val, size_t *vl);

/* ---- authorized_keys ---- */

struct vs_authkey {
  const char *options;          /* NULL when none */
  size_t options_len;
  const char *type;
  size_t type_len;
  const char *blob;             /* base64 */
  size_t blob_len;
  const char *comment;          /* NULL when none */
  size_t comment_len;
};

/* Returns 1 with *out, 0 for a blank or comment line, -1 if the line
 * holds no key. */
int vs_authkey_parse (const char *line, size_t len, struct vs_authkey *out);

/* The value of option name (e.g. "command") in an options string, quotes
 * removed; returns 1, or 0 if absent (or vs_tick () asks to stop).  A
 * flag option (no '=') has an empty value. */
int vs_authkey_option (const char *opts, size_t len, const char *name,
                       const char **val, size_t *vl);

/* Decodes base64 (whitespace not allowed, padding optional); out must
 * hold len * 3 / 4 + 3 bytes.  Returns the decoded length, or -1. */
long vs_base64_decode (const char *s, size_t len, unsigned char *out);

/* The OpenSSH fingerprint of a base64 key blob: "SHA256:" and the
 * unpadded base64 of the SHA-256 of the decoded blob.  Writes the key
 * type named inside the blob into type (truncated to 64 bytes).
 * Returns 0, or -1 if the blob is not a key. */
#define VS_SSH_FP_LEN 51
int vs_ssh_fingerprint (const char *b64, size_t len, char fp[VS_SSH_FP_LEN],
                        char type[65]);

/* ---- sudoers ---- */

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

/* ---- passwd, shadow, group ---- */

/* Splits a line at ':' into at most max fields; returns how many fields
 * the line has (which may be more than max). */
size_t vs_colon_split (const char *line, size_t len, const char **f,
                       size_t *fl, size_t max);

/* What a shadow password field says, without the hash: "empty",
 * "locked", "no password", or the algorithm ("sha512crypt",
 * "yescrypt", ...).  *usable: a password can log in with it. */
const char *vs_shadow_describe (const char *pw, size_t len, int *usable);

#endif /* VS_PARSE_CONFIG_H */
