/* t_report_recount [-t TERMINAL] DIR...: an independent recount of a
 * report, every figure, number, class and ordering it writes worked out
 * again from the evidence by the rules the headers state (select.h,
 * evidence.h, html.h, gate_report.h, baseline.h, backend_matrix.h,
 * plot.h), written apart from the program's code (plot.h's
 * specifications, what to plot, are shared).  -t names the file holding
 * the run's terminal output, recounted with the next DIR.  Prints each
 * disagreement; exit 1 if any, 2 on a usage or read error.  Used by
 * test_dlverify.sh and the test_report_*.sh tests on every report they
 * write.  Recounted:
 *
 * summary.csv, per claim of the evidence: its verdict (evidence.h's
 * rules, the first that applies: no claim row or an accuracy row failing
 * INCONCLUSIVE, a claim row failing REFUTED, a nearby row QUALIFIED, an
 * erratum row CONFIRMED-WITH-ERRATUM, else CONFIRMED; "failing": not
 * holding), its rows and those not ok, the largest err/bound over the
 * rows that must hold (accuracy and claim rows; a NaN is the largest),
 * named "check [shape] quantity", the largest ulps over those rows whose
 * ulps mean something (finite bound and ulps, the bound at most 2^20
 * ulps of the reference), the baseline's verdict.  kernels.csv, one line
 * per kernel, variant and dtype of dlverify's own rows, in that order:
 * the same figures, the claims its non-gate rows come from, its gate
 * cases (the gate rows' leading "cases=N", summed).  Each line of both
 * the header's width.
 *
 * The page (index.html): the title and status banner (claims failed of
 * the claims run, the gate FAILED when a gate row is not ok, else the
 * claims and rows; against a baseline its totals); the failure box (a
 * heading per failed claim, every claim failed by its evidence among
 * them, with its verdict and rows not ok, five listed and the rest
 * counted; the gate's, twenty listed); the run table's rows the checks
 * recorded (meta.csv: GSL, MPFR, quick mode, precision, "(default)" at
 * 256 bits; the seed every row was drawn with) and its count of plots
 * drawn; the claim table's line per claim (verdict and its colour class,
 * INCONCLUSIVE in REFUTED's, rows, failed rows and their class, worst
 * err/bound and ulps linked to their row's group, titled with all digits
 * and the row, shown with six digits or 17 where six would cross 1) and
 * the kernel table's row per kernel, in order (claims, status and its
 * class, rows, failed rows, gate cases, the same figures); with a
 * baseline, each line's new failures and rows grown; per claim its
 * section: the verdict line (verdict, rows, failed rows), the worst claim
 * row when every claim row holds, the explanation's counts role by role
 * and the accuracy rows that hold, the table of its rows not ok, and
 * each group row (anchor g<i>: run row i's group, rows alike in claim,
 * check, quantity, dtype, bound name, role, kernel, variant and backend)
 * with its quantity escaped (no raw < > " and no & but an entity's),
 * role, row count, rows holding, FAILED or ok and its class, and its
 * worst row's numbers; the gate section's sentence (entries: groups of
 * gate rows; cases; failed rows) and its entry table (shards, cases
 * summed over shards, status, worst err/bound, the failed rows' shapes
 * then the worst row's); the baseline section (t_recount_baseline.c);
 * the backend matrix (t_recount_matrix.c); the figures
 * (t_recount_figures.c): each plots/plot-<id>.gp against the rows plot.h
 * selects (axes, category tics, series in order of first row, points in
 * increasing x, category offsets, the y drawn, legend titles, colours),
 * each figure's caption (rows drawn, rows not drawn by reason).
 *
 * The terminal (t_recount_terminal.c): each claim's line, the gate's
 * line, the failure headings and the rows they list, the baseline's
 * line, the backend matrix's counts. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "t_recount.h"

enum { ULPS_SCALE = 1 << 20 };

/* What a table line states about its rows. */
typedef struct {
  size_t rows, failed, new_failures, grown;
  double ratio, ulps;
  const dlv_row *ratio_at, *ulps_at; /* the rows they come from, or NULL */
  char ratio_row[1100], ulps_row[1100], claims[128];
} figures;

static int problems;

void problem(const char *dir, const char *line, const char *what)
{
  printf("%s: %s: %s\n", dir, line, what);
  problems++;
}

int is_gate(const dlv_row *r)
{
  return strcmp(r->claim, "gate") == 0;
}

int own(const dlv_row *r)
{
  return !*r->backend || !strcmp(r->backend, "-") ||
         !strcmp(r->backend, "builtin") ||
         !strcmp(r->backend, DLV_BACKEND_CLAIMS);
}

int must_hold(const dlv_row *r)
{
  return r->role == DLV_ROLE_ACCURACY || r->role == DLV_ROLE_CLAIM;
}

static int ulps_mean_something(const dlv_row *r)
{
  return must_hold(r) && isfinite(r->bound) && isfinite(r->ulps) &&
         (r->err == 0.0 || r->ulps * (r->bound / r->err) <= ULPS_SCALE);
}

static void name_row(char *buf, size_t size, const dlv_row *r)
{
  snprintf(buf, size, "%s [%s] %s", r->check, r->shape, r->quantity);
}

int worse(double r, double w, int first)
{
  return first || (!isnan(w) && !(r <= w));
}

int same_double(double a, double b)
{
  return a == b || (isnan(a) && isnan(b));
}

unsigned long gate_cases(const dlv_row *r)
{
  unsigned long n;
  return is_gate(r) && sscanf(r->shape, "cases=%lu", &n) == 1 ? n : 0;
}

void ratio_text(char *buf, size_t size, double ratio)
{
  snprintf(buf, size, "%.6g", ratio);
  double shown = strtod(buf, NULL);
  if (!isnan(ratio) &&
      ((ratio < 1.0) != (shown < 1.0) || (ratio > 1.0) != (shown > 1.0)))
    snprintf(buf, size, "%.17g", ratio);
}

/* Adds row r to the figures. */
static void add_row(figures *f, const dlv_row *r)
{
  f->rows++;
  f->failed += !r->ok;
  f->new_failures += (baseline_flags(r) & NEW_FAILURE) != 0;
  f->grown += (baseline_flags(r) & GROWN) != 0;
  if (must_hold(r) && worse(r->ratio, f->ratio, f->ratio_at == NULL)) {
    f->ratio = r->ratio;
    f->ratio_at = r;
    name_row(f->ratio_row, sizeof f->ratio_row, r);
  }
  if (ulps_mean_something(r) && (f->ulps_at == NULL || r->ulps > f->ulps)) {
    f->ulps = r->ulps;
    f->ulps_at = r;
    name_row(f->ulps_row, sizeof f->ulps_row, r);
  }
  size_t len = strlen(f->claims);
  if (!is_gate(r) && !strstr(f->claims, r->claim))
    snprintf(f->claims + len, sizeof f->claims - len, "%s%s",
             len ? " " : "", r->claim);
}

static figures empty_figures(void)
{
  figures f;
  memset(&f, 0, sizeof f);
  f.ratio = f.ulps = NAN;
  return f;
}

static int same_number(const char *text, double want)
{
  return same_double(strtod(text, NULL), want);
}

/* Compares the figures columns from `at` on (count, failed, ratio, its
 * row, ulps, its row, and against a baseline new failures and rows
 * grown; empty without one). */
