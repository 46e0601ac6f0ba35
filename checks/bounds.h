/* bounds.h: every error bound dlverify gates on, each named after the
 * analysis it comes from and defined here once.  A bound is never widened to
 * make a check pass: a failing check is a finding about the kernel, the
 * bound or the reference.
 *
 * Notation (Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed.):
 * u is the unit roundoff (2^-53 double, 2^-24 float); gamma_n = n u/(1 - n u)
 * bounds the relative error of n chained roundings, |theta_n| <= gamma_n
 * (Lemma 3.1).  A bound is a pair (rel, abs): |computed - exact| <=
 * rel |exact| + abs, the abs term covering underflow to subnormals. */
#ifndef DLV_BOUNDS_H
#define DLV_BOUNDS_H

#include <math.h>
#include <stddef.h>

#define DLV_U_DOUBLE 0x1p-53
#define DLV_U_FLOAT 0x1p-24
/* The error of one rounding that underflows is at most half the smallest
 * subnormal (IEEE 754 gradual underflow, round to nearest).  For double,
 * 2^-1075 is not representable, so the bound uses 2^-1074. */
#define DLV_ETA_DOUBLE 0x1p-1074
#define DLV_ETA_FLOAT 0x1p-150

typedef struct {
  double rel; /* bound on the relative part */
  double abs; /* bound on the absolute part (underflow) */
} dlv_bound;

/* The bound's value for an exact result of magnitude |exact|. */
static inline double dlv_bound_at(dlv_bound b, double exact_abs)
{
  return b.rel * exact_abs + b.abs;
}

/* gamma_n = n u / (1 - n u); +Inf when n u >= 1 (no bound exists). */
static inline double dlv_gamma(double n, double u)
{
  return n * u < 1.0 ? n * u / (1.0 - n * u) : INFINITY;
}

/* Relative error of sqrt(S (1 + theta)) (1 + delta), |theta| <= g,
 * |delta| <= u: max(sqrt(1 + g)(1 + u) - 1, 1 - sqrt(1 - g)(1 - u)),
 * evaluated with log1p/expm1 so that the bound itself is accurate. */
static inline double dlv_sqrt_of_perturbed_rel(double g, double u)
{
  double up = expm1(0.5 * log1p(g) + log1p(u));
  double down = -expm1(0.5 * log1p(-g) + log1p(-u));
  return up > down ? up : down;
}

/* ---- P4a: Euclidean norm and its gradient (kernels/nrm2.c) ---------- */

/* nrm2_d: the sum of n squares passes each term through at most n
 * roundings (one product, n - 1 additions), gamma_n; squares that underflow
 * add at most n 2^-1074 to a block sum that is >= 2^-102 (see nrm2.c), i.e.
 * n 2^-972 relative; sqrt adds u; a subnormal norm one more rounding. */
static inline dlv_bound dlv_bound_nrm2_d(size_t n)
{
  double g = dlv_gamma((double)n, DLV_U_DOUBLE) + (double)n * 0x1p-972;
  return (dlv_bound){dlv_sqrt_of_perturbed_rel(g, DLV_U_DOUBLE),
                     DLV_ETA_DOUBLE};
}

/* nrm2_s: float squares are exact in double and cannot under- or overflow,
 * so the double norm has sqrt_of_perturbed_rel(gamma_n(u_d), u_d); one
 * rounding to float (relative u_s, or absolute 2^-150 if subnormal). */
static inline dlv_bound dlv_bound_nrm2_s(size_t n)
{
  double rd = dlv_sqrt_of_perturbed_rel(dlv_gamma((double)n, DLV_U_DOUBLE),
                                        DLV_U_DOUBLE);
  return (dlv_bound){expm1(log1p(rd) + log1p(DLV_U_FLOAT)), DLV_ETA_FLOAT};
}

/* nrm2_grad_d: g_i = (x_i 2^-e)(1/r), r = sqrt(s) with relative error beta
 * (nrm2_d without its final scaling): (1 + u)^2 / (1 - beta) - 1.  The
 * exact scaling x_i 2^-e can underflow (2^-1075) and 1/r <= 1 then, plus
 * the product's own underflow: 2^-1074 in all. */
static inline dlv_bound dlv_bound_nrm2_grad_d(size_t n)
{
  double beta = dlv_bound_nrm2_d(n).rel;
  double rel = expm1(2.0 * log1p(DLV_U_DOUBLE) - log1p(-beta));
  return (dlv_bound){rel, 2.0 * DLV_ETA_DOUBLE};
}

/* nrm2_grad_s: the double quotient x_i / sqrt(s) as in nrm2_grad_d (no
 * underflow possible in double), then one rounding to float. */
static inline dlv_bound dlv_bound_nrm2_grad_s(size_t n)
{
  double beta = dlv_sqrt_of_perturbed_rel(
      dlv_gamma((double)n, DLV_U_DOUBLE), DLV_U_DOUBLE);
  double rd = expm1(2.0 * log1p(DLV_U_DOUBLE) - log1p(-beta));
  return (dlv_bound){expm1(log1p(rd) + log1p(DLV_U_FLOAT)), DLV_ETA_FLOAT};
}

