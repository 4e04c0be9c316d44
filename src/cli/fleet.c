/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: --jobs-images N: each image a machine of its own, scanned by a
 * child vmscan, at most N at once, the databases merged into one.
 *
 * Design notes.  A child is this program again (/proc/self/exe) with the
 * options of the command line in their long form, less those it gets
 * its own of, so that an option added to vmscan later reaches the
 * children without a word here.  Each child runs in a process group of
 * its own, with its standard output (the summary, which its database
 * holds) on /dev/null: a ^C on the terminal reaches the parent alone,
 * which sends it on to every running child once, as it does SIGTERM and
 * SIGHUP, and waits for them all; a second signal, sent on in turn,
 * ends them at once (a scan's second signal kills it).  A child whose
 * parent dies gets SIGTERM (PR_SET_PDEATHSIG).
 *
 * Invariant: running[] holds the pid of every child not yet reaped and
 * 0 elsewhere; it changes only with the signals blocked, so that the
 * handler never signals a pid that was reaped (and may have been given
 * to another process).
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/fleet.h"
#include "core/merge.h"
#include "core/types.h"
#include "base/util.h"

static volatile sig_atomic_t fleet_signal;
static volatile pid_t running[VS_FLEET_MAX_JOBS];

/* One image of the fleet. */
struct job {
  const char *image;
  char *db;
  char **argv;
  pid_t pid;
  int slot;                     /* in running[] */
  int done;
  int exit_code;                /* 0, 1, 2 (failed or killed) */
  char how[64];                 /* how it ended, for the message */
  double start, secs;
};

/* ---- names ------------------------------------------------------------- */

char *
vs_fleet_dir (const char *db)
{
  const char *base = strrchr (db, '/');
  size_t n = strlen (db);

  base = base ? base + 1 : db;
  if (n > 3 && strcmp (db + n - 3, ".db") == 0 && strlen (base) > 3)
    n -= 3;
  return vs_xasprintf ("%.*s.d", (int) n, db);
}

char *
vs_fleet_image_db (const char *dir, size_t i, size_t n, const char *image)
{
  struct vs_buf b = VS_BUF_INIT;
  const char *base = strrchr (image, '/');
  int width = 3;
  size_t k;

  for (k = n; k >= 1000; k /= 10)
    width++;
  base = base ? base + 1 : image;
  vs_buf_addf (&b, "%s/%0*zu-", dir, width, i + 1);
  for (k = 0; base[k] && k < 64; k++) {
    unsigned char c = (unsigned char) base[k];

    vs_buf_addc (&b, (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                 || (c >= '0' && c <= '9') || c == '.' || c == '_'
                 || c == '-' ? (char) c : '_');
  }
  if (k == 0)
    vs_buf_adds (&b, "image");
  vs_buf_adds (&b, ".db");
  return vs_buf_detach (&b, NULL);
}

/* ---- the children's command line ----------------------------------------- */

static void
argv_add (char ***v, size_t *n, char *s)
{
  *v = vs_xrealloc (*v, (*n + 1) * sizeof **v);
  (*v)[(*n)++] = s;
}

void
vs_fleet_argv_free (char **v)
{
  size_t i;

  if (!v)
    return;
  for (i = 0; v[i]; i++)
    free (v[i]);
  free (v);
}

/* The options a child is given its own of. */
static int
dropped (const char *name)
{
  static const char *const names[] = {
    "output", "jobs-images", "progress", "no-progress",
  };
  size_t i;

  for (i = 0; i < VS_ARRAY_SIZE (names); i++)
    if (strcmp (names[i], name) == 0)
      return 1;
  return 0;
}

char **
vs_fleet_child_argv (int argc, char *const *argv,
                     const struct option *long_options,
                     const char *optstring, const char *db,
                     const char *image)
{
  char **copy, **v = NULL;
  size_t n = 0, k;
  int c, saved_opterr = opterr;

  copy = vs_xcalloc ((size_t) argc + 1, sizeof *copy);
  memcpy (copy, argv, (size_t) argc * sizeof *copy);
  argv_add (&v, &n, vs_xstrdup (argc > 0 ? argv[0] : "vmscan"));
  optind = 0;                   /* glibc: start afresh */
  opterr = 0;
  for (;;) {
    int li = -1;

    c = getopt_long (argc, copy, optstring, long_options, &li);
    if (c == -1)
      break;
    if (c == '?' || c == ':')
      goto fail;
    /* A short option: its long twin. */
    for (k = 0; li < 0 && long_options[k].name; k++)
      if (!long_options[k].flag && long_options[k].val == c)
        li = (int) k;
    if (li < 0)
      goto fail;
    if (dropped (long_options[li].name))
      continue;
    if (long_options[li].has_arg != no_argument && optarg)
      argv_add (&v, &n, vs_xasprintf ("--%s=%s", long_options[li].name,
                                      optarg));
    else
      argv_add (&v, &n, vs_xasprintf ("--%s", long_options[li].name));
  }
  argv_add (&v, &n, vs_xstrdup ("--no-progress"));
  argv_add (&v, &n, vs_xasprintf ("--output=%s", db));
  argv_add (&v, &n, vs_xstrdup ("--"));
  argv_add (&v, &n, vs_xstrdup (image));
  argv_add (&v, &n, NULL);
  free (copy);
  opterr = saved_opterr;
  return v;

 fail:
  argv_add (&v, &n, NULL);
  vs_fleet_argv_free (v);
  free (copy);
  opterr = saved_opterr;
  return NULL;
}

/* ---- memory -------------------------------------------------------------- */

uint64_t
vs_fleet_mem_available (void)
{
  FILE *fp = fopen ("/proc/meminfo", "re");
  char line[256];
  unsigned long long kb;
  uint64_t ret = 0;

  if (!fp)
    return 0;
  while (fgets (line, sizeof line, fp))
    if (sscanf (line, "MemAvailable: %llu kB", &kb) == 1) {
      ret = kb > UINT64_MAX / 1024 ? UINT64_MAX : (uint64_t) kb * 1024;
      break;
    }
  fclose (fp);
  return ret;
}

unsigned
vs_fleet_fit (unsigned want, uint64_t avail, uint64_t per_scan)
{
  uint64_t fit;

  if (want < 1)
    want = 1;
  if (avail == 0 || per_scan == 0)
    return want;
  fit = avail / per_scan;
  if (fit < 1)
    fit = 1;
  return fit < want ? (unsigned) fit : want;
}

/* ---- signals ------------------------------------------------------------- */

static void
on_fleet_signal (int sig)
{
  int e = errno;
  size_t i;

  fleet_signal = sig;
  for (i = 0; i < VS_FLEET_MAX_JOBS; i++)
    if (running[i] > 0)
      kill (running[i], sig);
  errno = e;
}

static const int fleet_signals[] = { SIGINT, SIGTERM, SIGHUP };

static void
fleet_sigset (sigset_t *set)
{
  size_t i;

  sigemptyset (set);
  for (i = 0; i < VS_ARRAY_SIZE (fleet_signals); i++)
    sigaddset (set, fleet_signals[i]);
}

static void
fleet_setup_signals (void)
{
  struct sigaction sa;
  size_t i;

  memset (&sa, 0, sizeof sa);
  sa.sa_handler = on_fleet_signal;
  fleet_sigset (&sa.sa_mask);
  for (i = 0; i < VS_ARRAY_SIZE (fleet_signals); i++)
    sigaction (fleet_signals[i], &sa, NULL);
  signal (SIGPIPE, SIG_IGN);
}

/* ---- the children -------------------------------------------------------- */

/* Starts the child of j in slot; -1 if it could not be forked. */
static int
launch (struct job *j, int slot, pid_t parent)
{
  sigset_t block, old;
  pid_t pid;

  fleet_sigset (&block);
  sigprocmask (SIG_BLOCK, &block, &old);
  pid = fork ();
  if (pid == 0) {
    struct sigaction dfl;
    size_t i;
    int fd;

    memset (&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    for (i = 0; i < VS_ARRAY_SIZE (fleet_signals); i++)
      sigaction (fleet_signals[i], &dfl, NULL);
    setpgid (0, 0);
    prctl (PR_SET_PDEATHSIG, SIGTERM);
    if (getppid () != parent)
      _exit (2);
    fd = open ("/dev/null", O_WRONLY | O_CLOEXEC);
    if (fd == -1 || dup2 (fd, STDOUT_FILENO) == -1)
      _exit (2);
    sigprocmask (SIG_SETMASK, &old, NULL);
    execv ("/proc/self/exe", j->argv);
    fprintf (stderr, "vmscan: error: cannot run /proc/self/exe: %s\n",
             strerror (errno));
    _exit (2);
  }
  if (pid > 0) {
    j->pid = pid;
    j->slot = slot;
    running[slot] = pid;
  }
  sigprocmask (SIG_SETMASK, &old, NULL);
  if (pid == -1)
    return vs_error ("%s: cannot start its scan: %s", j->image,
                     strerror (errno));
  j->start = vs_now_monotonic ();
  return 0;
}

/* Waits for a child to end and reaps it, its slot freed first (signals
 * blocked).  Returns the job, or NULL when no child is left. */
static struct job *
reap (struct job *jobs, size_t n)
{
  sigset_t block, old;
  siginfo_t si;
  struct stat sb;
  struct job *j = NULL;
  size_t i;
  int status;

  for (;;) {
    memset (&si, 0, sizeof si);
    /* WNOWAIT: the child stays a zombie, its pid its own, until the
     * slot is cleared. */
    if (waitid (P_ALL, 0, &si, WEXITED | WNOWAIT) == -1) {
      if (errno == EINTR)
        continue;
      return NULL;
    }
    for (i = 0; i < n; i++)
      if (jobs[i].pid == si.si_pid && !jobs[i].done)
        j = &jobs[i];
    fleet_sigset (&block);
    sigprocmask (SIG_BLOCK, &block, &old);
    if (j)
      running[j->slot] = 0;
    while (waitpid (si.si_pid, &status, 0) == -1 && errno == EINTR)
      ;
    sigprocmask (SIG_SETMASK, &old, NULL);
    if (j)
      break;
  }
  j->done = 1;
  j->secs = vs_now_monotonic () - j->start;
  if (WIFEXITED (status) && WEXITSTATUS (status) <= 1
      && (lstat (j->db, &sb) == -1 || !S_ISREG (sb.st_mode))) {
    /* Not a scan's exit status: whatever ran wrote no database. */
    j->exit_code = 2;
    snprintf (j->how, sizeof j->how, "exit %d, but no database",
              WEXITSTATUS (status));
  }
  else if (WIFEXITED (status) && WEXITSTATUS (status) <= 1) {
    j->exit_code = WEXITSTATUS (status);
    snprintf (j->how, sizeof j->how, "exit %d", j->exit_code);
  }
  else {
    j->exit_code = 2;
    if (WIFSIGNALED (status))
      snprintf (j->how, sizeof j->how, "killed by signal %d",
                WTERMSIG (status));
    else
      snprintf (j->how, sizeof j->how, "exit %d", WEXITSTATUS (status));
  }
  return j;
}

/* The line said when an image's scan is over. */
static void
tell (const struct job *j, size_t done, size_t n, const char *sev)
{
  char *img = vs_printable (j->image, strlen (j->image));
  char *db = vs_printable (j->db, strlen (j->db));

  if (j->exit_code == 2)
    vs_error ("[%zu/%zu] %s: scan %s (%s; its messages are above), "
              "database %s", done, n, img,
              fleet_signal ? "interrupted" : "failed", j->how, db);
  else
    vs_info ("[%zu/%zu] %s: scanned, %s at %s or above (%s, %.1f s)",
             done, n, img, j->exit_code ? "findings" : "no finding", sev,
             db, j->secs);
  free (img);
  free (db);
}

/* ---- the fleet ----------------------------------------------------------- */

/* Removes an image's database (a regular file) and its journal, if
 * there; -1 after saying why not. */
static int
remove_db (const char *db)
{
  char *journal;
  struct stat sb;

  if (lstat (db, &sb) == 0) {
    if (!S_ISREG (sb.st_mode))
      return vs_error ("%s: exists and is not a regular file", db);
    if (unlink (db) == -1)
      return vs_error ("%s: %s", db, strerror (errno));
  }
  journal = vs_xasprintf ("%s-journal", db);
  if (lstat (journal, &sb) == 0 && S_ISREG (sb.st_mode))
    unlink (journal);
  free (journal);
  return 0;
}

/* Refuses what cannot be: no -o, a --report to one FILE for all, a
 * database that exists (without --force) or is an image. */
static int
check_paths (const struct vs_fleet *f, struct job *jobs)
{
  struct stat sb, ib;
  size_t i, k;

  if (!f->db)
    return vs_error ("--jobs-images: name the fleet database with -o "
                     "FLEET.db");
  for (i = 0; i < f->nreports; i++)
    if (strchr (f->reports[i], ':'))
      return vs_error ("--report %s: with --jobs-images each image's "
                       "report goes beside its database; give the format "
                       "alone", f->reports[i]);
  for (i = 0; i <= f->nimages; i++) {
    const char *db = i < f->nimages ? jobs[i].db : f->db;

    if (lstat (db, &sb) == -1)
      continue;
    if (!f->o->force)
      return vs_error ("%s: database already exists (use --force to "
                       "replace it)", db);
    for (k = 0; k < f->nimages; k++)
      if (stat (f->images[k], &ib) == 0 && ib.st_dev == sb.st_dev
          && ib.st_ino == sb.st_ino)
        return vs_error ("%s: the database would overwrite the image %s",
                         db, f->images[k]);
  }
  for (i = 0; i < f->nimages; i++)
    if (strcmp (f->images[i], f->db) == 0)
      return vs_error ("%s: the database would overwrite the image %s",
                       f->db, f->images[i]);
  return 0;
}

int
vs_fleet_main (const struct vs_fleet *f)
{
  struct job *jobs = vs_xcalloc (f->nimages ? f->nimages : 1, sizeof *jobs);
  const char **inputs = NULL;
  const char *sev = vs_severity_name (f->o->fail_on);
  struct vs_merge_totals tot;
  char *dir = NULL, *errmsg = NULL;
  size_t i, next = 0, nrunning = 0, ndone = 0, nin = 0, nfound = 0;
  size_t nfailed = 0;
  unsigned width, want;
  uint64_t avail, per;
  pid_t parent = getpid ();
  struct stat sb;
  double t0 = vs_now_monotonic ();
  int rc = 2;

  memset (&tot, 0, sizeof tot);
  dir = f->db ? vs_fleet_dir (f->db) : NULL;
  for (i = 0; dir && i < f->nimages; i++) {
    jobs[i].image = f->images[i];
    jobs[i].db = vs_fleet_image_db (dir, i, f->nimages, f->images[i]);
    jobs[i].argv = vs_fleet_child_argv (f->argc, f->argv, f->long_options,
                                        f->optstring, jobs[i].db,
                                        f->images[i]);
    if (!jobs[i].argv) {
      vs_error ("--jobs-images: cannot make the scans' command line");
      goto out;
    }
  }
  if (check_paths (f, jobs) == -1)
    goto out;
  if (mkdir (dir, 0755) == -1
      && (errno != EEXIST || stat (dir, &sb) == -1 || !S_ISDIR (sb.st_mode))) {
    vs_error ("%s: cannot make the folder of the images' databases: %s",
              dir, errno == EEXIST ? "not a folder" : strerror (errno));
    goto out;
  }

  /* How many at once: N, no more than there are images, no more than
   * the memory holds. */
  want = f->jobs;
  if (want > f->nimages)
    want = (unsigned) f->nimages;
  avail = vs_fleet_mem_available ();
  per = vs_scan_memory_estimate (f->o);
  width = vs_fleet_fit (want, avail, per);
  if (width < want)
    vs_warn ("--jobs-images %u: %" PRIu64 " MiB of memory available, "
             "about %" PRIu64 " MiB a scan (vmscan(1), FLEETS): %u at "
             "once", f->jobs, avail >> 20, per >> 20, width);
  else
    vs_debug ("--jobs-images: %u at once (%" PRIu64 " MiB available, "
              "about %" PRIu64 " MiB a scan)", width, avail >> 20,
              per >> 20);

  fleet_setup_signals ();
  while (ndone < f->nimages) {
    struct job *j;

    while (!fleet_signal && nrunning < width && next < f->nimages) {
      int slot;

      /* With --force, the database of an earlier run goes first, so that
       * a database found after the scan is this scan's. */
      if (f->o->force && remove_db (jobs[next].db) == -1) {
        jobs[next].done = 1;
        jobs[next].exit_code = 2;
        ndone++;
        nfailed++;
        next++;
        continue;
      }
      for (slot = 0; running[slot] != 0; slot++)
        ;
      if (launch (&jobs[next], slot, parent) == -1) {
        jobs[next].done = 1;
        jobs[next].exit_code = 2;
        ndone++;
        nfailed++;
      }
      else
        nrunning++;
      next++;
    }
    if (nrunning == 0)
      break;
    j = reap (jobs, f->nimages);
    if (!j)
      break;
    nrunning--;
    ndone++;
    if (j->exit_code == 2)
      nfailed++;
    else if (j->exit_code == 1)
      nfound++;
    tell (j, ndone, f->nimages, sev);
  }

  if (fleet_signal) {
    char *d = vs_printable (dir, strlen (dir));

    vs_error ("interrupted: %zu of %zu images scanned, not merged (their "
              "databases are in %s)", ndone - nfailed, f->nimages, d);
    free (d);
    goto out;
  }
  inputs = vs_xcalloc (f->nimages ? f->nimages : 1, sizeof *inputs);
  for (i = 0; i < f->nimages; i++)
    if (jobs[i].done && jobs[i].exit_code <= 1)
      inputs[nin++] = jobs[i].db;
  if (nin == 0) {
    vs_error ("no image was scanned: nothing to merge into %s", f->db);
    goto out;
  }
  if (vs_merge (f->db, inputs, nin, f->o->force ? VS_MERGE_REPLACE : 0,
                NULL, NULL, &tot, &errmsg) == -1) {
    vs_error ("merge: %s", errmsg);
    free (errmsg);
    goto out;
  }
  rc = nfailed ? 2 : nfound ? 1 : 0;

  printf ("vmscan %s: fleet scanned\n", PACKAGE_VERSION);
  printf ("  images:      %zu (%zu scanned, %zu failed); %zu with findings "
          "at %s or above\n", f->nimages, nin, nfailed, nfound, sev);
  {
    char *db = vs_printable (f->db, strlen (f->db));
    char *d = vs_printable (dir, strlen (dir));

    printf ("  database:    %s (%" PRIu64 " scans merged, %" PRIu64
            " rows)\n", db, tot.scans_added, tot.rows);
    printf ("  per image:   %s/\n", d);
    free (db);
    free (d);
  }
  printf ("  elapsed:     %.1f s\n", vs_now_monotonic () - t0);

 out:
  for (i = 0; i < f->nimages; i++) {
    free (jobs[i].db);
    vs_fleet_argv_free (jobs[i].argv);
  }
  free (jobs);
  free (inputs);
  free (dir);
  return rc;
}
