/* t_bounds_p4.c: twins of the bounds of claims P4a-P4c (bounds/nrm2.h,
 * bounds/p4_prox.h): each bound evaluated a second time in MPFR from the
 * derivation in its comment (not from its C code), compared with the double
 * function at DLV_T_BOUNDS_SLACK over its argument ranges
 * (bound_twins.h).  Where the standard model's worst case is cheap to
 * enumerate (every rounding at +-u, every input error at its extreme), the
 * bound is also held to it: never below (sound), and equal where the
 * derivation adds no slack (tight: a rounding counted twice fails). */
#include <float.h>
#include <math.h>
#include <stdio.h>

#include "bound_twins.h"

/* r = x, exactly (a double). */
static void mp_d(mpfr_t r, double x) { mpfr_set_d(r, x, MPFR_RNDN); }

/* r = (1 + a)(1 + b) - 1 for a, b given in MPFR. */
static void mp_compose(mpfr_t r, mpfr_srcptr a, mpfr_srcptr b)
{
  mpfr_t t;
  mpfr_init2(t, MP_BITS);
  mpfr_add_ui(t, a, 1, MPFR_RNDN);
  mpfr_add_ui(r, b, 1, MPFR_RNDN);
  mpfr_mul(r, r, t, MPFR_RNDN);
  mpfr_sub_ui(r, r, 1, MPFR_RNDN);
  mpfr_clear(t);
}

/* r = (1 + x)^k - 1. */
static void mp_pow_minus_one(mpfr_t r, double x, long k)
{
  mp_d(r, x);
  mpfr_add_ui(r, r, 1, MPFR_RNDN);
  mpfr_pow_si(r, r, k, MPFR_RNDN);
  mpfr_sub_ui(r, r, 1, MPFR_RNDN);
}

static const size_t lengths[] = {1, 2, 3, 5, 10, 64, 1000, 1u << 20};

/* nrm2_s: the double norm of float squares (exact) is within
 * sqrt_of_perturbed(gamma_n(u_d), u_d), then one rounding to float. */
static void nrm2_s_twin(void **state)
{
  (void)state;
  mpfr_t g, r, uf;
  mpfr_inits2(MP_BITS, g, r, uf, (mpfr_ptr)0);
  mp_d(uf, DLV_U_FLOAT);
  for (size_t i = 0; i < COUNT(lengths); i++) {
    mp_gamma(g, (double)lengths[i], DLV_U_DOUBLE);
    mp_sqrt_of_perturbed(r, g, DLV_U_DOUBLE);
    mp_compose(r, r, uf);
    dlv_bound b = dlv_bound_nrm2_s(lengths[i]);
    assert_agrees(b.rel, r, "nrm2_s rel");
    assert_true(b.abs == DLV_ETA_FLOAT && b.n == lengths[i]);
  }
  mpfr_clears(g, r, uf, (mpfr_ptr)0);
}

/* cstep_nrm2: (1 + u)^2 (1 + q) / sqrt(1 - gamma_n - h^2) - 1, with h =
 * 2^-DLV_CSTEP_BITS and q = (2h)^2 >= (Im S / Re S)^2 (Im S = 2 h y_j,
 * Re S >= max(1, y_j^2)): 2^-78 and 2^-80 at 40 bits. */
static void cstep_nrm2_twin(void **state)
{
  (void)state;
  mpfr_t r, d;
  mpfr_inits2(MP_BITS, r, d, (mpfr_ptr)0);
  for (size_t i = 0; i < COUNT(lengths); i++) {
    double h = ldexp(1.0, -DLV_CSTEP_BITS);
    mp_gamma(d, (double)lengths[i], DLV_U_DOUBLE);
    mpfr_add_d(d, d, h * h, MPFR_RNDN);
    mpfr_ui_sub(d, 1, d, MPFR_RNDN);
    mpfr_sqrt(d, d, MPFR_RNDN);
    mp_pow_minus_one(r, DLV_U_DOUBLE, 2);
    mpfr_add_ui(r, r, 1, MPFR_RNDN);
    mp_times_one_plus(r, 4.0 * h * h);
    mpfr_div(r, r, d, MPFR_RNDN);
    mpfr_sub_ui(r, r, 1, MPFR_RNDN);
    dlv_bound b = dlv_bound_cstep_nrm2(lengths[i]);
    assert_agrees(b.rel, r, "cstep_nrm2 rel");
    assert_true(b.abs == 0x1p-1030 && b.n == lengths[i]);
  }
  mpfr_clears(r, d, (mpfr_ptr)0);
}

