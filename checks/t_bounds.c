/* t_bounds.c: tests of the bounds library itself (checks/bounds.h and its
 * parts in checks/bounds/): known values, monotonicity where the analysis
 * requires it, each formula's double evaluation against the same formula
 * evaluated in MPFR, no NaN over the documented argument ranges, and
 * self-tests of the harness that must fail (a check that cannot fail is a
 * defect). Shared MPFR helpers and the comparison slack: bound_twins.h. */
#include <float.h>
#include <gsl/gsl_cdf.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>

#include "bound_twins.h"
#include "bounds.h"
#include "check.h"
#include "nrm2.h"

static void gamma_known_values_and_mpfr(void **state)
{
  (void)state;
  mpfr_t r;
  mpfr_init2(r, MP_BITS);
  for (double n = 1; n <= 1024; n++) {
    mp_gamma(r, n, DLV_U_DOUBLE);
    assert_agrees(dlv_gamma(n, DLV_U_DOUBLE), r, "gamma_n(u_double)");
    mp_gamma(r, n, DLV_U_FLOAT);
    assert_agrees(dlv_gamma(n, DLV_U_FLOAT), r, "gamma_n(u_float)");
  }
  /* n u < 1 is finite, n u >= 1 has no bound: +Inf */
  assert_true(dlv_gamma(0x1p53 - 1.0, DLV_U_DOUBLE) < INFINITY);
  assert_true(isinf(dlv_gamma(0x1p53, DLV_U_DOUBLE)));
  assert_true(isinf(dlv_gamma(0x1p24, DLV_U_FLOAT)));
  assert_true(isinf(dlv_gamma(1e300, DLV_U_FLOAT)));
  assert_true(dlv_gamma(1, 0x1p-1) == 1.0); /* 2^-1 / (1 - 2^-1) exactly */
  mpfr_clear(r);
}

static void gamma_increasing_in_n(void **state)
{
  (void)state;
  double prev = 0.0;
  for (double n = 1; n < 0x1p53; n = n < 4096 ? n + 1 : n * 1.5) {
    double g = dlv_gamma(n, DLV_U_DOUBLE);
    assert_true(g > prev);
    prev = g;
  }
}

static void sqrt_of_perturbed_against_mpfr(void **state)
{
  (void)state;
  mpfr_t g, r;
  mpfr_inits2(MP_BITS, g, r, (mpfr_ptr)0);
  const double us[] = {DLV_U_DOUBLE, DLV_U_FLOAT, 0x1p-8, 0x1p-11};
  for (size_t i = 0; i < COUNT(us); i++)
    for (double gd = 0x1p-60; gd < 0.75; gd *= 1.37) {
      mpfr_set_d(g, gd, MPFR_RNDN);
      mp_sqrt_of_perturbed(r, g, us[i]);
      assert_agrees(dlv_sqrt_of_perturbed_rel(gd, us[i]), r,
                    "sqrt_of_perturbed_rel");
    }
  mpfr_clears(g, r, (mpfr_ptr)0);
}

/* The nrm2 bound's rel at n = 1, 2, 512 and more against its closed form
 * sqrt_of_perturbed(gamma_n + n 2^-972, u), all in MPFR. */
static void nrm2_rel_closed_form(void **state)
{
  (void)state;
  mpfr_t g, r, t;
  mpfr_inits2(MP_BITS, g, r, t, (mpfr_ptr)0);
  const size_t ns[] = {1, 2, 3, 512, 1000, 1u << 20};
  for (size_t i = 0; i < COUNT(ns); i++) {
    double n = (double)ns[i];
    mp_gamma(g, n, DLV_U_DOUBLE);
    mpfr_set_d(t, n, MPFR_RNDN);
    mpfr_mul_2si(t, t, -972, MPFR_RNDN);
    mpfr_add(g, g, t, MPFR_RNDN);
    mp_sqrt_of_perturbed(r, g, DLV_U_DOUBLE);
    assert_agrees(dlv_bound_nrm2_d(ns[i]).rel, r, "nrm2_d rel");
    assert_true(dlv_bound_nrm2_d(ns[i]).abs == DLV_ETA_DOUBLE);
  }
  /* n = 1: sqrt(x^2 (1 + d1)) (1 + d2): rel is about (1/2 + 1) u */
  double r1 = dlv_bound_nrm2_d(1).rel;
  assert_true(r1 > 1.5 * DLV_U_DOUBLE && r1 < 1.5 * DLV_U_DOUBLE * 1.001);
  mpfr_clears(g, r, t, (mpfr_ptr)0);
}

/* (1 + u)^2 / (1 - beta) - 1 in MPFR: two roundings over a perturbed
 * square root (bounds/nrm2.h, the gradient). */
static void mp_two_over_root(mpfr_t r, mpfr_srcptr beta, double u)
{
  mpfr_t d;
  mpfr_init2(d, MP_BITS);
  mpfr_set_d(r, u, MPFR_RNDN);
  mpfr_add_ui(r, r, 1, MPFR_RNDN); /* 1 + u in MPFR (2^-53 is lost in double) */
  mpfr_sqr(r, r, MPFR_RNDN);
  mpfr_ui_sub(d, 1, beta, MPFR_RNDN);
  mpfr_div(r, r, d, MPFR_RNDN);
  mpfr_sub_ui(r, r, 1, MPFR_RNDN);
  mpfr_clear(d);
}

/* nrm2_grad_d and _s against their derivations in MPFR: the double
 * quotient (x_i 2^-e)(1/r) with two roundings over r's relative error
 * (nrm2_d's without its final scaling, gamma_n under the root for _s),
 * then _s's rounding to float; their underflow terms. */
