/* claims/p4b_l2_stationary/check.c: claim P4b, every stationary point Theta* != 0 of
 * l + lambda ||Theta|| is a stationary point of L2 regularization with
 * lambda' = lambda / ||Theta*||.
 *
 * Convention.  The exam's L2 condition grad l = -lambda' Theta is the
 * stationarity condition of l + (lambda'/2) ||Theta||^2 (convention A);
 * with l + lambda'' ||Theta||^2 (convention B) it reads grad l =
 * -2 lambda'' Theta and the constant is lambda'' = lambda/(2 ||Theta*||).
 * The claim rows measure convention A, which is the exam's; convention B
 * is measured as accuracy rows: with lambda/(2 ||Theta*||) its residual
 * obeys the same bound, and with lambda/||Theta*|| its residual equals
 * lambda (the whole regularizer gradient), i.e. that constant is twice too
 * large for B.  Those rows hold when the convention algebra is right; they
 * are accuracy rather than nearby rows because the exam states its
 * condition explicitly, so no reader's sense of the claim fails.
 *
 * Senses measured, on convex quadratics l = 1/2 Theta'A Theta + b'Theta
 * (A = M'M/8 + I/2, M integer: exact, lambda_min(A) >= 1/2), n = 2..8,
 * and on logistic regression (m = 40 samples, n = 4 features):
 * - accuracy: the proximal-gradient solver (include/dlv/prox_group.h) reaches
 *   Theta* with an exact (MPFR) residual ||grad F(Theta*)|| below its
 *   acceptance level;
 * - claim: the L2 residual grad l(Theta*) + lambda' Theta* computed in
 *   double with lambda' = lambda/||Theta*|| is below the exact residual
 *   plus its rounding bound (relative to ||grad l|| + lambda);
 * - claim: the L2 problem solved from scratch returns Theta*: for the
 *   quadratic (A + lambda' I) x = -b in MPFR, ||x - Theta*|| <=
 *   ||grad F(Theta*)|| / (1/2 + lambda'); for the logistic loss x from
 *   GSL's BFGS (an independent solver), ||x - Theta*|| <= (||grad
 *   F(Theta*)|| + ||grad G(x)||) / lambda' (G the L2 objective), every
 *   residual exact in MPFR. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_multimin.h>
#include <gsl/gsl_multiroots.h>
#include <gsl/gsl_randist.h>

#include "check.h"
#include "deriv.h"
#include "dlv_status.h"
#include "loss.h"
#include "mp.h"
#include "../p4_problems.h"
#include "nrm2.h"
#include "prox_group.h"
#include "ref_logistic.h"
#include "ref_nrm2.h"
#include "ref_quadratic.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
enum { MAXN = 8 };

/* ---- losses ------------------------------------------------------------ */

/* l = 1/2 Theta'A Theta + b'Theta, lambda_min(A) >= DLV_P4_QUAD_MU. */
struct quad {
  size_t n;
  double a[MAXN * MAXN], b[MAXN];
};

/* A smooth convex loss with what the check needs of it. */
struct problem {
  size_t n;
  dlv_loss_fn_d loss; /* the kernel, in double */
  const void *ctx;
  double lambda, step; /* step t = 2^-k <= 1/L */
  /* grad l(theta) in MPFR (the reference) */
  void (*exact_grad)(const void *ctx, const double *theta, mpfr_t *g);
  /* entrywise bound gerr_j of the kernel's gradient g^ and a bound gabs_j
   * of |g_j| (see dlv_bound_l2_resid_entry) */
  void (*grad_err)(const void *ctx, const double *theta, const double *g,
                   double *gerr, double *gabs);
};

/* A = M'M/8 + I/2 with M integer in [-3, 3]: exact in double, SPD with
 * lambda_min >= 1/2.  (Same construction as checks/claims/p4c_zero_min/.) */
static void gram_spd(gsl_rng *r, struct quad *q)
{
  double m[MAXN * MAXN];
  size_t n = q->n;
  for (size_t i = 0; i < n * n; i++)
    m[i] = (double)gsl_rng_uniform_int(r, 7) - 3.0;
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < n; j++) {
      double s = 0.0;
      for (size_t k = 0; k < n; k++)
        s += m[k * n + i] * m[k * n + j];
      q->a[i * n + j] = s / 8.0 + (i == j ? DLV_P4_QUAD_MU : 0.0);
    }
}

