/* claims/p4a_norm_grad/check.c: claim P4a, the gradient of ||Theta|| is Theta/||Theta||.
 *
 * Senses measured (CLAIMS.md, P4a):
 * - accuracy: the one-pass scaled norm kernel and its gradient against MPFR
 *   (n from 1 to 1e6, magnitudes 1e-300 to 1e300, float and double, strides),
 *   an extreme-value table, Pythagorean tuples whose norm is exact, and the
 *   defined errors at Theta = 0, NaN and Inf;
 * - claim: the formula Theta/||Theta|| (in MPFR) against the derivative of
 *   the norm measured two independent ways, GSL's central difference (gated
 *   by its own error estimate) and the complex step through an analytic twin;
 *   and the stationarity condition grad l = -lambda Theta/||Theta|| at
 *   minimizers of l + lambda ||Theta|| found by GSL's BFGS driven by
 *   central-difference gradients (so the solver never uses the formula). */
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
#include "ref_nrm2.h"
#include "ulp.h"

/* ---- data ------------------------------------------------------------ */

/* x_i uniform in (-scale, scale). */
static void fill_uniform(gsl_rng *r, double *x, size_t n, double scale)
{
  for (size_t i = 0; i < n; i++)
    x[i] = (2.0 * gsl_rng_uniform(r) - 1.0) * scale;
}

/* |x_i| log-uniform over [1e-300, 1e300], random signs. */
static void fill_log_uniform(gsl_rng *r, double *x, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    double e = -300.0 + 600.0 * gsl_rng_uniform(r);
    x[i] = (gsl_rng_uniform(r) < 0.5 ? -1.0 : 1.0) * pow(10.0, e);
  }
}

static double *xmalloc(size_t n)
{
  double *p = malloc((n ? n : 1) * sizeof *p);
  assert_non_null(p);
  return p;
}

/* ---- norm against MPFR ------------------------------------------------ */

static void check_nrm2_s(const char *test, size_t n, const float *x,
                         ptrdiff_t inc, const char *what)
{
  char shape[64];
  snprintf(shape, sizeof shape, "n=%zu inc=%td %s", n, inc, what);
  /* x spans x[0 .. span - 1] for either sign of inc (BLAS strides) */
  size_t span = n ? (n - 1) * (size_t)(inc < 0 ? -inc : inc) + 1 : 0;
  double *xd = xmalloc(span);
  for (size_t i = 0; i < span; i++)
    xd[i] = x[i];
  float got = NAN;
  int status = dlv_nrm2_s(n, x, inc, &got);
  nrm2_rows(test, "float", shape, n, xd, inc, status, got,
            dlv_bound_nrm2_s(n), "nrm2_s", FLT_MANT_DIG);
  free(xd);
}

static const size_t sizes[] = {1, 2, 3, 7, 8, 9, 100, 511, 512, 513,
                               1000, 100000, 1000000};
static const double scales[] = {1e-300, 1e-160, 1e-20, 1.0,
                                1e20,   1e160,  1e300};
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Random vectors, uniform at one scale: every size and scale, and the
 * strided and reversed layouts. */
static void p4a_nrm2_d_random(void **state)
{
  (void)state;
  gsl_rng *r = dlv_rng(__func__);
  double *x = xmalloc(3 * 1000000);
  for (size_t i = 0; i < COUNT(sizes); i++)
    for (size_t k = 0; k < COUNT(scales); k++) {
      if (dlv_cap_n(sizes[i]) < sizes[i] || (sizes[i] == 1000000 && k % 3))
        continue; /* n = 1e6 at 1e-300, 1, 1e300 keeps the check fast */
      char what[32];
      snprintf(what, sizeof what, "uniform*%g", scales[k]);
      fill_uniform(r, x, 3 * sizes[i], scales[k]);
      check_nrm2_d(__func__, sizes[i], x, 1, what);
      if (sizes[i] <= 1000) {
        check_nrm2_d(__func__, sizes[i], x, 3, what);
        check_nrm2_d(__func__, sizes[i], x, -2, what);
      }
    }
  free(x);
}

/* Magnitudes spread over 1e-300 .. 1e300 inside one vector. */
static void p4a_nrm2_d_mixed_magnitudes(void **state)
{
  (void)state;
  gsl_rng *r = dlv_rng(__func__);
  static const size_t n[] = {2, 10, 1000, 100000};
  double *x = xmalloc(100000);
  for (size_t i = 0; i < COUNT(n); i++)
    for (int rep = 0; rep < 5; rep++) {
      fill_log_uniform(r, x, n[i]);
      check_nrm2_d(__func__, n[i], x, 1, "log-uniform 1e-300..1e300");
    }
  free(x);
}

