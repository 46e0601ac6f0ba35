/* claims/p4_problems.h: what the P4a, P4b and P4c checks share (header only,
 * static inline): the logistic-regression problem (LM samples of LN
 * Gaussian features, labels from a noisy linear model, not separable), and
 * the accuracy rows of the kernels their claims rely on (nrm2, prox_group,
 * the loss gradients), so that each check measures them on its own data. */
#ifndef DLV_P4_PROBLEMS_H
#define DLV_P4_PROBLEMS_H

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "check.h"
#include "dlv_status.h"
#include "loss.h"
#include "mp.h"
#include "nrm2.h"
#include "prox_group.h"
#include "ref_logistic.h"
#include "ref_nrm2.h"
#include "ref_prox_group.h"
#include "ref_quadratic.h"
#include "ulp.h"

enum { LM = 40, LN = 4 };

/* l = logistic regression on LM samples of LN features. */
struct logi {
  double x[LM * LN], y[LM];
};

static inline int logi_loss(const double *theta, double *value,
                            double *grad, void *ctx)
{
  const struct logi *p = ctx;
  dlv_logistic d = {LM, LN, p->x, p->y};
  return dlv_loss_logistic_d(&d, theta, value, grad);
}

/* Gaussian features, labels from a noisy linear model (not separable);
 * t = 2^-k <= 4 m / ||X||_F^2 <= 1/L (the Hessian is below X'X/(4m)). */
static inline void logi_data(gsl_rng *r, struct logi *p, double *step)
{
  double w[LN], fro = 0.0;
  for (size_t j = 0; j < LN; j++)
    w[j] = gsl_ran_gaussian(r, 1.0);
  for (size_t i = 0; i < LM; i++) {
    double s = gsl_ran_gaussian(r, 1.0);
    for (size_t j = 0; j < LN; j++) {
      double v = gsl_ran_gaussian(r, 1.0);
      p->x[i * LN + j] = v;
      fro += v * v;
      s += v * w[j];
    }
    p->y[i] = s >= 0.0 ? 1.0 : -1.0;
  }
  *step = ldexp(1.0, ilogb(4.0 * LM / fro) - 1);
}

/* ---- accuracy rows of the kernels the P4 claims rely on ----------------- */

/* The rows of one nrm2 call on (n, xd, inc) (the data as doubles: exact
 * for float) against MPFR: its status against the reference's, then, when
 * the kernel succeeded, its value `got` (bound b). */
static inline void nrm2_rows(const char *test, const char *dtype,
                             const char *shape, size_t n, const double *xd,
                             ptrdiff_t inc, int status, double got,
                             dlv_bound b, const char *bound_name, int digits)
{
  mpfr_t ref;
  mpfr_init2(ref, dlv_mp_prec());
  int ref_status = dlv_ref_nrm2(n, xd, inc, ref);
  struct dlv_meas ms = {dtype, shape, "nrm2 status vs reference status",
                        "exact status"};
  ms.kernel = "nrm2";
  dlv_expect_status(__FILE__, __LINE__, test, &ms, status, ref_status);
  struct dlv_meas m = {dtype, shape, "nrm2 vs MPFR", bound_name};
  m.kernel = "nrm2";
  if (status == DLV_OK)
    dlv_expect_mp(__FILE__, __LINE__, test, &m, got, ref, b, digits);
  mpfr_clear(ref);
}

/* Checks dlv_nrm2_d on (n, x, inc) against MPFR; `what` names the data. */
static inline void check_nrm2_d(const char *test, size_t n, const double *x,
                                ptrdiff_t inc, const char *what)
{
  char shape[64];
  snprintf(shape, sizeof shape, "n=%zu inc=%td %s", n, inc, what);
  double got = NAN;
  int status = dlv_nrm2_d(n, x, inc, &got);
  nrm2_rows(test, "double", shape, n, x, inc, status, got,
            dlv_bound_nrm2_d(n), "nrm2_d", DBL_MANT_DIG);
}

/* Records the worst entry (largest err/bound) of out against the MPFR prox
 * of v (given as doubles) with bound b; and, when the exact prox is 0, that
 * every entry is +0 bitwise. */
