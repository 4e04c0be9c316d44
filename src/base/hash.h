/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: message digests of file contents (MD5, SHA-1, SHA-256).
 *
 * Every regular file in a guest is hashed once, with all three digests
 * computed in the same pass over its data (struct vs_hash); image files
 * and rule files only need SHA-256 (struct vs_sha256).  The digests are
 * OpenSSL libcrypto's (EVP), which uses the processor's SHA extensions.
 *
 * A context holds libcrypto state: after init, end it with final (which
 * gives the digests) or discard (which does not).  Results are lowercase
 * hex, NUL-terminated.  Failures inside libcrypto (out of memory) abort.
 *
 * Usage:
 *
 *   struct vs_hash h;
 *   char md5[33], sha1[41], sha256[65];
 *
 *   vs_hash_init (&h);
 *   while ((n = read (fd, buf, sizeof buf)) > 0)
 *     vs_hash_update (&h, buf, n);
 *   vs_hash_final (&h, md5, sha1, sha256);
 */
#ifndef VS_HASH_H
#define VS_HASH_H

#include <stddef.h>
#include <stdint.h>

/* Private: libcrypto's contexts (EVP_MD_CTX), NULL when ended. */
struct vs_sha256 {
  void *ctx;
};

struct vs_hash {
  void *md5, *sha1, *sha256;
};

/* The digest library and its version, for the scan's provenance
 * ("OpenSSL 3.0.17 1 Jul 2025"). */
const char *vs_hash_library (void);

/* Starts the three digests. */
void vs_hash_init (struct vs_hash *h);

/* Feeds len bytes of data (any alignment; len may be 0) to all three
 * digests. */
void vs_hash_update (struct vs_hash *h, const void *data, size_t len);

/* Finishes the digests and writes them as lowercase hex, NUL-terminated:
 * md5 takes 33 bytes, sha1 41 and sha256 65.  The context must then be
 * initialised again before further use. */
void vs_hash_final (struct vs_hash *h, char md5[33], char sha1[41],
                    char sha256[65]);
/* Ends the digests without a result (a file that could not be read). */
void vs_hash_discard (struct vs_hash *h);

/* SHA-256 alone, with the same contract as the functions above. */
void vs_sha256_init (struct vs_sha256 *s);
void vs_sha256_update (struct vs_sha256 *s, const void *data, size_t len);
void vs_sha256_final_hex (struct vs_sha256 *s, char out[65]);
void vs_sha256_discard (struct vs_sha256 *s);

/* Adds one field of a record to a SHA-256: its length as 8 bytes,
 * big-endian, then its bytes; a NULL field as 8 bytes of all ones and
 * nothing else, so that no two different records (NULL, "" and "x" told
 * apart, field boundaries included) give the same stream. */
void vs_sha256_field (struct vs_sha256 *s, const void *data, size_t len);

/* A finding's fingerprint: the SHA-256 hex of its check id, path,
 * account and evidence as four vs_sha256_field()s (NULL where absent).
 * It names the same finding in two scans of two builds, whatever the
 * row ids (findings.fingerprint, vmscan diff, --baseline). */
void vs_finding_fingerprint (const char *check_id, size_t check_len,
                             const char *path, size_t path_len,
                             const char *account, size_t account_len,
                             const char *evidence, size_t evidence_len,
                             char out[65]);

/* Fills out with a random RFC 4122 version 4 UUID, lowercase, from
 * getrandom(2).  Returns 0, or -1 with errno set. */
int vs_random_uuid (char out[37]);

/* The fingerprint ssh-keygen -l shows for a public key blob (the
 * decoded base64 of a key line): "SHA256:" and the unpadded base64 of
 * the blob's SHA-256, 50 characters. */
#define VS_SSH_FINGERPRINT_LEN 51
void vs_ssh_fingerprint_blob (const void *blob, size_t len,
                              char out[VS_SSH_FINGERPRINT_LEN]);

/* Writes the SHA-256 of the whole file open on fd (read with pread(2)
 * from offset 0 to end of file, in 1 MiB pieces; the file offset is not
 * used or moved).  Returns 0, or -1 with errno set (and out untouched)
 * if reading fails. */
int vs_sha256_fd (int fd, char out[65]);

#endif /* VS_HASH_H */
