/* claims/p2_weight_noise/check.c: claim P2, additive Gaussian weight noise needs no
 * test-time scaling.
 *
 * Train: z_i = sum_j (W_ij + e_ij) x_j, e_ij ~ N(0, 1), y = ReLU(z).
 * Claim: E[z] = W x, the ReLU input of the test-time layer with unscaled W.
 *
 * Senses measured (CLAIMS.md, P2):
 * - accuracy: the noisy, plain and dropout layer kernels (float, double)
 *   against MPFR for the same noise and mask (gamma_{n+1} times the gauge);
 *   the noise generator's law (mean, variance, Kolmogorov-Smirnov) and the
 *   Bernoulli mask frequency; the MPFR closed form of E[ReLU(a + s Z)]
 *   against GSL quadrature; the defined errors;
 * - claim: Monte Carlo means of the ReLU input against W x (MPFR) and the
 *   implied test-time scale factor c = sum a_i zbar_i / sum a_i^2 (a = W x)
 *   against 1, each inside a confidence interval;
 * - contrasts, recorded as accuracy rows because they are predictions of
 *   the same analysis and must come out as predicted (a failing nearby row
 *   would make the verdict QUALIFIED, which is not what they mean):
 *   the variance of the ReLU input against ||x||^2; dropout's factor
 *   against its keep probability p, and 1 lying outside that interval
 *   (dropout does need scaling); the mean ReLU *output* against the closed
 *   form a Phi(a/s) + s phi(a/s), s = ||x||, and ReLU(W x) lying outside
 *   that interval (the claim is about the input only).
 * A "separation" row holds when the interval half-width (err) is below the
 * distance from the estimate to the excluded value (bound).
 *
 * Statistics: every interval has a false-failure probability derived in
 * bounds.h (exact t and chi-square for Gaussian samples, Gaussian
 * concentration for ReLU outputs, McDiarmid/DKW for Bernoulli and KS), the
 * run's P2_K comparisons share alpha = 5.7e-7 (Bonferroni), and the
 * rounding of the statistics is added to each interval. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_randist.h>

#include "check.h"
#include "dlv_status.h"
#include "mp.h"
#include "noisy_linear.h"
#include "ref_noisy_linear.h"
#include "ref_nrm2.h"
#include "ulp.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- the Monte Carlo design ------------------------------------------- */

/* The layer's ReLU inputs are steered to a_i = t_i ||x|| (|t_i| <= 1, so
 * that E[ReLU] - ReLU(a) = ||x|| h(|t|), h(t) = phi(t) - t (1 - Phi(t)),
 * h(1) = 0.083, exceeds twice the output interval's half-width
 * 2 sqrt(2 log(2/alpha_each)/N) = 0.060 at N = 40000). */
static const double steer[] = {-1.0, -0.5, 0.0, 0.5, 1.0};
enum {
  P2_M = COUNT(steer), /* outputs */
  P2_N = 32,           /* inputs */
  P2_DRAWS = 40000,    /* Monte Carlo draws of E or of the mask */
  P2_GEN = 1 << 18,    /* generator samples per law test */
  /* Statistical comparisons of one run: per output the input mean, its
   * variance and the output mean (3 M); the noise and dropout factors (2);
   * mean, variance and KS of the double and float generators (6); the
   * Bernoulli frequency (1); the noise factor's standard error against
   * its spread over batches (1); the pooled variance the factor's
   * interval used (1). */
  P2_K = 3 * P2_M + 2 + 6 + 1 + 1 + 1,
  P2_BATCHES = 1000 /* of P2_DRAWS / P2_BATCHES draws: ratio_se_row */
};
#define P2_KEEP 0.8 /* dropout keep probability */

static int comparisons; /* counted against P2_K by p2_comparison_count */

/* The share of alpha of one statistical comparison (and counts it). */
static double alpha_each(void)
{
  comparisons++;
  return DLV_P2_ALPHA_EACH(P2_K);
}

/* ---- data ------------------------------------------------------------- */

static void *xmalloc(size_t n)
{
  void *p = malloc(n ? n : 1);
  assert_non_null(p);
  return p;
}

/* x_i uniform in (lo, hi). */
static void fill_uniform(gsl_rng *r, double *x, size_t n, double lo,
                         double hi)
{
  for (size_t i = 0; i < n; i++)
    x[i] = lo + (hi - lo) * gsl_rng_uniform(r);
}

/* |x_i| log-uniform over [1e-15, 1e15], random signs. */
static void fill_log_uniform(gsl_rng *r, double *x, size_t n)
{
  for (size_t i = 0; i < n; i++)
    x[i] = (gsl_rng_uniform(r) < 0.5 ? -1.0 : 1.0) *
           pow(10.0, -15.0 + 30.0 * gsl_rng_uniform(r));
}

/* A kernel generator seeded from the test's GSL stream (so DLV_SEED
 * decides it). */
static void seed_noise(gsl_rng *r, dlv_noise_rng *g)
{
  uint64_t s = (uint64_t)gsl_rng_get(r) << 32 ^ gsl_rng_get(r);
  dlv_noise_rng_seed(g, s);
}

/* G_i = sum_j |W_ij + E_ij| |x_j| [mask_j] (e, mask may be NULL), computed
 * in double and divided by 1 - gamma_{n+1}: a sum of non-negative terms
 * computed with n + 1 roundings per term is at least (1 - gamma_{n+1}) times
 * the exact sum, so the result is an upper bound on the exact gauge. */
static void gauge(size_t m, size_t n, const double *w, const double *e,
                  const unsigned char *mask, const double *x, double *g)
{
  double up = 1.0 / (1.0 - dlv_gamma((double)n + 1.0, DLV_U_DOUBLE));
  for (size_t i = 0; i < m; i++) {
    double s = 0.0;
    for (size_t j = 0; j < n; j++)
      if (mask == NULL || mask[j])
        s += fabs(w[i * n + j] + (e ? e[i * n + j] : 0.0)) * fabs(x[j]);
    g[i] = s * up;
  }
}

/* ---- kernels against MPFR --------------------------------------------- */

/* Records the worst (largest err/bound) of the m outputs v[i] against
 * ref[i] (relu: against max(ref[i], 0)), bound b.rel G_i + b.abs. */
static void worst_row(const char *test, const struct dlv_meas *m0,
                      size_t m, const double *v, mpfr_t *ref, int relu,
                      const double *g, dlv_bound b, int digits)
{
  mpfr_t t;
  mpfr_init2(t, dlv_mp_prec());
  dlv_worst w = DLV_WORST_INIT;
  for (size_t i = 0; i < m; i++) {
    mpfr_set(t, ref[i], MPFR_RNDN);
    if (relu && mpfr_sgn(t) < 0)
      mpfr_set_zero(t, 1);
    if (dlv_worst_add(&w, i, dlv_abs_error(v[i], t), b.rel * g[i] + b.abs))
      break;
  }
  size_t worst = w.i;
  mpfr_set(t, ref[worst], MPFR_RNDN);
  if (relu && mpfr_sgn(t) < 0)
    mpfr_set_zero(t, 1);
  double reference = digits == FLT_MANT_DIG ? mpfr_get_flt(t, MPFR_RNDN)
                                            : mpfr_get_d(t, MPFR_RNDN);
  dlv_expect_row(__FILE__, __LINE__, test, m0, v[worst], reference, w.err,
                 w.bound, dlv_ulp_error(v[worst], t, digits));
  mpfr_clear(t);
}

/* The kernel of a layer ("noisy", "plain", "dropout"), without dtype. */
static const char *layer_kernel(const char *layer)
{
  return strcmp(layer, "noisy") == 0   ? "noisy_linear"
         : strcmp(layer, "plain") == 0 ? "linear"
                                       : "dropout_linear";
}