static void compare(const char *dir, const char *line, field *v, int at,
                    const figures *f)
{
  char want[64];
  snprintf(want, sizeof want, "%zu", f->rows);
  if (strcmp(v[at], want))
    problem(dir, line, "row count differs");
  snprintf(want, sizeof want, "%zu", f->failed);
  if (strcmp(v[at + 1], want))
    problem(dir, line, "failed count differs");
  if (!same_number(v[at + 2], f->ratio) || strcmp(v[at + 3], f->ratio_row))
    problem(dir, line, "largest err/bound or its row differs");
  if (!same_number(v[at + 4], f->ulps) || strcmp(v[at + 5], f->ulps_row))
    problem(dir, line, "largest ulps or its row differs");
  char grown[32] = "";
  *want = '\0';
  if (baseline_rows() != NULL) {
    snprintf(want, sizeof want, "%zu", f->new_failures);
    snprintf(grown, sizeof grown, "%zu", f->grown);
  }
  if (strcmp(v[at + 6], want) || strcmp(v[at + 7], grown))
    problem(dir, line, "new failures or rows grown against the baseline "
                       "differ");
}

void *recount_realloc(void *p, size_t bytes)
{
  void *q = realloc(p, bytes);
  if (q == NULL) {
    fprintf(stderr, "t_report_recount: out of memory\n");
    exit(2);
  }
  return q;
}

static FILE *open_in(const char *dir, const char *name)
{
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "r");
  if (f == NULL) {
    fprintf(stderr, "t_report_recount: cannot read %s\n", path);
    exit(2);
  }
  return f;
}

/* The next line of a table of `columns` fields into v: 1, or 0 at its
 * end; a line of another width is a problem, and ends the table. */
static int next_line(FILE *in, field *v, int columns, const char *dir,
                     const char *table)
{
  int n = dlv_csv_read_record(in, v, MAX_FIELDS);
  if (n != 0 && n != columns)
    problem(dir, table, "a line of another width than the header's");
  return n == columns;
}

void list_add(char *list, size_t size, const char *name)
{
  size_t len = strlen(list);
  snprintf(list + len, size - len, "%s%s|", len ? "" : "|", name);
}

int listed(const char *list, const char *name)
{
  char item[300];
  snprintf(item, sizeof item, "|%s|", name);
  return strstr(list, item) != NULL;
}

const char *list_next(const char *at, char *name, size_t size)
{
  at += *at == '|';
  size_t n = strcspn(at, "|");
  if (n == 0)
    return NULL;
  snprintf(name, size, "%.*s", (int)n, at);
  return at + n;
}

/* The number of names in a list. */
static size_t list_count(const char *list)
{
  size_t bars = 0;
  for (; *list; list++)
    bars += *list == '|';
  return bars ? bars - 1 : 0;
}

/* ---- the rows' verdicts ------------------------------------------------ */

const char *const verdict_word[] = {"INCONCLUSIVE", "REFUTED", "QUALIFIED",
                                    "CONFIRMED-WITH-ERRATUM", "CONFIRMED"};
const char *const verdict_class[] = {"refuted", "refuted", "qualified",
                                     "erratum", "confirmed"};

int verdict_of(const dlv_rows *rows, const char *claim)
{
  size_t n_claim = 0, failing[4] = {0, 0, 0, 0};
  for (size_t i = 0; i < rows->n; i++) {
    const dlv_row *r = &rows->rows[i];
    if (strcmp(r->claim, claim) == 0) {
      n_claim += r->role == DLV_ROLE_CLAIM;
      failing[r->role] += !r->holds;
    }
  }
  if (n_claim == 0 || failing[DLV_ROLE_ACCURACY])
    return V_INCONCLUSIVE;
  if (failing[DLV_ROLE_CLAIM])
    return V_REFUTED;
  if (failing[DLV_ROLE_NEARBY])
    return V_QUALIFIED;
  return failing[DLV_ROLE_ERRATUM] ? V_ERRATUM : V_CONFIRMED;
}

size_t failed_rows(const dlv_rows *rows, const char *claim)
{
  size_t n = 0;
  for (size_t i = 0; i < rows->n; i++)
    n += !strcmp(rows->rows[i].claim, claim) && !rows->rows[i].ok;
  return n;
}

int fails_by_evidence(const dlv_rows *rows, const char *claim)
{
  return failed_rows(rows, claim) > 0 ||
         verdict_of(rows, claim) == V_INCONCLUSIVE;
}

/* ---- the tables -------------------------------------------------------- */

enum { SUMMARY_COLUMNS = 12, KERNELS_COLUMNS = 13 };

/* Every claim line (its verdict and figures), and a line for every claim
 * of the evidence; the claims listed in claims ("|P1|P4a|"). */
static void check_summary(const char *dir, const dlv_rows *rows,
                          char *claims, size_t size)
{
  FILE *in = open_in(dir, "summary.csv");
  field v[MAX_FIELDS];
  *claims = '\0';
  next_line(in, v, SUMMARY_COLUMNS, dir, "summary.csv header");
  while (next_line(in, v, SUMMARY_COLUMNS, dir, "summary.csv")) {
    figures f = empty_figures();
    for (size_t i = 0; i < rows->n; i++)
      if (!strcmp(rows->rows[i].claim, v[0]))
        add_row(&f, &rows->rows[i]);
    const dlv_rows *base = baseline_rows();
    if (strcmp(v[1], verdict_word[verdict_of(rows, v[0])]))
      problem(dir, v[0], "verdict differs from the evidence's");
    if (strcmp(v[10], base ? verdict_word[verdict_of(base, v[0])] : ""))
      problem(dir, v[0], "baseline verdict differs from the baseline's");
    compare(dir, v[0], v, 2, &f);
    list_add(claims, size, v[0]);
  }
  fclose(in);
  for (size_t i = 0; i < rows->n; i++)
    if (!is_gate(&rows->rows[i]) && !listed(claims, rows->rows[i].claim)) {
      problem(dir, rows->rows[i].claim, "claim with evidence but no line");
      list_add(claims, size, rows->rows[i].claim); /* once */
    }
}

/* The kernel of r, as "kernel,variant,dtype". */
static void kernel_key(char *buf, size_t size, const dlv_row *r)
{
  snprintf(buf, size, "%s,%s,%s", r->kernel, r->variant, r->dtype);
}

/* A row of one of dlverify's own kernels: the kernel table's rows. */
static int own_kernel_row(const dlv_row *r)
{
  return own(r) && *r->kernel && strcmp(r->kernel, "-");
}

/* The figures of the kernel line key ("kernel,variant,dtype"): dlverify's
 * own rows of it, and the gate cases among them in *cases. */
static figures kernel_figures(const dlv_rows *rows, const char *key,
                              unsigned long *cases)
{
  figures f = empty_figures();
  char k[256];
  *cases = 0;
  for (size_t i = 0; i < rows->n; i++) {
    kernel_key(k, sizeof k, &rows->rows[i]);
    if (own(&rows->rows[i]) && !strcmp(k, key)) {
      add_row(&f, &rows->rows[i]);
      *cases += gate_cases(&rows->rows[i]);
    }
  }
  return f;
}

/* The distinct kernels of dlverify's own rows. */
static size_t count_kernels(const dlv_rows *rows)
{
  size_t n = 0;
  for (size_t i = 0; i < rows->n; i++) {
    const dlv_row *r = &rows->rows[i];
    size_t q = 0;
    while (q < i && !(own_kernel_row(&rows->rows[q]) &&
                      !strcmp(rows->rows[q].kernel, r->kernel) &&
                      !strcmp(rows->rows[q].variant, r->variant) &&
                      !strcmp(rows->rows[q].dtype, r->dtype)))
      q++;
    n += own_kernel_row(r) && q == i;
  }
  return n;
}