static int quad_loss(const double *theta, double *value, double *grad,
                     void *ctx)
{
  const struct quad *q = ctx;
  dlv_quadratic d = {q->n, q->a, q->b};
  return dlv_loss_quadratic_d(&d, theta, value, grad);
}

static void quad_exact_grad(const void *ctx, const double *theta, mpfr_t *g)
{
  const struct quad *q = ctx;
  const dlv_quadratic problem = {q->n, q->a, q->b};
  assert_int_equal(dlv_ref_loss_quadratic(&problem, theta, NULL, g), DLV_OK);
}

/* gerr_j = gamma_{n+1} S_j, gabs_j = S_j (p4_problems.h). */
static void quad_grad_err(const void *ctx, const double *theta,
                          const double *g, double *gerr, double *gabs)
{
  const struct quad *q = ctx;
  (void)g;
  p4_quad_grad_err(q->n, q->a, q->b, theta, gerr, gabs);
}

static void logi_exact_grad(const void *ctx, const double *theta, mpfr_t *g)
{
  const struct logi *p = ctx;
  const dlv_logistic problem = {LM, LN, p->x, p->y};
  assert_int_equal(dlv_ref_loss_logistic(&problem, theta, NULL, g), DLV_OK);
}

/* dlv_bound_logistic_grad_entry (p4_problems.h). */
static void logi_grad_err(const void *ctx, const double *theta,
                          const double *g, double *gerr, double *gabs)
{
  const struct logi *p = ctx;
  p4_logi_grad_err(LM, LN, p->x, theta, g, gerr, gabs);
}

/* ---- exact quantities at Theta* (MPFR) ----------------------------------- */

static void mp_norm(mpfr_ptr out, mpfr_t *v, size_t n)
{
  mpfr_set_zero(out, 1);
  for (size_t i = 0; i < n; i++)
    mpfr_fma(out, v[i], v[i], out, MPFR_RNDN);
  mpfr_sqrt(out, out, MPFR_RNDN);
}

/* ||grad l(x) + c x|| exactly (MPFR), rounded up. */
static double exact_resid(const struct problem *p, const double *x,
                          mpfr_srcptr c)
{
  mpfr_prec_t prec = dlv_mp_prec();
  mpfr_t *g = dlv_mp_vec_alloc(p->n, prec);
  assert_non_null(g);
  p->exact_grad(p->ctx, x, g);
  mpfr_t t;
  mpfr_init2(t, prec);
  for (size_t i = 0; i < p->n; i++) { /* g += c x */
    mpfr_mul_d(t, c, x[i], MPFR_RNDN);
    mpfr_add(g[i], g[i], t, MPFR_RNDN);
  }
  mp_norm(t, g, p->n);
  double out = mpfr_get_d(t, MPFR_RNDU);
  mpfr_clear(t);
  dlv_mp_vec_free(g, p->n);
  return out;
}

/* lambda' = lambda/||theta|| in MPFR. */
static void exact_lambda_p(const struct problem *p, const double *theta,
                           mpfr_ptr lp)
{
  assert_int_equal(dlv_ref_nrm2(p->n, theta, 1, lp), DLV_OK);
  mpfr_d_div(lp, p->lambda, lp, MPFR_RNDN);
}

/* ---- the L2 problem from scratch ----------------------------------------- */

/* ||x - theta|| in MPFR, rounded to nearest. */
static double exact_dist(mpfr_t *x, const double *theta, size_t n)
{
  mpfr_t s;
  mpfr_init2(s, mpfr_get_prec(x[0]));
  for (size_t i = 0; i < n; i++)
    mpfr_sub_d(x[i], x[i], theta[i], MPFR_RNDN);
  mp_norm(s, x, n);
  double d = mpfr_get_d(s, MPFR_RNDN);
  mpfr_clear(s);
  return d;
}

/* Quadratic: x = -(A + lambda' I)^-1 b in MPFR; writes ||x - theta*|| and
 * its bound (dlv_bound_l2_from_scratch_quad). */