/* One layer's z and y against the MPFR z, as two worst rows. */
static void layer_rows(const char *test, const char *dtype,
                       const char *shape, const char *layer, size_t m,
                       size_t n, const double *z, const double *y,
                       mpfr_t *ref, const double *g, int noisy)
{
  int single = strcmp(dtype, "float") == 0;
  dlv_bound b = dlv_bound_p2_dot(n, noisy, single ? DLV_U_FLOAT : DLV_U_DOUBLE,
                                 single ? DLV_ETA_FLOAT : DLV_ETA_DOUBLE);
  int digits = single ? FLT_MANT_DIG : DBL_MANT_DIG;
  char q[128];
  snprintf(q, sizeof q, "%s ReLU input z vs MPFR (worst row)", layer);
  struct dlv_meas mz = {dtype, shape, q,
                        noisy ? "p2_dot gamma_{n+1} G" : "p2_dot gamma_n G"};
  mz.kernel = layer_kernel(layer);
  mz.variant = strcmp(layer, "plain") == 0 ? NULL : "train";
  worst_row(test, &mz, m, z, ref, 0, g, b, digits);
  snprintf(q, sizeof q, "%s ReLU output y vs ReLU(MPFR) (worst row)", layer);
  mz.quantity = q;
  worst_row(test, &mz, m, y, ref, 1, g, b, digits);
}

/* Every double layer on one (W, x): noisy (drawn inside, then passed in:
 * bitwise the same), plain, dropout; each against MPFR. */
static void check_layers_d(const char *test, gsl_rng *r, size_t m, size_t n,
                           const double *w, const double *x, const char *what)
{
  char shape[64];
  snprintf(shape, sizeof shape, "m=%zu n=%zu %s", m, n, what);
  double *e = xmalloc(m * n * sizeof *e), *g = xmalloc(m * sizeof *g);
  double *z = xmalloc(m * sizeof *z), *y = xmalloc(m * sizeof *y);
  double *z2 = xmalloc(m * sizeof *z2), *y2 = xmalloc(m * sizeof *y2);
  unsigned char *mask = xmalloc(n);
  mpfr_t *ref = dlv_mp_vec_alloc(m, dlv_mp_prec());
  assert_non_null(ref);
  dlv_noise_rng nr;
  seed_noise(r, &nr);
  struct dlv_meas ms = {"double", shape, "noisy train status",
                        "exact status", DLV_ROLE_ACCURACY, 0, "noisy_linear",
                        "train"};
  DLV_EXPECT_STATUS(&ms, dlv_noisy_linear_train_d(m, n, w, x, &nr, e, z, y),
                    DLV_OK);
  assert_int_equal(dlv_ref_noisy_linear(m, n, w, e, x, ref), DLV_OK);
  gauge(m, n, w, e, NULL, x, g);
  layer_rows(test, "double", shape, "noisy", m, n, z, y, ref, g, 1);
  ms.quantity = "noisy layer, noise passed in";
  ms.variant = "noise passed in";
  DLV_EXPECT_STATUS(&ms, dlv_noisy_linear_d(m, n, w, e, x, z2, y2), DLV_OK);
  struct dlv_meas mb = {"double", shape,
                        "noise drawn inside vs passed in: z and y bitwise",
                        "exact (bitwise)", DLV_ROLE_ACCURACY, 0,
                        "noisy_linear", "noise passed in"};
  DLV_EXPECT_SAME(&mb, memcmp(z, z2, m * sizeof *z) == 0 &&
                           memcmp(y, y2, m * sizeof *y) == 0, 1.0);
  ms.quantity = "plain (test-time) layer";
  ms.kernel = "linear";
  ms.variant = NULL;
  DLV_EXPECT_STATUS(&ms, dlv_linear_d(m, n, w, x, z, y), DLV_OK);
  assert_int_equal(dlv_ref_linear(m, n, w, x, ref), DLV_OK);
  gauge(m, n, w, NULL, NULL, x, g);
  layer_rows(test, "double", shape, "plain", m, n, z, y, ref, g, 0);
  ms.quantity = "dropout train status";
  ms.kernel = "dropout_linear";
  ms.variant = "train";
  DLV_EXPECT_STATUS(&ms, dlv_dropout_linear_train_d(m, n, w, x, 0.5, &nr,
                                                    mask, z, y),
                    DLV_OK);
  assert_int_equal(dlv_ref_dropout_linear(m, n, w, mask, x, ref), DLV_OK);
  gauge(m, n, w, NULL, mask, x, g);
  layer_rows(test, "double", shape, "dropout", m, n, z, y, ref, g, 0);
  dlv_mp_vec_free(ref, m);
  free(mask), free(y2), free(z2), free(y), free(z), free(g), free(e);
}

/* The float layers on (W, x) rounded to float; references see the float
 * values (exact in double), results are compared as doubles. */
static void check_layers_s(const char *test, gsl_rng *r, size_t m, size_t n,
                           const double *w0, const double *x0,
                           const char *what)
{
  char shape[64];
  snprintf(shape, sizeof shape, "m=%zu n=%zu %s", m, n, what);
  float *wf = xmalloc(m * n * sizeof *wf), *ef = xmalloc(m * n * sizeof *ef);
  float *xf = xmalloc(n * sizeof *xf), *zf = xmalloc(m * sizeof *zf);
  float *yf = xmalloc(m * sizeof *yf);
  double *w = xmalloc(m * n * sizeof *w), *e = xmalloc(m * n * sizeof *e);
  double *x = xmalloc(n * sizeof *x), *g = xmalloc(m * sizeof *g);
  double *z = xmalloc(m * sizeof *z), *y = xmalloc(m * sizeof *y);
  unsigned char *mask = xmalloc(n);
  mpfr_t *ref = dlv_mp_vec_alloc(m, dlv_mp_prec());
  assert_non_null(ref);
  for (size_t k = 0; k < m * n; k++)
    w[k] = wf[k] = (float)w0[k];
  for (size_t j = 0; j < n; j++)
    x[j] = xf[j] = (float)x0[j];
  dlv_noise_rng nr;
  seed_noise(r, &nr);
  struct dlv_meas ms = {"float", shape, "noisy train status", "exact status",
                        DLV_ROLE_ACCURACY, 0, "noisy_linear", "train"};
  DLV_EXPECT_STATUS(&ms,
                    dlv_noisy_linear_train_s(m, n, wf, xf, &nr, ef, zf, yf),
                    DLV_OK);
  for (size_t k = 0; k < m * n; k++)
    e[k] = ef[k];
  for (size_t i = 0; i < m; i++)
    z[i] = zf[i], y[i] = yf[i];
  assert_int_equal(dlv_ref_noisy_linear(m, n, w, e, x, ref), DLV_OK);
  gauge(m, n, w, e, NULL, x, g);
  layer_rows(test, "float", shape, "noisy", m, n, z, y, ref, g, 1);
  ms.quantity = "plain (test-time) layer";
  ms.kernel = "linear";
  ms.variant = NULL;
  DLV_EXPECT_STATUS(&ms, dlv_linear_s(m, n, wf, xf, zf, yf), DLV_OK);
  for (size_t i = 0; i < m; i++)
    z[i] = zf[i], y[i] = yf[i];
  assert_int_equal(dlv_ref_linear(m, n, w, x, ref), DLV_OK);
  gauge(m, n, w, NULL, NULL, x, g);
  layer_rows(test, "float", shape, "plain", m, n, z, y, ref, g, 0);
  ms.quantity = "dropout train status";
  ms.kernel = "dropout_linear";
  ms.variant = "train";
  DLV_EXPECT_STATUS(&ms, dlv_dropout_linear_train_s(m, n, wf, xf, 0.5, &nr,
                                                    mask, zf, yf),
                    DLV_OK);
  for (size_t i = 0; i < m; i++)
    z[i] = zf[i], y[i] = yf[i];
  assert_int_equal(dlv_ref_dropout_linear(m, n, w, mask, x, ref), DLV_OK);
  gauge(m, n, w, NULL, mask, x, g);
  layer_rows(test, "float", shape, "dropout", m, n, z, y, ref, g, 0);
  dlv_mp_vec_free(ref, m);
  free(mask), free(y), free(z), free(g), free(x), free(e), free(w);
  free(yf), free(zf), free(xf), free(ef), free(wf);
}

