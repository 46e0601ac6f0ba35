/* t_report_recount.c DIR...: an independent recount of a report's tables.
 * For each report directory, every line of summary.csv (a claim) and of
 * kernels.csv (a kernel, variant and dtype; dlverify's own rows) is
 * recomputed from evidence.csv by the rules select.h states, written here
 * apart from the program's code: the rows selected and those not ok; the
 * largest err/bound over the rows that must hold (accuracy and claim
 * rows; a NaN is the largest), named "check [shape] quantity"; the
 * largest ulps over those rows whose ulps mean something (finite bound
 * and ulps, the bound at most 2^20 ulps of the reference); and, for a
 * kernel, the claims its non-gate rows come from, in order.  Every
 * claim and every measured kernel of the evidence must have its line, and
 * every line the header's width.  The page (index.html), per claim of
 * the evidence: the verdict by the rules evidence.h states (the first
 * that applies: no claim row or an accuracy row failing INCONCLUSIVE, a
 * claim row failing REFUTED, a nearby row QUALIFIED, an erratum row
 * CONFIRMED-WITH-ERRATUM, else CONFIRMED; "failing": not holding), in its
 * colour class (REFUTED's for INCONCLUSIVE), in the summary table and the
 * claim's section; the section's worst claim row when every claim row
 * holds; and each group row (anchor g<i>: run row i's group, rows alike
 * in claim, check, quantity, dtype, bound name, role, kernel, variant and
 * backend)
 * with its role, its row count and how many of them hold, its quantity
 * escaped (no raw < > " and no & but an entity's) and its worst row's
 * numbers; the explanation's counts role by role, and the accuracy rows
 * that hold; a failed claim's table of its rows not ok; the gate's entry
 * table (shards, cases summed over shards, status, worst); the backend
 * matrix (each cell's linked gate row of its backend and entry, its
 * err/bound and cases run, the cases tried alike across backends).
 * Prints each disagreement; exit 1 if any, 2 on a usage or read error.
 * (Used by test_dlverify.sh.)  The figures (plots/plot-<id>.gp, each figure's
 * gnuplot script with its data inline): for each plot specification
 * (plot.h), the rows plot.h's rules select from the evidence (the plot's
 * claim; per layer, the layer's qid and check; x from the shape's token
 * `key=number` or the row's category "<variant> <operation>"; y the
 * layer's column; finite, positive on a log axis, inside the x range
 * shown), one series per layer, case (the shape before the x token) and
 * dtype: the script must hold exactly these series' points (a category
 * by its tic label), under their legend titles (the layer's label, the
 * case, and the dtype when the figure has several). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evidence.h"
#include "plot.h"

enum { MAX_FIELDS = 16, ULPS_SCALE = 1 << 20 };

typedef char field[DLV_CSV_FIELD_MAX];

/* What a table line states about its rows. */
typedef struct {
  size_t rows, failed;
  double ratio, ulps;
  char ratio_row[1100], ulps_row[1100], claims[128];
} figures;

static int problems;

static void problem(const char *dir, const char *line, const char *what)
{
  printf("%s: %s: %s\n", dir, line, what);
  problems++;
}

static int is_gate(const dlv_row *r)
{
  return strcmp(r->claim, "gate") == 0;
}

/* dlverify's own rows: no backend named, or the claims' or the builtin. */
static int own(const dlv_row *r)
{
  return !*r->backend || !strcmp(r->backend, "-") ||
         !strcmp(r->backend, "builtin") ||
         !strcmp(r->backend, DLV_BACKEND_CLAIMS);
}

static int must_hold(const dlv_row *r)
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

/* Whether err/bound r is worse than the worst so far, w (the first row's
 * taken as it is): larger, or NaN; a NaN worst stays. */
static int worse(double r, double w, int first)
{
  return first || (!isnan(w) && !(r <= w));
}

/* Equal, or both NaN. */
static int same_double(double a, double b)
{
  return a == b || (isnan(a) && isnan(b));
}

