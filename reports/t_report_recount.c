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
 * every line the header's width.  Prints each disagreement; exit 1
 * if any, 2 on a usage or read error.  (Used by test_dlverify.sh.) */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evidence.h"

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

/* Adds row r to the figures. */
static void add_row(figures *f, const dlv_row *r)
{
  f->rows++;
  f->failed += !r->ok;
  int none = f->ratio_row[0] == '\0';
  if (must_hold(r) &&
      (none || (!isnan(f->ratio) && (isnan(r->ratio) || r->ratio > f->ratio)))) {
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
  double got = strtod(text, NULL);
  return isnan(want) ? isnan(got) : got == want;
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
    printf("%s: %zu evidence rows recounted\n", argv[a], rows.n);
    dlv_rows_free(&rows);
  }
  return problems ? 1 : 0;
}
