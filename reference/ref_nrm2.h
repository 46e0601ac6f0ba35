/* ref_nrm2.h: MPFR twins of include/dlv/nrm2.h (same names, same argument
 * order; inputs as double, which holds every float exactly).
 *
 * ||x|| = sqrt(sum x_i^2): the squares are exact at 106 bits, the sum is
 * rounded once by mpfr_sum and the square root once, both at the precision
 * of `result` (at least 256 bits in the checks).  Same special values as the
 * kernels: an infinity gives +Inf even beside a NaN; a NaN alone gives
 * DLV_ENAN; and the same argument errors (DLV_EINVAL: NULL, stride 0). */
#ifndef DLV_REF_NRM2_H
#define DLV_REF_NRM2_H

#include <stddef.h>

#include <mpfr.h>

int dlv_ref_nrm2(size_t n, const double *x, ptrdiff_t incx, mpfr_ptr result);

/* g[i] = x_i / ||x|| at the precision of each g[i]; DLV_EDOM at x = 0 or
 * when x holds an infinity, DLV_ENAN for a NaN. */
int dlv_ref_nrm2_grad(size_t n, const double *x, ptrdiff_t incx, mpfr_t *g);

#endif
