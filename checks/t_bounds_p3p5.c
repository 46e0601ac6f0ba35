/* t_bounds_p3p5.c: the twin tests of the bound formulas of claim P5
 * (claims/p5_line_search/bounds.h), claim P3 (claims/p3_conv3d/bounds.h)
 * and the low-precision kernels (bounds/low_precision.h).
 *
 * The twin rule: every function or macro of these headers that computes a
 * bound, a slack or a rounding count has a twin here, the same bound
 * evaluated a second time in MPFR (MP_BITS = 256) from the derivation in
 * the comment above it -- the standard model, each rounding (1 + delta),
 * |delta| <= u, gamma_n = n u / (1 - n u) -- and not by transliterating its
 * C code.  The double function must agree with its twin within
 * DLV_T_BOUNDS_SLACK = 64 u relative (assert_agrees, bound_twins.h) over a
 * grid spanning the documented ranges (small and large n or K, double and
 * float u, edge values).  Rounding counts are recounted term by term from
 * the expression their comment names and must be equal.  Where the
 * derivation states an inequality, the twin is the stated formula, and
 * the bound is also checked against the worst case it claims to cover.
 *
 * Already twinned in t_bounds.c, not repeated: dlv_gamma,
 * dlv_sqrt_of_perturbed_rel, dlv_bound_conv3d_bf16,
 * dlv_bound_conv3d_lowp_adjoint, dlv_bound_float_ema_stall_gap.
 *
 * Below the twins' resolution (no assertion can see them): the factor
 * 1 + gamma of the subnormal underflow bounds (lost in their few bits),
 * and dlv_lowp_ssq_rel's flush term BLOCK 2^-126 (2^-118 beside gamma_20
 * of float). */
#include <float.h>
#include <stdint.h>
#include <stdio.h>

#include "bound_twins.h"
#include "bounds.h"
#include "check.h"

/* ---- shared helpers -------------------------------------------------- */

/* A rounding count recounted here must equal the header's. */
static void assert_count(double header, double counted, const char *what,
                         double arg)
{
  if (header != counted) {
    print_error("%s at %g: header %.17g, recounted %.17g\n", what, arg,
                header, counted);
    fail();
  }
}

/* A bound must not be below the worst case it covers (exact, MPFR). */
static void assert_covers(double bound, mpfr_srcptr worst, const char *what)
{
  if (mpfr_cmp_d(worst, bound) > 0) {
    print_error("%s: bound %.17g below the worst case %.17g\n", what, bound,
                mpfr_get_d(worst, MPFR_RNDU));
    fail();
  }
}

/* The underflow bounds are subnormal: a multiple of 2^-1074 of a few bits.
 * Their double evaluation rounds each subnormal product by up to half of
 * 2^-1074 (a division by t, a power of two, is then exact), so they agree
 * with the twin within 64 u relative plus `halves` 2^-1075 / t.  A count
 * off by one moves them by a whole 2^-1074 / t, more than one half. */
static void assert_agrees_subnormal(double computed, mpfr_srcptr exact,
                                    double halves, double t,
                                    const char *what)
{
  mpfr_t diff, tol;
  mpfr_inits2(MP_BITS, diff, tol, (mpfr_ptr)0);
  mpfr_sub_d(diff, exact, computed, MPFR_RNDN);
  mpfr_abs(diff, diff, MPFR_RNDN);
  mpfr_set_d(tol, halves / t, MPFR_RNDN);
  mpfr_mul_2si(tol, tol, -1075, MPFR_RNDN);
  mpfr_t rel;
  mpfr_init2(rel, MP_BITS);
  mpfr_abs(rel, exact, MPFR_RNDN);
  mpfr_mul_d(rel, rel, DLV_T_BOUNDS_SLACK, MPFR_RNDN);
  mpfr_add(tol, tol, rel, MPFR_RNDN);
  if (mpfr_cmp(diff, tol) > 0) {
    mpfr_t units; /* printed in units of 2^-1074 / t */
    mpfr_init2(units, MP_BITS);
    mpfr_mul_2si(units, exact, 1074, MPFR_RNDN);
    mpfr_mul_d(units, units, t, MPFR_RNDN);
    double e = mpfr_get_d(units, MPFR_RNDN);
    mpfr_mul_2si(units, tol, 1074, MPFR_RNDN);
    mpfr_mul_d(units, units, t, MPFR_RNDN);
    print_error("%s: double %.17g, MPFR %.17g, allowed %.3g (units of "
                "2^-1074 / t)\n",
                what, ldexp(computed, 1074) * t, e,
                mpfr_get_d(units, MPFR_RNDN));
    mpfr_clear(units);
    fail();
  }
  mpfr_clears(diff, tol, rel, (mpfr_ptr)0);
}

/* f <- f (1 + g): composing relative errors as factors. */
static void mp_mul_one_plus(mpfr_t f, mpfr_srcptr g)
{
  mpfr_t t;
  mpfr_init2(t, MP_BITS);
  mpfr_add_ui(t, g, 1, MPFR_RNDN);
  mpfr_mul(f, f, t, MPFR_RNDN);
  mpfr_clear(t);
}

/* f <- f (1 + gamma_n(u)). */
static void mp_mul_one_plus_gamma(mpfr_t f, double n, double u)
{
  mpfr_t g;
  mpfr_init2(g, MP_BITS);
  mp_gamma(g, n, u);
  mp_mul_one_plus(f, g);
  mpfr_clear(g);
}

/* r <- a gamma_n(u) + b (a, b doubles). */
static void mp_gamma_times_plus(mpfr_t r, double n, double u, double a,
                                double b)
{
  mp_gamma(r, n, u);
  mpfr_mul_d(r, r, a, MPFR_RNDN);
  mpfr_add_d(r, r, b, MPFR_RNDN);
}

/* ---- P5: rounding counts --------------------------------------------- */

/* The costs the P5 comment assigns: a glibc complex function (cexp,
 * ctanh, csqrt, clog) 16 roundings, gcc's complex product 2, its complex
 * quotient (__divdc3) 6. */
#define CFUNC 16.0
#define CPROD 2.0
#define CQUOT 6.0

/* A dot product of n terms: one product, n - 1 additions. */
static double dot_roundings(double n) { return 1.0 + (n - 1.0); }

/* The complex-step gradient's K (the comment "K per loss"):
 * quadratic (A z + b)_i: the dot of row i, one addition of b_i. */
static double k_quadratic(double n) { return dot_roundings(n) + 1.0; }

/* logistic at a complex point (moduli, the _Z count less 1): margin (dot
 * of n), cexp, 1 + e, the quotient, times -y_i / m, times x_ij, the
 * accumulation over m samples (m). */
static double k_logistic_z(double n, double m)
{
  return dot_roundings(n) + CFUNC + 1.0 + CQUOT + 1.0 + 1.0 + m;
}

/* tanh network: a_h = ctanh(preactivation: dot of d, + bias); c = r / m
 * from a: w2 a (complex product), output sum k, residual 1, / m 1; then
 * c w2; 1 - a a (both paths of a a, the product, the subtraction); their
 * product (both paths and the product), times x, the sum over m. */
static double k_tanhnet(double d, double k, double m)
{
  double a = dot_roundings(d) + 1.0 + CFUNC;
  double c = a + CPROD + k + 1.0 + 1.0;
  double cw2 = c + CPROD;
  double one_minus_aa = (a + a + CPROD) + 1.0;
  return (cw2 + one_minus_aa + CPROD) + 1.0 + m;
}

/* The quotient's roundings on a complex step's path: __divdc3's six less
 * the product Im r ratio of its denominator, which rounds an O(t^2)
 * term. */
#define CQUOT_STEP (CQUOT - 1.0)

/* logistic's complex step, Im sigma = -+Im e / c^2 to first order (c =
 * fl(1 + Re e), e = cexp(-+z), at the worst Re e = 1): Im e (margin, a
 * dot of n, and cexp's Im) once; cexp's Re at 2 Re e / c = 1; c's own
 * rounding twice; the quotient's step roundings less the two exact ones
 * of a numerator 1 (1 ratio, 0 - it); times -y_i / m, times x_ij, the
 * accumulation over m samples (m - 1: 0 + the first is exact). */