static void nrm2_grad_closed_form(void **state)
{
  (void)state;
  mpfr_t beta, r, g;
  mpfr_inits2(MP_BITS, beta, r, g, (mpfr_ptr)0);
  const size_t ns[] = {1, 2, 3, 512, 1000, 1u << 20};
  for (size_t i = 0; i < COUNT(ns); i++) {
    mpfr_set_d(beta, dlv_bound_nrm2_d(ns[i]).rel, MPFR_RNDN);
    mp_two_over_root(r, beta, DLV_U_DOUBLE);
    assert_agrees(dlv_bound_nrm2_grad_d(ns[i]).rel, r, "nrm2_grad_d rel");
    assert_true(dlv_bound_nrm2_grad_d(ns[i]).abs == 2.0 * DLV_ETA_DOUBLE);
    mp_gamma(g, (double)ns[i], DLV_U_DOUBLE);
    mp_sqrt_of_perturbed(beta, g, DLV_U_DOUBLE);
    mp_two_over_root(r, beta, DLV_U_DOUBLE);
    mpfr_add_ui(r, r, 1, MPFR_RNDN);
    mpfr_mul_d(r, r, 1.0 + DLV_U_FLOAT, MPFR_RNDN);
    mpfr_sub_ui(r, r, 1, MPFR_RNDN);
    assert_agrees(dlv_bound_nrm2_grad_s(ns[i]).rel, r, "nrm2_grad_s rel");
    assert_true(dlv_bound_nrm2_grad_s(ns[i]).abs == DLV_ETA_FLOAT);
  }
  mpfr_clears(beta, r, g, (mpfr_ptr)0);
}

/* The low-precision units from the formats' parameters (precision p
 * including the hidden bit, smallest normal exponent emin): u = 2^-p, and
 * eta, half the smallest subnormal, 2^(emin - p + 1) / 2. */
static void lowp_units_from_formats(void **state)
{
  (void)state;
  const struct {
    const char *name;
    int p, emin;
    double u, eta;
  } f[] = {{"bf16", 8, -126, DLV_U_BF16, DLV_ETA_BF16},
           {"fp16", 11, -14, DLV_U_FP16, DLV_ETA_FP16}};
  for (size_t i = 0; i < COUNT(f); i++)
    if (f[i].u != ldexp(1.0, -f[i].p) ||
        f[i].eta != ldexp(1.0, f[i].emin - f[i].p))
      fail_msg("%s: u %a eta %a, the format gives %a and %a", f[i].name,
               f[i].u, f[i].eta, ldexp(1.0, -f[i].p),
               ldexp(1.0, f[i].emin - f[i].p));
}

/* conv3d bf16/fp16 (bounds/low_precision.h): the rounding count of an
 * element (two per step that can round, an odd paired extent padded to a
 * whole step) and the bounds against their formulas in MPFR; S = 0 leaves
 * the flush term alone. */
static void mp_conv3d_bf16(mpfr_t r, double rounds, double s, double w)
{
  mpfr_t t;
  mpfr_init2(t, MP_BITS);
  mp_gamma(r, rounds, DLV_U_FLOAT);
  mpfr_mul_d(r, r, s, MPFR_RNDN);
  mpfr_set_d(t, 2.0 * rounds * w, MPFR_RNDN);
  mpfr_mul_2si(t, t, -126, MPFR_RNDN);
  mpfr_add(r, r, t, MPFR_RNDN);
  mpfr_clear(t);
}

static void conv3d_lowp_closed_form(void **state)
{
  (void)state;
  assert_true(dlv_conv3d_bf16_roundings(27.0 * 5, 5) == 162.0);
  assert_true(dlv_conv3d_bf16_roundings(27.0 * 4, 4) == 108.0);
  assert_true(dlv_conv3d_bf16_roundings(1.0, 1) == 2.0);
  mpfr_t g, t;
  mpfr_inits2(MP_BITS, g, t, (mpfr_ptr)0);
  const double rs[] = {2.0, 162.0, 4096.0}, ss[] = {3.25, 0.0};
  for (size_t i = 0; i < COUNT(rs); i++)
    for (size_t j = 0; j < COUNT(ss); j++) {
      mp_conv3d_bf16(g, rs[i], ss[j], 1.0);
      assert_agrees(dlv_bound_conv3d_bf16(rs[i], ss[j]), g, "conv3d_bf16");
    }
  /* adjoint: (gamma_Ra + gamma_Rb) T + 2 eta (Ra Wa + Rb Wb) */
  mp_conv3d_bf16(g, 162.0, 7.5, 3.0);
  mp_conv3d_bf16(t, 108.0, 7.5, 5.0);
  mpfr_add(g, g, t, MPFR_RNDN);
  assert_agrees(dlv_bound_conv3d_lowp_adjoint(162.0, 108.0, 7.5, 3.0, 5.0,
                                              DLV_FTZ_FLOAT),
                g, "conv3d_lowp_adjoint");
  mp_conv3d_bf16(g, 162.0, 0.0, 3.0);
  mp_conv3d_bf16(t, 108.0, 0.0, 5.0);
  mpfr_add(g, g, t, MPFR_RNDN);
  assert_agrees(dlv_bound_conv3d_lowp_adjoint(162.0, 108.0, 0.0, 3.0, 5.0,
                                              DLV_FTZ_FLOAT),
                g, "conv3d_lowp_adjoint flush term");
  mpfr_clears(g, t, (mpfr_ptr)0);
}

static void claim_bounds_increase_in_n(void **state)
{
  (void)state;
  double prev[7] = {0};
  for (size_t n = 1; n < ((size_t)1 << 40); n = n < 64 ? n + 1 : n * 3) {
    double now[7] = {
        dlv_bound_nrm2_d(n).rel,
        dlv_bound_nrm2_s(n).rel,
        dlv_bound_nrm2_grad_d(n).rel,
        dlv_bound_nrm2_grad_s(n).rel,
        dlv_bound_p2_dot(n, 1, DLV_U_FLOAT, DLV_ETA_FLOAT).rel,
        dlv_bound_prox_group_d(n).rel,
        dlv_bound_conv3d_dot((double)n, DLV_U_FLOAT, DLV_ETA_FLOAT, 1.0),
    };
    for (size_t i = 0; i < COUNT(now); i++) {
      if (!(now[i] >= prev[i]))
        print_error("bound %zu at n = %zu: %.17g < %.17g\n", i, n, now[i],
                    prev[i]);
      assert_true(now[i] >= prev[i]);
      prev[i] = now[i];
    }
  }
}

static void bound_increases_in_exact(void **state)
{
  (void)state;
  dlv_bound b = dlv_bound_nrm2_d(100);
  double prev = dlv_bound_at(b, 0.0);
  assert_true(prev == DLV_ETA_DOUBLE);
  for (double x = 0x1p-1074; x < DBL_MAX / 4; x *= 3.0) {
    double now = dlv_bound_at(b, x);
    assert_true(now >= prev);
    prev = now;
  }
}

/* ---- statistics ------------------------------------------------------ */

