/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: what a file's name says about it, for the masquerading checks.
 *
 * Pure functions of the bytes of a name or path (no guest, no database),
 * so that a fuzzer can drive them alone.  Names come from the image: any
 * bytes but NUL and '/', any length, not necessarily UTF-8.  Nothing here
 * allocates; every loop is bounded by the length given.
 */
#ifndef VS_NAMES_H
#define VS_NAMES_H

#include <stddef.h>

/* The last component of path (len bytes): a pointer into path and its
 * length in *blen. */
const char *vs_name_base (const char *path, size_t len, size_t *blen);

/* 1 if the name imitates a kernel thread as ps(1) shows it: "[kworker]",
 * "kworker/0:1"-like stems (kworker, kthreadd, ksoftirqd, kswapd0,
 * migration, watchdogd, ...), or a name with brackets. */
int vs_name_kthread_like (const char *name, size_t len);

/* 1 if the name starts or ends with a space (or tab): a name made to look
 * like another one in a process list or a directory listing. */
int vs_name_edge_space (const char *name, size_t len);

/* 1 if the name is the name of a well-known system daemon or tool
 * (sshd, systemd, cron, bash, ...). */
int vs_name_system_binary (const char *name, size_t len);

/* 1 if the name is that of a known cryptominer program (xmrig,
 * kdevtmpfsi, kinsing, minerd, ...), alone or followed by '-', '_' or
 * '.' and more (as in "xmrig-6.21.0"). */
int vs_name_miner (const char *name, size_t len);

/* 1 if the name ends with the extension of a document, picture, sound or
 * archive (".jpg", ".pdf", ".txt", ...); *ext points at it (after the
 * dot). */
int vs_name_document_ext (const char *name, size_t len, const char **ext,
                          size_t *ext_len);

/* 1 if every byte of the name is a dot or a space ("...", ". ", " "),
 * other than "." and "..". */
int vs_name_blank (const char *name, size_t len);

/* A hidden component (starting with '.') that is commonly full of
 * programs on a clean system (".cache", ".local", ".cargo", ".build-id",
 * ...): 1 if benign. */
int vs_name_hidden_benign (const char *name, size_t len);

/* 1 if some directory component of path (not the last) or the last
 * component itself starts with '.' and is not benign (above); *comp and
 * *comp_len give the first such component. */
int vs_name_hidden_component (const char *path, size_t len,
                              const char **comp, size_t *comp_len);

enum vs_name_trick {
  VS_NAME_PLAIN = 0,
  VS_NAME_BIDI,                 /* a bidirectional override or isolate,
                                   as U+202E */
  VS_NAME_INVISIBLE,            /* a zero-width or invisible character */
  VS_NAME_MIXED_SCRIPT,         /* Latin letters mixed with Cyrillic or
                                   Greek ones (homoglyphs) */
};

/* How the name tries to look like another one, the worst first. */
enum vs_name_trick vs_name_unicode_trick (const char *name, size_t len);

/* 1 if path is in a directory any user can write to and that is cleaned
 * at boot: /tmp, /var/tmp, /dev/shm (and below). */
int vs_name_in_tmp (const char *path, size_t len);

/* 1 if path is where a distribution installs programs and libraries:
 * /usr/bin, /usr/sbin, /bin, /sbin, /usr/lib*, /lib*, /usr/libexec,
 * /usr/local/bin, /usr/local/sbin, /usr/local/lib. */
int vs_name_in_system_dir (const char *path, size_t len);

/* 1 if some directory component of path is bin, sbin, libexec, lib,
 * lib32 or lib64 (a program in a container layer, /opt/x/bin, ...). */
int vs_name_in_any_bin_dir (const char *path, size_t len);

/* 1 if path is under a home directory (/root, /home/NAME). */
int vs_name_in_home (const char *path, size_t len);

#endif /* VS_NAMES_H */
