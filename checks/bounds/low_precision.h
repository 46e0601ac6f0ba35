/* bounds/low_precision.h: the bounds of the low-precision kernels (kernels/lowp.h),
 * derived here, named, defined once (notation of checks/bounds.h).
 *
 * Facts used:
 * - bf16 and fp16 values have p = 8 and 11 significant bits; u = 2^-p
 *   (2^-8, 2^-11); a rounding to them that underflows errs by at most half
 *   the smallest subnormal, eta = 2^-134 (bf16), 2^-25 (fp16);
 * - the product of two such values has at most 2p <= 22 bits: it is exact
 *   in float unless it leaves float's exponent range (t_lowp_convert
 *   checks this on every extreme and on random pairs);
 * - vdpbf16ps rounds each FMA step once, RNE, subnormals flushed (the
 *   measured model, lowp.h; t_bf16_dot). */
#ifndef DLV_BOUNDS_LOWP_H
#define DLV_BOUNDS_LOWP_H

#include "gauges.h"
#include "../claims/p3_conv3d/bounds.h"
#include <dlv/lowp.h> /* the public header, in the build tree and installed */

#define DLV_U_BF16 0x1p-8
#define DLV_U_FP16 0x1p-11
#define DLV_ETA_BF16 0x1p-134
#define DLV_ETA_FP16 0x1p-25

/* K: the roundings a scaled square meets in its block's float sum: two
 * FMA steps per lane step (DLV_LOWP_NRM2_BLOCK / DLV_LOWP_NRM2_STEP steps
 * per block) and log2(DLV_LOWP_NRM2_LANES) tree additions: 2 256/32 + 4 =
 * 20.  (The first FMA of a lane, from 0, is exact: counting it is the
 * only slack.) */
static inline double dlv_lowp_nrm2_depth(void)
{
  double tree = 0.0;
  for (size_t w = DLV_LOWP_NRM2_LANES; w > 1; w /= 2)
    tree += 1.0;
  return 2.0 * DLV_LOWP_NRM2_BLOCK / DLV_LOWP_NRM2_STEP + tree;
}

/* The computed sum of squares, relative: each block sum s_b >= 1 (its
 * largest scaled square is in [1, 4), all terms >= 0) carries gamma_K in
 * float, and flushed squares or partial sums lose < 2^-126 per FMA step,
 * at most DLV_LOWP_NRM2_BLOCK of them: relative BLOCK 2^-126.  The block
 * sums 2^(2E) s_b are exact in double and summed left to right:
 * gamma_{nblocks} in double. */
static inline double dlv_lowp_ssq_rel(size_t n)
{
  /* the number of blocks, without n + BLOCK - 1 (it wraps near SIZE_MAX) */
  double nb = (double)(n / DLV_LOWP_NRM2_BLOCK +
                       (n % DLV_LOWP_NRM2_BLOCK != 0));
  double block = dlv_gamma(dlv_lowp_nrm2_depth(), DLV_U_FLOAT) +
                 DLV_LOWP_NRM2_BLOCK * 0x1p-126;
  return expm1(log1p(block) + log1p(dlv_gamma(nb, DLV_U_DOUBLE)));
}

/* lowp_nrm2: sqrt in double (u_d) of the sum above, rounded to float
 * (u_f, or 2^-150 when the norm is a subnormal float: it can be, down to
 * 2^-133). */
static inline dlv_bound dlv_bound_lowp_nrm2(size_t n)
{
  double rd = dlv_sqrt_of_perturbed_rel(dlv_lowp_ssq_rel(n), DLV_U_DOUBLE);
  return (dlv_bound){expm1(log1p(rd) + log1p(DLV_U_FLOAT)), DLV_ETA_FLOAT, n};
}

/* One final rounding to the format (relative u, absolute eta): the
 * gradient's output, theta of the bf16 Adam steps, m and v of the pure
 * one. */
static inline dlv_bound dlv_bound_lowp_final(int is_bf16)
{
  return is_bf16 ? (dlv_bound){DLV_U_BF16, DLV_ETA_BF16, 0}
                 : (dlv_bound){DLV_U_FP16, DLV_ETA_FP16, 0};
}

/* A value computed with absolute error e (against exact of magnitude a),
 * then rounded once to the format: e + u (a + e) + eta. */
static inline double dlv_lowp_round_after(double e, double a, int is_bf16)
{
  dlv_bound f = dlv_bound_lowp_final(is_bf16);
  return e + f.rel * (a + e) + f.abs;
}

/* lowp_nrm2_grad: x_i / r in double, r = the norm before its rounding to
 * float (relative beta = sqrt_of_perturbed_rel(ssq_rel, u_d)): relative
 * (1 + u_d)/(1 - beta) - 1; |x_i / r| <= 1, no underflow in double; then
 * one rounding to the format. */
