/* report.h: what one dlverify run measured, and the files it writes.
 * The report computes nothing of its own: verdicts and counts come from
 * evidence.h over the rows the checks wrote. */
#ifndef DLV_REPORT_H
#define DLV_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "baseline.h"
#include "claims.h"
#include "env.h"
#include "evidence.h"
#include "gate_report.h"
#include "plot.h"
#include "run_meta.h"

typedef struct {
  const dlv_claim_info *info;
  int exit_status;   /* the check's exit status; -1 if it did not exit */
  char problem[160]; /* why the check did not finish, or "" */
  const char *verdict;
  size_t checks, failed;
  double max_ratio;
} dlv_claim_result;

/* Whether the claim failed: a row not ok, its check's nonzero exit status
 * (even after rows that all hold: it may have stopped early), a problem,
 * or a verdict INCONCLUSIVE (no claim row: nothing was judged).  The
 * page, the terminal and dlverify's exit status all ask this. */
int dlv_claim_failed(const dlv_claim_result *c);

typedef struct {
  unsigned long seed;
  const dlv_env *env;           /* gnuplot, the DLV_* variables */
  const dlv_run_meta *meta;     /* quick mode, precision, library versions
                                 * as the checks recorded them (run_meta.h);
                                 * NULL: no check recorded them */
  int meta_differs;             /* the checks recorded different runs */
  char date[32];
  const char *command;          /* the command line of this run */
  const char *build_dir;        /* ctest --test-dir; mutation.csv, bench.csv */
  const char *exe;              /* this dlverify, for repro lines */
  const dlv_baseline *baseline; /* baseline->dir NULL: no comparison */
  const dlv_gate_run *gate;     /* the kernel gate: ran, not, or merged */
} dlv_run_info;

/* Writes summary.csv, kernels.csv, evidence.csv and index.html (with the
 * plots' SVG inlined) into dir, which holds nothing else of this run but
 * logs/.  The claim results res[0..n-1] hold no gate; the gate's rows
 * (gate_report.h) are among rows.  Returns 0, or -1 with a message (any
 * failed write). */
int dlv_write_report(const char *dir, const dlv_claim_result *res, size_t n,
                     const dlv_rows *rows, const dlv_plots *plots,
                     const dlv_run_info *run, char *err, size_t errlen);

/* The two repro lines of a claim: the check under ctest, and dlverify,
 * each with the environment that matters (seed; quick mode and precision
 * when not the default) and shell-quoted paths. */
void dlv_repro(const dlv_run_info *run, const dlv_claim_info *c,
               char *ctest, char *dlverify, size_t size);

/* One line (no newline) describing a failed row for the terminal. */
void dlv_describe_row(const dlv_row *r, char *buf, size_t size);

/* Regressions against the baseline over the rows f selects: new failures
 * and rows whose err/bound grew (0, 0 without a baseline). */
void dlv_regressions(const dlv_run_info *run, const dlv_rows *rows,
                     const dlv_filter *f, size_t *new_failures,
                     size_t *grown);

#endif
