/* ref_quadratic.h: the quadratic loss l = 1/2 theta'A theta + b'theta
 * (include/dlv/loss.h, dlv_loss_quadratic_d) in MPFR, and the exact minimizer
 * of its L2-regularized form (claim P4b).
 *
 * A is n x n row-major and symmetric, b has n entries, all doubles.  The
 * gradient A theta + b is formed from exact products (106 bits) and one
 * correctly rounded sum per entry (mpfr_sum) at the precision of g[i]. */
#ifndef DLV_REF_QUADRATIC_H
#define DLV_REF_QUADRATIC_H

#include <stddef.h>

#include <mpfr.h>

#include "loss.h"

/* g[i] = (A theta + b)_i; value (if not NULL) = l(theta).  The problem is
 * the kernel's own struct (same arguments as dlv_loss_quadratic_d). */
int dlv_ref_loss_quadratic(const dlv_quadratic *q, const double *theta,
                           mpfr_ptr value, mpfr_t *g);

/* x = argmin l(theta) + (lambda_p / 2) ||theta||^2, i.e. the solution of
 * (A + lambda_p I) x = -b, by Gaussian elimination with partial pivoting
 * at the precision of x[0] plus 64 bits (>= 320 bits in the checks: the
 * forward error is below 2^-200 ||x|| for n <= 10 and condition numbers
 * below 10^6).  lambda_p is an MPFR number (e.g. lambda/||theta*|| formed
 * exactly enough).  DLV_EDOM when a pivot is exactly zero (singular
 * matrix), DLV_ENOMEM, DLV_EBADLEN for n = 0. */
int dlv_ref_quadratic_l2_min(size_t n, const double *a, const double *b,
                             mpfr_srcptr lambda_p, mpfr_t *x);

#endif