static inline dlv_bound dlv_bound_lowp_nrm2_grad(size_t n, int is_bf16)
{
  double beta = dlv_sqrt_of_perturbed_rel(dlv_lowp_ssq_rel(n), DLV_U_DOUBLE);
  dlv_bound f = dlv_bound_lowp_final(is_bf16);
  if (beta >= 1.0) /* r may vanish: no relative bound (log1p(-beta) NaN) */
    return (dlv_bound){INFINITY, f.abs, n};
  double rd = expm1(log1p(DLV_U_DOUBLE) - log1p(-beta));
  return (dlv_bound){expm1(log1p(rd) + log1p(f.rel)), f.abs, n};
}

/* ---- conv3d with bf16 / fp16 operands (conv3d_lowp.h) -----------------------
 * bf16: an output element is ONE chain of vdpbf16ps steps from +0, two
 * exact products per step, each FMA rounded once (RNE, relative u_f =
 * 2^-24) or, when its result is below 2^-126, flushed to zero (absolute
 * error < 2^-126, and then no relative error): fl(x) = x (1 + d) + e with
 * d e = 0, |d| <= u_f, |e| < 2^-126.  Every product passes through at most
 * R roundings, so (Higham eq. 3.5 with the absolute terms carried along)
 * |computed - exact| <= gamma_R S + (1 + gamma_R) R 2^-126
 *                    <= gamma_R S + 2 R 2^-126,  S = sum |a b|,
 * which is P3's dot-product bound with eta = 2^-126 (the flush threshold
 * in place of float's subnormal half-ulp).  The DAZ of subnormal inputs is
 * not an error here: the reference reads them as 0, as the kernel does.
 * R counts two roundings per step that can round: a step whose two
 * products are 0 (the padding of an odd pair, the taps of the padded G
 * that miss an input-gradient element) adds an exact 0 (or is skipped:
 * conv3d_lowp.h). */
#define DLV_FTZ_FLOAT 0x1p-126

/* R for an element of `terms` products paired along an extent `paired`
 * (forward C', filter gradient T, input gradient C; terms as P3's
 * dlv_conv3d_terms): terms / paired groups of ceil(paired / 2) steps. */
static inline double dlv_conv3d_bf16_roundings(double terms, size_t paired)
{
  return 2.0 * (terms / (double)paired) * (double)((paired + 1) / 2);
}

static inline double dlv_bound_conv3d_bf16(double roundings, double abs_sum)
{
  return dlv_bound_conv3d_dot(roundings, DLV_U_FLOAT, DLV_FTZ_FLOAT, abs_sum);
}

/* fp16: converted exactly to float, then the float FAST convolution:
 * P3's float bound with K = terms (its products of fp16 values are even
 * exact; the eta term only covers FAST's generic analysis). */
static inline double dlv_bound_conv3d_fp16(double terms, double abs_sum)
{
  return dlv_bound_conv3d_dot(terms, DLV_U_FLOAT, DLV_ETA_FLOAT, abs_sum);
}

/* The adjoint identity in low precision (P3's nearby sense): each side
 * <out, w> is formed exactly (MPFR) from a pass's float output and the
 * exact probe w (a format value).  An output element errs by at most
 * gamma_R S_i + 2 R eta (eta: 2^-126 for bf16's flush, float's 2^-150 for
 * fp16), and sum_i |w_i| S_i = T = sum |G||F||L1| for every pass, so two
 * sides differ by at most
 *   (gamma_Ra + gamma_Rb) T + 2 eta (Ra Wa + Rb Wb),
 * Ra, Rb the largest rounding counts of the two passes, Wa, Wb the sums of
 * |probe| of each side. */
static inline double dlv_bound_conv3d_lowp_adjoint(double ra, double rb,
                                                   double t_abs, double wa,
                                                   double wb, double eta)
{
  return (dlv_gamma(ra, DLV_U_FLOAT) + dlv_gamma(rb, DLV_U_FLOAT)) * t_abs +
         2.0 * eta * (ra * wa + rb * wb);
}

/* float_ema_stall: an EMA m <- m + (1 - beta)(x - m) of the constant x = 1
 * held in float (the bf16 Adam's master weights) stops moving once its
 * increment (1 - beta)(1 - m) rounds away against m, below half an ulp of
 * m (2^-25 for m in [1/2, 1)): gap 1 - m <= 2^-25 / (1 - beta) for the
 * exact increment, and twice that, u_float / (1 - beta), for the
 * increment's own rounding (as bf16's band ends at k 2^-9 = k u_bf16 / 2
 * and its check allows 2^-8 below, P1's low_precision.c). */
static inline double dlv_bound_float_ema_stall_gap(double beta)
{
  return DLV_U_FLOAT / (1.0 - beta);
}

#endif
