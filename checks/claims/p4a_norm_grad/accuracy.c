/* accuracy.c: claim P4a, accuracy of the kernels its rows rely on: the norm
 * and its gradient against MPFR, extreme values, exact Pythagorean norms and
 * the defined errors
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

/* Random vectors, uniform at one scale: every size and scale, and the
 * strided and reversed layouts. */
void p4a_nrm2_d_random(void **state)
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
void p4a_nrm2_d_mixed_magnitudes(void **state)
{
  (void)state;
  gsl_rng *r = dlv_rng(__func__);
  static const size_t n[] = {2, 10, 1000, 100000};
  double *x = xmalloc(100000);
  struct log_reach reach = {INFINITY, -INFINITY};
  for (size_t i = 0; i < COUNT(n); i++)
    for (int rep = 0; rep < 5; rep++) {
      fill_log_uniform(r, x, n[i], &reach);
      check_nrm2_d(__func__, n[i], x, 1, "log-uniform 1e-300..1e300");
    }
  expect_log_reach(__func__, &reach);
  free(x);
}

void p4a_nrm2_s_random(void **state)
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
void p4a_nrm2_extremes(void **state)
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
void p4a_nrm2_block_paths(void **state)
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
void p4a_nrm2_pythagorean(void **state)
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

/* The entry of g with the largest err/bound against ref, the bound b
 * taken at |ref_i| rounded toward zero; the first NaN ratio is the worst. */
static size_t worst_grad_entry(size_t n, const double *g, mpfr_t *ref,
                               dlv_bound b)
{
  dlv_worst w = DLV_WORST_INIT;
  for (size_t i = 0; i < n; i++)
    if (dlv_worst_add(&w, i, dlv_abs_error(g[i], ref[i]),
                      dlv_bound_at(b, fabs(mpfr_get_d(ref[i], MPFR_RNDZ)))))
      break;
  return w.i;
}

/* The worst gradient entry (largest err/bound) of one vector, as a row. */
void check_grad_d(const char *test, size_t n, const double *x,
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
  size_t worst = worst_grad_entry(n, g, ref, b);
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
  for (size_t i = 0; i < n; i++)
    xd[i] = g[i]; /* exact: the float gradient in double */
  size_t worst = worst_grad_entry(n, xd, ref, b);
  struct dlv_meas m = {"float", shape, "worst x_i/||x|| entry vs MPFR",
                       "nrm2_grad_s"};
  m.kernel = "nrm2_grad";
  dlv_expect_mp(__FILE__, __LINE__, test, &m, g[worst], ref[worst], b,
                FLT_MANT_DIG);
  dlv_mp_vec_free(ref, n);
  free(xd);
  free(g);
}

void p4a_grad_vs_mpfr(void **state)
{
  (void)state;
  static const size_t n[] = {1, 2, 5, 100, 1000, 100000};
  gsl_rng *r = dlv_rng(__func__);
  double *x = xmalloc(100000);
  float *xs = malloc(100000 * sizeof *xs);
  assert_non_null(xs);
  char what[40];
  struct log_reach reach = {INFINITY, -INFINITY};
  for (size_t i = 0; i < COUNT(n); i++) {
    for (size_t k = 0; k < COUNT(scales); k++) {
      snprintf(what, sizeof what, "uniform*%g", scales[k]);
      fill_uniform(r, x, n[i], scales[k]);
      check_grad_d(__func__, n[i], x, what);
    }
    fill_log_uniform(r, x, n[i], &reach);
    check_grad_d(__func__, n[i], x, "log-uniform 1e-300..1e300");
    for (size_t j = 0; j < n[i]; j++)
      xs[j] = (float)((2.0 * gsl_rng_uniform(r) - 1.0) * 1e-30);
    check_grad_s(__func__, n[i], xs, "uniform*1e-30");
    for (size_t j = 0; j < n[i]; j++)
      xs[j] = (float)((2.0 * gsl_rng_uniform(r) - 1.0) * 1e30);
    check_grad_s(__func__, n[i], xs, "uniform*1e30");
  }
  expect_log_reach(__func__, &reach);
  free(xs);
  free(x);
}

/* The gradient at Theta = 0 (and for Inf/NaN input) is a defined error
 * that leaves g untouched, never a NaN passed on. */
void p4a_grad_defined_errors(void **state)
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