static void scratch_quadratic(const struct problem *p, const double *theta,
                              mpfr_srcptr lp, double rho, double *dist,
                              double *bound)
{
  const struct quad *q = p->ctx;
  mpfr_t *x = dlv_mp_vec_alloc(p->n, dlv_mp_prec());
  mpfr_t s;
  mpfr_init2(s, dlv_mp_prec());
  assert_non_null(x);
  assert_int_equal(dlv_ref_quadratic_l2_min(p->n, q->a, q->b, lp, x),
                   DLV_OK);
  mp_norm(s, x, p->n);
  *bound = dlv_bound_l2_from_scratch_quad(rho, mpfr_get_d(lp, MPFR_RNDD),
                                          mpfr_get_d(s, MPFR_RNDU));
  *dist = exact_dist(x, theta, p->n);
  mpfr_clear(s);
  dlv_mp_vec_free(x, p->n);
}

/* G(x) = l(x) + (lambda'/2)||x||^2 for GSL, with its gradient written
 * here (not with the kernel under test). */
struct l2obj {
  const struct problem *p;
  double lp;
};

static double l2_f(const gsl_vector *v, void *q)
{
  const struct l2obj *o = q;
  double l, s = 0.0;
  assert_int_equal(o->p->loss(v->data, &l, NULL, (void *)o->p->ctx), DLV_OK);
  for (size_t i = 0; i < o->p->n; i++)
    s += v->data[i] * v->data[i];
  return l + 0.5 * o->lp * s;
}

static void l2_df(const gsl_vector *v, void *q, gsl_vector *g)
{
  const struct l2obj *o = q;
  assert_int_equal(o->p->loss(v->data, NULL, g->data, (void *)o->p->ctx),
                   DLV_OK);
  for (size_t i = 0; i < o->p->n; i++)
    g->data[i] += o->lp * v->data[i];
}

static void l2_fdf(const gsl_vector *v, void *q, double *f, gsl_vector *g)
{
  *f = l2_f(v, q);
  l2_df(v, q, g);
}

static int grad_root(const gsl_vector *v, void *q, gsl_vector *g)
{
  l2_df(v, q, g);
  return GSL_SUCCESS;
}

/* x polished to a root of grad G by GSL's hybrid method (a Jacobian of
 * finite differences of the gradient): BFGS's line search judges G by
 * its values, which round off near sqrt(u) relative stationarity (its x
 * stalled at 1e4 2^-36 of the scale on the logistic problems); the root
 * of the gradient, computed to full precision, does not. */
static void polish_root(struct l2obj *o, gsl_vector *x, double tol)
{
  gsl_multiroot_function f = {grad_root, o->p->n, o};
  gsl_multiroot_fsolver *r =
      gsl_multiroot_fsolver_alloc(gsl_multiroot_fsolver_hybrids, o->p->n);
  assert_non_null(r);
  gsl_multiroot_fsolver_set(r, &f, x);
  for (int it = 0; it < 100; it++)
    if (gsl_multiroot_fsolver_iterate(r) != GSL_SUCCESS ||
        gsl_multiroot_test_residual(r->f, tol) == GSL_SUCCESS)
      break;
  gsl_vector_memcpy(x, r->x);
  gsl_multiroot_fsolver_free(r);
}

/* G on the line x + t d (g_along: its value at t), for a central
 * difference of G along d; v is scratch of G's dimension. */
struct along {
  struct l2obj *o;
  const double *x, *d;
  gsl_vector *v;
};

static double g_along(double t, void *q)
{
  struct along *a = q;
  for (size_t i = 0; i < a->o->p->n; i++)
    gsl_vector_set(a->v, i, a->x[i] + t * a->d[i]);
  return l2_f(a->v, a->o);
}

/* The objective handed to GSL agrees with its gradient: at Theta*, along
 * the unit direction Theta* / norm(Theta*), G's central difference against
 * <grad G, d> within GSL's error estimate plus DLV_SOLVER_STATIONARITY of
 * the scale (the level an independent solver's central differences are
 * accepted at, nrm2.h): a value and a gradient of two different
 * objectives (a factor on the penalty in one of them) fail here, where
 * the minimizer's rows could not tell (accuracy row). */
