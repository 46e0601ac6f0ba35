/* baseline.c: matching this run's rows with an earlier report's (see
 * baseline.h). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "baseline.h"

int dlv_report_rows(const char *dir, dlv_rows *rows, char *err,
                    size_t errlen)
{
  char path[4200], why[160];
  snprintf(path, sizeof path, "%s/evidence.csv", dir);
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    snprintf(err, errlen, "%s: %s", path, strerror(errno));
    return -1;
  }
  int status = dlv_csv_read(f, rows, why, sizeof why);
  fclose(f);
  if (status != 0)
    snprintf(err, errlen, "%s: %s", path, why);
  return status;
}

int dlv_baseline_load(const char *dir, dlv_baseline *b, char *err,
                      size_t errlen)
{
  char why[4400];
  *b = (dlv_baseline){.dir = dir};
  int status = dlv_report_rows(dir, &b->rows, why, sizeof why);
  if (status != 0)
    snprintf(err, errlen, "--baseline %s: %s", dir, why);
  return status;
}

/* Shapes compared up to their detail (DLV_SHAPE_DETAIL, evidence.h): the
 * gate's row of an entry keeps its key when its worst case moves. */
static int shape_cmp(const char *a, const char *b)
{
  const char *da = strstr(a, DLV_SHAPE_DETAIL);
  const char *db = strstr(b, DLV_SHAPE_DETAIL);
  size_t na = da ? (size_t)(da - a) : strlen(a);
  size_t nb = db ? (size_t)(db - b) : strlen(b);
  int c = strncmp(a, b, na < nb ? na : nb);
  return c ? c : (na > nb) - (na < nb);
}

/* The backend part of the key: "" for dlverify's own rows ("builtin",
 * the claims' "reference+builtin", "-" in reports written before the
 * column), so a baseline from before the column still matches. */
static const char *own_or_backend(const dlv_row *r)
{
  return dlv_row_foreign(r) ? r->backend : "";
}

/* The stable key, field by field; ties (same key) keep row order. */
static int key_cmp(const dlv_row *a, const dlv_row *b)
{
  int c = strcmp(a->claim, b->claim);
  c = c ? c : strcmp(a->check, b->check);
  c = c ? c : strcmp(a->dtype, b->dtype);
  c = c ? c : shape_cmp(a->shape, b->shape);
  c = c ? c : strcmp(a->quantity, b->quantity);
  c = c ? c : strcmp(a->kernel, b->kernel);
  c = c ? c : strcmp(own_or_backend(a), own_or_backend(b));
  return c ? c : strcmp(a->variant, b->variant);
}

static int by_key_then_order(const void *pa, const void *pb)
{
  const dlv_row *a = *(const dlv_row *const *)pa;
  const dlv_row *b = *(const dlv_row *const *)pb;
  int c = key_cmp(a, b);
  return c ? c : (a > b) - (a < b); /* rows of one array: address order */
}

/* Pointers to the rows, sorted by key and then row order; NULL when memory
 * runs out. */
static const dlv_row **sorted(const dlv_rows *rows)
{
  const dlv_row **p = malloc((rows->n ? rows->n : 1) * sizeof *p);
  for (size_t i = 0; p != NULL && i < rows->n; i++)
    p[i] = &rows->rows[i];
  if (p != NULL)
    qsort(p, rows->n, sizeof *p, by_key_then_order);
  return p;
}

static unsigned flags_of(const dlv_row *now, const dlv_row *base)
{
  unsigned fl = 0;
  if (!now->ok && (base == NULL || base->ok))
    fl |= DLV_NEW_FAILURE;
  if (base != NULL && dlv_must_hold(now) && isfinite(now->bound) &&
      isfinite(base->ratio) && now->ratio > DLV_GROWTH * base->ratio)
    fl |= DLV_GROWN;
  return fl;
}

int dlv_baseline_compare(dlv_baseline *b, const dlv_rows *now)
{
  const dlv_row **x = sorted(now), **y = sorted(&b->rows);
  b->flag = calloc(now->n ? now->n : 1, 1);
  b->match = calloc(now->n ? now->n : 1, sizeof *b->match);
  if (x == NULL || y == NULL || b->flag == NULL || b->match == NULL) {
    free(x);
    free(y);
    return -1;
  }
  size_t i = 0, j = 0;
  b->unmatched = 0;
  while (i < now->n) {
    int c = j < b->rows.n ? key_cmp(x[i], y[j]) : -1;
    const dlv_row *base = c == 0 ? y[j] : NULL;
    if (c > 0) {
      b->unmatched++;
      j++;
      continue;
    }
    size_t k = (size_t)(x[i] - now->rows);
    b->match[k] = base;
    b->flag[k] = (unsigned char)flags_of(x[i], base);
    i++;
    j += c == 0;
  }
  b->unmatched += b->rows.n - j;
  free(x);
  free(y);
  return 0;
}

size_t dlv_baseline_count(const dlv_baseline *b, const dlv_rows *now,
                          const dlv_filter *f, unsigned flag)
{
  size_t k = 0;
  for (size_t i = 0; b->flag != NULL && i < now->n; i++)
    k += (b->flag[i] & flag) && dlv_filter_match(f, &now->rows[i]);
  return k;
}

int dlv_baseline_other_seed(const dlv_baseline *b, unsigned long seed)
{
  for (size_t i = 0; i < b->rows.n; i++)
    if (b->rows.rows[i].seed != seed)
      return 1;
  return 0;
}

void dlv_baseline_free(dlv_baseline *b)
{
  dlv_rows_free(&b->rows);
  free(b->flag);
  free(b->match);
  b->flag = NULL;
  b->match = NULL;
}
