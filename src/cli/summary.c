/* SPDX-License-Identifier: BSD-3-Clause */
/* vmscan: the summary of a scan and the exit status (see summary.h). */
#include <config.h>

#include <string.h>

#include "cli/summary.h"
#include "base/util.h"

static void
print_os (FILE *out, const struct vs_os *os)
{
  struct vs_buf b = VS_BUF_INIT;
  CLEANUP_FREE char *line = NULL;

  vs_buf_addf (&b, "%s %s", os->type ? os->type : "unknown",
               os->distro ? os->distro : "");
  if (os->major >= 0)
    vs_buf_addf (&b, " %d.%d", os->major, os->minor >= 0 ? os->minor : 0);
  if (os->product_name)
    vs_buf_addf (&b, " (%s)", os->product_name);
  vs_buf_addf (&b, ", %s, hostname %s, root %s",
               os->arch ? os->arch : "unknown arch",
               os->hostname ? os->hostname : "unknown", os->root);
  line = vs_printable (b.data, b.len);
  vs_buf_release (&b);
  fprintf (out, "  os:          %s\n", line);
}

static void
print_review (FILE *out, const struct vs_scan_result *r,
              const struct vs_baseline *bl)
{
  const struct vs_review_counts *c = &r->review;

  if (!r->reviewed)
    return;
  if (bl) {
    CLEANUP_FREE char *path = vs_printable (bl->path, strlen (bl->path));
    CLEANUP_FREE char *by = vs_printable (bl->approved_by,
                                          strlen (bl->approved_by));
    CLEANUP_FREE char *why = vs_printable (bl->reason, strlen (bl->reason));

    fprintf (out, "  baseline:    %llu new, %llu unchanged, %llu gone since "
             "%s (approved by %s at %s: %s)\n",
             (unsigned long long) c->new_, (unsigned long long) c->unchanged,
             (unsigned long long) c->absent, path, by, bl->approved_at, why);
  }
  if (c->applied || c->stale || c->expired)
    fprintf (out, "  suppressed:  %llu findings by %llu entries; %llu stale "
             "entries (matched nothing), %llu expired (they suppress "
             "nothing; see the suppressions table)\n",
             (unsigned long long) c->suppressed,
             (unsigned long long) c->applied,
             (unsigned long long) c->stale,
             (unsigned long long) c->expired);
}

static void
print_findings (FILE *out, const struct vs_scan_result *r,
                enum vs_severity fail_on, const struct vs_baseline *bl)
{
  unsigned k;
  uint64_t total = 0, over = 0;

  if (!r->checked) {
    fprintf (out, "  findings:    not made (the scan did not finish)\n");
    return;
  }
  for (k = 0; k < VS_SEV_COUNT; k++) {
    total += r->findings[k];
    if (k >= (unsigned) fail_on)
      over += r->reviewed ? r->review.live[k] : r->findings[k];
  }
  fprintf (out, "  findings:    %llu (critical %llu, high %llu, "
           "medium %llu, low %llu, info %llu); %llu %sat %s or above\n",
           (unsigned long long) total,
           (unsigned long long) r->findings[VS_SEV_CRITICAL],
           (unsigned long long) r->findings[VS_SEV_HIGH],
           (unsigned long long) r->findings[VS_SEV_MEDIUM],
           (unsigned long long) r->findings[VS_SEV_LOW],
           (unsigned long long) r->findings[VS_SEV_INFO],
           (unsigned long long) over,
           !r->reviewed ? "" : bl ? "new and not suppressed "
           : r->review.suppressed ? "not suppressed " : "",
           vs_severity_name (fail_on));
  print_review (out, r, bl);
}

/* One line: clean, or how many findings need a look and the worst
 * severity among them; then the stories, worst first. */
static void
print_verdict (FILE *out, const struct vs_scan_result *r,
               enum vs_severity fail_on, const struct vs_baseline *bl)
{
  uint64_t n = 0;
  int k, worst = -1;
  size_t i;