/* The proximal-gradient pieces: pg_delta = eta + u (|y| + eta); pg_elem =
 * (||delta|| + c_v (|y| + delta) + rel (|P(y)| + ||delta||) + abs) (1 +
 * 2^-40); prox_at = c_v |v| + rel |exact| + abs; pg_scale = (beta + u (1
 * + beta), abs (1 + u)); pg_gmap with r = beta (1 + u) + u: (r, ((r + 1)
 * ||E|| + abs) / t (1 + 2^-40)). */
static void prox_gradient_twins(void **state)
{
  (void)state;
  const double u = DLV_U_DOUBLE, eta = DLV_ETA_DOUBLE;
  mpfr_t r, t;
  mpfr_inits2(MP_BITS, r, t, (mpfr_ptr)0);
  const double ys[] = {0.0, 0x1p-1070, 1.0, 3.25, 1e300};
  for (size_t i = 0; i < COUNT(ys); i++) {
    mp_d(r, ys[i]);
    mpfr_add_d(r, r, eta, MPFR_RNDN);
    mpfr_mul_d(r, r, u, MPFR_RNDN);
    mpfr_add_d(r, r, eta, MPFR_RNDN);
    assert_agrees(dlv_bound_pg_delta(ys[i]), r, "pg_delta");
  }
  dlv_bound_prox b = dlv_bound_prox_group_d(7);
  const double dn = 1e-15, y = 2.5, delta = 3e-16, ex = 1.5;
  mp_d(r, y);
  mpfr_add_d(r, r, delta, MPFR_RNDN);
  mpfr_mul_d(r, r, b.v, MPFR_RNDN);
  mp_d(t, ex);
  mpfr_add_d(t, t, dn, MPFR_RNDN);
  mpfr_mul_d(t, t, b.rel, MPFR_RNDN);
  mpfr_add(r, r, t, MPFR_RNDN);
  mpfr_add_d(r, r, dn, MPFR_RNDN);
  mpfr_add_d(r, r, b.abs, MPFR_RNDN);
  mp_times_one_plus(r, 0x1p-40);
  assert_agrees(dlv_bound_pg_elem(b, dn, y, delta, ex), r, "pg_elem");
  mp_d(r, b.v); /* prox_at: c_v |v_i| + rel |exact_i| + abs */
  mpfr_mul_d(r, r, y, MPFR_RNDN);
  mp_d(t, b.rel);
  mpfr_mul_d(t, t, ex, MPFR_RNDN);
  mpfr_add(r, r, t, MPFR_RNDN);
  mpfr_add_d(r, r, b.abs, MPFR_RNDN);
  assert_agrees(dlv_bound_prox_at(b, y, ex), r, "prox_at");
  for (size_t i = 0; i < COUNT(lengths); i++) {
    dlv_bound nb = dlv_bound_nrm2_d(lengths[i]);
    mp_d(r, nb.rel); /* beta + u (1 + beta) */
    mpfr_add_ui(t, r, 1, MPFR_RNDN);
    mpfr_mul_d(t, t, u, MPFR_RNDN);
    mpfr_add(r, r, t, MPFR_RNDN);
    assert_agrees(dlv_bound_pg_scale(lengths[i]).rel, r, "pg_scale rel");
    mp_d(r, nb.abs);
    mp_times_one_plus(r, u);
    assert_agrees(dlv_bound_pg_scale(lengths[i]).abs, r, "pg_scale abs");
    mp_d(r, nb.rel); /* r = beta (1 + u) + u */
    mp_times_one_plus(r, u);
    mpfr_add_d(r, r, u, MPFR_RNDN);
    assert_agrees(dlv_bound_pg_gmap(lengths[i], 2e-15, 0.125).rel, r,
                  "pg_gmap rel");
    mpfr_add_ui(t, r, 1, MPFR_RNDN);
    mpfr_mul_d(t, t, 2e-15, MPFR_RNDN);
    mpfr_add_d(t, t, nb.abs, MPFR_RNDN);
    mpfr_div_d(t, t, 0.125, MPFR_RNDN);
    mp_times_one_plus(t, 0x1p-40);
    assert_agrees(dlv_bound_pg_gmap(lengths[i], 2e-15, 0.125).abs, t,
                  "pg_gmap abs");
  }
  mpfr_clears(r, t, (mpfr_ptr)0);
}