static double k_logistic(double n, double m)
{
  double im_e = dot_roundings(n) + CFUNC, re_e = CFUNC;
  return im_e + re_e + 2.0 * 1.0 + (CQUOT_STEP - 2.0) + 1.0 + 1.0 +
         (m - 1.0);
}

/* norm, the quotient's ratio term Theta_j Im r / Re r^2 (the longer of
 * its two): s = the squares (complex products) and n - 1 additions, on
 * each part; Im r = Im s / (2 Re r): Im s once, Re s halved (the root),
 * csqrt's Im; Re r = sqrt(Re s): Re s halved, csqrt's Re, divided into
 * Im r twice (ratio, denominator); the quotient's own. */
static double k_norm(double n)
{
  double s = CPROD + (n - 1.0);
  double im_r = s + 0.5 * s + CFUNC, re_r = 0.5 * s + CFUNC;
  return im_r + 2.0 * re_r + CQUOT_STEP;
}

/* The value's path: quadratic: (A z)_i (n), + b_i, z_i times it (complex
 * product), the sum (n). */
static double k_quadratic_value(double n)
{
  return n + 1.0 + CPROD + n;
}

/* logistic, Im z + atan2(Im e, c) (Re z >= 0, e = cexp(-z); the longer
 * branch), at the worst Re e = 1: Im z (margin n) once, cexp's Im once,
 * its Re at Re e^2 / c = 1/2, c's rounding, atan2 (clog's Im, counted as
 * a complex function), z + it; the sum m - 1 (0 + the first exact), / m.
 */
static double k_logistic_value(double n, double m)
{
  return n + CFUNC + 0.5 * CFUNC + 1.0 + CFUNC + 1.0 + (m - 1.0) + 1.0;
}

/* tanh network: r = preactivation d + 1, ctanh, w2 a, output k + 1,
 * residual 1; r r both paths and the product, the sum m, / 2m. */
static double k_tanhnet_value(double d, double k, double m)
{
  double r = (d + 1.0) + CFUNC + CPROD + (k + 1.0) + 1.0;
  return (r + r + CPROD) + m + 1.0;
}

/* norm: Im r = Im s / (2 Re r): Im s (the squares, n - 1 additions),
 * Re s halved (the root), csqrt's Im. */
static double k_norm_value(double n)
{
  double s = CPROD + (n - 1.0);
  return s + 0.5 * s + CFUNC;
}

static const double p5_sizes[] = {1, 2, 3, 15, 100, 4096, 1e6};

static void p5_gradient_counts_recounted(void **state)
{
  (void)state;
  for (size_t i = 0; i < COUNT(p5_sizes); i++) {
    double n = p5_sizes[i];
    assert_count(DLV_P5_K_QUADRATIC(n), k_quadratic(n), "K_QUADRATIC", n);
    for (size_t j = 0; j < COUNT(p5_sizes); j++) {
      double m = p5_sizes[j];
      assert_count(DLV_P5_K_LOGISTIC(n, m), k_logistic(n, m), "K_LOGISTIC",
                   n);
      for (size_t l = 0; l < 3; l++) {
        double k = p5_sizes[l];
        assert_count(DLV_P5_K_TANHNET(n, k, m), k_tanhnet(n, k, m),
                     "K_TANHNET", n);
      }
    }
    assert_count(DLV_P5_K_NORM(n), k_norm(n), "K_NORM", n);
  }
}

static void p5_value_counts_recounted(void **state)
{
  (void)state;
  for (size_t i = 0; i < COUNT(p5_sizes); i++) {
    double n = p5_sizes[i];
    assert_count(DLV_P5_K_QUADRATIC_VALUE(n), k_quadratic_value(n),
                 "K_QUADRATIC_VALUE", n);
    for (size_t j = 0; j < COUNT(p5_sizes); j++) {
      double m = p5_sizes[j];
      assert_count(DLV_P5_K_LOGISTIC_VALUE(n, m), k_logistic_value(n, m),
                   "K_LOGISTIC_VALUE", n);
      for (size_t l = 0; l < 3; l++) {
        double k = p5_sizes[l];
        assert_count(DLV_P5_K_TANHNET_VALUE(n, k, m),
                     k_tanhnet_value(n, k, m), "K_TANHNET_VALUE", n);
      }
    }
    assert_count(DLV_P5_K_NORM_VALUE(n), k_norm_value(n), "K_NORM_VALUE",
                 n);
  }
}

/* The gradient's K at a complex point (the _Z counts): each of the real
 * step's count plus the one rounding that covers an underflowing product
 * or ctanh's Im (comment of dlv_bound_closs_z).  The norm's _Z is its
 * comment's n + 1 (s), csqrt, quotient, plus 1. */
static void p5_complex_point_counts_recounted(void **state)
{
  (void)state;
  for (size_t i = 0; i < COUNT(p5_sizes); i++) {
    double n = p5_sizes[i];
    assert_count(DLV_P5_K_QUADRATIC_Z(n), k_quadratic(n) + 1.0,
                 "K_QUADRATIC_Z", n);
    assert_count(DLV_P5_K_NORM_Z(n),
                 (CPROD + (n - 1.0)) + CFUNC + CQUOT + 1.0, "K_NORM_Z", n);
    for (size_t j = 0; j < COUNT(p5_sizes); j++) {
      double m = p5_sizes[j];
      assert_count(DLV_P5_K_LOGISTIC_Z(n, m), k_logistic_z(n, m) + 1.0,
                   "K_LOGISTIC_Z", n);
      for (size_t l = 0; l < 3; l++) {
        double k = p5_sizes[l];
        assert_count(DLV_P5_K_TANHNET_Z(n, k, m), k_tanhnet(n, k, m) + 1.0,
                     "K_TANHNET_Z", n);
      }
    }
  }
}

/* The slacks: magnitudes of fewer than 2^10 roundings of u_double, times
 * 1 + 2^-40, are upper bounds ((1 + u)^1024 <= 1 + 2^-40); identities in
 * MPFR of "a few dozen" (64 here) roundings of 2^-256 stay within P5's
 * 2^-240 and P3's 2^-200, and those slacks lie "far below any
 * double-precision effect": at most u_double^2 = 2^-106 relative, so
 * that an MPFR identity cannot pass a double-precision error.  The
 * central differences' power (P3, P4a): the error estimate of a central difference
 * at its best step is about u^(2/3) of the scale; DLV_FD_POWER_REL
 * lies between 64 u^(2/3) and 2 u^(1/2). */
static void p5_p3_slacks_cover_their_roundings(void **state)
{
  (void)state;
  mpfr_t r;
  mpfr_init2(r, MP_BITS);
  mpfr_set_d(r, DLV_U_DOUBLE, MPFR_RNDN);
  mpfr_add_ui(r, r, 1, MPFR_RNDN);
  mpfr_pow_ui(r, r, 1024, MPFR_RNDU);
  assert_covers(DLV_P5_MAG_SLACK, r, "DLV_P5_MAG_SLACK");
  mpfr_set_ui(r, 1, MPFR_RNDN);
  mpfr_mul_2si(r, r, -256, MPFR_RNDN);
  mpfr_add_ui(r, r, 1, MPFR_RNDN);
  mpfr_pow_ui(r, r, 64, MPFR_RNDU);
  mpfr_sub_ui(r, r, 1, MPFR_RNDU);
  assert_covers(DLV_P5_MPFR_REL, r, "DLV_P5_MPFR_REL");
  assert_covers(DLV_P3_MPFR_REL, r, "DLV_P3_MPFR_REL");
  assert_true(DLV_P5_MPFR_REL <= DLV_U_DOUBLE * DLV_U_DOUBLE);
  assert_true(DLV_P3_MPFR_REL <= DLV_U_DOUBLE * DLV_U_DOUBLE);
  assert_true(DLV_FD_POWER_REL >= 64.0 * cbrt(DLV_U_DOUBLE * DLV_U_DOUBLE));
  assert_true(DLV_FD_POWER_REL <= 2.0 * sqrt(DLV_U_DOUBLE));
  mpfr_clear(r);
}

/* ---- P5: truncation -------------------------------------------------- */