/* Shapes from the empty sum to n = 1000 (tails of the eight-way sum: n not
 * a multiple of 8), entries uniform in (-1, 1) or spread over 30 decades. */
static void p2_layers_vs_mpfr(void **state)
{
  (void)state;
  static const size_t shapes[][2] = {{1, 0},  {1, 1},   {2, 3},  {3, 8},
                                     {5, 32}, {7, 100}, {16, 513},
                                     {40, 1000}};
  gsl_rng *r = dlv_rng(__func__);
  double *w = xmalloc(40 * 1000 * sizeof *w), *x = xmalloc(1000 * sizeof *x);
  for (size_t k = 0; k < COUNT(shapes); k++) {
    size_t m = shapes[k][0], n = shapes[k][1];
    fill_uniform(r, w, m * n, -1.0, 1.0);
    fill_uniform(r, x, n, -1.0, 1.0);
    check_layers_d(__func__, r, m, n, w, x, "uniform(-1,1)");
    check_layers_s(__func__, r, m, n, w, x, "uniform(-1,1)");
    fill_log_uniform(r, w, m * n);
    fill_log_uniform(r, x, n);
    check_layers_d(__func__, r, m, n, w, x, "log-uniform 1e-15..1e15");
    check_layers_s(__func__, r, m, n, w, x, "log-uniform 1e-15..1e15");
  }
  free(x), free(w);
}

/* Argument errors are found before anything is written; a NaN ReLU input
 * is DLV_ENAN with y untouched (max(NaN, 0) would hide it). */
static void p2_defined_errors(void **state)
{
  (void)state;
  const double sentinel = -1234.5678;
  double w[4] = {1.0, 2.0, 3.0, 4.0}, e[4] = {0.0}, x[2] = {1.0, 1.0};
  double z[2] = {sentinel, sentinel}, y[2] = {sentinel, sentinel};
  unsigned char mask[2] = {1, 1};
  dlv_noise_rng g;
  dlv_noise_rng_seed(&g, 1);
  struct {
    int status, expected;
    const char *what, *kernel;
  } cases[] = {
      {dlv_noisy_linear_d(2, 2, NULL, e, x, z, y), DLV_EINVAL, "NULL W",
       "noisy_linear"},
      {dlv_noisy_linear_d(2, 2, w, NULL, x, z, y), DLV_EINVAL, "NULL E",
       "noisy_linear"},
      {dlv_noisy_linear_d(2, 2, w, e, NULL, z, y), DLV_EINVAL, "NULL x",
       "noisy_linear"},
      {dlv_noisy_linear_d(2, 2, w, e, x, NULL, y), DLV_EINVAL, "NULL z",
       "noisy_linear"},
      {dlv_noisy_linear_d(SIZE_MAX / 2, 4, w, e, x, z, y), DLV_EBADLEN,
       "m n overflows", "noisy_linear"},
      {dlv_noisy_linear_train_d(2, 2, w, x, NULL, e, z, y), DLV_EINVAL,
       "train with NULL generator", "noisy_linear"},
      {dlv_noisy_linear_train_d(2, 2, w, x, &g, NULL, z, y), DLV_EINVAL,
       "train with NULL noise workspace", "noisy_linear"},
      {dlv_linear_d(2, 2, w, NULL, z, y), DLV_EINVAL, "plain, NULL x",
       "linear"},
      {dlv_dropout_linear_d(2, 2, w, NULL, x, z, y), DLV_EINVAL,
       "dropout, NULL mask", "dropout_linear"},
      {dlv_dropout_linear_train_d(2, 2, w, x, 1.5, &g, mask, z, y),
       DLV_EINVAL, "dropout, p = 1.5", "dropout_linear"},
      {dlv_dropout_linear_train_d(2, 2, w, x, NAN, &g, mask, z, y),
       DLV_EINVAL, "dropout, p = NaN", "dropout_linear"},
      {dlv_noise_bernoulli(&g, 2, -0.1, mask), DLV_EINVAL,
       "Bernoulli p = -0.1", "noise_bernoulli"},
      {dlv_noise_gaussian_d(NULL, 2, e), DLV_EINVAL, "Gaussian, NULL rng",
       "noise_gaussian"},
  };
  struct dlv_meas m = {"double", "m=2 n=2", NULL, "exact status"};
  for (size_t i = 0; i < COUNT(cases); i++) {
    m.quantity = cases[i].what;
    m.kernel = cases[i].kernel;
    DLV_EXPECT_STATUS(&m, cases[i].status, cases[i].expected);
  }
  m.kernel = NULL; /* every layer kernel above */
  m.quantity = "z and y untouched after argument errors";
  DLV_EXPECT_SAME(&m, z[0] + z[1] + y[0] + y[1], 4 * sentinel);
  float wf[4] = {1, 2, 3, 4}, xf[2] = {1, 1}, zf[2], yf[2] = {-1, -1};
  m.dtype = "float";
  m.kernel = "linear";
  m.quantity = "float plain, NULL W";
  DLV_EXPECT_STATUS(&m, dlv_linear_s(2, 2, NULL, xf, zf, yf), DLV_EINVAL);
  /* NaN: in x, and from Inf + (-Inf) in W + E with finite x. */
  x[1] = NAN;
  m.dtype = "double";
  m.kernel = "noisy_linear";
  m.quantity = "NaN in x";
  DLV_EXPECT_STATUS(&m, dlv_noisy_linear_d(2, 2, w, e, x, z, y), DLV_ENAN);
  x[1] = 1.0;
  w[0] = INFINITY, e[0] = -INFINITY;
  m.quantity = "W + E = Inf - Inf";
  DLV_EXPECT_STATUS(&m, dlv_noisy_linear_d(2, 2, w, e, x, z, y), DLV_ENAN);
  m.quantity = "y untouched after DLV_ENAN";
  DLV_EXPECT_SAME(&m, y[0] + y[1], 2 * sentinel);
  xf[0] = NAN;
  m.dtype = "float";
  m.kernel = "linear";
  m.quantity = "float NaN in x";
  DLV_EXPECT_STATUS(&m, dlv_linear_s(2, 2, wf, xf, zf, yf), DLV_ENAN);
  m.quantity = "float y untouched after DLV_ENAN";
  DLV_EXPECT_SAME(&m, (double)yf[0] + yf[1], -2.0);
  /* Degenerate but valid: p = 0 drops everything, p = 1 keeps everything. */
  unsigned char many[64];
  size_t kept = 0;
  dlv_noise_bernoulli(&g, 64, 0.0, many);
  for (size_t i = 0; i < 64; i++)
    kept += many[i];
  m.dtype = "-";
  m.shape = "n=64";
  m.kernel = "noise_bernoulli";
  m.quantity = "Bernoulli p = 0 keeps none";
  DLV_EXPECT_SAME(&m, (double)kept, 0.0);
  dlv_noise_bernoulli(&g, 64, 1.0, many);
  for (size_t i = 0; i < 64; i++)
    kept += many[i];
  m.quantity = "Bernoulli p = 1 keeps all";
  DLV_EXPECT_SAME(&m, (double)kept, 64.0);
}

/* ---- the generators ---------------------------------------------------- */

/* Mean, variance (known mean 0) and KS distance of n draws that should be
 * N(0, 1) i.i.d.: three statistical rows. */
/* The KS row's power (m: its row, bound: its half-width at n samples):
 * a generator wrong in law alone, uniform on (-sqrt 3, sqrt 3) (mean 0,
 * variance 1: the mean and variance rows pass it), lies at KS distance
 * 0.057 from Phi, measured on its stratified sample of n points (within
 * 1/(2n) of the law's own distance); the half-width must lie below it, or
 * the row could not tell that generator from a Gaussian one. */
static void check_ks_power(const char *test, struct dlv_meas *m, size_t n,
                           double bound)
{
  double *u = xmalloc(n * sizeof *u);
  for (size_t k = 0; k < n; k++)
    u[k] = sqrt(3.0) * (2.0 * ((double)k + 0.5) / (double)n - 1.0);
  double wrong = dlv_ks_distance(u, n, gsl_cdf_ugaussian_P);
  free(u);
  m->quantity = "KS half-width vs the KS distance of a uniform law "
                "(mean 0, variance 1) to Phi";
  m->bound_name = "the row's power: half-width below that distance";
  dlv_expect_row(__FILE__, __LINE__, test, m, bound, 0.0, bound, wrong, NAN);
}

