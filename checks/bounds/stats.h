/* bounds/stats.h: generic Monte Carlo statistics (z, Bonferroni alphas,
 * confidence half-widths), named for what they compute. */
#ifndef DLV_BOUNDS_STATS_H
#define DLV_BOUNDS_STATS_H

#include <math.h>

/* ---- Monte Carlo ---------------------------------------------------- */
/* Two-sided z for confidence intervals: P(|Z| > 5) = 5.7e-7 per comparison
 * under the null; checks correct it for their number of comparisons. */
#define DLV_MC_Z 5.0
/* One check program's family-wise false-failure probability
 * alpha = P(|Z| > DLV_MC_Z) = erfc(5/sqrt 2) = 5.7e-7, split evenly
 * (Bonferroni) over its k statistical comparisons: alpha/k each. */
#define DLV_MC_ALPHA_EACH(k) (erfc(DLV_MC_Z / sqrt(2.0)) / (double)(k))

/* t_ci: the mean of N i.i.d. Gaussian samples with sample standard
 * deviation sd; (mean - mu) sqrt(N)/sd is Student t with N - 1 degrees of
 * freedom (exactly), so |mean - mu| <= q sd/sqrt(N) fails with probability
 * alpha_each when q is the t quantile at 1 - alpha_each/2 (GSL, in the
 * check).  The ratio estimator c = sum a_i m_i / sum a_i^2 of m such means
 * with a common variance has sd/sqrt(N sum a_i^2), pooled sd, t with
 * m (N - 1) degrees of freedom. */
static inline double dlv_t_halfwidth(double q, double sd, double count)
{
  return q * sd / sqrt(count);
}

/* chi2_ci: N Gaussian samples with variance sigma2 have sample variance
 * S2 with nu S2/sigma2 ~ chi-square(nu), nu = N - 1 (or N when the mean is
 * known).  With q_lo, q_hi its quantiles at alpha_each/2 and
 * 1 - alpha_each/2, the row err = |S2 - sigma2| is bounded by the distance
 * from sigma2 to the end of the acceptance interval on S2's side, so the row
 * holds iff q_lo <= nu S2/sigma2 <= q_hi. */
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