/* Cauchy's estimate summed term by term, k odd >= 3, until a term is below
 * 2^-80 of the sum: for the gradient |phi^(k)(0)| <= k! mc / R^k, for the
 * value |psi^(k)(0)| <= (k - 1)! m1 / R^(k-1), each times t^(k-1) / k!. */
static void mp_cauchy_tail(mpfr_t sum, double mc, double radius, double t,
                           int value)
{
  mpfr_t term, f;
  mpfr_inits2(MP_BITS, term, f, (mpfr_ptr)0);
  mpfr_set_zero(sum, 1);
  for (unsigned long k = 3;; k += 2) {
    mpfr_fac_ui(f, value ? k - 1 : k, MPFR_RNDN);
    mpfr_mul_d(term, f, mc, MPFR_RNDN);
    mpfr_set_d(f, radius, MPFR_RNDN);
    mpfr_pow_ui(f, f, value ? k - 1 : k, MPFR_RNDN);
    mpfr_div(term, term, f, MPFR_RNDN); /* the derivative's bound */
    mpfr_set_d(f, t, MPFR_RNDN);
    mpfr_pow_ui(f, f, k - 1, MPFR_RNDN);
    mpfr_mul(term, term, f, MPFR_RNDN);
    mpfr_fac_ui(f, k, MPFR_RNDN);
    mpfr_div(term, term, f, MPFR_RNDN);
    mpfr_add(sum, sum, term, MPFR_RNDN);
    mpfr_mul_2si(f, sum, -80, MPFR_RNDN);
    if (mpfr_cmp(term, f) < 0)
      break;
  }
  mpfr_clears(term, f, (mpfr_ptr)0);
}

/* The closed form the comments state: c q / (1 - q), q = (t / R)^2. */
static void mp_geometric(mpfr_t r, double c, double radius, double t)
{
  mpfr_t q;
  mpfr_init2(q, MP_BITS);
  mpfr_set_d(q, t, MPFR_RNDN);
  mpfr_div_d(q, q, radius, MPFR_RNDN);
  mpfr_sqr(q, q, MPFR_RNDN);
  mpfr_ui_sub(r, 1, q, MPFR_RNDN);
  mpfr_div(r, q, r, MPFR_RNDN);
  mpfr_mul_d(r, r, c, MPFR_RNDN);
  mpfr_clear(q);
}

static const double trunc_mcs[] = {0.5, 3.0, 1e10};
static const double trunc_radii[] = {1e-3, 1.0, 1e3};
static const double trunc_ratios[] = {0x1p-30, 1e-3, 0.1, 0.5, 0.9};

/* dlv_bound_hvp_trunc: the odd terms of the gradient's Cauchy series sum
 * to exactly (mc / R) q / (1 - q); 0 for mc = 0, +Inf for t >= R. */
static void hvp_trunc_twin(void **state)
{
  (void)state;
  mpfr_t r;
  mpfr_init2(r, MP_BITS);
  for (size_t i = 0; i < COUNT(trunc_mcs); i++)
    for (size_t j = 0; j < COUNT(trunc_radii); j++)
      for (size_t l = 0; l < COUNT(trunc_ratios); l++) {
        double mc = trunc_mcs[i], rad = trunc_radii[j];
        double t = trunc_ratios[l] * rad;
        mp_cauchy_tail(r, mc, rad, t, 0);
        assert_agrees(dlv_bound_hvp_trunc(mc, rad, t), r, "hvp_trunc");
      }
  assert_true(dlv_bound_hvp_trunc(0.0, 1.0, 0.5) == 0.0);
  assert_true(isinf(dlv_bound_hvp_trunc(1.0, 1.0, 1.0)));
  assert_true(isinf(dlv_bound_hvp_trunc(1.0, 1.0, 3.0)));
  mpfr_clear(r);
}

/* dlv_bound_cstep_value_trunc: the stated m1 q / (1 - q), and it covers
 * the value's series m1 sum_j q^j / (2j + 1). */
static void cstep_value_trunc_twin(void **state)
{
  (void)state;
  mpfr_t r;
  mpfr_init2(r, MP_BITS);
  for (size_t i = 0; i < COUNT(trunc_mcs); i++)
    for (size_t j = 0; j < COUNT(trunc_radii); j++)
      for (size_t l = 0; l < COUNT(trunc_ratios); l++) {
        double m1 = trunc_mcs[i], rad = trunc_radii[j];
        double t = trunc_ratios[l] * rad;
        double b = dlv_bound_cstep_value_trunc(m1, rad, t);
        mp_geometric(r, m1, rad, t);
        assert_agrees(b, r, "cstep_value_trunc");
        mp_cauchy_tail(r, m1, rad, t, 1);
        assert_covers(b, r, "cstep_value_trunc covers its series");
      }
  assert_true(dlv_bound_cstep_value_trunc(0.0, 1.0, 0.5) == 0.0);
  assert_true(isinf(dlv_bound_cstep_value_trunc(1.0, 1.0, 1.0)));
  mpfr_clear(r);
}

/* ---- P5: underflow --------------------------------------------------- */

/* Powers of two (the division by t is exact) and the real gradient t = 1. */
static const double steps_t[] = {1.0, 0x1p-20, 0x1p-30};
static const size_t under_ms[] = {1, 2, 3, 15, 1000, (size_t)1 << 20};

/* dlv_bound_logistic_underflow: per sample i, |x_ij| (1 + 1/m) + 1 units
 * of 2^-1074 (the exponential carried by sigma / m and the product, sigma
 * / m's own, the product's own), summed with 1 + gamma_{m+1}, over t; the
 * value: 2 units (log1p's, / m's).  x_ij = c in every sample keeps the
 * count integral (one subnormal rounding in the double evaluation). */
static void mp_logistic_underflow(mpfr_t r, size_t m, double c, int value,
                                  double t)
{
  mpfr_t per;
  mpfr_init2(per, MP_BITS);
  mpfr_set_zero(r, 1);
  if (value)
    mpfr_set_ui(r, 2, MPFR_RNDN);
  else
    for (size_t i = 0; i < m; i++) {
      mpfr_set_d(per, c, MPFR_RNDN);
      mpfr_div_ui(per, per, (unsigned long)m, MPFR_RNDN);
      mpfr_add_d(per, per, c, MPFR_RNDN);
      mpfr_add_ui(per, per, 1, MPFR_RNDN);
      mpfr_add(r, r, per, MPFR_RNDN);
    }
  mpfr_mul_2si(r, r, -1074, MPFR_RNDN);
  mp_mul_one_plus_gamma(r, (double)m + 1.0, DLV_U_DOUBLE);
  mpfr_div_d(r, r, t, MPFR_RNDN);
  mpfr_clear(per);
}

static void logistic_underflow_twin(void **state)
{
  (void)state;
  const double cs[] = {0.0, 1.0, 7.0, 1000.0};
  mpfr_t r;
  mpfr_init2(r, MP_BITS);
  for (size_t i = 0; i < COUNT(under_ms); i++)
    for (size_t j = 0; j < COUNT(cs); j++)
      for (size_t l = 0; l < COUNT(steps_t); l++)
        for (int value = 0; value <= 1; value++) {
          size_t m = under_ms[i];
          double t = steps_t[l], xsum = cs[j] * (double)m;
          mp_logistic_underflow(r, m, cs[j], value, t);
          assert_agrees_subnormal(
              dlv_bound_logistic_underflow(m, value ? 0.0 : xsum, value, t),
              r, 1.0, t, "logistic_underflow");
        }
  mpfr_clear(r);
}

/* dlv_bound_quadratic_underflow_grad: n products a_ij theta_j and + b_i,
 * one unit each, times 1 + gamma_{n+1}. */
static void quadratic_underflow_grad_twin(void **state)
{
  (void)state;
  const size_t ns[] = {1, 2, 3, 10, 1000, (size_t)1 << 20, (size_t)1 << 40};
  mpfr_t r;
  mpfr_init2(r, MP_BITS);
  for (size_t i = 0; i < COUNT(ns); i++) {
    double n = (double)ns[i];
    double units = n /* the products */ + 1.0 /* + b_i */;
    mpfr_set_d(r, units, MPFR_RNDN);
    mpfr_mul_2si(r, r, -1074, MPFR_RNDN);
    mp_mul_one_plus_gamma(r, n + 1.0, DLV_U_DOUBLE);
    assert_agrees_subnormal(dlv_bound_quadratic_underflow_grad(ns[i]), r,
                            1.0, 1.0, "quadratic_underflow_grad");
  }
  mpfr_clear(r);
}

