/* backend_matrix.c: the backend x kernel x dtype matrix (see
 * backend_matrix.h). */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend_matrix.h"
#include "gate_report.h"
#include "html.h"
#include "select.h"

#define MATRIX_TAG "[matrix] "

static int push(dlv_matrix *m, const dlv_matrix_cell *c)
{
  if (m->n == m->cap) {
    size_t cap = m->cap ? 2 * m->cap : 64;
    dlv_matrix_cell *p = realloc(m->cells, cap * sizeof *p);
    if (p == NULL)
      return -1;
    m->cells = p;
    m->cap = cap;
  }
  m->cells[m->n++] = *c;
  return 0;
}

/* "backend,entry,status,ran,skipped,worst": 1 when parsed. */
static int parse_cell(const char *line, dlv_matrix_cell *c)
{
  memset(c, 0, sizeof *c);
  return sscanf(line, MATRIX_TAG "%31[^,],%63[^,],%15[^,],%lu,%lu,%lg",
                c->backend, c->entry, c->status, &c->ran, &c->skipped,
                &c->worst) == 6;
}

/* Appends the text after `prefix` in line (its newline cut) to dst,
 * "; "-separated. */
static void append(char *dst, size_t size, const char *text)
{
  size_t len = strlen(dst);
  snprintf(dst + len, size - len, "%s%.*s", len ? "; " : "",
           (int)strcspn(text, "\n"), text);
}

/* A line under the cell's [matrix] line: a skip reason or observation. */
static void detail(dlv_matrix_cell *c, const char *line)
{
  if (strncmp(line, "  skipped", 9) == 0)
    append(c->skip_why, sizeof c->skip_why, line + 2);
  else if (strncmp(line, "  observed in ", 14) == 0)
    append(c->observed, sizeof c->observed, line + 14);
}

int dlv_matrix_read_log(dlv_matrix *m, const char *log)
{
  FILE *f = fopen(log, "r");
  if (f == NULL)
    return -1;
  char line[2048];
  dlv_matrix_cell c;
  int have = 0, status = 0;
  while (status == 0 && fgets(line, sizeof line, f) != NULL) {
    if (strncmp(line, MATRIX_TAG, strlen(MATRIX_TAG)) == 0) {
      if (have)
        status = push(m, &c);
      have = parse_cell(line, &c);
    } else if (have) {
      detail(&c, line);
    }
  }
  if (have && status == 0)
    status = push(m, &c);
  fclose(f);
  return status;
}

void dlv_matrix_free(dlv_matrix *m)
{
  free(m->cells);
  *m = (dlv_matrix){NULL, 0, 0};
}

void dlv_matrix_kernel(const char *entry, char *kernel, size_t size,
                       const char **dtype)
{
  static const struct {
    const char *suffix, *dtype;
  } suffixes[] = {{"_d", "double"}, {"_s", "float"}, {"_z", "complex"},
                  {"_bf16", "bf16"},  {"_fp16", "fp16"}};
  const char *name = strncmp(entry, "dlv_", 4) == 0 ? entry + 4 : entry;
  size_t len = strlen(name);
  *dtype = strncmp(name, "closs_", 6) == 0 ? "d+z" : "-";
  for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
    size_t k = strlen(suffixes[i].suffix);
    if (len > k && strcmp(name + len - k, suffixes[i].suffix) == 0) {
      *dtype = suffixes[i].dtype;
      len -= k;
      break;
    }
  }
  snprintf(kernel, size, "%.*s", (int)len, name);
}

/* ---- layout: the distinct entries (rows) and backends (columns) ------- */

/* The distinct values of a field of the cells, in order of appearance. */
static size_t distinct(const dlv_matrix *m, size_t offset, const char **out)
{
  size_t n = 0;
  for (size_t i = 0; i < m->n; i++) {
    const char *v = (const char *)&m->cells[i] + offset;
    size_t j = 0;
    while (j < n && strcmp(out[j], v) != 0)
      j++;
    if (j == n)
      out[n++] = v;
  }
  return n;
}

static const dlv_matrix_cell *cell_of(const dlv_matrix *m, const char *backend,
                                      const char *entry)
{
  for (size_t i = 0; i < m->n; i++)
    if (strcmp(m->cells[i].backend, backend) == 0 &&
        strcmp(m->cells[i].entry, entry) == 0)
      return &m->cells[i];
  return NULL;
}

/* The gate's evidence row of the cell (its worst case), or NULL. */
static const dlv_row *row_of(const dlv_rows *rows, const dlv_matrix_cell *c)
{
  for (size_t i = 0; i < rows->n; i++) {
    const dlv_row *r = &rows->rows[i];
    if (dlv_is_gate_row(r) && strcmp(r->check, c->entry) == 0 &&
        strcmp(r->backend, c->backend) == 0)
      return r;
  }
  return NULL;
}

static const char *status_class(const char *status)
{
  return strcmp(status, "pass") == 0      ? "confirmed"
         : strcmp(status, "skipped") == 0 ? "qualified"
                                          : "fail";
}

static void html_cell_of(FILE *f, const dlv_rows *rows,
                         const dlv_matrix_cell *c)
{
  if (c == NULL) {
    fputs("<td>-</td>", f);
    return;
  }
  fprintf(f, "<td class=\"%s\">%s", status_class(c->status), c->status);
  const dlv_row *r = row_of(rows, c);
  if (c->ran > 0) {
    fputs(" ", f);
    if (r != NULL)
      fprintf(f, "<a href=\"#g%zu\">", dlv_group_anchor(rows, r));
    fprintf(f, dlv_ratio_format(c->worst), c->worst);
    fputs(r != NULL ? "</a>" : "", f);
  }
  fprintf(f, "<br>%lu run / %lu skipped</td>", c->ran, c->skipped);
}