  if (!r->reviewed)
    return;
  for (k = VS_SEV_COUNT - 1; k >= (int) VS_SEV_MEDIUM; k--)
    if (r->review.live[k]) {
      n += r->review.live[k];
      if (worst == -1)
        worst = k;
    }
  if (n == 0)
    fprintf (out, "  verdict:     clean: no finding at medium or above%s\n",
             bl ? " new since the baseline" : "");
  else
    fprintf (out, "  verdict:     %llu finding%s at medium or above%s, the "
             "worst %s%s\n", (unsigned long long) n, n == 1 ? "" : "s",
             bl ? " new since the baseline" : "",
             vs_severity_name ((enum vs_severity) worst),
             worst < (int) fail_on ? " (under --fail-on)" : "");
  for (i = 0; i < r->nshown; i++) {
    CLEANUP_FREE char *t = vs_printable (r->stories[i].title,
                                         strlen (r->stories[i].title));

    fprintf (out, "  %s %-6s %s (%llu findings)\n",
             i ? "          " : "stories:  ",
             vs_severity_name ((enum vs_severity) r->stories[i].rank), t,
             (unsigned long long) r->stories[i].findings);
  }
  if (r->nstories > r->nshown)
    fprintf (out, "              and %llu more (the stories table)\n",
             (unsigned long long) (r->nstories - r->nshown));
}

void
vs_summary_print (FILE *out, const struct vs_scan_result *r,
                  const char *db_path, enum vs_severity fail_on,
                  const struct vs_baseline *baseline)
{
  size_t i;
  char size[32];

  fprintf (out, "vmscan %s: scan %s\n", PACKAGE_VERSION,
           r->status == VS_SCAN_COMPLETE ? "complete" : "interrupted");
  print_verdict (out, r, fail_on, baseline);
  for (i = 0; i < r->nimages; i++) {
    CLEANUP_FREE char *p = vs_printable (r->images[i].path,
                                         strlen (r->images[i].path));

    vs_format_size (r->images[i].virtual_size, size);
    fprintf (out, "  image:       %s (%s, %s)\n", p,
             r->images[i].format_name, size);
  }
  for (i = 0; i < r->nos; i++)
    print_os (out, &r->oses[i]);
  if (r->nos == 0 && (r->appliance || r->fs_host))
    fprintf (out, "  os:          none found\n");
  fprintf (out, "  filesystems: %zu scanned, %zu skipped, %zu failed\n",
           r->fs_scanned, r->fs_skipped, r->fs_failed);
  fprintf (out, "  read by:     %zu on the host, %zu through the appliance%s\n",
           r->fs_host, r->fs_appliance,
           r->appliance ? "" : " (no appliance launched)");
  vs_format_size (r->bytes, size);
  fprintf (out, "  files:       %llu entries, %llu regular files, %s read\n",
           (unsigned long long) r->entries, (unsigned long long) r->files,
           size);
  if (r->deleted_asked)
    fprintf (out, "  deleted:     %llu entries (files.deleted), %llu of them "
             "read whole (their blocks still free)\n",
             (unsigned long long) r->deleted,
             (unsigned long long) r->deleted_read);
  if (r->yara)
    fprintf (out, "  yara:        %llu matches in %llu files (%u rules); "
             "%llu files over the size limit not scanned\n",
             (unsigned long long) r->matches,
             (unsigned long long) r->matched_files, r->yara_rules,
             (unsigned long long) r->yara_skipped);
  else
    fprintf (out, "  yara:        not run\n");
  print_findings (out, r, fail_on, baseline);
  fprintf (out, "  errors:      %llu%s\n", (unsigned long long) r->errors,
           r->errors ? " (see the errors table)" : "");
  fprintf (out, "  elapsed:     %.1f s%s\n", r->elapsed,
           r->tcg ? " (appliance under software emulation)" : "");
  fprintf (out, "  database:    %s\n", db_path);
}

int
vs_summary_exit_status (const struct vs_scan_result *r,
                        enum vs_severity fail_on)
{
  size_t i;

  if (r->status != VS_SCAN_COMPLETE)
    return 2;
  for (i = (size_t) fail_on; i < VS_SEV_COUNT; i++)
    if (r->reviewed ? r->review.live[i] : r->findings[i])
      return 1;
  return 0;
}