/* dlv_bound_closs_norm_underflow: the scaling back (one unit) and n
 * underflowed scaled squares, n units of the quantity's magnitude; times
 * 1 + gamma_{n+1}. */
static void closs_norm_underflow_twin(void **state)
{
  (void)state;
  const size_t ns[] = {1, 2, 3, 10, 1000, (size_t)1 << 20};
  const double mags[] = {1.0, 0x1p-1000, 0.75, 0x1p500, 0x1p1020, DBL_MAX};
  mpfr_t r;
  mpfr_init2(r, MP_BITS);
  for (size_t i = 0; i < COUNT(ns); i++)
    for (size_t k = 0; k < COUNT(mags); k++) {
      double n = (double)ns[i];
      mpfr_set_d(r, n, MPFR_RNDN);
      mpfr_mul_d(r, r, mags[k], MPFR_RNDN);
      mpfr_add_ui(r, r, 1, MPFR_RNDN); /* the scaling back */
      mpfr_mul_2si(r, r, -1074, MPFR_RNDN);
      mp_mul_one_plus_gamma(r, n + 1.0, DLV_U_DOUBLE);
      assert_agrees_subnormal(dlv_bound_closs_norm_underflow(ns[i], mags[k]),
                              r, 1.0, 1.0, "closs_norm_underflow");
    }
  mpfr_clear(r);
}

/* The value's underflow: for each of the n entries, the factor
 * a_i . w / 2 + b_i carries n + 2 units, times |theta_i| <= theta_max,
 * plus the entry's own product's unit; times 1 + gamma_{n+1}. */
static void mp_quadratic_underflow_value(mpfr_t r, size_t n, double theta)
{
  mpfr_t per;
  mpfr_init2(per, MP_BITS);
  mpfr_set_d(per, (double)n + 2.0, MPFR_RNDN);
  mpfr_mul_d(per, per, theta, MPFR_RNDN);
  mpfr_add_ui(per, per, 1, MPFR_RNDN);
  mpfr_mul_ui(r, per, (unsigned long)n, MPFR_RNDN); /* the n entries */
  mpfr_mul_2si(r, r, -1074, MPFR_RNDN);
  mp_mul_one_plus_gamma(r, (double)n + 1.0, DLV_U_DOUBLE);
  mpfr_clear(per);
}

/* _value and _value_z (each part of a complex product is two real
 * products: twice the real bound).  Two subnormal roundings in double
 * (count times 2^-1074, then times 1 + gamma); a count off by one moves
 * the bound by n theta_max >= 2 units. */
static void quadratic_underflow_value_twins(void **state)
{
  (void)state;
  const size_t ns[] = {2, 3, 10, 1000, (size_t)1 << 20};
  const double thetas[] = {0.0, 1.0, 2.5, 1e6};
  mpfr_t r;
  mpfr_init2(r, MP_BITS);
  for (size_t i = 0; i < COUNT(ns); i++)
    for (size_t j = 0; j < COUNT(thetas); j++) {
      mp_quadratic_underflow_value(r, ns[i], thetas[j]);
      assert_agrees_subnormal(
          dlv_bound_quadratic_underflow_value(ns[i], thetas[j]), r, 2.0, 1.0,
          "quadratic_underflow_value");
      mpfr_mul_ui(r, r, 2, MPFR_RNDN);
      assert_agrees_subnormal(
          dlv_bound_quadratic_underflow_value_z(ns[i], thetas[j]), r, 4.0,
          1.0, "quadratic_underflow_value_z");
    }
  mpfr_clear(r);
}

/* dlv_bound_logistic_underflow_z: per sample and part, cexp's Re and Im
 * (2), clog1p_z's a (2 + a) and b^2 halved (2 x 1/2), atan2's result (1);
 * summed over m samples with 1 + gamma_{m+1}, divided by m, plus the
 * division's own underflow (1). */
static void logistic_underflow_z_twin(void **state)
{
  (void)state;
  mpfr_t r;
  mpfr_init2(r, MP_BITS);
  for (size_t i = 0; i < COUNT(under_ms); i++) {
    double m = (double)under_ms[i];
    double per_sample = 2.0 + 2.0 * 0.5 + 1.0;
    mpfr_set_d(r, per_sample * m, MPFR_RNDN);
    mp_mul_one_plus_gamma(r, m + 1.0, DLV_U_DOUBLE);
    mpfr_div_d(r, r, m, MPFR_RNDN);
    mpfr_add_ui(r, r, 1, MPFR_RNDN); /* / m underflowing */
    mpfr_mul_2si(r, r, -1074, MPFR_RNDN);
    assert_agrees_subnormal(dlv_bound_logistic_underflow_z(under_ms[i]), r,
                            1.0, 1.0, "logistic_underflow_z");
  }
  mpfr_clear(r);
}

/* dlv_bound_hvp_cstep_underflow: row i with |a_ij| integers 0, 1, 2:
 * sum_j (|a_ij| + 1) units (t v_j's and the product's underflow), times
 * 1 + gamma_n, over t. */
static void hvp_cstep_underflow_twin(void **state)
{
  (void)state;
  const size_t ns[] = {1, 2, 7, 1000, (size_t)1 << 16};
  mpfr_t r;
  mpfr_init2(r, MP_BITS);
  for (size_t i = 0; i < COUNT(ns); i++)
    for (size_t l = 0; l < COUNT(steps_t); l++) {
      double sum_abs_a = 0.0, t = steps_t[l];
      mpfr_set_zero(r, 1);
      for (size_t j = 0; j < ns[i]; j++) {
        double a = fabs((double)(j % 5) - 2.0);
        sum_abs_a += a;
        mpfr_add_d(r, r, a + 1.0, MPFR_RNDN);
      }
      mpfr_mul_2si(r, r, -1074, MPFR_RNDN);
      mp_mul_one_plus_gamma(r, (double)ns[i], DLV_U_DOUBLE);
      mpfr_div_d(r, r, t, MPFR_RNDN);
      assert_agrees_subnormal(
          dlv_bound_hvp_cstep_underflow(sum_abs_a, ns[i], t), r, 1.0, t,
          "hvp_cstep_underflow");
    }
  mpfr_clear(r);
}

/* ---- P5: rounding of the complex step and the central difference ----- */

static const double mags[] = {0.0, 1e-200, 1.0, 3.5, 1e200};

/* dlv_bound_closs_z: sqrt 2 gamma_K M + abs (componentwise local errors
 * turned into a modulus once), K the recounted _Z counts. */
static void closs_z_twin(void **state)
{
  (void)state;
  const double ks[] = {k_quadratic(1) + 1.0, k_norm(100) + 1.0,
                       k_logistic_z(1e3, 1e6) + 1.0,
                       k_tanhnet(4096, 15, 1e6) + 1.0};
  const double abss[] = {0.0, 0x1p-1074, 1e-10};
  mpfr_t r, s2;
  mpfr_inits2(MP_BITS, r, s2, (mpfr_ptr)0);
  mpfr_sqrt_ui(s2, 2, MPFR_RNDN);
  for (size_t i = 0; i < COUNT(ks); i++)
    for (size_t j = 0; j < COUNT(mags); j++)
      for (size_t l = 0; l < COUNT(abss); l++) {
        mp_gamma(r, ks[i], DLV_U_DOUBLE);
        mpfr_mul(r, r, s2, MPFR_RNDN);
        mpfr_mul_d(r, r, mags[j], MPFR_RNDN);
        mpfr_add_d(r, r, abss[l], MPFR_RNDN);
        assert_agrees(dlv_bound_closs_z(ks[i], mags[j], abss[l]), r,
                      "closs_z");
      }
  mpfr_clears(r, s2, (mpfr_ptr)0);
}

