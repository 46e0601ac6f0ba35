/* ref_adam.c: Adam, EMA and window in MPFR (see ref_adam.h). */
#include <math.h>

#include "dlv_status.h"
#include "mp.h"
#include "ref_adam.h"

#define GUARD 64 /* extra bits for intermediates */

static mpfr_prec_t work_prec(mpfr_srcptr out)
{
  return mpfr_get_prec(out) + GUARD;
}

static int beta_ok(double b) { return b >= 0.0 && b < 1.0; }

/* out = b^t, and b^infinity = 0 when t == 0 (the closed forms' limit). */
static void pow_t(mpfr_ptr out, double b, unsigned long t)
{
  if (t == 0) {
    mpfr_set_zero(out, 1);
    return;
  }
  mpfr_set_d(out, b, MPFR_RNDN); /* exact */
  mpfr_pow_ui(out, out, t, MPFR_RNDN);
}

int dlv_ref_adam_bias_correction(double b, unsigned long t, mpfr_ptr bc)
{
  if (!beta_ok(b) || t < 1)
    return DLV_EINVAL;
  mpfr_t p;
  mpfr_init2(p, work_prec(bc));
  pow_t(p, b, t);
  mpfr_ui_sub(bc, 1, p, MPFR_RNDN);
  mpfr_clear(p);
  return DLV_OK;
}

/* The per-step scalars: s1 = lr / bc1 and r2 = 1 / sqrt(bc2) (lr and 1 for
 * the exam's form). */
static void ref_scalars(mpfr_ptr s1, mpfr_ptr r2, double lr, double b1,
                        double b2, unsigned long t, int form)
{
  mpfr_set_d(s1, lr, MPFR_RNDN);
  mpfr_set_ui(r2, 1, MPFR_RNDN);
  if (form != 1)
    return;
  mpfr_t bc;
  mpfr_init2(bc, mpfr_get_prec(s1));
  dlv_ref_adam_bias_correction(b1, t, bc);
  mpfr_div(s1, s1, bc, MPFR_RNDN);
  dlv_ref_adam_bias_correction(b2, t, bc);
  mpfr_rec_sqrt(r2, bc, MPFR_RNDN);
  mpfr_clear(bc);
}

/* a = b a + (1 - b) x at a's precision (x may alias a). */
static void ref_ema1(mpfr_ptr a, double b, mpfr_srcptr x, mpfr_ptr tmp)
{
  mpfr_mul_d(a, a, b, MPFR_RNDN);
  mpfr_set_d(tmp, b, MPFR_RNDN);
  mpfr_ui_sub(tmp, 1, tmp, MPFR_RNDN); /* exact: 1 - b needs <= 54 bits */
  mpfr_mul(tmp, tmp, x, MPFR_RNDN);
  mpfr_add(a, a, tmp, MPFR_RNDN);
}

int dlv_ref_adam_step(size_t n, mpfr_t *theta, mpfr_t *m, mpfr_t *v,
                      mpfr_t *grad, double lr, double beta1, double beta2,
                      double eps, unsigned long t, int form)
{
  /* the kernel's hyperparameter rules (adam.h), forms 0 and 1 */
  if (!isfinite(lr) || !beta_ok(beta1) || !beta_ok(beta2) ||
      !(eps > 0.0) || !isfinite(eps) || (form == 1 && t < 1) ||
      (form != 0 && form != 1))
    return DLV_EINVAL;
  if (n == 0)
    return DLV_OK;
  mpfr_prec_t p = work_prec(theta[0]);
  mpfr_t s1, r2, tmp, d;
  mpfr_inits2(p, s1, r2, tmp, d, (mpfr_ptr)0);
  ref_scalars(s1, r2, lr, beta1, beta2, t, form);
  for (size_t i = 0; i < n; i++) {
    ref_ema1(m[i], beta1, grad[i], tmp);
    mpfr_sqr(d, grad[i], MPFR_RNDN);
    ref_ema1(v[i], beta2, d, tmp);
    mpfr_sqrt(d, v[i], MPFR_RNDN);
    mpfr_mul(d, d, r2, MPFR_RNDN);
    mpfr_add_d(d, d, eps, MPFR_RNDN);
    mpfr_div(tmp, m[i], d, MPFR_RNDN);
    mpfr_mul(tmp, tmp, s1, MPFR_RNDN);
    mpfr_sub(theta[i], theta[i], tmp, MPFR_RNDN);
  }
  mpfr_clears(s1, r2, tmp, d, (mpfr_ptr)0);
  return DLV_OK;
}

int dlv_ref_ema(size_t n, mpfr_t *avg, mpfr_t *x, double b)
{
  if (!beta_ok(b))
    return DLV_EINVAL;
  /* the kernel's scan (adam.h): a NaN DLV_ENAN, else an infinity DLV_EDOM,
   * before anything is written */
  int nan = 0, inf = 0;
  for (size_t i = 0; i < n; i++) {
    nan |= mpfr_nan_p(x[i]) != 0;
    inf |= mpfr_inf_p(x[i]) != 0;
  }
  if (nan || inf)
    return nan ? DLV_ENAN : DLV_EDOM;
  if (n == 0)
    return DLV_OK;
  mpfr_t tmp;
  mpfr_init2(tmp, work_prec(avg[0]));
  for (size_t i = 0; i < n; i++)
    ref_ema1(avg[i], b, x[i], tmp);
  mpfr_clear(tmp);
  return DLV_OK;
}

