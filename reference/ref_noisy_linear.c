/* ref_noisy_linear.c: the layers of claim P2 in MPFR (see
 * ref_noisy_linear.h). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "dlv_status.h"
#include "mp.h"
#include "ref_noisy_linear.h"

void dlv_ref_noisy_term(mpfr_ptr t, double w, double e, double x)
{
  int ew, ee;
  frexp(w, &ew); /* 0 for 0, Inf and NaN: then any width does */
  frexp(e, &ee);
  /* w + e spans at most |ew - ee| + 54 bits; times x, 53 more */
  mpfr_set_prec(t, (mpfr_prec_t)abs(ew - ee) + 54 + 53);
  mpfr_set_d(t, w, MPFR_RNDN);
  mpfr_add_d(t, t, e, MPFR_RNDN); /* exact */
  mpfr_mul_d(t, t, x, MPFR_RNDN); /* exact */
}

/* z_i = sum_j [keep_j] (w_ij + e_ij) x_j, each term exact, one rounding;
 * e and mask may be NULL (no noise, keep all).  The term is formed as
 * (w + e) x, not w x + e x: for an infinite x_j the two differ (Inf - Inf
 * is NaN where (w + e) Inf is +-Inf).  An absent term (a dropped input) is
 * 0, not 0 x_j: it stays 0 when x_j is Inf or NaN, as the Iverson bracket
 * of the header says. */
static int layer(size_t m, size_t n, const double *w, const double *e,
                 const unsigned char *mask, const double *x, mpfr_t *z)
{
  /* the double kernels' argument errors (noisy_linear.h), in their order */
  if (n > 0 && m > (size_t)PTRDIFF_MAX / sizeof(double) / n)
    return DLV_EBADLEN;
  if ((m * n > 0 && w == NULL) || (n > 0 && x == NULL) || (m > 0 && z == NULL))
    return DLV_EINVAL;
  mpfr_t *t = dlv_mp_vec_alloc(n, MPFR_PREC_MIN);
  if (t == NULL)
    return DLV_ENOMEM;
  int status = DLV_OK;
  for (size_t i = 0; status == DLV_OK && i < m; i++) {
    for (size_t j = 0; j < n; j++) {
      if (mask != NULL && !mask[j])
        mpfr_set_zero(t[j], 1);
      else
        dlv_ref_noisy_term(t[j], w[i * n + j], e ? e[i * n + j] : 0.0, x[j]);
    }
    status = dlv_mp_sum(z[i], t, n);
  }
  dlv_mp_vec_free(t, n);
  return status;
}

int dlv_ref_noisy_linear(size_t m, size_t n, const double *w,
                         const double *e, const double *x, mpfr_t *z)
{
  return layer(m, n, w, e, NULL, x, z);
}

int dlv_ref_linear(size_t m, size_t n, const double *w, const double *x,
                   mpfr_t *z)
{
  return layer(m, n, w, NULL, NULL, x, z);
}

int dlv_ref_dropout_linear(size_t m, size_t n, const double *w,
                           const unsigned char *mask, const double *x,
                           mpfr_t *z)
{
  return layer(m, n, w, NULL, mask, x, z);
}

int dlv_ref_relu_gauss_mean(mpfr_ptr out, mpfr_srcptr a, mpfr_srcptr s)
{
  if (mpfr_nan_p(a) || mpfr_nan_p(s))
    return DLV_ENAN;
  if (mpfr_sgn(s) < 0)
    return DLV_EDOM;
  if (mpfr_zero_p(s)) {
    mpfr_max(out, a, s, MPFR_RNDN); /* max(a, 0) */
    return DLV_OK;
  }
  mpfr_t t, cdf, pdf, c;
  mpfr_inits2(mpfr_get_prec(out) + 64, t, cdf, pdf, c, (mpfr_ptr)0);
  mpfr_div(t, a, s, MPFR_RNDN);            /* t = a/s */
  mpfr_sqrt_ui(c, 2, MPFR_RNDN);
  mpfr_div(cdf, t, c, MPFR_RNDN);
  mpfr_neg(cdf, cdf, MPFR_RNDN);
  mpfr_erfc(cdf, cdf, MPFR_RNDN);
  mpfr_div_2ui(cdf, cdf, 1, MPFR_RNDN);    /* Phi(t) = erfc(-t/sqrt 2)/2 */
  mpfr_sqr(pdf, t, MPFR_RNDN);
  mpfr_div_2ui(pdf, pdf, 1, MPFR_RNDN);
  mpfr_neg(pdf, pdf, MPFR_RNDN);
  mpfr_exp(pdf, pdf, MPFR_RNDN);
  mpfr_const_pi(c, MPFR_RNDN);
  mpfr_mul_2ui(c, c, 1, MPFR_RNDN);
  mpfr_sqrt(c, c, MPFR_RNDN);
  mpfr_div(pdf, pdf, c, MPFR_RNDN);        /* phi(t) */
  mpfr_mul(cdf, cdf, a, MPFR_RNDN);
  mpfr_mul(pdf, pdf, s, MPFR_RNDN);
  mpfr_add(out, cdf, pdf, MPFR_RNDN);      /* a Phi(t) + s phi(t) */
  mpfr_clears(t, cdf, pdf, c, (mpfr_ptr)0);
  return DLV_OK;
}