static void bonferroni_alphas(void **state)
{
  (void)state;
  double alpha = 2.0 * gsl_cdf_ugaussian_Q(DLV_MC_Z); /* 5.733e-7 */
  assert_true(fabs(DLV_MC_ALPHA_EACH(1) - alpha) <= 1e-12 * alpha);
  assert_true(alpha > 5.7e-7 && alpha < 5.8e-7);
  for (int k = 1; k <= 64; k++) {
    assert_true(fabs(DLV_MC_ALPHA_EACH(k) * k - alpha) <= 1e-12 * alpha);
    assert_true(DLV_P2_ALPHA_EACH(k) == DLV_MC_ALPHA_EACH(k));
  }
}

/* t and chi-square: the half-widths computed from GSL's quantiles, and the
 * quantile-free bounds (Laurent-Massart, McDiarmid, Gaussian concentration)
 * at least as wide as the exact quantiles they replace. */
static void halfwidths_against_quantiles(void **state)
{
  (void)state;
  const double alphas[] = {DLV_MC_ALPHA_EACH(1), DLV_MC_ALPHA_EACH(32),
                           1e-3, 0.05};
  for (size_t a = 0; a < COUNT(alphas); a++) {
    double al = alphas[a];
    for (double nu = 2; nu <= 1e5; nu *= 3) {
      double q = gsl_cdf_tdist_Qinv(al / 2.0, nu);
      double z = gsl_cdf_ugaussian_Qinv(al / 2.0);
      /* the t half-width is the t quantile's, wider than the normal's */
      assert_true(dlv_t_halfwidth(q, 2.0, nu + 1) == q * 2.0 / sqrt(nu + 1));
      assert_true(q >= z);
      /* chi-square acceptance: at the quantiles the row is just held */
      double lo = gsl_cdf_chisq_Pinv(al / 2.0, nu);
      double hi = gsl_cdf_chisq_Qinv(al / 2.0, nu);
      double s2_hi = hi / nu, s2_lo = lo / nu;
      assert_true(fabs(dlv_chi2_bound(s2_hi, 1.0, nu, lo, hi) -
                       (s2_hi - 1.0)) <= 1e-12 * s2_hi);
      assert_true(fabs(dlv_chi2_bound(s2_lo, 1.0, nu, lo, hi) -
                       (1.0 - s2_lo)) <= 1e-12);
      /* Laurent-Massart covers the exact two-sided quantiles */
      assert_true(1.0 + dlv_chi2_lm_halfwidth(2.0, nu, al) >= s2_hi);
      assert_true(1.0 - dlv_chi2_lm_halfwidth(0.5, nu, al) <= s2_lo);
    }
    /* McDiarmid / DKW and Gaussian concentration invert their tails */
    for (double n = 1; n <= 1e9; n *= 10) {
      double r = dlv_hoeffding_halfwidth(1.0 / n, al);
      assert_true(fabs(2.0 * exp(-2.0 * n * r * r) - al) <= 1e-12 * al);
      double k = dlv_dkw_halfwidth(n, al); /* 2 exp(-2 n k^2) = alpha */
      assert_true(fabs(2.0 * exp(-2.0 * n * k * k) - al) <= 1e-12 * al);
      double f = dlv_freq_halfwidth(n, al); /* c_k = 1/n: the same tail */
      assert_true(fabs(2.0 * exp(-2.0 * n * f * f) - al) <= 1e-12 * al);
      double s = dlv_gauss_conc_halfwidth(1.0 / sqrt(n), al);
      assert_true(fabs(2.0 * exp(-s * s * n / 2.0) - al) <= 1e-12 * al);
    }
  }
}

/* The prox bounds (bounds/p4_prox.h) from their derivation in MPFR: with
 * beta the norm's relative bound, e = beta / (1 - beta) and gamma_3,
 * c_v = (1 + beta) e (1 + gamma_3), rel = gamma_3, abs eta; the float
 * kernel rounds once more to float: c_v (1 + u_s), rel (1 + u_s) + u_s. */
static void mp_prox(double beta, double uf, double *v, double *rel)
{
  mpfr_t e, g3, t;
  mpfr_inits2(MP_BITS, e, g3, t, (mpfr_ptr)0);
  mpfr_set_d(t, 1.0, MPFR_RNDN);
  mpfr_sub_d(t, t, beta, MPFR_RNDN);
  mpfr_set_d(e, beta, MPFR_RNDN);
  mpfr_div(e, e, t, MPFR_RNDN);    /* e */
  mp_gamma(g3, 3.0, DLV_U_DOUBLE); /* gamma_3 */
  mpfr_add_d(t, g3, 1.0, MPFR_RNDN);
  mpfr_mul(e, e, t, MPFR_RNDN);
  mpfr_set_d(t, beta, MPFR_RNDN);
  mpfr_add_ui(t, t, 1, MPFR_RNDN);
  mpfr_mul(e, e, t, MPFR_RNDN); /* c_v */
  if (uf > 0.0) {
    mpfr_set_d(t, uf, MPFR_RNDN);
    mpfr_add_ui(t, t, 1, MPFR_RNDN);
    mpfr_mul(e, e, t, MPFR_RNDN);
    mpfr_mul(g3, g3, t, MPFR_RNDN);
    mpfr_add_d(g3, g3, uf, MPFR_RNDN);
  }
  *v = mpfr_get_d(e, MPFR_RNDN);
  *rel = mpfr_get_d(g3, MPFR_RNDN);
  mpfr_clears(e, g3, t, (mpfr_ptr)0);
}

static void assert_close(double got, double want, const char *what)
{
  mpfr_t w;
  mpfr_init2(w, MP_BITS);
  mpfr_set_d(w, want, MPFR_RNDN);
  assert_agrees(got, w, what);
  mpfr_clear(w);
}