/* Adds row r to the figures. */
static void add_row(figures *f, const dlv_row *r)
{
  f->rows++;
  f->failed += !r->ok;
  int none = f->ratio_row[0] == '\0';
  if (must_hold(r) && worse(r->ratio, f->ratio, none)) {
    f->ratio = r->ratio;
    name_row(f->ratio_row, sizeof f->ratio_row, r);
  }
  if (ulps_mean_something(r) && (f->ulps_row[0] == '\0' || r->ulps > f->ulps)) {
    f->ulps = r->ulps;
    name_row(f->ulps_row, sizeof f->ulps_row, r);
  }
  if (!is_gate(r) && !strstr(f->claims, r->claim))
    snprintf(f->claims + strlen(f->claims), sizeof f->claims - strlen(f->claims),
             "%s%s", f->claims[0] ? " " : "", r->claim);
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
 * row, ulps, its row). */
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

/* Appends "|name|" to the list (a string of names, each between bars). */
static void list_add(char *list, size_t size, const char *name)
{
  size_t len = strlen(list);
  snprintf(list + len, size - len, "%s%s|", len ? "" : "|", name);
}

static int listed(const char *list, const char *name)
{
  char item[300];
  snprintf(item, sizeof item, "|%s|", name);
  return strstr(list, item) != NULL;
}

enum { SUMMARY_COLUMNS = 12, KERNELS_COLUMNS = 13 };

/* Every claim line, and a line for every claim of the evidence. */
static void check_summary(const char *dir, const dlv_rows *rows)
{
  FILE *in = open_in(dir, "summary.csv");
  field v[MAX_FIELDS];
  char claims[4096] = "";
  next_line(in, v, SUMMARY_COLUMNS, dir, "summary.csv header");
  while (next_line(in, v, SUMMARY_COLUMNS, dir, "summary.csv")) {
    figures f = empty_figures();
    for (size_t i = 0; i < rows->n; i++)
      if (!strcmp(rows->rows[i].claim, v[0]))
        add_row(&f, &rows->rows[i]);
    compare(dir, v[0], v, 2, &f);
    list_add(claims, sizeof claims, v[0]);
  }
  fclose(in);
  for (size_t i = 0; i < rows->n; i++)
    if (!is_gate(&rows->rows[i]) && !listed(claims, rows->rows[i].claim)) {
      problem(dir, rows->rows[i].claim, "claim with evidence but no line");
      list_add(claims, sizeof claims, rows->rows[i].claim); /* once */
    }
}

/* The kernel of r, as "kernel,variant,dtype". */
static void kernel_key(char *buf, size_t size, const dlv_row *r)
{
  snprintf(buf, size, "%s,%s,%s", r->kernel, r->variant, r->dtype);
}

/* Every kernel line, and a line for every kernel dlverify's rows measure. */
static void check_kernels(const char *dir, const dlv_rows *rows)
{
  FILE *in = open_in(dir, "kernels.csv");
  field v[MAX_FIELDS];
  char kernels[8192] = "", key[256], k[256];
  next_line(in, v, KERNELS_COLUMNS, dir, "kernels.csv header");
  while (next_line(in, v, KERNELS_COLUMNS, dir, "kernels.csv")) {
    figures f = empty_figures();
    snprintf(key, sizeof key, "%s,%s,%s", v[0], v[1], v[2]);
    for (size_t i = 0; i < rows->n; i++) {
      kernel_key(k, sizeof k, &rows->rows[i]);
      if (own(&rows->rows[i]) && !strcmp(k, key))
        add_row(&f, &rows->rows[i]);
    }
    if (strcmp(v[3], f.claims))
      problem(dir, key, "claims differ");
    compare(dir, key, v, 4, &f);
    list_add(kernels, sizeof kernels, key);
  }
  fclose(in);
  for (size_t i = 0; i < rows->n; i++) {
    const dlv_row *r = &rows->rows[i];
    kernel_key(k, sizeof k, r);
    if (own(r) && strcmp(r->kernel, "-") && !listed(kernels, k)) {
      problem(dir, k, "kernel measured but not in kernels.csv");
      list_add(kernels, sizeof kernels, k); /* once */
    }
  }
}

/* ---- the page ------------------------------------------------------------ */

static char *read_all(const char *dir, const char *name)
{
  FILE *in = open_in(dir, name);
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
    fprintf(stderr, "t_report_recount: %s/%s: out of memory\n", dir, name);
    exit(2);
  }
  buf[n] = '\0';
  return buf;
}

