/* mp.h: MPFR helpers shared by the references and the checks.
 *
 * Conventions: every double converts to MPFR exactly (53 bits suffice);
 * products of two doubles are exact at 106 bits; sums are formed with
 * mpfr_sum, which rounds once, correctly; working precision is at least
 * DLV_MP_PREC_MIN bits unless the caller asks for more. */
#ifndef DLV_MP_H
#define DLV_MP_H

#include <stddef.h>

#include <mpfr.h>

#define DLV_MP_PREC_MIN 256 /* default working precision of references */
#define DLV_MP_PREC_PRODUCT 106 /* a product of two doubles is exact here */

/* The working precision: DLV_MPFR_PREC parsed by dlv_env_get (checks/
 * env.h: a whole number in [DLV_MP_PREC_MIN, 2^20]; any other value is a
 * usage error, exit 2), DLV_MP_PREC_MIN when unset. */
mpfr_prec_t dlv_mp_prec(void);

/* A heap array of n MPFR numbers at precision prec, all set to 0.  Returns
 * NULL on allocation failure.  Free with dlv_mp_vec_free. */
mpfr_t *dlv_mp_vec_alloc(size_t n, mpfr_prec_t prec);
void dlv_mp_vec_free(mpfr_t *v, size_t n);

/* out = sum_i terms[i], rounded once to out's precision (mpfr_sum).
 * Returns DLV_ENOMEM if the pointer array cannot be allocated. */
int dlv_mp_sum(mpfr_ptr out, mpfr_t *terms, size_t n);

/* out = sum_i x_i y_i, exactly formed products, one rounding; x and y
 * strided as in BLAS (include/dlv/stride.h). */
int dlv_mp_dot(mpfr_ptr out, size_t n, const double *x, ptrdiff_t incx,
               const double *y, ptrdiff_t incy);

#endif
