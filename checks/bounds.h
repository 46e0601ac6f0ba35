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
/* ---- P3 ------------------------------------------------------------- */
/* P3 (kernels/conv3d.c).  Every element of every pass is a dot product of K
 * terms a_i b_i: forward K = U V Z C', filter gradient K = B H W T, input
 * gradient K = taps C (taps = filter positions covering the element, at
 * most U V Z).  Whatever the order of summation (direct loops, a GEMM's
 * blocked and FMA-fused dot products, a C-term GEMM dot product followed by
 * taps - 1 col2im additions: C + taps - 1 <= taps C), each product passes
 * through one multiplication and at most K - 1 additions, so (Higham, eq.
 * 3.5) |computed - exact| <= gamma_K S, S = sum |a_i b_i|, in the kernel's
 * own precision u.  Underflow: with fl(ab) = ab(1 + d) + e, |e| <= eta, and
 * exact subnormal additions, the K products add (1 + gamma_K) K eta <=
 * 2 K eta.  S is computed as the MPFR reference of the same pass on |a|,
 * |b|, rounded upward. */
static inline double dlv_bound_conv3d_dot(double k, double u, double eta,
                                          double abs_sum)
{
  return dlv_gamma(k, u) * abs_sum + 2.0 * k * eta;
}

/* Adjoint (dot-product) test: with G the probe, every one of
 * <conv(L1,F), G>, <L1, dL1(G,F)>, <F, dF(L1,G)> equals the triple sum
 * S = sum G F L1; each inner product is formed exactly (MPFR) from the
 * kernel's output, whose element errors are gamma_K times the element's
 * absolute sum, and those absolute sums weighted by |G|, |L1| or |F| all
 * add up to T = sum |G||F||L1|.  Two computed forms differ by at most
 * (gamma_Ka + gamma_Kb) T, K the largest K of each pass; data are drawn
 * with |x| >= 2^-4 (no product underflows).  The difference of the two
 * exact inner products is formed in MPFR, without rounding. */
static inline double dlv_bound_conv3d_adjoint(double ka, double kb, double u,
                                              double t_abs)
{
  return (dlv_gamma(ka, u) + dlv_gamma(kb, u)) * t_abs;
}

/* Gradient of l = |conv(L1,F)|^2 / 2 along a direction d (of L1 or F),
 * formula side: y^ = fwd (error gamma_Kf A_i, A = conv of absolute values),
 * g^ = bwd(y^) (error gamma_Kb), D^ = <g^, d> formed exactly and rounded
 * once.  By adjointness, |D^ - D| <= ((1+gamma_Kf)(1+gamma_Kb)(1+u_d) - 1)
 * S_AB with S_AB = sum_i A_i B_i, B the conv of |d| with the other
 * operand's absolute values.  No underflow (data |x| >= 2^-4). */
static inline double dlv_bound_conv3d_grad_formula(double kf, double kb,
                                                   double u, double s_ab)
{
  return expm1(log1p(dlv_gamma(kf, u)) + log1p(dlv_gamma(kb, u)) +
               log1p(DLV_U_DOUBLE)) * s_ab;
}

/* Complex step Im l(x + i h d)/h with l quadratic: no truncation error.
 * Re and Im of the complex forward conv (a real filter times a complex
 * input needs no cross terms, C11 Annex G) carry gamma_Kf A_i and
 * gamma_Kf h B_i; Im z^2 = a b + b a, two roundings; the sum over N
 * outputs N - 1 more; h = 2^-20 is exact: ((1 + gamma_Kf)^2
 * (1 + gamma_(N+1)) - 1) S_AB, in double. */
static inline double dlv_bound_conv3d_cstep(double kf, double n,
                                            double s_ab)
{
  return expm1(2.0 * log1p(dlv_gamma(kf, DLV_U_DOUBLE)) +
               log1p(dlv_gamma(n + 1.0, DLV_U_DOUBLE))) * s_ab;
}
/* ---- P4b, P4c ------------------------------------------------------- */
/* ---- P5 ------------------------------------------------------------- */

/* ---- Monte Carlo ---------------------------------------------------- */
/* Two-sided z for confidence intervals: P(|Z| > 5) = 5.7e-7 per comparison
 * under the null; checks correct it for their number of comparisons. */
#define DLV_MC_Z 5.0

#endif