static void p4a_nrm2_s_random(void **state)
{
  (void)state;
  static const double fscales[] = {1e-44, 1e-30, 1e-5, 1.0, 1e5, 1e30, 3e38};
  gsl_rng *r = dlv_rng(__func__);
  float *x = malloc(2 * 1000000 * sizeof *x);
  assert_non_null(x);
  for (size_t i = 0; i < COUNT(sizes); i++)
    for (size_t k = 0; k < COUNT(fscales) && dlv_cap_n(sizes[i]) == sizes[i];
         k++) {
      char what[32];
      snprintf(what, sizeof what, "uniform*%g", fscales[k]);
      for (size_t j = 0; j < 2 * sizes[i]; j++)
        x[j] = (float)((2.0 * gsl_rng_uniform(r) - 1.0) * fscales[k]);
      check_nrm2_s(__func__, sizes[i], x, 1, what);
      if (sizes[i] <= 1000)
        check_nrm2_s(__func__, sizes[i], x, -1, what);
    }
  free(x);
}

/* DB1NRM2-style extremes: each value alone, in pairs, and planted in a
 * vector of ones. */
static void p4a_nrm2_extremes(void **state)
{
  (void)state;
  static const double special[] = {0.0,        -0.0,     0x1p-1074,
                                   0x1p-1022,  0x1p-511, 0x1p486,
                                   DBL_MAX,    -DBL_MAX, INFINITY,
                                   -INFINITY,  NAN,      0x1.8p-538,
                                   0x1.fffffffffffffp-512};
  char what[48];
  for (size_t i = 0; i < COUNT(special); i++) {
    double x[4] = {special[i], special[i], 1.0, 1.0};
    snprintf(what, sizeof what, "x0=%a", special[i]);
    check_nrm2_d(__func__, 1, x, 1, what);
    check_nrm2_d(__func__, 2, x, 1, what);
    check_nrm2_d(__func__, 3, x + 1, 1, what);
    double y[3] = {special[i], NAN, special[i]}; /* Inf dominates NaN */
    check_nrm2_d(__func__, 3, y, 1, what);
    float xs[3] = {(float)special[i], (float)special[i], 1.0f};
    check_nrm2_s(__func__, 2, xs, 1, what);
    check_nrm2_s(__func__, 3, xs, 1, what);
  }
  double dummy = 0.0;
  check_nrm2_d(__func__, 0, NULL, 1, "empty");
  struct dlv_meas m = {"double", "n=3", "nrm2 with NULL result", "exact status"};
  m.kernel = "nrm2";
  DLV_EXPECT_STATUS(&m, dlv_nrm2_d(3, &dummy, 1, NULL), DLV_EINVAL);
  m.quantity = "nrm2 with stride 0";
  DLV_EXPECT_STATUS(&m, dlv_nrm2_d(3, &dummy, 0, &dummy), DLV_EINVAL);
  m.quantity = "nrm2 with a stride whose extent overflows";
  DLV_EXPECT_STATUS(&m, dlv_nrm2_d(3, &dummy, PTRDIFF_MAX, &dummy),
                    DLV_EBADLEN);
}

/* The kernel's two block paths (nrm2.c): a block sum is kept unscaled only
 * in [2^-102, 2^960].  32768 entries 2^505 (norm 2^512.5) make every block
 * sum 2^1019, which the scaled path must take or the total overflows; 512
 * entries 2^470 then one 2^481 mix a kept unscaled block (2^949) with a
 * scaled one (2^962), which must both reach the total. */
static void p4a_nrm2_block_paths(void **state)
{
  (void)state;
  size_t n = dlv_cap_n(32768);
  double *x = xmalloc(n);
  for (size_t i = 0; i < n; i++)
    x[i] = 0x1p505;
  check_nrm2_d(__func__, n, x, 1, "all 2^505 (block sums 2^1019)");
  for (size_t i = 0; i < 512; i++)
    x[i] = 0x1p470;
  x[512] = 0x1p481;
  check_nrm2_d(__func__, 513, x, 1, "512 x 2^470 then 2^481 (mixed paths)");
  free(x);
}