/* l2reg_elem: out = fl(g + fl(c theta)): rel u, abs u (1 + u) |c theta|
 * + 2 eta. */
static void l2reg_elem_twin(void **state)
{
  (void)state;
  mpfr_t r;
  mpfr_init2(r, MP_BITS);
  const double cts[] = {0.0, 0x1p-1060, 0.75, 12.0, 1e300};
  for (size_t i = 0; i < COUNT(cts); i++) {
    dlv_bound b = dlv_bound_l2reg_elem(cts[i]);
    assert_true(b.rel == DLV_U_DOUBLE);
    mp_d(r, cts[i]);
    mpfr_mul_d(r, r, DLV_U_DOUBLE, MPFR_RNDN);
    mp_times_one_plus(r, DLV_U_DOUBLE);
    mpfr_add_d(r, r, 2.0 * DLV_ETA_DOUBLE, MPFR_RNDN);
    assert_agrees(b.abs, r, "l2reg_elem abs");
  }
  mpfr_clear(r);
}

/* The largest |r^ - r| of the standard model of r^ = fl(g^ + fl(c^ theta))
 * with g^ = g + e_g, |e_g| <= gerr, c^ = c (1 + e), e at either end of
 * [(1 - u)/(1 + beta) - 1, (1 + u)/(1 - beta) - 1], both roundings at +-u,
 * g = +-gabs and c theta = +-ct: every extreme enumerated. */
static void l2_resid_model_max(mpfr_t best, size_t n, double gerr,
                               double gabs, double ct)
{
  double beta = dlv_bound_nrm2_d(n).rel, u = DLV_U_DOUBLE;
  mpfr_t e[2], d, r, t;
  mpfr_inits2(MP_BITS, e[0], e[1], d, r, t, (mpfr_ptr)0);
  mp_one_plus(e[0], u); /* (1 + u)/(1 - beta) */
  mp_one_plus(t, -beta);
  mpfr_div(e[0], e[0], t, MPFR_RNDN);
  mp_one_plus(e[1], -u); /* (1 - u)/(1 + beta) */
  mp_one_plus(t, beta);
  mpfr_div(e[1], e[1], t, MPFR_RNDN);
  mpfr_set_zero(best, 1);
  for (unsigned s = 0; s < 64; s++) {
    double sg = s & 1 ? -1.0 : 1.0, se = s & 2 ? -gerr : gerr;
    double d1 = s & 4 ? -u : u, d2 = s & 8 ? -u : u;
    double sct = s & 32 ? -ct : ct;
    mpfr_mul_d(t, e[(s >> 4) & 1], sct, MPFR_RNDN); /* c^ theta */
    mp_times_one_plus(t, d1);
    mpfr_add_d(t, t, sg * gabs, MPFR_RNDN);
    mpfr_add_d(t, t, se, MPFR_RNDN);
    mp_times_one_plus(t, d2);
    mp_d(r, sg * gabs);
    mpfr_add_d(r, r, sct, MPFR_RNDN); /* r = g + c theta */
    mpfr_sub(d, t, r, MPFR_RNDN);
    mpfr_abs(d, d, MPFR_RNDN);
    mpfr_max(best, best, d, MPFR_RNDN);
  }
  mpfr_clears(e[0], e[1], d, r, t, (mpfr_ptr)0);
}

/* l2_resid_entry: (1 + u) gerr + u (gabs + gerr) + ((1 + e_c)(1 + u)^2 -
 * 1) |c theta|, e_c = (1 + u)/(1 - beta) - 1; never below the model's
 * worst case, and equal to it when gerr = 0 (no term counted twice). */