static inline void record_prox(const char *test, const char *dtype,
                        const char *shape, size_t n, const double *v,
                        double tau, const double *out, dlv_bound_prox b,
                        const char *bound_name, int digits)
{
  mpfr_t *ref = dlv_mp_vec_alloc(n, dlv_mp_prec());
  assert_non_null(ref);
  assert_int_equal(dlv_ref_prox_group(n, v, 1, tau, ref), DLV_OK);
  size_t worst = 0;
  double worst_ratio = -1.0, worst_bound = 0.0;
  for (size_t i = 0; i < n; i++) {
    double bound = dlv_bound_prox_at(b, fabs(v[i]),
                                     fabs(mpfr_get_d(ref[i], MPFR_RNDZ)));
    double ratio = dlv_abs_error(out[i], ref[i]) / bound;
    if (!(ratio <= worst_ratio)) {
      worst_ratio = ratio;
      worst = i;
      worst_bound = bound;
    }
  }
  struct dlv_meas m = {dtype, shape, "worst prox entry vs MPFR",
                       bound_name};
  m.kernel = "prox_group";
  double err = dlv_abs_error(out[worst], ref[worst]);
  dlv_expect_row(__FILE__, __LINE__, test, &m, out[worst],
                 mpfr_get_d(ref[worst], MPFR_RNDN), err, worst_bound,
                 err == 0.0 ? 0.0 : dlv_ulp_error(out[worst], ref[worst],
                                                  digits));
  int all_zero = 1;
  for (size_t i = 0; i < n; i++)
    all_zero &= mpfr_zero_p(ref[i]) != 0;
  if (all_zero) {
    size_t i = 0; /* the exact prox is 0: every entry must be +0 */
    while (i + 1 < n && out[i] == 0.0 && !signbit(out[i]))
      i++;
    struct dlv_meas mz = {dtype, shape, "exact-zero prox: entries are +0",
                          "exact (bitwise)"};
    mz.kernel = "prox_group";
    dlv_expect_same(__FILE__, __LINE__, test, &mz, out[i], 0.0);
  }
  dlv_mp_vec_free(ref, n);
}

/* The prox kernel at (v, tau) against MPFR; its output to kept (n
 * entries) when kept is not NULL. */
static inline void prox_d_case_keep(const char *test, size_t n,
                                    const double *v, double tau,
                                    const char *what, dlv_bound_prox b,
                                    const char *bound_name, double *kept)
{
  char shape[64];
  snprintf(shape, sizeof shape, "n=%zu %s", n, what);
  double *out = malloc(n * sizeof *out);
  assert_non_null(out);
  struct dlv_meas ms = {"double", shape, "prox status", "exact status"};
  ms.kernel = "prox_group";
  dlv_expect_status(__FILE__, __LINE__, test, &ms,
                    dlv_prox_group_d(n, v, 1, tau, out, 1), DLV_OK);
  record_prox(test, "double", shape, n, v, tau, out, b, bound_name,
              DBL_MANT_DIG);
  if (kept != NULL)
    memcpy(kept, out, n * sizeof *out);
  free(out);
}

static inline void prox_d_case_bound(const char *test, size_t n, const double *v,
                              double tau, const char *what, dlv_bound_prox b,
                              const char *bound_name)
{
  prox_d_case_keep(test, n, v, tau, what, b, bound_name, NULL);
}

static inline void prox_d_case(const char *test, size_t n, const double *v,
                        double tau, const char *what)
{
  prox_d_case_bound(test, n, v, tau, what, dlv_bound_prox_group_d(n),
                    "prox_group_d");
}

/* The gradient step t = 2^-k <= 1/||A||_inf <= 1/L for the quadratic of
 * the n x n symmetric A (its infinity norm bounds the spectral radius); a
 * power of two keeps t b exact. */
static inline double p4_quad_step(size_t n, const double *a)
{
  double inf = 0.0;
  for (size_t i = 0; i < n; i++) {
    double s = 0.0;
    for (size_t j = 0; j < n; j++)
      s += fabs(a[i * n + j]);
    inf = fmax(inf, s);
  }
  return ldexp(1.0, -(ilogb(inf) + 1));
}

/* p4_quad_step's contract, the step the prox-gradient analysis assumes
 * (t <= 1/L), as a row where the step is made: t ||A||_inf <= 1, the
 * norm summed here again in long double (||A||_inf >= L for symmetric A).
 * A step one power of two too long (t ||A||_inf in [1, 2)) fails it. */
static inline void p4_expect_quad_step(const char *test, const char *what,
                                       size_t n, const double *a, double t)
{
  long double inf = 0.0L;
  for (size_t i = 0; i < n; i++) {
    long double s = 0.0L;
    for (size_t j = 0; j < n; j++)
      s += fabsl((long double)a[i * n + j]);
    inf = s > inf ? s : inf;
  }
  struct dlv_meas m = {"double", what, "step t ||A||_inf (t <= 1/L)",
                       "prox-gradient step: 1"};
  double tl = (double)(t * inf);
  dlv_expect_row(__FILE__, __LINE__, test, &m, tl, 1.0, tl, 1.0, NAN);
}