int dlv_ref_quadratic_grad(size_t n, const double *a, const double *c,
                           mpfr_t *theta, mpfr_t *grad)
{
  for (size_t i = 0; i < n; i++) {
    mpfr_sub_d(grad[i], theta[i], c[i], MPFR_RNDN);
    mpfr_mul_d(grad[i], grad[i], a[i], MPFR_RNDN);
  }
  return DLV_OK;
}

int dlv_ref_adam_trajectory(size_t n, const double *a, const double *c,
                            unsigned long t0, unsigned long T, mpfr_t *theta,
                            mpfr_t *m, mpfr_t *v, double lr, double beta1,
                            double beta2, double eps, int form)
{
  if (n == 0)
    return DLV_OK;
  mpfr_t *g = dlv_mp_vec_alloc(n, mpfr_get_prec(theta[0]));
  if (g == NULL)
    return DLV_ENOMEM;
  int status = DLV_OK;
  for (unsigned long s = 0; s < T && status == DLV_OK; s++) {
    dlv_ref_quadratic_grad(n, a, c, theta, g);
    status = dlv_ref_adam_step(n, theta, m, v, g, lr, beta1, beta2, eps,
                               t0 + s, form);
  }
  dlv_mp_vec_free(g, n);
  return status;
}

int dlv_ref_ema_weight(double b, unsigned long i, mpfr_ptr w)
{
  if (!beta_ok(b) || i < 1)
    return DLV_EINVAL;
  mpfr_t p;
  mpfr_init2(p, work_prec(w));
  pow_t(p, b, i - 1);
  if (i == 1)
    mpfr_set_ui(p, 1, MPFR_RNDN);
  mpfr_set_d(w, b, MPFR_RNDN);
  mpfr_ui_sub(w, 1, w, MPFR_RNDN);
  mpfr_mul(w, w, p, MPFR_RNDN);
  mpfr_clear(p);
  return DLV_OK;
}

int dlv_ref_window_mean(size_t k, const double *x, mpfr_ptr mean)
{
  if (k < 1)
    return DLV_EINVAL;
  mpfr_t s;
  mpfr_init2(s, work_prec(mean));
  int status = DLV_OK;
  mpfr_t *t = dlv_mp_vec_alloc(k, 64);
  if (t == NULL)
    status = DLV_ENOMEM;
  for (size_t i = 0; status == DLV_OK && i < k; i++)
    mpfr_set_d(t[i], x[i], MPFR_RNDN); /* exact */
  if (status == DLV_OK)
    status = dlv_mp_sum(s, t, k);
  mpfr_div_ui(mean, s, (unsigned long)k, MPFR_RNDN);
  dlv_mp_vec_free(t, k);
  mpfr_clear(s);
  return status;
}

/* Shared pieces of the closed forms: q = 1 - b, p = b^e. */
static void one_minus(mpfr_ptr q, double b)
{
  mpfr_set_d(q, b, MPFR_RNDN);
  mpfr_ui_sub(q, 1, q, MPFR_RNDN);
}

int dlv_ref_ema_lag(double b, unsigned long t, mpfr_ptr lag)
{
  if (!beta_ok(b))
    return DLV_EINVAL;
  mpfr_t p, q;
  mpfr_inits2(work_prec(lag), p, q, (mpfr_ptr)0);
  pow_t(p, b, t);
  mpfr_ui_sub(p, 1, p, MPFR_RNDN);
  one_minus(q, b);
  mpfr_div(lag, p, q, MPFR_RNDN);
  mpfr_clears(p, q, (mpfr_ptr)0);
  return DLV_OK;
}

int dlv_ref_ema_mean_age(double b, unsigned long t, mpfr_ptr age)
{
  if (!beta_ok(b))
    return DLV_EINVAL;
  mpfr_t l, p;
  mpfr_inits2(work_prec(age), l, p, (mpfr_ptr)0);
  dlv_ref_ema_lag(b, t, l);
  pow_t(p, b, t);
  mpfr_mul_ui(p, p, t, MPFR_RNDN);
  mpfr_sub(age, l, p, MPFR_RNDN);
  mpfr_clears(l, p, (mpfr_ptr)0);
  return DLV_OK;
}

int dlv_ref_ema_variance(double b, unsigned long t, mpfr_ptr var)
{
  if (!beta_ok(b))
    return DLV_EINVAL;
  mpfr_t p, q;
  mpfr_inits2(work_prec(var), p, q, (mpfr_ptr)0);
  pow_t(p, b, t);
  mpfr_sqr(p, p, MPFR_RNDN);
  mpfr_ui_sub(p, 1, p, MPFR_RNDN);
  one_minus(q, b);
  mpfr_mul(p, p, q, MPFR_RNDN);
  mpfr_set_d(q, b, MPFR_RNDN);
  mpfr_add_ui(q, q, 1, MPFR_RNDN);
  mpfr_div(var, p, q, MPFR_RNDN);
  mpfr_clears(p, q, (mpfr_ptr)0);
  return DLV_OK;
}

int dlv_ref_window_mean_age(size_t k, mpfr_ptr age)
{
  if (k < 1)
    return DLV_EINVAL;
  mpfr_set_ui(age, (unsigned long)k + 1, MPFR_RNDN);
  mpfr_div_ui(age, age, 2, MPFR_RNDN);
  return DLV_OK;
}

int dlv_ref_window_variance(size_t k, mpfr_ptr var)
{
  if (k < 1)
    return DLV_EINVAL;
  mpfr_set_ui(var, 1, MPFR_RNDN);
  mpfr_div_ui(var, var, (unsigned long)k, MPFR_RNDN);
  return DLV_OK;
}
