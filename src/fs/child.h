/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: a sandboxed child process for the parsers of on-disk
 * structures.
 *
 * Every host filesystem reader runs in a child that cannot name a host
 * file or reach a socket.  vs_child_start forks; the child keeps only
 * the descriptors it is given (keep_fds) and its end of a socket pair to
 * the parent (fds 0, 1 and 2 become /dev/null unless kept), sets its
 * limits (address space, CPU time, no core, no file writes, no new
 * descriptor), gives up root for nobody (65534) when it has it, sets
 * PR_SET_NO_NEW_PRIVS and loads a seccomp filter, and only then runs fn,
 * which serves the parent's requests until the parent goes away.
 *
 * The filter allows reading (read, pread64, readv, preadv), seeking and
 * fstat on the descriptors the child holds, sending and receiving on the
 * held sockets (its end of the pair; an NBD socket the parent connected),
 * memory management without PROT_EXEC, the clocks, sleeping, futex,
 * getrandom, signals to itself and exiting; an ioctl fails with ENOTTY.
 * Anything else (open, openat, socket, connect, execve, fork, clone,
 * ptrace, kill, dup, mount, ...) kills the child (SIGSYS).
 *
 * Messages in both directions are framed: a 4-byte little-endian length,
 * then that many bytes, at most VS_CHILD_MAX_MSG.  The parent trusts
 * nothing the child sends: a message too long, a stall, the socket
 * closing, a signal or an exit all end the child (killed, reaped) and
 * come back as a one-line reason naming what happened ("stalled",
 * "killed by the sandbox (SIGSYS)", "crashed (SIGSEGV)", ...).  After
 * that every call fails with the same reason.
 *
 * The child is killed when the thread that started it ends
 * (PR_SET_PDEATHSIG): start it from a thread that outlives it.  It runs
 * in its own process group, so that a ^C is the parent's to handle.
 * fn runs in a forked copy of a process that may have other threads: it
 * may use malloc (glibc makes it safe after fork) but no lock another
 * thread of the parent could have held.  One thread at a time uses a
 * struct vs_child.
 *
 * VMSCAN_TEST_HOOK (as base/util.c's hooks) makes the child misbehave on
 * its first request, for the tests: "child-crash" (SIGSEGV),
 * "child-hang" (sleeps forever), "child-spin" (burns CPU),
 * "child-alloc" (allocates until the address-space limit),
 * "child-open" (opens /etc/hostname), "child-socket" (makes a socket).
 * Other "child-" hooks are for fn to read with vs_child_hook.  With
 * "@N" after its name ("child-crash@200") a hook runs on the Nth request
 * instead of the first: a reader that fails part way through a walk.
 */
#ifndef VS_FS_CHILD_H
#define VS_FS_CHILD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

/* The largest message either side sends, its length prefix not counted:
 * a 1 MiB chunk of data and a header. */
#define VS_CHILD_MAX_MSG (1024 * 1024 + 4096)

/* The most descriptors a child can be given (its socket not counted). */
#define VS_CHILD_MAX_FDS 8

/* The address space a child may add by default (vs_child_limits). */
#define VS_CHILD_DEFAULT_MEM (1024ULL * 1024 * 1024)

/* Zero in a field means its default. */
struct vs_child_limits {
  uint64_t mem_bytes;           /* address space the child may add to
                                   what it inherits (RLIMIT_AS);
                                   default 1 GiB */
  unsigned cpu_seconds;         /* CPU time over the child's whole life
                                   (RLIMIT_CPU: SIGXCPU, then SIGKILL a
                                   second later); default 600 */
  unsigned timeout_ms;          /* the longest wait for one answer, when
                                   a call gives none; default 30000 */
};

struct vs_child;

/* What the child runs after the sandbox is in place: it serves requests
 * (vs_child_recv, vs_child_send) until vs_child_recv returns 0, and
 * returns 0, or nonzero for an exit status of 1. */
typedef int vs_child_fn (struct vs_child *ch, void *opaque);

/* Starts fn (ch, opaque) in a sandboxed child holding keep_fds (at
 * their numbers; nkeep at most VS_CHILD_MAX_FDS) and waits until its
 * sandbox is in place.  lim may be NULL (the defaults).  Returns 0, or
 * -1 with a one-line reason in *errmsg (caller frees). */
int vs_child_start (vs_child_fn *fn, void *opaque, const int *keep_fds,
                    size_t nkeep, const struct vs_child_limits *lim,
                    struct vs_child **out, char **errmsg);

/* In the parent: sends req (reqlen bytes, 1 to VS_CHILD_MAX_MSG) and
 * waits at most timeout_ms (0: the limits' timeout) for the answer,
 * which it returns in *resp (*resplen bytes; caller frees).  Returns 0,
 * or -1 with a one-line reason in *errmsg (caller frees) once the child
 * has failed; it is then killed and reaped. */
int vs_child_call (struct vs_child *ch, const void *req, size_t reqlen,
                   void **resp, size_t *resplen, int timeout_ms,
                   char **errmsg);

/* In the parent: the next message of an answer given in several (a
 * listing streamed in batches), as vs_child_call without sending. */
int vs_child_more (struct vs_child *ch, void **resp, size_t *resplen,
                   int timeout_ms, char **errmsg);

/* In the parent: kills the child (the caller has found its answers
 * wrong) and keeps why (printf-style) as the reason later calls give. */
void vs_child_kill (struct vs_child *ch, const char *why, ...)
  __attribute__((format (printf, 2, 3)));

/* In the parent: NULL while the child serves, else why it stopped. */
const char *vs_child_failed (const struct vs_child *ch);

pid_t vs_child_pid (const struct vs_child *ch);

/* In the child: waits for the next request and copies it into buf
 * (size bytes).  Returns 1 with its length in *len, 0 when the parent
 * has gone, -1 on an error (EMSGSIZE: larger than size). */
int vs_child_recv (struct vs_child *ch, void *buf, size_t size, size_t *len);

/* In the child: sends one message made of iovcnt pieces (their total at
 * most VS_CHILD_MAX_MSG).  Returns 0 or -1 (errno set). */
int vs_child_sendv (struct vs_child *ch, const struct iovec *iov, int iovcnt);
int vs_child_send (struct vs_child *ch, const void *buf, size_t len);

/* In the child: 1 if VMSCAN_TEST_HOOK is the hook name ("child-..."). */
int vs_child_hook (const struct vs_child *ch, const char *name);

/* In the parent: kills and reaps the child, and frees ch.  Accepts
 * NULL. */
void vs_child_free (struct vs_child *ch);

#endif /* VS_FS_CHILD_H */
