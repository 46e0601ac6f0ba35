/* bounds/streams.h: the random streams behind P2. */
#ifndef DLV_BOUNDS_STREAMS_H
#define DLV_BOUNDS_STREAMS_H

#include "gauges.h"
#include "stats.h"

/* ---- random streams (kernels/noisy_linear.c; checks/t_streams.c) ---- */

/* libm's log is taken to be within 1 ulp (2u relative): glibc's documented
 * maximum for log on x86-64 (its manual's table of known errors). */
#define DLV_LIBM_LOG_ULPS 1.0

/* polar_rel: one output of Marsaglia's polar method computed in precision
 * u from exact u_, v_ (multiples of 2^-52): r = fl(fl(u_^2) + fl(v_^2)) =
 * R (1 + t), |t| <= gamma_2; log r = (ln R + ln(1 + t)) (1 + l), |l| <=
 * 2u DLV_LIBM_LOG_ULPS, so the log's relative error is
 * e1 = (1 + 2u L)(1 + gamma'/|ln R|) - 1, gamma' = gamma_2/(1 - gamma_2)
 * bounding |ln(1 + t)|; then one division (by r, itself R (1 + t)), a
 * square root and a product: the output is u_ sqrt(-2 ln R / R) times
 * sqrt((1 + e1)(1 + d)/(1 + t)) (1 + d')(1 + d''), |d| <= u.  The bound is
 * the larger deviation of that factor from 1 (below: at most 1, the
 * whole output, once e1 >= 1).  |ln R| = (a^2 + b^2)/2 for
 * the exact pair (a, b), since a^2 + b^2 = -2 ln R. */
static inline double dlv_bound_polar_rel(double ln_r_abs, double u)
{
  /* each factor's deviation from 1 through log1p and expm1, whose terms
   * all have one sign: written as products minus 1, the bound lost up to
   * u absolute to cancellation (0.05% of it at |ln R| = 1e-3, 20% of the
   * 2u of the log) */
  double g2 = dlv_gamma(2.0, u), gp = g2 / (1.0 - g2);
  double l = 2.0 * u * DLV_LIBM_LOG_ULPS;
  double e1 = expm1(log1p(l) + log1p(gp / ln_r_abs));
  double up = expm1(0.5 * (log1p(e1) + log1p(u) - log1p(-g2)) +
                    2.0 * log1p(u));
  double down = -expm1(0.5 * (log1p(-e1) + log1p(-u) - log1p(g2)) +
                       2.0 * log1p(-u));
  /* e1 >= 1 (|ln R| within about gamma' of 0: R within ~2^-52 of 1, where
   * fl(r) may even be 1): the factor may reach 0 (never below: the output
   * keeps u_'s sign), so the lower side is the whole output, 1 */
  if (!(e1 < 1.0))
    down = 1.0;
  return up > down ? up : down;
}

/* Sample model of the stream tests: the double generator's draws are
 * N(0, 1) samples g (the model every P2 law test makes); the float
 * generator's draws are x = fl(g) = g (1 + d), |d| <= rho = 2^-24 with no
 * underflow (a polar draw is 0 or at least 2^-78 in magnitude).  Each
 * statistic below is bounded for the g and then moved by at most the
 * perturbation rho can cause, computed from the x. */

/* mc_pair_z: for n disjoint pairs (a_j, b_j) of independent N(0, 1)
 * samples, Z = sum a_j b_j / sqrt(sum a_j^2) is exactly N(0, 1) (given a,
 * sum a_j b_j is N(0, sum a_j^2)): |Z| <= q with q = Phi^-1(1 - alpha/2).
 * From x = g (1 + d): the numerator moves by at most e S, S = sum |a_j b_j|
 * of the x, e = ((1 + rho)/(1 - rho))^2 - 1; the root of the denominator
 * by a factor within [1/(1 + rho), 1/(1 - rho)], i.e. Z by at most
 * 2 rho/(1 - rho) of its size; forming the sums in double adds gamma_{n+2}
 * of S and of the numerator.  slack = ((e + g) S + (|N| + (e + g) S)
 * (2 rho/(1 - rho) + g)) / D, N and D the computed numerator and root. */
static inline double dlv_mc_pair_z_slack(double rho, size_t n, double s_abs,
                                         double num, double den)
{
  double e = expm1(2.0 * (log1p(rho) - log1p(-rho))); /* no cancellation */
  double g = dlv_gamma((double)n + 2.0, DLV_U_DOUBLE);
  double moved = (e + g) * s_abs;
  return (moved + (fabs(num) + moved) * (2.0 * rho / (1.0 - rho) + g)) / den;
}

/* mc_bin_shift: probability a sample changes bin when g becomes
 * x = g (1 + d), bins cut at 0 (never crossed: the sign is kept) and at
 * +-b, |b| <= 1: x crosses b only when |g| lies within b [1/(1 + rho),
 * 1/(1 - rho)], of probability at most 2 phi_max b 2 rho/(1 - rho) per cut,
 * phi_max = 1/sqrt(2 pi); a bin has two cuts, a cell of two samples four. */
static inline double dlv_mc_cell_shift(double rho, int cuts)
{
  return (double)cuts * 4.0 * rho / (1.0 - rho) / sqrt(2.0 * M_PI);
}

/* mc_cdf_shift: sup_t |P(x <= t) - Phi(t)| <= sup_t P(|g| between
 * |t|/(1 + rho) and |t|/(1 - rho)) <= 2 rho/(1 - rho) max_t |t| phi(t) =
 * 2 rho/(1 - rho) phi(1). */
static inline double dlv_mc_cdf_shift(double rho)
{
  return 2.0 * rho / (1.0 - rho) * exp(-0.5) / sqrt(2.0 * M_PI);
}

/* mc_turning_points: among n i.i.d. continuous samples the number T of
 * turning points (x_{i-1} < x_i > x_{i+1} or >, <; runs up and down
 * number T + 1) has E T = 2 (n - 2)/3 exactly; changing one sample moves T
 * by at most 3 (the points i - 1, i, i + 1), so McDiarmid gives
 * |T - E T| <= sqrt(9 n log(2/alpha)/2).  For x = g (1 + d) the order of a
 * successive pair can change only when |g1 - g2| <= k (|g1| + |g2|),
 * k = 2 rho/(1 - rho), i.e. |D| <= k |S| with D = g1 - g2, S = g1 + g2
 * independent N(0, 2): probability <= 2k/pi; each change moves T by at most
 * 2, which shifts E T by at most 2 (n - 1) 2k/pi. */
static inline double dlv_mc_turning_points_halfwidth(size_t n, double rho,
                                                     double alpha)
{
  double k = 2.0 * rho / (1.0 - rho);
  return sqrt(9.0 * (double)n * log(2.0 / alpha) / 2.0) +
         2.0 * (double)(n - 1) * 2.0 * k / M_PI;
}

/* mc_bin_cdf: the bin probabilities Phi(b) are computed with libm's erfc
 * (a few ulps): 1e-15 absolute covers them. */
#define DLV_MC_CDF_ABS 1e-15

#endif
