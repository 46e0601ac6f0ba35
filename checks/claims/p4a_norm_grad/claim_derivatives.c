/* claim_derivatives.c: claim P4a, the formula Theta/||Theta|| against the derivative of
 * the norm measured two independent ways, and the error-versus-step series
 * the report plots
 * (the claim and its senses: check.c). */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_multimin.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_randist.h>

#include "check.h"
#include "deriv.h"
#include "dlv_status.h"
#include "loss.h"
#include "mp.h"
#include "nrm2.h"
#include "../p4_problems.h"
#include "p4a.h"
#include "ref_nrm2.h"
#include "ulp.h"
/* ---- the claim: derivative of the norm, measured two independent ways -- */

struct along {
  const double *x; /* the point */
  double *work;    /* scratch copy of x */
  size_t n, j;     /* dimension, coordinate perturbed */
};

/* t -> ||x + t e_j|| with the kernel. */
static double norm_along(double t, void *p)
{
  struct along *a = p;
  memcpy(a->work, a->x, a->n * sizeof *a->x);
  a->work[a->j] += t;
  double v = NAN;
  dlv_nrm2_d(a->n, a->work, 1, &v);
  return v;
}

/* Analytic twin of the norm for the complex step: sqrt(sum z_i^2) with
 * z = x + t e_j, written with analytic operations only (complex products,
 * sums and a square root valid for Re >> |Im|).  x is pre-scaled so that
 * max|x_i| lies in [1, 2) (exact), which the bound dlv_bound_cstep_nrm2
 * assumes. */
static double complex norm_twin(double complex t, void *p)
{
  struct along *a = p;
  double complex s = 0.0;
  for (size_t i = 0; i < a->n; i++) {
    double complex z = a->x[i] + (i == a->j ? t : 0.0);
    s += z * z;
  }
  return dlv_csqrt_small_imag(s);
}

/* Exact scaling of x by 2^-p so that max|x_i| is in [1, 2). */
static void scale_to_unit(const double *x, double *y, size_t n)
{
  double amax = 0.0;
  for (size_t i = 0; i < n; i++)
    amax = fmax(amax, fabs(x[i]));
  int p = ilogb(amax);
  for (size_t i = 0; i < n; i++)
    y[i] = ldexp(x[i], -p);
}

/* The coordinates measured at dimension n: every (n/4 + 1)-th and the
 * last (where an off-by-one in a kernel's tail shows): at least min(n, 4)
 * of them, the last among them, which the claim test asserts. */
static int measured_coordinate(size_t j, size_t n)
{
  return j % (1 + n / 4) == 0 || j == n - 1;
}

/* The central difference's power (gauges.h): GSL's error estimate, the
 * row's bound, within DLV_FD_POWER_REL of the derivative's scale, 1 (the
 * norm is 1-Lipschitz, |x_j| / ||x|| <= 1 at every scale of x). */
static void fd_power_row(const char *shape, double abserr)
{
  struct dlv_meas m = {"double", shape,
                       "power: the central difference's error estimate "
                       "vs DLV_FD_POWER_REL",
                       "gsl_deriv_central abserr", DLV_ROLE_ACCURACY, 0,
                       "gsl_deriv_central"};
  dlv_expect_row(__FILE__, __LINE__, "p4a_claim_derivatives", &m, abserr,
                 0.0, abserr, DLV_FD_POWER_REL, NAN);
}

/* Central difference of ||x|| along e_j against x_j/||x|| in MPFR, gated by
 * GSL's error estimate (the estimate's honesty is what is measured; its
 * power by fd_power_row), and the complex step of the analytic twin gated
 * by its derived bound. */