/* Complex step through the analytic twin of the norm (checks/p4a): with y
 * scaled so that max|y_i| is in [1, 2), z = y + i h e_j, h = 2^-DLV_CSTEP_BITS,
 * S = sum z_i^2 has Re S = sum y_i^2 (1 + theta_n) - h^2 (relative
 * h^2 <= 2^-80) and Im S = 2 h y_j exactly (or underflowing, 2^-1075);
 * dlv_csqrt_small_imag returns Im sqrt(S) = Im S / (2 sqrt(Re S)) with
 * truncation (Im S / Re S)^2 <= 2^-78 and two roundings.  Dividing by h is
 * exact.  So rel <= (1 + u)^2 (1 + 2^-78) / sqrt(1 - gamma_n - 2^-80) - 1,
 * abs <= 2^-1075 2^40 = 2^-1035 (we use 2^-1030). */
#define DLV_CSTEP_BITS 40
static inline dlv_bound dlv_bound_cstep_nrm2(size_t n)
{
  double g = dlv_gamma((double)n, DLV_U_DOUBLE) + 0x1p-80;
  double rel = expm1(2.0 * log1p(DLV_U_DOUBLE) + log1p(0x1p-78) -
                     0.5 * log1p(-g));
  return (dlv_bound){rel, 0x1p-1030};
}

/* A minimizer is accepted from an independent solver when its
 * central-difference gradient (gsl_deriv_central, step-size optimal for
 * O(h^2) truncation and O(u/h) rounding, i.e. error ~ u^(2/3)) is below
 * sqrt(u) relative to the problem's scale.  This judges the solver, not the
 * claim; the claim's residual is then gated by what the solver reached. */
#define DLV_SOLVER_STATIONARITY 0x1p-26

/* ---- P1 ------------------------------------------------------------- */
/* ---- P2 ------------------------------------------------------------- */
/* Claim P2 (kernels/noisy_linear.c, checks/p2_weight_noise.c). */

/* p2_dot: one ReLU input z_i = sum_j (w_ij + e_ij) x_j in precision u.
 * Each term passes through the addition w + e (noisy layer only), one
 * product and at most n - 1 additions of the eight-way sum, so (Higham
 * (3.5)) |z - exact| <= gamma_k G, k = n + 1 (noisy) or n (plain, dropout),
 * with the gauge G = sum_j |w_ij + e_ij| |x_j| (dropped terms count 0).
 * A product that underflows adds at most eta, a sum of two floating-point
 * numbers that underflows is exact (Hauser), and an error eta carried
 * through later additions grows by at most 1 + gamma_n <= 2: abs = 2 n eta.
 * ReLU is exact and 1-Lipschitz, so y = ReLU(z) has the same bound.  NB:
 * rel multiplies the gauge G, not |z| (the check evaluates rel G + abs). */
static inline dlv_bound dlv_bound_p2_dot(size_t n, int noisy, double u,
                                         double eta)
{
  return (dlv_bound){dlv_gamma((double)n + (noisy ? 1.0 : 0.0), u),
                     2.0 * (double)n * eta};
}

/* Monte Carlo.  One run's family-wise false-failure probability is
 * alpha = P(|Z| > DLV_MC_Z) = erfc(5/sqrt 2) = 5.7e-7, split evenly
 * (Bonferroni) over the run's k statistical comparisons: alpha/k each, so a
 * sweep over 200 seeds fails spuriously with probability <= 1.2e-4. */
/* (A macro: DLV_MC_Z is defined at the end of this file.) */
#define DLV_P2_ALPHA_EACH(k) (erfc(DLV_MC_Z / sqrt(2.0)) / (double)(k))

/* p2_t_ci: the mean of N i.i.d. Gaussian samples with sample standard
 * deviation sd; (mean - mu) sqrt(N)/sd is Student t with N - 1 degrees of
 * freedom (exactly), so |mean - mu| <= q sd/sqrt(N) fails with probability
 * alpha_each when q is the t quantile at 1 - alpha_each/2 (GSL, in the
 * check).  The ratio estimator c = sum a_i m_i / sum a_i^2 of m such means
 * with a common variance has sd/sqrt(N sum a_i^2), pooled sd, t with
 * m (N - 1) degrees of freedom. */
static inline double dlv_p2_t_halfwidth(double q, double sd, double count)
{
  return q * sd / sqrt(count);
}

/* p2_chi2_ci: N Gaussian samples with variance sigma2 have sample variance
 * S2 with nu S2/sigma2 ~ chi-square(nu), nu = N - 1 (or N when the mean is
 * known).  With q_lo, q_hi its quantiles at alpha_each/2 and
 * 1 - alpha_each/2, the row err = |S2 - sigma2| is bounded by the distance
 * from sigma2 to the end of the acceptance interval on S2's side, so the row
 * holds iff q_lo <= nu S2/sigma2 <= q_hi. */