/* dlv_bound_hvp_cstep: rounding gamma_K I_j plus truncation. */
static void hvp_cstep_twin(void **state)
{
  (void)state;
  const double ks[] = {k_quadratic(1), k_quadratic(1e6), k_norm(3),
                       k_logistic(1e3, 1e6)};
  const double truncs[] = {0.0, 1e-20, 1.0};
  mpfr_t r;
  mpfr_init2(r, MP_BITS);
  for (size_t i = 0; i < COUNT(ks); i++)
    for (size_t j = 0; j < COUNT(mags); j++)
      for (size_t l = 0; l < COUNT(truncs); l++) {
        mp_gamma_times_plus(r, ks[i], DLV_U_DOUBLE, mags[j], truncs[l]);
        assert_agrees(dlv_bound_hvp_cstep(ks[i], mags[j], truncs[l]), r,
                      "hvp_cstep");
      }
  mpfr_clear(r);
}

/* dlv_bound_hvp_central: the two gradients' rounding gamma_K R_j and the
 * point's rounding u I_j(|Theta| + t|v|), both over t; the subtraction's
 * rounding, stated as 2 u I_j(|v|); the truncation. */
static void mp_hvp_central(mpfr_t r, double k, double mr, double mpt,
                           double mi, double trunc, double t)
{
  mpfr_t point;
  mpfr_init2(point, MP_BITS);
  mp_gamma(r, k, DLV_U_DOUBLE);
  mpfr_mul_d(r, r, mr, MPFR_RNDN); /* two evaluations */
  mpfr_set_d(point, mpt, MPFR_RNDN);
  mpfr_mul_d(point, point, DLV_U_DOUBLE, MPFR_RNDN); /* w = fl(Th +- tv) */
  mpfr_add(r, r, point, MPFR_RNDN);
  mpfr_div_d(r, r, t, MPFR_RNDN);
  mpfr_set_d(point, mi, MPFR_RNDN);
  mpfr_mul_d(point, point, 2.0 * DLV_U_DOUBLE, MPFR_RNDN); /* subtraction */
  mpfr_add(r, r, point, MPFR_RNDN);
  mpfr_add_d(r, r, trunc, MPFR_RNDN);
  mpfr_clear(point);
}

static void hvp_central_twin(void **state)
{
  (void)state;
  const double ks[] = {k_quadratic(1), k_quadratic(1e4), k_norm(3)};
  const double rs[] = {0.0, 1.0, 1e5}, ms[] = {0.0, 1.0, 1e5};
  const double truncs[] = {0.0, 1e-12}, ts[] = {0x1p-20, 1e-5, 1.0};
  mpfr_t r;
  mpfr_init2(r, MP_BITS);
  for (size_t a = 0; a < COUNT(ks); a++)
    for (size_t b = 0; b < COUNT(rs); b++)
      for (size_t c = 0; c < COUNT(ms); c++)
        for (size_t d = 0; d < COUNT(ms); d++)
          for (size_t e = 0; e < COUNT(truncs); e++)
            for (size_t f = 0; f < COUNT(ts); f++) {
              mp_hvp_central(r, ks[a], rs[b], ms[c], ms[d], truncs[e],
                             ts[f]);
              assert_agrees(dlv_bound_hvp_central(ks[a], rs[b], ms[c],
                                                  ms[d], truncs[e], ts[f]),
                            r, "hvp_central");
            }
  mpfr_clear(r);
}

/* dlv_bound_hvp_symmetry: the two sides' carried errors plus the dots'
 * rounding gamma_n sum |u_i (Hv)_i|. */
static void hvp_symmetry_twin(void **state)
{
  (void)state;
  const size_t ns[] = {1, 2, 100, (size_t)1 << 20};
  const double bs[] = {0.0, 1e-12, 1.0};
  mpfr_t r;
  mpfr_init2(r, MP_BITS);
  for (size_t i = 0; i < COUNT(ns); i++)
    for (size_t j = 0; j < COUNT(bs); j++)
      for (size_t l = 0; l < COUNT(mags); l++) {
        mp_gamma_times_plus(r, (double)ns[i], DLV_U_DOUBLE, mags[l],
                            bs[j]);
        mpfr_add_d(r, r, 2.0 * bs[j], MPFR_RNDN); /* ub = bs, vb = 2 bs */
        assert_agrees(dlv_bound_hvp_symmetry(ns[i], bs[j], 2.0 * bs[j],
                                             mags[l]),
                      r, "hvp_symmetry");
      }
  mpfr_clear(r);
}

/* ---- P5: line search ------------------------------------------------- */

static const size_t ls_ns[] = {1, 2, 100, 1000000, (size_t)1 << 40};
static const double ls_ratios[] = {0.0, 1e-16, 1e-3, 0.5, 0.99};

/* lambda = fl(N~ / D~): N~ = ||g||^2 (1 + theta_n), D~ >= (g . Hg) - e_d,
 * one rounding of the quotient: (1 + gamma_n)(1 + u) / (1 - e_d / d) - 1. */
static void mp_linesearch_rel(mpfr_t r, size_t n, double ed_over_d)
{
  mpfr_t d;
  mpfr_init2(d, MP_BITS);
  mpfr_set_ui(r, 1, MPFR_RNDN);
  mp_mul_one_plus_gamma(r, (double)n, DLV_U_DOUBLE); /* ||g||^2 */
  mp_times_one_plus(r, DLV_U_DOUBLE);                /* the quotient */
  mpfr_set_d(d, ed_over_d, MPFR_RNDN);
  mpfr_ui_sub(d, 1, d, MPFR_RNDN);                   /* the dot g . hg */
  mpfr_div(r, r, d, MPFR_RNDN);
  mpfr_sub_ui(r, r, 1, MPFR_RNDN);
  mpfr_clear(d);
}

/* dlv_bound_linesearch_rel and dlv_bound_linesearch (the same relative
 * part; ldexp's second rounding of a subnormal lambda: one 2^-1074). */
static void linesearch_twins(void **state)
{
  (void)state;
  mpfr_t r;
  mpfr_init2(r, MP_BITS);
  for (size_t i = 0; i < COUNT(ls_ns); i++)
    for (size_t j = 0; j < COUNT(ls_ratios); j++) {
      mp_linesearch_rel(r, ls_ns[i], ls_ratios[j]);
      assert_agrees(dlv_bound_linesearch_rel(ls_ns[i], ls_ratios[j]), r,
                    "linesearch_rel");
      dlv_bound b = dlv_bound_linesearch(ls_ns[i], ls_ratios[j]);
      assert_agrees(b.rel, r, "linesearch rel");
      assert_true(b.abs == 0x1p-1074);
    }
  assert_true(isinf(dlv_bound_linesearch_rel(10, 1.0)));
  assert_true(isinf(dlv_bound_linesearch_rel(10, 2.0)));
  assert_true(isinf(dlv_bound_linesearch_rel(10, NAN)));
  /* exact operands: the quotient's one rounding */
  dlv_bound e = dlv_bound_linesearch_exact_operands();
  assert_true(e.rel == 1.0 * DLV_U_DOUBLE && e.abs == 0.0);
  mpfr_clear(r);
}

/* dlv_bound_rel_compose: (1 + a)(1 + b) - 1. */
static void rel_compose_twin(void **state)
{
  (void)state;
  const double rels[] = {0.0, DLV_U_DOUBLE, 1e-8, 0.25, 3.0};
  mpfr_t r;
  mpfr_init2(r, MP_BITS);
  for (size_t i = 0; i < COUNT(rels); i++)
    for (size_t j = 0; j < COUNT(rels); j++) {
      mpfr_set_ui(r, 1, MPFR_RNDN);
      mp_times_one_plus(r, rels[i]);
      mp_times_one_plus(r, rels[j]);
      mpfr_sub_ui(r, r, 1, MPFR_RNDN);
      assert_agrees(dlv_bound_rel_compose(rels[i], rels[j]), r,
                    "rel_compose");
    }
  mpfr_clear(r);
}

/* dlv_bound_lambda_gradient_rel: the factor 1 / (1 + delta), |delta| <=
 * beta, at its extremes delta = -beta and +beta, the larger relative
 * distance from 1; +Inf for beta >= 1 (delta = -1 possible). */
