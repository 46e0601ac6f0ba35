/* claims/p4c_zero_min/check.c: claim P4c, Theta = 0 is a local minimum of
 * l + lambda ||Theta|| when ||grad l(0)|| < lambda.
 *
 * r = ||grad l(0)|| / lambda throughout.  Senses measured (CLAIMS.md, P4c):
 * - accuracy: the block soft-thresholding kernel (float, double) against
 *   its MPFR twin, with inputs on the threshold and one ulp either side of
 *   it (Pythagorean tuples, whose norm is exact), and its defined errors;
 * - claim, convex losses (quadratics n = 3, 5, 8 and logistic regression
 *   m = 40, n = 4): a sweep of r over (0.5, 1.5), 40 points per problem,
 *   none at 1: the proximal-gradient solver, started away from 0,
 *   returns exactly 0 iff r <= 1, and the prox applied at 0 agrees (it
 *   returns exactly 0 iff r <= 1); for r > 1 the solver's point is a
 *   minimizer (exact MPFR residual) with F(Theta*) < F(0);
 * - claim, non-convex (indefinite) quadratics: one-sided directional
 *   derivatives F'(0; d) = grad l(0).d + lambda ||d|| measured from F
 *   alone by one-sided Richardson differences at shrinking radii (never a
 *   central difference across the kink), over the steepest direction
 *   -grad l(0) and 24 random ones: all certified positive when r < 1, one
 *   certified negative when r > 1;
 * - the boundary r = 1, built exactly from Pythagorean tuples (||b|| =
 *   lambda in exact arithmetic): the first-order term vanishes along -b,
 *   so first order decides nothing; the same first-order data give a
 *   minimum for a convex loss (0 is a fixed point of the prox step) and no
 *   local minimum for an indefinite one (F < 0 along -b, second order). */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "check.h"
#include "dlv_status.h"
#include "loss.h"
#include "mp.h"
#include "../p4_problems.h"
#include "nrm2.h"
#include "prox_group.h"
#include "ref_logistic.h"
#include "ref_nrm2.h"
#include "ref_prox_group.h"
#include "ref_quadratic.h"
#include "ulp.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
enum { MAXN = 8, SWEEP = 40, NDIR = 25 };

/* ---- the prox kernel against MPFR ------------------------------------- */

static void prox_s_case(const char *test, size_t n, const float *v,
                        float tau, const char *what)
{
  char shape[64];
  snprintf(shape, sizeof shape, "n=%zu %s", n, what);
  float *out = malloc(n * sizeof *out);
  double *vd = malloc(2 * n * sizeof *vd);
  assert_true(out != NULL && vd != NULL);
  struct dlv_meas ms = {"float", shape, "prox status", "exact status"};
  ms.kernel = "prox_group";
  dlv_expect_status(__FILE__, __LINE__, test, &ms,
                    dlv_prox_group_s(n, v, 1, tau, out, 1), DLV_OK);
  for (size_t i = 0; i < n; i++) {
    vd[i] = v[i];
    vd[n + i] = out[i];
  }
  record_prox(test, "float", shape, n, vd, tau, vd + n,
              dlv_bound_prox_group_s(n), "prox_group_s", FLT_MANT_DIG);
  free(vd);
  free(out);
}

/* tau = rho ||v|| for rho across the threshold. */
static const double rhos[] = {0.0, 0.25, 0.5, 0.9, 0.999, 1.001, 1.5, 2.0};

static void p4c_prox_vs_mpfr(void **state)
{
  (void)state;
  static const size_t ns[] = {1, 2, 3, 8, 100, 1000};
  static const double scales[] = {1e-100, 1e-5, 1.0, 1e5, 1e100};
  static const double fscales[] = {1e-15, 1.0, 1e15};
  gsl_rng *r = dlv_rng(__func__);
  double *v = malloc(1000 * sizeof *v);
  float *vs = malloc(1000 * sizeof *vs);
  assert_true(v != NULL && vs != NULL);
  char what[48];
  for (size_t i = 0; i < COUNT(ns); i++)
    for (size_t k = 0; k < COUNT(rhos); k++) {
      for (size_t s = 0; s < COUNT(scales); s++) {
        for (size_t j = 0; j < ns[i]; j++)
          v[j] = (2.0 * gsl_rng_uniform(r) - 1.0) * scales[s];
        double nrm;
        assert_int_equal(dlv_nrm2_d(ns[i], v, 1, &nrm), DLV_OK);
        snprintf(what, sizeof what, "uniform*%g tau=%g||v||", scales[s],
                 rhos[k]);
        prox_d_case(__func__, ns[i], v, rhos[k] * nrm, what);
      }
      for (size_t s = 0; s < COUNT(fscales); s++) {
        for (size_t j = 0; j < ns[i]; j++)
          vs[j] = (float)((2.0 * gsl_rng_uniform(r) - 1.0) * fscales[s]);
        float nrm;
        assert_int_equal(dlv_nrm2_s(ns[i], vs, 1, &nrm), DLV_OK);
        snprintf(what, sizeof what, "uniform*%g tau=%g||v||", fscales[s],
                 rhos[k]);
        prox_s_case(__func__, ns[i], vs, (float)(rhos[k] * nrm), what);
      }
    }
  free(vs);
  free(v);
}

/* Pythagorean tuples: ||v|| = c exactly, so the threshold tau = c is hit
 * exactly; then tau one ulp either side of c, and v_0 one ulp either side
 * of its value with tau = c. */
static const double tuples[][4] = {
    {3, 4, 0, 5},   {5, 12, 0, 13}, {8, 15, 0, 17},
    {1, 2, 2, 3},   {2, 3, 6, 7},   {1, 4, 8, 9},  {-2, 6, -9, 11}};