static void objective_consistent(const char *test, const char *what,
                                 const struct problem *p, double lp,
                                 const double *theta, double tn,
                                 double scale)
{
  struct l2obj o = {p, lp};
  double *d = malloc(p->n * sizeof *d);
  gsl_vector *v = gsl_vector_alloc(p->n), *g = gsl_vector_alloc(p->n);
  assert_true(d != NULL && v != NULL && g != NULL);
  for (size_t i = 0; i < p->n; i++)
    d[i] = theta[i] / tn, gsl_vector_set(v, i, theta[i]);
  l2_df(v, &o, g);
  double slope = 0.0;
  for (size_t i = 0; i < p->n; i++)
    slope += gsl_vector_get(g, i) * d[i];
  struct along a = {&o, theta, d, v};
  double fd, abserr;
  dlv_deriv_central(g_along, &a, 0.0, 0x1p-10 * tn, &fd, &abserr);
  struct dlv_meas m = {"double", what,
                       "objective handed to BFGS: G's central difference "
                       "along Theta*/||Theta*|| vs <grad G, d> / scale",
                       "gsl_deriv_central abserr + solver_stationarity "
                       "2^-26"};
  m.kernel = "gsl_bfgs2";
  dlv_expect_row(__FILE__, __LINE__, test, &m, fd / scale, slope / scale,
                 fabs(fd - slope) / scale,
                 abserr / scale + DLV_SOLVER_STATIONARITY, NAN);
  free(d);
  gsl_vector_free(v);
  gsl_vector_free(g);
}

/* Any convex loss: x from GSL's BFGS started at 0; writes ||x - theta*||,
 * its bound (rho + rho_x)/lambda' (dlv_bound_l2_from_scratch_convex) and
 * rho_x, x's exact residual, which the caller gates as it gates the
 * solver of Theta* (a bound that grows with a solver's residual holds
 * whatever the solver did, so the residual has a row of its own). */
static void scratch_bfgs(const struct problem *p, const double *theta,
                         mpfr_srcptr lp, double rho, double *dist,
                         double *bound, double *resid)
{
  struct l2obj o = {p, mpfr_get_d(lp, MPFR_RNDN)};
  gsl_multimin_function_fdf fn = {l2_f, l2_df, l2_fdf, p->n, &o};
  gsl_vector *x0 = gsl_vector_calloc(p->n);
  gsl_multimin_fdfminimizer *s = gsl_multimin_fdfminimizer_alloc(
      gsl_multimin_fdfminimizer_vector_bfgs2, p->n);
  assert_true(x0 != NULL && s != NULL);
  gsl_multimin_fdfminimizer_set(s, &fn, x0, 0.1, 0.1);
  for (int it = 0; it < 1000; it++)
    if (gsl_multimin_fdfminimizer_iterate(s) != GSL_SUCCESS ||
        gsl_multimin_test_gradient(s->gradient, p->lambda * 0x1p-46) ==
            GSL_SUCCESS)
      break;
  gsl_vector *xs = gsl_vector_alloc(p->n);
  assert_non_null(xs);
  gsl_vector_memcpy(xs, s->x);
  polish_root(&o, xs, p->lambda * 0x1p-46);
  double rho_x = exact_resid(p, xs->data, lp);
  *resid = rho_x;
  mpfr_t *x = dlv_mp_vec_alloc(p->n, dlv_mp_prec());
  assert_non_null(x);
  for (size_t i = 0; i < p->n; i++)
    mpfr_set_d(x[i], xs->data[i], MPFR_RNDN);
  *dist = exact_dist(x, theta, p->n);
  *bound = dlv_bound_l2_from_scratch_convex(rho + rho_x,
                                            mpfr_get_d(lp, MPFR_RNDD));
  dlv_mp_vec_free(x, p->n);
  gsl_vector_free(xs);
  gsl_multimin_fdfminimizer_free(s);
  gsl_vector_free(x0);
}

/* ---- the rows ------------------------------------------------------------ */

/* The L2 residual r = grad l + c Theta in double (kernels) for the
 * objective l + (w/2) lambda_L2 ||Theta||^2 with lambda_L2 = lambda/(k N^):
 * c = w lambda_L2.  Convention A (the exam's): w = 1, k = 1.  Convention
 * B: w = 2, and k = 2 is its right constant, k = 1 the A constant.  The
 * factors are exact powers of two, so c has one rounding (from the
 * division) beyond N^'s.  Writes ||r^|| and the norm of the entrywise
 * rounding bounds (dlv_bound_l2_resid_entry). */
