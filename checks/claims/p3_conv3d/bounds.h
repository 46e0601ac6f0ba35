/* claims/p3_conv3d/bounds.h: claim P3, 3-D convolution. */
#ifndef DLV_BOUNDS_P3_CONV3D_H
#define DLV_BOUNDS_P3_CONV3D_H

#include "../../bounds/gauges.h"

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

/* conv3d_mp_adjoint: the same identity on the reference path, every pass
 * from the MPFR references (exact products, correctly rounded sums at >= 256
 * bits) and the inner products in MPFR 64 bits wider: a few dozen
 * roundings of relative 2^-256 on terms adding up to T in magnitude, so
 * the two sides agree to far better than 2^-200 T, which is far below any
 * double-precision effect. */
#define DLV_P3_MPFR_REL 0x1p-200

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

#endif
