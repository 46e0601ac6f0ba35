/* bound_twins.h: what the tests of the bounds library (checks/t_bounds*.c)
 * share: each bound formula is evaluated a second time in MPFR from its
 * derivation (its "twin"), and the double evaluation must agree with it.
 *
 * Slack of the MPFR comparisons: a bound formula of a few libm calls
 * (log1p, expm1, sqrt: each within 1 ulp in glibc) and a handful of
 * roundings has a relative evaluation error of at most ~8 u at condition
 * numbers <= 2 (all formulas here: their arguments are far from the
 * cancellations of log1p(-g) near g = 1); DLV_T_BOUNDS_SLACK = 64 u leaves
 * a factor 8 and is still 2^-47, far below any bound's own size: a bound
 * that counts a rounding more or less than its derivation (one u in a
 * coefficient of a few u) differs from its twin by far more. */
#ifndef DLV_BOUND_TWINS_H
#define DLV_BOUND_TWINS_H

#include <math.h>
#include <mpfr.h>

#include "bounds.h"
#include "check.h"

#define DLV_T_BOUNDS_SLACK (64.0 * DLV_U_DOUBLE)
#define MP_BITS 256
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* |computed - exact| <= DLV_T_BOUNDS_SLACK |exact| (exact in MPFR). */
static inline void assert_agrees(double computed, mpfr_srcptr exact,
                                  const char *what)
{
  double e = mpfr_get_d(exact, MPFR_RNDN);
  double rel = e == 0.0 ? fabs(computed) : fabs(computed - e) / fabs(e);
  if (!(rel <= DLV_T_BOUNDS_SLACK)) {
    print_error("%s: double %.17g, MPFR %.17g, relative %.3g > %.3g\n", what,
                computed, e, rel, DLV_T_BOUNDS_SLACK);
    fail();
  }
}

/* gamma_n = n u / (1 - n u) in MPFR. */
static inline void mp_gamma(mpfr_t r, double n, double u)
{
  mpfr_t d;
  mpfr_init2(d, MP_BITS);
  mpfr_set_d(r, n, MPFR_RNDN);
  mpfr_mul_d(r, r, u, MPFR_RNDN);
  mpfr_ui_sub(d, 1, r, MPFR_RNDN);
  mpfr_div(r, r, d, MPFR_RNDN);
  mpfr_clear(d);
}

/* max(sqrt(1 + g)(1 + u) - 1, 1 - sqrt(1 - g)(1 - u)) in MPFR, g given in
 * MPFR so that a composed g (gamma_n + n 2^-972) is exact. */
static inline void mp_sqrt_of_perturbed(mpfr_t r, mpfr_srcptr g,
                                        double u)
{
  mpfr_t up, down;
  mpfr_inits2(MP_BITS, up, down, (mpfr_ptr)0);
  mpfr_add_ui(up, g, 1, MPFR_RNDN);
  mpfr_sqrt(up, up, MPFR_RNDN);
  mpfr_mul_d(up, up, 1.0 + u, MPFR_RNDN); /* 1 + u is 1 in double for u =
                                            * 2^-53: down carries that u */
  mpfr_sub_ui(up, up, 1, MPFR_RNDN);
  mpfr_ui_sub(down, 1, g, MPFR_RNDN);
  mpfr_sqrt(down, down, MPFR_RNDN);
  mpfr_mul_d(down, down, 1.0 - u, MPFR_RNDN);
  mpfr_ui_sub(down, 1, down, MPFR_RNDN);
  mpfr_max(r, up, down, MPFR_RNDN);
  mpfr_clears(up, down, (mpfr_ptr)0);
}

/* The largest model(sign) over the 2^k sign vectors (each entry +1 or -1):
 * the worst case of a rounding model whose value is monotone in each of its
 * k perturbations alone (the standard model's products of (1 + delta) are
 * of degree 1 in each delta), so that its extremes lie at the vertices of
 * the box |delta_i| <= their bounds.  k <= 16. */
typedef void (*mp_vertex_model)(mpfr_t out, const double *sign,
                                const void *arg);
static inline void mp_worst_over_vertices(mpfr_t worst, int k,
                                          mp_vertex_model model,
                                          const void *arg)
{
  double sign[16];
  mpfr_t v;
  mpfr_init2(v, MP_BITS);
  mpfr_set_inf(worst, -1);
  for (unsigned long m = 0; m < (1ul << k); m++) {
    for (int i = 0; i < k; i++)
      sign[i] = (m >> i) & 1ul ? -1.0 : 1.0;
    model(v, sign, arg);
    mpfr_max(worst, worst, v, MPFR_RNDN);
  }
  mpfr_clear(v);
}


/* r = 1 + x, formed in MPFR (1 + 2^-53 is 1 in double). */
static inline void mp_one_plus(mpfr_t r, double x)
{
  mpfr_set_d(r, x, MPFR_RNDN);
  mpfr_add_ui(r, r, 1, MPFR_RNDN);
}

/* r = r (1 + x), exactly. */
static inline void mp_times_one_plus(mpfr_t r, double x)
{
  mpfr_t t;
  mpfr_init2(t, MP_BITS);
  mp_one_plus(t, x);
  mpfr_mul(r, r, t, MPFR_RNDN);
  mpfr_clear(t);
}

#endif