static void l2_residual(const struct problem *p, const double *theta,
                        double w, double k, double *r_norm, double *e_norm)
{
  size_t n = p->n;
  double g[MAXN], r[MAXN], e[MAXN], gerr[MAXN], gabs[MAXN], nrm;
  assert_int_equal(p->loss(theta, NULL, g, (void *)p->ctx), DLV_OK);
  assert_int_equal(dlv_nrm2_d(n, theta, 1, &nrm), DLV_OK);
  double c = w * (p->lambda / (k * nrm));
  assert_int_equal(dlv_l2reg_grad_d(n, g, theta, c, r), DLV_OK);
  p->grad_err(p->ctx, theta, g, gerr, gabs);
  for (size_t j = 0; j < n; j++)
    e[j] = dlv_bound_l2_resid_entry(n, gerr[j], gabs[j], c * theta[j]);
  assert_int_equal(dlv_nrm2_d(n, r, 1, r_norm), DLV_OK);
  assert_int_equal(dlv_nrm2_d(n, e, 1, e_norm), DLV_OK);
}

/* dlv_l2reg_grad_d at (g, theta, c) against g + c theta in MPFR: the worst
 * entry (dlv_bound_l2reg_grad_entry) as an accuracy row. */
static void check_l2reg_grad(const char *test, size_t n, const double *g,
                             const double *theta, double c, const char *what)
{
  double r[MAXN], w_ref = 0.0;
  dlv_worst w = DLV_WORST_INIT;
  assert_int_equal(dlv_l2reg_grad_d(n, g, theta, c, r), DLV_OK);
  mpfr_t e;
  mpfr_init2(e, dlv_mp_prec());
  for (size_t j = 0; j < n; j++) {
    mpfr_set_d(e, c, MPFR_RNDN);
    mpfr_mul_d(e, e, theta[j], MPFR_RNDN); /* exact: 106 bits */
    mpfr_add_d(e, e, g[j], MPFR_RNDN);
    dlv_worst_add(&w, j, dlv_abs_error(r[j], e),
                  dlv_bound_l2reg_grad_entry(fabs(g[j]), fabs(c * theta[j])));
    if (w.i == j) /* j the worst so far */
      w_ref = mpfr_get_d(e, MPFR_RNDN);
  }
  mpfr_clear(e);
  struct dlv_meas m = {"double", what,
                       "worst grad l + c Theta entry vs MPFR (c = "
                       "lambda/||Theta*||)",
                       "l2reg_grad gamma_3 (|g| + |c theta|)"};
  m.kernel = "l2reg_grad";
  dlv_expect_row(__FILE__, __LINE__, test, &m, r[w.i], w_ref, w.err, w.bound,
                 NAN);
}

/* The prox the accuracy row measured (out, at v = Theta* - t g^) is the
 * solver's step at its fixed point: Theta* = prox_{t lambda}(Theta* + t
 * lambda u), u = Theta* / ||Theta*||, exactly, and the prox is
 * nonexpansive, so ||out - Theta*|| <= t ||grad F(Theta*)|| (= t rho) +
 * ||v - (Theta* - t grad l)|| (measured exactly, MPFR) + the kernel's
 * error, within its derived bound (prox_group_d at the exact prox of v at
 * t lambda).  The distance, summed in double (a few roundings), is made a
 * lower bound and the bound an upper one by 1 + 2^-40.  A prox measured
 * at another tau than t lambda fails here. */