/* Kernel lines sorted by kernel, then variant, then dtype: 1 when the
 * line k (three fields) comes after prev (updated). */
static int in_kernel_order(field *prev, const char *const k[3])
{
  int c = 0;
  for (int q = 0; q < 3 && c == 0; q++)
    c = strcmp(prev[q], k[q]);
  for (int q = 0; q < 3; q++)
    snprintf(prev[q], sizeof prev[q], "%s", k[q]);
  return c < 0;
}

/* Every kernel line (claims, figures, gate cases), in kernel order, and
 * a line for every kernel dlverify's rows measure. */
static void check_kernels(const char *dir, const dlv_rows *rows)
{
  FILE *in = open_in(dir, "kernels.csv");
  field v[MAX_FIELDS], prev[3] = {"", "", ""};
  char key[256], want[32];
  size_t lines = 0;
  next_line(in, v, KERNELS_COLUMNS, dir, "kernels.csv header");
  while (next_line(in, v, KERNELS_COLUMNS, dir, "kernels.csv")) {
    unsigned long cases;
    snprintf(key, sizeof key, "%s,%s,%s", v[0], v[1], v[2]);
    figures f = kernel_figures(rows, key, &cases);
    if (strcmp(v[3], f.claims))
      problem(dir, key, "claims differ");
    compare(dir, key, v, 4, &f);
    snprintf(want, sizeof want, "%lu", cases);
    if (strcmp(v[12], want))
      problem(dir, key, "gate cases differ from the evidence's");
    if (!in_kernel_order(prev, (const char *const[]){v[0], v[1], v[2]}))
      problem(dir, key, "kernel line out of kernel, variant, dtype order");
    lines++;
  }
  fclose(in);
  if (lines != count_kernels(rows))
    problem(dir, "kernels.csv", "not one line per kernel measured");
}

/* ---- the page: cells ---------------------------------------------------- */

char *read_path(const char *path)
{
  FILE *in = fopen(path, "r");
  if (in == NULL)
    return NULL;
  size_t cap = 1 << 16, n = 0, got;
  char *buf = malloc(cap);
  while (buf != NULL && (got = fread(buf + n, 1, cap - n - 1, in)) > 0)
    if ((n += got) == cap - 1) {
      char *more = realloc(buf, cap *= 2);
      if (more == NULL)
        free(buf);
      buf = more;
    }
  fclose(in);
  if (buf == NULL) {
    fprintf(stderr, "t_report_recount: %s: out of memory\n", path);
    exit(2);
  }
  buf[n] = '\0';
  return buf;
}

char *read_if_any(const char *dir, const char *name)
{
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  return read_path(path);
}

char *read_all(const char *dir, const char *name)
{
  char *text = read_if_any(dir, name);
  if (text == NULL) {
    fprintf(stderr, "t_report_recount: cannot read %s/%s\n", dir, name);
    exit(2);
  }
  return text;
}

int cell_text(const char *s, const char *end, char *out, size_t size)
{
  static const char *const ent[][2] = {
      {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}};
  size_t n = 0;
  int escaped = 1;
  for (; s < end && n + 1 < size; s++) {
    size_t k = 0;
    while (k < 4 && strncmp(s, ent[k][0], strlen(ent[k][0])) != 0)
      k++;
    if (k < 4) {
      out[n++] = ent[k][1][0];
      s += strlen(ent[k][0]) - 1;
      continue;
    }
    escaped &= *s != '<' && *s != '>' && *s != '"' && *s != '&';
    out[n++] = *s;
  }
  out[n] = '\0';
  return escaped;
}

const char *nth_cell(const char *s, const char *row_end, int k,
                     const char **text_end)
{
  *text_end = row_end;
  for (int i = 0;; i++) {
    s = strstr(s, "<td");
    if (s == NULL || s >= row_end)
      return NULL;
    const char *text = strchr(s, '>');
    const char *close = text ? strstr(text, "</td>") : NULL;
    if (close == NULL || close > row_end)
      return NULL;
    if (i == k) {
      *text_end = close;
      return text + 1;
    }
    s = close;
  }
}

size_t cell_count(const char *text, const char *end)
{
  char buf[64];
  cell_text(text, end, buf, sizeof buf);
  return (size_t)strtoull(buf, NULL, 10);
}

/* The "<td" of the cell whose text starts at text. */
static const char *cell_tag(const char *text)
{
  const char *td = text - 1; /* the tag's '>' */
  while (strncmp(td, "<td", 3) != 0)
    td--;
  return td;
}

/* The class attribute of the cell whose text starts at text ("" if it
 * has none). */
static void cell_class(const char *text, char *out, size_t size)
{
  const char *td = cell_tag(text);
  const char *c = strstr(td, " class=\"");
  *out = '\0';
  if (c != NULL && c < text)
    snprintf(out, size, "%.*s", (int)strcspn(c + 8, "\""), c + 8);
}

/* The numbers shown in the cells k, k+1, k+2, k+3 and k+5 of the table
 * row at s (value, reference, err, bound, err/bound; k+4 is the bound's
 * name): each cell's title, all digits.  0, or -1 when a cell or its
 * title is missing. */
static int shown_numbers(const char *s, const char *end, int k, double v[5])
{
  const int at[5] = {k, k + 1, k + 2, k + 3, k + 5};
  for (int q = 0; q < 5; q++) {
    const char *td = s;
    for (int i = 0; i <= at[q]; i++) {
      td = strstr(i ? td + 3 : td, "<td");
      if (td == NULL || td >= end)
        return -1;
    }
    const char *close = strchr(td, '>');
    const char *title = strstr(td, " title=\"");
    if (close == NULL || title == NULL || title > close)
      return -1;
    v[q] = strtod(title + strlen(" title=\""), NULL);
  }
  return 0;
}

/* Whether row r shows as the numbers v. */
static int shows(const dlv_row *r, const double v[5])
{
  return same_double(r->value, v[0]) && same_double(r->reference, v[1]) &&
         same_double(r->err, v[2]) && same_double(r->bound, v[3]) &&
         same_double(r->ratio, v[4]);
}

int same_group(const dlv_row *r, const dlv_row *g)
{
  return !strcmp(r->claim, g->claim) && !strcmp(r->check, g->check) &&
         !strcmp(r->quantity, g->quantity) && !strcmp(r->dtype, g->dtype) &&
         !strcmp(r->bound_name, g->bound_name) && r->role == g->role &&
         !strcmp(r->kernel, g->kernel) && !strcmp(r->variant, g->variant) &&
         !strcmp(r->backend, g->backend);
}

size_t anchor_of(const dlv_rows *rows, const dlv_row *r)
{
  size_t i = 0;
  while (!same_group(&rows->rows[i], r))
    i++;
  return i;
}

/* A figure cell (its text from c to end) for the worst row w's figure v
 * and its name: "-" when there is no such row, else a link to w's group
 * titled "V: name" (V as strtod reads it, "nan" included) showing V as an
 * err/bound is shown. */