static void threshold_cases_d(const char *test, const double *tp, int k)
{
  size_t n = tp[2] == 0.0 ? 2 : 3;
  double v[3], c = ldexp(tp[3], k);
  for (size_t i = 0; i < 3; i++)
    v[i] = ldexp(tp[i], k);
  char what[64];
  const double taus[] = {c, nextafter(c, 0.0), nextafter(c, INFINITY)};
  const char *names[] = {"tau=||v||", "tau=||v||-1ulp", "tau=||v||+1ulp"};
  /* The squares, their sum and its root are exact for these tuples, so the
   * computed norm is c (measured here) and the tight bound applies. */
  double nrm;
  assert_int_equal(dlv_nrm2_d(n, v, 1, &nrm), DLV_OK);
  snprintf(what, sizeof what, "tuple c=%g*2^%d", tp[3], k);
  struct dlv_meas mn = {"double", what,
                        "computed ||v|| equals c (premise of prox_exact_norm)",
                        "exact (bitwise)"};
  mn.kernel = "nrm2";
  dlv_expect_same(__FILE__, __LINE__, test, &mn, nrm, c);
  for (size_t j = 0; j < 3; j++) {
    snprintf(what, sizeof what, "tuple c=%g*2^%d %s", tp[3], k, names[j]);
    prox_d_case_bound(test, n, v, taus[j], what,
                      dlv_bound_prox_exact_norm_d(), "prox_exact_norm_d");
  }
  const double v0 = v[0];
  const double bumps[] = {nextafter(v0, 0.0), nextafter(v0, 2.0 * v0)};
  for (size_t j = 0; j < 2; j++) {
    v[0] = bumps[j];
    snprintf(what, sizeof what, "tuple c=%g*2^%d v0 %s1ulp tau=c", tp[3],
             k, j == 0 ? "-" : "+");
    prox_d_case(test, n, v, c, what);
  }
}

static void threshold_cases_s(const char *test, const double *tp, int k)
{
  size_t n = tp[2] == 0.0 ? 2 : 3;
  float v[3], c = ldexpf((float)tp[3], k);
  for (size_t i = 0; i < 3; i++)
    v[i] = ldexpf((float)tp[i], k);
  char what[64];
  const float taus[] = {c, nextafterf(c, 0.0f), nextafterf(c, INFINITY)};
  const char *names[] = {"tau=||v||", "tau=||v||-1ulp", "tau=||v||+1ulp"};
  for (size_t j = 0; j < 3; j++) {
    snprintf(what, sizeof what, "tuple c=%g*2^%d %s", tp[3], k, names[j]);
    prox_s_case(test, n, v, taus[j], what);
  }
  const float v0 = v[0];
  const float bumps[] = {nextafterf(v0, 0.0f), nextafterf(v0, 2.0f * v0)};
  for (size_t j = 0; j < 2; j++) {
    v[0] = bumps[j];
    snprintf(what, sizeof what, "tuple c=%g*2^%d v0 %s1ulp tau=c", tp[3],
             k, j == 0 ? "-" : "+");
    prox_s_case(test, n, v, c, what);
  }
}

static void p4c_prox_threshold(void **state)
{
  (void)state;
  /* v = 0: the prox is +0 for every tau >= 0, tau = 0 included (N = tau = 0
   * must take the zero branch, not 0/0). */
  const double vzero[3] = {0.0, -0.0, 0.0};
  prox_d_case(__func__, 3, vzero, 0.0, "v=0 tau=0");
  prox_d_case(__func__, 3, vzero, 1.0, "v=0 tau=1");
  static const int kd[] = {-900, -20, 0, 20, 900};
  static const int ks[] = {-60, 0, 60};
  for (size_t t = 0; t < COUNT(tuples); t++) {
    for (size_t i = 0; i < COUNT(kd); i++)
      threshold_cases_d(__func__, tuples[t], kd[i]);
    for (size_t i = 0; i < COUNT(ks); i++)
      threshold_cases_s(__func__, tuples[t], ks[i]);
  }
}

/* Defined errors: status codes, and the output left untouched. */
static void p4c_prox_defined_errors(void **state)
{
  (void)state;
  const double sentinel = -1234.5;
  struct {
    double v[3];
    double tau;
    int expected;
    const char *what;
  } cases[] = {
      {{1.0, 2.0, 2.0}, -1.0, DLV_EINVAL, "tau < 0"},
      {{1.0, 2.0, 2.0}, NAN, DLV_EINVAL, "tau NaN"},
      {{1.0, 2.0, 2.0}, INFINITY, DLV_EINVAL, "tau = Inf"},
      {{1.0, NAN, 2.0}, 1.0, DLV_ENAN, "NaN in v"},
      {{1.0, INFINITY, 2.0}, 1.0, DLV_EDOM, "Inf in v"},
      {{DBL_MAX, DBL_MAX, 0.0}, 1.0, DLV_EDOM, "||v|| overflows"},
  };
  for (size_t i = 0; i < COUNT(cases); i++) {
    double out[3] = {sentinel, sentinel, sentinel};
    struct dlv_meas m = {"double", "n=3", cases[i].what, "exact status"};
    m.kernel = "prox_group";
    DLV_EXPECT_STATUS(&m, dlv_prox_group_d(3, cases[i].v, 1, cases[i].tau,
                                           out, 1),
                      cases[i].expected);
    m.quantity = "out untouched after the error";
    m.bound_name = "exact (bitwise)";
    DLV_EXPECT_SAME(&m, out[0] + out[1] + out[2], 3 * sentinel);
  }
  float vs[2] = {FLT_MAX, FLT_MAX}, outs[2] = {1.0f, 1.0f};
  struct dlv_meas m = {"float", "n=2", "||v|| overflows float",
                       "exact status"};
  m.kernel = "prox_group";
  DLV_EXPECT_STATUS(&m, dlv_prox_group_s(2, vs, 1, 1.0f, outs, 1), DLV_EDOM);
  m.quantity = "out untouched after the error";
  m.bound_name = "exact (bitwise)";
  DLV_EXPECT_SAME(&m, (double)outs[0] + outs[1], 2.0);
  double v = 1.0;
  m = (struct dlv_meas){"double", "n=1", "prox with NULL out",
                        "exact status"};
  m.kernel = "prox_group";
  DLV_EXPECT_STATUS(&m, dlv_prox_group_d(1, &v, 1, 0.5, NULL, 1),
                    DLV_EINVAL);
  m.quantity = "prox with stride 0";
  DLV_EXPECT_STATUS(&m, dlv_prox_group_d(1, &v, 0, 0.5, &v, 1), DLV_EINVAL);
  m.quantity = "prox in place (out aliases v)";
  m.bound_name = "exact (bitwise)";
  double w[2] = {3.0, 4.0};
  assert_int_equal(dlv_prox_group_d(2, w, 1, 2.5, w, 1), DLV_OK);
  DLV_EXPECT_SAME(&m, w[0] + w[1], 3.5); /* (3,4)/2 exactly */
}