static void lambda_gradient_rel_twin(void **state)
{
  (void)state;
  const double betas[] = {0.0, DLV_U_DOUBLE, 1e-8, 0.5, 0.9};
  mpfr_t lo, hi;
  mpfr_inits2(MP_BITS, lo, hi, (mpfr_ptr)0);
  for (size_t i = 0; i < COUNT(betas); i++) {
    mpfr_set_d(lo, -betas[i], MPFR_RNDN);
    mpfr_add_ui(lo, lo, 1, MPFR_RNDN);
    mpfr_ui_div(lo, 1, lo, MPFR_RNDN);
    mpfr_sub_ui(lo, lo, 1, MPFR_RNDN); /* 1 / (1 - beta) - 1 */
    mpfr_set_d(hi, betas[i], MPFR_RNDN);
    mpfr_add_ui(hi, hi, 1, MPFR_RNDN);
    mpfr_ui_div(hi, 1, hi, MPFR_RNDN);
    mpfr_ui_sub(hi, 1, hi, MPFR_RNDN); /* 1 - 1 / (1 + beta) */
    mpfr_max(lo, lo, hi, MPFR_RNDN);
    assert_agrees(dlv_bound_lambda_gradient_rel(betas[i]), lo,
                  "lambda_gradient_rel");
  }
  assert_true(isinf(dlv_bound_lambda_gradient_rel(1.0)));
  mpfr_clears(lo, hi, (mpfr_ptr)0);
}

/* dlv_bound_p5_slope_identity: fl(fl(phi') / fl(fl(g . Hg) fl(lambda*)))
 * from MPFR values: phi', g . Hg and lambda* each rounded to double, the
 * product, the quotient; and fewer than 2^20 roundings of 2^-P relative
 * on terms of phi' summing to mag, over scale. */
static void p5_slope_identity_twin(void **state)
{
  (void)state;
  const double roundings = 3.0 /* the three operands */ + 1.0 /* product */
                           + 1.0 /* quotient */;
  const long precs[] = {256, 320, 1024};
  const double mg[] = {1e-30, 1.0, 1e30}, scales[] = {1e-10, 1.0, 7.0};
  mpfr_t r;
  mpfr_init2(r, MP_BITS);
  for (size_t i = 0; i < COUNT(precs); i++)
    for (size_t j = 0; j < COUNT(mg); j++)
      for (size_t l = 0; l < COUNT(scales); l++) {
        dlv_bound b = dlv_bound_p5_slope_identity(mg[j], scales[l], precs[i]);
        mp_gamma(r, roundings, DLV_U_DOUBLE);
        assert_agrees(b.rel, r, "p5_slope_identity rel");
        mpfr_set_d(r, mg[j], MPFR_RNDN);
        mpfr_div_d(r, r, scales[l], MPFR_RNDN);
        mpfr_mul_2si(r, r, 20 - precs[i], MPFR_RNDN); /* 2^20 2^-P */
        assert_agrees(b.abs, r, "p5_slope_identity abs");
        assert_true(b.n == 0);
      }
  mpfr_clear(r);
}

/* dlv_bound_brent_resolution: phi~ within e of phi tells apart only
 * points whose phi differs by 2 e or more; for phi = phi* + c (l - l*)^2
 * / 2 that is r with c r^2 / 2 = 2 e, solved here in MPFR; accepted
 * within the bracket's width plus 2 r. */
static void brent_resolution_twin(void **state)
{
  (void)state;
  const double widths[] = {0.0, 1e-8, 0.1}, es[] = {0.0, 1e-16, 1e-3};
  const double curv[] = {1e-3, 1.0, 1e6};
  mpfr_t r;
  mpfr_init2(r, MP_BITS);
  for (size_t i = 0; i < COUNT(widths); i++)
    for (size_t j = 0; j < COUNT(es); j++)
      for (size_t l = 0; l < COUNT(curv); l++) {
        mpfr_set_d(r, 2.0 * es[j], MPFR_RNDN); /* the indistinct rise */
        mpfr_mul_2si(r, r, 1, MPFR_RNDN);       /* times 2 / c: r^2 */
        mpfr_div_d(r, r, curv[l], MPFR_RNDN);
        mpfr_sqrt(r, r, MPFR_RNDN);
        mpfr_mul_2si(r, r, 1, MPFR_RNDN); /* r on both sides of l* */
        mpfr_add_d(r, r, widths[i], MPFR_RNDN);
        assert_agrees(dlv_bound_brent_resolution(widths[i], es[j], curv[l]),
                      r, "brent_resolution");
      }
  mpfr_clear(r);
}

/* dlv_bound_quadratic_value: l = sum_i w_i (a_i . w / 2 + b_i): the dot
 * (n), + b_i (1), the product with w_i (1), the sum of n summands (n), on
 * V; the rounded point w moves l by u (1 + u) S. */
static void quadratic_value_twin(void **state)
{
  (void)state;
  const double vs[] = {0.0, 1.0, 1e10}, ss[] = {0.0, 1.0, 1e10};
  mpfr_t r, s;
  mpfr_inits2(MP_BITS, r, s, (mpfr_ptr)0);
  for (size_t i = 0; i < COUNT(ls_ns); i++)
    for (size_t j = 0; j < COUNT(vs); j++)
      for (size_t l = 0; l < COUNT(ss); l++) {
        double n = (double)ls_ns[i];
        double roundings = n + 1.0 + 1.0 + n;
        mp_gamma(r, roundings, DLV_U_DOUBLE);
        mpfr_mul_d(r, r, vs[j], MPFR_RNDN);
        mpfr_set_d(s, ss[l], MPFR_RNDN);
        mpfr_mul_d(s, s, DLV_U_DOUBLE, MPFR_RNDN);
        mp_times_one_plus(s, DLV_U_DOUBLE);
        mpfr_add(r, r, s, MPFR_RNDN);
        assert_agrees(dlv_bound_quadratic_value(ls_ns[i], vs[j], ss[l]), r,
                      "quadratic_value");
      }
  mpfr_clears(r, s, (mpfr_ptr)0);
}

/* ---- P3: conv3d ------------------------------------------------------ */

/* K of the passes: 1, a 3^3 filter, 3^3 x 64 channels, 4^3 x 1728. */
static const double p3_ks[] = {1.0, 27.0, 1728.0, 110592.0};
static const struct {
  double u, eta;
} p3_units[] = {{DLV_U_DOUBLE, DLV_ETA_DOUBLE}, {DLV_U_FLOAT, DLV_ETA_FLOAT}};

/* dlv_bound_conv3d_dot: gamma_K S plus the stated 2 K eta; that covers the
 * K products' underflow carried through the sum, (1 + gamma_K) K eta
 * (checked at S = 0, where it is the whole bound). */
static void conv3d_dot_twin(void **state)
{
  (void)state;
  const double sums[] = {0.0, 1.0, 1e30};
  mpfr_t r, w;
  mpfr_inits2(MP_BITS, r, w, (mpfr_ptr)0);
  for (size_t i = 0; i < COUNT(p3_ks); i++)
    for (size_t j = 0; j < COUNT(p3_units); j++)
      for (size_t l = 0; l < COUNT(sums); l++) {
        double k = p3_ks[i], u = p3_units[j].u, eta = p3_units[j].eta;
        double b = dlv_bound_conv3d_dot(k, u, eta, sums[l]);
        mp_gamma(r, k, u);
        mpfr_mul_d(r, r, sums[l], MPFR_RNDN);
        mpfr_set_d(w, k, MPFR_RNDN);
        mpfr_mul_d(w, w, 2.0 * eta, MPFR_RNDN); /* 2 K eta */
        mpfr_add(r, r, w, MPFR_RNDN);
        assert_agrees(b, r, "conv3d_dot");
        if (sums[l] == 0.0) {
          mpfr_set_d(w, k * eta, MPFR_RNDN);
          mp_mul_one_plus_gamma(w, k, u); /* (1 + gamma_K) K eta */
          assert_covers(b, w, "conv3d_dot covers the underflow");
        }
      }
  mpfr_clears(r, w, (mpfr_ptr)0);
}

/* dlv_bound_conv3d_adjoint: each side's elements err by gamma_K of their
 * absolute sums, which weighted add up to T: (gamma_Ka + gamma_Kb) T. */
