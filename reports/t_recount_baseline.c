/* t_recount_baseline.c: t_report_recount's comparison with a baseline
 * (the rules in its header comment), worked out again from the evidence
 * of this run and of the baseline the run table names (its evidence.csv,
 * read again: it must not have changed since the run).  A row's key is
 * its claim, check, dtype, shape up to its detail (" | "), quantity,
 * kernel, variant and, for a row of another backend than dlverify's own,
 * its backend; the k-th row of a key in this run is matched with the
 * k-th row of that key in the baseline (baseline.h).  A row is a new
 * failure when it is not ok and its match was ok or is missing; grown
 * when it must hold, its bound is finite, its match's err/bound finite,
 * and its err/bound more than DLV_GROWTH times the match's.  Recounted:
 * the tables' columns and cells of new failures and rows grown, the
 * banner's totals, the baseline section (its rows, those without a
 * match, another seed, the table of rows that got worse) and the
 * terminal's line. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "baseline.h" /* DLV_GROWTH, the growth the page states */
#include "t_recount.h"

enum { REGRESSIONS_SHOWN = 200 };

/* The comparison of the report being recounted. */
static struct {
  int have;
  char dir[4096];
  dlv_rows base;
  const dlv_rows *now;
  const dlv_row **match; /* per row of now */
  size_t unmatched;      /* baseline rows without a row now */
  int other_seed;        /* a baseline row of another seed than the run's */
} cmp;

/* The length of a shape up to its detail. */
static size_t shape_len(const char *shape)
{
  const char *d = strstr(shape, " | ");
  return d ? (size_t)(d - shape) : strlen(shape);
}

static int same_key(const dlv_row *a, const dlv_row *b)
{
  size_t n = shape_len(a->shape);
  return !strcmp(a->claim, b->claim) && !strcmp(a->check, b->check) &&
         !strcmp(a->dtype, b->dtype) && n == shape_len(b->shape) &&
         !strncmp(a->shape, b->shape, n) &&
         !strcmp(a->quantity, b->quantity) && !strcmp(a->kernel, b->kernel) &&
         !strcmp(a->variant, b->variant) && own(a) == own(b) &&
         (own(a) || !strcmp(a->backend, b->backend));
}

/* The rows of rows before rows[i] with its key. */
static size_t rank(const dlv_rows *rows, size_t i, const dlv_row *r)
{
  size_t k = 0;
  for (size_t j = 0; j < i; j++)
    k += same_key(&rows->rows[j], r);
  return k;
}

/* The k-th row of r's key in rows, or NULL. */
static const dlv_row *kth(const dlv_rows *rows, const dlv_row *r, size_t k)
{
  for (size_t j = 0; j < rows->n; j++)
    if (same_key(&rows->rows[j], r) && k-- == 0)
      return &rows->rows[j];
  return NULL;
}

/* Matches the rows now with the baseline's. */
static void match_rows(void)
{
  const dlv_rows *now = cmp.now, *base = &cmp.base;
  cmp.match = recount_realloc(NULL, (now->n ? now->n : 1) * sizeof *cmp.match);
  for (size_t i = 0; i < now->n; i++)
    cmp.match[i] = kth(base, &now->rows[i], rank(now, i, &now->rows[i]));
  cmp.unmatched = 0;
  for (size_t j = 0; j < base->n; j++)
    cmp.unmatched += kth(now, &base->rows[j], rank(base, j,
                                                   &base->rows[j])) == NULL;
}

void baseline_load(const char *dir, const dlv_rows *now, const char *html)
{
  char path[4200];
  baseline_free();
  cmp.have = run_table_row(html, "baseline", cmp.dir, sizeof cmp.dir);
  cmp.now = now;
  if (!cmp.have)
    return;
  snprintf(path, sizeof path, "%s/evidence.csv", cmp.dir);
  FILE *in = fopen(path, "r");
  char err[256];
  if (in == NULL || dlv_csv_read(in, &cmp.base, err, sizeof err) != 0) {
    fprintf(stderr, "t_report_recount: %s: the baseline of %s cannot be "
                    "read\n", path, dir);
    exit(2);
  }
  fclose(in);
  match_rows();
  char seed[64] = "";
  run_table_row(html, "seed (DLV_SEED)", seed, sizeof seed);
  cmp.other_seed = 0;
  for (size_t j = 0; j < cmp.base.n; j++)
    cmp.other_seed |= cmp.base.rows[j].seed != strtoul(seed, NULL, 10);
}

void baseline_free(void)
{
  dlv_rows_free(&cmp.base);
  free(cmp.match);
  cmp.match = NULL;
  cmp.have = 0;
}

const dlv_rows *baseline_rows(void)
{
  return cmp.have ? &cmp.base : NULL;
}

unsigned baseline_flags(const dlv_row *r)
{
  if (!cmp.have)
    return 0;
  const dlv_row *b = cmp.match[r - cmp.now->rows];
  unsigned fl = 0;
  if (!r->ok && (b == NULL || b->ok))
    fl |= NEW_FAILURE;
  if (b && must_hold(r) && isfinite(r->bound) && isfinite(b->ratio) &&
      r->ratio > DLV_GROWTH * b->ratio)
    fl |= GROWN;
  return fl;
}