/* ---- quadratic problems ------------------------------------------------ */

/* l = 1/2 Theta'A Theta + b'Theta, lambda = ||b|| / r. */
struct quad {
  size_t n;
  double a[MAXN * MAXN], b[MAXN];
  double lambda;
};

/* A = M'M/8 + shift I with M integer in [-3, 3]: every entry is exact in
 * double.  shift = 1/2 gives lambda_min(A) >= 1/2 (convex). */
static void gram(gsl_rng *r, size_t n, double shift, double *a)
{
  double m[MAXN * MAXN];
  for (size_t i = 0; i < n * n; i++)
    m[i] = (double)gsl_rng_uniform_int(r, 7) - 3.0;
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < n; j++) {
      double s = 0.0;
      for (size_t k = 0; k < n; k++)
        s += m[k * n + i] * m[k * n + j];
      a[i * n + j] = s / 8.0 + (i == j ? shift : 0.0);
    }
}

/* Indefinite A = M'M/8 - c I with c the mean diagonal entry rounded to a
 * multiple of 1/8 (exact): some e_i'A e_i < 0 < e_j'A e_j is asserted. */
static void gram_indefinite(gsl_rng *r, size_t n, double *a)
{
  for (;;) {
    gram(r, n, 0.0, a);
    double tr = 0.0, lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < n; i++)
      tr += a[i * n + i];
    double c = round(8.0 * tr / (double)n) / 8.0;
    for (size_t i = 0; i < n; i++) {
      a[i * n + i] -= c;
      lo = fmin(lo, a[i * n + i]);
      hi = fmax(hi, a[i * n + i]);
    }
    if (lo < 0.0 && hi > 0.0)
      return;
  }
}

static int quad_loss(const double *theta, double *value, double *grad,
                     void *ctx)
{
  const struct quad *q = ctx;
  dlv_quadratic d = {q->n, q->a, q->b};
  return dlv_loss_quadratic_d(&d, theta, value, grad);
}

/* F^(theta) = l^ + lambda ||theta||^ in double, with the kernels. */
static double objective(const struct quad *q, const double *theta)
{
  double l, nrm;
  assert_int_equal(quad_loss(theta, &l, NULL, (void *)q), DLV_OK);
  assert_int_equal(dlv_nrm2_d(q->n, theta, 1, &nrm), DLV_OK);
  return l + q->lambda * nrm;
}

/* A smooth convex loss for the sweep: the kernel and its MPFR twin. */
struct smooth {
  size_t n;
  dlv_loss_fn_d loss;
  const void *ctx;
  double lambda, step; /* step t = 2^-k <= 1/L */
  /* l(theta) (value may be NULL) and grad l(theta) in MPFR */
  void (*exact)(const void *ctx, const double *theta, mpfr_ptr value,
                mpfr_t *g);
};

static void quad_exact(const void *ctx, const double *theta, mpfr_ptr value,
                       mpfr_t *g)
{
  const struct quad *q = ctx;
  const dlv_quadratic problem = {q->n, q->a, q->b};
  assert_int_equal(dlv_ref_loss_quadratic(&problem, theta, value, g), DLV_OK);
}

/* Logistic regression (checks/claims/p4_problems.h) in MPFR. */
static void logi_exact(const void *ctx, const double *theta, mpfr_ptr value,
                       mpfr_t *g)
{
  const struct logi *p = ctx;
  const dlv_logistic problem = {LM, LN, p->x, p->y};
  assert_int_equal(dlv_ref_loss_logistic(&problem, theta, value, g), DLV_OK);
}

/* ||grad F(theta)|| / (||grad l|| + lambda) at theta != 0, exactly (MPFR):
 * the solver's stationarity. */
static double exact_stationarity(const struct smooth *p, const double *theta)
{
  mpfr_prec_t prec = dlv_mp_prec();
  mpfr_t *g = dlv_mp_vec_alloc(p->n, prec);
  mpfr_t *u = dlv_mp_vec_alloc(p->n, prec);
  assert_true(g != NULL && u != NULL);
  p->exact(p->ctx, theta, NULL, g);
  assert_int_equal(dlv_ref_nrm2_grad(p->n, theta, 1, u), DLV_OK);
  mpfr_t s, gs;
  mpfr_inits2(prec, s, gs, (mpfr_ptr)0);
  mpfr_set_zero(s, 1);
  mpfr_set_zero(gs, 1);
  for (size_t i = 0; i < p->n; i++) {
    mpfr_fma(gs, g[i], g[i], gs, MPFR_RNDN);
    mpfr_mul_d(u[i], u[i], p->lambda, MPFR_RNDN);
    mpfr_add(u[i], u[i], g[i], MPFR_RNDN);
    mpfr_fma(s, u[i], u[i], s, MPFR_RNDN);
  }
  mpfr_sqrt(s, s, MPFR_RNDN);
  mpfr_sqrt(gs, gs, MPFR_RNDN);
  mpfr_add_d(gs, gs, p->lambda, MPFR_RNDN);
  mpfr_div(s, s, gs, MPFR_RNDN);
  double out = mpfr_get_d(s, MPFR_RNDU);
  mpfr_clears(s, gs, (mpfr_ptr)0);
  dlv_mp_vec_free(u, p->n);
  dlv_mp_vec_free(g, p->n);
  return out;
}

/* F(theta) - F(0) exactly (MPFR), rounded to double. */
static double exact_objective_gain(const struct smooth *p,
                                   const double *theta)
{
  mpfr_prec_t prec = dlv_mp_prec();
  mpfr_t *g = dlv_mp_vec_alloc(p->n, prec);
  double zero[MAXN] = {0};
  assert_non_null(g);
  mpfr_t l, l0, nrm;
  mpfr_inits2(prec, l, l0, nrm, (mpfr_ptr)0);
  p->exact(p->ctx, theta, l, g);
  p->exact(p->ctx, zero, l0, g);
  assert_int_equal(dlv_ref_nrm2(p->n, theta, 1, nrm), DLV_OK);
  mpfr_mul_d(nrm, nrm, p->lambda, MPFR_RNDN);
  mpfr_add(l, l, nrm, MPFR_RNDN);
  mpfr_sub(l, l, l0, MPFR_RNDN);
  double out = mpfr_get_d(l, MPFR_RNDN);
  mpfr_clears(l, l0, nrm, (mpfr_ptr)0);
  dlv_mp_vec_free(g, p->n);
  return out;
}