static void l2_resid_entry_twin(void **state)
{
  (void)state;
  const double u = DLV_U_DOUBLE;
  const double gerrs[] = {0.0, 1e-16, 3e-3}, gabss[] = {0.0, 1.0, 40.0};
  const double cts[] = {0.0, 0.5, 7.0};
  mpfr_t r, t, model;
  mpfr_inits2(MP_BITS, r, t, model, (mpfr_ptr)0);
  for (size_t in = 0; in < COUNT(lengths); in++)
    for (size_t i = 0; i < 27; i++) {
      size_t n = lengths[in];
      double gerr = gerrs[i % 3], gabs = gabss[i / 3 % 3], ct = cts[i / 9];
      mp_one_plus(r, -dlv_bound_nrm2_d(n).rel); /* 1 + e_c */
      mp_one_plus(t, u);
      mpfr_div(t, t, r, MPFR_RNDN);
      mp_times_one_plus(t, u);
      mp_times_one_plus(t, u);
      mpfr_sub_ui(t, t, 1, MPFR_RNDN);
      mpfr_mul_d(r, t, ct, MPFR_RNDN);
      mp_d(t, gabs);
      mpfr_add_d(t, t, gerr, MPFR_RNDN);
      mpfr_mul_d(t, t, u, MPFR_RNDN);
      mpfr_add(r, r, t, MPFR_RNDN);
      mp_d(t, gerr);
      mp_times_one_plus(t, u);
      mpfr_add(r, r, t, MPFR_RNDN);
      double b = dlv_bound_l2_resid_entry(n, gerr, gabs, ct);
      assert_agrees(b, r, "l2_resid_entry");
      l2_resid_model_max(model, n, gerr, gabs, ct);
      /* sound: the model's worst case is at most b, up to b's own
       * evaluation in double */
      assert_true(mpfr_cmp_d(model, b * (1.0 + DLV_T_BOUNDS_SLACK)) <= 0);
      if (gerr == 0.0)
        assert_agrees(b, model, "l2_resid_entry at the model's worst case");
    }
  mpfr_clears(r, t, model, (mpfr_ptr)0);
}

/* l2_resid_norm_rel: (1 + beta)(1 + gamma_{n+4}) - 1, beta nrm2_d's. */
static void l2_resid_norm_twin(void **state)
{
  (void)state;
  mpfr_t r, g;
  mpfr_inits2(MP_BITS, r, g, (mpfr_ptr)0);
  for (size_t i = 0; i < COUNT(lengths); i++) {
    size_t n = lengths[i];
    mp_gamma(g, (double)n + 4.0, DLV_U_DOUBLE);
    mp_d(r, dlv_bound_nrm2_d(n).rel);
    mp_compose(r, r, g);
    assert_agrees(dlv_bound_l2_resid_norm_rel(n), r, "l2_resid_norm_rel");
  }
  mpfr_clears(r, g, (mpfr_ptr)0);
}

/* quad_grad_entry: (A theta + b)_j, each term through a product, n - 1
 * additions and + b_j: gamma_{n+1} S_j; the first term's chain, (1 +
 * u)^(n+1) - 1, is within it and equal to first order. */
static void quad_grad_entry_twin(void **state)
{
  (void)state;
  mpfr_t r, chain;
  mpfr_inits2(MP_BITS, r, chain, (mpfr_ptr)0);
  for (size_t i = 0; i < COUNT(lengths); i++) {
    size_t n = lengths[i];
    mp_gamma(r, (double)n + 1.0, DLV_U_DOUBLE);
    mpfr_mul_d(r, r, 3.5, MPFR_RNDN);
    assert_agrees(dlv_bound_quad_grad_entry(n, 3.5), r, "quad_grad_entry");
    mp_pow_minus_one(chain, DLV_U_DOUBLE, (long)n + 1);
    mpfr_mul_d(chain, chain, 3.5, MPFR_RNDN);
    assert_true(mpfr_cmp_d(chain, dlv_bound_quad_grad_entry(n, 3.5)) <= 0);
    if (n <= 10) /* gamma_k / ((1 + u)^k - 1) - 1 is about k u / 2 */
      assert_agrees(dlv_bound_quad_grad_entry(n, 3.5), chain,
                    "quad_grad_entry against its longest chain");
  }
  mpfr_clears(r, chain, (mpfr_ptr)0);
}

/* logistic_grad_entry: (1 + g_m) (gamma_n T1 / 4 + g_m T2) / m with g_m
 * = gamma_{m+8}. */
static void logistic_grad_entry_twin(void **state)
{
  (void)state;
  const size_t ms[] = {1, 2, 60, 1000};
  mpfr_t gm, r, t;
  mpfr_inits2(MP_BITS, gm, r, t, (mpfr_ptr)0);
  for (size_t i = 0; i < COUNT(ms); i++)
    for (size_t j = 0; j < COUNT(lengths); j++) {
      size_t m = ms[i], n = lengths[j];
      mp_gamma(gm, (double)m + 8.0, DLV_U_DOUBLE);
      mp_gamma(r, (double)n, DLV_U_DOUBLE);
      mpfr_mul_d(r, r, 2.5 / 4.0, MPFR_RNDN); /* T1 = 2.5 */
      mpfr_mul_d(t, gm, 0.75, MPFR_RNDN);     /* T2 = 0.75 */
      mpfr_add(r, r, t, MPFR_RNDN);
      mpfr_add_ui(t, gm, 1, MPFR_RNDN);
      mpfr_mul(r, r, t, MPFR_RNDN);
      mpfr_div_d(r, r, (double)m, MPFR_RNDN);
      assert_agrees(dlv_bound_logistic_grad_entry(m, n, 2.5, 0.75), r,
                    "logistic_grad_entry");
    }
  mpfr_clears(gm, r, t, (mpfr_ptr)0);
}

