/* ref_nrm2.c: the Euclidean norm and its gradient in MPFR (see ref_nrm2.h). */
#include <math.h>

#include "dlv_status.h"
#include "mp.h"
#include "ref_nrm2.h"
#include "stride.h"

/* DLV_OK, or the special-value outcome: +Inf sets *inf. */
static int classify(size_t n, const double *x, ptrdiff_t incx, int *inf)
{
  int nan = 0;
  *inf = 0;
  for (size_t i = 0; i < n; i++) {
    double v = x[dlv_stride_offset(n, incx, i)];
    *inf |= isinf(v) != 0;
    nan |= isnan(v) != 0;
  }
  return nan && !*inf ? DLV_ENAN : DLV_OK;
}

/* The kernels' argument errors (nrm2.h): NULL data or output, stride 0. */
static int bad_args(size_t n, const double *x, ptrdiff_t incx,
                    const void *out)
{
  return out == NULL || (n > 0 && (x == NULL || incx == 0));
}

int dlv_ref_nrm2(size_t n, const double *x, ptrdiff_t incx, mpfr_ptr result)
{
  if (bad_args(n, x, incx, result))
    return DLV_EINVAL;
  int inf, status = classify(n, x, incx, &inf);
  if (status != DLV_OK)
    return status;
  if (inf) {
    mpfr_set_inf(result, 1);
    return DLV_OK;
  }
  status = dlv_mp_dot(result, n, x, incx, x, incx);
  if (status == DLV_OK)
    mpfr_sqrt(result, result, MPFR_RNDN);
  return status;
}

int dlv_ref_nrm2_grad(size_t n, const double *x, ptrdiff_t incx, mpfr_t *g)
{
  if (n > 0 && bad_args(n, x, incx, g))
    return DLV_EINVAL;
  int inf, status = classify(n, x, incx, &inf);
  if (status != DLV_OK)
    return status;
  if (inf)
    return DLV_EDOM;
  mpfr_t norm;
  mpfr_init2(norm, n ? mpfr_get_prec(g[0]) + 64 : DLV_MP_PREC_MIN);
  status = dlv_ref_nrm2(n, x, incx, norm);
  if (status == DLV_OK && mpfr_zero_p(norm))
    status = DLV_EDOM;
  for (size_t i = 0; status == DLV_OK && i < n; i++)
    mpfr_d_div(g[i], x[dlv_stride_offset(n, incx, i)], norm, MPFR_RNDN);
  mpfr_clear(norm);
  return status;
}