/* Entrywise bounds of dlv_loss_quadratic_d's gradient g^ = A theta + b
 * (bounds/p4_prox.h, dlv_bound_quad_grad_entry): gerr_j from S_j, and
 * gabs_j = S_j = sum_k |a_jk theta_k| + |b_j| >= |g_j|. */
static inline void p4_quad_grad_err(size_t n, const double *a,
                                    const double *b, const double *theta,
                                    double *gerr, double *gabs)
{
  for (size_t j = 0; j < n; j++) {
    double s = fabs(b[j]);
    for (size_t i = 0; i < n; i++)
      s += fabs(a[j * n + i] * theta[i]);
    gabs[j] = s;
    gerr[j] = dlv_bound_quad_grad_entry(n, s);
  }
}

/* dlv_bound_logistic_grad_entry for m samples x (m by n, row-major) with
 * T1, T2 summed in double; a relative (n + m + 2) u understatement of them
 * is covered by 1 + gamma_{n+m+2}.  gabs_j = |g_j| (the computed one). */
static inline void p4_logi_grad_err(size_t m, size_t n, const double *x,
                                    const double *theta, const double *g,
                                    double *gerr, double *gabs)
{
  double up = 1.0 + dlv_gamma((double)(n + m) + 2.0, DLV_U_DOUBLE);
  for (size_t j = 0; j < n; j++) {
    double t1 = 0.0, t2 = 0.0;
    for (size_t i = 0; i < m; i++) {
      double s = 0.0;
      for (size_t k = 0; k < n; k++)
        s += fabs(x[i * n + k] * theta[k]);
      t1 += fabs(x[i * n + j]) * s;
      t2 += fabs(x[i * n + j]);
    }
    gerr[j] = dlv_bound_logistic_grad_entry(m, n, t1 * up, t2 * up);
    gabs[j] = fabs(g[j]);
  }
}

/* The worst entry (largest err/bound, NaN worst) of a loss kernel's
 * gradient g^ against the exact gradient (MPFR) with entrywise bounds
 * gerr, as one accuracy row of `kernel`. */
static inline void check_loss_grad(const char *test, const char *kernel,
                                   const char *what, size_t n,
                                   const double *g, mpfr_t *exact,
                                   const double *gerr)
{
  size_t w = 0;
  double worst = -1.0;
  for (size_t j = 0; j < n; j++) {
    double ratio = dlv_abs_error(g[j], exact[j]) / gerr[j];
    if (!(ratio <= worst)) {
      worst = ratio;
      w = j;
    }
  }
  struct dlv_meas m = {"double", what, "worst grad l entry vs MPFR",
                       "loss gradient entry (gamma bound)"};
  m.kernel = kernel;
  double err = dlv_abs_error(g[w], exact[w]);
  dlv_expect_row(__FILE__, __LINE__, test, &m, g[w],
                 mpfr_get_d(exact[w], MPFR_RNDN), err, gerr[w],
                 err == 0.0 ? 0.0 : dlv_ulp_error(g[w], exact[w],
                                                  DBL_MANT_DIG));
}

/* The accuracy row of a loss kernel's gradient at theta: the quadratic q
 * or the logistic lg (exactly one is non-NULL), kernel against MPFR with
 * the entrywise bounds above. */
static inline void check_loss_grad_at(const char *test,
                                      const dlv_quadratic *q,
                                      const dlv_logistic *lg,
                                      const double *theta, const char *what)
{
  size_t n = q != NULL ? q->n : lg->n;
  double *g = malloc(3 * n * sizeof *g);
  mpfr_t *exact = dlv_mp_vec_alloc(n, dlv_mp_prec());
  assert_true(g != NULL && exact != NULL);
  double *gerr = g + n, *gabs = g + 2 * n;
  if (q != NULL) {
    assert_int_equal(dlv_loss_quadratic_d(q, theta, NULL, g), DLV_OK);
    assert_int_equal(dlv_ref_loss_quadratic(q, theta, NULL, exact), DLV_OK);
    p4_quad_grad_err(n, q->a, q->b, theta, gerr, gabs);
  } else {
    assert_int_equal(dlv_loss_logistic_d(lg, theta, NULL, g), DLV_OK);
    assert_int_equal(dlv_ref_loss_logistic(lg, theta, NULL, exact), DLV_OK);
    p4_logi_grad_err(lg->m, n, lg->x, theta, g, gerr, gabs);
  }
  check_loss_grad(test, q != NULL ? "loss_quadratic" : "loss_logistic", what,
                  n, g, exact, gerr);
  dlv_mp_vec_free(exact, n);
  free(g);
}

#endif