/* The gain of a quadratic another way: l(Theta) - l(0) = grad l(Theta) .
 * Theta - Theta' A Theta / 2 for l = Theta' A Theta / 2 + b' Theta, so
 * F(Theta) - F(0) = g . Theta - Theta' A Theta / 2 + lambda ||Theta||, with
 * g from the MPFR gradient and the quadratic form and the norm formed
 * here, apart from exact_objective_gain; returns it rounded, *mag the
 * magnitude sum |g . Theta| + |Theta' A Theta| / 2 + lambda ||Theta||. */
static double gain_through_gradient(const struct smooth *p,
                                    const double *theta, double *mag)
{
  const struct quad *q = p->ctx;
  mpfr_prec_t prec = dlv_mp_prec();
  mpfr_t *g = dlv_mp_vec_alloc(p->n, prec);
  assert_non_null(g);
  mpfr_t sum, t, form, nrm;
  mpfr_inits2(prec + 64, sum, t, form, nrm, (mpfr_ptr)0);
  p->exact(p->ctx, theta, NULL, g);
  mpfr_set_zero(sum, 1);
  mpfr_set_zero(form, 1);
  for (size_t i = 0; i < p->n; i++) {
    mpfr_mul_d(t, g[i], theta[i], MPFR_RNDN);
    mpfr_add(sum, sum, t, MPFR_RNDN);
    for (size_t j = 0; j < p->n; j++) {
      mpfr_set_d(t, q->a[i * p->n + j], MPFR_RNDN);
      mpfr_mul_d(t, t, theta[i], MPFR_RNDN);
      mpfr_mul_d(t, t, theta[j], MPFR_RNDN);
      mpfr_add(form, form, t, MPFR_RNDN);
    }
  }
  mpfr_div_2ui(form, form, 1, MPFR_RNDN);
  assert_int_equal(dlv_ref_nrm2(p->n, theta, 1, nrm), DLV_OK);
  mpfr_mul_d(nrm, nrm, p->lambda, MPFR_RNDN);
  *mag = fabs(mpfr_get_d(sum, MPFR_RNDU)) + fabs(mpfr_get_d(form, MPFR_RNDU)) +
         mpfr_get_d(nrm, MPFR_RNDU);
  mpfr_sub(sum, sum, form, MPFR_RNDN);
  mpfr_add(sum, sum, nrm, MPFR_RNDN);
  double out = mpfr_get_d(sum, MPFR_RNDN);
  mpfr_clears(sum, t, form, nrm, (mpfr_ptr)0);
  dlv_mp_vec_free(g, p->n);
  return out;
}

/* Sweep point k: r in (0.5, 1.5), never 1 (1/80 away at the closest). */
static double sweep_r(int k) { return 0.5 + (k + 0.5) / SWEEP; }

static int is_exact_zero(const double *x, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (x[i] != 0.0 || signbit(x[i]))
      return 0;
  return 1;
}

/* At r <= 1 the prox step at 0 is exactly 0 (measured in convex_point), so
 * 0 is a fixed point: the solver started there with tol = 0 has
 * ||G_t(0)|| = 0 <= 0 scale and stops after one iteration, at exactly 0. */
static void fixed_point_stop(const char *test, const struct smooth *p,
                             const char *what)
{
  double theta[MAXN] = {0}, work[3 * MAXN];
  dlv_pg_opts o = {p->step, 0.0, 3};
  dlv_pg_info info;
  assert_int_equal(dlv_prox_grad_d(p->n, p->loss, (void *)p->ctx, p->lambda,
                                   &o, theta, work, &info),
                   DLV_OK);
  struct dlv_meas m = {"double", what,
                       "tol = 0 from the fixed point 0: stops after 1 "
                       "iteration at 0 (value iters)",
                       "exact (converged, iters = 1, Theta = +0)"};
  m.kernel = "prox_grad";
  dlv_expect_true(__FILE__, __LINE__, test, &m, (double)info.iters, 1.0,
                  info.converged && info.iters == 1 &&
                      is_exact_zero(theta, p->n));
}

/* The accuracy of the kernels the claim rows of a sweep point are
 * computed with: the loss gradient at 0 and the prox at the step from 0,
 * v = -t grad l(0), tau = t lambda (the prox-step claim row), and, when
 * Theta* != 0, the loss gradient and nrm2 at Theta* (the solver's point
 * and the claim row's value). */
static void check_kernels_at(const char *test, const struct smooth *p,
                             const double *theta, const char *what)
{
  double zero[MAXN] = {0}, v[MAXN];
  char at0[80];
  snprintf(at0, sizeof at0, "%s at 0", what);
  if (p->exact == quad_exact) {
    const struct quad *q = p->ctx;
    dlv_quadratic d = {q->n, q->a, q->b};
    check_loss_grad_at(test, &d, NULL, zero, at0);
    if (!is_exact_zero(theta, p->n))
      check_loss_grad_at(test, &d, NULL, theta, what);
  } else {
    const struct logi *l = p->ctx;
    dlv_logistic d = {LM, LN, l->x, l->y};
    check_loss_grad_at(test, NULL, &d, zero, at0);
    if (!is_exact_zero(theta, p->n))
      check_loss_grad_at(test, NULL, &d, theta, what);
  }
  if (!is_exact_zero(theta, p->n))
    check_nrm2_d(test, p->n, theta, 1, what);
  assert_int_equal(p->loss(zero, NULL, v, (void *)p->ctx), DLV_OK);
  for (size_t i = 0; i < p->n; i++)
    v[i] = -p->step * v[i]; /* exact: t is a power of two */
  prox_d_case(test, p->n, v, p->step * p->lambda, at0);
}