static void prox_bounds_derived(void **state)
{
  (void)state;
  double v, rel;
  for (size_t n = 1; n <= 4096; n *= 2) {
    mp_prox(dlv_bound_nrm2_d(n).rel, 0.0, &v, &rel);
    dlv_bound_prox b = dlv_bound_prox_group_d(n);
    assert_close(b.v, v, "prox_group_d c_v");
    assert_close(b.rel, rel, "prox_group_d rel (gamma_3)");
    assert_true(b.abs == DLV_ETA_DOUBLE);
    mp_prox(dlv_bound_nrm2_s(n).rel, DLV_U_FLOAT, &v, &rel);
    b = dlv_bound_prox_group_s(n);
    assert_close(b.v, v, "prox_group_s c_v");
    assert_close(b.rel, rel, "prox_group_s rel");
    assert_true(b.abs == DLV_ETA_FLOAT);
  }
  mp_prox(0.0, 0.0, &v, &rel);
  assert_true(dlv_bound_prox_exact_norm_d().v == 0.0);
  assert_close(dlv_bound_prox_exact_norm_d().rel, rel, "prox_exact_norm_d");
  mp_prox(0.0, DLV_U_FLOAT, &v, &rel);
  assert_true(dlv_bound_prox_exact_norm_s().v == 0.0);
  assert_close(dlv_bound_prox_exact_norm_s().rel, rel, "prox_exact_norm_s");
  /* prox_group_norm: beta = rel + abs/||v|| (a subnormal norm's absolute
   * term made relative), the analysis only while beta < 1/2, else |out -
   * exact| <= 2 |v_i| */
  const double nrms[] = {0x1p-1070, 0x1p-1000, 1.0, 1e300};
  for (int is_float = 0; is_float <= 1; is_float++)
    for (size_t i = 0; i < COUNT(nrms); i++) {
      dlv_bound nb = is_float ? dlv_bound_nrm2_s(9) : dlv_bound_nrm2_d(9);
      double beta = nb.rel + nb.abs / nrms[i]; /* 1 rounding: far below */
      dlv_bound_prox pb = dlv_bound_prox_group_norm(9, nrms[i], is_float);
      assert_true(pb.abs == (is_float ? DLV_ETA_FLOAT : DLV_ETA_DOUBLE));
      if (beta >= 0.5) {
        assert_true(pb.v == 2.0 && pb.rel == 0.0);
        continue;
      }
      mp_prox(beta, is_float ? DLV_U_FLOAT : 0.0, &v, &rel);
      assert_close(pb.v, v, "prox_group_norm c_v");
      assert_close(pb.rel, rel, "prox_group_norm rel");
    }
  /* l2reg_grad: gamma_3 (|g| + |c theta|) + eta */
  mpfr_t r;
  mpfr_init2(r, MP_BITS);
  const double g[] = {0.0, 1.0, 3.5, 1e300}, c[] = {0.0, 0.25, 7.0, 1e-300};
  for (size_t i = 0; i < COUNT(g); i++)
    for (size_t j = 0; j < COUNT(c); j++) {
      mp_gamma(r, 3.0, DLV_U_DOUBLE);
      mpfr_mul_d(r, r, g[i] + c[j], MPFR_RNDN); /* the sum exact or far */
      mpfr_add_d(r, r, DLV_ETA_DOUBLE, MPFR_RNDN);
      assert_agrees(dlv_bound_l2reg_grad_entry(g[i], c[j]), r,
                    "l2reg_grad_entry gamma_3 (|g| + |c theta|) + eta");
    }
  mpfr_clear(r);
}

/* The stream bounds (bounds/streams.h) from their derivations in MPFR:
 * polar_rel's factor sqrt((1 + e1)(1 + u)/(1 - gamma_2)) (1 + u)^2 - 1
 * (and the lower side), e1 = (1 + 2u L)(1 + gamma'/|ln R|) - 1 with L
 * libm's log ulps; mc_pair_z's slack; the turning points' McDiarmid
 * half-width (changing a sample moves T by 3: sum c^2 = 9 n) plus the
 * order changes' shift 2 (n - 1) 2k/pi. */
static double mp_polar_rel(double ln_r_abs, double u)
{
  mpfr_t g2, gp, e1, t, up, down;
  mpfr_inits2(MP_BITS, g2, gp, e1, t, up, down, (mpfr_ptr)0);
  mp_gamma(g2, 2.0, u);
  mpfr_ui_sub(t, 1, g2, MPFR_RNDN);
  mpfr_div(gp, g2, t, MPFR_RNDN);           /* gamma' */
  mpfr_div_d(e1, gp, ln_r_abs, MPFR_RNDN);
  mpfr_add_ui(e1, e1, 1, MPFR_RNDN);
  mpfr_set_d(t, u, MPFR_RNDN);
  mpfr_mul_d(t, t, 2.0 * DLV_LIBM_LOG_ULPS, MPFR_RNDN);
  mpfr_add_ui(t, t, 1, MPFR_RNDN);
  mpfr_mul(e1, e1, t, MPFR_RNDN);
  mpfr_sub_ui(e1, e1, 1, MPFR_RNDN);        /* e1 */
  for (int side = 0; side < 2; side++) {
    double sg = side == 0 ? 1.0 : -1.0;
    mpfr_ptr r = side == 0 ? up : down;
    mpfr_mul_d(r, e1, sg, MPFR_RNDN);
    mpfr_add_ui(r, r, 1, MPFR_RNDN);        /* 1 +- e1 */
    mpfr_set_d(t, sg * u, MPFR_RNDN);
    mpfr_add_ui(t, t, 1, MPFR_RNDN);        /* 1 +- u */
    mpfr_mul(r, r, t, MPFR_RNDN);
    mpfr_mul_d(t, g2, -sg, MPFR_RNDN);
    mpfr_add_ui(t, t, 1, MPFR_RNDN);        /* 1 -+ gamma_2 */
    mpfr_div(r, r, t, MPFR_RNDN);
    mpfr_sqrt(r, r, MPFR_RNDN);
    mpfr_set_d(t, sg * u, MPFR_RNDN);
    mpfr_add_ui(t, t, 1, MPFR_RNDN);
    mpfr_mul(r, r, t, MPFR_RNDN);
    mpfr_mul(r, r, t, MPFR_RNDN);
    mpfr_sub_ui(r, r, 1, MPFR_RNDN);
    mpfr_mul_d(r, r, sg, MPFR_RNDN);        /* the deviation from 1 */
  }
  if (mpfr_cmp_ui(e1, 1) >= 0) /* the factor may reach 0: at most 1 below */
    mpfr_set_ui(down, 1, MPFR_RNDN);
  mpfr_max(up, up, down, MPFR_RNDN);
  double out = mpfr_get_d(up, MPFR_RNDN);
  mpfr_clears(g2, gp, e1, t, up, down, (mpfr_ptr)0);
  return out;
}