static void conv3d_adjoint_twin(void **state)
{
  (void)state;
  const double ts[] = {0.0, 1.0, 1e20};
  mpfr_t r, g;
  mpfr_inits2(MP_BITS, r, g, (mpfr_ptr)0);
  for (size_t a = 0; a < COUNT(p3_ks); a++)
    for (size_t b = 0; b < COUNT(p3_ks); b++)
      for (size_t j = 0; j < COUNT(p3_units); j++)
        for (size_t l = 0; l < COUNT(ts); l++) {
          double u = p3_units[j].u;
          mp_gamma(r, p3_ks[a], u);
          mp_gamma(g, p3_ks[b], u);
          mpfr_add(r, r, g, MPFR_RNDN);
          mpfr_mul_d(r, r, ts[l], MPFR_RNDN);
          assert_agrees(dlv_bound_conv3d_adjoint(p3_ks[a], p3_ks[b], u,
                                                 ts[l]),
                        r, "conv3d_adjoint");
        }
  mpfr_clears(r, g, (mpfr_ptr)0);
}

/* dlv_bound_conv3d_grad_formula: y^ within gamma_Kf (kernel's u), g^ =
 * bwd(y^) within gamma_Kb, D^ formed exactly and rounded once to double:
 * ((1 + gamma_Kf)(1 + gamma_Kb)(1 + u_double) - 1) S_AB. */
static void conv3d_grad_formula_twin(void **state)
{
  (void)state;
  const double sabs[] = {1.0, 3.5e10};
  mpfr_t r;
  mpfr_init2(r, MP_BITS);
  for (size_t a = 0; a < COUNT(p3_ks); a++)
    for (size_t b = 0; b < COUNT(p3_ks); b++)
      for (size_t j = 0; j < COUNT(p3_units); j++)
        for (size_t l = 0; l < COUNT(sabs); l++) {
          double u = p3_units[j].u;
          mpfr_set_ui(r, 1, MPFR_RNDN);
          mp_mul_one_plus_gamma(r, p3_ks[a], u);
          mp_mul_one_plus_gamma(r, p3_ks[b], u);
          mp_times_one_plus(r, DLV_U_DOUBLE); /* D^ rounded once */
          mpfr_sub_ui(r, r, 1, MPFR_RNDN);
          mpfr_mul_d(r, r, sabs[l], MPFR_RNDN);
          assert_agrees(dlv_bound_conv3d_grad_formula(p3_ks[a], p3_ks[b], u,
                                                      sabs[l]),
                        r, "conv3d_grad_formula");
        }
  mpfr_clear(r);
}

/* dlv_bound_conv3d_cstep: Re and Im of the complex forward conv each
 * within gamma_Kf (two factors); Im z^2 = a b + b a two roundings, the sum
 * over N outputs N - 1 more; in double. */
static void conv3d_cstep_twin(void **state)
{
  (void)state;
  const double outputs[] = {1.0, 8.0, 1000.0, 1e6};
  mpfr_t r;
  mpfr_init2(r, MP_BITS);
  for (size_t a = 0; a < COUNT(p3_ks); a++)
    for (size_t l = 0; l < COUNT(outputs); l++) {
      double n = outputs[l];
      double value_roundings = 2.0 /* Im z^2 */ + (n - 1.0) /* the sum */;
      mpfr_set_ui(r, 1, MPFR_RNDN);
      mp_mul_one_plus_gamma(r, p3_ks[a], DLV_U_DOUBLE); /* Re */
      mp_mul_one_plus_gamma(r, p3_ks[a], DLV_U_DOUBLE); /* Im */
      mp_mul_one_plus_gamma(r, value_roundings, DLV_U_DOUBLE);
      mpfr_sub_ui(r, r, 1, MPFR_RNDN);
      mpfr_mul_d(r, r, 3.5, MPFR_RNDN);
      assert_agrees(dlv_bound_conv3d_cstep(p3_ks[a], n, 3.5), r,
                    "conv3d_cstep");
    }
  mpfr_clear(r);
}

/* ---- low precision --------------------------------------------------- */

/* The formats from their parameters (precision p with the hidden bit,
 * smallest normal exponent emin): u = 2^-p, eta = half the smallest
 * subnormal 2^(emin - p + 1); float's from <float.h>. */
static double format_u(int is_bf16) { return ldexp(1.0, is_bf16 ? -8 : -11); }
static double format_eta(int is_bf16)
{
  return is_bf16 ? ldexp(1.0, -126 - 8) : ldexp(1.0, -14 - 11);
}
static double float_eta(void)
{
  return ldexp(1.0, (FLT_MIN_EXP - 1) - FLT_MANT_DIG); /* 2^-149 / 2 */
}

/* dlv_lowp_nrm2_depth: a lane's first scaled square meets every later FMA
 * of its lane in the block (the block's entries over the lanes, one FMA
 * each), then the pairwise tree over the lanes (log2 LANES levels). */
static double lowp_depth_recounted(void)
{
  int levels = ilogb((double)DLV_LOWP_NRM2_LANES); /* LANES = 2^levels */
  return (double)DLV_LOWP_NRM2_BLOCK / DLV_LOWP_NRM2_LANES + (double)levels;
}

/* The sum of squares, relative: a block's float sum within gamma_depth
 * (u_float) plus BLOCK flushes of 2^-126 against s_b >= 1; the
 * ceil(n / BLOCK) block sums added in double. */
static void mp_lowp_ssq_rel(mpfr_t r, size_t n)
{
  mpfr_t g, blocks;
  mpfr_inits2(MP_BITS, g, blocks, (mpfr_ptr)0);
  mp_gamma(r, lowp_depth_recounted(), DLV_U_FLOAT);
  mpfr_set_ui(g, DLV_LOWP_NRM2_BLOCK, MPFR_RNDN);
  mpfr_mul_2si(g, g, -126, MPFR_RNDN);
  mpfr_add(r, r, g, MPFR_RNDN);
  mpfr_add_ui(r, r, 1, MPFR_RNDN);
  mpfr_set_d(blocks, (double)n, MPFR_RNDN);
  mpfr_div_ui(blocks, blocks, DLV_LOWP_NRM2_BLOCK, MPFR_RNDN);
  mpfr_ceil(blocks, blocks);
  mp_gamma(g, mpfr_get_d(blocks, MPFR_RNDN), DLV_U_DOUBLE);
  mp_mul_one_plus(r, g);
  mpfr_sub_ui(r, r, 1, MPFR_RNDN);
  mpfr_clears(g, blocks, (mpfr_ptr)0);
}

static const size_t lowp_ns[] = {1, 255, 256, 257, 100000, (size_t)1 << 40};

static void lowp_nrm2_depth_and_ssq_twins(void **state)
{
  (void)state;
  assert_count(dlv_lowp_nrm2_depth(), lowp_depth_recounted(),
               "lowp_nrm2_depth", DLV_LOWP_NRM2_BLOCK);
  assert_count(dlv_lowp_nrm2_depth(), 20.0, "lowp_nrm2_depth (comment)",
               DLV_LOWP_NRM2_BLOCK);
  mpfr_t r;
  mpfr_init2(r, MP_BITS);
  for (size_t i = 0; i < COUNT(lowp_ns); i++) {
    mp_lowp_ssq_rel(r, lowp_ns[i]);
    assert_agrees(dlv_lowp_ssq_rel(lowp_ns[i]), r, "lowp_ssq_rel");
  }
  /* 2^56 blocks: gamma_{2^56} u >= 1, no bound (the block count once
   * wrapped to 0 near SIZE_MAX and gave gamma_20 alone) */
  assert_true(isinf(dlv_lowp_ssq_rel(SIZE_MAX)));
  assert_true(isinf(dlv_bound_lowp_nrm2_grad(SIZE_MAX, 1).rel));
  mpfr_clear(r);
}

/* dlv_bound_lowp_nrm2: sqrt in double of the perturbed sum, then one
 * rounding to float (absolute: float's eta, the norm may be subnormal). */