/* Pythagorean tuples (Euclid's formula and 1^2 + 2^2 + 2^2 = 3^2) scaled by
 * 2^k over the whole exponent range, subnormals included: the norm is an
 * exact double and the kernel must return it bitwise. */
static void p4a_nrm2_pythagorean(void **state)
{
  (void)state;
  gsl_rng *r = dlv_rng(__func__);
  struct dlv_meas m = {"double", NULL, "nrm2 of an exact tuple",
                       "exact (bitwise)"};
  m.kernel = "nrm2";
  char shape[80];
  for (int rep = 0; rep < 120; rep++) {
    double p = (double)(1 + gsl_rng_uniform_int(r, 2000));
    double q = (double)(1 + gsl_rng_uniform_int(r, 2000));
    if (p == q)
      continue;
    double a = fabs(p * p - q * q), b = 2 * p * q, c = p * p + q * q;
    int k = -1074 + (int)gsl_rng_uniform_int(r, 2000);
    if (k > 1000)
      k = 1000;
    double x[3] = {ldexp(a, k), ldexp(b, k), 0.0};
    snprintf(shape, sizeof shape, "(%g,%g)*2^%d", a, b, k);
    m.shape = shape;
    double got = NAN;
    dlv_nrm2_d(2, x, 1, &got);
    DLV_EXPECT_SAME(&m, got, ldexp(c, k));
  }
  double t[3] = {0x1p-1074, 0x1p-1073, 0x1p-1073}; /* (1,2,2) -> 3 */
  double got = NAN;
  m.shape = "(1,2,2)*2^-1074";
  dlv_nrm2_d(3, t, 1, &got);
  DLV_EXPECT_SAME(&m, got, 0x3p-1074);
  float ts[2] = {3e-44f, 4e-44f}; /* subnormal floats, not exact multiples */
  float gs = NAN;
  dlv_nrm2_s(2, ts, 1, &gs);
  m.dtype = "float";
  m.shape = "(3,4)*2^-145";
  float t2[2] = {0x3p-145f, 0x4p-145f};
  dlv_nrm2_s(2, t2, 1, &gs);
  DLV_EXPECT_SAME(&m, gs, 0x5p-145f);
}

/* ---- gradient against MPFR --------------------------------------------- */

/* The worst gradient entry (largest err/bound) of one vector, as a row. */
static void check_grad_d(const char *test, size_t n, const double *x,
                         const char *what)
{
  char shape[64];
  snprintf(shape, sizeof shape, "n=%zu %s", n, what);
  double *g = xmalloc(n);
  struct dlv_meas ms = {"double", shape, "nrm2_grad status", "exact status"};
  ms.kernel = "nrm2_grad";
  dlv_expect_status(__FILE__, __LINE__, test, &ms,
                    dlv_nrm2_grad_d(n, x, 1, g, 1), DLV_OK);
  mpfr_t *ref = dlv_mp_vec_alloc(n, dlv_mp_prec());
  assert_non_null(ref);
  assert_int_equal(dlv_ref_nrm2_grad(n, x, 1, ref), DLV_OK);
  dlv_bound b = dlv_bound_nrm2_grad_d(n);
  size_t worst = 0;
  double worst_ratio = -1.0;
  for (size_t i = 0; i < n; i++) {
    double bound = dlv_bound_at(b, fabs(mpfr_get_d(ref[i], MPFR_RNDZ)));
    double ratio = dlv_abs_error(g[i], ref[i]) / bound;
    if (!(ratio <= worst_ratio)) { /* NaN is the worst */
      worst_ratio = ratio;
      worst = i;
      if (isnan(ratio))
        break;
    }
  }
  struct dlv_meas m = {"double", shape, "worst x_i/||x|| entry vs MPFR",
                       "nrm2_grad_d"};
  m.kernel = "nrm2_grad";
  dlv_expect_mp(__FILE__, __LINE__, test, &m, g[worst], ref[worst], b,
                DBL_MANT_DIG);
  dlv_mp_vec_free(ref, n);
  free(g);
}

