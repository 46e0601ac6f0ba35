/* report.h: what one dlverify run measured, and the files it writes.
 * The report computes nothing of its own: verdicts and counts come from
 * evidence.h over the rows the checks wrote. */
#ifndef DLV_REPORT_H
#define DLV_REPORT_H

#include <stddef.h>

#include "claims.h"
#include "evidence.h"
#include "plot.h"

typedef struct {
  const dlv_claim_info *info;
  int exit_status;   /* the check's exit status; -1 if it did not exit */
  char problem[160]; /* why the check did not finish, or "" */
  const char *verdict;
  size_t checks, failed;
  double max_ratio;
} dlv_claim_result;

typedef struct {
  unsigned long seed;
  long mpfr_prec;
  char date[32];
  const char *command; /* the command line that reproduces the run */
  char build_dir[4096]; /* where mutation.csv and bench.csv may be */
} dlv_run_info;

/* Writes summary.csv, evidence.csv and index.html (with the plots' SVG
 * inlined) into dir, each through a temporary file renamed into place.
 * Returns 0, or -1 with a message. */
int dlv_write_report(const char *dir, const dlv_claim_result *res, size_t n,
                     const dlv_rows *rows, const dlv_plots *plots,
                     const dlv_run_info *run, char *err, size_t errlen);

#endif
