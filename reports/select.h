/* select.h: subsets of the evidence rows (a claim, a kernel) and the
 * figures the report shows for them, each with the row it comes from. */
#ifndef DLV_SELECT_H
#define DLV_SELECT_H

#include <stddef.h>

#include "evidence.h"

/* Selects rows: every non-NULL field must equal the row's.  A filter
 * naming a kernel and no backend selects dlverify's own rows only (the
 * kernel table): a gate row run through another backend (dlv_row_foreign)
 * belongs to the backend matrix. */
typedef struct {
  const char *claim, *kernel, *variant, *dtype, *backend;
} dlv_filter;

/* A row computed by a backend other than dlverify's own kernels (its
 * backend neither "builtin", DLV_BACKEND_CLAIMS nor "-"). */
int dlv_row_foreign(const dlv_row *r);

int dlv_filter_match(const dlv_filter *f, const dlv_row *r);

/* Accuracy and claim rows: the rows that must hold. */
int dlv_must_hold(const dlv_row *r);

/* The selected row of largest err/bound among the rows that must hold (a
 * NaN ratio is the worst); NULL when there is none. */
const dlv_row *dlv_worst_ratio(const dlv_rows *rows, const dlv_filter *f);

/* 1 when r's ulps mean something: a row that must hold, with a finite
 * bound and finite ulps, whose bound is at most DLV_ULPS_SCALE ulps of its
 * reference (bound/err * ulps).  A larger bound is set by another scale
 * (cancellation, a reference near zero), against which ulps of the
 * reference say nothing about the kernel; err/bound measures such rows. */
#define DLV_ULPS_SCALE 1048576.0 /* 2^20 */
int dlv_ulps_meaningful(const dlv_row *r);

/* The selected row of largest meaningful ulps; NULL when there is none. */
const dlv_row *dlv_worst_ulps(const dlv_rows *rows, const dlv_filter *f);

/* The printf format of an err/bound: "%.6g", or "%.17g" when six digits
 * would put it on the other side of 1 (0.9999999 is not shown as 1). */
const char *dlv_ratio_format(double ratio);

/* Rows selected, and those not ok. */
void dlv_count(const dlv_rows *rows, const dlv_filter *f, size_t *n,
               size_t *failed);

#endif
