/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: the order of package versions, so that a diff can say
 * "upgraded" or "downgraded".
 *
 * vs_pkgver_cmp_deb orders Debian versions, [epoch:]upstream[-revision],
 * as Debian Policy 5.6.12 defines it (and dpkg --compare-versions
 * does): epochs as numbers, then the upstream part and then the
 * revision, each compared as alternating runs of non-digits (letters
 * before other characters, '~' before everything, even the end) and of
 * digits (as numbers).
 *
 * vs_pkgver_cmp_rpm orders rpm's [epoch:]version-release as rpm does:
 * the epoch as a number (none is 0), then version, then release, each
 * compared segment by segment (runs of digits or of letters; other
 * characters only separate; a run of digits is newer than one of
 * letters; '~' sorts before everything, even the end, '^' after the end
 * but before anything else).
 *
 * Both take strings of any bytes of the given length, need no NUL, run
 * in time linear in the lengths and return <0, 0 or >0.
 */
#ifndef VS_PARSE_PKGVER_H
#define VS_PARSE_PKGVER_H

#include <stddef.h>

int vs_pkgver_cmp_deb (const char *a, size_t alen, const char *b,
                       size_t blen);
int vs_pkgver_cmp_rpm (const char *a, size_t alen, const char *b,
                       size_t blen);

#endif /* VS_PARSE_PKGVER_H */