static void check_grad_s(const char *test, size_t n, const float *x,
                         const char *what)
{
  char shape[64];
  snprintf(shape, sizeof shape, "n=%zu %s", n, what);
  float *g = malloc(n * sizeof *g);
  double *xd = xmalloc(n);
  assert_non_null(g);
  for (size_t i = 0; i < n; i++)
    xd[i] = x[i];
  struct dlv_meas ms = {"float", shape, "nrm2_grad status", "exact status"};
  ms.kernel = "nrm2_grad";
  dlv_expect_status(__FILE__, __LINE__, test, &ms,
                    dlv_nrm2_grad_s(n, x, 1, g, 1), DLV_OK);
  mpfr_t *ref = dlv_mp_vec_alloc(n, dlv_mp_prec());
  assert_non_null(ref);
  assert_int_equal(dlv_ref_nrm2_grad(n, xd, 1, ref), DLV_OK);
  dlv_bound b = dlv_bound_nrm2_grad_s(n);
  size_t worst = 0;
  double worst_ratio = -1.0;
  for (size_t i = 0; i < n; i++) {
    double bound = dlv_bound_at(b, fabs(mpfr_get_d(ref[i], MPFR_RNDZ)));
    double ratio = dlv_abs_error(g[i], ref[i]) / bound;
    if (!(ratio <= worst_ratio)) {
      worst_ratio = ratio;
      worst = i;
    }
  }
  struct dlv_meas m = {"float", shape, "worst x_i/||x|| entry vs MPFR",
                       "nrm2_grad_s"};
  m.kernel = "nrm2_grad";
  dlv_expect_mp(__FILE__, __LINE__, test, &m, g[worst], ref[worst], b,
                FLT_MANT_DIG);
  dlv_mp_vec_free(ref, n);
  free(xd);
  free(g);
}

static void p4a_grad_vs_mpfr(void **state)
{
  (void)state;
  static const size_t n[] = {1, 2, 5, 100, 1000, 100000};
  gsl_rng *r = dlv_rng(__func__);
  double *x = xmalloc(100000);
  float *xs = malloc(100000 * sizeof *xs);
  assert_non_null(xs);
  char what[40];
  for (size_t i = 0; i < COUNT(n); i++) {
    for (size_t k = 0; k < COUNT(scales); k++) {
      snprintf(what, sizeof what, "uniform*%g", scales[k]);
      fill_uniform(r, x, n[i], scales[k]);
      check_grad_d(__func__, n[i], x, what);
    }
    fill_log_uniform(r, x, n[i]);
    check_grad_d(__func__, n[i], x, "log-uniform 1e-300..1e300");
    for (size_t j = 0; j < n[i]; j++)
      xs[j] = (float)((2.0 * gsl_rng_uniform(r) - 1.0) * 1e-30);
    check_grad_s(__func__, n[i], xs, "uniform*1e-30");
    for (size_t j = 0; j < n[i]; j++)
      xs[j] = (float)((2.0 * gsl_rng_uniform(r) - 1.0) * 1e30);
    check_grad_s(__func__, n[i], xs, "uniform*1e30");
  }
  free(xs);
  free(x);
}

/* The gradient at Theta = 0 (and for Inf/NaN input) is a defined error
 * that leaves g untouched, never a NaN passed on. */
static void p4a_grad_defined_errors(void **state)
{
  (void)state;
  const double sentinel = -1234.5678;
  struct {
    double x[3];
    size_t n;
    int expected;
    const char *what;
  } cases[] = {
      {{0.0, 0.0, 0.0}, 3, DLV_EDOM, "gradient at Theta = 0"},
      {{-0.0, 0.0, -0.0}, 3, DLV_EDOM, "gradient at Theta = -0"},
      {{0.0, 0.0, 0.0}, 0, DLV_EDOM, "gradient of the empty vector"},
      {{1.0, INFINITY, 0.0}, 3, DLV_EDOM, "gradient with an Inf"},
      {{1.0, NAN, 0.0}, 3, DLV_ENAN, "gradient with a NaN"},
  };
  for (size_t i = 0; i < COUNT(cases); i++) {
    double g[3] = {sentinel, sentinel, sentinel};
    float xs[3], gs[3] = {(float)sentinel, (float)sentinel, (float)sentinel};
    for (int j = 0; j < 3; j++)
      xs[j] = (float)cases[i].x[j];
    struct dlv_meas m = {"double", "n=3", cases[i].what, "exact status"};
    m.kernel = "nrm2_grad";
    DLV_EXPECT_STATUS(&m, dlv_nrm2_grad_d(cases[i].n, cases[i].x, 1, g, 1),
                      cases[i].expected);
    m.quantity = "g untouched after the error";
    DLV_EXPECT_SAME(&m, g[0] + g[1] + g[2], 3 * sentinel);
    m.dtype = "float";
    m.quantity = cases[i].what;
    DLV_EXPECT_STATUS(&m, dlv_nrm2_grad_s(cases[i].n, xs, 1, gs, 1),
                      cases[i].expected);
    m.quantity = "g untouched after the error";
    DLV_EXPECT_SAME(&m, (double)gs[0] + gs[1] + gs[2], 3 * (double)(float)sentinel);
  }
  double x = 1.0;
  struct dlv_meas m = {"double", "n=1", "gradient with NULL g", "exact status"};
  m.kernel = "nrm2_grad";
  DLV_EXPECT_STATUS(&m, dlv_nrm2_grad_d(1, &x, 1, NULL, 1), DLV_EINVAL);
}

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

