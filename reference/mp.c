/* mp.c: MPFR helpers (see mp.h). */
#include <stdlib.h>

#include "dlv_status.h"
#include "env.h"
#include "mp.h"
#include "stride.h"

/* DLV_MPFR_PREC through the parser dlverify and the checks share. */
_Static_assert(DLV_MP_PREC_MIN == DLV_PREC_MIN, "one minimum precision");

mpfr_prec_t dlv_mp_prec(void)
{
  return (mpfr_prec_t)dlv_env_get()->mpfr_prec;
}

mpfr_t *dlv_mp_vec_alloc(size_t n, mpfr_prec_t prec)
{
  mpfr_t *v = malloc((n ? n : 1) * sizeof *v);
  if (v == NULL)
    return NULL;
  for (size_t i = 0; i < n; i++)
    mpfr_init2(v[i], prec), mpfr_set_zero(v[i], 1);
  return v;
}

void dlv_mp_vec_free(mpfr_t *v, size_t n)
{
  if (v == NULL)
    return;
  for (size_t i = 0; i < n; i++)
    mpfr_clear(v[i]);
  free(v);
}

int dlv_mp_sum(mpfr_ptr out, mpfr_t *terms, size_t n)
{
  mpfr_ptr *p = malloc((n ? n : 1) * sizeof *p);
  if (p == NULL)
    return DLV_ENOMEM;
  for (size_t i = 0; i < n; i++)
    p[i] = terms[i];
  mpfr_sum(out, p, (unsigned long)n, MPFR_RNDN);
  free(p);
  return DLV_OK;
}

int dlv_mp_dot(mpfr_ptr out, size_t n, const double *x, ptrdiff_t incx,
               const double *y, ptrdiff_t incy)
{
  mpfr_t *t = dlv_mp_vec_alloc(n, DLV_MP_PREC_PRODUCT);
  if (t == NULL)
    return DLV_ENOMEM;
  for (size_t i = 0; i < n; i++) {
    mpfr_set_d(t[i], x[dlv_stride_offset(n, incx, i)], MPFR_RNDN);
    mpfr_mul_d(t[i], t[i], y[dlv_stride_offset(n, incy, i)],
               MPFR_RNDN); /* exact */
  }
  int status = dlv_mp_sum(out, t, n);
  dlv_mp_vec_free(t, n);
  return status;
}
