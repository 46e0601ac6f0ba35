/* ref_quadratic.c: the quadratic loss and its L2-regularized minimizer in
 * MPFR (see ref_quadratic.h). */
#include <stdlib.h>

#include "dlv_status.h"
#include "mp.h"
#include "ref_quadratic.h"

int dlv_ref_loss_quadratic(const dlv_quadratic *q, const double *theta,
                           mpfr_ptr value, mpfr_t *g)
{
  if (q == NULL || q->a == NULL || q->b == NULL || theta == NULL || g == NULL)
    return DLV_EINVAL;
  const size_t n = q->n;
  const double *a = q->a, *b = q->b;
  if (n == 0)
    return DLV_EBADLEN;
  mpfr_prec_t prec = mpfr_get_prec(g[0]) + 64;
  mpfr_t *terms = dlv_mp_vec_alloc(n + 1, prec);
  if (terms == NULL)
    return DLV_ENOMEM;
  int status = DLV_OK;
  for (size_t i = 0; status == DLV_OK && i < n; i++) {
    for (size_t j = 0; j < n; j++) { /* exact products */
      mpfr_set_d(terms[j], a[i * n + j], MPFR_RNDN);
      mpfr_mul_d(terms[j], terms[j], theta[j], MPFR_RNDN);
    }
    mpfr_set_d(terms[n], b[i], MPFR_RNDN);
    status = dlv_mp_sum(g[i], terms, n + 1);
  }
  if (status == DLV_OK && value != NULL) {
    /* l = sum_i theta_i ((A theta)_i + 2 b_i) / 2 = sum_i theta_i (g_i +
     * b_i) / 2, at the working precision. */
    for (size_t i = 0; i < n; i++) {
      mpfr_add_d(terms[i], g[i], b[i], MPFR_RNDN);
      mpfr_mul_d(terms[i], terms[i], theta[i], MPFR_RNDN);
    }
    status = dlv_mp_sum(value, terms, n);
    mpfr_div_2ui(value, value, 1, MPFR_RNDN);
  }
  dlv_mp_vec_free(terms, n + 1);
  return status;
}

/* y -= a x with one rounding (fused). */
static void axpy_neg(mpfr_ptr y, mpfr_srcptr a, mpfr_srcptr x)
{
  mpfr_fms(y, a, x, y, MPFR_RNDN); /* a x - y */
  mpfr_neg(y, y, MPFR_RNDN);
}

/* Solves M x = r in place (M n x n row-major, r overwritten by x) by
 * Gaussian elimination with partial pivoting; DLV_EDOM on a zero pivot. */
static int gauss_solve(size_t n, mpfr_t *m, mpfr_t *r, mpfr_ptr tmp)
{
  for (size_t k = 0; k < n; k++) {
    size_t p = k;
    for (size_t i = k + 1; i < n; i++)
      if (mpfr_cmpabs(m[i * n + k], m[p * n + k]) > 0)
        p = i;
    if (mpfr_zero_p(m[p * n + k]))
      return DLV_EDOM;
    if (p != k) {
      for (size_t j = 0; j < n; j++)
        mpfr_swap(m[k * n + j], m[p * n + j]);
      mpfr_swap(r[k], r[p]);
    }
    for (size_t i = k + 1; i < n; i++) { /* row_i -= (m_ik/m_kk) row_k */
      mpfr_div(tmp, m[i * n + k], m[k * n + k], MPFR_RNDN);
      for (size_t j = k; j < n; j++)
        axpy_neg(m[i * n + j], tmp, m[k * n + j]);
      axpy_neg(r[i], tmp, r[k]);
    }
  }
  for (size_t k = n; k-- > 0;) { /* back substitution */
    for (size_t j = k + 1; j < n; j++)
      axpy_neg(r[k], m[k * n + j], r[j]);
    mpfr_div(r[k], r[k], m[k * n + k], MPFR_RNDN);
  }
  return DLV_OK;
}

int dlv_ref_quadratic_l2_min(size_t n, const double *a, const double *b,
                             mpfr_srcptr lambda_p, mpfr_t *x)
{
  if (a == NULL || b == NULL || lambda_p == NULL || x == NULL)
    return DLV_EINVAL;
  if (n == 0)
    return DLV_EBADLEN;
  mpfr_prec_t prec = mpfr_get_prec(x[0]) + 64;
  mpfr_t *m = dlv_mp_vec_alloc(n * n, prec);
  mpfr_t *r = dlv_mp_vec_alloc(n, prec);
  mpfr_t tmp;
  mpfr_init2(tmp, prec);
  int status = m != NULL && r != NULL ? DLV_OK : DLV_ENOMEM;
  for (size_t i = 0; status == DLV_OK && i < n; i++) {
    for (size_t j = 0; j < n; j++)
      mpfr_set_d(m[i * n + j], a[i * n + j], MPFR_RNDN);
    mpfr_add(m[i * n + i], m[i * n + i], lambda_p, MPFR_RNDN);
    mpfr_set_d(r[i], -b[i], MPFR_RNDN);
  }
  if (status == DLV_OK)
    status = gauss_solve(n, m, r, tmp);
  for (size_t i = 0; status == DLV_OK && i < n; i++)
    mpfr_set(x[i], r[i], MPFR_RNDN);
  mpfr_clear(tmp);
  if (r != NULL)
    dlv_mp_vec_free(r, n);
  if (m != NULL)
    dlv_mp_vec_free(m, n * n);
  return status;
}