/* One convex sweep point: solve from theta0 and judge. */
static void convex_point(const char *test, const struct smooth *p, double r,
                         const double *theta0, const char *what)
{
  double theta[MAXN], work[3 * MAXN], v[MAXN], zero[MAXN] = {0};
  memcpy(theta, theta0, p->n * sizeof *theta);
  dlv_pg_opts o = {p->step, DLV_PG_TOL, 200000};
  dlv_pg_info info;
  struct dlv_meas m = {"double", what, "proximal-gradient status",
                       "exact status"};
  m.kernel = "prox_grad";
  dlv_expect_status(__FILE__, __LINE__, test, &m,
                    dlv_prox_grad_d(p->n, p->loss, (void *)p->ctx, p->lambda,
                                    &o, theta, work, &info),
                    DLV_OK);
  m.quantity = "solver met its stopping rule (1 = yes)";
  m.bound_name = "converged within max_iter";
  dlv_expect_true(__FILE__, __LINE__, test, &m,
                  info.converged, 1.0, info.converged);
  double nrm;
  assert_int_equal(dlv_nrm2_d(p->n, theta, 1, &nrm), DLV_OK);
  int zero_min = is_exact_zero(theta, p->n);
  m = (struct dlv_meas){"double", what,
                        "solver minimizer exactly 0 iff r <= 1 "
                        "(value ||Theta*||, reference r)",
                        "exact zero iff r <= 1", DLV_ROLE_CLAIM, 0};
  m.key = "r-sweep"; /* plot P4c-r */
  dlv_expect_true(__FILE__, __LINE__, test, &m, nrm, r,
                  zero_min == (r <= 1.0));
  /* The prox step at 0: prox_{t lambda}(-t grad l(0)) is exactly 0 iff
   * r <= 1 (0 is then a fixed point of the iteration). */
  assert_int_equal(p->loss(zero, NULL, v, (void *)p->ctx), DLV_OK);
  for (size_t i = 0; i < p->n; i++)
    v[i] = -o.step * v[i]; /* exact: t is a power of two */
  assert_int_equal(dlv_prox_group_d(p->n, v, 1, o.step * p->lambda, v, 1),
                   DLV_OK);
  m.quantity = "prox step at 0 exactly 0 iff r <= 1 (0 is a fixed point)";
  m.key = NULL;
  dlv_expect_true(__FILE__, __LINE__, test, &m,
                  r, r, is_exact_zero(v, p->n) == (r <= 1.0));
  if (r <= 1.0 && is_exact_zero(v, p->n))
    fixed_point_stop(test, p, what);
  check_kernels_at(test, p, theta, what);
  if (zero_min)
    return;
  double st = exact_stationarity(p, theta);
  m = (struct dlv_meas){"double", what,
                        "solver: exact ||grad F(Theta*)|| / scale (MPFR)",
                        "pg_stationarity 2^-36"};
  m.kernel = "prox_grad";
  dlv_expect_row(__FILE__, __LINE__, test, &m, st, 0.0, st,
                 DLV_PG_STATIONARITY, NAN);
  double f = exact_objective_gain(p, theta);
  m = (struct dlv_meas){"double", what,
                        "F(Theta*) - F(0) < 0 (r > 1: 0 is not the min)",
                        "strictly negative (MPFR)", DLV_ROLE_CLAIM, 0};
  dlv_expect_true(__FILE__, __LINE__, test, &m, f, 0.0, f < 0.0);
  if (p->exact == quad_exact) { /* the claim's value confirmed another way */
    double mag, f2 = gain_through_gradient(p, theta, &mag);
    m = (struct dlv_meas){"double", what,
                          "F(Theta*) - F(0) vs g.Theta - Theta'A Theta/2 + "
                          "lambda||Theta|| (MPFR identity)",
                          "p4c_mpfr_rel"};
    dlv_expect_row(__FILE__, __LINE__, test, &m, f, f2, fabs(f - f2),
                   DLV_P4C_MPFR_REL * mag + 2.0 * DLV_U_DOUBLE * fabs(f2),
                   NAN);
  }
}

static void p4c_sweep_convex(void **state)
{
  (void)state;
  static const size_t ns[] = {3, 5, 8};
  gsl_rng *rng = dlv_rng(__func__);
  for (size_t k = 0; k < COUNT(ns); k++) {
    struct quad q = {ns[k], {0}, {0}, 0.0};
    gram(rng, q.n, 0.5, q.a);
    for (size_t i = 0; i < q.n; i++)
      q.b[i] = gsl_ran_gaussian(rng, 1.0);
    double nb;
    assert_int_equal(dlv_nrm2_d(q.n, q.b, 1, &nb), DLV_OK);
    struct smooth p = {q.n, quad_loss, &q, 0.0, p4_quad_step(q.n, q.a),
                       quad_exact};
    char shape[24];
    snprintf(shape, sizeof shape, "convex quadratic n=%zu", q.n);
    p4_expect_quad_step(__func__, shape, q.n, q.a, p.step);
    for (int j = 0; j < SWEEP; j++) {
      double r = sweep_r(j), theta0[MAXN];
      p.lambda = nb / r;
      for (size_t i = 0; i < q.n; i++)
        theta0[i] = gsl_ran_gaussian(rng, 1.0);
      char what[48];
      snprintf(what, sizeof what, "convex quadratic n=%zu r=%.4f", q.n, r);
      convex_point(__func__, &p, r, theta0, what);
    }
  }
}

/* Logistic regression, lambda = ||grad l(0)|| / r. */
static void p4c_sweep_logistic(void **state)
{
  (void)state;
  gsl_rng *rng = dlv_rng(__func__);
  for (int k = 0; k < 2; k++) {
    struct logi d;
    double zero[LN] = {0}, g0[LN], ng, theta0[LN];
    struct smooth p = {LN, logi_loss, &d, 0.0, 0.0, logi_exact};
    logi_data(rng, &d, &p.step);
    assert_int_equal(logi_loss(zero, NULL, g0, &d), DLV_OK);
    assert_int_equal(dlv_nrm2_d(LN, g0, 1, &ng), DLV_OK);
    for (int j = 0; j < SWEEP; j++) {
      double r = sweep_r(j);
      p.lambda = ng / r;
      for (size_t i = 0; i < LN; i++)
        theta0[i] = gsl_ran_gaussian(rng, 0.5);
      char what[48];
      snprintf(what, sizeof what, "logistic m=%d n=%d r=%.4f", LM, LN, r);
      convex_point(__func__, &p, r, theta0, what);
    }
  }
}