/* Central difference of ||x|| along e_j against x_j/||x|| in MPFR, gated by
 * GSL's error estimate (the estimate's honesty is what is measured), and
 * the complex step of the analytic twin gated by its derived bound. */
static void p4a_claim_derivatives(void **state)
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
      for (size_t j = 0; j < n[i]; j += 1 + n[i] / 4) {
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
        struct along t = {y, work, n[i], j};
        double cs = dlv_deriv_cstep(norm_twin, &t, 0.0,
                                    ldexp(1.0, -DLV_CSTEP_BITS));
        m.quantity = "complex step of the analytic twin vs x_j/||x||";
        m.bound_name = "cstep_nrm2";
        DLV_EXPECT_MP(&m, cs, ref[j], dlv_bound_cstep_nrm2(n[i]),
                      DBL_MANT_DIG);
      }
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
    dlv_expect_row(__FILE__, __LINE__, test, &m, fd, exact,
                   dlv_abs_error(fd, ref), INFINITY,
                   dlv_ulp_error(fd, ref, DBL_MANT_DIG));
  }
  for (int k = 32; k <= 1074; k += k < 1064 ? 8 : 2) {
    double h = ldexp(1.0, -k);
    double cs = dlv_deriv_cstep(norm_twin, &a, 0.0, h);
    snprintf(shape, sizeof shape, "n=%zu j=%zu h=%.17g", n, j, h);
    m.quantity = "series: complex step of the analytic twin vs x_j/||x||";
    dlv_expect_row(__FILE__, __LINE__, test, &m, cs, exact,
                   dlv_abs_error(cs, ref), INFINITY,
                   dlv_ulp_error(cs, ref, DBL_MANT_DIG));
  }
}

static void p4a_series_step(void **state)
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

/* ---- the claim at minimizers of l + lambda ||Theta|| -------------------- */

enum { MAXN = 8 };

struct problem {
  const dlv_quadratic *quad; /* exactly one of quad, logi is set */
  const dlv_logistic *logi;
  double lambda;
  size_t n;
};

static void loss(const struct problem *p, const double *theta, double *value,
                 double *grad)
{
  int status = p->quad ? dlv_loss_quadratic_d(p->quad, theta, value, grad)
                       : dlv_loss_logistic_d(p->logi, theta, value, grad);
  assert_int_equal(status, DLV_OK);
}

/* F(theta) = l(theta) + lambda ||theta||; NaN where a solver's trial
 * point has left the finite numbers (the solver then backs off). */
static double objective(const struct problem *p, const double *theta)
{
  double l, nrm;
  loss(p, theta, &l, NULL);
  if (dlv_nrm2_d(p->n, theta, 1, &nrm) != DLV_OK)
    return NAN;
  return l + p->lambda * nrm;
}

struct coord {
  const struct problem *p;
  const double *theta;
  size_t j;
};

static double objective_along(double t, void *q)
{
  const struct coord *c = q;
  double th[MAXN];
  memcpy(th, c->theta, c->p->n * sizeof *th);
  th[c->j] += t;
  return objective(c->p, th);
}

/* Central-difference gradient of F with GSL's error estimates: the only
 * derivative the solver sees, so it never uses the formula under test. */
static void fd_gradient(const struct problem *p, const double *theta,
                        double *g, double *abserr)
{
  for (size_t j = 0; j < p->n; j++) {
    struct coord c = {p, theta, j};
    double h = 0x1p-17 * fmax(1.0, fabs(theta[j]));
    dlv_deriv_central(objective_along, &c, 0.0, h, &g[j], &abserr[j]);
  }
}

static double gsl_f(const gsl_vector *v, void *q)
{
  return objective(q, v->data);
}

static void gsl_df(const gsl_vector *v, void *q, gsl_vector *g)
{
  double abserr[MAXN];
  fd_gradient(q, v->data, g->data, abserr);
}

