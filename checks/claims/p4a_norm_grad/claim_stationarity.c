/* claim_stationarity.c: claim P4a, the stationarity condition grad l = -lambda
 * Theta/||Theta|| at minimizers found without the formula
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
    assert_int_equal(dlv_ref_loss_quadratic(p->quad, theta, NULL, g), DLV_OK);
  else
    assert_int_equal(dlv_ref_loss_logistic(p->logi, theta, NULL, g), DLV_OK);
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
  dlv_bound_sampled bound = dlv_bound_stationarity(
      p->n, p->logi ? p->logi->m : 0,
      (solver * scale + norm2(abserr, p->n)) / scale);
  double r = norm2(resid, p->n) / scale;
  struct dlv_meas mc = {"double", what,
                        "||grad l + lambda Theta/||Theta|| || / scale",
                        "stationarity: solver FD grad + estimate + gamma",
                        DLV_ROLE_CLAIM, 0};
  dlv_expect_within(__FILE__, __LINE__, test, &mc, r, 0.0, r, bound);
  /* The same claim on the reference path: grad l and Theta/||Theta|| in
   * MPFR at the solver's point, so the verdict on the formula stands
   * whatever the kernels do (the solver only uses F's values). */
  double rx = exact_residual(p, theta) / scale;
  mc.quantity = "MPFR: ||grad l + lambda Theta/||Theta|| || / scale";
  dlv_expect_within(__FILE__, __LINE__, test, &mc, rx, 0.0, rx, bound);
  /* The kernels the claim row is computed with, on the same point (rows
   * added after the claim row so earlier rows keep their order). */
  check_loss_grad_at(test, p->quad, p->logi, theta, what);
  check_grad_d(test, p->n, theta, what);
  check_nrm2_d(test, p->n, theta, 1, what);
}

void p4a_stationarity_quadratic(void **state)
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

void p4a_stationarity_logistic(void **state)
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