/* logistic_value: (1 + g_m) (gamma_n S + m n eta (1 + gamma_n) + g_m P +
 * gamma_9 L) / m with g_m = gamma_{m+1}. */
static void logistic_value_twin(void **state)
{
  (void)state;
  const size_t ms[] = {1, 2, 60, 1000};
  mpfr_t gm, gn, r, t;
  mpfr_inits2(MP_BITS, gm, gn, r, t, (mpfr_ptr)0);
  for (size_t i = 0; i < COUNT(ms); i++)
    for (size_t j = 0; j < COUNT(lengths); j++) {
      size_t m = ms[i], n = lengths[j];
      mp_gamma(gm, (double)m + 1.0, DLV_U_DOUBLE);
      mp_gamma(gn, (double)n, DLV_U_DOUBLE);
      mpfr_mul_d(r, gn, 31.0, MPFR_RNDN); /* S = 31 */
      mpfr_add_ui(t, gn, 1, MPFR_RNDN);   /* m n eta (1 + gamma_n) */
      mpfr_mul_d(t, t, (double)(m * n), MPFR_RNDN);
      mpfr_mul_d(t, t, DLV_ETA_DOUBLE, MPFR_RNDN);
      mpfr_add(r, r, t, MPFR_RNDN);
      mpfr_mul_d(t, gm, 62.0, MPFR_RNDN); /* P = 62 */
      mpfr_add(r, r, t, MPFR_RNDN);
      mp_gamma(t, 9.0, DLV_U_DOUBLE); /* L = 0.5 */
      mpfr_mul_d(t, t, 0.5, MPFR_RNDN);
      mpfr_add(r, r, t, MPFR_RNDN);
      mpfr_add_ui(t, gm, 1, MPFR_RNDN);
      mpfr_mul(r, r, t, MPFR_RNDN);
      mpfr_div_d(r, r, (double)m, MPFR_RNDN);
      assert_agrees(dlv_bound_logistic_value(m, n, 31.0, 62.0, 0.5), r,
                    "logistic_value");
    }
  mpfr_clears(gm, gn, r, t, (mpfr_ptr)0);
}

/* onesided_eps(h) = gamma_{2n+3} (S1 + h S2) + ((1 + beta)(1 + u)^2 - 1)
 * lambda ||d||. */
static void mp_onesided_eps(mpfr_t r, size_t n, double s1, double s2,
                            double lnd, double h)
{
  mpfr_t t;
  mpfr_init2(t, MP_BITS);
  mp_gamma(r, 2.0 * (double)n + 3.0, DLV_U_DOUBLE);
  mp_d(t, s2);
  mpfr_mul_d(t, t, h, MPFR_RNDN);
  mpfr_add_d(t, t, s1, MPFR_RNDN);
  mpfr_mul(r, r, t, MPFR_RNDN);
  mp_pow_minus_one(t, DLV_U_DOUBLE, 2);
  mpfr_add_ui(t, t, 1, MPFR_RNDN);
  mp_times_one_plus(t, dlv_bound_nrm2_d(n).rel);
  mpfr_sub_ui(t, t, 1, MPFR_RNDN);
  mpfr_mul_d(t, t, lnd, MPFR_RNDN);
  mpfr_add(r, r, t, MPFR_RNDN);
  mpfr_clear(t);
}