static void fixed_point_row(const char *test, const struct problem *p,
                            const double *theta, const double *v,
                            const double *out, double rho, const char *what)
{
  size_t n = p->n;
  mpfr_prec_t prec = dlv_mp_prec();
  mpfr_t *g = dlv_mp_vec_alloc(n, prec), *px = dlv_mp_vec_alloc(n, prec);
  assert_non_null(g);
  assert_non_null(px);
  p->exact_grad(p->ctx, theta, g);
  assert_int_equal(dlv_ref_prox_group(n, v, 1, p->step * p->lambda, px),
                   DLV_OK);
  mpfr_t t;
  mpfr_init2(t, prec);
  double dist = 0.0, dv = 0.0, dk = 0.0;
  for (size_t j = 0; j < n; j++) {
    double d = out[j] - theta[j];
    dist += d * d;
    mpfr_mul_d(t, g[j], -p->step, MPFR_RNDN);
    mpfr_add_d(t, t, theta[j], MPFR_RNDN);
    mpfr_d_sub(t, v[j], t, MPFR_RNDN);
    dv += mpfr_get_d(t, MPFR_RNDA) * mpfr_get_d(t, MPFR_RNDA);
    double bk = dlv_bound_prox_at(dlv_bound_prox_group_d(n), fabs(v[j]),
                                  fabs(mpfr_get_d(px[j], MPFR_RNDA)));
    dk += bk * bk;
  }
  const double up = 1.0 + 0x1p-40;
  struct dlv_meas m = {"double", what,
                       "the measured prox's output vs Theta* (the solver's "
                       "fixed point, tau = t lambda)",
                       "t rho + ||v - v*|| + prox_group_d (nonexpansive)"};
  m.kernel = "prox_group";
  dlv_expect_row(__FILE__, __LINE__, test, &m, sqrt(dist) / up, 0.0,
                 sqrt(dist) / up,
                 (p->step * rho + sqrt(dv) + sqrt(dk)) * up, NAN);
  mpfr_clear(t);
  dlv_mp_vec_free(g, n);
  dlv_mp_vec_free(px, n);
}

/* The accuracy, on this problem's Theta*, of every kernel the claim rows
 * are computed with (nrm2, the loss gradient, l2reg_grad) and of the prox
 * the solver steps with, at its fixed point v = Theta* - t grad l(Theta*),
 * tau = t lambda (fixed_point_row: the output is the solver's Theta*). */
static void check_kernels_at(const char *test, const struct problem *p,
                             const double *theta, double rho,
                             const char *what)
{
  size_t n = p->n;
  double g[MAXN], v[MAXN], nrm;
  check_nrm2_d(test, n, theta, 1, what);
  if (p->exact_grad == quad_exact_grad) {
    const struct quad *q = p->ctx;
    dlv_quadratic d = {q->n, q->a, q->b};
    check_loss_grad_at(test, &d, NULL, theta, what);
  } else {
    const struct logi *l = p->ctx;
    dlv_logistic d = {LM, LN, l->x, l->y};
    check_loss_grad_at(test, NULL, &d, theta, what);
  }
  assert_int_equal(p->loss(theta, NULL, g, (void *)p->ctx), DLV_OK);
  assert_int_equal(dlv_nrm2_d(n, theta, 1, &nrm), DLV_OK);
  check_l2reg_grad(test, n, g, theta, p->lambda / nrm, what);
  for (size_t j = 0; j < n; j++)
    v[j] = theta[j] - p->step * g[j];
  double out[MAXN];
  prox_d_case_keep(test, n, v, p->step * p->lambda, what,
                   dlv_bound_prox_group_d(n), "prox_group_d", out);
  fixed_point_row(test, p, theta, v, out, rho, what);
}

