/* select.c: row subsets and their worst rows (see select.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "select.h"

static int field_match(const char *want, const char *have)
{
  return want == NULL || strcmp(want, have) == 0;
}

int dlv_row_foreign(const dlv_row *r)
{
  return *r->backend && strcmp(r->backend, "-") != 0 &&
         strcmp(r->backend, "builtin") != 0 &&
         strcmp(r->backend, DLV_BACKEND_CLAIMS) != 0;
}

int dlv_filter_match(const dlv_filter *f, const dlv_row *r)
{
  if (f->kernel != NULL && f->backend == NULL && dlv_row_foreign(r))
    return 0;
  return field_match(f->claim, r->claim) &&
         field_match(f->backend, r->backend) &&
         field_match(f->kernel, r->kernel) &&
         field_match(f->variant, r->variant) &&
         field_match(f->dtype, r->dtype);
}

int dlv_must_hold(const dlv_row *r)
{
  return r->role == DLV_ROLE_ACCURACY || r->role == DLV_ROLE_CLAIM;
}

const dlv_row *dlv_worst_ratio(const dlv_rows *rows, const dlv_filter *f)
{
  const dlv_row *w = NULL;
  for (size_t i = 0; i < rows->n; i++) {
    const dlv_row *r = &rows->rows[i];
    if (dlv_must_hold(r) && dlv_filter_match(f, r) &&
        (w == NULL || (!isnan(w->ratio) && !(r->ratio <= w->ratio))))
      w = r; /* the first NaN stays the worst */
  }
  return w;
}

int dlv_ulps_meaningful(const dlv_row *r)
{
  if (!dlv_must_hold(r) || !isfinite(r->bound) || !isfinite(r->ulps))
    return 0;
  return r->err == 0.0 || r->ulps * (r->bound / r->err) <= DLV_ULPS_SCALE;
}

const dlv_row *dlv_worst_ulps(const dlv_rows *rows, const dlv_filter *f)
{
  const dlv_row *w = NULL;
  for (size_t i = 0; i < rows->n; i++) {
    const dlv_row *r = &rows->rows[i];
    if (dlv_ulps_meaningful(r) && dlv_filter_match(f, r) &&
        (w == NULL || r->ulps > w->ulps))
      w = r;
  }
  return w;
}

void dlv_count(const dlv_rows *rows, const dlv_filter *f, size_t *n,
               size_t *failed)
{
  *n = *failed = 0;
  for (size_t i = 0; i < rows->n; i++)
    if (dlv_filter_match(f, &rows->rows[i])) {
      ++*n;
      *failed += !rows->rows[i].ok;
    }
}

const char *dlv_ratio_format(double ratio)
{
  char buf[32];
  snprintf(buf, sizeof buf, "%.6g", ratio);
  double shown = strtod(buf, NULL);
  int same_side = (ratio < 1.0) == (shown < 1.0) &&
                  (ratio > 1.0) == (shown > 1.0);
  return same_side || isnan(ratio) ? "%.6g" : "%.17g";
}