static double mp_pair_z_slack(double rho, size_t n, double s_abs, double num,
                              double den)
{
  mpfr_t e, g, q, moved, t;
  mpfr_inits2(MP_BITS, e, g, q, moved, t, (mpfr_ptr)0);
  mpfr_set_d(q, 1.0, MPFR_RNDN);
  mpfr_add_d(q, q, rho, MPFR_RNDN);
  mpfr_set_d(t, 1.0, MPFR_RNDN);
  mpfr_sub_d(t, t, rho, MPFR_RNDN);
  mpfr_div(q, q, t, MPFR_RNDN);             /* (1 + rho)/(1 - rho) */
  mpfr_sqr(e, q, MPFR_RNDN);
  mpfr_sub_ui(e, e, 1, MPFR_RNDN);          /* e */
  mp_gamma(g, (double)n + 2.0, DLV_U_DOUBLE);
  mpfr_add(moved, e, g, MPFR_RNDN);
  mpfr_mul_d(moved, moved, s_abs, MPFR_RNDN);
  mpfr_set_d(q, 2.0 * rho, MPFR_RNDN);
  mpfr_div(q, q, t, MPFR_RNDN);
  mpfr_add(q, q, g, MPFR_RNDN);             /* 2 rho/(1 - rho) + g */
  mpfr_add_d(t, moved, fabs(num), MPFR_RNDN);
  mpfr_mul(t, t, q, MPFR_RNDN);
  mpfr_add(t, t, moved, MPFR_RNDN);
  mpfr_div_d(t, t, den, MPFR_RNDN);
  double out = mpfr_get_d(t, MPFR_RNDN);
  mpfr_clears(e, g, q, moved, t, (mpfr_ptr)0);
  return out;
}

static void streams_bounds_derived(void **state)
{
  (void)state;
  const double lnr[] = {0x1p-53, 1e-3, 0.5, 1.0, 7.0, 700.0};
  const double us[] = {DLV_U_DOUBLE, DLV_U_FLOAT};
  for (size_t i = 0; i < COUNT(lnr); i++)
    for (size_t j = 0; j < COUNT(us); j++)
      assert_close(dlv_bound_polar_rel(lnr[i], us[j]),
                   mp_polar_rel(lnr[i], us[j]), "polar_rel");
  const double rhos[] = {0.0, 0x1p-24};
  for (size_t i = 0; i < COUNT(rhos); i++)
    for (size_t n = 1; n <= 1 << 20; n *= 8) {
      double s_abs = 0.75 * (double)n, num = -0.5 * sqrt((double)n);
      double den = sqrt((double)n);
      assert_close(dlv_mc_pair_z_slack(rhos[i], n, s_abs, num, den),
                   mp_pair_z_slack(rhos[i], n, s_abs, num, den),
                   "mc_pair_z_slack");
      double al = DLV_MC_ALPHA_EACH(8), k = 2.0 * rhos[i] / (1.0 - rhos[i]);
      double shift = 2.0 * (double)(n - 1) * 2.0 * k / M_PI;
      double r = dlv_mc_turning_points_halfwidth(n, rhos[i], al) - shift;
      /* McDiarmid's tail at r with sum c^2 = 9 n is alpha */
      assert_true(fabs(2.0 * exp(-2.0 * r * r / (9.0 * (double)n)) - al) <=
                  1e-9 * al);
    }
}

/* P4a's stationarity bound adds gamma over n + m + 4 terms (the reached
 * level passes through unchanged); the float master-weight EMA's stall gap
 * is float's unit roundoff 2^-p (p = FLT_MANT_DIG) over 1 - beta, at least
 * the 2^-(p+1) / (1 - beta) of an exact increment. */
static void stationarity_and_stall_derived(void **state)
{
  (void)state;
  mpfr_t r;
  mpfr_init2(r, MP_BITS);
  for (size_t n = 1; n <= 64; n++)
    for (size_t m = 0; m <= 64; m += 8) {
      mp_gamma(r, (double)(n + m + 4), DLV_U_DOUBLE);
      dlv_bound_sampled b = dlv_bound_stationarity(n, m, 0.0);
      assert_agrees(b.b.abs, r, "stationarity gamma_{n+m+4}");
      assert_true(b.b.rel == 0.0 && b.b.n == n && b.m == m);
      assert_true(dlv_bound_stationarity(n, m, 0.25).b.abs ==
                  0.25 + b.b.abs);
    }
  mpfr_clear(r);
  double u = ldexp(1.0, -FLT_MANT_DIG);
  for (unsigned k = 2; k <= 4096; k *= 2) {
    double beta = 1.0 - 1.0 / k;
    assert_true(dlv_bound_float_ema_stall_gap(beta) == u * k);
    assert_true(dlv_bound_float_ema_stall_gap(beta) >= u / 2.0 * k);
  }
}

/* lambda_rounded_gradient_rel (P5's reference path): beta = u in beta /
 * (1 - beta), then one rounding: (1 + u/(1 - u))(1 + u) - 1. */
static void lambda_rounded_gradient_derived(void **state)
{
  (void)state;
  mpfr_t r, t;
  mpfr_inits2(MP_BITS, r, t, (mpfr_ptr)0);
  mpfr_set_d(t, DLV_U_DOUBLE, MPFR_RNDN);
  mpfr_ui_sub(r, 1, t, MPFR_RNDN);
  mpfr_div(r, t, r, MPFR_RNDN); /* u / (1 - u) */
  mpfr_add_ui(r, r, 1, MPFR_RNDN);
  mpfr_add_ui(t, t, 1, MPFR_RNDN);
  mpfr_mul(r, r, t, MPFR_RNDN);
  mpfr_sub_ui(r, r, 1, MPFR_RNDN);
  assert_agrees(dlv_bound_lambda_rounded_gradient_rel(), r,
                "lambda_rounded_gradient_rel");
  mpfr_clears(r, t, (mpfr_ptr)0);
}

/* tail_crossing on tails whose crossing is known: x/nu rising through p
 * at p nu, 1 - x falling through p at 1 - p; the result and its neighbour
 * doubles straddle p (bisection to adjacent doubles). */
static double rising_tail(double x, double nu) { return x / nu; }
static double falling_tail(double x, double nu) { return 1.0 - x * nu; }

