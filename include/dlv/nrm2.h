/* nrm2.h: the Euclidean norm ||x|| and its gradient x/||x|| (claim P4a).
 *
 * Conventions shared by every function here:
 * - strides as in BLAS (stride.h): x points at the lowest address, element
 *   i is x[i * incx] for incx > 0 and x[(n - 1 - i) |incx|] for incx < 0
 *   (never 0);
 * - the norm is computed in one pass over memory, safe from overflow and
 *   underflow for every finite input: each block of entries is scaled by an
 *   exact power of two before it is squared (see nrm2.c);
 * - +Inf in x gives ||x|| = +Inf even when a NaN is present (as C's hypot);
 *   a NaN without an Inf gives DLV_ENAN and leaves *result untouched;
 * - the float versions accumulate in double and round once at the end.
 *
 * Error bounds (derived in checks/bounds.h, names dlv_bound_nrm2 and
 * dlv_bound_nrm2_grad): relative error about (n/2 + 1) u for the norm and
 * (n/2 + 3) u for each gradient entry, plus one half subnormal ulp. */
#ifndef DLV_NRM2_H
#define DLV_NRM2_H

#include <stddef.h>

/* Blocking (the gate samples extents across these; see contract.h): x is
 * read in blocks of DLV_NRM2_BLOCK entries, each summed unscaled over
 * DLV_NRM2_LANES partial sums and kept when the block sum lies in
 * [DLV_NRM2_PLAIN_MIN, DLV_NRM2_PLAIN_MAX], redone with exact power-of-two
 * scaling otherwise.  Blocking constants of dlv_nrm2_d, dlv_nrm2_s,
 * dlv_nrm2_grad_d, dlv_nrm2_grad_s, dlv_prox_group_d, dlv_prox_group_s:
 * DLV_NRM2_BLOCK, DLV_NRM2_LANES. */
#define DLV_NRM2_BLOCK 512
#define DLV_NRM2_LANES 32
#define DLV_NRM2_PLAIN_MIN 0x1p-102
#define DLV_NRM2_PLAIN_MAX 0x1p960

int dlv_nrm2_d(size_t n, const double *x, ptrdiff_t incx, double *result);
int dlv_nrm2_s(size_t n, const float *x, ptrdiff_t incx, float *result);

/* g_i = x_i / ||x||, written to element i of g (stride incg, as x).  Returns DLV_EDOM when
 * ||x|| = 0 (the norm is not differentiable there) or when x holds an
 * infinity (even beside a NaN: ||x|| = +Inf then, as above), DLV_ENAN when
 * x holds a NaN and no infinity; g is untouched on error.  Arguments are
 * checked in order, the first error returned: x (stride.h), then g.  x and g
 * may be the same array with the same stride (in-place normalisation). */
int dlv_nrm2_grad_d(size_t n, const double *x, ptrdiff_t incx,
                    double *g, ptrdiff_t incg);
int dlv_nrm2_grad_s(size_t n, const float *x, ptrdiff_t incx,
                    float *g, ptrdiff_t incg);

#endif
