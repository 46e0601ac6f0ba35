/* ref_logistic.h: MPFR twin of dlv_loss_logistic_d (include/dlv/loss.h):
 * l = (1/m) sum_i log(1 + exp(-y_i a_i'theta)), rows a_i of the m x n
 * row-major x, labels y_i = +-1, and its gradient
 * grad l = -(1/m) sum_i y_i sigma(-y_i a_i'theta) a_i.
 *
 * Margins are exact (products at 106 bits, one correctly rounded sum at the
 * working precision, the precision of g[0] plus 64 bits); exp, log1p and
 * the divisions are correctly rounded by MPFR at that precision, and each
 * gradient entry is one mpfr_sum of the m terms, rounded to g[j]. */
#ifndef DLV_REF_LOGISTIC_H
#define DLV_REF_LOGISTIC_H

#include <stddef.h>

#include <mpfr.h>

#include "loss.h"

/* The kernel's own struct (same arguments as dlv_loss_logistic_d); value
 * may be NULL; g holds n numbers.  DLV_EINVAL for NULL inputs,
 * DLV_EBADLEN for m = 0 or n = 0, DLV_ENOMEM. */
int dlv_ref_loss_logistic(const dlv_logistic *p, const double *theta,
                          mpfr_ptr value, mpfr_t *g);

#endif
