/* p4a.h: what the topic files of claim P4a share (checks/claims/
 * p4a_norm_grad/): the data generators, the gradient's accuracy row
 * (accuracy.c, also taken at the minimizers of stationarity.c), and the
 * tests check.c registers. */
#ifndef DLV_P4A_H
#define DLV_P4A_H

#include <math.h>
#include <stddef.h>
#include <stdlib.h>

#include <gsl/gsl_rng.h>

#include "check.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- data ------------------------------------------------------------ */

/* x_i uniform in (-scale, scale). */
static inline void fill_uniform(gsl_rng *r, double *x, size_t n, double scale)
{
  for (size_t i = 0; i < n; i++)
    x[i] = (2.0 * gsl_rng_uniform(r) - 1.0) * scale;
}

/* The decimal exponents a log-uniform sweep reached: the smallest and the
 * largest drawn (start at {INFINITY, -INFINITY}). */
struct log_reach {
  double lo, hi;
};

/* |x_i| log-uniform over [1e-300, 1e300], random signs. */
static inline void fill_log_uniform(gsl_rng *r, double *x, size_t n,
                                    struct log_reach *reach)
{
  for (size_t i = 0; i < n; i++) {
    double e = -300.0 + 600.0 * gsl_rng_uniform(r);
    x[i] = (gsl_rng_uniform(r) < 0.5 ? -1.0 : 1.0) * pow(10.0, e);
    reach->lo = fmin(reach->lo, e);
    reach->hi = fmax(reach->hi, e);
  }
}

/* The sweep's reach as rows: it drew exponents within one decade of both
 * ends of [-300, 300].  With N draws, each end is missed with probability
 * (1 - 1/600)^N = exp(-N/600); the sweeps draw over 100,000 (a false
 * failure below 1e-70). */
static inline void expect_log_reach(const char *test,
                                    const struct log_reach *reach)
{
  struct dlv_meas hi = {"double", "-",
                        "log-uniform sweep: largest decimal exponent drawn "
                        "vs 299 (at least)",
                        "coverage (exact)"};
  dlv_expect_true(__FILE__, __LINE__, test, &hi, reach->hi, 299.0,
                  reach->hi >= 299.0);
  struct dlv_meas lo = {"double", "-",
                        "log-uniform sweep: smallest decimal exponent drawn "
                        "vs -299 (at most)",
                        "coverage (exact)"};
  dlv_expect_true(__FILE__, __LINE__, test, &lo, reach->lo, -299.0,
                  reach->lo <= -299.0);
}

static inline double *xmalloc(size_t n)
{
  double *p = malloc((n ? n : 1) * sizeof *p);
  assert_non_null(p);
  return p;
}

/* ---- accuracy.c: the kernels against MPFR ------------------------------ */
/* The worst gradient entry (largest err/bound) of one vector, as a row. */
void check_grad_d(const char *test, size_t n, const double *x,
                  const char *what);
void p4a_nrm2_d_random(void **state);
void p4a_nrm2_d_mixed_magnitudes(void **state);
void p4a_nrm2_s_random(void **state);
void p4a_nrm2_extremes(void **state);
void p4a_nrm2_block_paths(void **state);
void p4a_nrm2_pythagorean(void **state);
void p4a_grad_vs_mpfr(void **state);
void p4a_grad_defined_errors(void **state);

/* ---- claim_derivatives.c: the claim, the derivative measured ----------- */
void p4a_claim_derivatives(void **state);
void p4a_series_step(void **state);

/* ---- claim_stationarity.c: the claim at minimizers ---------------------- */
void p4a_stationarity_quadratic(void **state);
void p4a_stationarity_logistic(void **state);

/* ---- low_precision.c: the nearby sense in bf16 and fp16 ------------------ */
void p4a_lowp_overflow(void **state);
void p4a_lowp_tightness(void **state);

#endif
