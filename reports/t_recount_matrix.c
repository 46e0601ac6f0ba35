/* t_recount_matrix.c: t_report_recount's backend matrix (the rules in its
 * header comment), recounted from the gate logs dlverify read it from:
 * logs/gate.log (the builtin), then logs/gate-K.log for the K-th
 * --backend, each entry's "[matrix] backend,entry,status,ran,skipped,
 * worst" line and the "  skipped N: why" and "  observed in ..." lines
 * under it (backend_matrix.h).  On the page: the columns, rows, each
 * cell's class, status, worst err/bound (linked to its gate row), cases
 * run and skipped, and the findings in order; on the terminal: each
 * backend's count of entries passed, skipped entirely and failed, and a
 * line per failed entry. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "t_recount.h"

typedef struct {
  char backend[32], entry[64], status[16];
  unsigned long ran, skipped;
  double worst;
  int skip_lines, observed; /* detail lines under it */
} mcell;

typedef struct {
  mcell *c;
  size_t n;
  int backends_run; /* --backend runs: logs gate-1.log, ... */
  const char *b[16], *e[256]; /* backends, entries in order of first */
  size_t nb, ne;
} matrix;

static void push(matrix *m, const mcell *c)
{
  m->c = recount_realloc(m->c, (m->n + 1) * sizeof *m->c);
  m->c[m->n++] = *c;
}

/* The cells of one log's text. */
static void read_log(matrix *m, const char *text)
{
  mcell c;
  for (const char *s = text; *s; s += strcspn(s, "\n"), s += *s == '\n') {
    if (sscanf(s, "[matrix] %31[^,],%63[^,],%15[^,],%lu,%lu,%lg",
               c.backend, c.entry, c.status, &c.ran, &c.skipped,
               &c.worst) == 6) {
      c.skip_lines = c.observed = 0;
      push(m, &c);
    } else if (m->n && strncmp(s, "  skipped", 9) == 0) {
      m->c[m->n - 1].skip_lines++;
    } else if (m->n && strncmp(s, "  observed in ", 14) == 0) {
      m->c[m->n - 1].observed++;
    }
  }
}

/* Adds name to the distinct names (in order of first), at most max. */
static void distinct(const char **list, size_t *n, size_t max,
                     const char *name)
{
  size_t k = 0;
  while (k < *n && strcmp(list[k], name))
    k++;
  if (k == *n && k < max)
    list[(*n)++] = name;
}

/* The matrix of the report's gate logs. */
static matrix read_matrix(const char *dir)
{
  matrix m;
  memset(&m, 0, sizeof m);
  char name[64], *text;
  for (int k = 0;; k++) {
    if (k == 0)
      snprintf(name, sizeof name, "logs/gate.log");
    else
      snprintf(name, sizeof name, "logs/gate-%d.log", k);
    if ((text = read_if_any(dir, name)) == NULL)
      break;
    m.backends_run = k;
    read_log(&m, text);
    free(text);
  }
  for (size_t i = 0; i < m.n; i++) {
    distinct(m.b, &m.nb, 16, m.c[i].backend);
    distinct(m.e, &m.ne, 256, m.c[i].entry);
  }
  return m;
}

static const mcell *cell_of(const matrix *m, const char *b, const char *e)
{
  for (size_t i = 0; i < m->n; i++)
    if (!strcmp(m->c[i].backend, b) && !strcmp(m->c[i].entry, e))
      return &m->c[i];
  return NULL;
}

static int passed(const mcell *c)
{
  return strcmp(c->status, "pass") == 0;
}

static int skipped(const mcell *c)
{
  return strcmp(c->status, "skipped") == 0;
}

/* ---- the page ------------------------------------------------------------ */

/* An entry's kernel and dtype (backend_matrix.h's rule): the name after
 * "dlv_" less its dtype suffix (_d double, _s float, _z complex, _bf16,
 * _fp16); without one, dtype "d+z" for the closs pairs, else "-". */
static void entry_kernel(const char *entry, char *kernel, size_t size,
                         const char **dtype)
{
  static const char *const suffix[][2] = {{"_d", "double"}, {"_s", "float"},
                                          {"_z", "complex"},
                                          {"_bf16", "bf16"},
                                          {"_fp16", "fp16"}};
  const char *name = strncmp(entry, "dlv_", 4) ? entry : entry + 4;
  size_t len = strlen(name);
  *dtype = strncmp(name, "closs_", 6) ? "-" : "d+z";
  for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
    size_t k = strlen(suffix[i][0]);
    if (len > k && !strcmp(name + len - k, suffix[i][0])) {
      *dtype = suffix[i][1];
      len -= k;
      break;
    }
  }
  snprintf(kernel, size, "%.*s", (int)len, name);
}