static void lowp_nrm2_twin(void **state)
{
  (void)state;
  mpfr_t ssq, r;
  mpfr_inits2(MP_BITS, ssq, r, (mpfr_ptr)0);
  for (size_t i = 0; i < COUNT(lowp_ns); i++) {
    mp_lowp_ssq_rel(ssq, lowp_ns[i]);
    mp_sqrt_of_perturbed(r, ssq, DLV_U_DOUBLE);
    mpfr_add_ui(r, r, 1, MPFR_RNDN);
    mpfr_mul_d(r, r, 1.0 + DLV_U_FLOAT, MPFR_RNDN); /* to float */
    mpfr_sub_ui(r, r, 1, MPFR_RNDN);
    dlv_bound b = dlv_bound_lowp_nrm2(lowp_ns[i]);
    assert_agrees(b.rel, r, "lowp_nrm2 rel");
    assert_true(b.abs == float_eta() && b.n == lowp_ns[i]);
  }
  mpfr_clears(ssq, r, (mpfr_ptr)0);
}

/* dlv_bound_lowp_nrm2_grad: x_i / r in double over r's relative error
 * beta (the norm before its rounding to float): (1 + u_d) / (1 - beta),
 * then one rounding to the format; +Inf once beta >= 1. */
static void lowp_nrm2_grad_twin(void **state)
{
  (void)state;
  mpfr_t beta, r;
  mpfr_inits2(MP_BITS, beta, r, (mpfr_ptr)0);
  for (int bf = 0; bf <= 1; bf++) {
    for (size_t i = 0; i < COUNT(lowp_ns); i++) {
      mp_lowp_ssq_rel(r, lowp_ns[i]);
      mp_sqrt_of_perturbed(beta, r, DLV_U_DOUBLE);
      mpfr_ui_sub(beta, 1, beta, MPFR_RNDN);
      mpfr_set_ui(r, 1, MPFR_RNDN);
      mp_times_one_plus(r, DLV_U_DOUBLE); /* the quotient in double */
      mpfr_div(r, r, beta, MPFR_RNDN);
      mp_times_one_plus(r, format_u(bf)); /* to the format */
      mpfr_sub_ui(r, r, 1, MPFR_RNDN);
      dlv_bound b = dlv_bound_lowp_nrm2_grad(lowp_ns[i], bf);
      assert_agrees(b.rel, r, "lowp_nrm2_grad rel");
      assert_true(b.abs == format_eta(bf) && b.n == lowp_ns[i]);
    }
    /* 2^54 blocks: gamma_nb(u_double) >= 1, r may vanish */
    assert_true(isinf(dlv_bound_lowp_nrm2_grad((size_t)1 << 62, bf).rel));
  }
  mpfr_clears(beta, r, (mpfr_ptr)0);
}

/* dlv_bound_lowp_final and dlv_lowp_round_after: one rounding to the
 * format, |fl(y) - y| <= u |y| + eta; at its worst y = x + e, |x| = a,
 * fl(y) = y (1 + u) + eta: |fl(y) - x| = e + u (a + e) + eta. */
static void lowp_final_and_round_after_twins(void **state)
{
  (void)state;
  const double es[] = {0.0, 1e-6, 1.0}, as[] = {0.0, 1.0, 1e4};
  mpfr_t r;
  mpfr_init2(r, MP_BITS);
  for (int bf = 0; bf <= 1; bf++) {
    dlv_bound f = dlv_bound_lowp_final(bf);
    assert_true(f.rel == format_u(bf) && f.abs == format_eta(bf));
    assert_true(f.n == 0);
    for (size_t i = 0; i < COUNT(es); i++)
      for (size_t j = 0; j < COUNT(as); j++) {
        mpfr_set_d(r, as[j], MPFR_RNDN);
        mpfr_add_d(r, r, es[i], MPFR_RNDN);     /* |y| = a + e */
        mp_times_one_plus(r, format_u(bf));     /* y (1 + u) */
        mpfr_add_d(r, r, format_eta(bf), MPFR_RNDN);
        mpfr_sub_d(r, r, as[j], MPFR_RNDN);     /* minus x */
        assert_agrees(dlv_lowp_round_after(es[i], as[j], bf), r,
                      "lowp_round_after");
      }
  }
  mpfr_clear(r);
}

/* dlv_conv3d_bf16_roundings: walk each group of `paired` products two per
 * vdpbf16ps step (an odd last one padded), two roundings per step. */
static double bf16_roundings_walked(double groups, size_t paired)
{
  double steps = 0.0;
  for (size_t p = 0; p < paired; p += 2)
    steps += 1.0;
  return groups * steps * 2.0;
}

static void conv3d_bf16_roundings_twin(void **state)
{
  (void)state;
  const double groups[] = {1.0, 8.0, 27.0, 125.0};
  for (size_t i = 0; i < COUNT(groups); i++)
    for (size_t paired = 1; paired <= 9; paired++)
      assert_count(
          dlv_conv3d_bf16_roundings(groups[i] * (double)paired, paired),
          bf16_roundings_walked(groups[i], paired), "conv3d_bf16_roundings",
          (double)paired);
}

/* dlv_bound_conv3d_fp16: the float FAST convolution on exact conversions,
 * P3's float dot bound with K = terms: gamma_K(u_float) S + 2 K eta_float;
 * covering (1 + gamma_K) K eta at S = 0. */
static void conv3d_fp16_twin(void **state)
{
  (void)state;
  const double sums[] = {0.0, 1.0, 1e30};
  mpfr_t r, w;
  mpfr_inits2(MP_BITS, r, w, (mpfr_ptr)0);
  for (size_t i = 0; i < COUNT(p3_ks); i++)
    for (size_t l = 0; l < COUNT(sums); l++) {
      double k = p3_ks[i];
      mp_gamma(r, k, ldexp(1.0, -FLT_MANT_DIG));
      mpfr_mul_d(r, r, sums[l], MPFR_RNDN);
      mpfr_set_d(w, 2.0 * k, MPFR_RNDN);
      mpfr_mul_d(w, w, float_eta(), MPFR_RNDN);
      mpfr_add(r, r, w, MPFR_RNDN);
      double b = dlv_bound_conv3d_fp16(k, sums[l]);
      assert_agrees(b, r, "conv3d_fp16");
      if (sums[l] == 0.0) {
        mpfr_set_d(w, k * float_eta(), MPFR_RNDN);
        mp_mul_one_plus_gamma(w, k, DLV_U_FLOAT);
        assert_covers(b, w, "conv3d_fp16 covers the underflow");
      }
    }
  mpfr_clears(r, w, (mpfr_ptr)0);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(p5_gradient_counts_recounted),
      cmocka_unit_test(p5_value_counts_recounted),
      cmocka_unit_test(p5_complex_point_counts_recounted),
      cmocka_unit_test(p5_p3_slacks_cover_their_roundings),
      cmocka_unit_test(hvp_trunc_twin),
      cmocka_unit_test(cstep_value_trunc_twin),
      cmocka_unit_test(logistic_underflow_twin),
      cmocka_unit_test(quadratic_underflow_grad_twin),
      cmocka_unit_test(closs_norm_underflow_twin),
      cmocka_unit_test(quadratic_underflow_value_twins),
      cmocka_unit_test(logistic_underflow_z_twin),
      cmocka_unit_test(hvp_cstep_underflow_twin),
      cmocka_unit_test(closs_z_twin),
      cmocka_unit_test(hvp_cstep_twin),
      cmocka_unit_test(hvp_central_twin),
      cmocka_unit_test(hvp_symmetry_twin),
      cmocka_unit_test(linesearch_twins),
      cmocka_unit_test(rel_compose_twin),
      cmocka_unit_test(lambda_gradient_rel_twin),
      cmocka_unit_test(p5_slope_identity_twin),
      cmocka_unit_test(brent_resolution_twin),
      cmocka_unit_test(quadratic_value_twin),
      cmocka_unit_test(conv3d_dot_twin),
      cmocka_unit_test(conv3d_adjoint_twin),
      cmocka_unit_test(conv3d_grad_formula_twin),
      cmocka_unit_test(conv3d_cstep_twin),
      cmocka_unit_test(lowp_nrm2_depth_and_ssq_twins),
      cmocka_unit_test(lowp_nrm2_twin),
      cmocka_unit_test(lowp_nrm2_grad_twin),
      cmocka_unit_test(lowp_final_and_round_after_twins),
      cmocka_unit_test(conv3d_bf16_roundings_twin),
      cmocka_unit_test(conv3d_fp16_twin),
  };
  return cmocka_run_group_tests_name("bounds_p3p5", tests, NULL, NULL);
}