static void gsl_fdf(const gsl_vector *v, void *q, double *f, gsl_vector *g)
{
  *f = gsl_f(v, q);
  gsl_df(v, q, g);
}

static double norm2(const double *v, size_t n)
{
  double s = 0.0;
  for (size_t i = 0; i < n; i++)
    s += v[i] * v[i];
  return sqrt(s);
}

/* The central-difference Jacobian of the FD gradient (the Hessian of F),
 * symmetrized, at steps ||theta|| 2^-12: small enough never to reach the
 * kink at 0, large enough that the FD gradient's error (about u F/h_fd)
 * divided by the step stays far below the Hessian's entries. */
static void fd_hessian(const struct problem *p, const double *theta,
                       gsl_matrix *h)
{
  double th[MAXN], gp[MAXN], gm[MAXN], e[MAXN];
  double step = norm2(theta, p->n) * 0x1p-12;
  for (size_t j = 0; j < p->n; j++) {
    memcpy(th, theta, p->n * sizeof *th);
    th[j] = theta[j] + step;
    fd_gradient(p, th, gp, e);
    th[j] = theta[j] - step;
    fd_gradient(p, th, gm, e);
    for (size_t i = 0; i < p->n; i++)
      gsl_matrix_set(h, i, j, (gp[i] - gm[i]) / (2.0 * step));
  }
  for (size_t i = 0; i < p->n; i++)
    for (size_t j = 0; j < i; j++) {
      double a = 0.5 * (gsl_matrix_get(h, i, j) + gsl_matrix_get(h, j, i));
      gsl_matrix_set(h, i, j, a);
      gsl_matrix_set(h, j, i, a);
    }
}

/* Newton steps on the FD gradient from theta, keeping the best point (by
 * the FD gradient's norm); stops when that norm no longer decreases. */
static void newton_polish(const struct problem *p, double *theta)
{
  double g[MAXN], e[MAXN], trial[MAXN];
  gsl_matrix *h = gsl_matrix_alloc(p->n, p->n);
  gsl_permutation *perm = gsl_permutation_alloc(p->n);
  gsl_vector *d = gsl_vector_alloc(p->n);
  assert_true(h != NULL && perm != NULL && d != NULL);
  fd_gradient(p, theta, g, e);
  double best = norm2(g, p->n);
  for (int it = 0; it < 20; it++) {
    int sign;
    fd_hessian(p, theta, h);
    gsl_vector_view gv = gsl_vector_view_array(g, p->n);
    if (gsl_linalg_LU_decomp(h, perm, &sign) != GSL_SUCCESS ||
        gsl_linalg_LU_solve(h, perm, &gv.vector, d) != GSL_SUCCESS)
      break;
    for (size_t j = 0; j < p->n; j++)
      trial[j] = theta[j] - gsl_vector_get(d, j);
    double gt[MAXN];
    fd_gradient(p, trial, gt, e);
    double r = norm2(gt, p->n);
    if (!(r < best))
      break;
    best = r;
    memcpy(theta, trial, p->n * sizeof *theta);
    memcpy(g, gt, p->n * sizeof *g);
  }
  gsl_vector_free(d);
  gsl_permutation_free(perm);
  gsl_matrix_free(h);
}

/* Minimizes F: GSL's BFGS from theta0 gets within the resolution of F's
 * values (a gradient of about sqrt(u) relative, since F then changes by
 * u F), then Newton steps on the central-difference gradient, with a
 * central-difference Hessian, drive the FD gradient itself to the FD
 * error level.  Neither stage uses the formula under test.  Writes the
 * minimizer to theta. */
static void solve(const struct problem *p, const double *theta0,
                  double *theta)
{
  gsl_multimin_function_fdf fn = {gsl_f, gsl_df, gsl_fdf, p->n,
                                  (void *)p};
  gsl_vector_const_view x0 = gsl_vector_const_view_array(theta0, p->n);
  gsl_multimin_fdfminimizer *s = gsl_multimin_fdfminimizer_alloc(
      gsl_multimin_fdfminimizer_vector_bfgs2, p->n);
  assert_non_null(s);
  gsl_multimin_fdfminimizer_set(s, &fn, &x0.vector, 0.1 * norm2(theta0, p->n),
                                0.1);
  for (int it = 0; it < 500; it++)
    if (gsl_multimin_fdfminimizer_iterate(s) != GSL_SUCCESS ||
        gsl_multimin_test_gradient(s->gradient, p->lambda * 0x1p-20) ==
            GSL_SUCCESS)
      break;
  memcpy(theta, s->x->data, p->n * sizeof *theta);
  gsl_multimin_fdfminimizer_free(s);
  newton_polish(p, theta);
}

