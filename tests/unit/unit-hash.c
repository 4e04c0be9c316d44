/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: unit tests for src/base/hash.c (MD5, SHA-1, SHA-256).
 *
 * Standard test vectors, the same data fed in awkward pieces, lengths
 * either side of the padding boundary, and vs_sha256_fd() on a file of a
 * few MiB checked against the system's sha256sum.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/hash.h"
#include "tap.h"

/* Every expected digest below was computed with GNU coreutils 9.1
 * (md5sum, sha1sum, sha256sum) on Debian 12, e.g.
 *   printf %s abc | sha256sum
 *   head -c 1000000 /dev/zero | tr '\0' a | sha256sum
 * and, for the padding lengths, on the first n bytes of the pattern made
 * by pattern() below:
 *   perl -e 'print map { chr(($_ * 7 + 3) & 0xff) } 0..n-1' | sha256sum
 */
struct vector {
  const char *name;
  const char *data;   /* NULL: one million 'a' */
  const char *md5;
  const char *sha1;
  const char *sha256;
};

static const struct vector vectors[] = {
  { "empty", "",
    "d41d8cd98f00b204e9800998ecf8427e",
    "da39a3ee5e6b4b0d3255bfef95601890afd80709",
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
  { "abc", "abc",
    "900150983cd24fb0d6963f7d28e17f72",
    "a9993e364706816aba3e25717850c26c9cd0d89d",
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
  { "448 bits",
    "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
    "8215ef0796a20bcaaae116d3876c664a",
    "84983e441c3bd26ebaae4aa1f95129e5e54670f1",
    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
  { "896 bits",
    "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
    "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
    "03dd8807a93175fb062dfb55dc7d359c",
    "a49b2446a02c645bf419f995b67091253a04a259",
    "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1" },
  { "million a", NULL,
    "7707d6ae4e027c70eea2a935c2296f21",
    "34aa973cd4c4daa4f61eeb2bdbad27316534016f",
    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0" },
};
#define N_VECTORS (sizeof vectors / sizeof vectors[0])

struct padding {
  size_t len;
  const char *md5;
  const char *sha1;
  const char *sha256;
};

static const struct padding paddings[] = {
  { 55, "52c0e574e1198de5fe3f8f11440dcb1b",
    "ddf57317ef34bfee3b6df83d359098930eb278bc",
    "e7313d333c272e639f790978283f9eb392e843d0f29b7016828bb1daa4aac70b" },
  { 56, "46c9907fc908ee68b1e7b8e71286a518",
    "a0d492bb0fc889d0eca3bc137066ab6f4f74f369",
    "4324d65f3c103567f5589c710bc08f8523f929a9272e3af36fc968e52abc6c27" },
  { 57, "1c805dd236c35cab25fcb1bc73802c51",
    "11a02dcf95859677a62e75024067c22b165d890f",
    "35df609437dcfea3279283ab79fd554e2bf78f8f7ae2de532d8ee300b09e8f73" },
  { 63, "a62f6d59e837867693f042f5b8f5a236",
    "c55856749bef509bdfe6bfebfc7bf4e793e82132",
    "81c80242132f230c3bd41b3e63bbcff16107339549214a99614ff26664625055" },
  { 64, "7160b8fb5e9e4023d549c3971fbaeead",
    "bede92be29c3874e1b54ddc77988d606fc857a8e",
    "39e3d7b6b5d075d37d053ad89b24b41bef4f3c29760c84447cab3f3be1882241" },
  { 65, "70bd662e7aefbda85a0f7244167b7897",
    "b05a80522b053d6dc7e0a517d0e70212c7dad11f",
    "aacca6ff74fdbb296d165a45cecfa04e5127bc008770fbbdd48006f2d2fae95e" },
};
#define N_PADDINGS (sizeof paddings / sizeof paddings[0])

static const size_t chunks[] = { 1, 3, 63, 64, 65, 4097 };
#define N_CHUNKS (sizeof chunks / sizeof chunks[0])

#define MILLION 1000000
#define FILE_SIZE (3 * 1024 * 1024 + 17)

#define N_TESTS (N_VECTORS * 4 + N_CHUNKS * 4 + 4 + N_PADDINGS * 5 + 5)

static void
pattern (unsigned char *p, size_t n)
{
  size_t i;

  for (i = 0; i < n; i++)
    p[i] = (i * 7 + 3) & 0xff;
}

/* Feeds data to both a vs_hash and a vs_sha256 in pieces of `chunk'
 * bytes, or, if chunk is 0, in the cycle of sizes of chunks[]. */
static void
digest (const unsigned char *data, size_t len, size_t chunk,
        char md5[33], char sha1[41], char sha256[65], char sha256only[65])
{
  struct vs_hash h;
  struct vs_sha256 s;
  size_t off = 0, i = 0;

  vs_hash_init (&h);
  vs_sha256_init (&s);
  while (off < len) {
    size_t n = chunk ? chunk : chunks[i++ % N_CHUNKS];

    if (n > len - off)
      n = len - off;
    vs_hash_update (&h, data + off, n);
    vs_sha256_update (&s, data + off, n);
    off += n;
  }
  vs_hash_final (&h, md5, sha1, sha256);
  vs_sha256_final_hex (&s, sha256only);
}

static void
check (const unsigned char *data, size_t len, size_t chunk,
       const char *want_md5, const char *want_sha1, const char *want_sha256,
       const char *what)
{
  char md5[33], sha1[41], sha256[65], sha256only[65];

  digest (data, len, chunk, md5, sha1, sha256, sha256only);
  tap_is_str (md5, want_md5, "md5 %s", what);
  tap_is_str (sha1, want_sha1, "sha1 %s", what);
  tap_is_str (sha256, want_sha256, "sha256 %s", what);
  tap_is_str (sha256only, want_sha256, "vs_sha256 %s", what);
}

/* Whether every split of data into two updates gives p's digests. */
static int
splits_agree (const unsigned char *data, size_t len,
              const struct padding *p)
{
  char md5[33], sha1[41], sha256[65], sha256only[65];
  struct vs_hash h;
  struct vs_sha256 s;
  size_t k;
  int ok = 1;

  for (k = 0; k <= len; k++) {
    vs_hash_init (&h);
    vs_sha256_init (&s);
    vs_hash_update (&h, data, k);
    vs_sha256_update (&s, data, k);
    vs_hash_update (&h, data + k, len - k);
    vs_sha256_update (&s, data + k, len - k);
    vs_hash_final (&h, md5, sha1, sha256);
    vs_sha256_final_hex (&s, sha256only);
    if (strcmp (md5, p->md5) || strcmp (sha1, p->sha1)
        || strcmp (sha256, p->sha256) || strcmp (sha256only, p->sha256)) {
      printf ("# split at %zu differs\n", k);
      ok = 0;
    }
  }
  return ok;
}

/* A reproducible pseudo-random byte stream (xorshift32). */
static void
random_bytes (unsigned char *p, size_t n)
{
  uint32_t x = 0x9e3779b9;
  size_t i;

  for (i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    p[i] = x >> 24;
  }
}

static int
write_all (int fd, const unsigned char *p, size_t n)
{
  while (n) {
    ssize_t r = write (fd, p, n);

    if (r < 0) {
      if (errno == EINTR)
        continue;
      return -1;
    }
    p += r;
    n -= r;
  }
  return 0;
}

/* Runs sha256sum on path (which must not contain a single quote) and
 * writes its digest to out.  Returns 0 or -1. */
static int
system_sha256 (const char *path, char out[65])
{
  char cmd[4200];
  char line[256];
  FILE *fp;
  int status;

  snprintf (cmd, sizeof cmd, "sha256sum < '%s'", path);
  fp = popen (cmd, "r");
  if (!fp)
    return -1;
  if (!fgets (line, sizeof line, fp))
    line[0] = '\0';
  status = pclose (fp);
  if (status != 0 || strspn (line, "0123456789abcdef") != 64)
    return -1;
  memcpy (out, line, 64);
  out[64] = '\0';
  return 0;
}

static void
test_fd (void)
{
  const char *tmpdir = getenv ("TMPDIR");
  char path[4096];
  char got[65], mem[65], sys[65];
  unsigned char *data;
  struct vs_sha256 s;
  off_t before, after;
  int fd, r;

  data = malloc (FILE_SIZE);
  if (!data) {
    perror ("malloc");
    exit (1);
  }
  random_bytes (data, FILE_SIZE);
  vs_sha256_init (&s);
  vs_sha256_update (&s, data, FILE_SIZE);
  vs_sha256_final_hex (&s, mem);

  if (!tmpdir || !*tmpdir || strchr (tmpdir, '\''))
    tmpdir = "/tmp";
  snprintf (path, sizeof path, "%s/unit-hash-XXXXXX", tmpdir);
  fd = mkstemp (path);
  if (fd < 0 || write_all (fd, data, FILE_SIZE) < 0) {
    perror (path);
    if (fd >= 0)
      unlink (path);
    exit (1);
  }
  free (data);

  before = lseek (fd, 0, SEEK_CUR);
  r = vs_sha256_fd (fd, got);
  after = lseek (fd, 0, SEEK_CUR);
  tap_ok (r == 0, "vs_sha256_fd succeeds");
  tap_is_str (r == 0 ? got : NULL, mem,
              "vs_sha256_fd agrees with vs_sha256_update");
  tap_ok (before == after, "vs_sha256_fd leaves the file offset alone");

  if (system ("command -v sha256sum >/dev/null 2>&1") != 0)
    tap_skip ("sha256sum not found");
  else if (system_sha256 (path, sys) < 0)
    tap_ok (0, "vs_sha256_fd agrees with sha256sum (sha256sum failed)");
  else
    tap_is_str (r == 0 ? got : NULL, sys,
                "vs_sha256_fd agrees with sha256sum on %d bytes",
                FILE_SIZE);
  unlink (path);
  close (fd);

  errno = 0;
  r = vs_sha256_fd (-1, got);
  tap_ok (r == -1 && errno == EBADF, "vs_sha256_fd on a bad fd: EBADF");
}

int
main (void)
{
  unsigned char *million, pad[65];
  size_t i;

  million = malloc (MILLION);
  if (!million) {
    perror ("malloc");
    return 1;
  }
  memset (million, 'a', MILLION);

  tap_plan (N_TESTS);

  /* Standard vectors, in one piece. */
  for (i = 0; i < N_VECTORS; i++) {
    const struct vector *v = &vectors[i];
    const unsigned char *data = v->data ? (const void *) v->data : million;
    size_t len = v->data ? strlen (v->data) : MILLION;

    check (data, len, len ? len : 1, v->md5, v->sha1, v->sha256, v->name);
  }

  /* One million 'a' in pieces of every awkward size, then all mixed. */
  for (i = 0; i < N_CHUNKS; i++) {
    char what[64];

    snprintf (what, sizeof what, "million a in %zu-byte pieces", chunks[i]);
    check (million, MILLION, chunks[i], vectors[4].md5, vectors[4].sha1,
           vectors[4].sha256, what);
  }
  check (million, MILLION, 0, vectors[4].md5, vectors[4].sha1,
         vectors[4].sha256, "million a in mixed pieces");

  /* Around the padding boundary: in one piece and in two. */
  pattern (pad, sizeof pad);
  for (i = 0; i < N_PADDINGS; i++) {
    const struct padding *p = &paddings[i];
    char what[64];

    snprintf (what, sizeof what, "%zu bytes", p->len);
    check (pad, p->len, p->len, p->md5, p->sha1, p->sha256, what);
    tap_ok (splits_agree (pad, p->len, p),
            "%zu bytes in two pieces, split anywhere", p->len);
  }

  test_fd ();

  free (million);
  return tap_done ();
}
