/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: the lists of hosts the supply and name resolution checks
 * compare with (defined in supply.c, documented in vmscan(1), CHECKS).
 *
 * Each ends with NULL; an entry that starts with a dot names a domain
 * and every host under it, one without names that host alone
 * (vs_host_in).
 */
#ifndef VS_CHECK_HOSTLISTS_H
#define VS_CHECK_HOSTLISTS_H

/* Where distributions and the clouds' stock images get their packages
 * and security updates. */
extern const char *const vs_distro_hosts[];
/* The public package indexes of pip, npm and gem. */
extern const char *const vs_lang_hosts[];
/* Cloud metadata names. */
extern const char *const vs_metadata_hosts[];
/* Other names an attacker gains by redirecting: code hosting, container
 * registries, cloud APIs, certificate authorities. */
extern const char *const vs_wellknown_hosts[];

#endif /* VS_CHECK_HOSTLISTS_H */