/* ---- one-sided directional derivatives at 0 ----------------------------- */

/* R^ = 2 D(h/2) - D(h), D(h) = F^(h d)/h, and its error bound E
 * (dlv_bound_onesided); returns R^ and writes E. */
/* The sums of absolute values the rounding bound of F^(h d) needs:
 * s1 = sum |b_i d_i|, s2 = sum |d_i a_ik d_k| / 2, lnd = lambda ||d||.
 * They are evaluated in double; a relative (n^2 + 2) u understatement of
 * them is covered by a factor 1 + gamma_{n^2 + 2}. */
struct abs_sums {
  double s1, s2, lnd;
};

static struct abs_sums abs_sums(const struct quad *q, const double *d)
{
  struct abs_sums a = {0.0, 0.0, 0.0};
  for (size_t i = 0; i < q->n; i++) {
    a.s1 += fabs(q->b[i] * d[i]);
    for (size_t k = 0; k < q->n; k++)
      a.s2 += 0.5 * fabs(d[i] * q->a[i * q->n + k] * d[k]);
  }
  assert_int_equal(dlv_nrm2_d(q->n, d, 1, &a.lnd), DLV_OK);
  double up = 1.0 + dlv_gamma((double)(q->n * q->n) + 2.0, DLV_U_DOUBLE);
  a.s1 *= up;
  a.s2 *= up;
  a.lnd *= q->lambda * up;
  return a;
}

static double onesided(const struct quad *q, const double *d, double h,
                       double *e)
{
  double th[MAXN], dd[2];
  for (int j = 0; j < 2; j++) {
    double hj = j == 0 ? h : 0.5 * h;
    for (size_t i = 0; i < q->n; i++)
      th[i] = hj * d[i]; /* exact: hj is a power of two */
    dd[j] = objective(q, th) / hj;
  }
  double r = 2.0 * dd[1] - dd[0];
  struct abs_sums a = abs_sums(q, d);
  *e = dlv_bound_onesided(q->n, a.s1, a.s2, a.lnd, h, r);
  return r;
}

/* F'(0; d) = b.d + lambda ||d|| in MPFR. */
static void exact_onesided(const struct quad *q, const double *d,
                           mpfr_ptr out)
{
  mpfr_t nd;
  mpfr_init2(nd, mpfr_get_prec(out));
  assert_int_equal(dlv_mp_dot(out, q->n, q->b, 1, d, 1), DLV_OK);
  assert_int_equal(dlv_ref_nrm2(q->n, d, 1, nd), DLV_OK);
  mpfr_mul_d(nd, nd, q->lambda, MPFR_RNDN);
  mpfr_add(out, out, nd, MPFR_RNDN);
  mpfr_clear(nd);
}

static const double radii[] = {0x1p-10, 0x1p-20, 0x1p-30};

/* Directions: dirs[0] = -b/||b|| (the steepest, from the exam's argument),
 * then NDIR - 1 random unit directions. */
static void directions(gsl_rng *rng, const struct quad *q, double *dirs)
{
  double nb;
  assert_int_equal(dlv_nrm2_d(q->n, q->b, 1, &nb), DLV_OK);
  for (size_t i = 0; i < q->n; i++)
    dirs[i] = -q->b[i] / nb;
  for (size_t k = 1; k < NDIR; k++)
    gsl_ran_dir_nd(rng, q->n, dirs + k * q->n);
}

/* x and y both > 0 or both < 0. */
static int same_sign(double x, double y)
{
  return (x > 0.0 && y > 0.0) || (x < 0.0 && y < 0.0);
}

/* At one sweep point: accuracy of every R^ against MPFR (worst row), and
 * per radius the claim: the sign of min_d R^ is the sign of 1 - r (of the
 * exact minimum, the rows' reference), with the
 * measurement error E below |min_d R^| (row err = E, bound = |min| when
 * the sign is right, else 0). */
/* The rows' reference lambda (1 - r) against its definition, the minimum
 * over unit d of b.d + lambda ||d||, which is lambda - ||b|| (at d =
 * -b/||b||), with ||b|| in MPFR.  lambda = fl(nb / r), nb = dlv_nrm2_d's
 * ||b|| (relative error at most (n/2 + 1) u, nrm2.h), so ||b|| differs
 * from lambda r by at most ((n/2 + 1) u + u) lambda r (1 + u), and the
 * reference's own evaluation (1 - r, times lambda) adds 2 u of it: within
 * gamma_{n/2 + 3} lambda r + gamma_2 |lambda (1 - r)|. */
static void reference_min_row(const char *test, const struct quad *q,
                              double r, double exact_min, const char *what)
{
  mpfr_t def;
  mpfr_init2(def, dlv_mp_prec());
  assert_int_equal(dlv_ref_nrm2(q->n, q->b, 1, def), DLV_OK);
  mpfr_d_sub(def, q->lambda, def, MPFR_RNDN); /* lambda - ||b|| */
  struct dlv_meas m = {"double", what,
                       "the rows' reference lambda (1 - r) vs lambda - ||b|| "
                       "(MPFR), the minimum of F'(0;d) over unit d",
                       "gamma_{n/2+3} lambda r + gamma_2 |ref|"};
  dlv_expect_row(__FILE__, __LINE__, test, &m, exact_min,
                 mpfr_get_d(def, MPFR_RNDN), dlv_abs_error(exact_min, def),
                 dlv_gamma((double)q->n / 2.0 + 3.0, DLV_U_DOUBLE) *
                         q->lambda * r +
                     dlv_gamma(2.0, DLV_U_DOUBLE) * fabs(exact_min),
                 NAN);
  mpfr_clear(def);
}