static void check_figure_cell(const char *dir, const char *line,
                              const dlv_rows *rows, const char *c,
                              const char *end, const dlv_row *w, double v,
                              const char *name)
{
  char link[64], text[1300], shown[64];
  if (w == NULL) {
    cell_text(c, end, text, sizeof text);
    if (strcmp(text, "-"))
      problem(dir, line, "a figure shown where no row has one");
    return;
  }
  snprintf(link, sizeof link, "<a href=\"#g%zu\" title=\"",
           anchor_of(rows, w));
  char *after = NULL; /* past the title's number, when there is one */
  double titled = NAN; /* which may be a NaN, titled "nan" */
  if (!strncmp(c, link, strlen(link))) {
    titled = strtod(c + strlen(link), &after);
    if (after == c + strlen(link))
      after = NULL;
  }
  const char *close = after == NULL ? NULL : strstr(after, "\">");
  if (close == NULL || close > end || strncmp(after, ": ", 2)) {
    problem(dir, line, "figure not linked to its row's group");
    return;
  }
  cell_text(after + 2, close, text, sizeof text);
  ratio_text(shown, sizeof shown, v);
  size_t len = strlen(shown);
  if (!same_double(titled, v) || strcmp(text, name) ||
      strncmp(close + 2, shown, len) || strncmp(close + 2 + len, "</a>", 4))
    problem(dir, line, "figure, its row or its digits differ");
}

/* A count cell: n, and the class "num fail" exactly when flagged. */
static void check_count_cell(const char *dir, const char *line,
                             const char *c, const char *end, size_t n,
                             int flagged, const char *what)
{
  char cls[64];
  cell_class(c, cls, sizeof cls);
  if (cell_count(c, end) != n ||
      strcmp(cls, flagged ? "num fail" : "num"))
    problem(dir, line, what);
}

/* The cells k (worst err/bound) and k+1 (worst ulps) of the row at s,
 * and against a baseline k+2 and k+3 (new failures, rows grown). */
static void check_figure_cells(const char *dir, const char *line,
                               const dlv_rows *rows, const char *s,
                               const char *end, int k, const figures *f)
{
  const char *e0, *c0 = nth_cell(s, end, k, &e0);
  const char *e1, *c1 = nth_cell(s, end, k + 1, &e1);
  if (c0 == NULL || c1 == NULL) {
    problem(dir, line, "row without its figure cells");
    return;
  }
  check_figure_cell(dir, line, rows, c0, e0, f->ratio_at, f->ratio,
                    f->ratio_row);
  check_figure_cell(dir, line, rows, c1, e1, f->ulps_at, f->ulps,
                    f->ulps_row);
  const char *e2, *c2 = nth_cell(s, end, k + 2, &e2);
  const char *e3, *c3 = nth_cell(s, end, k + 3, &e3);
  if (baseline_rows() == NULL)
    return;
  if (c2 == NULL || c3 == NULL) {
    problem(dir, line, "row without its cells against the baseline");
    return;
  }
  check_count_cell(dir, line, c2, e2, f->new_failures, f->new_failures > 0,
                   "new failures or their class differ");
  check_count_cell(dir, line, c3, e3, f->grown, f->grown > 0,
                   "rows grown or their class differ");
}

/* ---- the page: a claim's section ---------------------------------------- */

/* The group row of run row i at s (one <tr> of the section): role, rows,
 * holding, quantity, FAILED or ok (and the row's class), counted from
 * the evidence. */
static void check_group_row(const char *dir, const dlv_rows *rows, size_t i,
                            const char *s, const char *end)
{
  char line[300], text[1100];
  const dlv_row *g = &rows->rows[i];
  snprintf(line, sizeof line, "page group g%zu (%s %s)", i, g->claim, g->check);
  size_t count = 0, holding = 0, not_ok = 0;
  for (size_t j = 0; j < rows->n; j++)
    if (same_group(&rows->rows[j], g))
      count++, holding += rows->rows[j].holds != 0,
          not_ok += !rows->rows[j].ok;
  const char *cell_end, *q = nth_cell(s, end, 0, &cell_end);
  const char *role_end, *role = nth_cell(s, end, 4, &role_end);
  const char *n_end, *n = nth_cell(s, end, 5, &n_end);
  const char *h_end, *h = nth_cell(s, end, 6, &h_end);
  const char *ok_end, *ok = nth_cell(s, end, 15, &ok_end);
  if (q == NULL || role == NULL || n == NULL || h == NULL || ok == NULL) {
    problem(dir, line, "group row with fewer than 16 cells");
    return;
  }
  if (!cell_text(q, cell_end, text, sizeof text))
    problem(dir, line, "quantity not escaped");
  if (strcmp(text, g->quantity))
    problem(dir, line, "quantity differs from its anchor row's");
  cell_text(role, role_end, text, sizeof text);
  if (strcmp(text, dlv_role_name(g->role)))
    problem(dir, line, "role differs");
  if (cell_count(n, n_end) != count || cell_count(h, h_end) != holding)
    problem(dir, line, "row count or holding count differs");
  cell_text(ok, ok_end, text, sizeof text);
  const char *tag_end = strchr(s, '>');
  int fail_class = tag_end && strstr(s, " class=\"fail\"") &&
                   strstr(s, " class=\"fail\"") < tag_end;
  if (strcmp(text, not_ok ? "FAILED" : "ok") || fail_class != (not_ok > 0))
    problem(dir, line, "FAILED or ok differs from its rows' ok");
  /* its worst row's numbers: a row of the group with the largest
   * err/bound (NaN the largest), shape and all */
  double v[5], worst = 0.0;
  const dlv_row *w = NULL;
  const char *sh_end, *sh = nth_cell(s, end, 7, &sh_end);
  if (sh == NULL || shown_numbers(s, end, 8, v) != 0) {
    problem(dir, line, "group row without its worst row's cells");
    return;
  }
  cell_text(sh, sh_end, text, sizeof text);
  int first = 1;
  for (size_t j = 0; j < rows->n; j++) {
    const dlv_row *r = &rows->rows[j];
    if (!same_group(r, g))
      continue;
    if (worse(r->ratio, worst, first))
      worst = r->ratio;
    first = 0;
    if (shows(r, v) && !strcmp(r->shape, text))
      w = r;
  }
  if (w == NULL || !same_double(w->ratio, worst))
    problem(dir, line, "worst row's numbers are not those of the group's "
                       "worst row");
}

/* A failed rows table between from and to: the claim's rows not ok, at
 * most max of them (0: all), each such a row of its check; with a max
 * and more rows, "... and K more" names the rest. */
static void check_failed_rows(const char *dir, const char *line,
                              const dlv_rows *rows, const char *claim,
                              const char *from, const char *to, size_t max)
{
  static const char tag[] = "<tr class=\"fail\"><td><a href=\"#g";
  size_t want = failed_rows(rows, claim), shown = 0;
  for (const char *t = strstr(from, tag); t && t < to;
       t = strstr(t + 1, tag), shown++) {
    const char *row_end = strstr(t, "</tr>"), *c_end;
    const char *c = nth_cell(t, row_end ? row_end : to, 1, &c_end);
    char check[256];
    double v[5];
    if (row_end == NULL || c == NULL || shown_numbers(t, row_end, 6, v)) {
      problem(dir, line, "failed row without its cells");
      continue;
    }
    cell_text(c, c_end, check, sizeof check);
    int found = 0;
    for (size_t i = 0; i < rows->n && !found; i++) {
      const dlv_row *r = &rows->rows[i];
      found = !strcmp(r->claim, claim) && !r->ok &&
              !strcmp(r->check, check) && shows(r, v);
    }
    if (!found)
      problem(dir, line, "a failed row listed that is not a row not ok");
  }
  if (shown != (max && want > max ? max : want))
    problem(dir, line, "failed rows table does not list the rows not ok");
  char more[80];
  snprintf(more, sizeof more, "<tr><td colspan=\"13\">... and %zu more",
           want - max);
  const char *m = strstr(from, "<tr><td colspan=\"13\">... and ");
  int said = m != NULL && m < to;
  if (said != (max && want > max) ||
      (said && strncmp(m, more, strlen(more))))
    problem(dir, line, "the failed rows not listed are not counted");
}

