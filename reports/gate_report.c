/* gate_report.c: the kernel gate's rows in the report (see gate_report.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gate_report.h"
#include "html.h"

int dlv_is_gate_row(const dlv_row *r)
{
  return strcmp(r->claim, DLV_GATE_CLAIM) == 0;
}

unsigned long dlv_gate_cases(const dlv_row *r)
{
  unsigned long n;
  if (!dlv_is_gate_row(r) || sscanf(r->shape, "cases=%lu", &n) != 1)
    return 0;
  return n;
}

unsigned long dlv_gate_cases_of(const dlv_rows *rows, const dlv_filter *f)
{
  unsigned long n = 0;
  for (size_t i = 0; i < rows->n; i++)
    if (dlv_filter_match(f, &rows->rows[i]))
      n += dlv_gate_cases(&rows->rows[i]);
  return n;
}

const char *dlv_shape_detail(const char *shape)
{
  const char *d = strstr(shape, DLV_SHAPE_DETAIL);
  return d ? d + strlen(DLV_SHAPE_DETAIL) : "";
}

int dlv_gate_add_failure(dlv_rows *rows, unsigned long seed,
                         const char *shard_mode, const char *what,
                         const char *quantity)
{
  dlv_row r;
  memset(&r, 0, sizeof r);
  char shape[sizeof r.shape];
  snprintf(shape, sizeof shape, "%s%s%s", shard_mode, DLV_SHAPE_DETAIL, what);
  dlv_copy_text(r.claim, sizeof r.claim, DLV_GATE_CLAIM);
  dlv_copy_text(r.check, sizeof r.check, DLV_GATE_PROGRAM);
  dlv_copy_text(r.dtype, sizeof r.dtype, "-");
  dlv_copy_text(r.shape, sizeof r.shape, shape);
  dlv_copy_text(r.quantity, sizeof r.quantity, quantity);
  dlv_copy_text(r.bound_name, sizeof r.bound_name, "runs to completion");
  dlv_copy_text(r.kernel, sizeof r.kernel, "-");
  dlv_copy_text(r.variant, sizeof r.variant, "-");
  r.seed = seed;
  r.value = 0.0;
  r.reference = 1.0;
  r.err = r.ratio = INFINITY;
  r.ulps = NAN;
  r.role = DLV_ROLE_ACCURACY;
  dlv_row_set_key(&r, NULL);
  return dlv_rows_push(rows, &r);
}

size_t dlv_gate_failures(const dlv_rows *rows)
{
  size_t k = 0;
  for (size_t i = 0; i < rows->n; i++)
    k += dlv_is_gate_row(&rows->rows[i]) && !rows->rows[i].ok;
  return k;
}

static size_t gate_rows(const dlv_rows *rows)
{
  size_t k = 0;
  for (size_t i = 0; i < rows->n; i++)
    k += dlv_is_gate_row(&rows->rows[i]);
  return k;
}

int dlv_gate_note_exit(dlv_rows *rows, const dlv_gate_run *g,
                       unsigned long seed, const char *shard_mode)
{
  int stopped = g->exit_status != 0 || *g->problem;
  int wrote = gate_rows(rows) > 0, explained = dlv_gate_failures(rows) > 0;
  if (!g->ran || (wrote && (!stopped || explained)))
    return 0;
  char what[400];
  snprintf(what, sizeof what, "exit status %d%s%s (see logs/gate.log)",
           g->exit_status, *g->problem ? " " : "", g->problem);
  return dlv_gate_add_failure(rows, seed, shard_mode, what,
                              "the gate ran to its end and wrote its rows "
                              "(0: it stopped without a failed row)");
}

/* ---- the page ------------------------------------------------------------ */

/* An entry's rows (one group: one per shard) summed up. */
typedef struct {
  size_t first, shards, failed;
  unsigned long cases;
  const dlv_row *worst;
} gate_entry;

static gate_entry entry_at(const dlv_rows *rows, size_t first)
{
  gate_entry e = {first, 0, 0, 0, NULL};
  for (size_t j = first; j < rows->n; j++) {
    const dlv_row *r = &rows->rows[j];
    if (!dlv_same_group(r, &rows->rows[first]))
      continue;
    e.shards++;
    e.failed += !r->ok;
    e.cases += dlv_gate_cases(r);
    if (e.worst == NULL ||
        (!isnan(e.worst->ratio) && !(r->ratio <= e.worst->ratio)))
      e.worst = r; /* the first NaN stays the worst */
  }
  return e;
}

/* The shapes (shard, then the detail) of the entry's failed rows, in
 * bold, each naming its failed case and repro line; then that of its
 * worst row when it held (the worst case of the worst shard). */
static void html_entry_details(FILE *f, const dlv_rows *rows,
                               const gate_entry *e)
{
  fputs("<td>", f);
  for (int pass = 0; pass < 2; pass++)
    for (size_t j = e->first; j < rows->n; j++) {
      const dlv_row *r = &rows->rows[j];
      if (!dlv_same_group(r, &rows->rows[e->first]) || r->ok != pass ||
          (pass == 1 && r != e->worst))
        continue;
      fputs(r->ok ? "" : "<b>", f);
      html_text(f, r->shape);
      fputs(r->ok ? "<br>" : "</b><br>", f);
    }
  fputs("</td>", f);
}