enum { V_INCONCLUSIVE, V_REFUTED, V_QUALIFIED, V_ERRATUM, V_CONFIRMED };
static const char *const verdict_word[] = {
    "INCONCLUSIVE", "REFUTED", "QUALIFIED", "CONFIRMED-WITH-ERRATUM",
    "CONFIRMED"};
static const char *const verdict_class[] = {"refuted", "refuted", "qualified",
                                            "erratum", "confirmed"};

static int verdict_of(const dlv_rows *rows, const char *claim)
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

/* The text of one cell from s (at "<td" or at the cell's text) to the
 * next "</td>", unescaped into out; 0 when it is not escaped as html_text
 * escapes (a raw < > " or an & that starts no entity). */
static int cell_text(const char *s, const char *end, char *out, size_t size)
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

/* The k-th (from 0) "<td...>text</td>" of the table row at s: its text
 * between the tag's end and "</td>" (raw), or NULL. */
static const char *nth_cell(const char *s, const char *row_end, int k,
                            const char **text_end)
{
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

/* A number cell's value (its text may be a link to a row: <a ...>x</a>). */
static size_t cell_count(const char *text, const char *end)
{
  char buf[64];
  cell_text(text, end, buf, sizeof buf);
  return (size_t)strtoull(buf, NULL, 10);
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

/* Rows alike in claim, check, quantity, dtype, bound name, role, kernel,
 * variant and backend: one group row of the page. */
static int same_group(const dlv_row *r, const dlv_row *g)
{
  return !strcmp(r->claim, g->claim) && !strcmp(r->check, g->check) &&
         !strcmp(r->quantity, g->quantity) && !strcmp(r->dtype, g->dtype) &&
         !strcmp(r->bound_name, g->bound_name) && r->role == g->role &&
         !strcmp(r->kernel, g->kernel) && !strcmp(r->variant, g->variant) &&
         !strcmp(r->backend, g->backend);
}

/* The group row of run row i at s (one <tr> of the section): role, rows,
 * holding, quantity, counted from the evidence. */
static void check_group_row(const char *dir, const dlv_rows *rows, size_t i,
                            const char *s, const char *end)
{
  char line[300], text[1100];
  const dlv_row *g = &rows->rows[i];
  snprintf(line, sizeof line, "page group g%zu (%s %s)", i, g->claim, g->check);
  size_t count = 0, holding = 0;
  for (size_t j = 0; j < rows->n; j++)
    if (same_group(&rows->rows[j], g))
      count++, holding += rows->rows[j].holds != 0;
  const char *cell_end, *q = nth_cell(s, end, 0, &cell_end);
  const char *role_end, *role = nth_cell(s, end, 4, &role_end);
  const char *n_end, *n = nth_cell(s, end, 5, &n_end);
  const char *h_end, *h = nth_cell(s, end, 6, &h_end);
  if (q == NULL || role == NULL || n == NULL || h == NULL) {
    problem(dir, line, "group row with fewer than 7 cells");
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

/* The section's failed rows table: one line per row of the claim that is
 * not ok (and only those), its numbers those of such a row of its check. */
static void check_failed_rows(const char *dir, const char *line,
                              const dlv_rows *rows, const char *claim,
                              const char *sec, const char *end)
{
  static const char tag[] = "<tr class=\"fail\"><td><a href=\"#g";
  size_t want = 0, shown = 0;
  for (size_t i = 0; i < rows->n; i++)
    want += !strcmp(rows->rows[i].claim, claim) && !rows->rows[i].ok;
  for (const char *t = strstr(sec, tag); t && t < end;
       t = strstr(t + 1, tag), shown++) {
    const char *row_end = strstr(t, "</tr>"), *c_end;
    const char *c = nth_cell(t, row_end ? row_end : end, 1, &c_end);
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
  if (shown != want)
    problem(dir, line, "failed rows table does not list every row not ok");
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

/* The claim's section and its line of the summary table. */
static void check_claim_page(const char *dir, const char *html,
                             const dlv_rows *rows, const char *claim)
{
  char line[128], tag[160];
  snprintf(line, sizeof line, "page %s", claim);
  int v = verdict_of(rows, claim);
  snprintf(tag, sizeof tag, "<a href=\"#claim-%s\">%s</a></td>", claim,
           claim);
  const char *sum = strstr(html, tag);
  const char *cls = sum ? strstr(sum, "</td><td class=\"") : NULL;
  check_verdict_shown(dir, line, cls ? strstr(cls + 5, "<td") : NULL,
                      "<td class=\"", v);
  snprintf(tag, sizeof tag, "<section class=\"claim\" id=\"claim-%s\">",
           claim);
  const char *sec = strstr(html, tag);
  const char *end = sec ? strstr(sec, "</section>") : NULL;
  if (end == NULL) {
    problem(dir, line, "no section");
    return;
  }
  check_verdict_shown(dir, line, strstr(sec, "<span class=\"verdict "),
                      "<span class=\"verdict ", v);
  if (v != V_INCONCLUSIVE)
    check_worst_claim(dir, line, rows, claim, sec, end);
  check_explanation(dir, line, rows, claim, sec, end);
  check_failed_rows(dir, line, rows, claim, sec, end);
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

/* One entry row of the gate's table (anchor g<i>, run row i's group: one
 * row per shard): its shards, its cases (the sum of each row's leading
 * "cases=N"), FAILED when a row is not ok, and its worst err/bound (the
 * cell's title, all digits; a NaN is the worst). */
static void check_gate_entry(const char *dir, const dlv_rows *rows, size_t i,
                             const char *s, const char *end)
{
  char line[300], text[64];
  snprintf(line, sizeof line, "gate entry g%zu (%s %s)", i,
           rows->rows[i].check, rows->rows[i].dtype);
  size_t shards = 0, failed = 0;
  unsigned long cases = 0, n;
  double worst = 0.0;
  for (size_t j = 0; j < rows->n; j++) {
    const dlv_row *r = &rows->rows[j];
    if (!same_group(r, &rows->rows[i]))
      continue;
    if (sscanf(r->shape, "cases=%lu", &n) == 1)
      cases += n;
    failed += !r->ok;
    if (worse(r->ratio, worst, shards++ == 0))
      worst = r->ratio;
  }
  const char *e3 = NULL, *c3 = nth_cell(s, end, 3, &e3);
  const char *e4 = NULL, *c4 = nth_cell(s, end, 4, &e4);
  const char *e5 = NULL, *c5 = nth_cell(s, end, 5, &e5);
  const char *w = strstr(s, "<td class=\"num\" title=\"");
  if (c3 == NULL || c4 == NULL || c5 == NULL || w == NULL || w > end) {
    problem(dir, line, "entry row without its cells");
    return;
  }
  cell_text(c5, e5, text, sizeof text);
  double shown = strtod(w + strlen("<td class=\"num\" title=\""), NULL);
  if (cell_count(c3, e3) != shards || cell_count(c4, e4) != cases)
    problem(dir, line, "shards or cases differ from the evidence's");
  if (strcmp(text, failed ? "FAILED" : "held"))
    problem(dir, line, "status differs from the evidence's");
  if (!same_double(shown, worst))
    problem(dir, line, "worst err/bound differs from the evidence's");
}

/* The gate's table: one entry row per group of gate rows. */
static void check_gate_table(const char *dir, const dlv_rows *rows,
                             const char *html)
{
  const char *t = strstr(html, "<table id=\"gate-entries\">");
  const char *end = t ? strstr(t, "</table>") : NULL;
  size_t groups = 0, shown = 0;
  for (size_t i = 0; i < rows->n; i++) {
    size_t q = 0;
    while (q < i && !same_group(&rows->rows[q], &rows->rows[i]))
      q++;
    groups += is_gate(&rows->rows[i]) && q == i;
  }
  for (const char *r = t; end && (r = strstr(r + 1, "<tr id=\"g")) && r < end;
       shown++) {
    size_t i = (size_t)strtoull(r + strlen("<tr id=\"g"), NULL, 10);
    const char *row_end = strstr(r, "</tr>");
    if (i >= rows->n || !is_gate(&rows->rows[i]) || !row_end)
      problem(dir, "gate table", "entry anchor outside the gate's rows");
    else
      check_gate_entry(dir, rows, i, r, row_end);
  }
  if (shown != groups)
    problem(dir, "gate table", "not one entry row per group of gate rows");
}

/* One cell of the backend matrix at c (its text up to end) for backend
 * b, entry point kernel x dtype: a linked cell ("<status> <a href=\"#gI\">
 * W</a><br>R run / S skipped") must link a gate row of that backend,
 * kernel and dtype, show its err/bound and its cases (the shape's
 * "cases=N") as run; an unlinked one, no such row.  Adds R + S to *tried
 * (every backend gets the same cases: the row's cells agree). */
static void check_matrix_cell(const char *dir, const dlv_rows *rows,
                              const char *b, const char *kernel,
                              const char *dtype, const char *c,
                              const char *end, unsigned long *tried)
{
  char line[200];
  snprintf(line, sizeof line, "backend matrix %s %s %s", b, kernel, dtype);
  unsigned long ran = 0, skipped = 0, cases;
  const char *counts = strstr(c, "<br>");
  if (counts == NULL || counts > end ||
      sscanf(counts, "<br>%lu run / %lu skipped", &ran, &skipped) != 2) {
    problem(dir, line, "cell without its cases run and skipped");
    return;
  }
  *tried = ran + skipped;
  const char *a = strstr(c, "<a href=\"#g");
  const dlv_row *r = NULL;
  if (a != NULL && a < end) {
    size_t i = (size_t)strtoull(a + strlen("<a href=\"#g"), NULL, 10);
    r = i < rows->n ? &rows->rows[i] : NULL;
    char shown[64], want[64];
    const char *w = strchr(a, '>');
    snprintf(shown, sizeof shown, "%.*s", w ? (int)strcspn(w + 1, "<") : 0,
             w ? w + 1 : "");
    if (r == NULL || !is_gate(r) || strcmp(r->backend, b) ||
        strcmp(r->kernel, kernel) || strcmp(r->dtype, dtype)) {
      problem(dir, line, "links a row of another backend or entry");
      return;
    }
    snprintf(want, sizeof want, "%.6g", r->ratio);
    if (strcmp(shown, want) ||
        sscanf(r->shape, "cases=%lu", &cases) != 1 || cases != ran)
      problem(dir, line, "err/bound or cases run differ from its row's");
    return;
  }
  for (size_t i = 0; i < rows->n; i++) {
    const dlv_row *x = &rows->rows[i];
    if (is_gate(x) && !strcmp(x->backend, b) && !strcmp(x->kernel, kernel) &&
        !strcmp(x->dtype, dtype) && ran == 0)
      problem(dir, line, "no link, though a gate row ran its cases");
  }
}

/* The backend matrix (a Backends section): its header names a backend per
 * column after kernel and dtype; each row's cells against the gate rows,
 * and the cases tried alike across its backends. */
static void check_backend_matrix(const char *dir, const dlv_rows *rows,
                                 const char *html)
{
  const char *t = strstr(html, "<table id=\"backend-matrix\">");
  const char *end = t ? strstr(t, "</table>") : NULL;
  if (end == NULL)
    return;
  char b[8][64];
  int nb = 0;
  const char *h = strstr(t, "<th>dtype</th>");
  for (h = h ? h + 14 : end; nb < 8 && (h = strstr(h, "<th>")) && h < end;
       h += 4)
    snprintf(b[nb++], sizeof b[0], "%.*s", (int)strcspn(h + 4, "<"), h + 4);
  for (const char *r = strstr(t, "<tr><td>"); r && r < end;
       r = strstr(r + 1, "<tr><td>")) {
    const char *row_end = strstr(r, "</tr>"), *e0, *e1;
    const char *k = nth_cell(r, row_end, 0, &e0), *d = nth_cell(r, row_end, 1, &e1);
    char kernel[64], dtype[16];
    if (row_end == NULL || k == NULL || d == NULL) {
      problem(dir, "backend matrix", "row without kernel and dtype");
      continue;
    }
    cell_text(k, e0, kernel, sizeof kernel);
    cell_text(d, e1, dtype, sizeof dtype);
    unsigned long first = 0, tried = 0;
    for (int j = 0; j < nb; j++) {
      const char *ce, *c = nth_cell(r, row_end, 2 + j, &ce);
      if (c == NULL) {
        problem(dir, "backend matrix", "row with fewer cells than backends");
        break;
      }
      check_matrix_cell(dir, rows, b[j], kernel, dtype, c, ce, &tried);
      if (j == 0)
        first = tried;
      else if (tried != first)
        problem(dir, "backend matrix", "cases tried differ across backends");
    }
  }
}

static void check_page(const char *dir, const dlv_rows *rows)
{
  char *html = read_all(dir, "index.html"), claims[4096] = "";
  for (size_t i = 0; i < rows->n; i++) {
    const dlv_row *r = &rows->rows[i];
    if (!is_gate(r) && !listed(claims, r->claim)) {
      list_add(claims, sizeof claims, r->claim);
      check_claim_page(dir, html, rows, r->claim);
    }
  }
  check_gate_table(dir, rows, html);
  check_backend_matrix(dir, rows, html);
  free(html);
}

/* ---- the figures ---------------------------------------------------- */

enum { FIG_SERIES = 64, FIG_TEXT = 200 };

/* A point as drawn: x (or its category label) and the data columns. */
typedef struct {
  double x, a, b;
  char cat[FIG_TEXT];
} fig_point;

typedef struct {
  char title[FIG_TEXT]; /* expected: layer, case and dtype; script: title */
  fig_point *p;
  size_t n;
} fig_series;

typedef struct {
  fig_series s[FIG_SERIES];
  int n;
  char dtype[16];
  int several_dtypes;
} figure;

static void fig_add(fig_series *s, const fig_point *pt)
{
  fig_point *p = realloc(s->p, (s->n + 1) * sizeof *p);
  if (p == NULL) {
    fprintf(stderr, "t_report_recount: out of memory\n");
    exit(2);
  }
  s->p = p;
  s->p[s->n++] = *pt;
}

static void fig_free(figure *f)
{
  for (int i = 0; i < f->n; i++)
    free(f->s[i].p);
  f->n = 0;
}

/* plot.h's x: the number of the shape token "key=number" (a token starts
 * the shape or follows a space), the case being the text before it. */
static int token_x(const char *shape, const char *key, double *x,
                   char *before, size_t size)
{
  size_t k = strlen(key);
  for (const char *t = shape; (t = strstr(t, key)) != NULL; t++) {
    if ((t > shape && t[-1] != ' ') || t[k] != '=')
      continue;
    char *end;
    *x = strtod(t + k + 1, &end);
    if (end == t + k + 1 || (*end && *end != ' '))
      return -1;
    int n = (int)(t - shape);
    while (n > 0 && shape[n - 1] == ' ')
      n--;
    snprintf(before, size, "%.*s", n, shape);
    return 0;
  }
  return -1;
}

static void row_y_columns(const dlv_row *r, enum dlv_plot_y y, fig_point *pt,
                          double *drawn)
{
  pt->b = 0.0;
  pt->a = y == DLV_Y_VALUE ? r->value : y == DLV_Y_ERR ? r->err
        : y == DLV_Y_RATIO ? r->ratio : r->value;
  if (y == DLV_Y_DEVIATION)
    pt->b = r->reference;
  *drawn = y == DLV_Y_DEVIATION ? pt->a - pt->b : pt->a;
}

/* Row r as a point of layer l, with its series' case; 0 when drawn. */
static int fig_point_of(const dlv_plot_spec *sp, int l, const dlv_row *r,
                        fig_point *pt, char *cas, size_t size)
{
  memset(pt, 0, sizeof *pt);
  *cas = '\0';
  if (sp->x_key == NULL) {
    const char *op = strchr(r->kernel, '_');
    snprintf(pt->cat, sizeof pt->cat, "%s %s", r->variant,
             op ? op + 1 : r->kernel);
  } else if (token_x(r->shape, sp->x_key, &pt->x, cas, size) != 0) {
    return -1;
  }
  double y;
  row_y_columns(r, sp->layer[l].y, pt, &y);
  if (!isfinite(y) || !isfinite(pt->x) ||
      ((sp->log & DLV_LOG_X) && sp->x_key && !(pt->x > 0)) ||
      ((sp->log & DLV_LOG_Y) && !(y > 0)))
    return -1;
  if (sp->x_key && sp->xmax > sp->xmin && (pt->x < sp->xmin || pt->x > sp->xmax))
    return -1;
  return 0;
}

/* The series plot.h's rules make of the evidence, in order of first
 * row, each with its legend title ("" for a series drawn without one: a
 * layer with one title titles its first series only). */
static void fig_expected(const dlv_plot_spec *sp, const dlv_rows *rows,
                         figure *f)
{
  int layer[FIG_SERIES];
  char cas[FIG_SERIES][FIG_TEXT], dtype[FIG_SERIES][16];
  f->several_dtypes = 0;
  *f->dtype = '\0';
  for (size_t i = 0; i < rows->n; i++) {
    const dlv_row *r = &rows->rows[i];
    if (strcmp(r->claim, sp->claim) != 0)
      continue;
    for (int l = 0; l < DLV_PLOT_LAYERS && sp->layer[l].qid; l++) {
      const dlv_plot_layer *ly = &sp->layer[l];
      fig_point pt;
      char c[FIG_TEXT];
      if (strcmp(dlv_row_qid(r), ly->qid) != 0 ||
          (ly->check && strcmp(r->check, ly->check) != 0) ||
          fig_point_of(sp, l, r, &pt, c, sizeof c) != 0)
        continue;
      if (*f->dtype && strcmp(f->dtype, r->dtype) != 0)
        f->several_dtypes = 1;
      snprintf(f->dtype, sizeof f->dtype, "%s", r->dtype);
      int k = 0;
      while (k < f->n && !(layer[k] == l && !strcmp(cas[k], c) &&
                           !strcmp(dtype[k], r->dtype)))
        k++;
      if (k == FIG_SERIES)
        continue; /* plot.c does not draw it either */
      if (k == f->n) {
        memset(&f->s[k], 0, sizeof f->s[k]);
        layer[k] = l;
        snprintf(cas[k], sizeof cas[k], "%s", c);
        snprintf(dtype[k], sizeof dtype[k], "%s", r->dtype);
        f->n++;
      }
      fig_add(&f->s[k], &pt);
    }
  }
  int titled[DLV_PLOT_LAYERS] = {0};
  for (int k = 0; k < f->n; k++) {
    const dlv_plot_layer *ly = &sp->layer[layer[k]];
    char *t = f->s[k].title;
    const char *parts[3] = {ly->label, cas[k],
                            f->several_dtypes ? dtype[k] : ""};
    *t = '\0';
    for (int q = 0; q < 3; q++)
      if (*parts[q])
        snprintf(t + strlen(t), FIG_TEXT - strlen(t), "%s%s",
                 *t ? ", " : "", parts[q]);
    if (!*t)
      snprintf(t, FIG_TEXT, "rows");
    if (ly->one_title)
      snprintf(t, FIG_TEXT, "%s", titled[layer[k]] ? "" : ly->label);
    titled[layer[k]] = 1;
  }
}

/* A gnuplot single-quoted string at s ('' for '), into out; the text
 * after it. */
static const char *gp_string(const char *s, char *out, size_t size)
{
  size_t n = 0;
  for (s++; *s && !(*s == '\'' && s[1] != '\''); s++) {
    if (*s == '\'')
      s++;
    if (n + 1 < size)
      out[n++] = *s;
  }
  out[n] = '\0';
  return *s ? s + 1 : s;
}

/* The series a figure's script draws: its data blocks $S<k>, each titled
 * as its first entry in the plot command; categories from the x tics. */
static int fig_read(const char *path, figure *f)
{
  FILE *in = fopen(path, "r");
  if (in == NULL)
    return -1;
  char line[8192], cats[MAX_FIELDS * 4][FIG_TEXT];
  int ncat = 0, k = -1, in_plot = 0;
  while (fgets(line, sizeof line, in)) {
    if (!strncmp(line, "set xtics rotate by -35 (", 25)) {
      for (const char *c = line + 25; (c = strchr(c, '\'')) && ncat < MAX_FIELDS * 4;)
        c = gp_string(c, cats[ncat++], FIG_TEXT);
    } else if (line[0] == '$' && strstr(line, " << EOD")) {
      k = atoi(line + 2);
      if (k != f->n || k >= FIG_SERIES)
        break;
      memset(&f->s[f->n++], 0, sizeof f->s[0]);
    } else if (!strcmp(line, "EOD\n")) {
      k = -1;
    } else if (k >= 0) {
      fig_point pt = {0};
      if (sscanf(line, "%lf %lf %lf", &pt.x, &pt.a, &pt.b) != 3)
        break;
      if (ncat > 0) { /* a category: its tic label (x offset per series) */
        long c = lround(pt.x);
        snprintf(pt.cat, sizeof pt.cat, "%s", c >= 0 && c < ncat ? cats[c] : "?");
        pt.x = 0.0;
      }
      fig_add(&f->s[k], &pt);
    } else if (!strncmp(line, "plot ", 5) || in_plot) {
      in_plot = 1;
      const char *e = strchr(line, '$');
      int j = e ? atoi(e + 2) : -1;
      const char *t = strstr(line, " title '");
      if (j >= 0 && j < f->n && !*f->s[j].title && t)
        gp_string(t + 7, f->s[j].title, FIG_TEXT);
    }
  }
  fclose(in);
  return 0;
}

static int point_order(const void *pa, const void *pb)
{
  const fig_point *a = pa, *b = pb;
  int c = strcmp(a->cat, b->cat);
  if (c)
    return c;
  if (a->x != b->x)
    return a->x < b->x ? -1 : 1;
  if (a->a != b->a)
    return a->a < b->a ? -1 : 1;
  return (a->b > b->b) - (a->b < b->b);
}

/* Series by title, then points: the order both sides are compared in. */
static int series_order(const void *pa, const void *pb)
{
  const fig_series *a = pa, *b = pb;
  int c = strcmp(a->title, b->title);
  if (c || a->n != b->n)
    return c ? c : (a->n < b->n ? -1 : 1);
  for (size_t i = 0; i < a->n; i++)
    if ((c = point_order(&a->p[i], &b->p[i])) != 0)
      return c;
  return 0;
}

static void fig_sort(figure *f)
{
  for (int i = 0; i < f->n; i++)
    qsort(f->s[i].p, f->s[i].n, sizeof *f->s[i].p, point_order);
  qsort(f->s, (size_t)f->n, sizeof *f->s, series_order);
}

/* Every figure against the series its rows make (plots skipped: none
 * drawn, nothing to recount). */
static void check_plots(const char *dir, const dlv_rows *rows)
{
  char path[4096], what[600];
  for (size_t i = 0; i < dlv_n_plot_specs; i++) {
    const dlv_plot_spec *sp = &dlv_plot_specs[i];
    figure want = {0}, got = {0};
    fig_expected(sp, rows, &want);
    size_t points = 0;
    for (int k = 0; k < want.n; k++)
      points += want.s[k].n;
    snprintf(path, sizeof path, "%s/plots/plot-%s.gp", dir, sp->id);
    int drawn = fig_read(path, &got) == 0;
    snprintf(what, sizeof what, "figure plot-%s", sp->id);
    if (drawn != (points > 0))
      problem(dir, what, drawn ? "drawn without rows to draw"
                               : "not drawn though rows select it");
    if (drawn && points > 0) {
      fig_sort(&want);
      fig_sort(&got);
      int same = want.n == got.n;
      for (int k = 0; same && k < want.n; k++)
        same = series_order(&want.s[k], &got.s[k]) == 0;
      if (!same) {
        snprintf(what + strlen(what), sizeof what - strlen(what),
                 " (%d series, first '%s', want %d, first '%s')", got.n,
                 got.n ? got.s[0].title : "", want.n,
                 want.n ? want.s[0].title : "");
        problem(dir, what, "series or points differ from the evidence's");
      }
    }
    fig_free(&want);
    fig_free(&got);
  }
}

int main(int argc, char **argv)
{
  if (argc < 2) {
    fprintf(stderr, "usage: t_report_recount REPORT_DIR...\n");
    return 2;
  }
  for (int a = 1; a < argc; a++) {
    FILE *in = open_in(argv[a], "evidence.csv");
    dlv_rows rows = {0};
    char err[256];
    if (dlv_csv_read(in, &rows, err, sizeof err) != 0) {
      fprintf(stderr, "t_report_recount: %s/evidence.csv: %s\n", argv[a], err);
      return 2;
    }
    fclose(in);
    check_summary(argv[a], &rows);
    check_kernels(argv[a], &rows);
    check_page(argv[a], &rows);
    check_plots(argv[a], &rows);
    printf("%s: %zu evidence rows recounted\n", argv[a], rows.n);
    dlv_rows_free(&rows);
  }
  return problems ? 1 : 0;
}