/* ||grad l(theta) + lambda theta/||theta|| || in MPFR (every term exact to
 * the working precision), rounded up. */
static double exact_residual(const struct problem *p, const double *theta)
{
  mpfr_prec_t prec = dlv_mp_prec();
  mpfr_t *g = dlv_mp_vec_alloc(p->n, prec), *u = dlv_mp_vec_alloc(p->n, prec);
  assert_true(g != NULL && u != NULL);
  if (p->quad != NULL)
    assert_int_equal(dlv_ref_loss_quadratic(p->n, p->quad->a, p->quad->b,
                                            theta, NULL, g),
                     DLV_OK);
  else
    assert_int_equal(dlv_ref_loss_logistic(p->logi->m, p->n, p->logi->x,
                                           p->logi->y, theta, NULL, g),
                     DLV_OK);
  assert_int_equal(dlv_ref_nrm2_grad(p->n, theta, 1, u), DLV_OK);
  mpfr_t s;
  mpfr_init2(s, prec);
  mpfr_set_zero(s, 1);
  for (size_t j = 0; j < p->n; j++) {
    mpfr_mul_d(u[j], u[j], p->lambda, MPFR_RNDN);
    mpfr_add(g[j], g[j], u[j], MPFR_RNDN);
    mpfr_fma(s, g[j], g[j], s, MPFR_RNDN);
  }
  mpfr_sqrt(s, s, MPFR_RNDN);
  double out = mpfr_get_d(s, MPFR_RNDU);
  mpfr_clear(s);
  dlv_mp_vec_free(u, p->n);
  dlv_mp_vec_free(g, p->n);
  return out;
}

/* At the solver's minimizer: the solver's own stationarity (accuracy) and
 * the claim's residual grad l + lambda theta/||theta|| (claim), relative to
 * the scale ||grad l|| + lambda, bounded by what the solver reached: the
 * FD gradient, its error estimate and the rounding of the residual. */
static void check_stationarity(const char *test, const struct problem *p,
                               const double *theta0, const char *what)
{
  double theta[MAXN], g_fd[MAXN], abserr[MAXN], gl[MAXN], u[MAXN];
  solve(p, theta0, theta);
  fd_gradient(p, theta, g_fd, abserr);
  loss(p, theta, NULL, gl);
  struct dlv_meas ms = {"double", what, "nrm2_grad at the minimizer",
                        "exact status"};
  ms.kernel = "nrm2_grad";
  dlv_expect_status(__FILE__, __LINE__, test, &ms,
                    dlv_nrm2_grad_d(p->n, theta, 1, u, 1), DLV_OK);
  double resid[MAXN];
  for (size_t j = 0; j < p->n; j++)
    resid[j] = gl[j] + p->lambda * u[j];
  double scale = norm2(gl, p->n) + p->lambda;
  double solver = norm2(g_fd, p->n) / scale;
  struct dlv_meas m = {"double", what,
                       "solver stationarity ||FD grad F||/scale",
                       "solver_stationarity sqrt(u)"};
  dlv_expect_row(__FILE__, __LINE__, test, &m, solver, 0.0, solver,
                 DLV_SOLVER_STATIONARITY, NAN);
  size_t terms = p->n + (p->logi ? p->logi->m : 0) + 4;
  double bound = (solver * scale + norm2(abserr, p->n)) / scale +
                 dlv_gamma((double)terms, DLV_U_DOUBLE);
  double r = norm2(resid, p->n) / scale;
  struct dlv_meas mc = {"double", what,
                        "||grad l + lambda Theta/||Theta|| || / scale",
                        "stationarity: solver FD grad + estimate + gamma",
                        DLV_ROLE_CLAIM, 0};
  dlv_expect_row(__FILE__, __LINE__, test, &mc, r, 0.0, r, bound, NAN);
  /* The same claim on the reference path: grad l and Theta/||Theta|| in
   * MPFR at the solver's point, so the verdict on the formula stands
   * whatever the kernels do (the solver only uses F's values). */
  double rx = exact_residual(p, theta) / scale;
  mc.quantity = "MPFR: ||grad l + lambda Theta/||Theta|| || / scale";
  dlv_expect_row(__FILE__, __LINE__, test, &mc, rx, 0.0, rx, bound, NAN);
  /* The kernels the claim row is computed with, on the same point (rows
   * added after the claim row so earlier rows keep their order). */
  check_loss_grad_at(test, p->quad, p->logi, theta, what);
  check_grad_d(test, p->n, theta, what);
  check_nrm2_d(test, p->n, theta, 1, what);
}

