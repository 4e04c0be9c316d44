/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: a sandbox for qemu's user-space tools.
 *
 * A crafted image can name other files (a backing file, a data file, a
 * VMDK extent) or network servers that qemu would open on its behalf.
 * A tool started here runs in a view of the host that holds nothing to
 * name: its own mount namespace whose root is a small read-only tmpfs
 * holding read-only binds of /usr (and the /bin, /sbin, /lib* entries
 * beside it, as symlinks or binds), /dev/null, /dev/zero, /dev/urandom
 * and the image itself at VS_SANDBOX_IMAGE.  No host /etc, /home, /root,
 * /tmp, /var, /proc, /sys or disk devices; a network namespace of its
 * own (no interface up, so no server can be reached); no capabilities
 * (as root, CAP_DAC_OVERRIDE only when the image's owner bits would not
 * let root read it); no new privileges; killed when vmscan dies; no open
 * descriptor but those it is given.
 *
 * The image is bound from the very descriptor vmscan opened, not found
 * again by name (as root; without root it is found by the name the
 * kernel gives for the descriptor and must be the same device and
 * inode).  When the namespaces cannot be made the tool is not run: the
 * caller refuses the scan.
 *
 * The tool is killed when the thread that started it ends
 * (PR_SET_PDEATHSIG): start it from a thread that outlives it (vmscan's
 * main thread).
 */
#ifndef VS_SANDBOX_H
#define VS_SANDBOX_H

#include <stddef.h>
#include <sys/types.h>

/* Where the image is inside the sandbox. */
#define VS_SANDBOX_IMAGE "/image"

/* The most descriptors a tool can be given (become 3, 4, ...). */
#define VS_SANDBOX_MAX_FDS 4

struct vs_sandbox_cmd {
  const char *const *argv;      /* argv[0]: an absolute path, under /usr
                                   (see vs_sandbox_find_tool) */
  int image_fd;                 /* the image, read-only at
                                   VS_SANDBOX_IMAGE */
  const int *fds;               /* given to the tool as 3, 4, ... */
  size_t nfds;
  int out_fd, err_fd;           /* its stdout, stderr; -1: /dev/null */
};

/* The absolute path of the tool called name, found on PATH, as the
 * sandbox sees it (the host's path when it is under /usr, or under a
 * /bin, /sbin symlink into it).  Returns a string to free, or NULL with
 * a one-line reason in *errmsg (caller frees). */
char *vs_sandbox_find_tool (const char *name, char **errmsg);

/* Starts c->argv in the sandbox.  Returns 0 and writes the tool's pid
 * (the caller kills and reaps it), or -1 with a one-line reason in
 * *errmsg (caller frees) when the sandbox could not be made or the tool
 * could not be started.  Safe to call while other threads run. */
int vs_sandbox_spawn (const struct vs_sandbox_cmd *c, pid_t *pid,
                      char **errmsg);

#endif /* VS_SANDBOX_H */