/* The first gate row of backend b and entry e, or NULL. */
static const dlv_row *gate_row(const dlv_rows *rows, const char *b,
                               const char *e)
{
  for (size_t i = 0; i < rows->n; i++) {
    const dlv_row *r = &rows->rows[i];
    if (is_gate(r) && !strcmp(r->backend, b) && !strcmp(r->check, e))
      return r;
  }
  return NULL;
}

/* A cell (its raw text from c to end): "-" for no cell; else class by
 * status (pass confirmed, skipped qualified, else fail), "<status>", the
 * worst err/bound when cases ran (linked to the gate row of its backend
 * and entry when there is one, whose err/bound and cases it is), then
 * "<br>R run / S skipped". */
static void check_cell(const char *dir, const dlv_rows *rows,
                       const mcell *m, const char *b, const char *e,
                       const char *c, const char *end)
{
  char line[160], want[256], ratio[64], link[48] = "";
  snprintf(line, sizeof line, "backend matrix %s %s", b, e);
  const char *cls = m == NULL     ? ""
                    : passed(m)   ? " class=\"confirmed\""
                    : skipped(m)  ? " class=\"qualified\""
                                  : " class=\"fail\"";
  const dlv_row *r = m && m->ran ? gate_row(rows, b, e) : NULL;
  if (r != NULL)
    snprintf(link, sizeof link, "<a href=\"#g%zu\">", anchor_of(rows, r));
  ratio_text(ratio, sizeof ratio, m ? m->worst : 0.0);
  if (m == NULL)
    snprintf(want, sizeof want, "<td>-");
  else
    snprintf(want, sizeof want, "<td%s>%s%s%s%s%s<br>%lu run / %lu skipped",
             cls, m->status, m->ran ? " " : "", link, m->ran ? ratio : "",
             r ? "</a>" : "", m->ran, m->skipped);
  const char *td = c;
  while (strncmp(td, "<td", 3))
    td--;
  if ((size_t)(end - td) != strlen(want) || strncmp(td, want, strlen(want)))
    problem(dir, line, "cell's class, status, err/bound or cases differ "
                       "from its [matrix] line");
  char row_ratio[64];
  if (r != NULL)
    ratio_text(row_ratio, sizeof row_ratio, r->ratio);
  if (r != NULL && (strcmp(row_ratio, ratio) || gate_cases(r) != m->ran))
    problem(dir, line, "err/bound or cases run differ from its row's");
}

/* The header: kernel, dtype, then a column per backend in order. */
static void check_columns(const char *dir, const matrix *m, const char *t,
                          const char *end)
{
  const char *h = strstr(t, "<th>dtype</th>");
  size_t k = 0;
  for (h = h ? h + 14 : end; (h = strstr(h, "<th>")) && h < end; h += 4) {
    size_t len = strcspn(h + 4, "<");
    if (k >= m->nb || strlen(m->b[k]) != len || strncmp(h + 4, m->b[k], len))
      problem(dir, "backend matrix", "columns are not the backends run");
    k++;
  }
  if (k != m->nb)
    problem(dir, "backend matrix", "columns are not the backends run");
}

/* The row of entry e at s: its kernel and dtype, a cell per backend. */
static void check_matrix_row(const char *dir, const dlv_rows *rows,
                             const matrix *m, const char *e, const char *s,
                             const char *end)
{
  char kernel[64], shown[64], dt[16];
  const char *dtype, *ke, *k = nth_cell(s, end, 0, &ke), *de;
  const char *d = nth_cell(s, end, 1, &de);
  entry_kernel(e, kernel, sizeof kernel, &dtype);
  if (k == NULL || d == NULL) {
    problem(dir, "backend matrix", "row without kernel and dtype");
    return;
  }
  cell_text(k, ke, shown, sizeof shown);
  cell_text(d, de, dt, sizeof dt);
  if (strcmp(shown, kernel) || strcmp(dt, dtype))
    problem(dir, e, "backend matrix row's kernel or dtype is not its "
                    "entry's");
  unsigned long tried = 0;
  for (size_t j = 0; j < m->nb; j++) {
    const char *ce, *c = nth_cell(s, end, 2 + (int)j, &ce);
    const mcell *x = cell_of(m, m->b[j], e);
    if (c == NULL) {
      problem(dir, "backend matrix", "row with fewer cells than backends");
      return;
    }
    check_cell(dir, rows, x, m->b[j], e, c, ce);
    if (x && tried && x->ran + x->skipped != tried)
      problem(dir, e, "cases tried differ across backends");
    tried = x ? x->ran + x->skipped : tried;
  }
}

/* The findings, in the cells' order: a failed entry's worst err/bound
 * and cases, its cases skipped when it has reasons, its observation;
 * "None" when there is none. */