static void check_gaussian_law(const char *test, const char *dtype,
                               double *v, size_t n)
{
  char shape[32];
  snprintf(shape, sizeof shape, "n=%zu", n);
  double sum = 0.0, sum_abs = 0.0, sum2 = 0.0;
  for (size_t k = 0; k < n; k++)
    sum += v[k], sum_abs += fabs(v[k]), sum2 += v[k] * v[k];
  double mean = sum / n, var = sum2 / n, nn = (double)n;
  double a = alpha_each();
  double hw = dlv_p2_t_halfwidth(dlv_z_quantile(a), 1.0, nn) +
              dlv_p2_mean_rounding(0, nn, sum_abs / nn);
  struct dlv_meas m = {dtype, shape, "generator mean vs 0",
                       "p2_t_ci (z, sigma = 1) + p2_mc_rounding"};
  m.kernel = "noise_gaussian";
  dlv_expect_row(__FILE__, __LINE__, test, &m, mean, 0.0, fabs(mean), hw, NAN);
  a = alpha_each();
  double lo, hi;
  dlv_chi2_interval(a, nn, &lo, &hi);
  m.quantity = "generator variance (mean 0 known) vs 1";
  m.bound_name = "p2_chi2_ci (nu = n) + p2_var_rounding";
  dlv_expect_row(__FILE__, __LINE__, test, &m, var, 1.0, fabs(var - 1.0),
                 dlv_p2_chi2_bound(var, 1.0, nn, lo, hi) +
                     dlv_p2_var_rounding(var, 0.0, nn, nn),
                 NAN);
  double d = dlv_ks_distance(v, n, gsl_cdf_ugaussian_P);
  m.quantity = "generator Kolmogorov-Smirnov distance to Phi";
  m.bound_name = "dkw (Massart)";
  double bound = dlv_dkw_halfwidth(nn, alpha_each());
  dlv_expect_row(__FILE__, __LINE__, test, &m, d, 0.0, d, bound, NAN);
  check_ks_power(test, &m, n, bound);
}

static void p2_generator_d(void **state)
{
  (void)state;
  dlv_noise_rng g;
  seed_noise(dlv_rng(__func__), &g);
  double *v = xmalloc(P2_GEN * sizeof *v);
  assert_int_equal(dlv_noise_gaussian_d(&g, P2_GEN, v), DLV_OK);
  check_gaussian_law(__func__, "double", v, P2_GEN);
  free(v);
}

static void p2_generator_s(void **state)
{
  (void)state;
  dlv_noise_rng g;
  seed_noise(dlv_rng(__func__), &g);
  float *f = xmalloc(P2_GEN * sizeof *f);
  double *v = xmalloc(P2_GEN * sizeof *v);
  assert_int_equal(dlv_noise_gaussian_s(&g, P2_GEN, f), DLV_OK);
  for (size_t k = 0; k < P2_GEN; k++)
    v[k] = f[k];
  check_gaussian_law(__func__, "float", v, P2_GEN);
  free(v), free(f);
}

/* The generator is xoshiro256** itself, not merely a good generator: from
 * the state {1, 2, 3, 4} its first ten 64-bit outputs are the published
 * vector of the reference implementation (as in the test `reference` of the
 * rand_xoshiro crate), so each uniform is (output >> 11) 2^-53, exactly. */
static void p2_generator_known_answer(void **state)
{
  (void)state;
  static const uint64_t ref[] = {
      11520u, 0u, 1509978240u, 1215971899390074240u,
      1216172134540287360u, 607988272756665600u, 16172922978634559625u,
      8476171486693032832u, 10595114339597558777u, 2904607092377533576u};
  dlv_noise_rng g = {{1, 2, 3, 4}};
  struct dlv_meas m = {"double", "state {1,2,3,4}", NULL, "exact (bitwise)"};
  m.kernel = "noise_uniform";
  for (size_t k = 0; k < COUNT(ref); k++) {
    char what[64];
    snprintf(what, sizeof what, "xoshiro256** uniform %zu vs reference", k);
    m.quantity = what;
    DLV_EXPECT_SAME(&m, dlv_noise_uniform(&g),
                    (double)(ref[k] >> 11) * 0x1p-53);
  }
}

/* The fraction of ones among P2_GEN Bernoulli(p) draws, within McDiarmid's
 * interval (c_k = 1/n). */
static void p2_bernoulli(void **state)
{
  (void)state;
  dlv_noise_rng g;
  seed_noise(dlv_rng(__func__), &g);
  unsigned char *mask = xmalloc(P2_GEN);
  assert_int_equal(dlv_noise_bernoulli(&g, P2_GEN, P2_KEEP, mask), DLV_OK);
  size_t kept = 0;
  for (size_t k = 0; k < P2_GEN; k++)
    kept += mask[k];
  double f = (double)kept / P2_GEN; /* exact: P2_GEN is a power of two */
  char shape[32];
  snprintf(shape, sizeof shape, "n=%d p=%g", P2_GEN, P2_KEEP);
  struct dlv_meas m = {"-", shape, "Bernoulli frequency of keep vs p",
                       "freq (hoeffding, c_k = 1/n)"};
  m.kernel = "noise_bernoulli";
  DLV_EXPECT_ROW(&m, f, P2_KEEP, fabs(f - P2_KEEP),
                 dlv_freq_halfwidth(P2_GEN, alpha_each()), NAN);
  free(mask);
}

/* ---- the closed form ---------------------------------------------------- */

struct affine {
  double a, s;
};

/* (a + s z) phi(z), the integrand of E[ReLU(a + s Z)] on z > -a/s. */
static double relu_integrand(double zz, void *p)
{
  const struct affine *f = p;
  return (f->a + f->s * zz) * gsl_ran_ugaussian_pdf(zz);
}

/* The MPFR closed form a Phi(a/s) + s phi(a/s) against GSL's adaptive
 * quadrature on (-a/s, Inf) (an independent route to the same integral),
 * gated by the quadrature's own error estimate; at s = 0 it is max(a, 0)
 * exactly. */
static void p2_closed_form_vs_quadrature(void **state)
{
  (void)state;
  static const struct affine cases[] = {
      {-2.0, 1.0}, {-0.5, 1.0}, {0.0, 1.0},  {0.7, 1.0},
      {3.0, 1.0},  {1.0, 0.1},  {-1.0, 3.3}, {2.5, 0.7}};
  gsl_integration_workspace *ws = gsl_integration_workspace_alloc(200);
  assert_non_null(ws);
  mpfr_t a, s, out;
  mpfr_inits2(dlv_mp_prec(), a, s, out, (mpfr_ptr)0);
  char shape[48];
  for (size_t k = 0; k < COUNT(cases); k++) {
    struct affine f = cases[k];
    gsl_function fn = {relu_integrand, &f};
    double q = NAN, abserr = NAN;
    gsl_integration_qagiu(&fn, -f.a / f.s, 0.0, 1e-12, 200, ws, &q, &abserr);
    mpfr_set_d(a, f.a, MPFR_RNDN);
    mpfr_set_d(s, f.s, MPFR_RNDN);
    assert_int_equal(dlv_ref_relu_gauss_mean(out, a, s), DLV_OK);
    snprintf(shape, sizeof shape, "a=%g s=%g", f.a, f.s);
    struct dlv_meas m = {"double", shape,
                         "E[ReLU(a + sZ)]: GSL qagiu vs MPFR closed form",
                         "gsl_integration_qagiu abserr"};
    DLV_EXPECT_ROW(&m, q, mpfr_get_d(out, MPFR_RNDN), dlv_abs_error(q, out),
                   abserr, NAN);
    mpfr_set_zero(s, 1);
    assert_int_equal(dlv_ref_relu_gauss_mean(out, a, s), DLV_OK);
    m.quantity = "closed form at s = 0 vs max(a, 0)";
    m.bound_name = "exact (bitwise)";
    DLV_EXPECT_SAME(&m, mpfr_get_d(out, MPFR_RNDN), fmax(f.a, 0.0));
  }
  mpfr_set_d(s, -1.0, MPFR_RNDN);
  struct dlv_meas m = {"double", "s=-1", "closed form with s < 0",
                       "exact status"};
  DLV_EXPECT_STATUS(&m, dlv_ref_relu_gauss_mean(out, a, s), DLV_EDOM);
  mpfr_clears(a, s, out, (mpfr_ptr)0);
  gsl_integration_workspace_free(ws);
}

