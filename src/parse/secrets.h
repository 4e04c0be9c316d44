/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: find secrets in text, and say what they are without saying
 * them.
 *
 * Pure parsing (text in, spans and descriptions out; no guest, no
 * database), for the secret checks and a fuzzer.  The text comes from
 * the image: any bytes, NULs included, lines of any length.  Every
 * function reads at most the length it is given and bounds its output.
 *
 * Nothing here returns a secret's bytes to keep: a hit is a span into the
 * caller's buffer, and the only forms meant to be stored are the
 * redacted one (vs_secret_redact) and a SHA-256 of the bytes.
 */
#ifndef VS_SECRETS_H
#define VS_SECRETS_H

#include <stddef.h>

#include "base/util.h"

/* ---- Private keys ---- */

#define VS_PRIVKEY_MAX 16       /* blocks reported per file */

enum vs_privkey_format {
  VS_PRIVKEY_OPENSSH,           /* -----BEGIN OPENSSH PRIVATE KEY----- */
  VS_PRIVKEY_PEM,               /* RSA, EC, DSA, PKCS#8, encrypted PKCS#8 */
  VS_PRIVKEY_PUTTY,             /* PuTTY-User-Key-File-N */
};

struct vs_privkey {
  enum vs_privkey_format format;
  char type[48];                /* "ssh-ed25519", "RSA", "PKCS#8", ... */
  int encrypted;                /* 1 yes, 0 no */
  char fingerprint[64];         /* "SHA256:..." of the public key as
                                   ssh-keygen -l shows it, or "" */
  size_t offset;                /* where the block starts */
};

/* Finds private key blocks in data; writes at most max of them to keys
 * and returns how many were found (at most max). */
size_t vs_privkey_find (const char *data, size_t len, struct vs_privkey *keys,
                        size_t max);

/* ---- Credentials in lines ---- */

enum vs_secret_kind {
  VS_SECRET_AWS_KEY_ID,         /* AKIA..., ASIA... */
  VS_SECRET_AWS_SECRET,         /* aws_secret_access_key = ... */
  VS_SECRET_AWS_SESSION,        /* aws_session_token = ... */
  VS_SECRET_GITHUB,             /* ghp_..., github_pat_... */
  VS_SECRET_GITLAB,             /* glpat-... */
  VS_SECRET_SLACK,              /* xoxb-..., xoxp-... */
  VS_SECRET_GOOGLE_API,         /* AIza... */
  VS_SECRET_BEARER,             /* Authorization: Bearer ... */
  VS_SECRET_URL_PASSWORD,       /* scheme://user:PASSWORD@host */
  VS_SECRET_PASSWORD,           /* password=..., --password ..., -p... */
  VS_SECRET_TOKEN,              /* token=..., api_key=..., secret=... */
  VS_SECRET_DOCKER_AUTH,        /* "auth": "base64(user:password)" */
  VS_SECRET_PRIVATE_KEY,        /* a private key inside a line (JSON) */
  VS_SECRET_KIND_COUNT
};

struct vs_secret_hit {
  enum vs_secret_kind kind;
  size_t start, len;            /* the secret's bytes within the line */
};

/* Modes of vs_secret_scan_line for particular file formats. */
#define VS_SCAN_NETRC 1         /* "password VALUE" without '=' */
#define VS_SCAN_PGPASS 2        /* host:port:db:user:PASSWORD */

#define VS_SECRET_MAX_HITS 8    /* per line */

/* Finds credentials in one line (len bytes, no newline); writes at most
 * max non-overlapping hits in line order and returns their number. */
size_t vs_secret_scan_line (const char *line, size_t len, unsigned mode,
                            struct vs_secret_hit *hits, size_t max);

/* "aws-access-key-id", "password", ... */
const char *vs_secret_kind_name (enum vs_secret_kind kind);

/* 1 for kinds that are cloud or service credentials (AWS, GitHub,
 * GitLab, Slack, Google, Docker registry auth, private keys). */
int vs_secret_kind_cloud (enum vs_secret_kind kind);

/* Appends the redacted form of a secret: when it is 16 bytes or longer,
 * its known prefix ("AKIA", "ghp_"; or else its first 4 bytes when it is
 * 24 bytes or longer) and its last 4 bytes, '*' for the rest (at most
 * 32 of them): "AKIA************WXYZ"; when shorter, only its length:
 * "****(7 bytes)".  Bytes kept are made printable. */
void vs_secret_redact (struct vs_buf *b, const char *s, size_t len);

/* Appends "sha256:HEX" of the secret's bytes. */
void vs_secret_add_sha256 (struct vs_buf *b, const char *s, size_t len);

/* Appends line with every hit replaced by its redacted form, at most max
 * bytes of it (then "..."), made printable. */
void vs_secret_add_redacted_line (struct vs_buf *b, const char *line,
                                  size_t len, const struct vs_secret_hit *hits,
                                  size_t n, size_t max);

/* Appends the first 6 and the last 4 bytes of a value with "..." between
 * (a miner's wallet), or "****" when it is 12 bytes or shorter. */
void vs_secret_redact_wallet (struct vs_buf *b, const char *s, size_t len);

#endif /* VS_SECRETS_H */