void baseline_totals(size_t *nf, size_t *gr)
{
  *nf = *gr = 0;
  for (size_t i = 0; i < cmp.now->n; i++) {
    unsigned fl = baseline_flags(&cmp.now->rows[i]);
    *nf += (fl & NEW_FAILURE) != 0;
    *gr += (fl & GROWN) != 0;
  }
}

void check_baseline_banner(const char *dir, const char *html)
{
  size_t nf, gr;
  char want[200];
  baseline_totals(&nf, &gr);
  snprintf(want, sizeof want, " Against the baseline: %zu new failures, "
           "%zu rows whose err/bound grew more than %gx", nf, gr,
           DLV_GROWTH);
  if ((strstr(html, want) != NULL) != cmp.have ||
      (!cmp.have && strstr(html, " Against the baseline: ")))
    problem(dir, "status banner", "the baseline's new failures or rows "
                                  "grown differ");
}

/* One row of the regressions table at s: the flagged row x's claim, what
 * (a new failure first), name, its match's err/bound (all digits; NaN
 * without a match). */
static void check_regressed_row(const char *dir, const dlv_row *x,
                                const char *s, const char *end)
{
  char claim[64], what[32], name[1300], want[1300];
  const char *e[6], *c[6];
  for (int q = 0; q < 6; q++)
    if ((c[q] = nth_cell(s, end, q, &e[q])) == NULL) {
      problem(dir, "regressions", "row with fewer than 6 cells");
      return;
    }
  cell_text(c[0], e[0], claim, sizeof claim);
  cell_text(c[1], e[1], what, sizeof what);
  cell_text(c[4], e[4], name, sizeof name);
  snprintf(want, sizeof want, "%s [%s] %s", x->check, x->shape, x->quantity);
  const dlv_row *b = cmp.match[x - cmp.now->rows];
  const char *title = strstr(s, " title=\"");
  int new_failure = (baseline_flags(x) & NEW_FAILURE) != 0;
  if (strcmp(claim, x->claim) || strcmp(name, want) ||
      strcmp(what, new_failure ? "new failure" : "err/bound grown") ||
      title == NULL || title < e[4] || title > c[5] ||
      !same_double(strtod(title + 8, NULL), b ? b->ratio : NAN))
    problem(dir, "regressions", "a row is not the next row that got worse "
                                "with its baseline's err/bound");
}

/* The baseline section: the baseline's rows and those without a match,
 * another seed said when so, and the rows that got worse in run order
 * (REGRESSIONS_SHOWN at most). */
static void check_section(const char *dir, const char *html)
{
  const char *sec = strstr(html, "<section id=\"baseline\">");
  const char *end = sec ? strstr(sec, "</section>") : NULL;
  char want[200];
  snprintf(want, sizeof want, ": %zu rows; %zu of them have no row in "
           "this run.", cmp.base.n, cmp.unmatched);
  const char *at = end ? strstr(sec, want) : NULL;
  if (at == NULL || at > end)
    problem(dir, "baseline", "rows or rows without a match differ");
  const char *seed = end ? strstr(sec, "run with another seed") : NULL;
  if ((seed != NULL && seed < end) != cmp.other_seed)
    problem(dir, "baseline", "another seed said exactly when a baseline "
                             "row has one: not so");
  size_t i = 0;
  const char *r = end ? strstr(sec, "<tr class=\"fail\">") : NULL;
  for (; r && r < end; r = strstr(r + 1, "<tr class=\"fail\">"), i++) {
    while (i < cmp.now->n && !baseline_flags(&cmp.now->rows[i]))
      i++;
    if (i == cmp.now->n) {
      problem(dir, "regressions", "a row that did not get worse");
      return;
    }
    check_regressed_row(dir, &cmp.now->rows[i], r, strstr(r, "</tr>"));
  }
  size_t shown = 0, flagged = 0;
  for (size_t j = 0; j < cmp.now->n; j++)
    flagged += baseline_flags(&cmp.now->rows[j]) != 0;
  for (r = end ? strstr(sec, "<tr class=\"fail\">") : NULL; r && r < end;
       r = strstr(r + 1, "<tr class=\"fail\">"))
    shown++;
  if (shown != (flagged < REGRESSIONS_SHOWN ? flagged : REGRESSIONS_SHOWN))
    problem(dir, "regressions", "not every row that got worse");
}

void check_baseline_page(const char *dir, const char *html)
{
  int section = strstr(html, "<section id=\"baseline\">") != NULL;
  if (section != cmp.have)
    problem(dir, "baseline", "a section exactly when there is a baseline: "
                             "not so");
  else if (cmp.have)
    check_section(dir, html);
}

void check_baseline_terminal(const char *dir, const char *text)
{
  char want[4400];
  size_t nf, gr;
  baseline_totals(&nf, &gr);
  snprintf(want, sizeof want, "against %s: %zu new failures, %zu rows whose "
           "err/bound grew more than %gx, %zu baseline rows without a "
           "match\n", cmp.dir, nf, gr, DLV_GROWTH, cmp.unmatched);
  if (cmp.have ? !strstr(text, want) : strstr(text, "\nagainst ") != NULL)
    problem(dir, "terminal", "the baseline's new failures, rows grown or "
                             "rows without a match differ");
  if (!!strstr(text, "\nnote: the baseline was run with another seed") !=
      (cmp.have && cmp.other_seed))
    problem(dir, "terminal", "another seed said exactly when a baseline "
                             "row has one: not so");
}