/* Solves F = l + lambda ||Theta|| and records every row for one problem. */
static void check_problem(const char *test, const struct problem *p,
                          const double *theta0, const char *what)
{
  size_t n = p->n;
  double theta[MAXN], work[3 * MAXN], g[MAXN], gn, tn;
  memcpy(theta, theta0, n * sizeof *theta);
  dlv_pg_opts o = {p->step, DLV_PG_TOL, 200000};
  dlv_pg_info info;
  struct dlv_meas m = {"double", what, "proximal-gradient status",
                       "exact status"};
  m.kernel = "prox_grad";
  dlv_expect_status(__FILE__, __LINE__, test, &m,
                    dlv_prox_grad_d(n, p->loss, (void *)p->ctx, p->lambda,
                                    &o, theta, work, &info),
                    DLV_OK);
  m.quantity = "solver met its stopping rule (1 = yes)";
  m.bound_name = "converged within max_iter";
  dlv_expect_true(__FILE__, __LINE__, test, &m, info.converged, 1.0,
                  info.converged);
  assert_int_equal(p->loss(theta, NULL, g, (void *)p->ctx), DLV_OK);
  assert_int_equal(dlv_nrm2_d(n, g, 1, &gn), DLV_OK);
  assert_int_equal(dlv_nrm2_d(n, theta, 1, &tn), DLV_OK);
  double scale = gn + p->lambda;
  mpfr_t lp;
  mpfr_init2(lp, dlv_mp_prec());
  exact_lambda_p(p, theta, lp);
  double rho = exact_resid(p, theta, lp); /* = ||grad F(Theta*)|| */

  /* The solver, judged by its exact residual. */
  m = (struct dlv_meas){"double", what,
                        "solver: exact ||grad F(Theta*)|| / scale (MPFR)",
                        "pg_stationarity 2^-36"};
  m.kernel = "prox_grad";
  dlv_expect_row(__FILE__, __LINE__, test, &m, rho / scale, 0.0,
                 rho / scale, DLV_PG_STATIONARITY, NAN);

  /* Bound of ||r^|| for a residual whose exact value has norm rho_c:
   * (rho_c + ||e||)(1 + dlv_bound_l2_resid_norm_rel(n)). */
  double beta = dlv_bound_nrm2_d(n).rel;
  double slack = 1.0 + dlv_bound_l2_resid_norm_rel(n);
  double rn, en;
  l2_residual(p, theta, 1.0, 1.0, &rn, &en);
  m = (struct dlv_meas){"double", what,
                        "A: ||grad l + lambda' Theta*|| / scale, lambda' = "
                        "lambda/||Theta*|| (exam's condition)",
                        "exact residual + l2_resid rounding",
                        DLV_ROLE_CLAIM, 0};
  dlv_expect_row(__FILE__, __LINE__, test, &m, rn / scale, rho / scale,
                 rn / scale, (rho + en) * slack / scale, NAN);

  double dist, bound, rho_x;
  if (p->exact_grad == quad_exact_grad)
    scratch_quadratic(p, theta, lp, rho, &dist, &bound);
  else {
    scratch_bfgs(p, theta, lp, rho, &dist, &bound, &rho_x);
    m = (struct dlv_meas){"double", what,
                          "solver from scratch (BFGS, polished): exact "
                          "||grad G(x)|| / scale (MPFR)",
                          "pg_stationarity 2^-36"};
    m.kernel = "gsl_bfgs2";
    dlv_expect_row(__FILE__, __LINE__, test, &m, rho_x / scale, 0.0,
                   rho_x / scale, DLV_PG_STATIONARITY, NAN);
    objective_consistent(test, what, p, mpfr_get_d(lp, MPFR_RNDN), theta, tn,
                         scale);
  }
  m = (struct dlv_meas){"double", what,
                        "A: argmin l + (lambda'/2)||Theta||^2 from scratch "
                        "vs Theta*: ||x - Theta*|| / ||Theta*||",
                        p->exact_grad == quad_exact_grad
                            ? "l2_from_scratch rho/(mu + lambda') (MPFR)"
                            : "l2_from_scratch (rho + rho_x)/lambda' (BFGS)",
                        DLV_ROLE_CLAIM, 0};
  dlv_expect_row(__FILE__, __LINE__, test, &m, dist / tn, 0.0, dist / tn,
                 bound / tn, NAN);

  /* Convention B with its own constant lambda/(2||Theta*||): the same
   * bound holds (c has the same rounding). */
  l2_residual(p, theta, 2.0, 2.0, &rn, &en);
  m = (struct dlv_meas){"double", what,
                        "B: ||grad l + 2 lambda'' Theta*|| / scale, lambda'' "
                        "= lambda/(2||Theta*||): stationary",
                        "exact residual + l2_resid rounding"};
  m.key = "b-stationary"; /* the caveat's rows */
  dlv_expect_row(__FILE__, __LINE__, test, &m, rn / scale, rho / scale,
                 rn / scale, (rho + en) * slack / scale, NAN);

  /* Convention B with the A constant lambda/||Theta*||: the residual is
   * rho + lambda Theta* / ||Theta*||, of norm lambda +- rho. */
  l2_residual(p, theta, 2.0, 1.0, &rn, &en);
  m = (struct dlv_meas){"double", what,
                        "B with lambda'' = lambda/||Theta*|| (A's constant): "
                        "residual = lambda, not 0: constant 2x too large",
                        "| ||r|| - lambda | <= rho + l2_resid rounding"};
  m.key = "b-with-a-constant";
  dlv_expect_row(__FILE__, __LINE__, test, &m, rn, p->lambda,
                 fabs(rn - p->lambda), (rho + en) * slack + beta * rn, NAN);
  mpfr_clear(lp);
  check_kernels_at(test, p, theta, rho, what);
}

/* Convex quadratics, r = ||b||/lambda in [1.5, 4] so Theta* is well away
 * from 0; random starts. */