static void tail_crossing_by_definition(void **state)
{
  (void)state;
  const double ps[] = {0x1p-30, 0.3, 0.5, 0.75};
  for (size_t i = 0; i < COUNT(ps); i++) {
    double x = dlv_tail_crossing(rising_tail, 2.0, ps[i], 0.0, 2.0);
    assert_true(rising_tail(nextafter(x, -1.0), 2.0) <= ps[i] &&
                rising_tail(nextafter(x, 3.0), 2.0) >= ps[i]);
    x = dlv_tail_crossing(falling_tail, 1.0, ps[i], 0.0, 1.0);
    assert_true(falling_tail(nextafter(x, -1.0), 1.0) >= ps[i] &&
                falling_tail(nextafter(x, 2.0), 1.0) <= ps[i]);
  }
  /* the comparator qsort and dlv_ks_distance sort with: -1, 0, 1 */
  const double a = 1.0, b = 2.0, pz = 0.0, nz = -0.0;
  assert_true(dlv_cmp_double(&a, &b) == -1 && dlv_cmp_double(&b, &a) == 1);
  assert_true(dlv_cmp_double(&a, &a) == 0 && dlv_cmp_double(&pz, &nz) == 0);
}

/* The acceptance levels and assumed accuracies, against what they are
 * stated to be: DLV_SOLVER_STATIONARITY sqrt(2u) = 2^-26; DLV_PG_
 * STATIONARITY 8 times the exact-arithmetic guarantee (1 + t L) tol <=
 * 2 DLV_PG_TOL; DLV_MC_CDF_ABS covers Phi through libm's erfc, measured
 * against MPFR's erfc at 257 points of [-40, 40]. */
static void levels_as_stated(void **state)
{
  (void)state;
  assert_true(DLV_SOLVER_STATIONARITY == sqrt(2.0 * DLV_U_DOUBLE));
  assert_true(DLV_PG_STATIONARITY == 8.0 * 2.0 * DLV_PG_TOL);
  mpfr_t r;
  mpfr_init2(r, MP_BITS);
  double worst = 0.0;
  for (int i = -128; i <= 128; i++) {
    double x = 40.0 * i / 128.0;
    mpfr_sqrt_ui(r, 2, MPFR_RNDN);
    mpfr_d_div(r, -x, r, MPFR_RNDN);
    mpfr_erfc(r, r, MPFR_RNDN);
    mpfr_div_2ui(r, r, 1, MPFR_RNDN);
    double phi = 0.5 * erfc(-x / sqrt(2.0));
    worst = fmax(worst, fabs(phi - mpfr_get_d(r, MPFR_RNDN)));
  }
  mpfr_clear(r);
  assert_true(worst <= DLV_MC_CDF_ABS);
}

/* The two-sided quantiles put alpha/2 in each tail (GSL's inverses are
 * refined to about 1e-10 relative here; a one-sided quantile, alpha in a
 * tail, is off by a factor 2), the pooled t has groups nu_each degrees of
 * freedom. */
static void assert_tail(double p, double want, const char *what, double df)
{
  if (!(fabs(p - want) <= 1e-6 * want)) {
    print_error("%s (df %g): tail %.17g, want %.17g\n", what, df, p, want);
    fail();
  }
}

static void two_sided_quantiles(void **state)
{
  (void)state;
  const double alphas[] = {DLV_MC_ALPHA_EACH(1), DLV_MC_ALPHA_EACH(32),
                           1e-3, 0.05};
  for (size_t a = 0; a < COUNT(alphas); a++) {
    double al = alphas[a];
    assert_tail(2.0 * gsl_cdf_ugaussian_Q(dlv_z_quantile(al)), al, "z", 0);
    for (double nu = 2; nu <= 1e5; nu *= 3) {
      assert_tail(2.0 * gsl_cdf_tdist_Q(dlv_t_quantile(al, nu), nu), al, "t",
                  nu);
      dlv_pooled_var pool = DLV_POOLED_VAR_INIT;
      for (int m = 1; m <= 8; m++) { /* m groups of nu each: m nu */
        dlv_pooled_add(&pool, 1.0, nu);
        assert_tail(2.0 * gsl_cdf_tdist_Q(dlv_pooled_t_quantile(al, &pool),
                                          m * nu),
                    al, "pooled t", m * nu);
      }
      double lo, hi;
      dlv_chi2_interval(al, nu, &lo, &hi);
      assert_tail(gsl_cdf_chisq_P(lo, nu), al / 2.0, "chi2 lower", nu);
      assert_tail(gsl_cdf_chisq_Q(hi, nu), al / 2.0, "chi2 upper", nu);
    }
  }
}

/* The pooled variance by its definition: sum nu_i var_i / sum nu_i over
 * groups of unequal degrees of freedom, and those degrees of freedom. */
static void pooled_variance_by_definition(void **state)
{
  (void)state;
  const double var[] = {0.25, 4.0, 1.0, 9.0}, nu[] = {1.0, 3.0, 10.0, 99.0};
  dlv_pooled_var pool = DLV_POOLED_VAR_INIT;
  double num = 0.0, den = 0.0;
  for (size_t i = 0; i < COUNT(var); i++) {
    dlv_pooled_add(&pool, var[i], nu[i]);
    num += nu[i] * var[i], den += nu[i];
    double want = sqrt(num / den);
    if (pool.df != den || !(fabs(dlv_pooled_sd(&pool) - want) <=
                            4.0 * DBL_EPSILON * want)) {
      print_error("pooled over %zu groups: sd %.17g df %g, want %.17g %g\n",
                  i + 1, dlv_pooled_sd(&pool), pool.df, want, den);
      fail();
    }
  }
}

/* A cdf with steps at the test's sample values' neighbourhood: uniform on
 * [0, 1]. */
static double uniform_cdf(double x)
{
  return x < 0.0 ? 0.0 : x > 1.0 ? 1.0 : x;
}

/* The KS distance by its definition: the empirical cdf counted at each
 * sample x (its right limit #{v <= x}/n and left limit #{v < x}/n), where
 * |F_n - F| takes its supremum for a continuous F. */
static double ks_by_counting(const double *v, size_t n)
{
  double d = 0.0;
  for (size_t i = 0; i < n; i++) {
    size_t le = 0, lt = 0;
    for (size_t j = 0; j < n; j++)
      le += v[j] <= v[i], lt += v[j] < v[i];
    double f = uniform_cdf(v[i]);
    d = fmax(d, fmax(fabs((double)le / (double)n - f),
                     fabs((double)lt / (double)n - f)));
  }
  return d;
}

