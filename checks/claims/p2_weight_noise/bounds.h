/* claims/p2_weight_noise/bounds.h: claim P2, noisy linear layer. */
#ifndef DLV_BOUNDS_P2_NOISE_H
#define DLV_BOUNDS_P2_NOISE_H

#include "../../bounds/gauges.h"
#include "../../bounds/stats.h"

/* ---- P2 ------------------------------------------------------------- */
/* Claim P2 (kernels/noisy_linear.c, checks/claims/p2_weight_noise/). */

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
                     2.0 * (double)n * eta, 0};
}

/* Monte Carlo.  One run's family-wise false-failure probability is
 * alpha = P(|Z| > DLV_MC_Z) = erfc(5/sqrt 2) = 5.7e-7, split evenly
 * (Bonferroni) over the run's k statistical comparisons: alpha/k each, so a
 * sweep over 200 seeds fails spuriously with probability <= 1.2e-4. */
#define DLV_P2_ALPHA_EACH(k) DLV_MC_ALPHA_EACH(k)

/* The generic statistics of stats.h under the names P2's check and
 * t_streams.c were written with (thin aliases, no logic). */
#define dlv_p2_t_halfwidth dlv_t_halfwidth
#define dlv_p2_chi2_bound dlv_chi2_bound
#define dlv_p2_gauss_conc_halfwidth dlv_gauss_conc_halfwidth
#define dlv_p2_hoeffding_halfwidth dlv_hoeffding_halfwidth
#define dlv_mc_chi2_halfwidth dlv_chi2_lm_halfwidth

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

#endif
