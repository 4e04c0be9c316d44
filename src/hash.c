/* vmscan: MD5 (RFC 1321), SHA-1 and SHA-256 (FIPS 180-4).
 *
 * Each algorithm has a block function that consumes whole 64-byte blocks
 * straight from the caller's buffer; only a partial block at either end of
 * an update is copied into the context.  The compression loops are fully
 * unrolled, with the working variables renamed from one round to the next
 * instead of shifted, and the message schedule kept in a ring of 16 words.
 * Words are assembled from bytes, so the result does not depend on the
 * host's byte order or on alignment; gcc turns these loads into single
 * (byte-swapping) moves and the rotates into rotate instructions.
 *
 * The constants were derived from their definitions (sines for MD5, roots
 * of small integers and primes for SHA) and are checked by the standard
 * test vectors in tests/unit-hash.c.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "hash.h"
#include "util.h"

#define ROL32(x, n) (((x) << (n)) | ((x) >> (32 - (n))))
#define ROR32(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

/* How much vs_hash_update() gives each algorithm in turn, so that the
 * data is still in the cache for the second and third. */
#define VS_HASH_STRIDE (16 * 1024)

/* How much vs_sha256_fd() reads at a time. */
#define VS_HASH_READ_CHUNK (1024 * 1024)

static inline uint32_t
load_le32 (const unsigned char *p)
{
  return (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16
         | (uint32_t) p[3] << 24;
}

static inline uint32_t
load_be32 (const unsigned char *p)
{
  return (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16 | (uint32_t) p[2] << 8
         | (uint32_t) p[3];
}

static void
hex (char *out, const unsigned char *bytes, size_t n)
{
  static const char digits[] = "0123456789abcdef";
  size_t i;

  for (i = 0; i < n; i++) {
    *out++ = digits[bytes[i] >> 4];
    *out++ = digits[bytes[i] & 15];
  }
  *out = '\0';
}

/* Writes state as hex: words little-endian (MD5) or big-endian (SHA). */
static void
state_hex (char *out, const uint32_t *state, size_t nwords, int big_endian)
{
  unsigned char bytes[32];
  size_t i;
  int j;

  for (i = 0; i < nwords; i++)
    for (j = 0; j < 4; j++)
      bytes[4 * i + j] = big_endian ? state[i] >> (24 - 8 * j)
                                    : state[i] >> (8 * j);
  hex (out, bytes, 4 * nwords);
}

/* The buffering common to the three algorithms: completes and consumes a
 * block left over from the previous update, then hands every whole block
 * of data to the block function in place, and keeps the tail. */
static inline void
feed (uint32_t *state, unsigned char *buf, uint64_t *len,
      void (*blocks) (uint32_t *, const unsigned char *, size_t),
      const unsigned char *p, size_t n)
{
  size_t have = *len & 63;

  *len += n;
  if (have) {
    size_t want = 64 - have;

    if (n < want) {
      memcpy (buf + have, p, n);
      return;
    }
    memcpy (buf + have, p, want);
    blocks (state, buf, 1);
    p += want;
    n -= want;
  }
  if (n >= 64) {
    blocks (state, p, n / 64);
    p += n & ~(size_t) 63;
    n &= 63;
  }
  if (n)
    memcpy (buf, p, n);
}

/* The padding common to the three algorithms: a 1 bit, zeros, and the
 * message length in bits as 64 bits, so that the total is a multiple of
 * 512 bits.  MD5 stores the length little-endian, SHA big-endian. */
static void
finish (uint32_t *state, unsigned char *buf, uint64_t len,
        void (*blocks) (uint32_t *, const unsigned char *, size_t),
        int big_endian)
{
  size_t have = len & 63;
  uint64_t bits = len << 3;
  int i;

  buf[have++] = 0x80;
  if (have > 56) {
    memset (buf + have, 0, 64 - have);
    blocks (state, buf, 1);
    have = 0;
  }
  memset (buf + have, 0, 56 - have);
  for (i = 0; i < 8; i++)
    buf[56 + i] = big_endian ? bits >> (56 - 8 * i) : bits >> (8 * i);
  blocks (state, buf, 1);
}

/* ---- MD5 (RFC 1321) ---------------------------------------------------- */

/* The auxiliary functions of section 3.4, in forms with fewer operations:
 * F selects y or z by x, G selects x or y by z. */
#define MD5_F(x, y, z) ((z) ^ ((x) & ((y) ^ (z))))
#define MD5_G(x, y, z) ((y) ^ ((z) & ((x) ^ (y))))
#define MD5_H(x, y, z) ((x) ^ (y) ^ (z))
#define MD5_I(x, y, z) ((y) ^ ((x) | ~(z)))

#define MD5_STEP(f, a, b, c, d, k, t, s)                                      \
  do {                                                                        \
    (a) += f ((b), (c), (d)) + x[k] + (uint32_t) (t);                         \
    (a) = ROL32 ((a), (s)) + (b);                                             \
  } while (0)

static void
md5_blocks (uint32_t *state, const unsigned char *p, size_t nblocks)
{
  uint32_t a, b, c, d, x[16];
  int i;

  for (; nblocks; nblocks--, p += 64) {
    for (i = 0; i < 16; i++)
      x[i] = load_le32 (p + 4 * i);
    a = state[0];
    b = state[1];
    c = state[2];
    d = state[3];

    /* Round 1. */
    MD5_STEP (MD5_F, a, b, c, d, 0, 0xd76aa478, 7);
    MD5_STEP (MD5_F, d, a, b, c, 1, 0xe8c7b756, 12);
    MD5_STEP (MD5_F, c, d, a, b, 2, 0x242070db, 17);
    MD5_STEP (MD5_F, b, c, d, a, 3, 0xc1bdceee, 22);
    MD5_STEP (MD5_F, a, b, c, d, 4, 0xf57c0faf, 7);
    MD5_STEP (MD5_F, d, a, b, c, 5, 0x4787c62a, 12);
    MD5_STEP (MD5_F, c, d, a, b, 6, 0xa8304613, 17);
    MD5_STEP (MD5_F, b, c, d, a, 7, 0xfd469501, 22);
    MD5_STEP (MD5_F, a, b, c, d, 8, 0x698098d8, 7);
    MD5_STEP (MD5_F, d, a, b, c, 9, 0x8b44f7af, 12);
    MD5_STEP (MD5_F, c, d, a, b, 10, 0xffff5bb1, 17);
    MD5_STEP (MD5_F, b, c, d, a, 11, 0x895cd7be, 22);
    MD5_STEP (MD5_F, a, b, c, d, 12, 0x6b901122, 7);
    MD5_STEP (MD5_F, d, a, b, c, 13, 0xfd987193, 12);
    MD5_STEP (MD5_F, c, d, a, b, 14, 0xa679438e, 17);
    MD5_STEP (MD5_F, b, c, d, a, 15, 0x49b40821, 22);

    /* Round 2. */
    MD5_STEP (MD5_G, a, b, c, d, 1, 0xf61e2562, 5);
    MD5_STEP (MD5_G, d, a, b, c, 6, 0xc040b340, 9);
    MD5_STEP (MD5_G, c, d, a, b, 11, 0x265e5a51, 14);
    MD5_STEP (MD5_G, b, c, d, a, 0, 0xe9b6c7aa, 20);
    MD5_STEP (MD5_G, a, b, c, d, 5, 0xd62f105d, 5);
    MD5_STEP (MD5_G, d, a, b, c, 10, 0x02441453, 9);
    MD5_STEP (MD5_G, c, d, a, b, 15, 0xd8a1e681, 14);
    MD5_STEP (MD5_G, b, c, d, a, 4, 0xe7d3fbc8, 20);
    MD5_STEP (MD5_G, a, b, c, d, 9, 0x21e1cde6, 5);
    MD5_STEP (MD5_G, d, a, b, c, 14, 0xc33707d6, 9);
    MD5_STEP (MD5_G, c, d, a, b, 3, 0xf4d50d87, 14);
    MD5_STEP (MD5_G, b, c, d, a, 8, 0x455a14ed, 20);
    MD5_STEP (MD5_G, a, b, c, d, 13, 0xa9e3e905, 5);
    MD5_STEP (MD5_G, d, a, b, c, 2, 0xfcefa3f8, 9);
    MD5_STEP (MD5_G, c, d, a, b, 7, 0x676f02d9, 14);
    MD5_STEP (MD5_G, b, c, d, a, 12, 0x8d2a4c8a, 20);

    /* Round 3. */
    MD5_STEP (MD5_H, a, b, c, d, 5, 0xfffa3942, 4);
    MD5_STEP (MD5_H, d, a, b, c, 8, 0x8771f681, 11);
    MD5_STEP (MD5_H, c, d, a, b, 11, 0x6d9d6122, 16);
    MD5_STEP (MD5_H, b, c, d, a, 14, 0xfde5380c, 23);
    MD5_STEP (MD5_H, a, b, c, d, 1, 0xa4beea44, 4);
    MD5_STEP (MD5_H, d, a, b, c, 4, 0x4bdecfa9, 11);
    MD5_STEP (MD5_H, c, d, a, b, 7, 0xf6bb4b60, 16);
    MD5_STEP (MD5_H, b, c, d, a, 10, 0xbebfbc70, 23);
    MD5_STEP (MD5_H, a, b, c, d, 13, 0x289b7ec6, 4);
    MD5_STEP (MD5_H, d, a, b, c, 0, 0xeaa127fa, 11);
    MD5_STEP (MD5_H, c, d, a, b, 3, 0xd4ef3085, 16);
    MD5_STEP (MD5_H, b, c, d, a, 6, 0x04881d05, 23);
    MD5_STEP (MD5_H, a, b, c, d, 9, 0xd9d4d039, 4);
    MD5_STEP (MD5_H, d, a, b, c, 12, 0xe6db99e5, 11);
    MD5_STEP (MD5_H, c, d, a, b, 15, 0x1fa27cf8, 16);
    MD5_STEP (MD5_H, b, c, d, a, 2, 0xc4ac5665, 23);

    /* Round 4. */
    MD5_STEP (MD5_I, a, b, c, d, 0, 0xf4292244, 6);
    MD5_STEP (MD5_I, d, a, b, c, 7, 0x432aff97, 10);
    MD5_STEP (MD5_I, c, d, a, b, 14, 0xab9423a7, 15);
    MD5_STEP (MD5_I, b, c, d, a, 5, 0xfc93a039, 21);
    MD5_STEP (MD5_I, a, b, c, d, 12, 0x655b59c3, 6);
    MD5_STEP (MD5_I, d, a, b, c, 3, 0x8f0ccc92, 10);
    MD5_STEP (MD5_I, c, d, a, b, 10, 0xffeff47d, 15);
    MD5_STEP (MD5_I, b, c, d, a, 1, 0x85845dd1, 21);
    MD5_STEP (MD5_I, a, b, c, d, 8, 0x6fa87e4f, 6);
    MD5_STEP (MD5_I, d, a, b, c, 15, 0xfe2ce6e0, 10);
    MD5_STEP (MD5_I, c, d, a, b, 6, 0xa3014314, 15);
    MD5_STEP (MD5_I, b, c, d, a, 13, 0x4e0811a1, 21);
    MD5_STEP (MD5_I, a, b, c, d, 4, 0xf7537e82, 6);
    MD5_STEP (MD5_I, d, a, b, c, 11, 0xbd3af235, 10);
    MD5_STEP (MD5_I, c, d, a, b, 2, 0x2ad7d2bb, 15);
    MD5_STEP (MD5_I, b, c, d, a, 9, 0xeb86d391, 21);

    state[0] += a;
    state[1] += b;
    state[2] += c;
    state[3] += d;
  }
}

static void
md5_init (struct vs_md5 *m)
{
  m->state[0] = 0x67452301;
  m->state[1] = 0xefcdab89;
  m->state[2] = 0x98badcfe;
  m->state[3] = 0x10325476;
  m->len = 0;
}

/* ---- SHA-1 (FIPS 180-4, 6.1) ------------------------------------------- */

#define SHA1_CH(x, y, z) ((z) ^ ((x) & ((y) ^ (z))))
#define SHA1_PARITY(x, y, z) ((x) ^ (y) ^ (z))
#define SHA1_MAJ(x, y, z) (((x) & (y)) | ((z) & ((x) | (y))))

/* W[t] for t < 16 is the message word; later ones replace W[t - 16] in
 * the ring of 16. */
#define SHA1_W(t)                                                             \
  ((t) < 16 ? w[(t) & 15]                                                     \
   : (w[(t) & 15] = ROL32 (w[((t) + 13) & 15] ^ w[((t) + 8) & 15]            \
                           ^ w[((t) + 2) & 15] ^ w[(t) & 15], 1)))

/* One round, with the variables renamed rather than moved: the caller
 * passes (a, b, c, d, e) rotated right by one each time. */
#define SHA1_ROUND(a, b, c, d, e, f, k, t)                                    \
  do {                                                                        \
    (e) += ROL32 ((a), 5) + f ((b), (c), (d)) + (uint32_t) (k) + SHA1_W (t);  \
    (b) = ROL32 ((b), 30);                                                    \
  } while (0)

#define SHA1_5ROUNDS(f, k, t)                                                 \
  do {                                                                        \
    SHA1_ROUND (a, b, c, d, e, f, k, (t));                                    \
    SHA1_ROUND (e, a, b, c, d, f, k, (t) + 1);                                \
    SHA1_ROUND (d, e, a, b, c, f, k, (t) + 2);                                \
    SHA1_ROUND (c, d, e, a, b, f, k, (t) + 3);                                \
    SHA1_ROUND (b, c, d, e, a, f, k, (t) + 4);                                \
  } while (0)

static void
sha1_blocks (uint32_t *state, const unsigned char *p, size_t nblocks)
{
  uint32_t a, b, c, d, e, w[16];
  int i;

  for (; nblocks; nblocks--, p += 64) {
    for (i = 0; i < 16; i++)
      w[i] = load_be32 (p + 4 * i);
    a = state[0];
    b = state[1];
    c = state[2];
    d = state[3];
    e = state[4];

    /* The constants are the square roots of 2, 3, 5 and 10, times 2^30. */
    SHA1_5ROUNDS (SHA1_CH, 0x5a827999, 0);
    SHA1_5ROUNDS (SHA1_CH, 0x5a827999, 5);
    SHA1_5ROUNDS (SHA1_CH, 0x5a827999, 10);
    SHA1_5ROUNDS (SHA1_CH, 0x5a827999, 15);
    SHA1_5ROUNDS (SHA1_PARITY, 0x6ed9eba1, 20);
    SHA1_5ROUNDS (SHA1_PARITY, 0x6ed9eba1, 25);
    SHA1_5ROUNDS (SHA1_PARITY, 0x6ed9eba1, 30);
    SHA1_5ROUNDS (SHA1_PARITY, 0x6ed9eba1, 35);
    SHA1_5ROUNDS (SHA1_MAJ, 0x8f1bbcdc, 40);
    SHA1_5ROUNDS (SHA1_MAJ, 0x8f1bbcdc, 45);
    SHA1_5ROUNDS (SHA1_MAJ, 0x8f1bbcdc, 50);
    SHA1_5ROUNDS (SHA1_MAJ, 0x8f1bbcdc, 55);
    SHA1_5ROUNDS (SHA1_PARITY, 0xca62c1d6, 60);
    SHA1_5ROUNDS (SHA1_PARITY, 0xca62c1d6, 65);
    SHA1_5ROUNDS (SHA1_PARITY, 0xca62c1d6, 70);
    SHA1_5ROUNDS (SHA1_PARITY, 0xca62c1d6, 75);

    state[0] += a;
    state[1] += b;
    state[2] += c;
    state[3] += d;
    state[4] += e;
  }
}

static void
sha1_init (struct vs_sha1 *s)
{
  s->state[0] = 0x67452301;
  s->state[1] = 0xefcdab89;
  s->state[2] = 0x98badcfe;
  s->state[3] = 0x10325476;
  s->state[4] = 0xc3d2e1f0;
  s->len = 0;
}

/* ---- SHA-256 (FIPS 180-4, 6.2) ----------------------------------------- */

/* The first 32 bits of the fractional parts of the cube roots of the
 * first 64 primes (4.2.2). */
static const uint32_t sha256_k[64] = {
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5,
  0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
  0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
  0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
  0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
  0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5,
  0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

#define SHA256_CH(x, y, z) ((z) ^ ((x) & ((y) ^ (z))))
#define SHA256_MAJ(x, y, z) (((x) & (y)) | ((z) & ((x) | (y))))
#define SHA256_BSIG0(x) (ROR32 ((x), 2) ^ ROR32 ((x), 13) ^ ROR32 ((x), 22))
#define SHA256_BSIG1(x) (ROR32 ((x), 6) ^ ROR32 ((x), 11) ^ ROR32 ((x), 25))
#define SHA256_SSIG0(x) (ROR32 ((x), 7) ^ ROR32 ((x), 18) ^ ((x) >> 3))
#define SHA256_SSIG1(x) (ROR32 ((x), 17) ^ ROR32 ((x), 19) ^ ((x) >> 10))

/* W[t] for t >= 16 replaces W[t - 16] in the ring of 16. */
#define SHA256_W(t)                                                           \
  ((t) < 16 ? w[(t) & 15]                                                     \
   : (w[(t) & 15] += SHA256_SSIG1 (w[((t) + 14) & 15]) + w[((t) + 9) & 15]    \
                     + SHA256_SSIG0 (w[((t) + 1) & 15])))

/* One round, with the variables renamed rather than moved: T1 goes into
 * the new e (d + T1) and the new a (T1 + T2, stored over h). */
#define SHA256_ROUND(a, b, c, d, e, f, g, h, t)                               \
  do {                                                                        \
    uint32_t t1_ = (h) + SHA256_BSIG1 (e) + SHA256_CH ((e), (f), (g))         \
                   + sha256_k[t] + SHA256_W (t);                              \
    (d) += t1_;                                                               \
    (h) = t1_ + SHA256_BSIG0 (a) + SHA256_MAJ ((a), (b), (c));                \
  } while (0)

#define SHA256_8ROUNDS(t)                                                     \
  do {                                                                        \
    SHA256_ROUND (a, b, c, d, e, f, g, h, (t));                               \
    SHA256_ROUND (h, a, b, c, d, e, f, g, (t) + 1);                           \
    SHA256_ROUND (g, h, a, b, c, d, e, f, (t) + 2);                           \
    SHA256_ROUND (f, g, h, a, b, c, d, e, (t) + 3);                           \
    SHA256_ROUND (e, f, g, h, a, b, c, d, (t) + 4);                           \
    SHA256_ROUND (d, e, f, g, h, a, b, c, (t) + 5);                           \
    SHA256_ROUND (c, d, e, f, g, h, a, b, (t) + 6);                           \
    SHA256_ROUND (b, c, d, e, f, g, h, a, (t) + 7);                           \
  } while (0)

static void
sha256_blocks (uint32_t *state, const unsigned char *p, size_t nblocks)
{
  uint32_t a, b, c, d, e, f, g, h, w[16];
  int i;

  for (; nblocks; nblocks--, p += 64) {
    for (i = 0; i < 16; i++)
      w[i] = load_be32 (p + 4 * i);
    a = state[0];
    b = state[1];
    c = state[2];
    d = state[3];
    e = state[4];
    f = state[5];
    g = state[6];
    h = state[7];

    SHA256_8ROUNDS (0);
    SHA256_8ROUNDS (8);
    SHA256_8ROUNDS (16);
    SHA256_8ROUNDS (24);
    SHA256_8ROUNDS (32);
    SHA256_8ROUNDS (40);
    SHA256_8ROUNDS (48);
    SHA256_8ROUNDS (56);

    state[0] += a;
    state[1] += b;
    state[2] += c;
    state[3] += d;
    state[4] += e;
    state[5] += f;
    state[6] += g;
    state[7] += h;
  }
}

void
vs_sha256_init (struct vs_sha256 *s)
{
  /* The first 32 bits of the fractional parts of the square roots of the
   * first 8 primes (5.3.3). */
  s->state[0] = 0x6a09e667;
  s->state[1] = 0xbb67ae85;
  s->state[2] = 0x3c6ef372;
  s->state[3] = 0xa54ff53a;
  s->state[4] = 0x510e527f;
  s->state[5] = 0x9b05688c;
  s->state[6] = 0x1f83d9ab;
  s->state[7] = 0x5be0cd19;
  s->len = 0;
}

void
vs_sha256_update (struct vs_sha256 *s, const void *data, size_t len)
{
  feed (s->state, s->buf, &s->len, sha256_blocks, data, len);
}

void
vs_sha256_final_hex (struct vs_sha256 *s, char out[65])
{
  finish (s->state, s->buf, s->len, sha256_blocks, 1);
  state_hex (out, s->state, 8, 1);
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
  md5_init (&h->md5);
  sha1_init (&h->sha1);
  vs_sha256_init (&h->sha256);
}

void
vs_hash_update (struct vs_hash *h, const void *data, size_t len)
{
  const unsigned char *p = data;

  while (len) {
    size_t n = len < VS_HASH_STRIDE ? len : VS_HASH_STRIDE;

    feed (h->md5.state, h->md5.buf, &h->md5.len, md5_blocks, p, n);
    feed (h->sha1.state, h->sha1.buf, &h->sha1.len, sha1_blocks, p, n);
    feed (h->sha256.state, h->sha256.buf, &h->sha256.len, sha256_blocks,
          p, n);
    p += n;
    len -= n;
  }
}

void
vs_hash_final (struct vs_hash *h, char md5[33], char sha1[41],
               char sha256[65])
{
  finish (h->md5.state, h->md5.buf, h->md5.len, md5_blocks, 0);
  state_hex (md5, h->md5.state, 4, 0);
  finish (h->sha1.state, h->sha1.buf, h->sha1.len, sha1_blocks, 1);
  state_hex (sha1, h->sha1.state, 5, 1);
  vs_sha256_final_hex (&h->sha256, sha256);
}

void
vs_ssh_fingerprint_blob (const void *blob, size_t len,
                         char out[VS_SSH_FINGERPRINT_LEN])
{
  struct vs_sha256 h;
  unsigned char raw[32];
  char hex[65];
  size_t i;

  vs_sha256_init (&h);
  vs_sha256_update (&h, blob, len);
  vs_sha256_final_hex (&h, hex);
  for (i = 0; i < 32; i++) {
    int hi = hex[2 * i] <= '9' ? hex[2 * i] - '0' : hex[2 * i] - 'a' + 10;
    int lo = hex[2 * i + 1] <= '9' ? hex[2 * i + 1] - '0'
      : hex[2 * i + 1] - 'a' + 10;

    raw[i] = (unsigned char) (hi << 4 | lo);
  }
  memcpy (out, "SHA256:", 7);
  vs_base64_encode_nopad (raw, 32, out + 7);
}
