/* ref_logistic.c: the logistic-regression loss and gradient in MPFR (see
 * ref_logistic.h). */
#include "dlv_status.h"
#include "mp.h"
#include "ref_logistic.h"

/* w[i] = -y_i sigma(-z_i) / m and sp[i] = log1p(exp(-z_i)), with
 * z_i = y_i a_i'theta; sigma(-z) = 1 / (1 + exp(z)). */
static int weights(size_t m, size_t n, const double *x, const double *y,
                   const double *theta, mpfr_t *w, mpfr_t *sp)
{
  mpfr_t z, t;
  mpfr_inits2(mpfr_get_prec(w[0]), z, t, (mpfr_ptr)0);
  int status = DLV_OK;
  for (size_t i = 0; status == DLV_OK && i < m; i++) {
    status = dlv_mp_dot(z, n, x + i * n, 1, theta, 1);
    if (y[i] < 0)
      mpfr_neg(z, z, MPFR_RNDN);
    mpfr_exp(t, z, MPFR_RNDN); /* e^z */
    mpfr_add_ui(t, t, 1, MPFR_RNDN);
    mpfr_ui_div(w[i], 1, t, MPFR_RNDN); /* sigma(-z) */
    mpfr_mul_d(w[i], w[i], -y[i], MPFR_RNDN);
    mpfr_div_ui(w[i], w[i], (unsigned long)m, MPFR_RNDN);
    /* softplus(-z) = max(-z, 0) + log1p(e^-|z|): e^-z would overflow
     * MPFR's exponent range for z below -7.4e8 (found by the gate). */
    mpfr_abs(t, z, MPFR_RNDN);
    mpfr_neg(t, t, MPFR_RNDN);
    mpfr_exp(t, t, MPFR_RNDN);
    mpfr_log1p(sp[i], t, MPFR_RNDN);
    if (mpfr_sgn(z) < 0)
      mpfr_sub(sp[i], sp[i], z, MPFR_RNDN);
  }
  mpfr_clears(z, t, (mpfr_ptr)0);
  return status;
}

int dlv_ref_loss_logistic(const dlv_logistic *p, const double *theta,
                          mpfr_ptr value, mpfr_t *g)
{
  if (p == NULL || p->x == NULL || p->y == NULL || theta == NULL || g == NULL)
    return DLV_EINVAL;
  const size_t m = p->m, n = p->n;
  const double *x = p->x, *y = p->y;
  if (m == 0 || n == 0)
    return DLV_EBADLEN;
  mpfr_prec_t prec = mpfr_get_prec(g[0]) + 64;
  mpfr_t *w = dlv_mp_vec_alloc(m, prec), *sp = dlv_mp_vec_alloc(m, prec);
  int status = w != NULL && sp != NULL ? DLV_OK : DLV_ENOMEM;
  if (status == DLV_OK)
    status = weights(m, n, x, y, theta, w, sp);
  for (size_t j = 0; status == DLV_OK && j < n; j++) {
    for (size_t i = 0; i < m; i++) /* sp is reused for the terms */
      mpfr_mul_d(sp[i], w[i], x[i * n + j], MPFR_RNDN);
    status = dlv_mp_sum(g[j], sp, m);
  }
  if (status == DLV_OK && value != NULL) {
    status = weights(m, n, x, y, theta, w, sp);
    if (status == DLV_OK)
      status = dlv_mp_sum(value, sp, m);
    mpfr_div_ui(value, value, (unsigned long)m, MPFR_RNDN);
  }
  if (sp != NULL)
    dlv_mp_vec_free(sp, m);
  if (w != NULL)
    dlv_mp_vec_free(w, m);
  return status;
}