static void nonconvex_point(const char *test, const struct quad *q,
                            const double *dirs, double r, const char *what)
{
  /* min over unit d of F'(0;d) = b.d + lambda ||d||, at d = -b/||b||
   * (||b|| = r lambda): the rows' reference, whose sign the claim is */
  const double exact_min = q->lambda * (1.0 - r);
  mpfr_t ex;
  mpfr_init2(ex, dlv_mp_prec());
  reference_min_row(test, q, r, exact_min, what);
  dlv_worst w = DLV_WORST_INIT; /* over (radius j, direction k) */
  double w_val = 0.0, w_ref = 0.0, ex_min = INFINITY;
  for (size_t j = 0; j < COUNT(radii); j++) {
    double min = INFINITY, min_e = 0.0;
    for (size_t k = 0; k < NDIR; k++) {
      const double *d = dirs + k * q->n;
      double e, rh = onesided(q, d, radii[j], &e);
      exact_onesided(q, d, ex);
      ex_min = fmin(ex_min, mpfr_get_d(ex, MPFR_RNDN)); /* sign exact */
      size_t at = j * NDIR + k;
      dlv_worst_add(&w, at, dlv_abs_error(rh, ex), e);
      if (w.i == at) { /* the worst so far */
        w_val = rh;
        w_ref = mpfr_get_d(ex, MPFR_RNDN);
      }
      if (rh < min) {
        min = rh;
        min_e = e;
      }
    }
    char shape[80];
    snprintf(shape, sizeof shape, "%s h=2^%d", what, ilogb(radii[j]));
    struct dlv_meas m = {"double", shape,
                         r < 1.0 ? "min_d one-sided F'(0;d) certified > 0 "
                                   "(rises in every sampled direction)"
                                 : "min_d one-sided F'(0;d) certified < 0 "
                                   "(falls along -grad l(0))",
                         "one-sided Richardson error E <= |min|",
                         DLV_ROLE_CLAIM, 0};
    int right = same_sign(min, exact_min);
    dlv_expect_row(__FILE__, __LINE__, test, &m, min, exact_min, min_e,
                   right ? fabs(min) : 0.0, NAN);
  }
  /* The claim on the reference path: the exact F'(0;d) = b.d + lambda
   * ||d|| (MPFR, rounded to nearest: its sign is exact) over the same
   * directions has the sign of 1 - r, whatever the kernels do. */
  struct dlv_meas mx = {"double", what,
                        r < 1.0 ? "MPFR: min_d F'(0;d) = b.d + lambda||d|| > 0"
                                : "MPFR: min_d F'(0;d) = b.d + lambda||d|| < 0",
                        "sign of 1 - r (exact)", DLV_ROLE_CLAIM, 0};
  dlv_expect_true(__FILE__, __LINE__, test, &mx, ex_min, exact_min,
                  same_sign(ex_min, exact_min));
  struct dlv_meas m = {"double", what,
                       "worst one-sided F'(0;d) vs b.d + lambda||d|| (MPFR)",
                       "onesided_richardson"};
  m.kernel = "loss_quadratic+nrm2"; /* F^ = l^ + lambda ||.||^ */
  dlv_expect_row(__FILE__, __LINE__, test, &m, w_val, w_ref, w.err, w.bound,
                 NAN);
  mpfr_clear(ex);
}

static void p4c_sweep_nonconvex(void **state)
{
  (void)state;
  static const size_t ns[] = {3, 5, 8};
  gsl_rng *rng = dlv_rng(__func__);
  double dirs[NDIR * MAXN];
  for (size_t p = 0; p < COUNT(ns); p++) {
    struct quad q = {ns[p], {0}, {0}, 0.0};
    gram_indefinite(rng, q.n, q.a);
    for (size_t i = 0; i < q.n; i++)
      q.b[i] = gsl_ran_gaussian(rng, 1.0);
    double nb;
    assert_int_equal(dlv_nrm2_d(q.n, q.b, 1, &nb), DLV_OK);
    directions(rng, &q, dirs);
    for (int k = 0; k < SWEEP; k++) {
      double r = sweep_r(k);
      q.lambda = nb / r;
      char what[48];
      snprintf(what, sizeof what, "indefinite n=%zu r=%.4f", q.n, r);
      nonconvex_point(__func__, &q, dirs, r, what);
    }
  }
}

/* ---- the boundary r = 1 ------------------------------------------------- */

/* b = tuple (||b|| = c exactly), lambda = c: r = 1 exactly.  Along
 * d = -b (exact) F(h d) = h (b.d + lambda ||d||) + h^2 d'Ad/2 =
 * h^2 d'Ad/2, the first-order term being exactly 0. */