/* The verdict shown at s ("<span class=\"verdict C\">V<" or "<td
 * class=\"C\"><b>V<"): class C and word V against verdict v. */
static void check_verdict_shown(const char *dir, const char *line,
                                const char *s, const char *class_at, int v)
{
  char cls[64] = "", word[64] = "";
  if (s != NULL) {
    s += strlen(class_at);
    size_t n = strcspn(s, "\"");
    snprintf(cls, sizeof cls, "%.*s", (int)n, s);
    s += n;
    s += strncmp(s, "\">", 2) == 0 ? 2 : 0;
    s += strncmp(s, "<b>", 3) == 0 ? 3 : 0;
    snprintf(word, sizeof word, "%.*s", (int)strcspn(s, "<"), s);
  }
  if (strcmp(cls, verdict_class[v]) || strcmp(word, verdict_word[v]))
    problem(dir, line, "verdict or its colour class differs from the "
                       "evidence's");
}

/* The worst claim row named in the explanation when every claim row
 * holds ("(worst err/bound X, "): X the largest err/bound of them. */
static void check_worst_claim(const char *dir, const char *line,
                              const dlv_rows *rows, const char *claim,
                              const char *sec, const char *end)
{
  double worst = NAN;
  int any = 0;
  for (size_t i = 0; i < rows->n; i++) {
    const dlv_row *r = &rows->rows[i];
    if (strcmp(r->claim, claim) || r->role != DLV_ROLE_CLAIM)
      continue;
    if (!r->holds)
      return; /* the explanation lists the failing rows instead */
    if (worse(r->ratio, worst, !any))
      worst = r->ratio;
    any = 1;
  }
  const char *at = strstr(sec, "(worst err/bound ");
  char want[64];
  snprintf(want, sizeof want, "(worst err/bound %.6g, ", worst);
  if (any && (at == NULL || at > end || strncmp(at, want, strlen(want))))
    problem(dir, line, "worst claim row's err/bound differs");
}

/* The folded accuracy line ("Accuracy: N rows (...), M hold</summary>")
 * states how many of the claim's accuracy rows hold. */
static void check_accuracy_held(const char *dir, const char *line,
                                const char *sec, const char *end,
                                size_t held)
{
  const char *at = strstr(sec, "Accuracy: ");
  const char *stop = at != NULL ? strstr(at, "</summary>") : NULL;
  char want[64];
  snprintf(want, sizeof want, ", %zu hold</summary>", held);
  size_t len = strlen(want);
  if (stop == NULL || stop > end || stop + 10 < at + len ||
      strncmp(stop + 10 - len, want, len) != 0) {
    char what[120];
    snprintf(what, sizeof what, "accuracy line does not say \"%zu hold\"",
             held);
    problem(dir, line, what);
  }
}

/* The explanation's counts (role by role, as the verdict's rules read
 * them): accuracy rows failing, claim rows (none, failing, all holding),
 * nearby and erratum rows failing or all holding, and the accuracy
 * details' total; each phrase must be in the section with the evidence's
 * numbers. */
static void check_explanation(const char *dir, const char *line,
                              const dlv_rows *rows, const char *claim,
                              const char *sec, const char *end)
{
  size_t T[4] = {0}, H[4] = {0};
  for (size_t i = 0; i < rows->n; i++) {
    const dlv_row *r = &rows->rows[i];
    if (strcmp(r->claim, claim) == 0 && r->role < 4)
      T[r->role]++, H[r->role] += r->holds != 0;
  }
  char want[6][160];
  int n = 0;
  if (T[DLV_ROLE_ACCURACY] > H[DLV_ROLE_ACCURACY])
    snprintf(want[n++], sizeof want[0], "%zu of %zu accuracy rows fail",
             T[0] - H[0], T[0]);
  else if (T[DLV_ROLE_CLAIM] == 0)
    snprintf(want[n++], sizeof want[0], "No claim row was recorded");
  else if (T[DLV_ROLE_CLAIM] > H[DLV_ROLE_CLAIM])
    snprintf(want[n++], sizeof want[0], "%zu of %zu claim rows do not hold",
             T[1] - H[1], T[1]);
  else
    snprintf(want[n++], sizeof want[0], "all %zu claim rows hold", T[1]);
  if (T[DLV_ROLE_NEARBY] > H[DLV_ROLE_NEARBY])
    snprintf(want[n++], sizeof want[0],
             "It fails in %zu of %zu rows of nearby senses", T[2] - H[2],
             T[2]);
  else if (T[DLV_ROLE_NEARBY])
    snprintf(want[n++], sizeof want[0],
             "All %zu rows of nearby senses hold too.", T[2]);
  if (T[DLV_ROLE_ERRATUM] > H[DLV_ROLE_ERRATUM])
    snprintf(want[n++], sizeof want[0],
             "shown wrong by %zu of %zu erratum rows", T[3] - H[3], T[3]);
  else if (T[DLV_ROLE_ERRATUM])
    snprintf(want[n++], sizeof want[0], "All %zu erratum rows hold", T[3]);
  snprintf(want[n++], sizeof want[0], "Accuracy: %zu rows ", T[0]);
  for (int k = 0; k < n; k++) {
    const char *at = strstr(sec, want[k]);
    if (at == NULL || at > end) {
      char what[300];
      snprintf(what, sizeof what, "explanation lacks \"%s\"", want[k]);
      problem(dir, line, what);
    }
  }
  check_accuracy_held(dir, line, sec, end, H[DLV_ROLE_ACCURACY]);
}

/* The section's verdict line: "Verdict: <span ...>V</span> (N rows, F
 * failed)", the claim's rows and those not ok. */
static void check_verdict_line(const char *dir, const char *line,
                               const dlv_rows *rows, const char *claim,
                               const char *sec, int v)
{
  static const char at[] = "<p>Verdict: <span class=\"verdict ";
  const char *s = strstr(sec, at);
  check_verdict_shown(dir, line, s ? s + 12 : NULL,
                      "<span class=\"verdict ", v);
  size_t n = 0, shown_n, shown_f;
  for (size_t i = 0; i < rows->n; i++)
    n += !strcmp(rows->rows[i].claim, claim);
  const char *counts = s ? strstr(s, "</span> (") : NULL;
  if (counts == NULL ||
      sscanf(counts, "</span> (%zu rows, %zu failed)", &shown_n,
             &shown_f) != 2 ||
      shown_n != n || shown_f != failed_rows(rows, claim))
    problem(dir, line, "verdict line's rows or failed rows differ");
}

/* The claim's line of the summary table: verdict, rows, failed rows and
 * the worst err/bound and ulps with their rows. */