static void ks_distance_by_definition(void **state)
{
  (void)state;
  uint64_t st = 7;
  for (size_t n = 1; n <= 40; n++)
    for (int rep = 0; rep < 20; rep++) {
      double v[40], w[40];
      for (size_t i = 0; i < n; i++) {
        st = st * 6364136223846793005ULL + 1442695040888963407ULL;
        /* uniform draws in [0, 1]; in half the reps every sample pushed
         * to one side, so either side of the steps gives the maximum */
        double u = (double)(st >> 11) * 0x1p-53;
        v[i] = rep % 3 == 1 ? u * 0.5 : rep % 3 == 2 ? 0.5 + u * 0.5 : u;
        w[i] = v[i];
      }
      double want = ks_by_counting(v, n);
      double got = dlv_ks_distance(w, n, uniform_cdf);
      if (!(fabs(got - want) <= 4.0 * DLV_U_DOUBLE)) {
        print_error("KS distance of %zu samples (rep %d): %.17g, by "
                    "counting %.17g\n", n, rep, got, want);
        fail();
      }
    }
}

static void halfwidths_decrease_in_count(void **state)
{
  (void)state;
  double al = DLV_MC_ALPHA_EACH(8);
  double p_t = INFINITY, p_h = INFINITY, p_lo = INFINITY, p_hi = INFINITY;
  for (double n = 2; n < 1e12; n *= 1.7) {
    double t = dlv_t_halfwidth(gsl_cdf_tdist_Qinv(al / 2.0, n - 1), 1.0, n);
    double h = dlv_hoeffding_halfwidth(1.0 / n, al);
    double lo = dlv_chi2_lm_halfwidth(0.5, n, al);
    double hi = dlv_chi2_lm_halfwidth(2.0, n, al);
    assert_true(t < p_t && h < p_h && lo < p_lo && hi < p_hi);
    p_t = t, p_h = h, p_lo = lo, p_hi = hi;
  }
}

/* ---- no NaN over the documented argument ranges --------------------- */

static void assert_not_nan(double v, const char *what, double arg)
{
  if (isnan(v)) {
    print_error("%s is NaN at %.17g\n", what, arg);
    fail();
  }
}

static void gauges_never_nan(void **state)
{
  (void)state;
  const double ns[] = {0, 1, 1e6, 0x1p53, 0x1p60, 1e300, INFINITY};
  for (size_t i = 0; i < COUNT(ns); i++) {
    double g = dlv_gamma(ns[i], DLV_U_DOUBLE);
    assert_not_nan(g, "gamma_n", ns[i]);
    assert_not_nan(dlv_sqrt_of_perturbed_rel(g, DLV_U_DOUBLE),
                   "sqrt_of_perturbed_rel(gamma_n)", ns[i]);
  }
  const size_t sn[] = {1, 2, (size_t)1 << 52, (size_t)1 << 53, SIZE_MAX};
  for (size_t i = 0; i < COUNT(sn); i++) {
    assert_not_nan(dlv_bound_nrm2_d(sn[i]).rel, "nrm2_d", (double)sn[i]);
    assert_not_nan(dlv_bound_nrm2_s(sn[i]).rel, "nrm2_s", (double)sn[i]);
    assert_not_nan(dlv_bound_nrm2_grad_d(sn[i]).rel, "nrm2_grad_d",
                   (double)sn[i]);
    assert_not_nan(dlv_bound_nrm2_grad_s(sn[i]).rel, "nrm2_grad_s",
                   (double)sn[i]);
    assert_not_nan(dlv_bound_lowp_nrm2(sn[i]).rel, "lowp_nrm2",
                   (double)sn[i]);
    for (int bf = 0; bf <= 1; bf++)
      assert_not_nan(dlv_bound_lowp_nrm2_grad(sn[i], bf).rel,
                     "lowp_nrm2_grad", (double)sn[i]);
    assert_not_nan(dlv_bound_cstep_nrm2(sn[i]).rel, "cstep_nrm2",
                   (double)sn[i]);
    assert_not_nan(dlv_bound_prox_group_d(sn[i]).rel, "prox_group_d",
                   (double)sn[i]);
    assert_not_nan(dlv_bound_prox_group_s(sn[i]).rel, "prox_group_s",
                   (double)sn[i]);
  }
}

/* Adam over its documented ranges (kernels/adam.h): lr finite, b1, b2 in
 * [0, 1), eps > 0,
 * t >= 1, exact values finite (including 0 and huge), input errors finite
 * or +Inf (an unbounded carried error). */
static void adam_elem_never_nan(void **state)
{
  (void)state;
  const double lrs[] = {0.0, -1e-3, 1e-3, 1.0}, bs[] = {0.0, 0.5, 0.9, 0.999};
  const double epss[] = {1e-300, 1e-8};
  const unsigned long ts[] = {1, 10, 1ul << 40, ULONG_MAX};
  const double vals[] = {0.0, 1e-300, 1.0, 1e300};
  const double errs[] = {0.0, 1e-10, INFINITY};
  for (int f = 0; f <= 1; f++)
    for (size_t a = 0; a < COUNT(lrs); a++)
      for (size_t b = 0; b < COUNT(bs); b++)
        for (size_t e = 0; e < COUNT(epss); e++)
          for (size_t t = 0; t < COUNT(ts); t++)
            for (int corr = 0; corr <= 1; corr++) {
              dlv_adam_ctx c = dlv_adam_ctx_make(f, lrs[a], bs[b], bs[b],
                                                 epss[e], ts[t], corr);
              for (size_t v = 0; v < COUNT(vals); v++)
                for (size_t w = 0; w < COUNT(vals); w++)
                  for (size_t k = 0; k < COUNT(errs); k++) {
                    dlv_adam_exact x = {vals[v], vals[w], vals[v],
                                        vals[w], vals[v], vals[w]};
                    dlv_adam_err in = {errs[k], errs[k], errs[k], errs[k]};
                    dlv_adam_err o = dlv_bound_adam_elem(&c, &x, in);
                    if (isnan(o.theta) || isnan(o.m) || isnan(o.v))
                      print_error("adam_elem NaN: lr %g b %g eps %g t %lu "
                                  "corr %d val %g %g err %g\n",
                                  lrs[a], bs[b], epss[e], ts[t], corr,
                                  vals[v], vals[w], errs[k]);
                    assert_false(isnan(o.theta) || isnan(o.m) ||
                                 isnan(o.v));
                  }
            }
}

/* ---- harness self-tests that must fail ------------------------------ */