static void boundary_problem(const char *test, gsl_rng *rng,
                             const double *tp, int convex)
{
  struct quad q = {tp[2] == 0.0 ? 2 : 3, {0}, {0}, tp[3]};
  double d[MAXN], th[MAXN];
  for (size_t i = 0; i < q.n; i++) {
    q.b[i] = tp[i];
    d[i] = -tp[i];
  }
  double qd;
  for (;;) { /* convex: A SPD; else A indefinite with d'Ad < 0 */
    if (convex)
      gram(rng, q.n, 0.5, q.a);
    else
      gram_indefinite(rng, q.n, q.a);
    qd = 0.0;
    for (size_t i = 0; i < q.n; i++)
      for (size_t k = 0; k < q.n; k++)
        qd += d[i] * q.a[i * q.n + k] * d[k]; /* exact: small dyadics */
    if (convex || qd < 0.0)
      break;
  }
  char what[64];
  snprintf(what, sizeof what, "%s r=1 b=(%g,%g,%g) lambda=%g",
           convex ? "convex" : "indefinite", tp[0], tp[1], tp[2], tp[3]);
  mpfr_t ex;
  mpfr_init2(ex, dlv_mp_prec());
  exact_onesided(&q, d, ex);
  assert_true(mpfr_zero_p(ex)); /* r = 1 exactly, by construction */
  for (size_t j = 0; j < COUNT(radii); j++) {
    double e, rh = onesided(&q, d, radii[j], &e);
    char shape[80];
    snprintf(shape, sizeof shape, "%s h=2^%d", what, ilogb(radii[j]));
    struct dlv_meas m = {"double", shape,
                         "r = 1: one-sided F'(0;-b) = 0 within E: first "
                         "order decides nothing",
                         "onesided_richardson", DLV_ROLE_CLAIM, 0};
    dlv_expect_row(__FILE__, __LINE__, test, &m, rh, 0.0, fabs(rh), e, NAN);
    /* Second order decides: F(h d) = h^2 d'Ad / 2, measured against MPFR
     * and certified to have the sign of d'Ad. */
    for (size_t i = 0; i < q.n; i++)
      th[i] = radii[j] * d[i];
    double f = objective(&q, th);
    struct abs_sums a = abs_sums(&q, d);
    double bound = radii[j] * dlv_bound_onesided_eps(q.n, a.s1, a.s2, a.lnd,
                                                     radii[j]);
    double exact = 0.5 * radii[j] * radii[j] * qd; /* exact dyadic */
    m = (struct dlv_meas){"double", shape,
                          "r = 1: F(h d) vs h^2 d'Ad/2 (second order)",
                          "onesided_eps * h"};
    m.kernel = "loss_quadratic+nrm2";
    dlv_expect_row(__FILE__, __LINE__, test, &m, f, exact, fabs(f - exact),
                   bound, NAN);
    m.quantity = convex ? "r = 1, convex: F(h d) > 0 certified"
                        : "r = 1, indefinite: F(h d) < 0 certified "
                          "(0 is not a local minimum)";
    m.bound_name = "error bound <= |F(h d)|";
    int right = convex ? f > 0.0 : f < 0.0;
    dlv_expect_row(__FILE__, __LINE__, test, &m, f, exact, bound,
                   right ? fabs(f) : 0.0, NAN);
  }
  /* Along the rounded unit direction -b/c the exact F'(0; d) is >= 0
   * (Cauchy-Schwarz, ||b|| = lambda) and 0 only if d is parallel to b: it
   * is 0 to within the measurement error, again deciding nothing. */
  double du[MAXN];
  for (size_t i = 0; i < q.n; i++)
    du[i] = d[i] / q.lambda;
  exact_onesided(&q, du, ex);
  double e, rh = onesided(&q, du, radii[1], &e);
  struct dlv_meas mu = {"double", what,
                        "r = 1: one-sided F'(0;-b/||b||) (rounded unit "
                        "direction) = 0 within E",
                        "onesided_richardson", DLV_ROLE_CLAIM, 0};
  dlv_expect_row(__FILE__, __LINE__, test, &mu, rh,
                 mpfr_get_d(ex, MPFR_RNDN), fabs(rh), e, NAN);
  if (convex) { /* 0 is a fixed point of the prox step: the minimizer */
    double t = p4_quad_step(q.n, q.a), v[MAXN];
    for (size_t i = 0; i < q.n; i++)
      v[i] = -t * q.b[i]; /* ||v|| = t lambda exactly */
    assert_int_equal(dlv_prox_group_d(q.n, v, 1, t * q.lambda, v, 1),
                     DLV_OK);
    struct dlv_meas m = {"double", what,
                         "r = 1, convex: prox step at 0 returns exactly 0 "
                         "(0 is the minimizer)",
                         "exact zero"};
    m.kernel = "prox_group";
    dlv_expect_true(__FILE__, __LINE__, test, &m,
                    v[0], 0.0, is_exact_zero(v, q.n));
  }
  mpfr_clear(ex);
}

/* abs_sums takes magnitudes only: b_i flipped at odd i, a_ik where
 * i + 2k = 0 mod 3 (A need not stay symmetric for the sums) and d_i at
 * i = 0 mod 3 leave s1, s2 and lambda ||d|| bitwise the same.  A sum of
 * signed terms, which can cancel, does not. */
static void p4c_bounds_sign_invariant(void **state)
{
  (void)state;
  gsl_rng *r = dlv_rng(__func__);
  static const size_t ns[] = {2, 3, 5, 8};
  for (size_t t = 0; t < sizeof ns / sizeof ns[0]; t++) {
    const size_t n = ns[t];
    struct quad q[2] = {{.n = n, .lambda = 0.75}, {.n = n, .lambda = 0.75}};
    double d[2][MAXN];
    gram(r, n, 0.5, q[0].a);
    for (size_t i = 0; i < n; i++) {
      q[0].b[i] = gsl_ran_gaussian(r, 1.0);
      d[0][i] = gsl_ran_gaussian(r, 1.0);
      q[1].b[i] = i % 2 ? -q[0].b[i] : q[0].b[i];
      d[1][i] = i % 3 == 0 ? -d[0][i] : d[0][i];
      for (size_t k = 0; k < n; k++)
        q[1].a[i * n + k] = (i + 2 * k) % 3 == 0 ? -q[0].a[i * n + k]
                                                 : q[0].a[i * n + k];
    }
    struct abs_sums s0 = abs_sums(&q[0], d[0]), s1 = abs_sums(&q[1], d[1]);
    char shape[32];
    snprintf(shape, sizeof shape, "n=%zu", n);
    struct dlv_meas m = {"double", shape,
                         "F^'s rounding sums s1, s2, lambda ||d|| on "
                         "sign-flipped b, A, d vs as drawn",
                         "bitwise"};
    DLV_EXPECT_SAME(&m, s1.s1, s0.s1);
    DLV_EXPECT_SAME(&m, s1.s2, s0.s2);
    DLV_EXPECT_SAME(&m, s1.lnd, s0.lnd);
  }
}

static void p4c_boundary_r1(void **state)
{
  (void)state;
  gsl_rng *rng = dlv_rng(__func__);
  for (size_t t = 0; t < COUNT(tuples); t++) {
    boundary_problem(__func__, rng, tuples[t], 1);
    boundary_problem(__func__, rng, tuples[t], 0);
  }
}

int main(void)
{
  /* The kernels the claim and nearby rows are computed with, each
   * measured by accuracy rows of this check. */
  static const char *const relies_on[] = {"nrm2",          "prox_group",
                                          "prox_grad",     "loss_quadratic",
                                          "loss_logistic", NULL};
  const struct CMUnitTest tests[] = {
      DLV_UNIT_TEST(p4c_prox_vs_mpfr),
      DLV_UNIT_TEST(p4c_bounds_sign_invariant),
      DLV_UNIT_TEST(p4c_prox_threshold),
      DLV_UNIT_TEST(p4c_prox_defined_errors),
      DLV_UNIT_TEST(p4c_sweep_convex),
      DLV_UNIT_TEST(p4c_sweep_logistic),
      DLV_UNIT_TEST(p4c_sweep_nonconvex),
      DLV_UNIT_TEST(p4c_boundary_r1),
  };
  return dlv_run_check("P4c", relies_on, DLV_VERDICT_CONFIRMED, tests,
                       sizeof tests / sizeof tests[0]);
}
