/* bounds/stats.h: generic Monte Carlo statistics (z, Bonferroni alphas,
 * confidence half-widths), named for what they compute. */
#ifndef DLV_BOUNDS_STATS_H
#define DLV_BOUNDS_STATS_H

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>

/* ---- Monte Carlo ---------------------------------------------------- */
/* Two-sided z for confidence intervals: P(|Z| > 5) = 5.7e-7 per comparison
 * under the null; checks correct it for their number of comparisons. */
#define DLV_MC_Z 5.0
/* One check program's family-wise false-failure probability
 * alpha = P(|Z| > DLV_MC_Z) = erfc(5/sqrt 2) = 5.7e-7, split evenly
 * (Bonferroni) over its k statistical comparisons: alpha/k each. */
#define DLV_MC_ALPHA_EACH(k) (erfc(DLV_MC_Z / sqrt(2.0)) / (double)(k))

/* ---- two-sided quantiles (each tail alpha/2) and the KS distance ------ */
/* q with P(|Z| > q) = alpha, Z ~ N(0, 1). */
static inline double dlv_z_quantile(double alpha)
{
  return gsl_cdf_ugaussian_Qinv(alpha / 2.0);
}

/* q with P(|T| > q) = alpha, T Student t with df degrees of freedom. */
static inline double dlv_t_quantile(double alpha, double df)
{
  return gsl_cdf_tdist_Qinv(alpha / 2.0, df);
}

/* A variance pooled over independent groups with a common variance: the
 * groups' sample variances weighted by their degrees of freedom, and the
 * estimate's degrees of freedom, the sum of the groups' (each group added
 * once, with its own; start from DLV_POOLED_VAR_INIT).  The variance and
 * its degrees of freedom are kept together so that the t quantile of the
 * pooled estimate is taken at the degrees of freedom it has. */
typedef struct {
  double weighted; /* sum of nu_i var_i */
  double df;       /* sum of nu_i */
} dlv_pooled_var;
#define DLV_POOLED_VAR_INIT ((dlv_pooled_var){.weighted = 0.0, .df = 0.0})

static inline void dlv_pooled_add(dlv_pooled_var *p, double var, double nu)
{
  p->weighted += nu * var;
  p->df += nu;
}

static inline double dlv_pooled_sd(const dlv_pooled_var *p)
{
  return sqrt(p->weighted / p->df);
}

/* q with P(|T| > q) = alpha, T the t statistic of the pooled estimate. */
static inline double dlv_pooled_t_quantile(double alpha,
                                           const dlv_pooled_var *p)
{
  return dlv_t_quantile(alpha, p->df);
}

/* The x in [a, b] where the monotone tail(x, nu) crosses p (tail(a) and
 * tail(b) on either side of p), by bisection to adjacent doubles. */
static inline double dlv_tail_crossing(double (*tail)(double, double),
                                       double nu, double p, double a,
                                       double b)
{
  int rising = tail(b, nu) > tail(a, nu);
  for (;;) {
    double mid = a + (b - a) / 2.0;
    if (mid <= a || mid >= b)
      return mid;
    if ((tail(mid, nu) < p) == rising)
      a = mid;
    else
      b = mid;
  }
}

/* lo, hi with P(X < lo) = P(X > hi) = alpha/2, X ~ chi-square(nu): the
 * acceptance interval of nu S2/sigma2 (dlv_chi2_bound).  By bisection on
 * GSL's distribution functions: its inverses miss far in the tails
 * (gsl_cdf_chisq_Qinv at nu = 39999, alpha/2 = 5e-10: a tail of 8.9
 * alpha/2; gsl_cdf_chisq_Pinv there: NaN; past nu = 3e5 both fail). */
static inline void dlv_chi2_interval(double alpha, double nu, double *lo,
                                     double *hi)
{
  double p = alpha / 2.0, top = 2.0 * nu + 64.0;
  while (gsl_cdf_chisq_Q(top, nu) > p)
    top *= 2.0;
  *lo = dlv_tail_crossing(gsl_cdf_chisq_P, nu, p, 0.0, nu);
  *hi = dlv_tail_crossing(gsl_cdf_chisq_Q, nu, p, nu, top);
}

static inline int dlv_cmp_double(const void *a, const void *b)
{
  double u = *(const double *)a, v = *(const double *)b;
  return (u > v) - (u < v);
}

/* The Kolmogorov-Smirnov distance sup_t |F_n(t) - F(t)| of the n > 0
 * samples v (sorted in place) to the continuous cdf F: at the k-th
 * smallest sample (from 0) the empirical cdf steps from k/n to (k+1)/n,
 * so the supremum is the largest of (k+1)/n - F(v_k) and F(v_k) - k/n. */
static inline double dlv_ks_distance(double *v, size_t n,
                                     double (*cdf)(double))
{
  qsort(v, n, sizeof *v, dlv_cmp_double);
  double d = 0.0;
  for (size_t k = 0; k < n; k++) {
    double f = cdf(v[k]);
    double above = (double)(k + 1) / (double)n - f;
    double below = f - (double)k / (double)n;
    d = fmax(d, fmax(above, below));
  }
  return d;
}