/* ---- Monte Carlo -------------------------------------------------------- */

/* The layer of the Monte Carlo tests: x uniform in (0, 1) (inputs after a
 * ReLU are non-negative), W uniform in (-1, 1) then steered so that
 * a_i = (W x)_i is about steer[i] ||x||; a (exact W x), s = ||x|| and
 * s2 = ||x||^2 in MPFR, and at, the test-time layer's output, which the
 * scale factors are measured against. */
struct mc_layer {
  double w[P2_M * P2_N], x[P2_N];
  double ad[P2_M]; /* a_i rounded to nearest */
  double at[P2_M], dat[P2_M]; /* test-time layer's a_i and its p2_dot bound */
  mpfr_t a[P2_M], s, s2;
};

static void mc_layer_init(gsl_rng *r, struct mc_layer *L)
{
  fill_uniform(r, L->x, P2_N, 0.0, 1.0);
  fill_uniform(r, L->w, P2_M * P2_N, -1.0, 1.0);
  double xx = 0.0;
  for (size_t j = 0; j < P2_N; j++)
    xx += L->x[j] * L->x[j];
  for (size_t i = 0; i < P2_M; i++) {
    double *wi = L->w + i * P2_N, ai = 0.0;
    for (size_t j = 0; j < P2_N; j++)
      ai += wi[j] * L->x[j];
    double shift = (steer[i] * sqrt(xx) - ai) / xx;
    for (size_t j = 0; j < P2_N; j++)
      wi[j] += shift * L->x[j];
  }
  for (size_t i = 0; i < P2_M; i++)
    mpfr_init2(L->a[i], dlv_mp_prec());
  mpfr_inits2(dlv_mp_prec(), L->s, L->s2, (mpfr_ptr)0);
  assert_int_equal(dlv_ref_linear(P2_M, P2_N, L->w, L->x, L->a), DLV_OK);
  assert_int_equal(dlv_ref_nrm2(P2_N, L->x, 1, L->s), DLV_OK);
  assert_int_equal(dlv_mp_dot(L->s2, P2_N, L->x, 1, L->x, 1), DLV_OK);
  for (size_t i = 0; i < P2_M; i++)
    L->ad[i] = mpfr_get_d(L->a[i], MPFR_RNDN);
  assert_int_equal(dlv_linear_d(P2_M, P2_N, L->w, L->x, L->at, NULL), DLV_OK);
  double g[P2_M];
  gauge(P2_M, P2_N, L->w, NULL, NULL, L->x, g);
  dlv_bound b = dlv_bound_p2_dot(P2_N, 0, DLV_U_DOUBLE, DLV_ETA_DOUBLE);
  for (size_t i = 0; i < P2_M; i++)
    L->dat[i] = b.rel * g[i] + b.abs;
}

static void mc_layer_clear(struct mc_layer *L)
{
  for (size_t i = 0; i < P2_M; i++)
    mpfr_clear(L->a[i]);
  mpfr_clears(L->s, L->s2, (mpfr_ptr)0);
}

/* |v - x| rounded toward zero: a distance that is never overstated. */
static double dist_down(double v, mpfr_srcptr x)
{
  mpfr_t d;
  mpfr_init2(d, mpfr_get_prec(x) + 64);
  mpfr_sub_d(d, x, v, MPFR_RNDN);
  double r = fabs(mpfr_get_d(d, MPFR_RNDZ));
  mpfr_clear(d);
  return r;
}

/* The scale-factor estimate c = sum a_i mean_i / sum a_i^2 against the
 * test-time layer's outputs a (errors da) and the means (rounding r), with
 * its rounding bound (p2_ratio_rounding). */
struct ratio {
  double c, d, rounding;
};

/* The sums of magnitudes p2_ratio_rounding takes: the numerator's and
 * the denominator's propagated errors and sum |a_i mean_i|.  Magnitudes
 * only: the sign of any a_i or mean_i, flipped alone, leaves all three
 * bitwise the same (p2_bounds_sign_invariant). */
struct ratio_sums {
  double num_err, den_err, sum_abs_am;
};

static struct ratio_sums ratio_error_sums(const double *a, const double *da,
                                          const double *mean, const double *r)
{
  struct ratio_sums e = {0.0, 0.0, 0.0};
  for (size_t i = 0; i < P2_M; i++) {
    e.num_err += fabs(a[i]) * r[i] + (fabs(mean[i]) + r[i]) * da[i];
    e.den_err += (2.0 * fabs(a[i]) + da[i]) * da[i];
    e.sum_abs_am += fabs(a[i] * mean[i]);
  }
  return e;
}

static struct ratio ratio_estimate(const double *a, const double *da,
                                   const double *mean, const double *r)
{
  struct ratio q = {0.0, 0.0, 0.0};
  double num = 0.0;
  for (size_t i = 0; i < P2_M; i++) {
    num += a[i] * mean[i];
    q.d += a[i] * a[i];
  }
  q.c = num / q.d;
  struct ratio_sums e = ratio_error_sums(a, da, mean, r);
  q.rounding = dlv_p2_ratio_rounding(e.num_err, e.den_err, e.sum_abs_am, q.c,
                                     q.d, P2_M);
  return q;
}

/* ---- bounds built from magnitudes ------------------------------------------ */

/* The gauge with W_ij and E_ij flipped together where (i + j) is odd and
 * x_j where j = 0 mod 3, and the ratio's error sums with a_i flipped at
 * odd i and mean_i at i = 0 mod 3 (so a_0 mean_0 and a_1 mean_1 change
 * sign): each bitwise the same as on the data as drawn. */
static void p2_bounds_sign_invariant(void **state)
{
  (void)state;
  gsl_rng *r = dlv_rng(__func__);
  double w[2][P2_M * P2_N], e[2][P2_M * P2_N], x[2][P2_N], g[2][P2_M];
  unsigned char mask[P2_N];
  fill_uniform(r, w[0], P2_M * P2_N, -1.0, 1.0);
  fill_uniform(r, e[0], P2_M * P2_N, -0.25, 0.25);
  fill_uniform(r, x[0], P2_N, -1.0, 1.0);
  for (size_t j = 0; j < P2_N; j++) {
    mask[j] = gsl_rng_uniform(r) < P2_KEEP;
    x[1][j] = j % 3 == 0 ? -x[0][j] : x[0][j];
    for (size_t i = 0; i < P2_M; i++) {
      double f = (i + j) % 2 ? -1.0 : 1.0;
      w[1][i * P2_N + j] = f * w[0][i * P2_N + j];
      e[1][i * P2_N + j] = f * e[0][i * P2_N + j];
    }
  }
  for (int k = 0; k < 2; k++)
    gauge(P2_M, P2_N, w[k], e[k], mask, x[k], g[k]);
  struct dlv_meas m = {"double", "m=5 n=32",
                       "gauge G_i on sign-flipped W, E, x vs as drawn",
                       "bitwise"};
  for (size_t i = 0; i < P2_M; i++)
    DLV_EXPECT_SAME(&m, g[1][i], g[0][i]);
  double a[2][P2_M], da[P2_M], mean[2][P2_M], rr[P2_M];
  fill_uniform(r, a[0], P2_M, -2.0, 2.0);
  fill_uniform(r, mean[0], P2_M, -2.0, 2.0);
  fill_uniform(r, da, P2_M, 0.0, 1e-12);
  fill_uniform(r, rr, P2_M, 0.0, 1e-12);
  for (size_t i = 0; i < P2_M; i++) {
    a[1][i] = i % 2 ? -a[0][i] : a[0][i];
    mean[1][i] = i % 3 == 0 ? -mean[0][i] : mean[0][i];
  }
  struct ratio_sums s0 = ratio_error_sums(a[0], da, mean[0], rr),
                    s1 = ratio_error_sums(a[1], da, mean[1], rr);
  m.quantity = "the scale ratio's error sums on sign-flipped a, mean vs as "
               "drawn";
  DLV_EXPECT_SAME(&m, s1.num_err, s0.num_err);
  DLV_EXPECT_SAME(&m, s1.den_err, s0.den_err);
  DLV_EXPECT_SAME(&m, s1.sum_abs_am, s0.sum_abs_am);
}

