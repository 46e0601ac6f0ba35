/* backend_matrix.h: the backend x kernel x dtype matrix of a dlverify run
 * (issue 17).
 *
 * dlverify runs the gate once per backend (the builtin always, then each
 * --backend); each run's log holds one line per entry point,
 *   [matrix] backend,entry,status,cases run,cases skipped,worst err/bound
 * followed by its skip reasons ("  skipped N: why") and its first
 * observation ("  observed in N cases, first: ...") (checks/gate/
 * gate_main.c).  Skipped cases are not in the evidence (nothing was
 * measured), so the matrix is read from those lines; each cell links to
 * the gate's evidence row of its backend and entry when there is one (the
 * row holding the worst err/bound and its case). */
#ifndef DLV_BACKEND_MATRIX_H
#define DLV_BACKEND_MATRIX_H

#include <stddef.h>
#include <stdio.h>

#include "evidence.h"

typedef struct {
  char backend[32], entry[64];
  char status[16]; /* pass, FAIL, xfail, XPASS, skipped */
  unsigned long ran, skipped;
  double worst;          /* worst err/bound over the cases run */
  char skip_why[256];    /* "skipped N: why", "; "-separated */
  char observed[320];    /* the observation line, or "" */
} dlv_matrix_cell;

typedef struct {
  dlv_matrix_cell *cells;
  size_t n, cap;
} dlv_matrix;

/* Appends the cells of a gate log's [matrix] lines.  Returns 0, or -1
 * when the file cannot be read or memory runs out. */
int dlv_matrix_read_log(dlv_matrix *m, const char *log);
void dlv_matrix_free(dlv_matrix *m);

/* The entry's kernel and dtype from its name (dlv_<op>_<d|s|z|bf16|fp16>;
 * no suffix: "d+z" for the closs pairs, else "-"). */
void dlv_matrix_kernel(const char *entry, char *kernel, size_t size,
                       const char **dtype);

/* The page's "Backends" section (id "backends"): one row per entry point,
 * one column per backend; each cell status, worst err/bound (linked to
 * the gate row "g<anchor>"), cases run / skipped; then the findings, one
 * sentence each (a failed entry, a skip reason, an observation). */
void dlv_html_backend_matrix(FILE *f, const dlv_matrix *m,
                             const dlv_rows *rows);

/* The terminal's matrix: one line per backend and entry that did not
 * simply pass (failed, skipped, observed), and a count per backend. */
void dlv_print_backend_matrix(const dlv_matrix *m);

#endif