static void p4b_quadratic(void **state)
{
  (void)state;
  static const size_t ns[] = {2, 3, 5, 8};
  gsl_rng *rng = dlv_rng(__func__);
  for (size_t k = 0; k < COUNT(ns); k++)
    for (int rep = 0; rep < 4; rep++) {
      struct quad q = {ns[k], {0}, {0}};
      double theta0[MAXN], nb;
      gram_spd(rng, &q);
      for (size_t i = 0; i < q.n; i++) {
        q.b[i] = gsl_ran_gaussian(rng, 1.0);
        theta0[i] = gsl_ran_gaussian(rng, 1.0);
      }
      assert_int_equal(dlv_nrm2_d(q.n, q.b, 1, &nb), DLV_OK);
      double r = 1.5 + 2.5 * gsl_rng_uniform(rng);
      struct problem p = {q.n,           quad_loss,
                          &q,            nb / r,
                          p4_quad_step(q.n, q.a), quad_exact_grad,
                          quad_grad_err};
      char what[48];
      snprintf(what, sizeof what, "quadratic n=%zu r=%.3f", q.n, r);
      p4_expect_quad_step(__func__, what, q.n, q.a, p.step);
      check_problem(__func__, &p, theta0, what);
    }
}

/* Logistic regression, r = ||grad l(0)||/lambda in [1.5, 4]. */
static void p4b_logistic(void **state)
{
  (void)state;
  gsl_rng *rng = dlv_rng(__func__);
  for (int rep = 0; rep < 6; rep++) {
    struct logi d;
    double step, g0[LN], zero[LN] = {0}, theta0[LN], ng;
    logi_data(rng, &d, &step);
    assert_int_equal(logi_loss(zero, NULL, g0, &d), DLV_OK);
    assert_int_equal(dlv_nrm2_d(LN, g0, 1, &ng), DLV_OK);
    for (size_t i = 0; i < LN; i++)
      theta0[i] = gsl_ran_gaussian(rng, 0.5);
    double r = 1.5 + 2.5 * gsl_rng_uniform(rng);
    struct problem p = {LN,     logi_loss, &d,           ng / r,
                        step,   logi_exact_grad, logi_grad_err};
    char what[48];
    snprintf(what, sizeof what, "logistic m=%d n=%d r=%.3f", LM, LN, r);
    check_problem(__func__, &p, theta0, what);
  }
}
/* The logistic value at a margin of -800, where e^800 overflows: with one
 * sample (x = 1, y = 1, theta = -800) the loss is softplus(800) = 800 +
 * log(1 + e^-800), and e^-800 ~ 3.7e-348 lies below half the smallest
 * subnormal, so the true value rounds to 800 and the kernel's
 * 800 + log1p(exp(-800)) = 800 + 0 gives it exactly (any faithful exp of
 * -800 is 0 or 2^-1074, and 800 + 2^-1074 rounds to 800). */
static void p4b_logistic_large_margin(void **state)
{
  (void)state;
  const double x = 1.0, y = 1.0, theta = -800.0;
  dlv_logistic d = {1, 1, &x, &y};
  double value = NAN;
  struct dlv_meas m = {"double", "m=1 n=1 margin -800",
                       "logistic value softplus(800) vs 800", "exact status"};
  m.kernel = "loss_logistic";
  DLV_EXPECT_STATUS(&m, dlv_loss_logistic_d(&d, &theta, &value, NULL),
                    DLV_OK);
  m.bound_name = "exact (bitwise)";
  DLV_EXPECT_SAME(&m, value, 800.0);
}

int main(void)
{
  /* The kernels the claim and nearby rows are computed with, each
   * measured by accuracy rows of this check. */
  static const char *const relies_on[] = {"nrm2",          "loss_quadratic",
                                          "loss_logistic", "l2reg_grad",
                                          "prox_grad",     "prox_group",
                                          NULL};
  const struct CMUnitTest tests[] = {
      DLV_UNIT_TEST(p4b_quadratic),
      DLV_UNIT_TEST(p4b_logistic),
      DLV_UNIT_TEST(p4b_logistic_large_margin),
  };
  return dlv_run_check("P4b", relies_on, DLV_VERDICT_CONFIRMED, tests,
                       sizeof tests / sizeof tests[0]);
}