static void check_summary_row(const char *dir, const char *line,
                              const char *html, const dlv_rows *rows,
                              const char *claim, int v)
{
  char tag[160];
  snprintf(tag, sizeof tag, "<tr><td><a href=\"#claim-%s\">%s</a></td>",
           claim, claim);
  const char *s = strstr(html, tag);
  const char *end = s ? strstr(s, "</tr>") : NULL;
  const char *e2, *c2 = end ? nth_cell(s, end, 2, &e2) : NULL;
  const char *e3, *c3 = end ? nth_cell(s, end, 3, &e3) : NULL;
  const char *e4, *c4 = end ? nth_cell(s, end, 4, &e4) : NULL;
  if (c4 == NULL) {
    problem(dir, line, "no line in the summary table");
    return;
  }
  check_verdict_shown(dir, line, cell_tag(c2), "<td class=\"", v);
  figures f = empty_figures();
  for (size_t i = 0; i < rows->n; i++)
    if (!strcmp(rows->rows[i].claim, claim))
      add_row(&f, &rows->rows[i]);
  check_count_cell(dir, line, c3, e3, f.rows, 0,
                   "summary table's row count differs");
  check_count_cell(dir, line, c4, e4, f.failed, f.failed > 0,
                   "summary table's failed count or its class differs");
  check_figure_cells(dir, line, rows, s, end, 5, &f);
}

/* The claim's section and its line of the summary table. */
static void check_claim_page(const char *dir, const char *html,
                             const dlv_rows *rows, const char *claim)
{
  char line[128], tag[160];
  snprintf(line, sizeof line, "page %s", claim);
  int v = verdict_of(rows, claim);
  check_summary_row(dir, line, html, rows, claim, v);
  snprintf(tag, sizeof tag, "<section class=\"claim\" id=\"claim-%s\">",
           claim);
  const char *sec = strstr(html, tag);
  const char *end = sec ? strstr(sec, "</section>") : NULL;
  if (end == NULL) {
    problem(dir, line, "no section");
    return;
  }
  check_verdict_line(dir, line, rows, claim, sec, v);
  if (v != V_INCONCLUSIVE)
    check_worst_claim(dir, line, rows, claim, sec, end);
  check_explanation(dir, line, rows, claim, sec, end);
  check_failed_rows(dir, line, rows, claim, sec, end, 0);
  for (const char *t = strstr(sec, "<tr id=\"g"); t != NULL && t < end;
       t = strstr(t + 1, "<tr id=\"g")) {
    size_t i = (size_t)strtoull(t + strlen("<tr id=\"g"), NULL, 10);
    const char *row_end = strstr(t, "</tr>");
    if (i >= rows->n || strcmp(rows->rows[i].claim, claim) || !row_end)
      problem(dir, line, "group anchor outside the claim's rows");
    else
      check_group_row(dir, rows, i, t, row_end);
  }
}

/* ---- the page: the kernel table ----------------------------------------- */

/* One row of the kernel table at s: its claims, status and its class
 * (FAILED when a row is not ok), rows, failed rows, gate cases and worst
 * figures, from dlverify's own rows of its kernel, variant and dtype. */
static void check_kernel_row(const char *dir, const dlv_rows *rows,
                             const char *s, const char *end, field *prev)
{
  char k[3][128], key[400], line[420], text[128], cls[64];
  const char *e[8], *c[8];
  for (int q = 0; q < 8; q++)
    if ((c[q] = nth_cell(s, end, q, &e[q])) == NULL) {
      problem(dir, "page kernel table", "row with fewer than 8 cells");
      return;
    }
  for (int q = 0; q < 3; q++)
    cell_text(c[q], e[q], k[q], sizeof k[q]);
  snprintf(key, sizeof key, "%s,%s,%s", k[0], k[1], k[2]);
  snprintf(line, sizeof line, "page kernel %s", key);
  unsigned long cases;
  figures f = kernel_figures(rows, key, &cases);
  cell_text(c[3], e[3], text, sizeof text);
  if (strcmp(text, f.claims))
    problem(dir, line, "claims differ");
  cell_text(c[4], e[4], text, sizeof text);
  cell_class(c[4], cls, sizeof cls);
  if (strcmp(text, f.failed ? "FAILED" : "ok") ||
      strcmp(cls, f.failed ? "fail" : "confirmed"))
    problem(dir, line, "status or its class differs from its rows' ok");
  check_count_cell(dir, line, c[5], e[5], f.rows, 0, "row count differs");
  check_count_cell(dir, line, c[6], e[6], f.failed, f.failed > 0,
                   "failed count or its class differs");
  check_count_cell(dir, line, c[7], e[7], cases, 0, "gate cases differ");
  check_figure_cells(dir, line, rows, s, end, 8, &f);
  if (!in_kernel_order(prev, (const char *const[]){k[0], k[1], k[2]}))
    problem(dir, line, "kernel row out of kernel, variant, dtype order");
}

/* The page's kernel table: one row per kernel measured, in order. */
static void check_kernel_table(const char *dir, const dlv_rows *rows,
                               const char *html)
{
  const char *t = strstr(html, "<table id=\"kernels\">");
  const char *end = t ? strstr(t, "</table>") : NULL;
  field prev[3] = {"", "", ""};
  size_t n = 0;
  for (const char *r = t; end && (r = strstr(r + 1, "<tr><td>")) && r < end;
       n++)
    check_kernel_row(dir, rows, r, strstr(r, "</tr>"), prev);
  if (n != count_kernels(rows))
    problem(dir, "page kernel table", "not one row per kernel measured");
}

/* ---- the page: the kernel gate ------------------------------------------- */

size_t gate_groups(const dlv_rows *rows)
{
  size_t groups = 0;
  for (size_t i = 0; i < rows->n; i++)
    groups += is_gate(&rows->rows[i]) &&
              anchor_of(rows, &rows->rows[i]) == i;
  return groups;
}

/* s escaped as html_text escapes it (< > & "), appended to out. */
static void escape_into(char *out, size_t size, const char *s)
{
  static const char raw[] = "<>&\"";
  static const char *const ent[] = {"&lt;", "&gt;", "&amp;", "&quot;"};
  for (size_t n = strlen(out); *s && n + 7 < size; s++) {
    const char *e = strchr(raw, *s);
    if (e != NULL)
      n += (size_t)snprintf(out + n, size - n, "%s", ent[e - raw]);
    else
      out[n++] = *s, out[n] = '\0';
  }
}

/* The entry's details cell (raw, from c to end): the shape of each of its
 * rows not ok in bold, in row order, then its worst row's when that held
 * (the worst case of the worst shard). */
static void check_entry_details(const char *dir, const char *line,
                                const dlv_rows *rows, size_t i,
                                const dlv_row *worst, const char *c,
                                const char *end)
{
  char want[8192] = "";
  for (size_t j = i; j < rows->n; j++)
    if (same_group(&rows->rows[j], &rows->rows[i]) && !rows->rows[j].ok) {
      snprintf(want + strlen(want), sizeof want - strlen(want), "<b>");
      escape_into(want, sizeof want, rows->rows[j].shape);
      snprintf(want + strlen(want), sizeof want - strlen(want), "</b><br>");
    }
  if (worst->ok) {
    escape_into(want, sizeof want, worst->shape);
    snprintf(want + strlen(want), sizeof want - strlen(want), "<br>");
  }
  if ((size_t)(end - c) != strlen(want) || strncmp(c, want, strlen(want)))
    problem(dir, line, "details are not its failed rows' shapes, then its "
                       "worst row's");
}