static void p4a_stationarity_quadratic(void **state)
{
  (void)state;
  gsl_rng *r = dlv_rng(__func__);
  for (int rep = 0; rep < 4; rep++) {
    size_t n = 3 + (size_t)rep;
    double a[MAXN * MAXN], m[MAXN * MAXN], b[MAXN], theta0[MAXN];
    for (size_t i = 0; i < n * n; i++)
      m[i] = gsl_ran_gaussian(r, 1.0);
    for (size_t i = 0; i < n; i++) {
      for (size_t j = 0; j < n; j++) {
        double s = i == j ? 0.5 : 0.0; /* A = M'M/n + I/2: SPD */
        for (size_t k = 0; k < n; k++)
          s += m[k * n + i] * m[k * n + j] / (double)n;
        a[i * n + j] = s;
      }
      b[i] = gsl_ran_gaussian(r, 1.0);
      theta0[i] = gsl_ran_gaussian(r, 1.0);
    }
    dlv_quadratic q = {n, a, b};
    /* ||grad l(0)|| = ||b|| > lambda, so the minimizer is not 0. */
    struct problem p = {&q, NULL, (0.2 + 0.5 * gsl_rng_uniform(r)) *
                                      norm2(b, n), n};
    char what[48];
    snprintf(what, sizeof what, "quadratic n=%zu lambda=%.3g", n, p.lambda);
    check_stationarity(__func__, &p, theta0, what);
  }
}

static void p4a_stationarity_logistic(void **state)
{
  (void)state;
  enum { M = 60, N = 5 };
  gsl_rng *r = dlv_rng(__func__);
  for (int rep = 0; rep < 4; rep++) {
    double x[M * N], y[M], w[N], g0[N], theta0[N], zero[N] = {0};
    for (size_t j = 0; j < N; j++)
      w[j] = gsl_ran_gaussian(r, 1.0);
    for (size_t i = 0; i < M; i++) {
      double s = gsl_ran_gaussian(r, 1.0);
      for (size_t j = 0; j < N; j++)
        s += (x[i * N + j] = gsl_ran_gaussian(r, 1.0)) * w[j];
      y[i] = s >= 0 ? 1.0 : -1.0;
    }
    for (size_t j = 0; j < N; j++)
      theta0[j] = gsl_ran_gaussian(r, 0.5);
    dlv_logistic lg = {M, N, x, y};
    struct problem p = {NULL, &lg, 0.0, N};
    loss(&p, zero, NULL, g0);
    p.lambda = (0.2 + 0.5 * gsl_rng_uniform(r)) * norm2(g0, N);
    char what[48];
    snprintf(what, sizeof what, "logistic m=%d n=%d lambda=%.3g", M, N,
             p.lambda);
    check_stationarity(__func__, &p, theta0, what);
  }
}

int main(void)
{
  /* The kernels the claim and nearby rows are computed with, each
   * measured by accuracy rows of this check. */
  static const char *const relies_on[] = {"nrm2", "nrm2_grad",
                                          "loss_quadratic", "loss_logistic",
                                          NULL};
  const struct CMUnitTest tests[] = {
      DLV_UNIT_TEST(p4a_nrm2_d_random),
      DLV_UNIT_TEST(p4a_nrm2_d_mixed_magnitudes),
      DLV_UNIT_TEST(p4a_nrm2_s_random),
      DLV_UNIT_TEST(p4a_nrm2_extremes),
      DLV_UNIT_TEST(p4a_nrm2_block_paths),
      DLV_UNIT_TEST(p4a_nrm2_pythagorean),
      DLV_UNIT_TEST(p4a_grad_vs_mpfr),
      DLV_UNIT_TEST(p4a_grad_defined_errors),
      DLV_UNIT_TEST(p4a_claim_derivatives),
      DLV_UNIT_TEST(p4a_series_step),
      DLV_UNIT_TEST(p4a_stationarity_quadratic),
      DLV_UNIT_TEST(p4a_stationarity_logistic),
  };
  return dlv_run_check("P4a", relies_on, DLV_VERDICT_CONFIRMED, tests,
                       sizeof tests / sizeof tests[0]);
}