/* t_ci: the mean of N i.i.d. Gaussian samples with sample standard
 * deviation sd; (mean - mu) sqrt(N)/sd is Student t with N - 1 degrees of
 * freedom (exactly), so |mean - mu| <= q sd/sqrt(N) fails with probability
 * alpha_each when q is the t quantile at 1 - alpha_each/2
 * (dlv_t_quantile).  The ratio estimator c = sum a_i m_i / sum a_i^2 of m
 * such means with a common variance has sd/sqrt(N sum a_i^2), pooled sd,
 * t with m (N - 1) degrees of freedom (dlv_t_pooled_quantile). */
static inline double dlv_t_halfwidth(double q, double sd, double count)
{
  return q * sd / sqrt(count);
}

/* chi2_ci: N Gaussian samples with variance sigma2 have sample variance
 * S2 with nu S2/sigma2 ~ chi-square(nu), nu = N - 1 (or N when the mean is
 * known).  With q_lo, q_hi its quantiles at alpha_each/2 and
 * 1 - alpha_each/2 (dlv_chi2_interval), the row err = |S2 - sigma2| is
 * bounded by the distance from sigma2 to the end of the acceptance interval
 * on S2's side, so the row holds iff q_lo <= nu S2/sigma2 <= q_hi. */
static inline double dlv_chi2_bound(double s2, double sigma2, double nu,
                                       double q_lo, double q_hi)
{
  return s2 >= sigma2 ? sigma2 * (q_hi / nu - 1.0)
                      : sigma2 * (1.0 - q_lo / nu);
}

/* gauss_conc: Gaussian concentration (Tsirelson-Ibragimov-Sudakov): an
 * L-Lipschitz function f of a standard Gaussian vector has
 * P(|f - E f| >= r) <= 2 exp(-r^2 / (2 L^2)).  The mean over N draws of
 * ReLU(a + e_k . x) is (||x||/sqrt N)-Lipschitz in (e_1, ..., e_N), so
 * r = L sqrt(2 log(2/alpha_each)) with L = ||x||/sqrt(N); no normal
 * approximation is involved. */
static inline double dlv_gauss_conc_halfwidth(double lip, double alpha)
{
  return lip * sqrt(2.0 * log(2.0 / alpha));
}

/* hoeffding: McDiarmid's bounded-difference inequality: when changing
 * the k-th independent input moves f by at most c_k,
 * P(|f - E f| >= r) <= 2 exp(-2 r^2 / sum c_k^2), so
 * r = sqrt(sum c_k^2 log(2/alpha_each) / 2).  With f the fraction of ones
 * among n Bernoulli draws (c_k = 1/n), or the Dvoretzky-Kiefer-Wolfowitz
 * inequality with Massart's constant for the Kolmogorov-Smirnov distance
 * sup |F_n - F| (sum c_k^2 = 1/n again), this is exact for every n. */
static inline double dlv_hoeffding_halfwidth(double sum_c2, double alpha)
{
  return sqrt(sum_c2 * log(2.0 / alpha) / 2.0);
}

/* freq: the fraction of ones among n independent Bernoulli(p) draws
 * lies within this of p but with probability at most alpha_each:
 * hoeffding's half-width with c_k = 1/n (sum c_k^2 = 1/n), taken from the
 * draw count alone. */
static inline double dlv_freq_halfwidth(double n, double alpha)
{
  return dlv_hoeffding_halfwidth(1.0 / n, alpha);
}

/* dkw: the Kolmogorov-Smirnov distance sup_t |F_n(t) - F(t)| of n
 * independent samples of a continuous cdf F exceeds r with probability at
 * most 2 exp(-2 n r^2) (Dvoretzky-Kiefer-Wolfowitz with Massart's
 * constant): the supremum over t has the tail of the single frequency
 * F_n(t), so r = sqrt(log(2/alpha_each) / (2 n)), from the sample count
 * alone. */
static inline double dlv_dkw_halfwidth(double n, double alpha)
{
  return dlv_freq_halfwidth(n, alpha);
}

/* chi2_lm: X ~ chi-square(nu) (Laurent and Massart 2000, Lemma 1):
 * P(X - nu >= 2 sqrt(nu x) + 2x) <= e^-x and P(nu - X >= 2 sqrt(nu x))
 * <= e^-x; with x = log(2/alpha) both sides together fail with probability
 * at most alpha, for every nu (no quantile routine: GSL's
 * gsl_cdf_chisq_Qinv returns 0.549 nu for nu = 2^20 at 2.7e-9, whose upper
 * tail probability is 1).  For S2 = X/nu the half-width on S2's side of 1
 * (s2 >= 1: upper). */
static inline double dlv_chi2_lm_halfwidth(double s2, double nu, double alpha)
{
  double x = log(2.0 / alpha);
  return 2.0 * sqrt(x / nu) + (s2 >= 1.0 ? 2.0 * x / nu : 0.0);
}

#endif