/* One entry row of the gate's table (anchor g<i>, run row i's group: one
 * row per shard): its shards, its cases (summed over the shards), FAILED
 * when a row is not ok, its worst err/bound (the cell's title, all
 * digits; a NaN is the worst) and its details. */
static void check_gate_entry(const char *dir, const dlv_rows *rows, size_t i,
                             const char *s, const char *end)
{
  char line[300], text[64];
  snprintf(line, sizeof line, "gate entry g%zu (%s %s)", i,
           rows->rows[i].check, rows->rows[i].dtype);
  size_t shards = 0, failed = 0;
  unsigned long cases = 0;
  const dlv_row *worst = NULL;
  for (size_t j = 0; j < rows->n; j++) {
    const dlv_row *r = &rows->rows[j];
    if (!same_group(r, &rows->rows[i]))
      continue;
    cases += gate_cases(r);
    failed += !r->ok;
    shards++;
    if (worse(r->ratio, worst ? worst->ratio : 0.0, worst == NULL))
      worst = r;
  }
  const char *e3 = NULL, *c3 = nth_cell(s, end, 3, &e3);
  const char *e4 = NULL, *c4 = nth_cell(s, end, 4, &e4);
  const char *e5 = NULL, *c5 = nth_cell(s, end, 5, &e5);
  const char *e7 = NULL, *c7 = nth_cell(s, end, 7, &e7);
  const char *w = strstr(s, "<td class=\"num\" title=\"");
  if (c3 == NULL || c4 == NULL || c5 == NULL || c7 == NULL || w == NULL ||
      w > end) {
    problem(dir, line, "entry row without its cells");
    return;
  }
  cell_text(c5, e5, text, sizeof text);
  double shown = strtod(w + strlen("<td class=\"num\" title=\""), NULL);
  if (cell_count(c3, e3) != shards || cell_count(c4, e4) != cases)
    problem(dir, line, "shards or cases differ from the evidence's");
  if (strcmp(text, failed ? "FAILED" : "held"))
    problem(dir, line, "status differs from the evidence's");
  if (!same_double(shown, worst->ratio))
    problem(dir, line, "worst err/bound differs from the evidence's");
  check_entry_details(dir, line, rows, i, worst, c7, e7);
}

/* The gate's table: one entry row per group of gate rows. */
static void check_gate_table(const char *dir, const dlv_rows *rows,
                             const char *html)
{
  const char *t = strstr(html, "<table id=\"gate-entries\">");
  const char *end = t ? strstr(t, "</table>") : NULL;
  size_t shown = 0;
  for (const char *r = t; end && (r = strstr(r + 1, "<tr id=\"g")) && r < end;
       shown++) {
    size_t i = (size_t)strtoull(r + strlen("<tr id=\"g"), NULL, 10);
    const char *row_end = strstr(r, "</tr>");
    if (i >= rows->n || !is_gate(&rows->rows[i]) || !row_end)
      problem(dir, "gate table", "entry anchor outside the gate's rows");
    else
      check_gate_entry(dir, rows, i, r, row_end);
  }
  if (shown != gate_groups(rows))
    problem(dir, "gate table", "not one entry row per group of gate rows");
}

/* The gate section's sentence " N entries, C cases, F failed rows.": its
 * entries (groups of gate rows), cases (summed) and rows not ok. */
static void check_gate_sentence(const char *dir, const dlv_rows *rows,
                                const char *html)
{
  const char *sec = strstr(html, "<section id=\"gate\">");
  const char *end = sec ? strstr(sec, " failed rows.</p>") : NULL;
  const char *at = NULL;
  for (const char *t = sec; end && (t = strstr(t, " entries, ")) && t < end;
       t++)
    at = t;
  while (at != NULL && at > sec && at[-1] >= '0' && at[-1] <= '9')
    at--;
  unsigned long cases = 0, shown_cases;
  size_t shown_n, shown_f;
  for (size_t i = 0; i < rows->n; i++)
    cases += gate_cases(&rows->rows[i]);
  if (at == NULL ||
      sscanf(at, "%zu entries, %lu cases, %zu failed rows.", &shown_n,
             &shown_cases, &shown_f) != 3 ||
      shown_n != gate_groups(rows) || shown_cases != cases ||
      shown_f != failed_rows(rows, "gate"))
    problem(dir, "gate section", "entries, cases or failed rows differ from "
                                 "the evidence's");
}

/* ---- the page: the failure box and the status ---------------------------- */

/* The box's heading of a claim at h (its rows up to `to`): the verdict
 * and its class, the rows not ok, five of them listed; the claim added
 * to seen. */
static void check_box_claim(const char *dir, const dlv_rows *rows,
                            const char *h, const char *to, char *seen,
                            size_t size)
{
  char claim[64], line[100];
  snprintf(claim, sizeof claim, "%.*s", (int)strcspn(h, "\""), h);
  snprintf(line, sizeof line, "failure box %s", claim);
  list_add(seen, size, claim);
  int v = verdict_of(rows, claim);
  check_verdict_shown(dir, line, strstr(h, "<span class=\"verdict "),
                      "<span class=\"verdict ", v);
  const char *counts = strstr(h, "</span>, ");
  size_t n;
  if (counts == NULL || counts > to ||
      sscanf(counts, "</span>, %zu failed rows", &n) != 1 ||
      n != failed_rows(rows, claim))
    problem(dir, line, "failed rows count differs");
  check_failed_rows(dir, line, rows, claim, h, to, 5);
}

/* The gate's heading at h: its rows not ok, twenty of them listed. */
static void check_box_gate(const char *dir, const dlv_rows *rows,
                           const char *h, const char *to)
{
  size_t n;
  const char *counts = strstr(h, "Kernel gate</a>: ");
  if (counts == NULL || counts > to ||
      sscanf(counts, "Kernel gate</a>: %zu failed rows", &n) != 1 ||
      n != failed_rows(rows, "gate"))
    problem(dir, "failure box gate", "failed rows count differs");
  check_failed_rows(dir, "failure box gate", rows, "gate", h, to, 20);
}

/* The failure box: a heading per failed claim (every claim failed by its
 * evidence among them) and one for the gate exactly when a gate row is
 * not ok.  Returns the claims it lists. */
static size_t check_failure_box(const char *dir, const dlv_rows *rows,
                                const char *claims, const char *html)
{
  static const char head[] = "<tr class=\"claim-row\"><th colspan=\"13\">"
                             "<a href=\"#";
  const char *box = strstr(html, "<section id=\"failures\">");
  const char *end = box ? strstr(box, "</section>") : NULL;
  char seen[4096] = "", claim[64];
  int gate = 0;
  for (const char *h = end ? strstr(box, head) : NULL; h && h < end;) {
    const char *next = strstr(h + 1, head);
    const char *to = next && next < end ? next : end;
    const char *name = h + strlen(head);
    if (strncmp(name, "claim-", 6) == 0)
      check_box_claim(dir, rows, name + 6, to, seen, sizeof seen);
    else if ((gate = strncmp(name, "gate\"", 5) == 0))
      check_box_gate(dir, rows, h, to);
    h = next;
  }
  for (const char *at = claims; (at = list_next(at, claim, sizeof claim));)
    if (fails_by_evidence(rows, claim) && !listed(seen, claim))
      problem(dir, claim, "failed by its evidence, not in the failure box");
  if (gate != (failed_rows(rows, "gate") > 0))
    problem(dir, "failure box", "the gate listed exactly when a gate row "
                                "is not ok: it is not");
  return list_count(seen);
}