static int is_pass(const dlv_matrix_cell *c)
{
  return strcmp(c->status, "pass") == 0;
}

static int is_skip(const dlv_matrix_cell *c)
{
  return strcmp(c->status, "skipped") == 0;
}

/* A cell with something to say: failed, skipped cases, an observation. */
static int has_finding(const dlv_matrix_cell *c)
{
  return (!is_pass(c) && !is_skip(c)) || *c->skip_why || *c->observed;
}

/* One sentence per finding of a cell: a failure, skip reasons, an
 * observation. */
static void html_findings_of(FILE *f, const dlv_matrix_cell *c)
{
  if (!is_pass(c) && !is_skip(c))
    fprintf(f, "<li><b>%s: %s %s</b>: worst err/bound %.6g over %lu cases "
               "(the failed case and its repro in the gate section).</li>\n",
            c->backend, c->entry, c->status, c->worst, c->ran);
  if (*c->skip_why) {
    fprintf(f, "<li>%s: %s: %lu cases skipped (", c->backend, c->entry,
            c->skipped);
    html_text(f, c->skip_why);
    fputs(").</li>\n", f);
  }
  if (*c->observed) {
    fprintf(f, "<li>%s: %s: observed in ", c->backend, c->entry);
    html_text(f, c->observed);
    fputs("</li>\n", f);
  }
}

void dlv_html_backend_matrix(FILE *f, const dlv_matrix *m,
                             const dlv_rows *rows)
{
  if (m->n == 0)
    return;
  const char **entries = calloc(m->n, sizeof *entries);
  const char **backends = calloc(m->n, sizeof *backends);
  if (entries == NULL || backends == NULL) {
    free(entries);
    free(backends);
    return;
  }
  size_t ne = distinct(m, offsetof(dlv_matrix_cell, entry), entries);
  size_t nb = distinct(m, offsetof(dlv_matrix_cell, backend), backends);
  fputs("<section id=\"backends\">\n<h2>Backends</h2>\n<p>The kernel gate "
        "through each backend (<code>--backend</code>; the builtin is "
        "dlverify's own kernels), under the same cases, references and "
        "bounds: per entry point (kernel and dtype) and backend, the "
        "status, the worst err/bound (linked to its gate row), the cases "
        "run and the cases skipped (an operation or capability the backend "
        "does not declare: counted, never passed).  Claim verdicts do not "
        "depend on a backend: the claim rows come from the MPFR references "
        "and the builtin kernels (backend column "
        "<code>" DLV_BACKEND_CLAIMS "</code> in evidence.csv).</p>\n"
        "<table id=\"backend-matrix\">\n<tr><th>kernel</th><th>dtype</th>",
        f);
  for (size_t b = 0; b < nb; b++) {
    fputs("<th>", f);
    html_text(f, backends[b]);
    fputs("</th>", f);
  }
  fputs("</tr>\n", f);
  for (size_t e = 0; e < ne; e++) {
    char kernel[64];
    const char *dtype;
    dlv_matrix_kernel(entries[e], kernel, sizeof kernel, &dtype);
    fputs("<tr>", f);
    html_cell(f, kernel);
    html_cell(f, dtype);
    for (size_t b = 0; b < nb; b++)
      html_cell_of(f, rows, cell_of(m, backends[b], entries[e]));
    fputs("</tr>\n", f);
  }
  fputs("</table>\n<h3>Findings</h3>\n", f);
  size_t nf = 0;
  for (size_t i = 0; i < m->n; i++)
    nf += has_finding(&m->cells[i]);
  fputs(nf ? "<ul>\n" : "<p>None: every entry ran and held.</p>\n", f);
  for (size_t i = 0; i < m->n; i++)
    html_findings_of(f, &m->cells[i]);
  fputs(nf ? "</ul>\n</section>\n" : "</section>\n", f);
  free(entries);
  free(backends);
}

void dlv_print_backend_matrix(const dlv_matrix *m)
{
  if (m->n == 0)
    return;
  const char **backends = calloc(m->n, sizeof *backends);
  if (backends == NULL)
    return;
  size_t nb = distinct(m, offsetof(dlv_matrix_cell, backend), backends);
  printf("\nbackend matrix (kernel gate per backend; details in the page's "
         "Backends section):\n");
  for (size_t b = 0; b < nb; b++) {
    unsigned long pass = 0, skipped = 0, failed = 0;
    for (size_t i = 0; i < m->n; i++) {
      const dlv_matrix_cell *c = &m->cells[i];
      if (strcmp(c->backend, backends[b]) != 0)
        continue;
      int ok = is_pass(c), skip = is_skip(c);
      pass += ok;
      skipped += skip;
      failed += !ok && !skip;
      if (!ok && !skip)
        printf("  %-10s %-28s %-7s %lu run / %lu skipped, worst err/bound "
               "%.6g\n", c->backend, c->entry, c->status, c->ran,
               c->skipped, c->worst);
    }
    printf("  %-10s %lu entries pass, %lu skipped entirely, %lu failed\n",
           backends[b], pass, skipped, failed);
  }
  free(backends);
  fflush(stdout);
}
