/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: MD5, SHA-1 and SHA-256 through OpenSSL's libcrypto (EVP).
 *
 * libcrypto is the implementation auditors and courts know, and it uses
 * the processor's SHA extensions where there are any.  The digests are
 * fetched once per process; each context holds three EVP_MD_CTX, fed the
 * same data in strides so that it is still in the cache for the second
 * and third.  Allocation failure aborts, as vs_xmalloc does.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/types.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "base/base64.h"
#include "base/hash.h"
#include "base/util.h"

/* How much vs_hash_update() gives each algorithm in turn. */
#define VS_HASH_STRIDE (16 * 1024)

/* How much vs_sha256_fd() reads at a time. */
#define VS_HASH_READ_CHUNK (1024 * 1024)

static pthread_once_t fetch_once = PTHREAD_ONCE_INIT;
static EVP_MD *md_md5, *md_sha1, *md_sha256;

static void
fetch_digests (void)
{
  md_md5 = EVP_MD_fetch (NULL, "MD5", NULL);
  md_sha1 = EVP_MD_fetch (NULL, "SHA1", NULL);
  md_sha256 = EVP_MD_fetch (NULL, "SHA256", NULL);
  if (!md_md5 || !md_sha1 || !md_sha256) {
    vs_error ("libcrypto has no MD5, SHA-1 or SHA-256");
    abort ();
  }
}

static EVP_MD_CTX *
ctx_new (const EVP_MD *md)
{
  EVP_MD_CTX *c = EVP_MD_CTX_new ();

  if (!c || EVP_DigestInit_ex (c, md, NULL) != 1)
    abort ();
  return c;
}

static void
hex (char *out, const unsigned char *bytes, size_t n)
{
  static const char digits[] = "0123456789abcdef";
  size_t i;

  for (i = 0; i < n; i++) {
    out[2 * i] = digits[bytes[i] >> 4];
    out[2 * i + 1] = digits[bytes[i] & 15];
  }
  out[2 * n] = '\0';
}

/* Finishes c into out (2 * its size + 1 bytes) and frees it. */
static void
ctx_final_hex (EVP_MD_CTX *c, char *out)
{
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned n = 0;

  if (EVP_DigestFinal_ex (c, md, &n) != 1)
    abort ();
  hex (out, md, n);
  EVP_MD_CTX_free (c);
}

const char *
vs_hash_library (void)
{
  return OpenSSL_version (OPENSSL_VERSION);
}

void
vs_sha256_init (struct vs_sha256 *s)
{
  pthread_once (&fetch_once, fetch_digests);
  s->ctx = ctx_new (md_sha256);
}

void
vs_sha256_update (struct vs_sha256 *s, const void *data, size_t len)
{
  if (len && EVP_DigestUpdate (s->ctx, data, len) != 1)
    abort ();
}

void
vs_sha256_field (struct vs_sha256 *s, const void *data, size_t len)
{
  uint64_t l = data ? (uint64_t) len : UINT64_MAX;
  unsigned char n[8];
  int k;

  for (k = 0; k < 8; k++)
    n[k] = (unsigned char) (l >> (56 - 8 * k));
  vs_sha256_update (s, n, 8);
  if (data)
    vs_sha256_update (s, data, len);
}

void
vs_finding_fingerprint (const char *check_id, size_t check_len,
                        const char *path, size_t path_len,
                        const char *account, size_t account_len,
                        const char *evidence, size_t evidence_len,
                        char out[65])
{
  struct vs_sha256 h;

  vs_sha256_init (&h);
  vs_sha256_field (&h, check_id, check_len);
  vs_sha256_field (&h, path, path_len);
  vs_sha256_field (&h, account, account_len);
  vs_sha256_field (&h, evidence, evidence_len);
  vs_sha256_final_hex (&h, out);
}

int
vs_random_uuid (char out[37])
{
  unsigned char b[16];
  size_t got = 0;
  int i, o = 0;

  while (got < sizeof b) {
    ssize_t n = getrandom (b + got, sizeof b - got, 0);

    if (n < 0) {
      if (errno == EINTR)
        continue;
      return -1;
    }
    got += (size_t) n;
  }
  b[6] = (unsigned char) ((b[6] & 0x0f) | 0x40);
  b[8] = (unsigned char) ((b[8] & 0x3f) | 0x80);
  for (i = 0; i < 16; i++) {
    if (i == 4 || i == 6 || i == 8 || i == 10)
      out[o++] = '-';
    out[o++] = "0123456789abcdef"[b[i] >> 4];
    out[o++] = "0123456789abcdef"[b[i] & 15];
  }
  out[o] = 0;
  return 0;
}

void
vs_sha256_final_hex (struct vs_sha256 *s, char out[65])
{
  ctx_final_hex (s->ctx, out);
  s->ctx = NULL;
}

void
vs_sha256_discard (struct vs_sha256 *s)
{
  EVP_MD_CTX_free (s->ctx);
  s->ctx = NULL;
}

int
vs_sha256_fd (int fd, char out[65])
{
  struct vs_sha256 s;
  unsigned char *buf;
  off_t off = 0;
  ssize_t n;
  int saved;

  buf = malloc (VS_HASH_READ_CHUNK);
  if (!buf)
    return -1;
  vs_sha256_init (&s);
  for (;;) {
    n = pread (fd, buf, VS_HASH_READ_CHUNK, off);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      saved = errno;
      free (buf);
      vs_sha256_discard (&s);
      errno = saved;
      return -1;
    }
    if (n == 0)
      break;
    vs_sha256_update (&s, buf, n);
    off += n;
  }
  free (buf);
  vs_sha256_final_hex (&s, out);
  return 0;
}

/* ---- All three at once ------------------------------------------------- */

void
vs_hash_init (struct vs_hash *h)
{
  pthread_once (&fetch_once, fetch_digests);
  h->md5 = ctx_new (md_md5);
  h->sha1 = ctx_new (md_sha1);
  h->sha256 = ctx_new (md_sha256);
}

void
vs_hash_update (struct vs_hash *h, const void *data, size_t len)
{
  const unsigned char *p = data;

  while (len) {
    size_t n = len < VS_HASH_STRIDE ? len : VS_HASH_STRIDE;

    if (EVP_DigestUpdate (h->md5, p, n) != 1
        || EVP_DigestUpdate (h->sha1, p, n) != 1
        || EVP_DigestUpdate (h->sha256, p, n) != 1)
      abort ();
    p += n;
    len -= n;
  }
}

void
vs_hash_final (struct vs_hash *h, char md5[33], char sha1[41],
               char sha256[65])
{
  ctx_final_hex (h->md5, md5);
  ctx_final_hex (h->sha1, sha1);
  ctx_final_hex (h->sha256, sha256);
  h->md5 = h->sha1 = h->sha256 = NULL;
}

void
vs_hash_discard (struct vs_hash *h)
{
  EVP_MD_CTX_free (h->md5);
  EVP_MD_CTX_free (h->sha1);
  EVP_MD_CTX_free (h->sha256);
  h->md5 = h->sha1 = h->sha256 = NULL;
}

void
vs_ssh_fingerprint_blob (const void *blob, size_t len,
                         char out[VS_SSH_FINGERPRINT_LEN])
{
  unsigned char raw[EVP_MAX_MD_SIZE];
  unsigned n = 0;

  pthread_once (&fetch_once, fetch_digests);
  if (EVP_Digest (blob, len, raw, &n, md_sha256, NULL) != 1 || n != 32)
    abort ();
  memcpy (out, "SHA256:", 7);
  vs_base64_encode_nopad (raw, 32, out + 7);
}