/* A separation row: `excluded` lies outside the interval value +- hw
 * (err = hw, bound = the distance from value to excluded). */
static void separation_row(const char *test, const char *shape,
                           const char *quantity, const char *key,
                           double value, double hw, mpfr_srcptr excluded,
                           const char *kernel)
{
  struct dlv_meas m = {"double", shape, quantity,
                       "separation: |estimate - excluded| (measured)",
                       DLV_ROLE_ACCURACY, 0, kernel, "train", key};
  dlv_expect_row(__FILE__, __LINE__, test, &m, value,
                 mpfr_get_d(excluded, MPFR_RNDN), hw,
                 dist_down(value, excluded), NAN);
}

/* Statistics of P2_DRAWS draws of the noisy layer, per output i. */
struct noise_stats {
  double mean[P2_M], var[P2_M], ybar[P2_M], gbar[P2_M], gmax[P2_M];
};

/* zs[i * P2_DRAWS + k] receives the ReLU input of output i at draw k. */
static void run_noise(dlv_noise_rng *g, const struct mc_layer *L,
                      struct noise_stats *st, double *zs)
{
  double e[P2_M * P2_N], z[P2_M], y[P2_M], gk[P2_M];
  double ysum[P2_M] = {0}, zsum[P2_M] = {0}, gsum[P2_M] = {0};
  memset(st, 0, sizeof *st);
  for (size_t k = 0; k < P2_DRAWS; k++) {
    assert_int_equal(dlv_noisy_linear_train_d(P2_M, P2_N, L->w, L->x, g, e,
                                              z, y),
                     DLV_OK);
    gauge(P2_M, P2_N, L->w, e, NULL, L->x, gk);
    for (size_t i = 0; i < P2_M; i++) {
      zs[i * P2_DRAWS + k] = z[i];
      zsum[i] += z[i], ysum[i] += y[i], gsum[i] += gk[i];
      st->gmax[i] = fmax(st->gmax[i], gk[i]);
    }
  }
  for (size_t i = 0; i < P2_M; i++) {
    st->mean[i] = zsum[i] / P2_DRAWS;
    st->ybar[i] = ysum[i] / P2_DRAWS;
    st->gbar[i] = gsum[i] / P2_DRAWS;
    double ss = 0.0; /* two-pass variance */
    for (size_t k = 0; k < P2_DRAWS; k++) {
      double d = zs[i * P2_DRAWS + k] - st->mean[i];
      ss += d * d;
    }
    st->var[i] = ss / (P2_DRAWS - 1);
  }
}

/* Series for the report's plot of the Monte Carlo mean converging (record
 * only: bound_name "recorded (no bound)", bound +Inf, so no verdict depends
 * on them and they are not comparisons counted in P2_K).  Per output, at
 * N = 100 2^(j/2) draws and at P2_DRAWS: the running mean of the first N
 * ReLU inputs against W x, and the half-width q s_N/sqrt(N) of its t band
 * at the per-comparison level DLV_P2_ALPHA_EACH(P2_K) (q the t quantile
 * with N - 1 degrees of freedom, s_N the two-pass sample deviation). */
static void record_running_means(const char *test, const struct mc_layer *L,
                                 const double *zs)
{
  const double alpha = DLV_P2_ALPHA_EACH(P2_K);
  for (size_t i = 0; i < P2_M; i++) {
    const double *z = zs + i * P2_DRAWS;
    for (int j = 0;; j++) {
      size_t n = (size_t)floor(100.0 * pow(2.0, j / 2.0));
      n = n > P2_DRAWS ? P2_DRAWS : n;
      double sum = 0.0, ss = 0.0;
      for (size_t k = 0; k < n; k++)
        sum += z[k];
      double mean = sum / (double)n;
      for (size_t k = 0; k < n; k++)
        ss += (z[k] - mean) * (z[k] - mean);
      double q = dlv_t_quantile(alpha, (double)(n - 1));
      double hw = dlv_p2_t_halfwidth(q, sqrt(ss / (double)(n - 1)),
                                     (double)n);
      char shape[64];
      snprintf(shape, sizeof shape, "a/||x||=%g m=%d n=%d N=%zu", steer[i],
               P2_M, P2_N, n);
      struct dlv_meas m = {"double", shape,
                           "series: running mean of the ReLU input vs W x",
                           "recorded (no bound)"};
      m.key = "mc-running-mean"; /* plot P2-mc */
      dlv_expect_row(__FILE__, __LINE__, test, &m, mean, L->ad[i],
                     dlv_abs_error(mean, L->a[i]), INFINITY, NAN);
      m.quantity = "series: band half-width q s_N/sqrt(N) of the running "
                   "mean";
      m.key = "mc-band";
      dlv_expect_row(__FILE__, __LINE__, test, &m, hw, 0.0, 0.0, INFINITY,
                     NAN);
      if (n == P2_DRAWS)
        break;
    }
  }
}

/* The standard error of the scale factor c = sum a_i zbar_i / sum a_i^2
 * (sum_a2 = sum a_i^2) when each zbar_i is a mean of `draws` independent
 * values of standard deviation sd (the same for every i): sd / sqrt(draws
 * sum_a2).  The claim row's t interval and ratio_se_row use it. */
static double ratio_se(double sd, double draws, double sum_a2)
{
  return sd / sqrt(draws * sum_a2);
}

/* ratio_se checked against the spread it predicts: the factor c_b of each
 * of P2_BATCHES batches of the draws (zs: run_noise's) is Gaussian (z_i
 * = a_i + e_i . x is) with variance ratio_se(sigma, D/B, sum_a2)^2,
 * sigma^2 = ||x||^2 s^2 exactly (s2), so the batches' sample variance S2
 * has (B - 1) S2 / that ~ chi-square(B - 1) (chi2_ci; accuracy).  Each
 * c_b is computed with a relative error below gamma_{D/B + M + 2} (sums
 * of D/B and of M terms, a division), dc absolute, which moves S2 by at
 * most 2 sqrt(S2) dc + dc^2: added to the bound. */
static void ratio_se_row(const char *test, const struct mc_layer *L,
                         const double *zs, double sum_a2, double s2)
{
  const size_t per = P2_DRAWS / P2_BATCHES;
  double cb[P2_BATCHES], mean = 0.0, cmax = 0.0, ss = 0.0;
  for (size_t b = 0; b < P2_BATCHES; b++) {
    double num = 0.0;
    for (size_t i = 0; i < P2_M; i++) {
      const double *z = zs + i * P2_DRAWS + b * per;
      double sum = 0.0;
      for (size_t k = 0; k < per; k++)
        sum += z[k];
      num += L->at[i] * (sum / (double)per);
    }
    cb[b] = num / sum_a2;
    mean += cb[b] / P2_BATCHES;
    cmax = fmax(cmax, fabs(cb[b]));
  }
  for (size_t b = 0; b < P2_BATCHES; b++)
    ss += (cb[b] - mean) * (cb[b] - mean);
  const double nu = P2_BATCHES - 1, S2 = ss / nu;
  double se = ratio_se(sqrt(s2), (double)per, sum_a2), lo, hi;
  dlv_chi2_interval(alpha_each(), nu, &lo, &hi);
  double dc = dlv_gamma((double)(per + P2_M + 2), DLV_U_DOUBLE) * cmax;
  char shape[64];
  snprintf(shape, sizeof shape, "m=%d n=%d N=%d batches=%d", P2_M, P2_N,
           P2_DRAWS, P2_BATCHES);
  struct dlv_meas m = {"double", shape,
                       "variance of the scale factor over batches vs "
                       "its derived standard error squared",
                       "p2_chi2_ci + rounding of the batch factors",
                       DLV_ROLE_ACCURACY, 0, "noisy_linear", "train"};
  dlv_expect_row(__FILE__, __LINE__, test, &m, S2, se * se,
                 fabs(S2 - se * se),
                 dlv_p2_chi2_bound(S2, se * se, nu, lo, hi) +
                     2.0 * sqrt(S2) * dc + dc * dc,
                 NAN);
}