static inline double dlv_p2_chi2_bound(double s2, double sigma2, double nu,
                                       double q_lo, double q_hi)
{
  return s2 >= sigma2 ? sigma2 * (q_hi / nu - 1.0)
                      : sigma2 * (1.0 - q_lo / nu);
}

/* p2_gauss_conc: Gaussian concentration (Tsirelson-Ibragimov-Sudakov): an
 * L-Lipschitz function f of a standard Gaussian vector has
 * P(|f - E f| >= r) <= 2 exp(-r^2 / (2 L^2)).  The mean over N draws of
 * ReLU(a + e_k . x) is (||x||/sqrt N)-Lipschitz in (e_1, ..., e_N), so
 * r = L sqrt(2 log(2/alpha_each)) with L = ||x||/sqrt(N); no normal
 * approximation is involved. */
static inline double dlv_p2_gauss_conc_halfwidth(double lip, double alpha)
{
  return lip * sqrt(2.0 * log(2.0 / alpha));
}

/* p2_hoeffding: McDiarmid's bounded-difference inequality: when changing
 * the k-th independent input moves f by at most c_k,
 * P(|f - E f| >= r) <= 2 exp(-2 r^2 / sum c_k^2), so
 * r = sqrt(sum c_k^2 log(2/alpha_each) / 2).  With f the fraction of ones
 * among n Bernoulli draws (c_k = 1/n), or the Dvoretzky-Kiefer-Wolfowitz
 * inequality with Massart's constant for the Kolmogorov-Smirnov distance
 * sup |F_n - F| (sum c_k^2 = 1/n again), this is exact for every n. */
static inline double dlv_p2_hoeffding_halfwidth(double sum_c2, double alpha)
{
  return sqrt(sum_c2 * log(2.0 / alpha) / 2.0);
}

/* p2_mc_rounding: the Monte Carlo statistics are formed from computed
 * samples in double.  A computed sample z_k is within gamma_{n+1} G_k of
 * the exact one (p2_dot) and |z_k| <= G_k; their mean (N - 1 additions, one
 * division) is then within (gamma_{n+1} + gamma_N (1 + gamma_{n+1})) Gbar
 * <= gamma_{n+N+1} Gbar of the exact samples' mean (Lemma 3.3).  Gbar is
 * itself computed in double (relative error gamma_{n+N+1}), which doubles
 * the chain: gamma_{2(n+N+1)} Gbar.  The same holds for ReLU outputs. */
static inline double dlv_p2_mean_rounding(size_t n, double count,
                                          double gauge_mean)
{
  return dlv_gamma(2.0 * ((double)n + count + 1.0), DLV_U_DOUBLE) *
         gauge_mean;
}

/* p2_var_rounding: the two-pass sample variance S2 of N samples each within
 * delta of the exact ones: deviations move by <= 2 delta, so nu S2 moves by
 * <= 4 delta sum |d_k| + 4 N delta^2 <= 4 delta sqrt(N nu S2) + 4 N delta^2
 * (Cauchy-Schwarz); forming S2 (a subtraction, a square, N - 1 additions,
 * one division) adds gamma_{N+2} S2. */
static inline double dlv_p2_var_rounding(double s2, double delta,
                                         double count, double nu)
{
  return 4.0 * delta * sqrt(count * s2 / nu) +
         4.0 * count * delta * delta / nu +
         dlv_gamma(count + 2.0, DLV_U_DOUBLE) * s2;
}

/* p2_ratio_rounding: c = sum a_i m_i / sum a_i^2 over m outputs, where
 * a_i are the test-time layer's outputs (within da_i of exact, p2_dot) and
 * m_i Monte Carlo means (within r_i of the exact samples' means,
 * p2_mc_rounding).  Perturbing the data moves the numerator by at most
 * num_err = sum (|a_i| r_i + (|m_i| + r_i) da_i) and the denominator D by
 * den_err = sum (2 |a_i| + da_i) da_i (the check forms both sums); forming
 * the sums adds gamma_m sum |a_i m_i| and gamma_m D; so
 * |c - c_exact| <= (N_e + |c| D_e) / (D - D_e) + u |c|, with N_e and D_e
 * the two totals. */
static inline double dlv_p2_ratio_rounding(double num_err, double den_err,
                                           double sum_abs_am, double c,
                                           double d, size_t m)
{
  double g = dlv_gamma((double)m, DLV_U_DOUBLE);
  double ne = num_err + g * sum_abs_am, de = den_err + g * d;
  return (ne + fabs(c) * de) / (d - de) + DLV_U_DOUBLE * fabs(c);
}

/* ---- P3 ------------------------------------------------------------- */
/* ---- P4b, P4c ------------------------------------------------------- */
/* ---- P5 ------------------------------------------------------------- */

/* ---- Monte Carlo ---------------------------------------------------- */
/* Two-sided z for confidence intervals: P(|Z| > 5) = 5.7e-7 per comparison
 * under the null; checks correct it for their number of comparisons. */
#define DLV_MC_Z 5.0

#endif