/* onesided: E = (2 eps(h/2) + eps(h)) (1 + u) + u |R^| / (1 - u). */
static void onesided_twins(void **state)
{
  (void)state;
  const double u = DLV_U_DOUBLE, h = 0x1p-10, rhat = -3.75;
  mpfr_t r, t;
  mpfr_inits2(MP_BITS, r, t, (mpfr_ptr)0);
  for (size_t i = 0; i < COUNT(lengths); i++) {
    size_t n = lengths[i];
    mp_onesided_eps(r, n, 1.5, 40.0, 0.3, h);
    assert_agrees(dlv_bound_onesided_eps(n, 1.5, 40.0, 0.3, h), r,
                  "onesided_eps");
    mp_onesided_eps(t, n, 1.5, 40.0, 0.3, 0.5 * h);
    mpfr_mul_2ui(t, t, 1, MPFR_RNDN);
    mpfr_add(r, r, t, MPFR_RNDN);
    mp_times_one_plus(r, u);
    mp_d(t, 1.0 - u);
    mpfr_d_div(t, fabs(rhat), t, MPFR_RNDN);
    mpfr_mul_d(t, t, u, MPFR_RNDN);
    mpfr_add(r, r, t, MPFR_RNDN);
    assert_agrees(dlv_bound_onesided(n, 1.5, 40.0, 0.3, h, rhat), r,
                  "onesided");
  }
  mpfr_clears(r, t, (mpfr_ptr)0);
}

/* From scratch: ||rho|| / (mu + lambda') (1 + gamma_3), mu = 1/2 for the
 * quadratics (A = M'M/8 + I/2) plus 2^-200 ||x||; mu = 0 for a convex
 * loss (lambda'-strong convexity only). */
static void from_scratch_twins(void **state)
{
  (void)state;
  assert_true(DLV_P4_QUAD_MU == 0.5);
  const double rhos[] = {0.0, 1e-13, 2.0}, lps[] = {1e-3, 0.3, 7.0};
  mpfr_t r, g, t;
  mpfr_inits2(MP_BITS, r, g, t, (mpfr_ptr)0);
  mp_gamma(g, 3.0, DLV_U_DOUBLE);
  mpfr_add_ui(g, g, 1, MPFR_RNDN);
  for (size_t i = 0; i < COUNT(rhos); i++)
    for (size_t j = 0; j < COUNT(lps); j++) {
      mp_d(r, rhos[i]);
      mpfr_div_d(r, r, lps[j], MPFR_RNDN);
      mpfr_mul(r, r, g, MPFR_RNDN);
      assert_agrees(dlv_bound_l2_from_scratch_convex(rhos[i], lps[j]), r,
                    "l2_from_scratch_convex");
      mp_d(t, 0.5);
      mpfr_add_d(t, t, lps[j], MPFR_RNDN);
      mp_d(r, rhos[i]);
      mpfr_div(r, r, t, MPFR_RNDN);
      mpfr_mul(r, r, g, MPFR_RNDN);
      mpfr_add_d(r, r, 0x1p-200 * 3.0, MPFR_RNDN);
      assert_agrees(dlv_bound_l2_from_scratch_quad(rhos[i], lps[j], 3.0), r,
                    "l2_from_scratch_quad");
    }
  mpfr_clears(r, g, t, (mpfr_ptr)0);
}

/* DLV_P4C_MPFR_REL: 64 roundings of 2^-256 (the identities' MPFR work)
 * stay within it, and it lies at most u_double^2 (an identity in MPFR
 * cannot pass a double-precision slip). */
static void p4c_mpfr_rel_pinned(void **state)
{
  (void)state;
  mpfr_t r;
  mpfr_init2(r, 512);
  mpfr_set_ui(r, 1, MPFR_RNDN);
  mpfr_mul_2si(r, r, -256, MPFR_RNDN);
  mpfr_add_ui(r, r, 1, MPFR_RNDN);
  mpfr_pow_ui(r, r, 64, MPFR_RNDU);
  mpfr_sub_ui(r, r, 1, MPFR_RNDU);
  assert_true(mpfr_cmp_d(r, DLV_P4C_MPFR_REL) <= 0);
  assert_true(DLV_P4C_MPFR_REL <= DLV_U_DOUBLE * DLV_U_DOUBLE);
  mpfr_clear(r);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(nrm2_s_twin),
      cmocka_unit_test(p4c_mpfr_rel_pinned),
      cmocka_unit_test(logistic_value_twin),
      cmocka_unit_test(cstep_nrm2_twin),
      cmocka_unit_test(prox_gradient_twins),
      cmocka_unit_test(l2reg_elem_twin),
      cmocka_unit_test(l2_resid_entry_twin),
      cmocka_unit_test(l2_resid_norm_twin),
      cmocka_unit_test(quad_grad_entry_twin),
      cmocka_unit_test(logistic_grad_entry_twin),
      cmocka_unit_test(onesided_twins),
      cmocka_unit_test(from_scratch_twins),
  };
  return cmocka_run_group_tests_name("bounds_p4", tests, NULL, NULL);
}