/* The claim row's t half-width against the one the model's exact variance
 * sigma2 = ||x||^2 gives (model_hw, the same quantile and N): their squared
 * ratio times sigma2 is the sample variance the interval used, which must
 * lie in the chi-square acceptance interval (dlv_chi2_bound; 8 u sigma2 for
 * the square roots and quotients that recover it).  A half-width built
 * from anything but the sample standard deviation (the variance, say)
 * fails here, whatever the means do (accuracy row).  With the right
 * half-width this is the variance row's event again (the same S2): no new
 * comparison in the family alpha_each shares. */
static void t_halfwidth_row(const char *test, const char *shape,
                            const char *quantity, double hw,
                            double model_hw, double sigma2, double nu,
                            double lo, double hi)
{
  double r = hw / model_hw, used = r * r * sigma2;
  struct dlv_meas m = {"double", shape, quantity,
                       "p2_chi2_ci + 8 u sigma2", DLV_ROLE_ACCURACY, 0,
                       "noisy_linear", "train"};
  dlv_expect_row(__FILE__, __LINE__, test, &m, used, sigma2,
                 fabs(used - sigma2),
                 dlv_chi2_bound(used, sigma2, nu, lo, hi) +
                     8.0 * DLV_U_DOUBLE * sigma2,
                 NAN);
}

/* The claim.  Per output: the mean ReLU input against W x (claim), its
 * variance against ||x||^2 (accuracy: the noise has the model's law), the
 * mean ReLU output against the closed form (accuracy) and ReLU(W x)
 * outside that interval (accuracy, separation); then the test-time scale
 * factor against 1 (claim) and the standard error its interval uses
 * against the factor's spread over batches (accuracy: ratio_se_row). */
static void p2_mc_noise(void **state)
{
  (void)state;
  gsl_rng *r = dlv_rng(__func__);
  struct mc_layer L;
  mc_layer_init(r, &L);
  dlv_noise_rng g;
  seed_noise(r, &g);
  struct noise_stats st;
  double *zs = xmalloc((size_t)P2_M * P2_DRAWS * sizeof *zs);
  run_noise(&g, &L, &st, zs);
  record_running_means(__func__, &L, zs);
  const double nn = P2_DRAWS, nu = P2_DRAWS - 1;
  const dlv_bound dot = dlv_bound_p2_dot(P2_N, 1, DLV_U_DOUBLE,
                                         DLV_ETA_DOUBLE);
  double s_up = mpfr_get_d(L.s, MPFR_RNDU), s2 = mpfr_get_d(L.s2, MPFR_RNDN);
  double rnd[P2_M];
  dlv_pooled_var pooled = DLV_POOLED_VAR_INIT;
  mpfr_t cf, relu;
  mpfr_inits2(dlv_mp_prec(), cf, relu, (mpfr_ptr)0);
  char shape[64];
  for (size_t i = 0; i < P2_M; i++) {
    snprintf(shape, sizeof shape, "m=%d n=%d N=%d a/||x||=%g", P2_M, P2_N,
             P2_DRAWS, steer[i]);
    rnd[i] = dlv_p2_mean_rounding(P2_N, nn, st.gbar[i]);
    dlv_pooled_add(&pooled, st.var[i], nu);
    double q = dlv_t_quantile(alpha_each(), nu);
    double t_hw = dlv_p2_t_halfwidth(q, sqrt(st.var[i]), nn);
    struct dlv_meas m = {"double", shape,
                         "Monte Carlo mean of the ReLU input vs W x",
                         "p2_t_ci + p2_mc_rounding", DLV_ROLE_CLAIM, 0};
    DLV_EXPECT_ROW(&m, st.mean[i], L.ad[i], dlv_abs_error(st.mean[i], L.a[i]),
                   t_hw + rnd[i], NAN);
    double a = alpha_each();
    double lo, hi;
    dlv_chi2_interval(a, nu, &lo, &hi);
    double delta = dot.rel * st.gmax[i] + dot.abs;
    t_halfwidth_row(__func__, shape,
                    "sample variance the mean's t interval used vs ||x||^2",
                    t_hw,
                    dlv_p2_t_halfwidth(q, sqrt(s2), nn), s2, nu, lo, hi);
    struct dlv_meas mv = {"double", shape,
                          "sample variance of the ReLU input vs ||x||^2",
                          "p2_chi2_ci + p2_var_rounding", DLV_ROLE_ACCURACY,
                          0, "noisy_linear", "train"};
    DLV_EXPECT_ROW(&mv, st.var[i], s2, dlv_abs_error(st.var[i], L.s2),
                   dlv_p2_chi2_bound(st.var[i], s2, nu, lo, hi) +
                       dlv_p2_var_rounding(st.var[i], delta, nn, nu),
                   NAN);
    assert_int_equal(dlv_ref_relu_gauss_mean(cf, L.a[i], L.s), DLV_OK);
    double hw = dlv_p2_gauss_conc_halfwidth(s_up / sqrt(nn), alpha_each()) +
                rnd[i];
    struct dlv_meas mo = {"double", shape,
                          "mean ReLU output vs a Phi(a/s) + s phi(a/s)",
                          "p2_gauss_conc + p2_mc_rounding", DLV_ROLE_ACCURACY,
                          0, "noisy_linear", "train",
                          "relu-output-mean"}; /* the caveat's rows */
    DLV_EXPECT_ROW(&mo, st.ybar[i], mpfr_get_d(cf, MPFR_RNDN),
                   dlv_abs_error(st.ybar[i], cf), hw, NAN);
    mpfr_set_zero(relu, 1);
    mpfr_max(relu, L.a[i], relu, MPFR_RNDN);
    separation_row(__func__, shape,
                   "ReLU(W x) outside the output mean's interval",
                   "relu-of-mean-outside", st.ybar[i],
                   hw, relu, "noisy_linear");
  }
  struct ratio q = ratio_estimate(L.at, L.dat, st.mean, rnd);
  double tq = dlv_pooled_t_quantile(alpha_each(), &pooled);
  double hw_t = tq * ratio_se(dlv_pooled_sd(&pooled), nn, q.d);
  double hw = hw_t + q.rounding;
  snprintf(shape, sizeof shape, "m=%d n=%d N=%d", P2_M, P2_N, P2_DRAWS);
  struct dlv_meas mc = {"double", shape,
                        "test-time scale factor sum a zbar / sum a^2 vs 1",
                        "p2_t_ci (pooled) + p2_ratio_rounding",
                        DLV_ROLE_CLAIM, 0};
  DLV_EXPECT_ROW(&mc, q.c, 1.0, fabs(q.c - 1.0), hw, NAN);
  /* its t half-width against the one the model's variance s2 gives (the
   * same quantile, draws and sum a^2): the pooled variance it used must
   * lie in the pooled chi-square interval (one more comparison: P2_K) */
  double plo, phi;
  dlv_chi2_interval(alpha_each(), pooled.df, &plo, &phi);
  t_halfwidth_row(__func__, shape,
                  "pooled variance the scale factor's t interval used vs "
                  "||x||^2",
                  hw_t, tq * ratio_se(sqrt(s2), nn, q.d), s2, pooled.df, plo,
                  phi);
  ratio_se_row(__func__, &L, zs, q.d, s2);
  free(zs);
  mpfr_clears(cf, relu, (mpfr_ptr)0);
  mc_layer_clear(&L);
}

