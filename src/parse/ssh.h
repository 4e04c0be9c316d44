/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: sshd_config lines, authorized_keys lines and the
 * fingerprints of their keys.
 *
 * Pure text in, pointers out, like every parser here: an explicit
 * length, never a read past it, pointers into the caller's buffer.
 */
#ifndef VS_PARSE_SSH_H
#define VS_PARSE_SSH_H

#include <stddef.h>

/* Splits "Keyword value" or "Keyword=value".  Returns 1 with the
 * keyword and the trimmed rest, 0 for a blank or comment line. */
int vs_sshd_parse (const char *line, size_t len, const char **key,
                   size_t *kl, const char **val, size_t *vl);

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

/* The OpenSSH fingerprint of a base64 key blob: "SHA256:" and the
 * unpadded base64 of the SHA-256 of the decoded blob.  Writes the key
 * type named inside the blob into type (truncated to 64 bytes).
 * Returns 0, or -1 if the blob is not a key. */
#define VS_SSH_FP_LEN 51
int vs_ssh_fingerprint (const char *b64, size_t len, char fp[VS_SSH_FP_LEN],
                        char type[65]);

#endif /* VS_PARSE_SSH_H */