static void html_entry(FILE *f, const dlv_rows *rows, const gate_entry *e)
{
  const dlv_row *r = &rows->rows[e->first];
  fprintf(f, "<tr id=\"g%zu\">", e->first);
  fputs("<td>", f);
  html_text(f, r->check);
  if (dlv_row_foreign(r)) { /* run through another backend */
    fputs(" <i>", f);
    html_text(f, r->backend);
    fputs("</i>", f);
  }
  fputs("</td>", f);
  html_kernel_cell(f, r);
  html_cell(f, r->dtype);
  fprintf(f, "<td class=\"num\">%zu</td><td class=\"num\">%lu</td>"
             "<td class=\"%s\">%s</td>",
          e->shards, e->cases, e->failed ? "fail" : "confirmed",
          e->failed ? "FAILED" : "held");
  html_num(f, e->worst->ratio, dlv_ratio_format(e->worst->ratio));
  html_entry_details(f, rows, e);
  fputs("</tr>\n", f);
}

/* What ran: the program and its status, or why it did not run, or the
 * reports merged. */
static void html_gate_status(FILE *f, const dlv_rows *rows,
                             const dlv_gate_run *g)
{
  fputs("<p>", f);
  if (g->n_merged > 0) {
    fprintf(f, "Merged from %zu reports:", g->n_merged);
    for (size_t i = 0; i < g->n_merged; i++) {
      fputs(" <code>", f);
      html_text(f, g->merged[i]);
      fputs("</code>", f);
    }
    fputs(" (cases added over shards; each entry shown by its worst "
          "shard).", f);
  } else if (g->ran) {
    fputs("<code>", f);
    html_text(f, g->command);
    fprintf(f, "</code>: exit status %d", g->exit_status);
    if (*g->problem) {
      fputc(' ', f);
      html_text(f, g->problem);
    }
    fputs("; its output in <a href=\"logs/gate.log\">logs/gate.log</a>.", f);
  } else {
    fputs("Not run: ", f);
    html_text(f, g->why_not);
    fputc('.', f);
  }
  size_t n = 0;
  unsigned long cases = 0;
  for (size_t i = 0; i < rows->n; i++)
    if (dlv_is_gate_row(&rows->rows[i])) {
      n += dlv_group_anchor(rows, &rows->rows[i]) == i;
      cases += dlv_gate_cases(&rows->rows[i]);
    }
  fprintf(f, " %zu entries, %lu cases, %zu failed rows.</p>\n", n, cases,
          dlv_gate_failures(rows));
}

void dlv_html_gate(FILE *f, const dlv_rows *rows, const dlv_gate_run *g)
{
  fputs("<section id=\"gate\">\n<h2>Kernel gate</h2>\n<p>Every public "
        "kernel entry point against its documented contract "
        "(<code>kernels/contract.h</code>): strides, limits, tails of every "
        "blocking constant, value classes; every output compared with its "
        "reference within its derived bound.  One row per entry and shard: "
        "err/bound is the worst over every output of every case; a failed "
        "case is shrunk to a small one and printed with the command that "
        "reruns it.  The gate is not a claim: it has no verdict, and its "
        "rows count in the kernel table.</p>\n", f);
  html_gate_status(f, rows, g);
  size_t shown = 0;
  for (size_t i = 0; i < rows->n; i++) {
    if (!dlv_is_gate_row(&rows->rows[i]) ||
        dlv_group_anchor(rows, &rows->rows[i]) != i)
      continue;
    if (shown++ == 0)
      fputs("<table id=\"gate-entries\">\n<tr><th>entry</th><th>kernel</th>"
            "<th>dtype</th><th>shards</th><th>cases</th><th>status</th>"
            "<th>worst err/bound</th><th>shard: worst case, or the failed "
            "case and its repro</th></tr>\n", f);
    gate_entry e = entry_at(rows, i);
    html_entry(f, rows, &e);
  }
  if (shown)
    fputs("</table>\n", f);
  fputs("</section>\n", f);
}

void dlv_print_gate_line(const dlv_rows *rows, const dlv_gate_run *g)
{
  dlv_filter gate = {.claim = DLV_GATE_CLAIM};
  const dlv_row *w = dlv_worst_ratio(rows, &gate);
  size_t n = 0;
  for (size_t i = 0; i < rows->n; i++)
    n += dlv_is_gate_row(&rows->rows[i]) &&
         dlv_group_anchor(rows, &rows->rows[i]) == i;
  if (!g->ran && (g->n_merged == 0 || n == 0)) { /* nothing held */
    printf("gate not run: %s\n", g->why_not);
    return;
  }
  char ratio[32] = "-";
  if (w != NULL)
    snprintf(ratio, sizeof ratio, dlv_ratio_format(w->ratio), w->ratio);
  printf("gate %-23s %6zu entries %lu cases %zu failed  max err/bound %s "
         "(%s)\n", dlv_gate_failures(rows) ? "FAILED" : "held", n,
         dlv_gate_cases_of(rows, &gate), dlv_gate_failures(rows), ratio,
         w ? w->check : "-");
  fflush(stdout);
}
