/* gate_report.h: the kernel gate in a dlverify run.
 *
 * dlverify runs dlv_gate (checks/gate/gate.h) beside the claim checks,
 * quick mode unless --gate-long, one shard with --shard I/N.  The gate is
 * not a claim: it has no verdict and no line in the claim table.  Its
 * rows (claim "gate", one accuracy row per entry point and shard, shape
 * "cases=N shard=I/N quick|long | worst or failed case, repro") join the
 * evidence, so they feed the kernel table (kernel x variant x dtype, with
 * the gate cases run) and the baseline; the page gets a "Kernel gate"
 * section, the failure box and the terminal the failed entries with their
 * shrunk repro lines.  A gate that stopped without a failed row to show
 * for it (a crash, a timeout, a usage error) gets one (check "dlv_gate",
 * kernel "-"), so the failure survives a merge of shard reports. */
#ifndef DLV_GATE_REPORT_H
#define DLV_GATE_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "backend_matrix.h"
#include "evidence.h"
#include "select.h"

#define DLV_GATE_CLAIM "gate" /* the claim field of the gate's rows */
#define DLV_GATE_PROGRAM "dlv_gate"

typedef struct {
  int ran;            /* dlv_gate was run by this dlverify */
  char why_not[256];  /* when it was not: why (--no-gate, not built, ...) */
  char command[1024]; /* the gate's command line, when it ran */
  int exit_status;    /* its exit status; -1 if it did not exit */
  char problem[160];  /* why it did not finish, or "" */
  const char *const *merged; /* --merge: the reports merged (n_merged) */
  size_t n_merged;
  dlv_matrix matrix; /* [matrix] lines of every backend's run */
  size_t n_backends; /* runs: the builtin, then each --backend */
} dlv_gate_run;

/* A row of the gate (claim "gate"). */
int dlv_is_gate_row(const dlv_row *r);
/* The cases a gate row counts (its shape's "cases=N"); 0 for another row. */
unsigned long dlv_gate_cases(const dlv_row *r);
/* The gate cases of the rows f selects. */
unsigned long dlv_gate_cases_of(const dlv_rows *rows, const dlv_filter *f);
/* The text of a shape after DLV_SHAPE_DETAIL, or "". */
const char *dlv_shape_detail(const char *shape);

/* Appends a failed gate row (check "dlv_gate", kernel "-") saying what
 * went wrong: shape "shard=I/N MODE | what", the given quantity.  Returns
 * 0, or -1 when memory runs out. */
int dlv_gate_add_failure(dlv_rows *rows, unsigned long seed,
                         const char *shard_mode, const char *what,
                         const char *quantity);
/* After a run of the gate: when it did not exit 0 and no failed gate row
 * says why, or wrote no row at all, adds a failed row with its exit
 * status and problem.  Returns 0, or -1 when memory runs out. */
int dlv_gate_note_exit(dlv_rows *rows, const dlv_gate_run *g,
                       unsigned long seed, const char *shard_mode);

/* Gate rows that are not ok. */
size_t dlv_gate_failures(const dlv_rows *rows);

/* The page's "Kernel gate" section (id "gate"): what ran, then one line
 * per entry point (id "g<anchor>", the target of the kernel table's
 * links): shards, cases, status, worst err/bound and where, failures with
 * their repro lines. */
void dlv_html_gate(FILE *f, const dlv_rows *rows, const dlv_gate_run *g);

/* One terminal line: entries, cases, failures, worst err/bound. */
void dlv_print_gate_line(const dlv_rows *rows, const dlv_gate_run *g);

#endif