void p4a_claim_derivatives(void **state)
{
  (void)state;
  static const size_t n[] = {1, 2, 3, 10, 100};
  static const double sc[] = {1e-300, 1e-20, 1.0, 1e20, 1e300};
  gsl_rng *r = dlv_rng(__func__);
  double x[100], y[100], work[100];
  char shape[64];
  for (size_t i = 0; i < COUNT(n); i++)
    for (size_t k = 0; k < COUNT(sc); k++) {
      fill_uniform(r, x, n[i], sc[k]);
      mpfr_t *ref = dlv_mp_vec_alloc(n[i], dlv_mp_prec());
      assert_non_null(ref);
      assert_int_equal(dlv_ref_nrm2_grad(n[i], x, 1, ref), DLV_OK);
      double nrm = NAN;
      assert_int_equal(dlv_nrm2_d(n[i], x, 1, &nrm), DLV_OK);
      scale_to_unit(x, y, n[i]);
      size_t measured = 0, last = 0;
      for (size_t j = 0; j < n[i]; j++) {
        if (!measured_coordinate(j, n[i]))
          continue;
        measured++;
        last = j;
        snprintf(shape, sizeof shape, "n=%zu j=%zu uniform*%g", n[i], j,
                 sc[k]);
        struct along a = {x, work, n[i], j};
        double fd, abserr;
        dlv_deriv_central(norm_along, &a, 0.0, nrm * 0x1p-17, &fd, &abserr);
        struct dlv_meas m = {"double", shape,
                             "central difference of ||x|| vs x_j/||x||",
                             "gsl_deriv_central abserr", DLV_ROLE_CLAIM, 0};
        DLV_EXPECT_ROW(&m, fd, mpfr_get_d(ref[j], MPFR_RNDN),
                       dlv_abs_error(fd, ref[j]), abserr, NAN);
        fd_power_row(shape, abserr);
        struct along t = {y, work, n[i], j};
        double cs = dlv_deriv_cstep(norm_twin, &t, 0.0,
                                    ldexp(1.0, -DLV_CSTEP_BITS));
        m.quantity = "complex step of the analytic twin vs x_j/||x||";
        m.bound_name = "cstep_nrm2";
        DLV_EXPECT_MP(&m, cs, ref[j], dlv_bound_cstep_nrm2(n[i]),
                      DBL_MANT_DIG);
      }
      assert_true(measured >= (n[i] < 4 ? n[i] : 4) && last == n[i] - 1);
      dlv_mp_vec_free(ref, n[i]);
      /* the kernel the central differences are taken of, at x */
      snprintf(shape, sizeof shape, "uniform*%g (derivative point)", sc[k]);
      check_nrm2_d(__func__, n[i], x, 1, shape);
    }
}

/* Series for the report's plot of derivative error versus step (record
 * only: bound_name "recorded (no bound)", bound +Inf, so no verdict depends
 * on them).  At y with max|y_i| in [1, 2), d||y||/dy_j against MPFR:
 * GSL's central difference with h = ||y|| 2^-k, k = 1 .. 52, and the
 * complex step of the analytic twin with h = 2^-k, k = 32 .. 1074 (from
 * 2^-32 the twin's precondition |Im S| <= 2^-30 Re S holds; below 2^-1022
 * the imaginary part 2 h y_j is subnormal). */
static void record_step_series(const char *test, size_t n, const double *y,
                               double *work, size_t j, mpfr_srcptr ref)
{
  double nrm = NAN, exact = mpfr_get_d(ref, MPFR_RNDN);
  assert_int_equal(dlv_nrm2_d(n, y, 1, &nrm), DLV_OK);
  struct along a = {y, work, n, j};
  char shape[64];
  struct dlv_meas m = {"double", shape, "", "recorded (no bound)"};
  for (int k = 1; k <= 52; k++) {
    double h = ldexp(nrm, -k), fd, abserr;
    dlv_deriv_central(norm_along, &a, 0.0, h, &fd, &abserr);
    snprintf(shape, sizeof shape, "n=%zu j=%zu h=%.17g", n, j, h);
    m.quantity = "series: central difference (GSL) of ||x|| vs x_j/||x||";
    m.key = "h-central"; /* plots P4a-h, P4a-h-full */
    dlv_expect_row(__FILE__, __LINE__, test, &m, fd, exact,
                   dlv_abs_error(fd, ref), INFINITY,
                   dlv_ulp_error(fd, ref, DBL_MANT_DIG));
  }
  int k = 32;
  for (; k <= 1074; k += k < 1064 ? 8 : 2) {
    double h = ldexp(1.0, -k);
    double cs = dlv_deriv_cstep(norm_twin, &a, 0.0, h);
    snprintf(shape, sizeof shape, "n=%zu j=%zu h=%.17g", n, j, h);
    m.quantity = "series: complex step of the analytic twin vs x_j/||x||";
    m.key = "h-cstep";
    dlv_expect_row(__FILE__, __LINE__, test, &m, cs, exact,
                   dlv_abs_error(cs, ref), INFINITY,
                   dlv_ulp_error(cs, ref, DBL_MANT_DIG));
  }
  /* the range the plot documents: down to the smallest subnormal step */
  assert_int_equal(k - 2, -ilogb(DBL_TRUE_MIN));
}

void p4a_series_step(void **state)
{
  (void)state;
  static const size_t n[] = {3, 100};
  gsl_rng *r = dlv_rng(__func__);
  double x[100], y[100], work[100];
  for (size_t i = 0; i < COUNT(n); i++) {
    fill_uniform(r, x, n[i], 1.0);
    scale_to_unit(x, y, n[i]);
    mpfr_t *ref = dlv_mp_vec_alloc(n[i], dlv_mp_prec());
    assert_non_null(ref);
    assert_int_equal(dlv_ref_nrm2_grad(n[i], y, 1, ref), DLV_OK);
    record_step_series(__func__, n[i], y, work, n[i] / 2, ref[n[i] / 2]);
    dlv_mp_vec_free(ref, n[i]);
  }
}
