/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: base64 (RFC 4648, the standard alphabet), for ssh key blobs
 * and the digests in their fingerprints.
 */
#ifndef VS_BASE64_H
#define VS_BASE64_H

#include <stddef.h>

/* The value of a base64 digit, or -1. */
int vs_base64_value (unsigned char c);

/* Encodes n bytes as base64 without padding into out, which must hold
 * (4 * n + 2) / 3 + 1 bytes. */
void vs_base64_encode_nopad (const unsigned char *in, size_t n, char *out);

/* Decodes base64 (whitespace not allowed, padding optional); out must
 * hold len * 3 / 4 + 3 bytes.  Returns the decoded length, or -1. */
long vs_base64_decode (const char *s, size_t len, unsigned char *out);

#endif /* VS_BASE64_H */