/* McDiarmid's constant c2 = sum_j (x_j v_j)^2 / (N (sum a^2)^2), v = W' a,
 * as p2_mc_dropout forms it, against the same formed in MPFR from the
 * data (its inputs computed twice): a row.  Bound: v_j is off by at most
 * gamma_M V_j (V_j = sum_i |w_ij a_i|), so (x_j v_j)^2 by (2 gamma_M +
 * gamma_M^2) x_j^2 V_j^2; the squares, the sum over n, sum a^2, its
 * square and the quotients add a relative gamma_{n+1} + 2 gamma_M + 3 u
 * of c2 <= C = sum_j x_j^2 V_j^2 / (N (sum a^2)^2): in all below
 * (4 M + n + 4) u' C (u' = u / (1 - (M + n + 4) u)), which 3 gamma_{M+n+4}
 * C covers for M <= 2 n + 8, with room for C's own evaluation in double
 * (low by at most gamma_{M+n+4} C). */
static void mcdiarmid_constant_row(const char *test, const char *shape,
                                   const struct mc_layer *L, double c2)
{
  mpfr_t v, t, sum, d;
  mpfr_inits2(dlv_mp_prec(), v, t, sum, d, (mpfr_ptr)0);
  mpfr_set_zero(sum, 1);
  mpfr_set_zero(d, 1);
  double cmag = 0.0, dd = 0.0;
  for (size_t i = 0; i < P2_M; i++) {
    mpfr_set_d(t, L->at[i], MPFR_RNDN);
    mpfr_sqr(t, t, MPFR_RNDN);
    mpfr_add(d, d, t, MPFR_RNDN);
    dd += L->at[i] * L->at[i];
  }
  for (size_t j = 0; j < P2_N; j++) {
    double vmag = 0.0;
    mpfr_set_zero(v, 1);
    for (size_t i = 0; i < P2_M; i++) {
      mpfr_set_d(t, L->w[i * P2_N + j], MPFR_RNDN);
      mpfr_mul_d(t, t, L->at[i], MPFR_RNDN);
      mpfr_add(v, v, t, MPFR_RNDN);
      vmag += fabs(L->w[i * P2_N + j] * L->at[i]);
    }
    mpfr_mul_d(v, v, L->x[j], MPFR_RNDN);
    mpfr_sqr(v, v, MPFR_RNDN);
    mpfr_add(sum, sum, v, MPFR_RNDN);
    cmag += (L->x[j] * vmag) * (L->x[j] * vmag);
  }
  mpfr_sqr(d, d, MPFR_RNDN);
  mpfr_mul_ui(d, d, P2_DRAWS, MPFR_RNDN);
  mpfr_div(sum, sum, d, MPFR_RNDN);
  cmag /= (double)P2_DRAWS * dd * dd;
  struct dlv_meas m = {"double", shape,
                       "McDiarmid constant c2 of the dropout factor vs MPFR",
                       "3 gamma_{M+n+4} sum x^2 V^2 / (N (sum a^2)^2)",
                       DLV_ROLE_ACCURACY, 0, "dropout_linear", "train"};
  dlv_expect_row(__FILE__, __LINE__, test, &m, c2, mpfr_get_d(sum, MPFR_RNDN),
                 dlv_abs_error(c2, sum),
                 3.0 * dlv_gamma((double)(P2_M + P2_N + 4), DLV_U_DOUBLE) *
                     cmag,
                 NAN);
  mpfr_clears(v, t, sum, d, (mpfr_ptr)0);
}

/* Dropout on the inputs, keep probability p: the factor c (as above)
 * against p inside McDiarmid's interval, and 1 outside it (scaling is
 * needed there).  c is a function of the N n independent mask bits;
 * flipping bit (k, j) moves it by |x_j v_j| / (N sum a^2), v = W' a. */
static void p2_mc_dropout(void **state)
{
  (void)state;
  gsl_rng *r = dlv_rng(__func__);
  struct mc_layer L;
  mc_layer_init(r, &L);
  dlv_noise_rng g;
  seed_noise(r, &g);
  double z[P2_M], zsum[P2_M] = {0}, mean[P2_M], rnd[P2_M], gi[P2_M];
  unsigned char mask[P2_N];
  for (size_t k = 0; k < P2_DRAWS; k++) {
    assert_int_equal(dlv_dropout_linear_train_d(P2_M, P2_N, L.w, L.x, P2_KEEP,
                                                &g, mask, z, NULL),
                     DLV_OK);
    for (size_t i = 0; i < P2_M; i++)
      zsum[i] += z[i];
  }
  gauge(P2_M, P2_N, L.w, NULL, NULL, L.x, gi); /* bounds every mask's */
  for (size_t i = 0; i < P2_M; i++) {
    mean[i] = zsum[i] / P2_DRAWS;
    rnd[i] = dlv_p2_mean_rounding(P2_N, P2_DRAWS, gi[i]);
  }
  struct ratio q = ratio_estimate(L.at, L.dat, mean, rnd);
  double c2 = 0.0;
  for (size_t j = 0; j < P2_N; j++) {
    double v = 0.0;
    for (size_t i = 0; i < P2_M; i++)
      v += L.w[i * P2_N + j] * L.at[i];
    c2 += (L.x[j] * v) * (L.x[j] * v);
  }
  c2 /= (double)P2_DRAWS * q.d * q.d;
  double hw = dlv_p2_hoeffding_halfwidth(c2, alpha_each()) + q.rounding;
  char shape[64];
  snprintf(shape, sizeof shape, "m=%d n=%d N=%d p=%g", P2_M, P2_N, P2_DRAWS,
           P2_KEEP);
  struct dlv_meas m = {"double", shape,
                       "dropout scale factor sum a zbar / sum a^2 vs p",
                       "p2_hoeffding + p2_ratio_rounding", DLV_ROLE_ACCURACY,
                       0, "dropout_linear", "train"};
  DLV_EXPECT_ROW(&m, q.c, P2_KEEP, fabs(q.c - P2_KEEP), hw, NAN);
  mcdiarmid_constant_row(__func__, shape, &L, c2);
  mpfr_t one;
  mpfr_init2(one, 64);
  mpfr_set_ui(one, 1, MPFR_RNDN);
  separation_row(__func__, shape,
                 "1 outside the dropout factor's interval (scaling needed)",
                 NULL, q.c, hw, one, "dropout_linear");
  mpfr_clear(one);
  mc_layer_clear(&L);
}

/* Every statistical row drew its share of alpha: the Bonferroni count the
 * intervals were sized for is the count that ran. */
static void p2_comparison_count(void **state)
{
  (void)state;
  struct dlv_meas m = {"-", "-", "statistical comparisons run vs P2_K",
                       "exact (bitwise)"};
  DLV_EXPECT_SAME(&m, (double)comparisons, (double)P2_K);
}

int main(void)
{
  /* The kernels the claim and nearby rows are computed with, each
   * measured by accuracy rows of this check. */
  static const char *const relies_on[] = {
      "noisy_linear", "linear", "noise_gaussian", "dropout_linear",
      "noise_bernoulli", NULL};
  const struct CMUnitTest tests[] = {
      DLV_UNIT_TEST(p2_layers_vs_mpfr),
      DLV_UNIT_TEST(p2_bounds_sign_invariant),
      DLV_UNIT_TEST(p2_defined_errors),
      DLV_UNIT_TEST(p2_generator_d),
      DLV_UNIT_TEST(p2_generator_s),
      DLV_UNIT_TEST(p2_generator_known_answer),
      DLV_UNIT_TEST(p2_bernoulli),
      DLV_UNIT_TEST(p2_closed_form_vs_quadrature),
      DLV_UNIT_TEST(p2_mc_noise),
      DLV_UNIT_TEST(p2_mc_dropout),
      DLV_UNIT_TEST(p2_comparison_count),
  };
  return dlv_run_check("P2", relies_on, DLV_VERDICT_CONFIRMED, tests,
                       sizeof tests / sizeof tests[0]);
}