static void check_findings(const char *dir, const matrix *m, const char *f,
                           const char *end)
{
  char want[300];
  const char *li = f;
  int any = 0, ok = 1;
  for (size_t i = 0; i < m->n; i++) {
    const mcell *c = &m->c[i];
    for (int q = 0; q < 3; q++) {
      if (q == 0 && !passed(c) && !skipped(c))
        snprintf(want, sizeof want, "<li><b>%s: %s %s</b>: worst err/bound "
                 "%.6g over %lu cases", c->backend, c->entry, c->status,
                 c->worst, c->ran);
      else if (q == 1 && c->skip_lines)
        snprintf(want, sizeof want, "<li>%s: %s: %lu cases skipped (",
                 c->backend, c->entry, c->skipped);
      else if (q == 2 && c->observed)
        snprintf(want, sizeof want, "<li>%s: %s: observed in ", c->backend,
                 c->entry);
      else
        continue;
      li = li ? strstr(li, "<li>") : NULL;
      ok &= li && li < end && !strncmp(li, want, strlen(want));
      li = li ? li + 4 : NULL;
      any = 1;
    }
  }
  li = li ? strstr(li, "<li>") : NULL;
  ok &= (li == NULL || li > end) &&
        (any || strstr(f, "<p>None: every entry ran and held.</p>"));
  if (!ok)
    problem(dir, "backend matrix", "findings are not the failed entries, "
                                   "skip reasons and observations in order");
}

void check_backend_matrix(const char *dir, const dlv_rows *rows,
                          const char *html)
{
  matrix m = read_matrix(dir);
  const char *t = strstr(html, "<table id=\"backend-matrix\">");
  const char *end = t ? strstr(t, "</table>") : NULL;
  const char *sec_end = end ? strstr(end, "</section>") : NULL;
  size_t e = 0;
  if ((sec_end != NULL) != (m.n > 0))
    problem(dir, "backend matrix", "a matrix exactly when the logs have "
                                   "[matrix] lines: not so");
  for (const char *r = sec_end ? strstr(t, "<tr><td>") : NULL; r && r < end;
       r = strstr(r + 1, "<tr><td>"), e++)
    if (e < m.ne)
      check_matrix_row(dir, rows, &m, m.e[e], r, strstr(r, "</tr>"));
  if (sec_end != NULL) {
    check_columns(dir, &m, t, end);
    check_findings(dir, &m, end, sec_end);
    if (e != m.ne)
      problem(dir, "backend matrix", "not one row per entry, in order");
  }
  free(m.c);
}

/* ---- the terminal ------------------------------------------------------ */

/* A failed entry's line ("backend entry status R run / S skipped, worst
 * err/bound W"): 1 when it is one of a failed cell's. */
static int failed_line(const matrix *m, const char *s)
{
  char b[32], e[64], st[16], w[64], want[64];
  unsigned long ran, sk;
  if (sscanf(s, " %31s %63s %15s %lu run / %lu skipped, worst err/bound "
                "%63s", b, e, st, &ran, &sk, w) != 6)
    return 0;
  const mcell *c = cell_of(m, b, e);
  if (c != NULL)
    snprintf(want, sizeof want, "%.6g", c->worst);
  return c && !passed(c) && !skipped(c) && !strcmp(st, c->status) &&
         ran == c->ran && sk == c->skipped && !strcmp(w, want);
}

/* The backend's counts line "backend N entries pass, M skipped entirely,
 * K failed" in text: 1 when there is one with the cells' counts. */
static int counts_line(const matrix *m, const char *b, const char *text)
{
  unsigned long pass = 0, skip = 0, fail = 0, p, s, f;
  for (size_t i = 0; i < m->n; i++)
    if (!strcmp(m->c[i].backend, b)) {
      pass += passed(&m->c[i]);
      skip += skipped(&m->c[i]);
      fail += !passed(&m->c[i]) && !skipped(&m->c[i]);
    }
  char name[32];
  for (const char *l = text; *l; l += strcspn(l, "\n"), l += *l == '\n')
    if (sscanf(l, " %31s %lu entries pass, %lu skipped entirely, %lu failed",
               name, &p, &s, &f) == 4 && !strcmp(name, b))
      return p == pass && s == skip && f == fail;
  return 0;
}

void check_terminal_matrix(const char *dir, const char *text)
{
  matrix m = read_matrix(dir);
  int shown = strstr(text, "\nbackend matrix (") != NULL;
  size_t failed = 0, lines = 0;
  if (shown != (m.backends_run > 0))
    problem(dir, "terminal", "the backend matrix printed exactly when a "
                             "--backend ran: not so");
  for (size_t i = 0; i < m.n; i++)
    failed += !passed(&m.c[i]) && !skipped(&m.c[i]);
  for (const char *l = text; shown && *l;
       l += strcspn(l, "\n"), l += *l == '\n')
    lines += failed_line(&m, l);
  for (size_t b = 0; shown && b < m.nb; b++)
    if (!counts_line(&m, m.b[b], text))
      problem(dir, m.b[b], "terminal: entries passed, skipped entirely or "
                           "failed differ from the [matrix] lines");
  if (shown && lines != failed)
    problem(dir, "terminal", "not one line per failed matrix entry");
  free(m.c);
}