/* A deliberately broken nrm2: the kernel's result moved by 2 bounds. */
static double broken_nrm2(size_t n, const double *x, mpfr_srcptr exact)
{
  double r;
  assert_int_equal(dlv_nrm2_d(n, x, 1, &r), 0);
  return r + 2.0 * dlv_bound_at(dlv_bound_nrm2_d(n),
                                fabs(mpfr_get_d(exact, MPFR_RNDN)));
}

static struct {
  size_t n;
  int ok[4], holds[4];
  double ratio[4];
  int failed;
} self;

static void compare_broken_kernel(void **state)
{
  (void)state;
  double x[64];
  mpfr_t exact, t;
  mpfr_inits2(MP_BITS, exact, t, (mpfr_ptr)0);
  mpfr_set_zero(exact, 1);
  for (size_t i = 0; i < COUNT(x); i++) {
    x[i] = 1.0 + (double)i / 3.0;
    mpfr_set_d(t, x[i], MPFR_RNDN);
    mpfr_fma(exact, t, t, exact, MPFR_RNDN);
  }
  mpfr_sqrt(exact, exact, MPFR_RNDN);
  struct dlv_meas m = {.dtype = "double", .shape = "n=64",
                       .quantity = "self-test", .bound_name = "nrm2_d"};
  double good;
  assert_int_equal(dlv_nrm2_d(COUNT(x), x, 1, &good), 0);
  DLV_EXPECT_MP(&m, good, exact, dlv_bound_nrm2_d(COUNT(x)), 53);
  DLV_EXPECT_MP(&m, broken_nrm2(COUNT(x), x, exact), exact,
                dlv_bound_nrm2_d(COUNT(x)), 53);
  DLV_EXPECT_MP(&m, NAN, exact, dlv_bound_nrm2_d(COUNT(x)), 53);
  mpfr_clears(exact, t, (mpfr_ptr)0);
}

static int self_setup(void **state)
{
  (void)state;
  return dlv_check_begin("T");
}

static int self_teardown(void **state)
{
  (void)state;
  const dlv_rows *rows = dlv_recorded();
  self.n = rows->n;
  for (size_t i = 0; i < rows->n && i < COUNT(self.ok); i++) {
    self.ok[i] = rows->rows[i].ok;
    self.holds[i] = rows->rows[i].holds;
    self.ratio[i] = rows->rows[i].ratio;
  }
  return dlv_check_end();
}

static void broken_kernel_fails_the_comparator(void **state)
{
  (void)state;
  const struct CMUnitTest inner[] = {DLV_UNIT_TEST(compare_broken_kernel)};
  printf("t_bounds: the inner group below fails 1 test on purpose\n");
  self.failed = cmocka_run_group_tests_name("self", inner, self_setup,
                                            self_teardown);
  assert_int_equal(self.failed, 1);
  assert_int_equal(self.n, 3);
  assert_true(self.ok[0] && self.holds[0] && self.ratio[0] <= 1.0);
  assert_true(!self.ok[1] && !self.holds[1]);
  printf("t_bounds: broken kernel err/bound = %.4g\n", self.ratio[1]);
  assert_true(self.ratio[1] > 1.9 && self.ratio[1] < 3.1);
  assert_true(!self.ok[2] && !self.holds[2]); /* NaN never holds */
}

/* A bound derived for one length on a row of another (gauges.h: the
 * bound's n against the shape's "n="): the row fails (bound NaN); the
 * same bound on its own length, and on a shape naming none, holds. */
static void wrong_length_bound(void **state)
{
  (void)state;
  mpfr_t exact;
  mpfr_init2(exact, MP_BITS);
  mpfr_set_d(exact, 8.0, MPFR_RNDN);
  struct dlv_meas m = {.dtype = "double", .shape = "n=64 ramp",
                       .quantity = "self-test", .bound_name = "nrm2_d"};
  DLV_EXPECT_MP(&m, 8.0, exact, dlv_bound_nrm2_d(64), 53);
  m.shape = "k=3 m=64";
  DLV_EXPECT_MP(&m, 8.0, exact, dlv_bound_nrm2_d(64), 53);
  m.shape = "k=3 n=63";
  DLV_EXPECT_MP(&m, 8.0, exact, dlv_bound_nrm2_d(64), 53);
  mpfr_clear(exact);
}

static void bound_for_another_length_is_refused(void **state)
{
  (void)state;
  const struct CMUnitTest inner[] = {DLV_UNIT_TEST(wrong_length_bound)};
  printf("t_bounds: the inner group below fails 1 test on purpose\n");
  self.failed = cmocka_run_group_tests_name("self", inner, self_setup,
                                            self_teardown);
  assert_int_equal(self.failed, 1);
  assert_int_equal(self.n, 3);
  assert_true(self.ok[0] && self.ok[1] && !self.ok[2] && !self.holds[2]);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(gamma_known_values_and_mpfr),
      cmocka_unit_test(gamma_increasing_in_n),
      cmocka_unit_test(sqrt_of_perturbed_against_mpfr),
      cmocka_unit_test(nrm2_rel_closed_form),
      cmocka_unit_test(nrm2_grad_closed_form),
      cmocka_unit_test(lowp_units_from_formats),
      cmocka_unit_test(conv3d_lowp_closed_form),
      cmocka_unit_test(claim_bounds_increase_in_n),
      cmocka_unit_test(bound_increases_in_exact),
      cmocka_unit_test(bonferroni_alphas),
      cmocka_unit_test(halfwidths_against_quantiles),
      cmocka_unit_test(halfwidths_decrease_in_count),
      cmocka_unit_test(two_sided_quantiles),
      cmocka_unit_test(pooled_variance_by_definition),
      cmocka_unit_test(stationarity_and_stall_derived),
      cmocka_unit_test(lambda_rounded_gradient_derived),
      cmocka_unit_test(tail_crossing_by_definition),
      cmocka_unit_test(levels_as_stated),
      cmocka_unit_test(prox_bounds_derived),
      cmocka_unit_test(streams_bounds_derived),
      cmocka_unit_test(ks_distance_by_definition),
      cmocka_unit_test(gauges_never_nan),
      cmocka_unit_test(adam_elem_never_nan),
      cmocka_unit_test(broken_kernel_fails_the_comparator),
      cmocka_unit_test(bound_for_another_length_is_refused),
  };
  return cmocka_run_group_tests_name("bounds", tests, NULL, NULL);
}