/* The title and the status banner: the claims failed (nf, those of the
 * failure box) of the claims run (summary.csv's), the gate FAILED when a
 * gate row is not ok; when nothing failed, the claims and the rows. */
static void check_status(const char *dir, const dlv_rows *rows,
                         const char *claims, const char *html, size_t nf)
{
  size_t m = list_count(claims), ng = failed_rows(rows, "gate");
  const char *s = m == 1 ? "" : "s";
  char title[200], banner[300];
  if (nf) {
    snprintf(title, sizeof title, "%zu of %zu claims FAILED%s", nf, m,
             ng ? ", kernel gate FAILED" : "");
    snprintf(banner, sizeof banner, "<b>%zu of %zu claims have FAILED "
             "checks%s</b>", nf, m, ng ? "; the kernel gate FAILED" : "");
  } else if (ng) {
    snprintf(title, sizeof title, "kernel gate FAILED");
    snprintf(banner, sizeof banner, "<b>The kernel gate FAILED</b> (listed "
             "first, below); the checks of the %zu claim%s held.", m, s);
  } else {
    snprintf(title, sizeof title, "%zu claim%s, every check held", m, s);
    snprintf(banner, sizeof banner, "<b>Every check held</b>: %zu claim%s "
             "verified, %zu rows.", m, s, rows->n);
  }
  char want[260];
  snprintf(want, sizeof want, "<title>dlverify report: %s</title>", title);
  if (!strstr(html, want))
    problem(dir, "page title", "does not say what failed, of how many");
  if (!strstr(html, banner))
    problem(dir, "status banner", "does not say what failed, of how many");
  check_baseline_banner(dir, html);
}

int run_table_row(const char *html, const char *key, char *out,
                  size_t size)
{
  char tag[128];
  snprintf(tag, sizeof tag, "<tr><th>%s</th><td>", key);
  const char *at = strstr(html, tag);
  const char *end = at ? strstr(at, "</td></tr>") : NULL;
  *out = '\0';
  if (end != NULL)
    cell_text(at + strlen(tag), end, out, size);
  return end != NULL;
}

/* meta.csv's value of name into out ("" when it has none). */
static void meta_value(const char *dir, const char *name, char *out,
                       size_t size)
{
  char path[4200];
  field v[MAX_FIELDS];
  snprintf(path, sizeof path, "%s/meta.csv", dir);
  FILE *in = fopen(path, "r");
  *out = '\0';
  while (in != NULL && dlv_csv_read_record(in, v, MAX_FIELDS) == 2)
    if (!strcmp(v[0], name))
      snprintf(out, size, "%s", v[1]);
  if (in != NULL)
    fclose(in);
}

/* A run table row against want: equal, or (len > 0) starting with its
 * first len characters. */
static void check_run_row(const char *dir, const char *html,
                          const char *key, const char *want, size_t len)
{
  char text[512];
  run_table_row(html, key, text, sizeof text);
  if (len ? strncmp(text, want, len) : strcmp(text, want))
    problem(dir, key, "run table row differs from what the checks "
                      "recorded (meta.csv)");
}

/* The run table's rows of what the checks recorded (meta.csv): GSL and
 * MPFR, quick mode (ON when recorded 1), the MPFR precision in bits
 * ("(default)" at 256, else "(DLV_MPFR_PREC)"), the seed, which every
 * evidence row was drawn with; without meta.csv, "not recorded". */
static void check_meta(const char *dir, const dlv_rows *rows,
                       const char *html)
{
  char v[4][256], want[300];
  static const char *const name[4] = {"gsl_version", "mpfr_version",
                                      "quick", "mpfr_prec"};
  for (int q = 0; q < 4; q++)
    meta_value(dir, name[q], v[q], sizeof v[q]);
  meta_value(dir, "seed", want, sizeof want);
  if (!*v[3]) {
    check_run_row(dir, html, "checks' run", "not recorded", 12);
    return;
  }
  check_run_row(dir, html, "GSL", v[0], 0);
  check_run_row(dir, html, "MPFR", v[1], 0);
  check_run_row(dir, html, "quick mode", strcmp(v[2], "1") ? "off (" : "ON (",
                strlen(strcmp(v[2], "1") ? "off (" : "ON ("));
  check_run_row(dir, html, "seed (DLV_SEED)", want, 0);
  unsigned long seed = strtoul(want, NULL, 10);
  snprintf(want, sizeof want, "%s bits (%s)", v[3],
           strcmp(v[3], "256") ? "DLV_MPFR_PREC" : "default");
  check_run_row(dir, html, "MPFR precision", want, 0);
  for (size_t i = 0; i < rows->n; i++)
    if (rows->rows[i].seed != seed) {
      problem(dir, "seed (DLV_SEED)", "an evidence row of another seed");
      return;
    }
}

static void check_page(const char *dir, const dlv_rows *rows,
                       const char *claims, const char *html)
{
  char claim[64];
  for (const char *at = claims; (at = list_next(at, claim, sizeof claim));)
    check_claim_page(dir, html, rows, claim);
  check_kernel_table(dir, rows, html);
  check_gate_table(dir, rows, html);
  check_gate_sentence(dir, rows, html);
  check_status(dir, rows, claims, html,
               check_failure_box(dir, rows, claims, html));
  check_baseline_page(dir, html);
  check_meta(dir, rows, html);
  check_backend_matrix(dir, rows, html);
  check_plots(dir, rows, html);
}

/* Recounts the report in dir, and the run's terminal output when a file
 * holds it. */
static void recount(const char *dir, const char *terminal)
{
  FILE *in = open_in(dir, "evidence.csv");
  dlv_rows rows = {0};
  char err[256], claims[4096];
  if (dlv_csv_read(in, &rows, err, sizeof err) != 0) {
    fprintf(stderr, "t_report_recount: %s/evidence.csv: %s\n", dir, err);
    exit(2);
  }
  fclose(in);
  char *html = read_all(dir, "index.html");
  baseline_load(dir, &rows, html);
  check_summary(dir, &rows, claims, sizeof claims);
  check_kernels(dir, &rows);
  check_page(dir, &rows, claims, html);
  free(html);
  if (terminal != NULL) {
    char *text = read_path(terminal);
    if (text == NULL) {
      fprintf(stderr, "t_report_recount: cannot read %s\n", terminal);
      exit(2);
    }
    check_terminal(dir, &rows, claims, text);
    check_baseline_terminal(dir, text);
    free(text);
  }
  printf("%s: %zu evidence rows recounted%s\n", dir, rows.n,
         terminal ? ", and its terminal output" : "");
  baseline_free();
  dlv_rows_free(&rows);
}

int main(int argc, char **argv)
{
  int dirs = 0;
  for (int a = 1; a < argc; a++)
    dirs += strcmp(argv[a], "-t") ? 1 : (a++, 0);
  if (dirs == 0 || !strcmp(argv[argc - 1], "-t") ||
      !strcmp(argv[argc - 2], "-t")) {
    fprintf(stderr, "usage: t_report_recount [-t TERMINAL] REPORT_DIR...\n");
    return 2;
  }
  for (int a = 1; a < argc; a++) {
    int t = !strcmp(argv[a], "-t");
    recount(argv[a + 2 * t], t ? argv[a + 1] : NULL);
    a += 2 * t;
  }
  return problems ? 1 : 0;
}
